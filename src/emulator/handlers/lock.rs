//! Object Lock on files (§6): b2_update_file_retention, b2_update_file_legal_hold, the
//! retention and legal hold given when a file is written (upload headers, or
//! `fileRetention` / `legalHold` in b2_start_large_file and b2_copy_file), the bucket's
//! default retention, and the rule that protected versions cannot be deleted.

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::files::check_file_id;
use super::{Call, Params};
use crate::emulator::auth::{Need, require};
use crate::emulator::error::ApiError;
use crate::emulator::store::{Action, BucketRow, Db, FileLock, KeyRow, VersionRow};

const DAY_MS: i64 = 86_400_000;

/// 400 `bucket_missing_file_lock`, as B2 answers lock changes on an ordinary bucket.
pub fn bucket_missing_file_lock() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bucket_missing_file_lock",
        "The bucket is not file lock enabled",
    )
}

/// A change refused because Object Lock protects the version.
fn access_denied() -> ApiError {
    ApiError::unauthorized("Access Denied")
}

/// A retention change refused because Object Lock protects the version: 403
/// `access_denied`, as B2 answers b2_update_file_retention.
fn retention_denied() -> ApiError {
    ApiError::access_denied("Access Denied")
}

/// 400 `retain_until_timestamp_must_be_in_future`, B2's answer to a past retain-until time.
fn retain_until_in_past() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "retain_until_timestamp_must_be_in_future",
        "The retainUntilTimestamp must be in future",
    )
}

/// A retention setting: mode (`governance` or `compliance`) and retain-until time, or none.
pub type Retention = Option<(String, i64)>;

fn parse_mode(mode: &str) -> Result<String, ApiError> {
    match mode {
        "governance" | "compliance" => Ok(mode.to_string()),
        other => Err(ApiError::bad_request(format!(
            "Invalid retention mode: {other}: must be governance or compliance"
        ))),
    }
}

/// `{"mode": …, "retainUntilTimestamp": …}`; a null mode means no retention.
fn parse_retention(value: &Value) -> Result<Retention, ApiError> {
    let Value::Object(map) = value else {
        return Err(ApiError::bad_request("fileRetention must be an object"));
    };
    let until = match map.get("retainUntilTimestamp") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            ApiError::bad_request("fileRetention.retainUntilTimestamp must be an integer")
        })?),
    };
    match (map.get("mode"), until) {
        (None | Some(Value::Null), None) => Ok(None),
        (None | Some(Value::Null), Some(_)) => Err(ApiError::bad_request(
            "fileRetention.retainUntilTimestamp needs a mode",
        )),
        (Some(Value::String(mode)), Some(until)) => Ok(Some((parse_mode(mode)?, until))),
        (Some(Value::String(_)), None) => Err(ApiError::bad_request(
            "fileRetention.retainUntilTimestamp is required with a mode",
        )),
        (Some(_), _) => Err(ApiError::bad_request(
            "fileRetention.mode must be a string or null",
        )),
    }
}

fn parse_legal_hold(value: &str) -> Result<String, ApiError> {
    match value {
        "on" | "off" => Ok(value.to_string()),
        other => Err(ApiError::bad_request(format!(
            "Invalid legalHold: {other}: must be on or off"
        ))),
    }
}

/// Retention and legal hold asked for when writing a new file.
#[derive(Debug, Clone, Default)]
pub struct LockRequest {
    retention: Retention,
    legal_hold: Option<String>,
}

impl LockRequest {
    /// From `X-Bz-File-Legal-Hold` and `X-Bz-File-Retention-*` upload headers.
    pub fn from_headers(headers: &HeaderMap) -> Result<LockRequest, ApiError> {
        let get = |name: &str| -> Result<Option<String>, ApiError> {
            headers
                .get(name)
                .map(|v| {
                    v.to_str()
                        .map(|s| s.trim().to_string())
                        .map_err(|_| ApiError::bad_request(format!("invalid header {name}")))
                })
                .transpose()
        };
        let mode = get("x-bz-file-retention-mode")?;
        let until = get("x-bz-file-retention-retain-until-timestamp")?;
        let retention = match (mode, until) {
            (None, None) => None,
            (Some(mode), Some(until)) => {
                let until = until.parse::<i64>().map_err(|_| {
                    ApiError::bad_request(format!(
                        "Invalid X-Bz-File-Retention-Retain-Until-Timestamp: {until}"
                    ))
                })?;
                Some((parse_mode(&mode)?, until))
            }
            (Some(_), None) => {
                return Err(ApiError::bad_request(
                    "X-Bz-File-Retention-Mode needs X-Bz-File-Retention-Retain-Until-Timestamp",
                ));
            }
            (None, Some(_)) => {
                return Err(ApiError::bad_request(
                    "X-Bz-File-Retention-Retain-Until-Timestamp needs X-Bz-File-Retention-Mode",
                ));
            }
        };
        let legal_hold = get("x-bz-file-legal-hold")?
            .map(|v| parse_legal_hold(&v))
            .transpose()?;
        Ok(LockRequest {
            retention,
            legal_hold,
        })
    }

    /// From `fileRetention` and `legalHold` of a JSON call.
    pub fn from_params(params: &Params) -> Result<LockRequest, ApiError> {
        let retention = match params.opt_json("fileRetention")? {
            Some(value) => parse_retention(&value)?,
            None => None,
        };
        let legal_hold = params
            .opt_str("legalHold")?
            .map(|v| parse_legal_hold(&v))
            .transpose()?;
        Ok(LockRequest {
            retention,
            legal_hold,
        })
    }

    /// Capabilities the request needs beyond writing the file.
    pub fn capabilities(&self) -> &'static [&'static str] {
        match (self.retention.is_some(), self.legal_hold.is_some()) {
            (false, false) => &[],
            (true, false) => &["writeFileRetentions"],
            (false, true) => &["writeFileLegalHolds"],
            (true, true) => &["writeFileRetentions", "writeFileLegalHolds"],
        }
    }

    /// Checks the request against the bucket; the lock to store on the new version,
    /// with the bucket's default retention when none was asked for.
    pub fn resolve(&self, bucket: &BucketRow, now: i64) -> Result<FileLock, ApiError> {
        if !bucket.file_lock {
            if self.retention.is_some() || self.legal_hold.is_some() {
                return Err(bucket_missing_file_lock());
            }
            return Ok(FileLock::default());
        }
        let (mode, until) = match &self.retention {
            Some((mode, until)) => {
                if *until <= now {
                    return Err(retain_until_in_past());
                }
                (Some(mode.clone()), Some(*until))
            }
            None => match default_retention(bucket, now) {
                Some((mode, until)) => (Some(mode), Some(until)),
                None => (None, None),
            },
        };
        Ok(FileLock {
            mode,
            retain_until: until,
            legal_hold: self.legal_hold.clone(),
        })
    }
}

/// The bucket's `defaultRetention` applied to a file written at `now`.
fn default_retention(bucket: &BucketRow, now: i64) -> Retention {
    let rule = &bucket.default_retention;
    let mode = rule.get("mode")?.as_str()?;
    let period = rule.get("period")?;
    let duration = period.get("duration")?.as_i64()?;
    let unit_ms = match period.get("unit")?.as_str()? {
        "days" => DAY_MS,
        "years" => 365 * DAY_MS,
        _ => return None,
    };
    Some((
        mode.to_string(),
        now.saturating_add(duration.saturating_mul(unit_ms)),
    ))
}

/// Validates `defaultRetention` of b2_update_bucket and returns its stored form.
pub fn parse_default_retention(value: &Value) -> Result<Value, ApiError> {
    let invalid = |why: &str| ApiError::bad_request(format!("Invalid defaultRetention: {why}"));
    let Value::Object(map) = value else {
        return Err(invalid("must be an object"));
    };
    let period = map.get("period").filter(|p| !p.is_null());
    let mode = match map.get("mode") {
        None | Some(Value::Null) => {
            if period.is_some() {
                return Err(invalid("a period needs a mode"));
            }
            return Ok(json!({"mode": null, "period": null}));
        }
        Some(Value::String(mode)) => parse_mode(mode)?,
        Some(_) => return Err(invalid("mode must be a string or null")),
    };
    let period = period.ok_or_else(|| invalid("a mode needs a period"))?;
    let duration = period
        .get("duration")
        .and_then(Value::as_i64)
        .filter(|d| *d > 0)
        .ok_or_else(|| invalid("period.duration must be a positive integer"))?;
    let unit = match period.get("unit").and_then(Value::as_str) {
        Some(unit @ ("days" | "years")) => unit,
        _ => return Err(invalid("period.unit must be days or years")),
    };
    Ok(json!({"mode": mode, "period": {"duration": duration, "unit": unit}}))
}

/// Refuses to delete a version under legal hold or unexpired retention; governance
/// retention yields to `bypassGovernance:true` from a key with that capability.
pub fn check_delete(
    version: &VersionRow,
    key: &KeyRow,
    bypass: bool,
    now: i64,
) -> Result<(), ApiError> {
    if version.lock.is_held() {
        return Err(access_denied());
    }
    match version.lock.active_mode(now) {
        Some("governance") if bypass => require(key, "bypassGovernance"),
        Some(_) => Err(access_denied()),
        None => Ok(()),
    }
}

/// The version named by `fileId` + `fileName` of a lock call, with its token checked.
fn locked_target(
    db: &Db,
    call: &Call,
    now: i64,
    capability: &'static str,
) -> Result<(VersionRow, KeyRow), ApiError> {
    let name = call.params.str("fileName")?;
    let file_id = call.params.str("fileId")?;
    let bucket_id = crate::emulator::ids::bucket_of_file_id(&file_id)
        .unwrap_or_default()
        .to_string();
    let need = Need::capability(capability).bucket(&bucket_id).file(&name);
    let key = call.authorize(db, now, need)?;
    check_file_id(&file_id)?;
    let version = db
        .version(&file_id)?
        .filter(|v| v.name == name)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "file_not_present",
                format!("File not present: {name} {file_id}"),
            )
        })?;
    check_lockable(db, &version)?;
    Ok((version, key))
}

/// Refuses a lock change on a version of a bucket without file lock, or on a hide marker.
pub fn check_lockable(db: &Db, version: &VersionRow) -> Result<(), ApiError> {
    let bucket = db.require_bucket(&version.bucket_id)?;
    if !bucket.file_lock {
        return Err(bucket_missing_file_lock());
    }
    if version.action == Action::Hide {
        return Err(ApiError::bad_request(format!(
            "{} is a hide marker, which has no retention or legal hold",
            version.file_id
        )));
    }
    Ok(())
}

pub fn update_file_retention(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let requested = match call.params.opt_json("fileRetention")? {
        Some(value) => parse_retention(&value)?,
        None => {
            return Err(ApiError::bad_request(
                "required field fileRetention is missing",
            ));
        }
    };
    let bypass = call.params.opt_bool("bypassGovernance")?.unwrap_or(false);
    let (version, key) = locked_target(db, &call, now, "writeFileRetentions")?;
    let lock = change_retention(db, &version, &key, requested, bypass, now)?;
    let (mode, until) = (lock.mode, lock.retain_until);
    Ok(json!({
        "fileId": version.file_id,
        "fileName": version.name,
        "fileRetention": {"mode": mode, "retainUntilTimestamp": until},
    }))
}

pub fn update_file_legal_hold(db: &Db, now: i64, call: Call) -> Result<Value, ApiError> {
    let hold = parse_legal_hold(&call.params.str("legalHold")?)?;
    let (version, _) = locked_target(db, &call, now, "writeFileLegalHolds")?;
    change_legal_hold(db, &version, &hold)?;
    Ok(json!({
        "fileId": version.file_id,
        "fileName": version.name,
        "legalHold": hold,
    }))
}

/// Sets the retention of `version` (already checked lockable) as B2 allows: compliance
/// may only be kept or extended; governance may be shortened or removed only with
/// `bypass` from a key holding `bypassGovernance`. Returns the stored lock.
pub fn change_retention(
    db: &Db,
    version: &VersionRow,
    key: &KeyRow,
    requested: Retention,
    bypass: bool,
    now: i64,
) -> Result<FileLock, ApiError> {
    if let Some((_, until)) = &requested
        && *until <= now
    {
        return Err(retain_until_in_past());
    }
    let current_until = version.lock.retain_until.unwrap_or(0);
    let keeps_or_extends = requested
        .as_ref()
        .is_some_and(|(_, until)| *until >= current_until);
    match version.lock.active_mode(now) {
        Some("compliance") => {
            let still_compliance = requested
                .as_ref()
                .is_some_and(|(mode, _)| mode == "compliance");
            if !(still_compliance && keeps_or_extends) {
                return Err(retention_denied());
            }
        }
        Some(_) if !keeps_or_extends && (!bypass || !key.has("bypassGovernance")) => {
            return Err(retention_denied());
        }
        _ => {}
    }
    let (mode, until) = match requested {
        Some((mode, until)) => (Some(mode), Some(until)),
        None => (None, None),
    };
    let lock = FileLock {
        mode,
        retain_until: until,
        legal_hold: version.lock.legal_hold.clone(),
    };
    db.set_file_lock(&version.file_id, &lock)?;
    Ok(lock)
}

/// Sets the legal hold (`on` or `off`) of `version` (already checked lockable).
pub fn change_legal_hold(db: &Db, version: &VersionRow, hold: &str) -> Result<FileLock, ApiError> {
    let lock = FileLock {
        legal_hold: Some(parse_legal_hold(hold)?),
        ..version.lock.clone()
    };
    db.set_file_lock(&version.file_id, &lock)?;
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_shapes() {
        assert_eq!(
            parse_retention(&json!({"mode": "governance", "retainUntilTimestamp": 5})).unwrap(),
            Some(("governance".to_string(), 5))
        );
        assert_eq!(
            parse_retention(&json!({"mode": null, "retainUntilTimestamp": null})).unwrap(),
            None
        );
        assert!(parse_retention(&json!({"mode": "forever", "retainUntilTimestamp": 5})).is_err());
        assert!(parse_retention(&json!({"mode": "compliance"})).is_err());
        assert!(parse_retention(&json!({"retainUntilTimestamp": 5})).is_err());
        assert!(parse_retention(&json!("governance")).is_err());
    }

    #[test]
    fn default_retention_shapes() {
        let ok = json!({"mode": "compliance", "period": {"duration": 2, "unit": "years"}});
        assert_eq!(parse_default_retention(&ok).unwrap(), ok);
        assert_eq!(
            parse_default_retention(&json!({"mode": null})).unwrap(),
            json!({"mode": null, "period": null})
        );
        for bad in [
            json!({"mode": "governance"}),
            json!({"mode": "governance", "period": {"duration": 0, "unit": "days"}}),
            json!({"mode": "governance", "period": {"duration": 1, "unit": "weeks"}}),
            json!({"mode": null, "period": {"duration": 1, "unit": "days"}}),
            json!([]),
        ] {
            assert!(parse_default_retention(&bad).is_err(), "{bad}");
        }
    }
}
