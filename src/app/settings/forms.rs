//! The generic settings form: a field list, a focus index, one `tui_input::Input` per text
//! field, errors kept per field and shown inline. Each form's constructor and validation
//! live with its dialog (`bucket.rs`, `share.rs`, `lifecycle.rs`, `simulate.rs`, `lock.rs`…).

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::bucket::bucket_name_error;
use crate::lifecycle_sim::Preset;

/// A text input (compared by value, so forms can live in `Modal`).
#[derive(Clone, Debug, Default)]
pub struct TextField(pub Input);

impl PartialEq for TextField {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

impl Eq for TextField {}

impl TextField {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Input::new(value.into()))
    }

    pub fn value(&self) -> &str {
        self.0.value()
    }
}

/// What a field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text(TextField),
    /// One of fixed options, cycled with ←/→ or Space.
    Choice {
        options: Vec<&'static str>,
        selected: usize,
    },
    /// Any number of options checked (Space toggles the one under `cursor`; ↑/↓ move).
    Checklist {
        options: Vec<&'static str>,
        checked: Vec<bool>,
        cursor: usize,
    },
    /// Several lines of text, one input each (⏎ adds a line, ↑/↓ move between lines).
    Lines {
        lines: Vec<TextField>,
        line: usize,
    },
}

/// One labelled field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub hint: &'static str,
}

impl Field {
    pub(crate) fn text(label: &'static str, value: impl Into<String>, hint: &'static str) -> Self {
        Self {
            label,
            kind: FieldKind::Text(TextField::new(value)),
            hint,
        }
    }

    pub(crate) fn choice(label: &'static str, options: Vec<&'static str>, selected: usize) -> Self {
        Self {
            label,
            kind: FieldKind::Choice { options, selected },
            hint: "",
        }
    }

    /// The text, or the selected option.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Text(t) => t.value(),
            FieldKind::Choice { options, selected } => {
                options.get(*selected).copied().unwrap_or("")
            }
            FieldKind::Checklist { .. } | FieldKind::Lines { .. } => "",
        }
    }
}

/// A validation problem of one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: usize,
    pub message: String,
}

/// What a form is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Add (`index: None`) or edit an event notification rule.
    NotificationRule {
        index: Option<usize>,
    },
    /// The bucket's default retention (Object Lock tab).
    DefaultRetention,
    /// Retention of one version.
    FileRetention {
        file_id: String,
        file_name: String,
    },
    /// CORS rules or bucket info as JSON, in the built-in editor.
    Json {
        target: super::JsonTarget,
    },
    /// Add (`index: None`) or edit a lifecycle rule of the draft.
    LifecycleRule {
        index: Option<usize>,
    },
    CreateBucket,
    /// Days to simulate the draft rules for.
    Simulate,
    /// A CORS preset (as in the web console) for the CORS tab.
    CorsPreset,
    /// A share link for a file name or a folder prefix.
    Share {
        prefix: String,
        is_folder: bool,
    },
    /// Add (`index: None`) or edit a replication rule of the draft.
    ReplicationRule {
        index: Option<usize>,
    },
    /// The replication key mapping of a destination bucket.
    ReplicationMapping,
}

/// A form in a modal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub errors: Vec<FieldError>,
    /// A line above the fields (what the form acts on).
    pub note: String,
}

impl Form {
    pub fn value(&self, field: usize) -> &str {
        self.fields.get(field).map_or("", Field::value)
    }

    pub(crate) fn choice(&self, field: usize) -> usize {
        match self.fields.get(field).map(|f| &f.kind) {
            Some(FieldKind::Choice { selected, .. }) => *selected,
            _ => 0,
        }
    }

    pub(crate) fn set_text(&mut self, field: usize, value: String) {
        if let Some(Field {
            kind: FieldKind::Text(t),
            ..
        }) = self.fields.get_mut(field)
        {
            *t = TextField::new(value);
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    pub fn prev_field(&mut self) {
        let n = self.fields.len().max(1);
        self.focus = (self.focus + n - 1) % n;
    }

    /// True when the focused field is a choice (so ←/→/Space cycle it).
    pub fn is_choice_focused(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.kind),
            Some(FieldKind::Choice { .. })
        )
    }

    /// Cycles the focused choice; returns false for a text field.
    pub fn cycle(&mut self, forward: bool) -> bool {
        let Some(Field {
            kind: FieldKind::Choice { options, selected },
            ..
        }) = self.fields.get_mut(self.focus)
        else {
            return false;
        };
        let n = options.len().max(1);
        let before = Preset::ALL.get(*selected).copied();
        *selected = if forward {
            (*selected + 1) % n
        } else {
            (*selected + n - 1) % n
        };
        if self.is_preset_focused() {
            self.apply_preset(before);
        }
        self.revalidate();
        true
    }

    /// Gives a key to the focused text field; returns whether the value changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        if let Some(changed) = self.lines_input(key) {
            if changed {
                // The text the error spoke of is gone: the next save checks it again.
                let field = self.focus;
                self.errors.retain(|e| e.field != field);
            }
            return changed;
        }
        let Some(Field {
            kind: FieldKind::Text(t),
            ..
        }) = self.fields.get_mut(self.focus)
        else {
            return false;
        };
        let changed = t.0.handle_event(&Event::Key(key)).is_some_and(|c| c.value);
        if changed {
            self.revalidate();
        }
        changed
    }

    /// Live validation: errors of fields that hold something (a name as it is typed).
    fn revalidate(&mut self) {
        if let FormKind::CreateBucket = self.kind {
            let name = self.value(0);
            self.errors = match bucket_name_error(name) {
                Some(message) if !name.is_empty() => vec![FieldError { field: 0, message }],
                _ => Vec::new(),
            };
        } else {
            self.errors.clear();
        }
    }

    /// Errors of one field.
    pub fn errors_of(&self, field: usize) -> impl Iterator<Item = &FieldError> {
        self.errors.iter().filter(move |e| e.field == field)
    }
}
