//! Drawing only: `render(&App, &mut Frame)` paints the state and never changes it.
//! Every server-provided string passes through `format::sanitize` before it is drawn.

pub mod actions;
pub mod files;
pub mod format;
pub mod goto;
pub mod keys;
pub mod layout;
pub mod modal;
pub mod panes;
pub mod preview;
pub mod profiles;
pub mod restore;
pub mod search;
pub mod settings;
pub mod time_travel;
pub mod transfers;
pub mod usage;
pub mod versions;
pub mod widgets;

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType};

use crate::app::{App, View};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let shown = app.preview.shown && app.view == View::Browse;
    let areas = layout::areas_with(frame.area(), app.focus, shown);
    layout::render_header(app, frame, areas.header);
    match &app.view {
        View::Browse => {
            if let Some(area) = areas.buckets {
                panes::buckets::render(app, frame, area);
            }
            panes::files::render(app, frame, areas.files);
            if let Some(area) = areas.versions {
                panes::versions::render(app, frame, area);
            }
            if let Some(area) = areas.preview {
                preview::render(app, frame, area);
            }
        }
        View::Keys => keys::render_view(app, frame, areas.main),
        View::Transfers => transfers::render_view(app, frame, areas.main),
        View::Settings(view) => settings::render_view(app, view, frame, areas.main),
        View::Usage => usage::render_view(app, frame, areas.main),
    }
    layout::render_status(app, frame, areas.status);
    layout::render_footer(app, frame, areas.footer);
    for m in &app.modals {
        modal::render(app, m, frame);
    }
}

/// The frame of a pane: bright and bold when focused.
pub(crate) fn pane_block<'a>(app: &App, title: Line<'a>, focused: bool) -> Block<'a> {
    let (border, border_type) = if focused {
        (app.theme.border_focused, BorderType::Thick)
    } else {
        (app.theme.border, BorderType::Plain)
    };
    // Browsing the past: every pane border takes the "past" colour.
    let border = if app.restore.as_of.is_some() {
        border.patch(app.theme.past)
    } else {
        border
    };
    Block::bordered()
        .border_type(border_type)
        .border_style(border)
        .title(title.style(if focused {
            app.theme.title
        } else {
            Style::new()
        }))
}
