//! The settings view itself: the pane actions that open it (or one of its dialogs), its keys
//! and tab switching, reloading and leaving it, and the bucket as read (`BucketLoaded`).
//! The keys of each tab are in the tab's file (`lifecycle.rs`, `notifications.rs`, `lock.rs`, `json.rs`).

use super::{JsonTarget, Pending, SettingsView, Tab, cmd};
use crate::app::{Action, App, Effects, Level, Modal, View};
use crate::b2::buckets::BucketSettings;
use crate::worker::RequestId;
use crate::worker::settings::SettingsCommand;

impl App {
    /// Pane actions that open settings features; false for other actions.
    pub(crate) fn on_settings_pane_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::OpenBucketSettings => self.open_settings(cmds),
            Action::CreateBucket => self.open_create_bucket(),
            Action::DeleteBucket => self.start_delete(cmds),
            Action::ShareLink => self.start_share(cmds),
            Action::ShowVersionLock => self.open_version_lock(cmds),
            _ => return false,
        }
        true
    }

    /// Leaves the settings view (back to the panes), saying when unsaved rules are dropped.
    pub(crate) fn leave_settings(&mut self) {
        if self.view.settings().is_some_and(|v| v.is_dirty()) {
            self.notify(Level::Warn, "Unsaved lifecycle changes dropped");
        }
        if self.replication_dirty() {
            self.notify(Level::Warn, "Unsaved replication changes dropped");
        }
        self.view = View::Browse;
    }

    fn open_settings(&mut self, cmds: &mut Effects) {
        let Some((bucket, _)) = self.current_bucket() else {
            return;
        };
        let req = self.new_admin_req(Pending::Load);
        cmds.push(cmd(SettingsCommand::LoadBucket {
            req,
            bucket: bucket.id.clone(),
        }));
        self.view = View::Settings(Box::new(SettingsView {
            bucket,
            tab: Tab::Info,
            stored: None,
            rules: Vec::new(),
            cursor: Default::default(),
            loading: Some(req),
            saving: None,
            notifications: Default::default(),
            notify_cursor: Default::default(),
            replication: None,
            repl_cursor: Default::default(),
        }));
    }

    fn reload_settings(&mut self, cmds: &mut Effects) {
        let Some(id) = self.view.settings().map(|v| v.bucket.id.clone()) else {
            return;
        };
        let req = self.new_admin_req(Pending::Load);
        if let Some(v) = self.view.settings_mut() {
            v.loading = Some(req);
        }
        cmds.push(cmd(SettingsCommand::LoadBucket { req, bucket: id }));
    }

    /// An action in the settings view (no modal open).
    pub(crate) fn on_settings_view_action(&mut self, action: Action, cmds: &mut Effects) {
        let handled = match self.view.settings().map(|v| v.tab) {
            Some(Tab::Lifecycle) => self.on_lifecycle_tab_action(action),
            Some(Tab::Notifications) => self.on_rules_action(action, cmds),
            Some(Tab::ObjectLock) => self.on_lock_tab_action(action),
            Some(Tab::Replication) => self.on_replication_tab_action(action, cmds),
            Some(Tab::Cors) if action == Action::AddItem => self.open_cors_presets(),
            Some(Tab::Cors) => self.on_json_action(JsonTarget::CorsRules, action, cmds),
            Some(Tab::Info) => self.on_json_action(JsonTarget::BucketInfo, action, cmds),
            _ => false,
        };
        if handled {
            return;
        }
        if matches!(action, Action::NextTab | Action::PrevTab) {
            if let Some(view) = self.view.settings_mut() {
                view.tab = view.tab.step(action == Action::NextTab);
            }
            self.load_rules(false, cmds);
            return;
        }
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        match action {
            Action::Close | Action::Quit => self.leave_settings(),
            Action::NextTab => view.tab = view.tab.step(true),
            Action::PrevTab => view.tab = view.tab.step(false),
            Action::Refresh => self.reload_settings(cmds),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::ChangeType if view.tab == Tab::Info => self.start_type_change(),
            _ => {}
        }
    }

    /// `BucketLoaded`: fills the view (a reload keeps unsaved edits).
    pub(super) fn bucket_loaded(&mut self, req: RequestId, bucket: BucketSettings) {
        self.replace_listed_bucket(&bucket);
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        if view.loading != Some(req) {
            return;
        }
        view.loading = None;
        // A reload keeps unsaved edits; the first load fills the editor.
        if view.stored.is_none() || !view.is_dirty() {
            view.rules = bucket.lifecycle_rules.clone();
        }
        view.cursor.clamp(view.rules.len());
        let keep_replication = view.replication.as_ref().is_some_and(|d| {
            view.stored
                .as_ref()
                .and_then(super::replication::stored_config)
                .is_some_and(|s| *d != super::replication::ReplicationDraft::of(&s))
        });
        if !keep_replication {
            view.replication = None;
        }
        view.stored = Some(bucket);
    }

    /// Shows a newer read of a bucket in the buckets pane too.
    pub(super) fn replace_listed_bucket(&mut self, bucket: &BucketSettings) {
        if let Some(b) = self
            .buckets
            .buckets
            .iter_mut()
            .find(|b| b.bucket_id == bucket.bucket_id)
        {
            *b = bucket.to_bucket();
        }
    }
}
