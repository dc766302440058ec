//! A validated region: every input table, typed, with its areas, catalogue and geometry.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use polars::prelude::*;
use serde::Serialize;

use crate::area::{Areas, Level};
use crate::catalogue::Catalogue;
use crate::cube::GpCounts;
use crate::error::DataError;
use crate::geometry::Geometries;
use crate::inputs::TableName;
use crate::social::{Practice, Project, Provider};

/// Failure to load a region.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The data folder cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The data were read but break the data contract.
    #[error("{0}")]
    Invalid(Box<ValidationReport>),
}

/// What `dataset.toml` says about the data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dataset {
    pub name: String,
    /// Synthetic data must say so on every output.
    pub synthetic: bool,
    pub description: String,
}

/// A region's data, validated against the data contract.
///
/// The tables keep their contract columns with fixed types (`docs/data-contract.md`):
/// codes and categories as text, years as `i32`, counts as `i64`, values as `f64`.
#[derive(Debug, Clone)]
pub struct Region {
    /// Where the data came from (a folder, or the embedded demo).
    pub origin: String,
    pub dataset: Dataset,
    pub catalogue: Catalogue,
    pub areas: Areas,
    pub geometry: Option<Geometries>,
    /// `area_code, year, sex, age_band, residents`, per buurt.
    pub population: DataFrame,
    /// `practice_id, year, area_code, sex, age_band, indicator, numerator, denominator`,
    /// held compactly with their sums by buurt and by practice ([`GpCounts::frame`] gives
    /// the table).
    pub gp_counts: Option<Arc<GpCounts>>,
    /// Listed patients per year in `gp_counts` ([`GpCounts::listed`]): per buurt × sex ×
    /// age band the largest denominator of any indicator, summed.
    pub gp_listed: BTreeMap<i32, i64>,
    pub practices: Vec<Practice>,
    /// `area_code, year, indicator, age_group, value, lower, upper, respondents`.
    pub ggd_estimates: Option<DataFrame>,
    /// The health monitor's respondents: `area_code, year`, the design's columns by the
    /// names the catalogue's `[survey]` gives them (weight; stratum, PSU and population
    /// where declared), `sex` and `age` where given, and one answer column per question of
    /// the catalogue (numbers).
    pub respondents: Option<DataFrame>,
    /// `indicator, year, benchmark, label, sex, value, lower, upper`.
    pub benchmarks: Option<DataFrame>,
    /// `indicator, year, benchmark, sex, age_band, rate`.
    pub benchmark_rates: Option<DataFrame>,
    pub providers: Vec<Provider>,
    pub projects: Vec<Project>,
    /// The inputs' fingerprint (`Inputs::fingerprint`; with custom areas added, of those
    /// too), for an output set's manifest; empty when unknown (tables given in memory).
    pub fingerprint: String,
}

impl Region {
    /// The custom areas, one row per area and buurt: `id`, `name`, `kind`, `within` (the
    /// gemeente or region it is compared with), `buurt`, `member` (whether the buurt counts)
    /// and `share` (of the buurt's area inside the area: below 1 only for buurten a drawn
    /// polygon cuts, including those left out).
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let table = region.custom_areas_table()?;
    /// assert_eq!(table.column("id")?.n_unique()?, 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn custom_areas_table(&self) -> PolarsResult<DataFrame> {
        // Per row: the area, its definition, the buurt, whether it counts, its share.
        type Row<'a> = (&'a crate::Area, &'a crate::Custom, String, bool, f64);
        let mut rows: Vec<Row> = Vec::new();
        for area in self.areas.iter() {
            let Some(c) = &area.custom else { continue };
            let share = |code: &str| c.partial.iter().find(|p| p.code == code).map(|p| p.share);
            let mut buurten: Vec<(String, bool, f64)> = c
                .members
                .iter()
                .map(|b| (b.clone(), true, share(b).unwrap_or(1.0)))
                .collect();
            buurten.extend(
                c.partial
                    .iter()
                    .filter(|p| !p.member)
                    .map(|p| (p.code.clone(), false, p.share)),
            );
            buurten.sort_by(|a, b| a.0.cmp(&b.0));
            rows.extend(buurten.into_iter().map(|(b, m, s)| (area, c, b, m, s)));
        }
        let text = |name: &str, f: &dyn Fn(&Row) -> Option<String>| {
            Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
        };
        DataFrame::new_infer_height(vec![
            text("id", &|r| Some(r.0.code.clone())),
            text("name", &|r| Some(r.0.name.clone())),
            text("kind", &|r| Some(r.1.kind.to_string())),
            text("within", &|r| r.1.within.clone()),
            text("buurt", &|r| Some(r.2.clone())),
            Column::new(
                "member".into(),
                rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            Column::new("share".into(), rows.iter().map(|r| r.4).collect::<Vec<_>>()),
        ])
    }

    /// The region for a run of the health monitor alone (`wijkprofiel monitor`): the GGD
    /// indicators made from the respondents, without the GP counts and the finished GGD
    /// estimates. `None` when there are no respondents or no indicator made from them.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?.monitor_only().expect("the demo has a monitor");
    /// assert!(region.gp_counts.is_none());
    /// assert!(region.catalogue.indicators().iter().all(|i| i.survey.is_some()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_only(mut self) -> Option<Self> {
        self.respondents.as_ref()?;
        self.catalogue
            .retain(|i| i.source == crate::Source::Ggd && i.survey.is_some());
        if self.catalogue.indicators().is_empty() {
            return None;
        }
        self.gp_counts = None;
        self.ggd_estimates = None;
        Some(self)
    }

    /// Frees the memory of the validated `gp_counts` rows (1.2 GB for the national data
    /// set), keeping their sums: profiles are built from the sums alone, and
    /// [`Region::frame`] gives no `gp_counts` table afterwards. For a process that builds
    /// profiles and never asks for the rows. Returns whether rows were freed: not when the
    /// region has no GP counts, nor while a clone of the region shares them.
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::{Region, TableName};
    /// let mut region = Region::demo()?;
    /// let before = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// assert!(region.release_gp_rows());
    /// assert!(region.frame(TableName::GpCounts).is_none());
    /// let after = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// assert_eq!(after.figures(), before.figures());
    /// // Rows a clone shares stay.
    /// let mut shared = Region::demo()?;
    /// let clone = shared.clone();
    /// assert!(!shared.release_gp_rows());
    /// assert!(shared.frame(TableName::GpCounts).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn release_gp_rows(&mut self) -> bool {
        self.gp_counts
            .as_mut()
            .and_then(Arc::get_mut)
            .map(GpCounts::release_rows)
            .is_some()
    }

    /// One of the region's tables as a DataFrame: `population`, `gp_counts` (made from its
    /// compact rows on each call), `ggd_estimates`, `benchmarks` or `benchmark_rates`. `None`
    /// for a table the region does not have, one that is held as records (areas,
    /// practices, providers, projects), or `gp_counts` after [`Region::release_gp_rows`].
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::{Region, TableName};
    /// let region = Region::demo()?;
    /// let population = region.frame(TableName::Population).expect("always present");
    /// assert_eq!(population.height(), 300 * 5 * 2 * 19);
    /// assert!(region.frame(TableName::Areas).is_none());
    /// # Ok::<(), wijkprofiel::LoadError>(())
    /// ```
    pub fn frame(&self, table: TableName) -> Option<DataFrame> {
        match table {
            TableName::Population => Some(self.population.clone()),
            // Built from valid rows: polars cannot fail on them; none once released.
            TableName::GpCounts => self.gp_counts.as_ref().and_then(|c| c.frame().ok()),
            TableName::GgdEstimates => self.ggd_estimates.clone(),
            TableName::Benchmarks => self.benchmarks.clone(),
            TableName::BenchmarkRates => self.benchmark_rates.clone(),
            TableName::Respondents => self.respondents.clone(),
            _ => None,
        }
    }

    /// What was loaded, for people.
    pub fn summary(&self) -> Summary {
        let years_of = |frame: Option<&DataFrame>| -> Vec<i32> {
            let Some(column) = frame.and_then(|f| f.column("year").ok()) else {
                return Vec::new();
            };
            let mut years: Vec<i32> = column
                .i32()
                .map(|ca| ca.iter().flatten().collect())
                .unwrap_or_default();
            years.sort_unstable();
            years.dedup();
            years
        };
        let mut indicators: BTreeMap<&'static str, usize> = BTreeMap::new();
        for ind in self.catalogue.indicators() {
            *indicators.entry(ind.source.as_str()).or_default() += 1;
        }
        Summary {
            name: self.dataset.name.clone(),
            origin: self.origin.clone(),
            synthetic: self.dataset.synthetic,
            areas: self.areas.count_by_level(),
            population_years: years_of(Some(&self.population)),
            residents: sum_by_year(&self.population, "residents").unwrap_or_default(),
            indicators: indicators
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            gp_years: self
                .gp_counts
                .as_ref()
                .map(|c| c.years().to_vec())
                .unwrap_or_default(),
            ggd_years: years_of(self.ggd_estimates.as_ref()),
            respondents: self
                .respondents
                .as_ref()
                .and_then(|r| {
                    let counts = r
                        .column("year")
                        .ok()?
                        .as_materialized_series()
                        .value_counts(true, false, "n".into(), false);
                    let counts = counts.ok()?;
                    let years = counts.column("year").ok()?.i32().ok()?.clone();
                    let n = counts.column("n").ok()?.u32().ok()?.clone();
                    let mut out: Vec<(i32, i64)> = years
                        .iter()
                        .zip(n.iter())
                        .filter_map(|(y, n)| Some((y?, i64::from(n?))))
                        .collect();
                    out.sort_unstable();
                    Some(out)
                })
                .unwrap_or_default(),
            questions: self
                .catalogue
                .indicators()
                .iter()
                .filter(|i| i.survey.is_some())
                .count(),
            practices: self.practices.len(),
            providers: self.providers.len(),
            projects: self.projects.len(),
            coverage: self.coverage().unwrap_or_default(),
            geometry: self
                .geometry
                .as_ref()
                .map(|g| (g.len(), g.crs.name().to_owned(), g.crs_declared)),
        }
    }

    /// GP coverage per year: listed patients of participating practices living in the
    /// region ([`Region::gp_listed`]) divided by residents.
    pub fn coverage(&self) -> Option<Vec<(i32, f64)>> {
        let residents: BTreeMap<i32, i64> = sum_by_year(&self.population, "residents")?
            .into_iter()
            .collect();
        let coverage = self
            .gp_listed
            .iter()
            .filter_map(|(year, n)| {
                let r = *residents.get(year)?;
                (r > 0).then(|| (*year, *n as f64 / r as f64))
            })
            .collect();
        Some(coverage)
    }
}

fn sum_by_year(frame: &DataFrame, column: &str) -> Option<Vec<(i32, i64)>> {
    let totals = frame
        .clone()
        .lazy()
        .group_by([col("year")])
        .agg([col(column).sum()])
        .sort(["year"], SortMultipleOptions::default())
        .collect()
        .ok()?;
    let years = totals.column("year").ok()?.i32().ok()?.clone();
    let sums = totals.column(column).ok()?.i64().ok()?.clone();
    Some(
        years
            .iter()
            .zip(sums.iter())
            .filter_map(|(y, s)| Some((y?, s?)))
            .collect(),
    )
}

/// What a region holds, in numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub name: String,
    pub origin: String,
    pub synthetic: bool,
    pub areas: Vec<(Level, usize)>,
    pub population_years: Vec<i32>,
    pub residents: Vec<(i32, i64)>,
    /// Indicators per source (`gp`, `ggd`, `cbs`).
    pub indicators: Vec<(String, usize)>,
    pub gp_years: Vec<i32>,
    pub ggd_years: Vec<i32>,
    /// The health monitor's respondents per round (`respondents`), and how many GGD
    /// indicators are made from them.
    pub respondents: Vec<(i32, i64)>,
    pub questions: usize,
    pub practices: usize,
    pub providers: usize,
    pub projects: usize,
    /// Listed patients ÷ residents, per year.
    pub coverage: Vec<(i32, f64)>,
    /// Number of shapes, CRS, and whether it was declared.
    pub geometry: Option<(usize, String, bool)>,
}

/// The outcome of validating a region: a summary when the data loaded, and every problem.
#[derive(Debug, Clone)]
pub struct ValidationReport {
    pub origin: String,
    /// Problems found, at most [`crate::PROBLEMS_PER_FILE`] per file.
    pub problems: Vec<DataError>,
    /// Problems found beyond the cap, per file.
    pub omitted: BTreeMap<String, usize>,
    /// What was loaded; present when the data are valid (see [`validate()`](crate::validate())).
    pub summary: Option<Summary>,
}

impl ValidationReport {
    /// Whether the data are valid.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty() && self.omitted.is_empty()
    }

    /// Number of problems found, including those beyond the cap.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.omitted.values().sum::<usize>()
    }
}

/// Years as `2020–2024` when consecutive, otherwise listed.
fn years(items: &[i32]) -> String {
    let consecutive = items.windows(2).all(|w| w[1] == w[0] + 1);
    match (items.first(), items.last()) {
        (None, _) => "none".to_owned(),
        (Some(a), Some(b)) if items.len() > 2 && consecutive => format!("{a}–{b}"),
        _ => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.name)?;
        if self.synthetic {
            writeln!(f, "  SYNTHETIC DEMO DATA: fictional areas and persons")?;
        }
        writeln!(f, "  from: {}", self.origin)?;
        let levels: Vec<String> = self
            .areas
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(level, n)| format!("{n} {level}"))
            .collect();
        writeln!(f, "  areas: {}", levels.join(", "))?;
        let residents: Vec<String> = self
            .residents
            .iter()
            .map(|(y, n)| format!("{y}: {n}"))
            .collect();
        writeln!(f, "  residents: {}", residents.join(", "))?;
        let indicators: Vec<String> = self
            .indicators
            .iter()
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        writeln!(f, "  indicators: {}", indicators.join(", "))?;
        writeln!(
            f,
            "  years: population {}; GP {}; GGD {}",
            years(&self.population_years),
            years(&self.gp_years),
            years(&self.ggd_years)
        )?;
        if !self.respondents.is_empty() {
            let rounds: Vec<String> = self
                .respondents
                .iter()
                .map(|(y, n)| format!("{y}: {n}"))
                .collect();
            writeln!(
                f,
                "  health monitor: {} respondents ({}); {} GGD indicators made from them",
                self.respondents.iter().map(|(_, n)| n).sum::<i64>(),
                rounds.join(", "),
                self.questions
            )?;
        }
        let coverage: Vec<String> = self
            .coverage
            .iter()
            .map(|(y, c)| format!("{y}: {:.1}%", 100.0 * c))
            .collect();
        writeln!(
            f,
            "  GP practices: {}; coverage (listed ÷ residents): {}",
            self.practices,
            if coverage.is_empty() {
                "none".into()
            } else {
                coverage.join(", ")
            }
        )?;
        writeln!(
            f,
            "  social map: {} providers, {} projects",
            self.providers, self.projects
        )?;
        match &self.geometry {
            Some((n, crs, declared)) => writeln!(
                f,
                "  geometry: {n} shapes in {crs} ({})",
                if *declared { "declared" } else { "detected" }
            ),
            None => writeln!(f, "  geometry: none"),
        }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(summary) = &self.summary {
            write!(f, "{summary}")?;
        }
        if self.is_valid() {
            return writeln!(f, "valid: no problems found");
        }
        writeln!(f, "{} problem(s) in {}:", self.problem_count(), self.origin)?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        for (file, n) in &self.omitted {
            writeln!(f, "  ... and {n} more in {file}")?;
        }
        Ok(())
    }
}
