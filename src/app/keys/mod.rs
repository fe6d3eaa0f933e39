//! The Keys view: the account's application keys (paged in as they arrive), the create
//! form, the one-time secret, and delete confirmations. State and `update` logic only.

pub mod caps;
pub mod form;
pub mod inspect;
pub mod secret;

use std::collections::HashMap;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

pub use form::{FieldError, FormField, KeyForm, TextField};
pub use secret::{SecretModal, Tool};

use super::panes::{Cursor, Motion};
use super::{Action, App, Focus, Level, Modal, View};
use crate::app::{Effect, Effects};
use crate::b2::{ApplicationKey, BucketId, Secret};
use crate::input::Scope;
use crate::worker::{Command, KeyCommand, KeysEvent, RequestId};

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
    Form(KeyForm),
    Secret(SecretModal),
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
    pub(super) fn show_keys(&mut self, cmds: &mut Effects) {
        self.view = View::Keys;
        if !self.keys.loaded && self.keys.pending.is_none() {
            self.request_keys(cmds);
        }
    }

    fn request_keys(&mut self, cmds: &mut Effects) {
        let req = self.new_req();
        self.keys.pending = Some(req);
        self.keys.keys.clear();
        cmds.push(Command::Keys(KeyCommand::ListKeys { req }));
    }

    /// An action in the Keys view (no modal open).
    pub(super) fn on_keys_action(&mut self, action: Action, cmds: &mut Effects) {
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
            Action::NewKey => {
                let buckets = self
                    .buckets
                    .buckets
                    .iter()
                    .map(|b| (b.bucket_id.clone(), b.bucket_name.clone()))
                    .collect();
                let form = KeyForm::new(self.session.key.clone(), buckets);
                self.modals
                    .push(Modal::Keys(Box::new(KeysModal::Form(form))));
            }
            Action::DeleteKey => {
                if let Some(k) = self.keys.selected() {
                    let modal = KeysModal::ConfirmDelete {
                        key_id: k.application_key_id.clone(),
                        key_name: k.key_name.clone(),
                        is_current: k.application_key_id == self.session.key.key_id,
                        typed: None,
                        error: None,
                    };
                    self.modals.push(Modal::Keys(Box::new(modal)));
                }
            }
            _ => {}
        }
    }

    /// A key press while a Keys modal is on top: typing goes to the focused text field,
    /// everything else through the modal's keymap scope.
    pub(super) fn on_keys_modal_key(
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
        let Some(Modal::Keys(modal)) = self.modals.last_mut() else {
            return;
        };
        match modal.as_mut() {
            KeysModal::Form(f) => match action {
                Action::NextField => f.focus_step(true),
                Action::PrevField => f.focus_step(false),
                Action::MoveDown => f.move_cursor(true),
                Action::MoveUp => f.move_cursor(false),
                Action::Toggle => f.toggle(),
                Action::NextTab if f.focus == FormField::Preset => f.preset_step(true),
                Action::PrevTab if f.focus == FormField::Preset => f.preset_step(false),
                Action::Submit if f.pending.is_none() => {
                    self.next_req += 1;
                    let req = RequestId(self.next_req);
                    match f.validate(req) {
                        Ok(cmd) => {
                            f.errors.clear();
                            f.server_error = None;
                            f.pending = Some(req);
                            cmds.push(cmd);
                        }
                        Err(errors) => f.errors = errors,
                    }
                }
                Action::Close => {
                    self.modals.pop();
                }
                _ => {}
            },
            KeysModal::Secret(s) => {
                let copy = match action {
                    Action::NextTab => {
                        s.tool = s.tool.cycle(true);
                        None
                    }
                    Action::PrevTab => {
                        s.tool = s.tool.cycle(false);
                        None
                    }
                    Action::CopyKeyId => Some((
                        Secret::new(s.key.application_key_id.clone()),
                        "Key id copied",
                    )),
                    Action::CopySecret => Some((s.secret.clone(), "Secret copied")),
                    Action::CopySnippet => Some((s.snippet(s.tool), "Settings copied")),
                    Action::Close => {
                        // Dropping the modal drops the only copy of the secret.
                        self.modals.pop();
                        None
                    }
                    _ => None,
                };
                if let Some((text, what)) = copy {
                    cmds.push(Effect::Clipboard(text));
                    self.notify(Level::Info, format!("{what} to the clipboard"));
                }
            }
            KeysModal::ConfirmDelete {
                key_id,
                key_name,
                is_current,
                typed,
                error,
            } => match action {
                Action::Confirm if typed.is_none() => {
                    if *is_current {
                        *typed = Some(TextField::default());
                    } else {
                        let key_id = key_id.clone();
                        self.send_delete(key_id, cmds);
                    }
                }
                Action::Submit => match typed {
                    Some(t) if t.value() == key_name.as_str() => {
                        let key_id = key_id.clone();
                        self.send_delete(key_id, cmds);
                    }
                    Some(_) => *error = Some("type the key's name exactly to delete it".into()),
                    // The safe default: Enter on the first question cancels.
                    None => {
                        self.modals.pop();
                    }
                },
                Action::Close => {
                    self.modals.pop();
                }
                _ => {}
            },
            KeysModal::Revoked { .. } => {
                if matches!(action, Action::Quit | Action::Close | Action::Submit) {
                    cmds.quit();
                }
            }
        }
    }

    fn send_delete(&mut self, key_id: String, cmds: &mut Effects) {
        self.modals.pop();
        let req = self.new_req();
        self.keys.deleting = Some((req, key_id.clone()));
        cmds.push(Command::Keys(KeyCommand::DeleteKey { req, key_id }));
    }

    /// A worker result about keys.
    pub(super) fn on_keys_event(&mut self, ev: KeysEvent) {
        match ev {
            KeysEvent::KeysListed {
                req,
                keys,
                done,
                now_ms,
            } => {
                if self.keys.pending != Some(req) {
                    return;
                }
                self.keys.now_ms = Some(now_ms);
                for k in keys {
                    if !self
                        .keys
                        .keys
                        .iter()
                        .any(|e| e.application_key_id == k.application_key_id)
                    {
                        self.keys.keys.push(k);
                    }
                }
                if done {
                    self.keys.pending = None;
                    self.keys.loaded = true;
                }
                self.keys.cursor.clamp(self.keys.keys.len());
            }
            KeysEvent::KeyCreated { req, key, now_ms } => {
                let Some(pos) = self.modals.iter().position(|m| {
                    matches!(m, Modal::Keys(k) if matches!(k.as_ref(), KeysModal::Form(f) if f.pending == Some(req)))
                }) else {
                    return;
                };
                self.modals.remove(pos);
                self.keys.now_ms = Some(now_ms);
                let names = self.bucket_names();
                let mut all = self.keys.keys.clone();
                all.push(key.key.clone());
                let overlaps = inspect::write_overlaps(&all);
                let overlapping = inspect::overlaps_of(&key.key.application_key_id, &overlaps)
                    .filter_map(|(id, _, _)| all.iter().find(|k| k.application_key_id == id))
                    .map(|k| k.key_name.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let modal = SecretModal {
                    bucket_names: key
                        .key
                        .bucket_ids()
                        .iter()
                        .map(|id| inspect::bucket_label(Some(id), &names))
                        .collect(),
                    s3_endpoint: self.session.key.s3_api_url.clone(),
                    account_id: self.session.account_id.clone(),
                    overlapping,
                    tool: Tool::B2Cli,
                    key: key.key.clone(),
                    secret: key.secret.clone(),
                };
                self.keys.keys.push(key.key);
                self.keys
                    .cursor
                    .select(self.keys.keys.len() - 1, self.list_height());
                self.modals
                    .push(Modal::Keys(Box::new(KeysModal::Secret(modal))));
            }
            KeysEvent::KeyDeleted { req, key } => {
                if self.keys.deleting.as_ref().is_some_and(|(r, _)| *r == req) {
                    self.keys.deleting = None;
                }
                self.keys
                    .keys
                    .retain(|k| k.application_key_id != key.application_key_id);
                self.keys.cursor.clamp(self.keys.keys.len());
                if key.application_key_id == self.session.key.key_id {
                    self.keys.revoked = true;
                    self.modals.push(Modal::Keys(Box::new(KeysModal::Revoked {
                        key_name: key.key_name,
                    })));
                } else {
                    self.notify(Level::Info, format!("Deleted key {}", key.key_name));
                }
            }
            KeysEvent::KeyRequestFailed { req, error, code } => {
                let said = match &code {
                    Some(c) => format!("B2 answered {c}: {error}"),
                    None => error,
                };
                if self.keys.pending == Some(req) {
                    self.keys.pending = None;
                    self.modals.push(Modal::Error {
                        title: "Could not list keys".to_owned(),
                        message: format!(
                            "{said}\n\nListing keys needs the listKeys capability. Press R \
                             to try again."
                        ),
                    });
                } else if self.keys.deleting.as_ref().is_some_and(|(r, _)| *r == req) {
                    self.keys.deleting = None;
                    self.modals.push(Modal::Error {
                        title: "Could not delete the key".to_owned(),
                        message: format!("{said}\n\nDeleting keys needs deleteKeys."),
                    });
                } else {
                    for m in self.modals.iter_mut() {
                        if let Modal::Keys(k) = m
                            && let KeysModal::Form(f) = k.as_mut()
                            && f.pending == Some(req)
                        {
                            f.pending = None;
                            f.server_error = Some(said.clone());
                        }
                    }
                }
            }
        }
    }
}
