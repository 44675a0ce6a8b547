//! Message texts of the expression language (parse and semantic errors).
//!
//! Sources: texts marked (quoted) were found verbatim in public issue
//! threads where users quote the service's reply; texts marked (recalled)
//! follow the service's wording as remembered by the implementer and could
//! not be confirmed from a public quote; texts marked (docs) paraphrase the
//! Developer Guide's stated rule in the service's style.
//!
//! Most texts are the *detail* of an expression error: the caller prefixes
//! them with [`invalid_expression`] (`Invalid UpdateExpression: ...`).

// ---- Framing ------------------------------------------------------------------

/// `Invalid {kind}: {detail}` (quoted: "Invalid UpdateExpression: ...",
/// "Invalid ProjectionExpression: ...", "Invalid FilterExpression: ...").
pub fn invalid_expression(kind: &str, detail: &str) -> String {
    // An out-of-range list index in an UpdateExpression comes back with the
    // request validator's lead (quoted below).
    if kind == "UpdateExpression" && detail.starts_with(LIST_INDEX_OUT_OF_RANGE) {
        return format!("1 validation error detected: Invalid {kind}: {detail}");
    }
    format!("Invalid {kind}: {detail}")
}

const LIST_INDEX_OUT_OF_RANGE: &str = "List index is not within the allowable range";

/// A list index above 4,294,967,294 in a document path. Quoted from the live
/// service twice: "Invalid ProjectionExpression: List index is not within the
/// allowable range; index: [99999999999999]" (scylladb/scylladb#25951, a
/// maintainer running the test against DynamoDB, 2025-09) and
/// "1 validation error detected: Invalid UpdateExpression: List index is not
/// within the allowable range; index: [4294967295]" (floci-io/floci#3073,
/// measured on DynamoDB us-east-1, 2026-09-05; 4294967294 is accepted).
/// AWS's own DAX JavaScript client raises the same "Invalid {kind}Expression:
/// List index is not within the allowable range" client-side.
pub fn list_index_out_of_range(index: &str) -> String {
    format!("{LIST_INDEX_OUT_OF_RANGE}; index: [{index}]")
}

/// A parse failure (quoted: `Syntax error; token: "-", near: "a-b"`,
/// `Syntax error; token: "<EOF>", near: ":type"`).
pub fn syntax_error(token: &str, near: &str) -> String {
    format!("Syntax error; token: \"{token}\", near: \"{near}\"")
}

/// The token text used for end of input in [`syntax_error`] (quoted).
pub const EOF_TOKEN: &str = "<EOF>";

/// An empty (or blank) expression string (quoted).
pub const EMPTY_EXPRESSION: &str = "The expression can not be empty;";

/// An expression longer than 4096 bytes, counted on the raw string (quoted:
/// "Expression size has exceeded the maximum allowed size"; 4096 accepted, 4097 rejected).
pub fn expression_too_long(size: usize) -> String {
    format!("Expression size has exceeded the maximum allowed size; expression size: {size}")
}

/// More than 300 operators and functions (quoted: "The expression contains
/// too many operators; operator count: 301").
pub fn too_many_operators(count: usize) -> String {
    format!("The expression contains too many operators; operator count: {count}")
}

/// `((a = :v))` (recalled).
pub const REDUNDANT_PARENTHESES: &str = "The expression has redundant parentheses;";

/// Parentheses / NOT nesting beyond what the emulator parses (emulator limit;
/// reuses the service's nesting text).
pub const EXPRESSION_TOO_DEEP: &str = "Nesting Levels have exceeded supported limits";

/// A document path deeper than 32 levels (recalled; limit from the docs).
pub fn path_too_deep(levels: usize) -> String {
    format!("The document path has too many nesting levels; nesting levels: {levels}")
}

// ---- Functions and operators --------------------------------------------------

/// An unknown function name (recalled; names are case-sensitive per the docs).
pub fn invalid_function_name(name: &str) -> String {
    format!("Invalid function name; function: {name}")
}

/// A known function used where it is not allowed: `size(a)` as a condition,
/// `attribute_exists(a)` as an operand, `if_not_exists` in a condition (recalled).
pub fn function_not_allowed(name: &str) -> String {
    format!("The function is not allowed to be used this way in an expression; function: {name}")
}

/// Wrong number of function arguments (recalled).
pub fn wrong_operand_count(name: &str, count: usize) -> String {
    format!(
        "Incorrect number of operands for operator or function; operator or function: {name}, number of operands: {count}"
    )
}

/// A function argument that must be a document path is not one (recalled).
pub fn requires_document_path(name: &str) -> String {
    format!("Operator or function requires a document path; operator or function: {name}")
}

/// A constant operand of the wrong type for a function or operator
/// (quoted: `operator or function: list_append, operand type: M`).
pub fn incorrect_operand_type(name: &str, operand_type: &str) -> String {
    format!("Incorrect operand type for operator or function; operator or function: {name}, operand type: {operand_type}")
}

/// A constant of the wrong type in an ADD / DELETE clause
/// (quoted: `operator: DELETE, operand type: STRING`, `operator: ADD, operand type: LIST`).
pub fn incorrect_action_operand_type(action: &str, operand_type: &str) -> String {
    format!(
        "Incorrect operand type for operator or function; operator: {action}, operand type: {operand_type}"
    )
}

/// `contains(a, a)` (docs: "contains (a, a) returns an error"; wording recalled).
pub fn operands_not_distinct(operator: &str, first: &str) -> String {
    format!(
        "The first operand must be distinct from the remaining operands for this operator or function; operator: {operator}, first operand: {first}"
    )
}

/// `a BETWEEN :hi AND :lo` with constant bounds in the wrong order (recalled).
pub fn between_bounds_order(lower: &str, upper: &str) -> String {
    format!(
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {lower}, upper bound operand: AttributeValue: {upper}"
    )
}

/// `a BETWEEN :n AND :s` with constant bounds of different types (recalled).
pub fn between_bounds_types(lower: &str, upper: &str) -> String {
    format!(
        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {lower}, upper bound operand: AttributeValue: {upper}"
    )
}

/// More than 100 IN operands (quoted: "The IN operator is provided with too many operands; number of operands: 163").
pub fn in_too_many_operands(count: usize) -> String {
    format!("The IN operator is provided with too many operands; number of operands: {count}")
}

/// `attribute_type(a, :t)` with `:t` a string that is not a type name (recalled).
pub fn invalid_attribute_type_name(operand: &str) -> String {
    format!("Invalid attribute type name found in type operand of attribute_type function; type operand: AttributeValue: {operand}")
}

// ---- Names and values ---------------------------------------------------------

/// A bare attribute name that is a reserved word (quoted: "reserved keyword: role").
pub fn reserved_keyword(word: &str) -> String {
    format!("Attribute name is a reserved keyword; reserved keyword: {word}")
}

/// `#n` used but not in ExpressionAttributeNames (quoted).
pub fn undefined_attribute_name(name: &str) -> String {
    format!("An expression attribute name used in the document path is not defined; attribute name: {name}")
}

/// `:v` used but not in ExpressionAttributeValues (quoted).
pub fn undefined_attribute_value(value: &str) -> String {
    format!("An expression attribute value used in expression is not defined; attribute value: {value}")
}

/// ExpressionAttributeNames entries no expression uses (recalled; not prefixed).
pub fn unused_attribute_names(keys: &[&str]) -> String {
    format!(
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
        super::bounded_list(keys)
    )
}

/// ExpressionAttributeValues entries no expression uses (recalled; not prefixed).
pub fn unused_attribute_values(keys: &[&str]) -> String {
    format!(
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
        super::bounded_list(keys)
    )
}

/// `ExpressionAttributeNames: {}` (recalled).
pub const NAMES_EMPTY: &str = "ExpressionAttributeNames must not be empty";
/// `ExpressionAttributeValues: {}` (quoted).
pub const VALUES_EMPTY: &str = "ExpressionAttributeValues must not be empty";

/// A key of ExpressionAttributeNames that is not `#` + [A-Za-z0-9_]+ (quoted).
pub fn invalid_name_key(key: &str) -> String {
    format!("ExpressionAttributeNames contains invalid key: Syntax error; key: \"{key}\"")
}

/// A key of ExpressionAttributeValues that is not `:` + [A-Za-z0-9_]+ (quoted).
pub fn invalid_value_key(key: &str) -> String {
    format!("ExpressionAttributeValues contains invalid key: Syntax error; key: \"{key}\"")
}

/// An ExpressionAttributeNames entry whose value is `""` (the service
/// refuses it with a ValidationException; emulator wording).
pub fn empty_name_value(key: &str) -> String {
    format!("ExpressionAttributeNames contains invalid value: Empty attribute name for key {key}")
}

/// The expressions a request lacks, as the service lists them after
/// "...when using expressions": `: X is null`, `: X and Y are null`,
/// `: X, Y and Z are null` (issue 15; the list form for three or more is
/// ours by analogy).
fn absent_expressions(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!(": {one} is null"),
        [init @ .., last] => format!(": {} and {last} are null", init.join(", ")),
    }
}
/// ExpressionAttributeNames in a request without expressions, naming the
/// operation's absent expressions.
pub fn names_without_expressions(absent: &[&str]) -> String {
    format!("{NAMES_WITHOUT_EXPRESSIONS}{}", absent_expressions(absent))
}
/// ExpressionAttributeValues in a request without expressions.
pub fn values_without_expressions(absent: &[&str]) -> String {
    format!("{VALUES_WITHOUT_EXPRESSIONS}{}", absent_expressions(absent))
}

/// ExpressionAttributeNames given without any expression (recalled).
pub const NAMES_WITHOUT_EXPRESSIONS: &str =
    "ExpressionAttributeNames can only be specified when using expressions";
/// ExpressionAttributeValues given without any expression that takes values (recalled).
pub const VALUES_WITHOUT_EXPRESSIONS: &str =
    "ExpressionAttributeValues can only be specified when using expressions";

// ---- Document paths -----------------------------------------------------------

/// One path is a prefix of (or equal to) another (quoted: `path one: [f], path two: [f]`).
pub fn paths_overlap(one: &str, two: &str) -> String {
    format!("Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}")
}

/// Two paths use the same node as a map and as a list (recalled).
pub fn paths_conflict(one: &str, two: &str) -> String {
    format!("Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {one}, path two: {two}")
}

// ---- Update expressions -------------------------------------------------------

/// A clause keyword used twice (text from the brief / recalled).
pub fn clause_repeated(keyword: &str) -> String {
    format!("The \"{keyword}\" section can only be used once in an update expression;")
}

/// Runtime: `+`, `-`, list_append, ADD or DELETE on a value of the wrong type (recalled, not prefixed).
pub const UPDATE_OPERAND_TYPE: &str = "An operand in the update expression has an incorrect data type";

/// Runtime: an operand path that does not exist in the item (recalled, not prefixed).
pub const UPDATE_MISSING_ATTRIBUTE: &str =
    "The provided expression refers to an attribute that does not exist in the item";

/// Runtime: a target path whose parent is missing or of the wrong type (quoted, not prefixed).
pub const UPDATE_INVALID_PATH: &str =
    "The document path provided in the update expression is invalid for update";

/// Updating a primary key attribute (recalled).
pub fn key_attribute_update(name: &str) -> String {
    format!("One or more parameter values were invalid: Cannot update attribute {name}. This attribute is part of the key")
}

// ---- Key conditions -----------------------------------------------------------

/// OR, NOT, <>, IN or a function other than begins_with in a key condition
/// (quoted: "Invalid operator used in KeyConditionExpression: IN"; not prefixed).
pub fn key_condition_invalid_operator(operator: &str) -> String {
    format!("Invalid operator used in KeyConditionExpression: {operator}")
}

/// Two conditions on the same key attribute (quoted; not prefixed).
pub const KEY_CONDITION_ONE_PER_KEY: &str = "KeyConditionExpressions must only contain one condition per key";

/// A key condition the index cannot serve (quoted; not prefixed).
pub const KEY_CONDITION_NOT_SUPPORTED: &str = "Query key condition not supported";

/// A partition key attribute without a condition (quoted; not prefixed).
pub fn key_condition_missing(name: &str) -> String {
    format!("Query condition missed key schema element: {name}")
}

/// A document path in a key condition (quoted from a real-service capture; gets the prefix).
pub const KEY_CONDITION_NESTED: &str = "KeyConditionExpressions cannot have conditions on nested attributes";

/// More than two conditions for a key of one or two attributes (recalled;
/// not prefixed). A multi-attribute GSI key (up to 8 conditions) reports a
/// repeated key or a non-key attribute instead.
pub const KEY_CONDITION_LENGTH: &str = "Conditions can be of length 1 or 2 only";

/// A filter on a primary key attribute in Query (recalled; gets the prefix).
pub fn filter_on_key_attribute(name: &str) -> String {
    format!("Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}")
}

// ---- Legacy parameters --------------------------------------------------------

/// Mixing legacy and expression parameters (text from the brief).
pub fn mixed_parameters(legacy: &[&str], expression: &[&str]) -> String {
    format!(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{}}} Expression parameters: {{{}}}",
        legacy.join(", "),
        expression.join(", ")
    )
}

/// Wrong AttributeValueList length for a ComparisonOperator (recalled).
pub fn legacy_argument_count(operator: &str) -> String {
    format!("One or more parameter values were invalid: Invalid number of argument(s) for the {operator} ComparisonOperator")
}

/// A value type a ComparisonOperator does not accept (recalled).
pub fn legacy_operator_type(operator: &str, value_type: &str) -> String {
    format!("One or more parameter values were invalid: ComparisonOperator {operator} is not valid for {value_type} AttributeValue type")
}

/// Expected entry with Exists true (or absent) and no Value (docs: rule; wording recalled).
pub fn legacy_exists_without_value(attr: &str) -> String {
    format!("One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: {attr}")
}

/// Expected entry with Exists false and a Value (docs: rule; wording recalled).
pub fn legacy_value_with_exists_false(attr: &str) -> String {
    format!("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: {attr}")
}

/// Expected entry mixing Value/Exists with AttributeValueList/ComparisonOperator (docs: rule; wording recalled).
pub fn legacy_value_and_list(attr: &str) -> String {
    format!(
        "One or more parameter values were invalid: Value or Exists cannot be used together with AttributeValueList or ComparisonOperator for Attribute: {attr}"
    )
}

/// AttributeValueList without ComparisonOperator (recalled).
pub fn legacy_list_without_operator(attr: &str) -> String {
    format!("One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: {attr}")
}

/// Legacy `IN` with values of more than one type (emulator wording: the
/// service refuses it with a ValidationException; its exact text is not
/// documented).
pub const LEGACY_IN_MIXED_TYPES: &str =
    "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type";

/// ConditionalOperator with fewer than two conditions (recalled).
pub const LEGACY_CONDITIONAL_OPERATOR: &str =
    "One or more parameter values were invalid: ConditionalOperator can only be used when Filter or Expected has two or more elements";

/// A KeyConditions operator that cannot use the index (recalled).
pub const LEGACY_NOT_INDEXABLE: &str = "Attempted conditional constraint is not an indexable operation";

/// AttributesToGet naming an attribute twice (recalled).
pub fn legacy_duplicate_attribute(name: &str) -> String {
    format!("One or more parameter values were invalid: Duplicate value in attribute name: {name}")
}

/// QueryFilter on a primary key attribute (recalled).
pub fn legacy_query_filter_key(name: &str) -> String {
    format!("QueryFilter can only contain non-primary key attributes: Primary key attribute: {name}")
}

/// AttributeUpdates PUT/ADD without Value (recalled).
pub const LEGACY_UPDATE_NEEDS_VALUE: &str =
    "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified";

/// AttributeUpdates ADD with a value that is not a number or a set (recalled).
pub fn legacy_add_type(value_type: &str) -> String {
    format!(
        "One or more parameter values were invalid: ADD action is not supported for the type {value_type}"
    )
}

/// AttributeUpdates DELETE with a value that is not a set (recalled).
pub fn legacy_delete_type(value_type: &str) -> String {
    format!("One or more parameter values were invalid: DELETE action with value is not supported for the type {value_type}")
}

/// Runtime: AttributeUpdates ADD/DELETE against an attribute of another type (recalled).
pub const LEGACY_UPDATE_TYPE_MISMATCH: &str = "Type mismatch for attribute to update";

/// A legacy parameter of the wrong JSON shape (emulator text).
pub fn legacy_malformed(parameter: &str) -> String {
    format!("One or more parameter values were invalid: {parameter} is malformed")
}
