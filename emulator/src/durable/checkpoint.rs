//! Checkpoints: a whole database version in one file, written from a
//! snapshot (so writers go on meanwhile) and made visible by an atomic
//! rename once complete and on disk.
//!
//! Records (see [`super::frame`]): a start record (`b'S'`, the sequence
//! number of the log segment that follows it, the clock at the checkpoint,
//! the table count); per table a definition record (`b'T'` + JSON) and item
//! records (`b'I'` + a count + that many `size: u32` + packed item), about
//! a megabyte each; per backup a record (`b'B'` + its definition and its
//! table's definition, length-prefixed JSON) and its table's item records;
//! an end record (`b'E'`). A file without its end record is never used.

use super::codec::{self, Reader};
use super::frame;
use super::wal::sync_dir;
use crate::store::backup::{Backup, BackupMeta};
use crate::store::{Db, StoredItem, Table};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The checkpoint file's kind.
pub const MAGIC: &[u8; 8] = b"DDB-CKP\n";
/// Items are written in records of about this many bytes.
const CHUNK: usize = 1 << 20;

/// Where checkpoint `seq` lives in `dir`.
pub fn path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("checkpoint-{seq:020}.ckp"))
}

/// Writes `db` as checkpoint `seq` (the state before log segment `seq`),
/// durably: a temporary file, fsync, rename, fsync of the directory.
pub fn write(dir: &Path, seq: u64, at_ms: u64, db: &Db) -> io::Result<PathBuf> {
    let tmp = dir.join(format!("checkpoint-{seq:020}.tmp"));
    let file = File::create(&tmp)?;
    let mut out = BufWriter::with_capacity(CHUNK, file);
    out.write_all(&frame::header(MAGIC))?;
    let tables: Vec<&Table> = db
        .table_names_after(None)
        .filter_map(|name| db.table(name))
        .filter(|t| super::keeps(&t.def))
        .map(|t| &**t)
        .collect();
    let mut rec = Vec::with_capacity(CHUNK + 1024);
    rec.push(b'S');
    rec.extend_from_slice(&seq.to_le_bytes());
    rec.extend_from_slice(&at_ms.to_le_bytes());
    rec.extend_from_slice(&(tables.len() as u32).to_le_bytes());
    flush_record(&mut out, &mut rec)?;
    for table in tables {
        rec.push(b'T');
        rec.extend_from_slice(&codec::encode_def(&table.def));
        flush_record(&mut out, &mut rec)?;
        write_items(&mut out, &mut rec, table)?;
    }
    for backup in db.backups() {
        rec.push(b'B');
        for json in [
            serde_json::to_vec(&backup.meta()).expect("backup definitions serialise"),
            codec::encode_def(&backup.table.def),
        ] {
            rec.extend_from_slice(&(json.len() as u32).to_le_bytes());
            rec.extend_from_slice(&json);
        }
        flush_record(&mut out, &mut rec)?;
        write_items(&mut out, &mut rec, &backup.table)?;
    }
    rec.push(b'E');
    flush_record(&mut out, &mut rec)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    let dest = path(dir, seq);
    std::fs::rename(&tmp, &dest)?;
    sync_dir(&dest)?;
    Ok(dest)
}

/// A table's items, in records of about [`CHUNK`] bytes.
fn write_items(out: &mut impl Write, rec: &mut Vec<u8>, table: &Table) -> io::Result<()> {
    {
        let mut items = table.range(..).peekable();
        while items.peek().is_some() {
            rec.extend_from_slice(&[b'I', 0, 0, 0, 0]);
            let mut count = 0u32;
            for (_, item) in items.by_ref() {
                rec.extend_from_slice(&(item.size() as u32).to_le_bytes());
                rec.extend_from_slice(&(item.packed().len() as u32).to_le_bytes());
                rec.extend_from_slice(item.packed());
                count += 1;
                if rec.len() >= CHUNK {
                    break;
                }
            }
            rec[1..5].copy_from_slice(&count.to_le_bytes());
            flush_record(out, rec)?;
        }
    }
    Ok(())
}

fn flush_record(out: &mut impl Write, rec: &mut Vec<u8>) -> io::Result<()> {
    let mut framed = Vec::with_capacity(rec.len() + frame::RECORD_HEADER_LEN);
    frame::put_record(&mut framed, rec);
    out.write_all(&framed)?;
    rec.clear();
    Ok(())
}

/// A checkpoint read back: the database, its log sequence number and clock.
#[derive(Debug)]
pub struct Loaded {
    /// The database as it was.
    pub db: Db,
    /// The log segment that continues from it.
    pub seq: u64,
    /// The clock when it was taken.
    pub at_ms: u64,
}

/// Reads a checkpoint file; an incomplete or damaged one is an error.
pub fn read(path: &Path) -> io::Result<Loaded> {
    let bytes = std::fs::read(path)?;
    frame::check_header(&bytes, MAGIC, "checkpoint")?;
    let (records, _) = frame::records(&bytes[frame::HEADER_LEN..]);
    let damaged =
        |what: &str| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {what}", path.display()));
    let mut records = records.into_iter();
    let mut start = Reader(records.next().ok_or_else(|| damaged("empty"))?);
    if start.u8()? != b'S' {
        return Err(damaged("no start record"));
    }
    let (seq, at_ms, _tables) = (start.u64()?, start.u64()?, start.u32()?);
    let mut db = Db::default();
    // The table the item records fill: a live one, or a backup's.
    let mut current: Option<Table> = None;
    let mut backup: Option<BackupMeta> = None;
    let finish = |db: &mut Db, table: Option<Table>, backup: Option<BackupMeta>| match (table, backup) {
        (Some(table), Some(meta)) => db.insert_backup(Backup::from_meta(meta, Arc::new(table))),
        (Some(table), None) => db.insert_table(table),
        _ => {}
    };
    for rec in records {
        let mut r = Reader(rec);
        match r.u8()? {
            b'T' => {
                finish(&mut db, current.take(), backup.take());
                current = Some(Table::new(codec::decode_def(r.0)?));
            }
            b'B' => {
                finish(&mut db, current.take(), backup.take());
                backup = Some(codec::decode_backup_meta(r.bytes()?)?);
                current = Some(Table::new(codec::decode_def(r.bytes()?)?));
            }
            b'I' => {
                let table = current.as_mut().ok_or_else(|| damaged("items before a table"))?;
                for _ in 0..r.u32()? {
                    let size = r.u32()?;
                    let item = StoredItem::from_packed(size, r.bytes()?);
                    codec::put_into(table, item)
                        .map_err(|e| damaged(&format!("an item does not fit: {e}")))?;
                }
                r.end()?;
            }
            b'E' => {
                finish(&mut db, current.take(), backup.take());
                return Ok(Loaded { db, seq, at_ms });
            }
            _ => return Err(damaged("unknown record")),
        }
    }
    Err(damaged("incomplete (no end record)"))
}
