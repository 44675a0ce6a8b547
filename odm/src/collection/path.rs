//! Dot paths into documents (`address.city`, `tags.0`): parsing, reading
//! with Mongo's array semantics, and in-place changes.
//!
//! A numeric segment indexes an array, or names a field of an object
//! (decided by what the document holds there, as Mongo does).

use super::error::{Error, Result};
use serde_json::{Map, Value};
use std::fmt;

/// A parsed dot path.
///
/// ```
/// use ddb_odm::collection::path::Path;
/// let p = Path::parse("address.city").unwrap();
/// assert_eq!(p.segments(), ["address", "city"]);
/// let doc = serde_json::json!({"address": {"city": "Oslo"}});
/// assert_eq!(p.get(&doc), Some(&serde_json::json!("Oslo")));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(Vec<String>);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Whether a segment can index an array.
pub(crate) fn index_of(seg: &str) -> Option<usize> {
    if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seg.parse().ok()
}

impl Path {
    /// Parses `a.b.c`; empty segments and segments starting with `$` are refused.
    pub fn parse(s: &str) -> Result<Path> {
        let segs: Vec<String> = s.split('.').map(str::to_string).collect();
        if segs.iter().any(|x| x.is_empty() || x.starts_with('$')) {
            return Err(Error::InvalidFilter(format!("invalid field path `{s}`")));
        }
        Ok(Path(segs))
    }

    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// The top-level field this path starts with.
    pub fn top(&self) -> &str {
        &self.0[0]
    }

    /// Whether one path is a prefix of the other (or they are equal).
    pub fn overlaps(&self, other: &Path) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a == b)
    }

    /// Whether any segment is numeric (it may index an array).
    pub fn has_numeric(&self) -> bool {
        self.0.iter().any(|s| index_of(s).is_some())
    }

    /// The value at this path, navigating objects, and arrays by index only.
    pub fn get<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        let mut cur = doc;
        for seg in &self.0 {
            cur = match cur {
                Value::Object(o) => o.get(seg)?,
                Value::Array(a) => a.get(index_of(seg)?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The values this path reaches with Mongo's semantics: a field name
    /// applied to an array reaches that field of each element. Arrays at
    /// the end are returned whole (the matcher also looks inside them).
    pub fn reach<'a>(&self, doc: &'a Value) -> Vec<&'a Value> {
        let mut out = Vec::new();
        reach(&self.0, doc, &mut out);
        out
    }

    /// Sets the value at this path, creating missing objects on the way
    /// (and padding arrays with nulls up to a numeric index).
    pub fn set(&self, doc: &mut Value, value: Value) -> Result<()> {
        let (last, parents) = self.0.split_last().expect("paths are never empty");
        let mut cur = doc;
        for seg in parents {
            cur = child_or_create(cur, seg, self)?;
        }
        match cur {
            Value::Object(o) => {
                o.insert(last.clone(), value);
                Ok(())
            }
            Value::Array(a) => {
                let i = index_of(last).ok_or_else(|| cannot_create(self, last))?;
                if a.len() <= i {
                    a.resize(i + 1, Value::Null);
                }
                a[i] = value;
                Ok(())
            }
            _ => Err(cannot_create(self, last)),
        }
    }

    /// The value at this path for changing, if present.
    pub fn get_mut<'a>(&self, doc: &'a mut Value) -> Option<&'a mut Value> {
        let mut cur = doc;
        for seg in &self.0 {
            cur = match cur {
                Value::Object(o) => o.get_mut(seg)?,
                Value::Array(a) => a.get_mut(index_of(seg)?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Removes the value at this path (an array element becomes null, as
    /// Mongo's `$unset` does). Returns the old value.
    pub fn remove(&self, doc: &mut Value) -> Option<Value> {
        let (last, parents) = self.0.split_last().expect("paths are never empty");
        let mut cur = doc;
        for seg in parents {
            cur = match cur {
                Value::Object(o) => o.get_mut(seg)?,
                Value::Array(a) => a.get_mut(index_of(seg)?)?,
                _ => return None,
            };
        }
        match cur {
            Value::Object(o) => o.remove(last),
            Value::Array(a) => a.get_mut(index_of(last)?).map(|v| std::mem::replace(v, Value::Null)),
            _ => None,
        }
    }
}

fn reach<'a>(segs: &[String], v: &'a Value, out: &mut Vec<&'a Value>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(v);
        return;
    };
    match v {
        Value::Object(o) => {
            if let Some(c) = o.get(seg) {
                reach(rest, c, out);
            }
        }
        Value::Array(a) => match index_of(seg) {
            Some(i) => {
                if let Some(c) = a.get(i) {
                    reach(rest, c, out);
                }
            }
            None => {
                for e in a {
                    if e.is_object() {
                        reach(segs, e, out);
                    }
                }
            }
        },
        _ => {}
    }
}

fn child_or_create<'a>(cur: &'a mut Value, seg: &str, path: &Path) -> Result<&'a mut Value> {
    match cur {
        Value::Object(o) => Ok(o.entry(seg.to_string()).or_insert_with(|| Value::Object(Map::new()))),
        Value::Array(a) => {
            let i = index_of(seg).ok_or_else(|| cannot_create(path, seg))?;
            if a.len() <= i {
                a.resize(i + 1, Value::Null);
            }
            if a[i].is_null() {
                a[i] = Value::Object(Map::new());
            }
            Ok(&mut a[i])
        }
        _ => Err(cannot_create(path, seg)),
    }
}

fn cannot_create(path: &Path, seg: &str) -> Error {
    Error::InvalidUpdate(format!("cannot create field `{seg}` of path `{path}`: its parent is not an object"))
}
