//! The Replication tab: the bucket's Cloud Replication rules as a draft (add, edit, remove),
//! the rule form and its validation, and saving the whole configuration with
//! `b2_update_bucket` (`ifRevisionIs`; the destination side is sent back unchanged). No I/O.

use super::SettingsModal;
use super::forms::{Field, FieldError, Form, FormKind};
use crate::app::{Action, App, Effects, Level, Motion};
use crate::b2::buckets::BucketSettings;
use crate::b2::replication::{
    DEFAULT_PRIORITY, MAX_PRIORITY, MAX_RULES, MIN_PRIORITY, ReplicationConfig, ReplicationRule,
    ReplicationSource, valid_rule_name,
};

pub const REPL_NAME: usize = 0;
pub const REPL_DEST: usize = 1;
pub const REPL_PREFIX: usize = 2;
pub const REPL_PRIORITY: usize = 3;
pub const REPL_ENABLED: usize = 4;
pub const REPL_EXISTING: usize = 5;
pub const REPL_KEY: usize = 6;

/// The capabilities reading and changing the configuration need.
pub const READ_CAP: &str = "readBucketReplications";
pub const WRITE_CAP: &str = "writeBucketReplications";

/// The replication rules being edited, with the source key they read with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicationDraft {
    pub source_key: String,
    pub rules: Vec<ReplicationRule>,
}

impl ReplicationDraft {
    /// The draft of a bucket as read.
    pub fn of(config: &ReplicationConfig) -> ReplicationDraft {
        ReplicationDraft {
            source_key: config.source_key().unwrap_or_default().to_owned(),
            rules: config.rules().to_vec(),
        }
    }
}

/// The stored configuration of a bucket (None: not readable with this key).
pub fn stored_config(bucket: &BucketSettings) -> Option<ReplicationConfig> {
    match &bucket.replication_configuration {
        Some(r) if !r.is_client_authorized_to_read => None,
        Some(r) => Some(r.value.clone().unwrap_or_default()),
        None => Some(ReplicationConfig::default()),
    }
}

impl Form {
    /// The replication rule form, filled from `rule` when editing; `dest_name` is the
    /// rule's destination bucket name, `source_key` the draft's source key.
    pub fn replication_rule(
        index: Option<usize>,
        rule: Option<&ReplicationRule>,
        dest_name: &str,
        source_key: &str,
    ) -> Self {
        let yes_no = |on: bool| usize::from(!on);
        Self {
            kind: FormKind::ReplicationRule { index },
            title: if index.is_some() {
                " Edit replication rule "
            } else {
                " Add replication rule "
            }
            .to_owned(),
            fields: vec![
                Field::text(
                    "Rule name",
                    rule.map(|r| r.replication_rule_name.clone())
                        .unwrap_or_default(),
                    "1-64 letters, digits, - or _",
                ),
                Field::text("Destination bucket", dest_name, "bucket name"),
                Field::text(
                    "File name prefix",
                    rule.map(|r| r.file_name_prefix.clone()).unwrap_or_default(),
                    "empty = whole bucket",
                ),
                Field::text(
                    "Priority",
                    rule.map_or(DEFAULT_PRIORITY, |r| r.priority).to_string(),
                    "higher wins when rules overlap",
                ),
                Field::choice(
                    "Enabled",
                    vec!["yes", "no"],
                    yes_no(rule.is_none_or(|r| r.is_enabled)),
                ),
                Field::choice(
                    "Existing files",
                    vec!["no", "yes"],
                    usize::from(rule.is_some_and(|r| r.include_existing_files)),
                ),
                Field::text(
                    "Source key id",
                    source_key,
                    "a key with readFiles on this bucket",
                ),
            ],
            focus: 0,
            errors: Vec::new(),
            note: "The destination bucket must map the source key to a key with writeFiles."
                .to_owned(),
        }
    }

    /// The rule and source key this form describes. `buckets` are `(id, name)` of the
    /// listed buckets, `this` the bucket being configured, `others` the other rules.
    pub fn validate_replication_rule(
        &self,
        buckets: &[(String, String)],
        this: &str,
        others: &[ReplicationRule],
    ) -> Result<(ReplicationRule, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: usize, message: String| errors.push(FieldError { field, message });
        let name = self.value(REPL_NAME).trim().to_owned();
        if !valid_rule_name(&name) {
            fail(REPL_NAME, "1 to 64 letters, digits, - or _".into());
        } else if others.iter().any(|o| o.replication_rule_name == name) {
            fail(REPL_NAME, "another rule has this name".into());
        }
        let dest_name = self.value(REPL_DEST).trim();
        let dest = buckets.iter().find(|(_, n)| n == dest_name);
        match dest {
            None => fail(REPL_DEST, "not a bucket of this account".into()),
            Some((id, _)) if id == this => {
                fail(REPL_DEST, "a bucket cannot replicate into itself".into());
            }
            Some(_) => {}
        }
        let priority = self.value(REPL_PRIORITY).trim().parse::<u32>().ok();
        let priority = match priority {
            Some(p) if (MIN_PRIORITY..=MAX_PRIORITY).contains(&p) => p,
            _ => {
                fail(
                    REPL_PRIORITY,
                    format!("a whole number from {MIN_PRIORITY} to {MAX_PRIORITY}"),
                );
                0
            }
        };
        let key = self.value(REPL_KEY).trim().to_owned();
        if key.is_empty() {
            fail(REPL_KEY, "B2 needs the key replication reads with".into());
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let rule = ReplicationRule {
            replication_rule_name: name,
            destination_bucket_id: dest.map(|(id, _)| id.clone()).unwrap_or_default(),
            file_name_prefix: self.value(REPL_PREFIX).to_owned(),
            priority,
            is_enabled: self.value(REPL_ENABLED) == "yes",
            include_existing_files: self.value(REPL_EXISTING) == "yes",
        };
        Ok((rule, key))
    }
}

impl App {
    /// The draft shown on the tab: the edits, else the stored configuration.
    pub fn replication_draft(&self) -> Option<ReplicationDraft> {
        let view = self.view.settings()?;
        if let Some(draft) = &view.replication {
            return Some(draft.clone());
        }
        let stored = view.stored.as_ref()?;
        stored_config(stored).map(|c| ReplicationDraft::of(&c))
    }

    /// True when the draft differs from the stored configuration.
    pub fn replication_dirty(&self) -> bool {
        let Some(view) = self.view.settings() else {
            return false;
        };
        match (
            &view.replication,
            view.stored.as_ref().and_then(stored_config),
        ) {
            (Some(draft), Some(stored)) => *draft != ReplicationDraft::of(&stored),
            _ => false,
        }
    }

    /// `(id, name)` of every listed bucket.
    fn replication_buckets(&self) -> Vec<(String, String)> {
        self.buckets
            .buckets
            .iter()
            .map(|b| (b.bucket_id.0.clone(), b.bucket_name.clone()))
            .collect()
    }

    /// The name of a listed bucket, else its id.
    pub fn bucket_name_of(&self, id: &str) -> String {
        self.buckets
            .buckets
            .iter()
            .find(|b| b.bucket_id.0 == id)
            .map_or_else(|| id.to_owned(), |b| b.bucket_name.clone())
    }

    /// Keys of the Replication tab; false when the generic view handling applies.
    pub(super) fn on_replication_tab_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        let page = self.list_height();
        let Some(draft) = self.replication_draft() else {
            if matches!(
                action,
                Action::AddItem
                    | Action::EditItem
                    | Action::Open
                    | Action::RemoveItem
                    | Action::EditKeyMapping
            ) {
                if !self.unavailable("read replication settings", &[READ_CAP]) {
                    self.notify(
                        Level::Warn,
                        "B2 does not show this bucket's replication settings to this key",
                    );
                }
                return true;
            }
            return false;
        };
        let len = draft.rules.len();
        match action {
            Action::MoveDown | Action::MoveUp => {
                let motion = if action == Action::MoveDown {
                    Motion::Down
                } else {
                    Motion::Up
                };
                if let Some(view) = self.view.settings_mut() {
                    view.repl_cursor.apply(motion, len, page);
                }
            }
            Action::AddItem => {
                if len >= MAX_RULES {
                    self.notify(
                        Level::Warn,
                        format!("B2 allows {MAX_RULES} replication rules per source bucket"),
                    );
                } else {
                    self.open_replication_form(None, &draft);
                }
            }
            Action::EditItem | Action::Open => {
                let i = self.view.settings().map_or(0, |v| v.repl_cursor.selected);
                if i < len {
                    self.open_replication_form(Some(i), &draft);
                }
            }
            Action::RemoveItem => {
                let i = self.view.settings().map_or(0, |v| v.repl_cursor.selected);
                if i < len {
                    let mut draft = draft;
                    let gone = draft.rules.remove(i);
                    self.set_replication_draft(draft);
                    self.notify(
                        Level::Info,
                        format!("Rule {} removed; w saves", gone.replication_rule_name),
                    );
                }
            }
            Action::Save => self.save_replication(cmds),
            Action::EditKeyMapping => self.open_mapping_form(),
            _ => return false,
        }
        true
    }

    fn set_replication_draft(&mut self, draft: ReplicationDraft) {
        if let Some(view) = self.view.settings_mut() {
            view.repl_cursor.clamp(draft.rules.len());
            view.replication = Some(draft);
        }
    }

    fn open_replication_form(&mut self, index: Option<usize>, draft: &ReplicationDraft) {
        if self.unavailable("change replication rules", &[WRITE_CAP]) {
            return;
        }
        let rule = index.and_then(|i| draft.rules.get(i));
        let dest = rule
            .map(|r| self.bucket_name_of(&r.destination_bucket_id))
            .unwrap_or_default();
        let form = Form::replication_rule(index, rule, &dest, &draft.source_key);
        self.push_settings(SettingsModal::Form(form));
    }

    /// The rule form was sent: the draft changes; `w` saves it.
    pub(super) fn submit_replication_rule(&mut self, form: &Form, index: Option<usize>) {
        let Some(mut draft) = self.replication_draft() else {
            return;
        };
        let Some(this) = self.view.settings().map(|v| v.bucket.id.clone()) else {
            return;
        };
        let others: Vec<ReplicationRule> = draft
            .rules
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != index)
            .map(|(_, r)| r.clone())
            .collect();
        match form.validate_replication_rule(&self.replication_buckets(), &this.0, &others) {
            Err(errors) => self.set_form_errors(errors),
            Ok((rule, key)) => {
                draft.source_key = key;
                let at = match index.filter(|i| *i < draft.rules.len()) {
                    Some(i) => {
                        draft.rules[i] = rule;
                        i
                    }
                    None => {
                        draft.rules.push(rule);
                        draft.rules.len() - 1
                    }
                };
                self.set_replication_draft(draft);
                if let Some(view) = self.view.settings_mut() {
                    view.repl_cursor.selected = at;
                }
                self.modals.pop();
                self.notify(Level::Info, "Rule changed; w saves the replication rules");
            }
        }
    }

    /// `w` on the tab: the whole configuration with `b2_update_bucket` (`ifRevisionIs`).
    fn save_replication(&mut self, cmds: &mut Effects) {
        if !self.replication_dirty() {
            self.notify(Level::Info, "No replication changes to save");
            return;
        }
        if self.unavailable("change replication rules", &[WRITE_CAP]) {
            return;
        }
        let (Some(draft), Some(stored)) = (
            self.replication_draft(),
            self.view
                .settings()
                .and_then(|v| v.stored.as_ref())
                .and_then(stored_config),
        ) else {
            return;
        };
        let source =
            (!draft.rules.is_empty() || !draft.source_key.is_empty()).then(|| ReplicationSource {
                source_application_key_id: draft.source_key.clone(),
                replication_rules: draft.rules.clone(),
            });
        let config = ReplicationConfig {
            as_replication_source: source,
            as_replication_destination: stored.as_replication_destination,
        };
        if let Some(mut update) = self.update_request() {
            update.replication_configuration = Some(config);
            self.send_update(update, cmds);
        }
    }
}
