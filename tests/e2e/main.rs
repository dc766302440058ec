//! End-to-end tests: the `wijkprofiel` binary on the demo data, and the demo generator.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the CLI (built by cargo for this test run).
fn wijkprofiel(args: &[&str]) -> Output {
    let exe = env!("CARGO_BIN_EXE_wijkprofiel-e2e");
    Command::new(exe)
        .args(args)
        .current_dir(root())
        .output()
        .expect("run wijkprofiel")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn validate_summarises_the_embedded_demo() {
    let out = wijkprofiel(&["validate"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("SYNTHETIC DEMO DATA"), "{stdout}");
    assert!(
        stdout.contains("areas: 300 buurt, 60 wijk, 8 gemeente, 1 region, 1 country"),
        "{stdout}"
    );
    assert!(
        stdout.contains("indicators: 1 cbs, 13 ggd, 7 gp"),
        "{stdout}"
    );
    assert!(stdout.contains("GP practices: 40; coverage"), "{stdout}");
    assert!(stdout.ends_with("valid: no problems found\n"), "{stdout}");
}

fn copy_demo(to: &Path) {
    for entry in std::fs::read_dir(root().join("data/demo")).expect("demo folder") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
    }
}

#[test]
fn validate_names_a_broken_cell_and_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    let path = dir.path().join("population.csv");
    let content = std::fs::read_to_string(&path).expect("read");
    // Line 3 is the first data row (line 1 is the synthetic-data notice, line 2 the header).
    let mut lines: Vec<String> = content.lines().map(str::to_owned).collect();
    let cells: Vec<&str> = lines[2].split(',').collect();
    let broken = format!("{},{},{},{},twelve", cells[0], cells[1], cells[2], cells[3]);
    lines[2] = broken;
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let dir_arg = dir.path().to_str().expect("utf-8 path");
    let out = wijkprofiel(&["validate", dir_arg]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("population.csv, row 1 (line 3), column `residents`: `twelve` is not a whole number of at least 0"),
        "{stdout}"
    );
}

#[test]
fn validate_reports_a_missing_folder() {
    let out = wijkprofiel(&["validate", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read no/such/folder"),
        "{}",
        text(&out.stderr)
    );
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_generator_is_deterministic_and_the_committed_demo_is_current() {
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    for dir in [&a, &b] {
        let out = wijkprofiel(&[
            "demo-data",
            "--seed",
            "42",
            "--out",
            dir.path().to_str().expect("utf-8"),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let (first, second) = (files_of(a.path()), files_of(b.path()));
    assert_eq!(first.len(), 13);
    for ((name_a, bytes_a), (name_b, bytes_b)) in first.iter().zip(&second) {
        assert_eq!(name_a, name_b);
        assert!(
            bytes_a == bytes_b,
            "{name_a} differs between two runs with one seed"
        );
    }
    let committed = files_of(&root().join("data/demo"));
    let names: Vec<&String> = committed.iter().map(|(n, _)| n).collect();
    assert_eq!(names, first.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for ((name, generated), (_, stored)) in first.iter().zip(&committed) {
        assert!(
            generated == stored,
            "data/demo/{name} is not what `wijkprofiel demo-data --seed 42` writes; regenerate it"
        );
    }
    // Another seed gives another region.
    let c = tempfile::tempdir().expect("c");
    let out = wijkprofiel(&[
        "demo-data",
        "--seed",
        "7",
        "--out",
        c.path().to_str().expect("utf-8"),
    ]);
    assert!(out.status.success());
    let other = std::fs::read(c.path().join("population.csv")).expect("read");
    assert!(other != std::fs::read(a.path().join("population.csv")).expect("read"));
}

#[test]
fn every_demo_file_says_it_is_synthetic() {
    for (name, bytes) in files_of(&root().join("data/demo")) {
        let says = if name.ends_with(".parquet") {
            // Parquet key-value metadata sits in the footer.
            bytes.windows(9).any(|w| w == b"synthetic")
        } else {
            text(&bytes).contains("SYNTHETIC DEMO DATA")
                || text(&bytes).contains("\"synthetic\":true")
        };
        assert!(says, "data/demo/{name} does not say it is synthetic");
    }
}
