//! Design-based estimates from survey microdata (the health monitor's respondent files), as
//! R's `survey` package makes them (`svydesign`, `svymean`, `svyciprop`): a weighted mean (a
//! proportion for a 0/1 answer) of a domain (an area, a sex), its standard error by Taylor
//! linearisation over strata and primary sampling units (PSUs) with an optional finite
//! population correction, the design's degrees of freedom, and intervals.
//!
//! For a domain `d`, the estimate is the ratio `ȳ = Σ wᵢdᵢyᵢ / Σ wᵢdᵢ`. Its linearised
//! values `zᵢ = wᵢdᵢ(yᵢ − ȳ) / Σ wᵢdᵢ` are added up per PSU; with `n_h` PSUs in stratum
//! `h` (all of the design's, whether or not they hold domain members, as `survey` keeps
//! them in a subset) and `f_h = n_h / N_h` where the population `N_h` is given,
//! `var(ȳ) = Σ_h (1 − f_h) n_h / (n_h − 1) Σ_c (z_hc − z̄_h)²`. Without PSUs each respondent
//! is one; without strata the sample is one stratum. A stratum with one PSU has no variance
//! of its own: an error, as `survey`'s default (`survey.lonely.psu = "fail"`). The degrees
//! of freedom are the PSUs holding domain members minus their strata (`degf` of the
//! subset). The design effect compares the variance with a simple random sample's of as
//! many respondents (`svymean(..., deff = TRUE)`), and the effective sample size is the
//! respondents over it.
//!
//! Tested against `survey` 4.1 (`tests/oracles/survey/make.R`, recorded): values, standard
//! errors, design effects and limits agree to 1e-12 relative (Korn–Graubard's to 1e-9).

use std::collections::HashMap;

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Confidence, Estimate, StatsError};

/// A sample design: one weight per respondent, and optionally each respondent's stratum,
/// PSU and the stratum's population of PSUs (for the finite population correction).
#[derive(Debug, Clone, Copy)]
pub struct Design<'a> {
    pub weights: &'a [f64],
    pub strata: Option<&'a [u32]>,
    /// PSU ids (unique within their stratum).
    pub clusters: Option<&'a [u32]>,
    /// The number of PSUs in the population of each respondent's stratum.
    pub population: Option<&'a [f64]>,
    /// What a stratum with one PSU contributes.
    pub lonely_psu: LonelyPsu,
}

/// What a stratum with a single PSU contributes to a variance, as `survey`'s option
/// `survey.lonely.psu`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LonelyPsu {
    /// An error (`survey`'s default): the design cannot estimate its variance.
    #[default]
    Fail,
    /// Sampled with certainty: nothing.
    Certainty,
    /// Left out: nothing.
    Remove,
    /// Its PSU total taken about the grand mean (zero) rather than its stratum's mean.
    Adjust,
    /// The average of the other strata's contributions.
    Average,
}

impl LonelyPsu {
    /// The name in settings (`fail`, `certainty`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fail => "fail",
            Self::Certainty => "certainty",
            Self::Remove => "remove",
            Self::Adjust => "adjust",
            Self::Average => "average",
        }
    }
}

impl std::str::FromStr for LonelyPsu {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [
            Self::Fail,
            Self::Certainty,
            Self::Remove,
            Self::Adjust,
            Self::Average,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
        .ok_or_else(|| format!("`{s}` is not one of fail, certainty, remove, adjust, average"))
    }
}

/// A design-based estimate of a domain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyMean {
    pub value: f64,
    pub se: f64,
    /// Degrees of freedom of the design for this domain (PSUs minus strata).
    pub df: f64,
    /// Respondents in the domain (unweighted).
    pub respondents: usize,
    /// The domain's weighted total (its estimated population).
    pub weight: f64,
    /// The design effect: the variance over that of a simple random sample without
    /// replacement of as many respondents from the estimated population, `var / (s² (N̂ −
    /// n) / (N̂ n))` with `s²` the domain's weighted variance of the values (`svymean(...,
    /// deff = TRUE)`); none where that has no variance (fewer than two respondents, all
    /// values equal, or weights adding up to no more than the respondents).
    pub deff: Option<f64>,
}

/// How a domain's confidence interval is made ([`SurveyMean::interval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interval {
    /// On the logit scale with the design's degrees of freedom (a proportion).
    #[default]
    Logit,
    /// Korn–Graubard: Clopper–Pearson on the effective sample size (a proportion).
    KornGraubard,
    /// Wilson's score interval on the effective sample size (a proportion).
    Wilson,
    /// `value ± z × se`.
    Wald,
}

impl Interval {
    const ALL: [Self; 4] = [Self::Logit, Self::KornGraubard, Self::Wilson, Self::Wald];

    /// The name users give: `logit`, `korn-graubard`, `wilson`, `wald`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Logit => "logit",
            Self::KornGraubard => "korn-graubard",
            Self::Wilson => "wilson",
            Self::Wald => "wald",
        }
    }

    /// Whether the interval is for a proportion only (all but Wald's).
    pub const fn for_proportion(self) -> bool {
        !matches!(self, Self::Wald)
    }
}

impl std::str::FromStr for Interval {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not one of logit, korn-graubard, wilson, wald"))
    }
}

impl SurveyMean {
    /// The symmetric interval `value ± z × se` (`confint(svymean(...))`).
    pub fn wald(&self, confidence: Confidence) -> Estimate {
        let half = confidence.z() * self.se;
        Estimate {
            value: self.value,
            lower: self.value - half,
            upper: self.value + half,
        }
    }

    /// For a proportion: the interval on the logit scale with the design's degrees of
    /// freedom, back-transformed (`svyciprop(..., method = "xlogit")`): it stays within
    /// 0 and 1. At 0 or 1 the interval is the point.
    pub fn logit(&self, confidence: Confidence) -> Estimate {
        let p = self.value;
        if p <= 0.0 || p >= 1.0 {
            return Estimate {
                value: p,
                lower: p,
                upper: p,
            };
        }
        let t = t_limit(self.df, confidence);
        let logit = (p / (1.0 - p)).ln();
        let half = t * self.se / (p * (1.0 - p));
        let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
        Estimate {
            value: p,
            lower: expit(logit - half),
            upper: expit(logit + half),
        }
    }
}

impl SurveyMean {
    /// The effective sample size, `respondents / deff`: as many respondents as a simple
    /// random sample would need for the same standard error (the respondents where the
    /// design effect is not defined).
    pub fn effective_n(&self) -> f64 {
        let n = self.respondents as f64;
        self.deff.filter(|d| *d > 0.0).map_or(n, |d| n / d)
    }

    /// The interval of the given kind (see [`Interval`]).
    pub fn interval(&self, kind: Interval, confidence: Confidence) -> Estimate {
        match kind {
            Interval::Logit => self.logit(confidence),
            Interval::KornGraubard => self.korn_graubard(confidence),
            Interval::Wilson => self.wilson(confidence),
            Interval::Wald => self.wald(confidence),
        }
    }

    /// A proportion's sample size for Korn–Graubard and Wilson, as `svyciprop(method =
    /// "beta")` takes it: `p(1 − p) / se²` (the respondents when the standard error is 0),
    /// times `(t(respondents − 1) / t(df))²` for the design's degrees of freedom.
    fn proportion_n(&self, confidence: Confidence) -> f64 {
        let p = self.value;
        let n = if self.se > 0.0 {
            p * (1.0 - p) / (self.se * self.se)
        } else {
            self.respondents as f64
        };
        let ratio =
            t_limit(self.respondents as f64 - 1.0, confidence) / t_limit(self.df, confidence);
        n * ratio * ratio
    }

    /// For a proportion: Wilson's score interval on the effective sample size of
    /// [`SurveyMean::korn_graubard`] (`p(1 − p) / se²`, adjusted for the design's degrees of
    /// freedom), as `wilson(p × n, n)`.
    pub fn wilson(&self, confidence: Confidence) -> Estimate {
        let (p, n) = (self.value, self.proportion_n(confidence));
        super::proportion::wilson(p * n, n, confidence).unwrap_or(Estimate {
            value: p,
            lower: f64::NAN,
            upper: f64::NAN,
        })
    }

    /// For a proportion: the Korn–Graubard interval (`svyciprop(..., method = "beta")`),
    /// Clopper–Pearson on the effective sample size `p(1 − p) / se²`, adjusted by
    /// `(t(respondents − 1) / t(df))²` for the design's degrees of freedom.
    pub fn korn_graubard(&self, confidence: Confidence) -> Estimate {
        let p = self.value;
        let tail = confidence.tail();
        let n = self.proportion_n(confidence);
        let beta = |q: f64, a: f64, b: f64| {
            statrs::distribution::Beta::new(a, b)
                .map_or(f64::NAN, |d| super::quantile(&d, q, 0.0, 1.0))
        };
        Estimate {
            value: p,
            lower: if p > 0.0 {
                beta(tail, n * p, n * (1.0 - p) + 1.0)
            } else {
                0.0
            },
            upper: if p < 1.0 {
                beta(1.0 - tail, n * p + 1.0, n * (1.0 - p))
            } else {
                1.0
            },
        }
    }
}

/// The design-based mean of `y` over the respondents in `domain` (all when `None`).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::survey::{Design, LonelyPsu, mean};
/// // Four respondents in two strata of two PSUs (each respondent its own PSU).
/// let weights = [100.0, 300.0, 200.0, 200.0];
/// let strata = [1, 1, 2, 2];
/// let design = Design { weights: &weights, strata: Some(&strata), clusters: None, population: None, lonely_psu: LonelyPsu::Fail };
/// let lonely = [1.0, 0.0, 1.0, 1.0];
/// let m = mean(&design, &lonely, None).unwrap();
/// assert!((m.value - 0.625).abs() < 1e-15);
/// assert_eq!(m.df, 2.0);
/// ```
///
/// # Errors
///
/// As [`means_by`]; [`StatsError::Shape`] for an empty domain.
pub fn mean(design: &Design, y: &[f64], domain: Option<&[bool]>) -> Result<SurveyMean, StatsError> {
    let groups: Vec<u32> = match domain {
        Some(d) => d
            .iter()
            .map(|&inside| if inside { 0 } else { OUTSIDE })
            .collect(),
        None => vec![0; y.len()],
    };
    means_by(design, y, &groups)?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| StatsError::Shape {
            what: "survey domain",
            rule: "no respondent lies in it".into(),
        })
}

/// The group of a respondent in no group of [`means_by`].
pub const OUTSIDE: u32 = u32::MAX;

/// The design-based mean of `y` in every group (domain) at once, in one pass: `groups`
/// gives each respondent's group, `0..g` ([`OUTSIDE`] for none), and the result holds one
/// estimate per group number up to the largest (none for a number no respondent has). Each
/// group is a domain of the whole design, as `svyby` makes them.
///
/// # Errors
///
/// [`StatsError::Shape`] for columns of different lengths or a stratum with one PSU (under
/// [`LonelyPsu::Fail`]);
/// [`StatsError::Value`] for a weight that is not positive and finite, a value that is not
/// finite, or a population smaller than its sample of PSUs.
pub fn means_by(
    design: &Design,
    y: &[f64],
    groups: &[u32],
) -> Result<Vec<Option<SurveyMean>>, StatsError> {
    check(design, y, groups.len())?;
    means_in(design, &Layout::of(design)?, y, groups)
}

/// A design with its strata and PSUs numbered once, for many estimates of it (every
/// question and group of a monitor's round): [`Numbered::means_by`] and
/// [`Numbered::prepared`] as [`means_by`] and [`Prepared::new`], without numbering the
/// design again.
#[derive(Debug, Clone)]
pub struct Numbered<'a> {
    design: &'a Design<'a>,
    layout: Layout,
}

impl<'a> Numbered<'a> {
    /// # Errors
    ///
    /// As [`means_by`] for the design (a stratum with one PSU under [`LonelyPsu::Fail`], a
    /// population smaller than its sample).
    pub fn new(design: &'a Design<'a>) -> Result<Self, StatsError> {
        Ok(Self {
            design,
            layout: Layout::of(design)?,
        })
    }

    /// [`means_by`] on this design.
    ///
    /// # Errors
    ///
    /// As [`means_by`].
    pub fn means_by(
        &self,
        y: &[f64],
        groups: &[u32],
    ) -> Result<Vec<Option<SurveyMean>>, StatsError> {
        check(self.design, y, groups.len())?;
        means_in(self.design, &self.layout, y, groups)
    }

    /// [`Prepared::new`] on this design.
    ///
    /// # Errors
    ///
    /// As [`means_by`].
    pub fn prepared<'s>(&'s self, y: &'s [f64]) -> Result<Prepared<'s>, StatsError> {
        check(self.design, y, y.len())?;
        Ok(Prepared {
            design: self.design,
            y,
            layout: std::borrow::Cow::Borrowed(&self.layout),
        })
    }
}

/// [`means_by`] with the inputs checked and the design's layout made.
fn means_in(
    design: &Design,
    layout: &Layout,
    y: &[f64],
    groups: &[u32],
) -> Result<Vec<Option<SurveyMean>>, StatsError> {
    let n = design.weights.len();
    let count = groups
        .iter()
        .filter(|&&g| g != OUTSIDE)
        .max()
        .map_or(0, |&g| g as usize + 1);
    let (mut total, mut weighted, mut respondents) =
        (vec![0.0; count], vec![0.0; count], vec![0_usize; count]);
    for ((&g, &w), &v) in groups.iter().zip(design.weights).zip(y) {
        if g != OUTSIDE {
            total[g as usize] += w;
            weighted[g as usize] += w * v;
            respondents[g as usize] += 1;
        }
    }
    let value: Vec<f64> = weighted.iter().zip(&total).map(|(x, t)| x / t).collect();
    // Linearised values, and each domain's weighted sum of squared deviations.
    let mut squares = vec![0.0; count];
    let z: Vec<f64> = (0..n)
        .map(|i| match groups[i] {
            OUTSIDE => 0.0,
            g => {
                let k = g as usize;
                let deviation = y[i] - value[k];
                squares[k] += design.weights[i] * deviation * deviation;
                design.weights[i] * deviation / total[k]
            }
        })
        .collect();
    let (variance, df) = linearised_in(layout, design.lonely_psu, groups, &z, count);
    Ok((0..count)
        .map(|k| {
            (respondents[k] > 0).then(|| SurveyMean {
                value: value[k],
                se: variance[k].sqrt(),
                df: df[k],
                respondents: respondents[k],
                weight: total[k],
                deff: design_effect(variance[k], squares[k], total[k], respondents[k]),
            })
        })
        .collect())
}

/// The two-sided limit of Student's t with `df` degrees of freedom at `confidence` (the
/// normal's where `df` is not positive).
fn t_limit(df: f64, confidence: Confidence) -> f64 {
    StudentsT::new(0.0, 1.0, df).map_or(confidence.z(), |d| {
        super::quantile(&d, 1.0 - confidence.tail(), 0.0, f64::INFINITY)
    })
}

/// `svymean(..., deff = TRUE)`'s design effect of a domain: its variance over `s² (N̂ − n) /
/// (N̂ n)`, with `s² = n / (n − 1) × Σ wᵢ(yᵢ − ȳ)² / N̂` (`svyvar`) and `N̂` the domain's
/// weighted total.
fn design_effect(variance: f64, squares: f64, total: f64, respondents: usize) -> Option<f64> {
    let n = respondents as f64;
    let s2 = n / (n - 1.0) * squares / total;
    let srs = s2 * (total - n) / (total * n);
    (respondents > 1 && srs > 0.0 && srs.is_finite()).then(|| variance / srs)
}

/// A group's change from one round of a survey to the next ([`changes_by`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub group: u32,
    /// The later round and the earlier one (round numbers as given).
    pub round: u32,
    pub previous: u32,
    /// Later minus earlier, the rounds as independent samples ([`Contrast::between`]).
    pub contrast: Contrast,
}

/// Each group's change between consecutive rounds: `rounds` numbers each respondent's round
/// (`0..r`, in order), and every round is its own sample, the design's columns restricted to
/// its respondents; a group is compared where both rounds have it. Groups as in
/// [`means_by`].
///
/// # Errors
///
/// As [`means_by`] for any round's design; [`StatsError::Shape`] for a `rounds` column of
/// another length.
pub fn changes_by(
    design: &Design,
    y: &[f64],
    groups: &[u32],
    rounds: &[u32],
) -> Result<Vec<Change>, StatsError> {
    check(design, y, groups.len())?;
    if rounds.len() != y.len() {
        return Err(StatsError::Shape {
            what: "survey rounds",
            rule: "one round per respondent".into(),
        });
    }
    let count = rounds.iter().max().map_or(0, |&r| r + 1);
    let mut found = Vec::new();
    let mut previous: Option<(u32, Vec<Option<SurveyMean>>)> = None;
    for round in 0..count {
        let at: Vec<usize> = (0..rounds.len()).filter(|&i| rounds[i] == round).collect();
        let pick = |column: &[u32]| -> Vec<u32> { at.iter().map(|&i| column[i]).collect() };
        let weights: Vec<f64> = at.iter().map(|&i| design.weights[i]).collect();
        let values: Vec<f64> = at.iter().map(|&i| y[i]).collect();
        let strata = design.strata.map(pick);
        let clusters = design.clusters.map(pick);
        let population: Option<Vec<f64>> = design
            .population
            .map(|p| at.iter().map(|&i| p[i]).collect());
        let part = Design {
            weights: &weights,
            strata: strata.as_deref(),
            clusters: clusters.as_deref(),
            population: population.as_deref(),
            lonely_psu: design.lonely_psu,
        };
        let means = means_by(&part, &values, &pick(groups))?;
        if let Some((earlier, before)) = &previous {
            for (group, (now, then)) in (0..).zip(means.iter().zip(before)) {
                if let (Some(now), Some(then)) = (now, then) {
                    found.push(Change {
                        group,
                        round,
                        previous: *earlier,
                        contrast: Contrast::between(now, then),
                    });
                }
            }
        }
        previous = Some((round, means));
    }
    Ok(found)
}

/// The design's columns, values and groups hold one entry per respondent; weights are
/// positive and values finite.
fn check(design: &Design, y: &[f64], groups: usize) -> Result<(), StatsError> {
    let n = design.weights.len();
    let lengths = [
        Some(y.len()),
        Some(groups),
        design.strata.map(<[u32]>::len),
        design.clusters.map(<[u32]>::len),
        design.population.map(<[f64]>::len),
    ];
    if lengths.iter().flatten().any(|&len| len != n) {
        return Err(StatsError::Shape {
            what: "survey design",
            rule: "the weights, values, strata, PSUs, populations and groups must have one \
                   entry per respondent"
                .into(),
        });
    }
    if let Some(&w) = design
        .weights
        .iter()
        .find(|w| !(w.is_finite() && **w > 0.0))
    {
        return Err(StatsError::Value {
            name: "weight",
            value: w,
            rule: "must be a positive number",
        });
    }
    if let Some(&v) = y.iter().find(|v| !v.is_finite()) {
        return Err(StatsError::Value {
            name: "value",
            value: v,
            rule: "must be a finite number",
        });
    }
    Ok(())
}

/// A domain against the rest of a reference that holds it (a buurt against the rest of its
/// wijk, a gemeente against the rest of the region): the difference of their design-based
/// means, domain minus rest, with its standard error (the two are estimated from one
/// design, so their covariance counts) and the degrees of freedom of the reference, as R
/// `survey` gives them by `svyby(..., covmat = TRUE)` and `svycontrast` on the design
/// restricted to the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contrast {
    pub difference: f64,
    pub se: f64,
    pub df: f64,
}

impl Contrast {
    /// Whether the difference is significant at `confidence`: a two-sided t test with the
    /// reference's degrees of freedom.
    pub fn significant(&self, confidence: Confidence) -> bool {
        if self.se <= 0.0 {
            return self.difference != 0.0;
        }
        (self.difference / self.se).abs() > t_limit(self.df, confidence)
    }

    /// Two estimates from independent samples (a domain in two rounds of the monitor, each
    /// round its own sample): `later − earlier`, with the standard error `√(se₁² + se₂²)` and
    /// the degrees of freedom added, as for one design of the stacked rounds with strata
    /// crossed with the round (`svyby` over the rounds and `svycontrast`).
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::stats::survey::{Contrast, SurveyMean};
    /// let round = |value, se| SurveyMean { value, se, df: 40.0, respondents: 400, weight: 9e4, deff: None };
    /// let change = Contrast::between(&round(0.31, 0.02), &round(0.25, 0.015));
    /// assert!((change.difference - 0.06).abs() < 1e-12 && (change.se - 0.025).abs() < 1e-12);
    /// assert_eq!(change.df, 80.0);
    /// ```
    pub fn between(later: &SurveyMean, earlier: &SurveyMean) -> Self {
        Self {
            difference: later.value - earlier.value,
            se: later.se.hypot(earlier.se),
            df: later.df + earlier.df,
        }
    }

    /// The two-sided p-value of that t test, `2 × pt(−|difference / se|, df)` (the normal's
    /// where `df` is not positive; 0 for a difference without standard error, 1 for none).
    pub fn p_value(&self) -> f64 {
        if self.se <= 0.0 {
            return if self.difference == 0.0 { 1.0 } else { 0.0 };
        }
        let t = (self.difference / self.se).abs();
        let tail = StudentsT::new(0.0, 1.0, self.df).map_or_else(
            |_| 1.0 - statrs::distribution::Normal::standard().cdf(t),
            |d| d.sf(t),
        );
        2.0 * tail
    }

    /// The domain against the rest at the two levels of a profile: higher or lower when
    /// significant at the inner level, `at_998` when also at the outer.
    pub fn significance(&self, levels: (Confidence, Confidence)) -> super::compare::Significance {
        use super::compare::Significance;
        if !self.significant(levels.0) {
            return Significance::Similar;
        }
        let at_998 = self.significant(levels.1);
        if self.difference > 0.0 {
            Significance::Higher { at_998 }
        } else {
            Significance::Lower { at_998 }
        }
    }
}

/// The contrast of `domain` with the rest of `reference` ([`Contrast`]).
///
/// # Examples
///
/// ```
/// use wijkprofiel::stats::survey::{Design, LonelyPsu, contrast};
/// let weights = [100.0, 300.0, 200.0, 200.0, 150.0, 250.0];
/// let strata = [1, 1, 1, 2, 2, 2];
/// let design = Design { weights: &weights, strata: Some(&strata), clusters: None, population: None, lonely_psu: LonelyPsu::Fail };
/// let smokes = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0];
/// let buurt = [true, true, false, false, false, false];
/// let c = contrast(&design, &smokes, &buurt, &[true; 6]).unwrap();
/// assert!((c.difference - (0.25 - 0.5)).abs() < 1e-15);
/// ```
///
/// # Errors
///
/// As [`means_by`]; [`StatsError::Shape`] when the domain is not inside the reference, or
/// the domain or the rest of the reference has no respondent.
pub fn contrast(
    design: &Design,
    y: &[f64],
    domain: &[bool],
    reference: &[bool],
) -> Result<Contrast, StatsError> {
    let prepared = Prepared::new(design, y)?;
    if domain.len() != y.len() || reference.len() != y.len() {
        return Err(StatsError::Shape {
            what: "survey contrast",
            rule: "the domain and the reference must have one entry per respondent".into(),
        });
    }
    let rows =
        |member: &[bool]| -> Vec<usize> { (0..member.len()).filter(|&i| member[i]).collect() };
    prepared.contrast(&rows(domain), &rows(reference))
}

/// The design's strata and PSUs numbered densely (in order of first appearance): each
/// respondent's PSU, each PSU's stratum, and each stratum's PSUs and finite population
/// correction.
#[derive(Debug, Clone)]
struct Layout {
    psu: Vec<u32>,
    /// The stratum of each PSU.
    psu_stratum: Vec<u32>,
    /// Per stratum: its sampled PSUs and `1 − f`.
    strata: Vec<(f64, f64)>,
}

impl Layout {
    fn of(design: &Design) -> Result<Self, StatsError> {
        let n = design.weights.len();
        let mut stratum_at: HashMap<u32, u32> = HashMap::new();
        let mut psu_at: HashMap<(u32, u64), u32> = HashMap::new();
        let (mut psu, mut psu_stratum) = (Vec::with_capacity(n), Vec::new());
        // Per stratum: its code, PSUs and population.
        let mut found: Vec<(u32, usize, Option<f64>)> = Vec::new();
        for i in 0..n {
            let h = design.strata.map_or(0, |s| s[i]);
            let at = *stratum_at.entry(h).or_insert_with(|| {
                found.push((h, 0, design.population.map(|p| p[i])));
                u32::try_from(found.len() - 1).unwrap_or(u32::MAX)
            });
            let c = design.clusters.map_or(i as u64, |c| u64::from(c[i]));
            let next = u32::try_from(psu_at.len()).unwrap_or(u32::MAX);
            let id = *psu_at.entry((h, c)).or_insert_with(|| {
                found[at as usize].1 += 1;
                psu_stratum.push(at);
                next
            });
            psu.push(id);
        }
        let mut strata = Vec::with_capacity(found.len());
        for &(h, psus, population) in &found {
            let psus = psus as f64;
            if psus < 2.0 && design.lonely_psu == LonelyPsu::Fail {
                return Err(StatsError::Shape {
                    what: "survey design",
                    rule: format!(
                        "stratum {h} has one PSU: its variance cannot be estimated (give it a \
                         partner stratum, or merge it)"
                    ),
                });
            }
            let correction = match population {
                Some(big) if big < psus => {
                    return Err(StatsError::Value {
                        name: "population",
                        value: big,
                        rule: "must be at least the stratum's sample of PSUs",
                    });
                }
                Some(big) => 1.0 - psus / big,
                None => 1.0,
            };
            strata.push((psus, correction));
        }
        Ok(Self {
            psu,
            psu_stratum,
            strata,
        })
    }

    /// A variance and its degrees of freedom from the moments of the PSU totals of one
    /// estimate's linearised values in each stratum holding its respondents: `(stratum,
    /// sum, sum of squares, PSUs holding respondents)`. PSUs without its respondents add
    /// zeros; a stratum with one PSU contributes as `lonely` says (`average`: the mean of
    /// the others; `survey` leaves strata without the estimate's respondents out).
    fn variance(
        &self,
        lonely: LonelyPsu,
        moments: impl IntoIterator<Item = (u32, f64, f64, usize)>,
    ) -> (f64, f64) {
        let (mut variance, mut df, mut held, mut alone) = (0.0, 0.0, 0_usize, 0_usize);
        for (at, sum, squares, psus_held) in moments {
            let (psus, correction) = self.strata[at as usize];
            held += 1;
            variance += if psus >= 2.0 {
                let spread = (squares - sum * sum / psus).max(0.0);
                correction * psus / (psus - 1.0) * spread
            } else {
                alone += 1;
                match lonely {
                    LonelyPsu::Adjust => correction * squares,
                    _ => 0.0,
                }
            };
            df += psus_held as f64 - 1.0;
        }
        if lonely == LonelyPsu::Average && alone > 0 && alone < held {
            variance *= held as f64 / (held - alone) as f64;
        }
        (variance, df)
    }
}

/// The Taylor-linearised variance of each group's estimate and its degrees of freedom, from
/// each respondent's group ([`OUTSIDE`] for none) and linearised value `z`: the PSU totals
/// of `z` per stratum, their spread within each stratum with the finite population
/// correction, added over the strata ([`Layout::variance`]).
pub(super) fn linearised(
    design: &Design,
    groups: &[u32],
    z: &[f64],
    count: usize,
) -> Result<(Vec<f64>, Vec<f64>), StatsError> {
    let layout = Layout::of(design)?;
    Ok(linearised_in(&layout, design.lonely_psu, groups, z, count))
}

/// [`linearised`] with the design's layout made.
fn linearised_in(
    layout: &Layout,
    lonely: LonelyPsu,
    groups: &[u32],
    z: &[f64],
    count: usize,
) -> (Vec<f64>, Vec<f64>) {
    let mut sums: HashMap<(u32, u32), f64> = HashMap::new();
    for (i, &g) in groups.iter().enumerate() {
        if g != OUTSIDE {
            *sums.entry((g, layout.psu[i])).or_insert(0.0) += z[i];
        }
    }
    // Per group and stratum: the sum and sum of squares of its PSU totals.
    let mut moments: HashMap<(u32, u32), (f64, f64, usize)> = HashMap::new();
    let mut keys: Vec<_> = sums.into_iter().collect();
    keys.sort_unstable_by_key(|k| k.0);
    for ((g, c), z) in keys {
        let m = moments
            .entry((g, layout.psu_stratum[c as usize]))
            .or_insert((0.0, 0.0, 0));
        m.0 += z;
        m.1 += z * z;
        m.2 += 1;
    }
    let mut by_group: Vec<Vec<(u32, f64, f64, usize)>> = vec![Vec::new(); count];
    let mut moments: Vec<_> = moments.into_iter().collect();
    moments.sort_unstable_by_key(|m| m.0);
    for ((g, at), (sum, squares, held)) in moments {
        by_group[g as usize].push((at, sum, squares, held));
    }
    by_group
        .into_iter()
        .map(|m| layout.variance(lonely, m))
        .unzip()
}

/// The whole design's degrees of freedom: its PSUs minus its strata (`degf`).
///
/// # Errors
///
/// As [`means_by`] for the design.
pub(super) fn design_df(design: &Design) -> Result<f64, StatsError> {
    let layout = Layout::of(design)?;
    Ok(layout.psu_stratum.len() as f64 - layout.strata.len() as f64)
}

/// One design and one variable prepared for many contrasts ([`Prepared::contrast`]): the
/// strata and PSUs numbered once, so that each contrast costs a pass over its reference's
/// respondents only.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    design: &'a Design<'a>,
    y: &'a [f64],
    /// Its own, or a [`Numbered`] design's.
    layout: std::borrow::Cow<'a, Layout>,
}

impl<'a> Prepared<'a> {
    /// # Errors
    ///
    /// As [`means_by`].
    pub fn new(design: &'a Design<'a>, y: &'a [f64]) -> Result<Self, StatsError> {
        check(design, y, y.len())?;
        Ok(Self {
            design,
            y,
            layout: std::borrow::Cow::Owned(Layout::of(design)?),
        })
    }

    /// The contrast of the respondents `domain` with the rest of `reference` (row numbers;
    /// the domain's must all be in the reference). See [`contrast`].
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] when the domain is not inside the reference, or the domain or
    /// the rest of the reference has no respondent.
    pub fn contrast(&self, domain: &[usize], reference: &[usize]) -> Result<Contrast, StatsError> {
        let mut members = reference.to_vec();
        members.sort_unstable();
        if domain.iter().any(|i| members.binary_search(i).is_err()) {
            return Err(StatsError::Shape {
                what: "survey contrast",
                rule: "the domain must lie inside the reference".into(),
            });
        }
        self.contrast_within(domain, &self.reference(reference))
    }

    /// The respondents `rows` prepared as the reference of many contrasts
    /// ([`Prepared::contrast_within`]).
    pub fn reference(&self, rows: &[usize]) -> Reference {
        let w = self.design.weights;
        let (weight, weighted) = rows
            .iter()
            .fold((0.0, 0.0), |(t, a), &i| (t + w[i], a + w[i] * self.y[i]));
        let mean = if weight > 0.0 { weighted / weight } else { 0.0 };
        let psus = self.psu_totals(rows, mean);
        let mut strata: Vec<(u32, [f64; 5], usize)> = Vec::new();
        let mut by_stratum: Vec<(u32, f64, f64)> = psus
            .iter()
            .map(|&(c, a, b)| (self.layout.psu_stratum[c as usize], a, b))
            .collect();
        by_stratum.sort_by_key(|m| m.0);
        for (h, a, b) in by_stratum {
            if strata.last().is_none_or(|m| m.0 != h) {
                strata.push((h, [0.0; 5], 0));
            }
            if let Some((_, m, held)) = strata.last_mut() {
                *m = [m[0] + a, m[1] + b, m[2] + a * a, m[3] + a * b, m[4] + b * b];
                *held += 1;
            }
        }
        Reference {
            respondents: rows.len(),
            weight,
            weighted,
            mean,
            psus,
            strata,
        }
    }

    /// Per PSU holding some of `rows`, in PSU order: `Σ w (y − pivot)` and `Σ w` over them.
    fn psu_totals(&self, rows: &[usize], pivot: f64) -> Vec<(u32, f64, f64)> {
        let w = self.design.weights;
        let mut at: HashMap<u32, usize> = HashMap::new();
        let mut totals: Vec<(u32, f64, f64)> = Vec::new();
        for &i in rows {
            let c = self.layout.psu[i];
            let k = *at.entry(c).or_insert_with(|| {
                totals.push((c, 0.0, 0.0));
                totals.len() - 1
            });
            totals[k].1 += w[i] * (self.y[i] - pivot);
            totals[k].2 += w[i];
        }
        totals.sort_unstable_by_key(|t| t.0);
        totals
    }

    /// The contrast of the respondents `domain` (all of them in the reference) with the rest
    /// of a prepared reference: its cost is a pass over the domain's respondents. The
    /// linearised values of the reference's PSUs that hold none of the domain's follow from
    /// the reference's moments and the rest's mean; those of the domain's PSUs are made
    /// whole. See [`contrast`].
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] when the domain or the rest of the reference has no respondent.
    pub fn contrast_within(
        &self,
        domain: &[usize],
        reference: &Reference,
    ) -> Result<Contrast, StatsError> {
        let w = self.design.weights;
        let (weight, weighted) = domain
            .iter()
            .fold((0.0, 0.0), |(t, a), &i| (t + w[i], a + w[i] * self.y[i]));
        if domain.is_empty() || domain.len() >= reference.respondents {
            return Err(StatsError::Shape {
                what: "survey contrast",
                rule: "the domain and the rest of the reference need respondents".into(),
            });
        }
        let rest = reference.weight - weight;
        let means = [weighted / weight, (reference.weighted - weighted) / rest];
        // Both means about the reference's, as its moments are.
        let [shift, delta] = means.map(|m| m - reference.mean);
        // A reference PSU without the domain's respondents: only the rest's term.
        let outside = |a: f64, b: f64| -(a - delta * b) / rest;
        let mut moments: Vec<(u32, f64, f64, usize)> = reference
            .strata
            .iter()
            .map(|&(h, [a, b, aa, ab, bb], held)| {
                let sum = -(a - delta * b) / rest;
                let squares = (aa - 2.0 * delta * ab + delta * delta * bb) / (rest * rest);
                (h, sum, squares, held)
            })
            .collect();
        for (c, a_d, b_d) in self.psu_totals(domain, reference.mean) {
            let Ok(k) = reference.psus.binary_search_by_key(&c, |p| p.0) else {
                continue;
            };
            let (_, a, b) = reference.psus[k];
            let z = (a_d - shift * b_d) / weight - ((a - a_d) - delta * (b - b_d)) / rest;
            let u = outside(a, b);
            let h = self.layout.psu_stratum[c as usize];
            if let Ok(m) = moments.binary_search_by_key(&h, |m| m.0) {
                moments[m].1 += z - u;
                moments[m].2 += z * z - u * u;
            }
        }
        let (variance, df) = self.layout.variance(self.design.lonely_psu, moments);
        Ok(Contrast {
            difference: means[0] - means[1],
            se: variance.sqrt(),
            df,
        })
    }
}

/// A reference's respondents prepared for many contrasts ([`Prepared::reference`]): its
/// weighted totals, and each of its PSUs' totals and their moments per stratum about its
/// mean (so that little cancels).
#[derive(Debug, Clone)]
pub struct Reference {
    respondents: usize,
    weight: f64,
    weighted: f64,
    mean: f64,
    /// Per PSU, in PSU order: `Σ w (y − mean)` and `Σ w`.
    psus: Vec<(u32, f64, f64)>,
    /// Per stratum, in stratum order: the sums of those two, of their squares and of their
    /// product, and the number of PSUs.
    strata: Vec<(u32, [f64; 5], usize)>,
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const RESPONDENTS: &str = include_str!("../../../../tests/oracles/survey/respondents.csv");
    const EXPECTED: &str = include_str!("../../../../tests/oracles/survey/expected.csv");

    /// The oracle's respondents (`tests/oracles/survey/respondents.csv`).
    pub(in crate::stats) struct Respondents {
        pub weight: Vec<f64>,
        pub stratum: Vec<u32>,
        pub stratum_lonely: Vec<u32>,
        pub psu: Vec<u32>,
        pub population: Vec<f64>,
        pub lonely: Vec<f64>,
        pub score: Vec<f64>,
        pub female: Vec<bool>,
        /// The score in three groups (low, mid, high: 0, 1, 2).
        pub scorecat: Vec<u32>,
    }

    pub(in crate::stats) fn respondents() -> Respondents {
        let mut lines = RESPONDENTS.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h.trim_matches('"') == name)
                .expect(name)
        };
        let rows: Vec<Vec<String>> = lines
            .map(|l| {
                l.split(',')
                    .map(|c| c.trim_matches('"').to_owned())
                    .collect()
            })
            .collect();
        let column =
            |name: &str| -> Vec<String> { rows.iter().map(|r| r[at(name)].clone()).collect() };
        let numbers = |name: &str| -> Vec<f64> {
            column(name)
                .iter()
                .map(|v| v.parse().expect(name))
                .collect()
        };
        Respondents {
            weight: numbers("weight"),
            stratum: numbers("stratum").iter().map(|&v| v as u32).collect(),
            stratum_lonely: numbers("stratum_lonely")
                .iter()
                .map(|&v| v as u32)
                .collect(),
            psu: numbers("psu").iter().map(|&v| v as u32).collect(),
            population: numbers("population"),
            lonely: numbers("lonely"),
            score: numbers("score"),
            female: column("sex").iter().map(|s| s == "female").collect(),
            scorecat: column("scorecat")
                .iter()
                .map(|s| match s.as_str() {
                    "low" => 0,
                    "mid" => 1,
                    _ => 2,
                })
                .collect(),
        }
    }

    /// The design variant of the oracle by its name in `make.R`.
    pub(in crate::stats) fn design_of<'a>(r: &'a Respondents, name: &str) -> Design<'a> {
        let lonely = name.strip_prefix("lonely_");
        Design {
            weights: &r.weight,
            strata: match name {
                "weights_only" => None,
                _ if lonely.is_some() => Some(&r.stratum_lonely[..]),
                _ => Some(&r.stratum[..]),
            },
            clusters: (name.starts_with("clusters") || lonely.is_some()).then_some(&r.psu[..]),
            population: (name == "clusters_fpc" || lonely.is_some()).then_some(&r.population[..]),
            lonely_psu: lonely.map_or(LonelyPsu::Fail, |o| o.parse().expect("option")),
        }
    }

    #[test]
    fn estimates_match_r_survey() {
        let r = respondents();
        let stratum2: Vec<bool> = r.stratum.iter().map(|&s| s == 2).collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-3);
        let (mut checked, mut kg_checked) = (0, 0);
        let mut lines = EXPECTED.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        for line in lines {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let number = |name: &str| {
                let k = header.iter().position(|h| *h == name).expect(name);
                cells[k].parse::<f64>().ok()
            };
            let design = design_of(&r, cells[0]);
            let domain = match cells[1] {
                "all" => None,
                "female" => Some(&r.female[..]),
                _ => Some(&stratum2[..]),
            };
            let y = if cells[2] == "lonely" {
                &r.lonely
            } else {
                &r.score
            };
            let m = mean(&design, y, domain).expect("estimate");
            let what = format!("{line}: {m:?}");
            assert!(close(m.value, number("value").expect("value")), "{what}");
            assert!(close(m.se, number("se").expect("se")), "{what}");
            assert_eq!(m.df, number("df").expect("df"), "{what}");
            let deff = number("deff").expect("deff");
            assert!(close(m.deff.expect("deff"), deff), "{what}");
            let n = m.respondents as f64;
            assert!(close(m.effective_n(), n / deff), "{what}");
            let wald = m.wald(Confidence::C95);
            assert!(
                close(wald.lower, number("wald_lower").expect("lower")),
                "{what}"
            );
            assert!(
                close(wald.upper, number("wald_upper").expect("upper")),
                "{what}"
            );
            if let (Some(lower), Some(upper)) = (number("logit_lower"), number("logit_upper")) {
                let logit = m.logit(Confidence::C95);
                assert!(
                    close(logit.lower, lower) && close(logit.upper, upper),
                    "{what}"
                );
            }
            if let (Some(lower), Some(upper)) = (number("kg_lower"), number("kg_upper")) {
                // Beta quantiles through statrs' ln Γ: 1e-9.
                let kg = m.korn_graubard(Confidence::C95);
                let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1e-3);
                assert!(
                    near(kg.lower, lower) && near(kg.upper, upper),
                    "{what}: {kg:?}"
                );
                kg_checked += 1;
            }
            checked += 1;
        }
        assert_eq!((checked, kg_checked), (48, 24));
    }

    #[test]
    fn groups_in_one_pass_are_the_domains_one_by_one() {
        let r = respondents();
        let design = design_of(&r, "clusters_fpc");
        let groups: Vec<u32> = r.female.iter().map(|&f| u32::from(f)).collect();
        let both = means_by(&design, &r.lonely, &groups).expect("groups");
        let male: Vec<bool> = r.female.iter().map(|f| !f).collect();
        for (k, domain) in [male, r.female.clone()].iter().enumerate() {
            let one = mean(&design, &r.lonely, Some(domain)).expect("domain");
            let all = both[k].expect("group");
            assert!((all.value - one.value).abs() < 1e-15 && (all.se - one.se).abs() < 1e-15);
            assert_eq!((all.df, all.respondents), (one.df, one.respondents));
        }
    }

    #[test]
    fn equal_weights_alone_have_the_design_effect_of_sampling_with_replacement() {
        // Equal weights, no strata or PSUs, no finite population correction in the design:
        // the variance is s²/n, and the design effect against sampling without replacement
        // from N̂ = Σw is N̂ / (N̂ − n).
        let y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
        let weights = [50.0; 8];
        let design = Design {
            weights: &weights,
            strata: None,
            clusters: None,
            population: None,
            lonely_psu: LonelyPsu::Fail,
        };
        let m = mean(&design, &y, None).expect("estimate");
        let total = 400.0;
        assert!(
            (m.deff.expect("deff") - total / (total - 8.0)).abs() < 1e-12,
            "{m:?}"
        );
        // One respondent, or all answers alike: no variance to compare with.
        let one = [true, false, false, false, false, false, false, false];
        assert_eq!(mean(&design, &y, Some(&one)).expect("one").deff, None);
        assert_eq!(mean(&design, &[1.0; 8], None).expect("alike").deff, None);
    }

    #[test]
    fn wilson_is_the_score_interval_on_the_korn_graubard_sample_size() {
        let r = respondents();
        let m = mean(&design_of(&r, "clusters_fpc"), &r.lonely, None).expect("estimate");
        let c = Confidence::C95;
        let ratio = t_limit(m.respondents as f64 - 1.0, c) / t_limit(m.df, c);
        let n = m.value * (1.0 - m.value) / (m.se * m.se) * ratio * ratio;
        let expected = super::super::proportion::wilson(m.value * n, n, c).expect("wilson");
        assert_eq!(m.interval(Interval::Wilson, c), expected);
        assert_eq!(m.interval(Interval::Logit, c), m.logit(c));
        assert_eq!("korn-graubard".parse(), Ok(Interval::KornGraubard));
        assert!("beta".parse::<Interval>().unwrap_err().contains("wilson"));
    }

    const CONTRASTS: &str = include_str!("../../../../tests/oracles/survey/contrasts.csv");

    #[test]
    fn contrasts_match_r_survey() {
        let r = respondents();
        let everyone = vec![true; r.weight.len()];
        let stratum2: Vec<bool> = r.stratum.iter().map(|&s| s == 2).collect();
        let female_in_2: Vec<bool> = r
            .female
            .iter()
            .zip(&stratum2)
            .map(|(f, s)| *f && *s)
            .collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-3);
        let mut checked = 0;
        for line in CONTRASTS.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let number = |k: usize| cells[k].parse::<f64>().expect("number");
            let design = design_of(&r, cells[0]);
            let (domain, reference) = match cells[1] {
                "stratum2_vs_all" => (&stratum2, &everyone),
                "female_vs_all" => (&r.female, &everyone),
                _ => (&female_in_2, &stratum2),
            };
            let y = if cells[2] == "lonely" {
                &r.lonely
            } else {
                &r.score
            };
            let c = contrast(&design, y, domain, reference).expect("contrast");
            let what = format!("{line}: {c:?}");
            assert!(close(c.difference, number(3)), "{what}");
            assert!(close(c.se, number(4)), "{what}");
            assert_eq!(c.df, number(5), "{what}");
            // Student's t tail through statrs' incomplete beta: 1e-9.
            let p = number(6);
            assert!(
                (c.p_value() - p).abs() <= 1e-9 * p.max(1e-3),
                "{what}: {}",
                c.p_value()
            );
            checked += 1;
        }
        assert_eq!(checked, 48);
        // Not inside the reference; an empty rest.
        let design = design_of(&r, "strata");
        let e = contrast(&design, &r.lonely, &everyone, &stratum2).expect_err("outside");
        assert!(e.to_string().contains("inside the reference"), "{e}");
        let e = contrast(&design, &r.lonely, &stratum2, &stratum2).expect_err("no rest");
        assert!(e.to_string().contains("need respondents"), "{e}");
    }

    #[test]
    fn equal_weights_without_strata_are_a_simple_random_sample() {
        let r = respondents();
        let ones = vec![1.0; r.score.len()];
        let design = Design {
            weights: &ones,
            strata: None,
            clusters: None,
            population: None,
            lonely_psu: LonelyPsu::Fail,
        };
        let m = mean(&design, &r.score, None).expect("mean");
        let n = r.score.len() as f64;
        let average = r.score.iter().sum::<f64>() / n;
        let s2 = r.score.iter().map(|y| (y - average).powi(2)).sum::<f64>() / (n - 1.0);
        assert!((m.value - average).abs() < 1e-12);
        assert!((m.se - (s2 / n).sqrt()).abs() < 1e-12, "{m:?}");
        assert_eq!(m.df, n - 1.0);
    }

    #[test]
    fn renamed_strata_and_reordered_rows_change_nothing() {
        let r = respondents();
        let design = design_of(&r, "clusters_fpc");
        let before = mean(&design, &r.lonely, Some(&r.female)).expect("before");
        // Rows reversed; strata and PSUs given other numbers.
        let order: Vec<usize> = (0..r.weight.len()).rev().collect();
        let pick = |v: &[f64]| -> Vec<f64> { order.iter().map(|&i| v[i]).collect() };
        let weights = pick(&r.weight);
        let strata: Vec<u32> = order.iter().map(|&i| 90 - r.stratum[i]).collect();
        let psus: Vec<u32> = order.iter().map(|&i| r.psu[i] * 7 + 3).collect();
        let population = pick(&r.population);
        let female: Vec<bool> = order.iter().map(|&i| r.female[i]).collect();
        let after = mean(
            &Design {
                weights: &weights,
                strata: Some(&strata),
                clusters: Some(&psus),
                population: Some(&population),
                lonely_psu: LonelyPsu::Fail,
            },
            &pick(&r.lonely),
            Some(&female),
        )
        .expect("after");
        assert!((before.value - after.value).abs() < 1e-14);
        assert!((before.se - after.se).abs() < 1e-14 * before.se.max(1.0));
        assert_eq!(
            (before.df, before.respondents),
            (after.df, after.respondents)
        );
    }

    #[test]
    fn bad_designs_are_named() {
        let weights = [1.0, 2.0, 3.0];
        let one = [1_u32, 1, 2];
        let design = Design {
            weights: &weights,
            strata: Some(&one),
            clusters: None,
            population: None,
            lonely_psu: LonelyPsu::Fail,
        };
        let y = [1.0, 0.0, 1.0];
        let e = mean(&design, &y, None).expect_err("lonely");
        assert!(e.to_string().contains("stratum 2 has one PSU"), "{e}");
        let flat = Design {
            strata: None,
            ..design
        };
        let e = mean(&flat, &y[..2], None).expect_err("shape");
        assert!(e.to_string().contains("one entry per respondent"), "{e}");
        let zero = [1.0, 0.0, 3.0];
        let e = mean(
            &Design {
                weights: &zero,
                ..flat
            },
            &y,
            None,
        )
        .expect_err("weight");
        assert!(e.to_string().starts_with("weight = 0"), "{e}");
        let e = mean(&flat, &y, Some(&[false; 3])).expect_err("empty");
        assert!(e.to_string().contains("no respondent"), "{e}");
        let small = [1.0; 3];
        let fpc = Design {
            population: Some(&small),
            ..flat
        };
        let e = mean(&fpc, &y, None).expect_err("population");
        assert!(e.to_string().starts_with("population = 1"), "{e}");
    }
}
