//! The transfer engine against the local B2 over HTTP: round trips of every size class and
//! of a folder tree, resume, retries under injected failures, cancel, SHA-1 rejection, and
//! unsafe remote names.

mod common;
mod transfer_support;

use std::time::Duration;

use b2tui::b2::{ClientOptions, FileAction, StartLargeFileRequest, UploadBody};
use b2tui::worker::transfer::{
    CancelMode, ConflictPolicy, GroupItem, JobState, RemoteFile, TransferEvent, TransferOptions,
};
use bytes::Bytes;
use serde_json::json;
use sha1::{Digest, Sha1};
use transfer_support::*;

#[tokio::test]
async fn round_trips_every_size_class() {
    let local = local_b2().await;
    let bucket = bucket(&local, "sizes").await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let dst = tempfile::tempdir().unwrap();
    let sizes: [(&str, u64); 6] = [
        ("empty.bin", 0),
        ("small.txt", 1_000),
        ("exactly-one-part.bin", PART),
        ("just-above-cutoff.bin", 300_001),
        ("exact-multiple.bin", 3 * PART),
        ("many-parts.bin", 5 * PART + 12_345),
    ];
    let mut uploads = Vec::new();
    for (i, (name, size)) in sizes.iter().enumerate() {
        let path = src.path().join(name);
        std::fs::write(&path, pattern(*size as usize, i as u8)).unwrap();
        uploads.push(engine.upload_file(path, bucket.clone(), format!("d/{name}")));
    }
    for (id, (name, size)) in uploads.into_iter().zip(&sizes) {
        wait_done(&engine, id).await;
        // The job says whether it went as a large file (a cancel could keep its parts).
        assert_eq!(
            engine.job(id).unwrap().large_file,
            *size > 300_000,
            "{name}"
        );
    }
    let listed = versions(&local, &bucket).await;
    for (i, (name, size)) in sizes.iter().enumerate() {
        let v = listed
            .iter()
            .find(|v| v.file_name == format!("d/{name}"))
            .unwrap();
        assert_eq!(v.action, FileAction::Upload);
        assert_eq!(v.content_length, *size, "{name}");
        let sha1 = hex::encode(Sha1::digest(pattern(*size as usize, i as u8)));
        assert!(v.file_info.contains_key("src_last_modified_millis"));
        if *size > 300_000 {
            assert_eq!(v.content_sha1.as_deref(), Some("none"), "{name} is large");
            assert_eq!(v.file_info.get("large_file_sha1"), Some(&sha1));
            assert_eq!(
                v.file_info.get("src_size"),
                Some(&size.to_string()),
                "{name}"
            );
        } else {
            assert_eq!(v.content_sha1.as_deref(), Some(sha1.as_str()), "{name}");
        }
    }
    // Parts on B2: the 5-part-and-a-bit file went up in parts of the recommended size.
    assert!(local.calls("b2_upload_part").await >= 2 + 3 + 6);

    let mut downloads = Vec::new();
    for (name, _) in &sizes {
        downloads.push(engine.download_file(
            bucket.clone(),
            RemoteFile::Name(format!("d/{name}")),
            dst.path().join(name),
            ConflictPolicy::Overwrite,
        ));
    }
    for id in &downloads {
        wait_done(&engine, *id).await;
        let job = engine.job(*id).unwrap();
        assert_eq!(job.bytes_done, job.bytes_total);
    }
    for (i, (name, size)) in sizes.iter().enumerate() {
        let got = std::fs::read(dst.path().join(name)).unwrap();
        assert_eq!(got.len() as u64, *size, "{name}");
        assert!(
            got == pattern(*size as usize, i as u8),
            "{name} byte for byte"
        );
    }
    assert!(
        local.calls("b2_download_file_by_id").await > sizes.len() as u64,
        "large files come as several ranges"
    );
    assert_eq!(
        all_entries(dst.path()).len(),
        sizes.len(),
        "no temp files left"
    );
}

#[tokio::test]
async fn round_trips_a_tree_with_nested_and_non_ascii_names() {
    let local = local_b2().await;
    let bucket = bucket(&local, "tree").await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let names = [
        "top.txt",
        "a/b/c/deep.bin",
        "été/crème brûlée.txt",
        "日本語/データ 1+1=2 #x.csv",
        "spaces in dir/%41 literal.txt",
        "a/large.bin",
        "emoji/🦀.rs",
    ];
    for (i, name) in names.iter().enumerate() {
        let path = src.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let len = if name.ends_with("large.bin") {
            650_000
        } else {
            100 + i * 977
        };
        std::fs::write(&path, pattern(len, i as u8)).unwrap();
    }
    std::fs::create_dir_all(src.path().join("empty-dir")).unwrap();
    let up = engine.upload_group(
        src.path().to_path_buf(),
        bucket.clone(),
        "backup/".into(),
        ConflictPolicy::Overwrite,
    );
    assert_eq!(engine.wait(up).await, Some(JobState::Done));
    assert_eq!(
        engine.job(up).unwrap().group.unwrap().done,
        names.len() as u64
    );
    let dst = tempfile::tempdir().unwrap();
    let down = engine.download_group(
        bucket.clone(),
        "backup/".into(),
        vec![GroupItem::Folder("backup/".into())],
        dst.path().join("restored"),
        ConflictPolicy::Overwrite,
    );
    assert_eq!(engine.wait(down).await, Some(JobState::Done));
    assert_eq!(
        engine.job(down).unwrap().group.unwrap().done,
        names.len() as u64
    );
    assert_eq!(
        read_tree(&dst.path().join("restored")),
        read_tree(src.path())
    );
}

#[tokio::test]
async fn resumes_an_interrupted_large_upload_with_only_missing_parts() {
    let local = local_b2().await;
    let bucket = bucket(&local, "resume").await;
    let src = tempfile::tempdir().unwrap();
    let data = pattern(5 * PART as usize + 777, 9);
    let path = src.path().join("big.bin");
    std::fs::write(&path, &data).unwrap();
    let whole = hex::encode(Sha1::digest(&data));

    // An earlier run got parts 1, 2 and 4 up, then stopped.
    let c = &local.client;
    let started = c
        .start_large_file(&StartLargeFileRequest {
            bucket_id: bucket.id.clone(),
            file_name: "big.bin".into(),
            content_type: "b2/x-auto".into(),
            file_info: [
                ("large_file_sha1".to_owned(), whole.clone()),
                ("src_size".to_owned(), data.len().to_string()),
            ]
            .into(),
        })
        .await
        .unwrap();
    let file_id = started.file_id.unwrap();
    let url = c.get_upload_part_url(&file_id).await.unwrap();
    for n in [1u32, 2, 4] {
        let range = (n as usize - 1) * PART as usize..n as usize * PART as usize;
        let body = UploadBody::Bytes(Bytes::copy_from_slice(&data[range]));
        c.upload_part(&url, n, body).await.unwrap();
    }
    // A stale unfinished upload of another size must not be picked.
    c.start_large_file(&StartLargeFileRequest {
        bucket_id: bucket.id.clone(),
        file_name: "big.bin".into(),
        content_type: "b2/x-auto".into(),
        file_info: [("src_size".to_owned(), "1".to_owned())].into(),
    })
    .await
    .unwrap();

    let parts_before = local.calls("b2_upload_part").await;
    let starts_before = local.calls("b2_start_large_file").await;
    let (engine, _events) = engine(&local);
    let id = engine.upload_file(path.clone(), bucket.clone(), "big.bin".into());
    wait_done(&engine, id).await;
    assert_eq!(
        local.calls("b2_upload_part").await - parts_before,
        3,
        "parts 3, 5 and 6 only"
    );
    assert_eq!(local.calls("b2_start_large_file").await, starts_before);
    let dl = c.download_file_by_id(&file_id, None).await.unwrap();
    assert_eq!(dl.info.expected_sha1().as_deref(), Some(whole.as_str()));
    assert!(dl.bytes().await.unwrap() == data);

    // A failed finish, retried, uploads nothing again.
    let path2 = src.path().join("big2.bin");
    std::fs::write(&path2, &data[..4 * PART as usize]).unwrap();
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 400, "code": "bad_request",
                   "message": "injected", "endpoint": "b2_finish_large_file"}),
        )
        .await;
    let id = engine.upload_file(path2, bucket.clone(), "big2.bin".into());
    let state = engine.wait(id).await.unwrap();
    assert!(matches!(state, JobState::Failed { .. }), "{state:?}");
    let parts_before = local.calls("b2_upload_part").await;
    assert!(engine.retry(id));
    wait_done(&engine, id).await;
    assert_eq!(local.calls("b2_upload_part").await, parts_before);
}

#[tokio::test]
async fn completes_and_verifies_under_injected_failures() {
    let local = local_b2_with(ClientOptions {
        test_mode: Some("fail_some_uploads".into()),
        ..common::fast_retry()
    })
    .await;
    let bucket = bucket(&local, "flaky").await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let files = [
        ("a.bin", 10_000usize),
        ("b.bin", 5_000_000),
        ("c.bin", 900_000),
    ];
    local
        .admin(
            "fail_next",
            json!({"count": 2, "status": 503, "code": "service_unavailable",
                   "message": "injected", "endpoint": "b2_get_upload_url"}),
        )
        .await;
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 429, "code": "too_many_requests",
                   "message": "slow down", "retryAfterSeconds": 1,
                   "endpoint": "b2_get_upload_part_url"}),
        )
        .await;
    let mut ids = Vec::new();
    for (i, (name, len)) in files.iter().enumerate() {
        let path = src.path().join(name);
        std::fs::write(&path, pattern(*len, i as u8)).unwrap();
        ids.push(engine.upload_file(path, bucket.clone(), (*name).to_owned()));
    }
    for id in ids {
        wait_done(&engine, id).await;
    }
    assert!(
        local.calls("b2_get_upload_part_url").await > 3,
        "failed part uploads took fresh URLs"
    );
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 503, "code": "service_unavailable",
                   "message": "injected", "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let dst = tempfile::tempdir().unwrap();
    let id = engine.download_group(
        bucket.clone(),
        String::new(),
        vec![GroupItem::Folder(String::new())],
        dst.path().to_path_buf(),
        ConflictPolicy::Overwrite,
    );
    assert_eq!(engine.wait(id).await, Some(JobState::Done));
    for (i, (name, len)) in files.iter().enumerate() {
        assert!(std::fs::read(dst.path().join(name)).unwrap() == pattern(*len, i as u8));
    }
}

#[tokio::test]
async fn cancel_leaves_nothing_half_written() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cancel").await;
    let (engine, mut events) = TransferEngine::new(
        local.client.clone(),
        TransferOptions {
            part_concurrency: 2,
            ..small_parts()
        },
    );
    let data = pattern(10 * PART as usize, 3);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("big.bin");
    std::fs::write(&path, &data).unwrap();
    wait_done(
        &engine,
        engine.upload_file(path.clone(), bucket.clone(), "big.bin".into()),
    )
    .await;

    // One range stalls (429, Retry-After 10 s) while the others land on disk.
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 429, "code": "too_many_requests", "message": "wait",
                   "retryAfterSeconds": 10, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let dst = tempfile::tempdir().unwrap();
    let target = dst.path().join("big.bin");
    let id = engine.download_file(
        bucket.clone(),
        RemoteFile::Name("big.bin".into()),
        target.clone(),
        ConflictPolicy::Overwrite,
    );
    next_event(
        &mut events,
        "other ranges arrive",
        Duration::from_secs(8),
        |e| {
            matches!(e, TransferEvent::Progressed { id: job, bytes_done, .. }
            if *job == id && *bytes_done >= 9 * PART)
        },
    )
    .await;
    let entries = all_entries(dst.path());
    assert_eq!(entries.len(), 1, "one temp file while running: {entries:?}");
    assert!(!target.exists());
    engine.cancel(id, CancelMode::Discard);
    assert_eq!(engine.wait(id).await, Some(JobState::Cancelled));
    assert!(all_entries(dst.path()).is_empty(), "temp file removed");

    // An upload stalled after b2_start_large_file: Discard cancels the large file on B2…
    for (mode, left) in [(CancelMode::Discard, 0), (CancelMode::KeepForResume, 1)] {
        stall_next_part(&local).await;
        let id = engine.upload_file(path.clone(), bucket.clone(), format!("{mode:?}.bin"));
        large_file_started(&local, &bucket.id).await;
        engine.cancel(id, mode);
        assert_eq!(engine.wait(id).await, Some(JobState::Cancelled));
        // …or keeps it for a resume.
        assert_eq!(unfinished(&local, &bucket.id).await, left, "{mode:?}");
    }
}

#[tokio::test]
async fn a_cancel_that_b2_refuses_is_reported() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cancel-refused").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("big.bin");
    std::fs::write(&path, pattern(4 * PART as usize, 9)).unwrap();
    // The upload stalls after b2_start_large_file; then B2 refuses the cancel.
    stall_next_part(&local).await;
    let id = engine.upload_file(path, bucket.clone(), "big.bin".into());
    large_file_started(&local, &bucket.id).await;
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 400, "code": "bad_request",
                   "message": "injected", "endpoint": "b2_cancel_large_file"}),
        )
        .await;
    engine.cancel(id, CancelMode::Discard);
    let state = engine.wait(id).await.unwrap();
    let JobState::Failed { error } = &state else {
        panic!("a refused cancel is not a clean cancel: {state:?}");
    };
    assert!(error.message().contains("could not be removed"), "{error}");
    assert!(error.message().contains("injected"), "{error}");
    assert_eq!(error.code(), Some("bad_request"), "B2's answer stays typed");
    let event = next_event(
        &mut events,
        "the failure event",
        Duration::from_secs(5),
        |e| matches!(e, TransferEvent::Failed { id: job, .. } if *job == id),
    )
    .await;
    assert!(matches!(event, TransferEvent::Failed { error: e, .. } if e == *error));
    assert_eq!(unfinished(&local, &bucket.id).await, 1, "still on B2");
}

/// The next b2_upload_part answers 429 with a 10 s `Retry-After`: an upload stalls right
/// after b2_start_large_file.
async fn stall_next_part(local: &common::Local) {
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 429, "code": "too_many_requests", "message": "wait",
                   "retryAfterSeconds": 10, "endpoint": "b2_upload_part"}),
        )
        .await;
}

/// Waits (8 s at most) until an upload has started its large file on B2.
async fn large_file_started(local: &common::Local, bucket: &b2tui::b2::BucketId) {
    eventually("large file started", Duration::from_secs(8), || async {
        unfinished(local, bucket).await > 0
    })
    .await;
}

async fn unfinished(local: &common::Local, bucket: &b2tui::b2::BucketId) -> usize {
    local
        .client
        .list_unfinished_large_files(bucket, None, None)
        .await
        .expect("list unfinished")
        .files
        .len()
}

#[tokio::test]
async fn rejects_a_download_whose_sha1_does_not_match() {
    let local = local_b2().await;
    let bucket = bucket(&local, "mismatch").await;
    let c = &local.client;
    let data = pattern(3 * PART as usize + 5, 1);
    let started = c
        .start_large_file(&StartLargeFileRequest {
            bucket_id: bucket.id.clone(),
            file_name: "liar.bin".into(),
            content_type: "b2/x-auto".into(),
            file_info: [("large_file_sha1".to_owned(), "0".repeat(40))].into(),
        })
        .await
        .unwrap();
    let file_id = started.file_id.unwrap();
    let url = c.get_upload_part_url(&file_id).await.unwrap();
    let mut sha1s = Vec::new();
    for (i, chunk) in data.chunks(PART as usize).enumerate() {
        let part = c
            .upload_part(
                &url,
                i as u32 + 1,
                UploadBody::Bytes(Bytes::copy_from_slice(chunk)),
            )
            .await
            .unwrap();
        sha1s.push(part.content_sha1);
    }
    c.finish_large_file(&file_id, &sha1s).await.unwrap();

    let dst = tempfile::tempdir().unwrap();
    // Both paths: parallel ranges, and one stream (cutoff above the size).
    for cutoff in [300_000, u64::MAX] {
        let (engine, _events) = TransferEngine::new(
            local.client.clone(),
            TransferOptions {
                parallel_download_cutoff: cutoff,
                ..small_parts()
            },
        );
        let target = dst.path().join("liar.bin");
        std::fs::write(&target, b"previous contents").unwrap();
        let id = engine.download_file(
            bucket.clone(),
            RemoteFile::Name("liar.bin".into()),
            target.clone(),
            ConflictPolicy::Overwrite,
        );
        match engine.wait(id).await.unwrap() {
            JobState::Failed { error } => {
                assert!(error.message().contains("SHA-1 mismatch"), "{error}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"previous contents");
        assert_eq!(all_entries(dst.path()).len(), 1, "no temp file left");
        std::fs::remove_file(&target).unwrap();
    }
}

#[tokio::test]
async fn skips_remote_names_that_would_escape_the_folder() {
    let local = local_b2().await;
    let bucket = bucket(&local, "escape").await;
    let c = &local.client;
    let names = [
        "p/ok.txt",
        "p/../escape.txt",
        "p/a/../../escape2.txt",
        "p/win\\..\\evil.txt",
        "p/C:/evil.txt",
        "p/./dot.txt",
        "p/sub/fine.txt",
    ];
    for name in names {
        let meta = b2tui::b2::UploadMeta {
            file_name: name.to_owned(),
            ..Default::default()
        };
        c.upload_bytes(&bucket.id, &meta, Bytes::from_static(b"x"))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let (engine, _events) = engine(&local);
    let root = tempfile::tempdir().unwrap();
    let dst = root.path().join("inside");
    let id = engine.download_group(
        bucket.clone(),
        "p/".into(),
        vec![GroupItem::Folder("p/".into())],
        dst.clone(),
        ConflictPolicy::Overwrite,
    );
    // The safe names land; each unsafe one is a failure of the job that says why.
    assert!(matches!(
        engine.wait(id).await,
        Some(JobState::Failed { .. })
    ));
    let status = engine.job(id).unwrap().group.unwrap();
    assert_eq!((status.done, status.failed), (2, 5), "{status:?}");
    for f in &status.failures {
        assert!(f.error.to_string().contains("unsafe name"), "{f:?}");
    }
    let written: Vec<_> = all_entries(root.path())
        .into_iter()
        .map(|p| p.strip_prefix(root.path()).unwrap().to_path_buf())
        .collect();
    let expected: Vec<std::path::PathBuf> = [
        "inside",
        "inside/ok.txt",
        "inside/sub",
        "inside/sub/fine.txt",
    ]
    .iter()
    .map(Into::into)
    .collect();
    assert_eq!(written, expected);
}

#[tokio::test]
async fn applies_the_conflict_policy() {
    let local = local_b2().await;
    let bucket = bucket(&local, "conflicts").await;
    put(&local, &bucket, "report.pdf", b"remote").await;
    let (engine, _events) = engine(&local);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.pdf");
    std::fs::write(&target, b"local").unwrap();
    let get = |policy| {
        engine.download_file(
            bucket.clone(),
            RemoteFile::Name("report.pdf".into()),
            target.clone(),
            policy,
        )
    };
    let id = get(ConflictPolicy::Skip);
    assert!(matches!(
        engine.wait(id).await,
        Some(JobState::Skipped { .. })
    ));
    assert_eq!(std::fs::read(&target).unwrap(), b"local");
    wait_done(&engine, get(ConflictPolicy::KeepBoth)).await;
    wait_done(&engine, get(ConflictPolicy::KeepBoth)).await;
    assert_eq!(std::fs::read(&target).unwrap(), b"local");
    assert_eq!(
        std::fs::read(dir.path().join("report (1).pdf")).unwrap(),
        b"remote"
    );
    assert_eq!(
        std::fs::read(dir.path().join("report (2).pdf")).unwrap(),
        b"remote"
    );
    wait_done(&engine, get(ConflictPolicy::Overwrite)).await;
    assert_eq!(std::fs::read(&target).unwrap(), b"remote");
}

#[tokio::test]
async fn keep_both_reports_where_the_bytes_went() {
    let local = local_b2().await;
    let bucket = bucket(&local, "keepboth").await;
    put(&local, &bucket, "big.bin", b"remote").await;
    let (engine, mut events) = engine(&local);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("big.bin");
    std::fs::write(&target, b"local").unwrap();
    let id = engine.download_file(
        bucket.clone(),
        RemoteFile::Name("big.bin".into()),
        target.clone(),
        ConflictPolicy::KeepBoth,
    );
    wait_done(&engine, id).await;
    let kept = dir.path().join("big (1).bin");
    assert_eq!(std::fs::read(&kept).unwrap(), b"remote");
    let shown = kept.display().to_string();
    assert_eq!(engine.job(id).unwrap().destination, shown);
    let mut changed = None;
    let mut finished_after = false;
    while let Ok(e) = events.try_recv() {
        match e {
            TransferEvent::DestinationChanged { id: i, destination } if i == id => {
                changed = Some(destination);
            }
            TransferEvent::Finished { id: i, .. } if i == id => {
                finished_after = changed.is_some();
            }
            _ => {}
        }
    }
    assert_eq!(changed.as_deref(), Some(shown.as_str()));
    assert!(finished_after, "the new destination comes before Finished");

    // Overwrite writes where it was asked to: no change reported.
    let id = engine.download_file(
        bucket.clone(),
        RemoteFile::Name("big.bin".into()),
        target.clone(),
        ConflictPolicy::Overwrite,
    );
    wait_done(&engine, id).await;
    assert_eq!(
        engine.job(id).unwrap().destination,
        target.display().to_string()
    );
    while let Ok(e) = events.try_recv() {
        assert!(!matches!(e, TransferEvent::DestinationChanged { .. }));
    }
}

#[tokio::test]
async fn a_large_upload_reports_hashing_before_its_bytes() {
    let local = local_b2().await;
    let bucket = bucket(&local, "hashing").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("big.bin");
    let size = 4 * PART as usize + 1;
    std::fs::write(&path, pattern(size, 9)).unwrap();
    let id = engine.upload_file(path, bucket.clone(), "big.bin".into());
    wait_done(&engine, id).await;
    let size = size as u64;
    let mut hashing = Vec::new();
    let mut bytes_before_hashed = false;
    let mut hashed_all = false;
    while let Ok(e) = events.try_recv() {
        match e {
            TransferEvent::Hashing {
                id: i,
                bytes_hashed,
                bytes_total,
            } if i == id => {
                assert_eq!(bytes_total, size);
                assert!(!hashed_all, "nothing after every byte is hashed");
                hashed_all = bytes_hashed == size;
                hashing.push(bytes_hashed);
            }
            TransferEvent::Progressed {
                id: i, bytes_done, ..
            } if i == id && bytes_done > 0 => {
                bytes_before_hashed |= !hashed_all;
            }
            _ => {}
        }
    }
    assert_eq!(hashing.first(), Some(&0), "{hashing:?}");
    assert_eq!(hashing.last(), Some(&size), "{hashing:?}");
    assert!(hashing.is_sorted(), "{hashing:?}");
    assert!(
        !bytes_before_hashed,
        "no byte goes up before the SHA-1 is known"
    );
    assert_eq!(engine.job(id).unwrap().hashing, None);

    // A small upload has no whole-file SHA-1 to compute first.
    let small = src.path().join("small.bin");
    std::fs::write(&small, pattern(1_000, 3)).unwrap();
    let id = engine.upload_file(small, bucket.clone(), "small.bin".into());
    wait_done(&engine, id).await;
    while let Ok(e) = events.try_recv() {
        assert!(!matches!(e, TransferEvent::Hashing { .. }), "{e:?}");
    }
}

use b2tui::worker::transfer::TransferEngine;

#[tokio::test]
async fn pauses_and_resumes_a_large_upload_without_starting_over() {
    let local = local_b2().await;
    let bucket = bucket(&local, "pause").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("big.bin");
    let data = pattern(4 * PART as usize + 1, 5);
    std::fs::write(&path, &data).unwrap();
    stall_next_part(&local).await;
    let id = engine.upload_file(path, bucket.clone(), "big.bin".into());
    large_file_started(&local, &bucket.id).await;
    engine.pause(id);
    assert_eq!(engine.wait(id).await, Some(JobState::Paused));
    assert_eq!(
        unfinished(&local, &bucket.id).await,
        1,
        "kept for the resume"
    );
    assert!(!engine.retry(id), "a paused job is resumed, not retried");
    assert!(engine.resume(id));
    wait_done(&engine, id).await;
    assert_eq!(
        local.calls("b2_start_large_file").await,
        1,
        "same large file"
    );
    assert_eq!(unfinished(&local, &bucket.id).await, 0);
    let got = local
        .client
        .download_file_by_name(&bucket.name, "big.bin", None)
        .await
        .unwrap();
    assert!(got.bytes().await.unwrap() == data);

    // The events of the job, in order.
    let mut kinds = Vec::new();
    while let Ok(e) = events.try_recv() {
        let name = match e {
            TransferEvent::Queued { .. } => "queued",
            TransferEvent::Started { .. } => "started",
            TransferEvent::LargeFileStarted { .. } => "large file",
            // The stalled part may or may not have been tried before the pause.
            TransferEvent::Progressed { .. }
            | TransferEvent::Hashing { .. }
            | TransferEvent::Retrying { .. } => continue,
            TransferEvent::Paused { .. } => "paused",
            TransferEvent::Finished { .. } => "finished",
            other => panic!("{other:?}"),
        };
        kinds.push(name);
    }
    assert_eq!(
        kinds,
        [
            "queued",
            "started",
            "large file",
            "paused",
            "queued",
            "started",
            "large file",
            "finished"
        ]
    );
}

#[tokio::test]
async fn resumes_downloads_whose_body_is_cut_short() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cut-bodies").await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    // One file fetched as one stream, one fetched as parallel ranges.
    let files = [("single.bin", 200_000usize), ("ranged.bin", 1_000_000)];
    for (i, (name, len)) in files.iter().enumerate() {
        let path = src.path().join(name);
        std::fs::write(&path, pattern(*len, i as u8 + 7)).unwrap();
        let id = engine.upload_file(path, bucket.clone(), (*name).to_owned());
        wait_done(&engine, id).await;
    }
    let dst = tempfile::tempdir().unwrap();
    for (i, (name, len)) in files.iter().enumerate() {
        local
            .admin(
                "fail_next",
                json!({"count": 2, "cutAfterBytes": 50_000, "endpoint": "b2_download_file_by_id"}),
            )
            .await;
        let before = local.calls("b2_download_file_by_id").await;
        let id = engine.download_file(
            bucket.clone(),
            RemoteFile::Name((*name).to_owned()),
            dst.path().join(name),
            ConflictPolicy::Overwrite,
        );
        wait_done(&engine, id).await;
        let got = std::fs::read(dst.path().join(name)).unwrap();
        assert!(got == pattern(*len, i as u8 + 7), "{name} arrives whole");
        let calls = local.calls("b2_download_file_by_id").await - before;
        assert!(
            calls >= 3,
            "{name}: the cut bodies were fetched again ({calls} calls)"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dst.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("b2tui-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
