//! App-side rules of the Chinese pack: AA109 `hot-update`, AA110 `self-start`, AA111
//! `non-resettable-id`, AA112 `special-permission`, AA113 `target-sdk-low`, AA114
//! `sensitive-permission-scope`, AA115 `sensitive-no-separate-consent`. Texts: `data/rules.toml`.

use std::collections::{BTreeMap, BTreeSet};

use super::super::RuleId;
use super::super::context::{
    Ctx, EVIDENCE_SAMPLES, accessor_evidence, manifest_evidence, quote_of,
};
use super::{Tables, has_term, short};
use crate::model::{AppEvidence, Finding, PolicyEvidence};

impl Ctx<'_> {
    // AA109: one finding per owner (a hot-fix SDK, an SDK or the app's code calling a code loader).
    pub(super) fn hot_update(&self, t: &Tables, out: &mut Vec<Finding>) {
        if !self.lines_with(&t.hot_update.disclosure).is_empty() {
            return;
        }
        let mut owners: BTreeSet<Option<&str>> = self
            .inv
            .sdks
            .iter()
            .filter(|s| t.hot_update.sdks.contains(&s.id))
            .map(|s| Some(s.id.as_str()))
            .collect();
        owners.extend(self.inv.code_loading.iter().map(|c| c.sdk.as_deref()));
        for owner in owners {
            let sdk = owner.and_then(|id| self.sdk_usage(id));
            let hot_fix = owner.is_some_and(|id| t.hot_update.sdks.iter().any(|h| h == id));
            let loads: Vec<_> = self
                .inv
                .code_loading
                .iter()
                .filter(|c| c.sdk.as_deref() == owner)
                .collect();
            let who = owner.map_or_else(|| "The app's own code".to_owned(), |id| self.sdk_name(id));
            let apis: Vec<&str> = loads.iter().map(|c| c.api.as_str()).collect();
            let calls: usize = loads.iter().map(|c| c.call_count).sum();
            let what = match (hot_fix, apis.is_empty()) {
                (true, true) => {
                    "is a hot-fix framework: it loads patch code at run time".to_owned()
                }
                (true, false) => format!(
                    "is a hot-fix framework and calls {} ({calls} call{})",
                    apis.join(", "),
                    if calls == 1 { "" } else { "s" }
                ),
                _ => format!(
                    "loads code at run time: {} ({calls} call{})",
                    apis.join(", "),
                    if calls == 1 { "" } else { "s" }
                ),
            };
            // Frameworks acting for the app (Play services' dynamite modules) and bundled-but-uncalled SDKs weigh less.
            let weak = owner.is_some_and(|id| self.acts_for_app(id))
                || sdk.is_some_and(|s| s.usage.status != "used");
            let mut f = self.new_finding(
                RuleId::HotUpdate,
                weak,
                format!(
                    "{who} {what}; the policy never mentions hot update or dynamic code loading"
                ),
            );
            f.sdk = owner.map(str::to_owned);
            if hot_fix && let Some(s) = sdk {
                for e in s.evidence.iter().take(EVIDENCE_SAMPLES) {
                    f.app_evidence.push(AppEvidence {
                        kind: e.kind.clone(),
                        location: Some(e.location.clone()).filter(|l| !l.is_empty()),
                        value: e.value.clone(),
                        sdk: Some(s.id.clone()),
                    });
                }
            }
            for c in &loads {
                for (i, site) in c.call_sites.iter().enumerate().take(EVIDENCE_SAMPLES) {
                    f.app_evidence.push(AppEvidence {
                        kind: "call_site".into(),
                        location: c.call_site_files.get(i).filter(|x| !x.is_empty()).cloned(),
                        value: format!("{site} calls {}", c.api),
                        sdk: c.sdk.clone(),
                    });
                }
            }
            f.policy_evidence.push(PolicyEvidence::not_mentioned(
                "no line about 热更新 / 热修复 / 动态加载 / hot update / dynamic code loading",
            ));
            out.push(f);
        }
    }

    // AA110: one finding per owner (an SDK, or the app's own code).
    pub(super) fn self_start(&self, t: &Tables, out: &mut Vec<Finding>) {
        let found = self.lines_with(&t.self_start.disclosure);
        if !found.is_empty() {
            return;
        }
        // (component kind, name, the filter actions that start it)
        type Starts<'c> = Vec<(&'c str, &'c str, Vec<&'c str>)>;
        let mut by_owner: BTreeMap<Option<&str>, Starts<'_>> = BTreeMap::new();
        for c in &self.inv.components {
            let hits: Vec<&str> = match c.kind.as_str() {
                "receiver" => c
                    .actions
                    .iter()
                    .filter(|a| t.self_start.actions.contains(a))
                    .map(String::as_str)
                    .collect(),
                // Associated start (关联启动): an SDK's exported service with its own intent filter, which
                // other apps embedding the same SDK start to wake it. android.* actions are system bindings
                // (accessibility, input method, notification listener) that AA112 covers.
                "service" if c.sdk.is_some() && c.exported == Some(true) => c
                    .actions
                    .iter()
                    .filter(|a| !a.starts_with("android."))
                    .map(String::as_str)
                    .collect(),
                _ => Vec::new(),
            };
            if !hits.is_empty() {
                by_owner.entry(c.sdk.as_deref()).or_default().push((
                    c.kind.as_str(),
                    c.name.as_str(),
                    hits,
                ));
            }
        }
        for (owner, starts) in by_owner {
            let who = owner.map_or_else(|| "the app".to_owned(), |s| self.sdk_name(s));
            let receivers: Vec<_> = starts.iter().filter(|s| s.0 == "receiver").collect();
            let services = starts.len() - receivers.len();
            let actions: BTreeSet<&str> = receivers
                .iter()
                .flat_map(|(_, _, a)| a.iter().map(|x| short(x)))
                .collect();
            let mut parts = Vec::new();
            if !receivers.is_empty() {
                parts.push(format!(
                    "{} receiver{} start{} on {}",
                    receivers.len(),
                    if receivers.len() == 1 { "" } else { "s" },
                    if receivers.len() == 1 { "s" } else { "" },
                    actions.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
            if services > 0 {
                parts.push(format!(
                    "{services} exported service{} other apps can start",
                    if services == 1 { "" } else { "s" }
                ));
            }
            let mut f = self.new_finding(
                RuleId::SelfStart,
                false,
                format!(
                    "{} of {who} without the user; the policy does not explain self-start or associated start",
                    parts.join(" and ")
                ),
            );
            f.sdk = owner.map(str::to_owned);
            for (kind, name, hits) in starts.iter().take(EVIDENCE_SAMPLES * 2) {
                f.app_evidence.push(AppEvidence {
                    kind: "component".into(),
                    location: Some("AndroidManifest.xml".into()),
                    value: format!(
                        "{kind} {name}{} intent-filter {}",
                        if *kind == "service" {
                            " (exported)"
                        } else {
                            ""
                        },
                        hits.join(", ")
                    ),
                    sdk: owner.map(str::to_owned),
                });
            }
            f.policy_evidence.push(PolicyEvidence::not_mentioned(
                "no line about 自启动 / 关联启动 / starting automatically",
            ));
            out.push(f);
        }
    }

    // AA111
    pub(super) fn non_resettable(&self, t: &Tables, out: &mut Vec<Finding>) {
        for id in &t.non_resettable.data_types {
            let Some(access) = self.access(id) else {
                continue;
            };
            let readers: Vec<_> = access.accessors.iter().collect();
            if readers.is_empty() {
                continue;
            }
            let covering = self.covering_ids(id.as_str());
            let mentions: Vec<_> = self
                .policy
                .data_types
                .iter()
                .filter(|m| {
                    !m.negated
                        && covering.contains(m.id.as_str())
                        && (m.id == *id || !self.is_closed_enumeration(m))
                })
                .collect();
            let justified = mentions.iter().any(|m| {
                m.line
                    .checked_sub(1)
                    .and_then(|i| self.policy.lines.get(i))
                    .is_some_and(|l| has_term(l, &t.non_resettable.purposes))
            });
            if justified {
                continue;
            }
            let weak = readers.iter().all(|a| {
                a.sdk
                    .as_deref()
                    .and_then(|s| self.sdk_usage(s))
                    .is_some_and(|s| s.usage.status != "used")
            });
            let mut who: Vec<String> = readers
                .iter()
                .map(|a| {
                    a.sdk
                        .as_deref()
                        .map_or_else(|| "the app's own code".to_owned(), |s| self.sdk_name(s))
                })
                .collect();
            who.dedup();
            let mut f = self.new_finding(
                RuleId::NonResettableId,
                weak,
                format!(
                    "{} (non-resettable) is read by {} and the policy does not limit it to security or risk control",
                    access.name_en,
                    who.join(", ")
                ),
            );
            f.data_type = Some(id.clone());
            for a in readers {
                accessor_evidence(a, &mut f.app_evidence);
            }
            if mentions.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::not_mentioned(format!(
                        "{} is not mentioned, so no purpose is stated for it",
                        access.name_en
                    )));
            } else {
                for m in mentions.iter().take(EVIDENCE_SAMPLES) {
                    let mut e = quote_of(m);
                    e.note
                        .push_str("; no 安全/风控/security purpose on this line");
                    f.policy_evidence.push(e);
                }
            }
            out.push(f);
        }
    }

    // AA112
    pub(super) fn special_permissions(&self, t: &Tables, out: &mut Vec<Finding>) {
        for s in &t.special {
            let mut evidence = Vec::new();
            for p in self
                .inv
                .permissions
                .iter()
                .filter(|p| s.permissions.contains(&p.name))
            {
                evidence.push(manifest_evidence(self.inv, &p.name));
            }
            for c in &self.inv.components {
                if let Some(a) = c.actions.iter().find(|a| s.actions.contains(a)) {
                    evidence.push(AppEvidence {
                        kind: "component".into(),
                        location: Some("AndroidManifest.xml".into()),
                        value: format!("{} {} intent-filter {a}", c.kind, c.name),
                        sdk: c.sdk.clone(),
                    });
                }
            }
            if evidence.is_empty() {
                continue;
            }
            let literal: Vec<String> = s.permissions.iter().map(|p| short(p).to_owned()).collect();
            let found = self.lines_with(&[s.terms.clone(), literal].concat());
            let mut f = self.new_finding(
                RuleId::SpecialPermission,
                !found.is_empty(),
                if found.is_empty() {
                    format!("The app uses the special {} permission; the policy never mentions it", s.label)
                } else {
                    format!("The app uses the special {} permission; the policy mentions it (check the justification)", s.label)
                },
            );
            f.permission = s.permissions.first().cloned();
            f.app_evidence = evidence;
            if found.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::not_mentioned(format!(
                        "no line names the {} permission ({})",
                        s.label,
                        s.terms.join(" / ")
                    )));
            } else {
                f.policy_evidence
                    .extend(Self::quotes(&found, "mentions it"));
            }
            out.push(f);
        }
    }

    // AA113
    pub(super) fn target_sdk(&self, t: &Tables, out: &mut Vec<Finding>) {
        if self.inv.app.platform != "android" {
            return;
        }
        let Some(target) = self
            .inv
            .app
            .target_sdk
            .as_deref()
            .and_then(|v| v.trim().parse::<u32>().ok())
        else {
            return;
        };
        let (below_runtime, below_play) = (
            target < t.target_sdk.runtime_permissions,
            target < t.target_sdk.play_minimum,
        );
        if !below_play {
            return;
        }
        let mut f = self.new_finding(
            RuleId::TargetSdkLow,
            !below_runtime,
            if below_runtime {
                format!(
                    "targetSdkVersion {target} is below {}: every dangerous permission is granted at install, with no runtime dialog",
                    t.target_sdk.runtime_permissions
                )
            } else {
                format!(
                    "targetSdkVersion {target} is below {}, the minimum Google Play accepts for new apps and updates",
                    t.target_sdk.play_minimum
                )
            },
        );
        f.app_evidence.push(AppEvidence {
            kind: "manifest".into(),
            location: Some("AndroidManifest.xml".into()),
            value: format!("targetSdkVersion={target}"),
            sdk: None,
        });
        f.policy_evidence.push(PolicyEvidence::not_mentioned(
            "a build setting: the policy cannot change it",
        ));
        out.push(f);
    }

    // AA114
    pub(super) fn scoped_permissions(&self, t: &Tables, out: &mut Vec<Finding>) {
        for s in &t.scoped {
            if !self.inv.permissions.iter().any(|p| p.name == s.permission) {
                continue;
            }
            let name = short(&s.permission);
            let mut f = self.new_finding(
                RuleId::SensitivePermissionScope,
                false,
                format!(
                    "{name} is requested; the permission guide reserves it for {}",
                    s.for_services
                ),
            );
            f.permission = Some(s.permission.clone());
            f.app_evidence
                .push(manifest_evidence(self.inv, &s.permission));
            let found = self.lines_with(&[name.to_owned()]);
            if found.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::not_mentioned(format!(
                        "the policy does not name {name}; state the service that needs it"
                    )));
            } else {
                f.policy_evidence
                    .extend(Self::quotes(&found, "names the permission"));
            }
            out.push(f);
        }
    }

    // AA115
    pub(super) fn separate_consent(&self, t: &Tables, out: &mut Vec<Finding>) {
        let read: Vec<_> = t
            .sensitive
            .data_types
            .iter()
            .filter_map(|id| self.access(id))
            .filter(|a| !self.readers(a).is_empty())
            .collect();
        if read.is_empty() || !self.lines_with(&t.sensitive.consent).is_empty() {
            return;
        }
        let names: Vec<&str> = read.iter().map(|a| a.name_en.as_str()).collect();
        let mut f = self.new_finding(
            RuleId::SensitiveNoSeparateConsent,
            false,
            format!(
                "The app reads sensitive personal information ({}) and the policy never mentions separate consent",
                names.join(", ")
            ),
        );
        for a in read.iter().take(EVIDENCE_SAMPLES) {
            let evidence = self.data_evidence(a, None);
            f.app_evidence
                .extend(evidence.into_iter().take(EVIDENCE_SAMPLES));
        }
        f.policy_evidence.push(PolicyEvidence::not_mentioned(
            "no line about 单独同意 / separate consent",
        ));
        out.push(f);
    }
}
