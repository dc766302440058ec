//! `geometry.geojson` (`docs/data-contract.md`, "`geometry.geojson`"): a shape for every area
//! below the country and none for unknown codes.

use std::collections::HashSet;

use crate::area::{Areas, Level};
use crate::error::{GeometryError, Location};
use crate::geometry::Geometries;
use crate::table::Problems;

pub(super) fn geometry(
    file: &str,
    bytes: &[u8],
    areas: Option<&Areas>,
    p: &mut Problems,
) -> Option<Geometries> {
    let (geometry, problems) = Geometries::parse(file, bytes);
    let mut invalid = HashSet::new();
    for problem in problems {
        if let GeometryError::InvalidGeometry { code, .. } = &problem {
            invalid.insert(code.clone());
        }
        p.push(problem);
    }
    let (Some(geometry), Some(areas)) = (geometry, areas) else {
        return None;
    };
    for (code, feature) in geometry.features() {
        if areas.get(code).is_none() {
            p.push(GeometryError::UnknownArea {
                at: Location::file(file),
                feature,
                code: code.to_owned(),
            });
        }
    }
    for area in areas.iter().filter(|a| a.level != Level::Country) {
        if geometry.get(&area.code).is_none() && !invalid.contains(&area.code) {
            p.push(GeometryError::MissingGeometry {
                at: Location::file(file),
                code: area.code.clone(),
            });
        }
    }
    Some(geometry)
}
