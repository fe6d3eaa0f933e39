//! Calls behind restoring old versions: `b2_copy_file`, `b2_copy_part`, and a whole-version
//! server-side copy that switches to start_large_file + copy_part + finish above a size.
//! No bytes pass through the client.

use serde::Deserialize;

use super::client::B2Client;
use super::error::B2Error;
use super::types::{FileId, FileVersion};

/// Largest result of one `b2_copy_file` (5 GB); bigger copies go part by part.
pub const MAX_COPY_FILE: u64 = 5_000_000_000;

/// How [`B2Client::copy_version`] splits big sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyOptions {
    /// Sources larger than this are copied as a large file.
    pub large_threshold: u64,
    /// Bytes per `b2_copy_part` (every part but the last must reach the account's
    /// `absoluteMinimumPartSize`).
    pub part_size: u64,
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            large_threshold: MAX_COPY_FILE,
            part_size: 100_000_000,
        }
    }
}

/// The part object (§3.3) as `b2_copy_part` answers.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopiedPart {
    pub file_id: FileId,
    pub part_number: u32,
    pub content_length: u64,
    pub content_sha1: String,
}

/// Inclusive byte ranges of `part` bytes covering `len` bytes.
pub fn part_ranges(len: u64, part: u64) -> Vec<(u64, u64)> {
    let part = part.max(1);
    (0..len.div_ceil(part))
        .map(|i| (i * part, ((i + 1) * part).min(len) - 1))
        .collect()
}

impl B2Client {
    /// `b2_copy_file` with `metadataDirective: COPY`: `source` becomes the newest version
    /// of `file_name` in the source's bucket, with its content type and file info.
    pub async fn copy_file(
        &self,
        source: &FileId,
        file_name: &str,
    ) -> Result<FileVersion, B2Error> {
        let body = serde_json::json!({
            "sourceFileId": source,
            "fileName": file_name,
            "metadataDirective": "COPY",
        });
        self.call("copy_file", &body).await
    }

    /// `b2_copy_part`: bytes `range` (inclusive) of `source` become part `part_number` of
    /// the unfinished large file `large_file`.
    pub async fn copy_part(
        &self,
        source: &FileId,
        large_file: &FileId,
        part_number: u32,
        range: Option<(u64, u64)>,
    ) -> Result<CopiedPart, B2Error> {
        let mut body = serde_json::json!({
            "sourceFileId": source,
            "largeFileId": large_file,
            "partNumber": part_number,
        });
        if let Some((a, b)) = range {
            body["range"] = serde_json::Value::String(format!("bytes={a}-{b}"));
        }
        self.call("copy_part", &body).await
    }

    /// Makes `source` (an old version) the newest version of `file_name` again by a
    /// server-side copy. Sources above `opts.large_threshold` are copied as a large file:
    /// b2_start_large_file (the source's content type and info), one b2_copy_part per
    /// range, b2_finish_large_file; a failure cancels the large file.
    pub async fn copy_version(
        &self,
        source: &FileVersion,
        file_name: &str,
        opts: CopyOptions,
    ) -> Result<FileVersion, B2Error> {
        let Some(source_id) = source.file_id.as_ref() else {
            return Err(B2Error::InvalidInput("the version has no file id".into()));
        };
        if source.content_length <= opts.large_threshold {
            return self.copy_file(source_id, file_name).await;
        }
        let Some(bucket) = source.bucket_id.as_ref() else {
            return Err(B2Error::InvalidInput("the version has no bucket id".into()));
        };
        let mut info = source.file_info.clone();
        if let Some(sha1) = source.expected_sha1() {
            info.insert("large_file_sha1".to_owned(), sha1.to_owned());
        }
        let start = serde_json::json!({
            "bucketId": bucket,
            "fileName": file_name,
            "contentType": source.content_type.as_deref().unwrap_or("b2/x-auto"),
            "fileInfo": info,
        });
        let started: FileVersion = self.call("start_large_file", &start).await?;
        let Some(large_id) = started.file_id else {
            return Err(B2Error::Decode("b2_start_large_file gave no fileId".into()));
        };
        match self.copy_parts(source_id, &large_id, source, opts).await {
            Ok(sha1s) => {
                let finish = serde_json::json!({ "fileId": large_id, "partSha1Array": sha1s });
                self.call("finish_large_file", &finish).await
            }
            Err(e) => {
                // Leave no unfinished large file behind (its parts are billed storage).
                let cancel = serde_json::json!({ "fileId": large_id });
                let _: Result<serde_json::Value, _> = self.call("cancel_large_file", &cancel).await;
                Err(e)
            }
        }
    }

    async fn copy_parts(
        &self,
        source_id: &FileId,
        large_id: &FileId,
        source: &FileVersion,
        opts: CopyOptions,
    ) -> Result<Vec<String>, B2Error> {
        let mut sha1s = Vec::new();
        for (i, range) in part_ranges(source.content_length, opts.part_size)
            .into_iter()
            .enumerate()
        {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let part = self
                .copy_part(source_id, large_id, number, Some(range))
                .await?;
            sha1s.push(part.content_sha1);
        }
        Ok(sha1s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_source() {
        assert_eq!(part_ranges(10, 4), vec![(0, 3), (4, 7), (8, 9)]);
        assert_eq!(part_ranges(8, 4), vec![(0, 3), (4, 7)]);
        assert_eq!(part_ranges(0, 4), Vec::<(u64, u64)>::new());
    }
}
