//! Draws transfers: the Transfers view and header summary (`view`), and one file per
//! transfers dialog (`prompt`, `download`, `cancel`, `unfinished`).

mod cancel;
mod download;
mod group;
mod prompt;
mod unfinished;
mod view;

use ratatui::Frame;

pub use view::{bar, eta, render_view, retry_text, speed, state_label, summary_spans};

use crate::app::App;
use crate::app::transfers::TransferModal;
use crate::worker::transfer::JobKind;

/// Draws one transfers modal.
pub fn render_modal(app: &App, modal: &TransferModal, frame: &mut Frame) {
    match modal {
        TransferModal::Path(p) => prompt::render_prompt(app, p, frame),
        TransferModal::Conflict { choice, remember } => {
            download::render_conflict(app, *choice, *remember, frame);
        }
        TransferModal::Cancel {
            id,
            label,
            can_keep,
        } => {
            let kind = app
                .transfers
                .jobs
                .get(id)
                .map_or(JobKind::Download, |j| j.kind);
            cancel::render_cancel(app, label, kind, *can_keep, frame);
        }
        TransferModal::CancelUnfinished { file_name, .. } => {
            cancel::render_cancel_unfinished(app, file_name, frame);
        }
        TransferModal::Unfinished => unfinished::render_unfinished(app, frame),
        TransferModal::ConfirmQuit { message } => cancel::render_all(
            app,
            " Quit with transfers running? ",
            message,
            "y/⏎  quit, stopping them     Esc  keep running",
            frame,
        ),
        TransferModal::UploadConflict(q) => download::render_upload_conflict(app, q, frame),
        TransferModal::CancelAll { message } => cancel::render_all(
            app,
            " Cancel all transfers ",
            message,
            "d  cancel them all     Esc  keep them",
            frame,
        ),
    }
}
