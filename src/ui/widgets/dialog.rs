//! The frame of every dialog: a rect centred over the screen, cleared, with a rounded
//! border, a title and the dialog's keys at the bottom right; and the Cancel/yes buttons of
//! a confirmation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph, Widget, Wrap};

use crate::config::Theme;

/// A `width` × `height` rect centred in `area`, shrunk to fit.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A dialog's border: rounded, in `border`, titled `title` in `title_style`, padded one
/// column left and right.
pub fn block<'a>(title: impl Into<Line<'a>>, title_style: Style, border: Style) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(title.into().style(title_style))
        .padding(Padding::horizontal(1))
}

/// [`block`] with the dialog's keys at the bottom right.
pub fn block_with_keys<'a>(
    title: impl Into<Line<'a>>,
    keys: impl Into<Line<'a>>,
    title_style: Style,
    border: Style,
) -> Block<'a> {
    block(title, title_style, border).title_bottom(keys.into().right_aligned())
}

/// Clears `area` and draws `widget` (a dialog with its block) over whatever was there.
pub fn show(frame: &mut Frame, area: Rect, widget: impl Widget) {
    frame.render_widget(Clear, area);
    frame.render_widget(widget, area);
}

/// How tall a dialog `width` columns wide (border and one column of padding each side
/// included) must be to show all of `lines` wrapped, with `extra` rows for its border and
/// padding.
pub fn wrapped_height(lines: &[Line<'_>], width: u16, extra: u16) -> u16 {
    let inner = width.saturating_sub(4).max(1);
    let rows = Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(inner);
    u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_add(extra)
}

/// Clears `area` and draws `lines`, wrapped, inside `block`.
pub fn show_wrapped<'a>(frame: &mut Frame, area: Rect, lines: Vec<Line<'a>>, block: Block<'a>) {
    show(
        frame,
        area,
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
    );
}

/// The answers of a confirmation: ` Cancel ` and ` {yes} `, the chosen one highlighted.
pub fn buttons(t: &Theme, yes: String, yes_chosen: bool) -> Line<'static> {
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

/// A deletion to confirm: `lines` ending in the buttons, titled `title`, in the error
/// colours, `width` wide.
pub fn show_delete(theme: &Theme, frame: &mut Frame, title: &str, width: u16, lines: Vec<Line>) {
    let block = block_with_keys(
        title,
        " y delete  n/Esc cancel  Tab switch ",
        theme.title,
        theme.error_border,
    );
    show_lines(frame, width, lines, block);
}

/// Shows `lines` in `block`, centred, `width` wide and as tall as the lines and the border.
pub fn show_lines(frame: &mut Frame, width: u16, lines: Vec<Line>, block: Block) {
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), width, height);
    show(frame, area, Paragraph::new(lines).block(block));
}
