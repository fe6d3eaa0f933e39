//! The terminal side: raw mode and the alternate screen (restored on exit and on panic),
//! and the event loop that owns `App`, merging keys, worker events and a tick.

use std::io::{self, Stdout};
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::keys::CurrentKey;
use crate::app::{App, Level, Modal, Msg, SessionInfo};
use crate::b2::B2Client;
use crate::config::{Keymap, Theme};
use crate::ui;
use crate::worker::{self, Command};

/// How often the loop ticks (spinner, notification timeouts, debounced requests).
pub const TICK: Duration = Duration::from_millis(125);

/// The terminal type the loop draws on.
pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// How to run the UI.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// No spinner animation, so scripted terminal tests see stable screens.
    pub deterministic: bool,
    /// The endpoint as the user gave it, for the header.
    pub endpoint_label: String,
}

/// Restores the terminal when dropped, so every exit path (error, `?`) leaves it usable.
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Enters raw mode and the alternate screen, and installs a panic hook that restores the
/// terminal before the panic message is printed.
pub fn init() -> io::Result<(Tui, TerminalGuard)> {
    install_panic_hook();
    terminal::enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
    let term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((term, guard))
}

/// Leaves the alternate screen and raw mode. Safe to call more than once.
pub fn restore() -> io::Result<()> {
    let leave = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
    terminal::disable_raw_mode()?;
    leave
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        previous(info);
    }));
}

/// Runs the UI on an authorized client until the user quits.
pub async fn run(client: B2Client, opts: RunOptions) -> anyhow::Result<()> {
    let (keymap, keymap_error) = Keymap::load();
    let session = SessionInfo {
        account_id: client.account_id(),
        endpoint_label: opts.endpoint_label,
        deterministic: opts.deterministic,
        key: current_key(&client),
        cwd: std::env::current_dir().unwrap_or_default(),
    };
    let mut app = App::new(keymap, Theme::from_env(), session);
    app.set_capabilities(client.session().capabilities.clone());
    if let Some(e) = keymap_error {
        app.modals.push(Modal::Error {
            title: "Keymap not loaded".to_owned(),
            message: format!("{e:#}\n\nUsing the default keys."),
        });
    }

    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut evt_rx) = mpsc::unbounded_channel();
    let worker = worker::spawn(client, cmd_rx, evt_tx);

    let (mut term, _guard) = init()?;
    let size = term.size()?;
    app.update(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    for cmd in app.start() {
        cmd_tx.send(cmd)?;
    }

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        if let Err(e) = term.draw(|f| ui::render(&app, f)) {
            break Err(e.into());
        }
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_msg(ev) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            Some(ev) = evt_rx.recv() => Msg::Worker(ev),
            _ = tick.tick() => {
                // The wall clock never produces commands; it only dates relative times.
                app.update(Msg::WallClock { unix_ms: chrono::Utc::now().timestamp_millis() });
                Msg::Tick { now: Instant::now() }
            }
        };
        let mut cmds = app.update(msg);
        // Drain what else arrived, so a burst of pages costs one draw.
        while let Ok(ev) = evt_rx.try_recv() {
            cmds.extend(app.update(Msg::Worker(ev)));
        }
        for cmd in cmds {
            if let Command::CopyToClipboard { text } = &cmd {
                copy_to_clipboard(text.expose());
                continue;
            }
            if cmd_tx.send(cmd).is_err() {
                app.notify(Level::Error, "The background worker stopped");
            }
        }
        for effect in app.take_effects() {
            if let crate::app::settings::Effect::EditInEditor { target, text } = effect {
                // A fresh stream stops the old one's reader, so the editor gets every key.
                events = EventStream::new();
                let ev = crate::effects::edit_in_editor(target, text);
                let _ = term.clear();
                for cmd in app.update(Msg::Worker(ev)) {
                    let _ = cmd_tx.send(cmd);
                }
                continue;
            }
            let _ = crate::effects::perform(&effect, &mut io::stdout());
        }
        if app.quit {
            break Ok(());
        }
    };
    drop(cmd_tx);
    worker.abort();
    result
}

/// The key the client uses, with the scope `b2_authorize_account` reported.
fn current_key(client: &B2Client) -> CurrentKey {
    let s = client.session();
    CurrentKey {
        key_id: client.key_id().to_owned(),
        capabilities: s.capabilities.clone(),
        bucket_id: s.bucket_id.clone(),
        bucket_name: s.bucket_name.clone(),
        name_prefix: s.name_prefix.clone(),
        expiration: s.key_expiration,
        s3_api_url: s.s3_api_url.clone(),
    }
}

/// Puts `text` on the terminal's clipboard with an OSC 52 escape (works over SSH and in
/// tmux with `set-clipboard on`). Failures are silent: the text is still on screen.
fn copy_to_clipboard(text: &str) {
    use base64::Engine as _;
    use std::io::Write as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// Terminal events the app cares about.
fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}
