//! Build settings from a TOML file (`wijkprofiel build --config region.toml`).
//!
//! ```toml
//! years = [2023, 2024]               # default: every year with data
//! national_benchmark = "NL01"        # benchmark id in benchmarks.csv / benchmark_rates.csv
//! confidence = [0.95, 0.998]         # inner and outer level
//! language = "nl"                    # nl | en
//! standard_population = "esp2013"    # or a CSV file (age_band,weight), relative to this file
//!
//! [disclosure]                       # see Disclosure; loosening needs allow_loosening
//! min_count = 10
//! ```

use std::path::Path;

use serde::Deserialize;

use super::{Disclosure, Language, Options};
use crate::error::ProfileError;
use crate::stats::Confidence;
use crate::stats::standard::StandardPopulation;

/// The settings file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub years: Vec<i32>,
    pub national_benchmark: Option<String>,
    pub confidence: Option<(f64, f64)>,
    pub language: Option<Language>,
    pub standard_population: Option<String>,
    pub disclosure: Option<Disclosure>,
}

impl Settings {
    /// Reads a settings file into build options.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Io`] if a file cannot be read; [`ProfileError::Settings`] naming the
    /// file and the problem (TOML syntax, unknown keys, a confidence level outside (0, 1), a
    /// standard population that is not `esp2013` or a valid `age_band,weight` CSV).
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
        let file = path.display().to_string();
        let settings: Settings = toml::from_str(&text).map_err(|e| ProfileError::Settings {
            file: file.clone(),
            message: e.to_string(),
        })?;
        settings.options(&file, path.parent().unwrap_or(Path::new(".")))
    }

    /// The options these settings ask for; `base` resolves a standard population file.
    ///
    /// # Errors
    ///
    /// As [`Settings::read`].
    pub fn options(&self, file: &str, base: &Path) -> Result<Options, ProfileError> {
        let problem = |message: String| ProfileError::Settings {
            file: file.to_owned(),
            message,
        };
        let mut options = Options::default();
        options.years.clone_from(&self.years);
        options.years.sort_unstable();
        options.years.dedup();
        if let Some(id) = &self.national_benchmark {
            options.national.clone_from(id);
        }
        if let Some((inner, outer)) = self.confidence {
            let level = |l: f64| Confidence::new(l).map_err(|e| problem(e.to_string()));
            options.confidence = (level(inner)?, level(outer)?);
        }
        if let Some(language) = self.language {
            options.language = language;
        }
        if let Some(disclosure) = &self.disclosure {
            options.disclosure.clone_from(disclosure);
        }
        match self.standard_population.as_deref() {
            None | Some("esp2013" | "ESP2013") => {}
            Some(csv) => {
                let path = base.join(csv);
                let text = std::fs::read_to_string(&path).map_err(|source| ProfileError::Io {
                    path: path.clone(),
                    source,
                })?;
                options.standard = standard_from_csv(csv, &text).map_err(problem)?;
            }
        }
        Ok(options)
    }
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
}
