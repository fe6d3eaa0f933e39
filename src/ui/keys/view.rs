//! Draws the Keys view: the key b2tui uses, the list of the account's keys, and what the
//! selected key reaches (with keys that may overwrite each other's files).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use crate::app::App;
use crate::app::keys::caps::summarise;
use crate::app::keys::inspect::{self, Expiry, bucket_label, expiry};
use crate::b2::ApplicationKey;
use crate::ui::format::{sanitize, time};
use crate::ui::pane_block;
use crate::ui::panes::{Selection, render_message, render_table, window};

fn expiry_text(app: &App, expires: Option<i64>) -> (String, Style) {
    let date = time(expires.unwrap_or(0))
        .chars()
        .take(10)
        .collect::<String>();
    match expiry(expires, app.keys.now_ms) {
        Expiry::Never => ("never".to_owned(), app.theme.hidden),
        Expiry::Valid => (date, Style::new()),
        Expiry::Soon => (format!("{date} soon"), app.theme.warn),
        Expiry::Expired => (format!("{date} expired"), app.theme.error),
    }
}

fn buckets_text(app: &App, key: &ApplicationKey) -> String {
    let names = app.bucket_names();
    let ids = key.bucket_ids();
    if ids.is_empty() {
        return "all".to_owned();
    }
    ids.iter()
        .map(|id| sanitize(&bucket_label(Some(id), &names)).into_owned())
        .collect::<Vec<_>>()
        .join(",")
}

/// Draws the Keys view.
pub fn render_view(app: &App, frame: &mut Frame, area: Rect) {
    let [current, list, details] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(60),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_current(app, frame, current);
    render_list(app, frame, list);
    render_details(app, frame, details);
}

fn render_current(app: &App, frame: &mut Frame, area: Rect) {
    let k = &app.session.key;
    let bucket = match (&k.bucket_name, &k.bucket_id) {
        (Some(n), _) => sanitize(n).into_owned(),
        (None, Some(id)) => id.0.clone(),
        (None, None) => "all buckets".to_owned(),
    };
    let prefix = k.name_prefix.as_deref().unwrap_or("");
    let (exp, exp_style) = expiry_text(app, k.expiration);
    let line = Line::from(vec![
        Span::styled(" ● b2tui uses ", app.theme.current_marker),
        Span::styled(k.key_id.clone(), app.theme.title),
        Span::raw(format!(
            "  {}  {bucket}  prefix {:?}  expires ",
            summarise(&k.capabilities),
            sanitize(prefix)
        )),
        Span::styled(exp, exp_style),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

fn render_list(app: &App, frame: &mut Frame, area: Rect) {
    let view = &app.keys;
    let title = if view.pending.is_some() {
        format!(" Keys  {} (loading…) ", view.keys.len())
    } else {
        format!(" Keys  {} ", view.keys.len())
    };
    let block = pane_block(app, Line::from(title), true);
    if view.keys.is_empty() {
        let text = if view.loaded {
            "no keys besides the master key — n creates one"
        } else {
            ""
        };
        render_message(frame, area, block, text, app.theme.hidden);
        return;
    }
    let height = usize::from(area.height.saturating_sub(3));
    let range = window(&view.cursor, view.keys.len(), height);
    let offset = range.start;
    let rows: Vec<Row> = view.keys[range]
        .iter()
        .map(|k| {
            let mine = k.application_key_id == app.session.key.key_id;
            let (exp, exp_style) = expiry_text(app, k.expiration_timestamp);
            Row::new(vec![
                Cell::from(if mine { "●" } else { " " }).style(app.theme.current_marker),
                Cell::from(sanitize(&k.key_name).into_owned()),
                Cell::from(k.application_key_id.clone()),
                Cell::from(summarise(&k.capabilities)),
                Cell::from(buckets_text(app, k)),
                Cell::from(sanitize(k.prefix().unwrap_or("")).into_owned()),
                Cell::from(exp).style(exp_style),
            ])
        })
        .collect();
    let header = Row::new(vec![
        "",
        "name",
        "key id",
        "capabilities",
        "buckets",
        "prefix",
        "expires",
    ])
    .style(app.theme.hidden);
    let mut all = vec![header];
    all.extend(rows);
    let selection = Selection {
        row: view.cursor.selected.checked_sub(offset).map(|r| r + 1),
        style: app.theme.selected,
        marker: true,
    };
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(2),
        Constraint::Length(25),
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(18),
    ];
    render_table(frame, area, block, all, &widths, selection);
}

fn render_details(app: &App, frame: &mut Frame, area: Rect) {
    let block = pane_block(app, Line::from(" Reach "), false);
    let Some(key) = app.keys.selected() else {
        frame.render_widget(block, area);
        return;
    };
    let names = app.bucket_names();
    let mut lines = vec![Line::from(vec![
        Span::styled(sanitize(&key.key_name).into_owned(), app.theme.title),
        Span::raw(format!("  {}", key.capabilities.join(" "))),
    ])];
    for r in inspect::reach(key) {
        let prefix = if r.prefix.is_empty() {
            "all names".to_owned()
        } else {
            format!("{}*", sanitize(&r.prefix))
        };
        let rights = if r.rights.is_empty() {
            "no file rights".to_owned()
        } else {
            r.rights.join(", ")
        };
        lines.push(Line::from(format!(
            "  {} / {prefix}: {rights}",
            sanitize(&bucket_label(r.bucket.as_ref(), &names))
        )));
    }
    let overlaps = inspect::write_overlaps(&app.keys.keys);
    for (other, bucket, prefix) in inspect::overlaps_of(&key.application_key_id, &overlaps) {
        let other = app
            .keys
            .keys
            .iter()
            .find(|k| k.application_key_id == other)
            .map_or(other, |k| k.key_name.as_str());
        lines.push(Line::from(Span::styled(
            format!(
                "  ! {} also writes to {} / {}*: the two may overwrite each other's files",
                sanitize(other),
                sanitize(&bucket_label(bucket.as_ref(), &names)),
                sanitize(prefix)
            ),
            app.theme.warn,
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
