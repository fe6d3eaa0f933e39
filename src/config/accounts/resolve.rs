//! Which credentials and endpoint to use, in the order the user expects: the `b2` CLI's
//! environment variables, then a profile (`--profile`, `B2TUI_PROFILE`, `default_profile`),
//! then an existing `b2` CLI login. One function for the TUI, `ls` and `cp`.

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::env::{Environment, display_path};
use super::file::{KeySource, Loaded, load_in};
use super::{b2cli, key_command};
use crate::b2::{Credentials, DEFAULT_ENDPOINT};

/// What the command line asked for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `--profile NAME` or `B2TUI_PROFILE`.
    pub profile: Option<String>,
    /// `--endpoint URL` or `B2TUI_ENDPOINT`, only when given.
    pub endpoint: Option<String>,
}

/// Where credentials came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `B2_APPLICATION_KEY_ID` and `B2_APPLICATION_KEY`.
    Env,
    /// A profile of the config file at `path`.
    Profile { name: String, path: PathBuf },
    /// The b2 CLI's account info file at `path`.
    B2Cli { path: PathBuf },
}

impl Source {
    /// Short, for the header: `env`, `profile work`, `b2 CLI login (~/.b2_account_info)`.
    pub fn label(&self) -> String {
        match self {
            Self::Env => "env".to_owned(),
            Self::Profile { name, .. } => format!("profile {name}"),
            Self::B2Cli { path } => format!("b2 CLI login ({})", display_path(path)),
        }
    }

    /// For messages: "the environment", "profile work (FILE)", "the b2 CLI login (FILE)".
    pub fn describe(&self) -> String {
        match self {
            Self::Env => "the environment".to_owned(),
            Self::Profile { name, path } => format!("profile {name} ({})", display_path(path)),
            Self::B2Cli { path } => format!("the b2 CLI login ({})", display_path(path)),
        }
    }

    /// `b2_authorize_account` failed with the key from here: the error in words, naming
    /// this source and what to check (an expired key is said as such).
    pub fn refused(&self, e: crate::b2::B2Error) -> anyhow::Error {
        let expired = matches!(&e, crate::b2::B2Error::Api { message, .. }
            if message.to_lowercase().contains("expired"));
        if expired && e.code() == Some("unauthorized") {
            return anyhow::anyhow!(
                "the application key from {} has expired ({e}); create a new key and {}",
                self.describe(),
                self.fix_hint()
            );
        }
        match e.code() {
            // b2_authorize_account answers a wrong key with 401 bad_auth_token (or unauthorized).
            Some("unauthorized" | "bad_auth_token") => anyhow::anyhow!(
                "B2 refused the application key from {} ({e}); {}",
                self.describe(),
                self.fix_hint()
            ),
            _ => anyhow::anyhow!(
                "could not authorize with B2 using the key from {}: {e}",
                self.describe()
            ),
        }
    }

    /// What to check when B2 refuses the key.
    pub fn fix_hint(&self) -> String {
        match self {
            Self::Env => "check B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY".to_owned(),
            Self::Profile { name, .. } => {
                format!("check key_id and key (or key_command) of profile {name}")
            }
            Self::B2Cli { .. } => "log in again with `b2 account authorize`".to_owned(),
        }
    }
}

/// Credentials ready to authorize with.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub creds: Credentials,
    /// B2 API base URL to authorize against.
    pub endpoint: String,
    pub source: Source,
    /// Where to open (a profile's bucket/prefix): `b2://bucket/prefix/` or `prefix/`.
    pub start_path: Option<String>,
}

/// Everything startup needs from the configuration.
#[derive(Clone, Debug)]
pub struct Setup {
    pub resolved: Resolved,
    /// `[ui] times = "utc"`.
    pub utc: bool,
    /// `[transfers]`.
    pub transfers: crate::config::TransferSettings,
    /// The config file's profile names, sorted.
    pub profiles: Vec<String>,
    /// `[usage]`.
    pub usage: crate::config::UsageConfig,
    /// `[preview]`.
    pub preview: crate::config::PreviewConfig,
    /// To show the user (config file problems, ignored `--profile`, permissions).
    pub warnings: Vec<String>,
}

/// Resolves credentials from the process environment and the config file. May run a
/// profile's `key_command` (blocking).
pub fn resolve(req: &Request) -> Result<Setup> {
    resolve_in(&Environment::from_process(), req)
}

/// [`resolve`] with a given environment.
pub fn resolve_in(env: &Environment, req: &Request) -> Result<Setup> {
    let loaded = load_in(env);
    let mut warnings: Vec<String> = loaded.error_warning().into_iter().collect();
    warnings.extend(loaded.warnings.iter().cloned());
    let resolved = if let Some(creds) = env_credentials(env)? {
        if let Some(name) = &req.profile {
            warnings.push(format!(
                "--profile {name} (or B2TUI_PROFILE) was ignored: B2_APPLICATION_KEY_ID and \
                 B2_APPLICATION_KEY are set and take precedence"
            ));
        }
        Resolved {
            creds,
            endpoint: endpoint_or_default(req.endpoint.as_deref()),
            source: Source::Env,
            start_path: None,
        }
    } else if let Some(name) = req
        .profile
        .as_ref()
        .or(loaded.config.default_profile.as_ref())
    {
        from_profile(&loaded, name, req.endpoint.as_deref())?
    } else {
        match b2cli::read(env) {
            Ok(login) => Resolved {
                creds: Credentials::new(login.key_id, login.key),
                endpoint: req.endpoint.clone().unwrap_or(login.api_url),
                source: Source::B2Cli { path: login.path },
                start_path: None,
            },
            Err(why) => return Err(nothing_found(&loaded, &why)),
        }
    };
    Ok(Setup {
        resolved,
        utc: loaded.config.utc,
        transfers: loaded.config.transfers,
        profiles: loaded.config.profile_names(),
        usage: loaded.config.usage,
        preview: loaded.config.preview,
        warnings,
    })
}

/// Resolves the profile `name` of the config file, for switching accounts at runtime:
/// its key (running its `key_command`, which blocks), its endpoint (else B2's default),
/// its start path. Errors name the problem: a broken config file, an unknown profile (with
/// the known ones), a failing `key_command`.
pub fn resolve_profile(name: &str) -> Result<Resolved> {
    resolve_profile_in(&Environment::from_process(), name, None)
}

/// [`resolve_profile`] with a given environment and an endpoint that overrides the
/// profile's.
pub fn resolve_profile_in(
    env: &Environment,
    name: &str,
    endpoint: Option<&str>,
) -> Result<Resolved> {
    from_profile(&load_in(env), name, endpoint)
}

fn endpoint_or_default(endpoint: Option<&str>) -> String {
    endpoint.unwrap_or(DEFAULT_ENDPOINT).to_owned()
}

/// Both variables, or neither; one alone is a mistake worth stopping for.
fn env_credentials(env: &Environment) -> Result<Option<Credentials>> {
    match (&env.key_id, &env.key) {
        (Some(id), Some(key)) => Ok(Some(Credentials::new(id, key))),
        (None, None) => Ok(None),
        (Some(_), None) => bail!(
            "B2_APPLICATION_KEY_ID is set but B2_APPLICATION_KEY is not: set both, or unset \
             it to use a profile or the b2 CLI login"
        ),
        (None, Some(_)) => bail!(
            "B2_APPLICATION_KEY is set but B2_APPLICATION_KEY_ID is not: set both, or unset \
             it to use a profile or the b2 CLI login"
        ),
    }
}

fn from_profile(loaded: &Loaded, name: &str, endpoint: Option<&str>) -> Result<Resolved> {
    if let Some(e) = &loaded.error {
        bail!("cannot use profile {name}: {e}");
    }
    let Some(path) = &loaded.path else {
        bail!("cannot use profile {name}: neither XDG_CONFIG_HOME nor HOME is set");
    };
    let shown = display_path(path);
    if !loaded.exists {
        bail!(
            "no profile {name:?}: there is no config file {shown} (add a [profiles.{name}] table \
             with key_id and key there)"
        );
    }
    let Some(profile) = loaded.config.profiles.get(name) else {
        let names = loaded.config.profile_names();
        if names.is_empty() {
            bail!("no profile {name:?} in {shown}: it has no [profiles.NAME] tables");
        }
        bail!(
            "no profile {name:?} in {shown}; its profiles: {}",
            names.join(", ")
        );
    };
    let key = match &profile.key {
        KeySource::Key(k) => k.clone(),
        KeySource::Command(c) => key_command::run(name, c).map_err(anyhow::Error::msg)?,
    };
    Ok(Resolved {
        creds: Credentials::new(&profile.key_id, key),
        endpoint: endpoint_or_default(endpoint.or(profile.endpoint.as_deref())),
        source: Source::Profile {
            name: name.to_owned(),
            path: path.clone(),
        },
        start_path: profile.start_path(),
    })
}

/// Every source tried, why each gave nothing, and how to provide one.
fn nothing_found(loaded: &Loaded, b2cli_why: &str) -> anyhow::Error {
    let config = loaded
        .path
        .as_deref()
        .map(display_path)
        .unwrap_or_else(|| "~/.config/b2tui/config.toml".to_owned());
    let profile_why = if let Some(e) = &loaded.error {
        format!("the config file is broken: {e}")
    } else if !loaded.exists {
        format!("no --profile or B2TUI_PROFILE given, and {config} does not exist")
    } else {
        format!("no --profile or B2TUI_PROFILE given, and no default_profile in {config}")
    };
    anyhow::anyhow!(
        "no credentials found. Tried:\n\
         \x20 - B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY: not set\n\
         \x20 - a profile: {profile_why}\n\
         \x20 - the b2 CLI login: {b2cli_why}\n\
         Fix it with one of:\n\
         \x20 - export B2_APPLICATION_KEY_ID=... B2_APPLICATION_KEY=...\n\
         \x20 - a [profiles.NAME] table in {config}, chosen with --profile NAME or default_profile\n\
         \x20 - `b2 account authorize` (the b2 command line tool's login is reused)\n\
         \x20 - or try `b2tui --demo` to explore a local B2 without an account"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    struct Fixture {
        dir: tempfile::TempDir,
        env: Environment,
    }

    fn fixture(config: Option<&str>) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Environment {
            home: Some(dir.path().join("home")),
            xdg_config_home: Some(dir.path().join("xdg")),
            b2_account_info: Some(dir.path().join("b2info.sqlite")),
            ..Environment::default()
        };
        if let Some(text) = config {
            let d = dir.path().join("xdg/b2tui");
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(d.join("config.toml"), text).expect("write");
        }
        Fixture { dir, env }
    }

    const TWO: &str = r#"
[profiles.work]
key_id = "id-work"
key = "K-work"
endpoint = "http://work.example"
bucket = "b"
[profiles.home]
key_id = "id-home"
key_command = "echo K-home"
"#;

    fn req(profile: Option<&str>, endpoint: Option<&str>) -> Request {
        Request {
            profile: profile.map(str::to_owned),
            endpoint: endpoint.map(str::to_owned),
        }
    }

    #[test]
    fn env_vars_win_and_an_ignored_profile_is_reported() {
        let mut f = fixture(Some(TWO));
        f.env.key_id = Some("id-env".into());
        f.env.key = Some("K-env".into());
        let s = resolve_in(&f.env, &req(Some("work"), None)).expect("resolves");
        assert_eq!(s.resolved.source, Source::Env);
        assert_eq!(s.resolved.creds.key_id, "id-env");
        assert_eq!(s.resolved.endpoint, DEFAULT_ENDPOINT);
        assert_eq!(s.profiles, ["home", "work"]);
        assert!(s.warnings.iter().any(|w| w.contains("--profile work")));
    }

    #[test]
    fn one_env_var_alone_is_an_error() {
        let mut f = fixture(None);
        f.env.key_id = Some("id".into());
        let e = resolve_in(&f.env, &req(None, None)).expect_err("half set");
        assert!(e.to_string().contains("B2_APPLICATION_KEY is not"), "{e}");
    }

    #[test]
    fn a_named_profile_gives_key_endpoint_and_start() {
        let f = fixture(Some(TWO));
        let s = resolve_in(&f.env, &req(Some("work"), None)).expect("resolves");
        let r = &s.resolved;
        assert_eq!(r.creds.key_id, "id-work");
        assert_eq!(r.creds.secret(), "K-work");
        assert_eq!(r.endpoint, "http://work.example");
        assert_eq!(r.start_path.as_deref(), Some("b2://b/"));
        assert_eq!(r.source.label(), "profile work");
        let explicit = resolve_in(&f.env, &req(Some("work"), Some("http://x"))).expect("ok");
        assert_eq!(explicit.resolved.endpoint, "http://x");
        let home = resolve_profile_in(&f.env, "home", None).expect("resolves");
        assert_eq!(home.creds.secret(), "K-home");
        assert_eq!(home.endpoint, DEFAULT_ENDPOINT);
    }

    #[test]
    fn the_default_profile_is_used_without_a_flag() {
        let f = fixture(Some(&format!("default_profile = \"home\"\n{TWO}")));
        let s = resolve_in(&f.env, &req(None, None)).expect("resolves");
        assert_eq!(s.resolved.creds.key_id, "id-home");
    }

    #[test]
    fn an_unknown_profile_lists_the_known_ones() {
        let f = fixture(Some(TWO));
        let e = resolve_in(&f.env, &req(Some("nope"), None)).expect_err("unknown");
        let e = e.to_string();
        assert!(e.contains("\"nope\"") && e.contains("home, work"), "{e}");
        let none = fixture(None);
        let e = resolve_in(&none.env, &req(Some("nope"), None)).expect_err("no file");
        assert!(e.to_string().contains("no config file"), "{e}");
    }

    #[test]
    fn a_broken_file_is_a_warning_unless_its_profile_is_asked_for() {
        let mut f = fixture(Some("[ui]\ntimes = \"gmt\"\n"));
        let e = resolve_in(&f.env, &req(Some("work"), None)).expect_err("asked");
        assert!(e.to_string().contains("line 2"), "{e}");
        f.env.key_id = Some("id".into());
        f.env.key = Some("K".into());
        let s = resolve_in(&f.env, &req(None, None)).expect("env still works");
        assert!(!s.utc);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("config.toml, line 2") && w.contains("\"gmt\"")),
            "{:?}",
            s.warnings
        );
    }

    fn write_login(path: &Path, realm: &str) {
        let conn = rusqlite::Connection::open(path).expect("create");
        conn.execute_batch(
            "CREATE TABLE account (account_id TEXT, application_key TEXT, realm TEXT, \
             account_id_or_app_key_id TEXT)",
        )
        .expect("schema");
        conn.execute(
            "INSERT INTO account VALUES ('acc', 'K-cli', ?1, 'id-cli')",
            [realm],
        )
        .expect("insert");
    }

    #[test]
    fn the_b2_cli_login_comes_last_with_its_realm() {
        let f = fixture(Some(TWO));
        let info = f.dir.path().join("b2info.sqlite");
        let e = resolve_in(&f.env, &req(None, None)).expect_err("nothing yet");
        let e = e.to_string();
        for part in [
            "B2_APPLICATION_KEY_ID",
            "no default_profile",
            "does not exist",
            "b2 account authorize",
            "--demo",
        ] {
            assert!(e.contains(part), "{part}: {e}");
        }
        write_login(&info, "http://127.0.0.1:1234");
        let s = resolve_in(&f.env, &req(None, None)).expect("login");
        assert_eq!(s.resolved.creds.key_id, "id-cli");
        assert_eq!(s.resolved.endpoint, "http://127.0.0.1:1234");
        assert!(s.resolved.source.label().starts_with("b2 CLI login"));
        let s = resolve_in(&f.env, &req(None, Some("http://explicit"))).expect("login");
        assert_eq!(s.resolved.endpoint, "http://explicit");
    }
}
