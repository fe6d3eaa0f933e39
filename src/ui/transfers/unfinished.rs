//! Draws the unfinished large files dialog: the bucket's unfinished uploads with their
//! size and start time.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::app::App;
use unicode_width::UnicodeWidthStr as _;

use crate::ui::format::{fit, sanitize, size, time};
use crate::ui::widgets::dialog;

/// The name column never gets narrower than this (a very small terminal cuts the time).
const MIN_NAME: usize = 12;

pub(super) fn render_unfinished(app: &App, frame: &mut Frame) {
    let t = &app.theme;
    let area = dialog::centered(frame.area(), 90, 18);
    let Some(list) = &app.transfers.unfinished else {
        return;
    };
    let block = dialog::block_with_keys(
        format!(
            " Unfinished large files  b2://{}/ ",
            sanitize(&list.bucket.name)
        ),
        " r resume  c cancel  Esc close ",
        t.title,
        t.modal_border,
    );
    let inner = block.inner(area);
    dialog::show(frame, area, block);
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
            let started = time(f.upload_timestamp);
            // The name takes what the size and start time leave (the `▸` takes a cell).
            let rest = 1 + 10 + 2 + "started ".len() + started.width();
            let name_width = usize::from(inner.width)
                .saturating_sub(1 + rest)
                .max(MIN_NAME);
            let name = sanitize(&f.file_name);
            let name = fit(&name, name_width);
            let pad = " ".repeat(name_width.saturating_sub(name.width()));
            ListItem::new(Line::from(format!(
                "{name}{pad} {size:>10}  started {started}"
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
