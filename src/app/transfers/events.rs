//! Worker results for transfers: the engine's job events mirrored into the job table,
//! queueing results, and the files pane reload after uploads into the folder shown.

use super::TransferModal;
use crate::app::modal::said;
use crate::app::{App, Effects, Level, Modal};
use crate::worker::transfer::{self, JobKind, JobSnapshot, JobState, TransferEvent};
use crate::worker::transfer_cmds::TransferNote;

impl App {
    /// A transfer result from the worker.
    pub(crate) fn on_transfer_note(&mut self, note: TransferNote, cmds: &mut Effects) {
        match note {
            TransferNote::Engine(ev) => self.on_engine_event(ev),
            TransferNote::NotStarted { req, error } => {
                if let Some(i) = self.transfers.queueing.iter().position(|r| *r == req) {
                    self.transfers.queueing.remove(i);
                    if self
                        .transfers
                        .resuming
                        .as_ref()
                        .is_some_and(|(r, _)| *r == req)
                    {
                        self.transfers.resuming = None;
                        self.notify(Level::Error, format!("Resume failed: {}", said(&error)));
                    }
                    self.modals.push(Modal::Error {
                        title: "Transfer not started".to_owned(),
                        message: said(&error),
                    });
                } else if let Some(TransferModal::Path(p)) = self.top_transfer_modal()
                    && p.completing.as_ref().is_some_and(|(r, _)| *r == req)
                {
                    p.completing = None;
                    p.error = Some(error.message().to_owned());
                }
            }
            TransferNote::Queued {
                req,
                jobs,
                problems,
            } => {
                self.transfers.queueing.retain(|r| *r != req);
                if let Some(first) = problems.first() {
                    // Some items queued, some could not start: say so, never drop it.
                    let more = match problems.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    self.notify(
                        Level::Warn,
                        format!("{jobs} queued; not started: {}{more}", first.message()),
                    );
                } else if jobs == 0 {
                    self.notify(Level::Warn, "Nothing to transfer");
                }
            }
            TransferNote::LocalListed { req, entries, .. } => self.on_local_listed(req, &entries),
            TransferNote::UnfinishedListed { req, files } => self.on_unfinished_listed(req, files),
            TransferNote::UnfinishedCancelled { req, file_id } => {
                self.on_unfinished_cancelled(req, file_id);
            }
            TransferNote::Existing {
                req,
                count,
                examples,
            } => self.on_existing(req, count, examples, cmds),
            TransferNote::UploadExists {
                req,
                local,
                bucket,
                prefix,
                example,
            } => {
                self.transfers.queueing.retain(|r| *r != req);
                self.ask_upload_conflict(local, bucket, prefix, example);
            }
        }
    }

    fn on_engine_event(&mut self, ev: TransferEvent) {
        if let TransferEvent::Queued { job } = ev {
            self.on_job_queued(job);
            return;
        }
        self.on_resume_event(&ev);
        self.on_group_end(&ev);
        let jobs = &mut self.transfers.jobs;
        match ev {
            // Taken above: it moves the cursor, which needs more than the table.
            TransferEvent::Queued { .. } => {}
            TransferEvent::Started { id } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.state = JobState::Running;
                    j.retry = None;
                }
            }
            TransferEvent::Retrying {
                id,
                retry,
                bytes_done,
            } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.retry = Some(retry);
                    j.bytes_done = bytes_done;
                }
            }
            TransferEvent::LargeFileStarted { id } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.large_file = true;
                }
            }
            TransferEvent::Hashing {
                id,
                bytes_hashed,
                bytes_total,
            } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.hashing = (bytes_hashed < bytes_total).then_some(bytes_hashed);
                    j.bytes_total = bytes_total;
                }
            }
            TransferEvent::DestinationChanged { id, destination } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.destination = destination;
                }
            }
            TransferEvent::Progressed {
                id,
                bytes_done,
                bytes_total,
                bytes_per_sec,
            } => {
                if let Some(j) = jobs.get_mut(&id) {
                    // A byte beyond where the wait began: the retry is under way.
                    if bytes_done > j.bytes_done {
                        j.retry = None;
                    }
                    j.bytes_done = bytes_done;
                    j.bytes_total = bytes_total;
                    j.bytes_per_sec = bytes_per_sec;
                }
            }
            TransferEvent::Finished {
                id,
                bytes,
                elapsed_ms,
                ..
            } => {
                let Some(j) = jobs.get_mut(&id) else { return };
                j.state = JobState::Done;
                j.elapsed_ms = Some(elapsed_ms);
                j.hashing = None;
                j.retry = None;
                j.bytes_done = bytes;
                j.bytes_total = j.bytes_total.max(bytes);
                j.bytes_per_sec = 0;
                if j.kind == JobKind::Upload && self.is_visible_destination(id) {
                    self.transfers.refresh_files = true;
                }
            }
            TransferEvent::Failed { id, error } => set_state(jobs, id, JobState::Failed { error }),
            TransferEvent::Skipped { id, reason } => {
                set_state(jobs, id, JobState::Skipped { reason });
            }
            TransferEvent::Cancelled { id } => set_state(jobs, id, JobState::Cancelled),
            TransferEvent::Paused { id } => set_state(jobs, id, JobState::Paused),
            // The job's status tells of its files in aggregate; the file by file news is
            // for the command line (the engine sends it only when asked to).
            TransferEvent::GroupFileEnded { .. } | TransferEvent::GroupFileRetrying { .. } => {}
            TransferEvent::GroupProgressed { id, status } => {
                if let Some(j) = jobs.get_mut(&id) {
                    j.bytes_done = status.bytes_done;
                    j.bytes_total = status.bytes_total;
                    j.bytes_per_sec = status.bytes_per_sec;
                    j.group = Some(status);
                }
                if self.transfers.expanded.contains(&id) {
                    // Its file rows come and go: keep the cursor on a row.
                    let len = self.transfers.rows().len();
                    let c = &mut self.transfers.cursor;
                    c.selected = c.selected.min(len.saturating_sub(1));
                }
            }
        }
    }

    /// A job of many files ended: its summary as a notification.
    fn on_group_end(&mut self, ev: &TransferEvent) {
        let id = match ev {
            TransferEvent::Finished { id, .. } | TransferEvent::Failed { id, .. } => *id,
            _ => return,
        };
        let Some(job) = self.transfers.jobs.get(&id) else {
            return;
        };
        let Some(g) = &job.group else { return };
        let level = if g.failed > 0 {
            Level::Warn
        } else {
            Level::Info
        };
        let text = format!("{} {}: {}", job.id, job.source, super::summary(g));
        self.notify(level, text);
    }

    /// A new row, or a job queued again (retry, resume): it takes the cursor, so that the
    /// keys of the transfers view act on the transfer just started.
    fn on_job_queued(&mut self, job: JobSnapshot) {
        let id = job.id;
        if job.kind == JobKind::Upload {
            let sources = &mut self.transfers.upload_sources;
            sources.insert(job.destination.clone(), job.source.clone());
        }
        self.transfers.jobs.insert(id, job);
        if let Some(row) = self.transfers.row_of(id) {
            let page = self.list_height().saturating_sub(2) / 2;
            self.transfers.cursor.select(row, page);
        }
    }

    /// The job of the resume asked for last ended: a failure replaces "Resuming…".
    fn on_resume_event(&mut self, ev: &TransferEvent) {
        let id = match ev {
            TransferEvent::Finished { id, .. }
            | TransferEvent::Failed { id, .. }
            | TransferEvent::Cancelled { id }
            | TransferEvent::Skipped { id, .. } => *id,
            _ => return,
        };
        let Some((_, label)) = &self.transfers.resuming else {
            return;
        };
        let Some(job) = self.transfers.jobs.get(&id) else {
            return;
        };
        if job.kind != JobKind::Upload || job.destination != *label {
            return;
        }
        if let TransferEvent::Failed { error, .. } = ev {
            let text = format!("Resume of {label} failed: {}", said(error));
            self.notify(Level::Error, text);
        }
        self.transfers.resuming = None;
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
        j.hashing = None;
        j.retry = None;
    }
}
