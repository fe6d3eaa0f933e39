//! Lifecycle rules on the client side, pure: validation as `b2_update_bucket` validates
//! them (§4), presets, a before/after diff, and a simulation of what a set of rules would do
//! to a version listing over the next days. No I/O and no clock reads: time comes in.
//!
//! Simulation semantics (one pass per day at `now + k·DAY`, `k = 1..=days`; a day is exactly
//! 86,400,000 ms; an action is due once `pass - start >= N days`), per rule, per name that
//! starts with the rule's prefix:
//! - hiding: the newest entry is an upload at least N days old → a hide marker stamped with
//!   the pass time is put on top;
//! - deleting: an older entry is hidden from the timestamp of the next newer entry (upload or
//!   hide marker), and deleted N days later unless Object Lock protects it (legal hold, or a
//!   retention that has not expired at the pass time); a newest hide marker is deleted once
//!   nothing older is left and it is itself N days old;
//! - cancelling: an unfinished large file started at least N days ago is cancelled.

use std::collections::BTreeMap;

use crate::b2::LifecycleRule;

/// One lifecycle day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Most rules one bucket may hold.
pub const MAX_RULES: usize = 100;

/// What a listed entry is, for the simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Upload,
    Hide,
    /// An unfinished large file.
    Unfinished,
}

/// One entry of a bucket's version listing, as the simulation needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimEntry {
    pub name: String,
    pub file_id: String,
    pub kind: EntryKind,
    pub timestamp: i64,
    pub size: u64,
    /// Retention end (either mode) of an Object-Locked version.
    pub retain_until: Option<i64>,
    pub legal_hold: bool,
}

impl SimEntry {
    fn is_protected(&self, at: i64) -> bool {
        self.legal_hold || self.retain_until.is_some_and(|until| until > at)
    }
}

/// What the simulation predicts would happen to one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A hide marker would be put on this name.
    Hidden,
    /// This version (or hide marker) would be deleted.
    Deleted,
    /// This unfinished large file would be cancelled.
    Cancelled,
}

/// One predicted change, in the order the passes would make it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimEvent {
    /// Pass time (ms) at which it happens.
    pub at: i64,
    pub outcome: Outcome,
    pub name: String,
    /// The affected version; `None` for a marker the simulation itself added.
    pub file_id: Option<String>,
    pub size: u64,
}

/// The result of a simulation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimReport {
    pub days: u32,
    /// Names that would get a hide marker.
    pub hidden: usize,
    /// Versions and hide markers that would be deleted (markers added on the way included).
    pub deleted: usize,
    /// Unfinished large files that would be cancelled.
    pub cancelled: usize,
    /// Bytes of deleted versions.
    pub bytes_freed: u64,
    pub events: Vec<SimEvent>,
    /// What would be left, in listing order (markers the passes add have no file id).
    pub remaining: Vec<SimEntry>,
}

/// Runs the rules over `entries` (listing order: name, newest first) for `days` daily passes
/// after `now`.
pub fn simulate(rules: &[LifecycleRule], entries: &[SimEntry], now: i64, days: u32) -> SimReport {
    let mut groups: BTreeMap<String, Vec<SimEntry>> = BTreeMap::new();
    for e in entries {
        groups.entry(e.name.clone()).or_default().push(e.clone());
    }
    let mut report = SimReport {
        days,
        ..SimReport::default()
    };
    for day in 1..=i64::from(days) {
        let at = now.saturating_add(day.saturating_mul(DAY_MS));
        for rule in rules {
            for (name, group) in groups.range_mut(rule.file_name_prefix.clone()..) {
                if !name.starts_with(&rule.file_name_prefix) {
                    break;
                }
                pass(rule, group, at, &mut report);
            }
        }
    }
    report.remaining = groups.into_values().flatten().collect();
    report
}

fn due(at: i64, since: i64, after: Option<u32>) -> bool {
    after.is_some_and(|d| at.saturating_sub(since) >= i64::from(d).saturating_mul(DAY_MS))
}

/// One pass of one rule over the entries of one name.
fn pass(rule: &LifecycleRule, group: &mut Vec<SimEntry>, at: i64, report: &mut SimReport) {
    let hide_after = rule.days_from_uploading_to_hiding;
    let delete_after = rule.days_from_hiding_to_deleting;
    let cancel_after = rule.days_from_starting_to_canceling_unfinished_large_files;
    let mut gone = vec![false; group.len() + 1];
    if hide_after.is_some() || delete_after.is_some() {
        // The stored versions of the name, newest first (unfinished large files aside).
        let mut stored: Vec<usize> = (0..group.len())
            .filter(|&i| group[i].kind != EntryKind::Unfinished)
            .collect();
        if let Some(&newest) = stored.first()
            && group[newest].kind == EntryKind::Upload
            && due(at, group[newest].timestamp, hide_after)
        {
            let marker = SimEntry {
                name: group[newest].name.clone(),
                file_id: String::new(),
                kind: EntryKind::Hide,
                timestamp: at,
                size: 0,
                retain_until: None,
                legal_hold: false,
            };
            report.hidden += 1;
            report.events.push(SimEvent {
                at,
                outcome: Outcome::Hidden,
                name: marker.name.clone(),
                file_id: Some(group[newest].file_id.clone()),
                size: group[newest].size,
            });
            group.insert(0, marker);
            for i in &mut stored {
                *i += 1;
            }
            stored.insert(0, 0);
        }
        if delete_after.is_some() {
            let mut left = 0;
            for pair in stored.windows(2) {
                let (newer, older) = (&group[pair[0]], &group[pair[1]]);
                if due(at, newer.timestamp, delete_after) && !older.is_protected(at) {
                    gone[pair[1]] = true;
                } else {
                    left += 1;
                }
            }
            if let Some(&newest) = stored.first()
                && group[newest].kind == EntryKind::Hide
                && left == 0
                && due(at, group[newest].timestamp, delete_after)
            {
                gone[newest] = true;
            }
        }
    }
    if cancel_after.is_some() {
        for (i, e) in group.iter().enumerate() {
            if e.kind == EntryKind::Unfinished && due(at, e.timestamp, cancel_after) {
                gone[i] = true;
            }
        }
    }
    let mut index = 0;
    group.retain(|e| {
        let drop = gone[index];
        index += 1;
        if drop {
            let outcome = if e.kind == EntryKind::Unfinished {
                report.cancelled += 1;
                Outcome::Cancelled
            } else {
                report.deleted += 1;
                report.bytes_freed += e.size;
                Outcome::Deleted
            };
            report.events.push(SimEvent {
                at,
                outcome,
                name: e.name.clone(),
                file_id: Some(e.file_id.clone()).filter(|id| !id.is_empty()),
                size: e.size,
            });
        }
        !drop
    });
}

/// A rule problem, as B2 would refuse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    /// Index of the offending rule (None for the list as a whole).
    pub rule: Option<usize>,
    pub message: String,
}

/// Validates a whole rule list as `b2_update_bucket` does: at most 100 rules, each with at
/// least one positive days value, and no prefix that is a prefix of another (equal included).
pub fn validate_rules(rules: &[LifecycleRule]) -> Result<(), Vec<RuleError>> {
    let mut errors = Vec::new();
    if rules.len() > MAX_RULES {
        errors.push(RuleError {
            rule: None,
            message: format!(
                "at most {MAX_RULES} rules per bucket ({} given)",
                rules.len()
            ),
        });
    }
    for (i, r) in rules.iter().enumerate() {
        if let Err(message) = validate_rule(r) {
            errors.push(RuleError {
                rule: Some(i),
                message,
            });
        }
        for (j, other) in rules.iter().enumerate().take(i) {
            let (a, b) = (&other.file_name_prefix, &r.file_name_prefix);
            if a.starts_with(b.as_str()) || b.starts_with(a.as_str()) {
                errors.push(RuleError {
                    rule: Some(i),
                    message: format!(
                        "prefix {} overlaps rule {} ({}): a file may match only one rule",
                        show_prefix(b),
                        j + 1,
                        show_prefix(a)
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Checks one rule on its own.
pub fn validate_rule(r: &LifecycleRule) -> Result<(), String> {
    let days = [
        r.days_from_uploading_to_hiding,
        r.days_from_hiding_to_deleting,
        r.days_from_starting_to_canceling_unfinished_large_files,
    ];
    if days.contains(&Some(0)) {
        return Err("days must be positive (leave empty to turn an action off)".into());
    }
    if days.iter().all(Option::is_none) {
        return Err("a rule needs at least one days value".into());
    }
    Ok(())
}

/// `""` is shown as "(whole bucket)".
pub fn show_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "(whole bucket)".to_owned()
    } else {
        format!("{prefix:?}")
    }
}

/// One rule in words, for lists and diffs.
pub fn describe(r: &LifecycleRule) -> String {
    let day = |d: Option<u32>| d.map_or_else(|| "—".to_owned(), |d| format!("{d}d"));
    format!(
        "{}  hide {}  delete {}  cancel {}",
        show_prefix(&r.file_name_prefix),
        day(r.days_from_uploading_to_hiding),
        day(r.days_from_hiding_to_deleting),
        day(r.days_from_starting_to_canceling_unfinished_large_files),
    )
}

/// A line of a before/after diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// Before/after of two rule lists, matched by prefix.
pub fn diff(before: &[LifecycleRule], after: &[LifecycleRule]) -> Vec<DiffLine> {
    let mut out = Vec::new();
    for b in before {
        match after
            .iter()
            .find(|a| a.file_name_prefix == b.file_name_prefix)
        {
            Some(a) if a == b => out.push(DiffLine::Same(describe(b))),
            Some(a) => {
                out.push(DiffLine::Removed(describe(b)));
                out.push(DiffLine::Added(describe(a)));
            }
            None => out.push(DiffLine::Removed(describe(b))),
        }
    }
    for a in after {
        if !before
            .iter()
            .any(|b| b.file_name_prefix == a.file_name_prefix)
        {
            out.push(DiffLine::Added(describe(a)));
        }
    }
    out
}

/// The web console's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Custom,
    KeepAllVersions,
    KeepLastVersion,
    KeepPriorVersionsDays,
    DeleteDaysAfterUpload,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Custom,
        Preset::KeepAllVersions,
        Preset::KeepLastVersion,
        Preset::KeepPriorVersionsDays,
        Preset::DeleteDaysAfterUpload,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Preset::Custom => "custom",
            Preset::KeepAllVersions => "keep all versions (no rule)",
            Preset::KeepLastVersion => "keep only the last version",
            Preset::KeepPriorVersionsDays => "keep prior versions for N days",
            Preset::DeleteDaysAfterUpload => "delete files N days after upload",
        }
    }

    /// The next preset in the cycle.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The previous preset in the cycle.
    pub fn prev(self) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    /// Days values `(hide, delete, cancel)` the preset fills, with `n` for its N.
    pub fn fill(self, n: u32) -> Option<(Option<u32>, Option<u32>, Option<u32>)> {
        match self {
            Preset::Custom => None,
            Preset::KeepAllVersions => Some((None, None, None)),
            Preset::KeepLastVersion => Some((None, Some(1), None)),
            Preset::KeepPriorVersionsDays => Some((None, Some(n), None)),
            Preset::DeleteDaysAfterUpload => Some((Some(n), Some(1), None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(prefix: &str, hide: Option<u32>, delete: Option<u32>) -> LifecycleRule {
        LifecycleRule {
            file_name_prefix: prefix.into(),
            days_from_uploading_to_hiding: hide,
            days_from_hiding_to_deleting: delete,
            days_from_starting_to_canceling_unfinished_large_files: None,
        }
    }

    fn entry(name: &str, id: &str, kind: EntryKind, ts: i64, size: u64) -> SimEntry {
        SimEntry {
            name: name.into(),
            file_id: id.into(),
            kind,
            timestamp: ts,
            size,
            retain_until: None,
            legal_hold: false,
        }
    }

    #[test]
    fn overlapping_and_empty_rules_are_refused() {
        let ok = [rule("logs/", Some(7), None), rule("tmp/", None, Some(1))];
        assert!(validate_rules(&ok).is_ok());
        let overlap = [
            rule("photos/", None, Some(1)),
            rule("photos/kittens/", None, Some(2)),
        ];
        let errs = validate_rules(&overlap).unwrap_err();
        assert_eq!(errs[0].rule, Some(1));
        assert!(errs[0].message.contains("overlaps rule 1"));
        assert!(validate_rules(&[rule("a", None, Some(1)), rule("a", None, Some(2))]).is_err());
        assert!(validate_rules(&[rule("", None, Some(1)), rule("x", None, Some(2))]).is_err());
        assert!(validate_rules(&[rule("x", None, None)]).is_err());
        assert!(validate_rules(&[rule("x", Some(0), Some(1))]).is_err());
        let many: Vec<_> = (0..101)
            .map(|i| rule(&format!("p{i:03}/"), None, Some(1)))
            .collect();
        assert!(validate_rules(&many).is_err());
    }

    #[test]
    fn keep_last_version_deletes_older_a_day_after_they_are_shadowed() {
        let now = 100 * DAY_MS;
        let entries = [
            entry("a", "a2", EntryKind::Upload, now - DAY_MS / 2, 5),
            entry("a", "a1", EntryKind::Upload, now - 3 * DAY_MS, 7),
        ];
        let r = simulate(&[rule("", None, Some(1))], &entries, now, 1);
        assert_eq!((r.hidden, r.deleted, r.bytes_freed), (0, 1, 7));
        assert_eq!(r.remaining.len(), 1);
    }

    #[test]
    fn hide_then_delete_removes_the_name_and_locked_versions_stay() {
        let now = 100 * DAY_MS;
        let mut locked = entry("b", "b1", EntryKind::Upload, now - 10 * DAY_MS, 3);
        locked.legal_hold = true;
        let entries = [
            entry("a", "a1", EntryKind::Upload, now - 10 * DAY_MS, 5),
            locked,
        ];
        let r = simulate(&[rule("", Some(7), Some(1))], &entries, now, 3);
        assert_eq!(r.hidden, 2);
        // a: hidden on day 1, a1 deleted on day 2, the lone marker on day 3.
        assert_eq!(r.deleted, 2);
        assert_eq!(r.remaining.len(), 2, "b1 and its marker stay");
        assert!(r.remaining.iter().all(|e| e.name == "b"));
    }

    #[test]
    fn diff_marks_changes() {
        let d = diff(
            &[rule("a/", None, Some(1))],
            &[rule("a/", None, Some(3)), rule("b/", Some(1), None)],
        );
        assert!(matches!(d[0], DiffLine::Removed(_)));
        assert!(matches!(d[1], DiffLine::Added(_)));
        assert!(matches!(d[2], DiffLine::Added(_)));
    }
}
