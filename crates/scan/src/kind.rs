//! What an input is: a zip by its entries, a bundle directory by its name.

use std::path::Path;

use appaudit_archive::Archive;

use crate::model::InputKind;

/// Decides what a zip is from its entries (names beat extensions: a renamed
/// APK is still an APK).
pub(crate) fn classify_zip(archive: &Archive<'_>, lower_name: &str) -> Result<InputKind, String> {
    let has = |name: &str| archive.by_name(name).is_some();
    let names = || archive.entries().iter().map(|e| e.name.as_str());
    if has("base/manifest/AndroidManifest.xml") || has("BundleConfig.pb") {
        return Ok(InputKind::Aab);
    }
    if names().any(|n| n.starts_with("Payload/") && n.contains(".app/")) {
        return Ok(InputKind::Ipa);
    }
    if has("AndroidManifest.xml") && (has("classes.jar") || lower_name.ends_with(".aar")) {
        return Ok(InputKind::Aar);
    }
    if has("AndroidManifest.xml") {
        return Ok(InputKind::Apk);
    }
    let apks = names()
        .filter(|n| n.to_ascii_lowercase().ends_with(".apk"))
        .count();
    if apks > 0 && !names().any(|n| n.ends_with(".class")) {
        return Ok(InputKind::SplitApks);
    }
    if names().any(|n| n.ends_with(".class") || n.ends_with(".dex")) || has("META-INF/MANIFEST.MF")
    {
        return Ok(InputKind::Jar);
    }
    Err("a zip archive that is neither an APK, split-APK set, JAR, AAR nor IPA".to_owned())
}

/// What an iOS bundle directory is, from its name (`Demo.app`, `X.framework`, `X.xcframework`).
pub(crate) fn ios_bundle_kind(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".app") {
        Some(InputKind::AppBundle)
    } else if name.ends_with(".framework") || name.ends_with(".xcframework") {
        Some(InputKind::IosLibrary)
    } else {
        None
    }
}
