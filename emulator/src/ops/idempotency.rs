//! ClientRequestToken bookkeeping for TransactWriteItems: a repeat of a
//! token within ten minutes with the same request returns the first
//! response without applying again; with another request it is
//! IdempotentParameterMismatchException.

use crate::error::{messages, Error, ErrorKind, Result};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a token is remembered.
pub const TOKEN_TTL: Duration = Duration::from_secs(600);

/// One remembered request and its response.
pub struct Entry {
    request: serde_json::Value,
    response: serde_json::Value,
    at: Instant,
}

/// Tokens seen in the last ten minutes. A persistent map, so that a
/// database snapshot can capture them in O(1) ([`Tokens::saved`]): a
/// restored database must not replay a response its state no longer holds.
#[derive(Default)]
pub struct Tokens {
    seen: Mutex<Seen>,
}

/// The remembered tokens, as a value (see [`Tokens::saved`]).
pub type Seen = imbl::HashMap<String, Arc<Entry>>;

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("count", &self.seen.lock().len()).finish()
    }
}

/// The request minus what may differ between retries of the same call.
fn fingerprint(request: &serde_json::Value) -> serde_json::Value {
    let mut r = request.clone();
    if let Some(o) = r.as_object_mut() {
        o.remove("ReturnConsumedCapacity");
    }
    r
}

impl Tokens {
    /// Runs `apply` for a request carrying `token`, unless the token was
    /// seen with the same request in the last ten minutes (then the first
    /// response is returned, flagged as replayed, and nothing is applied
    /// again). Holding the lock
    /// across `apply` makes concurrent repeats apply once.
    pub fn run<T: serde::Serialize>(
        &self,
        token: &str,
        request: &serde_json::Value,
        apply: impl FnOnce() -> Result<T>,
    ) -> Result<(serde_json::Value, bool)> {
        let mut seen = self.seen.lock();
        seen.retain(|_, e| e.at.elapsed() < TOKEN_TTL);
        let fp = fingerprint(request);
        match seen.get(token) {
            Some(e) if e.request == fp => return Ok((e.response.clone(), true)),
            Some(_) => {
                return Err(Error::new(ErrorKind::IdempotentParameterMismatch, messages::IDEMPOTENT_MISMATCH))
            }
            None => {}
        }
        let response = serde_json::to_value(apply()?).map_err(|e| Error::internal(e.to_string()))?;
        seen.insert(
            token.to_string(),
            Arc::new(Entry { request: fp, response: response.clone(), at: Instant::now() }),
        );
        Ok((response, false))
    }

    /// The tokens remembered now, as a value (O(1)), and what `also`
    /// returns, run under the same lock (a snapshot reads the database
    /// there, so that it never holds a transaction's token without its
    /// items or the reverse).
    pub fn saved_with<T>(&self, also: impl FnOnce() -> T) -> (Seen, T) {
        let seen = self.seen.lock();
        let out = also();
        (seen.clone(), out)
    }

    /// Makes `saved` the remembered tokens, running `also` under the same
    /// lock (a restore swaps the database there, so no transaction sees the
    /// tokens of one version and the items of another).
    pub fn restore(&self, saved: Seen, also: impl FnOnce()) {
        let mut seen = self.seen.lock();
        also();
        *seen = saved;
    }
}
