//! Actions on the search results that hand over to other features: download (the
//! transfers' folder prompt and existing-files question), delete (hide, the files'
//! confirmation), unhide (the files pane's job) and restore (as of a past moment, the time
//! travel's restore plan; now, the versions pane to pick a version). No I/O.

use crate::app::files::hide::ConfirmHide;
use crate::app::restore::RestoreModal;
use crate::app::{App, Effects, Level, Modal};
use crate::worker::RequestId;
use crate::worker::restore::{Op, OpFailure, PlanScope};
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
        let chosen = s.chosen();
        let names: Vec<String> = chosen
            .iter()
            .filter(|h| !h.is_hidden())
            .map(|h| h.name.clone())
            .collect();
        if names.is_empty() {
            let note = match chosen.as_slice() {
                [] => "Nothing to delete: no result selected".to_owned(),
                [one] => format!("{} is already hidden", one.name),
                _ => "The chosen results are already hidden".to_owned(),
            };
            self.notify(Level::Info, note);
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

    /// True (with a note) unless the searched bucket is the one open in the files pane,
    /// whose jobs run on it.
    fn search_bucket_elsewhere(&mut self, what: &str) -> bool {
        let open = self.search.as_ref().map(|s| &s.bucket) == self.files.bucket.as_ref();
        if !open {
            self.notify(
                Level::Warn,
                format!("Open the searched bucket to {what} in it"),
            );
        }
        !open
    }

    /// `U`: unhide the marked results (else the selected one) that are hidden, as the
    /// files pane does (one job deleting each name's newest hide marker).
    pub(super) fn unhide_search_hits(&mut self, fx: &mut Effects) {
        if self.search_bucket_elsewhere("unhide files") {
            return;
        }
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let chosen = s.chosen();
        let names: Vec<String> = chosen
            .iter()
            .filter(|h| h.is_hidden())
            .map(|h| h.name.clone())
            .collect();
        let what = match (names.as_slice(), chosen.as_slice()) {
            (_, []) => {
                self.notify(Level::Info, "Nothing to unhide: no result selected");
                return;
            }
            ([], [one]) => {
                let note = format!("{} is not hidden", one.name);
                self.notify(Level::Warn, note);
                return;
            }
            ([], _) => {
                self.notify(Level::Warn, "None of the marked results is hidden");
                return;
            }
            ([one], _) => format!("unhide {one}"),
            (more, _) => format!("unhide {} search results", more.len()),
        };
        let ops = names
            .iter()
            .map(|name| Op::Unhide { name: name.clone() })
            .collect();
        self.start_job(what, ops, fx);
        let job = self.restore.jobs.last().map(|j| j.job);
        if let (Some(job), Some(s)) = (job, self.search.as_mut()) {
            s.pending.push((job, names));
        }
    }

    /// `r`: as the files pane does. Results of a past moment: the restore plan bringing the
    /// marked results (else the selected one) back to that moment. Results of now: the
    /// selected result's versions, to pick the one to restore (`r` there).
    pub(super) fn restore_search_hits(&mut self, fx: &mut Effects) {
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let Some(at) = s.as_of else {
            if s.selected().is_some() {
                self.open_search_hit(true, fx);
                self.notify(Level::Info, "Pick a version and press r to restore it");
            }
            return;
        };
        let names: Vec<String> = s.chosen().iter().map(|h| h.name.clone()).collect();
        let bucket = s.bucket.id.clone();
        let label = match names.as_slice() {
            [] => {
                self.notify(Level::Info, "Nothing to restore: no result selected");
                return;
            }
            [one] => one.clone(),
            more => format!("{} search results", more.len()),
        };
        if self.search_bucket_elsewhere("restore files") {
            return;
        }
        self.open_restore_plan(bucket, PlanScope::Names(names), label, at, fx);
    }

    /// A restore job ended: the results it unhid are shown as visible again.
    pub(crate) fn on_search_job_finished(&mut self, job: RequestId, failures: &[OpFailure]) {
        let Some(s) = self.search.as_mut() else {
            return;
        };
        let Some(i) = s.pending.iter().position(|(j, _)| *j == job) else {
            return;
        };
        let (_, names) = s.pending.remove(i);
        let mut unhidden: std::collections::HashSet<&str> =
            names.iter().map(String::as_str).collect();
        for f in failures {
            unhidden.remove(f.name.as_str());
        }
        for hit in s.hits.iter_mut() {
            if unhidden.contains(hit.name.as_str()) {
                hit.hidden_at = None;
            }
        }
    }
}
