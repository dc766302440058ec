//! One JSON document per area, for services (`docs/outputs.md`, "Area documents").

use serde::Serialize;

use crate::catalogue::{Kind, Polarity, Prevalence, Source, Standardisation};
use crate::profile::Context;
use crate::profile::Coverage;
use crate::profile::SocialMap;
use crate::profile::figure::{Figure, Mode};
use crate::profile::priorities::{self, ThemeRank};
use crate::profile::{Language, Options, PracticePlace, Profiles};
use crate::{Custom, Indicator, Level};

/// The version of the document layout; raised when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// The data set a document was made from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetHeader {
    pub name: String,
    /// Synthetic data: fictional areas and persons.
    pub synthetic: bool,
}

/// An area and where it sits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaHeader {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub vintage: i32,
    /// The parent (none for the region); for a custom area, the area it lies within.
    pub parent: Option<AreaRef>,
    /// The region's code.
    pub region: Option<String>,
    /// A custom area's kind, member buurten and partly covered buurten.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<Custom>,
}

/// Another area, by code and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRef {
    pub code: String,
    pub name: String,
}

/// An indicator with its figures for the area (every year and mode).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorFigures<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub theme: &'a str,
    pub source: Source,
    pub kind: Kind,
    /// Values are per `multiplier` (100: percent).
    pub multiplier: f64,
    pub polarity: Polarity,
    pub standardisation: Standardisation,
    pub definition: &'a str,
    pub prevalence: Option<Prevalence>,
    pub figures: Vec<&'a Figure>,
}

impl IndicatorFigures<'_> {
    /// The figure of the latest year in a mode.
    pub fn latest(&self, mode: Mode) -> Option<&Figure> {
        self.figures
            .iter()
            .copied()
            .filter(|f| f.mode == mode)
            .max_by_key(|f| f.year)
    }
}

/// The profile of one area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaDocument<'a> {
    pub schema_version: u32,
    pub dataset: DatasetHeader,
    pub area: AreaHeader,
    pub options: &'a Options,
    /// Residents, pyramid, share 65+, area and density.
    pub context: Option<&'a Context>,
    /// GP coverage by age band (residents on participating practices' lists).
    pub coverage: Option<&'a Coverage>,
    pub indicators: Vec<IndicatorFigures<'a>>,
    /// Priority themes, most pressing first.
    pub themes: Vec<ThemeRank>,
    pub social_map: SocialMap,
    /// Participating practices located in the area.
    pub practices: Vec<&'a PracticePlace>,
}

impl Profiles {
    /// The profile of one area, or `None` for a code without one (unknown, or the country).
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let doc = profiles.document("BU99010000").unwrap();
    /// let json = serde_json::to_string(&doc)?;
    /// assert!(json.starts_with(r#"{"schema_version":1,"#));
    /// assert!(profiles.document("NL01").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn document(&self, code: &str) -> Option<AreaDocument<'_>> {
        let a = self.area_index(code)?;
        if self.tree.level[a] == Level::Country {
            return None;
        }
        let area = &self.areas[a];
        let figures = &self.figures[self.by_area[a].clone()];
        let language = self.options.language;
        let indicators = self
            .catalogue
            .indicators()
            .iter()
            .enumerate()
            .filter_map(|(i, ind)| {
                let own: Vec<&Figure> = figures.iter().filter(|f| f.indicator == i).collect();
                (!own.is_empty()).then(|| self.indicator_figures(ind, own))
            })
            .collect();
        let own: Vec<&Figure> = figures.iter().collect();
        let themes = priorities::rank(&own, &self.catalogue, |t| match language {
            Language::Nl => t.label_nl.clone(),
            Language::En => t.label_en.clone(),
        });
        let parent = self.tree.parent[a]
            .filter(|&p| self.tree.level[p] != Level::Country)
            .map(|p| AreaRef {
                code: self.areas[p].code.clone(),
                name: self.areas[p].name.clone(),
            });
        Some(AreaDocument {
            schema_version: SCHEMA_VERSION,
            dataset: DatasetHeader {
                name: self.dataset.name.clone(),
                synthetic: self.dataset.synthetic,
            },
            area: AreaHeader {
                code: area.code.clone(),
                name: area.name.clone(),
                level: area.level,
                vintage: area.vintage,
                parent,
                region: self.tree.region[a].map(|r| self.areas[r].code.clone()),
                custom: area.custom.clone(),
            },
            options: &self.options,
            context: self.contexts[a].as_ref(),
            coverage: self.coverage[a].as_ref(),
            indicators,
            themes,
            social_map: self.social.map(a),
            practices: self.practices_in[a]
                .iter()
                .map(|&k| &self.practices[k])
                .collect(),
        })
    }

    fn indicator_figures<'a>(
        &'a self,
        ind: &'a Indicator,
        figures: Vec<&'a Figure>,
    ) -> IndicatorFigures<'a> {
        IndicatorFigures {
            id: &ind.id,
            label: match self.options.language {
                Language::Nl => &ind.label_nl,
                Language::En => &ind.label_en,
            },
            theme: &ind.theme,
            source: ind.source,
            kind: ind.kind,
            multiplier: ind.multiplier,
            polarity: ind.polarity,
            standardisation: ind.standardisation,
            definition: &ind.definition,
            prevalence: ind.prevalence,
            figures,
        }
    }
}
