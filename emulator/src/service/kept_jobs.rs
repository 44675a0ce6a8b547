//! Export and import records as a durable store keeps them: the kind
//! ([`EXPORT`] / [`IMPORT`]) and the record's JSON (the same fields as
//! DescribeExport / DescribeImport answer). Here rather than in `ops`, which
//! writes no JSON; `transfer` encodes a record as it makes it, and the
//! service decodes them when it opens a data directory.

use crate::ops::transfer_jobs::{Job, Jobs, EXPORT};
use serde::Serialize;

/// The jobs a durable store kept ([`crate::store::durable::Recovery::jobs`]):
/// kind and JSON of each, in the order they were made. One that does
/// not decode is skipped with a warning (the data it describes is not
/// affected).
pub fn decode(kept: &[(u8, Vec<u8>)]) -> Jobs {
    let mut jobs = Jobs::default();
    for (kind, json) in kept {
        let done = match *kind {
            EXPORT => serde_json::from_slice(json).map(|j| jobs.exports.push(j)),
            _ => serde_json::from_slice(json).map(|j| jobs.imports.push(j)),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "an export or import record does not decode: skipped");
        }
    }
    jobs
}

/// A job's bytes for a durable store.
pub fn encode<D: Serialize>(job: &Job<D>) -> Vec<u8> {
    serde_json::to_vec(job).expect("jobs serialise")
}
