//! The preview pane on the real worker and a real local B2 over HTTP: text in its encoding,
//! JSON, CSV, binary, an image (drawn with half-blocks, snapshot), a hide marker and an
//! older version one key away, an SSE-C file, a key without readFiles, a folder, a 1 GB
//! file read with exactly one Range request, and a fast sweep over many files that reads
//! at most two of them (the admin stats count the downloads).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use b2tui::app::preview::Subject;
use b2tui::app::{App, Effect, Focus, Msg, SessionInfo};
use b2tui::b2::{B2Client, BucketId, CreateKeyRequest, StartLargeFileRequest, UploadMeta};
use b2tui::config::preview::ImageMode;
use b2tui::config::{Keymap, PreviewConfig, Theme};
use b2tui::worker::{self, Command, WorkerEvent};
use bytes::Bytes;
use common::app::{code, ctrl, key};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

/// The app on the real worker, driven like the event loop drives it; keys can be pressed
/// without waiting for the worker (a fast sweep), or one by one until it is quiet.
struct Rig {
    app: App,
    tx: mpsc::UnboundedSender<Command>,
    rx: mpsc::UnboundedReceiver<WorkerEvent>,
    sent: Vec<Command>,
}

impl Rig {
    async fn start(client: &B2Client, config: PreviewConfig) -> Self {
        let session = SessionInfo {
            account_id: client.account_id(),
            endpoint_label: "local".to_owned(),
            deterministic: true,
            key: b2tui::tui::current_key(client),
            ..SessionInfo::default()
        };
        let mut app = App::new(Keymap::default_keymap(), Theme::colored(), session);
        app.set_capabilities(client.session().capabilities.clone());
        app.preview.configure(&config);
        let (tx, cmd_rx) = mpsc::unbounded_channel();
        let (evt_tx, rx) = mpsc::unbounded_channel();
        worker::spawn(client.clone(), cmd_rx, evt_tx);
        app.update(Msg::Resize {
            width: 120,
            height: 40,
        });
        let first = app.start();
        let mut rig = Self {
            app,
            tx,
            rx,
            sent: Vec::new(),
        };
        rig.perform(first.into_iter().collect());
        rig.settle().await;
        rig
    }

    fn perform(&mut self, effects: Vec<Effect>) {
        for e in effects {
            if let Effect::Worker(cmd) = e {
                self.sent.push(cmd.clone());
                self.tx.send(cmd).unwrap();
            }
        }
    }

    /// Presses without waiting.
    fn press(&mut self, msg: Msg) {
        let fx = self.app.update(msg);
        self.perform(fx.into_iter().collect());
    }

    /// Feeds worker events until nothing is loading and nothing arrived for 300 ms.
    async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let quiet = Duration::from_millis(300);
            match tokio::time::timeout(quiet, self.rx.recv()).await {
                Ok(Some(ev)) => {
                    let fx = self.app.update(Msg::Worker(ev));
                    self.perform(fx.into_iter().collect());
                }
                Ok(None) => return,
                Err(_) if !self.app.is_loading() => return,
                Err(_) => {}
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the app never settled"
            );
        }
    }

    async fn send(&mut self, msg: Msg) {
        self.press(msg);
        self.settle().await;
    }

    /// Opens the bucket `name` from the buckets pane.
    async fn open_bucket(&mut self, name: &str) {
        let i = self
            .app
            .buckets
            .buckets
            .iter()
            .position(|b| b.bucket_name == name)
            .unwrap();
        for _ in 0..i {
            self.send(key('j')).await;
        }
        self.send(code(KeyCode::Enter)).await;
        assert_eq!(self.app.focus, Focus::Files);
    }

    /// Moves the files pane's cursor onto `name` (relative to the folder shown).
    async fn select(&mut self, name: &str) {
        let full = format!("{}{name}", self.app.files.prefix);
        let row = (0..self.app.files.row_count())
            .find(|&i| match self.app.files.row(i) {
                Some(b2tui::app::Row::Entry(e)) => e.file_name == full,
                _ => false,
            })
            .unwrap_or_else(|| panic!("{name} is listed"));
        while self.app.files.cursor.selected < row {
            self.send(key('j')).await;
        }
        while self.app.files.cursor.selected > row {
            self.send(key('k')).await;
        }
    }

    /// The preview's lines as text.
    fn lines(&self) -> Vec<String> {
        self.app
            .preview
            .body
            .lines
            .iter()
            .map(|l| l.text())
            .collect()
    }

    fn fetches(&self) -> Vec<u64> {
        self.sent
            .iter()
            .filter_map(|c| match c {
                Command::Preview(worker::preview::PreviewCommand::Fetch { bytes, .. }) => {
                    Some(*bytes)
                }
                _ => None,
            })
            .collect()
    }
}

async fn upload(c: &B2Client, bucket: &BucketId, name: &str, ctype: &str, data: &[u8]) {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        content_type: Some(ctype.to_owned()),
        ..UploadMeta::default()
    };
    c.upload_bytes(bucket, &meta, Bytes::copy_from_slice(data))
        .await
        .unwrap();
}

async fn downloads(local: &common::Local) -> u64 {
    local.calls("b2_download_file_by_id").await
}

#[tokio::test]
async fn text_in_its_encoding_json_csv_and_binary() {
    let local = common::start().await;
    let b = local.create_bucket("pv-text", "allPrivate").await;
    let c = &local.client;
    upload(
        c,
        &b,
        "a-notes.txt",
        "text/plain",
        b"tab\there\x1b[31mred\r\nsecond\n",
    )
    .await;
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("héllo\nwörld".encode_utf16().flat_map(u16::to_le_bytes));
    upload(c, &b, "b-utf16.txt", "text/plain", &utf16).await;
    upload(c, &b, "c-latin.txt", "text/plain", b"caf\xe9 cr\xe8me\n").await;
    upload(
        c,
        &b,
        "d-data.json",
        "application/json",
        br#"{"z":1,"a":[true,null]}"#,
    )
    .await;
    let csv: String = std::iter::once("name,size\n".to_owned())
        .chain((0..200).map(|i| format!("file-{i},{}\n", i * 1000)))
        .collect();
    upload(c, &b, "e-table.csv", "text/csv", csv.as_bytes()).await;
    let blob: Vec<u8> = (0..=255u8).collect();
    upload(c, &b, "f-blob.bin", "application/octet-stream", &blob).await;
    upload(c, &b, "g-empty.txt", "text/plain", b"").await;
    upload(c, &b, "h-main.rs", "text/x-rust", b"fn main() {}\n").await;

    let config = PreviewConfig {
        bytes: 2048,
        ..PreviewConfig::default()
    };
    let mut rig = Rig::start(c, config).await;
    rig.open_bucket("pv-text").await;
    rig.send(key('p')).await;
    assert!(rig.app.preview.shown);

    // UTF-8, with a tab expanded, an escape shown escaped, CRLF taken as a line end.
    assert_eq!(rig.lines(), vec!["tab here\\x1b[31mred", "second"]);
    assert_eq!(rig.app.preview.extent, "25 B");
    assert!(
        rig.app.preview.body.kind.contains("text/plain"),
        "{}",
        rig.app.preview.body.kind
    );

    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["héllo", "wörld"]);
    assert!(rig.app.preview.body.kind.contains("UTF-16 LE"));

    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["café crème"]);
    assert!(rig.app.preview.body.kind.contains("Latin-1"));

    rig.send(key('j')).await;
    assert_eq!(
        rig.lines(),
        vec![
            "{",
            "  \"z\": 1,",
            "  \"a\": [",
            "    true,",
            "    null",
            "  ]",
            "}"
        ]
    );

    // The CSV is cut at 2 KiB: aligned columns, the cut last record dropped.
    rig.send(key('j')).await;
    let lines = rig.lines();
    let size = b2tui::app::preview::decimal_size(csv.len() as u64);
    assert_eq!(rig.app.preview.extent, format!("first 2 KiB of {size}"));
    assert_eq!(lines[0], "name      size");
    assert_eq!(lines[1], "file-0    0");
    let last = lines.last().unwrap();
    let whole = csv[..2048].matches('\n').count();
    assert_eq!(
        lines.len(),
        whole,
        "the record cut at 2 KiB is not shown: {last}"
    );
    assert!(csv.contains(&format!(
        "{}\n",
        last.split_whitespace().collect::<Vec<_>>().join(",")
    )));

    rig.send(key('j')).await;
    let lines = rig.lines();
    assert_eq!(lines[0], "Binary content (application/octet-stream)");
    assert!(lines[2].starts_with("00000000  00 01 02 03"));
    assert!(lines[6].ends_with("|@ABCDEFGHIJKLMNO|"), "{}", lines[6]);
    assert_eq!(lines.len(), 2 + 16);

    let before = downloads(&local).await;
    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["Empty file (0 bytes)"]);
    assert_eq!(downloads(&local).await, before, "an empty file is not read");

    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["fn main() {}"]);
    let coloured = rig.app.preview.body.lines[0]
        .spans
        .iter()
        .any(|s| matches!(s.tone, b2tui::app::preview::Tone::Rgb(..)));
    assert!(coloured, "Rust source is coloured");

    // Back to a file seen before: from the cache, no new request.
    let before = downloads(&local).await;
    rig.send(key('g')).await;
    assert_eq!(rig.lines()[1], "second");
    assert_eq!(downloads(&local).await, before);
    // Every read asked for at most the configured bytes.
    assert!(
        rig.fetches().iter().all(|&n| n <= 2048),
        "{:?}",
        rig.fetches()
    );

    // Scrolling the preview, then hiding it.
    rig.send(ctrl('e')).await;
    assert_eq!(rig.app.preview.scroll, 1);
    rig.send(ctrl('y')).await;
    assert_eq!(rig.app.preview.scroll, 0);
    rig.send(key('p')).await;
    assert!(!rig.app.preview.shown);
}

/// A 4-colour picture: red, green, blue and white quarters.
fn quarters_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| match (x < w / 2, y < h / 2) {
        (true, true) => image::Rgb([255, 0, 0]),
        (false, true) => image::Rgb([0, 255, 0]),
        (true, false) => image::Rgb([0, 0, 255]),
        (false, false) => image::Rgb([255, 255, 255]),
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The preview pane's cells: each symbol, and each cell's fg/bg as a letter.
fn preview_cells(term: &Terminal<TestBackend>, app: &App) -> String {
    use ratatui::style::Color;
    let area =
        b2tui::ui::layout::areas_with(ratatui::layout::Rect::new(0, 0, 120, 40), app.focus, true)
            .preview
            .unwrap();
    let letter = |c: Color| match c {
        Color::Rgb(r, g, b) => match (r > 127, g > 127, b > 127) {
            (true, false, false) => 'R',
            (false, true, false) => 'G',
            (false, false, true) => 'B',
            (true, true, true) => 'W',
            _ => '?',
        },
        Color::Reset => '.',
        _ => '*',
    };
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut symbols = String::new();
        let mut colours = String::new();
        for x in area.left()..area.right() {
            let cell = &buf[(x, y)];
            symbols.push_str(cell.symbol());
            // Colours inside the frame, below the header: the image's cells.
            if y > area.top() + 1
                && y + 1 < area.bottom()
                && x > area.left()
                && x + 1 < area.right()
            {
                colours.push(letter(cell.fg));
                colours.push(letter(cell.bg));
            }
        }
        out.push_str(symbols.trim_end());
        let colours = colours.trim_end_matches("..");
        if !colours.is_empty() {
            out.push_str("  ");
            out.push_str(colours);
        }
        out.push('\n');
    }
    out
}

#[tokio::test]
async fn an_image_is_drawn_with_half_blocks() {
    let local = common::start().await;
    let b = local.create_bucket("pv-pics", "allPrivate").await;
    upload(
        &local.client,
        &b,
        "quarters.png",
        "image/png",
        &quarters_png(32, 16),
    )
    .await;
    let config = PreviewConfig {
        images: ImageMode::Halfblocks,
        ..PreviewConfig::default()
    };
    let mut rig = Rig::start(&local.client, config).await;
    rig.open_bucket("pv-pics").await;
    rig.send(key('p')).await;
    let body = &rig.app.preview.body;
    assert!(body.image.is_some(), "{:?}", rig.lines());
    assert!(body.kind.starts_with("PNG image, 32×16"), "{}", body.kind);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| b2tui::ui::render(&rig.app, f)).unwrap();
    insta::assert_snapshot!("preview_image_halfblocks", preview_cells(&term, &rig.app));

    // An image over 8 MiB is not read.
    upload(
        &local.client,
        &b,
        "zz-huge.png",
        "image/png",
        &vec![0; 9_000_000],
    )
    .await;
    rig.send(key('R')).await;
    let before = downloads(&local).await;
    rig.select("zz-huge.png").await;
    assert_eq!(
        rig.lines(),
        vec!["An image of 9 MB: too large to preview (images up to 8 MiB are drawn)"]
    );
    assert_eq!(downloads(&local).await, before);
}

#[tokio::test]
async fn a_hide_marker_and_an_older_version_one_key_away() {
    let local = common::start().await;
    let b = local.create_bucket("pv-hist", "allPrivate").await;
    let c = &local.client;
    upload(c, &b, "doc.txt", "text/plain", b"first version\n").await;
    upload(c, &b, "doc.txt", "text/plain", b"second version\n").await;
    c.hide_file(&b, "doc.txt").await.unwrap();
    upload(c, &b, "other.txt", "text/plain", b"other\n").await;
    let mut rig = Rig::start(c, PreviewConfig::default()).await;
    rig.open_bucket("pv-hist").await;
    // Hidden files are not listed: show them (H), then open doc.txt's versions.
    rig.send(key('H')).await;
    rig.select("doc.txt").await;
    rig.send(key('p')).await;
    assert!(
        rig.lines()[0].starts_with("Hide marker"),
        "{:?}",
        rig.lines()
    );
    rig.send(code(KeyCode::Enter)).await;
    assert_eq!(rig.app.focus, Focus::Versions);
    assert!(rig.lines()[0].starts_with("Hide marker"));
    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["second version"]);
    rig.send(key('j')).await;
    assert_eq!(rig.lines(), vec!["first version"]);
    let Some(Subject::Version { file_id, .. }) = &rig.app.preview.subject else {
        panic!("a version is shown");
    };
    assert_eq!(Some(file_id), rig.app.versions.versions[2].file_id.as_ref());
}

#[tokio::test]
async fn sse_c_files_and_keys_without_read_files_say_why() {
    use base64::Engine as _;
    use md5::Digest as _;
    let local = common::start().await;
    let b = local.create_bucket("pv-secret", "allPrivate").await;
    let engine = base64::engine::general_purpose::STANDARD;
    let raw = [7u8; 32];
    let (k, m) = (engine.encode(raw), engine.encode(md5::Md5::digest(raw)));
    let session = common::raw::Session::master(&local.server).await;
    let (status, body) = session
        .upload_with(
            b.as_str(),
            "locked.txt",
            b"secret words\n",
            &[
                ("X-Bz-Server-Side-Encryption-Customer-Algorithm", "AES256"),
                ("X-Bz-Server-Side-Encryption-Customer-Key", &k),
                ("X-Bz-Server-Side-Encryption-Customer-Key-Md5", &m),
            ],
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    upload(
        &local.client,
        &b,
        "plain.txt",
        "text/plain",
        b"plain words\n",
    )
    .await;

    let mut rig = Rig::start(&local.client, PreviewConfig::default()).await;
    rig.open_bucket("pv-secret").await;
    rig.send(key('p')).await;
    let lines = rig.lines();
    assert!(
        lines[0].contains("customer-provided key (SSE-C)"),
        "{lines:?}"
    );
    assert!(rig.app.modals.is_empty(), "no popup");

    // A key that may list but not read.
    let reader = local
        .key_client(&CreateKeyRequest {
            key_name: "lister".into(),
            capabilities: vec!["listBuckets".into(), "listFiles".into()],
            bucket_ids: vec![],
            name_prefix: None,
            valid_duration_secs: None,
        })
        .await;
    let mut rig = Rig::start(&reader, PreviewConfig::default()).await;
    rig.open_bucket("pv-secret").await;
    rig.select("plain.txt").await;
    let before = downloads(&local).await;
    rig.send(key('p')).await;
    assert_eq!(
        rig.lines()[0],
        "This key cannot read file contents: it lacks the readFiles capability."
    );
    assert_eq!(downloads(&local).await, before, "nothing is asked");
    assert!(rig.app.modals.is_empty());
}

#[tokio::test]
async fn a_folder_shows_its_first_names_and_sizes() {
    let local = common::start().await;
    let b = local.create_bucket("pv-tree", "allPrivate").await;
    let c = &local.client;
    upload(c, &b, "photos/a.jpg", "image/jpeg", &[1; 1500]).await;
    upload(c, &b, "photos/b.jpg", "image/jpeg", &[1; 2500]).await;
    upload(c, &b, "photos/2024/c.jpg", "image/jpeg", &[1; 10]).await;
    let mut rig = Rig::start(c, PreviewConfig::default()).await;
    rig.open_bucket("pv-tree").await;
    rig.send(key('p')).await;
    let lines = rig.lines();
    assert_eq!(lines[0], "3 names: 2 files (4 kB), 1 folders");
    assert!(
        lines[2].starts_with("2024/") && lines[2].ends_with("folder"),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with("a.jpg") && lines[3].ends_with("1.5 kB"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_1_gb_file_costs_one_range_request() {
    let local = common::start().await;
    let b = local.create_bucket("pv-big", "allPrivate").await;
    let c = &local.client;
    // 1 GB made of one 5 MB upload copied 200 times as parts (no bytes are copied: each
    // part refers to the source's blob).
    let line = b"0123456789 the quick brown fox jumps over the lazy dog 0123456789\n";
    let source: Vec<u8> = line.iter().copied().cycle().take(5_000_000).collect();
    let meta = UploadMeta {
        file_name: "source.txt".into(),
        content_type: Some("text/plain".into()),
        ..UploadMeta::default()
    };
    let src = c
        .upload_bytes(&b, &meta, Bytes::from(source))
        .await
        .unwrap();
    let large = c
        .start_large_file(&StartLargeFileRequest {
            bucket_id: b.clone(),
            file_name: "huge.log".into(),
            content_type: "text/plain".into(),
            file_info: Default::default(),
        })
        .await
        .unwrap();
    let (src_id, large_id) = (src.file_id.unwrap(), large.file_id.unwrap());
    let mut sha1s = Vec::new();
    for n in 1..=200 {
        let part = c.copy_part(&src_id, &large_id, n, None).await.unwrap();
        sha1s.push(part.content_sha1);
    }
    let done = c.finish_large_file(&large_id, &sha1s).await.unwrap();
    assert_eq!(done.content_length, 1_000_000_000);

    let mut rig = Rig::start(c, PreviewConfig::default()).await;
    rig.open_bucket("pv-big").await;
    rig.select("huge.log").await;
    let before = downloads(&local).await;
    rig.send(key('p')).await;
    assert_eq!(downloads(&local).await - before, 1, "one request");
    assert_eq!(rig.fetches(), vec![262_144], "for the first 256 KiB");
    assert_eq!(rig.app.preview.extent, "first 256 KiB of 1 GB");
    let lines = rig.lines();
    assert_eq!(
        lines[0],
        std::str::from_utf8(&line[..line.len() - 1]).unwrap()
    );
    // 256 KiB of 66-byte lines: whole lines, and the cut one.
    assert_eq!(lines.len(), 262_144usize.div_ceil(line.len()));
}

#[tokio::test]
async fn sweeping_over_many_files_reads_only_where_the_cursor_stops() {
    let local = common::start().await;
    let b = local.create_bucket("pv-many", "allPrivate").await;
    for i in 0..40 {
        let text = format!("file number {i}\n");
        upload(
            &local.client,
            &b,
            &format!("f{i:03}.txt"),
            "text/plain",
            text.as_bytes(),
        )
        .await;
    }
    let mut rig = Rig::start(&local.client, PreviewConfig::default()).await;
    rig.open_bucket("pv-many").await;
    rig.send(key('p')).await;
    assert_eq!(rig.lines(), vec!["file number 0"]);
    let before = downloads(&local).await;
    // 39 moves at key-repeat speed (10 ms apart), without waiting for the worker.
    for _ in 0..39 {
        rig.press(key('j'));
        tokio::time::sleep(Duration::from_millis(10)).await;
        while let Ok(ev) = rig.rx.try_recv() {
            let fx = rig.app.update(Msg::Worker(ev));
            rig.perform(fx.into_iter().collect());
        }
    }
    rig.settle().await;
    assert_eq!(rig.lines(), vec!["file number 39"]);
    let reads = downloads(&local).await - before;
    assert!(reads <= 2, "{reads} downloads for a sweep over 39 files");
    assert!(reads >= 1);
}
