//! Capped exponential backoff with full jitter, for unprocessed batch items.

use std::time::Duration;

/// How batches retry unprocessed keys and writes: up to `max_attempts`
/// requests per chunk, sleeping a random time in
/// `[0, min(cap, base * 2^attempt)]` between them ("full jitter").
///
/// ```
/// use ddb_odm::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy::default();
/// for attempt in 0..20 {
///     assert!(policy.delay(attempt) <= policy.cap);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests per chunk before giving up (at least 1).
    pub max_attempts: u32,
    /// The first backoff ceiling.
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 10, base: Duration::from_millis(25), cap: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// The ceiling of the delay before retry number `attempt` (0-based).
    ///
    /// ```
    /// use ddb_odm::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy { max_attempts: 5, base: Duration::from_millis(10), cap: Duration::from_millis(50) };
    /// assert_eq!((p.ceiling(0), p.ceiling(2), p.ceiling(10)), (Duration::from_millis(10), Duration::from_millis(40), Duration::from_millis(50)));
    /// ```
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// A random delay before retry number `attempt` (full jitter).
    ///
    /// ```
    /// use ddb_odm::RetryPolicy;
    /// let p = RetryPolicy::default();
    /// assert!(p.delay(3) <= p.ceiling(3));
    /// ```
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        let nanos = ceiling.as_nanos().min(u64::MAX as u128) as u64;
        Duration::from_nanos(if nanos == 0 { 0 } else { fastrand::u64(0..=nanos) })
    }
}

/// How one chunk of a batch ended.
pub(crate) enum Outcome<T> {
    /// Everything was processed.
    Done,
    /// The retry budget ran out; these were never processed.
    GaveUp(Vec<T>),
    /// A request failed (a hard error, not unprocessed items); these were
    /// not processed.
    Failed(crate::Error, Vec<T>),
}

/// Sends `pending` with `send` (which returns what it produced and what the
/// service left unprocessed) until nothing is left, sleeping with capped
/// exponential backoff and jitter between attempts. Progress resets the
/// attempt count. Shared by batch reads and batch writes.
pub(crate) async fn until_processed<T, R, F, Fut>(
    policy: RetryPolicy,
    mut pending: Vec<T>,
    produced: &mut Vec<R>,
    mut send: F,
) -> crate::Result<Outcome<T>>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: std::future::Future<Output = crate::Result<(Vec<R>, Vec<T>)>>,
{
    let mut attempt = 0u32;
    loop {
        let (got, unprocessed) = match send(pending.clone()).await {
            Ok(out) => out,
            Err(e) => return Ok(Outcome::Failed(e, pending)),
        };
        produced.extend(got);
        if unprocessed.is_empty() {
            return Ok(Outcome::Done);
        }
        attempt = if unprocessed.len() < pending.len() { 0 } else { attempt + 1 };
        if attempt + 1 >= policy.max_attempts.max(1) {
            return Ok(Outcome::GaveUp(unprocessed));
        }
        tokio::time::sleep(policy.delay(attempt)).await;
        pending = unprocessed;
    }
}
