//! The browse panes (buckets, files, versions): navigation, opening buckets and folders,
//! paging ahead as the cursor moves (and back, by a seek, above a jumped-to window), the
//! filter line (on the loaded names, or asked of the server), sort and refresh. Other
//! features' pane actions (restore, settings, transfers) are offered to them first.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::{Action, App, BucketRef, Effects, Focus, Level, Modal, Motion, Row};
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
        let taken = self.on_file_action(action, fx)
            || self.on_settings_pane_action(action, fx)
            || self.on_restore_action(action, fx)
            || self.on_transfer_pane_action(action, fx)
            || self.on_search_pane_action(action, fx)
            || self.on_preview_action(action, fx);
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
            Action::ClearFilter => self.clear_filter(cmds),
            Action::FilterOnServer => self.filter_on_server(cmds),
            Action::SortFiles if self.files.bucket.is_some() => {
                self.focus = Focus::Files;
                let sort = self.files.sort.cycle();
                self.files.set_sort(sort, page);
                let note = if self.files.is_partial() {
                    format!(
                        "Sorted by {} ({} loaded names; Ctrl-O sorts the whole folder)",
                        sort.label(),
                        self.files.entries.len()
                    )
                } else {
                    format!("Sorted by {}", sort.label())
                };
                self.notify(Level::Info, note);
                self.sync_files(cmds);
            }
            Action::SortWholeFolder if self.files.bucket.is_some() => self.sort_whole_folder(cmds),
            Action::Close => {
                if scope == Scope::Files && self.files.load_all {
                    self.files.finish_load_all(page);
                    let n = self.files.entries.len();
                    self.notify(Level::Info, format!("Stopped loading: {n} names sorted"));
                } else if scope == Scope::Files && self.files.filter.is_active() {
                    self.clear_filter(cmds);
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
                let window = self.files.head.is_some();
                if motion == Motion::Top && window && self.lists_names() {
                    // `g` in a jumped-to window: the folder's real top.
                    return self.reopen_folder(cmds);
                }
                let again =
                    std::mem::replace(&mut self.files.bottom_pressed, motion == Motion::Bottom);
                if again && motion == Motion::Bottom && self.more_after() {
                    // `G` twice: the folder's real end, by a seek.
                    return self.seek_folder_end(cmds);
                }
                let moved = self.files.move_cursor(motion, page);
                if !moved && matches!(motion, Motion::Up | Motion::PageUp) {
                    self.files.note_top_reached();
                }
                if moved || motion == Motion::Bottom || window {
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
                prefix: self.files.list_prefix(),
                start: Some(start),
            });
        }
        let req = self.new_req();
        if let Some(before) = self.files.take_earlier_seek(req) {
            cmds.push(Command::ListFilesBefore {
                req,
                bucket: bucket.id.clone(),
                prefix: self.files.list_prefix(),
                before: Some(before),
            });
        }
        if self.files.load_all && self.files.next.is_none() && self.files.pending.is_none() {
            let page = self.list_height();
            self.files.finish_load_all(page);
            let n = self.files.entries.len();
            self.notify(
                Level::Info,
                format!("Sorted all {n} names by {}", self.files.sort.label()),
            );
        }
        match self.files.selected_file() {
            Some(f) => self.versions.show(bucket.id, f.file_name),
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
                    let prefix = e.file_name.to_owned();
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
            self.files.open(bucket.clone(), prefix.clone(), req);
            cmds.push(self.folder_command(req, bucket.id, prefix));
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

    /// True while the folder is listed by name (`b2_list_file_names`): jumps, seeks and
    /// server filters need it; the version listings (hidden files, the past) do not page
    /// by start name.
    fn lists_names(&self) -> bool {
        !self.restore.lists_versions() && self.files.unlisted.is_none()
    }

    /// More names follow the loaded ones (and they can be sought).
    fn more_after(&self) -> bool {
        self.files.next.is_some()
            && !self.files.stalled
            && self.files.server_prefix.is_empty()
            && self.lists_names()
    }

    /// Opens the shown folder again from its first name (sort and filter kept).
    fn reopen_folder(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let (sort, prefix) = (self.files.sort, self.files.prefix.clone());
        let filter = std::mem::take(&mut self.files.filter);
        self.open_folder_of(bucket, prefix, cmds);
        self.files.sort = sort;
        self.files.filter = filter;
        self.files.refilter();
    }

    /// Shows the folder's last names: a seek, since B2 lists only forward.
    fn seek_folder_end(&mut self, cmds: &mut Effects) {
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        let req = self.new_req();
        let (sort, prefix) = (self.files.sort, self.files.prefix.clone());
        let filter = std::mem::take(&mut self.files.filter);
        self.files.open_end(bucket.clone(), prefix.clone(), req);
        self.files.sort = sort;
        self.files.filter = filter;
        self.files.refilter();
        self.versions.clear();
        cmds.push(Command::ListFilesBefore {
            req,
            bucket: bucket.id,
            prefix,
            before: None,
        });
    }

    /// Opens the shown folder at `name` (the folder + a name or its beginning): lists from
    /// there, selecting the first name at or after it.
    pub(crate) fn jump_to_name(
        &mut self,
        bucket: BucketRef,
        folder: String,
        name: String,
        cmds: &mut Effects,
    ) {
        let req = self.new_req();
        self.restore.marks.clear();
        cmds.push(Command::ListFiles {
            req,
            bucket: bucket.id.clone(),
            prefix: folder.clone(),
            start: Some(name.clone()),
        });
        self.files.open_at(bucket, folder, name, req);
        self.versions.clear();
    }

    /// Esc in the filter line (or on a kept filter): drops it; a filter that was asked of
    /// the server lists the whole folder again.
    fn clear_filter(&mut self, cmds: &mut Effects) {
        let page = self.list_height();
        let asked = !self.files.server_prefix.is_empty();
        self.files.clear_filter(page);
        if asked {
            self.reopen_folder(cmds);
        } else {
            self.sync_files(cmds);
        }
    }

    /// `Tab` in the filter line: lists the names of the folder starting with the typed
    /// text from the server (found whether loaded or not). The text is a plain beginning
    /// of a name: B2 lists by prefix, not by pattern.
    fn filter_on_server(&mut self, cmds: &mut Effects) {
        let text = self.files.filter.input.value().to_owned();
        let Some(bucket) = self.files.bucket.clone() else {
            return;
        };
        if text.is_empty() {
            return self.notify(Level::Info, "Type the beginning of a name first");
        }
        if !self.lists_names() {
            return self.notify(
                Level::Warn,
                "The server is asked for current names only (not with hidden files or the past)",
            );
        }
        let req = self.new_req();
        self.restore.marks.clear();
        self.files.open_server_prefix(text, req);
        self.versions.clear();
        cmds.push(Command::ListFiles {
            req,
            bucket: bucket.id,
            prefix: self.files.list_prefix(),
            start: None,
        });
    }

    /// `Ctrl-O`: loads the whole folder in the background (from its top), then sorts it; Esc
    /// stops and sorts what is loaded.
    fn sort_whole_folder(&mut self, cmds: &mut Effects) {
        if !self.lists_names() && self.files.head.is_some() {
            return;
        }
        if self.files.sort.is_natural() {
            let page = self.list_height();
            self.files.set_sort(self.files.sort.cycle(), page);
        }
        if self.files.head.is_some() {
            self.reopen_folder(cmds);
        }
        self.files.load_all = true;
        let label = self.files.sort.label();
        self.notify(
            Level::Info,
            format!("Loading the whole folder to sort by {label}; Esc stops"),
        );
        self.sync_files(cmds);
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
