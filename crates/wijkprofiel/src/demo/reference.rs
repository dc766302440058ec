//! Published national figures that drive the demo data, and the demo catalogue.
//!
//! Sources (public): CBS population 1 January 2021 by 5-year band; Nivel Zorgregistraties
//! Eerste Lijn prevalence per 1,000 listed patients (diabetes T90 by age and sex, 2017;
//! depression P76 by age and sex, 2019; national totals of the other conditions, 2019–2021);
//! GGD Gezondheidsmonitor 2020/2022 national percentages (18+).

use crate::AgeBand;

/// The demo's 19 age bands, those of the European Standard Population 2013.
pub(crate) const BANDS: [AgeBand; 19] = {
    let mut bands = [AgeBand::open(90); 19];
    let mut i = 0;
    while i < 18 {
        let lower = (i * 5) as u8;
        bands[i] = AgeBand::closed(lower, lower + 4);
        i += 1;
    }
    bands
};

/// Middle age of each band (92 for 90+).
pub(crate) fn band_mid(i: usize) -> f64 {
    (i * 5) as f64 + 2.0
}

/// Dutch residents 1 January 2021 (CBS), men and women, 19 bands (90-94 and 95+ joined).
pub(crate) const NL_MEN: [f64; 19] = [
    439_470.0, 461_325.0, 488_720.0, 527_555.0, 563_090.0, 575_300.0, 570_220.0, 530_145.0,
    515_900.0, 562_855.0, 644_780.0, 633_875.0, 566_715.0, 496_080.0, 474_015.0, 303_640.0,
    196_100.0, 97_305.0, 37_780.0,
];
pub(crate) const NL_WOMEN: [f64; 19] = [
    418_070.0, 438_440.0, 465_505.0, 504_105.0, 544_045.0, 557_230.0, 555_970.0, 523_720.0,
    517_400.0, 569_555.0, 641_190.0, 629_535.0, 570_855.0, 507_595.0, 496_960.0, 340_390.0,
    252_995.0, 160_500.0, 93_935.0,
];

/// Diabetes T90 per 1,000 by band (85+ repeated for 85-89 and 90+), Nivel 2017.
const DIABETES_MEN: [f64; 19] = [
    1.0, 2.5, 3.7, 5.3, 6.4, 7.3, 10.2, 16.0, 29.5, 46.6, 70.0, 104.8, 144.1, 189.8, 228.8, 257.4,
    267.5, 262.3, 262.3,
];
const DIABETES_WOMEN: [f64; 19] = [
    1.1, 1.7, 3.7, 5.9, 7.1, 8.2, 9.6, 15.2, 23.1, 35.8, 54.1, 78.5, 109.6, 140.7, 182.6, 218.8,
    254.8, 251.1, 251.1,
];
/// Depression P76 per 1,000 by band, Nivel 2019.
const DEPRESSION_MEN: [f64; 19] = [
    0.1, 0.2, 1.3, 7.8, 19.1, 22.6, 21.6, 24.5, 27.1, 28.5, 31.3, 34.6, 35.4, 29.0, 24.7, 22.4,
    25.6, 26.0, 26.0,
];
const DEPRESSION_WOMEN: [f64; 19] = [
    0.1, 0.2, 2.6, 18.4, 34.6, 42.0, 47.6, 49.0, 51.9, 52.8, 56.7, 58.8, 55.5, 49.3, 45.9, 46.7,
    49.1, 44.0, 44.0,
];

/// The shape of a condition's prevalence over age, before scaling to the national figure.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Curve {
    /// Published age–sex curve (men, women).
    Published(&'static [f64; 19], &'static [f64; 19]),
    /// `exp(slope × (age − 50))` from `from_age` on, a small floor before.
    Exponential { slope: f64, from_age: f64 },
    /// Asthma: high in childhood, level in adulthood.
    Asthma,
    /// Anxiety: a broad peak in young and middle adulthood.
    Anxiety,
    /// Hypertension: a logistic rise around age 60.
    Logistic { middle: f64, width: f64 },
}

impl Curve {
    fn shape(self, band: usize, female: bool) -> f64 {
        let age = band_mid(band);
        match self {
            Self::Published(men, women) => {
                if female {
                    women[band]
                } else {
                    men[band]
                }
            }
            Self::Exponential { slope, from_age } => {
                if age < from_age {
                    0.02
                } else {
                    (slope * (age - 50.0)).exp()
                }
            }
            Self::Asthma => {
                let childhood = if age < 15.0 {
                    if female { 1.2 } else { 1.8 }
                } else {
                    0.0
                };
                childhood + 1.0 + 0.004 * age
            }
            Self::Anxiety => {
                let z = (age - 38.0) / 20.0;
                0.15 + (-0.5 * z * z).exp()
            }
            Self::Logistic { middle, width } => 1.0 / (1.0 + (-(age - middle) / width).exp()),
        }
    }
}

/// A GP condition of the demo.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GpCondition {
    pub(crate) id: &'static str,
    pub(crate) label_nl: &'static str,
    pub(crate) label_en: &'static str,
    pub(crate) theme: &'static str,
    pub(crate) icpc: &'static [&'static str],
    pub(crate) zorgprevalentie: bool,
    /// National prevalence per 1,000 (men, women) in `year`.
    pub(crate) national: (f64, f64),
    pub(crate) year: i32,
    pub(crate) curve: Curve,
    /// Relative change per year.
    pub(crate) trend: f64,
    /// Log-rate change per standard deviation of deprivation.
    pub(crate) deprivation: f64,
    /// Log-rate effect in the student wijk and the elderly village.
    pub(crate) student: f64,
    pub(crate) elderly: f64,
}

impl GpCondition {
    /// Prevalence per 1,000 by band for one sex in `year`, scaled so that the crude national
    /// figure equals the published one.
    pub(crate) fn rates(&self, female: bool, year: i32) -> [f64; 19] {
        let pop = if female { &NL_WOMEN } else { &NL_MEN };
        let target = if female {
            self.national.1
        } else {
            self.national.0
        };
        let shape: Vec<f64> = (0..19).map(|b| self.curve.shape(b, female)).collect();
        let crude =
            shape.iter().zip(pop).map(|(s, n)| s * n).sum::<f64>() / pop.iter().sum::<f64>();
        let drift = (1.0 + self.trend).powi(year - self.year);
        let mut out = [0.0; 19];
        for (b, s) in shape.iter().enumerate() {
            out[b] = (s * target / crude * drift).min(900.0);
        }
        out
    }
}

pub(crate) const GP: [GpCondition; 7] = [
    GpCondition {
        id: "gp_diabetes",
        label_nl: "Diabetes mellitus (T90)",
        label_en: "Diabetes mellitus (T90)",
        theme: "chronic",
        icpc: &["T90"],
        zorgprevalentie: false,
        national: (70.3, 61.1),
        year: 2020,
        curve: Curve::Published(&DIABETES_MEN, &DIABETES_WOMEN),
        trend: 0.015,
        deprivation: 0.22,
        student: 0.3,
        elderly: -0.2,
    },
    GpCondition {
        id: "gp_copd",
        label_nl: "COPD (R91, R95)",
        label_en: "COPD (R91, R95)",
        theme: "chronic",
        icpc: &["R91", "R95"],
        zorgprevalentie: false,
        national: (31.0, 31.2),
        year: 2021,
        curve: Curve::Exponential {
            slope: 0.075,
            from_age: 35.0,
        },
        trend: 0.0,
        deprivation: 0.35,
        student: 0.25,
        elderly: -0.2,
    },
    GpCondition {
        id: "gp_astma",
        label_nl: "Astma (R96)",
        label_en: "Asthma (R96)",
        theme: "chronic",
        icpc: &["R96"],
        zorgprevalentie: true,
        national: (25.6, 33.4),
        year: 2021,
        curve: Curve::Asthma,
        trend: 0.005,
        deprivation: 0.12,
        student: 0.0,
        elderly: -0.05,
    },
    GpCondition {
        id: "gp_depressie",
        label_nl: "Depressie (P76)",
        label_en: "Depression (P76)",
        theme: "mental",
        icpc: &["P76"],
        zorgprevalentie: false,
        national: (22.0, 40.0),
        year: 2019,
        curve: Curve::Published(&DEPRESSION_MEN, &DEPRESSION_WOMEN),
        trend: 0.02,
        deprivation: 0.2,
        student: 0.35,
        elderly: -0.15,
    },
    GpCondition {
        id: "gp_angst",
        label_nl: "Angststoornis (P74, P79)",
        label_en: "Anxiety disorder (P74, P79)",
        theme: "mental",
        icpc: &["P74", "P79"],
        zorgprevalentie: false,
        national: (18.0, 36.7),
        year: 2020,
        curve: Curve::Anxiety,
        trend: 0.04,
        deprivation: 0.18,
        student: 0.35,
        elderly: -0.1,
    },
    GpCondition {
        id: "gp_hartfalen",
        label_nl: "Hartfalen (K77)",
        label_en: "Heart failure (K77)",
        theme: "chronic",
        icpc: &["K77"],
        zorgprevalentie: false,
        national: (13.3, 14.2),
        year: 2021,
        curve: Curve::Exponential {
            slope: 0.11,
            from_age: 45.0,
        },
        trend: 0.0,
        deprivation: 0.15,
        student: 0.2,
        elderly: -0.2,
    },
    GpCondition {
        id: "gp_hypertensie",
        label_nl: "Hypertensie (K86, K87)",
        label_en: "Hypertension (K86, K87)",
        theme: "chronic",
        icpc: &["K86", "K87"],
        zorgprevalentie: false,
        national: (155.0, 165.0),
        year: 2021,
        curve: Curve::Logistic {
            middle: 62.0,
            width: 9.0,
        },
        trend: 0.01,
        deprivation: 0.12,
        student: 0.2,
        elderly: -0.2,
    },
];

/// A GGD health-monitor indicator of the demo (percent of adults).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GgdIndicator {
    pub(crate) id: &'static str,
    pub(crate) label_nl: &'static str,
    pub(crate) label_en: &'static str,
    pub(crate) theme: &'static str,
    pub(crate) polarity: &'static str,
    /// National percentage (18+) in 2020, 2022 and 2024.
    pub(crate) national: [f64; 3],
    /// Logit offsets of ages 18-64 and 65+ from 18+.
    pub(crate) ages: (f64, f64),
    /// Logit change per standard deviation of deprivation.
    pub(crate) deprivation: f64,
    pub(crate) student: f64,
    pub(crate) elderly: f64,
}

pub(crate) const GGD_YEARS: [i32; 3] = [2020, 2022, 2024];

macro_rules! ggd {
    ($id:literal, $nl:literal, $en:literal, $theme:literal, $pol:literal, $nat:expr, $ages:expr, $dep:literal, $stu:literal, $eld:literal) => {
        GgdIndicator {
            id: $id,
            label_nl: $nl,
            label_en: $en,
            theme: $theme,
            polarity: $pol,
            national: $nat,
            ages: $ages,
            deprivation: $dep,
            student: $stu,
            elderly: $eld,
        }
    };
}

pub(crate) const GGD: [GgdIndicator; 13] = [
    ggd!(
        "ggd_ervaren_gezondheid",
        "Ervaren gezondheid (zeer) goed",
        "Good or very good self-rated health",
        "health",
        "higher-better",
        [79.1, 76.5, 77.0],
        (0.3, -0.6),
        -0.3,
        -0.1,
        0.2
    ),
    ggd!(
        "ggd_langdurige_aandoening",
        "Een of meer langdurige aandoeningen",
        "One or more long-term conditions",
        "health",
        "lower-better",
        [32.2, 33.0, 33.5],
        (-0.35, 0.8),
        0.15,
        -0.2,
        -0.2
    ),
    ggd!(
        "ggd_beperking",
        "Lichamelijke beperking",
        "Physical limitation",
        "health",
        "lower-better",
        [14.5, 14.8, 15.0],
        (-0.8, 0.9),
        0.3,
        0.0,
        -0.2
    ),
    ggd!(
        "ggd_overgewicht",
        "Overgewicht (BMI ≥ 25)",
        "Overweight (BMI ≥ 25)",
        "overweight",
        "lower-better",
        [49.4, 50.0, 50.5],
        (-0.1, 0.3),
        0.25,
        -0.6,
        0.0
    ),
    ggd!(
        "ggd_obesitas",
        "Obesitas (BMI ≥ 30)",
        "Obesity (BMI ≥ 30)",
        "overweight",
        "lower-better",
        [14.7, 15.2, 15.6],
        (0.0, 0.05),
        0.35,
        -0.5,
        -0.1
    ),
    ggd!(
        "ggd_roker",
        "Rookt",
        "Smoker",
        "lifestyle",
        "lower-better",
        [16.7, 15.9, 15.2],
        (0.2, -0.5),
        0.35,
        0.2,
        -0.3
    ),
    ggd!(
        "ggd_alcohol_richtlijn",
        "Voldoet aan alcoholrichtlijn",
        "Meets alcohol guideline",
        "lifestyle",
        "higher-better",
        [43.4, 44.2, 45.0],
        (-0.1, 0.1),
        0.1,
        -0.8,
        0.0
    ),
    ggd!(
        "ggd_overmatig_drinker",
        "Overmatige drinker",
        "Excessive drinker",
        "lifestyle",
        "lower-better",
        [7.3, 6.7, 6.0],
        (0.1, -0.3),
        -0.05,
        0.9,
        0.0
    ),
    ggd!(
        "ggd_eenzaam",
        "Eenzaam",
        "Lonely",
        "loneliness",
        "lower-better",
        [46.6, 48.0, 47.5],
        (-0.05, 0.1),
        0.25,
        0.45,
        0.0
    ),
    ggd!(
        "ggd_ernstig_eenzaam",
        "Ernstig eenzaam",
        "Severely lonely",
        "loneliness",
        "lower-better",
        [11.0, 12.0, 11.8],
        (0.05, -0.1),
        0.35,
        0.4,
        -0.1
    ),
    ggd!(
        "ggd_angst_depressie",
        "Hoog risico op angststoornis of depressie",
        "High risk of anxiety or depression",
        "mental",
        "lower-better",
        [6.0, 10.0, 9.5],
        (0.15, -0.4),
        0.35,
        0.7,
        -0.2
    ),
    ggd!(
        "ggd_mantelzorger",
        "Mantelzorger",
        "Informal carer",
        "care",
        "no-judgement",
        [13.5, 14.0, 14.5],
        (0.05, -0.05),
        0.0,
        -0.9,
        0.1
    ),
    ggd!(
        "ggd_moeite_rondkomen",
        "Moeite met rondkomen",
        "Difficulty making ends meet",
        "income",
        "lower-better",
        [20.5, 20.5, 19.0],
        (0.1, -0.3),
        0.55,
        0.6,
        -0.3
    ),
];

/// Themes of the demo catalogue: id, Dutch label, English label.
pub(crate) const THEMES: [(&str, &str, &str); 9] = [
    (
        "health",
        "Ervaren gezondheid en beperkingen",
        "Self-rated health and limitations",
    ),
    ("chronic", "Chronische aandoeningen", "Chronic conditions"),
    ("mental", "Mentale gezondheid", "Mental health"),
    ("loneliness", "Eenzaamheid", "Loneliness"),
    ("overweight", "Overgewicht", "Overweight"),
    ("lifestyle", "Leefstijl", "Lifestyle"),
    ("income", "Bestaanszekerheid", "Financial security"),
    ("care", "Mantelzorg", "Informal care"),
    ("population", "Bevolking", "Population"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_the_esp_bands() {
        let names: Vec<String> = BANDS.iter().map(ToString::to_string).collect();
        assert_eq!(names[0], "0-4");
        assert_eq!(names[17], "85-89");
        assert_eq!(names[18], "90+");
        assert!(crate::age_band::check_tiling(&BANDS).is_ok());
    }

    #[test]
    fn curves_reproduce_the_national_crude_rate() {
        for condition in GP {
            for (female, pop, target) in [
                (false, &NL_MEN, condition.national.0),
                (true, &NL_WOMEN, condition.national.1),
            ] {
                let rates = condition.rates(female, condition.year);
                let crude = rates.iter().zip(pop).map(|(r, n)| r * n).sum::<f64>()
                    / pop.iter().sum::<f64>();
                assert!(
                    (crude - target).abs() < 1e-9,
                    "{} {female}: {crude}",
                    condition.id
                );
                let peak = rates.iter().copied().fold(0.0, f64::max);
                assert!(rates[0] < peak, "{} is highest in infancy", condition.id);
            }
        }
    }
}
