//! Typed expressions: document paths and [`Field`]s, conditions
//! ([`Condition`]), update actions ([`Update`]), and the placeholder
//! table that renders them ([`Placeholders`]).

mod condition;
mod field;
mod placeholders;
mod update;

pub(crate) use condition::Cond;
pub use condition::{Comparator, Condition};
pub use field::Encoder;
pub use field::{Field, Path, PathElem};
pub use placeholders::Placeholders;
pub(crate) use update::render_actions as update_render;
pub use update::{Update, UpdateAction};
