//! Versions, hiding and time travel: the state they share (`RestoreState`) and the entry
//! points the router calls. Each dialog lives in its own file under `app/versions/`,
//! `app/files/` and `app/time_travel/`; jobs are in `jobs.rs`. No I/O.

mod jobs;
pub mod modal;
pub mod purge;

use std::collections::BTreeSet;

use crossterm::event::KeyEvent;

pub use jobs::JobState;
pub use modal::RestoreModal;
// The restore plan is named by this path in the worker tests.
pub use crate::app::time_travel::plan::{PlanItem, RestorePlan, Step};

use crate::app::{Action, App, Effects, Focus, Level, Modal};
use crate::b2::{CopyOptions, FileId};
use crate::input::Scope;
use crate::worker::RequestId;
use crate::worker::listing::PAGE_SIZE;
use crate::worker::restore::RestoreEvent;

/// Restore-related view state, kept across folder changes.
#[derive(Clone, Debug)]
pub struct RestoreState {
    /// List folders from their version listing, hidden files included (`H`).
    pub show_hidden: bool,
    /// Browse the bucket as it was at this moment (ms since the epoch, UTC) (`T`).
    pub as_of: Option<i64>,
    /// Marked names in the files pane (files, or folders ending with `/`).
    pub marks: BTreeSet<String>,
    /// Marked versions in the versions pane.
    pub version_marks: BTreeSet<FileId>,
    pub jobs: Vec<JobState>,
    /// The wall clock (ms since the epoch) from the last `Msg::WallClock`, for `-3d`.
    pub now_ms: i64,
    /// Names per listing call of the version scans.
    pub page_size: u32,
    /// How old versions are copied back (large-file threshold, part size).
    pub copy: CopyOptions,
}

impl Default for RestoreState {
    fn default() -> Self {
        Self {
            show_hidden: false,
            as_of: None,
            marks: BTreeSet::new(),
            version_marks: BTreeSet::new(),
            jobs: Vec::new(),
            now_ms: 0,
            page_size: PAGE_SIZE,
            copy: CopyOptions::default(),
        }
    }
}

impl RestoreState {
    /// True when folders are listed from their versions instead of `b2_list_file_names`.
    pub fn lists_versions(&self) -> bool {
        self.show_hidden || self.as_of.is_some()
    }
}

impl App {
    /// Pane actions of this feature; false for other actions.
    pub(crate) fn on_restore_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::ToggleMark => match self.focus {
                Focus::Files => self.toggle_file_mark(cmds),
                Focus::Versions => self.toggle_version_mark(),
                Focus::Buckets => {}
            },
            Action::ToggleHidden if self.files.bucket.is_some() => self.toggle_hidden(cmds),
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
            Action::TimeTravel => self.open_time_prompt(),
            Action::ShowInfo => self.show_info(),
            Action::Purge => self.start_purge(cmds),
            _ => return false,
        }
        true
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
            None if scope == Scope::Purge => self.on_purge_input(key),
            None => {}
        }
    }

    /// Actions while a restore modal is on top: each goes to the dialog's own file.
    fn on_restore_modal_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(Modal::Restore(m)) = self.modals.last() else {
            return;
        };
        match m {
            RestoreModal::ConfirmDelete(_) => self.on_confirm_delete_action(action, cmds),
            RestoreModal::ConfirmHide(_) => self.on_confirm_hide_action(action, cmds),
            RestoreModal::TimePrompt(_) => self.on_time_prompt_action(action, cmds),
            RestoreModal::Plan(_) => self.on_plan_action(action, cmds),
            RestoreModal::Hidden(_) => self.on_hidden_view_action(action, cmds),
            RestoreModal::Info(_) => self.on_info_action(action),
            RestoreModal::Purge(_) => self.on_purge_action(action, cmds),
        }
    }

    /// Results from the worker for this feature.
    pub(crate) fn on_restore_event(&mut self, ev: RestoreEvent, cmds: &mut Effects) {
        match ev {
            RestoreEvent::FolderListed { req, entries, done } => {
                self.on_folder_listed(req, entries, done, cmds);
            }
            RestoreEvent::HiddenListed { req, files, done } => {
                self.on_hidden_listed(req, files, done);
            }
            RestoreEvent::PlanListed { req, names, done } => self.on_plan_listed(req, names, done),
            RestoreEvent::VisibleListed { req, names, done } => {
                self.on_visible_listed(req, names, done);
            }
            RestoreEvent::JobProgressed {
                job,
                done,
                total,
                failed,
            } => self.on_job_progressed(job, done, total, failed),
            RestoreEvent::JobFinished {
                job,
                succeeded,
                failures,
            } => self.on_job_finished(job, succeeded, &failures, cmds),
            RestoreEvent::PurgeSurveyed { req, survey, done } => {
                self.on_purge_surveyed(req, survey, done);
            }
        }
    }

    /// A failed request of this feature: closes its modal; returns what was being listed.
    pub(crate) fn restore_failed(&mut self, req: RequestId) -> Option<&'static str> {
        let i = self
            .modals
            .iter()
            .position(|m| matches!(m, Modal::Restore(r) if r.waits_for(req)))?;
        let what = match self.modals.remove(i) {
            Modal::Restore(RestoreModal::Hidden(_)) => "hidden files",
            Modal::Restore(RestoreModal::ConfirmHide(_)) => "files to delete",
            Modal::Restore(RestoreModal::Purge(_)) => "what to delete",
            _ => "versions for the restore plan",
        };
        Some(what)
    }
    /// The open restore modal waiting for the results of `req`, if any.
    pub(crate) fn restore_modal_for(&mut self, req: RequestId) -> Option<&mut RestoreModal> {
        self.modals.iter_mut().find_map(|m| match m {
            Modal::Restore(r) if r.waits_for(req) => Some(r),
            _ => None,
        })
    }
}
