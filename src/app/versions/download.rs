//! `d` in the versions pane: downloads the selected or marked versions by their file ids
//! (`b2_download_file_by_id`, checked by SHA-1) through the transfer queue, with the same
//! folder prompt and existing-files question as the files pane. The current version keeps
//! the file's name; an older one gets its upload time before the extension
//! (`report (2026-12-05 10.31.02).txt`, more precise when two share that second), so
//! they never overwrite each other. Several
//! versions make one job. No I/O.

use crate::app::actions::version_local_name;
use crate::app::{App, BucketRef, Level};
use crate::b2::FileAction;
use crate::worker::transfer_cmds::DownloadItem;

impl App {
    /// Plans downloading the chosen versions and asks for the folder.
    pub(crate) fn plan_version_download(&mut self) {
        let Some(bucket) = self.files.bucket.clone() else {
            return self.notify(Level::Info, "Open a bucket to download from");
        };
        let current = self
            .versions
            .current_index()
            .and_then(|i| self.versions.versions.get(i))
            .and_then(|v| v.file_id.clone());
        let chosen: Vec<_> = self
            .chosen_versions()
            .into_iter()
            .filter(|v| v.action == FileAction::Upload && v.file_id.is_some())
            .collect();
        if chosen.is_empty() {
            return self.notify(
                Level::Info,
                "Select a version to download (hide markers have no content)",
            );
        }
        let all = &self.versions.versions;
        let items: Vec<DownloadItem> = chosen
            .into_iter()
            .map(|mut v| {
                let is_current = v.file_id.is_some() && v.file_id == current;
                v.file_name = version_local_name(&v, all, is_current);
                DownloadItem::File(Box::new(v))
            })
            .collect();
        let label = match items.as_slice() {
            [DownloadItem::File(v)] => base_label(&v.file_name).to_owned(),
            _ => format!("{} versions", items.len()),
        };
        let base = self.versions_folder();
        self.ask_download_dir(
            BucketRef {
                id: bucket.id,
                name: bucket.name,
            },
            base,
            items,
            label,
        );
    }

    /// The folder of the file the versions pane shows (its name up to the last `/`).
    fn versions_folder(&self) -> String {
        let name = self
            .versions
            .versions
            .first()
            .map(|v| v.file_name.as_str())
            .unwrap_or_default();
        match name.rfind('/') {
            Some(i) => name[..=i].to_owned(),
            None => String::new(),
        }
    }
}

fn base_label(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}
