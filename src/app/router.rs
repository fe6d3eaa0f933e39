//! Where a key goes. The keymap resolves it in the current scope; Ctrl-C (`ForceQuit`)
//! quits here and nowhere else; then the top modal's feature takes it, else the view on
//! screen, else the browse panes (features first, then navigation). The root never lists
//! another feature's actions: each feature says whether it took one.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::{Action, App, Effects, Focus, Level, Modal, View};
use crate::input::Scope;

impl App {
    /// The scope that gets keys: the top modal, else the view on screen, else the filter
    /// line while typing, else the focused pane.
    pub fn scope(&self) -> Scope {
        if let Some(m) = self.modals.last() {
            return m.scope();
        }
        match self.view {
            View::Keys => Scope::Keys,
            View::Transfers => Scope::Transfers,
            View::Settings(_) => Scope::Settings,
            View::Usage if self.usage.price_input.is_some() => Scope::UsagePrice,
            View::Usage => Scope::Usage,
            View::Browse => match self.focus {
                Focus::Files if self.files.filter.editing => Scope::Filter,
                Focus::Buckets => Scope::Buckets,
                Focus::Files => Scope::Files,
                Focus::Versions => Scope::Versions,
            },
        }
    }

    pub(super) fn on_key(&mut self, key: KeyEvent, fx: &mut Effects) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.notification = None;
        let scope = self.scope();
        let action = self.keymap.resolve(scope, &key);
        if action == Some(Action::ForceQuit) {
            return fx.quit();
        }
        if self.defers(scope, action) {
            self.deferred.push(key);
            return;
        }
        match self.modals.last() {
            Some(Modal::Help { .. }) => self.on_help_action(action),
            Some(Modal::Error { .. }) => {
                if matches!(action, Some(Action::Close | Action::Quit | Action::Open)) {
                    self.modals.pop();
                }
            }
            Some(Modal::Keys(_)) => self.on_keys_modal_key(key, action, fx),
            Some(Modal::Restore(_)) => self.on_restore_modal_key(scope, key, action, fx),
            Some(Modal::Settings(_)) => self.on_settings_modal_key(scope, key, action, fx),
            Some(Modal::Transfer(_)) => self.on_transfer_modal_key(scope, key, action, fx),
            Some(Modal::GoTo(_)) => self.on_goto_key(key, action, fx),
            Some(Modal::Profiles(_)) => self.on_profiles_action(action, fx),
            Some(Modal::Search { .. }) => self.on_search_modal_key(scope, key, action, fx),
            Some(Modal::Actions(_)) => self.on_menu_key(key, action, fx),
            None => self.on_screen_key(scope, key, action, fx),
        }
        self.asks_before_quit(action, fx);
    }

    /// True when a key is typed in the files pane before the folder it was meant for has
    /// arrived (`h j ⏎` typed at once): a key that moves over or opens the rows waits, and every key
    /// after it waits behind it, so nothing is lost or applied out of order. Quit never
    /// waits, and keys that do not need the rows go through while nothing waits, so a
    /// listing that hangs cannot hold the keyboard.
    fn defers(&self, scope: Scope, action: Option<Action>) -> bool {
        /// At most this many keys wait; more go through as typed.
        const MAX_DEFERRED: usize = 64;
        let needs_rows = matches!(
            action,
            Some(
                Action::MoveUp
                    | Action::MoveDown
                    | Action::PageUp
                    | Action::PageDown
                    | Action::GoTop
                    | Action::GoBottom
                    | Action::Open
                    | Action::ToggleMark
            )
        );
        let waits = needs_rows || (!self.deferred.is_empty() && action != Some(Action::Quit));
        waits
            && scope == Scope::Files
            && self.modals.is_empty()
            && self.view == View::Browse
            && self.files.is_awaiting_first_page()
            && self.deferred.len() < MAX_DEFERRED
    }

    /// Applies the keys that waited for a folder, once its first page (or its failure)
    /// arrived. A key that opens another folder makes the rest wait again.
    pub(super) fn replay_deferred(&mut self, fx: &mut Effects) {
        while !self.deferred.is_empty() && !self.files.is_awaiting_first_page() {
            let key = self.deferred.remove(0);
            self.on_key(key, fx);
        }
    }

    /// No modal open: view switches first, then the view on screen.
    fn on_screen_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        fx: &mut Effects,
    ) {
        if let Some(a) = action
            && self.switch_view(a, fx)
        {
            return;
        }
        if let Some(a) = action
            && self.refuse_unavailable(scope, a)
        {
            return;
        }
        match (&self.view, action) {
            (View::Browse, _) => self.on_browse_key(scope, key, action, fx),
            (View::Keys, Some(a)) => self.on_keys_action(a, fx),
            (View::Transfers, Some(a)) => self.on_transfers_action(a, fx),
            (View::Settings(_), Some(a)) => self.on_settings_view_action(a, fx),
            (View::Usage, _) => self.on_usage_key(key, action, fx),
            (_, None) => {}
        }
    }

    /// The one-key view switches (`1`–`4`, `t`, `K`, `B`); false for other actions.
    /// Opening a bucket's settings from the browse panes is the settings feature's pane
    /// action (it needs the selected bucket), not a switch.
    fn switch_view(&mut self, action: Action, fx: &mut Effects) -> bool {
        match action {
            Action::ShowBrowse | Action::ShowTransfers | Action::ShowKeys => {
                self.leave_settings();
                match action {
                    Action::ShowKeys => self.show_keys(fx),
                    Action::ShowTransfers => self.view = View::Transfers,
                    _ => {}
                }
            }
            Action::SwitchProfile => self.open_profile_picker(),
            Action::GoToPath => {
                self.leave_settings();
                self.view = View::Browse;
                self.open_goto_prompt();
            }
            Action::ShowUsage => self.show_usage(fx),
            Action::OpenBucketSettings
                if matches!(self.view, View::Keys | View::Transfers | View::Usage) =>
            {
                self.view = View::Browse;
                self.on_settings_pane_action(action, fx);
                if self.view.settings().is_none() {
                    self.notify(Level::Info, "Select a bucket to see its settings");
                }
            }
            _ => return false,
        }
        true
    }

    fn on_help_action(&mut self, action: Option<Action>) {
        let max_scroll = self.help_line_count().saturating_sub(1);
        let page = self.list_height();
        let Some(Modal::Help { scroll }) = self.modals.last_mut() else {
            return;
        };
        match action {
            Some(Action::MoveDown) => *scroll = (*scroll + 1).min(max_scroll),
            Some(Action::MoveUp) => *scroll = scroll.saturating_sub(1),
            Some(Action::PageDown) => *scroll = (*scroll + page).min(max_scroll),
            Some(Action::PageUp) => *scroll = scroll.saturating_sub(page),
            Some(Action::GoTop) => *scroll = 0,
            Some(Action::Close | Action::Quit | Action::ShowHelp) => {
                self.modals.pop();
            }
            _ => {}
        }
    }

    /// Lines of the help overlay: per scope a heading, its bindings and a blank line.
    pub fn help_line_count(&self) -> usize {
        Scope::ALL
            .iter()
            .map(|&s| self.keymap.bindings(s).len() + 2)
            .sum()
    }
}
