//! Exports and imports: tables written to and read from S3, with S3 as
//! local folders ([`s3::S3Dir`], `--s3-dir DIR`). The file formats are the
//! service's, so files exported here read like real exports and real
//! exports import here.

pub mod export_files;
pub mod import_files;
pub mod s3;
