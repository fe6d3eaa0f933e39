//! Keys while a settings dialog or form is on top: forms take text and are submitted to the
//! file of the form (`bucket.rs`, `share.rs`, `lifecycle.rs`…), dialogs take actions and
//! hand them to the file of the dialog. Also the "not available with this key" dialog.

use crossterm::event::{KeyCode, KeyEvent};

use super::SettingsModal;
use super::forms::{Form, FormKind};
use super::simulate::on_simulation_action;
use crate::app::{Action, App, Effects, Modal};
use crate::input::Scope;

impl App {
    pub(super) fn top_settings_modal(&mut self) -> Option<&mut SettingsModal> {
        match self.modals.last_mut() {
            Some(Modal::Settings(m)) => Some(m),
            _ => None,
        }
    }

    /// A key while a settings modal is on top: forms take text, dialogs take actions.
    pub(crate) fn on_settings_modal_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        cmds: &mut Effects,
    ) {
        match (scope, action) {
            (Scope::Form, action) => self.on_form_key(action, key, cmds),
            (_, Some(a)) => self.on_dialog_action(a, cmds),
            (_, None) => {}
        }
    }

    pub(super) fn push_settings(&mut self, m: SettingsModal) {
        self.modals.push(Modal::Settings(Box::new(m)));
    }

    fn on_form_key(&mut self, action: Option<Action>, key: KeyEvent, cmds: &mut Effects) {
        let Some(SettingsModal::Form(form)) = self.top_settings_modal() else {
            return;
        };
        match action {
            Some(Action::Close) => {
                self.modals.pop();
            }
            Some(Action::NextField) if key.code == KeyCode::Down && form.move_within(true) => {}
            Some(Action::PrevField) if key.code == KeyCode::Up && form.move_within(false) => {}
            Some(Action::NextField) => form.next_field(),
            Some(Action::PrevField) => form.prev_field(),
            Some(a @ (Action::NextChoice | Action::PrevChoice)) if form.is_choice_focused() => {
                form.cycle(a == Action::NextChoice);
            }
            Some(Action::NextChoice | Action::PrevChoice) if form.toggle_check() => {}
            Some(Action::Submit) if form.new_line() => {}
            Some(Action::Submit | Action::Save) => {
                let form = form.clone();
                self.submit_form(form, cmds);
            }
            _ => {
                form.input(key);
            }
        }
    }

    pub(super) fn set_form_errors(&mut self, errors: Vec<super::FieldError>) {
        if let Some(SettingsModal::Form(form)) = self.top_settings_modal() {
            if let Some(first) = errors.first() {
                form.focus = first.field;
            }
            form.errors = errors;
        }
    }

    fn submit_form(&mut self, form: Form, cmds: &mut Effects) {
        match &form.kind {
            FormKind::NotificationRule { index } => {
                self.submit_notification_rule(&form, *index);
            }
            FormKind::DefaultRetention => self.submit_default_retention(&form, cmds),
            FormKind::FileRetention { .. } => self.submit_file_retention(&form, cmds),
            FormKind::Json { target } => self.submit_json(&form, *target, cmds),
            FormKind::CorsPreset => self.submit_cors_preset(&form),
            FormKind::LifecycleRule { index } => self.submit_lifecycle_rule(&form, *index),
            FormKind::Simulate => self.submit_simulate(&form, cmds),
            FormKind::CreateBucket => self.submit_create_bucket(&form, cmds),
            FormKind::Share { prefix, is_folder } => {
                self.submit_share(&form, prefix, *is_folder, cmds);
            }
            FormKind::ReplicationRule { index } => self.submit_replication_rule(&form, *index),
            FormKind::ReplicationMapping => self.submit_replication_mapping(&form, cmds),
        }
    }

    fn on_dialog_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height();
        let Some(top) = self.top_settings_modal() else {
            return;
        };
        if matches!(top, SettingsModal::VersionLock(_)) && self.on_version_lock_action(action, cmds)
        {
            return;
        }
        let Some(top) = self.top_settings_modal() else {
            return;
        };
        match (top, action) {
            (_, Action::Close | Action::Quit) => {
                self.modals.pop();
            }
            (
                SettingsModal::ConfirmNotificationRules {
                    rules,
                    generate_secret_for,
                    ..
                },
                Action::Confirm,
            ) => {
                let (rules, generate) = (rules.clone(), generate_secret_for.clone());
                self.modals.pop();
                // The rule form the review came from is done.
                if let Some(SettingsModal::Form(f)) = self.top_settings_modal()
                    && matches!(f.kind, FormKind::NotificationRule { .. })
                {
                    self.modals.pop();
                }
                self.send_rules(rules, generate, cmds);
            }
            (SettingsModal::ConfirmCors { rules, .. }, Action::Confirm) => {
                let rules = rules.clone();
                self.modals.pop();
                self.save_cors(rules, cmds);
            }
            (SettingsModal::ConfirmEnableLock, Action::Confirm) => {
                self.modals.pop();
                self.enable_object_lock(cmds);
            }
            (SettingsModal::Secret { secret, .. }, Action::CopyLink) => {
                let secret = secret.clone();
                self.copy_secret(secret, cmds);
            }
            (SettingsModal::ConfirmRules { .. }, Action::Confirm) => {
                self.modals.pop();
                self.save_rules(cmds);
            }
            (SettingsModal::ConfirmRules { .. }, Action::Simulate) => self.open_simulate_form(),
            (SettingsModal::ConfirmType { bucket_type }, Action::Confirm) => {
                let bucket_type = bucket_type.clone();
                self.modals.pop();
                self.change_type(bucket_type, cmds);
            }
            (SettingsModal::ConfirmDelete { bucket }, Action::Confirm) => {
                let bucket = bucket.id.clone();
                self.modals.pop();
                self.delete_bucket(bucket, cmds);
            }
            (SettingsModal::Conflict { .. }, Action::Confirm) => {
                self.modals.pop();
                self.keep_edits();
            }
            (SettingsModal::Simulation(sim), action) => on_simulation_action(sim, action, page),
            (SettingsModal::ShareLink(link), Action::CopyLink) => {
                let url = link.url.clone();
                self.copy_share_link(url, cmds);
            }
            _ => {}
        }
    }
}
