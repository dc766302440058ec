//! Files that appear whole or not at all: each output file is written under a temporary name
//! in its own folder (see [`partial`]), then renamed into place by [`publish`]. An interrupted
//! run leaves no half-written file under a real name, and a rerun writes over the leftovers.
//! Files are not synced one by one (tens of thousands of fsyncs cost seconds): the rename
//! makes each file appear whole, and after a crash of the machine a rerun rewrites them.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under: `.NAME.partial` in the same folder, so the
/// rename stays on one file system and a leftover is hidden and recognisable.
pub(crate) fn partial(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.partial"))
}

/// Opens a new file at `temporary` for writing: whatever is at that name (a leftover of an
/// earlier run, or a symbolic link planted there) is removed first, and the file is created
/// exclusively without following a link, so that a write never lands outside the output
/// folder. `flags` are added to the open on Linux (such as `O_DIRECT`).
pub(crate) fn create_new(temporary: &Path, flags: i32) -> io::Result<File> {
    match std::fs::remove_file(temporary) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | flags);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = flags;
    options.open(temporary)
}

/// Writes `bytes` to the temporary file `temporary`, created by [`create_new`].
pub(crate) fn fill_with(temporary: &Path, bytes: &[u8]) -> io::Result<()> {
    create_new(temporary, 0)?.write_all(bytes)
}

/// Puts the finished temporary file of `path` in its place.
pub(crate) fn publish(path: &Path) -> io::Result<()> {
    std::fs::rename(partial(path), path)
}

/// Writes `path` atomically: `fill` writes the temporary file it is given, which is then
/// published; `failed` turns a failed rename into the caller's error.
pub(crate) fn write<E>(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
    failed: impl FnOnce(io::Error) -> E,
) -> Result<(), E> {
    fill(&partial(path))?;
    publish(path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_beside_itself_under_a_hidden_name_and_renamed_into_place() {
        assert_eq!(
            partial(Path::new("out/profile.csv")),
            Path::new("out/.profile.csv.partial")
        );
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "old").expect("old file");
        std::fs::write(partial(&path), "new").expect("temporary file");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        publish(&path).expect("publish");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert!(!partial(&path).exists());
        let missing = publish(&dir.path().join("b.txt")).expect_err("nothing to publish");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let outside = tempfile::tempdir().expect("another folder");
        let target = outside.path().join("precious.txt");
        std::fs::write(&target, "precious").expect("target");
        let path = dir.path().join("a.json");
        std::os::unix::fs::symlink(&target, partial(&path)).expect("link");
        write(&path, |t| fill_with(t, b"new"), |e| e).expect("write");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "precious");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        // A folder at the temporary name is an error, not a write into it.
        let other = dir.path().join("b.json");
        std::fs::create_dir(partial(&other)).expect("folder");
        assert!(write(&other, |t| fill_with(t, b"x"), |e| e).is_err());
        assert!(!other.exists());
    }
}
