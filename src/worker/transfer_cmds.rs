//! The TUI's transfer commands: queue uploads and downloads on the engine, steer its jobs,
//! list a local folder (for path completion) and the bucket's unfinished large files.
//! Engine events are forwarded as they come; nothing here touches `App`.

use std::path::{Path, PathBuf};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::transfer::{
    BucketRef, CancelMode, ConflictPolicy, GroupItem, JobId, RemoteFile, TransferEngine,
    TransferEvent, local_path_for,
};
use super::{Failure, RequestId, WorkerEvent};
use crate::b2::{B2Client, FileId, FileVersion};

/// One remote entry to download.
#[derive(Clone, Debug, PartialEq)]
pub enum DownloadItem {
    /// A file as listed (its version is fetched, even in the past or a hidden one).
    File(Box<FileVersion>),
    /// The newest version of a name.
    Name(String),
    /// Everything under a folder prefix (ends with `/`).
    Folder(String),
}

/// A transfer request from the app.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferCommand {
    /// Upload a local file or folder into `prefix` (under its own base name).
    Upload {
        req: RequestId,
        local: PathBuf,
        bucket: BucketRef,
        prefix: String,
    },
    /// Upload one local file as exactly `file_name` (resumes a matching unfinished file).
    UploadAs {
        req: RequestId,
        local: PathBuf,
        bucket: BucketRef,
        file_name: String,
    },
    /// Download entries into `dir`, at their names relative to `base` (the folder shown).
    Download {
        req: RequestId,
        bucket: BucketRef,
        base: String,
        items: Vec<DownloadItem>,
        dir: PathBuf,
        conflict: ConflictPolicy,
    },
    Cancel {
        id: JobId,
        mode: CancelMode,
    },
    Pause {
        id: JobId,
    },
    Resume {
        id: JobId,
    },
    Retry {
        id: JobId,
    },
    ClearFinished,
    /// Read one local folder's entries (for completion).
    ListLocal {
        req: RequestId,
        dir: PathBuf,
    },
    /// `b2_list_unfinished_large_files`, every page.
    ListUnfinished {
        req: RequestId,
        bucket: BucketRef,
    },
    /// `b2_cancel_large_file`.
    CancelUnfinished {
        req: RequestId,
        file_id: FileId,
    },
    /// Before a download: which of its local targets already exist (a file, or a folder
    /// with something in it), so that the existing-files question is asked only then.
    CheckExisting {
        req: RequestId,
        base: String,
        names: Vec<String>,
        dir: PathBuf,
    },
    /// Cancel every job not yet finished.
    CancelAll {
        mode: CancelMode,
    },
    /// Pause every queued or running job.
    PauseAll,
    /// Resume every paused job.
    ResumeAll,
    /// Retry every failed job (a job of many files: only its failed files).
    RetryAll,
    /// Upload a local folder into `prefix` (under its own base name) as one job, asking
    /// nothing: `conflict` says what to do with remote names that exist (`SkipSame`, or
    /// anything else for a new version of each).
    UploadFolder {
        req: RequestId,
        local: PathBuf,
        bucket: BucketRef,
        prefix: String,
        conflict: ConflictPolicy,
    },
}

impl TransferCommand {
    /// The request this command answers to (job steering has none).
    pub fn req(&self) -> RequestId {
        match self {
            Self::Upload { req, .. }
            | Self::UploadAs { req, .. }
            | Self::Download { req, .. }
            | Self::ListLocal { req, .. }
            | Self::ListUnfinished { req, .. }
            | Self::CancelUnfinished { req, .. }
            | Self::CheckExisting { req, .. }
            | Self::UploadFolder { req, .. } => *req,
            Self::Cancel { .. }
            | Self::Pause { .. }
            | Self::Resume { .. }
            | Self::Retry { .. }
            | Self::ClearFinished
            | Self::CancelAll { .. }
            | Self::PauseAll
            | Self::ResumeAll
            | Self::RetryAll => RequestId::default(),
        }
    }
}

/// An entry of a local folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalEntry {
    pub name: String,
    pub is_dir: bool,
}

/// What the transfer side reports.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferNote {
    /// An engine event, as it came.
    Engine(TransferEvent),
    /// A command could not queue anything (no such local path, listing failed…).
    NotStarted {
        req: RequestId,
        error: Failure,
    },
    /// The jobs a command queued, and the items it could not queue (each with its name).
    Queued {
        req: RequestId,
        jobs: usize,
        problems: Vec<Failure>,
    },
    LocalListed {
        req: RequestId,
        dir: PathBuf,
        entries: Vec<LocalEntry>,
    },
    UnfinishedListed {
        req: RequestId,
        files: Vec<FileVersion>,
    },
    UnfinishedCancelled {
        req: RequestId,
        file_id: FileId,
    },
    /// The local targets of a planned download that exist: how many, and the first few.
    Existing {
        req: RequestId,
        count: usize,
        examples: Vec<PathBuf>,
    },
    /// A folder upload found names under its destination already: nothing started; the
    /// app asks, then sends `UploadFolder` with the answer.
    UploadExists {
        req: RequestId,
        local: PathBuf,
        bucket: BucketRef,
        prefix: String,
        /// One of the names there.
        example: String,
    },
}

fn note(tx: &UnboundedSender<WorkerEvent>, n: TransferNote) {
    let _ = tx.send(WorkerEvent::Transfer(n));
}

/// Forwards every engine event to the app until either side closes.
pub async fn forward(
    mut events: UnboundedReceiver<TransferEvent>,
    tx: UnboundedSender<WorkerEvent>,
) {
    while let Some(ev) = events.recv().await {
        if tx
            .send(WorkerEvent::Transfer(TransferNote::Engine(ev)))
            .is_err()
        {
            return;
        }
    }
}

/// Runs one transfer command.
pub async fn execute(
    engine: &TransferEngine,
    client: &B2Client,
    cmd: TransferCommand,
    tx: &UnboundedSender<WorkerEvent>,
) {
    match cmd {
        TransferCommand::Upload {
            req,
            local,
            bucket,
            prefix,
        } => match upload(engine, client, local.clone(), bucket.clone(), &prefix).await {
            Ok(Uploaded::Queued(jobs)) => note(tx, queued(req, jobs)),
            Ok(Uploaded::Exists(example)) => note(
                tx,
                TransferNote::UploadExists {
                    req,
                    local,
                    bucket,
                    prefix,
                    example,
                },
            ),
            Err(error) => note(tx, TransferNote::NotStarted { req, error }),
        },
        TransferCommand::UploadFolder {
            req,
            local,
            bucket,
            prefix,
            conflict,
        } => match base_name(&local) {
            Ok(base) => {
                engine.upload_group(local, bucket, format!("{prefix}{base}/"), conflict);
                note(tx, queued(req, 1));
            }
            Err(why) => note(
                tx,
                TransferNote::NotStarted {
                    req,
                    error: Failure::Local(why),
                },
            ),
        },
        TransferCommand::UploadAs {
            req,
            local,
            bucket,
            file_name,
        } => match tokio::fs::metadata(&local).await {
            Ok(m) if m.is_file() => {
                engine.upload_file(local, bucket, file_name);
                note(tx, queued(req, 1));
            }
            Ok(_) => {
                let error = Failure::Local(format!("{} is not a file", local.display()));
                note(tx, TransferNote::NotStarted { req, error });
            }
            Err(e) => {
                let error = Failure::Local(format!("{}: {e}", local.display()));
                note(tx, TransferNote::NotStarted { req, error });
            }
        },
        TransferCommand::Download {
            req,
            bucket,
            base,
            items,
            dir,
            conflict,
        } => match download(engine, bucket, &base, items, &dir, conflict).await {
            Ok((jobs, problems)) => note(
                tx,
                TransferNote::Queued {
                    req,
                    jobs,
                    problems,
                },
            ),
            Err(error) => note(tx, TransferNote::NotStarted { req, error }),
        },
        TransferCommand::Cancel { id, mode } => engine.cancel(id, mode),
        TransferCommand::Pause { id } => engine.pause(id),
        TransferCommand::Resume { id } => {
            engine.resume(id);
        }
        TransferCommand::Retry { id } => {
            engine.retry(id);
        }
        TransferCommand::ClearFinished => engine.clear_finished(),
        TransferCommand::CancelAll { mode } => engine.cancel_all(mode),
        TransferCommand::PauseAll => engine.pause_all(),
        TransferCommand::ResumeAll => engine.resume_all(),
        TransferCommand::RetryAll => engine.retry_all(),
        TransferCommand::ListLocal { req, dir } => match list_local(&dir).await {
            Ok(entries) => note(tx, TransferNote::LocalListed { req, dir, entries }),
            Err(e) => {
                let error = Failure::Local(format!("{}: {e}", dir.display()));
                note(tx, TransferNote::NotStarted { req, error });
            }
        },
        TransferCommand::ListUnfinished { req, bucket } => {
            match list_unfinished(client, &bucket).await {
                Ok(files) => note(tx, TransferNote::UnfinishedListed { req, files }),
                Err(e) => {
                    let _ = tx.send(WorkerEvent::failed(req, &e));
                }
            }
        }
        TransferCommand::CheckExisting {
            req,
            base,
            names,
            dir,
        } => {
            let (count, examples) = existing_targets(&base, &names, &dir).await;
            note(
                tx,
                TransferNote::Existing {
                    req,
                    count,
                    examples,
                },
            );
        }
        TransferCommand::CancelUnfinished { req, file_id } => {
            match client.cancel_large_file(&file_id).await {
                Ok(_) => note(tx, TransferNote::UnfinishedCancelled { req, file_id }),
                Err(e) => {
                    let _ = tx.send(WorkerEvent::failed(req, &e));
                }
            }
        }
    }
}

/// Everything a command asked for was queued.
fn queued(req: RequestId, jobs: usize) -> TransferNote {
    TransferNote::Queued {
        req,
        jobs,
        problems: Vec::new(),
    }
}

/// What an upload command did.
enum Uploaded {
    Queued(usize),
    /// A folder whose destination holds names already (one of them): the app asks first.
    Exists(String),
}

async fn upload(
    engine: &TransferEngine,
    client: &B2Client,
    local: PathBuf,
    bucket: BucketRef,
    prefix: &str,
) -> Result<Uploaded, Failure> {
    let meta = tokio::fs::metadata(&local)
        .await
        .map_err(|e| Failure::Local(format!("{}: {e}", local.display())))?;
    let base = base_name(&local).map_err(Failure::Local)?;
    if !meta.is_dir() {
        engine.upload_file(local, bucket, format!("{prefix}{base}"));
        return Ok(Uploaded::Queued(1));
    }
    let folder = format!("{prefix}{base}/");
    // One job for the whole folder, walked as it runs. When its destination holds names
    // already, the user chooses first (unless the configuration chose "skip if same").
    let conflict = if engine.skips_same_uploads() {
        ConflictPolicy::SkipSame
    } else {
        if let Some(example) = first_name_under(client, &bucket, &folder).await? {
            return Ok(Uploaded::Exists(example));
        }
        ConflictPolicy::Overwrite
    };
    engine.upload_group(local, bucket, folder, conflict);
    Ok(Uploaded::Queued(1))
}

/// The first name under `prefix`, if any (`b2_list_file_names`, one name).
async fn first_name_under(
    client: &B2Client,
    bucket: &BucketRef,
    prefix: &str,
) -> Result<Option<String>, Failure> {
    let req = crate::b2::ListFileNamesRequest {
        bucket_id: bucket.id.clone(),
        max_file_count: Some(1),
        prefix: Some(prefix.to_owned()),
        ..Default::default()
    };
    let page = client
        .list_file_names(&req)
        .await
        .map_err(|e| Failure::from(&e))?;
    Ok(page.files.into_iter().next().map(|f| f.file_name))
}

/// The last component of a local path, as a B2 name segment.
fn base_name(local: &Path) -> Result<String, String> {
    local
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: not a UTF-8 file name", local.display()))
}

async fn download(
    engine: &TransferEngine,
    bucket: BucketRef,
    base: &str,
    items: Vec<DownloadItem>,
    dir: &Path,
    conflict: ConflictPolicy,
) -> Result<(usize, Vec<Failure>), Failure> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| Failure::Local(format!("{}: {e}", dir.display())))?;
    // One file: a job of its own. A folder or several entries: ONE job for them all.
    if let [single] = items.as_slice()
        && !matches!(single, DownloadItem::Folder(_))
    {
        let name = match single {
            DownloadItem::File(v) => v.file_name.clone(),
            DownloadItem::Name(n) | DownloadItem::Folder(n) => n.clone(),
        };
        let relative = name.strip_prefix(base).unwrap_or(&name);
        let target = local_path_for(dir, relative)
            .map_err(|why| Failure::Local(format!("{name}: {why}")))?;
        let file = match items.into_iter().next() {
            Some(DownloadItem::File(v)) => RemoteFile::Version(v),
            _ => RemoteFile::Name(name),
        };
        engine.download_file(bucket, file, target, conflict);
        return Ok((1, Vec::new()));
    }
    if items.is_empty() {
        return Ok((0, Vec::new()));
    }
    let items = items
        .into_iter()
        .map(|item| match item {
            DownloadItem::File(v) => GroupItem::File(v),
            DownloadItem::Name(n) => GroupItem::Name(n),
            DownloadItem::Folder(f) => GroupItem::Folder(f),
        })
        .collect();
    engine.download_group(bucket, base.to_owned(), items, dir.to_path_buf(), conflict);
    Ok((1, Vec::new()))
}

/// How many of the local targets of `names` (relative to `base`, under `dir`) exist: a
/// file, or a folder holding anything (what a folder download could meet); the first three.
async fn existing_targets(base: &str, names: &[String], dir: &Path) -> (usize, Vec<PathBuf>) {
    let mut count = 0;
    let mut examples = Vec::new();
    for name in names {
        let relative = name.strip_prefix(base).unwrap_or(name);
        let Ok(target) = local_path_for(dir, relative.trim_end_matches('/')) else {
            continue;
        };
        let exists = if name.ends_with('/') {
            match tokio::fs::read_dir(&target).await {
                Ok(mut rd) => rd.next_entry().await.ok().flatten().is_some(),
                Err(_) => false,
            }
        } else {
            tokio::fs::symlink_metadata(&target).await.is_ok()
        };
        if exists {
            count += 1;
            if examples.len() < 3 {
                examples.push(target);
            }
        }
    }
    (count, examples)
}

/// Entries of one local folder, sorted by name (unreadable entries are left out).
async fn list_local(dir: &Path) -> std::io::Result<Vec<LocalEntry>> {
    let mut rd = tokio::fs::read_dir(dir).await?;
    let mut out = Vec::new();
    while let Some(entry) = rd.next_entry().await? {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        // Follows symlinks, so a link to a folder completes like a folder.
        let is_dir = tokio::fs::metadata(entry.path())
            .await
            .is_ok_and(|m| m.is_dir());
        out.push(LocalEntry { name, is_dir });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

async fn list_unfinished(
    client: &B2Client,
    bucket: &BucketRef,
) -> Result<Vec<FileVersion>, crate::b2::B2Error> {
    use futures::TryStreamExt;
    crate::b2::paginate::unfinished_large_files(client.clone(), bucket.id.clone(), None)
        .map_ok(|page| page.items)
        .try_concat()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn existing_targets_are_files_and_folders_with_something_in_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::write(root.join("report.txt"), b"x").expect("file");
        std::fs::create_dir_all(root.join("empty")).expect("folder");
        std::fs::create_dir_all(root.join("alps")).expect("folder");
        std::fs::write(root.join("alps/a.jpg"), b"x").expect("file");
        let names: Vec<String> = [
            "docs/report.txt",
            "docs/new.txt",
            "docs/empty/",
            "docs/alps/",
            "docs/missing/",
        ]
        .map(str::to_owned)
        .into();
        let (count, examples) = existing_targets("docs/", &names, root).await;
        assert_eq!(count, 2);
        assert_eq!(examples, [root.join("report.txt"), root.join("alps")]);
        // A name that would escape the folder is never looked at.
        let (count, _) = existing_targets("", &["../etc/passwd".to_owned()], root).await;
        assert_eq!(count, 0);
    }
}
