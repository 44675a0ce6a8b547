//! Amazon Ion text, the subset DynamoDB exports write and imports read.
//!
//! Layout (Developer Guide, "DynamoDB table export output format", section
//! "Amazon Ion": `doc_source/S3DataExport.Output.md` in
//! awsdocs/amazon-dynamodb-developer-guide, with its conversion table and
//! example item, which `tests.rs` writes and reads back character for
//! character; and "Amazon S3 import formats for DynamoDB"): one item per
//! line, each line starting with the Ion version marker so that it stands
//! alone:
//!
//! ```text
//! $ion_1_0 {Item:{Authors:$dynamodb_SS::["Author1","Author2"],Id:103.,Price:2d3,InPublication:false}}
//! ```
//!
//! Type mapping, both ways: `S` string, `N` decimal (`103.`, `2d3`, `1.5`),
//! `B` blob (`{{base64}}`), `BOOL` bool, `NULL` null, `M` struct, `L`
//! list, and the sets as lists annotated `$dynamodb_SS::`, `$dynamodb_NS::`,
//! `$dynamodb_BS::`. On import the reader also takes what Ion writers
//! commonly produce for the same values: ints and floats as numbers,
//! symbols as strings, clobs as binary, typed nulls (`null.string`) as
//! NULL, quoted field names, comments. Timestamps, s-expressions and
//! non-finite floats have no DynamoDB type: a line holding one is an
//! error, as is any line that is not one `{Item:{...}}` struct.
//!
//! The reader builds the DynamoDB JSON form of the item and hands it to
//! [`parse_item`], so an imported Ion item is validated exactly as a
//! DYNAMODB_JSON one (empty or duplicate sets, numbers out of range,
//! nesting depth).

mod read;
mod write;

pub use read::read_item_line;
pub use write::{item_line, write_struct, write_value};

/// The version marker each line starts with.
pub const VERSION_MARKER: &str = "$ion_1_0";

#[cfg(test)]
mod tests;
