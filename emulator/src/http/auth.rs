//! The `Authorization` header check. Any well-formed SigV4 header is
//! accepted (any access key, any region); signatures are not verified.

use crate::error::{Error, ErrorKind, Result};
use hyper::HeaderMap;

/// Checks that a SigV4 `Authorization` header is present and well formed.
pub fn check(headers: &HeaderMap) -> Result<()> {
    let Some(value) = headers.get(hyper::header::AUTHORIZATION) else {
        return Err(Error::new(
            ErrorKind::MissingAuthenticationToken,
            crate::error::messages::MISSING_AUTH_TOKEN,
        ));
    };
    let value = value.to_str().unwrap_or("");
    let Some(params) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        let all = ["Credential", "Signature", "SignedHeaders"];
        return Err(Error::new(
            ErrorKind::IncompleteSignature,
            crate::error::messages::missing_auth_params(&all, value),
        ));
    };
    let mut missing = Vec::new();
    for name in ["Credential", "Signature", "SignedHeaders"] {
        let present =
            params.split(',').any(|p| p.trim().strip_prefix(name).is_some_and(|rest| rest.starts_with('=')));
        if !present {
            missing.push(name);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::IncompleteSignature,
            crate::error::messages::missing_auth_params(&missing, value),
        ))
    }
}
