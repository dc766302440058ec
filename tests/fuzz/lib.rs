//! The loaders the fuzzers feed: each target's valid seed from the demo region and the public
//! loader it calls. Shared by the mutation fuzzer (`wijkprofiel-fuzz`, the test suite's
//! seeded runs and the kept cases' replay) and the coverage-guided one
//! (`wijkprofiel-libfuzzer`, `scripts/fuzz`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use wijkprofiel::Inputs;

/// The demo files the targets start from.
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo");

fn demo(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(DEMO).join(name)).unwrap_or_default()
}

/// The first `n` lines of a demo file (with its header and comments).
fn head(name: &str, n: usize) -> Vec<u8> {
    let bytes = demo(name);
    let end = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(n)
        .map_or(bytes.len(), |(i, _)| i + 1);
    bytes[..end].to_vec()
}

/// A loader fed one input.
type Loader = Box<dyn Fn(&[u8]) + Send + Sync>;

/// A target: the file it mutates, its valid seed, and the loader it feeds.
pub struct Target {
    /// Its name, as `--target` and the kept cases' folder name it.
    pub name: &'static str,
    /// A valid input the mutations start from.
    pub seed: Vec<u8>,
    run: Loader,
}

/// A small region's files, with `name` replaced by `bytes`.
fn region_files(name: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("dataset.toml".to_owned(), demo("dataset.toml")),
        ("catalogue.toml".to_owned(), demo("catalogue.toml")),
        ("areas.csv".to_owned(), demo("areas.csv")),
        ("population.csv".to_owned(), head("population.csv", 400)),
        ("practices.csv".to_owned(), demo("practices.csv")),
    ];
    files.retain(|(n, _)| n != name);
    files.push((name.to_owned(), bytes.to_vec()));
    files
}

fn validate(files: Vec<(String, Vec<u8>)>) {
    let inputs = Inputs::from_files("fuzz".into(), files);
    let _ = wijkprofiel::validate(&inputs);
}

/// A small Parquet table: the first rows of the demo's GP counts.
fn small_parquet() -> Vec<u8> {
    use polars::prelude::*;
    let bytes = demo("gp_counts.parquet");
    let Ok(frame) = ParquetReader::new(std::io::Cursor::new(bytes)).finish() else {
        return Vec::new();
    };
    let mut frame = frame.slice(0, 300);
    let mut out = Vec::new();
    let _ = ParquetWriter::new(&mut out).finish(&mut frame);
    out
}

/// A small respondents table as CSV: the first rows of the demo's health monitor.
fn small_respondents() -> Vec<u8> {
    use polars::prelude::*;
    let bytes = demo("respondents.parquet");
    let Ok(frame) = ParquetReader::new(std::io::Cursor::new(bytes)).finish() else {
        return Vec::new();
    };
    let mut frame = frame.slice(0, 200);
    let mut out = Vec::new();
    let _ = CsvWriter::new(&mut out).finish(&mut frame);
    out
}

/// Every target, in a fixed order.
pub fn targets() -> Vec<Target> {
    let region = wijkprofiel::Region::demo().ok();
    vec![
        Target {
            name: "csv",
            seed: demo("areas.csv"),
            run: Box::new(|b| validate(region_files("areas.csv", b))),
        },
        Target {
            name: "parquet",
            seed: small_parquet(),
            run: Box::new(|b| validate(region_files("gp_counts.parquet", b))),
        },
        Target {
            name: "respondents",
            seed: small_respondents(),
            run: Box::new(|b| validate(region_files("respondents.csv", b))),
        },
        Target {
            name: "catalogue",
            seed: demo("catalogue.toml"),
            run: Box::new(|b| validate(region_files("catalogue.toml", b))),
        },
        Target {
            name: "geometry",
            seed: demo("geometry.geojson"),
            run: Box::new(|b| validate(region_files("geometry.geojson", b))),
        },
        Target {
            name: "custom",
            seed: demo("custom_areas.geojson"),
            run: Box::new(move |b| {
                if let Some(region) = &region {
                    let _ = region.with_custom_areas_geojson("custom_areas.geojson", b);
                }
            }),
        },
        Target {
            name: "settings",
            seed: br#"years = [2024]
language = "en"
confidence = [0.95, 0.998]
national_benchmark = "NL01"
[disclosure]
min_count = 10
round_to = 5
lp_audit = true
[disclosure.sources.gp]
min_count = 12
"#
            .to_vec(),
            run: Box::new(|b| {
                let text = String::from_utf8_lossy(b);
                let _ =
                    wijkprofiel::profile::Settings::from_toml(&text, "fuzz.toml", Path::new(DEMO));
            }),
        },
    ]
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Target({}, {} bytes of seed)",
            self.name,
            self.seed.len()
        )
    }
}

impl Target {
    /// Feeds `input` to the loader; the panic's message if it panicked.
    pub fn attempt(&self, input: &[u8]) -> Option<String> {
        catch_unwind(AssertUnwindSafe(|| (self.run)(input)))
            .err()
            .map(|payload| wijkprofiel::panic_message(&*payload).to_owned())
    }
}
