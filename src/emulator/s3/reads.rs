//! GetObject and HeadObject: the version (`versionId`, else the newest), its key checks
//! (`readFiles`, or none on an `allPublic` bucket read without a signature, as B2 serves
//! public files), the SSE-C key of an SSE-C object, conditions, one byte range or one
//! part (`partNumber`, with `x-amz-mp-parts-count`), and the headers that describe the
//! object: ETag, metadata, encryption and, to keys that may read it, Object Lock.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::Response;

use super::encrypt::{self, OBJECT_KEY};
use super::objects::{chosen, etag, insert};
use super::{S3Error, S3Request, bucket_named, conditions, objlock, xml};
use crate::emulator::State;
use crate::emulator::blobs::Segment;
use crate::emulator::handlers::download::range_body;
use crate::emulator::store::{Action, VersionRow};

fn invalid_range() -> S3Error {
    S3Error::new(
        StatusCode::RANGE_NOT_SATISFIABLE,
        "InvalidRange",
        "The requested range is not satisfiable",
    )
}

/// ETag, Last-Modified and version id: what a 304 and a full answer share.
fn identity(response: &mut Response, version: &VersionRow) {
    insert(response, "etag", &etag(version));
    insert(
        response,
        "last-modified",
        &xml::http_time(version.upload_ts),
    );
    insert(response, "x-amz-version-id", &version.file_id);
}

/// The inclusive byte range of part `number` and the part count (None for an object
/// not uploaded in parts, whose only part is itself).
fn part_range(
    version: &VersionRow,
    segments: &[Segment],
    number: &str,
) -> Result<((u64, u64), Option<usize>), S3Error> {
    let number: usize = number
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| {
            S3Error::bad_request(
                "InvalidArgument",
                "Part number must be an integer between 1 and 10000, inclusive",
            )
        })?;
    let count = if version.large { segments.len() } else { 1 };
    if number > count {
        return Err(S3Error::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "InvalidPartNumber",
            "The requested partnumber is not satisfiable",
        ));
    }
    if !version.large {
        return Ok(((0, version.size.saturating_sub(1)), None));
    }
    let start: u64 = segments[..number - 1].iter().map(|s| s.len).sum();
    let len = segments[number - 1].len;
    Ok(((start, (start + len).saturating_sub(1)), Some(count)))
}

pub async fn get(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let head = request.method == Method::HEAD;
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    let version_id = request.query("versionId");
    let (bucket, version, segments) = state
        .db(move |db, _| {
            let bucket = match bucket_named(db, &bucket_name) {
                Ok(b) => b,
                Err(err) => return Ok(Err(err)),
            };
            let version = chosen(db, &bucket.bucket_id, &name, version_id.as_deref());
            let version = match version {
                Ok(Some(v)) if v.action == Action::Upload => v,
                Ok(_) => return Ok(Err(S3Error::no_such_key())),
                Err(err) => return Err(err),
            };
            let segments = db.segments(&version)?;
            Ok(Ok((bucket, version, segments)))
        })
        .await??;
    if !(request.anonymous && bucket.is_public()) {
        request.require("readFiles", &bucket, Some(&version.name))?;
    }
    encrypt::check_read(&request, &version.sse, OBJECT_KEY)?;
    if conditions::check_read(&request, &etag(&version), version.upload_ts)? {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        identity(&mut response, &version);
        return Ok(response);
    }
    let size = version.size;
    let (range, parts_count) = match (request.query("partNumber"), request.header("range")) {
        (Some(_), Some(_)) => {
            return Err(S3Error::bad_request(
                "InvalidRequest",
                "Cannot specify both Range header and partNumber query parameter",
            ));
        }
        (Some(number), None) => {
            let (range, count) = part_range(&version, &segments, &number)?;
            (Some(range).filter(|_| size > 0), count)
        }
        (None, Some(value)) => (
            Some(parse_range(value, size).ok_or_else(invalid_range)?),
            None,
        ),
        (None, None) => (None, None),
    };
    let (start, end) = range.unwrap_or((0, size.saturating_sub(1)));
    let (body, length) = range_body(state, &segments, start, end, size, head);
    let mut response = Response::new(body);
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        insert(
            &mut response,
            "content-range",
            &format!("bytes {start}-{end}/{size}"),
        );
    }
    if let Some(count) = parts_count {
        insert(&mut response, "x-amz-mp-parts-count", &count.to_string());
    }
    insert(&mut response, "content-length", &length.to_string());
    insert(&mut response, "content-type", &version.content_type);
    insert(&mut response, "accept-ranges", "bytes");
    identity(&mut response, &version);
    for (key, value) in &version.info {
        if let Some(value) = value.as_str() {
            insert(&mut response, &format!("x-amz-meta-{key}"), value);
        }
    }
    encrypt::echo(&mut response, &version.sse);
    objlock::echo(&mut response, &version.lock, &request.key);
    Ok(response)
}

/// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size` (inclusive end).
fn parse_range(value: &str, size: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    if size == 0 || spec.contains(',') {
        return None;
    }
    let (start, end) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
            (size.saturating_sub(n), size - 1)
        }
        (a, "") => (a.parse().ok()?, size - 1),
        (a, b) => (a.parse().ok()?, b.parse::<u64>().ok()?.min(size - 1)),
    };
    (start <= end && start < size).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=2-5", 10), Some((2, 5)));
        assert_eq!(parse_range("bytes=7-", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 9)));
        assert_eq!(parse_range("bytes=5-100", 10), Some((5, 9)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("bytes=0-0", 0), None);
    }
}
