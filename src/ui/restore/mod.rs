//! Drawing for versions, hiding and time travel, as the rest of `ui` calls it: one restore
//! modal, the header notes, and (re-exported) the files pane's hidden and marked rows and
//! the "as of" header. Each dialog is drawn in `ui/versions/`, `ui/files/`, `ui/time_travel/`.

mod purge;

use ratatui::Frame;
use ratatui::text::Span;

pub use super::files::{file_row, is_decorated};
pub use super::time_travel::as_of_span;
use crate::app::App;
use crate::app::restore::RestoreModal;
use crate::ui::format::sanitize;
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
        RestoreModal::Purge(d) => purge::render(app, d, frame),
    }
}
