//! The engine behind [`TransferEngine`](super::TransferEngine): the job table, the run of
//! one job under the file limit, final states and events (including a failed cancel of a
//! large upload), throttled progress, part sizes and the pool of upload URLs.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::jobs::{
    BucketRef, CancelMode, JobId, JobSnapshot, JobSpec, JobState, SkipReason, TransferEvent,
    TransferOptions,
};
use super::{download, lock, upload};
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
}

impl Progress {
    /// Bytes hashed so far, while the whole-file SHA-1 is computed.
    pub(super) fn hashing(&self) -> Option<u64> {
        let hashing = *lock(&self.hashing);
        hashing.then(|| self.hashed.load(Ordering::Relaxed))
    }
}

pub(super) struct JobEntry {
    pub(super) spec: JobSpec,
    pub(super) snapshot: JobSnapshot,
    pub(super) progress: Arc<Progress>,
    pub(super) state: watch::Sender<JobState>,
    pub(super) control: Option<(CancellationToken, Arc<Mutex<Option<Stop>>>)>,
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
        JobSnapshot {
            bytes_done: self.progress.done.load(Ordering::Relaxed),
            bytes_total: self.progress.total.load(Ordering::Relaxed),
            bytes_per_sec: self.progress.speed.load(Ordering::Relaxed),
            hashing: self.progress.hashing(),
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
        };
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
                let work = async {
                    match &spec {
                        JobSpec::Upload {
                            local,
                            bucket,
                            file_name,
                        } => upload::run(&ctx, local, bucket, file_name).await,
                        JobSpec::Download {
                            bucket,
                            file,
                            local,
                            conflict,
                        } => download::run(&ctx, bucket, file, local, *conflict).await,
                    }
                };
                let result = tokio::select! {
                    r = work => Some(r),
                    () = token.cancelled() => None,
                };
                ticker.abort();
                // Stopped while hashing: no more `Hashing`; the final event says why.
                *lock(&progress.hashing) = false;
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

    /// `b2_cancel_large_file` after a cancel: the parts are not needed any more. When B2
    /// refuses, the job fails with the reason, so that the user learns the unfinished file
    /// (and its parts) is still there.
    async fn cancel_large_file(&self, file_id: &FileId) -> JobState {
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

    /// Records and reports that the upload `id` goes as a large file.
    pub(super) fn mark_large_file(&self, id: JobId) {
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.snapshot.large_file = true;
        }
        let _ = self.events.send(TransferEvent::LargeFileStarted { id });
    }

    /// Records and reports where a job's bytes went, when not where it was asked to
    /// write them (a download kept beside an existing file as `name (1).ext`).
    pub(super) fn set_destination(&self, id: JobId, destination: String) {
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.snapshot.destination.clone_from(&destination);
        }
        let _ = self
            .events
            .send(TransferEvent::DestinationChanged { id, destination });
    }

    /// The whole-file SHA-1 of the upload `id` is being computed: reports `Hashing` from 0
    /// now, then from the progress ticker.
    pub(super) fn start_hashing(&self, id: JobId, p: &Progress) {
        let mut hashing = lock(&p.hashing);
        *hashing = true;
        p.hashed.store(0, Ordering::Relaxed);
        let _ = self.events.send(TransferEvent::Hashing {
            id,
            bytes_hashed: 0,
            bytes_total: p.total.load(Ordering::Relaxed),
        });
    }

    /// The SHA-1 is known (or hashing stopped): a last `Hashing` with every byte hashed.
    pub(super) fn end_hashing(&self, id: JobId, p: &Progress) {
        let mut hashing = lock(&p.hashing);
        if !std::mem::replace(&mut *hashing, false) {
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

/// Sends `Progressed` at most every 100 ms while bytes move, with a smoothed speed.
async fn report_progress(
    id: JobId,
    progress: Arc<Progress>,
    events: mpsc::UnboundedSender<TransferEvent>,
) {
    const TICK: Duration = Duration::from_millis(100);
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last = (Instant::now(), progress.done.load(Ordering::Relaxed));
    let mut speed = 0.0f64;
    let mut last_hashed = None;
    loop {
        interval.tick().await;
        {
            let hashing = lock(&progress.hashing);
            let hashed = progress.hashed.load(Ordering::Relaxed);
            let total = progress.total.load(Ordering::Relaxed);
            // The last one, every byte hashed, is `end_hashing`'s.
            if *hashing && hashed < total && last_hashed != Some(hashed) {
                let sent = events.send(TransferEvent::Hashing {
                    id,
                    bytes_hashed: hashed,
                    bytes_total: total,
                });
                if sent.is_err() {
                    return;
                }
                last_hashed = Some(hashed);
            }
        }
        let now = Instant::now();
        let done = progress.done.load(Ordering::Relaxed);
        let dt = now.duration_since(last.0).as_secs_f64();
        if dt <= 0.0 {
            continue;
        }
        let rate = done.saturating_sub(last.1) as f64 / dt;
        // Exponential smoothing over roughly a second.
        speed = if speed == 0.0 {
            rate
        } else {
            speed * 0.8 + rate * 0.2
        };
        progress.speed.store(speed as u64, Ordering::Relaxed);
        if done != last.1 {
            let sent = events.send(TransferEvent::Progressed {
                id,
                bytes_done: done,
                bytes_total: progress.total.load(Ordering::Relaxed),
                bytes_per_sec: speed as u64,
            });
            if sent.is_err() {
                return;
            }
        }
        last = (now, done);
    }
}
