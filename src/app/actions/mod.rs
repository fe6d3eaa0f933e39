//! File actions of the browse panes: the copy menu (`y`, also in the search results;
//! `copy.rs`), editing a text file
//! in `$EDITOR` (`e`, `edit.rs`), opening a file with the system's opener (`O`) and the
//! details of the selected file (`i` in the files pane). The worker side is
//! `worker/actions.rs`. State and decisions only; no I/O.

pub mod copy;
pub mod edit;
pub mod menu;

use std::path::PathBuf;

use super::versions::info::InfoModal;
use super::{Action, App, BucketRef, Effects, Focus, Level, Modal, Row};
use crate::app::restore::RestoreModal;
use crate::b2::{FileAction, FileVersion};
use crate::worker::actions::{ActionCommand, ActionEvent, FetchPurpose};
use crate::worker::{Command, Failure, RequestId};

/// File actions waiting for the worker.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActionsState {
    /// The details asked for with `i` in the files pane.
    pub info: Option<RequestId>,
    /// Files being fetched to open, with their names.
    pub opening: Vec<(RequestId, String)>,
    /// The edit in progress (one at a time).
    pub edit: Option<EditSession>,
}

/// One file being edited, from its download to its upload.
#[derive(Clone, Debug, PartialEq)]
pub struct EditSession {
    /// The request of the step under way (fetch, editor, save).
    pub req: RequestId,
    pub bucket: BucketRef,
    /// The version that was opened.
    pub opened: FileVersion,
    /// The private temporary file, once fetched.
    pub path: Option<PathBuf>,
    /// The copy's name offered when the file changed meanwhile.
    pub copy_name: Option<String>,
}

impl App {
    /// The file actions' keys in the browse panes; false for other actions.
    pub(crate) fn on_file_action(&mut self, action: Action, fx: &mut Effects) -> bool {
        match (action, self.focus) {
            (Action::CopyMenu, Focus::Files | Focus::Versions) => self.open_copy_menu(),
            (Action::EditFile, Focus::Files) => self.start_edit(fx),
            (Action::OpenFile, Focus::Files) => self.open_file(fx),
            (Action::ShowInfo, Focus::Files) => self.show_file_info(fx),
            (Action::StartDownload, Focus::Versions) => self.plan_version_download(),
            _ => return false,
        }
        true
    }

    /// The selected file of the files pane as a version: the versions pane's copy when it
    /// shows that version (it has every field), else what the listing gave.
    pub(crate) fn selected_file_version(&self) -> Option<FileVersion> {
        let Some(Row::Entry(e)) = self.files.selected() else {
            return None;
        };
        if e.is_folder() || e.action != FileAction::Upload {
            return None;
        }
        let listed = e.to_version();
        let full = self
            .versions
            .versions
            .iter()
            .find(|v| v.file_id.is_some() && v.file_id == listed.file_id)
            .cloned();
        Some(full.unwrap_or(listed))
    }

    /// `O`: fetches the selected file and hands it to the system's opener.
    fn open_file(&mut self, fx: &mut Effects) {
        let Some(version) = self.selected_file_version() else {
            return self.notify(Level::Info, "Select a file to open");
        };
        let req = self.new_req();
        let name = version.file_name.clone();
        self.notify(Level::Info, format!("Fetching {name} to open it…"));
        self.actions.opening.push((req, name));
        fx.push(Command::Actions(ActionCommand::Fetch {
            req,
            version: Box::new(version),
            purpose: FetchPurpose::Open {
                opener: self.session.opener.clone(),
            },
        }));
    }

    /// `i` in the files pane: the selected file's details, at once when the versions pane
    /// has them, else from `b2_get_file_info`.
    fn show_file_info(&mut self, fx: &mut Effects) {
        let Some(version) = self.selected_file_version() else {
            return self.notify(Level::Info, "Select a file to see its details");
        };
        if version.content_type.is_some() || version.file_id.is_none() {
            return self.push_info("File details", version);
        }
        let Some(file_id) = version.file_id else {
            return;
        };
        let req = self.new_req();
        self.actions.info = Some(req);
        fx.push(Command::Actions(ActionCommand::Info { req, file_id }));
    }

    fn push_info(&mut self, title: &str, version: FileVersion) {
        self.modals
            .push(Modal::Restore(RestoreModal::Info(Box::new(InfoModal {
                title: title.to_owned(),
                version,
            }))));
    }

    /// A file action's result.
    pub(crate) fn on_actions_event(&mut self, ev: ActionEvent, fx: &mut Effects) {
        match ev {
            ActionEvent::Info { req, version } => {
                if self.actions.info == Some(req) {
                    self.actions.info = None;
                    self.push_info("File details", *version);
                }
            }
            ActionEvent::Fetched { req, path, opener } => {
                if let Some(i) = self.actions.opening.iter().position(|(r, _)| *r == req) {
                    let (_, name) = self.actions.opening.remove(i);
                    let with = opener.unwrap_or_default();
                    self.notify(Level::Info, format!("Opened {name} with {with}"));
                } else {
                    self.on_edit_fetched(req, path, fx);
                }
            }
            other => self.on_edit_event(other, fx),
        }
    }

    /// A failed file action; false when `req` is not one.
    pub(crate) fn on_actions_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        if self.actions.info == Some(req) {
            self.actions.info = None;
            self.notify(Level::Error, format!("Could not get the details: {error}"));
            return true;
        }
        if let Some(i) = self.actions.opening.iter().position(|(r, _)| *r == req) {
            let (_, name) = self.actions.opening.remove(i);
            self.modals.push(Modal::Error {
                title: format!("Could not open {name}"),
                message: super::modal::said(error),
            });
            return true;
        }
        self.on_edit_failed(req, error)
    }
}

/// The local name `d` gives a version: the current version keeps the file's name; an
/// older one gets its upload time (UTC) before the extension, `report (2026-12-05
/// 10.31.02).txt`, so that downloading it never silently replaces the current one. When
/// another of `all` (the file's versions) was uploaded in the same second, milliseconds
/// are added, and in the same millisecond the end of the file id.
pub fn version_local_name(v: &FileVersion, all: &[FileVersion], current: bool) -> String {
    if current {
        return v.file_name.clone();
    }
    let at = |ms: i64, fmt: &str| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|t| t.format(fmt).to_string())
            .unwrap_or_else(|| ms.to_string())
    };
    let others: Vec<i64> = all
        .iter()
        .filter(|o| o.file_id != v.file_id)
        .map(|o| o.upload_timestamp)
        .collect();
    let ms = v.upload_timestamp;
    let stamp = if !others
        .iter()
        .any(|o| o.div_euclid(1000) == ms.div_euclid(1000))
    {
        at(ms, "%Y-%m-%d %H.%M.%S")
    } else if !others.contains(&ms) {
        at(ms, "%Y-%m-%d %H.%M.%S%.3f")
    } else {
        let id = v.file_id.as_ref().map_or("", |f| f.0.as_str());
        let tail: String = id
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("{} {tail}", at(ms, "%Y-%m-%d %H.%M.%S%.3f"))
    };
    with_suffix(&v.file_name, &format!(" ({stamp})"))
}

/// `name` with `suffix` before its extension (`a/b.txt` → `a/b<suffix>.txt`); a name
/// without one (or a dot file) gets it at the end.
pub fn with_suffix(name: &str, suffix: &str) -> String {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(dot) if dot > 0 => {
            let at = base_start + dot;
            format!("{}{suffix}{}", &name[..at], &name[at..])
        }
        _ => format!("{name}{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_go_before_the_extension() {
        assert_eq!(with_suffix("a/b.txt", " (x)"), "a/b (x).txt");
        assert_eq!(with_suffix("a.d/b", " (x)"), "a.d/b (x)");
        assert_eq!(with_suffix(".env", " (x)"), ".env (x)");
        assert_eq!(with_suffix("t.tar.gz", " (x)"), "t.tar (x).gz");
    }

    fn version(id: &str, ms: i64) -> FileVersion {
        FileVersion {
            account_id: None,
            action: FileAction::Upload,
            bucket_id: None,
            content_length: 1,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: Some(crate::b2::FileId(id.to_owned())),
            file_info: std::collections::BTreeMap::new(),
            file_name: "d/r.txt".to_owned(),
            replication_status: None,
            upload_timestamp: ms,
        }
    }

    #[test]
    fn older_versions_get_names_of_their_own() {
        let ms = 1_796_466_662_005;
        let all = [
            version("4_zA", ms + 60_000),
            version("4_zB", ms),
            version("4_zC", ms + 300),
            version("4_zD-12345678", ms + 300),
        ];
        assert_eq!(version_local_name(&all[0], &all, true), "d/r.txt");
        assert_eq!(
            version_local_name(&all[0], &all, false),
            "d/r (2026-12-05 10.32.02).txt"
        );
        assert_eq!(
            version_local_name(&all[1], &all, false),
            "d/r (2026-12-05 10.31.02.005).txt"
        );
        assert_eq!(
            version_local_name(&all[3], &all, false),
            "d/r (2026-12-05 10.31.02.305 12345678).txt"
        );
        assert_ne!(
            version_local_name(&all[2], &all, false),
            version_local_name(&all[3], &all, false)
        );
    }
}
