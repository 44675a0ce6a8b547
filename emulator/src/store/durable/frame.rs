//! The framing shared by the write-ahead log and checkpoint files.
//!
//! A file starts with an 8-byte magic naming its kind and a little-endian
//! `u16` format version, then holds records: `[len: u32 LE][crc32 of the
//! payload: u32 LE][payload]`. A record is whole when its length fits in
//! the file and its checksum matches; reading stops at the first record
//! that is not (a crash in the middle of an append leaves a torn tail,
//! which recovery cuts off at the last whole record).

use std::io;

/// The format version this build writes. Version 3 (the log is appended
/// through a mapped window, so an open or crashed segment has zeros after
/// its records, which a zero-length header ends) reads version 2 files as
/// they are; a build that reads only version 2 refuses version 3 files
/// instead of misreading the zeros.
pub const VERSION: u16 = 3;
/// The oldest format version this build reads.
pub const OLDEST_READ: u16 = 2;
/// Bytes before the first record: magic and version.
pub const HEADER_LEN: usize = 10;
/// Bytes before each payload: length and checksum.
pub const RECORD_HEADER_LEN: usize = 8;
/// The largest payload a record may hold (a checkpoint writes one table's
/// items in many records, so no record comes near this).
pub const MAX_RECORD: usize = 1 << 30;

/// The header of a file of kind `magic` (8 bytes, e.g. `b"DDB-WAL\n"`).
pub fn header(magic: &[u8; 8]) -> [u8; HEADER_LEN] {
    let mut h = [0; HEADER_LEN];
    h[..8].copy_from_slice(magic);
    h[8..].copy_from_slice(&VERSION.to_le_bytes());
    h
}

/// Checks a file's header: its kind and a version this build can read.
pub fn check_header(bytes: &[u8], magic: &[u8; 8], what: &str) -> io::Result<()> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != magic {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what}: not a ddb-emulator {what} file"),
        ));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if !(OLDEST_READ..=VERSION).contains(&version) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what}: format version {version}, this build reads versions {OLDEST_READ} to {VERSION}"),
        ));
    }
    Ok(())
}

/// The header of a record holding `payload`: its length and checksum.
pub fn record_header(payload: &[u8]) -> [u8; RECORD_HEADER_LEN] {
    let mut head = [0; RECORD_HEADER_LEN];
    head[..4].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    head[4..].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    head
}

/// Appends one framed record holding `payload` to `out`.
pub fn put_record(out: &mut Vec<u8>, payload: &[u8]) {
    out.extend_from_slice(&record_header(payload));
    out.extend_from_slice(payload);
}

/// Fills in the record header of `rec`, a buffer whose first
/// [`RECORD_HEADER_LEN`] bytes were reserved and whose rest is the payload.
pub fn seal_record(rec: &mut [u8]) {
    let (head, payload) = rec.split_at_mut(RECORD_HEADER_LEN);
    head.copy_from_slice(&record_header(payload));
}

/// The whole records of `body` (the bytes after the header), in order, and
/// the length of the prefix they fill: anything past it is space reserved
/// for records (zeros: see [`torn_len`]) or a torn or damaged tail.
/// A header of length zero ends the records: no record is empty (every
/// payload starts with its kind), and reserved space reads as zeros.
pub fn records(body: &[u8]) -> (Vec<&[u8]>, usize) {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(head) = body.get(at..at + RECORD_HEADER_LEN) {
        let len = u32::from_le_bytes(head[..4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(head[4..].try_into().expect("4 bytes"));
        if len == 0 {
            break;
        }
        let start = at + RECORD_HEADER_LEN;
        let Some(payload) = (len <= MAX_RECORD).then(|| body.get(start..start + len)).flatten() else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        out.push(payload);
        at = start + len;
    }
    (out, at)
}

/// How many bytes of `tail` (what follows the whole records) are a torn or
/// damaged record rather than reserved space: up to its last byte that is
/// not zero. Zero when the tail is all zeros.
pub fn torn_len(tail: &[u8]) -> usize {
    tail.iter().rposition(|&b| b != 0).map_or(0, |last| last + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let mut body = Vec::new();
        for p in [&b"one"[..], b"2", b"three"] {
            put_record(&mut body, p);
        }
        let (recs, len) = records(&body);
        assert_eq!(recs, vec![&b"one"[..], b"2", b"three"]);
        assert_eq!(len, body.len());
    }

    #[test]
    fn reserved_zeros_end_the_records_and_are_not_a_torn_tail() {
        let mut body = Vec::new();
        put_record(&mut body, b"one");
        let whole = body.len();
        body.resize(whole + 4096, 0);
        assert_eq!(records(&body), (vec![&b"one"[..]], whole));
        assert_eq!(torn_len(&body[whole..]), 0);
        // A record torn inside reserved space: cut up to its last byte.
        body[whole..whole + 4].copy_from_slice(&9u32.to_le_bytes());
        body[whole + 9] = 7;
        assert_eq!(records(&body), (vec![&b"one"[..]], whole));
        assert_eq!(torn_len(&body[whole..]), 10);
    }

    #[test]
    fn a_torn_tail_is_cut_at_every_byte_offset() {
        let mut body = Vec::new();
        put_record(&mut body, b"first record");
        let whole = body.len();
        put_record(&mut body, b"the last record, torn");
        for cut in whole..body.len() {
            let (recs, len) = records(&body[..cut]);
            assert_eq!(recs, vec![&b"first record"[..]], "cut at {cut}");
            assert_eq!(len, whole);
        }
    }

    #[test]
    fn a_damaged_record_ends_the_log() {
        let mut body = Vec::new();
        put_record(&mut body, b"good");
        let whole = body.len();
        put_record(&mut body, b"flipped");
        put_record(&mut body, b"after");
        body[whole + RECORD_HEADER_LEN] ^= 1;
        assert_eq!(records(&body), (vec![&b"good"[..]], whole));
    }

    #[test]
    fn headers_name_kind_and_version() {
        let h = header(b"DDB-WAL\n");
        assert!(check_header(&h, b"DDB-WAL\n", "log").is_ok());
        assert!(check_header(&h, b"DDB-CKP\n", "checkpoint").is_err());
        let mut older = h;
        older[8] = 2;
        assert!(check_header(&older, b"DDB-WAL\n", "log").is_ok(), "version 2 is read as it is");
        let mut future = h;
        future[8] = 4;
        let err = check_header(&future, b"DDB-WAL\n", "log").unwrap_err();
        assert!(err.to_string().contains("format version 4"), "{err}");
    }
}
