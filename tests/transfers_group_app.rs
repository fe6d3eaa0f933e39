//! Folder jobs in the app: one row with files done of found, bytes, failures and the
//! listing phase; Enter shows its running files and failures (bounded); C, P and R act on
//! every job; `q` with transfers running asks first and says what is kept; the summary
//! when a folder job ends; "skip if same" in the existing-files question; snapshots.
#![allow(clippy::unwrap_used)]

mod common;
use common::app::{Drive, app, code, key, screen};

use b2tui::app::transfers::{Row, TransferModal};
use b2tui::app::{App, Modal, Msg, View};
use b2tui::ui;
use b2tui::worker::transfer::{
    CancelMode, FileFailure, FileStatus, GroupStatus, JobId, JobKind, JobSnapshot, JobState,
    TransferEvent,
};
use b2tui::worker::transfer_cmds::{TransferCommand, TransferNote};
use b2tui::worker::{Command, Failure, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn engine(app: &mut App, ev: TransferEvent) -> Vec<Command> {
    app.send(Msg::Worker(WorkerEvent::Transfer(TransferNote::Engine(ev))))
}

fn transfer_cmds(cmds: Vec<Command>) -> Vec<TransferCommand> {
    cmds.into_iter()
        .filter_map(|c| match c {
            Command::Transfer(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn snapshot(id: u64, kind: JobKind, source: &str, group: Option<GroupStatus>) -> JobSnapshot {
    JobSnapshot {
        id: JobId(id),
        kind,
        source: source.to_owned(),
        destination: "/home/me/Downloads".to_owned(),
        bytes_done: 0,
        bytes_total: 0,
        bytes_per_sec: 0,
        state: JobState::Queued,
        large_file: false,
        hashing: None,
        retry: None,
        group: group.map(Box::new),
        elapsed_ms: None,
    }
}

fn running_file(name: &str, done: u64, total: u64) -> FileStatus {
    FileStatus {
        name: name.to_owned(),
        bytes_done: done,
        bytes_total: total,
        hashing: None,
        retry: None,
    }
}

/// A folder download of 50,000 files mid-way: still listing, four files running, two failed.
fn mid_way() -> GroupStatus {
    GroupStatus {
        listing_done: false,
        found: 12_000,
        done: 3_398,
        skipped: 0,
        failed: 2,
        bytes_done: 217_000_000,
        bytes_total: 768_000_000,
        bytes_per_sec: 41_000_000,
        bytes_copied: 216_000_000,
        running: vec![
            running_file("photos/2024/img_3401.jpg", 30_000, 64_000),
            running_file("photos/2024/img_3402.jpg", 10_000, 64_000),
            running_file("photos/2024/img_3403.jpg", 0, 64_000),
            running_file("photos/2024/img_3404.jpg", 64_000, 64_000),
        ],
        failures: vec![
            FileFailure {
                name: "photos/2024/img_0007.jpg".to_owned(),
                error: Failure::Local("SHA-1 mismatch".to_owned()),
            },
            FileFailure {
                name: "photos/2024/img_0099.jpg".to_owned(),
                error: Failure::Local("no space left on device".to_owned()),
            },
        ],
        elapsed_ms: 5_300,
    }
}

/// The transfers view with a folder download (job 1, running) and a single upload (job 2,
/// done); limits 8 files and 8 parts.
fn with_folder_job() -> App {
    let mut app = app();
    app.transfers.limits = Some((8, 8));
    let group = GroupStatus::default();
    let job = snapshot(
        1,
        JobKind::Download,
        "b2://photos-2026/photos/",
        Some(group),
    );
    engine(&mut app, TransferEvent::Queued { job });
    engine(&mut app, TransferEvent::Started { id: JobId(1) });
    engine(
        &mut app,
        TransferEvent::GroupProgressed {
            id: JobId(1),
            status: Box::new(mid_way()),
        },
    );
    let single = snapshot(2, JobKind::Upload, "/home/me/notes.txt", None);
    engine(&mut app, TransferEvent::Queued { job: single });
    engine(&mut app, TransferEvent::Started { id: JobId(2) });
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(2),
            bytes: 1_200,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    app.send(key('t'));
    assert_eq!(app.view, View::Transfers);
    app
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| ui::render(app, f)).unwrap();
    term
}

#[test]
fn a_folder_job_is_one_row_that_opens_to_its_running_files_and_failures() {
    let mut app = with_folder_job();
    assert_eq!(app.transfers.rows().len(), 2, "one row per job");
    let text = screen(&draw(&app));
    assert!(text.contains("8 files · 8 parts at once"), "{text}");
    assert!(text.contains("3,400 / 12,000+ files"), "{text}");
    assert!(text.contains("listing… 12,000 names"), "{text}");
    assert!(text.contains("2 failed"), "{text}");
    // Enter on the folder job: its running files, then its failures with why.
    app.send(key('g'));
    app.send(code(KeyCode::Enter));
    let rows_now = app.transfers.rows();
    assert_eq!(rows_now.len(), 2 + 4 + 2);
    assert_eq!(rows_now[1], Row::Running(JobId(1), 0));
    assert_eq!(rows_now[5], Row::Failure(JobId(1), 0));
    let text = screen(&draw(&app));
    assert!(text.contains("img_3401.jpg"), "{text}");
    assert!(
        text.contains("✗ photos/2024/img_0099.jpg: no space left on device"),
        "{text}"
    );
    // Moving onto a file row keeps the job as the one the keys act on.
    app.send(key('j'));
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(1)));
    // Enter again closes it.
    app.send(code(KeyCode::Enter));
    assert_eq!(app.transfers.rows().len(), 2);
    // A single file has nothing to open.
    app.send(key('G'));
    app.send(code(KeyCode::Enter));
    assert_eq!(app.transfers.rows().len(), 2);
}

#[test]
fn a_finished_folder_job_shows_and_tells_its_summary() {
    let mut app = with_folder_job();
    let done = GroupStatus {
        listing_done: true,
        found: 50_000,
        done: 49_990,
        skipped: 10,
        failed: 0,
        bytes_done: 3_200_000_000,
        bytes_total: 3_200_000_000,
        bytes_copied: 3_200_000_000,
        running: Vec::new(),
        failures: Vec::new(),
        elapsed_ms: 245_000,
        bytes_per_sec: 0,
    };
    engine(
        &mut app,
        TransferEvent::GroupProgressed {
            id: JobId(1),
            status: Box::new(done),
        },
    );
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(1),
            bytes: 3_200_000_000,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    let summary = "49,990 copied · 10 skipped · 0 failed · 3.20 GB in 4m05s";
    let note = app.notification.as_ref().map(|n| n.text.clone()).unwrap();
    assert!(note.contains(summary), "{note}");
    let text = screen(&draw(&app));
    assert!(text.contains(summary), "{text}");
    assert!(text.contains("50,000 / 50,000 files"), "{text}");
}

#[test]
fn quitting_with_transfers_running_asks_and_says_what_is_kept() {
    let mut app = with_folder_job();
    let fx = app.update(key('q'));
    assert!(!fx.has_quit(), "not at once");
    let Some(Modal::Transfer(m)) = app.modals.last() else {
        panic!("a question: {:?}", app.modals);
    };
    let TransferModal::ConfirmQuit { message } = m.as_ref() else {
        panic!("{m:?}");
    };
    assert!(message.contains("1 transfer is running"), "{message}");
    assert!(
        message.contains("downloads in progress are removed"),
        "{message}"
    );
    assert!(
        message.contains("Files not yet copied: 8,600 so far (the listing is not finished)"),
        "{message}"
    );
    let text = screen(&draw(&app));
    assert!(text.contains("Quit with transfers running?"), "{text}");
    // Esc keeps running; q then y quits.
    assert!(!app.update(code(KeyCode::Esc)).has_quit());
    assert!(app.modals.is_empty());
    assert!(!app.update(key('q')).has_quit());
    assert!(app.update(key('y')).has_quit());

    // Nothing running: q quits at once.
    let mut idle = app_idle();
    assert!(idle.update(key('q')).has_quit());
}

fn app_idle() -> App {
    let mut app = app();
    let job = snapshot(5, JobKind::Upload, "/home/me/a.txt", None);
    engine(&mut app, TransferEvent::Queued { job });
    engine(&mut app, TransferEvent::Cancelled { id: JobId(5) });
    app
}

#[test]
fn cancel_pause_and_retry_all_steer_every_job() {
    let mut app = with_folder_job();
    // C asks first; d cancels them all (large uploads' parts discarded).
    assert!(transfer_cmds(app.send(key('C'))).is_empty());
    let text = screen(&draw(&app));
    assert!(text.contains("Cancel 1 transfer?"), "{text}");
    let cmds = transfer_cmds(app.send(key('d')));
    assert_eq!(
        cmds,
        [TransferCommand::CancelAll {
            mode: CancelMode::Discard
        }]
    );
    // P pauses everything running; once all is paused, P resumes.
    assert_eq!(
        transfer_cmds(app.send(key('P'))),
        [TransferCommand::PauseAll]
    );
    engine(&mut app, TransferEvent::Paused { id: JobId(1) });
    assert_eq!(
        transfer_cmds(app.send(key('P'))),
        [TransferCommand::ResumeAll]
    );
    // R retries the failed jobs; with none failed it says so.
    assert!(transfer_cmds(app.send(key('R'))).is_empty());
    let error = Failure::Local("2 of 50,000 files failed".to_owned());
    engine(
        &mut app,
        TransferEvent::Failed {
            id: JobId(1),
            error,
        },
    );
    assert_eq!(
        transfer_cmds(app.send(key('R'))),
        [TransferCommand::RetryAll]
    );
}

#[test]
fn snapshot_folder_job_open() {
    let mut app = with_folder_job();
    app.send(key('g'));
    app.send(code(KeyCode::Enter));
    insta::assert_snapshot!("folder_job_open", draw(&app).backend());
    let help = screen(&draw(&app));
    assert!(!help.contains("Quit with"), "{help}");
}

#[test]
fn a_folder_upload_into_names_that_exist_asks_new_version_or_skip_if_same() {
    use b2tui::worker::RequestId;
    use b2tui::worker::transfer::{BucketRef, ConflictPolicy};
    let mut app = app();
    let bucket = BucketRef {
        id: b2tui::b2::BucketId::from("id-photos"),
        name: "photos-2026".to_owned(),
    };
    let exists = || {
        Msg::Worker(WorkerEvent::Transfer(TransferNote::UploadExists {
            req: RequestId(9),
            local: "/home/me/site".into(),
            bucket: bucket.clone(),
            prefix: "www/".to_owned(),
            example: "www/site/index.html".to_owned(),
        }))
    };
    app.send(exists());
    let text = screen(&draw(&app));
    assert!(
        text.contains("Names there already, e.g. www/site/index.html"),
        "{text}"
    );
    assert!(text.contains("m skip if same (size and SHA-1)"), "{text}");
    // Enter takes the highlighted answer: skip if same.
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    let [
        TransferCommand::UploadFolder {
            conflict,
            local,
            prefix,
            ..
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}");
    };
    assert_eq!(*conflict, ConflictPolicy::SkipSame);
    assert_eq!(
        (local.to_str(), prefix.as_str()),
        (Some("/home/me/site"), "www/")
    );
    assert!(app.modals.is_empty());
    // o: a new version of each.
    app.send(exists());
    let cmds = transfer_cmds(app.send(key('o')));
    assert!(
        matches!(
            &cmds[..],
            [TransferCommand::UploadFolder {
                conflict: ConflictPolicy::Overwrite,
                ..
            }]
        ),
        "{cmds:?}"
    );
    // Esc: nothing starts.
    app.send(exists());
    assert!(transfer_cmds(app.send(code(KeyCode::Esc))).is_empty());
    assert!(app.modals.is_empty());
}

#[test]
fn snapshot_quit_question() {
    let mut app = with_folder_job();
    app.send(key('q'));
    insta::assert_snapshot!("quit_question", draw(&app).backend());
}
