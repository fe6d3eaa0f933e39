//! Drawing for the versions pane's dialogs: `delete.rs` (delete versions) and `info.rs`
//! (version details). The pane itself is `ui/panes/versions.rs`. Drawing only.

pub mod delete;
pub mod info;
