//! One figure of a profile: an area × indicator × year × mode, with its intervals, how it was
//! made, and where it stands.

use serde::Serialize;

use super::numbers;

use crate::stats::compare::Judgement;
use crate::stats::proportion::wilson;
use crate::stats::rate::poisson;
use crate::stats::{Confidence, Estimate, StatsError};
use crate::{Indicator, Kind, Source};

/// How GP figures were attributed to an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Patients counted where they live (GP counts by residence; GGD and CBS figures).
    Residence,
    /// A practice's whole list counted where the practice is (the "participating practice"
    /// profile): the practice population stands for its wijk.
    Practice,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 2] = [Self::Residence, Self::Practice];

    /// The label in outputs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Residence => "residence",
            Self::Practice => "practice",
        }
    }
}

/// The method that made a figure's headline value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Crude proportion, Wilson score interval.
    Wilson,
    /// Crude rate, exact Poisson interval below 10 events, Byar's from 10.
    Poisson,
    /// Directly standardised rate, Dobson interval.
    Dsr,
    /// Indirectly standardised rate against the national reference rates.
    Isr,
    /// A GGD small-area estimate as published, with its model interval.
    GgdModel,
    /// A GGD estimate with respondent counts, Wilson interval on the respondents.
    GgdRespondents,
    /// GGD estimates of the sub-areas, weighted by the population of the indicator's age
    /// group (see `docs/outputs.md` for the interval).
    GgdWeighted,
    /// A count of residents, exact.
    Count,
    /// A design-based estimate from the health monitor's respondents (logit interval for a
    /// proportion, Wald for a mean).
    SurveyDesign,
}

impl Method {
    /// The label in outputs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Wilson => "wilson",
            Self::Poisson => "poisson",
            Self::Dsr => "dsr",
            Self::Isr => "isr",
            Self::GgdModel => "ggd-model",
            Self::GgdRespondents => "ggd-respondents",
            Self::GgdWeighted => "ggd-weighted",
            Self::Count => "count",
            Self::SurveyDesign => "survey-design",
        }
    }
}

/// How a figure's crude value is computed from its counts, chosen once from the indicator:
/// an exact count of residents (CBS counts), a rate (exact Poisson below 10 events, Byar from
/// 10) or a proportion (Wilson). Used when a figure is made and again when disclosure control
/// recomputes it from rounded counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crude {
    Count,
    Poisson,
    Wilson,
}

impl Crude {
    /// The crude method of an indicator.
    pub(crate) fn of(indicator: &Indicator) -> Self {
        match (indicator.source, indicator.kind) {
            (Source::Cbs, Kind::Count) => Self::Count,
            (_, Kind::Rate) => Self::Poisson,
            _ => Self::Wilson,
        }
    }

    /// The method a figure shows when its headline value is the crude one.
    pub(crate) const fn method(self) -> Method {
        match self {
            Self::Count => Method::Count,
            Self::Poisson => Method::Poisson,
            Self::Wilson => Method::Wilson,
        }
    }

    /// The value of `x` among `n` and its intervals at both levels, per 1 (unscaled).
    ///
    /// # Errors
    ///
    /// The method's own: e.g. `n <= 0` for a rate or a proportion.
    pub(crate) fn intervals(
        self,
        x: f64,
        n: f64,
        levels: (Confidence, Confidence),
    ) -> Result<Intervals, StatsError> {
        match self {
            Self::Count => Ok(Intervals::exact(x)),
            Self::Poisson => Intervals::compute(levels, |c| poisson(x, n, c)),
            Self::Wilson => Intervals::compute(levels, |c| wilson(x, n, c)),
        }
    }
}

/// A value with its intervals at the two confidence levels (95% and 99.8% by default).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Intervals {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
    /// The outer interval (99.8% by default).
    pub lower_outer: f64,
    pub upper_outer: f64,
}

impl Intervals {
    /// From the estimates at the inner and outer level.
    pub fn from_pair(inner: Estimate, outer: Estimate) -> Self {
        Self {
            value: inner.value,
            lower: inner.lower,
            upper: inner.upper,
            lower_outer: outer.lower,
            upper_outer: outer.upper,
        }
    }

    /// A value known exactly (a count of residents).
    pub fn exact(value: f64) -> Self {
        Self::from_pair(
            Estimate {
                value,
                lower: value,
                upper: value,
            },
            Estimate {
                value,
                lower: value,
                upper: value,
            },
        )
    }

    /// Computes both levels with `method`, which may fail or withhold.
    pub fn compute<E>(
        levels: (Confidence, Confidence),
        method: impl Fn(Confidence) -> Result<Estimate, E>,
    ) -> Result<Self, E> {
        Ok(Self::from_pair(method(levels.0)?, method(levels.1)?))
    }

    /// Every number times `factor`.
    #[must_use]
    pub fn scaled(self, factor: f64) -> Self {
        Self {
            value: self.value * factor,
            lower: self.lower * factor,
            upper: self.upper * factor,
            lower_outer: self.lower_outer * factor,
            upper_outer: self.upper_outer * factor,
        }
    }

    /// The inner interval as an estimate.
    pub fn inner(&self) -> Estimate {
        Estimate {
            value: self.value,
            lower: self.lower,
            upper: self.upper,
        }
    }

    /// The outer interval as an estimate.
    pub fn outer(&self) -> Estimate {
        Estimate {
            value: self.value,
            lower: self.lower_outer,
            upper: self.upper_outer,
        }
    }

    /// The standard error implied by the inner interval, `(upper − lower) / 2z`.
    pub fn standard_error(&self, inner: Confidence) -> f64 {
        (self.upper - self.lower) / (2.0 * inner.z())
    }
}

/// Whether a figure is published, and if not, why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "kebab-case")]
pub enum Status {
    Published,
    /// The method withholds the value (a DSR below 10 events).
    Withheld(Reason),
    /// Disclosure control hides the value and its counts (the rule that applied).
    Suppressed(Reason),
    /// No data for this figure (e.g. no GGD estimate for the area, no practices).
    Missing(Reason),
}

impl Status {
    /// `published`, `withheld`, `suppressed` or `missing`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Withheld(_) => "withheld",
            Self::Suppressed(_) => "suppressed",
            Self::Missing(_) => "missing",
        }
    }

    /// Why the figure is not published; `None` for a published figure.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Self::Published => None,
            Self::Withheld(r) | Self::Suppressed(r) | Self::Missing(r) => Some(r),
        }
    }
}

/// Why a figure is not published. Tables and documents give it in English (its `Display`);
/// pages in their own language ([`Reason::text`]).
///
/// # Examples
///
/// ```
/// use wijkprofiel::profile::{Language, Reason};
/// let reason = Reason::NoPractice;
/// assert_eq!(reason.to_string(), "no participating practice lies here");
/// assert_eq!(reason.text(Language::Nl), "hier ligt geen deelnemende praktijk");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// None given (a figure being made).
    Unstated,
    /// Disclosure control withheld a count of the figure: a small count, the numerator of a
    /// small denominator, or a count withheld to protect one. Published outputs give this
    /// one reason for all of them, so that the reason tells nobody which (the full reasons
    /// are in [`crate::profile::Withheld`], for the data owner; `docs/threat-model.md`).
    SmallNumbers,
    /// The method withholds the value (a DSR below 10 events, say).
    Method(crate::stats::Withheld),
    /// The method cannot use the inputs (the error, in English).
    Unusable(String),
    /// GP figure by residence: no listed patient lives in the area.
    NoListedPatients,
    /// GP figure by practice: no participating practice lies in the area.
    NoPractice,
    /// A directly standardised figure without a standard population.
    NoStandardPopulation,
    /// An indirectly standardised figure without national rates or value.
    NoReferenceRates,
    /// A GGD figure without an estimate for the area or for all its parts.
    NoEstimate,
    /// A GGD figure to aggregate without residents in its age group.
    NoResidentsToWeight,
    /// A CBS figure without residents in its scope.
    NoResidents,
    /// A GGD figure from the monitor's respondents, of an area where none answered.
    NoRespondents,
}

impl Reason {
    /// The reason in `language`: English as in the tables, or Dutch.
    pub fn text(&self, language: super::Language) -> String {
        use crate::stats::Withheld as W;
        if language == super::Language::En {
            return self.to_string();
        }
        // Counts and limits as a Dutch reader writes them (`12.345`, `2,5`).
        let n = |v: f64| numbers::exact(v, language);
        match self {
            Self::Unstated => String::new(),
            Self::SmallNumbers => "kleine aantallen: afgeschermd zodat geen aantal onder de \
                                   drempel te zien of te herleiden is"
                .into(),
            Self::Method(W::FewEvents { events, minimum }) => {
                format!(
                    "{} gebeurtenissen, minder dan de {} die de methode nodig heeft",
                    n(*events),
                    n(*minimum)
                )
            }
            Self::Method(W::SmallPopulation {
                population,
                minimum,
            }) => format!(
                "bevolking {}, niet boven de {} die de methode nodig heeft",
                n(*population),
                n(*minimum)
            ),
            Self::Method(W::WideInterval { width, maximum }) => {
                format!(
                    "het 95%-interval is {} breed, meer dan de toegestane {}",
                    numbers::fixed(*width, 1, language),
                    n(*maximum)
                )
            }
            Self::Method(W::FewRespondents {
                respondents,
                minimum,
            }) => format!(
                "{} respondenten, minder dan de {} die de minimumaantallen van de monitor vragen",
                n(*respondents),
                n(*minimum)
            ),
            Self::Method(W::SmallAnswerGroup) => "een antwoordgroep telt minder respondenten \
                                                  dan de minimumaantallen van de monitor toestaan"
                .into(),
            Self::Unusable(error) => format!("niet te berekenen: {error}"),
            Self::NoListedPatients => "hier wonen geen ingeschreven patiënten".into(),
            Self::NoPractice => "hier ligt geen deelnemende praktijk".into(),
            Self::NoStandardPopulation => "geen standaardbevolking".into(),
            Self::NoReferenceRates => {
                "geen landelijke referentiecijfers voor indirecte standaardisatie".into()
            }
            Self::NoEstimate => "geen schatting voor dit gebied of voor al zijn delen".into(),
            Self::NoResidentsToWeight => {
                "geen inwoners in de leeftijdsgroep om mee te wegen".into()
            }
            Self::NoResidents => "geen inwoners in de doelgroep".into(),
            Self::NoRespondents => "geen respondenten van de monitor in dit gebied".into(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unstated => Ok(()),
            Self::SmallNumbers => f.write_str(
                "small numbers: withheld so that no count below the threshold can be seen or \
                 recovered",
            ),
            Self::Method(withheld) => write!(f, "{withheld}"),
            Self::Unusable(error) => f.write_str(error),
            Self::NoListedPatients => f.write_str("no listed patients live here"),
            Self::NoPractice => f.write_str("no participating practice lies here"),
            Self::NoStandardPopulation => f.write_str("no standard population"),
            Self::NoReferenceRates => {
                f.write_str("no national reference rates or value for indirect standardisation")
            }
            Self::NoEstimate => f.write_str("no estimate for this area or for all its parts"),
            Self::NoResidentsToWeight => f.write_str("no residents in the age group to weight by"),
            Self::NoResidents => f.write_str("no residents in scope"),
            Self::NoRespondents => f.write_str("no respondents of the monitor in this area"),
        }
    }
}

/// Serialised as its English text.
impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The area against one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// The benchmark's value, in the indicator's unit.
    pub value: Option<f64>,
    pub judgement: Judgement,
}

impl Comparison {
    /// Whether nothing was compared (no benchmark value, no judgement).
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }
}

impl Default for Comparison {
    fn default() -> Self {
        Self {
            value: None,
            judgement: Judgement::NotAvailable,
        }
    }
}

/// Where a figure stands among its peers and over time.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Standing {
    /// Against the parent area (same mode and year).
    pub parent: Comparison,
    /// Against the region.
    pub region: Comparison,
    /// Against the national reference (for standardised GP figures: the indirectly
    /// standardised ratio against the national rates, judged against 1).
    pub national: Comparison,
    /// The crude value against the region's crude value: beside `region`, it shows what
    /// standardisation changes.
    pub crude_region: Comparison,
    /// Against the same area's value in the previous round of the health monitor
    /// (`survey-design` figures: the two rounds as independent samples), and that round;
    /// left out of JSON where there is none.
    #[serde(skip_serializing_if = "Comparison::is_unset")]
    pub previous: Comparison,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_year: Option<i32>,
    /// Rank among the areas of the same level in the region (1 = best, or highest without
    /// polarity), and how many were ranked.
    pub rank: Option<usize>,
    pub peers: usize,
    /// Quintile among those areas (1 = best, or highest without polarity).
    pub quintile: Option<usize>,
    /// The spine chart of the level: worst, 25th, median, 75th percentile, best.
    pub spine: Option<[f64; 5]>,
    /// The recent trend of the headline value.
    pub trend: Option<TrendFigure>,
}

/// A trend as written in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrendFigure {
    /// `increasing`, `decreasing`, `no-significant-change`, `cannot-be-calculated`.
    pub direction: &'static str,
    /// The same under the indicator's polarity ("increasing and getting worse").
    pub label: &'static str,
    /// Slope per year, in the indicator's unit.
    pub slope: Option<f64>,
    /// Number of years the trend is judged on.
    pub points: usize,
}

/// Which of a figure's counts disclosure control withheld, each with its public rule family
/// (`small-numbers`; the full reasons are in [`crate::profile::Withheld`], for the data owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Suppression {
    pub numerator: Option<&'static str>,
    pub denominator: Option<&'static str>,
    pub residents: Option<&'static str>,
}

impl Suppression {
    /// Whether nothing was withheld.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Index of the area in [`crate::Areas`].
    #[serde(skip)]
    pub area: usize,
    /// Index of the indicator in the catalogue.
    #[serde(skip)]
    pub indicator: usize,
    pub year: i32,
    pub mode: Mode,
    pub method: Method,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The headline value (standardised where the catalogue asks for it), in the unit.
    pub value: Option<Intervals>,
    /// The crude value, in the unit.
    pub crude: Option<Intervals>,
    /// Indirectly standardised ratio (observed ÷ expected) against the region's rates.
    pub isr_region: Option<Intervals>,
    /// Indirectly standardised ratio against the national reference rates.
    pub isr_national: Option<Intervals>,
    /// Expected count at the national rates (for the excess, observed − expected).
    pub expected_national: Option<f64>,
    /// Residents in the indicator's age and sex scope.
    pub residents: Option<f64>,
    /// Listed patients ÷ residents in the indicator's age and sex scope (GP figures).
    pub coverage: Option<f64>,
    /// People affected beyond the national benchmark (observed − expected); negative when
    /// fewer.
    pub excess: Option<f64>,
    /// Listed patients in the indicator's scope (GP figures), behind `coverage`; not an
    /// output of its own.
    #[serde(skip)]
    pub listed: Option<f64>,
    /// A design-based estimate's significance against the rest of its parent and the rest
    /// of its region (the rest-of-reference contrast), which judges it instead of its
    /// interval around their values; not an output of its own.
    #[serde(skip)]
    pub contrasts: [Option<crate::stats::compare::Significance>; 2],
    /// A design-based estimate's change since the previous round of the monitor: that
    /// round's year and the significance of the difference (independent samples), which
    /// [`Standing::previous`] judges; not an output of its own.
    #[serde(skip)]
    pub change: Option<(i32, crate::stats::compare::Significance)>,
    /// The counts disclosure control withheld (left out of JSON when none).
    #[serde(skip_serializing_if = "Suppression::is_empty")]
    pub suppression: Suppression,
    pub status: Status,
    pub standing: Standing,
}

impl Figure {
    /// A figure without data, its reason not yet stated.
    pub fn missing(area: usize, indicator: usize, year: i32, mode: Mode, method: Method) -> Self {
        Self {
            area,
            indicator,
            year,
            mode,
            method,
            numerator: None,
            denominator: None,
            value: None,
            crude: None,
            isr_region: None,
            isr_national: None,
            expected_national: None,
            residents: None,
            coverage: None,
            excess: None,
            listed: None,
            contrasts: [None; 2],
            change: None,
            suppression: Suppression::default(),
            status: Status::Missing(Reason::Unstated),
            standing: Standing::default(),
        }
    }

    /// Whether the headline value is published.
    pub fn is_published(&self) -> bool {
        self.status == Status::Published && self.value.is_some()
    }

    /// The national benchmark value in the indicator's unit; none for standardised GP
    /// figures, which are compared with the national rates by their ratio.
    pub fn national_in_unit(&self) -> Option<f64> {
        self.standing
            .national
            .value
            .filter(|_| !matches!(self.method, Method::Dsr | Method::Isr))
    }

    /// The published headline value.
    pub fn published(&self) -> Option<&Intervals> {
        self.value
            .as_ref()
            .filter(|_| self.status == Status::Published)
    }
}

#[cfg(test)]
mod tests {
    use super::Reason;
    use crate::profile::Language;
    use crate::stats::Withheld;

    #[test]
    fn dutch_reasons_write_their_numbers_as_dutch_does() {
        let nl = |w: Withheld| Reason::Method(w).text(Language::Nl);
        let small = nl(Withheld::SmallPopulation {
            population: 12_345.0,
            minimum: 50_000.0,
        });
        assert!(
            small.contains("bevolking 12.345,") && small.contains("de 50.000 die"),
            "{small}"
        );
        let wide = nl(Withheld::WideInterval {
            width: 21.34,
            maximum: 20.0,
        });
        assert!(wide.contains("is 21,3 breed"), "{wide}");
        let few = nl(Withheld::FewRespondents {
            respondents: 12.5,
            minimum: 30.0,
        });
        assert!(
            few.starts_with("12,5 respondenten, minder dan de 30 "),
            "{few}"
        );
    }

    #[test]
    fn every_reason_reads_the_same_in_english_and_has_its_own_dutch() {
        let few = Withheld::FewEvents {
            events: 7.0,
            minimum: 10.0,
        };
        let cases = [
            (
                Reason::SmallNumbers,
                "small numbers: withheld so that no count below the threshold can be seen or \
                 recovered",
            ),
            (
                Reason::Method(few),
                "7 events, fewer than the 10 the method needs",
            ),
            (
                Reason::Unusable("x = 3, n = 2: x > n".into()),
                "x = 3, n = 2: x > n",
            ),
            (Reason::NoListedPatients, "no listed patients live here"),
            (Reason::NoPractice, "no participating practice lies here"),
            (Reason::NoStandardPopulation, "no standard population"),
            (
                Reason::NoReferenceRates,
                "no national reference rates or value for indirect standardisation",
            ),
            (
                Reason::NoEstimate,
                "no estimate for this area or for all its parts",
            ),
            (
                Reason::NoResidentsToWeight,
                "no residents in the age group to weight by",
            ),
            (Reason::NoResidents, "no residents in scope"),
        ];
        let mut dutch = std::collections::BTreeSet::new();
        for (reason, english) in cases {
            assert_eq!(reason.to_string(), english);
            assert_eq!(reason.text(Language::En), english);
            assert_eq!(serde_json::to_value(&reason).expect("json"), english);
            let nl = reason.text(Language::Nl);
            assert!(!nl.is_empty() && nl != english, "{english}");
            assert!(
                dutch.insert(nl),
                "one Dutch text for two reasons: {english}"
            );
        }
        assert_eq!(Reason::Unstated.to_string(), "");
        assert_eq!(Reason::Unstated.text(Language::Nl), "");
    }
}
