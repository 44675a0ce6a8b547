//! Control-plane metadata of tables and indexes: what DescribeTable reports
//! beyond the key schema. Owned by the control-plane operations; the data
//! plane only reads the status ([`TableMeta::status`],
//! [`TableMeta::serves_data_plane`], [`IndexMeta::is_queryable`]).
//!
//! Status transitions are lazy: an operation that starts a transition stores
//! the phase and a deadline (`now + Config::transition_delay`); readers
//! compute the current status when they look. A zero delay means no deadline
//! at all: the table is ACTIVE at once (or gone, for a deletion).

use super::schema::{IndexDef, ScalarType};
use std::time::SystemTime;

/// A table's (or index's) lifecycle phase, as the service names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TableStatus {
    /// Being created.
    Creating,
    /// Being updated.
    Updating,
    /// Being deleted.
    Deleting,
    /// Ready.
    #[default]
    Active,
}

impl TableStatus {
    /// `CREATING`, `UPDATING`, `DELETING` or `ACTIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::Creating => "CREATING",
            TableStatus::Updating => "UPDATING",
            TableStatus::Deleting => "DELETING",
            TableStatus::Active => "ACTIVE",
        }
    }
}

/// A phase that ends at a deadline. `until: None` means the phase is
/// permanent (ACTIVE) or already over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Lifecycle {
    /// The phase entered.
    pub phase: TableStatus,
    /// When the phase ends, in the emulator clock's milliseconds since the
    /// epoch (CREATING/UPDATING become ACTIVE, DELETING becomes gone).
    pub until: Option<u64>,
}

impl Lifecycle {
    /// Permanently ACTIVE.
    pub fn active() -> Self {
        Lifecycle { phase: TableStatus::Active, until: None }
    }

    /// Enters `phase` at `now_ms` for `delay` (no phase at all when `delay`
    /// is zero: ACTIVE, or gone for DELETING).
    pub fn start(phase: TableStatus, delay: std::time::Duration, now_ms: u64) -> Self {
        if delay.is_zero() {
            match phase {
                TableStatus::Deleting => Lifecycle { phase, until: Some(now_ms) },
                _ => Lifecycle::active(),
            }
        } else {
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            Lifecycle { phase, until: Some(now_ms.saturating_add(delay_ms)) }
        }
    }

    /// The status at `now` (clock milliseconds); `None` once a deletion has
    /// completed.
    pub fn at(&self, now: u64) -> Option<TableStatus> {
        match self.until {
            Some(t) if now >= t => match self.phase {
                TableStatus::Deleting => None,
                _ => Some(TableStatus::Active),
            },
            _ => Some(self.phase),
        }
    }
}

/// How reads and writes are paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum BillingMode {
    /// Provisioned capacity.
    #[default]
    Provisioned,
    /// On-demand.
    PayPerRequest,
}

impl BillingMode {
    /// `PROVISIONED` or `PAY_PER_REQUEST`.
    pub fn as_str(self) -> &'static str {
        match self {
            BillingMode::Provisioned => "PROVISIONED",
            BillingMode::PayPerRequest => "PAY_PER_REQUEST",
        }
    }
    /// Parses the service's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PROVISIONED" => Some(BillingMode::Provisioned),
            "PAY_PER_REQUEST" => Some(BillingMode::PayPerRequest),
            _ => None,
        }
    }
}

/// Provisioned throughput of a table or GSI (zero for on-demand).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Throughput {
    /// Read capacity units.
    pub read: i64,
    /// Write capacity units.
    pub write: i64,
    /// Last time either value went up.
    pub last_increase: Option<SystemTime>,
    /// Last time either value went down.
    pub last_decrease: Option<SystemTime>,
    /// Decreases during the current UTC day.
    pub decreases_today: i64,
}

impl Throughput {
    /// Fresh settings with no history.
    pub fn new(read: i64, write: i64) -> Self {
        Throughput { read, write, ..Default::default() }
    }

    /// Applies new values, recording an increase and/or decrease.
    pub fn change(&mut self, read: i64, write: i64, now: SystemTime) {
        if read > self.read || write > self.write {
            self.last_increase = Some(now);
        }
        if read < self.read || write < self.write {
            let same_day = self.last_decrease.is_some_and(|t| utc_day(t) == utc_day(now));
            self.decreases_today = if same_day { self.decreases_today + 1 } else { 1 };
            self.last_decrease = Some(now);
        }
        self.read = read;
        self.write = write;
    }

    /// Decreases made today (zero once the UTC day has changed).
    pub fn decreases_today_at(&self, now: SystemTime) -> i64 {
        match self.last_decrease {
            Some(t) if utc_day(t) == utc_day(now) => self.decreases_today,
            _ => 0,
        }
    }
}

fn utc_day(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400)
}

/// On-demand maximum request units (`OnDemandThroughput`); `-1` means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct OnDemandLimits {
    /// `MaxReadRequestUnits`.
    pub max_read: Option<i64>,
    /// `MaxWriteRequestUnits`.
    pub max_write: Option<i64>,
}

/// Warm throughput (`WarmThroughput`), in units per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WarmThroughput {
    /// Read units per second.
    pub read: i64,
    /// Write units per second.
    pub write: i64,
}

impl Default for WarmThroughput {
    /// The values the service reports for a new table or index.
    fn default() -> Self {
        WarmThroughput { read: 12_000, write: 4_000 }
    }
}

/// An enabled stream.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StreamMeta {
    /// `KEYS_ONLY`, `NEW_IMAGE`, `OLD_IMAGE` or `NEW_AND_OLD_IMAGES`.
    pub view_type: String,
    /// `LatestStreamLabel`: an ISO-8601 timestamp of when it was enabled.
    pub label: String,
    /// `LatestStreamArn`: `{table arn}/stream/{label}`.
    pub arn: String,
}

/// Server-side encryption with a KMS key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SseMeta {
    /// `KMSMasterKeyArn`.
    pub kms_key_arn: String,
}

/// `STANDARD` or `STANDARD_INFREQUENT_ACCESS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum TableClass {
    /// `STANDARD`.
    #[default]
    Standard,
    /// `STANDARD_INFREQUENT_ACCESS`.
    StandardInfrequentAccess,
}

impl TableClass {
    /// The service's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TableClass::Standard => "STANDARD",
            TableClass::StandardInfrequentAccess => "STANDARD_INFREQUENT_ACCESS",
        }
    }
    /// Parses the service's spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "STANDARD" => Some(TableClass::Standard),
            "STANDARD_INFREQUENT_ACCESS" => Some(TableClass::StandardInfrequentAccess),
            _ => None,
        }
    }
}

/// Time to Live settings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TtlMeta {
    /// The attribute holding expiry times (epoch seconds).
    pub attribute: String,
    /// Whether expiry is on. A disabled TTL keeps its attribute name for
    /// the error messages and DescribeTimeToLive stays `DISABLED`.
    pub enabled: bool,
}

/// A GSI being deleted: described as DELETING until its deadline, never queried.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeletingIndex {
    /// The index as it was.
    pub def: IndexDef,
    /// When it disappears from DescribeTable (clock milliseconds).
    pub until: u64,
}

/// A table's control-plane metadata.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableMeta {
    /// `arn:aws:dynamodb:{region}:{account}:table/{name}`.
    pub arn: String,
    /// A UUID-shaped identifier, fixed at creation.
    pub id: String,
    /// When CreateTable ran.
    pub created_at: SystemTime,
    /// CREATING / UPDATING / DELETING with its deadline, or ACTIVE.
    pub lifecycle: Lifecycle,
    /// `AttributeDefinitions`, in the order DescribeTable reports them.
    pub attribute_definitions: Vec<(String, ScalarType)>,
    /// The billing mode.
    pub billing_mode: BillingMode,
    /// Whether `BillingModeSummary` is reported (on-demand tables, and
    /// tables whose mode was given explicitly or changed).
    pub billing_mode_reported: bool,
    /// When the table last switched to (or was created with) PAY_PER_REQUEST.
    pub last_update_to_pay_per_request: Option<SystemTime>,
    /// Provisioned throughput (zero for on-demand).
    pub throughput: Throughput,
    /// `OnDemandThroughput`, when given.
    pub on_demand: Option<OnDemandLimits>,
    /// `WarmThroughput`.
    pub warm: WarmThroughput,
    /// The enabled stream, if any.
    pub stream: Option<StreamMeta>,
    /// Label and ARN of the most recent stream (kept after it is disabled).
    pub latest_stream: Option<(String, String)>,
    /// KMS encryption, when enabled (absent: AWS-owned key, not reported).
    pub sse: Option<SseMeta>,
    /// The table class.
    pub table_class: TableClass,
    /// Whether `TableClassSummary` is reported (class given or changed).
    pub table_class_reported: bool,
    /// When the class last changed.
    pub table_class_updated: Option<SystemTime>,
    /// Tags, in the order they were first added.
    pub tags: Vec<(String, String)>,
    /// `DeletionProtectionEnabled`.
    pub deletion_protection: bool,
    /// Time to Live, once it has been configured.
    pub ttl: Option<TtlMeta>,
    /// GSIs being deleted (no longer in `TableDef::indexes`).
    pub deleting_indexes: Vec<DeletingIndex>,
    /// Point-in-time recovery, while enabled.
    #[serde(default)]
    pub pitr: Option<PitrMeta>,
    /// Where a restored table came from (`RestoreSummary`).
    #[serde(default)]
    pub restored: Option<RestoreMeta>,
}

/// Point-in-time recovery settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PitrMeta {
    /// When it was enabled (clock milliseconds): nothing earlier can be restored.
    pub enabled_ms: u64,
    /// `RecoveryPeriodInDays` (1 to 35).
    pub period_days: u32,
}

impl PitrMeta {
    /// The recovery window's length in milliseconds.
    pub fn period_ms(&self) -> u64 {
        u64::from(self.period_days) * 86_400_000
    }

    /// `EarliestRestorableDateTime` at `now_ms`.
    pub fn earliest_ms(&self, now_ms: u64) -> u64 {
        self.enabled_ms.max(now_ms.saturating_sub(self.period_ms()))
    }
}

/// How a table came to be restored.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestoreMeta {
    /// `SourceBackupArn`, for a restore from a backup.
    pub source_backup_arn: Option<String>,
    /// `SourceTableArn`.
    pub source_table_arn: String,
    /// `RestoreDateTime` (clock milliseconds): the point restored.
    pub restore_ms: u64,
}

impl Default for TableMeta {
    fn default() -> Self {
        TableMeta {
            arn: String::new(),
            id: String::new(),
            created_at: SystemTime::UNIX_EPOCH,
            lifecycle: Lifecycle::active(),
            attribute_definitions: Vec::new(),
            billing_mode: BillingMode::Provisioned,
            billing_mode_reported: false,
            last_update_to_pay_per_request: None,
            throughput: Throughput::default(),
            on_demand: None,
            warm: WarmThroughput::default(),
            stream: None,
            latest_stream: None,
            sse: None,
            table_class: TableClass::Standard,
            table_class_reported: false,
            table_class_updated: None,
            tags: Vec::new(),
            deletion_protection: false,
            ttl: None,
            deleting_indexes: Vec::new(),
            pitr: None,
            restored: None,
        }
    }
}

impl TableMeta {
    /// The table's status at `now` (clock milliseconds); `None` once a
    /// deletion has completed (the table is gone even if its entry has not
    /// been purged yet).
    pub fn status(&self, now: u64) -> Option<TableStatus> {
        self.lifecycle.at(now)
    }

    /// Whether reads and writes may use the table: ACTIVE, UPDATING, or
    /// DELETING until the deletion completes (the service "might continue to
    /// accept" them). A CREATING table answers ResourceNotFoundException.
    pub fn serves_data_plane(&self, now: u64) -> bool {
        matches!(self.status(now), Some(TableStatus::Active | TableStatus::Updating | TableStatus::Deleting))
    }

    /// Whether the table no longer exists (its deletion has completed).
    pub fn is_gone(&self, now: u64) -> bool {
        self.status(now).is_none()
    }

    /// Whether Time to Live is enabled, and on which attribute.
    pub fn ttl_attribute(&self) -> Option<&str> {
        self.ttl.as_ref().filter(|t| t.enabled).map(|t| t.attribute.as_str())
    }
}

/// A secondary index's control-plane metadata.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct IndexMeta {
    /// `{table arn}/index/{name}`.
    pub arn: String,
    /// CREATING until its deadline, or ACTIVE. GSIs only.
    pub lifecycle: Lifecycle,
    /// Whether a CREATING GSI is being back-filled (added by UpdateTable).
    pub backfilling: bool,
    /// GSI provisioned throughput (zero for on-demand tables); LSIs: unused.
    pub throughput: Throughput,
    /// GSI `OnDemandThroughput`, when given.
    pub on_demand: Option<OnDemandLimits>,
    /// GSI warm throughput.
    pub warm: WarmThroughput,
}

impl IndexMeta {
    /// The index status now (a GSI created by UpdateTable is CREATING for a while).
    pub fn status(&self, now: u64) -> TableStatus {
        self.lifecycle.at(now).unwrap_or(TableStatus::Active)
    }

    /// Whether Query and Scan may use the index (not while it back-fills).
    pub fn is_queryable(&self, now: u64) -> bool {
        self.status(now) == TableStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn lifecycle_settles_lazily() {
        let now = 1_000_000;
        let l = Lifecycle::start(TableStatus::Creating, Duration::from_secs(5), now);
        assert_eq!(l.at(now), Some(TableStatus::Creating));
        assert_eq!(l.at(now + 5_000), Some(TableStatus::Active));
        let d = Lifecycle::start(TableStatus::Deleting, Duration::from_secs(5), now);
        assert_eq!(d.at(now), Some(TableStatus::Deleting));
        assert_eq!(d.at(now + 6_000), None);
        assert_eq!(
            Lifecycle::start(TableStatus::Creating, Duration::ZERO, now).at(now),
            Some(TableStatus::Active)
        );
        assert_eq!(Lifecycle::start(TableStatus::Deleting, Duration::ZERO, now).at(now), None);
    }

    #[test]
    fn throughput_history() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400 * 100);
        let mut t = Throughput::new(5, 5);
        t.change(10, 5, t0);
        assert_eq!(t.last_increase, Some(t0));
        t.change(1, 5, t0);
        t.change(1, 1, t0);
        assert_eq!(t.decreases_today_at(t0), 2);
        assert_eq!(t.decreases_today_at(t0 + Duration::from_secs(86_400)), 0);
    }
}
