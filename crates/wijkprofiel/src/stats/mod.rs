//! Public-health statistical methods: pure functions, no I/O.
//!
//! Each method takes counts and a [`Confidence`] level and returns an [`Estimate`]: the value
//! with its interval, as a fraction or per person (multiply by an indicator's multiplier with
//! [`Estimate::scaled`]). The methods follow the UK public-health indicator methods
//! (PHEindicatormethods; Fingertips). 95% and 99.8% are the usual pair: [`Confidence::C95`],
//! [`Confidence::C998`].
//!
//! - [`proportion::wilson`]: Wilson score interval.
//! - [`rate::poisson`]: exact Poisson interval below 10 events, Byar's approximation from 10.

pub mod proportion;
pub mod rate;

use statrs::distribution::{ContinuousCDF, Normal};

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

    /// The standard normal quantile of `1 - tail`.
    pub fn z(self) -> f64 {
        standard_normal().inverse_cdf(1.0 - self.tail())
    }
}

fn standard_normal() -> Normal {
    Normal::standard()
}

/// A value with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub lower: f64,
    pub upper: f64,
}

impl Estimate {
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
}
