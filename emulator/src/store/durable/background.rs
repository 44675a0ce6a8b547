//! Background work that must not take CPU from writers.
//!
//! A checkpoint encodes and writes the whole database: a quarter of a
//! second of CPU for a million items. On a machine with few cores and
//! other work running, the thread doing it competes with the writers, and
//! a writer that loses its CPU to it waits until the next scheduler tick
//! (4 ms at 250 Hz). Measured with `durable_bench checkpoint 1000000` on
//! two cores with one busy with other work: 13-23 puts of a checkpoint's
//! 32 000-74 000 took over 1 ms (4-8 ms), against 0-2 of as many puts with
//! no checkpoint (BENCHMARKS.md, "The checkpoint beside writers").
//!
//! So the checkpoint thread runs at the lowest priority ([`lower_priority`])
//! and offers its CPU every few hundred items ([`yield_to_writers`]): it
//! gets what the writers leave. Measured the same way, puts during a
//! checkpoint then stall no more often than puts without one. The price is
//! paid only when the CPUs are saturated: the checkpoint then takes longer
//! (3-33 s instead of 0.3 s for a million items, in those runs), and the
//! log, which holds every acknowledged write meanwhile, grows until it
//! finishes. On an idle machine it takes as long as before.

/// Lowers the calling thread's scheduling priority to the lowest normal
/// one (nice 19). Only this thread: on Linux the nice value belongs to a
/// thread, addressed by its thread id. Elsewhere, nothing (there
/// `setpriority` would lower the whole process).
pub fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid takes no argument and cannot fail.
        let tid = unsafe { libc::syscall(libc::SYS_gettid) } as libc::id_t;
        // SAFETY: setpriority reads its three integer arguments only; a
        // failure (not permitted, unknown thread) changes nothing.
        let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, 19) };
        if rc != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "could not lower the checkpoint thread's priority");
        }
    }
}

/// Offers the CPU to any thread waiting for it. Even at the lowest
/// priority, a thread the scheduler has picked keeps its CPU until the next
/// tick (4 ms at 250 Hz) unless it gives it up; the checkpoint calls this
/// every few hundred items, so a writer that finds it running waits for
/// that much work, not for a tick. With no one waiting it returns at once.
pub fn yield_to_writers() {
    std::thread::yield_now();
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The nice value of the calling thread, from procfs (field 19 of
    /// `stat`, after the parenthesised command name).
    fn own_nice() -> i64 {
        let tid = unsafe { libc::syscall(libc::SYS_gettid) };
        let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        after_name.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[test]
    fn lowers_only_the_calling_thread() {
        let before = own_nice();
        let lowered = std::thread::spawn(|| {
            super::lower_priority();
            own_nice()
        })
        .join()
        .unwrap();
        assert_eq!(lowered, 19);
        assert_eq!(own_nice(), before, "the caller's other threads keep their priority");
    }
}
