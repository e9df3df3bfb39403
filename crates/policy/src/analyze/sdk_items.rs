//! SDK items: one per table row, flattened-table record, SDK heading or running-text mention.

use super::*;

pub(super) static UNKNOWN_SDK_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Han}A-Za-z][\p{Han}A-Za-z0-9+\-]{0,20}\s?SDK")
        .unwrap_or_else(|_| unreachable!("constant regex"))
});

/// Purpose from a purpose opener ("用于…", "used to …") at or after `from`.
pub(super) fn purpose_after(lex: &Lexicon, text: &str, from: usize) -> Option<String> {
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

pub(super) struct ItemDraft {
    pub(super) mention: SdkMention,
    pub(super) sdk: Option<usize>,
    pub(super) declared: bool,
}

/// Why an SDK item was read: the structure or wording that makes it a declaration, or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Basis {
    /// A row of a table about SDKs (or of a table inside the SDK-list section).
    SdkTableRow,
    /// A record of an SDK list: a flattened table, a labelled block, a list item.
    SdkListItem,
    /// A heading naming the SDK, owning the lines under it.
    SdkHeading,
    /// A sentence saying the app uses the SDK ("我们使用了…SDK", "we use Firebase Analytics").
    SdkSentence,
    /// A row of a table that is not about SDKs (login partners, identifiers).
    OtherTableRow,
    /// A name in running text with no SDK cue: a party, a company, a service.
    Mention,
}

impl Basis {
    fn reason(self) -> &'static str {
        match self {
            Self::SdkTableRow => "sdk_table_row",
            Self::SdkListItem => "sdk_list_item",
            Self::SdkHeading => "sdk_heading",
            Self::SdkSentence => "sdk_sentence",
            Self::OtherTableRow => "table_row",
            Self::Mention => "mention",
        }
    }
    fn declares(self) -> bool {
        matches!(
            self,
            Self::SdkTableRow | Self::SdkListItem | Self::SdkHeading | Self::SdkSentence
        )
    }
    fn in_list(self) -> bool {
        matches!(
            self,
            Self::SdkTableRow | Self::SdkListItem | Self::SdkHeading
        )
    }
}

pub(super) fn new_item(
    ctx: &Ctx<'_>,
    line: usize,
    hit: Option<&SdkHit>,
    name_in_text: &str,
    quote_text: String,
    basis: Basis,
) -> ItemDraft {
    let lex = ctx.lex;
    let sdk = hit.and_then(|h| h.sdks.first().copied());
    let known = sdk.and_then(|s| lex.sdks.get(s));
    ItemDraft {
        sdk,
        declared: basis.declares(),
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
            in_sdk_list: basis.in_list(),
            reason: basis.reason().to_owned(),
            related_sdk_ids: Vec::new(),
            other_lines: Vec::new(),
        },
    }
}

pub(super) fn add_row_details(ctx: &Ctx<'_>, item: &mut ItemDraft, line: usize, hits: &[SdkHit]) {
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

pub(super) fn best_hit<'h>(hits: impl Iterator<Item = &'h SdkHit>) -> Option<&'h SdkHit> {
    hits.filter(|h| !h.sdks.is_empty())
        .fold(None, |best: Option<&SdkHit>, h| match best {
            Some(b) if b.confidence >= h.confidence => Some(b),
            _ => Some(h),
        })
}

/// Same SDK or same product family by id (`facebook-core`/`facebook-login`).
pub(super) fn same_family(lex: &Lexicon, a: Option<usize>, b: Option<usize>) -> bool {
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

pub(super) fn is_cell_like(text: &str) -> bool {
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
pub(super) fn build_sdk_items(
    ctx: &Ctx<'_>,
    hits: &[Vec<SdkHit>],
    roles: &HashMap<usize, (usize, Roles)>,
) -> (Vec<(SdkMention, bool)>, Vec<Option<usize>>) {
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
        let Some(line) = ctx.lines.get(i) else {
            continue;
        };
        let name = line.text.get(hit.range.clone()).unwrap_or_default();
        if h.title.chars().count() > 40 || !names_the_heading(&h.title, name) {
            continue;
        }
        let mut item = new_item(
            ctx,
            i,
            Some(hit),
            name,
            line.text.trim().to_owned(),
            Basis::SdkHeading,
        );
        let mut j = i;
        while j < n && ctx.section_of.get(j).copied().flatten() == Some(hi) {
            // A paragraph where the app speaks ("我们会收集…") stays the app's own.
            // A line naming an SDK is about the SDK ("我们的产品集成友盟+SDK，友盟+SDK需要收集…").
            let names_an_sdk = line_hits(j).iter().any(|h| !h.sdks.is_empty());
            if j > i
                && !names_an_sdk
                && ctx
                    .lines
                    .get(j)
                    .is_some_and(|l| first_party_speaks(&l.text))
            {
                j += 1;
                continue;
            }
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
        // Outside the name column, a hit names the row only where no name column is known, and
        // never from the link or company column (a vendor's site or legal name).
        let cell_range = |c: Option<usize>| c.and_then(|c| row.cells.get(c).cloned());
        let excluded = [cell_range(r.link), cell_range(r.company)];
        let anywhere = best_hit(row_hits.iter().filter(|h| {
            let in_excluded = excluded
                .iter()
                .flatten()
                .any(|c| c.start <= h.range.start && h.range.end <= c.end);
            let word = line.text.get(h.range.clone()).unwrap_or_default();
            let lowercase_word =
                h.kind == "name" && !word.chars().any(|c| c.is_uppercase() || !c.is_ascii());
            !in_excluded && !lowercase_word
        }));
        let name_cell = cell_text(line, Some(name_col)).unwrap_or_default();
        let name_cell_is_a_name = !name_cell.is_empty()
            && name_cell.chars().count() <= 60
            && !ends_with_sentence_punct(name_cell);
        let primary = in_name.or(
            if (r.sdk_table || r.package.is_some()) && !(r.name.is_some() && name_cell_is_a_name) {
                anywhere
            } else {
                None
            },
        );
        // An unknown name is an SDK when the row says so: "SDK", a library word, or a package.
        let row_says_sdk = ctx.lex.sdk_row_words.any_in(&line.text)
            || row_hits.iter().any(|h| h.kind.starts_with("package"));
        let (name, hit) = match primary {
            Some(h) => (
                line.text
                    .get(h.range.clone())
                    .unwrap_or_default()
                    .to_owned(),
                Some(h),
            ),
            None if r.sdk_table
                && name_cell_is_a_name
                && row_says_sdk
                && !is_generic_sdk_phrase(name_cell) =>
            {
                (name_cell.to_owned(), None)
            }
            None => continue,
        };
        let basis = if r.sdk_table || ctx.sdk_section.get(i).copied().unwrap_or(false) {
            Basis::SdkTableRow
        } else {
            Basis::OtherTableRow
        };
        let mut item = new_item(
            ctx,
            i,
            hit,
            &name,
            cap_around(&line.text, hit.map(|h| h.range.clone())),
            basis,
        );
        add_row_details(ctx, &mut item, i, row_hits);
        item.mention.purpose = cell_text(line, r.purpose)
            .map(|p| cap(p, 200))
            .or_else(|| purpose_after(ctx.lex, &line.text, 0));
        owner[i] = Some(drafts.len());
        drafts.push(item);
    }

    // Blocks of labelled lines ("X SDK" then "使用目的：…").
    find_sdk_blocks(ctx, hits, &mut owner, &mut drafts);

    // Flattened tables (one cell per line, as in text exported from a web page).
    let mut i = 0;
    while i < n {
        let Some(line) = ctx.lines.get(i) else { break };
        let start_hit = best_hit(
            line_hits(i)
                .iter()
                .filter(|h| !h.kind.starts_with("package")),
        );
        let free = |k: usize| {
            owner.get(k).copied().flatten().is_none()
                && ctx
                    .lines
                    .get(k)
                    .is_some_and(|l| l.row.is_none() && l.heading.is_none())
        };
        // A record starts with a known name, or with any short name whose next cell is the
        // vendor's legal entity ("决战沙邑" above "…网络科技有限公司").
        // The vendor cell: a legal entity, or "开源框架" for an open-source library.
        let company_follows = |k: usize| {
            next_cell(ctx, k).is_some_and(|c| {
                ctx.lines.get(c).is_some_and(|l| {
                    let cell = l.text.trim().to_lowercase();
                    ctx.lex.is_company_name(&l.text)
                        || (cell.chars().count() <= 12
                            && (cell.contains("开源") || cell.contains("open source")))
                })
            })
        };
        let record_start = |k: usize| -> bool {
            let Some(l) = ctx.lines.get(k) else {
                return false;
            };
            let t = l.text.trim();
            free(k)
                && is_cell_like(t)
                && !ctx.lex.is_company_name(t)
                && (company_follows(k)
                    || (UNKNOWN_SDK_NAME.find(t).is_some_and(|m| m.end() == t.len())
                        && !is_generic_sdk_phrase(t)))
        };
        let starts =
            free(i) && is_cell_like(&line.text) && (start_hit.is_some() || record_start(i));
        if !starts {
            i += 1;
            continue;
        }
        let mut cells = Vec::new();
        let mut j = i + 1;
        while j < n && cells.len() < MAX_FLATTENED_CELLS {
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
            // The app speaking in a sentence ("我们会收集…") is not a cell of the SDK's record.
            let first_party_sentence = ends_with_sentence_punct(t) && first_party_speaks(t);
            let next_starts = (is_cell_like(t) && next_name.is_some() && other_sdk)
                || (other_sdk && ends_with_sentence_punct(t))
                || (!cells.is_empty() && record_start(j))
                || first_party_sentence
                // The next bullet naming another SDK is the next item.
                || (ITEM_MARKER.is_match(t) && other_sdk);
            // A numbered line inside a record is one of its fields ("（1）设备信息：…") unless it
            // is short and heading-like.
            let numbered_title =
                NUMBERED_HEADING.is_match(t) && t.chars().count() <= 30 && !t.contains([':', '：']);
            let new_section = ctx.section_of.get(j) != ctx.section_of.get(i) || numbered_title;
            if next_starts
                || new_section
                || t.len() > MAX_CELL_BYTES
                || next.row.is_some()
                || owner[j].is_some()
            {
                break;
            }
            cells.push(j);
            j += 1;
        }
        // One cell alone is a list item, not a record, unless it is the vendor.
        let single_company = cells.len() == 1
            && cells
                .first()
                .and_then(|c| ctx.lines.get(*c))
                .is_some_and(|l| ctx.lex.is_company_name(&l.text));
        if cells.is_empty() || (start_hit.is_none() && cells.len() < 2 && !single_company) {
            i += 1;
            continue;
        }
        // An unknown name is an SDK when its record says so ("SDK本机采集", "开源框架"); a
        // service reached from the back end ("阿里云短信 … 后端接口传输") is sharing, not an SDK.
        let record_says_sdk = std::iter::once(i)
            .chain(cells.iter().copied())
            .filter_map(|c| ctx.lines.get(c))
            .any(|l| ctx.lex.sdk_row_words.any_in(&l.text));
        if start_hit.is_none() && !record_says_sdk {
            i += 1;
            continue;
        }
        let name = start_hit
            .and_then(|h| line.text.get(h.range.clone()))
            .unwrap_or_else(|| line.text.trim())
            .to_owned();
        let basis = if has_sdk_context(ctx, i, roles) || in_introduced_sdk_list(ctx, i) {
            Basis::SdkListItem
        } else {
            Basis::Mention
        };
        let mut item = new_item(ctx, i, start_hit, &name, line.text.trim().to_owned(), basis);
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
            let basis = running_text_basis(ctx, i, &sentence, h);
            let mut item = new_item(
                ctx,
                i,
                Some(h),
                name,
                quote(&line.text, &sentence, &h.range),
                basis,
            );
            item.mention.purpose = purpose_after(
                ctx.lex,
                line.text.get(..sentence.end).unwrap_or_default(),
                h.range.end,
            );
            drafts.push(item);
        }
        // Unknown "XX SDK" names listed with others: "通过华为SDK、OPPO SDK、哔哩哔哩SDK完成登录".
        let known: Vec<Range<usize>> = line_hits(i).iter().map(|h| h.range.clone()).collect();
        for sentence in ctx.sentences.get(i).map(Vec::as_slice).unwrap_or_default() {
            for range in listed_sdk_names(ctx.lex, &line.text, sentence, &known) {
                let name = line.text.get(range.clone()).unwrap_or_default();
                drafts.push(new_item(
                    ctx,
                    i,
                    None,
                    name,
                    quote(&line.text, sentence, &range),
                    Basis::SdkSentence,
                ));
            }
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
                    Basis::SdkListItem,
                ));
            }
        }
    }

    merge_items(drafts, owner)
}

/// A longer line is a paragraph, not a cell of a flattened table.
const MAX_CELL_BYTES: usize = 2400;

/// Cells one flattened-table record may hold (name, vendor, purpose, scenario, method, data,
/// permissions, link …).
const MAX_FLATTENED_CELLS: usize = 12;

/// The next non-blank line after `k` (a flattened table's next cell).
fn next_cell(ctx: &Ctx<'_>, k: usize) -> Option<usize> {
    (k + 1..ctx.lines.len())
        .take(3)
        .find(|j| ctx.lines.get(*j).is_some_and(|l| !l.text.trim().is_empty()))
}

/// Whether a heading is about the SDK it names ("4、vivo push SDK", "#### 支付宝支付"), not a
/// topic that happens to contain a vendor's name ("七、微信用户的权利").
pub(super) fn names_the_heading(title: &str, name: &str) -> bool {
    let content = |s: &str| -> usize {
        s.chars()
            .filter(|c| c.is_alphabetic() && !c.is_ascii_digit())
            .count()
    };
    let title_body = NUMBERED_PREFIX.replace(title, "");
    let lower = title_body.to_lowercase();
    lower.contains("sdk") || content(name) * 2 >= content(&title_body)
}

/// "第三方SDK目录", "Third-party SDKs": a heading about SDKs, not the name of one.
pub(super) fn is_generic_sdk_phrase(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "三方",
        "依赖",
        "对应",
        "一些",
        "这些",
        "相同",
        "厂商",
        "形式",
        "会以",
        "该sdk",
        "此sdk",
        "各类",
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

pub(super) fn labelled_purpose(text: &str) -> Option<String> {
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

/// How strongly an item declares its SDK: list structure over a sentence over a mention.
fn strength(m: &SdkMention, declared: bool) -> u8 {
    u8::from(declared) * 2 + u8::from(m.in_sdk_list)
}

/// Merges items naming the same SDK (the strongest declaration leads, the others become
/// `other_lines`) and remaps line owners to the merged items. Returns the items with whether
/// each one is a declaration.
pub(super) fn merge_items(
    drafts: Vec<ItemDraft>,
    owner: Vec<Option<usize>>,
) -> (Vec<(SdkMention, bool)>, Vec<Option<usize>>) {
    let mut merged: Vec<(SdkMention, bool)> = Vec::new();
    let mut key_to_index: HashMap<String, usize> = HashMap::new();
    let mut remap: Vec<usize> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let (m, declared) = (draft.mention, draft.declared);
        let key = m
            .sdk_id
            .clone()
            .unwrap_or_else(|| format!("?{}", m.name_in_text.to_lowercase()));
        match key_to_index.get(&key).copied() {
            Some(idx) => {
                remap.push(idx);
                let Some((existing, existing_declared)) = merged.get_mut(idx) else {
                    continue;
                };
                let (new_rank, old_rank) = (
                    strength(&m, declared),
                    strength(existing, *existing_declared),
                );
                let better = new_rank > old_rank
                    || (new_rank == old_rank && m.confidence > existing.confidence);
                let mut other = m;
                if better {
                    std::mem::swap(existing, &mut other);
                    existing.other_lines.append(&mut other.other_lines);
                    *existing_declared = declared;
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
                for d in other.data_types {
                    if !existing.data_types.contains(&d) {
                        existing.data_types.push(d);
                    }
                }
            }
            None => {
                key_to_index.insert(key, merged.len());
                remap.push(merged.len());
                merged.push((m, declared));
            }
        }
    }
    for (item, _) in &mut merged {
        item.other_lines.sort_unstable();
        item.other_lines.dedup();
    }
    let owner = owner
        .into_iter()
        .map(|o| o.and_then(|d| remap.get(d).copied()))
        .collect();
    (merged, owner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::test_support::{PREAMBLE, declared, read};

    #[test]
    fn a_partner_named_in_running_text_is_a_mention_not_a_declaration() {
        let r = read(&format!(
            "{PREAMBLE}您可以使用微信账号登录本应用，也可以用手机号注册。\n"
        ));
        assert!(
            r.sdks
                .iter()
                .all(|s| s.sdk_id.as_deref() != Some("wechat-opensdk")),
            "{:?}",
            r.sdks
        );
        let m = r
            .mentions
            .iter()
            .find(|s| s.sdk_id.as_deref() == Some("wechat-opensdk"));
        assert_eq!(m.map(|m| m.reason.as_str()), Some("mention"));
    }

    #[test]
    fn a_use_cue_or_the_word_sdk_declares_a_name_in_running_text() {
        let r = read(&format!(
            "{PREAMBLE}我们使用了友盟统计，用于统计分析。本应用集成穿山甲SDK。\n"
        ));
        assert_eq!(
            declared(&r, "友盟统计").map(|s| s.reason.as_str()),
            Some("sdk_sentence")
        );
        assert!(declared(&r, "穿山甲SDK").is_some(), "{:?}", r.sdks);
    }

    #[test]
    fn unknown_sdk_names_listed_with_others_are_declared_and_share_the_data() {
        let r = read(&format!(
            "{PREAMBLE}您可以通过华为SDK、哔哩哔哩SDK完成第三方登录。为实现此功能，第三方SDK会收集您的设备型号、OAID。\n"
        ));
        for name in ["华为SDK", "哔哩哔哩SDK"] {
            let item = declared(&r, name).unwrap_or_else(|| panic!("{name}: {:?}", r.sdks));
            assert!(
                item.data_types.iter().any(|d| d == "oaid"),
                "{name}: {item:?}"
            );
        }
    }

    #[test]
    fn a_table_row_takes_its_sdk_from_the_name_cell_not_the_company_or_link() {
        let r = read(&format!(
            "{PREAMBLE}| SDK名称 | 第三方公司 | 使用目的 | 收集的信息 |\n|---|---|---|---|\n| 华为联运SDK | 华为技术有限公司 | 华为账号登录、支付 | 设备标识符、帐号信息 |\n"
        ));
        let item = declared(&r, "华为联运SDK").expect("row item");
        assert!(item.sdk_id.is_none(), "{item:?}");
        assert!(
            item.data_types.iter().any(|d| d == "account_info"),
            "{item:?}"
        );
    }

    #[test]
    fn a_back_end_service_row_without_sdk_words_is_not_an_sdk() {
        let r = read(&format!(
            "{PREAMBLE}| SDK名称 | 第三方公司 | 使用目的 | 收集方式 |\n|---|---|---|---|\n| 阿里云短信 | 阿里云计算有限公司 | 发送验证码 | 后端接口传输 |\n| 闪验SDK | 某科技有限公司 | 一键登录 | SDK本机采集 |\n"
        ));
        assert!(declared(&r, "阿里云短信").is_none(), "{:?}", r.sdks);
        assert!(declared(&r, "闪验SDK").is_some(), "{:?}", r.sdks);
    }

    #[test]
    fn a_flattened_record_of_an_unknown_name_needs_its_cells_to_say_sdk() {
        let r = read(&format!(
            "{PREAMBLE}阿里云短信\n\n阿里云计算有限公司\n\n发送验证码\n\n后端接口传输\n\n闪验SDK\n\n某某科技有限公司\n\n一键登录\n\nSDK本机采集\n\n手机号码\n"
        ));
        assert!(declared(&r, "阿里云短信").is_none(), "{:?}", r.sdks);
        let item = declared(&r, "闪验SDK").expect("declared");
        assert!(
            item.data_types.iter().any(|d| d == "phone_number"),
            "{item:?}"
        );
    }

    #[test]
    fn headings_must_be_about_the_sdk_they_name() {
        assert!(names_the_heading("4、vivo push SDK", "vivo push"));
        assert!(names_the_heading("（三）支付宝", "支付宝"));
        assert!(!names_the_heading(
            "七、如何通过微信联系我们并行使您的权利",
            "微信"
        ));
    }

    #[test]
    fn listed_names_are_cut_after_the_words_leading_into_the_list() {
        let lex = crate::analyze::test_support::lexicon();
        let text = "您可以通过华为SDK、OPPO SDK完成登录";
        let names: Vec<&str> = listed_sdk_names(&lex, text, &(0..text.len()), &[])
            .into_iter()
            .filter_map(|r| text.get(r))
            .collect();
        assert_eq!(names, ["华为SDK", "OPPO SDK"]);
    }

    #[test]
    fn a_list_introduced_as_third_party_services_declares_its_items() {
        let r = read(
            "# Privacy\n\nWe use the services below to run the app and to understand how it is used by people.\nThe following third-party services are used:\n\n- Google AdMob - for ads\n- Firebase Crashlytics - for crash reports\n",
        );
        assert!(declared(&r, "Google AdMob").is_some(), "{:?}", r.sdks);
        assert!(
            declared(&r, "Firebase Crashlytics").is_some(),
            "{:?}",
            r.sdks
        );
    }
}
