//! ExecuteStatement's `NextToken`: the LastEvaluatedKey of a paginated
//! SELECT, bound to the statement it was issued for.
//!
//! Layout, then base64: the statement's FNV-1a fingerprint (8 bytes,
//! little-endian), the query it resumes in (u32 LE: 0, or the value's
//! position for `pk IN [...]`), then per key attribute of the
//! ExclusiveStartKey (none: that query from its start): name length (u32 LE), name,
//! type byte (`S`, `N`, `B`), value length (u32 LE), value (UTF-8 text,
//! the number's text, or the bytes). Key attributes are only ever S, N or
//! B. Decoding checks every length against what is left, so any string a
//! client sends gives the service's ValidationException, never a panic.

use super::exec::Resume;
use crate::error::{messages::partiql as m, Error, Result};
use crate::value::{AttributeValue, Item, Number};
use base64::Engine as _;

/// A stable fingerprint of the statement a token belongs to (FNV-1a).
fn fingerprint(statement: &str) -> u64 {
    statement.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// The token that resumes `statement` at `resume`.
pub fn encode(resume: &Resume, statement: &str) -> String {
    let mut out = fingerprint(statement).to_le_bytes().to_vec();
    out.extend_from_slice(&u32::try_from(resume.part).unwrap_or(u32::MAX).to_le_bytes());
    for (name, value) in resume.key.iter().flat_map(Item::iter) {
        let (kind, text): (u8, std::borrow::Cow<'_, [u8]>) = match value {
            AttributeValue::S(s) => (b'S', s.as_bytes().into()),
            AttributeValue::N(n) => (b'N', n.to_string().into_bytes().into()),
            AttributeValue::B(b) => (b'B', b.as_slice().into()),
            // Not a key type: a key never holds one.
            _ => continue,
        };
        push_bytes(&mut out, name.as_bytes());
        out.push(kind);
        push_bytes(&mut out, &text);
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Reads `len`-prefixed bytes from the front of `rest`.
fn take<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, tail) = rest.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
    if tail.len() < len {
        return None;
    }
    let (bytes, tail) = tail.split_at(len);
    *rest = tail;
    Some(bytes)
}

fn decode_key(mut rest: &[u8]) -> Option<Item> {
    let mut key = Item::new();
    while !rest.is_empty() {
        let name = std::str::from_utf8(take(&mut rest)?).ok()?.to_string();
        let (&kind, tail) = rest.split_first()?;
        rest = tail;
        let bytes = take(&mut rest)?;
        let value = match kind {
            b'S' => AttributeValue::S(std::str::from_utf8(bytes).ok()?.to_string()),
            b'N' => AttributeValue::N(Number::parse(std::str::from_utf8(bytes).ok()?).ok()?),
            b'B' => AttributeValue::B(bytes.to_vec()),
            _ => return None,
        };
        key.insert(name, value);
    }
    Some(key)
}

/// Where a token resumes, for the statement it was issued for.
pub fn decode(token: &str, statement: &str) -> Result<Resume> {
    let invalid = || Error::validation(m::INVALID_NEXT_TOKEN);
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| invalid())?;
    let (print, rest) = bytes.split_first_chunk::<8>().ok_or_else(invalid)?;
    if u64::from_le_bytes(*print) != fingerprint(statement) {
        return Err(Error::validation(m::NEXT_TOKEN_MISMATCH));
    }
    let (part, rest) = rest.split_first_chunk::<4>().ok_or_else(invalid)?;
    let part = usize::try_from(u32::from_le_bytes(*part)).map_err(|_| invalid())?;
    let key = decode_key(rest).ok_or_else(invalid)?;
    match (part, key.is_empty()) {
        // The first query always resumes after a key.
        (0, true) => Err(invalid()),
        (_, true) => Ok(Resume { part, key: None }),
        (_, false) => Ok(Resume { part, key: Some(key) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip_and_mismatch() {
        let mut key = Item::new();
        key.insert("pk".into(), AttributeValue::S("a".into()));
        key.insert("sk".into(), AttributeValue::N(Number::parse("-1.5").unwrap()));
        key.insert("b".into(), AttributeValue::B(vec![0, 255]));
        let resume = Resume { part: 0, key: Some(key) };
        let t = encode(&resume, "SELECT * FROM t");
        assert_eq!(decode(&t, "SELECT * FROM t").unwrap(), resume);
        let between = Resume { part: 2, key: None };
        assert_eq!(decode(&encode(&between, "s"), "s").unwrap(), between);
        let empty = Resume { part: 0, key: None };
        assert_eq!(decode(&encode(&empty, "s"), "s").unwrap_err().message, m::INVALID_NEXT_TOKEN);
        assert_eq!(decode(&t, "SELECT * FROM u").unwrap_err().message, m::NEXT_TOKEN_MISMATCH);
        assert_eq!(decode("!!", "SELECT * FROM t").unwrap_err().message, m::INVALID_NEXT_TOKEN);
    }

    proptest! {
        #[test]
        fn any_bytes_give_an_error_or_a_key(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut with_print = fingerprint("s").to_le_bytes().to_vec();
            with_print.extend(&bytes);
            for b in [bytes, with_print] {
                let t = base64::engine::general_purpose::STANDARD.encode(b);
                let _ = decode(&t, "s");
            }
        }
    }
}
