//! The two cancel questions: cancelling a job of the transfers view (uploads that are large
//! files may keep the unfinished large file for resume), and `b2_cancel_large_file` of an unfinished file.

use super::{TransferModal, cmd};
use crate::app::{Action, App, Effects, Level, Modal};
use crate::b2::FileId;
use crate::worker::transfer::{CancelMode, JobId, JobKind, JobState};
use crate::worker::transfer_cmds::TransferCommand;

impl App {
    /// Asks before cancelling the job under the cursor.
    pub(super) fn ask_cancel(&mut self) {
        let Some(j) = self.transfers.selected() else {
            return;
        };
        if j.state.is_final() && j.state != JobState::Paused {
            self.notify(Level::Info, "That transfer is over");
            return;
        }
        let label = match j.kind {
            JobKind::Upload => j.destination.clone(),
            JobKind::Download => j.source.clone(),
        };
        let m = TransferModal::Cancel {
            id: j.id,
            label,
            can_keep: j.kind == JobKind::Upload && j.large_file,
        };
        self.modals.push(Modal::Transfer(Box::new(m)));
    }

    /// A key in the cancel-job question.
    pub(super) fn on_cancel_action(
        &mut self,
        id: JobId,
        can_keep: bool,
        a: Action,
        cmds: &mut Effects,
    ) {
        let mode = match a {
            Action::Discard => CancelMode::Discard,
            Action::KeepForResume if can_keep => CancelMode::KeepForResume,
            _ => return,
        };
        self.modals.pop();
        cmds.push(cmd(TransferCommand::Cancel { id, mode }));
    }

    /// The unfinished-file question answered yes: `b2_cancel_large_file`.
    pub(super) fn cancel_unfinished(&mut self, file_id: &str, cmds: &mut Effects) {
        self.modals.pop();
        let req = self.new_req();
        self.transfers.cancelling.push(req);
        cmds.push(cmd(TransferCommand::CancelUnfinished {
            req,
            file_id: FileId::from(file_id),
        }));
    }
}
