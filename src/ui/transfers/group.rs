//! Draws a job of many files in the Transfers view: its row (files done of found, bytes,
//! speed, ETA, failures, or the listing phase; the summary once it ended), and the rows of
//! its files when shown open (running files with their own bar, then failures with why).

use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

use super::view::{bar, eta, retry_text, speed, state_label, state_style};
use crate::app::App;
use crate::app::transfers::{count, eta_is_meaningful, eta_secs, percent, summary};
use crate::ui::format::{fit, sanitize, size};
use crate::worker::transfer::{GroupStatus, JobKind, JobSnapshot, JobState};

const INDENT: &str = "       ";
const BAR: usize = 20;

/// The second line of a job of many files.
pub(super) fn group_line(
    app: &App,
    j: &JobSnapshot,
    g: &GroupStatus,
    width: usize,
) -> Line<'static> {
    let mut spans = vec![
        Span::raw(INDENT),
        Span::styled(bar(j.bytes_done, j.bytes_total, BAR), app.theme.marked),
    ];
    let ended = j.state.is_final() && j.state != JobState::Paused;
    if ended && matches!(j.state, JobState::Done | JobState::Failed { .. }) {
        spans.push(Span::raw(format!(" {}", summary(g))));
    } else {
        let found = if g.listing_done {
            count(g.found)
        } else {
            format!("{}+", count(g.found))
        };
        spans.push(Span::raw(format!(
            " {:>3}%  {} / {} files  {} / {}",
            percent(j.bytes_done, j.bytes_total),
            count(g.settled()),
            found,
            size(j.bytes_done),
            size(j.bytes_total)
        )));
        if j.state == JobState::Running && (j.bytes_done > 0 || j.bytes_per_sec > 0) {
            spans.push(Span::raw(format!("  {}", speed(j.bytes_per_sec))));
            if g.listing_done && eta_is_meaningful(j.bytes_done, j.bytes_total, j.bytes_per_sec) {
                spans.push(Span::raw(format!(
                    "  ETA {}",
                    eta(eta_secs(j.bytes_done, j.bytes_total, j.bytes_per_sec))
                )));
            }
        }
        if j.state == JobState::Running && !g.listing_done {
            let phase = match j.kind {
                JobKind::Download => format!("  listing… {} names", count(g.found)),
                JobKind::Upload => format!("  walking… {} files", count(g.found)),
            };
            spans.push(Span::styled(phase, app.theme.footer_desc));
        }
        if g.failed > 0 {
            spans.push(Span::styled(
                format!("  {} failed", count(g.failed)),
                app.theme.error,
            ));
        }
    }
    spans.push(Span::raw("  "));
    spans.push(Span::styled(
        state_label(&j.state),
        state_style(app, &j.state),
    ));
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used > width {
        // Narrow: the counts matter more than the words after them.
        spans.truncate(3);
    }
    Line::from(spans)
}

/// The n-th running file of a job shown open.
pub(super) fn running_item(
    app: &App,
    g: &GroupStatus,
    i: usize,
    width: usize,
) -> ListItem<'static> {
    let Some(f) = g.running.get(i) else {
        return ListItem::new(Line::default());
    };
    let name_room = width.saturating_sub(INDENT.len() + BAR + 40).max(16);
    let name = fit(&sanitize(&f.name), name_room).into_owned();
    let mut spans = vec![
        Span::raw(INDENT),
        Span::styled(bar(f.bytes_done, f.bytes_total, BAR / 2), app.theme.marked),
        Span::raw(format!(
            " {:>3}% {:>9} ",
            percent(f.bytes_done, f.bytes_total),
            size(f.bytes_total)
        )),
        Span::raw(name),
    ];
    if let Some(hashed) = f.hashing {
        spans.push(Span::styled(
            format!("  hashing {}%", percent(hashed, f.bytes_total)),
            app.theme.footer_desc,
        ));
    } else if let Some(wait) = &f.retry {
        let text = retry_text(wait, None);
        spans.push(Span::styled(
            format!("  {}", sanitize(&text)),
            app.theme.warn,
        ));
    }
    ListItem::new(Line::from(spans))
}

/// The n-th failure listed of a job shown open.
pub(super) fn failure_item(
    app: &App,
    g: &GroupStatus,
    i: usize,
    width: usize,
) -> ListItem<'static> {
    let Some(f) = g.failures.get(i) else {
        return ListItem::new(Line::default());
    };
    let text = format!("✗ {}: {}", f.name, f.error);
    let room = width.saturating_sub(INDENT.len() + 1);
    ListItem::new(Line::from(vec![
        Span::raw(INDENT),
        Span::styled(fit(&sanitize(&text), room).into_owned(), app.theme.error),
    ]))
}

/// The failures not listed.
pub(super) fn more_item(app: &App, g: &GroupStatus) -> ListItem<'static> {
    let more = g.failed.saturating_sub(g.failures.len() as u64);
    ListItem::new(Line::from(vec![
        Span::raw(INDENT),
        Span::styled(
            format!("… and {} more failures (r retries them all)", count(more)),
            app.theme.error,
        ),
    ]))
}
