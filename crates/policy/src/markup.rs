//! Turns decoded policy text (plain, Markdown with inline HTML, or HTML) into
//! numbered lines. Tables become one line per row ("cell | cell | cell") so an
//! SDK row is one line a person can check. Nothing is fetched or executed:
//! scripts and styles are dropped unread.

use std::ops::Range;

/// How to interpret the decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// Plain text: lines as they are.
    Plain,
    /// Markdown / MDX: lines as they are, plus inline HTML tags and `|` tables.
    Markdown,
    /// HTML: whitespace collapses, block elements break lines.
    Html,
}

/// A table row: which table it belongs to and where its cells are in the line text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Rows with the same id belong to the same table.
    pub table: usize,
    /// Byte ranges of the cells in the line text.
    pub cells: Vec<Range<usize>>,
}

/// One line of normalized text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    /// The text shown to the user (quotes are substrings of it).
    pub text: String,
    /// Heading level when the markup says it is a heading (`#`, `<h2>`).
    pub heading: Option<u8>,
    /// Set when the line is a table row.
    pub row: Option<Row>,
    /// Byte ranges of the line text shown bold, underlined or coloured (see `emphasis.rs`);
    /// `None` when the document's format cannot show emphasis (plain text, PDF, DOCX as read).
    pub emphasis: Option<Vec<Range<usize>>>,
}

/// The normalized document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Doc {
    /// Lines, index 0 is line 1.
    pub lines: Vec<Line>,
}

/// Elements whose content is never text for the reader.
const SKIPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "head",
];
/// Elements that start a new line.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "blockquote",
    "pre",
    "hr",
    "dl",
    "dt",
    "dd",
    "form",
    "main",
    "aside",
    "title",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "details",
    "summary",
    "figure",
    "figcaption",
    "center",
];

/// Accumulates lines; also used by the DOCX reader.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    doc: Doc,
    current: String,
    heading: Option<u8>,
    row: Option<Row>,
    cell_start: Option<usize>,
    tables: Vec<usize>,
    next_table: usize,
    collapse_blank_lines: bool,
    /// Emphasis in the current line (`None`: the format shows none).
    emphasis: Option<crate::emphasis::LineEmphasis>,
}

impl Builder {
    pub(crate) fn new(collapse_blank_lines: bool) -> Self {
        Self {
            collapse_blank_lines,
            ..Self::default()
        }
    }

    /// A builder that records emphasised text (HTML, Markdown).
    pub(crate) fn with_emphasis(collapse_blank_lines: bool) -> Self {
        Self {
            collapse_blank_lines,
            emphasis: Some(crate::emphasis::LineEmphasis::default()),
            ..Self::default()
        }
    }

    /// Emphasis changes at the current position: an HTML element opens or closes (`html`, nested
    /// by depth), or a Markdown `**` toggles (ends with the line when unmatched).
    pub(crate) fn emphasis_event(&mut self, event: crate::emphasis::Event) {
        let at = self.current.len();
        if let Some(e) = self.emphasis.as_mut() {
            e.event(event, at);
        }
    }

    /// Truncates the current line, keeping emphasis ranges inside it.
    fn truncate_current(&mut self, len: usize) {
        self.current.truncate(len);
        if let Some(e) = self.emphasis.as_mut() {
            e.clamp(self.current.len());
        }
    }

    /// The emphasis of the line being emitted (text `text`, cut `lead` bytes at the start of
    /// `current`), and the state carried to the next line.
    fn take_line_emphasis(&mut self, lead: usize, text: &str) -> Option<Vec<Range<usize>>> {
        let end = self.current.len();
        self.emphasis
            .as_mut()
            .map(|e| e.finish_line(end, lead, text))
    }

    fn in_cell(&self) -> bool {
        self.cell_start.is_some()
    }

    /// Appends text; `collapse` turns whitespace runs (including newlines) into one space.
    pub(crate) fn push_text(&mut self, text: &str, collapse: bool) {
        if collapse {
            for ch in text.chars() {
                if ch.is_whitespace() {
                    if !self.current.is_empty() && !self.current.ends_with(' ') {
                        self.current.push(' ');
                    }
                } else {
                    self.current.push(ch);
                }
            }
            return;
        }
        let mut first = true;
        for part in text.split('\n') {
            if !first {
                if self.in_cell() || self.row.is_some() {
                    if !self.current.ends_with(' ') && !self.current.is_empty() {
                        self.current.push(' ');
                    }
                } else {
                    self.end_line_keep_blank();
                }
            }
            first = false;
            let part = part.strip_suffix('\r').unwrap_or(part);
            if self.in_cell() || self.row.is_some() {
                let trimmed = part.trim();
                if !trimmed.is_empty() {
                    if !self.current.is_empty() && !self.current.ends_with(' ') {
                        self.current.push(' ');
                    }
                    self.current.push_str(trimmed);
                }
            } else {
                self.current.push_str(part);
            }
        }
    }

    /// Ends the current line; inside a table cell this is a space instead.
    pub(crate) fn break_line(&mut self) {
        if self.in_cell() || self.row.is_some() {
            if !self.current.is_empty() && !self.current.ends_with(' ') {
                self.current.push(' ');
            }
            return;
        }
        if !self.current.trim().is_empty() {
            self.end_line_keep_blank();
        }
    }

    fn end_line_keep_blank(&mut self) {
        let lead = self.current.len() - self.current.trim_start().len();
        let text = self.current.trim().to_owned();
        let emphasis = self.take_line_emphasis(lead, &text);
        self.current.clear();
        if text.is_empty()
            && self.collapse_blank_lines
            && self.doc.lines.last().is_none_or(|l| l.text.is_empty())
        {
            self.heading = None;
            return;
        }
        self.doc.lines.push(Line {
            text,
            heading: self.heading.take(),
            row: None,
            emphasis,
        });
    }

    pub(crate) fn start_heading(&mut self, level: u8) {
        self.break_line();
        if !self.in_cell() && self.row.is_none() {
            self.heading = Some(level);
        }
    }

    pub(crate) fn end_heading(&mut self) {
        self.break_line();
        self.heading = None;
    }

    pub(crate) fn open_table(&mut self) {
        self.close_row();
        self.break_line();
        self.tables.push(self.next_table);
        self.next_table += 1;
    }

    pub(crate) fn close_table(&mut self) {
        self.close_row();
        self.tables.pop();
        self.break_line();
    }

    pub(crate) fn open_row(&mut self) {
        self.close_row();
        self.break_line();
        let table = match self.tables.last() {
            Some(id) => *id,
            None => {
                // A row outside any table still forms a table of its own.
                self.tables.push(self.next_table);
                self.next_table += 1;
                self.next_table - 1
            }
        };
        let end = self.current.len();
        let _ = self.take_line_emphasis(end, "");
        self.current.clear();
        self.row = Some(Row {
            table,
            cells: Vec::new(),
        });
    }

    pub(crate) fn open_cell(&mut self) {
        if self.row.is_none() {
            self.open_row();
        }
        self.close_cell();
        let trimmed_len = self.current.trim_end().len();
        self.truncate_current(trimmed_len);
        if self.row.as_ref().is_some_and(|r| !r.cells.is_empty()) {
            self.current.push_str(" | ");
        }
        self.cell_start = Some(self.current.len());
    }

    pub(crate) fn close_cell(&mut self) {
        if let Some(start) = self.cell_start.take() {
            let trimmed_len = self.current.trim_end().len();
            self.truncate_current(trimmed_len.max(start));
            let end = self.current.len();
            let lead = self
                .current
                .get(start..end)
                .map_or(0, |c| c.len() - c.trim_start().len());
            if let Some(row) = self.row.as_mut() {
                row.cells.push(start + lead..end);
            }
        }
    }

    pub(crate) fn close_row(&mut self) {
        self.close_cell();
        if let Some(row) = self.row.take() {
            // Cells were recorded in `current`; the stored line must be untrimmed at the start.
            let emphasis = self.take_line_emphasis(0, &self.current.clone());
            let text = std::mem::take(&mut self.current);
            let empty = row.cells.iter().all(|c| c.is_empty());
            if !empty {
                self.doc.lines.push(Line {
                    text,
                    heading: None,
                    row: Some(row),
                    emphasis,
                });
            }
        }
    }

    pub(crate) fn finish(mut self) -> Doc {
        self.close_row();
        if !self.current.trim().is_empty() {
            self.end_line_keep_blank();
        }
        while self.doc.lines.last().is_some_and(|l| l.text.is_empty()) {
            self.doc.lines.pop();
        }
        self.doc
    }
}

/// Converts text of the given flavor into lines.
pub(crate) fn to_doc(text: &str, flavor: Flavor) -> Doc {
    let mut doc = match flavor {
        Flavor::Plain => {
            let mut b = Builder::new(false);
            b.push_text(text, false);
            b.finish()
        }
        Flavor::Markdown => markup_to_doc(text, false),
        Flavor::Html => markup_to_doc(text, true),
    };
    if flavor != Flavor::Html {
        mark_markdown_structure(&mut doc, flavor == Flavor::Markdown);
    }
    doc
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// A tolerant tag scanner: no tree, no recursion, every step advances.
fn markup_to_doc(text: &str, html: bool) -> Doc {
    let mut b = Builder::with_emphasis(html);
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    let mut text_start = 0usize;
    let mut preformatted = false;
    let mut elements = crate::emphasis::ElementStack::default();
    while let Some(rel) = memchr_lt(bytes.get(pos..).unwrap_or_default()) {
        let lt = pos + rel;
        let Some(tag) = parse_tag(bytes, lt) else {
            pos = lt + 1;
            continue;
        };
        flush_text(
            &mut b,
            text.get(text_start..lt).unwrap_or_default(),
            html && !preformatted,
            html,
        );
        pos = tag.end;
        text_start = tag.end;
        let name = tag.name.as_str();
        if tag.kind == TagKind::Open && SKIPPED_ELEMENTS.contains(&name) && !tag.self_closing {
            let close = format!("</{name}");
            let rest = bytes.get(pos..).unwrap_or_default();
            let skip_to = find_ci(rest, close.as_bytes()).map_or(bytes.len(), |i| pos + i);
            let after = bytes.get(skip_to..).unwrap_or_default();
            let gt = after
                .iter()
                .position(|b| *b == b'>')
                .map_or(bytes.len(), |i| skip_to + i + 1);
            pos = gt;
            text_start = gt;
            if name == "title" || name == "head" {
                b.break_line();
            }
            continue;
        }
        apply_tag(&mut b, &tag, &mut preformatted);
        let events = match tag.kind {
            TagKind::Open => {
                let attrs = text.get(tag.attrs.clone()).unwrap_or_default();
                elements.open(name, attrs, tag.self_closing)
            }
            TagKind::Close => elements.close(name),
            TagKind::Other => Vec::new(),
        };
        for event in events {
            b.emphasis_event(event);
        }
    }
    flush_text(
        &mut b,
        text.get(text_start..).unwrap_or_default(),
        html && !preformatted,
        html,
    );
    b.finish()
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == b'<')
}

fn flush_text(b: &mut Builder, raw: &str, collapse: bool, html: bool) {
    if raw.is_empty() {
        return;
    }
    let decoded = decode_entities(raw);
    if html {
        b.push_text(&decoded, collapse);
    } else {
        push_markdown_text(b, &decoded);
    }
}

/// Markdown text: `**` markers are dropped (they only get in the way of reading quotes) and,
/// like `__` (kept in the text), open or close an emphasised run.
fn push_markdown_text(b: &mut Builder, text: &str) {
    if b.in_cell() || b.row.is_some() {
        // Inside an HTML table cell text pieces are joined with spaces: keep the text whole.
        b.push_text(&text.replace("**", ""), false);
        return;
    }
    let mut rest = text;
    loop {
        let next = [rest.find("**"), rest.find("__")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else {
            b.push_text(rest, false);
            return;
        };
        b.push_text(rest.get(..at).unwrap_or_default(), false);
        let marker = rest.get(at..at + 2).unwrap_or_default();
        if marker == "__" {
            b.push_text(marker, false);
        }
        b.emphasis_event(crate::emphasis::Event::Toggle);
        rest = rest.get(at + 2..).unwrap_or_default();
    }
}

#[derive(Debug, PartialEq, Eq)]
enum TagKind {
    Open,
    Close,
    Other,
}

#[derive(Debug)]
struct Tag {
    kind: TagKind,
    name: String,
    self_closing: bool,
    /// Byte range of the attribute text (after the name, before `>`).
    attrs: Range<usize>,
    end: usize,
}

/// Parses the tag starting at `lt` (a `<`); `None` when it is a literal `<`.
fn parse_tag(bytes: &[u8], lt: usize) -> Option<Tag> {
    let next = *bytes.get(lt + 1)?;
    if next == b'!' {
        let rest = bytes.get(lt..)?;
        let end = if rest.starts_with(b"<!--") {
            find_ci(rest, b"-->").map_or(bytes.len(), |i| lt + i + 3)
        } else {
            rest.iter()
                .position(|b| *b == b'>')
                .map_or(bytes.len(), |i| lt + i + 1)
        };
        return Some(Tag {
            kind: TagKind::Other,
            name: String::new(),
            self_closing: false,
            attrs: 0..0,
            end,
        });
    }
    if next == b'?' {
        let rest = bytes.get(lt..)?;
        let end = rest
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |i| lt + i + 1);
        return Some(Tag {
            kind: TagKind::Other,
            name: String::new(),
            self_closing: false,
            attrs: 0..0,
            end,
        });
    }
    let (kind, name_start) = if next == b'/' {
        (TagKind::Close, lt + 2)
    } else {
        (TagKind::Open, lt + 1)
    };
    let first = *bytes.get(name_start)?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let name_len = bytes
        .get(name_start..)?
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    let name =
        String::from_utf8_lossy(bytes.get(name_start..name_start + name_len)?).to_ascii_lowercase();
    // Find the closing '>' outside quotes; give up (literal '<') after a long stretch.
    let mut quote: Option<u8> = None;
    let mut i = name_start + name_len;
    let limit = bytes.len().min(i.saturating_add(8192));
    while i < limit {
        let c = *bytes.get(i)?;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => {
                let self_closing = i > 0 && bytes.get(i - 1) == Some(&b'/');
                return Some(Tag {
                    kind,
                    name,
                    self_closing,
                    attrs: name_start + name_len..i,
                    end: i + 1,
                });
            }
            None if c == b'<' => return None,
            None => {}
        }
        i += 1;
    }
    None
}

fn apply_tag(b: &mut Builder, tag: &Tag, preformatted: &mut bool) {
    let name = tag.name.as_str();
    let open = tag.kind == TagKind::Open;
    match name {
        "table" if open => b.open_table(),
        "table" => b.close_table(),
        "tr" if open => b.open_row(),
        "tr" => b.close_row(),
        "td" | "th" if open => b.open_cell(),
        "td" | "th" => b.close_cell(),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level = name.as_bytes().get(1).map_or(1, |d| d.saturating_sub(b'0'));
            if open {
                b.start_heading(level)
            } else {
                b.end_heading()
            }
        }
        "pre" => {
            *preformatted = open;
            b.break_line();
        }
        "li" if open => {
            b.break_line();
            if !b.in_cell() && b.row.is_none() {
                b.push_text("• ", false);
            }
        }
        _ if BLOCK_ELEMENTS.contains(&name) && tag.kind != TagKind::Other => b.break_line(),
        _ => {}
    }
}

/// Decodes the HTML entities policies actually use; unknown ones stay as written.
pub(crate) fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let semi = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|s| after.get(..s)).and_then(entity);
        match (decoded, semi) {
            (Some(ch), Some(s)) => {
                out.push(ch);
                rest = after.get(s + 1..).unwrap_or_default();
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return Some(
            char::from_u32(code)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "bull" => '•',
        "times" => '×',
        "laquo" => '«',
        "raquo" => '»',
        _ => return None,
    })
}

/// Marks Markdown headings (`# …`, when `headings`) and pipe tables
/// (`| a | b |`, also `a | b |` as text exported from web pages has them).
fn mark_markdown_structure(doc: &mut Doc, headings: bool) {
    let mut table_id = 1_000_000usize;
    let mut previous_was_pipe_row = false;
    for line in &mut doc.lines {
        if line.row.is_some() {
            previous_was_pipe_row = false;
            continue;
        }
        let text = line.text.as_str();
        let hashes = text.bytes().take_while(|b| *b == b'#').count();
        if headings
            && (1..=6).contains(&hashes)
            && text.as_bytes().get(hashes).is_some_and(|b| *b == b' ')
        {
            line.heading = Some(u8::try_from(hashes).unwrap_or(6));
            previous_was_pipe_row = false;
            continue;
        }
        let leading = text.starts_with('|');
        let pipe_row = (leading && text.matches('|').count() >= 3)
            || (text.trim_end().ends_with('|')
                && text.contains(" | ")
                && text.matches('|').count() >= 2);
        if pipe_row {
            if !previous_was_pipe_row {
                table_id += 1;
            }
            previous_was_pipe_row = true;
            let is_separator = text.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
            if is_separator {
                continue;
            }
            let mut cells = Vec::new();
            let mut start = usize::from(leading);
            for (i, _) in text.match_indices('|').skip(usize::from(leading)) {
                let cell = text.get(start..i).unwrap_or_default();
                let lead = cell.len() - cell.trim_start().len();
                let trail = cell.len() - cell.trim_end().len();
                cells.push(start + lead..(i - trail).max(start + lead));
                start = i + 1;
            }
            line.row = Some(Row {
                table: table_id,
                cells,
            });
        } else {
            previous_was_pipe_row = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Doc) -> Vec<&str> {
        doc.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn html_tables_become_rows_and_scripts_vanish() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head><body>\
            <h2>第三方SDK目录</h2><script>alert('x < y')</script>\
            <table><tr><th>SDK名称</th><th>用途</th></tr>\
            <tr><td>极光推送&nbsp;SDK</td><td><p>消息推送</p><p>统计</p></td></tr></table>\
            <p>Contact: a&amp;b@example.com</p></body></html>";
        let doc = to_doc(html, Flavor::Html);
        assert_eq!(
            texts(&doc),
            [
                "第三方SDK目录",
                "SDK名称 | 用途",
                "极光推送 SDK | 消息推送 统计",
                "Contact: a&b@example.com"
            ]
        );
        assert_eq!(doc.lines.first().and_then(|l| l.heading), Some(2));
        let row = doc.lines.get(2).and_then(|l| l.row.clone()).expect("row");
        let line = &doc.lines[2].text;
        let cells: Vec<&str> = row.cells.iter().map(|r| &line[r.clone()]).collect();
        assert_eq!(cells, ["极光推送 SDK", "消息推送 统计"]);
        assert_eq!(doc.lines[1].row.as_ref().map(|r| r.table), Some(row.table));
    }

    #[test]
    fn markdown_keeps_lines_and_parses_pipe_tables() {
        let md = "# 隐私政策\n\n**更新日期**：2024年1月1日\n\n| SDK | 包名 |\n|---|---|\n| 友盟 | com.umeng |\n";
        let doc = to_doc(md, Flavor::Markdown);
        assert_eq!(
            texts(&doc),
            [
                "# 隐私政策",
                "",
                "更新日期：2024年1月1日",
                "",
                "| SDK | 包名 |",
                "|---|---|",
                "| 友盟 | com.umeng |"
            ]
        );
        assert_eq!(doc.lines[0].heading, Some(1));
        let row = doc.lines[6].row.clone().expect("row");
        let cells: Vec<&str> = row
            .cells
            .iter()
            .map(|r| &doc.lines[6].text[r.clone()])
            .collect();
        assert_eq!(cells, ["友盟", "com.umeng"]);
        assert!(doc.lines[5].row.is_none());
    }

    /// The emphasised text of each line.
    fn marked(doc: &Doc) -> Vec<Vec<&str>> {
        doc.lines
            .iter()
            .map(|l| {
                l.emphasis
                    .iter()
                    .flatten()
                    .map(|r| &l.text[r.clone()])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn html_strong_and_bold_styles_are_emphasis() {
        let html = "<p>我们会收集您的<strong>身份证号码</strong>、手机号码</p>\
            <p>  <span style=\"font-weight: bold\">精准定位<span>信息</span></span>用于导航</p>\
            <p><span style=\"color:#333\">通讯录</span>与<u>短信</u></p>\
            <p><b>第一行<br>第二行</b></p><p>none</p>";
        let doc = to_doc(html, Flavor::Html);
        assert_eq!(
            texts(&doc),
            [
                "我们会收集您的身份证号码、手机号码",
                "精准定位信息用于导航",
                "通讯录与短信",
                "第一行",
                "第二行",
                "none"
            ]
        );
        assert_eq!(
            marked(&doc),
            [
                vec!["身份证号码"],
                vec!["精准定位信息"],
                vec!["短信"],
                vec!["第一行"],
                vec!["第二行"],
                vec![]
            ]
        );
    }

    #[test]
    fn markdown_double_stars_are_emphasis_and_unmatched_ones_are_not() {
        let md = "我们会收集您的**身份证号码**、手机号码\n**开头未闭合 身份证\n__生物识别信息__ 与 <strong>通讯录</strong>\n";
        let doc = to_doc(md, Flavor::Markdown);
        assert_eq!(
            texts(&doc),
            [
                "我们会收集您的身份证号码、手机号码",
                "开头未闭合 身份证",
                "__生物识别信息__ 与 通讯录"
            ]
        );
        assert_eq!(
            marked(&doc),
            [vec!["身份证号码"], vec![], vec!["生物识别信息__", "通讯录"]]
        );
    }

    #[test]
    fn plain_text_shows_no_emphasis() {
        let doc = to_doc("**身份证**\n", Flavor::Plain);
        assert_eq!(texts(&doc), ["**身份证**"]);
        assert!(doc.lines.iter().all(|l| l.emphasis.is_none()));
    }

    #[test]
    fn emphasis_in_table_cells_is_a_range_of_the_row_text() {
        let html = "<table><tr><td> <b>人脸信息</b> </td><td>实名认证</td></tr></table>";
        let doc = to_doc(html, Flavor::Html);
        assert_eq!(texts(&doc), ["人脸信息 | 实名认证"]);
        assert_eq!(marked(&doc), [vec!["人脸信息"]]);
    }

    #[test]
    fn hostile_markup_ends_cleanly() {
        let inputs = [
            "<",
            "<<<<",
            "<a",
            "<a href='>",
            "<!--",
            "<script>",
            "</td></tr></table>",
            "&#xFFFFFFFF;&#0;&#55296;",
            "<td><td><tr><th>x",
            "<h9>x</h9>",
            "<table><table><table>",
            "<p\n>a</p >",
        ];
        for input in inputs {
            let _ = to_doc(input, Flavor::Html);
            let _ = to_doc(input, Flavor::Markdown);
        }
        let html = "<table><tr><td>a</td><td>b</td></tr></table><p>x &amp; y</p>";
        for cut in 0..=html.len() {
            let _ = to_doc(&html[..cut], Flavor::Html);
        }
        let styled = "<p><b>a<span style='color:red'>b</b>c</span></p><strong><u>x</strong>";
        for cut in 0..=styled.len() {
            for doc in [
                to_doc(&styled[..cut], Flavor::Html),
                to_doc(&styled[..cut], Flavor::Markdown),
            ] {
                for line in &doc.lines {
                    for r in line.emphasis.iter().flatten() {
                        assert!(
                            line.text.get(r.clone()).is_some(),
                            "{r:?} of {:?}",
                            line.text
                        );
                    }
                }
            }
        }
        assert_eq!(
            decode_entities("&#x41;&#66;&amp&unknown;"),
            "AB&amp&unknown;"
        );
    }
}
