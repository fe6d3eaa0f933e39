//! Saving the bucket, for every tab that changes it (lifecycle rules, type, CORS, bucket
//! info, default retention): `b2_update_bucket` with `ifRevisionIs`, its answer, and the
//! revision conflict dialog when B2 answers 409 (what the other change did). No I/O.

use super::{Pending, SettingsModal, cmd};
use crate::app::{App, Effects, Level};
use crate::b2::buckets::{BucketSettings, UpdateBucketRequest};
use crate::lifecycle_sim::{self, DiffLine};
use crate::worker::settings::SettingsCommand;

impl App {
    /// An update of the bucket as last read, changing nothing yet (fill in what changes).
    pub(super) fn update_request(&self) -> Option<UpdateBucketRequest> {
        let stored = self.view.settings()?.stored.as_ref()?;
        Some(UpdateBucketRequest {
            account_id: stored.account_id.0.clone(),
            bucket_id: stored.bucket_id.clone(),
            if_revision_is: Some(stored.revision),
            ..UpdateBucketRequest::default()
        })
    }

    pub(super) fn send_update(&mut self, update: UpdateBucketRequest, cmds: &mut Effects) {
        let req = self.new_admin_req(Pending::Save);
        if let Some(v) = self.view.settings_mut() {
            v.saving = Some(req);
        }
        cmds.push(cmd(SettingsCommand::UpdateBucket { req, update }));
    }

    /// `BucketUpdated`: the saved bucket becomes the stored one.
    pub(super) fn bucket_updated(&mut self, bucket: BucketSettings) {
        if let Some(v) = self
            .view
            .settings_mut()
            .filter(|v| v.bucket.id == bucket.bucket_id)
        {
            v.saving = None;
            v.rules = bucket.lifecycle_rules.clone();
            v.cursor.clamp(v.rules.len());
            v.stored = Some(bucket.clone());
        }
        self.replace_listed_bucket(&bucket);
        self.notify(
            Level::Info,
            format!(
                "Saved {} (revision {})",
                bucket.bucket_name, bucket.revision
            ),
        );
    }

    /// `BucketConflict` (409): the newer bucket becomes the stored one, and the conflict
    /// dialog says what changed; the draft is kept.
    pub(super) fn bucket_conflict(&mut self, current: BucketSettings) {
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        view.saving = None;
        let base = view.stored.replace(current.clone());
        let (from_revision, theirs) = match &base {
            Some(b) => (b.revision, bucket_diff(b, &current)),
            None => (0, Vec::new()),
        };
        self.replace_listed_bucket(&current);
        self.push_settings(SettingsModal::Conflict {
            from_revision,
            to_revision: current.revision,
            theirs,
        });
    }

    /// `Confirm` in the conflict dialog.
    pub(super) fn keep_edits(&mut self) {
        // Keep the draft on top of the newer revision; the next save diffs against it.
        self.notify(
            Level::Info,
            "Your edits are kept; w to review them against the new revision",
        );
    }
}

/// What changed between two reads of a bucket, as diff lines.
pub fn bucket_diff(before: &BucketSettings, after: &BucketSettings) -> Vec<DiffLine> {
    let mut out = Vec::new();
    if before.bucket_type != after.bucket_type {
        out.push(DiffLine::Removed(format!("type {}", before.bucket_type)));
        out.push(DiffLine::Added(format!("type {}", after.bucket_type)));
    }
    if before.lifecycle_rules != after.lifecycle_rules {
        out.extend(
            lifecycle_sim::diff(&before.lifecycle_rules, &after.lifecycle_rules)
                .into_iter()
                .filter(|l| !matches!(l, DiffLine::Same(_)))
                .map(|l| match l {
                    DiffLine::Removed(s) => DiffLine::Removed(format!("lifecycle {s}")),
                    DiffLine::Added(s) => DiffLine::Added(format!("lifecycle {s}")),
                    same => same,
                }),
        );
    }
    if before.bucket_info != after.bucket_info {
        out.push(DiffLine::Removed(format!(
            "bucket info {:?}",
            before.bucket_info
        )));
        out.push(DiffLine::Added(format!(
            "bucket info {:?}",
            after.bucket_info
        )));
    }
    if before.cors_rules != after.cors_rules {
        out.push(DiffLine::Removed(format!(
            "{} CORS rules",
            before.cors_rules.len()
        )));
        out.push(DiffLine::Added(format!(
            "{} CORS rules",
            after.cors_rules.len()
        )));
    }
    if before.file_lock_configuration != after.file_lock_configuration {
        out.push(DiffLine::Added("Object Lock settings changed".to_owned()));
    }
    if out.is_empty() {
        out.push(DiffLine::Same(
            "no visible difference (only the revision moved)".to_owned(),
        ));
    }
    out
}
