//! Placeholder until the model-driven validator lands.
use crate::error::Result;
/// Validates a request body against the API model.
pub fn validate_input(_operation: &str, _body: &serde_json::Value) -> Result<()> {
    Ok(())
}
/// Whether the operation exists in the API model.
pub fn is_known_operation(operation: &str) -> bool {
    crate::ops::SUPPORTED.contains(&operation)
}
