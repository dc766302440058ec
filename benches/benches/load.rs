//! Loading and validating a region: the embedded demo (1.1 million GP rows) from memory,
//! and the catalogue and geometry parsers alone.

use criterion::{Criterion, criterion_group, criterion_main};
use wijkprofiel::{Catalogue, Geometries, Inputs, validate};

fn demo_file(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/demo")
        .join(name);
    std::fs::read(path).expect("demo data")
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("demo");
    group.sample_size(10);
    group.bench_function("read inputs", |b| b.iter(Inputs::demo));
    let inputs = Inputs::demo();
    group.bench_function("validate", |b| b.iter(|| validate(&inputs)));
    let catalogue = String::from_utf8(demo_file("catalogue.toml")).expect("utf-8");
    group.bench_function("catalogue", |b| {
        b.iter(|| Catalogue::parse("catalogue.toml", &catalogue))
    });
    let geometry = demo_file("geometry.geojson");
    group.bench_function("geometry", |b| {
        b.iter(|| Geometries::parse("geometry.geojson", &geometry))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
