//! What a file that is not a zip archive is, from its first bytes, so the error can say
//! "it is a PNG image" instead of "no end of central directory record".

/// Leading magic bytes of formats people hand to an app auditor by mistake, with a plain
/// name. Checked in order; the first prefix that matches wins.
const MAGICS: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (
        b"\x7fELF",
        "an ELF binary (a native library or executable), not an app archive",
    ),
    (b"dex\n", "a bare DEX file, not an app archive"),
    (
        b"\xca\xfe\xba\xbe",
        "a Java class file or a fat Mach-O binary, not an app archive",
    ),
    (b"\xcf\xfa\xed\xfe", "a Mach-O binary, not an app archive"),
    (b"\xce\xfa\xed\xfe", "a Mach-O binary, not an app archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (
        b"\x03\x00\x08\x00",
        "a binary Android XML file (AXML), not an app archive",
    ),
    (
        b"!<arch>\n",
        "an ar archive (a static library), not an app archive",
    ),
    (b"<?xml", "an XML text file"),
    (b"<!DOCTYPE html", "an HTML page"),
    (b"<html", "an HTML page"),
    (b"{", "a JSON or text file"),
];

/// The plain name of the format `data` starts with, when it is one of [`MAGICS`].
pub(crate) fn describe(data: &[u8]) -> Option<&'static str> {
    MAGICS
        .iter()
        .find(|(magic, _)| data.starts_with(magic))
        .map(|(_, name)| *name)
}

/// Signature of a zip local file header: the first bytes of every ordinary zip/APK/IPA.
pub(crate) const LOCAL_HEADER_MAGIC: &[u8] = b"PK\x03\x04";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_formats_by_magic() {
        assert_eq!(
            describe(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("a PNG image")
        );
        assert_eq!(describe(b"%PDF-1.7\n"), Some("a PDF document"));
        assert_eq!(describe(b"hello"), None);
        assert_eq!(describe(b""), None);
    }
}
