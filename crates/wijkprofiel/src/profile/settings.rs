//! Build settings, one type filled from every source: a TOML file (`wijkprofiel build
//! --config region.toml`, [`Settings::read`]), the keyword arguments of the Python API as
//! JSON ([`Settings::from_json`]), or set field by field. Whatever is left out keeps the
//! default of [`Options::default`], the one place defaults are written.
//!
//! ```toml
//! years = [2023, 2024]               # default: every year with data
//! national_benchmark = "NL01"        # benchmark id in benchmarks.csv / benchmark_rates.csv
//! confidence = [0.95, 0.998]         # inner and outer level
//! language = "nl"                    # nl | en
//! map_colours = "judgement"          # judgement | value: what the pages' maps colour by
//! standard_population = "esp2013"    # or a CSV file (age_band,weight), relative to this file,
//!                                    # or a table of weights by age band: { "0-64" = 80, ... }
//!
//! [disclosure]                       # see Disclosure; loosening needs allow_loosening
//! min_count = 10
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{Disclosure, Language, MapColours, Options, ProfileBuilder};
use crate::AgeBand;
use crate::error::ProfileError;
use crate::stats::Confidence;
use crate::stats::standard::StandardPopulation;

/// Build settings as given; every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub years: Option<Vec<i32>>,
    pub national_benchmark: Option<String>,
    pub confidence: Option<(f64, f64)>,
    pub language: Option<Language>,
    pub map_colours: Option<MapColours>,
    pub standard_population: Option<StandardSetting>,
    pub disclosure: Option<Disclosure>,
}

/// The standard population as a setting.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StandardSetting {
    /// `esp2013`, or a CSV file (`age_band,weight`) relative to the settings file.
    Named(String),
    /// Weights by age band (e.g. the Dutch population on 1 January), named `given`.
    Weights(BTreeMap<String, f64>),
}

impl Settings {
    /// Reads a settings file into build options.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Io`] if a file cannot be read; [`ProfileError::Settings`] naming the
    /// file and the problem (TOML syntax, unknown keys, a confidence level outside (0, 1), a
    /// standard population that is not `esp2013`, a valid `age_band,weight` CSV or a table
    /// of weights by age band).
    ///
    /// # Examples
    ///
    /// ```
    /// let dir = std::env::temp_dir();
    /// let file = dir.join("wijkprofiel-settings-example.toml");
    /// std::fs::write(&file, "years = [2024]\nlanguage = \"en\"\n").unwrap();
    /// let options = wijkprofiel::profile::Settings::read(&file).unwrap();
    /// assert_eq!(options.years, vec![2024]);
    /// assert!(options.disclosure.enabled);
    /// ```
    pub fn read(path: &Path) -> Result<Options, ProfileError> {
        let io = |source| ProfileError::Io {
            path: path.to_owned(),
            source,
        };
        let text = std::fs::read_to_string(path).map_err(io)?;
        Self::from_toml(
            &text,
            &path.display().to_string(),
            path.parent().unwrap_or(Path::new(".")),
        )
    }

    /// Build options from the text of a settings file named `file`; a standard population
    /// file is read relative to `folder`.
    ///
    /// # Errors
    ///
    /// As [`Settings::read`], but for reading the settings file itself.
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::profile::Settings;
    /// let here = std::path::Path::new(".");
    /// let options = Settings::from_toml("years = [2024]", "region.toml", here).unwrap();
    /// assert_eq!(options.years, vec![2024]);
    /// assert!(Settings::from_toml("years = 2024", "region.toml", here).is_err());
    /// ```
    pub fn from_toml(text: &str, file: &str, folder: &Path) -> Result<Options, ProfileError> {
        let settings: Settings = toml::from_str(text).map_err(|e| ProfileError::Settings {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        settings.options(file, folder)
    }

    /// Build options from settings given as a JSON object (how the Python binding hands
    /// over its keyword arguments; `null` leaves a setting at its default). `origin` names
    /// where they came from in errors; a standard population file is read relative to the
    /// working directory.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Settings`] naming the setting and the problem; otherwise as
    /// [`Settings::read`].
    ///
    /// # Examples
    ///
    /// ```
    /// use wijkprofiel::profile::{Language, Settings};
    ///
    /// let options = Settings::from_json(r#"{"years": [2024], "language": "en"}"#, "here")?;
    /// assert_eq!((options.years, options.language), (vec![2024], Language::En));
    /// let e = Settings::from_json(r#"{"years": "2024"}"#, "build arguments").unwrap_err();
    /// assert!(e.to_string().starts_with("build arguments: `years`: invalid type"), "{e}");
    /// # Ok::<(), wijkprofiel::ProfileError>(())
    /// ```
    pub fn from_json(text: &str, origin: &str) -> Result<Options, ProfileError> {
        let problem = |message: String| ProfileError::Settings {
            file: origin.to_owned(),
            message,
        };
        let settings: Settings = match serde_json::from_str(text) {
            Ok(settings) => settings,
            Err(whole) => {
                // serde names the problem but not the setting: try each setting on its own.
                let value: serde_json::Value =
                    serde_json::from_str(text).map_err(|_| problem(whole.to_string()))?;
                let named = value.as_object().and_then(|object| {
                    object.iter().find_map(|(key, value)| {
                        let one = serde_json::Map::from_iter([(key.clone(), value.clone())]);
                        serde_json::from_value::<Settings>(one.into())
                            .err()
                            .map(|e| format!("`{key}`: {e}"))
                    })
                });
                return Err(problem(named.unwrap_or_else(|| whole.to_string())));
            }
        };
        settings.options(origin, Path::new("."))
    }

    /// The options these settings ask for, over [`Options::default`]; `base` resolves a
    /// standard population file.
    ///
    /// # Errors
    ///
    /// As [`Settings::read`].
    pub fn options(&self, file: &str, base: &Path) -> Result<Options, ProfileError> {
        let problem = |message: String| ProfileError::Settings {
            file: file.to_owned(),
            message,
        };
        // The builder's setters, so that a setting means the same from every source.
        let mut builder = ProfileBuilder::new();
        if let Some(years) = &self.years {
            builder = builder.years(years.iter().copied());
        }
        if let Some(id) = &self.national_benchmark {
            builder = builder.national_benchmark(id);
        }
        if let Some((inner, outer)) = self.confidence {
            let level = |l: f64| Confidence::new(l).map_err(|e| problem(e.to_string()));
            builder = builder.confidence(level(inner)?, level(outer)?);
        }
        if let Some(language) = self.language {
            builder = builder.language(language);
        }
        if let Some(colours) = self.map_colours {
            builder = builder.map_colours(colours);
        }
        if let Some(disclosure) = &self.disclosure {
            builder = builder.disclosure(disclosure.clone());
        }
        match &self.standard_population {
            None => {}
            Some(StandardSetting::Named(name)) if name.eq_ignore_ascii_case("esp2013") => {}
            Some(StandardSetting::Named(csv)) => {
                let path = base.join(csv);
                let text = std::fs::read_to_string(&path).map_err(|source| ProfileError::Io {
                    path: path.clone(),
                    source,
                })?;
                let standard = standard_from_csv(csv, &text).map_err(problem)?;
                builder = builder.standard_population(standard);
            }
            Some(StandardSetting::Weights(weights)) => {
                let standard = standard_from_weights(weights).map_err(problem)?;
                builder = builder.standard_population(standard);
            }
        }
        Ok(builder.options().clone())
    }
}

/// A standard population named `given` from weights by age band.
fn standard_from_weights(weights: &BTreeMap<String, f64>) -> Result<StandardPopulation, String> {
    let mut bands = Vec::new();
    for (band, &weight) in weights {
        let parsed: AgeBand = band
            .parse()
            .map_err(|e| format!("`standard_population`: band `{band}`: {e}"))?;
        bands.push((parsed, weight));
    }
    StandardPopulation::new("given", bands).map_err(|e| format!("`standard_population`: {e}"))
}

/// A standard population from `age_band,weight` lines (a header, `#` comments).
fn standard_from_csv(name: &str, text: &str) -> Result<StandardPopulation, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    match lines.next() {
        Some((_, header)) if header.replace(' ', "") == "age_band,weight" => {}
        _ => return Err(format!("{name}: the header must be `age_band,weight`")),
    }
    let mut bands = Vec::new();
    for (i, line) in lines {
        let at = || format!("{name}, line {}", i + 1);
        let (band, weight) = line
            .split_once(',')
            .ok_or_else(|| format!("{}: expected `age_band,weight`", at()))?;
        let band = band.trim().parse().map_err(|e| format!("{}: {e}", at()))?;
        let weight: f64 = weight
            .trim()
            .parse()
            .map_err(|_| format!("{}: weight `{}` is not a number", at(), weight.trim()))?;
        bands.push((band, weight));
    }
    StandardPopulation::new(name, bands).map_err(|e| format!("{name}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_and_fail_clearly() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("nl2021.csv"),
            "# Dutch standard\nage_band,weight\n0-64,80\n65+,20\n",
        )
        .unwrap();
        let file = dir.path().join("region.toml");
        std::fs::write(
            &file,
            "confidence = [0.9, 0.99]\nstandard_population = \"nl2021.csv\"\n\
             [disclosure]\nmin_count = 5\n",
        )
        .unwrap();
        let options = Settings::read(&file).unwrap();
        assert_eq!(options.standard.len(), 2);
        assert!((options.confidence.0.level() - 0.9).abs() < 1e-12);
        assert_eq!(options.disclosure.min_count, 5.0);
        assert!(
            options.disclosure.enabled,
            "other disclosure fields keep their safe default"
        );

        std::fs::write(&file, "colour = \"red\"\n").unwrap();
        let e = Settings::read(&file).unwrap_err().to_string();
        assert!(e.contains("region.toml") && e.contains("colour"), "{e}");
        std::fs::write(&file, "confidence = [0.95, 1.5]\n").unwrap();
        assert!(
            Settings::read(&file)
                .unwrap_err()
                .to_string()
                .contains("1.5")
        );
        std::fs::write(&file, "standard_population = \"nl2021.csv\"\n").unwrap();
        std::fs::write(dir.path().join("nl2021.csv"), "age_band,weight\n0-64,x\n").unwrap();
        let e = Settings::read(&file).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("`x`"), "{e}");
        std::fs::write(&file, "standard_population = \"none.csv\"\n").unwrap();
        assert!(matches!(
            Settings::read(&file),
            Err(ProfileError::Io { .. })
        ));
    }

    #[test]
    fn every_source_fills_the_same_options() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("region.toml");
        std::fs::write(
            &file,
            "years = [2024, 2023, 2024]\nlanguage = \"en\"\n\
             standard_population = { \"0-64\" = 80, \"65+\" = 20 }\n\
             [disclosure]\nround_to = 5\n",
        )
        .unwrap();
        let from_toml = Settings::read(&file).unwrap();
        let json = r#"{"years": [2024, 2023], "language": "en", "national_benchmark": null,
            "standard_population": {"0-64": 80.0, "65+": 20.0},
            "disclosure": {"round_to": 5}}"#;
        let from_json = Settings::from_json(json, "arguments").unwrap();
        assert_eq!(from_toml, from_json);
        assert_eq!(from_json.years, vec![2023, 2024]);
        assert_eq!(from_json.standard.name(), "given");
        assert_eq!(
            from_json.national,
            Options::default().national,
            "null is the default"
        );
        assert_eq!(Settings::from_json("{}", "x").unwrap(), Options::default());
    }

    #[test]
    fn settings_given_as_json_name_the_setting_in_error() {
        let fails = |json: &str| {
            Settings::from_json(json, "arguments")
                .unwrap_err()
                .to_string()
        };
        let e = fails(r#"{"language": "en", "years": [1099511627776]}"#);
        assert!(e.starts_with("arguments: `years`: invalid value"), "{e}");
        let e = fails(r#"{"language": "fr"}"#);
        assert!(e.contains("`language`: unknown language `fr`"), "{e}");
        let e = fails(r#"{"disclosure": {"colour": "red"}}"#);
        assert!(e.contains("`disclosure`") && e.contains("colour"), "{e}");
        let e = fails(r#"{"standard_population": {"old": 1.0}}"#);
        assert!(e.contains("`standard_population`: band `old`"), "{e}");
        let e = fails(r#"{"shade": 1}"#);
        assert!(e.contains("`shade`"), "{e}");
        assert!(fails("[1]").starts_with("arguments: "));
    }
}
