//! Seeding and dumping in the layout of a DynamoDB export.
//!
//! One folder per table:
//!
//! ```text
//! DIR/orders/table.json          DescribeTable's answer ({"Table": {...}}) or the bare description
//! DIR/orders/ttl.json            optional: DescribeTimeToLive's answer
//! DIR/orders/tags.json           optional: ListTagsOfResource's answer ({"Tags": [...]})
//! DIR/orders/data/*.json[.gz]    items, one DynamoDB JSON line each: {"Item": {...}}
//! ```
//!
//! The item files are what a DynamoDB export to S3 writes (`DYNAMODB_JSON`,
//! gzip or not), so an export's `AWSDynamoDB/<id>/data/` folder can be
//! copied under a table's folder as it is: every `*.json` / `*.json.gz`
//! file below the table's folder except the three above and `manifest-*`
//! files is read. [`Service::dump`] writes the same layout.
//!
//! Seeding builds the tables on a private service (no delays, no fault
//! rules, nothing recorded) through the operations themselves, so every
//! schema and item gets the service's checks; then it publishes them all in
//! one write, or nothing if anything failed.

use crate::error::messages;
use crate::service::{Config, Service};
use serde_json::{json, Map, Value};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a seed or a dump moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    /// Tables.
    pub tables: usize,
    /// Items.
    pub items: usize,
}

/// A seed or dump that failed: the file and what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError(pub String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExportError {}

fn io_error(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError(messages::export_io(&path.display().to_string(), &e.to_string()))
}

/// Runs an operation the way seeding and dumping need: the model's checks
/// and the operation, without fault rules or the operation record.
fn run(svc: &Service, op: &str, body: &Value) -> crate::error::Result<Value> {
    super::validate::validate_input(op, body)?;
    let bytes = super::decode::dispatch(svc, op, body)?;
    serde_json::from_slice(&bytes).map_err(|e| crate::error::Error::internal(e.to_string()))
}

impl Service {
    /// Loads every table folder of `dir` (see the module docs). Tables that
    /// already exist here are an error; on any error nothing is loaded.
    pub fn seed(&self, dir: &Path) -> Result<Moved, ExportError> {
        let staging = Service::new(Config {
            transition_delay: Duration::ZERO,
            record_operations: false,
            unprocessed_probability: 0.0,
            ..self.config.clone()
        });
        let mut moved = Moved::default();
        for folder in sorted_entries(dir)?.into_iter().filter(|p| p.is_dir()) {
            let schema = folder.join("table.json");
            if !schema.is_file() {
                continue;
            }
            let name = seed_table(&staging, &schema)?;
            if self.store.snapshot().table(&name).is_some() {
                return Err(ExportError(messages::export_table_exists(&name)));
            }
            moved.tables += 1;
            for file in data_files(&folder)? {
                moved.items += seed_items(&staging, &name, &file)?;
            }
        }
        let seeded = staging.store.snapshot();
        self.store
            .write(|db| {
                for name in seeded.table_names_after(None) {
                    if db.table(name).is_some() {
                        return Err(crate::error::Error::in_use(messages::export_table_exists(name)));
                    }
                    if let Some(table) = seeded.table(name) {
                        db.insert_table(crate::store::Table::clone(table));
                    }
                }
                Ok(())
            })
            .map_err(|e| ExportError(e.message))?;
        Ok(moved)
    }

    /// Writes every table into `dir` (created if missing) in the layout
    /// [`Service::seed`] reads; items as `data/items.json`, or
    /// `data/items.json.gz` with `gzip`. Items come from one snapshot.
    pub fn dump(&self, dir: &Path, gzip: bool) -> Result<Moved, ExportError> {
        let db = self.store.snapshot();
        let mut moved = Moved::default();
        for name in db.table_names_after(None) {
            let Some(table) = db.table(name) else { continue };
            if !table.def.meta.serves_data_plane(self.clock.now_ms()) {
                continue;
            }
            let folder = dir.join(name);
            let data = folder.join("data");
            fs::create_dir_all(&data).map_err(|e| io_error(&data, e))?;
            let describe =
                |op: &str, body: Value| run(self, op, &body).map_err(|e| ExportError(e.to_string()));
            write_json(&folder.join("table.json"), &describe("DescribeTable", json!({"TableName": name}))?)?;
            let ttl = describe("DescribeTimeToLive", json!({"TableName": name}))?;
            if ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED" {
                write_json(&folder.join("ttl.json"), &ttl)?;
            }
            let tags = describe("ListTagsOfResource", json!({"ResourceArn": table.def.meta.arn}))?;
            if tags["Tags"].as_array().is_some_and(|t| !t.is_empty()) {
                write_json(&folder.join("tags.json"), &tags)?;
            }
            let path = data.join(if gzip { "items.json.gz" } else { "items.json" });
            let file = fs::File::create(&path).map_err(|e| io_error(&path, e))?;
            let mut out: Box<dyn Write> = if gzip {
                Box::new(flate2::write::GzEncoder::new(file, flate2::Compression::default()))
            } else {
                Box::new(file)
            };
            let mut write = || -> std::io::Result<()> {
                let mut out = std::io::BufWriter::new(&mut out);
                for (_, item) in table.range(..) {
                    out.write_all(b"{\"Item\":")?;
                    serde_json::to_writer(&mut out, item)?;
                    out.write_all(b"}\n")?;
                }
                out.flush()
            };
            write().map_err(|e| io_error(&path, e))?;
            drop(out);
            moved.tables += 1;
            moved.items += table.item_count();
        }
        Ok(moved)
    }
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let mut out: Vec<PathBuf> =
        fs::read_dir(dir).map_err(|e| io_error(dir, e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

/// Item files under a table folder, recursively, in path order.
fn data_files(folder: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let mut out = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for path in sorted_entries(&dir)? {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                pending.push(path);
            } else if (name.ends_with(".json") || name.ends_with(".json.gz"))
                && dir != folder
                && !name.starts_with("manifest-")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_json(path: &Path) -> Result<Value, ExportError> {
    let text = fs::read(path).map_err(|e| io_error(path, e))?;
    serde_json::from_slice(&text).map_err(|e| io_error(path, e))
}

fn write_json(path: &Path, value: &Value) -> Result<(), ExportError> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| io_error(path, e))?;
    fs::write(path, text).map_err(|e| io_error(path, e))
}

/// Creates the table `schema` describes (plus its TTL and tags files) on
/// `svc`; returns its name.
fn seed_table(svc: &Service, schema: &Path) -> Result<String, ExportError> {
    let described = read_json(schema)?;
    let table = described.get("Table").unwrap_or(&described);
    let request = create_request(table)
        .ok_or_else(|| ExportError(messages::export_bad_schema(&schema.display().to_string())))?;
    let name = request["TableName"].as_str().unwrap_or_default().to_string();
    let fail = |path: &Path, e: crate::error::Error| {
        ExportError(messages::export_rejected(&path.display().to_string(), &e.to_string()))
    };
    run(svc, "CreateTable", &request).map_err(|e| fail(schema, e))?;
    let folder = schema.parent().unwrap_or(Path::new("."));
    let ttl_path = folder.join("ttl.json");
    if ttl_path.is_file() {
        let ttl = read_json(&ttl_path)?;
        if let Some(attribute) = ttl["TimeToLiveDescription"]["AttributeName"].as_str() {
            let spec = json!({"TableName": name, "TimeToLiveSpecification": {"Enabled": true, "AttributeName": attribute}});
            run(svc, "UpdateTimeToLive", &spec).map_err(|e| fail(&ttl_path, e))?;
        }
    }
    let tags_path = folder.join("tags.json");
    if tags_path.is_file() {
        let tags = read_json(&tags_path)?;
        let arn = svc.store.snapshot().table(&name).map(|t| t.def.meta.arn.clone()).unwrap_or_default();
        let body = json!({"ResourceArn": arn, "Tags": tags.get("Tags").cloned().unwrap_or(json!([]))});
        run(svc, "TagResource", &body).map_err(|e| fail(&tags_path, e))?;
    }
    Ok(name)
}

/// The CreateTable request that makes the table a DescribeTable `table`
/// describes: its name, keys, indexes, billing, streams, class and
/// deletion protection (what DescribeTable adds, such as counts, ARNs and
/// status, is left out).
fn create_request(table: &Value) -> Option<Value> {
    let copy = |from: &Value, to: &mut Map<String, Value>, names: &[&str]| {
        for name in names {
            if let Some(v) = from.get(*name).filter(|v| !v.is_null()) {
                to.insert(name.to_string(), v.clone());
            }
        }
    };
    let throughput = |from: &Value| {
        let p = from.get("ProvisionedThroughput")?;
        Some(
            json!({"ReadCapacityUnits": p.get("ReadCapacityUnits")?, "WriteCapacityUnits": p.get("WriteCapacityUnits")?}),
        )
    };
    let mut out = Map::new();
    copy(table, &mut out, &["TableName", "AttributeDefinitions", "KeySchema", "DeletionProtectionEnabled"]);
    out.get("TableName")?.as_str()?;
    let on_demand = table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        || throughput(table).is_none_or(|p| p["ReadCapacityUnits"] == 0);
    if on_demand {
        out.insert("BillingMode".into(), "PAY_PER_REQUEST".into());
    } else {
        out.insert("ProvisionedThroughput".into(), throughput(table)?);
    }
    let indexes = |member: &str, global: bool| -> Option<Value> {
        let list = table.get(member)?.as_array()?;
        let out: Vec<Value> = list
            .iter()
            .map(|index| {
                let mut i = Map::new();
                copy(index, &mut i, &["IndexName", "KeySchema", "Projection"]);
                if global && !on_demand {
                    if let Some(p) = throughput(index) {
                        i.insert("ProvisionedThroughput".into(), p);
                    }
                }
                Value::Object(i)
            })
            .collect();
        Some(Value::Array(out))
    };
    if let Some(g) = indexes("GlobalSecondaryIndexes", true) {
        out.insert("GlobalSecondaryIndexes".into(), g);
    }
    if let Some(l) = indexes("LocalSecondaryIndexes", false) {
        out.insert("LocalSecondaryIndexes".into(), l);
    }
    if table["StreamSpecification"]["StreamEnabled"] == true {
        out.insert("StreamSpecification".into(), table["StreamSpecification"].clone());
    }
    if let Some(class) = table["TableClassSummary"]["TableClass"].as_str() {
        out.insert("TableClass".into(), class.into());
    }
    Some(Value::Object(out))
}

/// Puts every `{"Item": ...}` line of `file` into `table`; returns how many.
fn seed_items(svc: &Service, table: &str, file: &Path) -> Result<usize, ExportError> {
    let raw = fs::File::open(file).map_err(|e| io_error(file, e))?;
    let reader: Box<dyn Read> = match file.extension().and_then(|e| e.to_str()) {
        Some("gz") => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        _ => Box::new(raw),
    };
    let mut count = 0;
    for (n, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(|e| io_error(file, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", file.display(), n + 1);
        let parsed: Value = serde_json::from_str(&line)
            .map_err(|e| ExportError(messages::export_rejected(&at, &e.to_string())))?;
        let Some(item) = parsed.get("Item") else {
            return Err(ExportError(messages::export_rejected(&at, messages::EXPORT_NOT_AN_ITEM_LINE)));
        };
        run(svc, "PutItem", &json!({"TableName": table, "Item": item}))
            .map_err(|e| ExportError(messages::export_rejected(&at, &e.to_string())))?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use crate::{Config, Service};
    use serde_json::json;
    use std::path::PathBuf;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ddb-export-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn source() -> Service {
        let svc = Service::new(Config::default());
        svc.call(
            "CreateTable",
            &json!({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "N"}, {"AttributeName": "st", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "GlobalSecondaryIndexes": [{"IndexName": "by_st", "KeySchema": [{"AttributeName": "st", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"}}]}),
        )
        .unwrap();
        svc.call(
            "CreateTable",
            &json!({"TableName": "plain", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3},
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "B"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        )
        .unwrap();
        svc.call(
            "UpdateTimeToLive",
            &json!({"TableName": "orders", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
        )
        .unwrap();
        let arn = svc.store.snapshot().table("orders").unwrap().def.meta.arn.clone();
        svc.call("TagResource", &json!({"ResourceArn": arn, "Tags": [{"Key": "team", "Value": "a"}]}))
            .unwrap();
        for i in 0..50 {
            svc.call(
                "PutItem",
                &json!({"TableName": "orders", "Item": {"pk": {"S": format!("c{}", i % 7)}, "sk": {"N": i.to_string()},
                    "st": {"S": "open"}, "n": {"N": "12345678901234567890.123456789"}, "set": {"SS": ["a", "b"]},
                    "m": {"M": {"l": {"L": [{"NULL": true}, {"BOOL": false}, {"B": "AAEC"}]}}}}}),
            )
            .unwrap();
        }
        svc.call("PutItem", &json!({"TableName": "plain", "Item": {"id": {"B": "AQID"}}})).unwrap();
        svc
    }

    fn scan(svc: &Service, table: &str) -> serde_json::Value {
        let out: serde_json::Value =
            serde_json::from_slice(&svc.call("Scan", &json!({"TableName": table})).unwrap()).unwrap();
        out["Items"].clone()
    }

    #[test]
    fn a_dump_seeds_an_identical_emulator_plain_and_gzipped() {
        for gzip in [false, true] {
            let src = source();
            let d = dir(if gzip { "gz" } else { "plain" });
            let moved = src.dump(&d, gzip).unwrap();
            assert_eq!((moved.tables, moved.items), (2, 51));
            let file = if gzip { "items.json.gz" } else { "items.json" };
            assert!(d.join("orders/data").join(file).is_file());
            let copy = Service::new(Config::default());
            assert_eq!(copy.seed(&d).unwrap(), moved);
            for table in ["orders", "plain"] {
                assert_eq!(scan(&copy, table), scan(&src, table), "{table}");
            }
            let describe = |svc: &Service| {
                let v: serde_json::Value = serde_json::from_slice(
                    &svc.call("DescribeTable", &json!({"TableName": "orders"})).unwrap(),
                )
                .unwrap();
                (
                    v["Table"]["KeySchema"].clone(),
                    v["Table"]["GlobalSecondaryIndexes"][0]["Projection"].clone(),
                )
            };
            assert_eq!(describe(&copy), describe(&src));
            let ttl: serde_json::Value = serde_json::from_slice(
                &copy.call("DescribeTimeToLive", &json!({"TableName": "orders"})).unwrap(),
            )
            .unwrap();
            assert_eq!(ttl["TimeToLiveDescription"]["AttributeName"], "exp");
            let plain: serde_json::Value =
                serde_json::from_slice(&copy.call("DescribeTable", &json!({"TableName": "plain"})).unwrap())
                    .unwrap();
            assert_eq!(plain["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
            // Seeding again collides with the tables now there, and loads nothing.
            assert!(copy.seed(&d).unwrap_err().0.contains("orders"));
            let _ = std::fs::remove_dir_all(&d);
        }
    }

    #[test]
    fn an_s3_export_folder_copied_under_a_table_is_read_as_it_is() {
        use std::io::Write;
        let d = dir("s3");
        let data = d.join("events/AWSDynamoDB/01700000000000-abcdef/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(
            d.join("events/table.json"),
            json!({"TableName": "events", "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})
            .to_string(),
        )
        .unwrap();
        let manifest = d.join("events/AWSDynamoDB/01700000000000-abcdef/manifest-summary.json");
        std::fs::write(manifest, "{\"itemCount\": 30}").unwrap();
        for part in 0..3 {
            let file = std::fs::File::create(data.join(format!("part{part}.json.gz"))).unwrap();
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            for i in 0..10 {
                writeln!(gz, "{{\"Item\":{{\"id\":{{\"N\":\"{}\"}}}}}}", part * 10 + i).unwrap();
            }
            gz.finish().unwrap();
        }
        let svc = Service::new(Config::default());
        let moved = svc.seed(&d).unwrap();
        assert_eq!((moved.tables, moved.items), (1, 30));
        assert_eq!(scan(&svc, "events").as_array().unwrap().len(), 30);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_bad_line_names_its_file_and_line_and_loads_nothing() {
        let d = dir("bad");
        std::fs::create_dir_all(d.join("tbl1/data")).unwrap();
        std::fs::write(
            d.join("tbl1/table.json"),
            json!({"Table": {"TableName": "tbl1", "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "ItemCount": 2}})
            .to_string(),
        )
        .unwrap();
        std::fs::write(
            d.join("tbl1/data/a.json"),
            "{\"Item\": {\"pk\": {\"S\": \"a\"}}}\n{\"Item\": {\"pk\": {\"N\": \"1\"}}}\n",
        )
        .unwrap();
        let svc = Service::new(Config::default());
        let e = svc.seed(&d).unwrap_err().0;
        assert!(e.contains("a.json:2"), "{e}");
        assert!(e.contains("ValidationException"), "{e}");
        assert_eq!(svc.store.snapshot().table_count(), 0);
        let _ = std::fs::remove_dir_all(&d);
    }
}
