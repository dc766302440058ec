//! # wijkprofiel
//!
//! Neighbourhood health profiles (wijkgezondheidsprofielen) for every Dutch buurt, wijk,
//! gemeente and region, from anonymised GP-practice counts and GGD health-monitor estimates.
//!
//! This crate is the core: it holds every rule, and the command-line tool and the Python
//! package call it. It has no Python in it.
//!
//! ## Index
//!
//! Paths are under `crates/wijkprofiel/src/`; documents under `docs/`.
//!
//! **Loading a region** ([`Region::load`], [`Region::from_inputs`], [`Region::demo`],
//! [`validate()`], [`Inputs`]; problems as [`DataError`], at most [`PROBLEMS_PER_FILE`] per
//! file). The order of the checks is in `validate/mod.rs`; each input's rules are in the
//! file of its name, one per section of `docs/data-contract.md`:
//!
//! | input | rules | `docs/data-contract.md` |
//! |---|---|---|
//! | every table: types, years, sexes, age bands, references | `validate/general.rs`, `table.rs` (reading) | "General rules" |
//! | `dataset.toml` | `validate/dataset.rs` | "`dataset.toml`" |
//! | `catalogue.toml` ([`Catalogue`], [`Indicator`]) | `validate/catalogue.rs`, `catalogue.rs` | "`catalogue.toml`" |
//! | `areas` ([`Area`], [`Areas`], [`Level`]) | `validate/areas.rs` | "`areas`" |
//! | `geometry.geojson` ([`Geometries`], [`Crs`]) | `validate/geometry.rs`, `geometry.rs` | "`geometry.geojson`" |
//! | `custom_areas.geojson` ([`CustomAreaSpec`], [`Region::with_custom_areas`]) | `validate/custom_areas.rs`, `custom.rs` | "`custom_areas.geojson`" |
//! | `population` | `validate/population.rs` | "`population`" |
//! | `practices` ([`Practice`]) | `validate/practices.rs` | "`practices`" |
//! | `gp_counts` ([`GpCounts`]) | `validate/gp_counts/` (rules in `mod.rs`, batches in `columns.rs`) | "`gp_counts`" |
//! | `ggd_estimates` | `validate/ggd_estimates.rs` | "`ggd_estimates`" |
//! | `respondents` (the health monitor's, with the catalogue's `[survey]`) | `validate/respondents.rs` | "`respondents`" |
//! | `benchmarks` | `validate/benchmarks.rs` | "`benchmarks`" |
//! | `benchmark_rates` | `validate/benchmark_rates.rs` | "`benchmark_rates`" |
//! | `providers` ([`Provider`], [`Role`]) | `validate/providers.rs` | "`providers`" |
//! | `projects` ([`Project`]) | `validate/projects.rs` | "`projects`" |
//!
//! **Statistical methods** ([`stats`], on scalars and on columns, [`stats::columns`]):
//!
//! | method | where |
//! |---|---|
//! | proportion, Wilson score interval | [`stats::proportion::wilson`] |
//! | crude rate, exact Poisson below 10 events, Byar from 10 | [`stats::rate::poisson`] |
//! | mean, Student t | [`stats::mean::student_t`] |
//! | directly standardised rate, Dobson; ESP 2013 or a given standard | [`stats::dsr::Dsr`], [`stats::standard::StandardPopulation`] |
//! | indirectly standardised ratio and rate | [`stats::indirect::Indirect`] |
//! | comparison with a benchmark by polarity | [`stats::compare::judge`] |
//! | percentiles, ranks, quantile groups, spine charts | [`stats::distribution`] |
//! | funnel-plot limits and significance | [`stats::funnel`] |
//! | recent trend, Cochran–Armitage | [`stats::trend::weighted`], [`stats::trend::cochran_armitage`] |
//! | slope and relative index of inequality | [`stats::inequality::sii`] |
//! | life expectancy, Chiang II | [`stats::life_table::life_expectancy`] |
//! | empirical Bayes smoothing | [`stats::smoothing`] |
//! | design-based mean or proportion of survey microdata (weights, strata, PSUs, finite population correction, lonely PSUs; Taylor linearisation; Wald, logit and Korn–Graubard intervals), as R `survey` | [`stats::survey::mean`] |
//!
//! **Profiles**, the engine ([`profile`]: [`profile::ProfileBuilder`] with
//! [`profile::Settings`], [`profile::Profiles`]): figures from GP counts (`profile/gp.rs`),
//! GGD estimates (`profile/ggd.rs`), the health monitor's respondents (`profile/monitor.rs`)
//! and CBS population (`profile/population.rs`); comparisons,
//! ranks, spine charts and trends (`profile/standing.rs`); priority themes
//! (`profile/priorities.rs`); the social map (`profile/social_map.rs`); disclosure control
//! (`profile/disclosure/`). How each figure is made: `docs/outputs.md`, "How figures are
//! made".
//!
//! **Outputs** ([`output`], every file described in `docs/outputs.md`):
//!
//! | output | code | `docs/outputs.md` |
//! |---|---|---|
//! | the long table, `profile.parquet` and `profile.csv` | `output/long_table.rs` ([`profile::Profiles::table`]) | "The long table" |
//! | one document per area, `areas/<code>.json` | `output/document.rs` ([`output::AreaDocument`]) | "Area documents" |
//! | pages, `pages/<code>.html` and `pages/index.html` | `output/pages/` ([`profile::Profiles::page_html`]) | "Pages" |
//! | the disclosure audit, `suppression.csv` | `output/frames.rs` ([`profile::Profiles::withheld_table`]) | "Disclosure control" |
//! | run metadata, `metadata.json`; writing a run atomically, shards | [`output::write`] | "Files" |
//! | analysts' tables (themes, spine, social map) and the notebook card | `output/frames.rs`, `output/card.rs` | "Python" in the README |
//!
//! Also: the synthetic demo region, [`demo`]; errors, one enum per domain, each naming file,
//! row, column, area or indicator, in [`error`].
//!
//! **Where the next wings go.** Importers of public data as it arrives (CBS StatLine tables,
//! the wijk- en buurtkaart, postcode deliveries, earlier boundaries) in `sources/`, each
//! turning a source's files into [`Inputs`] that validation then checks as any other;
//! the health monitor's own tables (a tabellenboek, every breakdown as a long table) beside
//! `profile/monitor.rs`; exports for publishing platforms (e.g. Swing) in
//! `output/`; the records of a samenwerkingssessie (themes chosen, actions, follow-up) in
//! `session/`, reading profiles and never feeding the engine.
//!
//! ## Example
//!
//! ```
//! use wijkprofiel::{Level, Region};
//!
//! let region = Region::demo()?;
//! let summary = region.summary();
//! assert!(summary.synthetic);
//! assert!(region.areas.at_level(Level::Buurt).count() > 250);
//! # Ok::<(), wijkprofiel::LoadError>(())
//! ```

/// `FromStr` (one of `ALL`'s names, trimmed; else `Err(())`) and `Display` (the name) for an
/// enum with `ALL` and `as_str`, the names used in data files.
macro_rules! named {
    ($name:ty) => {
        impl std::str::FromStr for $name {
            type Err = ();

            fn from_str(text: &str) -> Result<Self, ()> {
                Self::ALL
                    .into_iter()
                    .find(|value| value.as_str() == text.trim())
                    .ok_or(())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod age_band;
pub mod area;
mod atomic;
pub mod catalogue;
mod cube;
pub mod custom;
pub mod demo;
pub mod error;
pub mod geometry;
pub mod inputs;
pub mod output;
pub mod profile;
pub mod progress;
pub mod region;
pub mod rng;

/// The text a caught panic carried (`"no detail"` when it carried none), for the errors
/// that report one instead of crashing.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("no detail")
}
pub mod sex;
pub mod social;
pub mod stats;
pub mod table;
mod validate;

pub use age_band::AgeBand;
pub use area::{Area, Areas, Custom, CustomKind, Level, PartialBuurt};
pub use catalogue::{Catalogue, Indicator, Kind, Polarity, Source, Standardisation};
pub use cube::{Cells, GpCounts};
pub use custom::CustomAreaSpec;
pub use error::{
    AreaError, CatalogueError, CustomAreaError, DataError, DemoError, GeometryError, LoadError,
    Location, ProfileError, TableError,
};
pub use geometry::{Crs, Geometries};
pub use inputs::{Inputs, TableName};
pub use region::{Dataset, Region, Summary, ValidationReport};
pub use sex::Sex;
pub use social::{Point, Practice, Project, Provider, Role};
pub use table::Table;
pub use validate::{PROBLEMS_PER_FILE, validate, validate_with};
