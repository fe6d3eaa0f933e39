//! Actions on the search results that hand over to other features: download (the
//! transfers' folder prompt and existing-files question) and delete (hide, the files'
//! confirmation). No I/O.

use crate::app::files::hide::ConfirmHide;
use crate::app::restore::RestoreModal;
use crate::app::{App, Level, Modal};
use crate::worker::transfer_cmds::DownloadItem;

impl App {
    /// `d`: download the marked results (else the selected one) into a folder asked for;
    /// each lands under its path below the folder searched.
    pub(super) fn download_search_hits(&mut self) {
        if self.unavailable("download files", &["readFiles"]) {
            return;
        }
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let chosen = s.chosen();
        let label = match chosen.as_slice() {
            [] => {
                self.notify(Level::Info, "Nothing to download: no result selected");
                return;
            }
            [one] => s.relative(&one.name).to_owned(),
            many => format!("{} results", many.len()),
        };
        let items = chosen
            .iter()
            .map(|h| DownloadItem::File(Box::new(h.to_version())))
            .collect();
        let (bucket, base) = (s.bucket.clone(), s.prefix.clone());
        self.ask_download_dir(bucket, base, items, label);
    }

    /// `D`: delete (hide) the marked results, else the selected one, after the question.
    pub(super) fn hide_search_hits(&mut self) {
        if self.unavailable("delete files", &["writeFiles"]) {
            return;
        }
        if self.restore.as_of.is_some() {
            self.notify(
                Level::Warn,
                "Files cannot be deleted while browsing the past; press Esc first",
            );
            return;
        }
        let Some(s) = self.search.as_ref() else {
            return;
        };
        if self.files.bucket.as_ref() != Some(&s.bucket) {
            self.notify(Level::Warn, "Open the searched bucket to delete from it");
            return;
        }
        let names: Vec<String> = s.chosen().iter().map(|h| h.name.clone()).collect();
        if names.is_empty() {
            self.notify(Level::Info, "Nothing to delete: no result selected");
            return;
        }
        let mut c = ConfirmHide {
            req: None,
            folders: Vec::new(),
            names: Vec::new(),
            loading: false,
            hide_chosen: false,
        };
        c.add(names);
        self.modals
            .push(Modal::Restore(RestoreModal::ConfirmHide(Box::new(c))));
    }
}
