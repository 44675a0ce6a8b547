//! Compiles a parsed statement into the request of an existing operation
//! (GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem, or a transaction
//! action): WHERE, SET and projections become expression text with `#n` /
//! `:v` placeholders, so the JSON API's expression parser, validator and
//! evaluator run them. PartiQL and the JSON API therefore cannot disagree
//! on what a condition means.
//!
//! Which operation a SELECT becomes (the service's rules):
//! - every key attribute fixed by `=` and nothing else: GetItem;
//! - the partition key fixed by `=` (top-level AND): Query, with at most one
//!   sort-key condition in the key condition and the rest as the filter
//!   (a rest that reads a key attribute, which Query's filter may not, makes
//!   it a Scan instead);
//! - the partition key fixed to a few values (`pk IN [a, b]`, `pk = a OR
//!   pk = b`, top-level AND): one Query per distinct value, as above;
//! - otherwise: Scan, the whole WHERE as the filter.

use super::ast::{Expr, IsWhat, Lit, Path, Returning, Select, Statement, Step, UpdateAction};
use crate::error::{messages::partiql as m, Error, Result};
use crate::expr::CompareOp;
use crate::value::{AttributeValue, Item, Number};
use std::collections::{BTreeMap, BTreeSet};

/// The key attribute names of a table or index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyNames {
    /// The partition key.
    pub hash: String,
    /// The sort key, if any.
    pub range: Option<String>,
}

impl KeyNames {
    /// The partition key, then the sort key.
    pub fn hash_and_range(&self) -> impl Iterator<Item = &str> {
        self.all()
    }
    fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.hash.as_str()).chain(self.range.as_deref())
    }
}

/// The expression attribute names and values a compiled request uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placeholders {
    /// `#nN` -> name.
    pub names: BTreeMap<String, String>,
    /// `:vN` -> value.
    pub values: Item,
    by_name: BTreeMap<String, String>,
}

impl Placeholders {
    fn name(&mut self, n: &str) -> String {
        if let Some(p) = self.by_name.get(n) {
            return p.clone();
        }
        let p = format!("#n{}", self.names.len());
        self.names.insert(p.clone(), n.to_string());
        self.by_name.insert(n.to_string(), p.clone());
        p
    }
    fn value(&mut self, v: AttributeValue) -> String {
        let p = format!(":v{}", self.values.len());
        self.values.insert(p.clone(), v);
        p
    }
    /// The names, when any.
    pub fn names_opt(&self) -> Option<&BTreeMap<String, String>> {
        (!self.names.is_empty()).then_some(&self.names)
    }
    /// The values, when any.
    pub fn values_opt(&self) -> Option<&Item> {
        (!self.values.is_empty()).then_some(&self.values)
    }
}

/// What a statement runs as.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// GetItem.
    Get {
        /// Table.
        table: String,
        /// The key.
        key: Item,
        /// ProjectionExpression.
        projection: Option<String>,
        /// Placeholders.
        ph: Placeholders,
    },
    /// Query (`key_condition` set) or Scan.
    Read {
        /// Table.
        table: String,
        /// Index.
        index: Option<String>,
        /// KeyConditionExpression: Query when present, Scan otherwise.
        key_condition: Option<String>,
        /// FilterExpression.
        filter: Option<String>,
        /// ProjectionExpression.
        projection: Option<String>,
        /// ScanIndexForward.
        forward: bool,
        /// Placeholders.
        ph: Placeholders,
    },
    /// One Query per partition key value (`pk IN [...]`, `pk = a OR pk = b`),
    /// in the order written, each a `Read` with a key condition; the items
    /// are the queries' items one after the other.
    Queries(Vec<Command>),
    /// PutItem (INSERT): fails with DuplicateItem when the key exists.
    Insert {
        /// Table.
        table: String,
        /// The item.
        item: Item,
        /// `attribute_not_exists(#pk)`.
        condition: String,
        /// Placeholders.
        ph: Placeholders,
    },
    /// UpdateItem (the item must exist).
    Update {
        /// Table.
        table: String,
        /// The key.
        key: Item,
        /// UpdateExpression.
        update: String,
        /// ConditionExpression (existence AND the WHERE's rest).
        condition: String,
        /// ReturnValues.
        returning: Option<Returning>,
        /// Placeholders.
        ph: Placeholders,
    },
    /// DeleteItem.
    Delete {
        /// Table.
        table: String,
        /// The key.
        key: Item,
        /// ConditionExpression (the WHERE's rest).
        condition: Option<String>,
        /// ReturnValues.
        returning: Option<Returning>,
        /// Placeholders.
        ph: Placeholders,
    },
    /// A transaction's ConditionCheck (EXISTS).
    Check {
        /// Table.
        table: String,
        /// The key.
        key: Item,
        /// ConditionExpression.
        condition: String,
        /// Placeholders.
        ph: Placeholders,
    },
}

impl Command {
    /// The table it names.
    pub fn table(&self) -> &str {
        match self {
            Command::Get { table, .. }
            | Command::Read { table, .. }
            | Command::Insert { table, .. }
            | Command::Update { table, .. }
            | Command::Delete { table, .. }
            | Command::Check { table, .. } => table,
            Command::Queries(parts) => parts.first().map_or("", Command::table),
        }
    }
}

/// Compiles `stmt` with `params` (already checked for count). `keys` gives
/// the key names of a table (index `None`) or of one of its indexes; it
/// reports a missing table or index with the service's error.
pub fn compile(
    stmt: &Statement,
    params: &[AttributeValue],
    keys: &dyn Fn(&str, Option<&str>) -> Result<KeyNames>,
) -> Result<Command> {
    let c = Compiler { params };
    match stmt {
        Statement::Select(s) => c.select(s, keys(&s.table, s.index.as_deref())?),
        Statement::Insert { table, value } => {
            let k = keys(table, None)?;
            let item = match c.value(value)? {
                AttributeValue::M(map) => map,
                _ => return Err(Error::validation(m::INSERT_NOT_MAP)),
            };
            let mut ph = Placeholders::default();
            let condition = format!("attribute_not_exists({})", ph.name(&k.hash));
            Ok(Command::Insert { table: table.clone(), item, condition, ph })
        }
        Statement::Update { table, actions, condition, returning } => {
            let k = keys(table, None)?;
            let (key, rest) = c.full_key(condition, &k)?;
            let mut ph = Placeholders::default();
            let update = c.update(actions, &k, &mut ph)?;
            let mut cond = format!("attribute_exists({})", ph.name(&k.hash));
            if let Some(rest) = rest {
                cond = format!("{cond} AND {}", c.condition(&rest, &mut ph)?);
            }
            Ok(Command::Update {
                table: table.clone(),
                key,
                update,
                condition: cond,
                returning: *returning,
                ph,
            })
        }
        Statement::Delete { table, condition, returning } => {
            if returning.is_some_and(|r| r != Returning::AllOld) {
                return Err(Error::validation(m::RETURNING_NOT_ALLOWED));
            }
            let k = keys(table, None)?;
            let (key, rest) = c.full_key(condition, &k)?;
            let mut ph = Placeholders::default();
            let condition = rest.map(|r| c.condition(&r, &mut ph)).transpose()?;
            Ok(Command::Delete { table: table.clone(), key, condition, returning: *returning, ph })
        }
        Statement::Exists(s) => {
            if s.index.is_some() {
                return Err(Error::validation(m::INDEX_IN_BATCH));
            }
            let k = keys(&s.table, None)?;
            let Some(where_) = &s.condition else {
                return Err(Error::validation(m::MISSING_KEY_EQUALITY));
            };
            let (key, rest) = c.full_key(where_, &k)?;
            let mut ph = Placeholders::default();
            let mut cond = format!("attribute_exists({})", ph.name(&k.hash));
            if let Some(rest) = rest {
                cond = format!("{cond} AND {}", c.condition(&rest, &mut ph)?);
            }
            Ok(Command::Check { table: s.table.clone(), key, condition: cond, ph })
        }
    }
}

/// The top-level AND operands of `e`, in order.
fn conjuncts(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::And(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            other => out.push(other),
        }
    }
    out
}

/// Rebuilds an AND of `parts` (`None` when empty).
fn and_of(parts: Vec<&Expr>) -> Option<Expr> {
    parts.into_iter().cloned().reduce(|a, b| Expr::And(Box::new(a), Box::new(b)))
}

/// Whether `e` names `attr` at the top level anywhere.
fn mentions(e: &Expr, attr: &str) -> bool {
    match e {
        Expr::Path(p) => matches!(p.steps.first(), Some(Step::Attr(a)) if a == attr),
        Expr::Lit(Lit::List(items) | Lit::Set(items)) => items.iter().any(|i| mentions(i, attr)),
        Expr::Lit(Lit::Map(entries)) => entries.iter().any(|(_, v)| mentions(v, attr)),
        Expr::Lit(_) | Expr::Param(_) => false,
        Expr::Compare(a, _, b) | Expr::And(a, b) | Expr::Or(a, b) | Expr::Arith(a, _, b) => {
            mentions(a, attr) || mentions(b, attr)
        }
        Expr::Between(a, b, c) => mentions(a, attr) || mentions(b, attr) || mentions(c, attr),
        Expr::In(a, items) => mentions(a, attr) || items.iter().any(|i| mentions(i, attr)),
        Expr::Is(a, _, _) | Expr::Not(a) => mentions(a, attr),
        Expr::Call(_, args) => args.iter().any(|a| mentions(a, attr)),
    }
}

struct Compiler<'p> {
    params: &'p [AttributeValue],
}

impl Compiler<'_> {
    /// `attr = constant` (either way round): the constant.
    fn key_equality<'e>(&self, e: &'e Expr, attr: &str) -> Option<&'e Expr> {
        let Expr::Compare(a, CompareOp::Eq, b) = e else { return None };
        let is_attr = |x: &Expr| matches!(x, Expr::Path(p) if p.top_level() == Some(attr));
        let is_const = |x: &Expr| matches!(x, Expr::Lit(_) | Expr::Param(_));
        if is_attr(a) && is_const(b) {
            Some(b)
        } else if is_attr(b) && is_const(a) {
            Some(a)
        } else {
            None
        }
    }

    /// The key a WHERE fixes by equalities on every key attribute, and the
    /// rest of the WHERE.
    fn full_key(&self, where_: &Expr, k: &KeyNames) -> Result<(Item, Option<Expr>)> {
        let mut parts = conjuncts(where_);
        let mut key = Item::new();
        for attr in k.all() {
            let i = parts
                .iter()
                .position(|p| self.key_equality(p, attr).is_some())
                .ok_or_else(|| Error::validation(m::MISSING_KEY_EQUALITY))?;
            let v = self.value(self.key_equality(parts[i], attr).expect("found above"))?;
            key.insert(attr.to_string(), v);
            parts.remove(i);
        }
        Ok((key, and_of(parts)))
    }

    fn select(&self, s: &Select, k: KeyNames) -> Result<Command> {
        let where_ = s.condition.as_ref();
        if !s.order_by.is_empty() && where_.is_none() {
            return Err(Error::validation(m::ORDER_BY_WITHOUT_WHERE));
        }
        let parts = where_.map(conjuncts).unwrap_or_default();
        let hash_at = parts.iter().position(|p| self.key_equality(p, &k.hash).is_some());
        let projection = |ph: &mut Placeholders| -> Option<String> {
            s.projection
                .as_ref()
                .map(|paths| paths.iter().map(|p| path_text(p, ph)).collect::<Vec<_>>().join(", "))
        };
        // GetItem: exactly the key's equalities, on the table.
        if s.index.is_none() && s.order_by.is_empty() && hash_at.is_some() {
            if let Some(where_) = where_ {
                if let Ok((key, None)) = self.full_key(where_, &k) {
                    let mut ph = Placeholders::default();
                    let projection = projection(&mut ph);
                    return Ok(Command::Get { table: s.table.clone(), key, projection, ph });
                }
            }
        }
        if let Some(hash_at) = hash_at {
            if let Some(query) = self.query(s, &k, parts.clone(), hash_at, None)? {
                return Ok(query);
            }
        } else if let Some((at, values)) =
            parts.iter().enumerate().find_map(|(i, p)| Some((i, self.hash_alternatives(p, &k.hash)?)))
        {
            let wanted = values.len();
            let mut queries = Vec::with_capacity(wanted);
            for v in values {
                let eq = Expr::Compare(
                    Box::new(Expr::Path(Path { steps: vec![Step::Attr(k.hash.clone())] })),
                    CompareOp::Eq,
                    Box::new(v),
                );
                match self.query(s, &k, parts.clone(), at, Some(&eq))? {
                    Some(q) => queries.push(q),
                    None => break,
                }
            }
            if queries.len() == wanted {
                return Ok(if wanted == 1 { queries.remove(0) } else { Command::Queries(queries) });
            }
        }
        let forward = self.order(s, &k, false)?;
        let mut ph = Placeholders::default();
        let filter = where_.map(|w| self.condition(w, &mut ph)).transpose()?;
        let projection = projection(&mut ph);
        Ok(Command::Read {
            table: s.table.clone(),
            index: s.index.clone(),
            key_condition: None,
            filter,
            projection,
            forward,
            ph,
        })
    }

    /// The Query a SELECT becomes when `parts[hash_at]` (or `hash_eq`, which
    /// replaces it) fixes the partition key: at most one sort-key condition
    /// joins the key condition, the rest is the filter. `None` when the rest
    /// reads a key attribute (Query's filter may not): a Scan then.
    fn query(
        &self,
        s: &Select,
        k: &KeyNames,
        mut rest: Vec<&Expr>,
        hash_at: usize,
        hash_eq: Option<&Expr>,
    ) -> Result<Option<Command>> {
        let removed = rest.remove(hash_at);
        let hash_eq = hash_eq.unwrap_or(removed);
        let range_at =
            k.range.as_deref().and_then(|r| rest.iter().position(|p| self.is_range_condition(p, r)));
        let range_cond = range_at.map(|i| rest.remove(i));
        if rest.iter().any(|p| k.all().any(|a| mentions(p, a))) {
            return Ok(None);
        }
        let forward = self.order(s, k, true)?;
        let mut ph = Placeholders::default();
        // A key condition names the key first: `'a' = pk` becomes `pk = 'a'`.
        let mut key_condition = self.condition(&path_first(hash_eq), &mut ph)?;
        if let Some(r) = range_cond {
            key_condition = format!("{key_condition} AND {}", self.condition(&path_first(r), &mut ph)?);
        }
        let filter = and_of(rest).map(|f| self.condition(&f, &mut ph)).transpose()?;
        let projection = s
            .projection
            .as_ref()
            .map(|paths| paths.iter().map(|p| path_text(p, &mut ph)).collect::<Vec<_>>().join(", "));
        Ok(Some(Command::Read {
            table: s.table.clone(),
            index: s.index.clone(),
            key_condition: Some(key_condition),
            filter,
            projection,
            forward,
            ph,
        }))
    }

    /// The distinct partition key values `e` allows, in the order written,
    /// when it is `attr IN [c, ...]` or an OR of `attr = c`, every `c` a
    /// key-typed constant (S, N or B: anything else matches nothing, which
    /// the Scan's filter says without a type error).
    fn hash_alternatives(&self, e: &Expr, attr: &str) -> Option<Vec<Expr>> {
        let consts: Vec<&Expr> = match e {
            Expr::In(a, items) if matches!(&**a, Expr::Path(p) if p.top_level() == Some(attr)) => {
                items.iter().collect()
            }
            Expr::Or(..) => {
                let mut leaves = Vec::new();
                let mut stack = vec![e];
                while let Some(x) = stack.pop() {
                    match x {
                        Expr::Or(a, b) => {
                            stack.push(b);
                            stack.push(a);
                        }
                        other => leaves.push(self.key_equality(other, attr)?),
                    }
                }
                leaves
            }
            _ => return None,
        };
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for c in consts {
            let v = match c {
                Expr::Lit(Lit::Str(_) | Lit::Num(_)) | Expr::Param(_) => self.value(c).ok()?,
                _ => return None,
            };
            if !matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)) {
                return None;
            }
            if !seen.contains(&v) {
                seen.push(v);
                out.push(c.clone());
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The read direction ORDER BY asks for; only key attributes of a Query.
    fn order(&self, s: &Select, k: &KeyNames, query: bool) -> Result<bool> {
        let mut forward = true;
        for (path, desc) in &s.order_by {
            let on_key = path.top_level().is_some_and(|a| k.all().any(|x| x == a));
            if !query || !on_key {
                return Err(Error::validation(m::ORDER_BY_NOT_KEY));
            }
            if Some(path.top_level().unwrap_or_default()) == k.range.as_deref() || k.range.is_none() {
                forward = !desc;
            }
        }
        Ok(forward)
    }

    /// A condition a KeyConditionExpression can hold on the sort key `r`.
    fn is_range_condition(&self, e: &Expr, r: &str) -> bool {
        let is_r = |x: &Expr| matches!(x, Expr::Path(p) if p.top_level() == Some(r));
        let is_const = |x: &Expr| matches!(x, Expr::Lit(Lit::Str(_) | Lit::Num(_)) | Expr::Param(_));
        match e {
            Expr::Compare(a, op, b) if *op != CompareOp::Ne => {
                (is_r(a) && is_const(b)) || (is_r(b) && is_const(a))
            }
            Expr::Between(a, lo, hi) => is_r(a) && is_const(lo) && is_const(hi),
            Expr::Call(f, args) if f == "begins_with" => {
                args.len() == 2 && is_r(&args[0]) && is_const(&args[1])
            }
            _ => false,
        }
    }

    /// A constant: a literal or a parameter.
    fn value(&self, e: &Expr) -> Result<AttributeValue> {
        match e {
            Expr::Param(i) => Ok(self.params[*i].clone()),
            Expr::Lit(l) => self.literal(l),
            _ => Err(Error::validation(m::BAD_SET_VALUE)),
        }
    }

    fn literal(&self, l: &Lit) -> Result<AttributeValue> {
        Ok(match l {
            Lit::Str(s) => AttributeValue::S(s.clone()),
            Lit::Num(n) => {
                AttributeValue::N(Number::parse(n).map_err(|_| Error::validation(m::bad_number(n)))?)
            }
            Lit::Bool(b) => AttributeValue::Bool(*b),
            Lit::Null => AttributeValue::Null,
            Lit::Missing => return Err(Error::validation(m::MISSING_AS_VALUE)),
            Lit::List(items) => {
                AttributeValue::L(items.iter().map(|i| self.value(i)).collect::<Result<_>>()?)
            }
            Lit::Map(entries) => {
                let mut map = Item::new();
                for (k, v) in entries {
                    map.insert(k.clone(), self.value(v)?);
                }
                AttributeValue::M(map)
            }
            Lit::Set(items) => {
                let values = items.iter().map(|i| self.value(i)).collect::<Result<Vec<_>>>()?;
                set_of(values).ok_or_else(|| Error::validation(m::BAD_SET))?
            }
        })
    }

    /// An operand of a condition: a path, a constant or `size(path)`.
    fn operand(&self, e: &Expr, ph: &mut Placeholders) -> Result<String> {
        match e {
            Expr::Path(p) => Ok(path_text(p, ph)),
            Expr::Lit(_) | Expr::Param(_) => Ok(ph.value(self.value(e)?)),
            Expr::Call(f, args) if f == "size" => {
                let [Expr::Path(p)] = args.as_slice() else {
                    return Err(Error::validation(if args.len() == 1 {
                        m::path_required("size")
                    } else {
                        m::function_arity("size", 1, args.len())
                    }));
                };
                Ok(format!("size({})", path_text(p, ph)))
            }
            Expr::Call(f, _) if is_known(f) => Err(Error::validation(m::misplaced_function(f))),
            Expr::Call(f, _) => Err(Error::validation(m::unknown_function(f))),
            Expr::Arith(..) => Err(Error::validation(m::ARITHMETIC_IN_CONDITION)),
            _ => Err(Error::validation(m::NOT_A_CONDITION)),
        }
    }

    fn path_arg(&self, f: &str, e: &Expr, ph: &mut Placeholders) -> Result<String> {
        match e {
            Expr::Path(p) => Ok(path_text(p, ph)),
            _ => Err(Error::validation(m::path_required(f))),
        }
    }

    /// A WHERE condition as condition-expression text.
    fn condition(&self, e: &Expr, ph: &mut Placeholders) -> Result<String> {
        Ok(match e {
            Expr::And(a, b) => format!("({} AND {})", self.condition(a, ph)?, self.condition(b, ph)?),
            Expr::Or(a, b) => format!("({} OR {})", self.condition(a, ph)?, self.condition(b, ph)?),
            Expr::Not(a) => format!("(NOT {})", self.condition(a, ph)?),
            Expr::Compare(a, op, b) => {
                format!("{} {} {}", self.operand(a, ph)?, op.as_str(), self.operand(b, ph)?)
            }
            Expr::Between(a, lo, hi) => format!(
                "{} BETWEEN {} AND {}",
                self.operand(a, ph)?,
                self.operand(lo, ph)?,
                self.operand(hi, ph)?
            ),
            Expr::In(a, items) => {
                let a = self.operand(a, ph)?;
                let items = items.iter().map(|i| self.operand(i, ph)).collect::<Result<Vec<_>>>()?;
                format!("{a} IN ({})", items.join(", "))
            }
            Expr::Is(a, what, negated) => {
                let p = self.path_arg("IS", a, ph)?;
                match (what, negated) {
                    (IsWhat::Missing, false) => format!("attribute_not_exists({p})"),
                    (IsWhat::Missing, true) => format!("attribute_exists({p})"),
                    (IsWhat::Null, false) => {
                        let t = ph.value(AttributeValue::S("NULL".into()));
                        format!("(attribute_not_exists({p}) OR attribute_type({p}, {t}))")
                    }
                    (IsWhat::Null, true) => {
                        let t = ph.value(AttributeValue::S("NULL".into()));
                        format!("(attribute_exists({p}) AND (NOT attribute_type({p}, {t})))")
                    }
                }
            }
            Expr::Call(f, args) => match f.as_str() {
                "begins_with" | "contains" | "attribute_type" => {
                    if args.len() != 2 {
                        return Err(Error::validation(m::function_arity(f, 2, args.len())));
                    }
                    let p = self.path_arg(f, &args[0], ph)?;
                    format!("{f}({p}, {})", self.operand(&args[1], ph)?)
                }
                "exists" | "size" | "list_append" | "set_add" | "set_delete" => {
                    return Err(Error::validation(m::misplaced_function(f)))
                }
                _ => return Err(Error::validation(m::unknown_function(f))),
            },
            Expr::Path(_) | Expr::Lit(_) | Expr::Param(_) | Expr::Arith(..) => {
                return Err(Error::validation(m::NOT_A_CONDITION))
            }
        })
    }

    /// SET / REMOVE actions as UpdateExpression text.
    fn update(&self, actions: &[UpdateAction], k: &KeyNames, ph: &mut Placeholders) -> Result<String> {
        let (mut set, mut remove, mut add, mut delete) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for a in actions {
            let path = match a {
                UpdateAction::Set(p, _) | UpdateAction::Remove(p) => p,
            };
            if let Some(Step::Attr(top)) = path.steps.first() {
                if k.all().any(|x| x == top) {
                    return Err(Error::validation(m::key_update(top)));
                }
            }
            match a {
                UpdateAction::Remove(p) => remove.push(path_text(p, ph)),
                UpdateAction::Set(p, value) => match value {
                    Expr::Call(f, args) if f == "set_add" || f == "set_delete" => {
                        if args.len() != 2 {
                            return Err(Error::validation(m::function_arity(f, 2, args.len())));
                        }
                        if args[0] != Expr::Path(p.clone()) {
                            return Err(Error::validation(m::path_required(f)));
                        }
                        let entry = format!("{} {}", path_text(p, ph), ph.value(self.value(&args[1])?));
                        if f == "set_add" {
                            add.push(entry)
                        } else {
                            delete.push(entry)
                        }
                    }
                    v => {
                        let target = path_text(p, ph);
                        set.push(format!("{target} = {}", self.set_value(v, ph)?));
                    }
                },
            }
        }
        let mut clauses = Vec::new();
        for (kw, list) in [("SET", set), ("REMOVE", remove), ("ADD", add), ("DELETE", delete)] {
            if !list.is_empty() {
                clauses.push(format!("{kw} {}", list.join(", ")));
            }
        }
        Ok(clauses.join(" "))
    }

    fn set_value(&self, e: &Expr, ph: &mut Placeholders) -> Result<String> {
        match e {
            Expr::Arith(a, op, b) => {
                Ok(format!("{} {op} {}", self.set_operand(a, ph)?, self.set_operand(b, ph)?))
            }
            other => self.set_operand(other, ph),
        }
    }

    fn set_operand(&self, e: &Expr, ph: &mut Placeholders) -> Result<String> {
        match e {
            Expr::Path(p) => Ok(path_text(p, ph)),
            Expr::Lit(_) | Expr::Param(_) => Ok(ph.value(self.value(e)?)),
            Expr::Call(f, args) if f == "list_append" => {
                if args.len() != 2 {
                    return Err(Error::validation(m::function_arity(f, 2, args.len())));
                }
                Ok(format!(
                    "list_append({}, {})",
                    self.set_operand(&args[0], ph)?,
                    self.set_operand(&args[1], ph)?
                ))
            }
            Expr::Call(f, _) if is_known(f) => Err(Error::validation(m::misplaced_function(f))),
            Expr::Call(f, _) => Err(Error::validation(m::unknown_function(f))),
            _ => Err(Error::validation(m::BAD_SET_VALUE)),
        }
    }
}

/// `constant <op> path` as `path <flipped op> constant`; anything else as is.
fn path_first(e: &Expr) -> Expr {
    match e {
        Expr::Compare(a, op, b) if !matches!(**a, Expr::Path(_)) && matches!(**b, Expr::Path(_)) => {
            Expr::Compare(b.clone(), op.flipped(), a.clone())
        }
        other => other.clone(),
    }
}

fn is_known(f: &str) -> bool {
    matches!(
        f,
        "begins_with"
            | "contains"
            | "attribute_type"
            | "exists"
            | "size"
            | "list_append"
            | "set_add"
            | "set_delete"
    )
}

/// A path as expression text, every name through a placeholder (so no
/// reserved word or odd character can break it).
fn path_text(p: &Path, ph: &mut Placeholders) -> String {
    let mut out = String::new();
    for (i, step) in p.steps.iter().enumerate() {
        match step {
            Step::Attr(a) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&ph.name(a));
            }
            Step::Index(n) => {
                out.push('[');
                out.push_str(&n.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// A set of `values`: all strings, all numbers or all binaries, at least one.
fn set_of(values: Vec<AttributeValue>) -> Option<AttributeValue> {
    match values.first()? {
        AttributeValue::S(_) => values
            .into_iter()
            .map(|v| if let AttributeValue::S(s) = v { Some(s) } else { None })
            .collect::<Option<BTreeSet<_>>>()
            .map(AttributeValue::Ss),
        AttributeValue::N(_) => values
            .into_iter()
            .map(|v| if let AttributeValue::N(n) = v { Some(n) } else { None })
            .collect::<Option<BTreeSet<_>>>()
            .map(AttributeValue::Ns),
        AttributeValue::B(_) => values
            .into_iter()
            .map(|v| if let AttributeValue::B(b) = v { Some(b) } else { None })
            .collect::<Option<BTreeSet<_>>>()
            .map(AttributeValue::Bs),
        _ => None,
    }
}
