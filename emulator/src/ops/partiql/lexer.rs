//! Tokens of DynamoDB's PartiQL dialect.
//!
//! The lexer never panics and reports the first character it cannot turn
//! into a token with its byte offset, so the parser's messages can point at
//! it (line and column are computed from the offset only when an error is
//! reported). Keywords are not distinguished here: an unquoted identifier is
//! a keyword when the parser expects one (PartiQL keywords are
//! case-insensitive).

/// One token and where it starts (byte offset into the statement).
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub kind: Tok,
    /// Byte offset of its first character.
    pub at: usize,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An unquoted identifier or keyword (`SELECT`, `pk`, `begins_with`).
    Ident(String),
    /// A double-quoted identifier (`"my table"`), `""` unescaped.
    Quoted(String),
    /// A single-quoted string literal, `''` unescaped.
    Str(String),
    /// A number literal as written (`12`, `-` is a separate token, `1.5e3`).
    Number(String),
    /// `?`
    Param,
    /// Punctuation and operators: `( ) [ ] { } , . : * = <> != < <= > >= + - << >> ;`
    Sym(&'static str),
    /// End of the statement.
    End,
}

impl Tok {
    /// How the token is named in messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => s.clone(),
            Tok::Quoted(s) => format!("\"{s}\""),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Number(s) => s.clone(),
            Tok::Param => "?".to_string(),
            Tok::Sym(s) => (*s).to_string(),
            Tok::End => "<EOF>".to_string(),
        }
    }

    /// Whether this is the keyword `kw` (case-insensitive, unquoted).
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }
}

/// A lexing failure: what and where (byte offset).
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    /// The detail text (from `messages::partiql`).
    pub detail: String,
    /// Byte offset of the offending character.
    pub at: usize,
}

const SYMBOLS: &[&str] = &[
    "<<", ">>", "<>", "!=", "<=", ">=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "*", "=", "<", ">", "+",
    "-", ";",
];

/// Splits `src` into tokens, ending with [`Tok::End`].
pub fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    use crate::error::messages::partiql as m;
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // `--` comments run to the end of the line.
        if src[i..].starts_with("--") {
            i = src[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            out.push(Token { kind: Tok::Ident(src[start..i].to_string()), at: start });
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i < bytes.len()
                && bytes[i] == b'.'
                && bytes.get(i + 1).is_none_or(|b| !b.is_ascii_alphabetic())
            {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            out.push(Token { kind: Tok::Number(src[start..i].to_string()), at: start });
            continue;
        }
        if c == b'\'' || c == b'"' {
            let (text, end) = quoted(src, i, c).ok_or_else(|| LexError {
                detail: if c == b'\'' {
                    m::UNTERMINATED_STRING.to_string()
                } else {
                    m::UNTERMINATED_IDENTIFIER.to_string()
                },
                at: start,
            })?;
            i = end;
            let kind = if c == b'\'' { Tok::Str(text) } else { Tok::Quoted(text) };
            out.push(Token { kind, at: start });
            continue;
        }
        if c == b'?' {
            out.push(Token { kind: Tok::Param, at: start });
            i += 1;
            continue;
        }
        match SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            Some(s) => {
                out.push(Token { kind: Tok::Sym(s), at: start });
                i += s.len();
            }
            None => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(LexError { detail: m::unexpected_character(ch), at: start });
            }
        }
    }
    out.push(Token { kind: Tok::End, at: bytes.len() });
    Ok(out)
}

/// The text of a quoted token starting at `open` (quote doubled to escape),
/// and the offset just past its closing quote; `None` when unterminated.
fn quoted(src: &str, open: usize, quote: u8) -> Option<(String, usize)> {
    let bytes = src.as_bytes();
    let mut text = String::new();
    let mut i = open + 1;
    let mut run = i;
    while i < bytes.len() {
        if bytes[i] == quote {
            text.push_str(&src[run..i]);
            if bytes.get(i + 1) == Some(&quote) {
                text.push(quote as char);
                i += 2;
                run = i;
                continue;
            }
            return Some((text, i + 1));
        }
        i += 1;
    }
    None
}

/// 1-based line and column (in characters) of byte offset `at` in `src`.
pub fn line_column(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let mut at = at;
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_offsets() {
        let t = lex("SELECT * FROM \"t\" WHERE a<>'x''y' AND b>=-1.5e3").unwrap();
        let k: Vec<_> = t.iter().map(|t| t.kind.clone()).collect();
        assert_eq!(
            k,
            vec![
                Tok::Ident("SELECT".into()),
                Tok::Sym("*"),
                Tok::Ident("FROM".into()),
                Tok::Quoted("t".into()),
                Tok::Ident("WHERE".into()),
                Tok::Ident("a".into()),
                Tok::Sym("<>"),
                Tok::Str("x'y".into()),
                Tok::Ident("AND".into()),
                Tok::Ident("b".into()),
                Tok::Sym(">="),
                Tok::Sym("-"),
                Tok::Number("1.5e3".into()),
                Tok::End,
            ]
        );
        assert_eq!(t[3].at, 14);
    }

    #[test]
    fn sets_params_and_comments() {
        assert_eq!(
            kinds("<<1,?>> -- note\n[a.b[0]]"),
            vec![
                Tok::Sym("<<"),
                Tok::Number("1".into()),
                Tok::Sym(","),
                Tok::Param,
                Tok::Sym(">>"),
                Tok::Sym("["),
                Tok::Ident("a".into()),
                Tok::Sym("."),
                Tok::Ident("b".into()),
                Tok::Sym("["),
                Tok::Number("0".into()),
                Tok::Sym("]"),
                Tok::Sym("]"),
                Tok::End
            ]
        );
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(lex("SELECT 'abc").unwrap_err().at, 7);
        assert_eq!(lex("a # b").unwrap_err().at, 2);
        assert_eq!(lex("\"x").unwrap_err().at, 0);
        assert_eq!(line_column("ab\ncdé f", 8), (2, 5));
    }
}
