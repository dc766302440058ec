//! `gp_counts`, the largest table (55 million rows for the whole country), checked a batch at
//! a time into compact rows: its text columns are never all in memory, and each distinct
//! code is judged once.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::Int64Chunked;
use rayon::prelude::*;

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

    /// What each id stands for; `missing` for a rejected value.
    fn values(&self, missing: T) -> Vec<T> {
        self.verdicts
            .iter()
            .map(|v| v.as_ref().ok().copied().unwrap_or(missing))
            .collect()
    }

    /// Appends what each id stands for to `into`; `missing` for a missing or rejected value.
    fn extend(&self, into: &mut Vec<T>, ids: &[u32], missing: T) {
        let of = self.values(missing);
        into.extend(
            ids.iter()
                .map(|&id| of.get(id as usize).copied().unwrap_or(missing)),
        );
    }

    fn text(&self, id: u32) -> &str {
        self.dictionary
            .values
            .get(id as usize)
            .map_or("", String::as_str)
    }
}

/// A batch's whole-number column: a plain slice when no cell is missing (always, in data
/// that pass), else the cells.
enum Whole<'a> {
    Full(&'a [i64]),
    Gaps(Vec<Option<i64>>),
}

impl<'a> Whole<'a> {
    fn of(column: &'a Int64Chunked) -> Self {
        column
            .cont_slice()
            .map_or_else(|_| Self::Gaps(column.iter().collect()), Self::Full)
    }

    fn get(&self, row: usize) -> Option<i64> {
        match self {
            Self::Full(values) => values.get(row).copied(),
            Self::Gaps(cells) => cells.get(row).copied().flatten(),
        }
    }

    /// Appends the cells as counts (checked to fit), 0 for a missing cell.
    fn extend_narrowed(&self, into: &mut Vec<u32>) {
        let narrow = |v: i64| u32::try_from(v).unwrap_or(0);
        match self {
            Self::Full(values) => into.extend(values.iter().map(|&v| narrow(v))),
            Self::Gaps(cells) => into.extend(cells.iter().map(|c| c.map_or(0, narrow))),
        }
    }
}

/// Slots for the years a row may hold ([`YEARS`]).
fn year_slots() -> usize {
    usize::try_from(YEARS.end() - YEARS.start() + 1).unwrap_or_default()
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
            // The five text columns are coded, and the three integer columns read, in
            // parallel, each into its own problems, which are then taken in column order.
            let (
                (((practice_ids, pp), (area_ids, ap)), ((year, numerator, denominator), np)),
                (((sex_ids, sp), (band_ids, bp)), (indicator_ids, ip)),
            ) = rayon::join(
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || read_text(&batch, &mut practice, "practice_id", &judge_practice),
                                || read_text(&batch, &mut area, "area_code", &judge_area),
                            )
                        },
                        || read_integers(&batch),
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
            for problems in [pp, ap, sp, bp, ip, np] {
                p.absorb(problems);
            }
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
            let (year, numerator, denominator) = (
                Whole::of(&year),
                Whole::of(&numerator),
                Whole::of(&denominator),
            );
            let n = area_ids.len();
            // Each distinct year is indexed once, in order of appearance.
            let mut index_of = vec![None; year_slots()];
            let year_ids: Vec<u8> = (0..n)
                .map(|row| {
                    let y = year.get(row)?;
                    let slot = index_of.get_mut(usize::try_from(y - YEARS.start()).ok()?)?;
                    Some(*slot.get_or_insert_with(|| {
                        small_index(&mut years, i32::try_from(y).unwrap_or_default())
                    }))
                })
                .map(|id| id.unwrap_or(u8::MAX))
                .collect();
            // Problems found across columns, put in row order (a row's numerator first).
            let mut found = above_denominators(
                &batch,
                &indicator,
                &indicator_ids,
                &gp,
                &numerator,
                &denominator,
            );
            let first_year = *YEARS.start();
            let seen = (first_year..).zip(&index_of).filter(|(_, s)| s.is_some());
            for (y, _) in seen {
                let Ok(y32) = i32::try_from(y) else { continue };
                if population_years.is_empty()
                    || population_years.contains(&y32)
                    || missing_years.contains(&y32)
                {
                    continue;
                }
                let row = (0..n).find(|&row| year.get(row) == Some(y) && area_ids[row] != MISSING);
                if let Some(row) = row {
                    missing_years.insert(y32);
                    found.push((
                        row,
                        TableError::MissingPopulation {
                            at: batch.at(row, "year"),
                            code: area.text(area_ids[row]).to_owned(),
                            year: y32,
                        },
                    ));
                }
            }
            found.sort_by_key(|(row, _)| *row);
            for (_, problem) in found {
                p.push(problem);
            }
            // The compact rows, a column at a time, on both cores.
            rayon::join(
                || {
                    practice.extend(&mut rows.practice, &practice_ids, MISSING);
                    area.extend(&mut rows.buurt, &area_ids, MISSING);
                    rows.year.extend_from_slice(&year_ids);
                    numerator.extend_narrowed(&mut rows.numerator);
                },
                || {
                    sex.extend(&mut sexes, &sex_ids, u8::MAX);
                    band.extend(&mut rows.cell, &band_ids, u8::MAX);
                    indicator.extend(&mut rows.indicator, &indicator_ids, u16::MAX);
                    denominator.extend_narrowed(&mut rows.denominator);
                },
            );
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
    if !may_repeat(rows, sizes) {
        return;
    }
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

/// Rows of a proportion indicator whose numerator is larger than their denominator.
fn above_denominators(
    batch: &Table,
    indicator: &Judged<u16>,
    ids: &[u32],
    gp: &[&crate::Indicator],
    numerator: &Whole<'_>,
    denominator: &Whole<'_>,
) -> Vec<(usize, TableError)> {
    let proportion: Vec<bool> = indicator
        .values(u16::MAX)
        .into_iter()
        .map(|i| {
            gp.get(usize::from(i))
                .is_some_and(|ind| ind.kind == Kind::Proportion)
        })
        .collect();
    let mut found = Vec::new();
    for (row, &id) in ids.iter().enumerate() {
        if proportion.get(id as usize).copied().unwrap_or(false)
            && let (Some(n), Some(d)) = (numerator.get(row), denominator.get(row))
            && n > d
        {
            found.push((
                row,
                TableError::NumeratorAboveDenominator {
                    at: batch.at(row, "numerator"),
                    indicator: indicator.text(id).to_owned(),
                    numerator: n,
                    denominator: d,
                },
            ));
        }
    }
    found
}

/// Whether two rows may share a key (`false` proves they do not; `true` is then checked
/// exactly by sorting). The rows are grouped by practice, and each practice's keys are marked
/// in a bitmap ordered buurt first, so one practice's marks lie close together; the bitmap is
/// cleared after each practice. Memory: 4 bytes a row and a bitmap per task.
fn may_repeat(rows: &Rows, sizes: [usize; 5]) -> bool {
    let [practices, years, buurten, cells, indicators] = sizes;
    let span = buurten * years * indicators * cells;
    if span > 1 << 32 || u32::try_from(rows.len()).is_err() {
        return true;
    }
    // Rows grouped by practice (a counting sort); rows without a practice have no key.
    let mut start = vec![0_usize; practices + 1];
    for &practice in &rows.practice {
        if let Some(n) = start.get_mut(practice as usize + 1) {
            *n += 1;
        }
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut next = start.clone();
    let mut grouped = vec![0_u32; start[practices]];
    for (row, &practice) in (0_u32..).zip(&rows.practice) {
        if (practice as usize) < practices {
            grouped[next[practice as usize]] = row;
            next[practice as usize] += 1;
        }
    }
    let key = |row: u32| -> Option<usize> {
        let row = row as usize;
        let (b, y) = (rows.buurt[row] as usize, usize::from(rows.year[row]));
        let (i, c) = (
            usize::from(rows.indicator[row]),
            usize::from(rows.cell[row]),
        );
        (b < buurten && y < years && i < indicators && c < cells)
            .then(|| ((b * years + y) * indicators + i) * cells + c)
    };
    let words = span.div_ceil(64);
    (0..practices)
        .into_par_iter()
        .map_init(
            || vec![0_u64; words],
            |marks, practice| {
                let group = &grouped[start[practice]..start[practice + 1]];
                let mut repeated = false;
                for k in group.iter().filter_map(|&row| key(row)) {
                    let (word, bit) = (k / 64, 1_u64 << (k % 64));
                    repeated |= marks[word] & bit != 0;
                    marks[word] |= bit;
                }
                for k in group.iter().filter_map(|&row| key(row)) {
                    marks[k / 64] = 0;
                }
                repeated
            },
        )
        .any(|repeated| repeated)
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

    /// Rows for every practice × year × buurt × cell × indicator in `keys`, shuffled.
    fn rows_of(keys: &[[usize; 5]]) -> Rows {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        let mut state = 12_345_u64;
        for i in (1..order.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut rows = Rows::with_capacity(keys.len());
        for &[practice, year, buurt, cell, indicator] in order.iter().map(|&k| &keys[k]) {
            let narrow = |v: usize| u8::try_from(v).unwrap();
            rows.practice.push(u32::try_from(practice).unwrap());
            rows.year.push(narrow(year));
            rows.buurt.push(u32::try_from(buurt).unwrap());
            rows.cell.push(narrow(cell));
            rows.indicator.push(u16::try_from(indicator).unwrap());
            rows.numerator.push(0);
            rows.denominator.push(0);
        }
        rows
    }

    #[test]
    fn repeated_keys_are_found_within_a_practice_only() {
        let sizes = [40, 3, 11, 4, 5];
        let all: Vec<[usize; 5]> = (0..sizes.iter().product())
            .map(|mut k: usize| {
                sizes.map(|size| {
                    let part = k % size;
                    k /= size;
                    part
                })
            })
            .filter(|key| (key.iter().sum::<usize>()) % 3 != 0)
            .collect();
        // Every key once, each practice sharing its other parts with the other practices; on
        // one thread, practices follow each other on one bitmap.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        assert!(!one.install(|| may_repeat(&rows_of(&all), sizes)));
        assert!(!may_repeat(&rows_of(&all), sizes));
        // One key twice, wherever it lies.
        for at in [0, all.len() / 2, all.len() - 1] {
            let mut keys = all.clone();
            keys.push(all[at]);
            assert!(may_repeat(&rows_of(&keys), sizes), "key {:?}", all[at]);
        }
        // Rows with a rejected cell have no key, so they repeat nothing.
        let mut keys = all.clone();
        keys.extend([[2, 1, 3, usize::from(u8::MAX), 0]; 2]);
        assert!(!may_repeat(&rows_of(&keys), sizes));
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

    #[test]
    fn problems_of_a_batch_come_column_by_column_in_table_order() {
        // Text and whole-number columns are read in parallel; their problems still come in
        // the table's column order: practice, area, sex, band, indicator, year, numerator.
        let region = Region::demo().expect("demo");
        let mut frame = region
            .frame(TableName::GpCounts)
            .expect("gp counts")
            .slice(0, 20);
        let text = |frame: &DataFrame, name: &str, row: usize, value: &str| -> Column {
            let cells: StringChunked = frame
                .column(name)
                .expect("column")
                .str()
                .expect("text")
                .iter()
                .enumerate()
                .map(|(r, s)| if r == row { Some(value) } else { s })
                .collect();
            cells.with_name(name.into()).into_column()
        };
        let numerators: Int64Chunked = frame
            .column("numerator")
            .expect("numerator")
            .cast(&DataType::Int64)
            .expect("whole numbers")
            .i64()
            .expect("i64")
            .iter()
            .enumerate()
            .map(|(r, n)| if r == 1 { Some(-4) } else { n })
            .collect();
        let columns = [
            text(&frame, "sex", 4, "x"),
            text(&frame, "practice_id", 7, "NOPE"),
            numerators.with_name("numerator".into()).into_column(),
        ];
        for column in columns {
            let name = column.name().to_string();
            frame.replace(&name, column).expect("replace");
        }
        let table = Table::from_frame("gp_counts", frame);
        for batch in [100_000, 3] {
            let (counts, problems) = check(&region, &table, batch);
            assert!(counts.is_none());
            let found: Vec<&str> = problems
                .iter()
                .map(|p| p.split(':').next().unwrap_or_default())
                .collect();
            let expected = if batch == 3 {
                // Batches of three rows: row 2, then row 5, then row 8.
                [
                    "gp_counts, row 2, column `numerator`",
                    "gp_counts, row 5, column `sex`",
                    "gp_counts, row 8, column `practice_id`",
                ]
            } else {
                [
                    "gp_counts, row 8, column `practice_id`",
                    "gp_counts, row 5, column `sex`",
                    "gp_counts, row 2, column `numerator`",
                ]
            };
            // (Twenty rows hold two age bands only: that the bands do not tile comes last.)
            assert_eq!(found[..3], expected, "{problems:?}");
            assert!(found[3].ends_with("column `age_band`"), "{problems:?}");
        }
    }

    #[test]
    fn problems_found_across_columns_come_in_row_order() {
        let region = Region::demo().expect("demo");
        let mut frame = region.frame(TableName::GpCounts).expect("gp counts");
        let column = |frame: &DataFrame, name: &str| -> Vec<Option<i64>> {
            let cells = frame.column(name).expect("column").cast(&DataType::Int64);
            cells
                .expect("whole numbers")
                .i64()
                .expect("i64")
                .iter()
                .collect()
        };
        let indicators: Vec<Option<String>> = frame
            .column("indicator")
            .expect("indicator")
            .str()
            .expect("text")
            .iter()
            .map(|s| s.map(str::to_owned))
            .collect();
        // The first proportion row with a denominator, from each of three places on.
        let proportion = |row: usize| {
            indicators[row].as_deref().is_some_and(|id| {
                region
                    .catalogue
                    .get(id)
                    .is_some_and(|i| i.kind == Kind::Proportion)
            })
        };
        let denominators = column(&frame, "denominator");
        let at = |from: usize| {
            (from..frame.height())
                .find(|&r| proportion(r) && denominators[r].is_some_and(|d| d > 0))
                .expect("a proportion row")
        };
        let (first, second) = (at(10), at(700_000));
        let mut numerators = column(&frame, "numerator");
        for row in [first, second] {
            numerators[row] = denominators[row].map(|d| d + 1);
        }
        let mut years = column(&frame, "year");
        let missing = 300_000;
        years[missing] = Some(2019);
        for (name, cells) in [("numerator", numerators), ("year", years)] {
            let cells: Int64Chunked = cells.into_iter().collect();
            frame
                .replace(name, cells.with_name(name.into()).into_column())
                .expect("replace");
        }
        let area = frame
            .column("area_code")
            .expect("area")
            .str()
            .expect("text")
            .get(missing)
            .map(str::to_owned);
        let rows = frame.height();
        let table = Table::from_frame("gp_counts", frame);
        let above = |row: usize| {
            format!(
                "gp_counts, row {}, column `numerator`: numerator {} is larger than denominator {} for indicator `{}`",
                row + 1,
                denominators[row].unwrap_or_default() + 1,
                denominators[row].unwrap_or_default(),
                indicators[row].as_deref().unwrap_or_default(),
            )
        };
        let expected = [
            above(first),
            format!(
                "gp_counts, row {}, column `year`: no population for `{}` in 2019",
                missing + 1,
                area.unwrap_or_default()
            ),
            above(second),
        ];
        // In batches, and in one batch.
        for batch in [100_000, rows] {
            let (counts, problems) = check(&region, &table, batch);
            assert!(counts.is_none());
            assert_eq!(problems, expected, "batches of {batch} rows");
        }
    }
}
