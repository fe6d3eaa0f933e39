//! Draws the settings dialog on top by handing it to the file of that dialog or form, and
//! the frame and diff lines they share. The frame is `ui/widgets/dialog.rs` with one blank
//! row above the text.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Padding;

use super::{bucket, form, lifecycle, lock, notifications, save, share, simulate};
use crate::app::App;
use crate::app::settings::SettingsModal;
use crate::lifecycle_sim::DiffLine;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog;

/// Draws one settings modal.
pub fn render_modal(app: &App, m: &SettingsModal, frame: &mut Frame) {
    match m {
        SettingsModal::Form(f) => form::render_form(app, f, frame),
        SettingsModal::ConfirmRules { diff } => lifecycle::confirm_rules(app, diff, frame),
        SettingsModal::Simulation(sim) => simulate::render_simulation(app, sim, frame),
        SettingsModal::ConfirmRuleDelete { name, .. } => {
            notifications::confirm_rule_delete(app, name, frame);
        }
        SettingsModal::Secret { rule, secret } => notifications::secret(app, rule, secret, frame),
        SettingsModal::ConfirmEnableLock => lock::confirm_enable_lock(app, frame),
        SettingsModal::VersionLock(l) => lock::version_lock(app, l, frame),
        SettingsModal::Conflict {
            from_revision,
            to_revision,
            theirs,
        } => save::conflict(app, *from_revision, *to_revision, theirs, frame),
        SettingsModal::ConfirmDelete { bucket } => bucket::confirm_delete(app, bucket, frame),
        SettingsModal::ConfirmType { bucket_type } => {
            bucket::confirm_type(app, bucket_type, frame);
        }
        SettingsModal::ShareLink(link) => share::share_link(app, link, frame),
    }
}

/// Before/after lines: removed in the error colour, added in the info colour.
pub(super) fn diff_lines(app: &App, diff: &[DiffLine]) -> Vec<Line<'static>> {
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

/// A dialog of `lines` (wrapped), as tall as they are, with `keys` at the bottom right.
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
    let area = dialog::centered(outer, width, height.min(outer.height.saturating_sub(2)));
    let block = dialog::block_with_keys(
        title.to_owned(),
        keys.to_owned(),
        app.theme.title,
        app.theme.modal_border,
    )
    .padding(Padding::new(1, 1, 1, 0));
    dialog::show_wrapped(frame, area, lines, block);
}
