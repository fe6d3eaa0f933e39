//! The worker's settings answers: each one is matched to its pending request and handed to
//! the file of the dialog or tab that asked (`view.rs`, `bucket.rs`, `share.rs`…); a failed
//! request becomes an error dialog titled after what it was for.

use super::Pending;
use crate::app::modal::said;
use crate::app::{App, Effects, Modal};
use crate::worker::settings::SettingsEvent;
use crate::worker::{Failure, RequestId};

impl App {
    /// A settings answer from the worker.
    pub(crate) fn on_settings_event(&mut self, ev: SettingsEvent, cmds: &mut Effects) {
        match ev {
            SettingsEvent::NotificationRulesLoaded { req, rules } => {
                if self.admin.take_pending(req).is_some() {
                    self.rules_arrived(req, rules, false, None);
                }
            }
            SettingsEvent::NotificationRulesSaved {
                req,
                rules,
                generated,
            } => {
                if self.admin.take_pending(req).is_some() {
                    self.rules_arrived(req, rules, true, generated);
                }
            }
            SettingsEvent::VersionLockLoaded {
                req,
                version,
                changed,
            } => {
                if self.admin.take_pending(req).is_some() {
                    self.version_lock_loaded(req, *version, changed);
                }
            }
            SettingsEvent::SimulationProgressed { req, scanned } => {
                self.simulation_progressed(req, scanned);
            }
            SettingsEvent::SimulationFinished { req, report } => {
                self.simulation_finished(req, report);
            }
            SettingsEvent::BucketLoaded { req, bucket } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_loaded(req, bucket);
                }
            }
            SettingsEvent::BucketUpdated { req, bucket } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_updated(bucket);
                }
            }
            SettingsEvent::BucketConflict { req, current } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_conflict(current);
                }
            }
            SettingsEvent::BucketCreated { req, bucket } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_created(&bucket.bucket_name, cmds);
                }
            }
            SettingsEvent::BucketInspected { req, contents } => {
                if let Some(Pending::Inspect(bucket)) = self.admin.take_pending(req) {
                    self.bucket_inspected(bucket, contents);
                }
            }
            SettingsEvent::BucketDeleted { req, bucket_name } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_deleted(&bucket_name, cmds);
                }
            }
            SettingsEvent::ShareLinkReady { req, link } => {
                if self.admin.take_pending(req).is_some() {
                    self.share_link_ready(link, cmds);
                }
            }
        }
    }

    /// A failed settings request; false when the request is not a settings one.
    pub(crate) fn on_settings_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        let Some(what) = self.admin.take_pending(req) else {
            return false;
        };
        let title = match what {
            Pending::Load => "Could not read the bucket",
            Pending::Save => "Could not save the bucket",
            Pending::Create => "Could not create the bucket",
            Pending::Inspect(_) => "Could not check the bucket",
            Pending::Delete => "Could not delete the bucket",
            Pending::Simulate => "Simulation failed",
            Pending::Share => "Could not make a share link",
            Pending::LoadRules => "Could not read the notification rules",
            Pending::SaveRules => "Could not save the notification rules",
            Pending::Lock => "Object Lock of the version",
        };
        if let Some(v) = self.view.settings_mut() {
            if v.loading == Some(req) {
                v.loading = None;
            }
            if v.saving == Some(req) {
                v.saving = None;
            }
        }
        if what == Pending::Simulate {
            self.simulation_failed(req);
        }
        let said = said(error);
        if self.rules_failed(&what, &said) {
            return true;
        }
        if what == Pending::Lock {
            self.version_lock_failed(req);
        }
        let hint = match error.code() {
            Some("cannot_delete_non_empty_bucket") => {
                "\n\nEmpty it first: E in the buckets pane deletes every version.".to_owned()
            }
            _ => error
                .advice()
                .map(|a| format!("\n\n{a}"))
                .unwrap_or_default(),
        };
        self.modals.push(Modal::Error {
            title: title.to_owned(),
            message: format!("{said}{hint}"),
        });
        true
    }
}
