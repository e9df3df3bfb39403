//! Byte-level zip structures read straight from the archive slice.
//!
//! Everything here treats the input as hostile: every length, offset and count is checked
//! against the bytes that are actually present before it is used, and loops are bounded by the
//! input size, never by a count the input declares.

use std::borrow::Cow;

use crate::ArchiveError;

/// `PK\x05\x06`: end of central directory record.
const EOCD_SIGNATURE: u32 = 0x0605_4b50;
/// `PK\x06\x06`: ZIP64 end of central directory record.
const ZIP64_EOCD_SIGNATURE: u32 = 0x0606_4b50;
/// `PK\x06\x07`: ZIP64 end of central directory locator.
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
/// `PK\x01\x02`: central directory file header.
pub(crate) const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
/// `PK\x03\x04`: local file header.
const LOCAL_SIGNATURE: u32 = 0x0403_4b50;

/// Fixed part of the end of central directory record.
pub(crate) const EOCD_LEN: usize = 22;
/// Fixed part of a central directory file header.
pub(crate) const CENTRAL_LEN: usize = 46;
/// Fixed part of a local file header.
pub(crate) const LOCAL_LEN: usize = 30;
const ZIP64_LOCATOR_LEN: usize = 20;
const ZIP64_EOCD_LEN: usize = 56;
/// The EOCD comment length is a u16, so the record starts at most this far from the end.
pub(crate) const EOCD_SEARCH_WINDOW: usize = EOCD_LEN + u16::MAX as usize;
/// Each candidate EOCD costs a central-directory sanity check; a comment stuffed with fake
/// signatures must not turn the search quadratic.
const MAX_EOCD_CANDIDATES: usize = 64;
/// Each plausible record may cost a full central-directory walk: keep the worst case a small
/// multiple of one walk.
pub(crate) const MAX_PLAUSIBLE_EOCDS: usize = 4;

/// General-purpose flag bit 0: the entry claims to be encrypted.
pub(crate) const FLAG_ENCRYPTED: u16 = 1;
/// General-purpose flag bit 3: sizes and CRC follow the data in a data descriptor.
pub(crate) const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;

/// Marker meaning "the real value is in the ZIP64 extra field".
const ZIP64_MARKER_32: u32 = u32::MAX;
const ZIP64_MARKER_16: u16 = u16::MAX;
const ZIP64_EXTRA_ID: u16 = 0x0001;

pub(crate) fn u16_at(data: &[u8], offset: usize) -> Option<u16> {
    let end = offset.checked_add(2)?;
    let bytes = data.get(offset..end)?;
    Some(u16::from_le_bytes([bytes[0], bytes[1]]))
}

pub(crate) fn u32_at(data: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    let bytes: [u8; 4] = data.get(offset..end)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes))
}

pub(crate) fn u64_at(data: &[u8], offset: usize) -> Option<u64> {
    let end = offset.checked_add(8)?;
    let bytes: [u8; 8] = data.get(offset..end)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// Converts an offset read from the archive into an index, failing if it cannot address the
/// slice at all (which also covers 32-bit targets).
pub(crate) fn to_index(value: u64) -> Option<usize> {
    usize::try_from(value).ok()
}

/// The end of central directory, resolved through ZIP64 when present.
#[derive(Debug, Clone)]
pub(crate) struct Eocd {
    /// Offset of the classic EOCD record.
    pub offset: usize,
    /// Declared number of central directory records.
    pub entry_count: u64,
    /// Offset of the first central directory record.
    pub cd_offset: u64,
    /// Size in bytes of the central directory.
    pub cd_size: u64,
    /// Bytes after the EOCD record and its declared comment (negative: the comment runs past
    /// the end of the file). Android refuses the archive unless this is 0.
    pub trailing: i64,
    /// Whether a ZIP64 record supplied the values.
    pub zip64: bool,
}

/// Finds end-of-central-directory candidates the way Android's libziparchive does: scan
/// backwards from the end over the last 64 KiB + 22 bytes for the signature. Android takes the
/// last signature and refuses the file if its comment length does not reach exactly to the
/// end; we return up to [`MAX_PLAUSIBLE_EOCDS`] records whose central directory looks
/// plausible, last first, so archives with trailing garbage or fake records inside the comment
/// can still be audited (the caller tries them in order and reports what it skipped).
pub(crate) fn find_eocd_candidates(data: &[u8]) -> Result<Vec<Eocd>, ArchiveError> {
    if data.len() < EOCD_LEN {
        return Err(ArchiveError::NoEocd {
            searched: data.len(),
        });
    }
    let window_start = data.len().saturating_sub(EOCD_SEARCH_WINDOW);
    let last_start = data.len() - EOCD_LEN;
    let mut first_problem: Option<ArchiveError> = None;
    let mut plausible = Vec::new();
    let mut signatures = 0usize;
    let mut position = last_start + 1;
    while position > window_start
        && signatures < MAX_EOCD_CANDIDATES
        && plausible.len() < MAX_PLAUSIBLE_EOCDS
    {
        position -= 1;
        if u32_at(data, position) != Some(EOCD_SIGNATURE) {
            continue;
        }
        signatures += 1;
        match parse_eocd_at(data, position) {
            Ok(eocd) => plausible.push(eocd),
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    if plausible.is_empty() {
        return Err(first_problem.unwrap_or(ArchiveError::NoEocd {
            searched: data.len() - window_start,
        }));
    }
    Ok(plausible)
}

/// The last plausible end record (what [`find_eocd_candidates`] tries first).
#[cfg(test)]
pub(crate) fn find_eocd(data: &[u8]) -> Result<Eocd, ArchiveError> {
    find_eocd_candidates(data).map(|mut candidates| candidates.swap_remove(0))
}

fn parse_eocd_at(data: &[u8], offset: usize) -> Result<Eocd, ArchiveError> {
    let bad = |problem: Cow<'static, str>| ArchiveError::BadEocd {
        offset: offset as u64,
        problem: problem.into_owned(),
    };
    let field16 = |rel: usize| u16_at(data, offset + rel).ok_or_else(|| bad("truncated".into()));
    let field32 = |rel: usize| u32_at(data, offset + rel).ok_or_else(|| bad("truncated".into()));
    let this_disk = field16(4)?;
    let cd_disk = field16(6)?;
    let entries_on_disk = field16(8)?;
    let entries_total = field16(10)?;
    let cd_size32 = field32(12)?;
    let cd_offset32 = field32(16)?;
    let comment_len = field16(20)?;

    let record_end = offset + EOCD_LEN;
    let trailing = data.len() as i64 - record_end as i64 - i64::from(comment_len);

    let mut eocd = Eocd {
        offset,
        entry_count: u64::from(entries_total),
        cd_offset: u64::from(cd_offset32),
        cd_size: u64::from(cd_size32),
        trailing,
        zip64: false,
    };
    // The end of the area the central directory may occupy.
    let mut cd_limit = offset as u64;

    let uses_zip64_marker = entries_total == ZIP64_MARKER_16
        || cd_size32 == ZIP64_MARKER_32
        || cd_offset32 == ZIP64_MARKER_32;
    let locator = offset
        .checked_sub(ZIP64_LOCATOR_LEN)
        .filter(|&at| u32_at(data, at) == Some(ZIP64_LOCATOR_SIGNATURE));
    if let Some(locator) = locator {
        let zip64_offset =
            u64_at(data, locator + 8).ok_or_else(|| bad("truncated ZIP64 locator".into()))?;
        let at = to_index(zip64_offset)
            .filter(|&at| {
                at.checked_add(ZIP64_EOCD_LEN)
                    .is_some_and(|end| end <= locator)
            })
            .ok_or_else(|| {
                bad(format!("ZIP64 record offset {zip64_offset} is outside the archive").into())
            })?;
        if u32_at(data, at) != Some(ZIP64_EOCD_SIGNATURE) {
            return Err(bad(format!(
                "no ZIP64 end of central directory record at offset {at}"
            )
            .into()));
        }
        let read64 =
            |rel: usize| u64_at(data, at + rel).ok_or_else(|| bad("truncated ZIP64 record".into()));
        eocd.entry_count = read64(32)?;
        eocd.cd_size = read64(40)?;
        eocd.cd_offset = read64(48)?;
        eocd.zip64 = true;
        cd_limit = at as u64;
    } else if uses_zip64_marker && (cd_size32 == ZIP64_MARKER_32 || cd_offset32 == ZIP64_MARKER_32)
    {
        return Err(bad(
            "ZIP64 values announced but no ZIP64 locator precedes the record".into(),
        ));
    } else if this_disk != 0 || cd_disk != 0 || entries_on_disk != entries_total {
        return Err(bad(format!(
            "multi-disk archive (disk {this_disk}, central directory on disk {cd_disk}, {entries_on_disk} of {entries_total} entries on this disk)"
        )
        .into()));
    }

    let cd_end = eocd.cd_offset.checked_add(eocd.cd_size).ok_or_else(|| {
        bad(format!(
            "central directory offset {} + size {} overflows",
            eocd.cd_offset, eocd.cd_size
        )
        .into())
    })?;
    if cd_end > cd_limit {
        return Err(bad(format!(
            "central directory ({}..{cd_end}) overlaps or follows the end record at {cd_limit}",
            eocd.cd_offset
        )
        .into()));
    }
    // Every record is at least 46 bytes: a count the size cannot hold is a lie.
    let max_records = eocd.cd_size / CENTRAL_LEN as u64;
    if eocd.entry_count > max_records {
        return Err(bad(format!(
            "{} entries declared but the {}-byte central directory can hold at most {max_records}",
            eocd.entry_count, eocd.cd_size
        )
        .into()));
    }
    if eocd.entry_count > 0 {
        let first = to_index(eocd.cd_offset).and_then(|at| u32_at(data, at));
        if first != Some(CENTRAL_SIGNATURE) {
            return Err(bad(format!(
                "no central directory record at offset {}",
                eocd.cd_offset
            )
            .into()));
        }
    }
    Ok(eocd)
}

/// One central directory record, as Android reads it.
#[derive(Debug, Clone)]
pub(crate) struct CentralRecord {
    pub name: Vec<u8>,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub local_header_offset: u64,
}

/// Fields of a central directory record that need no ZIP64 resolution: the bits the zip
/// crate does not expose in a form we trust (raw method, raw flags, the name before any
/// Unicode-path extra field overrides it).
pub(crate) struct CentralFixed<'d> {
    pub name: &'d [u8],
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size32: u32,
    pub uncompressed_size32: u32,
    pub local_offset32: u32,
    pub extra: &'d [u8],
    /// Offset just past this record (name, extra and comment included).
    pub end: usize,
}

pub(crate) fn central_fixed(data: &[u8], at: usize) -> Result<CentralFixed<'_>, String> {
    if u32_at(data, at) != Some(CENTRAL_SIGNATURE) {
        return Err("missing central directory signature".into());
    }
    let header = at
        .checked_add(CENTRAL_LEN)
        .and_then(|end| data.get(at..end))
        .ok_or("truncated central directory record")?;
    let field16 = |rel: usize| u16::from_le_bytes([header[rel], header[rel + 1]]);
    let field32 = |rel: usize| {
        u32::from_le_bytes([
            header[rel],
            header[rel + 1],
            header[rel + 2],
            header[rel + 3],
        ])
    };
    let name_len = usize::from(field16(28));
    let extra_len = usize::from(field16(30));
    let comment_len = usize::from(field16(32));
    let name_start = at + CENTRAL_LEN;
    let extra_start = name_start + name_len;
    let end = extra_start + extra_len + comment_len;
    let name = data
        .get(name_start..extra_start)
        .ok_or_else(|| format!("file name ({name_len} bytes) runs past the end of the archive"))?;
    let extra = data
        .get(extra_start..extra_start + extra_len)
        .ok_or_else(|| {
            format!("extra field ({extra_len} bytes) runs past the end of the archive")
        })?;
    if end > data.len() {
        return Err(format!(
            "comment ({comment_len} bytes) runs past the end of the archive"
        ));
    }
    Ok(CentralFixed {
        name,
        flags: field16(8),
        method: field16(10),
        crc32: field32(16),
        compressed_size32: field32(20),
        uncompressed_size32: field32(24),
        local_offset32: field32(42),
        extra,
        end,
    })
}

/// Resolves the 0xFFFFFFFF markers of a central record through its ZIP64 extra field. The
/// values appear in the fixed order uncompressed, compressed, offset, and only for the fields
/// that carry the marker (APPNOTE 4.5.3).
fn resolve_zip64(fixed: &CentralFixed<'_>) -> Result<(u64, u64, u64), String> {
    let mut uncompressed = u64::from(fixed.uncompressed_size32);
    let mut compressed = u64::from(fixed.compressed_size32);
    let mut offset = u64::from(fixed.local_offset32);
    let needs = [
        fixed.uncompressed_size32 == ZIP64_MARKER_32,
        fixed.compressed_size32 == ZIP64_MARKER_32,
        fixed.local_offset32 == ZIP64_MARKER_32,
    ];
    if !needs.contains(&true) {
        return Ok((uncompressed, compressed, offset));
    }
    let Some(body) = find_extra(fixed.extra, ZIP64_EXTRA_ID) else {
        // Android does the same: without the extra field the marker is taken literally.
        return Ok((uncompressed, compressed, offset));
    };
    let mut cursor = 0usize;
    for (needed, slot) in needs
        .into_iter()
        .zip([&mut uncompressed, &mut compressed, &mut offset])
    {
        if !needed {
            continue;
        }
        *slot = u64_at(body, cursor).ok_or("ZIP64 extra field is too short")?;
        cursor += 8;
    }
    Ok((uncompressed, compressed, offset))
}

/// Returns the body of the first extra-field block with `id`.
fn find_extra(extra: &[u8], id: u16) -> Option<&[u8]> {
    let mut at = 0usize;
    // Each iteration consumes at least the 4-byte block header, so this ends.
    while let (Some(block_id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let start = at + 4;
        let end = start.checked_add(usize::from(len))?;
        let body = extra.get(start..end)?;
        if block_id == id {
            return Some(body);
        }
        at = end;
    }
    None
}

/// Reads a full central record at `at` (the fallback walk).
pub(crate) fn central_record(data: &[u8], at: usize) -> Result<(CentralRecord, usize), String> {
    let fixed = central_fixed(data, at)?;
    let (uncompressed_size, compressed_size, local_header_offset) = resolve_zip64(&fixed)?;
    Ok((
        CentralRecord {
            name: fixed.name.to_vec(),
            flags: fixed.flags,
            method: fixed.method,
            crc32: fixed.crc32,
            compressed_size,
            uncompressed_size,
            local_header_offset,
        },
        fixed.end,
    ))
}

/// Walks the central directory record by record; the record count is capped by the EOCD
/// validation (`entry_count * 46 <= cd_size`), so the loop and the allocation are bounded by
/// the input size.
pub(crate) fn walk_central_directory(
    data: &[u8],
    eocd: &Eocd,
) -> Result<Vec<CentralRecord>, ArchiveError> {
    let cd_end = eocd.cd_offset.saturating_add(eocd.cd_size);
    let count = to_index(eocd.entry_count).unwrap_or(usize::MAX);
    let mut records = Vec::with_capacity(count.min(data.len() / CENTRAL_LEN));
    let mut at = eocd.cd_offset;
    for index in 0..eocd.entry_count {
        let bad = |problem: String| ArchiveError::BadCentralDirectory {
            index,
            offset: at,
            problem,
        };
        let position = to_index(at).ok_or_else(|| bad("offset does not fit in memory".into()))?;
        let (record, end) = central_record(data, position).map_err(bad)?;
        if end as u64 > cd_end {
            return Err(bad(format!(
                "record ends at {end}, past the end of the central directory at {cd_end}"
            )));
        }
        records.push(record);
        at = end as u64;
    }
    Ok(records)
}

/// What the local file header says, for comparison with the central directory.
#[derive(Debug, Clone)]
pub(crate) struct LocalHeader<'d> {
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u32,
    pub uncompressed_size: u32,
    pub name: &'d [u8],
    /// Where the entry's data starts: after the local name and extra field, whatever their
    /// lengths say (this is what Android uses).
    pub data_start: u64,
}

/// Parses the local header at `offset`. Errors describe the problem; the caller adds the entry.
pub(crate) fn local_header(data: &[u8], offset: u64) -> Result<LocalHeader<'_>, String> {
    let at = to_index(offset)
        .filter(|at| {
            at.checked_add(LOCAL_LEN)
                .is_some_and(|end| end <= data.len())
        })
        .ok_or_else(|| format!("header does not fit in the {}-byte archive", data.len()))?;
    if u32_at(data, at) != Some(LOCAL_SIGNATURE) {
        return Err("missing local header signature".into());
    }
    let field16 = |rel: usize| u16_at(data, at + rel).unwrap_or(0);
    let field32 = |rel: usize| u32_at(data, at + rel).unwrap_or(0);
    let name_len = usize::from(field16(26));
    let extra_len = usize::from(field16(28));
    let name_start = at + LOCAL_LEN;
    let name = data
        .get(name_start..name_start + name_len)
        .ok_or_else(|| format!("file name ({name_len} bytes) runs past the end of the archive"))?;
    Ok(LocalHeader {
        flags: field16(6),
        method: field16(8),
        crc32: field32(14),
        compressed_size: field32(18),
        uncompressed_size: field32(22),
        name,
        data_start: (name_start + name_len + extra_len) as u64,
    })
}
