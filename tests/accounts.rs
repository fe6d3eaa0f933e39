//! Where the real binary takes its credentials from: profiles of the config file (`key`,
//! `key_command`, `--profile`, `B2TUI_PROFILE`, `default_profile`), the environment
//! variables that win over them, and a login of the real `b2` CLI; config file errors;
//! `ls b2://`, a closed pipe, completions and the man page. Every run has its own HOME,
//! XDG_CONFIG_HOME and B2_ACCOUNT_INFO in a temp dir, against a local B2.

#![allow(clippy::unwrap_used)]

mod common;
#[allow(clippy::duplicate_mod)]
mod served;

use std::path::PathBuf;
use std::process::Output;

use b2tui::b2::{BucketId, CreateKeyRequest, UploadMeta};
use common::Local;

/// A home of its own: `home/`, `xdg/b2tui/config.toml`, `b2info.sqlite`.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("xdg/b2tui")).unwrap();
        Sandbox { dir }
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("xdg/b2tui/config.toml")
    }

    fn account_info(&self) -> PathBuf {
        self.dir.path().join("b2info.sqlite")
    }

    /// Writes the config file with the given permission bits.
    fn write_config(&self, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = self.config_path();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// The binary with this sandbox's folders and no credential variables.
    fn b2tui(&self) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"));
        for var in [
            "B2_APPLICATION_KEY_ID",
            "B2_APPLICATION_KEY",
            "B2TUI_ENDPOINT",
            "B2TUI_PROFILE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            .env("B2_ACCOUNT_INFO", self.account_info())
            .stdin(std::process::Stdio::null());
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.b2tui().args(args).output().await.unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn lines(out: &Output) -> Vec<String> {
    text(&out.stdout).lines().map(str::to_owned).collect()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A local B2 with buckets `acct-a` and `acct-b`, and a key for each that sees only its
/// own bucket, so `ls b2://` shows which key was used.
struct World {
    local: Local,
    a: (String, String),
    b: (String, String),
}

async fn world() -> World {
    let local = common::start().await;
    let a = local.create_bucket("acct-a", "allPrivate").await;
    let b = local.create_bucket("acct-b", "allPrivate").await;
    let a_key = key_for(&local, &a, "key-a").await;
    let b_key = key_for(&local, &b, "key-b").await;
    World {
        local,
        a: a_key,
        b: b_key,
    }
}

async fn key_for(local: &Local, bucket: &BucketId, name: &str) -> (String, String) {
    let created = local
        .client
        .create_key(&CreateKeyRequest {
            key_name: name.to_owned(),
            capabilities: ["listBuckets", "listFiles", "readFiles"]
                .map(str::to_owned)
                .to_vec(),
            bucket_ids: vec![bucket.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    (
        created.key.application_key_id,
        created.secret.expose().to_owned(),
    )
}

impl World {
    fn url(&self) -> &str {
        &self.local.server.url
    }

    /// A config file with profiles `a` (key in the file) and `b` (key from a command).
    fn profiles(&self, head: &str) -> String {
        format!(
            "{head}\n[profiles.a]\nkey_id = \"{}\"\nkey = \"{}\"\nendpoint = \"{}\"\n\n\
             [profiles.b]\nkey_id = \"{}\"\nkey_command = \"printf '%s\\\\n' {}\"\nendpoint = \"{}\"\n",
            self.a.0,
            self.a.1,
            self.url(),
            self.b.0,
            self.b.1,
            self.url()
        )
    }
}

#[tokio::test]
async fn profiles_are_chosen_by_flag_variable_or_default() {
    let w = world().await;
    let sb = Sandbox::new();
    sb.write_config(&w.profiles(""), 0o600);

    let out = sb.run(&["--profile", "a", "ls", "b2://"]).await;
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-a"]);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    // key_command's output is the key.
    let out = sb.run(&["ls", "--profile", "b", "b2://"]).await;
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-b"]);

    let out = sb
        .b2tui()
        .env("B2TUI_PROFILE", "b")
        .args(["ls", "b2://"])
        .output()
        .await
        .unwrap();
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-b"]);

    sb.write_config(&w.profiles("default_profile = \"b\""), 0o600);
    let out = sb.run(&["ls", "b2://"]).await;
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-b"]);
    // The flag beats the default.
    let out = sb.run(&["ls", "b2://", "--profile", "a"]).await;
    assert_eq!(lines(&out), ["acct-a"]);
    // An empty variable is no choice.
    let out = sb
        .b2tui()
        .env("B2TUI_PROFILE", "")
        .env("B2TUI_ENDPOINT", "")
        .args(["ls", "b2://"])
        .output()
        .await
        .unwrap();
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-b"]);
}

#[tokio::test]
async fn cp_takes_the_profile_too() {
    let w = world().await;
    let bucket = w.local.create_bucket("acct-c", "allPrivate").await;
    let meta = UploadMeta {
        file_name: "hello.txt".to_owned(),
        ..Default::default()
    };
    w.local
        .client
        .upload_bytes(&bucket, &meta, bytes::Bytes::from_static(b"hello"))
        .await
        .unwrap();
    let c = key_for(&w.local, &bucket, "key-c").await;
    let sb = Sandbox::new();
    sb.write_config(
        &format!(
            "[profiles.c]\nkey_id = \"{}\"\nkey = \"{}\"\nendpoint = \"{}\"\n",
            c.0,
            c.1,
            w.url()
        ),
        0o600,
    );
    let dest = sb.dir.path().join("hello.txt");
    let out = sb
        .run(&[
            "cp",
            "--profile",
            "c",
            "b2://acct-c/hello.txt",
            dest.to_str().unwrap(),
        ])
        .await;
    assert_ok(&out);
    assert_eq!(std::fs::read(&dest).unwrap(), b"hello");
}

#[tokio::test]
async fn environment_variables_win_over_profiles() {
    let w = world().await;
    let sb = Sandbox::new();
    sb.write_config(&w.profiles("default_profile = \"a\""), 0o600);
    let out = sb
        .b2tui()
        .env("B2_APPLICATION_KEY_ID", &w.b.0)
        .env("B2_APPLICATION_KEY", &w.b.1)
        .args(["--endpoint", w.url(), "ls", "b2://", "--profile", "a"])
        .output()
        .await
        .unwrap();
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-b"]);
    let err = text(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("--profile a") && err.contains("ignored"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unknown_profile_lists_the_profiles() {
    let w = world().await;
    let sb = Sandbox::new();
    sb.write_config(&w.profiles(""), 0o600);
    let out = sb.run(&["--profile", "nope", "ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("\"nope\""), "{err}");
    assert!(err.contains("a, b"), "{err}");
    assert!(err.contains("config.toml"), "{err}");
}

#[tokio::test]
async fn a_failing_key_command_names_profile_and_status_not_stdout() {
    let w = world().await;
    let sb = Sandbox::new();
    sb.write_config(
        &format!(
            "[profiles.vault]\nkey_id = \"{}\"\nendpoint = \"{}\"\n\
             key_command = \"echo K005printed; echo locked >&2; exit 4\"\n",
            w.a.0,
            w.url()
        ),
        0o600,
    );
    let out = sb.run(&["--profile", "vault", "ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("\"vault\"") && err.contains("exit status 4"),
        "{err}"
    );
    assert!(err.contains("locked"), "{err}");
    assert!(!err.contains("K005printed"), "{err}");
}

#[tokio::test]
async fn a_refused_profile_key_names_the_profile_and_file() {
    let w = world().await;
    let sb = Sandbox::new();
    let secret = "K005notTheRightSecretForThisKey";
    sb.write_config(
        &format!(
            "[profiles.work]\nkey_id = \"{}\"\nkey = \"{secret}\"\nendpoint = \"{}\"\n",
            w.a.0,
            w.url()
        ),
        0o600,
    );
    let out = sb.run(&["--profile", "work", "ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("refused the application key from profile work"),
        "{err}"
    );
    assert!(err.contains("config.toml"), "{err}");
    assert!(!err.contains(secret), "{err}");
}

#[tokio::test]
async fn a_broken_config_file_is_a_warning_or_an_error_when_its_profile_is_asked_for() {
    let w = world().await;
    let sb = Sandbox::new();
    let path = sb.write_config(
        &format!("{}\n[ui]\ntimes = \"gmt\"\n", w.profiles("")),
        0o600,
    );
    let broken_line = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("times"))
        .unwrap()
        + 1;
    let where_ = format!("config.toml, line {broken_line}");

    let out = sb.run(&["--profile", "a", "ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&where_), "{err}");
    assert!(
        err.contains(r#"times must be "local" or "utc", got "gmt""#),
        "{err}"
    );

    // With credentials from elsewhere it only warns.
    let out = sb
        .b2tui()
        .env("B2_APPLICATION_KEY_ID", &w.a.0)
        .env("B2_APPLICATION_KEY", &w.a.1)
        .args(["--endpoint", w.url(), "ls", "b2://"])
        .output()
        .await
        .unwrap();
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-a"]);
    let err = text(&out.stderr);
    assert!(err.contains("warning") && err.contains(&where_), "{err}");
}

#[tokio::test]
async fn a_key_in_a_readable_file_is_warned_about() {
    let w = world().await;
    let sb = Sandbox::new();
    let path = sb.write_config(&w.profiles(""), 0o644);
    let out = sb.run(&["--profile", "a", "ls", "b2://"]).await;
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-a"]);
    let err = text(&out.stderr);
    assert!(err.contains("0644"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 {}", path.display())),
        "{err}"
    );

    sb.write_config(&w.profiles(""), 0o600);
    let out = sb.run(&["--profile", "a", "ls", "b2://"]).await;
    assert_ok(&out);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));

    // Only key_command: nothing secret in the file, no warning.
    sb.write_config(
        &format!(
            "[profiles.b]\nkey_id = \"{}\"\nkey_command = \"echo {}\"\nendpoint = \"{}\"\n",
            w.b.0,
            w.b.1,
            w.url()
        ),
        0o644,
    );
    let out = sb.run(&["--profile", "b", "ls", "b2://"]).await;
    assert_ok(&out);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[tokio::test]
async fn nothing_found_says_what_was_tried_and_how_to_fix_it() {
    let sb = Sandbox::new();
    let out = sb.run(&["ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    for part in [
        "B2_APPLICATION_KEY_ID",
        "config.toml",
        "b2info.sqlite does not exist",
        "b2 account authorize",
        "b2tui --demo",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
}

#[tokio::test]
async fn ls_lists_buckets_as_names_or_json() {
    let w = world().await;
    let sb = Sandbox::new();
    let master = sb
        .b2tui()
        .env("B2_APPLICATION_KEY_ID", &w.local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &w.local.server.master_key)
        .args(["--endpoint", w.url(), "ls", "b2://"])
        .output()
        .await
        .unwrap();
    assert_ok(&master);
    assert_eq!(lines(&master), ["acct-a", "acct-b"]);
    sb.write_config(&w.profiles(""), 0o600);
    let out = sb.run(&["--profile", "a", "ls", "--json", "b2://"]).await;
    assert_ok(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1, "{json}");
    assert_eq!(list[0]["bucketName"], "acct-a");
    assert!(list[0]["bucketId"].is_string(), "{json}");
}

#[tokio::test]
async fn a_closed_pipe_ends_ls_quietly() {
    let local = common::start().await;
    let bucket = local.create_bucket("pipe-bkt", "allPrivate").await;
    // Long names: far more output than a pipe holds, so ls is still writing when head
    // has gone.
    // (B2 allows 250 bytes a name segment.)
    let long = "n".repeat(240);
    for i in 0..600 {
        let meta = UploadMeta {
            file_name: format!("{i:04}-{long}"),
            ..Default::default()
        };
        local
            .client
            .upload_bytes(&bucket, &meta, bytes::Bytes::from_static(b"x"))
            .await
            .unwrap();
    }
    let sb = Sandbox::new();
    let rc = sb.dir.path().join("rc");
    let err = sb.dir.path().join("err");
    let script = r#"{ "$0" --endpoint "$1" ls b2://pipe-bkt 2>"$2"; echo $? >"$3"; } | head -1"#;
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_b2tui"))
        .arg(&local.server.url)
        .arg(&err)
        .arg(&rc)
        .env("B2_APPLICATION_KEY_ID", &local.server.master_key_id)
        .env("B2_APPLICATION_KEY", &local.server.master_key)
        .env_remove("B2TUI_ENDPOINT")
        .env_remove("B2TUI_PROFILE")
        .env("HOME", sb.dir.path().join("home"))
        .env("XDG_CONFIG_HOME", sb.dir.path().join("xdg"))
        .output()
        .await
        .unwrap();
    assert_ok(&out);
    assert_eq!(lines(&out), [format!("0000-{long}")]);
    let stderr = std::fs::read_to_string(&err).unwrap();
    assert!(stderr.is_empty(), "ls wrote to stderr: {stderr}");
    assert_eq!(std::fs::read_to_string(&rc).unwrap().trim(), "0");
}

#[tokio::test]
async fn completions_and_man_page_are_printed() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = sb.run(&["completions", shell]).await;
        assert_ok(&out);
        let script = text(&out.stdout);
        assert!(
            script.contains("b2tui")
                && script.contains("profile")
                && script.contains("completions"),
            "{shell}: {script}"
        );
    }
    let out = sb.run(&["completions", "tcsh"]).await;
    assert!(!out.status.success());
    let out = sb.run(&["man"]).await;
    assert_ok(&out);
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH b2tui"),
        "{page}"
    );
    assert!(page.contains("profile"), "{page}");
}

/// The real `b2` CLI logs in against the local B2 (its account info in the sandbox);
/// b2tui then lists with that login alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_b2_cli_login_is_reused() {
    let Some(tool) = served::b2_cli() else {
        eprintln!("skipped: the b2 command line tool is not installed");
        return;
    };
    let w = world().await;
    let sb = Sandbox::new();
    let login = tokio::process::Command::new(&tool)
        .args(["account", "authorize"])
        .current_dir(sb.dir.path())
        // b2sdk takes any realm it does not know as the API base URL.
        .env("B2_ENVIRONMENT", w.url())
        .env("B2_ACCOUNT_INFO", sb.account_info())
        .env("B2_APPLICATION_KEY_ID", &w.a.0)
        .env("B2_APPLICATION_KEY", &w.a.1)
        .env("HOME", sb.dir.path().join("home"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert_ok(&login);
    let before = std::fs::read(sb.account_info()).unwrap();

    let out = sb.run(&["ls", "b2://"]).await;
    assert_ok(&out);
    assert_eq!(lines(&out), ["acct-a"]);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(sb.account_info()).unwrap(),
        before,
        "the b2 CLI's file is only read"
    );

    // A profile, when asked for, beats the login.
    sb.write_config(&w.profiles(""), 0o600);
    let out = sb.run(&["ls", "b2://", "--profile", "b"]).await;
    assert_eq!(lines(&out), ["acct-b"]);

    // A login whose key was deleted: the error names the b2 CLI login.
    w.local.client.delete_key(&w.a.0).await.unwrap();
    let out = sb.run(&["ls", "b2://"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("the b2 CLI login"), "{err}");
    assert!(err.contains("b2info.sqlite"), "{err}");
    assert!(!err.contains(&w.a.1), "{err}");
}
