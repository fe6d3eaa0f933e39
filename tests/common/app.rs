//! The app under test, without a terminal or a runtime: a fixture with the default keymap
//! and a pinned session, key helpers, and [`Drive`], which runs `update` and keeps the
//! worker commands (the other effects are checked through `App::update` itself).

use b2tui::app::{App, Msg, SessionInfo};
use b2tui::config::{Keymap, Theme};
use b2tui::worker::{Command, RequestId};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The session every app test starts from: a fixed account and endpoint, no spinner.
pub fn session() -> SessionInfo {
    SessionInfo {
        account_id: "3f2a9c1b7d00".to_owned(),
        endpoint_label: "http://127.0.0.1:8090".to_owned(),
        deterministic: true,
        ..SessionInfo::default()
    }
}

/// A fresh app with the default keymap and colours on `session`.
pub fn app_with(session: SessionInfo) -> App {
    App::new(Keymap::default_keymap(), Theme::colored(), session)
}

/// A fresh app on [`session`].
pub fn app() -> App {
    app_with(session())
}

/// A character key.
pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Any other key.
pub fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A character with Ctrl.
pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The request of the only command.
pub fn only_req(cmds: &[Command]) -> RequestId {
    assert_eq!(cmds.len(), 1, "expected one command, got {cmds:?}");
    cmds[0].req()
}

/// The screen's rows as text.
pub fn rows(term: &Terminal<TestBackend>) -> Vec<String> {
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// The whole screen as text, one line per row.
pub fn screen(term: &Terminal<TestBackend>) -> String {
    rows(term).join("\n")
}

/// Drives an app the way the event loop does, keeping the worker commands.
pub trait Drive {
    /// `update`, keeping only the worker commands it asked for.
    fn send(&mut self, msg: Msg) -> Vec<Command>;
    /// `start`, keeping only the worker commands.
    fn begin(&mut self) -> Vec<Command>;
    /// Types `text` key by key; every command asked for on the way.
    fn type_text(&mut self, text: &str) -> Vec<Command>;
}

impl Drive for App {
    fn send(&mut self, msg: Msg) -> Vec<Command> {
        self.update(msg).into_commands()
    }

    fn begin(&mut self) -> Vec<Command> {
        self.start().into_commands()
    }

    fn type_text(&mut self, text: &str) -> Vec<Command> {
        text.chars().flat_map(|c| self.send(key(c))).collect()
    }
}
