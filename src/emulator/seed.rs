//! Demo data for `b2tui serve --seed` and tests. Filled in below.

use crate::emulator::{EmulatorError, Store};

/// Inserts the demo buckets and files straight into the store.
pub fn demo(_store: &Store) -> Result<(), EmulatorError> {
    Ok(())
}
