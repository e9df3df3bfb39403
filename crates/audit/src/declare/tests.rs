//! Unit tests of the drafts (Play, Apple and the shared settings).

use super::apple::comment_text;
use super::play::{csv_field, play_types};
use super::*;
use appaudit_model::{InputKind, Inventory};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{DataAccess, Taxonomy};
use std::collections::BTreeSet;

#[test]
fn every_taxonomy_play_mapping_names_a_google_type() {
    let t = Taxonomy::builtin().unwrap();
    let mut mapped = 0;
    for dt in &t.data_types {
        if let Some((_, types)) = play_types(&t, &dt.id).unwrap() {
            assert!(!types.is_empty(), "{}", dt.id);
            mapped += 1;
        }
    }
    assert!(mapped > 30, "only {mapped} types mapped");
}

#[test]
fn compound_play_mapping_splits_and_drops_the_remark() {
    let t = Taxonomy::builtin().unwrap();
    let (cat, types) = play_types(&t, "crash_diagnostics").unwrap().unwrap();
    assert_eq!(cat, "App info and performance");
    assert_eq!(
        types,
        ["Crash logs", "Diagnostics", "Other app performance data"]
    );
    let (_, types) = play_types(&t, "call_log").unwrap().unwrap();
    assert_eq!(types, ["Phone number"]);
}

#[test]
fn every_taxonomy_apple_key_is_in_apples_catalogue() {
    let t = Taxonomy::builtin().unwrap();
    let keys: BTreeSet<&str> = t
        .apple
        .collected_data_types
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    assert!(keys.contains("NSPrivacyCollectedDataTypeDeviceID"));
    for dt in &t.data_types {
        for k in &dt.apple_privacy_manifest_types {
            assert!(keys.contains(k.as_str()), "{}: {k}", dt.id);
        }
    }
}

fn inventory(kind: InputKind, access: Vec<DataAccess>) -> Inventory {
    Inventory {
        schema_version: appaudit_model::INVENTORY_SCHEMA_VERSION,
        source: appaudit_model::Source {
            path: "x.apk".to_owned(),
            kind,
            size: 1,
        },
        app: appaudit_model::AppInfo::default(),
        permissions: Vec::new(),
        sdks: Vec::new(),
        configured_sdks: Vec::new(),
        native_libs: Vec::new(),
        components: Vec::new(),
        meta_data: Vec::new(),
        library_markers: Vec::new(),
        data_access: access,
        code_loading: Vec::new(),
        privacy_manifests: Vec::new(),
        required_reason_gaps: Vec::new(),
        required_reason_uses: Vec::new(),
        startup_calls: Vec::new(),
        bundles: Vec::new(),
        stats: appaudit_model::Stats::default(),
        warnings: Vec::new(),
    }
}

fn reader(sdk: Option<&str>, api: &str) -> appaudit_taxonomy::Accessor {
    appaudit_taxonomy::Accessor {
        sdk: sdk.map(str::to_owned),
        apis: vec![api.to_owned()],
        markers: Vec::new(),
        call_sites: vec!["Lx/Y;->z".to_owned()],
        call_site_files: vec!["classes.dex".to_owned()],
        call_site_count: 1,
    }
}

fn access(
    id: &str,
    permissions: &[&str],
    accessors: Vec<appaudit_taxonomy::Accessor>,
) -> DataAccess {
    DataAccess {
        data_type: id.to_owned(),
        name_en: id.to_owned(),
        name_zh: id.to_owned(),
        permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        accessors,
    }
}

#[test]
fn play_rows_merge_types_and_tell_sharing_sdks_from_libraries() {
    let t = Taxonomy::builtin().unwrap();
    let db = SignatureDb::builtin().unwrap();
    let inv = inventory(
        InputKind::Apk,
        vec![
            access(
                "imei",
                &["android.permission.READ_PHONE_STATE"],
                vec![reader(Some("jpush"), "TelephonyManager.getImei")],
            ),
            access(
                "android_id",
                &[],
                vec![reader(None, "Settings$Secure.getString")],
            ),
            access(
                "files_storage",
                &[],
                vec![reader(
                    Some("androidx"),
                    "Environment.getExternalStorageDirectory",
                )],
            ),
            access(
                "coarse_location",
                &["android.permission.ACCESS_COARSE_LOCATION"],
                Vec::new(),
            ),
            access(
                "ip_address",
                &[],
                vec![reader(None, "NetworkInterface.getNetworkInterfaces")],
            ),
        ],
    );
    let d = draft_play(&inv, &t, &db).unwrap();
    let row = |ty: &str| d.data_types.iter().find(|r| r.data_type == ty).unwrap();
    let ids = row("Device or other IDs");
    assert_eq!(ids.sources, ["android_id", "imei"]);
    assert!(ids.collected && ids.shared && ids.app_code);
    assert_eq!(ids.sdks.len(), 1);
    assert_eq!(ids.sdks[0].id, "jpush");
    let files = row("Files and docs");
    assert!(files.collected && !files.shared);
    assert_eq!(files.libraries[0].id, "androidx");
    let coarse = row("Approximate location");
    assert!(!coarse.collected && !coarse.shared);
    assert_eq!(coarse.basis, "permission_only");
    assert_eq!(d.unmapped, ["ip_address"]);
    let csv = render_play_csv(&d);
    assert_eq!(csv.lines().count(), d.data_types.len() + 1);
    assert!(csv.starts_with(&PLAY_CSV_COLUMNS.join(",")));
}

#[test]
fn each_store_refuses_the_other_platform() {
    let t = Taxonomy::builtin().unwrap();
    let db = SignatureDb::builtin().unwrap();
    let ipa = inventory(InputKind::Ipa, Vec::new());
    let err = draft_play(&ipa, &t, &db).unwrap_err().to_string();
    assert!(
        err.contains("x.apk") && err.contains("Android app"),
        "{err}"
    );
    let jar = inventory(InputKind::Jar, Vec::new());
    assert!(draft_play(&jar, &t, &db).is_err());
    let apk = inventory(InputKind::Apk, Vec::new());
    let err = draft_apple(&apk, &t, &db).unwrap_err().to_string();
    assert!(err.contains("iOS app"), "{err}");
}

#[test]
fn apple_draft_renders_a_plist_the_plist_crate_reads() {
    let t = Taxonomy::builtin().unwrap();
    let db = SignatureDb::builtin().unwrap();
    let mut inv = inventory(
        InputKind::Ipa,
        vec![access(
            "idfa",
            &["NSUserTrackingUsageDescription"],
            vec![reader(None, "ASIdentifierManager.advertisingIdentifier")],
        )],
    );
    inv.required_reason_gaps
        .push(appaudit_model::RequiredReasonGap {
            category: "NSPrivacyAccessedAPICategorySystemBootTime".to_owned(),
            binary: "Payload/A.app/A".to_owned(),
            sdk: None,
            evidence: vec!["symbol _mach_absolute_time -- <&>".to_owned()],
        });
    let d = draft_apple(&inv, &t, &db).unwrap();
    assert!(d.tracking, "IDFA read");
    let xml = render_xcprivacy(&d);
    let v: plist::Value = plist::from_bytes(xml.as_bytes()).unwrap();
    let dict = v.as_dictionary().unwrap();
    assert_eq!(dict["NSPrivacyTracking"].as_boolean(), Some(true));
    let apis = dict["NSPrivacyAccessedAPITypes"].as_array().unwrap();
    assert_eq!(
        apis[0].as_dictionary().unwrap()["NSPrivacyAccessedAPIType"].as_string(),
        Some("NSPrivacyAccessedAPICategorySystemBootTime")
    );
    let collected = dict["NSPrivacyCollectedDataTypes"].as_array().unwrap();
    assert_eq!(
        collected[0].as_dictionary().unwrap()["NSPrivacyCollectedDataType"].as_string(),
        Some("NSPrivacyCollectedDataTypeDeviceID")
    );
}

#[test]
fn csv_quotes_commas_and_quotes() {
    let mut s = String::new();
    csv_field(&mut s, "a, \"b\"");
    assert_eq!(s, "\"a, \"\"b\"\"\"");
    let mut s = String::new();
    csv_field(&mut s, "plain");
    assert_eq!(s, "plain");
}

#[test]
fn comment_text_never_holds_a_double_hyphen() {
    assert!(!comment_text("a -- b --- c").contains("--"));
}

#[test]
fn settings_parse() {
    let s = settings().unwrap();
    assert!(s.tracking_categories.iter().any(|c| c == "ads"));
    let t = Taxonomy::builtin().unwrap();
    assert!(!s.play_sdk_categories.is_empty());
    for rule in &s.play_sdk_categories {
        let types = &t.google_play_data_safety.categories[&rule.category];
        assert!(types.contains(&rule.data_type), "{rule:?}");
    }
}
