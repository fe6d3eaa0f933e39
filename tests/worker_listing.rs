//! The worker's listing commands against the local B2: one event per page, versions that
//! page across the 1,000-name boundary and stop at the next name, failures reported.

mod common;

use b2tui::b2::{B2Client, BucketId, FileAction, UploadMeta};
use b2tui::worker::{Command, Failure, RequestId, WorkerEvent, listing};
use bytes::Bytes;
use serde_json::json;
use tokio::sync::mpsc;

async fn run(client: &B2Client, cmd: Command) -> Vec<WorkerEvent> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    listing::execute(client, cmd, &tx).await;
    drop(tx);
    let mut out = Vec::new();
    while let Some(e) = rx.recv().await {
        out.push(e);
    }
    out
}

async fn put(client: &B2Client, bucket: &BucketId, name: &str) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    client
        .upload_bytes(bucket, &meta, Bytes::from(name.to_owned()))
        .await
        .expect("upload");
}

#[tokio::test]
async fn versions_page_past_one_thousand_and_stop_at_the_next_name() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("worker-versions", "allPrivate").await;
    for _ in 0..1001 {
        put(c, &bucket, "a.txt").await;
    }
    put(c, &bucket, "a.txt.bak").await;
    c.hide_file(&bucket, "a.txt").await.unwrap();
    let before = local.calls("b2_list_file_versions").await;
    let cmd = Command::ListVersions {
        req: RequestId(7),
        bucket: bucket.clone(),
        file_name: "a.txt".into(),
    };
    let events = run(c, cmd).await;
    let pages: Vec<(usize, bool)> = events
        .iter()
        .map(|e| match e {
            WorkerEvent::VersionsListed {
                req,
                versions,
                done,
            } => {
                assert_eq!(*req, RequestId(7));
                assert!(versions.iter().all(|v| v.file_name == "a.txt"));
                (versions.len(), *done)
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        pages,
        [(1000, false), (2, true)],
        "1,002 versions incl. the hide marker"
    );
    assert_eq!(local.calls("b2_list_file_versions").await - before, 2);
    let WorkerEvent::VersionsListed { versions, .. } = &events[0] else {
        unreachable!()
    };
    assert_eq!(versions[0].action, FileAction::Hide, "newest first");
}

#[tokio::test]
async fn folder_pages_use_the_delimiter_and_report_the_continuation() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("worker-files", "allPrivate").await;
    for name in ["top.txt", "dir/a.txt", "dir/sub/b.txt", "zz/c.txt"] {
        put(c, &bucket, name).await;
    }
    let cmd = Command::ListFiles {
        req: RequestId(1),
        bucket: bucket.clone(),
        prefix: String::new(),
        start: None,
    };
    let events = run(c, cmd).await;
    let [WorkerEvent::FilesListed { req, entries, next }] = events.as_slice() else {
        panic!("one page expected: {events:?}")
    };
    assert_eq!(*req, RequestId(1));
    assert_eq!(*next, None);
    let names: Vec<_> = entries
        .iter()
        .map(|e| (e.file_name.as_str(), e.action))
        .collect();
    assert_eq!(
        names,
        [
            ("dir/", FileAction::Folder),
            ("top.txt", FileAction::Upload),
            ("zz/", FileAction::Folder)
        ]
    );
    let cmd = Command::ListFiles {
        req: RequestId(2),
        bucket,
        prefix: "dir/".into(),
        start: Some("dir/sub/".into()),
    };
    let events = run(c, cmd).await;
    let [WorkerEvent::FilesListed { entries, .. }] = events.as_slice() else {
        panic!()
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].file_name, "dir/sub/");
}

#[tokio::test]
async fn buckets_are_sorted_and_failures_carry_the_b2_code() {
    let local = common::start().await;
    let c = &local.client;
    local.create_bucket("worker-zz", "allPrivate").await;
    local.create_bucket("worker-aa", "allPublic").await;
    let events = run(c, Command::ListBuckets { req: RequestId(3) }).await;
    let [WorkerEvent::BucketsListed { buckets, .. }] = events.as_slice() else {
        panic!()
    };
    let names: Vec<_> = buckets.iter().map(|b| b.bucket_name.as_str()).collect();
    assert_eq!(names, ["worker-aa", "worker-zz"]);

    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 401, "code": "unauthorized",
                   "message": "no listBuckets", "endpoint": "b2_list_buckets"}),
        )
        .await;
    let events = run(c, Command::ListBuckets { req: RequestId(4) }).await;
    assert_eq!(
        events,
        [WorkerEvent::RequestFailed {
            req: RequestId(4),
            error: Failure::Refused {
                call: "b2_list_buckets",
                status: 401,
                code: "unauthorized".into(),
                message: "no listBuckets".into(),
            },
        }]
    );
}
