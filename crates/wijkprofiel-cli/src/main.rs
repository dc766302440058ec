//! `wijkprofiel`: validate a region's data, generate the demo region.

fn main() -> std::process::ExitCode {
    wijkprofiel_cli::main()
}
