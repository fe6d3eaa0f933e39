//! HTTP handlers. `api` parses a JSON call (POST body or GET query) into `Call` and
//! dispatches by endpoint name: calls answered from the store alone are plain functions of
//! `(db, now, call)` run by `in_db`; the rest (blobs, config, tokens) are async. Uploads,
//! downloads and admin calls have their own routes.

pub mod account;
pub mod admin;
pub mod buckets;
pub mod copy;
mod cors;
pub mod download;
pub mod files;
pub mod keys;
pub mod large;
pub mod lock;
pub mod notifications;
mod replication;
mod shapes;
pub mod share;
pub mod upload;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value};

use crate::emulator::State;
use crate::emulator::auth::{Need, authorize};
use crate::emulator::error::{self, ApiError};
use crate::emulator::names;
use crate::emulator::store::{Db, KeyRow, TokenKind};

pub use shapes::Viewer;

/// Largest JSON request body accepted.
const MAX_JSON_BODY: usize = 4 * 1024 * 1024;

/// The B2 call name of a request path, for statistics and faults.
pub fn endpoint_of(path: &str, _query: Option<&str>) -> Option<String> {
    if path.starts_with("/file/") {
        return Some("b2_download_file_by_name".to_string());
    }
    let rest = path.strip_prefix("/b2api/")?;
    let mut segments = rest.split('/');
    let _version = segments.next()?;
    segments
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// API version from a `vN` path segment (1..=4).
pub fn parse_version(segment: &str) -> Option<u8> {
    match segment {
        "v1" => Some(1),
        "v2" => Some(2),
        "v3" => Some(3),
        "v4" => Some(4),
        _ => None,
    }
}

/// Request parameters of a JSON call, from the body or the query string.
#[derive(Debug, Clone, Default)]
pub struct Params(Map<String, Value>);

impl Params {
    pub fn from_query(query: Option<&str>) -> Result<Params, ApiError> {
        let mut map = Map::new();
        for (key, value) in names::parse_query(query.unwrap_or_default())? {
            map.insert(key, Value::String(value));
        }
        Ok(Params(map))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn opt_str(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_request(format!("{key} must be a string"))),
        }
    }

    pub fn str(&self, key: &str) -> Result<String, ApiError> {
        self.opt_str(key)?
            .ok_or_else(|| ApiError::bad_request(format!("required field {key} is missing")))
    }

    pub fn opt_i64(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let invalid = || ApiError::bad_request(format!("{key} must be an integer"));
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(invalid),
            // An empty string is a value (not "absent"), and not an integer.
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid()),
            Some(_) => Err(invalid()),
        }
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_request(format!("{key} must be a boolean"))),
        }
    }

    /// A JSON object or array field; in a query string it is given as JSON text.
    pub fn opt_json(&self, key: &str) -> Result<Option<Value>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("{key} must be JSON"))),
            Some(v) => Ok(Some(v.clone())),
        }
    }

    /// An array of strings; a query string may also give it comma-separated.
    pub fn opt_strings(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        let invalid = || ApiError::bad_request(format!("{key} must be an array of strings"));
        let value = match self.get(key) {
            None => return Ok(None),
            Some(Value::String(s)) if !s.trim_start().starts_with('[') => {
                return Ok(Some(
                    s.split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect(),
                ));
            }
            Some(_) => self.opt_json(key)?.unwrap_or(Value::Null),
        };
        let Value::Array(items) = value else {
            return Err(invalid());
        };
        items
            .into_iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(invalid))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// `maxFileCount`-style counts: absent → `default`; below 1 or above `max` → 400
    /// `out_of_range`, as B2.
    pub fn count(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.opt_i64(key)? {
            None => Ok(default),
            Some(n) if usize::try_from(n).map_or(true, |n| n < 1 || n > max) => Err(
                ApiError::out_of_range(format!("{key} out of range: {n}, must be 1-{max}")),
            ),
            Some(n) => Ok(usize::try_from(n).unwrap_or(default)),
        }
    }
}

/// One parsed JSON API call.
pub struct Call {
    pub version: u8,
    pub token: Option<String>,
    pub params: Params,
    /// `http://<Host>` of the request; apiUrl/downloadUrl/uploadUrl are built on it.
    pub base_url: String,
}

impl Call {
    /// The one authorization check ([`authorize`]) for this call's account token.
    pub fn authorize(&self, db: &Db, now_ms: i64, need: Need) -> Result<KeyRow, ApiError> {
        authorize(db, self.token.as_deref(), &TokenKind::Account, now_ms, need)
    }

    pub fn viewer<'a>(&self, key: &'a KeyRow) -> Viewer<'a> {
        Viewer {
            version: self.version,
            key: Some(key),
        }
    }
}

pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub fn auth_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
}

/// Query parameters merged with a JSON object body (when the body is not blank).
pub async fn read_params(query: Option<&str>, body: Body) -> Result<Params, ApiError> {
    let mut params = Params::from_query(query)?;
    let bytes = axum::body::to_bytes(body, MAX_JSON_BODY)
        .await
        .map_err(|err| ApiError::bad_request(format!("cannot read request body: {err}")))?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|err| ApiError::bad_json(format!("invalid JSON in request body: {err}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_json("request body must be a JSON object"));
        };
        params.0.extend(map);
    }
    Ok(params)
}

/// Decodes `Authorization: Basic base64(id:secret)`; None if absent or malformed.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let header = auth_header(headers)?;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Checks the `accountId` field against the account (401 `unauthorized` otherwise).
pub fn check_account(db: &Db, call: &Call) -> Result<(), ApiError> {
    let account = call.params.str("accountId")?;
    if account != db.account_id() {
        return Err(ApiError::unauthorized(format!(
            "accountId {account} does not match the key"
        )));
    }
    Ok(())
}

/// A call answered from the store alone.
type DbHandler = fn(&Db, i64, Call) -> Result<Value, ApiError>;

/// Runs `handler` on the store's blocking thread with the clock's now.
async fn in_db(state: &Arc<State>, call: Call, handler: DbHandler) -> Result<Value, ApiError> {
    state.db(move |db, now| handler(db, now, call)).await
}

/// Splits rows read with one extra (`max + 1`) into the page and that extra row, which
/// names where the next page starts (`nextFileId`, `nextPartNumber`, ...).
pub fn page_and_next<T>(mut rows: Vec<T>, max: usize) -> (Vec<T>, Option<T>) {
    let next = if rows.len() > max { rows.pop() } else { None };
    (rows, next)
}

/// Parses method, query and body into a `Call`.
async fn parse_call(version: u8, request: Request) -> Result<Call, ApiError> {
    let (parts, body) = request.into_parts();
    let params = match parts.method {
        Method::POST => read_params(parts.uri.query(), body).await?,
        Method::GET => Params::from_query(parts.uri.query())?,
        _ => return Err(ApiError::method_not_allowed()),
    };
    Ok(Call {
        version,
        token: auth_header(&parts.headers),
        params,
        base_url: base_url(&parts.headers),
    })
}

/// Every `/b2api/vN/<endpoint>` JSON call.
pub async fn api(
    AxumState(state): AxumState<Arc<State>>,
    Path((version, endpoint)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(version) = parse_version(&version) else {
        return unknown_endpoint(request.uri().path()).into_response();
    };
    if endpoint == "b2_authorize_account" {
        return respond(account::authorize_account(&state, version, request).await);
    }
    if endpoint == "b2_download_file_by_id" {
        return download::by_id(state, version, request).await;
    }
    if !is_known(&endpoint) {
        return unknown_endpoint(request.uri().path()).into_response();
    }
    let call = match parse_call(version, request).await {
        Ok(call) => call,
        Err(err) => return err.into_response(),
    };
    let result = match endpoint.as_str() {
        "b2_list_buckets" => in_db(&state, call, buckets::list_buckets).await,
        "b2_create_bucket" => in_db(&state, call, buckets::create_bucket).await,
        "b2_update_bucket" => in_db(&state, call, buckets::update_bucket).await,
        "b2_delete_bucket" => in_db(&state, call, buckets::delete_bucket).await,
        "b2_get_upload_url" => upload::get_upload_url(&state, call).await,
        "b2_list_file_names" => return respond_text(files::list_file_names(&state, call).await),
        "b2_list_file_versions" => {
            return respond_text(files::list_file_versions(&state, call).await);
        }
        "b2_get_file_info" => in_db(&state, call, files::get_file_info).await,
        "b2_hide_file" => in_db(&state, call, files::hide_file).await,
        "b2_delete_file_version" => in_db(&state, call, files::delete_file_version).await,
        "b2_copy_file" => copy::copy_file(&state, call).await,
        "b2_start_large_file" => in_db(&state, call, large::start_large_file).await,
        "b2_get_upload_part_url" => large::get_upload_part_url(&state, call).await,
        "b2_finish_large_file" => large::finish_large_file(&state, call).await,
        "b2_cancel_large_file" => in_db(&state, call, large::cancel_large_file).await,
        "b2_list_parts" => in_db(&state, call, large::list_parts).await,
        "b2_list_unfinished_large_files" => {
            in_db(&state, call, large::list_unfinished_large_files).await
        }
        "b2_create_key" => in_db(&state, call, keys::create_key).await,
        "b2_list_keys" => in_db(&state, call, keys::list_keys).await,
        "b2_delete_key" => in_db(&state, call, keys::delete_key).await,
        "b2_copy_part" => large::copy_part(&state, call).await,
        "b2_get_download_authorization" => {
            in_db(&state, call, share::get_download_authorization).await
        }
        "b2_update_file_retention" => in_db(&state, call, lock::update_file_retention).await,
        "b2_update_file_legal_hold" => in_db(&state, call, lock::update_file_legal_hold).await,
        "b2_get_bucket_notification_rules" => in_db(&state, call, notifications::get_rules).await,
        "b2_set_bucket_notification_rules" => in_db(&state, call, notifications::set_rules).await,
        _ => Err(ApiError::not_found(format!("unknown endpoint {endpoint}"))),
    };
    respond(result)
}

const KNOWN: [&str; 26] = [
    "b2_list_buckets",
    "b2_create_bucket",
    "b2_update_bucket",
    "b2_delete_bucket",
    "b2_get_upload_url",
    "b2_list_file_names",
    "b2_list_file_versions",
    "b2_get_file_info",
    "b2_hide_file",
    "b2_delete_file_version",
    "b2_copy_file",
    "b2_start_large_file",
    "b2_get_upload_part_url",
    "b2_finish_large_file",
    "b2_cancel_large_file",
    "b2_list_parts",
    "b2_list_unfinished_large_files",
    "b2_create_key",
    "b2_list_keys",
    "b2_delete_key",
    "b2_copy_part",
    "b2_get_download_authorization",
    "b2_update_file_retention",
    "b2_update_file_legal_hold",
    "b2_get_bucket_notification_rules",
    "b2_set_bucket_notification_rules",
];

fn is_known(endpoint: &str) -> bool {
    KNOWN.contains(&endpoint)
}

fn unknown_endpoint(path: &str) -> ApiError {
    ApiError::not_found(format!("no such API endpoint: {path}"))
}

/// Anything no route matched.
pub async fn unknown(request: Request) -> Response {
    unknown_endpoint(request.uri().path()).into_response()
}

/// A JSON 200 answer, or the error.
pub fn respond(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => json_response(&value),
        Err(err) => err.into_response(),
    }
}

/// A JSON 200 answer already written as text, or the error.
fn respond_text(result: Result<Vec<u8>, ApiError>) -> Response {
    match result {
        Ok(text) => json_text_response(text),
        Err(err) => err.into_response(),
    }
}

pub fn json_response(value: &Value) -> Response {
    json_text_response(value.to_string().into_bytes())
}

fn json_text_response(text: Vec<u8>) -> Response {
    error::json_text_response(StatusCode::OK, text, "application/json;charset=UTF-8")
}
