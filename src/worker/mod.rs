//! The background executor: `Command`s in, `WorkerEvent`s out, one tokio task per command.
//! Network calls live here (through the B2 client); no terminal or `App` state is touched.

pub mod actions;
pub mod failure;
pub mod history;
pub mod keys;
pub mod listing;
pub mod preview;
pub mod restore;
pub mod search;
pub mod settings;
pub mod transfer;
pub mod transfer_cmds;
pub mod usage;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::b2::{B2Client, B2Error, Bucket, BucketId, FileVersion};
pub use failure::Failure;
pub use keys::{KeyCommand, KeysEvent};

/// Identifies one request from the app, so results for a view the user left can be dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

/// A request to the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// List every bucket of the account.
    ListBuckets { req: RequestId },
    /// List one page (1,000 names) of a folder, with delimiter `/`.
    ListFiles {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        /// `startFileName`: the `nextFileName` of the previous page.
        start: Option<String>,
    },
    /// List every version of one file name, newest first.
    ListVersions {
        req: RequestId,
        bucket: BucketId,
        file_name: String,
    },
    /// Application-key calls (`worker/keys.rs`).
    Keys(KeyCommand),
    /// Versions and restore: hidden files, point in time, bulk jobs (`restore.rs`).
    Restore(restore::RestoreCommand),
    /// Bucket settings, lifecycle simulation and share links (`settings.rs`).
    Settings(settings::SettingsCommand),
    /// Uploads, downloads and their jobs (`transfer_cmds.rs`).
    Transfer(transfer_cmds::TransferCommand),
    /// Search the bucket: scan names under a folder for a pattern (`search.rs`).
    Search(search::SearchCommand),
    /// The folder's names just before `before` (None: its last names), found by seeking
    /// (B2 lists only forward; see `listing::list_files_before`). Answered by one
    /// `FilesListed` whose `next` is the start point reached: the names before it are not
    /// listed (None: the folder's first names were reached).
    ListFilesBefore {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        before: Option<String>,
    },
    /// Usage scans: per-folder totals of a prefix (`usage.rs`).
    Usage(usage::UsageCommand),
    /// File actions: details, edit, open (`actions.rs`).
    Actions(actions::ActionCommand),
    /// The preview pane's reads: a version's first bytes, a folder's first names
    /// (`preview.rs`).
    Preview(preview::PreviewCommand),
}

impl Command {
    /// The request this command answers to.
    pub fn req(&self) -> RequestId {
        match self {
            Self::ListBuckets { req }
            | Self::ListFiles { req, .. }
            | Self::ListVersions { req, .. }
            | Self::ListFilesBefore { req, .. } => *req,
            Self::Keys(cmd) => cmd.req(),
            Self::Restore(c) => c.req(),
            Self::Settings(cmd) => cmd.req(),
            Self::Transfer(cmd) => cmd.req(),
            Self::Search(cmd) => cmd.req(),
            Self::Usage(cmd) => cmd.req(),
            Self::Actions(cmd) => cmd.req(),
            Self::Preview(cmd) => cmd.req(),
        }
    }
}

/// What the worker reports back.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    /// The account's buckets.
    BucketsListed {
        req: RequestId,
        buckets: Vec<Bucket>,
    },
    /// One page of a folder listing; `next` is `nextFileName` (None = end of folder).
    FilesListed {
        req: RequestId,
        entries: Vec<FileVersion>,
        next: Option<String>,
    },
    /// One page of a file's versions; `done` is false while more pages follow.
    VersionsListed {
        req: RequestId,
        versions: Vec<FileVersion>,
        done: bool,
    },
    /// A request failed after the client's own retries.
    RequestFailed { req: RequestId, error: Failure },
    /// Application-key results (`worker/keys.rs`).
    Keys(KeysEvent),
    /// Results of a `Command::Restore`.
    Restore(restore::RestoreEvent),
    /// A settings command's result (`settings.rs`).
    Settings(Box<settings::SettingsEvent>),
    /// Transfer jobs and their helpers (`transfer_cmds.rs`).
    Transfer(transfer_cmds::TransferNote),
    /// A batch of search progress and matches (`search.rs`).
    Search(search::SearchProgress),
    /// A usage scan's totals and its end (`usage.rs`).
    Usage(usage::UsageEvent),
    /// A file action's result (`actions.rs`).
    Actions(actions::ActionEvent),
    /// A preview read's result (`preview.rs`).
    Preview(preview::PreviewEvent),
}

impl WorkerEvent {
    /// Builds a `RequestFailed` from a client error.
    pub fn failed(req: RequestId, err: &B2Error) -> Self {
        Self::RequestFailed {
            req,
            error: Failure::from(err),
        }
    }
}

/// Runs the worker until `cmd_rx` closes: each command gets its own task, so a slow listing
/// never holds up another. Events for the app go to `evt_tx`.
pub fn spawn(
    client: B2Client,
    cmd_rx: mpsc::UnboundedReceiver<Command>,
    evt_tx: mpsc::UnboundedSender<WorkerEvent>,
) -> JoinHandle<()> {
    spawn_with(client, transfer::TransferOptions::default(), cmd_rx, evt_tx)
}

/// [`spawn`] with the transfer engine's limits and sizes given.
pub fn spawn_with(
    client: B2Client,
    options: transfer::TransferOptions,
    mut cmd_rx: mpsc::UnboundedReceiver<Command>,
    evt_tx: mpsc::UnboundedSender<WorkerEvent>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let (engine, events) = transfer::TransferEngine::new(client.clone(), options);
        let forward = tokio::spawn(transfer_cmds::forward(events, evt_tx.clone()));
        let searches = search::Searches::default();
        let scans = usage::Scans::default();
        let previews = preview::Previews::default();
        while let Some(cmd) = cmd_rx.recv().await {
            // In command order, here: a newer preview read replaces the one before.
            if let Command::Preview(cmd) = cmd {
                previews.execute(&client, cmd, &evt_tx);
                continue;
            }
            let client = client.clone();
            let engine = engine.clone();
            let tx = evt_tx.clone();
            let searches = searches.clone();
            let scans = scans.clone();
            tokio::spawn(async move {
                match cmd {
                    Command::Transfer(cmd) => {
                        transfer_cmds::execute(&engine, &client, cmd, &tx).await;
                    }
                    Command::Keys(cmd) => keys::execute(&client, cmd, &tx).await,
                    Command::Search(cmd) => search::execute(&client, &searches, cmd, &tx).await,
                    Command::Usage(cmd) => usage::execute(&client, &scans, cmd, &tx).await,
                    Command::Actions(cmd) => actions::execute(&client, cmd, &tx).await,
                    cmd => listing::execute(&client, cmd, &tx).await,
                }
            });
        }
        forward.abort();
    })
}
