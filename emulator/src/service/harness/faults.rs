//! Fault injection: rules that make chosen operations on chosen tables fail
//! or degrade, deterministically.
//!
//! A [`FaultRule`] names an operation and a table (either may be "all"), an
//! effect (one of the service's errors, `Unprocessed` batch entries for a
//! fraction, a `TransactionConflict` cancellation reason, or only added
//! latency) and a trigger (always, the next `count` matching calls, and/or
//! with a `probability` drawn from the rule's own seeded generator). The
//! same rules and seeds against the same calls give the same faults.
//!
//! [`Faults::decide`] runs once per call, before the operation (in
//! `Service::call` and the typed calls): an error ends the call there;
//! latency is added to the response; the degradations a batch or
//! transaction must apply item by item are installed for the duration of
//! the call as the thread's [`Degradation`] (`ops::degrade`, which the
//! batch and transaction operations consult: the operations know what a
//! degradation asks of them, not the rules that chose it).

use crate::error::{messages, Error, ErrorKind};
pub use crate::ops::degrade::{add_latency, take_latency, with_degradation, Degradation};
use crate::service::scope::Scope;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// What a rule does to a call it fires on.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultEffect {
    /// The call fails with this error (the service's type, status and text).
    Error(ErrorKind),
    /// Each entry of a BatchWriteItem / key of a BatchGetItem comes back
    /// unprocessed with this probability (0 to 1).
    Unprocessed(f64),
    /// The transaction is cancelled with `TransactionConflict` as the reason
    /// of each action on the rule's table (every action when the rule names
    /// no table).
    TransactionConflict,
    /// Nothing but the rule's latency.
    None,
}

/// The errors a rule may inject, by the service's names.
pub const ERROR_NAMES: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
    "TransactionInProgressException",
    "TransactionConflictException",
    "TransactionConflict",
    "Unprocessed",
];

impl FaultEffect {
    /// The effect named `name` (one of [`ERROR_NAMES`]); `fraction` is the
    /// share for `Unprocessed`.
    pub fn named(name: &str, fraction: f64) -> Option<FaultEffect> {
        let kind = match name {
            "ProvisionedThroughputExceededException" => ErrorKind::ProvisionedThroughputExceeded,
            "ThrottlingException" => ErrorKind::Throttling,
            "RequestLimitExceeded" => ErrorKind::RequestLimitExceeded,
            "InternalServerError" => ErrorKind::InternalServerError,
            "ServiceUnavailable" => ErrorKind::ServiceUnavailable,
            "TransactionInProgressException" => ErrorKind::TransactionInProgress,
            "TransactionConflictException" => ErrorKind::TransactionConflict,
            "TransactionConflict" => return Some(FaultEffect::TransactionConflict),
            "Unprocessed" => return Some(FaultEffect::Unprocessed(fraction)),
            _ => return None,
        };
        Some(FaultEffect::Error(kind))
    }

    /// The name [`FaultEffect::named`] reads (`None` for latency only).
    pub fn name(&self) -> Option<&'static str> {
        match self {
            FaultEffect::Error(kind) => Some(kind.short_name()),
            FaultEffect::Unprocessed(_) => Some("Unprocessed"),
            FaultEffect::TransactionConflict => Some("TransactionConflict"),
            FaultEffect::None => None,
        }
    }

    /// Whether the effect can apply to operation `op` at all: batch
    /// degradations only to batches, conflicts only to transactions.
    fn applies_to(&self, op: &str) -> bool {
        match self {
            FaultEffect::Unprocessed(_) => matches!(op, "BatchWriteItem" | "BatchGetItem"),
            FaultEffect::TransactionConflict => matches!(op, "TransactWriteItems" | "TransactGetItems"),
            _ => true,
        }
    }
}

/// The error a rule injects, with the service's message.
fn injected(kind: ErrorKind) -> Error {
    let message = match kind {
        ErrorKind::ProvisionedThroughputExceeded => messages::INJECTED_THROUGHPUT_EXCEEDED,
        ErrorKind::Throttling => messages::INJECTED_THROTTLING,
        ErrorKind::RequestLimitExceeded => messages::INJECTED_REQUEST_LIMIT,
        ErrorKind::ServiceUnavailable => messages::INJECTED_UNAVAILABLE,
        ErrorKind::TransactionInProgress => messages::INJECTED_TRANSACTION_IN_PROGRESS,
        ErrorKind::TransactionConflict => messages::TRANSACTION_CONFLICT,
        _ => messages::INTERNAL_ERROR,
    };
    Error::new(kind, message)
}

/// One fault-injection rule. Build with [`FaultRule::error`],
/// [`FaultRule::unprocessed`], [`FaultRule::transaction_conflict`] or
/// [`FaultRule::latency_only`], then narrow it:
///
/// ```
/// use ddb_emulator::{harness::FaultRule, ErrorKind};
/// let rule = FaultRule::error(ErrorKind::ProvisionedThroughputExceeded)
///     .operation("PutItem")
///     .table("orders")
///     .count(1); // one-shot
/// # let _ = rule;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// The operation it applies to (`None`: every operation the effect can apply to).
    pub operation: Option<String>,
    /// The table it applies to (`None`: any table, or none).
    pub table: Option<String>,
    /// What it does.
    pub effect: FaultEffect,
    /// Added to the response time of each call it fires on.
    pub latency: Duration,
    /// How many calls it fires on before it is removed (`None`: no limit).
    pub count: Option<u64>,
    /// The chance that it fires on a matching call (`None`: always), drawn
    /// from a generator seeded with `seed`.
    pub probability: Option<f64>,
    /// Seed of the rule's generator (also drives `Unprocessed` fractions).
    pub seed: u64,
    /// The scope (region, access key) it applies to (`None`: every scope;
    /// see [`crate::service::scope`]): parallel tests isolated by access key keep
    /// their faults to themselves.
    pub scope: Option<Scope>,
}

impl FaultRule {
    fn with(effect: FaultEffect) -> FaultRule {
        FaultRule {
            operation: None,
            table: None,
            effect,
            latency: Duration::ZERO,
            count: None,
            probability: None,
            seed: 0,
            scope: None,
        }
    }
    /// Fails matching calls with `kind` (use the throttling, limit,
    /// unavailability or transaction kinds: the service's message goes with it).
    pub fn error(kind: ErrorKind) -> FaultRule {
        Self::with(FaultEffect::Error(kind))
    }
    /// Leaves `fraction` (0 to 1) of a batch's entries unprocessed.
    pub fn unprocessed(fraction: f64) -> FaultRule {
        Self::with(FaultEffect::Unprocessed(fraction.clamp(0.0, 1.0)))
    }
    /// Cancels transactions with a `TransactionConflict` reason.
    pub fn transaction_conflict() -> FaultRule {
        Self::with(FaultEffect::TransactionConflict)
    }
    /// Only delays the response by `latency`.
    pub fn latency_only(latency: Duration) -> FaultRule {
        Self::with(FaultEffect::None).latency(latency)
    }
    /// Applies to operation `op` only (e.g. `"PutItem"`).
    pub fn operation(mut self, op: impl Into<String>) -> Self {
        self.operation = Some(op.into());
        self
    }
    /// Applies to calls naming `table` only.
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }
    /// Fires on the next `n` matching calls, then is removed (1: one-shot).
    pub fn count(mut self, n: u64) -> Self {
        self.count = Some(n);
        self
    }
    /// Fires with probability `p` on each matching call, drawn from a
    /// generator seeded with `seed` (same seed, same calls: same faults).
    pub fn probability(mut self, p: f64, seed: u64) -> Self {
        self.probability = Some(p.clamp(0.0, 1.0));
        self.seed = seed;
        self
    }
    /// Adds `latency` to each call it fires on.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
    /// Applies to calls in `scope` only.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }

    fn matches(&self, op: &str, scope: &Option<Scope>, tables: &[String]) -> bool {
        self.effect.applies_to(op)
            && self.scope.as_ref().is_none_or(|s| scope.as_ref() == Some(s))
            && self.operation.as_deref().is_none_or(|o| o == op)
            && self.table.as_deref().is_none_or(|t| tables.iter().any(|n| crate::ops::table_name(n) == t))
    }
}

/// An installed rule: its id, how often it fired, its generator.
#[derive(Debug)]
struct Installed {
    id: u64,
    rule: FaultRule,
    fired: u64,
    rng: fastrand::Rng,
}

/// A rule as listed: id, the rule, how many calls it has fired on.
#[derive(Clone, Debug, PartialEq)]
pub struct InstalledRule {
    /// Its id (for removing it alone).
    pub id: u64,
    /// The rule, with `count` the calls it still fires on.
    pub rule: FaultRule,
    /// Calls it has fired on so far.
    pub fired: u64,
}

/// The rules of one emulator.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Installed>>,
    /// Whether any rule is installed: the no-fault path is one load.
    any: AtomicBool,
    next_id: AtomicU64,
}

/// What the rules decided for one call.
#[derive(Debug, Default)]
pub struct Decision {
    /// The error to answer with instead of running the operation.
    pub error: Option<Error>,
    /// Time to add before the response.
    pub latency: Duration,
    /// Per-item degradations for a batch or transaction.
    pub degradation: Option<Degradation>,
}

impl Faults {
    /// Installs `rule`, returning its id. Rules are evaluated in the order
    /// installed.
    pub fn add(&self, rule: FaultRule) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let rng = fastrand::Rng::with_seed(rule.seed);
        let mut rules = self.rules.lock();
        rules.push(Installed { id, rule, fired: 0, rng });
        self.any.store(true, Ordering::Release);
        id
    }

    /// Removes rule `id`; whether it was installed.
    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.rules.lock();
        let before = rules.len();
        rules.retain(|r| r.id != id);
        self.any.store(!rules.is_empty(), Ordering::Release);
        rules.len() != before
    }

    /// Removes every rule; how many there were.
    pub fn clear(&self) -> usize {
        let mut rules = self.rules.lock();
        let n = rules.len();
        rules.clear();
        self.any.store(false, Ordering::Release);
        n
    }

    /// The installed rules, in evaluation order.
    pub fn list(&self) -> Vec<InstalledRule> {
        self.rules
            .lock()
            .iter()
            .map(|r| InstalledRule { id: r.id, rule: r.rule.clone(), fired: r.fired })
            .collect()
    }

    /// Decides the faults of one call of `op` naming `tables` (computed only
    /// when some rule is installed). Rules are tried in order; each that
    /// matches draws its probability, fires, and counts down; the first
    /// error ends the evaluation (later rules neither fire nor count).
    /// A call in no known scope: rules limited to a scope do not fire.
    pub fn decide(&self, op: &str, tables: impl FnOnce() -> Vec<String>) -> Decision {
        self.decide_in(op, || None, tables)
    }

    /// [`Faults::decide`] for a call in the scope `scope` gives (computed,
    /// like `tables`, only when some rule is installed).
    pub fn decide_in(
        &self,
        op: &str,
        scope: impl FnOnce() -> Option<Scope>,
        tables: impl FnOnce() -> Vec<String>,
    ) -> Decision {
        let mut decision = Decision::default();
        if !self.any.load(Ordering::Acquire) {
            return decision;
        }
        let tables = tables();
        let scope = scope();
        let mut rules = self.rules.lock();
        for r in rules.iter_mut() {
            if !r.rule.matches(op, &scope, &tables) || r.rule.count == Some(0) {
                continue;
            }
            if let Some(p) = r.rule.probability {
                if r.rng.f64() >= p {
                    continue;
                }
            }
            r.fired += 1;
            if let Some(n) = r.rule.count.as_mut() {
                *n -= 1;
            }
            decision.latency += r.rule.latency;
            match &r.rule.effect {
                FaultEffect::Error(kind) => {
                    decision.error = Some(injected(*kind));
                    break;
                }
                FaultEffect::Unprocessed(fraction) => {
                    let rng = fastrand::Rng::with_seed(r.rng.u64(..));
                    degradation(&mut decision).leave_unprocessed(r.rule.table.clone(), *fraction, rng);
                }
                FaultEffect::TransactionConflict => {
                    degradation(&mut decision).conflict(r.rule.table.clone());
                }
                FaultEffect::None => {}
            }
        }
        rules.retain(|r| r.rule.count != Some(0));
        self.any.store(!rules.is_empty(), Ordering::Release);
        decision
    }
}

fn degradation(decision: &mut Decision) -> &mut Degradation {
    decision.degradation.get_or_insert_with(Degradation::default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::degrade::{conflicts, leave_unprocessed};

    fn tables<'a>(names: &'a [&'a str]) -> impl FnOnce() -> Vec<String> + 'a {
        move || names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_one_shot_rule_fires_once_on_its_operation_and_table_only() {
        let faults = Faults::default();
        faults.add(
            FaultRule::error(ErrorKind::ProvisionedThroughputExceeded)
                .operation("PutItem")
                .table("a")
                .count(1),
        );
        assert!(faults.decide("GetItem", tables(&["a"])).error.is_none());
        assert!(faults.decide("PutItem", tables(&["b"])).error.is_none());
        let e = faults.decide("PutItem", tables(&["a"])).error.unwrap();
        assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceeded);
        assert_eq!(e.message, messages::INJECTED_THROUGHPUT_EXCEEDED);
        assert!(faults.decide("PutItem", tables(&["a"])).error.is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn a_rule_limited_to_a_scope_fires_only_there() {
        let faults = Faults::default();
        let one = Scope::access_key("us-east-1", "AKIDONE");
        faults.add(FaultRule::error(ErrorKind::Throttling).scope(one.clone()));
        let other = || Some(Scope::access_key("us-east-1", "AKIDTWO"));
        assert!(faults.decide_in("GetItem", other, tables(&["t"])).error.is_none());
        assert!(faults
            .decide_in("GetItem", || Some(Scope::region("us-east-1")), tables(&["t"]))
            .error
            .is_none());
        assert!(faults.decide("GetItem", tables(&["t"])).error.is_none());
        assert!(faults.decide_in("GetItem", || Some(one), tables(&["t"])).error.is_some());
    }

    #[test]
    fn probabilistic_rules_repeat_with_their_seed() {
        let run = |seed| {
            let faults = Faults::default();
            faults.add(FaultRule::error(ErrorKind::Throttling).probability(0.5, seed));
            (0..64).map(|_| faults.decide("GetItem", tables(&[])).error.is_some()).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let fired = run(7).iter().filter(|f| **f).count();
        assert!((16..48).contains(&fired), "{fired} of 64");
    }

    #[test]
    fn the_first_error_wins_and_later_rules_do_not_count_down() {
        let faults = Faults::default();
        faults.add(FaultRule::latency_only(Duration::from_millis(5)));
        faults.add(FaultRule::error(ErrorKind::ServiceUnavailable).count(1));
        faults.add(FaultRule::error(ErrorKind::Throttling).count(1));
        let d = faults.decide("Scan", tables(&["t"]));
        assert_eq!(d.error.unwrap().kind, ErrorKind::ServiceUnavailable);
        assert_eq!(d.latency, Duration::from_millis(5));
        assert_eq!(faults.list().len(), 2);
        assert_eq!(faults.decide("Scan", tables(&["t"])).error.unwrap().kind, ErrorKind::Throttling);
    }

    #[test]
    fn degradations_apply_only_within_their_call_and_to_their_kind_of_operation() {
        let faults = Faults::default();
        faults.add(FaultRule::unprocessed(1.0).table("a"));
        faults.add(FaultRule::transaction_conflict());
        assert!(faults.decide("PutItem", tables(&["a"])).degradation.is_none());
        let d = faults.decide("BatchWriteItem", tables(&["a", "b"])).degradation;
        with_degradation(d, || {
            assert!(leave_unprocessed("a"));
            assert!(!leave_unprocessed("b"));
            assert!(!conflicts("a"));
        });
        assert!(!leave_unprocessed("a"));
        let d = faults.decide("TransactWriteItems", tables(&["b"])).degradation;
        with_degradation(d, || assert!(conflicts("b")));
        assert!(!conflicts("b"));
    }
}
