//! Real-input test: the vendor jars of the corpus, listed by `javap -c -p` (JDK 17),
//! an independent disassembler, are fed through the rules the way the lead's DEX/class
//! wiring will: per method, invokes + static fields + constant strings + class refs.
//! Expected call sites were read off the javap listings by hand (and are cross-checked
//! below with a plain substring scan of the same listing).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use appaudit_taxonomy::{AndroidRules, DataAccess, DataAccessCollector, MethodScan, Taxonomy};

fn corpus_dir() -> Option<PathBuf> {
    if std::env::var("APPAUDIT_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    let dir = match std::env::var_os("APPAUDIT_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/appaudit-corpus")
        }
    };
    assert!(
        dir.is_dir(),
        "corpus directory {} is missing: fetch it or set APPAUDIT_CORPUS (APPAUDIT_SKIP_CORPUS=1 skips)",
        dir.display()
    );
    Some(dir)
}

/// `javap -c -p` of every class of a jar.
fn javap(jar: &PathBuf) -> String {
    let list = Command::new("unzip")
        .arg("-Z1")
        .arg(jar)
        .output()
        .expect("unzip must be installed");
    assert!(list.status.success(), "unzip -Z1 {}", jar.display());
    let classes: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(".class"))
        .map(|c| c.replace('/', "."))
        .collect();
    let out = Command::new("javap")
        .args(["-c", "-p", "-classpath"])
        .arg(jar)
        .args(&classes)
        .output()
        .expect("javap (JDK 17) must be installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sdk_of(class: &str) -> Option<&'static str> {
    [
        ("com.tencent.bugly.", "tencent_bugly"),
        ("cn.jiguang.", "jiguang"),
        ("cn.jpush.", "jiguang"),
        ("com.getui.", "getui"),
    ]
    .into_iter()
    .find(|(p, _)| class.starts_with(p))
    .map(|(_, id)| id)
}

fn descriptor(binary: &str) -> String {
    format!("L{};", binary.replace('.', "/"))
}

/// Class name declared by a javap header line such as
/// `public final class a.b.C extends d.E implements F {`.
fn header_class(line: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        if w == "class" || w == "interface" {
            let name = words.next()?;
            return Some(name.split('<').next().unwrap_or(name).to_owned());
        }
    }
    None
}

fn method_name(line: &str, class: &str) -> Option<String> {
    let t = line.trim();
    if t == "static {};" {
        return Some("<clinit>".into());
    }
    let before = t.split('(').next()?;
    let name = before.split_whitespace().last()?;
    Some(if name == class {
        "<init>".into()
    } else {
        name.to_owned()
    })
}

/// Feeds one javap listing to the rules, returns the report plus, as an oracle, the
/// methods whose text mentions each of the given `owner.method:` substrings.
fn scan(rules: &AndroidRules, listing: &str) -> Vec<DataAccess> {
    let mut collector = DataAccessCollector::new(rules);
    let mut scan = MethodScan::new(rules);
    let mut class = String::new();
    let mut method = String::new();
    let flush =
        |scan: &mut MethodScan<'_>, c: &mut DataAccessCollector<'_>, class: &str, method: &str| {
            if !class.is_empty() && !method.is_empty() {
                scan.flush(c, sdk_of(class), &descriptor(class), method);
            } else {
                scan.clear();
            }
        };
    for line in listing.lines() {
        if !line.starts_with(' ') {
            if let Some(c) = header_class(line) {
                flush(&mut scan, &mut collector, &class, &method);
                class = c;
                method.clear();
            }
            continue;
        }
        if line.starts_with("  ")
            && !line.starts_with("   ")
            && line.ends_with(';')
            && line.contains('(')
        {
            flush(&mut scan, &mut collector, &class, &method);
            method = method_name(line, &class).unwrap_or_default();
            continue;
        }
        if line.trim() == "static {};" {
            flush(&mut scan, &mut collector, &class, &method);
            method = "<clinit>".into();
            continue;
        }
        let Some((_, comment)) = line.split_once("// ") else {
            continue;
        };
        if let Some(s) = comment.strip_prefix("String ") {
            scan.string(s);
        } else if let Some(target) = comment
            .strip_prefix("Method ")
            .or_else(|| comment.strip_prefix("InterfaceMethod "))
        {
            let sig = target.split(':').next().unwrap_or(target);
            let (owner, name) = match sig.rsplit_once('.') {
                Some((o, n)) => (o.to_owned(), n),
                None => (class.replace('.', "/"), sig),
            };
            let name = name.trim_matches('"');
            if !scan.invoke(&owner, name) {
                scan.class_reference(&owner);
            }
        } else if let Some(target) = comment.strip_prefix("Field ") {
            let sig = target.split(':').next().unwrap_or(target);
            if let Some((owner, name)) = sig.rsplit_once('.')
                && line.contains("getstatic")
            {
                scan.field(owner, name);
            }
        } else if let Some(c) = comment.strip_prefix("class ") {
            scan.class_reference(c.trim_matches('"'));
        }
    }
    flush(&mut scan, &mut collector, &class, &method);
    collector.finish()
}

/// Oracle: `Ldescriptor;->method` of every method whose javap text contains `needle`.
fn methods_mentioning(listing: &str, needle: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let (mut class, mut method) = (String::new(), String::new());
    for line in listing.lines() {
        if !line.starts_with(' ') {
            if let Some(c) = header_class(line) {
                class = c;
            }
        } else if line.starts_with("  ")
            && !line.starts_with("   ")
            && line.ends_with(';')
            && line.contains('(')
        {
            method = method_name(line, &class).unwrap_or_default();
        } else if line.contains(needle) {
            out.insert(format!("{}->{}", descriptor(&class), method));
        }
    }
    out
}

fn sites<'a>(
    report: &'a [DataAccess],
    data_type: &str,
    sdk: &str,
) -> (Vec<&'a str>, usize, Vec<&'a str>) {
    let access = report
        .iter()
        .find(|d| d.data_type == data_type)
        .unwrap_or_else(|| panic!("no {data_type}"));
    let acc = access
        .accessors
        .iter()
        .find(|a| a.sdk.as_deref() == Some(sdk))
        .unwrap_or_else(|| panic!("{data_type}: no accessor {sdk}"));
    (
        acc.call_sites.iter().map(String::as_str).collect(),
        acc.call_site_count,
        acc.apis.iter().map(String::as_str).collect(),
    )
}

#[test]
fn vendor_jars_classified_like_their_javap_listing() {
    let Some(dir) = corpus_dir() else { return };
    let taxonomy = Taxonomy::builtin().expect("builtin taxonomy");
    let rules = AndroidRules::new(&taxonomy);

    let bugly =
        javap(&dir.join("cordova-plugin-bugly-sdk@0.0.1/src/android/libs/bugly_crash_release.jar"));
    assert!(
        bugly.contains("class com.tencent.bugly"),
        "javap produced no listing for bugly"
    );
    let report = scan(&rules, &bugly);
    let info = "Lcom/tencent/bugly/crashreport/common/info/b;";
    let (s, n, apis) = sites(&report, "imei", "tencent_bugly");
    assert!(s.contains(&format!("{info}->a").as_str()), "{s:?}");
    assert!(apis.contains(&"TelephonyManager.getDeviceId"), "{apis:?}");
    assert_eq!(
        n,
        methods_mentioning(&bugly, "android/telephony/TelephonyManager.getDeviceId:").len()
    );
    let (s, _, _) = sites(&report, "imsi", "tencent_bugly");
    assert!(s.contains(&format!("{info}->b").as_str()), "{s:?}");
    let (s, _, apis) = sites(&report, "android_id", "tencent_bugly");
    assert!(s.contains(&format!("{info}->c").as_str()), "{s:?}");
    assert!(
        apis.contains(&"Settings$Secure.getString(\"android_id\")"),
        "{apis:?}"
    );
    // Bugly has no app code of its own: everything is attributed to the SDK.
    assert!(
        report
            .iter()
            .all(|d| d.accessors.iter().all(|a| a.sdk.is_some()))
    );

    let gtc = javap(&dir.join("react-native-getui@1.1.55/android/libs/gtc-3.2.18.0.jar"));
    let report = scan(&rules, &gtc);
    let dim = "Lcom/getui/gtc/dim/c/a;";
    let (s, _, _) = sites(&report, "imei", "getui");
    assert!(s.contains(&format!("{dim}->a").as_str()), "{s:?}");
    let (s, _, _) = sites(&report, "android_id", "getui");
    assert!(s.contains(&format!("{dim}->d").as_str()), "{s:?}");
    // The OAID vendor channels seen as strings in the listing (Huawei, OPPO, vivo …).
    let oaid = report.iter().find(|d| d.data_type == "oaid").expect("oaid");
    let markers: Vec<&str> = oaid
        .accessors
        .iter()
        .flat_map(|a| a.markers.iter().map(String::as_str))
        .collect();
    for m in [
        "com.uodis.opendevice.OPENIDS_SERVICE",
        "action.com.heytap.openid.OPEN_ID_SERVICE",
    ] {
        assert!(markers.contains(&m), "{markers:?}");
        assert!(
            gtc.contains(&format!("// String {m}")),
            "oracle: {m} is in the listing"
        );
    }
    let gaid = report
        .iter()
        .find(|d| d.data_type == "gaid")
        .expect("gaid via service action");
    assert!(gaid.accessors.iter().any(|a| {
        a.markers
            .iter()
            .any(|m| m == "com.google.android.gms.ads.identifier.service.START")
    }));

    let jcore = javap(&dir.join("cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar"));
    let report = scan(&rules, &jcore);
    let (s, n, apis) = sites(&report, "imei", "jiguang");
    let direct = methods_mentioning(&jcore, "android/telephony/TelephonyManager.getDeviceId:");
    assert!(direct.contains("Lcn/jiguang/f/a;->x"), "oracle sanity");
    assert!(n >= direct.len(), "{n} < {}", direct.len());
    // cn.jiguang.t.d.e: Class.forName("android.telephony.MSimTelephonyManager") then
    // getMethod("getDeviceId") (read in the javap listing).
    assert!(
        apis.contains(&"MSimTelephonyManager.getDeviceId via reflection"),
        "{apis:?}"
    );
    assert!(apis.contains(&"TelephonyManager.getDeviceId"), "{apis:?}");
    assert!(s.len() <= appaudit_taxonomy::SAMPLE_CALL_SITES);
    let (s, _, _) = sites(&report, "android_id", "jiguang");
    let expected = methods_mentioning(&jcore, "android/provider/Settings$Secure.getString:");
    let with_marker = methods_mentioning(&jcore, "// String android_id");
    let both: Vec<&String> = expected.intersection(&with_marker).collect();
    assert!(
        both.iter().any(|m| m.as_str() == "Lcn/jiguang/f/a;->z"),
        "{both:?}"
    );
    assert!(!s.is_empty());
    let (_, n, _) = sites(&report, "android_id", "jiguang");
    assert_eq!(
        n,
        both.len(),
        "android_id sites = methods holding both the call and the string"
    );
}
