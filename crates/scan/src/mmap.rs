//! The one place appaudit uses `unsafe`: mapping an input file into memory.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::Path;

/// A read-only view of a whole file: memory-mapped when possible, read into a
/// buffer otherwise (empty files, and file systems that cannot map).
pub enum FileBytes {
    /// Mapped pages.
    Mapped(memmap2::Mmap),
    /// Bytes read into memory.
    Owned(Vec<u8>),
}

impl Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Owned(v) => v,
        }
    }
}

/// Opens `path` for reading as one byte slice.
pub fn open(path: &Path) -> io::Result<FileBytes> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(FileBytes::Owned(Vec::new()));
    }
    // SAFETY: the map is read-only and private to this process. If another
    // process truncates or rewrites the file while we read it, reads of the
    // vanished pages raise SIGBUS instead of returning garbage; that is the
    // accepted risk of mmap (ripgrep and cargo-deny take the same one) and the
    // price of not copying multi-hundred-megabyte APKs. Every parser treats the
    // bytes as untrusted either way.
    #[allow(unsafe_code)]
    let mapped = unsafe { memmap2::Mmap::map(&file) };
    match mapped {
        Ok(m) => Ok(FileBytes::Mapped(m)),
        Err(_) => std::fs::read(path).map(FileBytes::Owned),
    }
}
