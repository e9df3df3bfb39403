//! Resource ids of the `android:` attributes the manifest model reads.
//!
//! Values are `android.R.attr` constants (framework `public.xml`); the ones aapt prints
//! for the corpus files were cross-checked against `aapt dump xmltree` output.

/// The Android namespace URI.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

/// (name, resource id), sorted by id.
const ANDROID_ATTRS: &[(&str, u32)] = &[
    ("theme", 0x0101_0000),
    ("label", 0x0101_0001),
    ("icon", 0x0101_0002),
    ("name", 0x0101_0003),
    ("manageSpaceActivity", 0x0101_0004),
    ("allowClearUserData", 0x0101_0005),
    ("permission", 0x0101_0006),
    ("readPermission", 0x0101_0007),
    ("writePermission", 0x0101_0008),
    ("protectionLevel", 0x0101_0009),
    ("permissionGroup", 0x0101_000a),
    ("sharedUserId", 0x0101_000b),
    ("hasCode", 0x0101_000c),
    ("persistent", 0x0101_000d),
    ("enabled", 0x0101_000e),
    ("debuggable", 0x0101_000f),
    ("exported", 0x0101_0010),
    ("process", 0x0101_0011),
    ("taskAffinity", 0x0101_0012),
    ("multiprocess", 0x0101_0013),
    ("authorities", 0x0101_0018),
    ("syncable", 0x0101_0019),
    ("initOrder", 0x0101_001a),
    ("grantUriPermissions", 0x0101_001b),
    ("priority", 0x0101_001c),
    ("launchMode", 0x0101_001d),
    ("screenOrientation", 0x0101_001e),
    ("configChanges", 0x0101_001f),
    ("description", 0x0101_0020),
    ("targetPackage", 0x0101_0021),
    ("value", 0x0101_0024),
    ("resource", 0x0101_0025),
    ("mimeType", 0x0101_0026),
    ("scheme", 0x0101_0027),
    ("host", 0x0101_0028),
    ("port", 0x0101_0029),
    ("path", 0x0101_002a),
    ("pathPrefix", 0x0101_002b),
    ("pathPattern", 0x0101_002c),
    ("targetActivity", 0x0101_0202),
    ("minSdkVersion", 0x0101_020c),
    ("versionCode", 0x0101_021b),
    ("versionName", 0x0101_021c),
    ("targetSdkVersion", 0x0101_0270),
    ("maxSdkVersion", 0x0101_0271),
    ("testOnly", 0x0101_0272),
    ("backupAgent", 0x0101_027f),
    ("allowBackup", 0x0101_0280),
    ("glEsVersion", 0x0101_0281),
    ("required", 0x0101_028e),
    ("installLocation", 0x0101_02b7),
    ("hardwareAccelerated", 0x0101_02d3),
    ("largeHeap", 0x0101_035a),
    ("supportsRtl", 0x0101_03af),
    ("extractNativeLibs", 0x0101_04ea),
    ("fullBackupContent", 0x0101_04eb),
    ("usesCleartextTraffic", 0x0101_04ec),
    ("networkSecurityConfig", 0x0101_0527),
    ("roundIcon", 0x0101_052c),
    ("compileSdkVersion", 0x0101_0572),
    ("compileSdkVersionCodename", 0x0101_0573),
    ("appComponentFactory", 0x0101_057a),
    ("foregroundServiceType", 0x0101_0599),
];

/// Name of a known `android:` attribute resource id.
pub fn android_attr_name(id: u32) -> Option<&'static str> {
    ANDROID_ATTRS
        .binary_search_by_key(&id, |&(_, i)| i)
        .ok()
        .and_then(|idx| ANDROID_ATTRS.get(idx))
        .map(|&(n, _)| n)
}

/// Resource id of a known `android:` attribute name.
pub fn android_attr_id(name: &str) -> Option<u32> {
    ANDROID_ATTRS
        .iter()
        .find(|&&(n, _)| n == name)
        .map(|&(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique_so_binary_search_works() {
        for pair in ANDROID_ATTRS.windows(2) {
            assert!(pair[0].1 < pair[1].1, "{:?} !< {:?}", pair[0], pair[1]);
        }
        let mut names: Vec<_> = ANDROID_ATTRS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ANDROID_ATTRS.len());
    }

    #[test]
    fn lookups_round_trip() {
        // Ids as printed by `aapt dump xmltree` on the corpus manifests.
        assert_eq!(android_attr_name(0x0101_0003), Some("name"));
        assert_eq!(android_attr_name(0x0101_021c), Some("versionName"));
        assert_eq!(android_attr_id("networkSecurityConfig"), Some(0x0101_0527));
        assert_eq!(android_attr_name(0x7f01_0000), None);
    }
}
