//! Recent trend over the last five points: a weighted least-squares slope (or the
//! Cochran–Armitage test for proportions), significant when χ² exceeds the 99.8% critical
//! value 9.5495 and the slope keeps its sign when any one point is left out.

use super::Confidence;
use super::compare::Polarity;

/// Number of most recent points the trend is judged on.
pub const POINTS: usize = 5;

/// The direction found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Increasing,
    Decreasing,
    NoSignificantChange,
    /// Fewer than five points, a missing value or standard error, or no variation to test.
    CannotBeCalculated,
}

/// The outcome of a trend test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// The slope per time unit (NaN when it cannot be calculated).
    pub slope: f64,
    /// The test statistic χ² (1 degree of freedom).
    pub chi_square: f64,
    pub direction: Direction,
}

impl Direction {
    /// The label as in serialised output: `increasing`, `no-significant-change`...
    pub fn label(self) -> &'static str {
        match self {
            Direction::Increasing => "increasing",
            Direction::Decreasing => "decreasing",
            Direction::NoSignificantChange => "no-significant-change",
            Direction::CannotBeCalculated => "cannot-be-calculated",
        }
    }
}

impl Trend {
    fn cannot() -> Self {
        Self {
            slope: f64::NAN,
            chi_square: f64::NAN,
            direction: Direction::CannotBeCalculated,
        }
    }

    /// The label a profile shows, e.g. "increasing and getting worse".
    pub fn label(&self, polarity: Polarity) -> &'static str {
        match (self.direction, polarity) {
            (Direction::CannotBeCalculated, _) => "cannot be calculated",
            (Direction::NoSignificantChange, _) => "no significant change",
            (Direction::Increasing, Polarity::HigherBetter) => "increasing and getting better",
            (Direction::Increasing, Polarity::LowerBetter) => "increasing and getting worse",
            (Direction::Decreasing, Polarity::HigherBetter) => "decreasing and getting worse",
            (Direction::Decreasing, Polarity::LowerBetter) => "decreasing and getting better",
            (Direction::Increasing, _) => "increasing",
            (Direction::Decreasing, _) => "decreasing",
        }
    }
}

/// The critical χ² (1 degree of freedom) at `confidence`: z². 9.5495 at 99.8%.
pub fn critical_chi_square(confidence: Confidence) -> f64 {
    confidence.z().powi(2)
}

/// The weighted least-squares trend of the last [`POINTS`] of `(time, value, standard
/// error)`, weights 1/SE². The slope's variance is 1/Σw(t − t̄)² (the standard errors are taken
/// as known), χ² = (slope/SE)². `points` must be in time order.
///
/// # Examples
///
/// ```
/// use wijkprofiel::Polarity;
/// use wijkprofiel::stats::{Confidence, trend::{Direction, weighted}};
/// let points = [(2020.0, 10.0, 0.5), (2021.0, 11.0, 0.5), (2022.0, 12.2, 0.5),
///               (2023.0, 13.1, 0.5), (2024.0, 14.0, 0.5)];
/// let t = weighted(&points, Confidence::C998);
/// assert_eq!(t.direction, Direction::Increasing);
/// assert_eq!(t.label(Polarity::LowerBetter), "increasing and getting worse");
/// ```
pub fn weighted(points: &[(f64, f64, f64)], confidence: Confidence) -> Trend {
    let valid = |&(t, v, se): &(f64, f64, f64)| {
        t.is_finite() && v.is_finite() && se.is_finite() && se > 0.0
    };
    judge(points, valid, weighted_slope, confidence)
}

/// Slope and χ² of the weighted least-squares line through `points`.
fn weighted_slope(points: &[(f64, f64, f64)]) -> (f64, f64) {
    let weight = |se: f64| 1.0 / (se * se);
    let sw: f64 = points.iter().map(|p| weight(p.2)).sum();
    let tm = points.iter().map(|p| weight(p.2) * p.0).sum::<f64>() / sw;
    let vm = points.iter().map(|p| weight(p.2) * p.1).sum::<f64>() / sw;
    let sxx: f64 = points
        .iter()
        .map(|p| weight(p.2) * (p.0 - tm).powi(2))
        .sum();
    let sxy: f64 = points
        .iter()
        .map(|p| weight(p.2) * (p.0 - tm) * (p.1 - vm))
        .sum();
    let slope = sxy / sxx;
    // The slope's variance is 1/sxx.
    (slope, slope * slope * sxx)
}

/// The Cochran–Armitage test for trend in proportions over the last [`POINTS`] of
/// `(time, x, n)`: T = Σ tᵢ(xᵢ − nᵢp̄), var = p̄(1 − p̄)(Σ nᵢtᵢ² − (Σ nᵢtᵢ)²/N), χ² = T²/var.
/// The reported slope is that of the unweighted proportions, Σ n(t − t̄)(p − p̄)/Σ n(t − t̄)²
/// (the sign of T). The leave-one-out sign rule applies as for [`weighted`].
pub fn cochran_armitage(points: &[(f64, f64, f64)], confidence: Confidence) -> Trend {
    let valid = |&(t, x, n): &(f64, f64, f64)| {
        t.is_finite() && x.is_finite() && n.is_finite() && n > 0.0 && x >= 0.0 && x <= n
    };
    judge(points, valid, cochran_armitage_slope, confidence)
}

/// Slope and χ² of the Cochran–Armitage test on `points`.
fn cochran_armitage_slope(points: &[(f64, f64, f64)]) -> (f64, f64) {
    let big_n: f64 = points.iter().map(|r| r.2).sum();
    let p = points.iter().map(|r| r.1).sum::<f64>() / big_n;
    let tm = points.iter().map(|r| r.2 * r.0).sum::<f64>() / big_n;
    let t_stat: f64 = points.iter().map(|&(t, x, n)| (t - tm) * (x - n * p)).sum();
    let sxx: f64 = points
        .iter()
        .map(|&(t, _, n)| n * (t - tm) * (t - tm))
        .sum();
    let variance = p * (1.0 - p) * sxx;
    (t_stat / sxx, t_stat * t_stat / variance)
}

/// The trend of the last [`POINTS`] by `test` (slope and χ²): significant when χ² exceeds
/// the critical value and every leave-one-out slope has the same sign.
fn judge(
    points: &[(f64, f64, f64)],
    valid: impl Fn(&(f64, f64, f64)) -> bool,
    test: impl Fn(&[(f64, f64, f64)]) -> (f64, f64),
    confidence: Confidence,
) -> Trend {
    if points.len() < POINTS {
        return Trend::cannot();
    }
    let recent = &points[points.len() - POINTS..];
    if !recent.iter().all(valid) {
        return Trend::cannot();
    }
    let (slope, chi_square) = test(recent);
    if !chi_square.is_finite() {
        return Trend::cannot();
    }
    let stable = (0..recent.len()).all(|skip| {
        let rest: Vec<(f64, f64, f64)> = (0..recent.len())
            .filter(|&i| i != skip)
            .map(|i| recent[i])
            .collect();
        test(&rest).0.signum() == slope.signum()
    });
    let direction = if chi_square > critical_chi_square(confidence) && stable && slope != 0.0 {
        if slope > 0.0 {
            Direction::Increasing
        } else {
            Direction::Decreasing
        }
    } else {
        Direction::NoSignificantChange
    };
    Trend {
        slope,
        chi_square,
        direction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_value_is_the_fingertips_one() {
        assert!((critical_chi_square(Confidence::C998) - 9.549_535_706_083_237).abs() < 1e-9);
    }

    #[test]
    fn weighted_slope_matches_statsmodels_wls() {
        // statsmodels WLS(y, [1, t], weights=1/se²).fit(cov_type="fixed scale"): slope and
        // its standard error.
        let points = [
            (1.0, 10.0, 1.0),
            (2.0, 12.0, 0.5),
            (3.0, 11.0, 2.0),
            (4.0, 15.0, 1.0),
            (5.0, 16.0, 0.8),
        ];
        let t = weighted(&points, Confidence::C998);
        assert!(
            (t.slope - 1.431_081_081_081_079_5).abs() < 1e-12,
            "{}",
            t.slope
        );
        assert!(
            (t.chi_square - (1.431_081_081_081_079_5_f64 / 0.259_937_622_455_018_1).powi(2)).abs()
                < 1e-9
        );
        assert_eq!(t.direction, Direction::Increasing);
    }

    #[test]
    fn one_outlier_is_not_a_trend() {
        // Flat but for a jump in the last year: significant slope, unstable sign.
        let points = [
            (1.0, 10.0, 0.1),
            (2.0, 10.2, 0.1),
            (3.0, 10.0, 0.1),
            (4.0, 9.8, 0.1),
            (5.0, 14.0, 0.1),
        ];
        let t = weighted(&points, Confidence::C998);
        assert!(t.chi_square > 9.55);
        assert_eq!(t.direction, Direction::NoSignificantChange);
    }

    #[test]
    fn too_few_or_missing_points_cannot_be_calculated() {
        let points = [(1.0, 1.0, 0.1); 4];
        assert_eq!(
            weighted(&points, Confidence::C998).direction,
            Direction::CannotBeCalculated
        );
        let mut five = [(1.0, 1.0, 0.1); 5];
        for (i, p) in five.iter_mut().enumerate() {
            p.0 = f64::from(u8::try_from(i).unwrap());
        }
        five[2].2 = 0.0;
        assert_eq!(
            weighted(&five, Confidence::C998).direction,
            Direction::CannotBeCalculated
        );
        let none = [
            (1.0, 0.0, 100.0),
            (2.0, 0.0, 100.0),
            (3.0, 0.0, 100.0),
            (4.0, 0.0, 100.0),
            (5.0, 0.0, 100.0),
        ];
        assert_eq!(
            cochran_armitage(&none, Confidence::C998).direction,
            Direction::CannotBeCalculated
        );
    }

    #[test]
    fn cochran_armitage_finds_a_falling_proportion() {
        let points = [
            (2020.0, 300.0, 1000.0),
            (2021.0, 280.0, 1000.0),
            (2022.0, 250.0, 1000.0),
            (2023.0, 230.0, 1000.0),
            (2024.0, 200.0, 1000.0),
        ];
        let t = cochran_armitage(&points, Confidence::C998);
        assert_eq!(t.direction, Direction::Decreasing);
        assert_eq!(
            t.label(Polarity::LowerBetter),
            "decreasing and getting better"
        );
        assert!((t.slope + 0.025).abs() < 1e-12);
    }
}
