//! The file-action menu: a short list of choices, each with its own letter, the exact text
//! it stands for shown beside it (`ui/actions` escapes it for display; the choice carries
//! the real text). Used to pick what to copy (`y`) and what to do with an edit that met a
//! newer version. State and keys only; no I/O.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{Action, App, Effects, Modal};

/// One choice of a menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MenuEntry {
    /// The letter that picks it at once.
    pub key: char,
    /// What it is (`name`, `file id`, `overwrite`).
    pub label: String,
    /// The text it stands for (copied, or the name an edit is saved as); may be empty.
    pub text: String,
}

impl MenuEntry {
    pub fn new(key: char, label: &str, text: impl Into<String>) -> Self {
        Self {
            key,
            label: label.to_owned(),
            text: text.into(),
        }
    }
}

/// What choosing an entry does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MenuPurpose {
    /// Puts the entry's text on the clipboard.
    Copy,
    /// Answers the question about an edit whose file changed meanwhile (`edit.rs`).
    EditConflict,
}

/// A menu on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMenu {
    pub title: String,
    /// A line above the entries (what the menu is about).
    pub note: String,
    pub entries: Vec<MenuEntry>,
    pub cursor: usize,
    pub purpose: MenuPurpose,
}

impl FileMenu {
    pub fn new(title: &str, note: String, entries: Vec<MenuEntry>, purpose: MenuPurpose) -> Self {
        Self {
            title: title.to_owned(),
            note,
            entries,
            cursor: 0,
            purpose,
        }
    }

    /// The entry whose letter is `c`.
    pub fn by_key(&self, c: char) -> Option<usize> {
        self.entries.iter().position(|e| e.key == c)
    }
}

impl App {
    /// The open menu, if the top modal is one.
    pub(crate) fn top_menu(&mut self) -> Option<&mut FileMenu> {
        match self.modals.last_mut() {
            Some(Modal::Actions(m)) => Some(m),
            _ => None,
        }
    }

    /// A key in a menu: moves, picks (Enter or an entry's letter) or closes it.
    pub(crate) fn on_menu_key(&mut self, key: KeyEvent, action: Option<Action>, fx: &mut Effects) {
        let Some(menu) = self.top_menu() else {
            return;
        };
        let n = menu.entries.len();
        let picked = match action {
            Some(Action::MoveDown) if n > 0 => {
                menu.cursor = (menu.cursor + 1) % n;
                None
            }
            Some(Action::MoveUp) if n > 0 => {
                menu.cursor = (menu.cursor + n - 1) % n;
                None
            }
            Some(Action::Submit) => Some(menu.cursor),
            Some(Action::Close) => {
                let purpose = menu.purpose.clone();
                self.modals.pop();
                if purpose == MenuPurpose::EditConflict {
                    self.on_conflict_choice(None, fx);
                }
                return;
            }
            _ => match key.code {
                KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL) => {
                    menu.by_key(c)
                }
                _ => None,
            },
        };
        let Some(i) = picked else { return };
        let Some(Modal::Actions(menu)) = self.modals.pop() else {
            return;
        };
        let Some(entry) = menu.entries.get(i).cloned() else {
            return;
        };
        match menu.purpose {
            MenuPurpose::Copy => self.copy_entry(&entry, fx),
            MenuPurpose::EditConflict => self.on_conflict_choice(Some(entry.key), fx),
        }
    }
}
