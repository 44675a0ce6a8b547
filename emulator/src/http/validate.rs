//! Request validation against the API model, the way the service's front end
//! ("coral") does it before any DynamoDB logic runs.
//!
//! Two phases, as in the service (deserialize, then validate):
//!
//! 1. **JSON types** ([`check_types`]): every member present must have the JSON
//!    type its shape says. The first mismatch, in document order, is a
//!    `SerializationException`. Unknown members are ignored; JSON `null`
//!    counts as absent.
//! 2. **Constraints** ([`check_structure`]): required members, string / list /
//!    map lengths, integer ranges, enums, patterns. *All* failures are
//!    collected and reported in one `ValidationException`
//!    ("N validation errors detected: a; b").
//!
//! The tables come from the API model (`model/dynamodb-2012-08-10.shapes.json`,
//! turned into Rust statics by `build.rs`), so nothing is parsed at run time:
//! a typical PutItem body validates in about a microsecond.
//!
//! # What the service does, and where we learned it
//!
//! * Wrong JSON type: `"NUMBER_VALUE cannot be converted to String"` (a number
//!   for an `S`): quoted from the service in localstack/localstack#9412 (2023)
//!   and ca98am79/connect-dynamodb#100 (2024). Older responses (2015-2016,
//!   pplu/aws-sdk-perl#57, aws/aws-sdk-php-laravel#104) read "class
//!   java.lang.Short can not be converted to an String". The other scalar
//!   token names (`STRING_VALUE`, `BOOLEAN_VALUE`) and target names (`Integer`,
//!   `Long`, `Boolean`, `ByteBuffer`, `Date`, `List`, `Map`, the structure's
//!   name) follow the same scheme by analogy: no quoted example was found.
//! * An array where the shape is not a list: `"Start of list found where not
//!   expected"` (rusoto/rusoto#658, 2017, a `B` sent as an array); an object
//!   where the shape is a scalar or list: `"Start of structure or map found
//!   where not expected"` (aws-amplify/amplify-js#13265, 2024).
//! * Constraint messages: `Value '0' at 'limit' failed to satisfy constraint:
//!   Member must have value greater than or equal to 1` (boto/boto#1584);
//!   `Value null at 'tableName' ... Member must not be null`
//!   (AllocZero/EfficientDynamoDb#164); list elements are addressed
//!   `attributeDefinitions.3.member.attributeType` (ryanfitz/vogels#128);
//!   map entries `requestItems.Auth.member.keys` (aws/aws-sdk-js#1150).
//!   Those older responses lower-cased the first letter of a member name;
//!   the service today spells paths as the wire does (`Limit`,
//!   `RequestItems.<t>.member.Keys`: issue 15, observed), which we follow.
//!   A value holding attribute values is not printed ("Value at '...'").
//! * A required top-level member that is absent is reported alone:
//!   "The parameter 'TableName' is required but was not present in the
//!   request" ("The requestItems parameter is required for BatchGetItem"),
//!   issue 15, observed; nested required members keep the constraint form.
//! * A `TableName` that is not an ARN must satisfy the name rules, checked
//!   here (reported first) so a malformed name never reaches the lookup.
//! * Several failures of one member are listed pattern first, then length
//!   (Lambda's `code.s3Bucket` message in
//!   aws-samples/aws-cloudwatch-building-dashboard-outside-aws-console#6).
//! * A constraint on the *elements* of a map or list is reported at the
//!   collection's path, with every constraint of the element shape listed:
//!   `Value '{t=[...]}' at 'requestItems' failed to satisfy constraint: Map
//!   value must satisfy constraint: [Member must have length less than or
//!   equal to 25, Member must have length greater than or equal to 1]`
//!   (risingwavelabs/risingwave#17572, flow-lab/flow#5, dtan4/valec#46); the
//!   same for keys, "Map keys must satisfy constraint: [max, min, pattern]"
//!   (a coral response of QuickSight, boto/boto3#2601); lists use "Member must
//!   satisfy constraint: [...]" by analogy.
//! * Values are rendered with Java's `toString`: strings bare inside, numbers
//!   as integers, lists `[a, b]`, maps `{k=v}`, structures
//!   `KeySchemaElement(attributeName=pk, keyType=HASH)` with every member,
//!   absent ones as `null` (nubo-db/dynoxide#11 and risingwave#17572 quote
//!   real responses: `WriteRequest(putRequest=PutRequest(item={...}),
//!   deleteRequest=null)`), and an `AttributeValue` as
//!   `com.amazonaws.dynamodb.v20120810.AttributeValue@<hash>` (same issue; the
//!   hash is content-based there; ours is a deterministic FNV hash, not Java's).
//! * The count covers every failure and all of them are listed: no example of
//!   a capped list was found.
//! * `AttributeValue` is a plain structure here: its members are type-checked
//!   (and `M`/`L` contents recursively); "exactly one member", number syntax,
//!   base64 and set rules are the value layer's.
//! * `TableName` members of most operations are of shape `TableArn`
//!   (length 1..1024, no pattern) in the current model, so `''` fails with
//!   "length greater than or equal to 1" only (as quoted in dynoxide#11 for
//!   PutItem); the 3..255 / `[a-zA-Z0-9_.-]+` rules of a *name* are then the
//!   operation's to check. Shapes of type `TableName` (e.g. ListTables'
//!   `ExclusiveStartTableName`) get both here.
//! * Integer members: a non-integral number is truncated (coral's number class
//!   is `TruncatingBigNumber`, seen in aws-sdk-php-laravel#104); a number
//!   outside the Java type's range is a `SerializationException`
//!   (`NUMBER_VALUE cannot be converted to Integer`; not observed).
//! * `null` elements of lists and `null` map values pass (the service keeps
//!   them as null elements); the operation / value layer decides.
//! * Not modelled: per-region differences reported in 2026 (eu-west-2 stops
//!   at the first invalid enum of UpdateItem and reports an invalid
//!   `TableName` alone; nubo-db/dynoxide#83, #127). We report every failure,
//!   as us-east-1 does per the same reports.

use serde_json::{Map as JsonMap, Number, Value};

use crate::error::{messages, Error, Result};

/// Deeper nesting is not examined (the value layer rejects nesting beyond 32
/// levels anyway); it keeps the recursion bounded on any input.
const MAX_DEPTH: usize = 256;

// ---- Tables (generated by build.rs) ------------------------------------------

/// A shape's type in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Structure,
    List,
    Map,
    String,
    Integer,
    Long,
    Double,
    Boolean,
    Blob,
    Timestamp,
}

/// The model's patterns, each with a hand-written matcher (Java
/// `Pattern.matches` semantics: the whole string must match). Some patterns
/// belong to output-only shapes today; their matchers stay for model updates.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pattern {
    /// `[a-zA-Z0-9_.-]+`
    NameChars,
    /// `\p{Print}+` (Java's POSIX class: ASCII 0x20..0x7E)
    PrintAscii,
    /// `[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*`
    XmlChars,
    /// `([0-9a-f]{16})+`
    Hex16Groups,
    /// `^[^\$]+$`
    NoDollar,
    /// `[A-Za-z0-9][A-Za-z0-9\-\_\.]{0,126}[A-Za-z0-9]`
    ContributorInsightsRule,
    /// `[,;:|\t ]`
    CsvDelimiter,
    /// `[\x20-\x21\x23-\x2B\x2D-\x7E]*`
    CsvHeader,
    /// `^[a-z0-9A-Z]+[\.\-\w]*[a-z0-9A-Z]+$`
    S3Bucket,
    /// `[0-9]{12}`
    TwelveDigits,
    /// `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
    Uuid,
    /// A pattern build.rs had no matcher for: not checked.
    Unchecked,
}

impl Pattern {
    fn matches(self, s: &str) -> bool {
        let b = s.as_bytes();
        let alnum = |c: u8| c.is_ascii_alphanumeric();
        let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        match self {
            Pattern::NameChars => {
                !b.is_empty() && b.iter().all(|&c| alnum(c) || matches!(c, b'_' | b'.' | b'-'))
            }
            Pattern::PrintAscii => !b.is_empty() && b.iter().all(|&c| (0x20..=0x7e).contains(&c)),
            Pattern::XmlChars => s.chars().all(|c| {
                matches!(c, '\t' | '\n' | '\r') || (c >= '\u{20}' && c != '\u{FFFE}' && c != '\u{FFFF}')
            }),
            Pattern::Hex16Groups => !b.is_empty() && b.len().is_multiple_of(16) && b.iter().all(|&c| hex(c)),
            Pattern::NoDollar => !b.is_empty() && !b.contains(&b'$'),
            Pattern::ContributorInsightsRule => {
                (2..=128).contains(&b.len())
                    && alnum(b[0])
                    && alnum(b[b.len() - 1])
                    && b.iter().all(|&c| alnum(c) || matches!(c, b'-' | b'_' | b'.'))
            }
            Pattern::CsvDelimiter => b.len() == 1 && matches!(b[0], b',' | b';' | b':' | b'|' | b'\t' | b' '),
            Pattern::CsvHeader => b.iter().all(|&c| (0x20..=0x7e).contains(&c) && c != b'"' && c != b','),
            Pattern::S3Bucket => {
                b.len() >= 2
                    && alnum(b[0])
                    && alnum(b[b.len() - 1])
                    && b.iter().all(|&c| alnum(c) || matches!(c, b'.' | b'-' | b'_'))
            }
            Pattern::TwelveDigits => b.len() == 12 && b.iter().all(u8::is_ascii_digit),
            Pattern::Uuid => {
                b.len() == 36
                    && b.iter().enumerate().all(|(i, &c)| {
                        if matches!(i, 8 | 13 | 18 | 23) {
                            c == b'-'
                        } else {
                            hex(c)
                        }
                    })
            }
            Pattern::Unchecked => true,
        }
    }
}

/// A member of a structure, in the order the service reports members.
struct Member {
    /// Wire name (`TableName`).
    name: &'static str,
    /// Path / toString name (`tableName`).
    path: &'static str,
    shape: u16,
    required: bool,
}

/// One model shape with the traits validation uses.
struct Shape {
    name: &'static str,
    kind: Kind,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<(&'static str, Pattern)>,
    enum_values: &'static [&'static str],
    members: &'static [Member],
    /// List element shape.
    member: u16,
    /// Map key shape.
    key: u16,
    /// Map value shape.
    value: u16,
    /// The `AttributeValue` structure (rendered opaquely).
    attribute_value: bool,
}

const NO_SHAPE: u16 = u16::MAX;

include!(concat!(env!("OUT_DIR"), "/validate_tables.rs"));

fn shape(i: u16) -> Option<&'static Shape> {
    SHAPES.get(usize::from(i))
}

fn input_shape(operation: &str) -> Option<&'static Shape> {
    let i = OPERATIONS.binary_search_by(|(n, _)| (*n).cmp(operation)).ok()?;
    shape(OPERATIONS[i].1)
}

// ---- Public interface -----------------------------------------------------------

/// Whether `operation` is an operation of the API model (`DynamoDB_20120810.<operation>`).
pub fn is_known_operation(operation: &str) -> bool {
    OPERATIONS.binary_search_by(|(n, _)| (*n).cmp(operation)).is_ok()
}

/// Validates `body` (the parsed JSON request of `operation`, e.g. "CreateTable")
/// against the API model: JSON types first (`SerializationException`, first
/// mismatch), then constraints (`ValidationException` listing every failure).
/// An unknown operation is not validated (`Ok`). A `null` body counts as `{}`.
pub fn validate_input(operation: &str, body: &Value) -> Result<()> {
    let Some(input) = input_shape(operation) else {
        return Ok(());
    };
    check_types(body, input, 0)?;
    let empty = JsonMap::new();
    let object = match body {
        Value::Object(o) => o,
        _ => &empty, // only `null` gets here: check_types rejects the other types
    };
    // A required top-level member that is absent (or null) is reported on
    // its own, in the service's words, before any constraint.
    if let Some(m) =
        input.members.iter().find(|m| m.required && object.get(m.name).is_none_or(Value::is_null))
    {
        return Err(Error::validation(messages::required_parameter_missing(operation, m.name)));
    }
    // A malformed table name is reported first (before, say, a malformed
    // key schema) and before the table is looked up: a data-plane request
    // naming `ab` is a ValidationException, not ResourceNotFoundException.
    let mut errors = table_name_errors(operation, object);
    check_structure(object, input, &Path::ROOT, &mut errors, 0);
    if errors.is_empty() {
        maps_without_expressions(input, object)
    } else {
        Err(Error::validation(messages::validation_errors(&errors)))
    }
}

/// The expression parameters, in the order the service names them when
/// ExpressionAttributeNames / ExpressionAttributeValues come without any
/// ("...: UpdateExpression and ConditionExpression are null").
const EXPRESSION_MEMBERS: [&str; 5] = [
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
];

/// ExpressionAttributeNames / ExpressionAttributeValues in a request that
/// has none of its operation's expressions: the service's text names the
/// expressions that are absent (issue 15: the ": ConditionExpression is
/// null" suffix). Values are only ever used by expressions other than
/// ProjectionExpression.
fn maps_without_expressions(input: &Shape, object: &JsonMap<String, Value>) -> Result<()> {
    let present = |name: &str| object.get(name).is_some_and(|v| !v.is_null());
    let supported: Vec<&str> =
        EXPRESSION_MEMBERS.iter().copied().filter(|e| input.members.iter().any(|m| m.name == *e)).collect();
    if supported.is_empty() || supported.iter().any(|e| present(e)) {
        return Ok(());
    }
    if present("ExpressionAttributeNames") {
        return Err(Error::validation(messages::names_without_expressions(&supported)));
    }
    if present("ExpressionAttributeValues") {
        let taking_values: Vec<&str> =
            supported.into_iter().filter(|e| *e != "ProjectionExpression").collect();
        return Err(Error::validation(messages::values_without_expressions(&taking_values)));
    }
    Ok(())
}

/// The rules of a table *name* (3 to 255 characters of `[a-zA-Z0-9_.-]`)
/// applied to the `TableName` member, which the model types as a name or an
/// ARN (1 to 1024 characters, checked by the model): a value that is not an
/// ARN must be a valid name. Reported at `tableName`, pattern before
/// length, as for the `TableName` shape.
fn table_name_errors(operation: &str, object: &JsonMap<String, Value>) -> Vec<String> {
    match object.get("TableName") {
        Some(Value::String(name)) => table_name_rule_errors(operation, name),
        _ => Vec::new(),
    }
}

/// [`table_name_errors`] for a `TableName` member holding `name`.
fn table_name_rule_errors(operation: &str, name: &str) -> Vec<String> {
    // The backup operations take any table ARN shape (1 to 1024 characters):
    // a short or odd name there is just a table that does not exist
    // (TableNotFoundException), so the name rules are not theirs.
    const ARN_SHAPED: [&str; 4] =
        ["CreateBackup", "ListBackups", "UpdateContinuousBackups", "DescribeContinuousBackups"];
    if ARN_SHAPED.contains(&operation) {
        return Vec::new();
    }
    let len = name.chars().count();
    if len == 0 || len > 1024 || name.starts_with("arn:") || !is_known_operation(operation) {
        return Vec::new(); // the model's own constraint reports these
    }
    let value = || format!("'{name}'");
    let mut errors = Vec::new();
    if !Pattern::NameChars.matches(name) {
        errors.push(messages::constraint_failure(
            &value(),
            "TableName",
            &messages::pattern("[a-zA-Z0-9_.-]+"),
        ));
    }
    if len < 3 {
        errors.push(messages::constraint_failure(&value(), "TableName", &messages::min_length(3)));
    } else if len > 255 {
        errors.push(messages::constraint_failure(&value(), "TableName", &messages::max_length(255)));
    }
    errors
}

/// The integer the front end reads from an integer/long member: JSON numbers
/// are truncated toward zero (`1.9` -> `1`); `None` if not a number or outside
/// the `i64` range. For the operations layer, so that it reads `Limit` & co.
/// exactly as validation did.
pub fn integer_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => integral(n),
        _ => None,
    }
}

// ---- The same model, for typed inputs (`http::fast`) -----------------------------

/// One shape of the model, to check a member of a typed input against.
///
/// The fast path (`http::fast`) parses a body straight into the typed
/// input and then asks these predicates whether the Value-based validation
/// above would pass; on any "no" it hands the body to that validation, which
/// reports the failures in the service's order and words. So these only
/// answer yes or no, and may say no when unsure (never yes when
/// [`validate_input`] would fail).
#[derive(Clone, Copy)]
pub(crate) struct Rule(&'static Shape);

impl Rule {
    /// The input structure of `operation`.
    pub(crate) fn input(operation: &str) -> Option<Rule> {
        input_shape(operation).map(Rule)
    }

    /// Member `name` of this structure.
    pub(crate) fn member(self, name: &str) -> Option<Rule> {
        self.0.members.iter().find(|m| m.name == name).and_then(|m| shape(m.shape)).map(Rule)
    }

    /// The names of this structure's members.
    pub(crate) fn member_names(self) -> impl Iterator<Item = &'static str> {
        self.0.members.iter().map(|m| m.name)
    }

    /// The members this structure requires.
    pub(crate) fn required(self) -> impl Iterator<Item = &'static str> {
        self.0.members.iter().filter(|m| m.required).map(|m| m.name)
    }

    /// The element shape of a list.
    pub(crate) fn element(self) -> Option<Rule> {
        (self.0.kind == Kind::List).then(|| shape(self.0.member)).flatten().map(Rule)
    }

    /// The key shape of a map.
    pub(crate) fn key(self) -> Option<Rule> {
        (self.0.kind == Kind::Map).then(|| shape(self.0.key)).flatten().map(Rule)
    }

    /// The value shape of a map.
    pub(crate) fn value(self) -> Option<Rule> {
        (self.0.kind == Kind::Map).then(|| shape(self.0.value)).flatten().map(Rule)
    }

    /// A string member's enum, pattern and length.
    pub(crate) fn string_ok(self, s: &str) -> bool {
        self.0.kind == Kind::String && string_violations(s, self.0) == 0
    }

    /// A boolean member.
    pub(crate) fn is_boolean(self) -> bool {
        self.0.kind == Kind::Boolean
    }

    /// An integer member: the Java type's range and the model's bounds.
    pub(crate) fn integer_ok(self, n: i64) -> bool {
        let in_type = match self.0.kind {
            Kind::Integer => i32::try_from(n).is_ok(),
            Kind::Long => true,
            _ => false,
        };
        in_type && self.0.min.is_none_or(|m| n >= m) && self.0.max.is_none_or(|m| n <= m)
    }

    /// A list's or map's number of elements.
    pub(crate) fn count_ok(self, n: usize) -> bool {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        matches!(self.0.kind, Kind::List | Kind::Map)
            && self.0.min.is_none_or(|m| n >= m)
            && self.0.max.is_none_or(|m| n <= m)
    }

    /// Whether the shape has no constraint at all (so any value of its
    /// JSON type passes).
    fn unconstrained(self) -> bool {
        self.0.min.is_none()
            && self.0.max.is_none()
            && self.0.pattern.is_none()
            && self.0.enum_values.is_empty()
    }
}

/// Whether [`table_name_errors`] finds nothing in `name`, the `TableName`
/// of an `operation` request.
pub(crate) fn table_name_ok(operation: &str, name: &str) -> bool {
    table_name_rule_errors(operation, name).is_empty()
}

/// Whether [`maps_without_expressions`] passes for a request of `input`
/// shape whose members `present` says are there (non-null).
pub(crate) fn expressions_ok(input: Rule, present: impl Fn(&str) -> bool) -> bool {
    let supported = || EXPRESSION_MEMBERS.iter().filter(|e| input.0.members.iter().any(|m| m.name == **e));
    supported().next().is_none()
        || supported().any(|e| present(e))
        || (!present("ExpressionAttributeNames") && !present("ExpressionAttributeValues"))
}

/// Whether an attribute map (a key, an item, ExpressionAttributeValues, an
/// `M` value) satisfies `rule`, a map of attribute names to
/// `AttributeValue`s: its size, its names, and every value within.
pub(crate) fn attribute_map_ok(rule: Rule, map: &crate::value::Map) -> bool {
    let (Some(key), Some(value)) = (rule.key(), rule.value()) else { return false };
    rule.count_ok(map.len())
        && value.0.attribute_value
        && map.iter().all(|(k, v)| key.string_ok(k) && attribute_value_ok(value, v))
}

/// [`attribute_map_ok`] for one value: the constraints of the member that
/// holds it (`S`, `SS`, `M`, ...). Numbers and binaries are held typed (the
/// wire text is gone), so a constraint on those shapes answers no.
fn attribute_value_ok(rule: Rule, v: &crate::value::AttributeValue) -> bool {
    use crate::value::AttributeValue as V;
    let member = |name: &str| rule.member(name);
    match v {
        V::S(s) => member("S").is_some_and(|r| r.string_ok(s)),
        V::N(_) => member("N").is_some_and(Rule::unconstrained),
        V::B(_) => member("B").is_some_and(Rule::unconstrained),
        V::Bool(_) => member("BOOL").is_some_and(Rule::is_boolean),
        V::Null => member("NULL").is_some_and(Rule::is_boolean),
        V::M(m) => member("M").is_some_and(|r| attribute_map_ok(r, m)),
        V::L(l) => member("L").is_some_and(|r| {
            r.count_ok(l.len()) && r.element().is_some_and(|e| l.iter().all(|x| attribute_value_ok(e, x)))
        }),
        V::Ss(set) => member("SS").is_some_and(|r| {
            r.count_ok(set.len()) && r.element().is_some_and(|e| set.iter().all(|x| e.string_ok(x)))
        }),
        V::Ns(set) => member("NS")
            .is_some_and(|r| r.count_ok(set.len()) && r.element().is_some_and(Rule::unconstrained)),
        V::Bs(set) => member("BS")
            .is_some_and(|r| r.count_ok(set.len()) && r.element().is_some_and(Rule::unconstrained)),
    }
}

// ---- Phase 1: JSON types --------------------------------------------------------

fn integral(n: &Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    if n.as_u64().is_some() {
        return None; // above i64::MAX
    }
    let f = n.as_f64()?.trunc();
    // 2^63 is exactly representable; i64 covers [-2^63, 2^63).
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_finite() && (-TWO_63..TWO_63).contains(&f) {
        Some(f as i64)
    } else {
        None
    }
}

/// The Java type the front end converts a member of `s` to (as named in its messages).
fn java_type(s: &Shape) -> &'static str {
    match s.kind {
        Kind::String => "String",
        Kind::Integer => "Integer",
        Kind::Long => "Long",
        Kind::Double => "Double",
        Kind::Boolean => "Boolean",
        Kind::Blob => "ByteBuffer",
        Kind::Timestamp => "Date",
        Kind::List => "List",
        Kind::Map => "Map",
        Kind::Structure => s.name,
    }
}

fn mismatch(v: &Value, s: &Shape) -> Error {
    let token = match v {
        Value::Array(_) => return Error::serialization(messages::LIST_NOT_EXPECTED),
        Value::Object(_) => return Error::serialization(messages::MALFORMED_JSON),
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Null => "NULL_VALUE", // not reached: null is absent
    };
    Error::serialization(messages::wrong_json_type(token, java_type(s)))
}

fn check_types(v: &Value, s: &Shape, depth: usize) -> Result<()> {
    if v.is_null() || depth > MAX_DEPTH {
        return Ok(());
    }
    match (s.kind, v) {
        (Kind::Structure, Value::Object(o)) => {
            for (k, mv) in o {
                if let Some(m) = s.members.iter().find(|m| m.name == k) {
                    if let Some(ms) = shape(m.shape) {
                        check_types(mv, ms, depth + 1)?;
                    }
                }
            }
            Ok(())
        }
        (Kind::List, Value::Array(a)) => {
            if let Some(es) = shape(s.member) {
                for e in a {
                    check_types(e, es, depth + 1)?;
                }
            }
            Ok(())
        }
        (Kind::Map, Value::Object(o)) => {
            if let Some(vs) = shape(s.value) {
                for e in o.values() {
                    check_types(e, vs, depth + 1)?;
                }
            }
            Ok(())
        }
        (Kind::String | Kind::Blob, Value::String(_)) => Ok(()),
        (Kind::Boolean, Value::Bool(_)) => Ok(()),
        (Kind::Double | Kind::Timestamp, Value::Number(_)) => Ok(()),
        (Kind::Integer, Value::Number(n)) => match integral(n) {
            Some(i) if i32::try_from(i).is_ok() => Ok(()),
            _ => Err(mismatch(v, s)),
        },
        (Kind::Long, Value::Number(n)) => match integral(n) {
            Some(_) => Ok(()),
            None => Err(mismatch(v, s)),
        },
        _ => Err(mismatch(v, s)),
    }
}

// ---- Phase 2: constraints -------------------------------------------------------

/// A path in the request, as a chain of frames on the call stack (rendered
/// only when an error is reported).
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

enum Seg<'a> {
    Root,
    /// `.name`
    Member(&'static str),
    /// `.{i+1}.member`
    Index(usize),
    /// `.{key}.member`
    Key(&'a str),
}

impl<'a> Path<'a> {
    const ROOT: Path<'static> = Path { parent: None, seg: Seg::Root };

    fn child(&'a self, seg: Seg<'a>) -> Path<'a> {
        Path { parent: Some(self), seg }
    }

    fn render(&self) -> String {
        let mut frames = Vec::new();
        let mut p = Some(self);
        while let Some(f) = p {
            frames.push(&f.seg);
            p = f.parent;
        }
        let mut out = String::new();
        for seg in frames.into_iter().rev() {
            match seg {
                Seg::Root => {}
                Seg::Member(m) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(m);
                }
                Seg::Index(i) => {
                    out.push('.');
                    out.push_str(&(i + 1).to_string());
                    out.push_str(".member");
                }
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                    out.push_str(".member");
                }
            }
        }
        out
    }
}

/// One constraint of a shape, in the order failures of one member are reported.
#[derive(Clone, Copy)]
enum Check {
    Enum,
    Pattern,
    MinLength,
    MaxLength,
    MinValue,
    MaxValue,
}

const CHECKS: [Check; 6] =
    [Check::Enum, Check::Pattern, Check::MinLength, Check::MaxLength, Check::MinValue, Check::MaxValue];

fn bit(c: Check) -> u8 {
    1 << (c as u8)
}

/// The "length" the service measures: characters of a string (Unicode code
/// points), elements of a list or map, bytes of a blob.
fn length(v: &Value, s: &Shape) -> Option<i64> {
    let n = match (s.kind, v) {
        (Kind::String, Value::String(t)) => t.chars().count(),
        (Kind::Blob, Value::String(t)) => base64_len(t),
        (Kind::List, Value::Array(a)) => a.len(),
        (Kind::Map, Value::Object(o)) => o.len(),
        _ => return None,
    };
    i64::try_from(n).ok()
}

/// Decoded length of a base64 text (without validating it).
fn base64_len(t: &str) -> usize {
    let body = t.trim_end_matches('=');
    body.len() * 3 / 4
}

/// The constraints of `s` that `v` violates, as a bit set of [`Check`]s.
fn violations(v: &Value, s: &Shape) -> u8 {
    let mut out = 0;
    match s.kind {
        Kind::String => {
            if let Value::String(t) = v {
                out |= string_violations(t, s);
            }
        }
        Kind::List | Kind::Map | Kind::Blob => {
            if let Some(n) = length(v, s) {
                if s.min.is_some_and(|m| n < m) {
                    out |= bit(Check::MinLength);
                }
                if s.max.is_some_and(|m| n > m) {
                    out |= bit(Check::MaxLength);
                }
            }
        }
        Kind::Integer | Kind::Long => {
            if let Some(n) = integer_value(v) {
                if s.min.is_some_and(|m| n < m) {
                    out |= bit(Check::MinValue);
                }
                if s.max.is_some_and(|m| n > m) {
                    out |= bit(Check::MaxValue);
                }
            }
        }
        Kind::Double => {
            if let Some(f) = v.as_f64() {
                if s.min.is_some_and(|m| f < m as f64) {
                    out |= bit(Check::MinValue);
                }
                if s.max.is_some_and(|m| f > m as f64) {
                    out |= bit(Check::MaxValue);
                }
            }
        }
        Kind::Structure | Kind::Boolean | Kind::Timestamp => {}
    }
    out
}

fn string_violations(t: &str, s: &Shape) -> u8 {
    let mut out = 0;
    if !s.enum_values.is_empty() && !s.enum_values.contains(&t) {
        out |= bit(Check::Enum);
    }
    if let Some((_, p)) = s.pattern {
        if !p.matches(t) {
            out |= bit(Check::Pattern);
        }
    }
    if s.min.is_some() || s.max.is_some() {
        let n = i64::try_from(t.chars().count()).unwrap_or(i64::MAX);
        if s.min.is_some_and(|m| n < m) {
            out |= bit(Check::MinLength);
        }
        if s.max.is_some_and(|m| n > m) {
            out |= bit(Check::MaxLength);
        }
    }
    out
}

fn constraint_text(c: Check, s: &Shape) -> String {
    match c {
        Check::Enum => messages::enum_value(s.enum_values),
        Check::Pattern => messages::pattern(s.pattern.map_or("", |(p, _)| p)),
        Check::MinLength => messages::min_length(s.min.unwrap_or(0)),
        Check::MaxLength => messages::max_length(s.max.unwrap_or(0)),
        Check::MinValue => messages::min_value(s.min.unwrap_or(0)),
        Check::MaxValue => messages::max_value(s.max.unwrap_or(0)),
    }
}

/// Every constraint of `s`, as listed in "Map value must satisfy constraint:
/// [...]": maximum before minimum, then pattern (see the module notes), enum last.
fn all_constraints(s: &Shape) -> String {
    let mut parts: Vec<String> = Vec::new();
    let value = matches!(s.kind, Kind::Integer | Kind::Long | Kind::Double);
    if let Some(m) = s.max {
        parts.push(if value { messages::max_value(m) } else { messages::max_length(m) });
    }
    if let Some(m) = s.min {
        parts.push(if value { messages::min_value(m) } else { messages::min_length(m) });
    }
    if let Some((p, _)) = s.pattern {
        parts.push(messages::pattern(p));
    }
    if !s.enum_values.is_empty() {
        parts.push(messages::enum_value(s.enum_values));
    }
    format!("[{}]", parts.join(", "))
}

/// Structures up to this many members are matched against the object's keys
/// in one pass (the model's largest input structure has 18).
const SLOTS: usize = 32;

fn check_structure(
    o: &JsonMap<String, Value>,
    s: &Shape,
    path: &Path<'_>,
    errors: &mut Vec<String>,
    depth: usize,
) {
    // One pass over the (usually few) keys present instead of one map lookup
    // per model member: an AttributeValue has 10 members and 1 key.
    let mut slots: [Option<&Value>; SLOTS] = [None; SLOTS];
    let slotted = s.members.len() <= SLOTS;
    if slotted {
        for (k, v) in o {
            if let Some(i) = s.members.iter().position(|m| m.name == k) {
                slots[i] = Some(v);
            }
        }
    }
    for (i, m) in s.members.iter().enumerate() {
        let present = if slotted { slots[i] } else { o.get(m.name) };
        if present.is_none() && !m.required {
            continue;
        }
        // Paths name members as the wire does (`Limit`, `RequestItems.t.member.Keys`).
        let child = path.child(Seg::Member(m.name));
        match present.filter(|v| !v.is_null()) {
            None => {
                if m.required {
                    errors.push(messages::constraint_failure(
                        "null",
                        &child.render(),
                        messages::MUST_NOT_BE_NULL,
                    ));
                }
            }
            Some(v) => {
                if let Some(ms) = shape(m.shape) {
                    check_member(v, ms, &child, errors, depth + 1);
                }
            }
        }
    }
}

/// A value at `path` (a structure member): its own constraints, each failure
/// reported separately, then its contents.
fn check_member(v: &Value, s: &Shape, path: &Path<'_>, errors: &mut Vec<String>, depth: usize) {
    let failed = violations(v, s);
    if failed != 0 {
        let rendered = quoted(v, s);
        let at = path.render();
        for c in CHECKS {
            if failed & bit(c) != 0 {
                errors.push(messages::constraint_failure(&rendered, &at, &constraint_text(c, s)));
            }
        }
    }
    check_contents(v, s, path, errors, depth);
}

/// The elements of a list, the entries of a map, the members of a structure.
/// An element's own constraints are reported at the collection's path.
fn check_contents(v: &Value, s: &Shape, path: &Path<'_>, errors: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match (s.kind, v) {
        (Kind::Structure, Value::Object(o)) => check_structure(o, s, path, errors, depth),
        (Kind::List, Value::Array(a)) => {
            let Some(es) = shape(s.member) else { return };
            for (i, e) in a.iter().enumerate() {
                // A null element has nothing to check here (the service keeps it as a
                // null element); the operation layer must cope with it.
                if e.is_null() {
                    continue;
                }
                if violations(e, es) != 0 {
                    errors.push(messages::constraint_failure(
                        &quoted(v, s),
                        &path.render(),
                        &messages::list_member_constraint(&all_constraints(es)),
                    ));
                }
                check_contents(e, es, &path.child(Seg::Index(i)), errors, depth + 1);
            }
        }
        (Kind::Map, Value::Object(o)) => {
            let ks = shape(s.key);
            let Some(vs) = shape(s.value) else { return };
            for (k, e) in o {
                if let Some(ks) = ks {
                    if string_violations(k, ks) != 0 {
                        errors.push(messages::constraint_failure(
                            &quoted(v, s),
                            &path.render(),
                            &messages::map_key_constraint(&all_constraints(ks)),
                        ));
                    }
                }
                if e.is_null() {
                    // A null table entry of RequestItems (BatchGetItem,
                    // BatchWriteItem) is refused; other maps' null values
                    // are the value layer's to judge.
                    if path.render() == "RequestItems" {
                        errors.push(messages::constraint_failure(
                            "",
                            "RequestItems",
                            &messages::map_value_constraint(&format!("[{}]", messages::MUST_NOT_BE_NULL)),
                        ));
                    }
                    continue;
                }
                if violations(e, vs) != 0 {
                    errors.push(messages::constraint_failure(
                        &quoted(v, s),
                        &path.render(),
                        &messages::map_value_constraint(&all_constraints(vs)),
                    ));
                }
                check_contents(e, vs, &path.child(Seg::Key(k)), errors, depth + 1);
            }
        }
        _ => {}
    }
}

// ---- Rendering values as the service does (Java toString) -------------------

/// The value as it appears in "Value ... at": `'...'` (Java toString inside
/// quotes), or nothing ("Value at '...'") for a value holding attribute
/// values: the service does not print those as Java objects.
fn quoted(v: &Value, s: &Shape) -> String {
    if holds_attribute_values(s, 0) {
        return String::new();
    }
    let mut out = String::from("'");
    java_string(v, Some(s), &mut out, 0);
    out.push('\'');
    out
}

fn java_string(v: &Value, s: Option<&Shape>, out: &mut String, depth: usize) {
    use std::fmt::Write as _;
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    let Some(s) = s else {
        out.push_str(&v.to_string());
        return;
    };
    match (s.kind, v) {
        (_, Value::Null) => out.push_str("null"),
        (Kind::String, Value::String(t)) => out.push_str(t),
        (Kind::Integer | Kind::Long, Value::Number(n)) => match integral(n) {
            Some(i) => {
                let _ = write!(out, "{i}");
            }
            None => out.push_str(&n.to_string()),
        },
        (Kind::Double, Value::Number(n)) => out.push_str(&java_double(n.as_f64().unwrap_or(0.0))),
        (Kind::Boolean, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (Kind::Blob, Value::String(t)) => {
            let n = base64_len(t);
            let _ = write!(out, "java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]");
        }
        (Kind::Timestamp, Value::Number(n)) => out.push_str(&java_date(n.as_f64().unwrap_or(0.0))),
        (Kind::List, Value::Array(a)) => {
            out.push('[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_string(e, shape(s.member), out, depth + 1);
            }
            out.push(']');
        }
        (Kind::Map, Value::Object(o)) => {
            out.push('{');
            for (i, (k, e)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_string(e, shape(s.value), out, depth + 1);
            }
            out.push('}');
        }
        (Kind::Structure, Value::Object(o)) => {
            if s.attribute_value {
                let _ = write!(
                    out,
                    "com.amazonaws.dynamodb.v20120810.AttributeValue@{:x}",
                    fnv1a(v.to_string().as_bytes())
                );
                return;
            }
            out.push_str(s.name);
            out.push('(');
            for (i, m) in s.members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(m.path);
                out.push('=');
                match o.get(m.name) {
                    Some(e) => java_string(e, shape(m.shape), out, depth + 1),
                    None => out.push_str("null"),
                }
            }
            out.push(')');
        }
        _ => out.push_str(&v.to_string()),
    }
}

/// Whether values of shape `s` contain `AttributeValue`s.
fn holds_attribute_values(s: &Shape, depth: usize) -> bool {
    if s.attribute_value {
        return true;
    }
    if depth > 8 {
        return false;
    }
    let inner = |i: u16| shape(i).is_some_and(|x| holds_attribute_values(x, depth + 1));
    match s.kind {
        Kind::List => inner(s.member),
        Kind::Map => inner(s.value),
        Kind::Structure => s.members.iter().any(|m| inner(m.shape)),
        _ => false,
    }
}

fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Java's `Double.toString`: plain for 1e-3 <= |d| < 1e7, else `d.dddE±n`.
fn java_double(d: f64) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let a = d.abs();
    if (1e-3..1e7).contains(&a) {
        let t = format!("{d}");
        if t.contains('.') {
            t
        } else {
            t + ".0"
        }
    } else {
        let t = format!("{d:e}"); // e.g. "1.5e10", "1e-5"
        let (mant, exp) = t.split_once('e').unwrap_or((&t, "0"));
        let mant = if mant.contains('.') { mant.to_string() } else { format!("{mant}.0") };
        format!("{mant}E{exp}")
    }
}

/// Java's `Date.toString` in UTC: `Thu Jan 01 00:00:00 UTC 1970`.
fn java_date(secs: f64) -> String {
    let secs = if secs.is_finite() { secs.floor().clamp(-1e15, 1e15) as i64 } else { 0 };
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (year, month, day) = crate::clock::civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let wd = WD[usize::try_from(days.rem_euclid(7)).unwrap_or(0)];
    let mo = MO[usize::try_from(month - 1).unwrap_or(0).min(11)];
    format!("{wd} {mo} {day:02} {:02}:{:02}:{:02} UTC {year}", sod / 3600, sod % 3600 / 60, sod % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use serde_json::json;

    fn err(op: &str, body: Value) -> Error {
        validate_input(op, &body).expect_err("expected an error")
    }

    fn validation(op: &str, body: Value) -> String {
        let e = err(op, body);
        assert_eq!(e.kind, ErrorKind::Validation, "{e}");
        e.message
    }

    fn serialization(op: &str, body: Value) -> String {
        let e = err(op, body);
        assert_eq!(e.kind, ErrorKind::Serialization, "{e}");
        e.message
    }

    fn create_table_body() -> Value {
        json!({
            "TableName": "Music",
            "AttributeDefinitions": [
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "SongTitle", "AttributeType": "S"}
            ],
            "KeySchema": [
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "SongTitle", "KeyType": "RANGE"}
            ],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "Tags": [{"Key": "k", "Value": "v"}]
        })
    }

    fn put_item_body() -> Value {
        json!({
            "TableName": "Music",
            "Item": {
                "Artist": {"S": "No One You Know"},
                "SongTitle": {"S": "Call Me Today"},
                "Year": {"N": "2015"},
                "Cover": {"B": "dGhpcyB0ZXh0IGlzIGJhc2U2NC1lbmNvZGVk"},
                "Tags": {"SS": ["a", "b"]},
                "Nested": {"M": {"x": {"L": [{"BOOL": true}, {"NULL": true}, {"NS": ["1", "2"]}]}}}
            },
            "ConditionExpression": "attribute_not_exists(Artist)",
            "ExpressionAttributeNames": {"#a": "Artist"},
            "ExpressionAttributeValues": {":v": {"S": "x"}},
            "ReturnValues": "ALL_OLD",
            "ReturnConsumedCapacity": "TOTAL"
        })
    }

    // ---- operations ----

    #[test]
    fn known_operations() {
        assert!(is_known_operation("PutItem"));
        assert!(is_known_operation("CreateTable"));
        assert!(is_known_operation("TransactWriteItems"));
        assert!(!is_known_operation("putItem"));
        assert!(!is_known_operation("PutItems"));
        assert!(!is_known_operation(""));
        assert!(validate_input("NoSuchOperation", &json!({"x": 1})).is_ok());
    }

    // ---- valid requests ----

    #[test]
    fn valid_requests_pass() {
        validate_input("CreateTable", &create_table_body()).unwrap();
        validate_input("PutItem", &put_item_body()).unwrap();
        validate_input("ListTables", &json!({})).unwrap();
        validate_input("ListTables", &json!({"Limit": 100, "ExclusiveStartTableName": "abc"})).unwrap();
        validate_input(
            "Query",
            &json!({
                "TableName": "Music",
                "IndexName": "idx_1",
                "KeyConditionExpression": "Artist = :a",
                "ExpressionAttributeValues": {":a": {"S": "x"}},
                "Limit": 10,
                "ScanIndexForward": false,
                "Select": "ALL_ATTRIBUTES",
                "ExclusiveStartKey": {"Artist": {"S": "x"}}
            }),
        )
        .unwrap();
        // Unknown members are ignored, null counts as absent.
        validate_input("ListTables", &json!({"Foo": [1, 2], "Limit": null})).unwrap();
        validate_input("ListTables", &Value::Null).unwrap();
    }

    // ---- SerializationException ----

    #[test]
    fn wrong_json_types() {
        // A number for a string member (quoted from the service).
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": {"a": {"N": 5}}})),
            messages::wrong_json_type("NUMBER_VALUE", "String")
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": 1, "Item": {}})),
            messages::wrong_json_type("NUMBER_VALUE", "String")
        );
        // An array where a string is expected.
        assert_eq!(
            serialization("PutItem", json!({"TableName": ["t"], "Item": {}})),
            messages::LIST_NOT_EXPECTED
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": {"a": {"B": [1, 2]}}})),
            messages::LIST_NOT_EXPECTED
        );
        // An object where a list is expected.
        assert_eq!(
            serialization("CreateTable", json!({"TableName": "tbl", "KeySchema": {"a": 1}})),
            messages::MALFORMED_JSON
        );
        // A string where a list / structure / map is expected.
        assert_eq!(
            serialization("CreateTable", json!({"TableName": "tbl", "KeySchema": "HASH"})),
            messages::wrong_json_type("STRING_VALUE", "List")
        );
        assert_eq!(
            serialization("CreateTable", json!({"TableName": "tbl", "ProvisionedThroughput": "x"})),
            messages::wrong_json_type("STRING_VALUE", "ProvisionedThroughput")
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": {"a": "x"}})),
            messages::wrong_json_type("STRING_VALUE", "AttributeValue")
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": true})),
            messages::wrong_json_type("BOOLEAN_VALUE", "Map")
        );
        // Numbers.
        assert_eq!(
            serialization("ListTables", json!({"Limit": "10"})),
            messages::wrong_json_type("STRING_VALUE", "Integer")
        );
        assert_eq!(
            serialization("ListTables", json!({"Limit": 2147483648_i64})),
            messages::wrong_json_type("NUMBER_VALUE", "Integer")
        );
        assert_eq!(
            serialization("ListTables", json!({"Limit": 1e300})),
            messages::wrong_json_type("NUMBER_VALUE", "Integer")
        );
        assert_eq!(
            serialization(
                "CreateTable",
                json!({"TableName": "tbl", "ProvisionedThroughput": {"ReadCapacityUnits": 18446744073709551615_u64}})
            ),
            messages::wrong_json_type("NUMBER_VALUE", "Long")
        );
        assert_eq!(
            serialization("Query", json!({"TableName": "tbl", "ConsistentRead": "true"})),
            messages::wrong_json_type("STRING_VALUE", "Boolean")
        );
        assert_eq!(
            serialization("Query", json!({"TableName": "tbl", "ConsistentRead": 1})),
            messages::wrong_json_type("NUMBER_VALUE", "Boolean")
        );
        // The body itself.
        assert_eq!(serialization("ListTables", json!([])), messages::LIST_NOT_EXPECTED);
        assert_eq!(
            serialization("ListTables", json!("x")),
            messages::wrong_json_type("STRING_VALUE", "ListTablesInput")
        );
        // A type error wins over constraint errors.
        assert_eq!(
            serialization("PutItem", json!({"TableName": "", "Item": {"a": {"S": 1}}})),
            messages::wrong_json_type("NUMBER_VALUE", "String")
        );
    }

    #[test]
    fn non_integral_numbers_truncate() {
        validate_input("ListTables", &json!({"Limit": 1.5})).unwrap();
        assert_eq!(
            validation("ListTables", json!({"Limit": 0.9})),
            "1 validation error detected: Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(integer_value(&json!(7.9)), Some(7));
        assert_eq!(integer_value(&json!(-7.9)), Some(-7));
        assert_eq!(integer_value(&json!("7")), None);
    }

    // ---- ValidationException ----

    #[test]
    fn missing_required_members() {
        // Top-level members: the first one absent, in the service's words.
        assert_eq!(
            validation("PutItem", json!({})),
            "The parameter 'TableName' is required but was not present in the request"
        );
        assert_eq!(
            validation("PutItem", json!({"TableName": "tbl"})),
            "The parameter 'Item' is required but was not present in the request"
        );
        assert_eq!(
            validation("BatchGetItem", json!({})),
            "The requestItems parameter is required for BatchGetItem"
        );
        assert_eq!(
            validation("CreateTable", json!({"TableName": "Music", "KeySchema": [{"AttributeName": "a"}, {"KeyType": "RANGE"}]})),
            "2 validation errors detected: Value null at 'KeySchema.1.member.KeyType' failed to satisfy constraint: Member must not be null; \
             Value null at 'KeySchema.2.member.AttributeName' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            validation("Query", json!({"TableName": null})),
            "The parameter 'TableName' is required but was not present in the request"
        );
    }

    #[test]
    fn table_name_lengths_and_patterns() {
        // TableName members of shape TableArn: 1..1024, no pattern.
        assert_eq!(
            validation("PutItem", json!({"TableName": "", "Item": {}})),
            "1 validation error detected: Value '' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        // Not an ARN: the name rules, reported first and before any lookup.
        assert_eq!(
            validation("CreateTable", json!({"TableName": "a!"})),
            "2 validation errors detected: Value 'a!' at 'TableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a!' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        validate_input("GetItem", &json!({"TableName": "arn:aws:dynamodb:us-east-1:1:table/t", "Key": {}}))
            .unwrap();
        let long = "x".repeat(1025);
        assert_eq!(
            validation("Query", json!({"TableName": long})),
            format!(
                "1 validation error detected: Value '{long}' at 'TableName' failed to satisfy constraint: Member must have length less than or equal to 1024"
            )
        );
        // Shape TableName: 3..255 and [a-zA-Z0-9_.-]+, pattern reported first.
        assert_eq!(
            validation("ListTables", json!({"ExclusiveStartTableName": "a!"})),
            "2 validation errors detected: \
             Value 'a!' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
             Value 'a!' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        assert_eq!(
            validation("ListTables", json!({"ExclusiveStartTableName": "ab"})),
            "1 validation error detected: Value 'ab' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
        );
        assert_eq!(
            validation("Query", json!({"TableName": "tbl", "IndexName": "é1234"})),
            "1 validation error detected: Value 'é1234' at 'IndexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        );
    }

    #[test]
    fn enums_and_ranges() {
        assert_eq!(
            validation("PutItem", json!({"TableName": "tbl", "Item": {}, "ReturnValues": "ALL"})),
            "1 validation error detected: Value 'ALL' at 'ReturnValues' failed to satisfy constraint: \
             Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"
        );
        assert_eq!(
            validation(
                "CreateTable",
                json!({"TableName": "tbl", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "N"}, {"AttributeName": "c", "AttributeType": "BOOLEAN"}]})
            ),
            "1 validation error detected: Value 'BOOLEAN' at 'AttributeDefinitions.3.member.AttributeType' failed to satisfy constraint: \
             Member must satisfy enum value set: [B, N, S]"
        );
        assert_eq!(
            validation("ListTables", json!({"Limit": 0})),
            "1 validation error detected: Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            validation("ListTables", json!({"Limit": 101})),
            "1 validation error detected: Value '101' at 'Limit' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
        assert_eq!(
            validation("Query", json!({"TableName": "tbl", "Limit": -3, "Select": "SOME"})),
            "2 validation errors detected: \
             Value 'SOME' at 'Select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; \
             Value '-3' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
    }

    #[test]
    fn multiple_errors_in_service_order() {
        // ProvisionedThroughput: write before read, as the service reports it.
        let mut body = create_table_body();
        body["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 0, "WriteCapacityUnits": 0});
        assert_eq!(
            validation("CreateTable", body),
            "2 validation errors detected: \
             Value '0' at 'ProvisionedThroughput.WriteCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; \
             Value '0' at 'ProvisionedThroughput.ReadCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            validation("Query", json!({"TableName": "tbl", "Limit": 0, "ReturnConsumedCapacity": "x", "ConsistentRead": null})),
            "2 validation errors detected: \
             Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1; \
             Value 'x' at 'ReturnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
        );
    }

    #[test]
    fn collections_and_rendering() {
        assert_eq!(
            validation("CreateTable", json!({"TableName": "tbl", "KeySchema": []})),
            "1 validation error detected: Value '[]' at 'KeySchema' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        // Map value constraints are reported at the map; a value holding
        // attribute values is not printed (no Java objects in messages).
        let requests: Vec<Value> =
            (0..26).map(|i| json!({"DeleteRequest": {"Key": {"k": {"S": i.to_string()}}}})).collect();
        let msg = validation("BatchWriteItem", json!({"RequestItems": {"t": requests}}));
        assert_eq!(
            msg,
            "1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: Map value must satisfy constraint: \
             [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
        );
        assert_eq!(
            validation("BatchGetItem", json!({"RequestItems": {}})),
            "1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        // Inside a map value: '<map>.<key>.member.<member>'.
        assert_eq!(
            validation("BatchGetItem", json!({"RequestItems": {"Auth": {"Keys": []}}})),
            "1 validation error detected: Value at 'RequestItems.Auth.member.Keys' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        // List elements with their own constraints.
        assert_eq!(
            validation("UntagResource", json!({"ResourceArn": "arn", "TagKeys": ["ok", ""]})),
            "1 validation error detected: Value '[ok, ]' at 'TagKeys' failed to satisfy constraint: Member must satisfy constraint: \
             [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
        );
        // Structures render every member, in the service's order.
        assert_eq!(
            quoted(
                &json!({"ReadCapacityUnits": 1}),
                input_shape("CreateTable")
                    .and_then(|s| {
                        s.members
                            .iter()
                            .find(|m| m.name == "ProvisionedThroughput")
                            .and_then(|m| shape(m.shape))
                    })
                    .unwrap()
            ),
            "'ProvisionedThroughput(writeCapacityUnits=null, readCapacityUnits=1)'"
        );
    }

    #[test]
    fn attribute_values_are_type_checked_recursively() {
        assert_eq!(
            serialization(
                "PutItem",
                json!({"TableName": "tbl", "Item": {"a": {"M": {"b": {"L": [{"S": "x"}, {"SS": ["y", 3]}]}}}}})
            ),
            messages::wrong_json_type("NUMBER_VALUE", "String")
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": {"a": {"BOOL": "true"}}})),
            messages::wrong_json_type("STRING_VALUE", "Boolean")
        );
        assert_eq!(
            serialization("PutItem", json!({"TableName": "tbl", "Item": {"a": {"L": {}}}})),
            messages::MALFORMED_JSON
        );
        // Semantics (several members, empty value) are the value layer's.
        validate_input("PutItem", &json!({"TableName": "tbl", "Item": {"a": {}, "b": {"S": "x", "N": "1"}}}))
            .unwrap();
    }

    #[test]
    fn patterns() {
        use Pattern::*;
        assert!(NameChars.matches("My_Table-1.x") && !NameChars.matches("") && !NameChars.matches("a b"));
        assert!(PrintAscii.matches("a b~") && !PrintAscii.matches("") && !PrintAscii.matches("é"));
        assert!(
            XmlChars.matches("")
                && XmlChars.matches("a\tb\n😀é")
                && !XmlChars.matches("\u{1}")
                && !XmlChars.matches("\u{FFFF}")
        );
        assert!(
            Hex16Groups.matches("0123456789abcdef0123456789abcdef")
                && !Hex16Groups.matches("0123456789abcdeF")
                && !Hex16Groups.matches("")
        );
        assert!(NoDollar.matches("a\nb") && !NoDollar.matches("a$") && !NoDollar.matches(""));
        assert!(
            ContributorInsightsRule.matches("ab")
                && ContributorInsightsRule.matches("a-_.b")
                && !ContributorInsightsRule.matches("a")
        );
        assert!(
            !ContributorInsightsRule.matches("-ab") && !ContributorInsightsRule.matches(&"a".repeat(129))
        );
        assert!(CsvDelimiter.matches("|") && CsvDelimiter.matches("\t") && !CsvDelimiter.matches(",,"));
        assert!(
            CsvHeader.matches("")
                && CsvHeader.matches("a b")
                && !CsvHeader.matches("a,b")
                && !CsvHeader.matches("\"")
        );
        assert!(
            S3Bucket.matches("my.bucket-1")
                && !S3Bucket.matches("a")
                && !S3Bucket.matches("a.")
                && !S3Bucket.matches("a/b")
        );
        assert!(TwelveDigits.matches("123456789012") && !TwelveDigits.matches("12345678901"));
        assert!(
            Uuid.matches("0123abcd-0123-4567-89ab-0123456789ab")
                && !Uuid.matches("0123ABCD-0123-4567-89ab-0123456789ab")
        );
        // Every pattern of the model has a matcher.
        assert!(SHAPES.iter().all(|s| s.pattern.is_none_or(|(_, p)| p != Unchecked)));
    }

    #[test]
    fn java_renderings() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(java_double(1e-5), "1.0E-5");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_date(0.0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(java_date(1_700_000_000.0), "Tue Nov 14 22:13:20 UTC 2023");
        assert_eq!(Path::ROOT.child(Seg::Member("a")).render(), "a");
    }

    #[test]
    #[ignore = "timing; run with --release -- --ignored --nocapture"]
    fn bench_put_item() {
        let body = put_item_body();
        let n = 200_000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            validate_input("PutItem", std::hint::black_box(&body)).unwrap();
        }
        println!("PutItem validation: {:?} per request", t.elapsed() / n);
        let body = json!({"TableName": "Music", "Key": {"Artist": {"S": "a"}, "SongTitle": {"S": "b"}}, "ConsistentRead": true});
        let t = std::time::Instant::now();
        for _ in 0..n {
            validate_input("GetItem", std::hint::black_box(&body)).unwrap();
        }
        println!("GetItem validation: {:?} per request", t.elapsed() / n);
    }

    #[test]
    fn every_operation_and_deep_nesting() {
        for (op, _) in OPERATIONS.iter() {
            let _ = validate_input(op, &json!({}));
            let _ = validate_input(
                op,
                &json!({"TableName": [], "Item": 1, "Key": "x", "RequestItems": {"t": null}}),
            );
        }
        // Deeper than serde_json's parser allows (128) and than MAX_DEPTH: bounded
        // recursion. (Much deeper trees overflow in serde_json's own recursive Drop.)
        let mut v = json!({"S": "x"});
        for _ in 0..200 {
            v = json!({"M": {"a": v}});
        }
        validate_input("PutItem", &json!({"TableName": "tbl", "Item": {"a": v}})).unwrap();
        let mut l = json!(1);
        for _ in 0..400 {
            l = json!([l]);
        }
        let e = validate_input("CreateTable", &json!({"TableName": "tbl", "KeySchema": l})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Serialization);
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = Value> {
            let names = prop_oneof![
                Just("TableName".to_string()),
                Just("Item".to_string()),
                Just("Key".to_string()),
                Just("KeySchema".to_string()),
                Just("AttributeName".to_string()),
                Just("KeyType".to_string()),
                Just("Limit".to_string()),
                Just("RequestItems".to_string()),
                Just("S".to_string()),
                Just("N".to_string()),
                Just("B".to_string()),
                Just("M".to_string()),
                Just("L".to_string()),
                Just("SS".to_string()),
                Just("BOOL".to_string()),
                Just("ProvisionedThroughput".to_string()),
                Just("ReadCapacityUnits".to_string()),
                "[a-zA-Z:#]{0,6}",
            ];
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(|i| json!(i)),
                any::<u64>().prop_map(|u| json!(u)),
                (-1e20f64..1e20).prop_map(|f| json!(f)),
                "\\PC{0,8}".prop_map(Value::String),
            ];
            leaf.prop_recursive(6, 64, 6, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::btree_map(names.clone(), inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        const OPS: [&str; 8] = [
            "PutItem",
            "GetItem",
            "CreateTable",
            "ListTables",
            "Query",
            "BatchWriteItem",
            "BatchGetItem",
            "TransactWriteItems",
        ];

        proptest! {
            #[test]
            fn arbitrary_json_never_panics(op in 0usize..OPS.len(), body in json_value()) {
                let _ = validate_input(OPS[op], &body);
                let wrapped = json!({"TableName": "tbl", "Item": body.clone(), "Key": body.clone(), "RequestItems": {"t": body}});
                let _ = validate_input(OPS[op], &wrapped);
            }
        }
    }
}
