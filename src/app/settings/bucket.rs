//! Create, delete and change the type of a bucket: the create-bucket form (constructor,
//! validation, B2's bucket-name rules), the emptiness check before the delete confirmation,
//! the type-change confirmation, and the worker's answers to them. No I/O.

use super::forms::{Field, FieldError, Form, FormKind};
use super::{Pending, SettingsModal, cmd};
use crate::app::{App, BucketRef, Effects, Focus, Level, Modal};
use crate::b2::BucketId;
use crate::b2::buckets::{CreateBucketRequest, Encryption};
use crate::worker::settings::{BucketContents, SettingsCommand};

impl Form {
    /// The create-bucket form.
    pub fn create_bucket() -> Self {
        Self {
            kind: FormKind::CreateBucket,
            title: " Create bucket ".to_owned(),
            fields: vec![
                Field::text("Name", "", "6-63 letters, digits, -; globally unique"),
                Field::choice("Files are", vec!["private", "public"], 0),
                Field::choice("Default encryption", vec!["SSE-B2 (AES256)", "none"], 0),
                Field::choice("Object Lock", vec!["off", "on (irreversible)"], 0),
            ],
            focus: 0,
            errors: Vec::new(),
            note: String::new(),
        }
    }

    /// `(name, public, sse_b2, file_lock)` of the create form.
    pub fn validate_create(&self) -> Result<(String, bool, bool, bool), Vec<FieldError>> {
        let name = self.value(0).to_owned();
        if let Some(message) = bucket_name_error(&name) {
            return Err(vec![FieldError { field: 0, message }]);
        }
        Ok((
            name,
            self.choice(1) == 1,
            self.choice(2) == 0,
            self.choice(3) == 1,
        ))
    }
}

/// Why B2 would refuse a bucket name (§9.1), if it would.
pub fn bucket_name_error(name: &str) -> Option<String> {
    if name.len() < 6 || name.len() > 63 {
        return Some(format!("6 to 63 characters ({} now)", name.chars().count()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "only letters, digits and '-' ({c:?} is not allowed)"
        ));
    }
    if name.to_ascii_lowercase().starts_with("b2-") {
        return Some("names starting with b2- are reserved".into());
    }
    None
}

impl App {
    /// `CreateBucket` in the buckets pane: the create-bucket form.
    pub(super) fn open_create_bucket(&mut self) {
        if self.unavailable("create buckets", &["writeBuckets"]) {
            return;
        }
        self.push_settings(SettingsModal::Form(Form::create_bucket()));
    }

    pub(super) fn submit_create_bucket(&mut self, form: &Form, cmds: &mut Effects) {
        match form.validate_create() {
            Err(errors) => self.set_form_errors(errors),
            Ok((name, public, sse, lock)) => {
                if lock && self.unavailable("turn on Object Lock", &["writeBucketRetentions"]) {
                    return;
                }
                if sse && self.unavailable("set default encryption", &["writeBucketEncryption"]) {
                    return;
                }
                self.modals.pop();
                let req = self.new_admin_req(Pending::Create);
                let create = CreateBucketRequest {
                    account_id: self.session.account_id.clone(),
                    bucket_name: name,
                    bucket_type: if public { "allPublic" } else { "allPrivate" }.to_owned(),
                    default_server_side_encryption: sse.then(|| Encryption {
                        mode: Some("SSE-B2".into()),
                        algorithm: Some("AES256".into()),
                    }),
                    file_lock_enabled: lock,
                };
                cmds.push(cmd(SettingsCommand::CreateBucket { req, create }));
            }
        }
    }

    /// `BucketCreated`: says so and lists the buckets again.
    pub(super) fn bucket_created(&mut self, bucket_name: &str, cmds: &mut Effects) {
        self.notify(Level::Info, format!("Created bucket {bucket_name}"));
        cmds.push(self.request_buckets());
    }

    /// `DeleteBucket` in the buckets pane: first asks the worker what the bucket still holds.
    pub(super) fn start_delete(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Buckets || self.unavailable("delete buckets", &["deleteBuckets"]) {
            return;
        }
        let Some((bucket, _)) = self.current_bucket() else {
            return;
        };
        let req = self.new_admin_req(Pending::Inspect(bucket.clone()));
        self.notify(
            Level::Info,
            format!("Checking what {} still holds…", bucket.name),
        );
        cmds.push(cmd(SettingsCommand::InspectBucket {
            req,
            bucket: bucket.id,
        }));
    }

    /// `BucketInspected`: the delete confirmation when it is empty, else what is left.
    pub(super) fn bucket_inspected(&mut self, bucket: BucketRef, contents: BucketContents) {
        self.notification = None;
        if contents.is_empty() {
            self.push_settings(SettingsModal::ConfirmDelete { bucket });
        } else {
            self.modals.push(not_empty(&bucket.name, contents));
        }
    }

    /// `y` in the delete confirmation.
    pub(super) fn delete_bucket(&mut self, bucket: BucketId, cmds: &mut Effects) {
        let req = self.new_admin_req(Pending::Delete);
        cmds.push(cmd(SettingsCommand::DeleteBucket { req, bucket }));
    }

    /// `BucketDeleted`: says so and lists the buckets again.
    pub(super) fn bucket_deleted(&mut self, bucket_name: &str, cmds: &mut Effects) {
        self.notify(Level::Info, format!("Deleted bucket {bucket_name}"));
        cmds.push(self.request_buckets());
    }

    /// `ChangeType` on the Info tab: asks before making the bucket public or private.
    pub(super) fn start_type_change(&mut self) {
        let Some(stored) = self.view.settings().and_then(|v| v.stored.as_ref()) else {
            return;
        };
        let to = if stored.bucket_type == "allPublic" {
            "allPrivate"
        } else {
            "allPublic"
        };
        let to = to.to_owned();
        if !self.unavailable("change the bucket type", &["writeBuckets"]) {
            self.push_settings(SettingsModal::ConfirmType { bucket_type: to });
        }
    }

    /// `y` in the type-change confirmation.
    pub(super) fn change_type(&mut self, bucket_type: String, cmds: &mut Effects) {
        if let Some(mut update) = self.update_request() {
            update.bucket_type = Some(bucket_type);
            self.send_update(update, cmds);
        }
    }
}

fn not_empty(name: &str, c: BucketContents) -> Modal {
    let mut left = Vec::new();
    for (n, what) in [
        (c.versions, "file versions"),
        (c.hide_markers, "hide markers"),
        (c.unfinished, "unfinished large files"),
    ] {
        if n > 0 {
            left.push(format!("  {n} {what}"));
        }
    }
    Modal::Error {
        title: format!("{name} is not empty"),
        message: format!(
            "B2 deletes only empty buckets. Still in {name}:\n{}\n\nE empties it (every \
             version, hide marker and unfinished large file, after a count and your \
             confirmation); then D deletes it.",
            left.join("\n")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        assert!(bucket_name_error("photos-2026").is_none());
        assert!(bucket_name_error("short").is_some());
        assert!(bucket_name_error("b2-reserved").is_some());
        assert!(bucket_name_error("under_score").is_some());
    }
}
