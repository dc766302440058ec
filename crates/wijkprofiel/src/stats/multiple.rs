//! Multiple testing: p-values adjusted over the tests of one table (each wijk against the
//! rest of its gemeente, for every indicator of a tabellenboek), as R's `p.adjust` makes
//! them. Bonferroni and Holm keep the chance of any false finding (family-wise error) below
//! the level; Benjamini–Hochberg keeps the expected share of false findings among the
//! significant ones (false discovery rate) below it, and finds more.

use super::StatsError;

/// A method of [`adjust`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    /// `min(1, m p)`.
    Bonferroni,
    /// Holm's step-down: the `i`-th smallest p times `m − i + 1`, never below a smaller one's.
    Holm,
    /// Benjamini–Hochberg's step-up: the `i`-th smallest p times `m / i`, never above a
    /// larger one's.
    BenjaminiHochberg,
}

impl Adjustment {
    const ALL: [Self; 3] = [Self::Bonferroni, Self::Holm, Self::BenjaminiHochberg];

    /// The name users give: `bonferroni`, `holm`, `bh` (R's `"BH"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Bonferroni => "bonferroni",
            Self::Holm => "holm",
            Self::BenjaminiHochberg => "bh",
        }
    }
}

impl std::str::FromStr for Adjustment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not one of bonferroni, holm, bh"))
    }
}

/// The p-values adjusted for the number of tests among them (`p.adjust(p, method)`). A NaN
/// is a test not made: it stays NaN and does not count.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::multiple::{Adjustment, adjust};
/// let p = [0.01, 0.04, 0.03, 0.005];
/// let bh = adjust(&p, Adjustment::BenjaminiHochberg).unwrap();
/// assert!((bh[0] - 0.02).abs() < 1e-15 && (bh[1] - 0.04).abs() < 1e-15);
/// ```
///
/// # Errors
///
/// [`StatsError::Value`] for a p-value outside 0…1.
pub fn adjust(p: &[f64], method: Adjustment) -> Result<Vec<f64>, StatsError> {
    if let Some(&bad) = p.iter().find(|v| !v.is_nan() && !(0.0..=1.0).contains(*v)) {
        return Err(StatsError::Value {
            name: "p-value",
            value: bad,
            rule: "must lie between 0 and 1",
        });
    }
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    let m = order.len() as f64;
    // Ascending p; ties in their given order, as R's `order`.
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![f64::NAN; p.len()];
    match method {
        Adjustment::Bonferroni => {
            for &i in &order {
                out[i] = (m * p[i]).min(1.0);
            }
        }
        Adjustment::Holm => {
            let mut largest: f64 = 0.0;
            for (k, &i) in order.iter().enumerate() {
                largest = largest.max((m - k as f64) * p[i]);
                out[i] = largest.min(1.0);
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut smallest = f64::INFINITY;
            for (k, &i) in order.iter().enumerate().rev() {
                smallest = smallest.min(m / (k as f64 + 1.0) * p[i]);
                out[i] = smallest.min(1.0);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R 4.2: `p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2, NA, 0.04), method)`.
    #[test]
    fn adjusted_p_values_match_r() {
        let p = [0.01, 0.04, 0.03, 0.005, 0.2, f64::NAN, 0.04];
        let cases = [
            (Adjustment::Bonferroni, [0.06, 0.24, 0.18, 0.03, 1.0, 0.24]),
            (Adjustment::Holm, [0.05, 0.12, 0.12, 0.03, 0.2, 0.12]),
            (
                Adjustment::BenjaminiHochberg,
                [0.03, 0.048, 0.048, 0.03, 0.2, 0.048],
            ),
        ];
        for (method, expected) in cases {
            let found = adjust(&p, method).expect("adjusted");
            assert!(found[5].is_nan(), "{method:?}");
            let tested = found[..5].iter().chain(&found[6..]);
            for (f, e) in tested.zip(expected) {
                assert!((f - e).abs() < 1e-15, "{method:?}: {found:?}");
            }
        }
    }

    #[test]
    fn names_and_bad_values() {
        assert_eq!("bh".parse(), Ok(Adjustment::BenjaminiHochberg));
        assert!("fdr".parse::<Adjustment>().unwrap_err().contains("holm"));
        let e = adjust(&[0.5, 1.5], Adjustment::Holm).unwrap_err();
        assert_eq!(e.to_string(), "p-value = 1.5: must lie between 0 and 1");
        assert_eq!(
            adjust(&[], Adjustment::Bonferroni).expect("none"),
            Vec::<f64>::new()
        );
    }
}
