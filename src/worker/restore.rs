//! Versions and restore in the background: the commands and events of folder listings that
//! show hidden files or a past moment, the recently-deleted scan, restore plans and bulk
//! jobs; listings live in `scan.rs`, bulk jobs (unhide, copy back, hide, delete) in `jobs.rs`.

mod jobs;
pub mod purge;
mod scan;

use tokio::sync::mpsc::UnboundedSender;

use super::history::{self, HiddenFile, NameAt};
use super::{Failure, RequestId, WorkerEvent};
use crate::b2::{B2Client, BucketId, CopyOptions, FileId, FileVersion};
use scan::{Scan, versions_under};

/// What a restore plan covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanScope {
    /// These file names.
    Names(Vec<String>),
    /// Every name under a prefix (subfolders included).
    Prefix(String),
}

/// One step of a bulk job.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Delete the newest hide marker of a name (fails with `not_hidden` if it is not hidden).
    Unhide { name: String },
    /// Unhide every hidden name under a prefix.
    UnhideFolder { prefix: String },
    /// Copy an old version back onto its name (server side), making it current.
    Copy { name: String, source: FileVersion },
    /// Hide a name (b2_hide_file).
    Hide { name: String },
    /// Delete one version or hide marker for good (b2_delete_file_version).
    Delete { name: String, id: FileId },
}

impl Op {
    /// The name the step is about (for failure reports).
    pub fn name(&self) -> &str {
        match self {
            Op::Unhide { name }
            | Op::Copy { name, .. }
            | Op::Hide { name }
            | Op::Delete { name, .. } => name,
            Op::UnhideFolder { prefix } => prefix,
        }
    }
}

/// A request for this module.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreCommand {
    /// One folder (delimiter `/`) from `b2_list_file_versions`: per name its newest entry
    /// (hidden files appear as their hide marker) when `at` is None, else the version it
    /// had at `at`. Emits `FolderListed` per page.
    ListFolder {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        at: Option<i64>,
        page_size: u32,
    },
    /// Every hidden name under `prefix`, paged; emits `HiddenListed` as found.
    ListHidden {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        page_size: u32,
    },
    /// Each name's state now and at `at`, the input of a restore plan; emits `PlanListed`.
    PlanRestore {
        req: RequestId,
        bucket: BucketId,
        scope: PlanScope,
        at: i64,
        page_size: u32,
    },
    /// Every visible file under each prefix (subfolders included) from
    /// `b2_list_file_names`, paged; emits `VisibleListed` per page.
    ListVisible {
        req: RequestId,
        bucket: BucketId,
        prefixes: Vec<String>,
        page_size: u32,
    },
    /// Runs the steps; emits `JobProgressed` (throttled) and one `JobFinished`.
    RunJob {
        job: RequestId,
        bucket: BucketId,
        ops: Vec<Op>,
        copy: CopyOptions,
    },
    /// Counts what emptying `prefix` (every version, hide marker and unfinished large
    /// file under it) would delete; emits `PurgeSurveyed` as pages arrive.
    SurveyPurge {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
    },
    /// Deletes all of it; emits `JobProgressed` (against `total`) and one `JobFinished`.
    Purge {
        job: RequestId,
        bucket: BucketId,
        prefix: String,
        total: usize,
    },
}

impl RestoreCommand {
    /// The request (or job) this command answers to.
    pub fn req(&self) -> RequestId {
        match self {
            Self::ListFolder { req, .. }
            | Self::ListHidden { req, .. }
            | Self::PlanRestore { req, .. }
            | Self::ListVisible { req, .. }
            | Self::SurveyPurge { req, .. } => *req,
            Self::RunJob { job, .. } | Self::Purge { job, .. } => *job,
        }
    }
}

/// A step that failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpFailure {
    pub name: String,
    pub error: Failure,
}

/// What this module reports.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreEvent {
    /// Rows of a folder listing; `done` once the folder is complete.
    FolderListed {
        req: RequestId,
        entries: Vec<FileVersion>,
        done: bool,
    },
    /// Hidden files found so far (in name order within the page).
    HiddenListed {
        req: RequestId,
        files: Vec<HiddenFile>,
        done: bool,
    },
    /// Names of a restore plan.
    PlanListed {
        req: RequestId,
        names: Vec<NameAt>,
        done: bool,
    },
    /// Visible file names found so far (what hiding a folder would hide).
    VisibleListed {
        req: RequestId,
        names: Vec<String>,
        done: bool,
    },
    JobProgressed {
        job: RequestId,
        done: usize,
        total: usize,
        failed: usize,
    },
    /// Every step ran; `failures` lists the ones that did not work.
    JobFinished {
        job: RequestId,
        succeeded: usize,
        failures: Vec<OpFailure>,
    },
    /// What a purge would delete, so far (`done` once counted).
    PurgeSurveyed {
        req: RequestId,
        survey: purge::PurgeSurvey,
        done: bool,
    },
}

/// Runs one command to completion, reporting through `tx`.
pub async fn execute(client: &B2Client, cmd: RestoreCommand, tx: &UnboundedSender<WorkerEvent>) {
    let send = |ev: RestoreEvent| tx.send(WorkerEvent::Restore(ev)).is_ok();
    let result = match cmd {
        RestoreCommand::ListFolder {
            req,
            bucket,
            prefix,
            at,
            page_size,
        } => {
            let listed = scan::list_folder(client, &bucket, &prefix, at, page_size, req, &send);
            (req, listed.await)
        }
        RestoreCommand::ListHidden {
            req,
            bucket,
            prefix,
            page_size,
        } => {
            let scan = Scan::new(client, versions_under(&bucket, &prefix, false, page_size));
            let listed = scan::each_page(scan, &send, |groups, done| {
                let files = groups.iter().filter_map(history::hidden_file).collect();
                RestoreEvent::HiddenListed { req, files, done }
            });
            (req, listed.await)
        }
        RestoreCommand::PlanRestore {
            req,
            bucket,
            scope,
            at,
            page_size,
        } => {
            let planned = match scope {
                PlanScope::Prefix(prefix) => {
                    scan::plan_prefix(client, &bucket, &prefix, at, page_size, req, &send).await
                }
                PlanScope::Names(names) => {
                    scan::plan_names(client, &bucket, names, at, page_size, req, &send).await
                }
            };
            (req, planned)
        }
        RestoreCommand::ListVisible {
            req,
            bucket,
            prefixes,
            page_size,
        } => {
            let listed = scan::list_visible(client, &bucket, &prefixes, page_size, req, &send);
            (req, listed.await)
        }
        RestoreCommand::RunJob {
            job,
            bucket,
            ops,
            copy,
        } => {
            jobs::run_job(client, job, &bucket, ops, copy, &send).await;
            return;
        }
        RestoreCommand::SurveyPurge {
            req,
            bucket,
            prefix,
        } => (
            req,
            purge::survey(client, req, &bucket, &prefix, &send).await,
        ),
        RestoreCommand::Purge {
            job,
            bucket,
            prefix,
            total,
        } => {
            purge::run(client, job, &bucket, &prefix, total, &send).await;
            return;
        }
    };
    if let (req, Err(e)) = result {
        let _ = tx.send(WorkerEvent::failed(req, &e));
    }
}
