//! Draws the delete bucket and change bucket type confirmations. The create-bucket form is
//! drawn by `form.rs`.

use ratatui::Frame;
use ratatui::text::Line;

use super::frame::dialog;
use crate::app::{App, BucketRef};
use crate::ui::format::sanitize;

pub(super) fn confirm_delete(app: &App, bucket: &BucketRef, frame: &mut Frame) {
    dialog(
        app,
        " Delete bucket? ",
        vec![
            Line::from(format!(
                "Delete bucket {} for good?",
                sanitize(&bucket.name)
            )),
            Line::from("It is empty: no versions, hide markers or unfinished large files."),
        ],
        " y delete  n keep ",
        frame,
    );
}

pub(super) fn confirm_type(app: &App, bucket_type: &str, frame: &mut Frame) {
    let what = if bucket_type == "allPublic" {
        "public: anyone with a URL can download every file"
    } else {
        "private: downloads need authorization"
    };
    dialog(
        app,
        " Change bucket type? ",
        vec![Line::from(format!("Make the bucket {what}."))],
        " y change  n keep ",
        frame,
    );
}
