//! Bucket settings in the app, beyond lifecycle: the Notifications tab and rule form
//! (each validation error caught before sending), Object Lock (default retention, turning
//! it on, a version's legal hold and retention), CORS / bucket info JSON editing, and the
//! create and delete bucket flows. Snapshots on a 100×30 test terminal.

mod common;
use common::app::{Drive, code, ctrl, key, screen as screen_text};
use std::collections::BTreeMap;

use b2tui::app::settings::{FormKind, JsonTarget, RulesState, SettingsModal, Tab};
use b2tui::app::{App, Edited, Effect, Focus, Modal, Msg};
use b2tui::b2::Secret;
use b2tui::b2::buckets::{BucketSettings, FileLockConfig, FileRetention, LockedVersion, Readable};
use b2tui::b2::notifications::{NotificationRule, TargetConfiguration};
use b2tui::b2::{AccountId, Bucket, BucketId, FileAction, FileId, FileVersion};
use b2tui::lifecycle_sim::DiffLine;
use b2tui::ui;
use b2tui::worker::settings::{BucketContents, LockChange, SettingsCommand, SettingsEvent};
use b2tui::worker::{Command, Failure, WorkerEvent};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

// 2026-11-20 14:02:33 UTC
const T0: i64 = 1_795_183_353_123;
const DAY: i64 = 86_400_000;

fn settings(name: &str, revision: u64, lock: bool) -> BucketSettings {
    BucketSettings {
        bucket: Bucket {
            account_id: AccountId::from("3f2a9c1b7d00"),
            bucket_id: BucketId(format!("id-{name}")),
            bucket_name: name.to_owned(),
            bucket_type: "allPrivate".to_owned(),
            bucket_info: BTreeMap::from([("owner".to_owned(), "ops".to_owned())]),
            cors_rules: Vec::new(),
            lifecycle_rules: Vec::new(),
            options: vec!["s3".to_owned()],
            revision,
        },
        default_server_side_encryption: None,
        replication_configuration: None,
        file_lock_configuration: Some(Readable {
            is_client_authorized_to_read: true,
            value: Some(FileLockConfig {
                is_file_lock_enabled: lock,
                default_retention: None,
            }),
        }),
    }
}

fn rule(name: &str, enabled: bool, suspended: Option<&str>) -> NotificationRule {
    NotificationRule {
        name: name.to_owned(),
        event_types: vec!["b2:ObjectCreated:*".to_owned()],
        object_name_prefix: "incoming/".to_owned(),
        is_enabled: enabled,
        is_suspended: suspended.is_some(),
        suspension_reason: suspended.unwrap_or("").to_owned(),
        target_configuration: TargetConfiguration {
            target_type: "webhook".to_owned(),
            url: "https://hooks.example.com/b2".to_owned(),
            custom_headers: None,
            hmac_sha256_signing_secret: None,
            max_events_per_batch: Some(1),
        },
    }
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.send(key(c));
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
    app.send(Msg::WallClock { unix_ms: T0 });
    let req = app.begin()[0].req();
    let buckets: Vec<Bucket> = ["backups", "photos-2026"]
        .iter()
        .map(|n| settings(n, 1, false).to_bucket())
        .collect();
    app.send(Msg::Worker(WorkerEvent::BucketsListed { req, buckets }));
    app.send(key('j'));
    app
}

/// The settings view of photos-2026 (revision 4), on `tab`.
fn opened(lock: bool, tab: Tab) -> (App, Vec<Command>) {
    let mut app = app();
    let SettingsCommand::LoadBucket { req, .. } = settings_cmd(app.send(key('B'))) else {
        panic!("B loads the bucket");
    };
    app.send(event(SettingsEvent::BucketLoaded {
        req,
        bucket: settings("photos-2026", 4, lock),
    }));
    let mut cmds = Vec::new();
    while app.view.settings().map(|v| v.tab) != Some(tab) {
        cmds.extend(app.send(code(KeyCode::Tab)));
    }
    (app, cmds)
}

/// The Notifications tab with two rules, one suspended.
fn with_rules() -> App {
    let (mut app, cmds) = opened(false, Tab::Notifications);
    let SettingsCommand::LoadNotificationRules { req, bucket } = settings_cmd(cmds) else {
        panic!("the tab reads the rules");
    };
    assert_eq!(bucket, BucketId::from("id-photos-2026"));
    app.send(event(SettingsEvent::NotificationRulesLoaded {
        req,
        rules: vec![
            rule("uploads-hook", true, None),
            rule(
                "audit-trail",
                true,
                Some("webhook failed 5 times: connection refused"),
            ),
        ],
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

fn form_errors(app: &App) -> Vec<(usize, String)> {
    match top(app) {
        SettingsModal::Form(f) => f
            .errors
            .iter()
            .map(|e| (e.field, e.message.clone()))
            .collect(),
        other => panic!("expected a form, got {other:?}"),
    }
}

#[test]
fn notifications_tab_lists_rules_and_suspension() {
    let app = with_rules();
    let terminal = draw(&app);
    insta::assert_snapshot!("notifications_tab", terminal.backend());
    // The suspension reason is in the warning colour.
    let buffer = terminal.backend().buffer();
    let row = (0..30)
        .find(|y| {
            (0..100)
                .map(|x| buffer[(x, *y)].symbol().to_owned())
                .collect::<String>()
                .contains("connection refused")
        })
        .expect("reason shown");
    let x = (0..100)
        .find(|x| buffer[(*x, row)].symbol() == "⚠")
        .expect("marker");
    assert_eq!(buffer[(x, row)].fg, app.theme.warn.fg.expect("warn colour"));
}

#[test]
fn rule_form_catches_every_error_before_sending() {
    let mut app = with_rules();
    app.send(key('a'));
    // Nothing filled in: name, event types and URL.
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    let fields: Vec<usize> = form_errors(&app).iter().map(|e| e.0).collect();
    assert_eq!(fields, vec![0, 1, 3]);
    insta::assert_snapshot!("notification_rule_form_errors", draw(&app).backend());

    // A name that is taken, overlapping event types, plain http elsewhere, an X-Bz-
    // header, a batch of 0.
    let mut app = with_rules();
    app.send(key('a'));
    typed(&mut app, "uploads-hook");
    app.send(code(KeyCode::Tab));
    app.send(key(' ')); // b2:ObjectCreated:*
    app.send(code(KeyCode::Down));
    app.send(key(' ')); // b2:ObjectCreated:Upload
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    typed(&mut app, "http://example.com/hook");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "X-Bz-Secret: 1");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Backspace));
    app.send(key('0'));
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    let errors = form_errors(&app);
    let fields: Vec<usize> = errors.iter().map(|e| e.0).collect();
    assert_eq!(fields, vec![0, 1, 3, 4, 6], "{errors:?}");
    assert!(errors[0].1.contains("already called"));
    assert!(errors[1].1.contains("already covers"));
    assert!(errors[2].1.contains("https://"));
    assert!(errors[3].1.contains("X-Bz-"));
    assert!(errors[4].1.contains("1 to 50"));

    // Short names and bad characters too.
    let mut app = with_rules();
    app.send(key('a'));
    typed(&mut app, "a b");
    app.send(code(KeyCode::Enter));
    assert!(form_errors(&app)[0].1.contains("6 to 63"));
}

#[test]
fn adding_a_rule_sends_every_rule_and_asks_for_a_secret() {
    let mut app = with_rules();
    app.send(key('a'));
    typed(&mut app, "new-uploads");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Down));
    app.send(key(' ')); // b2:ObjectCreated:Upload
    app.send(code(KeyCode::Tab));
    typed(&mut app, "in/");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "http://127.0.0.1:9000/hook");
    app.send(code(KeyCode::Tab));
    typed(&mut app, "X-Team: ops");
    app.send(code(KeyCode::Enter)); // a new header line
    typed(&mut app, "Authorization: Bearer abc");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // generate a new secret
    assert!(
        app.send(code(KeyCode::Enter)).is_empty(),
        "nothing is sent before the review"
    );
    let SettingsModal::ConfirmNotificationRules { diff, removes, .. } = top(&app) else {
        panic!("Enter shows the rules before → after");
    };
    assert!(!removes);
    assert_eq!(diff.len(), 3, "{diff:?}");
    assert!(matches!(&diff[0], DiffLine::Same(s) if s.starts_with("uploads-hook")));
    assert!(
        matches!(&diff[2], DiffLine::Added(s) if s.starts_with("new-uploads (on): b2:ObjectCreated:Upload on in/*")),
        "{diff:?}"
    );
    let screen = screen_text(&draw(&app));
    assert!(screen.contains("Save notification rules?"), "{screen}");
    assert!(screen.contains("+ new-uploads"), "{screen}");
    // n goes back to the form, as it was.
    assert!(app.send(key('n')).is_empty());
    assert!(matches!(
        top(&app),
        SettingsModal::Form(f) if matches!(f.kind, FormKind::NotificationRule { index: None })
    ));
    app.send(code(KeyCode::Enter));
    let SettingsCommand::SetNotificationRules {
        req,
        rules,
        generate_secret_for,
        ..
    } = settings_cmd(app.send(key('y')))
    else {
        panic!("y in the review sends the rules");
    };
    assert!(app.modals.is_empty(), "the review and the form are closed");
    assert_eq!(rules.len(), 3);
    let new = &rules[2];
    assert_eq!(new.event_types, vec!["b2:ObjectCreated:Upload".to_owned()]);
    assert_eq!(new.object_name_prefix, "in/");
    let headers = new
        .target_configuration
        .custom_headers
        .clone()
        .expect("headers");
    assert_eq!(headers.len(), 2);
    assert_eq!(headers[1].value, "Bearer abc");
    assert_eq!(generate_secret_for.as_deref(), Some("new-uploads"));
    let mut stored = rules.clone();
    stored[2].target_configuration.hmac_sha256_signing_secret =
        Some("AbCdEfGhIjKlMnOpQrStUvWxYz012345".to_owned());
    app.send(event(SettingsEvent::NotificationRulesSaved {
        req,
        rules: stored,
        generated: Some((
            "new-uploads".to_owned(),
            "AbCdEfGhIjKlMnOpQrStUvWxYz012345".to_owned(),
        )),
    }));
    assert!(matches!(top(&app), SettingsModal::Secret { .. }));
    assert_eq!(
        app.update(key('c')).as_slice(),
        [Effect::Clipboard(Secret::new(
            "AbCdEfGhIjKlMnOpQrStUvWxYz012345".to_owned()
        ))]
    );
}

#[test]
fn toggle_and_delete_rules() {
    let mut app = with_rules();
    assert!(app.send(key(' ')).is_empty(), "Space asks first");
    let SettingsModal::ConfirmNotificationRules { diff, .. } = top(&app) else {
        panic!("Space shows the rules before → after");
    };
    assert!(matches!(&diff[0], DiffLine::Removed(s) if s.starts_with("uploads-hook (on)")));
    assert!(matches!(&diff[1], DiffLine::Added(s) if s.starts_with("uploads-hook (disabled)")));
    assert!(matches!(&diff[2], DiffLine::Same(s) if s.starts_with("audit-trail")));
    let SettingsCommand::SetNotificationRules { rules, .. } = settings_cmd(app.send(key('y')))
    else {
        panic!("y sends the rules");
    };
    assert!(!rules[0].is_enabled);
    assert!(rules[1].is_enabled);
    app.send(key('j'));
    assert!(app.send(key('d')).is_empty());
    let SettingsModal::ConfirmNotificationRules { diff, removes, .. } = top(&app) else {
        panic!("d shows the rules before → after");
    };
    assert!(removes);
    assert!(matches!(&diff[1], DiffLine::Removed(s) if s.starts_with("audit-trail")));
    let screen = screen_text(&draw(&app));
    assert!(screen.contains("gets no more events"), "{screen}");
    assert!(app.send(key('n')).is_empty(), "n sends nothing");
    assert!(app.modals.is_empty());
    app.send(key('d'));
    let SettingsCommand::SetNotificationRules { rules, .. } = settings_cmd(app.send(key('y')))
    else {
        panic!("y deletes");
    };
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].name, "uploads-hook");
}

#[test]
fn notifications_need_their_capabilities() {
    let mut app = app();
    app.set_capabilities(vec!["listBuckets".to_owned(), "writeBuckets".to_owned()]);
    let SettingsCommand::LoadBucket { req, .. } = settings_cmd(app.send(key('B'))) else {
        panic!();
    };
    app.send(event(SettingsEvent::BucketLoaded {
        req,
        bucket: settings("photos-2026", 4, false),
    }));
    app.send(code(KeyCode::Tab));
    assert!(app.send(code(KeyCode::Tab)).is_empty(), "nothing is read");
    let view = app.view.settings().expect("view");
    assert_eq!(
        view.notifications,
        RulesState::Unavailable("readBucketNotifications")
    );
    let screen = format!("{:?}", draw(&app).backend());
    assert!(screen.contains("lacks readBucketNotifications"));
}

#[test]
fn object_lock_tab_default_retention() {
    let (mut app, _) = opened(true, Tab::ObjectLock);
    insta::assert_snapshot!("object_lock_tab", draw(&app).backend());
    app.send(key('e'));
    app.send(code(KeyCode::Right)); // governance
    app.send(code(KeyCode::Tab));
    typed(&mut app, "0");
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert_eq!(form_errors(&app)[0].0, 1);
    app.send(code(KeyCode::Backspace));
    typed(&mut app, "30");
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(code(KeyCode::Enter)))
    else {
        panic!("Enter saves");
    };
    assert_eq!(update.if_revision_is, Some(4));
    let r = update.default_retention.expect("retention sent");
    assert_eq!(r.mode.as_deref(), Some("governance"));
    assert_eq!(
        r.period.map(|p| (p.duration, p.unit)),
        Some((30, "days".into()))
    );
}

#[test]
fn turning_object_lock_on_asks_first() {
    let (mut app, _) = opened(false, Tab::ObjectLock);
    assert!(app.send(key('L')).is_empty());
    assert!(matches!(top(&app), SettingsModal::ConfirmEnableLock));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('y'))) else {
        panic!("y turns it on");
    };
    assert_eq!(update.file_lock_enabled, Some(true));
    assert_eq!(update.if_revision_is, Some(4));
}

fn version(id: &str) -> FileVersion {
    FileVersion {
        account_id: None,
        action: FileAction::Upload,
        bucket_id: Some(BucketId::from("id-photos-2026")),
        content_length: 1000,
        content_sha1: None,
        content_md5: None,
        content_type: None,
        file_id: Some(FileId::from(id)),
        file_info: BTreeMap::new(),
        file_name: "contract.pdf".to_owned(),
        upload_timestamp: T0 - DAY,
        replication_status: None,
    }
}

fn locked(hold: &str, retention: Option<(&str, i64)>) -> Box<LockedVersion> {
    Box::new(LockedVersion {
        version: version("v1"),
        file_retention: Some(Readable {
            is_client_authorized_to_read: true,
            value: Some(FileRetention {
                mode: retention.map(|r| r.0.to_owned()),
                retain_until_timestamp: retention.map(|r| r.1),
            }),
        }),
        legal_hold: Some(Readable {
            is_client_authorized_to_read: true,
            value: Some(hold.to_owned()),
        }),
    })
}

#[test]
fn version_legal_hold_and_retention_from_the_versions_pane() {
    let mut app = app();
    app.versions.versions = vec![version("v1")];
    app.focus = Focus::Versions;
    let SettingsCommand::LoadVersionLock { req, file_id } = settings_cmd(app.send(key('L'))) else {
        panic!("L reads the version's lock");
    };
    assert_eq!(file_id, FileId::from("v1"));
    app.send(event(SettingsEvent::VersionLockLoaded {
        req,
        version: locked("off", Some(("governance", T0 + 3 * DAY))),
        changed: false,
    }));
    insta::assert_snapshot!("version_lock", draw(&app).backend());
    let SettingsCommand::ChangeVersionLock { req, change, .. } = settings_cmd(app.send(key('h')))
    else {
        panic!("h toggles the hold");
    };
    assert_eq!(change, LockChange::LegalHold(true));
    app.send(event(SettingsEvent::VersionLockLoaded {
        req,
        version: locked("on", Some(("governance", T0 + 3 * DAY))),
        changed: true,
    }));

    // Capabilities known without bypassGovernance: no bypass field.
    app.set_capabilities(vec!["writeFileRetentions".to_owned()]);
    app.send(key('e'));
    let SettingsModal::Form(form) = top(&app) else {
        panic!("retention form");
    };
    assert_eq!(form.fields.len(), 2, "no governance bypass offered");
    app.send(code(KeyCode::Esc));
    app.set_capabilities(vec![
        "writeFileRetentions".to_owned(),
        "bypassGovernance".to_owned(),
    ]);
    app.send(key('e'));
    app.send(code(KeyCode::Tab));
    for _ in 0..20 {
        app.send(code(KeyCode::Backspace));
    }
    typed(&mut app, "+10d");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // bypass: yes
    let SettingsCommand::ChangeVersionLock { req, change, .. } =
        settings_cmd(app.send(code(KeyCode::Enter)))
    else {
        panic!("Enter sets the retention");
    };
    assert_eq!(
        change,
        LockChange::Retention {
            retention: FileRetention {
                mode: Some("governance".into()),
                retain_until_timestamp: Some(T0 + 10 * DAY),
            },
            bypass_governance: true,
        }
    );
    // B2's refusal is shown as B2 says it.
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::B2 {
            status: 401,
            code: "unauthorized".into(),
            message: "Access Denied".into(),
        },
    }));
    match app.modals.last() {
        Some(Modal::Error { message, .. }) => {
            assert!(message.contains("unauthorized: Access Denied"), "{message}")
        }
        other => panic!("expected the error, got {other:?}"),
    }
}

#[test]
fn version_lock_shows_the_legal_hold_with_a_real_file_id() {
    // A file id as B2 gives them: longer than the dialog is wide.
    const ID: &str =
        "4_z27c88f1d182b150646ff0b16_f1004ba650fe24e6b_d20180816_m220111_c002_v0001107_t0025";
    let mut app = app();
    app.versions.versions = vec![version(ID)];
    app.focus = Focus::Versions;
    let SettingsCommand::LoadVersionLock { req, .. } = settings_cmd(app.send(key('L'))) else {
        panic!("L reads the version's lock");
    };
    let mut v = locked("on", Some(("governance", T0 + 3 * DAY)));
    v.version = version(ID);
    app.send(event(SettingsEvent::VersionLockLoaded {
        req,
        version: v,
        changed: false,
    }));
    for (w, h) in [(80, 24), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| ui::render(&app, f)).expect("draw");
        let buf = terminal.backend().buffer();
        let rows: Vec<String> = (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
            .collect();
        let screen = rows.join("\n");
        let at = |text: &str| rows.iter().position(|r| r.contains(text));
        let hold = at("Legal hold  on").unwrap_or_else(|| panic!("{w}x{h}:\n{screen}"));
        let keys = at("h legal hold on/off").unwrap_or_else(|| panic!("{w}x{h}:\n{screen}"));
        assert!(hold < keys, "inside the box, {w}x{h}:\n{screen}");
        assert!(at("Retention   governance").is_some(), "{w}x{h}:\n{screen}");
        // The id is cut on its one line, not wrapped over the lines below.
        let id = at(&ID[..40]).unwrap_or_else(|| panic!("{w}x{h}:\n{screen}"));
        assert!(rows[id].contains('…'), "{w}x{h}:\n{screen}");
        assert!(!rows[id + 1].contains("_t0025"), "{w}x{h}:\n{screen}");
    }
}

#[test]
fn cors_editor_validates_before_sending() {
    let (mut app, _) = opened(false, Tab::Cors);
    let effects = app.update(key('e'));
    let [Effect::Edit { target, text }] = effects.as_slice() else {
        panic!("e asks the loop for $EDITOR: {effects:?}");
    };
    assert_eq!(*target, JsonTarget::CorsRules);
    assert_eq!(text, "[]");
    // No $EDITOR: the built-in editor opens on the text.
    app.send(Msg::Edited {
        target: JsonTarget::CorsRules,
        result: Edited::NoEditor {
            text: "[]".to_owned(),
        },
    });
    app.send(code(KeyCode::Backspace));
    app.send(code(KeyCode::Backspace));
    for line in [
        "[{\"corsRuleName\": \"b2-downloads\",",
        " \"allowedOrigins\": [\"https://app.example.com\"],",
        " \"allowedOperations\": [\"s3_get\"], \"maxAgeSeconds\": 3600}]",
    ] {
        typed(&mut app, line);
        app.send(code(KeyCode::Enter));
    }
    assert!(app.send(ctrl('s')).is_empty(), "refused before sending");
    assert!(form_errors(&app)[0].1.contains("b2-"));
    insta::assert_snapshot!("cors_editor", draw(&app).backend());
    // Fix the name on the first line.
    app.send(code(KeyCode::Up));
    app.send(code(KeyCode::Up));
    app.send(code(KeyCode::Up));
    app.send(code(KeyCode::Home));
    for _ in 0..19 {
        app.send(code(KeyCode::Right));
    }
    for _ in 0..3 {
        app.send(code(KeyCode::Delete));
    }
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(ctrl('s'))) else {
        panic!("Ctrl-S saves");
    };
    assert_eq!(update.if_revision_is, Some(4));
    let cors = update.cors_rules.expect("cors sent");
    assert_eq!(cors[0]["corsRuleName"], "downloads");
    assert!(app.modals.is_empty());
}

#[test]
fn cors_presets_are_reviewed_and_saved_with_the_revision() {
    let (mut app, _) = opened(false, Tab::Cors);
    assert!(screen_text(&draw(&app)).contains("a picks a preset"));
    assert!(app.send(key('a')).is_empty());
    assert!(matches!(top(&app), SettingsModal::Form(f) if f.kind == FormKind::CorsPreset));
    // "share with one origin" needs the origin.
    app.send(code(KeyCode::Right));
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert!(form_errors(&app)[0].1.contains("https://app.example.com"));
    typed(&mut app, "app.example.com/path");
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert!(form_errors(&app)[0].1.contains("expected scheme://host"));
    for _ in 0.."app.example.com/path".len() {
        app.send(code(KeyCode::Backspace));
    }
    typed(&mut app, "https://app.example.com");
    assert!(app.send(code(KeyCode::Enter)).is_empty(), "reviewed first");
    let SettingsModal::ConfirmCors { diff, .. } = top(&app) else {
        panic!("the preset is reviewed");
    };
    assert_eq!(
        diff,
        &[DiffLine::Added(
            "downloadFromOneOrigin: origins https://app.example.com · b2_download_file_by_name, \
             b2_download_file_by_id, s3_get, s3_head"
                .to_owned()
        )]
    );
    let screen = screen_text(&draw(&app));
    assert!(screen.contains("Save CORS rules?"), "{screen}");
    assert!(app.send(key('n')).is_empty(), "n saves nothing");
    assert!(app.modals.is_empty());
    // Every origin.
    app.send(key('a'));
    app.send(code(KeyCode::Enter));
    let SettingsCommand::UpdateBucket { req, update } = settings_cmd(app.send(key('y'))) else {
        panic!("y saves");
    };
    assert_eq!(update.if_revision_is, Some(4));
    let cors = update.cors_rules.expect("cors sent");
    assert_eq!(cors.len(), 1);
    assert_eq!(cors[0]["allowedOrigins"], serde_json::json!(["*"]));
    assert_eq!(
        cors[0]["allowedOperations"],
        serde_json::json!([
            "b2_download_file_by_name",
            "b2_download_file_by_id",
            "s3_get",
            "s3_head"
        ])
    );
    let mut saved = settings("photos-2026", 5, false);
    saved.cors_rules = cors;
    app.send(event(SettingsEvent::BucketUpdated { req, bucket: saved }));
    // None clears them, after the review.
    app.send(key('a'));
    app.send(code(KeyCode::Left));
    app.send(code(KeyCode::Enter));
    let SettingsModal::ConfirmCors { diff, rules } = top(&app) else {
        panic!("none is reviewed");
    };
    assert!(rules.is_empty());
    assert!(
        matches!(&diff[..], [DiffLine::Removed(s)] if s.starts_with("downloadFromAnyOrigin: origins *"))
    );
    assert!(screen_text(&draw(&app)).contains("no longer call this bucket"));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(key('y'))) else {
        panic!("y saves");
    };
    assert_eq!(update.if_revision_is, Some(5));
    assert_eq!(update.cors_rules, Some(Vec::new()));
}

#[test]
fn bucket_info_from_editor_and_errors_reopen_the_text() {
    let (mut app, _) = opened(false, Tab::Info);
    let effects = app.update(key('e'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Edit {
            target: JsonTarget::BucketInfo,
            ..
        }]
    ));
    // Not a string value: back in the built-in editor with the error.
    assert!(
        app.update(Msg::Edited {
            target: JsonTarget::BucketInfo,
            result: Edited::Text("{\"owner\": 1}".to_owned()),
        })
        .is_empty()
    );
    assert!(form_errors(&app)[0].1.contains("strings"));
    app.send(code(KeyCode::Esc));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(Msg::Edited {
        target: JsonTarget::BucketInfo,
        result: Edited::Text("{\"owner\": \"data\", \"tier\": \"gold\"}\n".to_owned()),
    })) else {
        panic!("valid info is sent");
    };
    assert_eq!(update.bucket_info.map(|i| i.len()), Some(2));
    assert_eq!(update.if_revision_is, Some(4));
}

#[test]
fn create_bucket_form() {
    let mut app = app();
    app.send(key('c'));
    let SettingsModal::Form(form) = top(&app) else {
        panic!("create form");
    };
    assert_eq!(form.kind, FormKind::CreateBucket);
    typed(&mut app, "b2-x");
    assert!(!form_errors(&app).is_empty(), "checked as typed");
    insta::assert_snapshot!("create_bucket_form_error", draw(&app).backend());
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    for _ in 0..4 {
        app.send(code(KeyCode::Backspace));
    }
    typed(&mut app, "new-bucket-2026");
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // public
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Tab));
    app.send(code(KeyCode::Right)); // Object Lock on
    let SettingsCommand::CreateBucket { req, create } =
        settings_cmd(app.send(code(KeyCode::Enter)))
    else {
        panic!("Enter creates");
    };
    assert_eq!(create.bucket_name, "new-bucket-2026");
    assert_eq!(create.bucket_type, "allPublic");
    assert!(create.file_lock_enabled);
    assert!(create.default_server_side_encryption.is_some());
    let cmds = app.send(event(SettingsEvent::BucketCreated {
        req,
        bucket: settings("new-bucket-2026", 1, true),
    }));
    assert!(matches!(cmds.as_slice(), [Command::ListBuckets { .. }]));
}

#[test]
fn delete_bucket_checks_then_confirms() {
    let mut app = app();
    let SettingsCommand::InspectBucket { req, bucket } = settings_cmd(app.send(key('D'))) else {
        panic!("D checks the bucket first");
    };
    assert_eq!(bucket, BucketId::from("id-photos-2026"));
    app.send(event(SettingsEvent::BucketInspected {
        req,
        contents: BucketContents {
            versions: 3,
            hide_markers: 1,
            unfinished: 0,
        },
    }));
    match app.modals.last() {
        Some(Modal::Error { message, .. }) => assert!(message.contains("3 file versions")),
        other => panic!("not empty: {other:?}"),
    }
    app.send(code(KeyCode::Esc));
    let SettingsCommand::InspectBucket { req, .. } = settings_cmd(app.send(key('D'))) else {
        panic!();
    };
    app.send(event(SettingsEvent::BucketInspected {
        req,
        contents: BucketContents::default(),
    }));
    insta::assert_snapshot!("delete_bucket_confirm", draw(&app).backend());
    // The safe answer is the default: n keeps it.
    assert!(app.send(key('n')).is_empty());
    let SettingsCommand::InspectBucket { req, .. } = settings_cmd(app.send(key('D'))) else {
        panic!();
    };
    app.send(event(SettingsEvent::BucketInspected {
        req,
        contents: BucketContents::default(),
    }));
    let SettingsCommand::DeleteBucket { req, bucket } = settings_cmd(app.send(key('y'))) else {
        panic!("y deletes");
    };
    assert_eq!(bucket, BucketId::from("id-photos-2026"));
    let cmds = app.send(event(SettingsEvent::BucketDeleted {
        req,
        bucket_name: "photos-2026".into(),
    }));
    assert!(matches!(cmds.as_slice(), [Command::ListBuckets { .. }]));
}

#[test]
fn json_editor_scrolls_sideways_and_drops_a_fixed_error() {
    let (mut app, _) = opened(false, Tab::Info);
    app.update(key('e'));
    app.send(Msg::Edited {
        target: JsonTarget::BucketInfo,
        result: Edited::NoEditor {
            text: "{}".to_owned(),
        },
    });
    app.send(code(KeyCode::Backspace));
    app.send(code(KeyCode::Backspace));
    // One line far wider than the editor, typed to its end.
    let long = format!("{{\"note\": \"{}END\"", "x".repeat(150));
    typed(&mut app, &long);
    let shown = screen_text(&draw(&app));
    assert!(
        shown.contains("xxEND\""),
        "the cursor's end of the line is in view:\n{shown}"
    );
    // Not valid yet (no closing brace): an error under the text.
    assert!(app.send(ctrl('s')).is_empty());
    assert_eq!(form_errors(&app).len(), 1);
    // Fixing the text drops the error at once, not at the next save.
    typed(&mut app, "}");
    assert!(form_errors(&app).is_empty(), "{:?}", form_errors(&app));
    let SettingsCommand::UpdateBucket { update, .. } = settings_cmd(app.send(ctrl('s'))) else {
        panic!("saves once valid");
    };
    assert_eq!(update.bucket_info.map(|i| i.len()), Some(1));
}
