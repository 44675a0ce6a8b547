//! Recursive-descent parsers for the four grammars (condition, update,
//! projection; key conditions use the condition grammar).
//!
//! Error order: a syntax error anywhere wins (it aborts the parse). Semantic
//! problems found while parsing (reserved words, unknown or misused
//! functions, operand counts, redundant parentheses, deep paths, IN lists
//! over 100) are remembered, the first one in source order, and reported
//! only if the whole expression parses. Nesting of parentheses, `NOT` and
//! function calls is bounded only by the 4 KB size (as in the service); a
//! request nesting deeper than `INLINE_NESTING` levels is parsed on a
//! thread with a stack sized for the worst case ([`with_stack_for`]), so no
//! input can overflow the stack.
//!
//! Syntax errors name the offending token and a `near` window: the source
//! text from the start of the previous token to the end of the next one
//! (end of input counts as a token ending at the end of the string).

use super::ast::*;
use super::lexer::{lex, Tok, Token};
use super::reserved::is_reserved;
use crate::error::messages as m;

/// Longest expression accepted, in bytes (docs: 4 KB).
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// Deepest document path accepted (docs: 32 levels).
pub const MAX_PATH_DEPTH: usize = 32;
/// Largest list index accepted (observed on the live service: 4294967294
/// appends, 4294967295 is refused).
pub const MAX_LIST_INDEX: u32 = u32::MAX - 1;
/// Most operands of IN (docs: 100).
pub const MAX_IN_OPERANDS: usize = 100;
/// Deepest nesting of parentheses / NOT / function calls the parser follows.
/// The service has no nesting limit of its own (149 levels of parentheses
/// with under 300 operators are accepted): only the operator count and the
/// 4 KB size bound an expression. Every level takes at least one byte, so
/// this bound is never the one an expression hits; it stays as a guard.
pub const MAX_NESTING: usize = MAX_EXPRESSION_BYTES;
/// Most operators and functions in one expression (docs: 300 for
/// UpdateExpression; the service applies it to every expression). Counted:
/// comparators, BETWEEN, IN, `+`, `-` and function calls; not AND/OR/NOT.
pub const MAX_OPERATORS: usize = 300;

/// The detail text of an expression error (without `Invalid X: `).
pub type Detail = String;
type PResult<T> = Result<T, Detail>;

const CONDITION_KEYWORDS: &[&str] = &["AND", "OR", "NOT", "BETWEEN", "IN"];
const UPDATE_KEYWORDS: &[&str] = &["SET", "REMOVE", "ADD", "DELETE"];
const NO_KEYWORDS: &[&str] = &[];

/// A condition or an operand: the parser decides which once it sees what follows.
enum Node {
    Cond(Condition),
    Opnd(Operand),
}

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    pending: Option<Detail>,
    keywords: &'static [&'static str],
    operators: usize,
}

fn dummy_path() -> Path {
    Path::attr(String::new())
}

fn condition_function_name(c: &Condition) -> Option<&'static str> {
    Some(match c {
        Condition::AttributeExists(_) => "attribute_exists",
        Condition::AttributeNotExists(_) => "attribute_not_exists",
        Condition::AttributeType(..) => "attribute_type",
        Condition::BeginsWith(..) => "begins_with",
        Condition::Contains(..) => "contains",
        _ => return None,
    })
}

impl<'s> Parser<'s> {
    fn new(src: &'s str, keywords: &'static [&'static str]) -> PResult<Parser<'s>> {
        if src.len() > MAX_EXPRESSION_BYTES {
            return Err(m::expression_too_long(src.len()));
        }
        let toks = lex(src);
        if toks.is_empty() {
            return Err(m::EMPTY_EXPRESSION.to_string());
        }
        Ok(Parser { src, toks, pos: 0, depth: 0, pending: None, keywords, operators: 0 })
    }

    fn peek(&self) -> Option<Token> {
        self.toks.get(self.pos).copied()
    }
    fn peek_tok(&self) -> Option<Tok> {
        self.peek().map(|t| t.tok)
    }
    fn text(&self, t: Token) -> &'s str {
        &self.src[t.start..t.end]
    }
    fn at(&self, tok: Tok) -> bool {
        self.peek_tok() == Some(tok)
    }
    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(t) if t.tok == Tok::Ident && self.text(t).eq_ignore_ascii_case(kw))
    }
    fn is_keyword(&self, word: &str) -> bool {
        self.keywords.iter().any(|k| k.eq_ignore_ascii_case(word))
    }
    fn next_is(&self, tok: Tok) -> bool {
        self.toks.get(self.pos + 1).map(|t| t.tok) == Some(tok)
    }

    /// A syntax error at the current token.
    fn err(&self) -> Detail {
        let n = self.toks.len();
        let token = match self.toks.get(self.pos) {
            Some(t) => self.text(*t),
            None => m::EOF_TOKEN,
        };
        let start = if self.pos > 0 {
            self.toks[self.pos - 1].start
        } else {
            self.toks.get(self.pos).map_or(self.src.len(), |t| t.start)
        };
        let end = if self.pos + 1 < n { self.toks[self.pos + 1].end } else { self.src.len() };
        let near = self.src.get(start..end.max(start)).unwrap_or("");
        m::syntax_error(token, near)
    }

    fn expect(&mut self, tok: Tok) -> PResult<Token> {
        match self.peek() {
            Some(t) if t.tok == tok => {
                self.pos += 1;
                Ok(t)
            }
            _ => Err(self.err()),
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.at_kw(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err())
        }
    }

    /// Remembers the first semantic problem.
    fn note(&mut self, detail: Detail) {
        if self.pending.is_none() {
            self.pending = Some(detail);
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(m::EXPRESSION_TOO_DEEP.to_string());
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// End of input expected; then the first semantic problem, if any.
    fn finish<T>(self, value: T) -> PResult<T> {
        if self.pos < self.toks.len() {
            return Err(self.err());
        }
        if self.operators > MAX_OPERATORS {
            return Err(m::too_many_operators(self.operators));
        }
        match self.pending {
            Some(d) => Err(d),
            None => Ok(value),
        }
    }

    // ---- Paths ----------------------------------------------------------------

    fn parse_name(&mut self) -> PResult<Name> {
        match self.peek() {
            Some(t) if t.tok == Tok::Ident && !self.is_keyword(self.text(t)) => {
                self.pos += 1;
                let word = self.text(t);
                if is_reserved(word) {
                    self.note(m::reserved_keyword(word));
                }
                Ok(Name::Plain(word.to_string()))
            }
            Some(t) if t.tok == Tok::NamePlaceholder => {
                self.pos += 1;
                Ok(Name::Placeholder(self.text(t).to_string()))
            }
            _ => Err(self.err()),
        }
    }

    fn parse_path(&mut self) -> PResult<Path> {
        let mut elems = vec![PathElem::Attr(self.parse_name()?)];
        loop {
            match self.peek_tok() {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    elems.push(PathElem::Attr(self.parse_name()?));
                }
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    let t = match self.peek() {
                        Some(t) if t.tok == Tok::Number => t,
                        _ => return Err(self.err()),
                    };
                    // The service takes indexes up to 4,294,967,294 (an
                    // index past the end appends); a larger one is refused
                    // with its own message, not as a syntax error.
                    let text = self.text(t);
                    let index = match text.parse::<u64>() {
                        Ok(i) if i <= u64::from(MAX_LIST_INDEX) => i as u32,
                        Ok(_) => return Err(m::list_index_out_of_range(text)),
                        Err(_) if text.bytes().all(|b| b.is_ascii_digit()) => {
                            return Err(m::list_index_out_of_range(text))
                        }
                        Err(_) => return Err(self.err()),
                    };
                    self.pos += 1;
                    self.expect(Tok::RBracket)?;
                    elems.push(PathElem::Index(index));
                }
                _ => break,
            }
        }
        if elems.len() > MAX_PATH_DEPTH {
            self.note(m::path_too_deep(elems.len()));
        }
        Ok(Path { elems })
    }

    // ---- Conditions -----------------------------------------------------------

    fn node_into_condition(&mut self, node: Node) -> PResult<Condition> {
        match node {
            Node::Cond(c) => Ok(c),
            Node::Opnd(o) => match o.unparen() {
                Operand::Size(_) => {
                    self.note(m::function_not_allowed("size"));
                    Ok(Condition::AttributeExists(dummy_path()))
                }
                _ => Err(self.err()),
            },
        }
    }

    fn node_into_operand(&mut self, node: Node) -> PResult<Operand> {
        match node {
            Node::Opnd(o) => Ok(o),
            Node::Cond(c) => match condition_function_name(&c) {
                Some(name) => {
                    self.note(m::function_not_allowed(name));
                    Ok(Operand::Path(dummy_path()))
                }
                None => Err(self.err()),
            },
        }
    }

    fn parse_or(&mut self) -> PResult<Node> {
        let first = self.parse_and()?;
        if !self.at_kw("OR") {
            return Ok(first);
        }
        let mut left = self.node_into_condition(first)?;
        while self.at_kw("OR") {
            self.pos += 1;
            let right = self.parse_and()?;
            let right = self.node_into_condition(right)?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(Node::Cond(left))
    }

    fn parse_and(&mut self) -> PResult<Node> {
        let first = self.parse_not()?;
        if !self.at_kw("AND") {
            return Ok(first);
        }
        let mut left = self.node_into_condition(first)?;
        while self.at_kw("AND") {
            self.pos += 1;
            let right = self.parse_not()?;
            let right = self.node_into_condition(right)?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(Node::Cond(left))
    }

    fn parse_not(&mut self) -> PResult<Node> {
        if self.at_kw("NOT") {
            self.pos += 1;
            self.enter()?;
            let inner = self.parse_not()?;
            self.leave();
            let c = self.node_into_condition(inner)?;
            return Ok(Node::Cond(Condition::Not(Box::new(c))));
        }
        self.parse_predicate()
    }

    fn compare_op(tok: Tok) -> Option<CompareOp> {
        Some(match tok {
            Tok::Eq => CompareOp::Eq,
            Tok::Ne => CompareOp::Ne,
            Tok::Lt => CompareOp::Lt,
            Tok::Le => CompareOp::Le,
            Tok::Gt => CompareOp::Gt,
            Tok::Ge => CompareOp::Ge,
            _ => return None,
        })
    }

    fn parse_predicate(&mut self) -> PResult<Node> {
        let lhs = self.parse_primary()?;
        if let Some(op) = self.peek_tok().and_then(Self::compare_op) {
            let left = self.node_into_operand(lhs)?;
            self.pos += 1;
            self.operators += 1;
            let right = self.parse_operand()?;
            let right = self.node_into_operand(right)?;
            return Ok(Node::Cond(Condition::Compare(left, op, right)));
        }
        if self.at_kw("BETWEEN") {
            let operand = self.node_into_operand(lhs)?;
            self.pos += 1;
            self.operators += 1;
            let lower = self.parse_operand()?;
            let lower = self.node_into_operand(lower)?;
            self.expect_kw("AND")?;
            let upper = self.parse_operand()?;
            let upper = self.node_into_operand(upper)?;
            return Ok(Node::Cond(Condition::Between(operand, lower, upper)));
        }
        if self.at_kw("IN") {
            let operand = self.node_into_operand(lhs)?;
            self.pos += 1;
            self.operators += 1;
            self.expect(Tok::LParen)?;
            let mut list = Vec::new();
            loop {
                let o = self.parse_operand()?;
                list.push(self.node_into_operand(o)?);
                if self.at(Tok::Comma) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            self.expect(Tok::RParen)?;
            if list.len() > MAX_IN_OPERANDS {
                self.note(m::in_too_many_operands(list.len()));
            }
            return Ok(Node::Cond(Condition::In(operand, list)));
        }
        Ok(lhs)
    }

    /// Left-hand side of a predicate: a parenthesised condition or operand, or an atom.
    fn parse_primary(&mut self) -> PResult<Node> {
        if !self.at(Tok::LParen) {
            return self.parse_atom();
        }
        self.pos += 1;
        self.enter()?;
        let inner = self.parse_or()?;
        self.expect(Tok::RParen)?;
        self.leave();
        Ok(match inner {
            Node::Cond(c) => {
                if matches!(c, Condition::Paren(_)) {
                    self.note(m::REDUNDANT_PARENTHESES.to_string());
                }
                Node::Cond(Condition::Paren(Box::new(c)))
            }
            Node::Opnd(o) => {
                if matches!(o, Operand::Paren(_)) {
                    self.note(m::REDUNDANT_PARENTHESES.to_string());
                }
                Node::Opnd(Operand::Paren(Box::new(o)))
            }
        })
    }

    /// An operand position (right-hand sides, BETWEEN bounds, IN list, function arguments).
    fn parse_operand(&mut self) -> PResult<Node> {
        if !self.at(Tok::LParen) {
            return self.parse_atom();
        }
        self.pos += 1;
        self.enter()?;
        let inner = self.parse_operand()?;
        self.expect(Tok::RParen)?;
        self.leave();
        let o = self.node_into_operand(inner)?;
        if matches!(o, Operand::Paren(_)) {
            self.note(m::REDUNDANT_PARENTHESES.to_string());
        }
        Ok(Node::Opnd(Operand::Paren(Box::new(o))))
    }

    fn parse_atom(&mut self) -> PResult<Node> {
        match self.peek() {
            Some(t) if t.tok == Tok::ValuePlaceholder => {
                self.pos += 1;
                Ok(Node::Opnd(Operand::Value(ValueRef::Placeholder(self.text(t).to_string()))))
            }
            Some(t) if t.tok == Tok::Ident && self.next_is(Tok::LParen) && !self.is_keyword(self.text(t)) => {
                self.parse_condition_function()
            }
            Some(t) if matches!(t.tok, Tok::Ident | Tok::NamePlaceholder) => {
                Ok(Node::Opnd(Operand::Path(self.parse_path()?)))
            }
            _ => Err(self.err()),
        }
    }

    /// The first argument of `size`, `attribute_type` and `begins_with`:
    /// a document path or, as the service allows, a constant.
    fn arg_path_or_value(&mut self, function: &str, node: Node) -> Operand {
        match node {
            Node::Opnd(Operand::Path(p)) => Operand::Path(p),
            Node::Opnd(Operand::Value(v)) => Operand::Value(v),
            _ => {
                self.note(m::requires_document_path(function));
                Operand::Path(dummy_path())
            }
        }
    }

    fn arg_path(&mut self, function: &str, node: Node) -> Path {
        match node {
            Node::Opnd(Operand::Path(p)) => p,
            _ => {
                self.note(m::requires_document_path(function));
                dummy_path()
            }
        }
    }

    /// `name(arg, ...)`: the function name and its arguments, each parsed by
    /// `arg` (condition operands or SET operands); arity and meaning are the
    /// caller's to check.
    fn parse_call<T>(&mut self, mut arg: impl FnMut(&mut Self) -> PResult<T>) -> PResult<(&'s str, Vec<T>)> {
        let name_tok = self.peek().ok_or_else(|| self.err())?;
        let name = self.text(name_tok);
        self.pos += 1;
        self.operators += 1;
        self.expect(Tok::LParen)?;
        self.enter()?;
        let mut args = Vec::new();
        if !self.at(Tok::RParen) {
            loop {
                args.push(arg(self)?);
                if self.at(Tok::Comma) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
        }
        self.expect(Tok::RParen)?;
        self.leave();
        Ok((name, args))
    }

    fn parse_condition_function(&mut self) -> PResult<Node> {
        let (name, args) = self.parse_call(Self::parse_operand)?;
        let dummy = || Node::Cond(Condition::AttributeExists(dummy_path()));
        let arity = match name {
            "attribute_exists" | "attribute_not_exists" | "size" => 1,
            "attribute_type" | "begins_with" | "contains" => 2,
            "if_not_exists" | "list_append" => {
                self.note(m::function_not_allowed(name));
                return Ok(dummy());
            }
            _ => {
                self.note(m::invalid_function_name(name));
                return Ok(dummy());
            }
        };
        if args.len() != arity {
            self.note(m::wrong_operand_count(name, args.len()));
            return Ok(if name == "size" {
                Node::Opnd(Operand::Size(Box::new(Operand::Path(dummy_path()))))
            } else {
                dummy()
            });
        }
        let mut args = args.into_iter();
        let (a0, a1) = (args.next(), args.next());
        let Some(a0) = a0 else { return Ok(dummy()) };
        Ok(match name {
            "size" => Node::Opnd(Operand::Size(Box::new(self.arg_path_or_value(name, a0)))),
            "attribute_exists" => Node::Cond(Condition::AttributeExists(self.arg_path(name, a0))),
            "attribute_not_exists" => Node::Cond(Condition::AttributeNotExists(self.arg_path(name, a0))),
            "attribute_type" | "begins_with" => {
                let first = self.arg_path_or_value(name, a0);
                let Some(a1) = a1 else { return Ok(dummy()) };
                match (name, a1) {
                    ("attribute_type", Node::Opnd(Operand::Value(v))) => {
                        Node::Cond(Condition::AttributeType(first, v))
                    }
                    ("attribute_type", _) => {
                        self.note(m::incorrect_operand_type(name, "PATH"));
                        dummy()
                    }
                    (_, a1) => {
                        let o = self.node_into_operand(a1)?;
                        Node::Cond(Condition::BeginsWith(first, o))
                    }
                }
            }
            _ => {
                // contains
                let path = self.arg_path(name, a0);
                let Some(a1) = a1 else { return Ok(dummy()) };
                let o = self.node_into_operand(a1)?;
                Node::Cond(Condition::Contains(path, o))
            }
        })
    }

    fn parse_condition_expression(&mut self) -> PResult<Condition> {
        let node = self.parse_or()?;
        self.node_into_condition(node)
    }

    // ---- Updates --------------------------------------------------------------

    /// A SET operand; parentheses around it are legal (`:z - (:v)`,
    /// `if_not_exists(a, (:v))`) and leave no trace in the AST.
    fn parse_set_operand(&mut self) -> PResult<SetOperand> {
        if self.at(Tok::LParen) {
            self.pos += 1;
            self.enter()?;
            let inner = self.parse_set_operand()?;
            self.expect(Tok::RParen)?;
            self.leave();
            return Ok(inner);
        }
        match self.peek() {
            Some(t) if t.tok == Tok::ValuePlaceholder => {
                self.pos += 1;
                Ok(SetOperand::Value(ValueRef::Placeholder(self.text(t).to_string())))
            }
            Some(t) if t.tok == Tok::Ident && self.next_is(Tok::LParen) && !self.is_keyword(self.text(t)) => {
                self.parse_update_function()
            }
            Some(t) if matches!(t.tok, Tok::Ident | Tok::NamePlaceholder) => {
                Ok(SetOperand::Path(self.parse_path()?))
            }
            _ => Err(self.err()),
        }
    }

    fn parse_update_function(&mut self) -> PResult<SetOperand> {
        let (name, args) = self.parse_call(Self::parse_set_operand)?;
        let dummy = || SetOperand::Path(dummy_path());
        match name {
            "if_not_exists" | "list_append" => {}
            "attribute_exists"
            | "attribute_not_exists"
            | "attribute_type"
            | "begins_with"
            | "contains"
            | "size" => {
                self.note(m::function_not_allowed(name));
                return Ok(dummy());
            }
            _ => {
                self.note(m::invalid_function_name(name));
                return Ok(dummy());
            }
        }
        if args.len() != 2 {
            self.note(m::wrong_operand_count(name, args.len()));
            return Ok(dummy());
        }
        let mut args = args.into_iter();
        let (Some(a0), Some(a1)) = (args.next(), args.next()) else { return Ok(dummy()) };
        if name == "list_append" {
            // The service refuses list_append directly inside list_append
            // (`list_append(list_append(a, :b), :c)`); if_not_exists inside
            // it is the documented idiom and stays legal.
            if [&a0, &a1].iter().any(|a| matches!(a, SetOperand::ListAppend(..))) {
                self.note(m::function_not_allowed(name));
                return Ok(dummy());
            }
            return Ok(SetOperand::ListAppend(Box::new(a0), Box::new(a1)));
        }
        let path = match a0 {
            SetOperand::Path(p) => p,
            _ => {
                self.note(m::requires_document_path(name));
                dummy_path()
            }
        };
        Ok(SetOperand::IfNotExists(path, Box::new(a1)))
    }

    fn parse_set_action(&mut self) -> PResult<SetAction> {
        let path = self.parse_path()?;
        self.expect(Tok::Eq)?;
        let value = self.parse_set_value()?;
        Ok(SetAction { path, value })
    }

    /// The value of a SET action: `operand`, `operand + operand` or
    /// `operand - operand`, where the whole value may also stand in
    /// parentheses (`SET a = (if_not_exists(a, :z) - :v)`, as ORMs send it;
    /// the service accepts it). A parenthesised sum ends the value: the
    /// grammar has one arithmetic operator per action.
    fn parse_set_value(&mut self) -> PResult<SetValue> {
        let first = if self.at(Tok::LParen) {
            self.pos += 1;
            self.enter()?;
            let inner = self.parse_set_value()?;
            self.expect(Tok::RParen)?;
            self.leave();
            match inner {
                SetValue::Operand(o) => o,
                whole => return Ok(whole),
            }
        } else {
            self.parse_set_operand()?
        };
        Ok(match self.peek_tok() {
            Some(Tok::Plus) => {
                self.pos += 1;
                self.operators += 1;
                SetValue::Plus(first, self.parse_set_operand()?)
            }
            Some(Tok::Minus) => {
                self.pos += 1;
                self.operators += 1;
                SetValue::Minus(first, self.parse_set_operand()?)
            }
            _ => SetValue::Operand(first),
        })
    }

    fn parse_path_value(&mut self) -> PResult<(Path, ValueRef)> {
        let path = self.parse_path()?;
        match self.peek() {
            Some(t) if t.tok == Tok::ValuePlaceholder => {
                self.pos += 1;
                Ok((path, ValueRef::Placeholder(self.text(t).to_string())))
            }
            _ => Err(self.err()),
        }
    }

    fn comma_list<T>(&mut self, mut item: impl FnMut(&mut Self) -> PResult<T>) -> PResult<Vec<T>> {
        let mut out = vec![item(self)?];
        while self.at(Tok::Comma) {
            self.pos += 1;
            out.push(item(self)?);
        }
        Ok(out)
    }

    fn parse_update_expression(&mut self) -> PResult<UpdateExpression> {
        let mut clauses = Vec::new();
        let mut seen = [false; 4];
        loop {
            if self.pos >= self.toks.len() && !clauses.is_empty() {
                break;
            }
            let index = UPDATE_KEYWORDS.iter().position(|k| self.at_kw(k)).ok_or_else(|| self.err())?;
            self.pos += 1;
            if seen[index] {
                self.note(m::clause_repeated(UPDATE_KEYWORDS[index]));
            }
            seen[index] = true;
            let clause = match index {
                0 => UpdateClause::Set(self.comma_list(Self::parse_set_action)?),
                1 => UpdateClause::Remove(self.comma_list(Self::parse_path)?),
                2 => UpdateClause::Add(self.comma_list(Self::parse_path_value)?),
                _ => UpdateClause::Delete(self.comma_list(Self::parse_path_value)?),
            };
            clauses.push(clause);
        }
        Ok(UpdateExpression { clauses, legacy: false })
    }
}

/// Nesting up to which the parser runs on the caller's stack (a level costs
/// a few recursive calls; 64 levels fit any thread stack comfortably).
const INLINE_NESTING: usize = 64;
/// Stack of the thread that parses deeper expressions: 4 KB of `(` is about
/// 2,000 levels of the recursive descent. Only touched pages are committed.
const DEEP_PARSE_STACK: usize = 256 << 20;

/// An upper bound of how deeply `src` can nest: its deepest parenthesis
/// plus every `NOT` (function calls nest through their parentheses).
pub fn nesting_bound(src: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in src.bytes() {
        match b {
            b'(' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let nots = src.as_bytes().windows(3).filter(|w| w.eq_ignore_ascii_case(b"NOT")).count();
    max + nots
}

/// Runs `work` (parsing and checking expressions) on the caller's stack
/// when every source in `srcs` nests shallowly (the usual case, no cost),
/// else on a scoped thread with a stack large enough for the deepest
/// expression 4 KB can hold: the service limits operators and size, not
/// nesting, so deep expressions are legal input. `too_deep` is the answer
/// when no such thread can be started.
pub fn with_stack_for<T: Send, E: Send>(
    srcs: &[Option<&str>],
    too_deep: impl FnOnce() -> E,
    work: impl FnOnce() -> Result<T, E> + Send,
) -> Result<T, E> {
    if srcs.iter().flatten().all(|s| nesting_bound(s) <= INLINE_NESTING) {
        return work();
    }
    std::thread::scope(|scope| {
        match std::thread::Builder::new().stack_size(DEEP_PARSE_STACK).spawn_scoped(scope, work) {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => Err(too_deep()),
        }
    })
}

/// Parses a condition (ConditionExpression / FilterExpression / KeyConditionExpression grammar).
pub fn parse_condition(src: &str) -> PResult<Condition> {
    let mut p = Parser::new(src, CONDITION_KEYWORDS)?;
    let c = p.parse_condition_expression()?;
    p.finish(c)
}

/// Parses an UpdateExpression.
pub fn parse_update(src: &str) -> PResult<UpdateExpression> {
    let mut p = Parser::new(src, UPDATE_KEYWORDS)?;
    let u = p.parse_update_expression()?;
    p.finish(u)
}

/// Parses a ProjectionExpression.
pub fn parse_projection(src: &str) -> PResult<Projection> {
    let mut p = Parser::new(src, NO_KEYWORDS)?;
    let paths = p.comma_list(Parser::parse_path)?;
    p.finish(Projection { paths })
}
