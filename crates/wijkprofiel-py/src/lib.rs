//! Python binding of wijkprofiel: conversions, error mapping and `#[pyfunction]`s only.
//! Every rule lives in the core crate.

mod errors;
mod expressions;
mod profiles;
mod stats;

use crate::errors::Guarded;
use std::collections::BTreeMap;
use std::path::PathBuf;

use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3_polars::PyDataFrame;
use wijkprofiel::demo::{DemoOptions, Scale};
use wijkprofiel::inputs::Document;
use wijkprofiel::{DataError, Inputs, Region, Table, TableName};

/// One problem found in the data, with where it is.
#[pyclass(module = "wijkprofiel._core", frozen, get_all, skip_from_py_object)]
#[derive(Debug, Clone)]
struct Problem {
    /// The domain of the problem: `table`, `area`, `geometry` or `catalogue`.
    kind: String,
    /// The full message, naming file, row, column, area or indicator.
    message: String,
    file: String,
    row: Option<usize>,
    line: Option<usize>,
    column: Option<String>,
}

#[pymethods]
impl Problem {
    fn __repr__(&self) -> String {
        format!("Problem({:?})", self.message)
    }

    fn __str__(&self) -> String {
        self.message.clone()
    }
}

impl From<&DataError> for Problem {
    fn from(e: &DataError) -> Self {
        let kind = match e {
            DataError::Table(_) => "table",
            DataError::Area(_) => "area",
            DataError::Geometry(_) => "geometry",
            DataError::Catalogue(_) => "catalogue",
            _ => "other",
        };
        let at = e.location();
        Self {
            kind: kind.to_owned(),
            message: e.to_string(),
            file: at.file.clone(),
            row: at.row,
            line: at.line,
            column: at.column.clone(),
        }
    }
}

/// The outcome of validating a region's data.
#[pyclass(module = "wijkprofiel._core", frozen)]
#[derive(Debug)]
pub(crate) struct ValidationReport {
    inner: wijkprofiel::ValidationReport,
}

impl From<wijkprofiel::ValidationReport> for ValidationReport {
    fn from(inner: wijkprofiel::ValidationReport) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl ValidationReport {
    /// Whether no problem was found.
    #[getter]
    fn is_valid(&self) -> bool {
        self.inner.is_valid()
    }

    /// Problems found (at most 50 per file; see `problem_count`).
    #[getter]
    fn problems(&self) -> Vec<Problem> {
        self.inner.problems.iter().map(Problem::from).collect()
    }

    /// Number of problems found, including those beyond the per-file cap.
    #[getter]
    fn problem_count(&self) -> usize {
        self.inner.problem_count()
    }

    /// What was loaded, as text; `None` when the data are invalid.
    #[getter]
    fn summary(&self) -> Option<String> {
        self.inner.summary.as_ref().map(ToString::to_string)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "ValidationReport(is_valid={}, problems={})",
            if self.inner.is_valid() {
                "True"
            } else {
                "False"
            },
            self.inner.problem_count()
        )
    }
}

pub(crate) fn inputs_from(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Inputs> {
    match path {
        None => Ok(Inputs::demo()),
        Some(dir) => py
            .guarded(|| Inputs::from_dir(&dir))?
            .map_err(|e| errors::load_error(py, e)),
    }
}

/// Validates a data folder (the embedded demo when `path` is None).
#[pyfunction]
#[pyo3(signature = (path=None))]
fn validate(py: Python<'_>, path: Option<PathBuf>) -> PyResult<ValidationReport> {
    let inputs = inputs_from(py, path)?;
    Ok(py.guarded(|| wijkprofiel::validate(&inputs))?.into())
}

fn document(name: &str, text: Option<String>) -> Option<Document> {
    text.map(|t| Document {
        name: name.to_owned(),
        bytes: t.into_bytes(),
    })
}

/// Inputs from DataFrames keyed by table name and the texts of the other files.
pub(crate) fn inputs_from_tables(
    tables: BTreeMap<String, PyDataFrame>,
    catalogue: String,
    geometry: Option<String>,
    dataset: Option<String>,
) -> PyResult<Inputs> {
    let mut inputs = Inputs {
        origin: "in-memory tables".to_owned(),
        catalogue: document("catalogue.toml", Some(catalogue)),
        geometry: document("geometry.geojson", geometry),
        dataset: document("dataset.toml", dataset),
        ..Inputs::default()
    };
    for (name, frame) in tables {
        let table = table_name(&name)?;
        inputs
            .tables
            .insert(table, Table::from_frame(name, frame.into()));
    }
    Ok(inputs)
}

/// Validates tables given as polars DataFrames, keyed by table name.
#[pyfunction]
#[pyo3(signature = (tables, catalogue, geometry=None, dataset=None))]
fn validate_tables(
    py: Python<'_>,
    tables: BTreeMap<String, PyDataFrame>,
    catalogue: String,
    geometry: Option<String>,
    dataset: Option<String>,
) -> PyResult<ValidationReport> {
    let inputs = inputs_from_tables(tables, catalogue, geometry, dataset)?;
    Ok(py.guarded(|| wijkprofiel::validate(&inputs))?.into())
}

/// A table name, or a `KeyError` listing the known ones.
pub(crate) fn table_name(name: &str) -> PyResult<TableName> {
    TableName::from_stem(name).ok_or_else(|| {
        let known: Vec<&str> = TableName::ALL.iter().map(|t| t.stem()).collect();
        PyKeyError::new_err(format!(
            "unknown table `{name}`; known: {}",
            known.join(", ")
        ))
    })
}

/// Loads and validates a region and returns one of its tables, typed, as a DataFrame.
#[pyfunction]
#[pyo3(signature = (table, path=None))]
fn load_table(py: Python<'_>, table: &str, path: Option<PathBuf>) -> PyResult<PyDataFrame> {
    let name = table_name(table)?;
    let inputs = inputs_from(py, path)?;
    let region = py
        .guarded(|| Region::from_inputs(&inputs))?
        .map_err(|e| errors::load_error(py, e))?;
    region.frame(name).map(PyDataFrame).ok_or_else(|| {
        PyKeyError::new_err(format!(
            "`{table}` is not a table of this region held as a DataFrame \
             (population, gp_counts, ggd_estimates, respondents, benchmarks, benchmark_rates)"
        ))
    })
}

/// Writes the synthetic demo region (same seed, same bytes).
#[pyfunction]
#[pyo3(signature = (out, seed=wijkprofiel::demo::DEMO_SEED))]
fn write_demo_data(py: Python<'_>, out: PathBuf, seed: u64) -> PyResult<Vec<String>> {
    py.guarded(|| {
        wijkprofiel::demo::write(
            &out,
            &DemoOptions {
                seed,
                scale: Scale::Demo,
            },
        )
    })?
    .map_err(|e| errors::demo_error(py, e))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Problem>()?;
    m.add_class::<ValidationReport>()?;
    m.add_class::<profiles::Region>()?;
    m.add_class::<profiles::Profiles>()?;
    m.add_class::<profiles::AreaProfile>()?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate_tables, m)?)?;
    m.add_function(wrap_pyfunction!(load_table, m)?)?;
    m.add_function(wrap_pyfunction!(write_demo_data, m)?)?;
    stats::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
