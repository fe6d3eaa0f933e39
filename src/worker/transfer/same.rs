//! "Skip if same": a local file and a remote one hold the same bytes when their sizes match
//! and the local file's SHA-1 equals the remote's (`contentSha1`, or `large_file_sha1` for
//! a large file). A remote file with no SHA-1 is never the same.

use std::path::Path;
use std::sync::Arc;

use super::io;
use super::{BucketRef, TransferError};
use crate::b2::B2Client;

/// True when the file at `local` is `size` bytes long and hashes to `sha1`. A missing
/// local file is not the same; other read errors are failures.
pub(super) async fn local_matches(
    local: &Path,
    size: u64,
    sha1: Option<&str>,
) -> Result<bool, TransferError> {
    let Some(sha1) = sha1 else {
        return Ok(false);
    };
    let meta = match tokio::fs::metadata(local).await {
        Ok(m) if m.is_file() => m,
        Ok(_) => return Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(TransferError::io(format!("reading {}", local.display()))(e)),
    };
    if meta.len() != size {
        return Ok(false);
    }
    let path = local.to_path_buf();
    let what = format!("reading {}", local.display());
    let file = io::blocking(move || std::fs::File::open(&path))
        .await
        .map_err(TransferError::io(what.clone()))?;
    let actual = io::sha1_of_range(Arc::new(file), 0, size)
        .await
        .map_err(TransferError::io(what))?;
    Ok(actual.eq_ignore_ascii_case(sha1))
}

/// Size and SHA-1 of the newest version of `name`, when there is one.
pub(super) async fn remote_sum(
    client: &B2Client,
    bucket: &BucketRef,
    name: &str,
) -> Result<Option<(u64, Option<String>)>, TransferError> {
    let req = crate::b2::ListFileNamesRequest {
        bucket_id: bucket.id.clone(),
        start_file_name: Some(name.to_owned()),
        max_file_count: Some(1),
        prefix: Some(name.to_owned()),
        delimiter: None,
    };
    let page = client.list_file_names(&req).await?;
    Ok(page
        .files
        .into_iter()
        .find(|f| f.file_name == name)
        .map(|f| {
            (
                f.content_length,
                f.expected_sha1().map(str::to_ascii_lowercase),
            )
        }))
}

#[cfg(test)]
mod tests {
    use super::local_matches;

    #[tokio::test]
    async fn same_means_same_size_and_sha1() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"hello").expect("write");
        // SHA-1 of "hello".
        let sha1 = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d";
        assert!(local_matches(&path, 5, Some(sha1)).await.expect("read"));
        assert!(
            !local_matches(&path, 5, Some(&sha1.replace('a', "b")))
                .await
                .expect("read")
        );
        assert!(!local_matches(&path, 6, Some(sha1)).await.expect("read"));
        assert!(
            !local_matches(&path, 5, None).await.expect("read"),
            "no SHA-1, not same"
        );
        let missing = dir.path().join("missing");
        assert!(!local_matches(&missing, 5, Some(sha1)).await.expect("read"));
    }
}
