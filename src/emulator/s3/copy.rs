//! CopyObject as a B2 server-side copy: the result is a new file version of the
//! destination, sharing the source's blob when the source is a small file (as
//! b2_copy_file does) and otherwise a byte copy. Also what UploadPartCopy shares with it:
//! reading `x-amz-copy-source` (url-encoded `bucket/key[?versionId=...]`), the source's
//! `readFiles` check, its SSE-C key (`x-amz-copy-source-server-side-encryption-customer-*`)
//! and its `x-amz-copy-source-if-*` conditions. The copy takes the encryption and Object
//! Lock its request asks for, else the destination bucket's defaults.

use std::sync::Arc;

use axum::response::Response;
use serde_json::{Map, Value};

use super::encrypt::{self, SOURCE_KEY};
use super::objects::{chosen, etag, insert, meta_info, request_content_type};
use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, bucket_named, conditions, objlock};
use crate::emulator::State;
use crate::emulator::blobs::{Digests, Segment};
use crate::emulator::events::EventType;
use crate::emulator::handlers::copy::copy_blob_range;
use crate::emulator::handlers::files::MAX_FILE_SIZE;
use crate::emulator::names;
use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, NewVersion, VersionRow};

/// A readable copy source and where its bytes are.
pub struct Source {
    pub version: VersionRow,
    pub segments: Vec<Segment>,
}

/// `bucket`, `key` and `versionId` of an `x-amz-copy-source` header.
fn parse_copy_source(raw: &str) -> Result<(String, String, Option<String>), S3Error> {
    let invalid = || {
        S3Error::bad_request(
            "InvalidArgument",
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
        )
    };
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|d| d.into_owned())
            .map_err(|_| invalid())
    };
    let path = decode(path.trim().trim_start_matches('/'))?;
    let (bucket, key) = path.split_once('/').ok_or_else(invalid)?;
    if bucket.is_empty() || key.is_empty() {
        return Err(invalid());
    }
    let version_id = query
        .split('&')
        .find_map(|p| p.strip_prefix("versionId="))
        .map(decode)
        .transpose()?
        .filter(|v| !v.is_empty() && v != "null");
    Ok((bucket.to_string(), key.to_string(), version_id))
}

/// The source of a copy request, checked: it exists, the key may read it, it is not
/// SSE-C, and its copy-source conditions hold.
pub async fn load_source(state: &Arc<State>, request: &S3Request) -> Result<Source, S3Error> {
    let raw = request.header("x-amz-copy-source").unwrap_or_default();
    let (bucket_name, name, version_id) = parse_copy_source(raw)?;
    let (bucket, version, segments) = state
        .db(move |db, _| {
            let bucket = match bucket_named(db, &bucket_name) {
                Ok(b) => b,
                Err(err) => return Ok(Err(err)),
            };
            match chosen(db, &bucket.bucket_id, &name, version_id.as_deref())? {
                Some(v) if v.action == Action::Upload => {
                    let segments = db.segments(&v)?;
                    Ok(Ok((bucket, v, segments)))
                }
                _ => Ok(Err(S3Error::no_such_key())),
            }
        })
        .await??;
    request.require("readFiles", &bucket, Some(&version.name))?;
    encrypt::check_read(request, &version.sse, SOURCE_KEY)?;
    conditions::check_copy_source(request, &etag(&version), version.upload_ts)?;
    Ok(Source { version, segments })
}

/// Copies bytes `start..=end` of a source into a new committed blob, off the runtime.
pub async fn copy_bytes(
    state: &Arc<State>,
    segments: Vec<Segment>,
    start: u64,
    end: u64,
) -> Result<(String, Digests), S3Error> {
    Ok(copy_blob_range(state, segments, start, end, end + 1 - start).await?)
}

/// Content type and file info of the copy, from `x-amz-metadata-directive`.
fn copy_metadata(
    request: &S3Request,
    source: &VersionRow,
    name: &str,
) -> Result<(String, Map<String, Value>), S3Error> {
    match request
        .header("x-amz-metadata-directive")
        .unwrap_or("COPY")
        .trim()
    {
        "COPY" => Ok((source.content_type.clone(), source.info.clone())),
        "REPLACE" => Ok((request_content_type(request, name)?, meta_info(request)?)),
        other => Err(S3Error::bad_request(
            "InvalidArgument",
            &format!("Unknown metadata directive: {other}"),
        )),
    }
}

/// `PUT /bucket/key` with `x-amz-copy-source`.
pub async fn copy_object(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let bucket_name = request.bucket.clone().unwrap_or_default();
    let name = request.object.clone().unwrap_or_default();
    names::validate_file_name(&name)?;
    let lock = objlock::requested(&request)?;
    let (dest, lockable) = {
        let lock = lock.clone();
        state
            .db(move |db, now| {
                Ok(bucket_named(db, &bucket_name).map(|dest| {
                    let lockable = lock.resolve(&dest, now).map(drop);
                    (dest, lockable)
                }))
            })
            .await??
    };
    request.require("writeFiles", &dest, Some(&name))?;
    objlock::require(&request, &lock, &dest, &name)?;
    lockable.map_err(objlock::s3_error)?;
    let sse = encrypt::requested(&request, Sse::bucket_default(&dest.sse))?;
    let source = load_source(state, &request).await?;
    let (content_type, info) = copy_metadata(&request, &source.version, &name)?;
    names::check_header_budget(&name, &info)?;
    let replacing = request
        .header("x-amz-metadata-directive")
        .is_some_and(|d| d.trim() == "REPLACE");
    if source.version.bucket_id == dest.bucket_id && source.version.name == name && !replacing {
        return Err(S3Error::bad_request(
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata.",
        ));
    }
    let size = source.version.size;
    if size > MAX_FILE_SIZE {
        return Err(S3Error::bad_request(
            "InvalidRequest",
            &format!(
                "The specified copy source is larger than the maximum allowable size for a copy source: {MAX_FILE_SIZE}"
            ),
        ));
    }
    let source_version = source.version.clone();
    let (blob, sha1, md5) = match (&source_version.blob, source_version.large) {
        // A small file's blob is shared, as b2_copy_file shares it.
        (Some(blob), false) => (
            Some(blob.clone()),
            source_version.sha1.clone(),
            source_version.md5.clone(),
        ),
        _ if size == 0 => {
            let (key, digests) = copy_bytes(state, Vec::new(), 0, 0).await?;
            (Some(key), Some(digests.sha1), Some(digests.md5))
        }
        _ => {
            let (key, digests) = copy_bytes(state, source.segments, 0, size - 1).await?;
            (Some(key), Some(digests.sha1), Some(digests.md5))
        }
    };
    let copy = state
        .db(move |db, now| {
            let lock = match lock.resolve(&dest, now) {
                Ok(lock) => lock,
                Err(err) => return Ok(Err(objlock::s3_error(err))),
            };
            let mut copy = db.insert_version(NewVersion {
                bucket_id: dest.bucket_id.clone(),
                name,
                action: Action::Upload,
                upload_ts: now,
                size,
                sha1,
                md5,
                content_type,
                info,
                blob,
                large: false,
                sse,
            })?;
            db.apply_lock(&mut copy, lock)?;
            db.replicate_new(&mut copy)?;
            db.record_event(EventType::Copy, &copy, now)?;
            Ok(Ok(copy))
        })
        .await??;
    let mut response = xml::ok(format!(
        "<CopyObjectResult xmlns=\"{NAMESPACE}\">{}{}</CopyObjectResult>",
        element("LastModified", &xml::iso_time(copy.upload_ts)),
        element("ETag", &etag(&copy)),
    ));
    insert(&mut response, "x-amz-version-id", &copy.file_id);
    insert(
        &mut response,
        "x-amz-copy-source-version-id",
        &source_version.file_id,
    );
    encrypt::echo(&mut response, &copy.sse);
    Ok(response)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn copy_sources() {
        assert_eq!(
            parse_copy_source("/b/dir/a%20b.txt?versionId=4_z1").unwrap(),
            ("b".into(), "dir/a b.txt".into(), Some("4_z1".into()))
        );
        assert_eq!(
            parse_copy_source("b/k").unwrap(),
            ("b".into(), "k".into(), None)
        );
        assert!(parse_copy_source("bucket-only").is_err());
    }
}
