//! The `Authorization` header check. Any well-formed SigV4 header is
//! accepted here (any access key, any region); with `--verify-signatures`,
//! `sigv4` then checks the signature itself. The request time
//! (`X-Amz-Date`) must be within 15 minutes of the real system time (never
//! the emulator's manual clock), as the service requires ("Signature
//! expired" / "Signature not yet current", InvalidSignatureException); the
//! service reports a stale date before a malformed `Authorization` header.

use super::sigv4::AuthHeader;
use crate::error::{messages, Error, ErrorKind, Result};
use hyper::HeaderMap;

/// How far a request's date may be from the system time (SigV4: 15 minutes).
const MAX_SKEW_SECS: i64 = 15 * 60;

/// Checks that a SigV4 `Authorization` header is present and well formed,
/// and returns its parameters, so that the header is parsed once per
/// request ([`RequestContext::of`] gives the identity it claims).
pub fn check(headers: &HeaderMap) -> Result<AuthHeader<'_>> {
    let Some(value) = headers.get(hyper::header::AUTHORIZATION) else {
        return Err(Error::new(
            ErrorKind::MissingAuthenticationToken,
            crate::error::messages::MISSING_AUTH_TOKEN,
        ));
    };
    // The client signed with the real time: compare with the system clock,
    // never the emulator's `Clock`, which a test may have set years away.
    check_date(headers, crate::clock::system_secs())?;
    let value = value.to_str().unwrap_or("");
    let Some(params) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        let all = ["Credential", "Signature", "SignedHeaders"];
        return Err(Error::new(
            ErrorKind::IncompleteSignature,
            crate::error::messages::missing_auth_params(&all, value),
        ));
    };
    let [credential, signed_headers, signature] = super::sigv4::parse_params(params);
    if let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature)
    {
        return Ok(AuthHeader { credential, signed_headers, signature });
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

/// The request's `X-Amz-Date` against `now` (seconds since the epoch). A
/// request without one (or with one we cannot read) is not judged here.
fn check_date(headers: &HeaderMap, now: i64) -> Result<()> {
    let Some(date) = headers.get("x-amz-date").and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let Some(at) = crate::clock::parse_amz_date(date) else { return Ok(()) };
    let fmt = crate::clock::format_amz_date;
    if at < now - MAX_SKEW_SECS {
        let text = messages::signature_expired(date, &fmt(now - MAX_SKEW_SECS), &fmt(now));
        return Err(Error::new(ErrorKind::InvalidSignature, text));
    }
    if at > now + MAX_SKEW_SECS {
        let text = messages::signature_not_yet_current(date, &fmt(now + MAX_SKEW_SECS), &fmt(now));
        return Err(Error::new(ErrorKind::InvalidSignature, text));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str, date: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(hyper::header::AUTHORIZATION, auth.parse().unwrap());
        h.insert("x-amz-date", date.parse().unwrap());
        h
    }

    #[test]
    fn a_stale_date_is_reported_before_a_malformed_header() {
        let now = crate::clock::parse_amz_date("20261206T080000Z").unwrap();
        let e = check_date(&headers("garbage", "20261206T074459Z"), now).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidSignature);
        assert_eq!(
            e.message,
            "Signature expired: 20261206T074459Z is now earlier than 20261206T074500Z (20261206T080000Z - 15 min.)"
        );
        let e = check_date(&headers("garbage", "20261206T081501Z"), now).unwrap_err();
        assert_eq!(
            e.message,
            "Signature not yet current: 20261206T081501Z is still later than 20261206T081500Z (20261206T080000Z + 15 min.)"
        );
        assert!(check_date(&headers("garbage", "20261206T074500Z"), now).is_ok());
        // Through `check`: an old date wins over the malformed header.
        let e = check(&headers("garbage", "20200101T000000Z")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidSignature);
    }

    use crate::http::sigv4::RequestContext;

    #[test]
    fn the_checked_header_gives_the_claimed_identity() {
        let now = crate::clock::format_amz_date(crate::clock::system_secs());
        for auth in [
            "AWS4-HMAC-SHA256 Credential=AKID/20261206/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=ab",
            "AWS4-HMAC-SHA256 Signature=ab,Credential=AKID2,SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=K/d/r, SignedHeaders=, Signature=",
        ] {
            let h = headers(auth, &now);
            assert_eq!(RequestContext::of(Some(check(&h).unwrap())), RequestContext::claimed(&h), "{auth}");
        }
        let h = headers("AWS4-HMAC-SHA256 Credential=AKID/20261206/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=ab", &now);
        let claimed = RequestContext::of(Some(check(&h).unwrap()));
        assert_eq!((claimed.access_key_id, claimed.region), (Some("AKID"), Some("eu-west-1")));
    }
}
