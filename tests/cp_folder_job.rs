//! `b2tui cp -r` copies a folder as ONE job of many files, listed as it goes, and still
//! tells of every file: a listing that fails part-way after the files listed before it
//! were copied, one `--json` object per file with its SHA-1, a retry line naming the file,
//! and the "kept both" line of a file of a folder. The real binary against a local B2
//! started by each test.

mod common;
mod transfer_support;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use transfer_support::*;

async fn run(local: &common::Local, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .arg("--endpoint")
        .arg(&local.server.url)
        .args(args)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env_remove("B2TUI_ENDPOINT")
        .env_remove("B2TUI_PROFILE")
        .output()
        .await
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn sha1_hex(data: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(data))
}

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn summary_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("copied "))
        .unwrap_or_else(|| panic!("no summary line in {stderr:?}"))
}

#[tokio::test]
async fn a_listing_that_fails_on_its_second_page_keeps_the_first_pages_files() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cpjob-list").await;
    // 1,005 files: a first page of 1,000 names, and a second one.
    let src = tempfile::tempdir().unwrap();
    for i in 0..1_005u32 {
        std::fs::write(src.path().join(format!("f{i:04}.txt")), i.to_string()).unwrap();
    }
    let remote = format!("b2://{}/many/", bucket.name);
    let out = run(&local, &["cp", "-r", path(src.path()), &remote]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        summary_line(&text(&out.stderr)).starts_with("copied 1,005 files"),
        "{}",
        text(&out.stderr)
    );

    // The first page is answered; the second fails, and is not tried again.
    local
        .admin(
            "fail_next",
            json!({"count": 1, "after": 1, "status": 400, "code": "bad_request",
                   "message": "no second page", "endpoint": "b2_list_file_names"}),
        )
        .await;
    let into = tempfile::tempdir().unwrap();
    let out = run(&local, &["cp", "-r", &remote, path(into.path())]).await;
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let failures: Vec<&str> = err.lines().filter(|l| l.contains("failed: ")).collect();
    assert_eq!(failures.len(), 1, "one line for the listing: {err}");
    let folder = format!("b2://{}/many/", bucket.name);
    assert!(
        failures[0].starts_with(&format!(
            "b2tui: failed: {folder} → {}: ",
            path(into.path())
        )),
        "{err}"
    );
    assert!(failures[0].contains(&format!("listing {folder}")), "{err}");
    assert!(failures[0].contains("no second page"), "{err}");
    assert!(
        summary_line(&err).starts_with("copied 1,000 files"),
        "the first page's files: {err}"
    );
    assert!(summary_line(&err).contains(", failed 1 in "), "{err}");
    assert!(err.contains("1 of 1001 files failed"), "{err}");
    let copied = read_tree(into.path());
    assert_eq!(copied.len(), 1_000);
    assert_eq!(copied["f0999.txt"], b"999");
    assert_eq!(local.calls("b2_list_file_names").await, 2);
}

#[tokio::test]
async fn json_tells_of_every_file_of_a_folder_both_ways() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cpjob-json").await;
    let src = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..300usize {
        let rel = format!("d{}/f{i:03}.bin", i % 7);
        let body = pattern(100 + i * 13, i as u8);
        let p = src.path().join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &body).unwrap();
        files.push((rel, body));
    }
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let remote = format!("b2://{}/j/", bucket.name);
    let out = run(
        &local,
        &["cp", "-r", "-q", "--json", path(src.path()), &remote],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "quiet: {}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 301, "one object per file and the summary");
    for (rel, body) in &files {
        let source = path(&src.path().join(rel)).to_owned();
        let line = lines
            .iter()
            .find(|l| l["source"] == source.as_str())
            .unwrap_or_else(|| panic!("{source}"));
        assert_eq!(line["event"], "done", "{line}");
        assert_eq!(line["destination"], format!("{remote}{rel}"), "{line}");
        assert_eq!(line["bytes"], body.len(), "{line}");
        assert_eq!(line["sha1"], sha1_hex(body), "{line}");
        assert_eq!(line["error"], Value::Null, "{line}");
    }
    let summary = lines.last().unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(
        (
            &summary["copied"],
            &summary["skipped"],
            &summary["failed"],
            &summary["cancelled"],
            &summary["bytes"],
        ),
        (&json!(300), &json!(0), &json!(0), &json!(0), &json!(total)),
        "{summary}"
    );

    // Back down, with one file already there: skipped, and said so.
    let into = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(into.path().join("d0")).unwrap();
    std::fs::write(into.path().join("d0/f000.bin"), b"mine").unwrap();
    let out = run(
        &local,
        &[
            "cp",
            "-r",
            "--json",
            "--on-conflict",
            "skip",
            &remote,
            path(into.path()),
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 301);
    for (rel, body) in &files {
        let source = format!("{remote}{rel}");
        let line = lines
            .iter()
            .find(|l| l["source"] == source.as_str())
            .unwrap_or_else(|| panic!("{source}"));
        assert_eq!(line["destination"], path(&into.path().join(rel)), "{line}");
        if rel == "d0/f000.bin" {
            assert_eq!(line["event"], "skipped", "{line}");
            assert!(line["error"].as_str().unwrap().contains("exists"), "{line}");
            continue;
        }
        assert_eq!(line["event"], "done", "{line}");
        assert_eq!(line["sha1"], sha1_hex(body), "{line}");
    }
    let summary = lines.last().unwrap();
    let skipped_len = files[0].1.len();
    assert_eq!(
        (&summary["copied"], &summary["skipped"], &summary["bytes"]),
        (&json!(299), &json!(1), &json!(total - skipped_len)),
        "{summary}"
    );
    let err = text(&out.stderr);
    assert!(
        summary_line(&err).starts_with("copied 299 files") && err.contains("skipped 1,"),
        "{err}"
    );
}

#[tokio::test]
async fn a_retry_in_a_folder_names_the_file_and_keep_both_names_the_copy() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cpjob-retry").await;
    let src = tempfile::tempdir().unwrap();
    for name in ["a.bin", "b.bin", "c.bin"] {
        std::fs::write(src.path().join(name), pattern(3_000, name.as_bytes()[0])).unwrap();
    }
    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 503, "endpoint": "b2_upload_file", "retryAfterSeconds": 1}),
        )
        .await;
    let remote = format!("b2://{}/r/", bucket.name);
    // One file at a time, in name order: the first upload is the one refused.
    let out = run(
        &local,
        &["cp", "-r", "--threads", "1", path(src.path()), &remote],
    )
    .await;
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "b2tui: retrying {} in 1 s (attempt 2/10): 503 service_unavailable",
            path(&src.path().join("a.bin"))
        ),
        "{err}"
    );
    assert!(lines[1].starts_with("copied 3 files (8.8 KiB), "), "{err}");
    assert_eq!(lines.len(), 2, "{err}");

    // Down again beside the copies already there: each is kept beside, and said so.
    let into = tempfile::tempdir().unwrap();
    std::fs::write(into.path().join("b.bin"), b"mine").unwrap();
    let out = run(
        &local,
        &[
            "cp",
            "-r",
            "--on-conflict",
            "keep-both",
            &remote,
            path(into.path()),
        ],
    )
    .await;
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let kept = into.path().join("b (1).bin");
    assert_eq!(
        err.lines().next().unwrap_or_default(),
        format!(
            "b2tui: {remote}b.bin → {} (the file existed; kept both)",
            kept.display()
        ),
        "{err}"
    );
    assert_eq!(std::fs::read(&kept).unwrap(), pattern(3_000, b'b'));
    assert_eq!(std::fs::read(into.path().join("b.bin")).unwrap(), b"mine");
}
