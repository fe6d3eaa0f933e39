//! b2_get_download_authorization (§2.25): a token that downloads by name from one bucket,
//! under one name prefix, until it expires. The token is checked by `auth::authorize`.

use serde_json::{Map, Value, json};

use super::Call;
use super::download::OVERRIDES;
use crate::emulator::auth::Need;
use crate::emulator::error::ApiError;
use crate::emulator::store::Db;
use crate::emulator::store::{DownloadGrant, TokenKind};

/// Longest validity of a download authorization: one week.
const MAX_DURATION_SECS: i64 = 604_800;

pub fn get_download_authorization(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let prefix = call.params.str("fileNamePrefix")?;
    let need = Need::capability("shareFiles")
        .bucket(&bucket_id)
        .listing(&prefix);
    let key = call.authorize(db, now, need)?;
    db.require_bucket(&bucket_id)?;
    let secs = call
        .params
        .opt_i64("validDurationInSeconds")?
        .ok_or_else(|| ApiError::bad_request("required field validDurationInSeconds is missing"))?;
    if !(1..=MAX_DURATION_SECS).contains(&secs) {
        return Err(ApiError::bad_request(format!(
            "validDurationInSeconds out of range: {secs}, must be 1-{MAX_DURATION_SECS}"
        )));
    }
    let mut overrides = Map::new();
    for (param, _) in OVERRIDES {
        if let Some(value) = call.params.opt_str(param)? {
            if axum::http::HeaderValue::try_from(value.as_str()).is_err() {
                return Err(ApiError::bad_request(format!(
                    "Invalid {param}: not a valid header value"
                )));
            }
            overrides.insert(param.to_string(), Value::String(value));
        }
    }
    let expires = now.saturating_add(secs * 1000);
    let expires = key.expires_ms.map_or(expires, |e| e.min(expires));
    let token = db.issue_token(&key.key_id, TokenKind::Download(bucket_id.clone()), expires)?;
    db.put_download_grant(
        &token,
        &DownloadGrant {
            bucket_id: bucket_id.clone(),
            prefix: prefix.clone(),
            overrides,
        },
    )?;
    Ok(json!({
        "authorizationToken": token,
        "bucketId": bucket_id,
        "fileNamePrefix": prefix,
    }))
}
