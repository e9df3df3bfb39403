//! From numbered lines to findings: sections, SDKs, data types, permissions.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::lexicon::Lexicon;
use crate::markup::{Doc, Line};
use crate::{DataTypeMention, FormatHint, PermissionMention, PolicyReading, SdkMention, Section};

/// Topics a regulator-style check expects; reported in `missing_sections` when absent.
const KEY_SECTION_KINDS: &[&str] = &[
    "contact",
    "user_rights",
    "account_cancellation",
    "children",
    "retention",
    "cross_border",
    "third_party_sharing",
    "sdk_list",
    "update_date",
];
/// Quotes longer than this are cut to a window around the match.
const MAX_QUOTE_BYTES: usize = 360;
/// First segments that make a dotted token look like a Java package rather than a domain.
const JAVA_ROOTS: &[&str] = &[
    "com",
    "cn",
    "org",
    "net",
    "io",
    "me",
    "de",
    "android",
    "androidx",
    "tv",
    "co",
    "so",
    "top",
    "im",
    "sdk",
    "bolts",
    "okhttp3",
    "retrofit2",
    "dagger",
    "kotlin",
    "kotlinx",
    "mtopsdk",
    "anet",
    "bytedance",
    "ms",
    "uk",
];

static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:第[一二三四五六七八九十百零\d]+[章条节部分]|[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]+\s*[.、．]?|\d{1,2}(?:\.\d{1,2})*\s*[.、．)]?|[IVX]{1,5}\.|[A-H]\.|\.)\s*\S",
    )
    .unwrap_or_else(|_| unreachable!("constant regex"))
});
static PACKAGE_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static LATIN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9]+").unwrap_or_else(|_| unreachable!("constant regex"))
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d\d|\d{4}\s*年").unwrap_or_else(|_| unreachable!("constant regex"))
});
static DATED_UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\d{4}\s*年[^。]{0,16}(?:更新|生效|修订)|(?:updated|effective|revised)\b[^.]{0,24}\d{4}")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});
static UNKNOWN_SDK_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Han}A-Za-z][\p{Han}A-Za-z0-9+\-]{0,20}\s?SDK")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(crate) fn empty(format: FormatHint) -> PolicyReading {
    PolicyReading {
        language: "en".to_owned(),
        format,
        encoding: "UTF-8".to_owned(),
        sections: Vec::new(),
        missing_sections: KEY_SECTION_KINDS.iter().map(|s| (*s).to_owned()).collect(),
        data_types: Vec::new(),
        sdks: Vec::new(),
        permissions: Vec::new(),
        lines: Vec::new(),
    }
}

/// A possible SDK reference inside one line.
#[derive(Debug, Clone)]
struct SdkHit {
    range: Range<usize>,
    /// Candidate SDK indices, best first; empty for an unknown package.
    sdks: Vec<usize>,
    confidence: f64,
    kind: &'static str,
}

/// Column roles of an SDK/permission table, from its header row.
#[derive(Debug, Clone, Default)]
struct Roles {
    name: Option<usize>,
    purpose: Option<usize>,
    data: Option<usize>,
    package: Option<usize>,
    link: Option<usize>,
    permission: Option<usize>,
    company: Option<usize>,
    sdk_table: bool,
}

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
    let flag = |kind: &str| -> Vec<bool> {
        section_of
            .iter()
            .map(|s| {
                s.and_then(|i| headings.get(i))
                    .is_some_and(|h| h.kinds.first().is_some_and(|k| k == kind))
            })
            .collect()
    };
    let definitions = flag("definitions");
    let permission_section = flag("permissions");
    let sdk_section = section_of
        .iter()
        .map(|s| {
            s.and_then(|i| headings.get(i))
                .is_some_and(|h| h.kinds.iter().any(|k| k == "sdk_list"))
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
    let (mut sdks, owner) = build_sdk_items(&ctx, &hits, &roles);
    let data_types = find_data_types(&ctx, &hits, &owner, &sdks, &roles);
    for item in &mut sdks {
        let Some(id) = item.sdk_id.as_deref() else {
            continue;
        };
        let mut ids: BTreeSet<String> = item.data_types.iter().cloned().collect();
        ids.extend(
            data_types
                .iter()
                .filter(|d| !d.negated && d.collector == id)
                .map(|d| d.id.clone()),
        );
        item.data_types = ids.into_iter().collect();
    }
    let permissions = find_permissions(&ctx, &roles);
    let mut sections = ctx.headings.clone();
    sections.extend(body_sections(&ctx));
    let present: BTreeSet<&str> = sections
        .iter()
        .flat_map(|s| s.kinds.iter().map(String::as_str))
        .collect();
    let missing_sections = KEY_SECTION_KINDS
        .iter()
        .filter(|k| !present.contains(**k))
        .map(|k| (*k).to_owned())
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
        permissions,
        lines: lines.into_iter().map(|l| l.text).collect(),
    }
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

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when the match does not cut a Latin word (plural `s` allowed when `plural`).
fn at_word_boundaries(text: &str, range: &Range<usize>, plural: bool) -> bool {
    let bytes = text.as_bytes();
    let first = bytes.get(range.start).copied().unwrap_or(0);
    let last = bytes.get(range.end.wrapping_sub(1)).copied().unwrap_or(0);
    if is_word_byte(first)
        && range.start > 0
        && bytes.get(range.start - 1).is_some_and(|b| is_word_byte(*b))
    {
        return false;
    }
    if is_word_byte(last) {
        let next = bytes.get(range.end).copied();
        if let Some(n) = next.filter(|n| is_word_byte(*n)) {
            let plural_s = plural
                && (n == b's' || n == b'S')
                && !bytes.get(range.end + 1).is_some_and(|b| is_word_byte(*b));
            return plural_s;
        }
    }
    true
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Sentence ranges of a line; table cells are sentence domains of their own.
fn sentence_ranges(line: &Line) -> Vec<Range<usize>> {
    let text = line.text.as_str();
    let domains: Vec<Range<usize>> = match &line.row {
        Some(row) if !row.cells.is_empty() => row.cells.clone(),
        _ => std::iter::once(0..text.len()).collect(),
    };
    let mut out = Vec::new();
    for domain in domains {
        let Some(part) = text.get(domain.clone()) else {
            continue;
        };
        let mut start = 0usize;
        let mut chars = part.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            let end = i + ch.len_utf8();
            let boundary = match ch {
                '。' | '！' | '？' | '!' | '?' | '；' | ';' => true,
                '.' => chars.peek().is_none_or(|(_, n)| n.is_whitespace()),
                _ => false,
            };
            if boundary {
                out.push(domain.start + start..domain.start + end);
                start = end;
            }
        }
        if start < part.len() {
            out.push(domain.start + start..domain.end);
        }
    }
    out
}

fn sentence_of(ctx: &Ctx<'_>, line: usize, pos: usize) -> Range<usize> {
    ctx.sentences
        .get(line)
        .and_then(|s| s.iter().find(|r| r.start <= pos && pos < r.end).cloned())
        .unwrap_or(0..ctx.lines.get(line).map_or(0, |l| l.text.len()))
}

/// The trimmed sentence around `m`, cut to a window when long; always a substring of `text`.
fn quote(text: &str, sentence: &Range<usize>, m: &Range<usize>) -> String {
    let mut start = sentence.start.min(m.start);
    let mut end = sentence.end.max(m.end).min(text.len());
    if end - start > MAX_QUOTE_BYTES {
        let half = MAX_QUOTE_BYTES / 2;
        start = floor_char(text, m.start.saturating_sub(half).max(start));
        end = ceil_char(text, (m.end + half).min(end));
    }
    text.get(start..end).unwrap_or_default().trim().to_owned()
}

fn title_of(line: &Line) -> String {
    line.text.trim_start_matches('#').trim().to_owned()
}

fn ends_with_sentence_punct(text: &str) -> bool {
    text.trim_end()
        .ends_with(['。', '.', ';', '；', ',', '，', '、', '!', '！', '?', '？'])
}

fn is_blank(lines: &[Line], i: Option<usize>) -> bool {
    i.and_then(|i| lines.get(i))
        .is_none_or(|l| l.text.trim().is_empty())
}

fn heading_kinds(lex: &Lexicon, title: &str) -> Vec<String> {
    lex.sections
        .iter()
        .filter(|s| s.heading.any_in(title))
        .map(|s| s.kind.clone())
        .collect()
}

fn find_headings(lines: &[Line], lex: &Lexicon) -> (Vec<Section>, Vec<Option<usize>>) {
    // 0 = not a heading, 1 = heading by markup, 2 = heading by heuristics.
    let mut marks: Vec<u8> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let title = title_of(line);
        let chars = title.chars().count();
        let mark = if line.row.is_some() || title.is_empty() {
            0
        } else if line.heading.is_some() {
            u8::from(chars <= 120)
        } else {
            let numbered = chars <= 50
                && NUMBERED_HEADING.is_match(&title)
                && !title
                    .trim_start_matches(|c: char| !c.is_alphabetic())
                    .starts_with(|c: char| c.is_ascii_lowercase())
                && !ends_with_sentence_punct(&title);
            // A short line after a blank line, between paragraphs (not among more short
            // lines, which is what a table flattened to one cell per line looks like).
            let next_is_paragraph = lines
                .iter()
                .skip(i + 1)
                .find(|l| !l.text.trim().is_empty())
                .is_some_and(|l| l.text.chars().count() > 60);
            let previous_is_paragraph_or_heading = lines
                .iter()
                .take(i)
                .rev()
                .find(|l| !l.text.trim().is_empty())
                .is_none_or(|l| {
                    l.text.chars().count() > 80
                        || l.heading.is_some()
                        || ends_with_sentence_punct(&l.text)
                });
            let isolated_topic = chars <= 40
                && !ends_with_sentence_punct(&title)
                && !title.ends_with([':', '：'])
                && !title.contains("http")
                && !title.contains('.')
                && is_blank(lines, i.checked_sub(1))
                && next_is_paragraph
                && previous_is_paragraph_or_heading
                && !heading_kinds(lex, &title).is_empty();
            if numbered || isolated_topic { 2 } else { 0 }
        };
        marks.push(mark);
    }
    // Three or more heuristic headings in a row (blank lines aside) are a table of contents.
    let non_blank: Vec<usize> = (0..lines.len())
        .filter(|i| !lines[*i].text.trim().is_empty())
        .collect();
    let mut k = 0;
    while k < non_blank.len() {
        let mut end = k;
        while end < non_blank.len() && marks.get(non_blank[end]) == Some(&2) {
            end += 1;
        }
        if end - k >= 3 {
            for idx in &non_blank[k..end] {
                if let Some(m) = marks.get_mut(*idx) {
                    *m = 0;
                }
            }
        }
        k = end.max(k + 1);
    }
    let mut headings = Vec::new();
    let mut section_of = Vec::with_capacity(lines.len());
    let mut current = None;
    for (i, line) in lines.iter().enumerate() {
        if marks.get(i).is_some_and(|m| *m > 0) {
            let title = title_of(line);
            let kinds = heading_kinds(lex, &title);
            headings.push(Section {
                kind: kinds.first().cloned().unwrap_or_else(|| "other".to_owned()),
                kinds,
                title,
                line: i + 1,
                from_heading: true,
            });
            current = Some(headings.len() - 1);
        }
        section_of.push(current);
    }
    (headings, section_of)
}

/// Topics recognised from body text (and the update date), for kinds no heading covers.
fn body_sections(ctx: &Ctx<'_>) -> Vec<Section> {
    let mut out = Vec::new();
    let covered: BTreeSet<&str> = ctx
        .headings
        .iter()
        .flat_map(|h| h.kinds.iter().map(String::as_str))
        .collect();
    let short = |text: &str| -> String {
        let end = floor_char(text, 120);
        text.get(..end).unwrap_or_default().trim().to_owned()
    };
    if let Some((i, line)) = ctx.lines.iter().enumerate().find(|(_, l)| {
        (ctx.lex.update_date.any_in(&l.text) && YEAR.is_match(&l.text))
            || DATED_UPDATE.is_match(&l.text)
    }) {
        out.push(Section {
            kind: "update_date".to_owned(),
            kinds: vec!["update_date".to_owned()],
            title: short(&line.text),
            line: i + 1,
            from_heading: false,
        });
    }
    for kind in &ctx.lex.sections {
        let Some(body) = &kind.body else { continue };
        if covered.contains(kind.kind.as_str()) {
            continue;
        }
        if let Some((i, line)) = ctx
            .lines
            .iter()
            .enumerate()
            .find(|(_, l)| body.any_in(&l.text))
        {
            out.push(Section {
                kind: kind.kind.clone(),
                kinds: vec![kind.kind.clone()],
                title: short(&line.text),
                line: i + 1,
                from_heading: false,
            });
        }
    }
    out
}

fn section_title(ctx: &Ctx<'_>, line: usize) -> Option<String> {
    ctx.section_of
        .get(line)
        .copied()
        .flatten()
        .and_then(|i| ctx.headings.get(i))
        .map(|h| h.title.clone())
}

fn classify_header_cell(cell: &str) -> Option<&'static str> {
    let c = cell.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| c.contains(w));
    if c.is_empty() || c.chars().count() > 24 {
        return None;
    }
    if has(&["包名", "package"]) {
        Some("package")
    } else if has(&[
        "链接",
        "link",
        "url",
        "官网",
        "隐私政策",
        "隐私权政策",
        "privacy policy",
    ]) {
        Some("link")
    } else if has(&["权限", "permission"]) {
        Some("permission")
    } else if has(&[
        "个人信息",
        "收集",
        "采集",
        "信息类型",
        "字段",
        "data",
        "information",
        "收集类型",
    ]) {
        Some("data")
    } else if has(&["目的", "用途", "功能", "purpose", "use", "function", "场景"]) {
        Some("purpose")
    } else if has(&[
        "公司",
        "第三方名称",
        "主体",
        "提供方",
        "company",
        "provider",
        "vendor",
    ]) {
        Some("company")
    } else if has(&["名称", "sdk", "name", "服务"]) {
        Some("name")
    } else {
        None
    }
}

/// Header roles per table id, and the set of header lines.
fn table_roles(ctx: &Ctx<'_>) -> HashMap<usize, (usize, Roles)> {
    let mut out: HashMap<usize, (usize, Roles)> = HashMap::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        let Some(row) = &line.row else { continue };
        if out.contains_key(&row.table) {
            continue;
        }
        let cells: Vec<&str> = row
            .cells
            .iter()
            .map(|r| line.text.get(r.clone()).unwrap_or_default())
            .collect();
        let mut roles = Roles::default();
        let mut count = 0;
        for (col, cell) in cells.iter().enumerate() {
            let Some(role) = classify_header_cell(cell) else {
                continue;
            };
            count += 1;
            let slot = match role {
                "package" => &mut roles.package,
                "link" => &mut roles.link,
                "permission" => &mut roles.permission,
                "data" => &mut roles.data,
                "purpose" => &mut roles.purpose,
                "company" => &mut roles.company,
                _ => &mut roles.name,
            };
            let strong_purpose = role == "purpose"
                && ["目的", "purpose", "用途"]
                    .iter()
                    .any(|w| cell.to_lowercase().contains(w));
            if slot.is_none() || strong_purpose {
                *slot = Some(col);
            }
        }
        if count >= 2 {
            roles.sdk_table = roles.package.is_some()
                || cells.iter().any(|c| c.to_lowercase().contains("sdk"))
                || (roles.company.is_some() && roles.purpose.is_some());
            out.insert(row.table, (i, roles));
        }
    }
    out
}

fn is_header_line(roles: &HashMap<usize, (usize, Roles)>, line: &Line, i: usize) -> bool {
    line.row
        .as_ref()
        .and_then(|r| roles.get(&r.table))
        .is_some_and(|(h, _)| *h == i)
}

fn roles_for<'r>(roles: &'r HashMap<usize, (usize, Roles)>, line: &Line) -> Option<&'r Roles> {
    line.row
        .as_ref()
        .and_then(|r| roles.get(&r.table))
        .map(|(_, r)| r)
}

/// Lines after a mention of "SDK" are an SDK context (an SDK list follows its introduction).
const SDK_CONTEXT_REACH: usize = 60;

fn has_sdk_context(ctx: &Ctx<'_>, i: usize, roles: &HashMap<usize, (usize, Roles)>) -> bool {
    let Some(line) = ctx.lines.get(i) else {
        return false;
    };
    let recent_sdk = ctx
        .last_sdk_word
        .get(i)
        .copied()
        .flatten()
        .is_some_and(|last| i - last <= SDK_CONTEXT_REACH);
    recent_sdk
        || ctx.lex.sdk_context.any_in(&line.text)
        || ctx.sdk_section.get(i).copied().unwrap_or(false)
        || roles_for(roles, line).is_some_and(|r| r.sdk_table)
}

fn find_sdk_hits(ctx: &Ctx<'_>, i: usize, roles: &HashMap<usize, (usize, Roles)>) -> Vec<SdkHit> {
    let Some(line) = ctx.lines.get(i) else {
        return Vec::new();
    };
    if is_header_line(roles, line, i) {
        return Vec::new();
    }
    let text = line.text.as_str();
    let lex = ctx.lex;
    let context = has_sdk_context(ctx, i, roles);
    let mut hits: Vec<SdkHit> = Vec::new();
    for m in PACKAGE_TOKEN.find_iter(text) {
        let range = m.range();
        let before = range
            .start
            .checked_sub(1)
            .and_then(|p| text.as_bytes().get(p))
            .copied();
        if before.is_some_and(|b| matches!(b, b'@' | b'/' | b'.' | b':' | b'-') || is_word_byte(b))
        {
            continue;
        }
        if text
            .as_bytes()
            .get(range.end)
            .is_some_and(|b| matches!(b, b'/' | b'@'))
        {
            continue;
        }
        let token = m.as_str().trim_end_matches('.').to_ascii_lowercase();
        let root = token.split('.').next().unwrap_or_default();
        if !JAVA_ROOTS.contains(&root) {
            continue;
        }
        let (sdks, confidence, kind) =
            lookup_package(lex, &token).unwrap_or((Vec::new(), 0.0, "package_unknown"));
        hits.push(SdkHit {
            range: range.start..range.start + token.len(),
            sdks,
            confidence,
            kind,
        });
    }
    for m in lex.sdk_name_ac.find_iter(text) {
        let range = m.range();
        if hits
            .iter()
            .any(|h| h.range.start < range.end && range.start < h.range.end)
        {
            continue;
        }
        let Some(name) = lex.sdk_names.get(m.pattern().as_usize()) else {
            continue;
        };
        if !at_word_boundaries(text, &range, false) {
            continue;
        }
        let matched = text.get(range.clone()).unwrap_or_default();
        let capitalised = matched.chars().any(|c| c.is_uppercase() || !c.is_ascii());
        if (name.common_word || !capitalised) && !context {
            continue;
        }
        hits.push(SdkHit {
            range,
            sdks: name.sdks.clone(),
            confidence: 1.0,
            kind: "name",
        });
    }
    if context {
        let in_sdk_section = ctx.sdk_section.get(i).copied().unwrap_or(false);
        hits.extend(fuzzy_hits(
            ctx,
            i,
            text,
            &hits,
            line.row.is_some(),
            in_sdk_section,
        ));
    }
    hits.sort_by_key(|h| h.range.start);
    hits
}

fn lookup_package(lex: &Lexicon, token: &str) -> Option<(Vec<usize>, f64, &'static str)> {
    let segments: Vec<&str> = token.split('.').collect();
    if segments.len() < 2 {
        return None;
    }
    for k in (2..=segments.len()).rev() {
        let prefix = segments.get(..k)?.join(".");
        if let Some(sdks) = lex.packages.get(&prefix) {
            return Some((sdks.clone(), 1.0, "package"));
        }
    }
    let shortest_owners = |start: &str, strict_segment: bool| -> Vec<(usize, Vec<usize>)> {
        lex.packages
            .range(start.to_owned()..)
            .take_while(|(k, _)| k.starts_with(start))
            .filter(|(k, _)| !strict_segment || k.as_bytes().get(start.len()) == Some(&b'.'))
            .map(|(k, v)| (k.len(), v.clone()))
            .collect()
    };
    let pick = |mut owners: Vec<(usize, Vec<usize>)>| -> Vec<usize> {
        owners.sort_by_key(|(len, _)| *len);
        let mut out: Vec<usize> = Vec::new();
        for (_, v) in owners {
            for s in v {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    };
    // A shorter prefix of known packages: `cn.jpush` for `cn.jpush.android`.
    let owners = shortest_owners(token, true);
    if !owners.is_empty() {
        let distinct: BTreeSet<usize> =
            owners.iter().flat_map(|(_, v)| v.iter().copied()).collect();
        if distinct.len() == 1 {
            return Some((pick(owners), 0.9, "package_prefix"));
        }
        if segments.len() >= 3 {
            return Some((pick(owners), 0.7, "package_prefix"));
        }
        return None;
    }
    // A truncated last segment: `com.faceboo` for `com.facebook…`.
    if segments.last().is_some_and(|s| s.len() >= 3) && segments.len() >= 2 {
        let owners = shortest_owners(token, false);
        if !owners.is_empty() {
            return Some((pick(owners), 0.8, "package_truncated"));
        }
    }
    // A garbled package that still carries a vendor's distinctive segment: `com.efscom.umeng`.
    for seg in segments.iter().skip(1) {
        if let Some(owners) = lex.package_segments.get(*seg) {
            let mut owners = owners.clone();
            owners.sort_by_key(|(_, len)| *len);
            return Some((
                owners.into_iter().map(|(s, _)| s).collect(),
                0.6,
                "package_garbled",
            ));
        }
    }
    None
}

/// How many lines around a misspelt name may carry the SDK cue (flattened tables
/// put a name, its package and its purpose on consecutive lines).
const FUZZY_CUE_REACH: usize = 2;

fn fuzzy_hits(
    ctx: &Ctx<'_>,
    i: usize,
    text: &str,
    existing: &[SdkHit],
    in_row: bool,
    in_sdk_section: bool,
) -> Vec<SdkHit> {
    let lex = ctx.lex;
    let words: Vec<(Range<usize>, String)> = LATIN_WORD
        .find_iter(text)
        .map(|m| (m.range(), m.as_str().to_lowercase()))
        .collect();
    let nearby = ctx
        .lines
        .get(i.saturating_sub(FUZZY_CUE_REACH)..(i + FUZZY_CUE_REACH + 1).min(ctx.lines.len()));
    let has_sdk_context = in_sdk_section
        || nearby.unwrap_or_default().iter().any(|l| {
            let lower = l.text.to_lowercase();
            lex.fuzzy_context_cues
                .iter()
                .any(|cue| lower.contains(cue.as_str()))
        });
    let mut out = Vec::new();
    for (w, (range, word)) in words.iter().enumerate() {
        if word.len() < 4 || lex.fuzzy_stopwords.contains(word) {
            continue;
        }
        if existing
            .iter()
            .chain(out.iter())
            .any(|h: &SdkHit| h.range.start < range.end && range.start < h.range.end)
        {
            continue;
        }
        let capitalised = text
            .get(range.clone())
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
        if !capitalised && !in_row {
            continue;
        }
        // A misspelt name is only believable where SDKs are being talked about: a
        // table row, the SDK-list section, or within two lines of one that says "SDK", "push", 统计 …
        // Without this, every
        // capitalised "Android", "Shared" or "Posting" looks like an SDK name.
        if !in_row && !has_sdk_context {
            continue;
        }
        let next = words.get(w + 1).filter(|(r, _)| r.start <= range.end + 1);
        let Some(first) = word.chars().next() else {
            continue;
        };
        let Some(candidates) = lex.fuzzy_names.get(&first) else {
            continue;
        };
        let mut best: Option<(usize, f64, usize, Range<usize>)> = None;
        for (name, sdk) in candidates {
            let (probe, probe_range) = if name.contains(' ') {
                match next {
                    Some((nr, nw)) => (format!("{word} {nw}"), range.start..nr.end),
                    None => continue,
                }
            } else {
                (word.clone(), range.clone())
            };
            if probe.len().abs_diff(name.len()) > 2 {
                continue;
            }
            let distance = strsim::damerau_levenshtein(&probe, name);
            let allowed = if name.len() <= 6 { 1 } else { 2 };
            if distance == 0 || distance > allowed || strsim::jaro_winkler(&probe, name) < 0.85 {
                continue;
            }
            // Closest first; on a tie the longer name ("jiguang push" over
            // "jiguang") says more and names the product.
            let longer = |b: &(usize, f64, usize, Range<usize>)| probe_range.len() > b.3.len();
            if best
                .as_ref()
                .is_none_or(|b| distance < b.0 || (distance == b.0 && longer(b)))
            {
                best = Some((distance, 0.9 - 0.1 * distance as f64, *sdk, probe_range));
            }
        }
        if let Some((_, confidence, sdk, range)) = best {
            out.push(SdkHit {
                range,
                sdks: vec![sdk],
                confidence,
                kind: "fuzzy_name",
            });
        }
    }
    out
}

fn cell_text(line: &Line, col: Option<usize>) -> Option<&str> {
    let row = line.row.as_ref()?;
    let range = row.cells.get(col?)?;
    line.text
        .get(range.clone())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn cap(text: &str, max: usize) -> String {
    let end = floor_char(text, max);
    text.get(..end).unwrap_or_default().trim().to_owned()
}

/// Purpose from a purpose opener ("用于…", "used to …") at or after `from`.
fn purpose_after(lex: &Lexicon, text: &str, from: usize) -> Option<String> {
    let rest = text.get(floor_char(text, from)..)?;
    let (s, e) = lex.purpose_openers.find_all(rest).into_iter().next()?;
    let tail = rest.get(e..)?;
    let end = tail
        .find(['。', '；', ';', '，', ',', '.', '|', '）', ')'])
        .unwrap_or(tail.len());
    let purpose = cap(tail.get(..end)?, 120);
    let opener = rest
        .get(s..e)
        .unwrap_or_default()
        .trim_end_matches([':', '：']);
    if purpose.chars().count() < 2 {
        return None;
    }
    // Keep the opener when it carries the meaning ("实现" + object).
    Some(
        if opener.ends_with(' ') || opener.is_ascii() {
            purpose
        } else {
            format!("{opener}{purpose}")
        }
        .trim()
        .to_owned(),
    )
}

struct ItemDraft {
    mention: SdkMention,
    sdk: Option<usize>,
}

fn new_item(
    ctx: &Ctx<'_>,
    line: usize,
    hit: Option<&SdkHit>,
    name_in_text: &str,
    quote_text: String,
    in_list: bool,
) -> ItemDraft {
    let lex = ctx.lex;
    let sdk = hit.and_then(|h| h.sdks.first().copied());
    let known = sdk.and_then(|s| lex.sdks.get(s));
    ItemDraft {
        sdk,
        mention: SdkMention {
            sdk_id: known.map(|k| k.id.clone()),
            packages: known.map(|k| k.packages.clone()).unwrap_or_default(),
            name_in_text: name_in_text.to_owned(),
            quote: quote_text,
            line: line + 1,
            section: section_title(ctx, line),
            confidence: if known.is_some() {
                hit.map_or(0.0, |h| h.confidence)
            } else {
                0.0
            },
            match_kind: if known.is_some() {
                hit.map_or("unmatched", |h| h.kind)
            } else {
                "unmatched"
            }
            .to_owned(),
            purpose: None,
            data_types: Vec::new(),
            packages_in_text: Vec::new(),
            in_sdk_list: in_list,
            related_sdk_ids: Vec::new(),
            other_lines: Vec::new(),
        },
    }
}

fn add_row_details(ctx: &Ctx<'_>, item: &mut ItemDraft, line: usize, hits: &[SdkHit]) {
    let Some(l) = ctx.lines.get(line) else { return };
    for h in hits {
        if h.kind.starts_with("package") {
            let token = l.text.get(h.range.clone()).unwrap_or_default().to_owned();
            if !item.mention.packages_in_text.contains(&token) {
                item.mention.packages_in_text.push(token);
            }
        }
        if let Some(other) = h.sdks.first().copied().filter(|s| Some(*s) != item.sdk)
            && let Some(k) = ctx.lex.sdks.get(other)
            && !item.mention.related_sdk_ids.contains(&k.id)
            && item.mention.sdk_id.as_ref() != Some(&k.id)
        {
            item.mention.related_sdk_ids.push(k.id.clone());
        }
    }
}

fn best_hit<'h>(hits: impl Iterator<Item = &'h SdkHit>) -> Option<&'h SdkHit> {
    hits.filter(|h| !h.sdks.is_empty())
        .fold(None, |best: Option<&SdkHit>, h| match best {
            Some(b) if b.confidence >= h.confidence => Some(b),
            _ => Some(h),
        })
}

/// Same SDK or same product family by id (`facebook-core`/`facebook-login`).
fn same_family(lex: &Lexicon, a: Option<usize>, b: Option<usize>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    if a == b {
        return true;
    }
    let (Some(x), Some(y)) = (lex.sdks.get(a), lex.sdks.get(b)) else {
        return false;
    };
    let family = |id: &str| id.split('-').next().unwrap_or(id).to_owned();
    family(&x.id) == family(&y.id)
}

fn is_cell_like(text: &str) -> bool {
    let t = text.trim();
    let lower = t.to_lowercase();
    !t.is_empty()
        && t.chars().count() <= 40
        && !ends_with_sentence_punct(t)
        && !t.ends_with([':', '：'])
        && ![
            "privacy",
            "policy",
            "agreement",
            "隐私",
            "协议",
            "政策",
            "http",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Builds one SDK item per table row, flattened-table record, SDK heading or
/// running-text mention, then merges items naming the same SDK. Also returns,
/// per line, the item that owns it (for attributing data types).
fn build_sdk_items(
    ctx: &Ctx<'_>,
    hits: &[Vec<SdkHit>],
    roles: &HashMap<usize, (usize, Roles)>,
) -> (Vec<SdkMention>, Vec<Option<usize>>) {
    let n = ctx.lines.len();
    let mut drafts: Vec<ItemDraft> = Vec::new();
    let mut owner: Vec<Option<usize>> = vec![None; n];
    let empty: Vec<SdkHit> = Vec::new();
    let line_hits = |i: usize| hits.get(i).unwrap_or(&empty);

    // SDK headings own their section ("#### 支付宝支付 SDK" followed by a bullet list).
    for (hi, h) in ctx.headings.iter().enumerate() {
        let i = h.line - 1;
        let Some(hit) = best_hit(line_hits(i).iter()) else {
            continue;
        };
        if h.title.chars().count() > 40 {
            continue;
        }
        let Some(line) = ctx.lines.get(i) else {
            continue;
        };
        let name = line.text.get(hit.range.clone()).unwrap_or_default();
        let mut item = new_item(ctx, i, Some(hit), name, line.text.trim().to_owned(), true);
        let mut j = i;
        while j < n && ctx.section_of.get(j).copied().flatten() == Some(hi) {
            owner[j] = Some(drafts.len());
            if j > i {
                add_row_details(ctx, &mut item, j, line_hits(j));
                if item.mention.purpose.is_none() {
                    item.mention.purpose =
                        labelled_purpose(ctx.lines.get(j).map_or("", |l| l.text.as_str()));
                }
            }
            j += 1;
        }
        drafts.push(item);
    }

    // Table rows.
    for (i, line) in ctx.lines.iter().enumerate() {
        let Some(row) = &line.row else { continue };
        if owner[i].is_some() || is_header_line(roles, line, i) {
            continue;
        }
        let r = roles_for(roles, line).cloned().unwrap_or_default();
        let name_col = r.name.unwrap_or(0);
        let name_range = row.cells.get(name_col).cloned().unwrap_or(0..0);
        let row_hits = line_hits(i);
        let in_name = best_hit(
            row_hits
                .iter()
                .filter(|h| h.range.start >= name_range.start && h.range.end <= name_range.end),
        );
        let link_range = r.link.and_then(|c| row.cells.get(c).cloned());
        let anywhere = best_hit(row_hits.iter().filter(|h| {
            link_range
                .as_ref()
                .is_none_or(|l| !(l.start <= h.range.start && h.range.end <= l.end))
        }));
        let primary = in_name.or(if r.sdk_table || r.package.is_some() {
            anywhere
        } else {
            None
        });
        let name_cell = cell_text(line, Some(name_col)).unwrap_or_default();
        let (name, hit) = match primary {
            Some(h) => (
                line.text
                    .get(h.range.clone())
                    .unwrap_or_default()
                    .to_owned(),
                Some(h),
            ),
            None if r.sdk_table && !name_cell.is_empty() && name_cell.chars().count() <= 60 => {
                (name_cell.to_owned(), None)
            }
            None => continue,
        };
        let mut item = new_item(
            ctx,
            i,
            hit,
            &name,
            cap_around(&line.text, hit.map(|h| h.range.clone())),
            true,
        );
        add_row_details(ctx, &mut item, i, row_hits);
        item.mention.purpose = cell_text(line, r.purpose)
            .map(|p| cap(p, 200))
            .or_else(|| purpose_after(ctx.lex, &line.text, 0));
        owner[i] = Some(drafts.len());
        drafts.push(item);
    }

    // Flattened tables (one cell per line, as in text exported from a web page).
    let mut i = 0;
    while i < n {
        let Some(line) = ctx.lines.get(i) else { break };
        let start_hit = best_hit(
            line_hits(i)
                .iter()
                .filter(|h| !h.kind.starts_with("package")),
        );
        let starts = owner[i].is_none()
            && line.row.is_none()
            && line.heading.is_none()
            && is_cell_like(&line.text)
            && start_hit.is_some();
        if !starts {
            i += 1;
            continue;
        }
        let mut cells = Vec::new();
        let mut j = i + 1;
        while j < n && cells.len() < 5 {
            let Some(next) = ctx.lines.get(j) else { break };
            let t = next.text.trim();
            if t.is_empty() {
                j += 1;
                continue;
            }
            let next_name = best_hit(
                line_hits(j)
                    .iter()
                    .filter(|h| !h.kind.starts_with("package")),
            );
            let other_sdk = next_name.is_some_and(|h| {
                !same_family(
                    ctx.lex,
                    h.sdks.first().copied(),
                    start_hit.and_then(|s| s.sdks.first().copied()),
                )
            });
            let next_starts = (is_cell_like(t) && next_name.is_some() && other_sdk)
                || (other_sdk && ends_with_sentence_punct(t));
            let new_section =
                ctx.section_of.get(j) != ctx.section_of.get(i) || NUMBERED_HEADING.is_match(t);
            if next_starts
                || new_section
                || t.len() > 400
                || next.row.is_some()
                || owner[j].is_some()
            {
                break;
            }
            cells.push(j);
            j += 1;
        }
        if cells.is_empty() {
            i += 1;
            continue;
        }
        let name = start_hit
            .and_then(|h| line.text.get(h.range.clone()))
            .unwrap_or_default()
            .to_owned();
        let mut item = new_item(ctx, i, start_hit, &name, line.text.trim().to_owned(), true);
        owner[i] = Some(drafts.len());
        for &c in &cells {
            owner[c] = Some(drafts.len());
            add_row_details(ctx, &mut item, c, line_hits(c));
            let t = ctx.lines.get(c).map_or("", |l| l.text.trim());
            let package_like = line_hits(c).iter().any(|h| h.kind.starts_with("package"));
            if item.mention.purpose.is_none() && !package_like && !t.contains("http") {
                item.mention.purpose = Some(cap(t, 200));
            }
        }
        drafts.push(item);
        i = j;
    }

    // Running text.
    for (i, line) in ctx.lines.iter().enumerate() {
        if owner[i].is_some() {
            continue;
        }
        for h in line_hits(i) {
            if h.sdks.is_empty() {
                continue;
            }
            let sentence = sentence_of(ctx, i, h.range.start);
            let name = line.text.get(h.range.clone()).unwrap_or_default();
            let in_list = ctx.sdk_section.get(i).copied().unwrap_or(false);
            let mut item = new_item(
                ctx,
                i,
                Some(h),
                name,
                quote(&line.text, &sentence, &h.range),
                in_list,
            );
            item.mention.purpose = purpose_after(
                ctx.lex,
                line.text.get(..sentence.end).unwrap_or_default(),
                h.range.end,
            );
            drafts.push(item);
        }
    }
    // Unknown "XYZ SDK" names in SDK headings/rows already produce unmatched items above; in an
    // SDK-list section, a bare "XXX SDK" line names one too.
    for (i, line) in ctx.lines.iter().enumerate() {
        if owner[i].is_some()
            || !ctx.sdk_section.get(i).copied().unwrap_or(false)
            || !is_cell_like(&line.text)
        {
            continue;
        }
        if line_hits(i).iter().any(|h| !h.sdks.is_empty()) {
            continue;
        }
        if let Some(m) =
            UNKNOWN_SDK_NAME.find(line.text.trim_start_matches(['#', ' ', '*', '-', '•']))
        {
            let name = m.as_str().trim();
            if !name.eq_ignore_ascii_case("sdk")
                && name.chars().count() > 4
                && !is_generic_sdk_phrase(&line.text)
            {
                drafts.push(new_item(
                    ctx,
                    i,
                    None,
                    name,
                    line.text.trim().to_owned(),
                    true,
                ));
            }
        }
    }

    merge_items(drafts, owner)
}

/// "第三方SDK目录", "Third-party SDKs": a heading about SDKs, not the name of one.
fn is_generic_sdk_phrase(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "第三方",
        "主要",
        "其他",
        "目录",
        "列表",
        "清单",
        "相关",
        "以下",
        "合作",
        "说明",
        "third-party",
        "third party",
        "list",
        "following",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

fn labelled_purpose(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches(['*', '-', '•', ' ']);
    for label in ["功能", "使用目的", "目的", "用途", "Purpose", "purpose"] {
        if let Some(rest) = t.strip_prefix(label)
            && let Some(value) = rest.strip_prefix(['：', ':'])
        {
            let v = cap(value, 200);
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    None
}

fn cap_around(text: &str, range: Option<Range<usize>>) -> String {
    let all = 0..text.len();
    let m = range.unwrap_or(0..0);
    quote(text, &all, &m)
}

fn merge_items(
    drafts: Vec<ItemDraft>,
    owner: Vec<Option<usize>>,
) -> (Vec<SdkMention>, Vec<Option<usize>>) {
    let mut merged: Vec<SdkMention> = Vec::new();
    let mut key_to_index: HashMap<String, usize> = HashMap::new();
    let mut remap: Vec<usize> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let m = draft.mention;
        let key = m
            .sdk_id
            .clone()
            .unwrap_or_else(|| format!("?{}", m.name_in_text.to_lowercase()));
        match key_to_index.get(&key).copied() {
            Some(idx) => {
                remap.push(idx);
                let Some(existing) = merged.get_mut(idx) else {
                    continue;
                };
                let better = (m.in_sdk_list && !existing.in_sdk_list)
                    || (m.in_sdk_list == existing.in_sdk_list
                        && m.confidence > existing.confidence);
                let mut other = m;
                if better {
                    std::mem::swap(existing, &mut other);
                    existing.other_lines.append(&mut other.other_lines);
                }
                if !existing.other_lines.contains(&other.line) && other.line != existing.line {
                    existing.other_lines.push(other.line);
                }
                if existing.purpose.is_none() {
                    existing.purpose = other.purpose.take();
                }
                for p in other.packages_in_text {
                    if !existing.packages_in_text.contains(&p) {
                        existing.packages_in_text.push(p);
                    }
                }
                for r in other.related_sdk_ids {
                    if !existing.related_sdk_ids.contains(&r) {
                        existing.related_sdk_ids.push(r);
                    }
                }
            }
            None => {
                key_to_index.insert(key, merged.len());
                remap.push(merged.len());
                merged.push(m);
            }
        }
    }
    for item in &mut merged {
        item.other_lines.sort_unstable();
        item.other_lines.dedup();
    }
    let owner = owner
        .into_iter()
        .map(|o| o.and_then(|d| remap.get(d).copied()))
        .collect();
    (merged, owner)
}

/// Whether the phrase at `m` (byte range in the line) sits in a negated statement.
fn is_negated(ctx: &Ctx<'_>, text: &str, sentence: &Range<usize>, m: &Range<usize>) -> bool {
    let lex = ctx.lex;
    let Some(s) = text.get(sentence.clone()) else {
        return false;
    };
    if lex.conditional.any_in(s) {
        return false;
    }
    let rel_start = m.start.saturating_sub(sentence.start);
    let rel_end = m.end.saturating_sub(sentence.start);
    // The clause: the part of the sentence between contrast words.
    let mut clause = 0..s.len();
    for (cs, ce) in lex.contrast.find_all(s) {
        if ce <= rel_start {
            clause.start = clause.start.max(ce);
        } else if cs >= rel_end {
            clause.end = clause.end.min(cs);
        }
    }
    let Some(c) = s.get(clause.clone()) else {
        return false;
    };
    for (cs, ce) in lex.negation.find_all(c) {
        let (cs, ce) = (cs + clause.start, ce + clause.start);
        if ce <= rel_start {
            let scope_end = negation_scope_end(lex, s, ce, clause.end);
            if rel_start < scope_end {
                return true;
            }
        } else if cs >= rel_end {
            // Chinese puts the object first: "通讯录信息我们不会收集".
            let between = s.get(rel_end..cs).unwrap_or_default();
            let cue = s.get(cs..ce).unwrap_or_default();
            let passive = !cue.is_ascii() || cue.ends_with("ed");
            if passive && !between.contains(['，', ',', '、']) && between.chars().count() <= 12 {
                return true;
            }
        }
    }
    false
}

/// A negation covers a list ("不收集A、B，C") until a comma starts a positive predicate.
fn negation_scope_end(lex: &Lexicon, s: &str, from: usize, clause_end: usize) -> usize {
    let tail = s.get(from..clause_end).unwrap_or_default();
    let commas: Vec<usize> = tail
        .match_indices(['，', ','])
        .map(|(i, _)| from + i)
        .collect();
    for (k, &c) in commas.iter().enumerate() {
        let seg_end = commas.get(k + 1).copied().unwrap_or(clause_end);
        let after = ceil_char(s, c + 1);
        let seg = s.get(after..seg_end).unwrap_or_default();
        if lex.verbs.any_in(seg) && !lex.negation.any_in(seg) {
            return c;
        }
    }
    clause_end
}

fn find_data_types(
    ctx: &Ctx<'_>,
    hits: &[Vec<SdkHit>],
    owner: &[Option<usize>],
    sdks: &[SdkMention],
    roles: &HashMap<usize, (usize, Roles)>,
) -> Vec<DataTypeMention> {
    let lex = ctx.lex;
    let mut out: Vec<DataTypeMention> = Vec::new();
    let mut seen: BTreeSet<(usize, String, bool, String)> = BTreeSet::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        if (ctx.definitions.get(i).copied().unwrap_or(false) && is_definition(&line.text))
            || is_header_line(roles, line, i)
        {
            continue;
        }
        let text = line.text.as_str();
        let matches: Vec<(Range<usize>, usize)> = lex
            .data_ac
            .find_iter(text)
            .map(|m| (m.range(), m.pattern().as_usize()))
            .filter(|(r, _)| at_word_boundaries(text, r, true))
            .collect();
        let blocked = lex.blocked.find_all(text);
        let matches: Vec<(Range<usize>, usize)> = matches
            .into_iter()
            .filter(|(r, _)| !blocked.iter().any(|(bs, be)| *bs < r.end && r.start < *be))
            .collect();
        let owned_by = owner.get(i).copied().flatten().and_then(|o| sdks.get(o));
        let tabular = line.row.is_some() || owned_by.is_some();
        // In a table with a data column, only that column declares data.
        let data_cell = roles_for(roles, line)
            .and_then(|r| r.data)
            .and_then(|c| line.row.as_ref()?.cells.get(c).cloned());
        for (range, pattern) in &matches {
            if data_cell
                .as_ref()
                .is_some_and(|c| !(c.start <= range.start && range.end <= c.end))
            {
                continue;
            }
            let Some(phrase) = lex.data_phrases.get(*pattern) else {
                continue;
            };
            let sentence = sentence_of(ctx, i, range.start);
            let sentence_text = text.get(sentence.clone()).unwrap_or_default();
            if phrase.ambiguous && !tabular {
                // A short or polysemous phrase counts after a collection verb, or next to
                // a clear data type in the same list ("IMEI、MAC").
                let listed_with_clear = matches.iter().any(|(r, p)| {
                    r != range
                        && sentence.start <= r.start
                        && r.end <= sentence.end
                        && (r.end + 16 >= range.start && range.end + 16 >= r.start)
                        && lex.data_phrases.get(*p).is_some_and(|d| !d.ambiguous)
                });
                let verb_before = text
                    .get(sentence.start..range.start)
                    .is_some_and(|t| lex.verbs.any_in(t));
                if !listed_with_clear && !verb_before {
                    continue;
                }
            }
            let negated = is_negated(ctx, text, &sentence, range);
            let collector = match owned_by {
                Some(item) => item
                    .sdk_id
                    .clone()
                    .unwrap_or_else(|| "third_party".to_owned()),
                None => {
                    let in_sentence = hits.get(i).and_then(|hs| {
                        hs.iter().find(|h| {
                            !h.sdks.is_empty()
                                && sentence.start <= h.range.start
                                && h.range.end <= sentence.end
                        })
                    });
                    match in_sentence
                        .and_then(|h| h.sdks.first())
                        .and_then(|s| lex.sdks.get(*s))
                    {
                        Some(k) => k.id.clone(),
                        None if lex.third_party.any_in(sentence_text) => "third_party".to_owned(),
                        None => "first_party".to_owned(),
                    }
                }
            };
            let matched = text.get(range.clone()).unwrap_or_default().to_owned();
            let column = text.get(..range.start).map_or(0, |p| p.chars().count()) + 1;
            for target in &phrase.targets {
                if !seen.insert((i, target.id.clone(), negated, collector.clone())) {
                    continue;
                }
                out.push(DataTypeMention {
                    id: target.id.clone(),
                    category: target.category,
                    matched: matched.clone(),
                    quote: quote(text, &sentence, range),
                    line: i + 1,
                    column,
                    section: section_title(ctx, i),
                    negated,
                    collector: collector.clone(),
                });
            }
        }
    }
    out
}

/// "Term: meaning" or "X 指 …": a glossary entry, which names data without collecting it.
fn is_definition(text: &str) -> bool {
    let head = text.get(..floor_char(text, 90)).unwrap_or_default();
    head.contains([':', '：'])
        || head.contains("是指")
        || head.contains('指')
        || head.contains("refers to")
        || head.contains(" means ")
}

fn find_permissions(
    ctx: &Ctx<'_>,
    roles: &HashMap<usize, (usize, Roles)>,
) -> Vec<PermissionMention> {
    let lex = ctx.lex;
    let mut out: Vec<PermissionMention> = Vec::new();
    let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (i, line) in ctx.lines.iter().enumerate() {
        if ctx.definitions.get(i).copied().unwrap_or(false) || is_header_line(roles, line, i) {
            continue;
        }
        let text = line.text.as_str();
        let r = roles_for(roles, line);
        let perm_cell = r
            .and_then(|r| r.permission)
            .and_then(|c| line.row.as_ref()?.cells.get(c).cloned());
        let mut found: Vec<(usize, Range<usize>)> = Vec::new();
        for m in lex.perm_phrase_ac.find_iter(text) {
            if let Some(p) = lex.perm_phrase_of.get(m.pattern().as_usize())
                && at_word_boundaries(text, &m.range(), true)
            {
                found.push((*p, m.range()));
            }
        }
        for m in lex.perm_keyword_ac.find_iter(text) {
            let range = m.range();
            let Some(p) = lex.perm_keyword_of.get(m.pattern().as_usize()).copied() else {
                continue;
            };
            if found
                .iter()
                .any(|(_, r)| r.start <= range.start && range.end <= r.end)
                || !at_word_boundaries(text, &range, true)
            {
                continue;
            }
            let sentence = sentence_of(ctx, i, range.start);
            let after_end = floor_char(text, (range.end + 36).min(sentence.end));
            let before_start = ceil_char(text, range.start.saturating_sub(30).max(sentence.start));
            let anchored_after = text
                .get(range.end..after_end)
                .is_some_and(|t| lex.anchors_after.any_in(t));
            let anchored_before = text
                .get(before_start..range.start)
                .is_some_and(|t| lex.anchors_before.any_in(t));
            let in_perm_cell = perm_cell
                .as_ref()
                .is_some_and(|c| c.start <= range.start && range.end <= c.end);
            // "相机：用于扫码" as a line of a permission section.
            let content_start =
                text.len() - text.trim_start_matches(['*', '-', '•', ' ', '#']).len();
            let label_end = floor_char(text, range.end + 20);
            let leads_permission_line = ctx.permission_section.get(i).copied().unwrap_or(false)
                && range.start <= content_start + 12
                && text
                    .get(range.end..label_end)
                    .is_some_and(|t| t.contains([':', '：']));
            if anchored_after || anchored_before || in_perm_cell || leads_permission_line {
                found.push((p, range));
            }
        }
        found.sort_by_key(|(_, r)| r.start);
        for (p, range) in found {
            if !seen.insert((i, p)) {
                continue;
            }
            let sentence = sentence_of(ctx, i, range.start);
            let purpose = r
                .and_then(|r| cell_text(line, r.purpose))
                .map(|s| cap(s, 200))
                .or_else(|| {
                    purpose_after(lex, text.get(..sentence.end).unwrap_or_default(), range.end)
                });
            out.push(PermissionMention {
                name: lex.permission_names.get(p).cloned().unwrap_or_default(),
                purpose,
                quote: quote(text, &sentence, &range),
                line: i + 1,
                section: section_title(ctx, i),
                negated: is_negated(ctx, text, &sentence, &range),
            });
        }
    }
    out
}
