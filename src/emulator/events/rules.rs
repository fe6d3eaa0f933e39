//! Validation of `b2_set_bucket_notification_rules` requests (§5.1) and the JSON shape of
//! rules in answers.
//!
//! Choices where B2's documentation is silent (§13.4):
//! - rule names: 6–63 characters of ASCII letters, digits and `-`, unique (exact match);
//! - event types have the form `b2:<Category>:<Name>` or `b2:<Category>:*`. An unknown or
//!   wildcard category is `event_type_categories`; anything else unknown (or a string not
//!   of that form) is `event_type_invalid`; the same type twice, or a wildcard together with
//!   a type of its category, is `event_type_overlap`; an empty list is `event_types_empty`.
//!   Rules may overlap each other: each matching rule gets its own event;
//! - `objectNamePrefix` may be absent (= ""); `isEnabled` is required;
//! - `url` must be `https://…`, except that `http://` to `127.0.0.1`, `localhost` or `[::1]`
//!   is accepted so that webhooks on this machine can receive;
//! - `customHeaders`: at most 10, names unique (ignoring case), valid HTTP header names not
//!   starting with `X-Bz-` and not one the call sets itself (Content-Type, Content-Length,
//!   Host, …), values visible ASCII, at most 2,048 bytes counted as `name: value\r\n`;
//! - `maxEventsPerBatch` 1–50 (default 1), read from `targetConfiguration` or, failing
//!   that, from the rule, and always echoed inside `targetConfiguration`.

use axum::http::StatusCode;
use axum::http::{HeaderName, HeaderValue};
use serde_json::{Map, Value, json};

use super::{CustomHeader, NotificationRule, Target};
use crate::emulator::error::ApiError;

/// Rules per bucket.
pub const MAX_RULES: usize = 25;
const MAX_HEADERS: usize = 10;
const MAX_HEADER_BYTES: usize = 2048;
const MAX_BATCH: i64 = 50;
const SECRET_LEN: usize = 32;
/// Headers the webhook call sets itself.
const RESERVED_HEADERS: [&str; 7] = [
    "content-type",
    "content-length",
    "host",
    "connection",
    "transfer-encoding",
    "te",
    "upgrade",
];

/// Known categories and the names in each (§5.1).
const CATEGORIES: [(&str, &[&str]); 4] = [
    (
        "ObjectCreated",
        &[
            "Upload",
            "MultipartUpload",
            "Copy",
            "Replica",
            "MultipartReplica",
        ],
    ),
    ("ObjectDeleted", &["Delete", "LifecycleRule"]),
    ("HideMarkerCreated", &["Hide", "LifecycleRule"]),
    ("MultipartUploadCreated", &["LiveRead"]),
];

fn error(code: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request(message)
}

/// Validates the `eventNotificationRules` of a set request.
pub fn validate(rules: &Value) -> Result<Vec<NotificationRule>, ApiError> {
    let Value::Array(items) = rules else {
        return Err(bad("eventNotificationRules must be an array".into()));
    };
    if items.len() > MAX_RULES {
        return Err(bad(format!(
            "eventNotificationRules: at most {MAX_RULES} rules per bucket, got {}",
            items.len()
        )));
    }
    let mut out: Vec<NotificationRule> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Value::Object(map) = item else {
            return Err(bad(format!(
                "eventNotificationRules[{index}] must be an object"
            )));
        };
        let rule = rule(map)?;
        if out.iter().any(|r| r.name == rule.name) {
            return Err(bad(format!(
                "eventNotificationRules: the name {} is used twice",
                rule.name
            )));
        }
        out.push(rule);
    }
    Ok(out)
}

fn rule(map: &Map<String, Value>) -> Result<NotificationRule, ApiError> {
    let name = match map.get("name") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(bad("rule name is required and must be a string".into())),
    };
    check_name(&name)?;
    let event_types = event_types(&name, map.get("eventTypes"))?;
    let object_name_prefix = match map.get("objectNamePrefix") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(bad(format!(
                "rule {name}: objectNamePrefix must be a string"
            )));
        }
    };
    let is_enabled = match map.get("isEnabled") {
        Some(Value::Bool(b)) => *b,
        _ => return Err(bad(format!("rule {name}: isEnabled must be true or false"))),
    };
    let target = match map.get("targetConfiguration") {
        Some(Value::Object(t)) => target(&name, t, map.get("maxEventsPerBatch"))?,
        _ => {
            return Err(bad(format!(
                "rule {name}: targetConfiguration must be an object"
            )));
        }
    };
    Ok(NotificationRule {
        name,
        event_types,
        object_name_prefix,
        is_enabled,
        target_configuration: target,
    })
}

fn check_name(name: &str) -> Result<(), ApiError> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !(6..=63).contains(&name.len()) || !ok_chars {
        return Err(bad(format!(
            "Invalid rule name {name:?}: 6 to 63 characters of letters, digits and -"
        )));
    }
    Ok(())
}

/// A parsed event type pattern: category and name (`*` for any).
fn parse_type(text: &str) -> Result<(&str, &str), ApiError> {
    let invalid = || {
        error(
            "event_type_invalid",
            format!("Invalid event type: {text:?}"),
        )
    };
    let rest = text.strip_prefix("b2:").ok_or_else(invalid)?;
    let (category, name) = rest.split_once(':').ok_or_else(invalid)?;
    if name.contains(':') || name.is_empty() {
        return Err(invalid());
    }
    let Some((_, names)) = CATEGORIES.iter().find(|(c, _)| *c == category) else {
        return Err(error(
            "event_type_categories",
            format!("Invalid event type category {category:?} in {text:?}"),
        ));
    };
    if name != "*" && !names.contains(&name) {
        return Err(invalid());
    }
    Ok((category, name))
}

fn event_types(rule: &str, value: Option<&Value>) -> Result<Vec<String>, ApiError> {
    let items = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            return Err(error(
                "event_type_invalid",
                format!("rule {rule}: eventTypes must be an array of strings"),
            ));
        }
    };
    if items.is_empty() {
        return Err(error(
            "event_types_empty",
            format!("rule {rule}: eventTypes must not be empty"),
        ));
    }
    let mut parsed: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    for item in &items {
        let Value::String(text) = item else {
            return Err(error(
                "event_type_invalid",
                format!("rule {rule}: event types must be strings, got {item}"),
            ));
        };
        let (category, name) = parse_type(text)?;
        let overlaps = parsed
            .iter()
            .any(|(c, n)| c == category && (n == name || n == "*" || name == "*"));
        if overlaps {
            return Err(error(
                "event_type_overlap",
                format!("rule {rule}: event type {text} overlaps another type of the rule"),
            ));
        }
        parsed.push((category.to_string(), name.to_string()));
        out.push(text.clone());
    }
    Ok(out)
}

fn target(
    rule: &str,
    map: &Map<String, Value>,
    rule_batch: Option<&Value>,
) -> Result<Target, ApiError> {
    match map.get("targetType") {
        Some(Value::String(t)) if t == "webhook" => {}
        _ => {
            return Err(bad(format!(
                "rule {rule}: targetConfiguration.targetType must be \"webhook\""
            )));
        }
    }
    let url = match map.get("url") {
        Some(Value::String(u)) => u.clone(),
        _ => {
            return Err(bad(format!(
                "rule {rule}: targetConfiguration.url is required"
            )));
        }
    };
    check_url(rule, &url)?;
    let custom_headers = match map.get("customHeaders") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(headers(rule, items)?),
        Some(_) => return Err(bad(format!("rule {rule}: customHeaders must be an array"))),
    };
    let secret = match map.get("hmacSha256SigningSecret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s))
            if s.len() == SECRET_LEN && s.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Some(s.clone())
        }
        Some(_) => {
            return Err(bad(format!(
                "rule {rule}: hmacSha256SigningSecret must be {SECRET_LEN} letters and digits"
            )));
        }
    };
    let batch = match map.get("maxEventsPerBatch").filter(|v| !v.is_null()) {
        Some(v) => Some(v),
        None => rule_batch.filter(|v| !v.is_null()),
    };
    let max_events_per_batch = match batch {
        None => 1,
        Some(v) => v
            .as_i64()
            .filter(|n| (1..=MAX_BATCH).contains(n))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                bad(format!(
                    "rule {rule}: maxEventsPerBatch must be an integer from 1 to {MAX_BATCH}"
                ))
            })?,
    };
    Ok(Target {
        target_type: "webhook".into(),
        url,
        custom_headers,
        hmac_sha256_signing_secret: secret,
        max_events_per_batch,
    })
}

fn check_url(rule: &str, url: &str) -> Result<(), ApiError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|err| bad(format!("rule {rule}: invalid url {url:?}: {err}")))?;
    let local = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" if parsed.host_str().is_some() => Ok(()),
        "http" if local => Ok(()),
        _ => Err(bad(format!(
            "rule {rule}: url must be https:// (http:// only to this machine): {url}"
        ))),
    }
}

fn headers(rule: &str, items: &[Value]) -> Result<Vec<CustomHeader>, ApiError> {
    if items.len() > MAX_HEADERS {
        return Err(bad(format!(
            "rule {rule}: at most {MAX_HEADERS} customHeaders"
        )));
    }
    let mut out: Vec<CustomHeader> = Vec::new();
    let mut bytes = 0;
    for item in items {
        let (Some(name), Some(value)) = (
            item.get("name").and_then(Value::as_str),
            item.get("value").and_then(Value::as_str),
        ) else {
            return Err(bad(format!(
                "rule {rule}: each custom header needs string name and value"
            )));
        };
        let lower = name.to_ascii_lowercase();
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(bad(format!("rule {rule}: invalid header name {name:?}")));
        }
        if lower.starts_with("x-bz-") || RESERVED_HEADERS.contains(&lower.as_str()) {
            return Err(bad(format!(
                "rule {rule}: custom header {name} is not allowed"
            )));
        }
        let visible = value.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
        if !visible || HeaderValue::from_str(value).is_err() {
            return Err(bad(format!("rule {rule}: invalid value for header {name}")));
        }
        if out.iter().any(|h| h.name.eq_ignore_ascii_case(name)) {
            return Err(bad(format!(
                "rule {rule}: custom header {name} given twice"
            )));
        }
        bytes += name.len() + value.len() + 4;
        out.push(CustomHeader {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if bytes > MAX_HEADER_BYTES {
        return Err(bad(format!(
            "rule {rule}: custom headers take {bytes} bytes, more than {MAX_HEADER_BYTES}"
        )));
    }
    Ok(out)
}

/// A rule as answered by get/set: the rule plus its suspension state.
pub fn rule_json(rule: &NotificationRule, is_suspended: bool, suspension_reason: &str) -> Value {
    let mut value = serde_json::to_value(rule).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("isSuspended".into(), json!(is_suspended));
        map.insert("suspensionReason".into(), json!(suspension_reason));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(types: Value) -> String {
        match event_types("rule-1", Some(&types)) {
            Ok(_) => "ok".into(),
            Err(e) => e.code,
        }
    }

    #[test]
    fn event_type_codes() {
        assert_eq!(code(json!(["b2:ObjectCreated:*"])), "ok");
        assert_eq!(
            code(json!(["b2:ObjectCreated:Upload", "b2:ObjectDeleted:*"])),
            "ok"
        );
        assert_eq!(code(json!([])), "event_types_empty");
        assert_eq!(code(json!(["b2:ObjectCreated:Nope"])), "event_type_invalid");
        assert_eq!(code(json!(["ObjectCreated:Upload"])), "event_type_invalid");
        assert_eq!(code(json!(["b2:Nothing:*"])), "event_type_categories");
        assert_eq!(code(json!(["b2:*"])), "event_type_invalid");
        assert_eq!(code(json!(["b2:*:Upload"])), "event_type_categories");
        assert_eq!(
            code(json!(["b2:ObjectCreated:*", "b2:ObjectCreated:Copy"])),
            "event_type_overlap"
        );
        assert_eq!(
            code(json!([
                "b2:ObjectDeleted:Delete",
                "b2:ObjectDeleted:Delete"
            ])),
            "event_type_overlap"
        );
    }

    #[test]
    fn local_http_only() {
        assert!(check_url("r", "https://hooks.example.com/x").is_ok());
        assert!(check_url("r", "http://127.0.0.1:9/x").is_ok());
        assert!(check_url("r", "http://localhost/x").is_ok());
        assert!(check_url("r", "http://[::1]:8/x").is_ok());
        assert!(check_url("r", "http://hooks.example.com/x").is_err());
        assert!(check_url("r", "ftp://127.0.0.1/x").is_err());
        assert!(check_url("r", "not a url").is_err());
    }
}
