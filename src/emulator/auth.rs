//! The one authorization check every handler calls: token → key → capability → bucket
//! restriction → name-prefix restriction, answering with B2's 401 codes.

use crate::emulator::error::ApiError;
use crate::emulator::store::{Db, KeyRow, TokenKind};

/// What a call needs from its token.
#[derive(Debug, Default, Clone, Copy)]
pub struct Need<'a> {
    /// Required capability (None: any valid token of the right kind).
    pub capability: Option<&'static str>,
    /// Bucket the call touches; a bucket-restricted key must match it.
    pub bucket_id: Option<&'a str>,
    /// File name the call touches; must start with the key's name prefix.
    pub file_name: Option<&'a str>,
    /// Listing prefix; must start with the key's name prefix.
    pub list_prefix: Option<&'a str>,
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
    if row.kind != *kind {
        let message = match kind {
            TokenKind::Account => "Not an account authorization token",
            TokenKind::Upload(_) => "Invalid upload authorization token for this URL",
            TokenKind::Part(_) => "Invalid upload part authorization token for this URL",
        };
        return Err(ApiError::bad_auth_token(message));
    }
    if row.expires_ms <= now_ms || key.expires_ms.is_some_and(|e| e <= now_ms) {
        return Err(ApiError::expired_auth_token());
    }
    if let Some(capability) = need.capability
        && !key.has(capability)
    {
        return Err(ApiError::unauthorized(format!(
            "unauthorized: key lacks {capability}"
        )));
    }
    if let (Some(allowed), Some(bucket)) = (&key.bucket_id, need.bucket_id)
        && allowed != bucket
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
