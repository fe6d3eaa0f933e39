//! What the application key may do: the capability each pane action needs, checked before
//! the action starts (so nothing fails after the user confirmed) and shown as unavailable
//! where the action is offered (footer and help). Capabilities come from
//! `b2_authorize_account`; unknown capabilities (tests, an old session) offer everything.

use super::{Action, App, Modal};
use crate::input::Scope;

/// The capabilities `action` needs in `scope`, as B2 checks them per call (B2_API.md §2.0).
/// Actions that only move or show what is loaded need nothing.
pub fn needs(scope: Scope, action: Action) -> &'static [&'static str] {
    use Action as A;
    match (scope, action) {
        (Scope::Buckets | Scope::Files | Scope::Versions, a) => match a {
            A::StartUpload | A::HideFiles | A::ResumeUpload => &["writeFiles"],
            A::StartDownload | A::OpenFile => &["readFiles"],
            A::EditFile => &["readFiles", "writeFiles"],
            // A copy of the old version, read from a (usually private) bucket.
            A::RestoreVersion => &["writeFiles", "readFiles"],
            // There is no b2_unhide_file: the hide marker is listed, then deleted.
            A::Unhide => &["listFiles", "deleteFiles"],
            A::DeleteVersions | A::DeleteOlderVersions => &["deleteFiles"],
            // Listed, deleted, and unfinished large files cancelled.
            A::Purge => &["listFiles", "deleteFiles", "writeFiles"],
            A::ShowDeleted | A::ToggleHidden | A::TimeTravel | A::ShowUnfinished => &["listFiles"],
            A::SearchBucket => &["listFiles"],
            A::ShowUsage => &["listFiles"],
            A::ShareLink => &["shareFiles"],
            // Settings are read with b2_list_buckets (bucket info, lifecycle, CORS).
            A::OpenBucketSettings => &["listBuckets"],
            A::CreateBucket => &["writeBuckets"],
            A::DeleteBucket => &["deleteBuckets"],
            A::ToggleLegalHold => &["writeFileLegalHolds"],
            _ => &[],
        },
        (Scope::Keys, A::NewKey) => &["writeKeys"],
        (Scope::Keys, A::DeleteKey) => &["deleteKeys"],
        _ => &[],
    }
}

impl App {
    /// The first capability `action` needs in `scope` that the key lacks.
    pub fn missing_for(&self, scope: Scope, action: Action) -> Option<&'static str> {
        self.admin.missing(needs(scope, action))
    }

    /// Refuses an action the key cannot do, before it starts: a dialog naming the missing
    /// capability. True when it refused.
    pub(crate) fn refuse_unavailable(&mut self, scope: Scope, action: Action) -> bool {
        let Some(cap) = self.missing_for(scope, action) else {
            return false;
        };
        let what = self
            .keymap
            .binding_for(scope, action)
            .map_or_else(|| "do this".to_owned(), |b| b.desc.clone());
        self.unavailable(&what, &[cap])
    }

    /// Shows "unavailable" naming the missing capability; true when something is missing.
    pub(crate) fn unavailable(&mut self, what: &str, caps: &[&str]) -> bool {
        let Some(cap) = self.admin.missing(caps) else {
            return false;
        };
        self.modals.push(Modal::Error {
            title: "Not available with this key".to_owned(),
            message: format!(
                "This application key cannot {what}: it lacks the {cap} capability.\n\n\
                 Use a key that has {cap}."
            ),
        });
        true
    }
}
