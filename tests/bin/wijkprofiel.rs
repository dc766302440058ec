//! The `wijkprofiel` command, built inside the test package.

fn main() -> std::process::ExitCode {
    wijkprofiel_cli::main()
}
