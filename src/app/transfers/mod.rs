//! Transfers state: the job table mirrored from the engine's events, the path prompt, the
//! transfers dialogs, the download plan and the unfinished large files, with pure helpers.
//! The `App` methods live in one file per view or dialog; `route.rs` leads keys to them.

mod cancel;
pub mod complete;
mod download;
mod events;
mod prompt;
mod quit;
mod route;
pub mod rows;
mod unfinished;
mod upload;
mod view;

use std::collections::BTreeMap;

use tui_input::Input;

pub use complete::{Completion, complete, dir_to_list};
pub use rows::Row;

use crate::app::BucketRef;
use crate::app::panes::Cursor;
use crate::b2::FileVersion;
use crate::input::Scope;
use crate::worker::transfer::{self, ConflictPolicy, JobId, JobKind, JobSnapshot, JobState};
use crate::worker::transfer_cmds::{DownloadItem, TransferCommand};
use crate::worker::{Command, RequestId};

fn cmd(c: TransferCommand) -> Command {
    Command::Transfer(c)
}

fn engine_bucket(b: &BucketRef) -> transfer::BucketRef {
    transfer::BucketRef {
        id: b.id.clone(),
        name: b.name.clone(),
    }
}

/// The last segment of a B2 name (`a/b/c.txt` → `c.txt`, `a/b/` → `b/`).
fn base_label(name: &str) -> &str {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    match trimmed.rfind('/') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// What a path prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptPurpose {
    /// Upload a local file or folder into `prefix`.
    Upload { bucket: BucketRef, prefix: String },
    /// The folder to download the planned entries into.
    DownloadTo,
    /// The local copy of an unfinished large file, to resume it.
    Resume {
        bucket: BucketRef,
        file_name: String,
    },
}

/// A one-line local path input with Tab completion.
#[derive(Clone, Debug)]
pub struct PathPrompt {
    pub purpose: PromptPurpose,
    pub input: Input,
    /// Names matching the typed path, shown when completion was ambiguous.
    pub candidates: Vec<String>,
    /// The listing in flight and the text it completes.
    pub completing: Option<(RequestId, String)>,
    pub error: Option<String>,
}

impl PartialEq for PathPrompt {
    fn eq(&self, other: &Self) -> bool {
        self.purpose == other.purpose
            && self.input.value() == other.input.value()
            && self.candidates == other.candidates
            && self.completing == other.completing
            && self.error == other.error
    }
}

impl Eq for PathPrompt {}

impl PathPrompt {
    pub fn new(purpose: PromptPurpose, value: &str) -> Self {
        Self {
            purpose,
            input: Input::new(value.to_owned()),
            candidates: Vec::new(),
            completing: None,
            error: None,
        }
    }
}

/// A transfers overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferModal {
    Path(PathPrompt),
    /// Existing local files: asked once per download batch, only when something exists
    /// (the plan is in [`TransfersState::plan`]); `choice` is highlighted, `remember`
    /// keeps the answer for the rest of the session.
    Conflict {
        choice: ConflictPolicy,
        remember: bool,
    },
    /// Cancel one job; `can_keep` for uploads that are large files (their unfinished large
    /// file stays resumable).
    Cancel {
        id: JobId,
        label: String,
        can_keep: bool,
    },
    /// The list in [`TransfersState::unfinished`].
    Unfinished,
    /// `b2_cancel_large_file` of one unfinished file, asked first.
    CancelUnfinished {
        file_id: String,
        file_name: String,
    },
    /// Quitting while transfers run: what stops and what is kept, asked first.
    ConfirmQuit {
        message: String,
    },
    /// Cancel every job not yet finished, asked first.
    CancelAll {
        message: String,
    },
    /// A folder upload whose destination holds names already: a new version of each, or
    /// skip the files that hold the same bytes; `choice` is highlighted.
    UploadConflict(Box<UploadConflict>),
}

/// The question before a folder upload into names that exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadConflict {
    pub choice: ConflictPolicy,
    pub local: std::path::PathBuf,
    pub bucket: transfer::BucketRef,
    pub prefix: String,
    /// One of the names there.
    pub example: String,
}

impl TransferModal {
    pub fn scope(&self) -> Scope {
        match self {
            TransferModal::Path(_) => Scope::PathPrompt,
            TransferModal::Conflict { .. } => Scope::Conflict,
            TransferModal::Cancel { can_keep: true, .. } => Scope::CancelJob,
            TransferModal::Cancel { .. } | TransferModal::CancelUnfinished { .. } => {
                Scope::ConfirmCancel
            }
            TransferModal::Unfinished => Scope::Unfinished,
            TransferModal::ConfirmQuit { .. } => Scope::ConfirmQuit,
            TransferModal::CancelAll { .. } => Scope::ConfirmCancel,
            TransferModal::UploadConflict(_) => Scope::Conflict,
        }
    }
}

/// A download waiting for its folder and conflict policy.
#[derive(Clone, Debug, PartialEq)]
pub struct DownloadPlan {
    pub bucket: BucketRef,
    /// The folder shown when it was planned; names are made relative to it.
    pub base: String,
    pub items: Vec<DownloadItem>,
    /// `report.txt`, `alps/` or `3 entries`.
    pub label: String,
    /// Chosen in the prompt.
    pub dir: Option<String>,
    /// The check for existing local targets in flight.
    pub checking: Option<RequestId>,
    /// What the check found: how many targets exist, and the first few.
    pub existing: (usize, Vec<std::path::PathBuf>),
}

/// The unfinished large files of one bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct UnfinishedList {
    pub bucket: BucketRef,
    /// None while loading.
    pub files: Option<Vec<FileVersion>>,
    pub cursor: Cursor,
    pub req: RequestId,
}

impl UnfinishedList {
    pub fn selected(&self) -> Option<&FileVersion> {
        self.files.as_ref()?.get(self.cursor.selected)
    }
}

/// Transfers state inside `App`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransfersState {
    /// The job table, as the engine reported it.
    pub jobs: BTreeMap<JobId, JobSnapshot>,
    pub cursor: Cursor,
    /// The last download folder chosen (remembered for the session).
    pub download_dir: Option<String>,
    pub plan: Option<DownloadPlan>,
    pub unfinished: Option<UnfinishedList>,
    /// An upload into the folder shown finished: reload it on the next tick.
    pub refresh_files: bool,
    /// Upload/download commands in flight (their queued count or error comes back).
    pub(crate) queueing: Vec<RequestId>,
    /// `b2_cancel_large_file` calls in flight.
    pub(crate) cancelling: Vec<RequestId>,
    /// The local file of every upload queued this session, by its `b2://bucket/name`: a
    /// resume of the unfinished large file offers it (B2 keeps no local path).
    pub upload_sources: BTreeMap<String, String>,
    /// The resume asked for last (its request and `b2://bucket/name`) until it is done or
    /// failed: a failure replaces the "Resuming…" note.
    pub(crate) resuming: Option<(RequestId, String)>,
    /// The existing-files answer kept for the session ("don't ask again").
    pub conflict_default: Option<ConflictPolicy>,
    /// Jobs of many files shown with their files (running ones, then failures).
    pub expanded: std::collections::BTreeSet<JobId>,
    /// The engine's limits, files at once and parts at once (from the configuration).
    pub limits: Option<(usize, usize)>,
}

/// How a job names a remote file: `b2://bucket/name`.
fn remote_label(bucket: &BucketRef, file_name: &str) -> String {
    format!("b2://{}/{file_name}", bucket.name)
}

/// Batch totals over the job table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub jobs: usize,
    pub queued: usize,
    pub running: usize,
    /// Running jobs waiting to try a failed call again.
    pub retrying: usize,
    pub paused: usize,
    pub done: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub skipped: usize,
    /// Bytes over the jobs that are not cancelled, failed or skipped.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Sum of the running jobs' speeds.
    pub bytes_per_sec: u64,
    /// Files of the jobs of many files: settled (copied, skipped, failed) and found.
    pub group_files: (u64, u64),
}

impl Totals {
    /// Whole percent done (0 when nothing is known).
    pub fn percent(&self) -> u64 {
        percent(self.bytes_done, self.bytes_total)
    }

    /// True while something is queued or running.
    pub fn is_active(&self) -> bool {
        self.queued + self.running > 0
    }
}

/// How long a job took: tenths of a second under a minute (`0.4s`, `41.2s`), then
/// `12m05s`, then `3h02m`.
pub fn took(ms: u64) -> String {
    if ms < 60_000 {
        return format!("{}.{}s", ms / 1000, (ms % 1000) / 100);
    }
    match ms / 1000 {
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A job of many files in one line: `4,998 copied · 2 skipped · 0 failed · 320 MB in 41.2s`.
pub fn summary(g: &transfer::GroupStatus) -> String {
    let time = took(g.elapsed_ms);
    format!(
        "{} copied · {} skipped · {} failed · {} in {time}",
        count(g.done),
        count(g.skipped),
        count(g.failed),
        humansize::format_size(g.bytes_copied, humansize::DECIMAL)
    )
}

/// A count with thousands separators: `12,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole percent of `done` in `total` (0 for an unknown total).
pub fn percent(done: u64, total: u64) -> u64 {
    if total == 0 {
        return 0;
    }
    (u128::from(done.min(total)) * 100 / u128::from(total)) as u64
}

/// Seconds left at `bytes_per_sec`, None when nothing moves or the size is unknown.
pub fn eta_secs(done: u64, total: u64, bytes_per_sec: u64) -> Option<u64> {
    if bytes_per_sec == 0 || total == 0 || done >= total {
        return None;
    }
    Some((total - done).div_ceil(bytes_per_sec))
}

/// True when enough of a job has moved for its speed to say when it ends: some bytes
/// (at least 1 % of the size, or 1 MB) at a measured speed, with bytes left.
pub fn eta_is_meaningful(done: u64, total: u64, bytes_per_sec: u64) -> bool {
    const ENOUGH: u64 = 1_000_000;
    bytes_per_sec > 0
        && done > 0
        && done < total
        && (done >= ENOUGH || u128::from(done) * 100 >= u128::from(total))
}

impl TransfersState {
    /// Counts and bytes over every job.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            jobs: self.jobs.len(),
            ..Totals::default()
        };
        for j in self.jobs.values() {
            if let Some(g) = &j.group {
                t.group_files.0 += g.settled();
                t.group_files.1 += g.found;
            }
            let counted = match &j.state {
                JobState::Queued => {
                    t.queued += 1;
                    true
                }
                JobState::Running => {
                    t.running += 1;
                    t.retrying += usize::from(j.retry.is_some());
                    t.bytes_per_sec += j.bytes_per_sec;
                    true
                }
                JobState::Paused => {
                    t.paused += 1;
                    true
                }
                JobState::Done => {
                    t.done += 1;
                    true
                }
                JobState::Failed { .. } => {
                    t.failed += 1;
                    false
                }
                JobState::Cancelled => {
                    t.cancelled += 1;
                    false
                }
                JobState::Skipped { .. } => {
                    t.skipped += 1;
                    false
                }
            };
            if counted {
                t.bytes_done += j.bytes_done.min(j.bytes_total.max(j.bytes_done));
                t.bytes_total += j.bytes_total.max(j.bytes_done);
            }
        }
        t
    }

    /// The job under the cursor (for a file row, the job it belongs to).
    pub fn selected(&self) -> Option<&JobSnapshot> {
        let row = self.rows().get(self.cursor.selected).copied()?;
        self.jobs.get(&row.job())
    }

    /// True for uploads.
    pub fn is_upload(&self, id: JobId) -> bool {
        self.jobs
            .get(&id)
            .is_some_and(|j| j.kind == JobKind::Upload)
    }
}

#[cfg(test)]
mod tests {
    use super::took;

    #[test]
    fn job_times_read_in_tenths_then_minutes_then_hours() {
        let shown: Vec<String> = [0, 99, 420, 41_290, 59_999, 60_000, 725_000, 10_980_000]
            .into_iter()
            .map(took)
            .collect();
        assert_eq!(
            shown,
            [
                "0.0s", "0.0s", "0.4s", "41.2s", "59.9s", "1m00s", "12m05s", "3h03m"
            ]
        );
    }
}
