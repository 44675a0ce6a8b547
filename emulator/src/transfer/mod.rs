//! Exports and imports: tables written to and read from S3, with S3 as
//! local folders ([`s3::S3Dir`], `--s3-dir DIR`). The file formats are the
//! service's, so files exported here read like real exports and real
//! exports import here.
//!
//! The six operations (ExportTableToPointInTime, DescribeExport,
//! ListExports, ImportTable, DescribeImport, ListImports) are `Service`
//! methods here, above `ops`: they do file I/O, which no command may do
//! under the store's locks. The store side of each is a command
//! (`ops::export_source`, `ops::import_table`); what they remember is
//! `Service::transfers`.

pub mod export;
pub mod export_files;
pub mod import;
pub mod import_files;
pub mod ion;
pub mod s3;
