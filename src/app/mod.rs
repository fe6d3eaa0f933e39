//! Application state and `update`: messages in, worker commands out. No I/O, no clock
//! reads, no spawning; time arrives in `Msg::Tick`. Drawing lives in `ui`.

mod action;
pub mod keys;
pub mod modal;
pub mod notify;
pub mod panes;
pub mod restore;
pub mod settings;
pub mod transfers;

use std::time::Instant;

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

pub use action::Action;
pub use modal::Modal;
pub use notify::{Level, Notification};
pub use panes::files::BucketRef;
pub use panes::{BucketsPane, FilesPane, Motion, Row, VersionsPane};
pub use restore::RestoreState;
pub use transfers::{TransferModal, TransfersState};

use crate::config::{Keymap, Scope, Theme};
use crate::worker::{Command, RequestId, WorkerEvent};

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

/// Which view fills the screen (one key each).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    #[default]
    Browse,
    Keys,
    Transfers,
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
    /// The wall clock (ms since the epoch, UTC), for relative times like `-3d`.
    WallClock {
        unix_ms: i64,
    },
}

/// What the header shows about the session, and how the screen behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionInfo {
    pub account_id: String,
    pub endpoint_label: String,
    /// No spinner animation (for scripted terminal tests).
    pub deterministic: bool,
    /// The application key b2tui is using, with its scope.
    pub key: keys::CurrentKey,
    /// The directory b2tui started in (the first default download folder).
    pub cwd: std::path::PathBuf,
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
    pub quit: bool,
    /// Bucket settings view, its pending requests and effects (`app/settings`).
    pub admin: settings::AdminState,
    /// Upload and download jobs, prompts and unfinished large files (`app/transfers`).
    pub transfers: TransfersState,
    next_req: u64,
}

impl App {
    /// A fresh app; call [`App::start`] for the first commands.
    pub fn new(keymap: Keymap, theme: Theme, session: SessionInfo) -> Self {
        Self {
            keymap,
            theme,
            session,
            focus: Focus::Buckets,
            buckets: BucketsPane::default(),
            files: FilesPane::default(),
            versions: VersionsPane::default(),
            view: View::Browse,
            keys: keys::KeysView::default(),
            restore: RestoreState::default(),
            modals: Vec::new(),
            notification: None,
            size: (100, 30),
            spinner: 0,
            quit: false,
            admin: settings::AdminState::default(),
            transfers: TransfersState::default(),
            next_req: 0,
        }
    }

    /// The first commands: list the buckets.
    pub fn start(&mut self) -> Vec<Command> {
        vec![self.request_buckets()]
    }

    /// Rows a list pane shows (terminal height minus header, status, footer and borders);
    /// the page size for PgUp/PgDn.
    pub fn list_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    /// The scope that gets keys: the top modal, else the filter line while typing, else
    /// the focused pane.
    pub fn scope(&self) -> Scope {
        if let Some(m) = self.modals.last() {
            return m.scope();
        }
        if self.view == View::Keys {
            return Scope::Keys;
        }
        if self.view == View::Transfers {
            return Scope::Transfers;
        }
        if let Some(s) = self.settings_scope() {
            return s;
        }
        match self.focus {
            Focus::Files if self.files.filter.editing => Scope::Filter,
            Focus::Buckets => Scope::Buckets,
            Focus::Files => Scope::Files,
            Focus::Versions => Scope::Versions,
        }
    }

    /// True while any listing is in flight.
    pub fn is_loading(&self) -> bool {
        self.buckets.pending.is_some()
            || self.files.pending.is_some()
            || self.versions.pending.is_some()
            || self.admin.is_loading()
    }

    /// Shows a transient message in the status line.
    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notification = Some(Notification::new(level, text));
    }

    /// Handles one message; returns the commands for the worker.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        let mut cmds = Vec::new();
        match msg {
            Msg::Key(key) => self.on_key(key, &mut cmds),
            Msg::Resize { width, height } => self.size = (width, height),
            Msg::Tick { now } => self.on_tick(now, &mut cmds),
            Msg::Worker(ev) => self.on_worker(ev, &mut cmds),
            Msg::WallClock { unix_ms } => self.restore.now_ms = unix_ms,
        }
        cmds
    }

    fn new_req(&mut self) -> RequestId {
        self.next_req += 1;
        RequestId(self.next_req)
    }

    fn request_buckets(&mut self) -> Command {
        let req = self.new_req();
        self.buckets.pending = Some(req);
        Command::ListBuckets { req }
    }

    fn on_tick(&mut self, now: Instant, cmds: &mut Vec<Command>) {
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

    fn request_versions(&mut self, cmds: &mut Vec<Command>) {
        if self.versions.wanted {
            let req = self.new_req();
            cmds.extend(self.versions.request(req));
        }
    }

    fn on_key(&mut self, key: KeyEvent, cmds: &mut Vec<Command>) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.notification = None;
        if matches!(self.modals.last(), Some(Modal::Keys(_))) {
            return self.on_keys_modal_key(key, cmds);
        }
        let scope = self.scope();
        if self.on_transfer_key(scope, key, cmds) {
            return;
        }
        if self.on_settings_key(scope, key, cmds) {
            return;
        }
        match self.keymap.resolve(scope, &key) {
            Some(action) => self.on_action(scope, action, cmds),
            None if scope == Scope::Filter => {
                let changed = self.files.filter.input.handle_event(&Event::Key(key));
                if changed.is_some_and(|c| c.value) {
                    self.files.refilter();
                    self.sync_files(cmds);
                }
            }
            None if scope == Scope::TimeTravel => self.on_time_input(key),
            None => {}
        }
    }

    fn on_action(&mut self, scope: Scope, action: Action, cmds: &mut Vec<Command>) {
        if action == Action::ForceQuit {
            self.quit = true;
            return;
        }
        if !self.modals.is_empty() {
            self.on_modal_action(action, cmds);
            return;
        }
        if self.on_view_switch(action, cmds) {
            return;
        }
        if self.view == View::Transfers {
            return self.on_transfers_action(action, cmds);
        }
        if self.view == View::Keys {
            return self.on_keys_action(action, cmds);
        }
        if self.on_settings_pane_action(action, cmds) {
            return;
        }
        let page = self.list_height();
        match action {
            Action::Quit | Action::ForceQuit => self.quit = true,
            Action::MoveUp => self.move_cursor(Motion::Up, page, cmds),
            Action::MoveDown => self.move_cursor(Motion::Down, page, cmds),
            Action::PageUp => self.move_cursor(Motion::PageUp, page, cmds),
            Action::PageDown => self.move_cursor(Motion::PageDown, page, cmds),
            Action::GoTop => self.move_cursor(Motion::Top, page, cmds),
            Action::GoBottom => self.move_cursor(Motion::Bottom, page, cmds),
            Action::Open => self.open(cmds),
            Action::GoUp => self.go_up(cmds),
            Action::NextPane => self.set_focus(self.focus.next(), cmds),
            Action::PrevPane => self.set_focus(self.focus.prev(), cmds),
            Action::FocusBuckets => self.set_focus(Focus::Buckets, cmds),
            Action::FocusFiles => self.set_focus(Focus::Files, cmds),
            Action::FocusVersions => self.set_focus(Focus::Versions, cmds),
            Action::Refresh => self.refresh(cmds),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::StartFilter => {
                if self.files.bucket.is_some() {
                    self.focus = Focus::Files;
                    self.files.filter.editing = true;
                }
            }
            Action::ApplyFilter => {
                self.files.filter.editing = false;
                if self.files.filter.input.value().is_empty() {
                    self.files.clear_filter(page);
                }
            }
            Action::ClearFilter => {
                self.files.clear_filter(page);
                self.sync_files(cmds);
            }
            Action::Close => {
                if scope == Scope::Files && self.files.filter.is_active() {
                    self.files.clear_filter(page);
                    self.sync_files(cmds);
                } else if scope == Scope::Files {
                    self.leave_time_travel(cmds);
                }
            }
            // Keys-view and form actions (handled in `keys`).
            Action::ShowKeys
            | Action::ShowBrowse
            | Action::NewKey
            | Action::DeleteKey
            | Action::NextField
            | Action::PrevField
            | Action::Toggle
            | Action::Submit
            | Action::NextTab
            | Action::PrevTab
            | Action::CopyKeyId
            | Action::CopySecret
            | Action::CopySnippet => {}
            Action::ToggleMark
            | Action::ToggleHidden
            | Action::ShowDeleted
            | Action::Unhide
            | Action::RestoreVersion
            | Action::DeleteVersions
            | Action::DeleteOlderVersions
            | Action::HideFiles
            | Action::TimeTravel
            | Action::ShowInfo
            | Action::Confirm
            | Action::ToggleChoice
            | Action::ToggleHideMissing => self.on_restore_action(action, cmds),
            // Handled by `on_settings_pane_action` or only meaningful in settings scopes.
            Action::OpenBucketSettings
            | Action::CreateBucket
            | Action::DeleteBucket
            | Action::ShareLink
            | Action::AddItem
            | Action::EditItem
            | Action::RemoveItem
            | Action::Save
            | Action::Simulate
            | Action::ChangeType
            | Action::NextChoice
            | Action::PrevChoice
            | Action::ToggleList
            | Action::CopyLink
            | Action::EnableObjectLock
            | Action::ShowVersionLock
            | Action::ToggleLegalHold => {}
            Action::StartUpload | Action::StartDownload | Action::ShowUnfinished => {
                self.on_transfer_pane_action(action, cmds);
            }
            // Transfers-view and transfers-modal actions (`app/transfers`).
            Action::ShowTransfers
            | Action::CancelJob
            | Action::PauseJob
            | Action::RetryJob
            | Action::ClearFinished
            | Action::Complete
            | Action::Discard
            | Action::KeepForResume
            | Action::Skip
            | Action::Overwrite
            | Action::KeepBoth
            | Action::ResumeUpload => {}
        }
    }

    fn on_modal_action(&mut self, action: Action, cmds: &mut Vec<Command>) {
        let max_scroll = self.help_line_count().saturating_sub(1);
        let page = self.list_height();
        match self.modals.last_mut() {
            Some(Modal::Help { scroll }) => match action {
                Action::MoveDown => *scroll = (*scroll + 1).min(max_scroll),
                Action::MoveUp => *scroll = scroll.saturating_sub(1),
                Action::PageDown => *scroll = (*scroll + page).min(max_scroll),
                Action::PageUp => *scroll = scroll.saturating_sub(page),
                Action::GoTop => *scroll = 0,
                Action::Close | Action::Quit | Action::ShowHelp => {
                    self.modals.pop();
                }
                _ => {}
            },
            Some(Modal::Error { .. }) => {
                if matches!(action, Action::Close | Action::Quit | Action::Open) {
                    self.modals.pop();
                }
            }
            Some(Modal::Restore(_)) => self.on_restore_modal_action(action, cmds),
            Some(_) | None => {}
        }
    }

    /// Lines of the help overlay: per scope a heading, its bindings and a blank line.
    pub fn help_line_count(&self) -> usize {
        Scope::ALL
            .iter()
            .map(|&s| self.keymap.bindings(s).len() + 2)
            .sum()
    }

    fn move_cursor(&mut self, motion: Motion, page: usize, cmds: &mut Vec<Command>) {
        match self.focus {
            Focus::Buckets => {
                self.buckets.move_cursor(motion, page);
            }
            Focus::Files => {
                if self.files.move_cursor(motion, page) || motion == Motion::Bottom {
                    self.sync_files(cmds);
                }
            }
            Focus::Versions => {
                self.versions.move_cursor(motion, page);
            }
        }
    }

    /// After the files list or its cursor changed: load ahead, and point the versions pane
    /// at the selected file.
    fn sync_files(&mut self, cmds: &mut Vec<Command>) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if let Some(start) = self.files.next_page_start().map(str::to_owned) {
            let req = self.new_req();
            self.files.set_pending(req);
            cmds.push(Command::ListFiles {
                req,
                bucket: bucket.id.clone(),
                prefix: self.files.prefix.clone(),
                start: Some(start),
            });
        }
        match self.files.selected_file() {
            Some(f) => self.versions.show(bucket.id, &f.file_name),
            None => self.versions.clear(),
        }
    }

    fn set_focus(&mut self, focus: Focus, cmds: &mut Vec<Command>) {
        self.focus = focus;
        if focus == Focus::Versions {
            self.request_versions(cmds);
        }
    }

    fn open(&mut self, cmds: &mut Vec<Command>) {
        match self.focus {
            Focus::Buckets => self.open_bucket(cmds),
            Focus::Files => match self.files.selected() {
                Some(Row::Parent) => self.go_up(cmds),
                Some(Row::Entry(e)) if e.is_folder() => {
                    let prefix = e.file_name.clone();
                    self.open_folder(prefix, cmds);
                }
                Some(Row::Entry(_)) => self.set_focus(Focus::Versions, cmds),
                None => {}
            },
            Focus::Versions => {}
        }
    }

    fn open_bucket(&mut self, cmds: &mut Vec<Command>) {
        let Some(b) = self.buckets.selected() else {
            return;
        };
        let bucket = BucketRef {
            id: b.bucket_id.clone(),
            name: b.bucket_name.clone(),
        };
        self.focus = Focus::Files;
        if self.files.bucket.as_ref() == Some(&bucket) {
            return;
        }
        self.open_folder_of(bucket, String::new(), cmds);
    }

    fn open_folder(&mut self, prefix: String, cmds: &mut Vec<Command>) {
        if let Some(bucket) = self.files.bucket.clone() {
            self.open_folder_of(bucket, prefix, cmds);
        }
    }

    fn open_folder_of(&mut self, bucket: BucketRef, prefix: String, cmds: &mut Vec<Command>) {
        let req = self.new_req();
        cmds.push(self.folder_command(req, bucket.id.clone(), prefix.clone()));
        self.files.open(bucket, prefix, req);
        self.versions.clear();
    }

    fn go_up(&mut self, cmds: &mut Vec<Command>) {
        match self.focus {
            Focus::Buckets => {}
            Focus::Files => {
                let req = self.new_req();
                if self.files.go_up(req) {
                    if let Some(bucket) = self.files.bucket.clone() {
                        let prefix = self.files.prefix.clone();
                        cmds.push(self.folder_command(req, bucket.id, prefix));
                    }
                    self.versions.clear();
                } else {
                    self.focus = Focus::Buckets;
                }
            }
            Focus::Versions => self.focus = Focus::Files,
        }
    }

    fn refresh(&mut self, cmds: &mut Vec<Command>) {
        match self.focus {
            Focus::Buckets => cmds.push(self.request_buckets()),
            Focus::Files => {
                let Some(bucket) = self.files.bucket.clone() else {
                    return;
                };
                let req = self.new_req();
                self.files.reload(req);
                let prefix = self.files.prefix.clone();
                cmds.push(self.folder_command(req, bucket.id, prefix));
                self.versions.reload();
            }
            Focus::Versions => {
                self.versions.reload();
                self.request_versions(cmds);
            }
        }
    }

    fn on_worker(&mut self, ev: WorkerEvent, cmds: &mut Vec<Command>) {
        let height = self.list_height();
        match ev {
            WorkerEvent::BucketsListed { req, buckets } => {
                if self.buckets.pending == Some(req) {
                    self.buckets.set_buckets(buckets, height);
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
            WorkerEvent::RequestFailed {
                req,
                error,
                code,
                retryable,
            } => self.on_failed(req, &error, code.as_deref(), retryable),
            WorkerEvent::Keys(ev) => self.on_keys_event(ev),
            WorkerEvent::Restore(ev) => self.on_restore_event(ev, cmds),
            WorkerEvent::Settings(ev) => self.on_settings_event(*ev, cmds),
            WorkerEvent::Transfer(note) => self.on_transfer_note(note, cmds),
        }
    }

    fn on_failed(&mut self, req: RequestId, error: &str, code: Option<&str>, retryable: bool) {
        let what = if self.buckets.pending == Some(req) {
            self.buckets.pending = None;
            "buckets"
        } else if self.files.on_failed(req) {
            "files"
        } else if self.versions.on_failed(req) {
            "versions"
        } else if let Some(what) = self.restore_failed(req) {
            what
        } else if self.on_settings_failed(req, error, code) || self.on_transfer_failed(req, error) {
            return;
        } else {
            return; // an answer for a view the user already left
        };
        if retryable {
            let code = code.map(|c| format!("{c}: ")).unwrap_or_default();
            self.notify(
                Level::Warn,
                format!("Listing {what} failed ({code}{error}); press R to retry"),
            );
        } else {
            self.modals.push(Modal::listing_error(what, code, error));
        }
    }
}
