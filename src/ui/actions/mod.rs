//! Draws the file-action menu (`app/actions/menu.rs`): a line saying what it is about, then
//! one row per choice, its letter, what it is and the exact text it stands for (escaped
//! for display: the clipboard gets the real text). Drawing only.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::actions::menu::FileMenu;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::{block_with_keys, show_lines};

/// The widest the menu gets (long URLs are cut at its edge).
const WIDTH: u16 = 100;

/// Draws the menu.
pub fn render(app: &App, m: &FileMenu, frame: &mut Frame) {
    let t = &app.theme;
    let label_width = m
        .entries
        .iter()
        .map(|e| e.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::from(sanitize(&m.note).into_owned()), Line::from("")];
    for (i, e) in m.entries.iter().enumerate() {
        let row = Line::from(vec![
            Span::styled(format!(" {} ", e.key), t.footer_key),
            Span::raw(format!(" {:<label_width$}  ", e.label)),
            Span::raw(sanitize(&e.text).into_owned()),
        ]);
        lines.push(if i == m.cursor {
            row.style(t.selected)
        } else {
            row
        });
    }
    let keys = " letter or Enter choose · Esc close ";
    let block = block_with_keys(format!(" {} ", m.title), keys, t.title, t.modal_border);
    show_lines(frame, WIDTH, lines, block);
}
