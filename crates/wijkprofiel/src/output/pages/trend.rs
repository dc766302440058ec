//! A table row's trend: the series drawn with its intervals beside the region and the
//! Netherlands, and the direction in words, better or worse by the indicator's polarity.

use std::fmt::Write as _;

use super::svg::{self, Point};
use super::{escape_html, judgement_text};
use crate::Polarity;
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
    let words = f.standing.trend.map(|t| words(t, ind.polarity, language));
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
        let against = if language == Language::En {
            "vs"
        } else {
            "t.o.v."
        };
        let judged = judgement_text(f.standing.previous.judgement, language);
        let _ = write!(out, "<br><small>{against} {year}: {judged}</small>");
    }
    out
}

/// A trend as an arrow and words, with whether that is better or worse where the
/// indicator has a polarity: "↑ stijgend, slechter".
pub(super) fn words(t: TrendFigure, polarity: Polarity, language: Language) -> String {
    let en = language == Language::En;
    let (arrow, direction, up) = match t.direction {
        "increasing" => ("↑", if en { "increasing" } else { "stijgend" }, true),
        "decreasing" => ("↓", if en { "decreasing" } else { "dalend" }, false),
        "no-significant-change" => {
            let words = if en {
                "no significant change"
            } else {
                "geen significante verandering"
            };
            return format!("→ {words}");
        }
        _ => {
            return if en {
                "cannot be calculated"
            } else {
                "niet te berekenen"
            }
            .to_owned();
        }
    };
    let better = match polarity {
        Polarity::HigherBetter => Some(up),
        Polarity::LowerBetter => Some(!up),
        _ => None,
    };
    match better {
        Some(true) => format!(
            "{arrow} {direction}, {}",
            if en { "better" } else { "beter" }
        ),
        Some(false) => format!(
            "{arrow} {direction}, {}",
            if en { "worse" } else { "slechter" }
        ),
        None => format!("{arrow} {direction}"),
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
    let en = language == Language::En;
    let mut out = format!(
        "{label} {y0}–{y1}: {} {} {} {}",
        if en { "from" } else { "van" },
        n(v0),
        if en { "to" } else { "naar" },
        n(v1)
    );
    let names = if en {
        ["the region", "the Netherlands"]
    } else {
        ["de regio", "Nederland"]
    };
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
