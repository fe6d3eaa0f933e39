//! Multipart uploads as B2 large files: CreateMultipartUpload starts one (the upload id
//! is its file id; metadata and Content-Type kept as its file info and type),
//! UploadPart and UploadPartCopy store B2 parts (SHA-1 and MD5 computed; the part's ETag
//! is its MD5), AbortMultipartUpload cancels it. Completing and listing are in `parts`.
//! Every one of them needs `writeFiles`, as B2's S3 key rules say. An upload takes the
//! encryption and Object Lock its creation asks for (else the bucket's defaults); the
//! parts of an SSE-C upload carry its key.

use std::sync::Arc;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;

use super::copy::{copy_bytes, load_source};
use super::objects::{insert, meta_info, request_content_type};
use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, body, bucket_named, encrypt, objlock};
use crate::emulator::State;
use crate::emulator::handlers::files::MAX_FILE_SIZE;
use crate::emulator::names;
use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, BucketRow, NewVersion, PartRow, VersionRow};

const MAX_PART_NUMBER: u32 = 10_000;

/// The bucket and started large file an `uploadId` names, for a key holding
/// `capability`; NoSuchUpload unless it is unfinished and of this bucket and key.
pub async fn load_upload(
    state: &Arc<State>,
    request: &S3Request,
    capability: &str,
) -> Result<(BucketRow, VersionRow), S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    let upload_id = request.query("uploadId").unwrap_or_default();
    let (bucket, started) = state
        .db(move |db, _| {
            let bucket = match bucket_named(db, &bucket_name) {
                Ok(b) => b,
                Err(err) => return Ok(Err(err)),
            };
            let started = db
                .version(&upload_id)?
                .filter(|v| v.action == Action::Start)
                .filter(|v| v.bucket_id == bucket.bucket_id && v.name == name);
            Ok(Ok((bucket, started)))
        })
        .await??;
    request.require(capability, &bucket, request.object.as_deref())?;
    let started = started.ok_or_else(S3Error::no_such_upload)?;
    Ok((bucket, started))
}

/// The `partNumber` query parameter, 1..=10000.
fn part_number(request: &S3Request) -> Result<u32, S3Error> {
    request
        .query("partNumber")
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|n| (1..=MAX_PART_NUMBER).contains(n))
        .ok_or_else(|| {
            S3Error::bad_request(
                "InvalidArgument",
                "Part number must be an integer between 1 and 10000, inclusive",
            )
        })
}

/// `POST /bucket/key?uploads`.
pub async fn create(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    names::validate_file_name(&name)?;
    let info = meta_info(&request)?;
    names::check_header_budget(&name, &info)?;
    let content_type = request_content_type(&request, &name)?;
    let lock = objlock::requested(&request)?;
    let bucket = {
        let bucket_name = bucket_name.clone();
        state
            .db(move |db, _| Ok(bucket_named(db, &bucket_name)))
            .await??
    };
    request.require("writeFiles", &bucket, Some(&name))?;
    objlock::require(&request, &lock, &bucket, &name)?;
    let sse = encrypt::requested(&request, Sse::bucket_default(&bucket.sse))?;
    let key = name.clone();
    let started = state
        .db(move |db, now| {
            let lock = match lock.resolve(&bucket, now) {
                Ok(lock) => lock,
                Err(err) => return Ok(Err(objlock::s3_error(err))),
            };
            let mut row = db.insert_version(NewVersion::large_start(
                bucket.bucket_id.clone(),
                name,
                now,
                content_type,
                info,
                sse,
            ))?;
            db.apply_lock(&mut row, lock)?;
            Ok(Ok(row))
        })
        .await??;
    let mut response = xml::ok(format!(
        "<InitiateMultipartUploadResult xmlns=\"{NAMESPACE}\">{}{}{}</InitiateMultipartUploadResult>",
        element("Bucket", &bucket_name),
        element("Key", &key),
        element("UploadId", &started.file_id),
    ));
    encrypt::echo(&mut response, &started.sse);
    Ok(response)
}

/// Stores part `number` of a started file.
async fn store_part(
    state: &Arc<State>,
    file_id: String,
    number: u32,
    size: u64,
    digests: (String, String, String),
) -> Result<PartRow, S3Error> {
    let (blob, sha1, md5) = digests;
    state
        .db(move |db, now| {
            // Aborted or completed while the part was on its way.
            if db.started_file(&file_id).is_err() {
                return Ok(Err(S3Error::no_such_upload()));
            }
            let part = PartRow {
                file_id,
                part_number: number,
                size,
                sha1,
                md5,
                blob,
                upload_ts: now,
            };
            db.put_part(&part)?;
            Ok(Ok(part))
        })
        .await?
}

/// `PUT /bucket/key?partNumber=N&uploadId=ID`.
pub async fn upload_part(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let number = part_number(&request)?;
    let (_, started) = load_upload(state, &request, "writeFiles").await?;
    encrypt::check_part(&request, &started.sse)?;
    let (digests, pending) = body::receive(state, &request, body).await?;
    let blob = tokio::task::spawn_blocking(move || pending.commit())
        .await
        .map_err(|err| S3Error::from(std::io::Error::other(err.to_string())))??;
    let md5 = digests.md5.clone();
    store_part(
        state,
        started.file_id,
        number,
        digests.len,
        (blob, digests.sha1, digests.md5),
    )
    .await?;
    let mut response = Response::new(Body::empty());
    insert(&mut response, "etag", &format!("\"{md5}\""));
    encrypt::echo(&mut response, &started.sse);
    Ok(response)
}

/// `bytes=first-last` of `x-amz-copy-source-range` within a source of `size` bytes.
fn source_range(text: &str, size: u64) -> Result<(u64, u64), S3Error> {
    let invalid = || {
        S3Error::bad_request(
            "InvalidArgument",
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
        )
    };
    let (a, b) = text
        .trim()
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(invalid)?;
    let start: u64 = a.trim().parse().map_err(|_| invalid())?;
    let end: u64 = b.trim().parse().map_err(|_| invalid())?;
    if start > end || end >= size {
        return Err(S3Error::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "InvalidRange",
            &format!("Range specified is not valid for source object of size: {size}"),
        ));
    }
    Ok((start, end))
}

/// `PUT /bucket/key?partNumber=N&uploadId=ID` with `x-amz-copy-source` (and optionally
/// `x-amz-copy-source-range`): a part made of an existing object's bytes.
pub async fn upload_part_copy(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let number = part_number(&request)?;
    let (_, started) = load_upload(state, &request, "writeFiles").await?;
    encrypt::check_part(&request, &started.sse)?;
    let sse = started.sse.clone();
    let source = load_source(state, &request).await?;
    let size = source.version.size;
    let range = match request.header("x-amz-copy-source-range") {
        Some(text) => Some(source_range(text, size)?),
        None if size == 0 => {
            return Err(S3Error::bad_request(
                "InvalidRequest",
                "a part must have at least 1 byte; the copy source is empty",
            ));
        }
        None => None,
    };
    let (start, end) = range.unwrap_or((0, size.saturating_sub(1)));
    if end - start + 1 > MAX_FILE_SIZE {
        return Err(S3Error::bad_request(
            "InvalidRequest",
            "The specified copy range is larger than the maximum part size",
        ));
    }
    let version_id = source.version.file_id.clone();
    let whole_small = range.is_none() && !source.version.large;
    let (blob, sha1, md5) = match (&source.version.blob, &source.version.md5) {
        // A whole small file: the part shares its blob, named by its SHA-1.
        (Some(blob), Some(md5)) if whole_small => (blob.clone(), blob.clone(), md5.clone()),
        _ => {
            let (key, digests) = copy_bytes(state, source.segments, start, end).await?;
            (key, digests.sha1, digests.md5)
        }
    };
    let part = store_part(
        state,
        started.file_id,
        number,
        end - start + 1,
        (blob, sha1, md5),
    )
    .await?;
    let mut response = xml::ok(format!(
        "<CopyPartResult xmlns=\"{NAMESPACE}\">{}{}</CopyPartResult>",
        element("LastModified", &xml::iso_time(part.upload_ts)),
        element("ETag", &format!("\"{}\"", part.md5)),
    ));
    insert(&mut response, "x-amz-copy-source-version-id", &version_id);
    encrypt::echo(&mut response, &sse);
    Ok(response)
}

/// `DELETE /bucket/key?uploadId=ID`: the started large file is cancelled.
pub async fn abort(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let (_, started) = load_upload(state, &request, "writeFiles").await?;
    state
        .db(move |db, _| db.cancel_large_file(&started.file_id).map(drop))
        .await?;
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    Ok(response)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn copy_source_ranges() {
        assert_eq!(source_range("bytes=0-9", 10).unwrap(), (0, 9));
        assert_eq!(
            source_range("bytes=5-10", 10).unwrap_err().code,
            "InvalidRange"
        );
        assert_eq!(
            source_range("bytes=5-", 10).unwrap_err().code,
            "InvalidArgument"
        );
    }
}
