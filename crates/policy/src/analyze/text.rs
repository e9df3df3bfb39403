//! Text primitives: word boundaries, char-safe cuts, sentences and quotes.

use super::*;

/// Quotes longer than this are cut to a window around the match.
pub(super) const MAX_QUOTE_BYTES: usize = 360;

pub(super) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when the match does not cut a Latin word (plural `s` allowed when `plural`).
pub(super) fn at_word_boundaries(text: &str, range: &Range<usize>, plural: bool) -> bool {
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

pub(super) fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Sentence ranges of a line; table cells are sentence domains of their own.
pub(super) fn sentence_ranges(line: &Line) -> Vec<Range<usize>> {
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

pub(super) fn sentence_of(ctx: &Ctx<'_>, line: usize, pos: usize) -> Range<usize> {
    ctx.sentences
        .get(line)
        .and_then(|s| s.iter().find(|r| r.start <= pos && pos < r.end).cloned())
        .unwrap_or(0..ctx.lines.get(line).map_or(0, |l| l.text.len()))
}

/// The trimmed sentence around `m`, cut to a window when long; always a substring of `text`.
pub(super) fn quote(text: &str, sentence: &Range<usize>, m: &Range<usize>) -> String {
    let mut start = sentence.start.min(m.start);
    let mut end = sentence.end.max(m.end).min(text.len());
    if end - start > MAX_QUOTE_BYTES {
        let half = MAX_QUOTE_BYTES / 2;
        let window_start = floor_char(text, m.start.saturating_sub(half).max(start));
        let window_end = ceil_char(text, (m.end + half).min(end));
        // Never cut a Latin word in two: move the cut to the nearest space inside the window.
        start = if text
            .get(..window_start)
            .is_some_and(|b| b.ends_with(|c: char| c.is_ascii_alphanumeric()))
            && text
                .get(window_start..)
                .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_alphanumeric()))
        {
            text.get(window_start..m.start)
                .and_then(|w| w.find(' '))
                .map_or(window_start, |s| window_start + s + 1)
        } else {
            window_start
        };
        end = if text
            .get(..window_end)
            .is_some_and(|b| b.ends_with(|c: char| c.is_ascii_alphanumeric()))
            && text
                .get(window_end..)
                .is_some_and(|a| a.starts_with(|c: char| c.is_ascii_alphanumeric()))
        {
            text.get(m.end..window_end)
                .and_then(|w| w.rfind(' '))
                .map_or(window_end, |s| m.end + s)
        } else {
            window_end
        };
    }
    text.get(start..end).unwrap_or_default().trim().to_owned()
}

pub(super) fn title_of(line: &Line) -> String {
    line.text.trim_start_matches('#').trim().to_owned()
}

pub(super) fn ends_with_sentence_punct(text: &str) -> bool {
    text.trim_end()
        .ends_with(['。', '.', ';', '；', ',', '，', '、', '!', '！', '?', '？'])
}

pub(super) fn is_blank(lines: &[Line], i: Option<usize>) -> bool {
    i.and_then(|i| lines.get(i))
        .is_none_or(|l| l.text.trim().is_empty())
}

pub(super) fn cap(text: &str, max: usize) -> String {
    let end = floor_char(text, max);
    text.get(..end).unwrap_or_default().trim().to_owned()
}

pub(super) fn cap_around(text: &str, range: Option<Range<usize>>) -> String {
    let all = 0..text.len();
    let m = range.unwrap_or(0..0);
    quote(text, &all, &m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quote_is_cut_between_words() {
        let text = format!(
            "{} we collect your precise location here {}",
            "word ".repeat(80),
            "tail ".repeat(80)
        );
        let m = text.find("precise").map(|s| s..s + 7).expect("phrase");
        let q = quote(&text, &(0..text.len()), &m);
        assert!(q.contains("precise location"));
        assert!(
            q.split(' ').all(|w| w.is_empty()
                || w == "word"
                || w == "tail"
                || "we collect your precise location here".contains(w)),
            "{q}"
        );
        assert!(q.len() <= MAX_QUOTE_BYTES + m.len());
    }
}
