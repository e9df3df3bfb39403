//! Merging the partial facts into the [`Inventory`]: identity, permissions, components,
//! SDKs and their evidence.

use std::collections::BTreeSet;

use super::{Facts, own_package::OwnPackage};
use crate::Engine;
use crate::model::{self, InputKind, Inventory};
use crate::sdk_facts::{configured_sdks, detected_sdks, reattribute, resolve};

/// Merges manifest facts and SDK accumulators into the inventory.
pub(super) fn finish(
    engine: &Engine,
    name: &str,
    size: u64,
    kind: InputKind,
    mut facts: Facts<'_>,
) -> Inventory {
    let mut app = model::AppInfo {
        platform: "android",
        ..Default::default()
    };
    let mut permissions = Vec::new();
    let mut components = Vec::new();
    let mut meta_data = Vec::new();
    let manifests: Vec<(String, appaudit_axml::Manifest)> = facts
        .manifest
        .take()
        .into_iter()
        .chain(std::mem::take(&mut facts.extra_manifests))
        .collect();
    let mut seen_permissions = BTreeSet::new();
    // Only an app (not an SDK's own AAR or JAR) has a package of its own to leave out.
    let own = matches!(kind, InputKind::Apk | InputKind::Aab | InputKind::SplitApks)
        .then(|| manifests.first().and_then(|(_, m)| m.package.as_deref()))
        .flatten()
        .and_then(OwnPackage::new);
    for (i, (location, m)) in manifests.iter().enumerate() {
        if i == 0 {
            app.package = m.package.clone();
            app.version_name = m.version_name.clone();
            app.version_code = m.version_code.as_ref().map(render_number);
            app.min_sdk = m.min_sdk.as_ref().map(render_number);
            app.target_sdk = m.target_sdk.as_ref().map(render_number);
            if let Some(a) = &m.application {
                let mut flag = |k: &str, v: Option<String>| {
                    if let Some(v) = v {
                        app.flags.insert(k.to_owned(), v);
                    }
                };
                flag("debuggable", a.debuggable.map(|b| b.to_string()));
                flag("allowBackup", a.allow_backup.map(|b| b.to_string()));
                flag(
                    "usesCleartextTraffic",
                    a.uses_cleartext_traffic.map(|b| b.to_string()),
                );
                flag("networkSecurityConfig", a.network_security_config.clone());
                flag("testOnly", a.test_only.map(|b| b.to_string()));
            }
        }
        for p in &m.uses_permissions {
            if !seen_permissions.insert(p.name.clone()) {
                continue;
            }
            let info = facts.access.record_permission(&p.name);
            permissions.push(model::Permission {
                name: p.name.clone(),
                protection: info.map_or(model::Protection::Unknown, |i| i.protection),
                data_types: info
                    .map(|i| {
                        i.data_types
                            .iter()
                            .filter_map(|t| engine.android.data_type(*t))
                            .map(|m| m.id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
                max_sdk_version: p.max_sdk_version.as_ref().map(render_number),
                sdk_23_only: p.sdk_23_only,
                purpose: None,
                declared_in: location.clone(),
            });
        }
        for c in &m.components {
            let hit = engine
                .matcher
                .match_component(&c.name)
                .or_else(|| {
                    let probe = format!("L{};", c.name.replace('.', "/"));
                    engine.matcher.match_class(&probe)
                })
                .filter(|h| !own.as_ref().is_some_and(|o| o.owns(&c.name, h)));
            let sdk = hit.map(|h| {
                facts.sdk(h.sdk).hit(&h, "component", location, || {
                    format!("{} {}", crate::serde_name(&c.kind), c.name)
                });
                engine.db.sdks()[h.sdk].id.clone()
            });
            components.push(model::Component {
                kind: crate::serde_name(&c.kind).to_owned(),
                name: c.name.clone(),
                exported: c.exported,
                actions: c
                    .intent_filters
                    .iter()
                    .flat_map(|f| f.actions.iter().cloned())
                    .collect(),
                sdk,
            });
        }
        for md in &m.meta_data {
            let sdk = engine.matcher.match_meta_data(&md.name).map(|h| {
                facts.sdk(h.sdk).hit(&h, "meta_data", location, || {
                    format!(
                        "{} = {}",
                        md.name,
                        md.value.as_deref().or(md.resource.as_deref()).unwrap_or("")
                    )
                });
                engine.db.sdks()[h.sdk].id.clone()
            });
            meta_data.push(model::MetaData {
                name: md.name.clone(),
                value: md.value.clone().or_else(|| md.resource.clone()),
                parent: md.parent.clone(),
                sdk,
            });
        }
    }
    let classes_read = facts.stats.dex_files + facts.stats.class_files > 0;
    let has_code = classes_read && !engine.options.skip_code_scan;
    let resolved = resolve(engine, std::mem::take(&mut facts.sdks), classes_read);
    let sdks = detected_sdks(engine, resolved.bundled, has_code);
    let configured = configured_sdks(engine, resolved.configured);
    facts.native_libs.sort_by(|a, b| a.path.cmp(&b.path));
    facts.markers.sort_by(|a, b| a.path.cmp(&b.path));
    let startup_calls = manifests
        .first()
        .filter(|_| has_code)
        .map(|(_, m)| crate::startup::startup_calls(&engine.startup, &facts.graph, m))
        .unwrap_or_default();
    let mut data_access = facts.access.finish();
    reattribute(&mut data_access, &resolved.moved);
    Inventory {
        schema_version: model::INVENTORY_SCHEMA_VERSION,
        source: model::Source {
            path: name.to_owned(),
            kind,
            size,
        },
        app,
        permissions,
        sdks,
        configured_sdks: configured,
        native_libs: facts.native_libs,
        components,
        meta_data,
        library_markers: facts.markers,
        data_access,
        code_loading: std::mem::take(&mut facts.code_loading)
            .into_iter()
            .map(|((sdk, api), (call_count, sites))| model::CodeLoading {
                api: api.to_owned(),
                sdk,
                call_sites: sites.iter().map(|(s, _)| s.clone()).collect(),
                call_site_files: sites.into_iter().map(|(_, f)| f).collect(),
                call_count,
            })
            .collect(),
        privacy_manifests: Vec::new(),
        required_reason_gaps: Vec::new(),
        required_reason_uses: Vec::new(),
        startup_calls,
        bundles: Vec::new(),
        stats: facts.stats,
        warnings: facts.warnings,
    }
}

fn render_number(n: &appaudit_axml::NumberOrText) -> String {
    match n {
        appaudit_axml::NumberOrText::Number(n) => n.to_string(),
        appaudit_axml::NumberOrText::Text(t) => t.clone(),
    }
}
