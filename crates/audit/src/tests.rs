//! Rule semantics on small hand-built inputs. The policy side is read from text written here by the
//! real policy reader, so expectations follow from the text; the app side is an inventory built in code.

use appaudit_model::{
    AppInfo, DetectedSdk, Evidence, InputKind, Inventory, Permission, SdkUsage, Source, Stats,
};
use appaudit_policy::{FormatHint, Lexicon, PolicyReading, read_policy_text};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{Accessor, DataAccess, Taxonomy};

use super::*;

mod necessary;

struct Fixture {
    taxonomy: Taxonomy,
    db: SignatureDb,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            taxonomy: Taxonomy::builtin().unwrap(),
            db: SignatureDb::builtin().unwrap(),
        }
    }

    fn policy(&self, text: &str) -> PolicyReading {
        let lexicon = Lexicon::new(&self.taxonomy, &self.db).unwrap();
        read_policy_text(text, FormatHint::Markdown, &lexicon).expect("a policy text")
    }

    fn run(&self, inv: &Inventory, policy: &PolicyReading, options: &AuditOptions) -> AuditReport {
        audit(
            inv,
            policy,
            Knowledge {
                taxonomy: &self.taxonomy,
                signatures: &self.db,
            },
            options,
        )
    }
}

pub(crate) fn empty_inventory() -> Inventory {
    Inventory {
        schema_version: 1,
        source: Source {
            path: "app.apk".into(),
            kind: InputKind::Apk,
            size: 1,
        },
        app: AppInfo {
            platform: "android",
            package: Some("com.example".into()),
            ..AppInfo::default()
        },
        permissions: Vec::new(),
        sdks: Vec::new(),
        configured_sdks: Vec::new(),
        native_libs: Vec::new(),
        components: Vec::new(),
        meta_data: Vec::new(),
        library_markers: Vec::new(),
        data_access: Vec::new(),
        code_loading: Vec::new(),
        privacy_manifests: Vec::new(),
        required_reason_gaps: Vec::new(),
        startup_calls: Vec::new(),
        bundles: Vec::new(),
        required_reason_uses: Vec::new(),
        stats: Stats::default(),
        warnings: Vec::new(),
    }
}

fn permission(name: &str, protection: &str, data_types: &[&str]) -> Permission {
    Permission {
        name: name.into(),
        protection: serde_json::from_value(serde_json::Value::from(protection))
            .expect("a protection level"),
        data_types: data_types.iter().map(|s| (*s).to_owned()).collect(),
        max_sdk_version: None,
        sdk_23_only: false,
        purpose: None,
        declared_in: "AndroidManifest.xml".into(),
    }
}

fn sdk(id: &str, name: &str, category: &str, status: &'static str) -> DetectedSdk {
    DetectedSdk {
        id: id.into(),
        name: name.into(),
        name_zh: None,
        vendor: "Vendor".into(),
        category: category.into(),
        packages: vec![format!("com.{id}")],
        class_count: 3,
        matched_rules: Vec::new(),
        evidence: vec![Evidence {
            kind: "class".into(),
            location: "classes.dex".into(),
            value: format!("Lcom/{id}/Main;"),
        }],
        usage: SdkUsage {
            status,
            call_sites: if status == "used" {
                vec![format!(
                    "Lcom/example/Main;->onCreate -> Lcom/{id}/Main;->init"
                )]
            } else {
                vec![]
            },
            call_site_files: if status == "used" {
                vec!["classes.dex".to_owned()]
            } else {
                vec![]
            },
            call_count: usize::from(status == "used"),
        },
        documented_data_types: Vec::new(),
        confidence: None,
    }
}

fn access(
    data_type: &str,
    permissions: &[&str],
    readers: &[(Option<&str>, &str, &str)],
) -> DataAccess {
    DataAccess {
        data_type: data_type.into(),
        name_en: data_type.into(),
        name_zh: data_type.into(),
        permissions: permissions.iter().map(|s| (*s).to_owned()).collect(),
        accessors: readers
            .iter()
            .map(|(sdk, api, site)| Accessor {
                sdk: sdk.map(str::to_owned),
                apis: vec![(*api).to_owned()],
                markers: Vec::new(),
                call_sites: vec![(*site).to_owned()],
                call_site_files: vec!["classes2.dex".to_owned()],
                call_site_count: 1,
            })
            .collect(),
    }
}

fn find<'r>(report: &'r AuditReport, rule: RuleId, key: Option<&str>) -> Option<&'r Finding> {
    report.findings.iter().find(|f| {
        f.rule == rule
            && key.is_none_or(|k| {
                f.sdk.as_deref() == Some(k)
                    || f.data_type.as_deref() == Some(k)
                    || f.permission.as_deref() == Some(k)
            })
    })
}

const COMPLETE_POLICY: &str = "# Privacy Policy\n\nLast updated: 2026-01-01\n\n## Contact\nEmail privacy@example.com.\n\
Example Labs Co., Ltd., registered address: 1 Example Road, Shenzhen.\n\n\
## Retention\nWe retain personal information for 12 months, then delete it.\n\n\
## Storage\nData is stored on servers located in mainland China and is not transferred abroad.\n\n\
## Complaints\nSend a complaint to privacy@example.com; we reply within 15 working days.\n\n\
We ask for your separate consent before we read sensitive information.\n\n\
## 中文版\n本政策的简体中文版本与英文版本内容一致，如两者不一致，以中文版本为准。如有任何疑问，请通过上述邮箱与我们联系，我们将在十五个工作日内答复。\n\n\
## Your rights\nYou can access, correct or delete your data and cancel your account.\n\n## Children\nNot for children under 14.\n\n\
## Information we collect\nWe collect device information and your IMEI.\nWe do not collect your contacts.\n\n\
## Third-party SDKs\n| SDK | Purpose | Data collected |\n| --- | --- | --- |\n| JPush (cn.jpush) | push notifications | IMEI |\n";

#[test]
fn demo_like_app_gets_each_data_rule_with_the_right_class() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut inv = empty_inventory();
    inv.permissions = vec![
        permission(
            "android.permission.READ_CONTACTS",
            "dangerous",
            &["contacts"],
        ),
        permission(
            "android.permission.READ_PHONE_STATE",
            "dangerous",
            &["imei", "imsi"],
        ),
    ];
    inv.sdks = vec![
        sdk("jpush", "JPush", "push", "used"),
        sdk("umeng-common", "Umeng Common", "analytics", "used"),
    ];
    inv.data_access = vec![
        access(
            "imei",
            &["android.permission.READ_PHONE_STATE"],
            &[(
                Some("jpush"),
                "TelephonyManager.getDeviceId",
                "Lcn/jpush/A;->a",
            )],
        ),
        access(
            "imsi",
            &["android.permission.READ_PHONE_STATE"],
            &[(
                Some("jpush"),
                "TelephonyManager.getSubscriberId",
                "Lcn/jpush/A;->b",
            )],
        ),
        access(
            "clipboard",
            &[],
            &[(
                None,
                "ClipboardManager.getPrimaryClip",
                "Lcom/example/P;->paste",
            )],
        ),
        access("contacts", &["android.permission.READ_CONTACTS"], &[]),
    ];
    let report = fx.run(&inv, &policy, &AuditOptions::default());

    // Umeng is not named anywhere in the text; JPush is (row with cn.jpush).
    let umeng =
        find(&report, RuleId::SdkUndisclosed, Some("umeng-common")).expect("umeng undisclosed");
    assert_eq!(umeng.severity, Severity::High);
    assert!(umeng.policy_evidence[0].kind == "not_mentioned");
    assert!(find(&report, RuleId::SdkUndisclosed, Some("jpush")).is_none());

    // Clipboard: no word for it in the text, and "device information" is its hypernym → vague, not omitted.
    let clip = report
        .disclosures
        .iter()
        .find(|d| d.data_type == "clipboard")
        .unwrap();
    assert_eq!(clip.disclosure, Disclosure::Vague);
    assert!(find(&report, RuleId::DataVague, Some("clipboard")).is_some());

    // IMEI is named precisely, and in JPush's row → clear everywhere, no finding.
    let imei = report
        .disclosures
        .iter()
        .find(|d| d.data_type == "imei")
        .unwrap();
    assert_eq!(imei.disclosure, Disclosure::Clear);
    // Only the CN-N03 rule still has something to say: the row gives IMEI for push, not for security.
    assert!(find(&report, RuleId::NonResettableId, Some("imei")).is_some());
    assert!(
        report
            .findings
            .iter()
            .filter(|f| f.rule != RuleId::NonResettableId)
            .all(|f| f.data_type.as_deref() != Some("imei"))
    );

    // IMSI: only "device information" covers it; JPush's row lists IMEI only → AA104 (vague/omitted for the row).
    let imsi_row = find(&report, RuleId::SdkDataUnlisted, Some("jpush")).expect("jpush imsi");
    assert_eq!(imsi_row.data_type.as_deref(), Some("imsi"));
    assert!(imsi_row.policy_evidence.iter().any(|e| e.line.is_some()));

    // Contacts: "We do not collect your contacts." + READ_CONTACTS → incorrect (permission only → one step lower).
    let contacts =
        find(&report, RuleId::StatementContradicted, Some("contacts")).expect("contradiction");
    assert_eq!(contacts.disclosure, Some(Disclosure::Incorrect));
    assert_eq!(contacts.severity, Severity::Medium);
    assert!(
        contacts.policy_evidence[0]
            .quote
            .as_deref()
            .unwrap()
            .contains("do not collect")
    );
    assert!(
        contacts
            .app_evidence
            .iter()
            .any(|e| e.value == "android.permission.READ_CONTACTS")
    );

    // No permission statement at all → both dangerous permissions lack a purpose.
    assert!(
        find(
            &report,
            RuleId::PermissionNoPurpose,
            Some("android.permission.READ_CONTACTS")
        )
        .is_some()
    );
    // Structure is complete.
    for rule in [
        RuleId::PolicyNoContact,
        RuleId::PolicyNoUserRights,
        RuleId::PolicyNoChildrenSection,
        RuleId::PolicyNoUpdateDate,
    ] {
        assert!(find(&report, rule, None).is_none(), "{rule}");
    }
    assert_eq!(report.verdict, Verdict::Fail);
}

#[test]
fn bundled_but_uncalled_sdk_weighs_less() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut inv = empty_inventory();
    inv.sdks = vec![
        sdk(
            "tencent-bugly",
            "Tencent Bugly",
            "crash_reporting",
            "present",
        ),
        sdk("umeng-common", "Umeng", "analytics", "used"),
    ];
    let report = fx.run(&inv, &policy, &AuditOptions::default());
    let bugly = find(&report, RuleId::SdkUndisclosed, Some("tencent-bugly")).unwrap();
    let umeng = find(&report, RuleId::SdkUndisclosed, Some("umeng-common")).unwrap();
    assert!(
        bugly.severity < umeng.severity,
        "{:?} vs {:?}",
        bugly.severity,
        umeng.severity
    );
    assert!(bugly.message.contains("never called"));
}

#[test]
fn utility_libraries_that_read_nothing_are_not_sdk_findings() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut inv = empty_inventory();
    inv.sdks = vec![sdk("okhttp", "OkHttp", "utility", "used")];
    let report = fx.run(&inv, &policy, &AuditOptions::default());
    assert!(find(&report, RuleId::SdkUndisclosed, None).is_none());
    assert!(find(&report, RuleId::PolicyNoSdkList, None).is_none());
}

#[test]
fn stale_policy_entries_are_informational() {
    let fx = Fixture::new();
    // Names JPush and call logs; the app has neither.
    let policy =
        fx.policy("# Policy\nWe use JPush (cn.jpush) for push. We collect your call logs.\n");
    let report = fx.run(&empty_inventory(), &policy, &AuditOptions::default());
    let sdk = find(&report, RuleId::SdkNotFound, Some("jpush")).expect("jpush not found");
    assert_eq!(sdk.severity, Severity::Info);
    assert_eq!(sdk.policy_evidence[0].line, Some(2));
    let data = find(&report, RuleId::DataNotFound, Some("call_log")).expect("call log not found");
    assert_eq!(data.severity, Severity::Info);
}

#[test]
fn structure_gaps_are_reported_with_section_missing_evidence() {
    let fx = Fixture::new();
    let policy = fx.policy("We value your privacy.\n");
    let mut inv = empty_inventory();
    inv.sdks = vec![sdk("umeng-common", "Umeng", "analytics", "used")];
    let report = fx.run(&inv, &policy, &AuditOptions::default());
    for rule in [
        RuleId::PolicyNoSdkList,
        RuleId::PolicyNoContact,
        RuleId::PolicyNoUserRights,
        RuleId::PolicyNoAccountCancellation,
        RuleId::PolicyNoChildrenSection,
        RuleId::PolicyNoUpdateDate,
    ] {
        let f = find(&report, rule, None).unwrap_or_else(|| panic!("{rule} missing"));
        assert_eq!(f.policy_evidence[0].kind, "section_missing");
    }
}

#[test]
fn permission_with_a_stated_purpose_is_not_reported() {
    let fx = Fixture::new();
    let policy = fx.policy(
        "# Permissions\n| Permission | Purpose |\n| --- | --- |\n| Camera | to scan QR codes |\n",
    );
    let mut inv = empty_inventory();
    inv.permissions = vec![
        permission("android.permission.CAMERA", "dangerous", &["camera"]),
        permission(
            "android.permission.RECORD_AUDIO",
            "dangerous",
            &["microphone"],
        ),
        permission("android.permission.INTERNET", "normal", &[]),
    ];
    let report = fx.run(&inv, &policy, &AuditOptions::default());
    assert!(
        find(
            &report,
            RuleId::PermissionNoPurpose,
            Some("android.permission.CAMERA")
        )
        .is_none()
    );
    assert!(
        find(
            &report,
            RuleId::PermissionNoPurpose,
            Some("android.permission.RECORD_AUDIO")
        )
        .is_some()
    );
    assert!(
        find(
            &report,
            RuleId::PermissionNoPurpose,
            Some("android.permission.INTERNET")
        )
        .is_none()
    );
}

#[test]
fn severity_overrides_waivers_and_expiry() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut inv = empty_inventory();
    inv.sdks = vec![
        sdk("umeng-common", "Umeng", "analytics", "used"),
        sdk("tencent-bugly", "Bugly", "crash_reporting", "used"),
    ];
    let config = Config::parse(
        "appaudit.toml",
        r#"
fail_on = "medium"
[severity]
AA101 = "low"
[[waiver]]
rule = "AA101"
sdk = "umeng-common"
reason = "listed on the linked SDK page"
expires = "2030-01-01"
[[waiver]]
rule = "sdk-undisclosed"
sdk = "tencent-bugly"
reason = "old waiver"
expires = "2020-01-01"
[[waiver]]
rule = "AA106"
reason = "matches nothing"
"#,
    )
    .unwrap();
    let mut options = AuditOptions {
        today: Date::parse("2026-06-01").unwrap(),
        ..AuditOptions::default()
    };
    options.apply_config(&config, false);
    let report = fx.run(&inv, &policy, &options);
    assert_eq!(report.fail_on, Severity::Medium);
    assert_eq!(report.waived.len(), 1);
    assert_eq!(
        report.waived[0].finding.sdk.as_deref(),
        Some("umeng-common")
    );
    let bugly = find(&report, RuleId::SdkUndisclosed, Some("tencent-bugly"))
        .expect("expired waiver no longer applies");
    assert_eq!(bugly.severity, Severity::Low);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("expired on 2020-01-01"))
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("AA106") && n.contains("matched no finding"))
    );
    // Only a low finding left (AA101 lowered to low), gate at medium → pass.
    assert_eq!(report.verdict, Verdict::Pass, "{:#?}", report.findings);
    assert_eq!(report.summary.waived, 1);
}

#[test]
fn empty_inputs_end_cleanly() {
    let fx = Fixture::new();
    // An empty file is refused as "not a policy" by the reader; the least it reads is one
    // sentence that declares nothing.
    let policy = fx.policy("We value your privacy.");
    let report = fx.run(&empty_inventory(), &policy, &AuditOptions::default());
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule.code().starts_with("AA2"))
    );
}

#[test]
fn sarif_fingerprints_are_stable_and_distinct() {
    let fx = Fixture::new();
    let policy = fx.policy(COMPLETE_POLICY);
    let mut inv = empty_inventory();
    inv.sdks = vec![
        sdk("umeng-common", "Umeng", "analytics", "used"),
        sdk("tencent-bugly", "Bugly", "crash_reporting", "used"),
    ];
    let a = fx.run(&inv, &policy, &AuditOptions::default());
    let b = fx.run(&inv, &policy, &AuditOptions::default());
    let fa: Vec<String> = a
        .findings
        .iter()
        .map(|f| crate::fingerprint::fingerprint(f, "app.apk"))
        .collect();
    let fb: Vec<String> = b
        .findings
        .iter()
        .map(|f| crate::fingerprint::fingerprint(f, "app.apk"))
        .collect();
    assert_eq!(fa, fb);
    let unique: std::collections::BTreeSet<_> = fa.iter().collect();
    assert_eq!(unique.len(), fa.len());
}

#[test]
fn a_broad_term_defined_by_a_closed_list_covers_only_the_list() {
    let fx = Fixture::new();
    let mut inv = empty_inventory();
    inv.data_access = vec![access(
        "clipboard",
        &[],
        &[(
            None,
            "ClipboardManager.getPrimaryClip",
            "Lcom/example/P;->paste",
        )],
    )];
    let class = |text: &str| {
        let report = fx.run(&inv, &fx.policy(text), &AuditOptions::default());
        report
            .disclosures
            .iter()
            .find(|d| d.data_type == "clipboard")
            .map(|d| d.disclosure)
    };
    // The demo policy's wording: a parenthesised, closed list of what "device information" means here.
    assert_eq!(
        class("We collect device information (device model, operating system version).\n"),
        Some(Disclosure::Omitted)
    );
    // Open lists keep the broad term broad.
    assert_eq!(
        class("We collect device information (such as device model, operating system version).\n"),
        Some(Disclosure::Vague)
    );
    assert_eq!(
        class("我们收集设备信息（设备型号、操作系统版本等）。\n"),
        Some(Disclosure::Vague)
    );
    // No list at all.
    assert_eq!(
        class("We collect device information.\n"),
        Some(Disclosure::Vague)
    );
}

#[test]
fn every_truncation_of_a_policy_audits_without_panic() {
    let fx = Fixture::new();
    let lexicon = Lexicon::new(&fx.taxonomy, &fx.db).unwrap();
    let mut inv = empty_inventory();
    inv.permissions = vec![permission(
        "android.permission.READ_CONTACTS",
        "dangerous",
        &["contacts"],
    )];
    inv.sdks = vec![
        sdk("jpush", "JPush", "push", "used"),
        sdk("umeng-common", "Umeng", "analytics", "present"),
    ];
    inv.data_access = vec![
        access(
            "imei",
            &[],
            &[(
                Some("jpush"),
                "TelephonyManager.getDeviceId",
                "Lcn/jpush/A;->a",
            )],
        ),
        access("contacts", &["android.permission.READ_CONTACTS"], &[]),
        access(
            "clipboard",
            &[],
            &[(None, "ClipboardManager.getPrimaryClip", "Lx;->y")],
        ),
    ];
    let text = format!(
        "{COMPLETE_POLICY}We collect device information (device model, OS version.\n（设备信息（型号"
    );
    for (cut, _) in text.char_indices() {
        // Too short a prefix is refused as "not a policy"; the rest must audit cleanly.
        let Ok(policy) = read_policy_text(&text[..cut], FormatHint::Markdown, &lexicon) else {
            continue;
        };
        let report = fx.run(&inv, &policy, &AuditOptions::default());
        for f in &report.findings {
            assert!(
                !f.message.is_empty() && !f.policy_evidence.is_empty(),
                "cut {cut}: {f:?}"
            );
        }
    }
}

// ---- the Chinese rule pack -------------------------------------------------------------------

fn rules_of(report: &AuditReport) -> BTreeSet<&'static str> {
    report.findings.iter().map(|f| f.rule.code()).collect()
}

use std::collections::BTreeSet;

#[test]
fn complete_policy_passes_every_policy_text_rule() {
    let fx = Fixture::new();
    let report = fx.run(
        &empty_inventory(),
        &fx.policy(COMPLETE_POLICY),
        &AuditOptions::default(),
    );
    let got = rules_of(&report);
    for id in [
        "AA207", "AA208", "AA209", "AA210", "AA212", "AA213", "AA214", "AA215",
    ] {
        assert!(!got.contains(id), "{id}: {:#?}", report.findings);
    }
}

#[test]
fn a_bare_policy_misses_each_policy_text_rule_with_section_evidence() {
    let fx = Fixture::new();
    let text = "# Terms of use\n\nWe collect your location.\n\n## Children\nKids are welcome.\n";
    let report = fx.run(
        &empty_inventory(),
        &fx.policy(text),
        &AuditOptions::default(),
    );
    let got = rules_of(&report);
    for id in [
        "AA208", "AA209", "AA210", "AA212", "AA213", "AA214", "AA215",
    ] {
        assert!(got.contains(id), "{id} missing: {got:?}");
    }
    for f in report.findings.iter().filter(|f| f.rule.code() > "AA206") {
        assert!(
            !f.policy_evidence.is_empty() && !f.app_evidence.is_empty(),
            "{f:?}"
        );
        assert!(f.cn_rules.iter().all(|c| c.starts_with("CN-")), "{f:?}");
    }
    // With the cn profile off, none of them is reported.
    let apple = fx.run(
        &empty_inventory(),
        &fx.policy(text),
        &AuditOptions {
            profile: Some(Profile::Apple),
            ..AuditOptions::default()
        },
    );
    assert!(!rules_of(&apple).contains("AA208"));
}

#[test]
fn open_lists_need_a_data_type_next_to_the_open_word() {
    let fx = Fixture::new();
    let text = "# 隐私政策\n\n我们会收集您的设备信息，包括IMEI、Android ID等。\n\n\
                当您使用预约（例如追番）、商品上线（例如票务预订、手办预定）提醒功能时我们将访问您的设备日历相关权限。\n\n\
                我们收集您的设备信息（例如IMEI、IMSI）。\n";
    let policy = fx.policy(text);
    let report = fx.run(&empty_inventory(), &policy, &AuditOptions::default());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == RuleId::PolicyOpenDataList)
        .expect("AA207");
    let lines: Vec<usize> = f.policy_evidence.iter().filter_map(|e| e.line).collect();
    // Line 3 ends its list in 等 right after "Android ID"; line 7 opens it with 例如 before IMEI;
    // line 5's 例如 introduces features (追番, 票务预订; the bilibili policy's line 178), not data.
    assert_eq!(lines, [3, 7], "{f:#?}");
}

#[test]
fn non_resettable_ids_need_a_security_purpose_on_their_line() {
    let fx = Fixture::new();
    let mut inv = empty_inventory();
    inv.data_access = vec![access(
        "imei",
        &[],
        &[(None, "TelephonyManager.getImei", "Lcom/example/A;->id")],
    )];
    let plain = fx.policy("# Privacy Policy\n\nWe collect your IMEI for statistics.\n");
    let report = fx.run(&inv, &plain, &AuditOptions::default());
    let f = find(&report, RuleId::NonResettableId, Some("imei")).expect("AA111");
    assert_eq!(f.policy_evidence[0].line, Some(3));
    let secured = fx.policy("# 隐私政策\n\n为了账号安全与风控，我们会收集您的IMEI。\n");
    let report = fx.run(&inv, &secured, &AuditOptions::default());
    assert!(find(&report, RuleId::NonResettableId, Some("imei")).is_none());
}

#[test]
fn manifest_rules_self_start_special_permissions_and_target_sdk() {
    let fx = Fixture::new();
    let mut inv = empty_inventory();
    inv.app.target_sdk = Some("22".into());
    inv.components = vec![
        appaudit_model::Component {
            kind: "receiver".into(),
            name: "cn.jpush.android.service.PushReceiver".into(),
            exported: Some(true),
            actions: vec![
                "android.intent.action.USER_PRESENT".into(),
                "cn.jpush.android.intent.NOTIFICATION_RECEIVED".into(),
            ],
            sdk: Some("jpush".into()),
        },
        appaudit_model::Component {
            kind: "receiver".into(),
            name: "com.example.Boot".into(),
            exported: Some(false),
            actions: vec!["android.intent.action.BOOT_COMPLETED".into()],
            sdk: None,
        },
        appaudit_model::Component {
            kind: "service".into(),
            name: "cn.jpush.android.service.DaemonService".into(),
            exported: Some(true),
            actions: vec!["cn.jpush.android.intent.DaemonService".into()],
            sdk: Some("jpush".into()),
        },
        appaudit_model::Component {
            kind: "service".into(),
            name: "com.example.Reader".into(),
            exported: Some(true),
            actions: vec!["android.accessibilityservice.AccessibilityService".into()],
            sdk: None,
        },
    ];
    let report = fx.run(
        &inv,
        &fx.policy("# Privacy Policy\n\nWe collect nothing.\n"),
        &AuditOptions::default(),
    );
    let self_start: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::SelfStart)
        .collect();
    assert_eq!(self_start.len(), 2, "one per owner");
    let jpush = self_start
        .iter()
        .find(|f| f.sdk.as_deref() == Some("jpush"))
        .unwrap();
    assert!(jpush.app_evidence[0].value.contains("USER_PRESENT"));
    assert!(
        !jpush.app_evidence[0]
            .value
            .contains("NOTIFICATION_RECEIVED")
    );
    let a11y = find(&report, RuleId::SpecialPermission, None).expect("AA112");
    assert!(a11y.app_evidence[0].value.contains("com.example.Reader"));
    assert_eq!(
        a11y.severity,
        RuleId::SpecialPermission.info().default_severity
    );
    let target = find(&report, RuleId::TargetSdkLow, None).expect("AA113");
    assert_eq!(
        target.severity,
        Severity::Low,
        "below 23: the rule's own severity"
    );
    // The policy explaining self-start and accessibility silences AA110 and lowers AA112.
    let explained = fx.policy(
        "# 隐私政策\n\n推送服务需要自启动以接收消息。我们使用无障碍服务为视障用户朗读页面。\n",
    );
    let report = fx.run(&inv, &explained, &AuditOptions::default());
    assert!(find(&report, RuleId::SelfStart, None).is_none());
    assert_eq!(
        find(&report, RuleId::SpecialPermission, None)
            .unwrap()
            .severity,
        RuleId::SpecialPermission.info().default_severity.lowered()
    );
}

#[test]
fn hot_fix_sdks_and_ads_need_their_statements() {
    let fx = Fixture::new();
    let mut inv = empty_inventory();
    inv.sdks = vec![
        sdk("tencent-tinker", "Tencent Tinker", "utility", "used"),
        sdk("pangle", "Pangle", "ads", "used"),
    ];
    let report = fx.run(
        &inv,
        &fx.policy("# Privacy Policy\n\nWe show ads.\n"),
        &AuditOptions::default(),
    );
    assert!(find(&report, RuleId::HotUpdate, Some("tencent-tinker")).is_some());
    let ads = find(&report, RuleId::PolicyNoAdsOptOut, None).expect("AA211");
    assert!(
        ads.app_evidence
            .iter()
            .any(|e| e.sdk.as_deref() == Some("pangle"))
    );
    let told =
        fx.policy("# 隐私政策\n\n我们使用热修复SDK修复缺陷。您可以在设置中关闭个性化推荐广告。\n");
    let report = fx.run(&inv, &told, &AuditOptions::default());
    assert!(find(&report, RuleId::HotUpdate, None).is_none());
    assert!(find(&report, RuleId::PolicyNoAdsOptOut, None).is_none());
}

#[test]
fn sdk_rows_without_purpose_or_types_and_sensitive_reads_without_separate_consent() {
    let fx = Fixture::new();
    let mut inv = empty_inventory();
    inv.sdks = vec![sdk("jpush", "JPush", "push", "used")];
    inv.permissions = vec![permission(
        "android.permission.READ_CONTACTS",
        "dangerous",
        &["contacts"],
    )];
    inv.data_access = vec![access(
        "contacts",
        &["android.permission.READ_CONTACTS"],
        &[(None, "ContentResolver.query", "Lcom/example/A;->friends")],
    )];
    let text = "# 隐私政策\n\n## 第三方SDK列表\n| SDK名称 | 公司 |\n| --- | --- |\n| 极光推送 (cn.jpush) | 深圳市和讯华谷信息技术有限公司 |\n";
    let report = fx.run(&inv, &fx.policy(text), &AuditOptions::default());
    // The reader takes line 6 as JPush's SDK-list row, with a company but no purpose and no data types.
    let m = fx
        .policy(text)
        .sdks
        .into_iter()
        .find(|m| m.sdk_id.as_deref() == Some("jpush"))
        .expect("JPush row");
    assert!(m.in_sdk_list && m.purpose.is_none() && m.data_types.is_empty());
    let f = find(&report, RuleId::PolicySdkRowIncomplete, Some("jpush")).expect("AA216");
    assert_eq!(f.policy_evidence[0].line, Some(6));
    assert!(
        f.message.contains("no purpose and no data types"),
        "{}",
        f.message
    );
    let f = find(&report, RuleId::SensitiveNoSeparateConsent, None).expect("AA115");
    assert!(f.message.contains("contacts"), "{}", f.message);
    let consent = fx.policy("# 隐私政策\n\n读取通讯录前，我们会征得您的单独同意。\n");
    let report = fx.run(&inv, &consent, &AuditOptions::default());
    assert!(find(&report, RuleId::SensitiveNoSeparateConsent, None).is_none());
}

/// Caught on the Firefox and Xiaomi policies: "IP address" / "MAC地址" counted as the operator's address, and
/// Xiaomi's unlabelled street address (…中路 33 号院 6 号楼…, 邮政编码 100085) did not.
#[test]
fn regression_data_type_addresses_are_not_the_operator_address() {
    let fx = Fixture::new();
    let ip_only = "# Privacy Policy\n\nExample Labs Ltd. collects your IP address and MAC地址.\n";
    let report = fx.run(
        &empty_inventory(),
        &fx.policy(ip_only),
        &AuditOptions::default(),
    );
    let f = find(&report, RuleId::PolicyNoOperatorIdentity, None).expect("AA213");
    assert!(
        f.message.contains("no registered or office address"),
        "{}",
        f.message
    );
    let street = "# 隐私政策\n\n**小米通讯技术有限公司**北京市海淀区西二旗中路 33 号院 6 号楼 9 层 019 号, 邮政编码 100085\n";
    let report = fx.run(
        &empty_inventory(),
        &fx.policy(street),
        &AuditOptions::default(),
    );
    assert!(find(&report, RuleId::PolicyNoOperatorIdentity, None).is_none());
}
