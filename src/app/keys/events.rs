//! Worker results about keys: the list paging in, a created key (its one-time secret
//! dialog opens), a deleted key (or the stop when it was b2tui's own), and failures.

use super::{KeysModal, SecretModal, Tool, inspect};
use crate::app::modal::said;
use crate::app::{App, Level, Modal};
use crate::worker::KeysEvent;

impl App {
    /// A worker result about keys.
    pub(crate) fn on_keys_event(&mut self, ev: KeysEvent) {
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
                let bucket_names: Vec<String> = key
                    .key
                    .bucket_ids()
                    .iter()
                    .map(|id| inspect::bucket_label(Some(id), &names))
                    .collect();
                // A key on every bucket sees the buckets b2tui lists: the first by name (as
                // B2 lists them) serves as the example.
                let example_bucket = bucket_names.first().cloned().or_else(|| {
                    self.buckets
                        .buckets
                        .iter()
                        .map(|b| b.bucket_name.clone())
                        .min()
                });
                let modal = SecretModal {
                    bucket_names,
                    example_bucket,
                    s3_endpoint: self.session.key.s3_api_url.clone(),
                    authorize_url: self.session.key.authorize_url.clone(),
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
                    .push(Modal::Keys(Box::new(KeysModal::Secret(Box::new(modal)))));
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
            KeysEvent::KeyRequestFailed { req, error } => {
                let said = said(&error);
                if self.keys.pending == Some(req) {
                    self.keys.pending = None;
                    // Retrying cannot give a key a capability: say which one it lacks.
                    let next = if error.is_denied() {
                        "This application key lacks the listKeys capability, so it cannot \
                         list keys. Use a key that has listKeys (the master key has it)."
                    } else if error.is_retryable() {
                        "Press R to try again."
                    } else {
                        "Listing keys needs the listKeys capability."
                    };
                    self.modals.push(Modal::Error {
                        title: "Could not list keys".to_owned(),
                        message: format!("{said}\n\n{next}"),
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
