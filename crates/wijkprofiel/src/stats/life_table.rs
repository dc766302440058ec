//! Life expectancy from an abridged life table (Chiang II), with the Silcocks variance for
//! the open last band, as the UK public-health methods (`phe_life_expectancy`).

use super::{Confidence, Estimate, StatsError, Withheld};
use crate::AgeBand;

/// The 20 bands of the abridged table: `0-0`, `1-4`, `5-9`, ... `85-89`, `90+`.
pub fn bands() -> Vec<AgeBand> {
    let mut bands = vec![AgeBand::closed(0, 0), AgeBand::closed(1, 4)];
    bands.extend((1..18).map(|i| AgeBand::closed(5 * i, 5 * i + 4)));
    bands.push(AgeBand::open(90));
    bands
}

/// Life expectancy is withheld for a total population (person-years) of at most this.
pub const MIN_POPULATION: f64 = 5000.0;
/// A value is withheld when its 95% interval is wider than this many years.
pub const MAX_INTERVAL: f64 = 20.0;

/// Deaths and population (person-years) in one band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub band: AgeBand,
    pub deaths: f64,
    pub population: f64,
}

/// Life expectancy at the start of one band.
#[derive(Debug, Clone, PartialEq)]
pub struct LifeExpectancy {
    pub band: AgeBand,
    /// Years, with an interval per requested confidence level (in the order asked), or why
    /// the value is withheld.
    pub estimates: Result<Vec<Estimate>, Withheld>,
}

/// Life expectancy at the start of every band, from the 20 bands of [`bands`] (matched by
/// key, in any order). Chiang II with aᵢ = 0.1 for age 0 and 0.5 otherwise, l₀ = 100,000, the
/// last band's person-years lₙ/Mₙ; the variance sums pᵢ's variance weighted by
/// lᵢ²((1 − aᵢ)nᵢ + eᵢ₊₁)² with the open band's term (lₙ/2)²·4/(Dₙ Mₙ²) (Silcocks et al.).
///
/// Withheld (all bands) when the total population is at most [`MIN_POPULATION`]; a band's
/// value is withheld when its 95% interval is wider than [`MAX_INTERVAL`] years.
///
/// # Errors
///
/// [`StatsError::StandardMismatch`] when the bands are not the 20 of [`bands`];
/// [`StatsError::Counts`] for negative deaths, a population not above 0, more deaths than
/// population, or no deaths in the `90+` band (the table cannot be closed).
pub fn life_expectancy(
    rows: &[Band],
    confidences: &[Confidence],
) -> Result<Vec<LifeExpectancy>, StatsError> {
    let order = bands();
    let mut table = Vec::with_capacity(order.len());
    let mut missing = Vec::new();
    for band in &order {
        match rows.iter().find(|r| r.band == *band) {
            Some(r) => table.push(*r),
            None => missing.push(band.to_string()),
        }
    }
    let extra: Vec<String> = rows
        .iter()
        .filter(|r| !order.contains(&r.band))
        .map(|r| r.band.to_string())
        .collect();
    if !missing.is_empty() || !extra.is_empty() || rows.len() != order.len() {
        return Err(StatsError::StandardMismatch {
            standard: "life table (0, 1-4, 5-9, ... 90+)".to_owned(),
            missing,
            extra,
        });
    }
    for r in &table {
        let bad = |rule| {
            Err(StatsError::Counts {
                x: r.deaths,
                n: r.population,
                rule,
            })
        };
        if !(r.deaths.is_finite() && r.deaths >= 0.0) {
            return bad("deaths must be a finite number of at least 0");
        }
        if !(r.population.is_finite() && r.population > 0.0) {
            return bad("the population of every band must be above 0");
        }
        if r.deaths > r.population {
            return bad("more deaths than population");
        }
    }
    let last = table.len() - 1;
    if table[last].deaths == 0.0 {
        return Err(StatsError::Counts {
            x: 0.0,
            n: table[last].population,
            rule: "no deaths in the 90+ band: the life table cannot be closed",
        });
    }
    let total: f64 = table.iter().map(|r| r.population).sum();
    if total <= MIN_POPULATION {
        let reason = Withheld::SmallPopulation {
            population: total,
            minimum: MIN_POPULATION,
        };
        return Ok(order
            .into_iter()
            .map(|band| LifeExpectancy {
                band,
                estimates: Err(reason),
            })
            .collect());
    }

    let k = table.len();
    let m: Vec<f64> = table.iter().map(|r| r.deaths / r.population).collect();
    let width: Vec<f64> = (0..k)
        .map(|i| {
            if i == last {
                2.0 / m[i]
            } else {
                f64::from(order[i + 1].lower - order[i].lower)
            }
        })
        .collect();
    let a: Vec<f64> = (0..k).map(|i| if i == 0 { 0.1 } else { 0.5 }).collect();
    let q: Vec<f64> = (0..k)
        .map(|i| {
            if table[i].deaths <= table[i].population / width[i] / a[i] {
                m[i] * width[i] / (1.0 + m[i] * width[i] * (1.0 - a[i]))
            } else {
                1.0
            }
        })
        .collect();
    let mut l = vec![100_000.0; k + 1];
    for i in 1..k {
        l[i] = l[i - 1] * (1.0 - q[i - 1]);
    }
    l[k] = 0.0;
    let d: Vec<f64> = (0..k).map(|i| l[i] - l[i + 1]).collect();
    let big_l: Vec<f64> = (0..k)
        .map(|i| {
            if i == last {
                l[i] / m[i]
            } else {
                width[i] * (l[i + 1] + a[i] * d[i])
            }
        })
        .collect();
    let mut e = vec![0.0; k + 1];
    let mut t = 0.0;
    for i in (0..k).rev() {
        t += big_l[i];
        e[i] = if l[i] == 0.0 { 0.0 } else { t / l[i] };
    }
    let mut se = vec![0.0; k];
    let mut st = 0.0;
    for i in (0..k).rev() {
        let weighted = if i == last {
            (l[i] / 2.0).powi(2) * 4.0 / (table[i].deaths * m[i] * m[i])
        } else {
            let sp = if d[i] == 0.0 {
                0.0
            } else {
                q[i] * q[i] * (1.0 - q[i]) / table[i].deaths
            };
            sp * l[i] * l[i] * ((1.0 - a[i]) * width[i] + e[i + 1]).powi(2)
        };
        st += weighted;
        se[i] = (st / (l[i] * l[i])).sqrt();
    }
    Ok(order
        .into_iter()
        .enumerate()
        .map(|(i, band)| {
            let wide = 2.0 * Confidence::C95.z() * se[i];
            let estimates = if !e[i].is_finite() || !se[i].is_finite() {
                Err(Withheld::WideInterval {
                    width: f64::INFINITY,
                    maximum: MAX_INTERVAL,
                })
            } else if wide > MAX_INTERVAL {
                Err(Withheld::WideInterval {
                    width: wide,
                    maximum: MAX_INTERVAL,
                })
            } else {
                Ok(confidences
                    .iter()
                    .map(|c| Estimate {
                        value: e[i],
                        lower: e[i] - c.z() * se[i],
                        upper: e[i] + c.z() * se[i],
                    })
                    .collect())
            };
            LifeExpectancy { band, estimates }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of `phe_life_expectancy`'s documentation.
    pub(crate) fn example() -> Vec<Band> {
        let pops = [
            7060.0, 35059.0, 46974.0, 48489.0, 43219.0, 38561.0, 46009.0, 57208.0, 61435.0,
            55601.0, 50209.0, 56416.0, 46411.0, 39820.0, 37978.0, 37039.0, 33288.0, 23306.0,
            11936.0, 11936.0,
        ];
        let deaths = [
            17.0, 9.0, 4.0, 8.0, 20.0, 15.0, 24.0, 33.0, 50.0, 71.0, 100.0, 163.0, 263.0, 304.0,
            536.0, 872.0, 1390.0, 1605.0, 1936.0, 1937.0,
        ];
        bands()
            .into_iter()
            .zip(pops.iter().zip(deaths))
            .map(|(band, (&population, deaths))| Band {
                band,
                deaths,
                population,
            })
            .collect()
    }

    #[test]
    fn example_table_is_plausible_and_ordered() {
        let le = life_expectancy(&example(), &[Confidence::C95, Confidence::C998]).unwrap();
        assert_eq!(le.len(), 20);
        let at_birth = le[0].estimates.as_ref().unwrap();
        assert!(
            (75.0..90.0).contains(&at_birth[0].value),
            "{:?}",
            at_birth[0]
        );
        assert!(at_birth[1].lower < at_birth[0].lower);
        // Life expectancy falls with age after childhood; the 90+ value is 1/M of the band.
        let values: Vec<f64> = le
            .iter()
            .map(|l| l.estimates.as_ref().unwrap()[0].value)
            .collect();
        assert!(values[2..].windows(2).all(|w| w[1] < w[0]));
        assert!((values[19] - 11936.0 / 1937.0).abs() < 1e-9);
    }

    #[test]
    fn small_populations_and_bad_tables() {
        let mut small = example();
        for b in &mut small {
            b.population = (b.population / 200.0).ceil();
            b.deaths = (b.deaths / 200.0).floor().min(b.population);
        }
        small[19].deaths = 10.0;
        let le = life_expectancy(&small, &[Confidence::C95]).unwrap();
        assert!(matches!(
            le[0].estimates,
            Err(Withheld::SmallPopulation { .. })
        ));
        let mut no_old_deaths = example();
        no_old_deaths[19].deaths = 0.0;
        assert!(life_expectancy(&no_old_deaths, &[Confidence::C95]).is_err());
        assert!(life_expectancy(&example()[..19], &[Confidence::C95]).is_err());
        let mut shuffled = example();
        shuffled.reverse();
        assert_eq!(
            life_expectancy(&shuffled, &[Confidence::C95]).unwrap(),
            life_expectancy(&example(), &[Confidence::C95]).unwrap()
        );
    }
}
