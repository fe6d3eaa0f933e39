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

/// The second line of a job of many files: the bar and counts always; then, as room
/// allows, failures, bytes, speed, ETA, the listing phase and the state word.
pub(super) fn group_line(
    app: &App,
    j: &JobSnapshot,
    g: &GroupStatus,
    width: usize,
) -> Line<'static> {
    let head = vec![
        Span::raw(INDENT),
        Span::styled(bar(j.bytes_done, j.bytes_total, BAR), app.theme.marked),
    ];
    // (text, style, priority: lower stays longer)
    let mut parts: Vec<(String, ratatui::style::Style, u8)> = Vec::new();
    let plain = ratatui::style::Style::new();
    let ended = matches!(j.state, JobState::Done | JobState::Failed { .. });
    if ended {
        parts.push((format!(" {}", summary(g)), plain, 0));
    } else {
        let found = if g.listing_done {
            count(g.found)
        } else {
            format!("{}+", count(g.found))
        };
        parts.push((
            format!(
                " {:>3}%  {} / {found} files",
                percent(j.bytes_done, j.bytes_total),
                count(g.settled()),
            ),
            plain,
            0,
        ));
        if g.failed > 0 {
            parts.push((format!("  {} failed", count(g.failed)), app.theme.error, 1));
        }
        parts.push((
            format!("  {} / {}", size(j.bytes_done), size(j.bytes_total)),
            plain,
            4,
        ));
        let moving = j.state == JobState::Running;
        if moving && (j.bytes_done > 0 || j.bytes_per_sec > 0) {
            parts.push((format!("  {}", speed(j.bytes_per_sec)), plain, 3));
            if g.listing_done && eta_is_meaningful(j.bytes_done, j.bytes_total, j.bytes_per_sec) {
                let left = eta(eta_secs(j.bytes_done, j.bytes_total, j.bytes_per_sec));
                parts.push((format!("  ETA {left}"), plain, 5));
            }
        }
        if moving && !g.listing_done {
            let phase = match j.kind {
                JobKind::Download => format!("  listing… {} names", count(g.found)),
                JobKind::Upload => format!("  walking… {} files", count(g.found)),
            };
            parts.push((phase, app.theme.footer_desc, 2));
        }
    }
    parts.push((
        format!("  {}", state_label(&j.state)),
        state_style(app, &j.state),
        6,
    ));
    // The list's highlight symbol takes a cell.
    let room = width.saturating_sub(1 + INDENT.len() + BAR);
    let len = |parts: &[(String, _, u8)]| parts.iter().map(|p| p.0.chars().count()).sum::<usize>();
    while len(&parts) > room && parts.len() > 1 {
        let Some(worst) = parts
            .iter()
            .enumerate()
            .max_by_key(|(_, p)| p.2)
            .map(|(i, _)| i)
        else {
            break;
        };
        parts.remove(worst);
    }
    let mut spans = head;
    spans.extend(
        parts
            .into_iter()
            .map(|(text, style, _)| Span::styled(text, style)),
    );
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
