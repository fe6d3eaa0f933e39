//! App flow: feed `Msg`s to `App::update`, check state and the commands it returns; and
//! render snapshots of each pane and modal state on a 100×30 test terminal.

mod common;
use common::app::{Drive, app, code, ctrl, key};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use b2tui::app::{App, Focus, Level, Modal, Msg, Row};
use b2tui::b2::{AccountId, Bucket, BucketId, FileAction, FileId, FileVersion};
use b2tui::config::Theme;
use b2tui::ui;
use b2tui::worker::{Command, Failure, RequestId, WorkerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

// 2026-11-20 14:02:33 UTC
const T0: i64 = 1_795_183_353_123;
const HOUR: i64 = 3_600_000;

fn bucket(name: &str, kind: &str) -> Bucket {
    Bucket {
        account_id: AccountId::from("3f2a9c1b7d00"),
        bucket_id: BucketId(format!("id-{name}")),
        bucket_name: name.to_owned(),
        bucket_type: kind.to_owned(),
        bucket_info: BTreeMap::new(),
        cors_rules: Vec::new(),
        lifecycle_rules: Vec::new(),
        options: Vec::new(),
        revision: 1,
    }
}

fn buckets() -> Vec<Bucket> {
    vec![
        bucket("backups", "allPrivate"),
        bucket("photos-2026", "allPrivate"),
        bucket("www-public", "allPublic"),
    ]
}

fn version(name: &str, action: FileAction, size: u64, ts: i64, id: &str) -> FileVersion {
    FileVersion {
        account_id: None,
        action,
        bucket_id: Some(BucketId::from("id-photos-2026")),
        content_length: size,
        content_sha1: None,
        content_md5: None,
        content_type: None,
        file_id: Some(FileId::from(id)),
        file_info: BTreeMap::new(),
        file_name: name.to_owned(),
        upload_timestamp: ts,
        replication_status: None,
    }
}

fn file(name: &str, size: u64, ts: i64) -> FileVersion {
    version(name, FileAction::Upload, size, ts, &format!("fid-{name}"))
}

fn folder(name: &str) -> FileVersion {
    FileVersion {
        file_id: None,
        ..version(name, FileAction::Folder, 0, 0, "")
    }
}

fn type_text(app: &mut App, text: &str) -> Vec<Command> {
    text.chars().flat_map(|c| app.send(key(c))).collect()
}

fn only_req(cmds: &[Command]) -> RequestId {
    assert_eq!(cmds.len(), 1, "expected one command, got {cmds:?}");
    cmds[0].req()
}

/// An app with buckets listed and `photos-2026` opened; returns the folder request.
fn opened() -> (App, RequestId) {
    let mut app = app();
    let req = only_req(&app.begin());
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: buckets(),
    }));
    app.send(key('j'));
    let cmds = app.send(code(KeyCode::Enter));
    let req = only_req(&cmds);
    (app, req)
}

fn page(req: RequestId, entries: Vec<FileVersion>, next: Option<&str>) -> Msg {
    Msg::Worker(WorkerEvent::FilesListed {
        req,
        entries,
        next: next.map(str::to_owned),
    })
}

fn root_entries() -> Vec<FileVersion> {
    vec![
        folder("alps/"),
        folder("trips/"),
        file("report.txt", 1_200_000, T0),
        file("sunset.jpg", 4_830_000, T0 - 21 * 24 * HOUR),
        file("sunrise.jpg", 3_100_000, T0 - 40 * 24 * HOUR),
    ]
}

/// `photos-2026` opened with the root page loaded (no more pages).
fn browsing() -> App {
    let (mut app, req) = opened();
    let cmds = app.send(page(req, root_entries(), None));
    assert!(cmds.is_empty());
    app
}

fn many(prefix: &str, from: usize, n: usize) -> Vec<FileVersion> {
    (from..from + n)
        .map(|i| file(&format!("{prefix}{i:06}.bin"), 1000, T0))
        .collect()
}

fn select_row_named(app: &mut App, name: &str) {
    app.send(key('g'));
    for _ in 0..app.files.row_count() {
        if app.files.selected_name() == Some(name) {
            return;
        }
        app.send(key('j'));
    }
    panic!("{name} not found");
}

// ---------------------------------------------------------------------------------------
// Update tests

#[test]
fn start_lists_buckets_and_drops_stale_answers() {
    let mut app = app();
    let cmds = app.begin();
    let req = only_req(&cmds);
    assert_eq!(cmds, vec![Command::ListBuckets { req }]);
    assert!(app.is_loading());
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req: RequestId(999),
        buckets: buckets(),
    }));
    assert!(
        app.buckets.buckets.is_empty(),
        "stale answer must be dropped"
    );
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: buckets(),
    }));
    assert_eq!(app.buckets.buckets.len(), 3);
    assert!(!app.is_loading());
    assert_eq!(app.focus, Focus::Buckets);
}

#[test]
fn opening_a_bucket_lists_its_root() {
    let (app, req) = opened();
    assert_eq!(app.focus, Focus::Files);
    assert_eq!(
        app.files.bucket.as_ref().map(|b| b.name.as_str()),
        Some("photos-2026")
    );
    assert_eq!(app.files.prefix, "");
    assert_eq!(app.files.pending, Some(req));
    // Same command again, checked field by field.
    let mut app2 = app;
    app2.send(code(KeyCode::BackTab));
    assert_eq!(app2.focus, Focus::Buckets);
    // Re-opening the open bucket only moves focus.
    let cmds = app2.send(key('l'));
    assert!(cmds.is_empty());
    assert_eq!(app2.focus, Focus::Files);
}

#[test]
fn open_bucket_command_fields() {
    let mut app = app();
    let req = only_req(&app.begin());
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: buckets(),
    }));
    let cmds = app.send(code(KeyCode::Enter));
    match &cmds[..] {
        [
            Command::ListFiles {
                bucket,
                prefix,
                start,
                ..
            },
        ] => {
            assert_eq!(bucket, &BucketId::from("id-backups"));
            assert_eq!(prefix, "");
            assert_eq!(start, &None);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn entering_and_leaving_folders() {
    let mut app = browsing();
    assert_eq!(app.files.row_count(), 5, "no `..` at the bucket root");
    select_row_named(&mut app, "trips/");
    let cmds = app.send(code(KeyCode::Enter));
    let req = only_req(&cmds);
    assert_eq!(
        cmds[0],
        Command::ListFiles {
            req,
            bucket: BucketId::from("id-photos-2026"),
            prefix: "trips/".to_owned(),
            start: None,
        }
    );
    app.send(page(
        req,
        vec![folder("trips/2025/"), file("trips/a.txt", 10, T0)],
        None,
    ));
    assert_eq!(app.files.row(0), Some(Row::Parent));
    assert_eq!(app.files.row_count(), 3);
    // Into trips/2025/ and straight back with Backspace.
    select_row_named(&mut app, "trips/2025/");
    let req = only_req(&app.send(key('l')));
    app.send(page(req, vec![file("trips/2025/x.jpg", 5, T0)], None));
    let cmds = app.send(code(KeyCode::Backspace));
    let req = only_req(&cmds);
    assert!(matches!(&cmds[0], Command::ListFiles { prefix, .. } if prefix == "trips/"));
    app.send(page(
        req,
        vec![folder("trips/2025/"), file("trips/a.txt", 10, T0)],
        None,
    ));
    assert_eq!(
        app.files.selected_name(),
        Some("trips/2025/"),
        "reselects the folder left"
    );
    // Enter on `..` goes up too.
    app.send(key('g'));
    let cmds = app.send(code(KeyCode::Enter));
    let req = only_req(&cmds);
    assert!(matches!(&cmds[0], Command::ListFiles { prefix, .. } if prefix.is_empty()));
    app.send(page(req, root_entries(), None));
    assert_eq!(app.files.selected_name(), Some("trips/"));
    // h at the bucket root moves focus to the buckets pane.
    let cmds = app.send(key('h'));
    assert!(cmds.is_empty());
    assert_eq!(app.focus, Focus::Buckets);
}

#[test]
fn paging_loads_ahead_within_the_window_only() {
    let (mut app, req) = opened();
    let mut req = req;
    // Pages keep coming while fewer than 5,000 loaded names are below the cursor.
    for n in 1..=4 {
        let cmds = app.send(page(req, many("f", (n - 1) * 1000, 1000), Some("next")));
        req = only_req(&cmds);
        assert!(
            matches!(&cmds[0], Command::ListFiles { start: Some(s), .. } if s == "next"),
            "page {n}: {cmds:?}"
        );
        assert_eq!(app.files.entries.len(), n * 1000);
    }
    let cmds = app.send(page(req, many("f", 4000, 1000), Some("f005000.bin")));
    assert!(cmds.is_empty(), "5,000 loaded below the cursor: stop");
    assert_eq!(app.files.next.as_deref(), Some("f005000.bin"));
    // One step down leaves 4,999 below the cursor: the next page is asked for.
    let req = only_req(&app.send(key('j')));
    let cmds = app.send(page(req, many("f", 5000, 1000), Some("f006000.bin")));
    assert!(cmds.is_empty(), "5,999 below the cursor");
    assert!(app.send(key('j')).is_empty(), "5,998 below the cursor");
    // G goes to the loaded bottom and thereby asks for the next page.
    let cmds = app.send(key('G'));
    assert_eq!(app.files.cursor.selected, 5999);
    let req = only_req(&cmds);
    assert!(matches!(&cmds[0], Command::ListFiles { start: Some(s), .. } if s == "f006000.bin"));
    // Only one page in flight at a time.
    assert!(app.send(key('k')).is_empty());
    // The last page ends the folder; no more requests.
    let cmds = app.send(page(req, many("f", 6000, 10), None));
    assert!(cmds.is_empty());
    assert_eq!(app.files.entries.len(), 6010);
    assert!(app.send(key('G')).is_empty());
}

#[test]
fn stale_pages_are_dropped() {
    let (mut app, first) = opened();
    app.send(page(first, root_entries(), None));
    select_row_named(&mut app, "alps/");
    let alps = only_req(&app.send(code(KeyCode::Enter)));
    // The user goes back up before alps/ answered.
    let up = only_req(&app.send(code(KeyCode::Backspace)));
    assert_ne!(alps, up);
    let cmds = app.send(page(alps, vec![file("alps/peak.jpg", 1, T0)], Some("more")));
    assert!(cmds.is_empty());
    assert!(app.files.entries.is_empty());
    assert_eq!(app.files.prefix, "");
    assert_eq!(app.files.pending, Some(up));
    // A failure for the abandoned request is dropped too.
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req: alps,
        error: Failure::B2 {
            status: 400,
            code: "bad_request".to_owned(),
            message: "x".to_owned(),
        },
    }));
    assert!(app.modals.is_empty());
    assert_eq!(app.files.pending, Some(up));
}

#[test]
fn versions_are_requested_for_the_settled_selection() {
    let mut app = browsing();
    let now = Instant::now();
    // Cursor starts on alps/ (a folder): nothing to list.
    assert!(app.send(Msg::Tick { now }).is_empty());
    assert!(app.versions.target.is_none());
    // Walk over two files between ticks: only the last one is listed.
    app.send(key('j')); // trips/
    app.send(key('j')); // report.txt
    assert!(app.send(key('j')).is_empty()); // sunset.jpg
    let cmds = app.send(Msg::Tick { now });
    let req = only_req(&cmds);
    assert_eq!(
        cmds[0],
        Command::ListVersions {
            req,
            bucket: BucketId::from("id-photos-2026"),
            file_name: "sunset.jpg".to_owned(),
        }
    );
    assert!(app.send(Msg::Tick { now }).is_empty(), "asked once");
    // Move on before the answer: the old answer is stale.
    app.send(key('j')); // sunrise.jpg
    let req2 = only_req(&app.send(Msg::Tick { now }));
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: vec![file("sunset.jpg", 1, T0)],
        done: true,
    }));
    assert!(app.versions.versions.is_empty());
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req: req2,
        versions: vec![file("sunrise.jpg", 1, T0)],
        done: false,
    }));
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req: req2,
        versions: vec![file("sunrise.jpg", 2, T0 - HOUR)],
        done: true,
    }));
    assert_eq!(app.versions.versions.len(), 2);
    assert!(app.versions.loaded);
    assert_eq!(app.versions.current_index(), Some(0));
    // Enter on a file focuses the versions pane; h goes back.
    app.send(code(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Versions);
    app.send(key('j'));
    assert_eq!(app.versions.cursor.selected, 1);
    app.send(key('h'));
    assert_eq!(app.focus, Focus::Files);
    // Back onto a folder: the versions pane empties.
    app.send(key('g'));
    assert!(app.versions.target.is_none());
}

#[test]
fn enter_on_a_file_requests_versions_at_once() {
    let mut app = browsing();
    select_row_named(&mut app, "report.txt");
    let cmds = app.send(code(KeyCode::Enter));
    assert!(
        matches!(&cmds[..], [Command::ListVersions { file_name, .. }] if file_name == "report.txt")
    );
    assert_eq!(app.focus, Focus::Versions);
}

#[test]
fn hidden_newest_version_has_no_current_marker() {
    let mut app = browsing();
    select_row_named(&mut app, "report.txt");
    let req = only_req(&app.send(code(KeyCode::Enter)));
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: vec![
            version("report.txt", FileAction::Hide, 0, T0, "v3"),
            file("report.txt", 1, T0 - HOUR),
        ],
        done: true,
    }));
    assert_eq!(app.versions.current_index(), None);
}

#[test]
fn filter_narrows_loaded_names() {
    let mut app = browsing();
    app.send(key('/'));
    assert!(app.files.filter.editing);
    // Typed letters go to the filter, not to the keymap (q would quit).
    for c in "SUNq".chars() {
        assert!(!app.update(key(c)).has_quit());
    }
    assert_eq!(app.files.filter.input.value(), "SUNq");
    assert_eq!(app.files.row_count(), 0);
    app.send(code(KeyCode::Backspace));
    assert_eq!(
        app.files.row_count(),
        2,
        "case-insensitive: sunset, sunrise"
    );
    assert_eq!(app.files.selected_name(), Some("sunset.jpg"));
    app.send(code(KeyCode::Down));
    assert_eq!(app.files.selected_name(), Some("sunrise.jpg"));
    // Enter keeps the filter; keys act on the list again.
    app.send(code(KeyCode::Enter));
    assert!(!app.files.filter.editing);
    assert!(app.files.filter.is_active());
    app.send(key('k'));
    assert_eq!(app.files.selected_name(), Some("sunset.jpg"));
    // Esc clears it and keeps the selection.
    app.send(code(KeyCode::Esc));
    assert!(!app.files.filter.is_active());
    assert_eq!(app.files.row_count(), 5);
    assert_eq!(app.files.selected_name(), Some("sunset.jpg"));
    // Esc while typing drops the filter at once.
    app.send(key('/'));
    type_text(&mut app, "alps");
    assert_eq!(app.files.row_count(), 1);
    app.send(code(KeyCode::Esc));
    assert!(!app.files.filter.is_active());
    assert_eq!(app.files.row_count(), 5);
}

#[test]
fn filter_applies_to_pages_arriving_later() {
    let (mut app, req) = opened();
    app.send(key('/'));
    type_text(&mut app, "7");
    let cmds = app.send(page(req, many("f", 0, 20), None));
    assert!(cmds.is_empty());
    assert_eq!(app.files.match_count(), 2); // f000007, f000017
}

#[test]
fn help_modal_takes_keys_first() {
    let mut app = browsing();
    app.send(key('?'));
    assert_eq!(app.modals, vec![Modal::Help { scroll: 0 }]);
    app.send(key('j'));
    assert_eq!(app.modals, vec![Modal::Help { scroll: 1 }]);
    assert_eq!(app.files.cursor.selected, 0, "the pane did not move");
    assert!(
        !app.update(key('q')).has_quit(),
        "q closes the help, not the app"
    );
    assert!(app.modals.is_empty());
}

#[test]
fn listing_errors_open_a_modal_transient_ones_notify() {
    let (mut app, req) = opened();
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::B2 {
            status: 401,
            code: "unauthorized".to_owned(),
            message: "bucket restricted to another key".to_owned(),
        },
    }));
    assert!(app.files.pending.is_none());
    match app.modals.last() {
        Some(Modal::Error { title, message }) => {
            assert_eq!(title, "Could not list files");
            assert!(message.contains("unauthorized"));
            assert!(message.contains("bucket restricted to another key"));
            assert!(message.contains("capability"), "says what to do: {message}");
        }
        other => panic!("expected an error modal, got {other:?}"),
    }
    // The modal blocks pane keys until closed.
    app.send(key('R'));
    assert_eq!(app.modals.len(), 1);
    app.send(code(KeyCode::Esc));
    assert!(app.modals.is_empty());
    // A transient failure goes to the status line; R retries.
    let req = only_req(&app.send(key('R')));
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::B2 {
            status: 503,
            code: "service_unavailable".to_owned(),
            message: "service unavailable".to_owned(),
        },
    }));
    assert!(app.modals.is_empty());
    let n = app.notification.clone().expect("a notification");
    assert_eq!(n.level, Level::Warn);
    assert!(n.text.contains("R to retry"));
    // Cleared by the next key.
    app.send(key('j'));
    assert!(app.notification.is_none());
}

#[test]
fn notifications_time_out_on_ticks() {
    let mut app = browsing();
    app.notify(Level::Info, "hello");
    let t = Instant::now();
    app.send(Msg::Tick { now: t });
    app.send(Msg::Tick {
        now: t + Duration::from_secs(4),
    });
    assert!(app.notification.is_some());
    app.send(Msg::Tick {
        now: t + Duration::from_secs(5),
    });
    assert!(app.notification.is_none());
}

#[test]
fn a_failed_page_stops_loading_ahead_until_refresh() {
    let (mut app, req) = opened();
    let req = only_req(&app.send(page(req, many("f", 0, 1000), Some("n"))));
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::Network("timeout".to_owned()),
    }));
    assert!(app.send(key('G')).is_empty(), "no retry loop on every key");
    let cmds = app.send(key('R'));
    assert!(matches!(
        &cmds[..],
        [Command::ListFiles { start: None, .. }]
    ));
    assert!(app.files.entries.is_empty());
}

#[test]
fn pane_switching_and_quit() {
    let mut app = browsing();
    app.send(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Versions);
    app.send(code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Buckets);
    app.send(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.focus, Focus::Versions);
    assert!(app.update(key('q')).has_quit());
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut app = browsing();
    app.send(key('/'));
    assert!(app.update(ctrl('c')).has_quit());
    let mut app = browsing();
    app.send(key('?'));
    assert!(app.update(ctrl('c')).has_quit());
}

#[test]
fn page_keys_use_the_terminal_height() {
    let (mut app, req) = opened();
    app.send(Msg::Resize {
        width: 100,
        height: 30,
    });
    app.send(page(req, many("f", 0, 100), None));
    app.send(code(KeyCode::PageDown));
    assert_eq!(app.files.cursor.selected, 25);
    app.send(code(KeyCode::PageUp));
    assert_eq!(app.files.cursor.selected, 0);
}

// ---------------------------------------------------------------------------------------
// Render snapshots (100×30)

fn draw(app: &App) -> Terminal<TestBackend> {
    draw_sized(app, 100, 30)
}

fn draw_sized(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| ui::render(app, f)).unwrap();
    term
}

fn versions_fixture() -> Vec<FileVersion> {
    vec![
        version("report.txt", FileAction::Upload, 1_200_000, T0, "v4"),
        version(
            "report.txt",
            FileAction::Upload,
            1_100_000,
            T0 - 28 * HOUR,
            "v3",
        ),
        version("report.txt", FileAction::Hide, 0, T0 - 45 * HOUR, "v2"),
        version(
            "report.txt",
            FileAction::Upload,
            900_000,
            T0 - 19 * 24 * HOUR,
            "v1",
        ),
    ]
}

#[test]
fn snapshot_buckets_focused() {
    let mut app = app();
    let req = only_req(&app.begin());
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: buckets(),
    }));
    app.send(key('j'));
    insta::assert_snapshot!("buckets_focused", draw(&app).backend());
}

#[test]
fn snapshot_files_loading() {
    let (mut app, req) = opened();
    app.send(page(req, root_entries(), None));
    select_row_named(&mut app, "trips/");
    let req = only_req(&app.send(code(KeyCode::Enter)));
    let mut entries = vec![
        folder("trips/2024/"),
        folder("trips/2025/"),
        file("trips/budget.ods", 48_213, T0 - 3 * HOUR),
        file("trips/evil\u{1b}[2Jname.txt", 12, T0 - 5 * HOUR),
    ];
    entries.extend((0..996).map(|i| file(&format!("trips/img_{i:04}.jpg"), 2_400_000 + i, T0)));
    // The first page arrives and the next one is asked for at once.
    let cmds = app.send(page(req, entries, Some("trips/img_0996.jpg")));
    assert_eq!(cmds.len(), 1);
    app.send(key('j'));
    app.send(key('j'));
    app.send(key('j'));
    insta::assert_snapshot!("files_loading", draw(&app).backend());
}

#[test]
fn snapshot_versions_with_hide_marker() {
    let mut app = browsing();
    select_row_named(&mut app, "report.txt");
    let req = only_req(&app.send(code(KeyCode::Enter)));
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: versions_fixture(),
        done: true,
    }));
    app.send(key('j'));
    insta::assert_snapshot!("versions_pane", draw(&app).backend());
}

#[test]
fn snapshot_help_overlay() {
    let mut app = browsing();
    app.send(key('?'));
    insta::assert_snapshot!("help_overlay", draw(&app).backend());
}

#[test]
fn keys_typed_while_a_folder_loads_apply_when_it_arrives() {
    let mut app = browsing();
    select_row_named(&mut app, "trips/");
    let req = only_req(&app.send(code(KeyCode::Enter)));
    app.send(page(req, vec![file("trips/a.txt", 10, T0)], None));
    // h j Enter typed at once: up to the root, one row down from trips/, open it.
    let up = only_req(&app.send(key('h')));
    assert!(app.send(key('j')).is_empty(), "nothing to move over yet");
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    let cmds = app.send(page(up, root_entries(), None));
    assert_eq!(
        app.files.selected_name(),
        Some("report.txt"),
        "j moved from the folder left"
    );
    assert!(
        !cmds.iter().any(|c| matches!(c, Command::ListFiles { .. })),
        "Enter on a file opens no folder: {cmds:?}"
    );
    assert_eq!(
        app.focus,
        Focus::Versions,
        "Enter on a file focuses its versions"
    );
    // Keys queued behind a folder that opens wait for that folder in turn.
    app.send(key('h'));
    select_row_named(&mut app, "alps/");
    let alps = only_req(&app.send(code(KeyCode::Enter)));
    app.send(key('j'));
    app.send(key('j'));
    app.send(page(
        alps,
        vec![
            file("alps/a.jpg", 1, T0),
            file("alps/b.jpg", 1, T0),
            file("alps/c.jpg", 1, T0),
        ],
        None,
    ));
    assert_eq!(
        app.files.selected_name(),
        Some("alps/b.jpg"),
        ".. is the first row"
    );
    // q still quits at once while a listing is in flight.
    app.send(key('h'));
    assert!(app.update(key('q')).has_quit());
}

#[test]
fn snapshot_error_popup() {
    let (mut app, req) = opened();
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::B2 {
            status: 401,
            code: "unauthorized".to_owned(),
            message: "not authorized to list files in this bucket".to_owned(),
        },
    }));
    insta::assert_snapshot!("error_popup", draw(&app).backend());
}

#[test]
fn snapshot_filter_active() {
    let mut app = browsing();
    app.send(key('/'));
    type_text(&mut app, "sun");
    insta::assert_snapshot!("filter_active", draw(&app).backend());
}

#[test]
fn snapshot_narrow_terminal_folds_buckets() {
    let mut app = browsing();
    select_row_named(&mut app, "report.txt");
    app.notify(
        Level::Warn,
        "Listing versions failed (service_unavailable: busy); press R to retry",
    );
    insta::assert_snapshot!("narrow_files", draw_sized(&app, 72, 16).backend());
}

#[test]
fn focused_pane_border_is_bright_and_no_color_has_none() {
    let app = browsing();
    let term = draw(&app);
    let buf = term.backend().buffer();
    // Files pane starts at x = 20 (20% of 100); its top-left corner is the focused border.
    let focused = app.theme.border_focused;
    assert_eq!(buf[(20, 1)].fg, focused.fg.unwrap());
    assert_eq!(buf[(0, 1)].fg, app.theme.border.fg.unwrap());

    let mut mono = browsing();
    mono.theme = Theme::monochrome();
    mono.update(key('j'));
    let term = draw(&mono);
    let buf = term.backend().buffer();
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "{cell:?}");
    }
    // The selected row (trips/, row 1 of the list) is still reversed.
    let sel = &buf[(22, 3)];
    assert!(
        sel.modifier.contains(ratatui::style::Modifier::REVERSED),
        "{sel:?}"
    );
}

#[test]
fn hide_markers_are_dim() {
    let mut app = browsing();
    select_row_named(&mut app, "report.txt");
    let req = only_req(&app.send(code(KeyCode::Enter)));
    app.send(Msg::Worker(WorkerEvent::VersionsListed {
        req,
        versions: versions_fixture(),
        done: true,
    }));
    let term = draw(&app);
    let buf = term.backend().buffer();
    // Versions pane starts at x = 65; rows start at y = 2; the hide marker is the third.
    let dim = ratatui::style::Modifier::DIM;
    assert!(buf[(70, 4)].modifier.contains(dim), "{:?}", buf[(70, 4)]);
    assert!(!buf[(70, 3)].modifier.contains(dim), "{:?}", buf[(70, 3)]);
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut app = browsing();
    app.send(key('?'));
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 8), (79, 24)] {
        draw_sized(&app, w, h);
    }
    app.send(code(KeyCode::Esc));
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req: RequestId(0),
        error: Failure::Local("x".to_owned()),
    }));
    app.modals.push(Modal::Error {
        title: "t".to_owned(),
        message: "m\n\nlong ".repeat(40),
    });
    for (w, h) in [(1, 1), (10, 3), (30, 6)] {
        draw_sized(&app, w, h);
    }
}

#[test]
fn long_bucket_names_end_in_an_ellipsis() {
    let mut app = app();
    let req = only_req(&app.begin());
    app.send(Msg::Worker(WorkerEvent::BucketsListed {
        req,
        buckets: vec![bucket("nightly-database-backups-eu-central", "allPrivate")],
    }));
    let term = draw_sized(&app, 120, 40);
    let buf = term.backend().buffer();
    let row: String = (0..buf.area.width)
        .map(|x| buf[(x, 2)].symbol().to_owned())
        .collect();
    assert!(row.contains("nightly-databa…"), "{row}");
    assert!(row.contains("priv"), "the type column stays: {row}");
}

/// The footer row of a screen, as text.
fn footer_row(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let y = buf.area.height - 1;
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol())
        .collect::<String>()
}

#[test]
fn browsing_the_past_the_footer_says_esc_returns_to_the_present() {
    let mut app = browsing();
    app.send(key('T'));
    type_text(&mut app, "2026-11-01 08:00");
    app.send(code(KeyCode::Enter));
    assert!(app.restore.as_of.is_some());
    for (w, h) in [(80, 24), (100, 30), (120, 30)] {
        let footer = footer_row(&draw_sized(&app, w, h));
        assert!(
            footer.trim_start().starts_with("Esc back to the present"),
            "{w}x{h}: {footer}"
        );
    }
    // Only in the files pane, where Esc does it.
    app.send(code(KeyCode::Tab));
    assert_ne!(app.focus, Focus::Files);
    assert!(!footer_row(&draw(&app)).contains("back to the present"));
    app.focus = Focus::Files;
    app.send(code(KeyCode::Esc));
    assert_eq!(app.restore.as_of, None);
    assert!(!footer_row(&draw(&app)).contains("back to the present"));
}

#[test]
fn files_footer_shows_the_main_keys_first() {
    let app = browsing();
    assert_eq!(app.focus, Focus::Files);
    let main = " ⏎ open  u upload  d download  D delete (hide)  s share  T time travel  ? help  ";
    let footer = footer_row(&draw_sized(&app, 120, 30));
    assert!(footer.starts_with(main), "{footer}");
    // The rest as room allows, quit last.
    assert!(
        footer.starts_with(&format!("{main}⌫ up a level  / filter")),
        "{footer}"
    );
    assert!(footer.trim_end().ends_with("q quit"), "{footer}");
    // At 80 columns help and quit still show.
    let footer = footer_row(&draw_sized(&app, 80, 24));
    assert!(
        footer.contains("? help") && footer.contains("q quit"),
        "{footer}"
    );
    assert!(
        footer.starts_with(" ⏎ open  u upload  d download"),
        "{footer}"
    );
}
