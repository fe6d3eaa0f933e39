//! Emptying a bucket and deleting a folder with all its versions (`E`), through the app and
//! the real worker on a local B2: the survey counts exactly what a full version listing
//! holds, a bucket needs its name typed, the job deletes everything (versions, hide
//! markers, unfinished large files), and the emptied bucket can then be deleted.

mod common;

use b2tui::app::Modal;
use b2tui::app::restore::RestoreModal;
use b2tui::b2::{B2Client, BucketId, ListFileVersionsRequest, StartLargeFileRequest, UploadMeta};
use bytes::Bytes;
use common::app::{code, key};
use common::live::Live;
use crossterm::event::KeyCode;

async fn put(c: &B2Client, bucket: &BucketId, name: &str, body: &'static [u8]) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    c.upload_bytes(bucket, &meta, Bytes::from_static(body))
        .await
        .expect("upload");
}

/// Every version and hide marker in the bucket (a full listing).
async fn all_versions(c: &B2Client, bucket: &BucketId) -> Vec<(String, String)> {
    let page = c
        .list_file_versions(&ListFileVersionsRequest {
            bucket_id: bucket.clone(),
            max_file_count: Some(10_000),
            ..ListFileVersionsRequest::default()
        })
        .await
        .expect("list versions");
    page.files
        .into_iter()
        .map(|v| (v.file_name, format!("{:?}", v.action)))
        .collect()
}

/// A bucket with two versions of one file, a hidden file, files in a folder and an
/// unfinished large file.
async fn seeded(local: &common::Local) -> BucketId {
    let c = &local.client;
    let b = local.create_bucket("purge-me", "allPrivate").await;
    put(c, &b, "keep/a.txt", b"one").await;
    put(c, &b, "keep/a.txt", b"two!").await;
    put(c, &b, "gone.txt", b"12345").await;
    c.hide_file(&b, "gone.txt").await.expect("hide");
    put(c, &b, "logs/1.log", b"l1").await;
    put(c, &b, "logs/2.log", b"l22").await;
    c.start_large_file(&StartLargeFileRequest {
        bucket_id: b.clone(),
        file_name: "logs/big.bin".into(),
        content_type: "b2/x-auto".into(),
        file_info: Default::default(),
    })
    .await
    .expect("start large file");
    b
}

fn dialog(live: &Live) -> &b2tui::app::restore::purge::PurgeDialog {
    match live.app.modals.last() {
        Some(Modal::Restore(RestoreModal::Purge(d))) => d,
        other => panic!("the purge dialog is open: {other:?}"),
    }
}

#[tokio::test]
async fn emptying_a_bucket_counts_asks_for_its_name_and_deletes_everything() {
    let local = common::start().await;
    let bucket = seeded(&local).await;
    let mut live = Live::start(local.client.clone()).await;
    // D on a bucket that is not empty says what is left and that E empties it.
    live.send(key('D')).await;
    let Some(Modal::Error { message, .. }) = live.app.modals.last() else {
        panic!("D says the bucket is not empty: {:?}", live.app.modals);
    };
    assert!(message.contains("E empties it"), "{message}");
    live.send(code(KeyCode::Esc)).await;
    live.send(key('E')).await;
    live.until("the survey", |app| {
        matches!(app.modals.last(), Some(Modal::Restore(RestoreModal::Purge(d))) if d.counted)
    })
    .await;
    let s = dialog(&live).survey.clone();
    assert_eq!(s.versions, 5, "{s:?}");
    assert_eq!(s.bytes, 3 + 4 + 5 + 2 + 3);
    assert_eq!(s.hide_markers, 1);
    assert_eq!(s.unfinished, 1);
    assert_eq!(
        s.names, 5,
        "keep/a.txt, gone.txt, logs/1.log, logs/2.log, logs/big.bin"
    );
    assert_eq!(s.object_lock, Some(false));
    // Enter does nothing until the name is typed exactly.
    live.send(code(KeyCode::Enter)).await;
    assert!(!dialog(&live).can_confirm());
    live.type_text("purge-m").await;
    live.send(code(KeyCode::Enter)).await;
    assert!(matches!(
        live.app.modals.last(),
        Some(Modal::Restore(RestoreModal::Purge(_)))
    ));
    live.type_text("e").await;
    live.send(code(KeyCode::Enter)).await;
    live.until("the job", |app| app.restore.jobs.is_empty())
        .await;
    assert!(live.failures.is_empty(), "{:?}", live.failures);
    assert_eq!(all_versions(&local.client, &bucket).await, []);
    let unfinished = local
        .client
        .list_unfinished_large_files(&bucket, None, None)
        .await
        .expect("list unfinished");
    assert!(unfinished.files.is_empty());
    // Now the bucket can go.
    local
        .client
        .delete_bucket(&bucket)
        .await
        .expect("an emptied bucket can be deleted");
}

#[tokio::test]
async fn deleting_a_folder_with_all_versions_leaves_the_rest() {
    let local = common::start().await;
    let bucket = seeded(&local).await;
    let mut live = Live::start(local.client.clone()).await;
    live.send(code(KeyCode::Enter)).await; // open the bucket
    // Select logs/ and press E.
    for _ in 0..live.app.files.row_count() {
        if live.app.files.selected_name() == Some("logs/") {
            break;
        }
        live.send(key('j')).await;
    }
    live.send(key('E')).await;
    live.until("the survey", |app| {
        matches!(app.modals.last(), Some(Modal::Restore(RestoreModal::Purge(d))) if d.counted)
    })
    .await;
    let d = dialog(&live);
    assert_eq!(d.prefix, "logs/");
    assert_eq!((d.survey.versions, d.survey.unfinished), (2, 1));
    live.send(code(KeyCode::Enter)).await;
    live.until("the job", |app| app.restore.jobs.is_empty())
        .await;
    let left = all_versions(&local.client, &bucket).await;
    assert!(
        left.iter().all(|(n, _)| !n.starts_with("logs/")),
        "{left:?}"
    );
    assert_eq!(
        left.len(),
        4,
        "a.txt twice, gone.txt and its hide marker: {left:?}"
    );
}

#[tokio::test]
async fn the_dialog_says_what_goes_and_how_to_confirm() {
    let local = common::start().await;
    seeded(&local).await;
    let mut live = Live::start(local.client.clone()).await;
    live.send(key('E')).await;
    live.until("the survey", |app| {
        matches!(app.modals.last(), Some(Modal::Restore(RestoreModal::Purge(d))) if d.counted)
    })
    .await;
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 36)).unwrap();
    term.draw(|f| b2tui::ui::render(&live.app, f)).unwrap();
    let shown = common::app::screen(&term);
    for text in [
        "Delete everything in b2://purge-me/ for good?",
        "5 versions of 5 names, 17 B",
        "1 hide markers",
        "1 unfinished large files",
        "Object Lock is off in this bucket",
        "Type the bucket name (purge-me) to confirm:",
    ] {
        assert!(shown.contains(text), "{text:?} in\n{shown}");
    }
}
