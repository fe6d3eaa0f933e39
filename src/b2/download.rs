//! A download in progress: the file's headers, then its bytes as a stream, hashed as they
//! pass so that a whole-file download is verified against B2's SHA-1 at the end.

use std::collections::BTreeMap;

use bytes::{Bytes, BytesMut};
use sha1::{Digest, Sha1};

use super::encode;
use super::error::B2Error;
use super::types::FileId;

/// An inclusive byte range, as in `Range: bytes=start-end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: u64,
    pub end: u64,
}

impl Range {
    /// The `Range` header value.
    pub fn to_header(self) -> String {
        format!("bytes={}-{}", self.start, self.end)
    }
}

/// What B2 says about the file being downloaded (from the response headers).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DownloadInfo {
    pub file_id: Option<FileId>,
    pub file_name: String,
    /// Bytes in this response (the range's length for a ranged download).
    pub content_length: u64,
    pub content_type: Option<String>,
    /// `X-Bz-Content-Sha1`: 40 hex, `none` for large files, maybe `unverified:<hex>`.
    pub content_sha1: Option<String>,
    pub upload_timestamp: Option<i64>,
    /// `X-Bz-Info-*`, decoded, keys lower-case.
    pub file_info: BTreeMap<String, String>,
}

impl DownloadInfo {
    /// The whole file's SHA-1, from `X-Bz-Content-Sha1` or, for large files,
    /// `X-Bz-Info-large_file_sha1`.
    pub fn expected_sha1(&self) -> Option<String> {
        match self.content_sha1.as_deref() {
            Some(s) if s.len() == 40 => Some(s.to_ascii_lowercase()),
            Some(s) if s.starts_with("unverified:") => Some(s["unverified:".len()..].to_owned()),
            _ => self
                .file_info
                .get("large_file_sha1")
                .map(|s| s.to_ascii_lowercase()),
        }
    }
}

/// A streaming download. Read it with [`Download::next_chunk`] until `None`.
pub struct Download {
    pub info: DownloadInfo,
    response: reqwest::Response,
    hasher: Option<Sha1>,
    received: u64,
}

impl Download {
    pub(crate) fn from_response(
        response: reqwest::Response,
        range: Option<Range>,
    ) -> Result<Self, B2Error> {
        let h = response.headers();
        let text = |name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let file_info = h
            .iter()
            .filter_map(|(k, v)| {
                let key = k.as_str().strip_prefix("x-bz-info-")?;
                Some((key.to_owned(), encode::decode(v.to_str().ok()?)))
            })
            .collect();
        let info = DownloadInfo {
            file_id: text("x-bz-file-id").map(FileId),
            file_name: text("x-bz-file-name")
                .map(|n| encode::decode(&n))
                .unwrap_or_default(),
            content_length: response.content_length().unwrap_or(0),
            content_type: text("content-type"),
            content_sha1: text("x-bz-content-sha1"),
            upload_timestamp: text("x-bz-upload-timestamp").and_then(|t| t.parse().ok()),
            file_info,
        };
        // Only a whole-file answer can be checked against the file's SHA-1.
        let whole = range.is_none() && response.status().as_u16() == 200;
        let hasher = (whole && info.expected_sha1().is_some()).then(Sha1::new);
        Ok(Self {
            info,
            response,
            hasher,
            received: 0,
        })
    }

    /// Stops hashing here: for a caller that hashes the whole file itself (a download
    /// resumed with ranges). The length is still checked at the end.
    pub fn skip_sha1_check(&mut self) {
        self.hasher = None;
    }

    /// The next piece of the body; `None` at the end, after the SHA-1 (if any) checked out.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, B2Error> {
        match self.response.chunk().await? {
            Some(chunk) => {
                self.received += chunk.len() as u64;
                if let Some(h) = self.hasher.as_mut() {
                    h.update(&chunk);
                }
                Ok(Some(chunk))
            }
            None => {
                if self.received != self.info.content_length {
                    return Err(B2Error::Decode(format!(
                        "download ended after {} of {} bytes",
                        self.received, self.info.content_length
                    )));
                }
                if let (Some(h), Some(expected)) = (self.hasher.take(), self.info.expected_sha1()) {
                    let actual = hex::encode(h.finalize());
                    if actual != expected {
                        return Err(B2Error::Sha1Mismatch { expected, actual });
                    }
                }
                Ok(None)
            }
        }
    }

    /// Reads the whole body into memory (for small files), verified.
    pub async fn bytes(mut self) -> Result<Bytes, B2Error> {
        let mut buf = BytesMut::with_capacity(self.info.content_length.min(64 << 20) as usize);
        while let Some(chunk) = self.next_chunk().await? {
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    }
}
