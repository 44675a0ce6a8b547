//! Reading ImportTable's input: every object under the bucket and key
//! prefix, decompressed (GZIP, ZSTD or NONE) and read as DYNAMODB_JSON
//! lines (`{"Item": {...}}`), ION lines (`$ion_1_0 {Item:{...}}`, see
//! [`super::ion`]) or CSV (a header line of attribute names, or the
//! request's header list; values are strings except the key attributes,
//! typed by their definitions). A line that does not read as an item is
//! counted in `ErrorCount` and skipped, as the service does (which logs
//! each to CloudWatch; here an ION line's reason is logged as a warning).

use super::s3::{S3Dir, S3Failure};
use crate::attribute_input::parse_item;
use crate::value::{AttributeValue, Item};
use std::io::Read;

/// How the input is compressed (`InputCompressionType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// `GZIP`.
    Gzip,
    /// `ZSTD`.
    Zstd,
    /// `NONE`.
    None,
}

/// How the input is written (`InputFormat`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// `DYNAMODB_JSON`.
    DynamoDbJson,
    /// `ION` (text).
    Ion,
    /// `CSV`, with its delimiter and, when given, the header list.
    Csv {
        /// One character, `,` by default.
        delimiter: char,
        /// Attribute names; otherwise the first line of each file.
        header: Option<Vec<String>>,
    },
}

/// What the input held.
#[derive(Debug, Default)]
pub struct ImportInput {
    /// The items read, in file and line order.
    pub items: Vec<Item>,
    /// Lines that were not items.
    pub errors: u64,
    /// Bytes read (after decompression).
    pub processed_bytes: u64,
}

/// Reads every object under `prefix` in `bucket`. `key_type` gives the
/// declared type (`S`, `N` or `B`) of a key attribute, for CSV values.
pub fn read(
    s3: &S3Dir,
    bucket: &str,
    prefix: &str,
    format: &Format,
    compression: Compression,
    key_type: impl Fn(&str) -> Option<&'static str>,
) -> Result<ImportInput, S3Failure> {
    let mut out = ImportInput::default();
    for (key, path) in s3.list(bucket, prefix)? {
        let raw = std::fs::read(&path).map_err(|e| S3Failure::io(&e))?;
        let Some(text) = decompress(&raw, compression) else {
            out.errors += 1;
            continue;
        };
        out.processed_bytes += text.len() as u64;
        let text = String::from_utf8_lossy(&text);
        match format {
            Format::DynamoDbJson => {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    match json_line(line) {
                        Some(item) => out.items.push(item),
                        None => out.errors += 1,
                    }
                }
            }
            Format::Ion => {
                for (n, line) in text.lines().enumerate() {
                    match super::ion::read_item_line(line) {
                        Ok(Some(item)) => out.items.push(item),
                        Ok(None) => {}
                        Err(reason) => {
                            tracing::warn!(%key, line = n + 1, %reason, "an ION import line is not an item: skipped");
                            out.errors += 1;
                        }
                    }
                }
            }
            Format::Csv { delimiter, header } => {
                csv(&text, *delimiter, header.as_deref(), &key_type, &mut out)
            }
        }
    }
    Ok(out)
}

fn decompress(raw: &[u8], compression: Compression) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    match compression {
        Compression::None => return Some(raw.to_vec()),
        Compression::Gzip => flate2::read::MultiGzDecoder::new(raw).read_to_end(&mut out).ok()?,
        Compression::Zstd => ruzstd::decoding::StreamingDecoder::new(raw).ok()?.read_to_end(&mut out).ok()?,
    };
    Some(out)
}

fn json_line(line: &str) -> Option<Item> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let item = value.as_object().filter(|o| o.len() == 1)?.get("Item")?;
    parse_item(item).ok()
}

fn csv(
    text: &str,
    delimiter: char,
    header: Option<&[String]>,
    key_type: &impl Fn(&str) -> Option<&'static str>,
    out: &mut ImportInput,
) {
    let mut rows = csv_rows(text, delimiter).into_iter();
    let names: Vec<String> = match header {
        Some(h) => h.to_vec(),
        None => match rows.next() {
            Some(first) => first,
            None => return,
        },
    };
    for row in rows {
        if row.len() != names.len() {
            out.errors += 1;
            continue;
        }
        let mut item = Item::new();
        let mut ok = true;
        for (name, value) in names.iter().zip(row) {
            if value.is_empty() {
                continue; // An empty field is a missing attribute.
            }
            let v = match key_type(name) {
                Some("N") => crate::value::Number::parse(&value).map(AttributeValue::N).ok(),
                Some("B") => crate::attribute_input::decode_base64(&value).ok().map(AttributeValue::B),
                _ => Some(AttributeValue::S(value)),
            };
            match v {
                Some(v) => {
                    item.insert(name.clone(), v);
                }
                None => ok = false,
            }
        }
        if ok {
            out.items.push(item);
        } else {
            out.errors += 1;
        }
    }
}

/// Splits CSV text into rows of fields (RFC 4180 quoting: `"a, ""b"""`).
fn csv_rows(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == delimiter => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn s3() -> (S3Dir, std::path::PathBuf) {
        let root =
            std::env::temp_dir().join(format!("ddb-import-{}-{}", std::process::id(), fastrand::u32(..)));
        std::fs::create_dir_all(root.join("b/in")).unwrap();
        (S3Dir::new(&root), root)
    }

    #[test]
    fn json_lines_in_every_compression_with_bad_lines_counted() {
        let (s3, root) = s3();
        let text = "{\"Item\":{\"pk\":{\"S\":\"a\"}}}\nnot json\n{\"Item\":{\"pk\":{\"S\":\"b\"},\"n\":{\"N\":\"1\"}}}\n";
        std::fs::write(root.join("b/in/plain.json"), text).unwrap();
        let r = read(&s3, "b", "in/", &Format::DynamoDbJson, Compression::None, |_| None).unwrap();
        assert_eq!((r.items.len(), r.errors), (2, 1));
        std::fs::remove_file(root.join("b/in/plain.json")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(root.join("b/in/data.json.gz"), gz.finish().unwrap()).unwrap();
        let r = read(&s3, "b", "in/", &Format::DynamoDbJson, Compression::Gzip, |_| None).unwrap();
        assert_eq!((r.items.len(), r.errors), (2, 1));
        // Not gzip at all: the file is an error, nothing is read from it.
        let r = read(&s3, "b", "in/", &Format::DynamoDbJson, Compression::Zstd, |_| None).unwrap();
        assert_eq!((r.items.len(), r.errors), (0, 1));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn ion_lines_with_bad_lines_counted() {
        let (s3, root) = s3();
        let text = "$ion_1_0 {Item:{pk:\"a\",n:1.}}\n\n$ion_1_0\n{Item:{pk:\"b\",ss:$dynamodb_SS::[\"x\"]}}\n{Item:{pk:}}\n";
        std::fs::write(root.join("b/in/data.ion"), text).unwrap();
        let r = read(&s3, "b", "in/", &Format::Ion, Compression::None, |_| None).unwrap();
        assert_eq!((r.items.len(), r.errors), (2, 1));
        assert_eq!(r.items[1].get("ss"), Some(&AttributeValue::Ss(["x".to_string()].into())));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn zstd_frames_decode() {
        let (s3, root) = s3();
        // A zstd frame of raw blocks: magic, frame header (single segment,
        // 1-byte content size), one last raw block holding the text.
        let text = b"{\"Item\":{\"pk\":{\"S\":\"z\"}}}\n";
        let mut frame = vec![0x28, 0xB5, 0x2F, 0xFD, 0x20, text.len() as u8];
        let block_header = (text.len() as u32) << 3 | 1; // last block, raw
        frame.extend_from_slice(&block_header.to_le_bytes()[..3]);
        frame.extend_from_slice(text);
        std::fs::write(root.join("b/in/data.json.zst"), frame).unwrap();
        let r = read(&s3, "b", "in", &Format::DynamoDbJson, Compression::Zstd, |_| None).unwrap();
        assert_eq!((r.items.len(), r.errors), (1, 0));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn csv_types_key_attributes_and_keeps_quotes() {
        let (s3, root) = s3();
        std::fs::write(
            root.join("b/in/a.csv"),
            "pk,sk,note\na,1,\"hello, \"\"world\"\"\"\nb,x,bad number\nc,2,\n",
        )
        .unwrap();
        let key_type = |n: &str| match n {
            "pk" => Some("S"),
            "sk" => Some("N"),
            _ => None,
        };
        let format = Format::Csv { delimiter: ',', header: None };
        let r = read(&s3, "b", "in/", &format, Compression::None, key_type).unwrap();
        assert_eq!(r.errors, 1);
        assert_eq!(r.items.len(), 2);
        assert_eq!(r.items[0].get("note"), Some(&AttributeValue::S("hello, \"world\"".into())));
        assert!(matches!(r.items[0].get("sk"), Some(AttributeValue::N(_))));
        assert_eq!(r.items[1].get("note"), None);
        std::fs::remove_dir_all(root).unwrap();
    }
}
