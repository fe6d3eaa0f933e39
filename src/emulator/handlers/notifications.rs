//! b2_get_bucket_notification_rules and b2_set_bucket_notification_rules (§2.29, §5.1).

use serde_json::{Value, json};

use super::Call;
use crate::emulator::auth::Need;
use crate::emulator::error::ApiError;
use crate::emulator::events::rules::{rule_json, validate};
use crate::emulator::store::Db;

fn rules_answer(db: &Db, bucket_id: &str) -> Result<Value, ApiError> {
    let rules: Vec<Value> = db
        .notification_rules(bucket_id)?
        .iter()
        .map(|s| rule_json(&s.rule, s.is_suspended, &s.suspension_reason))
        .collect();
    Ok(json!({"bucketId": bucket_id, "eventNotificationRules": rules}))
}

pub fn get_rules(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let need = Need::capability("readBucketNotifications").bucket(&bucket_id);
    call.authorize(db, now, need)?;
    db.require_bucket(&bucket_id)?;
    rules_answer(db, &bucket_id)
}

/// Replaces all rules of the bucket; `isSuspended`/`suspensionReason` in the request are
/// ignored and every rule starts unsuspended.
pub fn set_rules(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let bucket_id = call.params.str("bucketId")?;
    let need = Need::capability("writeBucketNotifications").bucket(&bucket_id);
    call.authorize(db, now, need)?;
    db.require_bucket(&bucket_id)?;
    let rules = call
        .params
        .opt_json("eventNotificationRules")?
        .ok_or_else(|| ApiError::bad_request("required field eventNotificationRules is missing"))?;
    let rules = validate(&rules)?;
    db.set_notification_rules(&bucket_id, &rules)?;
    rules_answer(db, &bucket_id)
}
