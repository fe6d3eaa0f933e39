//! The Lifecycle tab: its keys, the lifecycle rule form (constructor, presets, validation
//! against the other rules), and the review-and-save dialog (before/after diff, `y` sends
//! `b2_update_bucket`). The simulation is in `simulate.rs`. No I/O.

use super::SettingsModal;
use super::forms::{Field, FieldError, FieldKind, Form, FormKind};
use crate::app::{Action, App, Effects, Level, Modal, Motion};
use crate::b2::LifecycleRule;
use crate::lifecycle_sim::{self, Preset};

pub const RULE_PRESET: usize = 0;
pub const RULE_PREFIX: usize = 1;
pub const RULE_HIDE: usize = 2;
pub const RULE_DELETE: usize = 3;
pub const RULE_CANCEL: usize = 4;

fn days_text(d: Option<u32>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Form {
    /// The lifecycle rule form, filled from `rule` when editing.
    pub fn lifecycle_rule(index: Option<usize>, rule: Option<&LifecycleRule>) -> Self {
        let r = rule.cloned().unwrap_or(LifecycleRule {
            file_name_prefix: String::new(),
            days_from_uploading_to_hiding: None,
            days_from_hiding_to_deleting: None,
            days_from_starting_to_canceling_unfinished_large_files: None,
        });
        let presets = Preset::ALL.iter().map(|p| p.label()).collect();
        Self {
            kind: FormKind::LifecycleRule { index },
            title: if index.is_some() {
                " Edit lifecycle rule "
            } else {
                " Add lifecycle rule "
            }
            .to_owned(),
            fields: vec![
                Field::choice("Preset", presets, 0),
                Field::text(
                    "File name prefix",
                    r.file_name_prefix,
                    "empty = whole bucket",
                ),
                Field::text(
                    "Days from upload to hiding",
                    days_text(r.days_from_uploading_to_hiding),
                    "empty = never",
                ),
                Field::text(
                    "Days from hiding to deleting",
                    days_text(r.days_from_hiding_to_deleting),
                    "empty = never",
                ),
                Field::text(
                    "Days to cancel unfinished large files",
                    days_text(r.days_from_starting_to_canceling_unfinished_large_files),
                    "empty = never",
                ),
            ],
            focus: 0,
            errors: Vec::new(),
            note: String::new(),
        }
    }

    /// True when this is the lifecycle rule form with its preset focused (cycling the
    /// preset fills the days fields).
    pub(super) fn is_preset_focused(&self) -> bool {
        self.kind
            == (FormKind::LifecycleRule {
                index: self.rule_index(),
            })
            && self.focus == RULE_PRESET
    }

    fn rule_index(&self) -> Option<usize> {
        match self.kind {
            FormKind::LifecycleRule { index } => index,
            _ => None,
        }
    }

    /// Selects a preset by position in [`Preset::ALL`] and fills the days fields.
    pub fn select_preset(&mut self, preset: Preset) {
        if let Some(Field {
            kind: FieldKind::Choice { selected, .. },
            ..
        }) = self.fields.get_mut(RULE_PRESET)
        {
            *selected = Preset::ALL.iter().position(|p| *p == preset).unwrap_or(0);
        }
        self.apply_preset(Some(Preset::Custom));
    }

    /// Fills the days fields for the selected preset. N is kept from the field when the
    /// user came from custom values, else 30 days.
    pub(super) fn apply_preset(&mut self, before: Option<Preset>) {
        let preset = Preset::ALL[self.choice(RULE_PRESET).min(Preset::ALL.len() - 1)];
        // N: what the preset's own field already holds, else 30 days.
        let n_field = match preset {
            Preset::DeleteDaysAfterUpload => RULE_HIDE,
            _ => RULE_DELETE,
        };
        let typed = self.value(n_field).trim().parse().ok().filter(|n| *n > 0);
        let n = typed
            .filter(|_| before == Some(Preset::Custom))
            .unwrap_or(30);
        if let Some((hide, delete, cancel)) = preset.fill(n) {
            self.set_text(RULE_HIDE, days_text(hide));
            self.set_text(RULE_DELETE, days_text(delete));
            self.set_text(RULE_CANCEL, days_text(cancel));
        }
    }

    /// The rule this form describes (`Ok(None)`: no days at all, i.e. "keep all versions").
    pub fn validate_rule(
        &self,
        others: &[LifecycleRule],
    ) -> Result<Option<LifecycleRule>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut days = |field: usize| -> Option<u32> {
            let text = self.value(field).trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<u32>() {
                Ok(d) if d > 0 => Some(d),
                _ => {
                    errors.push(FieldError {
                        field,
                        message: "a whole number of days, at least 1 (empty = never)".into(),
                    });
                    None
                }
            }
        };
        let rule = LifecycleRule {
            file_name_prefix: self.value(RULE_PREFIX).to_owned(),
            days_from_uploading_to_hiding: days(RULE_HIDE),
            days_from_hiding_to_deleting: days(RULE_DELETE),
            days_from_starting_to_canceling_unfinished_large_files: days(RULE_CANCEL),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        if lifecycle_sim::validate_rule(&rule).is_err() {
            return Ok(None);
        }
        let p = &rule.file_name_prefix;
        if let Some(other) = others.iter().find(|o| {
            o.file_name_prefix.starts_with(p.as_str()) || p.starts_with(&o.file_name_prefix)
        }) {
            return Err(vec![FieldError {
                field: RULE_PREFIX,
                message: format!(
                    "overlaps the rule for {}: a file may match only one rule",
                    lifecycle_sim::show_prefix(&other.file_name_prefix)
                ),
            }]);
        }
        Ok(Some(rule))
    }
}

impl App {
    /// Keys of the Lifecycle tab (the rule list); false when the generic view handling
    /// applies.
    pub(super) fn on_lifecycle_tab_action(&mut self, action: Action) -> bool {
        let page = self.list_height();
        let Some(view) = self.view.settings_mut() else {
            return false;
        };
        match action {
            Action::MoveDown => {
                view.cursor.apply(Motion::Down, view.rules.len(), page);
            }
            Action::MoveUp => {
                view.cursor.apply(Motion::Up, view.rules.len(), page);
            }
            Action::AddItem => self.open_rule_form(None),
            Action::EditItem | Action::Open => {
                let i = view.cursor.selected;
                if i < view.rules.len() {
                    self.open_rule_form(Some(i));
                }
            }
            Action::RemoveItem => {
                let i = view.cursor.selected;
                if i < view.rules.len() {
                    view.rules.remove(i);
                    view.cursor.clamp(view.rules.len());
                }
            }
            Action::Save => self.confirm_rules(),
            Action::Simulate => self.open_simulate_form(),
            _ => return false,
        }
        true
    }

    fn open_rule_form(&mut self, index: Option<usize>) {
        if self.unavailable("change lifecycle rules", &["writeBuckets"]) {
            return;
        }
        let rule = index.and_then(|i| self.view.settings()?.rules.get(i).cloned());
        let form = Form::lifecycle_rule(index, rule.as_ref());
        self.push_settings(SettingsModal::Form(form));
    }

    /// The rule form submitted: the draft changes; nothing is sent before the review.
    pub(super) fn submit_lifecycle_rule(&mut self, form: &Form, index: Option<usize>) {
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        let others: Vec<_> = view
            .rules
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != index)
            .map(|(_, r)| r.clone())
            .collect();
        match form.validate_rule(&others) {
            Err(errors) => return self.set_form_errors(errors),
            Ok(None) => {
                if let Some(i) = index.filter(|i| *i < view.rules.len()) {
                    view.rules.remove(i);
                }
                view.cursor.clamp(view.rules.len());
                self.notify(Level::Info, "No days set: no rule (all versions kept)");
            }
            Ok(Some(rule)) => match index.filter(|i| *i < view.rules.len()) {
                Some(i) => view.rules[i] = rule,
                None => {
                    view.rules.push(rule);
                    view.cursor.selected = view.rules.len() - 1;
                }
            },
        }
        self.modals.pop();
        self.notify(Level::Info, "Rule changed; w to review and save");
    }

    /// `Save` on the Lifecycle tab: the review dialog with the before/after diff.
    fn confirm_rules(&mut self) {
        let Some(view) = self.view.settings() else {
            return;
        };
        let Some(stored) = &view.stored else { return };
        if let Err(errors) = lifecycle_sim::validate_rules(&view.rules) {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| match e.rule {
                    Some(i) => format!("rule {}: {}", i + 1, e.message),
                    None => e.message.clone(),
                })
                .collect();
            self.modals.push(Modal::Error {
                title: "Lifecycle rules not valid".to_owned(),
                message: lines.join("\n"),
            });
            return;
        }
        if !view.is_dirty() {
            self.notify(Level::Info, "No lifecycle changes to save");
            return;
        }
        let diff = lifecycle_sim::diff(&stored.lifecycle_rules, &view.rules);
        self.push_settings(SettingsModal::ConfirmRules { diff });
    }

    /// `y` in the review dialog: sends the draft rules.
    pub(super) fn save_rules(&mut self, cmds: &mut Effects) {
        let rules = self.view.settings().map(|v| v.rules.clone());
        if let (Some(mut update), Some(rules)) = (self.update_request(), rules) {
            update.lifecycle_rules = Some(rules);
            self.send_update(update, cmds);
        }
    }
}
