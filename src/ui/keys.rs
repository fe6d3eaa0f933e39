//! Draws the Keys view (list, current key, details of the selected key) and its modals:
//! the create form, the one-time secret, delete confirmations and the "key deleted" stop.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Clear, Padding, Paragraph, Row, Wrap};

use super::format::{sanitize, time};
use super::pane_block;
use super::panes::{Selection, render_message, render_table, window};
use super::widgets::dialog::centered;
use crate::app::App;
use crate::app::keys::caps::{ALL_CAPABILITIES, summarise};
use crate::app::keys::inspect::{self, Expiry, bucket_label, expiry};
use crate::app::keys::{FormField, KeyForm, KeysModal, SecretModal, Tool};
use crate::b2::ApplicationKey;

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

/// Draws one Keys modal.
pub fn render_modal(app: &App, modal: &KeysModal, frame: &mut Frame) {
    match modal {
        KeysModal::Form(f) => render_form(app, f, frame),
        KeysModal::Secret(s) => render_secret(app, s, frame),
        KeysModal::ConfirmDelete {
            key_id,
            key_name,
            is_current,
            typed,
            error,
        } => {
            let mut lines = vec![
                Line::from(format!("Delete key {} ({key_id})?", sanitize(key_name))),
                Line::from("Every tool using it stops working at once. This cannot be undone."),
            ];
            if *is_current {
                lines.push(Line::from(Span::styled(
                    "b2tui itself uses this key: after deleting it, nothing else will work.",
                    app.theme.error,
                )));
            }
            lines.push(Line::default());
            match typed {
                None => lines.push(Line::from("y delete   n/Esc/⏎ cancel")),
                Some(t) => {
                    lines.push(Line::from("Type the key's name to delete it, then ⏎:"));
                    lines.push(Line::from(Span::styled(
                        format!("> {}▏", sanitize(t.value())),
                        app.theme.breadcrumb,
                    )));
                }
            }
            if let Some(e) = error {
                lines.push(Line::from(Span::styled(e.clone(), app.theme.error)));
            }
            popup(app, frame, " Delete key ", lines, 76, true);
        }
        KeysModal::Revoked { key_name } => {
            let lines = vec![
                Line::from(format!(
                    "The key b2tui was using ({}) has been deleted.",
                    sanitize(key_name)
                )),
                Line::from("Every further call to B2 would be refused."),
                Line::default(),
                Line::from("Restart b2tui with another key. q/⏎ quit"),
            ];
            popup(app, frame, " Key deleted ", lines, 64, true);
        }
    }
}

fn popup(app: &App, frame: &mut Frame, title: &str, lines: Vec<Line<'_>>, width: u16, alarm: bool) {
    let height = u16::try_from(lines.len()).unwrap_or(20).saturating_add(3);
    let area = centered(frame.area(), width, height);
    let (border, title_style) = if alarm {
        (app.theme.error_border, app.theme.error)
    } else {
        (app.theme.modal_border, app.theme.title)
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Line::from(title.to_owned()).style(title_style))
        .padding(Padding::new(1, 1, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn label(app: &App, form: &KeyForm, field: FormField, text: &str) -> Span<'static> {
    let style = if form.focus == field {
        app.theme.footer_key
    } else {
        app.theme.header
    };
    Span::styled(format!("{text:<13}"), style)
}

fn field_errors(app: &App, form: &KeyForm, field: FormField) -> Vec<Span<'static>> {
    form.errors_of(field)
        .map(|e| Span::styled(format!("  ✖ {e}"), app.theme.error))
        .collect()
}

fn text_line(
    app: &App,
    form: &KeyForm,
    field: FormField,
    name: &str,
    value: &str,
    hint: &str,
) -> Line<'static> {
    let focused = form.focus == field;
    let mut spans = vec![
        label(app, form, field, name),
        Span::styled(
            format!("[{}{}]", sanitize(value), if focused { "▏" } else { "" }),
            if focused {
                app.theme.breadcrumb
            } else {
                Style::new()
            },
        ),
    ];
    let errors = field_errors(app, form, field);
    if errors.is_empty() {
        spans.push(Span::styled(format!("  {hint}"), app.theme.hidden));
    }
    spans.extend(errors);
    Line::from(spans)
}

fn render_form(app: &App, form: &KeyForm, frame: &mut Frame) {
    let t = &app.theme;
    let mut lines = vec![text_line(
        app,
        form,
        FormField::Name,
        "Name",
        form.name.value(),
        "letters, digits, '-'",
    )];
    let mut preset = vec![
        label(app, form, FormField::Preset, "Preset"),
        Span::raw(format!("◂ {} ▸", form.preset.label())),
    ];
    preset.push(Span::styled("  ←/→ choose", t.hidden));
    lines.push(Line::from(preset));
    let mut caps_title = vec![label(app, form, FormField::Capabilities, "Capabilities")];
    caps_title.extend(field_errors(app, form, FormField::Capabilities));
    lines.push(Line::from(caps_title));
    let rows = ALL_CAPABILITIES.len().div_ceil(3);
    for r in 0..rows {
        let mut spans = vec![Span::raw("  ")];
        for c in 0..3 {
            let i = c * rows + r;
            let Some(cap) = ALL_CAPABILITIES.get(i) else {
                continue;
            };
            let checked = form.capabilities.iter().any(|x| x == cap);
            let unavailable = form.reason(cap).is_some();
            let mark = match (checked, unavailable) {
                (true, _) => "[x]",
                (false, true) => "[-]",
                (false, false) => "[ ]",
            };
            let mut style = if unavailable && !checked {
                t.hidden
            } else {
                Style::new()
            };
            if form.focus == FormField::Capabilities && form.cap_cursor == i {
                style = t.selected;
            }
            spans.push(Span::styled(format!("{mark} {cap:<25}"), style));
        }
        lines.push(Line::from(spans));
    }
    let cursor_cap = ALL_CAPABILITIES[form.cap_cursor.min(ALL_CAPABILITIES.len() - 1)];
    let why = match form.reason(cursor_cap) {
        Some(why) if form.focus == FormField::Capabilities => format!("{cursor_cap}: {why}"),
        _ => "[-] = unavailable here; the reason shows under the cursor".to_owned(),
    };
    lines.push(Line::from(Span::styled(format!("  {why}"), t.hidden)));
    let mut buckets = vec![label(app, form, FormField::Buckets, "Buckets")];
    if form.buckets.is_empty() {
        buckets.push(Span::styled("(no buckets loaded)", t.hidden));
    }
    for (i, b) in form.buckets.iter().enumerate() {
        let mut style = Style::new();
        if form.focus == FormField::Buckets && form.bucket_cursor == i {
            style = t.selected;
        }
        let mark = if b.checked { "[x]" } else { "[ ]" };
        buckets.push(Span::styled(format!("{mark} {}", sanitize(&b.name)), style));
        buckets.push(Span::raw(" "));
    }
    let errors = field_errors(app, form, FormField::Buckets);
    if errors.is_empty() {
        buckets.push(Span::styled(" none = all buckets", t.hidden));
    }
    buckets.extend(errors);
    lines.push(Line::from(buckets));
    lines.push(text_line(
        app,
        form,
        FormField::Prefix,
        "Name prefix",
        form.prefix.value(),
        "empty = every name",
    ));
    lines.push(text_line(
        app,
        form,
        FormField::Lifetime,
        "Lifetime",
        form.lifetime.value(),
        "e.g. 30d, 12h; empty = never expires",
    ));
    lines.push(Line::default());
    if form.pending.is_some() {
        lines.push(Line::from(Span::styled("creating…", t.info)));
    } else if let Some(e) = &form.server_error {
        lines.push(Line::from(Span::styled(
            format!("✖ {}", sanitize(e)),
            t.error,
        )));
    } else {
        lines.push(Line::from(Span::styled(
            "Tab next field  Space check  ⏎ create  Esc cancel",
            t.hidden,
        )));
    }
    let height = u16::try_from(lines.len()).unwrap_or(26).saturating_add(2);
    let area = centered(frame.area(), 96, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.modal_border)
        .title(Line::from(" New application key ").style(t.title))
        .padding(Padding::horizontal(1));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_secret(app: &App, s: &SecretModal, frame: &mut Frame) {
    let t = &app.theme;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Key name  ", t.header),
            Span::raw(sanitize(&s.key.key_name).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("Key id    ", t.header),
            Span::styled(s.key.application_key_id.clone(), t.title),
        ]),
        Line::from(vec![
            Span::styled("Secret    ", t.header),
            Span::styled(s.secret.expose().to_owned(), t.breadcrumb),
        ]),
        Line::from(Span::styled(
            "This secret is shown only now: B2 never returns it again. Save it before closing.",
            t.warn,
        )),
        Line::default(),
    ];
    let mut tabs = Vec::new();
    for tool in Tool::ALL {
        let style = if tool == s.tool { t.selected } else { t.header };
        tabs.push(Span::styled(format!(" {} ", tool.label()), style));
        tabs.push(Span::raw(" "));
    }
    lines.push(Line::from(tabs));
    lines.push(Line::default());
    let snippet = s.snippet(s.tool);
    for l in snippet.expose().lines() {
        lines.push(Line::from(format!("  {}", sanitize(l))));
    }
    for w in s.warnings(s.tool) {
        lines.push(Line::from(Span::styled(format!("! {w}"), t.warn)));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "i copy id  s copy secret  y copy settings  Tab next tool  Esc close",
        t.hidden,
    )));
    let height = u16::try_from(lines.len()).unwrap_or(26).saturating_add(3);
    let area = centered(frame.area(), 96, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.modal_border)
        .title(Line::from(" New key: copy it now ").style(t.title))
        .padding(Padding::new(1, 1, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
