//! Errors, one enum per domain, each naming where in the input the problem is.
//!
//! [`Location`] says where: the file, and where known the data row, the line of a CSV file
//! and the column. [`DataError`] joins the domain enums so that a validation run can collect
//! problems of every kind in one [`crate::ValidationReport`].

use std::fmt;
use std::path::PathBuf;

/// Where a problem sits in the input.
///
/// `row` counts data rows from 1 (the header is not a row); for a CSV file `line` is the line
/// an editor shows (comment lines and the header included).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// File name as the user gave it (`population.csv`), or a table name for in-memory data.
    pub file: String,
    /// 1-based data row.
    pub row: Option<usize>,
    /// 1-based line of a text file.
    pub line: Option<usize>,
    /// Column (or field) name.
    pub column: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            row: None,
            line: None,
            column: None,
        }
    }

    /// The same location narrowed to a column.
    #[must_use]
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match (self.line, self.row) {
            (Some(line), Some(row)) => write!(f, ", row {row} (line {line})")?,
            (Some(line), None) => write!(f, ", line {line}")?,
            (None, Some(row)) => write!(f, ", row {row}")?,
            (None, None) => {}
        }
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        Ok(())
    }
}

/// Problems reading a table: files, columns and cell values.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The file could not be read or parsed as CSV/Parquet.
    #[error("{at}: cannot read the file: {message}")]
    Unreadable { at: Location, message: String },
    /// A required input is absent.
    #[error("{at}: required input `{table}` is missing (expected {expected})")]
    MissingTable {
        at: Location,
        table: String,
        expected: String,
    },
    /// A required table without rows.
    #[error("{at}: the table has no rows")]
    Empty { at: Location },
    /// The same table is given twice.
    #[error("{at}: table `{table}` is given both as CSV and as Parquet; keep one")]
    AmbiguousTable { at: Location, table: String },
    /// A required column is absent.
    #[error("{at}: required column is missing")]
    MissingColumn { at: Location },
    /// Two columns of a table have one name.
    #[error("{at}: two columns have this name; rename or remove one")]
    DuplicateColumn { at: Location },
    /// A column has a type that cannot hold its values.
    #[error("{at}: column has type {found}, expected {expected}")]
    ColumnType {
        at: Location,
        found: String,
        expected: &'static str,
    },
    /// A required cell is empty.
    #[error("{at}: value is missing")]
    MissingValue { at: Location },
    /// A cell cannot be read as its column's type or is out of range.
    #[error("{at}: `{value}` is not {expected}")]
    BadValue {
        at: Location,
        value: String,
        expected: String,
    },
    /// Two rows share the key that must be unique.
    #[error("{at}: duplicate of row {first_row} (key {key})")]
    DuplicateKey {
        at: Location,
        key: String,
        first_row: usize,
    },
    /// A cell refers to an area that is not in `areas`.
    #[error("{at}: area `{code}` is not in the areas table")]
    UnknownArea { at: Location, code: String },
    /// A cell refers to an area of a level the table does not accept.
    #[error("{at}: area `{code}` is a {found}; this table takes {expected}")]
    WrongAreaLevel {
        at: Location,
        code: String,
        found: String,
        expected: &'static str,
    },
    /// A cell refers to an indicator that is not in the catalogue (or of another source).
    #[error("{at}: indicator `{indicator}` {reason}")]
    UnknownIndicator {
        at: Location,
        indicator: String,
        reason: &'static str,
    },
    /// A cell refers to a practice that is not in `practices`.
    #[error("{at}: practice `{practice}` is not in the practices table")]
    UnknownPractice { at: Location, practice: String },
    /// A cell refers to a theme that is not in the catalogue.
    #[error("{at}: theme `{theme}` is not in the catalogue")]
    UnknownTheme { at: Location, theme: String },
    /// A numerator exceeds its denominator for a proportion.
    #[error(
        "{at}: numerator {numerator} is larger than denominator {denominator} for indicator `{indicator}`"
    )]
    NumeratorAboveDenominator {
        at: Location,
        indicator: String,
        numerator: i64,
        denominator: i64,
    },
    /// An interval does not contain its value.
    #[error("{at}: interval is not ordered: lower {lower} <= value {value} <= upper {upper} fails")]
    IntervalOrder {
        at: Location,
        lower: f64,
        value: f64,
        upper: f64,
    },
    /// The age bands of a table leave a gap, overlap, or do not cover all ages.
    #[error("{at}: age bands do not tile: {detail}")]
    AgeBandTiling { at: Location, detail: String },
    /// Data of an area and year have no population to go with them.
    #[error("{at}: no population for `{code}` in {year}")]
    MissingPopulation {
        at: Location,
        code: String,
        year: i32,
    },
    /// Coordinates of points do not match the geometry's reference system.
    #[error("{at}: {detail}")]
    Coordinates { at: Location, detail: String },
    /// A survey design the variance cannot be estimated from (a stratum with one PSU).
    #[error("{at}: survey design: {detail}")]
    Design { at: Location, detail: String },
}

/// Problems with area codes and the area hierarchy.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AreaError {
    /// A code does not follow the CBS rule of its level.
    #[error("{at}: `{code}` is not a valid {level} code ({rule})")]
    BadCode {
        at: Location,
        code: String,
        level: String,
        rule: &'static str,
    },
    /// A buurt or wijk code does not start with its parent's digits.
    #[error("{at}: `{code}` does not lie inside its parent `{parent}` ({rule})")]
    OutsideParent {
        at: Location,
        code: String,
        parent: String,
        rule: &'static str,
    },
    /// A parent code that is not in the table.
    #[error("{at}: parent `{parent}` of `{code}` is not in the areas table")]
    UnknownParent {
        at: Location,
        code: String,
        parent: String,
    },
    /// A parent of the wrong level.
    #[error("{at}: parent `{parent}` of {level} `{code}` is a {parent_level}; expected {expected}")]
    WrongParentLevel {
        at: Location,
        code: String,
        level: String,
        parent: String,
        parent_level: String,
        expected: String,
    },
    /// The same code twice.
    #[error("{at}: area `{code}` is listed twice (first in row {first_row})")]
    DuplicateCode {
        at: Location,
        code: String,
        first_row: usize,
    },
    /// Following parents leads back to where it started.
    #[error("{at}: the parents of `{code}` form a cycle: {path}")]
    Cycle {
        at: Location,
        code: String,
        path: String,
    },
    /// Not exactly one area without a parent.
    #[error("{at}: the hierarchy must have exactly one root (area without parent); found {found}")]
    RootCount { at: Location, found: String },
    /// Areas of different boundary vintages mixed in one region.
    #[error("{at}: areas of vintages {vintages} are mixed; one region uses one boundary vintage")]
    MixedVintages { at: Location, vintages: String },
}

/// Problems with the GeoJSON geometry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GeometryError {
    /// Not valid GeoJSON, or not a FeatureCollection.
    #[error("{at}: {detail}")]
    Format { at: Location, detail: String },
    /// The declared coordinate reference system is not supported.
    #[error(
        "{at}: coordinate reference system `{crs}` is not supported (use WGS84 or EPSG:28992 RD New)"
    )]
    UnsupportedCrs { at: Location, crs: String },
    /// No CRS declared and the coordinates fit neither WGS84 nor RD New.
    #[error("{at}: cannot detect the coordinate reference system: {detail}")]
    UndetectedCrs { at: Location, detail: String },
    /// A feature without an area code.
    #[error("{at}: feature {feature} has no `code` property")]
    MissingCode { at: Location, feature: usize },
    /// A feature for an area that is not in `areas`.
    #[error("{at}: feature {feature} has area `{code}`, which is not in the areas table")]
    UnknownArea {
        at: Location,
        feature: usize,
        code: String,
    },
    /// Two features for one area.
    #[error("{at}: area `{code}` has more than one feature")]
    DuplicateArea { at: Location, code: String },
    /// An area without geometry.
    #[error("{at}: area `{code}` has no geometry")]
    MissingGeometry { at: Location, code: String },
    /// An area whose geometry is not a valid (multi)polygon.
    #[error("{at}: geometry of area `{code}` is invalid: {reason}")]
    InvalidGeometry {
        at: Location,
        code: String,
        reason: String,
    },
}

/// Problems with custom areas (`custom_areas.geojson`, or areas given through the API;
/// the row is the feature's or entry's number).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CustomAreaError {
    /// Not a FeatureCollection, or a feature without an id.
    #[error("{at}: {detail}")]
    Format { at: Location, detail: String },
    /// A custom area that cannot be made as defined.
    #[error("{at}: custom area `{id}`: {detail}")]
    Definition {
        at: Location,
        id: String,
        detail: String,
    },
    /// A member code that is not in `areas`.
    #[error("{at}: custom area `{id}`: member `{code}` is not in the areas table")]
    UnknownMember {
        at: Location,
        id: String,
        code: String,
    },
    /// A member above wijk level.
    #[error(
        "{at}: custom area `{id}`: member `{code}` is a {level}; members are buurten or wijken"
    )]
    WrongMemberLevel {
        at: Location,
        id: String,
        code: String,
        level: String,
    },
    /// The same id twice.
    #[error(
        "{at}: custom area `{id}` is defined twice (ids that differ only in case are one: they name files)"
    )]
    Duplicate { at: Location, id: String },
}

/// Problems with `catalogue.toml` and `dataset.toml`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// Not valid TOML or a field of the wrong kind (the message names line and column).
    #[error("{at}: {message}")]
    Parse { at: Location, message: String },
    /// An indicator rule is broken.
    #[error("{at}: indicator `{indicator}`: {detail}")]
    Indicator {
        at: Location,
        indicator: String,
        detail: String,
    },
    /// The same indicator or theme id twice.
    #[error("{at}: `{id}` is defined twice")]
    Duplicate { at: Location, id: String },
}

/// Any problem found in input data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Area(#[from] AreaError),
    #[error(transparent)]
    Geometry(#[from] GeometryError),
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Custom(#[from] CustomAreaError),
}

impl DataError {
    /// Where the problem is.
    pub fn location(&self) -> &Location {
        use AreaError as A;
        use CatalogueError as C;
        use CustomAreaError as U;
        use GeometryError as G;
        use TableError as T;
        match self {
            Self::Table(
                T::Unreadable { at, .. }
                | T::MissingTable { at, .. }
                | T::Empty { at }
                | T::AmbiguousTable { at, .. }
                | T::MissingColumn { at }
                | T::ColumnType { at, .. }
                | T::DuplicateColumn { at }
                | T::MissingValue { at }
                | T::BadValue { at, .. }
                | T::DuplicateKey { at, .. }
                | T::UnknownArea { at, .. }
                | T::WrongAreaLevel { at, .. }
                | T::UnknownIndicator { at, .. }
                | T::UnknownPractice { at, .. }
                | T::UnknownTheme { at, .. }
                | T::NumeratorAboveDenominator { at, .. }
                | T::IntervalOrder { at, .. }
                | T::AgeBandTiling { at, .. }
                | T::MissingPopulation { at, .. }
                | T::Coordinates { at, .. }
                | T::Design { at, .. },
            )
            | Self::Area(
                A::BadCode { at, .. }
                | A::OutsideParent { at, .. }
                | A::UnknownParent { at, .. }
                | A::WrongParentLevel { at, .. }
                | A::DuplicateCode { at, .. }
                | A::Cycle { at, .. }
                | A::RootCount { at, .. }
                | A::MixedVintages { at, .. },
            )
            | Self::Geometry(
                G::Format { at, .. }
                | G::UnsupportedCrs { at, .. }
                | G::UndetectedCrs { at, .. }
                | G::MissingCode { at, .. }
                | G::UnknownArea { at, .. }
                | G::DuplicateArea { at, .. }
                | G::MissingGeometry { at, .. }
                | G::InvalidGeometry { at, .. },
            )
            | Self::Catalogue(
                C::Parse { at, .. } | C::Indicator { at, .. } | C::Duplicate { at, .. },
            )
            | Self::Custom(
                U::Format { at, .. }
                | U::Definition { at, .. }
                | U::UnknownMember { at, .. }
                | U::WrongMemberLevel { at, .. }
                | U::Duplicate { at, .. },
            ) => at,
        }
    }
}

/// Failure to load a region (defined beside [`crate::Region::load`]).
pub use crate::region::LoadError;

/// Failure to write the demo data set.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// Writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Encoding a Parquet file failed.
    #[error("{}: {message}", path.display())]
    Encode { path: PathBuf, message: String },
}

/// Failure to build or write profiles.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// A table of the region could not be read as the contract promises (a bug if it
    /// passed validation).
    #[error("table `{table}`: {message}")]
    Table {
        table: &'static str,
        message: String,
    },
    /// The standard population does not fit an indicator's age bands.
    #[error("indicator `{indicator}`: {source}")]
    Standard {
        indicator: String,
        #[source]
        source: crate::stats::StatsError,
    },
    /// A year asked for that no table holds.
    #[error("year {year} is in none of the tables (years with data: {available})")]
    Year { year: i32, available: String },
    /// A settings file or value that cannot be used.
    #[error("{file}: {message}")]
    Settings { file: String, message: String },
    /// Disclosure settings that cannot be used (an unknown source or indicator, or a
    /// loosening below the safe defaults without `allow_loosening`).
    #[error("{0}")]
    Disclosure(String),
    /// The linear-programming audit found withheld counts it could not protect (nothing
    /// left to withhold around them): the build publishes nothing.
    #[error(
        "disclosure control: {count} withheld counts stay less protected than the threat \
         model requires (docs/threat-model.md), so nothing is published; the first: {}",
        cells.join("; ")
    )]
    Unprotected { count: usize, cells: Vec<String> },
    /// A shard given as other than `I/N` with 1 ≤ I ≤ N.
    #[error("shard `{0}`: expected I/N with 1 ≤ I ≤ N, e.g. 2/8")]
    Shard(String),
    /// Merging shards whose parts are missing.
    #[error("{}: missing shard parts {missing:?} of {count}", dir.display())]
    MissingParts {
        dir: PathBuf,
        missing: Vec<usize>,
        count: usize,
    },
    /// Merging when the workers of more than one sharded run have finished beside the
    /// output folder.
    #[error("{}: the workers of {} sharded runs have finished beside it ({}): remove the folders of the runs not to publish, then merge again", dir.display(), runs.len(), runs.join(", "))]
    ShardRuns { dir: PathBuf, runs: Vec<String> },
    /// The output folder holds files that are not an earlier output set: a build replaces
    /// the whole folder, so it refuses one that holds anything else.
    #[error("{}: holds files that are not a wijkprofiel output set (no manifest.json or metadata.json); a build replaces the whole folder, so choose an empty or new one", path.display())]
    NotAnOutputSet { path: PathBuf },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Encoding or decoding an output table failed.
    #[error("{}: {message}", path.display())]
    Encode { path: PathBuf, message: String },
}
