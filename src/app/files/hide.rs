//! The "Delete (hide) files?" dialog (`D` in the files pane): its state, opening it (folders
//! are listed first, so the question names every file), its keys and the hide job. No I/O.

use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Effects, Focus, Level, Modal, Row};
use crate::b2::FileAction;
use crate::worker::restore::{Op, RestoreCommand};
use crate::worker::{Command, RequestId};

/// "Hide these files?" (`D` in the files pane). Default answer: cancel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmHide {
    /// The listing of `folders`, while it runs.
    pub req: Option<RequestId>,
    /// Folders whose visible files are hidden (their names are listed into `names`).
    pub folders: Vec<String>,
    /// Exactly the files that get hidden, sorted, no repeats.
    pub names: Vec<String>,
    /// The folder listing is not complete yet.
    pub loading: bool,
    /// The highlighted answer; false = cancel.
    pub hide_chosen: bool,
}

impl ConfirmHide {
    /// Adds listed names, keeping them sorted and unique.
    pub fn add(&mut self, names: Vec<String>) {
        self.names.extend(names);
        self.names.sort();
        self.names.dedup();
    }
}

impl App {
    /// `D` in the files pane: asks before hiding the marked entries, else the selected file
    /// or folder. Folders are listed first, so the question names every file.
    pub(crate) fn confirm_hide(&mut self, cmds: &mut Effects) {
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
                Some(Row::Entry(e)) if e.is_folder() => (vec![e.file_name.to_owned()], Vec::new()),
                Some(Row::Entry(e)) if e.action == FileAction::Hide => {
                    let name = e.file_name;
                    self.notify(Level::Info, format!("{name} is already hidden"));
                    return;
                }
                Some(Row::Entry(e)) => (Vec::new(), vec![e.file_name.to_owned()]),
                Some(Row::Parent) | None => return,
            }
        } else {
            let hidden: Vec<&str> = self
                .files
                .entries
                .iter()
                .filter(|e| e.action == FileAction::Hide)
                .map(|e| e.file_name)
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

    /// Keys of the dialog: `y` hides, `Enter` takes the highlighted answer, `Tab` switches
    /// it, `n`/`Esc` cancel. Nothing is hidden while the folders are still being listed.
    pub(crate) fn on_confirm_hide_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(Modal::Restore(RestoreModal::ConfirmHide(c))) = self.modals.last_mut() else {
            return;
        };
        match action {
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
        }
    }

    /// Names listed in the folders to hide (`RestoreCommand::ListVisible`).
    pub(crate) fn on_visible_listed(&mut self, req: RequestId, names: Vec<String>, done: bool) {
        if let Some(RestoreModal::ConfirmHide(c)) = self.restore_modal_for(req) {
            c.add(names);
            c.loading = !done;
        }
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
}
