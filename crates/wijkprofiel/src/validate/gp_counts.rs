//! `gp_counts`, the largest table (55 million rows for the whole country), checked a batch at
//! a time into compact rows: its text columns are never all in memory, and each distinct
//! code is judged once.

use std::collections::{BTreeSet, HashMap};

use super::{
    COUNT, Context, YEAR, YEARS, area_level, band_of, check_tiling, sex_of, unknown_indicator,
};
use crate::area::Level;
use crate::catalogue::{Kind, Source};
use crate::cube::{Cells, GpCounts, Rows};
use crate::error::{Location, TableError};
use crate::social::Practice;
use crate::table::{BATCH_ROWS, Dictionary, MISSING, Problems, Reader, Table, report_repeated};
use crate::{AgeBand, Sex};

/// What a distinct value stands for, or the problem to record on every row holding it.
type Verdict<T> = Result<T, Problem>;

/// A problem to record at a cell.
type Problem = Box<dyn Fn(Location) -> TableError + Send + Sync>;

/// A text column read batch by batch: its distinct values and what each stands for.
struct Judged<T> {
    dictionary: Dictionary,
    verdicts: Vec<Verdict<T>>,
}

impl<T: Copy> Judged<T> {
    fn new() -> Self {
        Self {
            dictionary: Dictionary::default(),
            verdicts: Vec::new(),
        }
    }

    /// Codes a batch's column, judging new values with `judge`; records a problem for every
    /// missing or rejected cell.
    fn read(
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

    /// What a row's value stands for; `None` when missing or rejected.
    fn value(&self, id: u32) -> Option<T> {
        self.verdicts.get(id as usize)?.as_ref().ok().copied()
    }

    fn text(&self, id: u32) -> &str {
        self.dictionary
            .values
            .get(id as usize)
            .map_or("", String::as_str)
    }
}

fn bad_value(value: &str, expected: String) -> Problem {
    let value = value.to_owned();
    Box::new(move |at| TableError::BadValue {
        at,
        value: value.clone(),
        expected: expected.clone(),
    })
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

/// Index of `value` in `seen`, added if new; `u8::MAX` once 255 values are seen.
fn small_index<T: PartialEq>(seen: &mut Vec<T>, value: T) -> u8 {
    let at = seen.iter().position(|v| *v == value).unwrap_or_else(|| {
        seen.push(value);
        seen.len() - 1
    });
    u8::try_from(at).unwrap_or(u8::MAX)
}

/// Checks `gp_counts` against the areas, catalogue, practices and population years; returns
/// the counts when no problem has been found in it or before it.
pub(super) fn gp_counts(
    t: &Table,
    ctx: &Context<'_>,
    practices: Option<&[Practice]>,
    population_years: &BTreeSet<i32>,
    p: &mut Problems,
) -> Option<GpCounts> {
    in_batches(t, ctx, practices, population_years, p, BATCH_ROWS)
}

/// [`gp_counts`] with batches of about `batch_rows` rows.
fn in_batches(
    t: &Table,
    ctx: &Context<'_>,
    practices: Option<&[Practice]>,
    population_years: &BTreeSet<i32>,
    p: &mut Problems,
    batch_rows: usize,
) -> Option<GpCounts> {
    let buurten: Vec<&str> = ctx
        .areas
        .map(|a| a.at_level(Level::Buurt).map(|b| b.code.as_str()).collect())
        .unwrap_or_default();
    let buurt_index: HashMap<&str, u32> = (0_u32..)
        .zip(buurten.iter().copied())
        .map(|(i, c)| (c, i))
        .collect();
    let gp: Vec<&crate::Indicator> = ctx
        .catalogue
        .map(|c| {
            c.indicators()
                .iter()
                .filter(|i| i.source == Source::Gp)
                .collect()
        })
        .unwrap_or_default();
    let practice_index: Option<HashMap<&str, u32>> = practices.map(|list| {
        (0_u32..)
            .zip(list)
            .map(|(i, pr)| (pr.id.as_str(), i))
            .collect()
    });

    let judge_practice = |v: &str| -> Verdict<u32> {
        match &practice_index {
            Some(index) => index.get(v).copied().ok_or_else(|| {
                let practice = v.to_owned();
                Box::new(move |at| TableError::UnknownPractice {
                    at,
                    practice: practice.clone(),
                }) as Problem
            }),
            // Without a practices table (itself a problem) practices are not checked.
            None => Ok(MISSING),
        }
    };
    let judge_area = |v: &str| -> Verdict<u32> {
        let Some(areas) = ctx.areas else {
            return Ok(MISSING);
        };
        let code = v.to_owned();
        match area_level(areas, v, &[Level::Buurt]) {
            Ok(()) => Ok(buurt_index.get(v).copied().unwrap_or(MISSING)),
            Err(Some(level)) => {
                let found = level.to_string();
                Err(Box::new(move |at| TableError::WrongAreaLevel {
                    at,
                    code: code.clone(),
                    found: found.clone(),
                    expected: "buurten (the patients' residence)",
                }))
            }
            Err(None) => Err(Box::new(move |at| TableError::UnknownArea {
                at,
                code: code.clone(),
            })),
        }
    };
    let judge_sex = |v: &str| -> Verdict<u8> {
        match sex_of(v, true) {
            Ok(sex) => Ok(u8::from(sex == Sex::Female)),
            Err(expected) => Err(bad_value(v, expected)),
        }
    };
    let judge_indicator = |v: &str| -> Verdict<u16> {
        let Some(catalogue) = ctx.catalogue else {
            return Ok(u16::MAX);
        };
        let Some(reason) = unknown_indicator(catalogue, v, Some(Source::Gp)) else {
            let at = gp.iter().position(|i| i.id == v).unwrap_or_default();
            return Ok(u16::try_from(at).unwrap_or(u16::MAX));
        };
        let indicator = v.to_owned();
        Err(Box::new(move |at| TableError::UnknownIndicator {
            at,
            indicator: indicator.clone(),
            reason,
        }))
    };

    let mut practice = Judged::<u32>::new();
    let mut area = Judged::<u32>::new();
    let mut sex = Judged::<u8>::new();
    let mut band = Judged::<u8>::new();
    let mut indicator = Judged::<u16>::new();
    // Distinct years and bands in order of appearance; rows hold their index until the end.
    let (mut years, mut bands): (Vec<i32>, Vec<AgeBand>) = (Vec::new(), Vec::new());
    let mut missing_years = BTreeSet::new();
    let mut rows = Rows::with_capacity(t.height());
    let mut sexes: Vec<u8> = Vec::with_capacity(t.height());
    // The next batch is decoded while this one is checked.
    std::thread::scope(|scope| -> Option<()> {
        let (send, receive) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for batch in t.batches(batch_rows) {
                if send.send(batch).is_err() {
                    break;
                }
            }
        });
        for batch in receive {
            let batch = match batch {
                Ok(batch) => batch,
                Err(e) => {
                    p.push(e);
                    return None;
                }
            };
            // Past 254 distinct bands the index saturates; such bands cannot tile, which is
            // reported below.
            let judge_band = |v: &str| -> Verdict<u8> {
                match band_of(v) {
                    Ok(b) => Ok(small_index(&mut bands, b)),
                    Err(expected) => Err(bad_value(v, expected)),
                }
            };
            // The five text columns are coded in parallel, each into its own problems, which
            // are then taken in column order.
            let (
                ((practice_ids, pp), (area_ids, ap)),
                (((sex_ids, sp), (band_ids, bp)), (indicator_ids, ip)),
            ) = rayon::join(
                || {
                    rayon::join(
                        || read_text(&batch, &mut practice, "practice_id", &judge_practice),
                        || read_text(&batch, &mut area, "area_code", &judge_area),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || read_text(&batch, &mut sex, "sex", &judge_sex),
                                || read_text(&batch, &mut band, "age_band", judge_band),
                            )
                        },
                        || read_text(&batch, &mut indicator, "indicator", &judge_indicator),
                    )
                },
            );
            for problems in [pp, ap, sp, bp, ip] {
                p.absorb(problems);
            }
            let mut r = Reader::new(&batch, p);
            let year = r.integer("year", true, YEARS, YEAR);
            let count = 0..=i64::from(u32::MAX);
            let numerator = r.integer("numerator", true, count.clone(), COUNT);
            let denominator = r.integer("denominator", true, count, COUNT);
            let (
                Some(practice_ids),
                Some(year),
                Some(area_ids),
                Some(sex_ids),
                Some(band_ids),
                Some(indicator_ids),
                Some(numerator),
                Some(denominator),
            ) = (
                practice_ids,
                year,
                area_ids,
                sex_ids,
                band_ids,
                indicator_ids,
                numerator,
                denominator,
            )
            else {
                // A column is missing or of the wrong type (reported once, from the first batch).
                return None;
            };
            let counts = year.iter().zip(numerator.iter()).zip(denominator.iter());
            for (row, ((y, n), d)) in counts.enumerate() {
                let y = y.and_then(|y| i32::try_from(y).ok());
                let i = indicator.value(indicator_ids[row]);
                if let (Some(n), Some(d), Some(i)) = (n, d, i)
                    && n > d
                    && gp
                        .get(usize::from(i))
                        .is_some_and(|ind| ind.kind == Kind::Proportion)
                {
                    p.push(TableError::NumeratorAboveDenominator {
                        at: batch.at(row, "numerator"),
                        indicator: indicator.text(indicator_ids[row]).to_owned(),
                        numerator: n,
                        denominator: d,
                    });
                }
                if let Some(y) = y
                    && area_ids[row] != MISSING
                    && !population_years.is_empty()
                    && !population_years.contains(&y)
                    && missing_years.insert(y)
                {
                    p.push(TableError::MissingPopulation {
                        at: batch.at(row, "year"),
                        code: area.text(area_ids[row]).to_owned(),
                        year: y,
                    });
                }
                let narrow = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
                rows.practice
                    .push(practice.value(practice_ids[row]).unwrap_or(MISSING));
                rows.year
                    .push(y.map_or(u8::MAX, |y| small_index(&mut years, y)));
                rows.buurt
                    .push(area.value(area_ids[row]).unwrap_or(MISSING));
                sexes.push(sex.value(sex_ids[row]).unwrap_or(u8::MAX));
                rows.cell.push(band.value(band_ids[row]).unwrap_or(u8::MAX));
                rows.indicator.push(i.unwrap_or(u16::MAX));
                rows.numerator.push(narrow(n));
                rows.denominator.push(narrow(d));
            }
        }
        Some(())
    })?;
    check_tiling(t, "age_band", &bands, p);

    // Years and bands in order; the cell of a row is its sex and band together.
    let order = |n: usize, less: &dyn Fn(usize, usize) -> std::cmp::Ordering| {
        let mut sorted: Vec<usize> = (0..n).collect();
        sorted.sort_by(|&a, &b| less(a, b));
        let mut rank = vec![u8::MAX; 256];
        for (k, &i) in sorted
            .iter()
            .enumerate()
            .filter(|(_, i)| **i < u8::MAX.into())
        {
            rank[i] = u8::try_from(k).unwrap_or(u8::MAX);
        }
        rank
    };
    let year_rank = order(years.len(), &|a, b| years[a].cmp(&years[b]));
    let band_rank = order(bands.len(), &|a, b| bands[a].cmp(&bands[b]));
    years.sort_unstable();
    bands.sort_unstable();
    let cells = Cells { bands };
    let n_bands = cells.bands.len();
    for y in &mut rows.year {
        *y = year_rank[usize::from(*y)];
    }
    for (c, &s) in rows.cell.iter_mut().zip(&sexes) {
        let b = band_rank[usize::from(*c)];
        *c = if s == u8::MAX || b == u8::MAX {
            u8::MAX
        } else {
            u8::try_from(usize::from(s) * n_bands + usize::from(b)).unwrap_or(u8::MAX)
        };
    }
    drop(sexes);
    duplicates(
        t,
        p,
        &rows,
        &Names {
            practices: practices.unwrap_or_default(),
            years: &years,
            buurten: &buurten,
            cells: &cells,
            indicators: &gp,
        },
    );

    // Gathered only when nothing is wrong so far (no region is made otherwise).
    (p.count() == 0).then(|| {
        GpCounts::new(
            rows,
            years,
            cells,
            practices
                .unwrap_or_default()
                .iter()
                .map(|pr| pr.id.clone())
                .collect(),
            buurten.iter().map(|&b| b.to_owned()).collect(),
            gp.iter().map(|i| i.id.clone()).collect(),
        )
    })
}

/// What the indices of compact rows stand for.
struct Names<'a> {
    practices: &'a [Practice],
    years: &'a [i32],
    buurten: &'a [&'a str],
    cells: &'a Cells,
    indicators: &'a [&'a crate::Indicator],
}

/// Records rows that repeat an earlier row's practice, year, buurt, sex, age band and
/// indicator. The key is the indices packed into one integer; rows with a rejected cell have
/// none.
fn duplicates(t: &Table, p: &mut Problems, rows: &Rows, names: &Names<'_>) {
    let sizes = [
        names.practices.len(),
        names.years.len(),
        names.buurten.len(),
        names.cells.len(),
        names.indicators.len(),
    ];
    let key = |row: usize| -> Option<u128> {
        let parts = [
            rows.practice[row] as usize,
            usize::from(rows.year[row]),
            rows.buurt[row] as usize,
            usize::from(rows.cell[row]),
            usize::from(rows.indicator[row]),
        ];
        parts
            .iter()
            .zip(sizes)
            .try_fold(0_u128, |acc, (&part, size)| {
                (part < size).then(|| acc * size as u128 + part as u128)
            })
    };
    let show = |row: usize| {
        let (sex, band) = names.cells.cell(usize::from(rows.cell[row]));
        format!(
            "{} {} {} {sex} {band} {}",
            names.practices[rows.practice[row] as usize].id,
            names.years[usize::from(rows.year[row])],
            names.buurten[rows.buurt[row] as usize],
            names.indicators[usize::from(rows.indicator[row])].id,
        )
    };
    let span = sizes
        .iter()
        .try_fold(1_u128, |acc, &s| acc.checked_mul(s.max(1) as u128));
    if span.is_some_and(|s| s <= u128::from(u64::MAX)) {
        #[allow(clippy::cast_possible_truncation)]
        report_repeated(t, p, rows.len(), |row| key(row).map(|k| k as u64), show);
    } else {
        report_repeated(t, p, rows.len(), key, show);
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;
    use crate::{Inputs, Region, TableName};

    /// Checks the demo's `gp_counts` with batches of `rows` rows, as given or replaced.
    fn check(region: &Region, table: &Table, rows: usize) -> (Option<GpCounts>, Vec<String>) {
        let ctx = Context {
            areas: Some(&region.areas),
            catalogue: Some(&region.catalogue),
            crs: None,
        };
        let years = region.summary().population_years.into_iter().collect();
        let mut p = Problems::new(10);
        let counts = in_batches(table, &ctx, Some(&region.practices), &years, &mut p, rows);
        let (problems, _) = p.into_parts();
        (counts, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn batches_of_any_size_give_the_same_counts() {
        let region = Region::demo().expect("demo");
        let whole = region.gp_counts.as_deref().expect("gp counts");
        let inputs = Inputs::demo();
        let parquet = &inputs.tables[&TableName::GpCounts];
        let frame = Table::from_frame("gp_counts", whole.frame().expect("frame"));
        // Parquet one row group at a time (3 batches); in memory 100,000 rows at a time.
        for (table, rows) in [(parquet, 1), (&frame, 100_000)] {
            assert!(table.batches(rows).count() > 2);
            let (counts, problems) = check(&region, table, rows);
            assert!(problems.is_empty(), "{problems:?}");
            let counts = counts.expect("valid");
            assert_eq!(
                counts.cubes.residence.numerator,
                whole.cubes.residence.numerator
            );
            assert_eq!(
                counts.cubes.practice.denominator,
                whole.cubes.practice.denominator
            );
            assert_eq!(counts.cubes.cells, whole.cubes.cells);
            assert!(
                counts
                    .frame()
                    .expect("frame")
                    .equals(&whole.frame().expect("frame"))
            );
        }
        // The rows come back as they were read.
        let read = ParquetReader::new(std::io::Cursor::new(
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/demo/gp_counts.parquet"
            ))
            .expect("demo file"),
        ))
        .finish()
        .expect("parquet");
        assert!(whole.frame().expect("frame").equals(&read));
    }

    #[test]
    fn a_problem_in_a_later_batch_names_its_row_in_the_table() {
        let region = Region::demo().expect("demo");
        let mut frame = region.frame(TableName::GpCounts).expect("gp counts");
        let n = frame.height();
        let sex: StringChunked = frame
            .column("sex")
            .expect("sex")
            .str()
            .expect("text")
            .iter()
            .enumerate()
            .map(|(row, s)| if row == 654_321 { Some("x") } else { s })
            .collect();
        frame.replace("sex", sex.into_column()).expect("replace");
        // The first row again at the end: a duplicate found across batches.
        let first = frame.slice(0, 1);
        let frame = frame.vstack(&first).expect("stack");
        let table = Table::from_frame("gp_counts", frame);
        let (counts, problems) = check(&region, &table, 100_000);
        assert!(counts.is_none());
        assert_eq!(
            problems,
            [
                "gp_counts, row 654322, column `sex`: `x` is not `male` or `female`".to_owned(),
                format!(
                    "gp_counts, row {}: duplicate of row 1 (key HA0017 2020 BU99010000 male 0-4 gp_diabetes)",
                    n + 1
                ),
            ]
        );
    }
}
