//! The delete-key question (a second, typed step for the key b2tui itself uses), sending
//! `DeleteKey`, and the "key deleted" stop that only quits.

use super::{KeysModal, TextField, top_keys_modal};
use crate::app::{Action, App, Effects, Modal};
use crate::worker::{Command, KeyCommand};

impl App {
    /// Asks before deleting the selected key.
    pub(super) fn ask_delete_key(&mut self) {
        if let Some(k) = self.keys.selected() {
            let modal = KeysModal::ConfirmDelete {
                key_id: k.application_key_id.clone(),
                key_name: k.key_name.clone(),
                is_current: k.application_key_id == self.session.key.key_id,
                typed: None,
                error: None,
            };
            self.modals.push(Modal::Keys(Box::new(modal)));
        }
    }

    /// An action while the delete question is on top.
    pub(super) fn on_key_delete_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(KeysModal::ConfirmDelete {
            key_id,
            key_name,
            is_current,
            typed,
            error,
        }) = top_keys_modal(&mut self.modals)
        else {
            return;
        };
        match action {
            Action::Confirm if typed.is_none() => {
                if *is_current {
                    *typed = Some(TextField::default());
                } else {
                    let key_id = key_id.clone();
                    self.send_delete(key_id, cmds);
                }
            }
            Action::Submit => match typed {
                Some(t) if t.value() == key_name.as_str() => {
                    let key_id = key_id.clone();
                    self.send_delete(key_id, cmds);
                }
                Some(_) => *error = Some("type the key's name exactly to delete it".into()),
                // The safe default: Enter on the first question cancels.
                None => {
                    self.modals.pop();
                }
            },
            Action::Close => {
                self.modals.pop();
            }
            _ => {}
        }
    }

    fn send_delete(&mut self, key_id: String, cmds: &mut Effects) {
        self.modals.pop();
        let req = self.new_req();
        self.keys.deleting = Some((req, key_id.clone()));
        cmds.push(Command::Keys(KeyCommand::DeleteKey { req, key_id }));
    }

    /// An action while the "key deleted" stop is on top: only quitting is left.
    pub(super) fn on_key_revoked_action(&mut self, action: Action, cmds: &mut Effects) {
        if matches!(action, Action::Quit | Action::Close | Action::Submit) {
            cmds.quit();
        }
    }
}
