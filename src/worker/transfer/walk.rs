//! The files of an upload of many files: the local folder walked in name order on the
//! blocking pool, each file sent as it is found; with "skip if same", the remote names
//! under the prefix listed first so that each file can be compared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;

use super::engine::Engine;
use super::jobs::{BucketRef, ConflictPolicy, JobSpec, SkipReason};
use super::paths;
use super::source::{Cursor, Existing, Found, Refusal, Sender, What};
use crate::b2::paginate;
use crate::worker::Failure;

/// Walks `dir` in name order (symlinked files followed, symlinked folders not), skipping
/// the first `from.walked` entries. With "skip if same", the remote names under the prefix
/// are listed first, so that each file can be compared.
pub(super) async fn produce_upload(
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
                let folder = format!("b2://{}/{prefix}", bucket.name);
                let refusal = Refusal::failed(error, dir.display().to_string(), folder.clone());
                let found = Found {
                    name: folder,
                    size: 0,
                    what: What::Stopped(refusal),
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
    // Where a file that has no B2 name is said to go: the bucket.
    let nowhere = || format!("b2://{}/", bucket.name);
    let failed = |path: &Path, why: String| {
        let refusal = Refusal::failed(Failure::Local(why), path.display().to_string(), nowhere());
        What::Fail(refusal)
    };
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
                            Err(why) => {
                                let source = path.display().to_string();
                                let reason = SkipReason::NoRemoteName(why);
                                let refusal = Refusal::skipped(reason, source, nowhere());
                                (path, What::Fail(refusal), 0)
                            }
                        }
                    }
                    // Sockets, devices: not files to upload.
                    Ok(_) => continue,
                    Err(e) => {
                        let what = failed(&path, e.to_string());
                        (path, what, 0)
                    }
                }
            }
            Err(e) if e.depth() == 0 => {
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                let error = Failure::Local(format!("{}: {why}", root.display()));
                let folder = format!("b2://{}/{prefix}", bucket.name);
                let found = Found {
                    name: root.display().to_string(),
                    size: 0,
                    what: What::Stopped(Refusal::failed(error, root.display().to_string(), folder)),
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
                let what = failed(&path, why);
                (path, what, 0)
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
