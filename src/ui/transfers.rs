//! Draws the Transfers view (every job with a bar, bytes, speed, ETA and state, plus batch
//! totals), the header's transfer summary, and the transfers modals (path prompt with
//! completion candidates, conflict and cancel questions, unfinished large files).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, List, ListItem, ListState, Padding, Paragraph};

use super::format::{sanitize, size, time};
use super::pane_block;
use super::widgets::dialog::centered;
use crate::app::App;
use crate::app::transfers::{PathPrompt, PromptPurpose, TransferModal, eta_secs, percent};
use crate::worker::transfer::{ConflictPolicy, JobKind, JobSnapshot, JobState};

/// A speed: `112 MB/s`, `0 B/s`.
pub fn speed(bytes_per_sec: u64) -> String {
    format!("{}/s", size(bytes_per_sec))
}

/// Time left: `42s`, `3m05s`, `1h02m`; `—` when unknown.
pub fn eta(secs: Option<u64>) -> String {
    match secs {
        None => "—".to_owned(),
        Some(s) if s < 60 => format!("{s}s"),
        Some(s) if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        Some(s) if s < 100 * 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        Some(_) => ">99h".to_owned(),
    }
}

/// A bar of `width` cells: `█████░░░░░`.
pub fn bar(done: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 {
        0
    } else {
        usize::try_from(u128::from(done.min(total)) * width as u128 / u128::from(total))
            .unwrap_or(width)
    };
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

/// The state word of a job (reasons come separately).
pub fn state_label(s: &JobState) -> &'static str {
    match s {
        JobState::Queued => "queued",
        JobState::Running => "running",
        JobState::Paused => "paused",
        JobState::Done => "done",
        JobState::Failed { .. } => "failed",
        JobState::Cancelled => "cancelled",
        JobState::Skipped { .. } => "skipped",
    }
}

/// The header's `⇅ 2 running 41% 112 MB/s` while anything is queued or running.
pub fn summary_spans(app: &App) -> Vec<Span<'static>> {
    let t = app.transfers.totals();
    if !t.is_active() {
        return Vec::new();
    }
    let mut text = format!(
        "   ⇅ {} running {}% {}",
        t.running,
        t.percent(),
        speed(t.bytes_per_sec)
    );
    if t.queued > 0 {
        text.push_str(&format!(" +{} queued", t.queued));
    }
    vec![Span::styled(text, app.theme.info)]
}

fn state_style(app: &App, s: &JobState) -> Style {
    let t = &app.theme;
    match s {
        JobState::Failed { .. } => t.error,
        JobState::Cancelled | JobState::Skipped { .. } | JobState::Paused => t.warn,
        JobState::Done => t.info,
        JobState::Queued | JobState::Running => Style::new(),
    }
}

fn job_item(app: &App, j: &JobSnapshot, width: usize) -> ListItem<'static> {
    let arrow = match j.kind {
        JobKind::Upload => "↑",
        JobKind::Download => "↓",
    };
    let first = Line::from(vec![
        Span::styled(format!("{arrow} {:<4} ", j.id.to_string()), app.theme.title),
        Span::raw(sanitize(&j.source).into_owned()),
        Span::styled(" → ", app.theme.footer_desc),
        Span::raw(sanitize(&j.destination).into_owned()),
    ]);
    let total = if j.bytes_total == 0 && j.state != JobState::Done {
        "?".to_owned()
    } else {
        size(j.bytes_total)
    };
    let moving = j.state == JobState::Running;
    let mut second = vec![
        Span::raw("       "),
        Span::styled(bar(j.bytes_done, j.bytes_total, 20), app.theme.marked),
        Span::raw(format!(
            " {:>3}%  {} / {}",
            percent(j.bytes_done, j.bytes_total),
            size(j.bytes_done),
            total
        )),
    ];
    if moving {
        second.push(Span::raw(format!(
            "  {}  ETA {}",
            speed(j.bytes_per_sec),
            eta(eta_secs(j.bytes_done, j.bytes_total, j.bytes_per_sec))
        )));
    }
    second.push(Span::raw("  "));
    second.push(Span::styled(
        state_label(&j.state),
        state_style(app, &j.state),
    ));
    if let JobState::Failed { reason } | JobState::Skipped { reason } = &j.state {
        let room = width.saturating_sub(60).max(20);
        let reason: String = sanitize(reason).chars().take(room).collect();
        second.push(Span::styled(
            format!(": {reason}"),
            state_style(app, &j.state),
        ));
    }
    ListItem::new(vec![first, Line::from(second)])
}

fn totals_lines(app: &App) -> Vec<Line<'static>> {
    let t = app.transfers.totals();
    let mut parts = vec![format!("{} jobs", t.jobs)];
    for (n, word) in [
        (t.running, "running"),
        (t.queued, "queued"),
        (t.paused, "paused"),
        (t.done, "done"),
        (t.failed, "failed"),
        (t.cancelled, "cancelled"),
        (t.skipped, "skipped"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    vec![
        Line::from(Span::styled(
            format!(" {}", parts.join(" · ")),
            app.theme.header,
        )),
        Line::from(format!(
            " {} / {}  {}%  {}",
            size(t.bytes_done),
            size(t.bytes_total),
            t.percent(),
            speed(t.bytes_per_sec)
        )),
    ]
}

/// Draws the Transfers view in `area`.
pub fn render_view(app: &App, frame: &mut Frame, area: Rect) {
    let block = pane_block(app, Line::from(" Transfers "), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [totals, list] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(totals_lines(app)), totals);
    if app.transfers.jobs.is_empty() {
        let hint = Line::from(Span::styled(
            " No transfers yet: u uploads into the folder shown, d downloads the selection.",
            app.theme.footer_desc,
        ));
        frame.render_widget(Paragraph::new(hint), list);
        return;
    }
    let width = usize::from(list.width);
    let items: Vec<ListItem> = app
        .transfers
        .jobs
        .values()
        .map(|j| job_item(app, j, width))
        .collect();
    let mut state = ListState::default().with_selected(Some(app.transfers.cursor.selected));
    let widget = List::new(items)
        .highlight_style(app.theme.selected)
        .highlight_symbol("▸");
    frame.render_stateful_widget(widget, list, &mut state);
}

fn modal_block(app: &App, title: String, style: Style) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(Line::from(title).style(app.theme.title))
        .padding(Padding::horizontal(1))
}

/// Draws one transfers modal.
pub fn render_modal(app: &App, modal: &TransferModal, frame: &mut Frame) {
    match modal {
        TransferModal::Path(p) => render_prompt(app, p, frame),
        TransferModal::Conflict { choice } => render_conflict(app, *choice, frame),
        TransferModal::Cancel {
            label, can_keep, ..
        } => {
            let mut lines = vec![
                Line::from(format!("Cancel {}?", sanitize(label))),
                Line::default(),
            ];
            if *can_keep {
                lines.push(Line::from(
                    "d  cancel and discard (b2_cancel_large_file drops uploaded parts)",
                ));
                lines.push(Line::from(
                    "k  cancel but keep an unfinished large file to resume later",
                ));
            } else {
                lines.push(Line::from("d  cancel and remove the partial download"));
            }
            lines.push(Line::from("Esc  keep it running"));
            render_dialog(app, " Cancel transfer ", lines, frame);
        }
        TransferModal::CancelUnfinished { file_name, .. } => {
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
        TransferModal::Unfinished => render_unfinished(app, frame),
    }
}

fn render_dialog(app: &App, title: &str, lines: Vec<Line<'static>>, frame: &mut Frame) {
    let height = u16::try_from(lines.len()).unwrap_or(8) + 2;
    let area = centered(frame.area(), 76, height);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(modal_block(app, title.to_owned(), app.theme.modal_border)),
        area,
    );
}

fn render_prompt(app: &App, p: &PathPrompt, frame: &mut Frame) {
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
    let block = modal_block(app, title, t.modal_border)
        .title_bottom(Line::from(" Tab complete  ⏎ start  Esc cancel ").right_aligned());
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
    let area = centered(frame.area(), width, height);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
    let x = inner.x + 5 + u16::try_from(p.input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y + 2,
    ));
}

fn render_conflict(app: &App, choice: ConflictPolicy, frame: &mut Frame) {
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
    let area = centered(frame.area(), 76, 7);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            modal_block(app, " Existing files ".to_owned(), t.modal_border)
                .title_bottom(Line::from(" ⏎ choose  Esc cancel ").right_aligned()),
        ),
        area,
    );
}

fn render_unfinished(app: &App, frame: &mut Frame) {
    let t = &app.theme;
    let area = centered(frame.area(), 90, 18);
    let Some(list) = &app.transfers.unfinished else {
        return;
    };
    let block = modal_block(
        app,
        format!(
            " Unfinished large files  b2://{}/ ",
            sanitize(&list.bucket.name)
        ),
        t.modal_border,
    )
    .title_bottom(Line::from(" r resume  c cancel  Esc close ").right_aligned());
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let Some(files) = &list.files else {
        frame.render_widget(Paragraph::new("loading…"), inner);
        return;
    };
    if files.is_empty() {
        frame.render_widget(Paragraph::new("No unfinished large files."), inner);
        return;
    }
    let items: Vec<ListItem> = files
        .iter()
        .map(|f| {
            let size = f
                .file_info
                .get("src_size")
                .and_then(|s| s.parse::<u64>().ok())
                .map(size)
                .unwrap_or_else(|| "?".to_owned());
            ListItem::new(Line::from(format!(
                "{:<50} {:>10}  started {}",
                sanitize(&f.file_name),
                size,
                time(f.upload_timestamp)
            )))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(list.cursor.selected));
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(t.selected)
            .highlight_symbol("▸"),
        inner,
        &mut state,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(0, 0, 4), "░░░░");
        assert_eq!(bar(50, 100, 4), "██░░");
        assert_eq!(bar(200, 100, 4), "████");
    }
}
