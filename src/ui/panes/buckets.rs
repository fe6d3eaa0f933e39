//! Draws the buckets pane: name and type per bucket.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};

use super::{Selection, render_message, render_table, window};
use crate::app::{App, Focus};
use crate::ui::format::{count, fit, sanitize};
use crate::ui::pane_block;

/// Short form of B2's `bucketType` (four columns: the pane is narrow).
fn bucket_type(t: &str) -> &str {
    match t {
        "allPrivate" => "priv",
        "allPublic" => "pub",
        "snapshot" => "snap",
        "restricted" => "rstr",
        "shared" => "shrd",
        other => other.get(..4).unwrap_or(other),
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let pane = &app.buckets;
    let focused = app.focus == Focus::Buckets;
    let mut title = format!(" Buckets  {} ", count(pane.buckets.len()));
    if pane.pending.is_some() {
        title = " Buckets  loading… ".to_owned();
    }
    let block = pane_block(app, Line::from(title), focused);
    if pane.buckets.is_empty() {
        let text = if pane.loaded { "no buckets" } else { "" };
        render_message(frame, area, block, text, app.theme.hidden);
        return;
    }
    let height = usize::from(area.height.saturating_sub(2));
    let range = window(&pane.cursor, pane.buckets.len(), height);
    let offset = range.start;
    // Borders, the ▸ column, the spacing and the four type columns leave this for names.
    let name_width = usize::from(area.width).saturating_sub(2 + 2 + 1 + 4);
    let rows = pane.buckets[range]
        .iter()
        .map(|b| {
            Row::new(vec![
                Cell::from(fit(&sanitize(&b.bucket_name), name_width).into_owned()),
                Cell::from(Line::from(bucket_type(&b.bucket_type).to_owned()).right_aligned())
                    .style(app.theme.hidden),
            ])
        })
        .collect();
    let selection = Selection::of(pane.cursor.selected, offset, focused, &app.theme);
    let widths = [Constraint::Fill(1), Constraint::Length(4)];
    render_table(frame, area, block, rows, &widths, selection);
}
