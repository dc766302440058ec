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

use std::collections::HashMap;

use foldhash::fast::FixedState;
use polars::prelude::*;

use super::figure::{Figure, Intervals, Method, Mode, Reason, Status};
use super::hierarchy::Hierarchy;
use super::population::Residents;
use crate::catalogue::SurveySettings;
use crate::stats::survey::{Contrast, Design, Interval, OUTSIDE, Prepared, SurveyMean, means_by};
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

/// Every figure of a GGD indicator with a `survey` question, for the areas below the
/// country, smallest level first, a round at a time.
pub(crate) fn figures(
    monitor: &Monitor,
    tree: &Hierarchy,
    residents: &Residents,
    indicator: (usize, &Indicator),
    settings: &SurveySettings,
    levels: (Confidence, Confidence),
) -> Vec<Figure> {
    let (index, ind) = indicator;
    let Some(question) = &ind.survey else {
        return Vec::new();
    };
    let scope: AgeBand = ind.age.parse().unwrap_or(AgeBand::open(0));
    let sex: Sex = ind.sex.parse().unwrap_or(Sex::All);
    let mask = residents.cells.in_scope(&scope, sex);
    let mut out = Vec::with_capacity(monitor.rounds.len() * tree.bottom_up.len());
    // The previous round's year and estimates, for each area's change since then.
    let mut previous: Option<(i32, Vec<Domain>)> = None;
    for round in &monitor.rounds {
        let Some(answers) = round.answers.get(&question.question) else {
            continue;
        };
        // Each respondent's value for the indicator, or none when outside its scope.
        let values: Vec<Option<f64>> = (0..round.area.len())
            .map(|i| {
                let in_age = scope == AgeBand::open(0)
                    || round.age[i].is_some_and(|a| {
                        u8::try_from(a).is_ok_and(|a| scope.contains(&AgeBand::closed(a, a)))
                    });
                let in_sex = sex == Sex::All || round.sex[i] == Some(sex);
                let answer = answers[i].filter(|&a| in_age && in_sex && !question.is_missing(a))?;
                Some(match ind.kind {
                    Kind::Mean => answer,
                    _ => f64::from(u8::from(
                        question.counts.iter().any(|&c| c as f64 == answer),
                    )),
                })
            })
            .collect();
        let design = round.design(settings);
        let y: Vec<f64> = values.iter().map(|v| v.unwrap_or(0.0)).collect();
        let estimates = domains(round, &design, (&values, &y), tree);
        let prepared = Prepared::new(&design, &y);
        let members = members(round, &values, tree);
        let population = residents.year_for(round.year);
        for &area in &tree.bottom_up {
            let mut f = Figure::missing(
                area,
                index,
                round.year,
                Mode::Residence,
                Method::SurveyDesign,
            );
            f.residents = population.map(|y| residents.sum(area, y, &mask));
            match &estimates[area] {
                None => f.status = Status::Missing(Reason::NoRespondents),
                Some(Err(e)) => f.status = Status::Missing(Reason::Unusable(e.clone())),
                Some(Ok((m, counted))) => {
                    f.denominator = Some(m.respondents as f64);
                    let proportion = ind.kind == Kind::Proportion;
                    let kind = if proportion {
                        settings.interval
                    } else {
                        Interval::Wald
                    };
                    let at = |c: Confidence| m.interval(kind, c);
                    f.value = Some(
                        Intervals::from_pair(at(levels.0), at(levels.1)).scaled(ind.multiplier),
                    );
                    f.crude = f.value;
                    f.status = minimum_numbers(m, proportion.then_some(*counted), settings)
                        .map_or(Status::Published, |w| Status::Withheld(Reason::Method(w)));
                    if f.is_published() {
                        if let Ok(prepared) = &prepared {
                            f.contrasts =
                                contrasts(prepared, &members, tree, area, &estimates, levels);
                        }
                        if let Some((year, Some(Ok((then, _))))) =
                            previous.as_ref().map(|(y, e)| (*y, &e[area]))
                        {
                            let change = Contrast::between(m, then);
                            f.change = Some((year, change.significance(levels)));
                        }
                    } else {
                        f.value = None;
                        f.crude = None;
                    }
                }
            }
            out.push(f);
        }
        previous = Some((round.year, estimates));
    }
    out
}

/// A domain's estimate with its unweighted count of counted answers, or why none could be
/// made; none for an area without respondents.
type Domain = Option<Result<(SurveyMean, f64), String>>;

/// The estimate of every area: one pass over the round per level (every respondent lies
/// in at most one area of it), one per custom area.
fn domains(
    round: &Round,
    design: &Design,
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
        match means_by(design, y, groups) {
            Ok(means) => {
                for (k, m) in means.into_iter().enumerate() {
                    out[areas[k]] = m.map(|m| Ok((m, counted[k])));
                }
            }
            Err(e) => {
                for &a in areas {
                    out[a] = Some(Err(e.to_string()));
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

/// An area's significance against the rest of its parent and the rest of its region, each
/// where both have an estimate ([`Prepared::contrast`]).
fn contrasts(
    prepared: &Prepared,
    members: &[Vec<usize>],
    tree: &Hierarchy,
    area: usize,
    estimates: &[Domain],
    levels: (Confidence, Confidence),
) -> [Option<crate::stats::compare::Significance>; 2] {
    let parent = tree.parent[area].filter(|&p| tree.level[p] != Level::Country);
    let region = tree.region[area].filter(|&r| r != area);
    [parent, region].map(|reference| {
        let reference = reference.filter(|&r| matches!(estimates[r], Some(Ok(_))))?;
        let c = prepared
            .contrast(&members[area], &members[reference])
            .ok()?;
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
            .disclosure(Disclosure::off())
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
