//! Control-plane inputs shared by CreateTable and UpdateTable: the request
//! shapes (typed serde structs) and the semantic checks that turn them into
//! the store's key schemas, projections and index definitions.

use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::{IndexMeta, Lifecycle, OnDemandLimits, Throughput, WarmThroughput};
use crate::store::{IndexDef, IndexKind, KeyAttr, KeySchema, Projection, ScalarType};
use serde::Deserialize;

/// Largest number of GSIs per table.
pub const MAX_GSIS: usize = 20;
/// Largest number of LSIs per table.
pub const MAX_LSIS: usize = 5;
/// Largest number of projected non-key attributes summed over all indexes.
pub const MAX_NON_KEY_ATTRIBUTES: usize = 100;
/// Largest number of partition (and of sort) key attributes of a GSI.
pub const MAX_GSI_KEY_ATTRIBUTES: usize = 4;
/// Default per-table read/write capacity quota.
pub const MAX_TABLE_CAPACITY: i64 = 40_000;
/// Default number of tables per account and region.
pub const MAX_TABLES: usize = 2_500;
/// Largest number of tags per resource.
pub const MAX_TAGS: usize = 50;

/// `AttributeDefinition`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinitionIn {
    /// Attribute name.
    pub attribute_name: String,
    /// `S`, `N` or `B`.
    pub attribute_type: String,
}

/// `KeySchemaElement`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElementIn {
    /// Attribute name.
    pub attribute_name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

/// `Projection`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionIn {
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: Option<String>,
    /// Projected non-key attributes (INCLUDE only).
    pub non_key_attributes: Option<Vec<String>>,
}

/// `ProvisionedThroughput`.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ProvisionedThroughputIn {
    /// Read capacity units.
    pub read_capacity_units: i64,
    /// Write capacity units.
    pub write_capacity_units: i64,
}

/// `OnDemandThroughput`.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct OnDemandThroughputIn {
    /// `MaxReadRequestUnits`.
    pub max_read_request_units: Option<i64>,
    /// `MaxWriteRequestUnits`.
    pub max_write_request_units: Option<i64>,
}

impl OnDemandThroughputIn {
    /// As stored.
    pub fn limits(self) -> OnDemandLimits {
        OnDemandLimits { max_read: self.max_read_request_units, max_write: self.max_write_request_units }
    }
}

/// `WarmThroughput`.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct WarmThroughputIn {
    /// `ReadUnitsPerSecond`.
    pub read_units_per_second: Option<i64>,
    /// `WriteUnitsPerSecond`.
    pub write_units_per_second: Option<i64>,
}

impl WarmThroughputIn {
    /// Applied over `base` (warm throughput only ever grows).
    pub fn apply(self, base: WarmThroughput) -> WarmThroughput {
        WarmThroughput {
            read: self.read_units_per_second.map_or(base.read, |r| r.max(base.read)),
            write: self.write_units_per_second.map_or(base.write, |w| w.max(base.write)),
        }
    }
}

/// `StreamSpecification`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSpecificationIn {
    /// Whether the stream is on.
    pub stream_enabled: bool,
    /// What records carry.
    pub stream_view_type: Option<String>,
}

/// `SSESpecification`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct SseSpecificationIn {
    /// KMS encryption on (true) or AWS-owned key (false / absent).
    #[serde(rename = "Enabled")]
    pub enabled: Option<bool>,
    /// `KMS` (or the legacy `AES256`).
    #[serde(rename = "SSEType")]
    pub sse_type: Option<String>,
    /// Key id, ARN, alias name or alias ARN.
    #[serde(rename = "KMSMasterKeyId")]
    pub kms_master_key_id: Option<String>,
}

/// `Tag`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TagIn {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// `GlobalSecondaryIndex`, `LocalSecondaryIndex` and
/// `CreateGlobalSecondaryIndexAction` (LSIs use the first three members).
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct SecondaryIndexIn {
    /// Index name.
    pub index_name: String,
    /// Index key schema.
    pub key_schema: Vec<KeySchemaElementIn>,
    /// Projected attributes.
    #[serde(default)]
    pub projection: ProjectionIn,
    /// GSI throughput (provisioned tables).
    pub provisioned_throughput: Option<ProvisionedThroughputIn>,
    /// GSI on-demand maximums.
    pub on_demand_throughput: Option<OnDemandThroughputIn>,
    /// GSI warm throughput.
    pub warm_throughput: Option<WarmThroughputIn>,
}

/// Which key schema rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRules {
    /// A table or LSI: one HASH, then at most one RANGE.
    Simple,
    /// A GSI: 1 to 4 HASH, then 0 to 4 RANGE (multi-attribute keys).
    Global,
}

/// Checks a new table's name against the `TableName` shape (3 to 255 of
/// `[a-zA-Z0-9_.-]`): the API model types CreateTable's member as a table
/// ARN, so the name rules are checked here.
pub fn check_table_name(name: &str) -> Result<()> {
    let value = format!("'{name}'");
    let mut errors = Vec::new();
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) || name.is_empty() {
        errors.push(messages::constraint_failure(&value, "TableName", &messages::pattern("[a-zA-Z0-9_.-]+")));
    }
    let len = name.chars().count();
    if len < 3 {
        errors.push(messages::constraint_failure(&value, "TableName", &messages::min_length(3)));
    } else if len > 255 {
        errors.push(messages::constraint_failure(&value, "TableName", &messages::max_length(255)));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(messages::validation_errors(&errors)))
    }
}

/// The attribute definitions of a request, checked for duplicates.
pub fn parse_definitions(defs: &[AttributeDefinitionIn]) -> Result<Vec<(String, ScalarType)>> {
    let mut out: Vec<(String, ScalarType)> = Vec::with_capacity(defs.len());
    for d in defs {
        if out.iter().any(|(n, _)| *n == d.attribute_name) {
            return Err(Error::validation(messages::duplicate_attribute_definition(&d.attribute_name)));
        }
        // The API model restricts the type to S, N or B.
        let ty = ScalarType::parse(&d.attribute_type).unwrap_or(ScalarType::S);
        out.push((d.attribute_name.clone(), ty));
    }
    Ok(out)
}

/// The type defined for `name`.
pub fn defined_type(defs: &[(String, ScalarType)], name: &str) -> Option<ScalarType> {
    defs.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
}

/// The names of a key schema, partition attributes first, as validated by
/// [`check_key_structure`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyNames {
    /// Partition key attribute names.
    pub hash: Vec<String>,
    /// Sort key attribute names.
    pub range: Vec<String>,
}

impl KeyNames {
    /// All names, partition first.
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.hash.iter().chain(self.range.iter())
    }

    /// Resolves the names against attribute definitions; `None` when one is undefined.
    pub fn resolve(&self, defs: &[(String, ScalarType)]) -> Option<KeySchema> {
        let attrs = |names: &[String]| -> Option<Vec<KeyAttr>> {
            names.iter().map(|n| defined_type(defs, n).map(|ty| KeyAttr { name: n.clone(), ty })).collect()
        };
        Some(KeySchema { hash: attrs(&self.hash)?, range: attrs(&self.range)? })
    }

    /// The names missing from `defs`.
    pub fn undefined<'a>(&'a self, defs: &[(String, ScalarType)]) -> Vec<&'a str> {
        self.all().filter(|n| defined_type(defs, n).is_none()).map(|n| n.as_str()).collect()
    }
}

/// Renders a key schema list the way the service does in constraint messages.
fn render_key_schema(elems: &[KeySchemaElementIn]) -> String {
    let items: Vec<String> =
        elems.iter().map(|e| messages::key_schema_element(&e.attribute_name, &e.key_type)).collect();
    format!("[{}]", items.join(", "))
}

/// Checks the shape of a key schema (element count, HASH before RANGE, no
/// repeated attribute) and returns its names. `path` names the member in
/// constraint messages; `index` the index in index messages.
pub fn check_key_structure(
    elems: &[KeySchemaElementIn],
    rules: KeyRules,
    path: &str,
    index: &str,
) -> Result<KeyNames> {
    if elems.is_empty() {
        return Err(Error::validation(messages::validation_errors(&[messages::constraint_failure(
            "'[]'",
            path,
            &messages::min_length(1),
        )])));
    }
    if rules == KeyRules::Simple && elems.len() > 2 {
        return Err(Error::validation(messages::key_schema_too_long(&render_key_schema(elems), path)));
    }
    if elems[0].key_type != "HASH" {
        return Err(Error::validation(messages::FIRST_KEY_NOT_HASH));
    }
    let mut names = KeyNames::default();
    for e in elems {
        let is_hash = e.key_type == "HASH";
        match rules {
            KeyRules::Simple => {
                if names.hash.len() == 1 && e.key_type != "RANGE" {
                    return Err(Error::validation(messages::SECOND_KEY_NOT_RANGE));
                }
            }
            KeyRules::Global => {
                if is_hash && !names.range.is_empty() {
                    return Err(Error::validation(messages::KEY_HASH_AFTER_RANGE));
                }
            }
        }
        if names.all().any(|n| *n == e.attribute_name) {
            // "Both the Hash Key and the Range Key ..." describes exactly
            // one HASH and one RANGE element; a multi-attribute GSI key
            // naming one attribute twice otherwise (two HASH, or more
            // elements) has its own text.
            let hash_and_range = elems.len() == 2 && elems[1].key_type == "RANGE";
            return Err(Error::validation(if hash_and_range {
                messages::KEY_NAMES_EQUAL
            } else {
                messages::KEY_DUPLICATE_ATTRIBUTE
            }));
        }
        if is_hash {
            names.hash.push(e.attribute_name.clone());
        } else {
            names.range.push(e.attribute_name.clone());
        }
    }
    if names.hash.len() > MAX_GSI_KEY_ATTRIBUTES || names.range.len() > MAX_GSI_KEY_ATTRIBUTES {
        return Err(Error::validation(messages::gsi_key_too_many(index)));
    }
    Ok(names)
}

/// Checks and converts a projection.
pub fn parse_projection(p: &ProjectionIn) -> Result<Projection> {
    let non_key = p.non_key_attributes.as_ref();
    match p.projection_type.as_deref() {
        Some("INCLUDE") => match non_key {
            Some(names) if !names.is_empty() => {
                if let Some(dup) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)) {
                    return Err(Error::validation(messages::duplicate_non_key_attribute(dup.1)));
                }
                Ok(Projection::Include(names.clone()))
            }
            _ => Err(Error::validation(messages::INCLUDE_WITHOUT_NON_KEY)),
        },
        Some(t @ ("ALL" | "KEYS_ONLY")) => {
            if non_key.is_some() {
                return Err(Error::validation(messages::non_key_without_include(t)));
            }
            Ok(if t == "ALL" { Projection::All } else { Projection::KeysOnly })
        }
        _ => Err(Error::validation(messages::PROJECTION_TYPE_MISSING)),
    }
}

/// Number of projected non-key attributes an index counts towards the limit.
pub fn non_key_count(p: &Projection) -> usize {
    match p {
        Projection::Include(names) => names.len(),
        _ => 0,
    }
}

/// Checks a StreamSpecification on CreateTable (`creating`) or UpdateTable.
pub fn check_stream(spec: &StreamSpecificationIn, creating: bool) -> Result<()> {
    match (spec.stream_enabled, spec.stream_view_type.is_some()) {
        (true, false) => Err(Error::validation(messages::STREAM_VIEW_TYPE_MISSING)),
        (false, true) if creating => Err(Error::validation(messages::CREATE_STREAM_DISABLED_WITH_VIEW_TYPE)),
        (false, true) => Err(Error::validation(messages::UPDATE_STREAM_DISABLED_WITH_VIEW_TYPE)),
        _ => Ok(()),
    }
}

/// Checks an SSESpecification; returns whether KMS encryption is on.
pub fn check_sse(spec: &SseSpecificationIn) -> Result<bool> {
    let enabled = spec.enabled.unwrap_or(false);
    if spec.sse_type.as_deref() == Some("AES256") {
        return Err(Error::validation(messages::SSE_TYPE_AES256));
    }
    if !enabled && (spec.kms_master_key_id.is_some() || spec.sse_type.is_some()) {
        return Err(Error::validation(messages::SSE_KMS_WITHOUT_ENABLED));
    }
    Ok(enabled)
}

/// Checks tags being added: reserved keys.
pub fn check_tags(tags: &[TagIn]) -> Result<()> {
    if tags.iter().any(|t| t.key.starts_with("aws:")) {
        return Err(Error::validation(messages::RESERVED_TAG_KEY));
    }
    if let Some(bad) = tags.iter().flat_map(|t| [&t.key, &t.value]).find(|s| !tag_text_ok(s)) {
        return Err(Error::validation(messages::invalid_tag_characters(bad)));
    }
    Ok(())
}

/// The characters AWS tagging allows in keys and values: Unicode letters,
/// digits and white space, and `_ . : / = + - @`.
fn tag_text_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
}

/// Merges `tags` into `current` (a key already present takes the new value).
/// Fails when the result would hold more than [`MAX_TAGS`] tags.
pub fn merge_tags(current: &mut Vec<(String, String)>, tags: &[TagIn]) -> Result<()> {
    let mut merged = current.clone();
    for t in tags {
        match merged.iter_mut().find(|(k, _)| *k == t.key) {
            Some(slot) => slot.1 = t.value.clone(),
            None => merged.push((t.key.clone(), t.value.clone())),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(Error::new(ErrorKind::Validation, messages::TOO_MANY_TAGS));
    }
    *current = merged;
    Ok(())
}

/// Checks a capacity setting against the per-table quota.
pub fn check_capacity(read: i64, write: i64) -> Result<()> {
    if read > MAX_TABLE_CAPACITY || write > MAX_TABLE_CAPACITY {
        return Err(Error::new(ErrorKind::LimitExceeded, messages::THROUGHPUT_LIMIT));
    }
    Ok(())
}

/// A validated global secondary index definition, before it is built.
pub struct GsiPlan {
    /// The request member.
    pub input: SecondaryIndexIn,
    /// Its key names.
    pub names: KeyNames,
    /// Its projection.
    pub projection: Projection,
}

/// Checks one GSI (structure, projection, throughput for `billing_provisioned`).
/// Attribute definitions are checked by the caller, whose message differs
/// between CreateTable and UpdateTable.
pub fn check_gsi(input: &SecondaryIndexIn, billing_provisioned: bool) -> Result<GsiPlan> {
    let names = check_key_structure(&input.key_schema, KeyRules::Global, "KeySchema", &input.index_name)?;
    let projection = parse_projection(&input.projection)?;
    match (billing_provisioned, input.provisioned_throughput) {
        (true, None) => return Err(Error::validation(messages::gsi_throughput_missing(&input.index_name))),
        (false, Some(_)) => {
            return Err(Error::validation(messages::gsi_throughput_on_demand(&input.index_name)));
        }
        _ => {}
    }
    Ok(GsiPlan { input: input.clone(), names, projection })
}

/// Builds an index definition from a checked plan. `creating` gives a GSI
/// the CREATING lifecycle for `delay` (UpdateTable); at table creation
/// indexes follow the table's own status.
pub fn build_index(
    name: &str,
    kind: IndexKind,
    key: KeySchema,
    projection: Projection,
    input: Option<&SecondaryIndexIn>,
    table_arn: &str,
    lifecycle: Lifecycle,
) -> IndexDef {
    let throughput = input
        .and_then(|i| i.provisioned_throughput)
        .map_or_else(Throughput::default, |t| Throughput::new(t.read_capacity_units, t.write_capacity_units));
    let meta = IndexMeta {
        arn: format!("{table_arn}/index/{name}"),
        lifecycle,
        backfilling: false,
        throughput,
        on_demand: input.and_then(|i| i.on_demand_throughput).map(OnDemandThroughputIn::limits),
        warm: input
            .and_then(|i| i.warm_throughput)
            .map_or_else(WarmThroughput::default, |w| w.apply(WarmThroughput::default())),
    };
    IndexDef { name: name.to_string(), kind, key, projection, meta }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elems(spec: &[(&str, &str)]) -> Vec<KeySchemaElementIn> {
        spec.iter()
            .map(|(n, t)| KeySchemaElementIn { attribute_name: n.to_string(), key_type: t.to_string() })
            .collect()
    }

    #[test]
    fn simple_key_rules() {
        let ok =
            check_key_structure(&elems(&[("a", "HASH"), ("b", "RANGE")]), KeyRules::Simple, "keySchema", "")
                .unwrap();
        assert_eq!(ok.hash, vec!["a"]);
        assert_eq!(ok.range, vec!["b"]);
        let e =
            check_key_structure(&elems(&[("a", "RANGE")]), KeyRules::Simple, "keySchema", "").unwrap_err();
        assert_eq!(e.message, messages::FIRST_KEY_NOT_HASH);
        let e =
            check_key_structure(&elems(&[("a", "HASH"), ("b", "HASH")]), KeyRules::Simple, "keySchema", "")
                .unwrap_err();
        assert_eq!(e.message, messages::SECOND_KEY_NOT_RANGE);
        let e =
            check_key_structure(&elems(&[("a", "HASH"), ("a", "RANGE")]), KeyRules::Simple, "keySchema", "")
                .unwrap_err();
        assert_eq!(e.message, messages::KEY_NAMES_EQUAL);
        let e = check_key_structure(
            &elems(&[("pk", "HASH"), ("sk", "RANGE"), ("extra", "RANGE")]),
            KeyRules::Simple,
            "keySchema",
            "",
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value '[KeySchemaElement(attributeName=pk, keyType=HASH), KeySchemaElement(attributeName=sk, keyType=RANGE), KeySchemaElement(attributeName=extra, keyType=RANGE)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2"
        );
    }

    #[test]
    fn global_key_rules() {
        let spec = elems(&[("a", "HASH"), ("b", "HASH"), ("c", "RANGE"), ("d", "RANGE")]);
        let names = check_key_structure(&spec, KeyRules::Global, "KeySchema", "i").unwrap();
        assert_eq!(names.hash, vec!["a", "b"]);
        assert_eq!(names.range, vec!["c", "d"]);
        let e = check_key_structure(
            &elems(&[("a", "HASH"), ("c", "RANGE"), ("b", "HASH")]),
            KeyRules::Global,
            "k",
            "i",
        )
        .unwrap_err();
        assert_eq!(e.message, messages::KEY_HASH_AFTER_RANGE);
        let five: Vec<(String, &str)> = (0..5).map(|i| (format!("h{i}"), "HASH")).collect();
        let five: Vec<(&str, &str)> = five.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        let e = check_key_structure(&elems(&five), KeyRules::Global, "k", "idx").unwrap_err();
        assert_eq!(e.message, messages::gsi_key_too_many("idx"));
    }

    #[test]
    fn projections() {
        let p = |t: Option<&str>, n: Option<Vec<&str>>| ProjectionIn {
            projection_type: t.map(str::to_string),
            non_key_attributes: n.map(|v| v.into_iter().map(str::to_string).collect()),
        };
        assert_eq!(parse_projection(&p(Some("ALL"), None)).unwrap(), Projection::All);
        assert_eq!(
            parse_projection(&p(Some("INCLUDE"), Some(vec!["x"]))).unwrap(),
            Projection::Include(vec!["x".into()])
        );
        assert_eq!(
            parse_projection(&p(Some("INCLUDE"), None)).unwrap_err().message,
            messages::INCLUDE_WITHOUT_NON_KEY
        );
        assert_eq!(
            parse_projection(&p(Some("KEYS_ONLY"), Some(vec!["x"]))).unwrap_err().message,
            messages::non_key_without_include("KEYS_ONLY")
        );
    }
}
