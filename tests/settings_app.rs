//! Bucket settings in the app: update tests (keys in, commands out) and snapshots of the
//! settings view tabs, the lifecycle editor with a preset, a simulation result, a revision
//! conflict and a share link, on a 100×30 test terminal.

mod common;
use common::app::{Drive, code, key};
use std::collections::BTreeMap;

use b2tui::app::settings::{FormKind, SettingsModal, Tab};
use b2tui::app::{App, Effect, Modal, Msg};
use b2tui::b2::buckets::{BucketSettings, FileLockConfig, Readable};
use b2tui::b2::{AccountId, Bucket, BucketId, LifecycleRule, Secret};
use b2tui::lifecycle_sim::{self, EntryKind, SimEntry};
use b2tui::ui;
use b2tui::worker::settings::{SettingsCommand, SettingsEvent, ShareLink};
use b2tui::worker::{Command, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

// 2026-11-20 14:02:33 UTC
const T0: i64 = 1_795_183_353_123;
const DAY: i64 = 86_400_000;

fn settings(name: &str, revision: u64, rules: Vec<LifecycleRule>) -> BucketSettings {
    BucketSettings {
        bucket: Bucket {
            account_id: AccountId::from("3f2a9c1b7d00"),
            bucket_id: BucketId(format!("id-{name}")),
            bucket_name: name.to_owned(),
            bucket_type: "allPrivate".to_owned(),
            bucket_info: BTreeMap::from([("owner".to_owned(), "ops".to_owned())]),
            cors_rules: Vec::new(),
            lifecycle_rules: rules,
            options: vec!["s3".to_owned()],
            revision,
        },
        default_server_side_encryption: None,
        replication_configuration: None,
        file_lock_configuration: Some(Readable {
            is_client_authorized_to_read: true,
            value: Some(FileLockConfig::default()),
        }),
    }
}

fn rule(prefix: &str, hide: Option<u32>, delete: Option<u32>) -> LifecycleRule {
    LifecycleRule {
        file_name_prefix: prefix.to_owned(),
        days_from_uploading_to_hiding: hide,
        days_from_hiding_to_deleting: delete,
        days_from_starting_to_canceling_unfinished_large_files: None,
    }
}

fn settings_cmd(cmds: Vec<Command>) -> SettingsCommand {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    match cmds.into_iter().next() {
        Some(Command::Settings(c)) => c,
        other => panic!("expected a settings command, got {other:?}"),
    }
}

fn event(ev: SettingsEvent) -> Msg {
    Msg::Worker(WorkerEvent::Settings(Box::new(ev)))
}

fn app() -> App {
    let mut app = common::app::app();
    let req = app.begin()[0].req();
    let buckets: Vec<Bucket> = ["backups", "photos-2026"]
        .iter()
        .map(|n| settings(n, 1, Vec::new()).to_bucket())
        .collect();
    app.send(Msg::Worker(WorkerEvent::BucketsListed { req, buckets }));
    app.send(key('j'));
    app
}

/// The settings view of photos-2026, loaded at revision 4 with one rule.
fn opened() -> App {
    let mut app = app();
    let SettingsCommand::LoadBucket { req, bucket } = settings_cmd(app.send(key('B'))) else {
        panic!("B loads the bucket");
    };
    assert_eq!(bucket, BucketId::from("id-photos-2026"));
    app.send(event(SettingsEvent::BucketLoaded {
        req,
        bucket: settings("photos-2026", 4, vec![rule("logs/", Some(7), Some(1))]),
    }));
    app
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal.draw(|f| ui::render(app, f)).expect("draw");
    terminal
}

fn top(app: &App) -> &SettingsModal {
    match app.modals.last() {
        Some(Modal::Settings(m)) => m,
        other => panic!("expected a settings modal, got {other:?}"),
    }
}

#[test]
fn settings_view_tabs() {
    let mut app = opened();
    insta::assert_snapshot!("settings_info", draw(&app).backend());
    app.send(code(KeyCode::Tab));
    assert_eq!(app.view.settings().map(|v| v.tab), Some(Tab::Lifecycle));
    insta::assert_snapshot!("settings_lifecycle", draw(&app).backend());
    app.send(code(KeyCode::Esc));
    assert!(app.view.settings().is_none());
}

/// Adds a rule for `tmp/` with the "keep prior versions for N days" preset.
fn add_preset_rule(app: &mut App) {
    app.send(code(KeyCode::Tab));
    app.send(key('a'));
    for _ in 0..3 {
        app.send(code(KeyCode::Right)); // preset: custom → … → keep prior versions N days
    }
    app.send(code(KeyCode::Tab));
    for c in "tmp/".chars() {
        app.send(key(c));
    }
}

#[test]
fn lifecycle_preset_fills_the_form_and_saving_sends_if_revision_is() {
    let mut app = opened();
    add_preset_rule(&mut app);
    let SettingsModal::Form(form) = top(&app) else {
        panic!()
    };
    assert_eq!(form.kind, FormKind::LifecycleRule { index: None });
    assert_eq!((form.value(2), form.value(3)), ("", "30"));
    insta::assert_snapshot!("lifecycle_editor_preset", draw(&app).backend());
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    let view = app.view.settings().expect("view");
    assert_eq!(view.rules[1], rule("tmp/", None, Some(30)));
    assert!(view.is_dirty());
    app.send(key('w'));
    let SettingsModal::ConfirmRules { diff } = top(&app) else {
        panic!()
    };
    assert_eq!(diff.len(), 2, "{diff:?}");
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('y'))) else {
        panic!("y saves");
    };
    assert_eq!(update.if_revision_is, Some(4));
    assert_eq!(update.lifecycle_rules.map(|r| r.len()), Some(2));
}

#[test]
fn overlapping_prefix_is_refused_inline() {
    let mut app = opened();
    app.send(code(KeyCode::Tab));
    app.send(key('a'));
    app.send(code(KeyCode::Tab));
    for c in "logs/old/".chars() {
        app.send(key(c));
    }
    app.send(code(KeyCode::Tab));
    app.send(key('3'));
    app.send(code(KeyCode::Enter));
    let SettingsModal::Form(form) = top(&app) else {
        panic!("form stays open")
    };
    assert_eq!(form.errors.len(), 1);
    assert!(
        form.errors[0].message.contains("overlaps"),
        "{:?}",
        form.errors
    );
}

#[test]
fn simulation_result() {
    let mut app = opened();
    add_preset_rule(&mut app);
    app.send(code(KeyCode::Enter));
    app.send(key('S'));
    let SettingsCommand::SimulateLifecycle {
        req, days, rules, ..
    } = settings_cmd(app.send(code(KeyCode::Enter)))
    else {
        panic!("Enter starts the simulation");
    };
    assert_eq!(days, 30);
    app.send(event(SettingsEvent::SimulationProgressed {
        req,
        scanned: 1000,
    }));
    let entry = |name: &str, id: &str, ts: i64, size: u64| SimEntry {
        name: name.to_owned(),
        file_id: id.to_owned(),
        kind: EntryKind::Upload,
        timestamp: ts,
        size,
        retain_until: None,
        legal_hold: false,
    };
    let entries = [
        entry("logs/a.log", "l1", T0 - 9 * DAY, 4_000_000),
        entry("tmp/x", "x2", T0 - DAY, 1_000),
        entry("tmp/x", "x1", T0 - 40 * DAY, 2_500_000),
    ];
    let report = lifecycle_sim::simulate(&rules, &entries, T0, days);
    app.send(event(SettingsEvent::SimulationFinished { req, report }));
    insta::assert_snapshot!("simulation_result", draw(&app).backend());
    app.send(key('l'));
    insta::assert_snapshot!("simulation_list", draw(&app).backend());
}

#[test]
fn conflict_shows_their_change_and_keeps_the_draft() {
    let mut app = opened();
    add_preset_rule(&mut app);
    app.send(code(KeyCode::Enter));
    app.send(key('w'));
    let SettingsCommand::UpdateBucket { req, .. } = settings_cmd(app.send(key('y'))) else {
        panic!()
    };
    let theirs = settings("photos-2026", 5, vec![rule("logs/", Some(14), Some(1))]);
    app.send(event(SettingsEvent::BucketConflict {
        req,
        current: theirs,
    }));
    let SettingsModal::Conflict {
        from_revision,
        to_revision,
        ..
    } = top(&app)
    else {
        panic!()
    };
    assert_eq!((*from_revision, *to_revision), (4, 5));
    insta::assert_snapshot!("conflict_diff", draw(&app).backend());
    app.send(code(KeyCode::Enter));
    let view = app.view.settings().expect("view");
    assert_eq!(view.rules.len(), 2, "the draft is kept");
    assert_eq!(view.stored.as_ref().map(|s| s.revision), Some(5));
    app.send(key('w'));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('y'))) else {
        panic!()
    };
    assert_eq!(
        update.if_revision_is,
        Some(5),
        "the next save is based on their revision"
    );
}

#[test]
fn missing_capability_is_named_before_the_form() {
    let mut app = opened();
    app.set_capabilities(vec!["listBuckets".to_owned(), "listFiles".to_owned()]);
    app.send(code(KeyCode::Tab));
    app.send(key('a'));
    match app.modals.last() {
        Some(Modal::Error { message, .. }) => {
            assert!(message.contains("writeBuckets"), "{message}")
        }
        other => panic!("expected unavailable, got {other:?}"),
    }
}

#[test]
fn share_link_modal_copies_the_link() {
    let mut app = app();
    app.send(code(KeyCode::Enter)); // open photos-2026
    app.send(key('s'));
    let SettingsModal::Form(form) = top(&app) else {
        panic!("share form")
    };
    assert!(matches!(
        form.kind,
        FormKind::Share {
            is_folder: true,
            ..
        }
    ));
    let SettingsCommand::ShareLink {
        req, valid_seconds, ..
    } = settings_cmd(app.send(code(KeyCode::Enter)))
    else {
        panic!()
    };
    assert_eq!(valid_seconds, 86_400);
    let url = "http://127.0.0.1:8090/file/photos-2026/trips/alps.jpg?Authorization=3_20261120_tok";
    let pattern =
        "http://127.0.0.1:8090/file/photos-2026/trips/{name}?Authorization=3_20261120_tok";
    let copied = app.update(event(SettingsEvent::ShareLinkReady {
        req,
        link: ShareLink {
            url: url.into(),
            pattern: Some(pattern.into()),
            prefix: "trips/".into(),
            is_folder: true,
            valid_until: Some(T0 + DAY),
        },
    }));
    let clipboard = [Effect::Clipboard(Secret::new(url.to_owned()))];
    assert_eq!(copied.as_slice(), clipboard, "copied on arrival");
    insta::assert_snapshot!("share_link", draw(&app).backend());
    assert_eq!(app.update(key('c')).as_slice(), clipboard);
}
