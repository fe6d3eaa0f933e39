//! Helpers for the transfer tests: a local B2 with small parts, an engine on it, files of
//! known bytes, and tree comparison.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use b2tui::b2::ClientOptions;
use b2tui::emulator;
use b2tui::worker::transfer::{
    BucketRef, JobId, JobState, TransferEngine, TransferEvent, TransferOptions,
};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::common::{self, Local};

/// Part size the local B2 recommends in these tests.
pub const PART: u64 = 200_000;
/// The local B2's minimum part size in these tests.
pub const MIN_PART: u64 = 100_000;

pub async fn local_b2() -> Local {
    local_b2_with(common::fast_retry()).await
}

pub async fn local_b2_with(options: ClientOptions) -> Local {
    let config = emulator::Config {
        recommended_part_size: PART,
        absolute_minimum_part_size: MIN_PART,
        ..emulator::Config::default()
    };
    common::start_with(config, options).await
}

/// Large files above 300 kB, parts of 200 kB, three of each at once.
pub fn small_parts() -> TransferOptions {
    TransferOptions {
        file_concurrency: 3,
        part_concurrency: 3,
        large_file_cutoff: 300_000,
        part_size: None,
        parallel_download_cutoff: 300_000,
        ..TransferOptions::default()
    }
}

pub fn engine(local: &Local) -> (TransferEngine, UnboundedReceiver<TransferEvent>) {
    TransferEngine::new(local.client.clone(), small_parts())
}

/// A private bucket named `xfer-<name>`.
pub async fn bucket(local: &Local, name: &str) -> BucketRef {
    let name = format!("xfer-{name}");
    let id = local.create_bucket(&name, "allPrivate").await;
    BucketRef { id, name }
}

/// Every version in the bucket (one page of B2's default size), newest first per name.
pub async fn versions(local: &Local, bucket: &BucketRef) -> Vec<b2tui::b2::FileVersion> {
    local
        .client
        .list_file_versions(&b2tui::b2::ListFileVersionsRequest {
            bucket_id: bucket.id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .files
}

/// Uploads `body` as `name` straight through the client (a remote file to download).
pub async fn put(local: &Local, bucket: &BucketRef, name: &str, body: &'static [u8]) {
    let meta = b2tui::b2::UploadMeta {
        file_name: name.to_owned(),
        ..Default::default()
    };
    local
        .client
        .upload_bytes(&bucket.id, &meta, bytes::Bytes::from_static(body))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// Bytes that differ at every offset (a shifted or dropped block shows).
pub fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| {
            let x = (i as u64).wrapping_mul(2_654_435_761) >> 7;
            (x as u8) ^ seed ^ (i / 251) as u8
        })
        .collect()
}

/// Waits until `cond` holds, checking it every 20 ms; panics with `what` after `limit`.
pub async fn eventually<F, Fut>(what: &str, limit: std::time::Duration, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let poll = async {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
        loop {
            tick.tick().await;
            if cond().await {
                return;
            }
        }
    };
    if tokio::time::timeout(limit, poll).await.is_err() {
        panic!("not within {limit:?}: {what}");
    }
}

/// Waits for the first event that `want` accepts; panics with `what` after `limit`.
pub async fn next_event(
    events: &mut UnboundedReceiver<TransferEvent>,
    what: &str,
    limit: std::time::Duration,
    want: impl Fn(&TransferEvent) -> bool,
) -> TransferEvent {
    let found = async {
        while let Some(e) = events.recv().await {
            if want(&e) {
                return Some(e);
            }
        }
        None
    };
    match tokio::time::timeout(limit, found).await {
        Ok(Some(e)) => e,
        Ok(None) => panic!("events ended before: {what}"),
        Err(_) => panic!("not within {limit:?}: {what}"),
    }
}

pub async fn wait_done(engine: &TransferEngine, id: JobId) {
    let state = engine.wait(id).await.expect("job exists");
    assert_eq!(state, JobState::Done, "job {id}: {:?}", engine.job(id));
}

/// Every file under `root`, relative path (with `/`) → bytes.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Every entry name directly or indirectly under `root` (to spot leftovers).
pub fn all_entries(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out.sort();
    out
}
