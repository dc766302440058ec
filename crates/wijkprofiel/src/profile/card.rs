//! A compact HTML card of one area for notebooks: its priority themes and a spine chart of
//! its latest figures by residence. Self-contained (inline SVG and styles), every text
//! escaped, colours from a colour-blind-safe palette and always with a text label.

use std::fmt::Write as _;

use super::figure::{Figure, Mode};
use super::{Language, Profiles, priorities};
use crate::Polarity;
use crate::stats::compare::Judgement;

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
///
/// ```
/// # use wijkprofiel::profile::escape_html;
/// assert_eq!(escape_html("<script>\"x\" & 'y'"), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;");
/// ```
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Okabe–Ito colours by judgement (colour-blind safe; the label is always written too).
fn colour(j: Judgement) -> &'static str {
    match j {
        Judgement::Best | Judgement::Better => "#0072B2",
        Judgement::Similar => "#E69F00",
        Judgement::Worse | Judgement::Worst => "#D55E00",
        Judgement::Higher => "#CC79A7",
        Judgement::Lower => "#56B4E9",
        Judgement::NotCompared | Judgement::NotAvailable => "#999999",
    }
}

const WIDTH: f64 = 180.0;

/// One spine: worst to best among the level's areas, the middle half darker, the benchmark
/// as the centre line, the area's value as a dot. Better lies to the right.
pub(crate) fn spine_svg(
    spine: [f64; 5],
    benchmark: f64,
    value: f64,
    judgement: Judgement,
) -> String {
    let [worst, p25, _, p75, best] = spine;
    let reach = [worst, best, value]
        .iter()
        .map(|v| (v - benchmark).abs())
        .fold(f64::EPSILON, f64::max);
    let towards_best = if best >= worst { 1.0 } else { -1.0 };
    let x = |v: f64| WIDTH * (0.5 + 0.5 * towards_best * (v - benchmark) / reach);
    let span = |a: f64, b: f64| (x(a).min(x(b)), (x(a) - x(b)).abs());
    let (outer_x, outer_w) = span(worst, best);
    let (inner_x, inner_w) = span(p25, p75);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"14\" \
         viewBox=\"0 0 {WIDTH} 14\" role=\"img\" aria-label=\"spine chart\">\
         <rect x=\"{outer_x:.1}\" y=\"3\" width=\"{outer_w:.1}\" height=\"8\" fill=\"#d9d9d9\"/>\
         <rect x=\"{inner_x:.1}\" y=\"3\" width=\"{inner_w:.1}\" height=\"8\" fill=\"#a6a6a6\"/>\
         <line x1=\"{c:.1}\" y1=\"0\" x2=\"{c:.1}\" y2=\"14\" stroke=\"#000\" stroke-width=\"1.5\"/>\
         <circle cx=\"{v:.1}\" cy=\"7\" r=\"4.5\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"0.5\"/>\
         </svg>",
        c = WIDTH / 2.0,
        v = x(value),
        fill = colour(judgement),
    )
}

impl Profiles {
    /// One area's card as HTML (for Jupyter): the priority themes and, per indicator, the
    /// latest figure by residence with its judgement and spine chart. `None` for an unknown
    /// area or the country.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let card = profiles.card_html("WK990100").expect("a demo wijk");
    /// assert!(card.contains("Centrum") && card.contains("<svg"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn card_html(&self, code: &str) -> Option<String> {
        let doc = self.document(code)?;
        let en = self.options.language == Language::En;
        let t = |nl: &'static str, english: &'static str| if en { english } else { nl };
        let mut out = String::new();
        let _ = write!(
            out,
            "<div class=\"wijkprofiel-card\" style=\"font-family:sans-serif;font-size:13px\">\
             <h3 style=\"margin:0 0 4px\">{} <small>({}, {})</small></h3>",
            escape_html(&doc.area.name),
            escape_html(&doc.area.code),
            doc.area.level.as_str(),
        );
        if doc.dataset.synthetic {
            let _ = write!(
                out,
                "<p style=\"margin:0 0 6px;color:#D55E00\"><strong>{}</strong></p>",
                t(
                    "Synthetische demodata: fictieve gebieden en personen",
                    "Synthetic demo data: fictional areas and persons"
                )
            );
        }
        let _ = write!(
            out,
            "<p style=\"margin:4px 0\"><strong>{}</strong></p><ol>",
            t("Prioriteiten", "Priority themes")
        );
        let own: Vec<&Figure> = self.figures_of(code).iter().collect();
        let themes = priorities::rank(&own, &self.catalogue, |th| {
            if en {
                th.label_en.clone()
            } else {
                th.label_nl.clone()
            }
        });
        for theme in themes.iter().take(5) {
            let _ = write!(
                out,
                "<li>{}: {} {}</li>",
                escape_html(&theme.label),
                theme.worse.len(),
                t("indicatoren slechter", "indicators worse"),
            );
        }
        let _ = write!(
            out,
            "</ol><table style=\"border-collapse:collapse\"><thead><tr>\
             <th style=\"text-align:left\">{}</th><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th></tr></thead><tbody>",
            t("Indicator", "Indicator"),
            t("Jaar", "Year"),
            t("Waarde", "Value"),
            t("Oordeel", "Judgement"),
            t(
                "Spine chart (rechts = beter)",
                "Spine chart (right = better)"
            ),
        );
        for ind in &doc.indicators {
            let Some(f) = ind
                .figures
                .iter()
                .filter(|f| f.mode == Mode::Residence)
                .max_by_key(|f| f.year)
            else {
                continue;
            };
            let judged = if f.standing.national.judgement == Judgement::NotAvailable {
                f.standing.region
            } else {
                f.standing.national
            };
            let (value, chart) = match f.published() {
                Some(v) => {
                    let benchmark = f.standing.region.value.unwrap_or(v.value);
                    let chart = f
                        .standing
                        .spine
                        .filter(|_| ind.polarity != Polarity::NotCompared)
                        .map(|s| spine_svg(s, benchmark, v.value, judged.judgement))
                        .unwrap_or_default();
                    (format!("{:.1}", v.value), chart)
                }
                None => (
                    format!("— ({})", escape_html(f.status.label())),
                    String::new(),
                ),
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td style=\"text-align:right\">{}</td>\
                 <td>{}</td><td>{}</td></tr>",
                escape_html(ind.label),
                f.year,
                value,
                judged.judgement.label(),
                chart,
            );
        }
        out.push_str("</tbody></table></div>");
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileBuilder;
    use crate::{Areas, Region};

    #[test]
    fn a_spine_puts_better_to_the_right_whatever_the_polarity() {
        // Higher is better: best 90 lies right of the benchmark 50.
        let svg = spine_svg(
            [10.0, 30.0, 50.0, 70.0, 90.0],
            50.0,
            80.0,
            Judgement::Better,
        );
        insta::assert_snapshot!(svg);
        // Lower is better: the same numbers mirror, so the value 80 lies left.
        let mirrored = spine_svg([90.0, 70.0, 50.0, 30.0, 10.0], 50.0, 80.0, Judgement::Worse);
        assert!(
            mirrored.contains("cx=\"22.5\"") && svg.contains("cx=\"157.5\""),
            "{mirrored}"
        );
        assert!(mirrored.contains(colour(Judgement::Worse)));
    }

    #[test]
    fn names_are_shown_as_text_never_as_markup() {
        let mut region = Region::demo().expect("demo");
        let areas: Vec<_> = region
            .areas
            .iter()
            .cloned()
            .map(|mut a| {
                if a.code == "WK990100" {
                    a.name = "<script>alert('x')</script> \"Centrum\"".into();
                }
                a
            })
            .collect();
        region.areas = Areas::new(areas);
        let profiles = ProfileBuilder::new()
            .years([2024])
            .build(&region)
            .expect("build");
        let card = profiles.card_html("WK990100").expect("card");
        assert!(!card.contains("<script") && !card.contains("'x'"), "{card}");
        assert!(
            card.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Centrum&quot;")
        );
        assert!(card.matches("<svg").count() > 5, "spine charts drawn");
        assert!(card.contains("Synthetische demodata"));
        assert_eq!(profiles.card_html("NL01"), None);
    }
}
