//! ddb-odm: see issue; placeholder crate root.
#![deny(missing_docs)]
