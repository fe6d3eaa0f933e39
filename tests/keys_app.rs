//! Keys view flow: feed `Msg`s to `App::update` (list paging, the create form with presets
//! and validation, the one-time secret, delete confirmations) and render snapshots.

mod common;
use common::app::{Drive, code, key, screen, session};
use std::collections::BTreeMap;

use b2tui::app::keys::{CurrentKey, FormField, KeysModal};
use b2tui::app::{App, Effect, Modal, Msg, SessionInfo, View};
use b2tui::b2::{AccountId, ApplicationKey, Bucket, BucketId, CreatedKey, Secret};
use b2tui::ui;
use b2tui::worker::{Command, Failure, KeyCommand, KeysEvent, RequestId, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

// 2026-11-20 14:02:33 UTC
const NOW: i64 = 1_795_183_353_123;
const DAY: i64 = 86_400_000;
const SECRET: &str = "K004FAKEfakeFAKEfakeFAKEfake12";

fn all_caps() -> Vec<String> {
    b2tui::app::keys::caps::ALL_CAPABILITIES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}

fn app_with(current: CurrentKey) -> App {
    let mut app = common::app::app_with(SessionInfo {
        key: current,
        ..session()
    });
    let req = app.begin()[0].req();
    let bucket = |name: &str| Bucket {
        account_id: AccountId::from("3f2a9c1b7d00"),
        bucket_id: BucketId(format!("id-{name}")),
        bucket_name: name.to_owned(),
        bucket_type: "allPrivate".to_owned(),
        bucket_info: BTreeMap::new(),
        cors_rules: Vec::new(),
        lifecycle_rules: Vec::new(),
        options: Vec::new(),
        revision: 1,
    };
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: vec![bucket("backups"), bucket("photos")],
    }));
    app
}

fn master() -> CurrentKey {
    CurrentKey {
        key_id: "3f2a9c1b7d00".to_owned(),
        capabilities: all_caps(),
        s3_api_url: Some("https://s3.us-west-004.backblazeb2.com".to_owned()),
        ..CurrentKey::default()
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(app.send(key(c)).is_empty());
    }
}

fn fixture_keys() -> Vec<ApplicationKey> {
    let mut ha = ApplicationKey::new(
        "0043f2a000000000000000001",
        "home-assistant",
        &[
            "listBuckets",
            "listFiles",
            "readFiles",
            "writeFiles",
            "deleteFiles",
        ],
        &["id-backups"],
    );
    ha.name_prefix = Some("ha/".to_owned());
    ha.expiration_timestamp = Some(NOW + 3 * DAY);
    let mut mage = ApplicationKey::new(
        "0043f2a000000000000000002",
        "mage",
        &["listBuckets", "writeFiles"],
        &["id-backups"],
    );
    mage.name_prefix = Some("ha/mage/".to_owned());
    let mut old = ApplicationKey::new(
        "0043f2a000000000000000003",
        "old-laptop",
        &["listBuckets", "listFiles", "readFiles"],
        &[],
    );
    old.expiration_timestamp = Some(NOW - DAY);
    vec![ha, mage, old]
}

/// The Keys view with the fixture keys loaded (in two pages).
fn keys_view(current: CurrentKey) -> App {
    let mut app = app_with(current);
    let cmds = app.send(key('K'));
    assert_eq!(app.view, View::Keys);
    let req = match cmds.as_slice() {
        [Command::Keys(KeyCommand::ListKeys { req })] => *req,
        other => panic!("expected ListKeys, got {other:?}"),
    };
    let mut keys = fixture_keys();
    let last = keys.split_off(2);
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeysListed {
        req,
        keys,
        done: false,
        now_ms: NOW,
    })));
    assert_eq!(app.keys.pending, Some(req), "more pages coming");
    assert_eq!(app.keys.keys.len(), 2, "the first page shows at once");
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeysListed {
        req,
        keys: last,
        done: true,
        now_ms: NOW,
    })));
    app
}

fn render(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| ui::render(app, f)).unwrap();
    t
}

fn form(app: &App) -> &b2tui::app::keys::KeyForm {
    match app.modals.last() {
        Some(Modal::Keys(m)) => match m.as_ref() {
            KeysModal::Form(f) => f,
            other => panic!("expected the form, got {other:?}"),
        },
        other => panic!("expected the form, got {other:?}"),
    }
}

#[test]
fn pages_merge_and_a_stale_page_is_dropped() {
    let mut app = keys_view(master());
    assert_eq!(app.keys.keys.len(), 3);
    assert!(app.keys.loaded && app.keys.pending.is_none());
    // A repeated key from the v4 listing is not shown twice; an old request is ignored.
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeysListed {
        req: RequestId(999),
        keys: fixture_keys(),
        done: true,
        now_ms: NOW,
    })));
    assert_eq!(app.keys.keys.len(), 3);
    let cmds = app.send(key('R'));
    assert!(matches!(
        cmds[..],
        [Command::Keys(KeyCommand::ListKeys { .. })]
    ));
    app.send(code(KeyCode::Esc));
    assert_eq!(app.view, View::Browse);
}

#[test]
fn snapshot_keys_view() {
    let mut app = keys_view(master());
    app.send(key('j'));
    let t = render(&app);
    let text = screen(&t);
    assert!(text.contains("expired"));
    assert!(text.contains("soon"));
    assert!(text.contains("home-assistant also writes to backups / ha/mage/*"));
    insta::assert_snapshot!("keys_view", t.backend());
    // Expired keys are drawn in the error colour.
    let b = t.backend().buffer();
    let row = (0..30)
        .find(|y| {
            (0..100)
                .map(|x| b[(x, *y)].symbol())
                .collect::<String>()
                .contains("old-laptop")
        })
        .unwrap();
    let col = (0..100u16)
        .find(|x| {
            (*x..100)
                .map(|x| b[(x, row)].symbol())
                .collect::<String>()
                .starts_with("2026-11-19")
        })
        .unwrap();
    assert_eq!(b[(col, row)].fg, app.theme.error.fg.unwrap());
}

#[test]
fn form_validates_every_field_before_sending() {
    let mut app = keys_view(master());
    app.send(key('n'));
    type_text(&mut app, "bad name!");
    app.send(code(KeyCode::Tab)); // preset
    app.send(code(KeyCode::Tab)); // capabilities
    app.send(code(KeyCode::Tab)); // buckets
    app.send(key(' ')); // backups
    app.send(code(KeyCode::Tab)); // prefix
    app.send(code(KeyCode::Tab)); // lifetime
    type_text(&mut app, "1000d");
    app.send(code(KeyCode::Up)); // back to the prefix
    assert_eq!(form(&app).focus, FormField::Prefix);
    app.send(code(KeyCode::Down));
    let cmds = app.send(code(KeyCode::Enter));
    assert!(cmds.is_empty(), "nothing is sent: {cmds:?}");
    let f = form(&app);
    let fields: Vec<FormField> = f.errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            FormField::Name,
            FormField::Capabilities,
            FormField::Lifetime
        ]
    );
    insta::assert_snapshot!("key_form_errors", render(&app).backend());
}

#[test]
fn presets_respect_the_current_keys_scope() {
    // A key restricted to one bucket and a prefix, without deleteFiles.
    let current = CurrentKey {
        key_id: "0043f2a000000000000000009".to_owned(),
        capabilities: [
            "listBuckets",
            "listFiles",
            "readFiles",
            "writeFiles",
            "writeKeys",
        ]
        .map(str::to_owned)
        .to_vec(),
        bucket_id: Some(BucketId::from("id-photos")),
        bucket_name: Some("photos".to_owned()),
        name_prefix: Some("team/".to_owned()),
        ..CurrentKey::default()
    };
    let mut app = keys_view(current);
    app.send(key('n'));
    let f = form(&app);
    assert_eq!(f.buckets.len(), 1);
    assert!(f.buckets[0].checked, "the bucket is fixed");
    assert_eq!(f.prefix.value(), "team/");
    assert_eq!(f.reason("deleteFiles"), Some("your key lacks it"));
    assert_eq!(
        f.reason("writeKeys"),
        Some("account-level: not with buckets")
    );
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // read-only
    app.send(code(KeyCode::Right)); // write-only
    app.send(code(KeyCode::Right)); // read and write, minus what is unavailable
    let f = form(&app);
    assert_eq!(
        f.capabilities,
        ["listBuckets", "listFiles", "readFiles", "writeFiles"]
    );
    // Toggling an unavailable capability explains why instead.
    app.send(code(KeyCode::Tab));
    app.send(key(' ')); // listKeys
    assert!(
        form(&app).errors[0]
            .message
            .contains("listKeys: your key lacks it")
    );
    app.send(code(KeyCode::Tab)); // buckets
    app.send(code(KeyCode::Tab)); // prefix
    app.send(code(KeyCode::End));
    type_text(&mut app, "ha");
    app.send(code(KeyCode::Tab));
    type_text(&mut app, "30d");
    app.send(code(KeyCode::BackTab));
    app.send(code(KeyCode::BackTab));
    app.send(code(KeyCode::BackTab));
    app.send(code(KeyCode::BackTab));
    app.send(code(KeyCode::BackTab));
    type_text(&mut app, "photos-rw");
    let cmds = app.send(code(KeyCode::Enter));
    let [Command::Keys(KeyCommand::CreateKey { request, .. })] = cmds.as_slice() else {
        panic!("expected CreateKey, got {cmds:?}");
    };
    assert_eq!(request.key_name, "photos-rw");
    assert_eq!(request.bucket_ids, [BucketId::from("id-photos")]);
    assert_eq!(request.name_prefix.as_deref(), Some("team/ha"));
    assert_eq!(request.valid_duration_secs, Some(30 * 86_400));
    assert!(
        app.send(code(KeyCode::Enter)).is_empty(),
        "no double submit"
    );
}

/// Creates a key through the form and the worker's answer; returns the app with the
/// secret modal open.
fn created() -> App {
    let mut app = keys_view(master());
    app.send(key('n'));
    type_text(&mut app, "nas-backup");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Left)); // S3-compatible
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    app.send(key(' ')); // backups
    app.send(code(KeyCode::Tab));
    type_text(&mut app, "nas/");
    let cmds = app.send(code(KeyCode::Enter));
    let [Command::Keys(KeyCommand::CreateKey { req, request })] = cmds.as_slice() else {
        panic!("expected CreateKey, got {cmds:?}");
    };
    assert!(
        request
            .capabilities
            .contains(&"listAllBucketNames".to_owned())
    );
    let caps: Vec<&str> = request.capabilities.iter().map(String::as_str).collect();
    let mut key = ApplicationKey::new(
        "0043f2a000000000000000004",
        "nas-backup",
        &caps,
        &["id-backups"],
    );
    key.name_prefix = Some("nas/".to_owned());
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeyCreated {
        req: *req,
        key: Box::new(CreatedKey {
            key,
            secret: Secret::new(SECRET),
        }),
        now_ms: NOW,
    })));
    app
}

#[test]
fn the_secret_is_shown_once_copied_on_request_and_dropped_on_close() {
    let mut app = created();
    assert!(
        matches!(app.modals.last(), Some(Modal::Keys(m)) if matches!(m.as_ref(), KeysModal::Secret(_)))
    );
    assert!(screen(&render(&app)).contains(SECRET));
    assert!(!format!("{app:?}").contains(SECRET), "Debug of the app");
    let fx = app.update(key('s'));
    let [Effect::Clipboard(text)] = fx.as_slice() else {
        panic!("expected a clipboard effect, got {fx:?}");
    };
    assert_eq!(text.expose(), SECRET);
    assert!(!format!("{fx:?}").contains(SECRET), "Debug of the effect");
    let fx = app.update(key('y'));
    assert!(
        matches!(fx.as_slice(), [Effect::Clipboard(text)] if text.expose().contains("B2_APPLICATION_KEY="))
    );
    app.send(code(KeyCode::Tab)); // rclone
    app.send(code(KeyCode::Tab)); // AWS CLI
    insta::assert_snapshot!("key_secret_modal", render(&app).backend());
    app.send(code(KeyCode::Enter));
    assert!(
        !app.modals.is_empty(),
        "Enter does not close the secret by accident"
    );
    app.send(code(KeyCode::Esc));
    assert!(app.modals.is_empty());
    assert!(!screen(&render(&app)).contains(SECRET));
    assert!(app.keys.keys.iter().any(|k| k.key_name == "nas-backup"));
}

#[test]
fn a_server_refusal_stays_in_the_form() {
    let mut app = keys_view(master());
    app.send(key('n'));
    type_text(&mut app, "x");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right));
    let cmds = app.send(code(KeyCode::Enter));
    let req = cmds[0].req();
    app.send(Msg::Worker(WorkerEvent::Keys(
        KeysEvent::KeyRequestFailed {
            req,
            error: Failure::B2 {
                status: 401,
                code: "unauthorized".to_owned(),
                message: "unauthorized: cannot grant readFiles".to_owned(),
            },
        },
    )));
    let f = form(&app);
    assert!(f.pending.is_none());
    assert!(f.server_error.as_deref().unwrap().contains("cannot grant"));
}

#[test]
fn delete_asks_first_and_defaults_to_cancel() {
    let mut app = keys_view(master());
    app.send(key('D'));
    insta::assert_snapshot!("key_delete_confirm", render(&app).backend());
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert!(app.modals.is_empty(), "Enter cancels");
    app.send(key('D'));
    let cmds = app.send(key('y'));
    let [Command::Keys(KeyCommand::DeleteKey { req, key_id })] = cmds.as_slice() else {
        panic!("expected DeleteKey, got {cmds:?}");
    };
    assert_eq!(key_id, "0043f2a000000000000000001");
    let deleted = app.keys.keys[0].clone();
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeyDeleted {
        req: *req,
        key: Box::new(deleted),
    })));
    assert_eq!(app.keys.keys.len(), 2);
    assert!(!app.keys.revoked);
}

#[test]
fn deleting_the_key_in_use_needs_its_name_then_stops_everything() {
    let current = CurrentKey {
        key_id: "0043f2a000000000000000002".to_owned(),
        capabilities: all_caps(),
        ..CurrentKey::default()
    };
    let mut app = keys_view(current);
    app.send(key('j'));
    assert!(screen(&render(&app)).contains("● b2tui uses 0043f2a000000000000000002"));
    app.send(key('D'));
    assert!(app.send(key('y')).is_empty(), "a second step follows");
    type_text(&mut app, "mag");
    assert!(app.send(code(KeyCode::Enter)).is_empty(), "wrong name");
    type_text(&mut app, "e");
    let cmds = app.send(code(KeyCode::Enter));
    let [Command::Keys(KeyCommand::DeleteKey { req, .. })] = cmds.as_slice() else {
        panic!("expected DeleteKey, got {cmds:?}");
    };
    let deleted = app.keys.keys[1].clone();
    app.send(Msg::Worker(WorkerEvent::Keys(KeysEvent::KeyDeleted {
        req: *req,
        key: Box::new(deleted),
    })));
    assert!(app.keys.revoked);
    assert!(screen(&render(&app)).contains("has been deleted"));
    assert!(!app.update(key('j')).has_quit());
    assert!(app.update(key('q')).has_quit());
}

#[test]
fn a_key_without_list_keys_is_told_which_capability_is_missing() {
    let mut app = app_with(master());
    let cmds = app.send(key('K'));
    let [Command::Keys(KeyCommand::ListKeys { req })] = cmds.as_slice() else {
        panic!("expected ListKeys, got {cmds:?}");
    };
    let denied = Failure::B2 {
        status: 401,
        code: "unauthorized".to_owned(),
        message: "not entitled".to_owned(),
    };
    app.send(Msg::Worker(WorkerEvent::Keys(
        KeysEvent::KeyRequestFailed {
            req: *req,
            error: denied,
        },
    )));
    let Some(Modal::Error { message, .. }) = app.modals.last() else {
        panic!("expected an error, got {:?}", app.modals);
    };
    assert!(
        message.contains("B2 answered unauthorized: not entitled"),
        "{message}"
    );
    assert!(
        message.contains("lacks the listKeys capability"),
        "{message}"
    );
    assert!(
        !message.contains("press R"),
        "retrying cannot help: {message}"
    );
    assert!(
        !message.contains("Press R"),
        "retrying cannot help: {message}"
    );
    // A passing failure still offers the retry.
    app.send(code(KeyCode::Esc));
    let cmds = app.send(key('R'));
    let [Command::Keys(KeyCommand::ListKeys { req })] = cmds.as_slice() else {
        panic!("R lists again, got {cmds:?}");
    };
    app.send(Msg::Worker(WorkerEvent::Keys(
        KeysEvent::KeyRequestFailed {
            req: *req,
            error: Failure::Network("connection reset".to_owned()),
        },
    )));
    let Some(Modal::Error { message, .. }) = app.modals.last() else {
        panic!("expected an error");
    };
    assert!(message.contains("Press R to try again"), "{message}");
}

#[test]
fn the_secret_dialog_fits_an_80_by_24_terminal() {
    let app = created();
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| ui::render(&app, f)).unwrap();
    let shown = screen(&term);
    assert!(
        shown.contains(SECRET),
        "the whole secret is on screen:\n{shown}"
    );
    assert!(
        shown.contains("y copy settings"),
        "its keys are on screen:\n{shown}"
    );
}
