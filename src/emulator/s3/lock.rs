//! Object Lock through S3: the bucket's configuration (`?object-lock`: lock enabled and
//! default retention, capabilities `readBucketRetentions` / `writeBucketRetentions`), and
//! per version the retention (`?retention`, `readFileRetentions` / `writeFileRetentions`,
//! `x-amz-bypass-governance-retention` with `bypassGovernance`) and legal hold
//! (`?legal-hold`, `readFileLegalHolds` / `writeFileLegalHolds`). The rules are the Native
//! API's (`handlers::lock`), so both APIs change a version's lock alike.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::DateTime;
use serde_json::{Value, json};

use super::bucket_admin::update_settings;
use super::delete::bypass_asked;
use super::versions::addressed_version;
use super::xml::{self, NAMESPACE, element};
use super::xmlin::{self, Element, malformed};
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::handlers::lock::{
    Retention, bucket_missing_file_lock, change_legal_hold, change_retention, check_lockable,
    parse_default_retention,
};
use crate::emulator::store::{BucketRow, BucketUpdate, VersionRow};

/// Native lock errors as S3 names them.
fn s3_error(err: ApiError) -> S3Error {
    match err.code.as_str() {
        "bucket_missing_file_lock" => S3Error::bad_request(
            "InvalidRequest",
            "Bucket is missing Object Lock Configuration",
        ),
        "retain_until_timestamp_must_be_in_future" => S3Error::bad_request(
            "InvalidArgument",
            "The retain until date must be in the future!",
        ),
        _ => S3Error::from(err),
    }
}

/// `/bucket?object-lock`: GET and PUT.
pub async fn bucket_config(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
    body: Body,
) -> Result<Response, S3Error> {
    match request.method {
        Method::GET => {
            request.require("readBucketRetentions", &bucket, None)?;
            if !bucket.file_lock {
                return Err(S3Error::new(
                    StatusCode::NOT_FOUND,
                    "ObjectLockConfigurationNotFoundError",
                    "Object Lock configuration does not exist for this bucket",
                ));
            }
            Ok(xml::ok(config_xml(&bucket.default_retention)))
        }
        Method::PUT => {
            request.require("writeBucketRetentions", &bucket, None)?;
            let bytes = xmlin::read_body(body, &request, false).await?;
            let retention = parse_config(&xmlin::parse(&bytes)?)?;
            let update = BucketUpdate {
                file_lock: Some(true),
                default_retention: Some(retention),
                ..BucketUpdate::default()
            };
            update_settings(state, bucket.bucket_id, update)
                .await
                .map_err(s3_error)?;
            Ok(Response::new(Body::empty()))
        }
        _ => Err(S3Error::method_not_allowed()),
    }
}

/// `<ObjectLockConfiguration>` of a lock-enabled bucket with its default retention.
fn config_xml(default: &Value) -> String {
    let mut body = format!(
        "<ObjectLockConfiguration xmlns=\"{NAMESPACE}\"><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
    );
    let mode = default.get("mode").and_then(Value::as_str);
    let period = default.get("period");
    let duration = period
        .and_then(|p| p.get("duration"))
        .and_then(Value::as_i64);
    let unit = period.and_then(|p| p.get("unit")).and_then(Value::as_str);
    if let (Some(mode), Some(duration), Some(unit)) = (mode, duration, unit) {
        body.push_str("<Rule><DefaultRetention>");
        body.push_str(&element("Mode", &mode.to_ascii_uppercase()));
        let tag = if unit == "years" { "Years" } else { "Days" };
        body.push_str(&element(tag, &duration.to_string()));
        body.push_str("</DefaultRetention></Rule>");
    }
    body.push_str("</ObjectLockConfiguration>");
    body
}

/// The stored default retention a PutObjectLockConfiguration document asks for.
fn parse_config(root: &Element) -> Result<Value, S3Error> {
    if root.name != "ObjectLockConfiguration"
        || root.text_of("ObjectLockEnabled") != Some("Enabled")
    {
        return Err(malformed());
    }
    let Some(rule) = root.child("Rule") else {
        return Ok(json!({"mode": null, "period": null}));
    };
    let default = rule.child("DefaultRetention").ok_or_else(malformed)?;
    let mode = parse_mode(default.text_of("Mode").ok_or_else(malformed)?)?;
    let (duration, unit) = match (default.text_of("Days"), default.text_of("Years")) {
        (Some(d), None) => (d, "days"),
        (None, Some(y)) => (y, "years"),
        _ => return Err(malformed()),
    };
    let duration: i64 = duration.parse().map_err(|_| malformed())?;
    parse_default_retention(&json!({
        "mode": mode,
        "period": {"duration": duration, "unit": unit},
    }))
    .map_err(|err| S3Error::bad_request("InvalidArgument", &err.message))
}

/// `GOVERNANCE` / `COMPLIANCE` as the store keeps them.
fn parse_mode(mode: &str) -> Result<String, S3Error> {
    match mode {
        "GOVERNANCE" => Ok("governance".to_string()),
        "COMPLIANCE" => Ok("compliance".to_string()),
        _ => Err(malformed()),
    }
}

/// `/bucket/key?retention` and `?legal-hold`.
pub async fn object(
    state: &Arc<State>,
    request: S3Request,
    body: Body,
) -> Result<Response, S3Error> {
    let retention = request.has_query("retention");
    let capability = match (retention, &request.method) {
        (true, &Method::GET) => "readFileRetentions",
        (true, &Method::PUT) => "writeFileRetentions",
        (false, &Method::GET) => "readFileLegalHolds",
        (false, &Method::PUT) => "writeFileLegalHolds",
        _ => return Err(S3Error::method_not_allowed()),
    };
    let (bucket, version) = addressed_version(state, &request).await?;
    request.require(capability, &bucket, Some(&version.name))?;
    if request.method == Method::GET {
        if !bucket.file_lock {
            return Err(s3_error(bucket_missing_file_lock()));
        }
        return read(&version, retention);
    }
    let bytes = xmlin::read_body(body, &request, false).await?;
    let root = xmlin::parse(&bytes)?;
    let key = request.key.clone();
    let bypass = bypass_asked(&request);
    let change = if retention {
        Change::Retention(parse_retention(&root)?)
    } else {
        Change::Hold(parse_hold(&root)?)
    };
    state
        .db(move |db, now| {
            let done = check_lockable(db, &version).and_then(|()| match change {
                Change::Retention(r) => change_retention(db, &version, &key, r, bypass, now),
                Change::Hold(h) => change_legal_hold(db, &version, &h),
            });
            Ok(done.map_err(s3_error))
        })
        .await??;
    Ok(Response::new(Body::empty()))
}

enum Change {
    Retention(Retention),
    Hold(String),
}

/// GetObjectRetention / GetObjectLegalHold of `version`.
fn read(version: &VersionRow, retention: bool) -> Result<Response, S3Error> {
    let lock = &version.lock;
    if retention {
        let (Some(mode), Some(until)) = (&lock.mode, lock.retain_until) else {
            return Err(S3Error::new(
                StatusCode::NOT_FOUND,
                "NoSuchObjectLockConfiguration",
                "The specified object does not have a ObjectLock configuration",
            ));
        };
        return Ok(xml::ok(format!(
            "<Retention xmlns=\"{NAMESPACE}\">{}{}</Retention>",
            element("Mode", &mode.to_ascii_uppercase()),
            element("RetainUntilDate", &xml::iso_time(until))
        )));
    }
    let status = if lock.legal_hold.as_deref() == Some("on") {
        "ON"
    } else {
        "OFF"
    };
    Ok(xml::ok(format!(
        "<LegalHold xmlns=\"{NAMESPACE}\">{}</LegalHold>",
        element("Status", status)
    )))
}

/// `<Retention>` with Mode and RetainUntilDate, or neither (no retention).
fn parse_retention(root: &Element) -> Result<Retention, S3Error> {
    if root.name != "Retention" {
        return Err(malformed());
    }
    match (root.text_of("Mode"), root.text_of("RetainUntilDate")) {
        (None, None) => Ok(None),
        (Some(mode), Some(until)) => {
            let until = DateTime::parse_from_rfc3339(until)
                .map_err(|_| malformed())?
                .timestamp_millis();
            Ok(Some((parse_mode(mode)?, until)))
        }
        _ => Err(malformed()),
    }
}

/// `<LegalHold><Status>ON|OFF</Status></LegalHold>` as the store keeps it.
fn parse_hold(root: &Element) -> Result<String, S3Error> {
    if root.name != "LegalHold" {
        return Err(malformed());
    }
    match root.text_of("Status") {
        Some("ON") => Ok("on".to_string()),
        Some("OFF") => Ok("off".to_string()),
        _ => Err(malformed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_documents() {
        let config = xmlin::parse(
            b"<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>\
              <Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>14</Days></DefaultRetention>\
              </Rule></ObjectLockConfiguration>",
        )
        .unwrap();
        let stored = parse_config(&config).unwrap();
        assert_eq!(
            stored,
            json!({"mode": "governance", "period": {"duration": 14, "unit": "days"}})
        );
        assert!(config_xml(&stored).contains("<Mode>GOVERNANCE</Mode><Days>14</Days>"));
        let retention = xmlin::parse(
            b"<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>1970-01-01T00:00:02Z\
              </RetainUntilDate></Retention>",
        )
        .unwrap();
        assert_eq!(
            parse_retention(&retention).unwrap(),
            Some(("compliance".to_string(), 2000))
        );
        let hold = xmlin::parse(b"<LegalHold><Status>ON</Status></LegalHold>").unwrap();
        assert_eq!(parse_hold(&hold).unwrap(), "on");
        let bad = xmlin::parse(b"<LegalHold><Status>on</Status></LegalHold>").unwrap();
        assert!(parse_hold(&bad).is_err());
    }
}
