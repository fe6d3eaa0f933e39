//! Settings forms: a field list, a focus index, one `tui_input::Input` per text field, and
//! `validate()` per form. Errors are kept per field and shown inline.

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::b2::LifecycleRule;
use crate::lifecycle_sim::{self, Preset};

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
    /// A share link for a file name or a folder prefix.
    Share {
        prefix: String,
        is_folder: bool,
    },
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

pub const RULE_PRESET: usize = 0;
pub const RULE_PREFIX: usize = 1;
pub const RULE_HIDE: usize = 2;
pub const RULE_DELETE: usize = 3;
pub const RULE_CANCEL: usize = 4;

fn days_text(d: Option<u32>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Form {
    /// The lifecycle rule form, filled from `rule` when editing.
    pub fn lifecycle_rule(index: Option<usize>, rule: Option<&LifecycleRule>) -> Self {
        let r = rule.cloned().unwrap_or(LifecycleRule {
            file_name_prefix: String::new(),
            days_from_uploading_to_hiding: None,
            days_from_hiding_to_deleting: None,
            days_from_starting_to_canceling_unfinished_large_files: None,
        });
        let presets = Preset::ALL.iter().map(|p| p.label()).collect();
        Self {
            kind: FormKind::LifecycleRule { index },
            title: if index.is_some() {
                " Edit lifecycle rule "
            } else {
                " Add lifecycle rule "
            }
            .to_owned(),
            fields: vec![
                Field::choice("Preset", presets, 0),
                Field::text(
                    "File name prefix",
                    r.file_name_prefix,
                    "empty = whole bucket",
                ),
                Field::text(
                    "Days from upload to hiding",
                    days_text(r.days_from_uploading_to_hiding),
                    "empty = never",
                ),
                Field::text(
                    "Days from hiding to deleting",
                    days_text(r.days_from_hiding_to_deleting),
                    "empty = never",
                ),
                Field::text(
                    "Days to cancel unfinished large files",
                    days_text(r.days_from_starting_to_canceling_unfinished_large_files),
                    "empty = never",
                ),
            ],
            focus: 0,
            errors: Vec::new(),
            note: String::new(),
        }
    }

    /// The create-bucket form.
    pub fn create_bucket() -> Self {
        Self {
            kind: FormKind::CreateBucket,
            title: " Create bucket ".to_owned(),
            fields: vec![
                Field::text("Name", "", "6-63 letters, digits, -; globally unique"),
                Field::choice("Files are", vec!["private", "public"], 0),
                Field::choice("Default encryption", vec!["SSE-B2 (AES256)", "none"], 0),
                Field::choice("Object Lock", vec!["off", "on (irreversible)"], 0),
            ],
            focus: 0,
            errors: Vec::new(),
            note: String::new(),
        }
    }

    /// The simulation form.
    pub fn simulate(days: u32) -> Self {
        Self {
            kind: FormKind::Simulate,
            title: " Simulate lifecycle rules ".to_owned(),
            fields: vec![Field::text("Days ahead", days.to_string(), "1-3650")],
            focus: 0,
            errors: Vec::new(),
            note: "What the edited rules would do to the bucket as it is now.".to_owned(),
        }
    }

    /// The share form for a file or folder prefix.
    pub fn share(bucket: &str, prefix: &str, is_folder: bool) -> Self {
        let what = if is_folder {
            "every file under"
        } else {
            "the file"
        };
        Self {
            kind: FormKind::Share {
                prefix: prefix.to_owned(),
                is_folder,
            },
            title: " Share link ".to_owned(),
            fields: vec![Field::text("Valid for", "1d", "e.g. 30m, 12h, 7d (max 7d)")],
            focus: 0,
            errors: Vec::new(),
            note: format!("Opens {what} b2://{bucket}/{prefix}"),
        }
    }

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
        if self.kind
            == (FormKind::LifecycleRule {
                index: self.rule_index(),
            })
            && self.focus == RULE_PRESET
        {
            self.apply_preset(before);
        }
        self.revalidate();
        true
    }

    fn rule_index(&self) -> Option<usize> {
        match self.kind {
            FormKind::LifecycleRule { index } => index,
            _ => None,
        }
    }

    /// Selects a preset by position in [`Preset::ALL`] and fills the days fields.
    pub fn select_preset(&mut self, preset: Preset) {
        if let Some(Field {
            kind: FieldKind::Choice { selected, .. },
            ..
        }) = self.fields.get_mut(RULE_PRESET)
        {
            *selected = Preset::ALL.iter().position(|p| *p == preset).unwrap_or(0);
        }
        self.apply_preset(Some(Preset::Custom));
    }

    /// Fills the days fields for the selected preset. N is kept from the field when the
    /// user came from custom values, else 30 days.
    fn apply_preset(&mut self, before: Option<Preset>) {
        let preset = Preset::ALL[self.choice(RULE_PRESET).min(Preset::ALL.len() - 1)];
        // N: what the preset's own field already holds, else 30 days.
        let n_field = match preset {
            Preset::DeleteDaysAfterUpload => RULE_HIDE,
            _ => RULE_DELETE,
        };
        let typed = self.value(n_field).trim().parse().ok().filter(|n| *n > 0);
        let n = typed
            .filter(|_| before == Some(Preset::Custom))
            .unwrap_or(30);
        if let Some((hide, delete, cancel)) = preset.fill(n) {
            self.set_text(RULE_HIDE, days_text(hide));
            self.set_text(RULE_DELETE, days_text(delete));
            self.set_text(RULE_CANCEL, days_text(cancel));
        }
    }

    /// Gives a key to the focused text field; returns whether the value changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        if let Some(changed) = self.lines_input(key) {
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

    /// The rule this form describes (`Ok(None)`: no days at all, i.e. "keep all versions").
    pub fn validate_rule(
        &self,
        others: &[LifecycleRule],
    ) -> Result<Option<LifecycleRule>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut days = |field: usize| -> Option<u32> {
            let text = self.value(field).trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<u32>() {
                Ok(d) if d > 0 => Some(d),
                _ => {
                    errors.push(FieldError {
                        field,
                        message: "a whole number of days, at least 1 (empty = never)".into(),
                    });
                    None
                }
            }
        };
        let rule = LifecycleRule {
            file_name_prefix: self.value(RULE_PREFIX).to_owned(),
            days_from_uploading_to_hiding: days(RULE_HIDE),
            days_from_hiding_to_deleting: days(RULE_DELETE),
            days_from_starting_to_canceling_unfinished_large_files: days(RULE_CANCEL),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        if lifecycle_sim::validate_rule(&rule).is_err() {
            return Ok(None);
        }
        let p = &rule.file_name_prefix;
        if let Some(other) = others.iter().find(|o| {
            o.file_name_prefix.starts_with(p.as_str()) || p.starts_with(&o.file_name_prefix)
        }) {
            return Err(vec![FieldError {
                field: RULE_PREFIX,
                message: format!(
                    "overlaps the rule for {}: a file may match only one rule",
                    lifecycle_sim::show_prefix(&other.file_name_prefix)
                ),
            }]);
        }
        Ok(Some(rule))
    }

    /// `(name, public, sse_b2, file_lock)` of the create form.
    pub fn validate_create(&self) -> Result<(String, bool, bool, bool), Vec<FieldError>> {
        let name = self.value(0).to_owned();
        if let Some(message) = bucket_name_error(&name) {
            return Err(vec![FieldError { field: 0, message }]);
        }
        Ok((
            name,
            self.choice(1) == 1,
            self.choice(2) == 0,
            self.choice(3) == 1,
        ))
    }

    /// Days of the simulate form.
    pub fn validate_days(&self) -> Result<u32, Vec<FieldError>> {
        match self.value(0).trim().parse::<u32>() {
            Ok(d) if (1..=3650).contains(&d) => Ok(d),
            _ => Err(vec![FieldError {
                field: 0,
                message: "a number of days from 1 to 3650".into(),
            }]),
        }
    }

    /// Seconds of the share form (1 s … 7 days, as b2_get_download_authorization allows).
    pub fn validate_duration(&self) -> Result<u32, Vec<FieldError>> {
        parse_duration(self.value(0)).ok_or_else(|| {
            vec![FieldError {
                field: 0,
                message: "a duration like 30m, 12h or 7d, at most 7 days".into(),
            }]
        })
    }
}

/// Why B2 would refuse a bucket name (§9.1), if it would.
pub fn bucket_name_error(name: &str) -> Option<String> {
    if name.len() < 6 || name.len() > 63 {
        return Some(format!("6 to 63 characters ({} now)", name.chars().count()));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "only letters, digits and '-' ({c:?} is not allowed)"
        ));
    }
    if name.to_ascii_lowercase().starts_with("b2-") {
        return Some("names starting with b2- are reserved".into());
    }
    None
}

/// `30m`, `12h`, `7d`, `90s` or plain seconds → seconds, within 1 s … 604,800 s.
pub fn parse_duration(text: &str) -> Option<u32> {
    let text = text.trim();
    let (num, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let n: u64 = num.trim().parse().ok()?;
    let secs = n.checked_mul(match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    })?;
    u32::try_from(secs)
        .ok()
        .filter(|s| (1..=604_800).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("30m"), Some(1800));
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("8d"), None);
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("x"), None);
    }

    #[test]
    fn bucket_names() {
        assert!(bucket_name_error("photos-2026").is_none());
        assert!(bucket_name_error("short").is_some());
        assert!(bucket_name_error("b2-reserved").is_some());
        assert!(bucket_name_error("under_score").is_some());
    }
}
