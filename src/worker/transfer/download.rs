//! Downloads: streamed into a hidden temporary file beside the destination, SHA-1 checked
//! against B2's (`contentSha1` or `large_file_sha1`), then renamed into place. Big files come
//! as parallel ranges written at their offsets and hashed in order as they complete. A
//! broken stream resumes from the last byte written.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt};
use sha1::{Digest, Sha1};

use super::io::{self, CHUNK};
use super::paths::{TempFile, keep_both_path};
use super::{BucketRef, ConflictPolicy, JobCtx, Outcome, RemoteFile, SkipReason, TransferError};
use crate::b2::retry::{self, Call, Failure};
use crate::b2::{B2Error, FileId, FileVersion, ListFileNamesRequest, Range};

pub(super) async fn run(
    ctx: &JobCtx,
    bucket: &BucketRef,
    file: &RemoteFile,
    local: &Path,
    conflict: ConflictPolicy,
) -> Result<Outcome, TransferError> {
    let version = resolve(ctx, bucket, file).await?;
    let file_id = version
        .file_id
        .clone()
        .ok_or_else(|| TransferError::Invalid(format!("{} has no file id", version.file_name)))?;
    let size = version.content_length;
    ctx.progress.total.store(size, Ordering::Relaxed);
    if conflict == ConflictPolicy::SkipSame
        && super::same::local_matches(local, size, version.expected_sha1()).await?
    {
        return Ok(Outcome::Skipped(SkipReason::Same));
    }
    // One trip to the blocking pool for every look at the destination: a folder of small
    // files pays per trip, not per check.
    let checked = {
        let path = local.to_path_buf();
        io::blocking(move || Ok(look_at_destination(&path, conflict)))
            .await
            .map_err(TransferError::io(format!("checking {}", local.display())))?
    };
    match checked {
        Destination::Exists => {
            return Ok(Outcome::Skipped(SkipReason::Exists(local.to_path_buf())));
        }
        Destination::Folder => {
            return Err(TransferError::Invalid(format!(
                "{} is a folder",
                local.display()
            )));
        }
        Destination::NoParent(parent, e) => {
            return Err(TransferError::io(format!("creating {}", parent.display()))(
                e,
            ));
        }
        Destination::Ready => {}
    }
    // Made here rather than on the blocking pool: a job stopped meanwhile must not leave a
    // temporary file made after it stopped (dropping it removes it at once).
    let (temp, handle) = TempFile::create(local).map_err(TransferError::io(format!(
        "creating a file beside {}",
        local.display()
    )))?;
    let handle = Arc::new(handle);
    let expected = version.expected_sha1().map(str::to_ascii_lowercase);
    let hashing = expected.is_some();

    let engine = &ctx.engine;
    let range_size = range_size(
        size,
        engine.part_size(size),
        engine.options.part_concurrency,
    );
    let actual = if size > engine.options.parallel_download_cutoff && size > range_size {
        fetch_ranges(ctx, &file_id, &handle, size, range_size, hashing).await?
    } else {
        let hasher = hashing.then(Sha1::new);
        fetch(ctx, &file_id, &handle, 0, size, hasher)
            .await?
            .map(|h| hex::encode(h.finalize()))
    };
    if let (Some(expected), Some(actual)) = (&expected, actual)
        && *expected != actual
    {
        return Err(B2Error::Sha1Mismatch {
            expected: expected.clone(),
            actual,
        }
        .into());
    }

    let mtime = version
        .file_info
        .get("src_last_modified_millis")
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| u64::try_from(version.upload_timestamp).ok())
        .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
    let dest = local.to_path_buf();
    let what = format!("writing {}", local.display());
    let target = io::blocking(move || {
        if let Some(t) = mtime {
            // Best effort: some file systems refuse times.
            let _ = handle.set_modified(t);
        }
        drop(handle);
        let target = if conflict == ConflictPolicy::KeepBoth && dest.exists() {
            keep_both_path(&dest)
        } else {
            dest
        };
        temp.persist(&target)?;
        Ok(target)
    })
    .await
    .map_err(TransferError::io(what))?;
    if target != local {
        ctx.engine
            .set_destination(ctx, target.display().to_string());
    }
    Ok(Outcome::Done {
        bytes: size,
        verified: hashing,
    })
}

/// What the destination of a download holds, seen before any byte moves.
enum Destination {
    /// Something is there and the policy skips it.
    Exists,
    /// A folder is in the way.
    Folder,
    /// Its folder could not be made.
    NoParent(PathBuf, std::io::Error),
    /// Its folder exists; the file may be written.
    Ready,
}

/// Checks `local` for `conflict` and makes its folder (blocking).
fn look_at_destination(local: &Path, conflict: ConflictPolicy) -> Destination {
    if conflict == ConflictPolicy::Skip && std::fs::symlink_metadata(local).is_ok() {
        return Destination::Exists;
    }
    if std::fs::metadata(local).is_ok_and(|m| m.is_dir()) {
        return Destination::Folder;
    }
    if let Some(parent) = local.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        return Destination::NoParent(parent.to_path_buf(), e);
    }
    Destination::Ready
}

/// Ranges of at most `part_size`, as many as a multiple of `streams` so that every stream
/// gets the same share and the ranges finish together rather than in a straggling last wave.
/// Upload parts are cut the same way.
pub(super) fn range_size(size: u64, part_size: u64, streams: usize) -> u64 {
    let streams = streams.max(1) as u64;
    let count = size.div_ceil(part_size.max(1)).div_ceil(streams) * streams;
    let even = size.div_ceil(count.max(1));
    // Not below 1 MiB, unless the parts themselves are smaller (tests).
    if part_size >= 1 << 20 {
        even.max(1 << 20)
    } else {
        even
    }
}

/// The version to download: as listed, or the newest version of a name.
async fn resolve(
    ctx: &JobCtx,
    bucket: &BucketRef,
    file: &RemoteFile,
) -> Result<FileVersion, TransferError> {
    match file {
        RemoteFile::Version(v) => Ok((**v).clone()),
        RemoteFile::Name(name) => {
            let req = ListFileNamesRequest {
                bucket_id: bucket.id.clone(),
                start_file_name: Some(name.clone()),
                max_file_count: Some(1),
                prefix: Some(name.clone()),
                delimiter: None,
            };
            let page = ctx.engine.client.list_file_names(&req).await?;
            page.files
                .into_iter()
                .find(|f| &f.file_name == name)
                .ok_or_else(|| {
                    TransferError::Invalid(format!("b2://{}/{name} not found", bucket.name))
                })
        }
    }
}

/// Bytes `start..end` of the file into `out` at the same offsets, feeding `hasher` in order.
/// A stream that breaks is resumed from the last byte written, within the retry policy.
async fn fetch(
    ctx: &JobCtx,
    file_id: &FileId,
    out: &Arc<File>,
    start: u64,
    end: u64,
    hasher: Option<Sha1>,
) -> Result<Option<Sha1>, TransferError> {
    if start >= end {
        return Ok(hasher);
    }
    // Where the range stands between tries: the next byte to fetch, and the hash so far.
    let state = std::sync::Mutex::new((start, hasher));
    let state = &state;
    // A body cut short is worth another range request from where it stopped.
    retry::run(
        &ctx.engine.transfer_policy(),
        Call::Resume,
        |_| async move {
            let (mut offset, mut hasher) = {
                let mut st = super::lock(state);
                (st.0, st.1.take())
            };
            let result = fetch_once(ctx, file_id, out, &mut offset, end, &mut hasher).await;
            *super::lock(state) = (offset, hasher);
            result
        },
    )
    .await?;
    let hasher = super::lock(state).1.take();
    Ok(hasher)
}

/// One range request from `*offset` to `end`, written as it arrives. A broken body is a
/// [`Failure::Retry`]; `*offset` and `hasher` tell how far it got.
async fn fetch_once(
    ctx: &JobCtx,
    file_id: &FileId,
    out: &Arc<File>,
    offset: &mut u64,
    end: u64,
    hasher: &mut Option<Sha1>,
) -> Result<(), Failure<TransferError>> {
    let range = Range {
        start: *offset,
        end: end - 1,
    };
    let mut download = ctx
        .engine
        .client
        .download_file_by_id(file_id, Some(range))
        .await
        .map_err(Failure::stop)?;
    // Received pieces are gathered, not copied, until a chunk's worth is written at once.
    let mut buf = Pending::default();
    let failure = loop {
        match download.next_chunk().await {
            Ok(Some(chunk)) => {
                buf.push(chunk);
                if buf.len >= CHUNK {
                    *hasher = write(ctx, out, &mut buf, offset, hasher.take())
                        .await
                        .map_err(Failure::Stop)?;
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    *hasher = write(ctx, out, &mut buf, offset, hasher.take())
        .await
        .map_err(Failure::Stop)?;
    match failure {
        Some(err) => Err(Failure::Retry(err)),
        None if *offset != end => Err(Failure::stop(B2Error::Decode(format!(
            "range ended at byte {offset}, expected {end}"
        )))),
        None => Ok(()),
    }
}

/// Received pieces not yet written, and their total length.
#[derive(Default)]
struct Pending {
    pieces: Vec<Bytes>,
    len: usize,
}

impl Pending {
    fn push(&mut self, piece: Bytes) {
        self.len += piece.len();
        self.pieces.push(piece);
    }
}

/// Writes (and hashes) the pieces in `buf` at `offset` on the blocking pool, then advances.
async fn write(
    ctx: &JobCtx,
    out: &Arc<File>,
    buf: &mut Pending,
    offset: &mut u64,
    hasher: Option<Sha1>,
) -> Result<Option<Sha1>, TransferError> {
    if buf.len == 0 {
        return Ok(hasher);
    }
    let pieces = std::mem::take(&mut buf.pieces);
    let len = std::mem::take(&mut buf.len) as u64;
    let at = *offset;
    let file = Arc::clone(out);
    let hasher = io::blocking(move || {
        let mut hasher = hasher;
        let mut at = at;
        for piece in &pieces {
            io::write_all_at(&file, piece, at)?;
            if let Some(h) = hasher.as_mut() {
                h.update(piece);
            }
            at += piece.len() as u64;
        }
        Ok(hasher)
    })
    .await
    .map_err(TransferError::io("writing the download"))?;
    *offset += len;
    ctx.progress.done.fetch_add(len, Ordering::Relaxed);
    Ok(hasher)
}

/// Parallel ranges of `range_size`, under the engine's part limit. With `hashing`, a
/// blocking task hashes each range as soon as every range before it is on disk, so the
/// whole-file SHA-1 is ready moments after the last byte.
async fn fetch_ranges(
    ctx: &JobCtx,
    file_id: &FileId,
    out: &Arc<File>,
    size: u64,
    range_size: u64,
    hashing: bool,
) -> Result<Option<String>, TransferError> {
    let ranges: Vec<(u64, u64)> = (0..size.div_ceil(range_size))
        .map(|i| (i * range_size, ((i + 1) * range_size).min(size)))
        .collect();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let hasher = hashing.then(|| {
        let file = Arc::clone(out);
        let ranges = ranges.clone();
        tokio::task::spawn_blocking(move || {
            let mut finished = BTreeSet::new();
            let mut next = 0;
            let mut h = Sha1::new();
            while let Some(i) = done_rx.blocking_recv() {
                finished.insert(i);
                while finished.remove(&next) {
                    let (a, b) = ranges[next];
                    io::hash_range(&file, a, b - a, &mut h)?;
                    next += 1;
                }
            }
            if next != ranges.len() {
                return Err(std::io::Error::other("not every range was written"));
            }
            Ok(hex::encode(h.finalize()))
        })
    });
    let parts = &ctx.engine.parts;
    let mut running: FuturesUnordered<_> = ranges
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let done_tx = done_tx.clone();
            async move {
                let _permit = parts
                    .acquire()
                    .await
                    .map_err(|_| TransferError::Invalid("engine stopped".into()))?;
                fetch(ctx, file_id, out, a, b, None).await?;
                let _ = done_tx.send(i);
                Ok::<_, TransferError>(())
            }
        })
        .collect();
    drop(done_tx);
    while let Some(r) = running.next().await {
        r?;
    }
    drop(running);
    match hasher {
        None => Ok(None),
        Some(task) => {
            let hex = task
                .await
                .map_err(|e| TransferError::Invalid(format!("hashing stopped: {e}")))?
                .map_err(TransferError::io("reading the download back"))?;
            Ok(Some(hex))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::range_size;

    #[test]
    fn ranges_are_even_across_streams() {
        // 1 GiB, 100 MB parts, 8 streams: 16 ranges of 67 MB (two even waves, not 11).
        assert_eq!(
            range_size(1 << 30, 100_000_000, 8),
            (1u64 << 30).div_ceil(16)
        );
        assert_eq!(
            range_size(1 << 28, 100_000_000, 8),
            (1u64 << 28).div_ceil(8)
        );
        assert_eq!(range_size(1_000_000, 200_000, 3), 166_667);
        assert_eq!(
            range_size(10 << 20, 100 << 20, 64),
            1 << 20,
            "at least 1 MiB"
        );
    }
}
