//! Draws the versions pane: upload time, size and action of every version of the selected
//! file, newest first, ● on the current one, hide markers dim; a Cloud Replication column
//! (pend / done / FAIL / repl) when any version has a replication status.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{Selection, render_message, render_table, window};
use crate::app::{App, Focus};
use crate::b2::FileAction;
use crate::ui::format::{sanitize, size, time};
use crate::ui::pane_block;

fn action_label(a: FileAction) -> &'static str {
    match a {
        FileAction::Upload => "upload",
        FileAction::Hide => "hide",
        FileAction::Start => "start",
        FileAction::Folder => "folder",
        FileAction::Copy => "copy",
        FileAction::Unknown => "?",
    }
}

/// The first 7 hex digits of the SHA-1 (the full value is on `i`).
fn short_sha1(v: &crate::b2::FileVersion) -> String {
    v.expected_sha1()
        .map(|s| s.chars().take(7).collect())
        .unwrap_or_default()
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let pane = &app.versions;
    let focused = app.focus == Focus::Versions;
    let t = &app.theme;
    let name = pane
        .target
        .as_ref()
        .map(|tg| {
            let short = tg.file_name.rsplit('/').next().unwrap_or(&tg.file_name);
            sanitize(short).into_owned()
        })
        .unwrap_or_default();
    let title = if pane.target.is_none() {
        " Versions ".to_owned()
    } else if pane.pending.is_some() || pane.wanted {
        format!(" Versions  loading…  {name} ")
    } else {
        format!(" Versions  {}  {name} ", pane.versions.len())
    };
    let block = pane_block(app, Line::from(title), focused);
    if pane.versions.is_empty() {
        let text = match (&pane.target, pane.loaded) {
            (None, _) => "select a file",
            (Some(_), true) => "no versions",
            (Some(_), false) => "",
        };
        render_message(frame, area, block, text, t.hidden);
        return;
    }
    let height = usize::from(area.height.saturating_sub(2));
    let range = window(&pane.cursor, pane.versions.len(), height);
    let offset = range.start;
    let current = pane.current_index();
    // Room for the SHA-1 column only in a wide pane; `i` shows everything.
    let wide = area.width >= 48;
    let replicated = pane.versions.iter().any(|v| v.replication_status.is_some());
    let rows = pane.versions[range.clone()]
        .iter()
        .zip(range)
        .map(|(v, i)| {
            let marked = v
                .file_id
                .as_ref()
                .is_some_and(|id| app.restore.version_marks.contains(id));
            let marker = if marked {
                Span::styled("✓", t.marked)
            } else if current == Some(i) {
                Span::styled("●", t.current_marker)
            } else {
                Span::raw(" ")
            };
            let mut cells = vec![
                Cell::from(marker),
                Cell::from(time(v.upload_timestamp)),
                Cell::from(Line::from(size(v.content_length)).right_aligned()),
                Cell::from(action_label(v.action)),
            ];
            if replicated {
                let short = v.replication_status.map_or("", |s| s.short());
                let style = if short == "FAIL" {
                    t.error
                } else {
                    Default::default()
                };
                cells.push(Cell::from(Span::styled(short, style)));
            }
            cells.push(Cell::from(short_sha1(v)));
            let row = Row::new(cells);
            if v.action == FileAction::Hide {
                row.style(t.hidden)
            } else {
                row
            }
        })
        .collect();
    // No ▸ column: the pane is narrow and the ● column leads each row.
    let selection = Selection {
        marker: false,
        ..Selection::of(pane.cursor.selected, offset, focused, t)
    };
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(16),
        Constraint::Length(7),
        Constraint::Length(6),
    ];
    if replicated {
        widths.push(Constraint::Length(4));
    }
    let shown = widths.len();
    widths.push(Constraint::Fill(1));
    let widths = if wide { &widths[..] } else { &widths[..shown] };
    render_table(frame, area, block, rows, widths, selection);
}
