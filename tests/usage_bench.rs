//! Timing of the usage scan on a running `b2tui serve` (run by `scripts/bench-usage.sh`,
//! ignored otherwise): a raw paging loop over every version (the limit), then the app and
//! the real worker scanning the bucket: time to the first totals on screen (a frame drawn),
//! time to complete, and the process's RSS sampled at every page.
//!
//! Environment: `B2TUI_BENCH_URL` (required), `B2TUI_BENCH_BUCKET` (default
//! `bench-usage`), `B2TUI_BENCH_KEY_ID` / `B2TUI_BENCH_KEY`.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use b2tui::app::{App, Msg, SessionInfo, View};
use b2tui::b2::{B2Client, ClientOptions, Credentials, ListFileVersionsRequest, paginate};
use b2tui::config::{Keymap, Theme};
use b2tui::worker::usage::{SCAN_PAGE_SIZE, UsageEvent};
use b2tui::worker::{self, Command, WorkerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures::TryStreamExt;
use tokio::sync::mpsc;

/// Resident set size of this process, in MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<WorkerEvent>) -> WorkerEvent {
    tokio::time::timeout(Duration::from_secs(600), rx.recv())
        .await
        .expect("an event")
        .expect("worker runs")
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run by scripts/bench-usage.sh"]
async fn bench_usage_scan() {
    let url = std::env::var("B2TUI_BENCH_URL").expect("B2TUI_BENCH_URL");
    let bucket = env_or("B2TUI_BENCH_BUCKET", "bench-usage");
    let creds = Credentials::new(
        env_or("B2TUI_BENCH_KEY_ID", "0012testkeyid0000000001"),
        env_or("B2TUI_BENCH_KEY", "K001testsecretkey000000000000000"),
    );
    let client = B2Client::authorize_with(&url, creds, ClientOptions::default())
        .await
        .unwrap();
    let buckets = client.list_buckets().await.unwrap();
    let index = buckets
        .iter()
        .position(|b| b.bucket_name == bucket)
        .unwrap_or_else(|| panic!("no bucket {bucket}"));
    let bucket_id = buckets[index].bucket_id.clone();

    // The limit: a raw paging loop over the same versions, same page size.
    let started = Instant::now();
    let req = ListFileVersionsRequest {
        bucket_id,
        max_file_count: Some(SCAN_PAGE_SIZE),
        ..ListFileVersionsRequest::default()
    };
    let mut pages = std::pin::pin!(paginate::file_versions(client.clone(), req));
    let mut raw_versions = 0u64;
    while let Some(p) = pages.try_next().await.unwrap() {
        raw_versions += p.items.len() as u64;
    }
    let raw = started.elapsed();
    println!(
        "raw listing: {raw_versions} versions in {:.2} s",
        raw.as_secs_f64()
    );
    let rss_before = rss_mb();

    // The app and the real worker, as the event loop wires them.
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel::<Command>();
    let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
    worker::spawn(client.clone(), cmd_rx, evt_tx);
    let session = SessionInfo {
        deterministic: true,
        key: b2tui::tui::current_key(&client),
        ..SessionInfo::default()
    };
    let mut app = App::new(Keymap::default_keymap(), Theme::colored(), session);
    app.update(Msg::Resize {
        width: 140,
        height: 40,
    });
    for cmd in app.start().into_commands() {
        cmd_tx.send(cmd).unwrap();
    }
    loop {
        let ev = next(&mut evt_rx).await;
        let listed = matches!(ev, WorkerEvent::BucketsListed { .. });
        app.update(Msg::Worker(ev));
        if listed {
            break;
        }
    }
    for _ in 0..index {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('j'),
            KeyModifiers::NONE,
        )));
    }
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 40)).unwrap();
    let started = Instant::now();
    let key = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
    for cmd in app.update(Msg::Key(key)).into_commands() {
        cmd_tx.send(cmd).unwrap();
    }
    assert_eq!(app.view, View::Usage);
    let mut first = None;
    let mut peak_rss = rss_mb();
    loop {
        let ev = next(&mut evt_rx).await;
        let done = matches!(ev, WorkerEvent::Usage(UsageEvent::Finished { .. }));
        let failed = matches!(ev, WorkerEvent::RequestFailed { .. });
        assert!(!failed, "{ev:?}");
        let progress = matches!(&ev, WorkerEvent::Usage(UsageEvent::Progress { versions, .. }) if *versions > 0);
        app.update(Msg::Worker(ev));
        peak_rss = peak_rss.max(rss_mb());
        if progress && first.is_none() {
            term.draw(|f| b2tui::ui::render(&app, f)).unwrap();
            first = Some(started.elapsed());
        }
        if done {
            break;
        }
    }
    term.draw(|f| b2tui::ui::render(&app, f)).unwrap();
    let complete = started.elapsed();
    let scan = app.usage.scan().unwrap();
    assert_eq!(scan.versions, raw_versions, "the scan saw every version");
    let first = first.unwrap_or(complete);
    println!(
        "usage: first totals on screen in {} ms, complete in {:.2} s ({:.2}x the raw listing), {} folders",
        first.as_millis(),
        complete.as_secs_f64(),
        complete.as_secs_f64() / raw.as_secs_f64(),
        scan.tree.len()
    );
    println!(
        "usage: RSS {rss_before:.1} MB before the scan, at most {peak_rss:.1} MB during it (this process)"
    );
}
