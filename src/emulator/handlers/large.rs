//! Large files: b2_start_large_file, b2_get_upload_part_url, b2_upload_part,
//! b2_finish_large_file, b2_cancel_large_file, b2_list_parts, b2_list_unfinished_large_files,
//! b2_copy_part.

use std::sync::Arc;

use axum::extract::{Path, Request, State as AxumState};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::copy::{check_copy_size, check_source_readable, copy_blob_range, copy_range};
use super::files::{MAX_FILE_SIZE, check_file_id};
use super::lock::LockRequest;
use super::shapes::{file_json, part_json};
use super::upload::{InFlight, receive};
use super::{Call, auth_header, page_and_next, parse_version, respond};
use crate::emulator::State;
use crate::emulator::auth::{Need, authorize};
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::names;
use crate::emulator::sse::{self, Sse};
use crate::emulator::store::Db;
use crate::emulator::store::{Action, NewVersion, PartRow, TokenKind};

const MAX_PART_NUMBER: i64 = 10_000;

/// A required part number field, 1..=10000.
fn part_number(value: Option<i64>, field: &str) -> Result<i64, ApiError> {
    let number =
        value.ok_or_else(|| ApiError::bad_request(format!("required field {field} is missing")))?;
    if !(1..=MAX_PART_NUMBER).contains(&number) {
        return Err(ApiError::bad_request(format!(
            "{field} out of range: {number}, must be 1-{MAX_PART_NUMBER}"
        )));
    }
    Ok(number)
}

pub fn start_large_file(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let name = call.params.str("fileName")?;
    let lock_request = LockRequest::from_params(&call.params)?;
    let need = Need::capability("writeFiles")
        .also(lock_request.capabilities())
        .bucket(&bucket_id)
        .file(&name);
    let key = call.authorize(db, now, need)?;
    let bucket = db.require_bucket(&bucket_id)?;
    names::validate_file_name(&name)?;
    let content_type = call.params.str("contentType")?;
    let content_type = names::resolve_content_type(&content_type, &name)?;
    let info = names::file_info_from_json(call.params.opt_json("fileInfo")?)?;
    names::check_header_budget(&name, &info)?;
    if bucket.file_lock {
        names::check_header_budget_within(&name, &info, names::LOCK_HEADER_BUDGET)?;
    }
    let lock = lock_request.resolve(&bucket, now)?;
    let sse = Sse::from_request_json(
        call.params.opt_json("serverSideEncryption")?.as_ref(),
        Sse::bucket_default(&bucket.sse),
    )?;
    let upload_ts = match call.params.opt_i64("customUploadTimestamp")? {
        Some(ts) if ts > now => {
            return Err(ApiError::bad_request(
                "customUploadTimestamp is in the future",
            ));
        }
        Some(ts) if ts < 0 => {
            return Err(ApiError::bad_request(
                "customUploadTimestamp must not be negative",
            ));
        }
        Some(ts) => ts,
        None => now,
    };
    let mut row = db.insert_version(NewVersion::large_start(
        bucket_id,
        name,
        upload_ts,
        content_type,
        info,
        sse,
    ))?;
    db.apply_lock(&mut row, lock)?;
    Ok(file_json(&row, db.account_id(), call.viewer(&key)))
}

pub async fn get_upload_part_url(state: &Arc<State>, call: Call) -> Result<Value, ApiError> {
    let token_state = Arc::clone(state);
    state
        .db(move |db, now| {
            let (started, key) = started_for_call(db, &call, now, "writeFiles")?;
            let file_id = started.file_id.clone();
            let n = db.reserve("upload_url", 1)?;
            let token = db.issue_token(
                &key.key_id,
                TokenKind::Part(started.file_id.clone()),
                token_state.token_expiry(now),
            )?;
            let url = format!(
                "{}/b2api/v{}/b2_upload_part/{file_id}/{n:04}",
                call.base_url, call.version
            );
            Ok(json!({"authorizationToken": token, "fileId": file_id, "uploadUrl": url}))
        })
        .await
}

/// `POST <part uploadUrl>`: `/b2api/vN/b2_upload_part/<fileId>/<n>`.
pub async fn upload_part(
    AxumState(state): AxumState<Arc<State>>,
    Path((version, file_id, _n)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    if parse_version(&version).is_none() {
        return ApiError::not_found("no such API version").into_response();
    }
    if request.method() != Method::POST {
        return ApiError::method_not_allowed().into_response();
    }
    respond(part(&state, file_id, request).await)
}

async fn part(state: &Arc<State>, file_id: String, request: Request) -> Result<Value, ApiError> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let token = auth_header(&headers);
    let customer_key = sse::customer_key_from_headers(&headers)?;
    let file_sse = {
        let (token, file_id) = (token.clone(), file_id.clone());
        state
            .db(move |db, now| {
                let started = db.started_file(&file_id);
                let mut need = Need::capability("writeFiles");
                if let Ok(v) = &started {
                    need = need.bucket(&v.bucket_id).file(&v.name);
                }
                authorize(
                    db,
                    token.as_deref(),
                    &TokenKind::Part(file_id.clone()),
                    now,
                    need,
                )?;
                started.map(|v| v.sse)
            })
            .await?
    };
    // Parts of an SSE-C file carry its key; other parts carry none.
    match (&file_sse, &customer_key) {
        (Sse::Customer(_), _) => file_sse.check_customer_key(customer_key.as_deref())?,
        (_, Some(_)) => {
            return Err(ApiError::bad_request(
                "customer key headers on a part of a file not started with SSE-C",
            ));
        }
        _ => {}
    }
    let _busy = InFlight::claim(state, token.as_deref().unwrap_or_default())?;
    let number: i64 = headers
        .get("x-bz-part-number")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::bad_request("missing header x-bz-part-number"))?
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request("X-Bz-Part-Number must be a number"))?;
    let number = part_number(Some(number), "X-Bz-Part-Number")?;
    let (digests, pending) = receive(state, &headers, body, MAX_FILE_SIZE).await?;
    if digests.len == 0 {
        return Err(ApiError::bad_request("a part must have at least 1 byte"));
    }
    state
        .db(move |db, now| {
            let blob = pending.commit()?;
            let part = PartRow {
                file_id,
                part_number: u32::try_from(number).unwrap_or(1),
                size: digests.len,
                sha1: digests.sha1,
                md5: digests.md5,
                blob,
                upload_ts: now,
            };
            db.put_part(&part)?;
            Ok(part_json(&part, &file_sse))
        })
        .await
}

/// Loads a started file for a JSON call, checking the token against its bucket and name.
fn started_for_call(
    db: &crate::emulator::store::Db,
    call: &Call,
    now: i64,
    capability: &'static str,
) -> Result<
    (
        crate::emulator::store::VersionRow,
        crate::emulator::store::KeyRow,
    ),
    ApiError,
> {
    let file_id = call.params.str("fileId")?;
    let started = db.started_file(&file_id);
    let mut need = Need::capability(capability);
    if let Ok(v) = &started {
        need = need.bucket(&v.bucket_id).file(&v.name);
    }
    let key = call.authorize(db, now, need)?;
    Ok((started?, key))
}

pub async fn finish_large_file(state: &Arc<State>, call: Call) -> Result<Value, ApiError> {
    let min_part = state.config.absolute_minimum_part_size;
    state
        .db(move |db, now| {
            let (started, key) = started_for_call(db, &call, now, "writeFiles")?;
            let sha1s = call
                .params
                .opt_strings("partSha1Array")?
                .ok_or_else(|| ApiError::bad_request("required field partSha1Array is missing"))?;
            let mut finished = db.finish_large_file(&started.file_id, &sha1s, min_part)?;
            db.replicate_new(&mut finished)?;
            db.record_event(EventType::MultipartUpload, &finished, now)?;
            Ok(file_json(&finished, db.account_id(), call.viewer(&key)))
        })
        .await
}

pub fn cancel_large_file(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let (started, _) = started_for_call(db, &call, now, "writeFiles")?;
    let gone = db.cancel_large_file(&started.file_id)?;
    Ok(json!({
        "accountId": db.account_id(),
        "bucketId": gone.bucket_id,
        "fileId": gone.file_id,
        "fileName": gone.name,
    }))
}

pub fn list_parts(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let (started, _) = started_for_call(db, &call, now, "writeFiles")?;
    let start = call.params.opt_i64("startPartNumber")?.unwrap_or(1);
    if !(1..=MAX_PART_NUMBER).contains(&start) {
        return Err(ApiError::bad_request(format!(
            "startPartNumber out of range: {start}"
        )));
    }
    let max = call.params.count("maxPartCount", 100, 1000)?;
    let max_u32 = u32::try_from(max).unwrap_or(1000);
    let (parts, next) = page_and_next(
        db.parts(
            &started.file_id,
            u32::try_from(start).unwrap_or(1),
            max_u32 + 1,
        )?,
        max,
    );
    let parts: Vec<Value> = parts.iter().map(|p| part_json(p, &started.sse)).collect();
    Ok(json!({"nextPartNumber": next.map(|p| p.part_number), "parts": parts}))
}

pub fn list_unfinished_large_files(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let prefix = call.params.opt_str("namePrefix")?.unwrap_or_default();
    let need = Need::capability("listFiles")
        .bucket(&bucket_id)
        .listing(&prefix);
    let key = call.authorize(db, now, need)?;
    db.require_bucket(&bucket_id)?;
    let max = call.params.count("maxFileCount", 100, 100)?;
    let start_seq = match call.params.opt_str("startFileId")? {
        None => 0,
        Some(id) => {
            check_file_id(&id)?;
            db.version(&id)?
                .filter(|v| v.action == Action::Start && v.bucket_id == bucket_id)
                .map(|v| v.seq)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid startFileId: {id}")))?
        }
    };
    let (files, next) = page_and_next(
        db.unfinished_files(&bucket_id, &prefix, start_seq, max + 1)?,
        max,
    );
    let files: Vec<Value> = files
        .iter()
        .map(|f| file_json(f, db.account_id(), call.viewer(&key)))
        .collect();
    Ok(json!({"files": files, "nextFileId": next.map(|f| f.file_id)}))
}

/// `b2_copy_part`: bytes of an existing file (or a range of them) become a part of an
/// unfinished large file. The bytes are streamed into a blob outside the store lock, or,
/// for a whole small file, the part simply refers to the source's blob.
pub async fn copy_part(state: &Arc<State>, call: Call) -> Result<Value, ApiError> {
    let number = part_number(call.params.opt_i64("partNumber")?, "partNumber")?;
    let range = call.params.opt_str("range")?;
    let source_id = call.params.str("sourceFileId")?;
    let large_id = call.params.str("largeFileId")?;
    let source_key =
        sse::source_key_from_json(call.params.opt_json("sourceServerSideEncryption")?.as_ref())?;
    let dest_sse = call.params.opt_json("destinationServerSideEncryption")?;
    let (source, segments, start, end, file_sse) = {
        let (range, large_id) = (range.clone(), large_id.clone());
        state
            .db(move |db, now| {
                let started = db.started_file(&large_id);
                let mut need = Need::capability("writeFiles");
                if let Ok(v) = &started {
                    need = need.bucket(&v.bucket_id).file(&v.name);
                }
                call.authorize(db, now, need)?;
                let started = started?;
                // A destination setting must agree with the large file's encryption.
                if let Sse::Customer(_) = &started.sse {
                    let given = Sse::from_request_json(dest_sse.as_ref(), Sse::None)?;
                    let given_md5 = match &given {
                        Sse::Customer(md5) => Some(md5.as_str()),
                        _ => None,
                    };
                    started.sse.check_customer_key(given_md5)?;
                }
                check_file_id(&source_id)?;
                let source = db
                    .version(&source_id)?
                    .filter(|v| v.action == Action::Upload)
                    .ok_or_else(|| {
                        ApiError::bad_request(format!("Invalid sourceFileId: {source_id}"))
                    })?;
                check_source_readable(db, now, &call, &source)?;
                source.sse.check_read_key(source_key.as_deref())?;
                let (start, end) = match &range {
                    Some(r) => copy_range(r, source.size)?,
                    None if source.size == 0 => {
                        return Err(ApiError::bad_request(
                            "a part must have at least 1 byte; the source is empty",
                        ));
                    }
                    None => (0, source.size - 1),
                };
                check_copy_size(end - start + 1)?;
                let segments = db.segments(&source)?;
                Ok((source, segments, start, end, started.sse))
            })
            .await?
    };
    let length = end - start + 1;
    let whole_blob = match (&source.blob, &source.md5) {
        (Some(blob), Some(md5)) if range.is_none() && !source.large => {
            Some((blob.clone(), md5.clone()))
        }
        _ => None,
    };
    let (blob, sha1, md5) = match whole_blob {
        // Small-file blobs are named by their SHA-1.
        Some((blob, md5)) => (blob.clone(), blob, md5),
        None => {
            let (key, digests) = copy_blob_range(state, segments, start, end, length).await?;
            (key, digests.sha1, digests.md5)
        }
    };
    state
        .db(move |db, now| {
            let part = PartRow {
                file_id: large_id,
                part_number: u32::try_from(number).unwrap_or(1),
                size: length,
                sha1,
                md5,
                blob,
                upload_ts: now,
            };
            db.put_part(&part)?;
            Ok(part_json(&part, &file_sse))
        })
        .await
}
