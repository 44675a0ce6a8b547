//! The shape every operation has: a typed input (the command), a typed
//! output, and one of three ways to run.
//!
//! - [`Read`]: runs against one snapshot of the database (`execute(&self,
//!   ctx, db) -> Result<Output>`). GetItem, Query, Scan, BatchGetItem,
//!   TransactGetItems, DescribeTable, ListTables, ...
//! - [`Write`]: two phases. `plan(&self, ctx, db) -> Result<Plan>` is
//!   read-only and makes every check that can fail; `apply(plan, db) ->
//!   Output` makes the change and cannot fail. The store decides whether a
//!   plan is made against a snapshot or the current version, and whether
//!   it is applied in place or on a copy (`Store::execute`); a command never
//!   sees that choice. "Check before change" is a property of the types:
//!   nothing that returns a `Result` runs after the first change.
//!   [`Plan::still_valid`] says whether a plan made against a snapshot
//!   still holds for the current version (pointer equality on what it
//!   read); if not, it is made again under the writer lock.
//! - Control-plane writes implement [`Write`] too, but are planned under
//!   the writer lock (`Store::execute_locked`): they are rare and their
//!   checks read many tables.
//!
//! Every command reads the time, the region and the account from a [`Ctx`]
//! built once per request by the service: nothing under `ops/` reads the
//! system clock, so a manual [`crate::clock::Clock`] drives table state
//! delays, token expiry and creation times.
//!
//! `ops/` knows nothing of JSON or HTTP: the wire layer (`http/`) parses a
//! request body into the typed input and serialises the typed output.

use crate::error::Result;
use crate::store::Db;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a command may know about the request besides its input: read once
/// per request by the service.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    /// The emulator clock's time, in milliseconds since the epoch.
    pub now_ms: u64,
    /// Region used in ARNs and endpoints.
    pub region: &'a str,
    /// Account id used in ARNs.
    pub account_id: &'a str,
    /// How long tables stay CREATING / UPDATING / DELETING.
    pub transition_delay: Duration,
    /// The emulator's clock, for what outlives the request (a stream reads
    /// it on every later write); `None` in a default context.
    pub clock: Option<&'a std::sync::Arc<crate::clock::Clock>>,
    /// How long a stream shard takes records before a child replaces it.
    pub stream_shard_rollover: Duration,
    /// Which behaviour to follow where DynamoDB Local differs from the
    /// service.
    pub compat: Compat,
    /// The address the emulator advertises (DescribeEndpoints), if it has
    /// a listener (`Config::endpoint_address`).
    pub endpoint_address: Option<&'a str>,
}

impl Ctx<'_> {
    /// The address DescribeEndpoints names: the emulator's own when it has
    /// one, else the regional AWS name.
    pub fn advertised_endpoint(&self) -> String {
        match self.endpoint_address {
            Some(a) => a.to_string(),
            None => format!("dynamodb.{}.amazonaws.com", self.region),
        }
    }

    /// The request's time as a `SystemTime` (creation times, throughput
    /// history).
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.now_ms)
    }
}

impl Default for Ctx<'static> {
    fn default() -> Self {
        Ctx {
            now_ms: 0,
            region: "us-east-1",
            account_id: "000000000000",
            transition_delay: Duration::ZERO,
            clock: None,
            stream_shard_rollover: Duration::from_secs(4 * 3600),
            compat: Compat::Service,
            endpoint_address: None,
        }
    }
}

/// A read-only command: runs against one snapshot.
pub trait Read {
    /// The typed response.
    type Output;
    /// Every check, then the read.
    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Output>;

    /// Whether the read may see a stale version (the stale-read mode of
    /// `harness::stale`): eventually consistent reads say so.
    fn eventually_consistent(&self) -> bool {
        false
    }
}

/// What a write plan must say about itself: whether it still holds for a
/// version other than the one it was made against.
pub trait Plan {
    /// Whether `db` has everything this plan read unchanged (so applying it
    /// to `db` is what planning against `db` would have given).
    fn still_valid(&self, db: &Db) -> bool;
}

/// A command that changes the database, in two phases.
pub trait Write {
    /// The checked, ready-to-apply change.
    type Plan: Plan;
    /// The typed response.
    type Output;
    /// Every check, read-only: fails with the service's error or returns
    /// the change to make.
    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan>;
    /// Makes the planned change. Cannot fail.
    fn apply(plan: Self::Plan, db: &mut Db) -> Self::Output;
}

/// Runs a write command against `store`: plan, then apply, the store
/// choosing in place or copy and re-planning only if what the plan read
/// changed meanwhile.
pub fn write<W: Write>(cmd: &W, ctx: &Ctx<'_>, store: &crate::store::Store) -> Result<W::Output> {
    store.execute(|db| cmd.plan(ctx, db), |plan, db| plan.still_valid(db), W::apply)
}

/// Runs a control-plane write command: planned and applied under the
/// writer lock.
pub fn write_locked<W: Write>(cmd: &W, ctx: &Ctx<'_>, store: &crate::store::Store) -> Result<W::Output> {
    store.execute_locked(|db| cmd.plan(ctx, db), W::apply)
}

/// Runs a read command on a snapshot of `store`.
pub fn read<R: Read>(cmd: &R, ctx: &Ctx<'_>, store: &crate::store::Store) -> Result<R::Output> {
    cmd.execute(ctx, &store.snapshot())
}

/// A compatibility profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Compat {
    /// The real service's behaviour (the default).
    #[default]
    Service,
    /// Accept what DynamoDB Local accepts and the service refuses, for test
    /// suites written against it. Exactly: CreateTable with
    /// AttributeDefinitions that no key schema uses.
    DynamoDbLocal,
}

impl Compat {
    /// Parses a `--compat` value: `dynamodb-local` or `service`.
    pub fn parse(s: &str) -> Option<Compat> {
        match s {
            "service" | "dynamodb" => Some(Compat::Service),
            "dynamodb-local" => Some(Compat::DynamoDbLocal),
            _ => None,
        }
    }

    /// Whether CreateTable may define attributes no key uses.
    pub fn allows_unused_attribute_definitions(self) -> bool {
        self == Compat::DynamoDbLocal
    }
}
