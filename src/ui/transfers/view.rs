//! Draws the Transfers view (every job with a bar, bytes, speed, ETA and state, or why it
//! waits, plus batch totals) and the header's transfer summary, with the speed, ETA, retry
//! and bar text they use.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::app::App;
use crate::app::transfers::{Row, count, eta_is_meaningful, eta_secs, percent, took};
use crate::ui::format::{fit, sanitize, size};
use crate::ui::pane_block;
use crate::worker::transfer::{JobKind, JobSnapshot, JobState, RetryWait, SkipReason};

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

/// Why a running job waits: `retrying in 4 s (attempt 3/8) after 503 service_unavailable`,
/// counting down to `retrying now` at `now_unix_ms` (the whole wait when `None`).
pub fn retry_text(wait: &RetryWait, now_unix_ms: Option<i64>) -> String {
    let when = match wait.secs_left(now_unix_ms) {
        0 => "now".to_owned(),
        secs => format!("in {secs} s"),
    };
    format!(
        "retrying {when} (attempt {}/{}) after {}",
        wait.attempt,
        wait.max_attempts,
        wait.cause()
    )
}

/// The clock a retry counts down on: the last tick's wall clock, none in deterministic
/// mode (the wait shows whole, so that the screen stays the same).
fn countdown_clock(app: &App) -> Option<i64> {
    let now = app.restore.now_ms;
    (!app.session.deterministic && now > 0).then_some(now)
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
    let retrying = match t.retrying {
        0 => String::new(),
        n => format!(" ({n} retrying)"),
    };
    let mut text = format!(
        "   ⇅ {} running{retrying} {}% {}",
        t.running,
        t.percent(),
        speed(t.bytes_per_sec)
    );
    if t.queued > 0 {
        text.push_str(&format!(" +{} queued", t.queued));
    }
    vec![Span::styled(text, app.theme.info)]
}

pub(super) fn state_style(app: &App, s: &JobState) -> Style {
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
    if let Some(g) = &j.group {
        let second = super::group::group_line(app, j, g, width);
        return ListItem::new(vec![first, second]);
    }
    let total = if j.bytes_total == 0 && j.state != JobState::Done {
        "?".to_owned()
    } else {
        size(j.bytes_total)
    };
    let moving = j.state == JobState::Running;
    if let Some(hashed) = j.hashing.filter(|_| moving) {
        // The whole-file SHA-1 first: no byte moves until it is known.
        let second = vec![
            Span::raw("       "),
            Span::styled(bar(hashed, j.bytes_total, 20), app.theme.marked),
            Span::raw(format!(
                " hashing {}%  {} / {}",
                percent(hashed, j.bytes_total),
                size(hashed),
                total
            )),
        ];
        return ListItem::new(vec![first, Line::from(second)]);
    }
    const INDENT: &str = "       ";
    const BAR: usize = 20;
    let pct = percent(j.bytes_done, j.bytes_total);
    let amounts = format!(" {pct:>3}%  {} / {}", size(j.bytes_done), total);
    if let Some(wait) = j.retry.as_ref().filter(|_| moving) {
        // Waiting, not moving: why, and when it tries again, instead of a speed. The
        // reason wins over the byte counts when the row is narrow.
        let text = sanitize(&retry_text(wait, countdown_clock(app))).into_owned();
        // The list's highlight symbol takes a cell.
        let room = width.saturating_sub(1 + INDENT.len() + BAR);
        let amounts = if amounts.chars().count() + 2 + text.chars().count() <= room {
            amounts
        } else {
            format!(" {pct:>3}%")
        };
        let left = room.saturating_sub(amounts.chars().count() + 2);
        let second = vec![
            Span::raw(INDENT),
            Span::styled(bar(j.bytes_done, j.bytes_total, BAR), app.theme.marked),
            Span::raw(amounts),
            Span::raw("  "),
            Span::styled(fit(&text, left).into_owned(), app.theme.warn),
        ];
        return ListItem::new(vec![first, Line::from(second)]);
    }
    let mut second = vec![
        Span::raw(INDENT),
        Span::styled(bar(j.bytes_done, j.bytes_total, BAR), app.theme.marked),
        Span::raw(amounts),
    ];
    // No speed before the first byte, and an ETA only once enough has moved to estimate.
    if moving && (j.bytes_done > 0 || j.bytes_per_sec > 0) {
        second.push(Span::raw(format!("  {}", speed(j.bytes_per_sec))));
        if eta_is_meaningful(j.bytes_done, j.bytes_total, j.bytes_per_sec) {
            second.push(Span::raw(format!(
                "  ETA {}",
                eta(eta_secs(j.bytes_done, j.bytes_total, j.bytes_per_sec))
            )));
        }
    }
    second.push(Span::raw("  "));
    second.push(Span::styled(
        state_label(&j.state),
        state_style(app, &j.state),
    ));
    if let (JobState::Done, Some(ms)) = (&j.state, j.elapsed_ms) {
        second.push(Span::raw(format!(" in {}", took(ms))));
    }
    let reason = match &j.state {
        JobState::Failed { error } => Some(error.to_string()),
        JobState::Skipped { reason } => Some(skip_text(reason)),
        _ => None,
    };
    if let Some(reason) = reason {
        let room = width.saturating_sub(60).max(20);
        let reason: String = sanitize(&reason).chars().take(room).collect();
        second.push(Span::styled(
            format!(": {reason}"),
            state_style(app, &j.state),
        ));
    }
    ListItem::new(vec![first, Line::from(second)])
}

/// Why a job was skipped, as its row says it (the row already shows the local path).
fn skip_text(reason: &SkipReason) -> String {
    match reason {
        SkipReason::Exists(_) => "exists locally".to_owned(),
        other => other.to_string(),
    }
}

fn totals_lines(app: &App) -> Vec<Line<'static>> {
    let t = app.transfers.totals();
    let mut parts = vec![format!("{} jobs", t.jobs)];
    if let Some((files, parts_at_once)) = app.transfers.limits {
        parts.insert(0, format!("{files} files · {parts_at_once} parts at once"));
    }
    for (n, word) in [
        (t.running, "running"),
        (t.retrying, "retrying"),
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
            " {} / {}  {}%  {}{}",
            size(t.bytes_done),
            size(t.bytes_total),
            t.percent(),
            speed(t.bytes_per_sec),
            match t.group_files {
                (_, 0) => String::new(),
                (settled, found) => format!("  {} / {} files", count(settled), count(found)),
            }
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
    let jobs = &app.transfers.jobs;
    let items: Vec<ListItem> = app
        .transfers
        .rows()
        .into_iter()
        .filter_map(|row| {
            let j = jobs.get(&row.job())?;
            let g = j.group.as_deref();
            Some(match (row, g) {
                (Row::Job(_), _) => job_item(app, j, width),
                (Row::Running(_, i), Some(g)) => super::group::running_item(app, g, i, width),
                (Row::Failure(_, i), Some(g)) => super::group::failure_item(app, g, i, width),
                (Row::MoreFailures(_), Some(g)) => super::group::more_item(app, g),
                (_, None) => ListItem::new(Line::default()),
            })
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(app.transfers.cursor.selected));
    let widget = List::new(items)
        .highlight_style(app.theme.selected)
        .highlight_symbol("▸");
    frame.render_stateful_widget(widget, list, &mut state);
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
