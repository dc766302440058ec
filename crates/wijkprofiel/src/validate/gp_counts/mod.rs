//! `gp_counts` (`docs/data-contract.md`, "`gp_counts`"), the largest table (55 million rows
//! for the whole country), checked a batch at a time into compact rows: its text columns are
//! never all in memory, and each distinct code is judged once.
//!
//! This file holds the rules: what each column's values must be (the judges), the checks
//! across a batch's columns, and those over the whole table. `columns.rs` is the batch
//! plumbing, `duplicates.rs` the search for repeated keys.

mod columns;
mod duplicates;

use std::collections::{BTreeSet, HashMap};

use super::Context;
use super::general::{YEARS, area_level, band_of, check_tiling, sex_of, unknown_indicator};
use crate::area::Level;
use crate::catalogue::{Kind, Source};
use crate::cube::{Cells, GpCounts, Rows};
use crate::error::TableError;
use crate::progress::Meter;
use crate::social::Practice;
use crate::table::{BATCH_ROWS, MISSING, Problems, Table};
use crate::{AgeBand, Sex};
use columns::{Coders, Judged, Judges, Problem, Verdict, Whole, each_batch, small_index};
use duplicates::{Names, duplicates};

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

/// Checks `gp_counts` against the areas, catalogue, practices and population years; returns
/// the counts when no problem has been found in it or before it.
pub(super) fn gp_counts(
    t: &Table,
    ctx: &Context<'_>,
    practices: Option<&[Practice]>,
    population_years: &BTreeSet<i32>,
    p: &mut Problems,
    meter: &Meter<'_>,
) -> Option<GpCounts> {
    in_batches(t, ctx, practices, population_years, p, BATCH_ROWS, meter)
}

/// [`gp_counts`] with batches of about `batch_rows` rows.
fn in_batches(
    t: &Table,
    ctx: &Context<'_>,
    practices: Option<&[Practice]>,
    population_years: &BTreeSet<i32>,
    p: &mut Problems,
    batch_rows: usize,
    meter: &Meter<'_>,
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

    // Distinct years and bands in order of appearance; rows hold their index until the end.
    let (mut years, mut bands): (Vec<i32>, Vec<AgeBand>) = (Vec::new(), Vec::new());
    // Past 254 distinct bands the index saturates; such bands cannot tile, which is reported
    // below.
    let mut judge_band = |v: &str| -> Verdict<u8> {
        match band_of(v) {
            Ok(b) => Ok(small_index(&mut bands, b)),
            Err(expected) => Err(bad_value(v, expected)),
        }
    };
    let mut judges = Judges {
        practice: &judge_practice,
        area: &judge_area,
        sex: &judge_sex,
        band: &mut judge_band,
        indicator: &judge_indicator,
    };
    let mut coders = Coders::new();
    let mut missing_years = BTreeSet::new();
    let mut rows = Rows::with_capacity(t.height());
    let mut sexes: Vec<u8> = Vec::with_capacity(t.height());
    each_batch(t, batch_rows, p, |table, p| {
        let batch = coders.read(table, &mut judges, p)?;
        let (year, numerator, denominator) = (
            Whole::of(&batch.year),
            Whole::of(&batch.numerator),
            Whole::of(&batch.denominator),
        );
        let n = batch.area.len();
        meter.add(n as u64);
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
            &batch.table,
            &coders.indicator,
            &batch.indicator,
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
            let row = (0..n).find(|&row| year.get(row) == Some(y) && batch.area[row] != MISSING);
            if let Some(row) = row {
                missing_years.insert(y32);
                found.push((
                    row,
                    TableError::MissingPopulation {
                        at: batch.table.at(row, "year"),
                        code: coders.area.text(batch.area[row]).to_owned(),
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
        let c = &coders;
        rayon::join(
            || {
                c.practice
                    .extend(&mut rows.practice, &batch.practice, MISSING);
                c.area.extend(&mut rows.buurt, &batch.area, MISSING);
                rows.year.extend_from_slice(&year_ids);
                numerator.extend_narrowed(&mut rows.numerator);
            },
            || {
                c.sex.extend(&mut sexes, &batch.sex, u8::MAX);
                c.band.extend(&mut rows.cell, &batch.band, u8::MAX);
                c.indicator
                    .extend(&mut rows.indicator, &batch.indicator, u16::MAX);
                denominator.extend_narrowed(&mut rows.denominator);
            },
        );
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
        let meter = Meter::silent(crate::progress::Phase::Validating);
        let counts = in_batches(
            table,
            &ctx,
            Some(&region.practices),
            &years,
            &mut p,
            rows,
            &meter,
        );
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
