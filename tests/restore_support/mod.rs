//! Fixtures shared by the tests of versions, restore and hiding: file versions, key
//! messages, an app with `photos-2026` open, and restore jobs run by the worker.
#![allow(dead_code)]

use crate::common::app::{Drive, app};
pub use crate::common::app::{code, key};
use std::collections::BTreeMap;

use b2tui::app::{App, Msg};
use b2tui::b2::{
    AccountId, B2Client, Bucket, BucketId, CopyOptions, FileAction, FileId, FileVersion,
};
use b2tui::ui;
use b2tui::worker::restore::{self, Op, RestoreCommand, RestoreEvent};
use b2tui::worker::{Command, RequestId, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

// 2026-11-20 14:02:33 UTC
pub const T0: i64 = 1_795_183_353_123;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

pub fn version(name: &str, action: FileAction, size: u64, ts: i64, id: &str) -> FileVersion {
    FileVersion {
        account_id: None,
        action,
        bucket_id: Some(BucketId::from("id-photos-2026")),
        content_length: size,
        content_sha1: (action == FileAction::Upload).then(|| format!("{id:0>40}")),
        content_md5: None,
        content_type: None,
        file_id: Some(FileId::from(id)),
        file_info: BTreeMap::new(),
        file_name: name.to_owned(),
        upload_timestamp: ts,
        replication_status: None,
    }
}

pub fn file(name: &str, size: u64, ts: i64) -> FileVersion {
    version(name, FileAction::Upload, size, ts, &format!("fid-{name}"))
}

pub fn folder(name: &str) -> FileVersion {
    FileVersion {
        file_id: None,
        ..version(name, FileAction::Folder, 0, 0, "")
    }
}

pub fn restore_cmd(cmds: &[Command]) -> &RestoreCommand {
    match cmds {
        [Command::Restore(c)] => c,
        other => panic!("expected one restore command, got {other:?}"),
    }
}

pub fn ev(e: RestoreEvent) -> Msg {
    Msg::Worker(WorkerEvent::Restore(e))
}

/// `photos-2026` opened, its root listed as `entries`.
pub fn browsing_with(entries: Vec<FileVersion>) -> App {
    let mut app = app();
    let req = app.begin()[0].req();
    let bucket = Bucket {
        account_id: AccountId::from("3f2a9c1b7d00"),
        bucket_id: BucketId::from("id-photos-2026"),
        bucket_name: "photos-2026".to_owned(),
        bucket_type: "allPrivate".to_owned(),
        bucket_info: BTreeMap::new(),
        cors_rules: Vec::new(),
        lifecycle_rules: Vec::new(),
        options: Vec::new(),
        revision: 1,
    };
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: vec![bucket],
    }));
    let req = app.send(code(KeyCode::Enter))[0].req();
    app.send(Msg::Worker(WorkerEvent::FilesListed {
        req,
        entries,
        next: None,
    }));
    app
}

pub fn draw(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    t
}

pub fn select(app: &mut App, name: &str) {
    app.send(key('g'));
    for _ in 0..app.files.row_count() {
        if app.files.selected_name() == Some(name) {
            return;
        }
        app.send(key('j'));
    }
    panic!("{name} not found");
}

pub async fn run(client: &B2Client, cmd: RestoreCommand) -> Vec<RestoreEvent> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    restore::execute(client, cmd, &tx).await;
    drop(tx);
    let mut out = Vec::new();
    while let Some(e) = rx.recv().await {
        match e {
            WorkerEvent::Restore(r) => out.push(r),
            other => panic!("unexpected {other:?}"),
        }
    }
    out
}

/// Runs a job; returns (succeeded, failures as (name, code)).
pub async fn job(
    client: &B2Client,
    bucket: &BucketId,
    ops: Vec<Op>,
) -> (usize, Vec<(String, String)>) {
    job_with(client, bucket, ops, CopyOptions::default()).await
}

pub async fn job_with(
    client: &B2Client,
    bucket: &BucketId,
    ops: Vec<Op>,
    copy: CopyOptions,
) -> (usize, Vec<(String, String)>) {
    let events = run(
        client,
        RestoreCommand::RunJob {
            job: RequestId(1),
            bucket: bucket.clone(),
            ops,
            copy,
        },
    )
    .await;
    match events.last() {
        Some(RestoreEvent::JobFinished {
            succeeded,
            failures,
            ..
        }) => (
            *succeeded,
            failures
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.error.code().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
        ),
        other => panic!("no JobFinished: {other:?}"),
    }
}
