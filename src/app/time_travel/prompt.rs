//! The "Point in time" prompt (`T`): its state, opening it with the moment browsed, the
//! text typed into it and its keys (`Enter` browses as of then; empty means now). No I/O.

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::when::{format_when as time, parse_when};
use crate::app::restore::RestoreModal;
use crate::app::{Action, App, Effects, Modal};

/// The point-in-time prompt.
#[derive(Clone, Debug, Default)]
pub struct TimePrompt {
    pub input: Input,
    pub error: Option<String>,
}

impl PartialEq for TimePrompt {
    fn eq(&self, other: &Self) -> bool {
        self.input.value() == other.input.value() && self.error == other.error
    }
}

impl App {
    /// `T`: opens the prompt, filled with the moment browsed now, if any.
    pub(crate) fn open_time_prompt(&mut self) {
        let mut prompt = TimePrompt::default();
        if let Some(at) = self.restore.as_of {
            prompt.input = prompt.input.with_value(time(at));
        }
        self.modals
            .push(Modal::Restore(RestoreModal::TimePrompt(Box::new(prompt))));
    }

    /// Keys typed into the point-in-time prompt.
    pub(crate) fn on_time_input(&mut self, key: KeyEvent) {
        if let Some(Modal::Restore(RestoreModal::TimePrompt(p))) = self.modals.last_mut() {
            p.input.handle_event(&Event::Key(key));
            p.error = None;
        }
    }

    /// Keys of the prompt: `Enter` browses as of the moment typed (empty: back to the
    /// present), `Esc` closes it. A moment that does not parse stays, with its error.
    pub(crate) fn on_time_prompt_action(&mut self, action: Action, cmds: &mut Effects) {
        let Some(Modal::Restore(RestoreModal::TimePrompt(p))) = self.modals.last_mut() else {
            return;
        };
        match action {
            Action::Open | Action::Confirm => {
                let text = p.input.value().trim().to_owned();
                if text.is_empty() {
                    self.modals.pop();
                    self.leave_time_travel(cmds);
                    return;
                }
                match parse_when(&text, self.restore.now_ms) {
                    Ok(at) => {
                        self.modals.pop();
                        self.restore.as_of = Some(at);
                        self.reload_folder(cmds);
                    }
                    Err(e) => p.error = Some(e),
                }
            }
            Action::Close => {
                self.modals.pop();
            }
            _ => {}
        }
    }
}
