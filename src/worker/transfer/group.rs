//! Jobs of many files (a folder, a marked set, search results) as ONE job: its files are
//! found as it runs (`source.rs`) and fed one by one into the engine's file limit, each
//! transferred exactly as a single job would be (`group_file.rs`). The job keeps counts,
//! the files running and the failures; never a row per file, but each file's end is told
//! by an event of its own. Pause, cancel and retry act on the whole job; a retry redoes
//! only the failed files, a resume goes on where the job stopped.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::engine::{Engine, Progress, Stop};
use super::group_file::{self, FileEnd, FileRun, Pending, Ran};
pub use super::group_types::{
    FileFailure, FileOutcome, FileStatus, GroupFileEnd, GroupItem, GroupSpec, GroupStatus,
    LISTED_FAILURES,
};
use super::jobs::{CancelMode, JobId, JobKind, JobState, SkipReason, TransferEvent};
use super::lock;
use super::source::{self, Cursor, Found, Refusal, What};
use super::ticker::report_group;
use crate::worker::Failure;

struct Running {
    name: String,
    progress: Arc<Progress>,
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
    /// The speed the status shows.
    pub(super) fn set_speed(&self, bytes_per_sec: u64) {
        lock(&self.inner).speed = bytes_per_sec;
    }

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
        let kind = spec.kind();
        let mut tasks: JoinSet<Ran> = JoinSet::new();
        let mut listing = true;
        loop {
            while let Some(r) = tasks.try_join_next() {
                self.settle_file(id, &group, r, group_file::is_cancel(&token, &stop));
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
                    match self.take_found(id, kind, &group, found) {
                        Some(p) => p,
                        None => continue,
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
                permit,
            };
            tasks.spawn(file.run(seq, pending));
        }
        // Files found but not started: a cancel tells of each (a pause, of none).
        rx.close();
        let cancelled = self.options.file_events && group_file::is_cancel(&token, &stop);
        while let Ok(found) = rx.try_recv() {
            if let (true, What::Work(spec, _)) = (cancelled, &found.what) {
                let end = group_file::ended(spec, None, 0, FileOutcome::Cancelled);
                self.file_ended(id, end);
            }
        }
        producer.abort();
        while let Some(r) = tasks.join_next().await {
            self.settle_file(id, &group, r, group_file::is_cancel(&token, &stop));
        }
        ticker.abort();
        if self.options.file_events && group_file::is_cancel(&token, &stop) {
            self.tell_cancelled(id, &group);
        }
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

    /// A found file taken off the channel: its work, or `None` when it cannot be
    /// transferred (or a listing stopped), counted as failed and reported at once.
    fn take_found(&self, id: JobId, kind: JobKind, group: &Group, found: Found) -> Option<Pending> {
        group.take(&found);
        let (refusal, listing) = match found.what {
            What::Work(spec, existing) => {
                return Some(Pending {
                    name: found.name,
                    size: found.size,
                    spec,
                    existing,
                    told: false,
                });
            }
            What::Fail(refusal) => (refusal, false),
            What::Stopped(refusal) => (refusal, true),
        };
        let Refusal {
            error,
            outcome,
            source,
            destination,
        } = *refusal;
        group.fail(found.name, error, None);
        self.file_ended(
            id,
            GroupFileEnd {
                kind,
                source,
                destination,
                kept_both: false,
                bytes: 0,
                listing,
                outcome,
            },
        );
        None
    }

    /// The job was cancelled: every file waiting to be done again that was not running
    /// (so not told of yet) is reported cancelled.
    fn tell_cancelled(&self, id: JobId, group: &Group) {
        let mut ends = Vec::new();
        for p in &mut lock(&group.inner).redo {
            if !std::mem::take(&mut p.told) {
                ends.push(group_file::ended(&p.spec, None, 0, FileOutcome::Cancelled));
            }
        }
        for end in ends {
            self.file_ended(id, end);
        }
    }

    /// Tells of a file's end, when the engine tells of files at all.
    fn file_ended(&self, id: JobId, file: GroupFileEnd) {
        if self.options.file_events {
            let file = Box::new(file);
            let _ = self.events.send(TransferEvent::GroupFileEnded { id, file });
        }
    }

    fn settle_file(
        &self,
        id: JobId,
        group: &Group,
        joined: Result<Ran, tokio::task::JoinError>,
        cancelled: bool,
    ) {
        let Ok(ran) = joined else {
            return;
        };
        let mut g = lock(&group.inner);
        let moved = g
            .running
            .remove(&ran.seq)
            .map_or(0, |r| r.progress.done.load(Ordering::Relaxed));
        let news = self
            .options
            .file_events
            .then(|| group_file::news(&ran, moved, cancelled))
            .flatten();
        let Ran {
            mut pending, end, ..
        } = ran;
        let size = pending.size;
        match end {
            FileEnd::Done { bytes, .. } => {
                g.done += 1;
                g.bytes_copied += bytes;
                // A download by name learns its size only as it runs.
                g.bytes_found += bytes.saturating_sub(size);
            }
            FileEnd::Skipped(SkipReason::UnsafeName(why)) => {
                let error = Failure::Local(format!("unsafe name: {why}"));
                g.failures.push(Failed::of(error, Some(pending)));
            }
            FileEnd::Skipped(_) => {
                g.skipped += 1;
                g.bytes_skipped += size;
            }
            FileEnd::Failed(error) => g.failures.push(Failed::of(error, Some(pending))),
            FileEnd::Stopped => {
                pending.told = news.is_some();
                g.redo.push_front(pending);
            }
        }
        drop(g);
        if let Some(file) = news {
            self.file_ended(id, file);
        }
    }
}
