//! The environment that credential resolution reads, captured once so that tests can
//! give their own instead of changing the process's.

use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variables and folders that decide where credentials come from.
#[derive(Clone, Default)]
pub struct Environment {
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
    /// `B2_ACCOUNT_INFO` (the b2 CLI's account info file).
    pub b2_account_info: Option<PathBuf>,
    /// `B2_APPLICATION_KEY_ID`.
    pub key_id: Option<String>,
    /// `B2_APPLICATION_KEY`.
    pub key: Option<String>,
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("home", &self.home)
            .field("xdg_config_home", &self.xdg_config_home)
            .field("b2_account_info", &self.b2_account_info)
            .field("key_id", &self.key_id)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Environment {
    /// Reads the process environment; empty variables count as unset.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let path = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Self {
            home: path("HOME"),
            xdg_config_home: path("XDG_CONFIG_HOME"),
            b2_account_info: path("B2_ACCOUNT_INFO"),
            key_id: var("B2_APPLICATION_KEY_ID"),
            key: var("B2_APPLICATION_KEY"),
        }
    }

    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub fn config_home(&self) -> Option<PathBuf> {
        self.xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")))
    }

    /// `~/rest` expanded with `home`; other paths unchanged.
    pub fn expand_tilde(&self, path: &Path) -> PathBuf {
        match (path.strip_prefix("~"), &self.home) {
            (Ok(rest), Some(home)) => home.join(rest),
            _ => path.to_owned(),
        }
    }
}

/// A path for messages: `~/...` when it is under the process's home folder.
pub fn display_path(path: &Path) -> String {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    if let Some(home) = home
        && let Ok(rest) = path.strip_prefix(&home)
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_home_prefers_xdg() {
        let mut env = Environment {
            home: Some("/home/u".into()),
            ..Environment::default()
        };
        assert_eq!(env.config_home(), Some(PathBuf::from("/home/u/.config")));
        env.xdg_config_home = Some("/x".into());
        assert_eq!(env.config_home(), Some(PathBuf::from("/x")));
        assert_eq!(
            env.expand_tilde(Path::new("~/a/b")),
            PathBuf::from("/home/u/a/b")
        );
        assert_eq!(env.expand_tilde(Path::new("/a")), PathBuf::from("/a"));
    }

    #[test]
    fn debug_hides_the_key() {
        let env = Environment {
            key: Some("K005verysecret".into()),
            ..Environment::default()
        };
        assert!(!format!("{env:?}").contains("verysecret"));
    }
}
