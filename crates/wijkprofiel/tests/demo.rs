//! The embedded demo region keeps the promises of `README.md` and issue 2: tiling geometry
//! drawn as organic shapes,
//! tiny buurten, a student wijk and an elderly village whose crude and age-standardised
//! rates point different ways, and a wijk with an incomplete care-welfare triangle.

use std::collections::{BTreeMap, BTreeSet};

use geo::{Area as _, Contains, Point};
use polars::prelude::*;
use wijkprofiel::{Level, Region, Role, TableName};

fn demo() -> Region {
    Region::demo().expect("the embedded demo is valid")
}

#[test]
fn geometry_tiles_the_hierarchy() {
    let region = demo();
    let geometry = region.geometry.as_ref().expect("demo geometry");
    for parent in region.areas.iter().filter(|a| a.level != Level::Country) {
        let children: Vec<_> = region
            .areas
            .iter()
            .filter(|a| a.parent.as_deref() == Some(parent.code.as_str()))
            .collect();
        if children.is_empty() {
            continue;
        }
        let outline = geometry.get(&parent.code).expect("parent shape");
        let mut total = 0.0;
        for child in &children {
            let shape = geometry.get(&child.code).expect("child shape");
            assert!(
                outline.contains(shape),
                "{} lies outside {}",
                child.code,
                parent.code
            );
            total += shape.unsigned_area();
        }
        // Inside the parent and summing to its area: no gaps, and no overlaps.
        let gap = (total - outline.unsigned_area()).abs();
        assert!(
            gap < 1e-6 * outline.unsigned_area(),
            "{}: children cover {total}",
            parent.code
        );
    }
}

/// The map is drawn, not boxed: borders bend, and every practice still lies in the buurt
/// it is named after (the generator's plan puts it there).
#[test]
fn shapes_are_organic_and_practices_lie_in_their_buurt() {
    let region = demo();
    let geometry = region.geometry.as_ref().expect("demo geometry");
    let buurten: Vec<_> = region
        .areas
        .iter()
        .filter(|a| a.level == Level::Buurt)
        .collect();
    for b in &buurten {
        let shape = geometry.get(&b.code).expect("buurt shape");
        let ring = shape.0[0].exterior();
        let slanted = ring
            .lines()
            .filter(|l| l.start.x != l.end.x && l.start.y != l.end.y)
            .count();
        assert!(slanted >= 4, "{} is drawn with straight axis lines", b.code);
    }
    assert!(!region.practices.is_empty());
    for p in &region.practices {
        let at = Point::new(p.location.x, p.location.y);
        let holder: Vec<_> = buurten
            .iter()
            .filter(|b| geometry.get(&b.code).is_some_and(|s| s.contains(&at)))
            .collect();
        let name = p.name.as_deref().unwrap_or_default();
        assert!(
            holder.len() == 1 && name.ends_with(holder[0].name.as_str()),
            "{} ({name}) lies in {:?}",
            p.id,
            holder.iter().map(|b| &b.name).collect::<Vec<_>>()
        );
    }
}

fn residents_2024(region: &Region) -> BTreeMap<String, i64> {
    let frame = region
        .population
        .clone()
        .lazy()
        .filter(col("year").eq(lit(2024)))
        .group_by([col("area_code")])
        .agg([col("residents").sum()])
        .collect()
        .expect("sum");
    let codes = frame
        .column("area_code")
        .expect("codes")
        .str()
        .expect("text")
        .clone();
    let sums = frame
        .column("residents")
        .expect("sums")
        .i64()
        .expect("ints")
        .clone();
    codes
        .iter()
        .zip(sums.iter())
        .map(|(c, n)| (c.expect("code").to_owned(), n.expect("sum")))
        .collect()
}

#[test]
fn shape_size_and_tiny_buurten() {
    let region = demo();
    let residents = residents_2024(&region);
    let total: i64 = residents.values().sum();
    assert!((430_000..470_000).contains(&total), "{total}");
    let tiny: Vec<_> = residents.values().filter(|&&n| n < 100).collect();
    assert!(tiny.len() >= 5, "tiny buurten: {tiny:?}");
    assert_eq!(region.practices.len(), 40);
    let coverage = region.coverage().expect("coverage");
    assert!(
        coverage.iter().all(|(_, c)| (0.65..0.75).contains(c)),
        "{coverage:?}"
    );
    assert!(region.catalogue.indicators().len() >= 20);
    assert!(region.dataset.synthetic);
}

/// Crude and ESP-2013-weighted diabetes prevalence in 2024 per wijk name, and for the region.
fn diabetes(region: &Region) -> (BTreeMap<String, (f64, f64)>, (f64, f64)) {
    let esp: BTreeMap<&str, f64> = [
        ("0-4", 5000.0),
        ("5-9", 5500.0),
        ("10-14", 5500.0),
        ("15-19", 5500.0),
        ("20-24", 6000.0),
        ("25-29", 6000.0),
        ("30-34", 6500.0),
        ("35-39", 7000.0),
        ("40-44", 7000.0),
        ("45-49", 7000.0),
        ("50-54", 7000.0),
        ("55-59", 6500.0),
        ("60-64", 6000.0),
        ("65-69", 5500.0),
        ("70-74", 5000.0),
        ("75-79", 4000.0),
        ("80-84", 2500.0),
        ("85-89", 1500.0),
        ("90+", 1000.0),
    ]
    .into_iter()
    .collect();
    let gp = region.frame(TableName::GpCounts).expect("gp counts");
    let frame = gp
        .lazy()
        .filter(
            col("year")
                .eq(lit(2024))
                .and(col("indicator").eq(lit("gp_diabetes"))),
        )
        .collect()
        .expect("filter");
    let area = frame
        .column("area_code")
        .expect("a")
        .str()
        .expect("s")
        .clone();
    let band = frame
        .column("age_band")
        .expect("b")
        .str()
        .expect("s")
        .clone();
    let num = frame
        .column("numerator")
        .expect("n")
        .i64()
        .expect("i")
        .clone();
    let den = frame
        .column("denominator")
        .expect("d")
        .i64()
        .expect("i")
        .clone();
    // (wijk or region, band) -> (numerator, denominator)
    let mut cells: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for i in 0..frame.height() {
        let code = area.get(i).expect("code");
        let wijk = region
            .areas
            .get(code)
            .and_then(|a| a.parent.clone())
            .expect("wijk");
        let name = region.areas.get(&wijk).expect("wijk area").name.clone();
        let (n, d) = (num.get(i).expect("n") as f64, den.get(i).expect("d") as f64);
        for key in [name, "region".to_owned()] {
            let cell = cells
                .entry((key, band.get(i).expect("band").to_owned()))
                .or_default();
            cell.0 += n;
            cell.1 += d;
        }
    }
    let mut out: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for ((key, band), (n, d)) in cells {
        let w = esp[band.as_str()];
        let entry = out.entry(key).or_default();
        entry.0 += n;
        entry.1 += d;
        if d > 0.0 {
            entry.2 += w * n / d;
            entry.3 += w;
        }
    }
    let rates: BTreeMap<String, (f64, f64)> = out
        .into_iter()
        .map(|(k, (n, d, wr, w))| (k, (1000.0 * n / d, 1000.0 * wr / w)))
        .collect();
    let region_rates = rates["region"];
    (rates, region_rates)
}

#[test]
fn crude_and_standardised_rates_point_different_ways() {
    let region = demo();
    let (rates, (region_crude, region_standardised)) = diabetes(&region);
    let (crude, standardised) = rates["Universiteitskwartier"];
    assert!(
        crude < region_crude,
        "student wijk crude {crude} vs {region_crude}"
    );
    assert!(
        standardised > region_standardised,
        "student wijk standardised {standardised} vs {region_standardised}"
    );
    let (crude, standardised) = rates["Zonnedorp"];
    assert!(
        crude > region_crude,
        "elderly village crude {crude} vs {region_crude}"
    );
    assert!(
        standardised < region_standardised,
        "elderly village standardised {standardised} vs {region_standardised}"
    );
}

#[test]
fn some_wijk_lacks_part_of_the_care_welfare_triangle() {
    let region = demo();
    let geometry = region.geometry.as_ref().expect("geometry");
    let triangle = [Role::HealthBroker, Role::DistrictNurse, Role::SocialWorker];
    let mut incomplete = Vec::new();
    for wijk in region.areas.at_level(Level::Wijk) {
        let shape = geometry.get(&wijk.code).expect("wijk shape");
        let roles: BTreeSet<Role> = region
            .providers
            .iter()
            .filter(|p| shape.contains(&Point::new(p.location.x, p.location.y)))
            .map(|p| p.role)
            .collect();
        if !triangle.iter().all(|r| roles.contains(r)) {
            incomplete.push(wijk.code.clone());
        }
    }
    assert!(!incomplete.is_empty());
    assert!(
        incomplete.len() < 30,
        "most wijken have the triangle: {incomplete:?}"
    );
}
