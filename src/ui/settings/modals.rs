//! Draws the settings modals: forms (fields with inline errors), the lifecycle diff, the
//! simulation (progress, summary, list), the revision conflict, and share links.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph, Wrap};

use crate::app::App;
use crate::app::settings::{FieldKind, Form, SettingsModal, Simulation};
use crate::lifecycle_sim::{DiffLine, Outcome};
use crate::ui::format::{count, sanitize, size, time};
use crate::ui::modal::centered;

/// Draws one settings modal.
pub fn render_modal(app: &App, m: &SettingsModal, frame: &mut Frame) {
    match m {
        SettingsModal::Form(form) => render_form(app, form, frame),
        SettingsModal::ConfirmRules { diff } => {
            let mut lines = vec![
                Line::from("Lifecycle rules, before → after:"),
                Line::default(),
            ];
            lines.extend(diff_lines(app, diff));
            lines.push(Line::default());
            lines.push(Line::from(
                "Rules run daily on B2 and may delete versions for good.",
            ));
            dialog(
                app,
                " Save lifecycle rules? ",
                lines,
                " y save  S simulate first  n cancel ",
                frame,
            );
        }
        SettingsModal::Simulation(sim) => render_simulation(app, sim, frame),
        SettingsModal::Conflict {
            from_revision,
            to_revision,
            theirs,
        } => {
            let mut lines = vec![
                Line::from(format!(
                    "Someone changed this bucket while you edited it (revision {from_revision} → {to_revision})."
                )),
                Line::from("Nothing was overwritten. Their change:"),
                Line::default(),
            ];
            lines.extend(diff_lines(app, theirs));
            lines.push(Line::default());
            lines.push(Line::from(
                "⏎ keep your edits on top of the new revision (review with w)  Esc close",
            ));
            dialog(
                app,
                " Changed meanwhile (409 conflict) ",
                lines,
                " ⏎ keep edits  Esc close ",
                frame,
            );
        }
        SettingsModal::ConfirmDelete { bucket } => dialog(
            app,
            " Delete bucket? ",
            vec![
                Line::from(format!(
                    "Delete bucket {} for good?",
                    sanitize(&bucket.name)
                )),
                Line::from("It is empty: no versions, hide markers or unfinished large files."),
            ],
            " y delete  n keep ",
            frame,
        ),
        SettingsModal::ConfirmType { bucket_type } => {
            let what = if bucket_type == "allPublic" {
                "public: anyone with a URL can download every file"
            } else {
                "private: downloads need authorization"
            };
            dialog(
                app,
                " Change bucket type? ",
                vec![Line::from(format!("Make the bucket {what}."))],
                " y change  n keep ",
                frame,
            );
        }
        SettingsModal::ShareLink(link) => {
            let opens = if link.is_folder {
                format!(
                    "every file whose name starts with {:?}",
                    sanitize(&link.prefix)
                )
            } else {
                format!("the file {:?}", sanitize(&link.prefix))
            };
            let until = match link.valid_until {
                Some(ms) => format!("until {} UTC", time(ms)),
                None => "for as long as the bucket stays public".to_owned(),
            };
            let lines = vec![
                Line::from(format!("Opens {opens}")),
                Line::from(format!("Valid {until}")),
                Line::default(),
                Line::from(Span::styled(
                    sanitize(&link.url).into_owned(),
                    app.theme.breadcrumb,
                )),
                Line::default(),
                Line::from("Copied to the clipboard."),
            ];
            dialog(
                app,
                " Share link ",
                lines,
                " c copy again  Esc close ",
                frame,
            );
        }
    }
}

fn diff_lines(app: &App, diff: &[DiffLine]) -> Vec<Line<'static>> {
    diff.iter()
        .map(|l| match l {
            DiffLine::Same(s) => Line::from(format!("  {}", sanitize(s))),
            DiffLine::Removed(s) => {
                Line::from(Span::styled(format!("- {}", sanitize(s)), app.theme.error))
            }
            DiffLine::Added(s) => {
                Line::from(Span::styled(format!("+ {}", sanitize(s)), app.theme.info))
            }
        })
        .collect()
}

fn dialog(app: &App, title: &str, lines: Vec<Line<'static>>, keys: &str, frame: &mut Frame) {
    let outer = frame.area();
    let width = 76.min(outer.width.saturating_sub(4)).max(20);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let area = centered(outer, width, height.min(outer.height.saturating_sub(2)));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.theme.modal_border)
        .title(Line::from(title.to_owned()).style(app.theme.title))
        .title_bottom(Line::from(keys.to_owned()).right_aligned())
        .padding(Padding::new(1, 1, 1, 0));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn render_form(app: &App, form: &Form, frame: &mut Frame) {
    let t = &app.theme;
    let mut lines = Vec::new();
    if !form.note.is_empty() {
        lines.push(Line::from(sanitize(&form.note).into_owned()));
        lines.push(Line::default());
    }
    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = Span::styled(
            format!("{} {:<38}", if focused { "▸" } else { " " }, field.label),
            if focused { t.title } else { Default::default() },
        );
        let value = match &field.kind {
            FieldKind::Text(input) => {
                if focused {
                    cursor = Some((lines.len(), 40 + input.0.visual_cursor()));
                }
                Span::styled(format!("[{}]", sanitize(input.value())), t.breadcrumb)
            }
            FieldKind::Choice { options, selected } => Span::styled(
                format!("◂ {} ▸", options.get(*selected).copied().unwrap_or("")),
                t.breadcrumb,
            ),
        };
        let mut spans = vec![label, value];
        if !field.hint.is_empty() {
            spans.push(Span::styled(format!("  {}", field.hint), t.footer_desc));
        }
        lines.push(Line::from(spans));
        for e in form.errors_of(i) {
            lines.push(Line::from(Span::styled(
                format!("    ✖ {}", sanitize(&e.message)),
                t.error,
            )));
        }
    }
    let outer = frame.area();
    let width = 96.min(outer.width.saturating_sub(2)).max(20);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let area = centered(outer, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.modal_border)
        .title(Line::from(form.title.clone()).style(t.title))
        .title_bottom(Line::from(" ⏎ ok  Tab next  ←/→ option  Esc cancel ").right_aligned())
        .padding(Padding::new(1, 1, 1, 0));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
    if let Some((row, col)) = cursor {
        let x = inner.x.saturating_add(u16::try_from(col).unwrap_or(0));
        let y = inner.y.saturating_add(u16::try_from(row).unwrap_or(0));
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

fn render_simulation(app: &App, sim: &Simulation, frame: &mut Frame) {
    let Some(r) = &sim.report else {
        let lines = vec![Line::from(format!(
            "Reading the bucket's versions… {} so far",
            count(sim.scanned)
        ))];
        dialog(app, " Simulation ", lines, " Esc cancel ", frame);
        return;
    };
    let mut lines = Vec::new();
    if sim.show_list {
        if r.events.is_empty() {
            lines.push(Line::from("Nothing would change."));
        }
        for e in r.events.iter().skip(sim.scroll) {
            let what = match e.outcome {
                Outcome::Hidden => "hide  ",
                Outcome::Deleted => "delete",
                Outcome::Cancelled => "cancel",
            };
            lines.push(Line::from(format!(
                "{}  {what}  {:>9}  {}",
                time(e.at),
                size(e.size),
                sanitize(&e.name)
            )));
            if lines.len() >= 18 {
                break;
            }
        }
    } else {
        lines.push(Line::from(format!(
            "Over the next {} days the edited rules would, on the bucket as it is now:",
            sim.days
        )));
        lines.push(Line::default());
        lines.push(Line::from(format!("  hide {} files", count(r.hidden))));
        lines.push(Line::from(format!(
            "  delete {} versions and hide markers, freeing {}",
            count(r.deleted),
            size(r.bytes_freed)
        )));
        lines.push(Line::from(format!(
            "  cancel {} unfinished large files",
            count(r.cancelled)
        )));
        lines.push(Line::from(format!(
            "  leave {} entries",
            count(r.remaining.len())
        )));
        lines.push(Line::default());
        lines.push(Line::from(
            "Locked versions (retention, legal hold) are never deleted.",
        ));
    }
    dialog(
        app,
        &format!(" Simulation: next {} days ", sim.days),
        lines,
        " l list/summary  j/k scroll  Esc back ",
        frame,
    );
}
