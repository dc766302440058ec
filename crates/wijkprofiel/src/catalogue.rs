//! The indicator catalogue (`catalogue.toml`): what each indicator is and how it is judged.

pub use crate::stats::compare::Polarity;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{CatalogueError, Location};
use crate::{AgeBand, Sex};

/// Where an indicator's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// GP-practice counts (`gp_counts`).
    Gp,
    /// GGD health-monitor estimates (`ggd_estimates`).
    Ggd,
    /// CBS population context, computed from `population`.
    Cbs,
}

impl Source {
    /// The name used in the catalogue.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gp => "gp",
            Self::Ggd => "ggd",
            Self::Cbs => "cbs",
        }
    }
}

/// What kind of figure an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Proportion,
    Rate,
    Mean,
    Count,
    Ratio,
}

impl Kind {
    /// The name used in the catalogue.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Proportion => "proportion",
            Self::Rate => "rate",
            Self::Mean => "mean",
            Self::Count => "count",
            Self::Ratio => "ratio",
        }
    }
}

/// Age standardisation asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standardisation {
    None,
    Direct,
    Indirect,
}

/// GP prevalence definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prevalence {
    /// Open episode in the year.
    Jaarprevalentie,
    /// Care received in the year.
    Zorgprevalentie,
}

/// A theme that groups indicators (and projects) for the session.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: String,
    pub label_nl: String,
    pub label_en: String,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub label_nl: String,
    pub label_en: String,
    pub theme: String,
    pub source: Source,
    pub kind: Kind,
    /// Values are per `multiplier` (100 for percent, 1000 for per 1,000).
    pub multiplier: f64,
    pub polarity: Polarity,
    #[serde(default = "no_standardisation")]
    pub standardisation: Standardisation,
    /// Population scope: ages (`0+`, `18+`, `65+`, ...).
    #[serde(default = "all_ages")]
    pub age: String,
    /// Population scope: `all`, `male` or `female`.
    #[serde(default = "all_sexes")]
    pub sex: String,
    /// Plain-language definition.
    pub definition: String,
    /// ICPC codes that define a GP indicator.
    #[serde(default)]
    pub icpc: Vec<String>,
    /// Prevalence definition of a GP indicator.
    #[serde(default)]
    pub prevalence: Option<Prevalence>,
    /// CBS proportions: the ages counted in the numerator, as a share of the residents in
    /// the `age` scope (`65+` for the share aged 65 and over).
    #[serde(default)]
    pub numerator_age: Option<String>,
    /// Disclosure thresholds of this indicator, stricter than (or, with an explicit
    /// `allow_loosening` in the build settings, looser than) the run's defaults.
    #[serde(default)]
    pub min_count: Option<f64>,
    #[serde(default)]
    pub min_denominator: Option<f64>,
    /// A GGD indicator made from the health monitor's respondents (`respondents`): the
    /// question and the answers it counts.
    #[serde(default)]
    pub survey: Option<Question>,
}

/// How a GGD indicator is made from one question of the health monitor: a proportion
/// counts the respondents whose answer is one of `counts`; a mean averages the answers.
/// Answers in `missing` (no answer, "not applicable", "don't know") leave the respondent
/// out; every other answer must be one of `codes`, where given.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The answer column of `respondents`.
    pub question: String,
    /// The answers a proportion counts (e.g. `[1, 2]` for "(zeer) goed").
    #[serde(default)]
    pub counts: Vec<i64>,
    /// Every valid answer code; empty to accept any number.
    #[serde(default)]
    pub codes: Vec<i64>,
    /// Codes that leave the respondent out of this indicator.
    #[serde(default)]
    pub missing: Vec<i64>,
}

impl Question {
    /// Whether `answer` is a code this question knows (valid or missing).
    pub fn knows(&self, answer: f64) -> bool {
        self.codes.is_empty() && answer.is_finite()
            || self
                .codes
                .iter()
                .chain(&self.missing)
                .any(|&c| c as f64 == answer)
    }

    /// Whether `answer` leaves the respondent out.
    pub fn is_missing(&self, answer: f64) -> bool {
        self.missing.iter().any(|&c| c as f64 == answer)
    }
}

/// How respondents' files are read and what the monitor agreements allow to publish: the
/// `[survey]` section of the catalogue. The minimum numbers come from `agreement` (a named
/// monitor agreement) or from `min_respondents` and `min_per_answer`, not both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "SurveySection")]
pub struct SurveySettings {
    /// The design's columns in `respondents`: the weight (required), and where the sample
    /// has them, the stratum, the primary sampling unit and the stratum's population of
    /// PSUs (finite population correction).
    pub weight: String,
    pub stratum: Option<String>,
    pub psu: Option<String>,
    pub fpc: Option<String>,
    /// What a stratum with one PSU contributes to a variance (`survey.lonely.psu`).
    pub lonely_psu: crate::stats::survey::LonelyPsu,
    /// The interval of a proportion: `logit` (`svyciprop(method = "xlogit")`, the default),
    /// `korn-graubard` or `wilson` (both on the effective sample size), or `wald`; a mean
    /// always takes Wald's.
    pub interval: crate::stats::survey::Interval,
    /// The fewest respondents to a question in an area for its estimate to be shown.
    pub min_respondents: u32,
    /// The fewest respondents in each answer group (counted and not counted) of a
    /// proportion; 0 for none.
    pub min_per_answer: u32,
    /// Whether an answer group of a single respondent withholds a proportion (whatever
    /// `min_per_answer` says).
    pub no_group_of_one: bool,
    /// The groups of respondents the monitor's long table shows beside all of them: by
    /// sex, by age group, and by both.
    pub breakdowns: Vec<Breakdown>,
    /// The age groups of the `age` breakdowns (by default 18–64 and 65+, as the monitor
    /// Volwassenen en Ouderen reports them).
    pub age_groups: Vec<AgeBand>,
}

/// A breakdown of the monitor's long table (`[survey] breakdowns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breakdown {
    /// Men and women.
    Sex,
    /// The age groups of `age_groups`.
    Age,
    /// Each sex within each age group.
    SexAge,
}

impl SurveySettings {
    /// The columns of `respondents` that are not answers: the area, the round, sex, age and
    /// the design's.
    pub fn columns(&self) -> Vec<&str> {
        ["area_code", "year", "sex", "age", self.weight.as_str()]
            .into_iter()
            .chain(
                [&self.stratum, &self.psu, &self.fpc]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            )
            .collect()
    }
}

/// A monitor agreement on minimum numbers, by name: `50/0` (50 respondents to a question,
/// no minimum per answer group) or `30/5` (30, and 5 in each answer group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Agreement {
    #[serde(rename = "50/0")]
    Fifty,
    #[serde(rename = "30/5")]
    ThirtyFive,
}

impl Agreement {
    /// Its minimum respondents to a question and per answer group.
    pub const fn minimums(self) -> (u32, u32) {
        match self {
            Self::Fifty => (50, 0),
            Self::ThirtyFive => (30, 5),
        }
    }
}

/// The `[survey]` section as written, before the agreement is resolved.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SurveySection {
    weight: Option<String>,
    stratum: Option<String>,
    psu: Option<String>,
    fpc: Option<String>,
    lonely_psu: Option<crate::stats::survey::LonelyPsu>,
    interval: Option<crate::stats::survey::Interval>,
    agreement: Option<Agreement>,
    min_respondents: Option<u32>,
    min_per_answer: Option<u32>,
    no_group_of_one: Option<bool>,
    breakdowns: Option<Vec<Breakdown>>,
    age_groups: Option<Vec<String>>,
}

impl TryFrom<SurveySection> for SurveySettings {
    type Error = String;

    fn try_from(s: SurveySection) -> Result<Self, String> {
        let defaults = Self::default();
        let (min_respondents, min_per_answer) = match s.agreement {
            Some(a) if s.min_respondents.is_some() || s.min_per_answer.is_some() => {
                return Err(format!(
                    "give either `agreement = \"{}\"` or `min_respondents` and \
                     `min_per_answer`, not both",
                    match a {
                        Agreement::Fifty => "50/0",
                        Agreement::ThirtyFive => "30/5",
                    }
                ));
            }
            Some(a) => a.minimums(),
            None => (
                s.min_respondents.unwrap_or(defaults.min_respondents),
                s.min_per_answer.unwrap_or(defaults.min_per_answer),
            ),
        };
        let age_groups = match s.age_groups {
            None => defaults.age_groups,
            Some(groups) => groups
                .iter()
                .map(|g| {
                    g.parse()
                        .map_err(|e| format!("`age_groups`: `{g}` is not an age group ({e})"))
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            weight: s.weight.unwrap_or(defaults.weight),
            stratum: s.stratum,
            psu: s.psu,
            fpc: s.fpc,
            lonely_psu: s.lonely_psu.unwrap_or(defaults.lonely_psu),
            interval: s.interval.unwrap_or(defaults.interval),
            min_respondents,
            min_per_answer,
            no_group_of_one: s.no_group_of_one.unwrap_or(defaults.no_group_of_one),
            breakdowns: s.breakdowns.unwrap_or(defaults.breakdowns),
            age_groups,
        })
    }
}

impl Default for SurveySettings {
    fn default() -> Self {
        Self {
            weight: "weight".into(),
            stratum: None,
            psu: None,
            fpc: None,
            lonely_psu: crate::stats::survey::LonelyPsu::Fail,
            interval: crate::stats::survey::Interval::Logit,
            min_respondents: 50,
            min_per_answer: 0,
            no_group_of_one: true,
            breakdowns: vec![Breakdown::Sex, Breakdown::Age],
            age_groups: vec![AgeBand::closed(18, 64), AgeBand::open(65)],
        }
    }
}

fn no_standardisation() -> Standardisation {
    Standardisation::None
}
fn all_ages() -> String {
    "0+".to_owned()
}
fn all_sexes() -> String {
    "all".to_owned()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    theme: Vec<Theme>,
    #[serde(default)]
    indicator: Vec<Indicator>,
    #[serde(default)]
    survey: SurveySettings,
}

/// The validated catalogue.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    themes: Vec<Theme>,
    indicators: Vec<Indicator>,
    index: HashMap<String, usize>,
    survey: SurveySettings,
}

impl Catalogue {
    /// Parses and checks `catalogue.toml`; `file` names it in problems.
    ///
    /// # Errors
    ///
    /// Every problem found: TOML syntax and field types (with line and column), duplicate ids,
    /// unknown themes, and the rules of each indicator.
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::Catalogue;
    /// let text = r#"
    /// [[theme]]
    /// id = "chronic"
    /// label_nl = "Chronische aandoeningen"
    /// label_en = "Chronic conditions"
    ///
    /// [[indicator]]
    /// id = "gp_diabetes"
    /// label_nl = "Diabetes mellitus"
    /// label_en = "Diabetes mellitus"
    /// theme = "chronic"
    /// source = "gp"
    /// kind = "proportion"
    /// multiplier = 1000
    /// polarity = "lower-better"
    /// standardisation = "direct"
    /// definition = "Open episode T90 in the year"
    /// icpc = ["T90"]
    /// prevalence = "jaarprevalentie"
    /// "#;
    /// let catalogue = Catalogue::parse("catalogue.toml", text).unwrap();
    /// assert_eq!(catalogue.get("gp_diabetes").unwrap().multiplier, 1000.0);
    ///
    /// let errors = Catalogue::parse("catalogue.toml", "[[indicator]]\nid = 3").unwrap_err();
    /// assert!(errors[0].to_string().starts_with("catalogue.toml, line 2"));
    /// ```
    pub fn parse(file: &str, text: &str) -> Result<Self, Vec<CatalogueError>> {
        let parsed: CatalogueFile =
            toml::from_str(text).map_err(|e| vec![toml_problem(file, text, &e)])?;
        let mut problems = Vec::new();
        let at = || Location::file(file);
        let mut seen_themes = HashMap::new();
        for theme in &parsed.theme {
            for (field, text) in [("label_nl", &theme.label_nl), ("label_en", &theme.label_en)] {
                if let Some(problem) = crate::table::hidden_in(field, text) {
                    problems.push(CatalogueError::Parse {
                        at: at().column(format!("theme.{field}")),
                        message: format!("theme `{}`: {problem}", theme.id),
                    });
                }
            }
            if seen_themes.insert(theme.id.clone(), ()).is_some() {
                problems.push(CatalogueError::Duplicate {
                    at: at().column("theme.id"),
                    id: theme.id.clone(),
                });
            }
        }
        let mut index = HashMap::new();
        for (i, indicator) in parsed.indicator.iter().enumerate() {
            if index.insert(indicator.id.clone(), i).is_some() {
                problems.push(CatalogueError::Duplicate {
                    at: at().column("indicator.id"),
                    id: indicator.id.clone(),
                });
            }
            for detail in indicator_problems(indicator, &seen_themes) {
                problems.push(CatalogueError::Indicator {
                    at: at(),
                    indicator: indicator.id.clone(),
                    detail,
                });
            }
        }
        if parsed.indicator.is_empty() {
            problems.push(CatalogueError::Parse {
                at: at(),
                message: "the catalogue defines no `[[indicator]]`".to_owned(),
            });
        }
        if problems.is_empty() {
            Ok(Self {
                themes: parsed.theme,
                indicators: parsed.indicator,
                index,
                survey: parsed.survey,
            })
        } else {
            Err(problems)
        }
    }

    /// The indicator with this id.
    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.index.get(id).map(|&i| &self.indicators[i])
    }

    /// Keeps only the indicators `keep` accepts, in their order.
    pub fn retain(&mut self, keep: impl Fn(&Indicator) -> bool) {
        self.indicators.retain(|i| keep(i));
        self.index = (self.indicators.iter().enumerate())
            .map(|(k, i)| (i.id.clone(), k))
            .collect();
    }

    /// All indicators in catalogue order.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// All themes in catalogue order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// Whether a theme id exists.
    pub fn has_theme(&self, id: &str) -> bool {
        self.themes.iter().any(|t| t.id == id)
    }

    /// The `[survey]` section: the design's columns and the minimum numbers.
    pub fn survey(&self) -> &SurveySettings {
        &self.survey
    }
}

/// A TOML syntax or field error, located by line.
pub(crate) fn toml_problem(file: &str, text: &str, e: &toml::de::Error) -> CatalogueError {
    let line = e.span().map(|span| {
        let before = text.get(..span.start).unwrap_or(text);
        before.matches('\n').count() + 1
    });
    CatalogueError::Parse {
        at: Location {
            line,
            ..Location::file(file)
        },
        message: e.message().to_owned(),
    }
}

/// The rules one indicator must follow, as plain-language problems.
fn indicator_problems(ind: &Indicator, themes: &HashMap<String, ()>) -> Vec<String> {
    let mut out = Vec::new();
    let id_ok = ind
        .id
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase())
        && ind
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !id_ok {
        out.push("id must be lower-case letters, digits and `_`, starting with a letter".into());
    }
    for (field, text) in [
        ("label_nl", &ind.label_nl),
        ("label_en", &ind.label_en),
        ("definition", &ind.definition),
    ] {
        out.extend(crate::table::hidden_in(field, text));
    }
    if !themes.contains_key(&ind.theme) {
        out.push(format!(
            "theme `{}` is not a `[[theme]]` of the catalogue",
            ind.theme
        ));
    }
    if !(ind.multiplier.is_finite() && ind.multiplier > 0.0) {
        out.push(format!(
            "multiplier must be a positive number, not {}",
            ind.multiplier
        ));
    }
    if ind.label_nl.trim().is_empty() || ind.label_en.trim().is_empty() {
        out.push("labels `label_nl` and `label_en` must not be empty".into());
    }
    if ind.definition.trim().is_empty() {
        out.push("`definition` must not be empty".into());
    }
    if ind.age.parse::<AgeBand>().is_err() {
        out.push(format!(
            "age scope `{}` is not {}",
            ind.age,
            AgeBand::EXPECTED
        ));
    }
    if ind.sex.parse::<Sex>().is_err() {
        out.push(format!(
            "sex scope `{}` is not one of all, male, female",
            ind.sex
        ));
    }
    if ind.standardisation != Standardisation::None {
        if ind.source != Source::Gp {
            out.push(
                "only GP counts can be standardised (set `standardisation = \"none\"`)".into(),
            );
        }
        if !matches!(ind.kind, Kind::Proportion | Kind::Rate) {
            out.push("only proportions and rates can be standardised".into());
        }
    }
    if ind.source == Source::Gp {
        if ind.icpc.is_empty() {
            out.push("a GP indicator needs its ICPC codes (`icpc`)".into());
        }
        if ind.prevalence.is_none() {
            out.push("a GP indicator needs its prevalence definition (`prevalence`)".into());
        }
    } else if ind.prevalence.is_some() {
        out.push("`prevalence` applies to GP indicators only".into());
    }
    for code in &ind.icpc {
        let ok = code.len() == 3
            && code.as_bytes()[0].is_ascii_uppercase()
            && code[1..].bytes().all(|b| b.is_ascii_digit());
        if !ok {
            out.push(format!("ICPC code `{code}` is not a letter and two digits"));
        }
    }
    match (ind.source, ind.kind, &ind.numerator_age) {
        (Source::Cbs, Kind::Proportion, Some(ages)) => match ages.parse::<AgeBand>() {
            Ok(band)
                if ind
                    .age
                    .parse::<AgeBand>()
                    .is_ok_and(|scope| scope.contains(&band)) => {}
            Ok(_) => out.push(format!(
                "numerator ages `{ages}` must lie inside the age scope `{}`",
                ind.age
            )),
            Err(_) => out.push(format!(
                "numerator ages `{ages}` are not {}",
                AgeBand::EXPECTED
            )),
        },
        (Source::Cbs, Kind::Proportion, None) => {
            out.push("a CBS proportion needs the ages it counts (`numerator_age`)".into());
        }
        (Source::Cbs, Kind::Count, None) => {}
        (Source::Cbs, _, _) => out.push(
            "CBS indicators are proportions (with `numerator_age`) or counts of residents".into(),
        ),
        (_, _, Some(_)) => out.push("`numerator_age` applies to CBS proportions only".into()),
        (_, _, None) => {}
    }
    for (name, value) in [
        ("min_count", ind.min_count),
        ("min_denominator", ind.min_denominator),
    ] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            out.push(format!("`{name}` must be a number of 0 or more"));
        }
    }
    if ind.kind == Kind::Proportion && ind.source == Source::Ggd && ind.multiplier != 100.0 {
        out.push("GGD proportions are percentages: multiplier must be 100".into());
    }
    if let Some(q) = &ind.survey {
        out.extend(question_problems(ind, q));
    }
    out
}

fn question_problems(ind: &Indicator, q: &Question) -> Vec<String> {
    let mut out = Vec::new();
    if ind.source != Source::Ggd {
        out.push("`survey` applies to GGD indicators only".into());
    }
    if q.question.trim().is_empty() {
        out.push("`survey.question` must name a column of `respondents`".into());
    }
    match ind.kind {
        Kind::Proportion if q.counts.is_empty() => {
            out.push(
                "a proportion from respondents needs the answers it counts (`survey.counts`)"
                    .into(),
            );
        }
        Kind::Proportion => {}
        Kind::Mean if !q.counts.is_empty() => {
            out.push("a mean of answers counts no answers: leave `survey.counts` out".into());
        }
        Kind::Mean => {}
        kind => out.push(format!(
            "respondents give proportions and means, not a {}",
            kind.as_str()
        )),
    }
    if let Some(c) = q
        .counts
        .iter()
        .find(|c| !q.codes.is_empty() && !q.codes.contains(c))
    {
        out.push(format!("counted answer {c} is not one of `survey.codes`"));
    }
    if let Some(c) = q
        .missing
        .iter()
        .find(|c| q.codes.contains(c) || q.counts.contains(c))
    {
        out.push(format!("answer {c} cannot be both missing and valid"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbs(extra: &str) -> Result<Catalogue, Vec<CatalogueError>> {
        let text = format!(
            "[[theme]]\nid = \"population\"\nlabel_nl = \"Bevolking\"\nlabel_en = \"Population\"\n\n\
             [[indicator]]\nid = \"cbs_share\"\nlabel_nl = \"a\"\nlabel_en = \"a\"\ntheme = \"population\"\n\
             source = \"cbs\"\nmultiplier = 100\npolarity = \"no-judgement\"\ndefinition = \"d\"\n{extra}"
        );
        Catalogue::parse("catalogue.toml", &text)
    }

    fn problem(extra: &str) -> String {
        cbs(extra).expect_err("a problem")[0].to_string()
    }

    #[test]
    fn names_are_the_serialised_ones() {
        let quoted = |s: &str| format!("\"{s}\"");
        for s in [Source::Gp, Source::Ggd, Source::Cbs] {
            assert_eq!(serde_json::to_string(&s).unwrap(), quoted(s.as_str()));
        }
        for k in [
            Kind::Proportion,
            Kind::Rate,
            Kind::Mean,
            Kind::Count,
            Kind::Ratio,
        ] {
            assert_eq!(serde_json::to_string(&k).unwrap(), quoted(k.as_str()));
        }
        for p in [
            Polarity::HigherBetter,
            Polarity::LowerBetter,
            Polarity::NoJudgement,
            Polarity::NotCompared,
        ] {
            assert_eq!(serde_json::to_string(&p).unwrap(), quoted(p.as_str()));
        }
    }

    #[test]
    fn a_monitor_agreement_sets_the_minimum_numbers_by_name() {
        let survey = |section: &str| {
            cbs(&format!("kind = \"count\"\n\n[survey]\n{section}")).map(|c| c.survey().clone())
        };
        let thirty = survey("agreement = \"30/5\"\n").expect("30/5");
        assert_eq!((thirty.min_respondents, thirty.min_per_answer), (30, 5));
        let fifty = survey("agreement = \"50/0\"\nweight = \"ewGGD\"\n").expect("50/0");
        assert_eq!((fifty.min_respondents, fifty.min_per_answer), (50, 0));
        assert_eq!(fifty.weight, "ewGGD");
        let own = survey("min_respondents = 40\n").expect("own");
        assert_eq!((own.min_respondents, own.min_per_answer), (40, 0));
        assert_eq!(survey("").expect("defaults"), SurveySettings::default());
        let both = survey("agreement = \"30/5\"\nmin_per_answer = 3\n").expect_err("both");
        assert!(
            both[0].to_string().contains(
                "give either `agreement = \"30/5\"` or `min_respondents` and `min_per_answer`, not both"
            ),
            "{both:?}"
        );
        let unknown = survey("agreement = \"40/4\"\n").expect_err("unknown");
        assert!(
            unknown[0].to_string().contains("expected `50/0` or `30/5`"),
            "{unknown:?}"
        );
    }

    #[test]
    fn cbs_indicators_say_what_they_count() {
        assert!(cbs("kind = \"proportion\"\nnumerator_age = \"65+\"\n").is_ok());
        assert!(cbs("kind = \"count\"\nage = \"0-17\"\n").is_ok());
        assert!(
            problem("kind = \"proportion\"\n")
                .ends_with("a CBS proportion needs the ages it counts (`numerator_age`)")
        );
        assert!(
            problem("kind = \"proportion\"\nage = \"18+\"\nnumerator_age = \"0-4\"\n")
                .ends_with("numerator ages `0-4` must lie inside the age scope `18+`")
        );
        assert!(
            problem("kind = \"proportion\"\nnumerator_age = \"old\"\n")
                .contains("numerator ages `old` are not")
        );
        assert!(problem("kind = \"rate\"\n").ends_with(
            "CBS indicators are proportions (with `numerator_age`) or counts of residents"
        ));
        let strict = cbs("kind = \"count\"\nmin_count = 20\nmin_denominator = 200\n").expect("ok");
        assert_eq!(strict.indicators()[0].min_count, Some(20.0));
        assert!(
            problem("kind = \"count\"\nmin_count = -1\n")
                .ends_with("`min_count` must be a number of 0 or more")
        );
        let ggd = "[[theme]]\nid = \"t\"\nlabel_nl = \"t\"\nlabel_en = \"t\"\n\n[[indicator]]\nid = \"ggd_x\"\n\
                   label_nl = \"x\"\nlabel_en = \"x\"\ntheme = \"t\"\nsource = \"ggd\"\nkind = \"proportion\"\n\
                   multiplier = 100\npolarity = \"lower-better\"\ndefinition = \"d\"\nnumerator_age = \"65+\"\n";
        let e = Catalogue::parse("catalogue.toml", ggd).expect_err("a problem");
        assert!(
            e[0].to_string()
                .ends_with("`numerator_age` applies to CBS proportions only")
        );
    }
}
