//! The Rao–Scott test of association in a two-way table of survey data (an answer by sex,
//! by age group, by gemeente), as R `survey`'s `svychisq`: Pearson's X² of the weighted
//! table scaled to the sample size, corrected for the design by the generalised design
//! effects `Δ = (C'D⁻¹C / n)⁻¹ (C'D⁻¹ V D⁻¹ C)`, with `V` the design-based covariance of the
//! cell proportions, `D` their diagonal and `C` the interaction contrasts orthogonal to the
//! margins.
//!
//! - Second order (the default, `statistic = "F"`): `F = X² / tr Δ` on `d₀ = (tr Δ)² / tr Δ²`
//!   and `d₀ ν` degrees of freedom (`ν`: the design's PSUs minus strata).
//! - First order (`statistic = "Chisq"`): `X² / mean(diag Δ)` against χ² on `(r − 1)(c − 1)`.
//!
//! The second order is used wherever its degrees of freedom are positive and finite, else the
//! first; [`Association::order`] says which.

use statrs::distribution::{ChiSquared, ContinuousCDF, FisherSnedecor};

use super::StatsError;
use super::survey::{Design, OUTSIDE, design_df, linearised};

/// Which Rao–Scott correction a test used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The F test with Satterthwaite's degrees of freedom (`svychisq(statistic = "F")`).
    Second,
    /// X² divided by the mean generalised design effect (`statistic = "Chisq"`).
    First,
}

/// A Rao–Scott test of association.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Association {
    /// Pearson's X² of the weighted table scaled to the respondents (not design-corrected).
    pub pearson: f64,
    /// The corrected statistic: F (second order) or X² / mean(diag Δ) (first order).
    pub statistic: f64,
    /// Numerator and denominator degrees of freedom (second order), or the χ² degrees of
    /// freedom and infinity (first order).
    pub ndf: f64,
    pub ddf: f64,
    pub p_value: f64,
    pub order: Order,
    /// The first-order p-value, reported beside the second-order one.
    pub p_first_order: f64,
}

/// Tests whether `rows` and `cols` (each respondent's category, numbered from 0; [`OUTSIDE`]
/// for a missing answer, which leaves the respondent out of the table but not out of the
/// design) are associated, under `design`.
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::rao_scott::{Order, association};
/// use wijkprofiel::stats::survey::{Design, LonelyPsu};
/// let weights = [1.0; 8];
/// let design = Design { weights: &weights, strata: None, clusters: None, population: None, lonely_psu: LonelyPsu::Fail };
/// let smokes = [1, 1, 1, 0, 0, 0, 0, 1];
/// let women = [1, 1, 1, 1, 0, 0, 0, 0];
/// let test = association(&design, &smokes, &women).unwrap();
/// assert_eq!(test.order, Order::Second);
/// assert!((test.pearson - 2.0).abs() < 1e-12);
/// assert!(test.p_value > 0.05);
/// ```
///
/// # Errors
///
/// As [`super::survey::means_by`]; [`StatsError::Shape`] when either variable has fewer than
/// two categories among the answered respondents, or a category of one has no respondent of
/// the other's (an empty margin).
pub fn association(design: &Design, rows: &[u32], cols: &[u32]) -> Result<Association, StatsError> {
    let n = design.weights.len();
    if rows.len() != n || cols.len() != n {
        return Err(shape(
            "the weights, rows and columns must have one entry per respondent",
        ));
    }
    let answered: Vec<bool> = (0..n)
        .map(|i| rows[i] != OUTSIDE && cols[i] != OUTSIDE)
        .collect();
    let (row, nr) = dense(rows, &answered);
    let (col, nc) = dense(cols, &answered);
    if nr < 2 || nc < 2 {
        return Err(shape(
            "each variable needs two categories or more among the answers",
        ));
    }
    let k = nr * nc;
    let cell = |i: usize| row[i] + nr * col[i];
    // Cell proportions and their linearised values.
    let total: f64 = (0..n)
        .filter(|&i| answered[i])
        .map(|i| design.weights[i])
        .sum();
    let mut p = vec![0.0; k];
    for i in (0..n).filter(|&i| answered[i]) {
        p[cell(i)] += design.weights[i] / total;
    }
    let z = |i: usize, c: usize| {
        if answered[i] {
            design.weights[i] * (f64::from(u8::from(cell(i) == c)) - p[c]) / total
        } else {
            0.0
        }
    };
    // Their covariance by polarisation: var(z_a + z_b) = v_aa + v_bb + 2 v_ab.
    let everyone = vec![0_u32; n];
    let variance = |values: Vec<f64>| -> Result<f64, StatsError> {
        Ok(linearised(design, &everyone, &values, 1)?.0[0])
    };
    let mut v = vec![0.0; k * k];
    for a in 0..k {
        v[a * k + a] = variance((0..n).map(|i| z(i, a)).collect())?;
    }
    for a in 0..k {
        for b in a + 1..k {
            let both = variance((0..n).map(|i| z(i, a) + z(i, b)).collect())?;
            let ab = (both - v[a * k + a] - v[b * k + b]) / 2.0;
            v[a * k + b] = ab;
            v[b * k + a] = ab;
        }
    }
    let respondents = n as f64;
    let nu = design_df(design)?;
    // Main effects (intercept, row and column dummies) and the interaction contrasts
    // orthogonal to them.
    let mains = nr + nc - 1;
    let m = (nr - 1) * (nc - 1);
    let x1: Vec<f64> = (0..k)
        .flat_map(|c| {
            let (r, s) = (c % nr, c / nr);
            (0..mains).map(move |j| match j {
                0 => 1.0,
                j if j < nr => f64::from(u8::from(r == j)),
                j => f64::from(u8::from(s == j - nr + 1)),
            })
        })
        .collect();
    let x12: Vec<f64> = (0..k)
        .flat_map(|c| {
            let (r, s) = (c % nr, c / nr);
            (0..m).map(move |j| f64::from(u8::from(r == 1 + j % (nr - 1) && s == 1 + j / (nr - 1))))
        })
        .collect();
    let c = residuals(&x1, &x12, k, mains, m)?;
    let inverse: Vec<f64> = p
        .iter()
        .map(|&q| if q == 0.0 { 0.0 } else { 1.0 / q })
        .collect();
    let mut denom = vec![0.0; m * m];
    let mut numr = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..m {
            denom[i * m + j] = (0..k)
                .map(|a| c[a * m + i] * inverse[a] / respondents * c[a * m + j])
                .sum();
            numr[i * m + j] = (0..k)
                .flat_map(|a| (0..k).map(move |b| (a, b)))
                .map(|(a, b)| c[a * m + i] * inverse[a] * v[a * k + b] * inverse[b] * c[b * m + j])
                .sum();
        }
    }
    let delta = solve(denom, numr, m, m)?;
    let trace: f64 = (0..m).map(|i| delta[i * m + i]).sum();
    let trace_squared: f64 = (0..m)
        .flat_map(|i| (0..m).map(move |j| (i, j)))
        .map(|(i, j)| delta[i * m + j] * delta[j * m + i])
        .sum();
    let pearson = pearson(&p, nr, nc, respondents);
    let d0 = trace * trace / trace_squared;
    let first = pearson / (trace / m as f64);
    let p_first_order = ChiSquared::new(m as f64).map_or(f64::NAN, |d| d.sf(first));
    let second = (d0.is_finite() && d0 > 0.0 && nu > 0.0)
        .then(|| FisherSnedecor::new(d0, d0 * nu).ok())
        .flatten();
    Ok(match second {
        Some(f) => Association {
            pearson,
            statistic: pearson / trace,
            ndf: d0,
            ddf: d0 * nu,
            p_value: f.sf(pearson / trace),
            order: Order::Second,
            p_first_order,
        },
        None => Association {
            pearson,
            statistic: first,
            ndf: m as f64,
            ddf: f64::INFINITY,
            p_value: p_first_order,
            order: Order::First,
            p_first_order,
        },
    })
}

fn shape(rule: &str) -> StatsError {
    StatsError::Shape {
        what: "survey table",
        rule: rule.into(),
    }
}

/// Categories renumbered 0.. in order of their codes, among the answered respondents.
fn dense(codes: &[u32], answered: &[bool]) -> (Vec<usize>, usize) {
    let mut used: Vec<u32> = codes
        .iter()
        .zip(answered)
        .filter(|(_, a)| **a)
        .map(|(c, _)| *c)
        .collect();
    used.sort_unstable();
    used.dedup();
    let at = |c: u32| used.binary_search(&c).unwrap_or(0);
    (codes.iter().map(|&c| at(c)).collect(), used.len())
}

/// Pearson's X² of the table of proportions `p` (rows vary fastest) scaled to `n`.
fn pearson(p: &[f64], nr: usize, nc: usize, n: f64) -> f64 {
    let row: Vec<f64> = (0..nr)
        .map(|r| (0..nc).map(|s| p[r + nr * s]).sum())
        .collect();
    let col: Vec<f64> = (0..nc)
        .map(|s| (0..nr).map(|r| p[r + nr * s]).sum())
        .collect();
    (0..nr)
        .flat_map(|r| (0..nc).map(move |s| (r, s)))
        .map(|(r, s)| {
            let expected = n * row[r] * col[s];
            let observed = n * p[r + nr * s];
            (observed - expected).powi(2) / expected
        })
        .sum()
}

/// `x12 − x1 (x1'x1)⁻¹ x1' x12`: the columns of `x12` (k × m) less their projection on
/// those of `x1` (k × q), row-major.
fn residuals(
    x1: &[f64],
    x12: &[f64],
    k: usize,
    q: usize,
    m: usize,
) -> Result<Vec<f64>, StatsError> {
    let cross = |a: &[f64], b: &[f64], ca: usize, cb: usize| -> Vec<f64> {
        let mut out = vec![0.0; ca * cb];
        for i in 0..ca {
            for j in 0..cb {
                out[i * cb + j] = (0..k).map(|r| a[r * ca + i] * b[r * cb + j]).sum();
            }
        }
        out
    };
    let beta = solve(cross(x1, x1, q, q), cross(x1, x12, q, m), q, m)?;
    let mut out = x12.to_vec();
    for r in 0..k {
        for j in 0..m {
            out[r * m + j] -= (0..q).map(|i| x1[r * q + i] * beta[i * m + j]).sum::<f64>();
        }
    }
    Ok(out)
}

/// `a⁻¹ b` for a square `a` (n × n) and `b` (n × m), row-major, by Gaussian elimination with
/// partial pivoting.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize, m: usize) -> Result<Vec<f64>, StatsError> {
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&x, &y| a[x * n + col].abs().total_cmp(&a[y * n + col].abs()))
            .unwrap_or(col);
        if a[pivot * n + col].abs() < 1e-300 {
            return Err(shape(
                "the table's design effects cannot be computed (a singular matrix)",
            ));
        }
        for j in 0..n {
            a.swap(col * n + j, pivot * n + j);
        }
        for j in 0..m {
            b.swap(col * m + j, pivot * m + j);
        }
        for r in 0..n {
            if r != col {
                let factor = a[r * n + col] / a[col * n + col];
                for j in 0..n {
                    a[r * n + j] -= factor * a[col * n + j];
                }
                for j in 0..m {
                    b[r * m + j] -= factor * b[col * m + j];
                }
            }
        }
    }
    for r in 0..n {
        for j in 0..m {
            b[r * m + j] /= a[r * n + r];
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::super::survey::LonelyPsu;
    use super::super::survey::tests::{design_of, respondents};
    use super::*;

    const ASSOCIATIONS: &str = include_str!("../../../../tests/oracles/survey/associations.csv");

    #[test]
    fn tests_match_r_svychisq() {
        let r = respondents();
        let lonely: Vec<u32> = r.lonely.iter().map(|&v| v as u32).collect();
        let sex: Vec<u32> = r.female.iter().map(|&f| u32::from(f)).collect();
        let mut lines = ASSOCIATIONS.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let mut checked = 0;
        for line in lines {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let number = |name: &str| {
                let k = header.iter().position(|h| *h == name).expect(name);
                cells[k].parse::<f64>().expect(name)
            };
            let design = design_of(&r, cells[0]);
            let (rows, cols) = match cells[1] {
                "lonely_sex" => (&lonely, &sex),
                "lonely_stratum" => (&lonely, &r.stratum),
                _ => (&r.scorecat, &sex),
            };
            let test = association(&design, rows, cols).expect("test");
            let what = format!("{line}: {test:?}");
            let close =
                |a: f64, b: f64, tolerance: f64| (a - b).abs() <= tolerance * b.abs().max(1e-3);
            assert_eq!(test.order, Order::Second, "{what}");
            assert!(close(test.pearson, number("pearson"), 1e-12), "{what}");
            assert!(close(test.statistic, number("f"), 1e-12), "{what}");
            assert!(close(test.ndf, number("ndf"), 1e-12), "{what}");
            assert!(close(test.ddf, number("ddf"), 1e-12), "{what}");
            // F and χ² tails through statrs' incomplete beta and gamma.
            assert!(close(test.p_value, number("p_f"), 1e-10), "{what}");
            assert!(
                close(test.p_first_order, number("p_chisq"), 1e-10),
                "{what}"
            );
            checked += 1;
        }
        assert_eq!(checked, 24);
    }

    #[test]
    fn missing_answers_leave_the_table_not_the_design_and_one_category_is_an_error() {
        let r = respondents();
        let design = design_of(&r, "clusters_fpc");
        let sex: Vec<u32> = r.female.iter().map(|&f| u32::from(f)).collect();
        let mut rows = r.scorecat.clone();
        rows[0] = OUTSIDE;
        let with_missing = association(&design, &rows, &sex).expect("test");
        let whole = association(&design, &r.scorecat, &sex).expect("test");
        assert!(with_missing.pearson != whole.pearson && with_missing.p_value.is_finite());
        let one = vec![0_u32; sex.len()];
        let e = association(&design, &one, &sex).expect_err("one category");
        assert!(e.to_string().contains("two categories"), "{e}");
        let weights = [1.0, 1.0];
        let tiny = Design {
            weights: &weights,
            strata: None,
            clusters: None,
            population: None,
            lonely_psu: LonelyPsu::Fail,
        };
        let e = association(&tiny, &[0], &[0, 1]).expect_err("lengths");
        assert!(e.to_string().contains("one entry per respondent"), "{e}");
    }
}
