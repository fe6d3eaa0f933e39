//! The driver of the file-action tests: the real `App` and worker on a local B2, wired
//! as the event loop wires them, performing every effect (the clipboard is recorded, the
//! editor is a scripted shell line), and helpers to upload and read versions.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use b2tui::app::{App, Effect, Focus, Modal, Msg, SessionInfo};
use b2tui::b2::{B2Client, BucketId, FileVersion, ListFileVersionsRequest, UploadMeta};
use b2tui::config::{Keymap, Theme};
use b2tui::worker::transfer::JobState;
use b2tui::worker::{self, Command, WorkerEvent};
use bytes::Bytes;
use crossterm::event::KeyCode;
use tokio::sync::mpsc;

use crate::common;
use crate::common::app::{code, key};

/// What the driver does when the app asks for the editor.
#[derive(Default)]
pub struct EditorPlan {
    /// The `$EDITOR` command line run on the file.
    pub command: String,
    /// Uploaded as a new version of the name just before the editor runs (another user).
    pub upload_meanwhile: Option<(BucketId, String, Vec<u8>)>,
}

/// The app, the worker and every effect the loop would perform.
pub struct Driver {
    pub app: App,
    client: B2Client,
    tx: mpsc::UnboundedSender<Command>,
    rx: mpsc::UnboundedReceiver<WorkerEvent>,
    pub clipboard: Vec<String>,
    pub edited: Vec<PathBuf>,
    pub editor: EditorPlan,
    outstanding: bool,
}

impl Driver {
    pub async fn start(client: B2Client, cwd: &Path) -> Self {
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

    pub async fn perform(&mut self, effects: Vec<Effect>) {
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
    pub async fn send(&mut self, msg: Msg) {
        let fx = self.app.update(msg);
        self.perform(fx.into_iter().collect()).await;
        self.settle().await;
    }

    pub async fn press(&mut self, c: char) {
        self.send(key(c)).await;
    }

    /// Feeds worker events (and ticks) until `done` holds (at most 20 s).
    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
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
    pub async fn step(&mut self, wait: Duration) -> bool {
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
    pub async fn settle(&mut self) {
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
    pub async fn open_file(&mut self, name: &str) {
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
    pub async fn open_versions(&mut self, name: &str) {
        self.open_file(name).await;
        self.send(code(KeyCode::Enter)).await;
        self.until("the versions", |a| {
            a.focus == Focus::Versions && a.versions.loaded && a.versions.pending.is_none()
        })
        .await;
    }

    pub fn notice(&self) -> String {
        self.app
            .notification
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    }
}

pub async fn upload(client: &B2Client, bucket: &BucketId, name: &str, data: &[u8]) -> FileVersion {
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
pub async fn versions(client: &B2Client, bucket: &BucketId, name: &str) -> Vec<FileVersion> {
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

pub async fn content(client: &B2Client, v: &FileVersion) -> Vec<u8> {
    let id = v.file_id.as_ref().unwrap();
    let d = client.download_file_by_id(id, None).await.unwrap();
    d.bytes().await.unwrap().to_vec()
}

/// A fresh local B2 with one bucket; its id.
pub async fn setup(bucket: &str) -> (common::Local, BucketId) {
    let local = common::start().await;
    let id = local.create_bucket(bucket, "allPrivate").await;
    (local, id)
}

pub fn done_jobs(a: &App) -> usize {
    a.transfers
        .jobs
        .values()
        .filter(|j| j.state == JobState::Done)
        .count()
}

pub fn menu(app: &App) -> &b2tui::app::actions::menu::FileMenu {
    match app.modals.last() {
        Some(Modal::Actions(m)) => m,
        other => panic!("no menu: {other:?}"),
    }
}

pub fn entries(app: &App) -> Vec<(char, String, String)> {
    menu(app)
        .entries
        .iter()
        .map(|e| (e.key, e.label.clone(), e.text.clone()))
        .collect()
}

pub fn e(k: char, label: &str, text: &str) -> (char, String, String) {
    (k, label.to_owned(), text.to_owned())
}
