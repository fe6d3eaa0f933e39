//! The app wired to the real worker on a real local B2, as the event loop wires it: keys go
//! to `update`, commands to the worker, events back to `update`, until the app is quiet.
//! Every failed request is kept, so a test can say "no call was refused".

use std::time::Duration;

use b2tui::app::{App, Effect, Msg, SessionInfo};
use b2tui::b2::B2Client;
use b2tui::config::{Keymap, Theme};
use b2tui::worker::{self, Command, Failure, WorkerEvent};
use tokio::sync::mpsc;

pub struct Live {
    pub app: App,
    cmd_tx: mpsc::UnboundedSender<Command>,
    evt_rx: mpsc::UnboundedReceiver<WorkerEvent>,
    /// Every request that failed, in order.
    pub failures: Vec<Failure>,
    /// Every command the app sent.
    pub sent: Vec<Command>,
    /// Commands were sent since the app was last quiet.
    outstanding: bool,
}

impl Live {
    /// The app on `client`, started: its first listings have arrived.
    pub async fn start(client: B2Client) -> Self {
        let session = SessionInfo {
            account_id: client.account_id(),
            endpoint_label: "local".to_owned(),
            deterministic: true,
            key: b2tui::tui::current_key(&client),
            ..SessionInfo::default()
        };
        let mut app = App::new(Keymap::default_keymap(), Theme::colored(), session);
        app.set_capabilities(client.session().capabilities.clone());
        Self::start_app(client, app).await
    }

    /// `app` (already configured) on `client`, started.
    pub async fn start_app(client: B2Client, mut app: App) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let (evt_tx, evt_rx) = mpsc::unbounded_channel();
        worker::spawn(client, cmd_rx, evt_tx);
        app.update(Msg::Resize {
            width: 120,
            height: 40,
        });
        let first = app.start();
        let mut live = Self {
            app,
            cmd_tx,
            evt_rx,
            failures: Vec::new(),
            sent: Vec::new(),
            outstanding: false,
        };
        live.perform(first.into_iter().collect());
        live.settle().await;
        live
    }

    fn perform(&mut self, effects: Vec<Effect>) {
        for e in effects {
            if let Effect::Worker(cmd) = e {
                self.sent.push(cmd.clone());
                self.outstanding = true;
                self.cmd_tx.send(cmd).expect("worker runs");
            }
        }
    }

    /// One message, then whatever the worker answers until the app is quiet.
    pub async fn send(&mut self, msg: Msg) {
        let fx = self.app.update(msg);
        self.perform(fx.into_iter().collect());
        self.settle().await;
    }

    /// Each key of `text`, in turn.
    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(super::app::key(c)).await;
        }
    }

    /// Feeds worker events until `done` holds for the app (at most 15 s).
    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while !done(&self.app) {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Ok(Some(ev)) = tokio::time::timeout(left, self.evt_rx.recv()).await else {
                panic!("waited 15 s for {what}");
            };
            if let WorkerEvent::RequestFailed { error, .. } = &ev {
                self.failures.push(error.clone());
            }
            let fx = self.app.update(Msg::Worker(ev));
            self.perform(fx.into_iter().collect());
        }
        self.settle().await;
    }

    /// Feeds worker events until nothing is loading and nothing arrived for a moment.
    pub async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        if !self.outstanding && !self.app.is_loading() {
            return;
        }
        loop {
            let quiet = if self.app.is_loading() {
                Duration::from_secs(5)
            } else {
                Duration::from_millis(150)
            };
            match tokio::time::timeout(quiet, self.evt_rx.recv()).await {
                Ok(Some(ev)) => {
                    match &ev {
                        WorkerEvent::RequestFailed { error, .. } => {
                            self.failures.push(error.clone());
                        }
                        WorkerEvent::Keys(worker::KeysEvent::KeyRequestFailed {
                            error, ..
                        }) => {
                            self.failures.push(error.clone());
                        }
                        _ => {}
                    }
                    let fx = self.app.update(Msg::Worker(ev));
                    self.perform(fx.into_iter().collect());
                }
                Ok(None) => return,
                Err(_) if !self.app.is_loading() => {
                    self.outstanding = false;
                    return;
                }
                Err(_) => panic!("the app waits for the worker for more than 5 s"),
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the app never settled"
            );
        }
    }
}
