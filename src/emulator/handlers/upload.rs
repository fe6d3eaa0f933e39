//! b2_get_upload_url and b2_upload_file, plus the streaming body receiver shared with
//! b2_upload_part (Content-Length, SHA-1 modes, one upload at a time per token).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Map, Value, json};

use super::files::MAX_FILE_SIZE;
use super::lock::LockRequest;
use super::shapes::file_json;
use super::{Call, Viewer, auth_header, parse_version, respond};
use crate::emulator::State;
use crate::emulator::auth::{Need, authorize};
use crate::emulator::blobs::{Digests, PendingBlob};
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::names;
use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, NewVersion, TokenKind};

/// Headers a client must not send on uploads (B2 derives them from file info).
const FORBIDDEN_HEADERS: [&str; 6] = [
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-location",
    "content-range",
    "expires",
];

pub async fn get_upload_url(state: &Arc<State>, call: Call) -> Result<Value, ApiError> {
    let token_state = Arc::clone(state);
    state
        .db(move |db, now| {
            let bucket_id = call.params.str("bucketId")?;
            let need = Need::capability("writeFiles").bucket(&bucket_id);
            let key = call.authorize(db, now, need)?;
            db.require_bucket(&bucket_id)?;
            let n = db.reserve("upload_url", 1)?;
            let token = db.issue_token(
                &key.key_id,
                TokenKind::Upload(bucket_id.clone()),
                token_state.token_expiry(now),
            )?;
            let url = format!(
                "{}/b2api/v{}/b2_upload_file/{bucket_id}/{n:04}",
                call.base_url, call.version
            );
            Ok(json!({"authorizationToken": token, "bucketId": bucket_id, "uploadUrl": url}))
        })
        .await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn required_header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
    let value = headers
        .get(name)
        .ok_or_else(|| ApiError::bad_request(format!("missing header {name}")))?;
    value.to_str().map_err(|_| {
        ApiError::bad_request(format!(
            "header {name} must be printable ASCII (percent-encode other bytes)"
        ))
    })
}

/// Marks an upload token busy for the life of the guard (B2 allows one upload at a time).
pub struct InFlight {
    state: Arc<State>,
    token: String,
}

impl InFlight {
    pub fn claim(state: &Arc<State>, token: &str) -> Result<InFlight, ApiError> {
        let mut busy = state
            .uploads_in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !busy.insert(token.to_string()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "auth_token_limit",
                format!("more than one upload using auth token {token}"),
            ));
        }
        Ok(InFlight {
            state: Arc::clone(state),
            token: token.to_string(),
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut busy = self
            .state
            .uploads_in_flight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        busy.remove(&self.token);
    }
}

/// Reads an upload body as announced by Content-Length and X-Bz-Content-Sha1, into a blob
/// not yet committed. `max_len` bounds the content (5 GB).
pub async fn receive(
    state: &Arc<State>,
    headers: &HeaderMap,
    body: Body,
    max_len: u64,
) -> Result<(Digests, PendingBlob), ApiError> {
    let declared: u64 = required_header(headers, "content-length")?
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request("Content-Length must be a number"))?;
    let sha1_header = required_header(headers, "x-bz-content-sha1")?
        .trim()
        .to_ascii_lowercase();
    let at_end = sha1_header == "hex_digits_at_end";
    let skip_check = sha1_header == "do_not_verify";
    if !at_end && !skip_check && !is_sha1(&sha1_header) {
        return Err(ApiError::bad_request(format!(
            "Invalid X-Bz-Content-Sha1: {sha1_header}"
        )));
    }
    let hold_back = if at_end { 40 } else { 0 };
    let content_len = declared
        .checked_sub(hold_back)
        .ok_or_else(|| ApiError::bad_request("Content-Length too small for hex_digits_at_end"))?;
    if content_len > max_len {
        return Err(ApiError::bad_request(format!(
            "content is {content_len} bytes, more than the {max_len}-byte limit"
        )));
    }
    let mut writer = state.store.blobs().writer(hold_back as usize).await?;
    let mut received = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|err| ApiError::bad_request(format!("upload body failed: {err}")))?;
        received += chunk.len() as u64;
        if received > declared {
            return Err(ApiError::bad_request("body is longer than Content-Length"));
        }
        writer.write(chunk).await?;
    }
    if received != declared {
        return Err(ApiError::bad_request(format!(
            "body has {received} bytes, Content-Length said {declared}"
        )));
    }
    let (digests, tail, pending) = writer.finish().await?;
    let expected = if at_end {
        String::from_utf8_lossy(&tail).to_ascii_lowercase()
    } else {
        sha1_header
    };
    if at_end && !is_sha1(&expected) {
        return Err(ApiError::bad_request(
            "the last 40 bytes are not a hex SHA-1",
        ));
    }
    if !skip_check && expected != digests.sha1 {
        return Err(ApiError::bad_request(format!(
            "Sha1 did not match data received: expected {expected}, computed {}",
            digests.sha1
        )));
    }
    Ok((digests, pending))
}

fn is_sha1(text: &str) -> bool {
    text.len() == 40 && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// `X-Bz-Info-*` headers as decoded file info (keys lower-cased).
pub fn info_headers(headers: &HeaderMap) -> Result<Map<String, Value>, ApiError> {
    let mut info = Map::new();
    for (name, value) in headers {
        let Some(key) = name.as_str().strip_prefix("x-bz-info-") else {
            continue;
        };
        let raw = value.to_str().map_err(|_| {
            ApiError::bad_request(format!("header {name} must be percent-encoded ASCII"))
        })?;
        info.insert(key.to_string(), Value::String(names::decode(raw)?));
    }
    if info.len() > names::MAX_FILE_INFO {
        return Err(ApiError::bad_request(format!(
            "too many X-Bz-Info-* headers: {}, at most {}",
            info.len(),
            names::MAX_FILE_INFO
        )));
    }
    names::validate_file_info(&info)?;
    Ok(info)
}

/// `POST <uploadUrl>`: `/b2api/vN/b2_upload_file/<bucketId>/<n>`.
pub async fn upload_file(
    AxumState(state): AxumState<Arc<State>>,
    Path((version, bucket_id, _n)): Path<(String, String, String)>,
    request: Request,
) -> Response {
    let Some(version) = parse_version(&version) else {
        return ApiError::not_found("no such API version").into_response();
    };
    if request.method() != Method::POST {
        return ApiError::method_not_allowed().into_response();
    }
    respond(upload(&state, version, bucket_id, request).await)
}

async fn upload(
    state: &Arc<State>,
    version: u8,
    bucket_id: String,
    request: Request,
) -> Result<Value, ApiError> {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let token = auth_header(&headers);
    let name = names::decode(required_header(&headers, "x-bz-file-name")?)?;
    let lock_request = LockRequest::from_headers(&headers)?;
    let (key, lock_bucket, bucket_sse) = {
        let (token, bucket_id, name) = (token.clone(), bucket_id.clone(), name.clone());
        let lock_request = lock_request.clone();
        state
            .db(move |db, now| {
                let need = Need::capability("writeFiles")
                    .also(lock_request.capabilities())
                    .bucket(&bucket_id)
                    .file(&name);
                let kind = TokenKind::Upload(bucket_id.clone());
                let key = authorize(db, token.as_deref(), &kind, now, need)?;
                let bucket = db.require_bucket(&bucket_id)?;
                lock_request.resolve(&bucket, now)?;
                Ok((key, bucket.file_lock, Sse::bucket_default(&bucket.sse)))
            })
            .await?
    };
    let _busy = InFlight::claim(state, token.as_deref().unwrap_or_default())?;
    names::validate_file_name(&name)?;
    if let Some(bad) = FORBIDDEN_HEADERS.iter().find(|h| headers.contains_key(**h)) {
        return Err(ApiError::bad_request(format!(
            "header {bad} is not allowed on uploads"
        )));
    }
    let content_type = required_header(&headers, "content-type")?
        .trim()
        .to_string();
    let content_type = names::resolve_content_type(&content_type, &name)?;
    let info = info_headers(&headers)?;
    let sse = Sse::from_upload_headers(&headers, bucket_sse)?;
    names::check_header_budget(&name, &info)?;
    if lock_bucket {
        names::check_header_budget_within(&name, &info, names::LOCK_HEADER_BUDGET)?;
    }
    let custom_ts = match header(&headers, "x-bz-custom-upload-timestamp") {
        Some(raw) => Some(raw.trim().parse::<i64>().map_err(|_| {
            ApiError::bad_request("X-Bz-Custom-Upload-Timestamp must be milliseconds")
        })?),
        None => None,
    };
    let unverified = header(&headers, "x-bz-content-sha1")
        .is_some_and(|v| v.eq_ignore_ascii_case("do_not_verify"));
    let (digests, pending) = receive(state, &headers, body, MAX_FILE_SIZE).await?;
    state
        .db(move |db, now| {
            let upload_ts = match custom_ts {
                Some(ts) if ts > now => {
                    return Err(ApiError::bad_request(
                        "X-Bz-Custom-Upload-Timestamp is in the future",
                    ));
                }
                Some(ts) if ts < 0 => {
                    return Err(ApiError::bad_request(
                        "X-Bz-Custom-Upload-Timestamp must not be negative",
                    ));
                }
                Some(ts) => ts,
                None => now,
            };
            let bucket = db.require_bucket(&bucket_id)?;
            let lock = lock_request.resolve(&bucket, now)?;
            let blob = pending.commit()?;
            let sha1 = if unverified {
                format!("unverified:{}", digests.sha1)
            } else {
                digests.sha1
            };
            let mut row = db.insert_version(NewVersion {
                bucket_id,
                name,
                action: Action::Upload,
                upload_ts,
                size: digests.len,
                sha1: Some(sha1),
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
            Ok(file_json(
                &row,
                db.account_id(),
                Viewer {
                    version,
                    key: Some(&key),
                },
            ))
        })
        .await
}
