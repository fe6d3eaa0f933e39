//! Draws keys: the Keys view (`view`), one file per Keys dialog (`form`, `secret`,
//! `delete`), and the wrapped dialog frame the secret and delete dialogs share.

mod delete;
mod form;
mod secret;
mod view;

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Padding;

pub use view::render_view;

use crate::app::App;
use crate::app::keys::KeysModal;
use crate::ui::widgets::dialog;

/// Draws one Keys modal.
pub fn render_modal(app: &App, modal: &KeysModal, frame: &mut Frame) {
    match modal {
        KeysModal::Form(f) => form::render_form(app, f, frame),
        KeysModal::Secret(s) => secret::render_secret(app, s, frame),
        KeysModal::ConfirmDelete {
            key_id,
            key_name,
            is_current,
            typed,
            error,
        } => delete::render_confirm_delete(
            app,
            key_id,
            key_name,
            *is_current,
            typed.as_ref(),
            error.as_ref(),
            frame,
        ),
        KeysModal::Revoked { key_name } => delete::render_revoked(app, key_name, frame),
    }
}

/// A Keys dialog of wrapped `lines`, `width` wide: red when it is an `alarm`, padded one
/// line at the top.
pub(super) fn popup(
    app: &App,
    frame: &mut Frame,
    title: &str,
    lines: Vec<Line<'_>>,
    width: u16,
    alarm: bool,
) {
    let width = width.min(frame.area().width);
    let height = dialog::wrapped_height(&lines, width, 3);
    let area = dialog::centered(frame.area(), width, height);
    let (border, title_style) = if alarm {
        (app.theme.error_border, app.theme.error)
    } else {
        (app.theme.modal_border, app.theme.title)
    };
    let block = dialog::block(title, title_style, border).padding(Padding::new(1, 1, 1, 0));
    dialog::show_wrapped(frame, area, lines, block);
}
