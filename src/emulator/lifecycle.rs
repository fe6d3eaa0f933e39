//! Lifecycle rules (§4) applied by the server's own clock. B2 runs them in a roughly daily
//! background process; here `run` is one pass, started by the admin calls `advance_clock`
//! and `run_lifecycle` and, in `Emulator::serve`, once an hour (first an hour after start).
//!
//! Semantics of one pass at server time `now`, per bucket, per rule, for the names that
//! start with the rule's `fileNamePrefix` (rules never overlap, so a name has one rule).
//! A day is exactly 86,400,000 ms; an action is due once `now - start >= N days`.
//! - `daysFromUploadingToHiding = N`: when the newest version of a name is an upload
//!   (small or finished large file) uploaded at least N days ago, a hide marker is added
//!   with timestamp `now`.
//! - `daysFromHidingToDeleting = N`: a version that is not the newest became hidden at the
//!   timestamp of the next newer version (upload or hide marker); N days after that it is
//!   deleted. A hide marker that is the newest version is deleted too once nothing older is
//!   left of its name and it is itself at least N days old, so hidden names vanish instead of
//!   leaving markers behind.
//! - `daysFromStartingToCancelingUnfinishedLargeFiles = N`: unfinished large files started
//!   at least N days ago are cancelled (parts removed).
//!
//! Hiding raises `b2:HideMarkerCreated:LifecycleRule`, deleting `b2:ObjectDeleted:LifecycleRule`;
//! cancelling raises nothing (there is no event type for it). Each bucket is one transaction.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::emulator::State;
use crate::emulator::error::ApiError;
use crate::emulator::events::EventType;
use crate::emulator::store::{Action, BucketRow, Db, Store, VersionRow};

/// One lifecycle day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub hidden: u64,
    pub deleted: u64,
    pub canceled: u64,
}

impl Report {
    fn add(&mut self, other: Report) {
        self.hidden += other.hidden;
        self.deleted += other.deleted;
        self.canceled += other.canceled;
    }
}

/// One parsed lifecycle rule (already validated by create/update bucket).
#[derive(Debug, Clone, Default)]
struct Rule {
    prefix: String,
    hide_after: Option<i64>,
    delete_after: Option<i64>,
    cancel_after: Option<i64>,
}

fn days(rule: &Value, field: &str) -> Option<i64> {
    rule.get(field)
        .and_then(Value::as_i64)
        .filter(|d| *d > 0)
        .map(|d| d.saturating_mul(DAY_MS))
}

fn rules_of(bucket: &BucketRow) -> Vec<Rule> {
    let Some(items) = bucket.lifecycle.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|r| {
            Some(Rule {
                prefix: r.get("fileNamePrefix")?.as_str()?.to_string(),
                hide_after: days(r, "daysFromUploadingToHiding"),
                delete_after: days(r, "daysFromHidingToDeleting"),
                cancel_after: days(r, "daysFromStartingToCancelingUnfinishedLargeFiles"),
            })
        })
        .collect()
}

/// Whether Object Lock keeps a version from being deleted: unexpired retention (either
/// mode; lifecycle never bypasses governance) or a legal hold. The one place lifecycle
/// deletion consults it.
fn protected(version: &VersionRow, now: i64) -> bool {
    version.lock.is_held() || version.lock.active_mode(now).is_some()
}

/// One pass over every bucket at server time `now`. Blocking: run it off the async runtime.
pub fn run(store: &Store, now: i64) -> Result<Report, ApiError> {
    let buckets = store.with(|db| db.buckets())?;
    let mut report = Report::default();
    for bucket in buckets {
        let rules = rules_of(&bucket);
        if rules.is_empty() {
            continue;
        }
        let done = store.with(|db| {
            let mut report = Report::default();
            for rule in &rules {
                apply(db, &bucket.bucket_id, rule, now, &mut report)?;
            }
            Ok(report)
        })?;
        report.add(done);
    }
    Ok(report)
}

/// Runs a pass now on a blocking thread, with the server clock.
pub async fn run_now(state: &Arc<State>) -> Result<Report, ApiError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || run(&state.store, state.clock.now_ms()))
        .await
        .map_err(|err| ApiError::internal(format!("lifecycle task failed: {err}")))?
}

/// The background task of `Emulator::serve`: a pass every hour.
pub async fn run_hourly(state: Arc<State>) {
    let period = std::time::Duration::from_secs(3600);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        tick.tick().await;
        // A failed pass is retried at the next tick; there is nobody to report it to.
        let _ = run_now(&state).await;
    }
}

fn apply(
    db: &Db,
    bucket_id: &str,
    rule: &Rule,
    now: i64,
    report: &mut Report,
) -> Result<(), ApiError> {
    let due =
        |since: i64, after: Option<i64>| after.is_some_and(|a| now.saturating_sub(since) >= a);
    if rule.hide_after.is_some() || rule.delete_after.is_some() {
        let versions = db.versions_with_prefix(bucket_id, &rule.prefix)?;
        for group in versions.chunk_by(|a, b| a.name == b.name) {
            let mut group: Vec<VersionRow> = group.to_vec();
            if let Some(newest) = group.first()
                && newest.action == Action::Upload
                && due(newest.upload_ts, rule.hide_after)
            {
                let mut marker = db.hide_file(bucket_id, &newest.name, now)?;
                // A hide by a rule reaches a replication destination like any other.
                db.replicate_new(&mut marker)?;
                db.record_event(EventType::LifecycleHide, &marker, now)?;
                report.hidden += 1;
                group.insert(0, marker);
            }
            if rule.delete_after.is_none() {
                continue;
            }
            let mut left = 0;
            for pair in group.windows(2) {
                let (newer, older) = (&pair[0], &pair[1]);
                if due(newer.upload_ts, rule.delete_after) && !protected(older, now) {
                    delete(db, older, now, report)?;
                } else {
                    left += 1;
                }
            }
            if let Some(newest) = group.first()
                && newest.action == Action::Hide
                && left == 0
                && due(newest.upload_ts, rule.delete_after)
            {
                delete(db, newest, now, report)?;
            }
        }
    }
    if rule.cancel_after.is_some() {
        for started in db.unfinished_files(bucket_id, &rule.prefix, 0, usize::MAX)? {
            if due(started.upload_ts, rule.cancel_after) {
                db.cancel_large_file(&started.file_id)?;
                report.canceled += 1;
            }
        }
    }
    Ok(())
}

fn delete(db: &Db, version: &VersionRow, now: i64, report: &mut Report) -> Result<(), ApiError> {
    let gone = db.delete_version(&version.file_id, &version.name)?;
    db.record_event(EventType::LifecycleDelete, &gone, now)?;
    report.deleted += 1;
    Ok(())
}
