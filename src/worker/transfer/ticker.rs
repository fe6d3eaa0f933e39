//! Progress and retry news: the throttled `Progressed` (and `Hashing`) ticker of a single
//! job, the `GroupProgressed` ticker of a job of many files, and the observers that report
//! each retry of a job's calls.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::engine::Progress;
use super::group::{Group, GroupStatus};
use super::jobs::{JobId, RetryWait, TransferEvent};
use super::lock;
use super::speed::MovingSpeed;
use crate::b2::retry::{RetryObserver, Retrying};
use crate::worker::Failure;

/// What a job shows of a retry of one of its calls: attempt, error, delay, and since when.
pub(super) fn retry_wait(r: &Retrying<'_>) -> Box<RetryWait> {
    let since_unix_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Box::new(RetryWait {
        attempt: r.attempt,
        max_attempts: r.max_attempts,
        error: Failure::from(r.error),
        delay: r.delay,
        since_unix_ms,
    })
}

/// Keeps the wait of a retry in the job's progress until the next byte moves; the wait,
/// and the bytes done when it began.
fn remember(progress: &Progress, r: &Retrying<'_>) -> (Box<RetryWait>, u64) {
    let retry = retry_wait(r);
    let mut slot = lock(&progress.retry);
    let bytes_done = progress.done.load(Ordering::Relaxed);
    *slot = Some((retry.clone(), bytes_done));
    (retry, bytes_done)
}

/// Tells the job's row about each retry of its calls (`Retrying`), and remembers the wait
/// until the next byte moves.
pub(super) fn retry_observer(
    id: JobId,
    progress: Arc<Progress>,
    events: mpsc::UnboundedSender<TransferEvent>,
) -> RetryObserver {
    Arc::new(move |r: &Retrying<'_>| {
        let (retry, bytes_done) = remember(&progress, r);
        let _ = events.send(TransferEvent::Retrying {
            id,
            retry,
            bytes_done,
        });
    })
}

/// Sends `Progressed` at most every 100 ms while bytes move (and once a second when only
/// the speed changes, so that a stall shows), with the speed averaged over the last
/// seconds. A byte beyond where a retry's wait began ends the wait.
pub(super) async fn report_progress(
    id: JobId,
    progress: Arc<Progress>,
    events: mpsc::UnboundedSender<TransferEvent>,
) {
    const TICK: Duration = Duration::from_millis(100);
    const QUIET: Duration = Duration::from_secs(1);
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut speed = MovingSpeed::default();
    let mut last_sent = (Instant::now(), progress.done.load(Ordering::Relaxed), 0u64);
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
        let mut retry = lock(&progress.retry);
        let now = Instant::now();
        let done = progress.done.load(Ordering::Relaxed);
        let bytes_per_sec = speed.sample(now, done);
        progress.speed.store(bytes_per_sec, Ordering::Relaxed);
        if retry.as_ref().is_some_and(|(_, at)| done > *at) {
            *retry = None;
        }
        let (sent_at, sent_done, sent_speed) = last_sent;
        let quiet_change = bytes_per_sec != sent_speed && now.duration_since(sent_at) >= QUIET;
        if done != sent_done || quiet_change {
            let sent = events.send(TransferEvent::Progressed {
                id,
                bytes_done: done,
                bytes_total: progress.total.load(Ordering::Relaxed),
                bytes_per_sec,
            });
            if sent.is_err() {
                return;
            }
            last_sent = (now, done, bytes_per_sec);
        }
    }
}

/// Remembers each retry of one file of a job of many files in its progress (the job's
/// status shows it); with `events`, reports it as `GroupFileRetrying` with the file's
/// source label `name`.
pub(super) fn group_retry_observer(
    id: JobId,
    name: String,
    progress: Arc<Progress>,
    events: Option<mpsc::UnboundedSender<TransferEvent>>,
) -> RetryObserver {
    Arc::new(move |r: &Retrying<'_>| {
        let (retry, _) = remember(&progress, r);
        if let Some(events) = &events {
            let _ = events.send(TransferEvent::GroupFileRetrying {
                id,
                name: name.clone(),
                retry,
            });
        }
    })
}

/// Sends `GroupProgressed` at most five times a second while something changes, with the
/// speed averaged over the last seconds.
pub(super) async fn report_group(
    id: JobId,
    group: Arc<Group>,
    events: mpsc::UnboundedSender<TransferEvent>,
) {
    const TICK: Duration = Duration::from_millis(200);
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut speed = MovingSpeed::default();
    let mut last: Option<GroupStatus> = None;
    loop {
        interval.tick().await;
        let mut status = group.status();
        let bytes_per_sec = speed.sample(Instant::now(), status.bytes_done);
        group.set_speed(bytes_per_sec);
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
