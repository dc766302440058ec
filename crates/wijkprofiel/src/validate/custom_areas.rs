//! `custom_areas.geojson` (`docs/data-contract.md`, "`custom_areas.geojson`") and custom areas
//! added to a loaded region: resolved against the areas and shapes by [`crate::custom`].

use crate::area::Areas;
use crate::custom::CustomAreaSpec;
use crate::error::{DataError, LoadError, Location};
use crate::geometry::Geometries;
use crate::region::{Region, ValidationReport};
use crate::table::Problems;

/// The areas with the custom areas added after them.
pub(crate) fn with_custom(
    areas: Areas,
    specs: &[(CustomAreaSpec, Location)],
    geometry: Option<&Geometries>,
    p: &mut Problems,
) -> Areas {
    let custom = crate::custom::resolve(specs, &areas, geometry, p);
    Areas::new(areas.iter().cloned().chain(custom).collect())
}

impl Region {
    /// The region with these custom areas added (checked as `custom_areas.geojson` is: ids,
    /// kinds, members, polygons overlaid on the buurt shapes).
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] naming every custom area that cannot be made (the row is the
    /// spec's 1-based position).
    pub fn with_custom_areas(&self, specs: &[CustomAreaSpec]) -> Result<Self, LoadError> {
        let located: Vec<(CustomAreaSpec, Location)> = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let at = Location {
                    row: Some(i + 1),
                    ..Location::file("custom areas")
                };
                (spec.clone(), at)
            })
            .collect();
        self.adding(&located, Vec::new())
    }

    /// The region with the custom areas of a `custom_areas.geojson` document added.
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] naming every feature that cannot be read or made.
    pub fn with_custom_areas_geojson(&self, file: &str, bytes: &[u8]) -> Result<Self, LoadError> {
        let (specs, problems) = CustomAreaSpec::parse_geojson(file, bytes);
        let mut region = self.adding(&specs, problems.into_iter().map(Into::into).collect())?;
        if !region.fingerprint.is_empty() {
            region.fingerprint = crate::inputs::fingerprint([
                ("inputs", region.fingerprint.as_bytes()),
                (file, bytes),
            ]);
        }
        Ok(region)
    }

    fn adding(
        &self,
        specs: &[(CustomAreaSpec, Location)],
        problems: Vec<DataError>,
    ) -> Result<Self, LoadError> {
        let mut p = Problems::new(crate::PROBLEMS_PER_FILE);
        for problem in problems {
            p.push(problem);
        }
        let areas = with_custom(self.areas.clone(), specs, self.geometry.as_ref(), &mut p);
        if p.count() > 0 {
            let (problems, omitted) = p.into_parts();
            return Err(LoadError::Invalid(Box::new(ValidationReport {
                origin: self.origin.clone(),
                problems,
                omitted,
                summary: None,
            })));
        }
        Ok(Self {
            areas,
            ..self.clone()
        })
    }
}
