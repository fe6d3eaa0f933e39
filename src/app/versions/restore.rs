//! Making an old version current (`r` in the versions pane): copies the chosen version
//! back as the newest, as one job. No dialog; no I/O.

use crate::app::time_travel::when::format_when as time;
use crate::app::{App, Effects, Level};
use crate::b2::FileAction;
use crate::worker::restore::Op;

impl App {
    /// `r` in the versions pane: restores the marked (one) or selected version.
    pub(crate) fn restore_selected_version(&mut self, cmds: &mut Effects) {
        let Some(target) = self.versions.target.clone() else {
            return;
        };
        let chosen = self.chosen_versions();
        if chosen.len() > 1 {
            self.notify(
                Level::Warn,
                "Mark one version to restore (a file has one current version)",
            );
            return;
        }
        let Some(v) = chosen.into_iter().next() else {
            return;
        };
        if !matches!(v.action, FileAction::Upload | FileAction::Copy) {
            self.notify(
                Level::Warn,
                "A hide marker cannot be restored; press U to unhide",
            );
            return;
        }
        if self.versions.current_index() == Some(self.versions.cursor.selected)
            && self.versions.versions.first().map(|f| &f.file_id) == Some(&v.file_id)
        {
            self.notify(Level::Info, "That version is already current");
            return;
        }
        let what = format!(
            "restore {} from {}",
            target.file_name,
            time(v.upload_timestamp)
        );
        self.restore.version_marks.clear();
        self.start_job(
            what,
            vec![Op::Copy {
                name: target.file_name,
                source: v,
            }],
            cmds,
        );
    }
}
