//! DynamoDB's PartiQL dialect: ExecuteStatement, BatchExecuteStatement and
//! ExecuteTransaction.
//!
//! # Pipeline
//!
//! ```text
//! text ──lex──▶ tokens ──parse──▶ Statement ──compile──▶ Command ──exec──▶ GetItem / Query / Scan /
//!      (lexer)          (parser)   (ast)     (compile)   (compile) (exec)  PutItem / UpdateItem /
//!                                                                           DeleteItem / Transact*
//! ```
//!
//! 1. **lex** ([`lexer`]) and **parse** ([`parser`]): hand-written, one
//!    error with its byte offset, reported as line and column; bounded
//!    nesting; unsupported constructs recognised where they start.
//! 2. **check parameters**: the number of `?` must equal `Parameters`.
//! 3. **compile** ([`compile`]): against the table's key schema, into a
//!    [`compile::Command`] whose conditions, updates and projections are
//!    expression text with placeholders: the expression language
//!    (`crate::expr`) parses, validates and evaluates them, exactly as for
//!    the JSON API.
//! 4. **exec** ([`exec`]): builds the typed input of the operation the
//!    command names (`GetItem`, `Query`, `Scan`, `PutItem`, `UpdateItem`,
//!    `DeleteItem`, `TransactWriteItems`, `TransactGetItems`) and runs it
//!    through the same machinery as that operation's own calls. No JSON:
//!    the three PartiQL operations are typed commands themselves
//!    (`ops::execute_statement` and friends), decoded from the wire in
//!    `http/decode.rs` like every other operation.
//!
//! Every error before execution is a `ValidationException`.

pub mod ast;
pub mod compile;
pub mod exec;
pub mod lexer;
pub mod parser;
pub mod token;

#[cfg(test)]
mod tests;

use crate::error::{messages::partiql as m, Error, Result};
use ast::Statement;
use std::rc::Rc;

/// Parses `text` into a statement and the number of `?` it holds. Every
/// failure is a ValidationException; nothing panics, whatever the input.
pub fn parse(text: &str) -> Result<(Statement, usize)> {
    let tokens = lexer::lex(text).map_err(|e| syntax(text, &e.detail, e.at))?;
    parser::parse(&tokens).map_err(|e| {
        if e.unsupported {
            Error::validation(e.detail)
        } else {
            syntax(text, &e.detail, e.at)
        }
    })
}

fn syntax(text: &str, detail: &str, at: usize) -> Error {
    let (line, column) = lexer::line_column(text, at);
    Error::validation(m::syntax_error(detail, line, column))
}

/// Parsed statements by text, per thread: applications repeat a handful of
/// statements with different `Parameters`, and parsing is most of what a
/// statement costs beyond the operation it runs. Only successes are kept;
/// the cache is emptied when it reaches [`CACHE_ENTRIES`].
const CACHE_ENTRIES: usize = 256;

thread_local! {
    static PARSED: std::cell::RefCell<std::collections::HashMap<String, Rc<(Statement, usize)>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Parses `text` (or finds it parsed) and checks that `params` has one
/// value per `?`.
pub fn parse_with(text: &str, params: usize) -> Result<Rc<(Statement, usize)>> {
    let cached = PARSED.with(|c| c.borrow().get(text).cloned());
    let parsed = match cached {
        Some(p) => p,
        None => {
            let p = Rc::new(parse(text)?);
            PARSED.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= CACHE_ENTRIES {
                    c.clear();
                }
                c.insert(text.to_string(), p.clone());
            });
            p
        }
    };
    if parsed.1 != params {
        return Err(Error::validation(m::PARAMETER_COUNT));
    }
    Ok(parsed)
}

/// The tables `statements` name, each once, in order (for the operation
/// record); a statement that does not parse names none.
pub fn tables<'a>(statements: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for text in statements {
        let table = PARSED.with(|c| c.borrow().get(text).map(|p| p.0.table().to_string()));
        let table = table.or_else(|| parse(text).ok().map(|p| p.0.table().to_string()));
        if let Some(t) = table.filter(|t| !out.contains(t)) {
            out.push(t);
        }
    }
    out
}
