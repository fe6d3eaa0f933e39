//! The Usage view on the real worker and a real local B2: its totals equal sums computed
//! from a full version listing (current, hidden, old versions, unfinished large files and
//! their parts), drilling shows a subfolder's totals, and a stopped scan keeps its
//! partial totals.

#![allow(clippy::unwrap_used)]

mod common;
// The real `b2tui serve` (for --seed-bulk); it shares `wait.rs` with `common`.
#[allow(clippy::duplicate_mod)]
mod served;

use std::collections::BTreeMap;
use std::time::Duration;

use b2tui::app::usage::ScanStatus;
use b2tui::app::{App, Msg, SessionInfo, View};
use b2tui::b2::{
    B2Client, BucketId, ClientOptions, CreateKeyRequest, Credentials, FileAction, FileVersion,
    ListFileVersionsRequest, StartLargeFileRequest, UploadBody, UploadMeta, paginate,
};
use b2tui::config::{Keymap, Theme};
use b2tui::worker::usage::{FIRST_PAGE_SIZE, Totals, UsageEvent};
use b2tui::worker::{self, Command, WorkerEvent};
use bytes::Bytes;
use common::app::{code, key};
use common::live::Live;
use crossterm::event::KeyCode;
use futures::TryStreamExt;
use tokio::sync::mpsc;

async fn upload(c: &B2Client, bucket: &BucketId, name: &str, len: usize) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    c.upload_bytes(bucket, &meta, Bytes::from(vec![b'x'; len]))
        .await
        .unwrap();
}

async fn unfinished(c: &B2Client, bucket: &BucketId, name: &str, parts: &[usize]) {
    let f = c
        .start_large_file(&StartLargeFileRequest {
            bucket_id: bucket.clone(),
            file_name: name.to_owned(),
            content_type: "b2/x-auto".into(),
            file_info: BTreeMap::new(),
        })
        .await
        .unwrap();
    let id = f.file_id.unwrap();
    for (i, len) in parts.iter().enumerate() {
        let url = c.get_upload_part_url(&id).await.unwrap();
        let body = UploadBody::Bytes(Bytes::from(vec![7u8; *len]));
        c.upload_part(&url, i as u32 + 1, body).await.unwrap();
    }
}

/// Folder (relative, with every folder above it) of `name`.
fn folders_of(name: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut at = 0;
    while let Some(i) = name[at..].find('/') {
        at += i + 1;
        out.push(name[..at].to_owned());
    }
    out
}

/// Totals per folder (each folder holding everything below it), from a full
/// `b2_list_file_versions` and `b2_list_unfinished_large_files` + `b2_list_parts`.
async fn expected(c: &B2Client, bucket: &BucketId) -> BTreeMap<String, Totals> {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(1000),
        ..ListFileVersionsRequest::default()
    };
    let all: Vec<FileVersion> = paginate::file_versions(c.clone(), req)
        .map_ok(|p| p.items)
        .try_concat()
        .await
        .unwrap();
    // Versions of each name, in listing order (newest first).
    let mut by_name: BTreeMap<String, Vec<FileVersion>> = BTreeMap::new();
    for v in all.into_iter().filter(|v| v.action != FileAction::Start) {
        by_name.entry(v.file_name.clone()).or_default().push(v);
    }
    let mut out: BTreeMap<String, Totals> = BTreeMap::new();
    for (name, versions) in &by_name {
        let mut t = Totals::default();
        let older: u64 = versions[1..].iter().map(|v| v.content_length).sum();
        if versions[0].action == FileAction::Hide {
            t.hidden_files = 1;
            t.hidden_bytes = older;
        } else {
            t.current_files = 1;
            t.current_bytes = versions[0].content_length;
            t.old_versions = versions.len() as u64 - 1;
            t.old_bytes = older;
        }
        t.newest_upload_ms = versions
            .iter()
            .filter(|v| v.action != FileAction::Hide)
            .map(|v| v.upload_timestamp)
            .max()
            .unwrap_or(0);
        for f in folders_of(name) {
            out.entry(f).or_default().add(&t);
        }
    }
    let open: Vec<FileVersion> = paginate::unfinished_large_files(c.clone(), bucket.clone(), None)
        .map_ok(|p| p.items)
        .try_concat()
        .await
        .unwrap();
    for f in open {
        let parts = paginate::parts(c.clone(), f.file_id.clone().unwrap())
            .map_ok(|p| p.items)
            .try_concat()
            .await
            .unwrap();
        let t = Totals {
            unfinished_files: 1,
            unfinished_parts: parts.len() as u64,
            unfinished_bytes: parts.iter().map(|p| p.content_length).sum(),
            newest_upload_ms: f.upload_timestamp,
            ..Totals::default()
        };
        for folder in folders_of(&f.file_name) {
            out.entry(folder).or_default().add(&t);
        }
    }
    out
}

/// Hidden files, old versions, unfinished large files (with and without parts), nested
/// folders and a multibyte name.
async fn seed(c: &B2Client, bucket: &BucketId) {
    for len in [10, 20, 30] {
        upload(c, bucket, "a.txt", len).await;
    }
    upload(c, bucket, "docs/r.txt", 100).await;
    c.hide_file(bucket, "docs/r.txt").await.unwrap();
    upload(c, bucket, "docs/keep.txt", 5).await;
    upload(c, bucket, "docs/old/x.bin", 7).await;
    upload(c, bucket, "docs/old/x.bin", 8).await;
    upload(c, bucket, "docs/old/gone.txt", 3).await;
    upload(c, bucket, "docs/old/gone.txt", 4).await;
    c.hide_file(bucket, "docs/old/gone.txt").await.unwrap();
    upload(c, bucket, "docs/zzz/ünïcode name.txt", 11).await;
    unfinished(c, bucket, "docs/big.iso", &[10, 15]).await;
    unfinished(c, bucket, "top.iso", &[]).await;
}

#[tokio::test]
async fn usage_totals_equal_the_sums_of_a_full_version_listing() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("usage-totals", "allPrivate").await;
    seed(c, &bucket).await;
    let want = expected(c, &bucket).await;
    // The set-up covers every kind of total.
    let root = want[""];
    assert!(root.hidden_files == 2 && root.old_versions == 3 && root.unfinished_parts == 2);

    let mut live = Live::start(c.clone()).await;
    live.send(key('z')).await;
    assert_eq!(live.app.view, View::Usage);
    assert!(live.failures.is_empty(), "{:?}", live.failures);
    let scan = live.app.usage.scan().unwrap();
    assert_eq!(scan.status, ScanStatus::Complete);
    assert!(!scan.is_partial());
    for (folder, totals) in &want {
        let node = scan.tree.node(folder).unwrap_or_else(|| panic!("{folder}"));
        assert_eq!(&node.total, totals, "folder {folder:?}");
    }
    assert_eq!(scan.tree.len(), want.len(), "folders only, every one");
    assert_eq!(live.app.usage.shown_totals(), Some(root));

    // Drill into docs/ (the largest folder comes first), then docs/old/, then back up.
    let rows = live.app.usage.rows();
    assert_eq!(rows[0].folder.as_deref(), Some("docs/"));
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.usage.path, "docs/");
    assert_eq!(live.app.usage.shown_totals(), Some(want["docs/"]));
    let at = live
        .app
        .usage
        .rows()
        .iter()
        .position(|r| r.folder.as_deref() == Some("old/"))
        .unwrap();
    for _ in 0..at {
        live.send(key('j')).await;
    }
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.usage.path, "docs/old/");
    assert_eq!(live.app.usage.shown_totals(), Some(want["docs/old/"]));
    live.send(key('h')).await;
    assert_eq!(live.app.usage.path, "docs/");
    assert_eq!(live.app.usage.cursor, at, "the cursor is back on old/");

    // The screen shows the folder, its totals and the cost at the list price.
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    term.draw(|f| b2tui::ui::render(&live.app, f)).unwrap();
    let screen = common::app::screen(&term);
    assert!(screen.contains("b2://usage-totals/docs/"), "{screen}");
    assert!(screen.contains("old/"), "{screen}");
    assert!(screen.contains("list price $6.00/TB-month"), "{screen}");
    assert!(screen.contains("complete"), "{screen}");

    // R scans again: a new scan, the same totals.
    let before = live.app.usage.scan().unwrap().req;
    live.send(key('R')).await;
    let scan = live.app.usage.scan().unwrap();
    assert_ne!(scan.req, before);
    assert_eq!(scan.status, ScanStatus::Complete);
    assert_eq!(scan.tree.root().total, root);

    // `$` sets the price the estimate uses.
    live.send(key('$')).await;
    for _ in 0..3 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text("12.5").await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.usage.price_per_tb, 12.5);
    // Esc leaves the finished scan's view; 5 brings it back, kept.
    live.send(code(KeyCode::Esc)).await;
    assert_eq!(live.app.view, View::Browse);
    let sent = live.sent.len();
    live.send(key('5')).await;
    assert_eq!(live.app.view, View::Usage);
    assert_eq!(live.sent.len(), sent, "a kept scan is not made again");
}

/// The app and the real worker, one event at a time.
struct Stepper {
    app: App,
    cmd_tx: mpsc::UnboundedSender<Command>,
    evt_rx: mpsc::UnboundedReceiver<WorkerEvent>,
}

impl Stepper {
    fn press(&mut self, msg: Msg) {
        for cmd in self.app.update(msg).into_commands() {
            self.cmd_tx.send(cmd).unwrap();
        }
    }

    async fn next(&mut self) -> WorkerEvent {
        let ev = tokio::time::timeout(Duration::from_secs(60), self.evt_rx.recv())
            .await
            .expect("an event within 60 s")
            .expect("worker runs");
        self.press(Msg::Worker(ev.clone()));
        ev
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_scan_keeps_its_partial_totals() {
    // 30,000 names: a first page of 1,000, then pages of 10,000.
    let served = served::Served::start(&["--seed-bulk", "usage-cancel:big/:30000"]);
    let creds = Credentials::new(served::KEY_ID, served::KEY);
    let client = B2Client::authorize_with(&served.url, creds, ClientOptions::default())
        .await
        .unwrap();
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, evt_rx) = mpsc::unbounded_channel();
    worker::spawn(client.clone(), cmd_rx, evt_tx);
    let session = SessionInfo {
        deterministic: true,
        key: b2tui::tui::current_key(&client),
        ..SessionInfo::default()
    };
    let app = App::new(Keymap::default_keymap(), Theme::colored(), session);
    let mut s = Stepper {
        app,
        cmd_tx,
        evt_rx,
    };
    s.press(Msg::Resize {
        width: 120,
        height: 40,
    });
    let fx = s.app.start();
    for cmd in fx.into_commands() {
        s.cmd_tx.send(cmd).unwrap();
    }
    while !matches!(s.next().await, WorkerEvent::BucketsListed { .. }) {}
    s.press(key('z'));
    // The first page's totals are on screen while the scan runs.
    loop {
        if let WorkerEvent::Usage(UsageEvent::Progress { versions, .. }) = s.next().await
            && versions > 0
        {
            break;
        }
    }
    let scan = s.app.usage.scan().unwrap();
    assert!(scan.is_running());
    let first = u64::from(FIRST_PAGE_SIZE);
    assert_eq!(scan.tree.root().total.current_files, first);
    s.press(key('c'));
    let scan = s.app.usage.scan().unwrap();
    assert_eq!(scan.status, ScanStatus::Cancelled);
    // The scan ends; pages that were in flight do not change the kept totals.
    loop {
        if let WorkerEvent::Usage(UsageEvent::Finished { .. }) = s.next().await {
            break;
        }
    }
    let scan = s.app.usage.scan().unwrap();
    assert_eq!(scan.status, ScanStatus::Cancelled);
    assert!(scan.is_partial());
    assert_eq!(scan.versions, first);
    assert_eq!(scan.tree.root().total.current_files, first);
    assert_eq!(scan.tree.root().total.current_bytes, first, "one byte each");
    assert!(!s.app.is_loading());
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    term.draw(|f| b2tui::ui::render(&s.app, f)).unwrap();
    let screen = common::app::screen(&term);
    assert!(
        screen.contains("stopped (partial): 1,000 versions"),
        "{screen}"
    );

    // R scans the whole folder again.
    s.press(key('R'));
    loop {
        if let WorkerEvent::Usage(UsageEvent::Finished { .. }) = s.next().await {
            break;
        }
    }
    let scan = s.app.usage.scan().unwrap();
    assert_eq!(scan.status, ScanStatus::Complete);
    assert_eq!(scan.tree.root().total.current_files, 30_000);
    let big = scan.tree.node("big/").unwrap();
    assert_eq!(big.own.current_files, 30_000);
}

/// A client on a new key of `caps` for `bucket`, restricted to `prefix`.
async fn restricted(
    local: &common::Local,
    bucket: &BucketId,
    caps: &[&str],
    prefix: Option<&str>,
) -> B2Client {
    let req = CreateKeyRequest {
        key_name: "usage".to_owned(),
        capabilities: caps.iter().map(|c| (*c).to_owned()).collect(),
        bucket_ids: vec![bucket.clone()],
        name_prefix: prefix.map(str::to_owned),
        valid_duration_secs: None,
    };
    local.key_client(&req).await
}

#[tokio::test]
async fn a_prefix_key_scans_inside_its_prefix_and_a_key_without_list_files_is_told() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("usage-prefix", "allPrivate").await;
    seed(c, &bucket).await;
    let want = expected(c, &bucket).await;
    let scoped = restricted(
        &local,
        &bucket,
        &["listBuckets", "listFiles", "readFiles"],
        Some("docs/"),
    )
    .await;
    let mut live = Live::start(scoped).await;
    live.send(key('h')).await; // from the files pane (at the key's floor) to the bucket
    live.send(key('z')).await;
    assert!(live.failures.is_empty(), "{:?}", live.failures);
    let scan = live.app.usage.scan().unwrap();
    assert_eq!(scan.prefix, "docs/");
    assert_eq!(scan.status, ScanStatus::Complete);
    // b2_list_parts needs writeFiles: this key counts unfinished files without parts.
    assert!(scan.parts_unlisted);
    let without_parts = |t: &Totals| Totals {
        unfinished_parts: 0,
        unfinished_bytes: 0,
        ..*t
    };
    assert_eq!(scan.tree.root().total, without_parts(&want["docs/"]));
    assert_eq!(scan.tree.root().total.unfinished_files, 1);
    assert_eq!(scan.tree.node("old/").unwrap().total, want["docs/old/"]);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    term.draw(|f| b2tui::ui::render(&live.app, f)).unwrap();
    let screen = common::app::screen(&term);
    assert!(screen.contains("parts not listed"), "{screen}");

    // With writeFiles, the parts are summed too.
    let writer = restricted(
        &local,
        &bucket,
        &["listBuckets", "listFiles", "readFiles", "writeFiles"],
        Some("docs/"),
    )
    .await;
    let mut live = Live::start(writer).await;
    live.send(key('h')).await;
    live.send(key('z')).await;
    let scan = live.app.usage.scan().unwrap();
    assert!(!scan.parts_unlisted);
    assert_eq!(scan.tree.root().total, want["docs/"]);

    let blind = restricted(&local, &bucket, &["listBuckets", "readFiles"], None).await;
    let mut live = Live::start(blind).await;
    live.send(key('z')).await;
    assert!(live.app.usage.scan().is_none());
    assert!(
        live.sent.iter().all(|c| !matches!(c, Command::Usage(_))),
        "no scan that B2 would refuse"
    );
    match live.app.modals.last() {
        Some(b2tui::app::Modal::Error { message, .. }) => {
            assert!(message.contains("listFiles"), "{message}");
        }
        other => panic!("expected the unavailable dialog, got {other:?}"),
    }
}

/// The config file's `[usage] price_per_tb` is the price of the estimate from the start;
/// `$` changes it for the session, and the app of another profile keeps it.
#[tokio::test]
async fn the_price_comes_from_the_config_file_and_stays_for_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "[usage]\nprice_per_tb = 7.5\n").unwrap();
    let loaded = b2tui::config::accounts::load_from(&path);
    assert_eq!(loaded.error, None);

    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("usage-price", "allPrivate").await;
    upload(c, &bucket, "a.bin", 10).await;
    let mut app = App::new(Keymap::default_keymap(), Theme::colored(), session(c));
    app.set_capabilities(c.session().capabilities.clone());
    app.usage.configure(&loaded.config.usage);
    let mut live = Live::start_app(c.clone(), app).await;
    live.send(key('z')).await;
    assert_eq!(live.app.view, View::Usage);
    assert_eq!(live.app.usage.monthly_cost(2_000_000_000_000), 15.0);
    let screen = draw_usage(&live.app);
    assert!(
        screen.contains("$7.50/TB-month (from config.toml)"),
        "{screen}"
    );

    live.send(key('$')).await;
    for _ in 0..4 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text("4").await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.usage.monthly_cost(2_000_000_000_000), 8.0);
    assert!(draw_usage(&live.app).contains("$4.00/TB-month (set with $)"));

    // Another profile's app starts from the config, then takes the price of this session.
    let mut next = App::new(Keymap::default_keymap(), Theme::colored(), session(c));
    next.usage.configure(&loaded.config.usage);
    next.usage.keep_price_of(&live.app.usage);
    assert_eq!(next.usage.price_per_tb, 4.0);
    // Without a price anywhere, the list price, named as such.
    let fresh = App::new(Keymap::default_keymap(), Theme::colored(), session(c));
    let mut plain = fresh.usage.clone();
    plain.configure(&b2tui::config::UsageConfig::default());
    assert_eq!(plain.price_per_tb, b2tui::app::usage::LIST_PRICE_PER_TB);
}

fn session(c: &B2Client) -> SessionInfo {
    SessionInfo {
        account_id: c.account_id(),
        endpoint_label: "local".to_owned(),
        deterministic: true,
        key: b2tui::tui::current_key(c),
        ..SessionInfo::default()
    }
}

fn draw_usage(app: &App) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 30)).unwrap();
    term.draw(|f| b2tui::ui::render(app, f)).unwrap();
    common::app::screen(&term)
}
