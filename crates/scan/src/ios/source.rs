//! Where an iOS input's files come from: an IPA's zip ([`ZipSource`]) or one Mach-O file in
//! memory ([`MemSource`]); an unzipped bundle directory is `appaudit_ios::DirSource`.

use std::cell::RefCell;

use appaudit_archive::Archive;
use appaudit_ios::FileSource;

/// A [`FileSource`] over a zip archive (an IPA). Every read goes through [`Archive::read`], so
/// the archive's size, ratio and total limits apply.
pub(crate) struct ZipSource<'z, 'a> {
    archive: &'z Archive<'a>,
    /// The last whole entry read: the bundle walk sniffs a file's first bytes and then reads
    /// the same file in full, which would otherwise inflate it twice.
    last: RefCell<Option<(String, Vec<u8>)>>,
}

impl<'z, 'a> ZipSource<'z, 'a> {
    pub(crate) fn new(archive: &'z Archive<'a>) -> Self {
        ZipSource {
            archive,
            last: RefCell::new(None),
        }
    }

    fn read_cached(&self, path: &str) -> std::io::Result<Vec<u8>> {
        if let Some((cached, bytes)) = self.last.borrow().as_ref()
            && cached == path
        {
            return Ok(bytes.clone());
        }
        let entry = self.archive.by_name(path).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not an entry of the archive"),
            )
        })?;
        let bytes = self
            .archive
            .read(entry)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        *self.last.borrow_mut() = Some((path.to_owned(), bytes.clone()));
        Ok(bytes)
    }
}

impl FileSource for ZipSource<'_, '_> {
    fn list(&self) -> Vec<String> {
        self.archive
            .entries()
            .iter()
            .filter(|e| !e.is_dir())
            .map(|e| e.name.clone())
            .collect()
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.read_cached(path)
    }

    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        let mut bytes = self.read_cached(path)?;
        bytes.truncate(len);
        Ok(bytes)
    }
}

/// A [`FileSource`] of one file held in memory (a bare `.a` or Mach-O).
pub(crate) struct MemSource<'b> {
    name: String,
    bytes: &'b [u8],
}

impl<'b> MemSource<'b> {
    /// `name` is the path shown in the inventory (the file name, so the library name is visible).
    pub(crate) fn new(name: &str, bytes: &'b [u8]) -> Self {
        let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
        MemSource {
            name: file.to_owned(),
            bytes,
        }
    }
}

impl FileSource for MemSource<'_> {
    fn list(&self) -> Vec<String> {
        vec![self.name.clone()]
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        if path == self.name {
            Ok(self.bytes.to_vec())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not the input"),
            ))
        }
    }

    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        if path == self.name {
            Ok(self
                .bytes
                .get(..len.min(self.bytes.len()))
                .unwrap_or_default()
                .to_vec())
        } else {
            self.read(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ios::test_support::{INFO_PLIST, stored_zip};

    #[test]
    fn zip_source_lists_files_and_reads_through_the_archive() {
        let zip = stored_zip(&[
            ("Payload/T.app/Info.plist", INFO_PLIST.as_bytes()),
            ("Payload/T.app/a.txt", b"hello"),
        ]);
        let archive = Archive::open(&zip, Default::default()).expect("zip");
        let source = ZipSource::new(&archive);
        assert_eq!(
            source.list(),
            ["Payload/T.app/Info.plist", "Payload/T.app/a.txt"]
        );
        assert_eq!(source.read("Payload/T.app/a.txt").expect("read"), b"hello");
        assert_eq!(
            source
                .read_prefix("Payload/T.app/a.txt", 2)
                .expect("prefix"),
            b"he"
        );
        // Cached: the second read hands out the same bytes and inflates nothing more.
        let before = archive.bytes_read();
        assert_eq!(source.read("Payload/T.app/a.txt").expect("read"), b"hello");
        assert_eq!(archive.bytes_read(), before);
        assert_eq!(
            source.read("missing").expect_err("absent").kind(),
            std::io::ErrorKind::NotFound
        );
    }
}
