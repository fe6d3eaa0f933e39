//! Draws the settings modals: forms (fields with inline errors), the lifecycle diff, the
//! simulation (progress, summary, list), the revision conflict, and share links.

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph, Wrap};

use crate::app::App;
use crate::app::settings::{FieldKind, Form, FormKind, SettingsModal, Simulation};
use crate::lifecycle_sim::{DiffLine, Outcome};
use crate::ui::format::{count, sanitize, size, time};
use crate::ui::widgets::dialog::centered;

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
        SettingsModal::ConfirmRuleDelete { name, .. } => dialog(
            app,
            " Delete notification rule? ",
            vec![
                Line::from(format!("Delete the rule {}?", sanitize(name))),
                Line::from("Its webhook gets no more events; queued ones are dropped."),
            ],
            " y delete  n keep ",
            frame,
        ),
        SettingsModal::Secret { rule, secret } => dialog(
            app,
            " Signing secret ",
            vec![
                Line::from(format!("New signing secret of {}:", sanitize(rule))),
                Line::default(),
                Line::from(Span::styled(secret.clone(), app.theme.breadcrumb)),
                Line::default(),
                Line::from("Give it to the receiver: it checks X-Bz-Event-Notification-Signature"),
                Line::from("(v1=HMAC-SHA256 of the body with this secret)."),
            ],
            " c copy  Esc close ",
            frame,
        ),
        SettingsModal::ConfirmEnableLock => dialog(
            app,
            " Turn on Object Lock? ",
            vec![
                Line::from("Turn on Object Lock for this bucket?"),
                Line::default(),
                Line::from("This cannot be undone: Object Lock stays on for good. Versions can"),
                Line::from("then get retention and legal holds that block their deletion."),
            ],
            " y turn on  n keep off ",
            frame,
        ),
        SettingsModal::VersionLock(lock) => version_lock(app, lock, frame),
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

pub(super) fn dialog(
    app: &App,
    title: &str,
    lines: Vec<Line<'static>>,
    keys: &str,
    frame: &mut Frame,
) {
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
    let outer = frame.area();
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
        let hint = Span::styled(format!("  {}", field.hint), t.footer_desc);
        match &field.kind {
            FieldKind::Text(input) => {
                if focused {
                    cursor = Some((lines.len(), 40 + input.0.visual_cursor()));
                }
                let value = Span::styled(format!("[{}]", sanitize(input.value())), t.breadcrumb);
                lines.push(Line::from(vec![label, value, hint]));
            }
            FieldKind::Choice { options, selected } => {
                let value = Span::styled(
                    format!("◂ {} ▸", options.get(*selected).copied().unwrap_or("")),
                    t.breadcrumb,
                );
                lines.push(Line::from(vec![label, value, hint]));
            }
            FieldKind::Checklist {
                options,
                checked,
                cursor: at,
            } => {
                lines.push(Line::from(vec![label, hint]));
                // Two columns, so the fourteen event types fit a 30-row terminal.
                let rows = options.len().div_ceil(2);
                for r in 0..rows {
                    let mut spans = vec![Span::raw("    ")];
                    for c in [r, r + rows] {
                        let Some(o) = options.get(c) else { continue };
                        let tick = if checked.get(c).copied().unwrap_or(false) {
                            "[x]"
                        } else {
                            "[ ]"
                        };
                        let style = if focused && c == *at {
                            t.selected
                        } else {
                            Default::default()
                        };
                        spans.push(Span::styled(format!("{tick} {o:<38}"), style));
                    }
                    lines.push(Line::from(spans));
                }
            }
            FieldKind::Lines { lines: text, line } => {
                if !field.label.is_empty() {
                    lines.push(Line::from(vec![label, hint]));
                }
                // Long texts (JSON) scroll to keep the cursor's line in view.
                let room = usize::from(outer.height.saturating_sub(12)).max(3);
                let first = line.saturating_sub(room.saturating_sub(1));
                for (j, l) in text.iter().enumerate().skip(first).take(room) {
                    if focused && j == *line {
                        cursor = Some((lines.len(), 6 + l.0.visual_cursor()));
                    }
                    let mark = if focused && j == *line { "▸" } else { " " };
                    lines.push(Line::from(vec![
                        Span::styled(format!("   {mark}│"), t.footer_desc),
                        Span::raw(format!(" {}", sanitize(l.value()))),
                    ]));
                }
                if text.len() > first + room {
                    lines.push(Line::from(Span::styled(
                        format!("    … {} more lines", text.len() - first - room),
                        t.footer_desc,
                    )));
                }
            }
        }
        for e in form.errors_of(i) {
            lines.push(Line::from(Span::styled(
                format!("    ✖ {}", sanitize(&e.message)),
                t.error,
            )));
        }
    }
    let width = 96.min(outer.width.saturating_sub(2)).max(20);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3);
    let area = centered(outer, width, height.min(outer.height));
    let keys = if matches!(form.kind, FormKind::Json { .. }) {
        " ⏎ new line  Ctrl-S save  Esc cancel "
    } else {
        " ⏎ ok  Tab next  ←/→ option  Esc cancel "
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.modal_border)
        .title(Line::from(form.title.clone()).style(t.title))
        .title_bottom(Line::from(keys).right_aligned())
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

fn version_lock(app: &App, lock: &crate::app::settings::VersionLock, frame: &mut Frame) {
    let mut lines = vec![
        Line::from(format!("{}", sanitize(&lock.file_name))),
        Line::from(Span::styled(lock.file_id.clone(), app.theme.footer_desc)),
        Line::default(),
    ];
    if !lock.loaded {
        lines.push(Line::from("reading…"));
    } else {
        let retention = match &lock.retention {
            Some(r) if !r.is_client_authorized_to_read => {
                "not readable (the key lacks readFileRetentions)".to_owned()
            }
            Some(r) => match r
                .value
                .as_ref()
                .and_then(|v| v.mode.clone().zip(v.retain_until_timestamp))
            {
                Some((mode, until)) => format!("{mode} until {} UTC", time(until)),
                None => "none".to_owned(),
            },
            None => "none".to_owned(),
        };
        let hold = match &lock.legal_hold {
            Some(h) if !h.is_client_authorized_to_read => {
                "not readable (the key lacks readFileLegalHolds)".to_owned()
            }
            Some(h) => h.value.clone().unwrap_or_else(|| "off".to_owned()),
            None => "off".to_owned(),
        };
        lines.push(Line::from(format!("Retention   {retention}")));
        lines.push(Line::from(format!("Legal hold  {hold}")));
        if lock.busy {
            lines.push(Line::default());
            lines.push(Line::from("saving…"));
        }
    }
    dialog(
        app,
        " Object Lock of version ",
        lines,
        " h legal hold on/off  e retention  Esc close ",
        frame,
    );
}
