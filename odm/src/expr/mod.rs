//! Typed expressions: document paths and [`Field`]s, conditions
//! ([`Condition`]), update actions ([`Update`]), and the placeholder
//! table that renders them ([`Placeholders`]).
//!
//! ```
//! # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
//! # use ddb_odm::testing::doc::render;
//! # use ddb_odm::testing::doc::render_u;
//! # let total = ddb_odm::testing::doc::total();
//! # let name = ddb_odm::testing::doc::name();
//! # let tags = ddb_odm::testing::doc::tags();
//! let c = total.gt(5.0) & name.begins_with("A");
//! let mut p = Placeholders::default();
//! assert_eq!(c.render(&mut p).unwrap(), "(#n0 > :v0) AND (begins_with(#n1, :v1))");
//! assert_eq!(p.names().unwrap()["#n1"], "name");
//! ```

mod condition;
mod field;
mod placeholders;
mod update;

pub use condition::{Comparator, Condition};
pub(crate) use condition::{Cond, Operand};
pub use field::Encoder;
pub use field::{Field, Path, PathElem};
pub use placeholders::Placeholders;
pub(crate) use update::render_actions as update_render;
pub use update::{Update, UpdateAction};
