//! Modals: overlays that take keys before the panes (help, blocking errors). State only;
//! `ui/modal.rs` draws them.

use super::keys::KeysModal;
use crate::b2::advice;
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
    /// Search the bucket (`app/search`; the state is `App::search`): typing the pattern
    /// while `editing`, else the results.
    Search { editing: bool },
    /// A file-action menu: what to copy, what to do with an edit (`app/actions`).
    Actions(Box<crate::app::actions::menu::FileMenu>),
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
            Modal::Search { editing: true } => Scope::SearchPrompt,
            Modal::Search { editing: false } => Scope::Search,
            Modal::Actions(_) => Scope::FileMenu,
        }
    }

    /// An error modal for a failed listing: B2's code and message, and what to do next.
    pub fn listing_error(what: &str, error: &Failure) -> Self {
        Modal::Error {
            title: format!("Could not list {what}"),
            message: format!("{}\n\n{}", said(error), hint(what, error)),
        }
    }
}

/// A failure as the error dialogs word it: `B2 answered <code> to <call>: <message>`, or
/// the reason when B2 never answered.
pub fn said(error: &Failure) -> String {
    match (error.code(), error.call()) {
        (Some(code), Some(call)) => format!("B2 answered {code} to {call}: {}", error.message()),
        (Some(code), None) => format!("B2 answered {code}: {}", error.message()),
        _ => error.message().to_owned(),
    }
}

/// What the user can do about a failed listing of `what` (`buckets`, `files`, ...): the
/// advice for B2's code (`b2::advice`, naming the capability the listing call needs), else
/// what fits the kind of failure.
pub fn hint(what: &str, error: &Failure) -> String {
    let listing_call = match what {
        "buckets" => Some("b2_list_buckets"),
        "files" => Some("b2_list_file_names"),
        "hidden files" | "files to delete" | "versions" | "versions for the restore plan" => {
            Some("b2_list_file_versions")
        }
        _ => None,
    };
    let advice = match (error.code(), error.call().or(listing_call)) {
        (Some(code), call) => {
            let message = Some(error.message()).filter(|m| *m != code).unwrap_or("");
            advice::advice(call, code, message)
        }
        (None, _) => error.advice(),
    };
    match (advice, error) {
        (Some(a), e) if e.is_retryable() => format!("{a} Press R to try again."),
        (Some(a), _) => a,
        (None, Failure::Network(_)) => {
            "Check the network connection, then press R to try again.".to_owned()
        }
        (None, Failure::NotB2(_)) => {
            "The endpoint b2tui was started with does not answer as B2 does; start b2tui \
             with the right --endpoint."
                .to_owned()
        }
        (None, _) => "Press R to try again.".to_owned(),
    }
}
