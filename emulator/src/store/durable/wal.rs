//! The write-ahead log: committed changes appended in commit order, made
//! durable according to the [`SyncPolicy`].
//!
//! Appends happen under the store's writer lock (so the log order is the
//! commit order). A record is copied into a mapped window of the file
//! ([`super::mapped`]), or, when it does not fit one or mapping is not
//! available, written with one `write` system call: either way, once the
//! append returns the record is in the operating system's page cache and
//! survives the process being killed. The file is therefore longer than
//! its records while the log is open (the window reserved ahead, zeros);
//! closing it cuts it back. What survives a power loss depends on the
//! policy:
//!
//! - `Always`: the writer waits, after leaving the store's lock, until an
//!   fsync covering its record has finished. Concurrent writers share
//!   fsyncs (group commit): whoever finds no sync running starts one that
//!   covers every record appended so far, the others wait for it.
//! - `Batch`: a background thread fsyncs every interval when something was
//!   appended since the last sync.
//! - `Never`: the operating system writes back when it likes.

use super::frame;
use super::mapped::{Window, WINDOW};
use parking_lot::{Condvar, Mutex};
use std::fs::{File, OpenOptions};
use std::io;
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

/// The file being appended to.
#[derive(Debug)]
struct Log {
    file: File,
    /// Where the next record goes: the length of the header and records.
    end: u64,
    /// The mapped part of the file records are copied into.
    window: Option<Window>,
    /// Whether to map windows (off after a failure: writes from then on).
    mapping: bool,
    /// Whether this log has appended a record: only then does closing it
    /// cut the file back (a spare that never became the current segment
    /// leaves its file alone).
    appended: bool,
}

impl Log {
    /// Appends `record` at `end`: a copy into the window when it fits one
    /// (mapping the next window when the record starts past this one), a
    /// `write` otherwise.
    fn append(&mut self, record: &[u8]) -> io::Result<()> {
        let at = self.end;
        if !self.copy_into_window(at, record) {
            write_all_at(&self.file, record, at)?;
        }
        self.end += record.len() as u64;
        self.appended = true;
        Ok(())
    }

    fn copy_into_window(&mut self, at: u64, record: &[u8]) -> bool {
        if let Some(window) = &mut self.window {
            if window.write_at(at, record) {
                return true;
            }
        }
        // A record of more than half a window is written: mapping a window
        // for it would leave most of the window unused.
        if !self.mapping || record.len() > WINDOW / 2 {
            return false;
        }
        self.map_window_at(at) && self.window.as_mut().is_some_and(|w| w.write_at(at, record))
    }

    /// Maps the window holding offset `at` (replacing the current one).
    fn map_window_at(&mut self, at: u64) -> bool {
        let start = at - at % Window::page_size();
        self.window = None;
        match Window::map(&self.file, start) {
            Ok(window) => {
                self.window = Some(window);
                true
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Unsupported {
                    tracing::warn!(error = %e, "could not map the write-ahead log; appending with writes");
                }
                self.mapping = false;
                false
            }
        }
    }
}

/// Writes all of `bytes` at file offset `at`.
fn write_all_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.write_all_at(bytes, at)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, bytes, at);
        Err(io::Error::new(io::ErrorKind::Unsupported, "positioned writes are not available on this system"))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let (mut bytes, mut at) = (bytes, at);
        while !bytes.is_empty() {
            let n = file.seek_write(bytes, at)?;
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            bytes = &bytes[n..];
            at += n as u64;
        }
        Ok(())
    }
}

/// An open log file.
#[derive(Debug)]
pub struct Wal {
    path: PathBuf,
    log: Mutex<Log>,
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
        let file = open_new(path)?;
        file.sync_all()?;
        sync_dir(path)?;
        Ok(Self::with_file(path, file, frame::HEADER_LEN as u64, policy))
    }

    /// Creates the next segment at a rotation, under the store's writer
    /// lock: no fsync here (writers would wait for it). The header and the
    /// directory entry reach the disk with the segment's first fsync, which
    /// precedes any acknowledgement that promises the disk (`Always`).
    pub fn create_unsynced(path: &Path, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let file = open_new(path)?;
        let wal = Self::with_file(path, file, frame::HEADER_LEN as u64, policy);
        wal.progress.lock().synced = 0;
        wal.dir_pending.store(true, std::sync::atomic::Ordering::Release);
        Ok(wal)
    }

    /// Makes a segment ahead of time, off the writer lock: created,
    /// header written, file and directory fsynced. Until a rotation makes
    /// it the current segment it holds no record, and recovery treats an
    /// empty last segment as absent.
    /// Its first window is mapped here too, so that the rotation's first
    /// append is a copy.
    pub fn create_spare(path: &Path, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let wal = Self::create(path, policy)?;
        let mut log = wal.log.lock();
        let end = log.end;
        log.map_window_at(end);
        drop(log);
        Ok(wal)
    }

    /// Opens an existing log for appending after its `len` valid bytes
    /// (recovery has read it and cut any torn tail).
    pub fn open_at(path: &Path, len: u64, policy: SyncPolicy) -> io::Result<Arc<Wal>> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        file.set_len(len)?;
        file.sync_all()?;
        Ok(Self::with_file(path, file, len, policy))
    }

    fn with_file(path: &Path, file: File, len: u64, policy: SyncPolicy) -> Arc<Wal> {
        let wal = Arc::new(Wal {
            path: path.to_path_buf(),
            // With `Always` every commit waits for a fsync anyway; the log
            // writes there (see `mapped` for why mapping is avoided where
            // it saves little).
            log: Mutex::new(Log {
                file,
                end: len,
                window: None,
                mapping: policy != SyncPolicy::Always,
                appended: false,
            }),
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
        if record.len() <= frame::RECORD_HEADER_LEN {
            // A zero length ends the records when the log is read back.
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "an empty record cannot be logged"));
        }
        let mut log = self.log.lock();
        log.append(record)?;
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
        let file = self.log.lock().file.try_clone()?;
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

impl Drop for Wal {
    /// Cuts the file back to its records: the window reserved past them
    /// is not kept on disk. (After a crash it is: recovery reads it as
    /// zeros after the last record and cuts it then. A spare that holds no
    /// record is left as it is: start-up removes empty segments at the end.)
    fn drop(&mut self) {
        let log = self.log.get_mut();
        log.window = None;
        if !log.appended {
            return;
        }
        if let Err(e) = log.file.set_len(log.end) {
            tracing::warn!(log = %self.path.display(), error = %e, "could not cut the log back to its records");
        }
    }
}

/// Creates (or empties) the file at `path` and writes the log's header.
fn open_new(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().create(true).read(true).write(true).truncate(true).open(path)?;
    write_all_at(&file, &frame::header(MAGIC), 0)?;
    Ok(file)
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

    /// Records of every size across several windows, some copied into a
    /// mapping and some written; read back while the log is open (the
    /// file then has reserved zeros after them, as after a crash) and
    /// after it is closed (cut back to its records).
    #[test]
    fn records_cross_windows_and_read_back_open_and_closed() {
        let d = dir();
        let path = d.join("wal");
        let wal = Wal::create(&path, SyncPolicy::Never).unwrap();
        let mut expected = Vec::new();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut total = 0;
        while total < 3 * WINDOW {
            // Mostly small, sometimes larger than half a window (written).
            let len = if rng.u8(..) < 4 { WINDOW / 2 + rng.usize(..100_000) } else { 1 + rng.usize(..3000) };
            let payload: Vec<u8> = (0..len).map(|_| rng.u8(1..)).collect();
            total += len + frame::RECORD_HEADER_LEN;
            wal.append(&payload).unwrap();
            expected.push(payload);
        }
        // A small record last: copied into a window, whatever came before.
        wal.append(b"last").unwrap();
        expected.push(b"last".to_vec());
        let wal_len = wal.len();
        let check = |bytes: &[u8]| {
            frame::check_header(bytes, MAGIC, "log").unwrap();
            let (recs, len) = frame::records(&bytes[frame::HEADER_LEN..]);
            assert_eq!(recs.len(), expected.len());
            assert!(recs.iter().zip(&expected).all(|(a, b)| a == b));
            assert_eq!((frame::HEADER_LEN + len) as u64, wal_len);
            assert_eq!(frame::torn_len(&bytes[frame::HEADER_LEN + len..]), 0);
        };
        let open = std::fs::read(&path).unwrap();
        check(&open);
        if crate::store::durable::mapped::used_in(&d) {
            assert!(open.len() as u64 > wal_len, "a window is reserved past the records");
        }
        drop(wal);
        let closed = std::fs::read(&path).unwrap();
        assert_eq!(closed.len() as u64, wal_len, "closing cuts the reserved space");
        check(&closed);
        std::fs::remove_dir_all(d).unwrap();
    }

    /// What a crash leaves (records, then reserved zeros, then maybe a torn
    /// record) reopens after its whole records and appends go on there.
    #[test]
    fn a_log_left_open_reopens_after_its_records() {
        let d = dir();
        let path = d.join("wal");
        let wal = Wal::create(&path, SyncPolicy::Never).unwrap();
        wal.append(b"kept").unwrap();
        let valid = wal.len();
        // The file as a killed process leaves it: read while still open.
        let mut crashed = std::fs::read(&path).unwrap();
        drop(wal);
        let (_, len) = frame::records(&crashed[frame::HEADER_LEN..]);
        assert_eq!((frame::HEADER_LEN + len) as u64, valid);
        // A torn record in the reserved space.
        crashed[valid as usize..valid as usize + 4].copy_from_slice(&100u32.to_le_bytes());
        crashed[valid as usize + 20] = 1;
        assert_eq!(frame::torn_len(&crashed[valid as usize..]), 21);
        std::fs::write(&path, &crashed).unwrap();
        let wal = Wal::open_at(&path, valid, SyncPolicy::Never).unwrap();
        wal.append(b"next").unwrap();
        drop(wal);
        let bytes = std::fs::read(&path).unwrap();
        let (recs, len) = frame::records(&bytes[frame::HEADER_LEN..]);
        assert_eq!(recs, vec![&b"kept"[..], b"next"]);
        assert_eq!(frame::HEADER_LEN + len, bytes.len());
        std::fs::remove_dir_all(d).unwrap();
    }

    /// A log that never appended leaves its file alone when it closes:
    /// were a stale spare ever closed after another log took its file
    /// over, cutting the file back would remove that log's records.
    #[test]
    fn closing_a_log_that_never_appended_leaves_the_file_alone() {
        let d = dir();
        let path = d.join("wal");
        let spare = Wal::create_spare(&path, SyncPolicy::Never).unwrap();
        let current = Wal::create_unsynced(&path, SyncPolicy::Never).unwrap();
        for i in 0..100u8 {
            current.append(&[i; 40]).unwrap();
        }
        drop(spare);
        current.append(b"after").unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let (recs, _) = frame::records(&bytes[frame::HEADER_LEN..]);
        assert_eq!(recs.len(), 101);
        drop(current);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn an_empty_record_is_refused() {
        let d = dir();
        let wal = Wal::create(&d.join("wal"), SyncPolicy::Never).unwrap();
        assert_eq!(wal.append(b"").unwrap_err().kind(), io::ErrorKind::InvalidInput);
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
