//! The data contract's rules: every input table is read into typed columns, checked row by
//! row and across tables, and turned into a [`Region`] when nothing is wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use polars::prelude::*;
use serde::Deserialize;

use crate::area::{Area, Areas, Level};
use crate::catalogue::{Catalogue, Kind, Source, toml_problem};
use crate::custom::CustomAreaSpec;
use crate::error::{AreaError, GeometryError, Location, TableError};
use crate::geometry::{Crs, Geometries};
use crate::inputs::{Inputs, TableName};
use crate::region::{Dataset, Region, ValidationReport};
use crate::social::{Point, Practice, Project, Provider, Role};
use crate::table::{Coded, KeyColumn, Problems, Reader, Table, check_unique};
use crate::{AgeBand, Sex, age_band};

mod gp_counts;

/// Problems kept per file; the rest are counted.
pub const PROBLEMS_PER_FILE: usize = 50;

pub(crate) const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;
pub(crate) const YEAR: &str = "a year from 1900 to 2100";
pub(crate) const COUNT: &str = "a whole number of at least 0";
const SEXES_CELL: &str = "`male` or `female`";
const SEXES_ANY: &str = "`all`, `male` or `female`";

/// Checks all inputs; returns the region when no problem was found, and the report always.
pub(crate) fn check(inputs: &Inputs) -> (Option<Region>, ValidationReport) {
    let mut p = Problems::new(PROBLEMS_PER_FILE);
    for problem in &inputs.read_problems {
        p.push(problem.clone());
    }
    let dataset = dataset(inputs, &mut p);
    let catalogue = catalogue(inputs, &mut p);
    for name in TableName::ALL {
        if name.required() && !inputs.tables.contains_key(&name) {
            let already = inputs
                .read_problems
                .iter()
                .any(|e| e.location().file.starts_with(&format!("{}.", name.stem())));
            if !already {
                p.push(missing_table(inputs, name.stem()));
            }
        }
    }
    for (name, t) in &inputs.tables {
        if name.required() && t.height() == 0 {
            p.push(TableError::Empty { at: t.whole() });
        }
    }
    // Every table but `gp_counts` (checked a batch at a time) is decoded whole.
    let mut decoded = BTreeMap::new();
    for (&name, t) in &inputs.tables {
        if name != TableName::GpCounts {
            match t.decoded() {
                Ok(t) => {
                    decoded.insert(name, t);
                }
                Err(e) => p.push(e),
            }
        }
    }
    let table = |name| decoded.get(&name);
    let areas = table(TableName::Areas).and_then(|t| areas(t, &mut p));
    let geometry = inputs
        .geometry
        .as_ref()
        .and_then(|doc| geometry(&doc.name, &doc.bytes, areas.as_ref(), &mut p));
    let areas = match (areas, &inputs.custom_areas) {
        (Some(areas), Some(doc)) => {
            let (specs, problems) = CustomAreaSpec::parse_geojson(&doc.name, &doc.bytes);
            for problem in problems {
                p.push(problem);
            }
            Some(with_custom(areas, &specs, geometry.as_ref(), &mut p))
        }
        (areas, _) => areas,
    };
    let ctx = Context {
        areas: areas.as_ref(),
        catalogue: catalogue.as_ref(),
        crs: geometry.as_ref().map(|g| g.crs),
    };
    let population = table(TableName::Population).and_then(|t| population(t, &ctx, &mut p));
    let population_years: BTreeSet<i32> = population
        .as_ref()
        .map(|(_, years)| years.clone())
        .unwrap_or_default();
    let practices = table(TableName::Practices).and_then(|t| practices(t, &ctx, &mut p));
    let gp_counts = inputs.tables.get(&TableName::GpCounts).and_then(|t| {
        if practices.is_none() && !inputs.tables.contains_key(&TableName::Practices) {
            p.push(missing_table(inputs, "practices"));
        }
        gp_counts::gp_counts(t, &ctx, practices.as_deref(), &population_years, &mut p)
    });
    let ggd = table(TableName::GgdEstimates).and_then(|t| ggd_estimates(t, &ctx, &mut p));
    let benchmarks = table(TableName::Benchmarks).and_then(|t| benchmarks(t, &ctx, &mut p));
    let rates = table(TableName::BenchmarkRates).and_then(|t| benchmark_rates(t, &ctx, &mut p));
    let providers = table(TableName::Providers).and_then(|t| providers(t, &ctx, &mut p));
    let projects = table(TableName::Projects).and_then(|t| projects(t, &ctx, &mut p));

    let found = p.count();
    let (problems, omitted) = p.into_parts();
    let region = match (found, areas, catalogue, population) {
        (0, Some(areas), Some(catalogue), Some((population, _))) => Some(Region {
            origin: inputs.origin.clone(),
            dataset,
            catalogue,
            areas,
            geometry,
            population,
            gp_listed: gp_counts
                .as_ref()
                .map(crate::cube::GpCounts::listed)
                .unwrap_or_default(),
            gp_counts: gp_counts.map(Arc::new),
            practices: practices.unwrap_or_default(),
            ggd_estimates: ggd,
            benchmarks,
            benchmark_rates: rates,
            providers: providers.unwrap_or_default(),
            projects: projects.unwrap_or_default(),
        }),
        _ => None,
    };
    let report = ValidationReport {
        origin: inputs.origin.clone(),
        problems,
        omitted,
        summary: None,
    };
    (region, report)
}

fn missing_table(inputs: &Inputs, stem: &str) -> TableError {
    TableError::MissingTable {
        at: Location::file(inputs.origin.clone()),
        table: stem.to_owned(),
        expected: format!("`{stem}.csv` or `{stem}.parquet`"),
    }
}

/// What cross-table checks need.
pub(crate) struct Context<'a> {
    areas: Option<&'a Areas>,
    catalogue: Option<&'a Catalogue>,
    crs: Option<Crs>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    name: String,
    #[serde(default)]
    synthetic: bool,
    #[serde(default)]
    description: String,
}

fn dataset(inputs: &Inputs, p: &mut Problems) -> Dataset {
    let fallback = Dataset {
        name: inputs.origin.clone(),
        synthetic: false,
        description: String::new(),
    };
    let Some(doc) = &inputs.dataset else {
        return fallback;
    };
    let text = String::from_utf8_lossy(&doc.bytes);
    match toml::from_str::<DatasetFile>(&text) {
        Ok(file) => Dataset {
            name: file.name,
            synthetic: file.synthetic,
            description: file.description,
        },
        Err(e) => {
            p.push(toml_problem(&doc.name, &text, &e));
            fallback
        }
    }
}

fn catalogue(inputs: &Inputs, p: &mut Problems) -> Option<Catalogue> {
    let Some(doc) = &inputs.catalogue else {
        p.push(TableError::MissingTable {
            at: Location::file(inputs.origin.clone()),
            table: "catalogue".into(),
            expected: "`catalogue.toml`".into(),
        });
        return None;
    };
    let text = String::from_utf8_lossy(&doc.bytes);
    match Catalogue::parse(&doc.name, &text) {
        Ok(c) => Some(c),
        Err(problems) => {
            for problem in problems {
                p.push(problem);
            }
            None
        }
    }
}

/// A text column parsed into a type: each distinct value parsed once, rows looked up.
struct Parsed<T> {
    coded: Coded,
    values: Vec<Option<T>>,
}

impl<T: Copy + ToString> Parsed<T> {
    fn new(
        coded: Coded,
        t: &Table,
        column: &str,
        p: &mut Problems,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Self {
        let values = coded.parse_each(t, column, p, parse);
        Self { coded, values }
    }

    fn get(&self, row: usize) -> Option<T> {
        self.coded.parsed(&self.values, row).copied()
    }

    /// The validated column, in canonical form (`0-4`, `male`).
    fn column(&self, name: &str) -> Column {
        let canonical: Vec<Option<String>> = self
            .values
            .iter()
            .map(|v| v.map(|v| v.to_string()))
            .collect();
        self.coded.column(name, Some(&canonical))
    }
}

/// A sex cell: `male` or `female`, or also `all` unless `cells_only`; else the expectation.
fn sex_of(v: &str, cells_only: bool) -> Result<Sex, String> {
    let expected = if cells_only { SEXES_CELL } else { SEXES_ANY };
    v.parse::<Sex>()
        .ok()
        .filter(|s| !cells_only || *s != Sex::All)
        .ok_or_else(|| expected.to_owned())
}

/// An age-band cell, or the expectation it fails.
fn band_of(v: &str) -> Result<AgeBand, String> {
    v.parse::<AgeBand>()
        .map_err(|e| format!("{} ({e})", AgeBand::EXPECTED))
}

/// Records a problem when the distinct bands of a column do not tile the ages.
fn check_tiling(t: &Table, column: &str, distinct: &[AgeBand], p: &mut Problems) {
    if !distinct.is_empty()
        && let Err(detail) = age_band::check_tiling(distinct)
    {
        p.push(TableError::AgeBandTiling {
            at: t.whole().column(column),
            detail,
        });
    }
}

fn sexes(coded: Coded, t: &Table, p: &mut Problems, cells_only: bool) -> Parsed<Sex> {
    Parsed::new(coded, t, "sex", p, |v| sex_of(v, cells_only))
}

fn bands(coded: Coded, t: &Table, column: &str, p: &mut Problems, tile: bool) -> Parsed<AgeBand> {
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
struct Years(Int64Chunked);

impl Years {
    fn get(&self, row: usize) -> Option<i64> {
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

fn years(r: &mut Reader<'_>) -> Option<Years> {
    r.integer("year", true, YEARS, YEAR).map(Years)
}

/// The validated year column (`Int32`).
fn year_column(years: &Years) -> Column {
    years
        .0
        .cast(&DataType::Int32)
        .map(|s| s.with_name("year".into()).into_column())
        .unwrap_or_else(|_| years.0.clone().into_column())
}

/// Whether an area exists with one of `levels`: else the level it has, or `None` when unknown.
fn area_level(areas: &Areas, code: &str, levels: &[Level]) -> Result<(), Option<Level>> {
    match areas.get(code) {
        Some(area) if levels.contains(&area.level) => Ok(()),
        Some(area) => Err(Some(area.level)),
        None => Err(None),
    }
}

/// Why an indicator id cannot be used here (not in the catalogue, or not from `source`);
/// `None` when it can.
fn unknown_indicator(
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
fn area_refs(
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
fn indicator_refs(
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

fn areas(t: &Table, p: &mut Problems) -> Option<Areas> {
    let mut r = Reader::new(t, p);
    let code = r.text("code", true);
    let name = r.text("name", true);
    let level = r.text("level", true);
    let parent = r.text("parent_code", false);
    let vintage = r.integer("vintage", true, YEARS, YEAR);
    // `parent_code` is empty for the root, but the column must be there.
    if t.frame().is_none_or(|f| f.column("parent_code").is_err()) {
        p.push(TableError::MissingColumn {
            at: t.whole().column("parent_code"),
        });
        return None;
    }
    let (code, name, level, parent, vintage) = (code?, name?, level?, parent?, vintage?);
    let levels = Parsed::new(level, t, "level", p, |v| {
        v.parse::<Level>()
            .map_err(|()| "one of buurt, wijk, gemeente, region, country".to_owned())
    });
    let mut list = Vec::with_capacity(t.height());
    let mut rows = Vec::with_capacity(t.height());
    let mut first: HashMap<&str, usize> = HashMap::new();
    for row in 0..t.height() {
        let (Some(c), Some(lv), Some(v)) = (code.get(row), levels.get(row), vintage.get(row))
        else {
            continue;
        };
        if !lv.is_valid_code(c) {
            p.push(AreaError::BadCode {
                at: t.at(row, "code"),
                code: c.to_owned(),
                level: lv.to_string(),
                rule: lv.code_rule(),
            });
            continue;
        }
        if let Some(&earlier) = first.get(c) {
            p.push(AreaError::DuplicateCode {
                at: t.at(row, "code"),
                code: c.to_owned(),
                first_row: earlier + 1,
            });
            continue;
        }
        first.insert(c, row);
        list.push(Area {
            code: c.to_owned(),
            name: name.get(row).unwrap_or_default().to_owned(),
            level: lv,
            parent: parent.get(row).map(str::to_owned),
            vintage: i32::try_from(v).unwrap_or_default(),
            custom: None,
        });
        rows.push(row);
    }
    let before = p.count();
    hierarchy(t, &list, &rows, p);
    let vintages: BTreeSet<i32> = list.iter().map(|a| a.vintage).collect();
    if vintages.len() > 1 {
        let names: Vec<String> = vintages.iter().map(ToString::to_string).collect();
        p.push(AreaError::MixedVintages {
            at: t.whole().column("vintage"),
            vintages: names.join(", "),
        });
    }
    (p.count() == before && list.len() == t.height()).then(|| Areas::new(list))
}

/// Parents exist, have the next level up, contain the child's code; one root; no cycles.
fn hierarchy(t: &Table, list: &[Area], rows: &[usize], p: &mut Problems) {
    let index: HashMap<&str, usize> = list
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i))
        .collect();
    let mut roots = Vec::new();
    for (area, &row) in list.iter().zip(rows) {
        let Some(parent_code) = &area.parent else {
            roots.push(area.code.clone());
            continue;
        };
        let at = || t.at(row, "parent_code");
        let Some(&pi) = index.get(parent_code.as_str()) else {
            p.push(AreaError::UnknownParent {
                at: at(),
                code: area.code.clone(),
                parent: parent_code.clone(),
            });
            continue;
        };
        let parent = &list[pi];
        let expected = area.level.parent();
        if Some(parent.level) != expected {
            p.push(AreaError::WrongParentLevel {
                at: at(),
                code: area.code.clone(),
                level: area.level.to_string(),
                parent: parent_code.clone(),
                parent_level: parent.level.to_string(),
                expected: expected.map_or_else(
                    || format!("no parent (a {} is the root)", area.level),
                    |l| format!("a {l}"),
                ),
            });
        } else if !area.level.code_inside(&area.code, parent_code) {
            p.push(AreaError::OutsideParent {
                at: at(),
                code: area.code.clone(),
                parent: parent_code.clone(),
                rule: match area.level {
                    Level::Buurt => "a buurt code starts with the six digits of its wijk",
                    _ => "a wijk code starts with the four digits of its gemeente",
                },
            });
        }
    }
    if roots.len() != 1 {
        let found = if roots.is_empty() {
            "none".to_owned()
        } else {
            roots
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        p.push(AreaError::RootCount {
            at: t.whole().column("parent_code"),
            found,
        });
    }
    // Cycles: walk up from every area; report each cycle once, at its smallest code.
    let mut reported = HashSet::new();
    for (start, &row) in rows.iter().enumerate() {
        let mut path = vec![start];
        let mut seen = HashSet::from([start]);
        let mut current = start;
        while let Some(next) = list[current].parent.as_deref().and_then(|c| index.get(c)) {
            if !seen.insert(*next) {
                let from = path.iter().position(|&i| i == *next).unwrap_or(0);
                let cycle: Vec<usize> = path[from..].to_vec();
                let smallest = cycle
                    .iter()
                    .map(|&i| &list[i].code)
                    .min()
                    .cloned()
                    .unwrap_or_default();
                if cycle.contains(&start)
                    && list[start].code == smallest
                    && reported.insert(smallest.clone())
                {
                    let mut names: Vec<&str> =
                        cycle.iter().map(|&i| list[i].code.as_str()).collect();
                    names.push(&list[cycle[0]].code);
                    p.push(AreaError::Cycle {
                        at: t.at(row, "parent_code"),
                        code: smallest,
                        path: names.join(" → "),
                    });
                }
                break;
            }
            path.push(*next);
            current = *next;
        }
    }
}

fn geometry(
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

fn frame(columns: Vec<Column>) -> Option<DataFrame> {
    DataFrame::new_infer_height(columns).ok()
}

fn fmt_opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn population(
    t: &Table,
    ctx: &Context<'_>,
    p: &mut Problems,
) -> Option<(DataFrame, BTreeSet<i32>)> {
    let mut r = Reader::new(t, p);
    let area = r.text("area_code", true);
    let year = years(&mut r);
    let sex = r.text("sex", true);
    let band = r.text("age_band", true);
    let residents = r.integer("residents", true, 0..=i64::from(u32::MAX), COUNT);
    let (area, year, sex, band, residents) = (area?, year?, sex?, band?, residents?);
    let sex = sexes(sex, t, p, true);
    let band = bands(band, t, "age_band", p, true);
    area_refs(
        &area,
        t,
        "area_code",
        ctx,
        &[Level::Buurt],
        "buurten (higher levels are summed from them)",
        p,
    );
    check_unique(t, p, &[&area, &year, &sex, &band]);
    let years: BTreeSet<i32> = year
        .0
        .iter()
        .flatten()
        .filter_map(|y| i32::try_from(y).ok())
        .collect();
    if let Some(areas) = ctx.areas {
        let mut present: HashSet<(u32, i64)> = HashSet::new();
        for row in 0..t.height() {
            if let (Some(a), Some(y)) = (area.id(row), year.get(row)) {
                present.insert((a, y));
            }
        }
        let ids: HashMap<&str, u32> = area
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((v.as_str(), u32::try_from(i).ok()?)))
            .collect();
        for buurt in areas.at_level(Level::Buurt) {
            for &y in &years {
                let found = ids
                    .get(buurt.code.as_str())
                    .is_some_and(|id| present.contains(&(*id, i64::from(y))));
                if !found {
                    p.push(TableError::MissingPopulation {
                        at: t.whole().column("area_code"),
                        code: buurt.code.clone(),
                        year: y,
                    });
                }
            }
        }
    }
    let frame = frame(vec![
        area.column("area_code", None),
        year_column(&year),
        sex.column("sex"),
        band.column("age_band"),
        residents.into_column(),
    ])?;
    Some((frame, years))
}

/// Reads `x` and `y` and checks they are in the geometry's CRS.
fn points(r: &mut Reader<'_>, ctx: &Context<'_>) -> Option<Vec<Option<Point>>> {
    let x = r.number("x", true);
    let y = r.number("y", true);
    let (x, y) = (x?, y?);
    let points: Vec<Option<Point>> = x
        .iter()
        .zip(y.iter())
        .map(|(x, y)| Some(Point { x: x?, y: y? }))
        .collect();
    let coords: Vec<(f64, f64)> = points.iter().flatten().map(|pt| (pt.x, pt.y)).collect();
    if coords.is_empty() {
        return Some(points);
    }
    let at = r.table.whole().column("x");
    match (Crs::detect(coords), ctx.crs) {
        (None, _) => r.problems.push(TableError::Coordinates {
            at,
            detail: "coordinates fit neither WGS84 nor RD New within the Netherlands".into(),
        }),
        (Some(found), Some(crs)) if found != crs => r.problems.push(TableError::Coordinates {
            at,
            detail: format!(
                "points are in {found} but the geometry is in {crs}; use one reference system"
            ),
        }),
        _ => {}
    }
    Some(points)
}

/// Checks that a single-column id is unique.
fn unique_ids(t: &Table, p: &mut Problems, id: &Coded) {
    check_unique(t, p, &[id]);
}

fn practices(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Practice>> {
    let mut r = Reader::new(t, p);
    let id = r.text("practice_id", true);
    let name = r.text("name", false);
    let list_size = r.integer("list_size", false, 0..=10_000_000, COUNT);
    let points = points(&mut r, ctx);
    let (id, points) = (id?, points?);
    unique_ids(t, p, &id);
    let practices = (0..t.height())
        .filter_map(|row| {
            Some(Practice {
                id: id.get(row)?.to_owned(),
                name: name.as_ref().and_then(|n| n.get(row)).map(str::to_owned),
                location: points[row]?,
                list_size: list_size.as_ref().and_then(|l| l.get(row)),
            })
        })
        .collect();
    Some(practices)
}

/// Checks `lower <= value <= upper` where all are given.
fn interval_order(
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

fn nulls_f64(name: &str, len: usize) -> Float64Chunked {
    Float64Chunked::full_null(name.into(), len)
}

fn ggd_estimates(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let area = r.text("area_code", true);
    let year = years(&mut r);
    let indicator = r.text("indicator", true);
    let group = r.text("age_group", true);
    let value = r.number("value", true);
    let lower = r.number("lower", true);
    let upper = r.number("upper", true);
    let respondents = r.integer("respondents", false, 0..=10_000_000, COUNT);
    let (area, year, indicator, group, value, lower, upper) =
        (area?, year?, indicator?, group?, value?, lower?, upper?);
    let group = bands(group, t, "age_group", p, false);
    area_refs(
        &area,
        t,
        "area_code",
        ctx,
        &[Level::Buurt, Level::Wijk, Level::Gemeente, Level::Region],
        "buurten, wijken, gemeenten or the region",
        p,
    );
    indicator_refs(&indicator, t, ctx, Some(Source::Ggd), p);
    interval_order(t, p, &value, &lower, &upper);
    if let Some(catalogue) = ctx.catalogue {
        let percent: Vec<Option<f64>> = indicator
            .values
            .iter()
            .map(|id| {
                catalogue
                    .get(id)
                    .filter(|i| i.kind == Kind::Proportion)
                    .map(|i| i.multiplier)
            })
            .collect();
        for row in 0..t.height() {
            let Some(max) = indicator.id(row).and_then(|i| percent[i as usize]) else {
                continue;
            };
            for (column, v) in [("value", &value), ("lower", &lower), ("upper", &upper)] {
                if let Some(v) = v.get(row).filter(|v| !(0.0..=max).contains(v)) {
                    p.push(TableError::BadValue {
                        at: t.at(row, column),
                        value: v.to_string(),
                        expected: format!("a percentage from 0 to {max}"),
                    });
                }
            }
        }
    }
    check_unique(t, p, &[&area, &year, &indicator, &group]);
    let respondents =
        respondents.unwrap_or_else(|| Int64Chunked::full_null("respondents".into(), t.height()));
    frame(vec![
        area.column("area_code", None),
        year_column(&year),
        indicator.column("indicator", None),
        group.column("age_group"),
        value.into_column(),
        lower.into_column(),
        upper.into_column(),
        respondents.into_column(),
    ])
}

fn benchmarks(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let indicator = r.text("indicator", true);
    let year = years(&mut r);
    let benchmark = r.text("benchmark", true);
    let label = r.text("label", true);
    let sex = r.text("sex", true);
    let value = r.number("value", true);
    let lower = r.number("lower", false);
    let upper = r.number("upper", false);
    let (indicator, year, benchmark, label, sex, value) =
        (indicator?, year?, benchmark?, label?, sex?, value?);
    let sex = sexes(sex, t, p, false);
    indicator_refs(&indicator, t, ctx, None, p);
    let lower = lower.unwrap_or_else(|| nulls_f64("lower", t.height()));
    let upper = upper.unwrap_or_else(|| nulls_f64("upper", t.height()));
    for row in 0..t.height() {
        if lower.get(row).is_some() != upper.get(row).is_some() {
            let column = if lower.get(row).is_some() {
                "upper"
            } else {
                "lower"
            };
            p.push(TableError::MissingValue {
                at: t.at(row, column),
            });
        }
    }
    interval_order(t, p, &value, &lower, &upper);
    check_unique(t, p, &[&indicator, &year, &benchmark, &sex]);
    frame(vec![
        indicator.column("indicator", None),
        year_column(&year),
        benchmark.column("benchmark", None),
        label.column("label", None),
        sex.column("sex"),
        value.into_column(),
        lower.into_column(),
        upper.into_column(),
    ])
}

fn benchmark_rates(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let indicator = r.text("indicator", true);
    let year = years(&mut r);
    let benchmark = r.text("benchmark", true);
    let sex = r.text("sex", true);
    let band = r.text("age_band", true);
    let rate = r.number("rate", true);
    let (indicator, year, benchmark, sex, band, rate) =
        (indicator?, year?, benchmark?, sex?, band?, rate?);
    let sex = sexes(sex, t, p, true);
    let band = bands(band, t, "age_band", p, true);
    indicator_refs(&indicator, t, ctx, Some(Source::Gp), p);
    for (row, v) in rate.iter().enumerate() {
        if let Some(v) = v.filter(|v| *v < 0.0) {
            p.push(TableError::BadValue {
                at: t.at(row, "rate"),
                value: v.to_string(),
                expected: "a rate of at least 0".into(),
            });
        }
    }
    check_unique(t, p, &[&indicator, &year, &benchmark, &sex, &band]);
    frame(vec![
        indicator.column("indicator", None),
        year_column(&year),
        benchmark.column("benchmark", None),
        sex.column("sex"),
        band.column("age_band"),
        rate.into_column(),
    ])
}

fn roles(coded: Coded, t: &Table, column: &str, p: &mut Problems) -> Parsed<Role> {
    Parsed::new(coded, t, column, p, |v| {
        v.parse::<Role>().map_err(|()| Role::expected())
    })
}

fn providers(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Provider>> {
    let mut r = Reader::new(t, p);
    let id = r.text("provider_id", true);
    let name = r.text("name", true);
    let role = r.text("role", true);
    let organisation = r.text("organisation", true);
    let points = points(&mut r, ctx);
    let (id, name, role, organisation, points) = (id?, name?, role?, organisation?, points?);
    let role = roles(role, t, "role", p);
    unique_ids(t, p, &id);
    Some(
        (0..t.height())
            .filter_map(|row| {
                Some(Provider {
                    id: id.get(row)?.to_owned(),
                    name: name.get(row)?.to_owned(),
                    role: role.get(row)?,
                    organisation: organisation.get(row)?.to_owned(),
                    location: points[row]?,
                })
            })
            .collect(),
    )
}

fn projects(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<Vec<Project>> {
    let mut r = Reader::new(t, p);
    let id = r.text("project_id", true);
    let name = r.text("name", true);
    let theme = r.text("theme", true);
    let areas = r.text("areas", true);
    let contact = r.text("contact_role", true);
    let (id, name, theme, areas, contact) = (id?, name?, theme?, areas?, contact?);
    let contact = roles(contact, t, "contact_role", p);
    unique_ids(t, p, &id);
    let mut out = Vec::new();
    for row in 0..t.height() {
        let theme_id = theme.get(row);
        if let (Some(th), Some(c)) = (theme_id, ctx.catalogue)
            && !c.has_theme(th)
        {
            p.push(TableError::UnknownTheme {
                at: t.at(row, "theme"),
                theme: th.to_owned(),
            });
        }
        let codes: Vec<String> = areas
            .get(row)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(known) = ctx.areas {
            for code in codes.iter().filter(|c| known.get(c).is_none()) {
                p.push(TableError::UnknownArea {
                    at: t.at(row, "areas"),
                    code: code.clone(),
                });
            }
        }
        if let (Some(i), Some(n), Some(th), Some(c)) =
            (id.get(row), name.get(row), theme_id, contact.get(row))
        {
            out.push(Project {
                id: i.to_owned(),
                name: n.to_owned(),
                theme: th.to_owned(),
                areas: codes,
                contact_role: c,
            });
        }
    }
    Some(out)
}
