//! Drawing the go-to-path prompt (`:`): the path typed, the accepted forms, what the key
//! is restricted to, the error, and the cursor. The state is `app/goto.rs`.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::goto::GoToPrompt;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::{block_with_keys, centered, show};

/// Draws the prompt and places the terminal cursor in its input.
pub fn render(app: &App, p: &GoToPrompt, frame: &mut Frame) {
    let t = &app.theme;
    let area = centered(frame.area(), 72, 8);
    let block = block_with_keys(
        " Go to ",
        " ⏎ open  Tab complete  Esc cancel ",
        t.title,
        t.modal_border,
    );
    let inner = block.inner(area);
    let key = &app.session.key;
    let scope = match (&key.name_prefix, key.allowed_buckets.as_deref()) {
        (Some(prefix), _) => format!("this key sees names starting with {}", sanitize(prefix)),
        (None, Some([_])) => "this key sees one bucket".to_owned(),
        (None, Some(list)) => format!("this key sees {} buckets", list.len()),
        (None, None) => String::new(),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled("path ", t.breadcrumb),
            Span::raw(sanitize(p.input.value()).into_owned()),
        ]),
        Line::from(Span::styled(
            "b2://bucket/folder/name · folder/name (this bucket) · name (this folder)",
            t.footer_desc,
        )),
        Line::from(Span::styled(scope, t.footer_desc)),
        Line::default(),
        match &p.error {
            Some(e) => Line::from(Span::styled(sanitize(e).into_owned(), t.error)),
            None => Line::default(),
        },
    ];
    show(frame, area, Paragraph::new(lines).block(block));
    let x = inner.x + 5 + u16::try_from(p.input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}
