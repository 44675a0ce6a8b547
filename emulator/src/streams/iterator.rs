//! Shard iterators: `{stream arn}|1|{base64 payload}`, the service's shape
//! (its iterators also start with the stream ARN). The payload carries the
//! shard, the position (the counter of the next record to read) and the
//! time the iterator was issued (it expires 15 minutes later), plus a
//! checksum so that an altered iterator is refused rather than misread.

use base64::Engine as _;

/// A decoded shard iterator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardIterator {
    /// The stream's ARN.
    pub arn: String,
    /// The shard's ordinal in the stream.
    pub ordinal: u32,
    /// The counter of the next record to read.
    pub position: u64,
    /// When it was issued, ms since the epoch (by the emulator's clock).
    pub issued_ms: u64,
}

const VERSION: &str = "1";
const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

impl ShardIterator {
    /// The iterator string.
    pub fn encode(&self) -> String {
        let mut payload = Vec::with_capacity(24);
        payload.extend_from_slice(&self.ordinal.to_be_bytes());
        payload.extend_from_slice(&self.position.to_be_bytes());
        payload.extend_from_slice(&self.issued_ms.to_be_bytes());
        let crc = checksum(&self.arn, &payload);
        payload.extend_from_slice(&crc.to_be_bytes());
        format!("{}|{VERSION}|{}", self.arn, ENGINE.encode(payload))
    }

    /// Reads an iterator string; `None` if the emulator did not issue it.
    pub fn decode(s: &str) -> Option<ShardIterator> {
        let (rest, payload) = s.rsplit_once('|')?;
        let (arn, version) = rest.rsplit_once('|')?;
        if version != VERSION {
            return None;
        }
        let bytes = ENGINE.decode(payload).ok()?;
        if bytes.len() != 24 {
            return None;
        }
        let (body, crc) = bytes.split_at(20);
        if checksum(arn, body).to_be_bytes() != crc {
            return None;
        }
        Some(ShardIterator {
            arn: arn.to_string(),
            ordinal: u32::from_be_bytes(body[0..4].try_into().ok()?),
            position: u64::from_be_bytes(body[4..12].try_into().ok()?),
            issued_ms: u64::from_be_bytes(body[12..20].try_into().ok()?),
        })
    }
}

fn checksum(arn: &str, body: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(arn.as_bytes());
    h.update(body);
    h.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_alterations() {
        let it = ShardIterator {
            arn: "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000".into(),
            ordinal: 3,
            position: 42,
            issued_ms: 1_700_000_000_000,
        };
        let s = it.encode();
        assert!(s.starts_with(&it.arn) && s.len() <= 2048);
        assert_eq!(ShardIterator::decode(&s), Some(it.clone()));
        let mut altered = s.clone();
        altered.pop();
        altered.push('A');
        assert_eq!(ShardIterator::decode(&altered), None);
        assert_eq!(ShardIterator::decode("garbage"), None);
        let other = s.replacen("table/t/", "table/u/", 1);
        assert_eq!(ShardIterator::decode(&other), None);
    }
}
