//! Versions and restore in the app: update tests (messages in, commands out) and render
//! snapshots on a 100×30 test terminal: hidden files, recently deleted, delete
//! confirmation, point-in-time header and the restore plan.

mod common;
mod restore_support;

use common::app::{Drive, rows};
use restore_support::*;

use b2tui::app::restore::RestoreModal;
use b2tui::app::{App, Focus, Modal, Msg};
use b2tui::b2::{FileAction, FileId};
use b2tui::worker::history::{HiddenFile, NameAt};
use b2tui::worker::restore::{Op, OpFailure, PlanScope, RestoreCommand, RestoreEvent};
use b2tui::worker::{Command, Failure, WorkerEvent};
use crossterm::event::KeyCode;

/// `photos-2026` opened, root listed.
fn browsing() -> App {
    browsing_with(vec![
        folder("trips/"),
        file("report.txt", 1_200_000, T0),
        file("sunset.jpg", 4_830_000, T0 - 21 * DAY),
    ])
}

fn with_hidden() -> App {
    let mut app = browsing();
    let cmds = app.send(key('H'));
    let req = match restore_cmd(&cmds) {
        RestoreCommand::ListFolder {
            req,
            at: None,
            prefix,
            ..
        } => {
            assert_eq!(prefix, "");
            *req
        }
        other => panic!("{other:?}"),
    };
    assert!(app.restore.show_hidden);
    app.send(ev(RestoreEvent::FolderListed {
        req,
        entries: vec![folder("trips/"), file("report.txt", 1_200_000, T0)],
        done: false,
    }));
    app.send(ev(RestoreEvent::FolderListed {
        req,
        entries: vec![
            version(
                "old-notes.txt",
                FileAction::Hide,
                0,
                T0 - 18 * DAY,
                "hide-1",
            ),
            file("sunset.jpg", 4_830_000, T0 - 21 * DAY),
        ],
        done: true,
    }));
    app
}

fn report_versions(app: &mut App) {
    select(app, "report.txt");
    app.send(Msg::Tick {
        now: std::time::Instant::now(),
    });
    let req = app.versions.pending.expect("versions requested");
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: vec![
            version("report.txt", FileAction::Upload, 1_200_000, T0, "v3"),
            version(
                "report.txt",
                FileAction::Upload,
                1_100_000,
                T0 - 28 * HOUR,
                "v2",
            ),
            version("report.txt", FileAction::Hide, 0, T0 - 2 * DAY, "h1"),
            version(
                "report.txt",
                FileAction::Upload,
                900_000,
                T0 - 19 * DAY,
                "v1",
            ),
        ],
        done: true,
    }));
    app.send(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Versions);
}

#[test]
fn hidden_files_show_and_unhide() {
    let mut app = with_hidden();
    assert_eq!(app.files.entries.len(), 4);
    assert!(app.files.pending.is_none(), "the last page arrived");
    select(&mut app, "old-notes.txt");
    let cmds = app.send(key('U'));
    match restore_cmd(&cmds) {
        RestoreCommand::RunJob { ops, .. } => {
            assert_eq!(
                ops,
                &vec![Op::Unhide {
                    name: "old-notes.txt".into()
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.restore.jobs.len(), 1);
    // A visible file is not hidden: nothing is sent.
    select(&mut app, "report.txt");
    assert!(app.send(key('U')).is_empty());
    // `..`-less root, folder row: the whole folder.
    select(&mut app, "trips/");
    match restore_cmd(&app.send(key('U'))) {
        RestoreCommand::RunJob { ops, .. } => {
            assert_eq!(
                ops,
                &vec![Op::UnhideFolder {
                    prefix: "trips/".into()
                }]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn marked_entries_unhide_together_and_jobs_report_failures() {
    let mut app = with_hidden();
    select(&mut app, "old-notes.txt");
    app.send(key(' '));
    select(&mut app, "trips/");
    app.send(key(' '));
    assert_eq!(app.restore.marks.len(), 2);
    let cmds = app.send(key('U'));
    let job = match restore_cmd(&cmds) {
        RestoreCommand::RunJob { job, ops, .. } => {
            assert_eq!(
                ops,
                &vec![
                    Op::Unhide {
                        name: "old-notes.txt".into()
                    },
                    Op::UnhideFolder {
                        prefix: "trips/".into()
                    },
                ]
            );
            *job
        }
        other => panic!("{other:?}"),
    };
    app.send(ev(RestoreEvent::JobProgressed {
        job,
        done: 1,
        total: 3,
        failed: 1,
    }));
    assert_eq!(app.restore.jobs[0].done, 1);
    let cmds = app.send(ev(RestoreEvent::JobFinished {
        job,
        succeeded: 2,
        failures: vec![OpFailure {
            name: "trips/x.jpg".into(),
            error: Failure::B2 {
                status: 401,
                code: "unauthorized".into(),
                message: "not allowed".into(),
            },
        }],
    }));
    assert!(app.restore.jobs.is_empty());
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::Restore(RestoreCommand::ListFolder { .. }))),
        "the folder is listed again: {cmds:?}"
    );
    match app.modals.last() {
        Some(Modal::Error { message, .. }) => {
            assert!(message.contains("2 succeeded, 1 failed"), "{message}");
            assert!(message.contains("trips/x.jpg: unauthorized"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn marking_a_file_moves_down_and_the_versions_pane_follows() {
    let mut app = browsing();
    select(&mut app, "report.txt");
    let shown = |app: &App| app.versions.target.as_ref().map(|t| t.file_name.clone());
    assert_eq!(shown(&app).as_deref(), Some("report.txt"));
    app.send(key(' '));
    assert!(app.restore.marks.contains("report.txt"));
    assert_eq!(app.files.selected_name(), Some("sunset.jpg"));
    assert_eq!(shown(&app).as_deref(), Some("sunset.jpg"));
    assert!(app.versions.wanted, "the new file's versions are asked for");
    // Marking the last row stays there: the pane still shows it.
    app.send(key(' '));
    assert_eq!(app.files.selected_name(), Some("sunset.jpg"));
    assert_eq!(shown(&app).as_deref(), Some("sunset.jpg"));
}

/// `movie.mkv`, a large file, selected and its two versions listed: the newest with a
/// `src_last_modified_millis` that parses, the older with one that does not.
fn large_file_versions() -> App {
    let mut app = browsing_with(vec![file("movie.mkv", 750_000_000, T0)]);
    select(&mut app, "movie.mkv");
    app.send(Msg::Tick {
        now: std::time::Instant::now(),
    });
    let req = app.versions.pending.expect("versions requested");
    let large = |id: &str, ts: i64, src: &str| {
        let mut v = version("movie.mkv", FileAction::Upload, 750_000_000, ts, id);
        // b2_list_file_versions: a large file's contentSha1 is "none".
        v.content_sha1 = Some("none".into());
        v.file_info
            .insert("large_file_sha1".into(), format!("{:a>40}", id));
        v.file_info
            .insert("src_last_modified_millis".into(), src.into());
        v
    };
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: vec![
            large("big2", T0, &(T0 - DAY).to_string()),
            large("big1", T0 - 3 * DAY, "yesterday-ish"),
        ],
        done: true,
    }));
    app.send(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Versions);
    app
}

#[test]
fn large_file_details_show_its_sha1_and_source_time() {
    let mut app = large_file_versions();
    app.send(key('i'));
    let term = draw(&app);
    let shown = rows(&term);
    let line = |label: &str| {
        shown
            .iter()
            .find(|r| r.contains(label))
            .unwrap_or_else(|| panic!("no {label} line:\n{}", shown.join("\n")))
            .clone()
    };
    let sha1 = line("SHA-1 ");
    assert!(
        sha1.contains(&format!("{:a>40} (large_file_sha1)", "big2")),
        "{sha1}"
    );
    assert!(!sha1.contains("none"), "{sha1}");
    // 2026-11-19 14:02 UTC, in the format of "uploaded".
    let src = line("src_last_modified_millis");
    assert!(src.contains("2026-11-19 14:02 UTC"), "{src}");
    assert!(!src.contains(&(T0 - DAY).to_string()), "{src}");
    assert!(line("uploaded").contains("2026-11-20 14:02 UTC"));
    insta::assert_snapshot!("restore_info_large_file", term.backend());

    // A value that is no number stays as it was.
    app.send(key('i'));
    app.send(key('j'));
    app.send(key('i'));
    let src = rows(&draw(&app))
        .into_iter()
        .find(|r| r.contains("src_last_modified_millis"))
        .expect("src line");
    assert!(src.contains("yesterday-ish"), "{src}");
}

#[test]
fn recently_deleted_lists_newest_hide_first_and_unhides() {
    let mut app = browsing();
    let cmds = app.send(key('W'));
    let req = match restore_cmd(&cmds) {
        RestoreCommand::ListHidden { req, prefix, .. } => {
            assert_eq!(prefix, "");
            *req
        }
        other => panic!("{other:?}"),
    };
    let hidden = |name: &str, at: i64| HiddenFile {
        name: name.into(),
        hidden_at: at,
        marker: FileId(format!("m-{name}")),
        last: Some(file(name, 2_000, at - DAY)),
    };
    app.send(ev(RestoreEvent::HiddenListed {
        req,
        files: vec![
            hidden("a.txt", T0 - 5 * DAY),
            hidden("docs/b.txt", T0 - DAY),
        ],
        done: false,
    }));
    app.send(ev(RestoreEvent::HiddenListed {
        req,
        files: vec![hidden("z.txt", T0 - 2 * DAY)],
        done: true,
    }));
    match app.modals.last() {
        Some(Modal::Restore(RestoreModal::Hidden(h))) => {
            let names: Vec<&str> = h.files.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, vec!["docs/b.txt", "z.txt", "a.txt"]);
            assert!(!h.loading);
        }
        other => panic!("{other:?}"),
    }
    insta::assert_snapshot!("restore_recently_deleted", draw(&app).backend());
    app.send(key(' '));
    app.send(key(' '));
    match restore_cmd(&app.send(key('U'))) {
        RestoreCommand::RunJob { ops, .. } => assert_eq!(
            ops,
            &vec![
                Op::Unhide {
                    name: "docs/b.txt".into()
                },
                Op::Unhide {
                    name: "z.txt".into()
                },
            ]
        ),
        other => panic!("{other:?}"),
    }
    assert!(app.modals.is_empty());
}

#[test]
fn restore_a_version_copies_it_back() {
    let mut app = browsing();
    report_versions(&mut app);
    // The current version: nothing to do.
    assert!(app.send(key('r')).is_empty());
    app.send(key('j'));
    app.send(key('j'));
    assert!(
        app.send(key('r')).is_empty(),
        "a hide marker is not restorable"
    );
    app.send(key('j'));
    match restore_cmd(&app.send(key('r'))) {
        RestoreCommand::RunJob { ops, .. } => match ops.as_slice() {
            [Op::Copy { name, source }] => {
                assert_eq!(name, "report.txt");
                assert_eq!(source.file_id, Some(FileId::from("v1")));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn delete_versions_asks_first_and_defaults_to_cancel() {
    let mut app = browsing();
    report_versions(&mut app);
    app.send(key(' ')); // mark v3 (current)
    app.send(key(' ')); // mark v2
    app.send(key('D'));
    match app.modals.last() {
        Some(Modal::Restore(RestoreModal::ConfirmDelete(c))) => {
            assert_eq!(c.doomed.len(), 2);
            assert!(c.current_goes);
            assert_eq!(
                c.next_newest.as_ref().map(|v| v.action),
                Some(FileAction::Hide)
            );
            assert!(!c.delete_chosen);
        }
        other => panic!("{other:?}"),
    }
    insta::assert_snapshot!("restore_delete_confirm", draw(&app).backend());
    assert!(
        app.send(code(KeyCode::Enter)).is_empty(),
        "Enter on the default cancels"
    );
    assert!(app.modals.is_empty());
    // All older versions: everything but the newest.
    app.send(key('X'));
    match restore_cmd(&app.send(key('y'))) {
        RestoreCommand::RunJob { ops, .. } => {
            let ids: Vec<&str> = ops
                .iter()
                .map(|o| match o {
                    Op::Delete { id, .. } => id.as_str(),
                    other => panic!("{other:?}"),
                })
                .collect();
            assert_eq!(ids, vec!["v2", "h1", "v1"]);
        }
        other => panic!("{other:?}"),
    }
}

/// In the past at 2026-11-01 08:00, root listed as it was then.
fn in_the_past() -> (App, i64) {
    let mut app = browsing();
    app.send(key('T'));
    for c in "2026-11-01 08:00".chars() {
        assert!(app.send(key(c)).is_empty());
    }
    let cmds = app.send(code(KeyCode::Enter));
    let at = 1_793_520_000_000;
    let req = match restore_cmd(&cmds) {
        RestoreCommand::ListFolder {
            req, at: Some(t), ..
        } => {
            assert_eq!(*t, at);
            *req
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(app.restore.as_of, Some(at));
    app.send(ev(RestoreEvent::FolderListed {
        req,
        entries: vec![
            folder("trips/"),
            file("report.txt", 900_000, at - DAY),
            file("sunset.jpg", 4_830_000, T0 - 21 * DAY),
        ],
        done: true,
    }));
    (app, at)
}

#[test]
fn point_in_time_parses_relative_times_and_leaves_with_esc() {
    let mut app = browsing();
    app.send(Msg::WallClock { unix_ms: T0 });
    app.send(key('T'));
    for c in "-3d".chars() {
        app.send(key(c));
    }
    app.send(code(KeyCode::Enter));
    assert_eq!(app.restore.as_of, Some(T0 - 3 * DAY));
    // A bad time keeps the prompt open with the error.
    app.send(key('T'));
    for _ in 0..20 {
        app.send(code(KeyCode::Backspace));
    }
    for c in "soon".chars() {
        app.send(key(c));
    }
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert!(matches!(
        app.modals.last(),
        Some(Modal::Restore(RestoreModal::TimePrompt(p))) if p.error.is_some()
    ));
    app.send(code(KeyCode::Esc));
    let cmds = app.send(code(KeyCode::Esc));
    assert_eq!(app.restore.as_of, None);
    assert!(matches!(cmds.as_slice(), [Command::ListFiles { .. }]));
}

#[test]
fn point_in_time_header_and_restore_plan() {
    let (mut app, at) = in_the_past();
    let term = draw(&app);
    insta::assert_snapshot!("restore_point_in_time", term.backend());
    let header: String = (0..100)
        .map(|x| term.backend().buffer()[(x, 0)].symbol().to_owned())
        .collect();
    assert!(header.contains("as of 2026-11-01 08:00"), "{header}");
    assert_eq!(
        term.backend().buffer()[(0, 1)].fg,
        app.theme.past.fg.unwrap(),
        "borders take the past colour"
    );

    // `r` on `..`-less root with nothing marked and a file selected: that file.
    select(&mut app, "report.txt");
    match restore_cmd(&app.send(key('r'))) {
        RestoreCommand::PlanRestore { scope, at: t, .. } => {
            assert_eq!(scope, &PlanScope::Names(vec!["report.txt".into()]));
            assert_eq!(*t, at);
        }
        other => panic!("{other:?}"),
    }
    app.send(key('n'));
    // The folder row: the whole folder.
    select(&mut app, "trips/");
    let req = match restore_cmd(&app.send(key('r'))) {
        RestoreCommand::PlanRestore { req, scope, .. } => {
            assert_eq!(scope, &PlanScope::Prefix("trips/".into()));
            *req
        }
        other => panic!("{other:?}"),
    };
    let names = vec![
        NameAt {
            name: "trips/a.jpg".into(),
            now: Some(file("trips/a.jpg", 2_000_000, T0)),
            then: Some(version(
                "trips/a.jpg",
                FileAction::Upload,
                1_500_000,
                at - DAY,
                "a-old",
            )),
        },
        NameAt {
            name: "trips/b.jpg".into(),
            now: None,
            then: Some(version(
                "trips/b.jpg",
                FileAction::Upload,
                700_000,
                at - 2 * DAY,
                "b-old",
            )),
        },
        NameAt {
            name: "trips/c.jpg".into(),
            now: Some(file("trips/c.jpg", 300_000, T0)),
            then: None,
        },
        NameAt {
            name: "trips/same.jpg".into(),
            now: Some(file("trips/same.jpg", 10, at - DAY)),
            then: Some(file("trips/same.jpg", 10, at - DAY)),
        },
    ];
    app.send(ev(RestoreEvent::PlanListed {
        req,
        names,
        done: true,
    }));
    match app.modals.last() {
        Some(Modal::Restore(RestoreModal::Plan(p))) => {
            let plan = &p.plan;
            assert_eq!((plan.copies(), plan.hides(), plan.left_alone()), (2, 0, 2));
            assert_eq!(plan.bytes_copied(), 2_200_000);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn restore_plan_modal_toggles_hiding_and_applies() {
    let (mut app, at) = in_the_past();
    select(&mut app, "trips/");
    let req = restore_cmd(&app.send(key('r'))).req();
    app.send(ev(RestoreEvent::PlanListed {
        req,
        names: vec![
            NameAt {
                name: "trips/a.jpg".into(),
                now: Some(file("trips/a.jpg", 2_000_000, T0)),
                then: Some(version(
                    "trips/a.jpg",
                    FileAction::Upload,
                    1_500_000,
                    at - DAY,
                    "a-old",
                )),
            },
            NameAt {
                name: "trips/c.jpg".into(),
                now: Some(file("trips/c.jpg", 300_000, T0)),
                then: None,
            },
        ],
        done: false,
    }));
    assert!(
        app.send(key('y')).is_empty(),
        "no apply while the plan is incomplete"
    );
    app.send(ev(RestoreEvent::PlanListed {
        req,
        names: vec![NameAt {
            name: "trips/same.jpg".into(),
            now: Some(file("trips/same.jpg", 10, at - DAY)),
            then: Some(file("trips/same.jpg", 10, at - DAY)),
        }],
        done: true,
    }));
    app.send(key('h'));
    insta::assert_snapshot!("restore_plan", draw(&app).backend());
    match restore_cmd(&app.send(key('y'))) {
        RestoreCommand::RunJob { ops, .. } => {
            assert_eq!(ops.len(), 2);
            assert!(
                matches!(&ops[0], Op::Copy { name, source } if name == "trips/a.jpg" && source.file_id == Some(FileId::from("a-old")))
            );
            assert_eq!(
                ops[1],
                Op::Hide {
                    name: "trips/c.jpg".into()
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn snapshot_hidden_files() {
    let mut app = with_hidden();
    select(&mut app, "sunset.jpg");
    app.send(key(' '));
    select(&mut app, "old-notes.txt");
    insta::assert_snapshot!("restore_hidden_files", draw(&app).backend());
}
