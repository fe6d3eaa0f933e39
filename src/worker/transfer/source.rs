//! The files of a job of many files, found as the job runs: a download's entries with its
//! folders listed page by page (`b2_list_file_names`), an upload's folder walked on the
//! blocking pool. Files go into a bounded channel, so that listing stays a little ahead of
//! the transfers and never holds a whole tree in memory. A [`Cursor`] says how far a job
//! got, so that a resumed or retried job goes on from there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use tokio::sync::mpsc;

use super::engine::Engine;
use super::group::{Group, GroupItem, GroupSpec};
use super::jobs::{BucketRef, ConflictPolicy, JobSpec, RemoteFile};
use super::paths;
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
    Fail(Failure),
    /// Listing or walking stopped on this failure; the cursor stays where it was, so that
    /// a retry lists again from there.
    Stopped(Failure),
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
        } => produce_upload(&engine, dir, bucket, prefix, conflict, from, &sender).await,
    }
}

struct Sender {
    group: Arc<Group>,
    tx: mpsc::Sender<Found>,
}

impl Sender {
    /// False once the job stopped.
    async fn send(&self, found: Found) -> bool {
        self.group.add_ahead(found.size);
        self.tx.send(found).await.is_ok()
    }

    fn blocking_send(&self, found: Found) -> bool {
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
                    let error = Failure::Local(format!("unsafe name: {why}"));
                    let found = Found {
                        name: name.to_owned(),
                        size: 0,
                        what: What::Fail(error),
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
                    let error = Failure::from(&e)
                        .context(&format!("listing b2://{}/{prefix}", self.bucket.name));
                    let found = Found {
                        name: prefix.clone(),
                        size: 0,
                        what: What::Stopped(error),
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
                        name,
                        size: 0,
                        what: What::Fail(Failure::Local(format!("unsafe name: {why}"))),
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

/// Walks `dir` in name order (symlinked files followed, symlinked folders not), skipping
/// the first `from.walked` entries. With "skip if same", the remote names under the prefix
/// are listed first, so that each file can be compared.
async fn produce_upload(
    engine: &Engine,
    dir: PathBuf,
    bucket: BucketRef,
    prefix: String,
    conflict: ConflictPolicy,
    from: Cursor,
    out: &Sender,
) -> bool {
    let prefix = paths::as_folder_prefix(&prefix);
    let remote = if matches!(conflict, ConflictPolicy::SkipSame | ConflictPolicy::Skip) {
        match remote_sums(engine, &bucket, &prefix).await {
            Ok(map) => map,
            Err(error) => {
                let found = Found {
                    name: format!("b2://{}/{prefix}", bucket.name),
                    size: 0,
                    what: What::Stopped(error),
                    pos: from,
                };
                out.send(found).await;
                return false;
            }
        }
    } else {
        HashMap::new()
    };
    let (tx, group) = (out.tx.clone(), Arc::clone(&out.group));
    let walk = tokio::task::spawn_blocking(move || {
        let out = Sender { group, tx };
        walk(&dir, &bucket, &prefix, &remote, from.walked, &out)
    });
    walk.await.unwrap_or(false)
}

fn walk(
    root: &Path,
    bucket: &BucketRef,
    prefix: &str,
    remote: &HashMap<String, Existing>,
    skip: u64,
    out: &Sender,
) -> bool {
    let mut walked = 0u64;
    for entry in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let (path, what, size) = match entry {
            Ok(e) if e.file_type().is_dir() => continue,
            Ok(e) => {
                let path = e.into_path();
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_file() => {
                        let relative = path.strip_prefix(root).unwrap_or(&path);
                        match paths::remote_name_for(prefix, relative) {
                            Ok(name) => {
                                let existing = remote.get(&name).cloned();
                                let spec = JobSpec::Upload {
                                    local: path.clone(),
                                    bucket: bucket.clone(),
                                    file_name: name,
                                };
                                (path, What::Work(spec, existing), m.len())
                            }
                            Err(why) => (path, What::Fail(Failure::Local(why)), 0),
                        }
                    }
                    // Sockets, devices: not files to upload.
                    Ok(_) => continue,
                    Err(e) => (path, What::Fail(Failure::Local(e.to_string())), 0),
                }
            }
            Err(e) if e.depth() == 0 => {
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                let found = Found {
                    name: root.display().to_string(),
                    size: 0,
                    what: What::Stopped(Failure::Local(format!("{}: {why}", root.display()))),
                    pos: Cursor::default(),
                };
                out.blocking_send(found);
                return false;
            }
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                (path, What::Fail(Failure::Local(why)), 0)
            }
        };
        walked += 1;
        if walked <= skip {
            continue;
        }
        let found = Found {
            name: path.display().to_string(),
            size,
            what,
            pos: Cursor {
                walked,
                ..Cursor::default()
            },
        };
        if !out.blocking_send(found) {
            return false;
        }
    }
    true
}

/// Size and SHA-1 of every file under `prefix` (newest versions), by name.
async fn remote_sums(
    engine: &Engine,
    bucket: &BucketRef,
    prefix: &str,
) -> Result<HashMap<String, Existing>, Failure> {
    let req = crate::b2::ListFileNamesRequest {
        bucket_id: bucket.id.clone(),
        max_file_count: Some(crate::worker::listing::PAGE_SIZE),
        prefix: Some(prefix.to_owned()),
        ..Default::default()
    };
    let mut pages = std::pin::pin!(paginate::file_names(engine.client.clone(), req));
    let mut map = HashMap::new();
    loop {
        match pages.try_next().await {
            Ok(Some(page)) => {
                for v in page.items {
                    let sha1 = v.expected_sha1().map(str::to_ascii_lowercase);
                    let existing = Existing {
                        size: v.content_length,
                        sha1,
                    };
                    map.insert(v.file_name, existing);
                }
            }
            Ok(None) => return Ok(map),
            Err(e) => {
                return Err(
                    Failure::from(&e).context(&format!("listing b2://{}/{prefix}", bucket.name))
                );
            }
        }
    }
}
