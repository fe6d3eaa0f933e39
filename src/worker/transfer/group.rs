//! Jobs of many files (a folder, a marked set, search results) as ONE job: its files are
//! found as it runs (`source.rs`) and fed one by one into the engine's file limit, each
//! transferred exactly as a single job would be. The job keeps counts, the files running
//! and the failures; never a row per file. Pause, cancel and retry act on the whole job; a
//! retry redoes only the failed files, a resume goes on where the job stopped.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::engine::{Engine, JobCtx, Outcome, Progress, Stop};
pub use super::group_types::{
    FileFailure, FileStatus, GroupItem, GroupSpec, GroupStatus, LISTED_FAILURES,
};
use super::jobs::{
    CancelMode, ConflictPolicy, JobId, JobSpec, JobState, SkipReason, TransferEvent,
};
use super::source::{self, Cursor, Existing, Found, What};
use super::speed::MovingSpeed;
use super::{lock, same};
use crate::b2::retry::{self, RetryObserver, Retrying};
use crate::worker::Failure;

struct Running {
    name: String,
    progress: Arc<Progress>,
}

/// A file to do again (it was running when the job stopped, or it failed).
#[derive(Debug)]
struct Pending {
    name: String,
    size: u64,
    spec: JobSpec,
    existing: Option<Existing>,
}

struct Failed {
    name: String,
    error: Failure,
    /// None for a listing that failed (a retry lists again from the cursor).
    pending: Option<Pending>,
}

impl Failed {
    /// A file that failed, named after its pending work.
    fn of(error: Failure, pending: Option<Pending>) -> Self {
        let name = pending
            .as_ref()
            .map_or_else(String::new, |p| p.name.clone());
        Self {
            name,
            error,
            pending,
        }
    }
}

#[derive(Default)]
struct Inner {
    listing_done: bool,
    ahead: u64,
    ahead_bytes: u64,
    found: u64,
    bytes_found: u64,
    done: u64,
    skipped: u64,
    bytes_skipped: u64,
    bytes_copied: u64,
    running: BTreeMap<u64, Running>,
    next_seq: u64,
    failures: Vec<Failed>,
    redo: VecDeque<Pending>,
    cursor: Cursor,
    elapsed: Duration,
    started: Option<Instant>,
    speed: u64,
}

/// The shared state of one job of many files.
#[derive(Default)]
pub(super) struct Group {
    inner: Mutex<Inner>,
}

impl Group {
    pub(super) fn add_ahead(&self, size: u64) {
        let mut g = lock(&self.inner);
        g.ahead += 1;
        g.ahead_bytes += size;
    }

    /// The status now.
    pub(super) fn status(&self) -> GroupStatus {
        let g = lock(&self.inner);
        let running: Vec<FileStatus> = g
            .running
            .values()
            .map(|r| FileStatus {
                name: r.name.clone(),
                bytes_done: r.progress.done.load(Ordering::Relaxed),
                bytes_total: r.progress.total.load(Ordering::Relaxed),
                hashing: r.progress.hashing(),
                retry: r.progress.retry(),
            })
            .collect();
        let moving: u64 = running.iter().map(|r| r.bytes_done).sum();
        let elapsed = g.elapsed + g.started.map_or(Duration::ZERO, |s| s.elapsed());
        GroupStatus {
            listing_done: g.listing_done,
            found: g.found + g.ahead,
            done: g.done,
            skipped: g.skipped,
            failed: g.failures.len() as u64,
            bytes_done: g.bytes_copied + moving,
            bytes_total: (g.bytes_found + g.ahead_bytes).saturating_sub(g.bytes_skipped),
            bytes_per_sec: g.speed,
            bytes_copied: g.bytes_copied,
            running,
            failures: g
                .failures
                .iter()
                .take(LISTED_FAILURES)
                .map(|f| FileFailure {
                    name: f.name.clone(),
                    error: f.error.clone(),
                })
                .collect(),
            elapsed_ms: super::jobs::millis(elapsed),
        }
    }

    /// Before a retry: the failed files are done again, the failed listing listed again.
    pub(super) fn retry_failures(&self) {
        let mut g = lock(&self.inner);
        let failures = std::mem::take(&mut g.failures);
        for f in failures {
            if let Some(p) = f.pending {
                g.redo.push_back(p);
            }
        }
    }

    /// Takes a found file off the channel: counted, and the cursor moves past it.
    fn take(&self, found: &Found) {
        let mut g = lock(&self.inner);
        g.ahead = g.ahead.saturating_sub(1);
        g.ahead_bytes = g.ahead_bytes.saturating_sub(found.size);
        if !matches!(found.what, What::Stopped(_)) {
            g.found += 1;
            g.bytes_found += found.size;
            g.cursor = found.pos.clone();
        }
    }

    fn fail(&self, name: String, error: Failure, pending: Option<Pending>) {
        lock(&self.inner).failures.push(Failed {
            name,
            error,
            pending,
        });
    }
}

/// How one file of the job ended.
enum FileEnd {
    Done(u64),
    Skipped(SkipReason),
    Failed(Failure),
    Stopped,
}

impl Engine {
    /// Runs the job of many files `id` until every file settled or it is stopped.
    pub(super) async fn run_group(
        self: Arc<Self>,
        id: JobId,
        spec: GroupSpec,
        group: Arc<Group>,
        token: CancellationToken,
        stop: Arc<Mutex<Option<Stop>>>,
    ) {
        self.set_state(id, JobState::Running);
        let _ = self.events.send(TransferEvent::Started { id });
        let from = {
            let mut g = lock(&group.inner);
            g.started = Some(Instant::now());
            g.listing_done = g.cursor.finished;
            g.ahead = 0;
            g.ahead_bytes = 0;
            g.cursor.clone()
        };
        let ticker = tokio::spawn(report_group(id, Arc::clone(&group), self.events.clone()));
        let (tx, mut rx) = mpsc::channel(source::LOOKAHEAD);
        let mut producer = tokio::spawn(source::produce(
            Arc::clone(&self),
            spec.clone(),
            from,
            Arc::clone(&group),
            tx,
        ));
        let conflict = spec.conflict();
        let mut tasks: JoinSet<(u64, Option<Pending>, FileEnd)> = JoinSet::new();
        let mut listing = true;
        loop {
            while let Some(r) = tasks.try_join_next() {
                self.settle_file(&group, r);
            }
            let pending = lock(&group.inner).redo.pop_front();
            let pending = match pending {
                Some(p) => p,
                None if !listing => break,
                None => {
                    let found = tokio::select! {
                        f = rx.recv() => f,
                        () = token.cancelled() => break,
                    };
                    let Some(found) = found else {
                        listing = false;
                        let complete = (&mut producer).await.unwrap_or(false);
                        let mut g = lock(&group.inner);
                        if complete {
                            g.cursor.finished = true;
                        }
                        g.listing_done = complete;
                        continue;
                    };
                    group.take(&found);
                    match found.what {
                        What::Work(spec, existing) => Pending {
                            name: found.name,
                            size: found.size,
                            spec,
                            existing,
                        },
                        What::Fail(error) => {
                            group.fail(found.name, error, None);
                            continue;
                        }
                        What::Stopped(error) => {
                            group.fail(found.name, error, None);
                            continue;
                        }
                    }
                }
            };
            let files = Arc::clone(&self.files);
            let permit = tokio::select! {
                p = files.acquire_owned() => p.ok(),
                () = token.cancelled() => None,
            };
            let Some(permit) = permit else {
                lock(&group.inner).redo.push_front(pending);
                break;
            };
            let progress = Arc::new(Progress::default());
            progress.total.store(pending.size, Ordering::Relaxed);
            let seq = {
                let mut g = lock(&group.inner);
                g.next_seq += 1;
                let seq = g.next_seq;
                let name = pending.name.clone();
                let progress = Arc::clone(&progress);
                g.running.insert(seq, Running { name, progress });
                seq
            };
            let file = FileRun {
                engine: Arc::clone(&self),
                id,
                progress,
                token: token.clone(),
                stop: Arc::clone(&stop),
                conflict,
                _permit: permit,
            };
            tasks.spawn(file.run(seq, pending));
        }
        drop(rx);
        producer.abort();
        while let Some(r) = tasks.join_next().await {
            self.settle_file(&group, r);
        }
        ticker.abort();
        let status = {
            let mut g = lock(&group.inner);
            if let Some(s) = g.started.take() {
                g.elapsed += s.elapsed();
            }
            g.speed = 0;
            drop(g);
            group.status()
        };
        let _ = self.events.send(TransferEvent::GroupProgressed {
            id,
            status: Box::new(status.clone()),
        });
        let state = if token.is_cancelled() {
            match lock(&stop).unwrap_or(Stop::Cancel(CancelMode::Discard)) {
                Stop::Pause => JobState::Paused,
                Stop::Cancel(_) => JobState::Cancelled,
            }
        } else if let Some(first) = status.failures.first() {
            let error = if status.found == 0 {
                // Nothing was found: the listing (or walk) itself failed.
                first.error.clone()
            } else {
                first.error.clone().context(&format!(
                    "{} of {} files failed; first {}",
                    status.failed,
                    status.found.max(status.failed),
                    first.name
                ))
            };
            JobState::Failed { error }
        } else {
            let _ = self.events.send(TransferEvent::Finished {
                id,
                bytes: status.bytes_copied,
                verified: true,
                elapsed_ms: status.elapsed_ms,
            });
            JobState::Done
        };
        self.settle(id, state);
    }

    fn settle_file(
        &self,
        group: &Group,
        joined: Result<(u64, Option<Pending>, FileEnd), tokio::task::JoinError>,
    ) {
        let Ok((seq, pending, end)) = joined else {
            return;
        };
        let mut g = lock(&group.inner);
        g.running.remove(&seq);
        let size = pending.as_ref().map_or(0, |p| p.size);
        match end {
            FileEnd::Done(bytes) => {
                g.done += 1;
                g.bytes_copied += bytes;
                // A download by name learns its size only as it runs.
                g.bytes_found += bytes.saturating_sub(size);
            }
            FileEnd::Skipped(SkipReason::UnsafeName(why)) => {
                let error = Failure::Local(format!("unsafe name: {why}"));
                g.failures.push(Failed::of(error, pending));
            }
            FileEnd::Skipped(_) => {
                g.skipped += 1;
                g.bytes_skipped += size;
            }
            FileEnd::Failed(error) => g.failures.push(Failed::of(error, pending)),
            FileEnd::Stopped => {
                if let Some(p) = pending {
                    g.redo.push_front(p);
                }
            }
        }
    }
}

/// The run of one file of a job, holding its place under the file limit.
struct FileRun {
    engine: Arc<Engine>,
    id: JobId,
    progress: Arc<Progress>,
    token: CancellationToken,
    stop: Arc<Mutex<Option<Stop>>>,
    conflict: ConflictPolicy,
    _permit: OwnedSemaphorePermit,
}

impl FileRun {
    async fn run(self, seq: u64, pending: Pending) -> (u64, Option<Pending>, FileEnd) {
        let ctx = JobCtx {
            id: self.id,
            engine: Arc::clone(&self.engine),
            progress: Arc::clone(&self.progress),
            large_file: Mutex::new(None),
            quiet: true,
        };
        let observer = quiet_retry_observer(Arc::clone(&self.progress));
        let work = retry::observed(observer, async {
            if let (ConflictPolicy::SkipSame | ConflictPolicy::Skip, Some(existing)) =
                (self.conflict, &pending.existing)
                && let JobSpec::Upload { local, .. } = &pending.spec
            {
                match same::local_matches(local, existing.size, existing.sha1.as_deref()).await {
                    Ok(true) => return Ok(Outcome::Skipped(SkipReason::Same)),
                    Ok(false) => {}
                    Err(e) => return Err(e),
                }
            }
            self.engine.work(&ctx, &pending.spec).await
        });
        let result = tokio::select! {
            r = work => Some(r),
            () = self.token.cancelled() => None,
        };
        let end = match result {
            Some(Ok(Outcome::Done { bytes, .. })) => FileEnd::Done(bytes),
            Some(Ok(Outcome::Skipped(reason))) => FileEnd::Skipped(reason),
            Some(Err(e)) => FileEnd::Failed(Failure::from(&e)),
            None => {
                let why = lock(&self.stop).unwrap_or(Stop::Cancel(CancelMode::Discard));
                let large = lock(&ctx.large_file).take();
                match (why, large) {
                    (Stop::Cancel(CancelMode::Discard), Some(file_id)) => {
                        match self.engine.cancel_large_file(&file_id).await {
                            JobState::Failed { error } => FileEnd::Failed(error),
                            _ => FileEnd::Stopped,
                        }
                    }
                    _ => FileEnd::Stopped,
                }
            }
        };
        (seq, Some(pending), end)
    }
}

/// Remembers each retry of one file of a job of many files in its progress (the job's
/// status shows it); no event of its own.
fn quiet_retry_observer(progress: Arc<Progress>) -> RetryObserver {
    Arc::new(move |r: &Retrying<'_>| {
        let retry = super::engine::retry_wait(r);
        let bytes_done = progress.done.load(Ordering::Relaxed);
        *lock(&progress.retry) = Some((retry, bytes_done));
    })
}

/// Sends `GroupProgressed` at most five times a second while something changes, with the
/// speed averaged over the last seconds.
async fn report_group(id: JobId, group: Arc<Group>, events: mpsc::UnboundedSender<TransferEvent>) {
    const TICK: Duration = Duration::from_millis(200);
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut speed = MovingSpeed::default();
    let mut last: Option<GroupStatus> = None;
    loop {
        interval.tick().await;
        let mut status = group.status();
        let bytes_per_sec = speed.sample(Instant::now(), status.bytes_done);
        lock(&group.inner).speed = bytes_per_sec;
        status.bytes_per_sec = bytes_per_sec;
        // Time alone moving on is no news.
        let same = last.as_ref().is_some_and(|l| {
            GroupStatus {
                elapsed_ms: status.elapsed_ms,
                ..l.clone()
            } == status
        });
        if same {
            continue;
        }
        if events
            .send(TransferEvent::GroupProgressed {
                id,
                status: Box::new(status.clone()),
            })
            .is_err()
        {
            return;
        }
        last = Some(status);
    }
}
