//! The write-ahead log: committed changes appended in commit order, made
//! durable according to the [`SyncPolicy`].
//!
//! Appends happen under the store's writer lock (so the log order is the
//! commit order) and are one `write` system call each: once it returns,
//! the record is in the operating system's page cache and survives the
//! process being killed. What survives a power loss depends on the policy:
//!
//! - `Always`: the writer waits, after leaving the store's lock, until an
//!   fsync covering its record has finished. Concurrent writers share
//!   fsyncs (group commit): whoever finds no sync running starts one that
//!   covers every record appended so far, the others wait for it.
//! - `Batch`: a background thread fsyncs every interval when something was
//!   appended since the last sync.
//! - `Never`: the operating system writes back when it likes.

use super::frame;
use parking_lot::{Condvar, Mutex};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The log file's kind.
pub const MAGIC: &[u8; 8] = b"DDB-WAL\n";

/// When appended records are forced to stable storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncPolicy {
    /// fsync before acknowledging (group commit).
    Always,
    /// fsync at least every this often.
    Batch(Duration),
    /// Leave it to the operating system.
    Never,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy::Batch(Duration::from_millis(10))
    }
}

impl SyncPolicy {
    /// Parses `always`, `batch` or `never` (the command line's spelling).
    pub fn parse(s: &str) -> Option<SyncPolicy> {
        match s {
            "always" => Some(SyncPolicy::Always),
            "batch" => Some(SyncPolicy::default()),
            "never" => Some(SyncPolicy::Never),
            _ => None,
        }
    }
}

/// Where the log stands: bytes appended and bytes known to be on disk.
#[derive(Debug, Default)]
struct Progress {
    appended: u64,
    synced: u64,
    syncing: bool,
    /// The first fsync failure: from then on nothing is acknowledged as
    /// durable (the page cache may have dropped the data).
    failed: Option<String>,
}

/// An open log file.
#[derive(Debug)]
pub struct Wal {
    path: PathBuf,
    file: Mutex<File>,
    progress: Mutex<Progress>,
    synced: Condvar,
    policy: SyncPolicy,
    /// A segment made by a rotation: its directory entry is not on disk
    /// yet; the first fsync makes it so (off the store's writer lock).
    dir_pending: std::sync::atomic::AtomicBool,
}

/// A position in the log that a writer may wait on ([`Wal::wait_durable`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lsn(u64);

impl Wal {
    /// Creates a new, empty log at `path` (replacing any file there).
    pub fn create(path: &Path, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let mut file = OpenOptions::new().create(true).write(true).truncate(true).open(path)?;
        file.write_all(&frame::header(MAGIC))?;
        file.sync_all()?;
        sync_dir(path)?;
        Ok(Self::with_file(path, file, frame::HEADER_LEN as u64, policy))
    }

    /// Creates the next segment at a rotation, under the store's writer
    /// lock: no fsync here (writers would wait for it). The header and the
    /// directory entry reach the disk with the segment's first fsync, which
    /// precedes any acknowledgement that promises the disk (`Always`).
    pub fn create_unsynced(path: &Path, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let mut file = OpenOptions::new().create(true).write(true).truncate(true).open(path)?;
        file.write_all(&frame::header(MAGIC))?;
        let wal = Self::with_file(path, file, frame::HEADER_LEN as u64, policy);
        wal.progress.lock().synced = 0;
        wal.dir_pending.store(true, std::sync::atomic::Ordering::Release);
        Ok(wal)
    }

    /// Makes a segment ahead of time, off the writer lock: created,
    /// header written, file and directory fsynced. Until a rotation makes
    /// it the current segment it holds no record, and recovery treats an
    /// empty last segment as absent.
    pub fn create_spare(path: &Path, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        Self::create(path, policy)
    }

    /// Opens an existing log for appending after its `len` valid bytes
    /// (recovery has read it and cut any torn tail).
    pub fn open_at(path: &Path, len: u64, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let file = OpenOptions::new().write(true).open(path)?;
        file.set_len(len)?;
        file.sync_all()?;
        let mut file = file;
        use std::io::Seek;
        file.seek(io::SeekFrom::Start(len))?;
        Ok(Self::with_file(path, file, len, policy))
    }

    fn with_file(path: &Path, file: File, len: u64, policy: SyncPolicy) -> Arc<Wal> {
        let wal = Arc::new(Wal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            progress: Mutex::new(Progress { appended: len, synced: len, ..Progress::default() }),
            synced: Condvar::new(),
            policy,
            dir_pending: std::sync::atomic::AtomicBool::new(false),
        });
        if let SyncPolicy::Batch(every) = policy {
            let weak = Arc::downgrade(&wal);
            std::thread::Builder::new()
                .name("ddb-wal-sync".into())
                .spawn(move || {
                    while let Some(wal) = weak.upgrade() {
                        wal.sync_if_behind();
                        drop(wal);
                        std::thread::sleep(every);
                    }
                })
                .expect("spawn the log's sync thread");
        }
        wal
    }

    /// The log's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record. Call under the store's writer lock, so that the
    /// log order is the commit order. On error nothing may be acknowledged.
    pub fn append(&self, payload: &[u8]) -> io::Result<Lsn> {
        let mut buf = Vec::with_capacity(frame::RECORD_HEADER_LEN + payload.len());
        frame::put_record(&mut buf, payload);
        self.append_framed(&buf)
    }

    /// Appends a record already framed (see [`frame::seal_record`]).
    pub fn append_framed(&self, record: &[u8]) -> io::Result<Lsn> {
        let mut file = self.file.lock();
        file.write_all(record)?;
        let mut p = self.progress.lock();
        p.appended += record.len() as u64;
        Ok(Lsn(p.appended))
    }

    /// Bytes appended so far (header included).
    pub fn len(&self) -> u64 {
        self.progress.lock().appended
    }

    /// Whether the log holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() <= frame::HEADER_LEN as u64
    }

    /// Returns once `lsn` is as durable as the policy promises: on disk for
    /// `Always`, immediately otherwise (the record is already in the page
    /// cache). Call outside the store's writer lock.
    pub fn wait_durable(&self, lsn: Lsn) -> io::Result<()> {
        if self.policy != SyncPolicy::Always {
            return Ok(());
        }
        let mut p = self.progress.lock();
        loop {
            if let Some(e) = &p.failed {
                return Err(io::Error::other(e.clone()));
            }
            if p.synced >= lsn.0 {
                return Ok(());
            }
            if p.syncing {
                self.synced.wait(&mut p);
                continue;
            }
            // Lead a group: one fsync covers every record appended so far.
            p.syncing = true;
            let target = p.appended;
            drop(p);
            let result = self.fsync();
            p = self.progress.lock();
            p.syncing = false;
            match result {
                Ok(()) => p.synced = p.synced.max(target),
                Err(e) => p.failed = Some(format!("fsync of {} failed: {e}", self.path.display())),
            }
            self.synced.notify_all();
        }
    }

    /// Forces everything appended so far to disk.
    pub fn sync(&self) -> io::Result<()> {
        let target = self.progress.lock().appended;
        self.fsync()?;
        let mut p = self.progress.lock();
        p.synced = p.synced.max(target);
        Ok(())
    }

    fn sync_if_behind(&self) {
        let behind = {
            let p = self.progress.lock();
            p.synced < p.appended && !p.syncing
        };
        if behind {
            if let Err(e) = self.sync() {
                tracing::error!(log = %self.path.display(), error = %e, "fsync of the write-ahead log failed");
            }
        }
    }

    fn fsync(&self) -> io::Result<()> {
        // A clone of the descriptor: appends go on while the disk syncs.
        let file = self.file.lock().try_clone()?;
        file.sync_data()?;
        if self.dir_pending.swap(false, std::sync::atomic::Ordering::AcqRel) {
            if let Err(e) = sync_dir(&self.path) {
                self.dir_pending.store(true, std::sync::atomic::Ordering::Release);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Makes a file's creation or rename durable: fsync its directory.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("ddb-wal-{}-{}", std::process::id(), fastrand::u64(..)));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn appended_records_read_back_in_order() {
        let d = dir();
        let path = d.join("wal");
        let wal = Wal::create(&path, SyncPolicy::Always).unwrap();
        for i in 0..5u8 {
            let lsn = wal.append(&[i; 3]).unwrap();
            wal.wait_durable(lsn).unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        frame::check_header(&bytes, MAGIC, "log").unwrap();
        let (recs, len) = frame::records(&bytes[frame::HEADER_LEN..]);
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[4], &[4, 4, 4]);
        assert_eq!((frame::HEADER_LEN + len) as u64, wal.len());
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn concurrent_writers_share_fsyncs_and_all_become_durable() {
        let d = dir();
        let wal = Wal::create(&d.join("wal"), SyncPolicy::Always).unwrap();
        std::thread::scope(|s| {
            for t in 0..4u8 {
                let wal = &wal;
                s.spawn(move || {
                    for _ in 0..50 {
                        let lsn = wal.append(&[t; 16]).unwrap();
                        wal.wait_durable(lsn).unwrap();
                        assert!(wal.progress.lock().synced >= lsn.0);
                    }
                });
            }
        });
        assert_eq!(wal.len(), (frame::HEADER_LEN + 200 * (8 + 16)) as u64);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn reopening_appends_after_the_valid_prefix() {
        let d = dir();
        let path = d.join("wal");
        let wal = Wal::create(&path, SyncPolicy::Never).unwrap();
        wal.append(b"kept").unwrap();
        let valid = wal.len();
        wal.append(b"torn").unwrap();
        drop(wal);
        let wal = Wal::open_at(&path, valid, SyncPolicy::Never).unwrap();
        wal.append(b"next").unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let (recs, _) = frame::records(&bytes[frame::HEADER_LEN..]);
        assert_eq!(recs, vec![&b"kept"[..], b"next"]);
        std::fs::remove_dir_all(d).unwrap();
    }
}
