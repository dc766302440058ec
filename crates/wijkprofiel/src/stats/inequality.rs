//! The slope index (SII) and relative index (RII) of inequality across deprivation groups.

use super::{Confidence, Estimate, StatsError};
use crate::rng::Rng;

/// The scale on which a group's interval is symmetric, for the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Means and other values with a normal interval.
    Normal,
    /// Rates: log scale.
    Rate,
    /// Proportions: logit scale.
    Proportion,
}

impl Scale {
    fn forward(self, v: f64) -> f64 {
        match self {
            Scale::Normal => v,
            Scale::Rate => v.ln(),
            Scale::Proportion => (v / (1.0 - v)).ln(),
        }
    }

    fn back(self, v: f64) -> f64 {
        match self {
            Scale::Normal => v,
            Scale::Rate => v.exp(),
            Scale::Proportion => 1.0 / (1.0 + (-v).exp()),
        }
    }
}

/// One deprivation group: its population and its value with 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    pub population: f64,
    pub value: f64,
    pub lower95: f64,
    pub upper95: f64,
}

/// The SII and RII with intervals at one confidence level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inequality {
    /// Modelled value at the last group's end minus that at the first group's end.
    pub sii: Estimate,
    /// Modelled value at the last group's end divided by that at the first group's end.
    pub rii: Estimate,
}

/// Simulation settings: the number of repetitions (at least 1,000; 100,000 is the standard)
/// and the seed, so the same input gives the same interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Simulation {
    pub repetitions: usize,
    pub seed: u64,
}

impl Default for Simulation {
    fn default() -> Self {
        Self {
            repetitions: 100_000,
            seed: 42,
        }
    }
}

/// The SII and RII over `groups`, ordered from the most to the least deprived (as
/// `phe_sii`): each group sits at the midpoint of its cumulative population share (0 to 1);
/// the values are regressed on these midpoints with the population shares as weights. SII is
/// the slope (the modelled difference between the least and the most deprived end, negative
/// when the value falls towards the least deprived); RII = (intercept + slope)/intercept.
///
/// The interval comes from simulation: each group's value is drawn from a normal
/// distribution on its [`Scale`] with the standard error implied by its 95% interval, the
/// regression is refitted, and the limits are the simulated values at positions
/// round(repetitions × tail) and round(repetitions × (1 − tail)) of the sorted results.
///
/// # Errors
///
/// [`StatsError::Shape`] for fewer than 5 or more than 100 groups, or fewer than 1,000
/// repetitions; [`StatsError::Value`] for a population not above 0, an interval that does
/// not hold the value, or a value outside its scale (rates above 0, proportions in (0, 1)).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::{Confidence, inequality::{Group, Scale, Simulation, sii}};
/// let groups: Vec<Group> = [30.0, 26.0, 22.0, 19.0, 15.0]
///     .iter()
///     .map(|&v| Group { population: 1000.0, value: v, lower95: v - 2.0, upper95: v + 2.0 })
///     .collect();
/// let r = sii(&groups, Scale::Normal, &[Confidence::C95], Simulation::default()).unwrap();
/// assert!((r[0].sii.value + 18.5).abs() < 1e-9); // 18.5 lower at the least deprived end
/// assert!(r[0].sii.upper < 0.0);
/// ```
pub fn sii(
    groups: &[Group],
    scale: Scale,
    confidences: &[Confidence],
    simulation: Simulation,
) -> Result<Vec<Inequality>, StatsError> {
    if !(5..=100).contains(&groups.len()) {
        return Err(StatsError::Shape {
            what: "inequality groups",
            rule: format!("between 5 and 100 groups are needed, got {}", groups.len()),
        });
    }
    if simulation.repetitions < 1000 {
        return Err(StatsError::Shape {
            what: "simulation",
            rule: format!("at least 1000 repetitions, got {}", simulation.repetitions),
        });
    }
    let mut transformed = Vec::with_capacity(groups.len());
    for g in groups {
        super::positive("group population", g.population)?;
        if !(g.lower95 <= g.value && g.value <= g.upper95) {
            return Err(StatsError::Value {
                name: "group value",
                value: g.value,
                rule: "must lie inside its 95% interval",
            });
        }
        let (v, l, u) = (
            scale.forward(g.value),
            scale.forward(g.lower95),
            scale.forward(g.upper95),
        );
        if !(v.is_finite() && l.is_finite() && u.is_finite()) {
            return Err(StatsError::Value {
                name: "group value",
                value: g.value,
                rule: "must lie inside its scale with its interval (rates above 0, proportions between 0 and 1)",
            });
        }
        transformed.push((v, (u - l) / (2.0 * Confidence::C95.z())));
    }
    let model = Model::new(groups);
    let values: Vec<f64> = groups.iter().map(|g| g.value).collect();
    let (intercept, slope) = model.fit(&values);

    let mut rng = Rng::new(simulation.seed);
    let mut siis = Vec::with_capacity(simulation.repetitions);
    let mut riis = Vec::with_capacity(simulation.repetitions);
    let mut draw = vec![0.0; groups.len()];
    for _ in 0..simulation.repetitions {
        for (d, (v, se)) in draw.iter_mut().zip(&transformed) {
            *d = scale.back(v + se * rng.normal());
        }
        let (a, b) = model.fit(&draw);
        siis.push(b);
        riis.push((a + b) / a);
    }
    siis.sort_by(f64::total_cmp);
    riis.sort_by(f64::total_cmp);
    Ok(confidences
        .iter()
        .map(|c| {
            let limits = |sorted: &[f64]| {
                let reps = sorted.len() as f64;
                let at = |p: f64| sorted[((reps * p).round() as usize).clamp(1, sorted.len()) - 1];
                (at(c.tail()), at(1.0 - c.tail()))
            };
            let (sl, su) = limits(&siis);
            let (rl, ru) = limits(&riis);
            Inequality {
                sii: Estimate {
                    value: slope,
                    lower: sl,
                    upper: su,
                },
                rii: Estimate {
                    value: (intercept + slope) / intercept,
                    lower: rl,
                    upper: ru,
                },
            }
        })
        .collect())
}

/// The weighted regression of values on cumulative population midpoints, as linear
/// coefficients: intercept = Σ αᵢyᵢ, slope = Σ βᵢyᵢ.
struct Model {
    alpha: Vec<f64>,
    beta: Vec<f64>,
}

impl Model {
    fn new(groups: &[Group]) -> Self {
        let total: f64 = groups.iter().map(|g| g.population).sum();
        let shares: Vec<f64> = groups.iter().map(|g| g.population / total).collect();
        let mut cumulative = 0.0;
        let midpoints: Vec<f64> = shares
            .iter()
            .map(|a| {
                cumulative += a;
                cumulative - a / 2.0
            })
            .collect();
        let mean: f64 = shares.iter().zip(&midpoints).map(|(a, b)| a * b).sum();
        let sxx: f64 = shares
            .iter()
            .zip(&midpoints)
            .map(|(a, b)| a * (b - mean).powi(2))
            .sum();
        let beta: Vec<f64> = shares
            .iter()
            .zip(&midpoints)
            .map(|(a, b)| a * (b - mean) / sxx)
            .collect();
        let alpha = shares
            .iter()
            .zip(&beta)
            .map(|(a, c)| a - mean * c)
            .collect();
        Self { alpha, beta }
    }

    fn fit(&self, y: &[f64]) -> (f64, f64) {
        let dot = |c: &[f64]| c.iter().zip(y).map(|(c, y)| c * y).sum::<f64>();
        (dot(&self.alpha), dot(&self.beta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(values: &[f64], half: f64) -> Vec<Group> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| Group {
                population: 1000.0 + 100.0 * f64::from(u8::try_from(i).unwrap()),
                value: v,
                lower95: v - half,
                upper95: v + half,
            })
            .collect()
    }

    #[test]
    fn normal_scale_interval_matches_the_analytic_one() {
        // On the normal scale the simulated SII is exactly normal with variance Σβ²se².
        let g = groups(&[30.0, 27.0, 25.0, 21.0, 20.0, 18.0, 15.0], 3.0);
        let c = [Confidence::C95, Confidence::C998];
        let r = sii(&g, Scale::Normal, &c, Simulation::default()).unwrap();
        let model = Model::new(&g);
        let se = 3.0 / Confidence::C95.z();
        let sd = (model.beta.iter().map(|b| b * b * se * se).sum::<f64>()).sqrt();
        for (i, conf) in c.iter().enumerate() {
            let half = conf.z() * sd;
            let s = r[i].sii;
            assert!(
                (s.upper - s.value - half).abs() < 0.02 * half,
                "{conf:?} {s:?} {half}"
            );
            assert!(
                (s.value - s.lower - half).abs() < 0.02 * half,
                "{conf:?} {s:?} {half}"
            );
            assert!(r[i].rii.lower < r[i].rii.value && r[i].rii.value < r[i].rii.upper);
        }
        // Same seed, same interval.
        assert_eq!(
            r,
            sii(&g, Scale::Normal, &c, Simulation::default()).unwrap()
        );
    }

    #[test]
    fn rate_and_proportion_scales_and_bad_input() {
        let g = groups(&[0.30, 0.27, 0.25, 0.21, 0.20], 0.02);
        let r = sii(
            &g,
            Scale::Proportion,
            &[Confidence::C95],
            Simulation::default(),
        )
        .unwrap();
        assert!(r[0].sii.upper < 0.0 && r[0].rii.value < 1.0);
        let r = sii(&g, Scale::Rate, &[Confidence::C95], Simulation::default()).unwrap();
        assert!(r[0].sii.lower < r[0].sii.value && r[0].sii.value < r[0].sii.upper);
        assert!(
            sii(
                &g[..4],
                Scale::Normal,
                &[Confidence::C95],
                Simulation::default()
            )
            .is_err()
        );
        let bad = groups(&[0.30, 0.27, 0.25, 0.21, 0.01], 0.02);
        assert!(
            sii(
                &bad,
                Scale::Proportion,
                &[Confidence::C95],
                Simulation::default()
            )
            .is_err()
        );
        let few = Simulation {
            repetitions: 10,
            seed: 1,
        };
        assert!(sii(&g, Scale::Normal, &[Confidence::C95], few).is_err());
    }
}
