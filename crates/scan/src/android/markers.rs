//! Library marker files (`META-INF/*.version`, `*.properties`): a library and its version.

use super::Facts;
use crate::Engine;
use crate::model;

pub(super) fn read_marker(
    engine: &Engine,
    part: &mut Facts<'_>,
    location: &str,
    name: &str,
    bytes: &[u8],
) {
    let file = name.rsplit('/').next().unwrap_or(name);
    let library = file
        .trim_end_matches(".version")
        .trim_end_matches(".properties")
        .to_owned();
    let text = String::from_utf8_lossy(bytes);
    let version = if file.ends_with(".version") {
        text.lines()
            .next()
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() < 64)
            .map(str::to_owned)
    } else {
        // Gradle/Firebase `*.properties`: `version=1.2.3`.
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == "version")
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut marker = model::LibraryMarker {
        path: location.to_owned(),
        library,
        version,
        sdk: None,
    };
    if let Some(hit) = engine.matcher.match_library_marker(name) {
        part.sdk(hit.sdk)
            .hit(&hit, "library_marker", location, || name.to_owned());
        marker.sdk = Some(engine.db.sdks()[hit.sdk].id.clone());
    }
    part.markers.push(marker);
}
