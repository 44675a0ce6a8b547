//! The request body as JSON: one well-formed JSON object, or the
//! `SerializationException` that says what is wrong with it and where.
//!
//! A valid body costs one `serde_json::from_slice`, as before: everything
//! else here runs only once the parse has failed. Then the fault is
//! classified (invalid UTF-8, truncated, trailing data, an unexpected
//! character, a bad escape, a bad number, nesting too deep) and placed at
//! a 1-based line and a column counted in characters (messages: "Bodies
//! that are not well-formed JSON").
//!
//! One fault is reported: the first in body order. serde_json checks UTF-8
//! only inside strings, and only when the string ends, so the body is also
//! run through `std::str::from_utf8`: a bad byte sequence at or before the
//! parser's fault is the one reported (a body that is invalid UTF-8 and
//! truncated reports the bad bytes; `{"a" 1, "\xff"}` reports the missing
//! `:`). A body that is well-formed JSON but not an object is
//! [`messages::BODY_NOT_OBJECT`]: well-formedness is checked first.

use crate::error::{messages, Error};
use serde_json::error::Category;
use serde_json::Value;

/// Parses a request body: the JSON object, or the service's
/// `SerializationException`.
pub(crate) fn parse(body: &[u8]) -> Result<Value, Error> {
    match serde_json::from_slice::<Value>(body) {
        Ok(json) if json.is_object() => Ok(json),
        Ok(_) => Err(Error::serialization(messages::BODY_NOT_OBJECT)),
        Err(e) => Err(Error::serialization(describe(body, &e))),
    }
}

/// The text for a body serde_json refused with `e`.
fn describe(body: &[u8], e: &serde_json::Error) -> String {
    let (valid, utf8_fault) = match std::str::from_utf8(body) {
        Ok(_) => (body.len(), None),
        Err(bad) => (bad.valid_up_to(), Some(bad.valid_up_to())),
    };
    // serde_json's error codes are private; its text ("<code> at line L
    // column C") is the stable way to tell them apart.
    let text = e.to_string();
    let code = text.split(" at line ").next().unwrap_or("");
    let fault = match e.classify() {
        Category::Eof => body.len(),
        _ => parser_offset(body, e.line(), e.column()),
    };
    // "invalid unicode code point": bad UTF-8 in a string, placed only
    // roughly (serde_json finds it at the closing quote).
    if let Some(at) = utf8_fault.filter(|&at| at <= fault || code == "invalid unicode code point") {
        let (line, column) = position(body, at);
        return messages::body_invalid_utf8(line, column);
    }
    let (line, column) = position(body, fault);
    if e.classify() == Category::Eof {
        return messages::body_truncated(line, column);
    }
    match code {
        "trailing characters" => messages::body_trailing_data(line, column),
        "invalid number" | "number out of range" => messages::body_invalid_number(line, column),
        "recursion limit exceeded" => messages::body_nested_too_deep(line, column),
        "invalid escape" | "lone leading surrogate in hex escape" | "unexpected end of hex escape" => {
            messages::body_invalid_escape(line, column)
        }
        // "expected value", "expected `:`", "key must be a string",
        // "trailing comma", a control character in a string, ...
        _ => messages::body_unexpected_character(&shown(&body[fault..valid]), line, column),
    }
}

/// The byte offset serde_json's `line`/`column` point at. serde_json counts
/// the column in bytes from the line's start, 1-based for the byte it
/// stopped at; column 0 is the LF ending the line before.
fn parser_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = match line {
        0 | 1 => 0,
        n => {
            body.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(n - 2).map_or(body.len(), |(i, _)| i + 1)
        }
    };
    let at = match column {
        0 => line_start.saturating_sub(1),
        c => line_start + c - 1,
    };
    let mut at = at.min(body.len());
    // Never inside a multi-byte character.
    while at > 0 && at < body.len() && body[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    at
}

/// 1-based line and column of byte `at`: lines end at LF, a column counts
/// characters (UTF-8 continuation bytes do not start one).
fn position(body: &[u8], at: usize) -> (usize, usize) {
    let before = &body[..at];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
    (line, column)
}

/// The character starting `rest`, as the texts show it: `'x'`, or `U+000A`
/// for one that does not print.
fn shown(rest: &[u8]) -> String {
    let c = match std::str::from_utf8(rest) {
        Ok(s) => s.chars().next(),
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).ok().and_then(|s| s.chars().next()),
    };
    match c {
        Some(c) if !c.is_control() && !c.is_whitespace() => format!("'{c}'"),
        Some(c) => format!("U+{:04X}", c as u32),
        None => "U+FFFD".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The message `parse` gives `body`.
    fn text(body: &[u8]) -> String {
        let e = parse(body).expect_err("refused");
        assert_eq!(e.kind, crate::error::ErrorKind::Serialization, "{body:?}");
        e.message
    }

    #[test]
    fn valid_objects_parse() {
        assert_eq!(parse(b" {\"a\": [1, \"\xc3\xa9\"]}\n").unwrap()["a"][1], "é");
    }

    #[test]
    fn well_formed_non_objects_keep_their_text() {
        for body in [&b"[]"[..], b"1", b"\"s\"", b"null", b" true "] {
            assert_eq!(text(body), messages::BODY_NOT_OBJECT, "{body:?}");
        }
    }

    #[test]
    fn invalid_utf8_anywhere() {
        // Outside a string (serde_json: a syntax error at that byte).
        assert_eq!(text(b"{\xff}"), "Invalid UTF-8 byte sequence at line 1, column 2");
        // Inside a string (serde_json: reported only at the closing quote).
        assert_eq!(text(b"{\"a\": \"xy\xffz\"}"), "Invalid UTF-8 byte sequence at line 1, column 10");
        // A truncated multi-byte sequence inside a key.
        assert_eq!(text(b"{\"\xc3\": 1}"), "Invalid UTF-8 byte sequence at line 1, column 3");
        // An overlong encoding and a UTF-16 surrogate encoded in UTF-8.
        assert_eq!(text(b"{\"a\": \"\xc0\xaf\"}"), "Invalid UTF-8 byte sequence at line 1, column 8");
        assert_eq!(text(b"{\"a\": \"\xed\xa0\x80\"}"), "Invalid UTF-8 byte sequence at line 1, column 8");
        // After the value: invalid UTF-8 and trailing data at one byte.
        assert_eq!(text(b"{} \xfe"), "Invalid UTF-8 byte sequence at line 1, column 4");
    }

    #[test]
    fn truncated_bodies() {
        assert_eq!(text(b""), "Unexpected end of JSON input at line 1, column 1");
        assert_eq!(text(b"  \n "), "Unexpected end of JSON input at line 2, column 2");
        assert_eq!(text(b"{"), "Unexpected end of JSON input at line 1, column 2");
        assert_eq!(text(b"{\"TableName\":"), "Unexpected end of JSON input at line 1, column 14");
        assert_eq!(text(b"{\"Keys\": [1, "), "Unexpected end of JSON input at line 1, column 14");
        assert_eq!(text(b"{\"a\": \"unfinished"), "Unexpected end of JSON input at line 1, column 18");
        assert_eq!(text(b"{\"a\": tr"), "Unexpected end of JSON input at line 1, column 9");
        assert_eq!(text(b"{\"a\": \"\\u00"), "Unexpected end of JSON input at line 1, column 12");
    }

    #[test]
    fn trailing_data() {
        assert_eq!(text(b"{}{}"), "Unexpected data after the JSON value at line 1, column 3");
        assert_eq!(text(b"{} x"), "Unexpected data after the JSON value at line 1, column 4");
        assert_eq!(text(b"{}\n\n  ]"), "Unexpected data after the JSON value at line 3, column 3");
        assert_eq!(text(b"[] 1"), "Unexpected data after the JSON value at line 1, column 4");
    }

    #[test]
    fn other_syntax_errors() {
        // `n` may start `null`: the fault is the `o`.
        assert_eq!(text(b"nope"), "Unexpected character 'o' at line 1, column 2");
        assert_eq!(text(b"{\"a\" 1}"), "Unexpected character '1' at line 1, column 6");
        assert_eq!(text(b"{a: 1}"), "Unexpected character 'a' at line 1, column 2");
        assert_eq!(text(b"{\"a\": 1,}"), "Unexpected character '}' at line 1, column 9");
        assert_eq!(text(b"{\"a\": tru }"), "Unexpected character U+0020 at line 1, column 10");
        assert_eq!(text(b"{\"a\": \"x\ny\"}"), "Unexpected character U+000A at line 1, column 9");
        assert_eq!(text(b"{\"a\": \"x\ty\"}"), "Unexpected character U+0009 at line 1, column 9");
        assert_eq!(text(b"{\"a\": \xc3\xa9}"), "Unexpected character '\u{e9}' at line 1, column 7");
        assert_eq!(text(b"{\"a\": \"\\q\"}"), "Invalid escape sequence at line 1, column 9");
        assert_eq!(text(b"{\"a\": \"\\u12G4\"}"), "Invalid escape sequence at line 1, column 13");
        assert_eq!(text(b"{\"a\": \"\\udc00\"}"), "Invalid escape sequence at line 1, column 13");
        assert_eq!(text(b"{\"a\": 01}"), "Invalid number at line 1, column 8");
        assert_eq!(text(b"{\"a\": 1.}"), "Invalid number at line 1, column 9");
        // Out of range: found at its last digit.
        assert_eq!(text(b"{\"a\": 1e400}"), "Invalid number at line 1, column 11");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(text(deep.as_bytes()), "JSON nesting too deep at line 1, column 128");
    }

    #[test]
    fn positions_count_lines_and_characters() {
        // Three two-byte and one four-byte character before the fault, on line 3.
        let body = "{\n  \"a\": \"x\",\n  \"éé\": \"é😀\" x}".as_bytes();
        assert_eq!(text(body), "Unexpected character 'x' at line 3, column 14");
        let body = "{\n\"é\": 1}\n😀".as_bytes();
        assert_eq!(text(body), "Unexpected data after the JSON value at line 3, column 1");
        let mut body = "{\n  \"é😀\": \"".as_bytes().to_vec();
        body.extend_from_slice(b"\x80\"}");
        assert_eq!(text(&body), "Invalid UTF-8 byte sequence at line 2, column 10");
        assert_eq!(text("{\"é\":\n\n".as_bytes()), "Unexpected end of JSON input at line 3, column 1");
    }

    #[test]
    fn the_first_fault_in_body_order_wins() {
        // Invalid UTF-8, then truncation: the bad byte.
        assert_eq!(text(b"{\"a\": \"\xff"), "Invalid UTF-8 byte sequence at line 1, column 8");
        // Invalid UTF-8, then a syntax error: the bad byte.
        assert_eq!(text(b"{\"\xff\" 1}"), "Invalid UTF-8 byte sequence at line 1, column 3");
        // A syntax error, then invalid UTF-8: the syntax error.
        assert_eq!(text(b"{\"a\" 1, \"\xff\"}"), "Unexpected character '1' at line 1, column 6");
        // Trailing data, then invalid UTF-8 further on: the trailing data.
        assert_eq!(text(b"{} x\xff"), "Unexpected data after the JSON value at line 1, column 4");
        // Not an object, and not well-formed either: the UTF-8, not BODY_NOT_OBJECT.
        assert_eq!(text(b"[\"\xff\"]"), "Invalid UTF-8 byte sequence at line 1, column 3");
    }

    proptest! {
        /// Any bytes, and any valid body cut, spliced or with a byte
        /// changed: no panic; a refusal is a SerializationException whose
        /// position lies within the body.
        #[test]
        fn any_body_gets_an_answer_within_the_body(
            bytes in prop::collection::vec(any::<u8>(), 0..64),
            cut in 0usize..80,
            at in 0usize..80,
            byte in any::<u8>(),
        ) {
            let valid = concat!(
                r#"{"TableName": "t\u00e9","#,
                "\n",
                r#" "Item": {"pk": {"S": "é\ud83d\ude00"}, "n": {"N": "1e3"}}}"#
            )
            .as_bytes();
            let mut changed = valid.to_vec();
            let i = at % changed.len();
            changed[i] = byte;
            let spliced = [&valid[..cut.min(valid.len())], &bytes[..]].concat();
            for body in [&bytes[..], &valid[..cut.min(valid.len())], &changed[..], &spliced[..]] {
                if let Err(e) = parse(body) {
                    prop_assert_eq!(e.kind, crate::error::ErrorKind::Serialization);
                    if e.message != messages::BODY_NOT_OBJECT {
                        let (_, place) = e.message.rsplit_once(" at line ").expect("a position");
                        let (line, column) = place.split_once(", column ").expect("a column");
                        let (line, column): (usize, usize) = (line.parse().unwrap(), column.parse().unwrap());
                        let lines = 1 + body.iter().filter(|&&b| b == b'\n').count();
                        prop_assert!(line >= 1 && line <= lines && column >= 1, "{} for {:?}", e.message, body);
                    }
                }
            }
        }
    }
}
