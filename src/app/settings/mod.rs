//! Bucket settings: the state of the view (tabs Info, Lifecycle, Notifications, CORS, Object
//! Lock, Replication) and of its dialogs, the requests in flight, and the helpers every dialog file uses.
//! Each dialog, form and tab has its own file below; none of them does I/O.

mod bucket;
mod dialog;
mod events;
mod fields;
pub mod forms;
pub mod json;
mod lifecycle;
mod lock;
mod notifications;
pub mod notify_form;
pub mod replication;
mod replication_mapping;
mod save;
mod share;
mod simulate;
mod view;

use crate::app::panes::Cursor;
use crate::app::{App, BucketRef, Focus};
use crate::b2::LifecycleRule;
use crate::b2::buckets::{BucketSettings, FileRetention, Readable};
use crate::b2::notifications::NotificationRule;
use crate::input::Scope;
use crate::lifecycle_sim::{DiffLine, SimReport};
use crate::worker::settings::{SettingsCommand, ShareLink};
use crate::worker::{Command, RequestId};

pub use forms::{Field, FieldError, FieldKind, Form, FormKind};

/// Tabs of the settings view, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Info,
    Lifecycle,
    Notifications,
    Cors,
    ObjectLock,
    Replication,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Info,
        Tab::Lifecycle,
        Tab::Notifications,
        Tab::Cors,
        Tab::ObjectLock,
        Tab::Replication,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Info => "Info",
            Tab::Lifecycle => "Lifecycle",
            Tab::Notifications => "Notifications",
            Tab::Cors => "CORS",
            Tab::ObjectLock => "Object Lock",
            Tab::Replication => "Replication",
        }
    }

    fn step(self, forward: bool) -> Tab {
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = Tab::ALL.len();
        Tab::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The settings view of one bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingsView {
    pub bucket: BucketRef,
    pub tab: Tab,
    /// The bucket as last read from B2 (its revision is the base of every update).
    pub stored: Option<BucketSettings>,
    /// The lifecycle rules being edited.
    pub rules: Vec<LifecycleRule>,
    pub cursor: Cursor,
    pub loading: Option<RequestId>,
    pub saving: Option<RequestId>,
    /// The bucket's event notification rules (read when the tab is first shown).
    pub notifications: RulesState,
    pub notify_cursor: Cursor,
    /// Edited replication rules (None: none edited; the stored ones are shown).
    pub replication: Option<replication::ReplicationDraft>,
    pub repl_cursor: Cursor,
}

/// Event notification rules as far as they are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RulesState {
    #[default]
    NotLoaded,
    Loading(RequestId),
    /// The key lacks this capability.
    Unavailable(&'static str),
    /// Reading them failed (B2's code and message).
    Failed(String),
    Loaded {
        rules: Vec<NotificationRule>,
        /// A set request in flight.
        saving: Option<RequestId>,
    },
}

impl RulesState {
    /// The loaded rules.
    pub fn rules(&self) -> Option<&[NotificationRule]> {
        match self {
            RulesState::Loaded { rules, .. } => Some(rules),
            _ => None,
        }
    }
}

/// Object Lock of one version, opened from the versions pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionLock {
    pub req: RequestId,
    pub file_id: String,
    pub file_name: String,
    /// None while loading.
    pub retention: Option<Readable<FileRetention>>,
    pub legal_hold: Option<Readable<String>>,
    pub loaded: bool,
    /// A change is in flight.
    pub busy: bool,
}

impl SettingsView {
    /// True when the edited rules differ from the stored ones.
    pub fn is_dirty(&self) -> bool {
        self.stored
            .as_ref()
            .is_some_and(|s| s.lifecycle_rules != self.rules)
    }
}

/// What the JSON editor edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonTarget {
    CorsRules,
    BucketInfo,
}

impl JsonTarget {
    pub fn title(self) -> &'static str {
        match self {
            JsonTarget::CorsRules => "CORS rules",
            JsonTarget::BucketInfo => "bucket info",
        }
    }
}

/// Progress and result of a lifecycle simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulation {
    pub req: RequestId,
    pub days: u32,
    pub scanned: usize,
    pub report: Option<SimReport>,
    /// Show every predicted change instead of the summary.
    pub show_list: bool,
    pub scroll: usize,
}

/// Modals of the settings feature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsModal {
    Form(Form),
    /// Before/after of the lifecycle rules; `y` saves, `S` simulates first.
    ConfirmRules {
        diff: Vec<DiffLine>,
    },
    Simulation(Simulation),
    /// Before/after of the CORS rules a preset sets; `y` saves them.
    ConfirmCors {
        diff: Vec<DiffLine>,
        rules: Vec<serde_json::Value>,
    },
    /// The update met 409: someone else changed the bucket since it was read.
    Conflict {
        from_revision: u64,
        to_revision: u64,
        /// What the other change did.
        theirs: Vec<DiffLine>,
    },
    /// `y` deletes the (empty) bucket.
    ConfirmDelete {
        bucket: BucketRef,
    },
    /// `y` changes the bucket type.
    ConfirmType {
        bucket_type: String,
    },
    ShareLink(ShareLink),
    /// Before/after of the notification rules; `y` sends `rules` (the whole list).
    ConfirmNotificationRules {
        diff: Vec<DiffLine>,
        rules: Vec<NotificationRule>,
        /// The rule a new signing secret is generated for.
        generate_secret_for: Option<String>,
        /// True when a rule is removed (its webhook gets no more events).
        removes: bool,
    },
    /// A newly generated signing secret (shown so it can be given to the receiver).
    Secret {
        rule: String,
        secret: String,
    },
    /// `y` turns on Object Lock for the bucket (irreversible).
    ConfirmEnableLock,
    VersionLock(VersionLock),
}

impl SettingsModal {
    /// Forms take text; the rest are dialogs.
    pub fn scope(&self) -> Scope {
        match self {
            SettingsModal::Form(_) => Scope::Form,
            _ => Scope::Dialog,
        }
    }
}

/// What an answered request was for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Pending {
    Load,
    Save,
    Create,
    Inspect(BucketRef),
    Delete,
    Simulate,
    Share,
    LoadRules,
    SaveRules,
    Lock,
}

/// The settings feature's state inside `App`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdminState {
    /// The key's capabilities (None: unknown, everything is offered).
    pub capabilities: Option<Vec<String>>,
    pending: Vec<(RequestId, Pending)>,
}

impl AdminState {
    /// The first of `caps` the key lacks.
    pub fn missing<'a>(&self, caps: &[&'a str]) -> Option<&'a str> {
        let have = self.capabilities.as_ref()?;
        caps.iter().copied().find(|c| !have.iter().any(|h| h == c))
    }

    fn take_pending(&mut self, req: RequestId) -> Option<Pending> {
        let i = self.pending.iter().position(|(r, _)| *r == req)?;
        Some(self.pending.remove(i).1)
    }

    /// True while the settings feature waits for the worker.
    pub fn is_loading(&self) -> bool {
        !self.pending.is_empty()
    }
}

fn cmd(c: SettingsCommand) -> Command {
    Command::Settings(c)
}

impl App {
    /// Records what the key may do, so forms it cannot submit are never offered.
    pub fn set_capabilities(&mut self, capabilities: Vec<String>) {
        self.admin.capabilities = Some(capabilities);
    }

    fn new_admin_req(&mut self, what: Pending) -> RequestId {
        let req = self.new_req();
        self.admin.pending.push((req, what));
        req
    }

    /// The bucket the panes point at: the open one in the files pane, else the selection.
    fn current_bucket(&self) -> Option<(BucketRef, bool)> {
        let b = match self.focus {
            Focus::Buckets => self.buckets.selected()?,
            _ => {
                let open = self.files.bucket.as_ref()?;
                self.buckets
                    .buckets
                    .iter()
                    .find(|b| b.bucket_id == open.id)?
            }
        };
        Some((
            BucketRef {
                id: b.bucket_id.clone(),
                name: b.bucket_name.clone(),
            },
            b.bucket_type == "allPublic",
        ))
    }
}
