//! `replicationConfiguration` of b2_create_bucket / b2_update_bucket: validated as B2 does
//! and returned in the stored form `{asReplicationSource, asReplicationDestination}` (each
//! null when absent; null as a whole when both are).
//!
//! Source side: `sourceApplicationKeyId` names an existing key with `readFiles` on the
//! bucket; at most two rules (B2's limit per source bucket), each with a unique name of
//! 1–64 letters, digits, `-` or `_`, an existing destination bucket other than itself, a
//! priority in 1..=2^31−1, and booleans `isEnabled` / `includeExistingFiles`. A source with
//! Object Lock needs a destination with Object Lock (400 `source_replication_conflict`).
//! Destination side: `sourceToDestinationKeyMapping` maps source key ids to existing keys
//! of this account allowed on this bucket. Whether the destination key may write is found
//! out at delivery time: the version's status becomes `failed` (the source account cannot
//! see the destination's keys on B2 either).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::Call;
use crate::emulator::auth::require;
use crate::emulator::error::ApiError;
use crate::emulator::store::{BucketRow, Db, KeyRow};

/// Rules a source bucket may have.
pub const MAX_RULES: usize = 2;
const MAX_PRIORITY: i64 = 2_147_483_647;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
}

/// The bucket being configured: None while it is being created.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub bucket_id: Option<&'a str>,
    pub file_lock: bool,
}

/// The validated configuration of the call, if it gives one (needs
/// `writeBucketReplications`).
pub fn configuration(
    db: &Db,
    call: &Call,
    key: &KeyRow,
    target: Target,
) -> Result<Option<Value>, ApiError> {
    let Some(value) = call.params.opt_json("replicationConfiguration")? else {
        return Ok(None);
    };
    require(key, "writeBucketReplications")?;
    let config = match value {
        Value::Null => return Ok(Some(Value::Null)),
        Value::Object(map) => map,
        _ => return Err(bad("replicationConfiguration must be an object")),
    };
    if let Some(unknown) = config
        .keys()
        .find(|k| *k != "asReplicationSource" && *k != "asReplicationDestination")
    {
        return Err(bad(format!(
            "replicationConfiguration: unknown field {unknown}"
        )));
    }
    let source = match config.get("asReplicationSource") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Object(source)) => as_source(db, source, target)?,
        Some(_) => return Err(bad("asReplicationSource must be an object")),
    };
    let destination = match config.get("asReplicationDestination") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Object(dest)) => as_destination(db, dest, target)?,
        Some(_) => return Err(bad("asReplicationDestination must be an object")),
    };
    if source.is_null() && destination.is_null() {
        return Ok(Some(Value::Null));
    }
    Ok(Some(json!({
        "asReplicationDestination": destination,
        "asReplicationSource": source,
    })))
}

/// A key that exists, has not expired, and may touch the target bucket.
fn existing_key(db: &Db, field: &str, key_id: &str, target: Target) -> Result<KeyRow, ApiError> {
    let key = db
        .key(key_id)?
        .ok_or_else(|| bad(format!("{field}: no application key {key_id}")))?;
    let allowed = match target.bucket_id {
        Some(id) => key.allows_bucket(id),
        None => key.buckets.is_none(),
    };
    if !allowed {
        return Err(bad(format!(
            "{field}: application key {key_id} is not allowed on this bucket"
        )));
    }
    Ok(key)
}

fn as_source(db: &Db, source: &Map<String, Value>, target: Target) -> Result<Value, ApiError> {
    let key_id = source
        .get("sourceApplicationKeyId")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| bad("asReplicationSource: sourceApplicationKeyId is required"))?;
    let key = existing_key(db, "sourceApplicationKeyId", key_id, target)?;
    if !key.has("readFiles") {
        return Err(bad(format!(
            "sourceApplicationKeyId: application key {key_id} lacks readFiles"
        )));
    }
    let rules = match source.get("replicationRules") {
        Some(Value::Array(rules)) => rules,
        None | Some(Value::Null) => {
            return Err(bad("asReplicationSource: replicationRules is required"));
        }
        Some(_) => return Err(bad("replicationRules must be an array")),
    };
    if rules.len() > MAX_RULES {
        return Err(bad(format!(
            "replicationRules: at most {MAX_RULES} rules per source bucket"
        )));
    }
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for rule in rules {
        let rule = one_rule(db, rule, target)?;
        let name = rule["replicationRuleName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if names.contains(&name) {
            return Err(bad(format!(
                "replicationRules: duplicate replicationRuleName {name}"
            )));
        }
        names.push(name);
        out.push(rule);
    }
    Ok(json!({"replicationRules": out, "sourceApplicationKeyId": key_id}))
}

fn valid_rule_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn one_rule(db: &Db, rule: &Value, target: Target) -> Result<Value, ApiError> {
    let Value::Object(rule) = rule else {
        return Err(bad("replicationRules: each rule must be an object"));
    };
    let name = rule
        .get("replicationRuleName")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("replicationRules: replicationRuleName is required"))?;
    if !valid_rule_name(name) {
        return Err(bad(format!(
            "replicationRuleName {name:?}: 1 to 64 letters, digits, '-' or '_'"
        )));
    }
    let dest_id = rule
        .get("destinationBucketId")
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty())
        .ok_or_else(|| {
            bad(format!(
                "replication rule {name}: destinationBucketId is required"
            ))
        })?;
    if target.bucket_id == Some(dest_id) {
        return Err(bad(format!(
            "replication rule {name}: a bucket cannot replicate into itself"
        )));
    }
    let dest: BucketRow = db.bucket(dest_id)?.ok_or_else(|| {
        bad(format!(
            "replication rule {name}: destination bucket {dest_id} does not exist"
        ))
    })?;
    if target.file_lock && !dest.file_lock {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "source_replication_conflict",
            format!(
                "replication rule {name}: the source bucket has Object Lock enabled, so the \
                 destination bucket {} must have it too",
                dest.name
            ),
        ));
    }
    let prefix = match rule.get("fileNamePrefix") {
        None | Some(Value::Null) => "",
        Some(Value::String(p)) => p.as_str(),
        Some(_) => {
            return Err(bad(format!(
                "replication rule {name}: fileNamePrefix must be a string"
            )));
        }
    };
    let priority = match rule.get("priority") {
        None | Some(Value::Null) => 128,
        Some(p) => p
            .as_i64()
            .filter(|p| (1..=MAX_PRIORITY).contains(p))
            .ok_or_else(|| {
                bad(format!(
                    "replication rule {name}: priority must be an integer from 1 to {MAX_PRIORITY}"
                ))
            })?,
    };
    let flag = |field: &str, default: bool| match rule.get(field) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(format!(
            "replication rule {name}: {field} must be true or false"
        ))),
    };
    Ok(json!({
        "destinationBucketId": dest_id,
        "fileNamePrefix": prefix,
        "includeExistingFiles": flag("includeExistingFiles", false)?,
        "isEnabled": flag("isEnabled", true)?,
        "priority": priority,
        "replicationRuleName": name,
    }))
}

fn as_destination(db: &Db, dest: &Map<String, Value>, target: Target) -> Result<Value, ApiError> {
    let mapping = match dest.get("sourceToDestinationKeyMapping") {
        Some(Value::Object(mapping)) => mapping,
        None | Some(Value::Null) => {
            return Err(bad(
                "asReplicationDestination: sourceToDestinationKeyMapping is required",
            ));
        }
        Some(_) => return Err(bad("sourceToDestinationKeyMapping must be an object")),
    };
    if mapping.is_empty() {
        return Ok(Value::Null);
    }
    for (source_key, dest_key) in mapping {
        let dest_key = dest_key.as_str().unwrap_or_default();
        if source_key.is_empty() || dest_key.is_empty() {
            return Err(bad(
                "sourceToDestinationKeyMapping: key ids must be non-empty strings",
            ));
        }
        existing_key(db, "sourceToDestinationKeyMapping", dest_key, target)?;
    }
    Ok(json!({"sourceToDestinationKeyMapping": mapping}))
}

/// After a bucket's configuration changed: queue its existing files for new rules that
/// include them, and when its key mapping as a destination changed, try the copies that
/// failed into it again at the next delivery.
pub fn after_change(db: &Db, before: &Value, row: &BucketRow) -> Result<(), ApiError> {
    if before != &row.replication {
        db.replicate_existing(row, before)?;
        let destination = |config: &Value| config.get("asReplicationDestination").cloned();
        if destination(before) != destination(&row.replication) {
            db.retry_replications_now(Some(&row.bucket_id))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::valid_rule_name;

    #[test]
    fn rule_names() {
        assert!(valid_rule_name("to-backup_2"));
        assert!(valid_rule_name(&"a".repeat(64)));
        assert!(!valid_rule_name(&"a".repeat(65)));
        assert!(!valid_rule_name(""));
        assert!(!valid_rule_name("has space"));
        assert!(!valid_rule_name("dot.name"));
    }
}
