//! The general rules (`docs/data-contract.md`, "General rules"): typed columns shared by
//! the tables (years, sexes, age bands, roles, points), references to areas and indicators,
//! interval order, and assembling a validated frame.

use polars::prelude::*;

use crate::area::{Areas, Level};
use crate::catalogue::{Catalogue, Source};
use crate::error::TableError;
use crate::geometry::Crs;
use crate::social::{Point, Role};
use crate::table::{Coded, KeyColumn, Problems, Reader, Table, check_unique};
use crate::{AgeBand, Sex, age_band};

use super::Context;

pub(crate) const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;

pub(crate) const YEAR: &str = "a year from 1900 to 2100";

pub(crate) const COUNT: &str = "a whole number of at least 0";

pub(super) const SEXES_CELL: &str = "`male` or `female`";

pub(super) const SEXES_ANY: &str = "`all`, `male` or `female`";

/// A text column parsed into a type: each distinct value parsed once, rows looked up.
pub(super) struct Parsed<T> {
    coded: Coded,
    pub(super) values: Vec<Option<T>>,
}

impl<T: Copy + ToString> Parsed<T> {
    pub(super) fn new(
        coded: Coded,
        t: &Table,
        column: &str,
        p: &mut Problems,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Self {
        let values = coded.parse_each(t, column, p, parse);
        Self { coded, values }
    }

    pub(super) fn get(&self, row: usize) -> Option<T> {
        self.coded.parsed(&self.values, row).copied()
    }

    /// The validated column, in canonical form (`0-4`, `male`).
    pub(super) fn column(&self, name: &str) -> Column {
        let canonical: Vec<Option<String>> = self
            .values
            .iter()
            .map(|v| v.map(|v| v.to_string()))
            .collect();
        self.coded.column(name, Some(&canonical))
    }
}

/// A sex cell: `male` or `female`, or also `all` unless `cells_only`; else the expectation.
pub(super) fn sex_of(v: &str, cells_only: bool) -> Result<Sex, String> {
    let expected = if cells_only { SEXES_CELL } else { SEXES_ANY };
    v.parse::<Sex>()
        .ok()
        .filter(|s| !cells_only || *s != Sex::All)
        .ok_or_else(|| expected.to_owned())
}

/// An age-band cell, or the expectation it fails.
pub(super) fn band_of(v: &str) -> Result<AgeBand, String> {
    v.parse::<AgeBand>()
        .map_err(|e| format!("{} ({e})", AgeBand::EXPECTED))
}

/// Records a problem when the distinct bands of a column do not tile the ages.
pub(super) fn check_tiling(t: &Table, column: &str, distinct: &[AgeBand], p: &mut Problems) {
    if !distinct.is_empty()
        && let Err(detail) = age_band::check_tiling(distinct)
    {
        p.push(TableError::AgeBandTiling {
            at: t.whole().column(column),
            detail,
        });
    }
}

pub(super) fn sexes(coded: Coded, t: &Table, p: &mut Problems, cells_only: bool) -> Parsed<Sex> {
    Parsed::new(coded, t, "sex", p, |v| sex_of(v, cells_only))
}

pub(super) fn bands(
    coded: Coded,
    t: &Table,
    column: &str,
    p: &mut Problems,
    tile: bool,
) -> Parsed<AgeBand> {
    let parsed = Parsed::new(coded, t, column, p, band_of);
    if tile {
        let distinct: Vec<AgeBand> = parsed.values.iter().flatten().copied().collect();
        check_tiling(t, column, &distinct, p);
    }
    parsed
}

impl KeyColumn for Parsed<Sex> {
    fn size(&self) -> u64 {
        3
    }

    fn key(&self, row: usize) -> Option<u64> {
        self.get(row).map(|sex| sex as u64)
    }

    fn show(&self, row: usize) -> String {
        fmt_opt(self.get(row))
    }
}

impl KeyColumn for Parsed<AgeBand> {
    fn size(&self) -> u64 {
        122 * 122
    }

    fn key(&self, row: usize) -> Option<u64> {
        self.get(row)
            .map(|band| u64::from(band.lower) * 122 + band.upper.map_or(121, u64::from))
    }

    fn show(&self, row: usize) -> String {
        fmt_opt(self.get(row))
    }
}

/// A year column (validated to lie in 1900–2100).
pub(super) struct Years(pub(super) Int64Chunked);

impl Years {
    pub(super) fn get(&self, row: usize) -> Option<i64> {
        self.0.get(row)
    }
}

impl KeyColumn for Years {
    fn size(&self) -> u64 {
        201
    }

    fn key(&self, row: usize) -> Option<u64> {
        self.get(row).and_then(|y| u64::try_from(y - 1900).ok())
    }

    fn show(&self, row: usize) -> String {
        fmt_opt(self.get(row))
    }
}

pub(super) fn years(r: &mut Reader<'_>) -> Option<Years> {
    r.integer("year", true, YEARS, YEAR).map(Years)
}

/// The validated year column (`Int32`).
pub(super) fn year_column(years: &Years) -> Column {
    years
        .0
        .cast(&DataType::Int32)
        .map(|s| s.with_name("year".into()).into_column())
        .unwrap_or_else(|_| years.0.clone().into_column())
}

/// Whether an area exists with one of `levels`: else the level it has, or `None` when unknown.
pub(super) fn area_level(areas: &Areas, code: &str, levels: &[Level]) -> Result<(), Option<Level>> {
    match areas.get(code) {
        Some(area) if levels.contains(&area.level) => Ok(()),
        Some(area) => Err(Some(area.level)),
        None => Err(None),
    }
}

/// Why an indicator id cannot be used here (not in the catalogue, or not from `source`);
/// `None` when it can.
pub(super) fn unknown_indicator(
    catalogue: &Catalogue,
    id: &str,
    source: Option<Source>,
) -> Option<&'static str> {
    match catalogue.get(id) {
        None => Some("is not in the catalogue"),
        Some(ind) if source.is_some_and(|s| s != ind.source) => Some(match source {
            Some(Source::Gp) => "is not a GP indicator (source = \"gp\") in the catalogue",
            Some(Source::Ggd) => "is not a GGD indicator (source = \"ggd\") in the catalogue",
            _ => "has another source in the catalogue",
        }),
        Some(_) => None,
    }
}

/// Checks that each row's area exists and has one of `levels`.
pub(super) fn area_refs(
    coded: &Coded,
    t: &Table,
    column: &str,
    ctx: &Context<'_>,
    levels: &[Level],
    expected: &'static str,
    p: &mut Problems,
) -> Vec<bool> {
    let Some(areas) = ctx.areas else {
        return vec![false; coded.len()];
    };
    let verdict: Vec<Result<(), Option<Level>>> = coded
        .values
        .iter()
        .map(|code| area_level(areas, code, levels))
        .collect();
    let mut ok = vec![false; coded.len()];
    for row in 0..coded.len() {
        let Some(id) = coded.id(row) else { continue };
        let code = &coded.values[id as usize];
        match verdict[id as usize] {
            Ok(()) => ok[row] = true,
            Err(None) => p.push(TableError::UnknownArea {
                at: t.at(row, column),
                code: code.clone(),
            }),
            Err(Some(level)) => p.push(TableError::WrongAreaLevel {
                at: t.at(row, column),
                code: code.clone(),
                found: level.to_string(),
                expected,
            }),
        }
    }
    ok
}

/// Checks that each row's indicator is in the catalogue and comes from `source`.
pub(super) fn indicator_refs(
    coded: &Coded,
    t: &Table,
    ctx: &Context<'_>,
    source: Option<Source>,
    p: &mut Problems,
) {
    let Some(catalogue) = ctx.catalogue else {
        return;
    };
    let verdict: Vec<Option<&'static str>> = coded
        .values
        .iter()
        .map(|id| unknown_indicator(catalogue, id, source))
        .collect();
    for row in 0..coded.len() {
        if let Some(id) = coded.id(row)
            && let Some(reason) = verdict[id as usize]
        {
            p.push(TableError::UnknownIndicator {
                at: t.at(row, "indicator"),
                indicator: coded.values[id as usize].clone(),
                reason,
            });
        }
    }
}

pub(super) fn frame(columns: Vec<Column>) -> Option<DataFrame> {
    DataFrame::new_infer_height(columns).ok()
}

pub(super) fn fmt_opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Reads `x` and `y` and checks they are in the geometry's CRS.
pub(super) fn points(r: &mut Reader<'_>, ctx: &Context<'_>) -> Option<Vec<Option<Point>>> {
    let x = r.number("x", true);
    let y = r.number("y", true);
    let (x, y) = (x?, y?);
    let points: Vec<Option<Point>> = x
        .iter()
        .zip(y.iter())
        .map(|(x, y)| Some(Point { x: x?, y: y? }))
        .collect();
    // The geometry's reference system, else the one the first point fits: each point that
    // does not fit it is named by its row.
    let first = points.iter().flatten().next().map(|pt| {
        [Crs::RdNew, Crs::Wgs84]
            .into_iter()
            .find(|c| c.fits(pt.x, pt.y))
    });
    let expected = ctx.crs.or(first.flatten());
    for (row, pt) in points.iter().enumerate() {
        let Some(pt) = pt else { continue };
        let detail = match expected {
            Some(crs) if crs.fits(pt.x, pt.y) => continue,
            Some(crs) => {
                let other = [Crs::RdNew, Crs::Wgs84]
                    .into_iter()
                    .find(|c| c.fits(pt.x, pt.y));
                let whose = if ctx.crs.is_some() {
                    "the geometry's"
                } else {
                    "the first point's"
                };
                match other {
                    Some(found) => format!(
                        "point ({}, {}) is in {found}, but {whose} reference system is {crs}; \
                         use one reference system",
                        pt.x, pt.y
                    ),
                    None => format!(
                        "point ({}, {}) is not within the Netherlands in {crs} ({whose} \
                         reference system)",
                        pt.x, pt.y
                    ),
                }
            }
            None => format!(
                "point ({}, {}) fits neither WGS84 nor RD New within the Netherlands",
                pt.x, pt.y
            ),
        };
        r.problems.push(TableError::Coordinates {
            at: r.table.at(row, "x"),
            detail,
        });
    }
    Some(points)
}

/// Checks that a single-column id is unique.
pub(super) fn unique_ids(t: &Table, p: &mut Problems, id: &Coded) {
    check_unique(t, p, &[id]);
}

/// Checks `lower <= value <= upper` where all are given.
pub(super) fn interval_order(
    t: &Table,
    p: &mut Problems,
    value: &Float64Chunked,
    lower: &Float64Chunked,
    upper: &Float64Chunked,
) {
    for row in 0..t.height() {
        if let (Some(v), Some(l), Some(u)) = (value.get(row), lower.get(row), upper.get(row))
            && !(l <= v && v <= u)
        {
            p.push(TableError::IntervalOrder {
                at: t.row(row),
                lower: l,
                value: v,
                upper: u,
            });
        }
    }
}

pub(super) fn roles(coded: Coded, t: &Table, column: &str, p: &mut Problems) -> Parsed<Role> {
    Parsed::new(coded, t, column, p, |v| {
        v.parse::<Role>().map_err(|()| Role::expected())
    })
}
