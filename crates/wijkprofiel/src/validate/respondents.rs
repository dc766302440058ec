//! `respondents` (`docs/data-contract.md`, "`respondents`"): the health monitor's
//! respondent-level file, one row per respondent: the area they live in, the round, the
//! design's columns as the catalogue's `[survey]` section names them, sex and age where
//! indicators are scoped by them, and the answer column of every indicator with a
//! `survey` question. The validated table keeps the file's column names.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;

use crate::area::Level;
use crate::catalogue::Question;
use crate::error::TableError;
use crate::stats::survey::LonelyPsu;
use crate::table::{Problems, Reader, Table};
use crate::{AgeBand, Sex};

use super::Context;
use super::general::{area_refs, frame, sex_of, year_column, years};

/// A stratum of a round: the round's year and the stratum's text code (none without
/// strata).
type StratumKey = (Option<i64>, Option<u32>);

pub(super) fn respondents(t: &Table, ctx: &Context<'_>, p: &mut Problems) -> Option<DataFrame> {
    let catalogue = ctx.catalogue?;
    let settings = catalogue.survey();
    let questions: Vec<(&str, &Question)> = catalogue
        .indicators()
        .iter()
        .filter_map(|ind| Some((ind.id.as_str(), ind.survey.as_ref()?)))
        .collect();
    let scoped = |by: fn(&crate::Indicator) -> bool| {
        catalogue
            .indicators()
            .iter()
            .any(|ind| ind.survey.is_some() && by(ind))
    };
    let needs_age = scoped(|ind| {
        ind.age
            .parse::<AgeBand>()
            .is_ok_and(|b| b.lower > 0 || b.upper.is_some())
    });
    let needs_sex = scoped(|ind| ind.sex != "all");

    let reserved = settings.columns();
    let mut r = Reader::new(t, p);
    let area = r.text("area_code", true);
    let year = years(&mut r);
    let weight = r.number(&settings.weight, true);
    let stratum = settings.stratum.as_ref().map(|c| r.text(c, true));
    let psu = settings.psu.as_ref().map(|c| r.text(c, true));
    let fpc = settings.fpc.as_ref().map(|c| r.number(c, true));
    let sex = r.text("sex", needs_sex);
    let age = r.integer("age", needs_age, 0..=130, "an age in whole years");
    let mut answers = Vec::with_capacity(questions.len());
    for &(indicator, q) in &questions {
        if reserved.contains(&q.question.as_str()) {
            r.problems.push(TableError::UnknownIndicator {
                at: t.whole().column(&q.question),
                indicator: indicator.to_owned(),
                reason: "asks a question by the name of a column of the design (area, round, weight, stratum, PSU, population, sex or age)",
            });
            answers.push(None);
        } else if !t.has_column(&q.question) {
            r.problems.push(TableError::UnknownIndicator {
                at: t.whole().column(&q.question),
                indicator: indicator.to_owned(),
                reason: "asks this question, but `respondents` has no column by its name",
            });
            answers.push(None);
        } else {
            answers.push(r.number(&q.question, false));
        }
    }
    let (area, year, weight) = (area?, year?, weight?);
    let stratum = stratum.map(|s| s.ok_or(())).transpose().ok()?;
    let psu = psu.map(|s| s.ok_or(())).transpose().ok()?;
    let fpc = fpc.map(|s| s.ok_or(())).transpose().ok()?;

    area_refs(
        &area,
        t,
        "area_code",
        ctx,
        &[Level::Buurt, Level::Wijk, Level::Gemeente],
        "buurten, wijken or gemeenten",
        p,
    );
    for row in 0..t.height() {
        if let Some(w) = weight.get(row).filter(|w| *w <= 0.0) {
            p.push(TableError::BadValue {
                at: t.at(row, &settings.weight),
                value: w.to_string(),
                expected: "a positive weight".into(),
            });
        }
    }
    let sex = sex.map(|s| {
        let parsed = s.parse_each(t, "sex", p, |v| sex_of(v, true));
        let canonical: Vec<Option<String>> = parsed
            .iter()
            .map(|v| v.map(|s: Sex| s.to_string()))
            .collect();
        s.column("sex", Some(&canonical))
    });
    for (&(indicator, q), column) in questions.iter().zip(&answers) {
        let Some(column) = column else { continue };
        for (row, answer) in column.iter().enumerate() {
            if let Some(a) = answer.filter(|&a| !q.knows(a)) {
                p.push(TableError::BadValue {
                    at: t.at(row, &q.question),
                    value: a.to_string(),
                    expected: codes_expected(indicator, q),
                });
            }
        }
    }
    let sampled = sampled_psus(t, &year, stratum.as_ref(), psu.as_ref());
    if let (Some(fpc), Some(column)) = (&fpc, &settings.fpc) {
        fpc_rules(t, column, &year, &sampled, stratum.as_ref(), fpc, p);
    }
    if settings.lonely_psu == LonelyPsu::Fail {
        lonely_psus(t, settings, &sampled, stratum.as_ref(), p);
    }

    let mut columns = vec![
        area.column("area_code", None),
        year_column(&year),
        weight
            .with_name(settings.weight.as_str().into())
            .into_column(),
    ];
    if let (Some(s), Some(name)) = (&stratum, &settings.stratum) {
        columns.push(s.column(name, None));
    }
    if let (Some(c), Some(name)) = (&psu, &settings.psu) {
        columns.push(c.column(name, None));
    }
    if let (Some(f), Some(name)) = (fpc, &settings.fpc) {
        columns.push(f.with_name(name.as_str().into()).into_column());
    }
    columns.extend(sex);
    if let Some(a) = age {
        columns.push(a.with_name("age".into()).into_column());
    }
    let mut named = BTreeSet::new();
    for (&(_, q), column) in questions.iter().zip(answers) {
        if let Some(c) = column.filter(|_| named.insert(q.question.clone())) {
            columns.push(c.into_column());
        }
    }
    frame(columns)
}

/// What a question's answers may be, for a problem's text.
fn codes_expected(indicator: &str, q: &Question) -> String {
    let list = |codes: &[i64]| {
        codes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing = if q.missing.is_empty() {
        String::new()
    } else {
        format!(", or a missing code ({})", list(&q.missing))
    };
    format!(
        "an answer code of indicator `{indicator}` ({}){missing}",
        list(&q.codes)
    )
}

/// The PSUs sampled in each stratum of each round, with the first row of the stratum (the
/// whole sample one stratum without strata; every respondent a PSU without PSUs).
fn sampled_psus(
    t: &Table,
    year: &super::general::Years,
    stratum: Option<&crate::table::Coded>,
    psu: Option<&crate::table::Coded>,
) -> HashMap<StratumKey, (usize, BTreeSet<u64>)> {
    let mut psus: HashMap<StratumKey, (usize, BTreeSet<u64>)> = HashMap::new();
    for row in 0..t.height() {
        let h = stratum.and_then(|s| s.id(row));
        let c = psu.map_or(row as u64, |c| u64::from(c.id(row).unwrap_or(u32::MAX)));
        psus.entry((year.get(row), h))
            .or_insert_with(|| (row, BTreeSet::new()))
            .1
            .insert(c);
    }
    psus
}

/// The population of PSUs is a number of the stratum: the same for all its respondents of
/// a round, and no smaller than the PSUs sampled from it.
fn fpc_rules(
    t: &Table,
    column: &str,
    year: &super::general::Years,
    sampled: &HashMap<StratumKey, (usize, BTreeSet<u64>)>,
    stratum: Option<&crate::table::Coded>,
    fpc: &Float64Chunked,
    p: &mut Problems,
) {
    let mut first: HashMap<StratumKey, (usize, f64)> = HashMap::new();
    for row in 0..t.height() {
        let Some(big) = fpc.get(row) else { continue };
        let key = (year.get(row), stratum.and_then(|s| s.id(row)));
        let (at, seen) = *first.entry(key).or_insert((row, big));
        if seen != big {
            p.push(TableError::BadValue {
                at: t.at(row, column),
                value: big.to_string(),
                expected: format!(
                    "the stratum's population of PSUs, {seen} as in row {} of the same \
                     stratum and year",
                    at + 1
                ),
            });
        }
    }
    let mut keys: Vec<_> = first.into_iter().collect();
    keys.sort_unstable_by_key(|(_, (row, _))| *row);
    for (key, (row, big)) in keys {
        let sampled = sampled.get(&key).map_or(0, |(_, set)| set.len());
        if big < sampled as f64 {
            p.push(TableError::BadValue {
                at: t.at(row, column),
                value: big.to_string(),
                expected: format!("at least the {sampled} PSUs sampled from the stratum"),
            });
        }
    }
}

/// Under `lonely_psu = "fail"`, a stratum with one PSU in a round is an error: its
/// variance cannot be estimated.
fn lonely_psus(
    t: &Table,
    settings: &crate::catalogue::SurveySettings,
    sampled: &HashMap<StratumKey, (usize, BTreeSet<u64>)>,
    stratum: Option<&crate::table::Coded>,
    p: &mut Problems,
) {
    let mut lonely: Vec<_> = sampled
        .iter()
        .filter(|(_, (_, set))| set.len() < 2)
        .map(|(&(y, h), &(row, _))| (row, y, h))
        .collect();
    lonely.sort_unstable();
    let column = settings.stratum.as_deref().unwrap_or(&settings.weight);
    for (row, y, h) in lonely {
        let name = h
            .and_then(|h| stratum.map(|s| s.values[h as usize].clone()))
            .unwrap_or_else(|| "the whole sample".into());
        p.push(TableError::Design {
            at: t.at(row, column),
            detail: format!(
                "stratum `{name}` has one PSU in {}: its variance cannot be estimated \
                 (merge it with another stratum, or set `lonely_psu` in the catalogue's \
                 `[survey]`)",
                y.map_or_else(|| "its round".into(), |y| y.to_string())
            ),
        });
    }
}
