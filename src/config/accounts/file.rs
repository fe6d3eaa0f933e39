//! The config file `config.toml`: profiles, the default profile and `[ui]` settings.
//! Parsing checks every value and reports the file, the line and the bad value in plain
//! words; a file that fails is reported once and the defaults are used instead.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::env::{Environment, display_path};

/// Where the application key of a profile comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Written in the file (`key = "..."`).
    Key(String),
    /// Printed by a command run with `sh -c` (`key_command = "..."`).
    Command(String),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(_) => f.write_str("Key(<redacted>)"),
            Self::Command(c) => f.debug_tuple("Command").field(c).finish(),
        }
    }
}

/// One `[profiles.NAME]` table, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    pub key_id: String,
    pub key: KeySource,
    /// B2 API base URL; None = the default (or `--endpoint`).
    pub endpoint: Option<String>,
    /// Bucket to open at start.
    pub bucket: Option<String>,
    /// Folder to open at start (ends with `/`).
    pub prefix: Option<String>,
}

impl Profile {
    /// Where the TUI opens: `b2://bucket/prefix/`, `b2://bucket/`, `prefix/`, or None.
    pub fn start_path(&self) -> Option<String> {
        match (&self.bucket, &self.prefix) {
            (Some(b), Some(p)) => Some(format!("b2://{b}/{p}")),
            (Some(b), None) => Some(format!("b2://{b}/")),
            (None, Some(p)) => Some(p.clone()),
            (None, None) => None,
        }
    }
}

/// The config file's content, checked; `Config::default()` when there is no file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub default_profile: Option<String>,
    /// `[ui] times = "utc"`.
    pub utc: bool,
    /// By name, sorted.
    pub profiles: BTreeMap<String, Profile>,
    /// `[usage]`.
    pub usage: crate::config::UsageConfig,
    /// `[transfers]`.
    pub transfers: crate::config::TransferSettings,
    /// `[preview]`.
    pub preview: crate::config::PreviewConfig,
}

impl Config {
    /// The profile names, sorted.
    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }

    fn holds_a_key(&self) -> bool {
        self.profiles
            .values()
            .any(|p| matches!(p.key, KeySource::Key(_)))
    }
}

/// A config file that could not be used: which file, which line, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = display_path(&self.path);
        match self.line {
            Some(line) => write!(f, "{path}, line {line}: {}", self.message),
            None => write!(f, "{path}: {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What reading the config file gave: the settings to use (the defaults when the file is
/// missing or broken), the problem if it is broken, and warnings (permissions).
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// The file looked at (None when neither XDG_CONFIG_HOME nor HOME is set).
    pub path: Option<PathBuf>,
    /// Whether that file exists.
    pub exists: bool,
    pub config: Config,
    pub error: Option<ConfigError>,
    /// Things the user should know, ready to show (the broken-file error is not repeated here).
    pub warnings: Vec<String>,
}

impl Loaded {
    /// The problem with the file, worded as a warning that defaults are used.
    pub fn error_warning(&self) -> Option<String> {
        self.error
            .as_ref()
            .map(|e| format!("The config file was not used: {e}. Using the defaults."))
    }
}

/// `$XDG_CONFIG_HOME/b2tui/config.toml`, else `~/.config/b2tui/config.toml`.
pub fn config_path(env: &Environment) -> Option<PathBuf> {
    Some(env.config_home()?.join("b2tui").join("config.toml"))
}

/// Reads the config file of `env`; a missing file gives the defaults and no error.
pub fn load_in(env: &Environment) -> Loaded {
    let Some(path) = config_path(env) else {
        return Loaded::default();
    };
    load_from(&path)
}

/// Reads one config file.
pub fn load_from(path: &Path) -> Loaded {
    let mut loaded = Loaded {
        path: Some(path.to_owned()),
        ..Loaded::default()
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return loaded,
        Err(e) => {
            loaded.exists = path.exists();
            loaded.error = Some(ConfigError {
                path: path.to_owned(),
                line: None,
                message: format!("cannot be read: {e}"),
            });
            return loaded;
        }
    };
    loaded.exists = true;
    match parse(&text) {
        Ok(config) => {
            if config.holds_a_key()
                && let Some(w) = permission_warning(path)
            {
                loaded.warnings.push(w);
            }
            loaded.config = config;
        }
        Err((line, message)) => {
            loaded.error = Some(ConfigError {
                path: path.to_owned(),
                line,
                message,
            });
        }
    }
    loaded
}

/// A warning when a file holding a key can be read by others than its owner.
#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        let shown = display_path(path);
        format!(
            "{shown} holds an application key but other users may read it (mode {mode:04o}); \
             run `chmod 600 {shown}`"
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    default_profile: Option<Spanned<String>>,
    #[serde(default)]
    ui: RawUi,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<RawProfile>>,
    #[serde(default)]
    usage: crate::config::usage::RawUsage,
    #[serde(default)]
    transfers: RawTransfers,
    #[serde(default)]
    preview: crate::config::preview::RawPreview,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfers {
    files: Option<Spanned<i64>>,
    parts: Option<Spanned<i64>>,
    skip_same_uploads: Option<bool>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    times: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    key_id: Option<Spanned<String>>,
    key: Option<Spanned<String>>,
    key_command: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    bucket: Option<Spanned<String>>,
    prefix: Option<Spanned<String>>,
}

/// A line number (1-based) and a message.
type ParseError = (Option<usize>, String);

/// Parses and checks the text of a config file.
pub fn parse(text: &str) -> Result<Config, ParseError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let at = |s: &std::ops::Range<usize>, msg: String| (Some(line_of(s.start)), msg);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let message = e
            .message()
            .trim()
            .replace("unknown field", "unknown key")
            .replace("missing field", "missing key");
        (e.span().map(|s| line_of(s.start)), message)
    })?;

    let utc = match &raw.ui.times {
        None => false,
        Some(t) => match t.get_ref().as_str() {
            "local" => false,
            "utc" => true,
            other => {
                return Err(at(
                    &t.span(),
                    format!("times must be \"local\" or \"utc\", got {other:?}"),
                ));
            }
        },
    };

    let usage = crate::config::usage::check(raw.usage).map_err(|(s, msg)| at(&s, msg))?;
    let preview = crate::config::preview::check(raw.preview).map_err(|(s, msg)| at(&s, msg))?;

    let mut profiles = BTreeMap::new();
    for (name, spanned) in raw.profiles {
        let span = spanned.span();
        let profile = check_profile(&name, spanned.into_inner(), &span, &at)?;
        profiles.insert(name, profile);
    }

    let default_profile = match raw.default_profile {
        None => None,
        Some(d) if profiles.contains_key(d.get_ref()) => Some(d.into_inner()),
        Some(d) => {
            let known = if profiles.is_empty() {
                "there are no [profiles.NAME] tables".to_owned()
            } else {
                format!(
                    "profiles: {}",
                    profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(at(
                &d.span(),
                format!(
                    "default_profile {:?} names no profile ({known})",
                    d.get_ref()
                ),
            ));
        }
    };

    let transfers = crate::config::transfer_settings(
        raw.transfers.files.map(|v| (v.span(), v.into_inner())),
        raw.transfers.parts.map(|v| (v.span(), v.into_inner())),
        raw.transfers.skip_same_uploads,
    )
    .map_err(|(span, msg)| at(&span, msg))?;
    Ok(Config {
        default_profile,
        utc,
        profiles,
        usage,
        transfers,
        preview,
    })
}

fn check_profile(
    name: &str,
    raw: RawProfile,
    span: &std::ops::Range<usize>,
    at: &impl Fn(&std::ops::Range<usize>, String) -> ParseError,
) -> Result<Profile, ParseError> {
    let nonempty = |field: &str, v: Option<Spanned<String>>| -> Result<_, ParseError> {
        match v {
            Some(s) if s.get_ref().trim().is_empty() => Err(at(
                &s.span(),
                format!("{field} of profile {name:?} is empty"),
            )),
            other => Ok(other),
        }
    };
    let Some(key_id) = nonempty("key_id", raw.key_id)? else {
        return Err(at(span, format!("profile {name:?} has no key_id")));
    };
    let key = match (
        nonempty("key", raw.key)?,
        nonempty("key_command", raw.key_command)?,
    ) {
        (Some(k), None) => KeySource::Key(k.into_inner().trim().to_owned()),
        (None, Some(c)) => KeySource::Command(c.into_inner()),
        (Some(_), Some(c)) => {
            return Err(at(
                &c.span(),
                format!("profile {name:?} has both key and key_command; keep one"),
            ));
        }
        (None, None) => {
            return Err(at(
                span,
                format!("profile {name:?} has neither key nor key_command"),
            ));
        }
    };
    let endpoint = match nonempty("endpoint", raw.endpoint)? {
        Some(e) if !(e.get_ref().starts_with("https://") || e.get_ref().starts_with("http://")) => {
            return Err(at(
                &e.span(),
                format!(
                    "endpoint must start with https:// or http://, got {:?}",
                    e.get_ref()
                ),
            ));
        }
        e => e.map(|e| e.into_inner().trim_end_matches('/').to_owned()),
    };
    let bucket = match nonempty("bucket", raw.bucket)? {
        Some(b) if b.get_ref().contains('/') => {
            return Err(at(
                &b.span(),
                format!(
                    "bucket must be a bucket name without '/', got {:?} (put the folder in prefix)",
                    b.get_ref()
                ),
            ));
        }
        b => b.map(Spanned::into_inner),
    };
    let prefix = match nonempty("prefix", raw.prefix)? {
        Some(p) if p.get_ref().starts_with('/') => {
            return Err(at(
                &p.span(),
                format!(
                    "prefix must not start with '/', got {:?} (B2 names have no leading '/')",
                    p.get_ref()
                ),
            ));
        }
        p => p.map(|p| {
            let p = p.into_inner();
            if p.ends_with('/') { p } else { format!("{p}/") }
        }),
    };
    Ok(Profile {
        name: name.to_owned(),
        key_id: key_id.into_inner().trim().to_owned(),
        key,
        endpoint,
        bucket,
        prefix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (Option<usize>, String) {
        parse(text).expect_err("should be refused")
    }

    #[test]
    fn reads_the_documented_format() {
        let c = parse(
            r#"
default_profile = "work"
[ui]
times = "utc"
[profiles.work]
key_id = "0051"
key = "K005secret"
endpoint = "http://127.0.0.1:8787/"
bucket = "photos"
prefix = "2024"
[profiles.home]
key_id = "0052"
key_command = "pass show b2/home"
"#,
        )
        .expect("valid");
        assert_eq!(c.default_profile.as_deref(), Some("work"));
        assert!(c.utc);
        assert_eq!(c.profile_names(), ["home", "work"]);
        let work = &c.profiles["work"];
        assert_eq!(work.key, KeySource::Key("K005secret".into()));
        assert_eq!(work.endpoint.as_deref(), Some("http://127.0.0.1:8787"));
        assert_eq!(work.start_path().as_deref(), Some("b2://photos/2024/"));
        let home = &c.profiles["home"];
        assert_eq!(home.key, KeySource::Command("pass show b2/home".into()));
        assert_eq!(home.start_path(), None);
        assert!(!format!("{work:?}").contains("K005secret"));
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(parse(""), Ok(Config::default()));
        assert!(!parse("[ui]\ntimes = \"local\"\n").expect("valid").utc);
    }

    #[test]
    fn errors_name_the_line_and_the_value_in_plain_words() {
        let (line, msg) = err("[ui]\n\ntimes = \"gmt\"\n");
        assert_eq!(line, Some(3));
        assert_eq!(msg, r#"times must be "local" or "utc", got "gmt""#);

        let (line, msg) = err("[profiles.w]\nkey_id = \"1\"\nkey = \"k\"\ncolour = 1\n");
        assert_eq!(line, Some(4));
        assert!(msg.contains("unknown key `colour`"), "{msg}");

        let (line, msg) = err("[profiles.w]\nkey_id = \"1\"\nkey = \"k\"\nendpoint = \"api.b2\"\n");
        assert_eq!(line, Some(4));
        assert!(msg.contains(r#"got "api.b2""#), "{msg}");

        let (line, msg) = err("x = [\n");
        assert!(line.is_some(), "{msg}");

        let (_, msg) = err("[profiles.w]\nkey_id = \"1\"\n");
        assert!(msg.contains("neither key nor key_command"), "{msg}");
        let (line, msg) = err("[profiles.w]\nkey_id = \"1\"\nkey = \"k\"\nkey_command = \"c\"\n");
        assert_eq!(line, Some(4));
        assert!(msg.contains("both key and key_command"), "{msg}");
        let (_, msg) = err("[profiles.w]\nkey = \"k\"\n");
        assert!(msg.contains("no key_id"), "{msg}");
        let (line, msg) =
            err("default_profile = \"nope\"\n[profiles.w]\nkey_id = \"1\"\nkey = \"k\"\n");
        assert_eq!(line, Some(1));
        assert!(
            msg.contains("\"nope\"") && msg.contains("profiles: w"),
            "{msg}"
        );
        let (_, msg) = err("[ui]\ntimes = 3\n");
        assert!(msg.contains("expected a string"), "{msg}");
    }

    #[test]
    fn the_error_display_names_the_file_and_line() {
        let e = ConfigError {
            path: PathBuf::from("/etc/x.toml"),
            line: Some(7),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "/etc/x.toml, line 7: bad");
    }
}

#[cfg(test)]
mod readme {
    /// The example in the README's "The config file" section is a valid config file.
    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split("### The config file")
            .nth(1)
            .expect("README has the config file section");
        let example = section
            .split("```toml\n")
            .nth(1)
            .and_then(|s| s.split("```").next())
            .expect("the section has a toml example");
        let config = super::parse(example).expect("the README example parses");
        assert_eq!(config.default_profile.as_deref(), Some("work"));
        assert_eq!(config.profile_names(), ["backup", "work"]);
    }
}
