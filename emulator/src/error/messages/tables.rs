//! Message texts of the control-plane operations (tables, indexes, TTL, tags).
//!
//! Texts marked "(observed)" were checked against messages the service has
//! been seen to return (quoted in public issue threads); the others follow
//! the service's phrasing as closely as known and may need adjusting.

const INVALID: &str = "One or more parameter values were invalid: ";

// ---- Key schema and attribute definitions -----------------------------------

/// More than two elements in a table or LSI key schema (observed; the value
/// is the list rendered as the service renders it).
pub fn key_schema_too_long(rendered: &str, path: &str) -> String {
    format!(
        "1 validation error detected: Value '{rendered}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to 2"
    )
}
/// Renders one key schema element the way the service does in messages.
pub fn key_schema_element(name: &str, key_type: &str) -> String {
    format!("KeySchemaElement(attributeName={name}, keyType={key_type})")
}
/// A required member absent (semantic check of a member the API model leaves optional).
pub fn member_null(path: &str) -> String {
    format!("1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null")
}
/// First key schema element is not HASH (observed).
pub const FIRST_KEY_NOT_HASH: &str = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type";
/// Second key schema element is not RANGE (observed).
pub const SECOND_KEY_NOT_RANGE: &str =
    "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type";
/// One HASH and one RANGE element naming the same attribute. The sentence
/// is the service's: quoted as a deployment error (CDK tables whose
/// partition and sort keys had one name) in a user's change notes in a
/// public repository, found by exact-string search; the `Invalid
/// KeySchema: ` prefix is recalled, as in the other key-schema texts.
pub const KEY_NAMES_EQUAL: &str =
    "Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name";
/// A key attribute without an attribute definition (observed).
pub const KEY_ATTRIBUTE_UNDEFINED: &str = "Invalid KeySchema: Some index key attribute have no definition";
/// Secondary index key attributes missing from AttributeDefinitions (CreateTable).
pub fn index_keys_undefined(keys: &[&str], defs: &[&str]) -> String {
    format!(
        "{INVALID}Some index key attributes are not defined in AttributeDefinitions. Keys: [{}], AttributeDefinitions: [{}]",
        keys.join(", "),
        defs.join(", ")
    )
}
/// Two attribute definitions with one name, whatever their types: the
/// service's text, quoted from DynamoDB (definitions `x` S and `x` N) in
/// scylladb/scylladb#13870 (https://github.com/scylladb/scylladb/issues/13870).
/// The emulator's earlier text ("Cannot have two attributes with the same
/// name") is DynamoDB Local's (architect/architect#828).
pub fn duplicate_attribute_definition(name: &str) -> String {
    format!("Attribute Name is duplicated: {name}")
}
/// Unused attribute definitions on a table without secondary indexes (observed).
pub const ATTRIBUTE_COUNT_MISMATCH: &str = "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions";
/// Unused attribute definitions on a table with secondary indexes (observed).
pub fn attribute_definitions_unused(defs: &[&str], used: &[&str]) -> String {
    format!(
        "{INVALID}Some AttributeDefinitions are not used. AttributeDefinitions: [{}], keys used: [{}]",
        defs.join(", "),
        used.join(", ")
    )
}

// ---- Secondary indexes ------------------------------------------------------

/// LSIs on a table without a sort key (observed).
pub const LSI_NEEDS_TABLE_RANGE: &str = "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex";
/// An LSI without a sort key.
pub fn lsi_needs_range(index: &str) -> String {
    format!("{INVALID}Index KeySchema does not have a range key for index: {index}")
}
/// An LSI whose partition key differs from the table's.
pub fn lsi_hash_mismatch(index: &str, index_hash: &str, table_hash: &str) -> String {
    format!(
        "{INVALID}Index KeySchema does not have the same leading hash key as table KeySchema for index: {index}. index hash key: {index_hash}, table hash key: {table_hash}"
    )
}
/// Two indexes with one name.
pub fn duplicate_index_name(index: &str) -> String {
    format!("{INVALID}Duplicate index name: {index}")
}
/// More than 5 LSIs.
pub const TOO_MANY_LSIS: &str =
    "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5";
/// More than 20 GSIs.
pub const TOO_MANY_GSIS: &str =
    "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20";
/// A GSI key schema with more than 4 partition or 4 sort key attributes.
pub fn gsi_key_too_many(index: &str) -> String {
    format!(
        "{INVALID}A KeySchema of a global secondary index can have at most 4 HASH and 4 RANGE elements for index: {index}"
    )
}
/// A GSI key schema listing a HASH element after a RANGE element.
pub const KEY_HASH_AFTER_RANGE: &str =
    "Invalid KeySchema: All HASH KeySchemaElements must come before the RANGE KeySchemaElements";
/// A key schema naming one attribute twice other than as one HASH and one
/// RANGE element: two HASH elements, or a multi-attribute GSI key (recalled).
pub const KEY_DUPLICATE_ATTRIBUTE: &str = "Invalid KeySchema: Some index key attributes are duplicated";
/// INCLUDE projection without NonKeyAttributes (observed).
pub const INCLUDE_WITHOUT_NON_KEY: &str =
    "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified";
/// NonKeyAttributes with a projection other than INCLUDE.
pub fn non_key_without_include(projection_type: &str) -> String {
    format!("{INVALID}ProjectionType is {projection_type}, but NonKeyAttributes is specified")
}
/// NonKeyAttributes naming one attribute twice (the service refuses it;
/// emulator wording).
pub fn duplicate_non_key_attribute(name: &str) -> String {
    format!("{INVALID}Duplicate NonKeyAttributes: {name}")
}
/// Projection without a ProjectionType.
pub const PROJECTION_TYPE_MISSING: &str =
    "One or more parameter values were invalid: Unknown ProjectionType: null";
/// More than 100 projected non-key attributes across all indexes.
pub const TOO_MANY_NON_KEY_ATTRIBUTES: &str = "One or more parameter values were invalid: Number of NonKeyAttributes across all of indexes exceeds the limit of 100";
/// A GSI without throughput on a provisioned table (observed).
pub fn gsi_throughput_missing(index: &str) -> String {
    format!("{INVALID}ProvisionedThroughput is not specified for index: {index}")
}
/// A GSI with throughput on an on-demand table (observed).
pub fn gsi_throughput_on_demand(index: &str) -> String {
    format!("{INVALID}ProvisionedThroughput should not be specified for index: {index} when BillingMode is PAY_PER_REQUEST")
}

// ---- Billing and throughput -------------------------------------------------

/// Provisioned billing without ProvisionedThroughput (observed).
/// BillingMode PROVISIONED given explicitly without ProvisionedThroughput
/// (observed 2024, awslabs/amazon-kinesis-client#1357).
pub const THROUGHPUT_REQUIRED_FOR_PROVISIONED: &str = "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED";
pub const TABLE_THROUGHPUT_MISSING: &str = "No provisioned throughput specified for the table";
/// On-demand billing with ProvisionedThroughput (observed).
pub const THROUGHPUT_ON_DEMAND: &str = "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST";
/// Throughput above the per-table quota (LimitExceededException).
pub const THROUGHPUT_LIMIT: &str = "Subscriber limit exceeded: Provisioned throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase";
/// UpdateTable with the throughput the table already has (observed).
pub fn throughput_unchanged(read: i64, write: i64) -> String {
    format!(
        "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {read}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the table: {write}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
    )
}
/// UpdateTable of a GSI to the throughput it already has.
pub fn index_throughput_unchanged(index: &str, read: i64, write: i64) -> String {
    format!(
        "The provisioned throughput for the index {index} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the index: {read}. Requested ReadCapacityUnits: {read}. Current WriteCapacityUnits provisioned for the index: {write}. Requested WriteCapacityUnits: {write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
    )
}

// ---- Streams and encryption -------------------------------------------------

/// Stream enabled without a view type.
pub const STREAM_VIEW_TYPE_MISSING: &str =
    "One or more parameter values were invalid: StreamViewType must be specified when StreamEnabled is true";
/// CreateTable with a disabled stream and a view type (observed).
pub const CREATE_STREAM_DISABLED_WITH_VIEW_TYPE: &str = "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified";
/// UpdateTable disabling a stream with a view type (observed: quoted in
/// hashicorp/terraform-provider-aws#1134).
pub const UPDATE_STREAM_DISABLED_WITH_VIEW_TYPE: &str =
    "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified";
/// Enabling a stream on a table that has one (observed: quoted in
/// scylladb/scylladb#6939 and hashicorp/terraform-provider-aws#18402).
pub fn stream_already_enabled(table: &str) -> String {
    format!("Table already has an enabled stream: TableName: {table}")
}
/// Disabling a stream on a table without one: a ValidationException (API
/// reference, UpdateTable StreamSpecification: "You receive a
/// ValidationException if you try to enable a stream on a table that
/// already has a stream, or if you try to disable a stream on a table that
/// doesn't have a stream"); the text mirrors the observed enabling one, no
/// quote of this one has been found.
pub fn stream_not_enabled(table: &str) -> String {
    format!("Table does not have an enabled stream: TableName: {table}")
}
/// KMS settings with SSE disabled.
pub const SSE_KMS_WITHOUT_ENABLED: &str =
    "One or more parameter values were invalid: KMSMasterKeyId can only be specified when SSE is enabled";
/// SSEType AES256, which the service no longer accepts.
pub const SSE_TYPE_AES256: &str =
    "One or more parameter values were invalid: Server-Side Encryption of type AES256 is not supported";

// ---- Table lifecycle --------------------------------------------------------

/// Table limit reached (LimitExceededException).
pub fn table_limit(limit: usize) -> String {
    format!("Subscriber limit exceeded: You have exceeded the maximum number of tables ({limit}) for this account and region")
}
/// A table (or index) busy in another transition (ResourceInUseException).
pub fn table_in_use(table: &str, phase: &str) -> String {
    format!("Attempt to change a resource which is still in use: Table is being {phase}: {table}")
}
/// DeleteTable on a protected table (observed).
pub const DELETION_PROTECTED: &str =
    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.";
/// UpdateTable with nothing to change.
pub const NOTHING_TO_UPDATE: &str = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required";
/// More than one index created or deleted by one UpdateTable (LimitExceededException, observed).
pub const ONE_INDEX_AT_A_TIME: &str =
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table";
/// A GlobalSecondaryIndexUpdates entry with no or several actions.
pub const GSI_UPDATE_ONE_ACTION: &str =
    "One or more parameter values were invalid: One and only one of Create, Update or Delete must be specified in a GlobalSecondaryIndexUpdate";
/// Updating or deleting an index that does not exist (ResourceNotFoundException).
pub fn index_not_found(table: &str, index: &str) -> String {
    format!("Requested resource not found: Table: {table} does not have Index: {index}")
}
/// Creating an index whose name is taken.
pub fn index_already_exists(index: &str) -> String {
    format!("{INVALID}Index already exists: {index}")
}
/// Two updates for one index in one request.
pub fn index_updated_twice(index: &str) -> String {
    format!(
        "{INVALID}Only one global secondary index update per index is allowed simultaneously. Index: {index}"
    )
}
/// A new GSI redefining an existing attribute with another type.
pub fn attribute_type_conflict(name: &str) -> String {
    format!("{INVALID}Cannot update attribute {name}. This attribute is part of a key of an existing index or table")
}
/// Switching to the billing mode the table already has, without other changes.
pub fn billing_mode_unchanged(mode: &str) -> String {
    format!("{INVALID}Table is already in {mode} billing mode")
}
/// Setting the class the table already has.
pub fn table_class_unchanged(class: &str) -> String {
    format!("{INVALID}Table is already in {class} table class")
}

// ---- Time to Live -----------------------------------------------------------

/// Enabling TTL that is enabled.
pub const TTL_ALREADY_ENABLED: &str = "TimeToLive is already enabled";
/// Disabling TTL that is not enabled.
pub const TTL_ALREADY_DISABLED: &str = "TimeToLive is already disabled";
/// Enabling or disabling TTL with another attribute than the active one.
pub fn ttl_other_attribute(current: &str) -> String {
    format!("TimeToLive is active on a different AttributeName: current AttributeName is {current}")
}

// ---- Tags -------------------------------------------------------------------

/// A ResourceArn that is not a DynamoDB table ARN of this account and region.
pub fn invalid_resource_arn(arn: &str) -> String {
    format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}")
}
/// A table ARN naming no table (observed, including the service's spelling).
pub fn resource_arn_not_found(arn: &str) -> String {
    format!("Requested resource not found: ResourcArn: {arn} not found")
}
/// More than 50 tags on one resource (LimitExceededException).
pub const TOO_MANY_TAGS: &str =
    "One or more parameter values were invalid: The number of tags exceeds the limit of 50";
/// A tag key in the reserved `aws:` namespace.
pub const RESERVED_TAG_KEY: &str =
    "One or more parameter values were invalid: Tag keys starting with 'aws:' are reserved for system use";
/// Two tags with one key in one request.
pub const DUPLICATE_TAG_KEY: &str = "One or more parameter values were invalid: Duplicate tag keys found";
/// An invalid ListTagsOfResource NextToken.
pub const INVALID_NEXT_TOKEN: &str = "Invalid NextToken";
