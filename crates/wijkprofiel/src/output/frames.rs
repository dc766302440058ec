//! The profiles as polars tables for analysts, beside the long table (`table.rs`): priority
//! themes, spine-chart statistics, the social map and the audit of disclosure control.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::Role;
use crate::profile::figure::{Figure, Mode};
use crate::profile::{Language, Profiles, Withheld, priorities};

fn text<'a>(name: &str, values: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), values.collect::<Vec<_>>())
}

fn whole(name: &str, values: impl Iterator<Item = usize>) -> Column {
    Column::new(name.into(), values.map(|v| v as u32).collect::<Vec<_>>())
}

/// The columns of [`Profiles::withheld_table`] for the data owner only: they tell a small
/// count from a zero or from a count withheld to protect it (`docs/threat-model.md`).
pub const OWNER_ONLY_COLUMNS: [&str; 2] = ["reason", "rule"];

impl Profiles {
    /// The audit of disclosure control, one row per withheld count ([`Profiles::withheld`]):
    /// `count`, `indicator`, `area_code`, `year`, `mode`, `scope`, `family`, `reason`,
    /// `rule`. It holds no withheld value, but `reason` and `rule` ([`OWNER_ONLY_COLUMNS`])
    /// tell small counts from others: they are for the data owner, and the published audit
    /// (`suppression.csv`) leaves them out.
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let audit = profiles.withheld_table()?;
    /// assert_eq!(audit.height(), profiles.summary().withheld_counts.total());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn withheld_table(&self) -> PolarsResult<DataFrame> {
        let rows = &self.withheld;
        let of = |f: fn(&Withheld) -> Option<&str>| rows.iter().map(f);
        DataFrame::new_infer_height(vec![
            text("count", of(|w| Some(w.count))),
            text("indicator", of(|w| w.indicator.as_deref())),
            text("area_code", of(|w| Some(&w.area_code))),
            Column::new(
                "year".into(),
                rows.iter().map(|w| w.year).collect::<Vec<_>>(),
            ),
            text("mode", of(|w| w.mode)),
            text("scope", of(|w| Some(&w.scope))),
            text("family", of(|w| Some(w.family))),
            text("reason", of(|w| Some(w.reason))),
            text("rule", of(|w| Some(&w.rule))),
        ])
    }

    /// Priority themes of every area, most pressing first within an area: `area_code`,
    /// `level`, `rank`, `theme`, `label`, `worse` (how many indicators are significantly
    /// worse), `worse_indicators` (their ids, `;`-separated), `excess`, `indicators`.
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let themes = profiles.themes_table()?;
    /// assert_eq!(themes.column("rank")?.u32()?.get(0), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn themes_table(&self) -> PolarsResult<DataFrame> {
        let language = self.options.language;
        let mut rows = Vec::new();
        for &a in &self.profiled {
            let own: Vec<&Figure> = self.figures[self.by_area[a].clone()].iter().collect();
            let ranked = priorities::rank(&own, &self.catalogue, |t| match language {
                Language::Nl => t.label_nl.clone(),
                Language::En => t.label_en.clone(),
            });
            rows.extend(ranked.into_iter().map(|t| (a, t)));
        }
        let area = |a: usize| &self.areas[a];
        let joined: Vec<String> = rows.iter().map(|(_, t)| t.worse.join(";")).collect();
        DataFrame::new_infer_height(vec![
            text(
                "area_code",
                rows.iter().map(|(a, _)| Some(area(*a).code.as_str())),
            ),
            text(
                "level",
                rows.iter().map(|(a, _)| Some(area(*a).level.as_str())),
            ),
            whole("rank", rows.iter().map(|(_, t)| t.rank)),
            text("theme", rows.iter().map(|(_, t)| Some(t.theme.as_str()))),
            text("label", rows.iter().map(|(_, t)| Some(t.label.as_str()))),
            whole("worse", rows.iter().map(|(_, t)| t.worse.len())),
            text("worse_indicators", joined.iter().map(|s| Some(s.as_str()))),
            Column::new(
                "excess".into(),
                rows.iter().map(|(_, t)| t.excess).collect::<Vec<_>>(),
            ),
            whole("indicators", rows.iter().map(|(_, t)| t.indicators)),
        ])
    }

    /// Spine-chart statistics per indicator, year, mode, level and region (the peers of
    /// [`crate::profile::Standing`]): `indicator`, `year`, `mode`, `level`, `region_code`,
    /// `peers`, `worst`, `p25`, `median`, `p75`, `best`, `region_value` (the region's
    /// headline value) and `national_value` (the national benchmark; empty for standardised
    /// GP figures, which are compared with the national rates by their ratio).
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let spine = profiles.spine_table()?;
    /// let (worst, best) = (spine.column("worst")?.f64()?, spine.column("best")?.f64()?);
    /// assert!(worst.get(0).is_some() && best.get(0).is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spine_table(&self) -> PolarsResult<DataFrame> {
        type Key = (usize, i32, Mode, crate::Level, Option<usize>);
        let mut groups: BTreeMap<Key, &Figure> = BTreeMap::new();
        for f in &self.figures {
            if f.standing.spine.is_some() {
                let key = (
                    f.indicator,
                    f.year,
                    f.mode,
                    self.tree.level[f.area],
                    self.tree.region[f.area],
                );
                groups.entry(key).or_insert(f);
            }
        }
        let rows: Vec<(&Key, &&Figure)> = groups.iter().collect();
        let spine = |k: usize| -> Column {
            let name = ["worst", "p25", "median", "p75", "best"][k];
            Column::new(
                name.into(),
                rows.iter()
                    .map(|(_, f)| f.standing.spine.map(|s| s[k]))
                    .collect::<Vec<_>>(),
            )
        };
        let indicators = self.catalogue.indicators();
        let mut columns = vec![
            text(
                "indicator",
                rows.iter().map(|(k, _)| Some(indicators[k.0].id.as_str())),
            ),
            Column::new(
                "year".into(),
                rows.iter().map(|(k, _)| k.1).collect::<Vec<_>>(),
            ),
            text("mode", rows.iter().map(|(k, _)| Some(k.2.as_str()))),
            text("level", rows.iter().map(|(k, _)| Some(k.3.as_str()))),
            text(
                "region_code",
                rows.iter()
                    .map(|(k, _)| k.4.map(|r| self.areas[r].code.as_str())),
            ),
            whole("peers", rows.iter().map(|(_, f)| f.standing.peers)),
        ];
        columns.extend((0..5).map(spine));
        columns.push(Column::new(
            "region_value".into(),
            rows.iter()
                .map(|(_, f)| f.standing.region.value)
                .collect::<Vec<_>>(),
        ));
        columns.push(Column::new(
            "national_value".into(),
            rows.iter()
                .map(|(_, f)| f.national_in_unit())
                .collect::<Vec<_>>(),
        ));
        DataFrame::new_infer_height(columns)
    }

    /// The social map of every area: `area_code`, `level`, `scope` (the wijk for a buurt),
    /// one column per role with the number of providers (`gp`, `district_nurse`, ...),
    /// `triangle_complete`, `triangle_missing` (roles, `;`-separated), `wijken_with_triangle`,
    /// `wijken`, `projects`.
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let social = profiles.social_table()?;
    /// assert!(social.column("triangle_complete")?.bool()?.any());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn social_table(&self) -> PolarsResult<DataFrame> {
        let maps: Vec<(usize, crate::profile::SocialMap)> = self
            .profiled
            .iter()
            .map(|&a| (a, self.social.map(a)))
            .collect();
        let missing: Vec<String> = maps
            .iter()
            .map(|(_, m)| {
                let roles: Vec<&str> = m.triangle_missing.iter().map(|r| r.as_str()).collect();
                roles.join(";")
            })
            .collect();
        let mut columns = vec![
            text(
                "area_code",
                maps.iter().map(|(a, _)| Some(self.areas[*a].code.as_str())),
            ),
            text(
                "level",
                maps.iter()
                    .map(|(a, _)| Some(self.areas[*a].level.as_str())),
            ),
            text("scope", maps.iter().map(|(_, m)| Some(m.scope.as_str()))),
        ];
        for role in Role::ALL {
            columns.push(whole(
                &role.as_str().replace('-', "_"),
                maps.iter()
                    .map(|(_, m)| m.roles.get(&role).copied().unwrap_or(0)),
            ));
        }
        columns.push(Column::new(
            "triangle_complete".into(),
            maps.iter()
                .map(|(_, m)| m.triangle_missing.is_empty())
                .collect::<Vec<_>>(),
        ));
        columns.push(text(
            "triangle_missing",
            missing.iter().map(|s| Some(s.as_str())),
        ));
        columns.push(whole(
            "wijken_with_triangle",
            maps.iter().map(|(_, m)| m.wijken_with_triangle.0),
        ));
        columns.push(whole(
            "wijken",
            maps.iter().map(|(_, m)| m.wijken_with_triangle.1),
        ));
        columns.push(whole(
            "projects",
            maps.iter()
                .map(|(_, m)| m.projects.values().map(Vec::len).sum()),
        ));
        DataFrame::new_infer_height(columns)
    }
}
