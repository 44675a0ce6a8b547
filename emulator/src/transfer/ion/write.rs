//! Writing attribute values as Ion text (see [`super`] for the mapping).

use super::VERSION_MARKER;
use crate::value::json::encode_base64;
use crate::value::{AttributeValue, Item, Number};
use std::fmt::Write as _;

/// `$ion_1_0 {Item:{...}}`, without the newline.
pub fn item_line(item: &Item) -> String {
    let mut out = format!("{VERSION_MARKER} {{Item:");
    write_struct(item.iter(), &mut out);
    out.push('}');
    out
}

/// Writes a struct of attribute values: `{name:value,...}`.
pub fn write_struct<'a>(fields: impl Iterator<Item = (&'a String, &'a AttributeValue)>, out: &mut String) {
    out.push('{');
    for (i, (name, value)) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_field_name(name, out);
        out.push(':');
        write_value(value, out);
    }
    out.push('}');
}

/// Writes one attribute value in its Ion form.
pub fn write_value(value: &AttributeValue, out: &mut String) {
    match value {
        AttributeValue::S(s) => write_string(s, '"', out),
        AttributeValue::N(n) => write_decimal(n, out),
        AttributeValue::B(b) => write_blob(b, out),
        AttributeValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        AttributeValue::Null => out.push_str("null"),
        AttributeValue::M(m) => write_struct(m.iter(), out),
        AttributeValue::L(l) => write_list(l.iter(), out, write_value),
        AttributeValue::Ss(s) => {
            out.push_str("$dynamodb_SS::");
            write_list(s.iter(), out, |s, out| write_string(s, '"', out));
        }
        AttributeValue::Ns(s) => {
            out.push_str("$dynamodb_NS::");
            write_list(s.iter(), out, write_decimal);
        }
        AttributeValue::Bs(s) => {
            out.push_str("$dynamodb_BS::");
            write_list(s.iter(), out, |b, out| write_blob(b, out));
        }
    }
}

fn write_list<T>(items: impl Iterator<Item = T>, out: &mut String, each: impl Fn(T, &mut String)) {
    out.push('[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(item, out);
    }
    out.push(']');
}

/// A decimal as Ion writers print one: `103.`, `6d2`, `-0.005`.
fn write_decimal(n: &Number, out: &mut String) {
    let (negative, mantissa, exponent) = n.to_raw();
    if negative {
        out.push('-');
    }
    let digits = mantissa.to_string();
    match exponent {
        0 => {
            out.push_str(&digits);
            out.push('.');
        }
        e if e > 0 => {
            let _ = write!(out, "{digits}d{e}");
        }
        e => {
            let shift = e.unsigned_abs() as usize;
            if shift >= digits.len() {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', shift - digits.len()));
                out.push_str(&digits);
            } else {
                let (whole, frac) = digits.split_at(digits.len() - shift);
                let _ = write!(out, "{whole}.{frac}");
            }
        }
    }
}

fn write_blob(bytes: &[u8], out: &mut String) {
    out.push_str("{{");
    out.push_str(&encode_base64(bytes));
    out.push_str("}}");
}

/// A bare identifier when the name is one (and is not a keyword or a
/// `$` symbol, which Ion reads as a symbol id or system symbol), else a
/// quoted symbol.
fn write_field_name(name: &str, out: &mut String) {
    let mut chars = name.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && !matches!(name, "null" | "true" | "false" | "nan");
    if identifier {
        out.push_str(name);
    } else {
        write_string(name, '\'', out);
    }
}

/// A short string (`"`) or quoted symbol (`'`), escaping the quote, the
/// backslash and control characters; other characters are written as
/// UTF-8.
fn write_string(s: &str, quote: char, out: &mut String) {
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}
