//! Draws the one-time secret dialog: the new key's id and secret, and ready-to-paste
//! settings per tool with their warnings.

use ratatui::Frame;
use ratatui::text::{Line, Span};

use super::popup;
use crate::app::App;
use crate::app::keys::{SecretModal, Tool};
use crate::ui::format::sanitize;

pub(super) fn render_secret(app: &App, s: &SecretModal, frame: &mut Frame) {
    let t = &app.theme;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Key name  ", t.header),
            Span::raw(sanitize(&s.key.key_name).into_owned()),
        ]),
        Line::from(vec![
            Span::styled("Key id    ", t.header),
            Span::styled(s.key.application_key_id.clone(), t.title),
        ]),
        Line::from(vec![
            Span::styled("Secret    ", t.header),
            Span::styled(s.secret.expose().to_owned(), t.breadcrumb),
        ]),
        Line::from(Span::styled(
            "This secret is shown only now: B2 never returns it again. Save it before closing.",
            t.warn,
        )),
        Line::default(),
    ];
    let mut tabs = Vec::new();
    for tool in Tool::ALL {
        let style = if tool == s.tool { t.selected } else { t.header };
        tabs.push(Span::styled(format!(" {} ", tool.label()), style));
        tabs.push(Span::raw(" "));
    }
    lines.push(Line::from(tabs));
    lines.push(Line::default());
    let snippet = s.snippet(s.tool);
    for l in snippet.expose().lines() {
        lines.push(Line::from(format!("  {}", sanitize(l))));
    }
    for w in s.warnings(s.tool) {
        lines.push(Line::from(Span::styled(format!("! {w}"), t.warn)));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "i copy id  s copy secret  y copy settings  Tab next tool  Esc close",
        t.hidden,
    )));
    popup(app, frame, " New key: copy it now ", lines, 96, false);
}
