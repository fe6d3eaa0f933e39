//! Deleting (hiding) files from the files pane: update tests (messages in, commands out)
//! and a snapshot of the confirmation on a 100×30 test terminal.

mod common;
mod restore_support;

use common::app::Drive;
use restore_support::*;

use b2tui::app::restore::RestoreModal;
use b2tui::app::{App, Modal, Msg};
use b2tui::b2::FileAction;
use b2tui::ui;
use b2tui::worker::restore::{Op, OpFailure, RestoreCommand, RestoreEvent};
use b2tui::worker::{Command, Failure, WorkerEvent};
use crossterm::event::KeyCode;

/// `photos-2026` opened, root listed.
fn browsing() -> App {
    browsing_with(vec![
        folder("trips/"),
        file("notes.txt", 2_048, T0 - DAY),
        file("report.txt", 1_200_000, T0),
        file("sunset.jpg", 4_830_000, T0 - 21 * DAY),
    ])
}

fn hide_ops(cmds: &[Command]) -> Vec<String> {
    match restore_cmd(cmds) {
        RestoreCommand::RunJob { ops, .. } => ops
            .iter()
            .map(|o| match o {
                Op::Hide { name } => name.clone(),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn d_asks_first_and_defaults_to_cancel() {
    let mut app = browsing();
    select(&mut app, "report.txt");
    assert!(
        app.send(key('D')).is_empty(),
        "nothing runs before the answer"
    );
    match app.modals.last() {
        Some(Modal::Restore(RestoreModal::ConfirmHide(c))) => {
            assert_eq!(c.names, vec!["report.txt".to_owned()]);
            assert!(!c.loading);
            assert!(!c.hide_chosen);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        app.send(code(KeyCode::Enter)).is_empty(),
        "Enter on the default cancels"
    );
    assert!(app.modals.is_empty());
    // Esc and n cancel too.
    app.send(key('D'));
    assert!(app.send(code(KeyCode::Esc)).is_empty());
    assert!(app.modals.is_empty());
    // Tab then Enter, or y: the job hides the file.
    app.send(key('D'));
    app.send(code(KeyCode::Tab));
    assert_eq!(
        hide_ops(&app.send(code(KeyCode::Enter))),
        vec!["report.txt"]
    );
    assert_eq!(app.restore.jobs.len(), 1);
    assert_eq!(app.restore.jobs[0].what, "delete report.txt");
}

#[test]
fn marked_files_are_hidden_together_and_the_folder_reloads() {
    let mut app = browsing();
    select(&mut app, "notes.txt");
    app.send(key(' '));
    select(&mut app, "sunset.jpg");
    app.send(key(' '));
    assert!(app.send(key('D')).is_empty());
    match app.modals.last() {
        Some(Modal::Restore(RestoreModal::ConfirmHide(c))) => {
            assert_eq!(c.names, vec!["notes.txt", "sunset.jpg"]);
        }
        other => panic!("{other:?}"),
    }
    let cmds = app.send(key('y'));
    assert_eq!(hide_ops(&cmds), vec!["notes.txt", "sunset.jpg"]);
    let job = restore_cmd(&cmds).req();
    assert!(app.restore.marks.is_empty(), "marks are used up");
    let cmds = app.send(ev(RestoreEvent::JobFinished {
        job,
        succeeded: 1,
        failures: vec![OpFailure {
            name: "sunset.jpg".into(),
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
            .any(|c| matches!(c, Command::ListFiles { prefix, .. } if prefix.is_empty())),
        "the folder is listed again: {cmds:?}"
    );
    match app.modals.last() {
        Some(Modal::Error { title, message }) => {
            assert!(title.contains("delete 2 files"), "{title}");
            assert!(message.contains("1 succeeded, 1 failed"), "{message}");
            assert!(message.contains("sunset.jpg: unauthorized"), "{message}");
            assert!(message.contains("writeFiles"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_folder_is_listed_before_the_question() {
    let mut app = browsing();
    select(&mut app, "trips/");
    let cmds = app.send(key('D'));
    let req = match restore_cmd(&cmds) {
        RestoreCommand::ListVisible { req, prefixes, .. } => {
            assert_eq!(prefixes, &vec!["trips/".to_owned()]);
            *req
        }
        other => panic!("{other:?}"),
    };
    // Not listed yet: `y` waits.
    assert!(app.send(key('y')).is_empty());
    assert!(matches!(
        app.modals.last(),
        Some(Modal::Restore(RestoreModal::ConfirmHide(_)))
    ));
    app.send(ev(RestoreEvent::VisibleListed {
        req,
        names: vec!["trips/a.jpg".into(), "trips/b.jpg".into()],
        done: false,
    }));
    app.send(ev(RestoreEvent::VisibleListed {
        req,
        names: vec!["trips/rome/c.jpg".into()],
        done: true,
    }));
    let cmds = app.send(key('y'));
    assert_eq!(
        hide_ops(&cmds),
        vec!["trips/a.jpg", "trips/b.jpg", "trips/rome/c.jpg"]
    );
    assert_eq!(app.restore.jobs[0].what, "delete 3 files in trips/");
}

#[test]
fn a_failed_folder_listing_closes_the_question() {
    let mut app = browsing();
    select(&mut app, "trips/");
    let req = restore_cmd(&app.send(key('D'))).req();
    app.send(Msg::Worker(WorkerEvent::failed(
        req,
        &b2tui::b2::B2Error::Api {
            status: 401,
            code: "unauthorized".into(),
            message: "no listFiles".into(),
            retry_after: None,
            call: None,
        },
    )));
    assert!(
        !app.modals
            .iter()
            .any(|m| matches!(m, Modal::Restore(RestoreModal::ConfirmHide(_)))),
        "{:?}",
        app.modals
    );
}

#[test]
fn hidden_files_and_the_past_are_left_alone() {
    let mut app = browsing();
    let req = restore_cmd(&app.send(key('H'))).req();
    app.send(ev(RestoreEvent::FolderListed {
        req,
        entries: vec![
            version("old.txt", FileAction::Hide, 0, T0 - DAY, "hide-1"),
            file("report.txt", 1_200_000, T0),
        ],
        done: true,
    }));
    select(&mut app, "old.txt");
    assert!(app.send(key('D')).is_empty());
    assert!(app.modals.is_empty(), "already hidden: no question");
    // Browsing the past: nothing to delete there.
    app.send(key('T'));
    for c in "2026-11-01".chars() {
        app.send(key(c));
    }
    let req = restore_cmd(&app.send(code(KeyCode::Enter))).req();
    assert!(app.restore.as_of.is_some());
    app.send(ev(RestoreEvent::FolderListed {
        req,
        entries: vec![file("report.txt", 1_000, T0 - 30 * DAY)],
        done: true,
    }));
    select(&mut app, "report.txt");
    assert!(app.send(key('D')).is_empty());
    assert!(app.modals.is_empty(), "no question in the past");
}

#[test]
fn snapshot_hide_confirmation() {
    let mut app = browsing();
    select(&mut app, "trips/");
    let req = restore_cmd(&app.send(key('D'))).req();
    let names: Vec<String> = (1..=20).map(|i| format!("trips/day-{i:02}.jpg")).collect();
    app.send(ev(RestoreEvent::VisibleListed {
        req,
        names,
        done: true,
    }));
    insta::assert_snapshot!("hide_confirm", draw(&app).backend());
}

#[test]
fn help_lists_the_key() {
    let mut app = browsing();
    app.send(key('?'));
    let term = draw(&app);
    let text: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(!text.is_empty());
    let help = ui::modal::help_lines(&app)
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(help.contains("delete (hide)"), "{help}");
    assert!(help.contains("Delete (hide) files"), "{help}");
}
