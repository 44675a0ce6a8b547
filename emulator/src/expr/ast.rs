//! The typed AST shared by all five expression kinds (and the legacy
//! parameters, which are translated onto it).
//!
//! The AST owns its strings and values; it borrows nothing from the request.
//! A freshly parsed AST still contains placeholders ([`Name::Placeholder`],
//! [`ValueRef::Placeholder`]); resolution (see [`super::resolve`]) replaces
//! them with the names and values they stand for, after which the AST is
//! evaluated. The printer ([`super::printer`]) turns a parsed AST back into
//! expression text.

use crate::value::{AttributeValue, ValueType};

/// Which expression parameter an expression came from (used in messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// `ConditionExpression`
    Condition,
    /// `FilterExpression`
    Filter,
    /// `KeyConditionExpression`
    KeyCondition,
    /// `ProjectionExpression`
    Projection,
    /// `UpdateExpression`
    Update,
}

impl ExprKind {
    /// The parameter name, as used in `Invalid {name}: ...`.
    pub fn name(self) -> &'static str {
        match self {
            ExprKind::Condition => "ConditionExpression",
            ExprKind::Filter => "FilterExpression",
            ExprKind::KeyCondition => "KeyConditionExpression",
            ExprKind::Projection => "ProjectionExpression",
            ExprKind::Update => "UpdateExpression",
        }
    }
}

/// An attribute name inside a document path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Name {
    /// A literal name (as written, or after placeholder resolution).
    Plain(String),
    /// An unresolved `#name` placeholder (including the `#`).
    Placeholder(String),
}

impl Name {
    /// The attribute name, if resolved.
    pub fn resolved(&self) -> Option<&str> {
        match self {
            Name::Plain(s) => Some(s),
            Name::Placeholder(_) => None,
        }
    }
    /// The text as written / resolved.
    pub fn text(&self) -> &str {
        match self {
            Name::Plain(s) | Name::Placeholder(s) => s,
        }
    }
}

/// One step of a document path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathElem {
    /// A map key (or, first, a top-level attribute).
    Attr(Name),
    /// A list index.
    Index(u32),
}

/// A document path: `a.b[2].#c`. The first element is always an attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    /// The steps, first to last.
    pub elems: Vec<PathElem>,
}

impl Path {
    /// A top-level attribute path.
    pub fn attr(name: impl Into<String>) -> Path {
        Path { elems: vec![PathElem::Attr(Name::Plain(name.into()))] }
    }
    /// The top-level attribute name (resolved names only).
    pub fn top(&self) -> Option<&str> {
        match self.elems.first() {
            Some(PathElem::Attr(n)) => n.resolved(),
            _ => None,
        }
    }
    /// Whether this is a single top-level attribute.
    pub fn is_top_level(&self) -> bool {
        self.elems.len() == 1
    }
    /// The service's rendering in path messages: `[a, b, [2]]`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .elems
            .iter()
            .map(|e| match e {
                PathElem::Attr(n) => n.text().to_string(),
                PathElem::Index(i) => format!("[{i}]"),
            })
            .collect();
        format!("[{}]", parts.join(", "))
    }
}

/// A constant operand.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueRef {
    /// An unresolved `:value` placeholder (including the `:`).
    Placeholder(String),
    /// A resolved value.
    Literal(AttributeValue),
}

impl ValueRef {
    /// The value, if resolved.
    pub fn literal(&self) -> Option<&AttributeValue> {
        match self {
            ValueRef::Literal(v) => Some(v),
            ValueRef::Placeholder(_) => None,
        }
    }
}

/// Comparators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The operator's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
    /// The comparator with its operands swapped (`a < b` is `b > a`).
    pub fn flipped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            other => other,
        }
    }
}

/// An operand of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A document path.
    Path(Path),
    /// A constant.
    Value(ValueRef),
    /// `size(operand)`: of a path, or of a constant (`size(:v)`, which the
    /// service accepts).
    Size(Box<Operand>),
    /// `( operand )`.
    Paren(Box<Operand>),
}

impl Operand {
    /// The operand without surrounding parentheses.
    pub fn unparen(&self) -> &Operand {
        let mut o = self;
        while let Operand::Paren(inner) = o {
            o = inner;
        }
        o
    }
}

/// A condition (ConditionExpression, FilterExpression, KeyConditionExpression).
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `a <op> b`.
    Compare(Operand, CompareOp, Operand),
    /// `a BETWEEN lo AND hi`.
    Between(Operand, Operand, Operand),
    /// `a IN (b, c, ...)`.
    In(Operand, Vec<Operand>),
    /// `attribute_exists(path)`.
    AttributeExists(Path),
    /// `attribute_not_exists(path)`.
    AttributeNotExists(Path),
    /// `attribute_type(operand, :type)`: the first operand is a path or,
    /// as the service allows, a constant (`attribute_type(:v, :t)`).
    AttributeType(Operand, ValueRef),
    /// `begins_with(operand, operand)`: the first operand is a path or a
    /// constant (`begins_with(:s, a)`).
    BeginsWith(Operand, Operand),
    /// `contains(path, operand)`.
    Contains(Path, Operand),
    /// `NOT c`.
    Not(Box<Condition>),
    /// `a AND b`.
    And(Box<Condition>, Box<Condition>),
    /// `a OR b`.
    Or(Box<Condition>, Box<Condition>),
    /// `( c )`.
    Paren(Box<Condition>),
}

/// A ProjectionExpression: the paths to keep.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// The paths, in request order.
    pub paths: Vec<Path>,
}

/// An operand of a SET action's value.
#[derive(Clone, Debug, PartialEq)]
pub enum SetOperand {
    /// A document path (read from the item before the update).
    Path(Path),
    /// A constant.
    Value(ValueRef),
    /// `if_not_exists(path, operand)`.
    IfNotExists(Path, Box<SetOperand>),
    /// `list_append(a, b)`.
    ListAppend(Box<SetOperand>, Box<SetOperand>),
}

/// The right-hand side of a SET action.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    /// A single operand.
    Operand(SetOperand),
    /// `a + b` (numbers).
    Plus(SetOperand, SetOperand),
    /// `a - b` (numbers).
    Minus(SetOperand, SetOperand),
}

/// `path = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct SetAction {
    /// Target.
    pub path: Path,
    /// New value.
    pub value: SetValue,
}

/// One clause of an update expression.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateClause {
    /// `SET a = ..., ...`
    Set(Vec<SetAction>),
    /// `REMOVE a, b[1], ...`
    Remove(Vec<Path>),
    /// `ADD a :v, ...`
    Add(Vec<(Path, ValueRef)>),
    /// `DELETE a :v, ...`
    Delete(Vec<(Path, ValueRef)>),
}

impl UpdateClause {
    /// The clause keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            UpdateClause::Set(_) => "SET",
            UpdateClause::Remove(_) => "REMOVE",
            UpdateClause::Add(_) => "ADD",
            UpdateClause::Delete(_) => "DELETE",
        }
    }
    /// The paths this clause writes, in order.
    pub fn targets(&self) -> Vec<&Path> {
        match self {
            UpdateClause::Set(a) => a.iter().map(|s| &s.path).collect(),
            UpdateClause::Remove(p) => p.iter().collect(),
            UpdateClause::Add(a) | UpdateClause::Delete(a) => a.iter().map(|(p, _)| p).collect(),
        }
    }
}

/// An UpdateExpression (or translated AttributeUpdates).
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateExpression {
    /// Clauses in the order written (each keyword at most once).
    pub clauses: Vec<UpdateClause>,
    /// Translated from legacy `AttributeUpdates` (changes runtime error texts).
    pub legacy: bool,
}

impl UpdateExpression {
    /// All target paths, in clause order.
    pub fn targets(&self) -> Vec<&Path> {
        self.clauses.iter().flat_map(|c| c.targets()).collect()
    }
}

/// A KeyConditionExpression (a restricted condition). Resolve it against a
/// key schema with [`KeyCondition::resolve`](super::key::KeyCondition).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyCondition {
    /// The condition tree: only AND, parentheses, `= < <= > >=`, BETWEEN and begins_with.
    pub condition: Condition,
}

/// The service's short type name (`S`, `N`, `BOOL`, ...) of a value.
pub fn short_type(v: &AttributeValue) -> &'static str {
    v.value_type().as_str()
}

/// The service's long type name of a value (`STRING`, `NUMBER`, `MAP`, ...),
/// as used in ADD / DELETE operand-type messages.
pub fn long_type(v: &AttributeValue) -> &'static str {
    match v.value_type() {
        ValueType::S => "STRING",
        ValueType::N => "NUMBER",
        ValueType::B => "BINARY",
        ValueType::Bool => "BOOLEAN",
        ValueType::Null => "NULL",
        ValueType::M => "MAP",
        ValueType::L => "LIST",
        ValueType::Ss => "STRING_SET",
        ValueType::Ns => "NUMBER_SET",
        ValueType::Bs => "BINARY_SET",
    }
}

/// `{N:5}` / `{S:abc}`: a value as the service prints it inside messages.
pub fn describe_value(v: &AttributeValue) -> String {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let body = match v {
        AttributeValue::S(s) => s.clone(),
        AttributeValue::N(n) => n.to_string(),
        AttributeValue::B(b) => b64(b),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Null => "true".to_string(),
        AttributeValue::Ss(s) => format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", ")),
        AttributeValue::Ns(s) => {
            format!("[{}]", s.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "))
        }
        AttributeValue::Bs(s) => format!("[{}]", s.iter().map(|b| b64(b)).collect::<Vec<_>>().join(", ")),
        AttributeValue::L(l) => format!("[{}]", l.iter().map(describe_value).collect::<Vec<_>>().join(", ")),
        AttributeValue::M(m) => format!(
            "{{{}}}",
            m.iter().map(|(k, v)| format!("{k}={}", describe_value(v))).collect::<Vec<_>>().join(", ")
        ),
    };
    format!("{{{}:{}}}", short_type(v), body)
}
