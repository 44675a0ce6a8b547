//! Backups, point-in-time recovery, exports and imports. The service does
//! not document these texts; they follow the shape of its other messages
//! (the resource named at the end) and say what is wrong.

/// TableNotFoundException: a backup or PITR call names a missing table.
pub fn backup_table_not_found(name: &str) -> String {
    format!("Table not found: {name}")
}

/// TableInUseException: the table is not ACTIVE.
pub fn backup_table_in_use(name: &str) -> String {
    format!("Table is not in ACTIVE state: {name}")
}

/// TableAlreadyExistsException: a restore's target exists.
pub fn restore_target_exists(name: &str) -> String {
    format!("Table already exists: {name}")
}

/// BackupNotFoundException.
pub fn backup_not_found(arn: &str) -> String {
    format!("Backup not found: {arn}")
}

/// BackupInUseException: the backup is still being created.
pub fn backup_in_use(arn: &str) -> String {
    format!("Backup is being created: {arn}")
}

/// PointInTimeRecoveryUnavailableException.
pub fn pitr_not_enabled(name: &str) -> String {
    format!("Point in time recovery is not enabled for table '{name}'")
}

/// InvalidRestoreTimeException / InvalidExportTimeException: the time is
/// outside the window (epoch seconds, as the SDKs send them).
pub fn time_outside_window(what: &str, at: f64, earliest: f64, latest: f64) -> String {
    format!(
        "{what} time {at:.3} is outside the recoverable window: it must be between {earliest:.3} and {latest:.3}"
    )
}

/// ValidationException: RestoreTableToPointInTime names no source table.
pub const RESTORE_NEEDS_SOURCE: &str = "Either SourceTableArn or SourceTableName must be specified";

/// ValidationException: both restore time forms.
pub const RESTORE_TIME_TWICE: &str =
    "Only one of RestoreDateTime or UseLatestRestorableTime may be specified";

/// ValidationException: no restore time.
pub const RESTORE_TIME_MISSING: &str = "Either RestoreDateTime or UseLatestRestorableTime must be specified";

/// ValidationException: the recovery period is only for enabling.
pub const RECOVERY_PERIOD_WHEN_DISABLED: &str =
    "RecoveryPeriodInDays can only be specified when PointInTimeRecoveryEnabled is true";

/// ExportNotFoundException.
pub fn export_not_found(arn: &str) -> String {
    format!("Export not found: {arn}")
}

/// ImportNotFoundException.
pub fn import_not_found(arn: &str) -> String {
    format!("Import not found: {arn}")
}

/// ExportConflictException / ImportConflictException: a client token reused
/// with other parameters.
pub fn token_conflict(what: &str, token: &str) -> String {
    format!("{what} with client token {token} already exists with different parameters")
}

/// ValidationException: an incremental export without its specification,
/// or an invalid period.
pub const INCREMENTAL_EXPORT_PERIOD: &str =
    "IncrementalExportSpecification must give an ExportFromTime before its ExportToTime, within 24 hours and at least 15 minutes apart";

/// ValidationException: an ExportTime with an incremental export.
pub const EXPORT_TIME_WITH_INCREMENTAL: &str = "ExportTime cannot be specified for an incremental export";

/// ValidationException: an ExportFormat outside the model's enum (the
/// model's constraint text).
pub fn export_format_unsupported(format: &str) -> String {
    super::validation_errors(&[super::constraint_failure(
        &format!("'{format}'"),
        "exportFormat",
        &super::enum_value(&["DYNAMODB_JSON", "ION"]),
    )])
}

/// ValidationException: an InputFormat outside the model's enum (the
/// model's constraint text).
pub fn import_format_unsupported(format: &str) -> String {
    super::validation_errors(&[super::constraint_failure(
        &format!("'{format}'"),
        "inputFormat",
        &super::enum_value(&["DYNAMODB_JSON", "ION", "CSV"]),
    )])
}

/// ValidationException: no `--s3-dir` is configured.
pub const NO_S3_DIR: &str =
    "This emulator has no S3 folder: start it with --s3-dir DIR (Builder::s3_dir) to export and import";
