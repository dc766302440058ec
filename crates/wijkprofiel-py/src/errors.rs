//! Maps core errors to the Python exceptions of `wijkprofiel.exceptions`, where the
//! hierarchy is defined (each exception with its standard-library base).

use pyo3::prelude::*;
use pyo3::types::PyType;
use wijkprofiel::stats::StatsError;
use wijkprofiel::{DemoError, LoadError, ProfileError};

/// An exception of `wijkprofiel.exceptions` by name.
fn raise(py: Python<'_>, name: &str, message: String) -> PyErr {
    let kind = py
        .import("wijkprofiel.exceptions")
        .and_then(|m| m.getattr(name))
        .and_then(|t| t.cast_into::<PyType>().map_err(PyErr::from));
    match kind {
        Ok(kind) => PyErr::from_type(kind, message),
        Err(e) => e,
    }
}

/// Maps a core load error to its Python exception.
pub(crate) fn load_error(py: Python<'_>, error: LoadError) -> PyErr {
    match error {
        LoadError::Io { path, source } => raise(
            py,
            "DataFolderError",
            format!("{}: {source}", path.display()),
        ),
        LoadError::Invalid(report) => {
            let err = raise(py, "InvalidDataError", report.to_string());
            if let Ok(report) = Py::new(py, crate::ValidationReport::from(*report)) {
                let _ = err.value(py).setattr("report", report);
            }
            err
        }
        other => raise(py, "WijkprofielError", other.to_string()),
    }
}

/// Maps a demo-writing error.
pub(crate) fn demo_error(py: Python<'_>, error: DemoError) -> PyErr {
    let name = match error {
        DemoError::Io { .. } => "DataFolderError",
        _ => "WijkprofielError",
    };
    raise(py, name, error.to_string())
}

/// Maps a statistics input error.
pub(crate) fn stats_error(py: Python<'_>, error: StatsError) -> PyErr {
    raise(py, "StatsInputError", error.to_string())
}

/// Maps a profile error: settings (years, standard population, disclosure, shard) to
/// `SettingsError`, files to `DataFolderError`.
pub(crate) fn profile_error(py: Python<'_>, error: ProfileError) -> PyErr {
    let name = match &error {
        ProfileError::Io { .. }
        | ProfileError::MissingParts { .. }
        | ProfileError::ShardRuns { .. }
        | ProfileError::NotAnOutputSet { .. } => "DataFolderError",
        ProfileError::Standard { .. }
        | ProfileError::Year { .. }
        | ProfileError::Settings { .. }
        | ProfileError::Disclosure(_)
        | ProfileError::Shard(_) => "SettingsError",
        _ => "WijkprofielError",
    };
    raise(py, name, error.to_string())
}

/// A build setting that cannot be used.
pub(crate) fn settings_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, "SettingsError", message)
}

/// No profile for this area code.
pub(crate) fn area_not_found(py: Python<'_>, code: &str) -> PyErr {
    raise(
        py,
        "AreaNotFoundError",
        format!("no profile for area `{code}` (a code below the country, as in `areas`)"),
    )
}

/// Work done without the GIL, guarded: a panic in it (a bug: the core returns typed errors)
/// becomes a `WijkprofielError` naming it, instead of pyo3's `PanicException`, which
/// `except Exception` does not catch.
pub(crate) trait Guarded {
    fn guarded<T, F>(self, work: F) -> PyResult<T>
    where
        F: FnOnce() -> T + Send,
        T: Send;
}

impl Guarded for Python<'_> {
    fn guarded<T, F>(self, work: F) -> PyResult<T>
    where
        F: FnOnce() -> T + Send,
        T: Send,
    {
        self.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)))
            .map_err(|panic| {
                let said = wijkprofiel::panic_message(&*panic);
                raise(
                    self,
                    "WijkprofielError",
                    format!(
                        "internal error: {said}; this is a bug in wijkprofiel: please report it \
                         with the call and the input that caused it"
                    ),
                )
            })
    }
}
