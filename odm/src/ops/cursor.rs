//! Opaque resume points for queries and scans: a [`Cursor`] holds the key
//! to start after and a fingerprint of the read it came from, so that it
//! resumes exactly after the last item returned and is refused by any
//! other read (another table, index, key condition, filter, projection,
//! direction or segment).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! use ddb_odm::Cursor;
//! let q = orders.query(Order::query_by_customer("c1")).max_items(2);
//! let first = q.fetch().await?;
//! let saved: String = first.cursor.unwrap().to_string(); // store it anywhere
//! let rest = q.clone().after(&saved.parse::<Cursor>()?).fetch().await?;
//! assert_eq!(rest.items.iter().map(|o| o.id).collect::<Vec<_>>(), [3]);
//! # Ok(()) }
//! ```

use crate::error::{Error, Result};
use crate::item::{AttributeValue, Item};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use std::fmt;
use std::str::FromStr;

/// Where a read resumes: right after the last item it returned.
///
/// Encoded as an opaque URL-safe string ([`Display`](fmt::Display) /
/// [`FromStr`]) or bytes ([`to_bytes`](Self::to_bytes) /
/// [`from_bytes`](Self::from_bytes)) that a caller can store and hand back
/// later with `after(&cursor)`. It is bound to the read that made it: a
/// different read refuses it with [`Error::Cursor`]
/// ([`CursorError::OtherRead`]).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// use ddb_odm::{CursorError, Error};
/// let page = orders.scan().max_items(1).fetch().await?;
/// let cursor = page.cursor.unwrap();
/// // the same scan resumes; a scan with another filter refuses the cursor
/// assert_eq!(orders.scan().after(&cursor).fetch().await?.items.len(), 2);
/// let err = orders.scan().filter(f.total.gt(1.0)).after(&cursor).fetch().await.unwrap_err();
/// assert!(matches!(err, Error::Cursor(CursorError::OtherRead)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The fingerprint of the read that made the cursor.
    pub(crate) read: u64,
    /// The exclusive start key (names as stored).
    pub(crate) key: Item,
}

/// Why a cursor was refused.
///
/// ```
/// use ddb_odm::{Cursor, CursorError, Error};
/// let err = "not a cursor".parse::<Cursor>().unwrap_err();
/// assert!(matches!(err, Error::Cursor(CursorError::Malformed(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CursorError {
    /// The cursor was made by a different read (table, index, key
    /// condition, filter, projection, direction or segment).
    OtherRead,
    /// The text or bytes are not a cursor.
    Malformed(String),
}

impl fmt::Display for CursorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CursorError::OtherRead => write!(f, "the cursor belongs to a different query or scan"),
            CursorError::Malformed(why) => write!(f, "not a cursor: {why}"),
        }
    }
}

/// The version byte of the encoding (a future layout gets another).
const VERSION: u64 = 1;

impl Cursor {
    pub(crate) fn new(read: u64, key: Item) -> Cursor {
        Cursor { read, key }
    }

    /// The key the read resumes after (attribute names as stored).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_customer("c1")).max_items(1).fetch().await?;
    /// let key = page.cursor.unwrap().key().clone();
    /// assert_eq!(key["id"], ddb_odm::AttributeValue::N("1".into())); // after order 1
    /// # Ok(()) }
    /// ```
    pub fn key(&self) -> &Item {
        &self.key
    }

    /// The cursor as bytes (the UTF-8 of its text form).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// use ddb_odm::Cursor;
    /// let cursor = orders.scan().max_items(1).fetch().await?.cursor.unwrap();
    /// assert_eq!(Cursor::from_bytes(&cursor.to_bytes())?, cursor);
    /// # Ok(()) }
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// A cursor from [`to_bytes`](Self::to_bytes).
    ///
    /// ```
    /// use ddb_odm::{Cursor, CursorError, Error};
    /// assert!(matches!(Cursor::from_bytes(&[0xff]), Err(Error::Cursor(CursorError::Malformed(_)))));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Cursor> {
        std::str::from_utf8(bytes).map_err(|_| malformed("not UTF-8"))?.parse()
    }

    /// Refuses the cursor unless it was made by the read `fingerprint`.
    pub(crate) fn check(&self, fingerprint: u64) -> Result<()> {
        if self.read == fingerprint { Ok(()) } else { Err(Error::Cursor(CursorError::OtherRead)) }
    }
}

/// The exclusive start key a read sends: `start_at`'s key, or the
/// cursor's once it is checked against the read's `fingerprint` (computed
/// only when a cursor is to be checked).
pub(crate) fn start_key(
    start: &Option<Item>,
    resume: &Option<Cursor>,
    fingerprint: impl FnOnce() -> Result<u64>,
) -> Result<Option<Item>> {
    match (start, resume) {
        (Some(k), _) => Ok(Some(k.clone())),
        (None, Some(c)) => {
            c.check(fingerprint()?)?;
            Ok(Some(c.key.clone()))
        }
        (None, None) => Ok(None),
    }
}

fn malformed(why: &str) -> Error {
    Error::Cursor(CursorError::Malformed(why.to_string()))
}

impl fmt::Display for Cursor {
    /// `base64url(JSON)`: `{"v":1,"r":"<fingerprint hex>","k":{name: {"S"|"N"|"B": text}}}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.key.keys().collect();
        names.sort();
        let mut key = serde_json::Map::new();
        for name in names {
            let (t, text) = match &self.key[name] {
                AttributeValue::S(s) => ("S", s.clone()),
                AttributeValue::N(n) => ("N", n.clone()),
                AttributeValue::B(b) => ("B", STANDARD.encode(b.as_ref())),
                // Keys are strings, numbers or binary; anything else cannot
                // come from the service's keys.
                other => ("S", format!("{other:?}")),
            };
            key.insert(name.clone(), serde_json::json!({ t: text }));
        }
        let json = serde_json::json!({ "v": VERSION, "r": format!("{:016x}", self.read), "k": key });
        f.write_str(&URL_SAFE_NO_PAD.encode(json.to_string()))
    }
}

impl FromStr for Cursor {
    type Err = Error;

    /// Parses the text form (see [`Cursor`]).
    fn from_str(s: &str) -> Result<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim()).map_err(|_| malformed("not base64url"))?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| malformed("not JSON"))?;
        if json.get("v").and_then(|v| v.as_u64()) != Some(VERSION) {
            return Err(malformed("unknown version"));
        }
        let read = json
            .get("r")
            .and_then(|r| r.as_str())
            .and_then(|r| u64::from_str_radix(r, 16).ok())
            .ok_or_else(|| malformed("no fingerprint"))?;
        let obj = json.get("k").and_then(|k| k.as_object()).ok_or_else(|| malformed("no key"))?;
        let mut key = Item::new();
        for (name, v) in obj {
            let typed = v.as_object().filter(|o| o.len() == 1).ok_or_else(|| malformed("bad key value"))?;
            let (t, text) = typed.iter().next().expect("one entry");
            let text = text.as_str().ok_or_else(|| malformed("bad key value"))?.to_string();
            let value = match t.as_str() {
                "S" => AttributeValue::S(text),
                "N" => AttributeValue::N(text),
                "B" => AttributeValue::B(
                    STANDARD.decode(text).map_err(|_| malformed("bad binary key value"))?.into(),
                ),
                _ => return Err(malformed("bad key type")),
            };
            key.insert(name.clone(), value);
        }
        if key.is_empty() {
            return Err(malformed("empty key"));
        }
        Ok(Cursor { read, key })
    }
}

/// A stable 64-bit FNV-1a hash, so that a cursor stored today is still
/// recognised by the same read built by another process or build.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    /// Adds a length-prefixed string (so that `"ab","c"` differs from `"a","bc"`).
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.bytes(&(s.len() as u64).to_le_bytes());
        self.bytes(s.as_bytes())
    }

    fn bytes(&mut self, b: &[u8]) -> &mut Self {
        for byte in b {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// Adds a value in a canonical form (map keys and set members sorted).
    pub(crate) fn value(&mut self, v: &AttributeValue) -> &mut Self {
        self.text(crate::item::type_name(v));
        match v {
            AttributeValue::S(s) | AttributeValue::N(s) => self.text(s),
            AttributeValue::B(b) => self.bytes(&(b.as_ref().len() as u64).to_le_bytes()).bytes(b.as_ref()),
            AttributeValue::Bool(b) | AttributeValue::Null(b) => self.text(if *b { "1" } else { "0" }),
            AttributeValue::Ss(v) | AttributeValue::Ns(v) => {
                let mut v = v.clone();
                v.sort();
                v.iter().for_each(|s| {
                    self.text(s);
                });
                self
            }
            AttributeValue::Bs(v) => {
                let mut v: Vec<&[u8]> = v.iter().map(|b| b.as_ref()).collect();
                v.sort();
                v.iter().for_each(|b| {
                    self.bytes(&(b.len() as u64).to_le_bytes()).bytes(b);
                });
                self
            }
            AttributeValue::L(l) => {
                self.text(&l.len().to_string());
                l.iter().for_each(|x| {
                    self.value(x);
                });
                self
            }
            AttributeValue::M(m) => self.item(m),
            other => self.text(&format!("{other:?}")),
        }
    }

    /// Adds an item (names sorted).
    pub(crate) fn item(&mut self, m: &Item) -> &mut Self {
        let mut names: Vec<&String> = m.keys().collect();
        names.sort();
        self.text(&names.len().to_string());
        for n in names {
            self.text(n).value(&m[n]);
        }
        self
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Item {
        let mut k = Item::new();
        k.insert("pk".into(), AttributeValue::S("a#1".into()));
        k.insert("sk".into(), AttributeValue::N("42".into()));
        k.insert("bin".into(), AttributeValue::B(vec![0u8, 255, 7].into()));
        k
    }

    #[test]
    fn text_round_trip() {
        let c = Cursor::new(0xdead_beef_0000_0001, key());
        let text = c.to_string();
        assert!(text.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
        assert_eq!(text.parse::<Cursor>().unwrap(), c);
        assert_eq!(Cursor::from_bytes(&c.to_bytes()).unwrap(), c);
    }

    #[test]
    fn malformed_texts_are_refused() {
        for bad in ["", "!!", &URL_SAFE_NO_PAD.encode("{\"v\":2}"), &URL_SAFE_NO_PAD.encode("[1]")] {
            assert!(matches!(bad.parse::<Cursor>(), Err(Error::Cursor(CursorError::Malformed(_)))), "{bad}");
        }
    }

    #[test]
    fn fingerprint_is_canonical_and_separates_fields() {
        let a = Fingerprint::default().text("ab").text("c").finish();
        let b = Fingerprint::default().text("a").text("bc").finish();
        assert_ne!(a, b);
        let mut m1 = Item::new();
        m1.insert("x".into(), AttributeValue::Ss(vec!["b".into(), "a".into()]));
        m1.insert("y".into(), AttributeValue::N("1".into()));
        let mut m2 = Item::new();
        m2.insert("y".into(), AttributeValue::N("1".into()));
        m2.insert("x".into(), AttributeValue::Ss(vec!["a".into(), "b".into()]));
        assert_eq!(Fingerprint::default().item(&m1).finish(), Fingerprint::default().item(&m2).finish());
        assert!(Cursor::new(1, key()).check(2).is_err());
        assert!(Cursor::new(1, key()).check(1).is_ok());
    }
}
