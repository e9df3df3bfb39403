//! Bounds-checked primitive readers shared by the DEX and class-file parsers.
//!
//! Every reader returns `None` instead of panicking when the input is too short, so the
//! callers can turn a short read into a warning or an error that names the structure.

use std::borrow::Cow;
use std::fmt;

use crate::Warning;

/// Little-endian `u16` at `off`.
pub(crate) fn le_u16(data: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(*data.get(off..)?.first_chunk()?))
}

/// Little-endian `u32` at `off`.
pub(crate) fn le_u32(data: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*data.get(off..)?.first_chunk()?))
}

/// Big-endian `u16` at `off` (JVM class files are big-endian).
pub(crate) fn be_u16(data: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes(*data.get(off..)?.first_chunk()?))
}

/// Big-endian `u32` at `off`.
pub(crate) fn be_u32(data: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes(*data.get(off..)?.first_chunk()?))
}

/// Reads an unsigned LEB128 value of at most five bytes (the DEX format only encodes
/// 32-bit values). A fifth byte with the continuation bit set is a runaway encoding and
/// yields `None`, as does running off the end of `data`.
pub(crate) fn uleb128(data: &[u8], pos: &mut usize) -> Option<u32> {
    let mut value: u32 = 0;
    for shift in [0u32, 7, 14, 21, 28] {
        let byte = *data.get(*pos)?;
        *pos += 1;
        // Bits shifted past bit 31 on the fifth byte are dropped, as the Dalvik VM does.
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Decodes Java "modified UTF-8" (used by both DEX string data and class-file `Utf8`
/// constants).
///
/// Plain UTF-8 input is borrowed: modified UTF-8 only differs from UTF-8 in the encoding of
/// U+0000 (`C0 80`) and of supplementary characters (surrogate pairs, `ED Ax xx ED Bx xx`),
/// and both of those are rejected by `str::from_utf8`, so a successful `from_utf8` means the
/// two decodings agree. Anything else takes the slow path, which replaces invalid sequences
/// with U+FFFD.
pub(crate) fn mutf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(mutf8_slow(bytes)),
    }
}

fn continuation(bytes: &[u8], at: usize) -> Option<u16> {
    let byte = *bytes.get(at)?;
    (byte & 0xc0 == 0x80).then_some(u16::from(byte & 0x3f))
}

fn mutf8_slow(bytes: &[u8]) -> String {
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while let Some(&lead) = bytes.get(pos) {
        if lead < 0x80 {
            units.push(u16::from(lead));
            pos += 1;
        } else if lead & 0xe0 == 0xc0 {
            match continuation(bytes, pos + 1) {
                Some(low) => {
                    units.push((u16::from(lead & 0x1f) << 6) | low);
                    pos += 2;
                }
                None => {
                    units.push(0xfffd);
                    pos += 1;
                }
            }
        } else if lead & 0xf0 == 0xe0 {
            match (continuation(bytes, pos + 1), continuation(bytes, pos + 2)) {
                (Some(mid), Some(low)) => {
                    units.push((u16::from(lead & 0x0f) << 12) | (mid << 6) | low);
                    pos += 3;
                }
                _ => {
                    units.push(0xfffd);
                    pos += 1;
                }
            }
        } else if lead & 0xf8 == 0xf0 {
            // Standard 4-byte UTF-8 is not legal modified UTF-8, but some obfuscators emit
            // it mixed with modified sequences; decode it rather than losing the text.
            let rest = (1..4)
                .map(|i| continuation(bytes, pos + i))
                .collect::<Option<Vec<_>>>();
            match rest.as_deref() {
                Some([a, b, c]) => {
                    let scalar = (u32::from(lead & 0x07) << 18)
                        | (u32::from(*a) << 12)
                        | (u32::from(*b) << 6)
                        | u32::from(*c);
                    match char::from_u32(scalar) {
                        Some(ch) => {
                            let mut buf = [0u16; 2];
                            units.extend_from_slice(ch.encode_utf16(&mut buf));
                        }
                        None => units.push(0xfffd),
                    }
                    pos += 4;
                }
                _ => {
                    units.push(0xfffd);
                    pos += 1;
                }
            }
        } else {
            units.push(0xfffd);
            pos += 1;
        }
    }
    String::from_utf16_lossy(&units)
}

/// The most warnings kept per parse or scan; a hostile file could otherwise produce one per
/// byte. The rest are counted and summarised in one final warning.
pub(crate) const MAX_WARNINGS: usize = 256;

/// Collects warnings up to [`MAX_WARNINGS`], formatting messages only when they are kept.
#[derive(Default)]
pub(crate) struct WarningSink {
    kept: Vec<Warning>,
    suppressed: usize,
    /// Per table: how many bad entries followed the first one reported, and where it was.
    repeated: Vec<(&'static str, usize, usize)>,
}

impl WarningSink {
    pub(crate) fn push(&mut self, offset: usize, message: fmt::Arguments<'_>) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(Warning {
                offset,
                message: message.to_string(),
            });
        } else {
            self.suppressed += 1;
        }
    }

    /// Reports a bad entry of `table`: the first one in full, later ones only as a count
    /// in [`WarningSink::finish`], so a table of garbage yields two warnings, not thousands,
    /// and cannot crowd out other problems.
    pub(crate) fn push_entry(
        &mut self,
        table: &'static str,
        offset: usize,
        message: fmt::Arguments<'_>,
    ) {
        if let Some(entry) = self.repeated.iter_mut().find(|(name, _, _)| *name == table) {
            entry.1 += 1;
            return;
        }
        self.repeated.push((table, 0, offset));
        self.push(offset, message);
    }

    pub(crate) fn finish(mut self) -> Vec<Warning> {
        for (table, more, offset) in std::mem::take(&mut self.repeated) {
            if more > 0 {
                self.kept.push(Warning {
                    offset,
                    message: format!("{table}: {more} further invalid entries"),
                });
            }
        }
        if self.suppressed > 0 {
            let offset = self.kept.last().map_or(0, |w| w.offset);
            self.kept.push(Warning {
                offset,
                message: format!("{} further warnings suppressed", self.suppressed),
            });
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uleb128_spec_examples() {
        // Examples from the "LEB128" table of the Dalvik Executable format page.
        let cases: [(&[u8], u32); 5] = [
            (&[0x00], 0),
            (&[0x01], 1),
            (&[0x7f], 127),
            (&[0x80, 0x7f], 16256),
            (&[0xff, 0xff, 0xff, 0xff, 0x0f], u32::MAX),
        ];
        for (bytes, want) in cases {
            let mut pos = 0;
            assert_eq!(uleb128(bytes, &mut pos), Some(want), "{bytes:?}");
            assert_eq!(pos, bytes.len());
        }
    }

    #[test]
    fn uleb128_runaway_and_truncated() {
        let mut pos = 0;
        assert_eq!(
            uleb128(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], &mut pos),
            None
        );
        let mut pos = 0;
        assert_eq!(uleb128(&[0x80, 0x80], &mut pos), None);
        let mut pos = 5;
        assert_eq!(uleb128(&[0x01], &mut pos), None);
    }

    #[test]
    fn mutf8_borrows_plain_text_and_decodes_modified_forms() {
        assert!(matches!(
            mutf8(b"Landroid/os/Build;"),
            Cow::Borrowed("Landroid/os/Build;")
        ));
        // U+0000 is C0 80 in modified UTF-8.
        assert_eq!(mutf8(&[b'a', 0xc0, 0x80, b'b']), "a\u{0}b");
        // U+1F600 as a CESU-style surrogate pair: D83D DE00.
        assert_eq!(mutf8(&[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), "\u{1F600}");
        // Chinese text is identical in both encodings and stays borrowed.
        assert!(matches!(mutf8("隐私".as_bytes()), Cow::Borrowed("隐私")));
        // Broken sequences become U+FFFD rather than failing.
        assert_eq!(mutf8(&[b'x', 0xe4, 0xb8]), "x\u{fffd}\u{fffd}");
        assert_eq!(mutf8(&[0xff]), "\u{fffd}");
    }

    #[test]
    fn readers_refuse_short_input() {
        assert_eq!(le_u32(&[1, 2, 3], 0), None);
        assert_eq!(le_u16(&[1, 2, 3], 2), None);
        assert_eq!(be_u16(&[1, 2], usize::MAX), None);
        assert_eq!(be_u32(&[0xca, 0xfe, 0xba, 0xbe], 0), Some(0xcafe_babe));
        assert_eq!(le_u16(&[0x34, 0x12], 0), Some(0x1234));
    }

    #[test]
    fn warning_sink_caps_and_summarises() {
        let mut sink = WarningSink::default();
        for i in 0..MAX_WARNINGS + 10 {
            sink.push(i, format_args!("w{i}"));
        }
        let warnings = sink.finish();
        assert_eq!(warnings.len(), MAX_WARNINGS + 1);
        assert_eq!(
            warnings.last().map(|w| w.message.as_str()),
            Some("10 further warnings suppressed")
        );
    }
}
