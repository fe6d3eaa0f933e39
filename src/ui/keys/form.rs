//! Draws the create-key form: the fields with their inline errors, the capability
//! checklist in three columns, the buckets, and the form's state line.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::keys::caps::ALL_CAPABILITIES;
use crate::app::keys::{FormField, KeyForm};
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;

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

pub(super) fn render_form(app: &App, form: &KeyForm, frame: &mut Frame) {
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
    let area = dialog::centered(frame.area(), 96, height);
    let block = dialog::block(" New application key ", t.title, t.modal_border);
    dialog::show(frame, area, Paragraph::new(lines).block(block));
}
