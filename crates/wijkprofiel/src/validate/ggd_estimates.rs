//! `ggd_estimates` (`docs/data-contract.md`, "`ggd_estimates`"): estimates per area, year,
//! indicator and age group, with ordered intervals and percentages from 0 to the multiplier.

use polars::prelude::*;

use crate::area::Level;
use crate::catalogue::{Kind, Source};
use crate::error::TableError;
use crate::table::{Problems, Reader, Table, check_unique};

use super::Context;
use super::general::{
    COUNT, area_refs, bands, frame, indicator_refs, interval_order, year_column, years,
};

pub(super) fn ggd_estimates(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let mut r = Reader::new(t, p);
    let area = r.text("area_code", true);
    let year = years(&mut r);
    let indicator = r.text("indicator", true);
    let group = r.text("age_group", true);
    let value = r.number("value", true);
    let lower = r.number("lower", true);
    let upper = r.number("upper", true);
    let respondents = r.integer("respondents", false, 0..=10_000_000, COUNT);
    let (area, year, indicator, group, value, lower, upper) =
        (area?, year?, indicator?, group?, value?, lower?, upper?);
    let group = bands(group, t, "age_group", p, false);
    area_refs(
        &area,
        t,
        "area_code",
        ctx,
        &[Level::Buurt, Level::Wijk, Level::Gemeente, Level::Region],
        "buurten, wijken, gemeenten or the region",
        p,
    );
    indicator_refs(&indicator, t, ctx, Some(Source::Ggd), p);
    interval_order(t, p, &value, &lower, &upper);
    if let Some(catalogue) = ctx.catalogue {
        let percent: Vec<Option<f64>> = indicator
            .values
            .iter()
            .map(|id| {
                catalogue
                    .get(id)
                    .filter(|i| i.kind == Kind::Proportion)
                    .map(|i| i.multiplier)
            })
            .collect();
        for row in 0..t.height() {
            let Some(max) = indicator.id(row).and_then(|i| percent[i as usize]) else {
                continue;
            };
            for (column, v) in [("value", &value), ("lower", &lower), ("upper", &upper)] {
                if let Some(v) = v.get(row).filter(|v| !(0.0..=max).contains(v)) {
                    p.push(TableError::BadValue {
                        at: t.at(row, column),
                        value: v.to_string(),
                        expected: format!("a percentage from 0 to {max}"),
                    });
                }
            }
        }
    }
    check_unique(t, p, &[&area, &year, &indicator, &group]);
    let respondents =
        respondents.unwrap_or_else(|| Int64Chunked::full_null("respondents".into(), t.height()));
    frame(vec![
        area.column("area_code", None),
        year_column(&year),
        indicator.column("indicator", None),
        group.column("age_group"),
        value.into_column(),
        lower.into_column(),
        upper.into_column(),
        respondents.into_column(),
    ])
}
