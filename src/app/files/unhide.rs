//! Unhiding from the files pane (`U`): the selected hidden file, a whole folder (also `..`
//! for the folder shown), or every marked entry, as one job. No dialog; no I/O.

use crate::app::{App, Effects, Focus, Level, Row};
use crate::b2::FileAction;
use crate::worker::restore::Op;

impl App {
    /// `U`: starts the job that unhides the marked entries, else the selection.
    pub(crate) fn unhide_selection(&mut self, cmds: &mut Effects) {
        if self.focus != Focus::Files {
            return;
        }
        let ops: Vec<Op> = if self.restore.marks.is_empty() {
            match self.files.selected() {
                Some(Row::Parent) => vec![Op::UnhideFolder {
                    prefix: self.files.prefix.clone(),
                }],
                Some(Row::Entry(e)) if e.is_folder() => vec![Op::UnhideFolder {
                    prefix: e.file_name.to_owned(),
                }],
                Some(Row::Entry(e)) if e.action == FileAction::Hide => vec![Op::Unhide {
                    name: e.file_name.to_owned(),
                }],
                Some(Row::Entry(e)) => {
                    let name = e.file_name;
                    self.notify(Level::Warn, format!("{name} is not hidden"));
                    return;
                }
                None => return,
            }
        } else {
            self.restore
                .marks
                .iter()
                .map(|name| {
                    if name.ends_with('/') {
                        Op::UnhideFolder {
                            prefix: name.clone(),
                        }
                    } else {
                        Op::Unhide { name: name.clone() }
                    }
                })
                .collect()
        };
        let what = match ops.as_slice() {
            [Op::Unhide { name }] => format!("unhide {name}"),
            [Op::UnhideFolder { prefix }] => format!("unhide everything in {prefix}"),
            more => format!("unhide {} marked entries", more.len()),
        };
        self.start_job(what, ops, cmds);
    }
}
