//! The tidy long table: one row per area × indicator × year × mode (`docs/outputs.md`).

use std::borrow::Cow;

use polars::prelude::*;
use rayon::prelude::*;

use crate::Area;
use crate::profile::figure::{Comparison, Intervals};
use crate::profile::{Language, Profiles};

/// Areas per block of the table assembled on one thread.
const TABLE_BLOCK: usize = 4096;

/// Column builders, one per output column, filled figure by figure.
#[derive(Default)]
struct Columns<'a> {
    text: Vec<(String, Vec<Option<Cow<'a, str>>>)>,
    number: Vec<(String, Vec<Option<f64>>)>,
    whole: Vec<(String, Vec<Option<i64>>)>,
    flag: Vec<(String, Vec<bool>)>,
    /// Text columns holding an attribute of the row's area and of its indicator.
    area: Repeated<'a>,
    indicator: Repeated<'a>,
    /// Output order: (kind, index within kind).
    order: Vec<(u8, usize)>,
}

/// Text columns that repeat an attribute of an area or an indicator: the values once per
/// area or indicator, and each row's index into them. Gathering shares long texts (a
/// definition, say) between rows instead of copying them into every row.
#[derive(Default)]
struct Repeated<'a> {
    /// Per column: its name and the value of every area or indicator.
    columns: Vec<(String, Vec<Option<&'a str>>)>,
    /// Per row: the area or indicator (an index into the values).
    rows: Vec<IdxSize>,
}

impl Repeated<'_> {
    fn frame_columns(self) -> impl Iterator<Item = PolarsResult<Column>> {
        let rows = IdxCa::from_vec(PlSmallStr::EMPTY, self.rows);
        self.columns.into_iter().map(move |(name, values)| {
            Series::new(name.into(), values)
                .take(&rows)
                .map(Column::from)
        })
    }
}

impl<'a> Columns<'a> {
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
    fn reserve(&mut self, rows: usize) {
        self.text.iter_mut().for_each(|(_, v)| v.reserve(rows));
        self.number.iter_mut().for_each(|(_, v)| v.reserve(rows));
        self.whole.iter_mut().for_each(|(_, v)| v.reserve(rows));
        self.flag.iter_mut().for_each(|(_, v)| v.reserve(rows));
        self.area.rows.reserve(rows);
        self.indicator.rows.reserve(rows);
    }
    /// A column of an area's attribute, with its value for each area in `values`' order.
    fn of_area(&mut self, name: &str, values: Vec<Option<&'a str>>) {
        self.order.push((4, self.area.columns.len()));
        self.area.columns.push((name.to_owned(), values));
    }
    /// A column of an indicator's attribute, with its value for each catalogue indicator.
    fn of_indicator(&mut self, name: &str, values: Vec<Option<&'a str>>) {
        self.order.push((5, self.indicator.columns.len()));
        self.indicator.columns.push((name.to_owned(), values));
    }

    fn frame(self) -> PolarsResult<DataFrame> {
        let mut text = self.text.into_iter().map(|(n, v)| {
            StringChunked::from_iter_options(n.into(), v.iter().map(|s| s.as_deref())).into_column()
        });
        let mut number = self
            .number
            .into_iter()
            .map(|(n, v)| Column::new(n.into(), v));
        let mut whole = self
            .whole
            .into_iter()
            .map(|(n, v)| Column::new(n.into(), v));
        let mut flag = self.flag.into_iter().map(|(n, v)| Column::new(n.into(), v));
        let mut area = self.area.frame_columns();
        let mut indicator = self.indicator.frame_columns();
        let columns: Vec<Column> = self
            .order
            .iter()
            .filter_map(|(kind, _)| match kind {
                0 => text.next().map(Ok),
                1 => number.next().map(Ok),
                2 => whole.next().map(Ok),
                3 => flag.next().map(Ok),
                4 => area.next(),
                _ => indicator.next(),
            })
            .collect::<PolarsResult<_>>()?;
        DataFrame::new_infer_height(columns)
    }
}

fn judgement(c: &Comparison) -> Option<&'static str> {
    Some(c.judgement.label())
}

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
        self.table_in_blocks(positions, TABLE_BLOCK)
    }

    /// The table assembled `block` areas at a time in parallel, the blocks stacked in order.
    pub(super) fn table_in_blocks(
        &self,
        positions: std::ops::Range<usize>,
        block: usize,
    ) -> PolarsResult<DataFrame> {
        let block = block.max(1);
        let blocks: Vec<std::ops::Range<usize>> = positions
            .clone()
            .step_by(block)
            .map(|start| start..(start + block).min(positions.end))
            .collect();
        let frames: Vec<DataFrame> = blocks
            .into_par_iter()
            .map(|block| self.table_block(block))
            .collect::<PolarsResult<_>>()?;
        let mut frames = frames.into_iter();
        let Some(mut table) = frames.next() else {
            return self.table_block(positions);
        };
        for frame in frames {
            table.vstack_mut_owned(frame)?;
        }
        Ok(table)
    }

    /// The table of the areas at `positions`, assembled on one thread.
    fn table_block<'a>(&'a self, positions: std::ops::Range<usize>) -> PolarsResult<DataFrame> {
        let (inner, outer) = (
            self.options.confidence.0.label(),
            self.options.confidence.1.label(),
        );
        let mut c = Columns::default();
        let profiled = &self.profiled[positions];
        let code_of = |a: Option<usize>| a.map(|a| self.areas[a].code.as_str());
        let of_areas = |value: &dyn Fn(usize, &'a Area) -> Option<&'a str>| {
            profiled.iter().map(|&a| value(a, &self.areas[a])).collect()
        };
        c.of_area("area_code", of_areas(&|_, area| Some(&area.code)));
        c.of_area("area_name", of_areas(&|_, area| Some(&area.name)));
        c.of_area("level", of_areas(&|_, area| Some(area.level.as_str())));
        c.of_area(
            "custom_kind",
            of_areas(&|_, area| area.custom.as_ref().map(|c| c.kind.as_str())),
        );
        c.of_area(
            "parent_code",
            of_areas(&|a, _| code_of(self.tree.parent[a])),
        );
        c.of_area(
            "region_code",
            of_areas(&|a, _| code_of(self.tree.region[a])),
        );
        let indicators = self.catalogue.indicators();
        let of_indicators =
            |value: &dyn Fn(&'a crate::Indicator) -> Option<&'a str>| -> Vec<Option<&'a str>> {
                indicators.iter().map(value).collect()
            };
        c.of_indicator("indicator", of_indicators(&|i| Some(&i.id)));
        c.of_indicator(
            "label",
            of_indicators(&|i| {
                Some(match self.options.language {
                    Language::Nl => &i.label_nl,
                    Language::En => &i.label_en,
                })
            }),
        );
        c.of_indicator("theme", of_indicators(&|i| Some(i.theme.as_str())));
        c.of_indicator("source", of_indicators(&|i| Some(i.source.as_str())));
        c.of_indicator("kind", of_indicators(&|i| Some(i.kind.as_str())));
        c.of_indicator("polarity", of_indicators(&|i| Some(i.polarity.as_str())));
        c.of_indicator("definition", of_indicators(&|i| Some(&i.definition)));
        let [mode, method, status, reason] =
            ["mode", "method", "status", "status_reason"].map(|n| c.text(n));
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
        let previous = comparison(&mut c, "previous");
        let previous_year = c.whole("previous_year");
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

        c.reserve(profiled.iter().map(|&a| self.by_area[a].len()).sum());
        for (k, &a) in profiled.iter().enumerate() {
            for f in &self.figures[self.by_area[a].clone()] {
                let ind = &indicators[f.indicator];
                c.area.rows.push(k as IdxSize);
                c.indicator.rows.push(f.indicator as IdxSize);
                let reason_text = f.status.reason().map(ToString::to_string);
                c.text[reason]
                    .1
                    .push(reason_text.filter(|r| !r.is_empty()).map(Cow::Owned));
                let texts = [
                    (mode, Some(f.mode.as_str())),
                    (method, Some(f.method.as_str())),
                    (status, Some(f.status.label())),
                    (parent.1, judgement(&f.standing.parent)),
                    (region.1, judgement(&f.standing.region)),
                    (national.1, judgement(&f.standing.national)),
                    (crude_region.1, judgement(&f.standing.crude_region)),
                    (previous.1, judgement(&f.standing.previous)),
                    (trend, f.standing.trend.map(|t| t.direction)),
                    (trend_label, f.standing.trend.map(|t| t.label)),
                    (withheld[0], f.suppression.numerator),
                    (withheld[1], f.suppression.denominator),
                    (withheld[2], f.suppression.residents),
                ];
                for (k, v) in texts {
                    c.text[k].1.push(v.map(Cow::Borrowed));
                }
                let numbers = [
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
                    (previous.0, f.standing.previous.value),
                    (trend_slope, f.standing.trend.and_then(|t| t.slope)),
                ];
                let bounds = [
                    (value, f.value),
                    (crude, f.crude),
                    (isr_region, f.isr_region),
                    (isr_national, f.isr_national),
                ]
                .into_iter()
                .flat_map(|(columns, v)| columns.into_iter().zip(intervals(v)));
                let spine = (spine.into_iter().enumerate())
                    .map(|(k, col)| (col, f.standing.spine.map(|s| s[k])));
                for (k, v) in numbers.into_iter().chain(bounds).chain(spine) {
                    c.number[k].1.push(v.filter(|x| x.is_finite()));
                }
                for (k, v) in [
                    (year, Some(i64::from(f.year))),
                    (previous_year, f.standing.previous_year.map(i64::from)),
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_assembled_in_blocks_is_the_table_assembled_whole() {
        let region = crate::Region::demo().expect("demo");
        let p = crate::profile::ProfileBuilder::new()
            .build(&region)
            .expect("build");
        let n = p.areas().count();
        let whole = p.table_in_blocks(0..n, n).expect("whole");
        for block in [1, 7, 100] {
            let blocks = p.table_in_blocks(0..n, block).expect("blocks");
            assert!(blocks.equals_missing(&whole), "blocks of {block}");
        }
        // A range not starting at the first area, as a shard asks for.
        let part = p.table_in_blocks(5..50, 7).expect("part");
        assert!(part.equals_missing(&p.table_in_blocks(5..50, 45).expect("part whole")));
        let sixth = p.areas().nth(5).map(|a| a.code.as_str());
        assert_eq!(
            part.column("area_code")
                .expect("code")
                .str()
                .expect("text")
                .get(0),
            sixth
        );
    }
}
