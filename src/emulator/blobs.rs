//! File bytes as files, content-addressed by SHA-1 under `blobs/xx/<sha1>`. Writes go to a
//! temp name, are fsynced, then renamed into place, so a crash never leaves a partial blob.
//! No metadata lives here; `store` decides which versions point at which blob.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::{Stream, StreamExt, stream};
use sha1::{Digest, Sha1};

use md5::Md5;

/// The blob directory; a private temp dir (removed on drop) when no data dir is given.
#[derive(Debug)]
pub struct Blobs {
    root: PathBuf,
    temporary: bool,
}

impl Drop for Blobs {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Digests and length of written content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub sha1: String,
    pub md5: String,
    pub len: u64,
}

/// One piece of a file's content: a blob and how many bytes of it are used.
#[derive(Debug, Clone)]
pub struct Segment {
    pub key: String,
    pub len: u64,
}

impl Blobs {
    pub fn open(data_dir: Option<&Path>) -> std::io::Result<Blobs> {
        let (root, temporary) = match data_dir {
            Some(dir) => (dir.join("blobs"), false),
            None => {
                let name = format!("b2tui-emulator-{}-{}", std::process::id(), random_suffix());
                (std::env::temp_dir().join(name), true)
            }
        };
        std::fs::create_dir_all(root.join("tmp"))?;
        if !temporary {
            // Writes cut short by a crash (kill -9 mid-upload) left their temp files here;
            // none of them was ever visible, so they go.
            for entry in std::fs::read_dir(root.join("tmp"))? {
                let _ = std::fs::remove_file(entry?.path());
            }
        }
        Ok(Blobs { root, temporary })
    }

    fn path_of(&self, key: &str) -> PathBuf {
        let shard = key.get(..2).unwrap_or("xx");
        self.root.join(shard).join(key)
    }

    fn temp_path(&self) -> PathBuf {
        self.root.join("tmp").join(random_suffix())
    }

    /// Starts a streaming write. `hold_back` trailing bytes are kept out of the blob and
    /// the digests (used for `hex_digits_at_end`).
    pub async fn writer(&self, hold_back: usize) -> std::io::Result<BlobWriter> {
        let path = self.temp_path();
        let file = tokio::fs::File::create(&path).await?.into_std().await;
        let pending = PendingBlob {
            temp: Some(path),
            final_path: PathBuf::new(),
            key: String::new(),
        };
        Ok(BlobWriter::start(
            file,
            pending,
            hold_back,
            self.root.clone(),
        ))
    }

    /// Writes a whole buffer as a committed blob (seeding, copies). Blocking.
    pub fn put(&self, data: &[u8]) -> std::io::Result<(String, Digests)> {
        let sha1 = hex::encode(Sha1::digest(data));
        let digests = Digests {
            sha1: sha1.clone(),
            md5: hex::encode(Md5::digest(data)),
            len: data.len() as u64,
        };
        let final_path = self.path_of(&sha1);
        if !final_path.exists() {
            let temp = self.temp_path();
            let mut file = std::fs::File::create(&temp)?;
            std::io::Write::write_all(&mut file, data)?;
            file.sync_all()?;
            drop(file);
            place(&temp, &final_path)?;
        }
        Ok((sha1, digests))
    }

    /// Reads `range` (start, inclusive end) of the concatenated segments. Blocking.
    pub fn read_range(
        &self,
        segments: &[Segment],
        start: u64,
        end: u64,
    ) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        for (seg, from, len) in slice_segments(segments, start, end) {
            let mut file = std::fs::File::open(self.path_of(&seg.key))?;
            file.seek(SeekFrom::Start(from))?;
            file.take(len).read_to_end(&mut out)?;
        }
        Ok(out)
    }

    /// Copies `length` bytes from `start` (inclusive `end`) of the segments into a new
    /// committed blob, hashing on the way. Blocking.
    pub fn copy_range(
        &self,
        segments: &[Segment],
        start: u64,
        end: u64,
        length: u64,
    ) -> std::io::Result<(String, Digests)> {
        if length == 0 {
            return self.put(&[]);
        }
        let temp = self.temp_path();
        let mut out = std::fs::File::create(&temp)?;
        let mut sha1 = Sha1::new();
        let mut md5 = Md5::new();
        let mut buf = vec![0u8; 1 << 16];
        for (seg, from, len) in slice_segments(segments, start, end) {
            let mut file = std::fs::File::open(self.path_of(&seg.key))?;
            file.seek(SeekFrom::Start(from))?;
            let mut reader = file.take(len);
            loop {
                let n = reader.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                sha1.update(&buf[..n]);
                md5.update(&buf[..n]);
                std::io::Write::write_all(&mut out, &buf[..n])?;
            }
        }
        out.sync_all()?;
        drop(out);
        let key = hex::encode(sha1.finalize());
        let digests = Digests {
            sha1: key.clone(),
            md5: hex::encode(md5.finalize()),
            len: length,
        };
        place(&temp, &self.path_of(&key))?;
        Ok((key, digests))
    }

    /// Streams `range` (start, inclusive end) of the concatenated segments.
    pub fn stream_range(
        &self,
        segments: &[Segment],
        start: u64,
        end: u64,
    ) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
        let pieces: Vec<(PathBuf, u64, u64)> = slice_segments(segments, start, end)
            .into_iter()
            .map(|(seg, from, len)| (self.path_of(&seg.key), from, len))
            .collect();
        // Each chunk is read on the blocking pool straight into the buffer that goes out.
        stream::iter(pieces).flat_map(|(path, from, len)| {
            let start = (None::<std::fs::File>, len);
            stream::try_unfold(start, move |(file, left)| {
                let path = path.clone();
                async move {
                    if left == 0 {
                        return Ok(None);
                    }
                    let n = READ_CHUNK.min(usize::try_from(left).unwrap_or(READ_CHUNK));
                    let (file, chunk) = tokio::task::spawn_blocking(move || {
                        let mut file = match file {
                            Some(file) => file,
                            None => {
                                let mut file = std::fs::File::open(&path)?;
                                file.seek(SeekFrom::Start(from))?;
                                file
                            }
                        };
                        // read_to_end fills spare capacity without zeroing it first.
                        let mut buf = Vec::with_capacity(n);
                        (&mut file).take(n as u64).read_to_end(&mut buf)?;
                        if buf.len() != n {
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::UnexpectedEof,
                                "blob is shorter than its record",
                            ));
                        }
                        Ok::<_, std::io::Error>((file, Bytes::from(buf)))
                    })
                    .await
                    .map_err(|err| std::io::Error::other(err.to_string()))??;
                    Ok(Some((chunk, (Some(file), left - n as u64))))
                }
            })
        })
    }
}

/// Size of the chunks a download is streamed in.
const READ_CHUNK: usize = 1 << 20;

/// The (segment, offset inside it, length) pieces covering `start..=end`.
fn slice_segments(segments: &[Segment], start: u64, end: u64) -> Vec<(&Segment, u64, u64)> {
    let mut pieces = Vec::new();
    let mut offset = 0u64;
    for seg in segments {
        let seg_end = offset + seg.len; // exclusive
        if seg.len > 0 && seg_end > start && offset <= end {
            let from = start.saturating_sub(offset);
            let to = (end + 1).min(seg_end) - offset;
            pieces.push((seg, from, to - from));
        }
        offset = seg_end;
    }
    pieces
}

/// Renames a fsynced temp file into place and syncs the directory; an existing blob with
/// the same content wins.
fn place(temp: &Path, final_path: &Path) -> std::io::Result<()> {
    let dir = final_path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    if final_path.exists() {
        std::fs::remove_file(temp)?;
        return Ok(());
    }
    std::fs::rename(temp, final_path)?;
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

fn random_suffix() -> String {
    crate::emulator::ids::random_hex(12)
}

/// Chunks queued per hashing/writing thread before the receiver waits.
const QUEUE: usize = 64;
/// Write buffer of the blob file: small network chunks become large writes.
const WRITE_BUFFER: usize = 4 << 20;

/// A streaming write in progress. Chunks go, without copying, to two blocking threads:
/// one hashes SHA-1 and writes the file, the other hashes MD5, so neither digest waits
/// for the other.
pub struct BlobWriter {
    to_file: Option<tokio::sync::mpsc::Sender<Bytes>>,
    to_md5: Option<tokio::sync::mpsc::Sender<Bytes>>,
    file_task: tokio::task::JoinHandle<std::io::Result<(String, u64)>>,
    md5_task: tokio::task::JoinHandle<String>,
    pending: PendingBlob,
    len: u64,
    hold_back: usize,
    /// Bytes not yet passed on: at most `hold_back` of them once a write returns.
    tail: std::collections::VecDeque<Bytes>,
    tail_len: usize,
    root: PathBuf,
}

impl BlobWriter {
    fn start(
        file: std::fs::File,
        pending: PendingBlob,
        hold_back: usize,
        root: PathBuf,
    ) -> BlobWriter {
        let (to_file, mut file_rx) = tokio::sync::mpsc::channel::<Bytes>(QUEUE);
        let (to_md5, mut md5_rx) = tokio::sync::mpsc::channel::<Bytes>(QUEUE);
        let file_task = tokio::task::spawn_blocking(move || {
            let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, file);
            let mut sha1 = Sha1::new();
            let mut len = 0u64;
            while let Some(chunk) = file_rx.blocking_recv() {
                sha1.update(&chunk);
                len += chunk.len() as u64;
                std::io::Write::write_all(&mut out, &chunk)?;
            }
            let file = out
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            file.sync_all()?;
            Ok((hex::encode(sha1.finalize()), len))
        });
        let md5_task = tokio::task::spawn_blocking(move || {
            let mut md5 = Md5::new();
            while let Some(chunk) = md5_rx.blocking_recv() {
                md5.update(&chunk);
            }
            hex::encode(md5.finalize())
        });
        BlobWriter {
            to_file: Some(to_file),
            to_md5: Some(to_md5),
            file_task,
            md5_task,
            pending,
            len: 0,
            hold_back,
            tail: std::collections::VecDeque::new(),
            tail_len: 0,
            root,
        }
    }

    /// Adds a chunk of content (the last `hold_back` bytes of all chunks are kept out).
    pub async fn write(&mut self, chunk: Bytes) -> std::io::Result<()> {
        if self.hold_back == 0 {
            return self.pass_on(chunk).await;
        }
        self.tail_len += chunk.len();
        self.tail.push_back(chunk);
        while self.tail_len > self.hold_back {
            let excess = self.tail_len - self.hold_back;
            let Some(front) = self.tail.front_mut() else {
                break;
            };
            let piece = if front.len() <= excess {
                self.tail.pop_front().unwrap_or_default()
            } else {
                front.split_to(excess)
            };
            self.tail_len -= piece.len();
            self.pass_on(piece).await?;
        }
        Ok(())
    }

    async fn pass_on(&mut self, chunk: Bytes) -> std::io::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        self.len += chunk.len() as u64;
        let closed = || std::io::Error::other("blob writer stopped");
        if let Some(tx) = &self.to_md5 {
            tx.send(chunk.clone()).await.map_err(|_| closed())?;
        }
        if let Some(tx) = &self.to_file {
            tx.send(chunk).await.map_err(|_| closed())?;
        }
        Ok(())
    }

    /// Bytes written so far (excluding held-back bytes).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Flushes and fsyncs; returns the digests, the held-back bytes and a blob to commit.
    pub async fn finish(mut self) -> std::io::Result<(Digests, Vec<u8>, PendingBlob)> {
        self.to_file = None;
        self.to_md5 = None;
        let joined = |err: tokio::task::JoinError| std::io::Error::other(err.to_string());
        let (sha1, len) = (&mut self.file_task).await.map_err(joined)??;
        let md5 = (&mut self.md5_task).await.map_err(joined)?;
        let mut tail = Vec::with_capacity(self.tail_len);
        for piece in &self.tail {
            tail.extend_from_slice(piece);
        }
        let mut pending = std::mem::replace(
            &mut self.pending,
            PendingBlob {
                temp: None,
                final_path: PathBuf::new(),
                key: String::new(),
            },
        );
        let shard = sha1.get(..2).unwrap_or("xx").to_string();
        pending.final_path = self.root.join(shard).join(&sha1);
        pending.key = sha1.clone();
        Ok((Digests { sha1, md5, len }, tail, pending))
    }
}

/// Written, fsynced content not yet visible under its key; removed on drop unless committed.
#[derive(Debug)]
pub struct PendingBlob {
    temp: Option<PathBuf>,
    final_path: PathBuf,
    key: String,
}

impl PendingBlob {
    /// Moves the blob into place and returns its key. Blocking.
    pub fn commit(mut self) -> std::io::Result<String> {
        if let Some(temp) = self.temp.take() {
            place(&temp, &self.final_path)?;
        }
        Ok(std::mem::take(&mut self.key))
    }
}

impl Drop for PendingBlob {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_ranges() {
        let segs = vec![
            Segment {
                key: "a".into(),
                len: 5,
            },
            Segment {
                key: "b".into(),
                len: 5,
            },
        ];
        let got: Vec<(String, u64, u64)> = slice_segments(&segs, 3, 6)
            .into_iter()
            .map(|(s, f, l)| (s.key.clone(), f, l))
            .collect();
        assert_eq!(got, vec![("a".into(), 3, 2), ("b".into(), 0, 2)]);
        assert_eq!(slice_segments(&segs, 0, 9).len(), 2);
        assert_eq!(slice_segments(&segs, 5, 5).len(), 1);
    }

    #[tokio::test]
    async fn write_hold_back_and_read() {
        let blobs = Blobs::open(None).unwrap();
        let mut writer = blobs.writer(3).await.unwrap();
        for piece in ["he", "llo", " world", "X", "YZ"] {
            writer
                .write(Bytes::from_static(piece.as_bytes()))
                .await
                .unwrap();
        }
        let (digests, tail, pending) = writer.finish().await.unwrap();
        assert_eq!(tail, b"XYZ");
        assert_eq!(digests.len, 11);
        assert_eq!(digests.sha1, hex::encode(Sha1::digest(b"hello world")));
        let key = pending.commit().unwrap();
        let seg = [Segment { key, len: 11 }];
        assert_eq!(blobs.read_range(&seg, 6, 10).unwrap(), b"world");
        let streamed: Vec<u8> = blobs
            .stream_range(&seg, 0, 4)
            .map(|chunk| chunk.unwrap().to_vec())
            .concat()
            .await;
        assert_eq!(streamed, b"hello");
    }
}
