//! Versions and restore in the background: folder listings that show hidden files or a
//! past moment, the recently-deleted scan, restore plans, and bulk jobs (unhide, copy an old
//! version back, hide, delete versions) that report progress and keep going past failures.

use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::history::{self, HiddenFile, NameAt, NameGroup, VersionGrouper};
use super::{RequestId, WorkerEvent};
use crate::b2::{
    B2Client, B2Error, BucketId, CopyOptions, FileAction, FileId, FileVersion,
    ListFileNamesRequest, ListFileVersionsRequest,
};

/// At most this many B2 calls of one job at a time.
const JOB_CONCURRENCY: usize = 4;
/// Progress events of one job are at least this far apart.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

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
}

impl RestoreCommand {
    /// The request (or job) this command answers to.
    pub fn req(&self) -> RequestId {
        match self {
            Self::ListFolder { req, .. }
            | Self::ListHidden { req, .. }
            | Self::PlanRestore { req, .. }
            | Self::ListVisible { req, .. } => *req,
            Self::RunJob { job, .. } => *job,
        }
    }
}

/// A step that failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpFailure {
    pub name: String,
    /// B2's error code, when B2 answered (`unauthorized`, `not_hidden`…).
    pub code: Option<String>,
    pub message: String,
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
}

/// Pages through `b2_list_file_versions`, handing out the name groups each page completes.
struct Scan {
    client: B2Client,
    req: Option<ListFileVersionsRequest>,
    grouper: VersionGrouper,
}

impl Scan {
    fn new(client: &B2Client, req: ListFileVersionsRequest) -> Self {
        Self {
            client: client.clone(),
            req: Some(req),
            grouper: VersionGrouper::default(),
        }
    }

    /// The groups completed by the next page and whether the scan is over; None after it.
    async fn next(&mut self) -> Result<Option<(Vec<NameGroup>, bool)>, B2Error> {
        let Some(req) = self.req.take() else {
            return Ok(None);
        };
        let page = self.client.list_file_versions(&req).await?;
        let mut groups = self.grouper.push(page.files);
        let done = page.next_file_name.is_none();
        if done {
            groups.extend(self.grouper.finish());
        } else {
            self.req = Some(ListFileVersionsRequest {
                start_file_name: page.next_file_name,
                start_file_id: page.next_file_id,
                ..req
            });
        }
        Ok(Some((groups, done)))
    }
}

fn versions_under(
    bucket: &BucketId,
    prefix: &str,
    delimiter: bool,
    page: u32,
) -> ListFileVersionsRequest {
    ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: (!prefix.is_empty()).then(|| prefix.to_owned()),
        start_file_id: None,
        max_file_count: Some(page),
        prefix: Some(prefix.to_owned()),
        delimiter: delimiter.then(|| "/".to_owned()),
    }
}

/// Runs one command to completion, reporting through `tx`.
pub async fn execute(client: &B2Client, cmd: RestoreCommand, tx: &UnboundedSender<WorkerEvent>) {
    let send = |ev: RestoreEvent| tx.send(WorkerEvent::Restore(ev)).is_ok();
    let fail = |req: RequestId, e: &B2Error| {
        let _ = tx.send(WorkerEvent::failed(req, e));
    };
    match cmd {
        RestoreCommand::ListFolder {
            req,
            bucket,
            prefix,
            at,
            page_size,
        } => {
            let mut scan = Scan::new(client, versions_under(&bucket, &prefix, true, page_size));
            loop {
                match scan.next().await {
                    Ok(Some((groups, done))) => {
                        let entries = groups
                            .iter()
                            .filter(|g| g.name != prefix)
                            .filter_map(|g| history::entry_for(g, at))
                            .collect();
                        if !send(RestoreEvent::FolderListed { req, entries, done }) || done {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => return fail(req, &e),
                }
            }
        }
        RestoreCommand::ListHidden {
            req,
            bucket,
            prefix,
            page_size,
        } => {
            let mut scan = Scan::new(client, versions_under(&bucket, &prefix, false, page_size));
            loop {
                match scan.next().await {
                    Ok(Some((groups, done))) => {
                        let files = groups.iter().filter_map(history::hidden_file).collect();
                        if !send(RestoreEvent::HiddenListed { req, files, done }) || done {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => return fail(req, &e),
                }
            }
        }
        RestoreCommand::PlanRestore {
            req,
            bucket,
            scope,
            at,
            page_size,
        } => {
            let result = match scope {
                PlanScope::Prefix(prefix) => {
                    plan_prefix(client, &bucket, &prefix, at, page_size, req, &send).await
                }
                PlanScope::Names(names) => {
                    plan_names(client, &bucket, names, at, page_size, req, &send).await
                }
            };
            if let Err(e) = result {
                fail(req, &e);
            }
        }
        RestoreCommand::ListVisible {
            req,
            bucket,
            prefixes,
            page_size,
        } => {
            if let Err(e) = list_visible(client, &bucket, &prefixes, page_size, req, &send).await {
                fail(req, &e);
            }
        }
        RestoreCommand::RunJob {
            job,
            bucket,
            ops,
            copy,
        } => run_job(client, job, &bucket, ops, copy, &send).await,
    }
}

/// Pages through `b2_list_file_names` under each prefix, reporting the names found.
async fn list_visible(
    client: &B2Client,
    bucket: &BucketId,
    prefixes: &[String],
    page_size: u32,
    req: RequestId,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    if prefixes.is_empty() {
        send(RestoreEvent::VisibleListed {
            req,
            names: Vec::new(),
            done: true,
        });
    }
    for (i, prefix) in prefixes.iter().enumerate() {
        let mut start = (!prefix.is_empty()).then(|| prefix.clone());
        loop {
            let page = client
                .list_file_names(&ListFileNamesRequest {
                    bucket_id: bucket.clone(),
                    start_file_name: start.take(),
                    max_file_count: Some(page_size),
                    prefix: Some(prefix.clone()),
                    delimiter: None,
                })
                .await?;
            let last_page = page.next_file_name.is_none();
            let names = page
                .files
                .into_iter()
                .filter(|f| f.action != FileAction::Folder)
                .map(|f| f.file_name)
                .collect();
            let done = last_page && i + 1 == prefixes.len();
            if !send(RestoreEvent::VisibleListed { req, names, done }) {
                return Ok(());
            }
            if last_page {
                break;
            }
            start = page.next_file_name;
        }
    }
    Ok(())
}

async fn plan_prefix(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
    at: i64,
    page_size: u32,
    req: RequestId,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    let mut scan = Scan::new(client, versions_under(bucket, prefix, false, page_size));
    while let Some((groups, done)) = scan.next().await? {
        let names = groups.iter().map(|g| history::name_at(g, at)).collect();
        if !send(RestoreEvent::PlanListed { req, names, done }) {
            break;
        }
    }
    Ok(())
}

async fn plan_names(
    client: &B2Client,
    bucket: &BucketId,
    names: Vec<String>,
    at: i64,
    page_size: u32,
    req: RequestId,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    let total = names.len();
    for (i, name) in names.into_iter().enumerate() {
        let group = name_history(client, bucket, &name, page_size).await?;
        let done = i + 1 == total;
        let names = vec![history::name_at(&group, at)];
        if !send(RestoreEvent::PlanListed { req, names, done }) {
            break;
        }
    }
    if total == 0 {
        send(RestoreEvent::PlanListed {
            req,
            names: Vec::new(),
            done: true,
        });
    }
    Ok(())
}

/// Every version of one name (`startFileName = prefix = name`; longer names that share
/// the prefix are skipped).
async fn name_history(
    client: &B2Client,
    bucket: &BucketId,
    name: &str,
    page_size: u32,
) -> Result<NameGroup, B2Error> {
    let mut scan = Scan::new(client, versions_under(bucket, name, false, page_size));
    let mut versions = Vec::new();
    while let Some((groups, _)) = scan.next().await? {
        let mut past = false;
        for g in groups {
            if g.name == name {
                versions.extend(g.versions);
            } else if g.name.as_str() > name {
                past = true;
            }
        }
        if past {
            break;
        }
    }
    Ok(NameGroup {
        name: name.to_owned(),
        versions,
    })
}

async fn run_job(
    client: &B2Client,
    job: RequestId,
    bucket: &BucketId,
    ops: Vec<Op>,
    copy: CopyOptions,
    send: &impl Fn(RestoreEvent) -> bool,
) {
    let mut failures = Vec::new();
    let mut steps = Vec::new();
    for op in ops {
        match op {
            Op::UnhideFolder { prefix } => match hidden_under(client, bucket, &prefix).await {
                Ok(found) => steps.extend(found.into_iter().map(|h| Op::Delete {
                    name: h.name,
                    id: h.marker,
                })),
                Err(e) => failures.push(failure(&prefix, &e)),
            },
            other => steps.push(other),
        }
    }
    let total = steps.len() + failures.len();
    let mut succeeded = 0;
    let mut last = Instant::now();
    send(RestoreEvent::JobProgressed {
        job,
        done: 0,
        total,
        failed: failures.len(),
    });
    let mut results = futures::stream::iter(steps)
        .map(|op| async move {
            let r = run_op(client, bucket, &op, copy).await;
            (op, r)
        })
        .buffer_unordered(JOB_CONCURRENCY);
    while let Some((op, r)) = results.next().await {
        match r {
            Ok(()) => succeeded += 1,
            Err(f) => failures.push(OpFailure {
                name: op.name().to_owned(),
                ..f
            }),
        }
        if last.elapsed() >= PROGRESS_EVERY {
            last = Instant::now();
            send(RestoreEvent::JobProgressed {
                job,
                done: succeeded + failures.len(),
                total,
                failed: failures.len(),
            });
        }
    }
    send(RestoreEvent::JobFinished {
        job,
        succeeded,
        failures,
    });
}

fn failure(name: &str, e: &B2Error) -> OpFailure {
    let message = match e {
        B2Error::Api { message, .. } if !message.is_empty() => message.clone(),
        other => other.to_string(),
    };
    OpFailure {
        name: name.to_owned(),
        code: e.code().map(str::to_owned),
        message,
    }
}

async fn hidden_under(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
) -> Result<Vec<HiddenFile>, B2Error> {
    let mut scan = Scan::new(
        client,
        versions_under(bucket, prefix, false, super::listing::PAGE_SIZE),
    );
    let mut found = Vec::new();
    while let Some((groups, _)) = scan.next().await? {
        found.extend(groups.iter().filter_map(history::hidden_file));
    }
    Ok(found)
}

async fn run_op(
    client: &B2Client,
    bucket: &BucketId,
    op: &Op,
    copy: CopyOptions,
) -> Result<(), OpFailure> {
    let name = op.name();
    let r = match op {
        Op::Unhide { name } => unhide(client, bucket, name).await,
        Op::Copy { name, source } => client.copy_version(source, name, copy).await.map(drop),
        Op::Hide { name } => client.hide_file(bucket, name).await.map(drop),
        Op::Delete { name, id } => client.delete_file_version(name, id).await.map(drop),
        Op::UnhideFolder { .. } => Ok(()),
    };
    r.map_err(|e| failure(name, &e))
}

/// Unhides a name the way b2sdk does: the newest entry must be a hide marker, which is
/// then deleted (there is no b2_unhide_file).
async fn unhide(client: &B2Client, bucket: &BucketId, name: &str) -> Result<(), B2Error> {
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: Some(name.to_owned()),
        start_file_id: None,
        max_file_count: Some(1),
        prefix: Some(name.to_owned()),
        delimiter: None,
    };
    let page = client.list_file_versions(&req).await?;
    match page.files.into_iter().next() {
        Some(v) if v.file_name == name && v.action == FileAction::Hide => {
            let id = v
                .file_id
                .ok_or_else(|| B2Error::Decode("hide marker without fileId".into()))?;
            client.delete_file_version(name, &id).await.map(drop)
        }
        _ => Err(B2Error::Api {
            status: 400,
            code: "not_hidden".to_owned(),
            message: format!("{name} is not hidden"),
            retry_after: None,
        }),
    }
}
