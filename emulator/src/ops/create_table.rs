//! Not implemented yet (control-plane helper in progress).
use crate::error::{Error, Result};
use crate::service::Service;

/// Runs the operation.
pub fn run(_svc: &Service, _body: &serde_json::Value) -> Result<serde_json::Value> {
    Err(Error::internal("not implemented"))
}
