//! The one authorization check every handler calls: token → key → capability → bucket
//! restriction → name-prefix restriction, answering with B2's 401 codes. Download
//! authorization tokens (b2_get_download_authorization) are checked here too.

use serde_json::{Map, Value};

use crate::emulator::error::ApiError;
use crate::emulator::store::{Db, KeyRow, TokenKind};

/// What a call needs from its token.
#[derive(Debug, Default, Clone, Copy)]
pub struct Need<'a> {
    /// Required capability (None: any valid token of the right kind).
    pub capability: Option<&'static str>,
    /// Further capabilities the call needs (Object Lock fields, bypassGovernance, ...).
    pub also: &'a [&'static str],
    /// Bucket the call touches; a bucket-restricted key must match it.
    pub bucket_id: Option<&'a str>,
    /// File name the call touches; must start with the key's name prefix.
    pub file_name: Option<&'a str>,
    /// Listing prefix; must start with the key's name prefix.
    pub list_prefix: Option<&'a str>,
    /// Download by name: a download authorization token for `bucket_id` and a prefix of
    /// `file_name` is accepted too. Holds the `b2*` query values of the request, which
    /// must repeat every value baked into such a token.
    pub download: Option<&'a Map<String, Value>>,
}

impl<'a> Need<'a> {
    pub fn capability(capability: &'static str) -> Need<'a> {
        Need {
            capability: Some(capability),
            ..Need::default()
        }
    }

    pub fn bucket(mut self, bucket_id: &'a str) -> Need<'a> {
        self.bucket_id = Some(bucket_id);
        self
    }

    pub fn file(mut self, name: &'a str) -> Need<'a> {
        self.file_name = Some(name);
        self
    }

    pub fn listing(mut self, prefix: &'a str) -> Need<'a> {
        self.list_prefix = Some(prefix);
        self
    }

    pub fn also(mut self, capabilities: &'a [&'static str]) -> Need<'a> {
        self.also = capabilities;
        self
    }

    pub fn download(mut self, given: &'a Map<String, Value>) -> Need<'a> {
        self.download = Some(given);
        self
    }
}

/// 401 `unauthorized` (message `unauthorized`, as B2) unless `key` holds `capability`.
pub fn require(key: &KeyRow, capability: &str) -> Result<(), ApiError> {
    if key.has(capability) {
        Ok(())
    } else {
        // B2 names no capability; clients explain a bare `unauthorized` themselves.
        Err(ApiError::unauthorized("unauthorized"))
    }
}

/// Checks a download authorization token against a download by name. The answer is the
/// issuing key stripped of capabilities: such a token reads content, nothing else.
fn authorize_grant(
    db: &Db,
    token: &str,
    key: KeyRow,
    need: &Need,
    given: &Map<String, Value>,
) -> Result<KeyRow, ApiError> {
    let grant = db
        .download_grant(token)?
        .ok_or_else(|| ApiError::bad_auth_token("Invalid authorization token"))?;
    if need.bucket_id != Some(grant.bucket_id.as_str()) {
        return Err(ApiError::unauthorized(
            "unauthorized: download authorization is for another bucket",
        ));
    }
    if !need
        .file_name
        .is_some_and(|name| name.starts_with(grant.prefix.as_str()))
    {
        return Err(ApiError::unauthorized(format!(
            "unauthorized: download authorization covers only names starting with {}",
            grant.prefix
        )));
    }
    for (param, value) in &grant.overrides {
        if given.get(param) != Some(value) {
            return Err(ApiError::unauthorized(format!(
                "unauthorized: {param} must be {} as in the download authorization",
                value.as_str().unwrap_or_default()
            )));
        }
    }
    Ok(KeyRow {
        capabilities: Vec::new(),
        ..key
    })
}

/// Checks `token` (the raw `Authorization` value) for a call of token kind `kind`.
pub fn authorize(
    db: &Db,
    token: Option<&str>,
    kind: &TokenKind,
    now_ms: i64,
    need: Need,
) -> Result<KeyRow, ApiError> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::bad_auth_token("missing Authorization header"))?;
    let (row, key) = db
        .token(token)?
        .ok_or_else(|| ApiError::bad_auth_token("Invalid authorization token"))?;
    let grant = matches!(row.kind, TokenKind::Download(_));
    if row.kind != *kind && !(grant && need.download.is_some()) {
        let message = match kind {
            TokenKind::Account => "Not an account authorization token",
            TokenKind::Upload(_) => "Invalid upload authorization token for this URL",
            TokenKind::Part(_) => "Invalid upload part authorization token for this URL",
            TokenKind::Download(_) => "Not a download authorization token",
        };
        return Err(ApiError::bad_auth_token(message));
    }
    if row.expires_ms <= now_ms || key.expires_ms.is_some_and(|e| e <= now_ms) {
        return Err(ApiError::expired_auth_token());
    }
    if let (true, Some(given)) = (grant, need.download) {
        return authorize_grant(db, token, key, &need, given);
    }
    for capability in need.capability.iter().chain(need.also) {
        require(&key, capability)?;
    }
    if let Some(bucket) = need.bucket_id
        && !key.allows_bucket(bucket)
    {
        return Err(ApiError::unauthorized(
            "unauthorized: key is restricted to another bucket",
        ));
    }
    if let Some(prefix) = &key.name_prefix {
        if let Some(name) = need.file_name
            && !name.starts_with(prefix.as_str())
        {
            return Err(ApiError::unauthorized(format!(
                "unauthorized: key is restricted to names starting with {prefix}"
            )));
        }
        if let Some(list) = need.list_prefix
            && !list.starts_with(prefix.as_str())
        {
            return Err(ApiError::unauthorized(format!(
                "unauthorized: key is restricted to prefix {prefix}; pass a prefix starting with it"
            )));
        }
    }
    Ok(key)
}
