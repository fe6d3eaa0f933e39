//! The Replication tab of bucket settings in the app: the stored rules and key mapping
//! drawn (snapshot), a rule added through the form (its errors caught first), a rule
//! removed, and the whole configuration saved with `b2_update_bucket` (`ifRevisionIs`, the
//! destination side unchanged); the versions pane shows each version's status.

mod common;
mod restore_support;
use common::app::{Drive, code, ctrl, key, screen as screen_text};
use std::collections::BTreeMap;

use b2tui::app::settings::{SettingsModal, Tab};
use b2tui::app::{App, Modal, Msg};
use b2tui::b2::buckets::{BucketSettings, Readable};
use b2tui::b2::replication::{
    ReplicationConfig, ReplicationDestination, ReplicationRule, ReplicationSource,
    ReplicationStatus,
};
use b2tui::b2::{AccountId, Bucket, BucketId};
use b2tui::ui;
use b2tui::worker::settings::{SettingsCommand, SettingsEvent};
use b2tui::worker::{Command, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const T0: i64 = 1_795_183_353_123;

fn config() -> ReplicationConfig {
    ReplicationConfig {
        as_replication_source: Some(ReplicationSource {
            source_application_key_id: "003src0000000000000000001".to_owned(),
            replication_rules: vec![ReplicationRule {
                replication_rule_name: "to-backups".to_owned(),
                destination_bucket_id: "id-backups".to_owned(),
                file_name_prefix: "raw/".to_owned(),
                priority: 128,
                is_enabled: true,
                include_existing_files: false,
            }],
        }),
        as_replication_destination: Some(ReplicationDestination {
            source_to_destination_key_mapping: BTreeMap::from([(
                "003other000000000000000009".to_owned(),
                "003dst0000000000000000002".to_owned(),
            )]),
        }),
    }
}

fn settings(name: &str, revision: u64, replication: Option<ReplicationConfig>) -> BucketSettings {
    BucketSettings {
        bucket: Bucket {
            account_id: AccountId::from("3f2a9c1b7d00"),
            bucket_id: BucketId(format!("id-{name}")),
            bucket_name: name.to_owned(),
            bucket_type: "allPrivate".to_owned(),
            bucket_info: BTreeMap::new(),
            cors_rules: Vec::new(),
            lifecycle_rules: Vec::new(),
            options: vec!["s3".to_owned()],
            revision,
        },
        default_server_side_encryption: None,
        file_lock_configuration: None,
        replication_configuration: Some(Readable {
            is_client_authorized_to_read: replication.is_some(),
            value: replication,
        }),
    }
}

fn settings_cmd(cmds: Vec<Command>) -> SettingsCommand {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    match cmds.into_iter().next() {
        Some(Command::Settings(c)) => c,
        other => panic!("expected a settings command, got {other:?}"),
    }
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(key(c));
    }
}

/// The Replication tab of photos-2026 (revision 4) with `replication` stored.
fn opened(replication: Option<ReplicationConfig>) -> App {
    let mut app = common::app::app();
    app.send(Msg::WallClock { unix_ms: T0 });
    let req = app.begin()[0].req();
    let buckets: Vec<Bucket> = ["backups", "photos-2026", "archive"]
        .iter()
        .map(|n| settings(n, 1, None).to_bucket())
        .collect();
    app.send(Msg::Worker(WorkerEvent::BucketsListed { req, buckets }));
    app.send(key('j'));
    let SettingsCommand::LoadBucket { req, .. } = settings_cmd(app.send(key('B'))) else {
        panic!("B loads the bucket");
    };
    app.send(Msg::Worker(WorkerEvent::Settings(Box::new(
        SettingsEvent::BucketLoaded {
            req,
            bucket: settings("photos-2026", 4, replication),
        },
    ))));
    while app.view.settings().map(|v| v.tab) != Some(Tab::Replication) {
        app.send(code(KeyCode::Tab));
    }
    app
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal.draw(|f| ui::render(app, f)).expect("draw");
    terminal
}

fn form_errors(app: &App) -> Vec<usize> {
    match app.modals.last() {
        Some(Modal::Settings(m)) => match m.as_ref() {
            SettingsModal::Form(f) => f.errors.iter().map(|e| e.field).collect(),
            other => panic!("expected a form, got {other:?}"),
        },
        other => panic!("expected a settings modal, got {other:?}"),
    }
}

#[test]
fn replication_tab_shows_rules_and_key_mapping() {
    let app = opened(Some(config()));
    let terminal = draw(&app);
    let text = screen_text(&terminal);
    assert!(text.contains("to-backups"), "{text}");
    assert!(text.contains("backups"), "{text}");
    assert!(text.contains("003src0000000000000000001"), "{text}");
    insta::assert_snapshot!("replication_tab", terminal.backend());
}

#[test]
fn adding_a_rule_sends_the_whole_configuration() {
    let mut app = opened(Some(config()));
    app.send(key('a'));
    // The source key is kept from the stored configuration; the rest is checked.
    typed(&mut app, "bad name");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "nosuchbucket");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    for _ in 0..3 {
        app.send(code(KeyCode::Backspace));
    }
    typed(&mut app, "0");
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert_eq!(form_errors(&app), vec![0, 1, 3]);
    insta::assert_snapshot!("replication_rule_form_errors", draw(&app).backend());

    let mut app = opened(Some(config()));
    app.send(key('a'));
    typed(&mut app, "to-archive");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "archive");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "docs/");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // existing files: yes
    assert!(
        app.send(code(KeyCode::Enter)).is_empty(),
        "nothing sent before w"
    );
    assert!(app.modals.is_empty(), "{:?}", app.modals);
    assert!(screen_text(&draw(&app)).contains("Unsaved: 2 rules here, 1 stored"));

    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('w'))) else {
        panic!("w saves");
    };
    assert_eq!(update.if_revision_is, Some(4));
    assert_eq!(update.bucket_id, BucketId::from("id-photos-2026"));
    let sent = update
        .replication_configuration
        .clone()
        .expect("replication sent");
    let rules = sent.rules();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[1].replication_rule_name, "to-archive");
    assert_eq!(rules[1].destination_bucket_id, "id-archive");
    assert_eq!(rules[1].file_name_prefix, "docs/");
    assert_eq!(rules[1].priority, 128);
    assert!(rules[1].is_enabled && rules[1].include_existing_files);
    assert_eq!(sent.source_key(), Some("003src0000000000000000001"));
    assert_eq!(
        sent.as_replication_destination,
        config().as_replication_destination
    );
    // The JSON B2 gets.
    let json = serde_json::to_value(&update).expect("json");
    assert_eq!(
        json["replicationConfiguration"]["asReplicationSource"]["replicationRules"][1]["includeExistingFiles"],
        true
    );
    // A third rule is more than B2 allows.
    app.send(key('a'));
    assert!(app.modals.is_empty());
}

#[test]
fn removing_the_last_rule_keeps_the_destination_side() {
    let mut app = opened(Some(config()));
    app.send(key('d'));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('w'))) else {
        panic!("w saves");
    };
    let sent = update.replication_configuration.expect("replication sent");
    assert!(sent.rules().is_empty());
    assert_eq!(
        sent.as_replication_destination,
        config().as_replication_destination
    );
}

#[test]
fn a_key_without_read_replications_sees_why() {
    let mut app = opened(None);
    let text = screen_text(&draw(&app));
    assert!(text.contains("not readable"), "{text}");
    assert!(app.send(key('a')).is_empty());
    assert!(app.modals.is_empty() || matches!(app.modals.last(), Some(Modal::Error { .. })));
    assert!(app.send(key('w')).is_empty(), "nothing to save");
}

#[test]
fn versions_pane_and_details_show_the_replication_status() {
    use restore_support::{DAY, HOUR, browsing_with, file, select};
    let mut app = browsing_with(vec![file("report.txt", 1_200_000, restore_support::T0)]);
    select(&mut app, "report.txt");
    let cmds = app.send(Msg::Tick {
        now: std::time::Instant::now(),
    });
    let req = cmds[0].req();
    let status = |v: b2tui::b2::FileVersion, s: Option<ReplicationStatus>| b2tui::b2::FileVersion {
        replication_status: s,
        ..v
    };
    let t0 = restore_support::T0;
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: vec![
            status(
                file("report.txt", 1_200_000, t0),
                Some(ReplicationStatus::Pending),
            ),
            status(
                file("report.txt", 1_100_000, t0 - HOUR),
                Some(ReplicationStatus::Failed),
            ),
            status(
                file("report.txt", 1_000_000, t0 - DAY),
                Some(ReplicationStatus::Completed),
            ),
            status(file("report.txt", 900_000, t0 - 2 * DAY), None),
        ],
        done: true,
    }));
    let terminal = restore_support::draw(&app);
    let text = screen_text(&terminal);
    for short in ["pend", "FAIL", "done"] {
        assert!(text.contains(short), "{short}: {text}");
    }
    insta::assert_snapshot!("replication_versions_pane", terminal.backend());
    app.send(code(KeyCode::Enter));
    app.send(key('j'));
    app.send(key('i'));
    let text = screen_text(&restore_support::draw(&app));
    assert!(
        text.contains("failed (the destination key could not write)"),
        "{text}"
    );
}

#[test]
fn the_key_mapping_form_saves_the_destination_side() {
    let mut app = opened(Some(config()));
    app.send(key('m'));
    // The stored line is there; a malformed one is refused.
    app.send(code(KeyCode::End));
    app.send(code(KeyCode::Enter));
    typed(&mut app, "justonekey");
    assert!(app.send(ctrl('s')).is_empty());
    let errors = form_errors(&app);
    assert_eq!(errors, vec![0]);
    insta::assert_snapshot!("replication_mapping_form", draw(&app).backend());
    for _ in 0.."justonekey".len() {
        app.send(code(KeyCode::Backspace));
    }
    typed(
        &mut app,
        "003src0000000000000000001 = 003mine00000000000000000003",
    );
    let cmds = app.send(ctrl('s'));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(cmds) else {
        panic!("the mapping is saved");
    };
    assert_eq!(update.if_revision_is, Some(4));
    let sent = update.replication_configuration.expect("replication sent");
    let mapping = sent
        .as_replication_destination
        .expect("destination side")
        .source_to_destination_key_mapping;
    assert_eq!(
        mapping,
        BTreeMap::from([
            (
                "003other000000000000000009".to_owned(),
                "003dst0000000000000000002".to_owned()
            ),
            (
                "003src0000000000000000001".to_owned(),
                "003mine00000000000000000003".to_owned()
            ),
        ])
    );
    // The source side goes back as shown.
    assert_eq!(sent.as_replication_source, config().as_replication_source);
}
