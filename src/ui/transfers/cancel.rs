//! Draws the two cancel questions: cancelling a job (uploads that are large files may keep
//! the unfinished large file for resume) and `b2_cancel_large_file` of an unfinished file.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;
use crate::worker::transfer::JobKind;

/// The cancel-job question for `label`; `can_keep` (a large upload) talks about its parts
/// and offers keep-for-resume.
pub(super) fn render_cancel(
    app: &App,
    label: &str,
    kind: JobKind,
    can_keep: bool,
    frame: &mut Frame,
) {
    let mut lines = vec![
        Line::from(format!("Cancel {}?", sanitize(label))),
        Line::default(),
    ];
    if can_keep {
        lines.push(Line::from(
            "d  cancel and discard (b2_cancel_large_file drops uploaded parts)",
        ));
        lines.push(Line::from(
            "k  cancel but keep an unfinished large file to resume later",
        ));
    } else if kind == JobKind::Upload {
        lines.push(Line::from("d  cancel the upload"));
    } else {
        lines.push(Line::from("d  cancel and remove the partial download"));
    }
    lines.push(Line::from("Esc  keep it running"));
    render_dialog(app, " Cancel transfer ", lines, frame);
}

/// The question before cancelling the unfinished upload of `file_name`.
pub(super) fn render_cancel_unfinished(app: &App, file_name: &str, frame: &mut Frame) {
    let lines = vec![
        Line::from(format!(
            "Cancel the unfinished upload of {}?",
            sanitize(file_name)
        )),
        Line::from("Its uploaded parts are deleted (b2_cancel_large_file)."),
        Line::default(),
        Line::from("d  cancel it     Esc  keep it"),
    ];
    render_dialog(app, " Unfinished large file ", lines, frame);
}

/// A question about every transfer (quit, cancel all): `message` wrapped, then the keys.
pub(super) fn render_all(app: &App, title: &str, message: &str, keys: &str, frame: &mut Frame) {
    const WIDTH: u16 = 76;
    let text = sanitize(message).into_owned();
    // Inner width, less a margin for words that do not break evenly.
    let per_line = usize::from(WIDTH - 4);
    let wrapped = text.chars().count().div_ceil(per_line) + 1;
    let lines = vec![
        Line::from(text),
        Line::default(),
        Line::from(keys.to_owned()),
    ];
    let height = u16::try_from(wrapped + 4).unwrap_or(10);
    let area = dialog::centered(frame.area(), WIDTH, height);
    let block = dialog::block(title, app.theme.title, app.theme.modal_border);
    let body = Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(block);
    dialog::show(frame, area, body);
}

fn render_dialog(app: &App, title: &str, lines: Vec<Line<'static>>, frame: &mut Frame) {
    let height = u16::try_from(lines.len()).unwrap_or(8) + 2;
    let area = dialog::centered(frame.area(), 76, height);
    let block = dialog::block(title, app.theme.title, app.theme.modal_border);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
}
