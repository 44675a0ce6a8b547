//! Applying a projection: keep exactly the projected paths of an item.
//!
//! Nested structure is preserved. Projected list elements keep their
//! relative order and are compacted (`a[3], a[1]` of `[p, q, r, s]` gives
//! `[q, s]`), the way the service returns them. Paths that do not exist (or
//! run into a value of another type) contribute nothing, and a map or list
//! that ends up with nothing projected is left out.

use super::ast::*;
use crate::value::{AttributeValue, Item, Map};
use std::collections::BTreeMap;

enum Node<'p> {
    Leaf,
    Map(BTreeMap<&'p str, Node<'p>>),
    List(BTreeMap<u32, Node<'p>>),
}

fn insert<'p>(slot: &mut Node<'p>, rest: &'p [PathElem]) {
    let Some((first, rest)) = rest.split_first() else {
        *slot = Node::Leaf;
        return;
    };
    match slot {
        // A whole value already projected covers anything below it.
        Node::Leaf => {}
        Node::Map(children) => {
            if let PathElem::Attr(n) = first {
                let child = children.entry(n.text()).or_insert_with(|| empty_for(rest));
                insert(child, rest);
            }
        }
        Node::List(children) => {
            if let PathElem::Index(i) = first {
                let child = children.entry(*i).or_insert_with(|| empty_for(rest));
                insert(child, rest);
            }
        }
    }
}

fn empty_for<'p>(rest: &'p [PathElem]) -> Node<'p> {
    match rest.first() {
        None => Node::Leaf,
        Some(PathElem::Attr(_)) => Node::Map(BTreeMap::new()),
        Some(PathElem::Index(_)) => Node::List(BTreeMap::new()),
    }
}

fn apply_node(v: &AttributeValue, node: &Node<'_>) -> Option<AttributeValue> {
    match (node, v) {
        (Node::Leaf, v) => Some(v.clone()),
        (Node::Map(children), AttributeValue::M(m)) => {
            let mut out = Map::new();
            for (name, child) in children {
                if let Some(x) = m.get(name).and_then(|x| apply_node(x, child)) {
                    out.insert((*name).to_string(), x);
                }
            }
            (!out.is_empty()).then_some(AttributeValue::M(out))
        }
        (Node::List(children), AttributeValue::L(l)) => {
            let out: Vec<AttributeValue> = children
                .iter()
                .filter_map(|(i, child)| l.get(*i as usize).and_then(|x| apply_node(x, child)))
                .collect();
            (!out.is_empty()).then_some(AttributeValue::L(out))
        }
        _ => None,
    }
}

/// Projects `item` onto `paths` (resolved paths).
pub fn project<'p>(item: &Item, paths: impl IntoIterator<Item = &'p Path>) -> Item {
    let mut top: BTreeMap<&'p str, Node<'p>> = BTreeMap::new();
    for p in paths {
        let Some((PathElem::Attr(n), rest)) = p.elems.split_first() else { continue };
        let child = top.entry(n.text()).or_insert_with(|| empty_for(rest));
        insert(child, rest);
    }
    let mut out = Item::new();
    for (name, node) in &top {
        if let Some(x) = item.get(name).and_then(|v| apply_node(v, node)) {
            out.insert((*name).to_string(), x);
        }
    }
    out
}

impl Projection {
    /// The item with only the projected paths (a resolved projection).
    pub fn apply(&self, item: &Item) -> Item {
        project(item, &self.paths)
    }

    /// The distinct top-level attribute names projected (resolved), in order.
    pub fn top_level_names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.paths {
            if let Some(t) = p.top() {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }
}
