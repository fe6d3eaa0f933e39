//! Draws the dialogs of the Notifications tab: the review of the rules before they are set
//! and a new signing secret. The rule form is drawn by `form.rs`, the tab by `tabs.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::frame::{dialog, diff_lines};
use crate::app::App;
use crate::lifecycle_sim::DiffLine;
use crate::ui::format::sanitize;

/// The review before the rules are set: before → after, `y` sends them.
pub(super) fn confirm_rules(app: &App, diff: &[DiffLine], removes: bool, frame: &mut Frame) {
    let mut lines = vec![
        Line::from("Notification rules, before → after:"),
        Line::default(),
    ];
    lines.extend(diff_lines(app, diff));
    if removes {
        lines.push(Line::default());
        lines.push(Line::from(
            "A removed rule's webhook gets no more events; queued ones are dropped.",
        ));
    }
    dialog(
        app,
        " Save notification rules? ",
        lines,
        " y save  n cancel ",
        frame,
    );
}

pub(super) fn secret(app: &App, rule: &str, secret: &str, frame: &mut Frame) {
    dialog(
        app,
        " Signing secret ",
        vec![
            Line::from(format!("New signing secret of {}:", sanitize(rule))),
            Line::default(),
            Line::from(Span::styled(secret.to_owned(), app.theme.breadcrumb)),
            Line::default(),
            Line::from("Give it to the receiver: it checks X-Bz-Event-Notification-Signature"),
            Line::from("(v1=HMAC-SHA256 of the body with this secret)."),
        ],
        " c copy  Esc close ",
        frame,
    );
}
