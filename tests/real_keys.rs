//! Every kind of application key people really create, against the local B2: what the TUI
//! shows at start and while browsing, with no call that B2 refuses. Keys: master; one
//! bucket; one bucket and a name prefix; two buckets (v4); each without `listBuckets`;
//! read-only; write-only (a backup key); no `listKeys`.

mod common;

use std::collections::BTreeSet;

use b2tui::app::{Focus, Modal, Msg, View};
use b2tui::b2::{B2Client, BucketId, CreateKeyRequest, CreatedKey, UploadMeta};
use b2tui::worker::Command;
use bytes::Bytes;
use common::app::{code, key, screen};
use common::live::Live;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const FILE_CAPS: &[&str] = &["listFiles", "readFiles", "writeFiles", "deleteFiles"];

struct Account {
    local: common::Local,
    alpha: BucketId,
    beta: BucketId,
}

async fn account() -> Account {
    let local = common::start().await;
    let alpha = local.create_bucket("alpha-1", "allPrivate").await;
    let beta = local.create_bucket("beta-22", "allPrivate").await;
    local.create_bucket("gamma-3", "allPrivate").await;
    for name in [
        "docs/a.txt",
        "docs/rep/x.txt",
        "docs/report.pdf",
        "other/b.txt",
        "top.txt",
    ] {
        put(&local.client, &alpha, name).await;
    }
    put(&local.client, &beta, "b1.txt").await;
    Account { local, alpha, beta }
}

async fn put(client: &B2Client, bucket: &BucketId, name: &str) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    client
        .upload_bytes(bucket, &meta, Bytes::from_static(b"hello"))
        .await
        .expect("seed upload");
}

impl Account {
    /// A new key of these capabilities, buckets, prefix and lifetime.
    async fn create(
        &self,
        caps: &[&str],
        buckets: &[&BucketId],
        prefix: Option<&str>,
        valid_secs: Option<u64>,
    ) -> CreatedKey {
        self.local
            .client
            .create_key(&CreateKeyRequest {
                key_name: "matrix".to_owned(),
                capabilities: caps.iter().map(|c| (*c).to_owned()).collect(),
                bucket_ids: buckets.iter().map(|b| (*b).clone()).collect(),
                name_prefix: prefix.map(str::to_owned),
                valid_duration_secs: valid_secs,
            })
            .await
            .expect("create key")
    }

    /// A client authorized with `created`.
    async fn authorize(&self, created: &CreatedKey) -> B2Client {
        self.local.login(created).await
    }

    /// A client authorized with a new key of these capabilities, buckets and prefix.
    async fn key(&self, caps: &[&str], buckets: &[&BucketId], prefix: Option<&str>) -> B2Client {
        let created = self.create(caps, buckets, prefix, None).await;
        self.authorize(&created).await
    }
}

/// `listBuckets`, or nothing: the two halves of a "with or without listBuckets" test.
fn list_buckets_if(on: bool) -> &'static [&'static str] {
    if on { &["listBuckets"] } else { &[] }
}

fn caps(extra: &[&'static str]) -> Vec<&'static str> {
    FILE_CAPS.iter().chain(extra).copied().collect()
}

fn bucket_names(live: &Live) -> Vec<String> {
    live.app
        .buckets
        .buckets
        .iter()
        .map(|b| b.bucket_name.clone())
        .collect()
}

fn shown_names(live: &Live) -> BTreeSet<String> {
    live.app
        .files
        .entries
        .iter()
        .map(|e| e.file_name.to_owned())
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn draw(live: &Live) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    term.draw(|f| b2tui::ui::render(&live.app, f))
        .expect("draw");
    screen(&term)
}

fn no_refusal(live: &Live, what: &str) {
    assert!(
        live.failures.is_empty(),
        "{what}: refused calls {:?}",
        live.failures
    );
    assert!(
        !live
            .app
            .modals
            .iter()
            .any(|m| matches!(m, Modal::Error { .. })),
        "{what}: an error dialog is open: {:?}",
        live.app.modals
    );
}

#[tokio::test]
async fn the_master_key_sees_every_bucket_and_starts_in_the_buckets_pane() {
    let acct = account().await;
    let live = Live::start(acct.local.client.clone()).await;
    assert_eq!(bucket_names(&live), ["alpha-1", "beta-22", "gamma-3"]);
    assert_eq!(live.app.focus, Focus::Buckets);
    assert!(live.app.files.bucket.is_none());
    no_refusal(&live, "master");
}

#[tokio::test]
async fn a_one_bucket_key_opens_its_bucket_with_or_without_list_buckets() {
    let acct = account().await;
    for with_list_buckets in [true, false] {
        let extra = list_buckets_if(with_list_buckets);
        let client = acct.key(&caps(extra), &[&acct.alpha], None).await;
        let live = Live::start(client).await;
        let what = format!("one bucket, listBuckets {with_list_buckets}");
        assert_eq!(bucket_names(&live), ["alpha-1"], "{what}");
        assert_eq!(live.app.focus, Focus::Files, "{what}: opened at once");
        assert_eq!(live.app.files.prefix, "", "{what}");
        assert_eq!(
            shown_names(&live),
            names(&["docs/", "other/", "top.txt"]),
            "{what}"
        );
        no_refusal(&live, &what);
        if !with_list_buckets {
            assert!(
                !live.sent.iter().any(|c| matches!(c, Command::Settings(_))),
                "{what}: nothing asks for bucket settings"
            );
        }
    }
}

#[tokio::test]
async fn a_prefix_key_opens_at_its_prefix_and_cannot_go_above_it() {
    let acct = account().await;
    for with_list_buckets in [true, false] {
        let extra = list_buckets_if(with_list_buckets);
        let client = acct.key(&caps(extra), &[&acct.alpha], Some("docs/")).await;
        let mut live = Live::start(client).await;
        let what = format!("bucket + prefix, listBuckets {with_list_buckets}");
        assert_eq!(live.app.focus, Focus::Files, "{what}");
        assert_eq!(live.app.files.prefix, "docs/", "{what}");
        assert_eq!(
            shown_names(&live),
            names(&["docs/a.txt", "docs/rep/", "docs/report.pdf"]),
            "{what}"
        );
        let shown = draw(&live);
        assert!(
            shown.contains("b2://alpha-1/docs/"),
            "{what}: breadcrumb\n{shown}"
        );
        assert!(!shown.contains(" .. "), "{what}: no way up\n{shown}");
        // Into a subfolder and back up twice: the second stops at the prefix.
        live.send(key('j')).await;
        live.send(code(KeyCode::Enter)).await;
        assert_eq!(live.app.files.prefix, "docs/rep/", "{what}");
        live.send(key('h')).await;
        assert_eq!(live.app.files.prefix, "docs/", "{what}");
        live.send(key('h')).await;
        assert_eq!(
            live.app.files.prefix, "docs/",
            "{what}: stays at the prefix"
        );
        assert_eq!(live.app.focus, Focus::Buckets, "{what}");
        // Reopening the bucket lands at the prefix again, and time travel and hidden
        // files list inside it too.
        live.send(code(KeyCode::Enter)).await;
        assert_eq!(live.app.files.prefix, "docs/", "{what}");
        live.send(key('H')).await;
        assert_eq!(
            shown_names(&live),
            names(&["docs/a.txt", "docs/rep/", "docs/report.pdf"]),
            "{what}: hidden files shown"
        );
        no_refusal(&live, &what);
    }
}

#[tokio::test]
async fn a_prefix_that_is_not_a_folder_lists_only_what_the_key_sees() {
    let acct = account().await;
    let client = acct
        .key(&caps(&["listBuckets"]), &[&acct.alpha], Some("docs/rep"))
        .await;
    let live = Live::start(client).await;
    assert_eq!(live.app.files.prefix, "docs/");
    assert_eq!(shown_names(&live), names(&["docs/rep/", "docs/report.pdf"]));
    no_refusal(&live, "partial prefix");
}

#[tokio::test]
async fn a_two_bucket_key_sees_both_buckets_with_or_without_list_buckets() {
    let acct = account().await;
    for with_list_buckets in [true, false] {
        let extra = list_buckets_if(with_list_buckets);
        let client = acct
            .key(&caps(extra), &[&acct.alpha, &acct.beta], None)
            .await;
        let mut live = Live::start(client).await;
        let what = format!("two buckets, listBuckets {with_list_buckets}");
        assert_eq!(bucket_names(&live), ["alpha-1", "beta-22"], "{what}");
        assert_eq!(live.app.focus, Focus::Buckets, "{what}: the user picks");
        live.send(key('j')).await;
        live.send(code(KeyCode::Enter)).await;
        assert_eq!(shown_names(&live), names(&["b1.txt"]), "{what}");
        no_refusal(&live, &what);
    }
}

#[tokio::test]
async fn a_read_only_key_shows_writes_as_unavailable_and_never_starts_them() {
    let acct = account().await;
    let client = acct
        .key(
            &["listBuckets", "listFiles", "readFiles"],
            &[&acct.alpha],
            None,
        )
        .await;
    let mut live = Live::start(client).await;
    let shown = draw(&live);
    assert!(
        shown.contains("u upload (needs writeFiles)"),
        "footer marks upload\n{shown}"
    );
    let before = live.sent.len();
    live.send(key('u')).await;
    assert_eq!(live.sent.len(), before, "nothing sent");
    let Some(Modal::Error { title, message }) = live.app.modals.last() else {
        panic!("a dialog explains: {:?}", live.app.modals);
    };
    assert_eq!(title, "Not available with this key");
    assert!(message.contains("writeFiles"), "{message}");
    live.send(code(KeyCode::Esc)).await;
    // Deleting versions: refused before the question.
    live.send(key('D')).await;
    let Some(Modal::Error { message, .. }) = live.app.modals.last() else {
        panic!("a dialog explains: {:?}", live.app.modals);
    };
    assert!(message.contains("writeFiles"), "{message}");
    live.send(code(KeyCode::Esc)).await;
    let help: Vec<String> = b2tui::ui::modal::help_lines(&live.app)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    assert!(
        help.iter()
            .any(|l| l.contains("upload") && l.contains("unavailable: needs writeFiles")),
        "help marks it: {help:#?}"
    );
    assert!(live.failures.is_empty(), "{:?}", live.failures);
}

#[tokio::test]
async fn a_write_only_backup_key_opens_its_bucket_unlisted_and_can_upload() {
    let acct = account().await;
    let client = acct.key(&["writeFiles"], &[&acct.alpha], None).await;
    let mut live = Live::start(client).await;
    assert_eq!(bucket_names(&live), ["alpha-1"]);
    assert_eq!(live.app.focus, Focus::Files);
    assert!(
        !live
            .sent
            .iter()
            .any(|c| matches!(c, Command::ListFiles { .. })),
        "no listing is asked for: {:?}",
        live.sent
    );
    let shown = draw(&live);
    assert!(
        shown.contains("this key cannot list files (it lacks listFiles)"),
        "{shown}"
    );
    live.send(key('u')).await;
    assert!(
        matches!(live.app.modals.last(), Some(Modal::Transfer(_))),
        "the upload prompt opens: {:?}",
        live.app.modals
    );
    no_refusal(&live, "write-only");
}

#[tokio::test]
async fn a_key_without_list_keys_says_so_in_the_keys_view_without_asking() {
    let acct = account().await;
    let client = acct
        .key(&caps(&["listBuckets"]), &[&acct.alpha], None)
        .await;
    let mut live = Live::start(client).await;
    live.send(key('K')).await;
    assert_eq!(live.app.view, View::Keys);
    let Some(Modal::Error { message, .. }) = live.app.modals.last() else {
        panic!("the view says so: {:?}", live.app.modals);
    };
    assert!(message.contains("listKeys"), "{message}");
    assert!(
        live.failures.is_empty(),
        "no refused call: {:?}",
        live.failures
    );
}

/// `:` with the prefilled path cleared, then `typed` (no Enter).
async fn type_path(live: &mut Live, typed: &str) {
    live.send(key(':')).await;
    let filled = match live.app.modals.last() {
        Some(Modal::GoTo(p)) => p.input.value().chars().count(),
        other => panic!("the go-to prompt opens: {other:?}"),
    };
    for _ in 0..filled {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text(typed).await;
}

/// The prompt's error after Enter on `path`; the prompt must stay open.
async fn refused_path(live: &mut Live, path: &str) -> String {
    type_path(live, path).await;
    live.send(code(KeyCode::Enter)).await;
    match live.app.modals.last() {
        Some(Modal::GoTo(p)) => p.error.clone().unwrap_or_default(),
        other => panic!("the prompt stays open on {path}: {other:?}"),
    }
}

#[tokio::test]
async fn go_to_opens_a_typed_path_and_names_what_a_key_cannot_see() {
    let acct = account().await;
    let mut live = Live::start(acct.local.client.clone()).await;
    type_path(&mut live, "b2://alpha-1/docs/report.pdf").await;
    live.send(code(KeyCode::Enter)).await;
    assert!(live.app.modals.is_empty(), "{:?}", live.app.modals);
    assert_eq!(live.app.files.prefix, "docs/");
    assert_eq!(live.app.files.selected_name(), Some("docs/report.pdf"));
    // Tab completes bucket names; an unknown bucket is named.
    type_path(&mut live, "b2://bet").await;
    live.send(code(KeyCode::Tab)).await;
    let Some(Modal::GoTo(p)) = live.app.modals.last() else {
        panic!("prompt open");
    };
    assert_eq!(p.input.value(), "b2://beta-22/");
    live.type_text("x").await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(
        live.app.files.bucket.as_ref().map(|b| b.name.as_str()),
        Some("beta-22")
    );
    let error = refused_path(&mut live, "b2://nope/").await;
    assert!(error.contains("no bucket named nope"), "{error}");
    no_refusal(&live, "go to");

    // A prefix key: a path outside its prefix is refused in the prompt, with the way in.
    let client = acct
        .key(&caps(&["listBuckets"]), &[&acct.alpha], Some("docs/"))
        .await;
    let mut live = Live::start(client).await;
    let error = refused_path(&mut live, "b2://alpha-1/other/").await;
    assert!(error.contains("starting with docs/"), "{error}");
    no_refusal(&live, "go to outside the prefix");
}

#[tokio::test]
async fn a_profile_start_path_opens_once_the_buckets_arrive() {
    let acct = account().await;
    let client = acct.local.client.clone();
    let mut app = common::app::app_with(b2tui::app::SessionInfo {
        key: b2tui::tui::current_key(&client),
        ..common::app::session()
    });
    app.set_start_path(Some("b2://alpha-1/other/".to_owned()));
    let live = Live::start_app(client, app).await;
    assert_eq!(live.app.focus, Focus::Files);
    assert_eq!(live.app.files.prefix, "other/");
    assert_eq!(shown_names(&live), names(&["other/b.txt"]));
}

#[tokio::test]
async fn a_key_that_expires_within_a_week_is_flagged_in_the_header() {
    let acct = account().await;
    let soon = acct
        .create(
            &caps(&["listBuckets"]),
            &[&acct.alpha],
            None,
            Some(3 * 86_400 + 600),
        )
        .await;
    let client = acct.authorize(&soon).await;
    let mut live = Live::start(client).await;
    let now = chrono::Utc::now().timestamp_millis();
    live.send(Msg::WallClock { unix_ms: now }).await;
    let shown = draw(&live);
    assert!(shown.contains("! key expires in 3 d"), "{shown}");
}

#[test]
fn the_profile_picker_asks_the_loop_to_switch_and_marks_the_profile_in_use() {
    use b2tui::app::Effect;
    let mut app = common::app::app_with(b2tui::app::SessionInfo {
        profiles: vec!["home".to_owned(), "work".to_owned()],
        profile: Some("home".to_owned()),
        ..common::app::session()
    });
    app.update(key('P'));
    let Some(Modal::Profiles(p)) = app.modals.last() else {
        panic!("the picker opens: {:?}", app.modals);
    };
    assert_eq!(p.cursor, 0, "on the profile in use");
    // The one in use: nothing to do.
    let fx: Vec<Effect> = app.update(code(KeyCode::Enter)).into_iter().collect();
    assert!(fx.is_empty(), "{fx:?}");
    app.update(key('P'));
    app.update(key('j'));
    let fx: Vec<Effect> = app.update(code(KeyCode::Enter)).into_iter().collect();
    assert_eq!(
        fx,
        [Effect::SwitchProfile {
            name: "work".to_owned()
        }]
    );
    assert!(app.modals.is_empty());
    // Without profiles, P says where they come from.
    let mut app = common::app::app();
    app.update(key('P'));
    assert!(app.modals.is_empty());
    assert!(
        app.notification
            .as_ref()
            .is_some_and(|n| n.text.contains("config.toml")),
        "{:?}",
        app.notification
    );
}

#[tokio::test]
async fn an_expired_key_gets_a_clear_message_at_start() {
    let acct = account().await;
    let created = acct
        .create(&caps(&["listBuckets"]), &[&acct.alpha], None, Some(1))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .args(["--endpoint", &acct.local.server.url, "ls", "b2://alpha-1"])
        .env("B2_APPLICATION_KEY_ID", &created.key.application_key_id)
        .env("B2_APPLICATION_KEY", created.secret.expose())
        .env("XDG_CONFIG_HOME", "/nonexistent-b2tui-test")
        .output()
        .await
        .expect("run b2tui");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("the application key from the environment has expired"),
        "{err}"
    );
}

/// `b2tui ls` with the key in the environment.
async fn ls(acct: &Account, id_and_key: (&str, &str), what: &str) -> String {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .args(["--endpoint", &acct.local.server.url, "ls", what])
        .env("B2_APPLICATION_KEY_ID", id_and_key.0)
        .env("B2_APPLICATION_KEY", id_and_key.1)
        .env("XDG_CONFIG_HOME", "/nonexistent-b2tui-test")
        .output()
        .await
        .expect("run b2tui");
    assert!(
        out.status.success(),
        "ls {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn ls_works_with_a_prefix_key_that_cannot_list_buckets() {
    let acct = account().await;
    let created = acct
        .create(
            &["listFiles", "readFiles"],
            &[&acct.alpha],
            Some("docs/"),
            None,
        )
        .await;
    let pair = (
        created.key.application_key_id.as_str(),
        created.secret.expose(),
    );
    assert_eq!(ls(&acct, pair, "b2://").await.trim(), "alpha-1");
    let listed = ls(&acct, pair, "b2://alpha-1/docs/").await;
    assert!(listed.contains("docs/report.pdf"), "{listed}");
    // The bucket root narrows to the key's prefix instead of being refused.
    let listed = ls(&acct, pair, "b2://alpha-1").await;
    assert!(listed.contains("docs/"), "{listed}");
}
