//! The create-key dialog's keys: opening the form, moving between fields, checking boxes,
//! and submitting it: `validate` checks everything B2 would (§2.22) before a `CreateKey`
//! command is built. The form's state is `form.rs`.

use super::form::{check_key_name, parse_lifetime, unavailable_reason};
use super::{FieldError, FormField, KeyForm, KeysModal, top_keys_modal};
use crate::app::{Action, App, Effects, Modal};
use crate::b2::{BucketId, CreateKeyRequest};
use crate::worker::{Command, KeyCommand, RequestId};

impl App {
    /// Opens the create form, with the buckets the buckets pane knows.
    pub(super) fn open_key_form(&mut self) {
        let buckets = self
            .buckets
            .buckets
            .iter()
            .map(|b| (b.bucket_id.clone(), b.bucket_name.clone()))
            .collect();
        let form = KeyForm::new(self.session.key.clone(), buckets);
        self.modals
            .push(Modal::Keys(Box::new(KeysModal::Form(Box::new(form)))));
    }

    /// An action while the create form is on top.
    pub(super) fn on_key_form_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(KeysModal::Form(f)) = top_keys_modal(&mut self.modals) else {
            return;
        };
        match action {
            Action::NextField => f.focus_step(true),
            Action::PrevField => f.focus_step(false),
            Action::MoveDown => f.move_cursor(true),
            Action::MoveUp => f.move_cursor(false),
            Action::Toggle => f.toggle(),
            Action::NextTab if f.focus == FormField::Preset => f.preset_step(true),
            Action::PrevTab if f.focus == FormField::Preset => f.preset_step(false),
            Action::Submit if f.pending.is_none() => {
                self.next_req += 1;
                let req = RequestId(self.next_req);
                match f.validate(req) {
                    Ok(cmd) => {
                        f.errors.clear();
                        f.server_error = None;
                        f.pending = Some(req);
                        cmds.push(cmd);
                    }
                    Err(errors) => f.errors = errors,
                }
            }
            Action::Close => {
                self.modals.pop();
            }
            _ => {}
        }
    }
}

impl KeyForm {
    /// Checks every field; on success, the command that creates the key.
    pub fn validate(&self, req: RequestId) -> Result<Command, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.value();
        if let Err(e) = check_key_name(name) {
            errors.push(FieldError::new(FormField::Name, e));
        }
        if self.capabilities.is_empty() {
            errors.push(FieldError::new(
                FormField::Capabilities,
                "choose at least one capability (or a preset)",
            ));
        }
        let restricted = self.is_bucket_restricted();
        for cap in &self.capabilities {
            if let Some(why) = unavailable_reason(cap, &self.current, restricted) {
                errors.push(FieldError::new(
                    FormField::Capabilities,
                    format!("{cap}: {why}"),
                ));
            }
        }
        let bucket_ids: Vec<BucketId> = self
            .buckets
            .iter()
            .filter(|b| b.checked)
            .map(|b| b.id.clone())
            .collect();
        if let Some(fixed) = &self.current.bucket_id
            && bucket_ids != [fixed.clone()]
        {
            errors.push(FieldError::new(
                FormField::Buckets,
                "your key is restricted to one bucket; the new key must be too",
            ));
        }
        let prefix = self.prefix.value();
        if let Some(required) = &self.current.name_prefix
            && !prefix.starts_with(required.as_str())
        {
            errors.push(FieldError::new(
                FormField::Prefix,
                format!("must start with {required:?} (your key's prefix)"),
            ));
        }
        if prefix.chars().any(char::is_control) || prefix.starts_with('/') {
            errors.push(FieldError::new(
                FormField::Prefix,
                "no control characters, no leading '/'",
            ));
        }
        let lifetime = match parse_lifetime(self.lifetime.value()) {
            Ok(l) => l,
            Err(e) => {
                errors.push(FieldError::new(FormField::Lifetime, e));
                None
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Command::Keys(KeyCommand::CreateKey {
            req,
            request: CreateKeyRequest {
                key_name: name.to_owned(),
                capabilities: self.capabilities.clone(),
                bucket_ids,
                name_prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
                valid_duration_secs: lifetime,
            },
        }))
    }
}
