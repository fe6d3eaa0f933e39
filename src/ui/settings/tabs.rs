//! Drawing of the Notifications, CORS and Object Lock tabs of the settings view.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::kv;
use crate::app::App;
use crate::app::settings::{RulesState, SettingsView};
use crate::ui::format::{fit, sanitize};

/// Untrusted text made safe and cut to `width` cells.
fn cut(s: &str, width: usize) -> String {
    fit(&sanitize(s), width).into_owned()
}

/// Event types without the `b2:` prefix, joined.
fn short_types(types: &[String]) -> String {
    types
        .iter()
        .map(|t| t.strip_prefix("b2:").unwrap_or(t))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn notification_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let t = &app.theme;
    let rules = match &view.notifications {
        RulesState::NotLoaded | RulesState::Loading(_) => {
            return vec![Line::from("  loading notification rules…")];
        }
        RulesState::Unavailable(cap) => {
            return vec![Line::from(Span::styled(
                format!("  Event notifications: unavailable (the key lacks {cap})"),
                t.warn,
            ))];
        }
        RulesState::Failed(said) => {
            return vec![
                Line::from(Span::styled(
                    format!("  Could not read the rules. {}", sanitize(said)),
                    t.error,
                )),
                Line::from("  R tries again."),
            ];
        }
        RulesState::Loaded { rules, .. } => rules,
    };
    let mut lines = Vec::new();
    if let Some(cap) = app.admin.missing(&["writeBucketNotifications"]) {
        lines.push(Line::from(Span::styled(
            format!("  Changing rules: unavailable (the key lacks {cap})"),
            t.warn,
        )));
    }
    if rules.is_empty() {
        lines.push(Line::from(
            "  No notification rules: B2 calls no webhooks for this bucket. a adds one.",
        ));
        return lines;
    }
    lines.push(Line::from(Span::styled(
        format!(
            "  {:<3}{:<20}{:<24}{:<12}{:<26}{}",
            "", "name", "events", "prefix", "webhook", "state"
        ),
        Modifier::BOLD,
    )));
    for (i, r) in rules.iter().enumerate() {
        let selected = i == view.notify_cursor.selected;
        let state = if r.is_suspended {
            "suspended"
        } else if r.is_enabled {
            "enabled"
        } else {
            "disabled"
        };
        let prefix = if r.object_name_prefix.is_empty() {
            "(all)".to_owned()
        } else {
            cut(&r.object_name_prefix, 11)
        };
        let row = format!(
            "  {:<3}{:<20}{:<24}{:<12}{:<26}",
            if selected { "▸" } else { "" },
            cut(&r.name, 19),
            cut(&short_types(&r.event_types), 23),
            prefix,
            cut(&r.target_configuration.url, 25),
        );
        let state_style = if r.is_suspended {
            t.warn
        } else if r.is_enabled {
            t.info
        } else {
            t.hidden
        };
        let base = if selected {
            t.selected
        } else {
            Default::default()
        };
        lines.push(Line::from(vec![
            Span::styled(row, base),
            Span::styled(state, state_style),
        ]));
        if r.is_suspended {
            let reason = &r.suspension_reason;
            lines.push(Line::from(Span::styled(
                format!("     ⚠ suspended: {}", cut(reason, 80)),
                t.warn,
            )));
        }
    }
    if let Some(r) = rules.get(view.notify_cursor.selected) {
        let tc = &r.target_configuration;
        lines.push(Line::default());
        lines.push(kv("Events", short_types(&r.event_types)));
        lines.push(kv("Webhook", sanitize(&tc.url).into_owned()));
        let headers = tc
            .custom_headers
            .as_ref()
            .filter(|h| !h.is_empty())
            .map_or_else(
                || "none".to_owned(),
                |h| {
                    h.iter()
                        .map(|h| sanitize(&h.name).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            );
        lines.push(kv("Custom headers", headers));
        lines.push(kv(
            "Signed",
            if tc.hmac_sha256_signing_secret.is_some() {
                "yes (HMAC-SHA256)"
            } else {
                "no"
            }
            .to_owned(),
        ));
        lines.push(kv(
            "Max events per batch",
            tc.max_events_per_batch.unwrap_or(1).to_string(),
        ));
    }
    if matches!(
        view.notifications,
        RulesState::Loaded {
            saving: Some(_),
            ..
        }
    ) {
        lines.push(Line::from(Span::styled("  saving…", t.footer_desc)));
    }
    lines
}

pub fn cors_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let Some(b) = &view.stored else {
        return vec![Line::from("  loading…")];
    };
    let mut lines = Vec::new();
    if let Some(cap) = app.admin.missing(&["writeBuckets"]) {
        lines.push(Line::from(Span::styled(
            format!("  Editing CORS rules: unavailable (the key lacks {cap})"),
            app.theme.warn,
        )));
    }
    if b.cors_rules.is_empty() {
        lines.push(Line::from(
            "  No CORS rules: browsers on other sites cannot call this bucket.",
        ));
    }
    let list = |r: &serde_json::Value, key: &str| {
        r.get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    for r in &b.cors_rules {
        let name = r
            .get("corsRuleName")
            .and_then(|v| v.as_str())
            .unwrap_or("?");
        let age = r
            .get("maxAgeSeconds")
            .map(|v| v.to_string())
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!("  {}", sanitize(name)),
            Modifier::BOLD,
        )));
        lines.push(kv("  origins", cut(&list(r, "allowedOrigins"), 70)));
        lines.push(kv("  operations", cut(&list(r, "allowedOperations"), 70)));
        lines.push(kv("  max age", format!("{age} s")));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  e edits the rules as JSON ($EDITOR, or the built-in editor)",
        app.theme.footer_desc,
    )));
    lines.push(Line::from(Span::styled(
        "  a picks a preset: share with every origin, with one origin, or none",
        app.theme.footer_desc,
    )));
    lines
}

pub fn lock_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let Some(b) = &view.stored else {
        return vec![Line::from("  loading…")];
    };
    let Some(cfg) = &b.file_lock_configuration else {
        return vec![Line::from("  B2 sent no Object Lock configuration.")];
    };
    if !cfg.is_client_authorized_to_read {
        return vec![Line::from(Span::styled(
            "  Object Lock: unavailable (the key lacks readBucketRetentions)",
            app.theme.warn,
        ))];
    }
    let enabled = cfg.value.as_ref().is_some_and(|v| v.is_file_lock_enabled);
    let retention = match cfg
        .value
        .as_ref()
        .and_then(|v| v.default_retention.as_ref())
    {
        Some(r) => match (&r.mode, &r.period) {
            (Some(mode), Some(p)) => format!("{mode}, {} {}", p.duration, p.unit),
            _ => "none".to_owned(),
        },
        None => "none".to_owned(),
    };
    let mut lines = vec![
        kv(
            "Object Lock",
            if enabled {
                "enabled (cannot be turned off)"
            } else {
                "off"
            }
            .to_owned(),
        ),
        kv("Default retention", retention),
        Line::default(),
    ];
    if let Some(cap) = app.admin.missing(&["writeBucketRetentions"]) {
        lines.push(Line::from(Span::styled(
            format!("  Changing Object Lock: unavailable (the key lacks {cap})"),
            app.theme.warn,
        )));
    }
    let help = if enabled {
        "  e edits the default retention. Per version: L in the versions pane."
    } else {
        "  L turns Object Lock on (irreversible); then e sets a default retention."
    };
    lines.push(Line::from(Span::styled(help, app.theme.footer_desc)));
    lines
}
