//! Tables as CSV, byte for byte as polars writes them with its defaults (comma, `\n`, nulls
//! empty, text quoted only where necessary, numbers as zmij and itoa format them) but for
//! text a spreadsheet would take for a formula, which gets a leading apostrophe; a block
//! of rows at a time, column by column. Written row by row, as polars does (through a
//! serialiser object per column), each line reads one cell from each of the long table's 68
//! columns in turn, and the processor waited on memory for most of the time: the national
//! CSV took about 3 s of CPU that way, and a third of it this way (`benches/README.md`).

use std::ops::Range;

use polars::datatypes::StaticArray;
use polars::prelude::*;

/// A column, in one chunk.
enum Typed {
    Text(StringChunked),
    Number(Float64Chunked),
    Whole(Int64Chunked),
    Flag(BooleanChunked),
}

/// A column's cells.
enum Cells<'a> {
    Text(&'a <StringType as PolarsDataType>::Array),
    Number(&'a <Float64Type as PolarsDataType>::Array),
    Whole(&'a <Int64Type as PolarsDataType>::Array),
    Flag(&'a <BooleanType as PolarsDataType>::Array),
}

impl Typed {
    fn cells(&self) -> Cells<'_> {
        match self {
            Typed::Text(c) => Cells::Text(c.downcast_as_array()),
            Typed::Number(c) => Cells::Number(c.downcast_as_array()),
            Typed::Whole(c) => Cells::Whole(c.downcast_as_array()),
            Typed::Flag(c) => Cells::Flag(c.downcast_as_array()),
        }
    }
}

/// A frame's columns, ready to be written as CSV a slice of rows at a time.
pub(crate) struct CsvTable {
    names: Vec<PlSmallStr>,
    columns: Vec<Typed>,
}

impl CsvTable {
    /// The columns of `frame`: text, `f64`, integers (written as `i64`) and booleans.
    ///
    /// # Errors
    ///
    /// A column of another type, or an integer beyond `i64`.
    pub(crate) fn new(frame: &DataFrame) -> PolarsResult<Self> {
        let mut names = Vec::new();
        let mut columns = Vec::new();
        for column in frame.columns() {
            let series = column.as_materialized_series();
            // One chunk, with a row at least to hold it (an empty table writes none).
            let series = if series.is_empty() {
                Series::full_null(series.name().clone(), 1, series.dtype())
            } else {
                series.rechunk()
            };
            let cells = match series.dtype() {
                DataType::String => Typed::Text(series.str()?.clone()),
                DataType::Float64 => Typed::Number(series.f64()?.clone()),
                DataType::Boolean => Typed::Flag(series.bool()?.clone()),
                dtype if dtype.is_integer() => {
                    Typed::Whole(series.strict_cast(&DataType::Int64)?.i64()?.clone())
                }
                dtype => {
                    polars_bail!(ComputeError: "CSV: column {} is of type {dtype}", column.name())
                }
            };
            names.push(column.name().clone());
            columns.push(cells);
        }
        Ok(Self { names, columns })
    }

    /// Appends the header line.
    pub(crate) fn header(&self, out: &mut Vec<u8>) {
        for (i, name) in self.names.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            text(out, name);
        }
        out.push(b'\n');
    }

    /// Appends the lines of `rows`.
    ///
    /// Column by column within blocks of [`BLOCK`] rows, each row's cells gathered in a
    /// line of its own: reading the cells of one row from every column (68 arrays) in
    /// turn left the processor waiting on memory most of the time.
    pub(crate) fn rows(&self, rows: Range<usize>, out: &mut Vec<u8>) {
        let columns: Vec<Cells> = self.columns.iter().map(Typed::cells).collect();
        let mut cell = Formats {
            numbers: zmij::Buffer::new(),
            wholes: itoa::Buffer::new(),
        };
        let mut lines = vec![Vec::new(); BLOCK];
        for start in rows.clone().step_by(BLOCK) {
            let block = start..(start + BLOCK).min(rows.end);
            for (i, cells) in columns.iter().enumerate() {
                for (row, line) in block.clone().zip(&mut lines) {
                    if i > 0 {
                        line.push(b',');
                    }
                    cell.write(cells, row, line);
                }
            }
            if start == rows.start {
                // Room for lines a quarter longer than these; longer ones grow the text.
                let length: usize = lines.iter().map(Vec::len).sum::<usize>() + block.len();
                out.reserve(length * rows.len() / block.len() * 5 / 4);
            }
            for line in &mut lines[..block.len()] {
                out.extend_from_slice(line);
                out.push(b'\n');
                line.clear();
            }
        }
    }
}

/// Rows of a block written column by column.
const BLOCK: usize = 64;

/// Buffers for formatting numbers.
struct Formats {
    numbers: zmij::Buffer,
    wholes: itoa::Buffer,
}

impl Formats {
    /// Appends the cell of `row` in `cells` (nothing if missing).
    fn write(&mut self, cells: &Cells, row: usize, out: &mut Vec<u8>) {
        match cells {
            Cells::Text(a) => {
                if let Some(value) = a.get(row) {
                    text(out, value);
                }
            }
            Cells::Number(a) => {
                if let Some(value) = a.get(row) {
                    out.extend_from_slice(self.numbers.format(value).as_bytes());
                }
            }
            Cells::Whole(a) => {
                if let Some(value) = a.get(row) {
                    out.extend_from_slice(self.wholes.format(value).as_bytes());
                }
            }
            Cells::Flag(a) => {
                if let Some(value) = a.get(row) {
                    out.extend_from_slice(if value { b"true" } else { b"false" });
                }
            }
        }
    }
}

/// Appends a text cell: quoted if empty (to tell it from a missing value) or if it holds a
/// comma or a line break; a quote inside is doubled, and quoted. A cell a spreadsheet would
/// take for a formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading apostrophe, and is quoted, so that it shows as the text it is (OWASP's advice
/// against CSV injection); numbers are not text cells and are written as they are.
fn text(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        out.extend_from_slice(b"\"\"");
        return;
    }
    let formula = matches!(bytes[0], b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r');
    let quoted = formula
        || bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'));
    if !quoted {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    if formula {
        out.push(b'\'');
    }
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_evaluate_is_written_as_text() {
        let frame = df!(
            "name" => ["=HYPERLINK(\"x\")", "+31", "-", "@SUM(A1)", "\tx", "Oost-Zuid", "a=b"],
            "value" => [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0],
        )
        .unwrap();
        let table = CsvTable::new(&frame).unwrap();
        let mut out = Vec::new();
        table.rows(0..7, &mut out);
        let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
        assert_eq!(
            lines,
            [
                "\"'=HYPERLINK(\"\"x\"\")\",-1.5",
                "\"'+31\",2.0",
                "\"'-\",-3.0",
                "\"'@SUM(A1)\",4.0",
                "\"'\tx\",5.0",
                "Oost-Zuid,6.0",
                "a=b,7.0",
            ]
        );
    }

    #[test]
    fn a_column_of_another_type_is_an_error_naming_it() {
        let frame = df!("share" => [Some(0.5_f32), None]).unwrap();
        let error = CsvTable::new(&frame).err().unwrap().to_string();
        assert!(error.contains("share") && error.contains("f32"), "{error}");
    }
}
