//! Indirect standardisation: observed against expected events from reference rates.

use super::rate::poisson_limits;
use super::{Confidence, Estimate, StatsError};

/// One age(-sex) stratum of an area with the reference population's events and size there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReferenceStratum {
    /// The area's population in the stratum.
    pub population: f64,
    /// Events in the reference population (region or Nederland) in the stratum.
    pub reference_events: f64,
    /// The reference population in the stratum.
    pub reference_population: f64,
}

/// Observed and expected events of an area, for the indirectly standardised ratio (O/E) and
/// rate (O/E × the reference crude rate), as `phe_isr`/`ph_ISRatio`/`ph_ISRate`.
///
/// The interval is the exact Poisson interval of O below 10 observed events and Byar's from
/// 10, divided by E (E is treated as fixed).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, indirect::{Indirect, ReferenceStratum}};
/// let strata = [
///     ReferenceStratum { population: 1000.0, reference_events: 50.0, reference_population: 10_000.0 },
///     ReferenceStratum { population: 500.0, reference_events: 300.0, reference_population: 5_000.0 },
/// ];
/// let isr = Indirect::new(40.0, &strata).unwrap();
/// assert_eq!(isr.expected, 35.0);
/// let ratio = isr.ratio(Confidence::C95);
/// assert!((ratio.value - 40.0 / 35.0).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indirect {
    /// Observed events O.
    pub observed: f64,
    /// Expected events E = Σ population × reference rate.
    pub expected: f64,
    /// The reference crude rate Σ reference events / Σ reference population (per person).
    pub reference_rate: f64,
}

impl Indirect {
    /// From the area's observed events and its strata with reference rates. A stratum whose
    /// reference population is 0 must have 0 area population (it cannot expect anything).
    ///
    /// # Errors
    ///
    /// [`StatsError::Value`]/[`StatsError::Counts`] for negative or non-finite counts, a
    /// stratum with people but no reference rate, or expected events of 0.
    pub fn new(observed: f64, strata: &[ReferenceStratum]) -> Result<Self, StatsError> {
        super::non_negative("observed events", observed)?;
        let (mut expected, mut ref_events, mut ref_population) = (0.0, 0.0, 0.0);
        for s in strata {
            super::non_negative("population", s.population)?;
            super::non_negative("reference events", s.reference_events)?;
            super::non_negative("reference population", s.reference_population)?;
            if s.reference_population > 0.0 {
                expected += s.population * s.reference_events / s.reference_population;
            } else if s.population > 0.0 {
                return Err(StatsError::Counts {
                    x: s.reference_events,
                    n: s.reference_population,
                    rule: "a stratum with people has no reference population",
                });
            }
            ref_events += s.reference_events;
            ref_population += s.reference_population;
        }
        super::positive("expected events", expected)?;
        Ok(Self {
            observed,
            expected,
            reference_rate: ref_events / ref_population,
        })
    }

    /// From observed and already computed expected events.
    ///
    /// # Errors
    ///
    /// [`StatsError::Value`] when `observed < 0` or `expected <= 0`, or either is not finite.
    pub fn from_expected(
        observed: f64,
        expected: f64,
        reference_rate: f64,
    ) -> Result<Self, StatsError> {
        super::non_negative("observed events", observed)?;
        super::positive("expected events", expected)?;
        super::non_negative("reference rate", reference_rate)?;
        Ok(Self {
            observed,
            expected,
            reference_rate,
        })
    }

    /// The standardised ratio O/E (multiply by 100 for an SMR-style index).
    pub fn ratio(&self, confidence: Confidence) -> Estimate {
        let (low, high) = poisson_limits(self.observed, confidence).unwrap_or((f64::NAN, f64::NAN));
        Estimate {
            value: self.observed / self.expected,
            lower: low / self.expected,
            upper: high / self.expected,
        }
    }

    /// The indirectly standardised rate, O/E × the reference crude rate (per person).
    pub fn rate(&self, confidence: Confidence) -> Estimate {
        self.ratio(confidence).scaled(self.reference_rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_observed_is_valid_and_bad_strata_are_errors() {
        let s = [ReferenceStratum {
            population: 100.0,
            reference_events: 10.0,
            reference_population: 1000.0,
        }];
        let isr = Indirect::new(0.0, &s).unwrap();
        let r = isr.ratio(Confidence::C95);
        assert_eq!((r.value, r.lower), (0.0, 0.0));
        assert_eq!(isr.expected, 1.0);
        assert!((r.upper - 3.688_879_454_113_935_4).abs() < 1e-9);
        let rate = isr.rate(Confidence::C95);
        assert!((rate.upper - r.upper * 0.01).abs() < 1e-15);
        let no_reference = [ReferenceStratum {
            population: 5.0,
            reference_events: 0.0,
            reference_population: 0.0,
        }];
        assert!(Indirect::new(1.0, &no_reference).is_err());
        assert!(Indirect::new(-1.0, &s).is_err());
        assert!(Indirect::from_expected(3.0, 0.0, 0.1).is_err());
    }
}
