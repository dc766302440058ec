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
use crate::profile::{Language, MapColours, Profiles};
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
    pub(super) fn latest(&self, area: usize, indicator: usize) -> Option<&Figure> {
        self.figures_of(&self.areas[area].code)
            .iter()
            .filter(|f| f.indicator == indicator && f.mode == Mode::Residence)
            .max_by_key(|f| f.year)
    }

    /// A map of `areas` coloured as the options say (by judgement against the Netherlands,
    /// or by value in five equal classes; grey without a published figure), each named on
    /// hover and linked to its page, `focus` outlined. Returns the SVG and its legend.
    pub(super) fn choropleth(
        &self,
        areas: &[usize],
        indicator: usize,
        focus: Option<usize>,
        width: f64,
    ) -> (String, String) {
        let Some(geometry) = &self.geometry else {
            return (String::new(), String::new());
        };
        let language = self.options.language;
        let figures: Vec<Option<(&Figure, f64)>> = areas
            .iter()
            .map(|&a| {
                let f = self.latest(a, indicator)?;
                Some((f, f.published()?.value))
            })
            .collect();
        let (lo, hi) = figures
            .iter()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), (_, v)| {
                (l.min(*v), h.max(*v))
            });
        let classes = ValueClasses { lo, hi };
        let by_value = self.options.map_colours == MapColours::Value;
        let mut shown = Vec::new();
        let shapes: Vec<Shape> = areas
            .iter()
            .zip(&figures)
            .filter_map(|(&a, figure)| {
                let area = &self.areas[a];
                let (fill, title) = match figure {
                    None => (NO_VALUE.to_owned(), numbers::value(None, language)),
                    Some((_, v)) if by_value => {
                        let class = classes.of(*v);
                        shown.push(class);
                        (
                            svg::shade(classes.shade(class)),
                            numbers::value(Some(*v), language),
                        )
                    }
                    Some((f, v)) => {
                        let j = headline_judgement(f);
                        shown.push(legend_rank(j));
                        (
                            svg::colour(j).to_owned(),
                            format!(
                                "{} ({})",
                                numbers::value(Some(*v), language),
                                judgement_text(j, language)
                            ),
                        )
                    }
                };
                Some(Shape {
                    code: &area.code,
                    name: &area.name,
                    shape: geometry.get(&area.code)?,
                    fill,
                    focus: focus == Some(a),
                    href: Some(page_file(&area.code)),
                    title,
                    label_at: geometry.label_point(&area.code),
                })
            })
            .collect();
        let ind = &self.catalogue.indicators()[indicator];
        let label = language.pick(&ind.label_nl, &ind.label_en);
        let map = svg::map(&shapes, geometry.crs, width, label);
        let missing = figures.iter().any(Option::is_none);
        let legend = if by_value {
            classes.legend(&shown, missing, language)
        } else {
            judgement_legend(&shown, missing, language)
        };
        (map, legend)
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
                let (map, legend) = self.choropleth(&rows, i, None, 240.0);
                let _ = write!(
                    body,
                    "<figure class=\"small-map\"><figcaption>{}</figcaption>{map}{legend}</figure>",
                    escape_html(label(i)),
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

/// The fill of an area without a published figure.
const NO_VALUE: &str = "#dddddd";

/// Five classes of equal width between the lowest and the highest value shown.
struct ValueClasses {
    lo: f64,
    hi: f64,
}

impl ValueClasses {
    const N: usize = 5;

    fn of(&self, v: f64) -> usize {
        if self.hi > self.lo {
            (((v - self.lo) / (self.hi - self.lo) * Self::N as f64) as usize).min(Self::N - 1)
        } else {
            Self::N / 2
        }
    }

    fn shade(&self, class: usize) -> f64 {
        (class as f64 + 0.5) / Self::N as f64
    }

    fn bounds(&self, class: usize) -> (f64, f64) {
        let step = (self.hi - self.lo) / Self::N as f64;
        (
            self.lo + step * class as f64,
            self.lo + step * (class + 1) as f64,
        )
    }

    /// The classes that occur, lowest first, with their ranges.
    fn legend(&self, shown: &[usize], missing: bool, language: Language) -> String {
        let mut out = String::from("<p class=\"key\">");
        for class in 0..Self::N {
            if !shown.contains(&class) {
                continue;
            }
            let (from, to) = if self.hi > self.lo {
                self.bounds(class)
            } else {
                (self.lo, self.hi)
            };
            let _ = write!(
                out,
                "<span><i class=\"sw\" style=\"background:{}\"></i>{}–{}</span>",
                svg::shade(self.shade(class)),
                numbers::value(Some(from), language),
                numbers::value(Some(to), language)
            );
        }
        no_value_key(&mut out, missing, language);
        out.push_str("</p>");
        out
    }
}

/// Legend order of the judgements a map can show.
const LEGEND: [Judgement; 6] = [
    Judgement::Better,
    Judgement::Similar,
    Judgement::Worse,
    Judgement::Higher,
    Judgement::Lower,
    Judgement::NotCompared,
];

fn legend_rank(j: Judgement) -> usize {
    let j = match j {
        Judgement::Best => Judgement::Better,
        Judgement::Worst => Judgement::Worse,
        Judgement::NotAvailable => Judgement::NotCompared,
        other => other,
    };
    LEGEND
        .iter()
        .position(|&l| l == j)
        .unwrap_or(LEGEND.len() - 1)
}

/// The judgements that occur on a map, in the order of the page's key.
fn judgement_legend(shown: &[usize], missing: bool, language: Language) -> String {
    let mut out = format!(
        "<p class=\"key\"><span>{}</span>",
        language.pick("t.o.v. Nederland:", "against the Netherlands:")
    );
    for (rank, &j) in LEGEND.iter().enumerate() {
        if shown.contains(&rank) {
            let _ = write!(
                out,
                "<span><i class=\"sw\" style=\"background:{}\"></i>{} {}</span>",
                svg::colour(j),
                judgement_letter(j),
                judgement_text(j, language)
            );
        }
    }
    no_value_key(&mut out, missing, language);
    out.push_str("</p>");
    out
}

fn no_value_key(out: &mut String, missing: bool, language: Language) {
    if missing {
        let _ = write!(
            out,
            "<span><i class=\"sw\" style=\"background:{NO_VALUE}\"></i>{}</span>",
            language.pick("geen gepubliceerde waarde", "no published value")
        );
    }
}
