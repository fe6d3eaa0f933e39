//! Keys state: the account's application keys (paged in as they arrive) and the Keys
//! dialogs, plus where a key goes while one of them is on top. The view, each dialog and the
//! worker results are in their own files (`view`, `create`, `secret`, `delete`, `events`).

pub mod caps;
mod create;
mod delete;
mod events;
pub mod form;
pub mod inspect;
pub mod secret;
mod view;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

pub use form::{FieldError, FormField, KeyForm, TextField};
pub use secret::{SecretModal, Tool};

use super::panes::Cursor;
use super::{Action, App, Modal};
use crate::app::Effects;
use crate::b2::{ApplicationKey, BucketId};
use crate::input::Scope;
use crate::worker::RequestId;

/// The key b2tui itself uses, as `b2_authorize_account` reported it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurrentKey {
    pub key_id: String,
    pub capabilities: Vec<String>,
    pub bucket_id: Option<BucketId>,
    pub bucket_name: Option<String>,
    pub name_prefix: Option<String>,
    /// Milliseconds since the epoch; None = never.
    pub expiration: Option<i64>,
    /// `s3ApiUrl` of the authorization.
    pub s3_api_url: Option<String>,
    /// The URL b2tui authorized at (the profile's endpoint); None = not known, taken as
    /// Backblaze's own.
    pub authorize_url: Option<String>,
    /// The buckets the key is restricted to (id, name); None = every bucket.
    pub allowed_buckets: Option<Vec<crate::b2::AllowedBucket>>,
}

impl CurrentKey {
    /// The folder a prefix-restricted key starts in and cannot go above: its name prefix
    /// up to the last `/` (`docs/rep` → `docs/`); "" without a prefix.
    pub fn folder_floor(&self) -> &str {
        let prefix = self.name_prefix.as_deref().unwrap_or("");
        &prefix[..prefix.rfind('/').map_or(0, |i| i + 1)]
    }
}

/// The Keys view's state.
#[derive(Clone, Debug, Default)]
pub struct KeysView {
    pub keys: Vec<ApplicationKey>,
    pub cursor: Cursor,
    /// The `ListKeys` in flight.
    pub pending: Option<RequestId>,
    pub loaded: bool,
    /// Wall-clock time of the last answer (ms), for expiry colours.
    pub now_ms: Option<i64>,
    /// The `DeleteKey` in flight and the key's id.
    pub deleting: Option<(RequestId, String)>,
    /// The key b2tui uses was deleted: nothing works any more.
    pub revoked: bool,
}

impl KeysView {
    /// The key under the cursor.
    pub fn selected(&self) -> Option<&ApplicationKey> {
        self.keys.get(self.cursor.selected)
    }
}

/// A modal of the Keys view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeysModal {
    Form(Box<KeyForm>),
    Secret(Box<SecretModal>),
    /// Delete confirmation; `typed` is the second step for the key b2tui uses.
    ConfirmDelete {
        key_id: String,
        key_name: String,
        is_current: bool,
        typed: Option<TextField>,
        error: Option<String>,
    },
    /// The key b2tui used is gone; only quitting is left.
    Revoked {
        key_name: String,
    },
}

impl KeysModal {
    /// The keymap scope while this modal is on top.
    pub fn scope(&self) -> Scope {
        match self {
            KeysModal::Form(_) => Scope::KeyForm,
            KeysModal::Secret(_) => Scope::KeySecret,
            KeysModal::ConfirmDelete { .. } => Scope::KeyDelete,
            KeysModal::Revoked { .. } => Scope::KeyRevoked,
        }
    }

    fn text_input(&mut self) -> Option<&mut tui_input::Input> {
        match self {
            KeysModal::Form(f) => f.focused_input(),
            KeysModal::ConfirmDelete { typed: Some(t), .. } => Some(&mut t.0),
            _ => None,
        }
    }
}

/// The Keys dialog on top of `modals`, if any (a borrow of the modal stack alone, so the
/// rest of `App` stays usable).
fn top_keys_modal(modals: &mut [Modal]) -> Option<&mut KeysModal> {
    match modals.last_mut() {
        Some(Modal::Keys(m)) => Some(m.as_mut()),
        _ => None,
    }
}

impl App {
    /// A key press while a Keys modal is on top: typing goes to the focused text field,
    /// everything else through the modal's keymap scope.
    pub(crate) fn on_keys_modal_key(
        &mut self,
        key: KeyEvent,
        action: Option<Action>,
        cmds: &mut Effects,
    ) {
        let is_char = matches!(key.code, KeyCode::Char(_))
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let navigates = matches!(
            action,
            Some(
                Action::NextField
                    | Action::PrevField
                    | Action::Submit
                    | Action::Close
                    | Action::MoveUp
                    | Action::MoveDown
            )
        ) && !(is_char);
        if let Some(Modal::Keys(m)) = self.modals.last_mut()
            && let Some(input) = m.text_input()
            && !navigates
        {
            input.handle_event(&Event::Key(key));
            if let KeysModal::Form(f) = m.as_mut() {
                let field = f.focus;
                f.errors.retain(|e| e.field != field);
            }
            return;
        }
        if let Some(action) = action {
            self.on_keys_modal_action(action, cmds);
        }
    }

    fn on_keys_modal_action(&mut self, action: Action, cmds: &mut Effects) {
        match top_keys_modal(&mut self.modals) {
            Some(KeysModal::Form(_)) => self.on_key_form_action(action, cmds),
            Some(KeysModal::Secret(_)) => self.on_key_secret_action(action, cmds),
            Some(KeysModal::ConfirmDelete { .. }) => self.on_key_delete_action(action, cmds),
            Some(KeysModal::Revoked { .. }) => self.on_key_revoked_action(action, cmds),
            None => {}
        }
    }
}
