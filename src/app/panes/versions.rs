//! Versions pane state: every version and hide marker of one file name, newest first.
//! The request goes out on the tick after the selection settles, so scrolling through a
//! folder does not fire one listing per row.

use super::{Cursor, Motion};
use crate::b2::{BucketId, FileAction, FileVersion};
use crate::worker::{Command, RequestId};

/// Which file's versions are shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionsTarget {
    pub bucket: BucketId,
    pub file_name: String,
}

/// The versions of the selected file.
#[derive(Clone, Debug, Default)]
pub struct VersionsPane {
    pub target: Option<VersionsTarget>,
    pub versions: Vec<FileVersion>,
    pub cursor: Cursor,
    /// The `ListVersions` request in flight.
    pub pending: Option<RequestId>,
    /// True once every page arrived.
    pub loaded: bool,
    /// The target changed and has not been requested yet.
    pub wanted: bool,
}

impl VersionsPane {
    /// Points the pane at a file; the listing is requested by [`Self::request`].
    /// Selecting the file already shown changes nothing.
    pub fn show(&mut self, bucket: BucketId, file_name: &str) {
        let same = self
            .target
            .as_ref()
            .is_some_and(|t| t.bucket == bucket && t.file_name == file_name);
        if same {
            return;
        }
        *self = Self {
            target: Some(VersionsTarget {
                bucket,
                file_name: file_name.to_owned(),
            }),
            wanted: true,
            ..Self::default()
        };
    }

    /// Shows nothing (the cursor is on a folder or `..`).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The command for a wanted target, marking it in flight.
    pub fn request(&mut self, req: RequestId) -> Option<Command> {
        if !self.wanted {
            return None;
        }
        let target = self.target.as_ref()?;
        self.wanted = false;
        self.pending = Some(req);
        Some(Command::ListVersions {
            req,
            bucket: target.bucket.clone(),
            file_name: target.file_name.clone(),
        })
    }

    /// Asks again for the same file.
    pub fn reload(&mut self) {
        if self.target.is_some() {
            self.versions.clear();
            self.cursor = Cursor::default();
            self.pending = None;
            self.loaded = false;
            self.wanted = true;
        }
    }

    /// Takes one page if it answers the request in flight; returns false for a stale one.
    pub fn on_page(&mut self, req: RequestId, versions: Vec<FileVersion>, done: bool) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.versions.extend(versions);
        if done {
            self.pending = None;
            self.loaded = true;
        }
        true
    }

    /// A request failed: stop waiting.
    pub fn on_failed(&mut self, req: RequestId) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.pending = None;
        true
    }

    /// Moves the selection.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) -> bool {
        self.cursor.apply(motion, self.versions.len(), page)
    }

    /// Index of the current version: the newest entry, if it is an upload (a newest hide
    /// marker means the file is hidden and has no current version).
    pub fn current_index(&self) -> Option<usize> {
        let first = self.versions.first()?;
        (first.action == FileAction::Upload).then_some(0)
    }
}
