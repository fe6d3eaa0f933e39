//! `update` for bucket settings: keys in the settings view and its modals, pane actions
//! that open them, and worker answers. Returns commands; never does I/O.

use crossterm::event::{KeyCode, KeyEvent};

use super::forms::{Form, FormKind};
use super::{AdminState, JsonTarget, Pending, SettingsModal, SettingsView, Simulation, Tab};
use crate::app::{
    Action, App, BucketRef, Edited, Effect, Effects, Focus, Level, Modal, Motion, Row, View,
};
use crate::b2::Secret;
use crate::b2::buckets::{BucketSettings, CreateBucketRequest, Encryption, UpdateBucketRequest};
use crate::input::Scope;
use crate::lifecycle_sim::{self, DiffLine};
use crate::worker::settings::{BucketContents, SettingsCommand, SettingsEvent};
use crate::worker::{Command, RequestId};

/// Days a simulation covers unless the user says otherwise.
pub const DEFAULT_SIM_DAYS: u32 = 30;

pub(super) fn cmd(c: SettingsCommand) -> Command {
    Command::Settings(c)
}

impl App {
    /// Records what the key may do, so forms it cannot submit are never offered.
    pub fn set_capabilities(&mut self, capabilities: Vec<String>) {
        self.admin.capabilities = Some(capabilities);
    }

    fn top_settings_modal(&mut self) -> Option<&mut SettingsModal> {
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

    /// Leaves the settings view (back to the panes), saying when unsaved rules are dropped.
    pub(crate) fn leave_settings(&mut self) {
        if self.view.settings().is_some_and(|v| v.is_dirty()) {
            self.notify(Level::Warn, "Unsaved lifecycle changes dropped");
        }
        self.view = View::Browse;
    }

    /// Edited text back from `$EDITOR` (`Effect::Edit`).
    pub(crate) fn on_edited(&mut self, target: JsonTarget, result: Edited, cmds: &mut Effects) {
        match result {
            Edited::Text(text) => self.json_edited(target, Some(text), cmds),
            Edited::Failed => self.json_edited(target, None, cmds),
            Edited::NoEditor { text } => self.open_json_editor(target, &text),
        }
    }

    /// Pane actions that open settings features; false for other actions.
    pub(crate) fn on_settings_pane_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::OpenBucketSettings => self.open_settings(cmds),
            Action::CreateBucket => {
                if self.unavailable("create buckets", &["writeBuckets"]) {
                    return true;
                }
                self.push_settings(SettingsModal::Form(Form::create_bucket()));
            }
            Action::DeleteBucket => self.start_delete(cmds),
            Action::ShareLink => self.start_share(cmds),
            Action::ShowVersionLock => self.open_version_lock(cmds),
            _ => return false,
        }
        true
    }

    pub(super) fn push_settings(&mut self, m: SettingsModal) {
        self.modals.push(Modal::Settings(Box::new(m)));
    }

    /// Shows "unavailable" naming the missing capability; true when something is missing.
    pub(super) fn unavailable(&mut self, what: &str, caps: &[&str]) -> bool {
        let Some(cap) = self.admin.missing(caps) else {
            return false;
        };
        self.modals.push(Modal::Error {
            title: "Not available with this key".to_owned(),
            message: format!(
                "This application key cannot {what}: it lacks the {cap} capability.\n\n\
                 Use a key that has {cap}."
            ),
        });
        true
    }

    pub(super) fn new_admin_req(&mut self, what: Pending) -> RequestId {
        let req = self.new_req();
        self.admin.pending.push((req, what));
        req
    }

    /// The bucket the panes point at: the open one in the files pane, else the selection.
    fn current_bucket(&self) -> Option<(BucketRef, bool)> {
        let b = match self.focus {
            Focus::Buckets => self.buckets.selected()?,
            _ => {
                let open = self.files.bucket.as_ref()?;
                self.buckets
                    .buckets
                    .iter()
                    .find(|b| b.bucket_id == open.id)?
            }
        };
        Some((
            BucketRef {
                id: b.bucket_id.clone(),
                name: b.bucket_name.clone(),
            },
            b.bucket_type == "allPublic",
        ))
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

    fn start_delete(&mut self, cmds: &mut Effects) {
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

    fn start_share(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Files {
            return;
        }
        let Some((bucket, public)) = self.current_bucket() else {
            return;
        };
        let (prefix, is_folder) = match self.files.selected() {
            Some(Row::Entry(e)) => (e.file_name.clone(), e.is_folder()),
            Some(Row::Parent) | None => (self.files.prefix.clone(), true),
        };
        if public && !is_folder {
            let req = self.new_admin_req(Pending::Share);
            cmds.push(cmd(SettingsCommand::ShareLink {
                req,
                bucket: bucket.id,
                bucket_name: bucket.name,
                prefix,
                is_folder,
                is_public: true,
                valid_seconds: 0,
            }));
            return;
        }
        if self.unavailable("make share links", &["shareFiles"]) {
            return;
        }
        self.push_settings(SettingsModal::Form(Form::share(
            &bucket.name,
            &prefix,
            is_folder,
        )));
    }

    /// An action in the settings view (no modal open).
    pub(crate) fn on_settings_view_action(&mut self, action: Action, cmds: &mut Effects) {
        let handled = match self.view.settings().map(|v| v.tab) {
            Some(Tab::Notifications) => self.on_rules_action(action, cmds),
            Some(Tab::ObjectLock) => self.on_lock_tab_action(action),
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
        let page = self.list_height();
        let Some(view) = self.view.settings_mut() else {
            return;
        };
        let on_rules = view.tab == Tab::Lifecycle;
        match action {
            Action::Close | Action::Quit => self.leave_settings(),
            Action::NextTab => view.tab = view.tab.step(true),
            Action::PrevTab => view.tab = view.tab.step(false),
            Action::MoveDown if on_rules => {
                view.cursor.apply(Motion::Down, view.rules.len(), page);
            }
            Action::MoveUp if on_rules => {
                view.cursor.apply(Motion::Up, view.rules.len(), page);
            }
            Action::Refresh => self.reload_settings(cmds),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::AddItem if on_rules => self.open_rule_form(None),
            Action::EditItem | Action::Open if on_rules => {
                let i = view.cursor.selected;
                if i < view.rules.len() {
                    self.open_rule_form(Some(i));
                }
            }
            Action::RemoveItem if on_rules => {
                let i = view.cursor.selected;
                if i < view.rules.len() {
                    view.rules.remove(i);
                    view.cursor.clamp(view.rules.len());
                }
            }
            Action::Save if on_rules => self.confirm_rules(),
            Action::Simulate if on_rules => self.open_simulate_form(),
            Action::ChangeType if view.tab == Tab::Info => {
                let Some(stored) = &view.stored else { return };
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
            _ => {}
        }
    }

    fn open_rule_form(&mut self, index: Option<usize>) {
        if self.unavailable("change lifecycle rules", &["writeBuckets"]) {
            return;
        }
        let rule = index.and_then(|i| self.view.settings()?.rules.get(i).cloned());
        let form = Form::lifecycle_rule(index, rule.as_ref());
        self.push_settings(SettingsModal::Form(form));
    }

    fn open_simulate_form(&mut self) {
        if !self.unavailable("list the bucket's versions", &["listFiles"]) {
            self.push_settings(SettingsModal::Form(Form::simulate(DEFAULT_SIM_DAYS)));
        }
    }

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
                self.submit_notification_rule(&form, *index, cmds);
            }
            FormKind::DefaultRetention => self.submit_default_retention(&form, cmds),
            FormKind::FileRetention { .. } => self.submit_file_retention(&form, cmds),
            FormKind::Json { target } => self.submit_json(&form, *target, cmds),
            FormKind::LifecycleRule { index } => {
                let Some(view) = self.view.settings_mut() else {
                    return;
                };
                let others: Vec<_> = view
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != *index)
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
            FormKind::Simulate => match form.validate_days() {
                Err(errors) => self.set_form_errors(errors),
                Ok(days) => {
                    self.modals.pop();
                    let Some(view) = self.view.settings() else {
                        return;
                    };
                    let (bucket, rules) = (view.bucket.id.clone(), view.rules.clone());
                    let req = self.new_admin_req(Pending::Simulate);
                    cmds.push(cmd(SettingsCommand::SimulateLifecycle {
                        req,
                        bucket,
                        rules,
                        days,
                        now: None,
                    }));
                    self.push_settings(SettingsModal::Simulation(Simulation {
                        req,
                        days,
                        scanned: 0,
                        report: None,
                        show_list: false,
                        scroll: 0,
                    }));
                }
            },
            FormKind::CreateBucket => match form.validate_create() {
                Err(errors) => self.set_form_errors(errors),
                Ok((name, public, sse, lock)) => {
                    if lock && self.unavailable("turn on Object Lock", &["writeBucketRetentions"]) {
                        return;
                    }
                    if sse && self.unavailable("set default encryption", &["writeBucketEncryption"])
                    {
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
            },
            FormKind::Share { prefix, is_folder } => match form.validate_duration() {
                Err(errors) => self.set_form_errors(errors),
                Ok(secs) => {
                    let Some((bucket, public)) = self.current_bucket() else {
                        return;
                    };
                    self.modals.pop();
                    let req = self.new_admin_req(Pending::Share);
                    cmds.push(cmd(SettingsCommand::ShareLink {
                        req,
                        bucket: bucket.id,
                        bucket_name: bucket.name,
                        prefix: prefix.clone(),
                        is_folder: *is_folder,
                        is_public: public && !is_folder,
                        valid_seconds: secs,
                    }));
                }
            },
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
            (SettingsModal::ConfirmRuleDelete { index, .. }, Action::Confirm) => {
                let index = *index;
                self.modals.pop();
                self.delete_rule(index, cmds);
            }
            (SettingsModal::ConfirmEnableLock, Action::Confirm) => {
                self.modals.pop();
                self.enable_object_lock(cmds);
            }
            (SettingsModal::Secret { secret, .. }, Action::CopyLink) => {
                let secret = secret.clone();
                cmds.push(Effect::Clipboard(Secret::new(secret)));
                self.notify(Level::Info, "Secret copied to the clipboard");
            }
            (SettingsModal::ConfirmRules { .. }, Action::Confirm) => {
                self.modals.pop();
                let rules = self.view.settings().map(|v| v.rules.clone());
                if let (Some(mut update), Some(rules)) = (self.update_request(), rules) {
                    update.lifecycle_rules = Some(rules);
                    self.send_update(update, cmds);
                }
            }
            (SettingsModal::ConfirmRules { .. }, Action::Simulate) => self.open_simulate_form(),
            (SettingsModal::ConfirmType { bucket_type }, Action::Confirm) => {
                let bucket_type = bucket_type.clone();
                self.modals.pop();
                if let Some(mut update) = self.update_request() {
                    update.bucket_type = Some(bucket_type);
                    self.send_update(update, cmds);
                }
            }
            (SettingsModal::ConfirmDelete { bucket }, Action::Confirm) => {
                let bucket = bucket.id.clone();
                self.modals.pop();
                let req = self.new_admin_req(Pending::Delete);
                cmds.push(cmd(SettingsCommand::DeleteBucket { req, bucket }));
            }
            (SettingsModal::Conflict { .. }, Action::Confirm) => {
                // Keep the draft on top of the newer revision; the next save diffs against it.
                self.modals.pop();
                self.notify(
                    Level::Info,
                    "Your edits are kept; w to review them against the new revision",
                );
            }
            (SettingsModal::Simulation(sim), Action::ToggleList) => {
                sim.show_list = !sim.show_list;
                sim.scroll = 0;
            }
            (SettingsModal::Simulation(sim), Action::MoveDown) => sim.scroll += 1,
            (SettingsModal::Simulation(sim), Action::MoveUp) => {
                sim.scroll = sim.scroll.saturating_sub(1)
            }
            (SettingsModal::Simulation(sim), Action::PageDown) => sim.scroll += page,
            (SettingsModal::Simulation(sim), Action::PageUp) => {
                sim.scroll = sim.scroll.saturating_sub(page);
            }
            (SettingsModal::ShareLink(link), Action::CopyLink) => {
                let url = link.url.clone();
                cmds.push(Effect::Clipboard(Secret::new(url)));
                self.notify(Level::Info, "Link copied to the clipboard");
            }
            _ => {}
        }
    }

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
                if let Some(SettingsModal::Simulation(sim)) = self.settings_modal_mut(req) {
                    sim.scanned = scanned;
                }
            }
            SettingsEvent::SimulationFinished { req, report } => {
                self.admin.take_pending(req);
                if let Some(SettingsModal::Simulation(sim)) = self.settings_modal_mut(req) {
                    sim.report = Some(report);
                }
            }
            SettingsEvent::BucketLoaded { req, bucket } => {
                if self.admin.take_pending(req).is_some() {
                    self.bucket_loaded(req, bucket);
                }
            }
            SettingsEvent::BucketUpdated { req, bucket } => {
                if self.admin.take_pending(req).is_none() {
                    return;
                }
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
            SettingsEvent::BucketConflict { req, current } => {
                if self.admin.take_pending(req).is_none() {
                    return;
                }
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
            SettingsEvent::BucketCreated { req, bucket } => {
                if self.admin.take_pending(req).is_some() {
                    self.notify(
                        Level::Info,
                        format!("Created bucket {}", bucket.bucket_name),
                    );
                    cmds.push(self.request_buckets());
                }
            }
            SettingsEvent::BucketInspected { req, contents } => {
                if let Some(Pending::Inspect(bucket)) = self.admin.take_pending(req) {
                    self.notification = None;
                    if contents.is_empty() {
                        self.push_settings(SettingsModal::ConfirmDelete { bucket });
                    } else {
                        self.modals.push(not_empty(&bucket.name, contents));
                    }
                }
            }
            SettingsEvent::BucketDeleted { req, bucket_name } => {
                if self.admin.take_pending(req).is_some() {
                    self.notify(Level::Info, format!("Deleted bucket {bucket_name}"));
                    cmds.push(self.request_buckets());
                }
            }
            SettingsEvent::ShareLinkReady { req, link } => {
                if self.admin.take_pending(req).is_some() {
                    cmds.push(Effect::Clipboard(Secret::new(link.url.clone())));
                    self.push_settings(SettingsModal::ShareLink(link));
                }
            }
        }
    }

    fn bucket_loaded(&mut self, req: RequestId, bucket: BucketSettings) {
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
        view.stored = Some(bucket);
    }

    fn replace_listed_bucket(&mut self, bucket: &BucketSettings) {
        if let Some(b) = self
            .buckets
            .buckets
            .iter_mut()
            .find(|b| b.bucket_id == bucket.bucket_id)
        {
            *b = bucket.to_bucket();
        }
    }

    fn settings_modal_mut(&mut self, req: RequestId) -> Option<&mut SettingsModal> {
        self.modals.iter_mut().rev().find_map(|m| match m {
            Modal::Settings(s) => match s.as_mut() {
                SettingsModal::Simulation(sim) if sim.req == req => Some(s.as_mut()),
                _ => None,
            },
            _ => None,
        })
    }

    /// A failed settings request; false when the request is not a settings one.
    pub(crate) fn on_settings_failed(
        &mut self,
        req: RequestId,
        error: &str,
        code: Option<&str>,
    ) -> bool {
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
            self.modals.retain(|m| !matches!(m, Modal::Settings(s) if matches!(s.as_ref(), SettingsModal::Simulation(sim) if sim.req == req)));
        }
        let said = match code {
            Some(code) => format!("B2 answered {code}: {error}"),
            None => error.to_owned(),
        };
        if self.rules_failed(&what, &said) {
            return true;
        }
        if what == Pending::Lock {
            self.version_lock_failed(req);
        }
        let hint = match code {
            Some("unauthorized") => "\n\nThe application key lacks a capability this needs.",
            Some("duplicate_bucket_name") => "\n\nBucket names are global across B2; pick another.",
            Some("cannot_delete_non_empty_bucket") => "\n\nDelete every version first.",
            _ => "",
        };
        self.modals.push(Modal::Error {
            title: title.to_owned(),
            message: format!("{said}{hint}"),
        });
        true
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
            "B2 deletes only empty buckets. Still in {name}:\n{}\n\nDelete them (or let a \
             lifecycle rule do it), then try again.",
            left.join("\n")
        ),
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

impl AdminState {
    /// True while the settings feature waits for the worker.
    pub fn is_loading(&self) -> bool {
        !self.pending.is_empty()
    }
}
