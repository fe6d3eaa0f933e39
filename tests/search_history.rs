//! Search (`F`) over a bucket with a history, the app on the real worker against a local
//! B2 whose clock is moved forward between uploads, overwrites and hides: hidden names are
//! found only when asked for (`M-h` in the prompt, `H` on the results) and `U` unhides
//! them; while time travel shows a past moment, the names are the ones of that moment
//! (their versions then), the overlay says "as of", and `r` restores the chosen results to
//! that moment through the restore plan; `r` on a result of now opens its versions.
#![allow(clippy::unwrap_used)]

mod common;

use b2tui::app::restore::{RestoreModal, Step};
use b2tui::app::{App, Focus, Modal, Msg};
use b2tui::b2::{B2Client, BucketId, FileVersion, ListFileNamesRequest, UploadMeta};
use b2tui::worker::search::SearchEnd;
use bytes::Bytes;
use common::app::{code, key};
use common::live::Live;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

const HOUR: u64 = 3600;

async fn put(local: &common::Local, bucket: &BucketId, name: &str, body: &str) -> FileVersion {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    local
        .client
        .upload_bytes(bucket, &meta, Bytes::from(body.to_owned()))
        .await
        .unwrap()
}

async fn later(local: &common::Local) {
    local
        .admin("advance_clock", json!({ "seconds": HOUR }))
        .await;
}

/// The names visible now, with their sizes.
async fn visible(client: &B2Client, bucket: &BucketId) -> Vec<(String, u64)> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(1000),
        ..ListFileNamesRequest::default()
    };
    let resp = client.list_file_names(&req).await.unwrap();
    resp.files
        .into_iter()
        .map(|f| (f.file_name, f.content_length))
        .collect()
}

struct History {
    local: common::Local,
    bucket: BucketId,
    /// The first `docs/a.txt`, overwritten an hour later.
    a_then: FileVersion,
    /// A moment half an hour after the first uploads.
    between: i64,
}

/// At t0: `docs/a.txt` ("one"), `docs/b.txt` ("bee!"), `docs/keep.txt`, and `other.txt`
/// outside the folder searched. An hour later: `docs/a.txt` overwritten ("second"),
/// `docs/b.txt` hidden, `docs/new.txt` uploaded. Then another hour.
async fn history() -> History {
    let local = common::start().await;
    let bucket = local.create_bucket("history", "allPrivate").await;
    let a_then = put(&local, &bucket, "docs/a.txt", "one").await;
    put(&local, &bucket, "docs/b.txt", "bee!").await;
    put(&local, &bucket, "docs/keep.txt", "kept").await;
    put(&local, &bucket, "other.txt", "elsewhere").await;
    later(&local).await;
    put(&local, &bucket, "docs/a.txt", "second").await;
    local.client.hide_file(&bucket, "docs/b.txt").await.unwrap();
    put(&local, &bucket, "docs/new.txt", "newer").await;
    later(&local).await;
    let between = a_then.upload_timestamp + 1_800_000;
    History {
        local,
        bucket,
        a_then,
        between,
    }
}

fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

/// The app with the bucket open at `docs/`.
async fn app_in_docs(h: &History) -> Live {
    let mut live = Live::start(h.local.client.clone()).await;
    live.send(code(KeyCode::Enter)).await;
    live.send(key(':')).await;
    for _ in 0..32 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text("b2://history/docs/").await;
    live.send(code(KeyCode::Enter)).await;
    assert_eq!(live.app.files.prefix, "docs/");
    live
}

/// `F`, then `pattern` typed over what was there; the prompt is left open.
async fn type_pattern(live: &mut Live, pattern: &str) {
    live.send(key('F')).await;
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: true })
    );
    for _ in 0..32 {
        live.send(code(KeyCode::Backspace)).await;
    }
    live.type_text(pattern).await;
}

/// Enter in the prompt; the scan runs to its end.
async fn run(live: &mut Live) {
    live.send(code(KeyCode::Enter)).await;
    let s = live.app.search.as_ref().unwrap();
    assert!(!s.running);
    assert_eq!(s.end, Some(SearchEnd::Done));
    assert_eq!(s.failed, None);
}

/// (name, size, hidden) of each result.
fn results(app: &App) -> Vec<(&str, u64, bool)> {
    let s = app.search.as_ref().unwrap();
    s.hits
        .iter()
        .map(|h| (h.name.as_str(), h.size, h.is_hidden()))
        .collect()
}

fn draw(app: &App) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    term.draw(|f| b2tui::ui::render(app, f)).unwrap();
    common::app::screen(&term)
}

#[tokio::test]
async fn hidden_names_are_found_when_asked_for_and_unhidden_from_the_results() {
    let h = history().await;
    let mut live = app_in_docs(&h).await;
    type_pattern(&mut live, "txt").await;
    run(&mut live).await;
    assert_eq!(
        results(&live.app),
        [
            ("docs/a.txt", 6, false),
            ("docs/keep.txt", 4, false),
            ("docs/new.txt", 5, false)
        ]
    );
    assert!(draw(&live.app).contains("hidden names left out"));
    // H on the results searches again, hidden names included: b.txt with its last version.
    live.send(key('H')).await;
    let s = live.app.search.as_ref().unwrap();
    assert!(s.hidden && !s.running);
    assert_eq!(
        results(&live.app),
        [
            ("docs/a.txt", 6, false),
            ("docs/b.txt", 4, true),
            ("docs/keep.txt", 4, false),
            ("docs/new.txt", 5, false)
        ]
    );
    let screen = draw(&live.app);
    assert!(screen.contains("hidden names included"), "{screen}");
    assert!(screen.contains("◌ b.txt"), "{screen}");
    // U on a visible result says so and starts nothing.
    live.send(key('U')).await;
    assert!(live.app.restore.jobs.is_empty());
    // U on the hidden one unhides it; its row turns visible.
    live.send(key('j')).await;
    live.send(key('U')).await;
    live.until("the unhide job", |app| app.restore.jobs.is_empty())
        .await;
    assert!(live.failures.is_empty(), "{:?}", live.failures);
    assert_eq!(
        results(&live.app)[1],
        ("docs/b.txt", 4, false),
        "the row is visible again"
    );
    let now = visible(&h.local.client, &h.bucket).await;
    assert!(now.contains(&("docs/b.txt".to_owned(), 4)), "{now:?}");
    // Esc closes; the prompt's M-h leaves hidden names out again for the next search.
    live.send(code(KeyCode::Esc)).await;
    h.local
        .client
        .hide_file(&h.bucket, "docs/keep.txt")
        .await
        .unwrap();
    type_pattern(&mut live, "txt").await;
    live.send(alt('h')).await;
    assert!(!live.app.search.as_ref().unwrap().hidden);
    assert_eq!(
        live.app.search.as_ref().unwrap().input.value(),
        "txt",
        "M-h is not typed"
    );
    run(&mut live).await;
    let names: Vec<&str> = results(&live.app).iter().map(|r| r.0).collect();
    assert_eq!(names, ["docs/a.txt", "docs/b.txt", "docs/new.txt"]);
}

#[tokio::test]
async fn in_time_travel_the_names_are_those_of_the_moment_and_r_restores_them() {
    let h = history().await;
    let mut live = app_in_docs(&h).await;
    // T: browse the folder as it was half an hour after the first uploads.
    live.send(key('T')).await;
    let when = chrono::DateTime::from_timestamp_millis(h.between)
        .unwrap()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    live.type_text(&when).await;
    live.send(code(KeyCode::Enter)).await;
    let at = live.app.restore.as_of.unwrap();
    assert!((at - h.between).abs() < 1000, "{at} vs {}", h.between);
    let versions_before = h.local.calls("b2_list_file_versions").await;

    type_pattern(&mut live, "txt").await;
    assert!(draw(&live.app).contains("names as they were then"));
    run(&mut live).await;
    // Then: a.txt was "one", b.txt was visible, new.txt did not exist; other.txt is
    // outside the folder.
    assert_eq!(
        results(&live.app),
        [
            ("docs/a.txt", 3, false),
            ("docs/b.txt", 4, false),
            ("docs/keep.txt", 4, false)
        ]
    );
    let s = live.app.search.as_ref().unwrap();
    assert_eq!(s.as_of, Some(at));
    assert_eq!(s.hits[0].file_id, h.a_then.file_id, "the version of then");
    assert_eq!(s.scanned, 4, "every name under docs/, once each");
    assert!(h.local.calls("b2_list_file_versions").await > versions_before);
    let screen = draw(&live.app);
    assert!(screen.contains("as of "), "{screen}");
    // Hidden names are not asked for in the past: the option changes nothing.
    live.send(key('H')).await;
    assert_eq!(results(&live.app).len(), 3);

    // r on a.txt: the restore plan copies its version of then back.
    live.send(key('g')).await;
    live.send(key('r')).await;
    live.until("the plan", |app| {
        matches!(app.modals.last(), Some(Modal::Restore(RestoreModal::Plan(p))) if !p.loading)
    })
    .await;
    let Some(Modal::Restore(RestoreModal::Plan(plan))) = live.app.modals.last() else {
        unreachable!()
    };
    assert_eq!(plan.plan.items.len(), 1);
    assert_eq!(plan.plan.items[0].name, "docs/a.txt");
    assert!(
        matches!(&plan.plan.items[0].step, Step::Copy { source } if source.file_id == h.a_then.file_id)
    );
    live.send(key('y')).await;
    live.until("the restore job", |app| app.restore.jobs.is_empty())
        .await;
    assert!(live.failures.is_empty(), "{:?}", live.failures);
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: false }),
        "back to the results"
    );
    let now = visible(&h.local.client, &h.bucket).await;
    assert!(now.contains(&("docs/a.txt".to_owned(), 3)), "{now:?}");

    // Marked results restore together: keep.txt is unchanged, b.txt is copied back.
    live.send(key('j')).await;
    live.send(key(' ')).await;
    live.send(key(' ')).await;
    live.send(key('r')).await;
    live.until("the plan", |app| {
        matches!(app.modals.last(), Some(Modal::Restore(RestoreModal::Plan(p))) if !p.loading)
    })
    .await;
    let Some(Modal::Restore(RestoreModal::Plan(plan))) = live.app.modals.last() else {
        unreachable!()
    };
    let steps: Vec<(&str, bool)> = plan
        .plan
        .items
        .iter()
        .map(|i| (i.name.as_str(), matches!(i.step, Step::Copy { .. })))
        .collect();
    assert_eq!(steps, [("docs/b.txt", true), ("docs/keep.txt", false)]);
    live.send(key('n')).await;
    assert_eq!(
        live.app.modals.last(),
        Some(&Modal::Search { editing: false })
    );
}

#[tokio::test]
async fn r_on_a_result_of_now_opens_its_versions() {
    let h = history().await;
    let mut live = app_in_docs(&h).await;
    type_pattern(&mut live, "a.txt").await;
    run(&mut live).await;
    assert_eq!(results(&live.app), [("docs/a.txt", 6, false)]);
    live.send(key('r')).await;
    live.send(Msg::Tick {
        now: std::time::Instant::now(),
    })
    .await;
    assert!(live.app.modals.is_empty());
    assert_eq!(live.app.focus, Focus::Versions);
    assert_eq!(live.app.files.selected_name(), Some("docs/a.txt"));
    let sizes: Vec<u64> = live
        .app
        .versions
        .versions
        .iter()
        .map(|v| v.content_length)
        .collect();
    assert_eq!(sizes, [6, 3], "newest first");
}
