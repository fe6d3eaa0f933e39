//! Draws the lifecycle simulation dialog: progress while the versions are read, then the
//! summary or the list of predicted changes. The days form is drawn by `form.rs`.

use ratatui::Frame;
use ratatui::text::Line;

use super::frame::dialog;
use crate::app::App;
use crate::app::settings::Simulation;
use crate::lifecycle_sim::Outcome;
use crate::ui::format::{count, sanitize, size, time};

pub(super) fn render_simulation(app: &App, sim: &Simulation, frame: &mut Frame) {
    let Some(r) = &sim.report else {
        let lines = vec![Line::from(format!(
            "Reading the bucket's versions… {} so far",
            count(sim.scanned)
        ))];
        dialog(app, " Simulation ", lines, " Esc cancel ", frame);
        return;
    };
    let mut lines = Vec::new();
    if sim.show_list {
        if r.events.is_empty() {
            lines.push(Line::from("Nothing would change."));
        }
        for e in r.events.iter().skip(sim.scroll) {
            let what = match e.outcome {
                Outcome::Hidden => "hide  ",
                Outcome::Deleted => "delete",
                Outcome::Cancelled => "cancel",
            };
            lines.push(Line::from(format!(
                "{}  {what}  {:>9}  {}",
                time(e.at),
                size(e.size),
                sanitize(&e.name)
            )));
            if lines.len() >= 18 {
                break;
            }
        }
    } else {
        lines.push(Line::from(format!(
            "Over the next {} days the edited rules would, on the bucket as it is now:",
            sim.days
        )));
        lines.push(Line::default());
        lines.push(Line::from(format!("  hide {} files", count(r.hidden))));
        lines.push(Line::from(format!(
            "  delete {} versions and hide markers, freeing {}",
            count(r.deleted),
            size(r.bytes_freed)
        )));
        lines.push(Line::from(format!(
            "  cancel {} unfinished large files",
            count(r.cancelled)
        )));
        lines.push(Line::from(format!(
            "  leave {} entries",
            count(r.remaining.len())
        )));
        lines.push(Line::default());
        lines.push(Line::from(
            "Locked versions (retention, legal hold) are never deleted.",
        ));
    }
    dialog(
        app,
        &format!(" Simulation: next {} days ", sim.days),
        lines,
        " l list/summary  j/k scroll  Esc back ",
        frame,
    );
}
