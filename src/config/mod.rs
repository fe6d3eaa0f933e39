//! User-facing configuration: accounts (the config file, profiles and where credentials
//! come from), the keymap (embedded defaults + optional user file), the colour theme and
//! the config file's `[usage]` section (the price of the cost estimate).
//! Reads files and environment; no app state here.

pub mod accounts;
pub mod keymap;
pub mod theme;
pub mod usage;

pub use keymap::{Binding, KeyChord, Keymap};
pub use theme::Theme;
pub use usage::UsageConfig;
