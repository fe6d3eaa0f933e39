//! Where a key goes inside transfers: the browse panes' upload, download and unfinished-files
//! actions, and a key to the transfers dialog on top. The dialogs themselves are in their
//! own files (`prompt`, `download`, `cancel`, `unfinished`).

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::TransferModal;
use crate::app::{Action, App, Effects, Modal};
use crate::input::Scope;

impl App {
    pub(super) fn top_transfer_modal(&mut self) -> Option<&mut TransferModal> {
        match self.modals.last_mut() {
            Some(Modal::Transfer(m)) => Some(m),
            _ => None,
        }
    }

    /// A key while a transfers modal is on top: the path prompt takes text, the other
    /// dialogs take actions.
    pub(crate) fn on_transfer_modal_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        cmds: &mut Effects,
    ) {
        if scope != Scope::PathPrompt {
            if let Some(a) = action {
                self.on_transfer_modal_action(a, cmds);
            }
            return;
        }
        match action {
            Some(Action::Complete) => self.start_completion(cmds),
            Some(Action::Submit) => self.submit_path(cmds),
            Some(Action::Close) => {
                self.modals.pop();
                self.transfers.plan = None;
            }
            _ => {
                if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
                    && p.input.handle_event(&Event::Key(key)).is_some()
                {
                    p.error = None;
                }
            }
        }
    }

    /// Upload, download and unfinished-files actions of the browse panes; false for
    /// other actions.
    pub(crate) fn on_transfer_pane_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::StartUpload => self.ask_upload_path(),
            Action::StartDownload => self.plan_download(),
            Action::ShowUnfinished => self.show_unfinished(cmds),
            _ => return false,
        }
        true
    }

    fn on_transfer_modal_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height().saturating_sub(8).max(1);
        let Some(top) = self.top_transfer_modal().map(|m| (*m).clone()) else {
            return;
        };
        match (top, action) {
            (TransferModal::ConfirmQuit { .. }, a) => self.on_confirm_all(true, a, cmds),
            (TransferModal::CancelAll { .. }, a) => self.on_confirm_all(false, a, cmds),
            (TransferModal::Unfinished, Action::Close | Action::Quit) => {
                self.modals.pop();
                self.transfers.unfinished = None;
            }
            (_, Action::Close | Action::Quit) => {
                self.modals.pop();
                self.transfers.plan = None;
            }
            (TransferModal::UploadConflict(q), a) => self.on_upload_conflict(*q, a, cmds),
            (TransferModal::Conflict { choice, .. }, a) => {
                self.on_conflict_action(choice, a, cmds);
            }
            (TransferModal::Cancel { id, can_keep, .. }, a) => {
                self.on_cancel_action(id, can_keep, a, cmds);
            }
            (TransferModal::CancelUnfinished { file_id, .. }, Action::Discard) => {
                self.cancel_unfinished(&file_id, cmds);
            }
            (TransferModal::Unfinished, a) => self.on_unfinished_action(a, page, cmds),
            _ => {}
        }
    }
}
