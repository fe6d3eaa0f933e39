//! The restore plan: what bringing files back to a past moment would change. A pure
//! function of each name's state now and then; nothing here talks to B2.

use crate::b2::FileVersion;
use crate::worker::history::NameAt;
use crate::worker::restore::Op;

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
