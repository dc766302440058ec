//! The regional overview (`index.html`): a tartan rug of areas × indicators coloured by
//! their judgement against the Netherlands (with a letter in every cell), a choropleth per
//! indicator, and the index linking every area's page.

use std::fmt::Write as _;

use super::svg::{self, Shape};
use super::{
    document, escape_html, headline_judgement, judgement_letter, judgement_text, key, page_file,
};
use crate::Level;
use crate::profile::figure::{Figure, Mode};
use crate::profile::numbers;
use crate::profile::{Language, Profiles};
use crate::stats::compare::Judgement;

/// The overview's title: its region's name, or how many regions it holds when more than
/// three (a national run holds 25).
pub(super) fn title(regions: &[&str], language: Language) -> String {
    if regions.len() > 3 {
        let n = numbers::count(Some(regions.len() as f64), language);
        format!("{n} {}", language.pick("regio's", "regions"))
    } else {
        regions.join(", ")
    }
}

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
        let regions: Vec<usize> = self
            .profiled
            .iter()
            .copied()
            .filter(|&a| self.tree.level[a] == Level::Region)
            .collect();
        let names: Vec<&str> = regions
            .iter()
            .map(|&r| self.areas[r].name.as_str())
            .collect();
        let title = title(&names, language);
        let mut body = format!(
            "<header>{}<h1>{}</h1><p class=\"meta\">{}</p></header>",
            self.synthetic_mark(),
            escape_html(&title),
            escape_html(&self.dataset.name)
        );
        // The tartan rug: the Netherlands (and the region) first, then each gemeente (each
        // region, nationally) with its wijken (gemeenten).
        let years: Vec<Option<i32>> = indicators
            .iter()
            .map(|&i| {
                rows.iter()
                    .filter_map(|&a| Some(self.latest(a, i)?.year))
                    .max()
            })
            .collect();
        let _ = write!(
            body,
            "<section><h2>{title}</h2>{}<p class=\"meta\">{}</p><table class=\"rug\"><caption>{title}</caption>\
             <thead><tr><th scope=\"col\">{}</th>",
            key(language),
            t(
                "Per gebied het oordeel t.o.v. Nederland (t.o.v. de regio waar Nederland ontbreekt); de waarde en het jaar staan bij elke cel als u er met de muis op staat.",
                "Per area its judgement against the Netherlands (against the region where there is no national figure); each cell gives its value and year on hover."
            ),
            t("Gebied", "Area"),
            title = t(
                "Alle gebieden naast Nederland",
                "Every area beside the Netherlands"
            ),
        );
        for (&i, year) in indicators.iter().zip(&years) {
            let year = year.map_or(String::new(), |y| format!(" <small>{y}</small>"));
            let _ = write!(
                body,
                "<th class=\"v\" scope=\"col\">{}{year}</th>",
                escape_html(label(i))
            );
        }
        body.push_str("</tr></thead><tbody class=\"ref\">");
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}</th>",
            t("Nederland", "The Netherlands")
        );
        for &i in &indicators {
            let national = regions
                .iter()
                .chain(&rows)
                .find_map(|&a| self.latest(a, i)?.national_in_unit());
            let _ = write!(
                body,
                "<td class=\"n\">{}</td>",
                numbers::value(national, language)
            );
        }
        body.push_str("</tr>");
        if level == Level::Wijk {
            for &r in &regions {
                self.rug_row(r, &indicators, &mut body);
            }
        }
        body.push_str("</tbody>");
        for (head, members) in self.grouped(&rows) {
            let _ = write!(
                body,
                "<tbody><tr><th colspan=\"{}\" scope=\"rowgroup\">{}</th></tr>",
                indicators.len() + 1,
                escape_html(&self.areas[head].name)
            );
            self.rug_row(head, &indicators, &mut body);
            for a in members {
                self.rug_row(a, &indicators, &mut body);
            }
            body.push_str("</tbody>");
        }
        body.push_str("</table></section>");
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
        document(&title, language, &body)
    }

    /// The rows of the rug under their parent: each parent (a gemeente, or a region) in the
    /// order its first member comes, with its members in their order.
    fn grouped(&self, rows: &[usize]) -> Vec<(usize, Vec<usize>)> {
        let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
        for &a in rows {
            let Some(parent) = self.tree.parent[a] else {
                continue;
            };
            match groups.iter_mut().find(|g| g.0 == parent) {
                Some(group) => group.1.push(a),
                None => groups.push((parent, vec![a])),
            }
        }
        groups
    }

    /// One area's row of the rug: a cell per indicator with its judgement as colour and
    /// letter, and its judgement, value and year as the cell's title.
    fn rug_row(&self, a: usize, indicators: &[usize], out: &mut String) {
        let language = self.options.language;
        let area = &self.areas[a];
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
            escape_html(&page_file(&area.code)),
            escape_html(&area.name)
        );
        for &i in indicators {
            let f = self.latest(a, i);
            let judgement = f.map_or(Judgement::NotAvailable, headline_judgement);
            let value = f.and_then(Figure::published).map(|v| v.value);
            let year = f.map_or(String::new(), |f| format!(" ({})", f.year));
            let _ = write!(
                out,
                "<td style=\"background:{}\" title=\"{}: {}{year}\">{}</td>",
                svg::colour(judgement),
                judgement_text(judgement, language),
                numbers::value(value, language),
                judgement_letter(judgement)
            );
        }
        out.push_str("</tr>");
    }
}
