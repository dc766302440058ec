//! The `wijkprofiel` command line, as a library so that end-to-end tests can build it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use wijkprofiel::demo::{self, DemoOptions, Scale};
use wijkprofiel::{Inputs, LoadError};

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
/// 0 success, 1 invalid data, 2 usage or I/O error.
pub fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs one parsed command.
///
/// # Errors
///
/// Unreadable folders and unwritable output, with context.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { dir } => {
            let inputs = match dir {
                Some(dir) => match Inputs::from_dir(&dir) {
                    Ok(inputs) => inputs,
                    Err(LoadError::Io { path, source }) => {
                        anyhow::bail!("cannot read {}: {source}", path.display())
                    }
                    Err(other) => return Err(other.into()),
                },
                None => Inputs::demo(),
            };
            let report = wijkprofiel::validate(&inputs);
            print!("{report}");
            Ok(if report.is_valid() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::DemoData { seed, out, scale } => {
            let scale = match scale {
                ScaleArg::Demo => Scale::Demo,
                ScaleArg::National => Scale::National,
            };
            let written = demo::write(&out, &DemoOptions { seed, scale })
                .with_context(|| format!("writing the demo data to {}", out.display()))?;
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
