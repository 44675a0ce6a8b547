//! Building DynamoDB expressions from pieces, each carrying the name and
//! value placeholders it uses, so that pieces can be left out (to stay
//! under the 4 KB expression limit) without leaving unused placeholders,
//! which the service refuses.

use super::path::Path;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

/// DynamoDB's limit on one expression string.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// Operators and functions allowed in one expression (the service's limit is 300).
pub(crate) const MAX_OPERATORS: usize = 300;
/// Operands of one `IN`.
pub(crate) const MAX_IN_OPERANDS: usize = 100;

/// Allocates placeholders: one name placeholder per attribute name, a
/// fresh value placeholder per value.
#[derive(Default)]
pub(crate) struct Placeholders {
    names: HashMap<String, String>,
    next_value: usize,
}

/// A piece of an expression and the placeholders it uses.
#[derive(Clone, Debug, Default)]
pub(crate) struct Piece {
    pub text: String,
    pub names: BTreeMap<String, String>,
    pub values: BTreeMap<String, AttributeValue>,
    /// Operators and functions in `text` (counted against the service's limit).
    pub ops: usize,
}

impl Placeholders {
    pub fn name(&mut self, piece: &mut Piece, name: &str) -> String {
        let n = self.names.len();
        let ph = self.names.entry(name.to_string()).or_insert_with(|| format!("#f{n}")).clone();
        piece.names.insert(ph.clone(), name.to_string());
        ph
    }

    pub fn value(&mut self, piece: &mut Piece, v: AttributeValue) -> String {
        let ph = format!(":v{}", self.next_value);
        self.next_value += 1;
        piece.values.insert(ph.clone(), v);
        ph
    }

    /// `#a.#b` for a path of field names (`top` replaces the first segment's
    /// stored name, e.g. `_id` is stored as the sort key attribute).
    pub fn path(&mut self, piece: &mut Piece, path: &Path, top: &str) -> String {
        let mut s = self.name(piece, top);
        for seg in &path.segments()[1..] {
            s.push('.');
            s.push_str(&self.name(piece, seg));
        }
        s
    }

    /// A path into a known document shape: `[n]` where the document holds
    /// an array, `.#name` where it holds an object.
    pub fn doc_path(&mut self, piece: &mut Piece, segs: &[(String, bool)]) -> String {
        let mut s = String::new();
        for (i, (seg, index)) in segs.iter().enumerate() {
            if *index {
                s.push_str(&format!("[{seg}]"));
            } else {
                if i > 0 {
                    s.push('.');
                }
                s.push_str(&self.name(piece, seg));
            }
        }
        s
    }
}

impl Piece {
    pub fn absorb(&mut self, other: Piece) {
        self.names.extend(other.names);
        self.values.extend(other.values);
        self.ops += other.ops;
    }

    /// Joins pieces with `AND` / `OR`, in parentheses.
    pub fn join(pieces: Vec<Piece>, op: &str) -> Piece {
        let mut out = Piece::default();
        let n = pieces.len();
        let texts: Vec<String> = pieces.iter().map(|p| p.text.clone()).collect();
        for p in pieces {
            out.absorb(p);
        }
        out.ops += n.saturating_sub(1);
        out.text = if n == 1 {
            texts.into_iter().next().unwrap()
        } else {
            format!("({})", texts.join(&format!(" {op} ")))
        };
        out
    }

    pub fn names_or_none(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone().into_iter().collect())
    }

    pub fn values_or_none(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone().into_iter().collect())
    }
}
