//! The version details dialog (`i` in the versions pane): every field of one version.
//! Its state, opening it and closing it. No I/O.

use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Modal};
use crate::b2::FileVersion;

/// Full details of one version.
#[derive(Clone, Debug, PartialEq)]
pub struct InfoModal {
    pub title: String,
    pub version: FileVersion,
}

impl App {
    /// `i`: shows the selected version's details.
    pub(crate) fn show_info(&mut self) {
        let Some(v) = self.versions.versions.get(self.versions.cursor.selected) else {
            return;
        };
        let current = self.versions.current_index() == Some(self.versions.cursor.selected);
        let title = if current {
            "Current version"
        } else {
            "Version"
        };
        let version = v.clone();
        self.modals
            .push(Modal::Restore(RestoreModal::Info(Box::new(InfoModal {
                title: title.to_owned(),
                version,
            }))));
    }

    /// Keys of the dialog: `Esc`, `Enter` or `i` close it.
    pub(crate) fn on_info_action(&mut self, action: Action) {
        if matches!(
            action,
            Action::Close | Action::Quit | Action::Open | Action::ShowInfo
        ) {
            self.modals.pop();
        }
    }
}
