//! The printer: AST back to expression text (`Display` impls).
//!
//! The output parses back to the same AST for any AST the parser can
//! produce: parentheses are printed only where the AST has
//! [`Condition::Paren`] / [`Operand::Paren`] nodes, keywords in upper case,
//! placeholders as written. A resolved AST prints resolved names (which may
//! not be valid bare names) and resolved values as `<{N:5}>`, which do not
//! parse; printing is meant for parsed ASTs.

use super::ast::*;
use std::fmt::{self, Display, Formatter, Write as _};

impl Display for Name {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl Display for Path {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, e) in self.elems.iter().enumerate() {
            match e {
                PathElem::Attr(n) => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    write!(f, "{n}")?;
                }
                PathElem::Index(k) => write!(f, "[{k}]")?,
            }
        }
        Ok(())
    }
}

impl Display for ValueRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ValueRef::Placeholder(p) => f.write_str(p),
            ValueRef::Literal(v) => write!(f, "<{}>", describe_value(v)),
        }
    }
}

impl Display for Operand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(p) => write!(f, "{p}"),
            Operand::Value(v) => write!(f, "{v}"),
            Operand::Size(o) => write!(f, "size({o})"),
            Operand::Paren(o) => write!(f, "({o})"),
        }
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare(l, op, r) => write!(f, "{l} {} {r}", op.as_str()),
            Condition::Between(o, lo, hi) => write!(f, "{o} BETWEEN {lo} AND {hi}"),
            Condition::In(o, list) => {
                write!(f, "{o} IN (")?;
                for (i, x) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_char(')')
            }
            Condition::AttributeExists(p) => write!(f, "attribute_exists({p})"),
            Condition::AttributeNotExists(p) => write!(f, "attribute_not_exists({p})"),
            Condition::AttributeType(p, t) => write!(f, "attribute_type({p}, {t})"),
            Condition::BeginsWith(p, o) => write!(f, "begins_with({p}, {o})"),
            Condition::Contains(p, o) => write!(f, "contains({p}, {o})"),
            Condition::Not(c) => write!(f, "NOT {c}"),
            Condition::And(l, r) => write!(f, "{l} AND {r}"),
            Condition::Or(l, r) => write!(f, "{l} OR {r}"),
            Condition::Paren(c) => write!(f, "({c})"),
        }
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, p) in self.paths.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl Display for SetOperand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetOperand::Path(p) => write!(f, "{p}"),
            SetOperand::Value(v) => write!(f, "{v}"),
            SetOperand::IfNotExists(p, v) => write!(f, "if_not_exists({p}, {v})"),
            SetOperand::ListAppend(a, b) => write!(f, "list_append({a}, {b})"),
        }
    }
}

impl Display for SetValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetValue::Operand(o) => write!(f, "{o}"),
            SetValue::Plus(a, b) => write!(f, "{a} + {b}"),
            SetValue::Minus(a, b) => write!(f, "{a} - {b}"),
        }
    }
}

impl Display for UpdateClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())?;
        f.write_char(' ')?;
        let sep = |f: &mut Formatter<'_>, i: usize| if i > 0 { f.write_str(", ") } else { Ok(()) };
        match self {
            UpdateClause::Set(actions) => {
                for (i, a) in actions.iter().enumerate() {
                    sep(f, i)?;
                    write!(f, "{} = {}", a.path, a.value)?;
                }
            }
            UpdateClause::Remove(paths) => {
                for (i, p) in paths.iter().enumerate() {
                    sep(f, i)?;
                    write!(f, "{p}")?;
                }
            }
            UpdateClause::Add(items) | UpdateClause::Delete(items) => {
                for (i, (p, v)) in items.iter().enumerate() {
                    sep(f, i)?;
                    write!(f, "{p} {v}")?;
                }
            }
        }
        Ok(())
    }
}

impl Display for UpdateExpression {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, c) in self.clauses.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for KeyCondition {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.condition)
    }
}
