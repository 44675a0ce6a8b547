//! Message texts of the DynamoDB Streams operations.
//!
//! Texts marked "(observed)" were seen in errors of the live service
//! (quoted in public issue threads); "(model)" ones are the API model's
//! documentation of the error; the rest are the emulator's wording where
//! no source gives the service's.

/// A stream ARN that names no stream (or one past its 24 hours).
pub fn stream_not_found(arn: &str) -> String {
    format!("Requested resource not found: Stream: {arn} not found")
}
/// A shard id the stream does not have (observed).
pub const SHARD_NOT_FOUND: &str = "Requested resource not found: Shard does not exist";
/// A shard iterator older than 15 minutes (model).
pub const ITERATOR_EXPIRED: &str = "The provided iterator exceeds the maximum age allowed.";
/// A position whose records are past the 24-hour retention (observed).
pub const DATA_TRIMMED: &str = "The data you are trying to access has been trimmed";
/// A shard iterator the emulator did not issue (or that was altered).
pub const INVALID_SHARD_ITERATOR: &str = "Invalid ShardIterator";
/// AT_SEQUENCE_NUMBER / AFTER_SEQUENCE_NUMBER without a SequenceNumber.
pub fn sequence_number_required(iterator_type: &str) -> String {
    format!("SequenceNumber must be provided for ShardIteratorType {iterator_type}")
}
/// A SequenceNumber that is not a record position of the shard.
pub fn invalid_sequence_number(seq: &str, shard_id: &str) -> String {
    format!("Invalid SequenceNumber {seq} for shard {shard_id}")
}
/// AT_TIMESTAMP without a Timestamp.
pub const TIMESTAMP_REQUIRED: &str = "Timestamp must be provided for ShardIteratorType AT_TIMESTAMP";
/// AT_TIMESTAMP with a time in the future (the model documents a ValidationException).
pub const TIMESTAMP_IN_FUTURE: &str = "The Timestamp must not be in the future";
