//! Class schemas, stored as documents in the `_SCHEMA` partition (`_id`
//! the class name): field types, for the application's use, and the
//! unique fields, which the collection layer enforces with markers.

use super::error::{Error, Result};
use super::path::Path;
use super::source::{ReadStats, Source};
use super::store::{self, SCHEMA_PARTITION};
use super::unique::{self, Marker};
use super::{Collections, Filter};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The schema of a class.
///
/// ```
/// use ddb_odm::collection::ClassSchema;
/// let s = ClassSchema::new("User").field("email", "String").unique("email");
/// assert_eq!(s.unique, ["email"]);
/// assert_eq!(serde_json::to_value(&s).unwrap()["_id"], "User");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassSchema {
    /// The class name (the schema document's `_id`).
    #[serde(rename = "_id")]
    pub class_name: String,
    /// Field names and their declared types (free text, e.g. `"String"`, `"Pointer<User>"`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Fields (dot paths allowed) whose values no two documents may share.
    #[serde(default)]
    pub unique: Vec<String>,
}

impl ClassSchema {
    /// An empty schema for a class.
    pub fn new(class_name: &str) -> ClassSchema {
        ClassSchema { class_name: class_name.into(), ..Default::default() }
    }

    /// Declares a field's type.
    pub fn field(mut self, name: &str, kind: &str) -> ClassSchema {
        self.fields.insert(name.into(), kind.into());
        self
    }

    /// Declares a field unique.
    pub fn unique(mut self, field: &str) -> ClassSchema {
        if !self.unique.iter().any(|f| f == field) {
            self.unique.push(field.into());
        }
        self
    }

    pub(crate) fn unique_paths(&self) -> Result<Vec<Path>> {
        self.unique
            .iter()
            .map(|f| Path::parse(f).map_err(|_| Error::InvalidDocument(format!("unique field `{f}`"))))
            .collect()
    }
}

impl Collections {
    /// The stored schema of a class (strongly consistent read).
    pub async fn schema(&self, class: &str) -> Result<Option<ClassSchema>> {
        let s = &self.shared;
        let out = s
            .client
            .get_item()
            .table_name(&s.opts.table)
            .set_key(Some(store::key(&s.opts, SCHEMA_PARTITION, class)))
            .consistent_read(true)
            .send()
            .await
            .map_err(Error::sdk)?;
        match out.item() {
            None => Ok(None),
            Some(item) => Ok(Some(serde_json::from_value(store::to_doc(&s.opts, item))?)),
        }
    }

    /// Every stored class schema.
    pub async fn schemas(&self) -> Result<Vec<ClassSchema>> {
        let src = Source {
            shared: self.shared.clone(),
            class: SCHEMA_PARTITION.into(),
            filter: Arc::new(Filter::And(vec![])),
            forward: true,
            consistent: true,
            page_size: None,
            after: None,
            stats: Arc::new(Mutex::new(ReadStats::default())),
        };
        let docs: Vec<_> = src.stream().try_collect().await?;
        docs.into_iter().map(|s| serde_json::from_value(s.doc).map_err(Error::from)).collect()
    }

    /// Stores a class schema. Fields that become unique get markers for the
    /// documents already stored; if two of them share a value, nothing is
    /// changed and [`Error::Duplicate`] names the field. Declare unique
    /// fields before concurrent writers of the class start (a writer learns
    /// a class's unique fields when it first writes to it).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use ddb_odm::collection::{ClassSchema, Collections, Error};
    /// use serde_json::json;
    /// let db = Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// db.set_schema(&ClassSchema::new("_User").field("email", "String").unique("email")).await?;
    /// let users = db.collection("_User");
    /// users.insert_one(json!({"email": "a@example.com"})).await?;
    /// let err = users.insert_one(json!({"email": "a@example.com"})).await.unwrap_err();
    /// assert!(matches!(err, Error::Duplicate { field, .. } if field == "email"));
    /// assert_eq!(db.schema("_User").await?.unwrap().unique, ["email"]);
    /// # Ok(()) }
    /// ```
    pub async fn set_schema(&self, schema: &ClassSchema) -> Result<()> {
        store::check_class(&schema.class_name)?;
        let class = schema.class_name.as_str();
        let paths = schema.unique_paths()?;
        let old = self.schema(class).await?.map(|s| s.unique).unwrap_or_default();
        let added: Vec<Path> = paths.iter().filter(|p| !old.contains(&p.to_string())).cloned().collect();
        if !added.is_empty() {
            self.backfill(class, &added).await?;
        }
        let doc = serde_json::to_value(schema)?;
        let item = store::to_item(&self.shared.opts, SCHEMA_PARTITION, &doc)?;
        let s = &self.shared;
        s.client
            .put_item()
            .table_name(&s.opts.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(Error::sdk)?;
        s.schemas.lock().unwrap().insert(class.to_string(), Arc::new(paths));
        Ok(())
    }

    /// Writes markers for existing documents; undoes them on a duplicate.
    async fn backfill(&self, class: &str, added: &[Path]) -> Result<()> {
        let src = Source {
            shared: self.shared.clone(),
            class: class.into(),
            filter: Arc::new(Filter::And(vec![])),
            forward: true,
            consistent: true,
            page_size: None,
            after: None,
            stats: Arc::new(Mutex::new(ReadStats::default())),
        };
        let docs: Vec<_> = src.stream().try_collect().await?;
        let opts = &self.shared.opts;
        let mut written: Vec<(Marker, String)> = Vec::new();
        let mut failure = None;
        'docs: for d in &docs {
            for m in unique::markers(opts, class, added, &d.doc)? {
                let TransactWriteItem { put: Some(put), .. } = m.put(opts, d.id())? else { unreachable!() };
                let res = self
                    .shared
                    .client
                    .put_item()
                    .table_name(&opts.table)
                    .set_item(Some(put.item().clone()))
                    .set_condition_expression(Some(
                        put.condition_expression().unwrap_or_default().to_string(),
                    ))
                    .set_expression_attribute_names(put.expression_attribute_names().cloned())
                    .set_expression_attribute_values(put.expression_attribute_values().cloned())
                    .send()
                    .await;
                match res.map_err(aws_sdk_dynamodb::Error::from) {
                    Ok(_) => written.push((m, d.id().to_string())),
                    Err(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(_)) => {
                        failure = Some(Error::Duplicate {
                            class: class.into(),
                            field: m.field.clone(),
                            value: m.value.clone(),
                        });
                        break 'docs;
                    }
                    Err(e) => {
                        failure = Some(Error::Sdk(Box::new(e)));
                        break 'docs;
                    }
                }
            }
        }
        let Some(failure) = failure else { return Ok(()) };
        for (m, id) in written {
            let TransactWriteItem { delete: Some(del), .. } = m.delete(opts, &id)? else { unreachable!() };
            let _ = self
                .shared
                .client
                .delete_item()
                .table_name(&opts.table)
                .set_key(Some(del.key().clone()))
                .condition_expression("#o = :id")
                .expression_attribute_names("#o", unique::OWNER)
                .expression_attribute_values(":id", AttributeValue::S(id))
                .send()
                .await;
        }
        Err(failure)
    }

    /// The unique fields of a class (cached after the first read).
    pub(crate) async fn unique_fields(&self, class: &str) -> Result<Arc<Vec<Path>>> {
        if let Some(u) = self.shared.schemas.lock().unwrap().get(class) {
            return Ok(u.clone());
        }
        let paths = Arc::new(match self.schema(class).await? {
            Some(s) => s.unique_paths()?,
            None => Vec::new(),
        });
        self.shared.schemas.lock().unwrap().insert(class.to_string(), paths.clone());
        Ok(paths)
    }
}
