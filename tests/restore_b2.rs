//! Versions and restore against the local B2: unhide, restore a version (also as a large
//! file copy), delete versions, point-in-time listings across page boundaries, folder
//! restore to a past moment, and bulk jobs where some steps are refused.
#![allow(clippy::unwrap_used)]

mod common;
mod restore_support;

use b2tui::app::restore::RestorePlan;
use b2tui::b2::{
    B2Client, BucketId, CopyOptions, Credentials, FileAction, FileVersion, ListFileNamesRequest,
    ListFileVersionsRequest, UploadMeta,
};
use b2tui::emulator;
use b2tui::worker::RequestId;
use b2tui::worker::restore::{Op, PlanScope, RestoreCommand, RestoreEvent};
use bytes::Bytes;
use restore_support::{job, job_with, run};
use serde_json::json;

async fn put(local: &common::Local, bucket: &BucketId, name: &str, body: &str) -> FileVersion {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    let v = local
        .client
        .upload_bytes(bucket, &meta, Bytes::from(body.to_owned()))
        .await
        .unwrap();
    tick(local).await;
    v
}

async fn hide(local: &common::Local, bucket: &BucketId, name: &str) {
    local.client.hide_file(bucket, name).await.unwrap();
    tick(local).await;
}

/// Moves the local B2's clock a minute on, so every step has its own timestamp.
async fn tick(local: &common::Local) -> i64 {
    let now = local.admin("advance_clock", json!({"seconds": 60})).await;
    now["now"].as_i64().unwrap_or(0)
}

async fn now(local: &common::Local) -> i64 {
    local.admin("advance_clock", json!({"seconds": 0})).await["now"]
        .as_i64()
        .unwrap()
}

async fn visible(client: &B2Client, bucket: &BucketId, prefix: &str) -> Vec<String> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(1000),
        prefix: Some(prefix.to_owned()),
        ..ListFileNamesRequest::default()
    };
    let resp = client.list_file_names(&req).await.unwrap();
    resp.files.into_iter().map(|f| f.file_name).collect()
}

async fn versions(client: &B2Client, bucket: &BucketId, name: &str) -> Vec<FileVersion> {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        max_file_count: Some(1000),
        prefix: Some(name.to_owned()),
        ..ListFileVersionsRequest::default()
    };
    let resp = client.list_file_versions(&req).await.unwrap();
    resp.files
        .into_iter()
        .filter(|f| f.file_name == name)
        .collect()
}

async fn body(client: &B2Client, bucket: &str, name: &str) -> String {
    let d = client
        .download_file_by_name(bucket, name, None)
        .await
        .unwrap();
    String::from_utf8(d.bytes().await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn unhide_one_a_marked_set_and_a_folder() {
    let local = common::start().await;
    let c = &local.client;
    let b = local.create_bucket("unhide", "allPrivate").await;
    for n in [
        "a.txt",
        "b.txt",
        "c.txt",
        "dir/x.txt",
        "dir/sub/y.txt",
        "keep.txt",
    ] {
        put(&local, &b, n, n).await;
        hide(&local, &b, n).await;
    }
    put(&local, &b, "visible.txt", "v").await;
    assert_eq!(visible(c, &b, "").await, vec!["visible.txt"]);

    assert_eq!(
        job(
            c,
            &b,
            vec![Op::Unhide {
                name: "a.txt".into()
            }]
        )
        .await,
        (1, vec![])
    );
    assert_eq!(visible(c, &b, "").await, vec!["a.txt", "visible.txt"]);

    let marked = vec![
        Op::Unhide {
            name: "b.txt".into(),
        },
        Op::Unhide {
            name: "c.txt".into(),
        },
        Op::Unhide {
            name: "visible.txt".into(),
        },
    ];
    let (ok, failed) = job(c, &b, marked).await;
    assert_eq!(ok, 2);
    assert_eq!(
        failed,
        vec![("visible.txt".to_owned(), "not_hidden".to_owned())]
    );

    let (ok, failed) = job(
        c,
        &b,
        vec![Op::UnhideFolder {
            prefix: "dir/".into(),
        }],
    )
    .await;
    assert_eq!((ok, failed.len()), (2, 0));
    assert_eq!(
        visible(c, &b, "").await,
        vec![
            "a.txt",
            "b.txt",
            "c.txt",
            "dir/sub/y.txt",
            "dir/x.txt",
            "visible.txt"
        ]
    );
    assert_eq!(body(c, "unhide", "dir/sub/y.txt").await, "dir/sub/y.txt");
}

#[tokio::test]
async fn restore_a_version_and_a_large_copy() {
    let config = emulator::Config {
        absolute_minimum_part_size: 10,
        ..emulator::Config::default()
    };
    let local = common::start_with(config, common::fast_retry()).await;
    let c = &local.client;
    let b = local.create_bucket("restore", "allPrivate").await;
    let first = put(&local, &b, "doc.txt", "first draft").await;
    put(&local, &b, "doc.txt", "second draft").await;
    let first = versions(c, &b, "doc.txt")
        .await
        .into_iter()
        .find(|v| v.file_id == first.file_id)
        .unwrap();
    let (ok, failed) = job(
        c,
        &b,
        vec![Op::Copy {
            name: "doc.txt".into(),
            source: first.clone(),
        }],
    )
    .await;
    assert_eq!((ok, failed), (1, vec![]));
    assert_eq!(body(c, "restore", "doc.txt").await, "first draft");
    assert_eq!(versions(c, &b, "doc.txt").await.len(), 3, "history is kept");

    // Above the threshold the copy goes part by part: 25 bytes in parts of 10.
    let big = put(&local, &b, "big.bin", "0123456789abcdefghijKLMNO").await;
    put(&local, &b, "big.bin", "newer").await;
    let big = versions(c, &b, "big.bin")
        .await
        .into_iter()
        .find(|v| v.file_id == big.file_id)
        .unwrap();
    let before = local.calls("b2_copy_part").await;
    let opts = CopyOptions {
        large_threshold: 10,
        part_size: 10,
    };
    let (ok, failed) = job_with(
        c,
        &b,
        vec![Op::Copy {
            name: "big.bin".into(),
            source: big,
        }],
        opts,
    )
    .await;
    assert_eq!((ok, failed), (1, vec![]));
    assert_eq!(local.calls("b2_copy_part").await - before, 3);
    assert_eq!(
        body(c, "restore", "big.bin").await,
        "0123456789abcdefghijKLMNO"
    );
}

#[tokio::test]
async fn delete_one_several_and_all_older_versions() {
    let local = common::start().await;
    let c = &local.client;
    let b = local.create_bucket("delete", "allPrivate").await;
    for i in 0..6 {
        put(&local, &b, "f.txt", &format!("v{i}")).await;
    }
    let all = versions(c, &b, "f.txt").await;
    assert_eq!(all.len(), 6);
    let del = |v: &FileVersion| Op::Delete {
        name: v.file_name.clone(),
        id: v.file_id.clone().unwrap(),
    };
    assert_eq!(job(c, &b, vec![del(&all[5])]).await, (1, vec![]));
    assert_eq!(
        job(c, &b, vec![del(&all[3]), del(&all[4])]).await,
        (2, vec![])
    );
    let left = versions(c, &b, "f.txt").await;
    assert_eq!(left.len(), 3);
    let older: Vec<Op> = left.iter().skip(1).map(del).collect();
    assert_eq!(job(c, &b, older).await, (2, vec![]));
    let left = versions(c, &b, "f.txt").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].file_id, all[0].file_id);
    assert_eq!(body(c, "delete", "f.txt").await, "v5");
    // Deleting the current version makes the next older one current.
    put(&local, &b, "g.txt", "old").await;
    let newest = put(&local, &b, "g.txt", "new").await;
    assert_eq!(job(c, &b, vec![del(&newest)]).await, (1, vec![]));
    assert_eq!(body(c, "delete", "g.txt").await, "old");
}

fn folder_entries(events: &[RestoreEvent]) -> (Vec<(String, FileAction)>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    for e in events {
        if let RestoreEvent::FolderListed { entries, .. } = e {
            pages += 1;
            out.extend(entries.iter().map(|e| (e.file_name.clone(), e.action)));
        }
    }
    (out, pages)
}

#[tokio::test]
async fn point_in_time_listing_across_pages() {
    let local = common::start().await;
    let c = &local.client;
    let b = local.create_bucket("pit-listing", "allPrivate").await;
    put(&local, &b, "d/a.txt", "a1").await;
    put(&local, &b, "d/a.txt", "a2").await;
    put(&local, &b, "d/b.txt", "b1").await;
    put(&local, &b, "d/sub/z.txt", "z").await;
    // A folder whose only file was hidden before t1 did not exist at t1 either.
    put(&local, &b, "d/gone/y.txt", "y").await;
    hide(&local, &b, "d/gone/y.txt").await;
    let t1 = now(&local).await;
    put(&local, &b, "d/a.txt", "a3").await;
    hide(&local, &b, "d/b.txt").await;
    put(&local, &b, "d/c.txt", "c1").await;
    // A folder made after t1 did not exist at t1.
    put(&local, &b, "d/new/x.txt", "x").await;
    let list = |at| RestoreCommand::ListFolder {
        req: RequestId(3),
        bucket: b.clone(),
        prefix: "d/".into(),
        at,
        page_size: 2,
    };
    let (then, pages) = folder_entries(&run(c, list(Some(t1))).await);
    assert!(pages >= 3, "small pages: {pages}");
    assert_eq!(
        then,
        vec![
            ("d/a.txt".to_owned(), FileAction::Upload),
            ("d/b.txt".to_owned(), FileAction::Upload),
            ("d/sub/".to_owned(), FileAction::Folder),
        ],
        "folders exist at a moment only if a file under them did"
    );
    let (now_hidden, _) = folder_entries(&run(c, list(None)).await);
    assert_eq!(
        now_hidden,
        vec![
            ("d/a.txt".to_owned(), FileAction::Upload),
            ("d/b.txt".to_owned(), FileAction::Hide),
            ("d/c.txt".to_owned(), FileAction::Upload),
            ("d/gone/".to_owned(), FileAction::Folder),
            ("d/new/".to_owned(), FileAction::Folder),
            ("d/sub/".to_owned(), FileAction::Folder),
        ]
    );
    // Recently deleted: the hidden name, found while paging.
    let events = run(
        c,
        RestoreCommand::ListHidden {
            req: RequestId(4),
            bucket: b.clone(),
            prefix: "d/".into(),
            page_size: 2,
        },
    )
    .await;
    let hidden: Vec<String> = events
        .iter()
        .flat_map(|e| match e {
            RestoreEvent::HiddenListed { files, .. } => {
                files.iter().map(|f| f.name.clone()).collect()
            }
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(hidden, vec!["d/b.txt", "d/gone/y.txt"]);
}

#[tokio::test]
async fn folder_restore_to_a_past_moment() {
    let local = common::start().await;
    let c = &local.client;
    let b = local.create_bucket("rewind", "allPrivate").await;
    put(&local, &b, "w/a.txt", "a-then").await;
    put(&local, &b, "w/b.txt", "b-then").await;
    put(&local, &b, "w/same.txt", "same").await;
    put(&local, &b, "w/deep/d.txt", "d-then").await;
    let t = now(&local).await;
    put(&local, &b, "w/a.txt", "a-now").await;
    hide(&local, &b, "w/b.txt").await;
    put(&local, &b, "w/new.txt", "new").await;
    put(&local, &b, "w/deep/d.txt", "d-now").await;
    put(&local, &b, "other.txt", "outside").await;

    let events = run(
        c,
        RestoreCommand::PlanRestore {
            req: RequestId(5),
            bucket: b.clone(),
            scope: PlanScope::Prefix("w/".into()),
            at: t,
            page_size: 3,
        },
    )
    .await;
    let names: Vec<_> = events
        .into_iter()
        .flat_map(|e| match e {
            RestoreEvent::PlanListed { names, .. } => names,
            _ => Vec::new(),
        })
        .collect();
    let plan = RestorePlan::build(&names, t, true);
    assert_eq!((plan.copies(), plan.hides(), plan.left_alone()), (3, 1, 1));
    assert_eq!(plan.bytes_copied(), 6 + 6 + 6);
    let (ok, failed) = job(c, &b, plan.ops()).await;
    assert_eq!((ok, failed), (4, vec![]));
    assert_eq!(
        visible(c, &b, "").await,
        vec![
            "other.txt",
            "w/a.txt",
            "w/b.txt",
            "w/deep/d.txt",
            "w/same.txt"
        ]
    );
    for (name, want) in [
        ("w/a.txt", "a-then"),
        ("w/b.txt", "b-then"),
        ("w/deep/d.txt", "d-then"),
        ("w/same.txt", "same"),
        ("other.txt", "outside"),
    ] {
        assert_eq!(body(c, "rewind", name).await, want, "{name}");
    }
    assert_eq!(
        versions(c, &b, "w/same.txt").await.len(),
        1,
        "unchanged is left alone"
    );
}

#[tokio::test]
async fn bulk_jobs_report_refusals_and_finish_the_rest() {
    let local = common::start().await;
    let b = local.create_bucket("partial", "allPrivate").await;
    let old = put(&local, &b, "r.txt", "old").await;
    put(&local, &b, "r.txt", "new").await;
    put(&local, &b, "v.txt", "v").await;
    for n in ["h1.txt", "h2.txt"] {
        put(&local, &b, n, n).await;
        hide(&local, &b, n).await;
    }
    let (status, key) = local
        .api(
            "b2_create_key",
            json!({
                "accountId": local.client.account_id(),
                "keyName": "no-delete",
                "capabilities": ["listBuckets", "listFiles", "readFiles", "writeFiles"],
            }),
        )
        .await;
    assert_eq!(status, 200, "{key}");
    let creds = Credentials::new(
        key["applicationKeyId"].as_str().unwrap(),
        key["applicationKey"].as_str().unwrap(),
    );
    let limited = B2Client::authorize_with(&local.server.url, creds, common::fast_retry())
        .await
        .unwrap();
    let old = versions(&limited, &b, "r.txt")
        .await
        .into_iter()
        .find(|v| v.file_id == old.file_id)
        .unwrap();
    let ops = vec![
        Op::Unhide {
            name: "h1.txt".into(),
        },
        Op::Copy {
            name: "r.txt".into(),
            source: old,
        },
        Op::Unhide {
            name: "h2.txt".into(),
        },
        Op::Hide {
            name: "v.txt".into(),
        },
    ];
    let (ok, mut failed) = job(&limited, &b, ops).await;
    failed.sort();
    assert_eq!(ok, 2, "copy and hide need only writeFiles");
    assert_eq!(
        failed,
        vec![
            ("h1.txt".to_owned(), "unauthorized".to_owned()),
            ("h2.txt".to_owned(), "unauthorized".to_owned()),
        ]
    );
    assert_eq!(body(&local.client, "partial", "r.txt").await, "old");
    assert_eq!(visible(&local.client, &b, "").await, vec!["r.txt"]);
}
