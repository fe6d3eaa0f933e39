//! Search the bucket: every name under a folder matched against a pattern as the pages
//! arrive (10,000 names a call). Names as they are now come from `b2_list_file_names`
//! without a delimiter; with hidden names, or as the bucket was at a past moment, from
//! `b2_list_file_versions` without a delimiter, each name's versions read the way time
//! travel reads a folder (`worker/history.rs`: per name, the newest entry, or the newest
//! version at or before the moment). Only the matches are kept (up to a limit) and
//! counted; progress goes to the app in batches, at most every [`BATCH_EVERY`], with the
//! names scanned and the time taken. A scan stops at once when it is cancelled (the call
//! in flight is dropped) or when the app is gone. Patterns: `search/pattern.rs`.

mod pattern;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::history::{self, VersionGrouper};
use super::{RequestId, WorkerEvent};
use crate::b2::{
    B2Client, B2Error, BucketId, FileAction, FileId, FileVersion, ListFileNamesRequest,
    ListFileVersionsRequest, paginate,
};
pub use pattern::{NamePattern, PatternKind};

/// Names per call: B2's largest page (one class C transaction per 1,000 names either way).
pub const SEARCH_PAGE_SIZE: u32 = 10_000;

/// Progress is sent at most this often (and once at the end).
pub const BATCH_EVERY: Duration = Duration::from_millis(100);

/// A search request from the app.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchCommand {
    /// Scan every name under `prefix` for `pattern` (as typed, see [`NamePattern::parse`]),
    /// keeping at most `limit` matches. `hidden`: hidden names are matched too (now only);
    /// `at`: the names as they were at that moment (ms since the epoch) instead of now.
    Start {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        pattern: String,
        limit: usize,
        hidden: bool,
        at: Option<i64>,
    },
    /// Stop the scan `req`; what it found so far stays with the app.
    Cancel { req: RequestId },
}

impl SearchCommand {
    pub fn req(&self) -> RequestId {
        match self {
            Self::Start { req, .. } | Self::Cancel { req } => *req,
        }
    }
}

/// One match: what the results list shows and a download, hide or unhide needs. For a
/// hidden name, the version under its hide marker (if any is left) and when it was hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub name: String,
    pub file_id: Option<FileId>,
    pub size: u64,
    pub uploaded: i64,
    /// The SHA-1 a download is checked against (`contentSha1` or `large_file_sha1`).
    pub sha1: Option<String>,
    /// When the name was hidden (ms since the epoch), for a hidden name.
    pub hidden_at: Option<i64>,
}

impl SearchHit {
    fn of(v: &FileVersion) -> Self {
        Self {
            name: v.file_name.clone(),
            file_id: v.file_id.clone(),
            size: v.content_length,
            uploaded: v.upload_timestamp,
            sha1: v.expected_sha1().map(str::to_owned),
            hidden_at: None,
        }
    }

    /// A hidden name: its last version (if any is left) and when it was hidden.
    fn hidden(h: &history::HiddenFile) -> Self {
        let last = h.last.as_ref();
        Self {
            name: h.name.clone(),
            file_id: last.and_then(|v| v.file_id.clone()),
            size: last.map_or(0, |v| v.content_length),
            uploaded: last.map_or(0, |v| v.upload_timestamp),
            sha1: last.and_then(|v| v.expected_sha1().map(str::to_owned)),
            hidden_at: Some(h.hidden_at),
        }
    }

    pub fn is_hidden(&self) -> bool {
        self.hidden_at.is_some()
    }

    /// The listed version this hit stands for (for a download of exactly that version).
    pub fn to_version(&self) -> FileVersion {
        FileVersion {
            account_id: None,
            action: FileAction::Upload,
            bucket_id: None,
            content_length: self.size,
            content_sha1: self.sha1.clone(),
            content_md5: None,
            content_type: None,
            file_id: self.file_id.clone(),
            file_info: Default::default(),
            file_name: self.name.clone(),
            upload_timestamp: self.uploaded,
            replication_status: None,
        }
    }
}

/// How a scan ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchEnd {
    /// Every name was scanned.
    Done,
    /// Stopped by the user.
    Cancelled,
}

/// A batch of progress: the new matches since the last batch and the counters so far.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchProgress {
    pub req: RequestId,
    /// Names scanned so far.
    pub scanned: u64,
    /// Matches so far, kept or not.
    pub matched: u64,
    /// Time since the scan started.
    pub elapsed: Duration,
    /// Matches kept since the last batch (none once the limit is reached).
    pub hits: Vec<SearchHit>,
    /// Set on the last batch.
    pub end: Option<SearchEnd>,
}

/// The scans running, by request, so a `Cancel` reaches its scan.
#[derive(Clone, Debug, Default)]
pub struct Searches(Arc<Mutex<HashMap<RequestId, CancellationToken>>>);

impl Searches {
    /// The token of `req`, made if needed (a cancel may arrive before its start).
    fn token(&self, req: RequestId) -> CancellationToken {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(req).or_default().clone()
    }

    fn forget(&self, req: RequestId) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&req);
    }
}

/// Runs one search command, reporting through `tx`.
pub async fn execute(
    client: &B2Client,
    searches: &Searches,
    cmd: SearchCommand,
    tx: &UnboundedSender<WorkerEvent>,
) {
    match cmd {
        SearchCommand::Cancel { req } => searches.token(req).cancel(),
        SearchCommand::Start {
            req,
            bucket,
            prefix,
            pattern,
            limit,
            hidden,
            at,
        } => {
            let token = searches.token(req);
            let reading = if hidden || at.is_some() {
                Reading::Versions {
                    grouper: VersionGrouper::default(),
                    at,
                    hidden: hidden && at.is_none(),
                }
            } else {
                Reading::Names
            };
            let scan = Scan {
                req,
                bucket,
                prefix,
                limit,
                reading,
            };
            scan.run(client, &token, &pattern, tx).await;
            searches.forget(req);
        }
    }
}

/// Pages of a listing, as their entries.
type PageStream = BoxStream<'static, Result<Vec<FileVersion>, B2Error>>;

/// How the entries of a listing become the names searched.
enum Reading {
    /// `b2_list_file_names`: every upload is a name as it is now.
    Names,
    /// `b2_list_file_versions`, grouped per name: the newest entry (a hide marker stands
    /// for a hidden name, kept when `hidden`), or the version at `at`.
    Versions {
        grouper: VersionGrouper,
        at: Option<i64>,
        hidden: bool,
    },
}

impl Reading {
    fn pages(&self, client: &B2Client, bucket: &BucketId, prefix: &str) -> PageStream {
        let start = (!prefix.is_empty()).then(|| prefix.to_owned());
        match self {
            Reading::Names => {
                let req = ListFileNamesRequest {
                    bucket_id: bucket.clone(),
                    start_file_name: None,
                    max_file_count: Some(SEARCH_PAGE_SIZE),
                    prefix: Some(prefix.to_owned()),
                    delimiter: None,
                };
                paginate::file_names(client.clone(), req)
                    .map_ok(|p| p.items)
                    .boxed()
            }
            Reading::Versions { .. } => {
                let req = ListFileVersionsRequest {
                    bucket_id: bucket.clone(),
                    start_file_name: start,
                    start_file_id: None,
                    max_file_count: Some(SEARCH_PAGE_SIZE),
                    prefix: Some(prefix.to_owned()),
                    delimiter: None,
                };
                paginate::file_versions(client.clone(), req)
                    .map_ok(|p| p.items)
                    .boxed()
            }
        }
    }

    /// Reads the names a page completes (`None` = the end of the listing): returns how
    /// many, and the hits of those `wanted` takes (given the name, before a hit is made).
    fn names(
        &mut self,
        page: Option<Vec<FileVersion>>,
        mut wanted: impl FnMut(&str) -> bool,
    ) -> (u64, Vec<SearchHit>) {
        match self {
            Reading::Names => {
                let items = page.unwrap_or_default();
                let hits = items
                    .iter()
                    .filter(|v| v.action == FileAction::Upload && wanted(&v.file_name))
                    .map(SearchHit::of)
                    .collect();
                (items.len() as u64, hits)
            }
            Reading::Versions {
                grouper,
                at,
                hidden,
            } => {
                let groups = match page {
                    Some(items) => grouper.push(items),
                    None => grouper.finish().into_iter().collect(),
                };
                let hits = groups
                    .iter()
                    .filter_map(|g| match history::entry_for(g, *at)? {
                        v if v.action != FileAction::Hide => {
                            wanted(&g.name).then(|| SearchHit::of(&v))
                        }
                        _ if *hidden && wanted(&g.name) => {
                            history::hidden_file(g).map(|h| SearchHit::hidden(&h))
                        }
                        _ => None,
                    })
                    .collect();
                (groups.len() as u64, hits)
            }
        }
    }
}

/// One scan: where, and how the names are read.
struct Scan {
    req: RequestId,
    bucket: BucketId,
    prefix: String,
    limit: usize,
    reading: Reading,
}

impl Scan {
    async fn run(
        mut self,
        client: &B2Client,
        token: &CancellationToken,
        pattern: &str,
        tx: &UnboundedSender<WorkerEvent>,
    ) {
        let req = self.req;
        let pattern = match NamePattern::parse(pattern) {
            Ok(p) => p,
            Err(e) => {
                let error = super::Failure::Local(e);
                let _ = tx.send(WorkerEvent::RequestFailed { req, error });
                return;
            }
        };
        let started = Instant::now();
        let mut pages = self.reading.pages(client, &self.bucket, &self.prefix);
        let mut batch = SearchProgress {
            req,
            scanned: 0,
            matched: 0,
            elapsed: Duration::ZERO,
            hits: Vec::new(),
            end: None,
        };
        let mut kept = 0usize;
        let mut last_sent = started;
        loop {
            let page = tokio::select! {
                biased;
                () = token.cancelled() => {
                    batch.end = Some(SearchEnd::Cancelled);
                    break;
                }
                page = pages.try_next() => page,
            };
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    let _ = tx.send(WorkerEvent::Search(batch));
                    let _ = tx.send(WorkerEvent::failed(req, &e));
                    return;
                }
            };
            let last = page.is_none();
            let (prefix, limit) = (self.prefix.len(), self.limit);
            let matched = &mut batch.matched;
            let (scanned, hits) = self.reading.names(page, |name| {
                if !pattern.is_match(name.get(prefix..).unwrap_or(name)) {
                    return false;
                }
                *matched += 1;
                kept += 1;
                kept <= limit
            });
            batch.scanned += scanned;
            batch.hits.extend(hits);
            if last {
                batch.end = Some(SearchEnd::Done);
                break;
            }
            if last_sent.elapsed() >= BATCH_EVERY {
                last_sent = Instant::now();
                batch.elapsed = started.elapsed();
                let next = batch.clone_counters();
                let full = std::mem::replace(&mut batch, next);
                if tx.send(WorkerEvent::Search(full)).is_err() {
                    return;
                }
            }
        }
        batch.elapsed = started.elapsed();
        let _ = tx.send(WorkerEvent::Search(batch));
    }
}

impl SearchProgress {
    /// The counters without the hits.
    fn clone_counters(&self) -> Self {
        Self {
            req: self.req,
            scanned: self.scanned,
            matched: self.matched,
            elapsed: self.elapsed,
            hits: Vec::new(),
            end: self.end,
        }
    }
}
