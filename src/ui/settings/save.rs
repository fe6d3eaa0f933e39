//! Draws the revision conflict dialog (a save met 409 because the bucket changed since it
//! was read; shows what the other change did) and the review of a CORS preset.

use ratatui::Frame;
use ratatui::text::Line;

use super::frame::{dialog, diff_lines};
use crate::app::App;
use crate::lifecycle_sim::DiffLine;

pub(super) fn conflict(
    app: &App,
    from_revision: u64,
    to_revision: u64,
    theirs: &[DiffLine],
    frame: &mut Frame,
) {
    let mut lines = vec![
        Line::from(format!(
            "Someone changed this bucket while you edited it (revision {from_revision} → {to_revision})."
        )),
        Line::from("Nothing was overwritten. Their change:"),
        Line::default(),
    ];
    lines.extend(diff_lines(app, theirs));
    lines.push(Line::default());
    lines.push(Line::from(
        "⏎ keep your edits on top of the new revision (review with w)  Esc close",
    ));
    dialog(
        app,
        " Changed meanwhile (409 conflict) ",
        lines,
        " ⏎ keep edits  Esc close ",
        frame,
    );
}

/// The review of the CORS rules a preset sets: before → after, `y` saves them.
pub(super) fn confirm_cors(app: &App, diff: &[DiffLine], none: bool, frame: &mut Frame) {
    let mut lines = vec![Line::from("CORS rules, before → after:"), Line::default()];
    lines.extend(diff_lines(app, diff));
    lines.push(Line::default());
    lines.push(Line::from(if none {
        "Browsers on other sites can then no longer call this bucket."
    } else {
        "Browsers on the allowed origins may then download this bucket's files."
    }));
    dialog(
        app,
        " Save CORS rules? ",
        lines,
        " y save  n cancel ",
        frame,
    );
}
