//! Draws the share link dialog: what the link opens, how long it is valid, the URL (for a
//! folder: the pattern every file's link follows, and one that opens). The share form is
//! drawn by `form.rs`.

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
    let url = |u: &str| Line::from(Span::styled(sanitize(u).into_owned(), app.theme.breadcrumb));
    let mut lines = vec![
        Line::from(format!("Opens {opens}")),
        Line::from(format!("Valid {until}")),
        Line::default(),
    ];
    match &link.pattern {
        Some(pattern) => {
            // B2 authorizes a name prefix: there is no folder page to open, only its files.
            lines.push(Line::from(
                "B2 shares a prefix, not a page. Each file opens at:",
            ));
            lines.push(url(pattern));
            lines.push(Line::default());
            lines.push(Line::from("For example (copied to the clipboard):"));
            lines.push(url(&link.url));
        }
        None => {
            lines.push(url(&link.url));
            lines.push(Line::default());
            lines.push(Line::from("Copied to the clipboard."));
        }
    }
    dialog(
        app,
        " Share link ",
        lines,
        " c copy again  Esc close ",
        frame,
    );
}
