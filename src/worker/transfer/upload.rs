//! Uploads: small files with b2_upload_file, bigger ones as large files whose parts go up in
//! parallel, each on its own part URL; an unfinished large file of the same name, size and
//! SHA-1 is resumed (parts whose SHA-1 matches are kept).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use bytes::Bytes;
use futures::stream::{FuturesUnordered, StreamExt, TryStreamExt};

use super::io::{self, CHUNK};
use super::{BucketRef, JobCtx, Outcome, TransferError, lock};
use crate::b2::paginate;
use crate::b2::retry::{self, Call, Failure};
use crate::b2::{
    B2Error, FileAction, FileId, FileVersion, Part, StartLargeFileRequest, UploadBody, UploadMeta,
    UploadPartUrl,
};

/// File info key holding the source size, so that a resume only picks a matching upload.
pub const SRC_SIZE_INFO: &str = "src_size";

/// Small files up to this size are read into memory whole (one per running job).
const IN_MEMORY_LIMIT: u64 = 4 * CHUNK as u64;

pub(super) async fn run(
    ctx: &JobCtx,
    local: &Path,
    bucket: &BucketRef,
    file_name: &str,
) -> Result<Outcome, TransferError> {
    if file_name.is_empty() {
        return Err(TransferError::Invalid("empty file name".into()));
    }
    let what = format!("reading {}", local.display());
    let path = local.to_path_buf();
    let (file, stamp) = io::blocking(move || {
        let file = File::open(&path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(std::io::Error::other("not a regular file"));
        }
        Ok((Arc::new(file), Stamp::of(&meta)))
    })
    .await
    .map_err(TransferError::io(what))?;
    let (size, mtime) = (stamp.size, stamp.millis());
    ctx.progress.total.store(size, Ordering::Relaxed);
    let mut info = BTreeMap::new();
    if let Some(ms) = mtime {
        info.insert("src_last_modified_millis".to_owned(), ms.to_string());
    }
    let engine = &ctx.engine;
    let part_size = engine.part_size(size);
    if size > engine.options.large_file_cutoff && size > part_size {
        engine.mark_large_file(ctx);
        let file = LocalFile {
            file,
            size,
            path: local,
            stamp,
        };
        upload_large(ctx, &file, bucket, file_name, info, part_size).await?;
    } else {
        let file = LocalFile {
            file,
            size,
            path: local,
            stamp,
        };
        upload_small(ctx, &file, bucket, file_name, info).await?;
    }
    Ok(Outcome::Done {
        bytes: size,
        verified: true,
    })
}

/// b2_upload_file with a fresh upload URL after any failure; the body is re-read per try.
/// A file that changed while a try read it is not kept: that version is deleted again.
async fn upload_small(
    ctx: &JobCtx,
    local: &LocalFile<'_>,
    bucket: &BucketRef,
    file_name: &str,
    file_info: BTreeMap<String, String>,
) -> Result<FileVersion, TransferError> {
    let engine = &ctx.engine;
    let client = &engine.client;
    let size = local.size;
    let meta = UploadMeta {
        file_name: file_name.to_owned(),
        content_type: None,
        file_info,
        test_mode: None,
    };
    // b2_upload_file: after any failure the URL is dropped and a new one taken.
    let meta = &meta;
    retry::run(
        &engine.transfer_policy(),
        Call::Upload,
        |attempt| async move {
            // Each try reads the file as it is when the try starts; the first one as the job
            // found it a moment ago when it opened the file.
            let before = if attempt == 1 {
                local.stamp
            } else {
                Stamp::read(local.path).await.map_err(|e| {
                    Failure::Stop(TransferError::io(format!(
                        "reading {}",
                        local.path.display()
                    ))(e))
                })?
            };
            if before.size != size {
                return Err(Failure::Stop(changed(local.path)));
            }
            let url = match engine.take_upload_url(&bucket.id) {
                Some(u) => u,
                None => client
                    .get_upload_url(&bucket.id)
                    .await
                    .map_err(Failure::stop)?,
            };
            let tally = io::Tally::new(&ctx.progress.done);
            let body = if size <= IN_MEMORY_LIMIT {
                let file = Arc::clone(&local.file);
                let buf = io::blocking(move || {
                    let mut buf = vec![0u8; size as usize];
                    io::read_exact_at(&file, &mut buf, 0)?;
                    Ok(buf)
                })
                .await
                .map_err(|e| {
                    Failure::Stop(TransferError::io(format!("reading for {file_name}"))(e))
                })?;
                tally.add(size);
                UploadBody::Bytes(Bytes::from(buf))
            } else {
                UploadBody::HexAtEnd {
                    content_length: size,
                    stream: io::hex_at_end_stream(Arc::clone(&local.file), 0, size, tally.clone()),
                }
            };
            let uploaded = client
                .upload_file_body(&url, meta, body)
                .await
                .inspect_err(|_| tally.undo())
                .map_err(|e| read_or_retry(&tally, local.path, e))?;
            engine.return_upload_url(&bucket.id, url);
            if Stamp::read(local.path).await.ok() != Some(before) {
                // The bytes that went up may mix old and new content: not a version to keep.
                if let Some(id) = &uploaded.file_id {
                    let _ = client.delete_file_version(file_name, id).await;
                }
                tally.undo();
                return Err(Failure::Stop(changed(local.path)));
            }
            Ok(uploaded)
        },
    )
    .await
}

/// A failed upload call: the local read that cut its body short ends the job with that
/// problem (a removed or unreadable file does not come back with a retry); anything else
/// goes to the retry policy.
fn read_or_retry(tally: &io::Tally, path: &Path, e: B2Error) -> Failure<TransferError> {
    match tally.read_error() {
        Some(read) => Failure::Stop(TransferError::io(format!("reading {}", path.display()))(
            read,
        )),
        None => Failure::Retry(e),
    }
}

/// The error of a local file that changed while it was being uploaded.
fn changed(path: &Path) -> TransferError {
    // One stat: a file that is gone says so rather than "changed".
    let what = match path.try_exists() {
        Ok(false) => "was removed",
        _ => "changed",
    };
    TransferError::Invalid(format!(
        "{} {what} while it was being uploaded; nothing was kept: upload it again",
        path.display()
    ))
}

/// A local file's size and modification time: when they differ after an upload from
/// before it, the file changed while it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: Option<u128>,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        Stamp {
            size: meta.len(),
            mtime,
        }
    }

    async fn read(path: &Path) -> std::io::Result<Stamp> {
        Ok(Stamp::of(&tokio::fs::metadata(path).await?))
    }

    /// Milliseconds since the epoch, as `src_last_modified_millis` says them.
    fn millis(&self) -> Option<u128> {
        self.mtime.map(|ns| ns / 1_000_000)
    }
}

struct LocalFile<'a> {
    file: Arc<File>,
    size: u64,
    path: &'a Path,
    /// Size and modification time when the upload began.
    stamp: Stamp,
}

/// One planned part: number (from 1), offset and length.
#[derive(Clone, Copy, Debug)]
struct PartPlan {
    number: u32,
    offset: u64,
    len: u64,
}

fn plan_parts(size: u64, part_size: u64) -> Vec<PartPlan> {
    let count = size.div_ceil(part_size);
    (0..count)
        .map(|i| {
            let offset = i * part_size;
            PartPlan {
                number: (i + 1) as u32,
                offset,
                len: part_size.min(size - offset),
            }
        })
        .collect()
}

async fn upload_large(
    ctx: &JobCtx,
    local: &LocalFile<'_>,
    bucket: &BucketRef,
    file_name: &str,
    mut file_info: BTreeMap<String, String>,
    part_size: u64,
) -> Result<FileVersion, TransferError> {
    let engine = &ctx.engine;
    let client = &engine.client;
    let size = local.size;
    // Even parts, a multiple of the streams in number, so that no straggling last wave runs
    // on a few streams (the same cut every time for the same file and settings).
    let even = super::download::range_size(size, part_size, engine.options.part_concurrency)
        .max(client.session().absolute_minimum_part_size)
        .max(size.div_ceil(10_000));
    // One read of the file gives the whole-file SHA-1 (needed before b2_start_large_file,
    // for `large_file_sha1` and to find an upload to resume) and every part's SHA-1, so the
    // parts then go up with their SHA-1 in the header and are not hashed again.
    engine.start_hashing(ctx);
    let hashed = io::sha1_with_parts(
        Arc::clone(&local.file),
        size,
        even,
        Arc::clone(&ctx.progress.hashed),
    )
    .await;
    engine.end_hashing(ctx);
    let (whole_sha1, even_sha1s) = hashed.map_err(TransferError::io(format!(
        "reading {}",
        local.path.display()
    )))?;
    file_info.insert("large_file_sha1".to_owned(), whole_sha1.clone());
    file_info.insert(SRC_SIZE_INFO.to_owned(), size.to_string());

    let (file_id, existing) =
        match find_unfinished(ctx, bucket, file_name, size, &whole_sha1).await? {
            Some(id) => {
                let parts = paginate::parts(client.clone(), id.clone())
                    .map_ok(|page| page.items)
                    .try_concat()
                    .await?;
                (id, parts)
            }
            None => {
                let started = client
                    .start_large_file(&StartLargeFileRequest {
                        bucket_id: bucket.id.clone(),
                        file_name: file_name.to_owned(),
                        content_type: "b2/x-auto".to_owned(),
                        file_info,
                    })
                    .await?;
                let id = started
                    .file_id
                    .ok_or_else(|| B2Error::Decode("b2_start_large_file gave no fileId".into()))?;
                (id, Vec::new())
            }
        };
    *lock(&ctx.large_file) = Some(file_id.clone());

    // Parts already on B2 are kept when their length and SHA-1 match the local bytes. Their
    // part size wins, so that a resume cuts the file the same way.
    let part_size = existing
        .iter()
        .find(|p| p.part_number == 1)
        .map(|p| p.content_length)
        .filter(|&len| len >= client.session().absolute_minimum_part_size && len < size)
        .unwrap_or(even);
    let plan = plan_parts(size, part_size);
    // The SHA-1s from the first read fit this plan unless a resume cut the file otherwise.
    let known: Vec<Option<String>> = if part_size == even && even_sha1s.len() == plan.len() {
        even_sha1s.into_iter().map(Some).collect()
    } else {
        vec![None; plan.len()]
    };
    let on_b2: BTreeMap<u32, &Part> = existing.iter().map(|p| (p.part_number, p)).collect();
    let mut sha1s: Vec<Option<String>> = vec![None; plan.len()];
    for p in &plan {
        let Some(remote) = on_b2.get(&p.number).filter(|r| r.content_length == p.len) else {
            continue;
        };
        let local_sha1 = match &known[(p.number - 1) as usize] {
            Some(sha1) => sha1.clone(),
            None => io::sha1_of_range(Arc::clone(&local.file), p.offset, p.len)
                .await
                .map_err(TransferError::io(format!(
                    "reading {}",
                    local.path.display()
                )))?,
        };
        if local_sha1.eq_ignore_ascii_case(&remote.content_sha1) {
            ctx.progress.done.fetch_add(p.len, Ordering::Relaxed);
            sha1s[(p.number - 1) as usize] = Some(local_sha1);
        }
    }

    let urls: Mutex<Vec<UploadPartUrl>> = Mutex::new(Vec::new());
    let mut running: FuturesUnordered<_> = plan
        .iter()
        .filter(|p| sha1s[(p.number - 1) as usize].is_none())
        .map(|p| {
            let sha1 = known[(p.number - 1) as usize].as_deref();
            upload_part(ctx, local, &file_id, *p, sha1, &urls)
        })
        .collect();
    while let Some(done) = running.next().await {
        let part = match done {
            Ok(part) => part,
            // A part refused because its bytes no longer match the SHA-1 read first.
            Err(e) => return Err(unless_changed(ctx, local, &file_id, e).await),
        };
        sha1s[(part.part_number - 1) as usize] = Some(part.content_sha1);
    }
    if Stamp::read(local.path).await.ok() != Some(local.stamp) {
        return Err(unless_changed(ctx, local, &file_id, changed(local.path)).await);
    }
    let sha1s: Vec<String> = sha1s.into_iter().map(Option::unwrap_or_default).collect();
    let finished = client.finish_large_file(&file_id, &sha1s).await?;
    lock(&ctx.large_file).take();
    Ok(finished)
}

/// `error`, unless the local file changed since the upload began: then the unfinished large
/// file is cancelled (none of it is worth resuming) and the error says the file changed.
async fn unless_changed(
    ctx: &JobCtx,
    local: &LocalFile<'_>,
    file_id: &FileId,
    error: TransferError,
) -> TransferError {
    if Stamp::read(local.path).await.ok() == Some(local.stamp) {
        return error;
    }
    if ctx.engine.client.cancel_large_file(file_id).await.is_ok() {
        lock(&ctx.large_file).take();
    }
    changed(local.path)
}

/// The newest unfinished large file with this name, size and whole-file SHA-1, if any.
async fn find_unfinished(
    ctx: &JobCtx,
    bucket: &BucketRef,
    file_name: &str,
    size: u64,
    sha1: &str,
) -> Result<Option<FileId>, TransferError> {
    let pages = paginate::unfinished_large_files(
        ctx.engine.client.clone(),
        bucket.id.clone(),
        Some(file_name.to_owned()),
    );
    let best = pages
        .try_fold(None::<FileVersion>, |mut best, page| async move {
            for f in page.items {
                let matches = f.file_name == file_name
                    && f.action == FileAction::Start
                    && f.file_info.get(SRC_SIZE_INFO).map(String::as_str)
                        == Some(&size.to_string())
                    && f.file_info
                        .get("large_file_sha1")
                        .is_some_and(|s| s.eq_ignore_ascii_case(sha1));
                if matches
                    && best
                        .as_ref()
                        .is_none_or(|b| f.upload_timestamp > b.upload_timestamp)
                {
                    best = Some(f);
                }
            }
            Ok(best)
        })
        .await?;
    Ok(best.and_then(|f| f.file_id))
}

/// b2_upload_part for one part, streamed from disk with its `sha1` in the header when it is
/// known, else hashed on the way with `hex_digits_at_end`, under the engine's part limit; a
/// failed try drops its part URL and takes a fresh one.
async fn upload_part(
    ctx: &JobCtx,
    local: &LocalFile<'_>,
    file_id: &FileId,
    p: PartPlan,
    sha1: Option<&str>,
    urls: &Mutex<Vec<UploadPartUrl>>,
) -> Result<Part, TransferError> {
    let engine = &ctx.engine;
    let client = &engine.client;
    let _permit = Arc::clone(&engine.parts)
        .acquire_owned()
        .await
        .map_err(|_| TransferError::Invalid("engine stopped".into()))?;
    // b2_upload_part: a failed try drops its URL; the next takes a fresh one.
    retry::run(&engine.transfer_policy(), Call::Upload, |_| async move {
        let url = lock(urls).pop();
        let url = match url {
            Some(u) => u,
            None => client
                .get_upload_part_url(file_id)
                .await
                .map_err(Failure::stop)?,
        };
        let tally = io::Tally::new(&ctx.progress.done);
        let body = match sha1 {
            Some(sha1) => UploadBody::Known {
                content_length: p.len,
                sha1: sha1.to_owned(),
                stream: io::range_stream(local.path.to_path_buf(), p.offset, p.len, tally.clone()),
            },
            None => UploadBody::HexAtEnd {
                content_length: p.len,
                stream: io::hex_at_end_stream(
                    Arc::clone(&local.file),
                    p.offset,
                    p.len,
                    tally.clone(),
                ),
            },
        };
        let part = client
            .upload_part(&url, p.number, body)
            .await
            .inspect_err(|_| tally.undo())
            .map_err(|e| read_or_retry(&tally, local.path, e))?;
        lock(urls).push(url);
        Ok(part)
    })
    .await
}
