//! Blocking file I/O for transfers, off the async threads: positioned reads and writes,
//! SHA-1 of file ranges, and the upload stream that reads a range and appends its SHA-1.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use sha1::{Digest, Sha1};

/// Bytes read or written per blocking step.
pub const CHUNK: usize = 1 << 20;

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(unix)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::write_at(file, buf, offset)
}

#[cfg(windows)]
fn write_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_write(file, buf, offset)
}

/// Fills `buf` from `offset`; a file shorter than expected is an error (it changed).
pub fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match read_at(file, buf, offset) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file became shorter while it was being read",
                ));
            }
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The next `n` bytes from `file`'s cursor in a new buffer; reading through a `File` fills
/// the buffer's spare capacity without zeroing it first. A file shorter than expected is an
/// error (it changed).
pub fn read_chunk(mut file: &File, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(n);
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, n as u64), &mut buf)?;
    if buf.len() != n {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the file became shorter while it was being read",
        ));
    }
    Ok(buf)
}

/// Writes all of `buf` at `offset`.
pub fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match write_at(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Feeds `len` bytes of `file` from `offset` into `hasher` (blocking).
pub fn hash_range(file: &File, offset: u64, len: u64, hasher: &mut Sha1) -> std::io::Result<()> {
    let mut buf = vec![0u8; CHUNK.min(len as usize)];
    let mut done = 0u64;
    while done < len {
        let n = CHUNK.min((len - done) as usize);
        read_exact_at(file, &mut buf[..n], offset + done)?;
        hasher.update(&buf[..n]);
        done += n as u64;
    }
    Ok(())
}

/// Hex SHA-1 of `len` bytes of `file` from `offset`, on a blocking thread.
pub async fn sha1_of_range(file: Arc<File>, offset: u64, len: u64) -> std::io::Result<String> {
    blocking(move || {
        let mut h = Sha1::new();
        hash_range(&file, offset, len, &mut h)?;
        Ok(hex::encode(h.finalize()))
    })
    .await
}

/// The whole-file SHA-1 and the SHA-1 of each `part_size` piece (the last may be shorter),
/// from a single read of the first `len` bytes of `file`, on blocking threads: the reading
/// thread hashes the whole file while a second one hashes the parts, so both digests take
/// about the time of one. Each chunk's length is added to `hashed` as it goes.
pub async fn sha1_with_parts(
    file: Arc<File>,
    len: u64,
    part_size: u64,
    hashed: Arc<AtomicU64>,
) -> std::io::Result<(String, Vec<String>)> {
    let part_size = part_size.max(1);
    blocking(move || {
        // A handle of its own, read from the start (every other reader uses positioned
        // reads, which leave the cursor alone).
        let mut own = file.try_clone()?;
        std::io::Seek::seek(&mut own, std::io::SeekFrom::Start(0))?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Bytes>(8);
        std::thread::scope(|scope| {
            let parts = scope.spawn(move || {
                let mut sha1s = Vec::new();
                let mut h = Sha1::new();
                let mut in_part = 0u64;
                // Chunks never straddle a part boundary.
                for chunk in rx {
                    h.update(&chunk);
                    in_part += chunk.len() as u64;
                    if in_part == part_size {
                        sha1s.push(hex::encode(h.finalize_reset()));
                        in_part = 0;
                    }
                }
                if in_part > 0 {
                    sha1s.push(hex::encode(h.finalize()));
                }
                sha1s
            });
            let mut whole = Sha1::new();
            let read = (|| {
                let mut done = 0u64;
                while done < len {
                    let to_boundary = part_size - done % part_size;
                    let n = (CHUNK as u64).min(len - done).min(to_boundary) as usize;
                    let buf = read_chunk(&own, n)?;
                    whole.update(&buf);
                    if tx.send(Bytes::from(buf)).is_err() {
                        return Err(std::io::Error::other("part hashing stopped"));
                    }
                    done += n as u64;
                    hashed.fetch_add(n as u64, Ordering::Relaxed);
                }
                Ok(())
            })();
            drop(tx);
            let sha1s = parts
                .join()
                .map_err(|_| std::io::Error::other("part hashing stopped"))?;
            read?;
            Ok((hex::encode(whole.finalize()), sha1s))
        })
    })
    .await
}

/// Upload body of `len` bytes of the file at `path` from `offset`, read a chunk at a time
/// on the blocking pool through a handle of its own, not hashed (its SHA-1 is already known
/// and checked by B2, so a file replaced meanwhile is refused). Each chunk handed to HTTP is
/// added to `tally`.
pub fn range_stream(path: PathBuf, offset: u64, len: u64, tally: Tally) -> reqwest::Body {
    let path = Arc::new(path);
    let stream = futures::stream::try_unfold((None::<File>, len), move |(file, left)| {
        let path = Arc::clone(&path);
        let tally = tally.clone();
        async move {
            if left == 0 {
                return Ok(None);
            }
            let n = CHUNK.min(usize::try_from(left).unwrap_or(CHUNK));
            let (file, chunk) = blocking(move || {
                let file = match file {
                    Some(file) => file,
                    None => {
                        let mut file = File::open(&*path)?;
                        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(offset))?;
                        file
                    }
                };
                let chunk = read_chunk(&file, n)?;
                Ok((file, Bytes::from(chunk)))
            })
            .await
            .inspect_err(|e| tally.read_failed(e))?;
            tally.add(n as u64);
            Ok::<_, std::io::Error>(Some((chunk, (Some(file), left - n as u64))))
        }
    });
    reqwest::Body::wrap_stream(stream)
}

/// Runs blocking file work on tokio's blocking pool.
pub async fn blocking<T, F>(f: F) -> std::io::Result<T>
where
    F: FnOnce() -> std::io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| std::io::Error::other(format!("file task stopped: {e}")))?
}

/// Bytes of one attempt, counted into the job's total as they move; [`Tally::undo`] takes
/// them back when the attempt fails (its retry moves them again). It also keeps the error
/// of a local read that cut the body short, so that the attempt fails as the local problem
/// it is (a file removed or unreadable) instead of as a network error that is retried.
#[derive(Clone, Debug)]
pub struct Tally {
    job: Arc<AtomicU64>,
    attempt: Arc<AtomicU64>,
    read_error: Arc<std::sync::Mutex<Option<(std::io::ErrorKind, String)>>>,
}

impl Tally {
    /// A fresh attempt counting into `job`.
    pub fn new(job: &Arc<AtomicU64>) -> Self {
        Self {
            job: Arc::clone(job),
            attempt: Arc::new(AtomicU64::new(0)),
            read_error: Arc::default(),
        }
    }

    /// Notes that reading the local file failed with `e` (the body ends there).
    fn read_failed(&self, e: &std::io::Error) {
        let mut slot = self.read_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| (e.kind(), e.to_string()));
    }

    /// The local read that cut this attempt's body short, if one did.
    pub fn read_error(&self) -> Option<std::io::Error> {
        let slot = self.read_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref()
            .map(|(kind, message)| std::io::Error::new(*kind, message.clone()))
    }

    pub fn add(&self, n: u64) {
        self.attempt.fetch_add(n, Ordering::Relaxed);
        self.job.fetch_add(n, Ordering::Relaxed);
    }

    /// Removes this attempt's bytes from the job's total.
    pub fn undo(&self) {
        let n = self.attempt.swap(0, Ordering::Relaxed);
        self.job.fetch_sub(n, Ordering::Relaxed);
    }
}

/// Upload body for `hex_digits_at_end`: `len` bytes of `file` from `offset`, read a chunk at a
/// time on the blocking pool and hashed there, then the 40 hex digits. Each chunk handed to
/// HTTP is added to `tally`.
pub fn hex_at_end_stream(file: Arc<File>, offset: u64, len: u64, tally: Tally) -> reqwest::Body {
    struct State {
        file: Arc<File>,
        next: u64,
        end: u64,
        hasher: Option<Sha1>,
        tally: Tally,
    }
    let state = State {
        file,
        next: offset,
        end: offset + len,
        hasher: Some(Sha1::new()),
        tally,
    };
    let stream = futures::stream::try_unfold(state, |mut st| async move {
        let Some(hasher) = st.hasher.take() else {
            return Ok(None);
        };
        if st.next == st.end {
            let hex = hex::encode(hasher.finalize());
            return Ok(Some((Bytes::from(hex), st)));
        }
        let n = CHUNK.min((st.end - st.next) as usize);
        let file = Arc::clone(&st.file);
        let at = st.next;
        let (chunk, hasher) = blocking(move || {
            let mut hasher = hasher;
            let mut buf = vec![0u8; n];
            read_exact_at(&file, &mut buf, at)?;
            hasher.update(&buf);
            Ok((Bytes::from(buf), hasher))
        })
        .await
        .inspect_err(|e| st.tally.read_failed(e))?;
        st.next += n as u64;
        st.hasher = Some(hasher);
        st.tally.add(n as u64);
        Ok::<_, std::io::Error>(Some((chunk, st)))
    });
    reqwest::Body::wrap_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_read_gives_the_whole_and_part_sha1s() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..3 * CHUNK + 12_345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(&path, &data).unwrap();
        let file = Arc::new(File::open(&path).unwrap());
        for part_size in [CHUNK as u64 + 3, 700_000, data.len() as u64, 1 << 30] {
            let hashed = Arc::new(AtomicU64::new(0));
            let (whole, parts) = sha1_with_parts(
                Arc::clone(&file),
                data.len() as u64,
                part_size,
                hashed.clone(),
            )
            .await
            .unwrap();
            assert_eq!(whole, hex::encode(Sha1::digest(&data)), "{part_size}");
            let expected: Vec<String> = data
                .chunks(part_size as usize)
                .map(|c| hex::encode(Sha1::digest(c)))
                .collect();
            assert_eq!(parts, expected, "{part_size}");
            assert_eq!(hashed.load(Ordering::Relaxed), data.len() as u64);
        }
        // The first bytes only; a file shorter than announced is an error.
        let (whole, parts) = sha1_with_parts(Arc::clone(&file), 10, 4, Arc::default())
            .await
            .unwrap();
        assert_eq!(whole, hex::encode(Sha1::digest(&data[..10])));
        assert_eq!(parts.len(), 3);
        let too_long = data.len() as u64 + 1;
        assert!(
            sha1_with_parts(file, too_long, 1 << 20, Arc::default())
                .await
                .is_err()
        );
    }
}
