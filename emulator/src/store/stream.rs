//! DynamoDB Streams in the store: each table's change log (shards, records,
//! sequence numbers), retention and lifecycle.
//!
//! A table with a stream holds a [`TableStreams`]: the enabled stream (if
//! any) and its earlier streams, which stay readable for 24 hours after
//! they were disabled. [`Table::put`](super::Table::put) and
//! [`Table::remove`](super::Table::remove), the only item mutators, call
//! [`TableStreams::record`], so every write path (single items, batches,
//! transactions in commit order, the TTL sweep) feeds the log, and a write
//! that publishes nothing (a failed check, an abandoned copy) records
//! nothing: the log is part of the same immutable database version as the
//! items. When a table is removed from the database its streams move to
//! [`Db`](super::Db)'s orphans, readable (DISABLED) for 24 hours.
//!
//! Records share the stored item bodies ([`StoredItem`], a thin `Arc`):
//! an image is a reference-count increment, never a copy, and keys, sizes
//! and JSON are derived when a record is read. The log is an
//! [`imbl::Vector`], so a snapshot costs nothing and trimming (records
//! older than 24 hours, by the emulator's clock) frees the front. Tables
//! without a stream hold `None`: one branch per write.
//!
//! Sequence numbers: a per-stream counter `c` (1, 2, ...; one per record,
//! dense) printed as `shard ordinal * 10^20 + c`: numeric strings of 21
//! digits and more (the service's are 21 to 40 digits), strictly
//! increasing within a shard and across a shard's lineage. Shards roll
//! over to a child shard (`ParentShardId` the previous one) after
//! [`StreamSettings::rollover_ms`] (the service's shards roll over every
//! few hours; the emulator's interval is configurable). A shard rolls on
//! the first write after its interval, so a closed shard always holds at
//! least one record.

use super::item::StoredItem;
use super::schema::KeySchema;
use crate::clock::Clock;
use crate::value::size::attribute_size;
use crate::value::Item;
use std::sync::Arc;

/// How long records (and disabled streams, and closed shards) are kept.
pub const RETENTION_MS: u64 = 24 * 3600 * 1000;
/// How long a shard iterator stays valid.
pub const ITERATOR_TTL_MS: u64 = 15 * 60 * 1000;
/// The sequence-number space of one shard ordinal (`ordinal * SEQ_SPAN + counter`).
pub const SEQ_SPAN: u128 = 100_000_000_000_000_000_000;

/// What a stream record carries (`StreamViewType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewType {
    /// `KEYS_ONLY`
    KeysOnly,
    /// `NEW_IMAGE`
    NewImage,
    /// `OLD_IMAGE`
    OldImage,
    /// `NEW_AND_OLD_IMAGES`
    NewAndOldImages,
}

impl ViewType {
    /// Parses the service's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "KEYS_ONLY" => Some(ViewType::KeysOnly),
            "NEW_IMAGE" => Some(ViewType::NewImage),
            "OLD_IMAGE" => Some(ViewType::OldImage),
            "NEW_AND_OLD_IMAGES" => Some(ViewType::NewAndOldImages),
            _ => None,
        }
    }
    /// The service's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewType::KeysOnly => "KEYS_ONLY",
            ViewType::NewImage => "NEW_IMAGE",
            ViewType::OldImage => "OLD_IMAGE",
            ViewType::NewAndOldImages => "NEW_AND_OLD_IMAGES",
        }
    }
    fn keeps_new(self) -> bool {
        matches!(self, ViewType::NewImage | ViewType::NewAndOldImages)
    }
    fn keeps_old(self) -> bool {
        matches!(self, ViewType::OldImage | ViewType::NewAndOldImages)
    }
}

/// `INSERT`, `MODIFY` or `REMOVE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventName {
    /// A new item was added.
    Insert,
    /// An existing item changed.
    Modify,
    /// An item was deleted.
    Remove,
}

impl EventName {
    /// The service's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Insert => "INSERT",
            EventName::Modify => "MODIFY",
            EventName::Remove => "REMOVE",
        }
    }
}

/// `ENABLING`, `ENABLED`, `DISABLING` or `DISABLED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamStatus {
    /// Being enabled (for `Config::transition_delay`).
    Enabling,
    /// Enabled.
    Enabled,
    /// Being disabled.
    Disabling,
    /// Disabled (readable until 24 hours after it was disabled).
    Disabled,
}

impl StreamStatus {
    /// The service's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamStatus::Enabling => "ENABLING",
            StreamStatus::Enabled => "ENABLED",
            StreamStatus::Disabling => "DISABLING",
            StreamStatus::Disabled => "DISABLED",
        }
    }
}

/// Settings a stream is created with.
#[derive(Clone, Debug)]
pub struct StreamSettings {
    /// The emulator's clock: record times, retention and iterator expiry.
    pub clock: Arc<Clock>,
    /// How long the stream is ENABLING / DISABLING (`Config::transition_delay`).
    pub transition_ms: u64,
    /// How long a shard takes records before a child shard replaces it.
    pub rollover_ms: u64,
}

/// What never changes about a stream.
#[derive(Debug)]
pub struct StreamHead {
    /// `{table arn}/stream/{label}`.
    pub arn: String,
    /// `StreamLabel`: the ISO-8601 time it was enabled.
    pub label: String,
    /// The table's name.
    pub table_name: String,
    /// What records carry.
    pub view_type: ViewType,
    /// The table's key schema (records' `Keys`, DescribeStream's `KeySchema`).
    pub key: KeySchema,
    /// When it was enabled (`CreationRequestDateTime`), ms since the epoch.
    pub created_ms: u64,
    /// Clock and timings.
    pub settings: StreamSettings,
    /// Mixed into shard ids, so that streams' shard ids differ.
    salt: u32,
}

/// One shard: a range of the stream's counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1 for the first shard, then 2, 3, ... (the parent of `n` is `n - 1`).
    pub ordinal: u32,
    /// When the shard was opened.
    pub created_ms: u64,
    /// The counter of its first record (its starting sequence number).
    pub start: u64,
    /// The counter of its last record once closed.
    pub end: Option<u64>,
    /// When it was closed.
    pub closed_ms: Option<u64>,
    /// When its parent (ordinal - 1) was opened (its id outlives it).
    pub parent_created_ms: Option<u64>,
}

impl Shard {
    /// `shardId-{20-digit creation time}-{8 hex digits}`, the service's shape.
    pub fn id(&self, head: &StreamHead) -> String {
        shard_id(head, self.ordinal, self.created_ms)
    }
    /// The parent shard's id (`ParentShardId`).
    pub fn parent_id(&self, head: &StreamHead) -> Option<String> {
        self.parent_created_ms.map(|c| shard_id(head, self.ordinal - 1, c))
    }
    /// The sequence number of counter `c` in this shard.
    pub fn seq(&self, c: u64) -> String {
        (u128::from(self.ordinal) * SEQ_SPAN + u128::from(c)).to_string()
    }
    /// Whether counter `c` belongs to this shard.
    pub fn holds(&self, c: u64) -> bool {
        c >= self.start && self.end.is_none_or(|e| c <= e)
    }
}

fn shard_id(head: &StreamHead, ordinal: u32, created_ms: u64) -> String {
    let mix = (head.salt ^ ordinal.wrapping_mul(0x9E37_79B9)).wrapping_mul(0x85EB_CA6B);
    format!("shardId-{created_ms:020}-{mix:08x}")
}

/// One change. 40 bytes plus the images it shares with the table.
#[derive(Clone, Debug)]
pub struct Record {
    /// The stream's counter (sequence number without the shard prefix).
    pub counter: u64,
    /// When the write happened, ms since the epoch (by the emulator's clock).
    pub time_ms: u64,
    /// The item before the write, when the view type needs it (or to give the keys of a REMOVE).
    pub old: Option<StoredItem>,
    /// The item after the write, when the view type needs it (or to give the keys).
    pub new: Option<StoredItem>,
    /// INSERT / MODIFY / REMOVE.
    pub event: EventName,
    /// Deleted by Time to Live (`userIdentity` is the service).
    pub by_ttl: bool,
}

/// One stream: its head, shards and retained records.
#[derive(Clone, Debug)]
pub struct StreamLog {
    /// What never changes.
    pub head: Arc<StreamHead>,
    /// Shards, oldest first (closed ones are dropped 24 hours after closing
    /// once all their records are trimmed).
    pub shards: imbl::Vector<Shard>,
    /// Retained records of all shards, in counter order.
    pub records: imbl::Vector<Record>,
    /// The next record's counter.
    pub next: u64,
    /// Counters up to this one have been trimmed (0: none).
    pub trimmed_through: u64,
    /// When the stream was disabled (by UpdateTable or by deleting its table).
    pub disabled_ms: Option<u64>,
}

impl StreamLog {
    /// A new, enabled stream with one open shard.
    pub fn new(
        arn: String,
        label: String,
        table_name: String,
        view_type: ViewType,
        key: KeySchema,
        settings: StreamSettings,
    ) -> Self {
        // The label is the creation time (see `sync`): a durable store's
        // replay, which has only the label, makes the same shard ids.
        let now = label_ms(&label).unwrap_or_else(|| now(&settings));
        let salt = crc32fast::hash(arn.as_bytes());
        let head = StreamHead { arn, label, table_name, view_type, key, created_ms: now, settings, salt };
        let first = Shard {
            ordinal: 1,
            created_ms: now,
            start: 1,
            end: None,
            closed_ms: None,
            parent_created_ms: None,
        };
        StreamLog {
            head: Arc::new(head),
            shards: imbl::vector![first],
            records: imbl::Vector::new(),
            next: 1,
            trimmed_through: 0,
            disabled_ms: None,
        }
    }

    /// The time now for this stream: the running commit's, else the clock's.
    pub fn now(&self) -> u64 {
        now(&self.head.settings)
    }

    /// A stream as a durable store's checkpoint kept it.
    #[allow(clippy::too_many_arguments)]
    pub fn restored(
        arn: String,
        label: String,
        table_name: String,
        view_type: ViewType,
        key: KeySchema,
        created_ms: u64,
        settings: StreamSettings,
        state: (imbl::Vector<Shard>, imbl::Vector<Record>, u64, u64, Option<u64>),
    ) -> Self {
        let salt = crc32fast::hash(arn.as_bytes());
        let head = StreamHead { arn, label, table_name, view_type, key, created_ms, settings, salt };
        let (shards, records, next, trimmed_through, disabled_ms) = state;
        StreamLog { head: Arc::new(head), shards, records, next, trimmed_through, disabled_ms }
    }

    /// Whether the stream still exists at `now` (disabled less than 24 hours ago).
    pub fn alive_at(&self, now: u64) -> bool {
        self.disabled_ms.is_none_or(|d| now < d.saturating_add(RETENTION_MS))
    }

    /// The status at `now`.
    pub fn status_at(&self, now: u64) -> StreamStatus {
        let t = self.head.settings.transition_ms;
        match self.disabled_ms {
            Some(d) if now < d.saturating_add(t) => StreamStatus::Disabling,
            Some(_) => StreamStatus::Disabled,
            None if now < self.head.created_ms.saturating_add(t) => StreamStatus::Enabling,
            None => StreamStatus::Enabled,
        }
    }

    /// Appends the change from `old` to `new` (absent: no item), unless it
    /// changes nothing.
    fn record(&mut self, old: Option<&StoredItem>, new: Option<&StoredItem>, by_ttl: bool) {
        let event = match (old, new) {
            (None, None) => return,
            (Some(o), Some(n)) if o == n => return, // the same bytes: nothing changed
            (None, Some(_)) => EventName::Insert,
            (Some(_), Some(_)) => EventName::Modify,
            (Some(_), None) => EventName::Remove,
        };
        // Record times never go back, even if a test sets the clock back.
        let now = self.now().max(self.records.back().map_or(0, |r| r.time_ms));
        self.trim(now);
        self.roll_over(now);
        let view = self.head.view_type;
        // Keep the images the view type shows; a record with neither keeps
        // the one there is, for its keys.
        let (keep_old, keep_new) =
            match (view.keeps_old() && old.is_some(), view.keeps_new() && new.is_some()) {
                (false, false) => (new.is_none(), new.is_some()),
                kept => kept,
            };
        let counter = self.next;
        self.next += 1;
        self.records.push_back(Record {
            counter,
            time_ms: now,
            old: old.filter(|_| keep_old).cloned(),
            new: new.filter(|_| keep_new).cloned(),
            event,
            by_ttl,
        });
    }

    /// Opens a child shard when the current one is older than the rollover
    /// interval and has records.
    fn roll_over(&mut self, now: u64) {
        let Some(current) = self.shards.back().copied() else { return };
        let has_records = self.next > current.start;
        if current.end.is_some()
            || !has_records
            || now < current.created_ms.saturating_add(self.head.settings.rollover_ms)
        {
            return;
        }
        let last = self.shards.len() - 1;
        self.shards[last] = Shard { end: Some(self.next - 1), closed_ms: Some(now), ..current };
        self.shards.push_back(Shard {
            ordinal: current.ordinal + 1,
            created_ms: now,
            start: self.next,
            end: None,
            closed_ms: None,
            parent_created_ms: Some(current.created_ms),
        });
    }

    /// Drops records older than the retention period at `now`, and closed
    /// shards with nothing left that closed more than 24 hours ago.
    pub fn trim(&mut self, now: u64) {
        let horizon = now.saturating_sub(RETENTION_MS);
        while self.records.front().is_some_and(|r| r.time_ms <= horizon) {
            if let Some(r) = self.records.pop_front() {
                self.trimmed_through = r.counter;
            }
        }
        while self.shards.len() > 1
            && self.shards.front().is_some_and(|s| {
                s.closed_ms.is_some_and(|c| c <= horizon) && s.end.is_some_and(|e| e <= self.trimmed_through)
            })
        {
            self.shards.pop_front();
        }
    }

    /// Whether [`StreamLog::trim`] at `now` would drop anything.
    pub fn needs_trim(&self, now: u64) -> bool {
        let horizon = now.saturating_sub(RETENTION_MS);
        self.records.front().is_some_and(|r| r.time_ms <= horizon)
    }

    /// Closes the open shard and marks the stream disabled at `now`.
    pub fn disable(&mut self, now: u64) {
        if self.disabled_ms.is_some() {
            return;
        }
        self.disabled_ms = Some(now);
        if let Some(current) = self.shards.back().copied() {
            if current.end.is_none() {
                let last = self.shards.len() - 1;
                // An empty shard closes at its start: a range of nothing.
                let end = if self.next > current.start { self.next - 1 } else { current.start };
                self.shards[last] = Shard { end: Some(end), closed_ms: Some(now), ..current };
            }
        }
    }

    /// Counters up to this one are trimmed at `now` (records older than 24
    /// hours count as trimmed even before the sweep drops them).
    pub fn trimmed_through_at(&self, now: u64) -> u64 {
        let horizon = now.saturating_sub(RETENTION_MS);
        let expired =
            self.records.iter().take_while(|r| r.time_ms <= horizon).last().map_or(0, |r| r.counter);
        self.trimmed_through.max(expired)
    }

    /// The shards described at `now` (closed shards disappear 24 hours
    /// after closing once their records are trimmed).
    pub fn shards_at(&self, now: u64) -> impl Iterator<Item = &Shard> {
        let horizon = now.saturating_sub(RETENTION_MS);
        let trimmed = self.trimmed_through_at(now);
        let last = self.shards.len().saturating_sub(1);
        self.shards.iter().enumerate().filter_map(move |(i, s)| {
            let gone =
                i < last && s.closed_ms.is_some_and(|c| c <= horizon) && s.end.is_some_and(|e| e <= trimmed);
            (!gone).then_some(s)
        })
    }

    /// The shard with ordinal `n`.
    pub fn shard(&self, ordinal: u32) -> Option<&Shard> {
        self.shards.iter().find(|s| s.ordinal == ordinal)
    }

    /// The shard whose id is `id`, as described at `now`.
    pub fn shard_by_id(&self, id: &str, now: u64) -> Option<&Shard> {
        self.shards_at(now).find(|s| s.id(&self.head) == id)
    }

    /// Index in `records` of the first record with counter `>= c`.
    pub fn position(&self, c: u64) -> usize {
        // Counters are dense from the first retained record.
        match self.records.front() {
            Some(first) if c > first.counter => (c - first.counter).min(self.records.len() as u64) as usize,
            _ => 0,
        }
    }

    /// The retained records from index `from` on, in order: O(log n) to
    /// get there (`iter().skip(n)` would walk `n` records first).
    pub fn records_from(&self, from: usize) -> impl Iterator<Item = &Record> {
        let from = from.min(self.records.len());
        self.records.focus().narrow(from..).into_iter()
    }

    /// The keys of a record's item.
    pub fn keys(&self, r: &Record) -> Item {
        let image = r.new.as_ref().or(r.old.as_ref()).expect("a record keeps an image");
        image.item_where(|name| self.head.key.contains(name))
    }

    /// `SizeBytes`: the sizes (by DynamoDB's item-size rule) of the keys
    /// and of the images the view type shows, added up. (The service's
    /// documented examples: keys {Id: 101} plus the new image {Message:
    /// "New item!", Id: 101} give 26.)
    pub fn size_bytes(&self, r: &Record, keys: &Item) -> u64 {
        let keys: usize = keys.iter().map(|(n, v)| attribute_size(n, v)).sum();
        let view = self.head.view_type;
        let new = r.new.as_ref().filter(|_| view.keeps_new()).map_or(0, StoredItem::size);
        let old = r.old.as_ref().filter(|_| view.keeps_old()).map_or(0, StoredItem::size);
        (keys + new + old) as u64
    }

    /// The images a record shows: (new, old), by view type.
    pub fn images<'a>(&self, r: &'a Record) -> (Option<&'a StoredItem>, Option<&'a StoredItem>) {
        let view = self.head.view_type;
        (r.new.as_ref().filter(|_| view.keeps_new()), r.old.as_ref().filter(|_| view.keeps_old()))
    }
}

/// A table's streams: the enabled one and those disabled less than 24
/// hours ago.
#[derive(Clone, Debug, Default)]
pub struct TableStreams {
    /// The enabled stream.
    pub active: Option<StreamLog>,
    /// Disabled streams, oldest first.
    pub old: Vec<StreamLog>,
}

impl TableStreams {
    /// Records a change in the enabled stream, if any.
    pub fn record(&mut self, old: Option<&StoredItem>, new: Option<&StoredItem>, by_ttl: bool) {
        if let Some(active) = &mut self.active {
            active.record(old, new, by_ttl);
        }
    }

    /// Disables the enabled stream (if any) at `now`.
    pub fn disable(&mut self, now: u64) {
        if let Some(mut active) = self.active.take() {
            active.disable(now);
            self.old.push(active);
        }
    }

    /// Every stream, enabled first.
    pub fn all(&self) -> impl Iterator<Item = &StreamLog> {
        self.active.iter().chain(self.old.iter().rev())
    }

    /// Trims every stream at `now` and forgets disabled streams past retention.
    pub fn trim(&mut self, now: u64) {
        self.old.retain(|s| s.alive_at(now));
        self.old.iter_mut().chain(self.active.iter_mut()).for_each(|s| s.trim(now));
    }

    /// Whether [`TableStreams::trim`] at `now` would change anything.
    pub fn needs_trim(&self, now: u64) -> bool {
        self.old.iter().any(|s| !s.alive_at(now)) || self.all().any(|s| s.needs_trim(now))
    }
}

/// Brings a table's streams in line with its definition's stream setting
/// (`TableMeta::stream`, set by CreateTable and UpdateTable): enabling
/// opens a new stream, disabling closes the enabled one (readable for 24
/// hours). A new stream's label is the emulator's clock time, at least a
/// millisecond after the table's previous stream, so that a stream
/// re-enabled at once still gets a new ARN; the definition's label and
/// ARNs are set to it.
pub fn sync(table: &mut super::Table, settings: StreamSettings) {
    let wanted = table.def.meta.stream.clone();
    let active = table.streams().and_then(|s| s.active.as_ref()).map(|a| a.head.arn.clone());
    let now = now(&settings);
    match (wanted, active) {
        (Some(w), Some(a)) if w.arn == a => {}
        (None, None) => {}
        (None, Some(_)) => table.streams_mut().disable(now),
        (Some(w), _) => {
            table.streams_mut().disable(now);
            let after =
                table.streams().into_iter().flat_map(|s| s.all()).map(|s| s.head.created_ms + 1).max();
            let label = iso_label(now.max(after.unwrap_or(0)));
            let table_arn = table.def.meta.arn.clone();
            let arn = format!("{table_arn}/stream/{label}");
            let meta = &mut std::sync::Arc::make_mut(&mut table.def).meta;
            if let Some(m) = &mut meta.stream {
                m.label = label.clone();
                m.arn = arn.clone();
            }
            meta.latest_stream = Some((label.clone(), arn.clone()));
            let view = ViewType::parse(&w.view_type).unwrap_or(ViewType::KeysOnly);
            let log =
                StreamLog::new(arn, label, table.def.name.clone(), view, table.def.key.clone(), settings);
            table.streams_mut().active = Some(log);
        }
    }
}

/// A durable store's replay of a logged definition: brings the table's
/// streams in line with it as [`sync`] did when the definition was made,
/// under the ARN and label the definition holds (the commit's time, set by
/// the replay, stands for the clock).
pub fn replay(table: &mut super::Table, settings: &StreamSettings) {
    let wanted = table.def.meta.stream.clone();
    let active = table.streams().and_then(|s| s.active.as_ref()).map(|a| a.head.arn.clone());
    match (wanted, active) {
        (Some(w), Some(a)) if w.arn == a => {}
        (None, None) => {}
        (None, Some(_)) => table.streams_mut().disable(now(settings)),
        (Some(w), _) => {
            table.streams_mut().disable(now(settings));
            let view = ViewType::parse(&w.view_type).unwrap_or(ViewType::KeysOnly);
            let log = StreamLog::new(
                w.arn,
                w.label,
                table.def.name.clone(),
                view,
                table.def.key.clone(),
                settings.clone(),
            );
            table.streams_mut().active = Some(log);
        }
    }
}

/// After a durable restart: every table whose definition has an enabled
/// stream but no log for it (which the log and checkpoints always give it)
/// gets an empty log under the same ARN.
pub fn resume(db: &mut super::Db, settings: &StreamSettings) {
    let names: Vec<String> = db.table_names_after(None).cloned().collect();
    for name in names {
        let wanted = db.table(&name).and_then(|t| {
            let active = t.streams().and_then(|s| s.active.as_ref()).is_some();
            t.def.meta.stream.clone().filter(|_| !active)
        });
        let (Some(w), Some(table)) = (wanted, db.table_mut(&name)) else { continue };
        let view = ViewType::parse(&w.view_type).unwrap_or(ViewType::KeysOnly);
        let log = StreamLog::new(w.arn, w.label, name.clone(), view, table.def.key.clone(), settings.clone());
        table.streams_mut().active = Some(log);
    }
}

/// Disables a table's enabled stream as the table is deleted.
pub fn table_deleted(table: &mut super::Table) {
    if let Some(active) = table.streams().and_then(|s| s.active.as_ref()) {
        let now = active.now();
        table.streams_mut().disable(now);
    }
}

/// The time now for streams with `settings`: the running commit's (see
/// [`super::journal::at`]), else the clock's.
pub fn now(settings: &StreamSettings) -> u64 {
    super::journal::commit_time().unwrap_or_else(|| settings.clock.now_ms())
}

/// The time a label made by [`iso_label`] stands for.
pub fn label_ms(label: &str) -> Option<u64> {
    let b = label.as_bytes();
    if b.len() != 23 || [4, 7].iter().any(|&i| b[i] != b'-') || b[10] != b'T' || b[19] != b'.' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| label.get(r)?.parse::<u64>().ok();
    let days = crate::clock::days_from_civil(num(0..4)? as i64, num(5..7)? as i64, num(8..10)? as i64);
    let secs = u64::try_from(days).ok()? * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    Some(secs * 1000 + num(20..23)?)
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` (UTC) of `ms` since the epoch: a stream label.
pub fn iso_label(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = crate::clock::civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        ms % 1000
    )
}

/// The table name in a stream ARN
/// (`arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}`).
pub fn table_of_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, after) = rest.split_once(":table/")?;
    let (name, _) = after.rsplit_once("/stream/")?;
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::AttributeValue;
    use std::time::Duration;

    fn log(rollover_ms: u64) -> (StreamLog, Arc<Clock>) {
        let clock = Arc::new(Clock::manual(1_000_000));
        let key = KeySchema {
            hash: vec![super::super::schema::KeyAttr {
                name: "pk".into(),
                ty: super::super::schema::ScalarType::S,
            }],
            range: vec![],
        };
        let settings = StreamSettings { clock: clock.clone(), transition_ms: 0, rollover_ms };
        let arn = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/label".to_string();
        (StreamLog::new(arn, "label".into(), "t".into(), ViewType::NewAndOldImages, key, settings), clock)
    }

    fn item(pk: &str, v: u64) -> StoredItem {
        let item: Item = [
            ("pk".to_string(), AttributeValue::S(pk.into())),
            ("v".to_string(), AttributeValue::N(crate::value::Number::from_u64(v))),
        ]
        .into();
        StoredItem::new(&item)
    }

    #[test]
    fn records_changes_and_skips_no_ops() {
        let (mut s, _) = log(u64::MAX);
        let a = item("a", 1);
        s.record(None, Some(&a), false);
        s.record(Some(&a), Some(&item("a", 1)), false); // same bytes: nothing
        s.record(Some(&a), Some(&item("a", 2)), false);
        s.record(None, None, false);
        s.record(Some(&a), None, true);
        let events: Vec<_> = s.records.iter().map(|r| (r.counter, r.event, r.by_ttl)).collect();
        assert_eq!(
            events,
            vec![(1, EventName::Insert, false), (2, EventName::Modify, false), (3, EventName::Remove, true)]
        );
        // Images are shared, not copied.
        assert!(StoredItem::same(s.records[0].new.as_ref().unwrap(), &a));
        assert_eq!(s.shards[0].seq(1), "100000000000000000001");
        assert_eq!(s.shards[0].id(&s.head).len(), "shardId-00000001414562045508-2bac9cd2".len());
    }

    #[test]
    fn shards_roll_over_and_records_are_trimmed() {
        let (mut s, clock) = log(60_000);
        s.record(None, Some(&item("a", 1)), false);
        clock.advance(Duration::from_secs(61));
        s.record(None, Some(&item("b", 1)), false);
        assert_eq!(s.shards.len(), 2);
        assert_eq!(s.shards[0].end, Some(1));
        assert_eq!(s.shards[1].start, 2);
        assert!(s.shards[1].seq(2) > s.shards[0].seq(1));
        clock.advance(Duration::from_millis(RETENTION_MS - 61_000));
        // The first record is now 24 hours old: trimmed (logically at once).
        assert_eq!(s.trimmed_through_at(clock.now_ms()), 1);
        s.trim(clock.now_ms());
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.position(2), 0);
        clock.advance(Duration::from_secs(61));
        assert_eq!(s.shards_at(clock.now_ms()).count(), 1);
    }

    #[test]
    fn disabling_closes_the_shard_and_expires_after_a_day() {
        let (mut s, clock) = log(u64::MAX);
        s.record(None, Some(&item("a", 1)), false);
        s.disable(clock.now_ms());
        assert_eq!(s.shards[0].end, Some(1));
        assert_eq!(s.status_at(clock.now_ms()), StreamStatus::Disabled);
        assert!(s.alive_at(clock.now_ms() + RETENTION_MS - 1));
        assert!(!s.alive_at(clock.now_ms() + RETENTION_MS));
        assert_eq!(table_of_arn(&s.head.arn), Some("t"));
        for ms in [0, 1_414_562_045_508, 1_700_000_000_001] {
            assert_eq!(label_ms(&iso_label(ms)), Some(ms));
        }
        assert_eq!(label_ms("label"), None);
        // With a transition delay: ENABLING, then DISABLING, for that long.
        let (mut s, clock) = log(u64::MAX);
        Arc::get_mut(&mut s.head).unwrap().settings.transition_ms = 1_000;
        let t = clock.now_ms();
        assert_eq!(s.status_at(t), StreamStatus::Enabling);
        assert_eq!(s.status_at(t + 1_000), StreamStatus::Enabled);
        s.disable(t + 5_000);
        assert_eq!(s.status_at(t + 5_999), StreamStatus::Disabling);
        assert_eq!(s.status_at(t + 6_000), StreamStatus::Disabled);
    }
}
