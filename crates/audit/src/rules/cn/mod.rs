//! The Chinese rule pack's checks (AA109–AA115, AA207–AA216): manifest, bytecode results and policy lines.
//! Their word lists and manifest names are data (`crates/audit/data/cn_checks.toml`), loaded once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::context::{Ctx, EVIDENCE_SAMPLES, accessor_evidence, manifest_evidence, quote_of};
use crate::model::{AppEvidence, Finding, PolicyEvidence};
use crate::rules::RuleId;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Tables {
    hot_update: HotUpdate,
    self_start: SelfStart,
    non_resettable: NonResettable,
    pub(super) special: Vec<Special>,
    target_sdk: TargetSdk,
    scoped: Vec<Scoped>,
    sensitive: Sensitive,
    policy: PolicyTerms,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HotUpdate {
    sdks: Vec<String>,
    disclosure: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SelfStart {
    actions: Vec<String>,
    disclosure: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NonResettable {
    data_types: Vec<String>,
    purposes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Special {
    label: String,
    pub(super) permissions: Vec<String>,
    actions: Vec<String>,
    terms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSdk {
    runtime_permissions: u32,
    play_minimum: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scoped {
    permission: String,
    for_services: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sensitive {
    data_types: Vec<String>,
    consent: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyTerms {
    open_list: Vec<String>,
    open_list_window: usize,
    open_list_suffix: Vec<String>,
    collection: Vec<String>,
    retention: Vec<String>,
    storage_region: Vec<String>,
    complaint: Vec<String>,
    response_time: Vec<String>,
    ads_sdk_categories: Vec<String>,
    ads_topic: Vec<String>,
    ads_action: Vec<String>,
    under_14: Vec<String>,
    operator: Vec<String>,
    address: Vec<String>,
    title: Vec<String>,
    title_lines: usize,
    min_cjk_chars: usize,
}

const TABLES_TOML: &str = include_str!("../../../data/cn_checks.toml");

pub(crate) static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    // Compiled in; the unit test `tables_parse` fails on a broken file before any release does.
    match toml::from_str(TABLES_TOML) {
        Ok(t) => t,
        Err(e) => panic!("crates/audit/data/cn_checks.toml: {e}"),
    }
});

/// Whether `line` contains one of `terms` (case-insensitive for ASCII).
fn has_term(line: &str, terms: &[String]) -> bool {
    let lower = line.to_lowercase();
    terms.iter().any(|t| lower.contains(&t.to_lowercase()))
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

impl Ctx<'_> {
    /// The first policy lines (1-based number, text) that contain one of `terms`.
    fn lines_with(&self, terms: &[String]) -> Vec<(usize, &str)> {
        self.policy
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| has_term(l, terms))
            .map(|(i, l)| (i + 1, l.as_str()))
            .take(EVIDENCE_SAMPLES)
            .collect()
    }

    fn new_finding(&self, rule: RuleId, lowered: bool, message: String) -> Finding {
        let base = (self.severity)(rule);
        self.finding(rule, if lowered { base.lowered() } else { base }, message)
    }

    fn quotes(found: &[(usize, &str)], note: &str) -> Vec<PolicyEvidence> {
        found
            .iter()
            .map(|(line, text)| PolicyEvidence::quote(text.trim(), *line, note))
            .collect()
    }

    /// Runs every check of the pack.
    pub(super) fn cn_pack(&self, out: &mut Vec<Finding>) {
        let t = &*TABLES;
        self.hot_update(t, out);
        self.self_start(t, out);
        self.non_resettable(t, out);
        self.special_permissions(t, out);
        self.target_sdk(t, out);
        self.scoped_permissions(t, out);
        self.separate_consent(t, out);
        self.policy_checks(&t.policy, out);
    }

    // AA109: one finding per owner (a hot-fix SDK, an SDK or the app's code calling a code loader).
    fn hot_update(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn self_start(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn non_resettable(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn special_permissions(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn target_sdk(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn scoped_permissions(&self, t: &Tables, out: &mut Vec<Finding>) {
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
    fn separate_consent(&self, t: &Tables, out: &mut Vec<Finding>) {
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

    /// App-side evidence of a policy-text finding: the app the policy is for.
    fn app_context(&self) -> AppEvidence {
        AppEvidence {
            kind: "app".into(),
            location: None,
            value: format!(
                "{}: the policy of this app (a policy-text rule)",
                self.inv
                    .app
                    .package
                    .as_deref()
                    .unwrap_or(&self.inv.source.path)
            ),
            sdk: None,
        }
    }

    fn missing(&self, rule: RuleId, message: &str, note: String, out: &mut Vec<Finding>) {
        let mut f = self.new_finding(rule, false, message.to_owned());
        f.app_evidence.push(self.app_context());
        f.policy_evidence
            .push(PolicyEvidence::section_missing(note));
        out.push(f);
    }

    // AA207–AA216
    fn policy_checks(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        self.open_lists(p, out);
        if self.lines_with(&p.retention).is_empty() {
            self.missing(
                RuleId::PolicyNoRetention,
                "The policy states no retention period",
                format!(
                    "no line with {}",
                    p.retention[..3.min(p.retention.len())].join(" / ")
                ),
                out,
            );
        }
        if self.lines_with(&p.storage_region).is_empty() {
            self.missing(
                RuleId::PolicyNoStorageRegion,
                "The policy does not say where data is stored or whether it leaves the country",
                "no line about 境内 / 境外 / 存储地点 / cross-border transfer".into(),
                out,
            );
        }
        let complaint = self.lines_with(&p.complaint);
        let response = self.lines_with(&p.response_time);
        if complaint.is_empty() || response.is_empty() {
            let mut f = self.new_finding(
                RuleId::PolicyNoComplaintChannel,
                false,
                match (complaint.is_empty(), response.is_empty()) {
                    (true, true) => "The policy gives no complaint channel and no response time",
                    (true, false) => "The policy gives no complaint or report channel",
                    _ => "The policy gives a complaint channel but no response time",
                }
                .to_owned(),
            );
            f.app_evidence.push(self.app_context());
            f.policy_evidence
                .extend(Self::quotes(&complaint, "complaint channel"));
            f.policy_evidence
                .extend(Self::quotes(&response, "a time limit"));
            if complaint.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no 投诉 / 举报 / complaint channel",
                ));
            }
            if response.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no response time (15个工作日 / within 15 working days)",
                ));
            }
            out.push(f);
        }
        self.ads_opt_out(p, out);
        if self.has_section("children") && self.lines_with(&p.under_14).is_empty() {
            self.missing(
                RuleId::PolicyNoUnder14Rules,
                "The policy has a children's section but no rules for those under 14 (guardian consent)",
                "no line about 14周岁 / 监护人 / guardian consent".into(),
                out,
            );
        }
        // The SDK list's rows name the SDK vendors ("… Co., Ltd."), not the operator.
        let sdk_lines: BTreeSet<usize> = self.policy.sdks.iter().map(|m| m.line).collect();
        let operator: Vec<(usize, &str)> = self
            .policy
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i + 1, l.as_str()))
            .filter(|(n, l)| !sdk_lines.contains(n) && has_term(l, &p.operator))
            .take(EVIDENCE_SAMPLES)
            .collect();
        let address = self.lines_with(&p.address);
        if operator.is_empty() || address.is_empty() {
            let mut f = self.new_finding(
                RuleId::PolicyNoOperatorIdentity,
                false,
                match (operator.is_empty(), address.is_empty()) {
                    (true, true) => "The policy names no operator and gives no address",
                    (true, false) => "The policy names no operator (company or organisation)",
                    _ => "The policy names the operator but gives no registered or office address",
                }
                .to_owned(),
            );
            f.app_evidence.push(self.app_context());
            f.policy_evidence
                .extend(Self::quotes(&operator, "operator"));
            f.policy_evidence.extend(Self::quotes(&address, "address"));
            if operator.is_empty() {
                f.policy_evidence.push(PolicyEvidence::section_missing(
                    "no company or organisation name (有限公司 / Ltd. / Inc.)",
                ));
            }
            if address.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::section_missing("no 地址 / address"));
            }
            out.push(f);
        }
        let titled = self
            .policy
            .sections
            .iter()
            .any(|s| has_term(&s.title, &p.title))
            || self
                .policy
                .lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .take(p.title_lines)
                .any(|l| has_term(l, &p.title));
        if !titled {
            self.missing(
                RuleId::PolicyNotStandalone,
                "The text is not titled as a privacy policy",
                format!(
                    "no heading or opening line says {}",
                    p.title[..3.min(p.title.len())].join(" / ")
                ),
                out,
            );
        }
        let cjk = self
            .policy
            .lines
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        if cjk < p.min_cjk_chars {
            self.missing(
                RuleId::PolicyNotChinese,
                "The policy has no simplified-Chinese text",
                format!(
                    "{cjk} Chinese characters in the policy (fewer than {})",
                    p.min_cjk_chars
                ),
                out,
            );
        }
        self.sdk_rows(out);
    }

    // AA207: one finding, the open statements as evidence.
    fn open_lists(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        let mut hits: Vec<(usize, &str, String)> = Vec::new();
        let mut lines: BTreeSet<usize> = BTreeSet::new();
        for m in self.policy.data_types.iter().filter(|m| !m.negated) {
            if lines.contains(&m.line) {
                continue;
            }
            let Some(text) = m.line.checked_sub(1).and_then(|i| self.policy.lines.get(i)) else {
                continue;
            };
            if !has_term(text, &p.collection) {
                continue;
            }
            let lower: Vec<char> = text.to_lowercase().chars().collect();
            let on_line: Vec<usize> = self
                .policy
                .data_types
                .iter()
                .filter(|o| o.line == m.line)
                .map(|o| o.column.saturating_sub(1))
                .collect();
            // An open-list word followed closely by a data type ("例如硬件型号、IMEI"), not "例如追番".
            let marker = p
                .open_list
                .iter()
                .find(|w| {
                    let w: Vec<char> = w.to_lowercase().chars().collect();
                    lower.windows(w.len().max(1)).enumerate().any(|(i, win)| {
                        win == w.as_slice()
                            && on_line.iter().any(|c| {
                                *c >= i + w.len() && *c <= i + w.len() + p.open_list_window
                            })
                    })
                })
                .cloned()
                .or_else(|| {
                    // "等" right after a data-type mention on the line (up to one closing bracket between).
                    self.policy
                        .data_types
                        .iter()
                        .filter(|o| o.line == m.line)
                        .find_map(|o| {
                            let end = o.column.saturating_sub(1) + o.matched.chars().count();
                            let after: String = text.chars().skip(end).take(2).collect();
                            p.open_list_suffix
                                .iter()
                                .find(|s| {
                                    after.starts_with(s.as_str())
                                        || after
                                            .strip_prefix([')', '）'])
                                            .is_some_and(|r| r.starts_with(s.as_str()))
                                })
                                .cloned()
                        })
                });
            if let Some(marker) = marker {
                lines.insert(m.line);
                hits.push((m.line, text.as_str(), marker));
            }
        }
        if hits.is_empty() {
            return;
        }
        let mut f = self.new_finding(
            RuleId::PolicyOpenDataList,
            false,
            format!(
                "{} collection statement{} list personal information with an open end (\"{}\")",
                hits.len(),
                if hits.len() == 1 { "" } else { "s" },
                hits.iter()
                    .map(|h| h.2.as_str())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join("\", \"")
            ),
        );
        for (line, text, marker) in hits.iter().take(EVIDENCE_SAMPLES * 2) {
            f.policy_evidence.push(PolicyEvidence::quote(
                text.trim(),
                *line,
                format!("open list: \"{marker}\""),
            ));
        }
        f.app_evidence.push(self.app_context());
        out.push(f);
    }

    // AA211
    fn ads_opt_out(&self, p: &PolicyTerms, out: &mut Vec<Finding>) {
        let ads: Vec<_> = self
            .inv
            .sdks
            .iter()
            .filter(|s| p.ads_sdk_categories.contains(&s.category))
            .collect();
        if ads.is_empty() {
            return;
        }
        let offered = self
            .policy
            .lines
            .iter()
            .any(|l| has_term(l, &p.ads_topic) && has_term(l, &p.ads_action));
        if offered {
            return;
        }
        let names: Vec<&str> = ads.iter().map(|s| s.name.as_str()).collect();
        let mut f = self.new_finding(
            RuleId::PolicyNoAdsOptOut,
            ads.iter().all(|s| s.usage.status != "used"),
            format!(
                "Advertising SDKs are bundled ({}) and the policy offers no way to turn off personalised ads",
                names.join(", ")
            ),
        );
        for s in ads.iter().take(EVIDENCE_SAMPLES) {
            f.app_evidence.push(AppEvidence {
                kind: "sdk".into(),
                location: None,
                value: format!("{} ({})", s.name, s.usage.status),
                sdk: Some(s.id.clone()),
            });
        }
        let topic = self.lines_with(&p.ads_topic);
        f.policy_evidence.extend(Self::quotes(
            &topic,
            "mentions personalisation without a way to turn it off",
        ));
        if topic.is_empty() {
            f.policy_evidence.push(PolicyEvidence::not_mentioned(
                "no line about 个性化推荐 / personalised ads with 关闭 / opt out",
            ));
        }
        out.push(f);
    }

    // AA216
    fn sdk_rows(&self, out: &mut Vec<Finding>) {
        let mut seen = BTreeSet::new();
        for sdk in self.inv.sdks.iter().filter(|s| !self.acts_for_app(&s.id)) {
            for row in self.own_rows(&sdk.id).into_iter().filter(|r| r.in_sdk_list) {
                let no_purpose = row.purpose.as_deref().is_none_or(|p| p.trim().is_empty());
                let no_types = row.data_types.is_empty();
                if !(no_purpose || no_types) || !seen.insert(sdk.id.as_str()) {
                    continue;
                }
                let missing = match (no_purpose, no_types) {
                    (true, true) => "no purpose and no data types",
                    (true, false) => "no purpose",
                    _ => "no data types",
                };
                let mut f = self.new_finding(
                    RuleId::PolicySdkRowIncomplete,
                    sdk.usage.status != "used",
                    format!("The policy's entry for {} gives {missing}", sdk.name),
                );
                f.sdk = Some(sdk.id.clone());
                f.app_evidence.push(AppEvidence {
                    kind: "sdk".into(),
                    location: None,
                    value: format!("{} ({})", sdk.name, sdk.usage.status),
                    sdk: Some(sdk.id.clone()),
                });
                f.policy_evidence.push(PolicyEvidence::quote(
                    &row.quote,
                    row.line,
                    format!("entry for \"{}\": {missing}", row.name_in_text),
                ));
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        let t: Tables = toml::from_str(TABLES_TOML).expect("cn_checks.toml parses");
        assert!(
            t.self_start
                .actions
                .iter()
                .any(|a| a.ends_with("BOOT_COMPLETED"))
        );
        assert!(t.target_sdk.runtime_permissions == 23);
        for s in &t.special {
            assert!(
                !s.permissions.is_empty() && !s.terms.is_empty(),
                "{}",
                s.label
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = TABLES_TOML.replace("[target_sdk]", "[target_sdk]\nfoo = 1");
        assert!(toml::from_str::<Tables>(&text).is_err());
    }

    #[test]
    fn terms_match_case_insensitively() {
        assert!(has_term("We RETAIN data", &["retain".to_owned()]));
        assert!(has_term("保存期限为一年", &["保存期限".to_owned()]));
        assert!(!has_term("nothing", &["retain".to_owned()]));
    }
}
