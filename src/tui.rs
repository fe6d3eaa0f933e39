//! The event loop: the one owner of `App`. It merges keys, worker events, a tick and the
//! signals that stop the process, draws once per turn, and performs what `update` returns
//! (`Effect`s).

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

/// The shortest time between two frames drawn for worker events alone: a stream of
/// transfer events (thousands a second in a folder of small files) costs at most this
/// many frames, not one each. Keys, resizes and ticks draw at once.
const WORKER_FRAME: Duration = Duration::from_millis(33);

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
    /// The config file's `[usage]` (the price of the cost estimate).
    pub usage: crate::config::UsageConfig,
    /// The config file's `[preview]` (bytes read, how images are drawn).
    pub preview: crate::config::PreviewConfig,
    /// Profile names from the config file, for the profile picker.
    pub profiles: Vec<String>,
    /// The profile in use, if the credentials came from one.
    pub profile: Option<String>,
    /// Problems found while reading the configuration (shown once at start).
    pub warnings: Vec<String>,
    /// `[transfers]` of the config file: files and parts at once.
    pub transfers: crate::config::TransferSettings,
}

/// Runs the UI on an authorized client until the user quits.
pub async fn run(client: B2Client, opts: RunOptions) -> anyhow::Result<()> {
    let (keymap, keymap_error) = Keymap::load();
    // Scripted runs keep UTC so that their screens do not depend on the machine.
    ui::format::set_local_time(!opts.utc && !opts.deterministic);
    let mut app = new_app(&client, &opts, keymap);
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

    // SIGTERM and SIGHUP (the terminal closed) end the loop like a quit, so that the
    // terminal is restored and the transfers' temporary files are removed on the way out.
    // (Ctrl-C is a key here; SIGINT keeps its default while an editor or key command runs.)
    use crate::cli::signal::{Signal, Signals};
    let mut signals = Signals::listen(&[Signal::Terminate, Signal::Hangup]);
    let mut conn = Connection::start(client, opts.transfers);
    let (mut term, _guard) = init()?;
    let size = term.size()?;
    app.update(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    let first = app.start().into_commands();
    conn.send_all(&mut app, first);

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // A frame is due when something changed; worker events alone draw at most once per
    // WORKER_FRAME, anything else at once.
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    let mut urgent = true;
    let result = loop {
        let frame_at = last_draw.map(|t| t + WORKER_FRAME);
        if dirty && (urgent || frame_at.is_none_or(|at| Instant::now() >= at)) {
            if let Err(e) = term.draw(|f| ui::render(&app, f)) {
                break Err(e.into());
            }
            last_draw = Some(Instant::now());
            dirty = false;
        }
        let waiting = dirty.then_some(frame_at).flatten();
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_msg(ev) {
                    Some(msg) => {
                        urgent = true;
                        msg
                    }
                    None => continue,
                },
                Some(Err(e)) => break Err(e.into()),
                None => break Ok(()),
            },
            Some(ev) = conn.evt_rx.recv() => {
                urgent = false;
                Msg::Worker(ev)
            }
            signal = signals.recv() => {
                break Err(crate::cli::signal::Interrupted { signal }.into());
            }
            _ = tick.tick() => {
                urgent = true;
                // The wall clock never produces effects; it only dates relative times.
                app.update(Msg::WallClock { unix_ms: chrono::Utc::now().timestamp_millis() });
                Msg::Tick { now: Instant::now() }
            }
            () = sleep_until(waiting) => {
                // The frame held back for worker events is due.
                urgent = true;
                continue;
            }
        };
        dirty = true;
        let mut pending = VecDeque::from([msg]);
        let mut quit = false;
        'turn: while let Some(msg) = pending.pop_front() {
            for effect in app.update(msg) {
                match effect {
                    Effect::Worker(cmd) => conn.send(&mut app, cmd),
                    Effect::Clipboard(text) => effects::copy_to_clipboard(text.expose()),
                    Effect::Edit { target, text } => {
                        // The old stream goes first, so the editor gets every key (see
                        // `EditFile`); a fresh one reads on afterwards.
                        drop(events);
                        let result = effects::edit_in_editor(&text);
                        events = EventStream::new();
                        let _ = term.clear();
                        pending.push_back(Msg::Edited { target, result });
                    }
                    Effect::EditFile { req, path } => {
                        // The old stream goes first: its reader may be waiting for a key
                        // (this comes from a worker event) and holds the terminal's event
                        // reader until woken, so a new stream made first would wait for it.
                        drop(events);
                        let saved = effects::edit_file_in_editor(&path);
                        events = EventStream::new();
                        let _ = term.clear();
                        pending.push_back(Msg::FileEdited { req, saved });
                    }
                    Effect::SwitchProfile { name } => {
                        // Keys typed while the other account signs in are dropped with the
                        // old stream, not applied to the new account's screen.
                        drop(events);
                        let switched = switch_profile(&name, &opts).await;
                        events = EventStream::new();
                        let _ = term.clear();
                        match switched {
                            Ok((client, next_opts)) => {
                                // The old account's worker and screen go; nothing of
                                // them carries over (no transfer runs: the app checked).
                                let mut next = new_app(&client, &next_opts, app.keymap.clone());
                                next.usage.keep_price_of(&app.usage);
                                next.update(Msg::Resize {
                                    width: app.size.0,
                                    height: app.size.1,
                                });
                                next.notify(Level::Info, format!("Switched to profile {name}"));
                                conn.stop();
                                conn = Connection::start(client, next_opts.transfers);
                                app = next;
                                let first = app.start().into_commands();
                                conn.send_all(&mut app, first);
                                pending.clear();
                                break 'turn;
                            }
                            Err(e) => app.modals.push(Modal::Error {
                                title: format!("Cannot switch to profile {name}"),
                                message: format!("{e:#}\n\nStill on the current account."),
                            }),
                        }
                    }
                    Effect::Quit => quit = true,
                }
            }
            // Drain what else arrived, so a burst of pages costs one draw.
            if pending.is_empty()
                && let Ok(ev) = conn.evt_rx.try_recv()
            {
                pending.push_back(Msg::Worker(ev));
            }
        }
        if quit {
            break Ok(());
        }
    };
    conn.stop();
    // Files fetched to open (the opener may still read them) and edits left over.
    worker::actions::remove_temp_dir();
    result
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// A fresh app on `client`'s account, as `opts` says.
fn new_app(client: &B2Client, opts: &RunOptions, keymap: Keymap) -> App {
    let session = SessionInfo {
        account_id: client.account_id(),
        endpoint_label: opts.endpoint_label.clone(),
        source_label: opts.source_label.clone(),
        time_zone: ui::format::zone_label(),
        profiles: opts.profiles.clone(),
        profile: opts.profile.clone(),
        deterministic: opts.deterministic,
        key: current_key(client),
        cwd: std::env::current_dir().unwrap_or_default(),
        download_url: client.session().download_url.clone(),
        opener: std::env::var(worker::actions::OPENER_ENV)
            .ok()
            .filter(|o| !o.trim().is_empty()),
    };
    let mut app = App::new(keymap, Theme::from_env(), session);
    app.set_capabilities(client.session().capabilities.clone());
    app.transfers.limits = Some((opts.transfers.files, opts.transfers.parts));
    app.set_start_path(opts.start_path.clone());
    app.usage.configure(&opts.usage);
    app.preview.configure(&opts.preview);
    app
}

/// Authorizes with profile `name` (its `key_command` may ask for a passphrase: the
/// terminal is handed back to it meanwhile), and the options of a run on it.
async fn switch_profile(
    name: &str,
    current: &RunOptions,
) -> anyhow::Result<(B2Client, RunOptions)> {
    crate::terminal::restore()?;
    let resolved = crate::config::accounts::resolve_profile(name);
    crate::terminal::reenter()?;
    let resolved = resolved?;
    let client = B2Client::authorize(&resolved.endpoint, resolved.creds.clone())
        .await
        .map_err(|e| resolved.source.refused(e))?;
    let opts = RunOptions {
        endpoint_label: resolved.endpoint.clone(),
        source_label: resolved.source.label(),
        start_path: resolved.start_path.clone(),
        profile: Some(name.to_owned()),
        warnings: Vec::new(),
        ..current.clone()
    };
    Ok((client, opts))
}

/// The worker of one account, and the channels to it.
struct Connection {
    cmd_tx: mpsc::UnboundedSender<crate::worker::Command>,
    evt_rx: mpsc::UnboundedReceiver<crate::worker::WorkerEvent>,
    worker: tokio::task::JoinHandle<()>,
}

impl Connection {
    fn start(client: B2Client, transfers: crate::config::TransferSettings) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (evt_tx, evt_rx) = mpsc::unbounded_channel();
        let options = worker::transfer::TransferOptions::from_settings(&transfers);
        let worker = worker::spawn_with(client, options, cmd_rx, evt_tx);
        Self {
            cmd_tx,
            evt_rx,
            worker,
        }
    }

    fn send(&self, app: &mut App, cmd: crate::worker::Command) {
        if self.cmd_tx.send(cmd).is_err() {
            app.notify(Level::Error, "The background worker stopped");
        }
    }

    fn send_all(&self, app: &mut App, cmds: Vec<crate::worker::Command>) {
        for cmd in cmds {
            self.send(app, cmd);
        }
    }

    fn stop(&self) {
        self.worker.abort();
    }
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
        authorize_url: Some(client.endpoint().to_owned()),
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
