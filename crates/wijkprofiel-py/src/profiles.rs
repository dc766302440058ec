//! Regions and profiles for Python: conversions and error mapping only; the engine is the
//! core's `wijkprofiel::profile`.

use crate::errors::Guarded;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use pyo3_polars::PyDataFrame;
use wijkprofiel::TableName;
use wijkprofiel::output::write::{self, Shard};
use wijkprofiel::profile::{ProfileBuilder, Profiles as CoreProfiles, Settings};
use wijkprofiel::progress::Silent;

use crate::errors::{area_not_found, load_error, profile_error, settings_error};

/// A validated region, ready to build profiles from.
///
/// Made by `wijkprofiel.load(path)` or `wijkprofiel.from_tables(tables, catalogue)`;
/// `build(...)` makes every profile (see `wijkprofiel.build`).
#[pyclass(module = "wijkprofiel._core", frozen)]
#[derive(Debug)]
pub(crate) struct Region {
    inner: Arc<wijkprofiel::Region>,
}

fn frame_error(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(format!("assembling a DataFrame: {e}"))
}

#[pymethods]
impl Region {
    /// Loads and validates a data folder.
    ///
    /// Parameters
    /// ----------
    /// path : str or PathLike, optional
    ///     The folder; the embedded demo region when None.
    ///
    /// Raises
    /// ------
    /// InvalidDataError
    ///     With `.report`, every problem found.
    /// DataFolderError
    ///     The folder or a file cannot be read.
    #[staticmethod]
    #[pyo3(signature = (path=None))]
    fn load(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Self> {
        let inputs = crate::inputs_from(py, path)?;
        let region = py
            .guarded(|| wijkprofiel::Region::from_inputs(&inputs))?
            .map_err(|e| load_error(py, e))?;
        Ok(Self {
            inner: Arc::new(region),
        })
    }

    /// Validates a region given as DataFrames.
    ///
    /// Parameters
    /// ----------
    /// tables : dict[str, polars.DataFrame]
    ///     By table name (`areas`, `population`, `gp_counts`, ...).
    /// catalogue : str
    ///     The text of `catalogue.toml`.
    /// geometry, dataset : str, optional
    ///     The texts of `geometry.geojson` and `dataset.toml`.
    ///
    /// Raises
    /// ------
    /// InvalidDataError
    ///     With the problems the command line's `validate` reports.
    #[staticmethod]
    #[pyo3(signature = (tables, catalogue, geometry=None, dataset=None))]
    fn from_tables(
        py: Python<'_>,
        tables: BTreeMap<String, PyDataFrame>,
        catalogue: String,
        geometry: Option<String>,
        dataset: Option<String>,
    ) -> PyResult<Self> {
        let inputs = crate::inputs_from_tables(tables, catalogue, geometry, dataset)?;
        let region = py
            .guarded(|| wijkprofiel::Region::from_inputs(&inputs))?
            .map_err(|e| load_error(py, e))?;
        Ok(Self {
            inner: Arc::new(region),
        })
    }

    /// The region with custom areas added (see `wijkprofiel.Region.with_custom_areas`).
    ///
    /// Parameters
    /// ----------
    /// areas : polars.DataFrame, list of dict, or str
    ///     One row per area: `id`, `name`, `kind` (`stadsdeel`, `social-team`,
    ///     `practice-catchment`, `other`) and either `members` (buurt or wijk codes) or
    ///     `geometry` (a GeoJSON Polygon or MultiPolygon, as text or dict, in the CRS of the
    ///     region's geometry); or the text of a `custom_areas.geojson` FeatureCollection.
    ///
    /// Raises
    /// ------
    /// InvalidDataError
    ///     Naming every area that cannot be made (row = its position, from 1).
    fn with_custom_areas(&self, py: Python<'_>, areas: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text: String = match areas.extract::<String>() {
            Ok(text) => text,
            Err(_) => py
                .import("wijkprofiel.profiles")?
                .getattr("_custom_areas_geojson")?
                .call1((areas,))?
                .extract()?,
        };
        let region = py
            .guarded(|| {
                self.inner
                    .with_custom_areas_geojson("custom areas", text.as_bytes())
            })?
            .map_err(|e| load_error(py, e))?;
        Ok(Self {
            inner: Arc::new(region),
        })
    }

    /// The custom areas, one row per area and buurt: `id`, `name`, `kind`, `within` (the
    /// gemeente or region it is compared with), `buurt`, `member` (whether the buurt counts)
    /// and `share` (of the buurt's area inside the area: below 1 only for buurten a drawn
    /// polygon cuts). The core's `Region::custom_areas_table`.
    fn custom_areas(&self) -> PyResult<PyDataFrame> {
        self.inner
            .custom_areas_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// What was loaded, as text.
    #[getter]
    fn summary(&self) -> String {
        self.inner.summary().to_string()
    }

    /// One of the region's tables, typed, as a DataFrame.
    ///
    /// Returns None for a table the region does not have or keeps as records (areas,
    /// practices, providers, projects); raises KeyError for an unknown name.
    fn table(&self, name: &str) -> PyResult<Option<PyDataFrame>> {
        let table: TableName = crate::table_name(name)?;
        Ok(self.inner.frame(table).map(PyDataFrame))
    }

    /// Builds every profile of the region; see `wijkprofiel.build` for the settings.
    ///
    /// Parameters
    /// ----------
    /// settings : dict, optional
    ///     The core's build settings by name (`years`, `standard_population`,
    ///     `national_benchmark`, `confidence`, `language`, `map_colours`, `disclosure`); None
    ///     or a missing key keeps the default.
    #[pyo3(signature = (settings=None))]
    fn build(&self, py: Python<'_>, settings: Option<&Bound<'_, PyDict>>) -> PyResult<Profiles> {
        let json: String = match settings {
            Some(settings) => {
                let dumps = py.import("json")?.getattr("dumps")?;
                let strict = PyDict::new(py);
                strict.set_item("allow_nan", false)?;
                // A value JSON cannot hold (an object, a NaN) is named by its key.
                for (key, value) in settings.iter() {
                    if let Err(e) = dumps.call((&value,), Some(&strict)) {
                        return Err(settings_error(
                            py,
                            format!("build settings: `{key}`: {}", e.value(py)),
                        ));
                    }
                }
                dumps.call((settings,), Some(&strict))?.extract()?
            }
            None => "{}".to_owned(),
        };
        let options =
            Settings::from_json(&json, "build settings").map_err(|e| profile_error(py, e))?;
        let builder = ProfileBuilder::from_options(options);
        let region = Arc::clone(&self.inner);
        let built = py
            .guarded(|| builder.build(&region))?
            .map_err(|e| profile_error(py, e))?;
        Ok(Profiles {
            inner: Arc::new(built),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Region({:?}, {} areas)",
            self.inner.dataset.name,
            self.inner.areas.iter().count()
        )
    }
}

/// Every profile of a region.
#[pyclass(module = "wijkprofiel._core", frozen)]
#[derive(Debug)]
pub(crate) struct Profiles {
    inner: Arc<CoreProfiles>,
}

#[pymethods]
impl Profiles {
    /// The long table: one row per area × indicator × year × mode.
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     The columns of `docs/outputs.md`; withheld counts are null and flagged in
    ///     `*_withheld` with their public rule family (`small-numbers`), as published.
    fn table(&self, py: Python<'_>) -> PyResult<PyDataFrame> {
        let n = self.inner.areas().count();
        py.guarded(|| self.inner.table(0..n))?
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// The disclosure audit for the data owner: every withheld count with its rule family
    /// and its full reason, never its value. The reasons tell small counts from others, so
    /// they are not for publication: the published audit (`suppression.csv`) leaves out
    /// `reason` and `rule` (as ``audit.drop("reason", "rule")``).
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     `count`, `indicator`, `area_code`, `year`, `mode`, `scope`, `family`, `reason`,
    ///     `rule`.
    fn withheld(&self) -> PyResult<PyDataFrame> {
        self.inner
            .withheld_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// The health monitor's long table: every area's design-based estimate per indicator
    /// made from respondents, round and group of respondents (all; by sex, by age group and
    /// by both, as the catalogue's `[survey] breakdowns` asks), as `monitor.parquet`.
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     `area_code`, `area_name`, `level`, `indicator`, `year`, `sex`, `age_group`,
    ///     `respondents`, `value`, the limits, `se`, `deff`, `effective_n`, `status`,
    ///     `status_reason`, `vs_parent`, `vs_region`, `previous_year`, `vs_previous`;
    ///     no rows without respondents.
    fn monitor(&self) -> PyResult<PyDataFrame> {
        self.inner
            .monitor_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// Priority themes of every area, most pressing first.
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     `area_code`, `level`, `rank`, `theme`, `label`, `worse`, `worse_indicators`,
    ///     `excess`, `indicators`.
    fn themes(&self) -> PyResult<PyDataFrame> {
        self.inner
            .themes_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// Spine-chart statistics per indicator, year, mode, level and region.
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     `indicator`, `year`, `mode`, `level`, `region_code`, `peers`, `worst`, `p25`,
    ///     `median`, `p75`, `best`, `region_value`, `national_value`.
    fn spine(&self) -> PyResult<PyDataFrame> {
        self.inner
            .spine_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// The social map of every area.
    ///
    /// Returns
    /// -------
    /// polars.DataFrame
    ///     `area_code`, `level`, `scope`, providers per role (`gp`, `district_nurse`, ...),
    ///     `triangle_complete`, `triangle_missing`, `wijken_with_triangle`, `wijken`,
    ///     `projects`.
    fn social_map(&self) -> PyResult<PyDataFrame> {
        self.inner
            .social_table()
            .map(PyDataFrame)
            .map_err(frame_error)
    }

    /// The codes of the areas with a profile, in input order.
    #[getter]
    fn areas(&self) -> Vec<String> {
        self.inner.areas().map(|a| a.code.clone()).collect()
    }

    /// What the build produced, as a dict (figures by status, withheld counts by reason).
    #[getter]
    fn summary(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let json = serde_json::to_string(self.inner.summary())
            .map_err(|e| settings_error(py, e.to_string()))?;
        Ok(py.import("json")?.call_method1("loads", (json,))?.unbind())
    }

    /// One area's profile.
    ///
    /// Raises
    /// ------
    /// AreaNotFoundError
    ///     For a code without a profile (unknown, or the country).
    fn area(&self, py: Python<'_>, code: &str) -> PyResult<AreaProfile> {
        if self.inner.document(code).is_none() {
            return Err(area_not_found(py, code));
        }
        Ok(AreaProfile {
            profiles: Arc::clone(&self.inner),
            code: code.to_owned(),
        })
    }

    /// The tabellenboek of a gemeente or the region: an Excel workbook (xlsx) with the GGD
    /// indicators as rows by theme and the area and its wijken (or gemeenten) as columns,
    /// a sheet per round and one of definitions, as `wijkprofiel build` writes it under
    /// `tabellenboek/`.
    ///
    /// Returns
    /// -------
    /// bytes or None
    ///     The workbook; None for an area of another level, or profiles without GGD
    ///     figures.
    ///
    /// Raises
    /// ------
    /// AreaNotFoundError
    ///     For a code without a profile.
    fn tabellenboek<'py>(
        &self,
        py: Python<'py>,
        code: &str,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        if self.inner.document(code).is_none() {
            return Err(area_not_found(py, code));
        }
        let profiles = Arc::clone(&self.inner);
        let book = py.guarded(move || profiles.tabellenboek(code).transpose())?;
        match book {
            Ok(book) => Ok(book.map(|b| PyBytes::new(py, &b))),
            Err(e) => Err(profile_error(py, e)),
        }
    }

    /// Writes the outputs of `wijkprofiel build` as `out`, whole or not at all: into a
    /// working folder beside it, ending with `manifest.json`, then swapped into place (an
    /// earlier set in `out` is replaced whole; a folder of other files is refused with a
    /// `DataFolderError`). With `shard="2/8"`, one worker's share, written into the folder
    /// the run's workers share beside `out` (`out` keeps its earlier set until `wijkprofiel
    /// merge` puts the whole new one in place). Returns the number of documents and table
    /// rows written.
    #[pyo3(signature = (out, shard=None))]
    fn write(&self, py: Python<'_>, out: PathBuf, shard: Option<&str>) -> PyResult<(usize, usize)> {
        let shard: Shard = match shard {
            Some(s) => s.parse().map_err(|e| profile_error(py, e))?,
            None => Shard::WHOLE,
        };
        let written = py
            .guarded(|| {
                if shard == Shard::WHOLE {
                    write::write_set(&self.inner, &out, &Silent)
                } else {
                    write::write_shard(&self.inner, &out, shard, &Silent)
                }
            })?
            .map_err(|e| profile_error(py, e))?;
        Ok((written.documents, written.rows))
    }

    fn __repr__(&self) -> String {
        let s = self.inner.summary();
        format!(
            "Profiles({} areas, {} figures: {} published, {} suppressed)",
            s.areas, s.figures, s.published, s.suppressed
        )
    }
}

/// One area's profile.
#[pyclass(module = "wijkprofiel._core", frozen)]
#[derive(Debug)]
pub(crate) struct AreaProfile {
    profiles: Arc<CoreProfiles>,
    code: String,
}

#[pymethods]
impl AreaProfile {
    /// The area code.
    #[getter]
    fn code(&self) -> &str {
        &self.code
    }

    /// The area's document as JSON (`docs/outputs.md`, schema version 1).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let document = self
            .profiles
            .document(&self.code)
            .ok_or_else(|| area_not_found(py, &self.code))?;
        serde_json::to_string(&document).map_err(|e| settings_error(py, e.to_string()))
    }

    /// The area's page: a self-contained HTML document (as `pages/<code>.html` of a build).
    fn to_html(&self, py: Python<'_>) -> PyResult<String> {
        self.profiles
            .page_html(&self.code)
            .ok_or_else(|| area_not_found(py, &self.code))
    }

    /// A compact card for Jupyter: the priority themes and a spine chart of the latest
    /// figures.
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        self.profiles
            .card_html(&self.code)
            .ok_or_else(|| area_not_found(py, &self.code))
    }

    fn __repr__(&self) -> String {
        format!("AreaProfile({:?})", self.code)
    }
}
