//! Standard populations for direct standardisation, matched to data by age-band key.

use std::collections::BTreeMap;

use super::StatsError;
use crate::AgeBand;

/// A standard population: a weight per age band.
///
/// Data are matched to it by band (`"0-4"`, `"90+"`), never by position: a band in the data
/// that the standard lacks, or a standard band the data lack, is an error.
///
/// # Examples
///
/// ```
/// use wijkprofiel::{AgeBand, stats::standard::StandardPopulation};
/// let esp = StandardPopulation::esp2013();
/// assert_eq!(esp.total(), 100_000.0);
/// let bands: Vec<AgeBand> = ["90+", "0-4"].iter().map(|b| b.parse().unwrap()).collect();
/// assert!(esp.weights_for(&bands).is_err()); // 17 bands missing
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct StandardPopulation {
    name: String,
    weights: BTreeMap<AgeBand, f64>,
}

/// European Standard Population 2013 (Eurostat), 19 bands to 90+.
const ESP2013: [f64; 19] = [
    5000.0, 5500.0, 5500.0, 5500.0, 6000.0, 6000.0, 6500.0, 7000.0, 7000.0, 7000.0, 7000.0, 6500.0,
    6000.0, 5500.0, 5000.0, 4000.0, 2500.0, 1500.0, 1000.0,
];

impl StandardPopulation {
    /// The European Standard Population 2013: `0-4`, `5-9`, ... `85-89`, `90+`; total 100,000.
    pub fn esp2013() -> Self {
        let weights = ESP2013
            .iter()
            .zip(0u8..)
            .map(|(&w, i)| {
                let band = if i == 18 {
                    AgeBand::open(90)
                } else {
                    AgeBand::closed(5 * i, 5 * i + 4)
                };
                (band, w)
            })
            .collect();
        Self {
            name: "ESP2013".to_owned(),
            weights,
        }
    }

    /// A user-given standard (e.g. the Dutch population on 1 January of a reference year).
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] when a band repeats or the bands do not tile all ages;
    /// [`StatsError::Value`] for a weight that is negative or not finite, or a zero total.
    pub fn new(
        name: impl Into<String>,
        bands: impl IntoIterator<Item = (AgeBand, f64)>,
    ) -> Result<Self, StatsError> {
        let mut weights = BTreeMap::new();
        for (band, weight) in bands {
            super::non_negative("standard population weight", weight)?;
            if weights.insert(band, weight).is_some() {
                return Err(StatsError::Shape {
                    what: "standard population",
                    rule: format!("band `{band}` appears twice"),
                });
            }
        }
        let keys: Vec<AgeBand> = weights.keys().copied().collect();
        crate::age_band::check_tiling(&keys).map_err(|rule| StatsError::Shape {
            what: "standard population",
            rule,
        })?;
        let standard = Self {
            name: name.into(),
            weights,
        };
        super::positive("standard population total", standard.total())?;
        Ok(standard)
    }

    /// The part of the standard inside an age scope (e.g. `18+` for an adult indicator).
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] when a band straddles the scope's edge or none lies inside it.
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::{AgeBand, stats::standard::StandardPopulation};
    /// let adults = StandardPopulation::esp2013().within(&AgeBand::open(20)).unwrap();
    /// assert_eq!(adults.len(), 15);
    /// assert!(StandardPopulation::esp2013().within(&AgeBand::open(18)).is_err());
    /// ```
    pub fn within(&self, scope: &AgeBand) -> Result<Self, StatsError> {
        let straddles = self
            .weights
            .keys()
            .find(|band| !scope.contains(band) && band.overlaps(scope));
        if let Some(band) = straddles {
            return Err(StatsError::Shape {
                what: "standard population",
                rule: format!("band `{band}` straddles the age scope `{scope}`"),
            });
        }
        let weights: BTreeMap<AgeBand, f64> = self
            .weights
            .iter()
            .filter(|(band, _)| scope.contains(band))
            .map(|(b, w)| (*b, *w))
            .collect();
        let standard = Self {
            name: format!("{} ({scope})", self.name),
            weights,
        };
        super::positive("standard population total", standard.total())?;
        Ok(standard)
    }

    /// The name, e.g. `ESP2013`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bands and weights, youngest first.
    pub fn bands(&self) -> impl Iterator<Item = (AgeBand, f64)> + '_ {
        self.weights.iter().map(|(b, w)| (*b, *w))
    }

    /// The number of bands.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether there are no bands (never true for a constructed standard).
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The sum of the weights.
    pub fn total(&self) -> f64 {
        self.weights.values().sum()
    }

    /// The weight of one band, if the standard has it.
    pub fn weight(&self, band: &AgeBand) -> Option<f64> {
        self.weights.get(band).copied()
    }

    /// The weight for each of `bands`, in their order.
    ///
    /// # Errors
    ///
    /// [`StatsError::StandardMismatch`] naming the bands missing from the data and those the
    /// standard lacks; [`StatsError::Shape`] when a band repeats.
    pub fn weights_for(&self, bands: &[AgeBand]) -> Result<Vec<f64>, StatsError> {
        let mut seen = std::collections::BTreeSet::new();
        let mut extra = Vec::new();
        let mut out = Vec::with_capacity(bands.len());
        for band in bands {
            if !seen.insert(*band) {
                return Err(StatsError::Shape {
                    what: "age bands",
                    rule: format!("band `{band}` appears twice"),
                });
            }
            match self.weights.get(band) {
                Some(w) => out.push(*w),
                None => extra.push(*band),
            }
        }
        let missing: Vec<String> = self
            .weights
            .keys()
            .filter(|b| !seen.contains(b))
            .map(ToString::to_string)
            .collect();
        extra.sort();
        let extra: Vec<String> = extra.iter().map(ToString::to_string).collect();
        if missing.is_empty() && extra.is_empty() {
            Ok(out)
        } else {
            Err(StatsError::StandardMismatch {
                standard: self.name.clone(),
                missing,
                extra,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(s: &str) -> AgeBand {
        s.parse().unwrap()
    }

    #[test]
    fn esp2013_bands_and_weights() {
        let esp = StandardPopulation::esp2013();
        assert_eq!(esp.len(), 19);
        assert_eq!(esp.weight(&band("0-4")), Some(5000.0));
        assert_eq!(esp.weight(&band("45-49")), Some(7000.0));
        assert_eq!(esp.weight(&band("90+")), Some(1000.0));
        assert_eq!(esp.total(), 100_000.0);
    }

    #[test]
    fn matching_is_by_key_and_mismatches_are_named() {
        let esp = StandardPopulation::esp2013();
        let mut bands: Vec<AgeBand> = esp.bands().map(|(b, _)| b).collect();
        bands.reverse();
        let weights = esp.weights_for(&bands).unwrap();
        assert_eq!(weights[0], 1000.0);
        bands[0] = band("90-94");
        let err = esp.weights_for(&bands).unwrap_err().to_string();
        assert_eq!(
            err,
            "the age bands do not match standard population `ESP2013`: missing 90+; \
             not in the standard 90-94"
        );
    }

    #[test]
    fn user_standards_must_tile() {
        let ok = StandardPopulation::new("NL2024", [(band("0-64"), 80.0), (band("65+"), 20.0)]);
        assert_eq!(ok.unwrap().total(), 100.0);
        let gap = StandardPopulation::new("x", [(band("0-10"), 1.0), (band("12+"), 1.0)]);
        assert!(gap.unwrap_err().to_string().contains("gap"));
        let negative = StandardPopulation::new("x", [(band("0+"), -1.0)]);
        assert!(negative.is_err());
    }
}
