//! A window of a log segment mapped into memory, so that appending a
//! record is a copy rather than a system call.
//!
//! A record copied into a shared file mapping is in the operating system's
//! page cache the moment the copy ends, exactly as after a `write`: it
//! survives the process being killed, and an fsync of the file writes it
//! to disk. What it saves is the system call per commit: about 1 µs on
//! this machine's ext4 (BENCHMARKS.md, "Durable mode"), more than the rest
//! of the log's cost per put.
//!
//! A write through a mapping cannot return an error: where a `write`
//! would fail (no room on the disk, an I/O error, a file system gone
//! read-only), the process is killed with SIGBUS instead. So a window is
//! only mapped where that is as unlikely as it can be made:
//! - its file range is first reserved with `fallocate`, so the disk has
//!   room for every byte of it;
//! - only on file systems where such a reservation holds for overwrites
//!   (ext4, XFS, tmpfs; not copy-on-write ones such as btrfs, where
//!   rewriting a block needs new space);
//! - not with `--sync always` (the log writes there: a fsync per commit
//!   costs far more than the system call the mapping saves).
//!
//! Nothing acknowledged is lost either way (a record is acknowledged after
//! its copy ends), but on a failing disk the process stops instead of
//! refusing writes. If the reservation or the mapping fails, the log goes
//! on with `write`s.
//!
//! The reserved range reads back as zeros past the last record; a record
//! header of zeros ends the log's records ([`super::frame::records`]) and
//! recovery tells such padding from a torn record by whether any byte of
//! it is not zero.
//!
//! Linux only; elsewhere [`Window::map`] always fails and the log writes.

use std::fs::File;
use std::io;

/// The length of a mapped window (a multiple of any page size).
pub const WINDOW: usize = 4 << 20;

/// Part of a file, mapped shared and writable.
#[derive(Debug)]
pub struct Window {
    ptr: *mut u8,
    /// The file offset the mapping starts at (page-aligned).
    start: u64,
    len: usize,
}

// SAFETY: the mapping is plain memory owned by this value; the log reaches
// it only under its own mutex.
unsafe impl Send for Window {}
unsafe impl Sync for Window {}

impl Window {
    /// Reserves `[start, start + WINDOW)` of `file` (extending it) and maps
    /// that range. `start` must be a multiple of the page size.
    #[cfg(target_os = "linux")]
    pub fn map(file: &File, start: u64) -> io::Result<Window> {
        use std::os::unix::io::AsRawFd;
        let fd = file.as_raw_fd();
        let too_far = |_| io::Error::new(io::ErrorKind::Unsupported, "log offset beyond this system's off_t");
        let offset = libc::off_t::try_from(start).map_err(too_far)?;
        libc::off_t::try_from(start + WINDOW as u64).map_err(too_far)?;
        if !reservations_hold(fd) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a file system where fallocate does not reserve overwrites",
            ));
        }
        // SAFETY: fallocate and mmap take a descriptor we own and integers;
        // the result is checked before the pointer is used.
        unsafe {
            let rc = libc::fallocate(fd, 0, offset, WINDOW as libc::off_t);
            if rc != 0 {
                return Err(io::Error::last_os_error());
            }
            let ptr = libc::mmap(
                std::ptr::null_mut(),
                WINDOW,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                offset,
            );
            if ptr == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            Ok(Window { ptr: ptr.cast(), start, len: WINDOW })
        }
    }

    /// Mapping is not offered here: the log writes.
    #[cfg(not(target_os = "linux"))]
    pub fn map(_file: &File, _start: u64) -> io::Result<Window> {
        Err(io::Error::new(io::ErrorKind::Unsupported, "no mapped log on this system"))
    }

    /// Copies `bytes` to file offset `at` if that range lies inside the
    /// window; returns whether it did.
    pub fn write_at(&mut self, at: u64, bytes: &[u8]) -> bool {
        let Some(offset) = at.checked_sub(self.start) else { return false };
        let Ok(offset) = usize::try_from(offset) else { return false };
        if offset.checked_add(bytes.len()).is_none_or(|end| end > self.len) {
            return false;
        }
        // SAFETY: `offset + bytes.len() <= self.len`, inside the mapping,
        // which lives as long as `self`; `bytes` cannot overlap it (the
        // caller's buffer is its own).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.add(offset), bytes.len()) };
        true
    }

    /// The page size, for aligning a window's start.
    pub fn page_size() -> u64 {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: sysconf reads a constant of the system.
            let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            if size > 0 {
                return size as u64;
            }
        }
        4096
    }
}

/// Whether logs in `dir` are appended through a mapped window: on Linux,
/// on a file system where reservations hold (see the module's comment).
/// Elsewhere, or where `dir` cannot be read, false.
pub fn used_in(dir: &std::path::Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd;
        File::open(dir).is_ok_and(|d| reservations_hold(d.as_raw_fd()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        false
    }
}

/// Whether the file system holding `fd` keeps an `fallocate` reservation
/// for later overwrites (see the module's comment).
#[cfg(target_os = "linux")]
fn reservations_hold(fd: libc::c_int) -> bool {
    const EXT4: i64 = 0xEF53;
    const XFS: i64 = 0x5846_5342;
    const TMPFS: i64 = 0x0102_1994;
    let mut fs = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: fstatfs fills the struct it is given for a descriptor we own;
    // it is read only when the call succeeds.
    if unsafe { libc::fstatfs(fd, fs.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: initialised by the successful call above.
    // `f_type`'s width differs between platforms.
    #[allow(clippy::unnecessary_cast)]
    let kind = unsafe { fs.assume_init() }.f_type as i64;
    matches!(kind, EXT4 | XFS | TMPFS)
}

impl Drop for Window {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        // SAFETY: `ptr` and `len` are the mapping made in `map`, unmapped
        // once, here.
        unsafe {
            libc::munmap(self.ptr.cast(), self.len);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_file_systems_that_keep_reservations_are_mapped() {
        assert!(!used_in(std::path::Path::new("/proc")), "procfs");
        if std::path::Path::new("/dev/shm").is_dir() {
            assert!(used_in(std::path::Path::new("/dev/shm")), "tmpfs");
        }
    }

    #[test]
    fn copies_land_in_the_file_and_only_inside_the_window() {
        if !used_in(&std::env::temp_dir()) {
            eprintln!("skipped: the temporary directory's file system is not one the log maps");
            return;
        }
        let path =
            std::env::temp_dir().join(format!("ddb-mapped-{}-{}", std::process::id(), fastrand::u64(..)));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        let page = Window::page_size();
        let mut w = Window::map(&file, page).unwrap();
        assert_eq!(file.metadata().unwrap().len(), page + WINDOW as u64, "the range is reserved");
        assert!(w.write_at(page + 10, b"hello"));
        assert!(!w.write_at(page - 1, b"x"), "before the window");
        assert!(!w.write_at(page + WINDOW as u64 - 2, b"abc"), "across its end");
        assert!(w.write_at(page + WINDOW as u64 - 3, b"abc"), "up to its end");
        // Visible to reads of the file at once (one page cache), mapping or not.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[page as usize + 10..page as usize + 15], b"hello");
        drop(w);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[bytes.len() - 3..], b"abc");
        std::fs::remove_file(path).unwrap();
    }
}
