//! The destination side of Cloud Replication on the Replication tab (`m`): which key of
//! this account writes the replicas for each source key, one `SOURCE_KEY_ID = DEST_KEY_ID`
//! line each. Saved at once with `b2_update_bucket` (`ifRevisionIs`), together with the
//! source side as shown on the tab. No I/O.

use std::collections::BTreeMap;

use super::SettingsModal;
use super::forms::{Field, FieldError, Form, FormKind};
use super::replication::{WRITE_CAP, stored_config};
use crate::app::{App, Effects, Level};
use crate::b2::replication::{ReplicationConfig, ReplicationDestination, ReplicationSource};

impl Form {
    /// The key mapping form, one line per mapped source key.
    pub fn replication_mapping(mapping: &BTreeMap<String, String>) -> Self {
        let lines: Vec<String> = mapping.iter().map(|(s, d)| format!("{s} = {d}")).collect();
        Self {
            kind: FormKind::ReplicationMapping,
            title: " Replication into this bucket ".to_owned(),
            fields: vec![Field::lines(
                "Source key = destination key",
                &lines,
                "one per line; empty = none",
            )],
            focus: 0,
            errors: Vec::new(),
            note: "The destination key (of this account) needs writeFiles here.".to_owned(),
        }
    }

    /// The mapping this form describes.
    pub fn validate_replication_mapping(&self) -> Result<BTreeMap<String, String>, FieldError> {
        let mut out = BTreeMap::new();
        for line in self.lines(0) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let pair = line
                .split_once('=')
                .map(|(s, d)| (s.trim(), d.trim()))
                .filter(|(s, d)| {
                    !s.is_empty() && !d.is_empty() && !s.contains(' ') && !d.contains(' ')
                });
            let Some((source, dest)) = pair else {
                return Err(FieldError {
                    field: 0,
                    message: format!("{line:?}: write SOURCE_KEY_ID = DEST_KEY_ID"),
                });
            };
            if out.insert(source.to_owned(), dest.to_owned()).is_some() {
                return Err(FieldError {
                    field: 0,
                    message: format!("source key {source} is mapped twice"),
                });
            }
        }
        Ok(out)
    }
}

impl App {
    /// `m` on the Replication tab.
    pub(super) fn open_mapping_form(&mut self) {
        let Some(stored) = self
            .view
            .settings()
            .and_then(|v| v.stored.as_ref())
            .and_then(stored_config)
        else {
            return;
        };
        if self.unavailable("change replication settings", &[WRITE_CAP]) {
            return;
        }
        let mapping = stored
            .as_replication_destination
            .map(|d| d.source_to_destination_key_mapping)
            .unwrap_or_default();
        self.push_settings(SettingsModal::Form(Form::replication_mapping(&mapping)));
    }

    /// The mapping form was sent: saves it with the source side shown on the tab.
    pub(super) fn submit_replication_mapping(&mut self, form: &Form, cmds: &mut Effects) {
        let mapping = match form.validate_replication_mapping() {
            Ok(m) => m,
            Err(e) => return self.set_form_errors(vec![e]),
        };
        let Some(draft) = self.replication_draft() else {
            return;
        };
        self.modals.pop();
        let source =
            (!draft.rules.is_empty() || !draft.source_key.is_empty()).then(|| ReplicationSource {
                source_application_key_id: draft.source_key.clone(),
                replication_rules: draft.rules.clone(),
            });
        let destination = (!mapping.is_empty()).then_some(ReplicationDestination {
            source_to_destination_key_mapping: mapping,
        });
        if let Some(mut update) = self.update_request() {
            update.replication_configuration = Some(ReplicationConfig {
                as_replication_source: source,
                as_replication_destination: destination,
            });
            self.send_update(update, cmds);
            self.notify(Level::Info, "Saving the replication key mapping…");
        }
    }
}
