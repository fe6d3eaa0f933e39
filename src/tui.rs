//! The event loop: the one owner of `App`. It merges keys, worker events and a tick,
//! draws once per turn, and performs what `update` returns (`Effect`s).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::app::keys::CurrentKey;
use crate::app::{App, Effect, Level, Modal, Msg, SessionInfo};
use crate::b2::B2Client;
use crate::config::{Keymap, Theme};
use crate::terminal::init;
use crate::{effects, ui, worker};

/// How often the loop ticks (spinner, notification timeouts, debounced requests).
pub const TICK: Duration = Duration::from_millis(125);

/// How to run the UI.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// No spinner animation, so scripted terminal tests see stable screens.
    pub deterministic: bool,
    /// The endpoint as the user gave it, for the header.
    pub endpoint_label: String,
    /// Where the credentials came from, for the header: `env`, `profile work`,
    /// `b2 CLI login`, `demo`.
    pub source_label: String,
    /// Where to open: `b2://bucket/prefix/` or `prefix/` (a profile's start bucket and
    /// prefix); None = the key's own scope.
    pub start_path: Option<String>,
    /// Show times in UTC instead of local time.
    pub utc: bool,
    /// Profile names from the config file, for the profile picker.
    pub profiles: Vec<String>,
    /// Problems found while reading the configuration (shown once at start).
    pub warnings: Vec<String>,
}

/// Runs the UI on an authorized client until the user quits.
pub async fn run(client: B2Client, opts: RunOptions) -> anyhow::Result<()> {
    let (keymap, keymap_error) = Keymap::load();
    let session = SessionInfo {
        account_id: client.account_id(),
        endpoint_label: opts.endpoint_label,
        source_label: opts.source_label,
        time_zone: {
            // Scripted runs keep UTC so that their screens do not depend on the machine.
            ui::format::set_local_time(!opts.utc && !opts.deterministic);
            ui::format::zone_label()
        },
        deterministic: opts.deterministic,
        key: current_key(&client),
        cwd: std::env::current_dir().unwrap_or_default(),
    };
    let mut app = App::new(keymap, Theme::from_env(), session);
    app.set_capabilities(client.session().capabilities.clone());
    app.set_start_path(opts.start_path);
    if !opts.warnings.is_empty() {
        app.modals.push(Modal::Error {
            title: "Configuration".to_owned(),
            message: opts.warnings.join("\n\n"),
        });
    }
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
    for cmd in app.start().into_commands() {
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
                // The wall clock never produces effects; it only dates relative times.
                app.update(Msg::WallClock { unix_ms: chrono::Utc::now().timestamp_millis() });
                Msg::Tick { now: Instant::now() }
            }
        };
        let mut pending = VecDeque::from([msg]);
        let mut quit = false;
        while let Some(msg) = pending.pop_front() {
            for effect in app.update(msg) {
                match effect {
                    Effect::Worker(cmd) => {
                        if cmd_tx.send(cmd).is_err() {
                            app.notify(Level::Error, "The background worker stopped");
                        }
                    }
                    Effect::Clipboard(text) => effects::copy_to_clipboard(text.expose()),
                    Effect::Edit { target, text } => {
                        // A fresh stream stops the old one's reader, so the editor gets every key.
                        events = EventStream::new();
                        let result = effects::edit_in_editor(&text);
                        let _ = term.clear();
                        pending.push_back(Msg::Edited { target, result });
                    }
                    Effect::Quit => quit = true,
                }
            }
            // Drain what else arrived, so a burst of pages costs one draw.
            if pending.is_empty()
                && let Ok(ev) = evt_rx.try_recv()
            {
                pending.push_back(Msg::Worker(ev));
            }
        }
        if quit {
            break Ok(());
        }
    };
    drop(cmd_tx);
    worker.abort();
    result
}

/// The key the client uses, with the scope `b2_authorize_account` reported.
pub fn current_key(client: &B2Client) -> CurrentKey {
    let s = client.session();
    CurrentKey {
        key_id: client.key_id().to_owned(),
        capabilities: s.capabilities.clone(),
        bucket_id: s.bucket_id.clone(),
        bucket_name: s.bucket_name.clone(),
        name_prefix: s.name_prefix.clone(),
        expiration: s.key_expiration,
        s3_api_url: s.s3_api_url.clone(),
        allowed_buckets: s.allowed_buckets.clone(),
    }
}

/// Terminal events the app cares about.
fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}
