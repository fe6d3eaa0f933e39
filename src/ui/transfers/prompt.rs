//! Draws the path prompt (upload, download folder, resume) with its completion candidates
//! and the cursor in the path.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::transfers::{PathPrompt, PromptPurpose};
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;

pub(super) fn render_prompt(app: &App, p: &PathPrompt, frame: &mut Frame) {
    let t = &app.theme;
    let (title, what) = match &p.purpose {
        PromptPurpose::Upload { bucket, prefix } => (
            " Upload ".to_owned(),
            format!(
                "A local file or folder, uploaded into b2://{}/{}",
                sanitize(&bucket.name),
                sanitize(prefix)
            ),
        ),
        PromptPurpose::DownloadTo => {
            let label = app
                .transfers
                .plan
                .as_ref()
                .map(|p| p.label.clone())
                .unwrap_or_default();
            (
                " Download ".to_owned(),
                format!("Download {} into this local folder", sanitize(&label)),
            )
        }
        PromptPurpose::Resume { file_name, .. } => (
            " Resume upload ".to_owned(),
            format!("The local file of {}", sanitize(file_name)),
        ),
    };
    let width = 76;
    let block = dialog::block_with_keys(
        title,
        " Tab complete  ⏎ start  Esc cancel ",
        t.title,
        t.modal_border,
    );
    let mut lines = vec![
        Line::from(Span::styled(what, t.footer_desc)),
        Line::default(),
        Line::from(vec![
            Span::styled("path ", t.title),
            Span::raw(sanitize(p.input.value()).into_owned()),
        ]),
        Line::default(),
    ];
    if !p.candidates.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("{} matches:", p.candidates.len()),
            t.footer_desc,
        )));
        let mut row = String::new();
        let mut rows = Vec::new();
        let width = usize::from(width - 4);
        for c in &p.candidates {
            let c = sanitize(c);
            if !row.is_empty() && row.chars().count() + c.chars().count() + 2 > width {
                rows.push(std::mem::take(&mut row));
            }
            if !row.is_empty() {
                row.push_str("  ");
            }
            row.push_str(&c);
        }
        rows.push(row);
        lines.extend(
            rows.into_iter()
                .take(8)
                .map(|r| Line::from(Span::styled(r, t.folder))),
        );
    }
    if let Some(e) = &p.error {
        lines.push(Line::from(Span::styled(sanitize(e).into_owned(), t.error)));
    }
    let height = u16::try_from(lines.len()).unwrap_or(12) + 2;
    let area = dialog::centered(frame.area(), width, height);
    let inner = block.inner(area);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
    let x = inner.x + 5 + u16::try_from(p.input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y + 2,
    ));
}
