//! `b2tui cp --skip-existing`, the real binary against a local B2: a re-run of a copy moves
//! only the files the destination lacks or holds with other bytes (size and SHA-1), up and
//! down, counted by the local B2's call statistics.
#![allow(clippy::unwrap_used)]

mod common;
mod transfer_support;

use std::process::Output;

use transfer_support::*;

async fn cp(local: &common::Local, args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .arg("--endpoint")
        .arg(&local.server.url)
        .arg("cp")
        .args(args)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("B2TUI_ENDPOINT")
        .output()
        .await
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[tokio::test]
async fn skip_existing_moves_only_what_is_missing_or_changed() {
    let local = local_b2().await;
    let bucket = bucket(&local, "cli-skip").await;
    let src = tempfile::tempdir().unwrap();
    let tree = src.path().join("tree");
    std::fs::create_dir_all(tree.join("d")).unwrap();
    for i in 0..8u8 {
        let dir = if i % 2 == 0 {
            tree.join("d")
        } else {
            tree.clone()
        };
        std::fs::write(dir.join(format!("f{i}")), pattern(3_000, i)).unwrap();
    }
    let remote = format!("b2://{}/t/", bucket.name);
    let tree_arg = tree.to_str().unwrap();
    cp(&local, &["-r", tree_arg, &remote]).await;
    assert_eq!(local.calls("b2_upload_file").await, 8);

    // Interrupted and changed: one file rewritten (same size), one new.
    std::fs::write(tree.join("f1"), pattern(3_000, 77)).unwrap();
    std::fs::write(tree.join("new"), b"new").unwrap();
    cp(&local, &["-r", "--skip-existing", tree_arg, &remote]).await;
    assert_eq!(
        local.calls("b2_upload_file").await,
        10,
        "two more uploads only"
    );

    let dst = tempfile::tempdir().unwrap();
    let dst_arg = dst.path().to_str().unwrap();
    cp(&local, &["-r", "--skip-existing", &remote, dst_arg]).await;
    assert_eq!(local.calls("b2_download_file_by_id").await, 9);
    std::fs::remove_file(dst.path().join("f3")).unwrap();
    std::fs::write(dst.path().join("d/f4"), pattern(3_000, 99)).unwrap();
    cp(&local, &["-r", "--skip-existing", &remote, dst_arg]).await;
    assert_eq!(
        local.calls("b2_download_file_by_id").await,
        11,
        "the missing and the changed file only"
    );
    assert_eq!(read_tree(dst.path()), read_tree(&tree));
}
