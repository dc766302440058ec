//! The data contract's rules (`docs/data-contract.md`): every input table is read into typed
//! columns, checked row by row and across tables, and turned into a [`Region`] when nothing
//! is wrong. This file holds the order of the checks and the entry points
//! ([`Region::load`], [`Region::from_inputs`], [`validate()`](crate::validate())); each
//! table's rules are in the file of its name, in the order of the contract's sections.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use crate::area::Areas;
use crate::catalogue::Catalogue;
use crate::custom::CustomAreaSpec;
use crate::error::{LoadError, Location, TableError};
use crate::geometry::Crs;
use crate::inputs::{Inputs, TableName};
use crate::progress::{Meter, Phase, Progress, Silent};
use crate::region::{Region, ValidationReport};
use crate::table::Problems;

mod general;

mod areas;
mod benchmark_rates;
mod benchmarks;
mod catalogue;
mod custom_areas;
mod dataset;
mod geometry;
mod ggd_estimates;
mod gp_counts;
mod population;
mod practices;
mod projects;
mod providers;
mod respondents;

use areas::areas;
use benchmark_rates::benchmark_rates;
use benchmarks::benchmarks;
use catalogue::catalogue;
use custom_areas::with_custom;
use dataset::dataset;
use geometry::geometry;
use ggd_estimates::ggd_estimates;
use population::population;
use practices::practices;
use projects::projects;
use providers::providers;
use respondents::respondents;

/// Problems kept per file; the rest are counted.
pub const PROBLEMS_PER_FILE: usize = 50;

/// Checks all inputs; returns the region when no problem was found, and the report always.
fn check(inputs: &Inputs, progress: &dyn Progress) -> (Option<Region>, ValidationReport) {
    // Rows decoded, then checked, table by table (`gp_counts` decoded and checked a batch at
    // a time, counted once).
    let height = |name: &TableName, t: &crate::table::Table| {
        t.height() as u64 * if *name == TableName::GpCounts { 1 } else { 2 }
    };
    let meter = Meter::start(
        progress,
        Phase::Validating,
        inputs.tables.iter().map(|(n, t)| height(n, t)).sum(),
    );
    let rows = |name: TableName| {
        meter.add(inputs.tables.get(&name).map_or(0, |t| t.height() as u64));
    };
    let mut p = Problems::new(PROBLEMS_PER_FILE);
    for problem in &inputs.read_problems {
        p.push(problem.clone());
    }
    let dataset = dataset(inputs, &mut p);
    let catalogue = catalogue(inputs, &mut p);
    for name in TableName::ALL {
        if name.required() && !inputs.tables.contains_key(&name) && !unreadable(inputs, name) {
            p.push(missing_table(inputs, name.stem()));
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
            meter.add(t.height() as u64);
        }
    }
    let table = |name| decoded.get(&name);
    let areas = table(TableName::Areas).and_then(|t| areas(t, &mut p));
    rows(TableName::Areas);
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
    rows(TableName::Population);
    let population_years: BTreeSet<i32> = population
        .as_ref()
        .map(|(_, years)| years.clone())
        .unwrap_or_default();
    let practices = table(TableName::Practices).and_then(|t| practices(t, &ctx, &mut p));
    rows(TableName::Practices);
    let gp_counts = inputs.tables.get(&TableName::GpCounts).and_then(|t| {
        let name = TableName::Practices;
        if practices.is_none() && !inputs.tables.contains_key(&name) && !unreadable(inputs, name) {
            p.push(missing_table(inputs, name.stem()));
        }
        gp_counts::gp_counts(
            t,
            &ctx,
            practices.as_deref(),
            &population_years,
            &mut p,
            &meter,
        )
    });
    let ggd = table(TableName::GgdEstimates).and_then(|t| ggd_estimates(t, &ctx, &mut p));
    rows(TableName::GgdEstimates);
    let benchmarks = table(TableName::Benchmarks).and_then(|t| benchmarks(t, &ctx, &mut p));
    rows(TableName::Benchmarks);
    let rates = table(TableName::BenchmarkRates).and_then(|t| benchmark_rates(t, &ctx, &mut p));
    rows(TableName::BenchmarkRates);
    let providers = table(TableName::Providers).and_then(|t| providers(t, &ctx, &mut p));
    rows(TableName::Providers);
    let projects = table(TableName::Projects).and_then(|t| projects(t, &ctx, &mut p));
    rows(TableName::Projects);
    let respondents = table(TableName::Respondents).and_then(|t| respondents(t, &ctx, &mut p));
    meter.finish();

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
            respondents,
            benchmarks,
            benchmark_rates: rates,
            providers: providers.unwrap_or_default(),
            projects: projects.unwrap_or_default(),
            fingerprint: inputs.fingerprint.clone(),
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

/// Whether a table's file is there but could not be read (a problem reported already).
fn unreadable(inputs: &Inputs, name: TableName) -> bool {
    let prefix = format!("{}.", name.stem());
    inputs
        .read_problems
        .iter()
        .any(|e| e.location().file.starts_with(&prefix))
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
    pub(super) areas: Option<&'a Areas>,
    pub(super) catalogue: Option<&'a Catalogue>,
    pub(super) crs: Option<Crs>,
}

impl Region {
    /// Loads and validates a data folder.
    ///
    /// # Errors
    ///
    /// [`LoadError::Io`] if the folder cannot be read; [`LoadError::Invalid`] with every
    /// problem found if the data break the contract.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, LoadError> {
        Self::from_inputs(&Inputs::from_dir(dir.as_ref())?)
    }

    /// Validates inputs given in memory.
    ///
    /// # Errors
    ///
    /// [`LoadError::Invalid`] with every problem found.
    pub fn from_inputs(inputs: &Inputs) -> Result<Self, LoadError> {
        Self::from_inputs_with(inputs, &Silent)
    }

    /// [`Region::from_inputs`], reporting [`Phase::Validating`] in rows checked.
    ///
    /// # Errors
    ///
    /// As [`Region::from_inputs`].
    pub fn from_inputs_with(inputs: &Inputs, progress: &dyn Progress) -> Result<Self, LoadError> {
        match check(inputs, progress) {
            (Some(region), _) => Ok(region),
            (None, report) => Err(LoadError::Invalid(Box::new(report))),
        }
    }

    /// The demo region embedded in the library.
    ///
    /// # Errors
    ///
    /// Only if the embedded data were broken, which the test suite rules out.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo().unwrap();
    /// assert!(region.dataset.synthetic);
    /// assert_eq!(region.areas.at_level(wijkprofiel::Level::Gemeente).count(), 8);
    /// ```
    #[cfg(feature = "embedded-demo")]
    pub fn demo() -> Result<Self, LoadError> {
        Self::from_inputs(&Inputs::demo())
    }
}

/// Validates inputs and reports, whether or not they are valid; a valid region's report
/// carries its summary.
pub fn validate(inputs: &Inputs) -> ValidationReport {
    validate_with(inputs, &Silent)
}

/// [`validate`], reporting [`Phase::Validating`] in rows checked.
pub fn validate_with(inputs: &Inputs, progress: &dyn Progress) -> ValidationReport {
    let (region, mut report) = check(inputs, progress);
    report.summary = region.as_ref().map(Region::summary);
    report
}
