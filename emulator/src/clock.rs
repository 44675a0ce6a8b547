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

#[cfg(test)]
mod tests {
    use super::{civil_from_days, Clock, ClockMode};
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
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
    }
}
