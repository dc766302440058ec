//! What a figure is, in the page's language: its unit, the people it counts and how it was
//! made ("per 1.000 ingeschreven patiënten, leeftijdsgestandaardiseerd (direct, Europese
//! standaardbevolking 2013)"), and a definitions section per indicator with its source and
//! what to keep in mind when reading it.

use std::fmt::Write as _;

use super::{escape_html, notes};
use crate::output::AreaDocument;
use crate::profile::figure::{Figure, Method, Mode};
use crate::profile::numbers::exact;
use crate::profile::{Language, Options, Profiles};
use crate::sex::Sex;
use crate::{AgeBand, Indicator, Kind, Source};

/// The people an indicator counts: "inwoners van 18 jaar en ouder", "listed patients".
fn people(ind: &Indicator, language: Language) -> String {
    let en = language == Language::En;
    let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
    let who = match (ind.source, sex, en) {
        (Source::Gp, _, false) => "ingeschreven patiënten",
        (Source::Gp, _, true) => "listed patients",
        (_, Sex::Male, false) => "mannen",
        (_, Sex::Male, true) => "men",
        (_, Sex::Female, false) => "vrouwen",
        (_, Sex::Female, true) => "women",
        (_, Sex::All, false) => "inwoners",
        (_, Sex::All, true) => "residents",
    };
    let age: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
    let scope = match (age.lower, age.upper, en) {
        (0, None, _) => String::new(),
        (from, None, false) => format!(" van {from} jaar en ouder"),
        (from, None, true) => format!(" aged {from} and over"),
        (from, Some(to), false) => format!(" van {from} tot en met {to} jaar"),
        (from, Some(to), true) => format!(" aged {from} to {to}"),
    };
    format!("{who}{scope}")
}

/// How a figure was made, or nothing for a plain count.
fn method(method: Method, options: &Options) -> String {
    let en = options.language == Language::En;
    let t = |nl: &str, english: &str| if en { english } else { nl }.to_owned();
    match method {
        Method::Dsr => {
            let standard = notes::standard(options);
            format!(
                "{} ({}, {standard})",
                t("leeftijdsgestandaardiseerd", "age-standardised"),
                t("direct", "direct")
            )
        }
        Method::Isr => t(
            "indirect gestandaardiseerd naar de landelijke cijfers",
            "indirectly standardised to the national rates",
        ),
        Method::Wilson | Method::Poisson => {
            t("ruw (niet gestandaardiseerd)", "crude (not standardised)")
        }
        Method::GgdModel => t("kleine-domeinschatting", "small-area estimate"),
        Method::GgdRespondents => t(
            "uit de respondenten van de monitor",
            "from the monitor's respondents",
        ),
        Method::GgdWeighted => t(
            "gewogen uit de schattingen van de delen",
            "weighted from the estimates of its parts",
        ),
        Method::SurveyDesign => t(
            "gewogen schatting uit de gezondheidsmonitor",
            "weighted estimate from the health monitor",
        ),
        Method::Count => String::new(),
    }
}

/// A figure's unit, the people it counts and its method, as one line.
pub(super) fn unit(ind: &Indicator, f: &Figure, options: &Options) -> String {
    let language = options.language;
    let en = language == Language::En;
    let people = people(ind, language);
    let per = match (ind.kind, ind.multiplier) {
        (Kind::Proportion, 100.0) => {
            format!("% {} {people}", if en { "of" } else { "van de" })
        }
        (Kind::Proportion | Kind::Rate, m) => format!("per {} {people}", exact(m, language)),
        (Kind::Mean, _) => {
            if en {
                "mean among "
            } else {
                "gemiddelde onder "
            }
            .to_owned()
                + &people
        }
        (Kind::Count, _) => if en { "number of " } else { "aantal " }.to_owned() + &people,
        (Kind::Ratio, _) => if en { "ratio" } else { "verhouding" }.to_owned(),
    };
    let how = method(f.method, options);
    if how.is_empty() {
        per
    } else {
        format!("{per}, {how}")
    }
}

/// What a reader should keep in mind about a source.
fn caveat(source: Source, language: Language) -> &'static str {
    let en = language == Language::En;
    match (source, en) {
        (Source::Gp, false) => {
            "Telt alleen patiënten van deelnemende praktijken die hier wonen; bij lage dekking zegt het cijfer minder over de hele buurt. Verschillen in registratie tussen praktijken tellen mee."
        }
        (Source::Gp, true) => {
            "Counts only patients of participating practices who live here; with low coverage the figure says less about the whole area. Differences in how practices record count too."
        }
        (Source::Ggd, false) => {
            "Een schatting uit een steekproef (de gezondheidsmonitor), geen telling: kijk naar het interval."
        }
        (Source::Ggd, true) => {
            "An estimate from a sample (the health monitor), not a count: mind the interval."
        }
        (Source::Cbs, false) => "Uit de bevolkingsregistratie (CBS), op 1 januari.",
        (Source::Cbs, true) => "From the population register (CBS), on 1 January.",
    }
}

/// Where an indicator's figures come from.
fn source(ind: &Indicator, language: Language) -> String {
    let en = language == Language::En;
    match ind.source {
        Source::Gp => {
            let base = if en {
                "GP records (participating practices)"
            } else {
                "huisartsregistratie (deelnemende praktijken)"
            };
            if ind.icpc.is_empty() {
                base.to_owned()
            } else {
                format!("{base}, ICPC {}", ind.icpc.join(", "))
            }
        }
        Source::Ggd => if en {
            "GGD health monitor"
        } else {
            "GGD-gezondheidsmonitor"
        }
        .to_owned(),
        Source::Cbs => if en {
            "CBS population figures"
        } else {
            "CBS-bevolkingscijfers"
        }
        .to_owned(),
    }
}

impl Profiles {
    /// The definitions section: per indicator on the page, its definition, source, unit and
    /// method; then, once per source, what to keep in mind when reading its figures.
    pub(super) fn definitions_section(&self, doc: &AreaDocument, out: &mut String) {
        let language = self.options.language;
        let t = |nl, en| self.text(nl, en);
        let _ = write!(
            out,
            "<section class=\"definitions\"><h2>{}</h2><dl>",
            t("Definities", "Definitions")
        );
        let mut sources = Vec::new();
        for shown in &doc.indicators {
            let Some(f) = shown.latest(Mode::Residence) else {
                continue;
            };
            let ind = &self.catalogue.indicators()[f.indicator];
            if !sources.contains(&ind.source) {
                sources.push(ind.source);
            }
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}<br><small>{}: {} · {}: {}</small></dd>",
                escape_html(shown.label),
                escape_html(shown.definition),
                t("Bron", "Source"),
                escape_html(&source(ind, language)),
                t("Eenheid en methode", "Unit and method"),
                escape_html(&unit(ind, f, &self.options)),
            );
        }
        out.push_str("</dl><ul>");
        for s in sources {
            let _ = write!(out, "<li>{}</li>", caveat(s, language));
        }
        out.push_str("</ul></section>");
    }
}
