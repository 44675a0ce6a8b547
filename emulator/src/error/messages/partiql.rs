//! Texts of the PartiQL operations (ExecuteStatement, BatchExecuteStatement,
//! ExecuteTransaction).
//!
//! Sources: the texts marked "service" are the live service's, as quoted in
//! the DynamoDB developer guide's PartiQL pages and in public bug reports;
//! the syntax-error details ("Unexpected token ...") and their position
//! suffix follow the PartiQL reference parser's wording, which the service's
//! parser derives from. Call sites use these items only.

/// Prefix of every syntax error (service).
pub const MALFORMED: &str = "Statement wasn't well formed, can't be processed";

/// A syntax error: `detail` at 1-based `line` and `column`.
pub fn syntax_error(detail: &str, line: usize, column: usize) -> String {
    format!("{MALFORMED}: {detail} at line {line}, column {column}")
}

/// An unterminated single-quoted string.
pub const UNTERMINATED_STRING: &str = "Unterminated string literal";
/// An unterminated double-quoted identifier.
pub const UNTERMINATED_IDENTIFIER: &str = "Unterminated quoted identifier";
/// The statement ended where more was expected.
pub const UNEXPECTED_END: &str = "Unexpected end of statement";
/// Nesting beyond the parser's bound.
pub const TOO_DEEP: &str = "Statement nesting is too deep";

/// A character that starts no token.
pub fn unexpected_character(c: char) -> String {
    format!("Unexpected character: '{c}'")
}
/// A token that does not fit here.
pub fn unexpected_token(token: &str) -> String {
    format!("Unexpected token: {token}")
}
/// A keyword that does not fit here.
pub fn unexpected_keyword(token: &str) -> String {
    format!("Unexpected keyword: {token}")
}
/// `what` expected, `found` found.
pub fn expected(what: &str, found: &str) -> String {
    format!("Expected {what}, found {found}")
}
/// A list index that is not a small non-negative integer.
pub fn bad_index(text: &str) -> String {
    format!("Invalid list index: {text}")
}
/// A construct DynamoDB's PartiQL does not run (service: "Unsupported operation: ...").
pub fn unsupported(what: &str) -> String {
    format!("Unsupported operation: {what} is not supported")
}

/// `?` count differs from `Parameters` (service).
pub const PARAMETER_COUNT: &str = "Number of parameters in request and statement don't match.";
/// UPDATE / DELETE / transactional or batched SELECT without the whole key (service).
pub const MISSING_KEY_EQUALITY: &str =
    "Where clause does not contain a mandatory equality on all key attributes";
/// INSERT of an existing key (service, DuplicateItemException).
pub const DUPLICATE_ITEM: &str = "Duplicate primary key exists in table";
/// INSERT whose VALUE is not a map.
pub const INSERT_NOT_MAP: &str =
    "Unsupported operation: INSERT VALUE must be a map of attribute names to values";
/// A literal or parameter where a document path is needed.
pub fn path_required(function: &str) -> String {
    format!("Unsupported operation: the first argument of {function} must be a document path")
}
/// A function called with the wrong number of arguments.
pub fn function_arity(function: &str, expected: usize, got: usize) -> String {
    format!("Invalid number of arguments for function {function}: expected {expected}, got {got}")
}
/// A function DynamoDB's PartiQL does not know.
pub fn unknown_function(function: &str) -> String {
    format!("Unsupported operation: function {function} is not supported")
}
/// A function used where it has no meaning (size() as a condition, begins_with() as a value, ...).
pub fn misplaced_function(function: &str) -> String {
    format!("Unsupported operation: function {function} cannot be used here")
}
/// An expression used as a condition that is not one.
pub const NOT_A_CONDITION: &str = "Unsupported operation: WHERE clause must be a condition";
/// `MISSING` used as a value.
pub const MISSING_AS_VALUE: &str = "Unsupported operation: MISSING cannot be used as a value";
/// A set literal that is empty, or mixes types.
pub const BAD_SET: &str =
    "Unsupported operation: a set must hold one or more values, all strings, all numbers or all binaries";
/// A number literal the service cannot represent.
pub fn bad_number(text: &str) -> String {
    format!("Invalid number literal: {text}")
}
/// ORDER BY without a WHERE clause (service).
pub const ORDER_BY_WITHOUT_WHERE: &str =
    "Must have WHERE clause in the statement when using ORDER BY clause.";
/// ORDER BY that the read cannot serve in key order.
pub const ORDER_BY_NOT_KEY: &str =
    "Unsupported operation: ORDER BY is supported only on the key attributes of a query that fixes the partition key";
/// `a + b` outside an UPDATE's SET.
pub const ARITHMETIC_IN_CONDITION: &str = "Unsupported operation: arithmetic is supported only in SET";
/// A SET value the update cannot express.
pub const BAD_SET_VALUE: &str = "Unsupported operation: SET value must be a value, a path, path + value, path - value, list_append, set_add or set_delete";
/// An UPDATE that changes a key attribute.
pub fn key_update(attr: &str) -> String {
    format!("Cannot update attribute {attr}. This attribute is part of the key")
}
/// RETURNING not allowed for the statement.
pub const RETURNING_NOT_ALLOWED: &str = "Unsupported operation: DELETE supports only RETURNING ALL OLD *";
/// A NextToken this emulator did not issue.
pub const INVALID_NEXT_TOKEN: &str = "Invalid NextToken";
/// A NextToken with a statement it was not issued for.
pub const NEXT_TOKEN_MISMATCH: &str = "Invalid NextToken: the token was issued for another statement";
/// A batch mixing reads and writes (service).
pub const BATCH_MIXED: &str = "Batch statements must either be all reads or all writes";
/// A transaction mixing reads and writes (service).
pub const TRANSACTION_MIXED: &str = "Transaction statements must either be all reads or all writes";
/// EXISTS outside a write transaction.
pub const EXISTS_OUTSIDE_TRANSACTION: &str =
    "Unsupported operation: EXISTS is supported only in write transactions";
/// Several statements of one batch or transaction on the same item (service).
pub const DUPLICATE_ITEMS_IN_BATCH: &str = "Provided list of item keys contains duplicates";
/// A SELECT in a batch or transaction that reads an index.
pub const INDEX_IN_BATCH: &str =
    "Unsupported operation: batched and transactional reads must read a table by its key";
