//! Application state and `update`: messages in, worker commands out. No I/O, no clock
//! reads, no spawning; time arrives in `Msg::Tick`. Drawing lives in `ui`.

pub mod actions;
mod browse;
pub mod caps;
mod effect;
pub mod files;
pub mod goto;
pub mod keys;
pub mod modal;
pub mod notify;
pub mod panes;
pub mod preview;
pub mod profiles;
pub mod restore;
mod router;
pub mod search;
pub mod settings;
pub mod time_travel;
pub mod transfers;
pub mod usage;
pub mod versions;

use std::time::Instant;

use crossterm::event::KeyEvent;

pub use crate::input::Action;
pub use effect::{Edited, Effect, Effects};
pub use modal::Modal;
pub use notify::{Level, Notification};
pub use panes::files::BucketRef;
pub use panes::{BucketsPane, FilesPane, Listed, Motion, Row, VersionsPane};
pub use restore::RestoreState;
pub use transfers::{TransferModal, TransfersState};

use crate::config::{Keymap, Theme};
use crate::worker::{Failure, RequestId, WorkerEvent};

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Buckets,
    Files,
    Versions,
}

impl Focus {
    fn next(self) -> Self {
        match self {
            Focus::Buckets => Focus::Files,
            Focus::Files => Focus::Versions,
            Focus::Versions => Focus::Buckets,
        }
    }

    fn prev(self) -> Self {
        match self {
            Focus::Buckets => Focus::Versions,
            Focus::Files => Focus::Buckets,
            Focus::Versions => Focus::Files,
        }
    }
}

/// Which view fills the screen (one key each). The one source of truth for the screen:
/// the settings view's state lives in its variant, so it exists only while it is shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum View {
    #[default]
    Browse,
    Keys,
    Transfers,
    /// One bucket's settings, drawn instead of the panes.
    Settings(Box<settings::SettingsView>),
    /// Per-folder totals of a bucket or folder (`app/usage`).
    Usage,
}

impl View {
    /// The settings view, when it is shown.
    pub fn settings(&self) -> Option<&settings::SettingsView> {
        match self {
            View::Settings(v) => Some(v),
            _ => None,
        }
    }

    /// The settings view, when it is shown, to change.
    pub fn settings_mut(&mut self) -> Option<&mut settings::SettingsView> {
        match self {
            View::Settings(v) => Some(v),
            _ => None,
        }
    }
}

/// Everything `update` reacts to.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The periodic tick, with the loop's clock reading.
    Tick {
        now: Instant,
    },
    Worker(WorkerEvent),
    /// What `$EDITOR` gave back for an [`Effect::Edit`].
    Edited {
        target: settings::JsonTarget,
        result: Edited,
    },
    /// The wall clock (ms since the epoch, UTC), for relative times like `-3d`.
    WallClock {
        unix_ms: i64,
    },
    /// The editor of an [`Effect::EditFile`] ended; `saved`: it exited with success.
    FileEdited {
        req: RequestId,
        saved: bool,
    },
}

/// What the header shows about the session, and how the screen behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionInfo {
    pub account_id: String,
    pub endpoint_label: String,
    /// Where the credentials came from (`env`, `profile work`, `b2 CLI login`); "" = not said.
    pub source_label: String,
    /// The zone times are shown in (`UTC`, `UTC+01:00`), for the header; "" = not said.
    pub time_zone: String,
    /// The config file's profiles (for the picker), and the one in use, if any.
    pub profiles: Vec<String>,
    pub profile: Option<String>,
    /// No spinner animation (for scripted terminal tests).
    pub deterministic: bool,
    /// The application key b2tui is using, with its scope.
    pub key: keys::CurrentKey,
    /// The directory b2tui started in (the first default download folder).
    pub cwd: std::path::PathBuf,
    /// The account's download URL (`b2_authorize_account`), for the URLs the copy menu
    /// offers; "" = not known.
    pub download_url: String,
    /// The program that opens files (`O`) when `$B2TUI_OPENER` names one; None = the
    /// system's (`xdg-open`, `open`).
    pub opener: Option<String>,
}

/// Frames of the loading spinner.
pub const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// The whole UI state. Only the event loop owns it.
#[derive(Debug)]
pub struct App {
    pub keymap: Keymap,
    pub theme: Theme,
    pub session: SessionInfo,
    pub focus: Focus,
    pub buckets: BucketsPane,
    pub files: FilesPane,
    pub versions: VersionsPane,
    pub view: View,
    pub keys: keys::KeysView,
    /// Hidden files, point in time, marks and restore jobs.
    pub restore: RestoreState,
    /// Overlays, the last on top.
    pub modals: Vec<Modal>,
    pub notification: Option<Notification>,
    /// Terminal size in cells.
    pub size: (u16, u16),
    /// Spinner frame, advanced by ticks unless deterministic.
    pub spinner: usize,
    /// Bucket settings view, its pending requests and effects (`app/settings`).
    pub admin: settings::AdminState,
    /// Upload and download jobs, prompts and unfinished large files (`app/transfers`).
    pub transfers: TransfersState,
    /// Usage scans and the Usage view (`app/usage`).
    pub usage: usage::UsageState,
    next_req: u64,
    /// Keys typed in the files pane while its folder's first page was on its way; they
    /// are applied, in order, once it arrives (`router.rs`).
    deferred: Vec<KeyEvent>,
    /// A path to open once the buckets have arrived (a profile's start, or one typed
    /// before them): `goto.rs`.
    start_path: Option<String>,
    /// The last search and its results (`app/search`), kept when its overlay closes.
    pub search: Option<Box<search::Search>>,
    /// Edits, opened files and details waiting for the worker (`app/actions`).
    pub actions: actions::ActionsState,
    /// The preview pane (`app/preview`).
    pub preview: preview::PreviewState,
}

impl App {
    /// A fresh app; call [`App::start`] for the first commands.
    pub fn new(keymap: Keymap, theme: Theme, session: SessionInfo) -> Self {
        let floor = session.key.folder_floor().to_owned();
        Self {
            keymap,
            theme,
            session,
            focus: Focus::Buckets,
            buckets: BucketsPane::default(),
            files: FilesPane::with_floor(floor),
            versions: VersionsPane::default(),
            view: View::Browse,
            keys: keys::KeysView::default(),
            restore: RestoreState::default(),
            modals: Vec::new(),
            notification: None,
            size: (100, 30),
            spinner: 0,
            admin: settings::AdminState::default(),
            transfers: TransfersState::default(),
            usage: usage::UsageState::default(),
            next_req: 0,
            deferred: Vec::new(),
            start_path: None,
            search: None,
            actions: actions::ActionsState::default(),
            preview: preview::PreviewState::default(),
        }
    }

    /// Opens `path` (`b2://bucket/folder/`) instead of the key's own start once the
    /// buckets arrive.
    pub fn set_start_path(&mut self, path: Option<String>) {
        self.start_path = path;
    }

    /// The first commands: list the buckets.
    pub fn start(&mut self) -> Effects {
        let mut fx = Effects::default();
        fx.push(self.request_buckets());
        fx
    }

    /// Rows a list pane shows (terminal height minus header, status, footer and borders);
    /// the page size for PgUp/PgDn.
    pub fn list_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    /// True while any listing is in flight.
    pub fn is_loading(&self) -> bool {
        self.buckets.pending.is_some()
            || self.files.pending.is_some()
            || self.versions.pending.is_some()
            || self.admin.is_loading()
            || self.search_running()
            || self.usage.is_scanning()
            || self.preview.is_loading()
    }

    /// Shows a transient message in the status line.
    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notification = Some(Notification::new(level, text));
    }

    /// Handles one message; returns what the loop should do (worker commands and the rest).
    pub fn update(&mut self, msg: Msg) -> Effects {
        let mut cmds = Effects::default();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut cmds),
            Msg::Resize { width, height } => self.size = (width, height),
            Msg::Tick { now } => self.on_tick(now, &mut cmds),
            Msg::Worker(ev) => {
                self.on_worker(ev, &mut cmds);
                self.replay_deferred(&mut cmds);
            }
            Msg::Edited { target, result } => self.on_edited(target, result, &mut cmds),
            Msg::WallClock { unix_ms } => self.restore.now_ms = unix_ms,
            Msg::FileEdited { req, saved } => self.on_file_edited(req, saved, &mut cmds),
        }
        self.sync_preview(&mut cmds);
        cmds
    }

    fn new_req(&mut self) -> RequestId {
        self.next_req += 1;
        RequestId(self.next_req)
    }

    fn on_tick(&mut self, now: Instant, cmds: &mut Effects) {
        if self
            .notification
            .as_mut()
            .is_some_and(|n| n.is_expired(now))
        {
            self.notification = None;
        }
        if !self.session.deterministic && self.is_loading() {
            self.spinner = (self.spinner + 1) % SPINNER.len();
        }
        self.request_versions(cmds);
        self.transfers_tick(cmds);
    }

    fn request_versions(&mut self, cmds: &mut Effects) {
        if self.versions.wanted {
            let req = self.new_req();
            cmds.extend(self.versions.request(req));
        }
    }

    fn on_worker(&mut self, ev: WorkerEvent, cmds: &mut Effects) {
        let height = self.list_height();
        match ev {
            WorkerEvent::BucketsListed { req, buckets } => {
                if self.buckets.pending == Some(req) {
                    let first = !self.buckets.loaded;
                    self.buckets.set_buckets(buckets, height);
                    if first && !self.open_start_path(cmds) {
                        self.open_only_bucket(cmds);
                    }
                }
            }
            WorkerEvent::FilesListed { req, entries, next } => {
                if self.files.on_page(req, entries, next, height) {
                    self.sync_files(cmds);
                }
            }
            WorkerEvent::VersionsListed {
                req,
                versions,
                done,
            } => {
                self.versions.on_page(req, versions, done);
            }
            WorkerEvent::RequestFailed { req, error } => self.on_failed(req, &error),
            WorkerEvent::Keys(ev) => self.on_keys_event(ev),
            WorkerEvent::Restore(ev) => self.on_restore_event(ev, cmds),
            WorkerEvent::Settings(ev) => self.on_settings_event(*ev, cmds),
            WorkerEvent::Transfer(note) => self.on_transfer_note(note, cmds),
            WorkerEvent::Search(p) => self.on_search_progress(p),
            WorkerEvent::Usage(ev) => self.on_usage_event(ev),
            WorkerEvent::Actions(ev) => self.on_actions_event(ev, cmds),
            WorkerEvent::Preview(ev) => self.on_preview_event(ev),
        }
    }

    fn on_failed(&mut self, req: RequestId, error: &Failure) {
        let what = if self.buckets.pending == Some(req) {
            self.buckets.pending = None;
            "buckets"
        } else if self.files.on_failed(req) {
            "files"
        } else if self.versions.on_failed(req) {
            "versions"
        } else if let Some(what) = self.restore_failed(req) {
            what
        } else if self.on_settings_failed(req, error)
            || self.on_transfer_failed(req, error)
            || self.on_search_failed(req, error)
            || self.on_usage_failed(req, error)
            || self.on_actions_failed(req, error)
        {
            return;
        } else {
            return; // an answer for a view the user already left
        };
        if error.is_retryable() {
            self.notify(
                Level::Warn,
                format!("Listing {what} failed ({error}); press R to retry"),
            );
        } else {
            self.modals.push(Modal::listing_error(what, error));
        }
    }
}
