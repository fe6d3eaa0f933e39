//! Drawing for versions, hiding and time travel, as the rest of `ui` calls it: one restore
//! modal, the header notes, and (re-exported) the files pane's hidden and marked rows and
//! the "as of" header. Each dialog is drawn in `ui/versions/`, `ui/files/`, `ui/time_travel/`.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub use super::files::{file_row, is_decorated};
pub use super::time_travel::as_of_span;
use crate::app::App;
use crate::app::restore::RestoreModal;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::{centered, show};
use crate::ui::{files, time_travel, versions};

/// Header notes: hidden files shown, and jobs running.
pub fn status_spans(app: &App) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if app.restore.show_hidden {
        spans.push(Span::styled("  +hidden", app.theme.hidden));
    }
    for j in &app.restore.jobs {
        spans.push(Span::styled(
            format!("  ⟳ {} {}/{}", sanitize(&j.what), j.done, j.total),
            app.theme.header,
        ));
    }
    spans
}

/// Draws one restore modal.
pub fn render_modal(app: &App, m: &RestoreModal, frame: &mut Frame) {
    match m {
        RestoreModal::ConfirmDelete(c) => versions::delete::render(app, c, frame),
        RestoreModal::ConfirmHide(c) => files::hide::render(app, c, frame),
        RestoreModal::TimePrompt(p) => time_travel::prompt::render(app, p, frame),
        RestoreModal::Plan(p) => time_travel::plan::render(app, p, frame),
        RestoreModal::Hidden(h) => files::deleted::render(app, h, frame),
        RestoreModal::Info(i) => versions::info::render(app, i, frame),
    }
}

/// The answers of a restore dialog: ` Cancel ` and ` {yes} `, the chosen one highlighted.
pub(crate) fn buttons(app: &App, yes: String, yes_chosen: bool) -> Line<'static> {
    let t = &app.theme;
    let (c, y) = if yes_chosen {
        (Style::new(), t.selected)
    } else {
        (t.selected, Style::new())
    };
    Line::from(vec![
        Span::styled(" Cancel ".to_owned(), c),
        Span::raw("   "),
        Span::styled(format!(" {yes} "), y),
    ])
}

/// Shows `lines` in `block`, centred, `width` wide and as tall as the lines and the border.
pub(crate) fn show_lines(frame: &mut Frame, width: u16, lines: Vec<Line>, block: Block) {
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), width, height);
    show(frame, area, Paragraph::new(lines).block(block));
}
