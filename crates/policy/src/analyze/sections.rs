//! Headings, the section each line belongs to, and topics recognised from body text.

use super::*;

/// Topics a regulator-style check expects; reported in `missing_sections` when absent.
pub(super) const KEY_SECTION_KINDS: &[SectionKind] = &[
    SectionKind::Contact,
    SectionKind::UserRights,
    SectionKind::AccountCancellation,
    SectionKind::Children,
    SectionKind::Retention,
    SectionKind::CrossBorder,
    SectionKind::ThirdPartySharing,
    SectionKind::SdkList,
    SectionKind::UpdateDate,
];

pub(super) static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:第[一二三四五六七八九十百零\d]+[章条节部分]|[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ]+\s*[.、．]?|\d{1,2}(?:\.\d{1,2})*\s*[.、．)]?|[IVX]{1,5}\.|[A-H]\.|\.)\s*\S",
    )
    .unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(super) static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d\d|\d{4}\s*年").unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(super) static DATED_UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\d{4}\s*年[^。]{0,16}(?:更新|生效|修订)|(?:updated|effective|revised)\b[^.]{0,24}\d{4}")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

pub(super) fn heading_kinds(lex: &Lexicon, title: &str) -> Vec<SectionKind> {
    lex.sections
        .iter()
        .filter(|s| s.heading.any_in(title))
        .map(|s| s.kind)
        .collect()
}

pub(super) fn find_headings(lines: &[Line], lex: &Lexicon) -> (Vec<Section>, Vec<Option<usize>>) {
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
                && (!title
                    .trim_start_matches(|c: char| !c.is_alphabetic())
                    .starts_with(|c: char| c.is_ascii_lowercase())
                    // "4、vivo push SDK": a product name may start in lowercase.
                    || title.to_lowercase().contains("sdk"))
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
                kind: kinds.first().copied().unwrap_or(SectionKind::Other),
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
pub(super) fn body_sections(ctx: &Ctx<'_>) -> Vec<Section> {
    let mut out = Vec::new();
    let covered: BTreeSet<SectionKind> = ctx
        .headings
        .iter()
        .flat_map(|h| h.kinds.iter().copied())
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
            kind: SectionKind::UpdateDate,
            kinds: vec![SectionKind::UpdateDate],
            title: short(&line.text),
            line: i + 1,
            from_heading: false,
        });
    }
    for kind in &ctx.lex.sections {
        let Some(body) = &kind.body else { continue };
        if covered.contains(&kind.kind) {
            continue;
        }
        if let Some((i, line)) = ctx
            .lines
            .iter()
            .enumerate()
            .find(|(_, l)| body.any_in(&l.text))
        {
            out.push(Section {
                kind: kind.kind,
                kinds: vec![kind.kind],
                title: short(&line.text),
                line: i + 1,
                from_heading: false,
            });
        }
    }
    out
}

pub(super) fn section_title(ctx: &Ctx<'_>, line: usize) -> Option<String> {
    ctx.section_of
        .get(line)
        .copied()
        .flatten()
        .and_then(|i| ctx.headings.get(i))
        .map(|h| h.title.clone())
}

#[cfg(test)]
mod tests {
    use crate::analyze::test_support::read;

    #[test]
    fn headings_and_body_text_name_the_topics() {
        let r = read(
            "# 隐私政策\n\n## 一、我们如何收集您的个人信息\n\n我们会收集您的手机号码用于注册。\n\n## 二、您的权利\n\n您可以访问、更正您的个人信息。\n\n如有问题请联系我们：privacy@example.com\n",
        );
        let kinds: Vec<&str> = r.sections.iter().map(|s| s.kind.as_str()).collect();
        assert!(
            kinds.contains(&"collection") && kinds.contains(&"user_rights"),
            "{kinds:?}"
        );
        assert!(kinds.contains(&"contact"), "{kinds:?}");
        assert!(r.missing_sections.contains(&crate::SectionKind::Children));
    }

    #[test]
    fn a_run_of_numbered_lines_is_a_table_of_contents_not_headings() {
        let r = read(
            "# 目录\n\n一、收集\n二、使用\n三、共享\n四、权利\n\n本政策说明我们如何处理您的个人信息，以及您享有的权利和选择。\n",
        );
        assert!(
            r.sections.iter().filter(|s| s.from_heading).count() <= 1,
            "{:?}",
            r.sections
        );
    }
}
