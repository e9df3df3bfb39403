//! Permissions the policy declares, with their purpose.

use super::*;

pub(super) fn find_permissions(
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
    purposes_from_flattened_rows(ctx, &mut out);
    out
}

/// A purpose this long is a paragraph, not a table cell.
const MAX_PURPOSE_CELL_CHARS: usize = 200;

/// A permission table flattened to one cell per line ("Read albums, camera permissions" then
/// "It is used to modify the profile picture…"): a permission alone on a short line without a
/// purpose takes the next cell, unless that cell names a permission too.
fn purposes_from_flattened_rows(ctx: &Ctx<'_>, out: &mut [PermissionMention]) {
    let permission_lines: BTreeSet<usize> = out.iter().map(|p| p.line).collect();
    for p in out.iter_mut().filter(|p| p.purpose.is_none() && !p.negated) {
        let i = p.line - 1;
        let Some(line) = ctx.lines.get(i) else {
            continue;
        };
        let own = line.text.trim();
        if line.row.is_some() || own.chars().count() > 80 || ends_with_sentence_punct(own) {
            continue;
        }
        let Some(j) = (i + 1..ctx.lines.len())
            .take(3)
            .find(|j| ctx.lines.get(*j).is_some_and(|l| !l.text.trim().is_empty()))
        else {
            continue;
        };
        let Some(next) = ctx.lines.get(j) else {
            continue;
        };
        let cell = next.text.trim();
        if permission_lines.contains(&(j + 1))
            || next.heading.is_some()
            || next.row.is_some()
            || cell.chars().count() > MAX_PURPOSE_CELL_CHARS
            || cell.chars().count() < 4
        {
            continue;
        }
        p.purpose = Some(cap(cell, MAX_PURPOSE_CELL_CHARS * 3));
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::test_support::{PREAMBLE, read};

    #[test]
    fn a_flattened_permission_row_takes_the_next_cell_as_purpose() {
        let r = read(&format!(
            "{PREAMBLE}Read albums, camera permissions\n\nIt is used to modify the profile picture\n"
        ));
        let camera = r
            .permissions
            .iter()
            .find(|p| p.name == "camera")
            .expect("camera");
        assert_eq!(
            camera.purpose.as_deref(),
            Some("It is used to modify the profile picture")
        );
    }

    #[test]
    fn a_denied_permission_is_negated() {
        let r = read("# Privacy\n\nThe app does not request access to your camera at any time.\n");
        assert!(
            r.permissions
                .iter()
                .filter(|p| p.name == "camera")
                .all(|p| p.negated),
            "{:?}",
            r.permissions
        );
    }
}
