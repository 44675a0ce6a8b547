//! The emulator's time: one [`Clock`] per emulator, read by everything that
//! depends on time (TTL expiry, table state delays, creation times,
//! idempotency windows, stream retention and iterator expiry, backups), and
//! calendar arithmetic for the few places that print dates, without a date
//! crate.
//!
//! The clock follows the system clock by default. A test can switch it to
//! manual mode, set it and advance it, so that anything time-driven happens
//! when the test says so and no test ever sleeps.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Marks "follow the system clock" in [`Clock::manual_ms`].
const SYSTEM: u64 = u64::MAX;

/// The emulator's time source: the system clock, or a manual time that only
/// moves when a test sets or advances it. Reading it is one atomic load
/// (plus a system-clock read in system mode).
#[derive(Debug)]
pub struct Clock {
    /// Milliseconds since the epoch in manual mode, [`SYSTEM`] otherwise.
    manual_ms: AtomicU64,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { manual_ms: AtomicU64::new(SYSTEM) }
    }
}

/// Which way a [`Clock`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockMode {
    /// Follows the system clock.
    System,
    /// Stands still at the time a test gave it.
    Manual,
}

impl Clock {
    /// A clock that follows the system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A manual clock standing at `ms` milliseconds since the epoch.
    pub fn manual(ms: u64) -> Self {
        Clock { manual_ms: AtomicU64::new(ms.min(SYSTEM - 1)) }
    }

    /// Milliseconds since the epoch, now.
    pub fn now_ms(&self) -> u64 {
        match self.manual_ms.load(Ordering::Acquire) {
            SYSTEM => system_ms(),
            ms => ms,
        }
    }

    /// Now, as a `SystemTime`.
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.now_ms())
    }

    /// Seconds since the epoch, now (TTL attributes are epoch seconds).
    pub fn now_secs_f64(&self) -> f64 {
        self.now_ms() as f64 / 1000.0
    }

    /// Whether the clock follows the system clock or stands still.
    pub fn mode(&self) -> ClockMode {
        match self.manual_ms.load(Ordering::Acquire) {
            SYSTEM => ClockMode::System,
            _ => ClockMode::Manual,
        }
    }

    /// Stops the clock at `ms` milliseconds since the epoch (manual mode).
    pub fn set_ms(&self, ms: u64) {
        self.manual_ms.store(ms.min(SYSTEM - 1), Ordering::Release);
    }

    /// Moves the clock forward by `by`. A system clock becomes a manual one
    /// standing at the system time plus `by`: time never jumps back.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_millis()).unwrap_or(SYSTEM);
        let _ = self.manual_ms.fetch_update(Ordering::AcqRel, Ordering::Acquire, |ms| {
            let base = if ms == SYSTEM { system_ms() } else { ms };
            Some(base.saturating_add(by).min(SYSTEM - 1))
        });
    }

    /// Follows the system clock again.
    pub fn use_system(&self) {
        self.manual_ms.store(SYSTEM, Ordering::Release);
    }
}

/// The real system time in seconds since the epoch, whatever any [`Clock`]
/// says: what a client signs its requests with (`X-Amz-Date`), so what the
/// signature-date check compares against.
pub fn system_secs() -> i64 {
    i64::try_from(system_ms() / 1000).unwrap_or(i64::MAX)
}

fn system_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0))
}

/// The proleptic Gregorian (year, month 1-12, day 1-31) of a day count
/// since 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of
/// [`civil_from_days`], same algorithm).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the epoch of a SigV4 timestamp (`20261206T073500Z`).
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// A SigV4 timestamp (`20261206T073500Z`) of seconds since the epoch.
pub fn format_amz_date(secs: i64) -> String {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!("{y:04}{mo:02}{d:02}T{:02}{:02}{:02}Z", t / 3600, t / 60 % 60, t % 60)
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, days_from_civil, format_amz_date, parse_amz_date, Clock, ClockMode};
    use std::time::Duration;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.mode(), ClockMode::Manual);
        clock.advance(Duration::from_millis(2_500));
        assert_eq!(clock.now_ms(), 3_500);
        assert_eq!(clock.now_secs_f64(), 3.5);
        clock.set_ms(10);
        assert_eq!(clock.now_ms(), 10);
    }

    #[test]
    fn advancing_a_system_clock_freezes_it_ahead_of_the_system_time() {
        let clock = Clock::system();
        assert_eq!(clock.mode(), ClockMode::System);
        let before = clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        assert_eq!(clock.mode(), ClockMode::Manual);
        assert!(clock.now_ms() >= before + 3_600_000);
        clock.use_system();
        assert!(clock.now_ms() < before + 3_600_000);
    }

    #[test]
    fn amz_dates_round_trip() {
        for secs in [0, 951_782_400, 1_796_542_500, 1_796_542_500 + 86_399] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
        assert_eq!(days_from_civil(2000, 2, 29), 11_016);
        assert_eq!(parse_amz_date("20261206T07350Z"), None);
        assert_eq!(parse_amz_date("2026120XT073500Z"), None);
    }

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
    }
}
