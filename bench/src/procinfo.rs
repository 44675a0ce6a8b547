//! Server process facts from /proc, and spawning a server command.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A CPU-time reading of one process, from two sources: /proc/PID/stat
/// (user + system, whole process including exited threads, but in clock
/// ticks: 10 ms) and the per-thread /proc/PID/task/TID/schedstat (on-CPU
/// nanoseconds, but only of the threads alive at the time).
#[derive(Clone, Debug)]
pub struct CpuSample {
    stat_us: Option<u64>,
    threads: std::collections::BTreeMap<u32, u64>,
}

impl CpuSample {
    pub fn take(pid: u32) -> CpuSample {
        let mut threads = std::collections::BTreeMap::new();
        if let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) {
            for entry in dir.flatten() {
                let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse::<u32>().ok()) else {
                    continue;
                };
                let ns = std::fs::read_to_string(entry.path().join("schedstat"))
                    .ok()
                    .and_then(|s| s.split_whitespace().next().and_then(|f| f.parse::<u64>().ok()));
                if let Some(ns) = ns {
                    threads.insert(tid, ns);
                }
            }
        }
        CpuSample { stat_us: cpu_us(pid), threads }
    }

    /// CPU microseconds spent between `self` and `later`, and where the
    /// figure comes from: the per-thread nanosecond counters ("schedstat")
    /// when the same threads are there at both ends and the tick counters
    /// agree (so no thread came and went in between, unseen); else the tick
    /// counters ("stat") if they moved by at least 200 ms; else unknown.
    pub fn until(&self, later: &CpuSample) -> Option<(u64, &'static str)> {
        let stat = self.stat_us.zip(later.stat_us).map(|(a, b)| b.saturating_sub(a));
        let tick_us = 1_000_000 / clock_ticks();
        if !self.threads.is_empty() && self.threads.keys().eq(later.threads.keys()) {
            let before: u64 = self.threads.values().sum();
            let after: u64 = later.threads.values().sum();
            let sched = after.saturating_sub(before) / 1000;
            let slack = tick_us * (self.threads.len() as u64 + 2);
            if stat.is_none_or(|st| st <= sched + slack) {
                return Some((sched, "schedstat"));
            }
        }
        stat.filter(|&d| d >= 200_000).map(|d| (d, "stat"))
    }
}

/// CPU time (user + system) of process `pid` in microseconds, from /proc/PID/stat.
pub fn cpu_us(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: skip past it.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the full line (utime, stime) are 11 and 12 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let tck = clock_ticks();
    Some((utime + stime) * 1_000_000 / tck)
}

fn clock_ticks() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as u64
    } else {
        100
    }
}

/// Resident set size of process `pid` in KiB (VmRSS in /proc/PID/status).
pub fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A free loopback port (bound then released: a tiny race, fine here).
pub fn free_port() -> std::io::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// A server started from a shell command line, in its own process group so
/// that everything it starts is stopped with it.
pub struct Server {
    child: Child,
    pub port: u16,
    pub cmd: String,
}

impl Server {
    /// Runs `cmd` with `{port}` replaced (via `sh -c "exec ..."`, so that the
    /// pid is the server's own when the command is a single program).
    pub fn spawn(cmd_template: &str, port: u16, quiet: bool) -> std::io::Result<Server> {
        use std::os::unix::process::CommandExt;
        let cmd = cmd_template.replace("{port}", &port.to_string());
        let mut command = Command::new("sh");
        command.arg("-c").arg(format!("exec {cmd}")).stdin(Stdio::null()).process_group(0);
        if quiet {
            command.stdout(Stdio::null()).stderr(Stdio::null());
        } else {
            // The server's own output goes to our stderr, never into the JSON on stdout.
            command.stdout(std::io::stderr()).stderr(Stdio::inherit());
        }
        // SAFETY: prctl is async-signal-safe; it only asks the kernel to send
        // SIGTERM to the server should ddb-bench die without stopping it.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = command.spawn()?;
        Ok(Server { child, port, cmd })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server has already exited (with its status).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM to the process group, then SIGKILL after a grace period.
    pub fn stop(&mut self) {
        if self.exited().is_some() {
            return;
        }
        let pgid = self.child.id() as i32;
        // SAFETY: plain kill(2) on the process group we created.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if self.exited().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above; the group may already be gone.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
