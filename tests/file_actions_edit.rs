//! Editing and opening files against the local B2 over HTTP, the real `App` and worker
//! wired as the event loop wires them: `e` with a scripted `$EDITOR` (saved, unchanged, a
//! failing editor, binary and large files refused, and each answer when another version
//! came meanwhile; the temporary file is gone afterwards) and `O` with a recording opener.
#![allow(clippy::unwrap_used)]

mod common;
mod file_actions_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use b2tui::app::Modal;
use b2tui::b2::BucketId;
use common::app::{code, key};
use crossterm::event::KeyCode;
use file_actions_support::*;

/// A shell line that appends `line` to the file (`$1`).
fn append(line: &str) -> String {
    format!("printf '%s\\n' '{line}' >>")
}

#[tokio::test]
async fn an_edit_saved_in_the_editor_becomes_a_new_version_and_the_temp_file_goes() {
    let (local, bucket) = setup("fa-edit").await;
    upload(&local.client, &bucket, "conf/app.ini", b"[main]\nx = 1\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.editor.command = append("y = 2");
    d.open_file("conf/app.ini").await;
    d.press('e').await;
    d.until("the save", |a| a.actions.edit.is_none()).await;
    assert_eq!(d.edited.len(), 1);
    assert!(!d.edited[0].exists(), "the temp file is removed");
    assert!(d.notice().contains("Saved conf/app.ini"), "{}", d.notice());
    let all = versions(&local.client, &bucket, "conf/app.ini").await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        content(&local.client, &all[0]).await,
        b"[main]\nx = 1\ny = 2\n"
    );
    assert!(
        all[0].file_info.contains_key("src_last_modified_millis"),
        "{:?}",
        all[0].file_info
    );
    assert!(d.app.modals.is_empty(), "{:?}", d.app.modals);
}

#[tokio::test]
async fn unchanged_content_uploads_nothing() {
    let (local, bucket) = setup("fa-same").await;
    upload(&local.client, &bucket, "a.txt", b"same\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.editor.command = "true".to_owned();
    d.open_file("a.txt").await;
    d.press('e').await;
    d.until("the end of the edit", |a| a.actions.edit.is_none())
        .await;
    assert!(
        d.notice().contains("unchanged: nothing uploaded"),
        "{}",
        d.notice()
    );
    assert_eq!(versions(&local.client, &bucket, "a.txt").await.len(), 1);
    assert!(!d.edited[0].exists());

    // An editor that fails: nothing uploaded either, the file removed.
    d.editor.command = format!("{} \"$1\"; false", append("lost"));
    d.press('e').await;
    d.until("the end of the edit", |a| a.actions.edit.is_none())
        .await;
    assert!(
        d.notice().contains("Edit of a.txt discarded"),
        "{}",
        d.notice()
    );
    assert_eq!(versions(&local.client, &bucket, "a.txt").await.len(), 1);
    assert!(!d.edited[1].exists());
}

#[tokio::test]
async fn binary_and_large_files_are_not_edited() {
    let (local, bucket) = setup("fa-bin").await;
    upload(&local.client, &bucket, "b.bin", b"PK\x03\x04\x00\x00rest").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.editor.command = append("never");
    d.open_file("b.bin").await;
    d.press('e').await;
    d.until("the refusal", |a| a.actions.edit.is_none()).await;
    assert!(d.notice().contains("Cannot edit b.bin"), "{}", d.notice());
    assert!(d.notice().contains("binary"), "{}", d.notice());
    assert!(d.edited.is_empty(), "the editor never ran");
    assert_eq!(versions(&local.client, &bucket, "b.bin").await.len(), 1);

    // Over 10 MiB: refused before anything is fetched.
    upload(
        &local.client,
        &bucket,
        "big.log",
        &vec![b'x'; (10 << 20) + 1],
    )
    .await;
    d.send(code(KeyCode::Char('R'))).await;
    d.open_file("big.log").await;
    let fx = d.app.update(key('e'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(d.notice().contains("larger than 10 MiB"), "{}", d.notice());
}

/// Edits `notes.txt` while another upload lands, answers the question with `answer`;
/// returns the driver and the bucket.
async fn edit_with_conflict(bucket_name: &str, answer: char) -> (common::Local, BucketId, Driver) {
    let (local, bucket) = setup(bucket_name).await;
    upload(&local.client, &bucket, "notes.txt", b"base\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.editor = EditorPlan {
        command: append("mine"),
        upload_meanwhile: Some((bucket.clone(), "notes.txt".to_owned(), b"theirs\n".to_vec())),
    };
    d.open_file("notes.txt").await;
    d.press('e').await;
    d.until("the question", |a| {
        matches!(a.modals.last(), Some(Modal::Actions(_)))
    })
    .await;
    let m = menu(&d.app);
    assert_eq!(m.title, "File changed");
    assert!(m.note.contains("newer version"), "{}", m.note);
    assert_eq!(
        entries(&d.app),
        [
            e('o', "overwrite", "notes.txt"),
            e('c', "save as a copy", "notes (edited 2026-12-05 10.31).txt"),
            e('d', "discard the edit", ""),
        ]
    );
    assert!(d.edited[0].exists(), "kept for the answer");
    d.press(answer).await;
    d.until("the end of the edit", |a| a.actions.edit.is_none())
        .await;
    assert!(!d.edited[0].exists(), "the temp file is removed");
    assert!(d.app.modals.is_empty(), "{:?}", d.app.modals);
    (local, bucket, d)
}

#[tokio::test]
async fn a_conflicting_edit_can_overwrite() {
    let (local, bucket, _d) = edit_with_conflict("fa-over", 'o').await;
    let all = versions(&local.client, &bucket, "notes.txt").await;
    assert_eq!(all.len(), 3);
    assert_eq!(content(&local.client, &all[0]).await, b"base\nmine\n");
    assert_eq!(content(&local.client, &all[1]).await, b"theirs\n");
}

#[tokio::test]
async fn a_conflicting_edit_can_be_saved_as_a_copy() {
    let (local, bucket, d) = edit_with_conflict("fa-copyas", 'c').await;
    let all = versions(&local.client, &bucket, "notes.txt").await;
    assert_eq!(all.len(), 2);
    assert_eq!(content(&local.client, &all[0]).await, b"theirs\n");
    let copy = versions(
        &local.client,
        &bucket,
        "notes (edited 2026-12-05 10.31).txt",
    )
    .await;
    assert_eq!(copy.len(), 1);
    assert_eq!(content(&local.client, &copy[0]).await, b"base\nmine\n");
    assert!(d.notice().contains("Saved notes (edited"), "{}", d.notice());
}

#[tokio::test]
async fn a_conflicting_edit_can_be_discarded() {
    let (local, bucket, d) = edit_with_conflict("fa-discard", 'd').await;
    let all = versions(&local.client, &bucket, "notes.txt").await;
    assert_eq!(all.len(), 2);
    assert_eq!(content(&local.client, &all[0]).await, b"theirs\n");
    assert!(d.notice().contains("discarded"), "{}", d.notice());
}

#[tokio::test]
async fn o_hands_a_private_copy_to_the_opener() {
    let (local, bucket) = setup("fa-open").await;
    upload(
        &local.client,
        &bucket,
        "pics/cat.png",
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("record");
    let script = dir.path().join("opener.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncp \"$1\" '{0}.bytes'\nstat -c %a \"$1\" > '{0}.mode'\nprintf '%s' \"$1\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            record.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    // What `$B2TUI_OPENER` sets at start.
    d.app.session.opener = Some(script.display().to_string());
    d.open_file("pics/cat.png").await;
    d.press('O').await;
    d.until("the opener", |a| a.actions.opening.is_empty())
        .await;
    assert!(
        d.notice().starts_with("Opened pics/cat.png with"),
        "{}",
        d.notice()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !record.exists() {
        assert!(Instant::now() < deadline, "the opener never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let arg = PathBuf::from(std::fs::read_to_string(&record).unwrap());
    assert_eq!(arg.file_name().unwrap(), "cat.png");
    assert_eq!(
        std::fs::read(record.with_extension("bytes")).unwrap(),
        b"\x89PNG\r\n\x1a\nnot really"
    );
    assert_eq!(
        std::fs::read_to_string(record.with_extension("mode"))
            .unwrap()
            .trim(),
        "600"
    );
    assert!(
        arg.exists(),
        "kept until b2tui exits (the opener reads it later)"
    );
    // In the process's private folder, which b2tui removes as it exits (a unit test of
    // `worker::actions` checks the removal; here other tests use the folder meanwhile).
    let root = arg.parent().and_then(Path::parent).unwrap();
    assert!(
        root.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("b2tui-"),
        "{}",
        arg.display()
    );
}
