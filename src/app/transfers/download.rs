//! A download: planning it from the selection or the marks, the folder it goes to by
//! default, the existing-files question (asked once per batch) and starting it.

use std::path::PathBuf;

use super::{
    DownloadPlan, PathPrompt, PromptPurpose, TransferModal, base_label, cmd, engine_bucket,
};
use crate::app::{Action, App, BucketRef, Effects, Level, Modal, Row};
use crate::b2::FileAction;
use crate::worker::RequestId;
use crate::worker::transfer::ConflictPolicy;
use crate::worker::transfer_cmds::{DownloadItem, TransferCommand};

impl App {
    /// The folder downloads go to unless the user types another: the last one chosen in
    /// this session, else the current directory.
    pub fn default_download_dir(&self) -> String {
        if let Some(d) = &self.transfers.download_dir {
            return d.clone();
        }
        match self.session.cwd.to_str() {
            Some("") | None => ".".to_owned(),
            Some(s) => s.to_owned(),
        }
    }

    pub(super) fn plan_download(&mut self) {
        let Some(bucket) = self.files.bucket.clone() else {
            self.notify(Level::Info, "Open a bucket to download from");
            return;
        };
        let base = self.files.prefix.clone();
        let item_for = |name: &str| -> DownloadItem {
            if name.ends_with('/') {
                return DownloadItem::Folder(name.to_owned());
            }
            match self
                .files
                .entries
                .iter()
                .find(|e| e.file_name == name && e.action == FileAction::Upload)
            {
                Some(v) => DownloadItem::File(Box::new(v.to_version())),
                None => DownloadItem::Name(name.to_owned()),
            }
        };
        let (items, label) = if self.restore.marks.is_empty() {
            match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() || e.action == FileAction::Upload => {
                    let label = base_label(e.file_name).to_owned();
                    (vec![item_for(e.file_name)], label)
                }
                _ => {
                    self.notify(Level::Info, "Select a file or folder (or mark some) first");
                    return;
                }
            }
        } else {
            let items: Vec<DownloadItem> = self.restore.marks.iter().map(|n| item_for(n)).collect();
            let label = match self.restore.marks.iter().next() {
                Some(n) if items.len() == 1 => base_label(n).to_owned(),
                _ => format!("{} marked entries", items.len()),
            };
            (items, label)
        };
        self.ask_download_dir(bucket, base, items, label);
    }

    /// Plans downloading `items` of `bucket` (names relative to `base`) and asks for the
    /// local folder; `label` names them in the prompts.
    pub(crate) fn ask_download_dir(
        &mut self,
        bucket: BucketRef,
        base: String,
        items: Vec<DownloadItem>,
        label: String,
    ) {
        self.transfers.plan = Some(DownloadPlan {
            bucket,
            base,
            items,
            label,
            dir: None,
            checking: None,
            existing: (0, Vec::new()),
        });
        let p = PathPrompt::new(PromptPurpose::DownloadTo, &self.default_download_dir());
        self.modals
            .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
    }

    /// The download folder was chosen: start at once when the session has an answer to
    /// the existing-files question, else ask the worker what exists there first.
    pub(super) fn on_download_dir(&mut self, cmds: &mut Effects) {
        if let Some(policy) = self.transfers.conflict_default {
            self.start_download(policy, cmds);
            return;
        }
        let req = self.new_req();
        let Some(plan) = self.transfers.plan.as_mut() else {
            return;
        };
        let Some(dir) = plan.dir.clone() else { return };
        plan.checking = Some(req);
        let names = plan
            .items
            .iter()
            .map(|i| match i {
                DownloadItem::File(v) => v.file_name.clone(),
                DownloadItem::Name(n) | DownloadItem::Folder(n) => n.clone(),
            })
            .collect();
        cmds.push(cmd(TransferCommand::CheckExisting {
            req,
            base: plan.base.clone(),
            names,
            dir: PathBuf::from(dir),
        }));
    }

    /// What exists where the download goes: nothing starts it at once (nothing can be
    /// overwritten, and a file that appears meanwhile is left alone); something asks.
    pub(super) fn on_existing(
        &mut self,
        req: RequestId,
        count: usize,
        examples: Vec<PathBuf>,
        cmds: &mut Effects,
    ) {
        let Some(plan) = self.transfers.plan.as_mut() else {
            return;
        };
        if plan.checking != Some(req) {
            return;
        }
        plan.checking = None;
        if count == 0 {
            self.start_download(ConflictPolicy::Skip, cmds);
            return;
        }
        plan.existing = (count, examples);
        let m = TransferModal::Conflict {
            choice: ConflictPolicy::Skip,
            remember: false,
        };
        self.modals.push(Modal::Transfer(Box::new(m)));
    }

    /// A key in the existing-files question, `choice` highlighted.
    pub(super) fn on_conflict_action(
        &mut self,
        choice: ConflictPolicy,
        a: Action,
        cmds: &mut Effects,
    ) {
        if a == Action::Toggle {
            if let Some(TransferModal::Conflict { remember, .. }) = self.top_transfer_modal() {
                *remember = !*remember;
            }
            return;
        }
        let pick = match a {
            Action::Skip => Some(ConflictPolicy::Skip),
            Action::Overwrite => Some(ConflictPolicy::Overwrite),
            Action::KeepBoth => Some(ConflictPolicy::KeepBoth),
            Action::SkipSame => Some(ConflictPolicy::SkipSame),
            Action::Submit | Action::Confirm => Some(choice),
            Action::NextChoice | Action::PrevChoice => {
                let order = [
                    ConflictPolicy::Skip,
                    ConflictPolicy::Overwrite,
                    ConflictPolicy::KeepBoth,
                    ConflictPolicy::SkipSame,
                ];
                let i = order.iter().position(|c| *c == choice).unwrap_or(0);
                let step = if a == Action::NextChoice {
                    1
                } else {
                    order.len() - 1
                };
                if let Some(TransferModal::Conflict { choice, .. }) = self.top_transfer_modal() {
                    *choice = order[(i + step) % order.len()];
                }
                None
            }
            _ => None,
        };
        if let Some(conflict) = pick {
            if let Some(TransferModal::Conflict { remember: true, .. }) = self.top_transfer_modal()
            {
                self.transfers.conflict_default = Some(conflict);
            }
            self.modals.pop();
            self.start_download(conflict, cmds);
        }
    }

    fn start_download(&mut self, conflict: ConflictPolicy, cmds: &mut Effects) {
        let Some(plan) = self.transfers.plan.take() else {
            return;
        };
        let Some(dir) = plan.dir else { return };
        let req = self.new_req();
        self.transfers.queueing.push(req);
        self.notify(Level::Info, format!("Downloading {} to {dir}", plan.label));
        cmds.push(cmd(TransferCommand::Download {
            req,
            bucket: engine_bucket(&plan.bucket),
            base: plan.base,
            items: plan.items,
            dir: PathBuf::from(dir),
            conflict,
        }));
    }
}
