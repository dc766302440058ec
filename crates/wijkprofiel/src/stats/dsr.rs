//! Directly standardised rates: Dobson's interval on the total count.

use super::rate::poisson_limits;
use super::standard::StandardPopulation;
use super::{Confidence, Estimate, StatsError, Withheld};
use crate::AgeBand;

/// Below this many events in total a DSR and its interval are withheld.
pub const MIN_EVENTS: f64 = 10.0;

/// Events and population in one age band of one area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stratum {
    pub band: AgeBand,
    pub events: f64,
    pub population: f64,
}

/// Non-independent events: `persons` people of one band each had `frequency` events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Repeat {
    pub band: AgeBand,
    pub frequency: f64,
    pub persons: f64,
}

/// A directly standardised rate (per person; multiply by 100,000 with [`Estimate::scaled`]).
///
/// DSR = Σ wᵢ xᵢ/nᵢ / Σ wᵢ with standard weights wᵢ; var = Σ wᵢ² xᵢ/nᵢ² / (Σ wᵢ)². The
/// interval is Dobson's: DSR + √(var/O) · (O_limit − O), with O the total count and O_limit
/// its exact Poisson limit below 10 events and Byar's from 10 (as `phe_dsr`).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, dsr::{Dsr, Stratum}, standard::StandardPopulation};
/// let esp = StandardPopulation::esp2013();
/// let strata: Vec<Stratum> = esp
///     .bands()
///     .map(|(band, _)| Stratum { band, events: 12.0, population: 1000.0 })
///     .collect();
/// let dsr = Dsr::new(&strata, &esp).unwrap();
/// let e = dsr.estimate(Confidence::C95).unwrap().scaled(100_000.0);
/// assert!((e.value - 1200.0).abs() < 1e-9);
/// assert!(e.lower < 1200.0 && 1200.0 < e.upper);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dsr {
    /// Total events O.
    pub events: f64,
    /// Total population.
    pub population: f64,
    /// The standardised rate per person.
    pub value: f64,
    /// Its variance.
    pub variance: f64,
}

impl Dsr {
    /// The DSR of independent events (each person counts once per event).
    ///
    /// A band with population 0 and 0 events adds nothing (it has no rate); one with events
    /// but no population is an error.
    ///
    /// # Errors
    ///
    /// [`StatsError::StandardMismatch`] when the bands differ from the standard's;
    /// [`StatsError::Counts`] for negative or non-finite counts, or events without population.
    pub fn new(strata: &[Stratum], standard: &StandardPopulation) -> Result<Self, StatsError> {
        Self::build(strata, standard, |i| strata[i].events)
    }

    /// The DSR of non-independent events: the variance counts a person with `f` events `f²`
    /// times (Σ f² persons in place of the events in each band), so repeated events widen the
    /// interval. Each band's events must equal Σ frequency × persons of its repeats.
    ///
    /// # Errors
    ///
    /// As [`Dsr::new`], and [`StatsError::Shape`] when a band's repeats do not add up to its
    /// events or name a band without a stratum.
    pub fn non_independent(
        strata: &[Stratum],
        repeats: &[Repeat],
        standard: &StandardPopulation,
    ) -> Result<Self, StatsError> {
        let mut per_band = vec![(0.0, 0.0); strata.len()];
        for r in repeats {
            super::non_negative("event frequency", r.frequency)?;
            super::non_negative("persons", r.persons)?;
            let Some(i) = strata.iter().position(|s| s.band == r.band) else {
                return Err(StatsError::Shape {
                    what: "repeated events",
                    rule: format!("band `{}` has no events and population", r.band),
                });
            };
            per_band[i].0 += r.frequency * r.persons;
            per_band[i].1 += r.frequency * r.frequency * r.persons;
        }
        for (s, (events, _)) in strata.iter().zip(&per_band) {
            if (s.events - events).abs() > 1e-9 * s.events.max(1.0) {
                return Err(StatsError::Shape {
                    what: "repeated events",
                    rule: format!(
                        "band `{}`: frequency × persons adds up to {events}, not its {} events",
                        s.band, s.events
                    ),
                });
            }
        }
        Self::build(strata, standard, |i| per_band[i].1)
    }

    fn build(
        strata: &[Stratum],
        standard: &StandardPopulation,
        variance_events: impl Fn(usize) -> f64,
    ) -> Result<Self, StatsError> {
        let bands: Vec<AgeBand> = strata.iter().map(|s| s.band).collect();
        let weights = standard.weights_for(&bands)?;
        let total_weight = standard.total();
        let (mut events, mut population, mut weighted, mut squared) = (0.0, 0.0, 0.0, 0.0);
        for (i, (s, w)) in strata.iter().zip(weights).enumerate() {
            check_stratum(s)?;
            events += s.events;
            population += s.population;
            if s.population > 0.0 {
                let share = w / s.population;
                weighted += s.events * share;
                squared += variance_events(i) * share * share;
            }
        }
        Ok(Self {
            events,
            population,
            value: weighted / total_weight,
            variance: squared / (total_weight * total_weight),
        })
    }

    /// The DSR with its Dobson interval, or the reason it is withheld (fewer than
    /// [`MIN_EVENTS`] events).
    pub fn estimate(&self, confidence: Confidence) -> Result<Estimate, Withheld> {
        if self.events < MIN_EVENTS {
            return Err(Withheld::FewEvents {
                events: self.events,
                minimum: MIN_EVENTS,
            });
        }
        Ok(dobson(self.value, self.variance, self.events, confidence))
    }
}

/// Dobson's interval for a weighted sum of Poisson counts with value `value`, variance
/// `variance` and total count `events` (at least 10 here, so never zero).
pub(crate) fn dobson(value: f64, variance: f64, events: f64, confidence: Confidence) -> Estimate {
    dobson_at(value, (variance / events).sqrt(), events, confidence)
}

/// Dobson's interval with its spread `√(variance ÷ events)` given: the Poisson limits of
/// `events` moved onto the value's scale (disclosure control keeps a DSR's spread and takes
/// the limits of its rounded total).
pub(crate) fn dobson_at(value: f64, spread: f64, events: f64, confidence: Confidence) -> Estimate {
    let (low, high) = poisson_limits(events, confidence).unwrap_or((f64::NAN, f64::NAN));
    Estimate {
        value,
        lower: value + spread * (low - events),
        upper: value + spread * (high - events),
    }
}

fn check_stratum(s: &Stratum) -> Result<(), StatsError> {
    let bad = |rule| {
        Err(StatsError::Counts {
            x: s.events,
            n: s.population,
            rule,
        })
    };
    if !(s.events.is_finite() && s.events >= 0.0) {
        return bad("events must be a finite number of at least 0");
    }
    if !(s.population.is_finite() && s.population >= 0.0) {
        return bad("the population must be a finite number of at least 0");
    }
    if s.population == 0.0 && s.events > 0.0 {
        return bad("events in an age band without population");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strata(events: &[f64], populations: &[f64]) -> Vec<Stratum> {
        StandardPopulation::esp2013()
            .bands()
            .zip(events.iter().zip(populations))
            .map(|((band, _), (&events, &population))| Stratum {
                band,
                events,
                population,
            })
            .collect()
    }

    /// Worked example, computed independently with PHStatsMethods `ph_dsr` (multiplier
    /// 100,000): events 1..19, population 1000, 2000, ... 19,000.
    #[test]
    fn matches_ph_dsr_worked_example() {
        let events: Vec<f64> = (1..=19).map(f64::from).collect();
        let pops: Vec<f64> = (1..=19).map(|i| f64::from(i) * 1000.0).collect();
        let dsr = Dsr::new(&strata(&events, &pops), &StandardPopulation::esp2013()).unwrap();
        let e = dsr.estimate(Confidence::C95).unwrap().scaled(100_000.0);
        assert!((e.value - 100.0).abs() < 1e-9);
        assert!(
            (e.lower - 80.209_311_617_577_63).abs() < 1e-8,
            "{}",
            e.lower
        );
        assert!(
            (e.upper - 122.041_957_535_321_96).abs() < 1e-8,
            "{}",
            e.upper
        );
        assert_eq!(dsr.events, 190.0);
    }

    #[test]
    fn withheld_below_ten_events_with_the_reason() {
        let mut events = vec![0.0; 19];
        events[18] = 9.0;
        let dsr = Dsr::new(
            &strata(&events, &[100.0; 19]),
            &StandardPopulation::esp2013(),
        )
        .unwrap();
        assert_eq!(
            dsr.estimate(Confidence::C95).unwrap_err().to_string(),
            "9 events, fewer than the 10 the method needs"
        );
        events[0] = 1.0;
        let dsr = Dsr::new(
            &strata(&events, &[100.0; 19]),
            &StandardPopulation::esp2013(),
        )
        .unwrap();
        assert!(dsr.estimate(Confidence::C95).is_ok());
    }

    #[test]
    fn bad_strata_are_errors() {
        let esp = StandardPopulation::esp2013();
        let mut s = strata(&[1.0; 19], &[100.0; 19]);
        s[3].population = 0.0;
        assert!(Dsr::new(&s, &esp).is_err());
        s[3].events = 0.0;
        assert!(Dsr::new(&s, &esp).is_ok());
        assert!(Dsr::new(&s[..18], &esp).is_err());
    }

    #[test]
    fn repeated_events_widen_the_interval_only() {
        let esp = StandardPopulation::esp2013();
        let s = strata(&[20.0; 19], &[1000.0; 19]);
        let once: Vec<Repeat> = s
            .iter()
            .map(|s| Repeat {
                band: s.band,
                frequency: 1.0,
                persons: 20.0,
            })
            .collect();
        let twice: Vec<Repeat> = s
            .iter()
            .map(|s| Repeat {
                band: s.band,
                frequency: 2.0,
                persons: 10.0,
            })
            .collect();
        let independent = Dsr::new(&s, &esp).unwrap();
        assert_eq!(Dsr::non_independent(&s, &once, &esp).unwrap(), independent);
        let repeated = Dsr::non_independent(&s, &twice, &esp).unwrap();
        assert_eq!(repeated.value, independent.value);
        assert!((repeated.variance - 2.0 * independent.variance).abs() < 1e-18);
        let (a, b) = (
            independent.estimate(Confidence::C95).unwrap(),
            repeated.estimate(Confidence::C95).unwrap(),
        );
        assert!(b.lower < a.lower && a.upper < b.upper);
        let wrong = &twice[..18];
        assert!(Dsr::non_independent(&s, wrong, &esp).is_err());
    }
}
