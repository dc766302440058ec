//! Means: the Student t interval.

use statrs::distribution::StudentsT;

use super::{Confidence, Estimate, StatsError};

/// The mean of `values` with its Student t interval (`phe_mean`): mean ± t(n−1) · s / √n, with
/// `s` the sample standard deviation (denominator n − 1).
///
/// # Errors
///
/// [`StatsError::Shape`] for fewer than two values; [`StatsError::Value`] for a value that is
/// not finite (missing values are the caller's to drop).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, mean::student_t};
/// let e = student_t(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], Confidence::C95).unwrap();
/// assert_eq!(e.value, 5.0);
/// assert!((e.upper - 6.787_487_918_236_209).abs() < 1e-9);
/// ```
pub fn student_t(values: &[f64], confidence: Confidence) -> Result<Estimate, StatsError> {
    if let Some(&bad) = values.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::Value {
            name: "value",
            value: bad,
            rule: "must be a finite number",
        });
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let squares = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
    student_t_summary(n, mean, (squares / (n - 1.0)).sqrt(), confidence)
}

/// The Student t interval from a summary: `n` values with mean `mean` and sample standard
/// deviation `sd`.
///
/// # Errors
///
/// [`StatsError::Shape`] when `n < 2`; [`StatsError::Value`] for a negative or non-finite
/// standard deviation or a non-finite mean.
pub fn student_t_summary(
    n: f64,
    mean: f64,
    sd: f64,
    confidence: Confidence,
) -> Result<Estimate, StatsError> {
    if n.is_nan() || n < 2.0 {
        return Err(StatsError::Shape {
            what: "mean",
            rule: format!("needs at least 2 values, got {n}"),
        });
    }
    super::non_negative("standard deviation", sd)?;
    if !mean.is_finite() {
        return Err(StatsError::Value {
            name: "mean",
            value: mean,
            rule: "must be a finite number",
        });
    }
    let t = StudentsT::new(0.0, 1.0, n - 1.0).map_or(f64::NAN, |d| {
        super::quantile(&d, 1.0 - confidence.tail(), 0.0, f64::INFINITY)
    });
    let half = t * sd / n.sqrt();
    Ok(Estimate {
        value: mean,
        lower: mean - half,
        upper: mean + half,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_t_interval() {
        // scipy.stats.t.interval(0.95, 7, loc=5, scale=stdev/sqrt(8)) and at 0.998.
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let e = student_t(&values, Confidence::C95).unwrap();
        assert!((e.lower - 3.212_512_081_763_79).abs() < 1e-9, "{}", e.lower);
        let e = student_t(&values, Confidence::C998).unwrap();
        assert!(
            (e.lower - 1.382_661_054_630_384).abs() < 1e-9,
            "{}",
            e.lower
        );
        assert!(
            (e.upper - 8.617_338_945_369_616).abs() < 1e-9,
            "{}",
            e.upper
        );
    }

    #[test]
    fn edge_cases() {
        assert!(student_t(&[1.0], Confidence::C95).is_err());
        assert!(student_t(&[], Confidence::C95).is_err());
        assert!(student_t(&[1.0, f64::NAN], Confidence::C95).is_err());
        // Equal values: a zero-width interval, not an error.
        let e = student_t(&[3.0, 3.0, 3.0], Confidence::C95).unwrap();
        assert_eq!((e.lower, e.value, e.upper), (3.0, 3.0, 3.0));
    }
}
