//! Emphasis: which text of an HTML or Markdown policy is shown bold, underlined or coloured
//! (GB/T 35273-2020 5.5 a)2) asks for sensitive personal information to be marked so).
//!
//! HTML: `<b>`, `<strong>`, `<u>`, `<ins>`, `<mark>`, and any element whose `style` sets a bold
//! `font-weight`, an underline, or a hue as `color` / `background-color` (also `<font color>`).
//! Classes are not resolved (stylesheets are dropped unread). Markdown: `**…**` and `__…__` on
//! one line (an unmatched marker marks nothing). What counts is data: `data/emphasis.toml`.
//!
//! The builder asks [`ElementStack`] what each tag does and records the runs in
//! [`LineEmphasis`], as byte ranges of the line text it emits.

use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;

const EMPHASIS_TOML: &str = include_str!("../data/emphasis.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    elements: Vec<String>,
    void_elements: Vec<String>,
    min_font_weight: u32,
    min_chroma: u8,
    achromatic_keywords: Vec<String>,
}

/// The compiled-in table; the unit test `table_parses` fails on a broken file.
static TABLE: LazyLock<Table> = LazyLock::new(|| match toml::from_str(EMPHASIS_TOML) {
    Ok(t) => t,
    Err(e) => panic!("crates/policy/data/emphasis.toml: {e}"),
});

/// Open elements deeper than this are not tracked (hostile nesting).
const MAX_OPEN_ELEMENTS: usize = 512;

/// A change of emphasis at the current position of the line being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// An emphasising HTML element opens (runs nest by depth and continue on the next line).
    Open,
    /// An emphasising HTML element closes.
    Close,
    /// A Markdown `**` / `__`: opens or closes a run that ends with the line.
    Toggle,
}

/// Emphasis runs of the line being built, as byte offsets of the builder's current text.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineEmphasis {
    depth: usize,
    html_start: Option<usize>,
    markdown_start: Option<usize>,
    ranges: Vec<Range<usize>>,
}

impl LineEmphasis {
    pub(crate) fn event(&mut self, event: Event, at: usize) {
        match event {
            Event::Open => {
                self.depth = self.depth.saturating_add(1);
                if self.depth == 1 {
                    self.html_start = Some(at);
                }
            }
            Event::Close => {
                if self.depth > 0 {
                    self.depth -= 1;
                    if self.depth == 0
                        && let Some(start) = self.html_start.take()
                    {
                        self.ranges.push(start..at);
                    }
                }
            }
            Event::Toggle => match self.markdown_start.take() {
                Some(start) => self.ranges.push(start..at),
                None => self.markdown_start = Some(at),
            },
        }
    }

    /// The current text was cut to `len` bytes.
    pub(crate) fn clamp(&mut self, len: usize) {
        for r in &mut self.ranges {
            r.start = r.start.min(len);
            r.end = r.end.min(len);
        }
        if let Some(s) = self.html_start.as_mut() {
            *s = (*s).min(len);
        }
        if let Some(s) = self.markdown_start.as_mut() {
            *s = (*s).min(len);
        }
    }

    /// Ends the line: `end` is the length of the current text, of which the emitted `text`
    /// starts `lead` bytes in. Returns the runs as ranges of `text` (trimmed of whitespace,
    /// sorted, merged); an open HTML run goes on at the start of the next line, an unmatched
    /// Markdown marker marks nothing.
    pub(crate) fn finish_line(&mut self, end: usize, lead: usize, text: &str) -> Vec<Range<usize>> {
        if let Some(start) = self.html_start.take() {
            self.ranges.push(start..end);
            if self.depth > 0 {
                self.html_start = Some(0);
            }
        }
        self.markdown_start = None;
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut ranges = std::mem::take(&mut self.ranges);
        ranges.sort_by_key(|r| r.start);
        for r in ranges {
            let start = r.start.saturating_sub(lead).min(text.len());
            let stop = r.end.saturating_sub(lead).min(text.len());
            let Some(part) = text.get(start..stop) else {
                continue;
            };
            let start = start + (part.len() - part.trim_start().len());
            let stop = stop - (part.len() - part.trim_end().len());
            if start >= stop {
                continue;
            }
            match out.last_mut() {
                Some(last) if start <= last.end => last.end = last.end.max(stop),
                _ => out.push(start..stop),
            }
        }
        out
    }
}

/// The emphasised runs of a document's lines, `None` when no line can show emphasis.
pub(crate) fn spans(lines: &[crate::markup::Line]) -> Option<Vec<crate::EmphasisSpan>> {
    if lines.iter().all(|l| l.emphasis.is_none()) {
        return None;
    }
    Some(
        lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                l.emphasis
                    .iter()
                    .flatten()
                    .map(move |r| crate::EmphasisSpan {
                        line: i + 1,
                        start: r.start,
                        end: r.end,
                        text: l.text.get(r.clone()).unwrap_or_default().to_owned(),
                    })
            })
            .collect(),
    )
}

/// The open HTML elements, each with whether it emphasises, so a closing tag ends what its
/// opening tag started (a `</span>` closes the innermost open `<span>`).
#[derive(Debug, Default)]
pub(crate) struct ElementStack {
    open: Vec<(String, bool)>,
}

impl ElementStack {
    /// An opening tag: the events it causes (at most one `Open`, plus the `Close`s of a
    /// paragraph it ends implicitly).
    pub(crate) fn open(&mut self, name: &str, attrs: &str, self_closing: bool) -> Vec<Event> {
        let table = &*TABLE;
        let mut events = Vec::new();
        if self_closing || table.void_elements.iter().any(|v| v == name) {
            return events;
        }
        if name == "p" && self.open.iter().any(|(n, _)| n == "p") {
            // A new paragraph ends the one still open (HTML closes `<p>` implicitly).
            events.extend(self.close("p"));
        }
        if self.open.len() >= MAX_OPEN_ELEMENTS {
            return events;
        }
        let emphasises =
            table.elements.iter().any(|e| e == name) || attributes_emphasise(name, attrs);
        self.open.push((name.to_owned(), emphasises));
        if emphasises {
            events.push(Event::Open);
        }
        events
    }

    /// A closing tag: closes the innermost open element of that name and every element opened
    /// inside it; a closing tag with no open element is ignored.
    pub(crate) fn close(&mut self, name: &str) -> Vec<Event> {
        let Some(at) = self.open.iter().rposition(|(n, _)| n == name) else {
            return Vec::new();
        };
        self.open
            .drain(at..)
            .filter(|(_, e)| *e)
            .map(|_| Event::Close)
            .collect()
    }
}

/// Whether the attributes (`style`, `<font color>`) show the element's text marked.
fn attributes_emphasise(name: &str, attrs: &str) -> bool {
    attributes(attrs).any(|(key, value)| match key.as_str() {
        "style" => style_emphasises(&value),
        "color" if name == "font" => is_hue(&value),
        _ => false,
    })
}

/// `name=value` pairs of a tag's attribute text (values unquoted; names lower-cased).
fn attributes(attrs: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let mut rest = attrs;
    std::iter::from_fn(move || {
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            let name_len = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
                .unwrap_or(rest.len());
            let name = rest
                .get(..name_len)
                .unwrap_or_default()
                .to_ascii_lowercase();
            rest = rest.get(name_len..).unwrap_or_default().trim_start();
            let Some(after_eq) = rest.strip_prefix('=') else {
                if name.is_empty() {
                    // A stray character: skip it so every step advances.
                    let mut chars = rest.chars();
                    chars.next();
                    rest = chars.as_str();
                    continue;
                }
                return Some((name, String::new()));
            };
            let after_eq = after_eq.trim_start();
            let (value, remaining) = match after_eq.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = after_eq.get(1..).unwrap_or_default();
                    match body.find(q) {
                        Some(end) => (
                            body.get(..end).unwrap_or_default(),
                            body.get(end + 1..).unwrap_or_default(),
                        ),
                        None => (body, ""),
                    }
                }
                _ => {
                    let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                    (
                        after_eq.get(..end).unwrap_or_default(),
                        after_eq.get(end..).unwrap_or_default(),
                    )
                }
            };
            rest = remaining;
            return Some((name, crate::markup::decode_entities(value)));
        }
    })
}

/// Whether a `style` declaration list makes text bold, underlined or a hue.
fn style_emphasises(style: &str) -> bool {
    let table = &*TABLE;
    style.split(';').any(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let prop = prop.trim().to_ascii_lowercase();
        let value = value.to_ascii_lowercase();
        let value = value.replace("!important", "");
        let value = value.trim();
        match prop.as_str() {
            "font-weight" => {
                value == "bold"
                    || value == "bolder"
                    || value
                        .parse::<u32>()
                        .is_ok_and(|w| w >= table.min_font_weight)
            }
            "font" => value.split_whitespace().any(|w| {
                w == "bold"
                    || w == "bolder"
                    || w.parse::<u32>()
                        .is_ok_and(|n| n >= table.min_font_weight && n <= 1000)
            }),
            "text-decoration" | "text-decoration-line" => value.contains("underline"),
            "color" | "background-color" => is_hue(value),
            _ => false,
        }
    })
}

/// Whether a CSS colour is a hue (not black, white or a grey). Unparsed forms (`hsl()`,
/// `var()`) are not counted.
fn is_hue(value: &str) -> bool {
    let table = &*TABLE;
    let value = value.trim().to_ascii_lowercase();
    let channels: Option<[u8; 3]> = if let Some(hex) = value.strip_prefix('#') {
        parse_hex(hex)
    } else if let Some(args) = value
        .strip_prefix("rgba(")
        .or_else(|| value.strip_prefix("rgb("))
    {
        parse_rgb(args.trim_end_matches(')'))
    } else if value.chars().all(|c| c.is_ascii_alphabetic()) && !value.is_empty() {
        return !table.achromatic_keywords.contains(&value);
    } else {
        None
    };
    channels.is_some_and(|[r, g, b]| {
        let max = r.max(g).max(b);
        let min = r.min(g).min(b);
        max - min >= table.min_chroma
    })
}

fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    let digit = |i: usize| -> Option<u8> {
        hex.get(i..i + 1)
            .and_then(|d| u8::from_str_radix(d, 16).ok())
    };
    match hex.len() {
        3 | 4 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 | 8 => {
            let byte = |i: usize| {
                hex.get(i..i + 2)
                    .and_then(|d| u8::from_str_radix(d, 16).ok())
            };
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        _ => None,
    }
}

fn parse_rgb(args: &str) -> Option<[u8; 3]> {
    let mut parts = args
        .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty());
    let mut channel = || -> Option<u8> {
        let p = parts.next()?;
        let n: f64 = p.parse().ok()?;
        Some(n.clamp(0.0, 255.0) as u8)
    };
    Some([channel()?, channel()?, channel()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses() {
        assert!(TABLE.elements.iter().any(|e| e == "strong"));
        assert_eq!(TABLE.min_font_weight, 700);
    }

    #[test]
    fn styles_that_mark_and_styles_that_do_not() {
        assert!(style_emphasises("font-weight: bold"));
        assert!(style_emphasises("FONT-WEIGHT:700 !important"));
        assert!(!style_emphasises("font-weight: 400"));
        assert!(!style_emphasises("font-weight: 600"));
        assert!(style_emphasises("text-decoration: underline; color: #333"));
        assert!(style_emphasises("color: rgb(255, 0, 0)"));
        assert!(style_emphasises("color:#c00"));
        assert!(style_emphasises("color: red"));
        assert!(!style_emphasises("color: rgb(51, 51, 51)"));
        assert!(!style_emphasises("color: #333333; font-size: 14px"));
        assert!(!style_emphasises("color: black"));
        assert!(!style_emphasises("color: hsl(0, 100%, 50%)"));
        assert!(!style_emphasises("margin: 0"));
        assert!(attributes_emphasise("font", "color=\"#ff0000\""));
        assert!(!attributes_emphasise("span", "color=\"#ff0000\""));
        assert!(attributes_emphasise(
            "span",
            "class=x style='font-weight:bold'"
        ));
    }

    #[test]
    fn closing_tags_end_what_they_opened() {
        let mut stack = ElementStack::default();
        assert_eq!(
            stack.open("span", "style=\"font-weight:bold\"", false),
            [Event::Open]
        );
        assert!(stack.open("span", "", false).is_empty());
        assert!(stack.close("span").is_empty(), "the inner span closes");
        assert_eq!(stack.close("span"), [Event::Close]);
        assert!(stack.close("strong").is_empty(), "nothing open");
        assert_eq!(stack.open("strong", "", false), [Event::Open]);
        assert!(stack.open("br", "", false).is_empty());
        assert_eq!(stack.open("p", "style='color:red'", false), [Event::Open]);
        assert_eq!(
            stack.open("p", "", false),
            [Event::Close],
            "a new <p> ends the open one"
        );
        assert_eq!(stack.close("strong"), [Event::Close]);
    }

    #[test]
    fn runs_are_trimmed_merged_and_markdown_ends_with_the_line() {
        let pairs = |v: Vec<Range<usize>>| -> Vec<(usize, usize)> {
            v.into_iter().map(|r| (r.start, r.end)).collect()
        };
        let mut e = LineEmphasis::default();
        e.event(Event::Toggle, 2);
        e.event(Event::Open, 5);
        e.event(Event::Close, 9);
        e.event(Event::Toggle, 7);
        e.event(Event::Toggle, 11);
        let text = "  abcdefghijkl";
        // Runs 2..7 and 5..9 merge; the lead of 2 bytes is cut; the marker at 11 is unmatched.
        assert_eq!(pairs(e.finish_line(14, 2, &text[2..])), [(0, 7)]);
        e.event(Event::Open, 3);
        assert_eq!(pairs(e.finish_line(6, 0, "ab cd ")), [(3, 5)]);
        assert_eq!(
            pairs(e.finish_line(4, 0, "next")),
            [(0, 4)],
            "the open element goes on"
        );
    }

    #[test]
    fn hostile_attributes_end() {
        for attrs in [
            "",
            "=",
            "==x",
            "style",
            "style=",
            "style='",
            "a b c / =",
            "é=ü",
        ] {
            let _ = attributes_emphasise("span", attrs);
        }
        assert!(!is_hue("#"));
        assert!(!is_hue("#ggg"));
        assert!(!is_hue("rgb("));
        assert!(is_hue("rgb(300, -5, 0)"));
    }
}
