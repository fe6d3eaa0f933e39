//! Listing commands: buckets, one folder page, and all versions of one name.
//! Each function sends its results as `WorkerEvent`s; none of them retries (the client does)
//! or pages by hand (`b2::paginate` does).

use futures::TryStreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::{Command, RequestId, WorkerEvent};
use crate::b2::{B2Client, BucketId, ListFileNamesRequest, ListFileVersionsRequest, paginate};

/// Names per `b2_list_file_names` / `b2_list_file_versions` call: one billed transaction.
pub const PAGE_SIZE: u32 = 1000;

/// Runs one command to completion, reporting through `tx`. A closed channel means the app
/// is gone, so send errors are ignored.
pub async fn execute(client: &B2Client, cmd: Command, tx: &UnboundedSender<WorkerEvent>) {
    match cmd {
        Command::ListBuckets { req } => {
            let evt = match client.list_buckets().await {
                Ok(mut buckets) => {
                    buckets.sort_by(|a, b| a.bucket_name.cmp(&b.bucket_name));
                    WorkerEvent::BucketsListed { req, buckets }
                }
                Err(e) => WorkerEvent::failed(req, &e),
            };
            let _ = tx.send(evt);
        }
        Command::ListFiles {
            req,
            bucket,
            prefix,
            start,
        } => {
            let _ = tx.send(list_files_page(client, req, bucket, prefix, start).await);
        }
        Command::ListVersions {
            req,
            bucket,
            file_name,
        } => list_versions(client, req, bucket, file_name, tx).await,
        Command::Keys(_) | Command::Transfer(_) | Command::Usage(_) => {}
        Command::Restore(cmd) => super::restore::execute(client, cmd, tx).await,
        Command::Settings(cmd) => super::settings::execute(client, cmd, tx).await,
    }
}

/// `b2_list_file_names` with delimiter `/`: one page of a folder.
async fn list_files_page(
    client: &B2Client,
    req: RequestId,
    bucket: BucketId,
    prefix: String,
    start: Option<String>,
) -> WorkerEvent {
    let request = ListFileNamesRequest {
        bucket_id: bucket,
        start_file_name: start,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(prefix),
        delimiter: Some("/".to_owned()),
    };
    match client.list_file_names(&request).await {
        Ok(resp) => WorkerEvent::FilesListed {
            req,
            entries: resp.files,
            next: resp.next_file_name,
        },
        Err(e) => WorkerEvent::failed(req, &e),
    }
}

/// `b2_list_file_versions` from `startFileName = prefix = name`: every version of `name`,
/// newest first. The prefix also matches longer names (`a.txt` → `a.txt.bak`), so the scan
/// stops at the first entry with another name.
async fn list_versions(
    client: &B2Client,
    req: RequestId,
    bucket: BucketId,
    file_name: String,
    tx: &UnboundedSender<WorkerEvent>,
) {
    let request = ListFileVersionsRequest {
        bucket_id: bucket,
        start_file_name: Some(file_name.clone()),
        start_file_id: None,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(file_name.clone()),
        delimiter: None,
    };
    let mut pages = std::pin::pin!(paginate::file_versions(client.clone(), request));
    loop {
        let page = match pages.try_next().await {
            Ok(Some(page)) => page,
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(WorkerEvent::failed(req, &e));
                return;
            }
        };
        let total = page.items.len();
        let versions: Vec<_> = page
            .items
            .into_iter()
            .take_while(|v| v.file_name == file_name)
            .collect();
        let other_name_seen = versions.len() < total;
        // The next page is fetched only while it can still hold this name.
        let done = other_name_seen || page.next.is_none_or(|c| c.file_name != file_name);
        let sent = tx.send(WorkerEvent::VersionsListed {
            req,
            versions,
            done,
        });
        if sent.is_err() || done {
            return;
        }
    }
}
