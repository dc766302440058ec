//! Profiles: every figure of every area (buurt, wijk, gemeente, region), compared with its
//! parent, the region and the national reference, with its context, priority themes and
//! social map.
//!
//! - [`ProfileBuilder`]: the options (years, standard population, national benchmark,
//!   confidence levels, disclosure, language) and [`ProfileBuilder::build`].
//! - [`Profiles`]: the result; [`Profiles::document`] for one area (JSON for services),
//!   [`Profiles::table`] for the tidy long table, [`mod@write`] for the batch outputs; the
//!   code that renders and writes is in [`crate::output`].
//! - How a figure is made: [`Figure`], [`Method`], [`Mode`]; `docs/outputs.md` documents
//!   every output column and field.
//!
//! # Examples
//!
//! ```
//! use wijkprofiel::{Region, profile::ProfileBuilder};
//!
//! let region = Region::demo()?;
//! let profiles = ProfileBuilder::new().build(&region)?;
//! let doc = profiles.document("WK990100").expect("a demo wijk");
//! assert_eq!(doc.area.name, "Centrum");
//! assert!(doc.dataset.synthetic);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(test)]
mod custom_tests;
mod disclosure;
pub(crate) mod figure;
mod ggd;
mod gp;
mod hierarchy;
mod monitor;
pub(crate) mod numbers;
pub use monitor::{Estimate, Group};
mod placement;
mod population;
pub(crate) mod priorities;
mod reference;
mod settings;
mod social_map;
mod standing;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::ops::Range;

use geo::{Area as _, GeodesicArea as _};
use rayon::prelude::*;
use serde::Serialize;

pub use crate::cube::Cells;
/// The outputs' names at their earlier paths; the code is in [`crate::output`].
pub use crate::output::{AreaDocument, SCHEMA_VERSION, escape_html, page_file, write};
pub use disclosure::{
    Disclosure, Limits, Protection, Rounding, Thresholds, Withheld, WithheldCounts,
};
pub use figure::{
    Comparison, Figure, Intervals, Method, Mode, Reason, Standing, Status, Suppression, TrendFigure,
};
pub use gp::{Coverage, CoverageBand};
pub use population::{Context, PyramidBar};
pub use priorities::ThemeRank;
pub use settings::{Settings, StandardSetting};
pub use social_map::{ProjectEntry, ProviderEntry, SocialMap, TRIANGLE};

use crate::error::ProfileError;
use crate::progress::{Done, Meter, Phase, Progress, Silent};
use crate::stats::Confidence;
use crate::stats::standard::StandardPopulation;
use crate::{Area, Catalogue, Crs, Dataset, Level, Region, Source};
use hierarchy::Hierarchy;
use placement::Locator;
use population::Residents;
use reference::Reference;
use social_map::Placed;

/// The language of labels in outputs: `nl` (the default) or `en`.
///
/// ```
/// use wijkprofiel::profile::Language;
/// assert_eq!("en".parse(), Ok(Language::En));
/// assert_eq!(
///     "fr".parse::<Language>().unwrap_err(),
///     "unknown language `fr`, expected `nl` or `en`"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Language {
    #[default]
    Nl,
    En,
}

impl Language {
    /// The Dutch or the English text, in this language.
    pub(crate) fn pick<'a>(self, nl: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Nl => nl,
            Self::En => en,
        }
    }
}

/// What the pages' maps colour each area by: its judgement against the Netherlands (better,
/// similar, worse; the default), or its value in five equal classes.
///
/// ```
/// use wijkprofiel::profile::MapColours;
/// assert_eq!("value".parse(), Ok(MapColours::Value));
/// assert!("colour".parse::<MapColours>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum MapColours {
    #[default]
    Judgement,
    Value,
}

impl std::str::FromStr for MapColours {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "judgement" => Ok(Self::Judgement),
            "value" => Ok(Self::Value),
            other => Err(format!(
                "unknown map colouring `{other}`, expected `judgement` or `value`"
            )),
        }
    }
}

impl TryFrom<String> for MapColours {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "nl" => Ok(Self::Nl),
            "en" => Ok(Self::En),
            other => Err(format!("unknown language `{other}`, expected `nl` or `en`")),
        }
    }
}

impl TryFrom<String> for Language {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

/// The options of a build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Options {
    /// Years to build; all years with data when empty.
    pub years: Vec<i32>,
    /// Standard population of directly standardised figures.
    #[serde(serialize_with = "standard_name")]
    pub standard: StandardPopulation,
    /// Benchmark id of the national reference in `benchmarks` and `benchmark_rates`.
    pub national: String,
    /// Inner and outer confidence level (95% and 99.8%).
    #[serde(serialize_with = "levels")]
    pub confidence: (Confidence, Confidence),
    pub disclosure: Disclosure,
    pub language: Language,
    /// What the pages' maps colour by.
    pub map_colours: MapColours,
}

fn standard_name<S: serde::Serializer>(s: &StandardPopulation, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(s.name())
}

fn levels<S: serde::Serializer>(c: &(Confidence, Confidence), out: S) -> Result<S::Ok, S::Error> {
    [c.0.level(), c.1.level()].serialize(out)
}

impl Default for Options {
    fn default() -> Self {
        Self {
            years: Vec::new(),
            standard: StandardPopulation::esp2013(),
            national: "NL01".to_owned(),
            confidence: (Confidence::C95, Confidence::C998),
            disclosure: Disclosure::default(),
            language: Language::Nl,
            map_colours: MapColours::Judgement,
        }
    }
}

/// Builds [`Profiles`] from a validated region. The defaults are the public-health
/// standard: ESP2013, national benchmark `NL01`, 95% and 99.8%, disclosure control on,
/// Dutch labels.
///
/// # Examples
///
/// ```
/// use wijkprofiel::profile::{Disclosure, Language, ProfileBuilder};
/// use wijkprofiel::stats::Confidence;
///
/// let region = wijkprofiel::Region::demo()?;
/// let profiles = ProfileBuilder::new()
///     .years([2023, 2024])
///     .language(Language::En)
///     .confidence(Confidence::C95, Confidence::C998)
///     .disclosure(Disclosure::default())
///     .build(&region)?;
/// assert!(profiles.figures().iter().all(|f| f.year >= 2023));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ProfileBuilder {
    options: Options,
}

impl ProfileBuilder {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// From options (e.g. read by [`Settings`]).
    pub fn from_options(options: Options) -> Self {
        Self { options }
    }

    /// Only these years.
    #[must_use]
    pub fn years(mut self, years: impl IntoIterator<Item = i32>) -> Self {
        self.options.years = years.into_iter().collect();
        self.options.years.sort_unstable();
        self.options.years.dedup();
        self
    }

    /// The standard population for direct standardisation (ESP2013 by default, or a
    /// Dutch population given as data with [`StandardPopulation::new`]).
    #[must_use]
    pub fn standard_population(mut self, standard: StandardPopulation) -> Self {
        self.options.standard = standard;
        self
    }

    /// The benchmark id of the national reference (`NL01` by default).
    #[must_use]
    pub fn national_benchmark(mut self, id: impl Into<String>) -> Self {
        self.options.national = id.into();
        self
    }

    /// The inner and outer confidence levels.
    #[must_use]
    pub fn confidence(mut self, inner: Confidence, outer: Confidence) -> Self {
        self.options.confidence = (inner, outer);
        self
    }

    /// Disclosure settings; [`Disclosure::default`] is safe.
    #[must_use]
    pub fn disclosure(mut self, disclosure: Disclosure) -> Self {
        self.options.disclosure = disclosure;
        self
    }

    /// The language of labels.
    #[must_use]
    pub fn language(mut self, language: Language) -> Self {
        self.options.language = language;
        self
    }

    /// What the pages' maps colour by (judgement against the Netherlands by default).
    #[must_use]
    pub fn map_colours(mut self, colours: MapColours) -> Self {
        self.options.map_colours = colours;
        self
    }

    /// The options as set.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Builds every profile of the region.
    ///
    /// # Errors
    ///
    /// [`ProfileError::Standard`] when the standard population does not fit an indicator;
    /// [`ProfileError::Year`] for a year without data; [`ProfileError::Table`] if a
    /// validated table is not shaped as the contract says.
    pub fn build(&self, region: &Region) -> Result<Profiles, ProfileError> {
        self.build_with(region, &Silent)
    }

    /// [`ProfileBuilder::build`], reporting its phases to `progress`:
    /// [`Phase::Computing`], then disclosure control's ([`Phase::Protecting`],
    /// [`Phase::Auditing`], [`Phase::AuditingRates`]).
    ///
    /// # Errors
    ///
    /// As [`ProfileBuilder::build`].
    pub fn build_with(
        &self,
        region: &Region,
        progress: &dyn Progress,
    ) -> Result<Profiles, ProfileError> {
        Profiles::build(region, self.options.clone(), progress)
    }
}

/// A practice and where it lies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticePlace {
    pub id: String,
    pub name: Option<String>,
    /// The buurt holding its location, if inside the region's shapes.
    pub buurt: Option<String>,
    pub wijk: Option<String>,
}

/// What a build produced, in numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BuildSummary {
    /// Areas with a profile (every level below the country).
    pub areas: usize,
    pub figures: usize,
    pub published: usize,
    pub suppressed: usize,
    pub withheld: usize,
    pub missing: usize,
    /// Counts withheld by disclosure control, by reason (listed in [`Profiles::withheld`]).
    pub withheld_counts: WithheldCounts,
    /// The linear-programming audit of the withheld counts, when
    /// [`Disclosure::lp_audit`] asked for it.
    pub protection: Option<Protection>,
    /// How the published counts were rounded, when `round_to` asked for it.
    pub rounding: Option<Rounding>,
    /// Practices and providers whose location lies in no buurt.
    pub unplaced_practices: usize,
    pub unplaced_providers: usize,
}

impl BuildSummary {
    /// The summary as `metadata.json` publishes it: the counts withheld by disclosure
    /// control in total rather than by reason, and of the linear-programming audit only its
    /// narrowest interval and how many counts it left unprotected, since how many withheld
    /// counts are small is for the data owner (`owner-only/summary.json` holds it all).
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let summary = profiles.summary();
    /// let public = summary.published();
    /// assert_eq!(public["withheld_counts"]["total"], summary.withheld_counts.total());
    /// assert!(public["withheld_counts"].get("primary_count").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn published(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        value["withheld_counts"] = serde_json::json!({ "total": self.withheld_counts.total() });
        value["protection"] = self.protection.as_ref().map_or(
            serde_json::Value::Null,
            |p| serde_json::json!({ "narrowest": p.narrowest, "unprotected": p.unprotected.len() }),
        );
        value
    }
}

/// Every profile of a region.
#[derive(Debug)]
pub struct Profiles {
    pub(crate) dataset: Dataset,
    pub(crate) options: Options,
    pub(crate) areas: Vec<Area>,
    /// Area index by code.
    pub(crate) index: HashMap<String, usize>,
    pub(crate) catalogue: Catalogue,
    pub(crate) tree: Hierarchy,
    /// Figures in canonical order: area, indicator, year, mode.
    pub(crate) figures: Vec<Figure>,
    /// The figures of each area.
    pub(crate) by_area: Vec<Range<usize>>,
    /// The monitor's long table: design-based estimates per area, indicator, round and
    /// group of respondents, in that order.
    pub(crate) survey: Vec<Estimate>,
    /// Areas with a profile, in input order.
    pub(crate) profiled: Vec<usize>,
    pub(crate) contexts: Vec<Option<Context>>,
    pub(crate) coverage: Vec<Option<Coverage>>,
    pub(crate) social: Placed,
    pub(crate) practices: Vec<PracticePlace>,
    /// The practices (by input order) located in each area.
    pub(crate) practices_in: Vec<Vec<usize>>,
    /// The audit of disclosure control.
    pub(crate) withheld: Vec<Withheld>,
    /// The area shapes, for the pages' maps.
    pub(crate) geometry: Option<crate::Geometries>,
    pub(crate) summary: BuildSummary,
    /// The region's inputs' fingerprint (empty when unknown).
    pub(crate) fingerprint: String,
}

/// What one area's figures of an indicator cost to make, in units of a CBS indicator's, by
/// source (measured on the national benchmark data, `benches/README.md`): the weights of
/// [`Phase::Computing`]'s progress.
const CBS_COST: u64 = 1;
const GGD_COST: u64 = 1;
const SURVEY_COST: u64 = 4;
const GP_COST: u64 = 8;

/// Figures in canonical order (area, indicator, year, mode: one figure each) from lists in
/// any order: the keys are sorted, then the figures copied into place on all cores.
fn canonical_order(lists: Vec<Vec<Figure>>) -> Vec<Figure> {
    let mut keys: Vec<_> = lists
        .iter()
        .enumerate()
        .flat_map(|(l, list)| {
            let key = move |(k, f): (usize, &Figure)| (f.area, f.indicator, f.year, f.mode, l, k);
            list.iter().enumerate().map(key)
        })
        .collect();
    keys.par_sort_unstable();
    let figures = keys
        .into_par_iter()
        .map(|(.., l, k)| lists[l][k].clone())
        .collect();
    lists.into_par_iter().for_each(drop);
    figures
}

/// The figures of each of `n` areas: a range of `figures`, which are in canonical order.
fn ranges_by_area(figures: &[Figure], n: usize) -> Vec<Range<usize>> {
    let mut by_area = vec![0..0; n];
    let mut start = 0;
    while start < figures.len() {
        let area = figures[start].area;
        let end = start + figures[start..].partition_point(|f| f.area == area);
        by_area[area] = start..end;
        start = end;
    }
    by_area
}

/// The buurt of each practice and of each provider, by point-in-polygon on the buurt shapes.
fn place(
    region: &Region,
    tree: &Hierarchy,
    codes: &[&str],
) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let locator = region.geometry.as_ref().map(|g| {
        Locator::new(
            tree.buurten
                .iter()
                .filter_map(|&b| Some((b, g.get(codes[b])?))),
        )
    });
    let locate = |p: crate::Point| locator.as_ref().and_then(|l| l.locate(p));
    (
        region
            .practices
            .iter()
            .map(|p| locate(p.location))
            .collect(),
        region
            .providers
            .iter()
            .map(|p| locate(p.location))
            .collect(),
    )
}

fn table_error(table: &'static str) -> impl Fn(polars::error::PolarsError) -> ProfileError {
    move |e| ProfileError::Table {
        table,
        message: e.to_string(),
    }
}

impl Profiles {
    fn build(
        region: &Region,
        options: Options,
        progress: &dyn Progress,
    ) -> Result<Self, ProfileError> {
        options
            .disclosure
            .check(&region.catalogue)
            .map_err(ProfileError::Disclosure)?;
        let areas: Vec<Area> = region.areas.iter().cloned().collect();
        let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
        let area_of: HashMap<&str, usize, foldhash::fast::FixedState> =
            codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let tree = Hierarchy::new(&region.areas);
        let levels = options.confidence;
        let catalogue = &region.catalogue;
        // The GGD estimates are read while the population is gathered and practices and
        // providers are placed in buurten by point-in-polygon.
        let (read, estimates) = rayon::join(
            || {
                let residents = Residents::gather(&region.population, &tree, &codes);
                let national = Reference::read(
                    region.benchmarks.as_ref(),
                    region.benchmark_rates.as_ref(),
                    &options.national,
                );
                (residents, national, place(region, &tree, &codes))
            },
            || {
                let estimates = match &region.ggd_estimates {
                    Some(frame) => ggd::Estimates::read(frame, catalogue, &area_of),
                    None => Ok(HashMap::new()),
                };
                let monitor = match &region.respondents {
                    Some(frame) => monitor::Monitor::read(frame, catalogue.survey(), &area_of),
                    None => Ok(monitor::Monitor::default()),
                };
                (estimates, monitor)
            },
        );
        // Each indicator's figures for every area, weighed by what they cost to make.
        let cost = |ind: &crate::Indicator| match ind.source {
            Source::Cbs => CBS_COST,
            Source::Ggd if ind.survey.is_some() && region.respondents.is_some() => SURVEY_COST,
            Source::Ggd => GGD_COST,
            Source::Gp if region.gp_counts.is_some() => GP_COST,
            Source::Gp => 0,
        };
        let meter = Meter::start(
            progress,
            Phase::Computing,
            catalogue.indicators().iter().map(cost).sum::<u64>() * areas.len() as u64,
        );
        let done = |ind: &crate::Indicator| Done(&meter, cost(ind) * areas.len() as u64);
        let (residents, national, (practice_buurt, provider_buurt)) = read;
        let residents = residents.map_err(table_error("population"))?;
        let national = national.map_err(table_error("benchmarks"))?;
        let (estimates, monitor) = estimates;
        let estimates = estimates.map_err(table_error("ggd_estimates"))?;
        let monitor = monitor.map_err(table_error("respondents"))?;

        let mut coverage = vec![None; areas.len()];
        let mut gp_cells = None;
        // GP figures by practice of buurten, which no output shows (`gp::figures`).
        let mut practice_parts: Vec<Figure> = Vec::new();
        // Every indicator's figures, a list each: CBS and GGD indicators one per task.
        // ... and the monitor's long table of those made from respondents.
        let (mut lists, survey): (Vec<Vec<Figure>>, Vec<Vec<Estimate>>) = catalogue
            .indicators()
            .par_iter()
            .enumerate()
            .map(|(i, ind)| {
                let _done = (ind.source != Source::Gp).then(|| done(ind));
                match ind.source {
                    Source::Cbs => (residents.figures(&tree, (i, ind), levels), Vec::new()),
                    // A question of the monitor's, when its respondents are given; else the
                    // finished estimates.
                    Source::Ggd if ind.survey.is_some() && !monitor.is_empty() => {
                        let settings = catalogue.survey();
                        monitor::figures(&monitor, &tree, &residents, (i, ind), settings, levels)
                    }
                    Source::Ggd => {
                        let made = estimates.get(&i).map_or_else(Vec::new, |given| {
                            ggd::figures(given, &tree, &residents, (i, ind), levels)
                        });
                        (made, Vec::new())
                    }
                    Source::Gp => (Vec::new(), Vec::new()),
                }
            })
            .unzip();
        let gp: Vec<(usize, &crate::Indicator)> = catalogue
            .indicators()
            .iter()
            .enumerate()
            .filter(|(_, ind)| ind.source == Source::Gp)
            .collect();
        // Validation gathered the counts by the region's buurten (the tree's order), its
        // practices and the GP indicators in catalogue order.
        let gp_inputs = region.gp_counts.as_deref().map(|counts| gp::GpInputs {
            tree: &tree,
            cubes: &counts.cubes,
            residents: &residents,
            national: &national,
            practice_buurt: &practice_buurt,
            standard: &options.standard,
            levels,
        });
        if let Some(inputs) = &gp_inputs {
            let cubes = inputs.cubes;
            let listed = gp::Listed::new(inputs);
            coverage = gp::coverage(inputs, &listed);
            gp_cells = Some(cubes.cells.clone());
            // One indicator per task.
            let made: Vec<(Vec<Figure>, Vec<Figure>)> = gp
                .par_iter()
                .enumerate()
                .map(|(cube_index, (i, ind))| {
                    let _done = done(ind);
                    gp::figures(inputs, &listed, (*i, cube_index, ind)).map_err(|source| {
                        ProfileError::Standard {
                            indicator: ind.id.clone(),
                            source,
                        }
                    })
                })
                .collect::<Result<_, _>>()?;
            for (published, parts) in made {
                lists.push(published);
                practice_parts.extend(parts);
            }
        }

        if !options.years.is_empty() {
            let mut available: Vec<i32> = lists.iter().flatten().map(|f| f.year).collect();
            available.sort_unstable();
            available.dedup();
            if let Some(&year) = options.years.iter().find(|y| !available.contains(y)) {
                let list: Vec<String> = available.iter().map(ToString::to_string).collect();
                return Err(ProfileError::Year {
                    year,
                    available: list.join(", "),
                });
            }
            for list in &mut lists {
                list.retain(|f| options.years.contains(&f.year));
            }
            practice_parts.retain(|f| options.years.contains(&f.year));
        }
        let mut survey: Vec<Estimate> = survey
            .into_iter()
            .flatten()
            .filter(|e| options.years.is_empty() || options.years.contains(&e.year))
            .collect();
        // In square metres, added before dividing (a custom area's land is its buurten's).
        let m2 = |a: usize| {
            region
                .geometry
                .as_ref()
                .and_then(|g| Some((g.get(codes[a])?, g.crs)))
                .map(|(shape, crs)| match crs {
                    Crs::RdNew => shape.unsigned_area(),
                    Crs::Wgs84 => shape.geodesic_area_unsigned(),
                })
        };
        let mut contexts: Vec<Option<Context>> = (0..areas.len())
            .map(|a| {
                // A custom area's land is its buurten's.
                let km2 = match tree.level[a] {
                    Level::Custom => tree.members[a].iter().map(|&b| m2(b)).sum(),
                    _ => m2(a),
                }
                .map(|m2: f64| m2 / 1e6);
                (tree.level[a] != Level::Country)
                    .then(|| residents.context(a, km2))
                    .flatten()
            })
            .collect();
        meter.finish();
        let mut figures = canonical_order(lists);
        let by_area = ranges_by_area(&figures, areas.len());
        let shown: Vec<bool> = coverage
            .iter()
            .map(|c| c.as_ref().is_some_and(Coverage::is_shown))
            .collect();
        let published = disclosure::publish(
            &disclosure::Inputs {
                tree: &tree,
                codes: &codes,
                catalogue,
                disclosure: &options.disclosure,
                residents: &residents,
                figures_of: &by_area,
                practice_parts: &practice_parts,
                gp_cells: gp_cells.as_ref(),
                bands: gp_inputs.as_ref().map(|inputs| {
                    let bands = move |indicator: usize, mode, year| {
                        let k = gp.iter().position(|g| g.0 == indicator)?;
                        inputs.bands((indicator, k, gp[k].1), mode, year)
                    };
                    Box::new(bands) as Box<disclosure::BandsOf<'_>>
                }),
                levels,
                progress,
            },
            &mut figures,
            &mut contexts,
            &mut coverage,
            &mut survey,
        );
        if options.disclosure.enabled {
            ggd::reweigh(&mut figures, &by_area, &tree, catalogue, levels);
        }
        // Disclosure control held the coverage of areas nobody is listed for as unknowns of
        // their parents' sums; outputs show none.
        for (c, shown) in coverage.iter_mut().zip(shown) {
            c.take_if(|_| !shown);
        }
        if let Some(p) = published
            .protection
            .as_ref()
            .filter(|p| !p.unprotected.is_empty())
        {
            return Err(ProfileError::Unprotected {
                count: p.unprotected.len(),
                cells: p.unprotected.iter().take(10).cloned().collect(),
            });
        }
        standing::fill(&mut figures, &tree, catalogue, &national, levels);
        monitor::settle(&mut survey, &figures, &by_area, catalogue.survey());

        let practices = region
            .practices
            .iter()
            .zip(&practice_buurt)
            .map(|(p, b)| PracticePlace {
                id: p.id.clone(),
                name: p.name.clone(),
                buurt: b.map(|b| codes[b].to_owned()),
                wijk: b.and_then(|b| tree.wijk_of(b)).map(|w| codes[w].to_owned()),
            })
            .collect();
        let mut practices_in = vec![Vec::new(); areas.len()];
        for (k, buurt) in practice_buurt.iter().enumerate() {
            let mut next = *buurt;
            while let Some(a) = next {
                practices_in[a].push(k);
                next = tree.parent[a];
            }
        }
        for custom in tree.custom() {
            let members = &tree.members[custom];
            practices_in[custom] = (0..practice_buurt.len())
                .filter(|&k| practice_buurt[k].is_some_and(|b| members.binary_search(&b).is_ok()))
                .collect();
        }
        let social = Placed::new(
            &tree,
            &codes,
            &region.providers,
            &provider_buurt,
            &region.projects,
        );
        let profiled: Vec<usize> = (0..areas.len())
            .filter(|&a| tree.level[a] != Level::Country)
            .collect();
        let count = |label: &str| figures.iter().filter(|f| f.status.label() == label).count();
        let summary = BuildSummary {
            areas: profiled.len(),
            figures: figures.len(),
            published: count("published"),
            suppressed: count("suppressed"),
            withheld: count("withheld"),
            missing: count("missing"),
            withheld_counts: published.counts,
            protection: published.protection.clone(),
            rounding: published.rounding,
            unplaced_practices: practice_buurt.iter().filter(|b| b.is_none()).count(),
            unplaced_providers: provider_buurt.iter().filter(|b| b.is_none()).count(),
        };
        Ok(Self {
            fingerprint: region.fingerprint.clone(),
            dataset: region.dataset.clone(),
            options,
            catalogue: catalogue.clone(),
            index: area_of.iter().map(|(c, i)| ((*c).to_owned(), *i)).collect(),
            areas,
            tree,
            figures,
            by_area,
            survey,
            profiled,
            contexts,
            coverage,
            social,
            practices,
            practices_in,
            withheld: published.audit,
            geometry: region.geometry.clone(),
            summary,
        })
    }

    /// Every figure, in canonical order (area as in `areas`, indicator as in the catalogue,
    /// year, mode).
    pub fn figures(&self) -> &[Figure] {
        &self.figures
    }

    /// The health monitor's estimates by area, indicator, round and group of respondents,
    /// in that order (the rows of [`Profiles::monitor_table`]); empty without respondents.
    pub fn monitor_estimates(&self) -> &[Estimate] {
        &self.survey
    }

    /// The figures of one area.
    pub fn figures_of(&self, code: &str) -> &[Figure] {
        match self.area_index(code) {
            Some(a) => &self.figures[self.by_area[a].clone()],
            None => &[],
        }
    }

    /// The areas with a profile (every area below the country), in input order.
    pub fn areas(&self) -> impl Iterator<Item = &Area> {
        self.profiled.iter().map(|&a| &self.areas[a])
    }

    /// The data set the profiles were built from.
    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// The options the profiles were built with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// What the build produced.
    pub fn summary(&self) -> &BuildSummary {
        &self.summary
    }

    /// Every count disclosure control withheld, with its reason (the audit; it holds no
    /// withheld value). Empty with disclosure off.
    pub fn withheld(&self) -> &[Withheld] {
        &self.withheld
    }

    /// The catalogue the figures refer to by index.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The area of a figure.
    pub fn area_of(&self, figure: &Figure) -> &Area {
        &self.areas[figure.area]
    }

    pub(crate) fn area_index(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }
}
