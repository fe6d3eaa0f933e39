//! Modals: overlays that take keys before the panes (help, blocking errors). State only;
//! `ui/modal.rs` draws them.

use super::keys::KeysModal;
use crate::input::Scope;
use crate::worker::Failure;

/// An overlay. The last one in `App::modals` is on top and gets the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    /// Every binding, per scope, from the keymap.
    Help { scroll: usize },
    /// A failure the user has to acknowledge.
    Error { title: String, message: String },
    /// A form, secret or confirmation of the Keys view.
    Keys(Box<KeysModal>),
    /// Versions and restore overlays (`app/restore/modal.rs`).
    Restore(crate::app::restore::RestoreModal),
    /// Bucket settings forms and dialogs (`app/settings`).
    Settings(Box<crate::app::settings::SettingsModal>),
    /// Upload and download prompts, cancel and conflict questions (`app/transfers`).
    Transfer(Box<crate::app::transfers::TransferModal>),
    /// The go-to-path prompt (`app/goto.rs`).
    GoTo(Box<crate::app::goto::GoToPrompt>),
    /// The profile picker (`app/profiles.rs`).
    Profiles(crate::app::profiles::ProfilePicker),
}

impl Modal {
    /// The keymap scope that handles keys while this modal is on top.
    pub fn scope(&self) -> Scope {
        match self {
            Modal::Help { .. } => Scope::Help,
            Modal::Error { .. } => Scope::Error,
            Modal::Keys(m) => m.scope(),
            Modal::Restore(m) => m.scope(),
            Modal::Settings(m) => m.scope(),
            Modal::Transfer(m) => m.scope(),
            Modal::GoTo(_) => Scope::GoTo,
            Modal::Profiles(_) => Scope::Profiles,
        }
    }

    /// An error modal for a failed listing: B2's code and message, and what to do next.
    pub fn listing_error(what: &str, error: &Failure) -> Self {
        Modal::Error {
            title: format!("Could not list {what}"),
            message: format!("{}\n\n{}", said(error), hint(error.code())),
        }
    }
}

/// A failure as the error dialogs word it: `B2 answered <code>: <message>`, or the reason
/// when B2 never answered.
pub fn said(error: &Failure) -> String {
    match error.code() {
        Some(code) => format!("B2 answered {code}: {}", error.message()),
        None => error.message().to_owned(),
    }
}

/// What the user can do about an error code.
fn hint(code: Option<&str>) -> &'static str {
    match code {
        Some("unauthorized" | "access_denied") => {
            "The application key may lack the listBuckets/listFiles capability, or be \
             restricted to another bucket or name prefix. Use a key that allows it."
        }
        Some("bad_auth_token" | "expired_auth_token") => {
            "The authorization is no longer valid. Restart b2tui to authorize again."
        }
        Some("invalid_bucket_id" | "bad_bucket_id" | "not_found") => {
            "The bucket may have been deleted. Press R in the buckets pane to refresh."
        }
        Some("cap_exceeded" | "transaction_cap_exceeded") => {
            "The account reached a transaction cap. Raise it in the Backblaze web console."
        }
        None => "Check the network connection, then press R to try again.",
        Some(_) => "Press R to try again.",
    }
}
