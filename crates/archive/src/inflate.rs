//! Raw-deflate decoding into a buffer whose size is fixed before decoding starts.

use flate2::{Decompress, FlushDecompress, Status};

/// Why a deflate stream could not be decoded within its budget.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum InflateFailure {
    /// The stream produces more than `cap` bytes.
    Overflow,
    /// The compressed bytes end before the stream does.
    Truncated,
    /// The deflate stream itself is malformed.
    Corrupt(String),
}

/// Inflates a raw deflate stream into a `Vec` pre-sized to `cap` bytes, producing at most `cap`
/// bytes. The Vec never grows, so memory is bounded by `cap` however the stream lies, and the
/// output lands directly in its final buffer (no intermediate copies).
pub(crate) fn inflate_capped(input: &[u8], cap: usize) -> Result<Vec<u8>, InflateFailure> {
    let mut out = Vec::with_capacity(cap);
    let mut decoder = Decompress::new(false);
    loop {
        let consumed = usize::try_from(decoder.total_in()).unwrap_or(usize::MAX);
        let rest = input.get(consumed..).unwrap_or(&[]);
        let produced_before = out.len();
        let status = decoder
            .decompress_vec(rest, &mut out, FlushDecompress::Finish)
            .map_err(|error| InflateFailure::Corrupt(error.to_string()))?;
        if status == Status::StreamEnd {
            return Ok(out);
        }
        let consumed_now = usize::try_from(decoder.total_in()).unwrap_or(usize::MAX) > consumed;
        let produced_now = out.len() > produced_before;
        if out.len() == out.capacity() {
            // The buffer is full but the stream has not ended: one more byte of output means
            // the entry inflates past its budget.
            let mut probe = [0u8; 1];
            let consumed = usize::try_from(decoder.total_in()).unwrap_or(usize::MAX);
            let rest = input.get(consumed..).unwrap_or(&[]);
            let before = decoder.total_out();
            let status = decoder
                .decompress(rest, &mut probe, FlushDecompress::Finish)
                .map_err(|error| InflateFailure::Corrupt(error.to_string()))?;
            if decoder.total_out() > before {
                return Err(InflateFailure::Overflow);
            }
            if status == Status::StreamEnd {
                return Ok(out);
            }
            return Err(InflateFailure::Truncated);
        }
        if !consumed_now && !produced_now {
            // No progress with output space left: the input ran out mid-stream.
            return Err(InflateFailure::Truncated);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder
            .write_all(data)
            .expect("writing to a Vec cannot fail");
        encoder.finish().expect("writing to a Vec cannot fail")
    }

    #[test]
    fn exact_cap_round_trips() {
        let text: Vec<u8> = (0..100_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let packed = deflate(&text);
        assert_eq!(inflate_capped(&packed, text.len()), Ok(text));
    }

    #[test]
    fn empty_stream_with_zero_cap() {
        let packed = deflate(b"");
        assert_eq!(inflate_capped(&packed, 0), Ok(Vec::new()));
    }

    #[test]
    fn output_beyond_cap_is_refused() {
        let packed = deflate(&[0u8; 10_000]);
        assert_eq!(
            inflate_capped(&packed, 9_999),
            Err(InflateFailure::Overflow)
        );
        assert_eq!(inflate_capped(&packed, 0), Err(InflateFailure::Overflow));
    }

    #[test]
    fn shorter_output_than_cap_is_returned() {
        let packed = deflate(b"hello");
        assert_eq!(inflate_capped(&packed, 1000), Ok(b"hello".to_vec()));
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        let text: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let packed = deflate(&text);
        for len in 0..packed.len() {
            let result = inflate_capped(&packed[..len], text.len());
            assert!(result.is_err(), "prefix of {len} bytes decoded as complete");
        }
    }

    #[test]
    fn garbage_stays_within_the_cap() {
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for cap in [0, 1, 100, 1 << 16] {
            if let Ok(out) = inflate_capped(&garbage, cap) {
                assert!(out.len() <= cap);
            }
        }
    }
}
