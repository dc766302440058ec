//! Output files written past the page cache (Linux `O_DIRECT`) where the file system allows
//! it, else through it as usual.
//!
//! A national run writes the long table (1.3 GB in Parquet and CSV), which nobody reads back
//! at once. Through the page cache, the kernel copies every byte into cache pages that stay
//! after the run: fresh memory, which on a virtual machine can cost a fault on the host per
//! page (on the benchmark machine 1.9 s of kernel time per GB in `dd`, against 0.1 s per GB
//! direct; `benches/README.md`), or old cache to reclaim once memory is full. Direct writes
//! go from our own buffer, aligned and whole blocks long; the last block is padded and the
//! file then cut to its length.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::atomic;

/// Alignment of direct writes: buffer address, file offset and length (a multiple of every
/// usual logical block size).
const ALIGN: usize = 4096;

/// Whether this system has direct writes (`O_DIRECT`).
const DIRECT: bool = cfg!(target_os = "linux");

/// A file being written: bytes are gathered in an aligned buffer and written a whole buffer
/// at a time; [`DirectFile::finish`] writes the rest.
pub(crate) struct DirectFile {
    path: PathBuf,
    file: File,
    /// Written past the page cache (until the file system refuses).
    direct: bool,
    /// `start` padding bytes, then the bytes not yet written; never grown past its capacity,
    /// so that `start` stays the aligned offset.
    buffer: Vec<u8>,
    start: usize,
    /// Bytes of the buffer's aligned part (a multiple of [`ALIGN`]).
    room: usize,
    /// Bytes written to the file so far.
    position: u64,
}

impl DirectFile {
    /// Creates `path` anew (whatever was at that name is replaced, a link is not followed),
    /// to be written `room` bytes at a time (rounded up to whole blocks).
    pub(crate) fn create(path: &Path, room: usize) -> io::Result<Self> {
        let room = room.max(1).div_ceil(ALIGN) * ALIGN;
        let (file, direct) = match open(path, DIRECT) {
            Ok(file) => (file, DIRECT),
            Err(e) if refused(&e) => (open(path, false)?, false),
            Err(e) => return Err(e),
        };
        let mut buffer = Vec::with_capacity(room + ALIGN);
        let start = (ALIGN - buffer.as_ptr() as usize % ALIGN) % ALIGN;
        buffer.resize(start, 0);
        Ok(Self {
            path: path.to_owned(),
            file,
            direct,
            buffer,
            start,
            room,
            position: 0,
        })
    }

    /// Writes what is left and cuts the file to the bytes given; whether every write went
    /// past the page cache.
    pub(crate) fn finish(mut self) -> io::Result<bool> {
        let length = self.position + (self.buffer.len() - self.start) as u64;
        if self.direct {
            let filled = self.buffer.len() - self.start;
            self.buffer
                .resize(self.start + filled.div_ceil(ALIGN) * ALIGN, 0);
        }
        self.write_buffer()?;
        self.file.set_len(length)?;
        Ok(self.direct)
    }

    /// Writes the whole buffer and empties it; the buffer is whole blocks long when direct.
    fn write_buffer(&mut self) -> io::Result<()> {
        let bytes = &self.buffer[self.start..];
        let written = match self.file.write_all(bytes) {
            Err(e) if self.direct && refused(&e) => {
                // The file system refused a direct write: write it again through the cache.
                self.file = open_again(&self.path, self.position)?;
                self.direct = false;
                self.file.write_all(bytes)
            }
            written => written,
        };
        written?;
        self.position += bytes.len() as u64;
        self.buffer.truncate(self.start);
        Ok(())
    }
}

impl Write for DirectFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buffer.len() - self.start == self.room {
            self.write_buffer()?;
        }
        let n = data.len().min(self.room - (self.buffer.len() - self.start));
        self.buffer.extend_from_slice(&data[..n]);
        Ok(n)
    }

    /// Keeps the bytes: a direct write must be whole blocks, so only [`DirectFile::finish`]
    /// writes a part of one.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Creates `path` anew for writing ([`atomic::create_new`]: never through a link), past the
/// page cache if `direct`.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn open(path: &Path, direct: bool) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    let flags = if direct { libc::O_DIRECT } else { 0 };
    #[cfg(not(target_os = "linux"))]
    let flags = 0;
    atomic::create_new(path, flags)
}

/// Whether the file system refused a direct open or write (`EINVAL`).
fn refused(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::InvalidInput
}

/// Opens `path` again, through the page cache, at `position`.
fn open_again(path: &Path, position: u64) -> io::Result<File> {
    let mut options = File::options();
    options.write(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path)?;
    file.seek(SeekFrom::Start(position))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The room of the files written here: several writes for a few megabytes.
    const ROOM: usize = 1 << 20;

    /// `length` bytes of a pattern that repeats only every 251 bytes.
    fn pattern(length: usize) -> Vec<u8> {
        (0..length).map(|i| (i * 31 % 251) as u8).collect()
    }

    /// Writes `bytes` in pieces of `piece` bytes.
    fn write_in_pieces(file: &mut DirectFile, bytes: &[u8], piece: usize) {
        for part in bytes.chunks(piece) {
            file.write_all(part).unwrap();
        }
    }

    #[test]
    fn bytes_written_in_pieces_are_the_file_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let direct_possible = open(&dir.path().join("probe"), true).is_ok();
        let room = ROOM + 1000;
        for length in [0, 1, 4095, 4096, 4097, 3 * ROOM + 17] {
            for piece in [1000, 8192, 2 * ROOM + 5] {
                let path = dir.path().join(format!("{length}-{piece}"));
                let bytes = pattern(length);
                let mut file = DirectFile::create(&path, room).unwrap();
                assert_eq!(file.room, ROOM + ALIGN);
                write_in_pieces(&mut file, &bytes, piece);
                file.flush().unwrap();
                assert_eq!(file.finish().unwrap(), direct_possible, "{length} bytes");
                assert_eq!(std::fs::read(&path).unwrap(), bytes, "{length} bytes");
            }
        }
    }

    #[test]
    fn a_longer_file_left_by_an_interrupted_run_is_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".profile.csv.partial");
        for length in [3 * ROOM, 5] {
            let mut file = DirectFile::create(&path, ROOM).unwrap();
            file.write_all(&pattern(length)).unwrap();
            file.finish().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), pattern(length));
        }
    }

    #[test]
    fn a_direct_write_refused_is_written_again_in_its_place_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("refused");
        let bytes = pattern(3 * ROOM + 100);
        let (first, rest) = bytes.split_at(ROOM + 100);
        let mut file = DirectFile::create(&path, ROOM).unwrap();
        write_in_pieces(&mut file, first, 100_000);
        // One byte off the alignment: the kernel refuses direct writes from this buffer.
        let pending = file.buffer.split_off(file.start);
        file.start += 1;
        file.buffer.resize(file.start, 0);
        file.buffer.extend(pending);
        write_in_pieces(&mut file, rest, 100_000);
        assert!(!file.finish().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn a_file_that_cannot_be_created_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = DirectFile::create(&dir.path().join("missing/file"), ROOM)
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
    }
}
