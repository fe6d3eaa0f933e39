//! The Transfers view: moving in the job table, pausing, resuming, retrying and cancelling
//! the job under the cursor, clearing finished jobs, opening the unfinished files.

use super::cmd;
use crate::app::panes::Motion;
use crate::app::{Action, App, Effects, Level, Modal, View};
use crate::worker::transfer::JobState;
use crate::worker::transfer_cmds::TransferCommand;

impl App {
    /// An action in the transfers view (no modal open).
    pub(crate) fn on_transfers_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height().saturating_sub(2) / 2;
        let len = self.transfers.rows().len();
        match action {
            Action::MoveUp => self.transfers.cursor.apply(Motion::Up, len, page),
            Action::MoveDown => self.transfers.cursor.apply(Motion::Down, len, page),
            Action::PageUp => self.transfers.cursor.apply(Motion::PageUp, len, page),
            Action::PageDown => self.transfers.cursor.apply(Motion::PageDown, len, page),
            Action::GoTop => self.transfers.cursor.apply(Motion::Top, len, page),
            Action::GoBottom => self.transfers.cursor.apply(Motion::Bottom, len, page),
            _ => false,
        };
        match action {
            Action::Quit => cmds.quit(),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::Close => self.view = View::Browse,
            Action::CancelJob => self.ask_cancel(),
            Action::PauseJob => {
                if let Some(j) = self.transfers.selected() {
                    let id = j.id;
                    match j.state {
                        JobState::Queued | JobState::Running => {
                            cmds.push(cmd(TransferCommand::Pause { id }));
                        }
                        JobState::Paused => cmds.push(cmd(TransferCommand::Resume { id })),
                        _ => self.notify(Level::Info, "Only queued or running transfers pause"),
                    }
                }
            }
            Action::RetryJob => {
                if let Some(j) = self.transfers.selected() {
                    let id = j.id;
                    match j.state {
                        JobState::Failed { .. } | JobState::Cancelled => {
                            cmds.push(cmd(TransferCommand::Retry { id }));
                        }
                        JobState::Paused => cmds.push(cmd(TransferCommand::Resume { id })),
                        _ => self.notify(Level::Info, "Only failed or cancelled transfers retry"),
                    }
                }
            }
            Action::ClearFinished => {
                let jobs = &self.transfers.jobs;
                self.transfers.expanded.retain(|id| {
                    jobs.get(id)
                        .is_some_and(|j| !j.state.is_final() || j.state == JobState::Paused)
                });
                self.transfers.jobs.retain(|_, j| {
                    !matches!(
                        j.state,
                        JobState::Done
                            | JobState::Failed { .. }
                            | JobState::Cancelled
                            | JobState::Skipped { .. }
                    )
                });
                self.clamp_job_cursor();
                cmds.push(cmd(TransferCommand::ClearFinished));
            }
            Action::ShowUnfinished => self.show_unfinished(cmds),
            // Enter shows or hides a folder job's files; a single file has none.
            Action::Open if !self.transfers.toggle_expanded() => {
                self.notify(Level::Info, "Only folder jobs have files to show");
            }
            Action::CancelAll => self.ask_cancel_all(),
            Action::PauseAll => self.pause_or_resume_all(cmds),
            Action::RetryAll => {
                let failed = self.transfers.totals().failed;
                if failed == 0 {
                    self.notify(Level::Info, "Nothing failed");
                } else {
                    cmds.push(cmd(TransferCommand::RetryAll));
                }
            }
            _ => {}
        }
    }

    /// Whether the view offers `action` for the job under the cursor, so the footer shows
    /// only the keys that do something to it: None = not now; `Some(None)` = as the keymap
    /// words it; `Some(Some(words))` = in these words (`p` pauses or resumes).
    pub fn offered_for_job(&self, action: Action) -> Option<Option<&'static str>> {
        let state = self.transfers.selected().map(|j| &j.state);
        let finished = |s: &JobState| s.is_final() && *s != JobState::Paused;
        match action {
            Action::CancelJob => state.filter(|s| !finished(s)).map(|_| None),
            Action::PauseJob => match state? {
                JobState::Queued | JobState::Running => Some(Some("pause")),
                JobState::Paused => Some(Some("resume")),
                _ => None,
            },
            Action::RetryJob => match state? {
                JobState::Failed { .. } | JobState::Cancelled => Some(None),
                _ => None,
            },
            Action::ClearFinished => self
                .transfers
                .jobs
                .values()
                .any(|j| finished(&j.state))
                .then_some(None),
            Action::Open => self
                .transfers
                .selected()
                .filter(|j| j.group.is_some())
                .map(|j| {
                    Some(if self.transfers.expanded.contains(&j.id) {
                        "hide files"
                    } else {
                        "show files"
                    })
                }),
            Action::CancelAll => {
                let t = self.transfers.totals();
                (t.is_active() || t.paused > 0).then_some(None)
            }
            Action::PauseAll => {
                let t = self.transfers.totals();
                if t.is_active() {
                    Some(Some("pause all"))
                } else {
                    (t.paused > 0).then_some(Some("resume all"))
                }
            }
            Action::RetryAll => (self.transfers.totals().failed > 0).then_some(None),
            _ => Some(None),
        }
    }

    fn clamp_job_cursor(&mut self) {
        let len = self.transfers.rows().len();
        let c = &mut self.transfers.cursor;
        c.selected = c.selected.min(len.saturating_sub(1));
    }
}
