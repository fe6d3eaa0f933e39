//! User-facing configuration: accounts (the config file, profiles and where credentials
//! come from), the keymap (embedded defaults + optional user file) and the colour theme.
//! Reads files and environment; no app state here.

pub mod accounts;
pub mod keymap;
pub mod theme;

pub use keymap::{Binding, KeyChord, Keymap};
pub use theme::Theme;
