//! Draws the delete-key question (with the typed second step for the key b2tui uses) and
//! the "key deleted" stop.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::popup;
use crate::app::App;
use crate::app::keys::TextField;
use crate::ui::format::sanitize;

/// The delete question for one key; `typed` is the second step for the key b2tui uses.
pub(super) fn render_confirm_delete(
    app: &App,
    key_id: &str,
    key_name: &str,
    is_current: bool,
    typed: Option<&TextField>,
    error: Option<&String>,
    frame: &mut Frame,
) {
    let mut lines = vec![
        Line::from(format!("Delete key {} ({key_id})?", sanitize(key_name))),
        Line::from("Every tool using it stops working at once. This cannot be undone."),
    ];
    if is_current {
        lines.push(Line::from(Span::styled(
            "b2tui itself uses this key: after deleting it, nothing else will work.",
            app.theme.error,
        )));
    }
    lines.push(Line::default());
    match typed {
        None => lines.push(Line::from("y delete   n/Esc/⏎ cancel")),
        Some(t) => {
            lines.push(Line::from("Type the key's name to delete it, then ⏎:"));
            lines.push(Line::from(Span::styled(
                format!("> {}▏", sanitize(t.value())),
                app.theme.breadcrumb,
            )));
        }
    }
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(e.clone(), app.theme.error)));
    }
    popup(app, frame, " Delete key ", lines, 76, true);
}

/// The stop after b2tui's own key was deleted.
pub(super) fn render_revoked(app: &App, key_name: &str, frame: &mut Frame) {
    let lines = vec![
        Line::from(format!(
            "The key b2tui was using ({}) has been deleted.",
            sanitize(key_name)
        )),
        Line::from("Every further call to B2 would be refused."),
        Line::default(),
        Line::from("Restart b2tui with another key. q/⏎ quit"),
    ];
    popup(app, frame, " Key deleted ", lines, 64, true);
}
