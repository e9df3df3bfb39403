//! SDK references inside one line: package names, known names and aliases, misspelt names.

use super::*;

pub(super) static PACKAGE_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(super) static LATIN_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9]+").unwrap_or_else(|_| unreachable!("constant regex"))
});

/// A possible SDK reference inside one line.
#[derive(Debug, Clone)]
pub(super) struct SdkHit {
    pub(super) range: Range<usize>,
    /// Candidate SDK indices, best first; empty for an unknown package.
    pub(super) sdks: Vec<usize>,
    pub(super) confidence: f64,
    pub(super) kind: &'static str,
}

/// Lines after a mention of "SDK" are an SDK context (an SDK list follows its introduction).
pub(super) const SDK_CONTEXT_REACH: usize = 60;

pub(super) fn has_sdk_context(
    ctx: &Ctx<'_>,
    i: usize,
    roles: &HashMap<usize, (usize, Roles)>,
) -> bool {
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

pub(super) fn find_sdk_hits(
    ctx: &Ctx<'_>,
    i: usize,
    roles: &HashMap<usize, (usize, Roles)>,
) -> Vec<SdkHit> {
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
        if !lex.java_package_roots.contains(root) {
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
        // A lowercase word inside a sentence is a word ("location display", "adjust"); alone
        // on a short line or before "SDK" it can be a library's name ("glide", "okhttp").
        let words_on_line = text.split_whitespace().count();
        let sdk_after = text
            .get(range.end..)
            .is_some_and(|rest| SDK_AFTER_NAME.is_match(rest));
        if !capitalised && words_on_line > 3 && !sdk_after && line.row.is_none() {
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
        let fuzzy = fuzzy_hits(ctx, i, text, &hits, line.row.is_some(), in_sdk_section);
        hits.extend(fuzzy);
    }
    extend_by_longer_names(lex, text, &mut hits);
    // An identifier ("AndroidID", "GAID", "OpenUDID") is data, not an SDK, unless "SDK"
    // follows it; and a name inside a link is the link's host, not a declaration.
    let links: Vec<Range<usize>> = LINK.find_iter(text).map(|m| m.range()).collect();
    // The line's data phrases, found once for all its hits.
    let phrases: Vec<Range<usize>> = if hits.is_empty() {
        Vec::new()
    } else {
        lex.data_ac.find_iter(text).map(|m| m.range()).collect()
    };
    hits.retain(|h| {
        let word = text.get(h.range.clone()).unwrap_or_default();
        let sdk_after = text
            .get(h.range.end..)
            .is_some_and(|rest| SDK_AFTER_NAME.is_match(rest));
        let identifier = !h.kind.starts_with("package")
            && (IDENTIFIER_WORD.is_match(word)
                || phrases
                    .iter()
                    .any(|p| p.start <= h.range.start && h.range.end <= p.end))
            && !sdk_after;
        let in_link = links
            .iter()
            .any(|l| l.start <= h.range.start && h.range.end <= l.end);
        !identifier && !in_link
    });
    hits.sort_by_key(|h| h.range.start);
    join_vendor_prefixes(text, hits)
}

/// "Google Firebase Remote Config": the automaton takes "Google Firebase" (leftmost-longest)
/// and so hides "Firebase Remote Config"; a name starting inside a hit and ending after it
/// extends the hit and names the product.
fn extend_by_longer_names(lex: &Lexicon, text: &str, hits: &mut [SdkHit]) {
    for h in hits.iter_mut().filter(|h| h.kind == "name") {
        let mut from = h.range.start + 1;
        while from < h.range.end {
            from = ceil_char(text, from);
            let input = aho_corasick::Input::new(text).span(from..text.len());
            let Some(m) = lex.sdk_name_ac.find(input) else {
                break;
            };
            if m.start() >= h.range.end {
                break;
            }
            // The longer name starts a word after a space and adds more than "SDK".
            let after_space = text.get(..m.start()).is_some_and(|p| p.ends_with(' '));
            let adds_a_word = text
                .get(h.range.end..m.end())
                .is_some_and(|tail| !tail.trim().eq_ignore_ascii_case("sdk"));
            if m.end() > h.range.end
                && after_space
                && adds_a_word
                && at_word_boundaries(text, &m.range(), false)
                && let Some(name) = lex.sdk_names.get(m.pattern().as_usize())
            {
                h.range = h.range.start..m.end();
                h.sdks = name.sdks.clone();
                break;
            }
            from = m.start() + 1;
        }
    }
}

/// "Google Firebase Remote Config": a name right before another (only spaces between) is the
/// vendor of the product named next; the two are one name, for the product.
fn join_vendor_prefixes(text: &str, hits: Vec<SdkHit>) -> Vec<SdkHit> {
    let mut out: Vec<SdkHit> = Vec::with_capacity(hits.len());
    for h in hits {
        if let Some(prev) = out.last()
            && prev.kind == "name"
            && h.kind.ends_with("name")
            && !h.sdks.is_empty()
            && text
                .get(prev.range.end..h.range.start)
                .is_some_and(|gap| gap.len() <= 2 && gap.chars().all(|c| c == ' '))
        {
            let start = prev.range.start;
            out.pop();
            out.push(SdkHit {
                range: start..h.range.end,
                ..h
            });
            continue;
        }
        out.push(h);
    }
    out
}

/// Whether `a` is `b` with two neighbouring letters swapped.
fn is_transposition(a: &str, b: &str) -> bool {
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if x.len() != y.len() {
        return false;
    }
    let diff: Vec<usize> = (0..x.len()).filter(|k| x.get(*k) != y.get(*k)).collect();
    matches!(diff.as_slice(), [p, q] if *q == p + 1 && x.get(*p) == y.get(*q) && x.get(*q) == y.get(*p))
}

/// Words shaped like an identifier's name: "AndroidID", "GAID", "OpenUDID", "DeviceId".
static IDENTIFIER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z]{0,12}I[Dd]|[A-Z]{2,5}I[Dd]s?)$")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// "SDK" right after a name ("GAID SDK", "OAID SDK").
static SDK_AFTER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s?(?i:sdk)").unwrap_or_else(|_| unreachable!("constant regex"))
});

/// A link: its host names a vendor without declaring anything.
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:https?://|www\.)[^\s<>\)）\]】，,；;]+")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(super) fn lookup_package(
    lex: &Lexicon,
    token: &str,
) -> Option<(Vec<usize>, f64, &'static str)> {
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
pub(super) const FUZZY_CUE_REACH: usize = 2;

pub(super) fn fuzzy_hits(
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
            // A short name misspelt drops, adds or swaps a letter ("Umen", "Jigaung"); one
            // letter replaced is another word ("OpenAI" is not OpenAL).
            if name.len() <= 6 && probe.len() == name.len() && !is_transposition(&probe, name) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::test_support::{PREAMBLE, read};

    #[test]
    fn identifier_words_are_data_not_sdk_names() {
        let r = read(&format!(
            "{PREAMBLE}第三方SDK会收集您的设备识别码（AndroidID、OAID、GAID、OpenUDID）。\n"
        ));
        assert!(
            r.sdks.is_empty() && r.mentions.is_empty(),
            "{:?} {:?}",
            r.sdks,
            r.mentions
        );
    }

    #[test]
    fn a_name_inside_a_link_is_not_a_declaration() {
        let r = read(&format!(
            "{PREAMBLE}更多信息请访问 https://www.umeng.com/page/policy 查看。\n"
        ));
        assert!(r.sdks.is_empty(), "{:?}", r.sdks);
    }

    #[test]
    fn short_names_are_not_matched_through_a_replaced_letter() {
        assert!(is_transposition("jigaung", "jiguang"));
        assert!(!is_transposition("openai", "openal"));
        let r = read(
            "# Privacy\n\nThis policy explains what we collect and why, and the choices you have about it.\nWe may use third-party service providers such as OpenAI to enable features; Umen statistics SDK counts visits.\n",
        );
        let names: Vec<&str> = r.sdks.iter().map(|s| s.name_in_text.as_str()).collect();
        assert!(!names.contains(&"OpenAI"), "{names:?}");
    }

    #[test]
    fn a_vendor_name_before_a_product_does_not_hide_it() {
        let r = read(
            "# Privacy\n\nThis policy explains what we collect and why, and the choices you have about it.\nThe following third-party services are used:\n\n- Google Crashlytics - for crash reports\n",
        );
        // "Google" is no name of the fixture list here: the product after the vendor still
        // leads the item and is declared.
        let item = r.sdks.first().expect("one declared SDK");
        assert_eq!(item.sdk_id.as_deref(), Some("firebase-crashlytics"));
        assert_eq!(item.reason, "sdk_list_item");
    }

    #[test]
    fn lowercase_words_in_a_sentence_are_not_names() {
        let r = read(&format!(
            "{PREAMBLE}Implement map and location display for the glide path of the user.\n"
        ));
        assert!(
            r.sdks.iter().all(|s| s.sdk_id.as_deref() != Some("glide")),
            "{:?}",
            r.sdks
        );
    }
}
