//! The transfer engine: a job table of uploads and downloads, run under two concurrency
//! limits (files, and parts/ranges), with throttled progress events, cancel, pause and
//! retry. The TUI pane and the headless `cp` share it; HTTP calls stay in `b2/`.

mod download;
mod engine;
mod group;
mod group_file;
mod group_types;
mod io;
mod jobs;
pub mod paths;
mod same;
mod source;
pub mod speed;
mod ticker;
mod upload;
mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::b2::B2Client;
use engine::{Engine, JobCtx, JobEntry, Outcome, Progress, Stop};
pub use group::{
    FileFailure, FileOutcome, FileStatus, GroupFileEnd, GroupItem, GroupSpec, GroupStatus,
    LISTED_FAILURES,
};
pub use jobs::{
    BucketRef, CancelMode, ConflictPolicy, JobId, JobKind, JobSnapshot, JobSpec, JobState,
    RemoteFile, RetryWait, SkipReason, TransferError, TransferEvent, TransferOptions,
};
pub use paths::{UnsafeName, local_path_for};

/// Handle on the engine; cheap to clone. Dropping every handle does not stop running jobs.
#[derive(Clone)]
pub struct TransferEngine {
    inner: Arc<Engine>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl TransferEngine {
    /// An engine over `client`; its events arrive on the returned receiver.
    pub fn new(
        client: B2Client,
        options: TransferOptions,
    ) -> (Self, mpsc::UnboundedReceiver<TransferEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Engine {
            files: Arc::new(Semaphore::new(options.file_concurrency.max(1))),
            parts: Arc::new(Semaphore::new(options.part_concurrency.max(1))),
            client,
            options,
            jobs: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(1),
            events: tx,
            upload_urls: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
        };
        (
            Self {
                inner: Arc::new(engine),
            },
            rx,
        )
    }

    /// The client the engine uses.
    pub fn client(&self) -> &B2Client {
        &self.inner.client
    }

    /// Looks a bucket up by name (`b2_list_buckets`, cached).
    pub async fn bucket(&self, name: &str) -> Result<BucketRef, TransferError> {
        if let Some(b) = lock(&self.inner.buckets).get(name) {
            return Ok(b.clone());
        }
        let b = find_bucket(&self.inner.client, name).await?;
        lock(&self.inner.buckets).insert(name.to_owned(), b.clone());
        Ok(b)
    }

    /// Queues one upload of `local` as `file_name`.
    pub fn upload_file(&self, local: PathBuf, bucket: BucketRef, file_name: String) -> JobId {
        self.enqueue(JobSpec::Upload {
            local,
            bucket,
            file_name,
        })
    }

    /// Queues one download to `local`.
    pub fn download_file(
        &self,
        bucket: BucketRef,
        file: RemoteFile,
        local: PathBuf,
        conflict: ConflictPolicy,
    ) -> JobId {
        self.enqueue(JobSpec::Download {
            bucket,
            file,
            local,
            conflict,
        })
    }

    /// Queues a download of `items` into `dir` (at their names relative to `base`) as ONE
    /// job: folders are listed as it runs, files are fed into the file limit as they are
    /// found.
    pub fn download_group(
        &self,
        bucket: BucketRef,
        base: String,
        items: Vec<GroupItem>,
        dir: PathBuf,
        conflict: ConflictPolicy,
    ) -> JobId {
        self.enqueue(JobSpec::Group(Box::new(GroupSpec::Download {
            bucket,
            base,
            items,
            dir,
            conflict,
        })))
    }

    /// Queues an upload of every file under `dir` as `prefix` + its relative path as ONE
    /// job, walking the folder as it runs. With `ConflictPolicy::SkipSame`, remote files
    /// holding the same bytes are left alone.
    pub fn upload_group(
        &self,
        dir: PathBuf,
        bucket: BucketRef,
        prefix: String,
        conflict: ConflictPolicy,
    ) -> JobId {
        self.enqueue(JobSpec::Group(Box::new(GroupSpec::Upload {
            dir,
            bucket,
            prefix,
            conflict,
        })))
    }

    /// True when uploads leave remote files holding the same bytes alone (config).
    pub fn skips_same_uploads(&self) -> bool {
        self.inner.options.skip_same_uploads
    }

    /// Cancels every job not yet final (paused ones included).
    pub fn cancel_all(&self, mode: CancelMode) {
        for id in self.ids(|s| !s.is_final() || *s == JobState::Paused) {
            self.cancel(id, mode);
        }
    }

    /// Pauses every queued or running job.
    pub fn pause_all(&self) {
        for id in self.ids(|s| !s.is_final()) {
            self.pause(id);
        }
    }

    /// Resumes every paused job.
    pub fn resume_all(&self) {
        for id in self.ids(|s| *s == JobState::Paused) {
            self.resume(id);
        }
    }

    /// Retries every failed job (a job of many files retries only its failed files).
    pub fn retry_all(&self) {
        for id in self.ids(|s| matches!(s, JobState::Failed { .. })) {
            self.retry(id);
        }
    }

    fn ids(&self, state: impl Fn(&JobState) -> bool) -> Vec<JobId> {
        lock(&self.inner.jobs)
            .iter()
            .filter(|(_, j)| state(&j.snapshot.state))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Stops a queued or running job. A large upload's unfinished file is cancelled on B2
    /// or kept for a later resume, as `mode` says; a download's temporary file is removed.
    pub fn cancel(&self, id: JobId, mode: CancelMode) {
        self.stop(id, Stop::Cancel(mode));
    }

    /// Stops a job so that [`resume`](Self::resume) can continue it; large uploads keep
    /// their uploaded parts.
    pub fn pause(&self, id: JobId) {
        self.stop(id, Stop::Pause);
    }

    /// Starts a paused job again.
    pub fn resume(&self, id: JobId) -> bool {
        self.restart(id, |s| matches!(s, JobState::Paused))
    }

    /// Starts a failed or cancelled job again (a large upload resumes where it stopped).
    pub fn retry(&self, id: JobId) -> bool {
        self.restart(id, |s| {
            matches!(s, JobState::Failed { .. } | JobState::Cancelled)
        })
    }

    /// Forgets final jobs (done, skipped, cancelled, failed), e.g. "clear finished".
    pub fn clear_finished(&self) {
        // Paused jobs stay: they are waiting for a resume, not finished.
        lock(&self.inner.jobs)
            .retain(|_, j| !j.snapshot.state.is_final() || j.snapshot.state == JobState::Paused);
    }

    /// The job table, in id order.
    pub fn jobs(&self) -> Vec<JobSnapshot> {
        lock(&self.inner.jobs)
            .values()
            .map(|j| j.current_snapshot())
            .collect()
    }

    /// One row of the job table.
    pub fn job(&self, id: JobId) -> Option<JobSnapshot> {
        lock(&self.inner.jobs)
            .get(&id)
            .map(JobEntry::current_snapshot)
    }

    /// Waits until the job reaches a final state (or is paused) and returns it.
    pub async fn wait(&self, id: JobId) -> Option<JobState> {
        let mut rx = lock(&self.inner.jobs).get(&id)?.state.subscribe();
        let state = rx.wait_for(JobState::is_final).await.ok()?;
        Some(state.clone())
    }

    fn enqueue(&self, spec: JobSpec) -> JobId {
        let id = self.add(spec, JobState::Queued);
        self.spawn(id);
        id
    }

    fn add(&self, spec: JobSpec, state: JobState) -> JobId {
        let id = JobId(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let (source, destination) = spec.labels();
        let total = match &spec {
            JobSpec::Download {
                file: RemoteFile::Version(v),
                ..
            } => v.content_length,
            _ => 0,
        };
        let progress = Arc::new(Progress::default());
        progress.total.store(total, Ordering::Relaxed);
        let group = matches!(spec, JobSpec::Group(_)).then(|| Arc::new(group::Group::default()));
        let snapshot = JobSnapshot {
            id,
            kind: spec.kind(),
            source,
            destination,
            bytes_done: 0,
            bytes_total: total,
            bytes_per_sec: 0,
            state: state.clone(),
            large_file: false,
            hashing: None,
            retry: None,
            group: group.as_ref().map(|g| Box::new(g.status())),
            elapsed_ms: None,
        };
        let entry = JobEntry {
            spec,
            snapshot: snapshot.clone(),
            progress,
            state: watch::Sender::new(state),
            control: None,
            group,
        };
        lock(&self.inner.jobs).insert(id, entry);
        let _ = self
            .inner
            .events
            .send(TransferEvent::Queued { job: snapshot });
        id
    }

    fn stop(&self, id: JobId, why: Stop) {
        let (control, paused) = match lock(&self.inner.jobs).get(&id) {
            Some(j) => (j.control.clone(), j.snapshot.state == JobState::Paused),
            None => return,
        };
        if let Some((token, stop)) = control {
            lock(&stop).get_or_insert(why);
            token.cancel();
        } else if paused && matches!(why, Stop::Cancel(_)) {
            // Nothing runs: a paused job is cancelled at once (a large upload's parts stay
            // on B2 for a later resume, as a pause left them).
            self.inner.settle(id, JobState::Cancelled);
        }
    }

    fn restart(&self, id: JobId, allowed: impl Fn(&JobState) -> bool) -> bool {
        {
            let mut jobs = lock(&self.inner.jobs);
            let Some(job) = jobs.get_mut(&id) else {
                return false;
            };
            if !allowed(&job.snapshot.state) {
                return false;
            }
            let retried = matches!(
                job.snapshot.state,
                JobState::Failed { .. } | JobState::Cancelled
            );
            job.snapshot.state = JobState::Queued;
            job.state.send_replace(JobState::Queued);
            match &job.group {
                // Only what failed is done again; files copied stay copied. A resume goes
                // on where the pause stopped.
                Some(group) if retried => group.retry_failures(),
                Some(_) => {}
                None => job.progress.done.store(0, Ordering::Relaxed),
            }
            let _ = self.inner.events.send(TransferEvent::Queued {
                job: job.current_snapshot(),
            });
        }
        self.spawn(id);
        true
    }

    fn spawn(&self, id: JobId) {
        let token = CancellationToken::new();
        let stop = Arc::new(Mutex::new(None));
        let (spec, progress, group) = {
            let mut jobs = lock(&self.inner.jobs);
            let Some(job) = jobs.get_mut(&id) else { return };
            job.control = Some((token.clone(), Arc::clone(&stop)));
            (
                job.spec.clone(),
                Arc::clone(&job.progress),
                job.group.clone(),
            )
        };
        let engine = Arc::clone(&self.inner);
        match (spec, group) {
            (JobSpec::Group(spec), Some(group)) => {
                tokio::spawn(async move { engine.run_group(id, *spec, group, token, stop).await });
            }
            (spec, _) => {
                tokio::spawn(async move { engine.run(id, spec, progress, token, stop).await });
            }
        }
    }
}

/// The bucket called `name` (`b2_list_buckets`; a bucket-restricted key sees only its own).
pub async fn find_bucket(client: &B2Client, name: &str) -> Result<BucketRef, TransferError> {
    client
        .list_buckets()
        .await?
        .into_iter()
        .find(|b| b.bucket_name == name)
        .map(|b| BucketRef {
            id: b.bucket_id,
            name: b.bucket_name,
        })
        .ok_or_else(|| TransferError::Invalid(format!("no bucket named {name:?}")))
}
