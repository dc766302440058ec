//! Profile pages: a self-contained HTML page per area and a regional overview with an index
//! (inline SVG and CSS, no scripts, no network requests; prints on A4).
//!
//! - `svg`: spine charts, the population pyramid, maps.
//! - `area`: [`Profiles::page_html`], one area's page.
//! - `overview`: [`Profiles::overview_html`], the tartan rug, a choropleth per indicator and
//!   the index of every page.

mod area;
mod notes;
mod overview;
mod social;
pub(crate) mod svg;
#[cfg(test)]
mod tests;
mod trend;
mod units;

use crate::profile::figure::Figure;
use crate::profile::{Language, Profiles};
use crate::stats::compare::Judgement;

/// A spine chart's centre line and the judgement its dot is coloured by: the national value
/// where it is in the indicator's unit, else the region's (standardised GP figures, whose
/// national comparison is their ratio to the national rates).
pub(crate) fn spine_benchmark(f: &Figure) -> Option<(f64, Judgement)> {
    let national = f.national_in_unit();
    match national {
        Some(v) => Some((v, f.standing.national.judgement)),
        None => f
            .standing
            .region
            .value
            .map(|v| (v, f.standing.region.judgement)),
    }
}

/// A spine chart's text alternative: the area's value, the range of the level's areas in the
/// region and the centre line, in the page's language.
pub(crate) fn spine_alt(label: &str, value: f64, f: &Figure, language: Language) -> String {
    use crate::profile::numbers::value as number;
    let Some(([worst, .., best], (centre, _))) = f.standing.spine.zip(spine_benchmark(f)) else {
        return String::new();
    };
    let national = f.national_in_unit().is_some();
    let (lowest, highest) = (worst.min(best), worst.max(best));
    let [v, lo, hi, c] = [value, lowest, highest, centre].map(|x| number(Some(x), language));
    if language == Language::En {
        let line = if national {
            "the Netherlands"
        } else {
            "the region"
        };
        format!("{label}: {v}; areas in the region from {lo} to {hi}; {line} {c}")
    } else {
        let line = if national { "Nederland" } else { "de regio" };
        format!("{label}: {v}; gebieden in de regio van {lo} tot {hi}; {line} {c}")
    }
}

/// The judgement a table shows: against the Netherlands, else against the region.
pub(crate) fn headline_judgement(f: &Figure) -> Judgement {
    match f.standing.national.judgement {
        Judgement::NotAvailable => f.standing.region.judgement,
        j => j,
    }
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
///
/// ```
/// # use wijkprofiel::output::escape_html;
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

/// The file name of an area's page: the code, made safe as the documents' names.
pub fn page_file(code: &str) -> String {
    format!("{}.html", super::write::file_stem(code))
}

/// The styles of every page: readable on screen, A4 in print.
const STYLE: &str = "body{font-family:system-ui,sans-serif;font-size:14px;margin:24px;\
color:#111;max-width:1100px}h1{margin:0 0 4px}h2{margin:24px 0 8px;font-size:18px;\
border-bottom:1px solid #ccc}table{border-collapse:collapse}th,td{padding:2px 6px;\
border-bottom:1px solid #eee;text-align:left;vertical-align:middle}td.n{text-align:right}\
.synthetic{color:#fff;background:#D55E00;padding:4px 8px;display:inline-block;font-weight:bold}\
.ml{font-size:9px;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:2px;\
pointer-events:none}.small-map{display:inline-block;margin:8px;max-width:260px}.meta{color:#444}.key span{display:inline-block;margin-right:12px}.sw{display:inline-block;\
width:10px;height:10px;margin-right:4px;border:1px solid #555}.rug td{width:18px;height:18px;\
text-align:center;font-size:10px;padding:0;border:1px solid #fff}.rug th{font-size:10px}\
.rug th.v{writing-mode:vertical-rl;transform:rotate(180deg);height:140px}\
.trend{width:120px;height:40px}.trend path{fill:none;stroke:#222}.trend .r,.trend .n{stroke:#555;\
stroke-dasharray:3 2}.trend .n{stroke-dasharray:1 2}.trend .w{stroke:#999}.trend .d{stroke-width:4;\
stroke-linecap:round}section{break-inside:avoid}@page{size:A4 landscape;margin:7mm}@media print{body{margin:0;\
max-width:none;font-size:9px}a{color:inherit;text-decoration:none}footer{display:none}\
h1{font-size:14px}h2{font-size:10px;margin:4px 0 2px}th,td{padding:0 3px;line-height:1.15}\
.meta{font-size:7.5px;margin:2px 0}ul{margin:2px 0}section{break-inside:auto}tr,svg{\
break-inside:avoid}.themes,.pyramid,.map{display:inline-block;width:32%;vertical-align:top}\
svg.pyramid{width:auto;height:50mm}svg.map{width:auto;height:44mm}.screen{display:none}\
.map .key{font-size:7px;margin:1px 0}.map .key span{margin-right:5px}svg.trend{width:60px;height:20px;\
vertical-align:middle;margin-right:3px}svg.spine{width:120px;height:10px}td.t{\
white-space:nowrap;font-size:7.5px}td.t br,.indicators td:first-child br{display:none}\
.indicators td:first-child small{margin-left:6px}.social table{display:inline-table;\
vertical-align:top;margin-right:12px}.social p{margin:2px 0}.indicators td:nth-child(4){\
white-space:nowrap}.notes ul{columns:2;column-gap:16px}.definitions{columns:5;\
column-gap:10px}.definitions *{font-size:7px;line-height:1.1;margin-top:0;margin-bottom:0}}";

/// A figure's status in the page's language.
pub(crate) fn status_text(status: &crate::profile::Status, language: Language) -> &'static str {
    let en = language == Language::En;
    match status.label() {
        "suppressed" => {
            if en {
                "withheld (privacy)"
            } else {
                "afgeschermd (privacy)"
            }
        }
        "withheld" => {
            if en {
                "not calculated"
            } else {
                "niet berekend"
            }
        }
        "missing" => {
            if en {
                "no data"
            } else {
                "geen gegevens"
            }
        }
        _ => "",
    }
}

/// The short text label of a judgement, shown beside every colour.
pub(crate) fn judgement_text(j: Judgement, language: Language) -> &'static str {
    let en = language == Language::En;
    match j {
        Judgement::Best => {
            if en {
                "best"
            } else {
                "veel beter"
            }
        }
        Judgement::Better => {
            if en {
                "better"
            } else {
                "beter"
            }
        }
        Judgement::Similar => {
            if en {
                "similar"
            } else {
                "vergelijkbaar"
            }
        }
        Judgement::Worse => {
            if en {
                "worse"
            } else {
                "slechter"
            }
        }
        Judgement::Worst => {
            if en {
                "worst"
            } else {
                "veel slechter"
            }
        }
        Judgement::Higher => {
            if en {
                "higher"
            } else {
                "hoger"
            }
        }
        Judgement::Lower => {
            if en {
                "lower"
            } else {
                "lager"
            }
        }
        Judgement::NotCompared => {
            if en {
                "not compared"
            } else {
                "niet vergeleken"
            }
        }
        Judgement::NotAvailable => {
            if en {
                "n/a"
            } else {
                "n.v.t."
            }
        }
    }
}

/// One letter for the tartan rug's cells, so that no cell relies on colour alone.
fn judgement_letter(j: Judgement) -> &'static str {
    match j {
        Judgement::Best | Judgement::Better => "+",
        Judgement::Similar => "=",
        Judgement::Worse | Judgement::Worst => "−",
        Judgement::Higher => "h",
        Judgement::Lower => "l",
        Judgement::NotCompared | Judgement::NotAvailable => "",
    }
}

/// The colour key with text labels.
fn key(language: Language) -> String {
    let mut out = String::from("<p class=\"key\">");
    for j in [
        Judgement::Better,
        Judgement::Similar,
        Judgement::Worse,
        Judgement::Higher,
        Judgement::Lower,
        Judgement::NotAvailable,
    ] {
        out.push_str(&format!(
            "<span><i class=\"sw\" style=\"background:{}\"></i>{} {}</span>",
            svg::colour(j),
            judgement_letter(j),
            judgement_text(j, language)
        ));
    }
    out.push_str("</p>");
    out
}

/// The document around a page's body.
fn document(title: &str, language: Language, body: &str) -> String {
    let lang = if language == Language::En { "en" } else { "nl" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        escape_html(title)
    )
}

impl Profiles {
    /// A label in the run's language.
    pub(crate) fn text(&self, nl: &'static str, en: &'static str) -> &'static str {
        self.options.language.pick(nl, en)
    }

    fn synthetic_mark(&self) -> String {
        if self.dataset.synthetic {
            format!(
                "<p class=\"synthetic\">{}</p>",
                self.text(
                    "SYNTHETISCHE DEMODATA: fictieve gebieden en personen",
                    "SYNTHETIC DEMO DATA: fictional areas and persons"
                )
            )
        } else {
            String::new()
        }
    }
}
