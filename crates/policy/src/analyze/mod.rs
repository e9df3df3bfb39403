//! From numbered lines to findings: sections, SDKs, data types, permissions.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::lexicon::Lexicon;
use crate::markup::{Doc, Line};
use crate::{
    DataTypeMention, FormatHint, PermissionMention, PolicyReading, SdkMention, Section, SectionKind,
};

mod data_types;
mod negation;
mod permissions;
mod running_text;
mod sdk_blocks;
mod sdk_hits;
mod sdk_items;
mod sections;
mod tables;
mod text;

use data_types::*;
use negation::*;
use permissions::*;
use running_text::*;
use sdk_blocks::*;
use sdk_hits::*;
use sdk_items::*;
use sections::*;
use tables::*;
use text::*;

struct Ctx<'a> {
    lex: &'a Lexicon,
    lines: &'a [Line],
    /// Section index (into `headings`) for each line.
    section_of: Vec<Option<usize>>,
    headings: Vec<Section>,
    definitions: Vec<bool>,
    permission_section: Vec<bool>,
    sdk_section: Vec<bool>,
    sentences: Vec<Vec<Range<usize>>>,
    /// For each line, the last line at or before it that says "SDK".
    last_sdk_word: Vec<Option<usize>>,
}

pub(crate) fn analyze(
    doc: Doc,
    lex: &Lexicon,
    format: FormatHint,
    encoding: &str,
) -> PolicyReading {
    let lines = doc.lines;
    let language = detect_language(&lines);
    let (headings, section_of) = find_headings(&lines, lex);
    let flag = |kind: SectionKind| -> Vec<bool> {
        section_of
            .iter()
            .map(|s| {
                s.and_then(|i| headings.get(i))
                    .is_some_and(|h| h.kinds.first() == Some(&kind))
            })
            .collect()
    };
    let definitions = flag(SectionKind::Definitions);
    let permission_section = flag(SectionKind::Permissions);
    let sdk_section = section_of
        .iter()
        .map(|s| {
            s.and_then(|i| headings.get(i))
                .is_some_and(|h| h.kinds.contains(&SectionKind::SdkList))
        })
        .collect();
    let sentences = lines.iter().map(sentence_ranges).collect();
    let mut last = None;
    let last_sdk_word = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if l.text
                .as_bytes()
                .windows(3)
                .any(|w| w.eq_ignore_ascii_case(b"sdk"))
            {
                last = Some(i);
            }
            last
        })
        .collect();
    let ctx = Ctx {
        lex,
        lines: &lines,
        section_of,
        headings,
        definitions,
        permission_section,
        sdk_section,
        sentences,
        last_sdk_word,
    };

    let roles = table_roles(&ctx);
    let hits: Vec<Vec<SdkHit>> = (0..lines.len())
        .map(|i| find_sdk_hits(&ctx, i, &roles))
        .collect();
    let (items, owner) = build_sdk_items(&ctx, &hits, &roles);
    let item_refs: Vec<&SdkMention> = items.iter().map(|(m, _)| m).collect();
    let data_types = find_data_types(&ctx, &hits, &owner, &item_refs, &roles);
    let item_types = attribute_data_types(&items, &owner, &data_types);
    let mut sdks = Vec::new();
    let mut mentions = Vec::new();
    for ((mut item, declared), types) in items.into_iter().zip(item_types) {
        let mut ids: BTreeSet<String> = item.data_types.iter().cloned().collect();
        ids.extend(types);
        item.data_types = ids.into_iter().collect();
        if declared {
            sdks.push(item);
        } else {
            mentions.push(item);
        }
    }
    let permissions = find_permissions(&ctx, &roles);
    let mut sections = ctx.headings.clone();
    sections.extend(body_sections(&ctx));
    let present: BTreeSet<SectionKind> = sections
        .iter()
        .flat_map(|s| s.kinds.iter().copied())
        .collect();
    let missing_sections = KEY_SECTION_KINDS
        .iter()
        .filter(|k| !present.contains(k))
        .copied()
        .collect();
    sections.sort_by_key(|s| s.line);

    PolicyReading {
        language,
        format,
        encoding: encoding.to_owned(),
        sections,
        missing_sections,
        data_types,
        sdks,
        mentions,
        permissions,
        documents: Vec::new(),
        emphasis: crate::emphasis::spans(&lines),
        emphasis_shown: lines.iter().map(|l| l.emphasis.is_some()).collect(),
        lines: lines.into_iter().map(|l| l.text).collect(),
    }
}

/// The data types each SDK item is said to collect: every type on a line the item owns (its
/// row, record or block); on a line of running text that declares SDKs, the types a
/// third-party sentence of that line lists ("我们使用了A SDK、B SDK。第三方SDK会收集…"); and
/// anywhere, the types of a sentence naming the SDK.
fn attribute_data_types(
    items: &[(SdkMention, bool)],
    owner: &[Option<usize>],
    data_types: &[DataTypeMention],
) -> Vec<BTreeSet<String>> {
    let mut out: Vec<BTreeSet<String>> = vec![BTreeSet::new(); items.len()];
    // Declared items by the lines they are on, and all items by SDK id.
    let mut declared_on: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (item, declared)) in items.iter().enumerate() {
        if *declared {
            for line in std::iter::once(item.line).chain(item.other_lines.iter().copied()) {
                declared_on.entry(line).or_default().push(k);
            }
        }
        if let Some(id) = item.sdk_id.as_deref() {
            by_id.entry(id).or_default().push(k);
        }
    }
    let mut add = |k: usize, id: &str| {
        if let Some(set) = out.get_mut(k) {
            set.insert(id.to_owned());
        }
    };
    for d in data_types.iter().filter(|d| !d.negated) {
        let owned = owner.get(d.line.wrapping_sub(1)).copied().flatten();
        if let Some(k) = owned {
            add(k, &d.id);
        }
        for &k in by_id.get(d.collector.as_str()).into_iter().flatten() {
            add(k, &d.id);
        }
        if owned.is_some() {
            continue;
        }
        // A sentence listing SDKs shares its data among them ("集成穿山甲，广点通，HUAWEI
        // Ads，需要获取…"); so does a sentence of the same line that names no collector.
        let Some(on_line) = declared_on.get(&d.line) else {
            continue;
        };
        let collector_on_line = on_line.iter().any(|&k| {
            items
                .get(k)
                .is_some_and(|(m, _)| m.sdk_id.as_deref() == Some(d.collector.as_str()))
        });
        let shared = d.collector == "third_party"
            || collector_on_line
            || (d.collector == "first_party" && !first_party_speaks(&d.quote));
        if shared {
            for &k in on_line {
                add(k, &d.id);
            }
        }
    }
    out
}

/// Whether a sentence has the app as its subject ("我们会收集", "we collect").
pub(super) fn first_party_speaks(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    [
        "我们",
        "本应用",
        "本平台",
        "本产品",
        "我司",
        "we ",
        "our ",
        " us ",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || lower.starts_with("we")
}

fn detect_language(lines: &[Line]) -> String {
    let mut cjk = 0usize;
    let mut latin = 0usize;
    for ch in lines.iter().flat_map(|l| l.text.chars()) {
        if ('\u{4E00}'..='\u{9FFF}').contains(&ch) {
            cjk += 1;
        } else if ch.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if cjk * 4 > latin { "zh" } else { "en" }.to_owned()
}

/// Reading small texts with a fixed SDK list, for the unit tests of the modules.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::{FormatHint, KnownSdk, Lexicon, PolicyReading, SdkMention};

    /// The hand-written SDK list of the policy tests.
    const KNOWN_SDKS: &str = include_str!("../../tests/fixtures/known_sdks.toml");

    pub(crate) fn lexicon() -> Lexicon {
        #[derive(serde::Deserialize)]
        struct List {
            sdk: Vec<KnownSdk>,
        }
        let list: List = toml::from_str(KNOWN_SDKS).expect("fixture SDK list parses");
        let taxonomy = appaudit_taxonomy::Taxonomy::builtin().expect("taxonomy");
        Lexicon::with_sdks(&taxonomy, list.sdk).expect("lexicon")
    }

    /// Reads Markdown text.
    pub(crate) fn read(text: &str) -> PolicyReading {
        crate::read_policy_text(text, FormatHint::Markdown, &lexicon()).expect("a policy")
    }

    /// The declared SDK whose name in the text is `name`.
    pub(crate) fn declared<'r>(reading: &'r PolicyReading, name: &str) -> Option<&'r SdkMention> {
        reading.sdks.iter().find(|s| s.name_in_text == name)
    }

    /// Padding that makes a short text long enough to be read as a policy.
    pub(crate) const PREAMBLE: &str = "# 隐私政策\n\n本政策说明我们如何收集、使用、存储和共享您的个人信息，以及您享有的权利。\n\n";
}
