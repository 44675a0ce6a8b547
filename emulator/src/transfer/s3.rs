//! S3 buckets as local folders (`--s3-dir DIR`): bucket `b`, key `k` is the
//! file `DIR/b/k`. A bucket exists when its folder does.

use std::io;
use std::path::{Path, PathBuf};

/// The folder that stands for S3.
#[derive(Clone, Debug)]
pub struct S3Dir {
    root: PathBuf,
}

/// Why an S3 location cannot be used, as the service reports it in an
/// export's or import's `FailureCode` / `FailureMessage`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Failure {
    /// `FailureCode`.
    pub code: &'static str,
    /// `FailureMessage`.
    pub message: String,
}

impl S3Failure {
    fn no_bucket(bucket: &str) -> Self {
        S3Failure {
            code: "S3NoSuchBucket",
            message: format!("The specified bucket does not exist: {bucket}"),
        }
    }
    /// A read or write that failed.
    pub fn io(e: &io::Error) -> Self {
        S3Failure { code: "S3AccessDenied", message: format!("The S3 folder could not be used: {e}") }
    }
}

impl S3Dir {
    /// S3 under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        S3Dir { root: root.into() }
    }

    /// The folder of `bucket`, if it exists (a bucket name never leaves the
    /// root: no separators, no `..`).
    pub fn bucket(&self, bucket: &str) -> Result<PathBuf, S3Failure> {
        let safe = !bucket.is_empty() && !bucket.contains(['/', '\\']) && bucket != "." && bucket != "..";
        let path = self.root.join(bucket);
        if safe && path.is_dir() {
            Ok(path)
        } else {
            Err(S3Failure::no_bucket(bucket))
        }
    }

    /// The file of `key` in `bucket` (keys are `/`-separated; empty
    /// segments and `..` are refused so a key stays inside its bucket).
    pub fn object(&self, bucket: &str, key: &str) -> Result<PathBuf, S3Failure> {
        let mut path = self.bucket(bucket)?;
        for part in key.split('/').filter(|p| !p.is_empty()) {
            if part == ".." || part == "." {
                return Err(S3Failure { code: "S3InvalidKey", message: format!("Invalid S3 key: {key}") });
            }
            path.push(part);
        }
        Ok(path)
    }

    /// Every object of `bucket` whose key starts with `prefix`, with its
    /// key, in key order.
    pub fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<(String, PathBuf)>, S3Failure> {
        let root = self.bucket(bucket)?;
        let mut out = Vec::new();
        walk(&root, "", &mut out).map_err(|e| S3Failure::io(&e))?;
        out.retain(|(key, _)| key.starts_with(prefix));
        out.sort();
        Ok(out)
    }
}

fn walk(dir: &Path, key: &str, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else { continue };
        let child = if key.is_empty() { name } else { format!("{key}/{name}") };
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), &child, out)?;
        } else {
            out.push((child, entry.path()));
        }
    }
    Ok(())
}

/// Writes `bytes` to `path`, creating its folders.
pub fn put(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_folders_and_keys_stay_inside_them() {
        let root = std::env::temp_dir().join(format!("ddb-s3dir-{}", std::process::id()));
        std::fs::create_dir_all(root.join("b")).unwrap();
        let s3 = S3Dir::new(&root);
        assert_eq!(s3.bucket("missing").unwrap_err().code, "S3NoSuchBucket");
        assert_eq!(s3.bucket("..").unwrap_err().code, "S3NoSuchBucket");
        assert_eq!(s3.object("b", "p/../../x").unwrap_err().code, "S3InvalidKey");
        put(&s3.object("b", "p/one.json").unwrap(), b"1").unwrap();
        put(&s3.object("b", "p/sub/two.json").unwrap(), b"2").unwrap();
        put(&s3.object("b", "q/three.json").unwrap(), b"3").unwrap();
        let keys: Vec<String> = s3.list("b", "p/").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["p/one.json", "p/sub/two.json"]);
        std::fs::remove_dir_all(root).unwrap();
    }
}
