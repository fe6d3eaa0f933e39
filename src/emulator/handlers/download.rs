//! Downloads: `GET|HEAD /file/<bucket>/<name>` (b2_download_file_by_name) and
//! `/b2api/vN/b2_download_file_by_id`, with single ranges (206/416) and B2's headers (§2.10).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{Params, auth_header, read_params};
use crate::emulator::State;
use crate::emulator::auth::{Need, authorize};
use crate::emulator::blobs::Segment;
use crate::emulator::error::ApiError;
use crate::emulator::names;
use crate::emulator::sse;
use crate::emulator::store::{Action, BucketRow, Db, KeyRow, TokenKind, VersionRow};

/// Query parameters that override response headers.
pub(super) const OVERRIDES: [(&str, &str); 6] = [
    ("b2ContentDisposition", "content-disposition"),
    ("b2ContentLanguage", "content-language"),
    ("b2Expires", "expires"),
    ("b2CacheControl", "cache-control"),
    ("b2ContentEncoding", "content-encoding"),
    ("b2ContentType", "content-type"),
];

/// What to send: the version, its content pieces, and who asks (for Object Lock headers).
struct Found {
    version: VersionRow,
    segments: Vec<Segment>,
    /// The bucket has Object Lock enabled: send the lock headers the viewer may read.
    bucket_lock: bool,
    /// The key behind the token, if any (public buckets need none).
    viewer: Option<KeyRow>,
}

impl Found {
    /// The version with its content pieces, for a viewer of `bucket`.
    fn new(
        db: &Db,
        version: VersionRow,
        bucket: &BucketRow,
        viewer: Option<KeyRow>,
    ) -> Result<Found, ApiError> {
        let segments = db.segments(&version)?;
        Ok(Found {
            version,
            segments,
            bucket_lock: bucket.file_lock,
            viewer,
        })
    }
}

/// The `b2*` header overrides of a download query; each must be a valid header value.
fn overrides_of(params: &Params) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (param, _) in OVERRIDES {
        if let Some(value) = params.opt_str(param)? {
            if HeaderValue::try_from(value.as_str()).is_err() {
                return Err(ApiError::bad_request(format!(
                    "Invalid {param}: not a valid header value"
                )));
            }
            out.insert(param.to_string(), Value::String(value));
        }
    }
    Ok(out)
}

fn no_such_file(name: &str) -> ApiError {
    ApiError::not_found(format!("File with such name does not exist: {name}"))
}

/// Checks read access to a file of a bucket; public buckets need no token, and there the
/// token (when valid) only decides which Object Lock headers are readable.
fn check_read(
    db: &Db,
    token: Option<&str>,
    now: i64,
    bucket: &BucketRow,
    name: &str,
    given: Option<&Map<String, Value>>,
) -> Result<Option<KeyRow>, ApiError> {
    let mut need = Need::capability("readFiles")
        .bucket(&bucket.bucket_id)
        .file(name);
    if let Some(given) = given {
        need = need.download(given);
    }
    if bucket.is_public() {
        return Ok(token.and_then(|t| authorize(db, Some(t), &TokenKind::Account, now, need).ok()));
    }
    authorize(db, token, &TokenKind::Account, now, need).map(Some)
}

pub async fn by_name(AxumState(state): AxumState<Arc<State>>, request: Request) -> Response {
    let head = match download_method(request.method()) {
        Ok(head) => head,
        Err(err) => return err.into_response(),
    };
    let (parts, _body) = request.into_parts();
    let result = async {
        let params = Params::from_query(parts.uri.query())?;
        let token = token_of(&parts.headers, &params)?;
        let given = overrides_of(&params)?;
        let path = parts.uri.path().strip_prefix("/file/").unwrap_or_default();
        let (bucket_raw, name_raw) = path.split_once('/').ok_or_else(|| no_such_file(path))?;
        let bucket_name = names::decode(bucket_raw)?;
        let name = names::decode(name_raw)?;
        let found = state
            .db(move |db, now| {
                let bucket = db.bucket_by_name(&bucket_name)?.ok_or_else(|| {
                    ApiError::not_found(format!("Bucket does not exist: {bucket_name}"))
                })?;
                let viewer = check_read(db, token.as_deref(), now, &bucket, &name, Some(&given))?;
                let version = db
                    .newest_version(&bucket.bucket_id, &name)?
                    .filter(|v| v.action == Action::Upload)
                    .ok_or_else(|| no_such_file(&name))?;
                Found::new(db, version, &bucket, viewer)
            })
            .await?;
        Ok::<_, ApiError>((found, params))
    }
    .await;
    match result {
        Ok((found, params)) => send(&state, found, &parts.headers, &params, head),
        Err(err) => err.into_response(),
    }
}

/// `/b2api/vN/b2_download_file_by_id?fileId=…` (GET/HEAD), or POST with a JSON body.
pub async fn by_id(state: Arc<State>, _version: u8, request: Request) -> Response {
    let head = request.method() == Method::HEAD;
    let result = async {
        let (parts, body) = request.into_parts();
        let params = if parts.method == Method::POST {
            read_params(parts.uri.query(), body).await?
        } else {
            download_method(&parts.method)?;
            Params::from_query(parts.uri.query())?
        };
        let token = token_of(&parts.headers, &params)?;
        overrides_of(&params)?;
        let file_id = params.str("fileId")?;
        let found = state
            .db(move |db, now| {
                let version = db.version(&file_id)?.filter(|v| v.action == Action::Upload);
                let Some(version) = version else {
                    // Unknown ids still need a valid token first.
                    authorize(
                        db,
                        token.as_deref(),
                        &TokenKind::Account,
                        now,
                        Need::default(),
                    )?;
                    super::files::check_file_id(&file_id)?;
                    return Err(ApiError::not_found(format!("File not present: {file_id}")));
                };
                let bucket = db.require_bucket(&version.bucket_id)?;
                let viewer = check_read(db, token.as_deref(), now, &bucket, &version.name, None)?;
                Found::new(db, version, &bucket, viewer)
            })
            .await?;
        Ok::<_, ApiError>((found, params, parts.headers))
    }
    .await;
    match result {
        Ok((found, params, headers)) => send(&state, found, &headers, &params, head),
        Err(err) => err.into_response(),
    }
}

/// GET → false, HEAD → true, anything else → 405.
/// The body of bytes `start..=end` of a version of `size` bytes (empty for HEAD or an
/// empty file), and its length.
pub fn range_body(
    state: &State,
    segments: &[Segment],
    start: u64,
    end: u64,
    size: u64,
    head: bool,
) -> (Body, u64) {
    let length = if size == 0 { 0 } else { end - start + 1 };
    let body = if head || length == 0 {
        Body::empty()
    } else {
        Body::from_stream(state.store.blobs().stream_range(segments, start, end))
    };
    (body, length)
}

fn download_method(method: &Method) -> Result<bool, ApiError> {
    match *method {
        Method::GET => Ok(false),
        Method::HEAD => Ok(true),
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// The token from the `Authorization` header or the `Authorization` query parameter.
fn token_of(headers: &HeaderMap, params: &Params) -> Result<Option<String>, ApiError> {
    Ok(auth_header(headers).or(params.opt_str("Authorization")?))
}

/// Parses a single `Range` against `size`: Some((start, inclusive end)), None = whole file.
/// Several ranges, or none that fits (an empty file has none), are not satisfiable.
fn parse_range(value: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let unsatisfiable = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "range_not_satisfiable",
            format!("The range {value} is not satisfiable for a file of {size} bytes"),
        )
    };
    let ranges = http_range_header::parse_range_header(value.trim())
        .and_then(|parsed| parsed.validate(size))
        .map_err(|_| unsatisfiable())?;
    match ranges.as_slice() {
        [only] => Ok(Some((*only.start(), *only.end()))),
        _ => Err(unsatisfiable()),
    }
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
        headers.insert(name, value);
    }
}

fn send(
    state: &Arc<State>,
    found: Found,
    request: &HeaderMap,
    params: &Params,
    head: bool,
) -> Response {
    let Found {
        version,
        segments,
        bucket_lock,
        viewer,
    } = found;
    // SSE-C content only goes to a client that sends the same customer key.
    if let Err(err) = sse::customer_key_from_headers(request)
        .and_then(|given| version.sse.check_read_key(given.as_deref()))
    {
        return err.into_response();
    }
    let size = version.size;
    let range_header = request.get(header::RANGE).and_then(|v| v.to_str().ok());
    let range = match parse_range(range_header, size) {
        Ok(range) => range,
        Err(err) => {
            let mut response = err.into_response();
            insert(
                response.headers_mut(),
                "content-range",
                &format!("bytes */{size}"),
            );
            return response;
        }
    };
    let (start, end, status) = match range {
        Some((a, b)) => (a, b, StatusCode::PARTIAL_CONTENT),
        None => (0, size.saturating_sub(1), StatusCode::OK),
    };
    let (body, length) = range_body(state, &segments, start, end, size, head);
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    insert(headers, "content-length", &length.to_string());
    insert(headers, "content-type", &version.content_type);
    insert(headers, "accept-ranges", "bytes");
    insert(headers, "x-bz-file-id", &version.file_id);
    insert(headers, "x-bz-file-name", &names::encode(&version.name));
    let sha1 = if version.large {
        "none".to_string()
    } else {
        version.sha1.clone().unwrap_or_default()
    };
    insert(headers, "x-bz-content-sha1", &sha1);
    insert(
        headers,
        "x-bz-upload-timestamp",
        &version.upload_ts.to_string(),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        insert(
            headers,
            "content-range",
            &format!("bytes {start}-{end}/{size}"),
        );
    }
    for (key, value) in &version.info {
        let value = value.as_str().unwrap_or_default();
        match names::B2_HEADER_INFOS.iter().find(|(info, _)| info == key) {
            Some((_, header_name)) => insert(headers, header_name, value),
            None => insert(headers, &format!("x-bz-info-{key}"), &names::encode(value)),
        }
    }
    if let Some(status) = &version.replication {
        insert(headers, "x-bz-replication-status", status);
    }
    for (name, value) in version.sse.download_headers() {
        insert(headers, name, &value);
    }
    if bucket_lock {
        lock_headers(headers, &version, viewer.as_ref());
    }
    for (param, header_name) in OVERRIDES {
        if let Ok(Some(value)) = params.opt_str(param) {
            insert(headers, header_name, &value);
        }
    }
    response
}

/// Object Lock headers of a lock-enabled bucket's file, and the list of those withheld
/// from a viewer without the read capability.
fn lock_headers(headers: &mut HeaderMap, version: &VersionRow, viewer: Option<&KeyRow>) {
    let can = |capability: &str| viewer.is_some_and(|k| k.has(capability));
    let mut withheld = Vec::new();
    if can("readFileRetentions") {
        if let (Some(mode), Some(until)) = (&version.lock.mode, version.lock.retain_until) {
            insert(headers, "x-bz-file-retention-mode", mode);
            insert(
                headers,
                "x-bz-file-retention-retain-until-timestamp",
                &until.to_string(),
            );
        }
    } else {
        withheld.push("X-Bz-File-Retention-Mode");
        withheld.push("X-Bz-File-Retention-Retain-Until-Timestamp");
    }
    if can("readFileLegalHolds") {
        if let Some(hold) = &version.lock.legal_hold {
            insert(headers, "x-bz-file-legal-hold", hold);
        }
    } else {
        withheld.push("X-Bz-File-Legal-Hold");
    }
    if !withheld.is_empty() {
        insert(
            headers,
            "x-bz-client-unauthorized-to-read",
            &withheld.join(","),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=5-8"), 10).unwrap(), Some((5, 8)));
        assert_eq!(parse_range(Some("bytes=5-"), 10).unwrap(), Some((5, 9)));
        assert_eq!(parse_range(Some("bytes=-3"), 10).unwrap(), Some((7, 9)));
        assert_eq!(parse_range(Some("bytes=5-100"), 10).unwrap(), Some((5, 9)));
        assert!(parse_range(Some("bytes=10-"), 10).is_err());
        assert!(parse_range(Some("bytes=8-5"), 10).is_err());
        assert!(parse_range(Some("lines=1-2"), 10).is_err());
        assert!(parse_range(Some("bytes=0-0"), 0).is_err());
        assert!(parse_range(Some("bytes=-1"), 0).is_err());
        assert!(parse_range(Some("bytes=-0"), 10).is_err());
        assert!(parse_range(Some("bytes=0-1,3-4"), 10).is_err());
        assert_eq!(parse_range(Some(" bytes=2-3 "), 10).unwrap(), Some((2, 3)));
        assert_eq!(parse_range(Some("bytes=-30"), 10).unwrap(), Some((0, 9)));
        assert_eq!(parse_range(None, 10).unwrap(), None);
    }
}
