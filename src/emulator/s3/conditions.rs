//! Conditional requests with S3's precedence: `If-Match` (412 when false) decides alone
//! over `If-Unmodified-Since`; `If-None-Match` (304 for GET/HEAD when an ETag matches)
//! decides alone over `If-Modified-Since`. The copy-source variants
//! (`x-amz-copy-source-if-*`) follow the same rules and answer 412 for every failure.
//! Times compare at whole seconds, the precision of `Last-Modified`. Writes take
//! `If-None-Match: *` and `If-Match` against the key's current object.

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

/// `If-None-Match` and `If-Match` of a write (PutObject, CompleteMultipartUpload): the
/// write happens only if the key has no current object (`*`), or only if its current
/// object has the ETag.
#[derive(Debug, Clone, Default)]
pub struct WriteConditions {
    if_none_match: Option<String>,
    if_match: Option<String>,
}

impl WriteConditions {
    pub fn of(request: &S3Request) -> WriteConditions {
        WriteConditions {
            if_none_match: request.header("if-none-match").map(str::to_string),
            if_match: request.header("if-match").map(str::to_string),
        }
    }

    /// Checks against the ETag of the key's current object (None: no current object).
    pub fn check(&self, current: Option<&str>) -> Result<(), S3Error> {
        if let Some(value) = &self.if_none_match {
            if value.trim() != "*" {
                return Err(S3Error::not_implemented(
                    "A header you provided implies functionality that is not implemented: If-None-Match takes only *",
                ));
            }
            if current.is_some() {
                return Err(precondition_failed());
            }
        }
        if let Some(list) = &self.if_match {
            match current {
                None => return Err(S3Error::no_such_key()),
                Some(etag) if !etag_listed(list, etag) => return Err(precondition_failed()),
                Some(_) => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
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

    #[test]
    fn write_conditions() {
        let none_match = WriteConditions {
            if_none_match: Some("*".into()),
            if_match: None,
        };
        assert!(none_match.check(None).is_ok());
        assert_eq!(
            none_match.check(Some("\"a\"")).unwrap_err().code,
            "PreconditionFailed"
        );
        let matching = WriteConditions {
            if_none_match: None,
            if_match: Some("\"a\"".into()),
        };
        assert!(matching.check(Some("\"a\"")).is_ok());
        assert_eq!(
            matching.check(Some("\"b\"")).unwrap_err().code,
            "PreconditionFailed"
        );
        assert_eq!(matching.check(None).unwrap_err().code, "NoSuchKey");
    }
}
