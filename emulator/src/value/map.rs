//! `Map`: the attributes of an item or an `M` value.
//!
//! A vector of (name, value) pairs kept sorted by name, with the subset of
//! `BTreeMap`'s API the emulator uses. Items are small (a handful to a few
//! dozen attributes) and there are millions of them: one contiguous
//! allocation per map instead of B-tree nodes sized for eleven entries
//! cuts the memory of a stored item by about half, and lookups by binary
//! search over a short sorted vector are as fast. Iteration is in name
//! order, as with `BTreeMap`.

use super::AttributeValue;
use std::ops::Index;

/// Attribute names to values, sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Map {
    entries: Vec<(String, AttributeValue)>,
}

impl Map {
    /// An empty map.
    pub fn new() -> Self {
        Map { entries: Vec::new() }
    }

    /// A map from entries expected to be sorted by name without duplicates
    /// (the packed item decoder's output): one linear check, and a sort
    /// (keeping the first of equal names) only if the check fails.
    pub fn from_sorted(mut entries: Vec<(String, AttributeValue)>) -> Self {
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, earlier| later.0 == earlier.0);
        }
        Map { entries }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no attributes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of attribute `key`.
    pub fn get(&self, key: &str) -> Option<&AttributeValue> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The stored name and value of attribute `key`.
    pub fn get_key_value(&self, key: &str) -> Option<(&String, &AttributeValue)> {
        self.find(key).ok().map(|i| (&self.entries[i].0, &self.entries[i].1))
    }

    /// The value of attribute `key`, for changing.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut AttributeValue> {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// Whether attribute `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets attribute `key`, returning its previous value.
    pub fn insert(&mut self, key: String, value: AttributeValue) -> Option<AttributeValue> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes attribute `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<AttributeValue> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Keeps the attributes for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut AttributeValue) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// (name, value) pairs in name order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// (name, mutable value) pairs in name order.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&String, &mut AttributeValue)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &AttributeValue> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in name order, for changing.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut AttributeValue> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// Iterator over a [`Map`]'s (name, value) pairs.
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, AttributeValue)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a AttributeValue);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a AttributeValue);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (String, AttributeValue);
    type IntoIter = std::vec::IntoIter<(String, AttributeValue)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(String, AttributeValue)> for Map {
    /// Later pairs win over earlier ones with the same name, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (String, AttributeValue)>>(iter: I) -> Self {
        let mut entries: Vec<(String, AttributeValue)> = iter.into_iter().collect();
        // Stable sort keeps equal names in input order; keep the last of each.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, AttributeValue)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        out.shrink_to_fit();
        Map { entries: out }
    }
}

impl Extend<(String, AttributeValue)> for Map {
    fn extend<I: IntoIterator<Item = (String, AttributeValue)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<const N: usize> From<[(String, AttributeValue); N]> for Map {
    fn from(pairs: [(String, AttributeValue); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl Index<&str> for Map {
    type Output = AttributeValue;
    /// Panics when the attribute is absent, as `BTreeMap`'s does; callers
    /// index only attributes they have checked.
    fn index(&self, key: &str) -> &AttributeValue {
        self.get(key).expect("attribute present")
    }
}

impl Index<&String> for Map {
    type Output = AttributeValue;
    fn index(&self, key: &String) -> &AttributeValue {
        &self[key.as_str()]
    }
}

impl serde::Serialize for Map {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.to_string())
    }

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut m = Map::new();
        assert_eq!(m.insert("b".into(), s("1")), None);
        assert_eq!(m.insert("a".into(), s("2")), None);
        assert_eq!(m.insert("b".into(), s("3")), Some(s("1")));
        assert_eq!(m.keys().cloned().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.get("b"), Some(&s("3")));
        assert!(m.contains_key("a") && !m.contains_key("c"));
        assert_eq!(m.remove("a"), Some(s("2")));
        assert_eq!(m.len(), 1);
        let from: Map = [("z".to_string(), s("1")), ("y".to_string(), s("2")), ("z".to_string(), s("3"))]
            .into_iter()
            .collect();
        assert_eq!(
            from.iter().map(|(k, v)| (k.as_str(), v.clone())).collect::<Vec<_>>(),
            [("y", s("2")), ("z", s("3"))]
        );
    }
}
