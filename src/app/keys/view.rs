//! The Keys view: loading the account's keys, moving in the list, leaving for the browse
//! panes, and opening the create form or the delete question for the selected key.

use std::collections::HashMap;

use crate::app::panes::Motion;
use crate::app::{Action, App, Effects, Focus, Modal, View};
use crate::b2::BucketId;
use crate::worker::{Command, KeyCommand};

impl App {
    /// Bucket id → name, from the buckets pane.
    pub fn bucket_names(&self) -> HashMap<BucketId, String> {
        let mut names: HashMap<BucketId, String> = self
            .buckets
            .buckets
            .iter()
            .map(|b| (b.bucket_id.clone(), b.bucket_name.clone()))
            .collect();
        if let (Some(id), Some(name)) = (&self.session.key.bucket_id, &self.session.key.bucket_name)
        {
            names.entry(id.clone()).or_insert_with(|| name.clone());
        }
        names
    }

    /// Switches to the Keys view, loading the list the first time.
    pub(crate) fn show_keys(&mut self, cmds: &mut Effects) {
        self.view = View::Keys;
        if !self.keys.loaded && self.keys.pending.is_none() {
            self.request_keys(cmds);
        }
    }

    /// Lists the keys, unless the key may not: then the view says which capability it
    /// lacks, without a call that B2 would refuse.
    fn request_keys(&mut self, cmds: &mut Effects) {
        if self.unavailable("list application keys", &["listKeys"]) {
            return;
        }
        let req = self.new_req();
        self.keys.pending = Some(req);
        self.keys.keys.clear();
        cmds.push(Command::Keys(KeyCommand::ListKeys { req }));
    }

    /// An action in the Keys view (no modal open).
    pub(crate) fn on_keys_action(&mut self, action: Action, cmds: &mut Effects) {
        let page = self.list_height().saturating_sub(8).max(1);
        let len = self.keys.keys.len();
        let mut motion = |m: Motion| {
            self.keys.cursor.apply(m, len, page);
        };
        match action {
            Action::MoveUp => motion(Motion::Up),
            Action::MoveDown => motion(Motion::Down),
            Action::PageUp => motion(Motion::PageUp),
            Action::PageDown => motion(Motion::PageDown),
            Action::GoTop => motion(Motion::Top),
            Action::GoBottom => motion(Motion::Bottom),
            Action::Quit => cmds.quit(),
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::Refresh => self.request_keys(cmds),
            Action::ShowKeys => self.show_keys(cmds),
            Action::Close | Action::ShowBrowse => self.view = View::Browse,
            Action::FocusBuckets | Action::FocusFiles | Action::FocusVersions => {
                self.view = View::Browse;
                self.focus = match action {
                    Action::FocusFiles => Focus::Files,
                    Action::FocusVersions => Focus::Versions,
                    _ => Focus::Buckets,
                };
            }
            Action::NewKey => self.open_key_form(),
            Action::DeleteKey => self.ask_delete_key(),
            _ => {}
        }
    }
}
