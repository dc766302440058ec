//! One area's page: header, priority themes, population pyramid against the parent, a map
//! of the area among its neighbours, the spine chart by theme with the table behind it, the
//! social map, and sources, methods and notes in plain language.

use std::fmt::Write as _;

use super::svg::{self, Bar};
use super::{
    document, escape_html, headline_judgement, judgement_text, key, notes, page_file, spine_alt,
    spine_benchmark, status_text,
};
use super::{trend, units};
use crate::Polarity;
use crate::output::{AreaDocument, IndicatorFigures};
use crate::profile::figure::{Figure, Mode};
use crate::profile::numbers::{self, count, counted, value as number};
use crate::profile::{Language, MapColours, Profiles};
use crate::stats::compare::Judgement;

/// The Netherlands column of a row: the national value in the indicator's unit, or for a
/// standardised GP figure its ratio to the national rates (`×0,96`), which its national
/// judgement tests.
fn national_cell(f: &Figure, language: Language) -> String {
    match (f.national_in_unit(), &f.isr_national) {
        (Some(v), _) => number(Some(v), language),
        (None, Some(ratio)) if f.is_published() => {
            format!("×{}", numbers::fixed(ratio.value, 2, language))
        }
        _ => number(None, language),
    }
}

/// A row's judgement in words, saying "against the region" where there is no national one
/// (the table's judgements are against the Netherlands otherwise).
fn judged_against(f: &Figure, judged: Judgement, language: Language) -> String {
    let text = judgement_text(judged, language);
    let regional = f.standing.national.judgement == Judgement::NotAvailable
        && !matches!(judged, Judgement::NotAvailable | Judgement::NotCompared);
    if regional {
        let against = language.pick("t.o.v. de regio", "vs the region");
        format!("{text} <small>({against})</small>")
    } else {
        text.to_owned()
    }
}

impl Profiles {
    /// One area's page as a self-contained HTML document (Dutch by default, English with
    /// [`Language::En`]). `None` for an unknown area or the country.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let page = profiles.page_html("WK990100").expect("a demo wijk");
    /// assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Centrum"));
    /// assert!(!page.contains("<script") && !page.contains("src="));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn page_html(&self, code: &str) -> Option<String> {
        let doc = self.document(code)?;
        let language = self.options.language;
        let t = |nl, en| self.text(nl, en);
        let mut body = String::new();
        self.header(&doc, &mut body);
        // Priority themes.
        let _ = write!(
            body,
            "<section class=\"themes\"><h2>{}</h2><ol>",
            t(
                "Prioriteiten voor de sessie",
                "Priority themes for the session"
            )
        );
        for theme in &doc.themes {
            let _ = write!(
                body,
                "<li><strong>{}</strong>: {} {}{}</li>",
                escape_html(&theme.label),
                counted(
                    theme.worse.len(),
                    "indicator",
                    t("indicatoren", "indicators"),
                    language
                ),
                t(
                    "significant slechter dan Nederland",
                    "significantly worse than the Netherlands"
                ),
                if theme.excess > 0.5 {
                    format!(
                        "; {} {} {}",
                        t("ongeveer", "about"),
                        numbers::fixed(theme.excess, 0, language),
                        t("mensen meer dan verwacht", "people more than expected")
                    )
                } else {
                    String::new()
                }
            );
        }
        body.push_str("</ol></section>");
        self.pyramid_section(&doc, &mut body);
        self.map_section(&doc, &mut body);
        self.spine_section(&doc, &mut body, language);
        self.social_section(&doc, &mut body);
        self.definitions_section(&doc, &mut body);
        self.notes_section(&doc, &mut body);
        let _ = write!(
            body,
            "<footer><p><a href=\"index.html\">{}</a></p></footer>",
            t(
                "Overzicht van de regio en alle gebieden",
                "Regional overview and every area"
            )
        );
        Some(document(&doc.area.name, language, &body))
    }

    fn header(&self, doc: &AreaDocument, out: &mut String) {
        let t = |nl, en| self.text(nl, en);
        let level = match &doc.area.custom {
            Some(c) => format!("{} ({})", t("eigen gebied", "custom area"), c.kind),
            None => doc.area.level.as_str().to_owned(),
        };
        let _ = write!(
            out,
            "<header>{}<h1>{}</h1><p class=\"meta\">{} {level}",
            self.synthetic_mark(),
            escape_html(&doc.area.name),
            escape_html(&doc.area.code),
        );
        if let Some(parent) = &doc.area.parent {
            let _ = write!(
                out,
                " · {} <a href=\"{}\">{}</a>",
                t("in", "in"),
                escape_html(&page_file(&parent.code)),
                escape_html(&parent.name)
            );
        }
        if let Some(c) = doc.context {
            let _ = write!(
                out,
                " · {} {} ({})",
                count(c.residents, self.options.language),
                t("inwoners", "residents"),
                c.year
            );
        }
        if let Some(c) = &doc.coverage {
            let share = c
                .listed
                .zip(c.residents)
                .filter(|(_, r)| *r > 0.0)
                .map(|(l, r)| 100.0 * l / r);
            let _ = write!(
                out,
                " · {} {}% ({})",
                t("huisartsdekking", "GP coverage"),
                number(share, self.options.language),
                c.year
            );
        }
        let years: Vec<i32> = {
            let mut y: Vec<i32> = self
                .figures_of(&doc.area.code)
                .iter()
                .map(|f| f.year)
                .collect();
            y.sort_unstable();
            y.dedup();
            y
        };
        if let (Some(first), Some(last)) = (years.first(), years.last()) {
            let _ = write!(out, " · {} {first}–{last}", t("gegevens", "data"));
        }
        out.push_str("</p>");
        if let Some(custom) = &doc.area.custom {
            self.composition(custom, out);
        }
        out.push_str("</header>");
    }

    /// A custom area's buurten, and the buurten its polygon cuts.
    fn composition(&self, custom: &crate::Custom, out: &mut String) {
        let t = |nl, en| self.text(nl, en);
        let link = |code: &str| {
            let name = self
                .index
                .get(code)
                .map_or(code, |&i| self.areas[i].name.as_str());
            format!(
                "<a href=\"{}\">{}</a>",
                escape_html(&page_file(code)),
                escape_html(name)
            )
        };
        let members: Vec<String> = custom.members.iter().map(|c| link(c)).collect();
        let _ = write!(
            out,
            "<p class=\"meta\">{} ({}): {}</p>",
            t("Buurten", "Buurten"),
            members.len(),
            members.join(" · ")
        );
        if !custom.partial.is_empty() {
            let partial: Vec<String> = custom
                .partial
                .iter()
                .map(|p| {
                    format!(
                        "{} {}% {}",
                        link(&p.code),
                        numbers::fixed(100.0 * p.share, 0, self.options.language),
                        if p.member {
                            t("(meegeteld)", "(counted)")
                        } else {
                            t("(niet meegeteld)", "(not counted)")
                        }
                    )
                })
                .collect();
            let _ = write!(
                out,
                "<p class=\"meta\">{}: {}</p>",
                t(
                    "Deels binnen de getekende grens (aandeel van de oppervlakte; een buurt telt mee vanaf de helft)",
                    "Partly inside the drawn boundary (share of area; a buurt counts from half)"
                ),
                partial.join(" · ")
            );
        }
    }

    fn pyramid_section(&self, doc: &AreaDocument, out: &mut String) {
        let Some(context) = doc.context else { return };
        let t = |nl, en| self.text(nl, en);
        let bars = |c: &crate::profile::Context| -> Vec<(String, Option<f64>, Option<f64>)> {
            c.pyramid
                .iter()
                .map(|b| (b.age_band.clone(), b.male, b.female))
                .collect()
        };
        let own = bars(context);
        let parent = doc
            .area
            .parent
            .as_ref()
            .and_then(|p| self.index.get(&p.code))
            .and_then(|&p| self.contexts[p].as_ref())
            .map(bars)
            .unwrap_or_default();
        fn as_bars(rows: &[(String, Option<f64>, Option<f64>)]) -> Vec<Bar<'_>> {
            rows.iter()
                .map(|(band, m, f)| Bar {
                    band,
                    male: *m,
                    female: *f,
                })
                .collect()
        }
        let title = t("Bevolkingsopbouw", "Population by age and sex");
        let _ = write!(
            out,
            "<section class=\"pyramid\"><h2>{title}</h2>{}<p class=\"meta\">{}</p></section>",
            svg::pyramid(
                &as_bars(&own),
                &as_bars(&parent),
                [title, t("mannen", "men"), t("vrouwen", "women")]
            ),
            t(
                "Aandeel per leeftijdsgroep; de zwarte streepjes tonen het bovenliggende gebied, gearceerde balken zijn afgeschermd.",
                "Share per age band; the black ticks show the parent area, hatched bars are withheld."
            )
        );
    }

    /// The indicator a map shades: the top priority theme's first worse indicator, else the
    /// first indicator with a published figure.
    pub(super) fn map_indicator(&self, doc: &AreaDocument) -> Option<usize> {
        let by_id = |id: &str| self.catalogue.indicators().iter().position(|i| i.id == id);
        doc.themes
            .iter()
            .find_map(|t| t.worse.first().and_then(|id| by_id(id)))
            .or_else(|| {
                self.figures_of(&doc.area.code)
                    .iter()
                    .find(|f| f.is_published() && f.mode == Mode::Residence)
                    .map(|f| f.indicator)
            })
    }

    fn map_section(&self, doc: &AreaDocument, out: &mut String) {
        let (true, Some(indicator)) = (self.geometry.is_some(), self.map_indicator(doc)) else {
            return;
        };
        let t = |nl, en| self.text(nl, en);
        let Some(&a) = self.index.get(&doc.area.code) else {
            return;
        };
        // The area with its siblings (the parent's other children); a custom area's buurten.
        let custom = self.tree.level[a] == crate::Level::Custom;
        let (shown, outlined) = match self.tree.parent[a] {
            _ if custom => (self.tree.members[a].clone(), None),
            Some(p) if self.tree.level[p] != crate::Level::Country => {
                (self.tree.children[p].clone(), Some(a))
            }
            _ => (vec![a], Some(a)),
        };
        let (map, legend) = self.choropleth(&shown, indicator, outlined, 520.0);
        let ind = &self.catalogue.indicators()[indicator];
        let label = self.options.language.pick(&ind.label_nl, &ind.label_en);
        let by_value = self.options.map_colours == MapColours::Value;
        let _ = write!(
            out,
            "<section class=\"map\"><h2>{}</h2><p class=\"meta\">{} <strong>{}</strong><span class=\"screen\">{}</span></p>{map}{legend}</section>",
            t("Kaart", "Map"),
            match (custom, by_value) {
                (true, false) => t(
                    "De buurten van het gebied, gekleurd naar hun oordeel t.o.v. Nederland op",
                    "The area's buurten, coloured by their judgement against the Netherlands on",
                ),
                (true, true) => t(
                    "De buurten van het gebied, gekleurd naar hun waarde op",
                    "The area's buurten, shaded by their value on",
                ),
                (false, false) => t(
                    "Het gebied (dikke rand) tussen zijn buren, gekleurd naar hun oordeel t.o.v. Nederland op",
                    "The area (heavy outline) among its neighbours, coloured by their judgement against the Netherlands on",
                ),
                (false, true) => t(
                    "Het gebied (dikke rand) tussen zijn buren, gekleurd naar hun waarde op",
                    "The area (heavy outline) among its neighbours, shaded by their value on",
                ),
            },
            escape_html(label),
            t(
                " (namen en waarden bij aanwijzen)",
                " (names and values on hover)"
            ),
        );
    }

    fn spine_section(&self, doc: &AreaDocument, out: &mut String, language: Language) {
        let t = |nl, en| self.text(nl, en);
        let title = t(
            "Indicatoren naast de regio en Nederland",
            "Indicators beside the region and the Netherlands",
        );
        let _ = write!(
            out,
            "<section class=\"indicators\"><h2>{title}</h2>{}<p class=\"meta\">{}</p><table><caption>{title}</caption>\
             <thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>",
            key(language),
            t(
                "Balk: van slechtste tot beste gebied van dit niveau in de regio, donker de middelste helft; lijn: Nederland (de regio bij gestandaardiseerde huisartscijfers); punt: dit gebied, gekleurd naar het oordeel t.o.v. die lijn (rechts is beter). Oordeel in de tabel: t.o.v. Nederland; bij gestandaardiseerde huisartscijfers staat in de kolom Nederland de verhouding tot wat de landelijke cijfers bij deze leeftijdsopbouw doen verwachten (×1 = als Nederland), en het oordeel toetst die verhouding. Trend: dit gebied per jaar (punten, met het betrouwbaarheidsinterval), gestreept de regio, gestippeld Nederland; beter of slechter naar wat gunstig is voor de indicator.",
                "Bar: from the worst to the best area of this level in the region, darker the middle half; line: the Netherlands (the region for standardised GP figures); dot: this area, coloured by its judgement against that line (right is better). Judgement in the table: against the Netherlands; for standardised GP figures the Netherlands column gives the ratio to what the national rates lead one to expect at this age structure (×1 = as the Netherlands), and the judgement tests that ratio. Trend: this area by year (dots, with the confidence interval), dashed the region, dotted the Netherlands; better or worse by what is favourable for the indicator."
            ),
            t("Indicator", "Indicator"),
            t("Jaar", "Year"),
            t("Waarde", "Value"),
            notes::percent(self.options.confidence.0.level(), language),
            t("Aantal", "Count"),
            t("Bovenliggend", "Parent"),
            t("Regio", "Region"),
            t("Nederland", "Netherlands"),
            t("Oordeel", "Judgement"),
            t("Trend", "Trend"),
            t("Spreiding in de regio", "Spine chart"),
        );
        for theme in self.catalogue.themes() {
            let rows: Vec<_> = doc
                .indicators
                .iter()
                .filter(|i| i.theme == theme.id)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let label = if language == Language::En {
                &theme.label_en
            } else {
                &theme.label_nl
            };
            let _ = write!(
                out,
                "<tbody><tr><th colspan=\"11\" scope=\"colgroup\">{}</th></tr>",
                escape_html(label)
            );
            for ind in rows {
                let Some(f) = ind.latest(Mode::Residence) else {
                    continue;
                };
                self.spine_row(ind, f, out, language);
            }
            out.push_str("</tbody>");
        }
        out.push_str("</table></section>");
    }

    fn spine_row(&self, ind: &IndicatorFigures, f: &Figure, out: &mut String, language: Language) {
        let (label, polarity) = (ind.label, ind.polarity);
        let judged = headline_judgement(f);
        let (value, interval, chart) = match f.published() {
            Some(v) => (
                number(Some(v.value), language),
                format!(
                    "{}–{}",
                    number(Some(v.lower), language),
                    number(Some(v.upper), language)
                ),
                f.standing
                    .spine
                    .filter(|_| polarity != Polarity::NotCompared)
                    .zip(spine_benchmark(f))
                    .map(|(s, (centre, j))| {
                        let alt = spine_alt(label, v.value, f, language);
                        svg::spine(s, centre, v.value, j, &alt)
                    })
                    .unwrap_or_default(),
            ),
            None => (
                format!(
                    "{}<br><small>{}</small>",
                    status_text(&f.status, language),
                    escape_html(
                        &f.status
                            .reason()
                            .map_or(String::new(), |r| r.text(language))
                    )
                ),
                String::new(),
                String::new(),
            ),
        };
        let trend = trend::cell(ind, f, language);
        let _ = write!(
            out,
            "<tr><td>{}<br><small class=\"unit\">{}</small></td><td>{}</td><td class=\"n\">{value}</td><td class=\"n\">{interval}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td><i class=\"sw\" style=\"background:{}\"></i>{}</td><td class=\"t\">{trend}</td><td>{chart}</td></tr>",
            escape_html(label),
            escape_html(&units::unit(
                &self.catalogue.indicators()[f.indicator],
                f,
                &self.options
            )),
            f.year,
            count(f.numerator, language),
            number(f.standing.parent.value, language),
            number(f.standing.region.value, language),
            national_cell(f, language),
            svg::colour(judged),
            judged_against(f, judged, language),
        );
    }

    fn notes_section(&self, doc: &AreaDocument, out: &mut String) {
        let t = |nl, en| self.text(nl, en);
        let _ = write!(
            out,
            "<section class=\"notes\"><h2>{}</h2><ul><li>{}</li><li>{}</li><li>{}</li><li>{}</li><li>{}</li></ul></section>",
            t(
                "Bronnen, methoden en toelichting",
                "Sources, methods and notes"
            ),
            t(
                "Huisartsgegevens (deelnemende praktijken) naar woonbuurt; GGD-gezondheidsmonitor (kleine-gebiedsschattingen); CBS-bevolking.",
                "GP data (participating practices) by neighbourhood of residence; GGD health monitor (small-area estimates); CBS population."
            ),
            t(
                "Dekking: het deel van de inwoners dat bij een deelnemende praktijk staat ingeschreven; bij lage dekking zeggen huisartscijfers minder over de hele buurt.",
                "Coverage: the share of residents listed at a participating practice; with low coverage, GP figures say less about the whole area."
            ),
            escape_html(&notes::methods(&self.options)),
            escape_html(&notes::privacy(&self.options, &self.catalogue)),
            if doc.dataset.synthetic {
                t(
                    "Deze gegevens zijn synthetisch: fictieve gebieden en personen.",
                    "These data are synthetic: fictional areas and persons.",
                )
            } else {
                t(
                    "Bron van de gegevens: zie de metadata van de run.",
                    "Data sources: see the run's metadata.",
                )
            },
        );
    }
}
