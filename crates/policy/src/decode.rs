//! Byte-to-text decoding: BOM, then strict UTF-8, then a detector for legacy
//! Chinese encodings (GBK/GB18030/Big5). The encoding is never assumed.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Decodes `bytes` to text, returning the text and the name of the encoding used.
///
/// Undecodable sequences become U+FFFD instead of failing: a policy with one bad
/// byte is still worth reading.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = encoding.decode_without_bom_handling(body);
        return (text.into_owned(), encoding.name());
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return (text.into_owned(), encoding.name());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), UTF_8.name());
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), encoding.name())
}

/// UTF-16 without a BOM shows up as every other byte being zero for ASCII-heavy text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..bytes.len().min(4096))?;
    if sample.len() < 8 || sample.len() % 2 != 0 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    // Text in UTF-8 or a legacy encoding has no NUL bytes; UTF-16 has them in the
    // high byte of every ASCII character (newlines and spaces at least, even in Chinese).
    let lopsided = |many: usize, few: usize| many * 100 >= pairs && few * 10 <= many;
    if lopsided(odd_zero, even_zero) {
        Some(UTF_16LE)
    } else if lopsided(even_zero, odd_zero) {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_boms_utf8_gbk_and_bomless_utf16() {
        let text =
            "我们会收集您的设备信息（IMEI、Android ID）和位置信息。本政策更新日期：2024年1月1日。";
        assert_eq!(decode_text(text.as_bytes()), (text.to_owned(), "UTF-8"));

        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(text.as_bytes());
        assert_eq!(decode_text(&bom8), (text.to_owned(), "UTF-8"));

        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode_text(&le), (text.to_owned(), "UTF-16LE"));
        assert_eq!(decode_text(&be), (text.to_owned(), "UTF-16BE"));

        let chinese = "我们会收集您的位置信息。\r\n我们不会收集通讯录。\r\n";
        let bomless_be: Vec<u8> = chinese
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode_text(&bomless_be), (chinese.to_owned(), "UTF-16BE"));

        let ascii = "We collect your IP address and device model.";
        let bomless: Vec<u8> = ascii.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_text(&bomless), (ascii.to_owned(), "UTF-16LE"));

        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (decoded, name) = decode_text(&gbk);
        assert_eq!(decoded, text);
        assert!(name == "GBK" || name == "gb18030", "{name}");
    }

    #[test]
    fn arbitrary_bytes_decode_without_panic() {
        for len in 0..64usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = decode_text(&bytes);
        }
    }
}
