//! CORS rules of b2_create_bucket / b2_update_bucket, validated as B2 documents them (§3.4):
//! rule names, origins, operations, headers and max age. Returns the rules as given.

use serde_json::Value;

use super::Call;
use crate::b2::vocabulary::{CORS_OPERATIONS, MAX_CORS_AGE_SECS, MAX_CORS_RULES};
use crate::emulator::error::ApiError;

fn bad(message: String) -> ApiError {
    ApiError::bad_request(message)
}

/// `corsRules` of the call, if given, after validation.
pub fn cors_rules(call: &Call) -> Result<Option<Value>, ApiError> {
    let rules = match call.params.opt_json("corsRules")? {
        None => return Ok(None),
        Some(Value::Array(rules)) => rules,
        Some(_) => return Err(bad("corsRules must be an array".into())),
    };
    if rules.len() > MAX_CORS_RULES {
        return Err(bad(format!(
            "at most {MAX_CORS_RULES} CORS rules are allowed"
        )));
    }
    let mut names: Vec<String> = Vec::new();
    for rule in &rules {
        let name = check_rule(rule)?;
        if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            return Err(bad(format!("duplicate corsRuleName: {name}")));
        }
        names.push(name);
    }
    Ok(Some(Value::Array(rules)))
}

fn strings<'a>(rule: &'a Value, field: &str, name: &str) -> Result<Vec<&'a str>, ApiError> {
    match rule.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| bad(format!("CORS rule {name}: {field} must hold strings")))
            })
            .collect(),
        Some(_) => Err(bad(format!("CORS rule {name}: {field} must be an array"))),
    }
}

fn check_rule(rule: &Value) -> Result<String, ApiError> {
    if !rule.is_object() {
        return Err(bad("each CORS rule must be an object".into()));
    }
    let name = rule
        .get("corsRuleName")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("CORS rule is missing corsRuleName".into()))?
        .to_string();
    let valid_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !(6..=50).contains(&name.len()) || !valid_chars {
        return Err(bad(format!(
            "Invalid corsRuleName {name:?}: 6 to 50 letters, digits and -"
        )));
    }
    if name.to_ascii_lowercase().starts_with("b2-") {
        return Err(bad(format!(
            "Invalid corsRuleName {name:?}: b2- is reserved"
        )));
    }
    let origins = strings(rule, "allowedOrigins", &name)?;
    if origins.is_empty() {
        return Err(bad(format!(
            "CORS rule {name}: allowedOrigins must not be empty"
        )));
    }
    for origin in &origins {
        check_origin(origin, origins.len()).map_err(|why| {
            bad(format!(
                "CORS rule {name}: invalid origin {origin:?}: {why}"
            ))
        })?;
    }
    let operations = strings(rule, "allowedOperations", &name)?;
    if operations.is_empty() {
        return Err(bad(format!(
            "CORS rule {name}: allowedOperations must not be empty"
        )));
    }
    if let Some(op) = operations.iter().find(|op| !CORS_OPERATIONS.contains(op)) {
        return Err(bad(format!("CORS rule {name}: unknown operation {op:?}")));
    }
    for field in ["allowedHeaders", "exposeHeaders"] {
        if let Some(h) = strings(rule, field, &name)?.iter().find(|h| h.is_empty()) {
            return Err(bad(format!(
                "CORS rule {name}: empty header name {h:?} in {field}"
            )));
        }
    }
    match rule.get("maxAgeSeconds").and_then(Value::as_u64) {
        Some(age) if age <= MAX_CORS_AGE_SECS => Ok(name),
        _ => Err(bad(format!(
            "CORS rule {name}: maxAgeSeconds must be an integer from 0 to 86400"
        ))),
    }
}

/// `*` alone, a bare scheme (`https`), or a full origin with at most one `*` in its host.
fn check_origin(origin: &str, count: usize) -> Result<(), &'static str> {
    if origin == "*" {
        return if count == 1 {
            Ok(())
        } else {
            Err("* must be the only origin")
        };
    }
    if origin == "https" || origin == "http" {
        return Ok(());
    }
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if host.is_empty() || host.contains('/') {
        return Err("must be a scheme and host, without a path");
    }
    if host.matches('*').count() > 1 {
        return Err("at most one * is allowed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(check_origin("*", 1).is_ok());
        assert!(check_origin("*", 2).is_err());
        assert!(check_origin("https", 1).is_ok());
        assert!(check_origin("https://*.example.com", 1).is_ok());
        assert!(check_origin("https://*.*.example.com", 1).is_err());
        assert!(check_origin("ftp://example.com", 1).is_err());
        assert!(check_origin("https://example.com/path", 1).is_err());
    }
}
