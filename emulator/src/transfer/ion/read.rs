//! Reading Ion text lines into items (see [`super`] for what is accepted).

use super::VERSION_MARKER;
use crate::attribute_input::parse_item;
use crate::value::json::encode_base64;
use crate::value::{Item, Number};
use serde_json::{json, Map as JsonMap, Value};

/// Deepest container nesting the reader follows (items nest at most 32
/// levels; the rest is the line's own wrapping), so hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 40;

/// One Ion value with its annotations.
#[derive(Clone, Debug, PartialEq)]
struct Ion {
    annotations: Vec<String>,
    value: IonValue,
}

#[derive(Clone, Debug, PartialEq)]
enum IonValue {
    Null,
    Bool(bool),
    /// An int, decimal or float, as DynamoDB number text (`1.5E3`).
    Number(String),
    String(String),
    Symbol(String),
    Blob(Vec<u8>),
    List(Vec<Ion>),
    Struct(Vec<(String, Ion)>),
}

/// Reads one line of an import: `[$ion_1_0] {Item:{...}}`. `Ok(None)` for
/// a line with no value (blank, a comment, a version marker alone).
pub fn read_item_line(line: &str) -> Result<Option<Item>, String> {
    let mut values = Parser { text: line.as_bytes(), at: 0, depth: 0 }.values()?;
    values.retain(|v| !is_system_value(v));
    let value = match values.len() {
        0 => return Ok(None),
        1 => values.pop().unwrap_or_else(|| unreachable!()),
        n => return Err(format!("expected one value on the line, found {n}")),
    };
    let IonValue::Struct(mut fields) = value.value else {
        return Err("expected a struct {Item:{...}}".into());
    };
    if fields.len() != 1 || fields[0].0 != "Item" {
        return Err("expected a struct with the one field Item".into());
    }
    let (_, item) = fields.pop().unwrap_or_else(|| unreachable!());
    if !item.annotations.is_empty() || !matches!(item.value, IonValue::Struct(_)) {
        return Err("Item is not a struct".into());
    }
    let IonValue::Struct(attributes) = item.value else { unreachable!() };
    let mut object = JsonMap::new();
    for (name, value) in attributes {
        if object.contains_key(&name) {
            return Err(format!("duplicate attribute {name}"));
        }
        object.insert(name, to_json(value)?);
    }
    parse_item(&Value::Object(object)).map(Some).map_err(|e| e.message)
}

/// A version marker or a local symbol table: they shape how a stream is
/// read, they are not data. (Text spells symbols out, so a symbol table
/// only matters to `$N` symbol ids, which the reader refuses.)
fn is_system_value(v: &Ion) -> bool {
    let marker = v.annotations.is_empty() && matches!(&v.value, IonValue::Symbol(s) if s == VERSION_MARKER);
    let symbol_table = v.annotations.first().is_some_and(|a| a == "$ion_symbol_table")
        && matches!(v.value, IonValue::Struct(_));
    marker || symbol_table
}

/// The DynamoDB JSON form of an Ion value.
fn to_json(ion: Ion) -> Result<Value, String> {
    if let Some(set) = ion.annotations.iter().find(|a| a.starts_with("$dynamodb_")).cloned() {
        let IonValue::List(elements) = ion.value else {
            return Err(format!("{set} annotates a value that is not a list"));
        };
        let (kind, elements) = match set.as_str() {
            "$dynamodb_SS" => {
                ("SS", elements.into_iter().map(|e| text(e.value)).collect::<Result<Vec<_>, _>>())
            }
            "$dynamodb_NS" => ("NS", elements.into_iter().map(|e| number(e.value)).collect()),
            "$dynamodb_BS" => ("BS", elements.into_iter().map(|e| blob(e.value)).collect()),
            other => return Err(format!("unknown annotation {other}")),
        };
        return Ok(json!({ kind: elements? }));
    }
    Ok(match ion.value {
        IonValue::Null => json!({"NULL": true}),
        IonValue::Bool(b) => json!({"BOOL": b}),
        IonValue::Number(n) => json!({"N": n}),
        IonValue::String(s) | IonValue::Symbol(s) => json!({"S": s}),
        IonValue::Blob(b) => json!({"B": encode_base64(&b)}),
        IonValue::List(l) => json!({"L": l.into_iter().map(to_json).collect::<Result<Vec<_>, _>>()?}),
        IonValue::Struct(fields) => {
            let mut m = JsonMap::new();
            for (name, value) in fields {
                if m.contains_key(&name) {
                    return Err(format!("duplicate map key {name}"));
                }
                m.insert(name, to_json(value)?);
            }
            json!({ "M": m })
        }
    })
}

fn text(v: IonValue) -> Result<Value, String> {
    match v {
        IonValue::String(s) | IonValue::Symbol(s) => Ok(Value::String(s)),
        _ => Err("a $dynamodb_SS element is not a string".into()),
    }
}

fn number(v: IonValue) -> Result<Value, String> {
    match v {
        IonValue::Number(n) => Ok(Value::String(n)),
        _ => Err("a $dynamodb_NS element is not a number".into()),
    }
}

fn blob(v: IonValue) -> Result<Value, String> {
    match v {
        IonValue::Blob(b) => Ok(Value::String(encode_base64(&b))),
        _ => Err("a $dynamodb_BS element is not a blob".into()),
    }
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    /// Every top-level value of the text.
    fn values(&mut self) -> Result<Vec<Ion>, String> {
        let mut out = Vec::new();
        loop {
            self.skip_space()?;
            if self.at >= self.text.len() {
                return Ok(out);
            }
            out.push(self.value()?);
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.text[self.at..].starts_with(s.as_bytes())
    }

    fn error(&self, what: &str) -> String {
        format!("{what} at column {}", self.at + 1)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)) {
            self.at += 1;
        }
    }

    /// Skips whitespace and comments.
    fn skip_space(&mut self) -> Result<(), String> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) => self.at += 1,
                Some(b'/') if self.starts_with("//") => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                Some(b'/') if self.starts_with("/*") => {
                    let end = self.text[self.at + 2..]
                        .windows(2)
                        .position(|w| w == b"*/")
                        .ok_or_else(|| self.error("unterminated comment"))?;
                    self.at += 2 + end + 2;
                }
                _ => return Ok(()),
            }
        }
    }

    /// A value with any annotations (`a::b::value`).
    fn value(&mut self) -> Result<Ion, String> {
        let mut annotations = Vec::new();
        loop {
            self.skip_space()?;
            let start = self.at;
            let value = self.bare_value()?;
            self.skip_space()?;
            if self.starts_with("::") {
                match value {
                    IonValue::Symbol(s) => {
                        annotations.push(s);
                        self.at += 2;
                        continue;
                    }
                    _ => {
                        self.at = start;
                        return Err(self.error("an annotation that is not a symbol"));
                    }
                }
            }
            return Ok(Ion { annotations, value });
        }
    }

    fn bare_value(&mut self) -> Result<IonValue, String> {
        match self.peek() {
            None => Err(self.error("a value is missing")),
            Some(b'"') => Ok(IonValue::String(self.short_string(b'"')?)),
            Some(b'\'') if self.starts_with("'''") => Ok(IonValue::String(self.long_strings()?)),
            Some(b'\'') => Ok(IonValue::Symbol(self.short_string(b'\'')?)),
            Some(b'{') if self.starts_with("{{") => self.lob(),
            Some(b'{') => self.nested(|p| p.struct_fields().map(IonValue::Struct)),
            Some(b'[') => self.nested(|p| p.list().map(IonValue::List)),
            Some(b'(') => Err(self.error("s-expressions have no DynamoDB type")),
            Some(c) if c == b'-' || c == b'+' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => self.keyword_or_symbol(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Result<IonValue, String>) -> Result<IonValue, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("values nested too deeply"));
        }
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn identifier(&mut self) -> &str {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$') {
            self.at += 1;
        }
        std::str::from_utf8(&self.text[start..self.at]).unwrap_or_default()
    }

    fn keyword_or_symbol(&mut self) -> Result<IonValue, String> {
        let start = self.at;
        let word = self.identifier().to_string();
        Ok(match word.as_str() {
            "true" => IonValue::Bool(true),
            "false" => IonValue::Bool(false),
            "null" => {
                // Typed nulls (`null.string`) are nulls too.
                if self.peek() == Some(b'.') {
                    self.at += 1;
                    let typed = self.identifier();
                    const TYPES: [&str; 13] = [
                        "null",
                        "bool",
                        "int",
                        "float",
                        "decimal",
                        "timestamp",
                        "symbol",
                        "string",
                        "clob",
                        "blob",
                        "list",
                        "sexp",
                        "struct",
                    ];
                    if !TYPES.contains(&typed) {
                        self.at = start;
                        return Err(self.error("an unknown null type"));
                    }
                }
                IonValue::Null
            }
            "nan" => {
                self.at = start;
                return Err(self.error("nan has no DynamoDB number"));
            }
            _ if word.starts_with('$') && word[1..].bytes().all(|c| c.is_ascii_digit()) && word.len() > 1 => {
                self.at = start;
                return Err(self.error("symbol ids need a symbol table"));
            }
            _ => IonValue::Symbol(word),
        })
    }

    /// An int, decimal or float, as number text for [`Number::parse`].
    fn number(&mut self) -> Result<IonValue, String> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-' | b':'))
        {
            self.at += 1;
        }
        let token = std::str::from_utf8(&self.text[start..self.at]).unwrap_or_default();
        let fail = |what: &str| format!("{what} at column {}", start + 1);
        if token == "+inf" || token == "-inf" {
            return Err(fail("infinity has no DynamoDB number"));
        }
        let (negative, body) = match token.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, token),
        };
        let year_dash = body.len() > 4
            && body.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && body.as_bytes()[4] == b'-';
        if body.contains('T') || body.contains(':') || year_dash {
            return Err(fail("timestamps have no DynamoDB type"));
        }
        let radix = match body.get(..2) {
            Some("0x" | "0X") => Some(16),
            Some("0b" | "0B") => Some(2),
            _ => None,
        };
        let text = if let Some(radix) = radix {
            let digits = body[2..].replace('_', "");
            let value = u128::from_str_radix(&digits, radix).map_err(|_| fail("an invalid integer"))?;
            format!("{}{value}", if negative { "-" } else { "" })
        } else {
            if body.starts_with('_') || body.ends_with('_') || body.starts_with('+') {
                return Err(fail("an invalid number"));
            }
            let mut text = token.replace('_', "").replace(['d', 'D'], "E");
            if let Some(stripped) = text.strip_suffix('.') {
                text = stripped.to_string();
            }
            text = text.replace(".E", "E");
            text
        };
        // Validated (range, digits) by `parse_item` later; here only whether
        // it is a number at all, so the message can say where.
        Number::parse(&text).map_err(|e| fail(&format!("an invalid number ({e})")))?;
        Ok(IonValue::Number(text))
    }

    /// A `"..."` string or `'...'` symbol, with Ion's escapes.
    fn short_string(&mut self, quote: u8) -> Result<String, String> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return Err(self.error("unterminated string")),
                Some(c) if c == quote => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| self.error("a string that is not UTF-8"))
    }

    /// One or more `'''...'''` segments, concatenated.
    fn long_strings(&mut self) -> Result<String, String> {
        let mut out = Vec::new();
        while self.starts_with("'''") {
            self.at += 3;
            loop {
                if self.starts_with("'''") {
                    self.at += 3;
                    break;
                }
                match self.peek() {
                    None => return Err(self.error("unterminated long string")),
                    Some(b'\\') => self.escape(&mut out)?,
                    Some(c) => {
                        out.push(c);
                        self.at += 1;
                    }
                }
            }
            self.skip_space()?;
        }
        String::from_utf8(out).map_err(|_| self.error("a string that is not UTF-8"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        self.at += 1;
        let c = self.peek().ok_or_else(|| self.error("unterminated escape"))?;
        self.at += 1;
        let simple = match c {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b't' => Some(b'\t'),
            b'n' => Some(b'\n'),
            b'f' => Some(0x0C),
            b'r' => Some(b'\r'),
            b'v' => Some(0x0B),
            b'0' => Some(0),
            b'"' | b'\'' | b'?' | b'\\' | b'/' => Some(c),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            return Ok(());
        }
        let width = match c {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            b'\n' => return Ok(()), // A line continuation.
            _ => return Err(self.error("an unknown escape")),
        };
        let hex = self.text.get(self.at..self.at + width).ok_or_else(|| self.error("a short escape"))?;
        let code = std::str::from_utf8(hex)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .ok_or_else(|| self.error("an invalid escape"))?;
        self.at += width;
        let mut buf = [0u8; 4];
        out.extend_from_slice(code.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    /// `{{base64}}` (blob) or `{{"text"}}` (clob, read as binary).
    fn lob(&mut self) -> Result<IonValue, String> {
        self.at += 2;
        // Only whitespace inside a lob: `//` there is base64, not a comment.
        self.skip_whitespace();
        let bytes = if self.peek() == Some(b'"') {
            self.short_string(b'"')?.into_bytes()
        } else if self.starts_with("'''") {
            self.long_strings()?.into_bytes()
        } else {
            let mut b64 = String::new();
            while let Some(c) = self.peek().filter(|&c| c != b'}') {
                if !c.is_ascii_whitespace() {
                    b64.push(c as char);
                }
                self.at += 1;
            }
            crate::attribute_input::decode_base64(&b64).map_err(|_| self.error("invalid base64 in a blob"))?
        };
        self.skip_whitespace();
        if !self.starts_with("}}") {
            return Err(self.error("an unterminated blob"));
        }
        self.at += 2;
        Ok(IonValue::Blob(bytes))
    }

    fn list(&mut self) -> Result<Vec<Ion>, String> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some(b']') {
                self.at += 1;
                return Ok(out);
            }
            out.push(self.value()?);
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected , or ] in a list")),
            }
        }
    }

    fn struct_fields(&mut self) -> Result<Vec<(String, Ion)>, String> {
        self.at += 1;
        let mut out = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some(b'}') {
                self.at += 1;
                return Ok(out);
            }
            let name = match self.peek() {
                Some(b'"') => self.short_string(b'"')?,
                Some(b'\'') if self.starts_with("'''") => self.long_strings()?,
                Some(b'\'') => self.short_string(b'\'')?,
                Some(c) if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                    let start = self.at;
                    let word = self.identifier().to_string();
                    if matches!(word.as_str(), "null" | "true" | "false" | "nan") {
                        self.at = start;
                        return Err(self.error("a keyword as a field name"));
                    }
                    word
                }
                _ => return Err(self.error("expected a field name")),
            };
            self.skip_space()?;
            if self.peek() != Some(b':') || self.starts_with("::") {
                return Err(self.error("expected : after a field name"));
            }
            self.at += 1;
            out.push((name, self.value()?));
            self.skip_space()?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected , or } in a struct")),
            }
        }
    }
}
