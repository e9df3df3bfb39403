//! The comparison itself: joins the inventory with the policy reading and produces raw findings
//! (before configuration: severities overrides and waivers are applied in `lib.rs`).

use std::collections::{BTreeMap, BTreeSet};

use appaudit_model::{DetectedSdk, Inventory};
use appaudit_policy::{DataTypeMention, PolicyReading, SdkMention};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{Accessor, DataAccess, Taxonomy};

use crate::model::{
    AppEvidence, DataDisclosure, Disclosure, Finding, PolicyEvidence, ReaderDisclosure, Severity,
};
use crate::rules::RuleId;

mod cn;
mod ios_purpose;
mod startup;

/// How many call sites / quotes one finding lists (the rest are summarised by count).
const EVIDENCE_SAMPLES: usize = 3;

/// Words that make a parenthesised list open-ended (examples, not a definition).
const OPEN_LIST_MARKERS: &[&str] = &[
    "such as",
    "e.g",
    "for example",
    "including",
    "etc",
    "and so on",
    "and more",
    "...",
    "…",
    "等",
    "例如",
    "比如",
    "包括但不限于",
    "包括",
];

/// Policy SDK mentions below this confidence do not count as naming an SDK. The policy reader gives 0.8 to
/// recognisable typos ("Jigaung Push", "Umen statistics") and 0.7 to loose fuzzy hits on ordinary words
/// ("Shared", "Posting"), which must not hide or invent an SDK.
const MIN_SDK_CONFIDENCE: f64 = 0.75;

/// Reference data the comparison needs.
#[derive(Debug, Clone, Copy)]
pub struct Knowledge<'a> {
    /// Data types and their hypernyms.
    pub taxonomy: &'a Taxonomy,
    /// SDK signatures (names, families).
    pub signatures: &'a SignatureDb,
}

/// Severity for a rule, given by the configuration.
pub(crate) type SeverityOf<'a> = &'a dyn Fn(RuleId) -> Severity;

/// Result of the comparison before waivers.
pub(crate) struct Comparison {
    pub findings: Vec<Finding>,
    pub disclosures: Vec<DataDisclosure>,
}

struct Ctx<'a> {
    inv: &'a Inventory,
    policy: &'a PolicyReading,
    know: Knowledge<'a>,
    severity: SeverityOf<'a>,
    /// data type or hypernym id → the hypernyms directly above it.
    parents: BTreeMap<&'a str, Vec<&'a str>>,
}

/// Runs every rule.
pub(crate) fn compare(
    inv: &Inventory,
    policy: &PolicyReading,
    know: Knowledge<'_>,
    severity: SeverityOf<'_>,
) -> Comparison {
    let mut parents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in &know.taxonomy.data_types {
        parents
            .entry(t.id.as_str())
            .or_default()
            .extend(t.parents.iter().map(String::as_str));
    }
    for (id, h) in &know.taxonomy.hypernyms {
        for child in &h.children {
            parents.entry(child.as_str()).or_default().push(id.as_str());
        }
    }
    let ctx = Ctx {
        inv,
        policy,
        know,
        severity,
        parents,
    };
    let disclosures = ctx.classify_all();
    let mut findings = Vec::new();
    ctx.sdk_undisclosed(&mut findings);
    ctx.data_findings(&disclosures, &mut findings);
    ctx.permission_findings(&mut findings);
    ctx.sdk_not_found(&mut findings);
    ctx.data_not_found(&mut findings);
    ctx.structure(&mut findings);
    ctx.cn_pack(&mut findings);
    ctx.startup_calls(&mut findings);
    ctx.empty_purpose_strings(&mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(&b.rule))
            .then(a.sdk.cmp(&b.sdk))
            .then(a.data_type.cmp(&b.data_type))
            .then(a.permission.cmp(&b.permission))
    });
    Comparison {
        findings,
        disclosures,
    }
}

/// The Android permission (or iOS usage key) → the permission kind the policy reader uses.
/// Data, not logic: the kinds are those of `crates/policy/data/policy_lexicon.toml`.
const PERMISSION_KINDS: &[(&str, &str)] = &[
    ("CAMERA", "camera"),
    ("NSCameraUsageDescription", "camera"),
    ("RECORD_AUDIO", "microphone"),
    ("NSMicrophoneUsageDescription", "microphone"),
    ("ACCESS_FINE_LOCATION", "location"),
    ("ACCESS_COARSE_LOCATION", "location"),
    ("ACCESS_BACKGROUND_LOCATION", "location"),
    ("ACCESS_MEDIA_LOCATION", "location"),
    ("NSLocationWhenInUseUsageDescription", "location"),
    ("NSLocationAlwaysAndWhenInUseUsageDescription", "location"),
    ("NSLocationAlwaysUsageDescription", "location"),
    ("READ_EXTERNAL_STORAGE", "storage"),
    ("WRITE_EXTERNAL_STORAGE", "storage"),
    ("MANAGE_EXTERNAL_STORAGE", "storage"),
    ("READ_MEDIA_IMAGES", "photos"),
    ("READ_MEDIA_VIDEO", "photos"),
    ("READ_MEDIA_VISUAL_USER_SELECTED", "photos"),
    ("NSPhotoLibraryUsageDescription", "photos"),
    ("NSPhotoLibraryAddUsageDescription", "photos"),
    ("READ_PHONE_STATE", "phone_state"),
    ("READ_PHONE_NUMBERS", "phone_state"),
    ("CALL_PHONE", "phone_state"),
    ("READ_CONTACTS", "contacts"),
    ("WRITE_CONTACTS", "contacts"),
    ("GET_ACCOUNTS", "contacts"),
    ("NSContactsUsageDescription", "contacts"),
    ("BLUETOOTH_CONNECT", "bluetooth"),
    ("BLUETOOTH_SCAN", "bluetooth"),
    ("BLUETOOTH_ADVERTISE", "bluetooth"),
    ("NSBluetoothAlwaysUsageDescription", "bluetooth"),
    ("QUERY_ALL_PACKAGES", "app_list"),
    ("READ_CALENDAR", "calendar"),
    ("WRITE_CALENDAR", "calendar"),
    ("NSCalendarsUsageDescription", "calendar"),
    ("READ_SMS", "sms"),
    ("RECEIVE_SMS", "sms"),
    ("SEND_SMS", "sms"),
    ("RECEIVE_MMS", "sms"),
    ("READ_CALL_LOG", "call_log"),
    ("WRITE_CALL_LOG", "call_log"),
    ("POST_NOTIFICATIONS", "notifications"),
    ("BIND_NOTIFICATION_LISTENER_SERVICE", "notifications"),
];

fn short_permission(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn permission_kind(name: &str) -> Option<&'static str> {
    let short = short_permission(name);
    PERMISSION_KINDS
        .iter()
        .find(|(p, _)| *p == short)
        .map(|(_, k)| *k)
}

fn is_flagged_protection(protection: &str) -> bool {
    matches!(protection, "dangerous" | "special")
}

fn manifest_evidence(inv: &Inventory, permission: &str) -> AppEvidence {
    let declared_in = inv
        .permissions
        .iter()
        .find(|p| p.name == permission)
        .map(|p| p.declared_in.clone())
        .filter(|d| !d.is_empty());
    AppEvidence {
        kind: "permission".into(),
        location: declared_in,
        value: permission.to_owned(),
        sdk: None,
    }
}

/// The code file of call site `i` (`classes2.dex`), when the scan recorded one.
fn code_file(files: &[String], i: usize) -> Option<String> {
    files.get(i).filter(|f| !f.is_empty()).cloned()
}

fn accessor_evidence(accessor: &Accessor, out: &mut Vec<AppEvidence>) {
    for (i, site) in accessor
        .call_sites
        .iter()
        .enumerate()
        .take(EVIDENCE_SAMPLES)
    {
        out.push(AppEvidence {
            kind: "call_site".into(),
            location: code_file(&accessor.call_site_files, i),
            value: site.clone(),
            sdk: accessor.sdk.clone(),
        });
    }
    for api in accessor.apis.iter().take(EVIDENCE_SAMPLES) {
        out.push(AppEvidence {
            kind: "api".into(),
            location: None,
            value: api.clone(),
            sdk: accessor.sdk.clone(),
        });
    }
    for marker in accessor.markers.iter().take(EVIDENCE_SAMPLES) {
        out.push(AppEvidence {
            kind: "marker".into(),
            location: None,
            value: marker.clone(),
            sdk: accessor.sdk.clone(),
        });
    }
}

impl<'a> Ctx<'a> {
    /// The data type itself and every hypernym above it (bounded walk: the taxonomy is data).
    fn covering_ids(&self, id: &'a str) -> BTreeSet<&'a str> {
        let mut seen = BTreeSet::from([id]);
        let mut queue = vec![id];
        while let Some(current) = queue.pop() {
            for parent in self.parents.get(current).into_iter().flatten() {
                if seen.insert(parent) {
                    queue.push(parent);
                }
            }
        }
        seen
    }

    fn type_names(&self, id: &str) -> (String, String) {
        match self.know.taxonomy.get(id) {
            Some(t) => (t.name.en.clone(), t.name.zh.clone()),
            None => match self.know.taxonomy.hypernyms.get(id) {
                Some(h) => (h.name.en.clone(), h.name.zh.clone()),
                None => (id.to_owned(), id.to_owned()),
            },
        }
    }

    fn sdk_name(&self, id: &str) -> String {
        self.inv
            .sdks
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .or_else(|| self.know.signatures.get(id).map(|s| s.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// Whether two SDK ids are the same SDK or one is within the other's family (JPush ⊂ JCore).
    fn same_family(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        match (
            self.know.signatures.index_of(a),
            self.know.signatures.index_of(b),
        ) {
            (Some(ia), Some(ib)) => {
                self.know.signatures.is_within(ia, ib) || self.know.signatures.is_within(ib, ia)
            }
            _ => false,
        }
    }

    /// Whether `sdk` is `named` or sits below it in a family (the app has JPush, the policy names JCore or JPush).
    fn within(&self, sdk: &str, named: &str) -> bool {
        sdk == named
            || match (
                self.know.signatures.index_of(sdk),
                self.know.signatures.index_of(named),
            ) {
                (Some(i), Some(n)) => self.know.signatures.is_within(i, n),
                _ => false,
            }
    }

    /// The policy's rows that are about this SDK itself or a family it belongs to (not a sibling or sub-SDK):
    /// only those can be said to list, or fail to list, what it reads.
    fn own_rows(&self, sdk: &str) -> Vec<&'a SdkMention> {
        self.policy
            .sdks
            .iter()
            .filter(|m| {
                m.confidence >= MIN_SDK_CONFIDENCE
                    && m.sdk_id.as_deref().is_some_and(|id| self.within(sdk, id))
            })
            .collect()
    }

    fn mention_ids(mention: &SdkMention) -> impl Iterator<Item = &str> {
        mention
            .sdk_id
            .as_deref()
            .into_iter()
            .chain(mention.related_sdk_ids.iter().map(String::as_str))
    }

    /// The policy's rows / sentences that name this detected SDK.
    fn rows_for(&self, sdk: &str) -> Vec<&'a SdkMention> {
        self.policy
            .sdks
            .iter()
            .filter(|m| {
                m.confidence >= MIN_SDK_CONFIDENCE
                    && Self::mention_ids(m).any(|id| self.same_family(sdk, id))
            })
            .collect()
    }

    fn sdk_usage(&self, sdk: &str) -> Option<&'a DetectedSdk> {
        self.inv.sdks.iter().find(|s| s.id == sdk)
    }

    /// Best class of `data_type` among mentions; negations are handled separately.
    fn classify<'m>(
        &self,
        data_type: &'a str,
        mentions: impl Iterator<Item = &'m DataTypeMention>,
    ) -> (Disclosure, Vec<&'m DataTypeMention>) {
        let covering = self.covering_ids(data_type);
        let mut clear = Vec::new();
        let mut vague = Vec::new();
        for m in mentions.filter(|m| !m.negated) {
            if m.id == data_type && !m.category {
                clear.push(m);
            } else if covering.contains(m.id.as_str()) && !self.is_closed_enumeration(m) {
                vague.push(m);
            }
        }
        if !clear.is_empty() {
            (Disclosure::Clear, clear)
        } else if !vague.is_empty() {
            (Disclosure::Vague, vague)
        } else {
            (Disclosure::Omitted, Vec::new())
        }
    }

    /// Whether a broad term is defined on the spot by a closed list: "device information (device model,
    /// operating system version)". Such a term covers only what it lists (the policy's own ontology, as in
    /// PoliGraph), so unlisted types are omitted rather than vague. An open list ("such as", "等", "including")
    /// or a parenthesis that names no data type ("Location (ACCESS_FINE_LOCATION)") leaves the term broad.
    fn is_closed_enumeration(&self, m: &DataTypeMention) -> bool {
        if !m.category {
            return false;
        }
        let Some(line) = m.line.checked_sub(1).and_then(|i| self.policy.lines.get(i)) else {
            return false;
        };
        let start = m
            .column
            .saturating_sub(1)
            .saturating_add(m.matched.chars().count());
        let rest: Vec<char> = line.chars().skip(start).collect();
        let skipped = rest.iter().take_while(|c| c.is_whitespace()).count();
        if !matches!(rest.get(skipped), Some('(' | '（')) {
            return false;
        }
        let Some(close) = rest
            .iter()
            .skip(skipped)
            .position(|c| matches!(c, ')' | '）'))
        else {
            return false;
        };
        let inner: String = rest
            .iter()
            .skip(skipped + 1)
            .take(close.saturating_sub(1))
            .collect::<String>()
            .to_lowercase();
        if OPEN_LIST_MARKERS.iter().any(|k| inner.contains(k)) {
            return false;
        }
        // Columns are 1-based; the list spans (start + skipped + 1, start + skipped + close].
        let (lo, hi) = (start + skipped + 1, start + skipped + close);
        self.policy
            .data_types
            .iter()
            .any(|o| o.line == m.line && o.column > lo && o.column <= hi)
    }

    /// Negated statements that cover the type ("we do not collect your contacts").
    fn denials(&self, data_type: &'a str) -> Vec<&'a DataTypeMention> {
        let covering = self.covering_ids(data_type);
        self.policy
            .data_types
            .iter()
            .filter(|m| m.negated && covering.contains(m.id.as_str()))
            .collect()
    }

    /// Class of one reader's access. The app is covered by first- and third-party statements; an SDK by its
    /// own row (entity-sensitive, as PoliCheck), or, when the policy has no row for it, by statements about third parties.
    fn classify_reader(
        &self,
        data_type: &'a str,
        sdk: Option<&str>,
    ) -> (Disclosure, Vec<PolicyEvidence>) {
        // Frameworks and utility libraries (AndroidX, OkHttp) act for the app: their reads are the app's.
        let sdk = sdk.filter(|id| !self.acts_for_app(id));
        let Some(sdk) = sdk else {
            let general = self
                .policy
                .data_types
                .iter()
                .filter(|m| !self.is_sdk_collector(&m.collector));
            let (class, quotes) = self.classify(data_type, general);
            return (
                class,
                quotes
                    .iter()
                    .take(EVIDENCE_SAMPLES)
                    .map(|m| quote_of(m))
                    .collect(),
            );
        };
        let rows = self.rows_for(sdk);
        if rows.is_empty() {
            let general = self
                .policy
                .data_types
                .iter()
                .filter(|m| m.collector == "third_party");
            let (class, quotes) = self.classify(data_type, general);
            return (
                class,
                quotes
                    .iter()
                    .take(EVIDENCE_SAMPLES)
                    .map(|m| quote_of(m))
                    .collect(),
            );
        }
        let own =
            self.policy.data_types.iter().filter(|m| {
                self.is_sdk_collector(&m.collector) && self.same_family(sdk, &m.collector)
            });
        let (mut class, quotes) = self.classify(data_type, own);
        let mut evidence: Vec<PolicyEvidence> = quotes
            .iter()
            .take(EVIDENCE_SAMPLES)
            .map(|m| quote_of(m))
            .collect();
        // The row's own list of types, in case the reader attributed a type to the row without a mention.
        let covering = self.covering_ids(data_type);
        for row in &rows {
            let listed_clear = row.data_types.iter().any(|t| t == data_type);
            let listed_vague =
                row.data_types.iter().any(|t| {
                    t != data_type
                        && covering.contains(t.as_str())
                        && !self.policy.data_types.iter().any(|m| {
                            m.line == row.line && &m.id == t && self.is_closed_enumeration(m)
                        })
                });
            if listed_clear {
                class = Disclosure::Clear;
            } else if listed_vague && class == Disclosure::Omitted {
                class = Disclosure::Vague;
            }
        }
        if evidence.is_empty()
            && let Some(row) = rows.first()
        {
            let listed: Vec<String> = row
                .data_types
                .iter()
                .map(|t| self.type_names(t).0)
                .collect();
            let note = if listed.is_empty() {
                format!(
                    "the policy's entry for {} lists no data types",
                    row.name_in_text
                )
            } else {
                format!(
                    "the policy's entry for {} lists: {}",
                    row.name_in_text,
                    listed.join(", ")
                )
            };
            evidence.push(PolicyEvidence::quote(&row.quote, row.line, note));
        }
        (class, evidence)
    }

    /// Whether a detected SDK is a framework or utility library, which processes data only on the app's behalf.
    fn acts_for_app(&self, sdk: &str) -> bool {
        self.sdk_usage(sdk)
            .is_some_and(|s| matches!(s.category.as_str(), "framework" | "utility"))
            || self
                .know
                .signatures
                .get(sdk)
                .is_some_and(|s| !s.category.is_data_processing())
    }

    fn is_sdk_collector(&self, collector: &str) -> bool {
        !matches!(collector, "first_party" | "third_party" | "")
    }

    fn is_flagged_permission(&self, name: &str) -> bool {
        self.inv
            .permissions
            .iter()
            .any(|p| p.name == name && is_flagged_protection(&p.protection))
    }

    /// Every data type the app touches with code, or through a dangerous/special permission, classified.
    fn classify_all(&self) -> Vec<DataDisclosure> {
        let mut out = Vec::new();
        for access in &self.inv.data_access {
            let readers = self.readers(access);
            if readers.is_empty() {
                continue;
            }
            let (overall, _) = self.classify(&access.data_type, self.policy.data_types.iter());
            let incorrect =
                !self.denials(&access.data_type).is_empty() && overall != Disclosure::Clear;
            out.push(DataDisclosure {
                data_type: access.data_type.clone(),
                name_en: access.name_en.clone(),
                name_zh: access.name_zh.clone(),
                disclosure: if incorrect {
                    Disclosure::Incorrect
                } else {
                    overall
                },
                readers: readers
                    .into_iter()
                    .map(|(sdk, via)| {
                        let (class, _) = self.classify_reader(&access.data_type, sdk);
                        ReaderDisclosure {
                            usage: sdk.and_then(|s| self.sdk_usage(s)).map(|s| s.usage.status),
                            sdk: sdk.map(str::to_owned),
                            via,
                            disclosure: if incorrect {
                                Disclosure::Incorrect
                            } else {
                                class
                            },
                        }
                    })
                    .collect(),
            });
        }
        out
    }

    /// Who reads a data type: accessors in code, or the app through a dangerous/special permission.
    fn readers(&self, access: &'a DataAccess) -> Vec<(Option<&'a str>, &'static str)> {
        let mut readers: Vec<(Option<&str>, &str)> = access
            .accessors
            .iter()
            .map(|a| (a.sdk.as_deref(), "code"))
            .collect();
        if readers.is_empty()
            && access
                .permissions
                .iter()
                .any(|p| self.is_flagged_permission(p))
        {
            readers.push((None, "permission"));
        }
        readers
    }

    fn access(&self, data_type: &str) -> Option<&'a DataAccess> {
        self.inv
            .data_access
            .iter()
            .find(|a| a.data_type == data_type)
    }

    fn finding(&self, rule: RuleId, severity: Severity, message: String) -> Finding {
        Finding {
            rule,
            rule_name: rule.name(),
            severity,
            message,
            sdk: None,
            data_type: None,
            permission: None,
            disclosure: None,
            app_evidence: Vec::new(),
            policy_evidence: Vec::new(),
            regulations: &rule.info().clauses,
            cn_rules: &rule.info().cn_rules,
        }
    }

    /// Whether every reader is weak evidence: only a permission, or SDKs that are bundled but never called.
    fn weak_readers(&self, readers: &[ReaderDisclosure]) -> bool {
        readers.iter().all(|r| {
            r.via == "permission"
                || r.sdk
                    .as_deref()
                    .is_some_and(|s| !self.acts_for_app(s) && r.usage != Some("used"))
        })
    }

    fn reader_list(&self, readers: &[ReaderDisclosure]) -> String {
        let mut names: Vec<String> = readers
            .iter()
            .map(|r| match (&r.sdk, r.via) {
                (None, "permission") => {
                    "the app (permission only, no read seen in code)".to_owned()
                }
                (None, _) => "the app's own code".to_owned(),
                (Some(s), _) => self.sdk_name(s),
            })
            .collect();
        names.dedup();
        names.join(", ")
    }

    fn data_evidence(
        &self,
        access: &DataAccess,
        sdk_filter: Option<Option<&str>>,
    ) -> Vec<AppEvidence> {
        let mut evidence = Vec::new();
        for p in &access.permissions {
            if self.inv.permissions.iter().any(|ip| &ip.name == p) {
                evidence.push(manifest_evidence(self.inv, p));
            }
        }
        for accessor in &access.accessors {
            if sdk_filter.is_none_or(|want| want == accessor.sdk.as_deref()) {
                accessor_evidence(accessor, &mut evidence);
            }
        }
        evidence
    }

    /// Whether some data type granted by the same flagged permissions is declared (clear or vague) in the policy.
    fn permission_accounted_for(&self, access: &DataAccess) -> bool {
        self.inv
            .permissions
            .iter()
            .filter(|p| {
                access.permissions.contains(&p.name) && is_flagged_protection(&p.protection)
            })
            .flat_map(|p| p.data_types.iter())
            .any(|t| self.classify(t, self.policy.data_types.iter()).0 != Disclosure::Omitted)
    }

    // AA101
    fn sdk_undisclosed(&self, out: &mut Vec<Finding>) {
        for sdk in &self.inv.sdks {
            if !self.rows_for(&sdk.id).is_empty() {
                continue;
            }
            let reads: Vec<&str> = self
                .inv
                .data_access
                .iter()
                .filter(|a| {
                    a.accessors
                        .iter()
                        .any(|x| x.sdk.as_deref() == Some(sdk.id.as_str()))
                })
                .map(|a| a.data_type.as_str())
                .collect();
            // Frameworks and utility libraries do not process personal data on their own behalf (CN-S01 is about SDKs
            // that collect); what they read is reported as the app's reads.
            if self.acts_for_app(&sdk.id) {
                continue;
            }
            let used = sdk.usage.status == "used";
            let base = (self.severity)(RuleId::SdkUndisclosed);
            let severity = if used { base } else { base.lowered() };
            let how = match sdk.usage.status {
                "used" => format!(
                    "called from outside its code ({} call{})",
                    sdk.usage.call_count,
                    if sdk.usage.call_count == 1 { "" } else { "s" }
                ),
                "present" => "bundled but never called from outside its code".to_owned(),
                _ => "bundled (calls could not be checked)".to_owned(),
            };
            let reads_text = if reads.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = reads.iter().map(|t| self.type_names(t).0).collect();
                format!("; it reads {}", names.join(", "))
            };
            let mut f = self.finding(
                RuleId::SdkUndisclosed,
                severity,
                format!(
                    "{} ({}, {}) is not named in the policy; it is {}{}",
                    sdk.name, sdk.category, sdk.vendor, how, reads_text
                ),
            );
            f.sdk = Some(sdk.id.clone());
            for e in sdk.evidence.iter().take(EVIDENCE_SAMPLES) {
                f.app_evidence.push(AppEvidence {
                    kind: e.kind.clone(),
                    location: Some(e.location.clone()).filter(|l| !l.is_empty()),
                    value: e.value.clone(),
                    sdk: Some(sdk.id.clone()),
                });
            }
            for (i, site) in sdk
                .usage
                .call_sites
                .iter()
                .enumerate()
                .take(EVIDENCE_SAMPLES)
            {
                f.app_evidence.push(AppEvidence {
                    kind: "sdk_call".into(),
                    location: code_file(&sdk.usage.call_site_files, i),
                    value: site.clone(),
                    sdk: Some(sdk.id.clone()),
                });
            }
            f.policy_evidence
                .push(PolicyEvidence::not_mentioned(format!(
                    "no SDK list entry or sentence names {} or its packages ({})",
                    sdk.name,
                    sdk.packages.join(", ")
                )));
            out.push(f);
        }
    }

    // AA102, AA103, AA104, AA106 (data types)
    fn data_findings(&self, disclosures: &[DataDisclosure], out: &mut Vec<Finding>) {
        for d in disclosures {
            let Some(access) = self.access(&d.data_type) else {
                continue;
            };
            let who = self.reader_list(&d.readers);
            let weak = self.weak_readers(&d.readers);
            match d.disclosure {
                Disclosure::Incorrect => {
                    let base = (self.severity)(RuleId::StatementContradicted);
                    let mut f = self.finding(
                        RuleId::StatementContradicted,
                        if weak { base.lowered() } else { base },
                        format!(
                            "The policy says {} is not collected, but {} reads it",
                            d.name_en, who
                        ),
                    );
                    f.data_type = Some(d.data_type.clone());
                    f.disclosure = Some(Disclosure::Incorrect);
                    f.app_evidence = self.data_evidence(access, None);
                    for m in self
                        .denials(&access.data_type)
                        .into_iter()
                        .take(EVIDENCE_SAMPLES)
                    {
                        f.policy_evidence.push(PolicyEvidence::quote(
                            &m.quote,
                            m.line,
                            format!("denies collecting \"{}\"", m.matched),
                        ));
                    }
                    out.push(f);
                }
                // A permission grants several types (READ_PHONE_STATE: IMEI, ICCID, serial …); when the code reads
                // none of them, one that the policy declares is enough to show the permission is accounted for.
                Disclosure::Omitted
                    if d.readers.iter().all(|r| r.via == "permission")
                        && self.permission_accounted_for(access) => {}
                Disclosure::Omitted => {
                    let base = (self.severity)(RuleId::DataUndisclosed);
                    let mut f = self.finding(
                        RuleId::DataUndisclosed,
                        if weak { base.lowered() } else { base },
                        format!(
                            "{} is read by {} but the policy never declares it",
                            d.name_en, who
                        ),
                    );
                    f.data_type = Some(d.data_type.clone());
                    f.disclosure = Some(Disclosure::Omitted);
                    f.app_evidence = self.data_evidence(access, None);
                    f.policy_evidence
                        .push(PolicyEvidence::not_mentioned(format!(
                            "no mention of {} / {} or of a category that covers it",
                            d.name_en, d.name_zh
                        )));
                    out.push(f);
                }
                Disclosure::Vague => {
                    let base = (self.severity)(RuleId::DataVague);
                    let (_, quotes) =
                        self.classify(&access.data_type, self.policy.data_types.iter());
                    let terms: BTreeSet<&str> = quotes.iter().map(|m| m.matched.as_str()).collect();
                    let mut f = self.finding(
                        RuleId::DataVague,
                        if weak { base.lowered() } else { base },
                        format!(
                            "{} is read by {} but the policy covers it only as \"{}\"",
                            d.name_en,
                            who,
                            terms.into_iter().collect::<Vec<_>>().join("\", \"")
                        ),
                    );
                    f.data_type = Some(d.data_type.clone());
                    f.disclosure = Some(Disclosure::Vague);
                    f.app_evidence = self.data_evidence(access, None);
                    for m in quotes.iter().take(EVIDENCE_SAMPLES) {
                        f.policy_evidence.push(quote_of(m));
                    }
                    out.push(f);
                }
                Disclosure::Clear => {}
            }
            // AA104: entity-sensitive, only where the type is declared somewhere (else AA102/AA106 already say so).
            if matches!(d.disclosure, Disclosure::Omitted | Disclosure::Incorrect) {
                continue;
            }
            for r in &d.readers {
                let Some(sdk) = r.sdk.as_deref() else {
                    continue;
                };
                if r.disclosure == Disclosure::Clear
                    || self.acts_for_app(sdk)
                    || self.own_rows(sdk).is_empty()
                {
                    continue;
                }
                let base = (self.severity)(RuleId::SdkDataUnlisted);
                let weaker = r.disclosure == Disclosure::Vague || r.usage != Some("used");
                let (_, evidence) = self.classify_reader(&access.data_type, Some(sdk));
                let name = self.sdk_name(sdk);
                let mut f = self.finding(
                    RuleId::SdkDataUnlisted,
                    if weaker { base.lowered() } else { base },
                    if r.disclosure == Disclosure::Vague {
                        format!("{name} reads {} but its entry in the policy covers it only by a broad term", d.name_en)
                    } else {
                        format!("{name} reads {} but its entry in the policy does not list it", d.name_en)
                    },
                );
                f.sdk = Some(sdk.to_owned());
                f.data_type = Some(d.data_type.clone());
                f.disclosure = Some(r.disclosure);
                f.app_evidence = self.data_evidence(access, Some(Some(sdk)));
                f.policy_evidence = evidence;
                out.push(f);
            }
        }
    }

    // AA105 and AA106 (negated permission statements)
    fn permission_findings(&self, out: &mut Vec<Finding>) {
        let mut seen_kinds = BTreeSet::new();
        // Special permissions of the CN-N08 table are AA112's (with their own clauses), not AA105's.
        let special: BTreeSet<&str> = cn::TABLES
            .special
            .iter()
            .flat_map(|s| s.permissions.iter().map(String::as_str))
            .collect();
        for perm in
            self.inv.permissions.iter().filter(|p| {
                is_flagged_protection(&p.protection) && !special.contains(p.name.as_str())
            })
        {
            let short = short_permission(&perm.name);
            let kind = permission_kind(&perm.name);
            let mentions: Vec<_> = self
                .policy
                .permissions
                .iter()
                .filter(|m| Some(m.name.as_str()) == kind)
                .collect();
            if let Some(denial) = mentions.iter().find(|m| m.negated)
                && seen_kinds.insert(denial.name.clone())
            {
                let mut f = self.finding(
                    RuleId::StatementContradicted,
                    (self.severity)(RuleId::StatementContradicted),
                    format!("The policy says the {} permission is not requested, but the app requests {}", denial.name, short),
                );
                f.permission = Some(perm.name.clone());
                f.disclosure = Some(Disclosure::Incorrect);
                f.app_evidence.push(manifest_evidence(self.inv, &perm.name));
                f.policy_evidence.push(PolicyEvidence::quote(
                    &denial.quote,
                    denial.line,
                    "denies requesting it",
                ));
                out.push(f);
            }
            if mentions
                .iter()
                .any(|m| !m.negated && m.purpose.as_deref().is_some_and(|p| !p.trim().is_empty()))
            {
                continue;
            }
            // A permission the lexicon has no kind for counts as explained when the policy names it literally.
            if kind.is_none() && self.policy.lines.iter().any(|l| l.contains(short)) {
                continue;
            }
            let mut f = self.finding(
                RuleId::PermissionNoPurpose,
                (self.severity)(RuleId::PermissionNoPurpose),
                format!(
                    "{} ({}) is requested but the policy states no purpose for it",
                    short, perm.protection
                ),
            );
            f.permission = Some(perm.name.clone());
            f.app_evidence.push(manifest_evidence(self.inv, &perm.name));
            let positive: Vec<_> = mentions.iter().filter(|m| !m.negated).collect();
            if positive.is_empty() {
                f.policy_evidence
                    .push(PolicyEvidence::not_mentioned(format!(
                        "no permission statement about {}",
                        kind.unwrap_or(short)
                    )));
            } else {
                for m in positive.into_iter().take(EVIDENCE_SAMPLES) {
                    f.policy_evidence.push(PolicyEvidence::quote(
                        &m.quote,
                        m.line,
                        "mentioned without a purpose",
                    ));
                }
            }
            out.push(f);
        }
    }

    // AA107
    fn sdk_not_found(&self, out: &mut Vec<Finding>) {
        let mut reported = BTreeSet::new();
        for m in &self.policy.sdks {
            let Some(id) = m.sdk_id.as_deref() else {
                continue;
            };
            if m.confidence < MIN_SDK_CONFIDENCE {
                continue;
            }
            // Present when the SDK or one of its sub-SDKs is in the app; a shared base library alone (Play services
            // base for AdMob) does not show that the named SDK is bundled.
            let found = Self::mention_ids(m)
                .any(|mid| self.inv.sdks.iter().any(|s| self.within(&s.id, mid)));
            if found || !reported.insert(id.to_owned()) {
                continue;
            }
            let mut f = self.finding(
                RuleId::SdkNotFound,
                (self.severity)(RuleId::SdkNotFound),
                format!(
                    "The policy names {} but the app shows no sign of it",
                    self.sdk_name(id)
                ),
            );
            f.sdk = Some(id.to_owned());
            f.app_evidence.push(AppEvidence {
                kind: "not_found".into(),
                location: None,
                value: format!(
                    "no class, library, component or manifest entry of {} ({})",
                    id,
                    m.packages.join(", ")
                ),
                sdk: Some(id.to_owned()),
            });
            f.policy_evidence.push(PolicyEvidence::quote(
                &m.quote,
                m.line,
                format!("names \"{}\"", m.name_in_text),
            ));
            out.push(f);
        }
    }

    // AA108
    fn data_not_found(&self, out: &mut Vec<Finding>) {
        let mut reported = BTreeSet::new();
        for m in self
            .policy
            .data_types
            .iter()
            .filter(|m| !m.negated && !m.category)
        {
            if self.know.taxonomy.get(&m.id).is_none() || reported.contains(m.id.as_str()) {
                continue;
            }
            let touched = self.access(&m.id).is_some();
            let granted = self
                .inv
                .permissions
                .iter()
                .any(|p| p.data_types.contains(&m.id));
            let documented = self
                .inv
                .sdks
                .iter()
                .any(|s| s.documented_data_types.contains(&m.id));
            if touched || granted || documented {
                continue;
            }
            reported.insert(m.id.as_str());
            let (en, zh) = self.type_names(&m.id);
            let mut f = self.finding(
                RuleId::DataNotFound,
                (self.severity)(RuleId::DataNotFound),
                format!("The policy declares {en} ({zh}) but the app shows no sign of reading it"),
            );
            f.data_type = Some(m.id.clone());
            f.app_evidence.push(AppEvidence {
                kind: "not_found".into(),
                location: None,
                value: format!("no permission, API call or bundled SDK that reads {en}"),
                sdk: None,
            });
            f.policy_evidence.push(quote_of(m));
            out.push(f);
        }
    }

    fn has_section(&self, kind: &str) -> bool {
        self.policy
            .sections
            .iter()
            .any(|s| s.kind == kind || s.kinds.iter().any(|k| k == kind))
    }

    // AA201–AA206
    fn structure(&self, out: &mut Vec<Finding>) {
        let data_sdks: Vec<&DetectedSdk> = self
            .inv
            .sdks
            .iter()
            .filter(|s| !self.acts_for_app(&s.id))
            .collect();
        // A bulleted list of services counts as a list too: two SDKs named on consecutive lines.
        let mut named_lines: Vec<usize> = self
            .policy
            .sdks
            .iter()
            .filter(|m| m.confidence >= MIN_SDK_CONFIDENCE)
            .map(|m| m.line)
            .collect();
        named_lines.sort_unstable();
        let listed_together = named_lines
            .windows(2)
            .any(|w| matches!(w, [a, b] if b.saturating_sub(*a) == 1));
        if !data_sdks.is_empty()
            && !self.has_section("sdk_list")
            && !self.policy.sdks.iter().any(|s| s.in_sdk_list)
            && !listed_together
        {
            let mut f = self.finding(
                RuleId::PolicyNoSdkList,
                (self.severity)(RuleId::PolicyNoSdkList),
                format!("The app bundles {} third-party SDKs but the policy has no third-party SDK list", data_sdks.len()),
            );
            for s in data_sdks.iter().take(EVIDENCE_SAMPLES * 2) {
                f.app_evidence.push(AppEvidence {
                    kind: "sdk".into(),
                    location: None,
                    value: s.name.clone(),
                    sdk: Some(s.id.clone()),
                });
            }
            f.policy_evidence.push(PolicyEvidence::section_missing(
                "no SDK list heading or table",
            ));
            out.push(f);
        }
        let checks = [
            (
                RuleId::PolicyNoContact,
                "contact",
                "The policy gives no contact details",
                "no email, phone or address for privacy questions",
            ),
            (
                RuleId::PolicyNoUserRights,
                "user_rights",
                "The policy does not describe users' rights",
                "no section on access, correction, deletion or consent withdrawal",
            ),
            (
                RuleId::PolicyNoAccountCancellation,
                "account_cancellation",
                "The policy does not say how to cancel the account",
                "no text about account cancellation / 注销账号",
            ),
            (
                RuleId::PolicyNoChildrenSection,
                "children",
                "The policy has no section on children",
                "no text about children or minors",
            ),
            (
                RuleId::PolicyNoUpdateDate,
                "update_date",
                "The policy states no update or effective date",
                "no update / effective date",
            ),
        ];
        for (rule, kind, message, note) in checks {
            if !self.has_section(kind) {
                let mut f = self.finding(rule, (self.severity)(rule), message.to_owned());
                f.policy_evidence
                    .push(PolicyEvidence::section_missing(note));
                out.push(f);
            }
        }
    }
}

fn quote_of(m: &DataTypeMention) -> PolicyEvidence {
    let who = match m.collector.as_str() {
        "first_party" => "the app".to_owned(),
        "third_party" => "third parties".to_owned(),
        other => other.to_owned(),
    };
    let term = if m.category { "broad term" } else { "term" };
    PolicyEvidence::quote(
        &m.quote,
        m.line,
        format!("{term} \"{}\" (collected by {who})", m.matched),
    )
}
