//! SDK blocks written as lines, not tables: a name line followed by its labelled fields
//! ("1.2.3 “X SDK”：…" then "使用目的：…", "收集个人信息类型：…"), or a "SDK名称：X" field
//! opening a record. Each field line is owned by the block, so its data lands on the SDK.

use super::*;
use crate::lexicon::FieldKind;

/// Blank lines a block may span between two of its fields.
const MAX_BLANKS_IN_BLOCK: usize = 2;
/// Field lines one block may own (a real block has a handful).
const MAX_BLOCK_FIELDS: usize = 16;

/// The line without its list marker or numbering, and where that content starts.
pub(super) fn content_of(text: &str) -> (usize, &str) {
    let rest = LIST_MARKER.find(text).map_or(0, |m| m.end());
    let start = ceil_char(text, rest);
    (start, text.get(start..).unwrap_or_default())
}

/// The field a line holds, with its value range in the whole line.
pub(super) fn field_of(ctx: &Ctx<'_>, i: usize) -> Option<(FieldKind, Range<usize>)> {
    let line = ctx.lines.get(i)?;
    if line.row.is_some() {
        return None;
    }
    let (start, content) = content_of(&line.text);
    let (kind, value) = ctx.lex.fields.field(content)?;
    Some((kind, start + value.start..start + value.end))
}

/// The next non-blank line after `i`, within the blank-line allowance.
fn next_non_blank(ctx: &Ctx<'_>, i: usize) -> Option<usize> {
    (i + 1..ctx.lines.len())
        .take(MAX_BLANKS_IN_BLOCK + 1)
        .find(|j| ctx.lines.get(*j).is_some_and(|l| !l.text.trim().is_empty()))
}

/// The SDK name a block opens with: a known name near the start of the line, or an unknown
/// "XX SDK". Returns the hit (if known) and the name's byte range.
fn block_name<'h>(
    ctx: &Ctx<'_>,
    i: usize,
    hits: &'h [SdkHit],
    within: Range<usize>,
) -> Option<(Option<&'h SdkHit>, Range<usize>)> {
    let line = ctx.lines.get(i)?;
    let slack = 3;
    let known = best_hit(hits.iter().filter(|h| {
        !h.kind.starts_with("package")
            && h.range.start >= within.start
            && h.range.start <= within.start + slack
            && h.range.end <= within.end
    }));
    if let Some(h) = known {
        return Some((Some(h), h.range.clone()));
    }
    let value = line.text.get(within.clone())?;
    if let Some(m) = UNKNOWN_SDK_NAME.find(value) {
        let lead = value.get(..m.start()).unwrap_or_default();
        if lead.chars().count() <= slack && !is_generic_sdk_phrase(m.as_str()) {
            return Some((None, within.start + m.start()..within.start + m.end()));
        }
    }
    // A short name alone on its line ("网易一键登录") when the block's fields follow it.
    let name = value.trim();
    let short = (2..=MAX_BARE_NAME_CHARS).contains(&name.chars().count());
    if short
        && !name.contains(['：', ':', '，', ',', '。', '(', '（', '、'])
        && !is_generic_sdk_phrase(name)
        && purpose_and_data_follow(ctx, i)
    {
        let start = within.start + (value.len() - value.trim_start().len());
        return Some((None, start..start + name.len()));
    }
    None
}

/// A bare name opens a block only this short.
const MAX_BARE_NAME_CHARS: usize = 20;

/// Whether the field lines after `i` include both a purpose and a data field, as an SDK
/// block's do ("使用目的：…" then "数据类型：…").
fn purpose_and_data_follow(ctx: &Ctx<'_>, i: usize) -> bool {
    let mut purpose = false;
    let mut data = false;
    let mut last = i;
    for _ in 0..MAX_BLOCK_FIELDS {
        let Some(j) = next_non_blank(ctx, last) else {
            break;
        };
        match field_of(ctx, j) {
            Some((FieldKind::Purpose, _)) => purpose = true,
            Some((FieldKind::Data, _)) => data = true,
            Some((FieldKind::Name, _)) | None => break,
            Some(_) => {}
        }
        last = j;
    }
    purpose && data
}

/// Finds the blocks, adds one item each and marks the lines they own.
pub(super) fn find_sdk_blocks(
    ctx: &Ctx<'_>,
    hits: &[Vec<SdkHit>],
    owner: &mut [Option<usize>],
    drafts: &mut Vec<ItemDraft>,
) {
    let empty: Vec<SdkHit> = Vec::new();
    let n = ctx.lines.len();
    let mut i = 0;
    while i < n {
        let Some(line) = ctx.lines.get(i) else { break };
        if owner.get(i).copied().flatten().is_some() || line.row.is_some() {
            i += 1;
            continue;
        }
        let line_hits = hits.get(i).unwrap_or(&empty);
        let field = field_of(ctx, i);
        // "SDK名称：X" opens a record; otherwise a name at the start of the line opens a block
        // when labelled fields follow it.
        let opening = match &field {
            Some((FieldKind::Name, value)) => block_name(ctx, i, line_hits, value.clone()),
            Some(_) => None,
            None => {
                let (start, _) = content_of(&line.text);
                let next_is_field = next_non_blank(ctx, i)
                    .and_then(|j| field_of(ctx, j))
                    .is_some_and(|(k, _)| k != FieldKind::Name);
                if next_is_field && line.text.chars().count() <= 200 {
                    block_name(ctx, i, line_hits, start..line.text.len())
                } else {
                    None
                }
            }
        };
        let Some((hit, name_range)) = opening else {
            i += 1;
            continue;
        };
        let name = line.text.get(name_range.clone()).unwrap_or_default();
        let mut item = new_item(
            ctx,
            i,
            hit,
            name.trim_end_matches(['”', '"', '」']),
            cap_around(&line.text, Some(name_range.clone())),
            Basis::SdkListItem,
        );
        // The rest of the opening line after a colon: "“X SDK”：用于…".
        let tail = line.text.get(name_range.end..).unwrap_or_default();
        if let Some(p) = tail.find(['：', ':']) {
            let value = tail.get(p..).unwrap_or_default();
            let value = value.trim_start_matches(['：', ':', ' ']);
            if value.chars().count() >= 2 {
                item.mention.purpose = Some(cap(value, 200));
            }
        }
        let index = drafts.len();
        if let Some(o) = owner.get_mut(i) {
            *o = Some(index);
        }
        let mut last = i;
        let mut fields = 0;
        while let Some(j) = next_non_blank(ctx, last) {
            match field_of(ctx, j) {
                Some((FieldKind::Name, _)) | None => break,
                Some((kind, value)) => {
                    if owner.get(j).copied().flatten().is_some() || fields >= MAX_BLOCK_FIELDS {
                        break;
                    }
                    if let Some(o) = owner.get_mut(j) {
                        *o = Some(index);
                    }
                    add_row_details(ctx, &mut item, j, hits.get(j).unwrap_or(&empty));
                    if kind == FieldKind::Purpose && item.mention.purpose.is_none() {
                        let text = ctx.lines.get(j).map_or("", |l| l.text.as_str());
                        item.mention.purpose = text
                            .get(value)
                            .map(|v| cap(v, 200))
                            .filter(|v| !v.is_empty());
                    }
                    fields += 1;
                    last = j;
                }
            }
        }
        drafts.push(item);
        i = last + 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::test_support::{PREAMBLE, declared, read};

    #[test]
    fn a_numbered_sdk_item_owns_its_labelled_field_lines() {
        let r = read(&format!(
            "{PREAMBLE}1.2.3 “极光推送SDK”：用于消息推送\n收集个人信息类型：设备信息（IMEI、Android ID、OAID）\n使用目的：推送消息\n\n我们会收集您的手机号码。\n"
        ));
        let jpush = declared(&r, "极光推送SDK").expect("the item is declared");
        // A numbered line may read as a heading; either way it is a declaration that owns
        // its fields and not the app's paragraph after them.
        assert!(
            matches!(jpush.reason.as_str(), "sdk_list_item" | "sdk_heading"),
            "{jpush:?}"
        );
        for t in ["imei", "android_id", "oaid"] {
            assert!(jpush.data_types.iter().any(|d| d == t), "{t}: {jpush:?}");
        }
        // The paragraph after the block is the app's own.
        assert!(!jpush.data_types.iter().any(|d| d == "phone_number"));
        assert!(
            jpush.purpose.as_deref().is_some_and(|p| p.contains("推送")),
            "{jpush:?}"
        );
    }

    #[test]
    fn an_sdk_name_field_opens_a_record_even_for_an_unknown_sdk() {
        let r = read(&format!(
            "{PREAMBLE}SDK名称：闪验SDK\n第三方公司名称：某某网络科技有限公司\n收集的个人信息：手机号码、运营商信息\n"
        ));
        let item = declared(&r, "闪验SDK").expect("declared");
        assert!(item.sdk_id.is_none());
        assert!(
            item.data_types.iter().any(|d| d == "phone_number"),
            "{item:?}"
        );
        assert!(
            item.data_types.iter().any(|d| d == "carrier_info"),
            "{item:?}"
        );
    }

    #[test]
    fn a_bare_name_opens_a_block_when_purpose_and_data_fields_follow() {
        let r = read(&format!(
            "{PREAMBLE}*   网易一键登录\n    使用目的：改善注册及登录界面用户体验\n    数据类型：IP地址、国际移动设备识别码（IMEI）\n"
        ));
        let item = declared(&r, "网易一键登录").expect("declared");
        assert!(item.data_types.iter().any(|d| d == "imei"), "{item:?}");
        // Without a data field the short line is just a line.
        let r = read(&format!(
            "{PREAMBLE}*   网易一键登录\n    使用目的：改善体验\n"
        ));
        assert!(declared(&r, "网易一键登录").is_none(), "{:?}", r.sdks);
    }

    #[test]
    fn a_name_line_without_fields_is_not_a_block() {
        let r = read(&format!(
            "{PREAMBLE}极光推送SDK\n我们会收集您的手机号码。\n"
        ));
        let item = r
            .sdks
            .iter()
            .chain(&r.mentions)
            .find(|s| s.sdk_id.as_deref() == Some("jpush"));
        assert!(item.is_none_or(|i| !i.data_types.iter().any(|d| d == "phone_number")));
    }
}
