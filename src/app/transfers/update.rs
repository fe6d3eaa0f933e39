//! `App` methods for transfers: view switching by number keys, the transfers view's keys,
//! upload/download prompts, completion results, engine events and the files refresh.

use std::path::{Path, PathBuf};

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{
    DownloadPlan, PathPrompt, PromptPurpose, TransferModal, UnfinishedList, complete, dir_to_list,
};
use crate::app::panes::Motion;
use crate::app::{Action, App, BucketRef, Effects, Focus, Level, Modal, Row, View};
use crate::b2::{FileAction, FileId};
use crate::input::Scope;
use crate::worker::transfer::{self, CancelMode, ConflictPolicy, JobKind, JobState, TransferEvent};
use crate::worker::transfer_cmds::{DownloadItem, TransferCommand, TransferNote};
use crate::worker::{Command, RequestId};

fn cmd(c: TransferCommand) -> Command {
    Command::Transfer(c)
}

fn engine_bucket(b: &BucketRef) -> transfer::BucketRef {
    transfer::BucketRef {
        id: b.id.clone(),
        name: b.name.clone(),
    }
}

/// The last segment of a B2 name (`a/b/c.txt` → `c.txt`, `a/b/` → `b/`).
fn base_label(name: &str) -> &str {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    match trimmed.rfind('/') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

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

    fn top_transfer_modal(&mut self) -> Option<&mut TransferModal> {
        match self.modals.last_mut() {
            Some(Modal::Transfer(m)) => Some(m),
            _ => None,
        }
    }

    /// A key while a transfers modal is on top: the path prompt takes text, the other
    /// dialogs take actions.
    pub(crate) fn on_transfer_modal_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        cmds: &mut Effects,
    ) {
        if scope != Scope::PathPrompt {
            if let Some(a) = action {
                self.on_transfer_modal_action(a, cmds);
            }
            return;
        }
        match action {
            Some(Action::Complete) => self.start_completion(cmds),
            Some(Action::Submit) => self.submit_path(cmds),
            Some(Action::Close) => {
                self.modals.pop();
                self.transfers.plan = None;
            }
            _ => {
                if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
                    && p.input.handle_event(&Event::Key(key)).is_some()
                {
                    p.error = None;
                }
            }
        }
    }

    /// An action in the transfers view (no modal open).
    pub(crate) fn on_transfers_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height().saturating_sub(2) / 2;
        let len = self.transfers.jobs.len();
        match action {
            Action::MoveUp => self.transfers.cursor.apply(Motion::Up, len, page),
            Action::MoveDown => self.transfers.cursor.apply(Motion::Down, len, page),
            Action::PageUp => self.transfers.cursor.apply(Motion::PageUp, len, page),
            Action::PageDown => self.transfers.cursor.apply(Motion::PageDown, len, page),
            Action::GoTop => self.transfers.cursor.apply(Motion::Top, len, page),
            Action::GoBottom => self.transfers.cursor.apply(Motion::Bottom, len, page),
            _ => false,
        };
        match action {
            Action::Quit => cmds.quit(),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::Close => self.view = View::Browse,
            Action::CancelJob => self.ask_cancel(),
            Action::PauseJob => {
                if let Some(j) = self.transfers.selected() {
                    let id = j.id;
                    match j.state {
                        JobState::Queued | JobState::Running => {
                            cmds.push(cmd(TransferCommand::Pause { id }));
                        }
                        JobState::Paused => cmds.push(cmd(TransferCommand::Resume { id })),
                        _ => self.notify(Level::Info, "Only queued or running transfers pause"),
                    }
                }
            }
            Action::RetryJob => {
                if let Some(j) = self.transfers.selected() {
                    let id = j.id;
                    match j.state {
                        JobState::Failed { .. } | JobState::Cancelled => {
                            cmds.push(cmd(TransferCommand::Retry { id }));
                        }
                        JobState::Paused => cmds.push(cmd(TransferCommand::Resume { id })),
                        _ => self.notify(Level::Info, "Only failed or cancelled transfers retry"),
                    }
                }
            }
            Action::ClearFinished => {
                self.transfers.jobs.retain(|_, j| {
                    !matches!(
                        j.state,
                        JobState::Done
                            | JobState::Failed { .. }
                            | JobState::Cancelled
                            | JobState::Skipped { .. }
                    )
                });
                self.clamp_job_cursor();
                cmds.push(cmd(TransferCommand::ClearFinished));
            }
            Action::ShowUnfinished => self.show_unfinished(cmds),
            _ => {}
        }
    }

    fn clamp_job_cursor(&mut self) {
        let len = self.transfers.jobs.len();
        let c = &mut self.transfers.cursor;
        c.selected = c.selected.min(len.saturating_sub(1));
    }

    fn ask_cancel(&mut self) {
        let Some(j) = self.transfers.selected() else {
            return;
        };
        if j.state.is_final() && j.state != JobState::Paused {
            self.notify(Level::Info, "That transfer is over");
            return;
        }
        let label = match j.kind {
            JobKind::Upload => j.destination.clone(),
            JobKind::Download => j.source.clone(),
        };
        let m = TransferModal::Cancel {
            id: j.id,
            label,
            can_keep: j.kind == JobKind::Upload,
        };
        self.modals.push(Modal::Transfer(Box::new(m)));
    }

    /// Upload, download and unfinished-files actions of the browse panes; false for
    /// other actions.
    pub(crate) fn on_transfer_pane_action(&mut self, action: Action, cmds: &mut Effects) -> bool {
        match action {
            Action::StartUpload => {
                let Some(bucket) = self.files.bucket.clone() else {
                    self.notify(Level::Info, "Open a bucket to upload into");
                    return true;
                };
                let purpose = PromptPurpose::Upload {
                    bucket,
                    prefix: self.files.prefix.clone(),
                };
                let p = PathPrompt::new(purpose, "");
                self.modals
                    .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
            }
            Action::StartDownload => self.plan_download(),
            Action::ShowUnfinished => self.show_unfinished(cmds),
            _ => return false,
        }
        true
    }

    fn plan_download(&mut self) {
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
                Some(v) => DownloadItem::File(Box::new(v.clone())),
                None => DownloadItem::Name(name.to_owned()),
            }
        };
        let (items, label) = if self.restore.marks.is_empty() {
            match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() || e.action == FileAction::Upload => {
                    let label = base_label(&e.file_name).to_owned();
                    (vec![item_for(&e.file_name)], label)
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
        self.transfers.plan = Some(DownloadPlan {
            bucket,
            base,
            items,
            label,
            dir: None,
        });
        let p = PathPrompt::new(PromptPurpose::DownloadTo, &self.default_download_dir());
        self.modals
            .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
    }

    fn show_unfinished(&mut self, cmds: &mut Effects) {
        let bucket = match (&self.files.bucket, self.focus) {
            (Some(b), f) if f != Focus::Buckets || self.view == View::Transfers => b.clone(),
            _ => match self.buckets.selected() {
                Some(b) => BucketRef {
                    id: b.bucket_id.clone(),
                    name: b.bucket_name.clone(),
                },
                None => {
                    self.notify(Level::Info, "Open a bucket first");
                    return;
                }
            },
        };
        let req = self.new_req();
        cmds.push(cmd(TransferCommand::ListUnfinished {
            req,
            bucket: engine_bucket(&bucket),
        }));
        self.transfers.unfinished = Some(UnfinishedList {
            bucket,
            files: None,
            cursor: Default::default(),
            req,
        });
        if !matches!(
            self.modals.last(),
            Some(Modal::Transfer(m)) if **m == TransferModal::Unfinished
        ) {
            self.modals
                .push(Modal::Transfer(Box::new(TransferModal::Unfinished)));
        }
    }

    fn start_completion(&mut self, cmds: &mut Effects) {
        let req = self.new_req();
        let Some(TransferModal::Path(p)) = self.top_transfer_modal() else {
            return;
        };
        let typed = p.input.value().to_owned();
        p.completing = Some((req, typed.clone()));
        cmds.push(cmd(TransferCommand::ListLocal {
            req,
            dir: dir_to_list(&typed),
        }));
    }

    fn submit_path(&mut self, cmds: &mut Effects) {
        let req = self.new_req();
        let Some(TransferModal::Path(p)) = self.top_transfer_modal() else {
            return;
        };
        let value = p.input.value().trim().to_owned();
        if value.is_empty() {
            p.error = Some("Type a path (Tab completes)".to_owned());
            return;
        }
        let purpose = p.purpose.clone();
        self.modals.pop();
        let local = PathBuf::from(&value);
        match purpose {
            PromptPurpose::Upload { bucket, prefix } => {
                self.transfers.queueing.push(req);
                cmds.push(cmd(TransferCommand::Upload {
                    req,
                    local,
                    bucket: engine_bucket(&bucket),
                    prefix: prefix.clone(),
                }));
                let to = format!("b2://{}/{prefix}", bucket.name);
                self.notify(Level::Info, format!("Uploading {value} to {to}"));
            }
            PromptPurpose::DownloadTo => {
                self.transfers.download_dir = Some(value.clone());
                if let Some(plan) = self.transfers.plan.as_mut() {
                    plan.dir = Some(value);
                    let m = TransferModal::Conflict {
                        choice: ConflictPolicy::Skip,
                    };
                    self.modals.push(Modal::Transfer(Box::new(m)));
                }
            }
            PromptPurpose::Resume { bucket, file_name } => {
                self.transfers.queueing.push(req);
                cmds.push(cmd(TransferCommand::UploadAs {
                    req,
                    local,
                    bucket: engine_bucket(&bucket),
                    file_name: file_name.clone(),
                }));
                self.notify(Level::Info, format!("Resuming {file_name} from {value}"));
            }
        }
    }

    fn on_transfer_modal_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height().saturating_sub(8).max(1);
        let Some(top) = self.top_transfer_modal().map(|m| (*m).clone()) else {
            return;
        };
        match (top, action) {
            (TransferModal::Unfinished, Action::Close | Action::Quit) => {
                self.modals.pop();
                self.transfers.unfinished = None;
            }
            (_, Action::Close | Action::Quit) => {
                self.modals.pop();
                self.transfers.plan = None;
            }
            (TransferModal::Conflict { choice }, a) => {
                let pick = match a {
                    Action::Skip => Some(ConflictPolicy::Skip),
                    Action::Overwrite => Some(ConflictPolicy::Overwrite),
                    Action::KeepBoth => Some(ConflictPolicy::KeepBoth),
                    Action::Submit | Action::Confirm => Some(choice),
                    Action::NextChoice | Action::PrevChoice => {
                        let order = [
                            ConflictPolicy::Skip,
                            ConflictPolicy::Overwrite,
                            ConflictPolicy::KeepBoth,
                        ];
                        let i = order.iter().position(|c| *c == choice).unwrap_or(0);
                        let step = if a == Action::NextChoice { 1 } else { 2 };
                        if let Some(TransferModal::Conflict { choice }) = self.top_transfer_modal()
                        {
                            *choice = order[(i + step) % 3];
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(conflict) = pick {
                    self.modals.pop();
                    self.start_download(conflict, cmds);
                }
            }
            (TransferModal::Cancel { id, can_keep, .. }, a) => {
                let mode = match a {
                    Action::Discard => CancelMode::Discard,
                    Action::KeepForResume if can_keep => CancelMode::KeepForResume,
                    _ => return,
                };
                self.modals.pop();
                cmds.push(cmd(TransferCommand::Cancel { id, mode }));
            }
            (TransferModal::CancelUnfinished { file_id, .. }, Action::Discard) => {
                self.modals.pop();
                let req = self.new_req();
                self.transfers.cancelling.push(req);
                cmds.push(cmd(TransferCommand::CancelUnfinished {
                    req,
                    file_id: FileId::from(file_id.as_str()),
                }));
            }
            (TransferModal::Unfinished, a) => self.on_unfinished_action(a, page, cmds),
            _ => {}
        }
    }

    fn on_unfinished_action(&mut self, action: Action, page: usize, cmds: &mut Effects) {
        let default_dir = self.default_download_dir();
        let Some(list) = self.transfers.unfinished.as_mut() else {
            return;
        };
        let len = list.files.as_ref().map_or(0, Vec::len);
        let motion = match action {
            Action::MoveUp => Some(Motion::Up),
            Action::MoveDown => Some(Motion::Down),
            Action::PageUp => Some(Motion::PageUp),
            Action::PageDown => Some(Motion::PageDown),
            Action::GoTop => Some(Motion::Top),
            Action::GoBottom => Some(Motion::Bottom),
            _ => None,
        };
        if let Some(m) = motion {
            list.cursor.apply(m, len, page);
            return;
        }
        match action {
            Action::Refresh => self.show_unfinished(cmds),
            Action::ResumeUpload => {
                let Some(f) = list.selected() else { return };
                let local = Path::new(&default_dir).join(base_label(&f.file_name));
                let purpose = PromptPurpose::Resume {
                    bucket: list.bucket.clone(),
                    file_name: f.file_name.clone(),
                };
                let p = PathPrompt::new(purpose, &local.display().to_string());
                self.modals
                    .push(Modal::Transfer(Box::new(TransferModal::Path(p))));
            }
            Action::CancelJob => {
                let Some(f) = list.selected() else { return };
                let Some(id) = f.file_id.as_ref() else { return };
                let m = TransferModal::CancelUnfinished {
                    file_id: id.as_str().to_owned(),
                    file_name: f.file_name.clone(),
                };
                self.modals.push(Modal::Transfer(Box::new(m)));
            }
            _ => {}
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

    /// A transfer result from the worker.
    pub(crate) fn on_transfer_note(&mut self, note: TransferNote, _cmds: &mut Effects) {
        match note {
            TransferNote::Engine(ev) => self.on_engine_event(ev),
            TransferNote::NotStarted { req, error } => {
                if let Some(i) = self.transfers.queueing.iter().position(|r| *r == req) {
                    self.transfers.queueing.remove(i);
                    self.modals.push(Modal::Error {
                        title: "Transfer not started".to_owned(),
                        message: error,
                    });
                } else if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
                    && p.completing.as_ref().is_some_and(|(r, _)| *r == req)
                {
                    p.completing = None;
                    p.error = Some(error);
                }
            }
            TransferNote::Queued { req, jobs } => {
                self.transfers.queueing.retain(|r| *r != req);
                if jobs == 0 {
                    self.notify(Level::Warn, "Nothing to transfer");
                }
            }
            TransferNote::LocalListed { req, entries, .. } => {
                if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
                    && let Some((r, typed)) = p.completing.take()
                {
                    if r != req || p.input.value() != typed {
                        return;
                    }
                    let c = complete(&typed, &entries);
                    if c.value == typed && c.candidates.is_empty() {
                        p.error = Some("No match".to_owned());
                    }
                    p.input = tui_input::Input::new(c.value);
                    p.candidates = c.candidates;
                }
            }
            TransferNote::UnfinishedListed { req, files } => {
                if let Some(list) = self.transfers.unfinished.as_mut()
                    && list.req == req
                {
                    list.files = Some(files);
                    list.cursor = Default::default();
                }
            }
            TransferNote::UnfinishedCancelled { req, file_id } => {
                self.transfers.cancelling.retain(|r| *r != req);
                if let Some(files) = self
                    .transfers
                    .unfinished
                    .as_mut()
                    .and_then(|l| l.files.as_mut())
                {
                    files.retain(|f| f.file_id.as_ref() != Some(&file_id));
                }
                self.notify(Level::Info, "Unfinished large file cancelled");
            }
        }
    }

    /// A failed request of this module (listing or cancelling unfinished files).
    pub(crate) fn on_transfer_failed(&mut self, req: RequestId, error: &str) -> bool {
        let listing = self
            .transfers
            .unfinished
            .as_ref()
            .is_some_and(|l| l.req == req);
        let cancelling = self.transfers.cancelling.contains(&req);
        if !listing && !cancelling {
            return false;
        }
        if let Some(l) = self.transfers.unfinished.as_mut().filter(|_| listing) {
            l.files = Some(Vec::new());
        }
        self.transfers.cancelling.retain(|r| *r != req);
        let title = if listing {
            "Could not list unfinished large files"
        } else {
            "Could not cancel the large file"
        };
        self.modals.push(Modal::Error {
            title: title.to_owned(),
            message: error.to_owned(),
        });
        true
    }

    fn on_engine_event(&mut self, ev: TransferEvent) {
        let jobs = &mut self.transfers.jobs;
        match ev {
            TransferEvent::Queued { job } => {
                jobs.insert(job.id, job);
            }
            TransferEvent::Started { id } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.state = JobState::Running;
                }
            }
            TransferEvent::Progressed {
                id,
                bytes_done,
                bytes_total,
                bytes_per_sec,
            } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.bytes_done = bytes_done;
                    j.bytes_total = bytes_total;
                    j.bytes_per_sec = bytes_per_sec;
                }
            }
            TransferEvent::Finished { id, bytes, .. } => {
                let Some(j) = jobs.get_mut(&id) else { return };
                j.state = JobState::Done;
                j.bytes_done = bytes;
                j.bytes_total = j.bytes_total.max(bytes);
                j.bytes_per_sec = 0;
                if j.kind == JobKind::Upload && self.is_visible_destination(id) {
                    self.transfers.refresh_files = true;
                }
            }
            TransferEvent::Failed { id, reason } => {
                set_state(jobs, id, JobState::Failed { reason })
            }
            TransferEvent::Skipped { id, reason } => {
                set_state(jobs, id, JobState::Skipped { reason });
            }
            TransferEvent::Cancelled { id } => set_state(jobs, id, JobState::Cancelled),
            TransferEvent::Paused { id } => set_state(jobs, id, JobState::Paused),
        }
    }

    /// True when the job's remote name lies under the folder the files pane shows.
    fn is_visible_destination(&self, id: transfer::JobId) -> bool {
        let (Some(job), Some(bucket)) = (self.transfers.jobs.get(&id), &self.files.bucket) else {
            return false;
        };
        let folder = format!("b2://{}/{}", bucket.name, self.files.prefix);
        job.destination.starts_with(&folder)
    }

    /// Per tick: reload the files pane after uploads into it finished (one reload for a
    /// burst of them).
    pub(crate) fn transfers_tick(&mut self, cmds: &mut Effects) {
        if !self.transfers.refresh_files || self.files.pending.is_some() {
            return;
        }
        self.transfers.refresh_files = false;
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        let marks = self.restore.marks.clone();
        self.files.reload(req);
        let prefix = self.files.prefix.clone();
        cmds.push(self.folder_command(req, bucket.id, prefix));
        self.restore.marks = marks;
    }
}

fn set_state(
    jobs: &mut std::collections::BTreeMap<transfer::JobId, transfer::JobSnapshot>,
    id: transfer::JobId,
    state: JobState,
) {
    if let Some(j) = jobs.get_mut(&id) {
        j.state = state;
        j.bytes_per_sec = 0;
    }
}
