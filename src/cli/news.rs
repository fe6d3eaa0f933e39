//! One file's end as `cp` tells it, whether the file was a job of its own or one file of a
//! folder copied as one job: its `--json` object (with the local copy's SHA-1 for a file
//! copied), and the counts of the files of a folder, kept as numbers only.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::progress::Totals;
use crate::worker::transfer::{
    FileOutcome, GroupFileEnd, JobKind, JobSnapshot, SkipReason, TransferEvent,
};

/// A remote name must not be written locally: a failure of `cp`, not a skip.
pub fn is_unsafe(reason: &SkipReason) -> bool {
    matches!(reason, SkipReason::UnsafeName(_))
}

/// A file's end as its `--json` object names it (`done`, `skipped`, `failed`,
/// `cancelled`), with the error or reason it gives; an unsafe name is a failure.
fn event_of(outcome: &FileOutcome) -> (&'static str, Option<String>) {
    match outcome {
        FileOutcome::Done { .. } => ("done", None),
        FileOutcome::Skipped(reason) if is_unsafe(reason) => ("failed", Some(reason.to_string())),
        FileOutcome::Skipped(reason) => ("skipped", Some(reason.to_string())),
        FileOutcome::Failed(error) => ("failed", Some(error.to_string())),
        FileOutcome::Cancelled => ("cancelled", None),
    }
}

/// One file's end, as its `--json` object says it.
#[derive(Clone, Debug, PartialEq)]
pub struct FileNews {
    /// `done`, `skipped`, `failed` or `cancelled`.
    pub event: &'static str,
    pub source: String,
    pub destination: String,
    pub bytes: u64,
    pub error: Option<String>,
    /// The local copy of a file done, whose SHA-1 the object carries.
    pub local: Option<PathBuf>,
}

impl FileNews {
    /// The news of a job of one file from its final event (`None` for other events).
    pub fn of_job(ev: &TransferEvent, job: &JobSnapshot) -> Option<Self> {
        let outcome = match ev {
            TransferEvent::Finished { verified, .. } => FileOutcome::Done {
                verified: *verified,
            },
            TransferEvent::Failed { error, .. } => FileOutcome::Failed(error.clone()),
            TransferEvent::Skipped { reason, .. } => FileOutcome::Skipped(reason.clone()),
            TransferEvent::Cancelled { .. } => FileOutcome::Cancelled,
            _ => return None,
        };
        let (event, error) = event_of(&outcome);
        let done = event == "done";
        Some(Self {
            event,
            bytes: if done {
                job.bytes_total
            } else {
                job.bytes_done
            },
            local: done.then(|| local_side(job.kind, &job.source, &job.destination)),
            error,
            source: job.source.clone(),
            destination: job.destination.clone(),
        })
    }

    /// The news of one file of a folder copied as one job.
    pub fn of_file(file: &GroupFileEnd) -> Self {
        let (event, error) = event_of(&file.outcome);
        Self {
            event,
            bytes: file.bytes,
            local: (event == "done")
                .then(|| local_side(file.kind, &file.source, &file.destination)),
            error,
            source: file.source.clone(),
            destination: file.destination.clone(),
        }
    }

    /// The `--json` object, its `sha1` still null.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "event": self.event,
            "source": self.source,
            "destination": self.destination,
            "bytes": self.bytes,
            "sha1": null,
            "error": self.error,
        })
    }
}

/// The local side of a transfer: an upload's source, a download's destination.
fn local_side(kind: JobKind, source: &str, destination: &str) -> PathBuf {
    PathBuf::from(match kind {
        JobKind::Upload => source,
        JobKind::Download => destination,
    })
}

/// What the files of folders copied as one job did so far, from their events: numbers
/// only, never a record per file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileCounts {
    pub totals: Totals,
    /// Listings (or walks) that stopped: counted as failed, but not files found.
    pub listings: u64,
}

impl FileCounts {
    /// Counts one file's end.
    pub fn add(&mut self, file: &GroupFileEnd) {
        let t = &mut self.totals;
        match &file.outcome {
            FileOutcome::Done { .. } => {
                t.copied += 1;
                t.bytes += file.bytes;
            }
            FileOutcome::Skipped(reason) if is_unsafe(reason) => t.failed += 1,
            FileOutcome::Skipped(_) => t.skipped += 1,
            FileOutcome::Failed(_) => t.failed += 1,
            FileOutcome::Cancelled => t.cancelled += 1,
        }
        if file.listing {
            self.listings += 1;
        }
    }

    /// Files found that ended so far (listings that stopped are not files).
    pub fn ended(&self) -> u64 {
        let t = &self.totals;
        (t.copied + t.skipped + t.failed + t.cancelled).saturating_sub(self.listings)
    }
}

/// Hex SHA-1 of a local file.
pub fn sha1_of(path: &Path) -> std::io::Result<String> {
    use sha1::{Digest, Sha1};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha1::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::Failure;

    #[test]
    fn sha1_of_a_file() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello world")?;
        assert_eq!(sha1_of(&p)?, "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed");
        Ok(())
    }

    fn file(outcome: FileOutcome, listing: bool) -> GroupFileEnd {
        GroupFileEnd {
            kind: JobKind::Download,
            source: "b2://b/p/a".into(),
            destination: "/d/a".into(),
            kept_both: false,
            bytes: 7,
            listing,
            outcome,
        }
    }

    #[test]
    fn files_of_a_folder_count_as_jobs_of_one_file_would() {
        let mut counts = FileCounts::default();
        let unsafe_name = SkipReason::UnsafeName(crate::worker::transfer::UnsafeName::Empty);
        let failed = FileOutcome::Failed(Failure::Local("no".into()));
        for (outcome, listing) in [
            (FileOutcome::Done { verified: true }, false),
            (FileOutcome::Skipped(SkipReason::Same), false),
            (FileOutcome::Skipped(unsafe_name), false),
            (failed.clone(), false),
            (failed, true),
            (FileOutcome::Cancelled, false),
        ] {
            counts.add(&file(outcome, listing));
        }
        let t = counts.totals;
        assert_eq!(
            (t.copied, t.skipped, t.failed, t.cancelled, t.bytes),
            (1, 1, 3, 1, 7)
        );
        assert_eq!(counts.ended(), 5, "the listing is not a file");
        let news = FileNews::of_file(&file(FileOutcome::Done { verified: true }, false));
        assert_eq!(news.local, Some(PathBuf::from("/d/a")));
        assert_eq!(news.json()["event"], "done");
    }
}
