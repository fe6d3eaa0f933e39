//! The keymap: `assets/default_keymap.toml` (embedded) with an optional user file merged
//! over it. Resolves a `KeyEvent` in a scope to an `Action`; knows nothing of app state.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    keys: Vec<Spanned<String>>,
    /// An action's name, or `none` to unbind the keys (user files only).
    action: Spanned<String>,
    #[serde(default)]
    desc: String,
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
    /// yields the defaults and the error, so the caller can tell the user.
    pub fn load() -> (Self, Option<anyhow::Error>) {
        let mut map = Self::default_keymap();
        let Some(path) = user_keymap_path() else {
            return (map, None);
        };
        if !path.exists() {
            return (map, None);
        }
        let merged = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))
            .and_then(|text| {
                let mut candidate = map.clone();
                candidate
                    .merge_str(&text)
                    .with_context(|| crate::config::accounts::display_path(&path))?;
                Ok(candidate)
            });
        match merged {
            Ok(m) => {
                map = m;
                (map, None)
            }
            Err(e) => (map, Some(e)),
        }
    }

    /// Merges keymap text over this map: each binding's keys leave any earlier binding of
    /// the same scope, then the binding is added (unless its action is `none`).
    /// Errors start with the line they are about (`line 3: unknown action "fly"`).
    pub fn merge_str(&mut self, text: &str) -> anyhow::Result<()> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let raw: HashMap<String, Vec<RawBinding>> = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace("unknown field", "unknown key");
            match e.span() {
                Some(span) => anyhow::anyhow!("line {}: {message}", line_of(span.start)),
                None => anyhow::anyhow!("{message}"),
            }
        })?;
        let mut sections: Vec<_> = raw.into_iter().collect();
        sections.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, bindings) in sections {
            let Some(scope) = Scope::from_name(&name) else {
                let header = format!("[[{name}]]");
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(&header))
                    .map(|i| format!("line {}: ", i + 1))
                    .unwrap_or_default();
                bail!("{line}unknown keymap section {header}");
            };
            for rb in bindings {
                let keys = rb
                    .keys
                    .iter()
                    .map(|k| {
                        KeyChord::parse(k.get_ref()).with_context(|| {
                            format!(
                                "line {}: unknown key {:?} in [[{name}]]",
                                line_of(k.span().start),
                                k.get_ref()
                            )
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                let action = match rb.action.get_ref().as_str() {
                    "none" => None,
                    other => Some(parse_action(other).with_context(|| {
                        format!(
                            "line {}: unknown action {other:?} (the actions are the ones in \
                             the default keymap, or \"none\" to unbind)",
                            line_of(rb.action.span().start)
                        )
                    })?),
                };
                let list = self.scopes.entry(scope).or_default();
                for b in list.iter_mut() {
                    b.keys.retain(|k| !keys.contains(k));
                }
                list.retain(|b| !b.keys.is_empty());
                if let Some(action) = action {
                    list.push(Binding {
                        keys,
                        action,
                        desc: rb.desc,
                    });
                }
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

/// An action by its keymap name (`move_down`).
fn parse_action(name: &str) -> Option<Action> {
    use serde::de::IntoDeserializer as _;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    Action::deserialize(de).ok()
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

    #[test]
    fn errors_name_the_line_and_the_value_in_plain_words() {
        let mut map = Keymap::default_keymap();
        let err = |map: &mut Keymap, text: &str| format!("{:#}", map.merge_str(text).unwrap_err());
        let e = err(&mut map, "\n[[files]]\nkeys = [\"j\"]\naction = \"fly\"\n");
        assert!(e.starts_with("line 4: unknown action \"fly\""), "{e}");
        assert!(!e.contains("RawAction") && !e.contains("variant"), "{e}");
        let e = err(
            &mut map,
            "[[files]]\nkeys = [\"j\", \"hyper-j\"]\naction = \"quit\"\n",
        );
        assert!(e.starts_with("line 2: unknown key \"hyper-j\""), "{e}");
        let e = err(&mut map, "\n\n[[nowhere]]\nkeys=[\"j\"]\naction=\"quit\"\n");
        assert!(
            e.starts_with("line 3: unknown keymap section [[nowhere]]"),
            "{e}"
        );
        let e = err(
            &mut map,
            "[[files]]\nkeys=[\"j\"]\naction=\"quit\"\ncolour = 1\n",
        );
        assert!(e.starts_with("line 4: unknown key `colour`"), "{e}");
        // "none" still unbinds.
        map.merge_str("[[global]]\nkeys=[\"j\"]\naction=\"none\"\n")
            .expect("none unbinds");
    }
}
