//! Area geometry: a GeoJSON FeatureCollection keyed by area code, in WGS84 or RD New.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use geo::{Coord, InteriorPoint, LineString, MultiPolygon, Polygon, Validation};
use rayon::prelude::*;
use serde_json::Value;

use crate::error::{GeometryError, Location};

/// Coordinate reference system of geometry and point locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Crs {
    /// Longitude/latitude, WGS84 (EPSG:4326 / CRS84).
    Wgs84,
    /// Amersfoort / RD New (EPSG:28992), metres.
    RdNew,
}

impl Crs {
    /// Reads a declared CRS name (`EPSG:28992`, `urn:ogc:def:crs:EPSG::28992`, `CRS84`, ...).
    pub fn from_name(name: &str) -> Option<Self> {
        let upper = name.to_ascii_uppercase();
        if upper.ends_with(":28992") || upper.ends_with("::28992") {
            Some(Self::RdNew)
        } else if upper.ends_with("CRS84") || upper.ends_with(":4326") {
            Some(Self::Wgs84)
        } else {
            None
        }
    }

    /// The CRS whose plausible range for the Netherlands holds every coordinate, if one does.
    /// RD New: x from -7,000 to 300,000 m, y from 289,000 to 629,000 m. WGS84: longitude 2.5 to
    /// 7.5, latitude 50.5 to 54. The ranges do not overlap, so detection cannot be ambiguous.
    pub fn detect(coords: impl IntoIterator<Item = (f64, f64)>) -> Option<Self> {
        let (mut rd, mut wgs, mut any) = (true, true, false);
        for (x, y) in coords {
            any = true;
            rd &= Self::RdNew.fits(x, y);
            wgs &= Self::Wgs84.fits(x, y);
        }
        match (any, rd, wgs) {
            (true, true, _) => Some(Self::RdNew),
            (true, false, true) => Some(Self::Wgs84),
            _ => None,
        }
    }

    /// Whether a point lies within the Netherlands in this reference system.
    pub fn fits(self, x: f64, y: f64) -> bool {
        match self {
            Self::RdNew => {
                (-7_000.0..=300_000.0).contains(&x) && (289_000.0..=629_000.0).contains(&y)
            }
            Self::Wgs84 => (2.5..=7.5).contains(&x) && (50.5..=54.0).contains(&y),
        }
    }

    /// The name written in outputs.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Wgs84 => "EPSG:4326",
            Self::RdNew => "EPSG:28992",
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Valid area shapes by code, and their CRS.
#[derive(Debug, Clone)]
pub struct Geometries {
    pub crs: Crs,
    /// Whether the file declared its CRS (otherwise it was detected).
    pub crs_declared: bool,
    /// Shape and 1-based feature number per area code.
    shapes: BTreeMap<String, (MultiPolygon<f64>, usize)>,
    /// A point inside each shape, where a map writes its name: found for every shape the
    /// first time one is asked for (pages draw each shape on many maps).
    labels: OnceLock<BTreeMap<String, (f64, f64)>>,
}

impl Geometries {
    /// The shape of an area.
    pub fn get(&self, code: &str) -> Option<&MultiPolygon<f64>> {
        self.shapes.get(code).map(|(shape, _)| shape)
    }

    /// A point inside an area's shape (geo's interior point), for its label on a map.
    pub(crate) fn label_point(&self, code: &str) -> Option<(f64, f64)> {
        self.labels
            .get_or_init(|| {
                self.shapes
                    .par_iter()
                    .filter_map(|(code, (shape, _))| {
                        let at = shape.interior_point()?;
                        Some((code.clone(), (at.x(), at.y())))
                    })
                    .collect()
            })
            .get(code)
            .copied()
    }

    /// Area codes with a shape, sorted, with their feature number in the file.
    pub fn features(&self) -> impl Iterator<Item = (&str, usize)> {
        self.shapes.iter().map(|(code, (_, n))| (code.as_str(), *n))
    }

    /// Number of shapes.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there are no shapes.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Parses a FeatureCollection whose features carry the area code in `properties.code`.
    /// Invalid features are reported and left out; the rest are returned.
    ///
    /// # Errors
    ///
    /// A list of problems: format errors stop parsing; otherwise every feature with a
    /// missing code, a duplicate code or an invalid shape is named.
    pub fn parse(file: &str, bytes: &[u8]) -> (Option<Self>, Vec<GeometryError>) {
        let at = || Location::file(file);
        let format = |detail: String| GeometryError::Format { at: at(), detail };
        let root: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => return (None, vec![format(format!("not valid JSON: {e}"))]),
        };
        if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return (None, vec![format("not a GeoJSON FeatureCollection".into())]);
        }
        let Some(features) = root.get("features").and_then(Value::as_array) else {
            return (
                None,
                vec![format(
                    "the FeatureCollection has no `features` array".into(),
                )],
            );
        };
        let declared = root
            .pointer("/crs/properties/name")
            .and_then(Value::as_str)
            .map(|name| (name, Crs::from_name(name)));
        if let Some((name, None)) = declared {
            return (
                None,
                vec![GeometryError::UnsupportedCrs {
                    at: at(),
                    crs: name.to_owned(),
                }],
            );
        }
        let mut problems = Vec::new();
        let mut shapes = BTreeMap::new();
        for (i, feature) in features.iter().enumerate() {
            let number = i + 1;
            let code = feature
                .pointer("/properties/code")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let Some(code) = code else {
                problems.push(GeometryError::MissingCode {
                    at: at(),
                    feature: number,
                });
                continue;
            };
            let invalid = |reason: String| GeometryError::InvalidGeometry {
                at: at(),
                code: code.to_owned(),
                reason,
            };
            let shape = match feature.get("geometry") {
                None | Some(Value::Null) => Err(invalid("the feature's geometry is empty".into())),
                Some(geometry) => read_shape(geometry).map_err(invalid),
            };
            match shape {
                Ok(shape) => {
                    if shapes.insert(code.to_owned(), (shape, number)).is_some() {
                        problems.push(GeometryError::DuplicateArea {
                            at: at(),
                            code: code.to_owned(),
                        });
                    }
                }
                Err(problem) => problems.push(problem),
            }
        }
        let crs = match declared {
            Some((_, Some(crs))) => crs,
            _ => {
                let coords = shapes
                    .values()
                    .flat_map(|(mp, _)| mp.iter())
                    .flat_map(|p| p.exterior().coords())
                    .map(|c| (c.x, c.y));
                match Crs::detect(coords) {
                    Some(crs) => crs,
                    None if shapes.is_empty() => Crs::RdNew,
                    None => {
                        problems.push(GeometryError::UndetectedCrs {
                            at: at(),
                            detail: "coordinates fit neither WGS84 nor RD New within the \
                                     Netherlands; declare `crs` in the FeatureCollection"
                                .into(),
                        });
                        return (None, problems);
                    }
                }
            }
        };
        let geometries = Self {
            crs,
            crs_declared: declared.is_some(),
            shapes,
            labels: OnceLock::new(),
        };
        (Some(geometries), problems)
    }
}

/// A Polygon or MultiPolygon geometry object as a valid `MultiPolygon`.
pub(crate) fn read_shape(geometry: &Value) -> Result<MultiPolygon<f64>, String> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry
        .get("coordinates")
        .ok_or_else(|| "the geometry has no `coordinates`".to_owned())?;
    let polygons = match kind {
        "Polygon" => vec![read_polygon(coords)?],
        "MultiPolygon" => coords
            .as_array()
            .ok_or_else(|| "MultiPolygon coordinates are not an array".to_owned())?
            .iter()
            .map(read_polygon)
            .collect::<Result<_, _>>()?,
        other => return Err(format!("type `{other}` is not Polygon or MultiPolygon")),
    };
    let shape = MultiPolygon::new(polygons);
    shape.check_validation().map_err(|e| e.to_string())?;
    Ok(shape)
}

fn read_polygon(rings: &Value) -> Result<Polygon<f64>, String> {
    let rings = rings
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| "a polygon needs at least one ring".to_owned())?;
    let mut read = rings.iter().map(read_ring);
    let exterior = read
        .next()
        .unwrap_or_else(|| Err("no exterior ring".into()))?;
    let interiors = read.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn read_ring(ring: &Value) -> Result<LineString<f64>, String> {
    let positions = ring
        .as_array()
        .ok_or_else(|| "a ring is not an array of positions".to_owned())?;
    let coords: Vec<Coord<f64>> = positions
        .iter()
        .map(|p| {
            let xy = p.as_array().filter(|a| a.len() >= 2);
            let x = xy.and_then(|a| a[0].as_f64()).filter(|v| v.is_finite());
            let y = xy.and_then(|a| a[1].as_f64()).filter(|v| v.is_finite());
            match (x, y) {
                (Some(x), Some(y)) => Ok(Coord { x, y }),
                _ => Err(format!("position {p} is not a pair of finite numbers")),
            }
        })
        .collect::<Result<_, _>>()?;
    if coords.len() < 4 {
        return Err(format!(
            "a ring needs at least 4 positions, this one has {}",
            coords.len()
        ));
    }
    if coords.first() != coords.last() {
        return Err("a ring is not closed (first and last positions differ)".into());
    }
    Ok(LineString::new(coords))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &str, crs: &str) -> Vec<u8> {
        format!(r#"{{"type":"FeatureCollection",{crs}"features":[{features}]}}"#).into_bytes()
    }

    const SQUARE: &str = r#"{"type":"Feature","properties":{"code":"GM9901"},"geometry":{"type":"Polygon","coordinates":[[[150000,400000],[151000,400000],[151000,401000],[150000,401000],[150000,400000]]]}}"#;

    #[test]
    fn detects_rd_and_parses() {
        let (geo, problems) = Geometries::parse("g.geojson", &collection(SQUARE, ""));
        assert!(problems.is_empty(), "{problems:?}");
        let geo = geo.unwrap();
        assert_eq!(geo.crs, Crs::RdNew);
        assert!(!geo.crs_declared);
        assert!(geo.get("GM9901").is_some());
    }

    #[test]
    fn declared_crs_is_used_and_unknown_rejected() {
        let declared =
            r#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"#;
        let (geo, _) = Geometries::parse("g.geojson", &collection(SQUARE, declared));
        assert!(geo.unwrap().crs_declared);
        let other = r#""crs":{"type":"name","properties":{"name":"EPSG:3857"}},"#;
        let (geo, problems) = Geometries::parse("g.geojson", &collection(SQUARE, other));
        assert!(geo.is_none());
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: coordinate reference system `EPSG:3857` is not supported (use WGS84 or EPSG:28992 RD New)"
        );
    }

    #[test]
    fn undetectable_crs_is_reported() {
        let far = SQUARE
            .replace("400000", "900000")
            .replace("401000", "901000");
        let (geo, problems) = Geometries::parse("g.geojson", &collection(&far, ""));
        assert!(geo.is_none());
        assert!(
            problems[0]
                .to_string()
                .starts_with("g.geojson: cannot detect the coordinate reference system")
        );
    }

    #[test]
    fn invalid_shapes_are_named_by_code() {
        let open = SQUARE.replace(",[150000,400000]]]", "]]");
        let (_, problems) = Geometries::parse("g.geojson", &collection(&open, ""));
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: geometry of area `GM9901` is invalid: a ring is not closed (first and last positions differ)"
        );
        let bowtie = r#"{"type":"Feature","properties":{"code":"BU99010101"},"geometry":{"type":"Polygon","coordinates":[[[150000,400000],[151000,401000],[151000,400000],[150000,401000],[150000,400000]]]}}"#;
        let (_, problems) = Geometries::parse("g.geojson", &collection(bowtie, ""));
        assert!(
            problems[0]
                .to_string()
                .starts_with("g.geojson: geometry of area `BU99010101` is invalid:")
        );
        let nogeom = r#"{"type":"Feature","properties":{"code":"WK990101"},"geometry":null}"#;
        let (_, problems) = Geometries::parse("g.geojson", &collection(nogeom, ""));
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: geometry of area `WK990101` is invalid: the feature's geometry is empty"
        );
        let nocode = r#"{"type":"Feature","properties":{},"geometry":null}"#;
        let (_, problems) = Geometries::parse("g.geojson", &collection(nocode, ""));
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: feature 1 has no `code` property"
        );
    }

    #[test]
    fn duplicates_and_format() {
        let twice = format!("{SQUARE},{SQUARE}");
        let (_, problems) = Geometries::parse("g.geojson", &collection(&twice, ""));
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: area `GM9901` has more than one feature"
        );
        let (_, problems) = Geometries::parse("g.geojson", b"{\"type\":\"Feature\"}");
        assert_eq!(
            problems[0].to_string(),
            "g.geojson: not a GeoJSON FeatureCollection"
        );
    }
}
