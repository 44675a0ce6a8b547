//! Checkpoints: a whole database version in one file, written from a
//! snapshot (so writers go on meanwhile) and made visible by an atomic
//! rename once complete and on disk.
//!
//! Records (see [`super::frame`]): a start record (`b'S'`, the sequence
//! number of the log segment that follows it, the clock at the checkpoint,
//! the table count); per table a definition record (`b'T'` + JSON) and item
//! records (`b'I'` + a count + that many `size: u32` + packed item), about
//! a megabyte each, and its history and streams; per backup a record (`b'B'` + its definition and its
//! table's definition, length-prefixed JSON) and its table's item records;
//! then, per table, its point-in-time history and its streams (see
//! [`super::kept`]); the streams of deleted tables (`b'Q'` of kind
//! orphan); export and import records (`b'J'`, as in the log);
//! transactions' client tokens (`b'K'`, as in the log); an end
//! record (`b'E'`). A file without its end record is never
//! used.

use super::codec::{self, Reader};
use super::wal::sync_dir;
use super::{frame, kept};
use crate::store::backup::{Backup, BackupMeta};
use crate::store::journal::TokenRecord;
use crate::store::stream::{StreamLog, StreamSettings};
use crate::store::{Db, StoredItem, Table};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The checkpoint file's kind.
pub const MAGIC: &[u8; 8] = b"DDB-CKP\n";
/// Items are written in records of about this many bytes.
const CHUNK: usize = 1 << 20;
/// Items encoded between two offers of the CPU to writers (about 50-100
/// µs of work; see [`super::background::yield_to_writers`]).
pub(super) const YIELD_EVERY: u32 = 256;

/// Where checkpoint `seq` lives in `dir`.
pub fn path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("checkpoint-{seq:020}.ckp"))
}

/// Writes `db` as checkpoint `seq` (the state before log segment `seq`),
/// durably: a temporary file, fsync, rename, fsync of the directory.
pub fn write(
    dir: &Path,
    seq: u64,
    at_ms: u64,
    db: &Db,
    jobs: &[codec::Job],
    tokens: &[TokenRecord],
) -> io::Result<PathBuf> {
    let tmp = dir.join(format!("checkpoint-{seq:020}.tmp"));
    let file = File::create(&tmp)?;
    let mut out = BufWriter::with_capacity(CHUNK, file);
    out.write_all(&frame::header(MAGIC))?;
    let all: Vec<&Table> =
        db.table_names_after(None).filter_map(|name| db.table(name)).map(|t| &**t).collect();
    let (tables, deleting): (Vec<&Table>, Vec<&Table>) = all.into_iter().partition(|t| super::keeps(&t.def));
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
        if let Some(history) = table.history() {
            kept::write_history(&mut out, &mut rec, &mut flush_record, CHUNK, history)?;
        }
        if let Some(streams) = table.streams() {
            for (kind, log) in streams
                .active
                .iter()
                .map(|l| (kept::ACTIVE, l))
                .chain(streams.old.iter().map(|l| (kept::OLD, l)))
            {
                kept::write_stream(&mut out, &mut rec, &mut flush_record, CHUNK, kind, log)?;
            }
        }
    }
    // A table being deleted is gone after a restart; its streams stay
    // readable, as when it is removed.
    let deleting =
        deleting.iter().filter_map(|t| t.streams()).flat_map(|s| s.active.iter().chain(s.old.iter()));
    for log in db.orphan_streams().iter().chain(deleting) {
        kept::write_stream(&mut out, &mut rec, &mut flush_record, CHUNK, kept::ORPHAN, log)?;
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
    for job in jobs {
        rec.push(b'J');
        codec::put_job(&mut rec, job);
        flush_record(&mut out, &mut rec)?;
    }
    for token in tokens {
        rec.push(b'K');
        codec::put_token(&mut rec, token);
        flush_record(&mut out, &mut rec)?;
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
                if count.is_multiple_of(YIELD_EVERY) {
                    super::background::yield_to_writers();
                }
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

/// Writes `rec` as one record and empties it for the next. The header and
/// the payload go to the writer separately: no framed copy of a megabyte
/// is allocated per record (allocating and freeing those maps and unmaps
/// memory, which interrupts the writers' threads too).
fn flush_record<W: Write>(out: &mut W, rec: &mut Vec<u8>) -> io::Result<()> {
    out.write_all(&frame::record_header(rec))?;
    out.write_all(rec)?;
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
    /// The export and import records.
    pub jobs: Vec<codec::Job>,
    /// Transactions' client tokens.
    pub tokens: Vec<TokenRecord>,
}

/// Reads a checkpoint file; an incomplete or damaged one is an error.
/// Streams read back take `settings` (the clock and timings of this run).
pub fn read(path: &Path, settings: &StreamSettings) -> io::Result<Loaded> {
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
    let mut open = Open::default();
    let mut jobs = Vec::new();
    let mut tokens = Vec::new();
    for rec in records {
        let mut r = Reader(rec);
        let tag = r.u8()?;
        if tag != b'R' {
            open.finish_stream(&mut db);
        }
        match tag {
            b'T' => {
                open.finish(&mut db);
                open.table = Some(Table::new(codec::decode_def(r.0)?));
            }
            b'B' => {
                open.finish(&mut db);
                open.backup = Some(codec::decode_backup_meta(r.bytes()?)?);
                open.table = Some(Table::new(codec::decode_def(r.bytes()?)?));
            }
            b'I' => {
                let table = open.table.as_mut().ok_or_else(|| damaged("items before a table"))?;
                for _ in 0..r.u32()? {
                    let size = r.u32()?;
                    let item = StoredItem::from_packed(size, r.bytes()?);
                    codec::put_into(table, item)
                        .map_err(|e| damaged(&format!("an item does not fit: {e}")))?;
                }
                r.end()?;
            }
            b'H' | b'V' => open.history.version(&mut r)?,
            b'h' | b'v' => {
                let table = open.table.as_ref().ok_or_else(|| damaged("a history before a table"))?;
                open.history.changes(&mut r, &table.def)?;
            }
            b'Q' => {
                let (kind, log) = kept::read_stream_head(&mut r, settings)?;
                if kind != kept::ORPHAN {
                    open.table.as_ref().ok_or_else(|| damaged("a stream before a table"))?;
                }
                open.stream = Some((kind, log));
            }
            b'R' => {
                let (_, log) =
                    open.stream.as_mut().ok_or_else(|| damaged("stream records before a stream"))?;
                kept::read_stream_records(&mut r, log)?;
            }
            b'J' => {
                jobs.push(r.job()?);
                r.end()?;
            }
            b'K' => {
                tokens.push(r.token()?);
                r.end()?;
            }
            b'E' => {
                open.finish(&mut db);
                return Ok(Loaded { db, seq, at_ms, jobs, tokens });
            }
            _ => return Err(damaged("unknown record")),
        }
    }
    Err(damaged("incomplete (no end record)"))
}

/// What the records read so far are filling.
#[derive(Default)]
struct Open {
    /// A live table, or a backup's.
    table: Option<Table>,
    backup: Option<BackupMeta>,
    history: kept::HistoryReader,
    /// The table's streams read so far.
    streams: Vec<(u8, StreamLog)>,
    /// The stream whose records come next.
    stream: Option<(u8, StreamLog)>,
}

impl Open {
    fn finish_stream(&mut self, db: &mut Db) {
        match self.stream.take() {
            Some((kept::ORPHAN, log)) => db.push_orphan_stream(log),
            Some(stream) => self.streams.push(stream),
            None => {}
        }
    }

    fn finish(&mut self, db: &mut Db) {
        self.finish_stream(db);
        let Some(mut table) = self.table.take() else { return };
        // Items first: a table with streams records what is put into it.
        if let Some(history) = std::mem::take(&mut self.history).finish() {
            table.load_history(history);
        }
        for (kind, log) in self.streams.drain(..) {
            match kind {
                kept::ACTIVE => table.streams_mut().active = Some(log),
                _ => table.streams_mut().old.push(log),
            }
        }
        match self.backup.take() {
            Some(meta) => db.insert_backup(Backup::from_meta(meta, Arc::new(table))),
            None => db.insert_table(table),
        }
    }
}
