//! User-facing configuration: the keymap (embedded defaults + optional user file) and
//! the colour theme. Reads files and environment at startup only; no app state here.

pub mod keymap;
pub mod theme;

pub use keymap::{Binding, KeyChord, Keymap};
pub use theme::Theme;
