//! The audit reporters on audits of small hand-built inputs (the inputs of
//! `crates/audit/src/tests.rs`): every format renders, hostile text never becomes markup.

use appaudit_audit::{AuditOptions, AuditReport, Finding, Knowledge, RuleId, audit};
use appaudit_model::{
    AppInfo, DetectedSdk, Evidence, InputKind, Inventory, Permission, SdkUsage, Source, Stats,
};
use appaudit_policy::{FormatHint, Lexicon, PolicyReading, read_policy_text};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{Accessor, DataAccess, Taxonomy};

use super::{Format, render};

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

fn empty_inventory() -> Inventory {
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
        required_reason_uses: Vec::new(),
        startup_calls: Vec::new(),
        bundles: Vec::new(),
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
fn empty_inputs_render_in_every_format() {
    let fx = Fixture::new();
    // An empty file is refused as "not a policy" by the reader; the least it reads is one
    // sentence that declares nothing.
    let policy = fx.policy("We value your privacy.");
    let report = fx.run(&empty_inventory(), &policy, &AuditOptions::default());
    for format in [
        Format::Terminal,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
    ] {
        assert!(!render(format, true, &report).unwrap().is_empty());
    }
}

#[test]
fn reports_escape_hostile_text() {
    let fx = Fixture::new();
    let policy = fx.policy(
        "We do not collect your contacts <script>alert(1)</script> </script><img onerror=alert(2)> | x\n",
    );
    let mut inv = empty_inventory();
    inv.source.path = "a<b>.apk".into();
    inv.permissions = vec![permission(
        "android.permission.READ_CONTACTS",
        "dangerous",
        &["contacts"],
    )];
    inv.data_access = vec![access(
        "contacts",
        &["android.permission.READ_CONTACTS"],
        &[(None, "ContentResolver.query", "Lx/<img>;->a")],
    )];
    let report = fx.run(&inv, &policy, &AuditOptions::default());
    assert!(find(&report, RuleId::StatementContradicted, Some("contacts")).is_some());
    let html = render(Format::Html, false, &report).unwrap();
    // The page's own filter script is the only script; nothing hostile becomes markup.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert_eq!(html.matches("</script>").count(), 1, "{html}");
    assert!(
        !html.contains("<img")
            && !html.contains("a<b>")
            && !html.contains("<q>We do not collect your contacts <")
    );
    assert!(html.contains("&lt;img&gt;") && html.contains("a&lt;b&gt;.apk"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
    let md = render(Format::Markdown, false, &report).unwrap();
    assert!(!md.contains("<script>"));
    let text = render(Format::Terminal, false, &report).unwrap();
    assert!(!text.contains('\x1b'));
    assert!(
        render(Format::Terminal, true, &report)
            .unwrap()
            .contains('\x1b')
    );
}

#[test]
fn every_truncation_of_a_policy_renders_without_panic() {
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
        let _ = render(Format::Html, false, &report).unwrap();
    }
}
