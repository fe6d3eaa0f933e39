//! The restore modals: delete and hide confirmations, point-in-time prompt, restore plan, the
//! recently-deleted list and version details. State only; `ui/restore.rs` draws them.

use std::collections::BTreeSet;

use tui_input::Input;

use super::plan::RestorePlan;
use crate::app::panes::Cursor;
use crate::b2::{BucketId, FileVersion};
use crate::input::Scope;
use crate::worker::RequestId;
use crate::worker::history::{HiddenFile, NameAt};

/// "Delete these versions for good?" Default answer: cancel.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmDelete {
    pub file_name: String,
    /// Exactly what goes.
    pub doomed: Vec<FileVersion>,
    /// The newest entry is among them.
    pub current_goes: bool,
    /// What is newest afterwards (None: no version is left).
    pub next_newest: Option<FileVersion>,
    /// The highlighted answer; false = cancel.
    pub delete_chosen: bool,
}

/// "Hide these files?" (`D` in the files pane). Default answer: cancel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmHide {
    /// The listing of `folders`, while it runs.
    pub req: Option<RequestId>,
    /// Folders whose visible files are hidden (their names are listed into `names`).
    pub folders: Vec<String>,
    /// Exactly the files that get hidden, sorted, no repeats.
    pub names: Vec<String>,
    /// The folder listing is not complete yet.
    pub loading: bool,
    /// The highlighted answer; false = cancel.
    pub hide_chosen: bool,
}

impl ConfirmHide {
    /// Adds listed names, keeping them sorted and unique.
    pub fn add(&mut self, names: Vec<String>) {
        self.names.extend(names);
        self.names.sort();
        self.names.dedup();
    }
}

/// The point-in-time prompt.
#[derive(Clone, Debug, Default)]
pub struct TimePrompt {
    pub input: Input,
    pub error: Option<String>,
}

impl PartialEq for TimePrompt {
    fn eq(&self, other: &Self) -> bool {
        self.input.value() == other.input.value() && self.error == other.error
    }
}

/// What restoring to a moment would change, and the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanModal {
    pub req: RequestId,
    pub bucket: BucketId,
    /// What is restored, for the title (`docs/`, `3 files`).
    pub label: String,
    pub names: Vec<NameAt>,
    pub loading: bool,
    pub plan: RestorePlan,
    pub scroll: usize,
    /// The highlighted answer; false = cancel.
    pub apply_chosen: bool,
}

impl PlanModal {
    /// Recomputes the plan from the names gathered so far.
    pub fn rebuild(&mut self) {
        self.plan = RestorePlan::build(&self.names, self.plan.at, self.plan.hide_missing);
    }
}

/// Recently deleted: hidden files under a prefix, newest hide first.
#[derive(Clone, Debug, PartialEq)]
pub struct HiddenView {
    pub req: RequestId,
    pub bucket: BucketId,
    pub prefix: String,
    pub files: Vec<HiddenFile>,
    pub loading: bool,
    pub cursor: Cursor,
    pub marks: BTreeSet<String>,
}

impl HiddenView {
    /// Adds found files, keeping newest-hide-first order (name breaks ties).
    pub fn add(&mut self, found: Vec<HiddenFile>) {
        self.files.extend(found);
        self.files.sort_by(|a, b| {
            b.hidden_at
                .cmp(&a.hidden_at)
                .then_with(|| a.name.cmp(&b.name))
        });
    }
}

/// Full details of one version.
#[derive(Clone, Debug, PartialEq)]
pub struct InfoModal {
    pub title: String,
    pub version: FileVersion,
}

/// The restore overlays.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreModal {
    ConfirmDelete(Box<ConfirmDelete>),
    ConfirmHide(Box<ConfirmHide>),
    TimePrompt(Box<TimePrompt>),
    Plan(Box<PlanModal>),
    Hidden(Box<HiddenView>),
    Info(Box<InfoModal>),
}

// No floats inside: equality is total.
impl Eq for RestoreModal {}

impl RestoreModal {
    /// The keymap scope while this modal is on top.
    pub fn scope(&self) -> Scope {
        match self {
            Self::ConfirmDelete(_) => Scope::ConfirmDelete,
            Self::ConfirmHide(_) => Scope::ConfirmHide,
            Self::TimePrompt(_) => Scope::TimeTravel,
            Self::Plan(_) => Scope::RestorePlan,
            Self::Hidden(_) => Scope::HiddenFiles,
            Self::Info(_) => Scope::FileInfo,
        }
    }
}
