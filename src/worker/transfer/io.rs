//! Blocking file I/O for transfers, off the async threads: positioned reads and writes,
//! SHA-1 of file ranges, and the upload stream that reads a range and appends its SHA-1.

use std::fs::File;
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

/// Hex SHA-1 of the first `len` bytes of `file`, on a blocking thread, adding each chunk's
/// length to `hashed` as it goes (the job's hashing progress).
pub async fn sha1_counting(
    file: Arc<File>,
    len: u64,
    hashed: Arc<AtomicU64>,
) -> std::io::Result<String> {
    blocking(move || {
        let mut h = Sha1::new();
        let mut done = 0u64;
        while done < len {
            let n = (CHUNK as u64).min(len - done);
            hash_range(&file, done, n, &mut h)?;
            done += n;
            hashed.fetch_add(n, Ordering::Relaxed);
        }
        Ok(hex::encode(h.finalize()))
    })
    .await
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
/// them back when the attempt fails (its retry moves them again).
#[derive(Clone, Debug)]
pub struct Tally {
    job: Arc<AtomicU64>,
    attempt: Arc<AtomicU64>,
}

impl Tally {
    /// A fresh attempt counting into `job`.
    pub fn new(job: &Arc<AtomicU64>) -> Self {
        Self {
            job: Arc::clone(job),
            attempt: Arc::new(AtomicU64::new(0)),
        }
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
        .await?;
        st.next += n as u64;
        st.hasher = Some(hasher);
        st.tally.add(n as u64);
        Ok::<_, std::io::Error>(Some((chunk, st)))
    });
    reqwest::Body::wrap_stream(stream)
}
