//! Drawing of the three panes; each file pairs with `app/panes/*.rs`. Only the visible
//! rows are built, so a 50,000-name folder costs the same per frame as a short one.

pub mod buckets;
pub mod files;
pub mod versions;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, HighlightSpacing, Paragraph, Row, Table, TableState};

use crate::config::Theme;

use crate::app::panes::Cursor;

/// The row range to draw for `len` rows in `height` lines.
pub(crate) fn window(cursor: &Cursor, len: usize, height: usize) -> std::ops::Range<usize> {
    let start = cursor.visible_offset(height).min(len);
    start..(start + height).min(len)
}

/// How a table marks its selected row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Selection {
    /// Row index within the drawn rows.
    pub row: Option<usize>,
    pub style: Style,
    /// Draw the `▸` column (narrow panes rely on the style alone).
    pub marker: bool,
}

impl Selection {
    /// The cursor's row among the drawn rows (from `offset` on), in the focused or the
    /// unfocused selection style.
    pub(crate) fn of(selected: usize, offset: usize, focused: bool, theme: &Theme) -> Self {
        Self {
            row: selected.checked_sub(offset),
            style: if focused {
                theme.selected
            } else {
                theme.selected_unfocused
            },
            marker: true,
        }
    }
}

/// Draws `rows` (already cut to the visible window) as a table.
pub(crate) fn render_table<'a>(
    frame: &mut Frame,
    area: Rect,
    block: Block<'a>,
    rows: Vec<Row<'a>>,
    widths: &[Constraint],
    selection: Selection,
) {
    let table = Table::new(rows, widths.to_vec())
        .block(block)
        .column_spacing(1)
        .row_highlight_style(selection.style);
    let table = if selection.marker {
        table
            .highlight_symbol("▸ ")
            .highlight_spacing(HighlightSpacing::Always)
    } else {
        table.highlight_spacing(HighlightSpacing::Never)
    };
    let mut state = TableState::default().with_selected(selection.row);
    frame.render_stateful_widget(table, area, &mut state);
}

/// A centred placeholder message inside a pane.
pub(crate) fn render_message(
    frame: &mut Frame,
    area: Rect,
    block: Block<'_>,
    text: &str,
    style: Style,
) {
    let p = Paragraph::new(Line::from(text.to_owned()).style(style))
        .alignment(Alignment::Center)
        .block(block);
    frame.render_widget(p, area);
}
