//! The versions pane's actions: marks on versions (`Space`) and which versions an action
//! takes. Its dialogs: `delete.rs` (`D`, `X`), `restore.rs` (`r`), `info.rs` (`i`);
//! `d` downloads versions (`download.rs`).
//! The pane itself (list, cursor, loading) is `app/panes/versions.rs`.

pub mod delete;
mod download;
pub mod info;
mod restore;

use crate::app::App;
use crate::b2::FileVersion;

impl App {
    /// `Space` in the versions pane: marks or unmarks the selected version, then moves down.
    pub(crate) fn toggle_version_mark(&mut self) {
        let page = self.list_height();
        let Some(id) = self
            .versions
            .versions
            .get(self.versions.cursor.selected)
            .and_then(|v| v.file_id.clone())
        else {
            return;
        };
        if !self.restore.version_marks.remove(&id) {
            self.restore.version_marks.insert(id);
        }
        self.versions.move_cursor(crate::app::Motion::Down, page);
    }

    /// Marked versions of the shown file, else the selected one.
    pub(crate) fn chosen_versions(&self) -> Vec<FileVersion> {
        let marked: Vec<_> = self
            .versions
            .versions
            .iter()
            .filter(|v| {
                v.file_id
                    .as_ref()
                    .is_some_and(|id| self.restore.version_marks.contains(id))
            })
            .cloned()
            .collect();
        if !marked.is_empty() {
            return marked;
        }
        self.versions
            .versions
            .get(self.versions.cursor.selected)
            .cloned()
            .into_iter()
            .collect()
    }
}
