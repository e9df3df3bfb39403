//! Names in running text: whether a sentence declares the SDK it names (a cue before or after
//! the name, an item of an introduced list) or only mentions it, and unknown "XX SDK" names
//! listed in a declaring sentence.

use super::*;

/// Names ending in "SDK" in a list of a sentence that declares SDKs (two or more such names, or
/// a use cue before the list), skipping names a known hit already covers.
pub(super) fn listed_sdk_names(
    lex: &Lexicon,
    text: &str,
    sentence: &Range<usize>,
    known: &[Range<usize>],
) -> Vec<Range<usize>> {
    let Some(s) = text.get(sentence.clone()) else {
        return Vec::new();
    };
    if !s.to_lowercase().contains("sdk") {
        return Vec::new();
    }
    let mut names = Vec::new();
    let mut start = 0;
    let mut segments = Vec::new();
    for (k, ch) in s.char_indices() {
        if matches!(
            ch,
            '、' | '，' | ',' | '；' | ';' | '和' | '及' | '或' | '/' | '。' | '（' | '('
        ) {
            segments.push(start..k);
            start = k + ch.len_utf8();
        }
    }
    segments.push(start..s.len());
    for seg in segments {
        let Some(raw) = s.get(seg.clone()) else {
            continue;
        };
        // The name ends at the first "SDK" of the segment ("OPPO SDK完成登录" → "OPPO SDK").
        let Some(sdk_at) = raw.to_ascii_lowercase().find("sdk") else {
            continue;
        };
        let Some(m) = raw.get(..sdk_at + 3).and_then(|c| SEGMENT_SDK_NAME.find(c)) else {
            continue;
        };
        // Drop what leads into the list: "您可以通过华为SDK" → "华为SDK".
        let lead_end = lex
            .sdk_list_lead
            .find_all(m.as_str())
            .last()
            .map_or(0, |(_, e)| *e);
        let name_start = seg.start + m.start() + lead_end;
        let name_end = seg.start + m.end();
        let Some(name) = s.get(name_start..name_end) else {
            continue;
        };
        let name = name.trim_start_matches([' ', '“', '"', '「', '《', '了', '的']);
        let name_start = name_end - name.len();
        let before_sdk = name.len().saturating_sub(3);
        let stem = name.get(..before_sdk).unwrap_or_default().trim();
        if stem.chars().count() < 2 || stem.chars().count() > 16 || is_generic_sdk_phrase(name) {
            continue;
        }
        let abs = sentence.start + name_start..sentence.start + name_end;
        if known.iter().any(|k| k.start < abs.end && abs.start < k.end) {
            continue;
        }
        names.push(abs);
    }
    let cue = lex.sdk_use.any_in(s);
    if names.len() >= 2 || (cue && !names.is_empty()) {
        names
    } else {
        Vec::new()
    }
}

/// A list segment ending in "SDK" ("OPPO SDK", "哔哩哔哩SDK"), allowing a closing quote.
static SEGMENT_SDK_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[\p{Han}A-Za-z0-9][\p{Han}A-Za-z0-9+_\- ]{0,30}?\s?(?i:sdk)[”"」》]?\s*$"#)
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// Declaration or mention, for a known name in running text.
pub(super) fn running_text_basis(
    ctx: &Ctx<'_>,
    i: usize,
    sentence: &Range<usize>,
    hit: &SdkHit,
) -> Basis {
    let Some(line) = ctx.lines.get(i) else {
        return Basis::Mention;
    };
    let text = line.text.as_str();
    let after = text
        .get(hit.range.end..sentence.end.max(hit.range.end))
        .unwrap_or_default();
    let named = text.get(hit.range.clone()).unwrap_or_default();
    if SDK_WORD_AFTER.is_match(after) || named.to_lowercase().contains("sdk") {
        return Basis::SdkSentence;
    }
    let before = text
        .get(sentence.start.min(hit.range.start)..hit.range.start)
        .unwrap_or_default();
    if ctx.lex.sdk_use.any_in(before) {
        return Basis::SdkSentence;
    }
    // "Adjust's Privacy Policy: https://…", "友盟隐私政策": a link to a policy names its owner.
    if POLICY_LINK_AFTER.is_match(after) {
        return Basis::Mention;
    }
    // "sends … to Adjust, our analytics vendor".
    if VENDOR_APPOSITION.is_match(after) {
        return Basis::SdkSentence;
    }
    // In the SDK-list section, or in a list introduced as third-party services, a line that
    // starts with the name is an item of the list.
    let content_start = text.len() - LIST_MARKER.replace(text, "").len();
    // The name starts the item, perhaps after its vendor's name ("Google Crashlytics").
    let leads = text
        .get(content_start.min(hit.range.start)..hit.range.start)
        .is_some_and(|lead| {
            lead.chars().count() <= 12 && !lead.contains(['，', ',', '。', '.', ':', '：', '-'])
        });
    if leads && (ctx.sdk_section.get(i).copied().unwrap_or(false) || in_introduced_sdk_list(ctx, i))
    {
        return Basis::SdkListItem;
    }
    Basis::Mention
}

/// Whether line `i` is an item of a list whose introduction ends in a colon and speaks of
/// third parties or SDKs ("the following 3rd party services are used for these purposes:").
pub(super) fn in_introduced_sdk_list(ctx: &Ctx<'_>, i: usize) -> bool {
    let is_item = |k: usize| {
        ctx.lines
            .get(k)
            .is_some_and(|l| ITEM_MARKER.is_match(&l.text))
    };
    if !is_item(i) {
        return false;
    }
    let mut k = i;
    let mut seen = 0;
    while k > 0 && seen < MAX_LIST_ITEMS {
        k -= 1;
        let Some(l) = ctx.lines.get(k) else {
            return false;
        };
        if l.text.trim().is_empty() || is_item(k) {
            seen += 1;
            continue;
        }
        let intro = l.text.trim_end();
        if !intro.ends_with([':', '：']) {
            return false;
        }
        let before = k
            .checked_sub(1)
            .and_then(|b| ctx.lines.get(b))
            .map_or("", |b| b.text.as_str());
        return ctx.lex.sdk_list_intro.any_in(intro) || ctx.lex.sdk_list_intro.any_in(before);
    }
    false
}

/// Items of one list looked back over.
const MAX_LIST_ITEMS: usize = 40;

/// A bullet or numbered list item.
pub(super) static ITEM_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-*•·+]\s|[（(]?\d{1,2}[)）.、]\s*)")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// "'s Privacy Policy" or "的隐私政策" right after a name.
static POLICY_LINK_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:['’]s\s+privacy\s+(?:policy|notice|statement)|\s*(?:的)?(?:隐私政策|隐私权政策|隐私协议))")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// ", our analytics vendor" after a name.
static VENDOR_APPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^,?\s*(?:our|an?|the)\s+(?:[A-Za-z-]+\s+){0,2}(?:vendor|provider|partner|processor)s?\b",
    )
    .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// "SDK" after a name, with at most a short product word between ("友盟" + "统计分析SDK").
static SDK_WORD_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[”"」』）)]?[\p{Han}A-Za-z0-9+_\- ]{0,10}?(?i:sdk)"#)
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// List markers and numbering at the start of a line ("1.2.3 ", "（1）", "- ", "•").
pub(super) static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^[\s#*\-•·>]*(?:[（(]?[0-9一二三四五六七八九十]{1,3}(?:\.[0-9]{1,3})*[)）.、．]?\s*)?[“"「【]?"#)
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// The numbering in front of a heading ("4、", "1.2.3", "（一）").
pub(super) static NUMBERED_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s#*]*(?:第[一二三四五六七八九十百零\d]+[章条节部分]|[（(]?[0-9一二三四五六七八九十]{1,3}(?:\.[0-9]{1,3})*[)）.、．]?)?\s*")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
