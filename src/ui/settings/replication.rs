//! Draws the Replication tab: the rules (name, destination bucket, prefix, priority,
//! enabled, existing files), the key mapping on both sides and what the destination bucket
//! needs. Drawing only.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::{kv, unavailable_line};
use crate::app::App;
use crate::app::settings::SettingsView;
use crate::app::settings::replication::{READ_CAP, WRITE_CAP, stored_config};
use crate::ui::format::{fit, sanitize};

fn cut(s: &str, width: usize) -> String {
    fit(&sanitize(s), width).into_owned()
}

pub(super) fn replication_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let t = &app.theme;
    let Some(stored) = &view.stored else {
        return vec![Line::from("  loading…")];
    };
    let Some(config) = stored_config(stored) else {
        return vec![Line::from(Span::styled(
            format!("  Cloud Replication: not readable (the key lacks {READ_CAP})"),
            t.warn,
        ))];
    };
    let Some(draft) = app.replication_draft() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    lines.extend(unavailable_line(app, "Changing rules", &[WRITE_CAP]));
    if draft.rules.is_empty() {
        lines.push(Line::from(
            "  Not a replication source: B2 copies no files from here. a adds a rule.",
        ));
    } else {
        lines.push(Line::from(Span::styled(
            format!(
                "  {:<3}{:<20}{:<20}{:<14}{:>9}  {:<8}{}",
                "", "name", "destination", "prefix", "priority", "enabled", "existing files"
            ),
            Modifier::BOLD,
        )));
    }
    for (i, r) in draft.rules.iter().enumerate() {
        let selected = i == view.repl_cursor.selected;
        let prefix = if r.file_name_prefix.is_empty() {
            "(all)".to_owned()
        } else {
            cut(&r.file_name_prefix, 13)
        };
        let row = format!(
            "  {:<3}{:<20}{:<20}{:<14}{:>9}  {:<8}{}",
            if selected { "▸" } else { "" },
            cut(&r.replication_rule_name, 19),
            cut(&app.bucket_name_of(&r.destination_bucket_id), 19),
            prefix,
            r.priority,
            if r.is_enabled { "yes" } else { "paused" },
            if r.include_existing_files {
                "yes"
            } else {
                "new only"
            },
        );
        lines.push(Line::from(Span::styled(
            row,
            if selected {
                t.selected
            } else {
                Default::default()
            },
        )));
    }
    lines.push(Line::default());
    let source_key = if draft.source_key.is_empty() {
        "— (set with the first rule)".to_owned()
    } else {
        cut(&draft.source_key, 40)
    };
    lines.push(kv("Source key", source_key));
    lines.push(Line::from(Span::styled(
        "  B2 reads new files here with the source key (it needs readFiles on this bucket).",
        t.footer_desc,
    )));
    lines.push(Line::from(Span::styled(
        "  Each destination bucket must map that key id to one of its own keys with",
        t.footer_desc,
    )));
    lines.push(Line::from(Span::styled(
        "  writeFiles (m on its Replication tab); without it the copies fail.",
        t.footer_desc,
    )));
    let mapping = config
        .as_replication_destination
        .as_ref()
        .map(|d| d.source_to_destination_key_mapping.clone())
        .unwrap_or_default();
    if mapping.is_empty() {
        lines.push(kv("As destination", "no source keys mapped".to_owned()));
    }
    for (source, dest) in &mapping {
        lines.push(kv(
            "As destination",
            format!("source key {} → key {}", cut(source, 30), cut(dest, 30)),
        ));
    }
    if app.replication_dirty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(
                "  Unsaved: {} rules here, {} stored. w saves.",
                draft.rules.len(),
                config.rules().len()
            ),
            t.warn,
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  a add · e edit · d remove · w save · m maps source keys to keys of this bucket",
        t.footer_desc,
    )));
    lines
}
