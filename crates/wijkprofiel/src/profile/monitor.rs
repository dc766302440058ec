//! GGD figures made from the health monitor's respondents (`respondents`), as GGD analysts
//! make them with R's `survey`: per round, every area of every level (and every custom
//! area) is a domain of the whole design, its figure the design-based proportion or mean
//! of the indicator's question ([`crate::stats::survey`]) with a logit interval for a
//! proportion (`svyciprop(method = "xlogit")`) and a Wald interval for a mean.
//!
//! A respondent counts for an indicator when their age and sex lie in its scope and their
//! answer is not one of the question's missing codes; a respondent coded to a wijk or a
//! gemeente counts for it and the areas above, not for any buurt or custom area. The
//! monitor's minimum numbers (the catalogue's `[survey]`) withhold an estimate with too few
//! respondents, or with too few in an answer group of a proportion. A published estimate
//! carries its significance against the rest of its parent and of its region
//! ([`crate::stats::survey::Prepared::contrast`]), by which it is judged.
//!
//! The same is made for each group of respondents the catalogue's `[survey] breakdowns`
//! name (a sex, an age group, both: [`Group`]), as the rows of the monitor table
//! ([`Estimate`]); a withheld part of a published whole withholds another part with it.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use polars::prelude::*;

use super::figure::{Figure, Intervals, Method, Mode, Reason, Status};
use super::hierarchy::Hierarchy;
use super::population::Residents;
use crate::catalogue::{Breakdown, SurveySettings};
use crate::stats::compare::Significance;
use crate::stats::survey::{
    Contrast, Design, Interval, Numbered, OUTSIDE, Prepared, Reference, SurveyMean,
};
use crate::stats::{Confidence, Withheld};
use crate::{AgeBand, Indicator, Kind, Level, Sex};

/// The respondents of every round, read once for all indicators.
#[derive(Debug, Default)]
pub(crate) struct Monitor {
    rounds: Vec<Round>,
}

/// The respondents of one round (year): the design and each respondent's area, sex, age
/// and answers.
#[derive(Debug)]
struct Round {
    year: i32,
    weights: Vec<f64>,
    strata: Option<Vec<u32>>,
    psus: Option<Vec<u32>>,
    population: Option<Vec<f64>>,
    area: Vec<usize>,
    sex: Vec<Option<Sex>>,
    age: Vec<Option<i64>>,
    /// Answers by question (column name).
    answers: HashMap<String, Vec<Option<f64>>, FixedState>,
}

impl Monitor {
    /// Splits the validated `respondents` table by round; text codes of strata and PSUs
    /// become numbers (PSUs numbered within their stratum's text).
    pub(super) fn read(
        frame: &DataFrame,
        settings: &SurveySettings,
        area_of: &HashMap<&str, usize, FixedState>,
    ) -> PolarsResult<Self> {
        let c = |name: &str| frame.column(name);
        let texts = |name: &Option<String>| -> PolarsResult<Option<Vec<Option<String>>>> {
            name.as_ref()
                .and_then(|name| frame.column(name).ok())
                .map(|col| Ok(col.str()?.iter().map(|v| v.map(str::to_owned)).collect()))
                .transpose()
        };
        let year: Vec<Option<i32>> = c("year")?.i32()?.iter().collect();
        let area: Vec<Option<usize>> = c("area_code")?
            .str()?
            .iter()
            .map(|a| a.and_then(|a| area_of.get(a).copied()))
            .collect();
        let weight: Vec<f64> = c(&settings.weight)?
            .f64()?
            .iter()
            .map(|w| w.unwrap_or(f64::NAN))
            .collect();
        let strata = texts(&settings.stratum)?;
        let psus = texts(&settings.psu)?;
        let fpc: Option<Vec<Option<f64>>> = settings
            .fpc
            .as_ref()
            .and_then(|name| frame.column(name).ok())
            .map(|col| Ok::<_, PolarsError>(col.f64()?.iter().collect()))
            .transpose()?;
        let sex: Option<Vec<Option<Sex>>> = frame
            .column("sex")
            .ok()
            .map(|col| Ok::<_, PolarsError>(col.str()?.iter().map(|s| s?.parse().ok()).collect()))
            .transpose()?;
        let age: Option<Vec<Option<i64>>> = frame
            .column("age")
            .ok()
            .map(|col| Ok::<_, PolarsError>(col.i64()?.iter().collect()))
            .transpose()?;
        let design = settings.columns();
        let mut questions: Vec<(String, Vec<Option<f64>>)> = Vec::new();
        for col in frame.columns() {
            if !design.contains(&col.name().as_str()) {
                questions.push((col.name().to_string(), col.f64()?.iter().collect()));
            }
        }

        let mut years: Vec<i32> = year.iter().flatten().copied().collect();
        years.sort_unstable();
        years.dedup();
        let mut rounds = Vec::with_capacity(years.len());
        for y in years {
            let rows: Vec<usize> = (0..frame.height())
                .filter(|&i| year[i] == Some(y) && area[i].is_some())
                .collect();
            let numbered = |codes: Vec<String>| -> Vec<u32> {
                let mut ids: HashMap<String, u32, FixedState> = HashMap::default();
                codes
                    .into_iter()
                    .map(|code| {
                        let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                        *ids.entry(code).or_insert(next)
                    })
                    .collect()
            };
            let stratum_text = |i: usize| {
                strata
                    .as_ref()
                    .and_then(|s| s[i].clone())
                    .unwrap_or_default()
            };
            rounds.push(Round {
                year: y,
                weights: rows.iter().map(|&i| weight[i]).collect(),
                strata: strata
                    .as_ref()
                    .map(|_| numbered(rows.iter().map(|&i| stratum_text(i)).collect())),
                psus: psus.as_ref().map(|p| {
                    numbered(
                        rows.iter()
                            .map(|&i| {
                                format!(
                                    "{}\u{1f}{}",
                                    stratum_text(i),
                                    p[i].as_deref().unwrap_or("")
                                )
                            })
                            .collect(),
                    )
                }),
                population: fpc
                    .as_ref()
                    .map(|f| rows.iter().map(|&i| f[i].unwrap_or(f64::NAN)).collect()),
                area: rows.iter().filter_map(|&i| area[i]).collect(),
                sex: rows
                    .iter()
                    .map(|&i| sex.as_ref().and_then(|s| s[i]))
                    .collect(),
                age: rows
                    .iter()
                    .map(|&i| age.as_ref().and_then(|a| a[i]))
                    .collect(),
                answers: questions
                    .iter()
                    .map(|(name, values)| (name.clone(), rows.iter().map(|&i| values[i]).collect()))
                    .collect(),
            });
        }
        Ok(Self { rounds })
    }

    /// Whether the monitor has rounds to make figures from.
    pub(super) fn is_empty(&self) -> bool {
        self.rounds.is_empty()
    }
}

/// A group of an area's respondents: all of them (the indicator's own scope), or one sex,
/// one age group, or both (`[survey] breakdowns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    /// `Sex::All` for both.
    pub sex: Sex,
    /// `None` for every age in the indicator's scope.
    pub age: Option<AgeBand>,
}

impl Group {
    /// All respondents in the indicator's scope.
    pub const TOTAL: Self = Self {
        sex: Sex::All,
        age: None,
    };

    /// The groups the monitor's long table shows: the total, then each breakdown's, in
    /// the catalogue's order.
    pub fn all(settings: &SurveySettings) -> Vec<Self> {
        let mut out = vec![Self::TOTAL];
        let sexes = [Sex::Male, Sex::Female];
        for breakdown in &settings.breakdowns {
            let ages = settings.age_groups.iter().map(|&a| Some(a));
            match breakdown {
                Breakdown::Sex => out.extend(sexes.map(|sex| Self { sex, age: None })),
                Breakdown::Age => out.extend(ages.map(|age| Self { sex: Sex::All, age })),
                Breakdown::SexAge => {
                    out.extend(ages.flat_map(|age| sexes.map(|sex| Self { sex, age })))
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|g| seen.insert(*g));
        out
    }

    /// Whether a respondent of this sex and age belongs to the group.
    fn holds(self, sex: Option<Sex>, age: Option<i64>) -> bool {
        (self.sex == Sex::All || sex == Some(self.sex))
            && self.age.is_none_or(|band| aged(age, band))
    }
}

/// Whether an age lies in `band` (an unknown age lies in no band but all ages).
fn aged(age: Option<i64>, band: AgeBand) -> bool {
    band == AgeBand::open(0)
        || age.is_some_and(|a| u8::try_from(a).is_ok_and(|a| band.contains(&AgeBand::closed(a, a))))
}

/// One cell of the monitor's long table: an area's design-based estimate in a round for a
/// group of its respondents, as the monitor's rules publish it.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Index of the area in [`crate::Areas`].
    pub area: usize,
    /// Index of the indicator in the catalogue.
    pub indicator: usize,
    pub year: i32,
    pub group: Group,
    /// Respondents in the group with a value for the indicator (unweighted).
    pub respondents: Option<f64>,
    /// The value and its intervals, in the indicator's unit; none unless published.
    pub value: Option<Intervals>,
    /// The standard error, design effect and effective sample size; none unless published.
    pub se: Option<f64>,
    pub deff: Option<f64>,
    pub effective_n: Option<f64>,
    pub status: Status,
    /// Against the rest of the parent and of the region, in the same group.
    pub contrasts: [Option<Significance>; 2],
    /// Against the previous round, in the same group: its year and the significance.
    pub change: Option<(i32, Significance)>,
    /// The design's degrees of freedom for the estimate (NaN without one), to compute its
    /// interval again at the respondents as published ([`Estimate::publish`]).
    pub(crate) df: f64,
}

/// The interval a design-based estimate takes: the survey section's for a proportion, Wald's
/// for a mean.
pub(crate) fn interval_kind(proportion: bool, settings: &SurveySettings) -> Interval {
    if proportion {
        settings.interval
    } else {
        Interval::Wald
    }
}

/// A design-based estimate's intervals at two levels, in the indicator's unit.
fn interval_of(
    m: &SurveyMean,
    kind: Interval,
    levels: (Confidence, Confidence),
    multiplier: f64,
) -> Intervals {
    let at = |c: Confidence| m.interval(kind, c);
    Intervals::from_pair(at(levels.0), at(levels.1)).scaled(multiplier)
}

/// Every figure of a GGD indicator with a `survey` question, for the areas below the
/// country, smallest level first, a round at a time; and the monitor's long table of it:
/// every area's estimate per round for each group of [`Group::all`] that has respondents.
pub(crate) fn figures(
    monitor: &Monitor,
    tree: &Hierarchy,
    residents: &Residents,
    indicator: (usize, &Indicator),
    settings: &SurveySettings,
    levels: (Confidence, Confidence),
) -> (Vec<Figure>, Vec<Estimate>) {
    let (index, ind) = indicator;
    let Some(question) = &ind.survey else {
        return (Vec::new(), Vec::new());
    };
    let scope: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
    let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
    let mask = residents.cells.in_scope(&scope, sex);
    let groups = Group::all(settings);
    let rules = Rules {
        tree,
        settings,
        proportion: ind.kind == Kind::Proportion,
        multiplier: ind.multiplier,
        levels,
    };
    let mut figures = Vec::with_capacity(monitor.rounds.len() * tree.bottom_up.len());
    let mut estimates = Vec::new();
    // Each group's previous round: its year and estimates, for the change since then.
    let mut previous: HashMap<Group, (i32, Vec<Domain>)> = HashMap::new();
    for round in &monitor.rounds {
        let Some(answers) = round.answers.get(&question.question) else {
            continue;
        };
        // Each respondent's value for the indicator, or none when outside its scope.
        let values: Vec<Option<f64>> = (0..round.area.len())
            .map(|i| {
                let in_sex = sex == Sex::All || round.sex[i] == Some(sex);
                let answer = answers[i]
                    .filter(|&a| aged(round.age[i], scope) && in_sex && !question.is_missing(a))?;
                Some(match ind.kind {
                    Kind::Mean => answer,
                    _ => f64::from(u8::from(
                        question.counts.iter().any(|&c| c as f64 == answer),
                    )),
                })
            })
            .collect();
        // The round's design, numbered once for every group.
        let design = round.design(settings);
        let numbered = Numbered::new(&design).map_err(|e| e.to_string());
        let mut parts: Vec<(Group, Vec<Cell>)> = Vec::with_capacity(groups.len());
        for &group in &groups {
            let values: Vec<Option<f64>> = (0..values.len())
                .map(|i| values[i].filter(|_| group.holds(round.sex[i], round.age[i])))
                .collect();
            if group != Group::TOTAL && values.iter().all(Option::is_none) {
                continue;
            }
            let then = previous.get(&group).map(|(y, e)| (*y, e.as_slice()));
            let (cells, domains) = rules.cells((round, &numbered), &values, then);
            previous.insert(group, (round.year, domains));
            parts.push((group, cells));
        }
        complementary(&mut parts, tree);
        let population = residents.year_for(round.year);
        for (group, cells) in &parts {
            for &area in &tree.bottom_up {
                let cell = &cells[area];
                if *group == Group::TOTAL {
                    let mut f = Figure::missing(
                        area,
                        index,
                        round.year,
                        Mode::Residence,
                        Method::SurveyDesign,
                    );
                    f.residents = population.map(|y| residents.sum(area, y, &mask));
                    f.denominator = cell.respondents;
                    f.value = cell.value;
                    f.crude = cell.value;
                    f.status = cell.status.clone();
                    f.contrasts = cell.contrasts;
                    f.change = cell.change;
                    figures.push(f);
                }
                if cell.respondents.is_some() {
                    let at = (area, index, round.year, *group);
                    estimates.push(cell.estimate(at, ind.multiplier));
                }
            }
        }
    }
    (figures, estimates)
}

/// Puts the monitor's long table in order (area, indicator, round, group as
/// [`Group::all`] lists them) and makes it agree with the published figures: a total is
/// published as its figure is, and where disclosure control withheld a figure's counts,
/// its groups are withheld with it (their respondents would add up to its own).
pub(crate) fn settle(
    estimates: &mut [Estimate],
    figures: &[Figure],
    by_area: &[std::ops::Range<usize>],
    settings: &SurveySettings,
) {
    let order = Group::all(settings);
    let rank = |g: &Group| order.iter().position(|o| o == g).unwrap_or(usize::MAX);
    estimates.sort_by_key(|e| (e.area, e.indicator, e.year, rank(&e.group)));
    for rows in estimates.chunk_by_mut(|a, b| a.area == b.area) {
        // The area's figures by indicator and year (residence, the GGD's mode).
        let of_area: HashMap<(usize, i32), &Figure> = figures[by_area[rows[0].area].clone()]
            .iter()
            .filter(|f| f.mode == Mode::Residence)
            .map(|f| ((f.indicator, f.year), f))
            .collect();
        for e in rows.iter_mut() {
            settle_one(e, of_area.get(&(e.indicator, e.year)).copied());
        }
    }
}

/// One row of [`settle`], beside its area's figure.
fn settle_one(e: &mut Estimate, figure: Option<&Figure>) {
    let Some(figure) = figure.filter(|f| !f.is_published()) else {
        return;
    };
    let total = e.group == Group::TOTAL;
    if total || matches!(figure.status, Status::Suppressed(_)) {
        // The figure's respondents as published; none of a group's beside a figure whose
        // counts are withheld.
        let (respondents, status) = if total {
            (figure.denominator, figure.status.clone())
        } else {
            (None, Status::Suppressed(Reason::SmallNumbers))
        };
        e.withhold(respondents, status);
    }
}

impl Estimate {
    /// Withholds the estimate and all built on it, with the respondents left to show.
    pub(crate) fn withhold(&mut self, respondents: Option<f64>, status: Status) {
        *self = Self {
            respondents,
            value: None,
            se: None,
            deff: None,
            effective_n: None,
            status,
            contrasts: [None; 2],
            change: None,
            df: f64::NAN,
            ..self.clone()
        };
    }

    /// Publishes the estimate with `respondents` (rounded, where the run rounds counts): the
    /// interval (Korn–Graubard's and Wilson's take t(n − 1)) and the effective sample size
    /// (respondents ÷ design effect) computed at them from what the row publishes, so that
    /// neither gives back another count. `kind` and `multiplier` are the indicator's.
    pub(crate) fn publish(
        &mut self,
        respondents: f64,
        kind: Interval,
        levels: (Confidence, Confidence),
        multiplier: f64,
    ) {
        self.respondents = self.respondents.map(|_| respondents);
        let (Some(v), Some(se)) = (self.value, self.se) else {
            return;
        };
        let m = SurveyMean {
            value: v.value / multiplier,
            se: se / multiplier,
            df: self.df,
            respondents: respondents as usize,
            weight: f64::NAN,
            deff: self.deff,
        };
        self.value = Some(interval_of(&m, kind, levels, multiplier));
        self.effective_n = Some(m.effective_n());
    }
}

/// How an indicator's estimates are made and published: the hierarchy, the monitor's
/// minimum numbers, the kind of value and the confidence levels.
struct Rules<'a> {
    tree: &'a Hierarchy,
    settings: &'a SurveySettings,
    proportion: bool,
    multiplier: f64,
    levels: (Confidence, Confidence),
}

/// An area's estimate in a round as the monitor's rules publish it (see [`Estimate`]).
#[derive(Debug, Clone)]
struct Cell {
    respondents: Option<f64>,
    value: Option<Intervals>,
    mean: Option<SurveyMean>,
    status: Status,
    contrasts: [Option<Significance>; 2],
    change: Option<(i32, Significance)>,
}

impl Cell {
    fn published(&self) -> bool {
        matches!(self.status, Status::Published)
    }

    /// Withholds a published estimate (its value, its tests and its figures of the design).
    fn withhold(&mut self, status: Status) {
        self.status = status;
        self.value = None;
        self.mean = None;
        self.contrasts = [None; 2];
        self.change = None;
    }

    /// The cell as a row of the long table, its standard error in the indicator's unit.
    fn estimate(&self, at: (usize, usize, i32, Group), multiplier: f64) -> Estimate {
        let (area, indicator, year, group) = at;
        let mean = self.mean.as_ref();
        Estimate {
            area,
            indicator,
            year,
            group,
            respondents: self.respondents,
            value: self.value,
            se: mean.map(|m| m.se * multiplier),
            deff: mean.and_then(|m| m.deff),
            effective_n: mean.map(SurveyMean::effective_n),
            status: self.status.clone(),
            contrasts: self.contrasts,
            change: self.change,
            df: mean.map_or(f64::NAN, |m| m.df),
        }
    }
}

impl Rules<'_> {
    /// Every area's cell of one round for the respondents `values` holds (none: not
    /// counted), with the change since `previous` (its year and estimates); and the
    /// estimates, for the next round's change.
    fn cells(
        &self,
        (round, design): (&Round, &Result<Numbered, String>),
        values: &[Option<f64>],
        previous: Option<(i32, &[Domain])>,
    ) -> (Vec<Cell>, Vec<Domain>) {
        let (tree, settings, levels) = (self.tree, self.settings, self.levels);
        let y: Vec<f64> = values.iter().map(|v| v.unwrap_or(0.0)).collect();
        let estimates = domains(round, design, (values, &y), tree);
        let prepared = design.as_ref().ok().and_then(|d| d.prepared(&y).ok());
        let members = members(round, values, tree);
        let references = prepared.as_ref().map_or_else(Vec::new, |p| {
            prepare_references(p, &members, tree, &estimates)
        });
        let kind = interval_kind(self.proportion, settings);
        let cells = (0..tree.len())
            .map(|area| {
                let mut cell = Cell {
                    respondents: None,
                    value: None,
                    mean: None,
                    status: Status::Missing(Reason::NoRespondents),
                    contrasts: [None; 2],
                    change: None,
                };
                match &estimates[area] {
                    None => {}
                    Some(Err(e)) => cell.status = Status::Missing(Reason::Unusable(e.clone())),
                    Some(Ok((m, counted))) => {
                        cell.respondents = Some(m.respondents as f64);
                        cell.value = Some(interval_of(m, kind, levels, self.multiplier));
                        cell.mean = Some(*m);
                        cell.status = Status::Published;
                        if let Some(w) =
                            minimum_numbers(m, self.proportion.then_some(*counted), settings)
                        {
                            cell.withhold(Status::Withheld(Reason::Method(w)));
                            return cell;
                        }
                        if let Some(prepared) = &prepared {
                            cell.contrasts =
                                contrasts(prepared, &members, tree, area, &references, levels);
                        }
                        if let Some((year, Some(Ok((then, _))))) =
                            previous.map(|(y, e)| (y, &e[area]))
                        {
                            let change = Contrast::between(m, then);
                            cell.change = Some((year, change.significance(levels)));
                        }
                    }
                }
                cell
            })
            .collect();
        (cells, estimates)
    }
}

/// Complementary withholding within an area's groups: the groups of one breakdown split the
/// total (men and women; the age groups; each sex over the age groups and each age group
/// over the sexes), so one withheld part of a published whole would follow from the whole
/// and the other parts (closely: the weights are not published, the respondents are). Where
/// exactly one part is withheld, the published part with the fewest respondents is
/// withheld too (as disclosure control's rule, `small-numbers`); repeated until no such
/// part is left.
fn complementary(parts: &mut [(Group, Vec<Cell>)], tree: &Hierarchy) {
    // Each split: the whole's position and the parts' positions in `parts`.
    let groups: Vec<Group> = parts.iter().map(|(g, _)| *g).collect();
    let mut splits: Vec<(usize, Vec<usize>)> = Vec::new();
    for (w, whole) in groups.iter().enumerate() {
        let split = |by_sex: bool| -> Vec<usize> {
            (0..groups.len())
                .filter(|&p| {
                    let part = groups[p];
                    if by_sex {
                        whole.sex == Sex::All && part.sex != Sex::All && part.age == whole.age
                    } else {
                        whole.age.is_none() && part.age.is_some() && part.sex == whole.sex
                    }
                })
                .collect()
        };
        for by_sex in [true, false] {
            let p = split(by_sex);
            if p.len() > 1 {
                splits.push((w, p));
            }
        }
    }
    for &area in &tree.bottom_up {
        loop {
            let mut changed = false;
            for (whole, split) in &splits {
                if !parts[*whole].1[area].published() {
                    continue;
                }
                let withheld = split
                    .iter()
                    .filter(|&&p| {
                        let c = &parts[p].1[area];
                        c.respondents.is_some() && !c.published()
                    })
                    .count();
                if withheld != 1 {
                    continue;
                }
                let smallest = split
                    .iter()
                    .copied()
                    .filter(|&p| parts[p].1[area].published())
                    .min_by(|&a, &b| {
                        let n = |p: usize| parts[p].1[area].respondents.unwrap_or(0.0);
                        n(a).total_cmp(&n(b)).then(a.cmp(&b))
                    });
                if let Some(p) = smallest {
                    parts[p].1[area].withhold(Status::Suppressed(Reason::SmallNumbers));
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// A domain's estimate with its unweighted count of counted answers, or why none could be
/// made; none for an area without respondents.
type Domain = Option<Result<(SurveyMean, f64), String>>;

/// The estimate of every area: one pass over the round per level (every respondent lies
/// in at most one area of it), one per custom area.
fn domains(
    round: &Round,
    design: &Result<Numbered, String>,
    (values, y): (&[Option<f64>], &[f64]),
    tree: &Hierarchy,
) -> Vec<Domain> {
    let mut out: Vec<Domain> = vec![None; tree.len()];
    let mut estimate = |areas: &[usize], groups: &[u32]| {
        let mut counted = vec![0.0; areas.len()];
        for (g, v) in groups.iter().zip(values) {
            if *g != OUTSIDE {
                counted[*g as usize] += v.unwrap_or(0.0);
            }
        }
        let means = design
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|design| design.means_by(y, groups).map_err(|e| e.to_string()));
        match means {
            Ok(means) => {
                for (k, m) in means.into_iter().enumerate() {
                    out[areas[k]] = m.map(|m| Ok((m, counted[k])));
                }
            }
            Err(e) => {
                for &a in areas {
                    out[a] = Some(Err(e.clone()));
                }
            }
        }
    };
    for level in [Level::Buurt, Level::Wijk, Level::Gemeente, Level::Region] {
        let mut areas = Vec::new();
        let mut number: HashMap<usize, u32, FixedState> = HashMap::default();
        let groups: Vec<u32> = round
            .area
            .iter()
            .zip(values)
            .map(|(&a, v)| {
                let Some(at) = v.and(ancestor(tree, a, level)) else {
                    return OUTSIDE;
                };
                *number.entry(at).or_insert_with(|| {
                    areas.push(at);
                    u32::try_from(areas.len() - 1).unwrap_or(OUTSIDE)
                })
            })
            .collect();
        if !areas.is_empty() {
            estimate(&areas, &groups);
        }
    }
    for custom in tree.custom() {
        let members = &tree.members[custom];
        let groups: Vec<u32> = round
            .area
            .iter()
            .zip(values)
            .map(|(a, v)| {
                if v.is_some() && members.binary_search(a).is_ok() {
                    0
                } else {
                    OUTSIDE
                }
            })
            .collect();
        if groups.contains(&0) {
            estimate(&[custom], &groups);
        }
    }
    out
}

impl Round {
    fn design(&self, settings: &SurveySettings) -> Design<'_> {
        Design {
            weights: &self.weights,
            strata: self.strata.as_deref(),
            clusters: self.psus.as_deref(),
            population: self.population.as_deref(),
            lonely_psu: settings.lonely_psu,
        }
    }
}

/// The respondents of every area with a value for the indicator (row numbers of the
/// round): each counts for the area it is known by and those above, and for the custom
/// areas holding its buurt.
fn members(round: &Round, values: &[Option<f64>], tree: &Hierarchy) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); tree.len()];
    let mut custom_of: Vec<Vec<usize>> = vec![Vec::new(); tree.len()];
    for custom in tree.custom() {
        for &b in &tree.members[custom] {
            custom_of[b].push(custom);
        }
    }
    for (i, (&a, v)) in round.area.iter().zip(values).enumerate() {
        if v.is_none() {
            continue;
        }
        for &c in &custom_of[a] {
            out[c].push(i);
        }
        let mut at = Some(a);
        while let Some(area) = at.filter(|&x| tree.level[x] != Level::Country) {
            out[area].push(i);
            at = tree.parent[area];
        }
    }
    out
}

/// The areas an area is contrasted with: the rest of its parent and of its region.
fn references(tree: &Hierarchy, area: usize) -> [Option<usize>; 2] {
    let parent = tree.parent[area].filter(|&p| tree.level[p] != Level::Country);
    let region = tree.region[area].filter(|&r| r != area);
    [parent, region]
}

/// Every area some area is contrasted with, with an estimate, prepared once for all its
/// contrasts ([`Prepared::reference`]).
fn prepare_references(
    prepared: &Prepared,
    members: &[Vec<usize>],
    tree: &Hierarchy,
    estimates: &[Domain],
) -> Vec<Option<Reference>> {
    let mut wanted = vec![false; tree.len()];
    for &area in &tree.bottom_up {
        for r in references(tree, area).into_iter().flatten() {
            wanted[r] = true;
        }
    }
    (0..tree.len())
        .map(|r| {
            (wanted[r] && matches!(estimates[r], Some(Ok(_))))
                .then(|| prepared.reference(&members[r]))
        })
        .collect()
}

/// An area's significance against the rest of its parent and the rest of its region, each
/// where both have an estimate ([`Prepared::contrast_within`]).
fn contrasts(
    prepared: &Prepared,
    members: &[Vec<usize>],
    tree: &Hierarchy,
    area: usize,
    prepared_references: &[Option<Reference>],
    levels: (Confidence, Confidence),
) -> [Option<Significance>; 2] {
    references(tree, area).map(|reference| {
        let reference = prepared_references[reference?].as_ref()?;
        let c = prepared.contrast_within(&members[area], reference).ok()?;
        Some(c.significance(levels))
    })
}

/// The area of `level` that `area` lies in (itself at its own level).
fn ancestor(tree: &Hierarchy, mut area: usize, level: Level) -> Option<usize> {
    loop {
        if tree.level[area] == level {
            return Some(area);
        }
        area = tree.parent[area]?;
    }
}

/// The monitor's minimum numbers: the fewest respondents to the question, and for a
/// proportion the fewest in each answer group (counted, not counted) and no group of one.
fn minimum_numbers(
    m: &SurveyMean,
    counted: Option<f64>,
    settings: &SurveySettings,
) -> Option<Withheld> {
    let n = m.respondents as f64;
    let minimum = f64::from(settings.min_respondents);
    if n < minimum {
        return Some(Withheld::FewRespondents {
            respondents: n,
            minimum,
        });
    }
    let counted = counted?;
    let smallest = counted.min(n - counted);
    let per_answer = f64::from(settings.min_per_answer);
    if smallest < per_answer || (settings.no_group_of_one && smallest == 1.0) {
        return Some(Withheld::SmallAnswerGroup);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Disclosure, ProfileBuilder, Profiles};
    use super::*;
    use crate::catalogue::Polarity;
    use crate::stats::survey::{LonelyPsu, mean};
    use crate::{Inputs, Region};

    const CATALOGUE: &str = r#"
[[theme]]
id = "health"
label_nl = "Gezondheid"
label_en = "Health"

[[indicator]]
id = "ggd_gezondheid"
label_nl = "Ervaren gezondheid (zeer) goed"
label_en = "Good self-rated health"
theme = "health"
source = "ggd"
kind = "proportion"
multiplier = 100
polarity = "higher-better"
age = "18+"
definition = "Adults rating their health good or very good"

[indicator.survey]
question = "GZ01"
counts = [1, 2]
codes = [1, 2, 3, 4, 5]
missing = [9]

[[indicator]]
id = "ggd_score"
label_nl = "Eenzaamheidsscore"
label_en = "Loneliness score"
theme = "health"
source = "ggd"
kind = "mean"
multiplier = 1
polarity = "lower-better"
definition = "Mean loneliness score (0-11)"

[indicator.survey]
question = "EZ"
missing = [99]

[survey]
stratum = "stratum"
psu = "psu"
min_respondents = 4
no_group_of_one = false
"#;

    const AREAS: &str = "code,name,level,parent_code,vintage
NL01,Nederland,country,,2024
GG9901,GGD Test,region,NL01,2024
GM9901,Testgemeente,gemeente,GG9901,2024
WK990101,Centrum,wijk,GM9901,2024
BU99010101,Oud,buurt,WK990101,2024
BU99010102,Nieuw,buurt,WK990101,2024
";

    const POPULATION: &str = "area_code,year,sex,age_band,residents
BU99010101,2024,male,0-64,400
BU99010101,2024,male,65+,100
BU99010101,2024,female,0-64,420
BU99010101,2024,female,65+,130
BU99010102,2024,male,0-64,300
BU99010102,2024,male,65+,80
BU99010102,2024,female,0-64,310
BU99010102,2024,female,65+,90
";

    /// Two strata of two PSUs; buurt Oud has five adults and a 16-year-old, Nieuw three
    /// adults with an answer and one without (9), and one respondent is known by wijk only.
    const RESPONDENTS: &str = "area_code,year,weight,stratum,psu,sex,age,GZ01,EZ
BU99010101,2024,120.5,A,1,female,34,1,2
BU99010101,2024,80.0,A,1,male,71,3,5
BU99010101,2024,95.2,A,2,female,45,2,99
BU99010101,2024,130.0,A,2,male,29,1,1
BU99010101,2024,75.5,B,3,female,58,2,0
BU99010101,2024,50.0,B,3,male,16,4,3
BU99010102,2024,140.0,B,3,male,19,9,4
BU99010102,2024,60.7,B,4,female,52,4,7
BU99010102,2024,110.0,B,4,male,66,1,2
BU99010102,2024,88.8,A,1,female,40,2,3
WK990101,2024,101.3,B,4,female,80,2,6
";

    fn build(catalogue: &str) -> Profiles {
        build_with(catalogue, Disclosure::off())
    }

    fn build_with(catalogue: &str, disclosure: Disclosure) -> Profiles {
        let files = [
            ("dataset.toml", "name = \"Test\"\nsynthetic = true\n"),
            ("catalogue.toml", catalogue),
            ("areas.csv", AREAS),
            ("population.csv", POPULATION),
            ("respondents.csv", RESPONDENTS),
        ]
        .iter()
        .map(|(n, t)| ((*n).to_owned(), t.as_bytes().to_vec()))
        .collect();
        let region = Region::from_inputs(&Inputs::from_files("test".into(), files)).expect("valid");
        ProfileBuilder::new()
            .disclosure(disclosure)
            .build(&region)
            .expect("build")
    }

    fn figure<'a>(p: &'a Profiles, code: &str, indicator: usize) -> &'a Figure {
        p.figures_of(code)
            .iter()
            .find(|f| f.indicator == indicator)
            .expect("figure")
    }

    /// The fixture's design and answers (proportion of `counts`, or the answer itself).
    fn arrays(answer: usize, counts: Option<&[f64]>) -> (Vec<f64>, Vec<u32>, Vec<u32>, Vec<f64>) {
        let lines: Vec<Vec<&str>> = RESPONDENTS
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        let number = |l: &Vec<&str>, k: usize| l[k].parse::<f64>().expect("number");
        let y = lines
            .iter()
            .map(|l| {
                let a = number(l, answer);
                counts.map_or(a, |c| f64::from(u8::from(c.contains(&a))))
            })
            .collect();
        (
            lines.iter().map(|l| number(l, 2)).collect(),
            lines.iter().map(|l| u32::from(l[3] == "B")).collect(),
            lines.iter().map(|l| l[4].parse().expect("psu")).collect(),
            y,
        )
    }

    #[test]
    fn areas_are_judged_against_the_rest_of_their_reference() {
        let p = build(CATALOGUE);
        let (weights, strata, psus, y) = arrays(7, Some(&[1.0, 2.0]));
        let design = design(&weights, &strata, &psus);
        let rows =
            |of: &[usize]| -> Vec<bool> { (0..weights.len()).map(|i| of.contains(&i)).collect() };
        let (oud, wijk) = (rows(&[0, 1, 2, 3, 4]), rows(&[0, 1, 2, 3, 4, 7, 8, 9, 10]));
        let c = crate::stats::survey::contrast(&design, &y, &oud, &wijk).expect("contrast");
        let f = figure(&p, "BU99010101", 0);
        let levels = (Confidence::C95, Confidence::C998);
        assert_eq!(f.contrasts[0], Some(c.significance(levels)));
        assert_eq!(
            f.standing.parent.judgement,
            c.significance(levels).judge(Polarity::HigherBetter)
        );
        // The wijk is the whole gemeente and region: no rest to contrast with.
        assert_eq!(figure(&p, "WK990101", 0).contrasts, [None, None]);
    }

    #[test]
    fn an_area_is_judged_against_its_previous_round() {
        // A 2022 round of the same sample with answers 1 and 4, 2 and 5 swapped: counting
        // 1-2 in 2022 is counting 4-5 in 2024.
        fn swap(a: &str) -> &str {
            match a {
                "1" => "4",
                "4" => "1",
                "2" => "5",
                "5" => "2",
                other => other,
            }
        }
        let earlier: String = RESPONDENTS
            .lines()
            .skip(1)
            .map(|l| {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells[1] = "2022";
                cells[7] = swap(cells[7]);
                format!("{}\n", cells.join(","))
            })
            .collect();
        let files = [
            (
                "dataset.toml",
                "name = \"Test\"\nsynthetic = true\n".to_owned(),
            ),
            ("catalogue.toml", CATALOGUE.to_owned()),
            ("areas.csv", AREAS.to_owned()),
            ("population.csv", POPULATION.to_owned()),
            ("respondents.csv", format!("{RESPONDENTS}{earlier}")),
        ]
        .into_iter()
        .map(|(n, t)| (n.to_owned(), t.into_bytes()))
        .collect();
        let region = Region::from_inputs(&Inputs::from_files("test".into(), files)).expect("valid");
        let p = ProfileBuilder::new()
            .disclosure(Disclosure::off())
            .build(&region)
            .expect("build");
        let wijk = [0, 1, 2, 3, 4, 7, 8, 9, 10];
        let (now, then) = (
            direct(7, &wijk, Some(&[1.0, 2.0])),
            direct(7, &wijk, Some(&[4.0, 5.0])),
        );
        let levels = (Confidence::C95, Confidence::C998);
        let change = Contrast::between(&now, &then).significance(levels);
        let of = |year: i32| {
            p.figures_of("WK990101")
                .iter()
                .find(|f| f.indicator == 0 && f.year == year)
                .expect("figure")
        };
        let latest = of(2024);
        assert_eq!(latest.change, Some((2022, change)));
        assert_eq!(latest.standing.previous_year, Some(2022));
        assert_eq!(
            latest.standing.previous.value,
            of(2022).value.map(|v| v.value)
        );
        assert_eq!(
            latest.standing.previous.judgement,
            change.judge(Polarity::HigherBetter)
        );
        // The first round has none.
        assert_eq!(
            (of(2022).change, of(2022).standing.previous_year),
            (None, None)
        );
    }

    /// The long table's row of an area, indicator and group (2024).
    fn row<'a>(p: &'a Profiles, code: &str, indicator: usize, group: Group) -> &'a Estimate {
        let area = p.area_index(code).expect("area");
        p.survey
            .iter()
            .find(|e| e.area == area && e.indicator == indicator && e.group == group)
            .expect("row")
    }

    const FEMALE: Group = Group {
        sex: Sex::Female,
        age: None,
    };
    const MALE: Group = Group {
        sex: Sex::Male,
        age: None,
    };
    const YOUNGER: Group = Group {
        sex: Sex::All,
        age: Some(AgeBand::closed(18, 64)),
    };
    const OLDER: Group = Group {
        sex: Sex::All,
        age: Some(AgeBand::open(65)),
    };

    #[test]
    fn each_group_of_the_long_table_is_a_domain_of_the_whole_design() {
        let p = build(&CATALOGUE.replace("min_respondents = 4", "min_respondents = 2"));
        // The wijk's women (adults, with an answer), and its respondents of 65 and over.
        for (group, rows) in [(FEMALE, &[0, 2, 4, 7, 9, 10][..]), (OLDER, &[1, 8, 10])] {
            let m = direct(7, rows, Some(&[1.0, 2.0]));
            let e = row(&p, "WK990101", 0, group);
            assert_eq!(e.status, Status::Published, "{group:?}");
            assert_eq!(e.respondents, Some(rows.len() as f64));
            let v = e.value.expect("published");
            assert!(close(v.value, 100.0 * m.value), "{group:?}: {v:?} {m:?}");
            assert!(close(e.se.expect("se"), 100.0 * m.se));
            assert_eq!(e.deff, m.deff);
        }
        // The total is the profile's figure.
        let total = row(&p, "WK990101", 0, Group::TOTAL);
        assert_eq!(total.value, figure(&p, "WK990101", 0).value);
        // A mean has the same groups: the women's loneliness score (any age, not 99).
        let m = direct(8, &[0, 4, 7, 9, 10], None);
        let v = row(&p, "WK990101", 1, FEMALE).value.expect("published");
        assert!(close(v.value, m.value), "{v:?} {m:?}");
    }

    #[test]
    fn a_withheld_group_withholds_another_part_of_its_whole() {
        // At least 4 respondents: the wijk's 3 men and its 3 respondents of 65 and over
        // fall short; the women (6) and those under 65 (6) would be published, but with
        // the total they would give the men's and the older ones' values nearly away.
        let p = build(CATALOGUE);
        assert_eq!(
            row(&p, "WK990101", 0, Group::TOTAL).status,
            Status::Published
        );
        for group in [MALE, OLDER] {
            let e = row(&p, "WK990101", 0, group);
            assert!(
                matches!(e.status, Status::Withheld(Reason::Method(_))),
                "{e:?}"
            );
            assert_eq!((e.respondents, e.value), (Some(3.0), None));
        }
        for group in [FEMALE, YOUNGER] {
            let e = row(&p, "WK990101", 0, group);
            assert_eq!(e.status, Status::Suppressed(Reason::SmallNumbers), "{e:?}");
            assert_eq!((e.value, e.se, e.contrasts), (None, None, [None, None]));
        }
        let table = p.monitor_table().expect("table");
        assert_eq!(table.height(), p.survey.len());
        assert!(table.column("vs_region").is_ok() && table.column("lower_95").is_ok());
    }

    #[test]
    fn the_groups_follow_the_catalogue() {
        let settings: SurveySettings = toml::from_str(
            "breakdowns = [\"sex-age\", \"sex\"]\nage_groups = [\"18-39\", \"40+\"]",
        )
        .expect("settings");
        let groups: Vec<String> = Group::all(&settings)
            .iter()
            .map(|g| {
                format!(
                    "{}/{}",
                    g.sex.as_str(),
                    g.age.map_or(String::new(), |a| a.to_string())
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                "all/",
                "male/18-39",
                "female/18-39",
                "male/40+",
                "female/40+",
                "male/",
                "female/"
            ]
        );
        let bad = toml::from_str::<SurveySettings>("age_groups = [\"old\"]").expect_err("bad");
        assert!(
            bad.to_string()
                .contains("`age_groups`: `old` is not an age group"),
            "{bad}"
        );
        assert_eq!(
            Group::all(&SurveySettings::default()),
            [Group::TOTAL, MALE, FEMALE, YOUNGER, OLDER]
        );
    }

    /// The oracle: `stats::survey::mean` over the fixture's rows in a domain.
    fn direct(answer: usize, rows: &[usize], counts: Option<&[f64]>) -> SurveyMean {
        let (weights, strata, psus, y) = arrays(answer, counts);
        let domain: Vec<bool> = (0..weights.len()).map(|i| rows.contains(&i)).collect();
        mean(&design(&weights, &strata, &psus), &y, Some(&domain)).expect("estimate")
    }

    /// The fixture's design: strata A and B, their PSUs.
    fn design<'a>(weights: &'a [f64], strata: &'a [u32], psus: &'a [u32]) -> Design<'a> {
        Design {
            weights,
            strata: Some(strata),
            clusters: Some(psus),
            population: None,
            lonely_psu: LonelyPsu::Fail,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn areas_are_domains_of_the_whole_design() {
        let p = build(CATALOGUE);
        // Oud: adults only (not the 16-year-old); every answer counts.
        let oud = figure(&p, "BU99010101", 0);
        let m = direct(7, &[0, 1, 2, 3, 4], Some(&[1.0, 2.0]));
        assert_eq!(oud.method, Method::SurveyDesign);
        assert_eq!(oud.denominator, Some(5.0));
        let v = oud.value.expect("published");
        assert!(close(v.value, 100.0 * m.value), "{v:?} {m:?}");
        let logit = m.logit(Confidence::C95);
        assert!(close(v.lower, 100.0 * logit.lower) && close(v.upper, 100.0 * logit.upper));
        // The wijk holds its buurten's adults with an answer and the respondent known by
        // wijk only (not the 16-year-old, not the missing answer 9).
        let wijk = figure(&p, "WK990101", 0);
        let m = direct(7, &[0, 1, 2, 3, 4, 7, 8, 9, 10], Some(&[1.0, 2.0]));
        assert_eq!(wijk.denominator, Some(9.0));
        assert!(close(wijk.value.expect("wijk").value, 100.0 * m.value));
        // The gemeente and the region are the same respondents.
        for code in ["GM9901", "GG9901"] {
            assert_eq!(figure(&p, code, 0).value, wijk.value, "{code}");
        }
        // A mean of answers, all ages, missing code 99 left out: a Wald interval.
        let score = figure(&p, "BU99010101", 1);
        let m = direct(8, &[0, 1, 3, 4, 5], None);
        let v = score.value.expect("mean");
        assert!(close(v.value, m.value) && close(v.lower, m.wald(Confidence::C95).lower));
    }

    #[test]
    fn a_proportion_takes_the_interval_the_survey_section_names() {
        let catalogue = CATALOGUE.replace("[survey]\n", "[survey]\ninterval = \"korn-graubard\"\n");
        let p = build(&catalogue);
        let m = direct(7, &[0, 1, 2, 3, 4], Some(&[1.0, 2.0]));
        let v = figure(&p, "BU99010101", 0).value.expect("published");
        let kg = m.korn_graubard(Confidence::C95);
        assert!(
            close(v.lower, 100.0 * kg.lower) && close(v.upper, 100.0 * kg.upper),
            "{v:?}"
        );
        assert!(!close(v.lower, 100.0 * m.logit(Confidence::C95).lower));
        // A mean keeps Wald's.
        let score = figure(&p, "BU99010101", 1).value.expect("mean");
        let m = direct(8, &[0, 1, 3, 4, 5], None);
        assert!(close(score.lower, m.wald(Confidence::C95).lower));
    }

    #[test]
    fn with_rounded_counts_the_interval_takes_the_rounded_respondents() {
        // Korn–Graubard's interval takes t(n − 1): at the true respondents, its two levels
        // would give n back where the published n is rounded.
        let catalogue = CATALOGUE.replace("[survey]\n", "[survey]\ninterval = \"korn-graubard\"\n");
        let rounding = Disclosure {
            round_to: Some(5.0),
            min_count: 1.0,
            min_denominator: 1.0,
            min_denominator_percent: 1.0,
            allow_loosening: true,
            ..Disclosure::default()
        };
        let p = build_with(&catalogue, rounding);
        // The wijk's nine respondents, published as 10.
        let wijk = figure(&p, "WK990101", 0);
        assert_eq!(wijk.denominator, Some(10.0));
        let m = direct(7, &[0, 1, 2, 3, 4, 7, 8, 9, 10], Some(&[1.0, 2.0]));
        let at = |n: usize| {
            SurveyMean {
                respondents: n,
                ..m
            }
            .korn_graubard(Confidence::C95)
        };
        let v = wijk.value.expect("published");
        assert!(close(v.lower, 100.0 * at(10).lower), "{v:?}");
        assert!(!close(v.lower, 100.0 * at(9).lower));
        let row = p
            .monitor_estimates()
            .iter()
            .find(|e| {
                e.area == p.area_index("WK990101").expect("wijk")
                    && e.indicator == 0
                    && e.group == Group::TOTAL
            })
            .expect("row");
        assert_eq!(row.respondents, Some(10.0));
        let deff = row.deff.expect("deff");
        assert!(close(row.effective_n.expect("effective n"), 10.0 / deff));
    }

    #[test]
    fn minimum_numbers_withhold_and_say_why() {
        let p = build(CATALOGUE);
        // Nieuw: three adults answered (fewer than 4).
        let nieuw = figure(&p, "BU99010102", 0);
        assert_eq!(nieuw.value, None);
        assert_eq!(
            nieuw.status,
            Status::Withheld(Reason::Method(Withheld::FewRespondents {
                respondents: 3.0,
                minimum: 4.0
            }))
        );
        // Oud's five: one answer "not good" (3) is a group of one.
        let strict = CATALOGUE.replace("no_group_of_one = false\n", "");
        let oud = figure(&build(&strict), "BU99010101", 0).clone();
        assert_eq!(
            oud.status,
            Status::Withheld(Reason::Method(Withheld::SmallAnswerGroup))
        );
        assert!(figure(&p, "BU99010101", 0).is_published());
        // 30/5: fewer than 5 in an answer group withholds the wijk too (two "not good").
        let five = CATALOGUE.replace(
            "min_respondents = 4",
            "min_respondents = 4\nmin_per_answer = 5",
        );
        let wijk = figure(&build(&five), "WK990101", 0).clone();
        assert_eq!(
            wijk.status,
            Status::Withheld(Reason::Method(Withheld::SmallAnswerGroup))
        );
        // Means have no answer groups.
        assert!(figure(&build(&five), "WK990101", 1).is_published());
    }
}
