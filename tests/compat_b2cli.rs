//! The official `b2` command line tool (b2sdk) against the real `b2tui serve` binary:
//! buckets and lifecycle rules, small and large uploads, listings, hide/unhide, downloads
//! with hash checks, server-side copy and restricted keys. Each test has its own server.
//! A missing tool fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use served::{KEY, KEY_ID, Served, pseudo_random, run, run_ok, sha1_hex, stdout_of};

/// Part size the servers report, so that a few MB already take the large-file path.
const PART_SIZE: &str = "1000000";

/// One `b2` account-info file pointed at one server with one key.
struct B2 {
    tool: PathBuf,
    url: String,
    dir: tempfile::TempDir,
    key_id: String,
    key: String,
}

impl B2 {
    fn new(tool: &Path, served: &Served, key_id: &str, key: &str) -> B2 {
        B2 {
            tool: tool.to_owned(),
            url: served.url.clone(),
            dir: tempfile::tempdir().unwrap(),
            key_id: key_id.to_owned(),
            key: key.to_owned(),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.tool);
        cmd.args(args)
            .current_dir(self.dir.path())
            // b2sdk takes any realm it does not know as the API base URL.
            .env("B2_ENVIRONMENT", &self.url)
            .env("B2_ACCOUNT_INFO", self.dir.path().join("account.sqlite"))
            .env("B2_APPLICATION_KEY_ID", &self.key_id)
            .env("B2_APPLICATION_KEY", &self.key)
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

    fn fails(&self, args: &[&str]) -> Output {
        let out = run(&mut self.cmd(args));
        assert!(
            !out.status.success(),
            "b2 {args:?} should have failed:\n{}",
            stdout_of(&out)
        );
        out
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn authorize(&self) {
        self.ok(&["account", "authorize"]);
    }
}

/// The b2 tool and a fresh server, or None when skipping.
fn setup() -> Option<(Served, B2)> {
    let tool = served::b2_cli()?;
    let served = Served::start(&[
        "--min-part-size",
        PART_SIZE,
        "--recommended-part-size",
        PART_SIZE,
    ]);
    let b2 = B2::new(&tool, &served, KEY_ID, KEY);
    b2.authorize();
    Some((served, b2))
}

fn bucket_names(b2: &B2) -> Vec<String> {
    let list = b2.json(&["bucket", "list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucketName"].as_str().unwrap().to_owned())
        .collect()
}

fn ls(b2: &B2, args: &[&str]) -> Vec<String> {
    let mut all = vec!["ls"];
    all.extend_from_slice(args);
    b2.ok(&all).lines().map(str::to_owned).collect()
}

#[test]
fn b2cli_buckets_and_lifecycle_rules() {
    let Some((_served, b2)) = setup() else { return };
    b2.ok(&["bucket", "create", "compat-bkt-one", "allPrivate"]);
    b2.ok(&["bucket", "create", "compat-bkt-two", "allPublic"]);
    assert_eq!(bucket_names(&b2), ["compat-bkt-one", "compat-bkt-two"]);
    let text = b2.ok(&["bucket", "list"]);
    assert!(text.contains("allPrivate  compat-bkt-one"), "{text}");

    // One rule, then two that replace it. (The JSON-array `--lifecycle-rules` form is not
    // used: b2 5.0.0 fails to parse it before sending anything.)
    let updated = b2.json(&[
        "bucket",
        "update",
        "--lifecycle-rule",
        r#"{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": 7}"#,
        "compat-bkt-one",
        "allPublic",
    ]);
    assert_eq!(updated["bucketType"], "allPublic");
    let rules = &updated["lifecycleRules"];
    assert_eq!(rules.as_array().unwrap().len(), 1, "{updated}");
    assert_eq!(rules[0]["fileNamePrefix"], "logs/");
    assert_eq!(rules[0]["daysFromUploadingToHiding"], 7);
    b2.ok(&[
        "bucket",
        "update",
        "--lifecycle-rule",
        r#"{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 2, "daysFromUploadingToHiding": null}"#,
        "--lifecycle-rule",
        r#"{"fileNamePrefix": "b/", "daysFromHidingToDeleting": 3, "daysFromUploadingToHiding": null}"#,
        "compat-bkt-one",
    ]);
    let got = b2.json(&["bucket", "get", "compat-bkt-one"]);
    assert_eq!(got["bucketType"], "allPublic");
    let prefixes: Vec<&str> = got["lifecycleRules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fileNamePrefix"].as_str().unwrap())
        .collect();
    assert_eq!(prefixes, ["a/", "b/"], "{got}");
    assert!(got["revision"].as_i64().unwrap() >= 3, "{got}");

    // Overlapping prefixes are refused, as B2 does.
    b2.fails(&[
        "bucket",
        "update",
        "--lifecycle-rule",
        r#"{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": null}"#,
        "--lifecycle-rule",
        r#"{"fileNamePrefix": "a/b/", "daysFromHidingToDeleting": 1, "daysFromUploadingToHiding": null}"#,
        "compat-bkt-one",
    ]);

    // A bucket with a file in it cannot be deleted; an empty one can.
    std::fs::write(b2.path("f.txt"), b"x").unwrap();
    b2.ok(&[
        "file",
        "upload",
        "--quiet",
        "compat-bkt-two",
        "f.txt",
        "f.txt",
    ]);
    b2.fails(&["bucket", "delete", "compat-bkt-two"]);
    b2.ok(&["bucket", "delete", "compat-bkt-one"]);
    assert_eq!(bucket_names(&b2), ["compat-bkt-two"]);
}

#[test]
fn b2cli_files_upload_list_hide_download_copy() {
    let Some((_served, b2)) = setup() else { return };
    b2.ok(&["bucket", "create", "compat-files", "allPrivate"]);

    let small = pseudo_random(10_000, 1);
    let small_v2 = pseudo_random(12_345, 2);
    // Four parts of PART_SIZE: b2sdk takes the large-file path.
    let large = pseudo_random(3_500_000, 3);
    std::fs::write(b2.path("small.bin"), &small).unwrap();
    std::fs::write(b2.path("small2.bin"), &small_v2).unwrap();
    std::fs::write(b2.path("large.bin"), &large).unwrap();

    let up = b2.json(&[
        "file",
        "upload",
        "--quiet",
        "compat-files",
        "small.bin",
        "dir/small file ✓.bin",
    ]);
    assert_eq!(up["contentSha1"], sha1_hex(&small));
    let first_id = up["fileId"].as_str().unwrap().to_owned();
    let up = b2.json(&[
        "file",
        "upload",
        "--quiet",
        "--threads",
        "2",
        "compat-files",
        "large.bin",
        "large.bin",
    ]);
    assert_eq!(up["action"], "upload");
    assert_eq!(up["contentSha1"], "none", "large file expected: {up}");
    assert_eq!(up["fileInfo"]["large_file_sha1"], sha1_hex(&large));
    assert_eq!(up["size"], 3_500_000);
    let large_id = up["fileId"].as_str().unwrap().to_owned();
    let up = b2.json(&[
        "file",
        "upload",
        "--quiet",
        "compat-files",
        "small2.bin",
        "dir/small file ✓.bin",
    ]);
    let second_id = up["fileId"].as_str().unwrap().to_owned();

    assert_eq!(
        ls(&b2, &["-r", "b2://compat-files"]),
        ["dir/small file ✓.bin", "large.bin"]
    );
    assert_eq!(ls(&b2, &["b2://compat-files"]), ["dir/", "large.bin"]);
    assert_eq!(
        ls(&b2, &["-r", "--versions", "b2://compat-files"]),
        ["dir/small file ✓.bin", "dir/small file ✓.bin", "large.bin"]
    );
    let versions = b2.json(&["ls", "-r", "--versions", "--json", "b2://compat-files"]);
    let ids: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["fileId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [&second_id, &first_id, &large_id]);

    // Hide, then unhide.
    let hidden = b2.json(&["file", "hide", "b2://compat-files/dir/small file ✓.bin"]);
    assert_eq!(hidden["action"], "hide");
    assert_eq!(ls(&b2, &["-r", "b2://compat-files"]), ["large.bin"]);
    let long = ls(&b2, &["-r", "--versions", "--long", "b2://compat-files"]);
    assert_eq!(long.len(), 4, "{long:?}");
    assert!(long[0].contains(" hide ") && long[0].ends_with("dir/small file ✓.bin"));
    b2.fails(&[
        "file",
        "download",
        "--quiet",
        "b2://compat-files/dir/small file ✓.bin",
        "x",
    ]);
    b2.ok(&["file", "unhide", "b2://compat-files/dir/small file ✓.bin"]);
    assert_eq!(
        ls(&b2, &["-r", "b2://compat-files"]),
        ["dir/small file ✓.bin", "large.bin"]
    );
    b2.fails(&["file", "unhide", "b2://compat-files/large.bin"]);

    // Downloads by name (newest version) and by id (any version), bytes and SHA-1.
    let cases = [
        (
            "b2://compat-files/dir/small file ✓.bin".to_owned(),
            &small_v2,
        ),
        (format!("b2id://{first_id}"), &small),
        ("b2://compat-files/large.bin".to_owned(), &large),
        (format!("b2id://{large_id}"), &large),
    ];
    for (i, (uri, want)) in cases.iter().enumerate() {
        let out = b2.path(&format!("dl-{i}"));
        b2.ok(&["file", "download", "--quiet", uri, out.to_str().unwrap()]);
        let got = std::fs::read(&out).unwrap();
        assert_eq!(got.len(), want.len(), "{uri}");
        assert_eq!(sha1_hex(&got), sha1_hex(want), "{uri}");
        assert!(got == **want, "{uri}");
    }
    let info = b2.json(&["file", "info", &format!("b2id://{first_id}")]);
    assert_eq!(info["contentSha1"], sha1_hex(&small));
    assert_eq!(info["fileName"], "dir/small file ✓.bin");

    // Server-side copy of an old version, then of the large file.
    let copied = b2.json(&[
        "file",
        "server-side-copy",
        &format!("b2id://{first_id}"),
        "b2://compat-files/copies/old.bin",
    ]);
    assert_eq!(copied["contentSha1"], sha1_hex(&small));
    let copied = b2.json(&[
        "file",
        "copy-by-id",
        &large_id,
        "compat-files",
        "copies/large.bin",
    ]);
    assert_eq!(copied["size"], 3_500_000);
    for (name, want) in [("copies/old.bin", &small), ("copies/large.bin", &large)] {
        let out = b2.path("copy-dl");
        b2.ok(&[
            "file",
            "download",
            "--quiet",
            &format!("b2://compat-files/{name}"),
            out.to_str().unwrap(),
        ]);
        assert!(std::fs::read(&out).unwrap() == **want, "{name}");
    }
    assert_eq!(
        ls(&b2, &["-r", "b2://compat-files"]),
        [
            "copies/large.bin",
            "copies/old.bin",
            "dir/small file ✓.bin",
            "large.bin"
        ]
    );

    // Deleting one version makes the older one current again.
    b2.ok(&["delete-file-version", "dir/small file ✓.bin", &second_id]);
    let out = b2.path("after-delete");
    b2.ok(&[
        "file",
        "download",
        "--quiet",
        "b2://compat-files/dir/small file ✓.bin",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&out).unwrap() == small);
}

#[test]
fn b2cli_restricted_keys() {
    let Some((served, b2)) = setup() else { return };
    b2.ok(&["bucket", "create", "compat-keyed", "allPrivate"]);
    b2.ok(&["bucket", "create", "compat-other", "allPrivate"]);
    std::fs::write(b2.path("f.bin"), pseudo_random(1000, 4)).unwrap();
    b2.ok(&[
        "file",
        "upload",
        "--quiet",
        "compat-keyed",
        "f.bin",
        "outside/f.bin",
    ]);

    let created = b2.ok(&[
        "key",
        "create",
        "--bucket",
        "compat-keyed",
        "--name-prefix",
        "allowed/",
        "compat-limited",
        "listBuckets,listFiles,readFiles,writeFiles,deleteFiles",
    ]);
    let mut parts = created.split_whitespace();
    let (key_id, key) = (parts.next().unwrap(), parts.next().unwrap());
    let listed = b2.ok(&["key", "list", "--long"]);
    let line = listed
        .lines()
        .find(|l| l.starts_with(key_id))
        .unwrap_or_else(|| panic!("{key_id} not in:\n{listed}"));
    assert!(
        line.contains("compat-limited") && line.contains("compat-keyed"),
        "{line}"
    );
    assert!(line.contains("allowed/"), "{line}");

    let limited = B2::new(&b2.tool, &served, key_id, key);
    limited.authorize();
    let account = limited.json(&["account", "get"]);
    assert_eq!(account["allowed"]["namePrefix"], "allowed/", "{account}");
    std::fs::write(limited.path("g.bin"), pseudo_random(2000, 5)).unwrap();
    limited.ok(&[
        "file",
        "upload",
        "--quiet",
        "compat-keyed",
        "g.bin",
        "allowed/g.bin",
    ]);
    assert_eq!(
        ls(&limited, &["-r", "b2://compat-keyed/allowed/"]),
        ["allowed/g.bin"]
    );
    let out = limited.path("g.out");
    limited.ok(&[
        "file",
        "download",
        "--quiet",
        "b2://compat-keyed/allowed/g.bin",
        out.to_str().unwrap(),
    ]);
    assert!(std::fs::read(&out).unwrap() == pseudo_random(2000, 5));

    // Outside the prefix, in another bucket, or listing above the prefix: refused.
    let denied = limited.fails(&[
        "file",
        "upload",
        "--quiet",
        "compat-keyed",
        "g.bin",
        "g.bin",
    ]);
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(stderr.contains("unauthorized"), "{stderr}");
    limited.fails(&[
        "file",
        "upload",
        "--quiet",
        "compat-other",
        "g.bin",
        "allowed/g.bin",
    ]);
    limited.fails(&["ls", "-r", "b2://compat-keyed"]);
    limited.fails(&["ls", "b2://compat-other"]);
    limited.fails(&["bucket", "create", "compat-third", "allPrivate"]);
    limited.fails(&["key", "list"]);

    // Deleted keys are gone from the list and no longer authorize.
    b2.ok(&["key", "delete", key_id]);
    let listed = b2.ok(&["key", "list"]);
    assert!(!listed.contains(key_id), "{listed}");
    let fresh = B2::new(&b2.tool, &served, key_id, key);
    fresh.fails(&["account", "authorize"]);
}

#[test]
fn b2cli_sync_both_ways_and_unfinished_large_files() {
    let Some((served, b2)) = setup() else { return };
    b2.ok(&["bucket", "create", "compat-sync", "allPrivate"]);
    let src = b2.path("src");
    let files = [
        ("a.txt", pseudo_random(100, 30)),
        ("nested/naïve ✓ name.txt", pseudo_random(2000, 31)),
        ("nested/deeper/q?#;=@ + 100%.bin", pseudo_random(30_000, 32)),
        ("big.bin", pseudo_random(2_500_000, 33)),
    ];
    for (name, data) in &files {
        let path = src.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    let src_arg = src.to_str().unwrap();
    b2.ok(&["sync", "--no-progress", src_arg, "b2://compat-sync/up"]);
    assert_eq!(
        ls(&b2, &["-r", "b2://compat-sync"]),
        [
            "up/a.txt",
            "up/big.bin",
            "up/nested/deeper/q?#;=@ + 100%.bin",
            "up/nested/naïve ✓ name.txt"
        ]
    );
    // A changed file and a removed one: --delete leaves one version per remaining name.
    std::fs::write(src.join("a.txt"), b"changed").unwrap();
    std::fs::remove_file(src.join("big.bin")).unwrap();
    b2.ok(&[
        "sync",
        "--no-progress",
        "--delete",
        src_arg,
        "b2://compat-sync/up",
    ]);
    assert_eq!(ls(&b2, &["-r", "--versions", "b2://compat-sync"]).len(), 3);
    let back = b2.path("back");
    b2.ok(&[
        "sync",
        "--no-progress",
        "b2://compat-sync/up",
        back.to_str().unwrap(),
    ]);
    assert!(std::fs::read(back.join("a.txt")).unwrap() == b"changed");
    for (name, data) in &files[1..3] {
        assert!(std::fs::read(back.join(name)).unwrap() == *data, "{name}");
    }
    assert!(!back.join("big.bin").exists());

    // Unfinished large files: listed, then cancelled.
    let api = served::block_on(served::Api::authorize(&served.url));
    let bucket_id = served::block_on(api.bucket_id("compat-sync"));
    let started = served::block_on(api.ok(
        "b2_start_large_file",
        serde_json::json!({"bucketId": bucket_id, "fileName": "up/unfinished.bin",
                           "contentType": "b2/x-auto"}),
    ));
    let listed = b2.ok(&["file", "large", "unfinished", "list", "b2://compat-sync"]);
    assert!(
        listed.contains(started["fileId"].as_str().unwrap())
            && listed.contains("up/unfinished.bin"),
        "{listed}"
    );
    b2.ok(&["file", "large", "unfinished", "cancel", "b2://compat-sync"]);
    let listed = b2.ok(&["file", "large", "unfinished", "list", "b2://compat-sync"]);
    assert_eq!(listed.trim(), "");
}

#[test]
fn b2cli_notification_rules() {
    let Some((_served, b2)) = setup() else { return };
    b2.ok(&["bucket", "create", "compat-notify", "allPrivate"]);
    b2.ok(&[
        "bucket",
        "notification-rule",
        "create",
        "b2://compat-notify/incoming/",
        "compat-rule-one",
        "--event-type",
        "b2:ObjectCreated:*",
        "--webhook-url",
        "https://example.com/hook",
    ]);
    let rules = b2.json(&[
        "bucket",
        "notification-rule",
        "list",
        "--json",
        "b2://compat-notify",
    ]);
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0]["name"], "compat-rule-one");
    assert_eq!(rules[0]["objectNamePrefix"], "incoming/");
    assert_eq!(rules[0]["eventTypes"][0], "b2:ObjectCreated:*");
}
