//! Custom areas: groups of buurten an analyst profiles like any CBS area (a stadsdeel, a
//! social-team area, a practice catchment), given as a list of member buurten or wijken, or
//! drawn as a polygon and overlaid on the buurt shapes.
//!
//! In a data folder they live in `custom_areas.geojson`: a FeatureCollection whose features
//! carry `id`, `name`, `kind` and either `members` (codes) or a Polygon/MultiPolygon geometry
//! in the CRS of `geometry.geojson` (see `docs/data-contract.md`).
//!
//! # Examples
//!
//! ```
//! use wijkprofiel::{CustomAreaSpec, CustomKind, Region};
//!
//! let region = Region::demo()?;
//! let jes = CustomAreaSpec::members(
//!     "JES",
//!     "JES-gebied",
//!     CustomKind::SocialTeam,
//!     ["BU99010000", "BU99010001", "BU99010100"],
//! );
//! let region = region.with_custom_areas(&[jes])?;
//! let area = region.areas.get("JES").expect("added");
//! assert_eq!(area.custom.as_ref().map(|c| c.members.len()), Some(3));
//! # Ok::<(), wijkprofiel::LoadError>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use geo::{Area as _, BooleanOps, BoundingRect, Intersects, MultiPolygon};
use serde_json::Value;

use crate::area::{Area, Areas, Custom, CustomKind, Level, PartialBuurt};
use crate::error::{CustomAreaError, Location};
use crate::geometry::{Crs, Geometries, read_shape};
use crate::table::Problems;

/// The file name of custom areas in a data folder.
pub const FILE: &str = "custom_areas.geojson";

/// A buurt is a member of a polygon's area when at least this share of its area lies inside.
pub const MEMBER_SHARE: f64 = 0.5;

/// Shares closer than this to 0 or 1 are where shared borders were digitised twice, not
/// partial buurten; they are not reported.
const EDGE: f64 = 0.001;

/// How a custom area is given.
#[derive(Debug, Clone, PartialEq)]
pub enum Definition {
    /// Buurt or wijk codes (a wijk stands for all its buurten).
    Members(Vec<String>),
    /// A shape in the CRS of the region's geometry.
    Polygon(MultiPolygon<f64>),
}

/// A custom area as the analyst defines it, before it is checked against the region.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomAreaSpec {
    pub id: String,
    pub name: String,
    pub kind: CustomKind,
    pub definition: Definition,
}

impl CustomAreaSpec {
    /// An area made of these buurten or wijken.
    pub fn members(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: CustomKind,
        codes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            definition: Definition::Members(codes.into_iter().map(Into::into).collect()),
        }
    }

    /// An area drawn as a polygon (in the CRS of the region's geometry).
    pub fn polygon(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: CustomKind,
        shape: MultiPolygon<f64>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            definition: Definition::Polygon(shape),
        }
    }

    /// Reads a `custom_areas.geojson` FeatureCollection. Each spec comes with its location
    /// (the file and the 1-based feature number as the row); features that cannot be read
    /// are reported and left out.
    pub fn parse_geojson(
        file: &str,
        bytes: &[u8],
    ) -> (Vec<(Self, Location)>, Vec<CustomAreaError>) {
        let format = |detail: &str| CustomAreaError::Format {
            at: Location::file(file),
            detail: detail.to_owned(),
        };
        let root: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => return (Vec::new(), vec![format(&format!("not valid JSON: {e}"))]),
        };
        let features = root
            .get("features")
            .and_then(Value::as_array)
            .filter(|_| root.get("type").and_then(Value::as_str) == Some("FeatureCollection"));
        let Some(features) = features else {
            return (
                Vec::new(),
                vec![format("not a GeoJSON FeatureCollection with `features`")],
            );
        };
        let mut specs = Vec::new();
        let mut problems = Vec::new();
        for (i, feature) in features.iter().enumerate() {
            let at = |column: &str| {
                Location {
                    row: Some(i + 1),
                    ..Location::file(file)
                }
                .column(column)
            };
            match read_feature(feature, &at) {
                Ok(spec) => specs.push((spec, at("id"))),
                Err(problem) => problems.push(problem),
            }
        }
        (specs, problems)
    }
}

fn read_feature(
    feature: &Value,
    at: &dyn Fn(&str) -> Location,
) -> Result<CustomAreaSpec, CustomAreaError> {
    let text = |field: &str| {
        feature
            .pointer(&format!("/properties/{field}"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let id = text("id").ok_or_else(|| CustomAreaError::Format {
        at: at("id"),
        detail: "the feature has no `id`".into(),
    })?;
    let problem = |column: &str, detail: String| CustomAreaError::Definition {
        at: at(column),
        id: id.to_owned(),
        detail,
    };
    let name = text("name").ok_or_else(|| problem("name", "no `name`".into()))?;
    let kind_text = text("kind").ok_or_else(|| problem("kind", "no `kind`".into()))?;
    let kind: CustomKind = kind_text.parse().map_err(|()| {
        let kinds: Vec<&str> = CustomKind::ALL.iter().map(|k| k.as_str()).collect();
        problem(
            "kind",
            format!("kind `{kind_text}` is not one of {}", kinds.join(", ")),
        )
    })?;
    let members = feature
        .pointer("/properties/members")
        .filter(|v| !v.is_null());
    let geometry = feature.get("geometry").filter(|v| !v.is_null());
    let definition =
        match (members, geometry) {
            (Some(_), Some(_)) => {
                return Err(problem(
                    "members",
                    "give either `members` or a polygon geometry, not both".into(),
                ));
            }
            (None, None) => {
                return Err(problem(
                    "members",
                    "give `members` (buurt or wijk codes) or a polygon geometry".into(),
                ));
            }
            (Some(list), None) => {
                let codes: Option<Vec<String>> = list.as_array().and_then(|items| {
                    items
                        .iter()
                        .map(|c| c.as_str().map(|c| c.trim().to_owned()))
                        .collect()
                });
                Definition::Members(codes.ok_or_else(|| {
                    problem("members", "`members` is not a list of area codes".into())
                })?)
            }
            (None, Some(shape)) => Definition::Polygon(read_shape(shape).map_err(|reason| {
                problem("geometry", format!("the polygon is invalid: {reason}"))
            })?),
        };
    Ok(CustomAreaSpec {
        id: id.to_owned(),
        name: name.to_owned(),
        kind,
        definition,
    })
}

/// Checks specs against the region's areas and geometry and turns them into areas (level
/// [`Level::Custom`]) with their member buurten; every problem is pushed to `p`.
pub(crate) fn resolve(
    specs: &[(CustomAreaSpec, Location)],
    areas: &Areas,
    geometry: Option<&Geometries>,
    p: &mut Problems,
) -> Vec<Area> {
    let buurten_of = buurten_by_wijk(areas);
    let list: Vec<&Area> = areas.iter().collect();
    let position: HashMap<&str, usize> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (spec, at) in specs {
        let problem = |column: &str, detail: String| CustomAreaError::Definition {
            at: at.clone().column(column),
            id: spec.id.clone(),
            detail,
        };
        if !Level::Custom.is_valid_code(&spec.id) {
            p.push(problem(
                "id",
                format!("the id must be {}", Level::Custom.code_rule()),
            ));
            continue;
        }
        if areas.get(&spec.id).is_some() {
            p.push(problem(
                "id",
                "the id is already the code of another area".into(),
            ));
            continue;
        }
        if let Some(hidden) = crate::table::hidden_in("the name", &spec.name) {
            p.push(problem("name", hidden));
            continue;
        }
        if reserved_file_name(&spec.id) {
            p.push(problem(
                "id",
                "the id is a name Windows reserves for a device (CON, PRN, AUX, NUL, COM1-9, \
                 LPT1-9): its files could not be written there"
                    .into(),
            ));
            continue;
        }
        // Ids name files: two that differ only in case collide on common file systems.
        if !seen.insert(spec.id.to_ascii_lowercase()) {
            p.push(CustomAreaError::Duplicate {
                at: at.clone().column("id"),
                id: spec.id.clone(),
            });
            continue;
        }
        let (members, partial) = match &spec.definition {
            Definition::Members(codes) => {
                let before = p.count();
                let mut members = BTreeSet::new();
                for code in codes {
                    match areas.get(code) {
                        None => p.push(CustomAreaError::UnknownMember {
                            at: at.clone().column("members"),
                            id: spec.id.clone(),
                            code: code.clone(),
                        }),
                        Some(a) if a.level == Level::Buurt => {
                            members.insert(position[code.as_str()]);
                        }
                        Some(a) if a.level == Level::Wijk => {
                            members.extend(buurten_of.get(code.as_str()).into_iter().flatten());
                        }
                        Some(a) => p.push(CustomAreaError::WrongMemberLevel {
                            at: at.clone().column("members"),
                            id: spec.id.clone(),
                            code: code.clone(),
                            level: a.level.to_string(),
                        }),
                    }
                }
                if p.count() > before {
                    continue;
                }
                (members, Vec::new())
            }
            Definition::Polygon(shape) => match overlay(shape, areas, geometry) {
                Ok(found) => found,
                Err(detail) => {
                    p.push(problem("geometry", detail));
                    continue;
                }
            },
        };
        if members.is_empty() {
            p.push(match spec.definition {
                Definition::Members(_) => problem("members", "`members` is empty".into()),
                Definition::Polygon(_) => problem(
                    "geometry",
                    format!(
                        "the polygon holds no buurt (a buurt is inside when at least {}% of \
                         its area is)",
                        MEMBER_SHARE * 100.0
                    ),
                ),
            });
            continue;
        }
        let member_codes: Vec<String> = members.iter().map(|&i| list[i].code.clone()).collect();
        out.push(Area {
            code: spec.id.clone(),
            name: spec.name.clone(),
            level: Level::Custom,
            parent: None,
            vintage: list[*members.iter().next().unwrap_or(&0)].vintage,
            custom: Some(Custom {
                kind: spec.kind,
                within: common_parent(areas, &member_codes),
                members: member_codes,
                partial,
            }),
        });
    }
    out
}

/// The buurten (area positions) of each wijk.
fn buurten_by_wijk(areas: &Areas) -> HashMap<&str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, area) in areas.iter().enumerate() {
        if area.level == Level::Buurt
            && let Some(wijk) = &area.parent
        {
            out.entry(wijk.as_str()).or_default().push(i);
        }
    }
    out
}

/// The gemeente holding every member, else the region.
fn common_parent(areas: &Areas, members: &[String]) -> Option<String> {
    let gemeente = |code: &String| {
        areas
            .ancestors(code)
            .find(|a| a.level == Level::Gemeente)
            .map(|a| a.code.clone())
    };
    let mut gemeenten: BTreeSet<Option<String>> = members.iter().map(gemeente).collect();
    if gemeenten.len() == 1
        && let Some(only) = gemeenten.pop_first().flatten()
    {
        return Some(only);
    }
    members.first().and_then(|code| {
        areas
            .ancestors(code)
            .find(|a| a.level == Level::Region)
            .map(|a| a.code.clone())
    })
}

/// The buurten (area positions) holding at least [`MEMBER_SHARE`] of their area inside
/// `shape`, and the buurten partly inside it.
fn overlay(
    shape: &MultiPolygon<f64>,
    areas: &Areas,
    geometry: Option<&Geometries>,
) -> Result<(BTreeSet<usize>, Vec<PartialBuurt>), String> {
    let geometry =
        geometry.ok_or("a polygon needs the buurt shapes of `geometry.geojson`".to_owned())?;
    let coords = shape
        .iter()
        .flat_map(|p| p.exterior().coords())
        .map(|c| (c.x, c.y));
    if Crs::detect(coords) != Some(geometry.crs) {
        return Err(format!(
            "the polygon's coordinates are not in the geometry's CRS ({})",
            geometry.crs
        ));
    }
    let bounds = shape.bounding_rect();
    let mut members = BTreeSet::new();
    let mut partial = Vec::new();
    for (i, area) in areas.iter().enumerate() {
        if area.level != Level::Buurt {
            continue;
        }
        let Some(buurt) = geometry.get(&area.code) else {
            continue;
        };
        let near = bounds
            .zip(buurt.bounding_rect())
            .is_some_and(|(a, b)| a.intersects(&b));
        let whole = buurt.unsigned_area();
        if !near || whole <= 0.0 {
            continue;
        }
        let share = (shape.intersection(buurt).unsigned_area() / whole).clamp(0.0, 1.0);
        let member = share >= MEMBER_SHARE;
        if member {
            members.insert(i);
        }
        if share > EDGE && share < 1.0 - EDGE {
            partial.push(PartialBuurt {
                code: area.code.clone(),
                share,
                member,
            });
        }
    }
    Ok((members, partial))
}

/// Whether `id` is a device name Windows reserves (whatever the case, with any extension).
fn reserved_file_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit()
            && stem.as_bytes()[3] != b'0')
}

#[cfg(all(test, feature = "embedded-demo"))]
mod tests {
    use geo::{BoundingRect, Rect};

    use super::*;
    use crate::{LoadError, Region};

    fn demo() -> Region {
        Region::demo().expect("demo")
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()])
    }

    fn problems(result: Result<Region, LoadError>) -> Vec<String> {
        let Err(LoadError::Invalid(report)) = result else {
            unreachable!("expected problems")
        };
        report.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_polygon_around_a_wijk_holds_its_buurten_and_reports_the_cut_neighbours() {
        let region = demo();
        let geometry = region.geometry.as_ref().expect("geometry");
        let wijk = geometry.get("WK990105").expect("wijk");
        // 20 m beyond the wijk's edge all round: its buurten whole, neighbours cut thinly.
        let shape = geo::Buffer::buffer(wijk, 20.0);
        let spec = CustomAreaSpec::polygon("RING", "Ring", CustomKind::Other, shape);
        let region = region.with_custom_areas(&[spec]).expect("custom");
        let custom = region
            .areas
            .get("RING")
            .and_then(|a| a.custom.clone())
            .expect("made");
        let expected: Vec<String> = region
            .areas
            .iter()
            .filter(|a| a.parent.as_deref() == Some("WK990105"))
            .map(|a| a.code.clone())
            .collect();
        assert_eq!(custom.members, expected);
        assert_eq!(custom.within.as_deref(), Some("GM9901"));
        assert!(!custom.partial.is_empty());
        for p in &custom.partial {
            assert!(!p.member && p.share < 0.2, "{p:?}");
            assert!(!expected.contains(&p.code));
        }
    }

    #[test]
    fn a_buurt_counts_from_half_inside_and_is_reported_either_way() {
        let region = demo();
        let geometry = region.geometry.as_ref().expect("geometry");
        let buurt = geometry.get("BU99010500").expect("buurt");
        let b = buurt.bounding_rect().expect("b");
        // The buurt's part west of a line, moved until it holds `share` of the buurt's area.
        let west = |x1: f64| buurt.intersection(&rect(b.min().x, b.min().y, x1, b.max().y));
        let part = |share: f64| {
            let (mut lo, mut hi) = (b.min().x, b.max().x);
            for _ in 0..60 {
                let mid = (lo + hi) / 2.0;
                if west(mid).unsigned_area() < share * buurt.unsigned_area() {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            west(hi)
        };
        let spec =
            |id: &str, share| CustomAreaSpec::polygon(id, id, CustomKind::Other, part(share));
        let region6 = region.with_custom_areas(&[spec("SIX", 0.6)]).expect("60%");
        let custom = region6
            .areas
            .get("SIX")
            .and_then(|a| a.custom.clone())
            .expect("made");
        assert_eq!(custom.members, ["BU99010500"]);
        assert_eq!(custom.partial.len(), 1);
        assert!(custom.partial[0].member);
        assert!(
            (custom.partial[0].share - 0.6).abs() < 1e-3,
            "{:?}",
            custom.partial
        );
        let found = problems(region.with_custom_areas(&[spec("FOUR", 0.4)]));
        assert_eq!(
            found,
            [
                "custom areas, row 1, column `geometry`: custom area `FOUR`: the polygon holds no buurt \
              (a buurt is inside when at least 50% of its area is)"
            ]
        );
    }

    #[test]
    fn bad_definitions_are_named_by_feature_and_field() {
        let file = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"id":"A","name":"a","kind":"wijkteam","members":["BU99010000"]},"geometry":null},
            {"type":"Feature","properties":{"id":"B","name":"b","kind":"other"},"geometry":null},
            {"type":"Feature","properties":{"id":"C","name":"c","kind":"other","members":["BU99999999","GM9901"]},"geometry":null},
            {"type":"Feature","properties":{"id":"WK990100","name":"d","kind":"other","members":["BU99010000"]},"geometry":null},
            {"type":"Feature","properties":{"id":"E","name":"e","kind":"other","members":["BU99010000"]},"geometry":null},
            {"type":"Feature","properties":{"id":"E","name":"e","kind":"other","members":["BU99010001"]},"geometry":null},
            {"type":"Feature","properties":{"name":"f","kind":"other","members":[]},"geometry":null},
            {"type":"Feature","properties":{"id":"G","name":"g","kind":"other"},"geometry":{"type":"Polygon","coordinates":[[[5.1,52.1],[5.2,52.1],[5.2,52.2],[5.1,52.1]]]}},
            {"type":"Feature","properties":{"id":"H","name":"h","kind":"other","members":[]},"geometry":null}
        ]}"#;
        let found = problems(demo().with_custom_areas_geojson("custom_areas.geojson", file));
        let at = |row: usize, column: &str| {
            format!("custom_areas.geojson, row {row}, column `{column}`")
        };
        assert_eq!(
            found,
            [
                format!(
                    "{}: custom area `A`: kind `wijkteam` is not one of stadsdeel, social-team, \
                     practice-catchment, other",
                    at(1, "kind")
                ),
                format!(
                    "{}: custom area `B`: give `members` (buurt or wijk codes) or a polygon geometry",
                    at(2, "members")
                ),
                format!("{}: the feature has no `id`", at(7, "id")),
                format!(
                    "{}: custom area `C`: member `BU99999999` is not in the areas table",
                    at(3, "members")
                ),
                format!(
                    "{}: custom area `C`: member `GM9901` is a gemeente; members are buurten or wijken",
                    at(3, "members")
                ),
                format!(
                    "{}: custom area `WK990100`: the id is already the code of another area",
                    at(4, "id")
                ),
                format!(
                    "{}: custom area `E` is defined twice (ids that differ only in case are one: they name files)",
                    at(6, "id")
                ),
                format!(
                    "{}: custom area `G`: the polygon's coordinates are not in the geometry's CRS \
                     (EPSG:28992)",
                    at(8, "geometry")
                ),
                format!("{}: custom area `H`: `members` is empty", at(9, "members")),
            ]
        );
    }
}
