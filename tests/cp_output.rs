//! What `b2tui cp` and `b2tui ls` print (bar on a terminal, summary, `--quiet`, `--json`,
//! escaped names), temporary names beside 250-byte names, and a `cp` stopped by SIGTERM or
//! SIGINT: the real binary against a local B2 started by each test.

mod common;
mod transfer_support;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use b2tui::worker::transfer::paths::is_temp_name;
use b2tui::worker::transfer::{BucketRef, ConflictPolicy, RemoteFile};
use serde_json::{Value, json};
use transfer_support::*;

fn command(local: &common::Local, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"));
    cmd.arg("--endpoint")
        .arg(&local.server.url)
        .args(args)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env_remove("B2TUI_ENDPOINT")
        .env_remove("B2TUI_PROFILE");
    cmd
}

/// Runs the binary with stdout and stderr piped.
async fn run(local: &common::Local, args: &[&str]) -> Output {
    command(local, args).output().await.expect("binary runs")
}

/// Runs the binary under `script`, so that its stdout and stderr are a terminal; returns
/// what the terminal got.
async fn run_on_terminal(local: &common::Local, args: &[&str]) -> String {
    let mut line = format!(
        "{} --endpoint {}",
        env!("CARGO_BIN_EXE_b2tui"),
        local.server.url
    );
    for a in args {
        line.push_str(&format!(" '{}'", a.replace('\'', r"'\''")));
    }
    let out = tokio::process::Command::new("script")
        .args(["-qfec", &line, "/dev/null"])
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "120")
        .env_remove("B2TUI_ENDPOINT")
        .env_remove("B2TUI_PROFILE")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("script (util-linux) runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

async fn upload(local: &common::Local, bucket: &BucketRef, name: &str, body: Vec<u8>) {
    let meta = b2tui::b2::UploadMeta {
        file_name: name.to_owned(),
        ..Default::default()
    };
    local
        .client
        .upload_bytes(&bucket.id, &meta, bytes::Bytes::from(body))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

fn sha1_hex(data: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(data))
}

fn temp_files(root: &Path) -> Vec<String> {
    all_entries(root)
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|n| is_temp_name(n))
        .collect()
}

/// `copied 3 files (…), skipped 0, failed 0 in 0.1 s, … /s`, pulled apart.
fn summary_counts(stderr: &str) -> (u64, u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("copied "))
        .unwrap_or_else(|| panic!("no summary line in {stderr:?}"));
    let num = |after: &str| -> u64 {
        let rest = &line[line.find(after).unwrap_or_else(|| panic!("{line}")) + after.len()..];
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        digits.parse().unwrap_or_else(|_| panic!("{line}"))
    };
    (num("copied "), num("skipped "), num("failed "))
}

#[tokio::test]
async fn plain_output_is_the_summary_and_quiet_prints_nothing() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-plain").await;
    let src = tempfile::tempdir().unwrap();
    for (i, name) in ["a.txt", "b.txt", "sub/c.txt"].iter().enumerate() {
        let p = src.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, pattern(2_048 * (i + 1), i as u8)).unwrap();
    }
    let dest = format!("b2://{}/up/", bucket.name);
    let out = run(&local, &["cp", "-r", path(src.path()), &dest]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing on stdout without --json");
    let err = text(&out.stderr);
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "no bar: {err:?}"
    );
    assert_eq!(err.lines().count(), 1, "one summary line only: {err}");
    assert!(
        err.starts_with("copied 3 files (12.0 KiB), skipped 0, failed 0 in "),
        "{err}"
    );
    assert!(err.trim_end().ends_with("/s"), "{err}");

    let into = tempfile::tempdir().unwrap();
    let out = run(&local, &["cp", "-r", "-q", &dest, path(into.path())]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert_eq!(read_tree(into.path()), read_tree(src.path()));
    // Again, skipping what exists: counted as skipped.
    let out = run(
        &local,
        &[
            "cp",
            "-r",
            "--on-conflict",
            "skip",
            &dest,
            path(into.path()),
        ],
    )
    .await;
    assert!(out.status.success());
    assert_eq!(summary_counts(&text(&out.stderr)), (0, 3, 0));

    // A copy that cannot start says why in one line, with no summary.
    let out = run(
        &local,
        &["cp", "-r", path(src.path()), "b2://no-such-bucket/"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no bucket named"), "{err}");
}

#[tokio::test]
async fn json_has_one_object_per_file_and_a_summary() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-json").await;
    let files = [("p/one.bin", 5_000usize), ("p/two.bin", 70_000)];
    for (i, (name, len)) in files.iter().enumerate() {
        upload(&local, &bucket, name, pattern(*len, i as u8)).await;
    }
    upload(&local, &bucket, "p/../evil.txt", b"x".to_vec()).await;
    let into = tempfile::tempdir().unwrap();
    std::fs::write(into.path().join("two.bin"), b"mine").unwrap();
    let src = format!("b2://{}/p", bucket.name);
    let out = run(
        &local,
        &[
            "cp",
            "-r",
            "--json",
            "--on-conflict",
            "skip",
            &src,
            path(into.path()),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "one failed file");
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let by_source = |name: &str| -> &Value {
        let source = format!("b2://{}/{name}", bucket.name);
        lines
            .iter()
            .find(|l| l["source"] == source.as_str())
            .unwrap_or_else(|| panic!("{source} in {lines:?}"))
    };
    let one = by_source("p/one.bin");
    assert_eq!(one["event"], "done");
    assert_eq!(one["bytes"], 5_000);
    assert_eq!(one["sha1"], sha1_hex(&pattern(5_000, 0)));
    assert_eq!(one["error"], Value::Null);
    assert_eq!(
        one["destination"],
        path(&into.path().join("one.bin")),
        "{one}"
    );
    let two = by_source("p/two.bin");
    assert_eq!(two["event"], "skipped");
    assert_eq!(two["sha1"], Value::Null);
    assert!(two["error"].as_str().unwrap().contains("exists"), "{two}");
    let evil = by_source("p/../evil.txt");
    assert_eq!(evil["event"], "failed");
    assert!(
        evil["error"].as_str().unwrap().contains("unsafe name"),
        "{evil}"
    );
    let summary = lines.last().unwrap();
    assert_eq!(
        (
            &summary["event"],
            &summary["copied"],
            &summary["skipped"],
            &summary["failed"],
            &summary["cancelled"],
            &summary["bytes"],
            &summary["interrupted"],
        ),
        (
            &json!("summary"),
            &json!(1),
            &json!(1),
            &json!(1),
            &json!(0),
            &json!(5_000),
            &Value::Null
        ),
        "{summary}"
    );
    assert!(summary["seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(std::fs::read(into.path().join("two.bin")).unwrap(), b"mine");
    // stderr keeps the human lines: the failure, the summary, the exit reason.
    let err = text(&out.stderr);
    assert_eq!(summary_counts(&err), (1, 1, 1));
    assert!(err.contains("1 of 3 files failed"), "{err}");

    // An upload: the SHA-1 is the local file's.
    let up = tempfile::tempdir().unwrap();
    let file = up.path().join("u.bin");
    std::fs::write(&file, pattern(9_999, 9)).unwrap();
    let dest = format!("b2://{}/u/", bucket.name);
    let out = run(&local, &["cp", "--json", "-q", path(&file), &dest]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "quiet: {}", text(&out.stderr));
    let first: Value = serde_json::from_str(text(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["event"], "done");
    assert_eq!(first["source"], path(&file));
    assert_eq!(
        first["destination"],
        format!("b2://{}/u/u.bin", bucket.name)
    );
    assert_eq!(first["sha1"], sha1_hex(&pattern(9_999, 9)));
}

#[tokio::test]
async fn names_with_control_characters_are_escaped_in_failure_lines() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-esc").await;
    // A local name B2 refuses (ESC is a control character): the upload fails.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a\u{1b}[31mred.txt");
    std::fs::write(&file, b"data").unwrap();
    let dest = format!("b2://{}/", bucket.name);
    let out = run(&local, &["cp", path(&file), &dest]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains('\u{1b}'), "no raw ESC: {err:?}");
    assert!(err.contains("failed: "), "{err}");
    assert!(err.contains(r"a\x1b[31mred.txt"), "{err}");

    // A remote name with a C1 control (CSI) is not written locally: its skip line and the
    // JSON (which escapes by itself) both name it.
    upload(&local, &bucket, "c/csi\u{9b}2J.txt", b"x".to_vec()).await;
    upload(&local, &bucket, "c/fine.txt", b"y".to_vec()).await;
    let into = tempfile::tempdir().unwrap();
    let src = format!("b2://{}/c", bucket.name);
    let out = run(&local, &["cp", "-r", "--json", &src, path(into.path())]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains('\u{9b}'), "no raw CSI: {err:?}");
    assert!(err.contains(r"c/csi\u{9b}2J.txt"), "{err}");
    assert!(err.contains("unsafe name"), "{err}");
    let failed: Value = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["event"] == "failed")
        .unwrap();
    assert_eq!(
        failed["source"],
        format!("b2://{}/c/csi\u{9b}2J.txt", bucket.name)
    );
    assert_eq!(std::fs::read(into.path().join("fine.txt")).unwrap(), b"y");
}

#[tokio::test]
async fn ls_escapes_names_on_a_terminal_and_not_in_a_pipe() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-ls").await;
    let name = "x/evil\u{9b}31m\u{202e}gpj.exe";
    upload(&local, &bucket, name, b"x".to_vec()).await;
    let root = format!("b2://{}", bucket.name);
    let out = run(&local, &["ls", "-r", &root]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{name}\n"),
        "raw bytes in a pipe"
    );

    let screen = run_on_terminal(&local, &["ls", "-r", &root]).await;
    assert!(
        screen.contains(r"x/evil\u{9b}31m\u{202e}gpj.exe"),
        "{screen:?}"
    );
    assert!(
        !screen.contains('\u{9b}') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
    let screen = run_on_terminal(&local, &["ls", "--versions", "-r", &root]).await;
    assert!(screen.contains(r"evil\u{9b}31m"), "{screen:?}");
}

#[tokio::test]
async fn the_bar_shows_on_a_terminal_with_retries_above_it() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-bar").await;
    let src = tempfile::tempdir().unwrap();
    for i in 0..3 {
        std::fs::write(src.path().join(format!("f{i}.bin")), pattern(40_000, i)).unwrap();
    }
    // Each upload waits a second before its retry: long enough for the bar to be drawn.
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 503, "endpoint": "b2_upload_file", "retryAfterSeconds": 1}),
        )
        .await;
    let dest = format!("b2://{}/bar/", bucket.name);
    let screen = run_on_terminal(
        &local,
        &["cp", "-r", "--threads", "1", path(src.path()), &dest],
    )
    .await;
    assert!(screen.contains("retrying "), "{screen:?}");
    assert!(screen.contains("(attempt 2/"), "{screen:?}");
    assert!(screen.contains(" files  "), "the bar's text: {screen:?}");
    assert!(screen.contains("/3 files"), "{screen:?}");
    assert!(screen.contains("117.2 KiB"), "the total: {screen:?}");
    assert!(
        screen.contains("copied 3 files (117.2 KiB), skipped 0, failed 0 in "),
        "{screen:?}"
    );
    // The bar is gone before the summary: its last frame is cleared, not left behind.
    let after = &screen[screen.rfind("copied 3 files").unwrap()..];
    assert!(!after.contains(" files  "), "{after:?}");
    let out = run(&local, &["ls", "-r", &dest]).await;
    assert_eq!(text(&out.stdout).lines().count(), 3);
}

#[tokio::test]
async fn a_250_byte_name_downloads_whole_and_in_ranges() {
    let local = local_b2().await;
    let bucket = bucket(&local, "out-long").await;
    // 250 bytes: the longest segment B2 takes, and 5 bytes under the usual file system
    // limit, so a temporary name built from it would not fit.
    let small = format!("{}s", "é".repeat(124) + "x");
    let large = format!("{}l", "n".repeat(249));
    assert_eq!((small.len(), large.len()), (250, 250));
    upload(&local, &bucket, &small, pattern(20_000, 1)).await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("big"), pattern(750_000, 2)).unwrap();
    let up = engine.upload_file(src.path().join("big"), bucket.clone(), large.clone());
    wait_done(&engine, up).await;

    // The small one through `cp`, into a folder.
    let into = tempfile::tempdir().unwrap();
    let remote = format!("b2://{}/{small}", bucket.name);
    let out = run(&local, &["cp", &remote, &format!("{}/", path(into.path()))]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(into.path().join(&small)).unwrap() == pattern(20_000, 1));

    // The large one in parallel ranges (above the 300 kB cutoff of these options).
    let before = local.calls("b2_download_file_by_id").await;
    let id = engine.download_file(
        bucket.clone(),
        RemoteFile::Name(large.clone()),
        into.path().join(&large),
        ConflictPolicy::Overwrite,
    );
    wait_done(&engine, id).await;
    assert!(
        local.calls("b2_download_file_by_id").await - before >= 3,
        "fetched in ranges"
    );
    assert!(std::fs::read(into.path().join(&large)).unwrap() == pattern(750_000, 2));
    assert_eq!(temp_files(into.path()), Vec::<String>::new());
    assert_eq!(all_entries(into.path()).len(), 2);
}

/// Starts `cp` downloading while the local B2 holds it up, waits until a temporary file
/// exists, sends `signal`, and returns the exit status and stderr.
async fn stop_mid_download(
    local: &common::Local,
    bucket: &BucketRef,
    into: &Path,
    signal: &str,
) -> (Option<i32>, String) {
    let src = format!("b2://{}/slow", bucket.name);
    let child = command(local, &["cp", "-r", &src, path(into)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let pid = child.id().expect("pid").to_string();
    eventually(
        "a temporary download file",
        Duration::from_secs(30),
        || async { !temp_files(into).is_empty() },
    )
    .await;
    let killed = tokio::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(killed.success());
    let out = tokio::time::timeout(Duration::from_secs(15), child.wait_with_output())
        .await
        .expect("cp ends soon after the signal")
        .expect("cp's output");
    (out.status.code(), text(&out.stderr))
}

/// A local B2 holding four files under `slow/`.
async fn slow_b2(name: &str) -> (common::Local, BucketRef) {
    let local = local_b2().await;
    let bucket = bucket(&local, name).await;
    for i in 0..4u8 {
        upload(
            &local,
            &bucket,
            &format!("slow/f{i}.bin"),
            pattern(100_000, i),
        )
        .await;
    }
    (local, bucket)
}

#[tokio::test]
async fn sigterm_stops_cp_mid_download_without_leaving_temporary_files() {
    let (local, bucket) = slow_b2("out-term").await;
    // Bodies cut after 1,000 bytes, again and again: the downloads keep resuming after
    // growing waits, with their temporary files open, until the signal.
    local
        .admin(
            "fail_next",
            json!({"count": 1000, "cutAfterBytes": 1_000, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let into = tempfile::tempdir().unwrap();
    let (code, err) = stop_mid_download(&local, &bucket, into.path(), "TERM").await;
    assert_eq!(code, Some(143), "{err}");
    assert_eq!(temp_files(into.path()), Vec::<String>::new(), "{err}");
    assert!(
        all_entries(into.path()).is_empty(),
        "nothing half-written: {err}"
    );
    assert!(err.contains("SIGTERM received: stopping"), "{err}");
    assert!(err.contains("b2tui: stopped by SIGTERM"), "{err}");
    let summary = err.lines().find(|l| l.starts_with("copied ")).unwrap();
    assert!(summary.contains(", cancelled 4 in "), "{summary}");
}

#[tokio::test]
async fn sigint_stops_cp_waiting_for_a_retry_without_leaving_temporary_files() {
    let (local, bucket) = slow_b2("out-int").await;
    // A 503 that asks for a long wait: the downloads sit in their retry waits.
    local
        .admin(
            "fail_next",
            json!({"count": 1000, "status": 503, "retryAfterSeconds": 30, "endpoint": "b2_download_file_by_id"}),
        )
        .await;
    let into = tempfile::tempdir().unwrap();
    let (code, err) = stop_mid_download(&local, &bucket, into.path(), "INT").await;
    assert_eq!(code, Some(130), "{err}");
    assert_eq!(temp_files(into.path()), Vec::<String>::new(), "{err}");
    assert!(err.contains("stopped by SIGINT"), "{err}");
}
