//! The create-key form's state: name, preset, capability checklist, buckets, name prefix,
//! lifetime, and B2's rules for a field. Submitting it (`validate`) is in `create.rs`.

use tui_input::Input;

use super::CurrentKey;
use super::caps::{ALL_CAPABILITIES, Preset, is_bucket_level};
use crate::b2::BucketId;
use crate::b2::keys::MAX_KEY_LIFETIME_SECS;
use crate::worker::RequestId;

/// A text field: a `tui_input::Input` compared by its value.
#[derive(Clone, Debug, Default)]
pub struct TextField(pub Input);

impl TextField {
    pub fn value(&self) -> &str {
        self.0.value()
    }
}

impl PartialEq for TextField {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

impl Eq for TextField {}

/// The fields, in focus order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormField {
    #[default]
    Name,
    Preset,
    Capabilities,
    Buckets,
    Prefix,
    Lifetime,
}

impl FormField {
    pub const ALL: [FormField; 6] = [
        FormField::Name,
        FormField::Preset,
        FormField::Capabilities,
        FormField::Buckets,
        FormField::Prefix,
        FormField::Lifetime,
    ];

    /// True for fields typed into.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FormField::Name | FormField::Prefix | FormField::Lifetime
        )
    }

    fn step(self, forward: bool) -> Self {
        let i = FormField::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let n = FormField::ALL.len();
        FormField::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// A problem with one field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: FormField,
    pub message: String,
}

impl FieldError {
    pub(super) fn new(field: FormField, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A bucket the key can be restricted to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketChoice {
    pub id: BucketId,
    pub name: String,
    pub checked: bool,
}

/// The create-key form's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyForm {
    pub focus: FormField,
    pub name: TextField,
    pub preset: Preset,
    /// Checked capabilities, in `ALL_CAPABILITIES` order.
    pub capabilities: Vec<String>,
    pub cap_cursor: usize,
    pub buckets: Vec<BucketChoice>,
    pub bucket_cursor: usize,
    pub prefix: TextField,
    pub lifetime: TextField,
    /// What the key b2tui uses may grant.
    pub current: CurrentKey,
    pub errors: Vec<FieldError>,
    /// What B2 answered to the last attempt.
    pub server_error: Option<String>,
    /// The `CreateKey` in flight.
    pub pending: Option<RequestId>,
}

/// Why a capability cannot be chosen right now, if it cannot.
pub fn unavailable_reason(
    cap: &str,
    current: &CurrentKey,
    bucket_restricted: bool,
) -> Option<&'static str> {
    if !current.capabilities.iter().any(|c| c == cap) {
        Some("your key lacks it")
    } else if bucket_restricted && !is_bucket_level(cap) {
        Some("account-level: not with buckets")
    } else {
        None
    }
}

/// Parses a lifetime: empty = never expires; `90d`, `12h`, `30m`, `45s` or plain seconds.
pub fn parse_lifetime(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let (digits, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 's'),
    };
    let mult = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err("use a number with s, m, h or d (e.g. 30d)".to_owned()),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| "use a number with s, m, h or d (e.g. 30d)".to_owned())?;
    let secs = n.saturating_mul(mult);
    if secs == 0 {
        return Err("must be at least 1 second".to_owned());
    }
    if secs >= MAX_KEY_LIFETIME_SECS {
        return Err("must be under 1000 days".to_owned());
    }
    Ok(Some(secs))
}

/// B2's key name rule: 1–100 letters, digits and `-`.
pub fn check_key_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("required".to_owned());
    }
    if name.chars().count() > 100 {
        return Err("at most 100 characters".to_owned());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!("only letters, digits and '-' (not {c:?})"));
    }
    Ok(())
}

impl KeyForm {
    /// A blank form. A bucket-restricted current key fixes the bucket; its prefix is
    /// pre-filled, since a new key can only be narrower.
    pub fn new(current: CurrentKey, buckets: Vec<(BucketId, String)>) -> Self {
        let fixed = current.bucket_id.clone();
        let mut choices: Vec<BucketChoice> = buckets
            .into_iter()
            .filter(|(id, _)| fixed.as_ref().is_none_or(|f| f == id))
            .map(|(id, name)| BucketChoice {
                checked: fixed.as_ref() == Some(&id),
                id,
                name,
            })
            .collect();
        if let Some(id) = &fixed
            && choices.is_empty()
        {
            choices.push(BucketChoice {
                id: id.clone(),
                name: current.bucket_name.clone().unwrap_or_else(|| id.0.clone()),
                checked: true,
            });
        }
        let prefix = current.name_prefix.clone().unwrap_or_default();
        Self {
            focus: FormField::Name,
            name: TextField::default(),
            preset: Preset::Custom,
            capabilities: Vec::new(),
            cap_cursor: 0,
            buckets: choices,
            bucket_cursor: 0,
            prefix: TextField(Input::new(prefix)),
            lifetime: TextField::default(),
            current,
            errors: Vec::new(),
            server_error: None,
            pending: None,
        }
    }

    /// True when at least one bucket is checked (or the current key forces one).
    pub fn is_bucket_restricted(&self) -> bool {
        self.buckets.iter().any(|b| b.checked)
    }

    /// Why `cap` cannot be chosen, if it cannot.
    pub fn reason(&self, cap: &str) -> Option<&'static str> {
        unavailable_reason(cap, &self.current, self.is_bucket_restricted())
    }

    /// The errors of one field.
    pub fn errors_of(&self, field: FormField) -> impl Iterator<Item = &str> {
        self.errors
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The focused text field, if the focus is on one.
    pub fn focused_input(&mut self) -> Option<&mut Input> {
        match self.focus {
            FormField::Name => Some(&mut self.name.0),
            FormField::Prefix => Some(&mut self.prefix.0),
            FormField::Lifetime => Some(&mut self.lifetime.0),
            _ => None,
        }
    }

    /// Tab / shift-tab.
    pub fn focus_step(&mut self, forward: bool) {
        self.focus = self.focus.step(forward);
    }

    /// Up/down: within the checklists, else to the previous/next field.
    pub fn move_cursor(&mut self, down: bool) {
        let (cursor, len) = match self.focus {
            FormField::Capabilities => (&mut self.cap_cursor, ALL_CAPABILITIES.len()),
            FormField::Buckets if !self.buckets.is_empty() => {
                (&mut self.bucket_cursor, self.buckets.len())
            }
            FormField::Preset => {
                self.preset_step(down);
                return;
            }
            _ => {
                self.focus_step(down);
                return;
            }
        };
        if down {
            if *cursor + 1 < len {
                *cursor += 1;
            } else {
                self.focus_step(true);
            }
        } else if *cursor > 0 {
            *cursor -= 1;
        } else {
            self.focus_step(false);
        }
    }

    /// Applies the next (or previous) preset: its capabilities, minus those not available.
    pub fn preset_step(&mut self, forward: bool) {
        self.apply_preset(self.preset.cycle(forward));
    }

    /// Selects a preset's capabilities (only those that can be granted here).
    pub fn apply_preset(&mut self, preset: Preset) {
        self.preset = preset;
        if preset == Preset::Custom {
            return;
        }
        let restricted = self.is_bucket_restricted();
        self.capabilities = ALL_CAPABILITIES
            .iter()
            .filter(|c| preset.capabilities().contains(c))
            .filter(|c| unavailable_reason(c, &self.current, restricted).is_none())
            .map(|c| (*c).to_owned())
            .collect();
        self.errors.retain(|e| e.field != FormField::Capabilities);
    }

    /// Space: toggles the capability or bucket under the cursor, or steps the preset.
    pub fn toggle(&mut self) {
        match self.focus {
            FormField::Preset => self.preset_step(true),
            FormField::Capabilities => {
                let cap = ALL_CAPABILITIES[self.cap_cursor.min(ALL_CAPABILITIES.len() - 1)];
                if let Some(pos) = self.capabilities.iter().position(|c| c == cap) {
                    self.capabilities.remove(pos);
                } else if let Some(why) = self.reason(cap) {
                    self.errors.retain(|e| e.field != FormField::Capabilities);
                    self.errors.push(FieldError::new(
                        FormField::Capabilities,
                        format!("{cap}: {why}"),
                    ));
                    return;
                } else {
                    self.capabilities = ALL_CAPABILITIES
                        .iter()
                        .filter(|c| **c == cap || self.capabilities.iter().any(|s| s == *c))
                        .map(|c| (*c).to_owned())
                        .collect();
                }
                self.preset = Preset::matching(&self.capabilities).unwrap_or(Preset::Custom);
            }
            FormField::Buckets => {
                if self.current.bucket_id.is_some() {
                    self.errors.retain(|e| e.field != FormField::Buckets);
                    self.errors.push(FieldError::new(
                        FormField::Buckets,
                        "your key is restricted to this bucket",
                    ));
                    return;
                }
                if let Some(b) = self.buckets.get_mut(self.bucket_cursor) {
                    b.checked = !b.checked;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_follow_b2s_limit() {
        assert_eq!(parse_lifetime(""), Ok(None));
        assert_eq!(parse_lifetime("90"), Ok(Some(90)));
        assert_eq!(parse_lifetime("2h"), Ok(Some(7_200)));
        assert_eq!(parse_lifetime("999d"), Ok(Some(999 * 86_400)));
        assert!(parse_lifetime("1000d").is_err());
        assert!(parse_lifetime("0").is_err());
        assert!(parse_lifetime("-5").is_err());
        assert!(parse_lifetime("3w").is_err());
    }

    #[test]
    fn key_names_follow_b2s_rule() {
        assert!(check_key_name("ha-backup-2").is_ok());
        assert!(check_key_name("").is_err());
        assert!(check_key_name("with space").is_err());
        assert!(check_key_name("café").is_err());
        assert!(check_key_name(&"a".repeat(100)).is_ok());
        assert!(check_key_name(&"a".repeat(101)).is_err());
    }
}
