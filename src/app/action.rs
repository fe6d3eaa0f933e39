//! `Action`: what the user means by a key, after the keymap resolved it.
//! Names are imperative and appear in the keymap file in snake_case.

use serde::Deserialize;

/// A user intent. Keymap files name these in snake_case (`move_down`, `open`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Quit b2tui (in panes; in modals `q` closes them instead).
    Quit,
    /// Quit from anywhere, even with a modal or the filter open.
    ForceQuit,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    GoTop,
    GoBottom,
    /// Open the selected bucket, folder or file.
    Open,
    /// Go up one folder level (or back to the previous pane).
    GoUp,
    NextPane,
    PrevPane,
    FocusBuckets,
    FocusFiles,
    FocusVersions,
    /// Reload the focused pane's listing.
    Refresh,
    ShowHelp,
    /// Close the top modal, or clear a kept filter.
    Close,
    /// Start typing a filter over the loaded names.
    StartFilter,
    /// Keep the typed filter and return to the list.
    ApplyFilter,
    /// Drop the filter.
    ClearFilter,
    /// Open the bucket settings view (tabs Info, Lifecycle, Notifications, CORS, Object Lock).
    OpenBucketSettings,
    /// Create a bucket (form).
    CreateBucket,
    /// Delete the selected bucket (only when empty; says what is left otherwise).
    DeleteBucket,
    /// Make a share link for the selected file or folder.
    ShareLink,
    NextTab,
    PrevTab,
    /// Add an item to the list of the current tab (a lifecycle rule).
    AddItem,
    EditItem,
    RemoveItem,
    /// Review the edited settings and save them.
    Save,
    /// Simulate the edited lifecycle rules over the next days.
    Simulate,
    /// Switch the bucket between public and private.
    ChangeType,
    NextField,
    PrevField,
    /// Next option of a choice field.
    NextChoice,
    PrevChoice,
    /// Submit the form.
    Submit,
    /// Accept the dialog (the action it states).
    Confirm,
    /// Show the list behind a summary.
    ToggleList,
    /// Copy the link to the clipboard.
    CopyLink,
}
