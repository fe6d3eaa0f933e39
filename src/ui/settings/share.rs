//! Draws the share link dialog: what the link opens, how long it is valid, the URL. The
//! share form is drawn by `form.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::frame::dialog;
use crate::app::App;
use crate::ui::format::{sanitize, time};
use crate::worker::settings::ShareLink;

pub(super) fn share_link(app: &App, link: &ShareLink, frame: &mut Frame) {
    let opens = if link.is_folder {
        format!(
            "every file whose name starts with {:?}",
            sanitize(&link.prefix)
        )
    } else {
        format!("the file {:?}", sanitize(&link.prefix))
    };
    let until = match link.valid_until {
        Some(ms) => format!("until {} UTC", time(ms)),
        None => "for as long as the bucket stays public".to_owned(),
    };
    let lines = vec![
        Line::from(format!("Opens {opens}")),
        Line::from(format!("Valid {until}")),
        Line::default(),
        Line::from(Span::styled(
            sanitize(&link.url).into_owned(),
            app.theme.breadcrumb,
        )),
        Line::default(),
        Line::from("Copied to the clipboard."),
    ];
    dialog(
        app,
        " Share link ",
        lines,
        " c copy again  Esc close ",
        frame,
    );
}
