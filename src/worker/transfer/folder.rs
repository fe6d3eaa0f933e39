//! Folder transfers: an upload of a local tree (walked on the blocking pool) and a download
//! of everything under a B2 prefix (paged), queued as one job per file.

use std::path::PathBuf;

use futures::TryStreamExt;

use super::jobs::{
    BucketRef, ConflictPolicy, JobId, JobSpec, RemoteFile, SkipReason, TransferError,
};
use super::{TransferEngine, io, paths};
use crate::b2::paginate;
use crate::worker::Failure;

impl TransferEngine {
    /// Queues an upload of every file under `dir` as `prefix` + its relative path (`/`
    /// separators). Files whose path cannot become a B2 name get a `Skipped` row.
    pub async fn upload_folder(
        &self,
        dir: PathBuf,
        bucket: BucketRef,
        prefix: &str,
    ) -> Result<Vec<JobId>, TransferError> {
        let root = dir.clone();
        let (files, problems) = io::blocking(move || paths::walk(&root))
            .await
            .map_err(TransferError::io(format!("reading {}", dir.display())))?;
        let prefix = paths::as_folder_prefix(prefix);
        let mut ids = Vec::with_capacity(files.len());
        for entry in files {
            let spec = |file_name: String| JobSpec::Upload {
                local: entry.path.clone(),
                bucket: bucket.clone(),
                file_name,
            };
            ids.push(match paths::remote_name_for(&prefix, &entry.relative) {
                Ok(name) => self.enqueue(spec(name)),
                Err(why) => self.add_skipped(spec(String::new()), SkipReason::NoRemoteName(why)),
            });
        }
        for (path, reason) in problems {
            let spec = JobSpec::Upload {
                local: path,
                bucket: bucket.clone(),
                file_name: String::new(),
            };
            ids.push(self.add_failed(spec, Failure::Local(reason)));
        }
        Ok(ids)
    }

    /// Queues a download of every file under `prefix` (listed with `b2_list_file_names`)
    /// into `dir`, at its name relative to the prefix. Names that would land outside `dir`
    /// get a `Skipped` row with the reason.
    pub async fn download_folder(
        &self,
        bucket: BucketRef,
        prefix: &str,
        dir: PathBuf,
        conflict: ConflictPolicy,
    ) -> Result<Vec<JobId>, TransferError> {
        let prefix = paths::as_folder_prefix(prefix);
        let req = crate::b2::ListFileNamesRequest {
            bucket_id: bucket.id.clone(),
            max_file_count: Some(crate::worker::listing::PAGE_SIZE),
            prefix: Some(prefix.clone()),
            ..Default::default()
        };
        let mut pages = std::pin::pin!(paginate::file_names(self.inner.client.clone(), req));
        let mut ids = Vec::new();
        while let Some(page) = pages.try_next().await? {
            for version in page.items {
                let relative = version.file_name[prefix.len()..].to_owned();
                let target = paths::local_path_for(&dir, &relative);
                let spec = JobSpec::Download {
                    bucket: bucket.clone(),
                    local: target.clone().unwrap_or_else(|_| dir.clone()),
                    file: RemoteFile::Version(Box::new(version)),
                    conflict,
                };
                ids.push(match target {
                    Ok(_) => self.enqueue(spec),
                    Err(why) => self.add_skipped(spec, SkipReason::UnsafeName(why)),
                });
            }
        }
        Ok(ids)
    }
}
