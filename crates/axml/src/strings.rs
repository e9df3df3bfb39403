//! `ResStringPool` decoding with AOSP's acceptance rules and a global output budget.

use crate::AxmlError;
use crate::bytes::{u16_at, u32_at};

/// `ResStringPool_header.flags` bit for UTF-8 pools.
const UTF8_FLAG: u32 = 1 << 8;
/// Size of `ResStringPool_header`.
const POOL_HEADER_SIZE: usize = 28;
/// `ResStringPool_ref` value meaning "no string".
pub(crate) const NO_STRING: u32 = 0xFFFF_FFFF;

#[derive(Clone)]
enum Slot {
    Unread,
    Bad,
    Good(String),
}

/// A string pool; strings are decoded on first use.
pub(crate) struct StringPool<'a> {
    /// Offset table (4 bytes per string).
    entries: &'a [u8],
    /// The string data region (`stringsStart` .. end of strings).
    strings: &'a [u8],
    utf8: bool,
    slots: Vec<Slot>,
    /// Bytes of string data that may still be copied into the document. A hostile pool can
    /// point thousands of entries at one huge string; the budget keeps output bounded.
    budget: usize,
    budget_warned: bool,
}

impl<'a> StringPool<'a> {
    /// Parses the pool chunk `chunk` (header included) found at file offset `offset`.
    pub(crate) fn parse(
        chunk: &'a [u8],
        offset: usize,
        budget: usize,
        warnings: &mut Vec<String>,
    ) -> Result<Self, AxmlError> {
        let bad = |reason: String| AxmlError::BadStringPool { offset, reason };
        let header_size = usize::from(u16_at(chunk, 2).unwrap_or(0));
        if header_size < POOL_HEADER_SIZE || header_size > chunk.len() {
            return Err(bad(format!(
                "header size {header_size} (need {POOL_HEADER_SIZE}..={})",
                chunk.len()
            )));
        }
        let field = |at: usize| u32_at(chunk, at).unwrap_or(0);
        let declared_count = field(8) as usize;
        let style_count = field(12) as usize;
        let flags = field(16);
        let strings_start = field(20) as usize;
        let styles_start = field(24) as usize;

        // The offset table must fit between the header and the chunk end; cap the count
        // by what the bytes can hold (AOSP rejects the pool instead).
        let room = (chunk.len() - header_size) / 4;
        let count = if declared_count > room {
            warnings.push(format!(
                "string pool at offset {offset}: declares {declared_count} strings but only \
                 {room} offsets fit in the chunk; capped (Android rejects this pool)"
            ));
            room
        } else {
            declared_count
        };
        let entries = chunk
            .get(header_size..header_size + count * 4)
            .unwrap_or_default();

        let mut strings_end = chunk.len();
        if style_count > 0 {
            if styles_start > strings_start && styles_start <= chunk.len() {
                strings_end = styles_start;
            } else {
                warnings.push(format!(
                    "string pool at offset {offset}: stylesStart {styles_start} is outside \
                     ({strings_start}, {}]; style data ignored",
                    chunk.len()
                ));
            }
        }
        let strings = if count == 0 {
            &[][..]
        } else {
            match chunk.get(strings_start..strings_end) {
                Some(s) if !s.is_empty() && strings_start >= header_size => s,
                _ => {
                    return Err(bad(format!(
                        "stringsStart {strings_start} is outside the chunk \
                         ({header_size}..{strings_end}) while {count} strings are declared"
                    )));
                }
            }
        };
        let utf8 = flags & UTF8_FLAG != 0;
        if !utf8 && strings.len() >= 2 && strings.get(strings.len() - 2..) != Some(&[0, 0][..]) {
            warnings.push(format!(
                "string pool at offset {offset}: last UTF-16 string is not 0-terminated \
                 (Android rejects this pool)"
            ));
        }
        Ok(StringPool {
            entries,
            strings,
            utf8,
            slots: vec![Slot::Unread; count],
            budget,
            budget_warned: false,
        })
    }

    /// String `index` copied out for the document, or `None` if there is no such string,
    /// Android would read it as null, or the output budget is spent.
    pub(crate) fn get(&mut self, index: u32, warnings: &mut Vec<String>) -> Option<String> {
        if index == NO_STRING {
            return None;
        }
        let idx = index as usize;
        let slot = self.slots.get(idx)?;
        if matches!(slot, Slot::Unread) {
            let decoded = match self.decode(idx) {
                Ok((s, note)) => {
                    if let Some(note) = note {
                        warnings.push(format!("string #{idx}: {note}"));
                    }
                    Slot::Good(s)
                }
                Err(reason) => {
                    warnings.push(format!(
                        "string #{idx}: {reason}; read as null, as Android does"
                    ));
                    Slot::Bad
                }
            };
            if let Some(s) = self.slots.get_mut(idx) {
                *s = decoded;
            }
        }
        match self.slots.get(idx)? {
            Slot::Good(s) => {
                if s.len() > self.budget {
                    if !self.budget_warned {
                        self.budget_warned = true;
                        warnings.push(
                            "string output budget exhausted (hostile string pool?); \
                             further strings are dropped"
                                .to_string(),
                        );
                    }
                    return None;
                }
                self.budget -= s.len();
                Some(s.clone())
            }
            _ => None,
        }
    }

    /// Decodes string `idx`: `Err` when Android cannot locate it at all, `Ok` with a note
    /// when the string is readable by its length but lacks the 0 terminator.
    fn decode(&self, idx: usize) -> Result<(String, Option<String>), String> {
        let entry = u32_at(self.entries, idx * 4).ok_or("offset table truncated")? as usize;
        if self.utf8 {
            self.decode_utf8(entry)
        } else {
            self.decode_utf16(entry)
        }
    }

    /// Mirrors `ResStringPool::stringAt` for UTF-16 pools (except that a missing
    /// terminator is only noted, see [`unterminated_note`]).
    fn decode_utf16(&self, entry: usize) -> Result<(String, Option<String>), String> {
        let pool_chars = self.strings.len() / 2;
        let char_at = |i: usize| u16_at(self.strings, i.checked_mul(2)?);
        let off = entry / 2;
        if off + 1 >= pool_chars {
            return Err(format!(
                "offset {entry} is past the string data ({} bytes)",
                self.strings.len()
            ));
        }
        let first = char_at(off).ok_or("length truncated")?;
        let (len, start) = if first & 0x8000 != 0 {
            let second = char_at(off + 1).ok_or("length truncated")?;
            (
                ((usize::from(first) & 0x7fff) << 16) | usize::from(second),
                off + 2,
            )
        } else {
            (usize::from(first), off + 1)
        };
        let end = start.checked_add(len).ok_or("length overflows")?;
        if end >= pool_chars {
            return Err(format!("length {len} runs past the end of the string data"));
        }
        let note = (char_at(end) != Some(0)).then(unterminated_note);
        let units = self.strings.get(start * 2..end * 2).ok_or("out of range")?;
        let iter = units
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let text = char::decode_utf16(iter)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Ok((text, note))
    }

    /// Mirrors `ResStringPool::string8At` for UTF-8 pools.
    fn decode_utf8(&self, entry: usize) -> Result<(String, Option<String>), String> {
        let pool = self.strings;
        if entry + 1 >= pool.len() {
            return Err(format!(
                "offset {entry} is past the string data ({} bytes)",
                pool.len()
            ));
        }
        // Two lengths: UTF-16 units (unused here), then UTF-8 bytes; each 1 or 2 bytes.
        let read_len = |at: usize| -> Option<(usize, usize)> {
            let b0 = *pool.get(at)?;
            if b0 & 0x80 != 0 {
                let b1 = *pool.get(at + 1)?;
                Some(((usize::from(b0 & 0x7f) << 8) | usize::from(b1), at + 2))
            } else {
                Some((usize::from(b0), at + 1))
            }
        };
        let (_utf16_len, next) = read_len(entry).ok_or("length truncated")?;
        let (len, start) = read_len(next).ok_or("length truncated")?;
        let end = start.checked_add(len).ok_or("length overflows")?;
        if end >= pool.len() {
            return Err(format!("length {len} runs past the end of the string data"));
        }
        let note = (pool.get(end) != Some(&0)).then(unterminated_note);
        let bytes = pool.get(start..end).ok_or("out of range")?;
        Ok((String::from_utf8_lossy(bytes).into_owned(), note))
    }
}

/// Current libandroidfw returns null for a string whose length is not followed by a 0
/// ("Bad string block: string #N is not null-terminated"; aapt then stops with "bad string
/// pool") while older releases read it by its length. The string is decoded by its length
/// so the auditor still sees what the file declares, and the anomaly is reported.
fn unterminated_note() -> String {
    "not 0-terminated; decoded by its length (current Android reads it as null and \
     rejects the manifest)"
        .to_string()
}
