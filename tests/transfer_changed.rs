//! A local file that changes while it is uploaded never leaves a version that mixes old and
//! new bytes: against the local B2, with a retry wait (an injected 429) as the moment the
//! file is rewritten. A large file is cancelled and the job fails saying so; a small file
//! whose try starts after the change goes up as it is now; one that changed size fails; a
//! large file removed before a retry fails at once as the local problem it is.
#![allow(clippy::unwrap_used)]

mod common;
mod transfer_support;

use std::path::Path;
use std::time::{Duration, SystemTime};

use b2tui::worker::transfer::{BucketRef, JobId, TransferEvent};
use serde_json::json;
use sha1::{Digest, Sha1};
use tokio::sync::mpsc::UnboundedReceiver;
use transfer_support::*;

/// The next call of `endpoint` answers 429 asking for a one-second wait.
async fn one_wait(local: &common::Local, endpoint: &str) {
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 429, "code": "too_many_requests", "message": "slow down",
                   "retryAfterSeconds": 1, "endpoint": endpoint}),
        )
        .await;
}

/// Rewrites `path` with `body` and moves its modification time on, as an editor would.
fn rewrite(path: &Path, body: &[u8]) {
    std::fs::write(path, body).unwrap();
    let later = SystemTime::now() + Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(later)
        .unwrap();
}

/// Waits for the job's first retry wait, runs `at_wait`, then returns how the job ended:
/// `Ok(verified)` or `Err(error text)`.
async fn end_of(
    events: &mut UnboundedReceiver<TransferEvent>,
    id: JobId,
    at_wait: impl FnOnce(),
) -> Result<bool, String> {
    let mut at_wait = Some(at_wait);
    let ended = async {
        while let Some(e) = events.recv().await {
            match e {
                TransferEvent::Retrying { id: job, .. } if job == id => {
                    if let Some(f) = at_wait.take() {
                        f();
                    }
                }
                TransferEvent::Finished {
                    id: job, verified, ..
                } if job == id => return Ok(verified),
                TransferEvent::Failed { id: job, error } if job == id => {
                    return Err(error.to_string());
                }
                _ => {}
            }
        }
        panic!("events ended before the job did")
    };
    let result = tokio::time::timeout(Duration::from_secs(30), ended)
        .await
        .expect("the job ends in time");
    assert!(at_wait.is_none(), "the job never waited to retry");
    result
}

/// Versions of `name` in the bucket, and unfinished large files.
async fn left_behind(
    local: &common::Local,
    bucket: &BucketRef,
    name: &str,
) -> (Vec<String>, usize) {
    let versions = versions(local, bucket)
        .await
        .into_iter()
        .filter(|v| v.file_name == name)
        .map(|v| v.content_sha1.unwrap_or_default())
        .collect();
    let unfinished = local
        .client
        .list_unfinished_large_files(&bucket.id, None, None)
        .await
        .unwrap()
        .files
        .len();
    (versions, unfinished)
}

#[tokio::test]
async fn a_large_file_rewritten_mid_upload_is_cancelled_and_the_job_says_why() {
    let local = local_b2().await;
    let bucket = bucket(&local, "changed-large").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("growing.log");
    std::fs::write(&path, pattern(700_000, 1)).unwrap();
    one_wait(&local, "b2_upload_part").await;
    let id = engine.upload_file(path.clone(), bucket.clone(), "growing.log".into());
    let ended = end_of(&mut events, id, || rewrite(&path, &pattern(700_000, 2))).await;
    let error = ended.expect_err("a file that changed mid-upload is not kept");
    assert!(
        error.contains("growing.log changed while it was being uploaded"),
        "{error}"
    );
    assert_eq!(
        left_behind(&local, &bucket, "growing.log").await,
        (vec![], 0),
        "no version and no unfinished large file is left"
    );
}

#[tokio::test]
async fn a_small_file_rewritten_before_a_retry_goes_up_as_it_is_now() {
    let local = local_b2().await;
    let bucket = bucket(&local, "changed-small").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("notes.txt");
    std::fs::write(&path, b"first draft\n").unwrap();
    one_wait(&local, "b2_upload_file").await;
    let id = engine.upload_file(path.clone(), bucket.clone(), "notes.txt".into());
    let ended = end_of(&mut events, id, || rewrite(&path, b"final draft\n")).await;
    assert_eq!(ended, Ok(true));
    let (versions, _) = left_behind(&local, &bucket, "notes.txt").await;
    assert_eq!(versions, vec![hex::encode(Sha1::digest(b"final draft\n"))]);
}

#[tokio::test]
async fn a_small_file_that_changed_size_fails_and_keeps_nothing() {
    let local = local_b2().await;
    let bucket = bucket(&local, "changed-size").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("data.csv");
    std::fs::write(&path, b"a,b\n1,2\n").unwrap();
    one_wait(&local, "b2_upload_file").await;
    let id = engine.upload_file(path.clone(), bucket.clone(), "data.csv".into());
    let ended = end_of(&mut events, id, || rewrite(&path, b"a,b\n1,2\n3,4\n")).await;
    let error = ended.expect_err("a file that changed size mid-job is not uploaded");
    assert!(
        error.contains("data.csv changed while it was being uploaded"),
        "{error}"
    );
    assert_eq!(left_behind(&local, &bucket, "data.csv").await, (vec![], 0));
}

#[tokio::test]
async fn a_large_file_removed_mid_upload_fails_at_once_saying_so() {
    let local = local_b2().await;
    let bucket = bucket(&local, "removed-large").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("vanishing.bin");
    std::fs::write(&path, pattern(700_000, 3)).unwrap();
    one_wait(&local, "b2_upload_part").await;
    let id = engine.upload_file(path.clone(), bucket.clone(), "vanishing.bin".into());
    let mut waits = 0;
    let ended = async {
        while let Some(e) = events.recv().await {
            match e {
                // The injected wait: the file goes while the part waits to be sent again.
                TransferEvent::Retrying { id: job, .. } if job == id => {
                    waits += 1;
                    if waits == 1 {
                        std::fs::remove_file(&path).unwrap();
                    }
                }
                TransferEvent::Failed { id: job, error } if job == id => return error.to_string(),
                TransferEvent::Finished { id: job, .. } if job == id => {
                    panic!("a removed file cannot be uploaded")
                }
                _ => {}
            }
        }
        panic!("events ended before the job did")
    };
    let error = tokio::time::timeout(Duration::from_secs(30), ended)
        .await
        .expect("the job ends in time");
    assert!(
        error.contains("vanishing.bin was removed while it was being uploaded"),
        "the error names the local file and why: {error}"
    );
    assert_eq!(
        waits, 1,
        "a file that cannot be read is not retried: {error}"
    );
    assert_eq!(
        left_behind(&local, &bucket, "vanishing.bin").await,
        (vec![], 0),
        "no version and no unfinished large file is left"
    );
}
