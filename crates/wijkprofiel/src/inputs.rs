//! Finding a region's input files: in a folder, in the embedded demo, or given in memory.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::error::{DataError, LoadError, Location, TableError};
use crate::progress::{Meter, Phase, Progress, Silent};
use crate::table::Table;

/// The tables of the data contract (see `docs/data-contract.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableName {
    Areas,
    Population,
    GpCounts,
    Practices,
    GgdEstimates,
    Benchmarks,
    BenchmarkRates,
    Providers,
    Projects,
    Respondents,
}

impl TableName {
    /// All tables.
    pub const ALL: [TableName; 10] = [
        Self::Areas,
        Self::Population,
        Self::GpCounts,
        Self::Practices,
        Self::GgdEstimates,
        Self::Benchmarks,
        Self::BenchmarkRates,
        Self::Providers,
        Self::Projects,
        Self::Respondents,
    ];

    /// File stem (`population` for `population.csv`).
    pub const fn stem(self) -> &'static str {
        match self {
            Self::Areas => "areas",
            Self::Population => "population",
            Self::GpCounts => "gp_counts",
            Self::Practices => "practices",
            Self::GgdEstimates => "ggd_estimates",
            Self::Benchmarks => "benchmarks",
            Self::BenchmarkRates => "benchmark_rates",
            Self::Providers => "providers",
            Self::Projects => "projects",
            Self::Respondents => "respondents",
        }
    }

    /// Whether every region must have this table.
    pub const fn required(self) -> bool {
        matches!(self, Self::Areas | Self::Population)
    }

    /// The table with this stem.
    pub fn from_stem(stem: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.stem() == stem)
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.stem())
    }
}

/// A text document (`catalogue.toml`, `dataset.toml`, `geometry.geojson`,
/// `custom_areas.geojson`).
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A region's inputs before validation.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Where the inputs came from, for the summary.
    pub origin: String,
    pub dataset: Option<Document>,
    pub catalogue: Option<Document>,
    pub geometry: Option<Document>,
    pub custom_areas: Option<Document>,
    pub tables: BTreeMap<TableName, Table>,
    /// Files that could not be read.
    pub read_problems: Vec<DataError>,
    /// A BLAKE3 hash over the files' names and contents ([`fingerprint`]), for
    /// an output set's manifest.
    pub fingerprint: String,
}

impl Inputs {
    /// Reads every known file of a data folder. Unreadable tables become problems of the
    /// validation report; only an unreadable folder is an error.
    ///
    /// # Errors
    ///
    /// [`LoadError::Io`] when the folder or one of its files cannot be read.
    pub fn from_dir(dir: &Path) -> Result<Self, LoadError> {
        Self::from_dir_with(dir, &Silent)
    }

    /// [`Inputs::from_dir`], reporting [`Phase::Reading`] in bytes (each file's once read
    /// and once parsed).
    ///
    /// # Errors
    ///
    /// As [`Inputs::from_dir`].
    pub fn from_dir_with(dir: &Path, progress: &dyn Progress) -> Result<Self, LoadError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LoadError::Io { path, source }
        };
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        names.sort();
        names.retain(|name| Self::is_input_name(name));
        let size = |name: &String| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
        let meter = Meter::start(
            progress,
            Phase::Reading,
            2 * names.iter().map(size).sum::<u64>(),
        );
        let mut files = Vec::with_capacity(names.len());
        let mut not_files = Vec::new();
        for name in names {
            let path = dir.join(&name);
            if path.is_file() {
                let bytes = std::fs::read(&path).map_err(io(&path))?;
                meter.add(bytes.len() as u64);
                files.push((name, bytes));
            } else {
                // A folder (or a link to nothing) by an input's name is no missing input.
                not_files.push(DataError::from(TableError::Unreadable {
                    at: Location::file(&name),
                    message: "it is a folder or a broken link, not a file".into(),
                }));
            }
        }
        let mut inputs = Self::parse(dir.display().to_string(), files, &meter);
        meter.finish();
        inputs.read_problems.extend(not_files);
        Ok(inputs)
    }

    fn is_input_name(name: &str) -> bool {
        matches!(
            name,
            "dataset.toml" | "catalogue.toml" | "geometry.geojson" | crate::custom::FILE
        ) || name.rsplit_once('.').is_some_and(|(stem, ext)| {
            matches!(ext, "csv" | "parquet") && TableName::from_stem(stem).is_some()
        })
    }

    /// Builds inputs from named files (as read from a folder or embedded).
    pub fn from_files(origin: String, files: Vec<(String, Vec<u8>)>) -> Self {
        Self::parse(origin, files, &Meter::silent(Phase::Reading))
    }

    /// [`Inputs::from_files`], counting each file's bytes on `meter` once parsed.
    fn parse(origin: String, files: Vec<(String, Vec<u8>)>, meter: &Meter<'_>) -> Self {
        let fingerprint = fingerprint(
            files
                .iter()
                .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        );
        let mut inputs = Self {
            origin,
            fingerprint,
            ..Self::default()
        };
        for (name, bytes) in files {
            let size = bytes.len() as u64;
            inputs.take(name, bytes);
            meter.add(size);
        }
        inputs
    }

    /// Takes in one named file: a document, or a table read (its problem noted otherwise).
    fn take(&mut self, name: String, bytes: Vec<u8>) {
        let document = || Document {
            name: name.clone(),
            bytes: bytes.clone(),
        };
        match name.as_str() {
            "dataset.toml" => self.dataset = Some(document()),
            "catalogue.toml" => self.catalogue = Some(document()),
            "geometry.geojson" => self.geometry = Some(document()),
            crate::custom::FILE => self.custom_areas = Some(document()),
            _ => {
                let Some((stem, ext)) = name.rsplit_once('.') else {
                    return;
                };
                let Some(table) = TableName::from_stem(stem) else {
                    return;
                };
                if self.tables.contains_key(&table) {
                    self.read_problems.push(
                        TableError::AmbiguousTable {
                            at: Location::file(&name),
                            table: stem.to_owned(),
                        }
                        .into(),
                    );
                    return;
                }
                let read = if ext == "csv" {
                    Table::from_csv(&name, bytes)
                } else {
                    Table::from_parquet(&name, bytes)
                };
                match read {
                    Ok(t) => {
                        self.tables.insert(table, t);
                    }
                    Err(e) => self.read_problems.push(e.into()),
                }
            }
        }
    }

    /// The demo region shipped inside the library (`data/demo`).
    #[cfg(feature = "embedded-demo")]
    pub fn demo() -> Self {
        let files = crate::demo::EMBEDDED
            .iter()
            .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
            .collect();
        Self::from_files("embedded demo (data/demo)".to_owned(), files)
    }
}

/// The fingerprint of input files: a BLAKE3 hash over their names and contents, in the
/// order given.
pub fn fingerprint<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut hasher = blake3::Hasher::new();
    for (name, bytes) in files {
        hasher.update(&(name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.finalize().to_hex().to_string()
}
