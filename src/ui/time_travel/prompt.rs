//! Drawing the "Point in time" prompt: the moment typed, the accepted forms, the parse
//! error, and the cursor. Drawing only; the state is `app/time_travel/prompt.rs`.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::time_travel::prompt::TimePrompt;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::{block_with_keys, centered, show};

/// Draws the prompt and places the terminal cursor in its input.
pub fn render(app: &App, p: &TimePrompt, frame: &mut Frame) {
    let t = &app.theme;
    let area = centered(frame.area(), 64, 7);
    let block = block_with_keys(
        " Point in time (UTC) ",
        " ⏎ browse  Esc cancel ",
        t.title,
        t.past,
    );
    let inner = block.inner(area);
    let lines = vec![
        Line::from(vec![
            Span::styled("as of ", t.past),
            Span::raw(sanitize(p.input.value()).into_owned()),
        ]),
        Line::from(Span::styled(
            "2026-11-01 08:00 · 2026-11-01 · -3d · -12h · empty = now",
            t.footer_desc,
        )),
        Line::default(),
        match &p.error {
            Some(e) => Line::from(Span::styled(sanitize(e).into_owned(), t.error)),
            None => Line::default(),
        },
    ];
    show(frame, area, Paragraph::new(lines).block(block));
    let x = inner.x + 6 + u16::try_from(p.input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
