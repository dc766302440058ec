//! Empirical Bayes smoothing of small-area rates and proportions: each area's estimate is
//! pulled towards the mean of all areas, the more so the less data it has.
//!
//! Rates use the Poisson–gamma model: observed O ~ Poisson(θ·E), θ ~ Gamma. Proportions use
//! the beta–binomial model: x ~ Binomial(n, p), p ~ Beta. The prior's mean and between-area
//! variance are estimated by the method of moments over all areas given (corrected for
//! estimating the mean, as DerSimonian–Laird); the posterior is conjugate, so each area's
//! smoothed value is the posterior mean and its interval the equal-tailed posterior interval.
//! When the areas show no more variation than chance, the between-area variance is floored
//! at the variance of the pooled mean itself, so no area is ever more certain than the
//! pooled estimate.

use statrs::distribution::{Beta, Gamma};

use super::quantile;

use super::{Confidence, Estimate, StatsError};

/// The estimated prior: mean and between-area variance, with the distribution's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    pub mean: f64,
    pub variance: f64,
    /// Gamma shape / Beta a.
    pub a: f64,
    /// Gamma rate / Beta b.
    pub b: f64,
    /// False when the between-area variance was not above chance and was floored.
    pub heterogeneity: bool,
}

/// Smoothed estimates, one per area in input order, and the prior they share.
#[derive(Debug, Clone, PartialEq)]
pub struct Smoothed {
    pub prior: Prior,
    pub estimates: Vec<Estimate>,
}

fn check_areas(a: &[f64], b: &[f64]) -> Result<(), StatsError> {
    super::same_length("smoothing", a.len(), b.len())?;
    if a.len() < 2 {
        return Err(StatsError::Shape {
            what: "smoothing",
            rule: format!("needs at least 2 areas, got {}", a.len()),
        });
    }
    Ok(())
}

/// Poisson–gamma smoothing of rates `observed / exposure` (exposure: population, person-years
/// or expected events). Values are per unit of exposure.
///
/// # Errors
///
/// [`StatsError::Shape`] for fewer than 2 areas, different lengths, or no events at all;
/// [`StatsError::Counts`] for a negative or non-finite count or an exposure not above 0.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, smoothing::poisson_gamma};
/// let observed = [0.0, 3.0, 40.0, 55.0, 12.0];
/// let population = [20.0, 150.0, 2000.0, 2500.0, 800.0];
/// let s = poisson_gamma(&observed, &population, Confidence::C95).unwrap();
/// // The tiny area with no events is pulled up towards the mean of about 2%.
/// assert!(s.estimates[0].value > 0.01);
/// ```
pub fn poisson_gamma(
    observed: &[f64],
    exposure: &[f64],
    confidence: Confidence,
) -> Result<Smoothed, StatsError> {
    check_areas(observed, exposure)?;
    for (&o, &e) in observed.iter().zip(exposure) {
        if !(o.is_finite() && o >= 0.0 && e.is_finite() && e > 0.0) {
            return Err(StatsError::Counts {
                x: o,
                n: e,
                rule: "events must be at least 0 and the exposure above 0",
            });
        }
    }
    let total_e: f64 = exposure.iter().sum();
    let mean = observed.iter().sum::<f64>() / total_e;
    if mean <= 0.0 {
        return Err(no_events());
    }
    let k = observed.len() as f64;
    let spread: f64 = observed
        .iter()
        .zip(exposure)
        .map(|(o, e)| e * (o / e - mean).powi(2))
        .sum();
    let effective = total_e - exposure.iter().map(|e| e * e).sum::<f64>() / total_e;
    let estimate = (spread - (k - 1.0) * mean) / effective;
    let floor = mean / total_e;
    let variance = estimate.max(floor);
    let (shape, rate) = (mean * mean / variance, mean / variance);
    let estimates = observed
        .iter()
        .zip(exposure)
        .map(|(o, e)| {
            let (a, b) = (shape + o, rate + e);
            let posterior = Gamma::new(a, b).map_err(|_| no_events())?;
            Ok(Estimate {
                value: a / b,
                lower: quantile(&posterior, confidence.tail(), 0.0, f64::INFINITY),
                upper: quantile(&posterior, 1.0 - confidence.tail(), 0.0, f64::INFINITY),
            })
        })
        .collect::<Result<_, StatsError>>()?;
    Ok(Smoothed {
        prior: Prior {
            mean,
            variance,
            a: shape,
            b: rate,
            heterogeneity: estimate > floor,
        },
        estimates,
    })
}

/// Beta–binomial smoothing of proportions `x / n`.
///
/// # Errors
///
/// [`StatsError::Shape`] for fewer than 2 areas, different lengths, or a pooled proportion
/// of 0 or 1 (nothing to smooth); [`StatsError::Counts`] when `x < 0`, `n <= 0` or `x > n`.
pub fn beta_binomial(x: &[f64], n: &[f64], confidence: Confidence) -> Result<Smoothed, StatsError> {
    check_areas(x, n)?;
    for (&x, &n) in x.iter().zip(n) {
        if !(x.is_finite() && n.is_finite() && x >= 0.0 && n > 0.0 && x <= n) {
            return Err(StatsError::Counts {
                x,
                n,
                rule: "needs 0 <= x <= n and n above 0",
            });
        }
    }
    let total_n: f64 = n.iter().sum();
    let mean = x.iter().sum::<f64>() / total_n;
    if mean <= 0.0 || mean >= 1.0 {
        return Err(StatsError::Shape {
            what: "smoothing",
            rule: format!("the pooled proportion is {mean}: nothing to smooth"),
        });
    }
    let k = x.len() as f64;
    let binomial = mean * (1.0 - mean);
    let spread: f64 = x
        .iter()
        .zip(n)
        .map(|(x, n)| n * (x / n - mean).powi(2))
        .sum();
    let effective = total_n - n.iter().map(|n| n * n).sum::<f64>() / total_n - (k - 1.0);
    let estimate = (spread - (k - 1.0) * binomial) / effective;
    let floor = binomial / total_n;
    // A beta prior needs variance below mean(1 - mean).
    let variance = estimate.max(floor).min(0.99 * binomial);
    let size = binomial / variance - 1.0;
    let (a0, b0) = (mean * size, (1.0 - mean) * size);
    let estimates = x
        .iter()
        .zip(n)
        .map(|(x, n)| {
            let (a, b) = (a0 + x, b0 + n - x);
            let posterior = Beta::new(a, b).map_err(|_| no_events())?;
            Ok(Estimate {
                value: a / (a + b),
                lower: quantile(&posterior, confidence.tail(), 0.0, 1.0),
                upper: quantile(&posterior, 1.0 - confidence.tail(), 0.0, 1.0),
            })
        })
        .collect::<Result<_, StatsError>>()?;
    Ok(Smoothed {
        prior: Prior {
            mean,
            variance,
            a: a0,
            b: b0,
            heterogeneity: estimate > floor,
        },
        estimates,
    })
}

fn no_events() -> StatsError {
    StatsError::Shape {
        what: "smoothing",
        rule: "no events in any area: nothing to smooth".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// 200 simulated regions of 300 areas with sizes from tiny to large and true rates from
    /// a gamma distribution: 95% posterior intervals cover the true rate 93–97% of the time
    /// and the smoothed rates are closer to the truth than the crude ones.
    #[test]
    fn poisson_gamma_covers_and_beats_crude_rates() {
        let mut rng = Rng::new(2026);
        let (mut covered, mut total, mut se_smooth, mut se_crude) = (0, 0, 0.0, 0.0);
        for _ in 0..200 {
            let exposure: Vec<f64> = (0..300)
                .map(|_| (20.0 + 3000.0 * rng.uniform().powi(3)).round())
                .collect();
            let truth: Vec<f64> = (0..300).map(|_| rng.gamma(6.0) * 0.02 / 6.0).collect();
            let observed: Vec<f64> = exposure
                .iter()
                .zip(&truth)
                .map(|(e, t)| rng.poisson(e * t) as f64)
                .collect();
            let s = poisson_gamma(&observed, &exposure, Confidence::C95).unwrap();
            for ((e, t), (o, n)) in s
                .estimates
                .iter()
                .zip(&truth)
                .zip(observed.iter().zip(&exposure))
            {
                covered += usize::from(e.contains(*t));
                total += 1;
                se_smooth += (e.value - t).powi(2);
                se_crude += (o / n - t).powi(2);
            }
        }
        let coverage = covered as f64 / total as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
        assert!(se_smooth < 0.8 * se_crude, "{se_smooth} vs {se_crude}");
    }

    #[test]
    fn beta_binomial_covers_and_beats_crude_proportions() {
        let mut rng = Rng::new(7);
        let (mut covered, mut total, mut se_smooth, mut se_crude) = (0, 0, 0.0, 0.0);
        for _ in 0..200 {
            let n: Vec<f64> = (0..300)
                .map(|_| (10.0 + 400.0 * rng.uniform().powi(2)).round())
                .collect();
            let truth: Vec<f64> = (0..300).map(|_| rng.beta(12.0, 36.0)).collect();
            let x: Vec<f64> = n
                .iter()
                .zip(&truth)
                .map(|(n, p)| rng.binomial(*n as i64, *p) as f64)
                .collect();
            let s = beta_binomial(&x, &n, Confidence::C95).unwrap();
            for ((e, p), (x, n)) in s.estimates.iter().zip(&truth).zip(x.iter().zip(&n)) {
                covered += usize::from(e.contains(*p));
                total += 1;
                se_smooth += (e.value - p).powi(2);
                se_crude += (x / n - p).powi(2);
            }
        }
        let coverage = covered as f64 / total as f64;
        assert!((0.93..=0.97).contains(&coverage), "coverage {coverage}");
        assert!(se_smooth < 0.8 * se_crude, "{se_smooth} vs {se_crude}");
    }

    #[test]
    fn no_heterogeneity_floors_the_variance_and_bad_input_fails() {
        let s = poisson_gamma(
            &[10.0, 10.0, 10.0],
            &[1000.0, 1000.0, 1000.0],
            Confidence::C95,
        )
        .unwrap();
        assert!(!s.prior.heterogeneity);
        assert!((s.prior.variance - 0.01 / 3000.0).abs() < 1e-15);
        assert!(s.estimates.iter().all(|e| e.lower < 0.01 && 0.01 < e.upper));
        assert!(poisson_gamma(&[0.0, 0.0], &[10.0, 10.0], Confidence::C95).is_err());
        assert!(poisson_gamma(&[1.0], &[10.0], Confidence::C95).is_err());
        assert!(beta_binomial(&[5.0, 11.0], &[10.0, 10.0], Confidence::C95).is_err());
        assert!(beta_binomial(&[0.0, 0.0], &[10.0, 10.0], Confidence::C95).is_err());
    }
}
