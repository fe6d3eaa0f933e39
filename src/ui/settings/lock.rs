//! Draws the Object Lock dialogs: turning Object Lock on for the bucket, and one version's
//! retention and legal hold. The retention forms are drawn by `form.rs`, the tab by `tabs.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::frame::{dialog, text_width};
use crate::app::App;
use crate::app::settings::VersionLock;
use crate::ui::format::{fit, sanitize, time};

pub(super) fn confirm_enable_lock(app: &App, frame: &mut Frame) {
    dialog(
        app,
        " Turn on Object Lock? ",
        vec![
            Line::from("Turn on Object Lock for this bucket?"),
            Line::default(),
            Line::from("This cannot be undone: Object Lock stays on for good. Versions can"),
            Line::from("then get retention and legal holds that block their deletion."),
        ],
        " y turn on  n keep off ",
        frame,
    );
}

/// One version's retention and legal hold. The name and the file id (B2's ids are longer
/// than the dialog is wide) are cut to one line each, so that the legal hold line, which
/// `h` toggles, always shows.
pub(super) fn version_lock(app: &App, lock: &VersionLock, frame: &mut Frame) {
    let width = text_width(frame);
    let mut lines = vec![
        Line::from(fit(&sanitize(&lock.file_name), width).into_owned()),
        Line::from(Span::styled(
            fit(&sanitize(&lock.file_id), width).into_owned(),
            app.theme.footer_desc,
        )),
        Line::default(),
    ];
    if !lock.loaded {
        lines.push(Line::from("reading…"));
    } else {
        let retention = match &lock.retention {
            Some(r) if !r.is_client_authorized_to_read => {
                "not readable (the key lacks readFileRetentions)".to_owned()
            }
            Some(r) => match r
                .value
                .as_ref()
                .and_then(|v| v.mode.clone().zip(v.retain_until_timestamp))
            {
                Some((mode, until)) => format!("{mode} until {} UTC", time(until)),
                None => "none".to_owned(),
            },
            None => "none".to_owned(),
        };
        let hold = match &lock.legal_hold {
            Some(h) if !h.is_client_authorized_to_read => {
                "not readable (the key lacks readFileLegalHolds)".to_owned()
            }
            Some(h) => h.value.clone().unwrap_or_else(|| "off".to_owned()),
            None => "off".to_owned(),
        };
        lines.push(Line::from(format!("Retention   {retention}")));
        lines.push(Line::from(format!("Legal hold  {hold}")));
        if lock.busy {
            lines.push(Line::default());
            lines.push(Line::from("saving…"));
        }
    }
    dialog(
        app,
        " Object Lock of version ",
        lines,
        " h legal hold on/off  e retention  Esc close ",
        frame,
    );
}
