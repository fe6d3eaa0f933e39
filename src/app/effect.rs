//! What `update` asks the event loop to do: worker commands, the clipboard, `$EDITOR`,
//! quitting. `App::update` returns them in order; `tui.rs` performs them. No I/O here.

use crate::b2::Secret;
use crate::worker::Command;

use super::settings::JsonTarget;

/// One thing for the loop to do. Effects live for one loop turn, so the size of a
/// `Command` inline costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// A request for the background worker.
    Worker(Command),
    /// Put text on the terminal's clipboard (OSC 52).
    Clipboard(Secret),
    /// Suspend the terminal and edit `text` in `$EDITOR`; the loop answers with
    /// [`super::Msg::Edited`].
    Edit { target: JsonTarget, text: String },
    /// Authorize with the config file's profile `name` and start over on that account.
    SwitchProfile { name: String },
    /// Leave b2tui.
    Quit,
    /// Suspend the terminal and run `$VISUAL`/`$EDITOR` on the file at `path`; the loop
    /// answers with [`super::Msg::FileEdited`].
    EditFile {
        req: crate::worker::RequestId,
        path: std::path::PathBuf,
    },
}

impl From<Command> for Effect {
    fn from(cmd: Command) -> Self {
        Effect::Worker(cmd)
    }
}

/// What the loop got back from `$EDITOR`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edited {
    /// The saved text.
    Text(String),
    /// The editor exited with an error (or was cancelled): nothing changes.
    Failed,
    /// `$VISUAL`/`$EDITOR` is unset: `text` goes to the built-in editor.
    NoEditor { text: String },
}

/// The effects of one `update`, in the order they were asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects(Vec<Effect>);

impl Effects {
    /// Adds an effect (a `Command` becomes [`Effect::Worker`]).
    pub fn push(&mut self, effect: impl Into<Effect>) {
        self.0.push(effect.into());
    }

    /// Adds several effects in order.
    pub fn extend<E: Into<Effect>>(&mut self, effects: impl IntoIterator<Item = E>) {
        self.0.extend(effects.into_iter().map(Into::into));
    }

    /// Asks the loop to quit.
    pub fn quit(&mut self) {
        self.0.push(Effect::Quit);
    }

    /// Takes back a request to quit (it waits for a confirmation).
    pub fn cancel_quit(&mut self) {
        self.0.retain(|e| *e != Effect::Quit);
    }

    /// True when nothing is to be done.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when the loop is asked to quit.
    pub fn has_quit(&self) -> bool {
        self.0.contains(&Effect::Quit)
    }

    /// The worker commands, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.0.iter().filter_map(|e| match e {
            Effect::Worker(cmd) => Some(cmd),
            _ => None,
        })
    }

    /// The worker commands, in order, leaving the other effects.
    pub fn into_commands(self) -> Vec<Command> {
        self.0
            .into_iter()
            .filter_map(|e| match e {
                Effect::Worker(cmd) => Some(cmd),
                _ => None,
            })
            .collect()
    }

    /// Every effect, in order.
    pub fn as_slice(&self) -> &[Effect] {
        &self.0
    }
}

impl IntoIterator for Effects {
    type Item = Effect;
    type IntoIter = std::vec::IntoIter<Effect>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
