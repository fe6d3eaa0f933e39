//! What a `b2_list_file_versions` listing means: versions grouped per name across page
//! boundaries, whether a name is hidden, and what it was at a past moment. Pure functions
//! over `FileVersion`s: no I/O and no clock.

use crate::b2::{FileAction, FileId, FileVersion};

/// One name's entries as B2 lists them (newest first), or one folder entry.
#[derive(Clone, Debug, PartialEq)]
pub struct NameGroup {
    pub name: String,
    pub versions: Vec<FileVersion>,
}

impl NameGroup {
    /// True for a virtual folder (`name/`) of a delimiter listing.
    pub fn is_folder(&self) -> bool {
        self.versions.first().is_some_and(FileVersion::is_folder)
    }
}

/// Collects listing pages into per-name groups. A name's versions may span two pages, so
/// the last group of a page stays open until a page starts with another name (or
/// [`Self::finish`]). Only one name's versions are held at a time.
#[derive(Clone, Debug, Default)]
pub struct VersionGrouper {
    open: Option<NameGroup>,
}

impl VersionGrouper {
    /// Feeds one page (B2 order: by name, newest first); returns the groups it completed.
    pub fn push(&mut self, page: Vec<FileVersion>) -> Vec<NameGroup> {
        let mut done = Vec::new();
        for v in page {
            match &mut self.open {
                Some(g) if g.name == v.file_name && !v.is_folder() => g.versions.push(v),
                open => {
                    let name = v.file_name.clone();
                    if let Some(g) = open.replace(NameGroup {
                        name,
                        versions: vec![v],
                    }) {
                        done.push(g);
                    }
                }
            }
        }
        done
    }

    /// The end of the listing: the group still open, if any.
    pub fn finish(&mut self) -> Option<NameGroup> {
        self.open.take()
    }
}

/// True for entries that decide whether a name exists: uploads (also copies) and hide
/// markers. Unfinished large files (`start`) never made a version.
fn counts(v: &FileVersion) -> bool {
    matches!(
        v.action,
        FileAction::Upload | FileAction::Copy | FileAction::Hide
    )
}

/// The entry that was the newest at `at` (ms since the epoch; `None` = now): an upload or
/// a hide marker. `versions` are newest first, as B2 lists them.
pub fn newest_at(versions: &[FileVersion], at: Option<i64>) -> Option<&FileVersion> {
    versions
        .iter()
        .filter(|v| counts(v))
        .find(|v| at.is_none_or(|t| v.upload_timestamp <= t))
}

/// The version a name had at `at`: the newest version at or before that time, unless a
/// hide marker was newer (then none).
pub fn version_at(versions: &[FileVersion], at: Option<i64>) -> Option<&FileVersion> {
    newest_at(versions, at).filter(|v| v.action != FileAction::Hide)
}

/// The row a folder listing shows for a group: folders as they are; with `at = None`
/// the newest entry (a hide marker stands for a hidden file); with a time, the version
/// then, or nothing when the name did not exist (or was hidden) at that moment.
pub fn entry_for(group: &NameGroup, at: Option<i64>) -> Option<FileVersion> {
    if group.is_folder() {
        return group.versions.first().cloned();
    }
    match at {
        None => newest_at(&group.versions, None).cloned(),
        Some(_) => version_at(&group.versions, at).cloned(),
    }
}

/// A hidden file: its newest entry is a hide marker.
#[derive(Clone, Debug, PartialEq)]
pub struct HiddenFile {
    pub name: String,
    /// When it was hidden (the marker's upload time).
    pub hidden_at: i64,
    /// The marker to delete to unhide it (b2_delete_file_version).
    pub marker: FileId,
    /// The newest version under the marker, if any is left.
    pub last: Option<FileVersion>,
}

/// The hidden file a group stands for, if its newest entry is a hide marker.
pub fn hidden_file(group: &NameGroup) -> Option<HiddenFile> {
    let newest = newest_at(&group.versions, None)?;
    if newest.action != FileAction::Hide {
        return None;
    }
    Some(HiddenFile {
        name: group.name.clone(),
        hidden_at: newest.upload_timestamp,
        marker: newest.file_id.clone()?,
        last: group
            .versions
            .iter()
            .find(|v| matches!(v.action, FileAction::Upload | FileAction::Copy))
            .cloned(),
    })
}

/// A name's state now and at a past moment, the input of a restore plan.
#[derive(Clone, Debug, PartialEq)]
pub struct NameAt {
    pub name: String,
    /// The current version (None: hidden, or no version left).
    pub now: Option<FileVersion>,
    /// The version at the chosen moment (None: did not exist or was hidden then).
    pub then: Option<FileVersion>,
}

/// Reduces one name's history to its state now and at `at`.
pub fn name_at(group: &NameGroup, at: i64) -> NameAt {
    NameAt {
        name: group.name.clone(),
        now: version_at(&group.versions, None).cloned(),
        then: version_at(&group.versions, Some(at)).cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::b2::FileId;

    fn v(name: &str, action: FileAction, ts: i64) -> FileVersion {
        FileVersion {
            account_id: None,
            action,
            bucket_id: None,
            content_length: 1,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: Some(FileId(format!("{name}@{ts}"))),
            file_info: Default::default(),
            file_name: name.to_owned(),
            upload_timestamp: ts,
            replication_status: None,
        }
    }

    #[test]
    fn groups_span_pages() {
        let mut g = VersionGrouper::default();
        let a = g.push(vec![
            v("a", FileAction::Upload, 3),
            v("b", FileAction::Hide, 5),
        ]);
        assert_eq!(a.len(), 1);
        assert!(
            g.push(vec![v("b", FileAction::Upload, 4)]).is_empty(),
            "b is still open"
        );
        let b = g.push(vec![v("c", FileAction::Upload, 1)]);
        assert_eq!(b[0].versions.len(), 2);
        assert_eq!(g.finish().map(|g| g.name), Some("c".to_owned()));
        assert_eq!(g.finish(), None);
    }

    #[test]
    fn point_in_time_and_hidden() {
        let versions = vec![
            v("a", FileAction::Upload, 40),
            v("a", FileAction::Hide, 30),
            v("a", FileAction::Upload, 20),
            v("a", FileAction::Start, 15),
            v("a", FileAction::Upload, 10),
        ];
        let at = |t| version_at(&versions, Some(t)).map(|v| v.upload_timestamp);
        assert_eq!(at(5), None);
        assert_eq!(at(10), Some(10));
        assert_eq!(at(16), Some(10));
        assert_eq!(at(25), Some(20));
        assert_eq!(at(30), None);
        assert_eq!(at(99), Some(40));
        let group = NameGroup {
            name: "a".into(),
            versions: versions[1..].to_vec(),
        };
        let h = hidden_file(&group).expect("hidden");
        assert_eq!(h.hidden_at, 30);
        assert_eq!(h.last.map(|v| v.upload_timestamp), Some(20));
        assert_eq!(
            entry_for(&group, None).map(|e| e.action),
            Some(FileAction::Hide)
        );
        assert_eq!(entry_for(&group, Some(31)), None);
    }
}
