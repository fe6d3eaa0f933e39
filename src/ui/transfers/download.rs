//! Draws the existing-files questions: a download's (skip, overwrite, keep both or skip
//! if same, asked once for the whole batch) and a folder upload's into names that exist
//! (a new version of each, or skip if same).

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::transfers::UploadConflict;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;
use crate::worker::transfer::ConflictPolicy;

pub(super) fn render_conflict(
    app: &App,
    choice: ConflictPolicy,
    remember: bool,
    frame: &mut Frame,
) {
    let t = &app.theme;
    let plan = app.transfers.plan.as_ref();
    let label = plan.map(|p| p.label.clone()).unwrap_or_default();
    let dir = plan.and_then(|p| p.dir.clone()).unwrap_or_default();
    let button = |c: ConflictPolicy, text: &'static str| choice_button(app, c == choice, text);
    let (count, examples) = plan.map(|p| p.existing.clone()).unwrap_or_default();
    let what = match count {
        1 => "1 target already exists".to_owned(),
        n => format!("{n} targets already exist"),
    };
    let example = examples
        .first()
        .map(|p| format!(", e.g. {}", sanitize(&p.display().to_string())))
        .unwrap_or_default();
    let lines = vec![
        Line::from(format!(
            "Download {} into {}",
            sanitize(&label),
            sanitize(&dir)
        )),
        Line::from(Span::styled(format!("{what}{example}"), t.warn)),
        Line::from(Span::styled(
            "When a local file already exists (for the whole batch):",
            t.footer_desc,
        )),
        Line::from(vec![
            button(ConflictPolicy::Skip, " s skip "),
            Span::raw("   "),
            button(ConflictPolicy::Overwrite, " o overwrite "),
            Span::raw("   "),
            button(ConflictPolicy::KeepBoth, " b keep both "),
            Span::raw("   "),
            button(ConflictPolicy::SkipSame, " m skip if same "),
        ]),
        Line::default(),
        Line::from(Span::styled(
            format!(
                "[{}] Space: don't ask again this session",
                if remember { "x" } else { " " }
            ),
            t.footer_desc,
        )),
    ];
    let area = dialog::centered(frame.area(), 76, 9);
    let block = existing_files_block(app);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
}

/// The question before a folder upload into names that exist.
pub(super) fn render_upload_conflict(app: &App, q: &UploadConflict, frame: &mut Frame) {
    let t = &app.theme;
    let button = |c: ConflictPolicy, text: &'static str| choice_button(app, c == q.choice, text);
    let lines = vec![
        Line::from(format!(
            "Upload {} into b2://{}/{}",
            sanitize(&q.local.display().to_string()),
            sanitize(&q.bucket.name),
            sanitize(&q.prefix)
        )),
        Line::from(Span::styled(
            format!("Names there already, e.g. {}", sanitize(&q.example)),
            t.warn,
        )),
        Line::from(Span::styled(
            "When a file of the folder is there already:",
            t.footer_desc,
        )),
        Line::from(vec![
            button(
                ConflictPolicy::SkipSame,
                " m skip if same (size and SHA-1) ",
            ),
            Span::raw("   "),
            button(ConflictPolicy::Overwrite, " o upload a new version "),
        ]),
    ];
    let area = dialog::centered(frame.area(), 76, 7);
    let block = existing_files_block(app);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
}

/// One answer of an existing-files question, highlighted when chosen.
fn choice_button(app: &App, chosen: bool, text: &'static str) -> Span<'static> {
    let style = if chosen {
        app.theme.selected
    } else {
        Style::new()
    };
    Span::styled(text, style)
}

/// The frame of both existing-files questions.
fn existing_files_block(app: &App) -> ratatui::widgets::Block<'static> {
    dialog::block_with_keys(
        " Existing files ",
        " ⏎ choose  Esc cancel ",
        app.theme.title,
        app.theme.modal_border,
    )
}
