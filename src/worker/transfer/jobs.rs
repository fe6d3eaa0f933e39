//! The job model of the transfer engine: ids, specs, states, snapshots, events, options and
//! errors, and the typed reason a job was skipped.

use std::path::PathBuf;
use std::time::Duration;

use crate::b2::{B2Error, BucketId, FileVersion};
use crate::worker::Failure;

/// Identifies one job for the life of the engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u64);

impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Direction of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    Upload,
    Download,
}

/// Where a job stands. `Done`, `Failed`, `Cancelled` and `Skipped` are final until a retry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a free slot.
    Queued,
    Running,
    /// Stopped by the user; [`TransferEngine::resume`] starts it again (a large upload keeps
    /// its parts and resumes).
    Paused,
    Done,
    Failed {
        error: Failure,
    },
    Cancelled,
    /// Not transferred on purpose: the conflict policy, or an unsafe remote name.
    Skipped {
        reason: SkipReason,
    },
}

impl JobState {
    /// True once the job will not move without a retry or resume.
    pub fn is_final(&self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }
}

/// Why a job was not transferred on purpose ([`JobState::Skipped`]); callers decide on
/// the variant, never on the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The conflict policy `Skip` found the local file already there.
    Exists(PathBuf),
    /// The remote name must not be written locally.
    UnsafeName(super::paths::UnsafeName),
    /// The local path cannot become a B2 name (not UTF-8, odd components).
    NoRemoteName(String),
    /// The conflict policy `SkipSame` found the other side already holding the same bytes:
    /// same size and SHA-1.
    Same,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exists(path) => write!(f, "{} exists", path.display()),
            Self::UnsafeName(why) => write!(f, "unsafe name: {why}"),
            Self::NoRemoteName(why) => f.write_str(why),
            Self::Same => f.write_str("already there (same size and SHA-1)"),
        }
    }
}

/// What to do when a download's local file already exists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConflictPolicy {
    /// Leave the local file alone; the job ends `Skipped`.
    Skip,
    /// Replace it (atomically, by rename, once the download is verified).
    #[default]
    Overwrite,
    /// Write beside it as `name (1).ext`.
    KeepBoth,
    /// Leave the other side alone when it holds the same bytes (same size and SHA-1: the
    /// local file's against `contentSha1`, or `large_file_sha1` for large files; a remote
    /// file with neither is never the same); transfer it otherwise, replacing it.
    SkipSame,
}

/// How a cancelled upload leaves B2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CancelMode {
    /// `b2_cancel_large_file`: the parts uploaded so far are deleted.
    #[default]
    Discard,
    /// Keep the unfinished large file so that a later upload of the same file resumes it.
    KeepForResume,
}

/// A bucket as transfers need it: the id for calls, the name for URLs and labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRef {
    pub id: BucketId,
    pub name: String,
}

/// The remote side of a download.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteFile {
    /// The newest version of a name (looked up when the job starts).
    Name(String),
    /// A version already listed.
    Version(Box<FileVersion>),
}

impl RemoteFile {
    pub(super) fn name(&self) -> &str {
        match self {
            Self::Name(n) => n,
            Self::Version(v) => &v.file_name,
        }
    }
}

/// What a job does; kept so that a failed job can be retried as it was.
#[derive(Clone, Debug, PartialEq)]
pub enum JobSpec {
    Upload {
        local: PathBuf,
        bucket: BucketRef,
        file_name: String,
    },
    Download {
        bucket: BucketRef,
        file: RemoteFile,
        local: PathBuf,
        conflict: ConflictPolicy,
    },
    /// Many files as one job: a folder, a marked set or search results.
    Group(Box<super::group::GroupSpec>),
}

impl JobSpec {
    pub(super) fn kind(&self) -> JobKind {
        match self {
            Self::Upload { .. } => JobKind::Upload,
            Self::Download { .. } => JobKind::Download,
            Self::Group(g) => g.kind(),
        }
    }

    /// (source, destination) labels, `b2://bucket/name` for the remote side.
    pub(super) fn labels(&self) -> (String, String) {
        match self {
            Self::Upload {
                local,
                bucket,
                file_name,
            } => (
                local.display().to_string(),
                format!("b2://{}/{file_name}", bucket.name),
            ),
            Self::Download {
                bucket,
                file,
                local,
                ..
            } => (
                format!("b2://{}/{}", bucket.name, file.name()),
                local.display().to_string(),
            ),
            Self::Group(g) => g.labels(),
        }
    }
}

/// One row of the job table.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSnapshot {
    pub id: JobId,
    pub kind: JobKind,
    pub source: String,
    pub destination: String,
    pub bytes_done: u64,
    /// 0 until known (a download by name learns it when it starts).
    pub bytes_total: u64,
    /// Recent throughput, bytes per second.
    pub bytes_per_sec: u64,
    pub state: JobState,
    /// True once an upload goes as a large file (above
    /// [`TransferOptions::large_file_cutoff`]): only then has a cancel parts to discard or
    /// keep for resume.
    pub large_file: bool,
    /// Bytes hashed so far while a large upload computes its whole-file SHA-1
    /// (`large_file_sha1`) before any byte goes up; `None` otherwise.
    pub hashing: Option<u64>,
    /// The wait before the next try while a running job retries a failed call; cleared
    /// by the next byte moved or the next state.
    pub retry: Option<Box<RetryWait>>,
    /// A job of many files: where it stands, file by file in aggregate.
    pub group: Option<Box<super::group::GroupStatus>>,
    /// How long a finished job's work took (see [`TransferEvent::Finished`]).
    pub elapsed_ms: Option<u64>,
}

/// A job waiting to try a call again after a failure that may go away by itself (429, 5xx,
/// the network).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryWait {
    /// The try that comes after the wait (2 for the first retry).
    pub attempt: u32,
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// Why the last try failed.
    pub error: Failure,
    /// The wait before the next try.
    pub delay: Duration,
    /// When the wait began (wall clock, ms since the epoch), so that a view can count down.
    pub since_unix_ms: i64,
}

impl RetryWait {
    /// The failure in a few words: `503 service_unavailable`, or the network's reason.
    pub fn cause(&self) -> String {
        match &self.error {
            Failure::B2 { status, code, .. } | Failure::Refused { status, code, .. } => {
                format!("{status} {code}")
            }
            other => other.message().to_owned(),
        }
    }

    /// Whole seconds left of the wait (rounded up) at `now_unix_ms`; the whole wait when
    /// the time is not known.
    pub fn secs_left(&self, now_unix_ms: Option<i64>) -> u64 {
        let total = u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX);
        let left = match now_unix_ms {
            Some(now) => {
                let passed = u64::try_from(now.saturating_sub(self.since_unix_ms)).unwrap_or(0);
                total.saturating_sub(passed)
            }
            None => total,
        };
        left.div_ceil(1000)
    }
}

/// Whole milliseconds of `d` (saturating).
pub fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What the engine reports, in order per job. Progress comes at most 10 times a second per
/// job, and once more before the job's final event.
#[derive(Clone, Debug, PartialEq)]
pub enum TransferEvent {
    /// A new row.
    Queued {
        job: JobSnapshot,
    },
    Started {
        id: JobId,
    },
    /// The upload goes as a large file (b2_start_large_file, or an unfinished one resumed).
    LargeFileStarted {
        id: JobId,
    },
    /// A large upload computes its whole-file SHA-1 before any part goes up: `bytes_hashed`
    /// of `bytes_total` so far. Throttled like `Progressed`; the last one has every byte
    /// hashed (the upload proper starts).
    Hashing {
        id: JobId,
        bytes_hashed: u64,
        bytes_total: u64,
    },
    /// The bytes went elsewhere than the job's destination said: a download under the
    /// conflict policy keep-both, written beside the existing file as `name (1).ext`. The
    /// job's destination is now `destination` (a local path). Comes before `Finished`.
    DestinationChanged {
        id: JobId,
        destination: String,
    },
    Progressed {
        id: JobId,
        bytes_done: u64,
        bytes_total: u64,
        bytes_per_sec: u64,
    },
    /// A call of the job failed and is tried again after `retry.delay`; `bytes_done` is
    /// where the job stands while it waits (bytes of the failed try taken back). The next
    /// `Progressed` with more bytes, or the next state, ends the wait.
    Retrying {
        id: JobId,
        retry: Box<RetryWait>,
        bytes_done: u64,
    },
    Finished {
        id: JobId,
        bytes: u64,
        /// False when B2 had no SHA-1 to check a download against (a large file uploaded
        /// without `large_file_sha1`).
        verified: bool,
        /// How long the job's work took, from its start (a queued job's wait not counted)
        /// to its last byte verified.
        elapsed_ms: u64,
    },
    Failed {
        id: JobId,
        error: Failure,
    },
    Skipped {
        id: JobId,
        reason: SkipReason,
    },
    Cancelled {
        id: JobId,
    },
    Paused {
        id: JobId,
    },
    /// A job of many files moved on: counts, bytes, the files running and the failures.
    /// Throttled like `Progressed`, and once more before the final event.
    GroupProgressed {
        id: JobId,
        status: Box<super::group::GroupStatus>,
    },
    /// One file of a job of many files reached its end (or could not be transferred at
    /// all, or a listing stopped), as the final event of a job of that one file would say.
    /// Only with [`TransferOptions::file_events`].
    GroupFileEnded {
        id: JobId,
        file: Box<super::group::GroupFileEnd>,
    },
    /// One file of a job of many files waits to try a call again; `name` is its source
    /// label (the job's status shows the wait too). Only with
    /// [`TransferOptions::file_events`].
    GroupFileRetrying {
        id: JobId,
        name: String,
        retry: Box<RetryWait>,
    },
}

/// Limits and sizes. The defaults suit real B2.
#[derive(Clone, Debug)]
pub struct TransferOptions {
    /// Files transferred at once.
    pub file_concurrency: usize,
    /// Parts (uploads) and ranges (downloads) in flight at once, across all files.
    pub part_concurrency: usize,
    /// Uploads above this size become large files.
    pub large_file_cutoff: u64,
    /// Part and range size; `None` = the account's `recommendedPartSize`. Never below
    /// `absoluteMinimumPartSize`.
    pub part_size: Option<u64>,
    /// Downloads above this size are fetched as parallel ranges.
    pub parallel_download_cutoff: u64,
    /// Tries per upload, part or range (at least the client's `max_attempts`): data
    /// transfers see more transient failures than JSON calls.
    pub transfer_attempts: u32,
    /// Single uploads (and the per-file folder upload) leave a remote file alone when it
    /// already holds the same bytes (same size and SHA-1).
    pub skip_same_uploads: bool,
    /// Jobs of many files tell of each file's end and retry (`GroupFileEnded`,
    /// `GroupFileRetrying`), for a caller that reports file by file; off, their status
    /// alone tells of their files.
    pub file_events: bool,
}

impl TransferOptions {
    /// The defaults with the config file's `[transfers]` limits.
    pub fn from_settings(s: &crate::config::TransferSettings) -> Self {
        Self {
            file_concurrency: s.files,
            part_concurrency: s.parts,
            skip_same_uploads: s.skip_same_uploads,
            ..Self::default()
        }
    }
}

impl Default for TransferOptions {
    fn default() -> Self {
        Self {
            file_concurrency: crate::config::DEFAULT_TRANSFER_FILES,
            part_concurrency: crate::config::DEFAULT_TRANSFER_PARTS,
            large_file_cutoff: 200_000_000,
            part_size: None,
            parallel_download_cutoff: 200_000_000,
            transfer_attempts: 10,
            skip_same_uploads: false,
            file_events: false,
        }
    }
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    B2(#[from] B2Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl TransferError {
    pub(super) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}

impl From<&TransferError> for Failure {
    fn from(err: &TransferError) -> Self {
        match err {
            TransferError::B2(e) => Failure::from(e),
            other => Failure::Local(other.to_string()),
        }
    }
}
