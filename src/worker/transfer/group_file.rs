//! One file of a job of many files: its run under the file limit, transferred exactly as a
//! single job would be but quiet (its progress, hashing and retries are the job's status),
//! and the news of its end (`GroupFileEnded`), labelled as a job of that one file would be.

use std::sync::{Arc, Mutex};

use tokio::sync::OwnedSemaphorePermit;
use tokio_util::sync::CancellationToken;

use super::engine::{Engine, JobCtx, Outcome, Progress, Stop};
use super::group_types::{FileOutcome, GroupFileEnd};
use super::jobs::{CancelMode, ConflictPolicy, JobId, JobSpec, JobState, SkipReason};
use super::source::Existing;
use super::ticker::group_retry_observer;
use super::{lock, same};
use crate::b2::retry;
use crate::worker::Failure;

/// A file to do (again, when it was running as the job stopped, or it failed).
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) name: String,
    pub(super) size: u64,
    pub(super) spec: JobSpec,
    pub(super) existing: Option<Existing>,
    /// Its cancel was reported already (it was running when its job was cancelled).
    pub(super) told: bool,
}

/// How one file of the job ended.
pub(super) enum FileEnd {
    Done { bytes: u64, verified: bool },
    Skipped(SkipReason),
    Failed(Failure),
    Stopped,
}

/// A file's run, ended.
pub(super) struct Ran {
    pub(super) seq: u64,
    pub(super) pending: Pending,
    pub(super) end: FileEnd,
    /// Where its bytes went, when not where they were asked to go (keep-both).
    pub(super) moved: Option<String>,
}

/// The news of a file's end: `None` for a file stopped by a pause (it runs again on
/// resume, nothing to tell).
pub(super) fn news(ran: &Ran, bytes_moved: u64, cancelled: bool) -> Option<GroupFileEnd> {
    let (outcome, bytes) = match &ran.end {
        FileEnd::Done { bytes, verified } => (
            FileOutcome::Done {
                verified: *verified,
            },
            *bytes,
        ),
        FileEnd::Skipped(reason) => (FileOutcome::Skipped(reason.clone()), bytes_moved),
        FileEnd::Failed(error) => (FileOutcome::Failed(error.clone()), bytes_moved),
        FileEnd::Stopped if cancelled => (FileOutcome::Cancelled, bytes_moved),
        FileEnd::Stopped => return None,
    };
    Some(ended(&ran.pending.spec, ran.moved.clone(), bytes, outcome))
}

/// The end of the file `spec` moves, as its own job's labels say.
pub(super) fn ended(
    spec: &JobSpec,
    moved: Option<String>,
    bytes: u64,
    outcome: FileOutcome,
) -> GroupFileEnd {
    let (source, asked) = spec.labels();
    GroupFileEnd {
        kind: spec.kind(),
        source,
        kept_both: moved.is_some(),
        destination: moved.unwrap_or(asked),
        bytes,
        listing: false,
        outcome,
    }
}

/// True when the job was told to stop for good (not paused).
pub(super) fn is_cancel(token: &CancellationToken, stop: &Mutex<Option<Stop>>) -> bool {
    token.is_cancelled() && matches!(*lock(stop), None | Some(Stop::Cancel(_)))
}

/// The run of one file of a job, holding its place under the file limit.
pub(super) struct FileRun {
    pub(super) engine: Arc<Engine>,
    pub(super) id: JobId,
    pub(super) progress: Arc<Progress>,
    pub(super) token: CancellationToken,
    pub(super) stop: Arc<Mutex<Option<Stop>>>,
    pub(super) conflict: ConflictPolicy,
    pub(super) permit: OwnedSemaphorePermit,
}

impl FileRun {
    pub(super) async fn run(self, seq: u64, pending: Pending) -> Ran {
        let ctx = JobCtx {
            id: self.id,
            engine: Arc::clone(&self.engine),
            progress: Arc::clone(&self.progress),
            large_file: Mutex::new(None),
            quiet: true,
            moved: Mutex::new(None),
        };
        let tells = self.engine.options.file_events;
        let events = tells.then(|| self.engine.events.clone());
        let source = if tells {
            pending.spec.labels().0
        } else {
            String::new()
        };
        let observer = group_retry_observer(self.id, source, Arc::clone(&self.progress), events);
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
            Some(Ok(Outcome::Done { bytes, verified })) => FileEnd::Done { bytes, verified },
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
        drop(self.permit);
        let moved = lock(&ctx.moved).take();
        Ran {
            seq,
            pending,
            end,
            moved,
        }
    }
}
