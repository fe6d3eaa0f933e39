//! Cloud Replication through the official `b2` command line tool against the real
//! `b2tui serve` binary: `b2 replication setup` between two buckets (it makes the source
//! and destination keys and sets both sides), an upload, the background copy, `b2
//! replication status`, the replica downloaded, then `pause` and `delete`.
//! A missing tool fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use served::{KEY, KEY_ID, Served, run_ok, sha1_hex, stdout_of};

struct B2 {
    tool: std::path::PathBuf,
    url: String,
    dir: tempfile::TempDir,
}

impl B2 {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.tool);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("B2_ENVIRONMENT", &self.url)
            .env("B2_ACCOUNT_INFO", self.dir.path().join("account.sqlite"))
            .env("B2_APPLICATION_KEY_ID", KEY_ID)
            .env("B2_APPLICATION_KEY", KEY)
            .env_remove("B2_ACCOUNT_INFO_ENV_VAR")
            .env("NO_COLOR", "1");
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        stdout_of(&run_ok(&mut self.cmd(args)))
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("b2 {args:?}: {e}:\n{text}"))
    }
}

/// The rules of a bucket as `b2 bucket get` shows them.
fn rules(b2: &B2, bucket: &str) -> Value {
    b2.json(&["bucket", "get", bucket])["replication"]["asReplicationSource"]["replicationRules"]
        .clone()
}

#[test]
fn b2cli_replication_setup_status_pause_delete() {
    let Some(tool) = served::b2_cli() else { return };
    let served = Served::start(&[]);
    let b2 = B2 {
        tool,
        url: served.url.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    b2.ok(&["account", "authorize"]);
    b2.ok(&["bucket", "create", "repl-cli-source", "allPrivate"]);
    b2.ok(&["bucket", "create", "repl-cli-dest", "allPrivate"]);
    b2.ok(&[
        "replication",
        "setup",
        "--name",
        "cli-rule",
        "--file-name-prefix",
        "in/",
        "repl-cli-source",
        "repl-cli-dest",
    ]);
    let set = rules(&b2, "repl-cli-source");
    assert_eq!(set[0]["replicationRuleName"], "cli-rule", "{set}");
    assert_eq!(set[0]["fileNamePrefix"], "in/", "{set}");
    assert_eq!(set[0]["isEnabled"], true, "{set}");
    let dest = b2.json(&["bucket", "get", "repl-cli-dest"]);
    let mapping = &dest["replication"]["asReplicationDestination"]["sourceToDestinationKeyMapping"];
    assert_eq!(mapping.as_object().map(|m| m.len()), Some(1), "{dest}");

    let data = served::pseudo_random(50_000, 7);
    std::fs::write(b2.dir.path().join("data.bin"), &data).unwrap();
    let up = b2.json(&[
        "file",
        "upload",
        "--quiet",
        "repl-cli-source",
        "data.bin",
        "in/data.bin",
    ]);
    // The CLI shows the status upper-cased.
    assert_eq!(up["replicationStatus"], "PENDING", "{up}");

    // The server's background task makes the copy within a few seconds.
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        let status = b2.json(&[
            "replication",
            "status",
            "--no-progress",
            "--output-format",
            "json",
            "repl-cli-source",
        ]);
        let row = &status["cli-rule"][0];
        if row["source_replication_status"] == "COMPLETED" {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "not replicated in time: {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let row = &status["cli-rule"][0];
    assert_eq!(row["destination_replication_status"], "REPLICA", "{status}");
    assert_eq!(row["hash_differs"], false, "{status}");
    assert_eq!(row["metadata_differs"], false, "{status}");
    assert_eq!(row["count"], 1, "{status}");

    b2.ok(&[
        "file",
        "download",
        "--quiet",
        "b2://repl-cli-dest/in/data.bin",
        "replica.bin",
    ]);
    let got = std::fs::read(b2.dir.path().join("replica.bin")).unwrap();
    assert_eq!(sha1_hex(&got), sha1_hex(&data));

    b2.ok(&["replication", "pause", "repl-cli-source", "cli-rule"]);
    assert_eq!(rules(&b2, "repl-cli-source")[0]["isEnabled"], false);
    let paused = b2.json(&[
        "file",
        "upload",
        "--quiet",
        "repl-cli-source",
        "data.bin",
        "in/later.bin",
    ]);
    assert_eq!(paused["replicationStatus"], Value::Null, "{paused}");
    b2.ok(&["replication", "delete", "repl-cli-source", "cli-rule"]);
    assert_eq!(rules(&b2, "repl-cli-source"), serde_json::json!([]));
}
