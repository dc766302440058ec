//! A compact HTML card of one area for notebooks: its priority themes and a spine chart of
//! its latest figures by residence. Self-contained (inline SVG and styles), every text
//! escaped, colours from a colour-blind-safe palette and always with a text label.

use std::fmt::Write as _;

use super::pages::svg::spine;
use super::pages::{
    escape_html, headline_judgement, judgement_text, spine_alt, spine_benchmark, status_text,
};
use crate::Polarity;
use crate::profile::figure::{Figure, Mode};
use crate::profile::numbers::{self, counted};
use crate::profile::{Language, Profiles, priorities};

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
        let language = self.options.language;
        let en = language == Language::En;
        let t = |nl, english| self.text(nl, english);
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
                counted(
                    theme.worse.len(),
                    "indicator",
                    t("indicatoren", "indicators"),
                    language
                ),
                t("slechter", "worse"),
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
            let Some(f) = ind.latest(Mode::Residence) else {
                continue;
            };
            let judged = headline_judgement(f);
            let (value, chart) = match f.published() {
                Some(v) => {
                    let chart = f
                        .standing
                        .spine
                        .filter(|_| ind.polarity != Polarity::NotCompared)
                        .zip(spine_benchmark(f))
                        .map(|(s, (centre, j))| {
                            let alt = spine_alt(ind.label, v.value, f, language);
                            spine(s, centre, v.value, j, &alt)
                        })
                        .unwrap_or_default();
                    (numbers::value(Some(v.value), language), chart)
                }
                None => (
                    format!("— ({})", status_text(&f.status, language)),
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
                judgement_text(judged, language),
                chart,
            );
        }
        out.push_str("</tbody></table></div>");
        Some(out)
    }
}
