//! The comparison itself: joins the inventory with the policy reading and produces raw findings
//! (before configuration: severities overrides and waivers are applied in `lib.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use appaudit_model::{DetectedSdk, Inventory, Protection};
use appaudit_policy::{DataTypeMention, PolicyReading, SdkMention, SectionKind};
use appaudit_sdk::SignatureDb;
use appaudit_taxonomy::{Accessor, DataAccess, Taxonomy};
use serde::Deserialize;

use super::RuleId;
use crate::model::{
    AppEvidence, DataDisclosure, Disclosure, Finding, PolicyEvidence, ReaderDisclosure, Severity,
};

/// How many call sites / quotes one finding lists (the rest are summarised by count).
pub(super) const EVIDENCE_SAMPLES: usize = 3;

/// Policy SDK mentions below this confidence do not count as naming an SDK. The policy reader gives 0.8 to
/// recognisable typos ("Jigaung Push", "Umen statistics") and 0.7 to loose fuzzy hits on ordinary words
/// ("Shared", "Posting"), which must not hide or invent an SDK.
pub(super) const MIN_SDK_CONFIDENCE: f64 = 0.75;

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

pub(super) struct Ctx<'a> {
    pub(super) inv: &'a Inventory,
    pub(super) policy: &'a PolicyReading,
    pub(super) know: Knowledge<'a>,
    pub(super) severity: SeverityOf<'a>,
    /// data type or hypernym id → the hypernyms directly above it.
    pub(super) parents: BTreeMap<&'a str, Vec<&'a str>>,
    /// The app's service type (`audit --app-type`), for AA117.
    pub(super) app_type: Option<&'static super::ServiceType>,
}

/// Runs every rule.
pub(crate) fn compare(
    inv: &Inventory,
    policy: &PolicyReading,
    know: Knowledge<'_>,
    severity: SeverityOf<'_>,
    app_type: Option<&'static super::ServiceType>,
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
        app_type,
    };
    let disclosures = ctx.classify_all();
    let mut findings = Vec::new();
    ctx.sdk_undisclosed(&mut findings);
    ctx.data_findings(&disclosures, &mut findings);
    ctx.statement_contradicted(&disclosures, &mut findings);
    ctx.permission_findings(&mut findings);
    ctx.sdk_not_found(&mut findings);
    ctx.data_not_found(&mut findings);
    ctx.structure(&mut findings);
    ctx.cn_pack(&mut findings);
    ctx.startup_calls(&mut findings);
    ctx.beyond_necessary(&mut findings);
    ctx.empty_purpose_strings(&mut findings);
    ctx.sensitive_not_marked(&mut findings);
    sort_findings(&mut findings);
    Comparison {
        findings,
        disclosures,
    }
}

/// Most severe first, then by rule and subject.
pub(crate) fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(&b.rule))
            .then(a.sdk.cmp(&b.sdk))
            .then(a.data_type.cmp(&b.data_type))
            .then(a.permission.cmp(&b.permission))
    });
}

/// `data/permission_kinds.toml`: permission → the policy reader's permission kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionKinds {
    android: BTreeMap<String, String>,
    ios_resources: BTreeMap<String, String>,
}

/// `data/ios_usage_keys.toml`, the one table of usage keys: only what the kinds need.
#[derive(Debug, Deserialize)]
struct UsageKeys {
    key: Vec<UsageKey>,
}

#[derive(Debug, Deserialize)]
struct UsageKey {
    key: String,
    resource: String,
}

const PERMISSION_KINDS_TOML: &str = include_str!("../../data/permission_kinds.toml");
const USAGE_KEYS_TOML: &str = include_str!("../../../../data/ios_usage_keys.toml");
const OPEN_LIST_TOML: &str = include_str!("../../data/open_list_markers.toml");

/// Permission kinds by Android short name and by iOS usage key, loaded once. The files are
/// compiled in and parsed by the unit test `tables_parse`, so a broken one fails the tests,
/// never a tested build.
static PERMISSION_KINDS: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    let kinds: PermissionKinds = match toml::from_str(PERMISSION_KINDS_TOML) {
        Ok(k) => k,
        Err(e) => panic!("crates/audit/data/permission_kinds.toml: {e}"),
    };
    let keys: UsageKeys = match toml::from_str(USAGE_KEYS_TOML) {
        Ok(k) => k,
        Err(e) => panic!("data/ios_usage_keys.toml: {e}"),
    };
    let mut out = kinds.android;
    for k in keys.key {
        if let Some(kind) = kinds.ios_resources.get(&k.resource) {
            out.insert(k.key, kind.clone());
        }
    }
    out
});

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenListMarkers {
    markers: Vec<String>,
}

/// Words that make a parenthesised list open-ended (`data/open_list_markers.toml`), lower-cased.
pub(super) static OPEN_LIST_MARKERS: LazyLock<Vec<String>> =
    LazyLock::new(|| match toml::from_str::<OpenListMarkers>(OPEN_LIST_TOML) {
        Ok(m) => m.markers.into_iter().map(|w| w.to_lowercase()).collect(),
        Err(e) => panic!("crates/audit/data/open_list_markers.toml: {e}"),
    });

pub(super) fn short_permission(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

pub(super) fn permission_kind(name: &str) -> Option<&'static str> {
    PERMISSION_KINDS
        .get(short_permission(name))
        .map(String::as_str)
}

pub(super) fn is_flagged_protection(protection: Protection) -> bool {
    protection.is_flagged()
}

pub(super) fn manifest_evidence(inv: &Inventory, permission: &str) -> AppEvidence {
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
pub(super) fn code_file(files: &[String], i: usize) -> Option<String> {
    files.get(i).filter(|f| !f.is_empty()).cloned()
}

pub(super) fn accessor_evidence(accessor: &Accessor, out: &mut Vec<AppEvidence>) {
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
    pub(super) fn covering_ids(&self, id: &'a str) -> BTreeSet<&'a str> {
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

    pub(super) fn type_names(&self, id: &str) -> (String, String) {
        match self.know.taxonomy.get(id) {
            Some(t) => (t.name.en.clone(), t.name.zh.clone()),
            None => match self.know.taxonomy.hypernyms.get(id) {
                Some(h) => (h.name.en.clone(), h.name.zh.clone()),
                None => (id.to_owned(), id.to_owned()),
            },
        }
    }

    pub(super) fn sdk_name(&self, id: &str) -> String {
        self.inv
            .sdks
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .or_else(|| self.know.signatures.get(id).map(|s| s.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// Whether two SDK ids are the same SDK or one is within the other's family (JPush ⊂ JCore).
    pub(super) fn same_family(&self, a: &str, b: &str) -> bool {
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
    pub(super) fn within(&self, sdk: &str, named: &str) -> bool {
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
    pub(super) fn own_rows(&self, sdk: &str) -> Vec<&'a SdkMention> {
        self.policy
            .sdks
            .iter()
            .filter(|m| {
                m.confidence >= MIN_SDK_CONFIDENCE
                    && m.sdk_id.as_deref().is_some_and(|id| self.within(sdk, id))
            })
            .collect()
    }

    pub(super) fn mention_ids(mention: &SdkMention) -> impl Iterator<Item = &str> {
        mention
            .sdk_id
            .as_deref()
            .into_iter()
            .chain(mention.related_sdk_ids.iter().map(String::as_str))
    }

    /// The policy's rows / sentences that name this detected SDK.
    pub(super) fn rows_for(&self, sdk: &str) -> Vec<&'a SdkMention> {
        self.policy
            .sdks
            .iter()
            .filter(|m| {
                m.confidence >= MIN_SDK_CONFIDENCE
                    && Self::mention_ids(m).any(|id| self.same_family(sdk, id))
            })
            .collect()
    }

    pub(super) fn sdk_usage(&self, sdk: &str) -> Option<&'a DetectedSdk> {
        self.inv.sdks.iter().find(|s| s.id == sdk)
    }

    /// Best class of `data_type` among mentions; negations are handled separately.
    pub(super) fn classify<'m>(
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
    pub(super) fn is_closed_enumeration(&self, m: &DataTypeMention) -> bool {
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
        if OPEN_LIST_MARKERS.iter().any(|k| inner.contains(k.as_str())) {
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
    pub(super) fn denials(&self, data_type: &'a str) -> Vec<&'a DataTypeMention> {
        let covering = self.covering_ids(data_type);
        self.policy
            .data_types
            .iter()
            .filter(|m| m.negated && covering.contains(m.id.as_str()))
            .collect()
    }

    /// Class of one reader's access. The app is covered by first- and third-party statements; an SDK by its
    /// own row (entity-sensitive, as PoliCheck), or, when the policy has no row for it, by statements about third parties.
    pub(super) fn classify_reader(
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
    pub(super) fn acts_for_app(&self, sdk: &str) -> bool {
        self.sdk_usage(sdk)
            .is_some_and(|s| matches!(s.category.as_str(), "framework" | "utility"))
            || self
                .know
                .signatures
                .get(sdk)
                .is_some_and(|s| !s.category.is_data_processing())
    }

    pub(super) fn is_sdk_collector(&self, collector: &str) -> bool {
        !matches!(collector, "first_party" | "third_party" | "")
    }

    pub(super) fn is_flagged_permission(&self, name: &str) -> bool {
        self.inv
            .permissions
            .iter()
            .any(|p| p.name == name && is_flagged_protection(p.protection))
    }

    /// Every data type the app touches with code, or through a dangerous/special permission, classified.
    pub(super) fn classify_all(&self) -> Vec<DataDisclosure> {
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
    pub(super) fn readers(&self, access: &'a DataAccess) -> Vec<(Option<&'a str>, &'static str)> {
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

    pub(super) fn access(&self, data_type: &str) -> Option<&'a DataAccess> {
        self.inv
            .data_access
            .iter()
            .find(|a| a.data_type == data_type)
    }

    pub(super) fn finding(&self, rule: RuleId, severity: Severity, message: String) -> Finding {
        Finding::new(rule, severity, message)
    }

    /// Whether every reader is weak evidence: only a permission, or SDKs that are bundled but never called.
    pub(super) fn weak_readers(&self, readers: &[ReaderDisclosure]) -> bool {
        readers.iter().all(|r| {
            r.via == "permission"
                || r.sdk
                    .as_deref()
                    .is_some_and(|s| !self.acts_for_app(s) && r.usage != Some("used"))
        })
    }

    pub(super) fn reader_list(&self, readers: &[ReaderDisclosure]) -> String {
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

    pub(super) fn data_evidence(
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
    pub(super) fn permission_accounted_for(&self, access: &DataAccess) -> bool {
        self.inv
            .permissions
            .iter()
            .filter(|p| access.permissions.contains(&p.name) && is_flagged_protection(p.protection))
            .flat_map(|p| p.data_types.iter())
            .any(|t| self.classify(t, self.policy.data_types.iter()).0 != Disclosure::Omitted)
    }

    pub(super) fn has_section(&self, kind: SectionKind) -> bool {
        self.policy
            .sections
            .iter()
            .any(|s| s.kind == kind || s.kinds.contains(&kind))
    }
}

pub(super) fn quote_of(m: &DataTypeMention) -> PolicyEvidence {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(PERMISSION_KINDS.len() > 40);
        assert!(OPEN_LIST_MARKERS.iter().any(|m| m == "包括但不限于"));
        assert_eq!(permission_kind("android.permission.CAMERA"), Some("camera"));
        assert_eq!(
            permission_kind("NSLocationWhenInUseUsageDescription"),
            Some("location")
        );
        assert_eq!(permission_kind("android.permission.INTERNET"), None);
    }

    #[test]
    fn every_ios_resource_is_one_of_the_usage_key_table() {
        let kinds: PermissionKinds = toml::from_str(PERMISSION_KINDS_TOML).unwrap();
        let keys: UsageKeys = toml::from_str(USAGE_KEYS_TOML).unwrap();
        for resource in kinds.ios_resources.keys() {
            assert!(
                keys.key.iter().any(|k| &k.resource == resource),
                "{resource} is no resource of data/ios_usage_keys.toml"
            );
        }
    }

    #[test]
    fn every_kind_is_a_permission_of_the_policy_lexicon() {
        #[derive(Deserialize)]
        struct Lexicon {
            permission: Vec<Named>,
        }
        #[derive(Deserialize)]
        struct Named {
            name: String,
        }
        let lexicon: toml::Value =
            toml::from_str(include_str!("../../../policy/data/policy_lexicon.toml")).unwrap();
        let lexicon: Lexicon = lexicon.try_into().unwrap();
        for kind in PERMISSION_KINDS.values() {
            assert!(
                lexicon.permission.iter().any(|p| &p.name == kind),
                "{kind} is no permission kind of the policy lexicon"
            );
        }
    }
}
