//! Disclosure control of published figures: small counts and the values built on them are
//! hidden, and every hidden figure says which rule hid it.

use serde::{Deserialize, Serialize};

use super::figure::{Figure, Standing, Status};
use crate::{Indicator, Source};

/// Disclosure settings. The default is safe; loosening is explicit.
///
/// # Examples
///
/// ```
/// use wijkprofiel::profile::Disclosure;
/// let safe = Disclosure::default();
/// assert!(safe.enabled && safe.min_count == 10.0);
/// let off = Disclosure::off();
/// assert!(!off.enabled);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Disclosure {
    /// Whether small cells are suppressed at all.
    pub enabled: bool,
    /// Non-zero counts below this are hidden, with the values built on them.
    pub min_count: f64,
    /// Values whose denominator is below this are hidden (rates, per-1,000 figures).
    pub min_denominator: f64,
    /// The same for percentages (multiplier 100).
    pub min_denominator_percent: f64,
}

impl Default for Disclosure {
    fn default() -> Self {
        Self {
            enabled: true,
            min_count: 10.0,
            min_denominator: 50.0,
            min_denominator_percent: 100.0,
        }
    }
}

impl Disclosure {
    /// No suppression at all: for analysts' own work, never for publication.
    pub fn off() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// A count as it may be published: `None` when it is non-zero and below `min_count`.
    ///
    /// ```
    /// use wijkprofiel::profile::Disclosure;
    /// assert_eq!(Disclosure::default().count(3.0), None);
    /// assert_eq!(Disclosure::default().count(0.0), Some(0.0));
    /// assert_eq!(Disclosure::off().count(3.0), Some(3.0));
    /// ```
    pub fn count(&self, x: f64) -> Option<f64> {
        (!self.enabled || x <= 0.0 || x >= self.min_count).then_some(x)
    }

    /// The rule a figure breaks, if any. GGD model estimates are published estimates, not
    /// counts, and pass; GGD respondent counts are checked like any denominator.
    pub fn rule_broken(&self, figure: &Figure, indicator: &Indicator) -> Option<String> {
        if !self.enabled {
            return None;
        }
        let small = |x: f64| x > 0.0 && x < self.min_count;
        if let Some(x) = figure.numerator.filter(|x| small(*x))
            && indicator.source != Source::Ggd
        {
            return Some(format!("count {x} is below {}", self.min_count));
        }
        let minimum = if indicator.multiplier == 100.0 {
            self.min_denominator_percent
        } else {
            self.min_denominator
        };
        match figure.denominator {
            Some(n) if n < minimum => Some(format!("denominator {n} is below {minimum}")),
            _ => None,
        }
    }

    /// Hides a figure that breaks a rule: its value, intervals and counts.
    pub(crate) fn apply(&self, figure: &mut Figure, indicator: &Indicator) {
        if figure.status != Status::Published && !matches!(figure.status, Status::Withheld(_)) {
            return;
        }
        if let Some(rule) = self.rule_broken(figure, indicator) {
            let small = |x: &f64| *x > 0.0 && *x < self.min_count;
            figure.numerator = None;
            figure.denominator = figure.denominator.filter(|n| !small(n));
            figure.value = None;
            figure.crude = None;
            figure.isr_region = None;
            figure.isr_national = None;
            figure.expected_national = None;
            figure.excess = None;
            figure.standing = Standing::default();
            figure.status = Status::Suppressed(format!("primary: {rule}"));
        }
    }
}
