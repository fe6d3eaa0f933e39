//! A job that retries says so, so that a retry never looks like a hang: the engine's
//! `Retrying` events (attempt, error, wait) for an upload and a download against the local
//! B2 with injected failures, each job still ending with its SHA-1 verified; the job's row
//! in the app while it waits (with the real worker, and as snapshots of the view counting
//! down); and `b2tui cp`'s line on stderr, the name escaped.
#![allow(clippy::unwrap_used)]

mod common;
mod transfer_support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use b2tui::app::{App, Msg, SessionInfo, View};
use b2tui::ui;
use b2tui::worker::transfer::{
    ConflictPolicy, JobId, JobKind, JobSnapshot, JobState, RemoteFile, RetryWait, TransferEvent,
};
use b2tui::worker::transfer_cmds::{TransferCommand, TransferNote};
use b2tui::worker::{self, Command, Failure, RequestId, WorkerEvent};
use common::app::{Drive, app_with, rows, session};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use sha1::{Digest, Sha1};
use tokio::sync::mpsc::UnboundedReceiver;
use transfer_support::*;

/// Fails the next `count` calls of `endpoint` with `status`/`code`, optionally asking for a
/// `Retry-After` wait or cutting a download's body after some bytes.
async fn fail_next(local: &common::Local, endpoint: &str, count: u64, extra: serde_json::Value) {
    let mut body = json!({"count": count, "status": 503, "code": "service_unavailable",
                          "message": "injected", "endpoint": endpoint});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    local.admin("fail_next", body).await;
}

fn too_many_requests(secs: u64) -> serde_json::Value {
    json!({"status": 429, "code": "too_many_requests", "message": "slow down",
           "retryAfterSeconds": secs})
}

/// The job's `Retrying` events (with the bytes it stood at) until it finishes; the
/// `Finished` event's `verified`. `on_wait` sees each wait as it begins.
async fn retries_until_finished(
    events: &mut UnboundedReceiver<TransferEvent>,
    id: JobId,
    mut on_wait: impl FnMut(&RetryWait),
) -> (Vec<(RetryWait, u64)>, bool) {
    let mut waits = Vec::new();
    let collect = async {
        while let Some(e) = events.recv().await {
            match e {
                TransferEvent::Retrying {
                    id: job,
                    retry,
                    bytes_done,
                } if job == id => {
                    on_wait(&retry);
                    waits.push((*retry, bytes_done));
                }
                TransferEvent::Finished {
                    id: job, verified, ..
                } if job == id => return verified,
                TransferEvent::Failed { id: job, error } if job == id => {
                    panic!("job failed: {error}")
                }
                _ => {}
            }
        }
        panic!("events ended before the job finished")
    };
    let verified = tokio::time::timeout(Duration::from_secs(20), collect)
        .await
        .expect("the job finishes in time");
    (waits, verified)
}

fn b2_failure(f: &Failure) -> (u16, &str) {
    match f {
        Failure::B2 { status, code, .. } | Failure::Refused { status, code, .. } => {
            (*status, code.as_str())
        }
        other => panic!("expected a B2 answer, got {other:?}"),
    }
}

fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// B2's `contentSha1` of the newest version of `name`.
async fn remote_sha1(
    local: &common::Local,
    bucket: &b2tui::worker::transfer::BucketRef,
    name: &str,
) -> String {
    let listed = versions(local, bucket).await;
    let v = listed.iter().find(|v| v.file_name == name).unwrap();
    v.content_sha1.clone().unwrap()
}

#[tokio::test]
async fn a_retried_upload_reports_each_wait_and_lands_verified() {
    let local = local_b2().await;
    let bucket = bucket(&local, "retry-up").await;
    let (engine, mut events) = engine(&local);
    // A 503, then a 429 asking for 1 s: the two retries of a 6-byte upload.
    fail_next(&local, "b2_upload_file", 1, json!({})).await;
    fail_next(&local, "b2_upload_file", 1, too_many_requests(1)).await;
    let src = tempfile::tempdir().unwrap();
    let path = src.path().join("six.txt");
    std::fs::write(&path, b"hello\n").unwrap();
    let id = engine.upload_file(path, bucket.clone(), "six.txt".into());

    let started = Instant::now();
    let mut while_waiting = Vec::new();
    let (waits, verified) = retries_until_finished(&mut events, id, |w| {
        // The job table says it waits, as long as it waits (a second is long enough to
        // look).
        if w.delay >= Duration::from_secs(1) {
            while_waiting.push((w.attempt, engine.job(id).unwrap().retry));
        }
    })
    .await;
    assert!(verified);
    assert_eq!(waits.len(), 2, "{waits:?}");
    let (first, second) = (&waits[0].0, &waits[1].0);
    assert_eq!((first.attempt, first.max_attempts), (2, 10));
    assert_eq!(b2_failure(&first.error), (503, "service_unavailable"));
    assert_eq!(first.cause(), "503 service_unavailable");
    assert_eq!((second.attempt, second.max_attempts), (3, 10));
    assert_eq!(b2_failure(&second.error), (429, "too_many_requests"));
    assert_eq!(second.delay, Duration::from_secs(1), "B2's Retry-After");
    assert_eq!(second.secs_left(None), 1);
    assert!(started.elapsed() >= Duration::from_secs(1), "it did wait");
    assert!(
        waits.iter().all(|(_, bytes)| *bytes == 0),
        "the failed tries' bytes are taken back: {waits:?}"
    );
    assert_eq!(while_waiting.len(), 1);
    for (attempt, retry) in &while_waiting {
        assert_eq!(retry.as_ref().map(|r| r.attempt), Some(*attempt));
    }

    let job = engine.job(id).unwrap();
    assert_eq!(job.state, JobState::Done);
    assert_eq!(job.retry, None, "done, not waiting");
    assert_eq!(local.calls("b2_upload_file").await, 3);
    assert_eq!(
        remote_sha1(&local, &bucket, "six.txt").await,
        sha1_hex(b"hello\n")
    );
}

#[tokio::test]
async fn a_retried_download_reports_each_wait_and_lands_verified() {
    let local = local_b2().await;
    let bucket = bucket(&local, "retry-down").await;
    let (engine, mut events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    let body = pattern(50_000, 3);
    let path = src.path().join("data.bin");
    std::fs::write(&path, &body).unwrap();
    let up = engine.upload_file(path, bucket.clone(), "data.bin".into());
    wait_done(&engine, up).await;

    // The first request is refused (503), the second's body breaks after 1,000 bytes.
    fail_next(&local, "b2_download_file_by_id", 1, json!({})).await;
    fail_next(
        &local,
        "b2_download_file_by_id",
        1,
        json!({"cutAfterBytes": 1000}),
    )
    .await;
    let dst = tempfile::tempdir().unwrap();
    let target = dst.path().join("data.bin");
    let id = engine.download_file(
        bucket.clone(),
        RemoteFile::Name("data.bin".into()),
        target.clone(),
        ConflictPolicy::Overwrite,
    );
    let (waits, verified) = retries_until_finished(&mut events, id, |_| {}).await;
    assert!(verified, "B2's SHA-1 checked");
    assert_eq!(waits.len(), 2, "{waits:?}");
    let (refused, refused_at) = &waits[0];
    // The client's own policy retries the refused request (4 tries in these tests).
    assert_eq!((refused.attempt, refused.max_attempts), (2, 4));
    assert_eq!(b2_failure(&refused.error), (503, "service_unavailable"));
    assert_eq!(*refused_at, 0);
    let (cut, cut_at) = &waits[1];
    // The transfer's policy resumes the cut body from the byte it stopped at.
    assert_eq!((cut.attempt, cut.max_attempts), (2, 10));
    assert!(
        matches!(cut.error, Failure::Network(_)),
        "a cut body is the network's: {:?}",
        cut.error
    );
    assert_eq!(*cut_at, 1000, "the bytes kept before the cut");
    assert_eq!(engine.job(id).unwrap().retry, None);
    let got = std::fs::read(&target).unwrap();
    assert!(got == body, "the bytes arrived whole");
    assert_eq!(
        sha1_hex(&got),
        remote_sha1(&local, &bucket, "data.bin").await
    );
}

// ---------------------------------------------------------------------------------------
// The app

fn draw(app: &App) -> Terminal<TestBackend> {
    draw_at(app, 100)
}

fn draw_at(app: &App, width: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(width, 30)).unwrap();
    term.draw(|f| ui::render(app, f)).unwrap();
    term
}

/// The screen row that holds `needle`, trimmed of the frame.
fn row_with(app: &App, needle: &str) -> Option<String> {
    rows(&draw(app))
        .into_iter()
        .find(|r| r.contains(needle))
        .map(|r| r.trim_matches(|c| c == '┃' || c == ' ').to_owned())
}

/// The second line of job `id`'s row (bar, bytes, state), trimmed.
fn job_line(app: &App, id: u64) -> String {
    job_line_at(app, id, 100)
}

fn job_line_at(app: &App, id: u64, width: u16) -> String {
    let screen = rows(&draw_at(app, width));
    let at = screen
        .iter()
        .position(|r| r.contains(&format!("#{id} ")))
        .unwrap_or_else(|| panic!("no row #{id}:\n{}", screen.join("\n")));
    screen[at + 1]
        .trim_matches(|c| c == '┃' || c == ' ')
        .to_owned()
}

#[tokio::test]
async fn the_app_row_says_when_a_retrying_upload_tries_again() {
    let local = local_b2().await;
    let bucket = bucket(&local, "retry-app").await;
    fail_next(&local, "b2_upload_file", 1, too_many_requests(2)).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("six.txt");
    std::fs::write(&path, b"hello\n").unwrap();

    let (tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel();
    let (evt_tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let _worker = worker::spawn(local.client.clone(), cmd_rx, evt_tx);
    let mut app = app_with(SessionInfo {
        deterministic: true,
        cwd: dir.path().to_path_buf(),
        ..session()
    });
    app.view = View::Transfers;
    tx.send(Command::Transfer(TransferCommand::Upload {
        req: RequestId(1),
        local: path,
        bucket: bucket.clone(),
        prefix: String::new(),
    }))
    .unwrap();

    let mut screens = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("worker alive");
        app.send(Msg::Worker(ev));
        app.send(Msg::Tick {
            now: Instant::now(),
        });
        let job = app.transfers.jobs.values().next();
        if job.is_some_and(|j| j.retry.is_some()) {
            screens.push((job_line(&app, 1), row_with(&app, "⇅")));
        }
        if job.is_some_and(|j| j.state.is_final()) {
            break;
        }
    }
    let (line, header) = screens.first().expect("the wait was shown");
    assert!(
        line.ends_with("   0%  retrying in 2 s (attempt 2/10) after 429 too_many_requests"),
        "{line}"
    );
    assert!(!line.contains("B/s") && !line.contains("ETA"), "{line}");
    assert!(
        header
            .as_deref()
            .is_some_and(|h| h.contains("⇅ 1 running (1 retrying)")),
        "{header:?}"
    );
    let job = app.transfers.jobs.values().next().unwrap();
    assert_eq!(job.state, JobState::Done);
    assert_eq!(job.retry, None);
    let line = job_line(&app, 1);
    // Done, with how long the job took: at least the 2 s wait before its second try.
    let took = line
        .split_once("6 B / 6 B  done in ")
        .and_then(|(_, t)| t.strip_suffix('s'))
        .and_then(|t| t.parse::<f64>().ok());
    assert!(took.is_some_and(|t| (2.0..30.0).contains(&t)), "{line}");
    assert_eq!(
        remote_sha1(&local, &bucket, "six.txt").await,
        sha1_hex(b"hello\n")
    );
}

const T0: i64 = 1_795_183_353_123;

fn engine_event(app: &mut App, ev: TransferEvent) {
    app.send(Msg::Worker(WorkerEvent::Transfer(TransferNote::Engine(ev))));
}

fn queued(app: &mut App, id: u64, name: &str, total: u64) {
    let job = JobSnapshot {
        id: JobId(id),
        kind: JobKind::Upload,
        source: format!("/home/me/{name}"),
        destination: format!("b2://photos-2026/{name}"),
        bytes_done: 0,
        bytes_total: total,
        bytes_per_sec: 0,
        state: JobState::Queued,
        large_file: false,
        hashing: None,
        retry: None,
        group: None,
        elapsed_ms: None,
    };
    engine_event(app, TransferEvent::Queued { job });
}

fn progressed(id: u64, done: u64, total: u64, speed: u64) -> TransferEvent {
    TransferEvent::Progressed {
        id: JobId(id),
        bytes_done: done,
        bytes_total: total,
        bytes_per_sec: speed,
    }
}

fn wait_503(attempt: u32, secs: u64) -> RetryWait {
    RetryWait {
        attempt,
        max_attempts: 8,
        error: Failure::B2 {
            status: 503,
            code: "service_unavailable".into(),
            message: "busy".into(),
        },
        delay: Duration::from_secs(secs),
        since_unix_ms: T0,
    }
}

/// Four uploads: one waiting for its third try, one before its first byte, one moving,
/// one queued behind them.
fn waiting_jobs(deterministic: bool) -> App {
    let mut app = app_with(SessionInfo {
        deterministic,
        cwd: PathBuf::from("/home/me"),
        ..session()
    });
    app.view = View::Transfers;
    queued(&mut app, 1, "six.txt", 6);
    queued(&mut app, 2, "big.iso", 900_000_000);
    queued(&mut app, 3, "video.mp4", 50_000_000);
    queued(&mut app, 4, "later.bin", 2_000);
    for id in 1..=3 {
        engine_event(&mut app, TransferEvent::Started { id: JobId(id) });
    }
    engine_event(&mut app, progressed(1, 6, 6, 0));
    engine_event(
        &mut app,
        TransferEvent::Retrying {
            id: JobId(1),
            retry: Box::new(wait_503(3, 4)),
            bytes_done: 0,
        },
    );
    engine_event(&mut app, progressed(3, 10_000_000, 50_000_000, 5_000_000));
    app
}

#[test]
fn a_waiting_job_says_why_and_a_moving_one_how_fast() {
    let app = waiting_jobs(true);
    insta::assert_snapshot!("retrying_view", rows(&draw(&app)).join("\n"));
    // The reason wins over the byte counts on a narrow row; a wide one has both.
    assert_eq!(
        job_line(&app, 1),
        "░░░░░░░░░░░░░░░░░░░░   0%  retrying in 4 s (attempt 3/8) after 503 service_unavailable"
    );
    assert_eq!(
        job_line_at(&app, 1, 120),
        "░░░░░░░░░░░░░░░░░░░░   0%  0 B / 6 B  retrying in 4 s (attempt 3/8) after 503 service_unavailable"
    );
    assert_eq!(
        job_line(&app, 2),
        "░░░░░░░░░░░░░░░░░░░░   0%  0 B / 900 MB  running",
        "no 0 B/s and no ETA before the first byte"
    );
    assert_eq!(
        job_line(&app, 3),
        "████░░░░░░░░░░░░░░░░  20%  10 MB / 50 MB  5 MB/s  ETA 8s  running"
    );
    assert_eq!(
        job_line(&app, 4),
        "░░░░░░░░░░░░░░░░░░░░   0%  0 B / 2 kB  queued"
    );
    let t = app.transfers.totals();
    assert_eq!((t.running, t.retrying, t.queued), (3, 1, 1));
}

#[test]
fn the_wait_counts_down_on_ticks_unless_deterministic() {
    let mut app = waiting_jobs(false);
    let at = |app: &mut App, ms: i64| {
        app.send(Msg::WallClock { unix_ms: T0 + ms });
        app.send(Msg::Tick {
            now: Instant::now(),
        });
        job_line(app, 1)
    };
    assert!(
        at(&mut app, 0).ends_with("retrying in 4 s (attempt 3/8) after 503 service_unavailable")
    );
    assert!(
        at(&mut app, 1_500)
            .ends_with("retrying in 3 s (attempt 3/8) after 503 service_unavailable")
    );
    assert!(
        at(&mut app, 3_100)
            .ends_with("retrying in 1 s (attempt 3/8) after 503 service_unavailable")
    );
    assert!(
        at(&mut app, 4_000).ends_with("retrying now (attempt 3/8) after 503 service_unavailable")
    );

    // Deterministic mode shows the whole wait, whatever the clock says.
    let mut frozen = waiting_jobs(true);
    assert!(
        at(&mut frozen, 3_100)
            .ends_with("retrying in 4 s (attempt 3/8) after 503 service_unavailable")
    );
}

#[test]
fn the_next_byte_or_state_ends_the_wait() {
    let mut app = waiting_jobs(true);
    // Bytes taken back by the failed try are not progress.
    engine_event(&mut app, progressed(1, 0, 6, 0));
    assert!(app.transfers.jobs[&JobId(1)].retry.is_some());
    engine_event(&mut app, progressed(1, 6, 6, 0));
    assert_eq!(app.transfers.jobs[&JobId(1)].retry, None, "a byte moved");
    assert_eq!(
        job_line(&app, 1),
        "████████████████████ 100%  6 B / 6 B  0 B/s  running"
    );

    // A wait, then the job fails for good: the row says why it failed, not the wait.
    engine_event(
        &mut app,
        TransferEvent::Retrying {
            id: JobId(3),
            retry: Box::new(wait_503(8, 30)),
            bytes_done: 10_000_000,
        },
    );
    assert!(job_line(&app, 3).contains("retrying in 30 s (attempt 8/8)"));
    engine_event(
        &mut app,
        TransferEvent::Failed {
            id: JobId(3),
            error: wait_503(8, 30).error,
        },
    );
    assert_eq!(app.transfers.jobs[&JobId(3)].retry, None);
    let line = job_line(&app, 3);
    assert!(
        line.ends_with("failed: service_unavailable: busy"),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------
// `b2tui cp`

async fn cp(local: &common::Local, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .arg("--endpoint")
        .arg(&local.server.url)
        .arg("cp")
        .args(args)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env_remove("B2TUI_ENDPOINT")
        .output()
        .await
        .expect("binary runs")
}

#[tokio::test]
async fn cp_prints_each_retry_with_the_name_escaped() {
    let local = local_b2().await;
    let bucket = bucket(&local, "retry-cli").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("red\u{1b}[31m.txt");
    std::fs::write(&file, b"hello\n").unwrap();
    fail_next(&local, "b2_upload_file", 1, too_many_requests(1)).await;
    let dest = format!("b2://{}/red.txt", bucket.name);
    let out = cp(&local, &[file.to_str().unwrap(), &dest]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let escaped = format!("{}/red\\x1b[31m.txt", dir.path().display());
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines[0],
        format!("b2tui: retrying {escaped} in 1 s (attempt 2/10): 429 too_many_requests")
    );
    assert!(lines[1].starts_with("copied 1 file (6 B), "), "{stderr}");
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no raw escape: {stderr:?}");
    assert_eq!(
        remote_sha1(&local, &bucket, "red.txt").await,
        sha1_hex(b"hello\n")
    );

    // Down: a refused range request is retried by the client's own policy (5 tries).
    fail_next(&local, "b2_download_file_by_id", 1, too_many_requests(1)).await;
    let back = dir.path().join("back.txt");
    let out = cp(&local, &[&dest, back.to_str().unwrap()]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap_or_default(),
        format!("b2tui: retrying {dest} in 1 s (attempt 2/5): 429 too_many_requests")
    );
    assert_eq!(std::fs::read(&back).unwrap(), b"hello\n");
}
