//! CreateBucket (`PUT /bucket`) and DeleteBucket (`DELETE /bucket`), through the same store
//! calls as b2_create_bucket and b2_delete_bucket. Creating needs `writeBuckets` (and
//! `writeBucketRetentions` for a lock-enabled bucket) from a key not restricted to buckets;
//! deleting needs `deleteBuckets` and a bucket holding no file version. Also the one
//! store call through which the bucket subresources (ACL, encryption, Object Lock) change
//! a bucket's settings.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::xmlin::{self, malformed};
use super::{S3Error, S3Request, bucket_named};
use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::names;
use crate::emulator::store::{BucketUpdate, NewBucket};

/// Changes the settings `update` names (type, default encryption, Object Lock) of the
/// bucket, through b2_update_bucket's store call.
pub async fn update_settings(
    state: &Arc<State>,
    bucket_id: String,
    update: BucketUpdate,
) -> Result<(), ApiError> {
    state
        .db(move |db, _| db.update_bucket(&bucket_id, update).map(drop))
        .await
}

/// `done` with the store error `code` answered as the S3 error `s3_code` (409 Conflict);
/// any other store error stays one.
fn conflict_on<T>(
    done: Result<T, ApiError>,
    code: &str,
    s3_code: &'static str,
    message: &str,
) -> Result<Result<(), S3Error>, ApiError> {
    match done {
        Ok(_) => Ok(Ok(())),
        Err(err) if err.code == code => {
            Ok(Err(S3Error::new(StatusCode::CONFLICT, s3_code, message)))
        }
        Err(err) => Err(err),
    }
}

pub async fn create(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let name = request.bucket.clone().unwrap_or_default();
    let file_lock = request
        .header("x-amz-bucket-object-lock-enabled")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let key = &request.key;
    if !key.has("writeBuckets") || key.buckets.is_some() {
        return Err(S3Error::access_denied(
            "not entitled: creating a bucket needs writeBuckets from a key not restricted to buckets",
        ));
    }
    if file_lock && !key.has("writeBucketRetentions") {
        return Err(S3Error::access_denied(
            "not entitled: a lock-enabled bucket needs writeBucketRetentions",
        ));
    }
    names::validate_bucket_name(&name).map_err(|err| {
        S3Error::bad_request(
            "InvalidBucketName",
            &format!("The specified bucket is not valid. {}", err.message),
        )
    })?;
    let bucket_type = match request.header("x-amz-acl") {
        Some(acl) => super::acl::bucket_type(acl.trim())?,
        None => "allPrivate",
    };
    let bytes = xmlin::read_body(body, &request, false).await?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        // Any region is accepted: this B2 has one.
        let root = xmlin::parse(&bytes)?;
        if root.name != "CreateBucketConfiguration" {
            return Err(malformed());
        }
    }
    let new = NewBucket {
        name: name.clone(),
        bucket_type: bucket_type.to_string(),
        file_lock,
        ..NewBucket::default()
    };
    state
        .db(move |db, now| {
            conflict_on(
                db.create_bucket(new, now),
                "duplicate_bucket_name",
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            )
        })
        .await??;
    let mut response = Response::new(Body::empty());
    if let Ok(location) = HeaderValue::try_from(format!("/{name}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub async fn delete(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    let name = request.bucket.clone().unwrap_or_default();
    let bucket = state.db(move |db, _| Ok(bucket_named(db, &name))).await??;
    request.require("deleteBuckets", &bucket, None)?;
    state
        .db(move |db, _| {
            conflict_on(
                db.delete_bucket(&bucket.bucket_id),
                "cannot_delete_non_empty_bucket",
                "BucketNotEmpty",
                "The bucket you tried to delete is not empty",
            )
        })
        .await??;
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    Ok(response)
}
