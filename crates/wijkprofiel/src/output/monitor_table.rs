//! The monitor's long table (`monitor.parquet`): one row per area × indicator × round × group
//! of respondents (all, by sex, by age group, by both; `[survey] breakdowns`) of every
//! health-monitor indicator made from respondents (`docs/outputs.md`, "The monitor table").

use polars::prelude::*;

use crate::profile::{Estimate, Profiles};
use crate::stats::compare::Significance;

impl Profiles {
    /// The monitor's long table: for every indicator made from the health monitor's
    /// respondents, each area's design-based estimate per round and group of respondents
    /// (`sex` is `all` or a sex, `age_group` empty or an age group), with `respondents`,
    /// the value and its limits, `se`, `deff`, `effective_n`, `status` and
    /// `status_reason`, the significance against the rest of the parent and of the region
    /// (`vs_parent`, `vs_region`: `higher-95`, `similar`, ...) and against the previous
    /// round (`previous_year`, `vs_previous`). A withheld estimate shows none of these but
    /// its respondents when the monitor's minimum numbers withheld it. Empty without
    /// respondents.
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().years([2024]).build(&region)?;
    /// let table = profiles.monitor_table()?;
    /// let sexes: std::collections::BTreeSet<&str> =
    ///     table.column("sex")?.str()?.iter().flatten().collect();
    /// assert_eq!(Vec::from_iter(sexes), ["all", "female", "male"]);
    /// assert_eq!(table.height(), profiles.monitor_estimates().len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn monitor_table(&self) -> PolarsResult<DataFrame> {
        let rows = &self.survey;
        let (inner, outer) = (
            self.options.confidence.0.label(),
            self.options.confidence.1.label(),
        );
        let text = |name: &str, value: &dyn Fn(&Estimate) -> Option<String>| {
            Column::new(name.into(), rows.iter().map(value).collect::<Vec<_>>())
        };
        let number = |name: &str, value: &dyn Fn(&Estimate) -> Option<f64>| {
            Column::new(name.into(), rows.iter().map(value).collect::<Vec<_>>())
        };
        let area = |e: &Estimate| &self.areas[e.area];
        let significance = |s: Option<Significance>| s.map(|s| s.label().to_owned());
        let limit = |e: &Estimate, pick: fn(&crate::profile::figure::Intervals) -> f64| {
            e.value.as_ref().map(pick)
        };
        DataFrame::new_infer_height(vec![
            text("area_code", &|e| Some(area(e).code.clone())),
            text("area_name", &|e| Some(area(e).name.clone())),
            text("level", &|e| Some(area(e).level.as_str().to_owned())),
            text("indicator", &|e| {
                Some(self.catalogue.indicators()[e.indicator].id.clone())
            }),
            Column::new(
                "year".into(),
                rows.iter().map(|e| e.year).collect::<Vec<_>>(),
            ),
            text("sex", &|e| Some(e.group.sex.as_str().to_owned())),
            text("age_group", &|e| e.group.age.map(|a| a.to_string())),
            number("respondents", &|e| e.respondents),
            number("value", &|e| limit(e, |v| v.value)),
            number(&format!("lower_{inner}"), &|e| limit(e, |v| v.lower)),
            number(&format!("upper_{inner}"), &|e| limit(e, |v| v.upper)),
            number(&format!("lower_{outer}"), &|e| limit(e, |v| v.lower_outer)),
            number(&format!("upper_{outer}"), &|e| limit(e, |v| v.upper_outer)),
            number("se", &|e| e.se),
            number("deff", &|e| e.deff),
            number("effective_n", &|e| e.effective_n),
            text("status", &|e| Some(e.status.label().to_owned())),
            text("status_reason", &|e| {
                e.status.reason().map(ToString::to_string)
            }),
            text("vs_parent", &|e| significance(e.contrasts[0])),
            text("vs_region", &|e| significance(e.contrasts[1])),
            Column::new(
                "previous_year".into(),
                rows.iter()
                    .map(|e| e.change.map(|c| c.0))
                    .collect::<Vec<_>>(),
            ),
            text("vs_previous", &|e| significance(e.change.map(|c| c.1))),
        ])
    }
}
