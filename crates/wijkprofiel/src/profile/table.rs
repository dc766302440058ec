//! The tidy long table: one row per area × indicator × year × mode (`docs/outputs.md`).

use polars::prelude::*;

use super::figure::{Comparison, Intervals};
use super::{Language, Profiles};

/// Column builders, one per output column, filled figure by figure.
#[derive(Default)]
struct Columns<'a> {
    text: Vec<(String, Vec<Option<&'a str>>)>,
    number: Vec<(String, Vec<Option<f64>>)>,
    whole: Vec<(String, Vec<Option<i64>>)>,
    flag: Vec<(String, Vec<bool>)>,
    /// Output order: (kind, index within kind).
    order: Vec<(u8, usize)>,
}

impl Columns<'_> {
    fn text(&mut self, name: &str) -> usize {
        self.order.push((0, self.text.len()));
        self.text.push((name.to_owned(), Vec::new()));
        self.text.len() - 1
    }
    fn number(&mut self, name: &str) -> usize {
        self.order.push((1, self.number.len()));
        self.number.push((name.to_owned(), Vec::new()));
        self.number.len() - 1
    }
    fn whole(&mut self, name: &str) -> usize {
        self.order.push((2, self.whole.len()));
        self.whole.push((name.to_owned(), Vec::new()));
        self.whole.len() - 1
    }
    fn flag(&mut self, name: &str) -> usize {
        self.order.push((3, self.flag.len()));
        self.flag.push((name.to_owned(), Vec::new()));
        self.flag.len() - 1
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        let mut text = self.text.into_iter().map(|(n, v)| Column::new(n.into(), v));
        let mut number = self
            .number
            .into_iter()
            .map(|(n, v)| Column::new(n.into(), v));
        let mut whole = self
            .whole
            .into_iter()
            .map(|(n, v)| Column::new(n.into(), v));
        let mut flag = self.flag.into_iter().map(|(n, v)| Column::new(n.into(), v));
        let columns: Vec<Column> = self
            .order
            .iter()
            .filter_map(|(kind, _)| match kind {
                0 => text.next(),
                1 => number.next(),
                2 => whole.next(),
                _ => flag.next(),
            })
            .collect();
        DataFrame::new_infer_height(columns)
    }
}

fn judgement(c: &Comparison) -> Option<&'static str> {
    Some(c.judgement.label())
}

#[allow(clippy::cast_possible_wrap)]
fn whole(n: Option<usize>) -> Option<i64> {
    n.map(|n| n as i64)
}

impl Profiles {
    /// The tidy long table of the areas at `positions` in [`Profiles::areas`] order (all
    /// areas: `0..n`). Column names carry the confidence levels (`lower_95`,
    /// `upper_99_8`); `docs/outputs.md` describes each column.
    ///
    /// # Errors
    ///
    /// Only if polars cannot assemble the frame.
    ///
    /// # Examples
    ///
    /// ```
    /// let region = wijkprofiel::Region::demo()?;
    /// let profiles = wijkprofiel::profile::ProfileBuilder::new().build(&region)?;
    /// let table = profiles.table(0..3)?;
    /// assert!(table.column("national_judgement").is_ok());
    /// assert_eq!(table.column("area_code")?.str()?.get(0), Some("GG9901"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn table(&self, positions: std::ops::Range<usize>) -> PolarsResult<DataFrame> {
        let (inner, outer) = (
            self.options.confidence.0.label(),
            self.options.confidence.1.label(),
        );
        let mut c = Columns::default();
        let [
            area_code,
            area_name,
            level,
            custom_kind,
            parent_code,
            region_code,
            indicator,
            label,
            theme,
            source,
            kind,
            polarity,
            definition,
            mode,
            method,
            status,
            reason,
        ] = [
            "area_code",
            "area_name",
            "level",
            "custom_kind",
            "parent_code",
            "region_code",
            "indicator",
            "label",
            "theme",
            "source",
            "kind",
            "polarity",
            "definition",
            "mode",
            "method",
            "status",
            "status_reason",
        ]
        .map(|n| c.text(n));
        let withheld = [
            "numerator_withheld",
            "denominator_withheld",
            "residents_withheld",
        ]
        .map(|n| c.text(n));
        let year = c.whole("year");
        let multiplier = c.number("multiplier");
        let [numerator, denominator, residents, coverage] =
            ["numerator", "denominator", "residents", "coverage"].map(|n| c.number(n));
        let interval_columns = |c: &mut Columns, stem: &str| {
            let prefix = if stem.is_empty() {
                String::new()
            } else {
                format!("{stem}_")
            };
            [
                c.number(&format!("{prefix}value")),
                c.number(&format!("{prefix}lower_{inner}")),
                c.number(&format!("{prefix}upper_{inner}")),
                c.number(&format!("{prefix}lower_{outer}")),
                c.number(&format!("{prefix}upper_{outer}")),
            ]
        };
        let value = interval_columns(&mut c, "");
        let crude = interval_columns(&mut c, "crude");
        let isr_region = interval_columns(&mut c, "isr_region");
        let isr_national = interval_columns(&mut c, "isr_national");
        let [expected, excess] = ["expected_national", "excess"].map(|n| c.number(n));
        let comparison = |c: &mut Columns, stem: &str| {
            (
                c.number(&format!("{stem}_value")),
                c.text(&format!("{stem}_judgement")),
            )
        };
        let parent = comparison(&mut c, "parent");
        let region = comparison(&mut c, "region");
        let national = comparison(&mut c, "national");
        let crude_region = comparison(&mut c, "crude_region");
        let [rank, peers, quintile] = ["rank", "peers", "quintile"].map(|n| c.whole(n));
        let spine = [
            "spine_worst",
            "spine_p25",
            "spine_median",
            "spine_p75",
            "spine_best",
        ]
        .map(|n| c.number(n));
        let [trend, trend_label] = ["trend", "trend_label"].map(|n| c.text(n));
        let trend_slope = c.number("trend_slope");
        let synthetic = c.flag("synthetic");

        // Per indicator: source, kind and polarity as written in the catalogue.
        let names: Vec<[Option<&str>; 3]> = self
            .catalogue
            .indicators()
            .iter()
            .map(|i| {
                [
                    Some(i.source.as_str()),
                    Some(i.kind.as_str()),
                    Some(i.polarity.as_str()),
                ]
            })
            .collect();
        let areas: Vec<usize> = self.profiled[positions].to_vec();
        for &a in &areas {
            let area = &self.areas[a];
            for f in &self.figures[self.by_area[a].clone()] {
                let ind = &self.catalogue.indicators()[f.indicator];
                let texts = [
                    (area_code, Some(area.code.as_str())),
                    (area_name, Some(area.name.as_str())),
                    (level, Some(area.level.as_str())),
                    (custom_kind, area.custom.as_ref().map(|c| c.kind.as_str())),
                    (
                        parent_code,
                        self.tree.parent[a].map(|p| self.areas[p].code.as_str()),
                    ),
                    (
                        region_code,
                        self.tree.region[a].map(|r| self.areas[r].code.as_str()),
                    ),
                    (indicator, Some(ind.id.as_str())),
                    (
                        label,
                        Some(match self.options.language {
                            Language::Nl => &ind.label_nl,
                            Language::En => &ind.label_en,
                        }),
                    ),
                    (theme, Some(ind.theme.as_str())),
                    (source, names[f.indicator][0]),
                    (kind, names[f.indicator][1]),
                    (polarity, names[f.indicator][2]),
                    (definition, Some(ind.definition.as_str())),
                    (mode, Some(f.mode.as_str())),
                    (method, Some(f.method.as_str())),
                    (status, Some(f.status.label())),
                    (reason, Some(f.status.reason()).filter(|r| !r.is_empty())),
                    (parent.1, judgement(&f.standing.parent)),
                    (region.1, judgement(&f.standing.region)),
                    (national.1, judgement(&f.standing.national)),
                    (crude_region.1, judgement(&f.standing.crude_region)),
                    (trend, f.standing.trend.map(|t| t.direction)),
                    (trend_label, f.standing.trend.map(|t| t.label)),
                    (withheld[0], f.suppression.numerator),
                    (withheld[1], f.suppression.denominator),
                    (withheld[2], f.suppression.residents),
                ];
                for (k, v) in texts {
                    c.text[k].1.push(v);
                }
                let mut numbers = vec![
                    (multiplier, Some(ind.multiplier)),
                    (numerator, f.numerator),
                    (denominator, f.denominator),
                    (residents, f.residents),
                    (coverage, f.coverage),
                    (expected, f.expected_national),
                    (excess, f.excess),
                    (parent.0, f.standing.parent.value),
                    (region.0, f.standing.region.value),
                    (national.0, f.standing.national.value),
                    (crude_region.0, f.standing.crude_region.value),
                    (trend_slope, f.standing.trend.and_then(|t| t.slope)),
                ];
                for (columns, v) in [
                    (value, f.value),
                    (crude, f.crude),
                    (isr_region, f.isr_region),
                    (isr_national, f.isr_national),
                ] {
                    numbers.extend(columns.into_iter().zip(intervals(v)));
                }
                numbers.extend(
                    spine
                        .into_iter()
                        .enumerate()
                        .map(|(k, col)| (col, f.standing.spine.map(|s| s[k]))),
                );
                for (k, v) in numbers {
                    c.number[k].1.push(v.filter(|x| x.is_finite()));
                }
                for (k, v) in [
                    (year, Some(i64::from(f.year))),
                    (rank, whole(f.standing.rank)),
                    (peers, whole(Some(f.standing.peers)).filter(|n| *n > 0)),
                    (quintile, whole(f.standing.quintile)),
                ] {
                    c.whole[k].1.push(v);
                }
                c.flag[synthetic].1.push(self.dataset.synthetic);
            }
        }
        c.frame()
    }
}

fn intervals(v: Option<Intervals>) -> [Option<f64>; 5] {
    match v {
        Some(v) => [
            Some(v.value),
            Some(v.lower),
            Some(v.upper),
            Some(v.lower_outer),
            Some(v.upper_outer),
        ],
        None => [None; 5],
    }
}
