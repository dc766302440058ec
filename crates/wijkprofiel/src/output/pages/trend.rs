//! A table row's trend: the series drawn with its intervals beside the region and the
//! Netherlands, and the direction in words, better or worse by the indicator's polarity.

use std::fmt::Write as _;

use super::svg::{self, Point};
use super::{escape_html, judgement_text};
use crate::output::IndicatorFigures;
use crate::profile::Language;
use crate::profile::figure::{Figure, TrendFigure};
use crate::profile::numbers::value as number;

/// The trend cell of `f`'s row: its indicator's series in `f`'s mode as a chart, the
/// direction in words and, for a health-monitor figure, its judgement against the previous
/// round.
pub(super) fn cell(ind: &IndicatorFigures, f: &Figure, language: Language) -> String {
    let mut series: Vec<&Figure> = ind
        .figures
        .iter()
        .copied()
        .filter(|g| g.mode == f.mode)
        .collect();
    series.sort_by_key(|g| g.year);
    let points: Vec<Point> = series
        .iter()
        .map(|g| {
            let v = g.published().map(|v| [v.value, v.lower, v.upper]);
            (g.year, v)
        })
        .collect();
    let line = |of: fn(&Figure) -> Option<f64>| -> Vec<(i32, f64)> {
        series
            .iter()
            .filter_map(|g| Some((g.year, of(g)?)))
            .collect()
    };
    let region = line(|g| g.standing.region.value);
    let national = line(Figure::national_in_unit);
    let words = f.standing.trend.map(|t| words(t, language));
    let alt = alt(
        ind.label,
        &points,
        &region,
        &national,
        words.as_deref(),
        language,
    );
    let mut out = svg::trend(&points, [&region, &national], &alt);
    if let Some(words) = words {
        let gap = if out.is_empty() { "" } else { "<br>" };
        let _ = write!(out, "{gap}{}", escape_html(&words));
    }
    if let (Some(year), false) = (f.standing.previous_year, f.standing.previous.is_unset()) {
        let against = language.pick("t.o.v.", "vs");
        let judged = judgement_text(f.standing.previous.judgement, language);
        let _ = write!(out, "<br><small>{against} {year}: {judged}</small>");
    }
    out
}

/// A trend as an arrow and words, with whether that is better or worse where the
/// indicator has a polarity ("↑ stijgend, slechter"), as the trend's label says it.
fn words(t: TrendFigure, language: Language) -> String {
    let pick = |nl, en| language.pick(nl, en);
    let (arrow, direction) = match t.direction {
        "increasing" => ("↑", pick("stijgend", "increasing")),
        "decreasing" => ("↓", pick("dalend", "decreasing")),
        "no-significant-change" => (
            "→",
            pick("geen significante verandering", "no significant change"),
        ),
        _ => return pick("niet te berekenen", "cannot be calculated").to_owned(),
    };
    if t.label.ends_with("getting better") {
        format!("{arrow} {direction}, {}", pick("beter", "better"))
    } else if t.label.ends_with("getting worse") {
        format!("{arrow} {direction}, {}", pick("slechter", "worse"))
    } else {
        format!("{arrow} {direction}")
    }
}

/// What the trend chart shows, in words: the first and last years published, the
/// comparators over the same years, and the direction.
fn alt(
    label: &str,
    points: &[Point],
    region: &[(i32, f64)],
    national: &[(i32, f64)],
    words: Option<&str>,
    language: Language,
) -> String {
    let shown: Vec<(i32, f64)> = points
        .iter()
        .filter_map(|&(y, v)| Some((y, v?[0])))
        .collect();
    let (Some(&(y0, v0)), Some(&(y1, v1))) = (shown.first(), shown.last()) else {
        return String::new();
    };
    let n = |v: f64| number(Some(v), language);
    let pick = |nl, en| language.pick(nl, en);
    let mut out = format!(
        "{label} {y0}–{y1}: {} {} {} {}",
        pick("van", "from"),
        n(v0),
        pick("naar", "to"),
        n(v1)
    );
    let names = [
        pick("de regio", "the region"),
        pick("Nederland", "the Netherlands"),
    ];
    for (line, name) in [region, national].into_iter().zip(names) {
        let at = |year: i32| line.iter().find(|p| p.0 == year).map(|p| p.1);
        if let (Some(a), Some(b)) = (at(y0), at(y1)) {
            let _ = write!(out, "; {name} {} → {}", n(a), n(b));
        }
    }
    if let Some(words) = words {
        let _ = write!(out, "; {words}");
    }
    out
}
