//! The fixed, seeded workload: keys, items and hand-built JSON bodies.
//!
//! Item `i` (0 <= i < items) lives in partition `p{i % partitions:04}` with
//! sort key `s{i / partitions:07}`; its content depends only on the seed and
//! `i`, so two runs with the same seed write the same bytes. Sort keys come in
//! blocks of 100 sharing the prefix `s{block:05}`, which the Query phase uses
//! with `begins_with`.

use ddb_emulator::value::{AttributeValue, Item, Number};
use fastrand::Rng;

/// Approximate DynamoDB item size (attribute names + values) aimed at.
pub const ITEM_BYTES: usize = 200;

/// Smallest `--item-bytes`: the fixed attributes and one byte of data.
pub const MIN_ITEM_BYTES: usize = 48;

#[derive(Clone, Debug)]
pub struct Workload {
    pub table: String,
    pub items: usize,
    pub partitions: usize,
    pub seed: u64,
    /// Size of each item by DynamoDB's rules (names + values).
    pub item_bytes: usize,
    /// Random alphanumeric text the items' data is cut from.
    pool: std::sync::Arc<str>,
}

const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// `prefix` then `n` zero-padded to `width` digits: `format!("p{n:04}")`
/// without the formatting machinery (keys are built for every operation).
fn padded(prefix: char, n: usize, width: usize) -> String {
    let mut digits = [b'0'; 20];
    let (mut at, mut n) = (digits.len(), n);
    while n > 0 {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = at.min(digits.len() - width);
    let mut out = String::with_capacity(1 + digits.len() - start);
    out.push(prefix);
    out.extend(digits[start..].iter().map(|&d| d as char));
    out
}

/// Bytes of random text items cut their data from (at random offsets).
const POOL_BYTES: usize = 1 << 16;

impl Workload {
    /// The workload of `items` items of `item_bytes` bytes over `partitions`
    /// partition keys, seeded with `seed`.
    pub fn new(table: String, items: usize, partitions: usize, seed: u64, item_bytes: usize) -> Self {
        let mut rng = Rng::with_seed(seed);
        let pool: String =
            (0..POOL_BYTES + item_bytes).map(|_| ALNUM[rng.usize(..ALNUM.len())] as char).collect();
        Workload { table, items, partitions, seed, item_bytes, pool: pool.into() }
    }

    pub fn pk(&self, i: usize) -> String {
        padded('p', i % self.partitions, 4)
    }

    pub fn sk(&self, i: usize) -> String {
        padded('s', i / self.partitions, 7)
    }

    /// Items per partition (the last partitions may hold one fewer).
    pub fn per_partition(&self) -> usize {
        self.items.div_ceil(self.partitions).max(1)
    }

    /// The varying attributes of item `i`: pk, sk, n and data.
    fn fields(&self, i: usize) -> (String, String, u32, String) {
        let mut rng = Rng::with_seed(self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i as u64));
        let (pk, sk) = (self.pk(i), self.sk(i));
        let n = rng.u32(..1_000_000);
        let digits = n.checked_ilog10().unwrap_or(0) as usize + 1;
        // Names + values of the fixed attributes: pk, sk, c, n, ok, data.
        let fixed = 2 + pk.len() + 2 + sk.len() + 1 + 1 + 1 + digits.div_ceil(2) + 1 + 2 + 1 + 4;
        let len = self.item_bytes.saturating_sub(fixed).max(1);
        // Cut from the pool: generating the data must cost far less than
        // the operation it feeds.
        let at = rng.usize(..POOL_BYTES);
        (pk, sk, n, self.pool[at..at + len].to_string())
    }

    /// The item `i` as a DynamoDB JSON map.
    pub fn item(&self, i: usize) -> String {
        let (pk, sk, n, data) = self.fields(i);
        format!(
            r#"{{"pk":{{"S":"{pk}"}},"sk":{{"S":"{sk}"}},"c":{{"N":"0"}},"n":{{"N":"{n}"}},"ok":{{"BOOL":true}},"data":{{"S":"{data}"}}}}"#
        )
    }

    /// The item `i` for the typed in-process API (the same attributes).
    pub fn typed_item(&self, i: usize) -> Item {
        let (pk, sk, n, data) = self.fields(i);
        [
            ("pk".to_string(), AttributeValue::S(pk)),
            ("sk".to_string(), AttributeValue::S(sk)),
            ("c".to_string(), AttributeValue::N(Number::zero())),
            ("n".to_string(), AttributeValue::N(Number::from_u64(u64::from(n)))),
            ("ok".to_string(), AttributeValue::Bool(true)),
            ("data".to_string(), AttributeValue::S(data)),
        ]
        .into()
    }

    /// The key of item `i` for the typed in-process API.
    pub fn typed_key(&self, i: usize) -> Item {
        [("pk".to_string(), AttributeValue::S(self.pk(i))), ("sk".to_string(), AttributeValue::S(self.sk(i)))]
            .into()
    }

    pub fn key(&self, i: usize) -> String {
        format!(r#"{{"pk":{{"S":"{}"}},"sk":{{"S":"{}"}}}}"#, self.pk(i), self.sk(i))
    }

    pub fn create_table(&self, name: &str) -> String {
        format!(
            r#"{{"TableName":"{name}","AttributeDefinitions":[{{"AttributeName":"pk","AttributeType":"S"}},{{"AttributeName":"sk","AttributeType":"S"}}],"KeySchema":[{{"AttributeName":"pk","KeyType":"HASH"}},{{"AttributeName":"sk","KeyType":"RANGE"}}],"BillingMode":"PAY_PER_REQUEST"}}"#
        )
    }

    pub fn table_only(&self, name: &str) -> String {
        format!(r#"{{"TableName":"{name}"}}"#)
    }

    pub fn put_item(&self, i: usize) -> String {
        format!(r#"{{"TableName":"{}","Item":{}}}"#, self.table, self.item(i))
    }

    pub fn get_item(&self, i: usize) -> String {
        format!(r#"{{"TableName":"{}","Key":{}}}"#, self.table, self.key(i))
    }

    /// `pk = :p AND begins_with(sk, :s)`, Limit 20, on a random partition and block.
    pub fn query(&self, rng: &mut Rng) -> String {
        let blocks = self.per_partition().div_ceil(100).max(1);
        let p = format!("p{:04}", rng.usize(..self.partitions.min(self.items.max(1))));
        let s = format!("s{:05}", rng.usize(..blocks));
        format!(
            r#"{{"TableName":"{}","KeyConditionExpression":"pk = :p AND begins_with(sk, :s)","ExpressionAttributeValues":{{":p":{{"S":"{p}"}},":s":{{"S":"{s}"}}}},"Limit":20}}"#,
            self.table
        )
    }

    pub fn update_item(&self, i: usize) -> String {
        format!(
            r##"{{"TableName":"{}","Key":{},"UpdateExpression":"SET #c = #c + :one","ExpressionAttributeNames":{{"#c":"c"}},"ExpressionAttributeValues":{{":one":{{"N":"1"}}}}}}"##,
            self.table,
            self.key(i)
        )
    }

    /// A Scan page; `start` is the previous page's `LastEvaluatedKey` (JSON).
    pub fn scan(&self, start: Option<&str>) -> String {
        match start {
            Some(k) => format!(r#"{{"TableName":"{}","ExclusiveStartKey":{k}}}"#, self.table),
            None => format!(r#"{{"TableName":"{}"}}"#, self.table),
        }
    }

    pub fn transact_put(&self, idx: &[usize]) -> String {
        let puts: Vec<String> = idx
            .iter()
            .map(|&i| format!(r#"{{"Put":{{"TableName":"{}","Item":{}}}}}"#, self.table, self.item(i)))
            .collect();
        format!(r#"{{"TransactItems":[{}]}}"#, puts.join(","))
    }

    pub fn batch_put(&self, idx: &[usize]) -> String {
        let puts: Vec<String> =
            idx.iter().map(|&i| format!(r#"{{"PutRequest":{{"Item":{}}}}}"#, self.item(i))).collect();
        format!(r#"{{"RequestItems":{{"{}":[{}]}}}}"#, self.table, puts.join(","))
    }

    /// `n` distinct item indices owned by `worker` (i % workers == worker), so
    /// that concurrent transactions and batches never touch the same item.
    pub fn distinct_owned(&self, rng: &mut Rng, worker: usize, workers: usize, n: usize) -> Vec<usize> {
        let owned = (self.items.saturating_sub(worker)).div_ceil(workers.max(1));
        let mut out: Vec<usize> = Vec::with_capacity(n);
        if owned == 0 {
            return out;
        }
        let want = n.min(owned);
        while out.len() < want {
            let i = worker + workers * rng.usize(..owned);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w() -> Workload {
        Workload::new("t".into(), 10_000, 10, 42, ITEM_BYTES)
    }

    #[test]
    fn bodies_are_valid_json() {
        let w = w();
        let mut rng = Rng::with_seed(1);
        for body in [
            w.create_table("t"),
            w.put_item(5),
            w.get_item(5),
            w.query(&mut rng),
            w.update_item(7),
            w.scan(None),
            w.scan(Some(&w.key(3))),
            w.transact_put(&[1, 2, 3, 4]),
            w.batch_put(&(0..25).collect::<Vec<_>>()),
        ] {
            serde_json::from_str::<serde_json::Value>(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        }
    }

    #[test]
    fn padded_numbers_match_format() {
        for n in [0, 7, 42, 9999, 10_000, 1_234_567, 98_765_432] {
            assert_eq!(padded('p', n, 4), format!("p{n:04}"));
            assert_eq!(padded('s', n, 7), format!("s{n:07}"));
        }
    }

    #[test]
    fn items_are_deterministic_and_about_200_bytes() {
        let w = w();
        assert_eq!(w.item(17), w.item(17));
        assert_ne!(w.item(17), w.item(18));
        let v: serde_json::Value = serde_json::from_str(&w.item(17)).unwrap();
        let data = v["data"]["S"].as_str().unwrap();
        assert!(data.len() > 150 && data.len() < 200, "{}", data.len());
    }

    #[test]
    fn owned_indices_are_distinct_and_disjoint() {
        let w = w();
        let mut rng = Rng::with_seed(3);
        let a = w.distinct_owned(&mut rng, 0, 16, 25);
        let b = w.distinct_owned(&mut rng, 1, 16, 25);
        assert_eq!(a.len(), 25);
        assert!(a.iter().all(|i| i % 16 == 0 && *i < 10_000));
        assert!(b.iter().all(|i| i % 16 == 1));
        let small = Workload { items: 30, ..w };
        assert_eq!(small.distinct_owned(&mut rng, 3, 16, 25).len(), 2);
    }
}
