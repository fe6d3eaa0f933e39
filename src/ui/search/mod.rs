//! Drawing the search overlay (`F`): the pattern and what kind it is read as (or what is
//! wrong with it), whether hidden names are searched and the moment searched, the scan's
//! progress, and the results (hidden ones dimmed, `◌`) with marks and the cursor. The
//! state is `app/search`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::search::Search;
use crate::app::{App, Modal};
use crate::ui::format::{count, sanitize, size, time, zone_label};
use crate::ui::widgets::dialog::{block_with_keys, centered, show};
use crate::worker::search::{NamePattern, SearchEnd};

/// Draws the overlay; while the pattern is typed, the terminal cursor sits in it.
pub fn render(app: &App, frame: &mut Frame) {
    let Some(s) = app.search.as_deref() else {
        return;
    };
    let editing = matches!(app.modals.last(), Some(Modal::Search { editing: true }));
    let t = &app.theme;
    let screen = frame.area();
    let area = centered(
        screen,
        screen.width.saturating_sub(4).min(120),
        screen.height.saturating_sub(2),
    );
    let past = match app.restore.as_of {
        Some(at) => format!(" as of {}", moment(at)),
        None => String::new(),
    };
    let title = format!(
        " Search  b2://{}/{}{past} ",
        sanitize(&s.bucket.name),
        sanitize(&s.folder)
    );
    let keys = if editing {
        " ⏎ search  ↓ results  M-h hidden  Esc close "
    } else {
        " ⏎ open folder  v versions  d download  U unhide  r restore  Esc stop/close "
    };
    let block = block_with_keys(title, keys, t.title, t.modal_border);
    let inner = block.inner(area);
    show(frame, area, block);
    let [head, list] = Layout::vertical([Constraint::Length(5), Constraint::Fill(1)]).areas(inner);
    let pattern_line = Line::from(vec![
        Span::styled("find ", t.breadcrumb),
        Span::raw(sanitize(s.input.value()).into_owned()),
    ]);
    let lines = vec![
        pattern_line,
        kind_line(app, s),
        options_line(app, s, editing),
        progress_line(app, s),
    ];
    frame.render_widget(Paragraph::new(lines), head);
    if editing {
        let x = head.x + 5 + u16::try_from(s.input.visual_cursor()).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(head.right().saturating_sub(1)), head.y));
    }
    render_hits(app, s, frame, list, editing);
}

/// What the typed text is read as, or what is wrong with it.
fn kind_line(app: &App, s: &Search) -> Line<'static> {
    let t = &app.theme;
    if let Some(e) = &s.input_error {
        return Line::from(Span::styled(sanitize(e).into_owned(), t.error));
    }
    let text = s.input.value();
    let read = match NamePattern::parse(text) {
        Ok(p) => format!("as {}  ·  ", p.kind().label()),
        Err(_) => String::new(),
    };
    Line::from(Span::styled(
        format!("{read}plain text: substring (capitals: exact case) · * ? [ ]: glob · re: regex"),
        t.footer_desc,
    ))
}

/// Whether the next scan takes hidden names, and the moment it searches.
fn options_line(app: &App, s: &Search, editing: bool) -> Line<'static> {
    let t = &app.theme;
    let key = if editing { "M-h" } else { "H" };
    let text = match (app.restore.as_of, s.hidden) {
        (Some(_), _) => {
            "time travel: the names as they were then, hidden names not listed".to_owned()
        }
        (None, true) => format!("hidden names included ({key}: leave them out)"),
        (None, false) => format!("hidden names left out ({key}: include them)"),
    };
    Line::from(Span::styled(text, t.footer_desc))
}

/// `scanned 420,000 names · 180,000/s · 12 matches`, with how the scan stands.
fn progress_line(app: &App, s: &Search) -> Line<'static> {
    let t = &app.theme;
    if s.req.is_none() {
        return Line::from(Span::styled(
            "every name under this folder is scanned (10,000 a call)",
            t.footer_desc,
        ));
    }
    let state = if let Some(f) = &s.failed {
        format!("failed: {}", sanitize(f))
    } else if s.running {
        "scanning…".to_owned()
    } else {
        match s.end {
            Some(SearchEnd::Cancelled) => "stopped".to_owned(),
            _ => format!("done in {:.1} s", s.elapsed.as_secs_f64()),
        }
    };
    let under = if s.prefix == s.folder {
        String::new()
    } else {
        format!(
            "under {} · ",
            sanitize(if s.prefix.is_empty() { "/" } else { &s.prefix })
        )
    };
    let past = match s.as_of {
        Some(at) => format!("as of {} · ", moment(at)),
        None => String::new(),
    };
    let mut text = format!(
        "{past}{under}{state} · scanned {} names · {}/s · {} {}",
        count(usize::try_from(s.scanned).unwrap_or(usize::MAX)),
        count(usize::try_from(s.rate()).unwrap_or(usize::MAX)),
        count(usize::try_from(s.matched).unwrap_or(usize::MAX)),
        if s.matched == 1 { "match" } else { "matches" },
    );
    if s.capped() {
        text.push_str(&format!(" · showing the first {}", count(s.hits.len())));
    }
    if !s.marks.is_empty() {
        text.push_str(&format!(" · {} marked", count(s.marks.len())));
    }
    let style = if s.failed.is_some() {
        t.error
    } else {
        t.footer_desc
    };
    Line::from(Span::styled(text, style))
}

fn render_hits(app: &App, s: &Search, frame: &mut Frame, area: ratatui::layout::Rect, dim: bool) {
    let t = &app.theme;
    if s.hits.is_empty() {
        let text = match (s.req, s.running) {
            (None, _) => "",
            (Some(_), true) => "no match yet",
            (Some(_), false) => "no match",
        };
        frame.render_widget(Paragraph::new(Span::styled(text, t.hidden)), area);
        return;
    }
    let height = usize::from(area.height);
    let range = crate::ui::panes::window(&s.cursor, s.hits.len(), height);
    let offset = range.start;
    let rows: Vec<Row> = s.hits[range.clone()]
        .iter()
        .zip(range)
        .map(|(h, i)| {
            let mark = match (s.marks.contains(&i), h.is_hidden()) {
                (true, _) => "✓",
                (false, true) => "◌",
                (false, false) => " ",
            };
            let row = Row::new(vec![
                Cell::from(mark),
                Cell::from(sanitize(s.relative(&h.name)).into_owned()),
                Cell::from(Line::from(size(h.size)).right_aligned()),
                Cell::from(time(h.hidden_at.unwrap_or(h.uploaded))),
            ]);
            if h.is_hidden() {
                row.style(t.hidden)
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(9),
            Constraint::Length(16),
        ],
    )
    .column_spacing(1)
    .row_highlight_style(if dim { t.hidden } else { t.selected });
    let mut state = TableState::default().with_selected(s.cursor.selected.checked_sub(offset));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A moment as the header's time travel shows it, with its time zone.
fn moment(at: i64) -> String {
    format!("{} {}", time(at), zone_label())
}
