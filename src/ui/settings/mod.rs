//! Draws the bucket settings view: its title, tab bar, the Info and Lifecycle tabs (the
//! others are in `tabs.rs`). Drawing only; `modals.rs` draws the dialogs, one file each.

mod bucket;
mod form;
mod frame;
mod lifecycle;
mod lock;
mod modals;
mod notifications;
mod replication;
mod save;
mod share;
mod simulate;
mod tabs;

pub use modals::render_modal;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Tabs};

use super::format::sanitize;
use crate::app::App;
use crate::app::settings::{SettingsView, Tab};

/// The settings view in `area` (between the header and the status line).
pub fn render_view(app: &App, view: &SettingsView, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let mut title = format!(" Bucket settings  {} ", sanitize(&view.bucket.name));
    if let Some(s) = &view.stored {
        title.push_str(&format!(" revision {} ", s.revision));
    }
    if view.loading.is_some() {
        title.push_str(" loading… ");
    } else if view.saving.is_some() {
        title.push_str(" saving… ");
    }
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(t.border_focused)
        .title(Line::from(title).style(t.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let selected = Tab::ALL.iter().position(|x| *x == view.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(Tab::ALL.iter().map(|x| x.title()))
            .select(selected)
            .highlight_style(t.selected)
            .divider("│"),
        tabs,
    );
    let lines = match view.tab {
        Tab::Info => info_lines(app, view),
        Tab::Lifecycle => lifecycle_lines(app, view),
        Tab::Notifications => tabs::notification_lines(app, view),
        Tab::Cors => tabs::cors_lines(app, view),
        Tab::ObjectLock => tabs::lock_lines(app, view),
        Tab::Replication => replication::replication_lines(app, view),
    };
    frame.render_widget(Paragraph::new(lines), body);
}

pub(super) fn kv(key: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {key:<22}"), Modifier::BOLD),
        Span::raw(value),
    ])
}

fn unavailable_line(app: &App, what: &str, caps: &[&str]) -> Option<Line<'static>> {
    let cap = app.admin.missing(caps)?;
    Some(Line::from(Span::styled(
        format!("  {what}: unavailable (the key lacks {cap})"),
        app.theme.warn,
    )))
}

fn info_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let Some(b) = &view.stored else {
        return vec![Line::from("  loading…")];
    };
    let enc = match &b.default_server_side_encryption {
        Some(r) if !r.is_client_authorized_to_read => "not readable with this key".to_owned(),
        Some(r) => r
            .value
            .as_ref()
            .and_then(|v| v.mode.clone())
            .unwrap_or_else(|| "none".to_owned()),
        None => "—".to_owned(),
    };
    let mut lines = vec![
        kv("Name", sanitize(&b.bucket_name).into_owned()),
        kv("Id", b.bucket_id.0.clone()),
        kv(
            "Type",
            format!(
                "{} ({})",
                b.bucket_type,
                if b.bucket_type == "allPublic" {
                    "anyone can download"
                } else {
                    "downloads need authorization"
                }
            ),
        ),
        kv("Revision", b.revision.to_string()),
        kv("Default encryption", enc),
        kv(
            "Object Lock",
            if b.is_file_lock_enabled() {
                "enabled"
            } else {
                "off"
            }
            .to_owned(),
        ),
        kv("Lifecycle rules", b.lifecycle_rules.len().to_string()),
        kv("CORS rules", b.cors_rules.len().to_string()),
        kv("Options", b.options.join(", ")),
    ];
    if b.bucket_info.is_empty() {
        lines.push(kv("Bucket info", "(none)".to_owned()));
    }
    for (k, v) in &b.bucket_info {
        lines.push(kv(
            "Bucket info",
            format!("{}: {}", sanitize(k), sanitize(v)),
        ));
    }
    lines.extend(unavailable_line(
        app,
        "Changing the type",
        &["writeBuckets"],
    ));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  t public/private · e edits the bucket info as JSON",
        app.theme.footer_desc,
    )));
    lines
}

fn lifecycle_lines(app: &App, view: &SettingsView) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = Vec::new();
    lines.extend(unavailable_line(app, "Editing rules", &["writeBuckets"]));
    if view.rules.is_empty() {
        lines.push(Line::from(
            "  No lifecycle rules: every version is kept. a adds a rule (with presets).",
        ));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "  {:<3}{:<30}{:>9}{:>9}{:>9}",
            "", "prefix", "hide", "delete", "cancel"
        ),
        Modifier::BOLD,
    )));
    let day = |d: Option<u32>| d.map_or_else(|| "—".to_owned(), |d| format!("{d}d"));
    for (i, r) in view.rules.iter().enumerate() {
        let prefix = if r.file_name_prefix.is_empty() {
            "(whole bucket)".to_owned()
        } else {
            sanitize(&r.file_name_prefix).into_owned()
        };
        let mark = if i == view.cursor.selected {
            "▸"
        } else {
            " "
        };
        let style = if i == view.cursor.selected {
            t.selected
        } else {
            Default::default()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "  {mark:<3}{prefix:<30}{:>9}{:>9}{:>9}",
                day(r.days_from_uploading_to_hiding),
                day(r.days_from_hiding_to_deleting),
                day(r.days_from_starting_to_canceling_unfinished_large_files)
            ),
            style,
        )));
    }
    if view.is_dirty() {
        let stored = view.stored.as_ref().map_or(0, |s| s.lifecycle_rules.len());
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(
                "  Unsaved: {} rules here, {stored} stored. w reviews and saves, S simulates.",
                view.rules.len()
            ),
            t.warn,
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "  hide: days upload → hidden · delete: days hidden → deleted · cancel: unfinished large files",
        t.footer_desc,
    )));
    lines
}
