//! Transfers in the app: views on number keys, the job table from engine events, speed and
//! ETA text, path completion over a directory listing given as data, the upload and download
//! prompts (defaults, conflict policy asked once), cancel/pause/retry, the files refresh after
//! an upload; and snapshots of the transfers view and prompts on a 100×30 test terminal.

mod common;
use common::app::{Drive, app_with, code, key, rows, session};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use b2tui::app::transfers::{TransferModal, complete, eta_secs};
use b2tui::app::{App, Focus, Modal, Msg, SessionInfo, View};
use b2tui::b2::{AccountId, Bucket, BucketId, FileAction, FileId, FileVersion};
use b2tui::ui;
use b2tui::worker::settings::SettingsCommand;
use b2tui::worker::transfer::{
    CancelMode, ConflictPolicy, JobId, JobKind, JobSnapshot, JobState, SkipReason, TransferEvent,
};
use b2tui::worker::transfer_cmds::{DownloadItem, LocalEntry, TransferCommand, TransferNote};
use b2tui::worker::{Command, Failure, KeyCommand, RequestId, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const T0: i64 = 1_795_183_353_123;

fn bucket(name: &str) -> Bucket {
    Bucket {
        account_id: AccountId::from("3f2a9c1b7d00"),
        bucket_id: BucketId(format!("id-{name}")),
        bucket_name: name.to_owned(),
        bucket_type: "allPrivate".to_owned(),
        bucket_info: BTreeMap::new(),
        cors_rules: Vec::new(),
        lifecycle_rules: Vec::new(),
        options: Vec::new(),
        revision: 1,
    }
}

fn file(name: &str, size: u64) -> FileVersion {
    FileVersion {
        account_id: None,
        action: FileAction::Upload,
        bucket_id: Some(BucketId::from("id-photos-2026")),
        content_length: size,
        content_sha1: None,
        content_md5: None,
        content_type: None,
        file_id: Some(FileId::from(format!("fid-{name}").as_str())),
        file_info: BTreeMap::new(),
        file_name: name.to_owned(),
        upload_timestamp: T0,
        replication_status: None,
    }
}

fn folder(name: &str) -> FileVersion {
    FileVersion {
        action: FileAction::Folder,
        file_id: None,
        content_length: 0,
        upload_timestamp: 0,
        ..file(name, 0)
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(key(c));
    }
}

fn transfer_cmds(cmds: Vec<Command>) -> Vec<TransferCommand> {
    cmds.into_iter()
        .filter_map(|c| match c {
            Command::Transfer(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// `photos-2026` opened on its root: two folders, three files; cwd `/home/me`.
fn browsing() -> App {
    let mut app = app_with(SessionInfo {
        cwd: PathBuf::from("/home/me"),
        ..session()
    });
    let req = app.begin()[0].req();
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: vec![bucket("backups"), bucket("photos-2026")],
    }));
    app.send(key('j'));
    let req = app.send(code(KeyCode::Enter))[0].req();
    app.send(Msg::Worker(WorkerEvent::FilesListed {
        req,
        entries: vec![
            folder("alps/"),
            folder("trips/"),
            file("report.txt", 1_200_000),
            file("sunset.jpg", 4_830_000),
            file("sunrise.jpg", 3_100_000),
        ],
        next: None,
    }));
    assert_eq!(app.focus, Focus::Files);
    app
}

fn select(app: &mut App, name: &str) {
    app.send(key('g'));
    for _ in 0..10 {
        if app.files.selected_name() == Some(name) {
            return;
        }
        app.send(key('j'));
    }
    panic!("{name} not found");
}

fn engine(app: &mut App, ev: TransferEvent) -> Vec<Command> {
    app.send(Msg::Worker(WorkerEvent::Transfer(TransferNote::Engine(ev))))
}

fn job(id: u64, kind: JobKind, source: &str, destination: &str, total: u64) -> JobSnapshot {
    JobSnapshot {
        id: JobId(id),
        kind,
        source: source.to_owned(),
        destination: destination.to_owned(),
        bytes_done: 0,
        bytes_total: total,
        bytes_per_sec: 0,
        state: JobState::Queued,
        large_file: false,
        hashing: None,
        retry: None,
        group: None,
        elapsed_ms: None,
    }
}

fn top(app: &App) -> &TransferModal {
    match app.modals.last() {
        Some(Modal::Transfer(m)) => m,
        other => panic!("expected a transfers modal, got {other:?}"),
    }
}

fn progressed(id: u64, done: u64, total: u64, speed: u64) -> TransferEvent {
    TransferEvent::Progressed {
        id: JobId(id),
        bytes_done: done,
        bytes_total: total,
        bytes_per_sec: speed,
    }
}

/// Six jobs in six states.
fn with_jobs(app: &mut App) {
    let rows = [
        (
            1,
            JobKind::Upload,
            "/home/me/big.iso",
            "b2://photos-2026/big.iso",
            900_000_000,
        ),
        (
            2,
            JobKind::Download,
            "b2://photos-2026/report.txt",
            "/home/me/report.txt",
            1_200_000,
        ),
        (
            3,
            JobKind::Upload,
            "/home/me/notes.md",
            "b2://photos-2026/notes.md",
            4_000,
        ),
        (
            4,
            JobKind::Download,
            "b2://photos-2026/sunset.jpg",
            "/home/me/sunset.jpg",
            4_830_000,
        ),
        (
            5,
            JobKind::Upload,
            "/home/me/video.mp4",
            "b2://photos-2026/video.mp4",
            50_000_000,
        ),
        (
            6,
            JobKind::Download,
            "b2://photos-2026/alps/a.jpg",
            "/home/me/alps/a.jpg",
            2_000,
        ),
    ];
    for (id, kind, src, dst, total) in rows {
        engine(
            app,
            TransferEvent::Queued {
                job: job(id, kind, src, dst, total),
            },
        );
    }
    engine(app, TransferEvent::Started { id: JobId(1) });
    engine(app, TransferEvent::LargeFileStarted { id: JobId(1) });
    engine(app, progressed(1, 369_000_000, 900_000_000, 112_000_000));
    engine(app, TransferEvent::Started { id: JobId(2) });
    engine(app, progressed(2, 1_200_000, 1_200_000, 2_000_000));
    engine(
        app,
        TransferEvent::Finished {
            id: JobId(2),
            bytes: 1_200_000,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    engine(app, TransferEvent::Started { id: JobId(3) });
    engine(
        app,
        TransferEvent::Failed {
            id: JobId(3),
            error: Failure::Local("notes.md: permission denied".into()),
        },
    );
    engine(
        app,
        TransferEvent::Skipped {
            id: JobId(4),
            reason: SkipReason::Exists(PathBuf::from("/home/me/backups/sunrise.jpg")),
        },
    );
    engine(app, TransferEvent::Started { id: JobId(5) });
    engine(app, progressed(5, 10_000_000, 50_000_000, 5_000_000));
    engine(app, TransferEvent::Paused { id: JobId(5) });
}

// ---------------------------------------------------------------------------------------
// Update tests

#[test]
fn number_keys_switch_views_and_tab_moves_panes() {
    let mut app = browsing();
    app.send(key('1'));
    assert_eq!(
        (app.view.clone(), app.focus),
        (View::Browse, Focus::Files),
        "1 is no pane key"
    );
    app.send(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Versions);
    app.send(code(KeyCode::BackTab));
    app.send(code(KeyCode::BackTab));
    assert_eq!(app.focus, Focus::Buckets);
    app.send(key('l'));
    assert_eq!(app.focus, Focus::Files);

    app.send(key('2'));
    assert_eq!(app.view, View::Transfers);
    app.send(key('1'));
    assert_eq!(app.view, View::Browse);
    app.send(key('t'));
    assert_eq!(app.view, View::Transfers);
    let cmds = app.send(key('3'));
    assert_eq!(app.view, View::Keys);
    assert!(matches!(
        cmds[..],
        [Command::Keys(KeyCommand::ListKeys { .. })]
    ));
    app.send(key('2'));
    assert_eq!(app.view, View::Transfers);
    app.send(code(KeyCode::Esc));
    assert_eq!(app.view, View::Browse);

    // 4: the settings of the open bucket, from any view; 1-3 leave it.
    app.send(key('2'));
    let cmds = app.send(key('4'));
    assert!(matches!(
        cmds[..],
        [Command::Settings(SettingsCommand::LoadBucket { .. })]
    ));
    assert_eq!(
        app.view.settings().map(|v| v.bucket.name.as_str()),
        Some("photos-2026")
    );
    app.send(key('2'));
    assert!(app.view.settings().is_none());
    assert_eq!(app.view, View::Transfers);
    app.send(key('4'));
    app.send(key('1'));
    assert!(app.view.settings().is_none());
    assert_eq!(app.view, View::Browse);
    app.send(key('B'));
    assert!(app.view.settings().is_some());
    app.send(key('3'));
    assert_eq!(app.view, View::Keys);
    app.send(key('K'));
    assert_eq!(app.view, View::Keys);
}

#[test]
fn job_table_follows_engine_events() {
    let mut app = browsing();
    with_jobs(&mut app);
    let jobs = &app.transfers.jobs;
    assert_eq!(jobs.len(), 6);
    assert_eq!(jobs[&JobId(1)].state, JobState::Running);
    assert_eq!(jobs[&JobId(1)].bytes_done, 369_000_000);
    assert_eq!(jobs[&JobId(2)].state, JobState::Done);
    assert!(
        matches!(&jobs[&JobId(3)].state, JobState::Failed { error } if error.message().contains("permission"))
    );
    assert!(matches!(jobs[&JobId(4)].state, JobState::Skipped { .. }));
    assert_eq!(jobs[&JobId(5)].state, JobState::Paused);
    assert_eq!(jobs[&JobId(6)].state, JobState::Queued);

    let t = app.transfers.totals();
    assert_eq!(
        (t.running, t.queued, t.paused, t.done, t.failed, t.skipped),
        (1, 1, 1, 1, 1, 1)
    );
    assert_eq!(t.bytes_per_sec, 112_000_000, "only running jobs count");
    // Failed and skipped jobs are out of the byte totals.
    assert_eq!(t.bytes_total, 900_000_000 + 1_200_000 + 50_000_000 + 2_000);
    assert_eq!(t.bytes_done, 369_000_000 + 1_200_000 + 10_000_000);
    assert_eq!(t.percent(), 39);

    let header: String = ui::transfers::summary_spans(&app)
        .iter()
        .map(|s| s.content.to_string())
        .collect();
    assert_eq!(header.trim(), "⇅ 1 running 39% 112 MB/s +1 queued");

    // A retry starts the row over.
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                3,
                JobKind::Upload,
                "/home/me/notes.md",
                "b2://photos-2026/notes.md",
                4_000,
            ),
        },
    );
    assert_eq!(app.transfers.jobs[&JobId(3)].state, JobState::Queued);
}

#[test]
fn speed_and_eta_text() {
    use b2tui::ui::transfers::{eta, speed};
    assert_eq!(speed(112_000_000), "112 MB/s");
    assert_eq!(speed(0), "0 B/s");
    assert_eq!(eta(eta_secs(0, 100, 0)), "—");
    assert_eq!(eta(eta_secs(0, 0, 10)), "—", "unknown size");
    assert_eq!(eta(eta_secs(58, 100, 1)), "42s");
    assert_eq!(eta(eta_secs(0, 185, 1)), "3m05s");
    assert_eq!(eta(eta_secs(0, 3_720, 1)), "1h02m");
    assert_eq!(eta(eta_secs(1, 2, 1)), "1s");
    assert_eq!(eta(eta_secs(0, 10, 3)), "4s", "rounds up");
    assert_eq!(eta(Some(1_000_000)), ">99h");
}

fn entry(name: &str, is_dir: bool) -> LocalEntry {
    LocalEntry {
        name: name.to_owned(),
        is_dir,
    }
}

#[test]
fn completion_over_a_listing() {
    let listing = [
        entry(".photos-cache", true),
        entry("notes.md", false),
        entry("phone.txt", false),
        entry("photos", true),
        entry("photos-2025", true),
    ];
    let c = complete("/home/me/ph", &listing);
    assert_eq!(c.value, "/home/me/pho");
    assert_eq!(c.candidates, ["phone.txt", "photos/", "photos-2025/"]);
    let c = complete("/home/me/photos-", &listing);
    assert_eq!(c.value, "/home/me/photos-2025/");
    assert!(c.candidates.is_empty());
    let c = complete("no", &listing);
    assert_eq!(c.value, "notes.md");
    let c = complete("x", &listing);
    assert_eq!((c.value.as_str(), c.candidates.len()), ("x", 0));
    // Dot files only when asked for.
    let c = complete("/home/me/.", &listing);
    assert_eq!(c.value, "/home/me/.photos-cache/");
    assert_eq!(
        b2tui::app::transfers::dir_to_list("/home/me/ph"),
        PathBuf::from("/home/me/")
    );
    assert_eq!(b2tui::app::transfers::dir_to_list("ph"), PathBuf::from("."));
}

#[test]
fn upload_prompt_completes_and_queues_into_the_folder_shown() {
    let mut app = browsing();
    select(&mut app, "trips/");
    let req = app.send(code(KeyCode::Enter))[0].req();
    app.send(Msg::Worker(WorkerEvent::FilesListed {
        req,
        entries: vec![],
        next: None,
    }));
    assert_eq!(app.files.prefix, "trips/");
    app.send(key('u'));
    assert!(matches!(top(&app), TransferModal::Path(_)));
    type_text(&mut app, "/home/me/ph");
    let cmds = transfer_cmds(app.send(code(KeyCode::Tab)));
    let [TransferCommand::ListLocal { req, dir }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(dir, &PathBuf::from("/home/me/"));
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::LocalListed {
            req: *req,
            dir: dir.clone(),
            entries: vec![entry("photos", true), entry("phone.txt", false)],
        },
    )));
    let TransferModal::Path(p) = top(&app) else {
        panic!()
    };
    assert_eq!(p.input.value(), "/home/me/pho");
    assert_eq!(p.candidates, ["photos/", "phone.txt"]);
    type_text(&mut app, "n");
    let req = transfer_cmds(app.send(code(KeyCode::Tab)))[0].req();
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::LocalListed {
            req,
            dir: PathBuf::from("/home/me/"),
            entries: vec![entry("photos", true), entry("phone.txt", false)],
        },
    )));
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    let [
        TransferCommand::Upload {
            local,
            bucket,
            prefix,
            ..
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(local, &PathBuf::from("/home/me/phone.txt"));
    assert_eq!(bucket.name, "photos-2026");
    assert_eq!(prefix, "trips/");
    assert!(app.modals.is_empty());
}

#[test]
fn a_stale_completion_is_dropped() {
    let mut app = browsing();
    app.send(key('u'));
    type_text(&mut app, "ph");
    let req = transfer_cmds(app.send(code(KeyCode::Tab)))[0].req();
    type_text(&mut app, "x");
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::LocalListed {
            req,
            dir: PathBuf::from("."),
            entries: vec![entry("photos", true)],
        },
    )));
    let TransferModal::Path(p) = top(&app) else {
        panic!()
    };
    assert_eq!(p.input.value(), "phx", "typing after Tab wins");
}

#[test]
fn download_prompt_defaults_to_cwd_then_remembers() {
    let mut app = browsing();
    select(&mut app, "report.txt");
    app.send(key('d'));
    let TransferModal::Path(p) = top(&app) else {
        panic!()
    };
    assert_eq!(p.input.value(), "/home/me");
    // Replace the default with another folder.
    for _ in 0.."/home/me".len() {
        app.send(code(KeyCode::Backspace));
    }
    type_text(&mut app, "/tmp/dl");
    let check = transfer_cmds(app.send(code(KeyCode::Enter)));
    found_existing(&mut app, &check, 1);
    assert_eq!(
        top(&app),
        &TransferModal::Conflict {
            choice: ConflictPolicy::Skip,
            remember: false,
        }
    );
    let cmds = transfer_cmds(app.send(key('o')));
    let [
        TransferCommand::Download {
            items,
            dir,
            conflict,
            base,
            ..
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(dir, &PathBuf::from("/tmp/dl"));
    assert_eq!(*conflict, ConflictPolicy::Overwrite);
    assert_eq!(base, "");
    assert!(matches!(&items[..], [DownloadItem::File(v)] if v.file_name == "report.txt"));

    select(&mut app, "sunset.jpg");
    app.send(key('d'));
    let TransferModal::Path(p) = top(&app) else {
        panic!()
    };
    assert_eq!(
        p.input.value(),
        "/tmp/dl",
        "the folder is remembered for the session"
    );
    app.send(code(KeyCode::Esc));
    assert!(app.modals.is_empty());
    assert!(app.transfers.plan.is_none());
}

/// The worker's answer to the `CheckExisting` in `cmds`: `count` targets exist.
fn found_existing(app: &mut App, cmds: &[TransferCommand], count: usize) -> Vec<Command> {
    let [TransferCommand::CheckExisting { req, dir, .. }] = cmds else {
        panic!("expected the existing-files check, got {cmds:?}")
    };
    let note = TransferNote::Existing {
        req: *req,
        count,
        examples: (0..count.min(3))
            .map(|i| dir.join(format!("f{i}")))
            .collect(),
    };
    app.send(Msg::Worker(WorkerEvent::Transfer(note)))
}

#[test]
fn nothing_is_asked_when_nothing_exists_and_an_answer_can_be_kept() {
    let mut app = browsing();
    select(&mut app, "report.txt");
    app.send(key('d'));
    let check = transfer_cmds(app.send(code(KeyCode::Enter)));
    let started = transfer_cmds(found_existing(&mut app, &check, 0));
    assert!(app.modals.is_empty(), "no question: {:?}", app.modals);
    let [TransferCommand::Download { conflict, .. }] = &started[..] else {
        panic!("{started:?}")
    };
    assert_eq!(*conflict, ConflictPolicy::Skip, "nothing is overwritten");
    // Something exists: asked; Space keeps the answer for the session.
    select(&mut app, "sunset.jpg");
    app.send(key('d'));
    let check = transfer_cmds(app.send(code(KeyCode::Enter)));
    found_existing(&mut app, &check, 1);
    let shown = rows(&draw(&app)).join("\n");
    assert!(shown.contains("1 target already exists"), "{shown}");
    app.send(key(' '));
    let started = transfer_cmds(app.send(key('b')));
    assert!(matches!(
        &started[..],
        [TransferCommand::Download {
            conflict: ConflictPolicy::KeepBoth,
            ..
        }]
    ));
    // The next batch starts at once with the kept answer, without a check.
    select(&mut app, "report.txt");
    app.send(key('d'));
    let started = transfer_cmds(app.send(code(KeyCode::Enter)));
    assert!(
        matches!(
            &started[..],
            [TransferCommand::Download {
                conflict: ConflictPolicy::KeepBoth,
                ..
            }]
        ),
        "{started:?}"
    );
    assert!(app.modals.is_empty());
}

#[test]
fn conflict_policy_is_asked_once_per_batch() {
    let mut app = browsing();
    for name in ["alps/", "report.txt", "sunset.jpg"] {
        select(&mut app, name);
        app.send(key(' '));
    }
    app.send(key('d'));
    let check = transfer_cmds(app.send(code(KeyCode::Enter)));
    let [TransferCommand::CheckExisting { names, .. }] = &check[..] else {
        panic!("{check:?}")
    };
    assert_eq!(names.len(), 3, "every target is checked");
    found_existing(&mut app, &check, 2);
    assert!(matches!(top(&app), TransferModal::Conflict { .. }));
    // Enter takes the highlighted answer; right moves it.
    app.send(code(KeyCode::Right));
    app.send(code(KeyCode::Right));
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    assert!(app.modals.is_empty(), "asked once");
    let [
        TransferCommand::Download {
            items,
            conflict,
            dir,
            ..
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(*conflict, ConflictPolicy::KeepBoth);
    assert_eq!(dir, &PathBuf::from("/home/me"));
    assert_eq!(items.len(), 3);
    assert!(items.contains(&DownloadItem::Folder("alps/".to_owned())));
}

#[test]
fn cancel_asks_how_and_pause_retry_clear_steer_the_engine() {
    let mut app = browsing();
    with_jobs(&mut app);
    app.send(key('2'));
    // The job queued last has the cursor; job 1: a running upload.
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(6)));
    app.send(key('g'));
    app.send(key('c'));
    assert!(matches!(
        top(&app),
        TransferModal::Cancel {
            id: JobId(1),
            can_keep: true,
            ..
        }
    ));
    let cmds = transfer_cmds(app.send(key('k')));
    assert_eq!(
        cmds,
        [TransferCommand::Cancel {
            id: JobId(1),
            mode: CancelMode::KeepForResume
        }]
    );
    // Job 2 is done: nothing to cancel.
    app.send(key('j'));
    app.send(key('c'));
    assert!(app.modals.is_empty());
    // Job 3 failed: r retries.
    app.send(key('j'));
    assert_eq!(
        transfer_cmds(app.send(key('r'))),
        [TransferCommand::Retry { id: JobId(3) }]
    );
    // Job 5 is paused: p resumes; job 1 running: p pauses.
    app.send(key('j'));
    app.send(key('j'));
    assert_eq!(
        transfer_cmds(app.send(key('p'))),
        [TransferCommand::Resume { id: JobId(5) }]
    );
    app.send(key('g'));
    assert_eq!(
        transfer_cmds(app.send(key('p'))),
        [TransferCommand::Pause { id: JobId(1) }]
    );
    // A download's cancel only discards.
    app.send(key('G'));
    app.send(key('c'));
    assert!(matches!(
        top(&app),
        TransferModal::Cancel {
            id: JobId(6),
            can_keep: false,
            ..
        }
    ));
    assert!(transfer_cmds(app.send(key('k'))).is_empty());
    assert_eq!(
        transfer_cmds(app.send(key('d'))),
        [TransferCommand::Cancel {
            id: JobId(6),
            mode: CancelMode::Discard
        }]
    );
    // x forgets finished rows (done, failed, skipped) but keeps paused ones.
    assert_eq!(
        transfer_cmds(app.send(key('x'))),
        [TransferCommand::ClearFinished]
    );
    let left: Vec<u64> = app.transfers.jobs.keys().map(|k| k.0).collect();
    assert_eq!(left, [1, 5, 6]);
    assert!(app.transfers.cursor.selected < 3);
}

#[test]
fn an_upload_into_the_folder_shown_refreshes_it_once() {
    let mut app = browsing();
    let before = Instant::now();
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                1,
                JobKind::Upload,
                "/home/me/a.txt",
                "b2://photos-2026/a.txt",
                10,
            ),
        },
    );
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                2,
                JobKind::Upload,
                "/home/me/b.txt",
                "b2://photos-2026/b.txt",
                10,
            ),
        },
    );
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                3,
                JobKind::Upload,
                "/home/me/c.txt",
                "b2://backups/c.txt",
                10,
            ),
        },
    );
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(3),
            bytes: 10,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    assert!(
        app.send(Msg::Tick { now: before }).is_empty(),
        "another bucket"
    );
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(1),
            bytes: 10,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(2),
            bytes: 10,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    let cmds = app.send(Msg::Tick { now: before });
    assert!(
        matches!(&cmds[..], [Command::ListFiles { prefix, start: None, .. }] if prefix.is_empty()),
        "{cmds:?}"
    );
    assert!(
        app.send(Msg::Tick { now: before }).is_empty(),
        "one reload for the burst"
    );
}

#[test]
fn unfinished_large_files_resume_asks_for_the_local_file() {
    let mut app = browsing();
    let mut big = file("backups/disk.img", 0);
    big.action = FileAction::Start;
    let bucket = list_unfinished(&mut app, vec![big]);
    assert_eq!(bucket.name, "photos-2026");
    assert_eq!(top(&app), &TransferModal::Unfinished);
    app.send(key('r'));
    let TransferModal::Path(p) = top(&app) else {
        panic!()
    };
    assert_eq!(p.input.value(), "/home/me/disk.img");
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    assert!(matches!(
        &cmds[..],
        [TransferCommand::UploadAs { file_name, local, .. }]
            if file_name == "backups/disk.img" && local == &PathBuf::from("/home/me/disk.img")
    ));
    // c asks, d cancels it on B2.
    app.send(key('c'));
    assert!(matches!(top(&app), TransferModal::CancelUnfinished { .. }));
    let cmds = transfer_cmds(app.send(key('d')));
    let [TransferCommand::CancelUnfinished { req, file_id }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::UnfinishedCancelled {
            req: *req,
            file_id: file_id.clone(),
        },
    )));
    assert_eq!(
        app.transfers
            .unfinished
            .as_ref()
            .and_then(|l| l.files.as_ref())
            .map(Vec::len),
        Some(0)
    );
}

#[test]
fn a_path_that_cannot_start_shows_why() {
    let mut app = browsing();
    app.send(key('u'));
    type_text(&mut app, "/nope");
    let req = transfer_cmds(app.send(code(KeyCode::Enter)))[0].req();
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::NotStarted {
            req,
            error: Failure::Local("/nope: No such file or directory".into()),
        },
    )));
    assert!(
        matches!(app.modals.last(), Some(Modal::Error { title, .. }) if title == "Transfer not started")
    );
    let _ = RequestId::default();
}

#[test]
fn items_that_could_not_start_beside_queued_ones_are_reported() {
    let mut app = browsing();
    app.send(Msg::Worker(WorkerEvent::Transfer(TransferNote::Queued {
        req: RequestId(77),
        jobs: 2,
        problems: vec![
            Failure::Local("../evil: unsafe name".into()),
            Failure::Local("x/: no such folder".into()),
        ],
    })));
    let note = app.notification.as_ref().expect("a note, not silence");
    assert!(note.text.contains("2 queued"), "{}", note.text);
    assert!(note.text.contains("../evil: unsafe name"), "{}", note.text);
    assert!(note.text.contains("and 1 more"), "{}", note.text);
}

// ---------------------------------------------------------------------------------------
// Snapshots

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| ui::render(app, f)).unwrap();
    term
}

#[test]
fn snapshot_transfers_view() {
    let mut app = browsing();
    with_jobs(&mut app);
    app.send(key('t'));
    insta::assert_snapshot!("transfers_view", draw(&app).backend());
}

#[test]
fn snapshot_header_summary_in_browse() {
    let mut app = browsing();
    with_jobs(&mut app);
    let term = draw(&app);
    let header: String = (0..100)
        .map(|x| term.backend().buffer()[(x, 0)].symbol().to_owned())
        .collect();
    assert!(header.contains("⇅ 1 running 39% 112 MB/s"), "{header}");
}

#[test]
fn snapshot_upload_prompt_with_candidates() {
    let mut app = browsing();
    app.send(key('u'));
    type_text(&mut app, "/home/me/ph");
    let req = transfer_cmds(app.send(code(KeyCode::Tab)))[0].req();
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::LocalListed {
            req,
            dir: PathBuf::from("/home/me/"),
            entries: vec![
                entry("phone.txt", false),
                entry("photos", true),
                entry("photos-2025", true),
            ],
        },
    )));
    insta::assert_snapshot!("upload_prompt_candidates", draw(&app).backend());
}

#[test]
fn snapshot_download_prompt_and_conflict() {
    let mut app = browsing();
    select(&mut app, "report.txt");
    app.send(key(' '));
    select(&mut app, "alps/");
    app.send(key(' '));
    app.send(key('d'));
    insta::assert_snapshot!("download_prompt", draw(&app).backend());
    let check = transfer_cmds(app.send(code(KeyCode::Enter)));
    found_existing(&mut app, &check, 2);
    insta::assert_snapshot!("download_conflict", draw(&app).backend());
}

#[test]
fn only_a_large_upload_is_asked_about_parts_and_keeping_them() {
    let mut app = browsing();
    with_jobs(&mut app);
    app.send(key('2'));
    // A small upload under way: one b2_upload_file, no parts to discard or keep.
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                7,
                JobKind::Upload,
                "/home/me/todo.txt",
                "b2://photos-2026/todo.txt",
                2_000,
            ),
        },
    );
    engine(&mut app, TransferEvent::Started { id: JobId(7) });
    app.send(key('G'));
    app.send(key('c'));
    assert!(matches!(
        top(&app),
        TransferModal::Cancel {
            id: JobId(7),
            can_keep: false,
            ..
        }
    ));
    let screen = rows(&draw(&app)).join("\n");
    for wrong in ["keep for resume", "keep an unfinished", "parts", "large"] {
        assert!(!screen.contains(wrong), "{wrong}:\n{screen}");
    }
    assert!(
        screen.contains("Cancel b2://photos-2026/todo.txt?"),
        "{screen}"
    );
    assert!(transfer_cmds(app.send(key('k'))).is_empty());
    assert_eq!(
        transfer_cmds(app.send(key('d'))),
        [TransferCommand::Cancel {
            id: JobId(7),
            mode: CancelMode::Discard
        }]
    );
    // The large upload (job 1) gets both, in the dialog and in the footer.
    app.send(key('g'));
    app.send(key('c'));
    let shown = rows(&draw(&app));
    let screen = shown.join("\n");
    assert!(
        screen.contains("b2_cancel_large_file drops uploaded parts"),
        "{screen}"
    );
    assert!(shown[29].contains("k cancel, keep for resume"), "{screen}");
}

#[test]
fn the_unfinished_file_question_lists_only_its_keys() {
    let mut app = browsing();
    let mut big = file("backups/disk.img", 0);
    big.action = FileAction::Start;
    list_unfinished(&mut app, vec![big]);
    // The list: its own keys in the footer.
    let footer = rows(&draw(&app)).pop().unwrap();
    for hint in ["j down", "k up", "r resume", "c cancel"] {
        assert!(footer.contains(hint), "{hint}: {footer}");
    }
    app.send(key('c'));
    assert!(matches!(top(&app), TransferModal::CancelUnfinished { .. }));
    let footer = rows(&draw(&app)).pop().unwrap();
    assert!(!footer.contains("keep for resume"), "{footer}");
    assert!(footer.contains("d cancel"), "{footer}");
    assert!(footer.contains("Esc"), "{footer}");
    // k offers nothing here; Esc keeps the file.
    assert!(transfer_cmds(app.send(key('k'))).is_empty());
    assert!(matches!(top(&app), TransferModal::CancelUnfinished { .. }));
    app.send(code(KeyCode::Esc));
    assert_eq!(top(&app), &TransferModal::Unfinished);
}

#[test]
fn a_queued_job_takes_the_cursor() {
    let mut app = browsing();
    with_jobs(&mut app);
    app.send(key('2'));
    app.send(key('g'));
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(1)));
    // New rows, enough to scroll: each takes the cursor as it is queued.
    for id in 7..40 {
        engine(
            &mut app,
            TransferEvent::Queued {
                job: job(
                    id,
                    JobKind::Upload,
                    &format!("/home/me/shot-{id}.jpg"),
                    &format!("b2://photos-2026/shot-{id}.jpg"),
                    2_000,
                ),
            },
        );
        assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(id)));
    }
    // and it is on screen.
    let selected = rows(&draw(&app))
        .into_iter()
        .find(|r| r.contains("shot-39.jpg"))
        .expect("the new job is shown");
    assert!(selected.contains('▸'), "{selected}");
    // A retried job is queued again: it takes the cursor too.
    app.send(key('g'));
    app.send(key('j'));
    app.send(key('j'));
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(3)));
    app.send(key('G'));
    let mut again = job(
        3,
        JobKind::Upload,
        "/home/me/notes.md",
        "b2://photos-2026/notes.md",
        4_000,
    );
    again.state = JobState::Queued;
    engine(&mut app, TransferEvent::Queued { job: again });
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(3)));
}

#[test]
fn a_kept_both_download_shows_where_the_bytes_went() {
    let mut app = browsing();
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                1,
                JobKind::Download,
                "b2://photos-2026/big.bin",
                "/home/me/big.bin",
                2_000,
            ),
        },
    );
    engine(&mut app, TransferEvent::Started { id: JobId(1) });
    engine(
        &mut app,
        TransferEvent::DestinationChanged {
            id: JobId(1),
            destination: "/home/me/big (1).bin".into(),
        },
    );
    engine(
        &mut app,
        TransferEvent::Finished {
            id: JobId(1),
            bytes: 2_000,
            verified: true,
            elapsed_ms: 2_345,
        },
    );
    assert_eq!(
        app.transfers.jobs[&JobId(1)].destination,
        "/home/me/big (1).bin"
    );
    app.send(key('2'));
    let screen = rows(&draw(&app)).join("\n");
    assert!(
        screen.contains("b2://photos-2026/big.bin → /home/me/big (1).bin"),
        "{screen}"
    );
}

#[test]
fn a_large_upload_says_hashing_until_its_bytes_go_up() {
    let mut app = browsing();
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                1,
                JobKind::Upload,
                "/home/me/big.iso",
                "b2://photos-2026/big.iso",
                0,
            ),
        },
    );
    engine(&mut app, TransferEvent::Started { id: JobId(1) });
    engine(
        &mut app,
        TransferEvent::Hashing {
            id: JobId(1),
            bytes_hashed: 1_066_000_000,
            bytes_total: 2_600_000_000,
        },
    );
    assert_eq!(app.transfers.jobs[&JobId(1)].hashing, Some(1_066_000_000));
    app.send(key('2'));
    let screen = rows(&draw(&app)).join("\n");
    assert!(screen.contains("hashing 41%  1.1 GB / 2.6 GB"), "{screen}");
    assert!(!screen.contains("ETA"), "{screen}");

    // Every byte hashed: the upload proper.
    engine(
        &mut app,
        TransferEvent::Hashing {
            id: JobId(1),
            bytes_hashed: 2_600_000_000,
            bytes_total: 2_600_000_000,
        },
    );
    engine(&mut app, TransferEvent::LargeFileStarted { id: JobId(1) });
    engine(
        &mut app,
        progressed(1, 200_000_000, 2_600_000_000, 100_000_000),
    );
    assert_eq!(app.transfers.jobs[&JobId(1)].hashing, None);
    let screen = rows(&draw(&app)).join("\n");
    assert!(!screen.contains("hashing"), "{screen}");
    assert!(screen.contains("/ 2.6 GB  100 MB/s"), "{screen}");

    // Stopped while hashing: the row says why, not hashing.
    engine(
        &mut app,
        TransferEvent::Hashing {
            id: JobId(1),
            bytes_hashed: 0,
            bytes_total: 2_600_000_000,
        },
    );
    engine(&mut app, TransferEvent::Paused { id: JobId(1) });
    assert_eq!(app.transfers.jobs[&JobId(1)].hashing, None);
}

/// `L` in the files pane, answered with `files`; the bucket it listed.
fn list_unfinished(app: &mut App, files: Vec<FileVersion>) -> b2tui::worker::transfer::BucketRef {
    let cmds = transfer_cmds(app.send(key('L')));
    let [TransferCommand::ListUnfinished { req, bucket }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    let bucket = bucket.clone();
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::UnfinishedListed { req: *req, files },
    )));
    bucket
}

/// `L` then the unfinished `backups/disk.img` listed; the resume prompt open.
fn resume_prompt(app: &mut App) -> String {
    let mut big = file("backups/disk.img", 0);
    big.action = FileAction::Start;
    list_unfinished(app, vec![big]);
    app.send(key('r'));
    let TransferModal::Path(p) = top(app) else {
        panic!()
    };
    p.input.value().to_owned()
}

#[test]
fn resume_offers_the_file_this_session_uploaded() {
    let mut app = browsing();
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                1,
                JobKind::Upload,
                "/data/exports/disk.img",
                "b2://photos-2026/backups/disk.img",
                900_000_000,
            ),
        },
    );
    engine(&mut app, TransferEvent::Cancelled { id: JobId(1) });
    // Cleared from the job table, still known to the session.
    app.transfers.jobs.clear();
    assert_eq!(resume_prompt(&mut app), "/data/exports/disk.img");
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    assert!(matches!(
        &cmds[..],
        [TransferCommand::UploadAs { local, .. }]
            if local == &PathBuf::from("/data/exports/disk.img")
    ));
}

#[test]
fn a_resume_that_cannot_start_replaces_resuming_with_why() {
    let mut app = browsing();
    assert_eq!(resume_prompt(&mut app), "/home/me/disk.img");
    let cmds = transfer_cmds(app.send(code(KeyCode::Enter)));
    let note = app.notification.as_ref().unwrap();
    assert!(note.text.starts_with("Resuming"), "{}", note.text);
    app.send(Msg::Worker(WorkerEvent::Transfer(
        TransferNote::NotStarted {
            req: cmds[0].req(),
            error: Failure::Local("/home/me/disk.img: No such file or directory".into()),
        },
    )));
    let note = app.notification.as_ref().unwrap();
    assert!(!note.text.contains("Resuming"), "{}", note.text);
    assert!(note.text.contains("No such file"), "{}", note.text);
}

#[test]
fn a_resume_that_fails_replaces_resuming_with_why() {
    let mut app = browsing();
    resume_prompt(&mut app);
    app.send(code(KeyCode::Enter));
    engine(
        &mut app,
        TransferEvent::Queued {
            job: job(
                1,
                JobKind::Upload,
                "/home/me/disk.img",
                "b2://photos-2026/backups/disk.img",
                900_000_000,
            ),
        },
    );
    engine(&mut app, TransferEvent::Started { id: JobId(1) });
    let note = app.notification.as_ref().unwrap();
    assert!(note.text.starts_with("Resuming"), "{}", note.text);
    engine(
        &mut app,
        TransferEvent::Failed {
            id: JobId(1),
            error: Failure::Local("reading /home/me/disk.img: Input/output error".into()),
        },
    );
    let note = app.notification.as_ref().unwrap();
    assert!(!note.text.starts_with("Resuming"), "{}", note.text);
    assert!(note.text.contains("Input/output error"), "{}", note.text);
}

#[test]
fn unfinished_files_show_their_whole_start_time() {
    for (w, h) in [(100, 30), (80, 24)] {
        let mut app = browsing();
        app.send(Msg::Resize {
            width: w,
            height: h,
        });
        let mut big = file(
            "backups/2026/november/full-disk-image-of-the-workstation.img",
            0,
        );
        big.action = FileAction::Start;
        big.file_info.insert("src_size".into(), "2600000000".into());
        list_unfinished(&mut app, vec![big]);
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| ui::render(&app, f)).unwrap();
        let screen = rows(&term).join("\n");
        let started = format!("started {}", ui::format::time(T0));
        assert!(screen.contains(&started), "{w}x{h}:\n{screen}");
        assert!(screen.contains("2.6 GB"), "{w}x{h}:\n{screen}");
        assert!(
            screen.contains("backups/2026/november/"),
            "{w}x{h}:\n{screen}"
        );
        assert!(
            screen.contains('…'),
            "a cut name says so: {w}x{h}:\n{screen}"
        );
    }
}

/// The footer of the transfers view with job `id` under the cursor.
fn footer_for(app: &mut App, id: u64) -> String {
    app.send(key('g'));
    for _ in 0..app.transfers.jobs.len() {
        if app.transfers.selected().map(|j| j.id) == Some(JobId(id)) {
            break;
        }
        app.send(key('j'));
    }
    assert_eq!(app.transfers.selected().map(|j| j.id), Some(JobId(id)));
    rows(&draw(app)).last().cloned().unwrap_or_default()
}

#[test]
fn the_transfers_footer_offers_the_keys_of_the_job_under_the_cursor() {
    let mut app = browsing();
    with_jobs(&mut app);
    app.send(key('t'));
    // Running: cancel and pause; no retry.
    let running = footer_for(&mut app, 1);
    assert!(
        running.contains("c cancel") && running.contains("p pause"),
        "{running}"
    );
    assert!(!running.contains("r retry"), "{running}");
    // Done: nothing to cancel, pause or retry; clearing finished jobs is offered.
    let done = footer_for(&mut app, 2);
    assert!(
        !done.contains("c cancel") && !done.contains("p pause"),
        "{done}"
    );
    assert!(
        !done.contains("r retry") && done.contains("x clear"),
        "{done}"
    );
    // Failed: retry.
    let failed = footer_for(&mut app, 3);
    assert!(
        failed.contains("r retry") && !failed.contains("c cancel"),
        "{failed}"
    );
    // Paused: resume and cancel.
    let paused = footer_for(&mut app, 5);
    assert!(
        paused.contains("p resume") && paused.contains("c cancel"),
        "{paused}"
    );
    // Queued: cancel and pause.
    let queued = footer_for(&mut app, 6);
    assert!(
        queued.contains("c cancel") && queued.contains("p pause"),
        "{queued}"
    );
}
