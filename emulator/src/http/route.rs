//! Which part of the emulator a request is for, decided in one place from
//! the method and path: the DynamoDB API (`POST /`), the health check
//! (`GET /`), a CORS preflight (`OPTIONS` anywhere), the emulator's own
//! admin routes under [`ADMIN_PREFIX`], or nothing we serve.

use hyper::Method;

/// URL prefix reserved for the emulator's own routes (snapshots, clock,
/// faults, console). The service never uses it.
pub const ADMIN_PREFIX: &str = "/_emulator";

/// Where a request goes.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Route<'a> {
    /// `POST /`: a DynamoDB operation named by `X-Amz-Target`.
    Api,
    /// `GET /`: the service's health-check line.
    Health,
    /// `OPTIONS` on any path: a browser's CORS preflight.
    Preflight,
    /// `/_emulator` or below: the admin routes; holds the path after the
    /// prefix (`""`, `"/"`, `"/snapshots"`, ...).
    Admin(&'a str),
    /// A method on `/` the service does not serve.
    UnknownMethod,
    /// Any other path.
    UnknownPath,
}

/// Routes a request by method and path (the query string is not part of `path`).
pub fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    if *method == Method::OPTIONS {
        return Route::Preflight;
    }
    if let Some(rest) = path.strip_prefix(ADMIN_PREFIX) {
        if rest.is_empty() || rest.starts_with('/') {
            return Route::Admin(rest);
        }
    }
    if path != "/" && !path.is_empty() {
        return Route::UnknownPath;
    }
    match *method {
        Method::POST => Route::Api,
        Method::GET => Route::Health,
        _ => Route::UnknownMethod,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route(&Method::POST, "/"), Route::Api);
        assert_eq!(route(&Method::GET, "/"), Route::Health);
        assert_eq!(route(&Method::OPTIONS, "/"), Route::Preflight);
        assert_eq!(route(&Method::PUT, "/"), Route::UnknownMethod);
        assert_eq!(route(&Method::POST, "/tables"), Route::UnknownPath);
        assert_eq!(route(&Method::GET, "/_emulator/snapshots"), Route::Admin("/snapshots"));
        assert_eq!(route(&Method::GET, "/_emulator"), Route::Admin(""));
        assert_eq!(route(&Method::GET, "/_emulatorx"), Route::UnknownPath);
    }
}
