//! The public face of jobs of many files: what they move ([`GroupSpec`], [`GroupItem`]) and
//! where they stand ([`GroupStatus`], with the files running and the failures).

use std::path::PathBuf;

use super::jobs::{BucketRef, ConflictPolicy, JobKind, RetryWait, SkipReason};
use crate::b2::FileVersion;
use crate::worker::Failure;

/// Failures a status lists at most (the count is always whole).
pub const LISTED_FAILURES: usize = 200;

/// One entry of a download of many files.
#[derive(Clone, Debug, PartialEq)]
pub enum GroupItem {
    /// A file as listed.
    File(Box<FileVersion>),
    /// The newest version of a name.
    Name(String),
    /// Everything under a folder prefix.
    Folder(String),
}

impl GroupItem {
    pub(super) fn name(&self) -> &str {
        match self {
            Self::File(v) => &v.file_name,
            Self::Name(n) | Self::Folder(n) => n,
        }
    }
}

/// What a job of many files moves.
#[derive(Clone, Debug, PartialEq)]
pub enum GroupSpec {
    /// `items` into `dir`, at their names relative to `base`.
    Download {
        bucket: BucketRef,
        base: String,
        items: Vec<GroupItem>,
        dir: PathBuf,
        conflict: ConflictPolicy,
    },
    /// Every file under `dir` as `prefix` + its relative path. `conflict` is `SkipSame` to
    /// leave remote files holding the same bytes alone; anything else uploads every file.
    Upload {
        dir: PathBuf,
        bucket: BucketRef,
        prefix: String,
        conflict: ConflictPolicy,
    },
}

impl GroupSpec {
    pub(super) fn kind(&self) -> JobKind {
        match self {
            Self::Download { .. } => JobKind::Download,
            Self::Upload { .. } => JobKind::Upload,
        }
    }

    pub(super) fn labels(&self) -> (String, String) {
        match self {
            Self::Download {
                bucket,
                base,
                items,
                dir,
                ..
            } => {
                let source = match items.as_slice() {
                    [one] => format!("b2://{}/{}", bucket.name, one.name()),
                    many => format!("b2://{}/{base} ({} entries)", bucket.name, many.len()),
                };
                (source, dir.display().to_string())
            }
            Self::Upload {
                dir,
                bucket,
                prefix,
                ..
            } => (
                dir.display().to_string(),
                format!("b2://{}/{prefix}", bucket.name),
            ),
        }
    }

    pub(super) fn conflict(&self) -> ConflictPolicy {
        match self {
            Self::Download { conflict, .. } | Self::Upload { conflict, .. } => *conflict,
        }
    }
}

/// One file moving inside a job of many files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStatus {
    pub name: String,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Bytes hashed so far while a large upload computes its SHA-1.
    pub hashing: Option<u64>,
    pub retry: Option<Box<RetryWait>>,
}

/// One file of a job of many files that failed, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct FileFailure {
    pub name: String,
    pub error: Failure,
}

/// How one file of a job of many files ended ([`GroupFileEnd`]).
#[derive(Clone, Debug, PartialEq)]
pub enum FileOutcome {
    /// Copied; `verified` as in [`TransferEvent::Finished`](super::TransferEvent::Finished).
    Done {
        verified: bool,
    },
    /// Not transferred on purpose (the conflict policy), or refused: a remote name that
    /// must not be written locally, which the job counts as failed, or a local path that
    /// cannot become a B2 name.
    Skipped(SkipReason),
    Failed(Failure),
    /// Its job was cancelled before the file ended; a retry of the job does it again.
    Cancelled,
}

/// One file of a job of many files that reached its end, labelled as a job of that one
/// file would be: the local path, and `b2://bucket/name` for the remote side.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFileEnd {
    pub kind: JobKind,
    pub source: String,
    /// Where the bytes went: for a download kept beside an existing file, its
    /// `name (1).ext`.
    pub destination: String,
    /// True when `destination` is not where the file was asked to go (the conflict policy
    /// keep-both).
    pub kept_both: bool,
    /// Bytes copied (a file done), or moved before it ended.
    pub bytes: u64,
    /// A listing (or the walk of the folder) that stopped, not one file: the files past
    /// it were not found.
    pub listing: bool,
    pub outcome: FileOutcome,
}

/// Where a job of many files stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupStatus {
    /// False while names are still being listed (downloads) or files walked (uploads).
    pub listing_done: bool,
    /// Files found so far.
    pub found: u64,
    /// Files copied.
    pub done: u64,
    /// Files left alone on purpose (the conflict policy).
    pub skipped: u64,
    pub failed: u64,
    /// Bytes moved (files copied, and the files running so far).
    pub bytes_done: u64,
    /// Bytes of the files found, less those skipped.
    pub bytes_total: u64,
    pub bytes_per_sec: u64,
    /// Bytes of the files copied.
    pub bytes_copied: u64,
    /// The files moving now (at most the engine's file limit).
    pub running: Vec<FileStatus>,
    /// The first [`LISTED_FAILURES`] failures.
    pub failures: Vec<FileFailure>,
    /// Time spent running, over every run of the job.
    pub elapsed_ms: u64,
}

impl GroupStatus {
    /// Files settled: copied, skipped or failed.
    pub fn settled(&self) -> u64 {
        self.done + self.skipped + self.failed
    }
}
