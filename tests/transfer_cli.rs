//! `b2tui ls` and `b2tui cp`, the real binary against a local B2 started in the test.

mod common;
mod transfer_support;

use std::path::Path;
use std::process::Output;

use transfer_support::*;

/// Runs the binary with the local B2's endpoint and master key in the environment.
async fn b2tui(local: &common::Local, args: &[&str]) -> Output {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .arg("--endpoint")
        .arg(&local.server.url)
        .args(args)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env_remove("B2TUI_ENDPOINT")
        .output()
        .await
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\r'),
        "no progress line off a terminal: {stderr}"
    );
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[tokio::test]
async fn copies_a_file_up_and_down_and_lists_it() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cli-one").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes été.txt");
    std::fs::write(&file, pattern(50_000, 1)).unwrap();
    let dest = format!("b2://{}/docs/", bucket.name);
    let out = b2tui(&local, &["cp", path(&file), &dest]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    std::fs::write(&file, pattern(60_000, 2)).unwrap();
    let exact = format!("b2://{}/docs/notes été.txt", bucket.name);
    assert!(
        b2tui(&local, &["cp", path(&file), &exact])
            .await
            .status
            .success()
    );

    let root = format!("b2://{}", bucket.name);
    let out = b2tui(&local, &["ls", &root]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "docs/\n");
    let out = b2tui(&local, &["ls", "-r", &root]).await;
    assert_eq!(text(&out.stdout), "docs/notes été.txt\n");
    let out = b2tui(&local, &["ls", &format!("{root}/docs")]).await;
    assert_eq!(text(&out.stdout), "docs/notes été.txt\n");
    let out = b2tui(&local, &["ls", "--versions", &format!("{root}/docs/")]).await;
    let lines: Vec<_> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("60000") && lines[0].contains(" upload "),
        "{lines:?}"
    );
    assert!(lines[1].contains("50000"), "newest first: {lines:?}");
    let out = b2tui(&local, &["ls", "--json", "-r", &root]).await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["fileName"], "docs/notes été.txt");
    assert_eq!(json[0]["contentLength"], 60_000);
    assert_eq!(json.as_array().unwrap().len(), 1);

    let down = tempfile::tempdir().unwrap();
    let out = b2tui(&local, &["cp", &exact, path(down.path())]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(down.path().join("notes été.txt")).unwrap() == pattern(60_000, 2));
    let renamed = down.path().join("renamed.bin");
    assert!(
        b2tui(&local, &["cp", &exact, path(&renamed)])
            .await
            .status
            .success()
    );
    assert!(std::fs::read(&renamed).unwrap() == pattern(60_000, 2));
}

#[tokio::test]
async fn copies_a_tree_both_ways_with_large_files() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cli-tree").await;
    let src = tempfile::tempdir().unwrap();
    let files = [
        ("a.txt", 10),
        ("sub/dir/b.bin", 4_000),
        ("日本/データ.csv", 777),
        ("big/large.bin", 750_000),
    ];
    for (i, (name, len)) in files.iter().enumerate() {
        let p = src.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, pattern(*len, i as u8)).unwrap();
    }
    let prefix = format!("b2://{}/backup/", bucket.name);
    let up = [
        "cp",
        "-r",
        "--threads",
        "3",
        "--large-file-cutoff",
        "300000",
        "--part-size",
        "200000",
        path(src.path()),
        &prefix,
    ];
    let out = b2tui(&local, &up).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        local.calls("b2_upload_part").await >= 4,
        "large file in parts"
    );
    let out = b2tui(&local, &["ls", "-r", &prefix]).await;
    let mut expected: Vec<_> = files.iter().map(|(n, _)| format!("backup/{n}")).collect();
    expected.sort();
    assert_eq!(text(&out.stdout).lines().collect::<Vec<_>>(), expected);

    let dst = tempfile::tempdir().unwrap();
    let into = dst.path().join("restore");
    let out = b2tui(
        &local,
        &["cp", "-r", "--part-size", "200000", &prefix, path(&into)],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(read_tree(&into), read_tree(src.path()));

    // Again with --on-conflict skip: nothing changes, still a success.
    std::fs::write(into.join("a.txt"), b"mine").unwrap();
    let out = b2tui(
        &local,
        &["cp", "-r", "--on-conflict", "skip", &prefix, path(&into)],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(into.join("a.txt")).unwrap(), b"mine");
}

#[tokio::test]
async fn reports_each_failure_and_exits_non_zero() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cli-fail").await;
    for name in ["p/good.txt", "p/../evil.txt"] {
        put(&local, &bucket, name, b"data").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = b2tui(
        &local,
        &[
            "cp",
            "-r",
            &format!("b2://{}/p", bucket.name),
            path(&dir.path().join("x")),
        ],
    )
    .await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("p/../evil.txt") && err.contains("unsafe name"),
        "{err}"
    );
    assert!(err.contains("1 of 2 files failed"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("x/good.txt")).unwrap(),
        b"data"
    );
    assert!(!dir.path().join("evil.txt").exists());

    let missing = format!("b2://{}/p/nope.txt", bucket.name);
    let out = b2tui(&local, &["cp", &missing, path(dir.path())]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().filter(|l| l.contains("failed: ")).count(),
        1,
        "one line per failed file: {err}"
    );
    assert!(err.contains("not found"), "{err}");

    let out = b2tui(&local, &["ls", "b2://no-such-bucket"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no bucket named"));

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .args(["--endpoint", &local.server.url, "ls", "b2://x"])
        .env_remove("B2_APPLICATION_KEY_ID")
        .env_remove("B2_APPLICATION_KEY")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("B2_APPLICATION_KEY_ID"));
}

#[tokio::test]
async fn keep_both_says_where_the_download_went() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cli-keep").await;
    put(&local, &bucket, "big.bin", b"remote").await;
    let down = tempfile::tempdir().unwrap();
    std::fs::write(down.path().join("big.bin"), b"local").unwrap();
    let src = format!("b2://{}/big.bin", bucket.name);
    let out = b2tui(
        &local,
        &["cp", "--on-conflict", "keep-both", &src, path(down.path())],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kept = down.path().join("big (1).bin");
    assert_eq!(std::fs::read(&kept).unwrap(), b"remote");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("{src} → {}", kept.display())),
        "{stderr}"
    );
}
