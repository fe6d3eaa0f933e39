//! File actions against the local B2 over HTTP, the real `App` and worker wired as the
//! event loop wires them: `d` on versions (an older one byte for byte beside the current
//! one, marked versions as one job), the copy menu's texts and clipboard effects, editing
//! with a scripted `$EDITOR` (saved, unchanged, binary refused, and each answer when
//! another version came meanwhile), `O` with `B2TUI_OPENER`, and `i` in the files pane.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use b2tui::app::actions::version_local_name;
use b2tui::app::{App, Effect, Focus, Modal, Msg, SessionInfo};
use b2tui::b2::{B2Client, BucketId, FileVersion, ListFileVersionsRequest, UploadMeta};
use b2tui::config::{Keymap, Theme};
use b2tui::worker::transfer::JobState;
use b2tui::worker::{self, Command, WorkerEvent};
use bytes::Bytes;
use common::app::{code, key};
use crossterm::event::KeyCode;
use tokio::sync::mpsc;

/// What the driver does when the app asks for the editor.
#[derive(Default)]
struct EditorPlan {
    /// The `$EDITOR` command line run on the file.
    command: String,
    /// Uploaded as a new version of the name just before the editor runs (another user).
    upload_meanwhile: Option<(BucketId, String, Vec<u8>)>,
}

/// The app, the worker and every effect the loop would perform.
struct Driver {
    app: App,
    client: B2Client,
    tx: mpsc::UnboundedSender<Command>,
    rx: mpsc::UnboundedReceiver<WorkerEvent>,
    clipboard: Vec<String>,
    edited: Vec<PathBuf>,
    editor: EditorPlan,
    outstanding: bool,
}

impl Driver {
    async fn start(client: B2Client, cwd: &Path) -> Self {
        let session = SessionInfo {
            account_id: client.account_id(),
            deterministic: true,
            key: b2tui::tui::current_key(&client),
            cwd: cwd.to_path_buf(),
            download_url: client.session().download_url.clone(),
            ..SessionInfo::default()
        };
        let mut app = App::new(Keymap::default_keymap(), Theme::colored(), session);
        app.set_capabilities(client.session().capabilities.clone());
        let (tx, cmd_rx) = mpsc::unbounded_channel();
        let (evt_tx, rx) = mpsc::unbounded_channel();
        worker::spawn(client.clone(), cmd_rx, evt_tx);
        app.update(Msg::Resize {
            width: 120,
            height: 40,
        });
        app.update(Msg::WallClock {
            unix_ms: 1_796_466_660_000,
        });
        let mut d = Self {
            app,
            client,
            tx,
            rx,
            clipboard: Vec::new(),
            edited: Vec::new(),
            editor: EditorPlan::default(),
            outstanding: false,
        };
        let first = d.app.start();
        d.perform(first.into_iter().collect()).await;
        d.settle().await;
        d
    }

    async fn perform(&mut self, effects: Vec<Effect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for e in queue {
                match e {
                    Effect::Worker(cmd) => {
                        self.outstanding = true;
                        self.tx.send(cmd).unwrap();
                    }
                    Effect::Clipboard(text) => self.clipboard.push(text.expose().to_owned()),
                    Effect::EditFile { req, path } => {
                        if let Some((bucket, name, data)) = self.editor.upload_meanwhile.take() {
                            upload(&self.client, &bucket, &name, &data).await;
                        }
                        self.edited.push(path.clone());
                        let saved = b2tui::effects::run_editor_on(&self.editor.command, &path);
                        next.extend(self.app.update(Msg::FileEdited { req, saved }));
                    }
                    _ => {}
                }
            }
            queue = next;
        }
    }

    /// One message, then whatever the worker answers until the app is quiet.
    async fn send(&mut self, msg: Msg) {
        let fx = self.app.update(msg);
        self.perform(fx.into_iter().collect()).await;
        self.settle().await;
    }

    async fn press(&mut self, c: char) {
        self.send(key(c)).await;
    }

    /// Feeds worker events (and ticks) until `done` holds (at most 20 s).
    async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done(&self.app) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited 20 s for {what}: {:?} {:?}",
                self.app.notification,
                self.app.modals
            );
            self.step(Duration::from_millis(50)).await;
        }
        self.settle().await;
    }

    /// One event if it comes within `wait`, else a tick.
    async fn step(&mut self, wait: Duration) -> bool {
        let msg = match tokio::time::timeout(wait, self.rx.recv()).await {
            Ok(Some(ev)) => Msg::Worker(ev),
            _ => {
                let fx = self.app.update(Msg::Tick {
                    now: Instant::now(),
                });
                self.perform(fx.into_iter().collect()).await;
                return false;
            }
        };
        let fx = self.app.update(msg);
        self.perform(fx.into_iter().collect()).await;
        true
    }

    /// Until nothing is loading and nothing arrived for a moment.
    async fn settle(&mut self) {
        if !self.outstanding && !self.app.is_loading() {
            return;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.step(Duration::from_millis(200)).await;
            if !got && !self.app.is_loading() {
                self.outstanding = false;
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the app never settled"
            );
        }
    }

    /// Opens the only bucket (unless open) and selects `name` in the files pane; a name
    /// in a folder (`a/b.txt`) opens the folder first.
    async fn open_file(&mut self, name: &str) {
        if self.app.files.bucket.is_none() {
            self.send(code(KeyCode::Enter)).await;
        }
        self.until("the folder", |a| {
            a.files.bucket.is_some() && a.files.pending.is_none()
        })
        .await;
        let folder = match name.trim_end_matches('/').rfind('/') {
            Some(i) => &name[..=i],
            None => "",
        };
        if self.app.files.prefix != folder {
            Box::pin(self.open_file(folder)).await;
            self.send(code(KeyCode::Enter)).await;
            self.until("the folder", |a| a.files.pending.is_none())
                .await;
        }
        for _ in 0..50 {
            if self.app.files.selected_name() == Some(name) {
                return;
            }
            self.press('j').await;
        }
        panic!("{name} is not listed");
    }

    /// Opens `name`'s versions in the versions pane.
    async fn open_versions(&mut self, name: &str) {
        self.open_file(name).await;
        self.send(code(KeyCode::Enter)).await;
        self.until("the versions", |a| {
            a.focus == Focus::Versions && a.versions.loaded && a.versions.pending.is_none()
        })
        .await;
    }

    fn notice(&self) -> String {
        self.app
            .notification
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }
}

async fn upload(client: &B2Client, bucket: &BucketId, name: &str, data: &[u8]) -> FileVersion {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        content_type: Some("text/plain".to_owned()),
        file_info: BTreeMap::new(),
        test_mode: None,
    };
    client
        .upload_bytes(bucket, &meta, Bytes::copy_from_slice(data))
        .await
        .unwrap()
}

/// Every version of `name`, newest first.
async fn versions(client: &B2Client, bucket: &BucketId, name: &str) -> Vec<FileVersion> {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        prefix: Some(name.to_owned()),
        max_file_count: Some(100),
        ..Default::default()
    };
    let page = client.list_file_versions(&req).await.unwrap();
    page.files
        .into_iter()
        .filter(|v| v.file_name == name)
        .collect()
}

async fn content(client: &B2Client, v: &FileVersion) -> Vec<u8> {
    let id = v.file_id.as_ref().unwrap();
    let d = client.download_file_by_id(id, None).await.unwrap();
    d.bytes().await.unwrap().to_vec()
}

/// A fresh local B2 with one bucket; its id.
async fn setup(bucket: &str) -> (common::Local, BucketId) {
    let local = common::start().await;
    let id = local.create_bucket(bucket, "allPrivate").await;
    (local, id)
}

fn done_jobs(a: &App) -> usize {
    a.transfers
        .jobs
        .values()
        .filter(|j| j.state == JobState::Done)
        .count()
}

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

fn menu(app: &App) -> &b2tui::app::actions::menu::FileMenu {
    match app.modals.last() {
        Some(Modal::Actions(m)) => m,
        other => panic!("no menu: {other:?}"),
    }
}

fn entries(app: &App) -> Vec<(char, String, String)> {
    menu(app)
        .entries
        .iter()
        .map(|e| (e.key, e.label.clone(), e.text.clone()))
        .collect()
}

fn e(k: char, label: &str, text: &str) -> (char, String, String) {
    (k, label.to_owned(), text.to_owned())
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
