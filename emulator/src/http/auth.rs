//! The `Authorization` header check. Any well-formed SigV4 header is
//! accepted here (any access key, any region); with `--verify-signatures`,
//! `sigv4` then checks the signature itself.

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
    let [credential, signed_headers, signature] = super::sigv4::parse_params(params);
    if credential.is_some() && signed_headers.is_some() && signature.is_some() {
        return Ok(());
    }
    let mut missing = Vec::new();
    for (name, present) in [
        ("Credential", credential.is_some()),
        ("Signature", signature.is_some()),
        ("SignedHeaders", signed_headers.is_some()),
    ] {
        if !present {
            missing.push(name);
        }
    }
    Err(Error::new(
        ErrorKind::IncompleteSignature,
        crate::error::messages::missing_auth_params(&missing, value),
    ))
}
