//! AA117 collection-beyond-necessary-scope on hand-built inventories: which reads are beyond the
//! declared service type's necessary PI (常见类型App必要个人信息范围规定 第五条), and that nothing is
//! reported without `--app-type`.

use std::collections::BTreeSet;

use super::*;

fn options(app_type: Option<&str>) -> AuditOptions {
    AuditOptions {
        app_type: app_type.map(|t| ServiceType::lookup(t).expect("a service type")),
        ..AuditOptions::default()
    }
}

/// An app whose own code reads precise location and the phone number, and whose push SDK reads the IMEI.
fn reader_app() -> Inventory {
    let mut inv = empty_inventory();
    inv.sdks.push(sdk("jpush", "JPush", "push", "used"));
    inv.data_access = vec![
        access(
            "precise_location",
            &["android.permission.ACCESS_FINE_LOCATION"],
            &[(
                None,
                "LocationManager.getLastKnownLocation",
                "Lcom/example/Map;->locate",
            )],
        ),
        access(
            "phone_number",
            &["android.permission.READ_PHONE_NUMBERS"],
            &[(
                None,
                "TelephonyManager.getLine1Number",
                "Lcom/example/Login;->prefill",
            )],
        ),
        access(
            "imei",
            &["android.permission.READ_PHONE_STATE"],
            &[(
                Some("jpush"),
                "TelephonyManager.getImei",
                "Lcn/jpush/Core;->device",
            )],
        ),
        // Granted by a permission only, never read in code: not an AA117 subject.
        access("camera", &["android.permission.CAMERA"], &[]),
    ];
    inv.permissions = vec![
        permission(
            "android.permission.ACCESS_FINE_LOCATION",
            "dangerous",
            &["precise_location"],
        ),
        permission(
            "android.permission.READ_PHONE_NUMBERS",
            "dangerous",
            &["phone_number"],
        ),
        permission(
            "android.permission.READ_PHONE_STATE",
            "dangerous",
            &["imei"],
        ),
        permission("android.permission.CAMERA", "dangerous", &["camera"]),
    ];
    inv
}

fn beyond(report: &AuditReport) -> BTreeSet<&str> {
    report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::BeyondNecessaryScope)
        .filter_map(|f| f.data_type.as_deref())
        .collect()
}

#[test]
fn without_an_app_type_aa117_is_not_checked() {
    let fx = Fixture::new();
    let report = fx.run(&reader_app(), &fx.policy(COMPLETE_POLICY), &options(None));
    assert!(beyond(&report).is_empty());
    assert_eq!(report.app_type, None);
    assert!(RuleId::BeyondNecessaryScope.needs_app_type());
    assert!(!RuleId::StartupCollectionUnguarded.needs_app_type());
}

#[test]
fn a_no_pi_type_reports_every_data_type_read_in_code() {
    let fx = Fixture::new();
    let report = fx.run(
        &reader_app(),
        &fx.policy(COMPLETE_POLICY),
        &options(Some("实用工具")),
    );
    assert_eq!(report.app_type.as_deref(), Some("utility_tools"));
    assert_eq!(
        beyond(&report),
        BTreeSet::from(["imei", "phone_number", "precise_location"])
    );
    let imei = find(&report, RuleId::BeyondNecessaryScope, Some("imei")).expect("IMEI");
    assert_eq!(imei.severity, Severity::Low);
    assert!(imei.message.contains("JPush"), "{}", imei.message);
    assert!(
        imei.message.contains("第五条（三十八）"),
        "{}",
        imei.message
    );
    assert!(
        imei.app_evidence
            .iter()
            .any(|e| e.value == "Lcn/jpush/Core;->device" && e.sdk.as_deref() == Some("jpush"))
    );
    // The policy names the IMEI: its statement is quoted; it says nothing of precise location.
    assert!(imei.policy_evidence.iter().any(|e| e.quote.is_some()));
    let location = find(
        &report,
        RuleId::BeyondNecessaryScope,
        Some("precise_location"),
    )
    .unwrap();
    assert!(location.message.contains("the app's own code"));
    assert!(location.regulations.iter().any(|c| c.contains("第四条")));
    assert_eq!(location.cn_rules, ["CN-N01"]);
}

#[test]
fn necessary_data_of_the_type_is_not_reported() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    // 地图导航: location is necessary; the phone number and IMEI are not.
    let map = fx.run(&reader_app(), &policy, &options(Some("地图导航类")));
    assert_eq!(beyond(&map), BTreeSet::from(["imei", "phone_number"]));
    // 网络约车: phone number and location are necessary.
    let ride = fx.run(&reader_app(), &policy, &options(Some("ride_hailing")));
    assert_eq!(beyond(&ride), BTreeSet::from(["imei"]));
}

#[test]
fn the_cn_profile_keeps_aa117_and_apple_drops_it() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut apple = options(Some("utility_tools"));
    apple.profile = Some(Profile::Apple);
    assert!(beyond(&fx.run(&reader_app(), &policy, &apple)).is_empty());
    let mut cn = options(Some("utility_tools"));
    cn.profile = Some(Profile::Cn);
    assert_eq!(beyond(&fx.run(&reader_app(), &policy, &cn)).len(), 3);
}
