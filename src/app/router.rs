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
            None => self.on_screen_key(scope, key, action, fx),
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
        match (&self.view, action) {
            (View::Browse, _) => self.on_browse_key(scope, key, action, fx),
            (View::Keys, Some(a)) => self.on_keys_action(a, fx),
            (View::Transfers, Some(a)) => self.on_transfers_action(a, fx),
            (View::Settings(_), Some(a)) => self.on_settings_view_action(a, fx),
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
            Action::OpenBucketSettings if matches!(self.view, View::Keys | View::Transfers) => {
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
