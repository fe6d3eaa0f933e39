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
    /// Switch to the Keys view.
    ShowKeys,
    /// Switch back to the Browse view.
    ShowBrowse,
    /// Open the create-key form.
    NewKey,
    /// Ask to delete the selected key.
    DeleteKey,
    /// Forms: focus the next / previous field.
    NextField,
    PrevField,
    /// Forms: check or uncheck the item under the cursor.
    Toggle,
    /// Forms and typed confirmations: send.
    Submit,
    /// Answer yes to a confirmation.
    Confirm,
    /// Next / previous tab (tools in the secret modal, presets in the form).
    NextTab,
    PrevTab,
    /// Secret modal: copy to the clipboard.
    CopyKeyId,
    CopySecret,
    CopySnippet,
    /// Mark or unmark the selected entry (files, versions, recently deleted).
    ToggleMark,
    /// Show or hide hidden files in the files pane.
    ToggleHidden,
    /// List recently deleted (hidden) files under the current folder.
    ShowDeleted,
    /// Unhide the selected or marked files, or a whole folder.
    Unhide,
    /// Make the selected old version current again (or, in the past, restore to that moment).
    RestoreVersion,
    /// Delete the selected or marked versions for good (asks first).
    DeleteVersions,
    /// Delete (hide) the selected or marked files, or every file in a folder (asks first).
    HideFiles,
    /// Delete every version but the newest for good (asks first).
    DeleteOlderVersions,
    /// Browse the bucket as it was at a moment.
    TimeTravel,
    /// Full details of the selected version.
    ShowInfo,
    /// Switch the highlighted answer in a confirmation.
    ToggleChoice,
    /// In a restore plan: also hide files that did not exist then.
    ToggleHideMissing,
    /// Open the bucket settings view (tabs Info, Lifecycle, Notifications, CORS, Object Lock).
    OpenBucketSettings,
    /// Create a bucket (form).
    CreateBucket,
    /// Delete the selected bucket (only when empty; says what is left otherwise).
    DeleteBucket,
    /// Make a share link for the selected file or folder.
    ShareLink,
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
    /// Next option of a choice field.
    NextChoice,
    PrevChoice,
    /// Show the list behind a summary.
    ToggleList,
    /// Copy the link to the clipboard.
    CopyLink,
    /// Switch to the Transfers view.
    ShowTransfers,
    /// Upload a local file or folder into the folder shown (asks for the path).
    StartUpload,
    /// Download the selected or marked entries (asks for the folder).
    StartDownload,
    /// Cancel the selected transfer (asks how).
    CancelJob,
    /// Pause the selected transfer, or resume it.
    PauseJob,
    /// Retry a failed or cancelled transfer.
    RetryJob,
    /// Forget finished transfers.
    ClearFinished,
    /// List the bucket's unfinished large files.
    ShowUnfinished,
    /// Path prompts: complete the typed path.
    Complete,
    /// Cancel and delete what was uploaded so far.
    Discard,
    /// Cancel, keeping an unfinished large upload for a later resume.
    KeepForResume,
    /// Conflict policy: leave existing local files alone.
    Skip,
    /// Conflict policy: replace existing local files.
    Overwrite,
    /// Conflict policy: write beside existing local files.
    KeepBoth,
    /// Resume the selected unfinished large file (asks for the local file).
    ResumeUpload,
    /// Turn on Object Lock for the bucket (asks first; irreversible).
    EnableObjectLock,
    /// Retention and legal hold of the selected version.
    ShowVersionLock,
    /// Put the version under legal hold, or release it.
    ToggleLegalHold,
    /// Open a typed path: `b2://bucket/folder/`, or `folder/` in the open bucket.
    GoToPath,
    /// Pick another profile of the config file (another account or key).
    SwitchProfile,
    /// Empty the selected bucket, or delete the selected folder with all its versions.
    Purge,
    /// Search every name under the folder shown for a pattern (substring, glob or regex).
    SearchBucket,
    /// Files pane: the next sort order (name, size, time; ascending or descending).
    SortFiles,
    /// Files pane: load the whole folder in the background, then sort all of it.
    SortWholeFolder,
    /// Filter line: list the names starting with the text from the server, loaded or not.
    FilterOnServer,
    /// The Usage view: per-folder totals of the selected bucket or folder.
    ShowUsage,
    /// Stop the usage scan, keeping the partial totals.
    CancelScan,
    /// Change the price per TB-month the usage view estimates costs with.
    EditPrice,
    /// Transfers: cancel every job not yet finished (asks first).
    CancelAll,
    /// Transfers: pause every running or queued job, or resume every paused one.
    PauseAll,
    /// Transfers: retry every failed job (a folder job retries only its failed files).
    RetryAll,
    /// Existing files: leave the files that hold the same bytes (size and SHA-1) alone.
    SkipSame,
    /// Bucket settings, Replication tab: which destination key writes for which source key.
    EditKeyMapping,
    /// Files, versions and search panes: a menu of what to copy (name, address, id, URL,
    /// command line) to the clipboard.
    CopyMenu,
    /// Files pane: edit the selected text file in `$EDITOR`, then save it as a new version.
    EditFile,
    /// Files pane: download the selected file to a temporary file and open it with the
    /// system's opener.
    OpenFile,
    /// Files and versions panes: show or hide the preview of the selected version.
    TogglePreview,
    /// Scroll the preview a line down / up, or sideways (lines that do not wrap).
    ScrollPreviewDown,
    ScrollPreviewUp,
    ScrollPreviewRight,
    ScrollPreviewLeft,
}
