//! `Content-Encoding` of request bodies and `Accept-Encoding` of responses.
//!
//! Requests: the AWS SDKs compress bodies with gzip when request
//! compression is enabled; `deflate` (zlib, or raw deflate from clients that
//! get RFC 9110 wrong) is accepted too. Decoding stops at a limit, so a
//! small compressed body cannot expand into gigabytes. An unknown encoding
//! or a body that does not decode is refused before anything is executed.
//!
//! Responses: a body above a threshold is compressed with the first
//! encoding the client accepts (gzip before deflate); `x-amz-crc32` is then
//! the CRC32 of the bytes sent, as the SDKs that check it expect.

use crate::error::{messages, Error, Result};
use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::{Read, Write};

/// A content coding the emulator reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// No coding.
    Identity,
    /// `gzip` (RFC 1952).
    Gzip,
    /// `deflate`: zlib-wrapped (RFC 1950), raw deflate accepted on input.
    Deflate,
}

impl Coding {
    /// The token used in `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
        }
    }
}

/// The codings of a `Content-Encoding` header, in the order they were
/// applied. An unknown token is the service's error (nothing is read).
pub fn request_codings(header: Option<&str>) -> Result<Vec<Coding>> {
    let Some(header) = header else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for token in header.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let coding = if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
            Coding::Gzip
        } else if token.eq_ignore_ascii_case("deflate") {
            Coding::Deflate
        } else if token.eq_ignore_ascii_case("identity") {
            continue;
        } else {
            return Err(Error::serialization(messages::unsupported_content_encoding(token)));
        };
        out.push(coding);
    }
    Ok(out)
}

/// Undoes `codings` (last applied first), producing at most `limit` bytes.
/// `Ok(None)` when the decoded body would exceed `limit`.
pub fn decode(body: &[u8], codings: &[Coding], limit: usize) -> Result<Option<Vec<u8>>> {
    let mut data = body.to_vec();
    for coding in codings.iter().rev() {
        let decoded = match coding {
            Coding::Identity => continue,
            Coding::Gzip => read_limited(GzDecoder::new(&data[..]), limit),
            Coding::Deflate => read_limited(ZlibDecoder::new(&data[..]), limit)
                .or_else(|_| read_limited(DeflateDecoder::new(&data[..]), limit)),
        };
        match decoded {
            Ok(Some(bytes)) => data = bytes,
            Ok(None) => return Ok(None),
            Err(()) => return Err(Error::serialization(messages::BODY_DOES_NOT_DECODE)),
        }
    }
    Ok(Some(data))
}

/// Reads all of `reader`, but never more than `limit` bytes (one byte past
/// the limit is read to tell "exactly the limit" from "more").
fn read_limited(reader: impl Read, limit: usize) -> std::result::Result<Option<Vec<u8>>, ()> {
    let mut out = Vec::new();
    let read = reader.take(limit as u64 + 1).read_to_end(&mut out).map_err(|_| ())?;
    Ok((read <= limit).then_some(out))
}

/// The coding to answer with, from an `Accept-Encoding` header: gzip if
/// acceptable, else deflate, else none. `q=0` refuses a coding; `*` accepts
/// any not named.
pub fn response_coding(accept: Option<&str>) -> Coding {
    let Some(accept) = accept else { return Coding::Identity };
    let mut gzip = None;
    let mut deflate = None;
    let mut star = None;
    for item in accept.split(',') {
        let mut fields = item.split(';');
        let name = fields.next().unwrap_or("").trim();
        let q = fields
            .filter_map(|f| f.trim().strip_prefix("q="))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let ok = q > 0.0;
        if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(ok);
        } else if name.eq_ignore_ascii_case("deflate") {
            deflate = Some(ok);
        } else if name == "*" {
            star = Some(ok);
        }
    }
    if gzip.or(star) == Some(true) {
        Coding::Gzip
    } else if deflate.or(star) == Some(true) {
        Coding::Deflate
    } else {
        Coding::Identity
    }
}

/// Compresses a response body. Level 1: responses are compressed on the
/// request path, where speed matters more than the last few percent.
pub fn encode(body: &[u8], coding: Coding) -> Vec<u8> {
    let level = Compression::fast();
    let out = Vec::with_capacity(body.len() / 4 + 64);
    match coding {
        Coding::Identity => body.to_vec(),
        Coding::Gzip => {
            let mut enc = GzEncoder::new(out, level);
            enc.write_all(body).and_then(|()| enc.finish()).expect("writing to a Vec cannot fail")
        }
        Coding::Deflate => {
            let mut enc = ZlibEncoder::new(out, level);
            enc.write_all(body).and_then(|()| enc.finish()).expect("writing to a Vec cannot fail")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_limits() {
        let body = br#"{"TableName":"t"}"#.repeat(100);
        for coding in [Coding::Gzip, Coding::Deflate] {
            let packed = encode(&body, coding);
            assert_eq!(decode(&packed, &[coding], 1 << 20).unwrap(), Some(body.clone()));
            assert_eq!(decode(&packed, &[coding], body.len()).unwrap(), Some(body.clone()));
            assert_eq!(decode(&packed, &[coding], body.len() - 1).unwrap(), None);
        }
        // Raw deflate (no zlib header) is accepted as `deflate`.
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
        raw.write_all(&body).unwrap();
        assert_eq!(decode(&raw.finish().unwrap(), &[Coding::Deflate], 1 << 20).unwrap(), Some(body.clone()));
        assert!(decode(b"{}", &[Coding::Gzip], 1 << 20).is_err());
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let zeros = vec![0u8; 64 << 20];
        let bomb = encode(&zeros, Coding::Gzip);
        assert!(bomb.len() < 1 << 20);
        assert_eq!(decode(&bomb, &[Coding::Gzip], 1 << 20).unwrap(), None);
    }

    #[test]
    fn header_parsing() {
        assert_eq!(request_codings(None).unwrap(), vec![]);
        assert_eq!(request_codings(Some("gzip")).unwrap(), vec![Coding::Gzip]);
        assert_eq!(request_codings(Some("identity")).unwrap(), vec![]);
        assert!(request_codings(Some("garbage")).is_err());
        assert_eq!(response_coding(Some("gzip, deflate")), Coding::Gzip);
        assert_eq!(response_coding(Some("gzip;q=0, deflate")), Coding::Deflate);
        assert_eq!(response_coding(Some("br")), Coding::Identity);
        assert_eq!(response_coding(Some("*")), Coding::Gzip);
        assert_eq!(response_coding(None), Coding::Identity);
    }
}
