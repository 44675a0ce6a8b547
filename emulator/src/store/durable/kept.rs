//! Checkpoint records for what a table keeps besides its items: its
//! streams with their retained records, and its point-in-time history.
//!
//! Streams (`b'Q'` head, then `b'R'` record chunks):
//! - head: kind (`0` the table's enabled stream, `1` one it disabled, `2`
//!   a deleted table's), `bytes` ARN, label, table name, view type (`u8`),
//!   `bytes` key schema JSON, `created_ms`, `next`, `trimmed_through`,
//!   `disabled_ms` (`u64::MAX`: none), `u32` shard count and per shard
//!   `ordinal: u32`, `created_ms`, `start`, `end`, `closed_ms`,
//!   `parent_created_ms` (`u64`s, `u64::MAX`: none);
//! - records: `u32` count, per record `counter`, `time_ms`, event (`u8`),
//!   by TTL (`u8`), then the old and the new image, each `0` or `1` +
//!   `size: u32` + `bytes` packed item.
//!
//! History (`b'H'` first version, `b'h'` its item chunks, then per later
//! version `b'V'` and `b'v'` continuation chunks): the first version whole
//! and every later one as its difference from the one before, so the file
//! (and the versions read back, rebuilt one from the other) share what the
//! versions shared. `H` and `V` start with the version's time; a chunk is
//! `u32` count and per change `u8` (`1` put, `2` remove) + `size: u32` +
//! `bytes` packed item (a removal gives the removed item: its key).

use super::codec::Reader;
use crate::store::pitr::History;
use crate::store::stream::{EventName, Record, Shard, StreamLog, StreamSettings, ViewType};
use crate::store::{PrimaryKey, StoredItem, TableDef};
use imbl::OrdMap;
use std::io::{self, Write};

const NONE: u64 = u64::MAX;
/// A stream kept by its table, enabled.
pub const ACTIVE: u8 = 0;
/// A stream kept by its table, disabled.
pub const OLD: u8 = 1;
/// A deleted table's stream.
pub const ORPHAN: u8 = 2;

type Flush<'a, W> = &'a mut dyn FnMut(&mut W, &mut Vec<u8>) -> io::Result<()>;

fn put_bytes(rec: &mut Vec<u8>, b: &[u8]) {
    rec.extend_from_slice(&(b.len() as u32).to_le_bytes());
    rec.extend_from_slice(b);
}

fn put_item(rec: &mut Vec<u8>, item: &StoredItem) {
    rec.extend_from_slice(&(item.size() as u32).to_le_bytes());
    put_bytes(rec, item.packed());
}

fn opt(v: Option<u64>) -> u64 {
    v.unwrap_or(NONE)
}

fn get_opt(v: u64) -> Option<u64> {
    (v != NONE).then_some(v)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

/// Writes one stream as a head record and record chunks of about `chunk`
/// bytes.
pub fn write_stream<W: Write>(
    out: &mut W,
    rec: &mut Vec<u8>,
    flush: Flush<'_, W>,
    chunk: usize,
    kind: u8,
    log: &StreamLog,
) -> io::Result<()> {
    let head = &log.head;
    rec.push(b'Q');
    rec.push(kind);
    put_bytes(rec, head.arn.as_bytes());
    put_bytes(rec, head.label.as_bytes());
    put_bytes(rec, head.table_name.as_bytes());
    rec.push(view_code(head.view_type));
    put_bytes(rec, &serde_json::to_vec(&head.key).expect("key schemas serialise"));
    for v in [head.created_ms, log.next, log.trimmed_through, opt(log.disabled_ms)] {
        rec.extend_from_slice(&v.to_le_bytes());
    }
    rec.extend_from_slice(&(log.shards.len() as u32).to_le_bytes());
    for s in &log.shards {
        rec.extend_from_slice(&s.ordinal.to_le_bytes());
        for v in [s.created_ms, s.start, opt(s.end), opt(s.closed_ms), opt(s.parent_created_ms)] {
            rec.extend_from_slice(&v.to_le_bytes());
        }
    }
    flush(out, rec)?;
    let mut records = log.records.iter().peekable();
    while records.peek().is_some() {
        rec.extend_from_slice(&[b'R', 0, 0, 0, 0]);
        let mut count = 0u32;
        for r in records.by_ref() {
            rec.extend_from_slice(&r.counter.to_le_bytes());
            rec.extend_from_slice(&r.time_ms.to_le_bytes());
            rec.push(match r.event {
                EventName::Insert => 0,
                EventName::Modify => 1,
                EventName::Remove => 2,
            });
            rec.push(u8::from(r.by_ttl));
            for image in [&r.old, &r.new] {
                match image {
                    Some(item) => {
                        rec.push(1);
                        put_item(rec, item);
                    }
                    None => rec.push(0),
                }
            }
            count += 1;
            if count.is_multiple_of(super::checkpoint::YIELD_EVERY) {
                super::background::yield_to_writers();
            }
            if rec.len() >= chunk {
                break;
            }
        }
        rec[1..5].copy_from_slice(&count.to_le_bytes());
        flush(out, rec)?;
    }
    Ok(())
}

fn view_code(v: ViewType) -> u8 {
    match v {
        ViewType::KeysOnly => 0,
        ViewType::NewImage => 1,
        ViewType::OldImage => 2,
        ViewType::NewAndOldImages => 3,
    }
}

/// Reads a stream head record (after its `b'Q'`): the stream's kind and
/// the stream, without records yet.
pub fn read_stream_head(r: &mut Reader<'_>, settings: &StreamSettings) -> io::Result<(u8, StreamLog)> {
    let kind = r.u8()?;
    let (arn, label, table_name) = (r.string()?, r.string()?, r.string()?);
    let view = match r.u8()? {
        0 => ViewType::KeysOnly,
        1 => ViewType::NewImage,
        2 => ViewType::OldImage,
        3 => ViewType::NewAndOldImages,
        _ => return Err(invalid("a stream has an unknown view type")),
    };
    let key =
        serde_json::from_slice(r.bytes()?).map_err(|_| invalid("a stream's key schema does not decode"))?;
    let (created_ms, next, trimmed_through, disabled) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
    let mut shards = imbl::Vector::new();
    for _ in 0..r.u32()? {
        let ordinal = r.u32()?;
        let (created_ms, start, end, closed, parent) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        shards.push_back(Shard {
            ordinal,
            created_ms,
            start,
            end: get_opt(end),
            closed_ms: get_opt(closed),
            parent_created_ms: get_opt(parent),
        });
    }
    r.end()?;
    let state = (shards, imbl::Vector::new(), next, trimmed_through, get_opt(disabled));
    let log = StreamLog::restored(arn, label, table_name, view, key, created_ms, settings.clone(), state);
    Ok((kind, log))
}

/// Reads a record chunk (after its `b'R'`) into `log`.
pub fn read_stream_records(r: &mut Reader<'_>, log: &mut StreamLog) -> io::Result<()> {
    for _ in 0..r.u32()? {
        let (counter, time_ms) = (r.u64()?, r.u64()?);
        let event = match r.u8()? {
            0 => EventName::Insert,
            1 => EventName::Modify,
            2 => EventName::Remove,
            _ => return Err(invalid("a stream record has an unknown event")),
        };
        let by_ttl = r.u8()? != 0;
        let mut image = || -> io::Result<Option<StoredItem>> {
            Ok(match r.u8()? {
                0 => None,
                _ => {
                    let size = r.u32()?;
                    Some(StoredItem::from_packed(size, r.bytes()?))
                }
            })
        };
        let (old, new) = (image()?, image()?);
        if old.is_none() && new.is_none() {
            return Err(invalid("a stream record keeps no image"));
        }
        log.records.push_back(Record { counter, time_ms, old, new, event, by_ttl });
    }
    r.end()
}

/// Writes a table's point-in-time history: the first version whole, each
/// later one as its difference from the one before.
pub fn write_history<W: Write>(
    out: &mut W,
    rec: &mut Vec<u8>,
    flush: Flush<'_, W>,
    chunk: usize,
    history: &History,
) -> io::Result<()> {
    let mut previous: Option<&OrdMap<PrimaryKey, StoredItem>> = None;
    for (at_ms, items) in history.versions() {
        rec.push(if previous.is_none() { b'H' } else { b'V' });
        rec.extend_from_slice(&at_ms.to_le_bytes());
        flush(out, rec)?;
        let continuation = if previous.is_none() { b'h' } else { b'v' };
        let empty = OrdMap::new();
        // Shared nodes are skipped: a version costs what its second changed.
        let mut changes = previous
            .unwrap_or(&empty)
            .diff(items)
            .filter_map(|d| match d {
                imbl::ordmap::DiffItem::Add(_, item) => Some((1, item)),
                imbl::ordmap::DiffItem::Update { old: (_, old), new: (_, item) } => {
                    (old != item).then_some((1, item))
                }
                // The removed item: its key.
                imbl::ordmap::DiffItem::Remove(_, item) => Some((2, item)),
            })
            .peekable();
        while changes.peek().is_some() {
            rec.extend_from_slice(&[continuation, 0, 0, 0, 0]);
            let mut count = 0u32;
            for (tag, item) in changes.by_ref() {
                rec.push(tag);
                put_item(rec, item);
                count += 1;
                if count.is_multiple_of(super::checkpoint::YIELD_EVERY) {
                    super::background::yield_to_writers();
                }
                if rec.len() >= chunk {
                    break;
                }
            }
            rec[1..5].copy_from_slice(&count.to_le_bytes());
            flush(out, rec)?;
        }
        previous = Some(items);
    }
    Ok(())
}

/// A history being read back.
#[derive(Default)]
pub struct HistoryReader {
    versions: Vec<(u64, OrdMap<PrimaryKey, StoredItem>)>,
}

impl HistoryReader {
    /// A version record (`b'H'` or `b'V'`, after the tag): a new version,
    /// starting as the one before.
    pub fn version(&mut self, r: &mut Reader<'_>) -> io::Result<()> {
        let at_ms = r.u64()?;
        r.end()?;
        let items = self.versions.last().map(|(_, items)| items.clone()).unwrap_or_default();
        self.versions.push((at_ms, items));
        Ok(())
    }

    /// A chunk of changes (`b'h'` or `b'v'`, after the tag) to the last version.
    pub fn changes(&mut self, r: &mut Reader<'_>, def: &TableDef) -> io::Result<()> {
        let (_, items) =
            self.versions.last_mut().ok_or_else(|| invalid("history changes before a version"))?;
        for _ in 0..r.u32()? {
            let tag = r.u8()?;
            let size = r.u32()?;
            let item = StoredItem::from_packed(size, r.bytes()?);
            let key = def
                .item_key(&item.item_where(|n| def.key.contains(n)))
                .map_err(|_| invalid("a history item does not fit its table's key"))?;
            match tag {
                1 => {
                    items.insert(key, item);
                }
                2 => {
                    items.remove(&key);
                }
                _ => return Err(invalid("an unknown history change")),
            }
        }
        r.end()
    }

    /// The history read, if any version was.
    pub fn finish(self) -> Option<History> {
        if self.versions.is_empty() {
            return None;
        }
        let mut history = History::default();
        for (at_ms, items) in self.versions {
            history.push(at_ms, items);
        }
        Some(history)
    }
}
