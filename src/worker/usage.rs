//! The usage scan: every version under a prefix (`b2_list_file_versions` without a
//! delimiter, 10,000 a page) and every unfinished large file with its parts, summed per
//! folder as pages arrive. No name is kept: each page becomes a short list of per-folder
//! totals ([`UsageEvent::Progress`]), sent as one event. A scan stops at its cancel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::{RequestId, WorkerEvent};
use crate::b2::{
    B2Client, B2Error, BucketId, FileAction, FileVersion, ListFileVersionsRequest, paginate,
};

/// Versions per `b2_list_file_versions` call of a scan (B2's most).
pub const SCAN_PAGE_SIZE: u32 = 10_000;
/// Versions on a scan's first page (small, so that totals show at once).
pub const FIRST_PAGE_SIZE: u32 = 1_000;

/// Sums over the versions of a folder (and everything below it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Names whose newest version is an upload, and those uploads' bytes.
    pub current_files: u64,
    pub current_bytes: u64,
    /// Names whose newest version is a hide marker, and the bytes of their versions.
    pub hidden_files: u64,
    pub hidden_bytes: u64,
    /// Versions older than a name's current upload (hide markers included), and bytes.
    pub old_versions: u64,
    pub old_bytes: u64,
    /// Unfinished large files, their uploaded parts and those parts' bytes.
    pub unfinished_files: u64,
    pub unfinished_parts: u64,
    pub unfinished_bytes: u64,
    /// The newest upload (ms since the epoch; 0 = none).
    pub newest_upload_ms: i64,
}

impl Totals {
    pub fn add(&mut self, o: &Totals) {
        self.current_files += o.current_files;
        self.current_bytes += o.current_bytes;
        self.hidden_files += o.hidden_files;
        self.hidden_bytes += o.hidden_bytes;
        self.old_versions += o.old_versions;
        self.old_bytes += o.old_bytes;
        self.unfinished_files += o.unfinished_files;
        self.unfinished_parts += o.unfinished_parts;
        self.unfinished_bytes += o.unfinished_bytes;
        self.newest_upload_ms = self.newest_upload_ms.max(o.newest_upload_ms);
    }

    /// Every byte stored (and billed): current, hidden, old versions and parts.
    pub fn stored_bytes(&self) -> u64 {
        self.current_bytes + self.reclaimable_bytes() + self.unfinished_bytes
    }

    /// Bytes a lifecycle rule could remove: hidden files and old versions.
    pub fn reclaimable_bytes(&self) -> u64 {
        self.hidden_bytes + self.old_bytes
    }

    pub fn is_empty(&self) -> bool {
        *self == Totals::default()
    }
}

/// Starts or stops a usage scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsageCommand {
    /// Sum everything under `prefix` of `bucket`.
    Scan {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
    },
    /// Stop the scan `req` after the page in flight.
    Cancel { req: RequestId },
}

impl UsageCommand {
    pub fn req(&self) -> RequestId {
        match self {
            Self::Scan { req, .. } | Self::Cancel { req } => *req,
        }
    }
}

/// What a scan reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UsageEvent {
    /// One page summed: totals to add per folder (relative to the scan's prefix, `""` =
    /// the prefix itself, `a/b/` = its folder `a/b/`), and the versions it held.
    Progress {
        req: RequestId,
        folders: Vec<(String, Totals)>,
        versions: u64,
    },
    /// The key may not list parts (`b2_list_parts` needs writeFiles): unfinished large
    /// files are counted without their parts.
    PartsUnlisted { req: RequestId },
    /// Every page is in (`cancelled`: stopped before the end; the totals are partial).
    Finished { req: RequestId, cancelled: bool },
}

/// The scans running, so that a `Cancel` reaches its scan.
#[derive(Clone, Default)]
pub struct Scans(Arc<Mutex<HashMap<RequestId, CancellationToken>>>);

impl Scans {
    fn start(&self, req: RequestId) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut m) = self.0.lock() {
            m.insert(req, token.clone());
        }
        token
    }

    fn end(&self, req: RequestId) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(&req);
        }
    }

    fn cancel(&self, req: RequestId) {
        if let Ok(m) = self.0.lock()
            && let Some(t) = m.get(&req)
        {
            t.cancel();
        }
    }
}

/// Runs one usage command, reporting through `tx`.
pub async fn execute(
    client: &B2Client,
    scans: &Scans,
    cmd: UsageCommand,
    tx: &UnboundedSender<WorkerEvent>,
) {
    match cmd {
        UsageCommand::Cancel { req } => scans.cancel(req),
        UsageCommand::Scan {
            req,
            bucket,
            prefix,
        } => {
            let token = scans.start(req);
            let result = tokio::select! {
                r = scan(client, req, &bucket, &prefix, tx) => r.map(|()| false),
                () = token.cancelled() => Ok(true),
            };
            scans.end(req);
            let ev = match result {
                Ok(cancelled) => WorkerEvent::Usage(UsageEvent::Finished { req, cancelled }),
                Err(e) => WorkerEvent::failed(req, &e),
            };
            let _ = tx.send(ev);
        }
    }
}

/// The versions and the unfinished large files, side by side.
async fn scan(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    prefix: &str,
    tx: &UnboundedSender<WorkerEvent>,
) -> Result<(), B2Error> {
    let (versions, unfinished) = futures::join!(
        scan_versions(client, req, bucket, prefix, tx),
        scan_unfinished(client, req, bucket, prefix, tx),
    );
    versions.and(unfinished)
}

/// The folder of `name` relative to `prefix`: `a/b/` for `{prefix}a/b/c`, `""` for a name
/// directly under it.
fn folder_of<'a>(prefix: &str, name: &'a str) -> &'a str {
    let rel = name.get(prefix.len()..).unwrap_or(name);
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// Where the previous name of the listing stands: its versions come newest first and may
/// span pages.
#[derive(Default)]
pub struct Classifier {
    name: String,
    hidden: bool,
}

impl Classifier {
    /// Adds one version (in listing order) to `t`.
    pub fn add(&mut self, action: FileAction, name: &str, size: u64, ts: i64, t: &mut Totals) {
        let newest = self.name != name;
        if newest {
            self.name.clear();
            self.name.push_str(name);
        }
        let is_hide = action == FileAction::Hide;
        if !is_hide {
            t.newest_upload_ms = t.newest_upload_ms.max(ts);
        }
        match (newest, is_hide) {
            (true, true) => {
                self.hidden = true;
                t.hidden_files += 1;
            }
            (true, false) => {
                self.hidden = false;
                t.current_files += 1;
                t.current_bytes += size;
            }
            (false, _) if self.hidden => t.hidden_bytes += size,
            (false, _) => {
                t.old_versions += 1;
                t.old_bytes += size;
            }
        }
    }
}

/// Per-folder totals of one page, in the order folders first appear.
#[derive(Default)]
struct PageSums {
    index: HashMap<String, usize>,
    folders: Vec<(String, Totals)>,
}

impl PageSums {
    fn at(&mut self, folder: &str) -> &mut Totals {
        let i = match self.index.get(folder) {
            Some(&i) => i,
            None => {
                self.index.insert(folder.to_owned(), self.folders.len());
                self.folders.push((folder.to_owned(), Totals::default()));
                self.folders.len() - 1
            }
        };
        &mut self.folders[i].1
    }
}

async fn scan_versions(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    prefix: &str,
    tx: &UnboundedSender<WorkerEvent>,
) -> Result<(), B2Error> {
    let mut request = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        start_file_name: None,
        start_file_id: None,
        max_file_count: Some(FIRST_PAGE_SIZE),
        prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
        delimiter: None,
    };
    let mut classifier = Classifier::default();
    // A small first page puts totals on screen at once; then B2's largest pages.
    let first = client.list_file_versions(&request).await?;
    if !send_page(req, prefix, &first.files, &mut classifier, tx) {
        return Ok(());
    }
    let Some(next) = first.next_file_name else {
        return Ok(());
    };
    request.start_file_name = Some(next);
    request.start_file_id = first.next_file_id;
    request.max_file_count = Some(SCAN_PAGE_SIZE);
    // The next page is fetched (and parsed) while this one is summed.
    let (page_tx, mut page_rx) = tokio::sync::mpsc::channel(2);
    let pages = paginate::file_versions(client.clone(), request);
    let _fetcher = AbortOnDrop(tokio::spawn(async move {
        let mut pages = std::pin::pin!(pages);
        loop {
            let page = pages.try_next().await.transpose();
            let last = !matches!(page, Some(Ok(_)));
            if let Some(page) = page
                && page_tx.send(page).await.is_err()
            {
                return;
            }
            if last {
                return;
            }
        }
    }));
    while let Some(page) = page_rx.recv().await {
        if !send_page(req, prefix, &page?.items, &mut classifier, tx) {
            return Ok(());
        }
    }
    Ok(())
}

/// Stops a helper task when the scan that started it ends or is dropped (cancelled).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sums one page per folder and sends it; false when the app is gone.
fn send_page(
    req: RequestId,
    prefix: &str,
    items: &[FileVersion],
    classifier: &mut Classifier,
    tx: &UnboundedSender<WorkerEvent>,
) -> bool {
    let mut sums = PageSums::default();
    for v in items {
        // Unfinished large files are summed with their parts, from their own listing.
        if matches!(v.action, FileAction::Start | FileAction::Folder) {
            continue;
        }
        let t = sums.at(folder_of(prefix, &v.file_name));
        classifier.add(
            v.action,
            &v.file_name,
            v.content_length,
            v.upload_timestamp,
            t,
        );
    }
    let ev = UsageEvent::Progress {
        req,
        folders: sums.folders,
        versions: items.len() as u64,
    };
    tx.send(WorkerEvent::Usage(ev)).is_ok()
}

async fn scan_unfinished(
    client: &B2Client,
    req: RequestId,
    bucket: &BucketId,
    prefix: &str,
    tx: &UnboundedSender<WorkerEvent>,
) -> Result<(), B2Error> {
    let name_prefix = (!prefix.is_empty()).then(|| prefix.to_owned());
    let mut pages = std::pin::pin!(paginate::unfinished_large_files(
        client.clone(),
        bucket.clone(),
        name_prefix
    ));
    let caps = &client.session().capabilities;
    let list_parts = caps.is_empty() || caps.iter().any(|c| c == "writeFiles");
    let mut told = false;
    while let Some(page) = pages.try_next().await? {
        if !list_parts && !told && !page.items.is_empty() {
            told = true;
            let _ = tx.send(WorkerEvent::Usage(UsageEvent::PartsUnlisted { req }));
        }
        let mut sums = PageSums::default();
        for file in &page.items {
            let t = sums.at(folder_of(prefix, &file.file_name));
            t.unfinished_files += 1;
            t.newest_upload_ms = t.newest_upload_ms.max(file.upload_timestamp);
            let Some(id) = file.file_id.as_ref().filter(|_| list_parts) else {
                continue;
            };
            let mut parts = std::pin::pin!(paginate::parts(client.clone(), id.clone()));
            while let Some(p) = parts.try_next().await? {
                t.unfinished_parts += p.items.len() as u64;
                t.unfinished_bytes += p.items.iter().map(|p| p.content_length).sum::<u64>();
            }
        }
        let ev = UsageEvent::Progress {
            req,
            folders: sums.folders,
            versions: 0,
        };
        if tx.send(WorkerEvent::Usage(ev)).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_relative_to_the_prefix() {
        assert_eq!(folder_of("big/", "big/n1.dat"), "");
        assert_eq!(folder_of("big/", "big/a/b/c"), "a/b/");
        assert_eq!(folder_of("", "x"), "");
        assert_eq!(folder_of("", "a/x"), "a/");
    }

    #[test]
    fn versions_are_current_hidden_or_old() {
        let mut c = Classifier::default();
        let mut t = Totals::default();
        // a: upload (current) + two older uploads; b: hide + one upload; c: one upload.
        c.add(FileAction::Upload, "a", 10, 30, &mut t);
        c.add(FileAction::Upload, "a", 5, 20, &mut t);
        c.add(FileAction::Hide, "a", 0, 15, &mut t);
        c.add(FileAction::Hide, "b", 0, 50, &mut t);
        c.add(FileAction::Upload, "b", 7, 40, &mut t);
        c.add(FileAction::Upload, "c", 1, 10, &mut t);
        assert_eq!((t.current_files, t.current_bytes), (2, 11));
        assert_eq!((t.hidden_files, t.hidden_bytes), (1, 7));
        assert_eq!((t.old_versions, t.old_bytes), (2, 5));
        assert_eq!(t.newest_upload_ms, 40);
        assert_eq!(t.stored_bytes(), 23);
    }
}
