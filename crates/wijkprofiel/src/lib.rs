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
//! - Loading and validating a region's data: [`Region::load`], [`Region::demo`],
//!   [`validate()`], [`Inputs`]; the rules are those of `docs/data-contract.md`.
//! - Areas and codes: [`Level`], [`Area`], [`Areas`]; custom areas (groups of buurten):
//!   [`CustomAreaSpec`], [`Region::with_custom_areas`], [`custom`].
//! - Indicators: [`Catalogue`], [`Indicator`].
//! - Dimensions of the tables: [`AgeBand`], [`Sex`].
//! - Geometry: [`Geometries`], [`Crs`].
//! - The social map: [`Practice`], [`Provider`], [`Project`], [`Role`].
//! - Errors, one enum per domain, each naming file, row, column, area or indicator:
//!   [`TableError`], [`AreaError`], [`GeometryError`], [`CatalogueError`],
//!   [`CustomAreaError`], joined in
//!   [`DataError`]; [`LoadError`] for a region that cannot be loaded.
//! - Statistical methods (proportions, rates, means, DSR, ISR, comparisons, funnels, trends,
//!   inequality, life expectancy, empirical Bayes), on scalars and columns: [`stats`].
//! - Profiles of every area, their comparisons, priority themes and social map, and the
//!   batch outputs: [`profile`] ([`profile::ProfileBuilder`], [`profile::Profiles`]).
//! - The synthetic demo region: [`demo`].
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
pub mod region;
mod rng;
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
pub use validate::{PROBLEMS_PER_FILE, validate};
