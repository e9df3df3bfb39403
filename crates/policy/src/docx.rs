//! DOCX: `word/document.xml` paragraphs become lines, table rows become
//! "cell | cell" lines, like HTML tables.

use std::io::Read as _;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::PolicyError;
use crate::markup::{Builder, Doc};

/// `word/document.xml` larger than this is refused (zip bombs).
const MAX_DOCUMENT_XML: u64 = 64 * 1024 * 1024;

pub(crate) fn docx_to_doc(bytes: &[u8]) -> Result<Doc, PolicyError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| PolicyError::Docx(format!("not a zip: {e}")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|e| PolicyError::Docx(format!("entry word/document.xml: {e}")))?;
    let mut xml = Vec::new();
    entry
        .take(MAX_DOCUMENT_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| PolicyError::Docx(format!("entry word/document.xml: {e}")))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML {
        return Err(PolicyError::Docx(
            "word/document.xml is larger than 64 MiB".to_owned(),
        ));
    }
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut builder = Builder::new(true);
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            PolicyError::Docx(format!(
                "word/document.xml at byte {}: {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tbl" => builder.open_table(),
                "tr" => builder.open_row(),
                "tc" => builder.open_cell(),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "br" | "cr" => builder.break_line(),
                "tab" => builder.push_text(" ", true),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => builder.break_line(),
                "tc" => builder.close_cell(),
                "tr" => builder.close_row(),
                "tbl" => builder.close_table(),
                _ => {}
            },
            Event::Text(t) if in_text => {
                builder.push_text(&t.xml10_content(), false);
            }
            Event::GeneralRef(r) if in_text => {
                let name: &str = &r;
                let decoded = crate::markup::decode_entities(&format!("&{name};"));
                builder.push_text(&decoded, false);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(builder.finish())
}
