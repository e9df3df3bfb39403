//! Invariants of the signature database shipped in `sdk-signatures/`.

use std::collections::HashSet;

use appaudit_sdk::{Market, Matcher, RuleKind, SignatureDb};

fn db() -> SignatureDb {
    SignatureDb::builtin().unwrap_or_else(|e| panic!("builtin signatures: {e}"))
}

#[test]
fn builtin_loads_with_enough_sdks() {
    let db = db();
    let total = db.sdks().len();
    let cn = db.sdks().iter().filter(|s| s.market == Market::Cn).count();
    assert!(total >= 200, "only {total} SDKs");
    assert!(cn >= 80, "only {cn} Chinese-market SDKs");
}

#[test]
fn ids_are_unique() {
    let db = db();
    let mut seen = HashSet::new();
    for sdk in db.sdks() {
        assert!(seen.insert(sdk.id.as_str()), "duplicate id {}", sdk.id);
    }
}

#[test]
fn every_data_type_is_in_the_taxonomy() {
    let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
    db().check_data_types(&taxonomy)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Whether `source` is evidence a user can follow: the vendor's page (an `http(s)://` URL, which
/// may be followed by a note in parentheses) or apps' SDK tables (`sdk-list:<file>` or
/// `sdk-list:<file>#L<line>`, several joined by `, `; a hand-written one may carry a note in
/// parentheses).
fn is_data_types_source(source: &str) -> bool {
    let url = |s: &str| {
        ["https://", "http://"].iter().any(|scheme| {
            s.strip_prefix(scheme).is_some_and(|rest| {
                let host = rest.split(['/', ' ', '?', '#']).next().unwrap_or("");
                host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            })
        })
    };
    let sdk_list = |s: &str| {
        s.strip_prefix("sdk-list:").is_some_and(|rest| {
            let (file, note) = rest.split_once(' ').unwrap_or((rest, ""));
            !file.is_empty() && (note.is_empty() || (note.starts_with('(') && note.ends_with(')')))
        })
    };
    url(source) || source.split(", ").all(sdk_list)
}

#[test]
fn data_types_source_check_accepts_urls_and_sdk_lists_only() {
    for good in [
        "https://help.aliyun.com/document_detail/2846024.html",
        "http://www.msa-alliance.cn/col.jsp?id=105 (补充设备标识体系 SDK 隐私说明)",
        "sdk-list:zh/a.md#L3",
        "sdk-list:zh/a.md#L3, sdk-list:b.txt#L9",
        "sdk-list:shared/policies/zh/t.md (推啊)",
    ] {
        assert!(is_data_types_source(good), "{good}");
    }
    for bad in [
        "",
        "vendor docs",
        "https://",
        "https://localhost/x",
        "ftp://example.com/privacy",
        "sdk-list:",
        "sdk-list:zh/a.md#L3, vendor docs",
        "sdk-list:zh/a.md and more",
        "see https://example.com",
    ] {
        assert!(!is_data_types_source(bad), "{bad}");
    }
}

/// Every `data_types` list names its evidence: the vendor's page or the apps' SDK tables
/// (issue #10 §5), never a free-text note.
#[test]
fn every_data_types_source_is_a_url_or_an_sdk_list() {
    let db = db();
    let mut with_types = 0;
    for sdk in db.sdks() {
        if sdk.data_types.is_empty() {
            assert!(
                sdk.data_types_source.is_none(),
                "{}: a `data_types_source` without `data_types`",
                sdk.id
            );
            continue;
        }
        with_types += 1;
        let source = sdk.data_types_source.as_deref().unwrap_or("");
        assert!(
            is_data_types_source(source),
            "{}: `data_types_source` {source:?} is neither an http(s) URL nor sdk-list sources",
            sdk.id
        );
    }
    assert!(with_types > 0, "no entry states data types");
}

#[test]
fn every_rule_names_its_source() {
    let db = db();
    for sdk in db.sdks() {
        for kind in RuleKind::ALL {
            for rule in sdk.rules.of(kind) {
                assert!(
                    sdk.rule_source(rule).is_some(),
                    "{}: {} `{}` has no source",
                    sdk.id,
                    kind.key(),
                    rule.pattern
                );
            }
        }
    }
}

/// The hand-written entries (not the importer's `imported/` files, whose sources carry no such
/// facts) name the vendor's privacy statement and, for Chinese vendors, the legal entity.
#[test]
fn every_ios_sdk_has_ios_rules_and_chinese_vendors_have_legal_names() {
    let db = db();
    for (i, sdk) in db.sdks().iter().enumerate() {
        if db.origin(i).is_some_and(|o| o.starts_with("imported/")) {
            continue;
        }
        assert!(
            !sdk.category.is_data_processing() || sdk.privacy_policy.is_some(),
            "{} processes data but names no `privacy_policy`",
            sdk.id
        );
        if sdk.platforms.contains(&appaudit_sdk::Platform::Ios) {
            assert!(
                !sdk.rules.ios_frameworks.is_empty() || !sdk.rules.objc_class_prefixes.is_empty(),
                "{} ships on iOS without iOS rules",
                sdk.id
            );
        }
        if sdk.market == Market::Cn && sdk.category.is_data_processing() {
            assert!(
                sdk.vendor_zh.is_some(),
                "{} lacks the vendor's Chinese legal name",
                sdk.id
            );
        }
    }
}

/// Every rule of every SDK must find its own SDK (or a family member that legitimately owns a
/// longer rule) when fed its own pattern: nothing is unreachable or stolen by another vendor.
#[test]
fn every_rule_matches_its_own_family() {
    let db = db();
    let matcher = Matcher::new(&db);
    for (i, sdk) in db.sdks().iter().enumerate() {
        for rule in &sdk.rules.java_packages {
            let class = format!("L{}/SomeClass;", rule.pattern.replace('.', "/"));
            let hit = matcher
                .match_class(&class)
                .unwrap_or_else(|| panic!("{}: {class} unmatched", sdk.id));
            assert_eq!(
                hit.sdk,
                i,
                "{}: {class} matched {}",
                sdk.id,
                db.sdks()[hit.sdk].id
            );
        }
        for rule in &sdk.rules.objc_class_prefixes {
            let class = format!("_OBJC_CLASS_$_{}Xyz", rule.pattern);
            let hit = matcher
                .match_objc_class(&class)
                .unwrap_or_else(|| panic!("{}: {class} unmatched", sdk.id));
            assert_eq!(
                db.family_root(hit.sdk),
                db.family_root(i),
                "{}: {class} matched {}",
                sdk.id,
                db.sdks()[hit.sdk].id
            );
        }
        for rule in sdk
            .rules
            .native_libs
            .iter()
            .filter(|r| !r.pattern.contains(['*', '?']))
        {
            let hit = matcher
                .match_native_lib(&format!("lib/arm64-v8a/{}", rule.pattern))
                .expect("own lib");
            assert_eq!(
                hit.sdk,
                i,
                "{}: {} matched {}",
                sdk.id,
                rule.pattern,
                db.sdks()[hit.sdk].id
            );
        }
    }
}

#[test]
fn the_names_policies_use_are_present() {
    let db = db();
    let has_alias =
        |id: &str, alias: &str| db.get(id).is_some_and(|s| s.names().any(|n| n == alias));
    assert!(has_alias("jpush", "极光推送"));
    assert!(has_alias("jcore", "极光"));
    assert!(has_alias("umeng-common", "友盟+"));
    assert!(has_alias("jpush", "深圳市和讯华谷信息技术有限公司"));
    assert!(has_alias("getui-core", "每日互动股份有限公司"));
    assert!(
        db.get("jpush")
            .is_some_and(|s| s.java_packages().any(|p| p == "cn.jpush.android"))
    );
}

/// Regression (issue #10, attribution): call sites in the old or obfuscated package roots of a
/// known SDK fell to "the app" or to a stray entry outside the vendor's family (LibRadar's
/// "Umeng Analysis" for `u.aly` was not Umeng), so a policy naming Umeng still got an
/// undisclosed-SDK finding. Each root must reach the family the policy would name.
#[test]
fn old_and_obfuscated_package_roots_belong_to_their_vendors_family() {
    let db = db();
    let matcher = Matcher::new(&db);
    let cases = [
        ("Lu/aly/bf;", "umeng-common"),
        ("Lcom/mobclick/android/MobclickAgent;", "umeng-common"),
        ("Lcom/aps/amapapi/model/AmapLoc;", "amap"),
        ("Lcom/tencent/wxop/stat/StatService;", "tencent-mta"),
        ("Lcom/tencent/stat/StatService;", "tencent-mta"),
        (
            "Lcom/crashlytics/android/Crashlytics;",
            "google-play-services",
        ),
    ];
    for (class, family) in cases {
        let hit = matcher
            .match_class(class)
            .unwrap_or_else(|| panic!("{class} is named by no SDK"));
        let family_index = db.index_of(family).expect("family exists");
        assert!(
            hit.sdk == family_index || db.is_within(hit.sdk, family_index),
            "{class} is named {}, outside the {family} family",
            db.sdks()[hit.sdk].id
        );
    }
    // Fabric's own kit framework is a library of its own, but never the app's.
    assert!(
        matcher
            .match_class("Lio/fabric/sdk/android/Fabric;")
            .is_some()
    );
}
