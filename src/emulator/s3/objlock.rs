//! Object Lock given when an object is written (PutObject, CreateMultipartUpload,
//! CopyObject): `x-amz-object-lock-mode` + `x-amz-object-lock-retain-until-date` and
//! `x-amz-object-lock-legal-hold`, read into the Native API's `LockRequest` so both APIs
//! apply the same rules (capabilities `writeFileRetentions` / `writeFileLegalHolds`, a
//! lock-enabled bucket, the bucket's default retention when none is asked for). Reads
//! echo the lock to keys that may read it.

use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use chrono::DateTime;

use super::objects::insert;
use super::xml;
use super::{S3Error, S3Request};
use crate::emulator::error::ApiError;
use crate::emulator::handlers::lock::LockRequest;
use crate::emulator::store::{BucketRow, FileLock, KeyRow};

fn invalid(message: &str) -> S3Error {
    S3Error::bad_request("InvalidArgument", message)
}

/// Native lock errors as S3 names them.
pub fn s3_error(err: ApiError) -> S3Error {
    match err.code.as_str() {
        "bucket_missing_file_lock" => S3Error::bad_request(
            "InvalidRequest",
            "Bucket is missing Object Lock Configuration",
        ),
        "retain_until_timestamp_must_be_in_future" => {
            invalid("The retain until date must be in the future!")
        }
        _ => S3Error::from(err),
    }
}

/// The lock a write asks for, checked for shape (not yet against the bucket).
pub fn requested(request: &S3Request) -> Result<LockRequest, S3Error> {
    let mut native = HeaderMap::new();
    let mut put = |name: &'static str, value: String| -> Result<(), S3Error> {
        let value = HeaderValue::try_from(value).map_err(|_| invalid("invalid lock header"))?;
        native.insert(name, value);
        Ok(())
    };
    let mode = request.header("x-amz-object-lock-mode").map(str::trim);
    let until = request
        .header("x-amz-object-lock-retain-until-date")
        .map(str::trim);
    match (mode, until) {
        (None, None) => {}
        (Some(mode), Some(until)) => {
            let mode = match mode {
                "GOVERNANCE" => "governance",
                "COMPLIANCE" => "compliance",
                _ => return Err(invalid("Unknown wormMode directive.")),
            };
            let until = DateTime::parse_from_rfc3339(until)
                .map_err(|_| invalid("The retain until date must be an ISO 8601 date and time"))?
                .timestamp_millis();
            put("x-bz-file-retention-mode", mode.to_string())?;
            put(
                "x-bz-file-retention-retain-until-timestamp",
                until.to_string(),
            )?;
        }
        _ => {
            return Err(invalid(
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
            ));
        }
    }
    if let Some(hold) = request.header("x-amz-object-lock-legal-hold") {
        let hold = match hold.trim() {
            "ON" => "on",
            "OFF" => "off",
            _ => return Err(invalid("Legal Hold must be either of 'ON' or 'OFF'")),
        };
        put("x-bz-file-legal-hold", hold.to_string())?;
    }
    LockRequest::from_headers(&native).map_err(s3_error)
}

/// The capabilities the lock asks for, beyond `writeFiles`.
pub fn require(
    request: &S3Request,
    lock: &LockRequest,
    bucket: &BucketRow,
    name: &str,
) -> Result<(), S3Error> {
    for capability in lock.capabilities() {
        request.require(capability, bucket, Some(name))?;
    }
    Ok(())
}

/// `x-amz-object-lock-*` of a read, each only to a key that may read it.
pub fn echo(response: &mut Response, lock: &FileLock, key: &KeyRow) {
    let may = |capability: &str| key.has(capability);
    if may("readFileRetentions")
        && let (Some(mode), Some(until)) = (&lock.mode, lock.retain_until)
    {
        insert(
            response,
            "x-amz-object-lock-mode",
            &mode.to_ascii_uppercase(),
        );
        insert(
            response,
            "x-amz-object-lock-retain-until-date",
            &xml::iso_time(until),
        );
    }
    if may("readFileLegalHolds")
        && let Some(hold) = &lock.legal_hold
    {
        insert(
            response,
            "x-amz-object-lock-legal-hold",
            &hold.to_ascii_uppercase(),
        );
    }
}
