//! Negation scoped to the clause ("we do not collect…", "不会收集…").

use super::*;

/// Whether the phrase at `m` (byte range in the line) sits in a negated statement.
pub(super) fn is_negated(
    ctx: &Ctx<'_>,
    text: &str,
    sentence: &Range<usize>,
    m: &Range<usize>,
) -> bool {
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
pub(super) fn negation_scope_end(lex: &Lexicon, s: &str, from: usize, clause_end: usize) -> usize {
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

#[cfg(test)]
mod tests {
    use crate::analyze::test_support::{PREAMBLE, read};

    fn negated(text: &str, id: &str) -> Option<bool> {
        let r = read(text);
        r.data_types.iter().find(|d| d.id == id).map(|d| d.negated)
    }

    #[test]
    fn negation_covers_its_clause_in_chinese_and_english() {
        assert_eq!(
            negated(&format!("{PREAMBLE}我们不会收集您的通讯录。\n"), "contacts"),
            Some(true)
        );
        assert_eq!(
            negated(
                &format!("{PREAMBLE}我们不会收集您的通讯录，但会收集您的位置信息。\n"),
                "location"
            ),
            Some(false)
        );
        assert_eq!(
            negated(
                "# Privacy\n\nThe app does not use your location and never uploads your contacts.\n",
                "location"
            ),
            Some(true)
        );
    }

    #[test]
    fn without_consent_is_a_condition_not_a_denial() {
        assert_eq!(
            negated(
                &format!("{PREAMBLE}未经您同意，我们不会收集您的通讯录。\n"),
                "contacts"
            ),
            Some(false)
        );
    }
}
