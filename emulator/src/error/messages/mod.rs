//! Every message text the emulator sends, in one place.
//!
//! The service rewords messages from time to time; keeping the templates here
//! (constants for fixed texts, small functions for texts with parameters)
//! means following it is a change to this folder only. Call sites never build
//! a user-visible message inline. Texts are grouped by area: this file holds
//! protocol, validation and item texts; [`tables`] the control plane;
//! [`expressions`] the expression language.

mod backups;
mod expressions;
mod harness;
pub mod partiql;
mod streams;
mod tables;

pub use backups::*;
pub use expressions::*;
pub use harness::*;
pub use streams::*;
pub use tables::*;

// ---- Protocol --------------------------------------------------------------

/// A bug inside the emulator (never expected).
pub const INTERNAL_ERROR: &str = "Internal server error";

/// A durable emulator could not log a write (the emulator's own text: the
/// service has no data directory).
pub fn not_durable(why: &str) -> String {
    format!("Internal server error: the write could not be made durable ({why})")
}
/// A scope (region / access key database) whose data folder could not be opened.
pub fn scope_unavailable(scope: &str, why: &str) -> String {
    format!("Internal server error: the database of {scope} could not be opened ({why})")
}
/// A scope asked for through another scope's service.
pub fn scope_from_scope(region: &str) -> String {
    format!("Internal server error: scope {region} must be reached through the emulator's own service")
}
/// Authorization header absent.
pub const MISSING_AUTH_TOKEN: &str = "Request is missing Authentication Token";
/// Request body exceeds the size the service accepts.
pub const REQUEST_TOO_LARGE: &str = "Request size exceeded the maximum allowed";
/// A JSON object where the model has a scalar or a list (the service's
/// text, quoted in aws/aws-sdk-js-v3 issue #7102 and aws-amplify/amplify-js
/// issue #13265). The name is older than the texts below: a body that is
/// not well-formed JSON gets one of those, which say what is wrong.
pub const MALFORMED_JSON: &str = "Start of structure or map found where not expected";
/// Body is well-formed JSON but not an object.
pub const BODY_NOT_OBJECT: &str = "Expected a JSON object as the request body.";

// ---- Bodies that are not well-formed JSON (SerializationException) ----------
//
// Issue 15 (observed on the live service): the SerializationException for a
// body that is not well-formed JSON says what is wrong (invalid UTF-8,
// truncated JSON, trailing data, ...) with a position suffix. No public
// quote of the current wording was found (searched: GitHub issues, web
// pages, documentation); older observations (2012-2018) show the service
// answering such bodies with a bare
// `{"__type":"com.amazon.coral.service#SerializationException"}` and no
// message (aws/aws-sdk-js issue #46, totemstech/node-dynamodb issue #9,
// amazon-archives/aws-sdk-unity issue #54). So the wording below is ours,
// in one style: a short sentence naming the fault, then `at line L, column
// C`. Lines and columns are 1-based; lines end at LF; a column counts
// characters (Unicode code points), not bytes, so a multi-byte character
// before the fault counts once. One fault is reported: the first in body
// order (`http::json_body`).

/// The position suffix of every text below: ` at line {line}, column {column}`.
fn at(line: usize, column: usize) -> String {
    format!(" at line {line}, column {column}")
}
/// A byte sequence that is not UTF-8 (inside a string or outside); the
/// position is the first byte of the bad sequence. Wording ours (see above).
pub fn body_invalid_utf8(line: usize, column: usize) -> String {
    format!("Invalid UTF-8 byte sequence{}", at(line, column))
}
/// The body ends inside a value, object, array or string, or holds no value
/// at all; the position is the end of the body. Wording ours (see above).
pub fn body_truncated(line: usize, column: usize) -> String {
    format!("Unexpected end of JSON input{}", at(line, column))
}
/// Something other than whitespace after the one top-level value (`{}{}`,
/// `{} x`); the position is its first character. Wording ours (see above).
pub fn body_trailing_data(line: usize, column: usize) -> String {
    format!("Unexpected data after the JSON value{}", at(line, column))
}
/// A character the JSON grammar does not allow where it stands (a missing
/// `:` or `,`, an unquoted key, a trailing comma, a raw control character
/// in a string, a misspelt `true`). `shown` is the character quoted
/// (`'x'`), or `U+000A` for one that does not print. Wording ours (see above).
pub fn body_unexpected_character(shown: &str, line: usize, column: usize) -> String {
    format!("Unexpected character {shown}{}", at(line, column))
}
/// A backslash escape JSON does not define (`\q`), a `\u` escape that is
/// not four hex digits, or a lone surrogate. Wording ours (see above).
pub fn body_invalid_escape(line: usize, column: usize) -> String {
    format!("Invalid escape sequence{}", at(line, column))
}
/// A number literal JSON does not allow (`01`, `1.`, `-`), or one too large
/// for a double (`1e400`). Wording ours (see above).
pub fn body_invalid_number(line: usize, column: usize) -> String {
    format!("Invalid number{}", at(line, column))
}
/// Arrays and objects nested 128 levels deep or more (the parser's limit;
/// a body within it whose attribute values nest deeper than 32 levels gets
/// the ValidationException [`NESTING_TOO_DEEP`]); the position is the
/// bracket that opens the 128th level. Wording ours (see above).
pub fn body_nested_too_deep(line: usize, column: usize) -> String {
    format!("JSON nesting too deep{}", at(line, column))
}

/// A member of the wrong JSON type (`SerializationException`).
pub fn wrong_json_type(found: &str, expected: &str) -> String {
    format!("{found} cannot be converted to {expected}")
}

// ---- Constraint validation --------------------------------------------------

/// Header of a constraint-validation message: "1 validation error detected: ".
pub fn validation_errors(errors: &[String]) -> String {
    let n = errors.len();
    let noun = if n == 1 { "error" } else { "errors" };
    format!("{n} validation {noun} detected: {}", errors.join("; "))
}
/// One constraint failure: `Value '{value}' at '{path}' failed to satisfy constraint: {constraint}`.
/// An empty `value` leaves it out ("Value at '...'"), as the service does
/// for values it would print as Java objects (attribute values).
pub fn constraint_failure(value: &str, path: &str, constraint: &str) -> String {
    if value.is_empty() {
        return format!("Value at '{path}' failed to satisfy constraint: {constraint}");
    }
    format!("Value {value} at '{path}' failed to satisfy constraint: {constraint}")
}
/// "Member must satisfy constraint: [...]": an element of a list fails.
pub fn list_member_constraint(all: &str) -> String {
    format!("Member must satisfy constraint: {all}")
}
/// "Map keys must satisfy constraint: [...]": a key of a map fails.
pub fn map_key_constraint(all: &str) -> String {
    format!("Map keys must satisfy constraint: {all}")
}
/// "Map value must satisfy constraint: [...]": a value of a map fails.
pub fn map_value_constraint(all: &str) -> String {
    format!("Map value must satisfy constraint: {all}")
}
/// A required top-level member absent from the request (issue 15, the
/// service's texts: "The parameter 'TableName' is required but was not
/// present in the request"; BatchGetItem words it "The requestItems
/// parameter is required for BatchGetItem").
pub fn required_parameter_missing(operation: &str, member: &str) -> String {
    if operation == "BatchGetItem" && member == "RequestItems" {
        return "The requestItems parameter is required for BatchGetItem".to_string();
    }
    format!("The parameter '{member}' is required but was not present in the request")
}
/// Constraint: required member absent (members of nested structures).
pub const MUST_NOT_BE_NULL: &str = "Member must not be null";
/// Constraint: string/list shorter than `min`.
pub fn min_length(min: i64) -> String {
    format!("Member must have length greater than or equal to {min}")
}
/// Constraint: string/list longer than `max`.
pub fn max_length(max: i64) -> String {
    format!("Member must have length less than or equal to {max}")
}
/// Constraint: number below `min`.
pub fn min_value(min: i64) -> String {
    format!("Member must have value greater than or equal to {min}")
}
/// Constraint: number above `max`.
pub fn max_value(max: i64) -> String {
    format!("Member must have value less than or equal to {max}")
}
/// Constraint: string outside an enum.
pub fn enum_value(values: &[&str]) -> String {
    format!("Member must satisfy enum value set: [{}]", values.join(", "))
}
/// Constraint: string not matching a pattern.
pub fn pattern(p: &str) -> String {
    format!("Member must satisfy regular expression pattern: {p}")
}

// ---- Tables ----------------------------------------------------------------

/// TagResource / UntagResource on a table ARN that does not exist: the
/// service answers AccessDeniedException (observed; wording modelled on its
/// authorization failures).
pub fn not_authorized(operation: &str, arn: &str) -> String {
    format!("User is not authorized to perform: dynamodb:{operation} on resource: {arn}")
}
/// A tag key or value with a character outside the allowed set (tagging
/// rules: letters, digits, white space and `_ . : / = + - @`; emulator wording).
pub fn invalid_tag_characters(text: &str) -> String {
    format!("One or more parameter values were invalid: Invalid characters in tag key or value: {text}")
}

/// Table (or ARN) that does not exist, for data-plane operations.
pub fn resource_not_found() -> String {
    "Requested resource not found".to_string()
}
/// Table that does not exist, for control-plane operations that name it.
pub fn table_not_found(name: &str) -> String {
    format!("Requested resource not found: Table: {name} not found")
}
/// CreateTable on a name that exists.
pub fn table_already_exists(name: &str) -> String {
    format!("Table already exists: {name}")
}

// ---- Items and values ------------------------------------------------------

/// An attribute name that is the empty string, in an item, a key, a map
/// value or AttributesToGet (the service refuses it with a
/// ValidationException; emulator wording).
pub const EMPTY_ATTRIBUTE_NAME: &str = "One or more parameter values were invalid: Empty attribute name";

/// ConditionalCheckFailedException's message.
pub const CONDITIONAL_CHECK_FAILED: &str = "The conditional request failed";
/// An AttributeValue with no data type member set.
pub const ATTRIBUTE_VALUE_EMPTY: &str =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";
/// An AttributeValue with more than one data type member set.
pub const ATTRIBUTE_VALUE_MULTIPLE: &str =
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
/// NULL given as false.
pub const NULL_MUST_BE_TRUE: &str =
    "One or more parameter values were invalid: Null attribute value types must have the value of true";
/// A set with duplicates (after normalisation).
pub fn duplicate_in_set(set_kind: &str) -> String {
    format!("One or more parameter values were invalid: Input collection {set_kind} contains duplicates.")
}
/// An empty `SS`/`NS`/`BS`; `kind` is `string`, `number` or `binary`. The
/// service's text for string and number sets has "An" and two spaces before
/// "may"; an empty binary set has its own text ("Binary sets should not be
/// empty", issue 15, observed).
pub fn empty_set(kind: &str) -> String {
    if kind == "binary" {
        return "One or more parameter values were invalid: Binary sets should not be empty".to_string();
    }
    format!("One or more parameter values were invalid: An {kind} set  may not be empty")
}
/// Duplicates in an `NS` or `BS` (numbers compared after normalisation). Unlike
/// string sets, the service neither lists the elements nor adds the
/// "One or more parameter values were invalid: " prefix.
pub const DUPLICATE_IN_NUMBER_OR_BINARY_SET: &str = "Input collection contains duplicates";
/// `B`/`BS` text whose length is not a multiple of 4 (`SerializationException`).
pub fn base64_bad_length(len: usize) -> String {
    format!("Base64 encoded length is expected a multiple of 4 bytes but found: {len}")
}
/// `B`/`BS` text with a character outside the base64 alphabet or misplaced
/// padding (`SerializationException`). Text not confirmed against the service.
pub const BASE64_INVALID: &str = "Invalid Base64 character found in the encoded binary value";
/// A JSON array where a scalar or structure was expected (`SerializationException`).
pub const LIST_NOT_EXPECTED: &str = "Start of list found where not expected";
/// A number string that does not parse (issue 15: the service's text).
pub const NUMBER_INVALID: &str = "The parameter cannot be converted to a numeric value";
/// A number over 9.9999999999999999999999999999999999999E+125.
pub const NUMBER_OVERFLOW: &str =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
/// A non-zero number under 1E-130.
pub const NUMBER_UNDERFLOW: &str =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
/// More than 38 significant digits.
pub const NUMBER_PRECISION: &str = "Attempting to store more than 38 significant digits in a Number";
/// Item (after an update) over 400 KB.
pub const ITEM_TOO_LARGE: &str = "Item size has exceeded the maximum allowed size";
/// Nesting deeper than 32 levels.
pub const NESTING_TOO_DEEP: &str = "Nesting Levels have exceeded supported limits";
/// A key given with the wrong set of attributes.
pub const KEY_SCHEMA_MISMATCH: &str = "The provided key element does not match the schema";
/// Key attribute given with a type other than the schema's.
pub fn key_type_mismatch(name: &str, expected: &str, actual: &str) -> String {
    format!(
        "One or more parameter values were invalid: Type mismatch for key {name} expected: {expected} actual: {actual}"
    )
}
/// Item lacks a key attribute.
pub fn missing_key_in_item(name: &str) -> String {
    format!("One or more parameter values were invalid: Missing the key {name} in the item")
}
/// Empty string/binary used as a key value.
pub fn empty_key_value(name: &str) -> String {
    format!(
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: {name}"
    )
}
/// Partition key value over 2048 bytes.
pub const HASH_KEY_TOO_LARGE: &str =
    "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes";
/// Sort key value over 1024 bytes.
pub const RANGE_KEY_TOO_LARGE: &str =
    "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes";
/// Index key attribute given with the wrong type.
pub fn index_key_type_mismatch(index: &str, expected: &str, actual: &str, name: &str) -> String {
    format!(
        "One or more parameter values were invalid: Type mismatch for Index Key {name} Expected: {expected} Actual: {actual} IndexName: {index}"
    )
}
/// Empty string/binary used as an index key value.
pub fn empty_index_key_value(index: &str, name: &str) -> String {
    format!(
        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: {index}, IndexKey: {name}"
    )
}

/// How many bytes of a value list an error message shows before it is cut
/// short: a request naming a million unused placeholders must not get a
/// 10 MB error back.
pub const MAX_LISTED_BYTES: usize = 1024;

/// `items` joined with ", ", cut after [`MAX_LISTED_BYTES`] with `...` (the
/// rest of the list is left out rather than echoed back).
pub fn bounded_list(items: &[&str]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if out.len() + item.len() > MAX_LISTED_BYTES {
            out.push_str("...");
            break;
        }
        out.push_str(item);
    }
    out
}

// ---- The HTTP edge -------------------------------------------------------------

/// Refusal written on a connection accepted above the connection cap.
pub const TOO_MANY_CONNECTIONS: &str = "Too many open connections; retry after a short delay";
/// A `Content-Encoding` other than gzip, deflate or identity.
pub fn unsupported_content_encoding(encoding: &str) -> String {
    format!("Unsupported Content-Encoding: {encoding}")
}
/// A compressed body that does not decode.
pub const BODY_DOES_NOT_DECODE: &str = "The request body could not be decompressed";
/// A path the service does not serve.
pub const UNKNOWN_PATH: &str = "The requested path is not served by this endpoint";
/// An access key the verifier does not know.
pub const UNRECOGNIZED_CLIENT: &str = "The security token included in the request is invalid.";
/// A signature that does not match: the service's text with the canonical
/// request and string to sign it expected.
pub fn signature_mismatch(canonical_request: &str, string_to_sign: &str) -> String {
    format!(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{canonical_request}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n"
    )
}
/// `X-Amz-Date` more than 15 minutes in the past.
pub fn signature_expired(signed: &str, earliest: &str, now: &str) -> String {
    format!("Signature expired: {signed} is now earlier than {earliest} ({now} - 15 min.)")
}
/// `X-Amz-Date` more than 15 minutes in the future.
pub fn signature_not_yet_current(signed: &str, latest: &str, now: &str) -> String {
    format!("Signature not yet current: {signed} is still later than {latest} ({now} + 15 min.)")
}
/// Neither `X-Amz-Date` nor `Date`.
pub fn missing_date_header(header: &str) -> String {
    format!("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}")
}
/// A date header not in ISO-8601 basic format.
pub fn bad_date_header(value: &str) -> String {
    format!(
        "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    )
}
/// A credential that is not `key/date/region/service/aws4_request`.
pub fn bad_credential(credential: &str) -> String {
    format!("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'")
}
/// The credential scope's date is not the request date's.
pub fn scope_date_mismatch(scope_date: &str, request_date: &str, full: &str) -> String {
    format!("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{request_date}', from '{full}'.")
}
/// The credential scope names a region the emulator does not serve.
pub const SCOPE_REGION: &str = "Credential should be scoped to a valid region. ";
/// The credential scope names another service.
pub fn scope_service(service: &str) -> String {
    format!("Credential should be scoped to correct service: 'dynamodb'. Got '{service}'. ")
}
/// The credential scope does not end in `aws4_request`.
pub fn scope_terminator(term: &str) -> String {
    format!("Credential should be scoped with a valid terminator: 'aws4_request', not '{term}'. ")
}
/// `host` is not among the signed headers.
pub const HOST_NOT_SIGNED: &str = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

/// An Authorization header lacking SigV4 parameters.
pub fn missing_auth_params(missing: &[&str], header: &str) -> String {
    let mut text = String::new();
    for m in missing {
        text.push_str(&format!("Authorization header requires '{m}' parameter. "));
    }
    format!("{text}Authorization={header}")
}
/// ReturnValues other than NONE / ALL_OLD on PutItem or DeleteItem.
pub const RETURN_VALUES_PUT_DELETE: &str = "Return values set to invalid value";

// ---- Batches -----------------------------------------------------------------

/// More than 25 write requests in one BatchWriteItem.
pub const BATCH_WRITE_TOO_MANY: &str = "Too many items requested for the BatchWriteItem call";
/// More than 100 keys in one BatchGetItem.
pub const BATCH_GET_TOO_MANY: &str = "Too many items requested for the BatchGetItem call";
/// A WriteRequest with neither or both of PutRequest and DeleteRequest.
pub const BATCH_WRITE_REQUEST_SHAPE: &str =
    "Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest";
/// BatchWriteItem payload over 16 MB.
pub const BATCH_WRITE_TOO_LARGE: &str = "Item size to update has exceeded the maximum allowed size";
/// Two requests in one batch for the same item.
pub const DUPLICATE_KEYS_IN_BATCH: &str = "Provided list of item keys contains duplicates";

// ---- Query and Scan ----------------------------------------------------------

/// IndexName that the table does not have.
pub fn query_index_not_found(name: &str) -> String {
    format!("The table does not have the specified index: {name}")
}
/// Query or Scan of a GSI that is still being created.
pub fn index_backfilling(name: &str) -> String {
    format!("Cannot read from backfilling global secondary index: {name}")
}
/// ConsistentRead on a global secondary index.
pub const CONSISTENT_READ_ON_GSI: &str = "Consistent reads are not supported on global secondary indexes";
/// ProjectionExpression with a Select other than SPECIFIC_ATTRIBUTES.
pub fn projection_with_select(what: &str) -> String {
    format!("Cannot specify the ProjectionExpression when choosing to get {what}")
}
/// ALL_PROJECTED_ATTRIBUTES without IndexName (the service says "Querying" on Scan too).
pub const ALL_PROJECTED_WITHOUT_INDEX: &str =
    "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName";
/// SPECIFIC_ATTRIBUTES without a projection.
pub const SPECIFIC_ATTRIBUTES_WITHOUT_PROJECTION: &str =
    "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES";
/// Select ALL_ATTRIBUTES on a GSI that does not project everything.
pub fn select_all_on_gsi(index: &str) -> String {
    format!(
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {index} because its projection type is not ALL"
    )
}
/// A projection naming attributes a GSI does not hold.
pub fn gsi_does_not_project(index: &str, names: &[&str]) -> String {
    format!(
        "One or more parameter values were invalid: Global secondary index {index} does not project [{}]",
        names.join(", ")
    )
}
/// Query's ExclusiveStartKey that does not fit the key schema (quoted from
/// the service: pynamodb/PynamoDB#50, a table Query with a key of other
/// attributes; clarkie/dynogels#184, an index Query whose key lacks the
/// index sort key).
pub const QUERY_START_KEY_INVALID: &str = "The provided starting key is invalid";
/// Scan's ExclusiveStartKey that does not fit the key schema (quoted from
/// the service: baopham/laravel-dynamodb#200).
pub const SCAN_START_KEY_INVALID: &str =
    "The provided starting key is invalid: The provided key element does not match the schema";
/// A parallel-scan ExclusiveStartKey outside its segment (quoted from the
/// service in scylladb/scylladb#9270).
pub fn start_key_outside_segment(total: u32, segment: u32) -> String {
    format!(
        "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: {total} Segment: {segment}"
    )
}
/// Query's ExclusiveStartKey in another partition than the key condition's
/// (the service's text: applications match on it verbatim, e.g. the
/// backendjs DynamoDB driver maps it to "NotMatched" for its selects).
pub const START_KEY_OUTSIDE_BOUNDARIES: &str =
    "The provided starting key is outside query boundaries based on provided conditions";
/// Query's ExclusiveStartKey outside the sort key condition (quoted from the
/// service: note.kiriukun.com, "The provided starting key does not match the
/// range key predicate", 2020).
pub const START_KEY_OUTSIDE_RANGE: &str = "The provided starting key does not match the range key predicate";
/// Query without any key condition.
pub const QUERY_WITHOUT_KEY_CONDITION: &str =
    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.";
/// A key condition value whose type differs from the schema's.
pub const KEY_CONDITION_TYPE_MISMATCH: &str =
    "One or more parameter values were invalid: Condition parameter type does not match schema type";
/// Segment without TotalSegments.
pub const SEGMENT_WITHOUT_TOTAL: &str =
    "The TotalSegments parameter is required but was not present in the request when Segment parameter is present";
/// TotalSegments without Segment.
pub const TOTAL_WITHOUT_SEGMENT: &str =
    "The Segment parameter is required but was not present in the request when parameter TotalSegments is present";
/// Segment not below TotalSegments.
pub fn segment_out_of_range(segment: i64, total: i64) -> String {
    format!(
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
    )
}
/// UpdateItem whose result would exceed 400 KB.
pub const UPDATE_ITEM_TOO_LARGE: &str = "Item size to update has exceeded the maximum allowed size";

// ---- Transactions --------------------------------------------------------------

/// Two actions of one transaction on the same item: the service's text, quoted
/// in the AWS Knowledge Center article "Why is my TransactWriteItems API call
/// failing in DynamoDB?" (https://repost.aws/knowledge-center/dynamodb-transactwriteitems).
pub const TRANSACTION_DUPLICATE_ITEM: &str =
    "Transaction request cannot include multiple operations on one item";
/// A transaction over its 4 MB aggregate size (recalled; the limit is the
/// API reference's "The aggregate size of the items in the transaction
/// cannot exceed 4 MB"). More than 100 actions is the API model's length
/// constraint on TransactItems ("Member must have length less than or equal
/// to 100"), reported by the request validation.
pub const TRANSACTION_TOO_LARGE: &str = "Transaction request size exceeded the maximum allowed size of 4 MB";
/// A TransactWriteItem with other than exactly one action.
pub const TRANSACT_ITEM_SHAPE: &str = "TransactItems can only contain one of Check, Put, Update or Delete";
/// TransactionCanceledException's message, listing each action's code.
pub fn transaction_cancelled(codes: &[&str]) -> String {
    format!(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
        codes.join(", ")
    )
}
/// Same ClientRequestToken, different request.
pub const IDEMPOTENT_MISMATCH: &str =
    "Request parameters do not match the previous request with the same ClientRequestToken";
