//! Public-health statistical methods: pure functions, no I/O.
//!
//! Each method takes counts and a [`Confidence`] level and returns an [`Estimate`]: the value
//! with its interval, as a fraction or per person (multiply by an indicator's multiplier with
//! [`Estimate::scaled`]). The methods follow the UK public-health indicator methods
//! (PHEindicatormethods; Fingertips). 95% and 99.8% are the usual pair: [`Confidence::C95`],
//! [`Confidence::C998`].
//!
//! | Method | Where |
//! |---|---|
//! | Proportion, Wilson score interval | [`proportion::wilson`] |
//! | Crude rate, exact Poisson below 10 events and Byar from 10 | [`rate::poisson`] |
//! | Mean, Student t | [`mean::student_t`] |
//! | Directly standardised rate, Dobson; ESP 2013 or a given standard | [`dsr::Dsr`], [`standard::StandardPopulation`] |
//! | Indirectly standardised ratio and rate | [`indirect::Indirect`] |
//! | Comparison with a benchmark (95%, 99.8%, overlap; polarity) | [`compare`] |
//! | Percentiles (R type 7), quantile groups, ranks | [`distribution`] |
//! | Funnel-plot control limits | [`funnel`] |
//! | Recent trend (weighted slope, Cochran–Armitage) | [`trend`] |
//! | Slope and relative index of inequality | [`inequality::sii`] |
//! | Life expectancy (Chiang II, Silcocks variance) | [`life_table::life_expectancy`] |
//! | Empirical Bayes smoothing (Poisson–gamma, beta–binomial) | [`smoothing`] |
//! | Survey microdata: design-based means, intervals, design effects, contrasts | [`survey`] |
//! | Rao–Scott test of association in a survey table (second and first order) | [`rao_scott::association`] |
//! | Multiple testing: Bonferroni, Holm, Benjamini–Hochberg | [`multiple::adjust`] |
//! | Whole columns (slices, polars Series and frames) | [`columns`] |
//!
//! Precision, the edge cases and the independent implementations each method is checked
//! against are listed in the README ("Precision").

pub mod columns;
pub mod compare;
pub mod distribution;
pub mod dsr;
pub mod funnel;
pub mod indirect;
pub mod inequality;
pub mod life_table;
pub mod mean;
pub mod multiple;
pub mod proportion;
pub mod rao_scott;
pub mod rate;
pub mod smoothing;
pub mod standard;
pub mod survey;
pub mod trend;

use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// A two-sided confidence level strictly between 0 and 1.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::Confidence;
/// assert!((Confidence::C95.z() - 1.959963984540054).abs() < 1e-12);
/// assert!(Confidence::new(1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Confidence(f64);

impl Confidence {
    /// 95%.
    pub const C95: Confidence = Confidence(0.95);
    /// 99.8% (about three standard errors).
    pub const C998: Confidence = Confidence(0.998);

    /// A confidence level.
    ///
    /// # Errors
    ///
    /// [`StatsError::Confidence`] unless `0 < level < 1`.
    pub fn new(level: f64) -> Result<Self, StatsError> {
        if level > 0.0 && level < 1.0 {
            Ok(Self(level))
        } else {
            Err(StatsError::Confidence { level })
        }
    }

    /// The level, e.g. 0.95.
    pub fn level(self) -> f64 {
        self.0
    }

    /// Probability in each tail, `(1 - level) / 2`.
    pub fn tail(self) -> f64 {
        (1.0 - self.0) / 2.0
    }

    /// The standard normal quantile of `1 - tail` (for the usual pair computed once).
    pub fn z(self) -> f64 {
        static PAIR: std::sync::LazyLock<[f64; 2]> =
            std::sync::LazyLock::new(|| Confidence::PAIR.map(Confidence::normal_quantile));
        match self.in_pair() {
            Some(k) => PAIR[k],
            None => self.normal_quantile(),
        }
    }

    /// The position of this level in [`Confidence::PAIR`], whose quantities are kept.
    pub(crate) fn in_pair(self) -> Option<usize> {
        Self::PAIR.iter().position(|&c| c == self)
    }

    fn normal_quantile(self) -> f64 {
        Normal::standard().inverse_cdf(1.0 - self.tail())
    }

    /// The usual pair, 95% and 99.8%.
    pub const PAIR: [Confidence; 2] = [Confidence::C95, Confidence::C998];

    /// A short label for column names: `95`, `99_8`.
    pub fn label(self) -> String {
        let percent = self.0 * 100.0;
        let text = format!("{}", (percent * 1e6).round() / 1e6);
        text.replace('.', "_")
    }
}

/// A value with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Estimate {
    /// Whether `lower <= x <= upper`.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// The estimate times `multiplier` (100 for percent, 1,000 for per 1,000).
    #[must_use]
    pub fn scaled(self, multiplier: f64) -> Self {
        Self {
            value: self.value * multiplier,
            lower: self.lower * multiplier,
            upper: self.upper * multiplier,
        }
    }
}

/// Why a method withholds a value it could compute: the standard says it is unreliable.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Withheld {
    /// Fewer events than the method needs (a DSR below 10 events).
    #[error("{events} events, fewer than the {minimum} the method needs")]
    FewEvents { events: f64, minimum: f64 },
    /// Too small a population (life expectancy below 5,000 person-years).
    #[error("population {population}, not above the {minimum} the method needs")]
    SmallPopulation { population: f64, minimum: f64 },
    /// An interval too wide to be useful (life expectancy with a 95% interval over 20 years).
    #[error("the 95% interval is {width:.1} wide, more than the {maximum} allowed")]
    WideInterval { width: f64, maximum: f64 },
    /// Fewer respondents to a survey question than the monitor's minimum numbers.
    #[error("{respondents} respondents, fewer than the {minimum} the survey's minimum numbers ask")]
    FewRespondents { respondents: f64, minimum: f64 },
    /// An answer group of a survey proportion holds fewer respondents than the minimum
    /// numbers allow (or one).
    #[error("an answer group holds fewer respondents than the survey's minimum numbers allow")]
    SmallAnswerGroup,
}

/// Inputs a method cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// A confidence level outside (0, 1).
    #[error("confidence level {level} is not strictly between 0 and 1")]
    Confidence { level: f64 },
    /// Counts that break the method's rule (e.g. x > n for a proportion).
    #[error("x = {x}, n = {n}: {rule}")]
    Counts { x: f64, n: f64, rule: &'static str },
    /// One input value that breaks the method's rule.
    #[error("{name} = {value}: {rule}")]
    Value {
        name: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// Inputs of different lengths, or too few of them.
    #[error("{what}: {rule}")]
    Shape { what: &'static str, rule: String },
    /// Age bands of the data that do not match the standard population, by key.
    #[error(
        "the age bands do not match standard population `{standard}`: {}",
        band_mismatch(missing, extra)
    )]
    StandardMismatch {
        standard: String,
        missing: Vec<String>,
        extra: Vec<String>,
    },
    /// A column that is missing or cannot be used.
    #[error("column `{column}`: {rule}")]
    Column { column: String, rule: String },
    /// A problem in one group of a grouped computation, named by its key values.
    #[error("group {key}: {source}")]
    Group {
        key: String,
        #[source]
        source: Box<StatsError>,
    },
    /// A problem in one row of a column computation (rows count from 0).
    #[error("row {row}: {source}")]
    Row {
        row: usize,
        #[source]
        source: Box<StatsError>,
    },
}

fn band_mismatch(missing: &[String], extra: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        parts.push(format!("not in the standard {}", extra.join(", ")));
    }
    parts.join("; ")
}

/// The `p` quantile of `distribution`: statrs' inverse (good to about 1e-10) polished by
/// Newton steps on its CDF to about 1e-15 relative, kept within `[low, high]`.
pub(crate) fn quantile<D>(distribution: &D, p: f64, low: f64, high: f64) -> f64
where
    D: ContinuousCDF<f64, f64> + Continuous<f64, f64>,
{
    let mut x = distribution.inverse_cdf(p);
    for _ in 0..30 {
        let density = distribution.pdf(x);
        if !(density.is_finite() && density > 0.0) {
            break;
        }
        let step = (distribution.cdf(x) - p) / density;
        let next = (x - step).clamp(low, high);
        if !next.is_finite() {
            break;
        }
        x = next;
        if step.abs() <= 1e-16 * x.abs() {
            break;
        }
    }
    x
}

/// `Ok(())` when `value` is finite and at least 0, else [`StatsError::Value`].
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<(), StatsError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(StatsError::Value {
            name,
            value,
            rule: "must be a finite number of at least 0",
        })
    }
}

/// `Ok(())` when `value` is finite and above 0, else [`StatsError::Value`].
pub(crate) fn positive(name: &'static str, value: f64) -> Result<(), StatsError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(StatsError::Value {
            name,
            value,
            rule: "must be a finite number above 0",
        })
    }
}

/// `Ok(())` when the slices have the same length.
pub(crate) fn same_length(what: &'static str, a: usize, b: usize) -> Result<(), StatsError> {
    if a == b {
        Ok(())
    } else {
        Err(StatsError::Shape {
            what,
            rule: format!("lengths differ ({a} and {b})"),
        })
    }
}
