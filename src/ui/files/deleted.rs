//! Drawing the "Recently deleted" list: hidden files under a folder, when each was
//! hidden, the size of its last version, marks and the cursor. Drawing only.

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::files::deleted::HiddenView;
use crate::ui::format::{count, sanitize, size, time};
use crate::ui::widgets::dialog::{block_with_keys, centered, show};

/// Draws the list.
pub fn render(app: &App, h: &HiddenView, frame: &mut Frame) {
    let t = &app.theme;
    let area = centered(frame.area(), 92, frame.area().height.saturating_sub(4));
    let bucket = app.files.bucket.as_ref().map_or("", |b| b.name.as_str());
    let title = format!(
        " Recently deleted  b2://{}/{}  {}{} ",
        sanitize(bucket),
        sanitize(&h.prefix),
        count(h.files.len()),
        if h.loading { "  loading…" } else { "" }
    );
    let block = block_with_keys(
        title,
        " U unhide  Space mark  Esc close ",
        t.title,
        t.modal_border,
    );
    if h.files.is_empty() {
        let text = if h.loading {
            "loading…"
        } else {
            "nothing hidden here"
        };
        let p = Paragraph::new(Line::from(Span::styled(text, t.hidden)).centered()).block(block);
        show(frame, area, p);
        return;
    }
    let height = usize::from(area.height.saturating_sub(2));
    let range = crate::ui::panes::window(&h.cursor, h.files.len(), height);
    let offset = range.start;
    let rows: Vec<Row> = h.files[range]
        .iter()
        .map(|f| {
            let mark = if h.marks.contains(&f.name) {
                "✓"
            } else {
                " "
            };
            let last = f
                .last
                .as_ref()
                .map_or(String::new(), |v| size(v.content_length));
            Row::new(vec![
                Cell::from(mark),
                Cell::from(format!("hidden {}", time(f.hidden_at))),
                Cell::from(
                    sanitize(f.name.strip_prefix(&h.prefix).unwrap_or(&f.name)).into_owned(),
                ),
                Cell::from(Line::from(last).right_aligned()),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(23),
            Constraint::Fill(1),
            Constraint::Length(9),
        ],
    )
    .block(block)
    .column_spacing(1)
    .row_highlight_style(t.selected);
    let mut state = TableState::default().with_selected(h.cursor.selected.checked_sub(offset));
    frame.render_widget(Clear, area);
    frame.render_stateful_widget(table, area, &mut state);
}
