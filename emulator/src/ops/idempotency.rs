//! ClientRequestToken bookkeeping for TransactWriteItems: a repeat of a
//! token within ten minutes with the same request returns the first
//! response without applying again; with another request it is
//! IdempotentParameterMismatchException. Time is the emulator clock's
//! (the request's `Ctx::now_ms`), so a manual clock expires tokens.

use super::transact_write_items::{Output, TransactWriteItems};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::journal::{with_token, TokenRecord};
use parking_lot::Mutex;
use std::sync::Arc;

/// How long a token is remembered, in milliseconds.
pub const TOKEN_TTL_MS: u64 = 600_000;

/// One remembered request and its response.
pub struct Entry {
    /// The request's digest ([`digest`]).
    request: [u8; 32],
    /// The first response (after a durable restart, one without the
    /// first call's capacity or item collection metrics).
    response: Output,
    at_ms: u64,
}

/// Tokens seen in the last ten minutes. A persistent map, so that a
/// database snapshot can capture them in O(1) ([`Tokens::saved_with`]): a
/// restored database must not replay a response its state no longer holds.
#[derive(Default)]
pub struct Tokens {
    seen: Mutex<Seen>,
}

/// The remembered tokens, as a value (see [`Tokens::saved_with`]).
pub type Seen = imbl::HashMap<String, Arc<Entry>>;

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("count", &self.seen.lock().len()).finish()
    }
}

/// The request minus what may differ between retries of the same call,
/// as a SHA-256 digest (what a durable store keeps; every part of the
/// request is ordered, so its debug text is the same for the same request).
fn digest(request: &TransactWriteItems) -> [u8; 32] {
    use sha2::Digest;
    let mut r = request.clone();
    r.reporting.capacity = Default::default();
    sha2::Sha256::digest(format!("{r:?}").as_bytes()).into()
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
        let fp = digest(request);
        match seen.get(token) {
            Some(e) if e.request == fp => return Ok((e.response.clone(), true)),
            Some(_) => {
                return Err(Error::new(ErrorKind::IdempotentParameterMismatch, messages::IDEMPOTENT_MISMATCH))
            }
            None => {}
        }
        // A durable store logs the token with the transaction's commit.
        let record = TokenRecord { token: token.to_string(), at_ms: now_ms, digest: fp };
        let response = with_token(record, apply)?;
        seen.insert(
            token.to_string(),
            Arc::new(Entry { request: fp, response: response.clone(), at_ms: now_ms }),
        );
        Ok((response, false))
    }

    /// Remembers the tokens a durable store kept (at start-up).
    pub fn load(&self, kept: Vec<TokenRecord>) {
        let mut seen = self.seen.lock();
        for t in kept {
            let entry = Entry { request: t.digest, response: Output::default(), at_ms: t.at_ms };
            seen.insert(t.token, Arc::new(entry));
        }
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
