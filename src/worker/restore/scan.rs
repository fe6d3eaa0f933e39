//! Paged restore listings: version scans grouped by name (folders, hidden files, plans) and
//! visible names under prefixes, all over `b2::paginate` streams, sent page by page.

use futures::{StreamExt, TryStreamExt};

use super::RestoreEvent;
use crate::b2::paginate::{self, Pages, VersionCursor};
use crate::b2::{
    B2Client, B2Error, BucketId, FileAction, FileVersion, ListFileNamesRequest,
    ListFileVersionsRequest,
};
use crate::worker::RequestId;
use crate::worker::history::{self, NameGroup, VersionGrouper};

/// Pages through `b2_list_file_versions`, handing out the name groups each page completes.
pub(super) struct Scan {
    pages: Pages<FileVersion, VersionCursor>,
    grouper: VersionGrouper,
}

impl Scan {
    pub(super) fn new(client: &B2Client, req: ListFileVersionsRequest) -> Self {
        Self {
            pages: paginate::file_versions(client.clone(), req),
            grouper: VersionGrouper::default(),
        }
    }

    /// The groups completed by the next page and whether the scan is over; None after it.
    pub(super) async fn next(&mut self) -> Result<Option<(Vec<NameGroup>, bool)>, B2Error> {
        let Some(page) = self.pages.try_next().await? else {
            return Ok(None);
        };
        let done = page.is_last();
        let mut groups = self.grouper.push(page.items);
        if done {
            groups.extend(self.grouper.finish());
        }
        Ok(Some((groups, done)))
    }
}

/// Subfolders checked at once while a past folder level is listed.
const FOLDER_CHECKS: usize = 4;
/// Pages of a subfolder read at most to learn whether it existed at a moment; a larger
/// subfolder is shown (it cannot be told cheaply, and showing it loses nothing).
const FOLDER_CHECK_PAGES: usize = 10;

/// One folder level, page by page: each name as it is now, or as it was at `at`. At a past
/// moment a subfolder is listed only if a name under it was visible then: B2 has no
/// folders, so a folder exists exactly while a file under it does.
pub(super) async fn list_folder(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
    at: Option<i64>,
    page_size: u32,
    req: RequestId,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    let mut scan = Scan::new(client, versions_under(bucket, prefix, true, page_size));
    while let Some((groups, done)) = scan.next().await? {
        let rows: Vec<(bool, FileVersion)> = groups
            .iter()
            .filter(|g| g.name != prefix)
            .filter_map(|g| Some((g.is_folder(), history::entry_for(g, at)?)))
            .collect();
        let checks: Vec<_> = rows
            .iter()
            .map(|(is_folder, row)| {
                let (client, bucket) = (client.clone(), bucket.clone());
                let (folder, name) = (*is_folder, row.file_name.clone());
                async move {
                    match at {
                        Some(t) if folder => existed_at(&client, &bucket, &name, t).await,
                        _ => Ok(true),
                    }
                }
            })
            .collect();
        let kept: Vec<bool> = futures::stream::iter(checks)
            .buffered(FOLDER_CHECKS)
            .try_collect()
            .await?;
        let entries = rows
            .into_iter()
            .zip(kept)
            .filter_map(|((_, row), keep)| keep.then_some(row))
            .collect();
        if !send(RestoreEvent::FolderListed { req, entries, done }) || done {
            break;
        }
    }
    Ok(())
}

/// True when some name under `folder` had a visible version at `t` (or the folder is too
/// large to tell within [`FOLDER_CHECK_PAGES`]).
async fn existed_at(
    client: &B2Client,
    bucket: &BucketId,
    folder: &str,
    t: i64,
) -> Result<bool, B2Error> {
    let mut scan = Scan::new(client, versions_under(bucket, folder, false, 1000));
    let mut pages = 0;
    while let Some((groups, done)) = scan.next().await? {
        if groups
            .iter()
            .any(|g| history::version_at(&g.versions, Some(t)).is_some())
        {
            return Ok(true);
        }
        pages += 1;
        if done {
            return Ok(false);
        }
        if pages >= FOLDER_CHECK_PAGES {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Sends `event(groups, done)` for each page of `scan` until the last page or until the
/// app is gone.
pub(super) async fn each_page(
    mut scan: Scan,
    send: &impl Fn(RestoreEvent) -> bool,
    event: impl Fn(Vec<NameGroup>, bool) -> RestoreEvent,
) -> Result<(), B2Error> {
    while let Some((groups, done)) = scan.next().await? {
        if !send(event(groups, done)) || done {
            break;
        }
    }
    Ok(())
}

pub(super) fn versions_under(
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

/// Pages through `b2_list_file_names` under each prefix, reporting the names found.
pub(super) async fn list_visible(
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
        let first = ListFileNamesRequest {
            bucket_id: bucket.clone(),
            start_file_name: (!prefix.is_empty()).then(|| prefix.clone()),
            max_file_count: Some(page_size),
            prefix: Some(prefix.clone()),
            delimiter: None,
        };
        let mut pages = std::pin::pin!(paginate::file_names(client.clone(), first));
        while let Some(page) = pages.try_next().await? {
            let done = page.is_last() && i + 1 == prefixes.len();
            let names = page
                .items
                .into_iter()
                .filter(|f| f.action != FileAction::Folder)
                .map(|f| f.file_name)
                .collect();
            if !send(RestoreEvent::VisibleListed { req, names, done }) {
                return Ok(());
            }
        }
    }
    Ok(())
}

pub(super) async fn plan_prefix(
    client: &B2Client,
    bucket: &BucketId,
    prefix: &str,
    at: i64,
    page_size: u32,
    req: RequestId,
    send: &impl Fn(RestoreEvent) -> bool,
) -> Result<(), B2Error> {
    let scan = Scan::new(client, versions_under(bucket, prefix, false, page_size));
    each_page(scan, send, |groups, done| {
        let names = groups.iter().map(|g| history::name_at(g, at)).collect();
        RestoreEvent::PlanListed { req, names, done }
    })
    .await
}

pub(super) async fn plan_names(
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
pub(super) async fn name_history(
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
