//! Isolation: which database a request reaches.
//!
//! As in AWS, tables are kept per region: a table created through a
//! `us-east-2` client does not exist for a `us-east-1` client, and every
//! ARN (table, stream, backup, export, import) names the region it lives
//! in. With `Config::isolate_access_keys`, each access key id has its own
//! database too, so parallel test processes given distinct credentials
//! never see each other's tables.
//!
//! A [`Scope`] names one such database: a region, and with key isolation an
//! access key id. The HTTP layer takes both from the request's SigV4
//! credential scope (`Credential=KEY/DATE/REGION/dynamodb/aws4_request`),
//! whether or not signatures are verified; a request without a usable one
//! reaches the configured default region.
//!
//! Each scope is served by its own [`Service`] (its store, idempotency
//! tokens, export/import records, stale-read history and token buckets;
//! in durable mode its own data directory). Scopes share the clock, the
//! operation record, the fault rules, the named snapshots and the kept
//! forks. The emulator's [`Service`] *is* its default scope (the default
//! region, no access key) and holds the registry of the others
//! ([`Scopes`]), which it creates on first use; its harness controls
//! (snapshot, restore, reset, fork, TTL sweep, stale reads, throughput,
//! checkpoints) cover every scope.
//!
//! ```
//! use ddb_emulator::{Config, Scope, Service};
//! use serde_json::json;
//!
//! let svc = Service::new(Config::default()); // the default region: us-east-1
//! let ohio = svc.region("us-east-2")?;       // created on first use
//! let out = ohio.call("CreateTable", &json!({
//!     "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
//!     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
//!     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
//! }))?;
//! let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(out["TableDescription"]["TableArn"], "arn:aws:dynamodb:us-east-2:000000000000:table/orders");
//! assert!(svc.store.snapshot().table("orders").is_none()); // not in us-east-1
//! let snapshot = svc.snapshot(); // every scope, O(1) each
//! assert_eq!(snapshot.scopes().collect::<Vec<_>>(), [&Scope::region("us-east-2")]);
//! # Ok::<(), ddb_emulator::Error>(())
//! ```

use crate::service::Service;
use parking_lot::RwLock;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// One isolated database: a region, and (with `Config::isolate_access_keys`)
/// an access key id. Ordered by region, then key (keyless first).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    region: String,
    access_key_id: Option<String>,
}

impl Scope {
    /// The tables of `region` that no access key owns (with key isolation
    /// off, every request for `region` reaches these).
    pub fn region(region: impl Into<String>) -> Scope {
        Scope { region: region.into(), access_key_id: None }
    }

    /// The tables of `region` owned by `access_key_id` (reached by requests
    /// signed with that key when `Config::isolate_access_keys` is on).
    pub fn access_key(region: impl Into<String>, access_key_id: impl Into<String>) -> Scope {
        Scope { region: region.into(), access_key_id: Some(access_key_id.into()) }
    }

    /// The region.
    pub fn region_name(&self) -> &str {
        &self.region
    }

    /// The access key id, if the scope is one key's.
    pub fn access_key_id(&self) -> Option<&str> {
        self.access_key_id.as_deref()
    }

    /// The folder (under `DATA_DIR/scopes/`) holding this scope's data in
    /// durable mode: the region as is when it is lower-case letters, digits
    /// and dashes (every AWS region), else `~` and its bytes in hex; then,
    /// for a key's scope, `+` and the key's bytes in hex (keys are
    /// case-sensitive, some file systems are not).
    pub(crate) fn dir_name(&self) -> String {
        let plain = self.region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let mut name = if plain { self.region.clone() } else { format!("~{}", hex(&self.region)) };
        if let Some(key) = &self.access_key_id {
            name.push('+');
            name.push_str(&hex(key));
        }
        name
    }

    /// The scope a folder name stands for ([`Scope::dir_name`]'s inverse).
    pub(crate) fn from_dir_name(name: &str) -> Option<Scope> {
        let (region, key) = match name.split_once('+') {
            Some((r, k)) => (r, Some(unhex(k)?)),
            None => (name, None),
        };
        let region = match region.strip_prefix('~') {
            Some(h) => unhex(h)?,
            None => region.to_string(),
        };
        (valid_region(&region) && key.as_deref().is_none_or(valid_access_key))
            .then_some(Scope { region, access_key_id: key })
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.access_key_id {
            Some(key) => write!(f, "{} (access key {key})", self.region),
            None => f.write_str(&self.region),
        }
    }
}

/// Whether a credential scope's region can name a database: 1 to 64
/// letters, digits, `-`, `_` or `.`. Anything else (a client's garbage)
/// counts as no region: the request reaches the default region.
pub fn valid_region(region: &str) -> bool {
    (1..=64).contains(&region.len())
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Whether an access key id can own a database: 1 to 128 visible ASCII
/// characters. An empty or unusable key counts as none (the region's
/// shared tables).
pub fn valid_access_key(key: &str) -> bool {
    (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    if text.is_empty() || !text.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// The service of one scope: the emulator's own (the default scope) or a
/// registered one's. Dereferences to [`Service`], whose typed calls,
/// `call` and harness methods it offers.
#[derive(Debug)]
pub enum Scoped<'a> {
    /// The default scope: the emulator's service itself.
    Default(&'a Service),
    /// Another scope's service.
    Other(Arc<Service>),
}

impl std::ops::Deref for Scoped<'_> {
    type Target = Service;
    fn deref(&self) -> &Service {
        match self {
            Scoped::Default(svc) => svc,
            Scoped::Other(svc) => svc,
        }
    }
}

/// The scopes of one emulator other than its default one, created on first
/// use and never removed (a reset empties them).
#[derive(Debug, Default)]
pub(crate) struct Scopes {
    by_region: RwLock<BTreeMap<String, RegionScopes>>,
    /// Durable mode: where scopes keep their data (`DATA_DIR/scopes`);
    /// `None` keeps them in memory (and for a fork, whatever its parent).
    pub(crate) dir: Option<PathBuf>,
}

/// One region's scopes: its keyless tables and each key's.
#[derive(Debug, Default)]
pub(crate) struct RegionScopes {
    shared: Option<Arc<Service>>,
    by_key: BTreeMap<String, Arc<Service>>,
}

/// The registry while it is locked for changing (see [`Scopes::write`]).
pub(crate) type Registry = BTreeMap<String, RegionScopes>;

impl Scopes {
    /// The service of (`region`, `key`), if it exists (a read lock and two
    /// lookups; nothing is allocated).
    pub(crate) fn get(&self, region: &str, key: Option<&str>) -> Option<Arc<Service>> {
        lookup(&self.by_region.read(), region, key).cloned()
    }

    /// Every registered scope's service, in scope order.
    pub(crate) fn all(&self) -> Vec<Arc<Service>> {
        all_of(&self.by_region.read())
    }

    /// The registry locked for changing: no scope is created meanwhile.
    pub(crate) fn write(&self) -> parking_lot::RwLockWriteGuard<'_, Registry> {
        self.by_region.write()
    }

    /// Mutable access to every scope's service while nobody else can hold
    /// one (the emulator being set up).
    pub(crate) fn all_mut(&mut self) -> impl Iterator<Item = &mut Arc<Service>> {
        self.by_region.get_mut().values_mut().flat_map(|r| r.shared.iter_mut().chain(r.by_key.values_mut()))
    }
}

/// The service of (`region`, `key`) in a locked registry.
pub(crate) fn lookup<'a>(
    registry: &'a Registry,
    region: &str,
    key: Option<&str>,
) -> Option<&'a Arc<Service>> {
    let r = registry.get(region)?;
    match key {
        None => r.shared.as_ref(),
        Some(k) => r.by_key.get(k),
    }
}

/// Every service of a locked registry, in scope order.
pub(crate) fn all_of(registry: &Registry) -> Vec<Arc<Service>> {
    registry.values().flat_map(|r| r.shared.iter().chain(r.by_key.values())).cloned().collect()
}

/// Registers `svc` as `scope`'s service.
pub(crate) fn register(registry: &mut Registry, scope: &Scope, svc: Arc<Service>) {
    let r = registry.entry(scope.region.clone()).or_default();
    match &scope.access_key_id {
        None => r.shared = Some(svc),
        Some(k) => {
            r.by_key.insert(k.clone(), svc);
        }
    }
}

#[cfg(test)]
mod tests;
