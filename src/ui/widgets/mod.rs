//! Drawing pieces shared by every feature's screens: the dialog frame. Imports nothing of
//! the features, so they can all use it.

pub mod dialog;
