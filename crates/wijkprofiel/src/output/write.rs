//! Batch outputs: the long table (Parquet and CSV) and one JSON document per area, every file
//! written atomically (a temporary file in the same folder, then a rename), so an
//! interrupted run leaves no half-written file and a rerun completes the set. The table files
//! go past the page cache (Linux `O_DIRECT`) where the file system allows it.
//!
//! A run can be split over workers with [`Shard`]: worker I of N writes the documents of its
//! block of areas and `parts/profile-I-of-N.parquet`; [`merge`] then joins the parts into the
//! same `profile.parquet` and `profile.csv` a single run writes, byte for byte.

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use polars::prelude::*;
use rayon::prelude::*;

use super::csv::CsvTable;
use super::direct::DirectFile;
use super::frames::OWNER_ONLY_COLUMNS;
use crate::atomic;
use crate::error::ProfileError;
use crate::profile::Profiles;
use crate::progress::{Meter, Phase, Progress};

/// The long table in Parquet.
pub const TABLE_PARQUET: &str = "profile.parquet";
/// The long table in CSV.
pub const TABLE_CSV: &str = "profile.csv";
/// The monitor's long table (estimates from respondents by group), when there is one.
pub const MONITOR_PARQUET: &str = "monitor.parquet";
/// The monitor's long table in CSV.
pub const MONITOR_CSV: &str = "monitor.csv";
/// The run's metadata: data set, options (disclosure settings included) and summary.
pub const METADATA: &str = "metadata.json";
/// The audit of disclosure control: every withheld count with its public rule family, in the
/// output folder; with its full reason, in [`OWNER_ONLY`].
pub const SUPPRESSION_CSV: &str = "suppression.csv";
/// The folder of what is for the data owner and not for publication: the audit with its
/// full reasons (`suppression.csv`) and the build summary with the withheld counts by
/// reason (`summary.json`). They tell small counts from others (`docs/threat-model.md`).
pub const OWNER_ONLY: &str = "owner-only";
/// The build summary, in [`OWNER_ONLY`].
pub const SUMMARY_JSON: &str = "summary.json";
/// The folder of pages: one per area and `index.html`, the regional overview.
pub const PAGES: &str = "pages";
/// The folder of area documents.
pub const DOCUMENTS: &str = "areas";
/// The folder of tabellenboeken: an Excel workbook per gemeente and the region, when the
/// profiles have GGD figures.
pub const TABELLENBOEK: &str = "tabellenboek";
/// The folder of shard parts.
pub const PARTS: &str = "parts";
/// The inputs' fingerprint, in [`PARTS`], for the merged set's manifest.
const INPUTS: &str = "inputs";

/// Worker `index` of `count` (1-based), e.g. `2/8`.
///
/// # Examples
///
/// ```
/// use wijkprofiel::output::write::Shard;
/// let shard: Shard = "2/4".parse().unwrap();
/// assert_eq!(shard.block(10), 2..5);
/// assert!("5/4".parse::<Shard>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The whole run.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// The block of `n` areas (by position) this worker writes: contiguous, in order, and
    /// together the blocks of all workers cover every area once.
    pub fn block(&self, n: usize) -> std::ops::Range<usize> {
        (self.index - 1) * n / self.count..self.index * n / self.count
    }
}

impl FromStr for Shard {
    type Err = ProfileError;

    fn from_str(text: &str) -> Result<Self, ProfileError> {
        let bad = || ProfileError::Shard(text.to_owned());
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a run wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Area documents written.
    pub documents: usize,
    /// Rows of the long table (or of this worker's part; of the monitor table for
    /// [`write_monitor_set`]).
    pub rows: usize,
    /// Table files written.
    pub tables: Vec<PathBuf>,
}

impl Written {
    /// The same, its table files named where they are once the folder `from` is put in
    /// place as `to`.
    fn moved(self, from: &Path, to: &Path) -> Self {
        let tables = self
            .tables
            .iter()
            .map(|p| to.join(p.strip_prefix(from).unwrap_or(p)))
            .collect();
        Self { tables, ..self }
    }
}

/// Bytes a table file is written at a time.
const TABLE_ROOM: usize = 4 << 20;

/// Writes a table file atomically, past the page cache where the file system allows it
/// (nobody reads it back at once): `fill` writes it.
fn atomic_table(
    path: &Path,
    fill: impl FnOnce(&mut DirectFile) -> Result<(), ProfileError>,
) -> Result<(), ProfileError> {
    atomic::write(
        path,
        |temporary| {
            let mut out = DirectFile::create(temporary, TABLE_ROOM).map_err(io(path))?;
            fill(&mut out)?;
            out.finish().map(|_| ()).map_err(io(path))
        },
        io(path),
    )
}

/// Writes a small file atomically, in one write through the page cache: a direct write
/// would wait for the device (on a spinning disk, for a seek), while writeback orders the
/// many small files of a run on the disk.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ProfileError> {
    atomic::write(
        path,
        |temporary| atomic::fill_with(temporary, bytes).map_err(io(path)),
        io(path),
    )
}

pub(super) fn io(path: &Path) -> impl Fn(std::io::Error) -> ProfileError + '_ {
    move |source| ProfileError::Io {
        path: path.to_owned(),
        source,
    }
}

fn encode(path: &Path) -> impl Fn(PolarsError) -> ProfileError + '_ {
    move |e| ProfileError::Encode {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// Writes a frame as Parquet, compressed with snappy: zstd made files a fifth smaller but
/// took 0.6 s longer for the national table.
fn write_parquet(path: &Path, frame: &mut DataFrame) -> Result<(), ProfileError> {
    frame.rechunk_mut_par();
    atomic_table(path, |out| {
        ParquetWriter::new(out)
            .with_compression(ParquetCompression::Snappy)
            .finish(frame)
            .map(|_| ())
            .map_err(encode(path))
    })
}

/// Writes the long table as `profile.parquet` and `profile.csv`; returns their paths.
fn write_long_table(dir: &Path, frame: &mut DataFrame) -> Result<Vec<PathBuf>, ProfileError> {
    let (parquet, csv) = (dir.join(TABLE_PARQUET), dir.join(TABLE_CSV));
    write_parquet(&parquet, frame)?;
    write_csv(&csv, frame)?;
    Ok(vec![parquet, csv])
}

/// Rows per slice of a CSV file serialised on one thread.
const CSV_ROWS: usize = 16_384;

/// Writes a frame as CSV: slices of [`CSV_ROWS`] rows are serialised in parallel, a window
/// of them at a time, while a thread of its own writes the window before (the same bytes
/// as polars writing the whole frame).
fn write_csv(path: &Path, frame: &DataFrame) -> Result<(), ProfileError> {
    write_csv_in_slices(path, frame, CSV_ROWS, 2 * rayon::current_num_threads())
}

/// [`write_csv`] with slices of `rows` rows, `window` slices at a time.
fn write_csv_in_slices(
    path: &Path,
    frame: &DataFrame,
    rows: usize,
    window: usize,
) -> Result<(), ProfileError> {
    let rows = rows.max(1);
    let height = frame.height();
    let starts: Vec<usize> = (0..height.max(1)).step_by(rows).collect();
    let table = CsvTable::new(frame).map_err(encode(path))?;
    atomic_table(path, |out| {
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
            let writer = scope.spawn(move || -> std::io::Result<()> {
                for texts in receive {
                    for text in texts {
                        out.write_all(&text)?;
                    }
                }
                Ok(())
            });
            for starts in starts.chunks(window.max(1)) {
                let texts: Vec<Vec<u8>> = starts
                    .par_iter()
                    .map(|&start| {
                        let mut text = Vec::new();
                        if start == 0 {
                            table.header(&mut text);
                        }
                        table.rows(start..(start + rows).min(height), &mut text);
                        text
                    })
                    .collect();
                if send.send(texts).is_err() {
                    // The writer stopped on an error, which joining it gives.
                    break;
                }
            }
            drop(send);
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map_err(io(path))
        })
    })
}

/// A safe file stem from an area code: letters, digits, `-` and `_` kept, anything else
/// replaced by `_`.
pub(crate) fn file_stem(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The file name of an area's document: its code made safe (letters, digits, `-` and `_`
/// kept, anything else replaced by `_`) and `.json`.
pub fn file_name(code: &str) -> String {
    format!("{}.json", file_stem(code))
}

/// Writes the whole set of outputs as `out`, whole or not at all ([`super::set`]): into a
/// working folder beside it, ending with `manifest.json` (every file's hash and `inputs`,
/// the inputs' fingerprint), then swapped into place, replacing an earlier set (stale files
/// of areas that no longer exist go with it). `progress` as for [`write()`].
///
/// # Examples
///
/// ```
/// use wijkprofiel::output::{set, write};
/// use wijkprofiel::{Region, profile::ProfileBuilder};
/// let profiles = ProfileBuilder::new().build(&Region::demo().unwrap()).unwrap();
/// let root = tempfile::tempdir().unwrap();
/// let out = root.path().join("out");
/// write::write_set(&profiles, &out, &wijkprofiel::progress::Silent).unwrap();
/// assert!(out.join(set::MANIFEST).is_file());
/// assert!(set::verify(&out).unwrap().is_empty());
/// ```
///
/// # Errors
///
/// [`ProfileError::NotAnOutputSet`] when `out` holds other files; I/O and encoding errors
/// naming the file (`out` is then unchanged).
pub fn write_set(
    profiles: &Profiles,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Written, ProfileError> {
    whole_set(profiles, out, |dir| {
        write(profiles, dir, Shard::WHOLE, progress)
    })
}

/// Runs `fill` on a working folder beside `out`, then puts it in place of `out` in one step
/// with its manifest ([`super::set::Working`]); the written files named where they end up.
fn whole_set(
    profiles: &Profiles,
    out: &Path,
    fill: impl FnOnce(&Path) -> Result<Written, ProfileError>,
) -> Result<Written, ProfileError> {
    let inputs = Some(profiles.fingerprint.clone()).filter(|f| !f.is_empty());
    let working = super::set::Working::begin(out)?;
    let written = fill(working.path())?.moved(working.path(), out);
    working.commit(inputs)?;
    Ok(written)
}

/// Writes this worker's outputs into `dir`: the area documents and pages of its block, the long
/// table (the whole table for [`Shard::WHOLE`], else its part in `parts/`) and, from the
/// first worker, the audit of disclosure control (`suppression.csv`), the run's
/// `metadata.json` and the regional overview `pages/index.html` (the same for every worker).
/// The tables are written on a thread of their own while the documents and pages are written
/// here. Reports [`Phase::Writing`] in areas written.
///
/// # Errors
///
/// [`ProfileError::Io`] or [`ProfileError::Encode`] naming the file.
pub fn write(
    profiles: &Profiles,
    dir: &Path,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Written, ProfileError> {
    let mkdir = |path: PathBuf| {
        std::fs::create_dir_all(&path).map_err(|source| ProfileError::Io { path, source })
    };
    let documents = dir.join(DOCUMENTS);
    mkdir(documents.clone())?;
    let pages = dir.join(PAGES);
    mkdir(pages.clone())?;
    if shard != Shard::WHOLE {
        mkdir(dir.join(PARTS))?;
    }
    let block = shard.block(profiles.areas().count());
    let (tables, areas) = std::thread::scope(|scope| {
        let tables = scope.spawn(|| write_tables(profiles, dir, shard, block.clone()));
        let areas = write_areas(profiles, &documents, &pages, block.clone(), progress);
        let tables = tables
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (tables, areas)
    });
    let (rows, tables) = tables?;
    Ok(Written {
        documents: areas?,
        rows,
        tables,
    })
}

/// Writes the long table of the areas in `block` (or this worker's part of it) and, from the
/// first worker, `suppression.csv`, `metadata.json` and the overview page; returns the table's
/// rows and the table files written.
fn write_tables(
    profiles: &Profiles,
    dir: &Path,
    shard: Shard,
    block: std::ops::Range<usize>,
) -> Result<(usize, Vec<PathBuf>), ProfileError> {
    let mut frame = profiles.table(block).map_err(encode(dir))?;
    let mut tables = Vec::new();
    if shard == Shard::WHOLE {
        tables = write_long_table(dir, &mut frame)?;
    } else {
        let path = part_path(dir, shard);
        write_parquet(&path, &mut frame)?;
        tables.push(path);
        if shard.index == 1 {
            // For the merged set's manifest.
            write_bytes(
                &dir.join(PARTS).join(INPUTS),
                profiles.fingerprint.as_bytes(),
            )?;
        }
    }
    if shard.index == 1 {
        write_pages_overview(profiles, dir)?;
        tables.extend(write_run_files(profiles, dir)?);
    }
    Ok((frame.height(), tables))
}

/// The overview page, `pages/index.html`.
fn write_pages_overview(profiles: &Profiles, dir: &Path) -> Result<(), ProfileError> {
    write_bytes(
        &dir.join(PAGES).join("index.html"),
        profiles.overview_html().as_bytes(),
    )
}

/// The files of a run as a whole (not of its areas): the audit of disclosure control
/// (published and the owner's), the summary, `metadata.json`, the tabellenboeken and the
/// monitor table; returns the table files written.
fn write_run_files(profiles: &Profiles, dir: &Path) -> Result<Vec<PathBuf>, ProfileError> {
    let mut tables = Vec::new();
    let audit = profiles.withheld_table().map_err(encode(dir))?;
    let owner = dir.join(OWNER_ONLY);
    std::fs::create_dir_all(&owner).map_err(io(&owner))?;
    let path = owner.join(SUPPRESSION_CSV);
    write_csv(&path, &audit)?;
    tables.push(path);
    let path = dir.join(SUPPRESSION_CSV);
    write_csv(&path, &audit.drop_many(OWNER_ONLY_COLUMNS))?;
    tables.push(path);
    write_json(&owner.join(SUMMARY_JSON), profiles.summary())?;
    write_json(
        &dir.join(METADATA),
        &serde_json::json!({
            "schema_version": super::SCHEMA_VERSION,
            "dataset": profiles.dataset(),
            "options": profiles.options(),
            "summary": profiles.summary().published(),
        }),
    )?;
    write_tabellenboeken(profiles, &dir.join(TABELLENBOEK))?;
    if !profiles.monitor_estimates().is_empty() {
        let mut monitor = profiles.monitor_table().map_err(encode(dir))?;
        let (parquet, csv) = (dir.join(MONITOR_PARQUET), dir.join(MONITOR_CSV));
        write_parquet(&parquet, &mut monitor)?;
        write_csv(&csv, &monitor)?;
        tables.extend([parquet, csv]);
    }
    Ok(tables)
}

/// Writes the health monitor's set into `out` (as [`write_set`], whole or not at all): the
/// monitor table (`monitor.parquet`, `monitor.csv`), the tabellenboeken, the audit of
/// disclosure control and `metadata.json`; no area documents, pages or long table.
/// `wijkprofiel monitor` writes it from [`crate::Region::monitor_only`].
///
/// # Examples
///
/// ```
/// use wijkprofiel::output::{set, write};
/// use wijkprofiel::{Region, profile::ProfileBuilder};
/// let region = Region::demo().unwrap().monitor_only().unwrap();
/// let profiles = ProfileBuilder::new().years([2024]).build(&region).unwrap();
/// let root = tempfile::tempdir().unwrap();
/// let out = root.path().join("monitor");
/// write::write_monitor_set(&profiles, &out).unwrap();
/// assert!(out.join(write::MONITOR_PARQUET).is_file());
/// assert!(out.join(write::TABELLENBOEK).join("GM9901.xlsx").is_file());
/// assert!(!out.join(write::DOCUMENTS).exists());
/// assert!(set::verify(&out).unwrap().is_empty());
/// ```
///
/// # Errors
///
/// As [`write_set`].
pub fn write_monitor_set(profiles: &Profiles, out: &Path) -> Result<Written, ProfileError> {
    whole_set(profiles, out, |dir| {
        Ok(Written {
            documents: 0,
            rows: profiles.monitor_estimates().len(),
            tables: write_run_files(profiles, dir)?,
        })
    })
}

/// Writes the tabellenboek of every gemeente and region that has one, in parallel.
fn write_tabellenboeken(profiles: &Profiles, dir: &Path) -> Result<(), ProfileError> {
    let books: Vec<&str> = profiles
        .areas()
        .filter(|a| matches!(a.level, crate::Level::Gemeente | crate::Level::Region))
        .map(|a| a.code.as_str())
        .collect();
    books.par_iter().try_for_each(|code| {
        let Some(book) = profiles.tabellenboek(code) else {
            return Ok(());
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        write_bytes(&dir.join(format!("{}.xlsx", file_stem(code))), &book?)
    })
}

/// Writes the documents and pages of the areas in `block`, a batch at a time in parallel;
/// returns the documents written.
fn write_areas(
    profiles: &Profiles,
    documents: &Path,
    pages: &Path,
    block: std::ops::Range<usize>,
    progress: &dyn Progress,
) -> Result<usize, ProfileError> {
    let areas: Vec<&crate::Area> = profiles.areas().collect();
    let block = &areas[block];
    let meter = Meter::start(progress, Phase::Writing, block.len() as u64);
    let mut written = 0;
    for batch in block.chunks(256) {
        let done: Vec<usize> = batch
            .par_iter()
            .map(|area| {
                if let Some(page) = profiles.page_html(&area.code) {
                    write_bytes(&pages.join(super::page_file(&area.code)), page.as_bytes())?;
                }
                write_document(profiles, documents, &area.code)
            })
            .collect::<Result<_, _>>()?;
        written += done.iter().sum::<usize>();
        meter.add(batch.len() as u64);
    }
    Ok(written)
}

/// Writes one area's document; 1 if it has one, else 0.
fn write_document(profiles: &Profiles, dir: &Path, code: &str) -> Result<usize, ProfileError> {
    let Some(document) = profiles.document(code) else {
        return Ok(0);
    };
    write_json(&dir.join(file_name(code)), &document)?;
    Ok(1)
}

thread_local! {
    /// A document's text, kept between documents so that each is encoded without allocating.
    static ENCODED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes a value as one line of JSON, atomically.
fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), ProfileError> {
    ENCODED.with_borrow_mut(|text| {
        text.clear();
        serde_json::to_writer(&mut *text, value).map_err(|e| ProfileError::Encode {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        text.push(b'\n');
        write_bytes(path, text)
    })
}

fn part_path(dir: &Path, shard: Shard) -> PathBuf {
    dir.join(PARTS).join(format!(
        "profile-{}-of-{}.parquet",
        shard.index, shard.count
    ))
}

/// Writes this worker's block of a sharded run for the output set `out`: into the folder
/// the run's workers share beside it (`.OUT.shards-RUN`, the run named by the inputs'
/// fingerprint), so that `out` keeps its earlier set until [`merge`] puts the whole new one
/// in its place. See [`write()`].
///
/// # Errors
///
/// [`ProfileError::NotAnOutputSet`] when `out` holds other files; I/O and encoding errors
/// naming the file.
pub fn write_shard(
    profiles: &Profiles,
    out: &Path,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Written, ProfileError> {
    let run: String = profiles.fingerprint.chars().take(16).collect();
    let folder = super::set::shards(out, if run.is_empty() { "run" } else { &run })?;
    write(profiles, &folder, shard, progress)
}

/// Joins the parts written by `count` workers of a sharded run for `out`
/// ([`write_shard`]) into `profile.parquet` and `profile.csv`, removes the parts, writes the
/// manifest and puts the finished set in place of `out` whole, as a single run does; the
/// folders that unfinished runs left beside `out` go with it.
///
/// # Errors
///
/// [`ProfileError::MissingParts`] naming the parts not (yet) written;
/// [`ProfileError::ShardRuns`] when the workers of more than one run have finished beside
/// `out`; I/O and decoding errors naming the file (`out` is then unchanged).
pub fn merge(out: &Path, count: usize) -> Result<Written, ProfileError> {
    let shards: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
    let missing = |dir: &Path| -> Vec<usize> {
        shards
            .iter()
            .filter(|s| !part_path(dir, **s).is_file())
            .map(|s| s.index)
            .collect()
    };
    let folders = super::set::shard_folders(out)?;
    let finished: Vec<&PathBuf> = folders.iter().filter(|f| missing(f).is_empty()).collect();
    let dir = match finished.as_slice() {
        [dir] if count > 0 => (*dir).clone(),
        [] | [_] => {
            // The run closest to finished says what is missing.
            let closest = folders.iter().min_by_key(|f| missing(f).len());
            return Err(ProfileError::MissingParts {
                dir: closest.map_or_else(|| out.to_path_buf(), |f| f.join(PARTS)),
                missing: closest.map_or_else(|| (1..=count).collect(), |f| missing(f)),
                count,
            });
        }
        _ => {
            return Err(ProfileError::ShardRuns {
                dir: out.to_path_buf(),
                runs: finished.iter().map(|f| f.display().to_string()).collect(),
            });
        }
    };
    let dir = dir.as_path();
    let mut frame: Option<DataFrame> = None;
    for shard in &shards {
        let path = part_path(dir, *shard);
        let file = File::open(&path).map_err(io(&path))?;
        let part = ParquetReader::new(file).finish().map_err(encode(&path))?;
        frame = Some(match frame {
            None => part,
            Some(mut all) => {
                all.vstack_mut(&part).map_err(encode(&path))?;
                all
            }
        });
    }
    let mut frame = frame.unwrap_or_default();
    let written = Written {
        rows: frame.height(),
        tables: write_long_table(dir, &mut frame)?,
        ..Written::default()
    };
    let parts = dir.join(PARTS);
    let inputs = std::fs::read_to_string(parts.join(INPUTS)).unwrap_or_default();
    std::fs::remove_dir_all(&parts).map_err(io(&parts))?;
    super::set::write_manifest(dir, Some(inputs).filter(|i| !i.is_empty()))?;
    super::set::put_in_place(dir, out)?;
    // The set in place supersedes what unfinished runs left beside it.
    for stale in folders.iter().filter(|f| f.as_path() != dir) {
        let _ = std::fs::remove_dir_all(stale);
    }
    Ok(written.moved(dir, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What polars writes for the whole frame at once.
    fn polars_csv(frame: &mut DataFrame) -> Vec<u8> {
        let mut text = Vec::new();
        CsvWriter::new(&mut text)
            .include_header(true)
            .finish(frame)
            .expect("csv");
        text
    }

    #[test]
    fn csv_in_slices_is_the_csv_polars_writes_whole() {
        let dir = std::env::temp_dir().join(format!("wijkprofiel-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("folder");
        let path = dir.join("table.csv");
        let tricky = df!(
            "text" => [Some("a,b"), Some("say \"hi\""), Some("two\nlines"), Some(""), None, Some("\""), Some("cr\r"), Some("a text longer than a view holds")],
            "number" => [Some(1.5), None, Some(1e-12), Some(-0.0), Some(2.0), Some(f64::NAN), Some(f64::INFINITY), Some(123_456_789_012_345_680.0)],
            "whole" => [Some(1_i64), Some(-2), None, Some(4), Some(5), Some(i64::MIN), Some(0), Some(i64::MAX)],
            "small, \"whole\"" => [Some(1_u32), None, Some(3), Some(u32::MAX), Some(0), Some(6), Some(7), Some(8)],
            "year" => [Some(2024_i32), Some(-1), None, Some(0), Some(1), Some(2), Some(3), Some(4)],
            "flag" => [Some(true), Some(false), None, Some(true), Some(true), Some(false), None, Some(false)],
        )
        .expect("frame");
        // The demo's long table spans more than one slice.
        let profiles = crate::profile::ProfileBuilder::new()
            .build(&crate::Region::demo().expect("demo"))
            .expect("profiles");
        let table = profiles.table(0..profiles.areas().count()).expect("table");
        assert!(table.height() > CSV_ROWS);
        let empty = tricky.clear();
        for mut frame in [tricky, table, empty] {
            let whole = polars_csv(&mut frame);
            // As written, and in slices small enough for many windows (one row each for
            // the small frames).
            let single = if frame.height() < 10 { 1 } else { 1000 };
            for (rows, window) in [(CSV_ROWS, 4), (1000, 2), (single, 1)] {
                write_csv_in_slices(&path, &frame, rows, window).expect("write");
                let written = std::fs::read(&path).expect("read");
                assert!(written == whole, "{:?} in slices of {rows}", frame.shape());
            }
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
