//! The bytes of a committed write (one log record) and how a commit is
//! applied to a database version, on recovery.
//!
//! A commit is physical: the table definitions it created, changed or
//! dropped, then the items it stored or removed, in commit order. Replaying
//! it needs no expression evaluation, no clock and no randomness, so
//! recovery reproduces exactly what was acknowledged (a batch that left
//! items unprocessed, a condition evaluated against state long gone).
//!
//! Layout (integers little-endian; `bytes` is a `u32` length and the bytes):
//! `at_ms: u64`, `n: u32` table changes (`1` + `bytes` JSON definition, or
//! `2` + `bytes` name, `3`/`4` a backup made/deleted, `5` an export or
//! import record: kind `u8`, `bytes` ARN, `bytes` JSON, `6` a transaction's
//! client token: `bytes` token, `at_ms`, 32-byte digest), `m: u32` item changes (`1` + `bytes` table +
//! `size: u32` + `bytes` packed item, or `2` + `bytes` table + `bytes`
//! packed key attributes; `3` likewise for a removal by Time to Live).
//!
//! `at_ms` is the commit's one time: the store runs a write as a commit
//! at that time ([`journal::at`]), so stream records, shard roll-overs and
//! point-in-time versions made on replay are the ones made originally.

use crate::store::backup::{Backup, BackupMeta};
use crate::store::journal::{self, ItemChange, TokenRecord};
use crate::store::stream::{self, StreamSettings};
use crate::store::{Db, StoredItem, Table, TableDef};
use crate::value::packed;
use std::io;

/// A change to the set of tables, one table's definition, or the backups.
#[derive(Clone, Debug, PartialEq)]
pub enum TableChange {
    /// The table's definition now (created, or changed: indexes that are
    /// new in it are back-filled on replay, as UpdateTable did).
    Put(Box<TableDef>),
    /// The table is gone.
    Drop(String),
    /// A backup of the table named, as that table stands at this point.
    PutBackup(Box<BackupMeta>, String),
    /// The backup with this ARN is gone.
    DropBackup(String),
    /// An export or import record (kind, ARN, JSON; see
    /// `ops::transfer_jobs`): kept by the data directory, not the database.
    Job(Job),
    /// A transaction's client token, logged with its items (kept by the
    /// data directory for the token's ten minutes).
    Token(TokenRecord),
}

/// An export or import record as the data directory keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// `ops::transfer_jobs::EXPORT` or `IMPORT`.
    pub kind: u8,
    /// Its ARN: a later record with the same ARN replaces it.
    pub arn: String,
    /// The record, as `ops::transfer_jobs` serialises it.
    pub json: Vec<u8>,
}

/// One committed write.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit {
    /// The emulator clock when it committed.
    pub at_ms: u64,
    /// Table changes, applied first.
    pub tables: Vec<TableChange>,
    /// Item changes, in commit order.
    pub items: Vec<ItemChange>,
}

impl Commit {
    /// Whether the commit changes nothing (nothing to log).
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.items.is_empty()
    }

    /// The commit's log record payload.
    pub fn encode(&self) -> Vec<u8> {
        self.encode_into(Vec::with_capacity(self.size_hint()))
    }

    /// The commit as a whole framed log record (`[len][crc32][payload]`,
    /// see [`super::frame`]), encoded in one buffer of about the right
    /// size: what the log appends, without copying the payload again.
    pub fn encode_framed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(super::frame::RECORD_HEADER_LEN + self.size_hint());
        out.resize(super::frame::RECORD_HEADER_LEN, 0);
        let mut out = self.encode_into(out);
        super::frame::seal_record(&mut out);
        out
    }

    /// About the encoded size (exact for puts), so that encoding does not
    /// grow its buffer.
    fn size_hint(&self) -> usize {
        let items: usize = self
            .items
            .iter()
            .map(|c| match c {
                ItemChange::Put { table, item } => 13 + table.len() + item.packed().len(),
                ItemChange::Remove { table, .. } => 9 + table.len() + 64,
            })
            .sum();
        16 + 64 * self.tables.len() + items
    }

    fn encode_into(&self, mut out: Vec<u8>) -> Vec<u8> {
        out.extend_from_slice(&self.at_ms.to_le_bytes());
        put_u32(&mut out, self.tables.len());
        for change in &self.tables {
            match change {
                TableChange::Put(def) => {
                    out.push(1);
                    put_bytes(&mut out, &encode_def(def));
                }
                TableChange::Drop(name) => {
                    out.push(2);
                    put_bytes(&mut out, name.as_bytes());
                }
                TableChange::PutBackup(meta, table) => {
                    out.push(3);
                    put_bytes(&mut out, &serde_json::to_vec(meta).expect("backup definitions serialise"));
                    put_bytes(&mut out, table.as_bytes());
                }
                TableChange::DropBackup(arn) => {
                    out.push(4);
                    put_bytes(&mut out, arn.as_bytes());
                }
                TableChange::Job(job) => {
                    out.push(5);
                    put_job(&mut out, job);
                }
                TableChange::Token(token) => {
                    out.push(6);
                    put_token(&mut out, token);
                }
            }
        }
        put_u32(&mut out, self.items.len());
        for change in &self.items {
            put_item_change(&mut out, change);
        }
        out
    }

    /// Reads a payload written by [`Commit::encode`].
    pub fn decode(bytes: &[u8]) -> io::Result<Commit> {
        let mut r = Reader(bytes);
        let at_ms = r.u64()?;
        let tables = (0..r.u32()?)
            .map(|_| match r.u8()? {
                1 => Ok(TableChange::Put(Box::new(decode_def(r.bytes()?)?))),
                2 => Ok(TableChange::Drop(r.string()?)),
                3 => {
                    let meta = decode_backup_meta(r.bytes()?)?;
                    Ok(TableChange::PutBackup(Box::new(meta), r.string()?))
                }
                4 => Ok(TableChange::DropBackup(r.string()?)),
                5 => Ok(TableChange::Job(r.job()?)),
                6 => Ok(TableChange::Token(r.token()?)),
                t => Err(invalid(format!("unknown table change {t}"))),
            })
            .collect::<io::Result<_>>()?;
        let items = (0..r.u32()?).map(|_| r.item_change()).collect::<io::Result<_>>()?;
        r.end()?;
        Ok(Commit { at_ms, tables, items })
    }

    /// Applies the commit to `db` (recovery; nothing is journaled), as a
    /// commit made at its time: streams record what it changed with the
    /// times, shards and sequence numbers they had, and point-in-time
    /// histories take their versions.
    pub fn apply(&self, db: &mut Db, streams: &StreamSettings) -> io::Result<()> {
        journal::at(self.at_ms, || self.apply_now(db, streams))
    }

    fn apply_now(&self, db: &mut Db, streams: &StreamSettings) -> io::Result<()> {
        let mut redefined = Vec::new();
        for change in &self.tables {
            match change {
                TableChange::Put(def) => {
                    let mut table = match db.table(&def.name) {
                        Some(table) => {
                            let mut table = Table::clone(table);
                            table.set_def(TableDef::clone(def));
                            table
                        }
                        None => Table::new(TableDef::clone(def)),
                    };
                    // Recovery switched on or off, as UpdateContinuousBackups did.
                    match (def.meta.pitr.is_some(), table.history().is_some()) {
                        (true, false) => table.set_history(Some(self.at_ms)),
                        (false, true) => table.set_history(None),
                        _ => {}
                    }
                    db.insert_table(table);
                    redefined.push(&def.name);
                }
                TableChange::Drop(name) => {
                    db.remove_table(name);
                }
                TableChange::PutBackup(meta, table) => {
                    let source = db.table(table).cloned().ok_or_else(|| {
                        invalid(format!("backup {} names table {table}, which does not exist", meta.arn))
                    })?;
                    db.insert_backup(Backup::from_meta(BackupMeta::clone(meta), source));
                }
                TableChange::DropBackup(arn) => {
                    db.remove_backup(arn);
                }
                // Kept by the data directory (see `Durable::open`).
                TableChange::Job(_) | TableChange::Token(_) => {}
            }
        }
        self.items.iter().try_for_each(|change| apply_item_change(db, change))?;
        // Streams follow their definitions after the items, as the commands
        // did (a restored table's items went in before its stream began).
        for name in redefined {
            if let Some(table) = db.table_mut(name) {
                stream::replay(table, streams);
            }
        }
        crate::store::record_versions(db, self.at_ms, &self.items);
        Ok(())
    }
}

/// Applies one item change to `db` (recovery and checkpoint loading).
pub fn apply_item_change(db: &mut Db, change: &ItemChange) -> io::Result<()> {
    let (name, result) = match change {
        ItemChange::Put { table, item } => (table, put_item(db, table, item)),
        ItemChange::Remove { table, key, by_ttl } => {
            let removed = db.table_mut(table).map(|t| {
                t.def.request_key(key).map(|k| if *by_ttl { t.remove_expired(&k) } else { t.remove(&k) })
            });
            (table, removed.map(|r| r.map(|_| ())))
        }
    };
    match result {
        Some(Ok(())) => Ok(()),
        Some(Err(e)) => {
            Err(invalid(format!("an item change of table {name} does not fit its key schema: {e}")))
        }
        // A table being deleted still takes writes, logged after its drop.
        None => Ok(()),
    }
}

fn put_item(db: &mut Db, table: &str, item: &StoredItem) -> Option<crate::error::Result<()>> {
    Some(put_into(db.table_mut(table)?, item.clone()))
}

/// Stores `item` in `table` under the key its attributes give.
pub fn put_into(table: &mut Table, item: StoredItem) -> crate::error::Result<()> {
    let keys = item.item_where(|n| table.def.key.contains(n));
    let key = table.def.item_key(&keys)?;
    table.put(key, item);
    Ok(())
}

/// Reads a backup definition.
pub fn decode_backup_meta(bytes: &[u8]) -> io::Result<BackupMeta> {
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("a backup definition does not decode: {e}")))
}

/// A table definition's bytes.
pub fn encode_def(def: &TableDef) -> Vec<u8> {
    serde_json::to_vec(def).expect("table definitions serialise")
}

/// Reads a table definition written by [`encode_def`].
pub fn decode_def(bytes: &[u8]) -> io::Result<TableDef> {
    serde_json::from_slice(bytes).map_err(|e| invalid(format!("a table definition does not decode: {e}")))
}

/// Appends one item change.
pub fn put_item_change(out: &mut Vec<u8>, change: &ItemChange) {
    match change {
        ItemChange::Put { table, item } => {
            out.push(1);
            put_bytes(out, table.as_bytes());
            out.extend_from_slice(&(item.size() as u32).to_le_bytes());
            put_bytes(out, item.packed());
        }
        ItemChange::Remove { table, key, by_ttl } => {
            out.push(if *by_ttl { 3 } else { 2 });
            put_bytes(out, table.as_bytes());
            let mut packed_key = Vec::new();
            packed::encode(key, &mut packed_key);
            put_bytes(out, &packed_key);
        }
    }
}

/// Appends an export or import record.
pub fn put_job(out: &mut Vec<u8>, job: &Job) {
    out.push(job.kind);
    put_bytes(out, job.arn.as_bytes());
    put_bytes(out, &job.json);
}

/// Appends a transaction's client token.
pub fn put_token(out: &mut Vec<u8>, t: &TokenRecord) {
    put_bytes(out, t.token.as_bytes());
    out.extend_from_slice(&t.at_ms.to_le_bytes());
    out.extend_from_slice(&t.digest);
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).expect("fits in u32").to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u32(out, b.len());
    out.extend_from_slice(b);
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// A bounds-checked reader: damaged input is an error, never a panic.
pub struct Reader<'a>(pub &'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(invalid("a record ends early".into()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    /// One byte.
    pub fn u8(&mut self) -> io::Result<u8> {
        Ok(self.take(1)?[0])
    }
    /// A little-endian `u32`.
    pub fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    /// A little-endian `u64`.
    pub fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
    /// Length-prefixed bytes.
    pub fn bytes(&mut self) -> io::Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    /// A length-prefixed UTF-8 string.
    pub fn string(&mut self) -> io::Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| invalid("a name is not UTF-8".into()))
    }
    /// One item change written by [`put_item_change`].
    pub fn item_change(&mut self) -> io::Result<ItemChange> {
        match self.u8()? {
            1 => {
                let table = self.string()?;
                let size = self.u32()?;
                Ok(ItemChange::Put { table, item: StoredItem::from_packed(size, self.bytes()?) })
            }
            tag @ (2 | 3) => {
                let table = self.string()?;
                Ok(ItemChange::Remove { table, key: packed::decode(self.bytes()?), by_ttl: tag == 3 })
            }
            t => Err(invalid(format!("unknown item change {t}"))),
        }
    }
    /// An export or import record written by [`put_job`].
    pub fn job(&mut self) -> io::Result<Job> {
        Ok(Job { kind: self.u8()?, arn: self.string()?, json: self.bytes()?.to_vec() })
    }
    /// A client token written by [`put_token`].
    pub fn token(&mut self) -> io::Result<TokenRecord> {
        let token = self.string()?;
        let at_ms = self.u64()?;
        let digest = self.take(32)?.try_into().expect("32 bytes");
        Ok(TokenRecord { token, at_ms, digest })
    }
    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Fails unless everything was read.
    pub fn end(&self) -> io::Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(invalid("a record has trailing bytes".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{AttributeValue, Item};

    #[test]
    fn item_changes_round_trip_with_their_cause() {
        let key: Item = [("pk".to_string(), AttributeValue::S("a".into()))].into();
        let commit = Commit {
            at_ms: 1_700_000_000_123,
            tables: vec![
                TableChange::Drop("gone".into()),
                TableChange::Job(Job { kind: 1, arn: "arn:x".into(), json: b"{}".to_vec() }),
                TableChange::Token(TokenRecord { token: "tok".into(), at_ms: 5, digest: [7; 32] }),
            ],
            items: vec![
                ItemChange::Put { table: "t".into(), item: StoredItem::new(&key) },
                ItemChange::Remove { table: "t".into(), key: key.clone(), by_ttl: false },
                ItemChange::Remove { table: "t".into(), key, by_ttl: true },
            ],
        };
        assert_eq!(Commit::decode(&commit.encode()).unwrap(), commit);
        // The framed form is the same payload behind a record header.
        let mut framed = Vec::new();
        crate::store::durable::frame::put_record(&mut framed, &commit.encode());
        assert_eq!(commit.encode_framed(), framed);
    }
}
