//! The batch plumbing of `gp_counts`: batches decoded on a thread of their own while the one
//! before is checked, and each batch's eight columns read on all cores, each into problems
//! of its own that are then taken in column order. What a value must be is decided by the
//! judges `mod.rs` gives; nothing here knows a rule.

use polars::prelude::Int64Chunked;

use crate::error::{Location, TableError};
use crate::table::{Dictionary, Problems, Reader, Table};

use super::super::general::{COUNT, YEAR, YEARS};

/// What a distinct value stands for, or the problem to record on every row holding it.
pub(super) type Verdict<T> = Result<T, Problem>;

/// A problem to record at a cell.
pub(super) type Problem = Box<dyn Fn(Location) -> TableError + Send + Sync>;

/// A text column read batch by batch: its distinct values and what each stands for.
pub(super) struct Judged<T> {
    dictionary: Dictionary,
    verdicts: Vec<Verdict<T>>,
}

impl<T: Copy> Judged<T> {
    pub(super) fn new() -> Self {
        Self {
            dictionary: Dictionary::default(),
            verdicts: Vec::new(),
        }
    }

    /// Codes a batch's column, judging new values with `judge`; records a problem for every
    /// missing or rejected cell.
    pub(super) fn read(
        &mut self,
        r: &mut Reader<'_>,
        name: &str,
        mut judge: impl FnMut(&str) -> Verdict<T>,
    ) -> Option<Vec<u32>> {
        let (ids, _) = r.code(name, true, &mut self.dictionary)?;
        for value in &self.dictionary.values[self.verdicts.len()..] {
            self.verdicts.push(judge(value));
        }
        for (row, &id) in ids.iter().enumerate() {
            if let Some(Err(problem)) = self.verdicts.get(id as usize) {
                r.problems.push(problem(r.table.at(row, name)));
            }
        }
        Some(ids)
    }

    /// What each id stands for; `missing` for a rejected value.
    pub(super) fn values(&self, missing: T) -> Vec<T> {
        self.verdicts
            .iter()
            .map(|v| v.as_ref().ok().copied().unwrap_or(missing))
            .collect()
    }

    /// Appends what each id stands for to `into`; `missing` for a missing or rejected value.
    pub(super) fn extend(&self, into: &mut Vec<T>, ids: &[u32], missing: T) {
        let of = self.values(missing);
        into.extend(
            ids.iter()
                .map(|&id| of.get(id as usize).copied().unwrap_or(missing)),
        );
    }

    pub(super) fn text(&self, id: u32) -> &str {
        self.dictionary
            .values
            .get(id as usize)
            .map_or("", String::as_str)
    }
}

/// A batch's whole-number column: a plain slice when no cell is missing (always, in data
/// that pass), else the cells.
pub(super) enum Whole<'a> {
    Full(&'a [i64]),
    Gaps(Vec<Option<i64>>),
}

impl<'a> Whole<'a> {
    pub(super) fn of(column: &'a Int64Chunked) -> Self {
        column
            .cont_slice()
            .map_or_else(|_| Self::Gaps(column.iter().collect()), Self::Full)
    }

    pub(super) fn get(&self, row: usize) -> Option<i64> {
        match self {
            Self::Full(values) => values.get(row).copied(),
            Self::Gaps(cells) => cells.get(row).copied().flatten(),
        }
    }

    /// Appends the cells as counts (checked to fit), 0 for a missing cell.
    pub(super) fn extend_narrowed(&self, into: &mut Vec<u32>) {
        let narrow = |v: i64| u32::try_from(v).unwrap_or(0);
        match self {
            Self::Full(values) => into.extend(values.iter().map(|&v| narrow(v))),
            Self::Gaps(cells) => into.extend(cells.iter().map(|c| c.map_or(0, narrow))),
        }
    }
}

/// Codes a batch's text column into `judged`, with the problems found in it.
fn read_text<T: Copy>(
    batch: &Table,
    judged: &mut Judged<T>,
    name: &str,
    judge: impl FnMut(&str) -> Verdict<T>,
) -> (Option<Vec<u32>>, Problems) {
    let mut problems = Problems::new(crate::PROBLEMS_PER_FILE);
    let ids = judged.read(&mut Reader::new(batch, &mut problems), name, judge);
    (ids, problems)
}

/// The `year`, `numerator` and `denominator` columns of a batch, and their problems.
#[allow(clippy::type_complexity)]
fn read_integers(
    batch: &Table,
) -> (
    (
        Option<Int64Chunked>,
        Option<Int64Chunked>,
        Option<Int64Chunked>,
    ),
    Problems,
) {
    let mut problems = Problems::new(crate::PROBLEMS_PER_FILE);
    let mut r = Reader::new(batch, &mut problems);
    let year = r.integer("year", true, YEARS, YEAR);
    let count = 0..=i64::from(u32::MAX);
    let numerator = r.integer("numerator", true, count.clone(), COUNT);
    let denominator = r.integer("denominator", true, count, COUNT);
    ((year, numerator, denominator), problems)
}

/// Index of `value` in `seen`, added if new; `u8::MAX` once 255 values are seen.
pub(super) fn small_index<T: PartialEq>(seen: &mut Vec<T>, value: T) -> u8 {
    let at = seen.iter().position(|v| *v == value).unwrap_or_else(|| {
        seen.push(value);
        seen.len() - 1
    });
    u8::try_from(at).unwrap_or(u8::MAX)
}

/// How each text column's distinct values are judged (the rules, from `mod.rs`); `band`
/// may remember what it has seen.
pub(super) struct Judges<'a> {
    pub(super) practice: &'a (dyn Fn(&str) -> Verdict<u32> + Sync),
    pub(super) area: &'a (dyn Fn(&str) -> Verdict<u32> + Sync),
    pub(super) sex: &'a (dyn Fn(&str) -> Verdict<u8> + Sync),
    pub(super) band: &'a mut (dyn FnMut(&str) -> Verdict<u8> + Send),
    pub(super) indicator: &'a (dyn Fn(&str) -> Verdict<u16> + Sync),
}

/// The text columns' codes over all batches, and what each distinct value stands for.
pub(super) struct Coders {
    pub(super) practice: Judged<u32>,
    pub(super) area: Judged<u32>,
    pub(super) sex: Judged<u8>,
    pub(super) band: Judged<u8>,
    pub(super) indicator: Judged<u16>,
}

/// One batch's columns: the codes of the text columns, the whole-number columns.
pub(super) struct Batch {
    pub(super) table: Table,
    pub(super) practice: Vec<u32>,
    pub(super) area: Vec<u32>,
    pub(super) sex: Vec<u32>,
    pub(super) band: Vec<u32>,
    pub(super) indicator: Vec<u32>,
    pub(super) year: Int64Chunked,
    pub(super) numerator: Int64Chunked,
    pub(super) denominator: Int64Chunked,
}

impl Coders {
    pub(super) fn new() -> Self {
        Self {
            practice: Judged::new(),
            area: Judged::new(),
            sex: Judged::new(),
            band: Judged::new(),
            indicator: Judged::new(),
        }
    }

    /// Reads a batch's eight columns in parallel: the five text columns coded (new values
    /// judged), the three whole-number columns checked; the problems go into `p` in column
    /// order. `None` when a column is missing or of the wrong type (reported once, from the
    /// first batch).
    pub(super) fn read(
        &mut self,
        table: Table,
        judges: &mut Judges<'_>,
        p: &mut Problems,
    ) -> Option<Batch> {
        let batch = &table;
        let Self {
            practice,
            area,
            sex,
            band,
            indicator,
        } = self;
        let (
            (((practice, pp), (area, ap)), ((year, numerator, denominator), np)),
            (((sex, sp), (band, bp)), (indicator, ip)),
        ) = rayon::join(
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || read_text(batch, practice, "practice_id", judges.practice),
                            || read_text(batch, area, "area_code", judges.area),
                        )
                    },
                    || read_integers(batch),
                )
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || read_text(batch, sex, "sex", judges.sex),
                            || read_text(batch, band, "age_band", &mut *judges.band),
                        )
                    },
                    || read_text(batch, indicator, "indicator", judges.indicator),
                )
            },
        );
        for problems in [pp, ap, sp, bp, ip, np] {
            p.absorb(problems);
        }
        Some(Batch {
            practice: practice?,
            year: year?,
            area: area?,
            sex: sex?,
            band: band?,
            indicator: indicator?,
            numerator: numerator?,
            denominator: denominator?,
            table,
        })
    }
}

/// Calls `check` with each batch of about `rows` rows (whole row groups for Parquet) while
/// the next one is decoded on a thread of its own; a batch that cannot be decoded is a
/// problem and ends the reading, as does `check` returning `None`.
pub(super) fn each_batch(
    t: &Table,
    rows: usize,
    p: &mut Problems,
    mut check: impl FnMut(Table, &mut Problems) -> Option<()>,
) -> Option<()> {
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for batch in t.batches(rows) {
                if send.send(batch).is_err() {
                    break;
                }
            }
        });
        for batch in receive {
            match batch {
                Ok(batch) => check(batch, p)?,
                Err(e) => {
                    p.push(e);
                    return None;
                }
            }
        }
        Some(())
    })
}
