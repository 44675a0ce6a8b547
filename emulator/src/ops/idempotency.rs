//! ClientRequestToken bookkeeping for TransactWriteItems: a repeat of a
//! token within ten minutes with the same request returns the first
//! response without applying again; with another request it is
//! IdempotentParameterMismatchException. Time is the emulator clock's
//! (the request's `Ctx::now_ms`), so a manual clock expires tokens.

use super::transact_write_items::{Output, TransactWriteItems};
use crate::error::{messages, Error, ErrorKind, Result};
use parking_lot::Mutex;
use std::collections::HashMap;

/// How long a token is remembered, in milliseconds.
pub const TOKEN_TTL_MS: u64 = 600_000;

struct Entry {
    request: TransactWriteItems,
    response: Output,
    at_ms: u64,
}

/// Tokens seen in the last ten minutes.
#[derive(Default)]
pub struct Tokens {
    seen: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("count", &self.seen.lock().len()).finish()
    }
}

/// The request minus what may differ between retries of the same call.
fn fingerprint(request: &TransactWriteItems) -> TransactWriteItems {
    let mut r = request.clone();
    r.reporting.capacity = Default::default();
    r
}

impl Tokens {
    /// Runs `apply` for a request carrying `token` at `now_ms`, unless the
    /// token was seen with the same request in the last ten minutes (then
    /// the first response is returned, flagged as replayed, and nothing is
    /// applied again). Holding the lock across `apply` makes concurrent
    /// repeats apply once.
    pub fn run(
        &self,
        now_ms: u64,
        token: &str,
        request: &TransactWriteItems,
        apply: impl FnOnce() -> Result<Output>,
    ) -> Result<(Output, bool)> {
        let mut seen = self.seen.lock();
        seen.retain(|_, e| now_ms.saturating_sub(e.at_ms) < TOKEN_TTL_MS);
        let fp = fingerprint(request);
        match seen.get(token) {
            Some(e) if e.request == fp => return Ok((e.response.clone(), true)),
            Some(_) => {
                return Err(Error::new(ErrorKind::IdempotentParameterMismatch, messages::IDEMPOTENT_MISMATCH))
            }
            None => {}
        }
        let response = apply()?;
        seen.insert(token.to_string(), Entry { request: fp, response: response.clone(), at_ms: now_ms });
        Ok((response, false))
    }
}
