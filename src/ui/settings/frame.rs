//! What the settings dialogs share: their frame (`ui/widgets/dialog.rs` with one blank row
//! above the text) and the before/after lines of a diff.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use crate::app::App;
use crate::lifecycle_sim::DiffLine;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;

/// Before/after lines: removed in the error colour, added in the info colour.
pub(super) fn diff_lines(app: &App, diff: &[DiffLine]) -> Vec<Line<'static>> {
    diff.iter()
        .map(|l| match l {
            DiffLine::Same(s) => Line::from(format!("  {}", sanitize(s))),
            DiffLine::Removed(s) => {
                Line::from(Span::styled(format!("- {}", sanitize(s)), app.theme.error))
            }
            DiffLine::Added(s) => {
                Line::from(Span::styled(format!("+ {}", sanitize(s)), app.theme.info))
            }
        })
        .collect()
}

/// The width of a [`dialog`] on `outer`.
fn dialog_width(outer: Rect) -> u16 {
    76.min(outer.width.saturating_sub(4)).max(20)
}

/// The cells a line of [`dialog`] has on this frame (inside the border and the padding);
/// a line cut to it (`format::fit`) is never wrapped.
pub(super) fn text_width(frame: &Frame) -> usize {
    usize::from(dialog_width(frame.area()).saturating_sub(4))
}

/// A dialog of `lines` (wrapped), as tall as they are once wrapped, with `keys` at the
/// bottom right.
pub(super) fn dialog(
    app: &App,
    title: &str,
    lines: Vec<Line<'static>>,
    keys: &str,
    frame: &mut Frame,
) {
    let outer = frame.area();
    let width = dialog_width(outer);
    // As tall as the text once wrapped (borders and padding take 3 rows).
    let height = dialog::wrapped_height(&lines, width, 3);
    let area = dialog::centered(outer, width, height.min(outer.height.saturating_sub(2)));
    let block = dialog::block_with_keys(
        title.to_owned(),
        keys.to_owned(),
        app.theme.title,
        app.theme.modal_border,
    )
    .padding(Padding::new(1, 1, 1, 0));
    dialog::show_wrapped(frame, area, lines, block);
}
