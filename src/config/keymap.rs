//! The keymap: `assets/default_keymap.toml` (embedded) with an optional user file merged
//! over it. Resolves a `KeyEvent` in a scope to an `Action`; knows nothing of app state.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;
use toml::Spanned;

use crate::input::{Action, Scope};

/// The default bindings, shipped inside the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/default_keymap.toml");

/// One key with its modifiers, normalized so `G` matches with or without SHIFT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyChord {
    /// Normalizes a terminal key event: SHIFT is implied by the character itself
    /// (`G`, `?`) and by `BackTab`, so it is dropped there.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        Self {
            code: ev.code,
            mods,
        }
    }

    /// Parses a key name from the keymap file (`j`, `G`, `ctrl-c`, `shift-tab`, `pgdn`).
    pub fn parse(s: &str) -> Option<Self> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            // A lone "-" is a key, not a separator.
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            c => {
                let mut chars = c.chars();
                let ch = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                if mods.contains(KeyModifiers::SHIFT) {
                    mods.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(ch.to_ascii_uppercase())
                } else {
                    KeyCode::Char(ch)
                }
            }
        };
        Some(Self { code, mods })
    }

    /// A short label for the footer and help: symbols for arrows and editing keys.
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Enter => "⏎".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "S-Tab".to_owned(),
            KeyCode::Backspace => "⌫".to_owned(),
            KeyCode::Delete => "Del".to_owned(),
            KeyCode::Insert => "Ins".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("S-");
        }
        out.push_str(&key);
        out
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// One binding: its keys, what they do, and the description shown to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub keys: Vec<KeyChord>,
    pub action: Action,
    pub desc: String,
}

impl Binding {
    /// The keys joined for display (`j/↓`).
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(KeyChord::label)
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// One binding as written in a keymap file, with where each value sits (for errors).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    keys: Vec<Spanned<String>>,
    action: Spanned<String>,
    #[serde(default)]
    desc: String,
}

/// A keymap file's sections, each a list of bindings.
type RawKeymap = HashMap<Spanned<String>, Vec<RawBinding>>;

/// What is wrong in a keymap file, in plain words, and on which line (when known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    pub problem: String,
    pub line: Option<usize>,
}

impl KeymapError {
    fn at(problem: String, text: &str, offset: usize) -> Self {
        Self {
            problem,
            line: Some(line_of(text, offset)),
        }
    }

    /// The error as the user reads it: `unknown action "quitt" at line 3 of PATH`.
    pub fn in_file(&self, path: &str) -> String {
        match self.line {
            Some(line) => format!("{} at line {line} of {path}", self.problem),
            None => format!("{} in {path}", self.problem),
        }
    }
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} at line {line}", self.problem),
            None => f.write_str(&self.problem),
        }
    }
}

impl std::error::Error for KeymapError {}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

/// A TOML or shape error of a keymap file, reworded where serde's words are not plain.
fn parse_error(e: &toml::de::Error, text: &str) -> KeymapError {
    let message = e.message().trim();
    let quoted = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        let rest = rest.strip_prefix('`')?;
        Some(rest[..rest.find('`')?].to_owned())
    };
    let problem = if let Some(field) = quoted("unknown field ") {
        format!("unknown setting \"{field}\" in a binding (a binding has keys, action and desc)")
    } else if let Some(field) = quoted("missing field ") {
        format!("a binding without \"{field}\" (a binding needs keys and action)")
    } else if message.starts_with("invalid type: map, expected a sequence") {
        let header = e
            .span()
            .and_then(|span| text.get(span.start..)?.lines().next())
            .map(str::trim)
            .filter(|h| h.starts_with('[') && !h.starts_with("[["))
            .unwrap_or("[section]");
        format!("a section must be a list of bindings: write [{header}], not {header}")
    } else if message.contains("expected a sequence") {
        "keys must be a list, like keys = [\"j\", \"down\"]".to_owned()
    } else if message.contains("expected a string") {
        "keys, action and desc are text in quotes, like action = \"quit\"".to_owned()
    } else if message.starts_with("invalid type") {
        format!("a value of the wrong kind ({message})")
    } else {
        format!("not valid TOML: {message}")
    };
    match e.span() {
        Some(span) => KeymapError::at(problem, text, span.start),
        None => KeymapError {
            problem,
            line: None,
        },
    }
}

/// `action = "..."`: an action's snake_case name.
fn parse_action(name: &str) -> Option<Action> {
    use serde::de::IntoDeserializer;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    Action::deserialize(de).ok()
}

/// The known name closest to `wrong` (a typo of one or two letters), for "did you mean".
fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(wrong, k), k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 2))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Every action name the default keymap uses (the names a user file can bind).
fn known_actions() -> Vec<String> {
    let raw: RawKeymap = toml::from_str(DEFAULT_KEYMAP).unwrap_or_default();
    let mut names: Vec<String> = raw
        .into_values()
        .flatten()
        .map(|b| b.action.into_inner())
        .collect();
    names.push("none".to_owned());
    names.sort();
    names.dedup();
    names
}

fn did_you_mean(wrong: &str, known: &[String]) -> String {
    closest(wrong, known.iter().map(String::as_str))
        .map(|k| format!(" (did you mean \"{k}\"?)"))
        .unwrap_or_default()
}

/// Bindings by scope, in file order (which is also help and footer order).
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    scopes: HashMap<Scope, Vec<Binding>>,
}

impl Keymap {
    /// The embedded default keymap.
    pub fn default_keymap() -> Self {
        let mut map = Self::default();
        // The embedded file is checked by a unit test, so this cannot fail in a release.
        if let Err(e) = map.merge_str(DEFAULT_KEYMAP) {
            debug_assert!(false, "default keymap: {e:#}");
        }
        map
    }

    /// The defaults with the user's file merged over them, if it exists. A broken user file
    /// yields the defaults and the error (naming the file, the line and the bad value), so
    /// the caller can tell the user.
    pub fn load() -> (Self, Option<anyhow::Error>) {
        match user_keymap_path() {
            Some(path) => Self::load_from(&path),
            None => (Self::default_keymap(), None),
        }
    }

    /// [`Keymap::load`] with the user file at `path` (none there: the defaults).
    pub fn load_from(path: &Path) -> (Self, Option<anyhow::Error>) {
        let map = Self::default_keymap();
        if !path.exists() {
            return (map, None);
        }
        let shown = display_path(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => return (map, Some(anyhow::anyhow!("cannot read {shown}: {e}"))),
        };
        let mut candidate = map.clone();
        match candidate.merge_str(&text) {
            Ok(()) => (candidate, None),
            Err(e) => (map, Some(anyhow::anyhow!(e.in_file(&shown)))),
        }
    }

    /// Merges keymap text over this map: each binding's keys leave any earlier binding of
    /// the same scope, then the binding is added (unless its action is `none`). Nothing is
    /// merged when the text has an error.
    pub fn merge_str(&mut self, text: &str) -> Result<(), KeymapError> {
        let raw: RawKeymap = toml::from_str(text).map_err(|e| parse_error(&e, text))?;
        let mut sections: Vec<_> = raw.into_iter().collect();
        sections.sort_by_key(|(name, _)| name.span().start);
        // Check everything first, so a bad file changes nothing.
        let mut parsed = Vec::new();
        for (name, bindings) in sections {
            let Some(scope) = Scope::from_name(name.get_ref()) else {
                let known: Vec<String> = Scope::ALL.iter().map(|s| s.name().to_owned()).collect();
                return Err(KeymapError::at(
                    format!(
                        "unknown section [[{}]]{} (sections: {})",
                        name.get_ref(),
                        did_you_mean(name.get_ref(), &known),
                        known.join(", ")
                    ),
                    text,
                    name.span().start,
                ));
            };
            for rb in bindings {
                let mut keys = Vec::new();
                for k in &rb.keys {
                    let chord = KeyChord::parse(k.get_ref()).ok_or_else(|| {
                        KeymapError::at(
                            format!(
                                "unknown key \"{}\" in [[{}]] (key names: letters, enter, \
                                 esc, tab, up, pgdn, f1, ctrl-x, ...)",
                                k.get_ref(),
                                name.get_ref()
                            ),
                            text,
                            k.span().start,
                        )
                    })?;
                    keys.push(chord);
                }
                let action = match rb.action.get_ref().as_str() {
                    "none" => None,
                    other => Some(parse_action(other).ok_or_else(|| {
                        KeymapError::at(
                            format!(
                                "unknown action \"{other}\"{}",
                                did_you_mean(other, &known_actions())
                            ),
                            text,
                            rb.action.span().start,
                        )
                    })?),
                };
                parsed.push((scope, keys, action, rb.desc));
            }
        }
        for (scope, keys, action, desc) in parsed {
            let list = self.scopes.entry(scope).or_default();
            for b in list.iter_mut() {
                b.keys.retain(|k| !keys.contains(k));
            }
            list.retain(|b| !b.keys.is_empty());
            if let Some(action) = action {
                list.push(Binding { keys, action, desc });
            }
        }
        Ok(())
    }

    /// The action bound to `key` in `scope`. Panes fall back to `[global]`; other scopes
    /// only to a global `force_quit`, so ctrl-c works everywhere.
    pub fn resolve(&self, scope: Scope, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let chord = KeyChord::from_event(key);
        let find = |s: Scope| {
            self.bindings(s)
                .iter()
                .find(|b| b.keys.contains(&chord))
                .map(|b| b.action)
        };
        find(scope).or_else(|| {
            let global = if scope == Scope::Global {
                None
            } else {
                find(Scope::Global)
            };
            global.filter(|a| scope.is_pane() || *a == Action::ForceQuit)
        })
    }

    /// The bindings of one scope, in file order.
    pub fn bindings(&self, scope: Scope) -> &[Binding] {
        self.scopes.get(&scope).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first binding of `action` in `scope` (for footer hints).
    pub fn binding_for(&self, scope: Scope, action: Action) -> Option<&Binding> {
        self.bindings(scope).iter().find(|b| b.action == action)
    }
}

/// `path` with the home folder written `~`.
fn display_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match home.and_then(|h| path.strip_prefix(&h).ok().map(Path::to_owned)) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// `$XDG_CONFIG_HOME/b2tui/keymap.toml`, else `~/.config/b2tui/keymap.toml`.
pub fn user_keymap_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("b2tui").join("keymap.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn default_keymap_parses() {
        let mut map = Keymap::default();
        map.merge_str(DEFAULT_KEYMAP)
            .expect("default keymap must parse");
        for scope in Scope::ALL {
            assert!(!map.bindings(scope).is_empty(), "{scope:?} has no bindings");
        }
    }

    #[test]
    fn parses_key_names() {
        let p = |s| KeyChord::parse(s).unwrap();
        assert_eq!(p("j").code, KeyCode::Char('j'));
        assert_eq!(
            p("G"),
            KeyChord {
                code: KeyCode::Char('G'),
                mods: KeyModifiers::NONE
            }
        );
        assert_eq!(p("shift-g"), p("G"));
        assert_eq!(
            p("shift-tab"),
            KeyChord {
                code: KeyCode::BackTab,
                mods: KeyModifiers::NONE
            }
        );
        assert_eq!(
            p("ctrl-c"),
            KeyChord {
                code: KeyCode::Char('c'),
                mods: KeyModifiers::CONTROL
            }
        );
        assert_eq!(p("pgdn").code, KeyCode::PageDown);
        assert_eq!(p("f1").code, KeyCode::F(1));
        assert_eq!(p("-").code, KeyCode::Char('-'));
        assert_eq!(p("ctrl--").code, KeyCode::Char('-'));
        assert!(KeyChord::parse("nonsense").is_none());
        assert!(KeyChord::parse("").is_none());
    }

    #[test]
    fn resolves_with_shift_and_global_fallback() {
        let map = Keymap::default_keymap();
        let g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(map.resolve(Scope::Files, &g), Some(Action::GoBottom));
        let backtab = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            map.resolve(Scope::Buckets, &backtab),
            Some(Action::PrevPane)
        );
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(map.resolve(Scope::Files, &enter), Some(Action::Open));
        // The filter line does not see global keys, except ctrl-c.
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(map.resolve(Scope::Files, &q), Some(Action::Quit));
        assert_eq!(map.resolve(Scope::Filter, &q), None);
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.resolve(Scope::Filter, &ctrl_c), Some(Action::ForceQuit));
        assert_eq!(map.resolve(Scope::Help, &ctrl_c), Some(Action::ForceQuit));
        let c = key(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(map.resolve(Scope::Files, &c), None);
    }

    #[test]
    fn user_file_overrides_and_unbinds() {
        let mut map = Keymap::default_keymap();
        map.merge_str(
            r#"
            [[files]]
            keys = ["o"]
            action = "open"
            desc = "open it"

            [[global]]
            keys = ["j"]
            action = "none"

            [[global]]
            keys = ["x"]
            action = "quit"
            desc = "quit"
            "#,
        )
        .unwrap();
        let k = |c| key(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(map.resolve(Scope::Files, &k('o')), Some(Action::Open));
        assert_eq!(map.resolve(Scope::Files, &k('j')), None);
        assert_eq!(
            map.resolve(Scope::Files, &key(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::MoveDown)
        );
        assert_eq!(map.resolve(Scope::Buckets, &k('x')), Some(Action::Quit));
        assert_eq!(map.resolve(Scope::Buckets, &k('q')), Some(Action::Quit));
    }

    #[test]
    fn rejects_bad_files() {
        let mut map = Keymap::default_keymap();
        assert!(
            map.merge_str("[[nowhere]]\nkeys=[\"j\"]\naction=\"quit\"\n")
                .is_err()
        );
        assert!(
            map.merge_str("[[files]]\nkeys=[\"hyper-j\"]\naction=\"quit\"\n")
                .is_err()
        );
        assert!(
            map.merge_str("[[files]]\nkeys=[\"j\"]\naction=\"fly\"\n")
                .is_err()
        );
    }

    /// The error for `text`, as the user reads it.
    fn error(text: &str) -> String {
        let mut map = Keymap::default_keymap();
        map.merge_str(text).expect_err("a bad file").to_string()
    }

    #[test]
    fn errors_name_the_line_and_the_bad_value_in_plain_words() {
        assert_eq!(
            error("# mine\n[[global]]\nkeys = [\"x\"]\naction = \"quitt\"\n"),
            "unknown action \"quitt\" (did you mean \"quit\"?) at line 4"
        );
        assert_eq!(
            error("[[files]]\nkeys = [\"j\", \"hyper-j\"]\naction = \"quit\"\n"),
            "unknown key \"hyper-j\" in [[files]] (key names: letters, enter, esc, tab, up, \
             pgdn, f1, ctrl-x, ...) at line 2"
        );
        let e = error("\n\n[[filez]]\nkeys = [\"j\"]\naction = \"quit\"\n");
        assert!(
            e.starts_with("unknown section [[filez]] (did you mean \"files\"?) (sections: "),
            "{e}"
        );
        assert!(e.ends_with(" at line 3"), "{e}");
        let e = error("[[files]]\nkeys = [\"j\"]\nacton = \"quit\"\n");
        assert!(
            e.starts_with("unknown setting \"acton\" in a binding"),
            "{e}"
        );
        let e = error("[files]\nkeys = [\"j\"]\naction = \"quit\"\n");
        assert_eq!(
            e,
            "a section must be a list of bindings: write [[files]], not [files] at line 1"
        );
        let e = error("[[files]]\nkeys = [3]\naction = \"quit\"\n");
        assert!(
            e.starts_with("keys, action and desc are text in quotes"),
            "{e}"
        );
        let e = error("[[files]]\nkeys = \"j\"\naction = \"quit\"\n");
        assert!(e.starts_with("keys must be a list"), "{e}");
        assert!(e.ends_with("at line 2"), "{e}");
        let e = error("[[files]]\nkeys = [\"j\"\naction = \"quit\"\n");
        assert!(e.starts_with("not valid TOML: "), "{e}");
        assert!(!e.contains("variant"), "no serde words: {e}");
    }

    #[test]
    fn a_bad_file_changes_nothing_and_load_names_it() {
        let mut map = Keymap::default_keymap();
        let bad = "[[global]]\nkeys = [\"z\"]\naction = \"quit\"\n\n\
                   [[global]]\nkeys = [\"y\"]\naction = \"jump\"\n";
        assert!(map.merge_str(bad).is_err());
        let z = key(KeyCode::Char('z'), KeyModifiers::NONE);
        assert_eq!(
            map.resolve(Scope::Versions, &z),
            None,
            "the good half is not merged"
        );

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("keymap.toml");
        std::fs::write(&path, bad).expect("write");
        let (loaded, err) = Keymap::load_from(&path);
        let err = format!("{:#}", err.expect("an error"));
        assert_eq!(
            err,
            format!("unknown action \"jump\" at line 7 of {}", path.display())
        );
        assert_eq!(loaded.resolve(Scope::Versions, &z), None, "the defaults");
        assert_eq!(
            loaded.resolve(Scope::Files, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        std::fs::write(&path, "[[global]]\nkeys = [\"z\"]\naction = \"quit\"\n").expect("write");
        let (loaded, err) = Keymap::load_from(&path);
        assert!(err.is_none());
        assert_eq!(loaded.resolve(Scope::Versions, &z), Some(Action::Quit));
        assert!(
            Keymap::load_from(&dir.path().join("absent.toml"))
                .1
                .is_none()
        );
    }
}
