//! The transfer engine: a job table of uploads and downloads, run under two concurrency
//! limits (files, and parts/ranges), with throttled progress events, cancel, pause and
//! retry. The TUI pane and the headless `cp` share it; HTTP calls stay in `b2/`.

mod download;
mod io;
pub mod paths;
mod upload;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::b2::{B2Client, B2Error, BucketId, FileId, FileVersion, RetryPolicy, UploadUrl};

pub use paths::{UnsafeName, local_path_for};

/// Identifies one job for the life of the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Direction of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    Upload,
    Download,
}

/// Where a job stands. `Done`, `Failed`, `Cancelled` and `Skipped` are final until a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a free slot.
    Queued,
    Running,
    /// Stopped by the user; [`TransferEngine::resume`] starts it again (a large upload keeps
    /// its parts and resumes).
    Paused,
    Done,
    Failed {
        reason: String,
    },
    Cancelled,
    /// Not transferred on purpose: the conflict policy, or an unsafe remote name.
    Skipped {
        reason: String,
    },
}

impl JobState {
    /// True once the job will not move without a retry or resume.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// What to do when a download's local file already exists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// Leave the local file alone; the job ends `Skipped`.
    Skip,
    /// Replace it (atomically, by rename, once the download is verified).
    #[default]
    Overwrite,
    /// Write beside it as `name (1).ext`.
    KeepBoth,
}

/// How a cancelled upload leaves B2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CancelMode {
    /// `b2_cancel_large_file`: the parts uploaded so far are deleted.
    #[default]
    Discard,
    /// Keep the unfinished large file so that a later upload of the same file resumes it.
    KeepForResume,
}

/// A bucket as transfers need it: the id for calls, the name for URLs and labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRef {
    pub id: BucketId,
    pub name: String,
}

/// The remote side of a download.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteFile {
    /// The newest version of a name (looked up when the job starts).
    Name(String),
    /// A version already listed.
    Version(Box<FileVersion>),
}

impl RemoteFile {
    fn name(&self) -> &str {
        match self {
            Self::Name(n) => n,
            Self::Version(v) => &v.file_name,
        }
    }
}

/// What a job does; kept so that a failed job can be retried as it was.
#[derive(Clone, Debug, PartialEq)]
pub enum JobSpec {
    Upload {
        local: PathBuf,
        bucket: BucketRef,
        file_name: String,
    },
    Download {
        bucket: BucketRef,
        file: RemoteFile,
        local: PathBuf,
        conflict: ConflictPolicy,
    },
}

impl JobSpec {
    fn kind(&self) -> JobKind {
        match self {
            Self::Upload { .. } => JobKind::Upload,
            Self::Download { .. } => JobKind::Download,
        }
    }

    /// (source, destination) labels, `b2://bucket/name` for the remote side.
    fn labels(&self) -> (String, String) {
        match self {
            Self::Upload {
                local,
                bucket,
                file_name,
            } => (
                local.display().to_string(),
                format!("b2://{}/{file_name}", bucket.name),
            ),
            Self::Download {
                bucket,
                file,
                local,
                ..
            } => (
                format!("b2://{}/{}", bucket.name, file.name()),
                local.display().to_string(),
            ),
        }
    }
}

/// One row of the job table.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSnapshot {
    pub id: JobId,
    pub kind: JobKind,
    pub source: String,
    pub destination: String,
    pub bytes_done: u64,
    /// 0 until known (a download by name learns it when it starts).
    pub bytes_total: u64,
    /// Recent throughput, bytes per second.
    pub bytes_per_sec: u64,
    pub state: JobState,
}

/// What the engine reports, in order per job. Progress comes at most 10 times a second per
/// job, and once more before the job's final event.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferEvent {
    /// A new row.
    Queued {
        job: JobSnapshot,
    },
    Started {
        id: JobId,
    },
    Progressed {
        id: JobId,
        bytes_done: u64,
        bytes_total: u64,
        bytes_per_sec: u64,
    },
    Finished {
        id: JobId,
        bytes: u64,
        /// False when B2 had no SHA-1 to check a download against (a large file uploaded
        /// without `large_file_sha1`).
        verified: bool,
    },
    Failed {
        id: JobId,
        reason: String,
    },
    Skipped {
        id: JobId,
        reason: String,
    },
    Cancelled {
        id: JobId,
    },
    Paused {
        id: JobId,
    },
}

/// Limits and sizes. The defaults suit real B2.
#[derive(Clone, Debug)]
pub struct TransferOptions {
    /// Files transferred at once.
    pub file_concurrency: usize,
    /// Parts (uploads) and ranges (downloads) in flight at once, across all files.
    pub part_concurrency: usize,
    /// Uploads above this size become large files.
    pub large_file_cutoff: u64,
    /// Part and range size; `None` = the account's `recommendedPartSize`. Never below
    /// `absoluteMinimumPartSize`.
    pub part_size: Option<u64>,
    /// Downloads above this size are fetched as parallel ranges.
    pub parallel_download_cutoff: u64,
    /// Tries per upload, part or range (at least the client's `max_attempts`): data
    /// transfers see more transient failures than JSON calls.
    pub transfer_attempts: u32,
}

impl Default for TransferOptions {
    fn default() -> Self {
        Self {
            file_concurrency: 4,
            part_concurrency: 4,
            large_file_cutoff: 200_000_000,
            part_size: None,
            parallel_download_cutoff: 200_000_000,
            transfer_attempts: 10,
        }
    }
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    B2(#[from] B2Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl TransferError {
    fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}

/// How a job ended, when it was not stopped.
enum Outcome {
    Done { bytes: u64, verified: bool },
    Skipped(String),
}

/// Why a running job was told to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    Cancel(CancelMode),
    Pause,
}

/// Bytes moved by one job, shared with the tasks doing the work.
#[derive(Debug, Default)]
struct Progress {
    done: Arc<AtomicU64>,
    total: AtomicU64,
    speed: AtomicU64,
}

struct JobEntry {
    spec: JobSpec,
    snapshot: JobSnapshot,
    progress: Arc<Progress>,
    state: watch::Sender<JobState>,
    control: Option<(CancellationToken, Arc<Mutex<Option<Stop>>>)>,
}

struct Engine {
    client: B2Client,
    options: TransferOptions,
    files: Arc<Semaphore>,
    parts: Arc<Semaphore>,
    jobs: Mutex<BTreeMap<JobId, JobEntry>>,
    next_id: AtomicU64,
    events: mpsc::UnboundedSender<TransferEvent>,
    /// b2_get_upload_url answers not in use, per bucket (one upload at a time each).
    upload_urls: Mutex<HashMap<BucketId, Vec<UploadUrl>>>,
    buckets: Mutex<HashMap<String, BucketRef>>,
}

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

    /// Queues an upload of every file under `dir` as `prefix` + its relative path (`/`
    /// separators). Files whose path cannot become a B2 name get a `Skipped` row.
    pub async fn upload_folder(
        &self,
        dir: PathBuf,
        bucket: BucketRef,
        prefix: &str,
    ) -> Result<Vec<JobId>, TransferError> {
        let root = dir.clone();
        let (files, problems) = io::blocking(move || paths::walk(&root))
            .await
            .map_err(TransferError::io(format!("reading {}", dir.display())))?;
        let prefix = paths::as_folder_prefix(prefix);
        let mut ids = Vec::with_capacity(files.len());
        for entry in files {
            let spec = |file_name: String| JobSpec::Upload {
                local: entry.path.clone(),
                bucket: bucket.clone(),
                file_name,
            };
            ids.push(match paths::remote_name_for(&prefix, &entry.relative) {
                Ok(name) => self.enqueue(spec(name)),
                Err(reason) => self.add_skipped(spec(String::new()), reason),
            });
        }
        for (path, reason) in problems {
            let spec = JobSpec::Upload {
                local: path,
                bucket: bucket.clone(),
                file_name: String::new(),
            };
            ids.push(self.add_failed(spec, reason));
        }
        Ok(ids)
    }

    /// Queues a download of every file under `prefix` (listed with `b2_list_file_names`)
    /// into `dir`, at its name relative to the prefix. Names that would land outside `dir`
    /// get a `Skipped` row with the reason.
    pub async fn download_folder(
        &self,
        bucket: BucketRef,
        prefix: &str,
        dir: PathBuf,
        conflict: ConflictPolicy,
    ) -> Result<Vec<JobId>, TransferError> {
        use futures::TryStreamExt;
        let prefix = paths::as_folder_prefix(prefix);
        let req = crate::b2::ListFileNamesRequest {
            bucket_id: bucket.id.clone(),
            max_file_count: Some(crate::worker::listing::PAGE_SIZE),
            prefix: Some(prefix.clone()),
            ..Default::default()
        };
        let mut pages = std::pin::pin!(crate::b2::paginate::file_names(
            self.inner.client.clone(),
            req
        ));
        let mut ids = Vec::new();
        while let Some(page) = pages.try_next().await? {
            for version in page.items {
                let relative = version.file_name[prefix.len()..].to_owned();
                let target = paths::local_path_for(&dir, &relative);
                let spec = JobSpec::Download {
                    bucket: bucket.clone(),
                    local: target.clone().unwrap_or_else(|_| dir.clone()),
                    file: RemoteFile::Version(Box::new(version)),
                    conflict,
                };
                ids.push(match target {
                    Ok(_) => self.enqueue(spec),
                    Err(why) => self.add_skipped(spec, format!("unsafe name: {why}")),
                });
            }
        }
        Ok(ids)
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

    fn add_skipped(&self, spec: JobSpec, reason: String) -> JobId {
        let id = self.add(spec, JobState::Queued);
        self.inner.settle(id, JobState::Skipped { reason });
        id
    }

    fn add_failed(&self, spec: JobSpec, reason: String) -> JobId {
        let id = self.add(spec, JobState::Queued);
        self.inner.settle(id, JobState::Failed { reason });
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
        let snapshot = JobSnapshot {
            id,
            kind: spec.kind(),
            source,
            destination,
            bytes_done: 0,
            bytes_total: total,
            bytes_per_sec: 0,
            state: state.clone(),
        };
        let entry = JobEntry {
            spec,
            snapshot: snapshot.clone(),
            progress,
            state: watch::Sender::new(state),
            control: None,
        };
        lock(&self.inner.jobs).insert(id, entry);
        let _ = self
            .inner
            .events
            .send(TransferEvent::Queued { job: snapshot });
        id
    }

    fn stop(&self, id: JobId, why: Stop) {
        let control = lock(&self.inner.jobs)
            .get(&id)
            .and_then(|j| j.control.clone());
        if let Some((token, stop)) = control {
            lock(&stop).get_or_insert(why);
            token.cancel();
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
            job.snapshot.state = JobState::Queued;
            job.state.send_replace(JobState::Queued);
            job.progress.done.store(0, Ordering::Relaxed);
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
        let (spec, progress) = {
            let mut jobs = lock(&self.inner.jobs);
            let Some(job) = jobs.get_mut(&id) else { return };
            job.control = Some((token.clone(), Arc::clone(&stop)));
            (job.spec.clone(), Arc::clone(&job.progress))
        };
        let engine = Arc::clone(&self.inner);
        tokio::spawn(async move { engine.run(id, spec, progress, token, stop).await });
    }
}

impl JobEntry {
    fn current_snapshot(&self) -> JobSnapshot {
        JobSnapshot {
            bytes_done: self.progress.done.load(Ordering::Relaxed),
            bytes_total: self.progress.total.load(Ordering::Relaxed),
            bytes_per_sec: self.progress.speed.load(Ordering::Relaxed),
            ..self.snapshot.clone()
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

/// What the work of one job can reach.
struct JobCtx {
    engine: Arc<Engine>,
    progress: Arc<Progress>,
    /// The unfinished large file of an upload, so that a cancel can drop it.
    large_file: Mutex<Option<FileId>>,
}

impl Engine {
    async fn run(
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
            Some(Ok(Outcome::Skipped(reason))) => JobState::Skipped { reason },
            Some(Err(e)) => JobState::Failed {
                reason: e.to_string(),
            },
            None => {
                let why = lock(&stop).unwrap_or(Stop::Cancel(CancelMode::Discard));
                let large = lock(&ctx.large_file).take();
                if let (Stop::Cancel(CancelMode::Discard), Some(file_id)) = (why, large) {
                    // b2_cancel_large_file: the parts are not needed any more.
                    let _ = self.client.cancel_large_file(&file_id).await;
                }
                match why {
                    Stop::Pause => JobState::Paused,
                    Stop::Cancel(_) => JobState::Cancelled,
                }
            }
        };
        self.settle(id, final_state);
    }

    fn set_state(&self, id: JobId, state: JobState) {
        if let Some(job) = lock(&self.jobs).get_mut(&id) {
            job.snapshot.state = state.clone();
            job.state.send_replace(state);
        }
    }

    /// Records a final state and reports it (`Finished` is sent by `run`, with its bytes).
    fn settle(&self, id: JobId, state: JobState) {
        let event = match &state {
            JobState::Failed { reason } => Some(TransferEvent::Failed {
                id,
                reason: reason.clone(),
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

    fn send_progress(&self, id: JobId, p: &Progress) {
        let _ = self.events.send(TransferEvent::Progressed {
            id,
            bytes_done: p.done.load(Ordering::Relaxed),
            bytes_total: p.total.load(Ordering::Relaxed),
            bytes_per_sec: p.speed.load(Ordering::Relaxed),
        });
    }

    /// Part and range size for a file of `size` bytes: the chosen or recommended size, at
    /// least B2's minimum, and large enough to stay within 10,000 parts.
    fn part_size(&self, size: u64) -> u64 {
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
    fn transfer_policy(&self) -> RetryPolicy {
        self.client
            .retry_policy()
            .with_attempts_at_least(self.options.transfer_attempts)
    }

    fn take_upload_url(&self, bucket: &BucketId) -> Option<UploadUrl> {
        lock(&self.upload_urls).get_mut(bucket)?.pop()
    }

    fn return_upload_url(&self, bucket: &BucketId, url: UploadUrl) {
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
    loop {
        interval.tick().await;
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
