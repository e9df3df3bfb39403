//! iOS inputs → plain-data facts for `appaudit scan` and `audit`.
//!
//! Reads IPAs (through a [`FileSource`] over the zip), unzipped `.app` directories, and SDKs
//! before integration (`.a`, `.framework`, `.xcframework`):
//! - [`InfoPlist`]: identity, purpose strings (`NS*UsageDescription`) mapped to taxonomy data
//!   types, queried URL schemes, background modes, App Transport Security exceptions;
//! - [`PrivacyManifest`]: `PrivacyInfo.xcprivacy` tracking, collected data, required-reason APIs;
//! - [`MachOFacts`]: per Mach-O file (thin, fat, `ar`): architectures, platforms, encryption,
//!   linked libraries, ObjC classes (defined vs imported), selectors, imported symbols, Swift types;
//! - [`IosBundleFacts::scan`]: all of the above for every file of an input;
//! - [`required_reason_gaps`]: required-reason APIs used without a declared reason.
//!
//! Parsers never trust sizes or counts from the input and end in `Ok` or a clean [`IosError`].
#![deny(missing_docs)]

mod ar;
mod bundle;
mod error;
mod info_plist;
mod macho;
mod privacy;
mod required_reason;

pub use bundle::{
    AppInfo, BinaryFacts, BinaryRole, BundleKind, DirSource, FileSource, FrameworkInfo,
    IosBundleFacts, PrivacyManifestFacts,
};
pub use error::IosError;
pub use info_plist::{AtsException, AtsSettings, InfoPlist, UsageDescription, XcframeworkLibrary};
pub use macho::{Container, MachOFacts, SliceFacts, looks_like_macho};
pub use privacy::{AccessedApiType, CollectedDataType, PrivacyManifest};
pub use required_reason::{
    RequiredReasonGap, RequiredReasonUse, apple_runtime, required_reason_gaps, required_reason_uses,
};
