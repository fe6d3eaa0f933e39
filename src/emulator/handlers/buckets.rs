//! b2_list_buckets, b2_create_bucket, b2_update_bucket, b2_delete_bucket.

use serde_json::{Value, json};

use super::shapes::bucket_json;
use super::{Call, check_account};
use crate::emulator::auth::{Need, require};
use crate::emulator::error::ApiError;
use crate::emulator::names;
use crate::emulator::store::Db;

use super::lock::parse_default_retention;
use crate::emulator::store::{BucketUpdate, KeyRow, NewBucket};

const DEFAULT_TYPES: [&str; 3] = ["allPublic", "allPrivate", "snapshot"];
const KNOWN_TYPES: [&str; 5] = [
    "allPublic",
    "allPrivate",
    "snapshot",
    "restricted",
    "shared",
];

fn bucket_types(call: &Call) -> Result<Option<Vec<String>>, ApiError> {
    let Some(types) = call.params.opt_strings("bucketTypes")? else {
        return Ok(None);
    };
    if types.is_empty() {
        return Err(ApiError::bad_request("bucketTypes must not be empty"));
    }
    if types.iter().any(|t| t == "all") {
        if types.len() > 1 {
            return Err(ApiError::bad_request(
                "bucketTypes: \"all\" cannot be combined with other types",
            ));
        }
        return Ok(Some(Vec::new()));
    }
    if let Some(bad) = types.iter().find(|t| !KNOWN_TYPES.contains(&t.as_str())) {
        return Err(ApiError::bad_request(format!(
            "bucketTypes: unknown bucket type {bad}"
        )));
    }
    Ok(Some(types))
}

pub fn list_buckets(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let key = call.authorize(db, now, Need::capability("listBuckets"))?;
    check_account(db, &call)?;
    let by_id = call.params.opt_str("bucketId")?;
    let by_name = call.params.opt_str("bucketName")?;
    // None = default types; Some(empty) = every type.
    let types = bucket_types(&call)?;
    // A single-bucket key must name its bucket (v2+); a multi-bucket key (v4) may
    // list all of its buckets or name one of them.
    if let Some(allowed) = &key.buckets
        && call.version >= 2
    {
        let names_it = match (&by_id, &by_name) {
            (Some(id), _) => key.allows_bucket(id),
            (None, Some(name)) => {
                let mut found = false;
                for id in allowed {
                    found |= db.bucket(id)?.is_some_and(|b| &b.name == name);
                }
                found
            }
            (None, None) => key.is_multi_bucket(),
        };
        if !names_it {
            return Err(ApiError::unauthorized(
                "unauthorized: this key is restricted to one bucket; pass its bucketId or bucketName",
            ));
        }
    }
    let buckets: Vec<Value> = db
        .buckets()?
        .into_iter()
        .filter(|b| key.allows_bucket(&b.bucket_id))
        .filter(|b| by_id.as_ref().is_none_or(|id| *id == b.bucket_id))
        .filter(|b| by_name.as_ref().is_none_or(|name| *name == b.name))
        .filter(|b| match &types {
            None => DEFAULT_TYPES.contains(&b.bucket_type.as_str()),
            Some(list) if list.is_empty() => true,
            Some(list) => list.contains(&b.bucket_type),
        })
        .map(|b| bucket_json(&b, db.account_id(), call.viewer(&key)))
        .collect();
    Ok(json!({ "buckets": buckets }))
}

fn bucket_type(call: &Call, required: bool) -> Result<Option<String>, ApiError> {
    let value = if required {
        Some(call.params.str("bucketType")?)
    } else {
        call.params.opt_str("bucketType")?
    };
    match value {
        Some(t) if t != "allPublic" && t != "allPrivate" => Err(ApiError::bad_request(format!(
            "Invalid bucketType: {t}: must be allPublic or allPrivate"
        ))),
        other => Ok(other),
    }
}

fn string_map(call: &Call, field: &str) -> Result<Option<Value>, ApiError> {
    match call.params.opt_json(field)? {
        None => Ok(None),
        Some(Value::Object(map)) if map.values().all(Value::is_string) => {
            Ok(Some(Value::Object(map)))
        }
        Some(_) => Err(ApiError::bad_request(format!(
            "{field} must be an object of strings"
        ))),
    }
}

fn array_field(call: &Call, field: &str) -> Result<Option<Value>, ApiError> {
    match call.params.opt_json(field)? {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(Value::Array(items))),
        Some(_) => Err(ApiError::bad_request(format!("{field} must be an array"))),
    }
}

/// Validates lifecycle rules (§4) and returns them in canonical form.
fn lifecycle_rules(call: &Call) -> Result<Option<Value>, ApiError> {
    let Some(Value::Array(rules)) = array_field(call, "lifecycleRules")? else {
        return Ok(None);
    };
    if rules.len() > 100 {
        return Err(ApiError::bad_request("lifecycleRules: at most 100 rules"));
    }
    let mut out = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    for rule in &rules {
        let prefix = rule
            .get("fileNamePrefix")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::bad_request("lifecycleRules: fileNamePrefix is required"))?;
        let mut canonical = json!({"fileNamePrefix": prefix});
        let mut any = false;
        for field in [
            "daysFromHidingToDeleting",
            "daysFromUploadingToHiding",
            "daysFromStartingToCancelingUnfinishedLargeFiles",
        ] {
            let value = rule.get(field).cloned().unwrap_or(Value::Null);
            match &value {
                Value::Null => {}
                Value::Number(n) if n.as_i64().is_some_and(|d| d > 0) => any = true,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "lifecycleRules: {field} must be a positive integer or null"
                    )));
                }
            }
            if field != "daysFromStartingToCancelingUnfinishedLargeFiles" || !value.is_null() {
                canonical[field] = value;
            }
        }
        if !any {
            return Err(ApiError::bad_request(
                "lifecycleRules: a rule needs at least one days value",
            ));
        }
        if prefixes
            .iter()
            .any(|p| p.starts_with(prefix) || prefix.starts_with(p.as_str()))
        {
            return Err(ApiError::bad_request(format!(
                "lifecycleRules: prefix {prefix:?} overlaps another rule"
            )));
        }
        prefixes.push(prefix.to_string());
        out.push(canonical);
    }
    Ok(Some(Value::Array(out)))
}

/// `defaultServerSideEncryption` in stored form (`{"algorithm","mode"}`).
fn encryption(call: &Call, key: &KeyRow) -> Result<Option<Value>, ApiError> {
    let Some(value) = call.params.opt_json("defaultServerSideEncryption")? else {
        return Ok(None);
    };
    require(key, "writeBucketEncryption")?;
    match value.get("mode").and_then(Value::as_str) {
        Some("SSE-B2") => Ok(Some(json!({"algorithm": "AES256", "mode": "SSE-B2"}))),
        Some("none") | None => Ok(Some(json!({"algorithm": null, "mode": null}))),
        Some(other) => Err(ApiError::bad_request(format!(
            "defaultServerSideEncryption: unknown mode {other}"
        ))),
    }
}

pub fn create_bucket(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let file_lock = call.params.opt_bool("fileLockEnabled")?.unwrap_or(false);
    let retentions: &[&str] = if file_lock {
        &["writeBucketRetentions"]
    } else {
        &[]
    };
    let key = call.authorize(db, now, Need::capability("writeBuckets").also(retentions))?;
    check_account(db, &call)?;
    if key.buckets.is_some() {
        return Err(ApiError::unauthorized(
            "unauthorized: a bucket-restricted key cannot create buckets",
        ));
    }
    let name = call.params.str("bucketName")?;
    names::validate_bucket_name(&name)?;
    let new = NewBucket {
        name,
        bucket_type: bucket_type(&call, true)?.unwrap_or_default(),
        info: string_map(&call, "bucketInfo")?,
        cors: super::cors::cors_rules(&call)?,
        lifecycle: lifecycle_rules(&call)?,
        sse: encryption(&call, &key)?,
        file_lock,
        replication: super::replication::configuration(
            db,
            &call,
            &key,
            super::replication::Target {
                bucket_id: None,
                file_lock,
            },
        )?,
    };
    let row = db.create_bucket(new, now)?;
    Ok(bucket_json(&row, db.account_id(), call.viewer(&key)))
}

pub fn update_bucket(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let file_lock = call.params.opt_bool("fileLockEnabled")?;
    let default_retention = call
        .params
        .opt_json("defaultRetention")?
        .map(|v| parse_default_retention(&v))
        .transpose()?;
    let retentions: &[&str] = if file_lock.is_some() || default_retention.is_some() {
        &["writeBucketRetentions"]
    } else {
        &[]
    };
    let need = Need::capability("writeBuckets")
        .also(retentions)
        .bucket(&bucket_id);
    let key = call.authorize(db, now, need)?;
    check_account(db, &call)?;
    let before = db.require_bucket(&bucket_id)?;
    let target = super::replication::Target {
        bucket_id: Some(&bucket_id),
        file_lock: file_lock.unwrap_or(before.file_lock),
    };
    let replication = super::replication::configuration(db, &call, &key, target)?;
    let update = BucketUpdate {
        bucket_type: bucket_type(&call, false)?,
        info: string_map(&call, "bucketInfo")?,
        cors: super::cors::cors_rules(&call)?,
        lifecycle: lifecycle_rules(&call)?,
        sse: encryption(&call, &key)?,
        file_lock,
        default_retention,
        if_revision_is: call.params.opt_i64("ifRevisionIs")?,
        replication,
    };
    let row = db.update_bucket(&bucket_id, update)?;
    super::replication::after_change(db, &before.replication, &row)?;
    Ok(bucket_json(&row, db.account_id(), call.viewer(&key)))
}

pub fn delete_bucket(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let need = Need::capability("deleteBuckets").bucket(&bucket_id);
    let key = call.authorize(db, now, need)?;
    check_account(db, &call)?;
    let row = db.delete_bucket(&bucket_id)?;
    Ok(bucket_json(&row, db.account_id(), call.viewer(&key)))
}
