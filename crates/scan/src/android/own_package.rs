//! The app's own package: its classes are the app's, never an SDK's.

use appaudit_archive::Archive;
use appaudit_sdk::{Hit, RuleKind};

use crate::Engine;
use crate::model::InputKind;

/// The app's own package (`cn.sharesdk.demo`, a vendor's demo app): its classes and
/// components are the app's, never evidence of an SDK whose package rule encloses it
/// (`cn.sharesdk`). Rules inside the app's package still match.
pub(super) struct OwnPackage {
    /// `cn.sharesdk.demo.`
    dotted: String,
    /// `cn/sharesdk/demo/`
    slashed: String,
}

impl OwnPackage {
    /// `None` for a package of one segment (no real app has one; it would enclose too much).
    pub(super) fn new(package: &str) -> Option<Self> {
        let segments: Vec<&str> = package.split('.').collect();
        if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(Self {
            dotted: format!("{package}."),
            slashed: format!("{}/", package.replace('.', "/")),
        })
    }

    /// Whether `hit`, a match of `class` (a descriptor, slashed or dotted name), only says
    /// that the class lies in the app's own package.
    pub(super) fn owns(&self, class: &str, hit: &Hit<'_>) -> bool {
        if !matches!(hit.kind, RuleKind::JavaPackage | RuleKind::Component) {
            return false;
        }
        let name = class.trim_start_matches('[');
        let name = name.strip_prefix('L').unwrap_or(name);
        if !(name.starts_with(&self.slashed) || name.starts_with(&self.dotted)) {
            return false;
        }
        // The rule is the app's package or encloses it.
        let pattern = hit.pattern.strip_suffix(".*").unwrap_or(hit.pattern);
        self.dotted.starts_with(pattern) && self.dotted.as_bytes().get(pattern.len()) == Some(&b'.')
    }
}

/// The SDK owning `class`, unless the match only says the class is the app's own.
pub(super) fn match_class_outside<'e>(
    engine: &'e Engine,
    own: Option<&OwnPackage>,
    class: &str,
) -> Option<Hit<'e>> {
    engine
        .matcher
        .match_class(class)
        .filter(|h| !own.is_some_and(|o| o.owns(class, h)))
}

/// The app's package, read ahead of everything else so that its own classes are known
/// while the code is read: only for an APK (or a split set's APK) or a bundle's base module.
pub(super) fn own_package(archive: &Archive<'_>, kind: InputKind) -> Option<OwnPackage> {
    let name = match kind {
        InputKind::Apk => "AndroidManifest.xml",
        InputKind::Aab => "base/manifest/AndroidManifest.xml",
        _ => return None,
    };
    let entry = archive.by_name(name)?;
    let bytes = archive.read(entry).ok()?;
    let (manifest, _) = appaudit_axml::parse_manifest(&bytes).ok()?;
    OwnPackage::new(manifest.package.as_deref()?)
}
