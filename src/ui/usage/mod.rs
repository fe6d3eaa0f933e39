//! Draws the Usage view: the folder's totals (current, hidden, old versions, unfinished,
//! newest upload, estimated monthly cost), then a row per subfolder with a bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::app::App;
use crate::app::usage::{PriceSource, Scan, ScanStatus, UsageRow};
use crate::ui::format::{count, fit, sanitize, size, time};
use crate::ui::pane_block;
use crate::ui::transfers::bar;
use crate::worker::usage::Totals;

fn n(v: u64) -> String {
    count(usize::try_from(v).unwrap_or(usize::MAX))
}

/// `scanning… 120,000 versions (partial)`, `complete 2026-01-01 10:00`, ...
pub fn status_text(scan: &Scan) -> String {
    let versions = n(scan.versions);
    match &scan.status {
        ScanStatus::Running => format!("scanning… {versions} versions so far (partial)"),
        ScanStatus::Complete => format!("complete: {versions} versions, {}", when(scan)),
        ScanStatus::Cancelled => {
            format!("stopped (partial): {versions} versions, {}", when(scan))
        }
        ScanStatus::Failed(why) => format!("failed (partial): {versions} versions: {why}"),
    }
}

fn when(scan: &Scan) -> String {
    match scan.finished_ms {
        0 => "this session".to_owned(),
        ms => format!("at {}", time(ms)),
    }
}

fn price_label(price: f64, source: PriceSource) -> String {
    match source {
        PriceSource::ListPrice => format!("list price ${price:.2}/TB-month (check)"),
        PriceSource::Config => format!("${price:.2}/TB-month (from config.toml)"),
        PriceSource::Typed => format!("${price:.2}/TB-month (set with $)"),
    }
}

fn summary(app: &App, scan: &Scan, t: &Totals) -> Vec<Line<'static>> {
    let u = &app.usage;
    let parts = if scan.parts_unlisted {
        "parts not listed (b2_list_parts needs writeFiles)".to_owned()
    } else {
        format!(
            "{} parts, {}",
            n(t.unfinished_parts),
            size(t.unfinished_bytes)
        )
    };
    let label = |s: &str| Span::styled(format!("{s:<16}"), app.theme.footer_desc);
    let mut lines = vec![
        Line::from(vec![
            label("current"),
            Span::raw(format!(
                "{} in {} files",
                size(t.current_bytes),
                n(t.current_files)
            )),
        ]),
        Line::from(vec![
            label("hidden files"),
            Span::raw(format!(
                "{} in {} files",
                size(t.hidden_bytes),
                n(t.hidden_files)
            )),
            Span::styled("   old versions ", app.theme.footer_desc),
            Span::raw(format!(
                "{} in {} versions",
                size(t.old_bytes),
                n(t.old_versions)
            )),
        ]),
        Line::from(vec![
            label("unfinished"),
            Span::raw(format!("{} large files, {parts}", n(t.unfinished_files))),
            Span::styled("   newest upload ", app.theme.footer_desc),
            Span::raw(match t.newest_upload_ms {
                0 => "—".to_owned(),
                ms => time(ms),
            }),
        ]),
        Line::from(vec![
            label("stored"),
            Span::raw(format!(
                "{} ≈ ${:.2}/month, of which reclaimable {} ≈ ${:.2}/month",
                size(t.stored_bytes()),
                u.monthly_cost(t.stored_bytes()),
                size(t.reclaimable_bytes()),
                u.monthly_cost(t.reclaimable_bytes()),
            )),
            Span::styled(
                format!("  at {}", price_label(u.price_per_tb, u.price_source)),
                app.theme.footer_desc,
            ),
        ]),
    ];
    if let Some(input) = &u.price_input {
        lines.push(Line::from(vec![
            Span::styled("price per TB-month: $", app.theme.title),
            Span::raw(format!("{}▏", input.value())),
            Span::styled("  ⏎ set  Esc cancel", app.theme.footer_desc),
        ]));
    }
    lines
}

fn row_item(app: &App, row: &UsageRow, largest: u64, width: usize) -> ListItem<'static> {
    let t = &row.totals;
    let (name, style) = match &row.folder {
        Some(f) => (sanitize(f).into_owned(), app.theme.folder),
        None => ("(files here)".to_owned(), app.theme.footer_desc),
    };
    let stats = format!(
        " {:>9} {} {:>9} cur {:>9} old+hidden {:>9} files  {}",
        size(t.stored_bytes()),
        bar(t.stored_bytes(), largest, 12),
        size(t.current_bytes),
        size(t.reclaimable_bytes()),
        n(t.current_files),
        time(t.newest_upload_ms),
    );
    let name_width = width.saturating_sub(stats.chars().count()).max(12);
    ListItem::new(Line::from(vec![
        Span::styled(format!("{:<name_width$}", fit(&name, name_width)), style),
        Span::raw(stats),
    ]))
}

/// The Usage view in `area`.
pub fn render_view(app: &App, frame: &mut Frame, area: Rect) {
    let u = &app.usage;
    let Some(scan) = u.scan() else {
        let block = pane_block(app, Line::from(" Usage "), true);
        let text =
            Paragraph::new("Press z on a bucket or folder (or 5) to see its usage.").block(block);
        frame.render_widget(text, area);
        return;
    };
    let title = Line::from(vec![
        Span::raw(" Usage  "),
        Span::styled(
            format!(
                "b2://{}/{}{} ",
                sanitize(&scan.bucket.name),
                sanitize(&scan.prefix),
                sanitize(&u.path)
            ),
            app.theme.breadcrumb,
        ),
    ]);
    let block = pane_block(app, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let totals = u.shown_totals().unwrap_or_default();
    let head = summary(app, scan, &totals);
    let [status, head_area, list_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(head.len() as u16 + 1),
        Constraint::Min(1),
    ])
    .areas(inner);
    let status_style = match scan.status {
        ScanStatus::Complete => app.theme.info,
        _ => app.theme.warn,
    };
    frame.render_widget(
        Paragraph::new(Span::styled(status_text(scan), status_style)),
        status,
    );
    frame.render_widget(Paragraph::new(head), head_area);
    let rows = u.rows();
    let largest = rows
        .iter()
        .map(|r| r.totals.stored_bytes())
        .max()
        .unwrap_or(0);
    let width = usize::from(list_area.width);
    let items: Vec<ListItem> = rows
        .iter()
        .map(|r| row_item(app, r, largest, width))
        .collect();
    let mut state = ListState::default().with_selected(Some(u.cursor.min(rows.len())));
    let list = List::new(items).highlight_style(app.theme.selected);
    frame.render_stateful_widget(list, list_area, &mut state);
}
