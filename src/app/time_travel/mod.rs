//! Time travel: browsing the bucket as it was at a moment (`T`), and back to the present.
//! Its dialogs: `prompt.rs` (the point in time), `plan.rs` (the restore plan, `r`);
//! `when.rs` parses and prints the moment.

pub mod plan;
pub mod prompt;
pub mod when;

use crate::app::{App, Effects, Level};

impl App {
    /// Back to the present.
    pub(crate) fn leave_time_travel(&mut self, cmds: &mut Effects) {
        if self.restore.as_of.take().is_some() {
            self.notify(Level::Info, "Back to the present");
            self.reload_folder(cmds);
        }
    }
}
