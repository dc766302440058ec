//! The regional overview (`index.html`): a tartan rug of areas × indicators coloured by
//! their judgement against the Netherlands (with a letter in every cell), a choropleth per
//! indicator, and the index linking every area's page.

use std::fmt::Write as _;

use super::svg::{self, Shape};
use super::{document, escape_html, judgement_letter, judgement_text, key, page_file};
use crate::Level;
use crate::profile::figure::{Figure, Mode};
use crate::profile::numbers;
use crate::profile::{Language, Profiles};
use crate::stats::compare::Judgement;

/// Above this many wijken the rug and the maps show gemeenten instead (a national run).
const MAX_WIJKEN: usize = 500;

impl Profiles {
    /// The latest published-or-not figure by residence of an area and indicator.
    fn latest(&self, area: usize, indicator: usize) -> Option<&Figure> {
        self.figures_of(&self.areas[area].code)
            .iter()
            .filter(|f| f.indicator == indicator && f.mode == Mode::Residence)
            .max_by_key(|f| f.year)
    }

    /// A map of `areas` shaded by their latest published value of `indicator` (light to
    /// dark, grey without one), each linked to its page; `focus` outlined. Returns the SVG
    /// and the lowest and highest value shown.
    pub(super) fn choropleth(
        &self,
        areas: &[usize],
        indicator: usize,
        focus: Option<usize>,
        width: f64,
    ) -> (String, Option<f64>, Option<f64>) {
        let Some(geometry) = &self.geometry else {
            return (String::new(), None, None);
        };
        let values: Vec<Option<f64>> = areas
            .iter()
            .map(|&a| {
                self.latest(a, indicator)
                    .and_then(Figure::published)
                    .map(|v| v.value)
            })
            .collect();
        let (lo, hi) = values
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(*v), h.max(*v))
            });
        let shapes: Vec<Shape> = areas
            .iter()
            .zip(&values)
            .filter_map(|(&a, v)| {
                let area = &self.areas[a];
                Some(Shape {
                    code: &area.code,
                    name: &area.name,
                    shape: geometry.get(&area.code)?,
                    fill: v.map_or_else(
                        || "#dddddd".to_owned(),
                        |v| svg::shade(if hi > lo { (v - lo) / (hi - lo) } else { 0.5 }),
                    ),
                    focus: focus == Some(a),
                    href: Some(page_file(&area.code)),
                    title: numbers::value(*v, self.options.language),
                })
            })
            .collect();
        let ind = &self.catalogue.indicators()[indicator];
        let label = if self.options.language == Language::En {
            &ind.label_en
        } else {
            &ind.label_nl
        };
        let map = svg::map(&shapes, geometry.crs, width, label);
        (
            map,
            lo.is_finite().then_some(lo),
            hi.is_finite().then_some(hi),
        )
    }

    /// The regional overview and index as a self-contained HTML document.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let index = profiles.overview_html();
    /// assert!(index.contains("href=\"WK990100.html\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overview_html(&self) -> String {
        let language = self.options.language;
        let t = |nl, en| self.text(nl, en);
        let wijken = self
            .profiled
            .iter()
            .filter(|&&a| self.tree.level[a] == Level::Wijk)
            .count();
        let level = if wijken <= MAX_WIJKEN {
            Level::Wijk
        } else {
            Level::Gemeente
        };
        let rows: Vec<usize> = self
            .profiled
            .iter()
            .copied()
            .filter(|&a| self.tree.level[a] == level)
            .collect();
        let indicators: Vec<usize> = (0..self.catalogue.indicators().len())
            .filter(|&i| {
                rows.iter()
                    .any(|&a| self.latest(a, i).is_some_and(Figure::is_published))
            })
            .collect();
        let label = |i: usize| {
            let ind = &self.catalogue.indicators()[i];
            if language == Language::En {
                &ind.label_en
            } else {
                &ind.label_nl
            }
        };
        let regions: Vec<&str> = self
            .profiled
            .iter()
            .filter(|&&a| self.tree.level[a] == Level::Region)
            .map(|&a| self.areas[a].name.as_str())
            .collect();
        let mut body = format!(
            "<header>{}<h1>{}</h1><p class=\"meta\">{}</p></header>",
            self.synthetic_mark(),
            escape_html(&regions.join(", ")),
            escape_html(&self.dataset.name)
        );
        // The tartan rug.
        let _ = write!(
            body,
            "<section><h2>{title}</h2>{}<table class=\"rug\"><caption>{title}</caption>\
             <thead><tr><th scope=\"col\">{}</th>",
            key(language),
            t("Gebied", "Area"),
            title = t(
                "Alle gebieden naast Nederland",
                "Every area beside the Netherlands"
            ),
        );
        for &i in &indicators {
            let _ = write!(
                body,
                "<th class=\"v\" scope=\"col\">{}</th>",
                escape_html(label(i))
            );
        }
        body.push_str("</tr></thead><tbody>");
        for &a in &rows {
            let area = &self.areas[a];
            let _ = write!(
                body,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
                escape_html(&page_file(&area.code)),
                escape_html(&area.name)
            );
            for &i in &indicators {
                let judgement = self.latest(a, i).map_or(Judgement::NotAvailable, |f| {
                    if f.standing.national.judgement == Judgement::NotAvailable {
                        f.standing.region.judgement
                    } else {
                        f.standing.national.judgement
                    }
                });
                let _ = write!(
                    body,
                    "<td style=\"background:{}\" title=\"{}\">{}</td>",
                    svg::colour(judgement),
                    judgement_text(judgement, language),
                    judgement_letter(judgement)
                );
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table></section>");
        // A choropleth per indicator.
        if self.geometry.is_some() {
            let _ = write!(
                body,
                "<section><h2>{}</h2>",
                t("Kaarten per indicator", "A map per indicator")
            );
            for &i in &indicators {
                let (map, lo, hi) = self.choropleth(&rows, i, None, 240.0);
                let _ = write!(
                    body,
                    "<figure style=\"display:inline-block;margin:8px\"><figcaption>{} ({}–{})</figcaption>{}</figure>",
                    escape_html(label(i)),
                    numbers::value(Some(lo.unwrap_or(0.0)), self.options.language),
                    numbers::value(Some(hi.unwrap_or(0.0)), self.options.language),
                    map
                );
            }
            body.push_str("</section>");
        }
        // The index of every page, by level.
        let _ = write!(
            body,
            "<section><h2>{}</h2>",
            t("Alle gebieden", "Every area")
        );
        for level in [
            Level::Region,
            Level::Gemeente,
            Level::Custom,
            Level::Wijk,
            Level::Buurt,
        ] {
            let links: Vec<String> = self
                .profiled
                .iter()
                .filter(|&&a| self.tree.level[a] == level)
                .map(|&a| {
                    let area = &self.areas[a];
                    format!(
                        "<a href=\"{}\">{}</a>",
                        escape_html(&page_file(&area.code)),
                        escape_html(&area.name)
                    )
                })
                .collect();
            if !links.is_empty() {
                let heading = match level {
                    Level::Custom => t("eigen gebieden", "custom areas"),
                    other => other.as_str(),
                };
                let _ = write!(
                    body,
                    "<h3>{heading} ({})</h3><p>{}</p>",
                    links.len(),
                    links.join(" · ")
                );
            }
        }
        body.push_str("</section>");
        document(&regions.join(", "), language, &body)
    }
}
