//! The compiled vocabulary: taxonomy phrases, policy cues and SDK names, each
//! compiled once into an Aho-Corasick automaton.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use appaudit_taxonomy::Taxonomy;
use serde::Deserialize;

use crate::PolicyError;

/// The policy-specific vocabulary bundled with the crate.
pub const BUILTIN_POLICY_LEXICON: &str = include_str!("../data/policy_lexicon.toml");

/// An SDK as the policy reader needs it: what a policy may call it and its package prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct KnownSdk {
    /// Stable id from the SDK database.
    pub id: String,
    /// Names and aliases (English and Chinese) a policy may use.
    #[serde(default)]
    pub names: Vec<String>,
    /// Java package prefixes, dotted (`cn.jpush.android`).
    #[serde(default)]
    pub packages: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SectionKindData {
    pub kind: crate::SectionKind,
    #[serde(default)]
    pub heading: Vec<String>,
    #[serde(default)]
    pub body: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PermissionData {
    pub name: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub phrases: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct Anchors {
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub before: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LexiconData {
    #[serde(default)]
    negation_cues: Vec<String>,
    #[serde(default)]
    conditional_cues: Vec<String>,
    #[serde(default)]
    contrast_cues: Vec<String>,
    #[serde(default)]
    control_cues: Vec<String>,
    #[serde(default)]
    collection_verbs: Vec<String>,
    #[serde(default)]
    third_party_cues: Vec<String>,
    #[serde(default)]
    sdk_context_cues: Vec<String>,
    #[serde(default)]
    sdk_use_cues: Vec<String>,
    #[serde(default)]
    sdk_list_leads: Vec<String>,
    #[serde(default)]
    sdk_row_words: Vec<String>,
    #[serde(default)]
    sdk_list_intro_cues: Vec<String>,
    #[serde(default)]
    sdk_name_variants: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    sdk_field_labels: FieldLabelsData,
    #[serde(default)]
    company_suffixes: Vec<String>,
    #[serde(default)]
    common_word_sdk_names: Vec<String>,
    #[serde(default)]
    fuzzy_stopwords: Vec<String>,
    #[serde(default)]
    fuzzy_context_cues: Vec<String>,
    #[serde(default)]
    ignored_category_phrases: Vec<String>,
    #[serde(default)]
    extra_ambiguous_phrases: Vec<String>,
    #[serde(default)]
    blocked_contexts: Vec<String>,
    #[serde(default)]
    extra_phrases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub purpose_openers: Vec<String>,
    #[serde(default)]
    update_date_cues: Vec<String>,
    #[serde(default)]
    java_package_roots: Vec<String>,
    #[serde(default)]
    generic_package_segments: Vec<String>,
    #[serde(default)]
    section: Vec<SectionKindData>,
    #[serde(default)]
    permission: Vec<PermissionData>,
    #[serde(default)]
    permission_anchors: Anchors,
}

/// Labels of the fields of an SDK block ("使用目的：", "收集个人信息类型：", "SDK名称：").
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldLabelsData {
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    company: Vec<String>,
    #[serde(default)]
    purpose: Vec<String>,
    #[serde(default)]
    data: Vec<String>,
    #[serde(default)]
    permission: Vec<String>,
    #[serde(default)]
    link: Vec<String>,
    #[serde(default)]
    other: Vec<String>,
}

/// What a field of an SDK block holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    /// The SDK's name: starts a block.
    Name,
    /// The vendor's legal entity.
    Company,
    /// What the SDK is used for.
    Purpose,
    /// The personal information it collects.
    Data,
    /// The permissions it needs.
    Permission,
    /// A link to the vendor's policy or site.
    Link,
    /// Anything else of the block (scenario, method, platform).
    Other,
}

/// The field labels compiled into one anchored automaton.
pub(crate) struct FieldLabels {
    ac: AhoCorasick,
    kinds: Vec<FieldKind>,
}

impl FieldLabels {
    fn new(data: &FieldLabelsData) -> Result<Self, PolicyError> {
        let mut patterns: Vec<&str> = Vec::new();
        let mut kinds = Vec::new();
        for (kind, labels) in [
            (FieldKind::Name, &data.name),
            (FieldKind::Company, &data.company),
            (FieldKind::Purpose, &data.purpose),
            (FieldKind::Data, &data.data),
            (FieldKind::Permission, &data.permission),
            (FieldKind::Link, &data.link),
            (FieldKind::Other, &data.other),
        ] {
            for l in labels {
                patterns.push(l.as_str());
                kinds.push(kind);
            }
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(&patterns)
            .map_err(|e| PolicyError::Lexicon(e.to_string()))?;
        Ok(Self { ac, kinds })
    }

    /// The field a line (already stripped of list markers) starts with, and the byte range of
    /// its value: "使用目的：统计分析" → (Purpose, 15..27). A label must be followed by a colon.
    pub(crate) fn field(&self, text: &str) -> Option<(FieldKind, std::ops::Range<usize>)> {
        let input = aho_corasick::Input::new(text).anchored(aho_corasick::Anchored::Yes);
        let m = self.ac.find(input)?;
        let kind = *self.kinds.get(m.pattern().as_usize())?;
        let rest = text.get(m.end()..)?;
        let after_space = rest.trim_start_matches([' ', '\t', '\u{3000}']);
        let colon = after_space
            .chars()
            .next()
            .filter(|c| matches!(c, ':' | '：'))?;
        let value_start = text.len() - after_space.len() + colon.len_utf8();
        Some((kind, value_start..text.len()))
    }
}

/// What a data-type phrase names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhraseTarget {
    pub id: String,
    pub category: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct DataPhrase {
    pub targets: Vec<PhraseTarget>,
    pub ambiguous: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct SdkName {
    pub sdks: Vec<usize>,
    pub common_word: bool,
}

/// A set of cues compiled into one automaton.
#[derive(Debug, Clone)]
pub(crate) struct CueSet {
    ac: AhoCorasick,
}

impl CueSet {
    fn new(cues: &[String]) -> Result<Self, PolicyError> {
        Ok(Self {
            ac: build_ac(cues)?,
        })
    }

    /// Byte ranges of cue occurrences in `text`, leftmost-longest, non-overlapping.
    pub(crate) fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        self.ac
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    pub(crate) fn any_in(&self, text: &str) -> bool {
        self.ac.is_match(text)
    }
}

pub(crate) struct SectionCues {
    pub kind: crate::SectionKind,
    pub heading: CueSet,
    pub body: Option<CueSet>,
}

/// Compiled vocabulary for reading policies. Build once, reuse for every policy.
pub struct Lexicon {
    pub(crate) data_ac: AhoCorasick,
    pub(crate) data_phrases: Vec<DataPhrase>,
    pub(crate) negation: CueSet,
    pub(crate) blocked: CueSet,
    pub(crate) conditional: CueSet,
    pub(crate) contrast: CueSet,
    /// "you can revoke…": sentences about the user's controls, not about collection.
    pub(crate) control: CueSet,
    pub(crate) verbs: CueSet,
    pub(crate) third_party: CueSet,
    pub(crate) sdk_context: CueSet,
    /// "我们使用了", "we use": a sentence declaring the SDK named after it.
    pub(crate) sdk_use: CueSet,
    /// Words leading into a list of SDK names ("通过", "包括"), cut off the first name.
    pub(crate) sdk_list_lead: CueSet,
    /// Words that make an unknown name in a table row an SDK ("SDK", "库", "插件").
    pub(crate) sdk_row_words: CueSet,
    /// Words of a line introducing a list of SDKs ("the following third-party services:").
    pub(crate) sdk_list_intro: CueSet,
    /// Labels of SDK block fields.
    pub(crate) fields: FieldLabels,
    /// Endings of a company's legal name ("有限公司", "Inc.").
    pub(crate) company_suffixes: Vec<String>,
    pub(crate) update_date: CueSet,
    pub(crate) purpose_openers: CueSet,
    pub(crate) sections: Vec<SectionCues>,
    pub(crate) permission_names: Vec<String>,
    pub(crate) perm_keyword_ac: AhoCorasick,
    pub(crate) perm_keyword_of: Vec<usize>,
    pub(crate) perm_phrase_ac: AhoCorasick,
    pub(crate) perm_phrase_of: Vec<usize>,
    pub(crate) anchors_after: CueSet,
    pub(crate) anchors_before: CueSet,
    pub(crate) sdks: Vec<KnownSdk>,
    pub(crate) sdk_name_ac: AhoCorasick,
    pub(crate) sdk_names: Vec<SdkName>,
    /// Lowercase dotted package prefix → SDK indices.
    pub(crate) packages: BTreeMap<String, Vec<usize>>,
    /// Distinctive package segment (`umeng`, `jpush`) → (SDK index, package length).
    pub(crate) package_segments: HashMap<String, Vec<(usize, usize)>>,
    /// Lowercase Latin names for fuzzy matching, by first character.
    pub(crate) fuzzy_names: HashMap<char, Vec<(String, usize)>>,
    pub(crate) fuzzy_stopwords: Vec<String>,
    /// Lowercase words that make a line about SDKs (fuzzy names count only there or in table rows).
    pub(crate) fuzzy_context_cues: Vec<String>,
    /// First segments that make a dotted token a Java package rather than a domain (`com`).
    pub(crate) java_package_roots: HashSet<String>,
}

impl Lexicon {
    /// Whether a short line is a company's legal name ("友盟同欣（北京）科技有限公司").
    pub(crate) fn is_company_name(&self, text: &str) -> bool {
        let t = text
            .trim()
            .trim_end_matches(['。', '.', ';', '；', ',', '，', ' '])
            .to_lowercase();
        !t.is_empty()
            && t.chars().count() <= 80
            && !t.contains(['。', '：', ':'])
            && self
                .company_suffixes
                .iter()
                .any(|s| t.ends_with(s.as_str()))
    }
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("data_phrases", &self.data_phrases.len())
            .field("sdks", &self.sdks.len())
            .finish_non_exhaustive()
    }
}

fn build_ac<S: AsRef<str>>(patterns: &[S]) -> Result<AhoCorasick, PolicyError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns.iter().map(|p| p.as_ref()))
        .map_err(|e| PolicyError::Lexicon(e.to_string()))
}
impl KnownSdk {
    /// The names (name, Chinese name, aliases) and Java packages of a database entry.
    pub fn from_sdk(sdk: &appaudit_sdk::Sdk) -> Self {
        let mut names: Vec<String> = vec![sdk.name.clone()];
        names.extend(sdk.name_zh.iter().cloned());
        names.extend(sdk.aliases.iter().cloned());
        names.dedup();
        Self {
            id: sdk.id.clone(),
            names,
            packages: sdk.java_packages().map(str::to_owned).collect(),
        }
    }
}

impl Lexicon {
    /// Builds the lexicon from the taxonomy and the SDK database (names, aliases, packages).
    pub fn new(taxonomy: &Taxonomy, sdks: &appaudit_sdk::SignatureDb) -> Result<Self, PolicyError> {
        Self::with_sdks(
            taxonomy,
            sdks.sdks().iter().map(KnownSdk::from_sdk).collect(),
        )
    }

    /// Builds the lexicon from the taxonomy, an SDK list and the bundled policy vocabulary.
    pub fn with_sdks(taxonomy: &Taxonomy, sdks: Vec<KnownSdk>) -> Result<Self, PolicyError> {
        Self::with_sdks_and_vocabulary(taxonomy, sdks, BUILTIN_POLICY_LEXICON)
    }

    /// Like [`Lexicon::with_sdks`] with a replacement policy vocabulary (TOML, same schema as
    /// `data/policy_lexicon.toml`).
    pub fn with_sdks_and_vocabulary(
        taxonomy: &Taxonomy,
        sdks: Vec<KnownSdk>,
        vocabulary_toml: &str,
    ) -> Result<Self, PolicyError> {
        let data: LexiconData =
            toml::from_str(vocabulary_toml).map_err(|e| PolicyError::Lexicon(e.to_string()))?;

        let (data_patterns, data_phrases) = data_type_phrases(taxonomy, &data);
        let mut negation_cues = taxonomy.negation_cues.en.clone();
        negation_cues.extend(taxonomy.negation_cues.zh.iter().cloned());
        negation_cues.extend(data.negation_cues.iter().cloned());

        let sections = data
            .section
            .iter()
            .map(|s| {
                Ok(SectionCues {
                    kind: s.kind,
                    heading: CueSet::new(&s.heading)?,
                    body: if s.body.is_empty() {
                        None
                    } else {
                        Some(CueSet::new(&s.body)?)
                    },
                })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;

        let mut perm_keywords = Vec::new();
        let mut perm_keyword_of = Vec::new();
        let mut perm_phrases = Vec::new();
        let mut perm_phrase_of = Vec::new();
        for (i, p) in data.permission.iter().enumerate() {
            for k in &p.keywords {
                perm_keywords.push(k.clone());
                perm_keyword_of.push(i);
            }
            for k in &p.phrases {
                perm_phrases.push(k.clone());
                perm_phrase_of.push(i);
            }
        }

        let (sdk_name_patterns, sdk_names) =
            sdk_name_patterns(&sdks, &data.common_word_sdk_names, &data.sdk_name_variants);
        let mut packages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let generic_segments: HashSet<&str> = data
            .generic_package_segments
            .iter()
            .map(String::as_str)
            .collect();
        let mut package_segments: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (i, sdk) in sdks.iter().enumerate() {
            for p in &sdk.packages {
                let p = p.trim().trim_end_matches('.').to_ascii_lowercase();
                if p.split('.').count() < 2 {
                    continue;
                }
                for seg in p.split('.').skip(1) {
                    if seg.len() >= 4 && !generic_segments.contains(seg) {
                        let entry = package_segments.entry(seg.to_owned()).or_default();
                        if !entry.iter().any(|(s, _)| *s == i) {
                            entry.push((i, p.len()));
                        }
                    }
                }
                let entry = packages.entry(p).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        let mut fuzzy_names: HashMap<char, Vec<(String, usize)>> = HashMap::new();
        for (i, sdk) in sdks.iter().enumerate() {
            for name in &sdk.names {
                let lower = name.trim().to_lowercase();
                let latin = lower
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
                // Four letters or fewer ("MAUI", "Mob") are too short to misspell believably.
                if latin
                    && lower.len() >= 5
                    && !data.common_word_sdk_names.contains(&lower)
                    && let Some(first) = lower.chars().next()
                {
                    fuzzy_names.entry(first).or_default().push((lower, i));
                }
            }
        }

        Ok(Self {
            data_ac: build_ac(&data_patterns)?,
            data_phrases,
            negation: CueSet::new(&negation_cues)?,
            blocked: CueSet::new(&data.blocked_contexts)?,
            conditional: CueSet::new(&data.conditional_cues)?,
            contrast: CueSet::new(&data.contrast_cues)?,
            control: CueSet::new(&data.control_cues)?,
            verbs: CueSet::new(&data.collection_verbs)?,
            third_party: CueSet::new(&data.third_party_cues)?,
            sdk_context: CueSet::new(&data.sdk_context_cues)?,
            sdk_use: CueSet::new(&data.sdk_use_cues)?,
            sdk_list_lead: CueSet::new(&data.sdk_list_leads)?,
            sdk_row_words: CueSet::new(&data.sdk_row_words)?,
            sdk_list_intro: CueSet::new(&data.sdk_list_intro_cues)?,
            fields: FieldLabels::new(&data.sdk_field_labels)?,
            company_suffixes: data
                .company_suffixes
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            update_date: CueSet::new(&data.update_date_cues)?,
            purpose_openers: CueSet::new(&data.purpose_openers)?,
            sections,
            permission_names: data.permission.iter().map(|p| p.name.clone()).collect(),
            perm_keyword_ac: build_ac(&perm_keywords)?,
            perm_keyword_of,
            perm_phrase_ac: build_ac(&perm_phrases)?,
            perm_phrase_of,
            anchors_after: CueSet::new(&data.permission_anchors.after)?,
            anchors_before: CueSet::new(&data.permission_anchors.before)?,
            sdks,
            sdk_name_ac: build_ac(&sdk_name_patterns)?,
            sdk_names,
            packages,
            package_segments,
            fuzzy_names,
            fuzzy_stopwords: data
                .fuzzy_stopwords
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            fuzzy_context_cues: data
                .fuzzy_context_cues
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            java_package_roots: data
                .java_package_roots
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
        })
    }

    /// The SDKs the lexicon matches against.
    pub fn sdks(&self) -> &[KnownSdk] {
        &self.sdks
    }
}

/// One automaton pattern per distinct phrase (case-folded), each naming every
/// data type or category that uses it.
fn data_type_phrases(taxonomy: &Taxonomy, data: &LexiconData) -> (Vec<String>, Vec<DataPhrase>) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut phrases: Vec<DataPhrase> = Vec::new();
    let extra_ambiguous: Vec<String> = data
        .extra_ambiguous_phrases
        .iter()
        .map(|p| p.to_lowercase())
        .collect();
    let ignored: Vec<String> = data
        .ignored_category_phrases
        .iter()
        .map(|p| p.to_lowercase())
        .collect();
    let mut add = |phrase: &str, target: PhraseTarget, ambiguous: bool| {
        let phrase = phrase.trim();
        if phrase.is_empty() {
            return;
        }
        let key = phrase.to_lowercase();
        let ambiguous = ambiguous || extra_ambiguous.contains(&key);
        let slot = *index.entry(key).or_insert_with(|| {
            patterns.push(phrase.to_owned());
            phrases.push(DataPhrase {
                targets: Vec::new(),
                ambiguous: false,
            });
            phrases.len() - 1
        });
        if let Some(entry) = phrases.get_mut(slot) {
            if !entry.targets.contains(&target) {
                entry.targets.push(target);
            }
            entry.ambiguous |= ambiguous;
        }
    };
    for t in &taxonomy.data_types {
        let ambiguous: Vec<String> = t
            .ambiguous_phrases
            .iter()
            .map(|p| p.to_lowercase())
            .collect();
        for p in t
            .phrases
            .en
            .iter()
            .chain(t.phrases.zh.iter())
            .chain(t.ambiguous_phrases.iter())
        {
            let target = PhraseTarget {
                id: t.id.clone(),
                category: false,
            };
            add(p, target, ambiguous.contains(&p.to_lowercase()));
        }
    }
    for (id, extra) in &data.extra_phrases {
        if taxonomy.get(id).is_some() {
            for p in extra {
                add(
                    p,
                    PhraseTarget {
                        id: id.clone(),
                        category: false,
                    },
                    false,
                );
            }
        }
    }
    for (id, h) in &taxonomy.hypernyms {
        for p in h.phrases.en.iter().chain(h.phrases.zh.iter()) {
            if ignored.contains(&p.to_lowercase()) {
                continue;
            }
            add(
                p,
                PhraseTarget {
                    id: id.clone(),
                    category: true,
                },
                false,
            );
        }
    }
    // A phrase that names a specific type and a category counts as the specific type only.
    for phrase in &mut phrases {
        if phrase.targets.iter().any(|t| !t.category) {
            phrase.targets.retain(|t| !t.category);
        }
    }
    (patterns, phrases)
}

/// How else a policy writes a name: without its spaces ("One Signal" → "OneSignal"), with a
/// space between camel-case words ("OneSignal" → "One Signal"), and with product words in the
/// other language ("小米推送" → "小米push", "小米 push").
fn name_variants(name: &str, word_variants: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut out = vec![name.to_owned()];
    if name.contains(' ') {
        out.push(name.replace(' ', ""));
    }
    let camel_words: Vec<usize> = name
        .char_indices()
        .skip(1)
        .filter(|(k, c)| {
            c.is_ascii_uppercase()
                && name
                    .get(..*k)
                    .and_then(|h| h.chars().last())
                    .is_some_and(|p| p.is_ascii_lowercase())
        })
        .map(|(k, _)| k)
        .collect();
    // Not before an all-caps tail: "ShareSDK" is not "Share SDK" of some other product.
    let caps_tail = camel_words
        .first()
        .and_then(|k| name.get(*k..))
        .is_some_and(|tail| {
            tail.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
    if name.is_ascii()
        && !name.contains(' ')
        && camel_words.len() == 1
        && !caps_tail
        && let Some((head, tail)) = camel_words.first().and_then(|k| name.split_at_checked(*k))
    {
        out.push(format!("{head} {tail}"));
    }
    for (word, others) in word_variants {
        if let Some(stem) = name.strip_suffix(word.as_str())
            && stem.chars().count() >= 2
            && !stem.is_ascii()
        {
            out.extend(others.iter().map(|o| format!("{stem}{o}")));
        }
    }
    out
}

fn sdk_name_patterns(
    sdks: &[KnownSdk],
    common_words: &[String],
    word_variants: &BTreeMap<String, Vec<String>>,
) -> (Vec<String>, Vec<SdkName>) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut patterns = Vec::new();
    let mut names: Vec<SdkName> = Vec::new();
    for (i, sdk) in sdks.iter().enumerate() {
        let variants = sdk
            .names
            .iter()
            .flat_map(|n| name_variants(n.trim(), word_variants));
        for name in variants {
            let name = name.as_str();
            if name.chars().count() < 2 {
                continue;
            }
            let key = name.to_lowercase();
            let common_word = common_words.iter().any(|w| w.eq_ignore_ascii_case(&key));
            let slot = *index.entry(key).or_insert_with(|| {
                patterns.push(name.to_owned());
                names.push(SdkName {
                    sdks: Vec::new(),
                    common_word,
                });
                names.len() - 1
            });
            if let Some(entry) = names.get_mut(slot)
                && !entry.sdks.contains(&i)
            {
                entry.sdks.push(i);
            }
        }
    }
    (patterns, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_compiles_against_builtin_taxonomy() {
        let taxonomy = Taxonomy::builtin().expect("taxonomy");
        let lexicon = Lexicon::with_sdks(&taxonomy, Vec::new()).expect("lexicon");
        assert!(lexicon.permission_names.iter().any(|p| p == "camera"));
        assert!(
            lexicon
                .sections
                .iter()
                .any(|s| s.kind == crate::SectionKind::Children)
        );
        // "广告标识符" names both GAID and IDFA in the taxonomy: one pattern, two targets.
        let slot = lexicon
            .data_ac
            .find("广告标识符")
            .map(|m| m.pattern().as_usize())
            .expect("phrase present");
        let ids: Vec<&str> = lexicon.data_phrases[slot]
            .targets
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert!(ids.contains(&"gaid") && ids.contains(&"idfa"), "{ids:?}");
    }

    #[test]
    fn invalid_vocabulary_is_an_error() {
        let taxonomy = Taxonomy::builtin().expect("taxonomy");
        let err = Lexicon::with_sdks_and_vocabulary(&taxonomy, Vec::new(), "negation_cues = 3")
            .unwrap_err();
        assert!(matches!(err, PolicyError::Lexicon(_)));
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::with_sdks(&Taxonomy::builtin().expect("taxonomy"), Vec::new()).expect("lexicon")
    }

    #[test]
    fn a_field_label_needs_a_colon_and_gives_the_value() {
        let lex = lexicon();
        let text = "使用目的：统计分析";
        let (kind, value) = lex.fields.field(text).expect("a field");
        assert_eq!(kind, FieldKind::Purpose);
        assert_eq!(text.get(value), Some("统计分析"));
        assert_eq!(lex.fields.field("使用目的是统计分析").map(|f| f.0), None);
        assert_eq!(
            lex.fields.field("收集个人信息类型: IMEI").map(|f| f.0),
            Some(FieldKind::Data)
        );
        assert_eq!(
            lex.fields.field("SDK名称：极光").map(|f| f.0),
            Some(FieldKind::Name)
        );
    }

    #[test]
    fn company_names_end_with_a_legal_suffix() {
        let lex = lexicon();
        assert!(lex.is_company_name("友盟同欣（北京）科技有限公司"));
        assert!(lex.is_company_name("Google LLC"));
        assert!(!lex.is_company_name("用于统计分析。"));
        assert!(!lex.is_company_name("我们的合作公司会收集您的设备信息：型号"));
    }

    #[test]
    fn names_are_matched_as_policies_write_them() {
        let variants = BTreeMap::from([("推送".to_owned(), vec!["push".to_owned()])]);
        assert!(name_variants("小米推送", &variants).contains(&"小米push".to_owned()));
        assert!(name_variants("One Signal", &variants).contains(&"OneSignal".to_owned()));
        assert!(name_variants("OneSignal", &variants).contains(&"One Signal".to_owned()));
        assert!(!name_variants("ShareSDK", &variants).contains(&"Share SDK".to_owned()));
    }

    #[test]
    fn unknown_vocabulary_keys_are_rejected() {
        let err = Lexicon::with_sdks_and_vocabulary(
            &Taxonomy::builtin().expect("taxonomy"),
            Vec::new(),
            "negation_cues = [\"not\"]\nnegatoin_cues = [\"typo\"]\n",
        );
        assert!(err.is_err());
    }
}
