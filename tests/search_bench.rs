//! Search speed (run by `scripts/bench-search.sh`; ignored in the normal suite): one local
//! B2 with BENCH_NAMES (default 1,000,000) names in one folder, put straight into its
//! store; then, on the same names, the time of
//! - a raw paging loop (`b2_list_file_names`, 10,000 a call, no delimiter, names counted),
//!   in a task of the runtime as the search's own task;
//! - b2tui's search for one name (the worker's scan, as the `F` overlay runs it);
//! - `rclone lsf -R | grep` for the same name (when rclone is on PATH or in RCLONE).
//!
//! Each is run BENCH_RUNS times (default 3) and the best time is reported.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write as _;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use b2tui::b2::{BucketId, ListFileNamesRequest, paginate};
use b2tui::emulator::{self, Emulator};
use b2tui::worker::search::{SearchCommand, SearchEnd};
use b2tui::worker::{self, Command, RequestId, WorkerEvent};
use futures::TryStreamExt;
use tokio::sync::mpsc;

const BUCKET: &str = "bench-search";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn best(runs: &[Duration]) -> Duration {
    runs.iter().copied().min().unwrap_or_default()
}

async fn raw_loop(client: &b2tui::b2::B2Client, bucket: &BucketId) -> (Duration, u64) {
    let started = Instant::now();
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        start_file_name: None,
        max_file_count: Some(10_000),
        prefix: Some(String::new()),
        delimiter: None,
    };
    let mut pages = std::pin::pin!(paginate::file_names(client.clone(), req));
    let mut names = 0u64;
    while let Some(page) = pages.try_next().await.unwrap() {
        names += page.items.len() as u64;
    }
    (started.elapsed(), names)
}

async fn b2tui_search(
    client: &b2tui::b2::B2Client,
    bucket: &BucketId,
    needle: &str,
    req: u64,
) -> (Duration, u64, u64) {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
    worker::spawn(client.clone(), cmd_rx, evt_tx);
    let started = Instant::now();
    cmd_tx
        .send(Command::Search(SearchCommand::Start {
            req: RequestId(req),
            bucket: bucket.clone(),
            prefix: String::new(),
            pattern: needle.to_owned(),
            limit: b2tui::app::search::MAX_KEPT,
            hidden: false,
            at: None,
        }))
        .unwrap();
    let mut hits = 0u64;
    loop {
        match evt_rx.recv().await.unwrap() {
            WorkerEvent::Search(p) => {
                hits += p.hits.len() as u64;
                if p.end.is_some() {
                    assert_eq!(p.end, Some(SearchEnd::Done));
                    return (started.elapsed(), p.scanned, hits);
                }
            }
            WorkerEvent::RequestFailed { error, .. } => panic!("search failed: {error}"),
            _ => {}
        }
    }
}

fn rclone_path() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("RCLONE") {
        return Some(p.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("rclone"))
        .find(|p| p.is_file())
}

/// `rclone lsf -R :b2:BUCKET | grep NEEDLE`: its time and the lines grep printed.
fn rclone_grep(tool: &std::path::Path, local: &common::Local, needle: &str) -> (Duration, usize) {
    let started = Instant::now();
    let mut lsf = Process::new(tool)
        .args(["lsf", "-R", "--files-only", "--retries", "1"])
        .args(["--b2-endpoint", &local.server.url])
        .arg(format!(":b2:{BUCKET}"))
        .env("RCLONE_CONFIG", "/dev/null")
        .env("RCLONE_B2_ACCOUNT", &local.server.master_key_id)
        .env("RCLONE_B2_KEY", &local.server.master_key)
        .stdout(Stdio::piped())
        .spawn()
        .expect("rclone runs");
    let grep = Process::new("grep")
        .arg("-F")
        .arg(needle)
        .stdin(lsf.stdout.take().unwrap())
        .output()
        .expect("grep runs");
    assert!(lsf.wait().unwrap().success(), "rclone lsf succeeded");
    let lines = String::from_utf8_lossy(&grep.stdout).lines().count();
    (started.elapsed(), lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: scripts/bench-search.sh"]
async fn search_among_many_names() {
    let count = env_usize("BENCH_NAMES", 1_000_000);
    let runs = env_usize("BENCH_RUNS", 3);
    let dir = tempfile::tempdir().unwrap();
    let config = emulator::Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..emulator::Config::default()
    };
    let seeding = Instant::now();
    {
        let emu = Emulator::open(config.clone()).unwrap();
        emulator::seed::bulk(emu.store(), BUCKET, "big/", count).unwrap();
    }
    println!(
        "seeded {count} names in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let local = common::start_with(config, common::fast_retry()).await;
    let bucket = local
        .client
        .list_buckets()
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.bucket_name == BUCKET)
        .unwrap()
        .bucket_id;
    // One name near the end of the folder.
    let needle = format!("big/{:08}.dat", count - count / 100 - 1);

    let mut raw = Vec::new();
    let mut search = Vec::new();
    let mut rclone = Vec::new();
    let tool = rclone_path();
    for run in 0..runs {
        // On the runtime's workers, as the search's task runs (not on the test's thread).
        let (client, b) = (local.client.clone(), bucket.clone());
        let (t, names) = tokio::spawn(async move { raw_loop(&client, &b).await })
            .await
            .unwrap();
        assert_eq!(names, count as u64);
        raw.push(t);
        let (t, scanned, hits) = b2tui_search(&local.client, &bucket, &needle, run as u64).await;
        assert_eq!((scanned, hits), (count as u64, 1));
        search.push(t);
        if let Some(tool) = &tool {
            let (t, lines) = rclone_grep(tool, &local, &needle["big/".len()..]);
            assert_eq!(lines, 1);
            rclone.push(t);
        }
    }
    let (raw, search) = (best(&raw), best(&search));
    let mut out = std::io::stdout().lock();
    writeln!(out, "names: {count}, best of {runs} runs").unwrap();
    writeln!(out, "raw paging loop      {:>8.2} s", raw.as_secs_f64()).unwrap();
    writeln!(
        out,
        "b2tui search         {:>8.2} s  ({:.2}x the raw loop; target <= 1.2x)",
        search.as_secs_f64(),
        search.as_secs_f64() / raw.as_secs_f64()
    )
    .unwrap();
    if rclone.is_empty() {
        writeln!(out, "rclone lsf -R | grep  (rclone not found: set RCLONE)").unwrap();
    } else {
        let r = best(&rclone);
        writeln!(
            out,
            "rclone lsf -R | grep {:>8.2} s  (b2tui search is {:.2}x faster)",
            r.as_secs_f64(),
            r.as_secs_f64() / search.as_secs_f64()
        )
        .unwrap();
    }
}
