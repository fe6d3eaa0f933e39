//! Drawing for time travel: the "as of" header span. Its dialogs: `prompt.rs` (point in
//! time) and `plan.rs` (restore plan). Drawing only.

pub mod plan;
pub mod prompt;

use ratatui::text::Span;

use crate::app::App;
use crate::ui::format::time;

/// The header span while browsing the past: `as of 2026-11-01 08:00`.
pub fn as_of_span(app: &App) -> Option<Span<'static>> {
    let at = app.restore.as_of?;
    Some(Span::styled(
        format!("  as of {} UTC ", time(at)),
        app.theme.past,
    ))
}
