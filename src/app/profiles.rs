//! Switching accounts (`P`): a picker over the config file's profiles. Choosing one asks
//! the loop to authorize with it ([`Effect::SwitchProfile`]); the loop then starts a new
//! app on the new account, or reports why it could not. Never while transfers run: they
//! belong to the account they started on. No I/O here.

use super::{Action, App, Effect, Effects, Level, Modal};

/// The profile picker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfilePicker {
    pub cursor: usize,
}

impl App {
    /// `P`: opens the picker on the profile in use, or says where profiles come from.
    pub(crate) fn open_profile_picker(&mut self) {
        if self.session.profiles.is_empty() {
            self.notify(
                Level::Info,
                "No profiles: add [profiles.NAME] to ~/.config/b2tui/config.toml (see README)",
            );
            return;
        }
        let cursor = self
            .session
            .profile
            .as_ref()
            .and_then(|p| self.session.profiles.iter().position(|n| n == p))
            .unwrap_or(0);
        self.modals.push(Modal::Profiles(ProfilePicker { cursor }));
    }

    /// Keys of the picker: move, `Enter` switches, `Esc` closes.
    pub(crate) fn on_profiles_action(&mut self, action: Option<Action>, fx: &mut Effects) {
        let len = self.session.profiles.len();
        let Some(Modal::Profiles(p)) = self.modals.last_mut() else {
            return;
        };
        match action {
            Some(Action::MoveDown) => p.cursor = (p.cursor + 1).min(len.saturating_sub(1)),
            Some(Action::MoveUp) => p.cursor = p.cursor.saturating_sub(1),
            Some(Action::Confirm | Action::Open) => {
                let Some(name) = self.session.profiles.get(p.cursor).cloned() else {
                    return;
                };
                self.modals.pop();
                if self.session.profile.as_ref() == Some(&name) {
                    return;
                }
                let active = self.transfers.totals();
                if active.is_active() || active.paused > 0 {
                    self.notify(
                        Level::Warn,
                        format!(
                            "Cannot switch to {name} while transfers are queued, running or \
                             paused: finish or cancel them first"
                        ),
                    );
                    return;
                }
                self.notify(Level::Info, format!("Switching to profile {name}…"));
                fx.push(Effect::SwitchProfile { name });
            }
            Some(Action::Close | Action::Quit) => {
                self.modals.pop();
            }
            _ => {}
        }
    }
}
