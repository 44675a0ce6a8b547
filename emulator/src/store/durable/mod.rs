//! Durable mode: the database outlives the process.
//!
//! With a data directory, every committed write is appended to a
//! write-ahead log ([`wal`]) before it is acknowledged, as a physical
//! [`codec::Commit`] (the tables and items it changed). A checkpoint
//! ([`checkpoint`]) writes a whole database version, taken in O(1) as a
//! snapshot of the persistent maps, from a background thread while writers
//! go on; the log is cut into numbered segments so that a finished
//! checkpoint makes the segments before it unnecessary. Start-up loads the
//! newest checkpoint and replays the segments after it.
//!
//! Files in the directory:
//! - `LOCK`: held by the process using the directory ([`lock`]).
//! - `checkpoint-{seq}.ckp`: the database before log segment `seq`.
//! - `wal-{seq}.log`: commits made after checkpoint `seq` (and before the
//!   next segment began).
//!   The segment after the current one is made ahead of time, off the
//!   writer lock, so that a rotation is a pointer swap; until then it holds
//!   no record. Start-up removes empty segments at the end of the log (and
//!   makes the spare again), so restarts do not pile them up.
//!
//! Every file is versioned and every record checksummed ([`frame`]). A
//! torn tail, what a crash in the middle of an append leaves, is cut at the
//! last whole record with a warning; the process starts.

pub mod background;
pub mod checkpoint;
pub mod codec;
pub mod frame;
pub mod kept;
pub mod lock;
pub mod mapped;
pub mod wal;

use crate::clock::Clock;
use crate::store::journal::{TokenRecord, TOKEN_WINDOW_MS};
use crate::store::meta::TableStatus;
use crate::store::stream::StreamSettings;
use crate::store::{Db, TableDef};
use parking_lot::Mutex;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

pub use codec::{Commit, Job, TableChange};
pub use wal::{Lsn, SyncPolicy, Wal};

/// How a durable store behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// When appended records reach the disk.
    pub sync: SyncPolicy,
    /// A checkpoint starts once the log has grown by this many bytes.
    pub checkpoint_after_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { sync: SyncPolicy::default(), checkpoint_after_bytes: 64 << 20 }
    }
}

/// What start-up found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovery {
    /// The checkpoint loaded, if any.
    pub checkpoint: Option<u64>,
    /// Commits replayed from the log.
    pub replayed: usize,
    /// Bytes of torn or damaged log tail cut off.
    pub cut_bytes: u64,
}

/// An open data directory: the current log segment and the checkpoint
/// machinery. Shared by the store (which logs under its writer lock) and
/// the checkpoint thread.
#[derive(Debug)]
pub struct Durable {
    dir: PathBuf,
    _lock: lock::DirLock,
    options: Options,
    clock: Arc<Clock>,
    /// The segment being appended to, and its sequence number.
    wal: Mutex<(u64, Arc<Wal>)>,
    /// The next segment, made ahead of time off the writer lock (created,
    /// header written and fsynced, directory entry fsynced), so that a
    /// rotation under the lock only swaps a pointer.
    spare: Mutex<Option<(u64, Arc<Wal>)>>,
    /// The segment a rotation replaced: closed off the writer lock, by the
    /// checkpoint that follows.
    retired: Mutex<Option<Arc<Wal>>>,
    /// Log bytes appended since the last checkpoint began.
    since_checkpoint: AtomicU64,
    checkpointing: AtomicBool,
    /// The first failure to log: from then on no write is acknowledged.
    failed: Mutex<Option<String>>,
    /// Export and import records, oldest first, as the next checkpoint
    /// writes them (the service keeps its own, decoded, copy).
    jobs: Mutex<Vec<Job>>,
    /// Transactions' client tokens of the last ten minutes, likewise.
    tokens: Mutex<Vec<TokenRecord>>,
}

/// Adds `token` to `tokens` (replacing an earlier use of the same token)
/// and forgets those older than the window at its time.
fn keep_token(tokens: &mut Vec<TokenRecord>, token: TokenRecord) {
    let horizon = token.at_ms.saturating_sub(TOKEN_WINDOW_MS);
    tokens.retain(|t| t.at_ms > horizon && t.token != token.token);
    tokens.push(token);
}

/// Adds `job` to `jobs`, replacing the record with its ARN if there is one.
fn keep_job(jobs: &mut Vec<Job>, job: Job) {
    match jobs.iter_mut().find(|j| j.arn == job.arn) {
        Some(old) => *old = job,
        None => jobs.push(job),
    }
}

/// Whether a table is kept by checkpoints and logs: not once it is being
/// or has been deleted (a table still DELETING at a restart is gone).
pub fn keeps(def: &TableDef) -> bool {
    def.meta.lifecycle.phase != TableStatus::Deleting
}

impl Durable {
    /// Opens (creating if needed) the data directory `dir`: takes its lock,
    /// loads the newest checkpoint, replays the log after it, and returns
    /// the database to serve.
    pub fn open(
        dir: &Path,
        options: Options,
        streams: StreamSettings,
    ) -> io::Result<(Arc<Durable>, Db, Recovery)> {
        let clock = streams.clock.clone();
        std::fs::create_dir_all(dir)?;
        let lock = lock::DirLock::acquire(dir)?;
        let files = Files::list(dir)?;
        let mut recovery = Recovery::default();
        let mut jobs = Vec::new();
        let mut tokens = Vec::new();
        let (mut db, first_seq) = match files.checkpoints.last() {
            Some(&seq) => {
                let loaded = checkpoint::read(&checkpoint::path(dir, seq), &streams)?;
                recovery.checkpoint = Some(seq);
                jobs = loaded.jobs;
                tokens = loaded.tokens;
                (loaded.db, loaded.seq)
            }
            None => (Db::default(), 0),
        };
        let segments: Vec<u64> = files.segments.iter().copied().filter(|&s| s >= first_seq).collect();
        // Each segment read, with the length of its whole records.
        let mut seen: Vec<(u64, u64)> = Vec::new();
        for &seq in &segments {
            let path = segment_path(dir, seq);
            let bytes = std::fs::read(&path)?;
            if bytes.len() < frame::HEADER_LEN {
                // Created but its header never reached the disk.
                tracing::warn!(log = %path.display(), "a log segment without a header: starting it afresh");
                recovery.cut_bytes += bytes.len() as u64;
                seen.push((seq, 0));
                continue;
            }
            frame::check_header(&bytes, wal::MAGIC, "log")?;
            let (records, valid) = frame::records(&bytes[frame::HEADER_LEN..]);
            for payload in records {
                let commit = Commit::decode(payload)?;
                commit.apply(&mut db, &streams)?;
                for change in commit.tables {
                    match change {
                        TableChange::Job(job) => keep_job(&mut jobs, job),
                        TableChange::Token(token) => keep_token(&mut tokens, token),
                        _ => {}
                    }
                }
                recovery.replayed += 1;
            }
            let valid_len = frame::HEADER_LEN + valid;
            // Past the records: space the log had reserved (zeros; the
            // process stopped without cutting it back), or a torn record.
            let torn = frame::torn_len(&bytes[valid_len..]) as u64;
            if torn > 0 {
                tracing::warn!(log = %path.display(), cut_bytes = torn, "the log ends in a torn record: cut at the last whole one");
                recovery.cut_bytes += torn;
            }
            let valid = valid_len as u64;
            seen.push((seq, valid));
        }
        // Empty segments at the end (spares made ahead of time, or made by a
        // rotation that nothing followed) are as if absent: appends go on in
        // the last segment with records, and the spare is made again.
        while let Some(&(seq, len)) = seen.last() {
            if len > frame::HEADER_LEN as u64 || seq <= first_seq {
                break;
            }
            std::fs::remove_file(segment_path(dir, seq))?;
            seen.pop();
        }
        let last = seen.last().copied();
        let (seq, wal) = match last {
            Some((seq, len)) if len >= frame::HEADER_LEN as u64 => {
                (seq, Wal::open_at(&segment_path(dir, seq), len, options.sync)?)
            }
            Some((seq, _)) => (seq, Wal::create(&segment_path(dir, seq), options.sync)?),
            None => (first_seq, Wal::create(&segment_path(dir, first_seq), options.sync)?),
        };
        files.remove_before(dir, first_seq);
        db.start_histories(clock.now_ms());
        db.trim_streams(clock.now_ms());
        let durable = Arc::new(Durable {
            dir: dir.to_path_buf(),
            _lock: lock,
            options,
            clock,
            wal: Mutex::new((seq, wal)),
            spare: Mutex::new(None),
            retired: Mutex::new(None),
            since_checkpoint: AtomicU64::new(0),
            checkpointing: AtomicBool::new(false),
            failed: Mutex::new(None),
            jobs: Mutex::new(jobs),
            tokens: Mutex::new(tokens),
        });
        durable.prepare_spare();
        Ok((durable, db, recovery))
    }

    /// Makes the segment after the current one, if it is not there yet
    /// (off the writer lock: at start-up and after each rotation, on the
    /// checkpoint's thread). A failure only means the next rotation
    /// creates its segment itself.
    ///
    /// The spare's lock is held throughout, and [`Durable::rotate`] takes it
    /// before the current segment's (the same order): a rotation cannot
    /// make its own segment `next` while this one is creating it (which
    /// would leave two logs on one file).
    fn prepare_spare(&self) {
        let mut spare = self.spare.lock();
        let next = self.wal.lock().0 + 1;
        if spare.as_ref().is_some_and(|(seq, _)| *seq == next) {
            return;
        }
        match Wal::create_spare(&segment_path(&self.dir, next), self.options.sync) {
            Ok(wal) => *spare = Some((next, wal)),
            Err(e) => tracing::warn!(error = %e, "could not make the next log segment ahead of time"),
        }
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The export and import records kept (kind and JSON), oldest first.
    pub fn jobs(&self) -> Vec<(u8, Vec<u8>)> {
        self.jobs.lock().iter().map(|j| (j.kind, j.json.clone())).collect()
    }

    /// The transactions' client tokens kept (the service drops those past
    /// their ten minutes when it next looks).
    pub fn tokens(&self) -> Vec<TokenRecord> {
        self.tokens.lock().clone()
    }

    /// Logs an export or import record (call under the store's writer
    /// lock, like [`Durable::log`]).
    pub fn log_job(&self, at_ms: u64, job: Job) -> io::Result<Option<(Arc<Wal>, Lsn)>> {
        keep_job(&mut self.jobs.lock(), job.clone());
        self.log(at_ms, vec![TableChange::Job(job)], Vec::new())
    }

    /// Logs `commit` (call under the store's writer lock, after the write
    /// succeeded and before it is published or acknowledged). Returns the
    /// segment and position to wait on with [`Durable::wait`].
    pub fn log(
        &self,
        at_ms: u64,
        tables: Vec<TableChange>,
        items: Vec<crate::store::journal::ItemChange>,
    ) -> io::Result<Option<(Arc<Wal>, Lsn)>> {
        if let Some(e) = &*self.failed.lock() {
            return Err(io::Error::other(e.clone()));
        }
        for change in &tables {
            if let TableChange::Token(token) = change {
                keep_token(&mut self.tokens.lock(), token.clone());
            }
        }
        let commit = Commit { at_ms, tables, items };
        if commit.is_empty() {
            return Ok(None);
        }
        let record = commit.encode_framed();
        drop(commit);
        let wal = self.wal.lock().1.clone();
        match wal.append_framed(&record) {
            Ok(lsn) => {
                self.since_checkpoint.fetch_add(record.len() as u64, Ordering::Relaxed);
                Ok(Some((wal, lsn)))
            }
            Err(e) => {
                let msg = format!("appending to the write-ahead log {} failed: {e}", wal.path().display());
                tracing::error!("{msg}; no further write will be accepted");
                *self.failed.lock() = Some(msg.clone());
                Err(io::Error::other(msg))
            }
        }
    }

    /// Marks the log failed after a write that could not be logged was
    /// already visible: from then on writes are refused.
    pub fn fail(&self, why: String) {
        self.failed.lock().get_or_insert(why);
    }

    /// Waits until a logged commit is as durable as the sync policy
    /// promises (call outside the store's writer lock).
    pub fn wait(&self, at: Option<(Arc<Wal>, Lsn)>) -> io::Result<()> {
        match at {
            Some((wal, lsn)) => wal.wait_durable(lsn),
            None => Ok(()),
        }
    }

    /// Whether enough has been logged since the last checkpoint that a new
    /// one should start (and none is running). Claims the checkpoint: the
    /// caller must then run [`Durable::rotate`] and
    /// [`Durable::write_checkpoint`].
    pub fn claim_checkpoint(&self, force: bool) -> bool {
        (force || self.since_checkpoint.load(Ordering::Relaxed) >= self.options.checkpoint_after_bytes)
            && self.checkpointing.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }

    /// Starts a new log segment (call under the store's writer lock, with
    /// the snapshot the checkpoint will write taken under the same lock).
    /// Returns the new segment's number: the checkpoint's.
    /// The segment is normally the spare made ahead of time, already on
    /// disk: the rotation is a pointer swap.
    pub fn rotate(&self) -> io::Result<u64> {
        // Spare before current, as in `prepare_spare`.
        let mut spare = self.spare.lock();
        let mut current = self.wal.lock();
        let seq = current.0 + 1;
        let wal = match spare.take() {
            Some((spare, wal)) if spare == seq => wal,
            _ => Wal::create_unsynced(&segment_path(&self.dir, seq), self.options.sync)?,
        };
        let old = std::mem::replace(&mut *current, (seq, wal));
        // Closing its file is a system call: not under the writer lock.
        *self.retired.lock() = Some(old.1);
        self.since_checkpoint.store(0, Ordering::Relaxed);
        Ok(seq)
    }

    /// Writes checkpoint `seq` from `db` (the version at the rotation) and
    /// removes the files it makes unnecessary. Runs off the writer lock.
    /// With `in_background`, the encoding and writing run at the lowest
    /// CPU priority ([`background`]): only on a thread of its own, which
    /// it keeps; everything that takes a lock writers also take (the
    /// spare, records and tokens) is done before, at the thread's own
    /// priority, and so is the spare's sync thread, which inherits it.
    pub fn write_checkpoint(&self, seq: u64, db: &Db, in_background: bool) -> io::Result<()> {
        // However this ends (an error, a panic), the next checkpoint may run.
        struct Release<'a>(&'a AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _release = Release(&self.checkpointing);
        drop(self.retired.lock().take());
        self.prepare_spare();
        // Records made since the rotation are in the checkpoint and in the
        // log after it: recovery keeps one per ARN.
        let jobs = self.jobs.lock().clone();
        let tokens = self.tokens.lock().clone();
        if in_background {
            background::lower_priority();
        }
        checkpoint::write(&self.dir, seq, self.clock.now_ms(), db, &jobs, &tokens).and_then(|_| {
            Files::list(&self.dir)?.remove_before(&self.dir, seq);
            Ok(())
        })
    }

    /// Gives up a claimed checkpoint (the rotation failed).
    pub fn release_checkpoint(&self) {
        self.checkpointing.store(false, Ordering::Release);
    }
}

fn segment_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("wal-{seq:020}.log"))
}

/// The numbered files of a data directory.
#[derive(Debug, Default)]
struct Files {
    checkpoints: Vec<u64>,
    segments: Vec<u64>,
    temporary: Vec<PathBuf>,
}

impl Files {
    fn list(dir: &Path) -> io::Result<Files> {
        let mut files = Files::default();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let number = |prefix: &str, suffix: &str| {
                name.strip_prefix(prefix)?.strip_suffix(suffix)?.parse::<u64>().ok()
            };
            if let Some(seq) = number("checkpoint-", ".ckp") {
                files.checkpoints.push(seq);
            } else if let Some(seq) = number("wal-", ".log") {
                files.segments.push(seq);
            } else if number("checkpoint-", ".tmp").is_some() {
                files.temporary.push(entry.path());
            }
        }
        files.checkpoints.sort_unstable();
        files.segments.sort_unstable();
        Ok(files)
    }

    /// Removes what checkpoint `seq` makes unnecessary: older checkpoints,
    /// older log segments, unfinished checkpoint files.
    fn remove_before(&self, dir: &Path, seq: u64) {
        let old = self.checkpoints.iter().filter(|&&s| s < seq).map(|&s| checkpoint::path(dir, s));
        let logs = self.segments.iter().filter(|&&s| s < seq).map(|&s| segment_path(dir, s));
        for path in old.chain(logs).chain(self.temporary.iter().cloned()) {
            if let Err(e) = std::fs::remove_file(&path) {
                tracing::warn!(file = %path.display(), error = %e, "could not remove a file the checkpoint replaced");
            }
        }
    }
}
