//! The synthetic demo region "Lindewaard", made by a deterministic generator.
//!
//! Eight fictional gemeenten (codes GM9901–GM9908, a range CBS does not use), 60 wijken,
//! 300 buurten and about 450,000 residents, in a tiling of organic shapes (RD New); 40 GP practices
//! covering about 70% of residents; years 2020–2024; 7 GP conditions driven by national
//! age–sex prevalence curves, 13 GGD monitor indicators with 95% intervals for 18+, 18-64
//! and 65+, and CBS context. A smooth deprivation field makes some wijken stand out on
//! several indicators at once; a student wijk and an elderly village make crude and
//! standardised rates point different ways; a few tiny buurten give suppression work.
//! Three custom areas (a stadsdeel, a social-team area across wijken, a practice catchment
//! drawn as a polygon) are profiled along with the CBS areas.
//!
//! The same seed gives the same bytes. Every file says that it is synthetic.
//!
//! # Examples
//!
//! ```no_run
//! use wijkprofiel::demo::{DemoOptions, Scale};
//! wijkprofiel::demo::write("demo-out".as_ref(), &DemoOptions { seed: 42, scale: Scale::Demo }).unwrap();
//! ```

mod map;
mod plan;
mod reference;

mod write;

use std::path::Path;

use crate::error::DemoError;
use crate::progress::{Meter, Phase, Progress, Silent};

pub use write::FILES;

/// How big a region to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The committed demo region (a few MB).
    Demo,
    /// A national-size data set (≈14,500 buurten, 3,300 wijken, 342 gemeenten, 5,000
    /// practices) for benchmarks; big tables are written as Parquet. Not committed.
    National,
}

/// Options of the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub seed: u64,
    pub scale: Scale,
}

/// The seed of the committed demo data in `data/demo`.
pub const DEMO_SEED: u64 = 42;

/// Writes the data set into `dir` (created if needed). Each file is written to a temporary
/// name and renamed, so an interrupted run leaves no half-written file.
///
/// # Errors
///
/// [`DemoError`] naming the file that could not be written.
pub fn write(dir: &Path, options: &DemoOptions) -> Result<Vec<String>, DemoError> {
    write_with(dir, options, &Silent)
}

/// [`write()`], reporting [`Phase::Generating`] (each step weighed by what it costs on the
/// national data).
///
/// # Errors
///
/// As [`write()`].
pub fn write_with(
    dir: &Path,
    options: &DemoOptions,
    progress: &dyn Progress,
) -> Result<Vec<String>, DemoError> {
    std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let meter = Meter::start(progress, Phase::Generating, write::COST);
    let plan = plan::build(options.seed, options.scale == Scale::National);
    meter.add(write::PLAN_COST);
    let written = write::all(dir, &plan, options, &meter)?;
    meter.finish();
    Ok(written)
}

/// The committed demo data, embedded at compile time.
#[cfg(feature = "embedded-demo")]
pub(crate) const EMBEDDED: &[(&str, &[u8])] = &[
    (
        "dataset.toml",
        include_bytes!("../../../../data/demo/dataset.toml"),
    ),
    (
        "catalogue.toml",
        include_bytes!("../../../../data/demo/catalogue.toml"),
    ),
    (
        "areas.csv",
        include_bytes!("../../../../data/demo/areas.csv"),
    ),
    (
        "geometry.geojson",
        include_bytes!("../../../../data/demo/geometry.geojson"),
    ),
    (
        "population.csv",
        include_bytes!("../../../../data/demo/population.csv"),
    ),
    (
        "practices.csv",
        include_bytes!("../../../../data/demo/practices.csv"),
    ),
    (
        "gp_counts.parquet",
        include_bytes!("../../../../data/demo/gp_counts.parquet"),
    ),
    (
        "ggd_estimates.csv",
        include_bytes!("../../../../data/demo/ggd_estimates.csv"),
    ),
    (
        "respondents.parquet",
        include_bytes!("../../../../data/demo/respondents.parquet"),
    ),
    (
        "benchmarks.csv",
        include_bytes!("../../../../data/demo/benchmarks.csv"),
    ),
    (
        "benchmark_rates.csv",
        include_bytes!("../../../../data/demo/benchmark_rates.csv"),
    ),
    (
        "providers.csv",
        include_bytes!("../../../../data/demo/providers.csv"),
    ),
    (
        "projects.csv",
        include_bytes!("../../../../data/demo/projects.csv"),
    ),
    (
        "custom_areas.geojson",
        include_bytes!("../../../../data/demo/custom_areas.geojson"),
    ),
];
