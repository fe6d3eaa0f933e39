//! File actions against the local B2 over HTTP, the real `App` and worker wired as the
//! event loop wires them: `d` on versions (an older one byte for byte beside the current
//! one, marked versions as one job), the copy menu's texts and clipboard effects (files,
//! folders, versions, search results) and `i` in the files pane. Editing and opening:
//! `file_actions_edit.rs`.
#![allow(clippy::unwrap_used)]

mod common;
mod file_actions_support;

use b2tui::app::actions::version_local_name;
use b2tui::app::{Effect, Modal};
use common::app::{code, key};
use crossterm::event::KeyCode;
use file_actions_support::*;

#[tokio::test]
async fn d_on_an_older_version_downloads_its_bytes_beside_the_current_one() {
    let (local, bucket) = setup("fa-vdl").await;
    let old = upload(&local.client, &bucket, "docs/notes.txt", b"the old words\n").await;
    upload(&local.client, &bucket, "docs/notes.txt", b"the new words\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.open_versions("docs/notes.txt").await;
    assert_eq!(d.app.versions.versions.len(), 2);

    // The current version: its own name.
    d.press('d').await;
    d.send(code(KeyCode::Enter)).await;
    d.until("the first download", |a| done_jobs(a) == 1).await;
    assert_eq!(
        std::fs::read(dir.path().join("notes.txt")).unwrap(),
        b"the new words\n"
    );

    // The older one: the upload time in its name, the current file left alone.
    d.press('j').await;
    d.press('d').await;
    d.send(code(KeyCode::Enter)).await;
    d.until("the second download", |a| done_jobs(a) == 2).await;
    let local_name = version_local_name(&old, &d.app.versions.versions, false);
    assert!(local_name.starts_with("docs/notes ("), "{local_name}");
    assert!(local_name.ends_with(").txt"), "{local_name}");
    let base = local_name.rsplit('/').next().unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(base)).unwrap(),
        b"the old words\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("notes.txt")).unwrap(),
        b"the new words\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[tokio::test]
async fn marked_versions_download_as_one_job_each_by_its_id() {
    let (local, bucket) = setup("fa-vmarks").await;
    let mut old = Vec::new();
    for words in ["one\n", "two\n", "three\n"] {
        old.push(upload(&local.client, &bucket, "log.txt", words.as_bytes()).await);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.open_versions("log.txt").await;
    // Marks the two older versions (Space marks and moves down).
    d.press('j').await;
    d.press(' ').await;
    d.press(' ').await;
    d.press('d').await;
    d.send(code(KeyCode::Enter)).await;
    d.until("the download", |a| done_jobs(a) == 1).await;
    assert_eq!(
        d.app.transfers.jobs.len(),
        1,
        "one job for the marked versions"
    );
    for v in &old[..2] {
        let name = version_local_name(v, &d.app.versions.versions, false);
        assert_eq!(
            std::fs::read(dir.path().join(&name)).unwrap(),
            content(&local.client, v).await,
            "{name}"
        );
    }
    assert!(
        !dir.path().join("log.txt").exists(),
        "the current one was not marked"
    );
}

#[tokio::test]
async fn the_copy_menu_offers_each_text_and_copies_the_raw_one() {
    let (local, bucket) = setup("fa-copy").await;
    let name = "my docs/it's ü.txt";
    let v1 = upload(&local.client, &bucket, name, b"v1").await;
    let v2 = upload(&local.client, &bucket, name, b"v2").await;
    let url = local.client.session().download_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;

    // A folder: its name and address only.
    d.open_file("my docs/").await;
    d.press('y').await;
    assert_eq!(
        entries(&d.app),
        [
            e('n', "name", "my docs/"),
            e('b', "address", "b2://fa-copy/my docs/"),
        ]
    );
    d.press('b').await;
    assert!(d.app.modals.is_empty());
    assert_eq!(d.clipboard, ["b2://fa-copy/my docs/"]);

    // A file: every entry, the exact text.
    d.open_file(name).await;
    d.press('y').await;
    let id2 = v2.file_id.clone().unwrap().0;
    assert_eq!(
        entries(&d.app),
        [
            e('n', "name", name),
            e('b', "address", &format!("b2://fa-copy/{name}")),
            e('i', "file id", &id2),
            e(
                'u',
                "URL",
                &format!("{url}/file/fa-copy/my%20docs/it%27s%20%C3%BC.txt")
            ),
            e(
                'c',
                "command",
                &format!("b2 file download b2id://{id2} 'it'\\''s ü.txt'")
            ),
        ]
    );
    // Each entry by its letter puts its raw text on the clipboard.
    for (k, _, text) in entries(&d.app) {
        if d.app.modals.is_empty() {
            d.press('y').await;
        }
        let fx = d.app.update(key(k));
        let copied: Vec<_> = fx
            .as_slice()
            .iter()
            .filter_map(|e| match e {
                Effect::Clipboard(s) => Some(s.expose().to_owned()),
                _ => None,
            })
            .collect();
        assert_eq!(copied, [text], "entry {k}");
        assert!(d.app.modals.is_empty());
    }
    // Enter copies the entry under the cursor; Esc copies nothing.
    d.press('y').await;
    d.press('j').await;
    d.press('j').await;
    let fx = d.app.update(code(KeyCode::Enter));
    assert!(
        fx.as_slice()
            .contains(&Effect::Clipboard(b2tui::b2::Secret::new(id2.clone())))
    );
    d.press('y').await;
    let fx = d.app.update(code(KeyCode::Esc));
    assert!(fx.is_empty() && d.app.modals.is_empty());

    // An older version: its own id, b2id address, by-id URL and a command naming it as
    // `d` would.
    d.send(code(KeyCode::Enter)).await;
    d.until("the versions", |a| a.versions.loaded).await;
    d.press('j').await;
    d.press('y').await;
    let id1 = v1.file_id.clone().unwrap().0;
    let local_name = version_local_name(&v1, &d.app.versions.versions, false);
    let base = local_name.rsplit('/').next().unwrap();
    assert_eq!(
        entries(&d.app),
        [
            e('n', "name", name),
            e('i', "file id", &id1),
            e('v', "b2id address", &format!("b2id://{id1}")),
            e(
                'u',
                "URL",
                &format!(
                    "{url}/b2api/v3/b2_download_file_by_id?fileId={}",
                    b2tui::b2::encode::encode_value(&id1)
                )
            ),
            e(
                'c',
                "command",
                &format!(
                    "b2 file download b2id://{id1} '{}'",
                    base.replace('\'', "'\\''")
                )
            ),
        ]
    );
    d.press('v').await;
    assert_eq!(d.clipboard.last().unwrap(), &format!("b2id://{id1}"));
}

#[test]
fn the_menu_shows_names_escaped_and_the_clipboard_gets_them_raw() {
    use b2tui::app::actions::menu::{FileMenu, MenuEntry, MenuPurpose};
    let mut app = common::app::app();
    let raw = "bad\u{1b}[31mname";
    app.modals.push(Modal::Actions(Box::new(FileMenu::new(
        "Copy",
        raw.to_owned(),
        vec![MenuEntry::new('n', "name", raw)],
        MenuPurpose::Copy,
    ))));
    let backend = ratatui::backend::TestBackend::new(110, 20);
    let mut term = ratatui::Terminal::new(backend).unwrap();
    term.draw(|f| b2tui::ui::render(&app, f)).unwrap();
    let screen = common::app::screen(&term);
    assert!(screen.contains("bad\\u{1b}[31mname"), "{screen}");
    assert!(!screen.contains('\u{1b}'));
    let fx = app.update(key('n'));
    assert_eq!(
        fx.as_slice(),
        [Effect::Clipboard(b2tui::b2::Secret::new(raw))]
    );
}

#[tokio::test]
async fn i_in_the_files_pane_shows_the_files_details() {
    let (local, bucket) = setup("fa-info").await;
    let v = upload(&local.client, &bucket, "report.csv", b"a,b\n1,2\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.open_file("report.csv").await;
    d.press('i').await;
    d.until("the details", |a| !a.modals.is_empty()).await;
    let Some(Modal::Restore(b2tui::app::restore::RestoreModal::Info(info))) = d.app.modals.last()
    else {
        panic!("no details: {:?}", d.app.modals);
    };
    assert_eq!(info.title, "File details");
    assert_eq!(info.version.file_id, v.file_id);
    assert_eq!(info.version.content_type.as_deref(), Some("text/plain"));
    assert_eq!(info.version.content_sha1, v.content_sha1);
    assert_eq!(info.version.content_length, 8);
    d.press('i').await;
    assert!(d.app.modals.is_empty());
}

#[tokio::test]
async fn y_in_the_search_results_copies_the_selected_result() {
    let (local, bucket) = setup("fa-search").await;
    let v = upload(&local.client, &bucket, "deep/down/notes.md", b"# notes\n").await;
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::start(local.client.clone(), dir.path()).await;
    d.send(code(KeyCode::Enter)).await;
    d.until("the folder", |a| a.files.pending.is_none()).await;
    d.press('F').await;
    for c in "notes".chars() {
        d.press(c).await;
    }
    d.send(code(KeyCode::Enter)).await;
    d.until("the results", |a| {
        a.search
            .as_ref()
            .is_some_and(|s| !s.running && !s.hits.is_empty())
    })
    .await;
    d.press('y').await;
    let id = v.file_id.clone().unwrap().0;
    assert_eq!(
        entries(&d.app)[..3],
        [
            e('n', "name", "deep/down/notes.md"),
            e('b', "address", "b2://fa-search/deep/down/notes.md"),
            e('i', "file id", &id),
        ]
    );
    d.press('c').await;
    assert_eq!(
        d.clipboard,
        [format!("b2 file download b2id://{id} notes.md")]
    );
    assert!(
        matches!(d.app.modals.last(), Some(Modal::Search { .. })),
        "back to the results"
    );
}
