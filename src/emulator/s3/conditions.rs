//! Conditional requests with S3's precedence: `If-Match` (412 when false) decides alone
//! over `If-Unmodified-Since`; `If-None-Match` (304 for GET/HEAD when an ETag matches)
//! decides alone over `If-Modified-Since`. The copy-source variants
//! (`x-amz-copy-source-if-*`) follow the same rules and answer 412 for every failure.
//! Times compare at whole seconds, the precision of `Last-Modified`.

use axum::http::StatusCode;

use super::{S3Error, S3Request};

/// What a request's conditions say about an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Proceed,
    NotModified,
    Failed,
}

/// Whether a comma-separated `If-Match`/`If-None-Match` list names `etag` (or is `*`).
fn etag_listed(list: &str, etag: &str) -> bool {
    let etag = etag.trim_matches('"');
    list.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.trim_start_matches("W/").trim_matches('"') == etag
    })
}

/// Seconds since the epoch of an HTTP date; None if it does not parse (ignored, as S3).
fn http_seconds(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|t| t.timestamp())
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text.trim(), "%a, %d %b %Y %H:%M:%S GMT")
                .ok()
                .map(|t| t.and_utc().timestamp())
        })
}

/// Evaluates the four conditions (header names under `prefix`) against an object.
fn evaluate(request: &S3Request, prefix: &str, etag: &str, modified_ms: i64) -> Outcome {
    let header = |name: &str| request.header(&format!("{prefix}{name}"));
    let modified = modified_ms.div_euclid(1000);
    match header("if-match") {
        Some(list) if !etag_listed(list, etag) => return Outcome::Failed,
        Some(_) => {}
        None => {
            if header("if-unmodified-since")
                .and_then(http_seconds)
                .is_some_and(|since| modified > since)
            {
                return Outcome::Failed;
            }
        }
    }
    match header("if-none-match") {
        Some(list) if etag_listed(list, etag) => return Outcome::NotModified,
        Some(_) => {}
        None => {
            if header("if-modified-since")
                .and_then(http_seconds)
                .is_some_and(|since| modified <= since)
            {
                return Outcome::NotModified;
            }
        }
    }
    Outcome::Proceed
}

fn precondition_failed() -> S3Error {
    S3Error::new(
        StatusCode::PRECONDITION_FAILED,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
    )
}

/// `If-*` of a GET or HEAD: Ok(true) to answer 304 Not Modified.
pub fn check_read(request: &S3Request, etag: &str, modified_ms: i64) -> Result<bool, S3Error> {
    match evaluate(request, "", etag, modified_ms) {
        Outcome::Proceed => Ok(false),
        Outcome::NotModified => Ok(true),
        Outcome::Failed => Err(precondition_failed()),
    }
}

/// `x-amz-copy-source-if-*` of a copy: 412 PreconditionFailed unless they all hold.
pub fn check_copy_source(request: &S3Request, etag: &str, modified_ms: i64) -> Result<(), S3Error> {
    match evaluate(request, "x-amz-copy-source-", etag, modified_ms) {
        Outcome::Proceed => Ok(()),
        _ => Err(precondition_failed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_lists_and_dates() {
        assert!(etag_listed("\"abc\"", "\"abc\""));
        assert!(etag_listed("\"x\", W/\"abc\"", "\"abc\""));
        assert!(etag_listed("*", "\"abc\""));
        assert!(!etag_listed("\"abd\"", "\"abc\""));
        assert_eq!(http_seconds("Thu, 01 Jan 1970 00:00:10 GMT"), Some(10));
        assert_eq!(http_seconds("yesterday"), None);
    }
}
