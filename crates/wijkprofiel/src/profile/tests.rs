//! The engine on the demo region: identities, standardisation, disclosure, GGD aggregation,
//! placement, priorities, determinism and snapshots.

use std::collections::HashMap;
use std::sync::OnceLock;

use polars::prelude::*;

use super::*;
use crate::stats::compare::Judgement;
use crate::stats::dsr::{Dsr, Stratum};
use crate::{AgeBand, TableName};

fn region() -> &'static Region {
    static REGION: OnceLock<Region> = OnceLock::new();
    REGION.get_or_init(|| Region::demo().expect("demo"))
}

fn profiles() -> &'static Profiles {
    static PROFILES: OnceLock<Profiles> = OnceLock::new();
    PROFILES.get_or_init(|| ProfileBuilder::new().build(region()).expect("build"))
}

fn figure<'a>(p: &'a Profiles, code: &str, indicator: &str, year: i32, mode: Mode) -> &'a Figure {
    let i = p
        .catalogue()
        .indicators()
        .iter()
        .position(|ind| ind.id == indicator)
        .expect("indicator");
    p.figures_of(code)
        .iter()
        .find(|f| f.indicator == i && f.year == year && f.mode == mode)
        .unwrap_or_else(|| panic!("{code} {indicator} {year} {mode:?}"))
}

#[test]
fn numerators_add_up_the_tree_where_nothing_is_suppressed() {
    let p = ProfileBuilder::new()
        .disclosure(Disclosure::off())
        .build(region())
        .expect("build");
    let mut checked = 0;
    for parent in p
        .areas()
        .filter(|a| matches!(a.level, Level::Wijk | Level::Gemeente))
    {
        let children: Vec<&Area> = p
            .areas()
            .filter(|a| a.parent.as_deref() == Some(parent.code.as_str()))
            .collect();
        for ind in ["gp_diabetes", "gp_depressie"] {
            let whole = figure(&p, &parent.code, ind, 2024, Mode::Residence);
            let parts: Option<f64> = children
                .iter()
                .map(|c| {
                    figure(&p, &c.code, ind, 2024, Mode::Residence)
                        .numerator
                        .or(Some(0.0))
                })
                .sum();
            assert_eq!(whole.numerator, parts, "{} {ind}", parent.code);
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (60 + 8));

    // With disclosure on, every published buurt's numerator still adds into its wijk's.
    let safe = profiles();
    let wijk = figure(safe, "WK990100", "gp_diabetes", 2024, Mode::Residence);
    let open = figure(&p, "WK990100", "gp_diabetes", 2024, Mode::Residence);
    assert_eq!(wijk.numerator, open.numerator);
}

#[test]
fn the_region_dsr_is_the_dsr_of_the_region_totals() {
    // Independently: sum the raw counts over practices, buurten and sexes per band.
    let counts = region().frame(TableName::GpCounts).expect("gp counts");
    let bands = counts
        .lazy()
        .filter(
            col("indicator")
                .eq(lit("gp_hypertensie"))
                .and(col("year").eq(lit(2023))),
        )
        .group_by([col("age_band")])
        .agg([col("numerator").sum(), col("denominator").sum()])
        .collect()
        .expect("group");
    let strata: Vec<Stratum> = (0..bands.height())
        .map(|i| {
            let get = |c: &str| bands.column(c).expect("column").get(i).expect("row");
            let band = match get("age_band") {
                AnyValue::String(s) => s.parse().expect("band"),
                other => panic!("{other:?}"),
            };
            let number = |v: AnyValue| v.extract::<f64>().expect("number");
            Stratum {
                band,
                events: number(get("numerator")),
                population: number(get("denominator")),
            }
        })
        .collect();
    let dsr = Dsr::new(&strata, &StandardPopulation::esp2013()).expect("dsr");
    let direct = dsr
        .estimate(Confidence::C95)
        .expect("enough events")
        .scaled(1000.0);
    let engine = figure(
        profiles(),
        "GG9901",
        "gp_hypertensie",
        2023,
        Mode::Residence,
    );
    let v = engine.value.expect("published");
    for (a, b) in [
        (v.value, direct.value),
        (v.lower, direct.lower),
        (v.upper, direct.upper),
    ] {
        assert!((a - b).abs() < 1e-9 * b, "{a} {b}");
    }
    assert_eq!(engine.method, Method::Dsr);
}

#[test]
fn crude_and_standardised_comparisons_point_different_ways_in_the_student_and_elderly_wijken() {
    let p = profiles();
    for ind in ["gp_diabetes", "gp_hypertensie", "gp_hartfalen"] {
        // The elderly village: many old residents make the crude rate high, but for its age
        // structure it is well off.
        let village = figure(p, "WK990602", ind, 2024, Mode::Residence);
        assert!(
            matches!(
                village.standing.crude_region.judgement,
                Judgement::Worse | Judgement::Worst
            ),
            "{ind}: crude {:?}",
            village.standing.crude_region
        );
        assert!(
            matches!(
                village.standing.region.judgement,
                Judgement::Better | Judgement::Best
            ),
            "{ind}: standardised {:?}",
            village.standing.region
        );
    }
    for ind in ["gp_diabetes", "gp_hypertensie"] {
        // The student wijk: young residents make the crude rate low; standardised it is high.
        let students = figure(p, "WK990103", ind, 2024, Mode::Residence);
        assert!(matches!(
            students.standing.crude_region.judgement,
            Judgement::Better | Judgement::Best
        ));
        assert!(matches!(
            students.standing.region.judgement,
            Judgement::Worse | Judgement::Worst
        ));
    }
}

#[test]
fn disclosure_hides_small_cells_and_says_why() {
    let p = profiles();
    let mut suppressed = 0;
    for f in p.figures() {
        if f.is_published() {
            let ind = &p.catalogue().indicators()[f.indicator];
            if ind.source != Source::Ggd {
                assert!(f.numerator.is_none_or(|x| x == 0.0 || x >= 10.0), "{f:?}");
            }
            // Estimates from the monitor's respondents follow its minimum numbers.
            let minimum = match (f.method, ind.multiplier) {
                (Method::SurveyDesign, _) => f64::from(p.catalogue().survey().min_respondents),
                (_, 100.0) => 100.0,
                _ => 50.0,
            };
            assert!(f.denominator.is_none_or(|n| n >= minimum), "{f:?}");
        }
        if let Status::Suppressed(reason) = &f.status {
            suppressed += 1;
            // One public reason for every rule, so that it tells no small count from
            // others; the owner's audit has the rule.
            assert_eq!(*reason, Reason::SmallNumbers);
            assert!(!f.suppression.is_empty(), "{f:?}");
            assert!(f.value.is_none() && f.numerator.is_none() && f.crude.is_none());
            assert_eq!(f.standing.rank, None);
        }
    }
    assert_eq!(suppressed, p.summary().suppressed);
    assert!(suppressed > 100, "the demo has small buurten: {suppressed}");
    let complementary = p.summary().withheld_counts.complementary;
    assert!(complementary > 50, "secondary suppression: {complementary}");
    let open = ProfileBuilder::new()
        .disclosure(Disclosure::off())
        .build(region())
        .expect("build");
    assert_eq!(open.summary().suppressed, 0);
    assert!(open.summary().published > p.summary().published);
}

#[test]
fn ggd_estimates_are_given_or_weighted_by_the_age_group_population() {
    let p = profiles();
    // A gemeente's estimate is taken as given (with respondents: Wilson on them).
    let given = figure(p, "GM9901", "ggd_eenzaam", 2024, Mode::Residence);
    assert_eq!(given.method, Method::GgdRespondents);
    assert_eq!(given.denominator, Some(4830.0));
    assert!((given.value.expect("value").value - 49.5).abs() < 1e-9);
    // The region has no estimate: the gemeenten's, weighted by residents aged 18+.
    let region = figure(p, "GG9901", "ggd_eenzaam", 2024, Mode::Residence);
    assert_eq!(region.method, Method::GgdWeighted);
    let gemeenten: Vec<&Figure> = p
        .areas()
        .filter(|a| a.level == Level::Gemeente)
        .map(|a| figure(p, &a.code, "ggd_eenzaam", 2024, Mode::Residence))
        .collect();
    let weight: f64 = gemeenten
        .iter()
        .map(|f| f.residents.expect("residents"))
        .sum();
    let mean: f64 = gemeenten
        .iter()
        .map(|f| f.residents.expect("residents") * f.value.expect("value").value)
        .sum::<f64>()
        / weight;
    let v = region.value.expect("value");
    assert!((v.value - mean).abs() < 1e-9);
    assert_eq!(region.residents, Some(weight));
    assert!(v.lower < v.value && v.value < v.upper && v.lower_outer < v.lower);
    // Narrower than any gemeente's interval: the estimates are combined.
    let widest_part = gemeenten
        .iter()
        .map(|f| f.value.expect("value").upper - f.value.expect("value").lower)
        .fold(f64::INFINITY, f64::min);
    assert!(v.upper - v.lower < widest_part);
}

#[test]
fn practices_stand_for_their_wijk() {
    let p = profiles();
    let region = region();
    // Independently: each practice's whole list in 2024, summed per wijk of its location.
    let counts = region.frame(TableName::GpCounts).expect("gp counts");
    let mut listed: HashMap<String, f64> = HashMap::new();
    let ids = counts.column("practice_id").expect("c").str().expect("s");
    let years = counts.column("year").expect("c").i32().expect("i");
    let inds = counts.column("indicator").expect("c").str().expect("s");
    let dens = counts.column("denominator").expect("c").i64().expect("i");
    for (((id, y), ind), d) in ids
        .iter()
        .zip(years.iter())
        .zip(inds.iter())
        .zip(dens.iter())
    {
        if y == Some(2024) && ind == Some("gp_diabetes") {
            let d = d.unwrap_or(0) as f64;
            *listed.entry(id.unwrap_or_default().to_owned()).or_default() += d;
        }
    }
    let mut per_wijk: HashMap<String, f64> = HashMap::new();
    for place in &p.practices {
        let wijk = place
            .wijk
            .clone()
            .expect("every demo practice lies in a wijk");
        *per_wijk.entry(wijk).or_default() += listed.get(&place.id).copied().unwrap_or(0.0);
    }
    assert!(per_wijk.len() > 5);
    for (wijk, n) in per_wijk {
        let f = figure(p, &wijk, "gp_diabetes", 2024, Mode::Practice);
        assert_eq!(f.denominator, Some(n), "{wijk}");
    }
    assert_eq!(p.summary().unplaced_practices, 0);
    // Each document lists the practices located inside the area, and only those.
    for area in p.areas().filter(|a| a.level == Level::Wijk) {
        let doc = p.document(&area.code).expect("document");
        let expected: Vec<&str> = p
            .practices
            .iter()
            .filter(|pl| pl.wijk.as_deref() == Some(area.code.as_str()))
            .map(|pl| pl.id.as_str())
            .collect();
        let listed: Vec<&str> = doc.practices.iter().map(|pl| pl.id.as_str()).collect();
        assert_eq!(listed, expected, "{}", area.code);
    }
    let all = p.document("GG9901").expect("document").practices.len();
    assert_eq!(all, region.practices.len());
}

/// Practice mode: listed patients are the practices' lists added together, also when two
/// practices lie in one buurt (a practice's list per sex × band: its largest denominator of
/// any indicator, summed over the buurten its patients live in).
#[test]
fn practice_lists_add_up_when_practices_share_a_buurt() {
    let mut region = region().clone();
    let moved = region.practices[0].location;
    region.practices[1].location = moved;
    let p = ProfileBuilder::new().build(&region).expect("build");
    assert_eq!(p.practices[0].buurt, p.practices[1].buurt);
    // Independently from the rows: per practice, sex and band the largest over indicators
    // of the denominators summed over buurten, in 2024.
    let counts = region.frame(TableName::GpCounts).expect("gp counts");
    let text = |name: &str| -> Vec<String> {
        let column = counts.column(name).expect("column").str().expect("text");
        column
            .iter()
            .map(|v| v.unwrap_or_default().to_owned())
            .collect()
    };
    let (ids, inds, sexes, bands) = (
        text("practice_id"),
        text("indicator"),
        text("sex"),
        text("age_band"),
    );
    let years = counts.column("year").expect("c").i32().expect("i");
    let dens = counts.column("denominator").expect("c").i64().expect("i");
    let mut per_indicator: HashMap<(&str, &str, &str, &str), f64> = HashMap::new();
    for (row, (y, d)) in years.iter().zip(dens.iter()).enumerate() {
        if y == Some(2024) {
            let d = d.unwrap_or(0) as f64;
            let key = (&*ids[row], &*inds[row], &*sexes[row], &*bands[row]);
            *per_indicator.entry(key).or_default() += d;
        }
    }
    let mut largest: HashMap<(&str, &str, &str), f64> = HashMap::new();
    for ((id, _, sex, band), d) in per_indicator {
        let most = largest.entry((id, sex, band)).or_default();
        *most = most.max(d);
    }
    let mut list: HashMap<&str, f64> = HashMap::new();
    for ((id, _, _), d) in largest {
        *list.entry(id).or_default() += d;
    }
    let mut per_wijk: HashMap<&str, f64> = HashMap::new();
    for place in &p.practices {
        let wijk = place.wijk.as_deref().expect("in a wijk");
        *per_wijk.entry(wijk).or_default() += list.get(place.id.as_str()).copied().unwrap_or(0.0);
    }
    let shared = p.practices[0].wijk.as_deref().expect("in a wijk");
    for (wijk, n) in per_wijk {
        let f = figure(&p, wijk, "gp_diabetes", 2024, Mode::Practice);
        assert_eq!(f.listed, Some(n), "{wijk} (shared buurt in {shared})");
    }
}

#[test]
fn priority_themes_are_ranked_by_worse_indicators_then_excess() {
    let p = profiles();
    let doc = p.document("WK990103").expect("document");
    let themes = &doc.themes;
    assert!(!themes.is_empty());
    for pair in themes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            a.worse.len() > b.worse.len()
                || (a.worse.len() == b.worse.len() && a.excess >= b.excess),
            "{a:?} before {b:?}"
        );
    }
    assert_eq!(themes[0].rank, 1);
    // The student wijk's chronic and mental GP figures are worse than national.
    assert!(
        themes
            .iter()
            .take(2)
            .any(|t| t.theme == "chronic" || t.theme == "mental")
    );
}

#[test]
fn the_social_map_shows_who_works_in_the_wijk() {
    let p = profiles();
    let doc = p.document("WK990100").expect("document");
    let map = &doc.social_map;
    assert_eq!(map.scope, "WK990100");
    let listed: usize = map.roles.values().sum();
    assert_eq!(listed, map.providers.len());
    let complete = TRIANGLE.iter().all(|r| map.roles.contains_key(r));
    assert_eq!(complete, map.triangle_missing.is_empty());
    assert_eq!(map.wijken_with_triangle, (usize::from(complete), 1));
    // A buurt shows its wijk's map; a gemeente counts its wijken.
    let buurt = p.document("BU99010000").expect("document");
    assert_eq!(buurt.social_map.scope, "WK990100");
    let gemeente = p.document("GM9901").expect("document");
    assert!(gemeente.social_map.providers.is_empty());
    assert!(gemeente.social_map.wijken_with_triangle.1 > 1);
    // A project named at the gemeente runs in each of its wijken.
    let in_gemeente: Vec<&ProjectEntry> = gemeente.social_map.projects.values().flatten().collect();
    assert!(
        in_gemeente
            .iter()
            .any(|pr| pr.areas.contains(&"GM9901".to_owned()))
            && map
                .projects
                .values()
                .flatten()
                .any(|pr| pr.areas.contains(&"GM9901".to_owned()))
    );
}

#[test]
fn context_has_residents_pyramid_and_density() {
    let p = profiles();
    let doc = p.document("GM9901").expect("document");
    let c = doc.context.expect("context");
    let pyramid: f64 = c
        .pyramid
        .iter()
        .map(|b| b.male.expect("large") + b.female.expect("large"))
        .sum();
    let residents = c.residents.expect("large");
    assert!((pyramid - residents).abs() < 1e-9);
    assert_eq!(c.pyramid.len(), 19);
    let density = c.density_per_km2.expect("the demo has shapes");
    assert!((density - residents / c.area_km2.expect("area")).abs() < 1e-9);
    let share = figure(p, "GM9901", "cbs_aandeel_65plus", c.year, Mode::Residence);
    assert!((share.value.expect("value").value - c.share_65_plus.expect("share")).abs() < 1e-9);
    // A tiny buurt's small counts are hidden, and the share built on them.
    let tiny = p
        .areas()
        .filter(|a| a.level == Level::Buurt)
        .filter_map(|a| p.document(&a.code))
        .find(|d| d.context.is_some_and(|c| c.residents.is_none()))
        .expect("the demo has tiny buurten");
    let c = tiny.context.expect("context");
    assert!(c.share_65_plus.is_none() && c.density_per_km2.is_none());
    assert!(c.pyramid.iter().any(|b| b.male.is_none()));
}

#[test]
fn options_are_checked_and_years_restrict() {
    let e = ProfileBuilder::new()
        .years([1999])
        .build(region())
        .unwrap_err();
    assert!(
        e.to_string().contains("1999") && e.to_string().contains("2024"),
        "{e}"
    );
    let adults_only = StandardPopulation::new(
        "two bands",
        [(AgeBand::closed(0, 64), 1.0), (AgeBand::open(65), 1.0)],
    )
    .expect("standard");
    let e = ProfileBuilder::new()
        .standard_population(adults_only)
        .build(region())
        .unwrap_err();
    assert!(matches!(e, ProfileError::Standard { .. }), "{e}");
    assert!(e.to_string().starts_with("indicator `gp_diabetes`"), "{e}");
}

#[test]
fn the_same_input_gives_the_same_output() {
    let again = ProfileBuilder::new().build(region()).expect("build");
    let a = serde_json::to_string(&profiles().document("BU99010300")).expect("json");
    let b = serde_json::to_string(&again.document("BU99010300")).expect("json");
    assert_eq!(a, b);
    let n = again.areas().count();
    assert!(
        profiles()
            .table(0..n)
            .expect("t")
            .equals_missing(&again.table(0..n).expect("t"))
    );
}

#[test]
fn snapshot_of_a_wijk_in_the_latest_year() {
    let p = ProfileBuilder::new()
        .years([2023, 2024])
        .build(region())
        .expect("build");
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.3}"));
    let mut lines = vec![
        "indicator,mode,method,status,numerator,denominator,value,lower,upper,parent,region,national,crude_region,rank,quintile"
            .to_owned(),
    ];
    for f in p.figures_of("WK990602").iter().filter(|f| f.year == 2024) {
        let s = &f.standing;
        lines.push(format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            p.catalogue().indicators()[f.indicator].id,
            f.mode.as_str(),
            f.method.as_str(),
            f.status.label(),
            number(f.numerator),
            number(f.denominator),
            number(f.value.map(|v| v.value)),
            number(f.value.map(|v| v.lower)),
            number(f.value.map(|v| v.upper)),
            s.parent.judgement.label(),
            s.region.judgement.label(),
            s.national.judgement.label(),
            s.crude_region.judgement.label(),
            s.rank.map_or_else(String::new, |r| r.to_string()),
            s.quintile.map_or_else(String::new, |q| q.to_string()),
        ));
    }
    insta::assert_snapshot!("zonnedorp_wijk_rows_2024", lines.join("\n"));
    let doc = p.document("BU99060200").expect("document");
    let mut json = serde_json::to_value(&doc).expect("json");
    // The snapshot keeps the document's shape and one indicator; the table above has more.
    if let Some(indicators) = json.get_mut("indicators").and_then(|v| v.as_array_mut()) {
        indicators.retain(|i| i["id"] == "gp_diabetes" || i["id"] == "ggd_eenzaam");
    }
    insta::assert_json_snapshot!("zonnedorp_buurt_document", json);
}

#[test]
fn coverage_by_age_band_adds_up_to_the_region_coverage() {
    let p = profiles();
    let doc = p.document("GG9901").expect("document");
    let coverage = doc.coverage.expect("GP counts");
    assert_eq!(coverage.year, 2024);
    assert_eq!(coverage.by_age_band.len(), 19);
    let listed: f64 = coverage
        .by_age_band
        .iter()
        .map(|b| b.listed.expect("large"))
        .sum();
    assert_eq!(Some(listed), coverage.listed);
    // Independently, from validation's count of listed patients per year.
    let (_, share) = region()
        .coverage()
        .expect("coverage")
        .into_iter()
        .find(|(y, _)| *y == 2024)
        .expect("2024");
    let residents = coverage.residents.expect("large");
    assert!((listed / residents - share).abs() < 1e-12);
    for band in &coverage.by_age_band {
        let c = band.coverage.expect("residents in every band");
        assert!((0.0..=1.0).contains(&c), "{band:?}");
    }
}

#[test]
fn canonical_order_puts_figures_of_any_order_back() {
    let built = profiles().figures();
    let key = |f: &Figure| (f.area, f.indicator, f.year, f.mode);
    // Grouped by year, mode and indicator, areas last to first: long cycles to follow.
    let mut shuffled = built.to_vec();
    shuffled.sort_by_key(|f| (f.year, f.mode, f.indicator, std::cmp::Reverse(f.area)));
    assert_ne!(key(&shuffled[0]), key(&built[0]));
    // In lists of unequal length, as the indicators make them.
    let rest = shuffled.split_off(shuffled.len() / 3);
    let (middle, last) = rest.split_at(rest.len() / 2);
    let back = canonical_order(vec![shuffled, last.to_vec(), Vec::new(), middle.to_vec()]);
    assert_eq!(back.len(), built.len());
    assert!(
        back.iter()
            .zip(built)
            .all(|(a, b)| key(a) == key(b) && a.value == b.value)
    );
}
