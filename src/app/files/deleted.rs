//! The "Recently deleted" list (`W` in the files pane): hidden files under the folder shown,
//! newest hide first; its state, opening it, its keys (move, mark, `U` unhide). No I/O.

use std::collections::BTreeSet;

use crate::app::panes::Cursor;
use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Effects, Modal};
use crate::b2::BucketId;
use crate::worker::history::HiddenFile;
use crate::worker::restore::{Op, RestoreCommand};
use crate::worker::{Command, RequestId};

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

impl App {
    /// `W`: lists the hidden files under the folder shown into a new list.
    pub(crate) fn open_hidden_view(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        let prefix = self.files.prefix.clone();
        cmds.push(Command::Restore(RestoreCommand::ListHidden {
            req,
            bucket: bucket.id.clone(),
            prefix: prefix.clone(),
            page_size: self.restore.page_size,
        }));
        self.modals
            .push(Modal::Restore(RestoreModal::Hidden(Box::new(HiddenView {
                req,
                bucket: bucket.id,
                prefix,
                files: Vec::new(),
                loading: true,
                cursor: Default::default(),
                marks: Default::default(),
            }))));
    }

    /// Keys of the list: move, `Space` marks, `U` unhides the marked or selected files.
    pub(crate) fn on_hidden_view_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height();
        let Some(Modal::Restore(RestoreModal::Hidden(h))) = self.modals.last_mut() else {
            return;
        };
        match action {
            Action::MoveDown => {
                h.cursor
                    .apply(crate::app::Motion::Down, h.files.len(), page);
            }
            Action::MoveUp => {
                h.cursor.apply(crate::app::Motion::Up, h.files.len(), page);
            }
            Action::PageDown => {
                h.cursor
                    .apply(crate::app::Motion::PageDown, h.files.len(), page);
            }
            Action::PageUp => {
                h.cursor
                    .apply(crate::app::Motion::PageUp, h.files.len(), page);
            }
            Action::ToggleMark => {
                if let Some(f) = h.files.get(h.cursor.selected) {
                    let name = f.name.clone();
                    if !h.marks.remove(&name) {
                        h.marks.insert(name);
                    }
                    h.cursor
                        .apply(crate::app::Motion::Down, h.files.len(), page);
                }
            }
            Action::Unhide => {
                let names: Vec<String> = if h.marks.is_empty() {
                    h.files
                        .get(h.cursor.selected)
                        .map(|f| f.name.clone())
                        .into_iter()
                        .collect()
                } else {
                    h.marks.iter().cloned().collect()
                };
                if names.is_empty() {
                    return;
                }
                self.modals.pop();
                let what = match names.as_slice() {
                    [one] => format!("unhide {one}"),
                    more => format!("unhide {} files", more.len()),
                };
                let ops = names.into_iter().map(|name| Op::Unhide { name }).collect();
                self.start_job(what, ops, cmds);
            }
            Action::Close | Action::Quit => {
                self.modals.pop();
            }
            _ => {}
        }
    }

    /// Hidden files found for the list (`RestoreCommand::ListHidden`).
    pub(crate) fn on_hidden_listed(&mut self, req: RequestId, files: Vec<HiddenFile>, done: bool) {
        if let Some(RestoreModal::Hidden(h)) = self.restore_modal_for(req) {
            h.add(files);
            h.loading = !done;
        }
    }
}
