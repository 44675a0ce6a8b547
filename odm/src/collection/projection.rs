//! Projections: `{"name": 1, "address.city": 1}` keeps those fields (and
//! `_id` unless `"_id": 0`); `{"secret": 0}` drops fields.

use super::error::{Error, Result};
use super::path::Path;
use serde_json::{Map, Value};

/// A parsed projection.
///
/// ```
/// use ddb_odm::collection::Projection;
/// use serde_json::json;
/// let p = Projection::parse(&json!({"name": 1, "address.city": 1})).unwrap();
/// let doc = json!({"_id": "1", "name": "Ann", "age": 3, "address": {"city": "Oslo", "zip": "0150"}});
/// assert_eq!(p.apply(doc), json!({"_id": "1", "name": "Ann", "address": {"city": "Oslo"}}));
/// ```
#[derive(Clone, Debug)]
pub struct Projection {
    paths: Vec<Path>,
    include: bool,
    id: bool,
}

impl Projection {
    /// Parses a projection object (values 1/true or 0/false, not mixed
    /// except for `_id`).
    pub fn parse(v: &Value) -> Result<Projection> {
        let Value::Object(o) = v else {
            return Err(Error::InvalidFilter(format!("a projection must be an object, not {v}")));
        };
        let (mut paths, mut include, mut id) = (Vec::new(), None, true);
        for (k, v) in o {
            let on = match v {
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => return Err(Error::InvalidFilter(format!("projection of `{k}` must be 0 or 1"))),
            };
            if k == "_id" {
                id = on;
                continue;
            }
            if include.is_some_and(|i| i != on) {
                return Err(Error::InvalidFilter("a projection cannot mix inclusion and exclusion".into()));
            }
            include = Some(on);
            paths.push(Path::parse(k)?);
        }
        Ok(Projection { paths, include: include.unwrap_or(false), id })
    }

    /// Applies the projection to a document.
    pub fn apply(&self, doc: Value) -> Value {
        let mut out = if self.include {
            let mut out = Value::Object(Map::new());
            for p in &self.paths {
                if let Some(v) = p.get(&doc) {
                    let _ = p.set(&mut out, v.clone());
                }
            }
            if let Some(id) = doc.get("_id") {
                out.as_object_mut().expect("an object").insert("_id".into(), id.clone());
            }
            out
        } else {
            let mut doc = doc;
            for p in &self.paths {
                p.remove(&mut doc);
            }
            doc
        };
        if !self.id {
            if let Some(o) = out.as_object_mut() {
                o.remove("_id");
            }
        }
        out
    }
}
