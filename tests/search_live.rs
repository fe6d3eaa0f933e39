//! Search the bucket (`F`), the app on the real worker against a local B2 seeded with a
//! few thousand names in nested folders: every match is found exactly once (checked
//! against a full recursive listing), for substrings, globs and regexes; a bad pattern is
//! named in the prompt; a cancel stops the scan (the local B2 sees no more list calls);
//! the results open their folder on the name, download with the right SHA-1, and hide.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use b2tui::app::{App, Focus, Modal, Msg};
use b2tui::b2::{B2Client, BucketId, ListFileNamesRequest, UploadMeta, paginate};
use b2tui::emulator::{self, Emulator};
use b2tui::worker::search::{SearchCommand, SearchEnd};
use b2tui::worker::{self, Command, WorkerEvent};
use bytes::Bytes;
use common::app::{code, key};
use common::live::Live;
use crossterm::event::KeyCode;
use futures::TryStreamExt;
use tokio::sync::mpsc;

const BUCKET: &str = "search-tree";

/// Folders and how many `{folder}{i:08}.dat` names each holds.
const TREE: [(&str, usize); 5] = [
    ("logs/2025/", 1500),
    ("logs/2026/app/", 1500),
    ("photos/", 800),
    ("a/b/c/d/", 200),
    ("", 300),
];

/// Names uploaded one by one, with their bytes.
const UPLOADED: [(&str, &str); 4] = [
    ("docs/Report Final.txt", "the final report\n"),
    ("docs/report-old.txt", "an old report\n"),
    ("docs/été/crème brûlée.txt", "dessert\n"),
    ("photos/00000077.dat.bak", "a backup\n"),
];

struct Seeded {
    local: common::Local,
    bucket: BucketId,
    _dir: tempfile::TempDir,
}

/// A local B2 with [`TREE`] put straight into its store (the bulk seeder), then
/// [`UPLOADED`] over HTTP; `extra` more names under `bulk/` when asked.
async fn seeded(extra: usize) -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let config = emulator::Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..emulator::Config::default()
    };
    {
        let emu = Emulator::open(config.clone()).unwrap();
        for (folder, count) in TREE {
            emulator::seed::bulk(emu.store(), BUCKET, folder, count).unwrap();
        }
        if extra > 0 {
            emulator::seed::bulk(emu.store(), BUCKET, "bulk/", extra).unwrap();
        }
    }
    let local = common::start_with(config, common::fast_retry()).await;
    let buckets = local.client.list_buckets().await.unwrap();
    let bucket = buckets
        .iter()
        .find(|b| b.bucket_name == BUCKET)
        .unwrap()
        .bucket_id
        .clone();
    for (name, body) in UPLOADED {
        let meta = UploadMeta {
            file_name: name.to_owned(),
            ..UploadMeta::default()
        };
        local
            .client
            .upload_bytes(&bucket, &meta, Bytes::from_static(body.as_bytes()))
            .await
            .unwrap();
    }
    Seeded {
        local,
        bucket,
        _dir: dir,
    }
}

/// Every name under `prefix`, from a full recursive listing with the client.
async fn all_names(client: &B2Client, bucket: &BucketId, prefix: &str) -> Vec<String> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        start_file_name: None,
        max_file_count: Some(1000),
        prefix: Some(prefix.to_owned()),
        delimiter: None,
    };
    let pages: Vec<_> = paginate::file_names(client.clone(), req)
        .try_collect()
        .await
        .unwrap();
    pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|v| v.file_name)
        .collect()
}

/// The app with the bucket open at `folder`.
async fn app_at(s: &Seeded, folder: &str) -> Live {
    let mut live = Live::start(s.local.client.clone()).await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.files.bucket.as_ref().unwrap().name, BUCKET);
    if !folder.is_empty() {
        go_to(&mut live, folder).await;
    }
    live
}

/// `:` to `folder` of the bucket.
async fn go_to(live: &mut Live, folder: &str) {
    live.send(key(':')).await;
    for _ in 0..64 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text(&format!("b2://{BUCKET}/{folder}")).await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.files.prefix, folder);
}

/// Opens the search, types `pattern` over whatever was there and runs it to the end.
async fn search(live: &mut Live, pattern: &str) {
    live.send(key('F')).await;
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: true })
    );
    for _ in 0..64 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text(pattern).await;
    live.send(code(KeyCode::Enter)).await;
    let s = live.app.search.as_ref().unwrap();
    assert!(!s.running, "the scan ended");
    assert_eq!(s.end, Some(SearchEnd::Done));
    assert_eq!(s.failed, None);
}

/// The names found, checked to be there once each.
fn found(live: &Live) -> Vec<String> {
    let s = live.app.search.as_ref().unwrap();
    let names: Vec<String> = s.hits.iter().map(|h| h.name.clone()).collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "no match twice");
    assert_eq!(s.matched, names.len() as u64);
    names
}

fn expected(all: &[String], prefix: &str, want: impl Fn(&str) -> bool) -> Vec<String> {
    all.iter()
        .filter(|n| want(&n[prefix.len()..]))
        .cloned()
        .collect()
}

fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn every_match_is_found_exactly_once_for_each_kind_of_pattern() {
    let s = seeded(0).await;
    let all = all_names(&s.local.client, &s.bucket, "").await;
    assert_eq!(all.len(), 4300 + UPLOADED.len());
    let mut live = app_at(&s, "").await;

    search(&mut live, "0000012").await;
    let want = expected(&all, "", |n| n.contains("0000012"));
    assert!(want.len() > 10);
    assert_eq!(found(&live), want);
    let scanned = live.app.search.as_ref().unwrap().scanned;
    assert_eq!(scanned, all.len() as u64, "every name was scanned");

    // Lower case finds any case; a capital makes it exact.
    search(&mut live, "report").await;
    assert_eq!(
        found(&live),
        ["docs/Report Final.txt", "docs/report-old.txt"]
    );
    search(&mut live, "Report").await;
    assert_eq!(found(&live), ["docs/Report Final.txt"]);
    search(&mut live, "crème").await;
    assert_eq!(found(&live), ["docs/été/crème brûlée.txt"]);

    // A glob without `/` is matched against the last segment, at any depth.
    search(&mut live, "*12?.dat").await;
    let want = expected(&all, "", |n| {
        let b = base(n);
        b.len() >= 7 && b.ends_with(".dat") && b[..b.len() - 5].ends_with("12")
    });
    assert!(want.len() > 20);
    assert_eq!(found(&live), want);

    // With `/`, over the whole name; `*` stays in one level.
    search(&mut live, "logs/*/0000001?.dat").await;
    let want = expected(&all, "", |n| {
        n.starts_with("logs/2025/0000001") && n.len() == "logs/2025/00000010.dat".len()
    });
    assert_eq!(want.len(), 10);
    assert_eq!(found(&live), want);
    search(&mut live, "logs/**/0000001?.dat").await;
    assert_eq!(found(&live).len(), 20);

    search(&mut live, r"re:^photos/0+7\d\.dat").await;
    let want = expected(&all, "", |n| {
        n.starts_with("photos/000000") && n.len() >= 19 && n.as_bytes()[13] == b'7'
    });
    assert_eq!(want.len(), 11, "70..79 and the .bak"); // 00000070..79 and 00000077.dat.bak
    assert_eq!(found(&live), want);
}

#[tokio::test]
async fn a_search_covers_only_the_folder_shown_and_matches_below_it() {
    let s = seeded(0).await;
    let all = all_names(&s.local.client, &s.bucket, "logs/").await;
    let mut live = app_at(&s, "logs/").await;
    search(&mut live, "re:^20").await;
    // Matched below `logs/`: every name there starts with 2025/ or 2026/.
    assert_eq!(found(&live), all);
    assert_eq!(live.app.search.as_ref().unwrap().scanned, 3000);
    search(&mut live, "re:^logs").await;
    assert!(found(&live).is_empty());
}

#[tokio::test]
async fn a_bad_pattern_is_named_in_the_prompt_and_nothing_is_scanned() {
    let s = seeded(0).await;
    let mut live = app_at(&s, "").await;
    let before = live.sent.len();
    live.send(key('F')).await;
    live.type_text("re:(oops").await;
    let error = live.app.search.as_ref().unwrap().input_error.clone();
    assert!(
        error.as_deref().unwrap().starts_with("invalid regex:"),
        "{error:?}"
    );
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: true })
    );
    let screen = draw(&live.app);
    assert!(screen.contains("invalid regex"), "{screen}");
    for _ in 0..8 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text("glob:a[").await;
    let error = live.app.search.as_ref().unwrap().input_error.clone();
    assert!(
        error.as_deref().unwrap().starts_with("invalid glob:"),
        "{error:?}"
    );
    live.send(code(KeyCode::Enter)).await;
    let searches = live.sent[before..]
        .iter()
        .filter(|c| matches!(c, Command::Search(_)))
        .count();
    assert_eq!(searches, 0, "no scan started");
}

fn draw(app: &App) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    term.draw(|f| b2tui::ui::render(app, f)).unwrap();
    common::app::screen(&term)
}

#[tokio::test]
async fn stopping_a_scan_keeps_its_results_and_makes_no_more_calls() {
    let s = seeded(300_000).await;
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
    worker::spawn(s.local.client.clone(), cmd_rx, evt_tx);
    let mut app = Live::start(s.local.client.clone()).await.app;
    // The bucket is open (a folder listing is in flight).
    let send = |app: &mut App, msg: Msg, tx: &mpsc::UnboundedSender<Command>| {
        for c in app.update(msg).into_commands() {
            tx.send(c).unwrap();
        }
    };
    send(&mut app, code(KeyCode::Enter), &cmd_tx);
    send(&mut app, key('F'), &cmd_tx);
    for c in "dat".chars() {
        send(&mut app, key(c), &cmd_tx);
    }
    send(&mut app, code(KeyCode::Enter), &cmd_tx);
    assert!(app.search_running());
    // The first batch arrives, then Esc stops the scan.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ev = tokio::time::timeout_at(deadline, evt_rx.recv())
            .await
            .unwrap()
            .unwrap();
        let batch = matches!(&ev, WorkerEvent::Search(p) if p.scanned > 0);
        send(&mut app, Msg::Worker(ev), &cmd_tx);
        if batch {
            break;
        }
    }
    let kept = app.search.as_ref().unwrap().hits.len();
    assert!(kept > 0);
    let cmds = app.update(code(KeyCode::Esc)).into_commands();
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Search(SearchCommand::Cancel { .. })]
        ),
        "{cmds:?}"
    );
    for c in cmds {
        cmd_tx.send(c).unwrap();
    }
    let s_app = app.search.as_ref().unwrap();
    assert!(!s_app.running);
    assert_eq!(s_app.end, Some(SearchEnd::Cancelled));
    assert_eq!(app.modals.last(), Some(&Modal::Search { editing: false }));
    // The scan's last batch says it was cancelled; the calls stop.
    loop {
        let ev = tokio::time::timeout_at(deadline, evt_rx.recv())
            .await
            .unwrap()
            .unwrap();
        let last = matches!(&ev, WorkerEvent::Search(p) if p.end == Some(SearchEnd::Cancelled));
        send(&mut app, Msg::Worker(ev), &cmd_tx);
        if last {
            break;
        }
    }
    let calls = s.local.calls("b2_list_file_names").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(s.local.calls("b2_list_file_names").await, calls);
    let s_app = app.search.as_ref().unwrap();
    assert!(s_app.hits.len() >= kept, "results kept");
    assert!(
        s_app.scanned < 304_300,
        "stopped before the end: {}",
        s_app.scanned
    );
    assert_eq!(s_app.end, Some(SearchEnd::Cancelled));
    // A second Esc closes the overlay; F in the same folder shows the same results.
    app.update(code(KeyCode::Esc));
    assert!(app.modals.is_empty());
    let before = app.search.as_ref().unwrap().hits.len();
    app.update(key('F'));
    assert_eq!(app.search.as_ref().unwrap().hits.len(), before);
}

#[tokio::test]
async fn a_result_opens_its_folder_on_the_name_and_its_versions() {
    let s = seeded(0).await;
    let mut live = app_at(&s, "").await;
    search(&mut live, "00000150").await;
    let names = found(&live);
    assert_eq!(
        names,
        [
            "00000150.dat",
            "a/b/c/d/00000150.dat",
            "logs/2025/00000150.dat",
            "logs/2026/app/00000150.dat",
            "photos/00000150.dat"
        ]
    );
    for _ in 0..3 {
        live.send(key('j')).await;
    }
    live.send(code(KeyCode::Enter)).await;
    assert!(live.app.modals.is_empty());
    assert_eq!(live.app.focus, Focus::Files);
    assert_eq!(live.app.files.prefix, "logs/2026/app/");
    assert_eq!(
        live.app.files.selected_name(),
        Some("logs/2026/app/00000150.dat")
    );
    // Back to the results, the next one's versions.
    live.send(key('F')).await;
    live.send(code(KeyCode::Down)).await;
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: false })
    );
    live.send(key('j')).await;
    live.send(key('v')).await;
    assert_eq!(live.app.focus, Focus::Versions);
    assert_eq!(live.app.files.prefix, "photos/");
    assert_eq!(live.app.files.selected_name(), Some("photos/00000150.dat"));
    live.send(Msg::Tick {
        now: Instant::now(),
    })
    .await;
    let versions = &live.app.versions.versions;
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0].file_name, "photos/00000150.dat");
    // A name past the folder's first page (1,000 names) is landed on too.
    go_to(&mut live, "").await;
    search(&mut live, "00001400").await;
    assert_eq!(
        found(&live),
        ["logs/2025/00001400.dat", "logs/2026/app/00001400.dat"]
    );
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.files.prefix, "logs/2025/");
    assert_eq!(
        live.app.files.selected_name(),
        Some("logs/2025/00001400.dat")
    );
}

#[tokio::test]
async fn marked_results_download_with_their_sha1_and_hide() {
    let s = seeded(0).await;
    let dir = tempfile::tempdir().unwrap();
    let mut live = app_at(&s, "docs/").await;
    live.app.transfers.download_dir = Some(dir.path().to_str().unwrap().to_owned());
    search(&mut live, "r").await;
    let names = found(&live);
    assert_eq!(
        names,
        [
            "docs/Report Final.txt",
            "docs/report-old.txt",
            "docs/été/crème brûlée.txt"
        ]
    );
    // Mark the first and the third; download them.
    live.send(key(' ')).await;
    live.send(key('j')).await;
    live.send(key(' ')).await;
    live.send(key('d')).await;
    // Nothing exists there yet: no existing-files question, the download starts.
    live.send(code(KeyCode::Enter)).await;
    assert!(!matches!(live.app.modals.last(), Some(Modal::Transfer(_))));
    for (name, body) in [UPLOADED[0], UPLOADED[2]] {
        let path = dir.path().join(name.strip_prefix("docs/").unwrap());
        let got = common::wait::until_async(Duration::from_secs(20), name, || {
            let path = path.clone();
            async move { std::fs::read(&path).ok().filter(|b| b.len() == body.len()) }
        })
        .await;
        assert_eq!(
            common::raw::sha1_hex(&got),
            common::raw::sha1_hex(body.as_bytes()),
            "{name}"
        );
    }
    assert!(
        !dir.path().join("report-old.txt").exists(),
        "only the marked"
    );

    // Unmark both, then delete (hide) the selected one, after the question.
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: false })
    );
    live.send(key('g')).await;
    live.send(key(' ')).await;
    live.send(key('j')).await;
    live.send(key(' ')).await;
    live.send(key('k')).await;
    assert!(live.app.search.as_ref().unwrap().marks.is_empty());
    live.send(key('D')).await;
    assert!(matches!(live.app.modals.last(), Some(Modal::Restore(_))));
    live.send(key('y')).await;
    let client = s.local.client.clone();
    let bucket = s.bucket.clone();
    common::wait::until_async(Duration::from_secs(20), "the hide", || {
        let (client, bucket) = (client.clone(), bucket.clone());
        async move {
            let names = all_names(&client, &bucket, "docs/").await;
            (!names.iter().any(|n| n == "docs/report-old.txt")).then_some(())
        }
    })
    .await;
    let left = all_names(&s.local.client, &s.bucket, "docs/").await;
    assert_eq!(left, ["docs/Report Final.txt", "docs/été/crème brûlée.txt"]);
}

#[tokio::test]
async fn past_the_limit_matches_are_counted_not_kept() {
    let s = seeded(0).await;
    let all = all_names(&s.local.client, &s.bucket, "").await;
    let want = expected(&all, "", |n| n.contains(".dat"));
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
    worker::spawn(s.local.client.clone(), cmd_rx, evt_tx);
    cmd_tx
        .send(Command::Search(SearchCommand::Start {
            req: b2tui::worker::RequestId(1),
            bucket: s.bucket.clone(),
            prefix: String::new(),
            pattern: ".dat".to_owned(),
            limit: 10,
            hidden: false,
            at: None,
        }))
        .unwrap();
    let mut kept = Vec::new();
    let last = loop {
        match evt_rx.recv().await.unwrap() {
            WorkerEvent::Search(p) => {
                kept.extend(p.hits.iter().map(|h| h.name.clone()));
                if p.end.is_some() {
                    break p;
                }
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(last.end, Some(SearchEnd::Done));
    assert_eq!(last.scanned, all.len() as u64);
    assert_eq!(last.matched, want.len() as u64);
    assert_eq!(kept, want[..10]);
}
