//! `App` and the real worker (with its transfer engine) against the local B2: an upload
//! typed into the app's prompt runs, its events come back into the job table, and the files
//! pane asks for a reload once it is done.
#![allow(clippy::unwrap_used)]

mod common;

use common::app::{Drive, app_with};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use b2tui::app::{App, Msg, SessionInfo};
use b2tui::worker::transfer::JobState;
use b2tui::worker::{self, Command, WorkerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Sends `cmds` and feeds events back until `done(app)` or a timeout.
async fn run_until(
    app: &mut App,
    cmds: Vec<Command>,
    tx: &mpsc::UnboundedSender<Command>,
    rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    seen: &mut Vec<Command>,
    done: impl Fn(&App) -> bool,
) {
    for c in cmds {
        tx.send(c).unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done(app) {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("worker alive");
        let mut more = app.send(Msg::Worker(ev));
        more.extend(app.send(Msg::Tick {
            now: Instant::now(),
        }));
        for c in more {
            seen.push(c.clone());
            tx.send(c).unwrap();
        }
    }
}

#[tokio::test]
async fn upload_typed_in_the_app_runs_and_refreshes_the_folder() {
    let local = common::start().await;
    local.create_bucket("xpane-up", "allPrivate").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.txt");
    std::fs::write(&path, b"hello from the transfers view\n").unwrap();

    let (tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut rx) = mpsc::unbounded_channel();
    let _worker = worker::spawn(local.client.clone(), cmd_rx, evt_tx);
    let mut app = app_with(SessionInfo {
        deterministic: true,
        cwd: dir.path().to_path_buf(),
        ..SessionInfo::default()
    });
    let mut seen = Vec::new();
    let start = app.begin();
    run_until(&mut app, start, &tx, &mut rx, &mut seen, |a| {
        !a.buckets.buckets.is_empty()
    })
    .await;
    let open = app.send(key(KeyCode::Enter));
    run_until(&mut app, open, &tx, &mut rx, &mut seen, |a| {
        a.files.bucket.is_some() && a.files.pending.is_none()
    })
    .await;
    assert!(app.files.entries.is_empty());

    // u, Tab completes the file name from the real folder listing, Enter queues it.
    app.send(key(KeyCode::Char('u')));
    let typed = format!("{}/hel", dir.path().display());
    for c in typed.chars() {
        app.send(key(KeyCode::Char(c)));
    }
    let tab = app.send(key(KeyCode::Tab));
    run_until(&mut app, tab, &tx, &mut rx, &mut seen, |a| {
        matches!(a.modals.last(), Some(b2tui::app::Modal::Transfer(m))
            if matches!(&**m, b2tui::app::TransferModal::Path(p) if p.completing.is_none()))
    })
    .await;
    let enter = app.send(key(KeyCode::Enter));
    assert!(
        matches!(&enter[..], [Command::Transfer(b2tui::worker::transfer_cmds::TransferCommand::Upload { local, .. })] if local == &PathBuf::from(&path)),
        "{enter:?}"
    );
    run_until(&mut app, enter, &tx, &mut rx, &mut seen, |a| {
        a.transfers.jobs.values().any(|j| j.state == JobState::Done)
            && a.files.entries.iter().any(|e| e.file_name == "hello.txt")
    })
    .await;
    let job = app.transfers.jobs.values().next().unwrap();
    assert_eq!(job.bytes_done, 30);
    assert_eq!(job.destination, "b2://xpane-up/hello.txt");
    assert!(
        seen.iter().any(|c| matches!(c, Command::ListFiles { .. })),
        "the finished upload asked for a reload: {seen:?}"
    );
}
