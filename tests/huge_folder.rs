//! Huge folders against the real local B2: a folder of 30,000 names inserted straight into
//! the store, then the app (with the real worker) jumps to names, scrolls up from a
//! jumped-to window into names not loaded (seeking, not listing from the top), goes to the
//! real top and end, filters (the loaded names and the server's) and sorts. Each window is
//! checked against a full listing of the folder, and the list calls are counted.

#![allow(clippy::unwrap_used)]

mod common;

use b2tui::app::Row;
use b2tui::b2::{B2Client, BucketId, Credentials, FileVersion, ListFileNamesRequest, UploadMeta};
use b2tui::emulator::{self, Emulator};
use b2tui::ui;
use b2tui::worker::Command;
use bytes::Bytes;
use common::app::{code, ctrl, key, screen};
use common::live::Live;
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;

const BIG: usize = 30_000;

/// A local B2 whose store was filled before it started listening.
struct Bulk {
    url: String,
    key_id: String,
    key: String,
    client: B2Client,
    bucket: BucketId,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Bulk {
    /// Bucket `huge` with `big/` (30,000 names `big/n00000000.dat`...) and `mix/` (3,000
    /// names `mix/00000000.dat`... plus names that sort around `/` and multibyte ones).
    async fn start() -> Self {
        let config = emulator::Config::default();
        let (key_id, key) = (config.master_key_id.clone(), config.master_key.clone());
        let emu = Emulator::open(config).expect("open the local B2");
        emulator::seed::bulk(emu.store(), "huge", "big/n", BIG).expect("bulk seed");
        emulator::seed::bulk(emu.store(), "huge", "mix/", 3_000).expect("bulk seed");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(emu.serve(listener, async move {
            let _ = rx.await;
        }));
        let creds = Credentials::new(&key_id, &key);
        let client = B2Client::authorize_with(&url, creds, common::fast_retry())
            .await
            .expect("authorize");
        let bucket = client
            .list_buckets()
            .await
            .unwrap()
            .into_iter()
            .find(|b| b.bucket_name == "huge")
            .unwrap()
            .bucket_id;
        let bulk = Self {
            url,
            key_id,
            key,
            client,
            bucket,
            _stop: tx,
        };
        for name in ODD {
            bulk.put(name, 1).await;
        }
        bulk
    }

    async fn put(&self, name: &str, len: usize) {
        let meta = UploadMeta {
            file_name: name.to_owned(),
            ..UploadMeta::default()
        };
        self.client
            .upload_bytes(&self.bucket, &meta, Bytes::from(vec![b'x'; len]))
            .await
            .expect("upload");
    }

    /// `b2_list_file_names` calls answered so far.
    async fn list_calls(&self) -> u64 {
        let resp = reqwest::Client::new()
            .get(format!("{}/b2tui-admin/v1/stats", self.url))
            .basic_auth(&self.key_id, Some(&self.key))
            .send()
            .await
            .expect("stats");
        let v: Value = resp.json().await.expect("stats json");
        v["calls"]["b2_list_file_names"].as_u64().unwrap_or(0)
    }

    /// Every entry of `folder` (delimiter `/`), paged by the client: the reference.
    async fn full_listing(&self, folder: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let resp = self
                .client
                .list_file_names(&ListFileNamesRequest {
                    bucket_id: self.bucket.clone(),
                    start_file_name: start,
                    max_file_count: Some(10_000),
                    prefix: Some(folder.to_owned()),
                    delimiter: Some("/".to_owned()),
                })
                .await
                .unwrap();
            out.extend(resp.files.into_iter().map(|f| f.file_name));
            match resp.next_file_name {
                Some(n) => start = Some(n),
                None => return out,
            }
        }
    }
}

/// Names around `/` (`a-b` < `a.txt` < `a/` < `a0`) and multibyte ones, after the digits.
const ODD: [&str; 7] = [
    "mix/a-b",
    "mix/a.txt",
    "mix/a/inner.txt",
    "mix/a0",
    "mix/zz",
    "mix/é-1",
    "mix/日本.txt",
];

fn big(i: usize) -> String {
    format!("big/n{i:08}.dat")
}

async fn live(b: &Bulk) -> Live {
    Live::start(b.client.clone()).await
}

/// `:` then `text` typed over the prefilled path, then Enter.
async fn go_to(l: &mut Live, text: &str) {
    l.send(key(':')).await;
    let filled = match l.app.modals.last() {
        Some(b2tui::app::Modal::GoTo(p)) => p.input.value().chars().count(),
        other => panic!("the go-to prompt opens, not {other:?}"),
    };
    for _ in 0..filled {
        l.send(code(KeyCode::Backspace)).await;
    }
    l.type_text(text).await;
    l.send(code(KeyCode::Enter)).await;
}

fn selected(l: &Live) -> String {
    l.app.files.selected_name().unwrap_or("(none)").to_owned()
}

fn row_name(l: &Live, row: usize) -> Option<String> {
    match l.app.files.row(row)? {
        Row::Entry(e) => Some(e.file_name.to_owned()),
        Row::Parent => Some("..".to_owned()),
    }
}

/// The loaded entries are one unbroken stretch of the folder's full listing.
fn assert_contiguous(l: &Live, reference: &[String]) {
    let names: Vec<&str> = l.app.files.entries.iter().map(|e| e.file_name).collect();
    let first = names.first().expect("names loaded");
    let at = reference
        .iter()
        .position(|n| n == first)
        .unwrap_or_else(|| panic!("{first} is in the folder"));
    let want: Vec<&str> = reference[at..]
        .iter()
        .take(names.len())
        .map(String::as_str)
        .collect();
    assert_eq!(names.len(), want.len(), "the window fits in the folder");
    if let Some(i) = names.iter().zip(&want).position(|(a, b)| a != b) {
        panic!(
            "loaded names break at {i}: {} but the folder has {}",
            names[i], want[i]
        );
    }
}

fn draw(l: &Live) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| ui::render(&l.app, f)).unwrap();
    screen(&term)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jump_lists_from_the_name_and_scrolling_up_seeks_the_names_before() {
    let b = Bulk::start().await;
    let reference = b.full_listing("big/").await;
    assert_eq!(reference.len(), BIG);
    let mut l = live(&b).await;

    // A name's beginning: the first name at or after it, listed from there in one call.
    let calls = b.list_calls().await;
    go_to(&mut l, "b2://huge/big/n000250005").await;
    assert_eq!(selected(&l), big(25_001));
    assert_eq!(
        row_name(&l, l.app.files.cursor.selected + 1),
        Some(big(25_002))
    );
    // One call shows the spot; loading ahead (5,000 names below the cursor) adds 4.
    let jump_calls = b.list_calls().await - calls;
    assert!(jump_calls <= 5, "a jump took {jump_calls} list calls");
    let first =
        l.sent.iter().rev().find(
            |c| matches!(c, Command::ListFiles { start: Some(s), .. } if s == "big/n000250005"),
        );
    assert!(
        first.is_some(),
        "listed from the typed name: {:?}",
        l.sent.last()
    );
    assert_eq!(
        l.app.files.entries.first().unwrap().file_name,
        big(25_001),
        "nothing before it listed"
    );
    assert!(
        draw(&l).contains("names from n00025001.dat…"),
        "{}",
        draw(&l)
    );

    // Up past the first loaded name: the names before it, found by seeking.
    let calls = b.list_calls().await;
    l.send(key('k')).await;
    let seek_calls = b.list_calls().await - calls;
    assert_eq!(selected(&l), big(25_000));
    assert_eq!(
        row_name(&l, l.app.files.cursor.selected + 1),
        Some(big(25_001))
    );
    assert!(
        l.app.files.entries.len() > 200,
        "a useful stretch came before"
    );
    assert!(seek_calls <= 16, "seeking took {seek_calls} list calls");
    let first = l.app.files.entries.first().unwrap().file_name.to_owned();
    assert!(first > big(24_000), "not listed from the top: {first}");
    assert!(l.app.files.head.is_some());
    assert_contiguous(&l, &reference);
    println!("seek before {}: {seek_calls} list calls", big(25_001));

    // On up across more windows, every row the one before the other.
    let before = l.app.files.entries.len();
    for _ in 0..l.app.files.cursor.selected + 3 {
        l.send(key('k')).await;
    }
    assert!(
        l.app.files.entries.len() > before,
        "a second seek prepended more"
    );
    assert_contiguous(&l, &reference);
    let sel = l.app.files.cursor.selected;
    let here = reference.iter().position(|n| *n == selected(&l)).unwrap();
    assert_eq!(
        row_name(&l, sel + 1).as_deref(),
        Some(reference[here + 1].as_str())
    );
    if sel > 0 {
        assert_eq!(
            row_name(&l, sel - 1).as_deref(),
            Some(reference[here - 1].as_str())
        );
    }
    assert!(l.failures.is_empty(), "{:?}", l.failures);

    // Down keeps loading ahead of the window.
    l.send(code(KeyCode::PageDown)).await;
    assert_contiguous(&l, &reference);

    // `g`: the real top, listed from the start.
    l.send(key('g')).await;
    assert_eq!(l.app.files.head, None);
    assert_eq!(row_name(&l, 0).as_deref(), Some(".."));
    assert_eq!(row_name(&l, 1), Some(big(0)));

    // `G` twice: the real end, by a seek.
    l.send(key('G')).await;
    let calls = b.list_calls().await;
    l.send(key('G')).await;
    let end_calls = b.list_calls().await - calls;
    assert!(
        // The first page, a look past ASCII, and at most 24 probes: no walk through the folder.
        end_calls <= 26,
        "seeking the end took {end_calls} list calls"
    );
    println!("seek the end: {end_calls} list calls");
    assert_eq!(selected(&l), big(BIG - 1));
    let sel = l.app.files.cursor.selected;
    assert_eq!(row_name(&l, sel - 1), Some(big(BIG - 2)));
    assert_contiguous(&l, &reference);
    assert!(
        l.app.files.entries.len() < 2_000,
        "the end without listing everything"
    );

    // A bare name jumps within the folder shown.
    go_to(&mut l, "n00012345").await;
    assert_eq!(selected(&l), big(12_345));
    assert!(l.failures.is_empty(), "{:?}", l.failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jumps_around_slashes_and_multibyte_names() {
    let b = Bulk::start().await;
    let reference = b.full_listing("mix/").await;
    let mut l = live(&b).await;

    go_to(&mut l, "b2://huge/mix/a").await;
    let sel = l.app.files.cursor.selected;
    let shown: Vec<_> = (sel..sel + 4).map(|r| row_name(&l, r).unwrap()).collect();
    assert_eq!(shown, ["mix/a-b", "mix/a.txt", "mix/a/", "mix/a0"]);

    go_to(&mut l, "mix/é").await;
    assert_eq!(selected(&l), "mix/é-1");
    assert_eq!(
        row_name(&l, l.app.files.cursor.selected + 1).as_deref(),
        Some("mix/日本.txt")
    );
    // Up from the window: the names before it in B2's (byte) order.
    l.send(key('k')).await;
    assert_eq!(selected(&l), "mix/zz");
    l.send(key('k')).await;
    assert_eq!(selected(&l), "mix/a0");
    l.send(key('k')).await;
    assert_eq!(selected(&l), "mix/a/");
    assert_contiguous(&l, &reference);
    // The real end of a folder whose last names are not ASCII.
    go_to(&mut l, "b2://huge/mix/").await;
    l.send(key('G')).await;
    l.send(key('G')).await;
    assert_eq!(selected(&l), "mix/日本.txt");
    assert_eq!(
        row_name(&l, l.app.files.cursor.selected - 1).as_deref(),
        Some("mix/é-1")
    );
    assert_contiguous(&l, &reference);
    go_to(&mut l, "b2://huge/mix/a").await;
    l.send(key('j')).await;
    l.send(key('j')).await;
    assert_eq!(selected(&l), "mix/a/");
    // Open the folder from the window.
    l.send(code(KeyCode::Enter)).await;
    assert_eq!(row_name(&l, 1).as_deref(), Some("mix/a/inner.txt"));
    assert!(l.failures.is_empty(), "{:?}", l.failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filter_says_what_is_loaded_and_can_ask_the_server() {
    let b = Bulk::start().await;
    let mut l = live(&b).await;
    go_to(&mut l, "b2://huge/big/").await;
    let loaded = l.app.files.entries.len();
    assert!(
        loaded < BIG && l.app.files.next.is_some(),
        "part of the folder is loaded"
    );

    l.send(key('/')).await;
    l.type_text("N0000").await;
    let expected = l
        .app
        .files
        .entries
        .iter()
        .filter(|e| e.file_name["big/".len()..].to_lowercase().contains("n0000"))
        .count();
    assert_eq!(l.app.files.match_count(), expected);
    assert!(expected > 0);
    let text = draw(&l);
    assert!(text.contains("loaded (folder has more)"), "{text}");
    // Narrowing as the text grows gives what a fresh scan gives.
    l.type_text("12").await;
    let names: Vec<String> = (0..l.app.files.match_count())
        .map(|i| row_name(&l, i + 1).unwrap())
        .collect();
    let want: Vec<String> = l
        .app
        .files
        .entries
        .iter()
        .map(|e| e.file_name.to_owned())
        .filter(|n| n.contains("n000012"))
        .collect();
    assert_eq!(names, want);

    // Asked of the server: names not loaded are found.
    for _ in 0.."N000012".len() {
        l.send(code(KeyCode::Backspace)).await;
    }
    l.type_text("n000299").await;
    assert_eq!(l.app.files.match_count(), 0, "none of them is loaded");
    l.send(code(KeyCode::Tab)).await;
    let found: Vec<String> = l
        .app
        .files
        .entries
        .iter()
        .map(|e| e.file_name.to_owned())
        .collect();
    let want: Vec<String> = (29_900..30_000).map(big).collect();
    assert_eq!(found, want);
    assert_eq!(l.app.files.match_count(), 100);
    // Esc: the whole folder again.
    l.send(code(KeyCode::Esc)).await;
    assert!(l.app.files.server_prefix.is_empty());
    assert_eq!(row_name(&l, 1), Some(big(0)));
    assert!(l.failures.is_empty(), "{:?}", l.failures);
}

/// Walking a folder far down keeps a window of names: the pages behind the cursor go,
/// scrolling back up lists them again by seeking, and the pages the cursor left below go
/// too and are listed again on the way down. The window is always one unbroken stretch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_pages_drop_and_come_back() {
    const WINDOW: usize = 12_000;
    let b = Bulk::start().await;
    let reference = b.full_listing("big/").await;
    let mut l = live(&b).await;
    l.app.files.window = WINDOW;
    // A tall screen: a page key moves 1,995 rows.
    l.send(b2tui::app::Msg::Resize {
        width: 120,
        height: 2_000,
    })
    .await;
    go_to(&mut l, "b2://huge/big/").await;
    let most = WINDOW + 2 * 1_000;
    let mut largest = 0;
    while selected(&l) < big(22_000) {
        l.send(code(KeyCode::PageDown)).await;
        largest = largest.max(l.app.files.entries.len());
        assert_contiguous(&l, &reference);
    }
    assert!(largest <= most, "{largest} names held");
    assert!(l.app.files.head.is_some(), "the first pages went");
    let first = l.app.files.entries.first().unwrap().file_name.to_owned();
    assert!(first > big(10_000), "{first}");
    assert!(draw(&l).contains(&selected(&l)["big/".len()..]));

    // A reload far down lists from the first name on screen, not the folder's top, and
    // keeps the selected name.
    let (at, sent) = (selected(&l), l.sent.len());
    l.send(key('R')).await;
    assert_eq!(selected(&l), at);
    let head = l.app.files.head.clone().expect("a window");
    assert!(head <= at && head > big(17_000), "{head}");
    assert_contiguous(&l, &reference);
    match l.sent[sent..]
        .iter()
        .find(|c| matches!(c, Command::ListFiles { .. }))
    {
        Some(Command::ListFiles { start, .. }) => assert_eq!(start.as_ref(), Some(&head)),
        other => panic!("a listing, not {other:?}"),
    }

    // Back up to the top: the names before the window are sought again, the pages below
    // are dropped in turn.
    while l.app.files.head.is_some() {
        let was = selected(&l);
        l.send(code(KeyCode::PageUp)).await;
        let f = &l.app.files;
        assert!(
            selected(&l) < was,
            "moved up from {was}: {} loaded from {:?}, head {:?}, cursor {:?}, pending {:?}, {:?}",
            f.entries.len(),
            f.entries.first().map(|e| e.file_name),
            f.head,
            f.cursor,
            f.pending,
            l.sent.last()
        );
        largest = largest.max(l.app.files.entries.len());
        assert_contiguous(&l, &reference);
    }
    assert_eq!(
        row_name(&l, 1),
        Some(big(0)),
        "under `..`, the folder's first name"
    );
    assert!(largest <= most, "{largest} names held");
    assert!(l.app.files.next.is_some(), "the last pages went");
    assert!(l.app.files.entries.last().unwrap().file_name < big(15_000).as_str());

    // And down again to the end: the dropped pages are listed again.
    while selected(&l) != big(BIG - 1) {
        let was = selected(&l);
        l.send(code(KeyCode::PageDown)).await;
        assert!(selected(&l) > was, "moved down from {was}");
        assert_contiguous(&l, &reference);
    }
    assert!(l.failures.is_empty(), "{:?}", l.failures);
}

fn sorted_by(
    entries: &[FileVersion],
    f: impl Fn(&FileVersion, &FileVersion) -> std::cmp::Ordering,
) -> Vec<String> {
    let mut v: Vec<&FileVersion> = entries.iter().collect();
    v.sort_by(|a, b| f(a, b));
    v.into_iter().map(|e| e.file_name.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sorting_the_loaded_names_and_the_whole_folder() {
    let b = Bulk::start().await;
    for (name, len) in [
        ("sizes/b", 300),
        ("sizes/a", 20),
        ("sizes/d", 4000),
        ("sizes/c", 1),
    ] {
        b.put(name, len).await;
    }
    let mut l = live(&b).await;
    go_to(&mut l, "b2://huge/sizes/").await;
    let shown = |l: &Live| -> Vec<String> {
        (1..l.app.files.row_count())
            .map(|r| row_name(l, r).unwrap())
            .collect()
    };
    let entries: Vec<FileVersion> = l.app.files.entries.iter().map(|e| e.to_version()).collect();
    l.send(key('o')).await;
    assert_eq!(
        shown(&l),
        sorted_by(&entries, |a, b| b.file_name.cmp(&a.file_name))
    );
    l.send(key('o')).await;
    assert_eq!(
        shown(&l),
        sorted_by(&entries, |a, b| b.content_length.cmp(&a.content_length))
    );
    assert_eq!(shown(&l), ["sizes/d", "sizes/b", "sizes/a", "sizes/c"]);
    l.send(key('o')).await;
    assert_eq!(shown(&l), ["sizes/c", "sizes/a", "sizes/b", "sizes/d"]);
    l.send(key('o')).await;
    let newest_first = sorted_by(&entries, |a, b| {
        b.upload_timestamp
            .cmp(&a.upload_timestamp)
            .then(a.file_name.cmp(&b.file_name))
    });
    assert_eq!(shown(&l), newest_first);
    l.send(key('o')).await;
    l.send(key('o')).await;
    assert_eq!(
        shown(&l),
        ["sizes/a", "sizes/b", "sizes/c", "sizes/d"],
        "back to B2's order"
    );

    // The whole of `big/`, name descending: everything listed, then sorted.
    go_to(&mut l, "b2://huge/big/").await;
    l.send(ctrl('o')).await;
    assert!(!l.app.files.load_all, "loading finished");
    assert_eq!(l.app.files.entries.len(), BIG);
    assert_eq!(row_name(&l, 1), Some(big(BIG - 1)));
    assert_eq!(row_name(&l, BIG), Some(big(0)));
    assert!(l.failures.is_empty(), "{:?}", l.failures);
}

/// Filter timing over 1,000,000 loaded names: run by `scripts/bench-huge-folder.sh`
/// (release build); it prints the time per keystroke and checks only the counts.
#[test]
#[ignore = "a timing run: scripts/bench-huge-folder.sh"]
fn filter_timing_over_a_million_loaded_names() {
    use b2tui::app::panes::FilesPane;
    use b2tui::b2::FileAction;
    use std::time::Instant;

    let n = 1_000_000;
    let mut pane = FilesPane::default();
    pane.prefix = "big/".to_owned();
    // Everything stays loaded, as while the whole folder is loaded to sort it (browsing
    // keeps a window of `WINDOW` names).
    pane.load_all = true;
    // Loaded as the app loads them: page by page (the lowercased names are kept then).
    let started = Instant::now();
    for page in 0..n / 1000 {
        let entries: Vec<FileVersion> = (page * 1000..(page + 1) * 1000)
            .map(|i| FileVersion {
                account_id: None,
                action: FileAction::Upload,
                bucket_id: None,
                content_length: 1,
                content_sha1: None,
                content_md5: None,
                content_type: None,
                file_id: None,
                file_info: Default::default(),
                file_name: format!("big/n{i:08}.dat"),
                upload_timestamp: 0,
                replication_status: None,
            })
            .collect();
        let req = b2tui::worker::RequestId(page as u64 + 1);
        pane.set_pending(req);
        assert!(pane.on_page(req, entries, Some("more".to_owned()), 40));
    }
    println!(
        "loaded {n} names in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut text = String::new();
    for c in "n0099".chars() {
        text.push(c);
        pane.filter.input = tui_input::Input::new(text.clone());
        let started = Instant::now();
        pane.refilter();
        let took = started.elapsed();
        let want = (0..n)
            .filter(|i| format!("n{i:08}.dat").contains(&text))
            .count();
        assert_eq!(pane.match_count(), want, "{text}");
        println!(
            "filter {text:>6}: {:>7} matches in {:.1} ms",
            want,
            took.as_secs_f64() * 1e3
        );
    }
    // A fresh text (no narrowing): the full scan.
    pane.filter.input = tui_input::Input::new("DAT".to_owned());
    let started = Instant::now();
    pane.refilter();
    println!(
        "filter    DAT: {:>7} matches in {:.1} ms (full scan)",
        pane.match_count(),
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(pane.match_count(), n);
}
