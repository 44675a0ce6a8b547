//! The statements of DynamoDB's PartiQL dialect, as parsed (parameters still
//! `?`, literals still as written). [`super::compile`] turns them into the
//! operations the JSON API runs.

use crate::expr::CompareOp;

/// One step of a document path.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// An attribute or map key (`a`, `"a b"`, `['a b']`).
    Attr(String),
    /// A list index (`[3]`).
    Index(u32),
}

/// A document path: `a.b[2]."c d"`. The first step is an attribute.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The steps, first to last.
    pub steps: Vec<Step>,
}

impl Path {
    /// The top-level attribute name when the path is just that.
    pub fn top_level(&self) -> Option<&str> {
        match self.steps.as_slice() {
            [Step::Attr(a)] => Some(a),
            _ => None,
        }
    }
}

/// A literal as written (Ion-like syntax), possibly holding parameters.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// `'text'`
    Str(String),
    /// `12`, `-1.5e3` (the text, sign included).
    Num(String),
    /// `TRUE` / `FALSE`
    Bool(bool),
    /// `NULL`
    Null,
    /// `MISSING`
    Missing,
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{'k': v, ...}` (keys in order written).
    Map(Vec<(String, Expr)>),
    /// `<<a, b>>` (a set: all strings, all numbers or all binaries).
    Set(Vec<Expr>),
}

/// `IS [NOT] MISSING` / `IS [NOT] NULL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsWhat {
    /// `MISSING`: the attribute is absent.
    Missing,
    /// `NULL`: absent or of type NULL (PartiQL: MISSING is NULL too).
    Null,
}

/// An expression (WHERE conditions, SET values, literals).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A document path.
    Path(Path),
    /// A literal.
    Lit(Lit),
    /// The `n`-th `?` (0-based, in statement order).
    Param(usize),
    /// `a <op> b` (`!=` is `<>`).
    Compare(Box<Expr>, CompareOp, Box<Expr>),
    /// `a BETWEEN lo AND hi`.
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a IN [b, c]` / `a IN (b, c)`.
    In(Box<Expr>, Vec<Expr>),
    /// `a IS [NOT] MISSING|NULL` (`true`: NOT).
    Is(Box<Expr>, IsWhat, bool),
    /// `NOT c`.
    Not(Box<Expr>),
    /// `a AND b`.
    And(Box<Expr>, Box<Expr>),
    /// `a OR b`.
    Or(Box<Expr>, Box<Expr>),
    /// `f(args)`; the name lower-cased.
    Call(String, Vec<Expr>),
    /// `a + b` / `a - b` (SET values).
    Arith(Box<Expr>, char, Box<Expr>),
}

/// `RETURNING ... *`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returning {
    /// `ALL OLD *`
    AllOld,
    /// `ALL NEW *`
    AllNew,
    /// `MODIFIED OLD *`
    ModifiedOld,
    /// `MODIFIED NEW *`
    ModifiedNew,
}

impl Returning {
    /// The ReturnValues value it stands for.
    pub fn return_values(self) -> crate::ops::common::ReturnValues {
        use crate::ops::common::ReturnValues;
        match self {
            Returning::AllOld => ReturnValues::AllOld,
            Returning::AllNew => ReturnValues::AllNew,
            Returning::ModifiedOld => ReturnValues::UpdatedOld,
            Returning::ModifiedNew => ReturnValues::UpdatedNew,
        }
    }
}

/// One action of an UPDATE, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateAction {
    /// `SET path = value`.
    Set(Path, Expr),
    /// `REMOVE path`.
    Remove(Path),
}

/// A SELECT.
#[derive(Clone, Debug, PartialEq)]
pub struct Select {
    /// The projection; `None` for `*`.
    pub projection: Option<Vec<Path>>,
    /// The table.
    pub table: String,
    /// The index, for `"table"."index"`.
    pub index: Option<String>,
    /// The WHERE condition.
    pub condition: Option<Expr>,
    /// ORDER BY paths, `true` for DESC.
    pub order_by: Vec<(Path, bool)>,
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `SELECT ... FROM ... [WHERE ...] [ORDER BY ...]`
    Select(Select),
    /// `INSERT INTO table VALUE {...}`
    Insert {
        /// The table.
        table: String,
        /// The item (a map literal or a parameter).
        value: Expr,
    },
    /// `UPDATE table SET/REMOVE ... WHERE ... [RETURNING ...]`
    Update {
        /// The table.
        table: String,
        /// SET and REMOVE actions in order.
        actions: Vec<UpdateAction>,
        /// The WHERE condition (the full key, optionally AND a condition).
        condition: Expr,
        /// RETURNING.
        returning: Option<Returning>,
    },
    /// `DELETE FROM table WHERE ... [RETURNING ALL OLD *]`
    Delete {
        /// The table.
        table: String,
        /// The WHERE condition (the full key, optionally AND a condition).
        condition: Expr,
        /// RETURNING.
        returning: Option<Returning>,
    },
    /// `EXISTS(SELECT * FROM table WHERE ...)`: a condition check in a transaction.
    Exists(Select),
}

impl Statement {
    /// Whether it only reads.
    pub fn is_read(&self) -> bool {
        matches!(self, Statement::Select(_))
    }
    /// The table it names.
    pub fn table(&self) -> &str {
        match self {
            Statement::Select(s) | Statement::Exists(s) => &s.table,
            Statement::Insert { table, .. }
            | Statement::Update { table, .. }
            | Statement::Delete { table, .. } => table,
        }
    }
}
