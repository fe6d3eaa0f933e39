//! Drawing for hiding in the files pane: hidden (`◌`) and marked (`✓`) rows (the pane is
//! `ui/panes/files.rs`). Its dialogs: `hide.rs` (delete (hide) files) and `deleted.rs`
//! (recently deleted). Drawing only.

pub mod deleted;
pub mod hide;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::app::panes::files::display_name;
use crate::app::{App, Listed};
use crate::b2::FileAction;
use crate::ui::format::{sanitize, size, time};

/// True when a files-pane entry needs this module's row (hidden or marked).
pub fn is_decorated(app: &App, e: &Listed<'_>) -> bool {
    e.action == FileAction::Hide || app.restore.marks.contains(e.file_name)
}

/// A hidden or marked files-pane row: `✓` for marked, `◌` and the hide time for hidden.
pub fn file_row<'a>(app: &App, e: &Listed<'_>) -> Row<'a> {
    let t = &app.theme;
    let mark = if app.restore.marks.contains(e.file_name) {
        "✓ "
    } else {
        ""
    };
    let name = sanitize(display_name(e, &app.files.prefix)).into_owned();
    if e.action == FileAction::Hide {
        return Row::new(vec![
            Cell::from(format!("{mark}◌ {name}")),
            Cell::from(Line::from("hidden").right_aligned()),
            Cell::from(time(e.upload_timestamp)),
        ])
        .style(t.hidden);
    }
    let style = if e.is_folder() {
        t.folder
    } else {
        Style::new()
    };
    let mut cells = vec![Cell::from(Span::styled(format!("{mark}{name}"), style))];
    if !e.is_folder() {
        cells.push(Cell::from(
            Line::from(size(e.content_length)).right_aligned(),
        ));
        cells.push(Cell::from(time(e.upload_timestamp)));
    }
    Row::new(cells).style(t.marked)
}
