//! Writing pages: every area page of the embedded demo (369 areas) and its overview; with
//! `WIJKPROFIEL_NATIONAL=data/national`, also every page of the national-scale data set.

use criterion::{Criterion, criterion_group, criterion_main};
use wijkprofiel::Region;
use wijkprofiel::profile::{ProfileBuilder, Profiles};

fn all_pages(profiles: &Profiles) -> usize {
    let codes: Vec<String> = profiles.areas().map(|a| a.code.clone()).collect();
    codes
        .iter()
        .filter_map(|c| profiles.page_html(c))
        .map(|p| p.len())
        .sum()
}

fn pages(c: &mut Criterion) {
    let region = Region::demo().expect("demo");
    let profiles = ProfileBuilder::new().build(&region).expect("build");
    let mut group = c.benchmark_group("pages");
    group.sample_size(10);
    group.bench_function("demo/369 area pages", |b| b.iter(|| all_pages(&profiles)));
    group.bench_function("demo/overview", |b| b.iter(|| profiles.overview_html()));
    if let Ok(dir) = std::env::var("WIJKPROFIEL_NATIONAL") {
        let region = Region::load(&dir).expect("national data");
        let profiles = ProfileBuilder::new().build(&region).expect("build");
        group.bench_function("national/every area page", |b| {
            b.iter(|| all_pages(&profiles))
        });
        group.bench_function("national/overview", |b| b.iter(|| profiles.overview_html()));
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
