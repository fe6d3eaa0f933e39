//! The files of a job of many files, found as the job runs: a download's entries with its
//! folders listed page by page (`b2_list_file_names`), an upload's folder walked on the
//! blocking pool (`walk.rs`). Files go into a bounded channel, so that listing stays a
//! little ahead of the transfers and never holds a whole tree in memory. A [`Cursor`] says
//! how far a job got, so that a resumed or retried job goes on from there.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use tokio::sync::mpsc;

use super::engine::Engine;
use super::group::{FileOutcome, Group, GroupItem, GroupSpec};
use super::jobs::{BucketRef, ConflictPolicy, JobSpec, RemoteFile, SkipReason};
use super::{paths, walk};
use crate::b2::paginate;
use crate::worker::Failure;

/// Files found ahead of the transfers, at most.
pub(super) const LOOKAHEAD: usize = 1_000;

/// How far the files of a job were taken: entries before `item` are done; in a folder
/// entry, names up to `after`; in an upload, the first `walked` files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Cursor {
    pub(super) item: usize,
    pub(super) after: Option<String>,
    pub(super) walked: u64,
    /// Every file was found and taken.
    pub(super) finished: bool,
}

/// What a remote name holds, for the "skip if same" check of an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Existing {
    pub(super) size: u64,
    pub(super) sha1: Option<String>,
}

/// One file to transfer, or one that cannot be, or the end of listing.
#[derive(Debug)]
pub(super) enum What {
    Work(JobSpec, Option<Existing>),
    Fail(Box<Refusal>),
    /// Listing or walking stopped on this failure; the cursor stays where it was, so that
    /// a retry lists again from there.
    Stopped(Box<Refusal>),
}

/// A file that cannot be transferred, or a listing that stopped: the failure the job
/// counts, and what its `GroupFileEnded` says, labelled as a job of that file would be.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) error: Failure,
    pub(super) outcome: FileOutcome,
    pub(super) source: String,
    pub(super) destination: String,
}

impl Refusal {
    pub(super) fn failed(error: Failure, source: String, destination: String) -> Box<Self> {
        Box::new(Self {
            outcome: FileOutcome::Failed(error.clone()),
            error,
            source,
            destination,
        })
    }

    /// A name refused: the job counts it as failed, its event says why it was skipped.
    pub(super) fn skipped(reason: SkipReason, source: String, destination: String) -> Box<Self> {
        Box::new(Self {
            error: Failure::Local(reason.to_string()),
            outcome: FileOutcome::Skipped(reason),
            source,
            destination,
        })
    }
}

/// A file found, with its name as the job's list shows it, its size when known, and the
/// cursor once it is taken.
#[derive(Debug)]
pub(super) struct Found {
    pub(super) name: String,
    pub(super) size: u64,
    pub(super) what: What,
    pub(super) pos: Cursor,
}

/// Sends every file of `spec` from `from` on into `tx`, counting what is ahead in `group`.
/// True when every file was found; false when the job stopped (the receiver is gone) or
/// listing failed (a `Stopped` was sent).
pub(super) async fn produce(
    engine: Arc<Engine>,
    spec: GroupSpec,
    from: Cursor,
    group: Arc<Group>,
    tx: mpsc::Sender<Found>,
) -> bool {
    if from.finished {
        return true;
    }
    let sender = Sender { group, tx };
    match spec {
        GroupSpec::Download {
            bucket,
            base,
            items,
            dir,
            conflict,
        } => {
            let plan = DownloadPlan {
                engine: &engine,
                bucket: &bucket,
                base: &base,
                dir: &dir,
                conflict,
            };
            plan.produce(&items, from, &sender).await
        }
        GroupSpec::Upload {
            dir,
            bucket,
            prefix,
            conflict,
        } => walk::produce_upload(&engine, dir, bucket, prefix, conflict, from, &sender).await,
    }
}

pub(super) struct Sender {
    pub(super) group: Arc<Group>,
    pub(super) tx: mpsc::Sender<Found>,
}

impl Sender {
    /// False once the job stopped.
    pub(super) async fn send(&self, found: Found) -> bool {
        self.group.add_ahead(found.size);
        self.tx.send(found).await.is_ok()
    }

    pub(super) fn blocking_send(&self, found: Found) -> bool {
        self.group.add_ahead(found.size);
        self.tx.blocking_send(found).is_ok()
    }
}

struct DownloadPlan<'a> {
    engine: &'a Engine,
    bucket: &'a BucketRef,
    base: &'a str,
    dir: &'a Path,
    conflict: ConflictPolicy,
}

impl DownloadPlan<'_> {
    fn spec(&self, file: RemoteFile, local: PathBuf) -> JobSpec {
        JobSpec::Download {
            bucket: self.bucket.clone(),
            file,
            local,
            conflict: self.conflict,
        }
    }

    /// True once every entry was listed; false when the job stopped or a listing failed
    /// (the failure was sent; a retry lists again from the cursor).
    async fn produce(&self, items: &[GroupItem], from: Cursor, out: &Sender) -> bool {
        for (i, item) in items.iter().enumerate().skip(from.item) {
            let name = item.name();
            let next = Cursor {
                item: i + 1,
                ..Cursor::default()
            };
            let relative = name.strip_prefix(self.base).unwrap_or(name);
            let relative = relative.trim_end_matches('/');
            // The folder shown itself goes into `dir`.
            let target = if relative.is_empty() && matches!(item, GroupItem::Folder(_)) {
                Ok(self.dir.to_path_buf())
            } else {
                paths::local_path_for(self.dir, relative)
            };
            let target = match target {
                Ok(t) => t,
                Err(why) => {
                    let refusal = Refusal::skipped(
                        SkipReason::UnsafeName(why),
                        format!("b2://{}/{name}", self.bucket.name),
                        self.dir.display().to_string(),
                    );
                    let found = Found {
                        name: name.to_owned(),
                        size: 0,
                        what: What::Fail(refusal),
                        pos: next,
                    };
                    if !out.send(found).await {
                        return false;
                    }
                    continue;
                }
            };
            let (file, size) = match item {
                GroupItem::File(v) => (RemoteFile::Version(v.clone()), v.content_length),
                GroupItem::Name(n) => (RemoteFile::Name(n.clone()), 0),
                GroupItem::Folder(prefix) => {
                    let after = if i == from.item {
                        from.after.clone()
                    } else {
                        None
                    };
                    if !self.folder(i, prefix, &target, after, out).await {
                        return false;
                    }
                    continue;
                }
            };
            let found = Found {
                name: name.to_owned(),
                size,
                what: What::Work(self.spec(file, target), None),
                pos: next,
            };
            if !out.send(found).await {
                return false;
            }
        }
        true
    }

    /// Every file under `prefix` (after the name `after`) into `target`.
    async fn folder(
        &self,
        item: usize,
        prefix: &str,
        target: &Path,
        after: Option<String>,
        out: &Sender,
    ) -> bool {
        let prefix = paths::as_folder_prefix(prefix);
        let req = crate::b2::ListFileNamesRequest {
            bucket_id: self.bucket.id.clone(),
            max_file_count: Some(crate::worker::listing::PAGE_SIZE),
            prefix: Some(prefix.clone()),
            start_file_name: after.clone(),
            ..Default::default()
        };
        let mut pages = std::pin::pin!(paginate::file_names(self.engine.client.clone(), req));
        loop {
            let page = match pages.try_next().await {
                Ok(Some(page)) => page,
                Ok(None) => return true,
                Err(e) => {
                    let folder = format!("b2://{}/{prefix}", self.bucket.name);
                    let error = Failure::from(&e).context(&format!("listing {folder}"));
                    let refusal = Refusal::failed(error, folder, target.display().to_string());
                    let found = Found {
                        name: prefix.clone(),
                        size: 0,
                        what: What::Stopped(refusal),
                        pos: Cursor::default(),
                    };
                    out.send(found).await;
                    return false;
                }
            };
            for version in page.items {
                if after
                    .as_deref()
                    .is_some_and(|a| version.file_name.as_str() <= a)
                {
                    continue;
                }
                let name = version.file_name.clone();
                let pos = Cursor {
                    item,
                    after: Some(name.clone()),
                    walked: 0,
                    finished: false,
                };
                let relative = &name[prefix.len()..];
                let found = match paths::local_path_for(target, relative) {
                    Ok(local) => Found {
                        size: version.content_length,
                        what: What::Work(
                            self.spec(RemoteFile::Version(Box::new(version)), local),
                            None,
                        ),
                        name,
                        pos,
                    },
                    Err(why) => Found {
                        what: What::Fail(Refusal::skipped(
                            SkipReason::UnsafeName(why),
                            format!("b2://{}/{name}", self.bucket.name),
                            target.display().to_string(),
                        )),
                        name,
                        size: 0,
                        pos,
                    },
                };
                if !out.send(found).await {
                    return false;
                }
            }
        }
    }
}
