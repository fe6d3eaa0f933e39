//! The vocabulary between the keymap and the app: `Action` (what a key means) and `Scope`
//! (where it was pressed). Both `config` and `app` import it; it imports neither.

mod action;
mod scope;

pub use action::Action;
pub use scope::Scope;
