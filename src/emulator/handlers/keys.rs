//! b2_create_key, b2_list_keys, b2_delete_key. A new key never exceeds its creator:
//! capabilities are a subset, bucket and name prefix at least as narrow, expiry no later.

use serde_json::{Value, json};

use super::shapes::key_json;
use super::{Call, check_account, page_and_next};
use crate::b2::vocabulary;
use crate::emulator::auth::Need;
use crate::emulator::error::ApiError;
use crate::emulator::store::Db;
use crate::emulator::store::NewKey;

const MAX_DURATION_SECS: i64 = 86_400_000;

/// The buckets a new key is restricted to: v4 `bucketIds` (any number; repeats
/// dropped), older versions a single `bucketId`. Absent: every bucket. An empty list (or
/// an empty string) is refused: it must never widen a key to every bucket.
fn requested_buckets(call: &Call) -> Result<Option<Vec<String>>, ApiError> {
    if call.version >= 4 {
        let Some(ids) = call.params.opt_strings("bucketIds")? else {
            return Ok(None);
        };
        if ids.is_empty() || ids.iter().any(String::is_empty) {
            return Err(ApiError::bad_request(
                "bucketIds must name at least one bucket; leave it out for a key for every bucket",
            ));
        }
        let mut unique: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids {
            if !unique.contains(&id) {
                unique.push(id);
            }
        }
        return Ok(Some(unique));
    }
    match call.params.opt_str("bucketId")? {
        Some(id) if id.is_empty() => Err(ApiError::bad_request("bucketId must not be empty")),
        other => Ok(other.map(|id| vec![id])),
    }
}

pub fn create_key(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let creator = call.authorize(db, now, Need::capability("writeKeys"))?;
    check_account(db, &call)?;
    let key_name = call.params.str("keyName")?;
    if key_name.is_empty()
        || key_name.len() > 100
        || !key_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(ApiError::bad_request(format!(
            "Invalid keyName: {key_name}: 1-100 letters, digits and '-'"
        )));
    }
    let capabilities = call
        .params
        .opt_strings("capabilities")?
        .ok_or_else(|| ApiError::bad_request("required field capabilities is missing"))?;
    if capabilities.is_empty() {
        return Err(ApiError::bad_request("capabilities must not be empty"));
    }
    for cap in &capabilities {
        if !vocabulary::is_capability(cap) {
            return Err(ApiError::bad_request(format!("unknown capability: {cap}")));
        }
        if !creator.has(cap) {
            return Err(ApiError::unauthorized(format!(
                "unauthorized: cannot grant {cap}, which the creating key lacks"
            )));
        }
    }
    let buckets = requested_buckets(&call)?;
    if let Some(ids) = &buckets {
        for id in ids {
            db.require_bucket(id)?;
        }
        if let Some(cap) = capabilities
            .iter()
            .find(|c| !vocabulary::is_bucket_level(c))
        {
            return Err(ApiError::bad_request(format!(
                "capability {cap} is not allowed on a key restricted to a bucket"
            )));
        }
    }
    if creator.buckets.is_some()
        && !buckets
            .as_ref()
            .is_some_and(|ids| ids.iter().all(|id| creator.allows_bucket(id)))
    {
        return Err(ApiError::unauthorized(
            "unauthorized: new key must be restricted to the creator's buckets",
        ));
    }
    let name_prefix = call.params.opt_str("namePrefix")?;
    if let Some(prefix) = &creator.name_prefix
        && !name_prefix
            .as_deref()
            .is_some_and(|p| p.starts_with(prefix.as_str()))
    {
        return Err(ApiError::unauthorized(
            "unauthorized: namePrefix must start with the creator's prefix",
        ));
    }
    let expires_ms = match call.params.opt_i64("validDurationInSeconds")? {
        None => None,
        Some(secs) if !(1..=MAX_DURATION_SECS).contains(&secs) => {
            return Err(ApiError::bad_request(format!(
                "validDurationInSeconds out of range: {secs}, must be 1-{MAX_DURATION_SECS}"
            )));
        }
        Some(secs) => Some(now + secs * 1000),
    };
    // A key cannot outlive the key that created it.
    let expires_ms = match (expires_ms, creator.expires_ms) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let (key, secret) = db.create_key(NewKey {
        key_name,
        capabilities,
        buckets,
        name_prefix,
        expires_ms,
    })?;
    Ok(key_json(&key, db.account_id(), call.version, Some(&secret)))
}

pub fn list_keys(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    call.authorize(db, now, Need::capability("listKeys"))?;
    check_account(db, &call)?;
    let max = call.params.count("maxKeyCount", 100, 10_000)?;
    let start = call
        .params
        .opt_str("startApplicationKeyId")?
        .unwrap_or_default();
    // §2.23 documents that v4 lists only multi-bucket keys and v1–v3 only the
    // others. b2sdk 2.13 and the b2 CLI 5 speak only v4, and their simulator's
    // b2_list_keys returns every key; `b2 key list` would miss ordinary keys
    // if v4 hid them. So v4 lists every key; v1–v3 skip multi-bucket keys,
    // which their single `bucketId` cannot describe.
    let (keys, next) = page_and_next(db.keys(&start, max + 1, call.version >= 4)?, max);
    let keys: Vec<Value> = keys
        .iter()
        .map(|k| key_json(k, db.account_id(), call.version, None))
        .collect();
    Ok(json!({"keys": keys, "nextApplicationKeyId": next.map(|k| k.key_id)}))
}

pub fn delete_key(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    call.authorize(db, now, Need::capability("deleteKeys"))?;
    let key_id = call.params.str("applicationKeyId")?;
    let key = db.delete_key(&key_id)?;
    Ok(key_json(&key, db.account_id(), call.version, None))
}
