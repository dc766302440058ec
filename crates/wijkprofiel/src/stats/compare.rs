//! Comparison with a benchmark (parent area, region, Nederland) and the judgement by polarity.

use super::Estimate;
use serde::{Deserialize, Serialize};

/// Which direction is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Polarity {
    /// Higher values are better (e.g. good self-rated health).
    HigherBetter,
    /// Lower values are better (e.g. smoking).
    LowerBetter,
    /// Differences are shown as higher/lower without a judgement (e.g. informal care).
    NoJudgement,
    /// Not compared with benchmarks at all (context figures).
    NotCompared,
}

impl Polarity {
    /// The name used in the catalogue.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HigherBetter => "higher-better",
            Self::LowerBetter => "lower-better",
            Self::NoJudgement => "no-judgement",
            Self::NotCompared => "not-compared",
        }
    }
}

/// Where an area stands against a benchmark, by its confidence intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Significance {
    /// The benchmark lies above the area's interval; `at_998` when also above its 99.8% one.
    Lower { at_998: bool },
    /// The benchmark lies inside the area's 95% interval.
    Similar,
    /// The benchmark lies below the area's interval; `at_998` when also below its 99.8% one.
    Higher { at_998: bool },
}

/// The label a profile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Judgement {
    /// Better at 99.8%.
    Best,
    /// Better at 95%.
    Better,
    Similar,
    /// Worse at 95%.
    Worse,
    /// Worse at 99.8%.
    Worst,
    /// Higher, without judgement.
    Higher,
    /// Lower, without judgement.
    Lower,
    /// The indicator is not compared.
    NotCompared,
    /// No value (withheld, suppressed or missing), so no comparison.
    NotAvailable,
}

impl Judgement {
    /// The label as in serialised output: `best`, `worse`, `not-available`...
    pub const fn label(self) -> &'static str {
        match self {
            Self::Best => "best",
            Self::Better => "better",
            Self::Similar => "similar",
            Self::Worse => "worse",
            Self::Worst => "worst",
            Self::Higher => "higher",
            Self::Lower => "lower",
            Self::NotCompared => "not-compared",
            Self::NotAvailable => "not-available",
        }
    }
}

/// The area against a benchmark value: the benchmark inside the area's 95% interval is
/// similar; outside it the area is higher or lower, and `at_998` says whether the benchmark is
/// also outside the 99.8% interval (when given). An interval touching the benchmark counts
/// as similar.
///
/// # Examples
///
/// ```
/// use wijkprofiel::Polarity;
/// use wijkprofiel::stats::{Estimate, compare::{Judgement, Significance, significance}};
/// let e95 = Estimate { value: 0.30, lower: 0.25, upper: 0.35 };
/// let e998 = Estimate { value: 0.30, lower: 0.22, upper: 0.38 };
/// let s = significance(&e95, Some(&e998), 0.24);
/// assert_eq!(s, Significance::Higher { at_998: false });
/// assert_eq!(s.judge(Polarity::LowerBetter), Judgement::Worse);
/// assert_eq!(significance(&e95, Some(&e998), 0.20).judge(Polarity::HigherBetter), Judgement::Best);
/// ```
pub fn significance(area95: &Estimate, area998: Option<&Estimate>, benchmark: f64) -> Significance {
    if benchmark < area95.lower {
        Significance::Higher {
            at_998: area998.is_some_and(|e| benchmark < e.lower),
        }
    } else if benchmark > area95.upper {
        Significance::Lower {
            at_998: area998.is_some_and(|e| benchmark > e.upper),
        }
    } else {
        Significance::Similar
    }
}

/// The alternative test by overlap of the two intervals: similar when they overlap (or
/// touch), else higher or lower. More conservative than [`significance`]; never `at_998`.
pub fn overlap(area: &Estimate, benchmark: &Estimate) -> Significance {
    if area.lower > benchmark.upper {
        Significance::Higher { at_998: false }
    } else if area.upper < benchmark.lower {
        Significance::Lower { at_998: false }
    } else {
        Significance::Similar
    }
}

impl Significance {
    /// A short label: `higher-99.8`, `higher-95`, `similar`, `lower-95`, `lower-99.8`.
    pub fn label(self) -> &'static str {
        match self {
            Significance::Higher { at_998: true } => "higher-99.8",
            Significance::Higher { at_998: false } => "higher-95",
            Significance::Similar => "similar",
            Significance::Lower { at_998: false } => "lower-95",
            Significance::Lower { at_998: true } => "lower-99.8",
        }
    }

    /// The label under the indicator's polarity.
    pub fn judge(self, polarity: Polarity) -> Judgement {
        use Significance::{Higher, Lower, Similar};
        match (polarity, self) {
            (Polarity::NotCompared, _) => Judgement::NotCompared,
            (_, Similar) => Judgement::Similar,
            (Polarity::NoJudgement, Higher { .. }) => Judgement::Higher,
            (Polarity::NoJudgement, Lower { .. }) => Judgement::Lower,
            (Polarity::HigherBetter, Higher { at_998 })
            | (Polarity::LowerBetter, Lower { at_998 }) => {
                if at_998 {
                    Judgement::Best
                } else {
                    Judgement::Better
                }
            }
            (Polarity::HigherBetter, Lower { at_998 })
            | (Polarity::LowerBetter, Higher { at_998 }) => {
                if at_998 {
                    Judgement::Worst
                } else {
                    Judgement::Worse
                }
            }
        }
    }
}

/// The label for an area that may have no value: [`Judgement::NotAvailable`] without one.
pub fn judge(
    area95: Option<&Estimate>,
    area998: Option<&Estimate>,
    benchmark: Option<f64>,
    polarity: Polarity,
) -> Judgement {
    if polarity == Polarity::NotCompared {
        return Judgement::NotCompared;
    }
    match (area95, benchmark) {
        (Some(e), Some(b)) if b.is_finite() => significance(e, area998, b).judge(polarity),
        _ => Judgement::NotAvailable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const E95: Estimate = Estimate {
        value: 10.0,
        lower: 8.0,
        upper: 12.0,
    };
    const E998: Estimate = Estimate {
        value: 10.0,
        lower: 7.0,
        upper: 13.0,
    };

    #[test]
    fn every_label_by_polarity() {
        let cases = [
            (5.0, Polarity::HigherBetter, Judgement::Best),
            (7.5, Polarity::HigherBetter, Judgement::Better),
            (8.0, Polarity::HigherBetter, Judgement::Similar),
            (12.5, Polarity::HigherBetter, Judgement::Worse),
            (14.0, Polarity::HigherBetter, Judgement::Worst),
            (5.0, Polarity::LowerBetter, Judgement::Worst),
            (7.5, Polarity::LowerBetter, Judgement::Worse),
            (12.5, Polarity::LowerBetter, Judgement::Better),
            (14.0, Polarity::LowerBetter, Judgement::Best),
            (5.0, Polarity::NoJudgement, Judgement::Higher),
            (14.0, Polarity::NoJudgement, Judgement::Lower),
            (10.0, Polarity::NoJudgement, Judgement::Similar),
            (5.0, Polarity::NotCompared, Judgement::NotCompared),
        ];
        for (benchmark, polarity, expected) in cases {
            assert_eq!(
                judge(Some(&E95), Some(&E998), Some(benchmark), polarity),
                expected,
                "{benchmark} {polarity:?}"
            );
        }
        // Without a 99.8% interval there is no best or worst.
        assert_eq!(
            judge(Some(&E95), None, Some(5.0), Polarity::HigherBetter),
            Judgement::Better
        );
        assert_eq!(
            judge(None, None, Some(5.0), Polarity::HigherBetter),
            Judgement::NotAvailable
        );
    }

    #[test]
    fn labels_are_the_serialised_names() {
        use Judgement as J;
        for j in [
            J::Best,
            J::Better,
            J::Similar,
            J::Worse,
            J::Worst,
            J::Higher,
            J::Lower,
            J::NotCompared,
            J::NotAvailable,
        ] {
            let json = serde_json::to_string(&j).unwrap();
            assert_eq!(json, format!("\"{}\"", j.label()));
        }
    }

    #[test]
    fn overlap_is_more_conservative() {
        let benchmark = Estimate {
            value: 6.0,
            lower: 5.0,
            upper: 7.9,
        };
        assert_eq!(
            significance(&E95, None, benchmark.value),
            Significance::Higher { at_998: false }
        );
        assert_eq!(
            overlap(&E95, &benchmark),
            Significance::Higher { at_998: false }
        );
        let wide = Estimate {
            upper: 8.5,
            ..benchmark
        };
        assert_eq!(overlap(&E95, &wide), Significance::Similar);
        assert_eq!(overlap(&wide, &E95), Significance::Similar);
    }
}
