//! Versions and restore state: the hidden-files toggle, the point in time being browsed,
//! marks, running jobs and the restore modals. `update.rs` holds the `App` methods; no I/O.

pub mod modal;
pub mod plan;
mod update;
pub mod when;

use std::collections::BTreeSet;

pub use modal::{
    ConfirmDelete, ConfirmHide, HiddenView, InfoModal, PlanModal, RestoreModal, TimePrompt,
};
pub use plan::{PlanItem, RestorePlan, Step};

use crate::b2::{CopyOptions, FileId};
use crate::worker::RequestId;
use crate::worker::listing::PAGE_SIZE;

/// A bulk job the worker is running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobState {
    pub job: RequestId,
    /// What it does, for the status line (`unhide 3 files`).
    pub what: String,
    pub done: usize,
    pub total: usize,
    pub failed: usize,
}

/// Restore-related view state, kept across folder changes.
#[derive(Clone, Debug)]
pub struct RestoreState {
    /// List folders from their version listing, hidden files included (`H`).
    pub show_hidden: bool,
    /// Browse the bucket as it was at this moment (ms since the epoch, UTC) (`T`).
    pub as_of: Option<i64>,
    /// Marked names in the files pane (files, or folders ending with `/`).
    pub marks: BTreeSet<String>,
    /// Marked versions in the versions pane.
    pub version_marks: BTreeSet<FileId>,
    pub jobs: Vec<JobState>,
    /// The wall clock (ms since the epoch) from the last `Msg::WallClock`, for `-3d`.
    pub now_ms: i64,
    /// Names per listing call of the version scans.
    pub page_size: u32,
    /// How old versions are copied back (large-file threshold, part size).
    pub copy: CopyOptions,
}

impl Default for RestoreState {
    fn default() -> Self {
        Self {
            show_hidden: false,
            as_of: None,
            marks: BTreeSet::new(),
            version_marks: BTreeSet::new(),
            jobs: Vec::new(),
            now_ms: 0,
            page_size: PAGE_SIZE,
            copy: CopyOptions::default(),
        }
    }
}

impl RestoreState {
    /// True when folders are listed from their versions instead of `b2_list_file_names`.
    pub fn lists_versions(&self) -> bool {
        self.show_hidden || self.as_of.is_some()
    }
}
