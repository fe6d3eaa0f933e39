//! Draws every settings form (create bucket, share link, lifecycle rule, simulation days,
//! notification rule, retention, JSON editor): fields with inline errors, and the cursor.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};
use unicode_width::UnicodeWidthChar;

use crate::app::App;
use crate::app::settings::{FieldKind, Form, FormKind};
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;

pub(super) fn render_form(app: &App, form: &Form, frame: &mut Frame) {
    let t = &app.theme;
    let outer = frame.area();
    let mut lines = Vec::new();
    if !form.note.is_empty() {
        lines.push(Line::from(sanitize(&form.note).into_owned()));
        lines.push(Line::default());
    }
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = Span::styled(
            format!("{} {:<38}", if focused { "▸" } else { " " }, field.label),
            if focused { t.title } else { Default::default() },
        );
        let hint = Span::styled(format!("  {}", field.hint), t.footer_desc);
        match &field.kind {
            FieldKind::Text(input) => {
                if focused {
                    cursor = Some((lines.len(), 40 + input.0.visual_cursor()));
                }
                let value = Span::styled(format!("[{}]", sanitize(input.value())), t.breadcrumb);
                lines.push(Line::from(vec![label, value, hint]));
            }
            FieldKind::Choice { options, selected } => {
                let value = Span::styled(
                    format!("◂ {} ▸", options.get(*selected).copied().unwrap_or("")),
                    t.breadcrumb,
                );
                lines.push(Line::from(vec![label, value, hint]));
            }
            FieldKind::Checklist {
                options,
                checked,
                cursor: at,
            } => {
                lines.push(Line::from(vec![label, hint]));
                // Two columns, so the fourteen event types fit a 30-row terminal.
                let rows = options.len().div_ceil(2);
                for r in 0..rows {
                    let mut spans = vec![Span::raw("    ")];
                    for c in [r, r + rows] {
                        let Some(o) = options.get(c) else { continue };
                        let tick = if checked.get(c).copied().unwrap_or(false) {
                            "[x]"
                        } else {
                            "[ ]"
                        };
                        let style = if focused && c == *at {
                            t.selected
                        } else {
                            Default::default()
                        };
                        spans.push(Span::styled(format!("{tick} {o:<38}"), style));
                    }
                    lines.push(Line::from(spans));
                }
            }
            FieldKind::Lines { lines: text, line } => {
                if !field.label.is_empty() {
                    lines.push(Line::from(vec![label, hint]));
                }
                // Long texts (JSON) scroll to keep the cursor's line in view, and sideways
                // (every line together, as editors do) to keep the cursor's column in view.
                let room = usize::from(outer.height.saturating_sub(12)).max(3);
                let first = line.saturating_sub(room.saturating_sub(1));
                let columns = usize::from(form_width(outer).saturating_sub(4 + 6)).max(8);
                let scroll = text.get(*line).map_or(0, |l| l.0.visual_scroll(columns));
                for (j, l) in text.iter().enumerate().skip(first).take(room) {
                    if focused && j == *line {
                        cursor = Some((lines.len(), 6 + l.0.visual_cursor() - scroll));
                    }
                    let mark = if focused && j == *line { "▸" } else { " " };
                    lines.push(Line::from(vec![
                        Span::styled(format!("   {mark}│"), t.footer_desc),
                        Span::raw(format!(" {}", skip_columns(&sanitize(l.value()), scroll))),
                    ]));
                }
                if text.len() > first + room {
                    lines.push(Line::from(Span::styled(
                        format!("    … {} more lines", text.len() - first - room),
                        t.footer_desc,
                    )));
                }
            }
        }
        for e in form.errors_of(i) {
            lines.push(Line::from(Span::styled(
                format!("    ✖ {}", sanitize(&e.message)),
                t.error,
            )));
        }
    }
    let width = form_width(outer);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let area = dialog::centered(outer, width, height.min(outer.height));
    let keys = if matches!(form.kind, FormKind::Json { .. }) {
        " ⏎ new line  Ctrl-S save  Esc cancel "
    } else {
        " ⏎ ok  Tab next  ←/→ option  Esc cancel "
    };
    // One blank row above the fields, like the other settings dialogs.
    let block = dialog::block_with_keys(form.title.clone(), keys, t.title, t.modal_border)
        .padding(Padding::new(1, 1, 1, 0));
    let inner = block.inner(area);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
    if let Some((row, col)) = cursor {
        let x = inner.x.saturating_add(u16::try_from(col).unwrap_or(0));
        let y = inner.y.saturating_add(u16::try_from(row).unwrap_or(0));
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

/// The width of a form dialog on a screen of `outer`.
fn form_width(outer: Rect) -> u16 {
    96.min(outer.width.saturating_sub(2)).max(20)
}

/// `s` without its first `columns` columns of display width.
fn skip_columns(s: &str, columns: usize) -> String {
    let mut skipped = 0;
    s.chars()
        .skip_while(|c| {
            if skipped >= columns {
                return false;
            }
            skipped += UnicodeWidthChar::width(*c).unwrap_or(0);
            true
        })
        .collect()
}
