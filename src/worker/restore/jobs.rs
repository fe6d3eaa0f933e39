//! Bulk restore jobs: unhide, copy an old version back, hide and delete versions, run a few
//! at a time, reporting throttled progress and keeping going past failures.

use std::time::{Duration, Instant};

use futures::StreamExt;

use super::scan::{Scan, versions_under};
use super::{Op, OpFailure, RestoreEvent};
use crate::b2::{
    B2Client, B2Error, BucketId, CopyOptions, FileAction, FileId, ListFileVersionsRequest,
};
use crate::worker::Failure;
use crate::worker::RequestId;
use crate::worker::failure::Lock;
use crate::worker::history::{self, HiddenFile};

/// At most this many B2 calls of one job at a time.
const JOB_CONCURRENCY: usize = 4;
/// Progress events of one job are at least this far apart.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

pub(super) async fn run_job(
    client: &B2Client,
    job: RequestId,
    bucket: &BucketId,
    ops: Vec<Op>,
    copy: CopyOptions,
    send: &impl Fn(RestoreEvent) -> bool,
) {
    let mut failures = Vec::new();
    let mut steps = Vec::new();
    for op in ops {
        match op {
            Op::UnhideFolder { prefix } => match hidden_under(client, bucket, &prefix).await {
                Ok(found) => steps.extend(found.into_iter().map(|h| Op::Delete {
                    name: h.name,
                    id: h.marker,
                })),
                Err(e) => failures.push(failure(&prefix, &e)),
            },
            other => steps.push(other),
        }
    }
    let total = steps.len() + failures.len();
    let mut succeeded = 0;
    let mut last = Instant::now();
    send(RestoreEvent::JobProgressed {
        job,
        done: 0,
        total,
        failed: failures.len(),
    });
    let mut results = futures::stream::iter(steps)
        .map(|op| async move {
            let r = run_op(client, bucket, &op, copy).await;
            (op, r)
        })
        .buffer_unordered(JOB_CONCURRENCY);
    while let Some((op, r)) = results.next().await {
        match r {
            Ok(()) => succeeded += 1,
            Err(f) => failures.push(OpFailure {
                name: op.name().to_owned(),
                ..f
            }),
        }
        if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            send(RestoreEvent::JobProgressed {
                job,
                done: succeeded + failures.len(),
                total,
                failed: failures.len(),
            });
        }
    }
    send(RestoreEvent::JobFinished {
        job,
        succeeded,
        failures,
    });
}

fn failure(name: &str, e: &B2Error) -> OpFailure {
    OpFailure {
        name: name.to_owned(),
        error: Failure::from(e),
    }
}

async fn hidden_under(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
) -> Result<Vec<HiddenFile>, B2Error> {
    let mut scan = Scan::new(
        client,
        versions_under(bucket, prefix, false, crate::worker::listing::PAGE_SIZE),
    );
    let mut found = Vec::new();
    while let Some((groups, _)) = scan.next().await? {
        found.extend(groups.iter().filter_map(history::hidden_file));
    }
    Ok(found)
}

async fn run_op(
    client: &B2Client,
    bucket: &BucketId,
    op: &Op,
    copy: CopyOptions,
) -> Result<(), OpFailure> {
    let name = op.name();
    let r = match op {
        Op::Unhide { name } => unhide(client, bucket, name).await,
        Op::Copy { name, source } => client.copy_version(source, name, copy).await.map(drop),
        Op::Hide { name } => client.hide_file(bucket, name).await.map(drop),
        Op::Delete { name, id } => match client.delete_file_version(name, id).await {
            Err(e) if Failure::from(&e).is_denied() => {
                return Err(OpFailure {
                    name: name.to_owned(),
                    error: refused_delete(client, id, &e).await,
                });
            }
            r => r.map(drop),
        },
        Op::UnhideFolder { .. } => Ok(()),
    };
    r.map_err(|e| failure(name, &e))
}

/// A refused delete: Object Lock when the version's retention or legal hold (as far as
/// the key may read them) protects it, else B2's refusal as it came.
async fn refused_delete(client: &B2Client, id: &FileId, e: &B2Error) -> Failure {
    let Ok(v) = client.get_locked_file_info(id).await else {
        return Failure::from(e);
    };
    let now = chrono::Utc::now().timestamp_millis();
    let retention = v
        .file_retention
        .as_ref()
        .and_then(|r| r.value.as_ref())
        .and_then(|r| Some((r.mode.clone()?, r.retain_until_timestamp?)))
        .filter(|(_, until)| *until > now);
    match Lock::new(retention, v.is_held()) {
        Some(lock) => Failure::Locked(lock),
        None => Failure::from(e),
    }
}

/// Unhides a name the way b2sdk does: the newest entry must be a hide marker, which is
/// then deleted (there is no b2_unhide_file).
async fn unhide(client: &B2Client, bucket: &BucketId, name: &str) -> Result<(), B2Error> {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        start_file_id: None,
        max_file_count: Some(1),
        prefix: Some(name.to_owned()),
        delimiter: None,
    };
    let page = client.list_file_versions(&req).await?;
    match page.files.into_iter().next() {
        Some(v) if v.file_name == name && v.action == FileAction::Hide => {
            let id = v
                .file_id
                .ok_or_else(|| B2Error::Decode("hide marker without fileId".into()))?;
            client.delete_file_version(name, &id).await.map(drop)
        }
        _ => Err(B2Error::Api {
            status: 400,
            code: "not_hidden".to_owned(),
            message: format!("{name} is not hidden"),
            retry_after: None,
            call: None,
        }),
    }
}
