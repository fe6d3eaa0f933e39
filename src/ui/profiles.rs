//! Drawing the profile picker: the config file's profiles, the one in use marked. The
//! state is `app/profiles.rs`.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::profiles::ProfilePicker;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::{block_with_keys, centered, show};

/// Draws the picker.
pub fn render(app: &App, p: &ProfilePicker, frame: &mut Frame) {
    let t = &app.theme;
    let names = &app.session.profiles;
    let height = u16::try_from(names.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let area = centered(frame.area(), 48, height.min(frame.area().height));
    let block = block_with_keys(
        " Switch profile ",
        " ⏎ switch  Esc cancel ",
        t.title,
        t.modal_border,
    );
    let mut lines = vec![Line::from(Span::styled(
        "Profiles of config.toml; the one in use is marked ●",
        t.footer_desc,
    ))];
    lines.extend(names.iter().enumerate().map(|(i, name)| {
        let current = app.session.profile.as_ref() == Some(name);
        let text = format!("{} {}", if current { "●" } else { " " }, sanitize(name));
        if i == p.cursor {
            Line::from(Span::styled(text, t.selected))
        } else {
            Line::from(text)
        }
    }));
    show(frame, area, Paragraph::new(lines).block(block));
}
