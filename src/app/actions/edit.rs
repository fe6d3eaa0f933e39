//! `e`: edit a text file of the files pane in `$VISUAL`/`$EDITOR`. The worker fetches the
//! current version into a private temporary file; the loop suspends the terminal and runs
//! the editor on it ([`crate::app::Effect::EditFile`]); if the content changed, the worker
//! checks that the name's newest version is still the opened one and uploads the file as a
//! new version. If another version came meanwhile, a menu asks: overwrite, save as a copy
//! (`name (edited 2026-12-05 10.31).txt`) or discard. The temporary file is removed when
//! the edit ends. No I/O here.

use std::path::PathBuf;

use super::EditSession;
use super::menu::{FileMenu, MenuEntry, MenuPurpose};
use crate::app::{App, Effect, Effects, Level, Modal};
use crate::worker::actions::{ActionCommand, ActionEvent, EDIT_LIMIT, FetchPurpose, SaveTarget};
use crate::worker::{Command, Failure, RequestId};

impl App {
    /// `e` in the files pane: fetches the selected file to edit it.
    pub(super) fn start_edit(&mut self, fx: &mut Effects) {
        if self.actions.edit.is_some() {
            return self.notify(Level::Info, "Another file is being edited; finish it first");
        }
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if self.restore.as_of.is_some() {
            return self.notify(
                Level::Info,
                "Only current files are edited: leave the past (Esc) first",
            );
        }
        let Some(version) = self.selected_file_version() else {
            return self.notify(Level::Info, "Select a file to edit");
        };
        if version.content_length > EDIT_LIMIT {
            return self.notify(
                Level::Warn,
                format!(
                    "{} is larger than {} MiB: not opened in an editor (d downloads it)",
                    version.file_name,
                    EDIT_LIMIT >> 20
                ),
            );
        }
        let req = self.new_req();
        self.notify(
            Level::Info,
            format!("Fetching {} to edit it…", version.file_name),
        );
        fx.push(Command::Actions(ActionCommand::Fetch {
            req,
            version: Box::new(version.clone()),
            purpose: FetchPurpose::Edit,
        }));
        self.actions.edit = Some(EditSession {
            req,
            bucket,
            opened: version,
            path: None,
            copy_name: None,
        });
    }

    /// The file to edit is fetched: the loop runs the editor on it.
    pub(super) fn on_edit_fetched(&mut self, req: RequestId, path: PathBuf, fx: &mut Effects) {
        let next = self.new_req();
        let Some(edit) = self.actions.edit.as_mut().filter(|e| e.req == req) else {
            return;
        };
        edit.req = next;
        edit.path = Some(path.clone());
        fx.push(Effect::EditFile { req: next, path });
    }

    /// The editor ended (`saved`: it exited with success): save when the content changed,
    /// else drop the file.
    pub(crate) fn on_file_edited(&mut self, req: RequestId, saved: bool, fx: &mut Effects) {
        let next = self.new_req();
        let Some(edit) = self.actions.edit.as_mut().filter(|e| e.req == req) else {
            return;
        };
        let Some(path) = edit.path.clone() else {
            return;
        };
        edit.req = next;
        let cmd = if saved {
            ActionCommand::Save {
                req: next,
                bucket: edit.bucket.id.clone(),
                path,
                opened: Box::new(edit.opened.clone()),
                target: SaveTarget::Checked,
            }
        } else {
            self.notify(
                Level::Warn,
                "The editor did not exit cleanly (or $VISUAL/$EDITOR is not set): nothing uploaded",
            );
            ActionCommand::Discard { req: next, path }
        };
        fx.push(Command::Actions(cmd));
    }

    /// The answer to the question about an edit whose file changed meanwhile: `o`
    /// overwrite, `c` save as a copy, anything else (`d`, Esc) discards.
    pub(super) fn on_conflict_choice(&mut self, key: Option<char>, fx: &mut Effects) {
        let next = self.new_req();
        let Some(edit) = self.actions.edit.as_mut() else {
            return;
        };
        let Some(path) = edit.path.clone() else {
            return;
        };
        edit.req = next;
        let name = match key {
            Some('o') => Some(edit.opened.file_name.clone()),
            Some('c') => edit.copy_name.clone(),
            _ => None,
        };
        let cmd = match name {
            Some(name) => ActionCommand::Save {
                req: next,
                bucket: edit.bucket.id.clone(),
                path,
                opened: Box::new(edit.opened.clone()),
                target: SaveTarget::Name(name),
            },
            None => ActionCommand::Discard { req: next, path },
        };
        fx.push(Command::Actions(cmd));
    }

    /// The worker's answers about the edit in progress.
    pub(super) fn on_edit_event(&mut self, ev: ActionEvent, fx: &mut Effects) {
        let req = match &ev {
            ActionEvent::Refused { req, .. }
            | ActionEvent::Unchanged { req }
            | ActionEvent::Conflict { req, .. }
            | ActionEvent::Saved { req, .. }
            | ActionEvent::Discarded { req } => *req,
            ActionEvent::Info { .. } | ActionEvent::Fetched { .. } => return,
        };
        let Some(edit) = self.actions.edit.as_ref().filter(|e| e.req == req) else {
            return;
        };
        let name = edit.opened.file_name.clone();
        match ev {
            ActionEvent::Refused { why, .. } => {
                self.actions.edit = None;
                self.notify(Level::Warn, format!("Cannot edit {name}: {why}"));
            }
            ActionEvent::Unchanged { .. } => {
                self.actions.edit = None;
                self.notify(Level::Info, format!("{name} unchanged: nothing uploaded"));
            }
            ActionEvent::Discarded { .. } => {
                self.actions.edit = None;
                self.notify(Level::Info, format!("Edit of {name} discarded"));
            }
            ActionEvent::Saved { version, .. } => {
                self.actions.edit = None;
                self.notify(
                    Level::Info,
                    format!("Saved {} as a new version", version.file_name),
                );
                self.reload_folder(fx);
            }
            ActionEvent::Conflict { newest, .. } => self.ask_edit_conflict(newest.is_some()),
            ActionEvent::Info { .. } | ActionEvent::Fetched { .. } => {}
        }
    }

    /// Another version of the name came (or it was hidden) while it was edited: ask.
    fn ask_edit_conflict(&mut self, exists: bool) {
        let stamp = chrono::DateTime::from_timestamp_millis(self.restore.now_ms)
            .map(|t| t.format("%Y-%m-%d %H.%M").to_string())
            .unwrap_or_default();
        let Some(edit) = self.actions.edit.as_mut() else {
            return;
        };
        let name = edit.opened.file_name.clone();
        let copy = super::with_suffix(&name, &format!(" (edited {stamp})"));
        edit.copy_name = Some(copy.clone());
        let note = if exists {
            format!("{name} has a newer version than the one you edited")
        } else {
            format!("{name} was deleted (hidden) while you edited it")
        };
        let entries = vec![
            MenuEntry::new('o', "overwrite", name),
            MenuEntry::new('c', "save as a copy", copy),
            MenuEntry::new('d', "discard the edit", ""),
        ];
        let menu = FileMenu::new("File changed", note, entries, MenuPurpose::EditConflict);
        self.modals.push(Modal::Actions(Box::new(menu)));
    }

    /// A failed step of the edit; false when `req` is not one. A failed upload keeps the
    /// edited file (its path is shown) so that the edit is not lost.
    pub(super) fn on_edit_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        let Some(edit) = self.actions.edit.take_if(|e| e.req == req) else {
            return false;
        };
        let name = edit.opened.file_name;
        let message = match edit.path {
            Some(p) => format!(
                "{}\n\nYour edited text is kept in {} until b2tui exits.",
                crate::app::modal::said(error),
                p.display()
            ),
            None => crate::app::modal::said(error),
        };
        self.modals.push(Modal::Error {
            title: format!("Could not edit {name}"),
            message,
        });
        true
    }
}
