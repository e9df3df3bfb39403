//! A bounded reader for `ar` archives (static libraries, `.a`), BSD and GNU flavours.
//!
//! Apple's `libtool` writes BSD archives: a `#1/<n>` name means the real name is the first `n`
//! bytes of the member data. Nothing read from a header is trusted: every size is checked
//! against the bytes that remain.

use crate::IosError;

/// The global header of every `ar` archive.
pub(crate) const AR_MAGIC: &[u8; 8] = b"!<arch>\n";
const HEADER_LEN: usize = 60;

/// One member of an archive.
#[derive(Debug)]
pub(crate) struct Member<'a> {
    /// The member's name (BSD long names resolved; GNU `/` suffix removed).
    pub name: String,
    /// Offset of the member header, relative to the archive start.
    pub header_offset: usize,
    /// The member's content, without the BSD long name.
    pub data: &'a [u8],
}

impl Member<'_> {
    /// Symbol-table and long-name members, which are not object files.
    pub fn is_index(&self) -> bool {
        self.name.starts_with("__.SYMDEF")
            || self.name.is_empty()
            || self.name == "/"
            || self.name == "//"
    }
}

/// Iterates the members of the archive in `bytes`; stops after the first error, since a broken
/// header leaves no way to find the next one.
pub(crate) struct Members<'a> {
    bytes: &'a [u8],
    pos: usize,
    failed: bool,
}

/// Reads the members of the archive in `bytes` (which must start with [`AR_MAGIC`]).
pub(crate) fn members(bytes: &[u8]) -> Result<Members<'_>, IosError> {
    if !bytes.starts_with(AR_MAGIC) {
        return Err(IosError::Archive {
            offset: 0,
            detail: "missing the !<arch> magic".into(),
        });
    }
    Ok(Members {
        bytes,
        pos: AR_MAGIC.len(),
        failed: false,
    })
}

fn field(header: &[u8], range: std::ops::Range<usize>) -> &str {
    let raw = header.get(range).unwrap_or_default();
    std::str::from_utf8(raw)
        .unwrap_or("")
        .trim_end_matches([' ', '\0'])
}

impl<'a> Members<'a> {
    fn read(&mut self) -> Result<Option<Member<'a>>, IosError> {
        let start = self.pos;
        let remaining = self.bytes.len().saturating_sub(start);
        if remaining == 0 {
            return Ok(None);
        }
        // Some writers pad the end with a newline only.
        if remaining == 1 && self.bytes.get(start) == Some(&b'\n') {
            return Ok(None);
        }
        let header = self
            .bytes
            .get(start..start.saturating_add(HEADER_LEN))
            .filter(|h| h.len() == HEADER_LEN)
            .ok_or_else(|| IosError::Truncated {
                what: "ar member header".into(),
                offset: start as u64,
                needed: HEADER_LEN as u64,
                available: remaining as u64,
            })?;
        if header.get(58..60) != Some(b"`\n") {
            return Err(IosError::Archive {
                offset: start as u64,
                detail: "member header does not end with the `\\n terminator".into(),
            });
        }
        let size_text = field(header, 48..58);
        let size: usize = size_text.parse().map_err(|_| IosError::Archive {
            offset: start as u64,
            detail: format!("member size {size_text:?} is not a decimal number"),
        })?;
        let data_start = start + HEADER_LEN;
        let available = self.bytes.len() - data_start;
        if size > available {
            return Err(IosError::Archive {
                offset: start as u64,
                detail: format!("member claims {size} bytes but only {available} remain"),
            });
        }
        let data_end = data_start + size;
        let mut data = self.bytes.get(data_start..data_end).unwrap_or_default();
        let raw_name = field(header, 0..16);
        let name = if let Some(len_text) = raw_name.strip_prefix("#1/") {
            let name_len: usize = len_text.trim().parse().map_err(|_| IosError::Archive {
                offset: start as u64,
                detail: format!("BSD long-name length {len_text:?} is not a number"),
            })?;
            let (name_bytes, rest) =
                data.split_at_checked(name_len)
                    .ok_or_else(|| IosError::Archive {
                        offset: start as u64,
                        detail: format!(
                            "BSD long name of {name_len} bytes exceeds the member size {size}"
                        ),
                    })?;
            data = rest;
            String::from_utf8_lossy(name_bytes)
                .trim_end_matches('\0')
                .to_owned()
        } else if raw_name == "/" || raw_name == "//" {
            raw_name.to_owned()
        } else {
            raw_name.trim_end_matches('/').to_owned()
        };
        // Members start at even offsets.
        self.pos = data_end + (data_end % 2);
        Ok(Some(Member {
            name,
            header_offset: start,
            data,
        }))
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = Result<Member<'a>, IosError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.read() {
            Ok(member) => member.map(Ok),
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a BSD-style archive with long names, as Apple's libtool writes them.
    pub(crate) fn bsd_archive(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = AR_MAGIC.to_vec();
        for (name, data) in members {
            let size = name.len() + data.len();
            let header = format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                format!("#1/{}", name.len()),
                0,
                0,
                0,
                644,
                size
            );
            assert_eq!(header.len(), HEADER_LEN);
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            if out.len() % 2 == 1 {
                out.push(b'\n');
            }
        }
        out
    }

    #[test]
    fn reads_bsd_long_names_and_padding() {
        let ar = bsd_archive(&[("__.SYMDEF", b"xx"), ("a.o", b"abc"), ("long_name.o", b"d")]);
        let got: Vec<(String, Vec<u8>)> = members(&ar)
            .unwrap()
            .map(|m| m.map(|m| (m.name, m.data.to_vec())))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            got,
            [
                ("__.SYMDEF".to_owned(), b"xx".to_vec()),
                ("a.o".to_owned(), b"abc".to_vec()),
                ("long_name.o".to_owned(), b"d".to_vec())
            ]
        );
    }

    #[test]
    fn bogus_sizes_and_truncation_are_errors_not_panics() {
        let ar = bsd_archive(&[("a.o", b"abcdef")]);
        // Claim a size far beyond the file.
        let mut huge = ar.clone();
        huge[8 + 48..8 + 58].copy_from_slice(b"9999999999");
        let err = members(&huge).unwrap().next().unwrap().unwrap_err();
        assert!(
            err.to_string().contains("member claims 9999999999 bytes"),
            "{err}"
        );
        let mut not_number = ar.clone();
        not_number[8 + 48..8 + 58].copy_from_slice(b"-12       ");
        let err = members(&not_number).unwrap().next().unwrap().unwrap_err();
        assert!(err.to_string().contains("not a decimal number"), "{err}");
        let mut long_name = ar.clone();
        long_name[8..8 + 16].copy_from_slice(b"#1/999          ");
        let err = members(&long_name).unwrap().next().unwrap().unwrap_err();
        assert!(err.to_string().contains("exceeds the member size"), "{err}");
        for len in 0..ar.len() {
            if let Ok(iter) = members(&ar[..len]) {
                assert!(iter.count() <= 1);
            }
        }
    }
}
