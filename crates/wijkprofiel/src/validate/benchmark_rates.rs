//! `benchmark_rates` (`docs/data-contract.md`, "`benchmark_rates`"): reference rates of GP
//! indicators per sex and age band, for indirect standardisation.

use polars::prelude::*;

use crate::catalogue::Source;
use crate::error::TableError;
use crate::table::{Problems, Reader, Table, check_unique};

use super::Context;
use super::general::{bands, frame, indicator_refs, sexes, year_column, years};

pub(super) fn benchmark_rates(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let indicator = r.text("indicator", true);
    let year = years(&mut r);
    let benchmark = r.text("benchmark", true);
    let sex = r.text("sex", true);
    let band = r.text("age_band", true);
    let rate = r.number("rate", true);
    let (indicator, year, benchmark, sex, band, rate) =
        (indicator?, year?, benchmark?, sex?, band?, rate?);
    let sex = sexes(sex, t, p, true);
    let band = bands(band, t, "age_band", p, true);
    indicator_refs(&indicator, t, ctx, Some(Source::Gp), p);
    for (row, v) in rate.iter().enumerate() {
        if let Some(v) = v.filter(|v| *v < 0.0) {
            p.push(TableError::BadValue {
                at: t.at(row, "rate"),
                value: v.to_string(),
                expected: "a rate of at least 0".into(),
            });
        }
    }
    check_unique(t, p, &[&indicator, &year, &benchmark, &sex, &band]);
    frame(vec![
        indicator.column("indicator", None),
        year_column(&year),
        benchmark.column("benchmark", None),
        sex.column("sex"),
        band.column("age_band"),
        rate.into_column(),
    ])
}
