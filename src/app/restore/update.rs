//! `App` methods for versions and restore: marks, hidden files, unhide, restore a version,
//! delete (hide) files, delete versions, point in time and its restore plan, and job results. No I/O.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::JobState;
use super::modal::{
    ConfirmDelete, ConfirmHide, HiddenView, InfoModal, PlanModal, RestoreModal, TimePrompt,
};
use super::plan::RestorePlan;
use super::when::{format_when as time, parse_when};
use crate::app::{Action, App, Effects, Focus, Level, Modal, Row};
use crate::b2::{BucketId, FileAction, FileVersion};
use crate::input::Scope;
use crate::worker::restore::{Op, OpFailure, PlanScope, RestoreCommand, RestoreEvent};
use crate::worker::{Command, RequestId};

/// Failures listed in the job report; the rest are counted.
const SHOWN_FAILURES: usize = 12;

impl App {
    /// The command that lists a folder: `b2_list_file_names` normally, the version listing
    /// while hidden files are shown or the past is browsed. Marks belong to one listing.
    pub(crate) fn folder_command(
        &mut self,
        req: RequestId,
        bucket: BucketId,
        prefix: String,
    ) -> Command {
        self.restore.marks.clear();
        if self.restore.lists_versions() {
            Command::Restore(RestoreCommand::ListFolder {
                req,
                bucket,
                prefix,
                at: self.restore.as_of,
                page_size: self.restore.page_size,
            })
        } else {
            Command::ListFiles {
                req,
                bucket,
                prefix,
                start: None,
            }
        }
    }

    /// Lists the shown folder again from its first page.
    fn reload_folder(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        self.files.reload(req);
        let prefix = self.files.prefix.clone();
        cmds.push(self.folder_command(req, bucket.id, prefix));
        self.versions.reload();
    }

    /// Pane actions of this feature; false for other actions.
    pub(crate) fn on_restore_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::ToggleMark => self.toggle_mark(),
            Action::ToggleHidden if self.files.bucket.is_some() => {
                self.restore.show_hidden = !self.restore.show_hidden;
                let text = if self.restore.show_hidden {
                    "Showing hidden files"
                } else {
                    "Hiding hidden files"
                };
                self.notify(Level::Info, text);
                self.reload_folder(cmds);
            }
            Action::ShowDeleted => self.open_hidden_view(cmds),
            Action::Unhide => self.unhide_selection(cmds),
            Action::RestoreVersion => match self.focus {
                Focus::Versions => self.restore_selected_version(cmds),
                Focus::Files if self.restore.as_of.is_some() => self.plan_restore(cmds),
                _ => self.notify(
                    Level::Info,
                    "Pick a version in the versions pane, or press T to restore to a moment",
                ),
            },
            Action::DeleteVersions => self.confirm_delete(false),
            Action::DeleteOlderVersions => self.confirm_delete(true),
            Action::HideFiles => self.confirm_hide(cmds),
            Action::TimeTravel => {
                let mut prompt = TimePrompt::default();
                if let Some(at) = self.restore.as_of {
                    prompt.input = prompt.input.with_value(time(at));
                }
                self.modals
                    .push(Modal::Restore(RestoreModal::TimePrompt(Box::new(prompt))));
            }
            Action::ShowInfo => self.show_info(),
            _ => return false,
        }
        true
    }

    fn toggle_mark(&mut self) {
        let page = self.list_height();
        match self.focus {
            Focus::Files => {
                let Some(Row::Entry(e)) = self.files.selected() else {
                    return;
                };
                let name = e.file_name.clone();
                if !self.restore.marks.remove(&name) {
                    self.restore.marks.insert(name);
                }
                self.files.move_cursor(crate::app::Motion::Down, page);
            }
            Focus::Versions => {
                let Some(id) = self
                    .versions
                    .versions
                    .get(self.versions.cursor.selected)
                    .and_then(|v| v.file_id.clone())
                else {
                    return;
                };
                if !self.restore.version_marks.remove(&id) {
                    self.restore.version_marks.insert(id);
                }
                self.versions.move_cursor(crate::app::Motion::Down, page);
            }
            Focus::Buckets => {}
        }
    }

    /// Marked versions of the shown file, else the selected one.
    fn chosen_versions(&self) -> Vec<FileVersion> {
        let marked: Vec<_> = self
            .versions
            .versions
            .iter()
            .filter(|v| {
                v.file_id
                    .as_ref()
                    .is_some_and(|id| self.restore.version_marks.contains(id))
            })
            .cloned()
            .collect();
        if !marked.is_empty() {
            return marked;
        }
        self.versions
            .versions
            .get(self.versions.cursor.selected)
            .cloned()
            .into_iter()
            .collect()
    }

    fn start_job(&mut self, what: String, ops: Vec<Op>, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if ops.is_empty() {
            return;
        }
        let job = self.new_req();
        self.notify(Level::Info, format!("Started: {what}"));
        self.restore.jobs.push(JobState {
            job,
            what,
            done: 0,
            total: ops.len(),
            failed: 0,
        });
        cmds.push(Command::Restore(RestoreCommand::RunJob {
            job,
            bucket: bucket.id,
            ops,
            copy: self.restore.copy,
        }));
    }

    fn unhide_selection(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Files {
            return;
        }
        let ops: Vec<Op> = if self.restore.marks.is_empty() {
            match self.files.selected() {
                Some(Row::Parent) => vec![Op::UnhideFolder {
                    prefix: self.files.prefix.clone(),
                }],
                Some(Row::Entry(e)) if e.is_folder() => vec![Op::UnhideFolder {
                    prefix: e.file_name.clone(),
                }],
                Some(Row::Entry(e)) if e.action == FileAction::Hide => vec![Op::Unhide {
                    name: e.file_name.clone(),
                }],
                Some(Row::Entry(e)) => {
                    let name = e.file_name.clone();
                    self.notify(Level::Warn, format!("{name} is not hidden"));
                    return;
                }
                None => return,
            }
        } else {
            self.restore
                .marks
                .iter()
                .map(|name| {
                    if name.ends_with('/') {
                        Op::UnhideFolder {
                            prefix: name.clone(),
                        }
                    } else {
                        Op::Unhide { name: name.clone() }
                    }
                })
                .collect()
        };
        let what = match ops.as_slice() {
            [Op::Unhide { name }] => format!("unhide {name}"),
            [Op::UnhideFolder { prefix }] => format!("unhide everything in {prefix}"),
            more => format!("unhide {} marked entries", more.len()),
        };
        self.start_job(what, ops, cmds);
    }

    fn restore_selected_version(&mut self, cmds: &mut Effects) {
        let Some(target) = self.versions.target.clone() else {
            return;
        };
        let chosen = self.chosen_versions();
        if chosen.len() > 1 {
            self.notify(
                Level::Warn,
                "Mark one version to restore (a file has one current version)",
            );
            return;
        }
        let Some(v) = chosen.into_iter().next() else {
            return;
        };
        if !matches!(v.action, FileAction::Upload | FileAction::Copy) {
            self.notify(
                Level::Warn,
                "A hide marker cannot be restored; press U to unhide",
            );
            return;
        }
        if self.versions.current_index() == Some(self.versions.cursor.selected)
            && self.versions.versions.first().map(|f| &f.file_id) == Some(&v.file_id)
        {
            self.notify(Level::Info, "That version is already current");
            return;
        }
        let what = format!(
            "restore {} from {}",
            target.file_name,
            time(v.upload_timestamp)
        );
        self.restore.version_marks.clear();
        self.start_job(
            what,
            vec![Op::Copy {
                name: target.file_name,
                source: v,
            }],
            cmds,
        );
    }

    fn confirm_delete(&mut self, all_older: bool) {
        if self.focus != Focus::Versions {
            return;
        }
        let Some(target) = self.versions.target.clone() else {
            return;
        };
        if !self.versions.loaded {
            self.notify(Level::Warn, "Wait until every version is listed");
            return;
        }
        let doomed: Vec<FileVersion> = if all_older {
            self.versions.versions.iter().skip(1).cloned().collect()
        } else {
            self.chosen_versions()
        };
        if doomed.is_empty() {
            self.notify(Level::Info, "No older versions to delete");
            return;
        }
        let is_doomed = |v: &FileVersion| doomed.iter().any(|d| d.file_id == v.file_id);
        let current_goes = self.versions.versions.first().is_some_and(is_doomed);
        let next_newest = self
            .versions
            .versions
            .iter()
            .find(|v| !is_doomed(v))
            .cloned();
        self.modals
            .push(Modal::Restore(RestoreModal::ConfirmDelete(Box::new(
                ConfirmDelete {
                    file_name: target.file_name,
                    doomed,
                    current_goes,
                    next_newest,
                    delete_chosen: false,
                },
            ))));
    }

    /// `D` in the files pane: asks before hiding the marked entries, else the selected file
    /// or folder. Folders are listed first, so the question names every file.
    fn confirm_hide(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Files {
            return;
        }
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if self.restore.as_of.is_some() {
            self.notify(
                Level::Warn,
                "Files cannot be deleted while browsing the past; press Esc first",
            );
            return;
        }
        let (folders, names): (Vec<String>, Vec<String>) = if self.restore.marks.is_empty() {
            match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() => (vec![e.file_name.clone()], Vec::new()),
                Some(Row::Entry(e)) if e.action == FileAction::Hide => {
                    let name = e.file_name.clone();
                    self.notify(Level::Info, format!("{name} is already hidden"));
                    return;
                }
                Some(Row::Entry(e)) => (Vec::new(), vec![e.file_name.clone()]),
                Some(Row::Parent) | None => return,
            }
        } else {
            let hidden: Vec<&str> = self
                .files
                .entries
                .iter()
                .filter(|e| e.action == FileAction::Hide)
                .map(|e| e.file_name.as_str())
                .collect();
            self.restore
                .marks
                .iter()
                .filter(|n| !hidden.contains(&n.as_str()))
                .cloned()
                .partition(|n| n.ends_with('/'))
        };
        let req = if folders.is_empty() {
            None
        } else {
            let req = self.new_req();
            cmds.push(Command::Restore(RestoreCommand::ListVisible {
                req,
                bucket: bucket.id,
                prefixes: folders.clone(),
                page_size: self.restore.page_size,
            }));
            Some(req)
        };
        let mut c = ConfirmHide {
            req,
            loading: req.is_some(),
            folders,
            names: Vec::new(),
            hide_chosen: false,
        };
        c.add(names);
        if !c.loading && c.names.is_empty() {
            self.notify(
                Level::Info,
                "Nothing to delete: the marked files are hidden",
            );
            return;
        }
        self.modals
            .push(Modal::Restore(RestoreModal::ConfirmHide(Box::new(c))));
    }

    fn hide_files(&mut self, c: ConfirmHide, cmds: &mut Effects) {
        if c.loading {
            self.notify(Level::Warn, "Still listing the files to delete");
            return;
        }
        if c.names.is_empty() {
            self.notify(Level::Info, "Nothing to delete: no visible files there");
            return;
        }
        let what = match (c.names.as_slice(), c.folders.as_slice()) {
            ([one], []) => format!("delete {one}"),
            (names, [folder]) if self.restore.marks.is_empty() => {
                format!("delete {} files in {folder}", names.len())
            }
            (names, _) => format!("delete {} files", names.len()),
        };
        let ops = c.names.into_iter().map(|name| Op::Hide { name }).collect();
        self.restore.marks.clear();
        self.start_job(what, ops, cmds);
    }

    fn show_info(&mut self) {
        let Some(v) = self.versions.versions.get(self.versions.cursor.selected) else {
            return;
        };
        let current = self.versions.current_index() == Some(self.versions.cursor.selected);
        let title = if current {
            "Current version"
        } else {
            "Version"
        };
        let version = v.clone();
        self.modals
            .push(Modal::Restore(RestoreModal::Info(Box::new(InfoModal {
                title: title.to_owned(),
                version,
            }))));
    }

    fn open_hidden_view(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        let prefix = self.files.prefix.clone();
        cmds.push(Command::Restore(RestoreCommand::ListHidden {
            req,
            bucket: bucket.id.clone(),
            prefix: prefix.clone(),
            page_size: self.restore.page_size,
        }));
        self.modals
            .push(Modal::Restore(RestoreModal::Hidden(Box::new(HiddenView {
                req,
                bucket: bucket.id,
                prefix,
                files: Vec::new(),
                loading: true,
                cursor: Default::default(),
                marks: Default::default(),
            }))));
    }

    /// `r` while browsing the past: plan restoring the marked entries, the selected file or
    /// folder, or (on `..`) the folder shown.
    fn plan_restore(&mut self, cmds: &mut Effects) {
        let (Some(bucket), Some(at)) = (self.files.bucket.clone(), self.restore.as_of) else {
            return;
        };
        let marked_files: Vec<String> = self
            .restore
            .marks
            .iter()
            .filter(|n| !n.ends_with('/'))
            .cloned()
            .collect();
        let marked_folder = self
            .restore
            .marks
            .iter()
            .find(|n| n.ends_with('/'))
            .cloned();
        let (scope, label) = if !marked_files.is_empty() {
            let label = match marked_files.as_slice() {
                [one] => one.clone(),
                more => format!("{} marked files", more.len()),
            };
            (PlanScope::Names(marked_files), label)
        } else if let Some(folder) = marked_folder {
            (PlanScope::Prefix(folder.clone()), folder)
        } else {
            match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() => {
                    (PlanScope::Prefix(e.file_name.clone()), e.file_name.clone())
                }
                Some(Row::Entry(e)) => (
                    PlanScope::Names(vec![e.file_name.clone()]),
                    e.file_name.clone(),
                ),
                Some(Row::Parent) | None => {
                    let p = self.files.prefix.clone();
                    let label = if p.is_empty() {
                        "the whole bucket".to_owned()
                    } else {
                        p.clone()
                    };
                    (PlanScope::Prefix(p), label)
                }
            }
        };
        let req = self.new_req();
        cmds.push(Command::Restore(RestoreCommand::PlanRestore {
            req,
            bucket: bucket.id.clone(),
            scope,
            at,
            page_size: self.restore.page_size,
        }));
        self.modals
            .push(Modal::Restore(RestoreModal::Plan(Box::new(PlanModal {
                req,
                bucket: bucket.id,
                label,
                names: Vec::new(),
                loading: true,
                plan: RestorePlan {
                    at,
                    hide_missing: false,
                    items: Vec::new(),
                },
                scroll: 0,
                apply_chosen: false,
            }))));
    }

    /// A key while a restore modal is on top: actions, else text for the time prompt.
    pub(crate) fn on_restore_modal_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        cmds: &mut Effects,
    ) {
        match action {
            Some(a) => self.on_restore_modal_action(a, cmds),
            None if scope == Scope::TimeTravel => self.on_time_input(key),
            None => {}
        }
    }

    /// Keys typed into the point-in-time prompt.
    fn on_time_input(&mut self, key: KeyEvent) {
        if let Some(Modal::Restore(RestoreModal::TimePrompt(p))) = self.modals.last_mut() {
            p.input.handle_event(&Event::Key(key));
            p.error = None;
        }
    }

    /// Actions while a restore modal is on top.
    fn on_restore_modal_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height();
        let Some(Modal::Restore(m)) = self.modals.last_mut() else {
            return;
        };
        match m {
            RestoreModal::ConfirmDelete(c) => match action {
                Action::ToggleChoice => c.delete_chosen = !c.delete_chosen,
                Action::Confirm => {
                    let c = c.clone();
                    self.modals.pop();
                    self.delete_versions(*c, cmds);
                }
                Action::Open => {
                    let c = c.clone();
                    self.modals.pop();
                    if c.delete_chosen {
                        self.delete_versions(*c, cmds);
                    }
                }
                Action::Close | Action::Quit => {
                    self.modals.pop();
                }
                _ => {}
            },
            RestoreModal::ConfirmHide(c) => match action {
                Action::ToggleChoice => c.hide_chosen = !c.hide_chosen,
                Action::Confirm | Action::Open => {
                    let go = action == Action::Confirm || c.hide_chosen;
                    let c = c.clone();
                    if go && c.loading {
                        self.notify(Level::Warn, "Still listing the files to delete");
                        return;
                    }
                    self.modals.pop();
                    if go {
                        self.hide_files(*c, cmds);
                    }
                }
                Action::Close | Action::Quit => {
                    self.modals.pop();
                }
                _ => {}
            },
            RestoreModal::TimePrompt(p) => match action {
                Action::Open | Action::Confirm => {
                    let text = p.input.value().trim().to_owned();
                    if text.is_empty() {
                        self.modals.pop();
                        self.leave_time_travel(cmds);
                        return;
                    }
                    match parse_when(&text, self.restore.now_ms) {
                        Ok(at) => {
                            self.modals.pop();
                            self.restore.as_of = Some(at);
                            self.reload_folder(cmds);
                        }
                        Err(e) => p.error = Some(e),
                    }
                }
                Action::Close => {
                    self.modals.pop();
                }
                _ => {}
            },
            RestoreModal::Plan(pm) => match action {
                Action::ToggleHideMissing => {
                    pm.plan.hide_missing = !pm.plan.hide_missing;
                    pm.rebuild();
                }
                Action::ToggleChoice => pm.apply_chosen = !pm.apply_chosen,
                Action::MoveDown => {
                    pm.scroll = (pm.scroll + 1).min(pm.plan.items.len().saturating_sub(1))
                }
                Action::MoveUp => pm.scroll = pm.scroll.saturating_sub(1),
                Action::PageDown => {
                    pm.scroll = (pm.scroll + page).min(pm.plan.items.len().saturating_sub(1))
                }
                Action::PageUp => pm.scroll = pm.scroll.saturating_sub(page),
                Action::Confirm | Action::Open => {
                    let go = action == Action::Confirm || pm.apply_chosen;
                    let pm = pm.clone();
                    if go && pm.loading {
                        self.notify(Level::Warn, "The plan is still being computed");
                        return;
                    }
                    self.modals.pop();
                    if go {
                        self.apply_plan(&pm, cmds);
                    }
                }
                Action::Close | Action::Quit => {
                    self.modals.pop();
                }
                _ => {}
            },
            RestoreModal::Hidden(h) => match action {
                Action::MoveDown => {
                    h.cursor
                        .apply(crate::app::Motion::Down, h.files.len(), page);
                }
                Action::MoveUp => {
                    h.cursor.apply(crate::app::Motion::Up, h.files.len(), page);
                }
                Action::PageDown => {
                    h.cursor
                        .apply(crate::app::Motion::PageDown, h.files.len(), page);
                }
                Action::PageUp => {
                    h.cursor
                        .apply(crate::app::Motion::PageUp, h.files.len(), page);
                }
                Action::ToggleMark => {
                    if let Some(f) = h.files.get(h.cursor.selected) {
                        let name = f.name.clone();
                        if !h.marks.remove(&name) {
                            h.marks.insert(name);
                        }
                        h.cursor
                            .apply(crate::app::Motion::Down, h.files.len(), page);
                    }
                }
                Action::Unhide => {
                    let names: Vec<String> = if h.marks.is_empty() {
                        h.files
                            .get(h.cursor.selected)
                            .map(|f| f.name.clone())
                            .into_iter()
                            .collect()
                    } else {
                        h.marks.iter().cloned().collect()
                    };
                    if names.is_empty() {
                        return;
                    }
                    self.modals.pop();
                    let what = match names.as_slice() {
                        [one] => format!("unhide {one}"),
                        more => format!("unhide {} files", more.len()),
                    };
                    let ops = names.into_iter().map(|name| Op::Unhide { name }).collect();
                    self.start_job(what, ops, cmds);
                }
                Action::Close | Action::Quit => {
                    self.modals.pop();
                }
                _ => {}
            },
            RestoreModal::Info(_) => {
                if matches!(
                    action,
                    Action::Close | Action::Quit | Action::Open | Action::ShowInfo
                ) {
                    self.modals.pop();
                }
            }
        }
    }

    /// Back to the present.
    pub(crate) fn leave_time_travel(&mut self, cmds: &mut Effects) {
        if self.restore.as_of.take().is_some() {
            self.notify(Level::Info, "Back to the present");
            self.reload_folder(cmds);
        }
    }

    fn delete_versions(&mut self, c: ConfirmDelete, cmds: &mut Effects) {
        let what = match c.doomed.len() {
            1 => format!("delete 1 version of {}", c.file_name),
            n => format!("delete {n} versions of {}", c.file_name),
        };
        let ops = c
            .doomed
            .into_iter()
            .filter_map(|v| {
                Some(Op::Delete {
                    name: v.file_name,
                    id: v.file_id?,
                })
            })
            .collect();
        self.restore.version_marks.clear();
        self.start_job(what, ops, cmds);
    }

    fn apply_plan(&mut self, pm: &PlanModal, cmds: &mut Effects) {
        if pm.plan.is_noop() {
            self.notify(Level::Info, "Nothing to restore: it is all as it was then");
            return;
        }
        let what = format!("restore {} to {}", pm.label, time(pm.plan.at));
        self.start_job(what, pm.plan.ops(), cmds);
    }

    /// Results from the worker for this feature.
    pub(crate) fn on_restore_event(&mut self, ev: RestoreEvent, cmds: &mut Effects) {
        let height = self.list_height();
        match ev {
            RestoreEvent::FolderListed { req, entries, done } => {
                if self.files.on_page(req, entries, None, height) {
                    if !done {
                        self.files.set_pending(req);
                    }
                    self.sync_files(cmds);
                }
            }
            RestoreEvent::HiddenListed { req, files, done } => {
                for m in &mut self.modals {
                    if let Modal::Restore(RestoreModal::Hidden(h)) = m
                        && h.req == req
                    {
                        h.add(files);
                        h.loading = !done;
                        break;
                    }
                }
            }
            RestoreEvent::PlanListed { req, names, done } => {
                for m in &mut self.modals {
                    if let Modal::Restore(RestoreModal::Plan(p)) = m
                        && p.req == req
                    {
                        p.names.extend(names);
                        p.loading = !done;
                        p.rebuild();
                        break;
                    }
                }
            }
            RestoreEvent::VisibleListed { req, names, done } => {
                for m in &mut self.modals {
                    if let Modal::Restore(RestoreModal::ConfirmHide(c)) = m
                        && c.req == Some(req)
                    {
                        c.add(names);
                        c.loading = !done;
                        break;
                    }
                }
            }
            RestoreEvent::JobProgressed {
                job,
                done,
                total,
                failed,
            } => {
                if let Some(j) = self.restore.jobs.iter_mut().find(|j| j.job == job) {
                    j.done = done;
                    j.total = total;
                    j.failed = failed;
                }
            }
            RestoreEvent::JobFinished {
                job,
                succeeded,
                failures,
            } => {
                let Some(i) = self.restore.jobs.iter().position(|j| j.job == job) else {
                    return;
                };
                let j = self.restore.jobs.remove(i);
                if failures.is_empty() {
                    self.notify(Level::Info, format!("Done: {} ({succeeded} ok)", j.what));
                } else {
                    self.modals.push(job_failed(&j.what, succeeded, &failures));
                }
                self.reload_folder(cmds);
                self.request_versions(cmds);
            }
        }
    }

    /// A failed request of this feature: closes its modal; returns what was being listed.
    pub(crate) fn restore_failed(&mut self, req: RequestId) -> Option<&'static str> {
        let i = self.modals.iter().position(|m| match m {
            Modal::Restore(RestoreModal::Hidden(h)) => h.req == req,
            Modal::Restore(RestoreModal::Plan(p)) => p.req == req,
            Modal::Restore(RestoreModal::ConfirmHide(c)) => c.req == Some(req),
            _ => false,
        })?;
        let what = match self.modals.remove(i) {
            Modal::Restore(RestoreModal::Hidden(_)) => "hidden files",
            Modal::Restore(RestoreModal::ConfirmHide(_)) => "files to delete",
            _ => "versions for the restore plan",
        };
        Some(what)
    }
}

/// The report of a job with failures: counts, then each failure with B2's code.
fn job_failed(what: &str, succeeded: usize, failures: &[OpFailure]) -> Modal {
    let mut message = format!("{succeeded} succeeded, {} failed.\n", failures.len());
    for f in failures.iter().take(SHOWN_FAILURES) {
        let code = f.code.as_deref().unwrap_or("error");
        message.push_str(&format!("\n{}: {code} — {}", f.name, f.message));
    }
    if failures.len() > SHOWN_FAILURES {
        message.push_str(&format!("\n…and {} more", failures.len() - SHOWN_FAILURES));
    }
    if failures
        .iter()
        .any(|f| f.code.as_deref() == Some("unauthorized"))
    {
        message.push_str(
            "\n\nThe application key may lack a capability (deleteFiles, writeFiles) for these names.",
        );
    }
    Modal::Error {
        title: format!("Some steps failed: {what}"),
        message,
    }
}
