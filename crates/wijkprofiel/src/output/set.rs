//! Output sets that are whole or absent: a build writes into a working folder beside the
//! output folder, writes a manifest of every file last, and then swaps the working folder
//! into place in one step (Linux `renameat2` with `RENAME_EXCHANGE`; elsewhere two renames).
//! After any failure or kill the output folder holds the previous complete set (or nothing,
//! if there was none); files of areas that no longer exist go with the old set. A failed
//! build removes its working folder, and the next build removes those killed runs left.
//!
//! The manifest (`manifest.json`) lists every file with its size and BLAKE3 hash, and the
//! inputs' fingerprint; [`verify`] checks a folder against it.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::write::io;
use crate::error::ProfileError;

/// The manifest of an output set, written last.
pub const MANIFEST: &str = "manifest.json";

/// What a folder may hold to be replaced by a new set: an earlier set's files.
const SET_MARKERS: [&str; 2] = [MANIFEST, super::write::METADATA];

/// One file of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the set's folder, with `/` between folders.
    pub path: String,
    pub bytes: u64,
    /// BLAKE3, hexadecimal.
    pub blake3: String,
}

/// The files of a set and the fingerprint of the inputs it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    /// The inputs' fingerprint (a BLAKE3 hash of the data folder's files, or the embedded
    /// demo's), when known.
    pub inputs: Option<String>,
    pub files: Vec<Entry>,
}

impl Manifest {
    /// Every file under `dir` (but the manifest), in path order, hashed in parallel.
    ///
    /// # Errors
    ///
    /// I/O errors naming the file.
    pub fn of(dir: &Path, inputs: Option<String>) -> Result<Self, ProfileError> {
        let mut paths = Vec::new();
        walk(dir, dir, &mut paths)?;
        paths.retain(|p| p != MANIFEST);
        paths.sort();
        let files = paths
            .par_iter()
            .map(|relative| {
                let path = dir.join(relative);
                let (bytes, blake3) = hash(&path).map_err(io(&path))?;
                Ok(Entry {
                    path: relative.clone(),
                    bytes,
                    blake3,
                })
            })
            .collect::<Result<_, ProfileError>>()?;
        Ok(Self {
            schema_version: 1,
            inputs,
            files,
        })
    }
}

/// The files of `dir` below `root`, as relative paths with `/`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<(), ProfileError> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// A file's size and BLAKE3 hash.
fn hash(path: &Path) -> io::Result<(u64, String)> {
    let mut file = fs::File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0; 1 << 20];
    let mut bytes = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hasher.finalize().to_hex().to_string()))
}

/// A folder being written as a new set of `target`; see the module documentation. Dropped
/// without [`Working::commit`], it removes itself.
#[derive(Debug)]
pub struct Working {
    target: PathBuf,
    path: PathBuf,
}

impl Working {
    /// Starts a set for `target`, which must be absent, empty or an earlier set (it holds
    /// `manifest.json` or `metadata.json`): a new set replaces the whole folder. Removes the
    /// working folders of killed runs for the same target.
    ///
    /// # Errors
    ///
    /// [`ProfileError::NotAnOutputSet`] for a folder holding other files; I/O errors.
    pub fn begin(target: &Path) -> Result<Self, ProfileError> {
        let (target, parent, name) = replaceable(target)?;
        remove_leftovers(&parent, &name);
        let path = parent.join(format!(".{name}.building-{}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).map_err(io(&path))?;
        }
        fs::create_dir(&path).map_err(io(&path))?;
        Ok(Self { target, path })
    }

    /// The folder to write the set into.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the manifest and puts the set in place of the target's earlier one, which is
    /// then removed.
    ///
    /// # Errors
    ///
    /// I/O errors naming the folder; the target is then unchanged.
    pub fn commit(self, inputs: Option<String>) -> Result<Manifest, ProfileError> {
        let manifest = write_manifest(&self.path, inputs)?;
        swap(&self.path, &self.target).map_err(io(&self.target))?;
        Ok(manifest)
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        // After a commit the working name holds the old set (or nothing); else this run's
        // unfinished files. Either way it goes; a failure to remove it is left to the next run.
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// `target` made absolute, its parent (created) and its name, when a set may replace it: it
/// is absent, empty or an earlier set (it holds `manifest.json` or `metadata.json`).
fn replaceable(target: &Path) -> Result<(PathBuf, PathBuf, String), ProfileError> {
    let target = std::path::absolute(target).map_err(io(target))?;
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(ProfileError::NotAnOutputSet { path: target });
    };
    let (parent, name) = (parent.to_path_buf(), name.to_string_lossy().into_owned());
    if target.exists() {
        let mut entries = fs::read_dir(&target).map_err(io(&target))?;
        let empty = entries.next().is_none();
        if !empty && !SET_MARKERS.iter().any(|m| target.join(m).is_file()) {
            return Err(ProfileError::NotAnOutputSet { path: target });
        }
    }
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    Ok((target, parent, name))
}

/// The folder the workers of one sharded run share beside `target`,
/// `.NAME.shards-RUN` (created if absent): each writes its block there, and `merge` puts
/// the finished set in place of `target` whole. `run` names the run (from the inputs'
/// fingerprint, the same for every worker of it).
///
/// # Errors
///
/// [`ProfileError::NotAnOutputSet`] for a target holding other files; I/O errors.
pub(crate) fn shards(target: &Path, run: &str) -> Result<PathBuf, ProfileError> {
    let (_, parent, name) = replaceable(target)?;
    let path = parent.join(format!(".{name}.shards-{run}"));
    fs::create_dir_all(&path).map_err(io(&path))?;
    Ok(path)
}

/// The shard folders of runs for `target` ([`shards`]), in name order.
pub(crate) fn shard_folders(target: &Path) -> Result<Vec<PathBuf>, ProfileError> {
    let (_, parent, name) = replaceable(target)?;
    let prefix = format!(".{name}.shards-");
    let mut found: Vec<PathBuf> = fs::read_dir(&parent)
        .map_err(io(&parent))?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    Ok(found)
}

/// Puts a finished folder (its manifest written) in place of `target`, whose earlier set is
/// then removed.
///
/// # Errors
///
/// I/O errors naming the target, which is then unchanged.
pub(crate) fn put_in_place(done: &Path, target: &Path) -> Result<(), ProfileError> {
    let (target, _, _) = replaceable(target)?;
    swap(done, &target).map_err(io(&target))?;
    // After an exchange, `done` holds the earlier set.
    let _ = fs::remove_dir_all(done);
    Ok(())
}

/// Writes the manifest of the files in `dir` (after every other file).
///
/// # Errors
///
/// I/O errors naming the file.
pub(crate) fn write_manifest(dir: &Path, inputs: Option<String>) -> Result<Manifest, ProfileError> {
    let manifest = Manifest::of(dir, inputs)?;
    let file = dir.join(MANIFEST);
    let mut text = serde_json::to_vec_pretty(&manifest).map_err(|e| ProfileError::Encode {
        path: file.clone(),
        message: e.to_string(),
    })?;
    text.push(b'\n');
    crate::atomic::write(
        &file,
        |t| crate::atomic::fill_with(t, &text).map_err(io(&file)),
        io(&file),
    )?;
    Ok(manifest)
}

/// Puts `new` in place of `target`: one exchange where the system has it, else two renames.
fn swap(new: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        return fs::rename(new, target);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `new` now holds the old set, removed with the working folder.
            return Ok(());
        }
    }
    let mut old = new.as_os_str().to_owned();
    old.push(".replaced");
    let old = PathBuf::from(old);
    fs::rename(target, &old)?;
    fs::rename(new, target)?;
    fs::remove_dir_all(&old)
}

/// Removes the working folders that killed runs for `name` left in `parent` (those whose
/// process is gone, on Linux; elsewhere every one).
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.building-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = pid.trim_end_matches(".replaced");
        let alive = cfg!(target_os = "linux") && Path::new("/proc").join(pid).exists();
        if !alive || pid == std::process::id().to_string() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// What [`verify`] found wrong with a folder: each missing, changed or extra file.
///
/// # Errors
///
/// [`ProfileError::Io`] when the folder or its manifest cannot be read, or
/// [`ProfileError::Encode`] when the manifest is not one.
pub fn verify(dir: &Path) -> Result<Vec<String>, ProfileError> {
    let path = dir.join(MANIFEST);
    let text = fs::read(&path).map_err(io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| ProfileError::Encode {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let found = Manifest::of(dir, manifest.inputs.clone())?;
    let mut problems = Vec::new();
    let mut listed = manifest.files.iter().peekable();
    let mut present = found.files.iter().peekable();
    loop {
        match (listed.peek(), present.peek()) {
            (None, None) => break,
            (Some(l), Some(p)) if l.path == p.path => {
                if l != p {
                    problems.push(format!("{}: changed since it was written", l.path));
                }
                listed.next();
                present.next();
            }
            (Some(l), p) if p.is_none_or(|p| l.path < p.path) => {
                problems.push(format!("{}: missing", l.path));
                listed.next();
            }
            (_, Some(p)) => {
                problems.push(format!("{}: not part of the set", p.path));
                present.next();
            }
            (Some(_), None) => unreachable!("handled above"),
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)], dir: &Path) {
        for (name, text) in files {
            let path = dir.join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            fs::write(path, text).expect("file");
        }
    }

    #[test]
    fn a_new_set_replaces_the_old_whole_and_verifies() {
        let root = tempfile::tempdir().expect("folder");
        let out = root.path().join("out");
        for (run, files) in [
            [
                ("metadata.json", "1"),
                ("areas/A.json", "a"),
                ("areas/OLD.json", "x"),
            ]
            .as_slice(),
            [("metadata.json", "2"), ("areas/A.json", "b")].as_slice(),
        ]
        .iter()
        .enumerate()
        {
            let working = Working::begin(&out).expect("begin");
            set(files, working.path());
            let manifest = working.commit(Some(format!("run {run}"))).expect("commit");
            assert_eq!(manifest.files.len(), files.len());
        }
        // The second set alone: the first one's stale document is gone, nothing left beside.
        assert_eq!(
            fs::read_to_string(out.join("areas/A.json")).expect("read"),
            "b"
        );
        assert!(!out.join("areas/OLD.json").exists());
        let names: Vec<_> = fs::read_dir(root.path()).expect("list").flatten().collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(verify(&out).expect("verify"), Vec::<String>::new());
        fs::write(out.join("areas/A.json"), "c").expect("change");
        fs::write(out.join("areas/NEW.json"), "n").expect("add");
        fs::remove_file(out.join("metadata.json")).expect("remove");
        assert_eq!(
            verify(&out).expect("verify"),
            [
                "areas/A.json: changed since it was written",
                "areas/NEW.json: not part of the set",
                "metadata.json: missing",
            ]
        );
    }

    #[test]
    fn a_set_dropped_unfinished_leaves_the_old_one_and_no_trace() {
        let root = tempfile::tempdir().expect("folder");
        let out = root.path().join("out");
        let working = Working::begin(&out).expect("begin");
        set(&[("metadata.json", "1")], working.path());
        working.commit(None).expect("commit");
        let failed = Working::begin(&out).expect("begin");
        set(&[("metadata.json", "2")], failed.path());
        drop(failed);
        assert_eq!(
            fs::read_to_string(out.join("metadata.json")).expect("read"),
            "1"
        );
        assert_eq!(fs::read_dir(root.path()).expect("list").count(), 1);
        // A killed run's working folder (its process gone) is removed by the next run.
        let killed = root.path().join(".out.building-999999999");
        fs::create_dir(&killed).expect("leftover");
        drop(Working::begin(&out).expect("begin"));
        assert!(!killed.exists());
    }

    #[test]
    fn a_folder_of_other_files_is_not_replaced() {
        let root = tempfile::tempdir().expect("folder");
        fs::write(root.path().join("thesis.docx"), "years of work").expect("file");
        let error = Working::begin(root.path()).expect_err("refused");
        assert!(
            matches!(error, ProfileError::NotAnOutputSet { .. }),
            "{error}"
        );
        assert!(root.path().join("thesis.docx").exists());
    }
}
