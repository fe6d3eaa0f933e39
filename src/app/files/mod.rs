//! Hiding in the files pane (the pane is `app/panes/files.rs`): how a folder is listed (names,
//! or versions with hidden files shown or in the past), the `H` toggle and marks (`Space`).
//! Its dialogs: `hide.rs` (`D`), `unhide.rs` (`U`), `deleted.rs` (recently deleted, `W`).

pub mod deleted;
pub mod find;
pub mod hide;
pub mod sort;
mod unhide;

use crate::app::{App, Effects, Level, Row};
use crate::b2::{BucketId, FileVersion};
use crate::worker::restore::RestoreCommand;
use crate::worker::{Command, RequestId};

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
            // The version listing runs from the folder's top.
            self.files.head = None;
            Command::Restore(RestoreCommand::ListFolder {
                req,
                bucket,
                prefix,
                at: self.restore.as_of,
                page_size: self.restore.page_size,
            })
        } else {
            // A window (jumped to, or with its first pages dropped) lists again from its
            // first name.
            Command::ListFiles {
                req,
                bucket,
                prefix,
                start: self.files.head.clone(),
            }
        }
    }

    /// Lists the shown folder again: from its first page, or a window from its first name.
    pub(crate) fn reload_folder(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        self.files.reload(req);
        let prefix = self.files.prefix.clone();
        cmds.push(self.folder_command(req, bucket.id, prefix));
        self.versions.reload();
    }

    /// A page of the version listing of a folder (`RestoreCommand::ListFolder`).
    pub(crate) fn on_folder_listed(
        &mut self,
        req: RequestId,
        entries: Vec<FileVersion>,
        done: bool,
        cmds: &mut Effects,
    ) {
        let height = self.list_height();
        if self.files.on_page(req, entries, None, height) {
            if !done {
                self.files.set_pending(req);
            }
            self.sync_files(cmds);
        }
    }

    /// `H`: shows or hides hidden files, listing the folder again.
    pub(crate) fn toggle_hidden(&mut self, cmds: &mut Effects) {
        self.restore.show_hidden = !self.restore.show_hidden;
        let text = if self.restore.show_hidden {
            "Showing hidden files"
        } else {
            "Hiding hidden files"
        };
        self.notify(Level::Info, text);
        self.reload_folder(cmds);
    }

    /// `Space` in the files pane: marks or unmarks the selected entry, then moves down; the
    /// versions pane follows the new selection as after any other cursor move.
    pub(crate) fn toggle_file_mark(&mut self, cmds: &mut Effects) {
        let page = self.list_height();
        let Some(Row::Entry(e)) = self.files.selected() else {
            return;
        };
        let name = e.file_name.to_owned();
        if !self.restore.marks.remove(&name) {
            self.restore.marks.insert(name);
        }
        if self.files.move_cursor(crate::app::Motion::Down, page) {
            self.sync_files(cmds);
        }
    }
}
