//! The lexer: expression text to tokens with exact byte spans.
//!
//! The lexer never fails. Characters that start no token become one-character
//! [`Tok::Unknown`] tokens (a lone `#` or `:` too), so the parser reports them
//! as syntax errors at their position, the way the service does
//! (`token: "-", near: "a-b"`, `token: ":", near: "hits : incr"`).
//! Keywords are not distinguished here: every word is an [`Tok::Ident`] and
//! the parser compares case-insensitively where a keyword may appear.

/// Token kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// `[A-Za-z][A-Za-z0-9_]*`: a name, keyword or function name (a name may
    /// not start with `_`: the service answers `token: "_", near: "__"` for
    /// `__typename <> :v`).
    Ident,
    /// `#` followed by `[A-Za-z0-9_]+`.
    NamePlaceholder,
    /// `:` followed by `[A-Za-z0-9_]+`.
    ValuePlaceholder,
    /// `[0-9]+` (only meaningful as a list index).
    Number,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
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
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// Any other character.
    Unknown,
}

/// One token: its kind and byte span in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Kind.
    pub tok: Tok,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src` into tokens (whitespace skipped).
pub fn lex(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 3 + 1);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            i += 1;
            continue;
        }
        let start = i;
        let tok = match b {
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b',' => Tok::Comma,
            b'.' => Tok::Dot,
            b'=' => Tok::Eq,
            b'+' => Tok::Plus,
            b'-' => Tok::Minus,
            b'<' => match bytes.get(i + 1) {
                Some(b'=') => {
                    i += 1;
                    Tok::Le
                }
                Some(b'>') => {
                    i += 1;
                    Tok::Ne
                }
                _ => Tok::Lt,
            },
            b'>' => match bytes.get(i + 1) {
                Some(b'=') => {
                    i += 1;
                    Tok::Ge
                }
                _ => Tok::Gt,
            },
            b'#' | b':' if bytes.get(i + 1).is_some_and(|&c| is_word_byte(c)) => {
                while i + 1 < bytes.len() && is_word_byte(bytes[i + 1]) {
                    i += 1;
                }
                if b == b'#' {
                    Tok::NamePlaceholder
                } else {
                    Tok::ValuePlaceholder
                }
            }
            b'0'..=b'9' => {
                while i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
                    i += 1;
                }
                Tok::Number
            }
            b if b.is_ascii_alphabetic() => {
                while i + 1 < bytes.len() && is_word_byte(bytes[i + 1]) {
                    i += 1;
                }
                Tok::Ident
            }
            _ => {
                // One whole character (UTF-8 aware) so spans stay on char boundaries.
                let ch_len = src[i..].chars().next().map_or(1, char::len_utf8);
                i += ch_len - 1;
                Tok::Unknown
            }
        };
        i += 1;
        out.push(Token { tok, start, end: i });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Tok, &str)> {
        lex(s).into_iter().map(|t| (t.tok, &s[t.start..t.end])).collect()
    }

    #[test]
    fn lexes_all_token_kinds() {
        use Tok::*;
        assert_eq!(
            kinds("a.#b[12] <> :v_1 <= >= < > = ( ) , + -"),
            vec![
                (Ident, "a"),
                (Dot, "."),
                (NamePlaceholder, "#b"),
                (LBracket, "["),
                (Number, "12"),
                (RBracket, "]"),
                (Ne, "<>"),
                (ValuePlaceholder, ":v_1"),
                (Le, "<="),
                (Ge, ">="),
                (Lt, "<"),
                (Gt, ">"),
                (Eq, "="),
                (LParen, "("),
                (RParen, ")"),
                (Comma, ","),
                (Plus, "+"),
                (Minus, "-"),
            ]
        );
    }

    #[test]
    fn unknown_characters_are_single_tokens() {
        use Tok::*;
        assert_eq!(kinds("!!"), vec![(Unknown, "!"), (Unknown, "!")]);
        assert_eq!(kinds("hits : incr"), vec![(Ident, "hits"), (Unknown, ":"), (Ident, "incr")]);
        assert_eq!(kinds("#,é"), vec![(Unknown, "#"), (Comma, ","), (Unknown, "é")]);
        assert_eq!(kinds("1abc"), vec![(Number, "1"), (Ident, "abc")]);
        assert_eq!(kinds("__a_b"), vec![(Unknown, "_"), (Unknown, "_"), (Ident, "a_b")]);
        assert_eq!(kinds("#_x :_1"), vec![(NamePlaceholder, "#_x"), (ValuePlaceholder, ":_1")]);
    }
}
