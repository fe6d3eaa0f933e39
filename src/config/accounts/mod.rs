//! Accounts: the config file (`config.toml`: profiles, default profile, `[ui]`), and where
//! credentials come from: `B2_APPLICATION_KEY_ID`/`B2_APPLICATION_KEY`, then a profile
//! (`--profile`, `B2TUI_PROFILE`, `default_profile`), then an existing `b2` CLI login.
//!
//! - [`resolve`]: at startup (TUI, `ls`, `cp`): credentials, endpoint, source, start path,
//!   settings and warnings.
//! - [`load`]: the config file alone (profiles and settings; a broken file gives the
//!   defaults and its error).
//! - [`resolve_profile`]: one named profile, for switching accounts while running.

mod b2cli;
mod env;
mod file;
mod key_command;
mod resolve;

pub use b2cli::{account_info_path, realm_url};
pub use env::{Environment, display_path};
pub use file::{Config, ConfigError, KeySource, Loaded, Profile, config_path, load_from, load_in};
/// The config file `text`, read as b2tui reads it (tests of each section).
#[cfg(test)]
pub(crate) fn load_text(text: &str) -> Loaded {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("written");
    load_from(&path)
}

pub use resolve::{
    Request, Resolved, Setup, Source, resolve, resolve_in, resolve_profile, resolve_profile_in,
};

/// Reads the config file (`$XDG_CONFIG_HOME/b2tui/config.toml`, else
/// `~/.config/b2tui/config.toml`). A missing file gives the defaults; a broken one gives
/// the defaults plus [`Loaded::error`]. Never runs a `key_command`.
pub fn load() -> Loaded {
    load_in(&Environment::from_process())
}
