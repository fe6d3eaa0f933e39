//! Object operations: PutObject, GetObject (ranges, conditions), HeadObject and
//! DeleteObject, and the dispatch of the other object requests (copies, multipart). An
//! object is a B2 file version: `versionId` is its file id, `x-amz-meta-*` its file info.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{S3Error, S3Request, body, bucket_named, conditions, copy, multipart, parts, xml};
use crate::emulator::State;
use crate::emulator::events::EventType;
use crate::emulator::names;
use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, NewVersion, VersionRow};

/// The ETag of a version: its MD5 in quotes; for a large file, the multipart ETag stored
/// when it was finished (`<MD5 of the parts' MD5s>-<parts>`), or for one finished before
/// those were stored, its id and a part marker.
pub fn etag(version: &VersionRow) -> String {
    match &version.md5 {
        Some(md5) => format!("\"{md5}\""),
        None => format!("\"{}-1\"", version.file_id),
    }
}

pub async fn object(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let copy = request.header("x-amz-copy-source").is_some();
    let upload = request.has_query("uploadId");
    match request.method {
        Method::PUT if upload && request.has_query("partNumber") => {
            if copy {
                multipart::upload_part_copy(state, request).await
            } else {
                multipart::upload_part(state, request, body).await
            }
        }
        Method::PUT if copy && only_signature_query(&request) => {
            copy::copy_object(state, request).await
        }
        Method::PUT if only_signature_query(&request) => put(state, request, body).await,
        Method::POST if request.has_query("uploads") => multipart::create(state, request).await,
        Method::POST if upload => parts::complete(state, request, body).await,
        Method::GET if upload => parts::list_parts(state, request).await,
        Method::DELETE if upload => multipart::abort(state, request).await,
        Method::GET | Method::HEAD if !upload => get(state, request).await,
        Method::DELETE => delete(state, request).await,
        _ => Err(S3Error::not_implemented(
            "this object operation is not supported by the local B2 yet",
        )),
    }
}

/// No query but a presigned URL's `X-Amz-*` (a plain PutObject, not a part or an ACL).
fn only_signature_query(request: &S3Request) -> bool {
    request.uri.query().is_none_or(|q| {
        q.split('&')
            .filter(|p| !p.is_empty())
            .all(|p| p.starts_with("X-Amz-"))
    })
}

pub(super) fn insert(response: &mut Response, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
        response.headers_mut().insert(name, value);
    }
}

/// `x-amz-meta-*` headers as file info.
pub(super) fn meta_info(request: &S3Request) -> Result<Map<String, Value>, S3Error> {
    let mut info = Map::new();
    for (name, value) in &request.headers {
        if let Some(key) = name.as_str().strip_prefix("x-amz-meta-") {
            let value = value
                .to_str()
                .map_err(|_| S3Error::bad_request("InvalidArgument", "metadata must be ASCII"))?;
            info.insert(key.to_string(), Value::String(value.to_string()));
        }
    }
    names::validate_file_info(&info)?;
    Ok(info)
}

/// The `Content-Type` of a write, `b2/x-auto` (by the name's extension) when absent.
pub(super) fn request_content_type(request: &S3Request, name: &str) -> Result<String, S3Error> {
    let content_type = request
        .header("content-type")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("b2/x-auto");
    Ok(names::resolve_content_type(content_type, name)?)
}

async fn put(state: &Arc<State>, request: S3Request, body: Body) -> Result<Response, S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    names::validate_file_name(&name)?;
    let info = meta_info(&request)?;
    let content_type = request_content_type(&request, &name)?;
    let bucket = {
        let name = name.clone();
        let bucket = state
            .db(move |db, _| Ok(bucket_named(db, &bucket_name)))
            .await??;
        request.require("writeFiles", &bucket, Some(&name))?;
        bucket
    };
    let (digests, pending) = body::receive(state, &request, body).await?;
    let bucket_sse = Sse::bucket_default(&bucket.sse);
    let row = state
        .db(move |db, now| {
            let blob = pending.commit()?;
            let mut row = db.insert_version(NewVersion {
                bucket_id: bucket.bucket_id,
                name,
                action: Action::Upload,
                upload_ts: now,
                size: digests.len,
                sha1: Some(digests.sha1),
                md5: Some(digests.md5),
                content_type,
                info,
                blob: Some(blob),
                large: false,
                sse: bucket_sse,
            })?;
            db.replicate_new(&mut row)?;
            db.record_event(EventType::Upload, &row, now)?;
            Ok(row)
        })
        .await?;
    let mut response = Response::new(Body::empty());
    insert(&mut response, "etag", &etag(&row));
    insert(&mut response, "x-amz-version-id", &row.file_id);
    Ok(response)
}

/// The version a GET, HEAD or DELETE names: `versionId`, else the newest of the name.
pub(super) fn chosen(
    db: &crate::emulator::store::Db,
    bucket_id: &str,
    name: &str,
    version_id: Option<&str>,
) -> Result<Option<VersionRow>, crate::emulator::error::ApiError> {
    Ok(match version_id {
        Some(id) => db
            .version(id)?
            .filter(|v| v.bucket_id == bucket_id && v.name == name && v.action != Action::Start),
        None => db.newest_version(bucket_id, name)?,
    })
}

async fn get(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
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
    request.require("readFiles", &bucket, Some(&version.name))?;
    if version
        .sse
        .download_headers()
        .iter()
        .any(|(h, _)| h.contains("customer"))
    {
        return Err(S3Error::bad_request(
            "InvalidRequest",
            "SSE-C objects are not readable through the local B2's S3 API yet",
        ));
    }
    if conditions::check_read(&request, &etag(&version), version.upload_ts)? {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        insert(&mut response, "etag", &etag(&version));
        insert(
            &mut response,
            "last-modified",
            &xml::http_time(version.upload_ts),
        );
        insert(&mut response, "x-amz-version-id", &version.file_id);
        return Ok(response);
    }
    let size = version.size;
    let range = match request.header("range") {
        Some(value) => Some(parse_range(value, size).ok_or_else(|| {
            S3Error::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
            )
        })?),
        None => None,
    };
    let (start, end) = range.unwrap_or((0, size.saturating_sub(1)));
    let length = if size == 0 { 0 } else { end - start + 1 };
    let body = if head || length == 0 {
        Body::empty()
    } else {
        Body::from_stream(state.store.blobs().stream_range(&segments, start, end))
    };
    let mut response = Response::new(body);
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        insert(
            &mut response,
            "content-range",
            &format!("bytes {start}-{end}/{size}"),
        );
    }
    insert(&mut response, "content-length", &length.to_string());
    insert(&mut response, "content-type", &version.content_type);
    insert(&mut response, "accept-ranges", "bytes");
    insert(&mut response, "etag", &etag(&version));
    insert(
        &mut response,
        "last-modified",
        &xml::http_time(version.upload_ts),
    );
    insert(&mut response, "x-amz-version-id", &version.file_id);
    for (key, value) in &version.info {
        if let Some(value) = value.as_str() {
            insert(&mut response, &format!("x-amz-meta-{key}"), value);
        }
    }
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

async fn delete(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    let version_id = request.query("versionId");
    let key = request.key.clone();
    let bypass = request
        .header("x-amz-bypass-governance-retention")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let (bucket_id, marker) = {
        let bucket = state
            .db(move |db, _| Ok(bucket_named(db, &bucket_name)))
            .await??;
        let capability = if version_id.is_some() {
            "deleteFiles"
        } else {
            "writeFiles"
        };
        request.require(capability, &bucket, Some(&name))?;
        (bucket.bucket_id, (name, version_id))
    };
    let (name, version_id) = marker;
    let outcome = state
        .db(move |db, now| {
            super::delete::delete_one(
                db,
                now,
                &bucket_id,
                &name,
                version_id.as_deref(),
                &key,
                bypass,
            )
        })
        .await??;
    let outcome = match outcome {
        super::delete::Outcome::Nothing => None,
        super::delete::Outcome::Hidden(id) => Some((id, true)),
        super::delete::Outcome::Deleted(id, marker) => Some((id, marker)),
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    if let Some((file_id, marker)) = outcome {
        insert(&mut response, "x-amz-version-id", &file_id);
        if marker {
            insert(&mut response, "x-amz-delete-marker", "true");
        }
    }
    Ok(response)
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
