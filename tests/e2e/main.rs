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
    assert_eq!(first.len(), 15);
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

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// The names of the entries of `dir` that contain `marker` (working folders left beside an
/// output folder: `.building-`, `.shards-`).
fn beside(dir: &Path, marker: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(marker))
        .collect()
}

/// Runs `wijkprofiel merge --out OUT --shards N`.
fn merge(out: &Path, shards: &str) -> Output {
    wijkprofiel(&[
        "merge",
        "--out",
        out.to_str().expect("utf-8"),
        "--shards",
        shards,
    ])
}

/// Rows of a built table whose GP or GGD numerator is flagged as withheld.
fn table_flags(dir: &Path) -> usize {
    use polars::prelude::*;
    let file = std::fs::File::open(dir.join("profile.parquet")).expect("parquet");
    let table = ParquetReader::new(file).finish().expect("read");
    table
        .lazy()
        .filter(
            col("numerator_withheld")
                .is_not_null()
                .and(col("source").neq(lit("cbs"))),
        )
        .collect()
        .expect("filter")
        .height()
}

/// What a build publishes says that a count is withheld, under the rule family
/// `small-numbers`, and never which rule (a small count, a small denominator's numerator, a
/// complementary count): the full reasons are in `owner-only/` alone (issue 25, item 6).
fn published_reasons_are_no_key(dir: &Path, audit: &polars::prelude::DataFrame) {
    use polars::prelude::*;
    let file = std::fs::File::open(dir.join("profile.parquet")).expect("parquet");
    let table = ParquetReader::new(file).finish().expect("read");
    let distinct = |frame: &DataFrame, name: &str| -> Vec<String> {
        let column = frame
            .column(name)
            .expect("column")
            .unique_stable()
            .expect("unique");
        let mut values: Vec<String> = column
            .str()
            .expect("text")
            .iter()
            .flatten()
            .map(str::to_owned)
            .collect();
        values.sort();
        values
    };
    for column in [
        "numerator_withheld",
        "denominator_withheld",
        "residents_withheld",
    ] {
        assert_eq!(distinct(&table, column), ["small-numbers"], "{column}");
    }
    let suppressed = table
        .lazy()
        .filter(col("status").eq(lit("suppressed")))
        .collect()
        .expect("filter");
    assert_eq!(distinct(&suppressed, "status_reason").len(), 1);
    assert_eq!(
        audit
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        [
            "count",
            "indicator",
            "area_code",
            "year",
            "mode",
            "scope",
            "family"
        ]
    );
    assert_eq!(distinct(audit, "family"), ["small-numbers"]);
    let owner = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(dir.join("owner-only/suppression.csv")))
        .expect("owner audit")
        .finish()
        .expect("read owner audit");
    assert_eq!(owner.height(), audit.height());
    assert_eq!(
        distinct(&owner, "reason"),
        ["complementary", "primary-count", "small-denominator"]
    );
    // Every published file, pages and documents included, names no rule.
    for (path, bytes) in tree(dir) {
        if path.starts_with("owner-only") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for word in [
            "primary",
            "complementary",
            "small-denominator",
            "secundair",
            "primair",
        ] {
            assert!(!text.contains(word), "{} names {word}", path.display());
        }
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("metadata.json")).expect("metadata"))
            .expect("json");
    let counts = &metadata["summary"]["withheld_counts"];
    assert_eq!(counts["total"], audit.height());
    assert!(counts.get("primary_count").is_none(), "{counts}");
    let full: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("owner-only/summary.json")).expect("owner summary"),
    )
    .expect("json");
    assert!(full["withheld_counts"]["primary_count"].as_u64() > Some(0));
}

#[test]
fn build_writes_the_table_and_a_document_per_area_and_shards_merge_to_the_same_bytes() {
    use polars::prelude::*;

    let dir = tempfile::tempdir().expect("tempdir");
    let single = dir.path().join("single");
    let out = wijkprofiel(&["build", "--out", single.to_str().expect("utf-8")]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("built 372 areas"), "{stdout}");
    assert!(stdout.contains("SYNTHETIC DEMO DATA"), "{stdout}");

    // The table, read back with polars: one row per area × indicator × year × mode.
    let file = std::fs::File::open(single.join("profile.parquet")).expect("parquet");
    let table = ParquetReader::new(file).finish().expect("read");
    let areas = table.column("area_code").expect("c").n_unique().expect("n");
    assert_eq!(areas, 372);
    let keys = table
        .clone()
        .lazy()
        .group_by([col("area_code"), col("indicator"), col("year"), col("mode")])
        .agg([len()])
        .filter(col("len").gt(lit(1)))
        .collect()
        .expect("keys");
    assert_eq!(keys.height(), 0, "one row per key");
    let published = table
        .clone()
        .lazy()
        .filter(col("status").eq(lit("published")))
        .collect()
        .expect("filter");
    assert!(published.column("value").expect("c").null_count() == 0);
    let suppressed = table
        .lazy()
        .filter(col("status").eq(lit("suppressed")))
        .collect()
        .expect("filter");
    assert!(suppressed.height() > 0);
    assert_eq!(
        suppressed.column("numerator").expect("c").null_count(),
        suppressed.height(),
        "suppressed counts are not published"
    );
    // The audit: one row per withheld count, as many as the summary says; each withheld
    // GP or GGD numerator flagged in the table is one `events` row of it.
    let audit = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(single.join("suppression.csv")))
        .expect("audit")
        .finish()
        .expect("read audit");
    assert!(
        stdout.contains(&format!(
            "disclosure control withheld {} counts",
            audit.height()
        )),
        "{stdout}"
    );
    let events = audit
        .clone()
        .lazy()
        .filter(col("count").eq(lit("events")))
        .collect()
        .expect("events");
    let flagged = table_flags(&single);
    assert_eq!(events.height(), flagged);
    assert!(audit.column("value").is_err(), "the audit holds no values");
    published_reasons_are_no_key(&single, &audit);
    // A document per area, each valid JSON with its schema version.
    let documents = std::fs::read_dir(single.join("areas"))
        .expect("areas")
        .count();
    assert_eq!(documents, 372);
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(single.join("areas/WK990103.json")).expect("document"),
    )
    .expect("json");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["area"]["name"], "Universiteitskwartier");

    // Three workers and a merge leave exactly what one run leaves.
    let sharded = dir.path().join("sharded");
    for shard in ["2/3", "1/3", "3/3"] {
        let out = wijkprofiel(&[
            "build",
            "--out",
            sharded.to_str().expect("utf-8"),
            "--shard",
            shard,
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The workers write beside the output folder: nothing of the set shows before the merge.
    assert!(!sharded.exists());
    let early = merge(&single, "2");
    assert_eq!(early.status.code(), Some(2));
    assert!(text(&early.stderr).contains("missing shard parts [1, 2] of 2"));
    let out = merge(&sharded, "3");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        beside(dir.path(), ".shards-").is_empty(),
        "the merge put the workers' folder in place"
    );
    let (a, b) = (tree(&single), tree(&sharded));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs", path.display());
    }
    // No temporary file is left behind.
    assert!(a.keys().all(|p| !p.to_string_lossy().ends_with(".partial")));

    // A rerun over existing outputs gives the same bytes.
    let out = wijkprofiel(&["build", "--out", single.to_str().expect("utf-8")]);
    assert!(out.status.success());
    assert!(tree(&single) == a);
    // Workers over an earlier set leave it whole until the merge, which replaces it whole.
    for shard in ["1/2", "2/2"] {
        let sharded = sharded.to_str().expect("utf-8");
        let out = wijkprofiel(&["build", "--out", sharded, "--shard", shard]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            tree(Path::new(sharded)) == b,
            "worker {shard} changed the earlier set"
        );
    }
    // A killed run of other inputs left a folder beside it: the merge clears it.
    let stale = dir.path().join(".sharded.shards-0000000000000000");
    std::fs::create_dir_all(stale.join("parts")).expect("stale");
    let out = merge(&sharded, "2");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(tree(&sharded) == a);
    assert!(beside(dir.path(), ".shards-").is_empty());
}

#[test]
fn build_settings_loosen_disclosure_only_explicitly_and_bad_settings_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = dir.path().join("region.toml");
    let out_dir = dir.path().join("out");
    let build = || {
        wijkprofiel(&[
            "build",
            "--out",
            out_dir.to_str().expect("utf-8"),
            "--config",
            settings.to_str().expect("utf-8"),
        ])
    };
    // Loosening without saying so is refused, naming the setting.
    std::fs::write(&settings, "[disclosure]\nmin_count = 5\n").expect("write");
    let out = build();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("allow_loosening"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(
        &settings,
        "years = [2024]\n[disclosure]\nenabled = false\nallow_loosening = true\n",
    )
    .expect("write");
    let out = build();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("0 suppressed"), "{stdout}");
    assert!(
        stdout.contains("WARNING: disclosure control is OFF"),
        "{stdout}"
    );
    // The run's metadata says so too.
    let metadata: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("metadata.json")).expect("metadata"))
            .expect("json");
    let disclosure = &metadata["options"]["disclosure"];
    assert_eq!(disclosure["enabled"], false);
    assert_eq!(disclosure["allow_loosening"], true);
    assert_eq!(metadata["summary"]["suppressed"], 0);

    std::fs::write(&settings, "years = [1999]\n").expect("write");
    let out = wijkprofiel(&[
        "build",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--config",
        settings.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("year 1999"),
        "{}",
        text(&out.stderr)
    );
    let out = wijkprofiel(&["build", "--out", "x", "--shard", "4/3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("4/3"));
}

#[test]
fn a_killed_build_leaves_the_previous_set_or_none_and_a_rerun_is_the_same() {
    use std::time::Duration;

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    let verified = |path: &str| wijkprofiel(&["verify", path]).status.success();
    let started = std::time::Instant::now();
    let built = wijkprofiel(&["build", "--out", out_arg]);
    let whole = started.elapsed().as_millis() as u64;
    assert!(built.status.success(), "{}", text(&built.stderr));
    assert!(verified(out_arg));
    let reference = tree(&out);
    assert!(reference.contains_key(Path::new("manifest.json")));
    // Killed at moments spread over a whole build, over the earlier set and (every fourth)
    // over nothing: the folder is the earlier set (or, killed after the swap, the new one,
    // the same bytes), or absent.
    let fresh = dir.path().join("fresh");
    let working = || !beside(dir.path(), ".building-").is_empty();
    let mut mid_write = 0;
    for k in 0..20_u64 {
        let target = if k % 4 == 3 { &fresh } else { &out };
        let mut child = Command::new(env!("CARGO_BIN_EXE_wijkprofiel-e2e"))
            .args(["build", "--out", target.to_str().expect("utf-8")])
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Moments spread over the time a build takes here, the last ones past its end.
        std::thread::sleep(Duration::from_millis(whole * (k * 7 % 20 + 1) / 19));
        let _ = child.kill();
        child.wait().expect("wait");
        mid_write += usize::from(working());
        if target.exists() {
            assert!(tree(target) == reference, "kill {k}: not a whole set");
            assert!(verified(target.to_str().expect("utf-8")), "kill {k}");
        }
    }
    assert!(mid_write > 0, "no kill fell while a set was being written");
    // A rerun gives the same set and clears what the killed runs left.
    for target in [&out, &fresh] {
        let again = wijkprofiel(&["build", "--out", target.to_str().expect("utf-8")]);
        assert!(again.status.success(), "{}", text(&again.stderr));
        assert!(tree(target) == reference);
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "out" && n != "fresh")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // A folder of other files is refused and left alone.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("folder");
    std::fs::write(other.join("notes.txt"), "mine").expect("file");
    let refused = wijkprofiel(&["build", "--out", other.to_str().expect("utf-8")]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("not a wijkprofiel output set"));
    assert_eq!(std::fs::read_dir(&other).expect("list").count(), 1);
    // A changed set fails verification, naming the file.
    std::fs::write(out.join("areas/WK990103.json"), "{}").expect("tamper");
    let checked = wijkprofiel(&["verify", out_arg]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(text(&checked.stdout).contains("areas/WK990103.json: changed since it was written"));
}

#[test]
fn monitor_writes_the_monitor_set_alone_and_refuses_data_without_respondents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("monitor");
    let out_arg = out.to_str().expect("utf-8");
    let run = wijkprofiel(&["monitor", "--out", out_arg]);
    let said = text(&run.stdout);
    assert!(run.status.success(), "{said}{}", text(&run.stderr));
    assert!(
        said.starts_with("estimated 2 indicators for 372 areas: "),
        "{said}"
    );
    let files: Vec<String> = tree(&out)
        .into_keys()
        .map(|p| p.display().to_string())
        .collect();
    for expected in [
        "monitor.parquet",
        "monitor.csv",
        "tabellenboek/GM9901.xlsx",
        "manifest.json",
    ] {
        assert!(files.iter().any(|f| f == expected), "{expected}: {files:?}");
    }
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("areas/") || f.starts_with("pages/")),
        "{files:?}"
    );
    assert!(wijkprofiel(&["verify", out_arg]).status.success());
    // The same estimates as a whole build's, byte for byte.
    let built = dir.path().join("built");
    let build = wijkprofiel(&["build", "--out", built.to_str().expect("utf-8")]);
    assert!(build.status.success(), "{}", text(&build.stderr));
    let read = |d: &Path| std::fs::read(d.join("monitor.csv")).expect("monitor.csv");
    assert!(read(&out) == read(&built));
    // A region without respondents has no monitor: refused, naming what is missing.
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("folder");
    copy_demo(&data);
    std::fs::remove_file(data.join("respondents.parquet")).expect("remove");
    let refused = wijkprofiel(&[
        "monitor",
        data.to_str().expect("utf-8"),
        "--out",
        dir.path().join("none").to_str().expect("utf-8"),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains(
            "no health-monitor respondents (`respondents`) or no indicator made from them"
        ),
        "{}",
        text(&refused.stderr)
    );
    assert!(!dir.path().join("none").exists());
}

#[test]
fn the_loaders_survive_malformed_bytes_and_every_kept_case() {
    // Every crash the fuzzer found, kept, replayed; then a short seeded run of every target
    // (the long runs: scripts/fuzz).
    let fuzz = env!("CARGO_BIN_EXE_wijkprofiel-fuzz");
    let cases = root().join("tests/fuzz-cases");
    let replay = Command::new(fuzz)
        .args(["--replay", cases.to_str().expect("utf-8")])
        .output()
        .expect("replay");
    let said = text(&replay.stdout);
    assert!(replay.status.success(), "{said}");
    assert!(
        said.contains("parquet: 12 cases replayed") && said.ends_with("0 crashes\n"),
        "{said}"
    );
    let run = Command::new(fuzz)
        .args(["--runs", "150", "--seconds", "60", "--seed", "11"])
        .output()
        .expect("fuzz");
    let said = text(&run.stdout);
    assert!(run.status.success(), "{said}");
    for target in [
        "csv",
        "parquet",
        "catalogue",
        "geometry",
        "custom",
        "settings",
    ] {
        assert!(
            said.contains(&format!("{target}: 150 executions")),
            "{said}"
        );
    }
}

/// A temporary folder holding `out`, an output set of the demo, and that set's files.
fn earlier_set() -> (
    tempfile::TempDir,
    PathBuf,
    std::collections::BTreeMap<PathBuf, Vec<u8>>,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let built = wijkprofiel(&["build", "--out", out.to_str().expect("utf-8")]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let reference = tree(&out);
    (dir, out, reference)
}

/// A copy of the demo data with one defect, and what the error must say.
struct BadInput {
    defect: fn(&Path),
    /// Everything the command prints, exactly.
    says: &'static str,
}

fn replace_in(path: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(old), "{} lacks {old}", path.display());
    std::fs::write(path, text.replacen(old, new, 1)).expect("write");
}

#[test]
fn a_build_from_bad_inputs_leaves_the_output_folder_as_it_was() {
    let (dir, out, reference) = earlier_set();
    let out_arg = out.to_str().expect("utf-8");
    let cases = [
        BadInput {
            defect: |d| {
                replace_in(
                    &d.join("population.csv"),
                    ",residents\n",
                    ",residents,residents\n",
                )
            },
            says: "1 problem(s) in DATA:\n  - population.csv, column `residents`: two columns have this name; rename or remove one\n",
        },
        BadInput {
            defect: |d| std::fs::remove_file(d.join("areas.csv")).expect("remove"),
            says: "1 problem(s) in DATA:\n  - DATA: required input `areas` is missing (expected `areas.csv` or `areas.parquet`)\n",
        },
        BadInput {
            defect: |d| {
                replace_in(
                    &d.join("catalogue.toml"),
                    "multiplier = 1000",
                    "multiplier = ",
                )
            },
            says: "1 problem(s) in DATA:\n  - catalogue.toml, line 56: string values must be quoted, expected literal string\n",
        },
        BadInput {
            defect: |d| {
                replace_in(
                    &d.join("catalogue.toml"),
                    "polarity = ",
                    "colour = \"red\"\npolarity = ",
                )
            },
            says: "1 problem(s) in DATA:\n  - catalogue.toml, line 57: unknown field `colour`, expected one of `id`, `label_nl`, `label_en`, `theme`, `source`, `kind`, `multiplier`, `polarity`, `standardisation`, `age`, `sex`, `definition`, `icpc`, `prevalence`, `numerator_age`, `min_count`, `min_denominator`, `survey`\n",
        },
        BadInput {
            defect: |d| replace_in(&d.join("dataset.toml"), "name = \"", "name = \"\\u202e"),
            says: "1 problem(s) in DATA:\n  - dataset.toml, column `name`: name holds \\u{202e}: write text without control characters (such as NUL, a tab or a line break) or bidirectional formatting characters (such as a right-to-left override)\n",
        },
        BadInput {
            defect: |d| replace_in(&d.join("custom_areas.geojson"), "BU99010", "BU99990"),
            says: "1 problem(s) in DATA:\n  - custom_areas.geojson, row 2, column `members`: custom area `ST-DE-BRUG`: member `BU99990105` is not in the areas table\n",
        },
        BadInput {
            defect: |d| std::fs::write(d.join("geometry.geojson"), "{not json").expect("write"),
            says: "2 problem(s) in DATA:\n  - geometry.geojson: not valid JSON: key must be a string at line 1 column 2\n  - custom_areas.geojson, row 3, column `geometry`: custom area `WG-HA0013`: a polygon needs the buurt shapes of `geometry.geojson`\n",
        },
        BadInput {
            defect: |d| {
                let case = root().join("tests/fuzz-cases/parquet/crash-3-310.bin");
                std::fs::copy(case, d.join("gp_counts.parquet")).expect("copy");
            },
            says: "1 problem(s) in DATA:\n  - gp_counts.parquet: cannot read the file: the Parquet file is corrupt (a column chunk lies outside the file)\n",
        },
        BadInput {
            defect: |d| replace_in(&d.join("practices.csv"), "\n", "\n\"unclosed,"),
            says: "1 problem(s) in DATA:\n  - practices.csv, line 2: cannot read the file: a quote opened here is never closed\n",
        },
    ];
    for (k, case) in cases.iter().enumerate() {
        let data = dir.path().join(format!("data-{k}"));
        std::fs::create_dir(&data).expect("folder");
        copy_demo(&data);
        (case.defect)(&data);
        let run = wijkprofiel(&["build", data.to_str().expect("utf-8"), "--out", out_arg]);
        // The whole message, exactly, with the data folder written as DATA.
        let said = format!("{}{}", text(&run.stdout), text(&run.stderr))
            .replace(data.to_str().expect("utf-8"), "DATA");
        assert!(!run.status.success(), "case {k} built: {said}");
        assert_eq!(said, case.says, "case {k}");
        assert!(
            tree(&out) == reference,
            "case {k} changed the output folder"
        );
        let left = beside(dir.path(), ".building-");
        assert!(left.is_empty(), "case {k} left {left:?}");
    }
    // A bad settings file as well.
    let settings = dir.path().join("settings.toml");
    std::fs::write(&settings, "[disclosure]\nmin_count = 2\n").expect("write");
    let run = wijkprofiel(&[
        "build",
        "--config",
        settings.to_str().expect("utf-8"),
        "--out",
        out_arg,
    ]);
    assert!(!run.status.success());
    assert_eq!(
        text(&run.stderr),
        "error: disclosure: `min_count = 2` is below the safe default; set \
         `allow_loosening = true` to publish with it (it is written into every output's \
         metadata)\n"
    );
    assert!(
        tree(&out) == reference,
        "the settings case changed the output folder"
    );
}

/// A write that fails halfway (as on a full disk): simulated with a file-size limit, under
/// which writing past it fails with "file too large" (the limit's signal ignored, as the
/// shell passes on), so the build's error path runs, not a kill.
#[cfg(target_os = "linux")]
#[test]
fn a_build_whose_writes_fail_leaves_the_earlier_set_and_no_working_folder() {
    let (dir, out, reference) = earlier_set();
    let out_arg = out.to_str().expect("utf-8");
    let exe = env!("CARGO_BIN_EXE_wijkprofiel-e2e");
    // 512-byte blocks: 64 KB, more than a document, less than the long table.
    let failed = Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -f 128; trap '' XFSZ; exec '{exe}' build --out '{out_arg}'"),
        ])
        .current_dir(root())
        .output()
        .expect("run");
    let said = text(&failed.stderr);
    assert_eq!(failed.status.code(), Some(2), "{said}");
    // The file that failed, and the cause once.
    assert!(said.contains("profile.parquet: File too large"), "{said}");
    assert_eq!(said.matches("File too large").count(), 1, "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(tree(&out) == reference, "the earlier set changed");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "out")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn small_integer_columns_of_parquet_files_are_read() {
    // Answers as Int8 and counts as UInt16 (as R, SPSS readers and pandas write them): the
    // command line reads them as the Python extension does.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_demo(dir.path());
    use polars::prelude::*;
    let rewrite = |name: &str, column: &str, dtype: DataType| {
        let path = dir.path().join(name);
        let file = std::fs::File::open(&path).expect("open");
        let frame = ParquetReader::new(file).finish().expect("read");
        let mut frame = frame
            .lazy()
            .with_column(col(column).cast(dtype))
            .collect()
            .expect("cast");
        let out = std::fs::File::create(&path).expect("create");
        ParquetWriter::new(out).finish(&mut frame).expect("write");
    };
    rewrite("respondents.parquet", "GZGGA401", DataType::Int8);
    rewrite("gp_counts.parquet", "numerator", DataType::UInt16);
    let run = wijkprofiel(&["validate", dir.path().to_str().expect("utf-8")]);
    let said = text(&run.stdout);
    assert!(run.status.success(), "{said}");
    assert!(said.ends_with("valid: no problems found\n"), "{said}");
}
