//! The engine behind [`TransferEngine`](super::TransferEngine): the job table, the run of
//! one job under the file limit, final states and events (including a failed cancel of a
//! large upload), throttled progress with a moving-average speed, the retries a job waits
//! for, part sizes and the pool of upload URLs.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::group::Group;
use super::jobs::{
    BucketRef, CancelMode, JobId, JobSnapshot, JobSpec, JobState, RetryWait, SkipReason,
    TransferError, TransferEvent, TransferOptions,
};
use super::ticker::{report_progress, retry_observer};
use super::{download, lock, same, upload};
use crate::b2::retry;
use crate::b2::{B2Client, BucketId, FileId, RetryPolicy, UploadUrl};
use crate::worker::Failure;

/// How a job ended, when it was not stopped.
pub(super) enum Outcome {
    Done { bytes: u64, verified: bool },
    Skipped(SkipReason),
}

/// Why a running job was told to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    Cancel(CancelMode),
    Pause,
}

/// Bytes moved by one job, shared with the tasks doing the work.
#[derive(Debug, Default)]
pub(super) struct Progress {
    pub(super) done: Arc<AtomicU64>,
    pub(super) total: AtomicU64,
    pub(super) speed: AtomicU64,
    /// Bytes of the whole-file SHA-1 computed so far (a large upload, before its parts).
    pub(super) hashed: Arc<AtomicU64>,
    /// True while that SHA-1 is computed; `Hashing` events are sent under this lock so that
    /// the last one (all bytes hashed) is never overtaken by a tick.
    pub(super) hashing: Mutex<bool>,
    /// The retry the job waits for, with `done` when the wait began: a byte beyond that
    /// ends it. `Retrying` and `Progressed` are sent under this lock, so that a
    /// `Progressed` after a `Retrying` never carries bytes read before the wait began.
    pub(super) retry: Mutex<Option<(Box<RetryWait>, u64)>>,
}

impl Progress {
    /// Bytes hashed so far, while the whole-file SHA-1 is computed.
    pub(super) fn hashing(&self) -> Option<u64> {
        let hashing = *lock(&self.hashing);
        hashing.then(|| self.hashed.load(Ordering::Relaxed))
    }

    /// The retry the job waits for, if any.
    pub(super) fn retry(&self) -> Option<Box<RetryWait>> {
        lock(&self.retry).as_ref().map(|(wait, _)| wait.clone())
    }
}

pub(super) struct JobEntry {
    pub(super) spec: JobSpec,
    pub(super) snapshot: JobSnapshot,
    pub(super) progress: Arc<Progress>,
    pub(super) state: watch::Sender<JobState>,
    pub(super) control: Option<(CancellationToken, Arc<Mutex<Option<Stop>>>)>,
    /// The files of a job of many files.
    pub(super) group: Option<Arc<Group>>,
}

pub(super) struct Engine {
    pub(super) client: B2Client,
    pub(super) options: TransferOptions,
    pub(super) files: Arc<Semaphore>,
    pub(super) parts: Arc<Semaphore>,
    pub(super) jobs: Mutex<BTreeMap<JobId, JobEntry>>,
    pub(super) next_id: AtomicU64,
    pub(super) events: mpsc::UnboundedSender<TransferEvent>,
    /// b2_get_upload_url answers not in use, per bucket (one upload at a time each).
    pub(super) upload_urls: Mutex<HashMap<BucketId, Vec<UploadUrl>>>,
    pub(super) buckets: Mutex<HashMap<String, BucketRef>>,
}

impl JobEntry {
    pub(super) fn current_snapshot(&self) -> JobSnapshot {
        if let Some(group) = &self.group {
            let status = group.status();
            return JobSnapshot {
                bytes_done: status.bytes_done,
                bytes_total: status.bytes_total,
                bytes_per_sec: status.bytes_per_sec,
                group: Some(Box::new(status)),
                ..self.snapshot.clone()
            };
        }
        JobSnapshot {
            bytes_done: self.progress.done.load(Ordering::Relaxed),
            bytes_total: self.progress.total.load(Ordering::Relaxed),
            bytes_per_sec: self.progress.speed.load(Ordering::Relaxed),
            hashing: self.progress.hashing(),
            retry: self.progress.retry(),
            ..self.snapshot.clone()
        }
    }
}

/// What the work of one job can reach.
pub(super) struct JobCtx {
    pub(super) id: JobId,
    pub(super) engine: Arc<Engine>,
    pub(super) progress: Arc<Progress>,
    /// The unfinished large file of an upload, so that a cancel can drop it.
    pub(super) large_file: Mutex<Option<FileId>>,
    /// One file of a job of many files: its hashing, retries and destination are the
    /// job's status, not events of their own.
    pub(super) quiet: bool,
    /// Where a quiet file's bytes went when not where it was asked to write them.
    pub(super) moved: Mutex<Option<String>>,
}

impl Engine {
    pub(super) async fn run(
        self: Arc<Self>,
        id: JobId,
        spec: JobSpec,
        progress: Arc<Progress>,
        token: CancellationToken,
        stop: Arc<Mutex<Option<Stop>>>,
    ) {
        let files = Arc::clone(&self.files);
        let permit = tokio::select! {
            p = files.acquire_owned() => p.ok(),
            () = token.cancelled() => None,
        };
        let ctx = JobCtx {
            id,
            engine: Arc::clone(&self),
            progress: Arc::clone(&progress),
            large_file: Mutex::new(None),
            quiet: false,
            moved: Mutex::new(None),
        };
        let started = std::time::Instant::now();
        let result = match permit {
            None => None,
            Some(_permit) => {
                self.set_state(id, JobState::Running);
                let _ = self.events.send(TransferEvent::Started { id });
                let ticker = tokio::spawn(report_progress(
                    id,
                    Arc::clone(&progress),
                    self.events.clone(),
                ));
                let observer = retry_observer(id, Arc::clone(&progress), self.events.clone());
                let work = retry::observed(observer, self.work(&ctx, &spec));
                let result = tokio::select! {
                    r = work => Some(r),
                    () = token.cancelled() => None,
                };
                ticker.abort();
                // Stopped while hashing or waiting: the final event says why.
                *lock(&progress.hashing) = false;
                *lock(&progress.retry) = None;
                self.send_progress(id, &progress);
                result
            }
        };
        let final_state = match result {
            Some(Ok(Outcome::Done { bytes, verified })) => {
                let _ = self.events.send(TransferEvent::Finished {
                    id,
                    bytes,
                    verified,
                    elapsed_ms: super::jobs::millis(started.elapsed()),
                });
                JobState::Done
            }
            Some(Ok(Outcome::Skipped(reason))) => return self.skip(id, reason),
            Some(Err(e)) => JobState::Failed {
                error: Failure::from(&e),
            },
            None => {
                let why = lock(&stop).unwrap_or(Stop::Cancel(CancelMode::Discard));
                let large = lock(&ctx.large_file).take();
                match (why, large) {
                    (Stop::Cancel(CancelMode::Discard), Some(file_id)) => {
                        self.cancel_large_file(&file_id).await
                    }
                    (Stop::Pause, _) => JobState::Paused,
                    (Stop::Cancel(_), _) => JobState::Cancelled,
                }
            }
        };
        self.settle(id, final_state);
    }

    /// The transfer of one file, as `spec` says (not a job of many files).
    pub(super) async fn work(
        &self,
        ctx: &JobCtx,
        spec: &JobSpec,
    ) -> Result<Outcome, TransferError> {
        match spec {
            JobSpec::Upload {
                local,
                bucket,
                file_name,
            } => {
                if self.options.skip_same_uploads && !ctx.quiet {
                    let existing = same::remote_sum(&self.client, bucket, file_name).await?;
                    if let Some((size, sha1)) = existing
                        && same::local_matches(local, size, sha1.as_deref()).await?
                    {
                        return Ok(Outcome::Skipped(SkipReason::Same));
                    }
                }
                upload::run(ctx, local, bucket, file_name).await
            }
            JobSpec::Download {
                bucket,
                file,
                local,
                conflict,
            } => download::run(ctx, bucket, file, local, *conflict).await,
            JobSpec::Group(_) => Err(TransferError::Invalid(
                "a job of many files is not one file".into(),
            )),
        }
    }

    /// `b2_cancel_large_file` after a cancel: the parts are not needed any more. When B2
    /// refuses, the job fails with the reason, so that the user learns the unfinished file
    /// (and its parts) is still there.
    pub(super) async fn cancel_large_file(&self, file_id: &FileId) -> JobState {
        match self.client.cancel_large_file(file_id).await {
            Ok(_) => JobState::Cancelled,
            Err(e) => JobState::Failed {
                error: Failure::from(&e).context(&format!(
                    "cancelled, but the unfinished large file {file_id} could not be removed \
                     from B2 and keeps its parts until cancelled or resumed"
                )),
            },
        }
    }

    /// Records why a job was skipped and settles it as `Skipped`.
    pub(super) fn skip(&self, id: JobId, reason: SkipReason) {
        self.settle(id, JobState::Skipped { reason });
    }

    /// Records and reports that the upload `id` goes as a large file (for a job of many
    /// files: one of its files does, so that a cancel offers to keep its parts).
    pub(super) fn mark_large_file(&self, ctx: &JobCtx) {
        let id = ctx.id;
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            if ctx.quiet && job.snapshot.large_file {
                return;
            }
            job.snapshot.large_file = true;
        }
        let _ = self.events.send(TransferEvent::LargeFileStarted { id });
    }

    /// Records and reports where a job's bytes went, when not where it was asked to
    /// write them (a download kept beside an existing file as `name (1).ext`).
    pub(super) fn set_destination(&self, ctx: &JobCtx, destination: String) {
        if ctx.quiet {
            *lock(&ctx.moved) = Some(destination);
            return;
        }
        let id = ctx.id;
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.snapshot.destination.clone_from(&destination);
        }
        let _ = self
            .events
            .send(TransferEvent::DestinationChanged { id, destination });
    }

    /// The whole-file SHA-1 of the upload `id` is being computed: reports `Hashing` from 0
    /// now, then from the progress ticker.
    pub(super) fn start_hashing(&self, ctx: &JobCtx) {
        let (id, p) = (ctx.id, &ctx.progress);
        let mut hashing = lock(&p.hashing);
        *hashing = true;
        p.hashed.store(0, Ordering::Relaxed);
        if ctx.quiet {
            return;
        }
        let _ = self.events.send(TransferEvent::Hashing {
            id,
            bytes_hashed: 0,
            bytes_total: p.total.load(Ordering::Relaxed),
        });
    }

    /// The SHA-1 is known (or hashing stopped): a last `Hashing` with every byte hashed.
    pub(super) fn end_hashing(&self, ctx: &JobCtx) {
        let (id, p) = (ctx.id, &ctx.progress);
        let mut hashing = lock(&p.hashing);
        if !std::mem::replace(&mut *hashing, false) || ctx.quiet {
            return;
        }
        let total = p.total.load(Ordering::Relaxed);
        let _ = self.events.send(TransferEvent::Hashing {
            id,
            bytes_hashed: total,
            bytes_total: total,
        });
    }

    pub(super) fn set_state(&self, id: JobId, state: JobState) {
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.snapshot.state = state.clone();
            job.state.send_replace(state);
        }
    }

    /// Records a final state and reports it (`Finished` is sent by `run`, with its bytes).
    pub(super) fn settle(&self, id: JobId, state: JobState) {
        let event = match &state {
            JobState::Failed { error } => Some(TransferEvent::Failed {
                id,
                error: error.clone(),
            }),
            JobState::Skipped { reason } => Some(TransferEvent::Skipped {
                id,
                reason: reason.clone(),
            }),
            JobState::Cancelled => Some(TransferEvent::Cancelled { id }),
            JobState::Paused => Some(TransferEvent::Paused { id }),
            _ => None,
        };
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.control = None;
        }
        if let Some(e) = event {
            let _ = self.events.send(e);
        }
        self.set_state(id, state);
    }

    pub(super) fn send_progress(&self, id: JobId, p: &Progress) {
        let _ = self.events.send(TransferEvent::Progressed {
            id,
            bytes_done: p.done.load(Ordering::Relaxed),
            bytes_total: p.total.load(Ordering::Relaxed),
            bytes_per_sec: p.speed.load(Ordering::Relaxed),
        });
    }

    /// Part and range size for a file of `size` bytes: the chosen or recommended size, at
    /// least B2's minimum, and large enough to stay within 10,000 parts.
    pub(super) fn part_size(&self, size: u64) -> u64 {
        let session = self.client.session();
        let wanted = self
            .options
            .part_size
            .unwrap_or(session.recommended_part_size);
        wanted
            .max(session.absolute_minimum_part_size)
            .max(size.div_ceil(10_000))
            .max(1)
    }

    /// The client's retry policy with the transfer budget of tries.
    pub(super) fn transfer_policy(&self) -> RetryPolicy {
        self.client
            .retry_policy()
            .with_attempts_at_least(self.options.transfer_attempts)
    }

    pub(super) fn take_upload_url(&self, bucket: &BucketId) -> Option<UploadUrl> {
        lock(&self.upload_urls).get_mut(bucket)?.pop()
    }

    pub(super) fn return_upload_url(&self, bucket: &BucketId, url: UploadUrl) {
        lock(&self.upload_urls)
            .entry(bucket.clone())
            .or_default()
            .push(url);
    }
}
