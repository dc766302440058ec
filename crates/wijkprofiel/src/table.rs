//! Tables as they arrive (CSV, Parquet or an in-memory DataFrame), and the typed reading of
//! their columns with a problem recorded for every cell that breaks the contract.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::sync::Arc;

use polars::prelude::*;
use rayon::slice::ParallelSliceMut;

use crate::error::{DataError, Location, TableError};

mod syntax;

/// One input table before validation.
#[derive(Debug, Clone)]
pub struct Table {
    /// Name used in messages: the file name, or the table name for in-memory data.
    pub name: String,
    data: Data,
    /// For a text file: the line of the first data row.
    first_line: Option<usize>,
    /// For a batch of a larger table: the position of its first row in the table.
    offset: usize,
    /// Columns of a type the readers cannot decode (name, type), left out of the frame.
    undecodable: Arc<[(String, String)]>,
}

/// The cells of a table: in memory, or Parquet bytes decoded a batch at a time.
#[derive(Debug, Clone)]
enum Data {
    /// CSV columns arrive as text and are typed during validation.
    Frame(DataFrame),
    Parquet {
        bytes: polars_buffer::Buffer<u8>,
        metadata: FileMetadataRef,
    },
}

/// Rows per batch when a large table is validated a batch at a time.
pub(crate) const BATCH_ROWS: usize = 1 << 18;

impl Table {
    /// Wraps an in-memory DataFrame (rows are numbered from 1).
    pub fn from_frame(name: impl Into<String>, frame: DataFrame) -> Self {
        Self {
            name: name.into(),
            data: Data::Frame(frame),
            first_line: None,
            offset: 0,
            undecodable: Arc::new([]),
        }
    }

    /// Reads CSV bytes: comma-separated, a header row, `#` comment lines allowed before it,
    /// every column read as text.
    ///
    /// # Errors
    ///
    /// [`TableError::Unreadable`] when the bytes are not CSV; [`TableError::DuplicateColumn`]
    /// when two columns of the header have one name.
    pub fn from_csv(name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, TableError> {
        let name = name.into();
        let leading = bytes
            .split(|&b| b == b'\n')
            .take_while(|line| line.first() == Some(&b'#'))
            .count();
        // The reader's messages give byte offsets or paste much of the file: say the line.
        let unreadable = |e: PolarsError| match syntax::diagnose(&bytes) {
            Some((line, message)) => TableError::Unreadable {
                at: Location {
                    line: Some(line),
                    ..Location::file(&name)
                },
                message,
            },
            None => TableError::Unreadable {
                at: Location::file(&name),
                message: e.to_string().chars().take(300).collect(),
            },
        };
        let options = || {
            CsvReadOptions::default()
                .with_infer_schema_length(Some(0))
                .map_parse_options(|o| o.with_comment_prefix(Some("#")))
        };
        // The header as written (the reader renames a repeated name).
        let header = options()
            .with_has_header(false)
            .with_n_rows(Some(1))
            .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
            .finish()
            .map_err(unreadable)?;
        let mut seen = std::collections::HashSet::new();
        for column in header.columns() {
            if let Ok(Some(cell)) = column.str().map(|c| c.get(0))
                && !seen.insert(cell.trim())
            {
                return Err(TableError::DuplicateColumn {
                    at: Location::file(&name).column(cell.trim()),
                });
            }
        }
        let frame = options()
            .with_has_header(true)
            .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
            .finish()
            .map_err(unreadable)?;
        Ok(Self {
            first_line: Some(leading + 2),
            ..Self::from_frame(name, frame)
        })
    }

    /// Takes Parquet bytes: the file's metadata is read now, its rows when validated (a
    /// batch at a time for a large table, so that its text columns are never all in memory).
    ///
    /// # Errors
    ///
    /// [`TableError::Unreadable`] when the bytes are not Parquet.
    pub fn from_parquet(name: impl Into<String>, bytes: Vec<u8>) -> Result<Self, TableError> {
        let name = name.into();
        let unreadable = |e: PolarsError| TableError::Unreadable {
            at: Location::file(&name),
            message: e.to_string(),
        };
        let (metadata, schema) = guarded(|| {
            let mut reader = ParquetReader::new(Cursor::new(bytes.as_slice()));
            let metadata = reader.get_metadata().cloned()?;
            Ok((metadata, reader.schema()?))
        })
        .map_err(unreadable)?;
        let bytes = polars_buffer::Buffer::from(bytes);
        pages_fit(&bytes, &metadata).map_err(|message| TableError::Unreadable {
            at: Location::file(&name),
            message: format!("the Parquet file is corrupt ({message})"),
        })?;
        let mut seen = std::collections::HashSet::new();
        let mut undecodable = Vec::new();
        for field in schema.iter_values() {
            if !seen.insert(field.name.as_str()) {
                return Err(TableError::DuplicateColumn {
                    at: Location::file(&name).column(field.name.as_str()),
                });
            }
            if !decodes(&field.dtype) {
                undecodable.push((field.name.to_string(), type_name(&field.dtype)));
            }
        }
        Ok(Self {
            name,
            data: Data::Parquet { bytes, metadata },
            first_line: None,
            offset: 0,
            undecodable: undecodable.into(),
        })
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        match &self.data {
            Data::Frame(frame) => frame.height(),
            Data::Parquet { metadata, .. } => metadata.num_rows,
        }
    }

    /// The table's columns, all rows at once (for the tables that are validated whole).
    ///
    /// # Errors
    ///
    /// [`TableError::Unreadable`] when Parquet data cannot be decoded.
    pub(crate) fn decoded(&self) -> Result<Table, TableError> {
        match &self.data {
            Data::Frame(_) => Ok(self.clone()),
            Data::Parquet { .. } => self.rows(0, self.height()),
        }
    }

    /// The table in batches of about `rows` rows (whole row groups for Parquet), each
    /// numbering its rows from its place in the table.
    pub(crate) fn batches(
        &self,
        rows: usize,
    ) -> impl Iterator<Item = Result<Table, TableError>> + '_ {
        let mut starts = vec![0];
        match &self.data {
            Data::Frame(frame) => {
                starts.extend((rows..frame.height()).step_by(rows.max(1)));
            }
            Data::Parquet { metadata, .. } => {
                let mut at = 0;
                for group in &metadata.row_groups {
                    at += group.num_rows();
                    if at - starts.last().copied().unwrap_or(0) >= rows && at < self.height() {
                        starts.push(at);
                    }
                }
            }
        }
        starts.push(self.height());
        (0..starts.len() - 1).map(move |i| self.rows(starts[i], starts[i + 1] - starts[i]))
    }

    /// `len` rows from `offset`, as a table of their own that names rows as this one does.
    fn rows(&self, offset: usize, len: usize) -> Result<Table, TableError> {
        let frame = match &self.data {
            Data::Frame(frame) => frame.slice(i64::try_from(offset).unwrap_or(i64::MAX), len),
            Data::Parquet { bytes, metadata } => {
                let mut reader = ParquetReader::new(Cursor::new(&bytes[..]));
                reader.set_metadata(metadata.clone());
                let decoded = (!self.undecodable.is_empty())
                    .then(|| {
                        let schema = reader.schema().ok()?;
                        let names = schema.iter_values().map(|f| f.name.as_str());
                        Some(
                            names
                                .enumerate()
                                .filter(|(_, n)| self.undecodable.iter().all(|(u, _)| u != n))
                                .map(|(i, _)| i)
                                .collect(),
                        )
                    })
                    .flatten();
                guarded(|| {
                    let frame = reader
                        .with_projection(decoded)
                        .with_slice(Some((offset, len)))
                        .finish()?;
                    // A corrupt page can decode to a column shorter than its row group.
                    let expected = len.min(self.height().saturating_sub(offset));
                    if frame.height() != expected
                        || frame.columns().iter().any(|c| c.len() != expected)
                    {
                        polars_bail!(ComputeError:
                            "the Parquet file is corrupt (its columns hold different numbers of rows)");
                    }
                    Ok(frame)
                })
                .map_err(|e| TableError::Unreadable {
                    at: self.whole(),
                    message: e.to_string(),
                })?
            }
        };
        Ok(Table {
            name: self.name.clone(),
            data: Data::Frame(frame),
            first_line: self.first_line,
            offset: self.offset + offset,
            undecodable: self.undecodable.clone(),
        })
    }

    /// Whether the table has a column by this name (readable or not).
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.frame().is_some_and(|f| f.column(name).is_ok())
            || self.undecodable.iter().any(|(n, _)| n == name)
    }

    /// The decoded columns (empty for Parquet data not yet decoded: see [`Table::decoded`]).
    pub(crate) fn frame(&self) -> Option<&DataFrame> {
        match &self.data {
            Data::Frame(frame) => Some(frame),
            Data::Parquet { .. } => None,
        }
    }

    /// Location of a cell, from its 0-based row index.
    pub fn at(&self, row: usize, column: &str) -> Location {
        let row = self.offset + row;
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

/// What a text of the inputs must be: [`hidden_character`] finds none in it.
pub(crate) const PLAIN_TEXT: &str = "text without control characters (such as NUL, a tab or a \
                                     line break) or bidirectional formatting characters (such as \
                                     a right-to-left override)";

/// The first character of `text` a reader would not see, or would see elsewhere than where
/// it is: a control character (NUL, a tab, a line break) or a bidirectional formatting
/// character (U+202E reverses what follows on a page).
pub(crate) fn hidden_character(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// What is wrong with a text of the inputs named `what` (`label_nl`, `the name`), if it
/// holds a [`hidden_character`]: `label_nl holds \u{202e}: write text without …`.
pub(crate) fn hidden_in(what: &str, text: &str) -> Option<String> {
    hidden_character(text)
        .map(|c| format!("{what} holds {}: write {PLAIN_TEXT}", c.escape_unicode()))
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

    /// Adds the problems another collection found (kept or counted), after this one's.
    pub(crate) fn absorb(&mut self, other: Problems) {
        for problem in other.list {
            self.push(problem);
        }
        for (file, n) in other.omitted {
            *self.per_file.entry(file.clone()).or_default() += n;
            *self.omitted.entry(file).or_default() += n;
        }
    }

    pub(crate) fn into_parts(self) -> (Vec<DataError>, BTreeMap<String, usize>) {
        (self.list, self.omitted)
    }
}

/// Marks a missing cell in [`Coded::rows`].
pub(crate) const MISSING: u32 = u32::MAX;

/// Distinct cells [`Reader::code`] remembers: more than a cycle of the GP indicators or the
/// age bands, so that a column cycling through them needs no hashing.
const RECENT: usize = 32;

/// The distinct values of a text column, each with its index (in order of appearance).
#[derive(Debug, Clone, Default)]
pub(crate) struct Dictionary {
    pub(crate) values: Vec<String>,
    index: PlHashMap<String, u32>,
}

impl Dictionary {
    /// The index of a value, added if new.
    pub(crate) fn id(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.index.get(value) {
            return id;
        }
        let id = u32::try_from(self.values.len()).unwrap_or(MISSING - 1);
        self.values.push(value.to_owned());
        self.index.insert(value.to_owned(), id);
        id
    }
}

/// A text column as a dictionary: the distinct (trimmed) values and, per row, an index into
/// them (4 bytes a row). Missing cells have no index; a problem has been recorded if the
/// column is required.
#[derive(Debug, Clone)]
pub(crate) struct Coded {
    pub(crate) values: Vec<String>,
    rows: Vec<u32>,
    /// The input column, kept when its cells need no trimming, to be passed on unchanged.
    source: Option<Column>,
}

impl Coded {
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The dictionary index of a row.
    pub(crate) fn id(&self, row: usize) -> Option<u32> {
        Some(self.rows[row]).filter(|&id| id != MISSING)
    }

    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        self.id(row).map(|i| self.values[i as usize].as_str())
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
        if parsed.iter().any(Result::is_err) {
            for row in 0..self.len() {
                if let Some(id) = self.id(row)
                    && let Err(expected) = &parsed[id as usize]
                {
                    problems.push(TableError::BadValue {
                        at: table.at(row, column),
                        value: self.values[id as usize].clone(),
                        expected: expected.clone(),
                    });
                }
            }
        }
        parsed.into_iter().map(Result::ok).collect()
    }

    /// The parsed value of a row, given the output of [`Coded::parse_each`].
    pub(crate) fn parsed<'a, T>(&self, parsed: &'a [Option<T>], row: usize) -> Option<&'a T> {
        self.id(row).and_then(|i| parsed[i as usize].as_ref())
    }

    /// The column for the validated table: the input column itself when its cells were
    /// already clean and equal to `canonical` (the parsed form, such as `0-4` for ` 00-4`),
    /// otherwise a new text column of canonical values.
    pub(crate) fn column(&self, name: &str, canonical: Option<&[Option<String>]>) -> Column {
        let unchanged = canonical.is_none_or(|c| {
            c.iter()
                .zip(&self.values)
                .all(|(c, v)| c.as_deref().is_none_or(|c| c == v))
        });
        if let (true, Some(source)) = (unchanged, &self.source) {
            return source.clone().with_name(name.into());
        }
        let values: Vec<&str> = match canonical {
            Some(c) => c
                .iter()
                .zip(&self.values)
                .map(|(c, v)| c.as_deref().unwrap_or(v))
                .collect(),
            None => self.values.iter().map(String::as_str).collect(),
        };
        let cells = StringChunked::from_iter_options(
            name.into(),
            self.rows
                .iter()
                .map(|&id| (id != MISSING).then(|| values[id as usize])),
        );
        cells.into_column()
    }
}

/// Typed access to a table's columns; every broken cell becomes a problem.
pub(crate) struct Reader<'a> {
    pub(crate) table: &'a Table,
    pub(crate) problems: &'a mut Problems,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(table: &'a Table, problems: &'a mut Problems) -> Self {
        Self { table, problems }
    }

    /// A column, or a problem: a required column that is absent, or any column read of a
    /// type the readers cannot decode (`expected` says what it should hold).
    fn column(&mut self, name: &str, required: bool, expected: &'static str) -> Option<&'a Column> {
        match self.table.frame().and_then(|f| f.column(name).ok()) {
            Some(column) => Some(column),
            None => {
                if let Some((_, found)) = self.table.undecodable.iter().find(|(n, _)| n == name) {
                    self.problems.push(TableError::ColumnType {
                        at: self.table.whole().column(name),
                        found: found.clone(),
                        expected,
                    });
                } else if required {
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

    fn type_error<T>(&mut self, name: &str, column: &Column, expected: &'static str) -> Option<T> {
        self.problems.push(TableError::ColumnType {
            at: self.table.whole().column(name),
            found: column.dtype().to_string(),
            expected,
        });
        None
    }

    /// A text column, dictionary-coded. Values are trimmed; numbers and categories are read
    /// as their text.
    pub(crate) fn text(&mut self, name: &str, required: bool) -> Option<Coded> {
        let mut dictionary = Dictionary::default();
        let (rows, clean) = self.code(name, required, &mut dictionary)?;
        let source = clean
            .then(|| self.column(name, false, "text"))
            .flatten()
            .cloned();
        Some(Coded {
            values: dictionary.values,
            rows,
            source,
        })
    }

    /// A text column coded into `dictionary` (which may hold values from earlier batches):
    /// per row an index into it, or [`MISSING`]; and whether every cell was text that needed
    /// no trimming.
    pub(crate) fn code(
        &mut self,
        name: &str,
        required: bool,
        dictionary: &mut Dictionary,
    ) -> Option<(Vec<u32>, bool)> {
        let column = self.column(name, required, "text")?;
        let is_text = column.dtype() == &DataType::String;
        let series = match column.dtype() {
            DataType::String => column.as_materialized_series().clone(),
            dtype if dtype.is_primitive_numeric() || dtype.is_categorical() || dtype.is_enum() => {
                match column.cast(&DataType::String) {
                    Ok(c) => c.as_materialized_series().clone(),
                    Err(_) => return self.type_error(name, column, "text"),
                }
            }
            _ => return self.type_error(name, column, "text"),
        };
        let strings = series.str().ok()?;
        let mut rows = Vec::with_capacity(strings.len());
        let mut clean = is_text;
        // A few recent distinct cells, checked before hashing from the last one found on:
        // codes come in runs (found first) and small categories (sex, indicator) cycle
        // (found next). Cells are compared by their 16-byte views: a short text lies in its
        // view whole, a long one is named by its buffer and place, which only identical
        // texts share within one array (so the cache starts afresh with every chunk).
        let (mut row, no_nulls) = (0, strings.null_count() == 0);
        for array in strings.downcast_iter() {
            let mut recent: [Option<(u128, u32)>; RECENT] = [None; RECENT];
            let (mut slot, mut hit) = (0, 0);
            let valid = |i: usize| no_nulls || array.get(i).is_some();
            for (i, view) in array.views().iter().enumerate() {
                let view = view.as_u128();
                if valid(i)
                    && let Some(k) = (0..recent.len())
                        .map(|k| (hit + k) % recent.len())
                        .find(|&k| recent[k].is_some_and(|(seen, _)| seen == view))
                {
                    hit = k;
                    rows.push(recent[k].map_or(MISSING, |(_, id)| id));
                    row += 1;
                    continue;
                }
                let cell = array.get(i);
                let trimmed = cell.map(str::trim).filter(|s| !s.is_empty());
                clean &= trimmed == cell;
                match trimmed {
                    Some(value) => {
                        let known = dictionary.values.len();
                        let id = dictionary.id(value);
                        // Each distinct text once: control characters (NUL, line breaks)
                        // would pass into pages, CSV cells and file names.
                        if dictionary.values.len() > known && hidden_character(value).is_some() {
                            self.problems.push(TableError::BadValue {
                                at: self.table.at(row, name),
                                value: value.escape_debug().to_string(),
                                expected: PLAIN_TEXT.to_owned(),
                            });
                        }
                        rows.push(id);
                        recent[slot] = Some((view, id));
                        slot = (slot + 1) % recent.len();
                    }
                    None => {
                        if required {
                            self.missing(row, name);
                        }
                        rows.push(MISSING);
                    }
                }
                row += 1;
            }
        }
        Some((rows, clean))
    }

    /// A whole-number column within `range`, as one contiguous `Int64` array.
    pub(crate) fn integer(
        &mut self,
        name: &str,
        required: bool,
        range: std::ops::RangeInclusive<i64>,
        expected: &str,
    ) -> Option<Int64Chunked> {
        let column = self.column(name, required, "whole numbers")?;
        let dtype = column.dtype().clone();
        let series = column.as_materialized_series();
        let reject = |text: String| (text, expected.to_owned());
        let above = |text: String| (text, format!("{expected}, at most {}", range.end()));
        let in_range = |v: i64| {
            if range.contains(&v) {
                Ok(v)
            } else if v > *range.end() {
                Err(above(v.to_string()))
            } else {
                Err(reject(v.to_string()))
            }
        };
        let cells = if dtype == DataType::String {
            let cells = series.str().ok()?.iter().map(|cell| {
                trimmed(cell).map(|t| match t.parse::<i64>() {
                    Ok(v) => in_range(v),
                    // Digits beyond the 64-bit range are too large, not malformed.
                    Err(_) if t.bytes().all(|b| b.is_ascii_digit()) => Err(above(t.to_owned())),
                    Err(_) => Err(reject(t.to_owned())),
                })
            });
            self.collect(name, required, cells)
        } else if dtype == DataType::UInt64 {
            // Beyond the 64-bit signed range: too large (a cast would make them missing).
            let cells = series.u64().ok()?.iter().map(|cell| {
                cell.map(|v| i64::try_from(v).map_or_else(|_| Err(above(v.to_string())), in_range))
            });
            self.collect(name, required, cells)
        } else if dtype.is_integer() {
            let ints = series
                .cast(&DataType::Int64)
                .ok()?
                .i64()
                .ok()?
                .rechunk()
                .into_owned();
            // Fast path: nothing out of range and no missing cell that is required.
            let fits = ints.min().is_none_or(|m| m >= *range.start())
                && ints.max().is_none_or(|m| m <= *range.end());
            if fits && (!required || ints.null_count() == 0) {
                return Some(ints.with_name(name.into()));
            }
            self.collect(name, required, ints.iter().map(|c| c.map(in_range)))
        } else if dtype.is_float() {
            let floats = series.cast(&DataType::Float64).ok()?;
            let cells = floats.f64().ok()?.iter().map(|cell| {
                cell.map(|v| {
                    if v.fract() == 0.0 && v.abs() < 9.0e15 {
                        in_range(v as i64)
                    } else if v.fract() == 0.0 && v > 0.0 {
                        Err(above(v.to_string()))
                    } else {
                        Err(reject(v.to_string()))
                    }
                })
            });
            self.collect(name, required, cells)
        } else {
            return self.type_error(name, column, "whole numbers");
        };
        Some(cells)
    }

    /// A finite decimal-number column, as one contiguous `Float64` array. A decimal comma
    /// gets its own hint.
    pub(crate) fn number(&mut self, name: &str, required: bool) -> Option<Float64Chunked> {
        const FINITE: &str = "a finite number";
        let column = self.column(name, required, "numbers")?;
        let dtype = column.dtype().clone();
        let series = column.as_materialized_series();
        let finite = |v: f64, text: &dyn Fn() -> String| {
            if v.is_finite() {
                Ok(v)
            } else {
                Err((text(), FINITE.to_owned()))
            }
        };
        let cells = if dtype == DataType::String {
            let cells = series.str().ok()?.iter().map(|cell| {
                trimmed(cell).map(|t| match t.parse::<f64>() {
                    Ok(v) => finite(v, &|| t.to_owned()),
                    Err(_) if t.contains(',') => Err((
                        t.to_owned(),
                        "a number (use a decimal point, not a comma)".to_owned(),
                    )),
                    Err(_) => Err((t.to_owned(), FINITE.to_owned())),
                })
            });
            self.collect(name, required, cells)
        } else if dtype.is_primitive_numeric() {
            let floats = series
                .cast(&DataType::Float64)
                .ok()?
                .f64()
                .ok()?
                .rechunk()
                .into_owned();
            // Fast path: every value finite and no missing cell that is required.
            let all_finite = floats.iter().all(|v| v.is_none_or(f64::is_finite));
            if all_finite && (!required || floats.null_count() == 0) {
                return Some(floats.with_name(name.into()));
            }
            let cells = floats
                .iter()
                .map(|c| c.map(|v| finite(v, &|| v.to_string())));
            self.collect(name, required, cells)
        } else {
            return self.type_error(name, column, "numbers");
        };
        Some(cells)
    }

    /// Builds a typed column from cells that are missing (`None`), a value, or a rejected
    /// text with the expectation it fails; a missing required cell and every rejection
    /// become problems, and a null in the column.
    fn collect<T: PolarsNumericType>(
        &mut self,
        name: &str,
        required: bool,
        cells: impl ExactSizeIterator<Item = Option<Result<T::Native, (String, String)>>>,
    ) -> ChunkedArray<T> {
        let mut out = PrimitiveChunkedBuilder::<T>::new(name.into(), cells.len());
        for (row, cell) in cells.enumerate() {
            match cell {
                Some(Ok(v)) => out.append_value(v),
                Some(Err((value, expected))) => {
                    self.problems.push(TableError::BadValue {
                        at: self.table.at(row, name),
                        value,
                        expected,
                    });
                    out.append_null();
                }
                None => {
                    if required {
                        self.missing(row, name);
                    }
                    out.append_null();
                }
            }
        }
        out.finish()
    }
}

/// Checks every data page header of the file against its row group before polars decodes
/// the pages: a corrupt header can claim 2^61 values, for which the decoder reserves memory
/// and the process aborts (no panic guard can catch a failed allocation).
fn pages_fit(bytes: &polars_buffer::Buffer<u8>, metadata: &FileMetadataRef) -> Result<(), String> {
    use polars_parquet::parquet::page::CompressedPage;
    use polars_parquet::parquet::read::PageReader;
    for group in &metadata.row_groups {
        let rows = group.num_rows();
        for column in group.parquet_columns() {
            let range = column.byte_range();
            if range.start > range.end || range.end > bytes.len() as u64 {
                return Err("a column chunk lies outside the file".into());
            }
            let mut cursor = Cursor::new(bytes.clone());
            cursor.set_position(range.start);
            for page in PageReader::new(cursor, column, Vec::new(), bytes.len()) {
                let page = page.map_err(|e| e.to_string())?;
                if let CompressedPage::Data(page) = page
                    && page.num_values() > rows
                {
                    return Err(format!(
                        "a page claims {} values in a row group of {rows} rows",
                        page.num_values()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Runs the Parquet reader, whose decoders panic on some corrupt pages (a failed assertion
/// in a worker thread): such a panic becomes an error saying the file is corrupt.
fn guarded<T>(read: impl FnOnce() -> PolarsResult<T>) -> PolarsResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|panic| {
        let said: String = crate::panic_message(&*panic)
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(120)
            .collect();
        Err(polars_err!(ComputeError: "the Parquet file is corrupt (its reader failed: {said})"))
    })
}

/// Whether the Parquet reader decodes a column of this type with the features built in (a
/// decimal, a struct, a fixed-size list, a date or time would end it in a panic): the others
/// are left out and named as a column-type problem where they are read.
fn decodes(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match dtype {
        A::Null
        | A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Binary
        | A::LargeBinary
        | A::BinaryView
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View => true,
        A::List(field) | A::LargeList(field) => decodes(&field.dtype),
        A::Dictionary(_, values, _) => matches!(**values, A::Utf8 | A::LargeUtf8 | A::Utf8View),
        _ => false,
    }
}

/// A Parquet column's type in words, as polars names its types (`decimal[18,2]`,
/// `struct[2]`, `array[i64, 3]`, `datetime[μs]`).
fn type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    let unit = |u: &ArrowTimeUnit| match u {
        ArrowTimeUnit::Second => "s",
        ArrowTimeUnit::Millisecond => "ms",
        ArrowTimeUnit::Microsecond => "μs",
        ArrowTimeUnit::Nanosecond => "ns",
    };
    match dtype {
        A::Decimal(p, s) | A::Decimal32(p, s) | A::Decimal64(p, s) | A::Decimal256(p, s) => {
            format!("decimal[{p},{s}]")
        }
        A::Struct(fields) => format!("struct[{}]", fields.len()),
        A::FixedSizeList(field, n) => format!("array[{}, {n}]", type_name(&field.dtype)),
        A::List(field) | A::LargeList(field) => format!("list[{}]", type_name(&field.dtype)),
        A::Date32 | A::Date64 => "date".into(),
        A::Time32(_) | A::Time64(_) => "time".into(),
        A::Timestamp(u, _) => format!("datetime[{}]", unit(u)),
        A::Duration(u) => format!("duration[{}]", unit(u)),
        A::Int8 => "i8".into(),
        A::Int16 => "i16".into(),
        A::Int32 => "i32".into(),
        A::Int64 => "i64".into(),
        A::Int128 => "i128".into(),
        A::UInt8 => "u8".into(),
        A::UInt16 => "u16".into(),
        A::UInt32 => "u32".into(),
        A::UInt64 => "u64".into(),
        A::UInt128 => "u128".into(),
        A::Float16 => "f16".into(),
        A::Float32 => "f32".into(),
        A::Float64 => "f64".into(),
        A::Utf8 | A::LargeUtf8 | A::Utf8View => "str".into(),
        A::Dictionary(..) => "categorical".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// A text cell, trimmed; empty text is missing.
fn trimmed(cell: Option<&str>) -> Option<&str> {
    cell.map(str::trim).filter(|s| !s.is_empty())
}

/// A column that can be part of a table's key: its cells as small integers below `size`.
pub(crate) trait KeyColumn {
    /// Upper bound of the key values.
    fn size(&self) -> u64;
    /// The key value of a row; `None` for a missing or invalid cell.
    fn key(&self, row: usize) -> Option<u64>;
    /// The cell as shown in messages.
    fn show(&self, row: usize) -> String;
}

impl KeyColumn for Coded {
    fn size(&self) -> u64 {
        self.values.len() as u64
    }

    fn key(&self, row: usize) -> Option<u64> {
        self.id(row).map(u64::from)
    }

    fn show(&self, row: usize) -> String {
        self.get(row).unwrap_or_default().to_owned()
    }
}

/// The key of a row: its key columns' values packed into one integer (mixed radix).
pub(crate) fn packed_key(columns: &[&dyn KeyColumn], row: usize) -> Option<u128> {
    columns.iter().try_fold(0_u128, |acc, c| {
        Some(acc * u128::from(c.size().max(1)) + u128::from(c.key(row)?))
    })
}

/// Whether packed keys of these columns fit in 64 bits.
fn fits_u64(columns: &[&dyn KeyColumn]) -> bool {
    columns
        .iter()
        .try_fold(1_u128, |acc, c| {
            acc.checked_mul(u128::from(c.size().max(1)))
        })
        .is_some_and(|span| span <= u128::from(u64::MAX))
}

/// Finds rows whose key (the values of `columns`) repeats an earlier row's, and records
/// them as problems. Keys are packed into one integer (64 bits when they fit) and sorted;
/// only rows with a repeated key are looked at again. Memory: 8 or 16 bytes a row.
pub(crate) fn check_unique(table: &Table, problems: &mut Problems, columns: &[&dyn KeyColumn]) {
    let rows = table.height();
    let show = |row| {
        let key: Vec<String> = columns.iter().map(|c| c.show(row)).collect();
        key.join(" ")
    };
    if fits_u64(columns) {
        let narrow = |row| packed_key(columns, row).map(|k| k as u64);
        report_repeated(table, problems, rows, narrow, show);
    } else {
        report_repeated(table, problems, rows, |row| packed_key(columns, row), show);
    }
}

/// Records every row whose key repeats an earlier row's; `show` gives a row's key as text.
pub(crate) fn report_repeated<K: Ord + Copy + std::hash::Hash + Send>(
    table: &Table,
    problems: &mut Problems,
    rows: usize,
    key: impl Fn(usize) -> Option<K>,
    show: impl Fn(usize) -> String,
) {
    for (row, first) in repeated_rows(rows, key) {
        problems.push(TableError::DuplicateKey {
            at: table.row(row),
            key: show(row),
            first_row: first + 1,
        });
    }
}

/// Rows whose key equals an earlier row's key, with that earlier row.
fn repeated_rows<K: Ord + Copy + std::hash::Hash + Send>(
    rows: usize,
    key: impl Fn(usize) -> Option<K>,
) -> Vec<(usize, usize)> {
    let mut keys: Vec<K> = Vec::with_capacity(rows);
    keys.extend((0..rows).filter_map(&key));
    keys.par_sort_unstable();
    let repeated: std::collections::HashSet<K> = keys
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    drop(keys);
    if repeated.is_empty() {
        return Vec::new();
    }
    let mut first: HashMap<K, usize> = HashMap::new();
    let mut out = Vec::new();
    for row in 0..rows {
        let Some(k) = key(row).filter(|k| repeated.contains(k)) else {
            continue;
        };
        match first.get(&k) {
            Some(&earlier) => out.push((row, earlier)),
            None => {
                first.insert(k, row);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_cycling_through_more_values_than_are_remembered_codes_every_cell() {
        // 40 distinct values (more than RECENT), long ones named by their buffer and place,
        // padded and missing cells among them.
        let distinct: Vec<String> = (0..40)
            .map(|k| match k % 3 {
                0 => format!("v{k}"),
                1 => format!("a value longer than a view holds {k}"),
                _ => format!("  padded {k} "),
            })
            .collect();
        let cells: Vec<Option<&str>> = (0..2_000)
            .map(|i| (i % 97 != 0).then(|| distinct[i % distinct.len()].as_str()))
            .collect();
        let frame = df!("name" => &cells).expect("frame");
        let table = Table::from_frame("cycling", frame);
        let mut problems = Problems::new(10);
        let coded = Reader::new(&table, &mut problems)
            .text("name", false)
            .expect("coded");
        assert_eq!(coded.len(), cells.len());
        assert_eq!(coded.values.len(), distinct.len());
        for (row, cell) in cells.iter().enumerate() {
            assert_eq!(coded.get(row), cell.map(str::trim), "row {row}");
        }
    }
}
