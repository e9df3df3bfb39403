//! Compares the decoder with `aapt dump xmltree` / `aapt dump badging` output stored in
//! `tests/data/aapt/` (see `tests/data/README.md` for how it was produced).

use std::path::PathBuf;

mod common;
use common::corpus_dir;

use appaudit_axml::{AxmlDocument, Manifest, Value, parse_axml};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn corpus_file(name: &str) -> Vec<u8> {
    std::fs::read(data_dir().join("axml").join(name)).expect("corpus file")
}

fn aapt_output(name: &str, kind: &str) -> String {
    let bytes = std::fs::read(data_dir().join("aapt").join(format!("{name}.{kind}.txt")))
        .expect("aapt output");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One element as aapt prints it: name, line and attribute lines after "A: ".
#[derive(Debug, PartialEq)]
struct DumpElement {
    name: String,
    line: u32,
    attributes: Vec<DumpAttr>,
}

#[derive(Debug, PartialEq)]
struct DumpAttr {
    /// The resource id in parentheses, if printed.
    resource_id: Option<u32>,
    /// Name as printed when there is no resource id (e.g. `package`).
    plain_name: Option<String>,
    /// Everything after the `=`.
    value: String,
}

/// Parses `aapt dump xmltree` output (ignores namespace lines and log noise).
fn parse_xmltree(text: &str) -> Vec<DumpElement> {
    let mut out: Vec<DumpElement> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("E: ") {
            let (name, line_part) = rest.rsplit_once(" (line=").expect("element line");
            out.push(DumpElement {
                name: name.to_string(),
                line: line_part
                    .trim_end_matches(')')
                    .parse()
                    .expect("line number"),
                attributes: Vec::new(),
            });
        } else if let Some(rest) = t.strip_prefix("A: ") {
            // name(0xID)=value  or  name=value
            let (head, value) = split_attr(rest);
            let (resource_id, plain_name) = match head.rfind("(0x") {
                Some(p) if head.ends_with(')') => (
                    Some(u32::from_str_radix(&head[p + 3..head.len() - 1], 16).expect("id")),
                    None,
                ),
                _ => (None, Some(head.to_string())),
            };
            out.last_mut()
                .expect("attribute before element")
                .attributes
                .push(DumpAttr {
                    resource_id,
                    plain_name,
                    value: value.to_string(),
                });
        }
    }
    out
}

/// Splits at the first `=` that follows the name (names never contain `=`).
fn split_attr(rest: &str) -> (&str, &str) {
    rest.split_once('=').expect("attribute '='")
}

/// aapt's `ResTable::normalizeForOutput`, applied to a C string (stops at NUL).
fn normalize(s: &str) -> String {
    let s = s.split('\0').next().unwrap_or("");
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// Renders an attribute value the way `aapt dump xmltree` prints it (see
/// `printXMLBlock` in aapt's XMLNode.cpp: TYPE_STRING shows the raw string).
fn aapt_value(value: &Value, raw: Option<&str>, data_type_data: (u8, u32)) -> String {
    let (data_type, data) = data_type_data;
    let mut s = match value {
        Value::Null { .. } => "(null)".to_string(),
        Value::Reference(id) if data_type == 0x01 => format!("@0x{id:08x}"),
        Value::AttributeRef(id) if data_type == 0x02 => format!("?0x{id:08x}"),
        Value::String(_) => format!("\"{}\"", normalize(raw.unwrap_or(""))),
        _ => format!("(type 0x{data_type:x})0x{data:x}"),
    };
    if let Some(raw) = raw {
        s.push_str(&format!(" (Raw: \"{}\")", normalize(raw)));
    }
    s
}

fn prefix_of<'d>(doc: &'d AxmlDocument, uri: &str) -> Option<&'d str> {
    doc.namespaces
        .iter()
        .find(|n| n.uri == uri)
        .map(|n| n.prefix.as_str())
}

fn our_dump(doc: &AxmlDocument) -> Vec<DumpElement> {
    doc.elements
        .iter()
        .map(|e| DumpElement {
            // aapt prints an element's namespace as its declared prefix.
            name: match e.namespace.as_deref().and_then(|uri| prefix_of(doc, uri)) {
                Some(prefix) => format!("{prefix}:{}", e.name),
                None => e.name.clone(),
            },
            line: e.line,
            attributes: e
                .attributes
                .iter()
                .map(|a| DumpAttr {
                    resource_id: a.resource_id,
                    plain_name: a.resource_id.is_none().then(|| {
                        let name = a.pool_name.clone().unwrap_or_else(|| a.name.clone());
                        match a.namespace.as_deref().and_then(|uri| prefix_of(doc, uri)) {
                            Some(prefix) => format!("{prefix}:{name}"),
                            None => name,
                        }
                    }),
                    value: aapt_value(
                        &a.value,
                        a.raw.as_deref(),
                        a.res_value.expect("binary attribute"),
                    ),
                })
                .collect(),
        })
        .collect()
}

/// Files aapt dumps completely.
const AAPT_READABLE: &[&str] = &[
    "AndroidManifest.xml",
    "AndroidManifest-Chinese.xml",
    "AndroidManifest-xmlns.xml",
    "AndroidManifestDoubleNamespace.xml",
    "AndroidManifestExtraNamespace.xml",
    "AndroidManifestLiapp.xml",
    "AndroidManifestMaskingNamespace.xml",
    "AndroidManifestNonZeroStyle.xml",
    "AndroidManifestNullbytes.xml",
    "AndroidManifestTextChunksXML.xml",
    "AndroidManifestUTF8Strings.xml",
    "AndroidManifestWithComment.xml",
    "AndroidManifest_InvalidCharsInAttribute.xml",
    "AndroidManifest_NamespaceInAttributeName.xml",
    "AndroidManifest_NamespaceInAttributeName2.xml",
    "AndroidManifest_WrongChunkStart.xml",
    "test.xml",
    "test1.xml",
    "test2.xml",
    "test3.xml",
];

#[test]
fn every_element_and_attribute_matches_aapt_xmltree() {
    let mut failures = Vec::new();
    for name in AAPT_READABLE {
        let doc = parse_axml(&corpus_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = parse_xmltree(&aapt_output(name, "xmltree"));
        let ours = our_dump(&doc);
        assert!(!expected.is_empty(), "{name}: empty aapt dump");
        if ours.len() != expected.len() {
            failures.push(format!(
                "{name}: {} elements, aapt {}",
                ours.len(),
                expected.len()
            ));
        }
        for (o, e) in ours.iter().zip(&expected) {
            if o != e {
                failures.push(format!("{name}:\n ours {o:?}\n aapt {e:?}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn string_not_terminated_matches_aapt_up_to_its_crash_and_keeps_the_rest() {
    // Strings #49.. have no 0 terminator. aapt's xmltree segfaults printing string #49 and
    // `aapt dump permissions` stops with "failed to get XML element name (bad string pool)";
    // its dump is complete up to the element holding that attribute.
    let name = "AndroidManifest_StringNotTerminated.xml";
    let doc = parse_axml(&corpus_file(name)).expect("decodes");
    let expected = parse_xmltree(&aapt_output(name, "xmltree"));
    let ours = our_dump(&doc);
    let complete = expected.len() - 1;
    assert_eq!(ours[..complete], expected[..complete]);
    let (last_ours, last_aapt) = (&ours[complete], &expected[complete]);
    assert_eq!(last_ours.name, last_aapt.name);
    let shared = last_aapt.attributes.len() - 1;
    assert_eq!(
        last_ours.attributes[..shared],
        last_aapt.attributes[..shared]
    );
    // aapt's stdout buffer was cut by the crash; the value is string #45 (read with python).
    let meta = doc
        .elements
        .iter()
        .find(|e| e.line == 63)
        .expect("meta-data line 63");
    let value = meta
        .attributes
        .iter()
        .find(|a| a.resource_id == Some(0x0101_0024))
        .unwrap();
    assert_eq!(value.raw.as_deref(), Some("a14b6eab86b5e40"));
    // Past that point strings are decoded by their length, with a warning each. Read with
    // python: string #49 is UTF-16 "receiver" followed by 0x0017 instead of 0.
    assert!(
        doc.elements
            .iter()
            .any(|e| e.name == "receiver" && e.line == 66)
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("string #49") && w.contains("0-terminated")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn wrong_filesize_is_decoded_with_a_warning_that_android_rejects_it() {
    // aapt: "Bad XML block: header size 8 or total size 1111638594 is larger than data
    // size 9256". The file is byte-identical to StringNotTerminated except that size field.
    let wrong = corpus_file("AndroidManifestWrongFilesize.xml");
    let good = corpus_file("AndroidManifest_StringNotTerminated.xml");
    assert_eq!(wrong[8..], good[8..]);
    let doc = parse_axml(&wrong).expect("decoded leniently");
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("1111638594") && w.contains("rejects")),
        "{:?}",
        doc.warnings
    );
    let reference = parse_axml(&good).unwrap();
    assert_eq!(our_dump(&doc), our_dump(&reference));
}

/// (name, maxSdkVersion, from uses-permission-sdk-23)
type UsesPerm = (String, Option<String>, bool);
/// (kind or name, name or value) pairs.
type Pairs = Vec<(String, String)>;

/// What `aapt dump badging` says about the manifest.
#[derive(Debug, Default, PartialEq)]
struct Badging {
    package: Option<String>,
    version_code: Option<String>,
    version_name: Option<String>,
    sdk: Option<String>,
    target_sdk: Option<String>,
    uses_permissions: Vec<UsesPerm>,
    permissions: Vec<String>,
    debuggable: bool,
    launchable: Option<String>,
}

fn quoted_field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("{key}='"))? + key.len() + 2;
    let end = line[start..].find('\'')? + start;
    Some(line[start..end].to_string())
}

fn parse_badging(text: &str) -> Badging {
    let lines: Vec<&str> = text.lines().collect();
    let mut b = Badging::default();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("package: ") {
            b.package = quoted_field(line, "name");
            b.version_code = quoted_field(line, "versionCode").filter(|v| !v.is_empty());
            b.version_name = quoted_field(line, "versionName").filter(|v| !v.is_empty());
        } else if let Some(v) = line.strip_prefix("sdkVersion:'") {
            b.sdk = Some(v.trim_end_matches('\'').to_string());
        } else if let Some(v) = line.strip_prefix("targetSdkVersion:'") {
            b.target_sdk = Some(v.trim_end_matches('\'').to_string());
        } else if line.starts_with("uses-permission: ")
            || line.starts_with("uses-permission-sdk-23: ")
        {
            let name = quoted_field(line, "name").unwrap();
            // aapt adds permissions implied by others; they are not in the file.
            let implied = lines.get(i + 1).is_some_and(|next| {
                next.starts_with("uses-implied-permission: ")
                    && quoted_field(next, "name").as_deref() == Some(&name)
            });
            if !implied {
                let sdk23 = line.starts_with("uses-permission-sdk-23");
                b.uses_permissions
                    .push((name, quoted_field(line, "maxSdkVersion"), sdk23));
            }
        } else if line.starts_with("permission: ") {
            b.permissions.push(quoted_field(line, "name").unwrap());
        } else if *line == "application-debuggable" {
            b.debuggable = true;
        } else if line.starts_with("launchable-activity: ") {
            b.launchable = quoted_field(line, "name");
        }
    }
    b
}

fn number_text(n: &Option<appaudit_axml::NumberOrText>) -> Option<String> {
    n.as_ref().map(|v| match v {
        appaudit_axml::NumberOrText::Number(n) => n.to_string(),
        appaudit_axml::NumberOrText::Text(t) => t.clone(),
    })
}

fn our_badging(m: &Manifest) -> Badging {
    let is_launcher = |c: &&appaudit_axml::Component| {
        c.kind == appaudit_axml::ComponentKind::Activity
            && c.intent_filters.iter().any(|f| {
                f.actions.iter().any(|a| a == "android.intent.action.MAIN")
                    && f.categories
                        .iter()
                        .any(|c| c == "android.intent.category.LAUNCHER")
            })
    };
    Badging {
        package: m.package.clone(),
        version_code: number_text(&m.version_code),
        version_name: m.version_name.clone(),
        sdk: number_text(&m.min_sdk),
        target_sdk: number_text(&m.target_sdk),
        uses_permissions: m
            .uses_permissions
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    number_text(&p.max_sdk_version),
                    p.sdk_23_only,
                )
            })
            .collect(),
        // badging does not list declared permissions (`dump permissions` does).
        permissions: Vec::new(),
        debuggable: m.application.as_ref().and_then(|a| a.debuggable) == Some(true),
        launchable: m
            .components
            .iter()
            .find(is_launcher)
            .map(|c| c.name.clone()),
    }
}

/// Manifest files whose `aapt dump badging` output is complete.
const BADGING_READABLE: &[&str] = &[
    "AndroidManifest.xml",
    "AndroidManifest-Chinese.xml",
    "AndroidManifest-xmlns.xml",
    "AndroidManifestDoubleNamespace.xml",
    "AndroidManifestExtraNamespace.xml",
    "AndroidManifestLiapp.xml",
    "AndroidManifestMaskingNamespace.xml",
    "AndroidManifestNonZeroStyle.xml",
    "AndroidManifestNullbytes.xml",
    "AndroidManifestTextChunksXML.xml",
    "AndroidManifestUTF8Strings.xml",
    "AndroidManifestWithComment.xml",
    "AndroidManifest_InvalidCharsInAttribute.xml",
    "AndroidManifest_NamespaceInAttributeName.xml",
    "AndroidManifest_NamespaceInAttributeName2.xml",
    "AndroidManifest_StringNotTerminated.xml",
    "AndroidManifest_WrongChunkStart.xml",
];

#[test]
fn manifest_model_matches_aapt_badging() {
    let mut failures = Vec::new();
    for name in BADGING_READABLE {
        let doc = parse_axml(&corpus_file(name)).unwrap();
        let mut ours = our_badging(&Manifest::from_document(&doc));
        let expected = parse_badging(&aapt_output(name, "badging"));
        assert!(
            expected.package.is_some(),
            "{name}: aapt badging has no package line"
        );
        let stderr = data_dir()
            .join("aapt")
            .join(format!("{name}.badging.stderr.txt"));
        let aapt_failed = std::fs::read_to_string(stderr).is_ok_and(|e| e.contains("ERROR"));
        if aapt_failed {
            // Without resources.arsc aapt stops at the first unresolvable reference (the
            // icon); what it printed before that is complete and must match.
            ours.uses_permissions
                .truncate(expected.uses_permissions.len());
            ours.permissions.truncate(expected.permissions.len());
            if expected.sdk.is_none() {
                ours.sdk = None;
            }
            if expected.target_sdk.is_none() {
                ours.target_sdk = None;
            }
            ours.debuggable = expected.debuggable;
            ours.launchable = expected.launchable.clone();
        }
        // aapt prints strings as C strings: AndroidManifestNullbytes' versionName is
        // "0.0\0\0" in the pool (length 5), aapt shows "0.0".
        ours.version_name = ours
            .version_name
            .map(|v| v.split('\0').next().unwrap().to_string());
        if ours != expected {
            failures.push(format!("{name}:\n ours {ours:?}\n aapt {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `aapt dump permissions`: (declared permissions, uses-permissions) in file order.
fn parse_permissions(text: &str) -> (Vec<String>, Vec<UsesPerm>) {
    let mut declared = Vec::new();
    let mut uses = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("permission: ") {
            declared.push(name.to_string());
        } else if line.starts_with("uses-permission") {
            let sdk23 = line.starts_with("uses-permission-sdk-23");
            uses.push((
                quoted_field(line, "name").unwrap(),
                quoted_field(line, "maxSdkVersion"),
                sdk23,
            ));
        }
    }
    (declared, uses)
}

#[test]
fn permissions_match_aapt_dump_permissions() {
    let mut checked = 0;
    for name in BADGING_READABLE {
        let doc = parse_axml(&corpus_file(name)).unwrap();
        let m = Manifest::from_document(&doc);
        let (declared, uses) = parse_permissions(&aapt_output(name, "permissions"));
        let ours_declared: Vec<String> = m.permissions.iter().map(|p| p.name.clone()).collect();
        let ours_uses: Vec<_> = m
            .uses_permissions
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    number_text(&p.max_sdk_version),
                    p.sdk_23_only,
                )
            })
            .collect();
        if *name == "AndroidManifest_StringNotTerminated.xml" {
            // aapt stops at the first unterminated string; what it printed is a prefix.
            assert_eq!(ours_uses[..uses.len()], uses[..], "{name}");
            assert!(ours_uses.len() > uses.len());
        } else {
            assert_eq!(ours_declared, declared, "{name}");
            assert_eq!(ours_uses, uses, "{name}");
        }
        checked += uses.len();
    }
    assert!(checked > 400, "only {checked} permissions compared");
}

/// Parent of each element of an aapt xmltree dump, from the indentation. A namespace
/// line (`N:`) indents what follows without being an element, so it is a scope only.
fn xmltree_parents(text: &str) -> Vec<Option<usize>> {
    let mut parents = Vec::new();
    let mut open: Vec<(usize, Option<usize>)> = Vec::new(); // (indent, element index)
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let is_element = trimmed.starts_with("E: ");
        if is_element || trimmed.starts_with("N: ") {
            while open.last().is_some_and(|&(i, _)| i >= indent) {
                open.pop();
            }
            if is_element {
                parents.push(open.iter().rev().find_map(|&(_, idx)| idx));
                open.push((indent, Some(parents.len() - 1)));
            } else {
                open.push((indent, None));
            }
        }
    }
    parents
}

/// The string aapt shows for a value: the quoted string, `@0x...`, or a decimal/bool.
fn aapt_plain_value(value: &str) -> String {
    if let Some(rest) = value.strip_prefix('"') {
        return rest
            .split("\" (Raw:")
            .next()
            .unwrap()
            .trim_end_matches('"')
            .to_string();
    }
    if let Some(rest) = value.strip_prefix("(type 0x10)0x") {
        let hex = rest.split(' ').next().unwrap();
        return (u32::from_str_radix(hex, 16).unwrap() as i32).to_string();
    }
    if let Some(rest) = value.strip_prefix("(type 0x12)0x") {
        return (rest.split(' ').next().unwrap() != "0").to_string();
    }
    value.split(' ').next().unwrap().to_string()
}

fn class_name(package: &str, class: &str) -> String {
    // PackageParser.buildClassName, restated for the oracle side.
    if class.starts_with('.') {
        format!("{package}{class}")
    } else if !class.contains('.') {
        format!("{package}.{class}")
    } else {
        class.to_string()
    }
}

/// Components and meta-data as read off an aapt xmltree dump.
fn components_and_meta_from_xmltree(text: &str) -> (Pairs, Pairs) {
    let elements = parse_xmltree(text);
    let parents = xmltree_parents(text);
    let attr = |e: &DumpElement, id: u32| {
        e.attributes
            .iter()
            .find(|a| a.resource_id == Some(id))
            .map(|a| aapt_plain_value(&a.value))
    };
    let package = elements[0]
        .attributes
        .iter()
        .find(|a| a.plain_name.as_deref() == Some("package"))
        .map(|a| aapt_plain_value(&a.value))
        .unwrap();
    let app = (0..elements.len())
        .find(|&i| elements[i].name == "application" && parents[i] == Some(0))
        .unwrap();
    let kinds = [
        "activity",
        "activity-alias",
        "service",
        "receiver",
        "provider",
    ];
    let components = (0..elements.len())
        .filter(|&i| parents[i] == Some(app) && kinds.contains(&elements[i].name.as_str()))
        .map(|i| {
            let name = attr(&elements[i], 0x0101_0003).unwrap();
            (elements[i].name.clone(), class_name(&package, &name))
        })
        .collect();
    let meta = elements
        .iter()
        .filter(|e| e.name == "meta-data")
        .map(|e| {
            let value = attr(e, 0x0101_0024)
                .or_else(|| attr(e, 0x0101_0025))
                .unwrap_or_default();
            (attr(e, 0x0101_0003).unwrap(), value)
        })
        .collect();
    (components, meta)
}

fn our_components_and_meta(m: &Manifest) -> (Pairs, Pairs) {
    let components = m
        .components
        .iter()
        .map(|c| {
            let kind = serde_json::to_value(c.kind)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            (kind, c.name.clone())
        })
        .collect();
    let meta = m
        .meta_data
        .iter()
        .map(|md| {
            (
                md.name.clone(),
                md.value.clone().or(md.resource.clone()).unwrap_or_default(),
            )
        })
        .collect();
    (components, meta)
}

#[test]
fn components_and_meta_data_match_aapt_xmltree() {
    let mut total = 0;
    for name in AAPT_READABLE.iter().filter(|n| !n.starts_with("test")) {
        let doc = parse_axml(&corpus_file(name)).unwrap();
        let m = Manifest::from_document(&doc);
        let expected = components_and_meta_from_xmltree(&aapt_output(name, "xmltree"));
        let ours = our_components_and_meta(&m);
        assert_eq!(ours.0, expected.0, "{name}: components");
        // aapt prints C strings: compare up to a NUL.
        let cut = |v: &Vec<(String, String)>| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| (a.clone(), b.split('\0').next().unwrap().to_string()))
                .collect()
        };
        assert_eq!(cut(&ours.1), cut(&expected.1), "{name}: meta-data");
        total += expected.0.len() + expected.1.len();
    }
    assert!(total > 200, "only {total} components/meta-data compared");
}

#[test]
fn declared_permission_protection_level_is_decoded() {
    // aapt xmltree: protectionLevel(0x01010009)=(type 0x11)0x2, i.e. "signature".
    let doc = parse_axml(&corpus_file("AndroidManifestExtraNamespace.xml")).unwrap();
    let m = Manifest::from_document(&doc);
    assert_eq!(m.permissions.len(), 1);
    assert_eq!(
        m.permissions[0].name,
        "com.shopgate.android.main.permission.C2D_MESSAGE"
    );
    assert_eq!(
        m.permissions[0].protection_level.as_deref(),
        Some("signature")
    );
}

#[test]
fn packer_manifest_with_fake_attribute_names_resolves_by_resource_id() {
    // aapt prints `:(0x0101021c)="1.0"`: the name string is useless, the id says versionName.
    let doc = parse_axml(&corpus_file("AndroidManifest_NamespaceInAttributeName.xml")).unwrap();
    let root = doc.root().unwrap();
    let version = root
        .attributes
        .iter()
        .find(|a| a.resource_id == Some(0x0101_021c))
        .unwrap();
    assert_eq!(version.name, "versionName");
    assert_ne!(version.pool_name.as_deref(), Some("versionName"));
    let m = Manifest::from_document(&doc);
    assert_eq!(m.version_name.as_deref(), Some("1.0"));
    assert_eq!(m.min_sdk, Some(appaudit_axml::NumberOrText::Number(8)));
}

// ---- real APKs from the corpus -------------------------------------------------------

fn apk_manifest(dir: &std::path::Path, rel: &str) -> Vec<u8> {
    use std::io::Read;
    let file = std::fs::File::open(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut entry = zip.by_name("AndroidManifest.xml").expect("manifest entry");
    let mut out = Vec::new();
    entry.read_to_end(&mut out).unwrap();
    out
}

const APKS: &[(&str, &str)] = &[
    (
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-debug-androidTest.apk",
        "apk-appium-uiautomator2-server-debug-androidTest",
    ),
    (
        "appium-uiautomator2-server@10.6.6/apks/appium-uiautomator2-server-v10.6.6.apk",
        "apk-appium-uiautomator2-server-v10.6.6",
    ),
    (
        "io.appium.settings@8.0.10/apks/settings_apk-debug.apk",
        "apk-settings_apk-debug",
    ),
];

#[test]
fn real_apk_manifests_match_aapt() {
    let Some(dir) = corpus_dir() else { return };
    for (rel, oracle) in APKS {
        let data = apk_manifest(&dir, rel);
        let doc = parse_axml(&data).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(doc.warnings.is_empty(), "{rel}: {:?}", doc.warnings);
        assert_eq!(
            our_dump(&doc),
            parse_xmltree(&aapt_output(oracle, "xmltree")),
            "{rel}"
        );
        let m = Manifest::from_document(&doc);
        // These APKs carry resources.arsc, so aapt's badging is complete.
        assert_eq!(
            our_badging(&m),
            parse_badging(&aapt_output(oracle, "badging")),
            "{rel}"
        );
        let (declared, uses) = parse_permissions(&aapt_output(oracle, "permissions"));
        let ours_declared: Vec<String> = m.permissions.iter().map(|p| p.name.clone()).collect();
        assert_eq!(ours_declared, declared, "{rel}");
        assert_eq!(m.uses_permissions.len(), uses.len(), "{rel}");
        let expected = components_and_meta_from_xmltree(&aapt_output(oracle, "xmltree"));
        assert_eq!(our_components_and_meta(&m), expected, "{rel}");
    }
}
