//! Disclosure control: no published figure lets anyone single out a person.
//!
//! - [`Disclosure`]: the settings, safe by default; thresholds per source and indicator (from
//!   the settings file or the catalogue); loosening below the defaults only with
//!   `allow_loosening`, which every output's metadata repeats.
//! - Primary suppression: non-zero counts below `min_count`, and the values (and numerators)
//!   of figures whose denominator is below the minimum.
//! - Secondary suppression over the ledger of every published count (`ledger`): no withheld
//!   count can be recovered by subtracting published counts along the area tree, the sexes
//!   or the age bands of a total.
//! - Optional rounding of published counts, values recomputed from the rounded counts.
//! - The audit ([`Withheld`]): every withheld count with its reason, and no withheld value.

mod ledger;
mod protect;
mod publish;
mod rates;
mod rounding;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Catalogue, Indicator, Kind, Source};

pub(crate) use publish::{Inputs, publish};
pub(crate) use rates::BandsOf;

/// Disclosure settings. The default is safe; loosening is explicit.
///
/// # Examples
///
/// ```
/// use wijkprofiel::profile::Disclosure;
/// let safe = Disclosure::default();
/// assert!(safe.enabled && safe.min_count == 10.0 && safe.round_to.is_none() && safe.lp_audit);
/// let off = Disclosure::off();
/// assert!(!off.enabled && off.allow_loosening);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Disclosure {
    /// Whether small cells are suppressed at all.
    pub enabled: bool,
    /// Non-zero counts below this are withheld, with the values built on them.
    pub min_count: f64,
    /// Values whose denominator is below this are withheld (rates, per-1,000 figures).
    pub min_denominator: f64,
    /// The same for percentages (multiplier 100).
    pub min_denominator_percent: f64,
    /// Round published counts to a multiple of this (CBS rounds to 5); values built on
    /// counts are recomputed from the rounded counts. None by default.
    pub round_to: Option<f64>,
    /// Thresholds for one source (`gp`, `ggd`, `cbs`), over the ones above.
    pub sources: BTreeMap<String, Thresholds>,
    /// Thresholds for one indicator (by id), over its source's and the catalogue's.
    pub indicators: BTreeMap<String, Thresholds>,
    /// Needed for any threshold below the defaults, or for `enabled = false`; written
    /// into every output's metadata with the rest of these settings.
    pub allow_loosening: bool,
    /// Run the linear-programming audit of `docs/threat-model.md` over the withheld counts
    /// and withhold more until every small count's interval holds 0 and its threshold (and
    /// every numerator of a small denominator's is as wide as the threshold); a build that
    /// cannot reach that is refused. On by default; `false` is a loosening (it leaves only
    /// single subtractions checked) and needs `allow_loosening`.
    pub lp_audit: bool,
}

/// Thresholds that override the run's defaults; a field left out keeps the default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub min_count: Option<f64>,
    /// For this indicator (or every indicator of this source), whatever its unit.
    pub min_denominator: Option<f64>,
}

/// The thresholds in force for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub min_count: f64,
    pub min_denominator: f64,
}

impl Default for Disclosure {
    fn default() -> Self {
        Self {
            enabled: true,
            min_count: 10.0,
            min_denominator: 50.0,
            min_denominator_percent: 100.0,
            round_to: None,
            sources: BTreeMap::new(),
            indicators: BTreeMap::new(),
            allow_loosening: false,
            lp_audit: true,
        }
    }
}

impl Disclosure {
    /// No suppression at all: for analysts' own work, never for publication.
    pub fn off() -> Self {
        Self {
            enabled: false,
            allow_loosening: true,
            ..Self::default()
        }
    }

    /// The thresholds for an indicator: the settings' entry for the indicator, else the
    /// catalogue's, else the settings' entry for its source, else the run's defaults. With
    /// disclosure off, nothing is withheld.
    ///
    /// ```
    /// use wijkprofiel::profile::{Disclosure, Thresholds};
    /// let region = wijkprofiel::Region::demo().unwrap();
    /// let copd = region.catalogue.get("gp_copd").unwrap();
    /// let mut d = Disclosure::default();
    /// assert_eq!(d.limits(copd).min_count, 10.0);
    /// d.sources.insert("gp".into(), Thresholds { min_count: Some(15.0), ..Default::default() });
    /// assert_eq!(d.limits(copd).min_count, 15.0);
    /// assert_eq!(d.limits(copd).min_denominator, 50.0, "per 1,000: the rate minimum");
    /// ```
    pub fn limits(&self, indicator: &Indicator) -> Limits {
        if !self.enabled {
            return Limits {
                min_count: 0.0,
                min_denominator: 0.0,
            };
        }
        let own = self.indicators.get(&indicator.id);
        let source = self.sources.get(indicator.source.as_str());
        let pick = |field: fn(&Thresholds) -> Option<f64>, catalogue: Option<f64>, default| {
            own.and_then(field)
                .or(catalogue)
                .or_else(|| source.and_then(field))
                .unwrap_or(default)
        };
        let denominator = if indicator.multiplier == 100.0 {
            self.min_denominator_percent
        } else {
            self.min_denominator
        };
        Limits {
            min_count: pick(|t| t.min_count, indicator.min_count, self.min_count),
            min_denominator: if matches!(indicator.kind, Kind::Count) {
                0.0
            } else {
                pick(
                    |t| t.min_denominator,
                    indicator.min_denominator,
                    denominator,
                )
            },
        }
    }

    /// The minimum count of a source's own counts (residents for CBS, listed patients for
    /// GP).
    pub fn source_min_count(&self, source: Source) -> f64 {
        if !self.enabled {
            return 0.0;
        }
        self.sources
            .get(source.as_str())
            .and_then(|t| t.min_count)
            .unwrap_or(self.min_count)
    }

    /// Checks the settings against the catalogue: unknown sources or indicators, rounding
    /// that is not positive, and any loosening below the defaults without
    /// `allow_loosening`.
    ///
    /// # Errors
    ///
    /// A message naming the setting, source or indicator.
    ///
    /// ```
    /// use wijkprofiel::profile::Disclosure;
    /// let catalogue = wijkprofiel::Region::demo().unwrap().catalogue;
    /// let loose = Disclosure { min_count: 5.0, ..Disclosure::default() };
    /// assert!(loose.check(&catalogue).unwrap_err().contains("allow_loosening"));
    /// let explicit = Disclosure { allow_loosening: true, ..loose };
    /// assert!(explicit.check(&catalogue).is_ok());
    /// let unaudited = Disclosure { lp_audit: false, ..Disclosure::default() };
    /// assert!(unaudited.check(&catalogue).unwrap_err().contains("`lp_audit = false`"));
    /// ```
    pub fn check(&self, catalogue: &Catalogue) -> Result<(), String> {
        for name in self.sources.keys() {
            if ![Source::Gp, Source::Ggd, Source::Cbs]
                .iter()
                .any(|s| s.as_str() == name)
            {
                return Err(format!(
                    "disclosure: unknown source `{name}` (gp, ggd or cbs)"
                ));
            }
        }
        for id in self.indicators.keys() {
            if catalogue.get(id).is_none() {
                return Err(format!(
                    "disclosure: indicator `{id}` is not in the catalogue"
                ));
            }
        }
        if let Some(r) = self.round_to
            && !(r.is_finite() && r > 0.0)
        {
            return Err(format!("disclosure: round_to must be positive, not {r}"));
        }
        if self.allow_loosening {
            return Ok(());
        }
        let safe = Self::default();
        let loose = |what: String| {
            Err(format!(
                "disclosure: {what} is below the safe default; set `allow_loosening = true` \
                 to publish with it (it is written into every output's metadata)"
            ))
        };
        if !self.enabled {
            return loose("`enabled = false`".into());
        }
        if !self.lp_audit {
            return loose("`lp_audit = false`".into());
        }
        for (name, value, default) in [
            ("min_count", self.min_count, safe.min_count),
            (
                "min_denominator",
                self.min_denominator,
                safe.min_denominator,
            ),
            (
                "min_denominator_percent",
                self.min_denominator_percent,
                safe.min_denominator_percent,
            ),
        ] {
            if value < default {
                return loose(format!("`{name} = {value}`"));
            }
        }
        for source in [Source::Gp, Source::Ggd, Source::Cbs] {
            if self.source_min_count(source) < safe.min_count {
                return loose(format!("the minimum count of source `{}`", source.as_str()));
            }
        }
        for ind in catalogue.indicators() {
            let (limits, floor) = (self.limits(ind), safe.limits(ind));
            if limits.min_count < floor.min_count {
                return loose(format!("the minimum count of indicator `{}`", ind.id));
            }
            if limits.min_denominator < floor.min_denominator {
                return loose(format!("the minimum denominator of indicator `{}`", ind.id));
            }
        }
        Ok(())
    }

    /// A count rounded as published: to the nearest multiple of `round_to`, if set.
    ///
    /// ```
    /// use wijkprofiel::profile::Disclosure;
    /// let cbs = Disclosure { round_to: Some(5.0), ..Disclosure::default() };
    /// assert_eq!(cbs.rounded(12.0), 10.0);
    /// assert_eq!(cbs.rounded(13.0), 15.0);
    /// assert_eq!(Disclosure::default().rounded(13.0), 13.0);
    /// ```
    pub fn rounded(&self, count: f64) -> f64 {
        match self.round_to {
            Some(base) if self.enabled => (count / base).round() * base,
            _ => count,
        }
    }
}

/// One withheld count in the audit: what it counts and why it is withheld, never its value.
/// The public audit (`suppression.csv`) gives its `family` only; `reason` and `rule` are for
/// the data owner (`owner-only/suppression.csv`), since they tell small counts from others.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Withheld {
    /// `residents`, `listed` (listed patients and GP denominators), `events` (a GP
    /// numerator), `respondents` (GGD) or `expected` (a GP indicator's expected count at
    /// national rates, withheld because it would weigh a withheld listed count).
    pub count: &'static str,
    /// The indicator, for events, respondents and expected counts.
    pub indicator: Option<String>,
    pub area_code: String,
    pub year: i32,
    /// `residence` or `practice` for GP counts.
    pub mode: Option<&'static str>,
    /// Ages and sexes counted (`0+ all`, `male 85+`).
    pub scope: String,
    /// The public rule family: `small-numbers` for every rule of disclosure control.
    pub family: &'static str,
    /// `primary-count`, `small-denominator` or `complementary` (owner only).
    pub reason: &'static str,
    /// The rule in words (owner only).
    pub rule: String,
}

/// The linear-programming audit of a build's withheld counts (`docs/threat-model.md`), when
/// [`Disclosure::lp_audit`] asked for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Protection {
    /// Sensitive withheld counts (small counts, numerators of small denominators) checked.
    pub checked: usize,
    /// The narrowest interval proven among them (its width). Intervals are proven as far
    /// as required, so this is at least the threshold when every count is protected.
    pub narrowest: Option<f64>,
    /// Counts withheld beyond single subtractions so that every interval is wide enough.
    pub added: usize,
    /// Withheld counts left less protected than required (a build with any is refused).
    pub unprotected: Vec<String>,
}

/// How the published counts were rounded (`round_to`): together, so that every sum holds
/// for them (controlled rounding), or, in groups of counts where no such rounding exists,
/// each to its nearest multiple.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Rounding {
    pub base: f64,
    /// Published counts rounded together.
    pub controlled: usize,
    /// Published counts rounded to their nearest multiple (their groups had no controlled
    /// rounding; `docs/threat-model.md`).
    pub nearest: usize,
}

/// Withheld counts by reason, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WithheldCounts {
    pub primary_count: usize,
    pub small_denominator: usize,
    pub complementary: usize,
    /// Of the complementary ones, those protecting a difference between overlapping areas
    /// (a custom area and another area).
    pub overlap: usize,
}

impl WithheldCounts {
    /// All withheld counts.
    pub fn total(&self) -> usize {
        self.primary_count + self.small_denominator + self.complementary
    }
}
