//! Keymap scopes: where a key is pressed. Modals, views and panes each name one; the
//! keymap file has a section per scope. Knows nothing of app state.

/// Where a key is pressed. Panes fall back to `Global`; modals and the filter line do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Buckets,
    Files,
    Versions,
    Filter,
    Help,
    Error,
    Keys,
    KeyForm,
    KeySecret,
    KeyDelete,
    KeyRevoked,
    ConfirmDelete,
    /// Hide files (`D` in the files pane).
    ConfirmHide,
    TimeTravel,
    RestorePlan,
    HiddenFiles,
    FileInfo,
    /// The bucket settings view.
    Settings,
    /// A form in a modal (unclaimed keys go to the focused field).
    Form,
    /// A dialog: confirmations and results.
    Dialog,
    /// The transfers view.
    Transfers,
    /// A local path prompt (upload, download folder, resume): Tab completes.
    PathPrompt,
    /// Cancel a transfer: discard, or keep for resume.
    CancelJob,
    /// What to do with local files that already exist (once per download batch).
    Conflict,
    /// The bucket's unfinished large files.
    Unfinished,
    /// Cancel with nothing to keep (a download, a small upload, an unfinished large file).
    ConfirmCancel,
    /// The go-to-path prompt (`:`).
    GoTo,
    /// The profile picker (`P`).
    Profiles,
    /// Empty a bucket or delete a folder with all its versions (`E`).
    Purge,
    /// The search results (`F`).
    Search,
    /// The search pattern being typed.
    SearchPrompt,
    /// The Usage view.
    Usage,
    /// Typing the price per TB-month in the Usage view.
    UsagePrice,
    /// Quitting while transfers run: asked first.
    ConfirmQuit,
    /// A menu of file actions (copy what, what to do with an edit that met a newer
    /// version): each entry also has its own letter.
    FileMenu,
}

impl Scope {
    /// Every scope, in help-overlay order.
    pub const ALL: [Scope; 36] = [
        Scope::Global,
        Scope::Buckets,
        Scope::Files,
        Scope::Versions,
        Scope::Filter,
        Scope::Help,
        Scope::Error,
        Scope::Keys,
        Scope::KeyForm,
        Scope::KeySecret,
        Scope::KeyDelete,
        Scope::KeyRevoked,
        Scope::ConfirmDelete,
        Scope::ConfirmHide,
        Scope::TimeTravel,
        Scope::RestorePlan,
        Scope::HiddenFiles,
        Scope::FileInfo,
        Scope::Settings,
        Scope::Form,
        Scope::Dialog,
        Scope::Transfers,
        Scope::PathPrompt,
        Scope::CancelJob,
        Scope::Conflict,
        Scope::Unfinished,
        Scope::ConfirmCancel,
        Scope::GoTo,
        Scope::Profiles,
        Scope::Purge,
        Scope::Search,
        Scope::SearchPrompt,
        Scope::Usage,
        Scope::UsagePrice,
        Scope::ConfirmQuit,
        Scope::FileMenu,
    ];

    /// The section name in the keymap file.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Buckets => "buckets",
            Scope::Files => "files",
            Scope::Versions => "versions",
            Scope::Filter => "filter",
            Scope::Help => "help",
            Scope::Error => "error",
            Scope::Keys => "keys",
            Scope::KeyForm => "key_form",
            Scope::KeySecret => "key_secret",
            Scope::KeyDelete => "key_delete",
            Scope::KeyRevoked => "key_revoked",
            Scope::ConfirmDelete => "confirm_delete",
            Scope::ConfirmHide => "confirm_hide",
            Scope::TimeTravel => "time_travel",
            Scope::RestorePlan => "restore_plan",
            Scope::HiddenFiles => "hidden_files",
            Scope::FileInfo => "file_info",
            Scope::Settings => "settings",
            Scope::Form => "form",
            Scope::Dialog => "dialog",
            Scope::Transfers => "transfers",
            Scope::PathPrompt => "path_prompt",
            Scope::CancelJob => "cancel_job",
            Scope::Conflict => "conflict",
            Scope::Unfinished => "unfinished",
            Scope::ConfirmCancel => "confirm_cancel",
            Scope::GoTo => "go_to",
            Scope::Profiles => "profiles",
            Scope::Purge => "purge",
            Scope::Search => "search",
            Scope::SearchPrompt => "search_prompt",
            Scope::Usage => "usage",
            Scope::UsagePrice => "usage_price",
            Scope::ConfirmQuit => "confirm_quit",
            Scope::FileMenu => "file_menu",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// True for the list panes, which also take `Global` bindings.
    pub fn is_pane(self) -> bool {
        matches!(
            self,
            Scope::Buckets
                | Scope::Files
                | Scope::Versions
                | Scope::Keys
                | Scope::Transfers
                | Scope::Usage
        )
    }
}
