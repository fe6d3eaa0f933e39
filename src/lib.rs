//! b2tui: a terminal UI for Backblaze B2, and a B2-compatible local server.
//! Module borders: `ui → app → worker types`, `worker → b2`; `b2` and `emulator` know
//! nothing of the terminal.

pub mod app;
pub mod b2;
pub mod cli;
pub mod config;
pub mod effects;
pub mod emulator;
pub mod input;
pub mod lifecycle_sim;
pub mod terminal;
pub mod tui;
pub mod ui;
pub mod worker;
