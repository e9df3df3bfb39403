//! Detection on real vendor binaries (see `shared/corpus/README.md`).
//!
//! Class, library and symbol names are read with independent tools (`unzip -Z1`,
//! `llvm-nm`); the expected SDK sets come from reading those listings by hand.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use appaudit_sdk::{Matcher, SignatureDb};

/// The corpus directory, or `None` when the run opted out with `APPAUDIT_SKIP_CORPUS=1`.
fn corpus() -> Option<PathBuf> {
    if std::env::var("APPAUDIT_SKIP_CORPUS").is_ok_and(|v| v == "1") {
        return None;
    }
    let dir = std::env::var_os("APPAUDIT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/appaudit-corpus")
        });
    assert!(
        dir.is_dir(),
        "corpus not found at {} (run shared/corpus/fetch.sh, set APPAUDIT_CORPUS, or APPAUDIT_SKIP_CORPUS=1)",
        dir.display()
    );
    Some(dir)
}

fn tool_lines(program: &str, args: &[&str], file: &PathBuf) -> Vec<String> {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} (needed as an independent oracle): {e}"));
    assert!(
        out.status.success(),
        "{program} {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

struct Fixture {
    db: SignatureDb,
    matcher: Matcher,
}

impl Fixture {
    fn new() -> Self {
        let db = SignatureDb::builtin().expect("builtin");
        let matcher = Matcher::new(&db);
        Self { db, matcher }
    }

    /// SDK ids found among the `.class` entries of a jar, plus how many classes matched nothing.
    fn jar(&self, path: &PathBuf) -> (BTreeSet<String>, usize) {
        let mut ids = BTreeSet::new();
        let mut unmatched = 0;
        for entry in tool_lines("unzip", &["-Z1"], path) {
            let Some(class) = entry.strip_suffix(".class") else {
                continue;
            };
            match self.matcher.match_class(&format!("L{class};")) {
                Some(hit) => {
                    ids.insert(self.db.sdks()[hit.sdk].id.clone());
                }
                None => unmatched += 1,
            }
        }
        (ids, unmatched)
    }

    /// SDK ids of the Objective-C classes a Mach-O binary or archive defines.
    fn objc(&self, path: &PathBuf) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let mut classes = 0;
        for line in tool_lines("llvm-nm", &["--defined-only", "--just-symbol-name"], path) {
            if !line.contains("OBJC_CLASS_$_") {
                continue;
            }
            classes += 1;
            if let Some(hit) = self.matcher.match_objc_class(
                line.trim_start_matches('_')
                    .trim_start_matches("OBJC_CLASS_$_"),
            ) {
                ids.insert(self.db.sdks()[hit.sdk].id.clone());
            }
        }
        assert!(
            classes > 0,
            "llvm-nm found no Objective-C classes in {}",
            path.display()
        );
        ids
    }
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn android_vendor_jars() {
    let Some(root) = corpus() else { return };
    let fx = Fixture::new();
    // (jar, expected SDK ids, whether every class must match). Expected sets come from the
    // top-level packages `unzip -Z1` lists for each jar.
    let cases: &[(&str, &[&str], bool)] = &[
        (
            "cordova-plugin-jcore@1.4.4/src/android/jcore-android-3.3.2.jar",
            &["jcore"],
            true,
        ),
        (
            "jpush-phonegap-plugin@3.8.6/src/android/libs/jpush-android-4.8.1.jar",
            // cn/jpush/android (JPush), its service package (JCore's components), cn/jiguang/union/ads
            // (JAd), cn/asus/push (ASUS channel); cn/android/service/JTransitActivity is unclaimed.
            &["jpush", "jcore", "jiguang-ads", "asus-push"],
            false,
        ),
        (
            "janalytics-react-native@1.4.8/android/libs/janalytics-android-2.1.8.jar",
            &["janalytics"],
            true,
        ),
        (
            "jshare-react-native@1.4.3/android/libs/jshare-android-2.0.0.jar",
            &["jshare"],
            true,
        ),
        (
            "jshare-react-native@1.4.3/android/libs/jshare-sina-android-2.0.0.jar",
            &["jshare", "weibo-sdk"],
            true,
        ),
        (
            "jverification-react-native@2.8.8/android/libs/jverification-android-not_support_dynamic-release-3.4.8.jar",
            &["jverification", "cmic-auth", "unicom-auth", "telecom-auth"],
            true,
        ),
        (
            "cordova-plugin-bugly-sdk@0.0.1/src/android/libs/bugly_crash_release.jar",
            &["tencent-bugly"],
            true,
        ),
        (
            "react-native-getui@1.1.55/android/libs/gtsdk-3.3.12.0.jar",
            &["getui-core", "getui-push"],
            true,
        ),
        // gtc bundles com/getui/gtc, com/igexin/base and the com/igexin/push AIDL interface.
        (
            "react-native-getui@1.1.55/android/libs/gtc-3.2.18.0.jar",
            &["getui-core", "getui-push"],
            true,
        ),
        (
            "react-native-umeng-sdk@1.4.0/android/PushSDK/libs/com.umeng.message_v2.8.0.jar",
            // org/android/Config.class sits directly in `org.android`, too generic to claim.
            &["umeng-push", "alibaba-accs", "alibaba-utdid"],
            false,
        ),
        (
            "cordova-plugin-amap@2.0.0/src/android/AMap_Location_V3.7.0_20171218.jar",
            &["amap-location"],
            true,
        ),
        (
            "cordova-plugin-amap@2.0.0/src/android/Android_Map3D_SDK_V5.7.0_20171229.jar",
            &["amap", "amap-map"],
            true,
        ),
        (
            "cordova-plugin-gdlocation@1.0.47/src/android/libs/AMap3DMap_5.7.0_AMapNavi_5.6.0_AMapLocation_3.7.0_20180109.jar",
            &[
                "amap",
                "amap-map",
                "amap-location",
                "amap-navi",
                "aliyun-nls",
            ],
            true,
        ),
        (
            "react-native-xmpush@0.1.2/android/build/intermediates/bundles/release/libs/MiPush_SDK_Client_3_0_3.jar",
            // com/google/protobuf/micro is Google protobuf (bundled), org/apache/thrift is unclaimed.
            &["xiaomi-push", "protobuf"],
            false,
        ),
    ];
    for (jar, expected, all_classes) in cases {
        let (found, unmatched) = fx.jar(&root.join(jar));
        assert_eq!(found, set(expected), "{jar}");
        if *all_classes {
            assert_eq!(unmatched, 0, "{jar}: {unmatched} classes matched no SDK");
        }
    }
}

#[test]
fn android_native_libraries() {
    let Some(root) = corpus() else { return };
    let fx = Fixture::new();
    let cases = [
        (
            "cordova-plugin-jcore@1.4.4/src/android/arm64-v8a/libjcore332.so",
            "jcore",
        ),
        (
            "cordova-plugin-jcore@1.4.4/src/android/x86_64/libjcore332.so",
            "jcore",
        ),
        (
            "jverification-react-native@2.8.8/android/libs/arm64-v8a/libCtaApiLib.so",
            "telecom-auth",
        ),
        (
            "cordova-plugin-gdlocation@1.0.47/src/android/libs/arm64-v8a/libmsc.so",
            "iflytek",
        ),
        (
            "cordova-plugin-gdlocation@1.0.47/src/android/libs/arm64-v8a/libGNaviPos.so",
            "amap-navi",
        ),
        (
            "cordova-plugin-amap@2.0.0/src/android/arm64-v8a/libGNaviData.so",
            "amap-navi",
        ),
        (
            "cordova-plugin-amap@2.0.0/src/android/arm64-v8a/libRoadLineRebuildAPI.so",
            "amap-navi",
        ),
        (
            "react-native-umeng-sdk@1.4.0/android/PushSDK/libs/arm64-v8a/libcocklogic.so",
            "umeng-push",
        ),
        (
            "react-native-umeng-sdk@1.4.0/android/PushSDK/libs/arm64-v8a/libtnet-2.1.20.1-agoo.so",
            "alibaba-accs",
        ),
    ];
    for (path, expected) in cases {
        let file = root.join(path);
        // The SONAME readelf reports is the name the loader uses; it must match like the file name.
        let soname = tool_lines("readelf", &["-d"], &file).iter().find_map(|l| {
            l.split("Library soname: [")
                .nth(1)
                .map(|s| s.trim_end_matches(']').to_owned())
        });
        for name in std::iter::once(path.to_owned()).chain(soname) {
            let hit = fx
                .matcher
                .match_native_lib(&name)
                .unwrap_or_else(|| panic!("{name} unmatched"));
            assert_eq!(fx.db.sdks()[hit.sdk].id, expected, "{name}");
        }
    }
}

#[test]
fn ios_static_libraries_and_frameworks() {
    let Some(root) = corpus() else { return };
    let fx = Fixture::new();
    // Expected sets from the class-name prefixes llvm-nm lists (JCore also defines legacy
    // JPUSH* helpers; AlipaySDK embeds Alibaba UTDID).
    let cases: &[(&str, &[&str])] = &[
        (
            "cordova-plugin-jcore@1.4.4/src/ios/jcore-ios-3.2.5.a",
            &["jcore"],
        ),
        (
            "jpush-phonegap-plugin@3.8.6/src/ios/lib/jpush-ios-4.8.1.a",
            &["jpush"],
        ),
        (
            "janalytics-react-native@1.4.8/ios/RCTJAnalyticsModule/janalytics-ios-2.1.2.a",
            &["janalytics"],
        ),
        (
            "jshare-react-native@1.4.3/ios/RCTJShareModule/libjshare-ios-1.9.2.a",
            &["jshare"],
        ),
        (
            "jverification-react-native@2.8.8/ios/RCTJVerificationModule/jverification-ios-3.4.7.xcframework/ios-arm64/libJVerification.a",
            &["jverification"],
        ),
        (
            "cordova-plugin-bugly-sdk@0.0.1/src/ios/Bugly.framework/Bugly",
            &["tencent-bugly"],
        ),
        (
            "react-native-wechat-lib@3.0.4/ios/libWeChatSDK.a",
            &["wechat-opensdk"],
        ),
        (
            "@uiw/react-native-alipay@5.0.2/ios/AlipaySDK.framework/AlipaySDK",
            &["alipay", "alibaba-utdid"],
        ),
        (
            "react-native-getui@1.1.55/ios/RCTGetuiModule/RCTGetuiModule/GTSDK.xcframework/ios-arm64_armv7/GTSDK.framework/GTSDK",
            &["getui-push"],
        ),
        (
            "cordova-plugin-amap@2.0.0/src/ios/AMapFoundationKit.framework/AMapFoundationKit",
            &["amap"],
        ),
        (
            "jverification-react-native@2.8.8/ios/RCTJVerificationModule/TYRZUISDK.xcframework/ios-arm64_arm64e/TYRZUISDK.framework/TYRZUISDK",
            &["cmic-auth"],
        ),
        (
            "jverification-react-native@2.8.8/ios/RCTJVerificationModule/OAuth.xcframework/ios-arm64/OAuth.framework/OAuth",
            &["unicom-auth"],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(fx.objc(&root.join(path)), set(expected), "{path}");
    }
    // Framework and library file names as they appear in an IPA or a Pods directory.
    let names = [
        ("AlipaySDK.framework", "alipay"),
        ("Frameworks/Bugly.framework/Bugly", "tencent-bugly"),
        ("libWeChatSDK.a", "wechat-opensdk"),
        ("jcore-ios-3.2.5.a", "jcore"),
        ("jpush-ios-4.8.1.a", "jpush"),
        ("libJVerification.a", "jverification"),
        ("EAccountApiSDK.xcframework", "telecom-auth"),
        ("TYRZUISDK.framework", "cmic-auth"),
        ("GTSDK.framework", "getui-push"),
        ("AMapLocationKit.framework", "amap-location"),
    ];
    for (name, expected) in names {
        let hit = fx
            .matcher
            .match_ios_framework(name)
            .unwrap_or_else(|| panic!("{name} unmatched"));
        assert_eq!(fx.db.sdks()[hit.sdk].id, expected, "{name}");
    }
}

#[test]
fn manifest_fragments_shipped_by_vendors() {
    let Some(root) = corpus() else { return };
    let fx = Fixture::new();
    let text = std::fs::read_to_string(
        root.join("react-native-getui@1.1.55/android/src/main/AndroidManifest.xml"),
    )
    .expect("getui manifest");
    // Components declared by the vendor's manifest fragment (read with a plain text search).
    for component in [
        "com.igexin.sdk.PushService",
        "com.igexin.sdk.GTIntentService",
        "com.getui.gtc.GtcService",
    ] {
        assert!(text.contains(component), "fixture changed: {component}");
        assert!(
            fx.matcher.match_component(component).is_some(),
            "{component} unmatched"
        );
    }
    let id = |c: &str| {
        fx.matcher
            .match_component(c)
            .map(|h| fx.db.sdks()[h.sdk].id.as_str())
    };
    assert_eq!(id("com.igexin.sdk.PushService"), Some("getui-push"));
    assert_eq!(id("com.getui.gtc.GtcService"), Some("getui-core"));
    let amap = std::fs::read_to_string(root.join("cordova-plugin-amap@2.0.0/plugin.xml"))
        .expect("amap plugin.xml");
    assert!(amap.contains("com.amap.api.v2.apikey"));
    let hit = fx
        .matcher
        .match_meta_data("com.amap.api.v2.apikey")
        .expect("amap key");
    assert_eq!(fx.db.sdks()[hit.sdk].id, "amap");
    assert_eq!(
        id("com.amap.api.location.APSService"),
        Some("amap-location")
    );
}
