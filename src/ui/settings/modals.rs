//! Draws the settings dialog on top by handing it to the file of that dialog or form.

use ratatui::Frame;

use super::{bucket, form, lifecycle, lock, notifications, save, share, simulate};
use crate::app::App;
use crate::app::settings::SettingsModal;

/// Draws one settings modal.
pub fn render_modal(app: &App, m: &SettingsModal, frame: &mut Frame) {
    match m {
        SettingsModal::Form(f) => form::render_form(app, f, frame),
        SettingsModal::ConfirmRules { diff } => lifecycle::confirm_rules(app, diff, frame),
        SettingsModal::ConfirmCors { diff, rules } => {
            save::confirm_cors(app, diff, rules.is_empty(), frame);
        }
        SettingsModal::Simulation(sim) => simulate::render_simulation(app, sim, frame),
        SettingsModal::ConfirmNotificationRules { diff, removes, .. } => {
            notifications::confirm_rules(app, diff, *removes, frame);
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
