//! Deleting (hiding) files against the local B2: one file, a marked set, and a folder
//! whose visible files are listed across pages first; a key without writeFiles is refused.
#![allow(clippy::unwrap_used)]

mod common;
mod restore_support;

use b2tui::b2::{
    B2Client, BucketId, Credentials, FileAction, FileVersion, ListFileNamesRequest,
    ListFileVersionsRequest, UploadMeta,
};
use b2tui::worker::RequestId;
use b2tui::worker::restore::{Op, RestoreCommand, RestoreEvent};
use bytes::Bytes;
use restore_support::{job, run};
use serde_json::json;

/// Hides the names as one job; returns (succeeded, failures as (name, code)).
async fn hide_job(
    client: &B2Client,
    bucket: &BucketId,
    names: &[&str],
) -> (usize, Vec<(String, String)>) {
    let ops = names
        .iter()
        .map(|n| Op::Hide {
            name: (*n).to_owned(),
        })
        .collect();
    job(client, bucket, ops).await
}

async fn put(local: &common::Local, bucket: &BucketId, name: &str) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    local
        .client
        .upload_bytes(bucket, &meta, Bytes::from(name.to_owned()))
        .await
        .unwrap();
    local.admin("advance_clock", json!({"seconds": 60})).await;
}

async fn visible(client: &B2Client, bucket: &BucketId) -> Vec<String> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(1000),
        ..ListFileNamesRequest::default()
    };
    let resp = client.list_file_names(&req).await.unwrap();
    resp.files.into_iter().map(|f| f.file_name).collect()
}

/// The newest entry of a name.
async fn newest(client: &B2Client, bucket: &BucketId, name: &str) -> FileVersion {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        max_file_count: Some(10),
        prefix: Some(name.to_owned()),
        ..ListFileVersionsRequest::default()
    };
    let resp = client.list_file_versions(&req).await.unwrap();
    let mine: Vec<FileVersion> = resp
        .files
        .into_iter()
        .filter(|f| f.file_name == name)
        .collect();
    assert_eq!(
        mine.len(),
        2,
        "{name}: the upload stays as an older version"
    );
    mine.into_iter().next().unwrap()
}

#[tokio::test]
async fn hide_one_a_marked_set_and_a_folder() {
    let local = common::start().await;
    let c = &local.client;
    let b = local.create_bucket("hide-files", "allPrivate").await;
    for n in [
        "a.txt",
        "b.txt",
        "c.txt",
        "docs/1.txt",
        "docs/2.txt",
        "docs/3.txt",
        "docs/sub/4.txt",
        "docsx.txt",
        "keep.txt",
    ] {
        put(&local, &b, n).await;
    }

    assert_eq!(hide_job(c, &b, &["a.txt"]).await, (1, vec![]));
    assert!(!visible(c, &b).await.contains(&"a.txt".to_owned()));

    assert_eq!(hide_job(c, &b, &["b.txt", "c.txt"]).await, (2, vec![]));

    // The folder: its visible files, listed two at a time.
    let events = run(
        c,
        RestoreCommand::ListVisible {
            req: RequestId(2),
            bucket: b.clone(),
            prefixes: vec!["docs/".into()],
            page_size: 2,
        },
    )
    .await;
    assert!(events.len() >= 2, "paged: {events:?}");
    let mut names = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e {
            RestoreEvent::VisibleListed { names: n, done, .. } => {
                assert_eq!(*done, i + 1 == events.len());
                names.extend(n.iter().cloned());
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        names,
        vec!["docs/1.txt", "docs/2.txt", "docs/3.txt", "docs/sub/4.txt"]
    );
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(hide_job(c, &b, &refs).await, (4, vec![]));

    assert_eq!(visible(c, &b).await, vec!["docsx.txt", "keep.txt"]);
    for n in ["a.txt", "b.txt", "c.txt", "docs/1.txt", "docs/sub/4.txt"] {
        assert_eq!(newest(c, &b, n).await.action, FileAction::Hide, "{n}");
    }
}

#[tokio::test]
async fn a_key_without_write_files_is_refused() {
    let local = common::start().await;
    let b = local.create_bucket("readonly", "allPrivate").await;
    put(&local, &b, "r.txt").await;
    let (status, key) = local
        .api(
            "b2_create_key",
            json!({
                "accountId": local.client.account_id(),
                "keyName": "read-only",
                "capabilities": ["listBuckets", "listFiles", "readFiles"],
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
    assert_eq!(
        hide_job(&limited, &b, &["r.txt"]).await,
        (0, vec![("r.txt".to_owned(), "unauthorized".to_owned())])
    );
    assert_eq!(visible(&local.client, &b).await, vec!["r.txt"]);
}
