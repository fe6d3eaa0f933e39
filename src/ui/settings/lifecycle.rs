//! Draws the review-and-save dialog of the lifecycle rules (before → after). The rule form is
//! drawn by `form.rs`, the simulation by `simulate.rs`, the tab by `mod.rs`.

use ratatui::Frame;
use ratatui::text::Line;

use super::frame::{dialog, diff_lines};
use crate::app::App;
use crate::lifecycle_sim::DiffLine;

pub(super) fn confirm_rules(app: &App, diff: &[DiffLine], frame: &mut Frame) {
    let mut lines = vec![
        Line::from("Lifecycle rules, before → after:"),
        Line::default(),
    ];
    lines.extend(diff_lines(app, diff));
    lines.push(Line::default());
    lines.push(Line::from(
        "Rules run daily on B2 and may delete versions for good.",
    ));
    dialog(
        app,
        " Save lifecycle rules? ",
        lines,
        " y save  S simulate first  n cancel ",
        frame,
    );
}
