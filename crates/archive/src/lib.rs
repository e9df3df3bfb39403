//! Safe reading of APK, IPA, JAR, AAR and XAPK archives (all zip files) from an in-memory slice.
//!
//! The archive is read the way Android's `libziparchive` reads it, so an app that Android
//! installs despite tampering can still be audited, and the tampering itself is reported as an
//! [`Anomaly`]:
//!
//! * The central directory is authoritative for sizes, CRC and compression method; the local
//!   header only decides where the data starts (after the *local* name and extra field).
//! * The encryption flag is ignored (APKs are never encrypted; the bit is an anti-analysis
//!   trick).
//! * An unknown compression method on an entry whose compressed and uncompressed sizes are
//!   equal is read as stored (BadPack samples).
//! * A CRC mismatch is reported and the data is still returned.
//! * Duplicate names: current Android (libziparchive's `kDuplicateEntry`, added after the 2013
//!   "Master Key" bug) refuses to open such an archive at all, so no occurrence is "the one
//!   Android uses". For the audit we keep the **first** occurrence, the one every
//!   first-match lookup (Android's own pre-4.4 native loader, `unzip`) returns, and report each
//!   further occurrence as [`Anomaly::DuplicateName`].
//!
//! The central directory is parsed with the `zip` crate when it accepts the archive and agrees
//! with an Android-style end-of-central-directory search; otherwise (tampered headers, stray
//! end records, duplicates, anything the crate refuses) our own bounded walk takes over.
//! [`Archive::backend`] records which one was used. Entry data is always located and decoded
//! by this crate over the slice: stored data is copied, deflated data is inflated with `flate2`
//! straight into a buffer sized by the declared length, so nothing is ever inflated beyond the
//! declared size or the limits, and nothing touches the disk.

#![deny(missing_docs)]

mod anomaly;
mod error;
mod inflate;
mod raw;
mod sniff;

use std::io::Cursor;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

pub use anomaly::{Anomaly, HeaderField};
pub use error::ArchiveError;

use inflate::{InflateFailure, inflate_capped};
use raw::{CentralRecord, Eocd, FLAG_DATA_DESCRIPTOR, FLAG_ENCRYPTED, to_index};

/// Compression method 0.
const METHOD_STORED: u16 = 0;
/// Compression method 8.
const METHOD_DEFLATED: u16 = 8;

/// Resource limits applied to one archive. A nested archive (an APK inside an XAPK) opened with
/// [`Archive::open_nested`] takes the outer archive's limits, and its reads come out of the
/// outer archive's total budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Most central directory entries accepted (checked before any entry is parsed).
    pub max_entries: usize,
    /// Largest uncompressed size of a single entry, in bytes.
    pub max_entry_size: u64,
    /// Most uncompressed bytes handed out by all [`Archive::read`] calls together.
    pub max_total_size: u64,
    /// Highest accepted uncompressed:compressed ratio for deflated entries whose declared size
    /// is above [`Limits::RATIO_CHECK_MIN_SIZE`]. Deflate itself cannot exceed about 1032:1.
    pub max_ratio: u64,
}

impl Limits {
    /// Entries up to this size skip the ratio check: small, highly repetitive files (empty
    /// layouts, zero-filled tables) legitimately compress far beyond any bomb threshold.
    pub const RATIO_CHECK_MIN_SIZE: u64 = 1 << 20;
}

impl Default for Limits {
    /// 200,000 entries, 1 GiB per entry, 4 GiB in total, 1000:1 ratio above 1 MiB. The largest
    /// real APKs have tens of thousands of entries and single entries of a few hundred MiB.
    fn default() -> Self {
        Self {
            max_entries: 200_000,
            max_entry_size: 1 << 30,
            max_total_size: 4 << 30,
            max_ratio: 1000,
        }
    }
}

/// Which parser produced the entry list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "parser", rename_all = "snake_case")]
pub enum Backend {
    /// The `zip` crate parsed the central directory.
    ZipCrate,
    /// This crate's own central-directory walk, used because the `zip` crate could not be.
    Fallback {
        /// Why the `zip` crate's result was not used.
        reason: String,
    },
}

/// One central directory entry (after duplicate resolution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Name from the central directory (lossy UTF-8; invalid names are also reported).
    pub name: String,
    /// Declared compressed size.
    pub compressed_size: u64,
    /// Declared uncompressed size.
    pub uncompressed_size: u64,
    /// Compression method from the central directory (0 stored, 8 deflated).
    pub method: u16,
    /// Declared CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// General-purpose flags from the central directory.
    pub flags: u16,
    /// Offset of the local file header.
    pub local_header_offset: u64,
    /// Position in [`Archive::entries`], used to check the entry belongs to the archive.
    #[serde(skip)]
    index: usize,
}

impl Entry {
    /// Whether the entry is a directory (its name ends with `/`).
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// The counter of a total-size budget.
enum Budget<'a> {
    /// A top-level archive's own budget.
    Own(AtomicU64),
    /// A nested archive's reads are charged to the archive it was read from.
    Outer(&'a AtomicU64),
}

impl Budget<'_> {
    fn counter(&self) -> &AtomicU64 {
        match self {
            Budget::Own(counter) => counter,
            Budget::Outer(counter) => counter,
        }
    }
}

/// A zip archive over a borrowed byte slice. `Send + Sync`: entries can be read from many
/// threads at once through `&self`.
pub struct Archive<'a> {
    data: &'a [u8],
    limits: Limits,
    entries: Vec<Entry>,
    /// Indices into `entries`, sorted by name, for [`Archive::by_name`].
    by_name: Vec<usize>,
    anomalies: Vec<Anomaly>,
    backend: Backend,
    /// Uncompressed bytes this archive's own reads handed out so far.
    bytes_read: AtomicU64,
    /// The total-size budget the reads draw on: this archive's own, or the outermost archive's.
    budget: Budget<'a>,
    /// Anomalies found while reading, with the entry index for a stable order.
    read_anomalies: Mutex<Vec<(usize, Anomaly)>>,
}

/// Rewords "no end of central directory record" as what a person can act on: a zip that was
/// cut off (it starts with a local header), or a file of another kind named by its magic.
fn plain_words(data: &[u8], error: ArchiveError) -> ArchiveError {
    if !matches!(error, ArchiveError::NoEocd { .. }) {
        return error;
    }
    if data.starts_with(sniff::LOCAL_HEADER_MAGIC) {
        return ArchiveError::Truncated { len: data.len() };
    }
    match sniff::describe(data) {
        Some(what) => ArchiveError::NotAZip { what },
        None => error,
    }
}

impl<'a> Archive<'a> {
    /// Parses the end of central directory and the central directory, and checks every local
    /// header against it. No entry data is decoded.
    pub fn open(data: &'a [u8], limits: Limits) -> Result<Self, ArchiveError> {
        if data.is_empty() {
            return Err(ArchiveError::Empty);
        }
        let candidates =
            raw::find_eocd_candidates(data).map_err(|error| plain_words(data, error))?;
        let mut skipped = Vec::new();
        let mut first_error = None;
        for eocd in candidates {
            match Self::open_at(data, limits, &eocd, &skipped) {
                Ok(archive) => return Ok(archive),
                Err(error) => {
                    skipped.push(Anomaly::IgnoredEndRecord {
                        offset: eocd.offset as u64,
                        problem: error.to_string(),
                    });
                    first_error.get_or_insert(error);
                }
            }
        }
        Err(first_error.unwrap_or(ArchiveError::NoEocd {
            searched: data.len(),
        }))
    }

    fn open_at(
        data: &'a [u8],
        limits: Limits,
        eocd: &Eocd,
        skipped: &[Anomaly],
    ) -> Result<Self, ArchiveError> {
        if eocd.entry_count > limits.max_entries as u64 {
            return Err(ArchiveError::TooManyEntries {
                declared: eocd.entry_count,
                limit: limits.max_entries,
            });
        }
        let (records, backend) = match records_from_zip_crate(data, eocd) {
            Ok(records) => (records, Backend::ZipCrate),
            Err(reason) => (
                raw::walk_central_directory(data, eocd)?,
                Backend::Fallback { reason },
            ),
        };

        let mut found: Vec<(usize, Anomaly)> =
            skipped.iter().map(|anomaly| (0, anomaly.clone())).collect();
        if eocd.trailing != 0 {
            found.push((
                0,
                Anomaly::TrailingBytes {
                    bytes: eocd.trailing,
                },
            ));
        }
        let keep = resolve_duplicates(&records, &mut found);

        let mut entries = Vec::with_capacity(records.len());
        for (record, _) in records.iter().zip(&keep).filter(|(_, keep)| **keep) {
            let entry = Entry {
                name: String::from_utf8_lossy(&record.name).into_owned(),
                compressed_size: record.compressed_size,
                uncompressed_size: record.uncompressed_size,
                method: record.method,
                crc32: record.crc32,
                flags: record.flags,
                local_header_offset: record.local_header_offset,
                index: entries.len(),
            };
            check_entry(data, record, &entry, &mut found);
            entries.push(entry);
        }
        // Stable: anomalies of one entry keep the order they were found in.
        found.sort_by_key(|(index, _)| *index);
        let mut by_name: Vec<usize> = (0..entries.len()).collect();
        by_name.sort_by(|&a, &b| entries[a].name.cmp(&entries[b].name));

        Ok(Self {
            data,
            limits,
            entries,
            by_name,
            anomalies: found.into_iter().map(|(_, anomaly)| anomaly).collect(),
            backend,
            bytes_read: AtomicU64::new(0),
            budget: Budget::Own(AtomicU64::new(0)),
            read_anomalies: Mutex::new(Vec::new()),
        })
    }

    /// Entries in central-directory order, duplicates removed (the first occurrence is kept).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with exactly this name.
    pub fn by_name(&self, name: &str) -> Option<&Entry> {
        let position = self
            .by_name
            .binary_search_by(|&index| {
                self.entries
                    .get(index)
                    .map_or(std::cmp::Ordering::Less, |entry| {
                        entry.name.as_str().cmp(name)
                    })
            })
            .ok()?;
        self.by_name
            .get(position)
            .and_then(|&index| self.entries.get(index))
    }

    /// Tampering and inconsistencies found while opening (structure, local headers, names,
    /// duplicates), in central-directory order.
    pub fn anomalies(&self) -> &[Anomaly] {
        &self.anomalies
    }

    /// Anomalies found by [`Archive::read`] so far (CRC mismatches, data shorter than
    /// declared), in central-directory order whatever order the reads ran in.
    pub fn read_anomalies(&self) -> Vec<Anomaly> {
        let mut found = self
            .read_anomalies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        found.sort_by_key(|(index, _)| *index);
        found.into_iter().map(|(_, anomaly)| anomaly).collect()
    }

    /// Which parser produced the entry list.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Opens an archive read out of `outer` (an APK inside a split set, `classes.jar` inside an
    /// AAR) with the outer archive's limits; its reads are charged to the outer archive's
    /// total budget, so a nest of archives can never read more in total than the outermost
    /// one allows (a nested zip bomb stops where a flat one would).
    pub fn open_nested(data: &'a [u8], outer: &'a Archive<'_>) -> Result<Self, ArchiveError> {
        let mut archive = Self::open(data, outer.limits)?;
        archive.budget = Budget::Outer(outer.budget.counter());
        Ok(archive)
    }

    /// Uncompressed bytes handed out by [`Archive::read`] so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Reads one entry's uncompressed bytes, enforcing the per-entry, ratio and total limits.
    /// Output never exceeds the declared size: an entry that inflates further is refused.
    pub fn read(&self, entry: &Entry) -> Result<Vec<u8>, ArchiveError> {
        let entry = self
            .entries
            .get(entry.index)
            .filter(|own| *own == entry)
            .ok_or_else(|| ArchiveError::ForeignEntry {
                entry: entry.name.clone(),
            })?;
        let stored = match entry.method {
            METHOD_STORED => true,
            METHOD_DEFLATED => false,
            _ if entry.compressed_size == entry.uncompressed_size => true,
            method => {
                return Err(ArchiveError::UnsupportedMethod {
                    entry: entry.name.clone(),
                    method,
                    compressed_size: entry.compressed_size,
                    uncompressed_size: entry.uncompressed_size,
                });
            }
        };
        let declared = entry.uncompressed_size;
        if declared > self.limits.max_entry_size {
            return Err(ArchiveError::EntryTooLarge {
                entry: entry.name.clone(),
                declared,
                limit: self.limits.max_entry_size,
            });
        }
        if !stored
            && declared > Limits::RATIO_CHECK_MIN_SIZE
            && declared > entry.compressed_size.saturating_mul(self.limits.max_ratio)
        {
            return Err(ArchiveError::RatioExceeded {
                entry: entry.name.clone(),
                compressed_size: entry.compressed_size,
                uncompressed_size: declared,
                limit: self.limits.max_ratio,
            });
        }
        let cap = to_index(declared).ok_or_else(|| ArchiveError::EntryTooLarge {
            entry: entry.name.clone(),
            declared,
            limit: usize::MAX as u64,
        })?;

        let input = self.entry_data(entry, stored)?;
        self.reserve(entry, declared)?;
        let decoded = if stored {
            Ok(input.to_vec())
        } else {
            inflate_capped(input, cap).map_err(|failure| match failure {
                InflateFailure::Overflow => ArchiveError::ExceedsDeclaredSize {
                    entry: entry.name.clone(),
                    declared,
                },
                InflateFailure::Truncated => ArchiveError::Inflate {
                    entry: entry.name.clone(),
                    detail: format!(
                        "stream ends before its last block ({} compressed bytes)",
                        input.len()
                    ),
                },
                InflateFailure::Corrupt(detail) => ArchiveError::Inflate {
                    entry: entry.name.clone(),
                    detail,
                },
            })
        };
        let bytes = match decoded {
            Ok(bytes) => bytes,
            Err(error) => {
                self.refund(declared);
                return Err(error);
            }
        };

        let actual = bytes.len() as u64;
        if actual < declared {
            self.refund(declared - actual);
            self.note_read_anomaly(
                entry,
                Anomaly::ShortData {
                    entry: entry.name.clone(),
                    declared,
                    actual,
                },
            );
        }
        let crc = crc32fast::hash(&bytes);
        if crc != entry.crc32 {
            self.note_read_anomaly(
                entry,
                Anomaly::CrcMismatch {
                    entry: entry.name.clone(),
                    expected: entry.crc32,
                    actual: crc,
                },
            );
        }
        Ok(bytes)
    }

    /// The entry's bytes as they sit in the archive: from the end of the local header (local
    /// name and extra lengths, as Android computes it) for the central directory's size.
    fn entry_data(&self, entry: &Entry, stored: bool) -> Result<&'a [u8], ArchiveError> {
        let local = raw::local_header(self.data, entry.local_header_offset).map_err(|problem| {
            ArchiveError::BadLocalHeader {
                entry: entry.name.clone(),
                offset: entry.local_header_offset,
                problem,
            }
        })?;
        // Android copies `uncompressed_length` bytes for a stored entry.
        let span = if stored {
            entry.uncompressed_size
        } else {
            entry.compressed_size
        };
        let start = local.data_start;
        let end = u128::from(start) + u128::from(span);
        let out_of_bounds = || ArchiveError::DataOutOfBounds {
            entry: entry.name.clone(),
            start,
            end,
            archive_len: self.data.len(),
        };
        let start_index = to_index(start).ok_or_else(out_of_bounds)?;
        let end_index = usize::try_from(end).map_err(|_| out_of_bounds())?;
        self.data
            .get(start_index..end_index)
            .ok_or_else(out_of_bounds)
    }

    /// Takes `size` bytes from the total budget, or refuses the read.
    fn reserve(&self, entry: &Entry, size: u64) -> Result<(), ArchiveError> {
        let limit = self.limits.max_total_size;
        self.budget
            .counter()
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(size).filter(|&total| total <= limit)
            })
            .map(|_| {
                self.bytes_read.fetch_add(size, Ordering::Relaxed);
            })
            .map_err(|used| ArchiveError::TotalLimitExceeded {
                entry: entry.name.clone(),
                size,
                used,
                limit,
            })
    }

    /// Gives back bytes reserved for a read that produced fewer (or none).
    fn refund(&self, size: u64) {
        self.budget.counter().fetch_sub(size, Ordering::Relaxed);
        self.bytes_read.fetch_sub(size, Ordering::Relaxed);
    }

    fn note_read_anomaly(&self, entry: &Entry, anomaly: Anomaly) {
        self.read_anomalies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((entry.index, anomaly));
    }
}

impl std::fmt::Debug for Archive<'_> {
    /// Summarises instead of dumping the archive bytes and every entry.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("len", &self.data.len())
            .field("entries", &self.entries.len())
            .field("anomalies", &self.anomalies.len())
            .field("backend", &self.backend)
            .field("bytes_read", &self.bytes_read())
            .field("limits", &self.limits)
            .finish()
    }
}

/// Parses the central directory with the `zip` crate. Any disagreement with the Android-style
/// reading (a different central directory chosen, duplicates collapsed, entries missing) is
/// returned as the reason to fall back.
fn records_from_zip_crate(data: &[u8], eocd: &Eocd) -> Result<Vec<CentralRecord>, String> {
    let config = zip::read::Config {
        // Android does not search for data prepended to the archive: offsets are absolute.
        archive_offset: zip::read::ArchiveOffset::Known(0),
    };
    let archive = zip::ZipArchive::with_config(config, Cursor::new(data))
        .map_err(|error| format!("zip crate refused the archive: {error}"))?;
    if archive.central_directory_start() != eocd.cd_offset {
        return Err(format!(
            "zip crate chose the central directory at {}, Android's search finds it at {}",
            archive.central_directory_start(),
            eocd.cd_offset
        ));
    }
    if archive.has_duplicate_names() {
        return Err("duplicate names (the zip crate keeps only the last occurrence)".into());
    }
    if archive.len() as u64 != eocd.entry_count {
        return Err(format!(
            "zip crate found {} entries, the end record declares {}",
            archive.len(),
            eocd.entry_count
        ));
    }
    let mut records = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let file = archive
            .by_index_data(index)
            .map_err(|error| format!("zip crate entry #{index}: {error}"))?;
        let central_offset = file.central_header_start();
        // Method, flags and name come from the raw record: the crate maps unknown methods,
        // and may substitute a Unicode-path extra field for the name Android uses.
        let fixed = to_index(central_offset)
            .ok_or_else(|| format!("entry #{index}: central record offset out of range"))
            .and_then(|at| {
                raw::central_fixed(data, at)
                    .map_err(|problem| format!("entry #{index} at {central_offset}: {problem}"))
            })?;
        records.push(CentralRecord {
            name: fixed.name.to_vec(),
            flags: fixed.flags,
            method: fixed.method,
            crc32: file.crc32(),
            compressed_size: file.compressed_size(),
            uncompressed_size: file.size(),
            local_header_offset: file.header_start(),
        });
    }
    Ok(records)
}

/// Marks which records to keep: the first occurrence of each raw name. Reports the others.
fn resolve_duplicates(records: &[CentralRecord], found: &mut Vec<(usize, Anomaly)>) -> Vec<bool> {
    let mut keep = vec![true; records.len()];
    let mut order: Vec<usize> = (0..records.len()).collect();
    // Ties keep central-directory order, so the first of a run is the first occurrence.
    order.sort_by(|&a, &b| records[a].name.cmp(&records[b].name).then(a.cmp(&b)));
    let mut duplicates = Vec::new();
    let mut run_start = 0usize;
    for position in 1..order.len() {
        let (first, this) = (order[run_start], order[position]);
        if records[first].name == records[this].name {
            keep[this] = false;
            duplicates.push((first, this));
        } else {
            run_start = position;
        }
    }
    // Report against the kept entry's final index (count of kept records before it).
    let mut kept_index = Vec::with_capacity(records.len());
    let mut kept_so_far = 0usize;
    for &kept in &keep {
        kept_index.push(kept_so_far);
        kept_so_far += usize::from(kept);
    }
    for (first, ignored) in duplicates {
        found.push((
            kept_index[first],
            Anomaly::DuplicateName {
                entry: String::from_utf8_lossy(&records[first].name).into_owned(),
                kept_offset: records[first].local_header_offset,
                ignored_offset: records[ignored].local_header_offset,
            },
        ));
    }
    keep
}

/// Open-time checks of one kept entry: name, flags, method, and its local header.
fn check_entry(
    data: &[u8],
    record: &CentralRecord,
    entry: &Entry,
    found: &mut Vec<(usize, Anomaly)>,
) {
    let mut note = |anomaly: Anomaly| found.push((entry.index, anomaly));
    let name = || entry.name.clone();
    if std::str::from_utf8(&record.name).is_err() {
        note(Anomaly::InvalidName {
            entry: name(),
            problem: "not valid UTF-8".into(),
        });
    }
    if record.name.contains(&0) {
        note(Anomaly::InvalidName {
            entry: name(),
            problem: "contains a NUL byte".into(),
        });
    }
    if record.flags & FLAG_ENCRYPTED != 0 {
        note(Anomaly::EncryptionFlagIgnored { entry: name() });
    }
    match record.method {
        METHOD_STORED if record.compressed_size != record.uncompressed_size => {
            note(Anomaly::StoredSizeMismatch {
                entry: name(),
                compressed_size: record.compressed_size,
                uncompressed_size: record.uncompressed_size,
            });
        }
        METHOD_STORED | METHOD_DEFLATED => {}
        method if record.compressed_size == record.uncompressed_size => {
            note(Anomaly::UnknownMethodReadAsStored {
                entry: name(),
                method,
            });
        }
        method => note(Anomaly::UnsupportedMethod {
            entry: name(),
            method,
        }),
    }

    let local = match raw::local_header(data, record.local_header_offset) {
        Ok(local) => local,
        Err(problem) => {
            note(Anomaly::BadLocalHeader {
                entry: name(),
                offset: record.local_header_offset,
                problem,
            });
            return;
        }
    };
    let mut mismatch = |field: HeaderField, central: u64, local: u64| {
        if central != local {
            note(Anomaly::LocalHeaderMismatch {
                entry: name(),
                field,
                central,
                local,
            });
        }
    };
    mismatch(
        HeaderField::DataDescriptorFlag,
        u64::from(record.flags & FLAG_DATA_DESCRIPTOR != 0),
        u64::from(local.flags & FLAG_DATA_DESCRIPTOR != 0),
    );
    mismatch(
        HeaderField::Method,
        u64::from(record.method),
        u64::from(local.method),
    );
    mismatch(
        HeaderField::NameLength,
        record.name.len() as u64,
        local.name.len() as u64,
    );
    // With a data descriptor the local fields are legitimately zero (Android checks the
    // descriptor instead); 0xFFFFFFFF defers to the local ZIP64 extra field.
    if local.flags & FLAG_DATA_DESCRIPTOR == 0 {
        mismatch(
            HeaderField::Crc32,
            u64::from(record.crc32),
            u64::from(local.crc32),
        );
        if local.compressed_size != u32::MAX {
            mismatch(
                HeaderField::CompressedSize,
                record.compressed_size,
                u64::from(local.compressed_size),
            );
        }
        if local.uncompressed_size != u32::MAX {
            mismatch(
                HeaderField::UncompressedSize,
                record.uncompressed_size,
                u64::from(local.uncompressed_size),
            );
        }
    }
    if local.name != record.name.as_slice() {
        note(Anomaly::LocalNameMismatch {
            entry: name(),
            local_name: String::from_utf8_lossy(local.name).into_owned(),
        });
    }
}

#[cfg(test)]
mod tests;
