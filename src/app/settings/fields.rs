//! The list-like form fields: a checklist (event types) and multi-line text (custom
//! headers, the built-in JSON editor), one `tui_input::Input` per line.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::forms::{Field, FieldKind, Form, TextField};

impl Field {
    /// A checklist with `checked` options ticked.
    pub(crate) fn checklist(
        label: &'static str,
        options: Vec<&'static str>,
        checked: &[String],
        hint: &'static str,
    ) -> Self {
        let ticks = options
            .iter()
            .map(|o| checked.iter().any(|c| c == o))
            .collect();
        Self {
            label,
            kind: FieldKind::Checklist {
                options,
                checked: ticks,
                cursor: 0,
            },
            hint,
        }
    }

    /// Multi-line text, one entry of `lines` per line (at least one line).
    pub(crate) fn lines(label: &'static str, lines: &[String], hint: &'static str) -> Self {
        let mut lines: Vec<TextField> = lines.iter().map(|l| TextField::new(l.as_str())).collect();
        if lines.is_empty() {
            lines.push(TextField::default());
        }
        Self {
            label,
            kind: FieldKind::Lines { lines, line: 0 },
            hint,
        }
    }
}

impl Form {
    /// The ticked options of a checklist field.
    pub fn checked(&self, field: usize) -> Vec<&'static str> {
        match self.fields.get(field).map(|f| &f.kind) {
            Some(FieldKind::Checklist {
                options, checked, ..
            }) => options
                .iter()
                .zip(checked)
                .filter(|(_, c)| **c)
                .map(|(o, _)| *o)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The lines of a multi-line field.
    pub fn lines(&self, field: usize) -> Vec<String> {
        match self.fields.get(field).map(|f| &f.kind) {
            Some(FieldKind::Lines { lines, .. }) => {
                lines.iter().map(|l| l.value().to_owned()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Moves inside the focused checklist or lines with ↑/↓; false at its edge (or for
    /// other fields), so the caller moves to the next field instead.
    pub fn move_within(&mut self, down: bool) -> bool {
        let (pos, len) = match self.fields.get_mut(self.focus).map(|f| &mut f.kind) {
            Some(FieldKind::Checklist {
                options, cursor, ..
            }) => (cursor, options.len()),
            Some(FieldKind::Lines { lines, line }) => (line, lines.len()),
            _ => return false,
        };
        if down && *pos + 1 < len {
            *pos += 1;
            true
        } else if !down && *pos > 0 {
            *pos -= 1;
            true
        } else {
            false
        }
    }

    /// Ticks or unticks the checklist option under the cursor; false for other fields.
    pub fn toggle_check(&mut self) -> bool {
        let Some(FieldKind::Checklist {
            checked, cursor, ..
        }) = self.fields.get_mut(self.focus).map(|f| &mut f.kind)
        else {
            return false;
        };
        if let Some(c) = checked.get_mut(*cursor) {
            *c = !*c;
        }
        self.errors.retain(|e| e.field != self.focus);
        true
    }

    /// Splits the focused line at the cursor (⏎ in a lines field); false for other fields.
    pub fn new_line(&mut self) -> bool {
        let Some(FieldKind::Lines { lines, line }) =
            self.fields.get_mut(self.focus).map(|f| &mut f.kind)
        else {
            return false;
        };
        let Some(current) = lines.get(*line) else {
            return false;
        };
        let text = current.value();
        let at = text
            .char_indices()
            .nth(current.0.cursor())
            .map_or(text.len(), |(i, _)| i);
        let (head, tail) = (text[..at].to_owned(), text[at..].to_owned());
        lines[*line] = TextField::new(head);
        let mut next = TextField::new(tail);
        next.0 = next.0.with_cursor(0);
        lines.insert(*line + 1, next);
        *line += 1;
        true
    }

    /// Keys for a focused lines field: Backspace at the start of a line joins it to the
    /// previous one; the rest goes to the line's input. None for other fields.
    pub(crate) fn lines_input(&mut self, key: KeyEvent) -> Option<bool> {
        let Some(FieldKind::Lines { lines, line }) =
            self.fields.get_mut(self.focus).map(|f| &mut f.kind)
        else {
            return None;
        };
        let i = *line;
        if key.code == KeyCode::Backspace
            && i > 0
            && lines.get(i).is_some_and(|l| l.0.cursor() == 0)
        {
            let tail = lines.remove(i).value().to_owned();
            let prev = &mut lines[i - 1];
            let at = prev.value().chars().count();
            let mut joined = TextField::new(format!("{}{tail}", prev.value()));
            joined.0 = joined.0.with_cursor(at);
            *prev = joined;
            *line = i - 1;
            return Some(true);
        }
        let current = lines.get_mut(i)?;
        Some(
            current
                .0
                .handle_event(&Event::Key(key))
                .is_some_and(|c| c.value),
        )
    }
}
