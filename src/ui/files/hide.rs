//! Drawing the "Delete (hide) files" dialog: the files that get a hide marker (or the
//! listing still running), how to get them back, and the answers. Drawing only.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::files::hide::ConfirmHide;
use crate::ui::format::{count, sanitize};
use crate::ui::widgets::dialog::{buttons, show_delete};

/// Draws the dialog.
pub fn render(app: &App, c: &ConfirmHide, frame: &mut Frame) {
    let t = &app.theme;
    let n = c.names.len();
    let files = |n: usize| format!("{} file{}", count(n), if n == 1 { "" } else { "s" });
    let folders = c
        .folders
        .iter()
        .map(|f| sanitize(f).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let head = if c.loading {
        format!("Listing the files in {folders}… {} so far", files(n))
    } else if c.folders.is_empty() {
        format!("Delete (hide) {}?", files(n))
    } else {
        format!(
            "Delete (hide) {}, everything visible in {folders}?",
            files(n)
        )
    };
    let mut lines = vec![Line::from(Span::styled(head, t.warn)), Line::default()];
    let shown = usize::from(frame.area().height.saturating_sub(16)).max(3);
    for name in c.names.iter().take(shown) {
        lines.push(Line::from(format!("  {}", sanitize(name))));
    }
    if n > shown {
        lines.push(Line::from(format!("  …and {} more", count(n - shown))));
    }
    if n == 0 && !c.loading {
        lines.push(Line::from("  (no visible files: nothing is hidden)"));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "Each file gets a hide marker: it leaves the listing, and its data stays as older",
    ));
    lines.push(Line::from(
        "versions, so it can be recovered. H shows hidden files, U unhides them.",
    ));
    lines.push(Line::default());
    lines.push(buttons(
        &app.theme,
        format!("Delete {}", count(n)),
        c.hide_chosen,
    ));
    show_delete(&app.theme, frame, " Delete (hide) files ", 90, lines);
}
