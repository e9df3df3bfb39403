//! A strict RFC 4180 CSV reader that knows where each field starts, so a bad cell is reported
//! by its row and its column header. Rows are counted as a spreadsheet counts them: the header
//! is row 1, and a quoted field holding a line break does not start a new row.

/// One record: its row number (header = 1), the line it starts on, its text and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub row: usize,
    pub line: usize,
    pub text: String,
    pub fields: Vec<String>,
}

/// Why the text is not CSV: the row and the 0-based field index where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvSyntaxError {
    pub row: usize,
    pub field: usize,
    pub message: &'static str,
}

/// Splits CSV text into records. Blank lines are skipped (they count as rows, as in a
/// spreadsheet); a leading byte-order mark is ignored.
pub(crate) fn records(text: &str) -> Result<Vec<Record>, CsvSyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let (mut row, mut line) = (1usize, 1usize);
    while chars.peek().is_some() {
        let start_line = line;
        let start = chars.peek().map_or(text.len(), |(i, _)| *i);
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut end = text.len();
        // One record: fields until an unquoted line break or the end.
        loop {
            let quoted = matches!(chars.peek(), Some((_, '"')));
            if quoted {
                chars.next();
                loop {
                    match chars.next() {
                        None => {
                            return Err(CsvSyntaxError {
                                row,
                                field: fields.len(),
                                message: "a quoted field is not closed before the end of the file",
                            });
                        }
                        Some((_, '"')) => {
                            if matches!(chars.peek(), Some((_, '"'))) {
                                chars.next();
                                field.push('"');
                            } else {
                                break;
                            }
                        }
                        Some((_, c)) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                    }
                }
                if !matches!(chars.peek(), None | Some((_, ',' | '\n' | '\r'))) {
                    return Err(CsvSyntaxError {
                        row,
                        field: fields.len(),
                        message: "text after the closing quote of a quoted field",
                    });
                }
            }
            match chars.next() {
                None => {
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                Some((_, ',')) => fields.push(std::mem::take(&mut field)),
                Some((i, '\r')) if matches!(chars.peek(), Some((_, '\n'))) => {
                    chars.next();
                    fields.push(std::mem::take(&mut field));
                    end = i;
                    line += 1;
                    break;
                }
                Some((i, '\n')) => {
                    fields.push(std::mem::take(&mut field));
                    end = i;
                    line += 1;
                    break;
                }
                Some((_, '"')) => {
                    return Err(CsvSyntaxError {
                        row,
                        field: fields.len(),
                        message: "a quote inside an unquoted field (quote the whole field and double the quote)",
                    });
                }
                Some((_, c)) => field.push(c),
            }
        }
        let blank = fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty());
        if !blank {
            out.push(Record {
                row,
                line: start_line,
                text: text.get(start..end).unwrap_or_default().to_owned(),
                fields,
            });
        }
        row += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        records(text)
            .unwrap()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn plain_quoted_and_escaped_fields() {
        assert_eq!(
            fields("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n"),
            [vec!["a", "b", "c"], vec!["1", "x, y", "say \"hi\""]]
        );
    }

    #[test]
    fn crlf_empty_fields_bom_and_no_final_newline() {
        assert_eq!(
            fields("\u{feff}a,,c\r\n,,\r\nx"),
            [vec!["a", "", "c"], vec!["", "", ""], vec!["x"]]
        );
    }

    #[test]
    fn rows_and_lines_count_like_a_spreadsheet() {
        let r = records("h\n\n\"two\nlines\"\nlast\n").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].row, r[0].line), (1, 1));
        // The blank line is row 2; the quoted line break does not start a row.
        assert_eq!((r[1].row, r[1].line), (3, 3));
        assert_eq!(r[1].fields, ["two\nlines"]);
        assert_eq!((r[2].row, r[2].line), (4, 5));
        assert_eq!(r[2].text, "last");
    }

    #[test]
    fn unclosed_quote_names_its_row_and_field() {
        let e = records("a,b\n1,\"open\n").unwrap_err();
        assert_eq!((e.row, e.field), (2, 1));
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn stray_quotes_are_refused() {
        let e = records("a,b\nx,ab\"c\n").unwrap_err();
        assert_eq!((e.row, e.field), (2, 1));
        let e = records("a,b\n\"x\"y,b\n").unwrap_err();
        assert_eq!((e.row, e.field), (2, 0));
    }
}
