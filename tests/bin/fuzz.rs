//! `wijkprofiel-fuzz`: a mutation fuzzer for the loaders (no coverage guidance: the stable
//! toolchain here has no sanitizer coverage). Each target takes a small valid input from the
//! demo region, mutates it at random (bit flips, bytes CSV, TOML and JSON care about, cut,
//! repeated and inserted runs, truncation, spliced lines) and feeds it to the public loader;
//! a panic is a crash, saved with its input. Deterministic for a seed.
//!
//! ```sh
//! wijkprofiel-fuzz --target csv --seconds 600 --seed 1     # one target, ten minutes
//! wijkprofiel-fuzz --replay tests/fuzz-cases               # every kept case, once
//! ```
//!
//! Prints `TARGET: N executions in S s, K crashes` per target; exits 1 on any crash. With
//! `--save DIR`, each input is written to `DIR/TARGET-current.bin` before it runs, so that
//! an abort (a failed allocation cannot be caught) leaves the input that caused it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wijkprofiel::Inputs;

/// The demo files the targets start from.
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo");

/// The core's SplitMix64, with draws below a bound.
struct Random(wijkprofiel::rng::Rng);

impl Random {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes the formats give meaning to.
const SPECIAL: &[u8] = b"\",\n\r#=[]{}:.-+0919\\\x00\xff\xc3\xa9 ";

/// One to four random edits of `seed`.
fn mutate(seed: &[u8], rng: &mut Random) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let n = bytes.len();
        let at = rng.below(n + 1);
        match rng.below(8) {
            0 if n > 0 => {
                let i = at.min(n - 1);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if n > 0 => {
                let i = at.min(n - 1);
                bytes[i] = SPECIAL[rng.below(SPECIAL.len())];
            }
            2 => {
                let len = rng.below(64).min(n - at);
                bytes.drain(at..at + len);
            }
            3 => {
                let len = rng.below(64).min(n - at);
                let run = bytes[at..at + len].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, run);
            }
            4 => {
                let run: Vec<u8> = (0..1 + rng.below(8))
                    .map(|_| SPECIAL[rng.below(SPECIAL.len())])
                    .collect();
                bytes.splice(at..at, run);
            }
            5 => bytes.truncate(at),
            6 => {
                // A line repeated or moved.
                let lines: Vec<usize> = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1)
                    .collect();
                if lines.len() > 2 {
                    let a = lines[rng.below(lines.len() - 1)];
                    let end = lines.iter().copied().find(|&e| e > a).unwrap_or(n);
                    let line = bytes[a..end].to_vec();
                    let to = lines[rng.below(lines.len())].min(bytes.len());
                    bytes.splice(to..to, line);
                }
            }
            _ => {
                let value = rng.next().to_le_bytes();
                let len = 1 + rng.below(8);
                let i = at.min(n.saturating_sub(len));
                for (k, b) in value.iter().take(len).enumerate() {
                    if let Some(slot) = bytes.get_mut(i + k) {
                        *slot = *b;
                    }
                }
            }
        }
    }
    bytes
}

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
type Loader = Box<dyn Fn(&[u8])>;

/// A target: the file it mutates, its valid seed, and the loader it feeds.
struct Target {
    name: &'static str,
    seed: Vec<u8>,
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

fn targets() -> Vec<Target> {
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

/// Runs `target` on `input`; the panic's message if it panicked.
fn attempt(target: &Target, input: &[u8]) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| (target.run)(input)))
        .err()
        .map(|payload| wijkprofiel::panic_message(&*payload).to_owned())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    std::panic::set_hook(Box::new(|_| {}));
    let all = targets();
    if let Some(dir) = value("--replay") {
        let mut crashes = 0;
        for target in &all {
            let dir = Path::new(&dir).join(target.name);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in &files {
                let input = std::fs::read(file).unwrap_or_default();
                if let Some(message) = attempt(target, &input) {
                    println!("{}: {} panics: {message}", target.name, file.display());
                    crashes += 1;
                }
            }
            println!("{}: {} cases replayed", target.name, files.len());
        }
        println!("{crashes} crashes");
        return std::process::ExitCode::from(u8::from(crashes > 0));
    }
    let seconds: u64 = value("--seconds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let runs: Option<u64> = value("--runs").and_then(|s| s.parse().ok());
    let seed: u64 = value("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let save = value("--save").map(PathBuf::from);
    if let Some(dir) = &save {
        let _ = std::fs::create_dir_all(dir);
    }
    let chosen = value("--target");
    let mut crashes = 0;
    for target in all
        .iter()
        .filter(|t| chosen.as_deref().is_none_or(|c| c == t.name))
    {
        let mut rng = Random(wijkprofiel::rng::Rng::new(seed));
        let started = Instant::now();
        let (mut done, mut found) = (0_u64, 0);
        while started.elapsed() < Duration::from_secs(seconds) && runs.is_none_or(|r| done < r) {
            let input = mutate(&target.seed, &mut rng);
            if let Some(dir) = &save {
                // What an abort (a failed allocation cannot be caught) would leave behind.
                let _ = std::fs::write(dir.join(format!("{}-current.bin", target.name)), &input);
            }
            if let Some(message) = attempt(target, &input) {
                found += 1;
                println!("{}: crash after {done} runs: {message}", target.name);
                if let Some(dir) = &save {
                    let dir = dir.join(target.name);
                    let _ = std::fs::create_dir_all(&dir);
                    let _ = std::fs::write(dir.join(format!("crash-{seed}-{done}.bin")), &input);
                }
            }
            done += 1;
        }
        println!(
            "{}: {done} executions in {:.0} s, {found} crashes",
            target.name,
            started.elapsed().as_secs_f64()
        );
        crashes += found;
    }
    std::process::ExitCode::from(u8::from(crashes > 0))
}
