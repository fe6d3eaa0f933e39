//! b2_copy_file, and what it shares with b2_copy_part: the source's read check, the
//! `range` parameter, the byte copy into a new blob and the 5 GB limit.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::Call;
use super::files::{MAX_FILE_SIZE, check_file_id};
use super::lock::LockRequest;
use super::shapes::file_json;
use crate::emulator::State;
use crate::emulator::auth::Need;
use crate::emulator::blobs::{Digests, Segment};
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::names;
use crate::emulator::sse::{self, Sse};
use crate::emulator::store::Db;
use crate::emulator::store::{Action, NewVersion, VersionRow};

/// The key may read the source of a copy (b2_copy_file, b2_copy_part), unless its bucket
/// is public.
pub(super) fn check_source_readable(
    db: &Db,
    now: i64,
    call: &Call,
    source: &VersionRow,
) -> Result<(), ApiError> {
    if db.require_bucket(&source.bucket_id)?.is_public() {
        return Ok(());
    }
    let need = Need::capability("readFiles")
        .bucket(&source.bucket_id)
        .file(&source.name);
    call.authorize(db, now, need).map(drop)
}

/// Copies bytes `start..=end` of a source into a new blob, on a blocking thread
/// (b2_copy_file with a range, b2_copy_part, S3 copies).
pub async fn copy_blob_range(
    state: &Arc<State>,
    segments: Vec<Segment>,
    start: u64,
    end: u64,
    length: u64,
) -> Result<(String, Digests), ApiError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        state
            .store
            .blobs()
            .copy_range(&segments, start, end, length)
    })
    .await
    .map_err(|err| ApiError::internal(format!("copy task failed: {err}")))?
    .map_err(ApiError::from)
}

/// Parses `bytes=a-b` (inclusive, both required) for b2_copy_file / b2_copy_part.
pub(super) fn copy_range(range: &str, size: u64) -> Result<(u64, u64), ApiError> {
    let invalid = || ApiError::bad_request(format!("Invalid range: {range}"));
    let spec = range.strip_prefix("bytes=").ok_or_else(invalid)?;
    let (a, b) = spec.split_once('-').ok_or_else(invalid)?;
    let start: u64 = a.trim().parse().map_err(|_| invalid())?;
    let end: u64 = b.trim().parse().map_err(|_| invalid())?;
    if start > end || end >= size {
        return Err(ApiError::new(
            axum::http::StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("range {range} is not satisfiable for a file of {size} bytes"),
        ));
    }
    Ok((start, end))
}

/// Content type and info of a copy, from `metadataDirective`.
fn copy_metadata(
    call: &Call,
    source: &VersionRow,
) -> Result<(String, Map<String, Value>), ApiError> {
    let directive = call
        .params
        .opt_str("metadataDirective")?
        .unwrap_or_else(|| "COPY".into());
    let content_type = call.params.opt_str("contentType")?;
    let info = call.params.opt_json("fileInfo")?;
    match directive.as_str() {
        "COPY" => {
            if content_type.is_some() || info.is_some() {
                return Err(ApiError::bad_request(
                    "contentType and fileInfo must not be given with metadataDirective COPY",
                ));
            }
            Ok((source.content_type.clone(), source.info.clone()))
        }
        "REPLACE" => {
            let content_type = content_type.ok_or_else(|| {
                ApiError::bad_request("contentType is required with metadataDirective REPLACE")
            })?;
            let content_type =
                names::resolve_content_type(&content_type, &call.params.str("fileName")?)?;
            let info = names::file_info_from_json(info)?;
            Ok((content_type, info))
        }
        other => Err(ApiError::bad_request(format!(
            "Invalid metadataDirective: {other}"
        ))),
    }
}

/// What b2_copy_file decided before any bytes move.
struct CopyPlan {
    key: crate::emulator::store::KeyRow,
    source: VersionRow,
    dest_bucket: String,
    name: String,
    content_type: String,
    info: Map<String, Value>,
    lock_request: LockRequest,
    /// Encryption of the copy.
    sse: Sse,
    /// Inclusive byte range of the source; None = all of a small file's blob.
    range: Option<(u64, u64)>,
    length: u64,
    segments: Vec<crate::emulator::blobs::Segment>,
}

pub async fn copy_file(state: &Arc<State>, call: Call) -> Result<Value, ApiError> {
    let version = call.version;
    let plan = state
        .db(move |db, now| {
            let source_id = call.params.str("sourceFileId")?;
            let name = call.params.str("fileName")?;
            let source = db
                .version(&source_id)?
                .filter(|v| v.action == Action::Upload);
            let dest_bucket = match call.params.opt_str("destinationBucketId")? {
                Some(id) => id,
                None => source
                    .as_ref()
                    .map(|s| s.bucket_id.clone())
                    .unwrap_or_default(),
            };
            let lock_request = LockRequest::from_params(&call.params)?;
            let need = Need::capability("writeFiles")
                .also(lock_request.capabilities())
                .bucket(&dest_bucket)
                .file(&name);
            let key = call.authorize(db, now, need)?;
            check_file_id(&source_id)?;
            let source = source.ok_or_else(|| {
                ApiError::bad_request(format!("Invalid sourceFileId: {source_id}"))
            })?;
            check_source_readable(db, now, &call, &source)?;
            let dest = db.require_bucket(&dest_bucket)?;
            let source_key = sse::source_key_from_json(
                call.params.opt_json("sourceServerSideEncryption")?.as_ref(),
            )?;
            source.sse.check_read_key(source_key.as_deref())?;
            let sse = Sse::from_request_json(
                call.params
                    .opt_json("destinationServerSideEncryption")?
                    .as_ref(),
                Sse::bucket_default(&dest.sse),
            )?;
            names::validate_file_name(&name)?;
            let (content_type, info) = copy_metadata(&call, &source)?;
            names::check_header_budget(&name, &info)?;
            if dest.file_lock {
                names::check_header_budget_within(&name, &info, names::LOCK_HEADER_BUDGET)?;
            }
            lock_request.resolve(&dest, now)?;
            let range = match call.params.opt_str("range")? {
                Some(r) => Some(copy_range(&r, source.size)?),
                None => None,
            };
            let length = range.map_or(source.size, |(a, b)| b - a + 1);
            check_copy_size(length)?;
            let range = match range {
                None if !source.large => None,
                other => Some(other.unwrap_or((0, source.size.saturating_sub(1)))),
            };
            let segments = if range.is_some() {
                db.segments(&source)?
            } else {
                Vec::new()
            };
            Ok(CopyPlan {
                key,
                source,
                dest_bucket,
                name,
                content_type,
                info,
                lock_request,
                sse,
                range,
                length,
                segments,
            })
        })
        .await?;
    // Bytes are streamed into a new blob outside the store lock.
    let (blob, sha1, md5) = match plan.range {
        None => (
            plan.source.blob.clone(),
            plan.source.sha1.clone(),
            plan.source.md5.clone(),
        ),
        Some((start, end)) => {
            let (key, digests) =
                copy_blob_range(state, plan.segments.clone(), start, end, plan.length).await?;
            (Some(key), Some(digests.sha1), Some(digests.md5))
        }
    };
    state
        .db(move |db, now| {
            let dest = db.require_bucket(&plan.dest_bucket)?;
            let lock = plan.lock_request.resolve(&dest, now)?;
            let mut copy = db.insert_version(NewVersion {
                bucket_id: plan.dest_bucket,
                name: plan.name,
                action: Action::Upload,
                upload_ts: now,
                size: plan.length,
                sha1,
                md5,
                content_type: plan.content_type,
                info: plan.info,
                blob,
                large: false,
                sse: plan.sse,
            })?;
            db.apply_lock(&mut copy, lock)?;
            let viewer = super::Viewer {
                version,
                key: Some(&plan.key),
            };
            db.replicate_new(&mut copy)?;
            db.record_event(EventType::Copy, &copy, now)?;
            let mut answer = file_json(&copy, db.account_id(), viewer);
            answer["action"] = json!("copy");
            Ok(answer)
        })
        .await
}

/// A copy result (b2_copy_file) or copied part (b2_copy_part) is at most 5 GB.
pub(super) fn check_copy_size(length: u64) -> Result<(), ApiError> {
    if length > MAX_FILE_SIZE {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "source_too_large",
            format!("Copy source too big: {length}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::store::NewBucket;
    use crate::emulator::{Config, Emulator};

    /// A 6 GB large file (metadata only) is refused as a copy source, whole or by a
    /// range over 5 GB, by b2_copy_file and b2_copy_part alike.
    #[tokio::test]
    async fn copies_over_five_gb_are_source_too_large() {
        let config = Config::default();
        let (key_id, secret) = (config.master_key_id.clone(), config.master_key.clone());
        let emulator = Emulator::open(config).unwrap();
        let (source_id, large_id) = emulator
            .store()
            .with(|db| {
                let bucket = db.create_bucket(
                    NewBucket {
                        name: "huge-files".into(),
                        bucket_type: "allPrivate".into(),
                        ..NewBucket::default()
                    },
                    0,
                )?;
                let version = |name: &str, action: Action, size: u64| NewVersion {
                    bucket_id: bucket.bucket_id.clone(),
                    name: name.into(),
                    action,
                    upload_ts: 1,
                    size,
                    sha1: None,
                    md5: None,
                    content_type: "application/octet-stream".into(),
                    info: Map::new(),
                    blob: None,
                    large: true,
                    sse: crate::emulator::sse::Sse::None,
                };
                let source =
                    db.insert_version(version("huge.bin", Action::Upload, 6_000_000_000))?;
                let target = db.insert_version(version("target.bin", Action::Start, 0))?;
                Ok((source.file_id, target.file_id))
            })
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(emulator.serve(listener, std::future::pending()));
        let http = reqwest::Client::new();
        let auth: Value = http
            .get(format!("{url}/b2api/v3/b2_authorize_account"))
            .basic_auth(&key_id, Some(&secret))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = auth["authorizationToken"].as_str().unwrap().to_string();
        let call = |endpoint: &str, body: Value| {
            let request = http
                .post(format!("{url}/b2api/v3/{endpoint}"))
                .header("Authorization", &token)
                .json(&body);
            async move {
                let resp = request.send().await.unwrap();
                (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
            }
        };
        for (endpoint, body, size) in [
            (
                "b2_copy_file",
                json!({"sourceFileId": source_id, "fileName": "copy.bin"}),
                6_000_000_000u64,
            ),
            (
                "b2_copy_file",
                json!({"sourceFileId": source_id, "fileName": "copy.bin",
                       "range": "bytes=0-5000000000"}),
                5_000_000_001,
            ),
            (
                "b2_copy_part",
                json!({"sourceFileId": source_id, "largeFileId": large_id, "partNumber": 1}),
                6_000_000_000,
            ),
        ] {
            let (status, body) = call(endpoint, body).await;
            assert_eq!(status, 400, "{endpoint}: {body}");
            assert_eq!(body["code"], "source_too_large");
            assert_eq!(body["message"], format!("Copy source too big: {size}"));
        }
    }
}
