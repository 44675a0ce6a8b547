//! A hand-written recursive-descent parser for DynamoDB's PartiQL subset.
//!
//! One token of look-ahead (two in a few places), bounded nesting (so no
//! input can exhaust the stack), and one error: the first token that does
//! not fit, with its byte offset. Constructs DynamoDB does not support
//! (joins, several tables, aggregates, `SELECT VALUE`, ...) are recognised
//! where they start and reported as unsupported rather than as syntax
//! errors.

use super::ast::{Expr, IsWhat, Lit, Path, Returning, Select, Statement, Step, UpdateAction};
use super::lexer::{Tok, Token};
use crate::error::messages::partiql as m;
use crate::expr::CompareOp;

/// Deepest nesting of parentheses, NOT, literals and paths accepted.
pub const MAX_DEPTH: usize = 64;

/// A parse failure: what and where (byte offset).
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// The detail text (from `messages::partiql`).
    pub detail: String,
    /// Byte offset of the offending token.
    pub at: usize,
    /// Unsupported construct rather than malformed text.
    pub unsupported: bool,
}

/// Words that end an expression or start a clause: never attribute names
/// unless double-quoted.
const RESERVED: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "IS",
    "BETWEEN",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "INSERT",
    "INTO",
    "VALUE",
    "VALUES",
    "UPDATE",
    "SET",
    "REMOVE",
    "DELETE",
    "RETURNING",
    "NULL",
    "MISSING",
    "TRUE",
    "FALSE",
    "JOIN",
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "UNION",
    "AS",
    "ON",
    "EXISTS",
    "DISTINCT",
    "LIKE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
];

/// Aggregate and other functions DynamoDB's PartiQL does not run.
const UNSUPPORTED_FUNCTIONS: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "upper",
    "lower",
    "substring",
    "cast",
    "coalesce",
    "nullif",
    "char_length",
    "trim",
];

/// Parses one statement; also returns how many `?` it holds (numbered in
/// the order met).
pub fn parse(tokens: &[Token]) -> Result<(Statement, usize), ParseError> {
    let mut p = Parser { tokens, pos: 0, params: 0, depth: 0 };
    let stmt = p.statement()?;
    if matches!(p.peek(), Tok::Sym(";")) {
        p.pos += 1;
    }
    match p.peek() {
        Tok::End => Ok((stmt, p.params)),
        _ => Err(p.unexpected()),
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    params: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &'a Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].kind
    }
    fn peek2(&self) -> &'a Tok {
        &self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].kind
    }
    fn at(&self) -> usize {
        self.tokens[self.pos.min(self.tokens.len() - 1)].at
    }
    fn next(&mut self) -> &'a Tok {
        let t = self.peek();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn error(&self, detail: String) -> ParseError {
        ParseError { detail, at: self.at(), unsupported: false }
    }
    fn unsupported(&self, what: &str) -> ParseError {
        ParseError { detail: m::unsupported(what), at: self.at(), unsupported: true }
    }
    fn unexpected(&self) -> ParseError {
        match self.peek() {
            Tok::End => self.error(m::UNEXPECTED_END.to_string()),
            t if is_reserved(t) => self.error(m::unexpected_keyword(&t.describe())),
            t => self.error(m::unexpected_token(&t.describe())),
        }
    }
    fn expected(&self, what: &str) -> ParseError {
        match self.peek() {
            Tok::End => self.error(m::expected(what, "end of statement")),
            t => self.error(m::expected(what, &t.describe())),
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek().is_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.expected(kw))
        }
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Tok::Sym(x) if *x == s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), ParseError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.expected(&format!("'{s}'")))
        }
    }
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(m::TOO_DEEP.to_string()));
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn statement(&mut self) -> Result<Statement, ParseError> {
        let t = self.peek();
        if t.is_kw("SELECT") {
            return Ok(Statement::Select(self.select()?));
        }
        if t.is_kw("INSERT") {
            return self.insert();
        }
        if t.is_kw("UPDATE") {
            return self.update();
        }
        if t.is_kw("DELETE") {
            return self.delete();
        }
        if t.is_kw("EXISTS") {
            self.pos += 1;
            self.expect_sym("(")?;
            if !self.peek().is_kw("SELECT") {
                return Err(self.expected("SELECT"));
            }
            let s = self.select()?;
            self.expect_sym(")")?;
            return Ok(Statement::Exists(s));
        }
        for kw in ["CREATE", "DROP", "ALTER", "UPSERT", "REPLACE", "WITH", "EXEC", "EXPLAIN"] {
            if t.is_kw(kw) {
                return Err(self.unsupported(&format!("{kw} statement")));
            }
        }
        Err(self.expected("SELECT, INSERT, UPDATE, DELETE or EXISTS"))
    }

    /// A table or index name: double-quoted, or a plain identifier.
    fn name(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek() {
            Tok::Quoted(s) => {
                self.pos += 1;
                Ok(s.clone())
            }
            t @ Tok::Ident(s) if !is_reserved(t) => {
                self.pos += 1;
                Ok(s.clone())
            }
            _ => Err(self.expected(what)),
        }
    }

    fn select(&mut self) -> Result<Select, ParseError> {
        self.expect_kw("SELECT")?;
        for kw in ["DISTINCT", "ALL", "VALUE", "TOP"] {
            if self.peek().is_kw(kw) {
                return Err(self.unsupported(&format!("SELECT {kw}")));
            }
        }
        let projection = if self.eat_sym("*") {
            None
        } else {
            let mut paths = vec![self.projection_item()?];
            while self.eat_sym(",") {
                paths.push(self.projection_item()?);
            }
            Some(paths)
        };
        self.expect_kw("FROM")?;
        let table = self.name("table name")?;
        let index = if self.eat_sym(".") { Some(self.name("index name")?) } else { None };
        if matches!(self.peek(), Tok::Sym(","))
            || self.peek().is_kw("JOIN")
            || self.peek().is_kw("AS")
            || self.peek().is_kw("INNER")
            || self.peek().is_kw("LEFT")
            || self.peek().is_kw("CROSS")
        {
            return Err(self.unsupported("joins and multiple tables"));
        }
        let condition = if self.eat_kw("WHERE") { Some(self.expr()?) } else { None };
        if self.peek().is_kw("GROUP") || self.peek().is_kw("HAVING") {
            return Err(self.unsupported("GROUP BY and HAVING"));
        }
        let mut order_by = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let path = self.path()?;
                let desc = if self.eat_kw("DESC") {
                    true
                } else {
                    self.eat_kw("ASC");
                    false
                };
                order_by.push((path, desc));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        if self.peek().is_kw("LIMIT") || self.peek().is_kw("OFFSET") {
            return Err(self.unsupported("LIMIT and OFFSET"));
        }
        Ok(Select { projection, table, index, condition, order_by })
    }

    fn projection_item(&mut self) -> Result<Path, ParseError> {
        if let (Tok::Ident(f), Tok::Sym("(")) = (self.peek(), self.peek2()) {
            let f = f.to_ascii_lowercase();
            return Err(self.unsupported(&format!("function {f} in the projection")));
        }
        let path = self.path()?;
        if self.peek().is_kw("AS") {
            return Err(self.unsupported("aliases"));
        }
        Ok(path)
    }

    fn insert(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("INSERT")?;
        self.expect_kw("INTO")?;
        let table = self.name("table name")?;
        if self.peek().is_kw("VALUES") || self.peek().is_kw("SELECT") {
            return Err(self.unsupported("INSERT with VALUES or SELECT; use VALUE {...}"));
        }
        self.expect_kw("VALUE")?;
        let value = self.primary()?;
        Ok(Statement::Insert { table, value })
    }

    fn update(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("UPDATE")?;
        let table = self.name("table name")?;
        let mut actions = Vec::new();
        loop {
            if self.eat_kw("SET") {
                loop {
                    let path = self.path()?;
                    self.expect_sym("=")?;
                    let value = self.additive()?;
                    actions.push(UpdateAction::Set(path, value));
                    if !self.eat_sym(",") {
                        break;
                    }
                }
            } else if self.eat_kw("REMOVE") {
                loop {
                    actions.push(UpdateAction::Remove(self.path()?));
                    if !self.eat_sym(",") {
                        break;
                    }
                }
            } else {
                break;
            }
        }
        if actions.is_empty() {
            return Err(self.expected("SET or REMOVE"));
        }
        self.expect_kw("WHERE")?;
        let condition = self.expr()?;
        let returning = self.returning()?;
        Ok(Statement::Update { table, actions, condition, returning })
    }

    fn delete(&mut self) -> Result<Statement, ParseError> {
        self.expect_kw("DELETE")?;
        self.expect_kw("FROM")?;
        let table = self.name("table name")?;
        self.expect_kw("WHERE")?;
        let condition = self.expr()?;
        let returning = self.returning()?;
        Ok(Statement::Delete { table, condition, returning })
    }

    fn returning(&mut self) -> Result<Option<Returning>, ParseError> {
        if !self.eat_kw("RETURNING") {
            return Ok(None);
        }
        let all = if self.eat_kw("ALL") {
            true
        } else if self.eat_kw("MODIFIED") {
            false
        } else {
            return Err(self.expected("ALL or MODIFIED"));
        };
        let old = if self.eat_kw("OLD") {
            true
        } else if self.eat_kw("NEW") {
            false
        } else {
            return Err(self.expected("OLD or NEW"));
        };
        self.expect_sym("*")?;
        Ok(Some(match (all, old) {
            (true, true) => Returning::AllOld,
            (true, false) => Returning::AllNew,
            (false, true) => Returning::ModifiedOld,
            (false, false) => Returning::ModifiedNew,
        }))
    }

    // ---- expressions ----

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut left = self.and()?;
        while self.eat_kw("OR") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.leave();
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.not()?;
        while self.eat_kw("AND") {
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat_kw("NOT") {
            self.enter()?;
            let inner = self.not()?;
            self.leave();
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, ParseError> {
        let left = self.additive()?;
        let op = match self.peek() {
            Tok::Sym("=") => Some(CompareOp::Eq),
            Tok::Sym("<>") | Tok::Sym("!=") => Some(CompareOp::Ne),
            Tok::Sym("<") => Some(CompareOp::Lt),
            Tok::Sym("<=") => Some(CompareOp::Le),
            Tok::Sym(">") => Some(CompareOp::Gt),
            Tok::Sym(">=") => Some(CompareOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.pos += 1;
            let right = self.additive()?;
            return Ok(Expr::Compare(Box::new(left), op, Box::new(right)));
        }
        if self.eat_kw("IS") {
            let negated = self.eat_kw("NOT");
            let what = if self.eat_kw("MISSING") {
                IsWhat::Missing
            } else if self.eat_kw("NULL") {
                IsWhat::Null
            } else {
                return Err(self.expected("MISSING or NULL"));
            };
            return Ok(Expr::Is(Box::new(left), what, negated));
        }
        let negated = self.peek().is_kw("NOT") && (self.peek2().is_kw("BETWEEN") || self.peek2().is_kw("IN"));
        if negated {
            self.pos += 1;
        }
        let e = if self.eat_kw("BETWEEN") {
            let lo = self.additive()?;
            self.expect_kw("AND")?;
            let hi = self.additive()?;
            Expr::Between(Box::new(left), Box::new(lo), Box::new(hi))
        } else if self.eat_kw("IN") {
            let close = if self.eat_sym("[") {
                "]"
            } else if self.eat_sym("(") {
                ")"
            } else {
                return Err(self.expected("'[' or '('"));
            };
            let mut items = vec![self.additive()?];
            while self.eat_sym(",") {
                items.push(self.additive()?);
            }
            self.expect_sym(close)?;
            Expr::In(Box::new(left), items)
        } else if self.peek().is_kw("LIKE") {
            return Err(self.unsupported("LIKE"));
        } else {
            return Ok(left);
        };
        Ok(if negated { Expr::Not(Box::new(e)) } else { e })
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.primary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => '+',
                Tok::Sym("-") => '-',
                Tok::Sym("*") | Tok::Sym("/") | Tok::Sym("%") => {
                    return Err(self.unsupported("arithmetic other than + and -"))
                }
                _ => break,
            };
            self.pos += 1;
            let right = self.primary()?;
            left = Expr::Arith(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let e = self.primary_inner();
        self.leave();
        e
    }

    fn primary_inner(&mut self) -> Result<Expr, ParseError> {
        let t = self.peek();
        match t {
            Tok::Sym("(") => {
                self.pos += 1;
                if self.peek().is_kw("SELECT") {
                    return Err(self.unsupported("nested SELECT"));
                }
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Param => {
                self.pos += 1;
                self.params += 1;
                Ok(Expr::Param(self.params - 1))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Str(s.clone())))
            }
            Tok::Number(n) => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Num(n.clone())))
            }
            Tok::Sym("-") | Tok::Sym("+") if matches!(self.peek2(), Tok::Number(_)) => {
                let neg = matches!(t, Tok::Sym("-"));
                self.pos += 1;
                let Tok::Number(n) = self.next() else { unreachable!("checked by peek2") };
                Ok(Expr::Lit(Lit::Num(if neg { format!("-{n}") } else { n.clone() })))
            }
            Tok::Sym("[") => {
                self.pos += 1;
                let items = self.items("]")?;
                Ok(Expr::Lit(Lit::List(items)))
            }
            Tok::Sym("<<") => {
                self.pos += 1;
                let items = self.items(">>")?;
                Ok(Expr::Lit(Lit::Set(items)))
            }
            Tok::Sym("{") => {
                self.pos += 1;
                let mut entries = Vec::new();
                if !self.eat_sym("}") {
                    loop {
                        let key = match self.peek() {
                            Tok::Str(k) => k.clone(),
                            _ => return Err(self.expected("a string map key")),
                        };
                        self.pos += 1;
                        self.expect_sym(":")?;
                        entries.push((key, self.additive()?));
                        if self.eat_sym("}") {
                            break;
                        }
                        self.expect_sym(",")?;
                    }
                }
                Ok(Expr::Lit(Lit::Map(entries)))
            }
            Tok::Ident(_) if t.is_kw("TRUE") => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Bool(true)))
            }
            Tok::Ident(_) if t.is_kw("FALSE") => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Bool(false)))
            }
            Tok::Ident(_) if t.is_kw("NULL") => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Null))
            }
            Tok::Ident(_) if t.is_kw("MISSING") => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Missing))
            }
            Tok::Ident(f) if matches!(self.peek2(), Tok::Sym("(")) && !is_reserved(t) => {
                let name = f.to_ascii_lowercase();
                if UNSUPPORTED_FUNCTIONS.contains(&name.as_str()) {
                    return Err(self.unsupported(&format!("function {name}")));
                }
                self.pos += 2;
                let args = if self.eat_sym(")") { Vec::new() } else { self.items(")")? };
                Ok(Expr::Call(name, args))
            }
            Tok::Ident(_) | Tok::Quoted(_) if !is_reserved(t) => Ok(Expr::Path(self.path()?)),
            _ => Err(self.unexpected()),
        }
    }

    /// Comma-separated expressions up to `close` (which is consumed).
    fn items(&mut self, close: &str) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.eat_sym(close) {
            return Ok(items);
        }
        loop {
            items.push(self.additive()?);
            if self.eat_sym(close) {
                return Ok(items);
            }
            if !self.eat_sym(",") {
                return Err(self.expected(&format!("',' or '{close}'")));
            }
        }
    }

    fn path(&mut self) -> Result<Path, ParseError> {
        let first = match self.peek() {
            Tok::Quoted(s) => s.clone(),
            t @ Tok::Ident(s) if !is_reserved(t) => s.clone(),
            _ => return Err(self.expected("an attribute name")),
        };
        self.pos += 1;
        let mut steps = vec![Step::Attr(first)];
        loop {
            if self.eat_sym(".") {
                match self.peek() {
                    Tok::Quoted(s) | Tok::Ident(s) => {
                        steps.push(Step::Attr(s.clone()));
                        self.pos += 1;
                    }
                    Tok::Sym("*") => return Err(self.unsupported("wildcard paths")),
                    _ => return Err(self.expected("an attribute name")),
                }
            } else if self.eat_sym("[") {
                match self.peek() {
                    Tok::Number(n) => {
                        let i = n.parse::<u32>().map_err(|_| self.error(m::bad_index(n)))?;
                        steps.push(Step::Index(i));
                    }
                    Tok::Str(s) => steps.push(Step::Attr(s.clone())),
                    Tok::Sym("*") => return Err(self.unsupported("wildcard paths")),
                    _ => return Err(self.expected("a list index or a quoted key")),
                }
                self.pos += 1;
                self.expect_sym("]")?;
            } else {
                break;
            }
            if steps.len() > 2 * MAX_DEPTH {
                return Err(self.error(m::TOO_DEEP.to_string()));
            }
        }
        Ok(Path { steps })
    }
}

fn is_reserved(t: &Tok) -> bool {
    matches!(t, Tok::Ident(s) if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)))
}
