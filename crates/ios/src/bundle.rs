//! Walks an iOS input — IPA contents, an unzipped `.app`, a `.framework`, an `.xcframework` or a
//! lone static library — through a [`FileSource`], whatever stores the bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{InfoPlist, IosError, MachOFacts, PrivacyManifest, looks_like_macho};

/// Where the files of an input come from: a directory, a zip archive, memory.
///
/// Paths are relative, `/`-separated, and name files only (no directory entries). An
/// implementation for zip archives needs nothing more than the entry names and a way to inflate
/// one entry.
pub trait FileSource {
    /// Every file path in the input.
    fn list(&self) -> Vec<String>;
    /// The whole content of `path`.
    fn read(&self, path: &str) -> std::io::Result<Vec<u8>>;
    /// At least the first `len` bytes of `path` when the file is that long (used to sniff
    /// formats); the default reads the whole file.
    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        let mut bytes = self.read(path)?;
        bytes.truncate(len);
        Ok(bytes)
    }
}

/// Most files considered in one input, so that a hostile archive cannot make the walk unbounded.
const MAX_FILES: usize = 200_000;
/// Deepest directory nesting [`DirSource`] descends into.
const MAX_DEPTH: usize = 64;

/// A [`FileSource`] over the local file system.
///
/// Given a directory `…/Demo.app`, paths are listed relative to its parent (`Demo.app/Info.plist`)
/// so that the bundle's own name and extension stay visible; given a file, the list is its name.
/// Symbolic links are not followed (a macOS framework's `Versions/Current` links would
/// otherwise list every file twice, and a link loop would never end).
#[derive(Debug, Clone)]
pub struct DirSource {
    base: PathBuf,
    files: Vec<String>,
}

impl DirSource {
    /// Lists the files under `path` (a directory or a single file).
    pub fn new(path: impl AsRef<Path>) -> Result<Self, IosError> {
        let path = path.as_ref();
        let io_err = |source| IosError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io_err)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        if !meta.is_dir() {
            return Ok(DirSource {
                base,
                files: vec![name],
            });
        }
        let mut files = Vec::new();
        let mut stack = vec![(path.to_path_buf(), name, 0usize)];
        while let Some((dir, rel, depth)) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|source| IosError::Io {
                path: dir.clone(),
                source,
            })?;
            for entry in entries {
                let entry = entry.map_err(|source| IosError::Io {
                    path: dir.clone(),
                    source,
                })?;
                let file_type = entry.file_type().map_err(|source| IosError::Io {
                    path: entry.path(),
                    source,
                })?;
                let child = format!("{rel}/{}", entry.file_name().to_string_lossy());
                if file_type.is_dir() && depth < MAX_DEPTH {
                    stack.push((entry.path(), child, depth + 1));
                } else if file_type.is_file() && files.len() < MAX_FILES {
                    files.push(child);
                }
            }
        }
        files.sort();
        Ok(DirSource { base, files })
    }
}

impl FileSource for DirSource {
    fn list(&self) -> Vec<String> {
        self.files.clone()
    }

    fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.resolve(path)?)
    }

    fn read_prefix(&self, path: &str, len: usize) -> std::io::Result<Vec<u8>> {
        let file = std::fs::File::open(self.resolve(path)?)?;
        let mut bytes = Vec::with_capacity(len.min(4096));
        file.take(len as u64).read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

impl DirSource {
    /// Only paths that were listed can be read: no `..` escapes through a crafted path.
    fn resolve(&self, path: &str) -> std::io::Result<PathBuf> {
        if self
            .files
            .binary_search_by(|f| f.as_str().cmp(path))
            .is_err()
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not a listed file"),
            ));
        }
        Ok(self.base.join(path))
    }
}

/// What a bundle directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// `X.app`.
    App,
    /// `X.appex`: an app extension under `PlugIns/`.
    AppExtension,
    /// `X.framework`.
    Framework,
    /// `X.xcframework`.
    Xcframework,
    /// `X.bundle`: a resource bundle.
    ResourceBundle,
}

impl BundleKind {
    fn from_dir(dir: &str) -> Option<Self> {
        let ext = dir.rsplit_once('.')?.1;
        Some(match ext {
            "app" => BundleKind::App,
            "appex" => BundleKind::AppExtension,
            "framework" => BundleKind::Framework,
            "xcframework" => BundleKind::Xcframework,
            "bundle" => BundleKind::ResourceBundle,
            _ => return None,
        })
    }
}

/// The app being audited.
#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    /// The `.app` directory, e.g. `Payload/Demo.app`.
    pub path: String,
    /// Its `Info.plist`.
    pub info: InfoPlist,
}

/// A bundle other than the app: framework, xcframework, app extension, resource bundle.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkInfo {
    /// Directory name without extension, e.g. `AlipaySDK`.
    pub name: String,
    /// The bundle directory.
    pub path: String,
    /// What kind of bundle.
    pub kind: BundleKind,
    /// `CFBundleIdentifier`, when the bundle has an `Info.plist`.
    pub bundle_id: Option<String>,
    /// `CFBundleShortVersionString`.
    pub version: Option<String>,
    /// `CFBundleExecutable`.
    pub executable: Option<String>,
    /// The whole `Info.plist`, when there is one.
    pub info: Option<InfoPlist>,
}

/// What role a binary plays in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryRole {
    /// The app's `CFBundleExecutable`.
    MainExecutable,
    /// An app extension's executable.
    AppExtension,
    /// A framework's executable (dynamic or static).
    Framework,
    /// A `.dylib`.
    Dylib,
    /// An `ar` archive (`.a`) not inside a framework.
    StaticLibrary,
    /// Any other Mach-O file.
    Other,
}

/// One Mach-O file and its facts.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryFacts {
    /// Path in the input.
    pub path: String,
    /// Role in the input.
    pub role: BinaryRole,
    /// The innermost bundle directory containing it, if any.
    pub bundle: Option<String>,
    /// What the file contains.
    pub facts: MachOFacts,
}

/// One privacy manifest and whose it is.
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyManifestFacts {
    /// Path in the input.
    pub path: String,
    /// The innermost bundle directory containing it, if any.
    pub bundle: Option<String>,
    /// The manifest.
    pub manifest: PrivacyManifest,
}

/// Everything found in one iOS input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IosBundleFacts {
    /// The app, when the input is an IPA or `.app`.
    pub app: Option<AppInfo>,
    /// Every Mach-O file read.
    pub binaries: Vec<BinaryFacts>,
    /// Every `PrivacyInfo.xcprivacy`.
    pub privacy_manifests: Vec<PrivacyManifestFacts>,
    /// Embedded or given frameworks, xcframeworks, app extensions and resource bundles.
    pub frameworks: Vec<FrameworkInfo>,
    /// xcframework slices not read because a device slice of the same library was present
    /// (simulator and Mac Catalyst copies of the same code).
    pub skipped_slices: Vec<String>,
    /// Problems that did not stop the walk: unreadable files, encrypted executables.
    pub warnings: Vec<String>,
}

/// Innermost bundle directory that contains `path` (a file path), if any.
fn owning_bundle(path: &str) -> Option<&str> {
    let mut best = None;
    let mut end = 0;
    for component in path.split('/') {
        let component_end = end + component.len();
        // Only directories count: the last component is the file itself.
        if component_end < path.len() && BundleKind::from_dir(component).is_some() {
            best = path.get(..component_end);
        }
        end = component_end + 1;
    }
    best
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

fn stem(dir: &str) -> &str {
    let name = file_name(dir);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Does `path` (an Info.plist) describe the bundle at `bundle`? iOS bundles keep it at the top;
/// macOS ones under `Contents/` or `Resources/` (frameworks: `Versions/<v>/Resources/`).
fn is_bundle_info_plist(bundle: &str, path: &str) -> bool {
    let Some(rest) = path.strip_prefix(bundle).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    matches!(
        rest.split('/').collect::<Vec<_>>().as_slice(),
        ["Info.plist"]
            | ["Contents", "Info.plist"]
            | ["Resources", "Info.plist"]
            | ["Versions", _, "Resources", "Info.plist"]
    )
}

const SNIFF_LEN: usize = 8;

impl IosBundleFacts {
    /// Reads everything this crate understands from `source`. Never fails: unreadable parts
    /// become warnings.
    pub fn scan(source: &dyn FileSource) -> IosBundleFacts {
        let mut out = IosBundleFacts::default();
        let mut paths = source.list();
        if paths.len() > MAX_FILES {
            out.warnings.push(format!(
                "input lists {} files; only the first {MAX_FILES} are considered",
                paths.len()
            ));
            paths.truncate(MAX_FILES);
        }
        paths.sort();
        paths.dedup();

        // Info.plists, keyed by the bundle they describe ("" for a loose one).
        let mut plists: BTreeMap<String, (String, InfoPlist)> = BTreeMap::new();
        let mut loose_plists: Vec<(String, InfoPlist)> = Vec::new();
        for path in paths.iter().filter(|p| file_name(p) == "Info.plist") {
            let info = match source.read(path) {
                Ok(bytes) => match InfoPlist::from_bytes(&bytes) {
                    Ok(info) => info,
                    Err(e) => {
                        out.warnings.push(format!("{path}: {e}"));
                        continue;
                    }
                },
                Err(e) => {
                    out.warnings.push(format!("{path}: cannot read: {e}"));
                    continue;
                }
            };
            match owning_bundle(path).filter(|b| is_bundle_info_plist(b, path)) {
                Some(bundle) => {
                    plists.insert(bundle.to_owned(), (path.clone(), info));
                }
                None => loose_plists.push((path.clone(), info)),
            }
        }

        let skipped_prefixes = skipped_xcframework_slices(&plists);
        out.skipped_slices = skipped_prefixes
            .iter()
            .map(|p| p.trim_end_matches('/').to_owned())
            .collect();
        let skipped = |path: &str| {
            skipped_prefixes
                .iter()
                .any(|p| path.starts_with(p.as_str()))
        };
        let paths: Vec<String> = paths.into_iter().filter(|p| !skipped(p)).collect();

        // Every bundle directory that appears in a path.
        let mut bundles: BTreeSet<String> = BTreeSet::new();
        for path in &paths {
            let mut dir = parent(path);
            while !dir.is_empty() {
                if BundleKind::from_dir(file_name(dir)).is_some() {
                    bundles.insert(dir.to_owned());
                }
                dir = parent(dir);
            }
        }

        // The app: the outermost `.app`, preferring one under `Payload/` (IPA layout).
        let app_dir = bundles
            .iter()
            .filter(|b| BundleKind::from_dir(b) == Some(BundleKind::App))
            .min_by_key(|b| (!b.starts_with("Payload/"), b.matches('/').count(), b.len()))
            .cloned();
        let mut executables: BTreeMap<String, BinaryRole> = BTreeMap::new();
        if let Some(app_dir) = &app_dir {
            match plists.get(app_dir) {
                Some((_, info)) => {
                    if let Some(exe) = &info.executable {
                        if let Some(path) = find_executable(&paths, app_dir, exe) {
                            executables.insert(path, BinaryRole::MainExecutable);
                        } else {
                            out.warnings.push(format!(
                                "{app_dir}: CFBundleExecutable {exe:?} is not in the bundle"
                            ));
                        }
                    }
                    out.app = Some(AppInfo {
                        path: app_dir.clone(),
                        info: info.clone(),
                    });
                }
                None => out.warnings.push(format!("{app_dir}: no Info.plist")),
            }
        } else if let Some((path, info)) = loose_plists
            .iter()
            .find(|(_, info)| info.package_type.as_deref() == Some("APPL"))
        {
            // An unzipped app whose directory lost its `.app` name.
            let dir = parent(path).to_owned();
            if let Some(found) = info
                .executable
                .as_ref()
                .and_then(|exe| find_executable(&paths, &dir, exe))
            {
                executables.insert(found, BinaryRole::MainExecutable);
            }
            out.app = Some(AppInfo {
                path: dir,
                info: info.clone(),
            });
        }

        for bundle in bundles.iter().filter(|b| Some(*b) != app_dir.as_ref()) {
            let Some(kind) = BundleKind::from_dir(bundle) else {
                continue;
            };
            let info = plists.get(bundle).map(|(_, info)| info.clone());
            let role = match kind {
                BundleKind::AppExtension => BinaryRole::AppExtension,
                BundleKind::Framework => BinaryRole::Framework,
                _ => BinaryRole::Other,
            };
            // Vendors often ship frameworks without an Info.plist: the binary is `X.framework/X`.
            let exe_name = info
                .as_ref()
                .and_then(|i| i.executable.clone())
                .unwrap_or_else(|| stem(bundle).to_owned());
            if let Some(path) = (kind != BundleKind::Xcframework)
                .then(|| find_executable(&paths, bundle, &exe_name))
                .flatten()
            {
                executables.entry(path).or_insert(role);
            }
            out.frameworks.push(FrameworkInfo {
                name: stem(bundle).to_owned(),
                path: bundle.clone(),
                kind,
                bundle_id: info.as_ref().and_then(|i| i.bundle_id.clone()),
                version: info.as_ref().and_then(|i| i.version.clone()),
                executable: info.as_ref().and_then(|i| i.executable.clone()),
                info,
            });
        }

        for path in &paths {
            if executables.contains_key(path) || !maybe_binary(path) {
                continue;
            }
            match source.read_prefix(path, SNIFF_LEN) {
                Ok(prefix) if looks_like_macho(&prefix) => {
                    let role = if path.ends_with(".dylib") {
                        BinaryRole::Dylib
                    } else {
                        BinaryRole::Other
                    };
                    executables.insert(path.clone(), role);
                }
                Ok(_) => {}
                Err(e) => out.warnings.push(format!("{path}: cannot read: {e}")),
            }
        }

        for (path, role) in executables {
            let bytes = match source.read(&path) {
                Ok(b) => b,
                Err(e) => {
                    out.warnings.push(format!("{path}: cannot read: {e}"));
                    continue;
                }
            };
            match MachOFacts::parse(&bytes) {
                Ok(facts) => {
                    let in_framework = owning_bundle(&path)
                        .and_then(BundleKind::from_dir)
                        .is_some_and(|k| k != BundleKind::Xcframework);
                    let is_archive = facts.slices.iter().any(|s| s.kind == "archive");
                    let role = if role == BinaryRole::Other && is_archive && !in_framework {
                        BinaryRole::StaticLibrary
                    } else {
                        role
                    };
                    if facts.encrypted && role == BinaryRole::MainExecutable {
                        out.warnings.push(format!(
                            "{path} is FairPlay-encrypted (App Store build): ObjC class names and selectors cannot be read; decrypt it for a full audit. Plists, privacy manifests, linked libraries and frameworks are still audited"
                        ));
                    }
                    out.binaries.push(BinaryFacts {
                        bundle: owning_bundle(&path).map(str::to_owned),
                        path,
                        role,
                        facts,
                    });
                }
                Err(e) => out.warnings.push(format!("{path}: {e}")),
            }
        }

        for path in paths.iter().filter(|p| p.ends_with(".xcprivacy")) {
            let parsed = source
                .read(path)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|b| PrivacyManifest::from_bytes(&b).map_err(|e| e.to_string()));
            match parsed {
                Ok(manifest) => out.privacy_manifests.push(PrivacyManifestFacts {
                    path: path.clone(),
                    bundle: owning_bundle(path).map(str::to_owned),
                    manifest,
                }),
                Err(e) => out.warnings.push(format!("{path}: {e}")),
            }
        }
        out
    }
}

/// Files worth sniffing for Mach-O magic: libraries by extension, and extension-less files
/// (executables have no extension), except code-signature and nib/asset internals.
fn maybe_binary(path: &str) -> bool {
    let name = file_name(path);
    if path.contains("/_CodeSignature/") || path.contains(".lproj/") || name == "PkgInfo" {
        return false;
    }
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => matches!(ext, "dylib" | "a" | "o" | "node" | "so"),
    }
}

/// The executable named `exe` of the bundle at `dir`, in iOS or macOS layout.
fn find_executable(paths: &[String], dir: &str, exe: &str) -> Option<String> {
    if exe.is_empty() || exe.contains('/') {
        return None;
    }
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let direct = format!("{prefix}{exe}");
    let macos_app = format!("{prefix}Contents/MacOS/{exe}");
    let found = |wanted: &str| paths.binary_search_by(|p| p.as_str().cmp(wanted)).is_ok();
    if found(&direct) {
        return Some(direct);
    }
    if found(&macos_app) {
        return Some(macos_app);
    }
    // macOS framework: `Versions/<v>/<exe>`.
    let versions = format!("{prefix}Versions/");
    paths
        .iter()
        .find(|p| {
            p.strip_prefix(versions.as_str())
                .and_then(|r| r.split_once('/'))
                .is_some_and(|(_, name)| name == exe)
        })
        .cloned()
}

/// Directory prefixes (`X.xcframework/ios-arm64_x86_64-simulator/`) of xcframework slices that
/// duplicate a device slice.
fn skipped_xcframework_slices(plists: &BTreeMap<String, (String, InfoPlist)>) -> Vec<String> {
    let mut out = Vec::new();
    for (bundle, (_, info)) in plists {
        if BundleKind::from_dir(bundle) != Some(BundleKind::Xcframework) {
            continue;
        }
        let has_device = info
            .xcframework_libraries
            .iter()
            .any(|l| l.variant.is_none());
        if !has_device {
            continue;
        }
        for lib in info
            .xcframework_libraries
            .iter()
            .filter(|l| l.variant.is_some())
        {
            if lib.identifier.contains('/') || lib.identifier.contains("..") {
                continue;
            }
            out.push(format!("{bundle}/{}/", lib.identifier));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owning_bundle_is_innermost_directory() {
        assert_eq!(
            owning_bundle("Payload/Demo.app/Frameworks/A.framework/A"),
            Some("Payload/Demo.app/Frameworks/A.framework")
        );
        assert_eq!(
            owning_bundle("Payload/Demo.app/Demo"),
            Some("Payload/Demo.app")
        );
        assert_eq!(owning_bundle("Payload/Demo.app"), None);
        assert_eq!(owning_bundle("libWeChatSDK.a"), None);
    }

    #[test]
    fn info_plist_locations() {
        assert!(is_bundle_info_plist(
            "A.framework",
            "A.framework/Info.plist"
        ));
        assert!(is_bundle_info_plist(
            "A.framework",
            "A.framework/Versions/A/Resources/Info.plist"
        ));
        assert!(!is_bundle_info_plist(
            "A.framework",
            "A.framework/Sub/Info.plist"
        ));
    }
}
