//! `benchmarks` (`docs/data-contract.md`, "`benchmarks`"): reference values per indicator,
//! year, benchmark and sex, with both interval limits or neither.

use polars::prelude::*;

use crate::error::TableError;
use crate::table::{Problems, Reader, Table, check_unique};

use super::Context;
use super::general::{frame, indicator_refs, interval_order, sexes, year_column, years};

pub(super) fn nulls_f64(name: &str, len: usize) -> Float64Chunked {
    Float64Chunked::full_null(name.into(), len)
}

pub(super) fn benchmarks(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let indicator = r.text("indicator", true);
    let year = years(&mut r);
    let benchmark = r.text("benchmark", true);
    let label = r.text("label", true);
    let sex = r.text("sex", true);
    let value = r.number("value", true);
    let lower = r.number("lower", false);
    let upper = r.number("upper", false);
    let (indicator, year, benchmark, label, sex, value) =
        (indicator?, year?, benchmark?, label?, sex?, value?);
    let sex = sexes(sex, t, p, false);
    indicator_refs(&indicator, t, ctx, None, p);
    let lower = lower.unwrap_or_else(|| nulls_f64("lower", t.height()));
    let upper = upper.unwrap_or_else(|| nulls_f64("upper", t.height()));
    for row in 0..t.height() {
        if lower.get(row).is_some() != upper.get(row).is_some() {
            let column = if lower.get(row).is_some() {
                "upper"
            } else {
                "lower"
            };
            p.push(TableError::MissingValue {
                at: t.at(row, column),
            });
        }
    }
    interval_order(t, p, &value, &lower, &upper);
    check_unique(t, p, &[&indicator, &year, &benchmark, &sex]);
    frame(vec![
        indicator.column("indicator", None),
        year_column(&year),
        benchmark.column("benchmark", None),
        label.column("label", None),
        sex.column("sex"),
        value.into_column(),
        lower.into_column(),
        upper.into_column(),
    ])
}
