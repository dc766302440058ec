//! The `wijkprofiel` command line, as a library so that end-to-end tests can build it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use wijkprofiel::demo::{self, DemoOptions, Scale};
use wijkprofiel::output::write::{self, Shard};
use wijkprofiel::profile::{Options, ProfileBuilder, Settings};
use wijkprofiel::progress::Progress;
use wijkprofiel::{Inputs, LoadError, Region};

mod bars;
use bars::Bars;

/// Neighbourhood health profiles from GP-practice and GGD data.
#[derive(Debug, Parser)]
#[command(name = "wijkprofiel", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a data folder against the data contract and summarise what it holds.
    ///
    /// Exits with 0 when the data are valid, 1 when problems were found.
    Validate {
        /// Data folder; the embedded demo region when left out.
        dir: Option<PathBuf>,
    },
    /// Build every profile of a region: the long table (Parquet, CSV) and one JSON document
    /// per area. The set is written whole or not at all: into a working folder beside the
    /// output folder, ending with manifest.json, then swapped into place (the earlier set and
    /// its stale files go).
    ///
    /// Exits with 0 when done, 1 when the data are invalid, 2 on usage or I/O errors.
    Build {
        /// Data folder; the embedded demo region when left out.
        dir: Option<PathBuf>,
        /// Output folder: new, empty or an earlier output set (it is replaced whole).
        #[arg(long)]
        out: PathBuf,
        /// Settings file (years, standard population, benchmark, confidence, disclosure,
        /// language); see docs/outputs.md.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker I of N (e.g. 2/8): write only this worker's areas and table part; join the
        /// parts with `wijkprofiel merge`.
        #[arg(long)]
        shard: Option<Shard>,
    },
    /// Estimate the health monitor alone: for every GGD indicator made from the respondents
    /// (`[indicator.survey]` in the catalogue), every area's design-based estimate per round,
    /// overall and by sex and age group, against the rest of its parent and of the region
    /// and against the previous round; written as monitor.parquet and monitor.csv with a
    /// tabellenboek per gemeente and for the region (no GP figures, documents or pages),
    /// whole or not at all, as `build` writes its set.
    ///
    /// Exits with 0 when done, 1 when the data are invalid, 2 on usage or I/O errors and when
    /// the data hold no respondents or no indicator made from them.
    Monitor {
        /// Data folder; the embedded demo region when left out.
        dir: Option<PathBuf>,
        /// Output folder: new, empty or an earlier output set (it is replaced whole).
        #[arg(long)]
        out: PathBuf,
        /// Settings file (years, confidence, disclosure, language); see docs/outputs.md.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check an output folder against its manifest.json: every file there, unchanged, and
    /// nothing else.
    ///
    /// Exits with 0 when the set is whole, 1 when a file is missing, changed or extra.
    Verify {
        /// The output folder.
        out: PathBuf,
    },
    /// Join the table parts of N sharded `build` runs into the table a single run writes.
    Merge {
        /// The output folder the workers wrote to.
        #[arg(long)]
        out: PathBuf,
        /// Number of workers N.
        #[arg(long)]
        shards: usize,
    },
    /// Write the synthetic demo region (deterministic: the same seed gives the same bytes).
    DemoData {
        /// Seed of the generator.
        #[arg(long, default_value_t = demo::DEMO_SEED)]
        seed: u64,
        /// Output folder.
        #[arg(long, default_value = "data/demo")]
        out: PathBuf,
        /// `demo` (committed, a few MB) or `national` (benchmark size, not committed).
        #[arg(long, value_enum, default_value_t = ScaleArg::Demo)]
        scale: ScaleArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScaleArg {
    Demo,
    National,
}

/// Parses the process arguments, runs the command, and returns the exit code:
/// 0 success, 1 invalid data, 2 usage or I/O error (and an internal error: a panic, which is
/// a bug, is reported in one line instead of a backtrace; a panic the library catches, such
/// as the Parquet reader's on a corrupt file, prints nothing of its own).
pub fn main() -> ExitCode {
    static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
    match std::panic::catch_unwind(|| run(Cli::parse())) {
        Ok(Ok(code)) => code,
        Ok(Err(error)) => {
            eprintln!("error: {}", said(&error));
            ExitCode::from(2)
        }
        Err(_) => {
            let said = PANIC
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_default();
            eprintln!(
                "internal error: {said}\nThis is a bug in wijkprofiel: please report it with the \
                 command and the input that caused it."
            );
            ExitCode::from(2)
        }
    }
}

/// An error and its causes in one line, each cause once: the core's errors already say
/// their source (`path: File too large`), which the chain would repeat.
fn said(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message = format!("{message}: {cause}");
        }
    }
    message
}

/// Runs one parsed command.
///
/// # Errors
///
/// Unreadable folders and unwritable output, with context.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { dir } => {
            let bars = Bars::new();
            let inputs = read_inputs(dir.as_deref(), &bars)?;
            let report = wijkprofiel::validate_with(&inputs, &bars);
            bars.finish();
            print!("{report}");
            Ok(if report.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Build {
            dir,
            out,
            config,
            shard,
        } => build(
            dir.as_deref(),
            &out,
            config.as_deref(),
            shard.unwrap_or(Shard::WHOLE),
        ),
        Command::Monitor { dir, out, config } => monitor(dir.as_deref(), &out, config.as_deref()),
        Command::Verify { out } => {
            let problems = wijkprofiel::output::set::verify(&out)?;
            if problems.is_empty() {
                println!("{}: the output set is whole", out.display());
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}: {} problem(s):", out.display(), problems.len());
            for problem in problems {
                println!("  - {problem}");
            }
            Ok(ExitCode::from(1))
        }
        Command::Merge { out, shards } => {
            let written = write::merge(&out, shards)?;
            println!(
                "merged {shards} parts into {} ({} rows)",
                listed(&written.tables),
                written.rows
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::DemoData { seed, out, scale } => {
            let scale = match scale {
                ScaleArg::Demo => Scale::Demo,
                ScaleArg::National => Scale::National,
            };
            let bars = Bars::new();
            let written = demo::write_with(&out, &DemoOptions { seed, scale }, &bars)
                .with_context(|| format!("writing the demo data to {}", out.display()))?;
            bars.finish();
            println!(
                "wrote {} files to {} (seed {seed}): {}",
                written.len(),
                out.display(),
                written.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read_inputs(dir: Option<&Path>, progress: &dyn Progress) -> anyhow::Result<Inputs> {
    match dir {
        Some(dir) => match Inputs::from_dir_with(dir, progress) {
            Ok(inputs) => Ok(inputs),
            Err(LoadError::Io { path, source }) => {
                anyhow::bail!("cannot read {}: {source}", path.display())
            }
            Err(other) => Err(other.into()),
        },
        None => Ok(Inputs::demo()),
    }
}

/// Paths as a comma-separated list.
fn listed(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// The settings of a `--config` file, or the defaults.
fn options(config: Option<&Path>) -> anyhow::Result<Options> {
    Ok(match config {
        Some(file) => Settings::read(file)?,
        None => Options::default(),
    })
}

/// Reads and validates the region; `None` when the data are invalid (the report printed).
fn load(dir: Option<&Path>, bars: &Bars) -> anyhow::Result<Option<Region>> {
    let inputs = read_inputs(dir, bars)?;
    match Region::from_inputs_with(&inputs, bars) {
        Ok(region) => Ok(Some(region)),
        Err(LoadError::Invalid(report)) => {
            bars.finish();
            print!("{report}");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

/// `wijkprofiel monitor`: load, keep the monitor, estimate, write, summarise.
fn monitor(dir: Option<&Path>, out: &Path, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = options(config)?;
    let bars = Bars::new();
    let Some(region) = load(dir, &bars)? else {
        return Ok(ExitCode::from(1));
    };
    let origin = region.origin.clone();
    let Some(region) = region.monitor_only() else {
        bars.finish();
        anyhow::bail!(
            "{origin}: no health-monitor respondents (`respondents`) or no indicator made from \
             them (`[indicator.survey]` in the catalogue)"
        );
    };
    let profiles = ProfileBuilder::from_options(options).build_with(&region, &bars)?;
    drop(region);
    let written = write::write_monitor_set(&profiles, out)?;
    bars.finish();
    let estimates = profiles.monitor_estimates();
    let count = |status: &str| {
        estimates
            .iter()
            .filter(|e| e.status.label() == status)
            .count()
    };
    let books = std::fs::read_dir(out.join(write::TABELLENBOEK)).map_or(0, Iterator::count);
    println!(
        "estimated {} indicators for {} areas: {} rows by round and group of respondents ({} \
         published, {} withheld by the monitor's minimum numbers, {} suppressed)",
        profiles.catalogue().indicators().len(),
        profiles.summary().areas,
        estimates.len(),
        count("published"),
        count("withheld"),
        count("suppressed"),
    );
    println!(
        "wrote {} and {books} tabellenboeken to {}",
        listed(&written.tables),
        out.join(write::TABELLENBOEK).display()
    );
    if profiles.dataset().synthetic {
        println!("SYNTHETIC DEMO DATA: fictional areas and persons");
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// `wijkprofiel build`: load, build, write, summarise.
fn build(
    dir: Option<&Path>,
    out: &Path,
    config: Option<&Path>,
    shard: Shard,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = options(config)?;
    let bars = Bars::new();
    let Some(mut region) = load(dir, &bars)? else {
        return Ok(ExitCode::from(1));
    };
    // Profiles are made from the GP counts' sums: free the rows behind them.
    region.release_gp_rows();
    let loaded = started.elapsed();
    let profiles = ProfileBuilder::from_options(options).build_with(&region, &bars)?;
    drop(region);
    let computed = started.elapsed();
    let written = if shard == Shard::WHOLE {
        write::write_set(&profiles, out, &bars)?
    } else {
        write::write_shard(&profiles, out, shard, &bars)?
    };
    bars.finish();

    let summary = profiles.summary();
    println!(
        "built {} areas{}: {} figures ({} published, {} suppressed, {} withheld, {} without data)",
        summary.areas,
        if shard == Shard::WHOLE {
            String::new()
        } else {
            format!(", worker {shard} wrote {} of them", written.documents)
        },
        summary.figures,
        summary.published,
        summary.suppressed,
        summary.withheld,
        summary.missing
    );
    println!(
        "wrote {} area documents to {}, their pages to {} (overview: index.html) and {} table \
         rows to {}",
        written.documents,
        out.join(write::DOCUMENTS).display(),
        out.join(write::PAGES).display(),
        written.rows,
        listed(&written.tables)
    );
    for area in profiles.areas() {
        let Some(custom) = &area.custom else {
            continue;
        };
        let partial: Vec<String> = custom
            .partial
            .iter()
            .map(|p| {
                let counted = if p.member { "counted" } else { "left out" };
                format!("{} {:.0}% {counted}", p.code, 100.0 * p.share)
            })
            .collect();
        println!(
            "custom area {} ({}, {}): {} buurten{}",
            area.code,
            area.name,
            custom.kind,
            custom.members.len(),
            if partial.is_empty() {
                String::new()
            } else {
                format!("; partly inside its polygon: {}", partial.join(", "))
            }
        );
    }
    if summary.unplaced_practices + summary.unplaced_providers > 0 {
        println!(
            "note: {} practices and {} providers lie outside every buurt shape (not on the maps)",
            summary.unplaced_practices, summary.unplaced_providers
        );
    }
    let withheld = summary.withheld_counts;
    println!(
        "disclosure control withheld {} counts ({} small counts, {} numerators of small \
         denominators, {} complementary, {} of them for overlapping areas), listed in {} \
         (reasons for the data owner in {}/, not for publication)",
        withheld.total(),
        withheld.primary_count,
        withheld.small_denominator,
        withheld.complementary,
        withheld.overlap,
        out.join(write::SUPPRESSION_CSV).display(),
        out.join(write::OWNER_ONLY).display()
    );
    if let Some(r) = summary.rounding {
        println!(
            "counts rounded to multiples of {}: {} together, so that every sum holds{}",
            r.base,
            r.controlled,
            if r.nearest > 0 {
                format!(
                    "; {} each to its nearest multiple, where no such rounding exists (sums \
                     can narrow these within their rounding)",
                    r.nearest
                )
            } else {
                String::new()
            }
        );
    }
    let disclosure = &profiles.options().disclosure;
    if !disclosure.enabled {
        println!("WARNING: disclosure control is OFF: these outputs are not fit for publication");
    } else if disclosure.allow_loosening {
        println!(
            "WARNING: disclosure thresholds may be loosened below the safe defaults \
             (allow_loosening; recorded in every document's options)"
        );
    }
    if profiles.dataset().synthetic {
        println!("SYNTHETIC DEMO DATA: fictional areas and persons");
    }
    if shard != Shard::WHOLE {
        println!(
            "when all {} workers are done: wijkprofiel merge --out {} --shards {}",
            shard.count,
            out.display(),
            shard.count
        );
    }
    let done = started.elapsed();
    println!(
        "done in {:.1} s (reading and validating {:.1} s, computing {:.1} s, writing {:.1} s)",
        done.as_secs_f64(),
        loaded.as_secs_f64(),
        (computed - loaded).as_secs_f64(),
        (done - computed).as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
