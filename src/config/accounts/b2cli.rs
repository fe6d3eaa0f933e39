//! Reuse of a `b2` command line tool login: its account info is an SQLite file with one
//! row in the `account` table (key id, key, realm). It is opened read-only, never written.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::env::{Environment, display_path};

/// A login found in the b2 CLI's account info.
pub struct Login {
    /// The file it came from.
    pub path: PathBuf,
    pub key_id: String,
    pub key: String,
    /// The API base URL of the login's realm.
    pub api_url: String,
}

/// Where the b2 CLI keeps its login, in its own order: `B2_ACCOUNT_INFO`; else
/// `~/.b2_account_info` if it exists; else on XDG systems (Linux, BSD; macOS only when
/// `XDG_CONFIG_HOME` is set) `$XDG_CONFIG_HOME/b2/account_info` (default `~/.config`);
/// else `~/.b2_account_info`.
pub fn account_info_path(env: &Environment) -> Option<PathBuf> {
    if let Some(p) = &env.b2_account_info {
        return Some(env.expand_tilde(p));
    }
    let legacy = env.home.as_ref().map(|h| h.join(".b2_account_info"));
    if let Some(l) = legacy.as_ref().filter(|l| l.exists()) {
        return Some(l.clone());
    }
    let xdg_os = !cfg!(any(target_os = "macos", target_os = "windows"));
    let xdg = if env.xdg_config_home.is_some() || xdg_os {
        env.config_home()
    } else {
        None
    };
    xdg.map(|c| c.join("b2").join("account_info")).or(legacy)
}

/// The realm's API URL, as the b2 CLI maps realm names (anything else is a URL itself).
pub fn realm_url(realm: &str) -> String {
    match realm {
        "production" => "https://api.backblazeb2.com".to_owned(),
        "dev" => "http://api.backblazeb2.xyz:8180".to_owned(),
        "staging" => "https://api.backblaze.net".to_owned(),
        url => url.trim_end_matches('/').to_owned(),
    }
}

/// The login in `env`'s account info file. `Err` says, for the "nothing found" message,
/// why there is none (missing file, no login, unreadable).
pub fn read(env: &Environment) -> Result<Login, String> {
    let Some(path) = account_info_path(env) else {
        return Err("no HOME to find the b2 CLI's account info in".to_owned());
    };
    read_file(&path)
}

/// The login stored in one account info file.
pub fn read_file(path: &Path) -> Result<Login, String> {
    let shown = display_path(path);
    if !path.is_file() {
        return Err(format!("{shown} does not exist"));
    }
    let unreadable = |e: rusqlite::Error| format!("{shown} cannot be read: {e}");
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    // `account_id_or_app_key_id` came with a later schema; older files have the account
    // id only, which then is the (master) key id.
    let row = query_login(
        &conn,
        "SELECT coalesce(account_id_or_app_key_id, account_id), application_key, realm \
         FROM account LIMIT 1",
    )
    .or_else(|_| {
        query_login(
            &conn,
            "SELECT account_id, application_key, realm FROM account LIMIT 1",
        )
    })
    .map_err(unreadable)?;
    let Some((key_id, key, realm)) = row else {
        return Err(format!(
            "{shown} holds no login (run `b2 account authorize`)"
        ));
    };
    match (key_id, key) {
        (Some(key_id), Some(key)) if !key_id.is_empty() && !key.is_empty() => Ok(Login {
            path: path.to_owned(),
            key_id,
            key,
            api_url: realm_url(realm.as_deref().unwrap_or("production")),
        }),
        _ => Err(format!("{shown} holds no application key")),
    }
}

type Row = (Option<String>, Option<String>, Option<String>);

fn query_login(conn: &Connection, sql: &str) -> rusqlite::Result<Option<Row>> {
    conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &Path) -> Environment {
        Environment {
            home: Some(dir.join("home")),
            xdg_config_home: Some(dir.join("xdg")),
            ..Environment::default()
        }
    }

    #[test]
    fn finds_the_file_where_the_b2_cli_does() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut env = env_in(dir.path());
        let xdg = dir.path().join("xdg/b2/account_info");
        assert_eq!(account_info_path(&env), Some(xdg));
        let legacy = dir.path().join("home/.b2_account_info");
        std::fs::create_dir_all(dir.path().join("home")).expect("mkdir");
        std::fs::write(&legacy, b"").expect("write");
        assert_eq!(account_info_path(&env), Some(legacy));
        env.b2_account_info = Some(PathBuf::from("~/other.sqlite"));
        assert_eq!(
            account_info_path(&env),
            Some(dir.path().join("home/other.sqlite"))
        );
    }

    #[test]
    fn realms_map_to_urls() {
        assert_eq!(realm_url("production"), "https://api.backblazeb2.com");
        assert_eq!(realm_url("http://127.0.0.1:8787/"), "http://127.0.0.1:8787");
    }

    fn account_db(path: &Path, with_app_key_id: bool) -> Connection {
        let conn = Connection::open(path).expect("create");
        let extra = if with_app_key_id {
            ", account_id_or_app_key_id TEXT"
        } else {
            ""
        };
        conn.execute_batch(&format!(
            "CREATE TABLE account (account_id TEXT NOT NULL, application_key TEXT NOT NULL, \
             account_auth_token TEXT NOT NULL, api_url TEXT NOT NULL, realm TEXT NOT NULL{extra});"
        ))
        .expect("schema");
        conn
    }

    #[test]
    fn reads_the_key_and_realm_and_leaves_the_file_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("info.sqlite");
        let conn = account_db(&path, true);
        assert!(read_file(&path).is_err_and(|e| e.contains("holds no login")));
        conn.execute(
            "INSERT INTO account VALUES ('acc1', 'K005key', 'tok', 'http://x', 'http://127.0.0.1:9', '0051keyid')",
            [],
        )
        .expect("insert");
        drop(conn);
        let before = std::fs::read(&path).expect("read");
        let login = read_file(&path).expect("login");
        assert_eq!(login.key_id, "0051keyid");
        assert_eq!(login.key, "K005key");
        assert_eq!(login.api_url, "http://127.0.0.1:9");
        assert_eq!(std::fs::read(&path).expect("read"), before);
    }

    #[test]
    fn an_old_schema_uses_the_account_id() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("old.sqlite");
        let conn = account_db(&path, false);
        conn.execute(
            "INSERT INTO account VALUES ('acc1', 'K001key', 'tok', 'http://x', 'production')",
            [],
        )
        .expect("insert");
        drop(conn);
        let login = read_file(&path).expect("login");
        assert_eq!(login.key_id, "acc1");
        assert_eq!(login.api_url, "https://api.backblazeb2.com");
    }

    #[test]
    fn a_missing_or_foreign_file_says_why() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("none");
        assert!(read_file(&missing).is_err_and(|e| e.contains("does not exist")));
        let junk = dir.path().join("junk");
        std::fs::write(&junk, b"not sqlite at all, just text").expect("write");
        assert!(read_file(&junk).is_err_and(|e| e.contains("cannot be read")));
    }
}
