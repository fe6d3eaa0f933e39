//! The Notifications tab: read the rules when the tab is first shown, add / edit /
//! enable-disable / delete, each change reviewed (rules before → after) and then sent as the
//! whole list with `b2_set_bucket_notification_rules`, and the signing secret dialog. The rule form is in
//! `notify_form.rs`. No I/O; a new signing secret is the worker's job.

use super::cmd;
use super::forms::Form;
use super::notify_form::SecretChoice;
use super::{Pending, RulesState, SettingsModal, Tab};
use crate::app::{Action, App, Effect, Effects, Level, Motion};
use crate::b2::Secret;
use crate::b2::notifications::NotificationRule;
use crate::lifecycle_sim::DiffLine;
use crate::worker::RequestId;
use crate::worker::settings::SettingsCommand;

const READ: &str = "readBucketNotifications";
const WRITE: &str = "writeBucketNotifications";

impl App {
    /// Reads the rules the first time the Notifications tab is shown (or on `force`).
    pub(super) fn load_rules(&mut self, force: bool, cmds: &mut Effects) {
        let Some(view) = self.view.settings() else {
            return;
        };
        if view.tab != Tab::Notifications || (!force && view.notifications != RulesState::NotLoaded)
        {
            return;
        }
        let bucket = view.bucket.id.clone();
        if let Some(cap) = self.admin.missing(&[READ]) {
            if let Some(v) = self.view.settings_mut() {
                v.notifications = RulesState::Unavailable(cap);
            }
            return;
        }
        let req = self.new_admin_req(Pending::LoadRules);
        if let Some(v) = self.view.settings_mut() {
            v.notifications = RulesState::Loading(req);
        }
        cmds.push(cmd(SettingsCommand::LoadNotificationRules { req, bucket }));
    }

    /// Keys of the Notifications tab; false when the generic view handling applies.
    pub(super) fn on_rules_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        let page = self.list_height();
        let Some(view) = self.view.settings_mut() else {
            return false;
        };
        let rules = view.notifications.rules().map(<[_]>::to_vec);
        let n = rules.as_ref().map_or(0, Vec::len);
        let i = view.notify_cursor.selected;
        match action {
            Action::MoveDown => {
                view.notify_cursor.apply(Motion::Down, n, page);
            }
            Action::MoveUp => {
                view.notify_cursor.apply(Motion::Up, n, page);
            }
            Action::Refresh => {
                self.load_rules(true, cmds);
                return false;
            }
            Action::AddItem if rules.is_some() => {
                if rules.as_ref().is_some_and(|r| r.len() >= 25) {
                    self.notify(Level::Warn, "B2 allows at most 25 rules per bucket");
                } else if !self.unavailable("change notification rules", &[WRITE]) {
                    let form = Form::notification_rule(None, None);
                    self.push_settings(SettingsModal::Form(form));
                }
            }
            Action::EditItem | Action::Open if i < n => {
                if !self.unavailable("change notification rules", &[WRITE]) {
                    let rule = rules.as_ref().and_then(|r| r.get(i));
                    let form = Form::notification_rule(Some(i), rule);
                    self.push_settings(SettingsModal::Form(form));
                }
            }
            Action::Toggle if i < n => {
                if !self.unavailable("change notification rules", &[WRITE]) {
                    let mut rules = rules.unwrap_or_default();
                    rules[i].is_enabled = !rules[i].is_enabled;
                    self.review_rules(rules, None);
                }
            }
            Action::RemoveItem if i < n => {
                if !self.unavailable("change notification rules", &[WRITE]) {
                    let mut rules = rules.unwrap_or_default();
                    rules.remove(i);
                    self.review_rules(rules, None);
                }
            }
            _ => return false,
        }
        true
    }

    /// The rule form was sent: validate, then review the whole list with the rule in it.
    pub(super) fn submit_notification_rule(&mut self, form: &Form, index: Option<usize>) {
        let Some(rules) = self
            .view
            .settings()
            .and_then(|v| v.notifications.rules().map(<[_]>::to_vec))
        else {
            return;
        };
        let index = index.filter(|i| *i < rules.len());
        let others: Vec<NotificationRule> = rules
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != index)
            .map(|(_, r)| r.clone())
            .collect();
        let current_secret = index.and_then(|i| {
            rules[i]
                .target_configuration
                .hmac_sha256_signing_secret
                .as_deref()
        });
        match form.validate_notification_rule(&others, current_secret) {
            Err(errors) => self.set_form_errors(errors),
            Ok((rule, secret)) => {
                // The form stays below the review: n goes back to it.
                let generate = (secret == SecretChoice::Generate).then(|| rule.name.clone());
                let mut rules = rules;
                match index {
                    Some(i) => rules[i] = rule,
                    None => rules.push(rule),
                }
                self.review_rules(rules, generate);
            }
        }
    }

    /// The review before a set: the rules as stored and as they would be; `y` sends them.
    fn review_rules(&mut self, rules: Vec<NotificationRule>, generate_secret_for: Option<String>) {
        let Some(before) = self
            .view
            .settings()
            .and_then(|v| v.notifications.rules().map(<[_]>::to_vec))
        else {
            return;
        };
        let removes = before
            .iter()
            .any(|b| !rules.iter().any(|a| a.name == b.name));
        let diff = rules_diff(&before, &rules);
        self.push_settings(SettingsModal::ConfirmNotificationRules {
            diff,
            rules,
            generate_secret_for,
            removes,
        });
    }

    pub(super) fn send_rules(
        &mut self,
        rules: Vec<NotificationRule>,
        generate_secret_for: Option<String>,
        cmds: &mut Effects,
    ) {
        let Some(bucket) = self.view.settings().map(|v| v.bucket.id.clone()) else {
            return;
        };
        let req = self.new_admin_req(Pending::SaveRules);
        if let Some(RulesState::Loaded { saving, .. }) =
            self.view.settings_mut().map(|v| &mut v.notifications)
        {
            *saving = Some(req);
        }
        cmds.push(cmd(SettingsCommand::SetNotificationRules {
            req,
            bucket,
            rules,
            generate_secret_for,
        }));
    }

    /// The rules as read or as stored after a set.
    pub(super) fn rules_arrived(
        &mut self,
        req: RequestId,
        rules: Vec<NotificationRule>,
        saved: bool,
        generated: Option<(String, String)>,
    ) {
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        let n = rules.len();
        view.notifications = RulesState::Loaded {
            rules,
            saving: None,
        };
        view.notify_cursor.clamp(n);
        let _ = req;
        if saved {
            self.notify(Level::Info, format!("Saved {n} notification rules"));
        }
        if let Some((rule, secret)) = generated {
            self.push_settings(SettingsModal::Secret { rule, secret });
        }
    }

    /// A failed rules read shows on the tab instead of a modal.
    pub(super) fn rules_failed(&mut self, what: &Pending, said: &str) -> bool {
        let Some(view) = self.view.settings_mut() else {
            return false;
        };
        match (what, &mut view.notifications) {
            (Pending::LoadRules, state) => {
                *state = RulesState::Failed(said.to_owned());
                true
            }
            (Pending::SaveRules, RulesState::Loaded { saving, .. }) => {
                *saving = None;
                false
            }
            _ => false,
        }
    }

    /// `CopyLink` in the signing secret dialog.
    pub(super) fn copy_secret(&mut self, secret: String, cmds: &mut Effects) {
        cmds.push(Effect::Clipboard(Secret::new(secret)));
        self.notify(Level::Info, "Secret copied to the clipboard");
    }
}

/// One line of a notification rule in the review: name, state, events, prefix and webhook.
pub fn describe_rule(rule: &NotificationRule) -> String {
    let state = if rule.is_enabled { "on" } else { "disabled" };
    let prefix = if rule.object_name_prefix.is_empty() {
        "every file".to_owned()
    } else {
        format!("{}*", rule.object_name_prefix)
    };
    format!(
        "{} ({state}): {} on {prefix} → {}",
        rule.name,
        rule.event_types.join(", "),
        rule.target_configuration.url
    )
}

/// The notification rules before → after, matched by name.
pub fn rules_diff(before: &[NotificationRule], after: &[NotificationRule]) -> Vec<DiffLine> {
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| a.name == b.name) {
            Some(a) if same_rule(a, b) => out.push(DiffLine::Same(describe_rule(b))),
            Some(a) => {
                out.push(DiffLine::Removed(describe_rule(b)));
                out.push(DiffLine::Added(describe_rule(a)));
            }
            None => out.push(DiffLine::Removed(describe_rule(b))),
        }
    }
    for a in after {
        if !before.iter().any(|b| b.name == a.name) {
            out.push(DiffLine::Added(describe_rule(a)));
        }
    }
    out
}

/// Equal as sent (B2's suspension fields are never sent).
fn same_rule(a: &NotificationRule, b: &NotificationRule) -> bool {
    a.name == b.name
        && a.event_types == b.event_types
        && a.object_name_prefix == b.object_name_prefix
        && a.is_enabled == b.is_enabled
        && a.target_configuration == b.target_configuration
}
