//! The "Delete versions" dialog (`D` deletes the marked or selected versions, `X` every
//! older one): its state, opening it, its keys and the delete job. No I/O.

use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Effects, Focus, Level, Modal};
use crate::b2::FileVersion;
use crate::worker::restore::Op;

/// "Delete these versions for good?" Default answer: cancel.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmDelete {
    pub file_name: String,
    /// Exactly what goes.
    pub doomed: Vec<FileVersion>,
    /// The newest entry is among them.
    pub current_goes: bool,
    /// What is newest afterwards (None: no version is left).
    pub next_newest: Option<FileVersion>,
    /// The highlighted answer; false = cancel.
    pub delete_chosen: bool,
}

impl App {
    /// Asks before deleting the chosen versions, or (`all_older`) every version but the
    /// newest. Only once the whole version list is in.
    pub(crate) fn confirm_delete(&mut self, all_older: bool) {
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

    /// Keys of the dialog: `y` deletes, `Enter` takes the highlighted answer, `Tab` switches
    /// it, `n`/`Esc` cancel.
    pub(crate) fn on_confirm_delete_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(Modal::Restore(RestoreModal::ConfirmDelete(c))) = self.modals.last_mut() else {
            return;
        };
        match action {
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
}
