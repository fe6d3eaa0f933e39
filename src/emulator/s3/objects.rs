//! Object operations: PutObject (encryption, Object Lock, `If-None-Match` / `If-Match`)
//! and DeleteObject, and the dispatch of the other object requests (reads, copies,
//! multipart). An
//! object is a B2 file version: `versionId` is its file id, `x-amz-meta-*` its file info.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{
    S3Error, S3Request, body, bucket_named, conditions, copy, encrypt, multipart, objlock, parts,
    reads,
};
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
        Method::GET | Method::HEAD if !upload => reads::get(state, request).await,
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

/// The ETag of the key's current object; None when it has none (or a hide marker).
pub(super) fn current_etag(
    db: &crate::emulator::store::Db,
    bucket_id: &str,
    name: &str,
) -> Result<Option<String>, crate::emulator::error::ApiError> {
    Ok(db
        .newest_version(bucket_id, name)?
        .filter(|v| v.action == Action::Upload)
        .map(|v| etag(&v)))
}

async fn put(state: &Arc<State>, request: S3Request, body: Body) -> Result<Response, S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    names::validate_file_name(&name)?;
    let info = meta_info(&request)?;
    let content_type = request_content_type(&request, &name)?;
    let lock = objlock::requested(&request)?;
    let written = conditions::WriteConditions::of(&request);
    let bucket = {
        let (key, asked) = (name.clone(), lock.clone());
        let (bucket, current, lockable) = state
            .db(move |db, now| {
                let bucket = match bucket_named(db, &bucket_name) {
                    Ok(b) => b,
                    Err(err) => return Ok(Err(err)),
                };
                let lockable = asked.resolve(&bucket, now).map(drop);
                let current = current_etag(db, &bucket.bucket_id, &key)?;
                Ok(Ok((bucket, current, lockable)))
            })
            .await??;
        request.require("writeFiles", &bucket, Some(&name))?;
        objlock::require(&request, &lock, &bucket, &name)?;
        lockable.map_err(objlock::s3_error)?;
        written.check(current.as_deref())?;
        bucket
    };
    let sse = encrypt::requested(&request, Sse::bucket_default(&bucket.sse))?;
    let (digests, pending) = body::receive(state, &request, body).await?;
    let row = state
        .db(move |db, now| {
            // The conditions hold at the moment the object becomes current.
            let current = current_etag(db, &bucket.bucket_id, &name)?;
            if let Err(err) = written.check(current.as_deref()) {
                return Ok(Err(err));
            }
            let lock = match lock.resolve(&bucket, now) {
                Ok(lock) => lock,
                Err(err) => return Ok(Err(objlock::s3_error(err))),
            };
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
                sse,
            })?;
            db.apply_lock(&mut row, lock)?;
            db.replicate_new(&mut row)?;
            db.record_event(EventType::Upload, &row, now)?;
            Ok(Ok(row))
        })
        .await??;
    let mut response = Response::new(Body::empty());
    insert(&mut response, "etag", &etag(&row));
    insert(&mut response, "x-amz-version-id", &row.file_id);
    encrypt::echo(&mut response, &row.sse);
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
