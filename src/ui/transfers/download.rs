//! Draws a download's existing-files question: skip, overwrite or keep both, asked once
//! for the whole batch.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;
use crate::worker::transfer::ConflictPolicy;

pub(super) fn render_conflict(app: &App, choice: ConflictPolicy, frame: &mut Frame) {
    let t = &app.theme;
    let plan = app.transfers.plan.as_ref();
    let label = plan.map(|p| p.label.clone()).unwrap_or_default();
    let dir = plan.and_then(|p| p.dir.clone()).unwrap_or_default();
    let button = |c: ConflictPolicy, text: &'static str| {
        let style = if c == choice {
            t.selected
        } else {
            Style::new()
        };
        Span::styled(text, style)
    };
    let lines = vec![
        Line::from(format!(
            "Download {} into {}",
            sanitize(&label),
            sanitize(&dir)
        )),
        Line::from(Span::styled(
            "When a local file already exists (for the whole batch):",
            t.footer_desc,
        )),
        Line::default(),
        Line::from(vec![
            button(ConflictPolicy::Skip, " s skip "),
            Span::raw("   "),
            button(ConflictPolicy::Overwrite, " o overwrite "),
            Span::raw("   "),
            button(ConflictPolicy::KeepBoth, " b keep both "),
        ]),
    ];
    let area = dialog::centered(frame.area(), 76, 7);
    let block = dialog::block_with_keys(
        " Existing files ",
        " ⏎ choose  Esc cancel ",
        t.title,
        t.modal_border,
    );
    dialog::show(frame, area, Paragraph::new(lines).block(block));
}
