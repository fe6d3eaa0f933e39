//! Draws the dialogs of the Notifications tab: the delete-rule confirmation and a new
//! signing secret. The rule form is drawn by `form.rs`, the tab by `tabs.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::frame::dialog;
use crate::app::App;
use crate::ui::format::sanitize;

pub(super) fn confirm_rule_delete(app: &App, name: &str, frame: &mut Frame) {
    dialog(
        app,
        " Delete notification rule? ",
        vec![
            Line::from(format!("Delete the rule {}?", sanitize(name))),
            Line::from("Its webhook gets no more events; queued ones are dropped."),
        ],
        " y delete  n keep ",
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
