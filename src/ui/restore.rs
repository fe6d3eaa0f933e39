//! Drawing for versions and restore: hidden and marked rows of the files pane, the "as of"
//! header, and the restore modals (delete and hide confirmations, point-in-time prompt, restore plan,
//! recently deleted, version details). Drawing only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Position};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Cell, Clear, Padding, Paragraph, Row, Table, TableState,
};

use super::widgets::dialog::centered;
use crate::app::App;
use crate::app::panes::files::display_name;
use crate::app::restore::{
    ConfirmDelete, ConfirmHide, HiddenView, InfoModal, PlanModal, RestoreModal, Step, TimePrompt,
};
use crate::b2::{FileAction, FileVersion};
use crate::ui::format::{count, sanitize, size, time};

/// True when a files-pane entry needs this module's row (hidden or marked).
pub fn is_decorated(app: &App, e: &FileVersion) -> bool {
    e.action == FileAction::Hide || app.restore.marks.contains(&e.file_name)
}

/// A hidden or marked files-pane row: `✓` for marked, `◌` and the hide time for hidden.
pub fn file_row<'a>(app: &App, e: &FileVersion) -> Row<'a> {
    let t = &app.theme;
    let mark = if app.restore.marks.contains(&e.file_name) {
        "✓ "
    } else {
        ""
    };
    let name = sanitize(display_name(e, &app.files.prefix)).into_owned();
    if e.action == FileAction::Hide {
        return Row::new(vec![
            Cell::from(format!("{mark}◌ {name}")),
            Cell::from(Line::from("hidden").right_aligned()),
            Cell::from(time(e.upload_timestamp)),
        ])
        .style(t.hidden);
    }
    let style = if e.is_folder() {
        t.folder
    } else {
        Style::new()
    };
    let mut cells = vec![Cell::from(Span::styled(format!("{mark}{name}"), style))];
    if !e.is_folder() {
        cells.push(Cell::from(
            Line::from(size(e.content_length)).right_aligned(),
        ));
        cells.push(Cell::from(time(e.upload_timestamp)));
    }
    Row::new(cells).style(t.marked)
}

/// The header span while browsing the past: `as of 2026-11-01 08:00`.
pub fn as_of_span(app: &App) -> Option<Span<'static>> {
    let at = app.restore.as_of?;
    Some(Span::styled(
        format!("  as of {} UTC ", time(at)),
        app.theme.past,
    ))
}

/// Header notes: hidden files shown, and jobs running.
pub fn status_spans(app: &App) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if app.restore.show_hidden {
        spans.push(Span::styled("  +hidden", app.theme.hidden));
    }
    for j in &app.restore.jobs {
        spans.push(Span::styled(
            format!("  ⟳ {} {}/{}", sanitize(&j.what), j.done, j.total),
            app.theme.header,
        ));
    }
    spans
}

/// Draws one restore modal.
pub fn render_modal(app: &App, m: &RestoreModal, frame: &mut Frame) {
    match m {
        RestoreModal::ConfirmDelete(c) => render_confirm(app, c, frame),
        RestoreModal::ConfirmHide(c) => render_confirm_hide(app, c, frame),
        RestoreModal::TimePrompt(p) => render_prompt(app, p, frame),
        RestoreModal::Plan(p) => render_plan(app, p, frame),
        RestoreModal::Hidden(h) => render_hidden(app, h, frame),
        RestoreModal::Info(i) => render_info(app, i, frame),
    }
}

fn modal_block<'a>(app: &App, title: String, bottom: &'a str, style: Style) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(style)
        .title(Line::from(title).style(app.theme.title))
        .title_bottom(Line::from(bottom).right_aligned())
        .padding(Padding::horizontal(1))
}

fn buttons(app: &App, yes: String, yes_chosen: bool) -> Line<'static> {
    let t = &app.theme;
    let (c, y) = if yes_chosen {
        (Style::new(), t.selected)
    } else {
        (t.selected, Style::new())
    };
    Line::from(vec![
        Span::styled(" Cancel ".to_owned(), c),
        Span::raw("   "),
        Span::styled(format!(" {yes} "), y),
    ])
}

fn version_line(v: &FileVersion) -> String {
    let action = match v.action {
        FileAction::Hide => "hide marker",
        _ => "upload",
    };
    format!(
        "{}  {:>8}  {:<11}  {}",
        time(v.upload_timestamp),
        size(v.content_length),
        action,
        v.file_id.as_ref().map_or("", |i| i.as_str())
    )
}

fn render_confirm(app: &App, c: &ConfirmDelete, frame: &mut Frame) {
    let t = &app.theme;
    let total: u64 = c.doomed.iter().map(|v| v.content_length).sum();
    let n = c.doomed.len();
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Delete {n} version{} of {} for good ({})? This cannot be undone.",
                if n == 1 { "" } else { "s" },
                sanitize(&c.file_name),
                size(total)
            ),
            t.warn,
        )),
        Line::default(),
    ];
    let shown = usize::from(frame.area().height.saturating_sub(14)).max(3);
    for v in c.doomed.iter().take(shown) {
        lines.push(Line::from(format!("  {}", sanitize(&version_line(v)))));
    }
    if n > shown {
        lines.push(Line::from(format!("  …and {} more", n - shown)));
    }
    lines.push(Line::default());
    if c.current_goes {
        let after = match &c.next_newest {
            Some(v) if v.action == FileAction::Hide => {
                "the newest entry goes; the file stays hidden".to_owned()
            }
            Some(v) => format!(
                "the newest entry goes; the version from {} ({}) becomes current",
                time(v.upload_timestamp),
                size(v.content_length)
            ),
            None => "no version is left: the file is gone for good".to_owned(),
        };
        lines.push(Line::from(Span::styled(format!("⚠ {after}"), t.error)));
    } else {
        lines.push(Line::from("The current version stays as it is."));
    }
    lines.push(Line::default());
    lines.push(buttons(app, format!("Delete {n}"), c.delete_chosen));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), 96, height);
    let block = modal_block(
        app,
        " Delete versions ".to_owned(),
        " y delete  n/Esc cancel  Tab switch ",
        t.error_border,
    );
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_confirm_hide(app: &App, c: &ConfirmHide, frame: &mut Frame) {
    let t = &app.theme;
    let n = c.names.len();
    let files = |n: usize| format!("{} file{}", count(n), if n == 1 { "" } else { "s" });
    let folders = c
        .folders
        .iter()
        .map(|f| sanitize(f).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let head = if c.loading {
        format!("Listing the files in {folders}… {} so far", files(n))
    } else if c.folders.is_empty() {
        format!("Delete (hide) {}?", files(n))
    } else {
        format!(
            "Delete (hide) {}, everything visible in {folders}?",
            files(n)
        )
    };
    let mut lines = vec![Line::from(Span::styled(head, t.warn)), Line::default()];
    let shown = usize::from(frame.area().height.saturating_sub(16)).max(3);
    for name in c.names.iter().take(shown) {
        lines.push(Line::from(format!("  {}", sanitize(name))));
    }
    if n > shown {
        lines.push(Line::from(format!("  …and {} more", count(n - shown))));
    }
    if n == 0 && !c.loading {
        lines.push(Line::from("  (no visible files: nothing is hidden)"));
    }
    lines.push(Line::default());
    lines.push(Line::from(
        "Each file gets a hide marker: it leaves the listing, and its data stays as older",
    ));
    lines.push(Line::from(
        "versions, so it can be recovered. H shows hidden files, U unhides them.",
    ));
    lines.push(Line::default());
    lines.push(buttons(app, format!("Delete {}", count(n)), c.hide_chosen));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), 90, height);
    let block = modal_block(
        app,
        " Delete (hide) files ".to_owned(),
        " y delete  n/Esc cancel  Tab switch ",
        t.error_border,
    );
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_prompt(app: &App, p: &TimePrompt, frame: &mut Frame) {
    let t = &app.theme;
    let area = centered(frame.area(), 64, 7);
    let block = modal_block(
        app,
        " Point in time (UTC) ".to_owned(),
        " ⏎ browse  Esc cancel ",
        t.past,
    );
    let inner = block.inner(area);
    let lines = vec![
        Line::from(vec![
            Span::styled("as of ", t.past),
            Span::raw(sanitize(p.input.value()).into_owned()),
        ]),
        Line::from(Span::styled(
            "2026-11-01 08:00 · 2026-11-01 · -3d · -12h · empty = now",
            t.footer_desc,
        )),
        Line::default(),
        match &p.error {
            Some(e) => Line::from(Span::styled(sanitize(e).into_owned(), t.error)),
            None => Line::default(),
        },
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
    let x = inner.x + 6 + u16::try_from(p.input.visual_cursor()).unwrap_or(0);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        inner.y,
    ));
}

fn step_label(s: &Step) -> &'static str {
    match s {
        Step::Copy { .. } => "copy back",
        Step::Hide => "hide",
        Step::Unchanged => "unchanged",
        Step::KeepNewer => "keep (newer)",
    }
}

fn render_plan(app: &App, p: &PlanModal, frame: &mut Frame) {
    let t = &app.theme;
    let plan = &p.plan;
    let area = centered(frame.area(), 90, frame.area().height.saturating_sub(4));
    let state = if p.loading {
        format!("  computing… {} names so far", count(p.names.len()))
    } else {
        String::new()
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Restore {} to {} UTC{state}",
                sanitize(&p.label),
                time(plan.at)
            ),
            t.past,
        )),
        Line::from(format!(
            "copy back {} ({}) · hide {} · leave alone {}",
            count(plan.copies()),
            size(plan.bytes_copied()),
            count(plan.hides()),
            count(plan.left_alone())
        )),
        Line::from(format!(
            "[{}] hide files that did not exist then (h)",
            if plan.hide_missing { "x" } else { " " }
        )),
        Line::default(),
    ];
    let room = usize::from(area.height.saturating_sub(8));
    for item in plan.items.iter().skip(p.scroll).take(room) {
        let detail = match &item.step {
            Step::Copy { source } => format!(
                "{} from {}",
                size(source.content_length),
                time(source.upload_timestamp)
            ),
            Step::Hide => format!("{} now", size(item.now_size)),
            _ => String::new(),
        };
        let style = match item.step {
            Step::Copy { .. } | Step::Hide => Style::new(),
            _ => t.hidden,
        };
        lines.push(Line::from(Span::styled(
            format!(
                "  {:<13} {}  {detail}",
                step_label(&item.step),
                sanitize(&item.name)
            ),
            style,
        )));
    }
    if plan.items.is_empty() && !p.loading {
        lines.push(Line::from(Span::styled(
            "  nothing under it, then or now",
            t.hidden,
        )));
    }
    while lines.len() < usize::from(area.height.saturating_sub(3)) {
        lines.push(Line::default());
    }
    lines.push(buttons(app, "Apply".to_owned(), p.apply_chosen));
    let block = modal_block(
        app,
        " Restore plan ".to_owned(),
        " y apply  n/Esc cancel  h hide missing  j/k scroll ",
        t.past,
    );
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_hidden(app: &App, h: &HiddenView, frame: &mut Frame) {
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
    let block = modal_block(
        app,
        title,
        " U unhide  Space mark  Esc close ",
        t.modal_border,
    );
    frame.render_widget(Clear, area);
    if h.files.is_empty() {
        let text = if h.loading {
            "loading…"
        } else {
            "nothing hidden here"
        };
        let p = Paragraph::new(Line::from(Span::styled(text, t.hidden)).centered()).block(block);
        frame.render_widget(p, area);
        return;
    }
    let height = usize::from(area.height.saturating_sub(2));
    let range = super::panes::window(&h.cursor, h.files.len(), height);
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
    frame.render_stateful_widget(table, area, &mut state);
}

fn render_info(app: &App, i: &InfoModal, frame: &mut Frame) {
    let t = &app.theme;
    let v = &i.version;
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map_or("—".to_owned(), |x| sanitize(x).into_owned())
    };
    let mut rows = vec![
        ("name", sanitize(&v.file_name).into_owned()),
        (
            "file id",
            v.file_id.as_ref().map_or("—".to_owned(), |x| x.0.clone()),
        ),
        ("action", format!("{:?}", v.action).to_lowercase()),
        (
            "size",
            format!("{} ({} bytes)", size(v.content_length), v.content_length),
        ),
        ("uploaded", format!("{} UTC", time(v.upload_timestamp))),
        ("SHA-1", opt(&v.content_sha1)),
        ("MD5", opt(&v.content_md5)),
        ("type", opt(&v.content_type)),
    ];
    let infos: Vec<(String, String)> = v
        .file_info
        .iter()
        .map(|(k, val)| (format!("info {}", sanitize(k)), sanitize(val).into_owned()))
        .collect();
    let mut lines: Vec<Line> = rows
        .drain(..)
        .map(|(k, val)| {
            Line::from(vec![
                Span::styled(format!("{k:<10} "), t.footer_key),
                Span::raw(val),
            ])
        })
        .collect();
    lines.extend(infos.into_iter().map(|(k, val)| {
        Line::from(vec![
            Span::styled(format!("{k:<10} "), t.footer_key),
            Span::raw(val),
        ])
    }));
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let area = centered(frame.area(), 96, height);
    let block = modal_block(app, format!(" {} ", i.title), " Esc close ", t.modal_border);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines_name_size_and_id() {
        let v = FileVersion {
            account_id: None,
            action: FileAction::Upload,
            bucket_id: None,
            content_length: 1_200_000,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: Some("4_zabc".into()),
            file_info: Default::default(),
            file_name: "a".into(),
            upload_timestamp: 1_795_183_353_123,
        };
        assert_eq!(
            version_line(&v),
            "2026-11-20 14:02    1.2 MB  upload       4_zabc"
        );
    }
}
