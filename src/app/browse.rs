//! The browse panes (buckets, files, versions): navigation, opening buckets and folders,
//! paging ahead as the cursor moves, the filter line and refresh. Other features' pane
//! actions (restore, settings, transfers) are offered to them first.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{Action, App, BucketRef, Effects, Focus, Modal, Motion, Row};
use crate::input::Scope;
use crate::worker::Command;

impl App {
    /// A key in the browse panes.
    pub(super) fn on_browse_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        fx: &mut Effects,
    ) {
        let Some(action) = action else {
            if scope == Scope::Filter {
                let changed = self.files.filter.input.handle_event(&Event::Key(key));
                if changed.is_some_and(|c| c.value) {
                    self.files.refilter();
                    self.sync_files(fx);
                }
            }
            return;
        };
        let taken = self.on_settings_pane_action(action, fx)
            || self.on_restore_action(action, fx)
            || self.on_transfer_pane_action(action, fx)
            || self.on_search_pane_action(action, fx);
        if !taken {
            self.on_browse_action(scope, action, fx);
        }
    }

    /// Navigation and the filter line.
    fn on_browse_action(&mut self, scope: Scope, action: Action, cmds: &mut Effects) {
        let page = self.list_height();
        match action {
            Action::Quit => cmds.quit(),
            Action::MoveUp => self.move_cursor(Motion::Up, page, cmds),
            Action::MoveDown => self.move_cursor(Motion::Down, page, cmds),
            Action::PageUp => self.move_cursor(Motion::PageUp, page, cmds),
            Action::PageDown => self.move_cursor(Motion::PageDown, page, cmds),
            Action::GoTop => self.move_cursor(Motion::Top, page, cmds),
            Action::GoBottom => self.move_cursor(Motion::Bottom, page, cmds),
            Action::Open => self.open(cmds),
            Action::GoUp => self.go_up(cmds),
            Action::NextPane => self.set_focus(self.focus.next(), cmds),
            Action::PrevPane => self.set_focus(self.focus.prev(), cmds),
            Action::FocusBuckets => self.set_focus(Focus::Buckets, cmds),
            Action::FocusFiles => self.set_focus(Focus::Files, cmds),
            Action::FocusVersions => self.set_focus(Focus::Versions, cmds),
            Action::Refresh => self.refresh(cmds),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::StartFilter if self.files.bucket.is_some() => {
                self.focus = Focus::Files;
                self.files.filter.editing = true;
            }
            Action::ApplyFilter => {
                self.files.filter.editing = false;
                if self.files.filter.input.value().is_empty() {
                    self.files.clear_filter(page);
                }
            }
            Action::ClearFilter => {
                self.files.clear_filter(page);
                self.sync_files(cmds);
            }
            Action::Close => {
                if scope == Scope::Files && self.files.filter.is_active() {
                    self.files.clear_filter(page);
                    self.sync_files(cmds);
                } else if scope == Scope::Files {
                    self.leave_time_travel(cmds);
                }
            }
            _ => {}
        }
    }

    pub(super) fn request_buckets(&mut self) -> Command {
        let req = self.new_req();
        self.buckets.pending = Some(req);
        Command::ListBuckets { req }
    }

    fn move_cursor(&mut self, motion: Motion, page: usize, cmds: &mut Effects) {
        match self.focus {
            Focus::Buckets => {
                self.buckets.move_cursor(motion, page);
            }
            Focus::Files => {
                if self.files.move_cursor(motion, page) || motion == Motion::Bottom {
                    self.sync_files(cmds);
                }
            }
            Focus::Versions => {
                self.versions.move_cursor(motion, page);
            }
        }
    }

    /// After the files list or its cursor changed: load ahead, and point the versions pane
    /// at the selected file.
    pub(crate) fn sync_files(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if let Some(start) = self.files.next_page_start().map(str::to_owned) {
            let req = self.new_req();
            self.files.set_pending(req);
            cmds.push(Command::ListFiles {
                req,
                bucket: bucket.id.clone(),
                prefix: self.files.prefix.clone(),
                start: Some(start),
            });
        }
        match self.files.selected_file() {
            Some(f) => self.versions.show(bucket.id, &f.file_name),
            None => self.versions.clear(),
        }
    }

    fn set_focus(&mut self, focus: Focus, cmds: &mut Effects) {
        self.focus = focus;
        if focus == Focus::Versions {
            self.request_versions(cmds);
        }
    }

    fn open(&mut self, cmds: &mut Effects) {
        match self.focus {
            Focus::Buckets => self.open_bucket(cmds),
            Focus::Files => match self.files.selected() {
                Some(Row::Parent) => self.go_up(cmds),
                Some(Row::Entry(e)) if e.is_folder() => {
                    let prefix = e.file_name.clone();
                    self.open_folder(prefix, cmds);
                }
                Some(Row::Entry(_)) => self.set_focus(Focus::Versions, cmds),
                None => {}
            },
            Focus::Versions => {}
        }
    }

    /// Opens the selected bucket at the key's floor (its name prefix's folder).
    fn open_bucket(&mut self, cmds: &mut Effects) {
        let Some(b) = self.buckets.selected() else {
            return;
        };
        let bucket = BucketRef {
            id: b.bucket_id.clone(),
            name: b.bucket_name.clone(),
        };
        self.focus = Focus::Files;
        if self.files.bucket.as_ref() == Some(&bucket) {
            return;
        }
        let floor = self.session.key.folder_floor().to_owned();
        self.open_folder_of(bucket, floor, cmds);
    }

    /// A key restricted to buckets that sees only one opens it at once.
    pub(super) fn open_only_bucket(&mut self, cmds: &mut Effects) {
        if self.session.key.allowed_buckets.is_some()
            && self.buckets.buckets.len() == 1
            && self.files.bucket.is_none()
        {
            self.open_bucket(cmds);
        }
    }

    fn open_folder(&mut self, prefix: String, cmds: &mut Effects) {
        if let Some(bucket) = self.files.bucket.clone() {
            self.open_folder_of(bucket, prefix, cmds);
        }
    }

    /// Shows `prefix` of `bucket`, listing it unless the key lacks `listFiles` (then the
    /// pane says so, and uploads and go-to still work).
    pub(crate) fn open_folder_of(&mut self, bucket: BucketRef, prefix: String, cmds: &mut Effects) {
        let req = self.new_req();
        if self.admin.missing(&["listFiles"]).is_some() {
            self.files.open_unlisted(bucket, prefix);
        } else {
            cmds.push(self.folder_command(req, bucket.id.clone(), prefix.clone()));
            self.files.open(bucket, prefix, req);
        }
        self.versions.clear();
    }

    fn go_up(&mut self, cmds: &mut Effects) {
        match self.focus {
            Focus::Buckets => {}
            Focus::Files => {
                let req = self.new_req();
                if self.files.go_up(req) {
                    if let Some(bucket) = self.files.bucket.clone() {
                        let prefix = self.files.prefix.clone();
                        cmds.push(self.folder_command(req, bucket.id, prefix));
                    }
                    self.versions.clear();
                } else {
                    self.focus = Focus::Buckets;
                }
            }
            Focus::Versions => self.focus = Focus::Files,
        }
    }

    fn refresh(&mut self, cmds: &mut Effects) {
        match self.focus {
            Focus::Buckets => cmds.push(self.request_buckets()),
            Focus::Files => self.reload_folder(cmds),
            Focus::Versions => {
                self.versions.reload();
                self.request_versions(cmds);
            }
        }
    }
}
