//! Search the bucket (`F`): update tests (keys in, commands out, the scan's batches fed
//! back) and snapshots of the overlay on a 100×30 test terminal.

mod common;
mod restore_support;

use common::app::Drive;
use restore_support::*;

use std::time::Duration;

use b2tui::app::{App, Focus, Modal, Msg};
use b2tui::worker::search::{SearchCommand, SearchEnd, SearchHit, SearchProgress};
use b2tui::worker::{Command, Failure, RequestId, WorkerEvent};
use crossterm::event::KeyCode;

fn browsing() -> App {
    browsing_with(vec![folder("trips/"), file("report.txt", 1_200_000, T0)])
}

fn hit(name: &str, size: u64) -> SearchHit {
    SearchHit {
        name: name.to_owned(),
        file_id: Some(format!("fid-{name}").as_str().into()),
        size,
        uploaded: T0 - DAY,
        sha1: Some("a".repeat(40)),
        hidden_at: None,
    }
}

/// A batch of `hits`, `matched` so far in all.
fn batch(
    req: RequestId,
    scanned: u64,
    matched: u64,
    hits: Vec<SearchHit>,
    end: Option<SearchEnd>,
) -> Msg {
    Msg::Worker(WorkerEvent::Search(SearchProgress {
        req,
        scanned,
        matched,
        elapsed: Duration::from_millis(scanned / 100),
        hits,
        end,
    }))
}

/// Types `pattern` in a fresh prompt and starts the scan; returns its request.
fn start(app: &mut App, pattern: &str) -> RequestId {
    app.send(key('F'));
    for c in pattern.chars() {
        app.send(key(c));
    }
    let cmds = app.send(code(KeyCode::Enter));
    match cmds.as_slice() {
        [
            Command::Search(SearchCommand::Start {
                req,
                prefix,
                pattern: p,
                ..
            }),
        ] => {
            assert_eq!(prefix, "");
            assert_eq!(p, pattern);
            *req
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn results_stream_in_with_progress_and_a_stop_keeps_them() {
    let mut app = browsing();
    let req = start(&mut app, "*.jpg");
    assert!(app.search_running());
    assert!(app.is_loading());
    app.send(batch(
        req,
        420_000,
        1,
        vec![hit("trips/2025/alps/day1.jpg", 4_800_000)],
        None,
    ));
    app.send(batch(
        req,
        840_000,
        2,
        vec![hit("trips/2025/rome/colosseum.jpg", 3_100_000)],
        None,
    ));
    let s = app.search.as_ref().unwrap();
    assert_eq!(s.hits.len(), 2);
    assert_eq!(s.scanned, 840_000);
    assert_eq!(s.rate(), 100_000);
    insta::assert_snapshot!("search_running", draw(&app).backend());
    // c stops it; the results stay; a batch of another scan is dropped.
    let cmds = app.send(key('c'));
    assert_eq!(cmds, vec![Command::Search(SearchCommand::Cancel { req })]);
    assert!(!app.search_running());
    app.send(batch(RequestId(9999), 1, 1, vec![hit("x.jpg", 1)], None));
    app.send(batch(
        req,
        850_000,
        2,
        Vec::new(),
        Some(SearchEnd::Cancelled),
    ));
    let s = app.search.as_ref().unwrap();
    assert_eq!(s.hits.len(), 2);
    assert_eq!(s.end, Some(SearchEnd::Cancelled));
    // Esc now closes; F shows the same results again.
    app.send(code(KeyCode::Esc));
    assert!(app.modals.is_empty());
    app.send(key('F'));
    assert_eq!(app.search.as_ref().unwrap().hits.len(), 2);
}

#[test]
fn a_bad_pattern_is_named_under_it_and_enter_starts_nothing() {
    let mut app = browsing();
    app.send(key('F'));
    for c in "re:[a-".chars() {
        app.send(key(c));
    }
    let error = app.search.as_ref().unwrap().input_error.clone().unwrap();
    assert!(error.starts_with("invalid regex:"), "{error}");
    assert!(app.send(code(KeyCode::Enter)).is_empty());
    assert_eq!(app.modals.last(), Some(&Modal::Search { editing: true }));
    insta::assert_snapshot!("search_bad_regex", draw(&app).backend());
    // Fixing it clears the error.
    app.send(code(KeyCode::Backspace));
    app.send(key('z'));
    app.send(key(']'));
    assert_eq!(app.search.as_ref().unwrap().input_error, None);
}

#[test]
fn a_failed_scan_says_why_in_the_overlay() {
    let mut app = browsing();
    let req = start(&mut app, "report");
    app.send(Msg::Worker(WorkerEvent::RequestFailed {
        req,
        error: Failure::Network("connection reset".to_owned()),
    }));
    let s = app.search.as_ref().unwrap();
    assert!(!s.running);
    assert!(s.failed.as_deref().unwrap().contains("connection reset"));
    assert!(app.modals.iter().all(|m| !matches!(m, Modal::Error { .. })));
}

#[test]
fn marks_choose_what_is_downloaded_and_enter_opens_the_folder() {
    let mut app = browsing();
    let req = start(&mut app, "jpg");
    app.send(batch(
        req,
        3,
        3,
        vec![
            hit("a/one.jpg", 1),
            hit("a/two.jpg", 2),
            hit("b/c/three.jpg", 3),
        ],
        Some(SearchEnd::Done),
    ));
    app.send(key(' '));
    app.send(key('j'));
    app.send(key(' '));
    assert_eq!(
        app.search
            .as_ref()
            .unwrap()
            .marks
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        vec![0, 2]
    );
    app.send(key('d'));
    let plan = app.transfers.plan.as_ref().unwrap();
    assert_eq!(plan.label, "2 results");
    assert_eq!(plan.base, "");
    assert_eq!(plan.items.len(), 2);
    app.send(code(KeyCode::Esc));
    // Enter on the selected result opens its folder and selects it once listed.
    let cmds = app.send(code(KeyCode::Enter));
    assert!(app.modals.is_empty());
    assert_eq!(app.focus, Focus::Files);
    assert_eq!(app.files.prefix, "b/c/");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::ListFiles { prefix, .. } if prefix == "b/c/"))
    );
}

#[test]
fn more_matches_than_kept_are_counted_and_said() {
    let mut app = browsing();
    let req = start(&mut app, "log");
    app.send(batch(
        req,
        1_000_000,
        150_000,
        vec![hit("a.log", 1), hit("b.log", 2)],
        Some(SearchEnd::Done),
    ));
    let s = app.search.as_ref().unwrap();
    assert!(s.capped());
    let screen = common::app::screen(&draw(&app));
    assert!(
        screen.contains("150,000 matches · showing the first 2"),
        "{screen}"
    );
}

#[test]
fn hidden_results_are_dimmed_with_their_hide_time_and_u_unhides_them() {
    let mut app = browsing();
    app.send(key('F'));
    app.send(Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('h'),
        crossterm::event::KeyModifiers::ALT,
    )));
    let (req, cmd) = start_typed(&mut app, "report");
    match cmd {
        Command::Search(SearchCommand::Start { hidden, at, .. }) => assert!(hidden && at.is_none()),
        other => panic!("{other:?}"),
    }
    let mut gone = hit("old/report-2024.txt", 2_000);
    gone.hidden_at = Some(T0 - 2 * 3_600_000);
    app.send(batch(
        req,
        10,
        2,
        vec![gone, hit("report.txt", 1_200_000)],
        Some(SearchEnd::Done),
    ));
    insta::assert_snapshot!("search_hidden", draw(&app).backend());
    let cmds = app.send(key('U'));
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            Command::Restore(b2tui::worker::restore::RestoreCommand::RunJob { ops, .. })
                if ops == &[b2tui::worker::restore::Op::Unhide { name: "old/report-2024.txt".into() }]
        )),
        "{cmds:?}"
    );
}

#[test]
fn in_time_travel_the_scan_is_of_the_moment_and_the_results_say_so() {
    let mut app = browsing();
    app.restore.as_of = Some(T0 - DAY);
    app.send(key('F'));
    let (req, cmd) = start_typed(&mut app, "report");
    match cmd {
        Command::Search(SearchCommand::Start { hidden, at, .. }) => {
            assert!(!hidden);
            assert_eq!(at, Some(T0 - DAY));
        }
        other => panic!("{other:?}"),
    }
    app.send(batch(
        req,
        10,
        1,
        vec![hit("report.txt", 1_000_000)],
        Some(SearchEnd::Done),
    ));
    assert_eq!(app.search.as_ref().unwrap().as_of, Some(T0 - DAY));
    insta::assert_snapshot!("search_as_of", draw(&app).backend());
    // r: the restore plan of the result, back to that moment.
    let cmds = app.send(key('r'));
    assert!(
        cmds.iter().any(|c| matches!(
            c,
            Command::Restore(b2tui::worker::restore::RestoreCommand::PlanRestore { at, .. })
                if *at == T0 - DAY
        )),
        "{cmds:?}"
    );
    assert!(matches!(app.modals.last(), Some(Modal::Restore(_))));
}

/// Types `pattern` in the open prompt and starts the scan; returns its request and command.
fn start_typed(app: &mut App, pattern: &str) -> (RequestId, Command) {
    app.type_text(pattern);
    let mut cmds = app.send(code(KeyCode::Enter));
    let req = common::app::only_req(&cmds);
    (req, cmds.remove(0))
}
