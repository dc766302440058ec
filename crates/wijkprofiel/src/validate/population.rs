//! `population` (`docs/data-contract.md`, "`population`"): residents per buurt, year, sex and
//! age band; every buurt in every year.

use std::collections::{BTreeSet, HashMap, HashSet};

use polars::prelude::*;

use crate::area::Level;
use crate::error::TableError;
use crate::table::{Problems, Reader, Table, check_unique};

use super::Context;
use super::general::{COUNT, area_refs, bands, frame, sexes, year_column, years};

pub(super) fn population(
    t: &Table,
    ctx: &Context<'_>,
    p: &mut Problems,
) -> Option<(DataFrame, BTreeSet<i32>)> {
    let mut r = Reader::new(t, p);
    let area = r.text("area_code", true);
    let year = years(&mut r);
    let sex = r.text("sex", true);
    let band = r.text("age_band", true);
    let residents = r.integer("residents", true, 0..=i64::from(u32::MAX), COUNT);
    let (area, year, sex, band, residents) = (area?, year?, sex?, band?, residents?);
    let sex = sexes(sex, t, p, true);
    let band = bands(band, t, "age_band", p, true);
    area_refs(
        &area,
        t,
        "area_code",
        ctx,
        &[Level::Buurt],
        "buurten (higher levels are summed from them)",
        p,
    );
    check_unique(t, p, &[&area, &year, &sex, &band]);
    let years: BTreeSet<i32> = year
        .0
        .iter()
        .flatten()
        .filter_map(|y| i32::try_from(y).ok())
        .collect();
    if let Some(areas) = ctx.areas {
        let mut present: HashSet<(u32, i64)> = HashSet::new();
        for row in 0..t.height() {
            if let (Some(a), Some(y)) = (area.id(row), year.get(row)) {
                present.insert((a, y));
            }
        }
        let ids: HashMap<&str, u32> = area
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((v.as_str(), u32::try_from(i).ok()?)))
            .collect();
        for buurt in areas.at_level(Level::Buurt) {
            for &y in &years {
                let found = ids
                    .get(buurt.code.as_str())
                    .is_some_and(|id| present.contains(&(*id, i64::from(y))));
                if !found {
                    p.push(TableError::MissingPopulation {
                        at: t.whole().column("area_code"),
                        code: buurt.code.clone(),
                        year: y,
                    });
                }
            }
        }
    }
    let frame = frame(vec![
        area.column("area_code", None),
        year_column(&year),
        sex.column("sex"),
        band.column("age_band"),
        residents.into_column(),
    ])?;
    Some((frame, years))
}
