//! Data-type phrases, each attributed to the first party, a third party or an SDK.

use super::*;

pub(super) fn find_data_types(
    ctx: &Ctx<'_>,
    hits: &[Vec<SdkHit>],
    owner: &[Option<usize>],
    sdks: &[&SdkMention],
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
        let matches = phrase_matches(lex, text);
        let blocked = lex.blocked.find_all(text);
        let matches: Vec<(Range<usize>, usize)> = matches
            .into_iter()
            .filter(|(r, _)| !blocked.iter().any(|(bs, be)| *bs < r.end && r.start < *be))
            .collect();
        let owned_by = owner
            .get(i)
            .copied()
            .flatten()
            .and_then(|o| sdks.get(o).copied());
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
            if lex.control.any_in(sentence_text) {
                continue;
            }
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
pub(super) fn is_definition(text: &str) -> bool {
    let head = text.get(..floor_char(text, 90)).unwrap_or_default();
    head.contains([':', '：'])
        || head.contains("是指")
        || head.contains('指')
        || head.contains("refers to")
        || head.contains(" means ")
}

/// Data phrases of a line at word boundaries. The automaton takes the longest phrase at each
/// place; when that one cuts a word ("IDFV" inside "广告IDFVX"…, "WIFISSID"), the shorter
/// phrases starting inside it are tried, so a longer term failing its boundary does not hide
/// a shorter one.
pub(super) fn phrase_matches(lex: &Lexicon, text: &str) -> Vec<(Range<usize>, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let input = aho_corasick::Input::new(text).span(from..text.len());
        let Some(m) = lex.data_ac.find(input) else {
            break;
        };
        if at_word_boundaries(text, &m.range(), true) {
            out.push((m.range(), m.pattern().as_usize()));
            from = m.end();
        } else {
            from = ceil_char(text, m.start() + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::test_support::{PREAMBLE, lexicon, read};

    #[test]
    fn a_longer_term_failing_its_boundary_does_not_hide_a_shorter_one() {
        let lex = lexicon();
        let text = "我们会收集 WIFISSID 与 SSID";
        let found: Vec<&str> = phrase_matches(&lex, text)
            .into_iter()
            .filter_map(|(r, _)| text.get(r))
            .collect();
        assert!(found.contains(&"SSID"), "{found:?}");
    }

    #[test]
    fn the_collector_follows_the_sentence() {
        let r = read(&format!(
            "{PREAMBLE}我们会收集您的手机号码。第三方合作方会收集您的设备型号。\n"
        ));
        let of = |id: &str| {
            r.data_types
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.collector.as_str())
        };
        assert_eq!(of("phone_number"), Some("first_party"));
        assert_eq!(of("device_hardware_info"), Some("third_party"));
    }

    #[test]
    fn a_definition_names_data_without_declaring_it() {
        let r = read(
            "# 定义\n\n个人信息：指以电子或者其他方式记录的各种信息，如手机号码。\n\n# 我们收集的信息\n\n我们会收集您的位置信息用于导航。\n",
        );
        assert!(
            r.data_types.iter().all(|d| d.id != "phone_number"),
            "{:?}",
            r.data_types
        );
        assert!(r.data_types.iter().any(|d| d.id == "location"));
    }
}
