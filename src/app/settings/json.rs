//! CORS rules (§3.4) and bucket info edited as JSON: in `$EDITOR` (an effect the loop
//! performs, suspending the terminal) or in the built-in editor when it is unset; CORS
//! rules also from the web console's presets (reviewed before they are saved). Validated
//! here before `b2_update_bucket` with `ifRevisionIs`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::forms::{Field, FieldError, Form, FormKind};
use super::{JsonTarget, SettingsModal};
use crate::app::{Action, App, Edited, Effect, Effects, Level, Modal};
use crate::b2::vocabulary::{CORS_OPERATIONS, MAX_CORS_AGE_SECS, MAX_CORS_RULES};
use crate::lifecycle_sim::DiffLine;

impl Form {
    /// The built-in JSON editor: one line input per line.
    pub fn json_editor(target: JsonTarget, text: &str) -> Self {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        Self {
            kind: FormKind::Json { target },
            title: format!(" Edit {} (JSON) ", target.title()),
            fields: vec![Field::lines("", &lines, "")],
            focus: 0,
            errors: Vec::new(),
            note: "⏎ new line · ↑/↓ lines · Ctrl-S save · Esc cancel ($EDITOR is unset)".to_owned(),
        }
    }
}

/// The presets of the CORS tab, in the order of the form's choice.
pub const CORS_PRESETS: [&str; 3] = ["every origin", "one origin", "none (no CORS rules)"];
const PRESET_CHOICE: usize = 0;
const PRESET_ORIGIN: usize = 1;

/// The operations a preset allows: downloads, by the B2 API and the S3 API.
const PRESET_OPERATIONS: [&str; 4] = [
    "b2_download_file_by_name",
    "b2_download_file_by_id",
    "s3_get",
    "s3_head",
];

/// The rules of preset `choice` (an index of [`CORS_PRESETS`]) as JSON text; `origin` is
/// the one origin of the second.
pub fn cors_preset_text(choice: usize, origin: &str) -> String {
    let rule = |name: &str, origin: &str| {
        serde_json::json!({
            "corsRuleName": name,
            "allowedOrigins": [origin],
            "allowedOperations": PRESET_OPERATIONS,
            "allowedHeaders": ["range"],
            "exposeHeaders": ["x-bz-content-sha1"],
            "maxAgeSeconds": 3600,
        })
    };
    let rules = match choice {
        0 => vec![rule("downloadFromAnyOrigin", "*")],
        1 => vec![rule("downloadFromOneOrigin", origin.trim())],
        _ => Vec::new(),
    };
    serde_json::to_string_pretty(&rules).unwrap_or_default()
}

/// One line of a CORS rule in a review: name, origins, operations.
fn describe_cors(rule: &Value) -> String {
    let list = |key: &str| {
        rule.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let name = rule
        .get("corsRuleName")
        .and_then(Value::as_str)
        .unwrap_or("?");
    format!(
        "{name}: origins {} · {}",
        list("allowedOrigins"),
        list("allowedOperations")
    )
}

/// CORS rules before → after, matched by name.
pub fn cors_diff(before: &[Value], after: &[Value]) -> Vec<DiffLine> {
    let name = |r: &Value| r.get("corsRuleName").cloned();
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| name(a) == name(b)) {
            Some(a) if a == b => out.push(DiffLine::Same(describe_cors(b))),
            Some(a) => {
                out.push(DiffLine::Removed(describe_cors(b)));
                out.push(DiffLine::Added(describe_cors(a)));
            }
            None => out.push(DiffLine::Removed(describe_cors(b))),
        }
    }
    for a in after {
        if !before.iter().any(|b| name(b) == name(a)) {
            out.push(DiffLine::Added(describe_cors(a)));
        }
    }
    if out.is_empty() {
        out.push(DiffLine::Same("no CORS rules".to_owned()));
    }
    out
}

impl Form {
    /// The CORS presets form: which preset, and the origin of "one origin".
    pub fn cors_preset() -> Self {
        Self {
            kind: FormKind::CorsPreset,
            title: " CORS preset ".to_owned(),
            fields: vec![
                Field::choice("Preset", CORS_PRESETS.to_vec(), 0),
                Field::text("Origin", "", "e.g. https://app.example.com"),
            ],
            focus: 0,
            errors: Vec::new(),
            note: "Lets browsers download this bucket's files; reviewed before saving.".to_owned(),
        }
    }
}

/// Parsed, validated CORS rules, or what is wrong (with the rule's position).
pub fn validate_cors(text: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Array(rules) = value else {
        return Err("CORS rules are a JSON array of rule objects".into());
    };
    if rules.len() > MAX_CORS_RULES {
        return Err(format!("at most {MAX_CORS_RULES} CORS rules"));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let n = i + 1;
        let Value::Object(map) = rule else {
            return Err(format!("rule {n}: must be an object"));
        };
        let name = map
            .get("corsRuleName")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("rule {n}: corsRuleName is required"))?;
        if !(6..=50).contains(&name.len())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!(
                "rule {n}: corsRuleName {name:?} must be 6-50 letters, digits or -"
            ));
        }
        if name.to_ascii_lowercase().starts_with("b2-") {
            return Err(format!("rule {n}: names starting with b2- are reserved"));
        }
        if names.iter().any(|o| o == name) {
            return Err(format!("rule {n}: the name {name} is used twice"));
        }
        names.push(name.to_owned());
        let strings = |key: &str, required: bool| -> Result<Vec<String>, String> {
            match map.get(key) {
                None | Some(Value::Null) if !required => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| format!("rule {n} ({name}): {key} holds strings"))
                    })
                    .collect(),
                _ => Err(format!(
                    "rule {n} ({name}): {key} must be an array of strings"
                )),
            }
        };
        let origins = strings("allowedOrigins", true)?;
        if origins.is_empty() {
            return Err(format!(
                "rule {n} ({name}): allowedOrigins must not be empty"
            ));
        }
        for o in &origins {
            if let Some(m) = origin_error(o, origins.len()) {
                return Err(format!("rule {n} ({name}): origin {o:?}: {m}"));
            }
        }
        let ops = strings("allowedOperations", true)?;
        if ops.is_empty() {
            return Err(format!(
                "rule {n} ({name}): allowedOperations must not be empty"
            ));
        }
        if let Some(op) = ops.iter().find(|o| !CORS_OPERATIONS.contains(&o.as_str())) {
            return Err(format!(
                "rule {n} ({name}): unknown operation {op:?} (one of {})",
                CORS_OPERATIONS.join(", ")
            ));
        }
        strings("allowedHeaders", false)?;
        strings("exposeHeaders", false)?;
        match map.get("maxAgeSeconds") {
            Some(Value::Number(v)) if v.as_u64().is_some_and(|s| s <= MAX_CORS_AGE_SECS) => {}
            None => return Err(format!("rule {n} ({name}): maxAgeSeconds is required")),
            Some(_) => {
                return Err(format!(
                    "rule {n} ({name}): maxAgeSeconds is a whole number from 0 to 86400"
                ));
            }
        }
        if let Some(k) = map.keys().find(|k| {
            ![
                "corsRuleName",
                "allowedOrigins",
                "allowedOperations",
                "allowedHeaders",
                "exposeHeaders",
                "maxAgeSeconds",
            ]
            .contains(&k.as_str())
        }) {
            return Err(format!("rule {n} ({name}): unknown field {k}"));
        }
    }
    Ok(rules)
}

/// A full origin (`https://example.com[:port]`), `https://*.example.com`, `https`, or `*`
/// alone.
fn origin_error(origin: &str, count: usize) -> Option<&'static str> {
    if origin == "*" {
        return (count > 1).then_some("* must be the only origin");
    }
    if origin == "https" || origin == "http" {
        return None;
    }
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        None => Some("expected scheme://host, https, or *"),
        Some(h) if h.is_empty() || h.contains('/') => Some("an origin has no path"),
        Some(h) if h.matches('*').count() > 1 || (h.contains('*') && !h.starts_with("*.")) => {
            Some("* only as the first label (https://*.example.com)")
        }
        Some(_) => None,
    }
}

/// Parsed, validated bucket info: string → string, at most 10 keys.
pub fn validate_info(text: &str) -> Result<BTreeMap<String, String>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("bucket info is a JSON object of string values".into());
    };
    if map.len() > 10 {
        return Err(format!("at most 10 keys ({} now)", map.len()));
    }
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Err(format!("{k}: values are strings, not {other}")),
        })
        .collect()
}

impl App {
    /// Edited text back from `$EDITOR` (`Effect::Edit`).
    pub(crate) fn on_edited(&mut self, target: JsonTarget, result: Edited, cmds: &mut Effects) {
        match result {
            Edited::Text(text) => self.json_edited(target, Some(text), cmds),
            Edited::Failed => self.json_edited(target, None, cmds),
            Edited::NoEditor { text } => self.open_json_editor(target, &text),
        }
    }

    /// `e` on the CORS or Info tab: edit as JSON (`$EDITOR` first).
    pub(super) fn on_json_action(
        &mut self,
        target: JsonTarget,
        action: Action,
        cmds: &mut Effects,
    ) -> bool {
        if !matches!(action, Action::EditItem | Action::Open) {
            return false;
        }
        let Some(stored) = self.view.settings().and_then(|v| v.stored.as_ref()) else {
            return true;
        };
        let text = match target {
            JsonTarget::CorsRules => serde_json::to_string_pretty(&stored.cors_rules),
            JsonTarget::BucketInfo => serde_json::to_string_pretty(&stored.bucket_info),
        }
        .unwrap_or_default();
        if !self.unavailable(&format!("change {}", target.title()), &["writeBuckets"]) {
            cmds.push(Effect::Edit { target, text });
        }
        true
    }

    /// `a` on the CORS tab: the presets form.
    pub(super) fn open_cors_presets(&mut self) -> bool {
        if self
            .view
            .settings()
            .and_then(|v| v.stored.as_ref())
            .is_some()
            && !self.unavailable("change CORS rules", &["writeBuckets"])
        {
            self.push_settings(SettingsModal::Form(Form::cors_preset()));
        }
        true
    }

    /// The presets form sent: the preset's rules are validated as the JSON editor's are,
    /// then reviewed (before → after); nothing is sent before `y`.
    pub(super) fn submit_cors_preset(&mut self, form: &Form) {
        let Some(stored) = self.view.settings().and_then(|v| v.stored.as_ref()) else {
            return;
        };
        let choice = form.choice(PRESET_CHOICE);
        let origin = form.value(PRESET_ORIGIN).trim();
        if choice == 1 && origin.is_empty() {
            return self.set_form_errors(vec![FieldError {
                field: PRESET_ORIGIN,
                message: "the origin to share with, e.g. https://app.example.com".to_owned(),
            }]);
        }
        let rules = match validate_cors(&cors_preset_text(choice, origin)) {
            Ok(rules) => rules,
            Err(message) => {
                return self.set_form_errors(vec![FieldError {
                    field: PRESET_ORIGIN,
                    message,
                }]);
            }
        };
        if rules == stored.cors_rules {
            self.modals.pop();
            self.notify(Level::Info, "No CORS changes to save");
            return;
        }
        let diff = cors_diff(&stored.cors_rules, &rules);
        self.modals.pop();
        self.push_settings(SettingsModal::ConfirmCors { diff, rules });
    }

    /// `y` in the CORS review: `b2_update_bucket` with `ifRevisionIs`.
    pub(super) fn save_cors(&mut self, rules: Vec<Value>, cmds: &mut Effects) {
        if let Some(mut update) = self.update_request() {
            update.cors_rules = Some(rules);
            self.send_update(update, cmds);
        }
    }

    /// The built-in editor, opened when `$EDITOR` is unset.
    fn open_json_editor(&mut self, target: JsonTarget, text: &str) {
        self.push_settings(SettingsModal::Form(Form::json_editor(target, text)));
    }

    /// Text back from `$EDITOR` (None: it failed or was cancelled).
    fn json_edited(&mut self, target: JsonTarget, text: Option<String>, cmds: &mut Effects) {
        let Some(text) = text else {
            self.notify(Level::Warn, "The editor failed; nothing changed");
            return;
        };
        if let Err(message) = self.apply_json(target, &text, cmds) {
            // Keep the text: fix it in the built-in editor.
            let mut form = Form::json_editor(target, &text);
            form.errors = vec![FieldError { field: 0, message }];
            self.push_settings(SettingsModal::Form(form));
        }
    }

    /// Ctrl-S in the built-in editor.
    pub(super) fn submit_json(&mut self, form: &Form, target: JsonTarget, cmds: &mut Effects) {
        let text = form.lines(0).join("\n");
        let mut sent = Effects::default();
        match self.apply_json(target, &text, &mut sent) {
            Err(message) => self.set_form_errors(vec![FieldError { field: 0, message }]),
            Ok(()) => {
                if matches!(self.modals.last(), Some(Modal::Settings(_))) {
                    self.modals.pop();
                }
                cmds.extend(sent);
            }
        }
    }

    /// Validates and sends the update; Err is what is wrong with the text.
    fn apply_json(
        &mut self,
        target: JsonTarget,
        text: &str,
        cmds: &mut Effects,
    ) -> Result<(), String> {
        let Some(stored) = self.view.settings().and_then(|v| v.stored.as_ref()) else {
            return Ok(());
        };
        let Some(mut update) = self.update_request() else {
            return Ok(());
        };
        match target {
            JsonTarget::CorsRules => {
                let rules = validate_cors(text)?;
                if rules == stored.cors_rules {
                    self.notify(Level::Info, "No CORS changes to save");
                    return Ok(());
                }
                update.cors_rules = Some(rules);
            }
            JsonTarget::BucketInfo => {
                let info = validate_info(text)?;
                if info == stored.bucket_info {
                    self.notify(Level::Info, "No bucket info changes to save");
                    return Ok(());
                }
                update.bucket_info = Some(info);
            }
        }
        self.send_update(update, cmds);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, origins: &str, ops: &str, age: i64) -> String {
        format!(
            r#"[{{"corsRuleName":"{name}","allowedOrigins":{origins},"allowedOperations":{ops},"maxAgeSeconds":{age}}}]"#
        )
    }

    #[test]
    fn cors() {
        let ops = r#"["s3_get"]"#;
        assert!(validate_cors(&rule("downloads", r#"["https://a.example"]"#, ops, 3600)).is_ok());
        assert!(validate_cors(&rule("short", r#"["*"]"#, ops, 1)).is_err());
        assert!(validate_cors(&rule("b2-reserved", r#"["*"]"#, ops, 1)).is_err());
        assert!(validate_cors(&rule("downloads", r#"["*","https"]"#, ops, 1)).is_err());
        assert!(validate_cors(&rule("downloads", r#"["*"]"#, r#"["s3_copy"]"#, 1)).is_err());
        assert!(validate_cors(&rule("downloads", r#"["*"]"#, ops, 86_401)).is_err());
        assert!(validate_cors(&rule("downloads", r#"["https://*.example.com"]"#, ops, 0)).is_ok());
        assert!(validate_cors("{}").is_err());
    }

    #[test]
    fn presets_are_valid_rules() {
        let every = validate_cors(&cors_preset_text(0, "")).expect("every origin");
        assert_eq!(every[0]["allowedOrigins"], serde_json::json!(["*"]));
        assert_eq!(
            every[0]["allowedOperations"],
            serde_json::json!(PRESET_OPERATIONS)
        );
        let one =
            validate_cors(&cors_preset_text(1, " https://app.example.com ")).expect("one origin");
        assert_eq!(
            one[0]["allowedOrigins"],
            serde_json::json!(["https://app.example.com"])
        );
        assert!(validate_cors(&cors_preset_text(1, "app.example.com/x")).is_err());
        assert_eq!(validate_cors(&cors_preset_text(2, "")), Ok(Vec::new()));
    }

    #[test]
    fn info() {
        assert!(validate_info(r#"{"a":"b"}"#).is_ok());
        assert!(validate_info(r#"{"a":1}"#).is_err());
        let many: BTreeMap<String, String> =
            (0..11).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        let text = serde_json::to_string(&many).expect("json");
        assert!(validate_info(&text).is_err());
    }
}
