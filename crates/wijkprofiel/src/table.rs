//! Tables as they arrive (CSV, Parquet or an in-memory DataFrame), and the typed reading of
//! their columns with a problem recorded for every cell that breaks the contract.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use polars::prelude::*;

use crate::error::{DataError, Location, TableError};

/// One input table before validation.
#[derive(Debug, Clone)]
pub struct Table {
    /// Name used in messages: the file name, or the table name for in-memory data.
    pub name: String,
    /// The cells; CSV columns arrive as text and are typed during validation.
    pub frame: DataFrame,
    /// For a text file: the line of the first data row.
    first_line: Option<usize>,
}

impl Table {
    /// Wraps an in-memory DataFrame (rows are numbered from 1).
    pub fn from_frame(name: impl Into<String>, frame: DataFrame) -> Self {
        Self {
            name: name.into(),
            frame,
            first_line: None,
        }
    }

    /// Reads CSV bytes: comma-separated, a header row, `#` comment lines allowed before it,
    /// every column read as text.
    ///
    /// # Errors
    ///
    /// [`TableError::Unreadable`] when the bytes are not CSV.
    pub fn from_csv(name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, TableError> {
        let name = name.into();
        let leading = bytes
            .split(|&b| b == b'\n')
            .take_while(|line| line.first() == Some(&b'#'))
            .count();
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .map_parse_options(|o| o.with_comment_prefix(Some("#")))
            .into_reader_with_file_handle(Cursor::new(bytes))
            .finish()
            .map_err(|e| TableError::Unreadable {
                at: Location::file(&name),
                message: e.to_string(),
            })?;
        Ok(Self {
            name,
            frame,
            first_line: Some(leading + 2),
        })
    }

    /// Reads Parquet bytes.
    ///
    /// # Errors
    ///
    /// [`TableError::Unreadable`] when the bytes are not Parquet.
    pub fn from_parquet(name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, TableError> {
        let name = name.into();
        let frame = ParquetReader::new(Cursor::new(bytes))
            .finish()
            .map_err(|e| TableError::Unreadable {
                at: Location::file(&name),
                message: e.to_string(),
            })?;
        Ok(Self::from_frame(name, frame))
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// Location of a cell, from its 0-based row index.
    pub fn at(&self, row: usize, column: &str) -> Location {
        Location {
            file: self.name.clone(),
            row: Some(row + 1),
            line: self.first_line.map(|first| first + row),
            column: Some(column.to_owned()),
        }
    }

    /// Location of a row as a whole.
    pub fn row(&self, row: usize) -> Location {
        Location {
            column: None,
            ..self.at(row, "")
        }
    }

    /// Location of the file as a whole.
    pub fn whole(&self) -> Location {
        Location::file(&self.name)
    }
}

/// Problems collected during validation, at most `cap` per file; the rest are counted.
#[derive(Debug)]
pub(crate) struct Problems {
    list: Vec<DataError>,
    per_file: HashMap<String, usize>,
    omitted: BTreeMap<String, usize>,
    cap: usize,
}

impl Problems {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            list: Vec::new(),
            per_file: HashMap::new(),
            omitted: BTreeMap::new(),
            cap,
        }
    }

    pub(crate) fn push(&mut self, problem: impl Into<DataError>) {
        let problem = problem.into();
        let file = &problem.location().file;
        let seen = self.per_file.entry(file.clone()).or_default();
        *seen += 1;
        if *seen > self.cap {
            *self.omitted.entry(file.clone()).or_default() += 1;
        } else {
            self.list.push(problem);
        }
    }

    /// Number of problems found, kept or not.
    pub(crate) fn count(&self) -> usize {
        self.per_file.values().sum()
    }

    pub(crate) fn into_parts(self) -> (Vec<DataError>, BTreeMap<String, usize>) {
        (self.list, self.omitted)
    }
}

/// A text column as a dictionary: the distinct values and, per row, an index into them.
/// Rows whose cell is missing hold `None` (a problem has been recorded if it was required).
#[derive(Debug, Clone)]
pub(crate) struct Coded {
    pub(crate) values: Vec<String>,
    pub(crate) rows: Vec<Option<u32>>,
}

impl Coded {
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        self.rows[row].map(|i| self.values[i as usize].as_str())
    }

    /// Checks each distinct value once with `check`, which returns the parsed value or the
    /// expectation it fails; returns the parsed value per distinct value.
    pub(crate) fn parse_each<T>(
        &self,
        table: &Table,
        column: &str,
        problems: &mut Problems,
        mut check: impl FnMut(&str) -> Result<T, String>,
    ) -> Vec<Option<T>> {
        let parsed: Vec<Result<T, String>> = self.values.iter().map(|v| check(v)).collect();
        for (row, id) in self.rows.iter().enumerate() {
            if let Some(Err(expected)) = id.map(|i| &parsed[i as usize]) {
                problems.push(TableError::BadValue {
                    at: table.at(row, column),
                    value: self.values[id.unwrap_or_default() as usize].clone(),
                    expected: expected.clone(),
                });
            }
        }
        parsed.into_iter().map(Result::ok).collect()
    }

    /// The parsed value of a row, given the output of [`Coded::parse_each`].
    pub(crate) fn parsed<'a, T>(&self, parsed: &'a [Option<T>], row: usize) -> Option<&'a T> {
        self.rows[row].and_then(|i| parsed[i as usize].as_ref())
    }
}

/// Typed access to a table's columns; every broken cell becomes a problem.
pub(crate) struct Reader<'a> {
    pub(crate) table: &'a Table,
    pub(crate) problems: &'a mut Problems,
    /// Whether all required columns were present.
    pub(crate) complete: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(table: &'a Table, problems: &'a mut Problems) -> Self {
        Self {
            table,
            problems,
            complete: true,
        }
    }

    fn column(&mut self, name: &str, required: bool) -> Option<&'a Column> {
        match self.table.frame.column(name) {
            Ok(column) => Some(column),
            Err(_) => {
                if required {
                    self.complete = false;
                    self.problems.push(TableError::MissingColumn {
                        at: self.table.whole().column(name),
                    });
                }
                None
            }
        }
    }

    fn missing(&mut self, row: usize, name: &str) {
        self.problems.push(TableError::MissingValue {
            at: self.table.at(row, name),
        });
    }

    /// A text column, dictionary-coded. Values are trimmed.
    pub(crate) fn text(&mut self, name: &str, required: bool) -> Option<Coded> {
        let column = self.column(name, required)?;
        let series = match column.dtype() {
            DataType::String => column.as_materialized_series().clone(),
            dtype if dtype.is_primitive_numeric() || dtype.is_categorical() => {
                match column.cast(&DataType::String) {
                    Ok(c) => c.as_materialized_series().clone(),
                    Err(_) => return self.type_error(name, column, "text"),
                }
            }
            _ => return self.type_error(name, column, "text"),
        };
        let strings = series.str().ok()?;
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut values = Vec::new();
        let mut rows = Vec::with_capacity(strings.len());
        for (row, cell) in strings.iter().enumerate() {
            match cell.map(str::trim).filter(|s| !s.is_empty()) {
                Some(value) => {
                    let next = u32::try_from(values.len()).unwrap_or(u32::MAX);
                    let id = *index.entry(value).or_insert_with(|| {
                        values.push(value.to_owned());
                        next
                    });
                    rows.push(Some(id));
                }
                None => {
                    if required {
                        self.missing(row, name);
                    }
                    rows.push(None);
                }
            }
        }
        Some(Coded { values, rows })
    }

    fn type_error<T>(&mut self, name: &str, column: &Column, expected: &'static str) -> Option<T> {
        self.complete = false;
        self.problems.push(TableError::ColumnType {
            at: self.table.whole().column(name),
            found: column.dtype().to_string(),
            expected,
        });
        None
    }

    /// A whole-number column within `range`.
    pub(crate) fn integer(
        &mut self,
        name: &str,
        required: bool,
        range: std::ops::RangeInclusive<i64>,
        expected: &str,
    ) -> Option<Vec<Option<i64>>> {
        let column = self.column(name, required)?;
        let dtype = column.dtype().clone();
        let series = column.as_materialized_series();
        let cells: Vec<(Option<i64>, Option<String>)> = if dtype == DataType::String {
            let strings = series.str().ok()?;
            strings
                .iter()
                .map(|cell| match cell.map(str::trim).filter(|s| !s.is_empty()) {
                    None => (None, None),
                    Some(text) => (text.parse::<i64>().ok(), Some(text.to_owned())),
                })
                .collect()
        } else if dtype.is_primitive_numeric() {
            let floats = series.cast(&DataType::Float64).ok()?;
            floats
                .f64()
                .ok()?
                .iter()
                .map(|cell| match cell {
                    None => (None, None),
                    Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => {
                        #[allow(clippy::cast_possible_truncation)]
                        let whole = v as i64;
                        (Some(whole), Some(v.to_string()))
                    }
                    Some(v) => (None, Some(v.to_string())),
                })
                .collect()
        } else {
            return self.type_error(name, column, "whole numbers");
        };
        let mut out = Vec::with_capacity(cells.len());
        for (row, (value, text)) in cells.into_iter().enumerate() {
            match (value, text) {
                (None, None) => {
                    if required {
                        self.missing(row, name);
                    }
                    out.push(None);
                }
                (Some(v), _) if range.contains(&v) => out.push(Some(v)),
                (_, text) => {
                    self.problems.push(TableError::BadValue {
                        at: self.table.at(row, name),
                        value: text.unwrap_or_default(),
                        expected: expected.to_owned(),
                    });
                    out.push(None);
                }
            }
        }
        Some(out)
    }

    /// A finite decimal-number column. A decimal comma gets its own hint.
    pub(crate) fn number(&mut self, name: &str, required: bool) -> Option<Vec<Option<f64>>> {
        let column = self.column(name, required)?;
        let dtype = column.dtype().clone();
        let series = column.as_materialized_series();
        let cells: Vec<(Option<f64>, Option<String>)> = if dtype == DataType::String {
            series
                .str()
                .ok()?
                .iter()
                .map(|cell| match cell.map(str::trim).filter(|s| !s.is_empty()) {
                    None => (None, None),
                    Some(text) => (
                        text.parse::<f64>().ok().filter(|v| v.is_finite()),
                        Some(text.to_owned()),
                    ),
                })
                .collect()
        } else if dtype.is_primitive_numeric() {
            let floats = series.cast(&DataType::Float64).ok()?;
            floats
                .f64()
                .ok()?
                .iter()
                .map(|cell| match cell {
                    None => (None, None),
                    Some(v) => (Some(v).filter(|v| v.is_finite()), Some(v.to_string())),
                })
                .collect()
        } else {
            return self.type_error(name, column, "numbers");
        };
        let mut out = Vec::with_capacity(cells.len());
        for (row, (value, text)) in cells.into_iter().enumerate() {
            match (value, text) {
                (None, None) => {
                    if required {
                        self.missing(row, name);
                    }
                    out.push(None);
                }
                (Some(v), _) => out.push(Some(v)),
                (None, Some(text)) => {
                    let expected = if text.contains(',') {
                        "a number (use a decimal point, not a comma)"
                    } else {
                        "a finite number"
                    };
                    self.problems.push(TableError::BadValue {
                        at: self.table.at(row, name),
                        value: text,
                        expected: expected.to_owned(),
                    });
                    out.push(None);
                }
            }
        }
        Some(out)
    }
}

/// Finds rows whose key repeats an earlier row's and records them as problems.
pub(crate) fn check_unique<K: std::hash::Hash + Eq>(
    table: &Table,
    problems: &mut Problems,
    keys: impl Iterator<Item = Option<K>>,
    describe: impl Fn(usize) -> String,
) {
    let mut first: HashMap<K, usize> = HashMap::new();
    for (row, key) in keys.enumerate() {
        let Some(key) = key else { continue };
        if let Some(&earlier) = first.get(&key) {
            problems.push(TableError::DuplicateKey {
                at: table.row(row),
                key: describe(row),
                first_row: earlier + 1,
            });
        } else {
            first.insert(key, row);
        }
    }
}
