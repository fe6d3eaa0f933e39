//! The S3-compatible API on the same listener and store as the B2 Native API, path-style
//! (`/bucket/key`), and virtual-hosted (`BUCKET.HOST/key`) when serve has `--s3-host HOST`.
//! A request signed with AWS Signature V4 whose path is not one of the Native API's (or
//! whose Host names a bucket) goes here: the signature is checked with the application
//! key's secret, then B2's S3 key rules (no master key; capabilities as B2 maps them)
//! decide.

mod acl;
mod body;
mod bucket_admin;
mod buckets;
mod chain;
mod checksum;
mod chunked;
mod conditions;
mod copy;
mod delete;
mod encrypt;
mod encryption;
mod listing;
mod lock;
mod multipart;
mod objects;
mod objlock;
mod parts;
mod public;
mod reads;
mod sigv4;
mod uploads;
mod versions;
mod xml;
mod xmlin;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::Response;

use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::store::{BucketRow, Db, KeyRow};

/// Paths of the Native API, downloads and administration, never S3.
const NATIVE_PREFIXES: [&str; 3] = ["/b2api/", "/file/", "/b2tui-admin/"];

/// An S3 error answer: `<Error><Code>...` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Error {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl S3Error {
    pub fn new(status: StatusCode, code: &'static str, message: &str) -> S3Error {
        S3Error {
            status,
            code,
            message: message.to_string(),
        }
    }

    pub fn bad_request(code: &'static str, message: &str) -> S3Error {
        S3Error::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn access_denied(message: &str) -> S3Error {
        S3Error::new(StatusCode::FORBIDDEN, "AccessDenied", message)
    }

    pub fn signature_mismatch() -> S3Error {
        S3Error::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    }

    pub fn skewed() -> S3Error {
        S3Error::new(
            StatusCode::FORBIDDEN,
            "RequestTimeTooSkewed",
            "The difference between the request time and the server's time is too large.",
        )
    }

    pub fn invalid_key() -> S3Error {
        S3Error::new(
            StatusCode::FORBIDDEN,
            "InvalidAccessKeyId",
            "The key you provided does not exist in our records (the master application key cannot be used with the S3-compatible API).",
        )
    }

    pub fn no_such_bucket() -> S3Error {
        S3Error::new(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist.",
        )
    }

    pub fn no_such_key() -> S3Error {
        S3Error::new(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        )
    }

    pub fn method_not_allowed() -> S3Error {
        S3Error::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        )
    }

    pub fn no_such_upload() -> S3Error {
        S3Error::new(
            StatusCode::NOT_FOUND,
            "NoSuchUpload",
            "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        )
    }

    pub fn not_implemented(message: &str) -> S3Error {
        S3Error::new(StatusCode::NOT_IMPLEMENTED, "NotImplemented", message)
    }
}

impl From<ApiError> for S3Error {
    fn from(err: ApiError) -> S3Error {
        let code = match err.status {
            StatusCode::BAD_REQUEST => "InvalidArgument",
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "AccessDenied",
            StatusCode::NOT_FOUND => "NoSuchKey",
            StatusCode::RANGE_NOT_SATISFIABLE => "InvalidRange",
            StatusCode::SERVICE_UNAVAILABLE => "ServiceUnavailable",
            _ => "InternalError",
        };
        S3Error {
            status: err.status,
            code,
            message: err.message,
        }
    }
}

impl From<std::io::Error> for S3Error {
    fn from(err: std::io::Error) -> S3Error {
        S3Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            &err.to_string(),
        )
    }
}

/// A request that passed the signature check.
pub struct S3Request {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub key: KeyRow,
    pub payload: sigv4::Payload,
    /// The signature chain of an aws-chunked body signed chunk by chunk.
    pub chain: Option<chain::ChunkChain>,
    /// Bucket name and object key from the path (decoded), when present.
    pub bucket: Option<String>,
    pub object: Option<String>,
    /// Sent without a signature (a public read); `key` then holds no capability.
    pub anonymous: bool,
}

impl S3Request {
    /// The decoded query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.uri.query().and_then(|q| {
            q.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (k == name).then(|| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
            })
        })
    }

    pub fn has_query(&self, name: &str) -> bool {
        self.query(name).is_some()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// 403 AccessDenied unless the key holds `capability`, may touch `bucket` and (when
    /// given) names `name` within its name prefix.
    pub fn require(
        &self,
        capability: &str,
        bucket: &BucketRow,
        name: Option<&str>,
    ) -> Result<(), S3Error> {
        if !self.key.has(capability) || !self.key.allows_bucket(&bucket.bucket_id) {
            return Err(S3Error::access_denied("not entitled"));
        }
        if let (Some(prefix), Some(name)) = (&self.key.name_prefix, name)
            && !name.starts_with(prefix.as_str())
        {
            return Err(S3Error::access_denied("not entitled"));
        }
        Ok(())
    }
}

/// The bucket named `name`, or NoSuchBucket.
pub fn bucket_named(db: &Db, name: &str) -> Result<BucketRow, S3Error> {
    db.bucket_by_name(name)?.ok_or_else(S3Error::no_such_bucket)
}

/// Sends signed non-Native requests to the S3 layer; everything else passes through.
pub async fn layer(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let hosted = host_bucket(state.config.s3_host.as_deref(), request.headers()).is_some();
    if !hosted && NATIVE_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return next.run(request).await;
    }
    if !sigv4::is_signed(request.headers(), request.uri()) {
        return match public::route(&state, request).await {
            Ok(response) => response,
            Err(request) => next.run(request).await,
        };
    }
    let head = request.method() == Method::HEAD;
    let resource = path.to_string();
    let has_body = request.headers().contains_key("transfer-encoding")
        || request
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    match handle(&state, request).await {
        Ok(response) => response,
        Err(err) => {
            let mut response = xml::error(err.status, err.code, &err.message, &resource, head);
            // A body refused unread may still be on its way (a client that waited for
            // `100 Continue` in vain sends it anyway): this connection cannot carry another
            // request.
            if has_body {
                response.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
            }
            response
        }
    }
}

async fn handle(state: &Arc<State>, request: Request) -> Result<Response, S3Error> {
    let (parts, body) = request.into_parts();
    let signed = sigv4::parse(&parts.headers, &parts.uri)?;
    let access_key = signed.access_key.clone();
    let master = state.store.master_key_id().to_string();
    let found = state
        .db(move |db, now| {
            if access_key == master || access_key == db.account_id() {
                return Ok(None);
            }
            Ok(db.key_for_signing(&access_key)?.map(|k| (k, now)))
        })
        .await?;
    let ((key, secret), now) = found.ok_or_else(S3Error::invalid_key)?;
    sigv4::verify(
        &signed,
        &secret,
        &parts.method,
        &parts.uri,
        &parts.headers,
        now,
    )?;
    if key.expires_ms.is_some_and(|e| e <= now) {
        return Err(S3Error::invalid_key());
    }
    let chain = chain::ChunkChain::for_request(&signed, &secret);
    let (bucket, object) = locate(state.config.s3_host.as_deref(), &parts.headers, &parts.uri);
    let request = S3Request {
        method: parts.method,
        uri: parts.uri.clone(),
        headers: parts.headers,
        key,
        payload: signed.payload,
        chain,
        bucket,
        object,
        anonymous: false,
    };
    match (&request.bucket, &request.object) {
        (None, _) => buckets::service(state, request).await,
        (Some(_), None) => buckets::bucket(state, request, body).await,
        (Some(_), Some(_)) if request.has_query("retention") || request.has_query("legal-hold") => {
            lock::object(state, request, body).await
        }
        (Some(_), Some(_)) if request.has_query("acl") => acl::object(state, request, body).await,
        (Some(_), Some(_)) => objects::object(state, request, body).await,
    }
}

/// The bucket and object key (decoded) a request names, by its Host (virtual-hosted
/// style) or its path.
fn locate(
    s3_host: Option<&str>,
    headers: &HeaderMap,
    uri: &Uri,
) -> (Option<String>, Option<String>) {
    let path = uri.path().trim_start_matches('/');
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    if let Some(bucket) = host_bucket(s3_host, headers) {
        return (
            Some(bucket),
            Some(path).filter(|p| !p.is_empty()).map(decode),
        );
    }
    match path.split_once('/') {
        Some((b, o)) if !o.is_empty() => (Some(decode(b)), Some(decode(o))),
        Some((b, _)) => (Some(decode(b)), None),
        None if path.is_empty() => (None, None),
        None => (Some(decode(path)), None),
    }
}

/// The bucket a virtual-hosted request names: Host `BUCKET.S3HOST[:port]` with serve's
/// `--s3-host S3HOST`. Host == S3HOST (or any other host) is path style.
fn host_bucket(s3_host: Option<&str>, headers: &HeaderMap) -> Option<String> {
    let s3_host = s3_host?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let bucket = host
        .to_ascii_lowercase()
        .strip_suffix(&s3_host.to_ascii_lowercase())?
        .strip_suffix('.')?
        .to_string();
    // The name as the client wrote it (hosts are case-insensitive, bucket names are not).
    (!bucket.is_empty()).then(|| host[..bucket.len()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_in_the_host() {
        let headers = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(axum::http::header::HOST, host.parse().unwrap());
            h
        };
        let host = Some("s3.localhost");
        assert_eq!(
            host_bucket(host, &headers("my-bucket.s3.localhost:8787")).as_deref(),
            Some("my-bucket")
        );
        assert_eq!(
            host_bucket(host, &headers("a.b.S3.Localhost")).as_deref(),
            Some("a.b")
        );
        assert_eq!(host_bucket(host, &headers("s3.localhost:8787")), None);
        assert_eq!(host_bucket(host, &headers("xs3.localhost")), None);
        assert_eq!(host_bucket(host, &headers("127.0.0.1:8787")), None);
        assert_eq!(host_bucket(None, &headers("b.s3.localhost")), None);
    }
}
