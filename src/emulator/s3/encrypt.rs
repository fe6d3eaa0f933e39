//! Server-side encryption of objects through S3, mapped onto the Native API's (`sse`):
//! `x-amz-server-side-encryption: AES256` asks for SSE-B2; the three
//! `x-amz-server-side-encryption-customer-*` headers give an SSE-C key (only its MD5 is
//! kept); neither leaves the bucket's default. SSE-C objects are read, copied and
//! written to (parts) only with the same key: a missing key is 400 `InvalidRequest`, a
//! wrong one 403 `AccessDenied`. Answers echo the encryption of the object.

use axum::http::StatusCode;
use axum::response::Response;

use super::objects::insert;
use super::{S3Error, S3Request};
use crate::emulator::error::ApiError;
use crate::emulator::sse::{self, Sse};

const SSE_HEADER: &str = "x-amz-server-side-encryption";
/// Header prefix of the destination's (or object's) customer key.
pub const OBJECT_KEY: &str = "x-amz-server-side-encryption";
/// Header prefix of a copy source's customer key.
pub const SOURCE_KEY: &str = "x-amz-copy-source-server-side-encryption";

fn invalid(message: &str) -> S3Error {
    S3Error::bad_request("InvalidArgument", message)
}

fn invalid_request(message: &str) -> S3Error {
    S3Error::bad_request("InvalidRequest", message)
}

/// A customer key error of the Native rules, as S3 names it.
fn s3_error(err: ApiError) -> S3Error {
    match err.status {
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => S3Error::access_denied(&err.message),
        _ => invalid_request(&err.message),
    }
}

/// The customer key MD5 given under `prefix` (`OBJECT_KEY` or `SOURCE_KEY`), if any.
pub fn customer_key(request: &S3Request, prefix: &str) -> Result<Option<String>, S3Error> {
    let header = |suffix: &str| request.header(&format!("{prefix}-customer-{suffix}"));
    sse::customer_key_md5(
        header("algorithm"),
        header("key"),
        header("key-md5"),
        prefix,
    )
    .map_err(|err| invalid(&err.message))
}

/// The encryption a write asks for; `default` (the bucket's) when it asks for none.
pub fn requested(request: &S3Request, default: Sse) -> Result<Sse, S3Error> {
    let customer = customer_key(request, OBJECT_KEY)?;
    match (customer, request.header(SSE_HEADER).map(str::trim)) {
        (Some(_), Some(_)) => Err(invalid(
            "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
        )),
        (Some(md5), None) => Ok(Sse::Customer(md5)),
        (None, Some("AES256")) => Ok(Sse::B2),
        (None, Some(kms)) if kms.starts_with("aws:kms") => Err(invalid(&format!(
            "Unsupported server side encryption: {kms}: the local B2, as B2, offers AES256 (SSE-B2) and SSE-C only"
        ))),
        (None, Some(other)) => Err(invalid(&format!(
            "The encryption method specified is not supported: {other}"
        ))),
        (None, None) => Ok(default),
    }
}

/// Reading SSE-C content (GetObject, HeadObject, a copy source) needs its key under
/// `prefix`; a key given for content that is not SSE-C is refused too, as S3 does.
pub fn check_read(request: &S3Request, stored: &Sse, prefix: &str) -> Result<(), S3Error> {
    let given = customer_key(request, prefix)?;
    if given.is_some() && !matches!(stored, Sse::Customer(_)) {
        return Err(invalid_request(
            "The encryption parameters are not applicable to this object.",
        ));
    }
    stored.check_read_key(given.as_deref()).map_err(s3_error)
}

/// Writing a part of an SSE-C upload needs the key it was started with; other uploads
/// take no key.
pub fn check_part(request: &S3Request, upload: &Sse) -> Result<(), S3Error> {
    let given = customer_key(request, OBJECT_KEY)?;
    match upload {
        Sse::Customer(_) => upload
            .check_customer_key(given.as_deref())
            .map_err(s3_error),
        _ if given.is_some() => Err(invalid_request(
            "The multipart upload was not started with a customer-provided key",
        )),
        _ => Ok(()),
    }
}

/// `x-amz-server-side-encryption` (SSE-B2) or the customer algorithm and key MD5 (SSE-C).
pub fn echo(response: &mut Response, stored: &Sse) {
    match stored {
        Sse::None => {}
        Sse::B2 => insert(response, SSE_HEADER, "AES256"),
        Sse::Customer(md5) => {
            insert(
                response,
                &format!("{OBJECT_KEY}-customer-algorithm"),
                "AES256",
            );
            insert(response, &format!("{OBJECT_KEY}-customer-key-md5"), md5);
        }
    }
}
