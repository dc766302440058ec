//! Files that appear whole or not at all: each output file is written under a temporary name
//! in its own folder (see [`partial`]), then renamed into place by [`publish`]. An interrupted
//! run leaves no half-written file under a real name, and a rerun writes over the leftovers.
//! Files are not synced one by one (tens of thousands of fsyncs cost seconds): the rename
//! makes each file appear whole, and after a crash of the machine a rerun rewrites them.

use std::io;
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under: `.NAME.partial` in the same folder, so the
/// rename stays on one file system and a leftover is hidden and recognisable.
pub(crate) fn partial(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.partial"))
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
}
