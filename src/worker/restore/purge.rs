//! Emptying a bucket or deleting a folder with all its versions: a survey that counts
//! what would go (versions, bytes, hide markers, unfinished large files) without keeping
//! the names, then a job that deletes page by page as the listing streams, cancels the
//! unfinished large files, and keeps going past versions B2 refuses (Object Lock).

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};

use super::scan::versions_under;
use super::{OpFailure, RestoreEvent};
use crate::b2::paginate;
use crate::b2::{B2Client, B2Error, BucketId, FileAction};
use crate::worker::{Failure, RequestId};

/// Deletions of one purge at a time.
const CONCURRENCY: usize = 8;
/// Versions per listing page (B2's maximum; one billed call per 1,000).
const PAGE: u32 = 10_000;
/// Survey and job progress at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// What a purge would delete under a prefix. Counts only: no names are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeSurvey {
    /// Distinct file names.
    pub names: u64,
    /// Uploaded versions (current and older) and their bytes.
    pub versions: u64,
    pub bytes: u64,
    pub hide_markers: u64,
    pub unfinished: u64,
    /// Object Lock on the bucket: Some(true) = versions may be under retention or a legal
    /// hold and B2 will refuse those; None = unknown (the key may not read bucket settings).
    pub object_lock: Option<bool>,
}

impl PurgeSurvey {
    /// Every entry the job would try to delete or cancel.
    pub fn total(&self) -> u64 {
        self.versions + self.hide_markers + self.unfinished
    }
}

/// Counts what lies under `prefix`, reporting as pages arrive (`done` on the last).
pub(super) async fn survey(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    prefix: &str,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    let mut s = PurgeSurvey {
        object_lock: client
            .get_bucket(bucket)
            .await
            .ok()
            .map(|b| b.is_file_lock_enabled()),
        ..PurgeSurvey::default()
    };
    let mut last_name: Option<String> = None;
    let mut last_sent = Instant::now();
    let mut pages = std::pin::pin!(paginate::file_versions(
        client.clone(),
        versions_under(bucket, prefix, false, PAGE)
    ));
    while let Some(page) = pages.try_next().await? {
        for v in &page.items {
            if last_name.as_deref() != Some(v.file_name.as_str()) {
                s.names += 1;
                last_name = Some(v.file_name.clone());
            }
            match v.action {
                FileAction::Hide => s.hide_markers += 1,
                // An unfinished large file is counted once, from its own listing below.
                FileAction::Start | FileAction::Folder => {}
                _ => {
                    s.versions += 1;
                    s.bytes += v.content_length;
                }
            }
        }
        if last_sent.elapsed() >= PROGRESS_EVERY {
            last_sent = Instant::now();
            let ev = RestoreEvent::PurgeSurveyed {
                req,
                survey: s.clone(),
                done: false,
            };
            if !send(ev) {
                return Ok(());
            }
        }
    }
    let unfinished = paginate::unfinished_large_files(
        client.clone(),
        bucket.clone(),
        (!prefix.is_empty()).then(|| prefix.to_owned()),
    );
    s.unfinished = unfinished
        .map_ok(|page| page.items.len() as u64)
        .try_fold(0, |n, k| async move { Ok(n + k) })
        .await?;
    send(RestoreEvent::PurgeSurveyed {
        req,
        survey: s,
        done: true,
    });
    Ok(())
}

/// Deletes every version and hide marker under `prefix` and cancels its unfinished large
/// files, reporting `JobProgressed` against `total` (the survey's) and one `JobFinished`.
pub(super) async fn run(
    client: &B2Client,
    job: RequestId,
    bucket: &BucketId,
    prefix: &str,
    total: usize,
    send: &impl Fn(RestoreEvent) -> bool,
) {
    let mut succeeded = 0;
    let mut failures: Vec<OpFailure> = Vec::new();
    let mut last = Instant::now();
    let progress = |succeeded: usize, failures: &[OpFailure], last: &mut Instant, force: bool| {
        if force || last.elapsed() >= PROGRESS_EVERY {
            *last = Instant::now();
            send(RestoreEvent::JobProgressed {
                job,
                done: succeeded + failures.len(),
                total: total.max(succeeded + failures.len()),
                failed: failures.len(),
            });
        }
    };
    progress(0, &failures, &mut last, true);
    // Versions, page by page: each page is deleted before the next is asked for, so the
    // listing never returns an entry twice and memory stays one page.
    let mut pages = std::pin::pin!(paginate::file_versions(
        client.clone(),
        versions_under(bucket, prefix, false, PAGE)
    ));
    loop {
        let page = match pages.try_next().await {
            Ok(Some(page)) => page,
            Ok(None) => break,
            Err(e) => {
                failures.push(failed(prefix, &e));
                break;
            }
        };
        let targets = page.items.into_iter().filter_map(|v| {
            let id = v.file_id?;
            (v.action != FileAction::Start && v.action != FileAction::Folder)
                .then_some((v.file_name, id))
        });
        let mut results = futures::stream::iter(targets)
            .map(|(name, id)| async move {
                let r = client.delete_file_version(&name, &id).await;
                (name, r)
            })
            .buffer_unordered(CONCURRENCY);
        while let Some((name, r)) = results.next().await {
            match r {
                Ok(_) => succeeded += 1,
                Err(e) => failures.push(failed(&name, &e)),
            }
            progress(succeeded, &failures, &mut last, false);
        }
    }
    // Unfinished large files: cancelled (their parts go with them).
    let unfinished = paginate::unfinished_large_files(
        client.clone(),
        bucket.clone(),
        (!prefix.is_empty()).then(|| prefix.to_owned()),
    );
    let mut unfinished = std::pin::pin!(unfinished);
    loop {
        match unfinished.try_next().await {
            Ok(Some(page)) => {
                for f in page.items {
                    let Some(id) = f.file_id else { continue };
                    match client.cancel_large_file(&id).await {
                        Ok(_) => succeeded += 1,
                        Err(e) => failures.push(failed(&f.file_name, &e)),
                    }
                    progress(succeeded, &failures, &mut last, false);
                }
            }
            Ok(None) => break,
            Err(e) => {
                failures.push(failed(prefix, &e));
                break;
            }
        }
    }
    progress(succeeded, &failures, &mut last, true);
    send(RestoreEvent::JobFinished {
        job,
        succeeded,
        failures,
    });
}

fn failed(name: &str, e: &B2Error) -> OpFailure {
    OpFailure {
        name: name.to_owned(),
        error: Failure::from(e),
    }
}
