//! Custom areas through the engine: the same numbers as a CBS area with the same buurten,
//! peers of their kind, the social map and practices of their buurten, pages and documents.

use std::sync::OnceLock;

use super::*;
use crate::{CustomAreaSpec, CustomKind};

/// The demo with two areas more: one made of WK990105's buurten, one of WK990106's wijk
/// code (both social-team areas, so they rank among each other and ST-DE-BRUG).
fn region() -> &'static Region {
    static REGION: OnceLock<Region> = OnceLock::new();
    REGION.get_or_init(|| {
        let demo = Region::demo().expect("demo");
        let buurten: Vec<String> = demo
            .areas
            .iter()
            .filter(|a| a.parent.as_deref() == Some("WK990105"))
            .map(|a| a.code.clone())
            .collect();
        demo.with_custom_areas(&[
            CustomAreaSpec::members("AS-05", "As WK990105", CustomKind::SocialTeam, buurten),
            CustomAreaSpec::members("AS-06", "As WK990106", CustomKind::SocialTeam, ["WK990106"]),
        ])
        .expect("custom areas")
    })
}

fn build(disclosure: Disclosure) -> Profiles {
    ProfileBuilder::new()
        .disclosure(disclosure)
        .build(region())
        .expect("build")
}

/// The figures of an area by (indicator, year, mode).
fn by_key(p: &Profiles, code: &str) -> HashMap<(usize, i32, Mode), Figure> {
    p.figures_of(code)
        .iter()
        .map(|f| ((f.indicator, f.year, f.mode), f.clone()))
        .collect()
}

#[test]
fn a_custom_area_of_one_wijks_buurten_has_that_wijks_numbers() {
    for p in [build(Disclosure::off()), build(Disclosure::default())] {
        for (custom, wijk) in [("AS-05", "WK990105"), ("AS-06", "WK990106")] {
            let (mine, theirs) = (by_key(&p, custom), by_key(&p, wijk));
            assert_eq!(mine.len(), theirs.len(), "{custom}");
            let mut compared = 0;
            for (key, f) in &mine {
                let w = &theirs[key];
                let ind = &p.catalogue().indicators()[key.0];
                // GGD estimates come given for the wijk (a model estimate); a custom area
                // can only weight its buurten's. Estimates from the monitor's respondents
                // are of the same domain: the same respondents, the same estimate.
                if ind.source == Source::Ggd && f.method != Method::SurveyDesign {
                    assert_eq!(f.method, Method::GgdWeighted, "{custom} {key:?}");
                    continue;
                }
                assert_eq!(f.numerator, w.numerator, "{custom} {} {key:?}", ind.id);
                assert_eq!(f.denominator, w.denominator, "{custom} {} {key:?}", ind.id);
                assert_eq!(f.residents, w.residents, "{custom} {key:?}");
                assert_eq!(f.value, w.value, "{custom} {} {key:?}", ind.id);
                assert_eq!(f.isr_region, w.isr_region, "{custom} {key:?}");
                assert_eq!(f.isr_national, w.isr_national, "{custom} {key:?}");
                assert_eq!(f.status, w.status, "{custom} {key:?}");
                // Compared with the same gemeente, region and national value.
                assert_eq!(f.standing.parent, w.standing.parent, "{custom} {key:?}");
                assert_eq!(f.standing.national, w.standing.national, "{custom} {key:?}");
                compared += 1;
            }
            assert!(compared >= 70, "{compared}");
            let (a, b) = (p.document(custom).unwrap(), p.document(wijk).unwrap());
            // The land adds up from the buurten's shapes: equal but for the last bits.
            let (mut ca, cb) = (a.context.cloned(), b.context.cloned());
            if let (Some(ca), Some(cb)) = (&mut ca, &cb) {
                let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
                    (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * y.abs(),
                    _ => false,
                };
                assert!(close(ca.area_km2, cb.area_km2), "{custom}");
                assert!(close(ca.density_per_km2, cb.density_per_km2), "{custom}");
                (ca.area_km2, ca.density_per_km2) = (cb.area_km2, cb.density_per_km2);
            }
            assert_eq!(ca, cb);
            assert_eq!(a.coverage, b.coverage);
            assert_eq!(a.area.parent, b.area.parent);
            assert_eq!(a.practices, b.practices);
            assert_eq!(a.social_map.roles, b.social_map.roles);
            assert_eq!(a.social_map.providers, b.social_map.providers);
            assert_eq!(a.social_map.triangle_missing, b.social_map.triangle_missing);
            assert_eq!(
                a.social_map.wijken_with_triangle,
                b.social_map.wijken_with_triangle
            );
        }
    }
}

#[test]
fn custom_areas_rank_among_their_kind_and_have_pages() {
    let p = build(Disclosure::default());
    let custom = p.figures_of("AS-05");
    let ranked = custom
        .iter()
        .find(|f| f.standing.rank.is_some())
        .expect("a ranked figure");
    // Among the three social-team areas; the stadsdeel and the catchment have none of their kind.
    assert_eq!(ranked.standing.peers, 3);
    let stadsdeel = p.figures_of("SD-NOORD");
    assert!(stadsdeel.iter().all(|f| f.standing.peers <= 1));
    // Each custom area has a document and a page, its buurten named and linked.
    let doc = p.document("ST-DE-BRUG").expect("document");
    let members = &doc.area.custom.as_ref().expect("custom").members;
    assert_eq!(members.len(), 3);
    assert_eq!(doc.area.level, Level::Custom);
    // Its buurten lie in two wijken of one gemeente: compared with that gemeente.
    assert_eq!(
        doc.area.parent.as_ref().map(|a| a.code.as_str()),
        Some("GM9901")
    );
    let page = p.page_html("ST-DE-BRUG").expect("page");
    for code in members {
        assert!(page.contains(&page_file(code)), "{code}");
    }
    let overview = p.overview_html();
    for code in ["SD-NOORD", "ST-DE-BRUG", "WG-HA0013", "AS-05"] {
        assert!(overview.contains(&page_file(code)), "{code}");
    }
    // The polygon's buurten cut in part are reported on the page and in the document.
    let catchment = p.document("WG-HA0013").expect("catchment");
    let partial = &catchment.area.custom.as_ref().expect("custom").partial;
    assert!(!partial.is_empty());
    let page = p.page_html("WG-HA0013").expect("page");
    assert!(page.contains("niet meegeteld") || page.contains("(meegeteld)"));
    // The table says which kind.
    let table = p.table(0..p.areas().count()).expect("table");
    let kinds = table
        .column("custom_kind")
        .expect("column")
        .str()
        .expect("text")
        .iter()
        .flatten()
        .filter(|k| *k == "social-team")
        .count();
    assert_eq!(kinds, 3 * p.figures_of("AS-05").len());
}

#[test]
fn practice_figures_of_a_custom_area_count_the_practices_in_its_buurten() {
    let p = build(Disclosure::off());
    let doc = p.document("SD-NOORD").expect("stadsdeel");
    let wijken = ["WK990100", "WK990101", "WK990102", "WK990103"];
    let in_wijken: usize = wijken
        .iter()
        .map(|w| p.document(w).expect("wijk").practices.len())
        .sum();
    assert_eq!(doc.practices.len(), in_wijken);
    assert!(in_wijken > 0);
    let ind = p
        .catalogue()
        .indicators()
        .iter()
        .position(|i| i.id == "gp_diabetes")
        .expect("indicator");
    let practice = |code: &str| {
        p.figures_of(code)
            .iter()
            .find(|f| f.indicator == ind && f.year == 2024 && f.mode == Mode::Practice)
            .and_then(|f| f.denominator)
            .unwrap_or(0.0)
    };
    let sum: f64 = wijken.iter().map(|w| practice(w)).sum();
    assert!((practice("SD-NOORD") - sum).abs() < 1e-9, "{sum}");
}
