//! Text manifests: vendor fragments from the real corpus (expected values read with
//! python's `xml.etree.ElementTree`), and hand-written edge cases.

mod common;
use common::corpus_dir;

use appaudit_axml::{
    AxmlError, ComponentKind, Manifest, NumberOrText, SourceFormat, parse_manifest,
    parse_manifest_bytes, parse_text_xml,
};

fn corpus_manifest(dir: &std::path::Path, rel: &str) -> Manifest {
    let data = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let (m, doc) = parse_manifest(&data).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(doc.format, SourceFormat::Text);
    m
}

#[test]
fn vendor_text_manifests_from_the_corpus() {
    let Some(dir) = corpus_dir() else { return };
    // (path, package, #uses-permission, first, last, #components, meta-data (name, value))
    type Case = (
        &'static str,
        Option<&'static str>,
        usize,
        &'static str,
        &'static str,
        usize,
    );
    let cases: &[(Case, &[(&str, &str)])] = &[
        (
            (
                "janalytics-react-native@1.4.8/android/src/main/AndroidManifest.xml",
                Some("cn.jiguang.plugins.analytics"),
                18,
                "android.permission.RECEIVE_USER_PRESENT",
                "android.permission.GET_TASKS",
                1,
            ),
            &[
                ("JPUSH_CHANNEL", "${JPUSH_CHANNEL}"),
                ("JPUSH_APPKEY", "${JPUSH_APPKEY}"),
            ],
        ),
        (
            (
                "jcore-react-native@2.3.7/android/src/main/AndroidManifest.xml",
                None,
                0,
                "",
                "",
                4,
            ),
            &[],
        ),
        (
            (
                "jpush-react-native@3.2.8/android/src/main/AndroidManifest.xml",
                None,
                16,
                "${applicationId}.permission.JPUSH_MESSAGE",
                "android.permission.READ_EXTERNAL_STORAGE",
                2,
            ),
            &[],
        ),
        (
            (
                "jshare-react-native@1.4.3/android/src/main/AndroidManifest.xml",
                Some("cn.jiguang.share.reactnative"),
                18,
                "android.permission.RECEIVE_USER_PRESENT",
                "android.permission.GET_TASKS",
                2,
            ),
            &[],
        ),
        (
            (
                "jverification-react-native@2.8.8/android/src/main/AndroidManifest.xml",
                Some("cn.jiguang.plugins.verification"),
                12,
                "android.permission.INTERNET",
                "android.permission.WAKE_LOCK",
                3,
            ),
            &[
                ("JPUSH_APPKEY", "${JPUSH_APPKEY}"),
                ("JPUSH_CHANNEL", "${JPUSH_CHANNEL}"),
            ],
        ),
        (
            (
                "react-native-getui@1.1.55/android/src/main/AndroidManifest.xml",
                None,
                13,
                "android.permission.INTERNET",
                "android.permission.ACCESS_BACKGROUND_LOCATION",
                9,
            ),
            &[("GTSDK_VERSION", "3.3.11.0")],
        ),
        (
            (
                "react-native-umeng-sdk@1.4.0/android/PushSDK/AndroidManifest.xml",
                Some("com.umeng.message.lib"),
                21,
                "android.permission.WRITE_SETTINGS",
                "android.permission.READ_SMS",
                12,
            ),
            &[],
        ),
    ];
    for ((rel, package, n_perms, first, last, n_components), meta) in cases {
        let m = corpus_manifest(&dir, rel);
        assert_eq!(m.package.as_deref(), *package, "{rel}");
        assert_eq!(m.uses_permissions.len(), *n_perms, "{rel}");
        if *n_perms > 0 {
            assert_eq!(m.uses_permissions[0].name, *first, "{rel}");
            assert_eq!(m.uses_permissions[n_perms - 1].name, *last, "{rel}");
        }
        assert_eq!(m.components.len(), *n_components, "{rel}");
        let ours: Vec<(&str, &str)> = m
            .meta_data
            .iter()
            .map(|md| (md.name.as_str(), md.value.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(ours, *meta, "{rel}");
    }
}

#[test]
fn jpush_fragment_keeps_placeholders_and_relative_names() {
    let Some(dir) = corpus_dir() else { return };
    let m = corpus_manifest(
        &dir,
        "jpush-react-native@3.2.8/android/src/main/AndroidManifest.xml",
    );
    // Read from the file: <permission android:name="${applicationId}.permission.JPUSH_MESSAGE"
    // android:protectionLevel="signature" />, receivers with exported="false".
    assert_eq!(m.permissions.len(), 1);
    assert_eq!(
        m.permissions[0].name,
        "${applicationId}.permission.JPUSH_MESSAGE"
    );
    assert_eq!(
        m.permissions[0].protection_level.as_deref(),
        Some("signature")
    );
    let r = &m.components[0];
    assert_eq!(r.kind, ComponentKind::Receiver);
    // No package attribute in the fragment: ".receiver.X" cannot be resolved, kept as is.
    assert_eq!(r.name, ".receiver.JPushModuleReceiver");
    assert_eq!(r.exported, Some(false));
    assert_eq!(r.enabled, Some(true));
    assert_eq!(
        r.intent_filters[0].actions,
        ["cn.jpush.android.intent.RECEIVER_MESSAGE"]
    );
    assert_eq!(r.intent_filters[0].categories, ["${applicationId}"]);
}

#[test]
fn getui_fragment_queries() {
    let Some(dir) = corpus_dir() else { return };
    let m = corpus_manifest(
        &dir,
        "react-native-getui@1.1.55/android/src/main/AndroidManifest.xml",
    );
    assert_eq!(m.queries.intents.len(), 1);
    assert_eq!(m.queries.intents[0].actions, ["com.getui.sdk.action"]);
    assert_eq!(
        m.permissions[0].name,
        "getui.permission.GetuiService.${applicationId}"
    );
}

const HAND_WRITTEN: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- comment -->
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    xmlns:tools="http://schemas.android.com/tools"
    package="com.example.app" android:versionCode="42" android:versionName="1.2 &amp; more">
  <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="Tiramisu"/>
  <uses-permission android:name="android.permission.CAMERA"/>
  <uses-permission android:name="android.permission.READ_CONTACTS" android:maxSdkVersion="28"/>
  <uses-permission-sdk-23 android:name="android.permission.ACCESS_FINE_LOCATION"/>
  <uses-permission-sdk-m android:name="android.permission.RECORD_AUDIO"/>
  <permission android:name="com.example.app.C2D" android:protectionLevel="signature|privileged"/>
  <uses-feature android:name="android.hardware.camera" android:required="false"/>
  <uses-feature android:glEsVersion="0x00020000"/>
  <queries>
    <package android:name="com.tencent.mm"/>
    <intent><action android:name="android.intent.action.VIEW"/><data android:scheme="https"/></intent>
    <provider android:authorities="com.other.provider"/>
  </queries>
  <application android:name=".App" android:debuggable="true" android:allowBackup="false"
      android:usesCleartextTraffic="true" android:networkSecurityConfig="@xml/nsc"
      android:appComponentFactory="androidx.core.app.CoreComponentFactory" tools:replace="android:name">
    <meta-data android:name="UMENG_APPKEY" android:value="abc123"/>
    <activity android:name="Main" android:exported="true">
      <intent-filter>
        <action android:name="android.intent.action.MAIN"/>
        <category android:name="android.intent.category.LAUNCHER"/>
        <data android:scheme="myapp" android:host="open" android:pathPrefix="/x"/>
      </intent-filter>
      <meta-data android:name="com.amap.api.v2.apikey" android:value="k"/>
    </activity>
    <activity-alias android:name=".Alias" android:targetActivity="Main"/>
    <service android:name="com.sdk.PushService" android:process=":push" android:permission="p"/>
    <provider android:name=".Files" android:authorities="a.one;a.two" android:exported="false"/>
    <receiver android:name=".R" android:enabled="false"/>
    <uses-permission android:name="android.permission.MISPLACED"/>
  </application>
  <application android:name=".Second"/>
</manifest>"#;

#[test]
fn hand_written_manifest_model() {
    let (m, doc) = parse_manifest(HAND_WRITTEN.as_bytes()).unwrap();
    assert_eq!(doc.format, SourceFormat::Text);
    assert_eq!(m.package.as_deref(), Some("com.example.app"));
    assert_eq!(m.version_code, Some(NumberOrText::Number(42)));
    assert_eq!(m.version_name.as_deref(), Some("1.2 & more"));
    assert_eq!(m.min_sdk, Some(NumberOrText::Number(21)));
    assert_eq!(m.target_sdk, Some(NumberOrText::Text("Tiramisu".into())));
    let perms: Vec<_> = m
        .uses_permissions
        .iter()
        .map(|p| (p.name.as_str(), p.max_sdk_version.clone(), p.sdk_23_only))
        .collect();
    assert_eq!(
        perms,
        [
            ("android.permission.CAMERA", None, false),
            (
                "android.permission.READ_CONTACTS",
                Some(NumberOrText::Number(28)),
                false
            ),
            ("android.permission.ACCESS_FINE_LOCATION", None, true),
            ("android.permission.RECORD_AUDIO", None, true),
        ]
    );
    assert_eq!(m.uses_permissions[0].line, 7);
    assert_eq!(
        m.permissions[0].protection_level.as_deref(),
        Some("signature|privileged")
    );
    assert_eq!(m.uses_features.len(), 2);
    assert!(!m.uses_features[0].required);
    assert!(m.uses_features[1].required && m.uses_features[1].name.is_none());
    assert_eq!(m.queries.packages, ["com.tencent.mm"]);
    assert_eq!(
        m.queries.intents[0].data[0].scheme.as_deref(),
        Some("https")
    );
    assert_eq!(m.queries.providers, ["com.other.provider"]);

    let app = m.application.as_ref().unwrap();
    assert_eq!(app.name.as_deref(), Some("com.example.app.App"));
    assert_eq!(app.debuggable, Some(true));
    assert_eq!(app.allow_backup, Some(false));
    assert_eq!(app.uses_cleartext_traffic, Some(true));
    assert_eq!(app.network_security_config.as_deref(), Some("@xml/nsc"));
    assert_eq!(
        app.app_component_factory.as_deref(),
        Some("androidx.core.app.CoreComponentFactory")
    );

    let names: Vec<_> = m
        .components
        .iter()
        .map(|c| (c.kind, c.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (ComponentKind::Activity, "com.example.app.Main"),
            (ComponentKind::ActivityAlias, "com.example.app.Alias"),
            (ComponentKind::Service, "com.sdk.PushService"),
            (ComponentKind::Provider, "com.example.app.Files"),
            (ComponentKind::Receiver, "com.example.app.R"),
        ]
    );
    let main = &m.components[0];
    assert_eq!(main.exported, Some(true));
    let data = &main.intent_filters[0].data[0];
    assert_eq!(
        (
            data.scheme.as_deref(),
            data.host.as_deref(),
            data.path.as_deref()
        ),
        (Some("myapp"), Some("open"), Some("/x"))
    );
    assert_eq!(
        m.components[1].target_activity.as_deref(),
        Some("com.example.app.Main")
    );
    assert_eq!(m.components[2].process.as_deref(), Some(":push"));
    assert_eq!(m.components[3].authorities, ["a.one", "a.two"]);
    assert_eq!(m.components[4].enabled, Some(false));

    let meta: Vec<_> = m
        .meta_data
        .iter()
        .map(|d| (d.name.as_str(), d.parent.as_str()))
        .collect();
    assert_eq!(
        meta,
        [
            ("UMENG_APPKEY", "application"),
            ("com.amap.api.v2.apikey", "com.example.app.Main")
        ]
    );
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("<uses-permission> at line 35")),
        "{:?}",
        m.warnings
    );
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("second <application>"))
    );
}

#[test]
fn sniffing_and_errors() {
    assert!(matches!(
        parse_manifest_bytes(&[0x0a, 0x05, 0x01]),
        Err(AxmlError::Protobuf(_))
    ));
    assert!(matches!(
        parse_manifest_bytes(b"PK\x03\x04rest"),
        Err(AxmlError::UnknownFormat(_))
    ));
    assert!(matches!(
        parse_manifest_bytes(b""),
        Err(AxmlError::UnknownFormat(_))
    ));
    let with_bom = [&[0xef, 0xbb, 0xbf][..], b"  <manifest package=\"a.b\"/>"].concat();
    let doc = parse_manifest_bytes(&with_bom).unwrap();
    assert_eq!(doc.elements[0].name, "manifest");
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(
            "<manifest package=\"x.y\"/>"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        )
        .collect();
    let (m, _) = parse_manifest(&utf16).unwrap();
    assert_eq!(m.package.as_deref(), Some("x.y"));
    // Mismatched end names are paired by depth (as Android's parser does for binary XML).
    let doc = parse_text_xml(b"<a><b></a>").unwrap();
    assert_eq!(doc.elements.len(), 2);
    assert!(
        doc.warnings.iter().any(|w| w.contains("not closed")),
        "{:?}",
        doc.warnings
    );
    assert!(matches!(
        parse_text_xml(b"no xml here"),
        Err(AxmlError::TextXml { .. })
    ));
}

#[test]
fn deep_text_nesting_is_capped_without_recursion() {
    let depth = 100_000;
    let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let doc = parse_text_xml(xml.as_bytes()).unwrap();
    assert_eq!(doc.elements.len(), appaudit_axml::MAX_DEPTH);
    assert!(doc.warnings.iter().any(|w| w.contains("nests deeper")));
}
