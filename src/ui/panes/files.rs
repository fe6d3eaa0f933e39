//! Draws the files pane: `..`, folders and files of the current folder (only the visible
//! rows), the loading state in the title, and the `/` filter line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};

use super::{Selection, render_message, render_table, window};
use crate::app::panes::files::{Seek, display_name};
use crate::app::{App, Focus, Row as FileRow};
use crate::ui::format::{count, fit, sanitize, size, time};
use crate::ui::pane_block;

fn title(app: &App) -> String {
    let pane = &app.files;
    if pane.bucket.is_none() {
        return " Files ".to_owned();
    }
    let mut t = format!(" Files  {}", count(pane.entries.len()));
    if pane.next.is_some() {
        t.push_str(" loaded, more…");
    }
    if !pane.server_prefix.is_empty() {
        t.push_str(&format!(
            "  names starting with {}",
            sanitize(&pane.server_prefix)
        ));
    }
    if pane.head.is_some()
        && let Some(first) = pane.entries.first()
    {
        let name = sanitize(display_name(&first, &pane.prefix));
        t.push_str(&format!("  names from {}…", fit(&name, 24)));
    }
    if !pane.sort.is_natural() {
        t.push_str(&format!("  by {}", pane.sort.label()));
    }
    match (pane.pending.is_some(), pane.seeking) {
        (true, Some(Seek::Earlier)) => t.push_str("  loading earlier names…"),
        (true, Some(Seek::End)) => t.push_str("  seeking the end…"),
        (true, None) if pane.load_all => t.push_str("  loading all to sort (Esc stops)…"),
        (true, None) => t.push_str("  loading…"),
        (false, _) => {}
    }
    t.push(' ');
    t
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let pane = &app.files;
    let focused = app.focus == Focus::Files;
    let block = pane_block(app, Line::from(title(app)), focused);
    if pane.bucket.is_none() {
        render_message(frame, area, block, "open a bucket with ⏎", app.theme.hidden);
        return;
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (list_area, filter_area) = if pane.filter.is_active() {
        let [l, f] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
        (l, Some(f))
    } else {
        (inner, None)
    };

    let len = pane.row_count();
    let height = usize::from(list_area.height);
    let range = window(&pane.cursor, len, height);
    let offset = range.start;
    let t = &app.theme;
    // Names come first: on a narrow pane the time column goes, and a name that still does
    // not fit is cut with a visible `…`.
    let show_time = list_area.width >= 40;
    let name_width = usize::from(list_area.width)
        .saturating_sub(2 + 9)
        .saturating_sub(if show_time { 17 } else { 0 });
    let name = |e: &crate::app::Listed<'_>| {
        fit(&sanitize(display_name(e, &pane.prefix)), name_width).into_owned()
    };
    let rows: Vec<Row> = range
        .filter_map(|i| pane.row(i))
        .map(|row| match row {
            FileRow::Parent => Row::new(vec![Cell::from(Span::styled("..", t.folder))]),
            FileRow::Entry(e) if crate::ui::restore::is_decorated(app, &e) => {
                crate::ui::restore::file_row(app, &e)
            }
            FileRow::Entry(e) if e.is_folder() => {
                Row::new(vec![Cell::from(Span::styled(name(&e), t.folder))])
            }
            FileRow::Entry(e) => Row::new(vec![
                Cell::from(name(&e)),
                Cell::from(Line::from(size(e.content_length)).right_aligned()),
                Cell::from(time(e.upload_timestamp)),
            ]),
        })
        .collect();
    if rows.is_empty() {
        let text = if let Some(cap) = pane.unlisted {
            &format!("this key cannot list files (it lacks {cap}); u uploads here, : opens a path")
        } else if pane.pending.is_some() {
            "loading…"
        } else if pane.stalled {
            "listing failed; R to retry"
        } else if pane.filter.is_active() {
            "no loaded name matches"
        } else {
            "empty folder"
        };
        render_message(frame, list_area, Block::new(), text, t.hidden);
    } else {
        let selection = Selection::of(pane.cursor.selected, offset, focused, t);
        let widths = [
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(16),
        ];
        let widths = if show_time { &widths[..] } else { &widths[..2] };
        render_table(frame, list_area, Block::new(), rows, widths, selection);
    }
    if let Some(area) = filter_area {
        render_filter(app, frame, area);
    }
}

fn render_filter(app: &App, frame: &mut Frame, area: Rect) {
    let pane = &app.files;
    let input = &pane.filter.input;
    let matches = if pane.is_partial() && pane.server_prefix.is_empty() {
        format!(
            " {} of {} loaded (folder has more) ",
            count(pane.match_count()),
            count(pane.entries.len())
        )
    } else {
        format!(
            " {} of {} ",
            count(pane.match_count()),
            count(pane.entries.len())
        )
    };
    let [text_area, count_area] = Layout::horizontal([
        Constraint::Min(1),
        Constraint::Length(u16::try_from(matches.chars().count()).unwrap_or(u16::MAX)),
    ])
    .areas(area);
    let width = usize::from(text_area.width.saturating_sub(1)).max(1);
    let scroll = input.visual_scroll(width);
    let style = if pane.filter.editing {
        app.theme.breadcrumb
    } else {
        app.theme.header
    };
    let line = Line::from(vec![
        Span::styled("/", style),
        Span::styled(sanitize(input.value()).into_owned(), style),
    ]);
    frame.render_widget(
        Paragraph::new(line).scroll((0, u16::try_from(scroll).unwrap_or(0))),
        text_area,
    );
    frame.render_widget(
        Paragraph::new(Line::from(matches).right_aligned()).style(app.theme.header),
        count_area,
    );
    if pane.filter.editing && app.modals.is_empty() {
        let x = input.visual_cursor().saturating_sub(scroll) + 1;
        let x = text_area.x.saturating_add(u16::try_from(x).unwrap_or(0));
        frame.set_cursor_position(Position::new(
            x.min(text_area.right().saturating_sub(1)),
            text_area.y,
        ));
    }
}
