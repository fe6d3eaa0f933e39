//! Quitting with transfers running or queued asks first, saying what stops and what is
//! kept: at exit the running jobs are dropped, so a download's temporary file is removed
//! and a large upload's unfinished file keeps its parts on B2 for a later resume. Cancel
//! all asks the same way.

use super::{TransferModal, cmd};
use crate::app::{Action, App, Effects, Modal};
use crate::worker::transfer::{CancelMode, JobKind, JobState};
use crate::worker::transfer_cmds::TransferCommand;

impl App {
    /// After `q` asked to quit: with transfers queued or running, the quit waits for a
    /// confirmation instead. True when it was asked.
    pub(crate) fn asks_before_quit(&mut self, action: Option<Action>, fx: &mut Effects) -> bool {
        if action != Some(Action::Quit) || !fx.has_quit() {
            return false;
        }
        let Some(message) = self.quit_message() else {
            return false;
        };
        fx.cancel_quit();
        let m = TransferModal::ConfirmQuit { message };
        self.modals.push(Modal::Transfer(Box::new(m)));
        true
    }

    /// What quitting stops, or None when nothing is queued or running.
    pub fn quit_message(&self) -> Option<String> {
        let active: Vec<_> = self
            .transfers
            .jobs
            .values()
            .filter(|j| matches!(j.state, JobState::Queued | JobState::Running))
            .collect();
        if active.is_empty() {
            return None;
        }
        let what = match active.len() {
            1 => "1 transfer is running".to_owned(),
            n => format!("{n} transfers are running or queued"),
        };
        let mut kept = Vec::new();
        if active.iter().any(|j| j.kind == JobKind::Download) {
            kept.push("downloads in progress are removed (no partial files are left)");
        }
        if active.iter().any(|j| j.kind == JobKind::Upload) {
            kept.push(
                "large uploads keep their uploaded parts on B2 and resume when uploaded again \
                 (or from L, unfinished uploads); smaller uploads in progress start over",
            );
        }
        let groups: Vec<_> = active.iter().filter_map(|j| j.group.as_ref()).collect();
        let left: u64 = groups
            .iter()
            .map(|g| g.found.saturating_sub(g.settled()))
            .sum();
        let listing = groups.iter().any(|g| !g.listing_done);
        let files = match (left, listing) {
            (0, false) => String::new(),
            (n, false) => format!(" Files not yet copied: {}.", super::count(n)),
            (n, true) => format!(
                " Files not yet copied: {} so far (the listing is not finished).",
                super::count(n)
            ),
        };
        let them = if active.len() == 1 { "it" } else { "them" };
        Some(format!(
            "{what}. Quitting stops {them}: {}.{files}",
            kept.join("; ")
        ))
    }

    /// `C`: cancel every job not yet finished, asked first.
    pub(super) fn ask_cancel_all(&mut self) {
        let n = self
            .transfers
            .jobs
            .values()
            .filter(|j| !j.state.is_final() || j.state == JobState::Paused)
            .count();
        if n == 0 {
            self.notify(crate::app::Level::Info, "Nothing to cancel");
            return;
        }
        let what = match n {
            1 => "1 transfer".to_owned(),
            n => format!("{n} transfers"),
        };
        let message = format!(
            "Cancel {what}? Downloads in progress are removed; uploaded parts of large \
             uploads are discarded. Files already copied stay."
        );
        let m = TransferModal::CancelAll { message };
        self.modals.push(Modal::Transfer(Box::new(m)));
    }

    /// The answer to the quit or cancel-all question.
    pub(super) fn on_confirm_all(&mut self, quit: bool, a: Action, fx: &mut Effects) {
        match (quit, a) {
            (true, Action::Submit | Action::Confirm) => {
                self.modals.pop();
                fx.quit();
            }
            (false, Action::Discard | Action::Submit | Action::Confirm) => {
                self.modals.pop();
                fx.push(cmd(TransferCommand::CancelAll {
                    mode: CancelMode::Discard,
                }));
            }
            (_, Action::Close) => {
                self.modals.pop();
            }
            _ => {}
        }
    }

    /// `P`: pause everything running or queued; when nothing is, resume everything paused.
    pub(super) fn pause_or_resume_all(&mut self, fx: &mut Effects) {
        let t = self.transfers.totals();
        if t.is_active() {
            fx.push(cmd(TransferCommand::PauseAll));
        } else if t.paused > 0 {
            fx.push(cmd(TransferCommand::ResumeAll));
        } else {
            self.notify(crate::app::Level::Info, "Nothing to pause or resume");
        }
    }
}
