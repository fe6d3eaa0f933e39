//! Jobs of many files against the local B2 over HTTP: a folder is one job whose counts and
//! bytes add up under injected 429/503 and cut downloads, every file verified; cancel-all
//! leaves no temporary or partial file; "skip if same" moves only what is missing; a retry
//! of a folder job redoes only its failed files; pause and resume go on where it stopped.
#![allow(clippy::unwrap_used)]

mod common;
mod transfer_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use b2tui::worker::transfer::{
    BucketRef, CancelMode, ConflictPolicy, GroupItem, GroupStatus, JobId, JobState, TransferEngine,
    TransferEvent,
};
use serde_json::json;
use transfer_support::*;

/// `n` files under `prefix` (some in a sub-folder), of varied sizes, uploaded straight
/// through the client; name relative to the prefix → bytes.
async fn seed(
    local: &common::Local,
    bucket: &BucketRef,
    prefix: &str,
    n: usize,
    big: usize,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for i in 0..n {
        let rel = if i % 3 == 0 {
            format!("sub/f{i:03}.bin")
        } else {
            format!("f{i:03}.bin")
        };
        let len = if i < big { 700_000 } else { 1_000 + i * 37 };
        let body = pattern(len, i as u8);
        let meta = b2tui::b2::UploadMeta {
            file_name: format!("{prefix}{rel}"),
            ..Default::default()
        };
        local
            .client
            .upload_bytes(&bucket.id, &meta, bytes::Bytes::from(body.clone()))
            .await
            .unwrap();
        files.insert(rel, body);
    }
    files
}

fn folder(prefix: &str) -> Vec<GroupItem> {
    vec![GroupItem::Folder(prefix.to_owned())]
}

fn status(engine: &TransferEngine, id: JobId) -> GroupStatus {
    *engine.job(id).unwrap().group.unwrap()
}

async fn ended(engine: &TransferEngine, id: JobId) -> JobState {
    tokio::time::timeout(Duration::from_secs(60), engine.wait(id))
        .await
        .expect("the job ends within a minute")
        .unwrap()
}

fn temp_files(root: &Path) -> Vec<std::path::PathBuf> {
    all_entries(root)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("b2tui-tmp"))
        .collect()
}

#[tokio::test]
async fn a_folder_downloads_as_one_job_whose_counts_add_up_under_faults() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-down").await;
    let files = seed(&local, &bucket, "photos/", 40, 2).await;
    // 503s and 429s on the downloads, and bodies cut short: every file still arrives.
    local
        .admin(
            "fail_next",
            json!({"count": 4, "status": 503, "code": "service_unavailable", "message": "busy",
                   "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 429, "code": "too_many_requests", "message": "slow",
                   "retryAfterSeconds": 0, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    local
        .admin(
            "fail_next",
            json!({"count": 3, "cutAfterBytes": 300, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let (engine, mut events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    let id = engine.download_group(
        bucket.clone(),
        String::new(),
        folder("photos/"),
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    assert_eq!(
        ended(&engine, id).await,
        JobState::Done,
        "{:?}",
        engine.job(id)
    );
    assert_eq!(engine.jobs().len(), 1, "one job for the whole folder");
    let s = status(&engine, id);
    let bytes: u64 = files.values().map(|b| b.len() as u64).sum();
    assert_eq!((s.found, s.done, s.skipped, s.failed), (40, 40, 0, 0));
    assert!(s.listing_done);
    assert_eq!(
        (s.bytes_done, s.bytes_total, s.bytes_copied),
        (bytes, bytes, bytes)
    );
    assert!(s.running.is_empty() && s.failures.is_empty());
    // Every file verified and whole, where its name says.
    assert_eq!(read_tree(&dst.path().join("photos")), files);
    assert!(temp_files(dst.path()).is_empty());
    // The events: one row, its progress in aggregate, then done.
    let mut seen = Vec::new();
    while let Ok(e) = events.try_recv() {
        match e {
            TransferEvent::Queued { job } => {
                assert!(job.group.is_some());
                seen.push("queued");
            }
            TransferEvent::Started { .. } => seen.push("started"),
            TransferEvent::GroupProgressed { id: got, status } => {
                assert_eq!(got, id);
                assert!(status.settled() <= status.found);
                assert!(status.running.len() <= 3, "at most the file limit");
            }
            TransferEvent::Finished { bytes: b, .. } => {
                assert_eq!(b, bytes);
                seen.push("finished");
            }
            TransferEvent::Progressed { .. } => {}
            other => panic!("no per-file event for a folder job: {other:?}"),
        }
    }
    assert_eq!(seen, ["queued", "started", "finished"]);
}

#[tokio::test]
async fn skip_if_same_downloads_only_what_is_missing_or_changed() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-same").await;
    let files = seed(&local, &bucket, "docs/", 20, 1).await;
    let (engine, _events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    let run = |conflict| {
        engine.download_group(
            bucket.clone(),
            "docs/".to_owned(),
            folder("docs/"),
            dst.path().to_path_buf(),
            conflict,
        )
    };
    let first = run(ConflictPolicy::Overwrite);
    assert_eq!(ended(&engine, first).await, JobState::Done);
    // An interrupted copy: four files missing, one changed in place (same size).
    for name in ["f001.bin", "f002.bin", "sub/f003.bin", "f004.bin"] {
        std::fs::remove_file(dst.path().join(name)).unwrap();
    }
    let changed = dst.path().join("f005.bin");
    let mut bytes = std::fs::read(&changed).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&changed, &bytes).unwrap();
    let before = local.calls("b2_download_file_by_id").await;
    let again = run(ConflictPolicy::SkipSame);
    assert_eq!(ended(&engine, again).await, JobState::Done);
    let s = status(&engine, again);
    assert_eq!((s.done, s.skipped, s.failed), (5, 15, 0));
    let calls = local.calls("b2_download_file_by_id").await - before;
    assert_eq!(calls, 5, "only the missing and changed files move");
    assert_eq!(read_tree(dst.path()), files);
}

#[tokio::test]
async fn a_folder_uploads_as_one_job_and_a_rerun_moves_only_what_is_missing() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-up").await;
    let src = tempfile::tempdir().unwrap();
    let root = src.path().join("album");
    std::fs::create_dir_all(root.join("raw")).unwrap();
    for i in 0..30 {
        let dir = if i % 4 == 0 {
            root.join("raw")
        } else {
            root.clone()
        };
        std::fs::write(
            dir.join(format!("p{i:02}.jpg")),
            pattern(2_000 + i * 11, i as u8),
        )
        .unwrap();
    }
    // One large file: parts, and its SHA-1 in large_file_sha1.
    std::fs::write(root.join("movie.bin"), pattern(700_000, 99)).unwrap();
    let (engine, _events) = engine(&local);
    let id = engine.upload_group(
        root.clone(),
        bucket.clone(),
        "backup/album/".to_owned(),
        ConflictPolicy::Overwrite,
    );
    assert_eq!(
        ended(&engine, id).await,
        JobState::Done,
        "{:?}",
        engine.job(id)
    );
    let s = status(&engine, id);
    assert_eq!((s.found, s.done, s.failed), (31, 31, 0));
    assert_eq!(local.calls("b2_upload_file").await, 30);
    assert_eq!(local.calls("b2_start_large_file").await, 1);

    // Two files change (same size), three are new: a re-run with "skip if same" uploads
    // those five only; the large file is compared by its large_file_sha1.
    std::fs::write(root.join("p01.jpg"), pattern(2_011, 200)).unwrap();
    std::fs::write(root.join("raw/p04.jpg"), pattern(2_044, 201)).unwrap();
    for i in 0..3 {
        std::fs::write(root.join(format!("new{i}.jpg")), pattern(500, i)).unwrap();
    }
    let again = engine.upload_group(
        root.clone(),
        bucket.clone(),
        "backup/album/".to_owned(),
        ConflictPolicy::SkipSame,
    );
    assert_eq!(ended(&engine, again).await, JobState::Done);
    let s = status(&engine, again);
    assert_eq!((s.found, s.done, s.skipped, s.failed), (34, 5, 29, 0));
    assert_eq!(local.calls("b2_upload_file").await, 35, "five more uploads");
    assert_eq!(
        local.calls("b2_start_large_file").await,
        1,
        "the large file stayed"
    );
    let got = local
        .client
        .download_file_by_name(&bucket.name, "backup/album/raw/p04.jpg", None)
        .await
        .unwrap();
    assert!(got.bytes().await.unwrap() == pattern(2_044, 201));
}

#[tokio::test]
async fn a_retry_of_a_folder_job_redoes_only_its_failed_files() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-retry").await;
    let files = seed(&local, &bucket, "logs/", 24, 0).await;
    // Three downloads refused for good (not a transient failure): three files fail.
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 400, "code": "bad_request", "message": "no",
                   "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let (engine, _events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    let id = engine.download_group(
        bucket.clone(),
        "logs/".to_owned(),
        folder("logs/"),
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    let state = ended(&engine, id).await;
    let JobState::Failed { error } = &state else {
        panic!("three files failed: {state:?}");
    };
    assert!(error.message().contains("3 of 24 files failed"), "{error}");
    let s = status(&engine, id);
    assert_eq!((s.done, s.failed), (21, 3));
    assert_eq!(s.failures.len(), 3, "each failure listed with its reason");
    assert!(
        s.failures
            .iter()
            .all(|f| f.error.code() == Some("bad_request"))
    );
    assert!(temp_files(dst.path()).is_empty());

    let before = local.calls("b2_download_file_by_id").await;
    assert!(engine.retry(id));
    assert_eq!(ended(&engine, id).await, JobState::Done);
    assert_eq!(
        local.calls("b2_download_file_by_id").await - before,
        3,
        "only the failed files again"
    );
    let s = status(&engine, id);
    assert_eq!((s.found, s.done, s.failed), (24, 24, 0));
    assert_eq!(read_tree(dst.path()), files);
}

#[tokio::test]
async fn cancel_all_leaves_no_temporary_or_partial_file() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-cancel").await;
    let files = seed(&local, &bucket, "big/", 4, 4).await;
    let options = b2tui::worker::transfer::TransferOptions {
        file_concurrency: 6,
        ..small_parts()
    };
    let (engine, mut events) = TransferEngine::new(local.client.clone(), options);
    // Every download and upload part waits a while: the jobs are caught mid-way.
    for endpoint in ["b2_download_file_by_id", "b2_upload_part"] {
        local
            .admin(
                "fail_next",
                json!({"count": 200, "status": 429, "code": "too_many_requests",
                       "message": "wait", "retryAfterSeconds": 1, "endpoint": endpoint}),
            )
            .await;
    }
    let dst = tempfile::tempdir().unwrap();
    let down = engine.download_group(
        bucket.clone(),
        "big/".to_owned(),
        folder("big/"),
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    next_event(&mut events, "files running", Duration::from_secs(20), |e| {
        matches!(e, TransferEvent::GroupProgressed { id, status }
            if *id == down && !status.running.is_empty())
    })
    .await;
    let src = tempfile::tempdir().unwrap();
    for i in 0..2 {
        std::fs::write(src.path().join(format!("u{i}.bin")), pattern(900_000, i)).unwrap();
    }
    let up = engine.upload_group(
        src.path().to_path_buf(),
        bucket.clone(),
        "up/".to_owned(),
        ConflictPolicy::Overwrite,
    );
    // Its large files started on B2, their parts waiting.
    eventually("large files started", Duration::from_secs(20), || async {
        local
            .client
            .list_unfinished_large_files(&bucket.id, None, None)
            .await
            .unwrap()
            .files
            .len()
            == 2
    })
    .await;
    engine.cancel_all(CancelMode::Discard);
    assert_eq!(ended(&engine, down).await, JobState::Cancelled);
    assert_eq!(
        ended(&engine, up).await,
        JobState::Cancelled,
        "{:?}",
        engine.job(up)
    );
    assert!(
        temp_files(dst.path()).is_empty(),
        "{:?}",
        all_entries(dst.path())
    );
    // Whatever arrived is whole; nothing else is there.
    for (name, bytes) in read_tree(dst.path()) {
        assert!(files.get(&name) == Some(&bytes), "{name} is partial");
    }
    let s = status(&engine, down);
    assert!(s.running.is_empty());
    assert!(s.done < 4, "stopped mid-way ({} done)", s.done);
    let unfinished = local
        .client
        .list_unfinished_large_files(&bucket.id, None, None)
        .await
        .unwrap()
        .files;
    assert!(unfinished.is_empty(), "parts discarded: {unfinished:?}");
}

#[tokio::test]
async fn pause_and_resume_go_on_where_the_folder_job_stopped() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-pause").await;
    let files = seed(&local, &bucket, "set/", 30, 0).await;
    let (engine, mut events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    // The first downloads wait 1 s: the pause catches the job early.
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 429, "code": "too_many_requests", "message": "wait",
                   "retryAfterSeconds": 1, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let id = engine.download_group(
        bucket.clone(),
        "set/".to_owned(),
        folder("set/"),
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    next_event(&mut events, "files running", Duration::from_secs(20), |e| {
        matches!(e, TransferEvent::GroupProgressed { status, .. } if !status.running.is_empty())
    })
    .await;
    engine.pause(id);
    assert_eq!(ended(&engine, id).await, JobState::Paused);
    let paused = status(&engine, id);
    assert!(paused.done < 30);
    assert!(temp_files(dst.path()).is_empty());
    let before = local.calls("b2_download_file_by_id").await;
    assert!(engine.resume(id));
    assert_eq!(ended(&engine, id).await, JobState::Done);
    let s = status(&engine, id);
    assert_eq!((s.found, s.done, s.failed), (30, 30, 0));
    let calls = local.calls("b2_download_file_by_id").await - before;
    // A wait armed before the pause may still be taken by a file after it.
    assert!(
        (30 - paused.done..=33 - paused.done).contains(&calls),
        "files copied before the pause are not fetched again ({calls} calls, {} done)",
        paused.done
    );
    assert_eq!(read_tree(dst.path()), files);
}

#[tokio::test]
async fn marked_entries_download_as_one_job() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-marked").await;
    let files = seed(&local, &bucket, "m/", 9, 0).await;
    let (engine, _events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    let items = vec![
        GroupItem::Name("m/f001.bin".to_owned()),
        GroupItem::Folder("m/sub/".to_owned()),
        GroupItem::Name("m/f002.bin".to_owned()),
        // Lands outside the folder: a failure with its reason, never written.
        GroupItem::Name("m/../../escape".to_owned()),
    ];
    let id = engine.download_group(
        bucket.clone(),
        "m/".to_owned(),
        items,
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    let state = ended(&engine, id).await;
    assert!(matches!(state, JobState::Failed { .. }), "{state:?}");
    let s = status(&engine, id);
    // sub/ holds f000, f003, f006.
    assert_eq!((s.found, s.done, s.failed), (6, 5, 1));
    assert!(
        s.failures[0].error.message().contains("unsafe name"),
        "{:?}",
        s.failures
    );
    let want: BTreeMap<_, _> = files
        .into_iter()
        .filter(|(k, _)| k.starts_with("sub/") || k == "f001.bin" || k == "f002.bin")
        .collect();
    assert_eq!(read_tree(dst.path()), want);
}

#[tokio::test]
async fn a_listing_that_fails_fails_the_job_and_its_retry_lists_again() {
    let local = local_b2().await;
    let bucket = bucket(&local, "group-list").await;
    let files = seed(&local, &bucket, "l/", 7, 0).await;
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 400, "code": "bad_request", "message": "no list",
                   "endpoint": "b2_list_file_names"}),
        )
        .await;
    let (engine, _events) = engine(&local);
    let dst = tempfile::tempdir().unwrap();
    let id = engine.download_group(
        bucket.clone(),
        "l/".to_owned(),
        folder("l/"),
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    let state = ended(&engine, id).await;
    let JobState::Failed { error } = &state else {
        panic!("the listing failed: {state:?}");
    };
    assert!(
        error.message().contains("listing b2://xfer-group-list/l/"),
        "{error}"
    );
    let s = status(&engine, id);
    assert_eq!((s.found, s.done, s.failed), (0, 0, 1));
    assert!(!s.listing_done);
    assert!(engine.retry(id));
    assert_eq!(ended(&engine, id).await, JobState::Done);
    let s = status(&engine, id);
    assert_eq!((s.found, s.done, s.failed), (7, 7, 0));
    assert!(s.listing_done);
    assert_eq!(read_tree(dst.path()), files);
}

/// The next transfer note from the worker, skipping engine events.
async fn next_note(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<b2tui::worker::WorkerEvent>,
) -> b2tui::worker::transfer_cmds::TransferNote {
    use b2tui::worker::WorkerEvent;
    use b2tui::worker::transfer_cmds::TransferNote;
    let wait = async {
        loop {
            match rx.recv().await.expect("worker runs") {
                WorkerEvent::Transfer(TransferNote::Engine(_)) => {}
                WorkerEvent::Transfer(note) => return note,
                other => panic!("{other:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("a note within 20 s")
}

/// Waits for the next job of the worker to finish.
async fn finished(rx: &mut tokio::sync::mpsc::UnboundedReceiver<b2tui::worker::WorkerEvent>) {
    use b2tui::worker::WorkerEvent;
    use b2tui::worker::transfer_cmds::TransferNote;
    let wait = async {
        loop {
            match rx.recv().await.expect("worker runs") {
                WorkerEvent::Transfer(TransferNote::Engine(TransferEvent::Finished { .. })) => {
                    return;
                }
                WorkerEvent::Transfer(TransferNote::Engine(TransferEvent::Failed {
                    error,
                    ..
                })) => panic!("{error}"),
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("the job finishes within 20 s");
}

#[tokio::test]
async fn a_folder_upload_into_names_that_exist_asks_first_then_skips_the_same() {
    use b2tui::worker::transfer_cmds::{TransferCommand, TransferNote};
    use b2tui::worker::{Command, RequestId};
    let local = local_b2().await;
    let bucket = bucket(&local, "group-ask").await;
    let src = tempfile::tempdir().unwrap();
    let root = src.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    for i in 0..6u8 {
        std::fs::write(root.join(format!("page{i}.html")), pattern(900, i)).unwrap();
    }
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (evt_tx, mut evt_rx) = tokio::sync::mpsc::unbounded_channel();
    b2tui::worker::spawn_with(local.client.clone(), small_parts(), cmd_rx, evt_tx);
    let upload = |req| {
        Command::Transfer(TransferCommand::Upload {
            req: RequestId(req),
            local: root.clone(),
            bucket: bucket.clone(),
            prefix: "www/".to_owned(),
        })
    };
    // Nothing there yet: it starts at once.
    cmd_tx.send(upload(1)).unwrap();
    let note = next_note(&mut evt_rx).await;
    assert!(
        matches!(note, TransferNote::Queued { jobs: 1, .. }),
        "{note:?}"
    );
    finished(&mut evt_rx).await;
    assert_eq!(local.calls("b2_upload_file").await, 6);
    // Again, one file changed: the names exist, so nothing starts before the answer.
    std::fs::write(root.join("page2.html"), pattern(900, 42)).unwrap();
    cmd_tx.send(upload(2)).unwrap();
    let note = next_note(&mut evt_rx).await;
    let TransferNote::UploadExists { req, example, .. } = &note else {
        panic!("asks first: {note:?}");
    };
    assert_eq!(*req, RequestId(2));
    assert!(example.starts_with("www/site/page"), "{example}");
    cmd_tx
        .send(Command::Transfer(TransferCommand::UploadFolder {
            req: RequestId(3),
            local: root.clone(),
            bucket: bucket.clone(),
            prefix: "www/".to_owned(),
            conflict: ConflictPolicy::SkipSame,
        }))
        .unwrap();
    let note = next_note(&mut evt_rx).await;
    assert!(
        matches!(note, TransferNote::Queued { jobs: 1, .. }),
        "{note:?}"
    );
    finished(&mut evt_rx).await;
    assert_eq!(
        local.calls("b2_upload_file").await,
        7,
        "the changed file only"
    );
    let got = local
        .client
        .download_file_by_name(&bucket.name, "www/site/page2.html", None)
        .await
        .unwrap();
    assert!(got.bytes().await.unwrap() == pattern(900, 42));
}
