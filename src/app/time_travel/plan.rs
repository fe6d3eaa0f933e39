//! The "Restore plan" dialog (`r` while browsing the past): what bringing files back to
//! that moment would change (a pure function of each name's state now and then), the
//! dialog's state, its keys and the job that carries the plan out. No I/O.

use super::when::format_when as time;
use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Effects, Level, Modal, Row};
use crate::b2::{BucketId, FileVersion};
use crate::worker::history::NameAt;
use crate::worker::restore::{Op, PlanScope, RestoreCommand};
use crate::worker::{Command, RequestId};

/// What happens to one name.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// The old version is copied back and becomes current.
    Copy { source: Box<FileVersion> },
    /// The name did not exist then and is hidden now.
    Hide,
    /// Now as it was then (same version or same content).
    Unchanged,
    /// Did not exist then, exists now, and is left as it is (hiding was not asked for).
    KeepNewer,
}

/// One name of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanItem {
    pub name: String,
    pub step: Step,
    /// Bytes of the current version (0 when there is none).
    pub now_size: u64,
}

/// The whole plan, in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RestorePlan {
    pub at: i64,
    pub hide_missing: bool,
    pub items: Vec<PlanItem>,
}

/// True when two versions hold the same bytes: same id, or same known SHA-1 and length.
fn same_content(a: &FileVersion, b: &FileVersion) -> bool {
    if a.file_id.is_some() && a.file_id == b.file_id {
        return true;
    }
    match (a.expected_sha1(), b.expected_sha1()) {
        (Some(x), Some(y)) => x == y && a.content_length == b.content_length,
        _ => false,
    }
}

/// The step for one name, or None when it exists neither now nor then.
pub fn step_for(n: &NameAt, hide_missing: bool) -> Option<Step> {
    match (&n.now, &n.then) {
        (None, None) => None,
        (Some(now), Some(then)) if same_content(now, then) => Some(Step::Unchanged),
        (_, Some(then)) => Some(Step::Copy {
            source: Box::new(then.clone()),
        }),
        (Some(_), None) if hide_missing => Some(Step::Hide),
        (Some(_), None) => Some(Step::KeepNewer),
    }
}

impl RestorePlan {
    /// Builds the plan for `names` (any order; the plan is sorted by name).
    pub fn build(names: &[NameAt], at: i64, hide_missing: bool) -> Self {
        let mut items: Vec<PlanItem> = names
            .iter()
            .filter_map(|n| {
                Some(PlanItem {
                    name: n.name.clone(),
                    step: step_for(n, hide_missing)?,
                    now_size: n.now.as_ref().map_or(0, |v| v.content_length),
                })
            })
            .collect();
        items.sort_by(|a, b| a.name.cmp(&b.name));
        Self {
            at,
            hide_missing,
            items,
        }
    }

    fn count(&self, f: impl Fn(&Step) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.step)).count()
    }

    /// Names whose old version is copied back.
    pub fn copies(&self) -> usize {
        self.count(|s| matches!(s, Step::Copy { .. }))
    }

    /// Names that get hidden.
    pub fn hides(&self) -> usize {
        self.count(|s| *s == Step::Hide)
    }

    /// Names left alone (unchanged, or newer and kept).
    pub fn left_alone(&self) -> usize {
        self.count(|s| matches!(s, Step::Unchanged | Step::KeepNewer))
    }

    /// Bytes copied server-side.
    pub fn bytes_copied(&self) -> u64 {
        self.items
            .iter()
            .map(|i| match &i.step {
                Step::Copy { source } => source.content_length,
                _ => 0,
            })
            .sum()
    }

    /// True when applying the plan changes nothing.
    pub fn is_noop(&self) -> bool {
        self.copies() == 0 && self.hides() == 0
    }

    /// The job steps that carry the plan out.
    pub fn ops(&self) -> Vec<Op> {
        self.items
            .iter()
            .filter_map(|i| match &i.step {
                Step::Copy { source } => Some(Op::Copy {
                    name: i.name.clone(),
                    source: source.as_ref().clone(),
                }),
                Step::Hide => Some(Op::Hide {
                    name: i.name.clone(),
                }),
                Step::Unchanged | Step::KeepNewer => None,
            })
            .collect()
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

impl App {
    /// `r` while browsing the past: plan restoring the marked entries, the selected file or
    /// folder, or (on `..`) the folder shown.
    pub(crate) fn plan_restore(&mut self, cmds: &mut Effects) {
        let (Some(bucket), Some(at)) = (self.files.bucket.clone(), self.restore.as_of) else {
            return;
        };
        let marked_files: Vec<String> = self
            .restore
            .marks
            .iter()
            .filter(|n| !n.ends_with('/'))
            .cloned()
            .collect();
        let marked_folder = self
            .restore
            .marks
            .iter()
            .find(|n| n.ends_with('/'))
            .cloned();
        let (scope, label) = if !marked_files.is_empty() {
            let label = match marked_files.as_slice() {
                [one] => one.clone(),
                more => format!("{} marked files", more.len()),
            };
            (PlanScope::Names(marked_files), label)
        } else if let Some(folder) = marked_folder {
            (PlanScope::Prefix(folder.clone()), folder)
        } else {
            match self.files.selected() {
                Some(Row::Entry(e)) if e.is_folder() => (
                    PlanScope::Prefix(e.file_name.to_owned()),
                    e.file_name.to_owned(),
                ),
                Some(Row::Entry(e)) => (
                    PlanScope::Names(vec![e.file_name.to_owned()]),
                    e.file_name.to_owned(),
                ),
                Some(Row::Parent) | None => {
                    let p = self.files.prefix.clone();
                    let label = if p.is_empty() {
                        "the whole bucket".to_owned()
                    } else {
                        p.clone()
                    };
                    (PlanScope::Prefix(p), label)
                }
            }
        };
        self.open_restore_plan(bucket.id, scope, label, at, cmds);
    }

    /// The "Restore plan" dialog for `scope` of `bucket` back to `at`, its names listed.
    pub(crate) fn open_restore_plan(
        &mut self,
        bucket: BucketId,
        scope: PlanScope,
        label: String,
        at: i64,
        cmds: &mut Effects,
    ) {
        let req = self.new_req();
        cmds.push(Command::Restore(RestoreCommand::PlanRestore {
            req,
            bucket: bucket.clone(),
            scope,
            at,
            page_size: self.restore.page_size,
        }));
        self.modals
            .push(Modal::Restore(RestoreModal::Plan(Box::new(PlanModal {
                req,
                bucket,
                label,
                names: Vec::new(),
                loading: true,
                plan: RestorePlan {
                    at,
                    hide_missing: false,
                    items: Vec::new(),
                },
                scroll: 0,
                apply_chosen: false,
            }))));
    }

    /// Keys of the dialog: `h` hides names missing then, `j`/`k` scroll, `y` applies,
    /// `Enter` takes the highlighted answer, `Tab` switches it, `n`/`Esc` cancel.
    pub(crate) fn on_plan_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height();
        let Some(Modal::Restore(RestoreModal::Plan(pm))) = self.modals.last_mut() else {
            return;
        };
        match action {
            Action::ToggleHideMissing => {
                pm.plan.hide_missing = !pm.plan.hide_missing;
                pm.rebuild();
            }
            Action::ToggleChoice => pm.apply_chosen = !pm.apply_chosen,
            Action::MoveDown => {
                pm.scroll = (pm.scroll + 1).min(pm.plan.items.len().saturating_sub(1))
            }
            Action::MoveUp => pm.scroll = pm.scroll.saturating_sub(1),
            Action::PageDown => {
                pm.scroll = (pm.scroll + page).min(pm.plan.items.len().saturating_sub(1))
            }
            Action::PageUp => pm.scroll = pm.scroll.saturating_sub(page),
            Action::Confirm | Action::Open => {
                let go = action == Action::Confirm || pm.apply_chosen;
                let pm = pm.clone();
                if go && pm.loading {
                    self.notify(Level::Warn, "The plan is still being computed");
                    return;
                }
                self.modals.pop();
                if go {
                    self.apply_plan(&pm, cmds);
                }
            }
            Action::Close | Action::Quit => {
                self.modals.pop();
            }
            _ => {}
        }
    }

    /// Names gathered for the plan (`RestoreCommand::PlanRestore`); the plan is rebuilt.
    pub(crate) fn on_plan_listed(&mut self, req: RequestId, names: Vec<NameAt>, done: bool) {
        if let Some(RestoreModal::Plan(p)) = self.restore_modal_for(req) {
            p.names.extend(names);
            p.loading = !done;
            p.rebuild();
        }
    }

    fn apply_plan(&mut self, pm: &PlanModal, cmds: &mut Effects) {
        if pm.plan.is_noop() {
            self.notify(Level::Info, "Nothing to restore: it is all as it was then");
            return;
        }
        let what = format!("restore {} to {}", pm.label, time(pm.plan.at));
        self.start_job(what, pm.plan.ops(), cmds);
    }
}
