//! The AWS CLI v1 (botocore as boto3's) on the real `b2tui serve` with `--endpoint-url`:
//! `aws s3 cp/ls/sync/rm` byte for byte, names with spaces and non-ASCII letters, a 20 MiB
//! multipart upload. A missing `aws` fails unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::path::{Path, PathBuf};
use std::process::Output;

use served::s3::bucket_and_key;
use served::{Api, Served, block_on, pseudo_random, run, run_ok, sha1_hex, stdout_of};

/// The CLI on a fresh server, with a bucket and an "S3-compatible" key on it.
struct Aws {
    tool: PathBuf,
    served: Served,
    bucket: String,
    key_id: String,
    key: String,
    home: tempfile::TempDir,
}

impl Aws {
    fn start(bucket: &str) -> Option<Aws> {
        let tool = served::aws_cli()?;
        let served = Served::start(&[]);
        let (key_id, key) = bucket_and_key(&served, bucket);
        Some(Aws {
            tool,
            served,
            bucket: bucket.to_owned(),
            key_id,
            key,
            home: tempfile::tempdir().unwrap(),
        })
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = served::aws_command(&self.tool, self.home.path());
        cmd.current_dir(self.home.path())
            .env("AWS_ACCESS_KEY_ID", &self.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.key)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .args(["--endpoint-url", &self.served.url])
            .args(args);
        cmd
    }

    /// Runs `aws ARGS`, failing the test (with the server's log) unless it exits 0.
    fn ok(&self, args: &[&str]) -> String {
        let out = run(&mut self.command(args));
        assert!(
            out.status.success(),
            "aws {args:?} failed:\nstdout:\n{}\nstderr:\n{}\nserver:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.served.stderr()
        );
        stdout_of(&out)
    }

    fn remote(&self, name: &str) -> String {
        format!("s3://{}/{name}", self.bucket)
    }

    fn local(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// Object names under `prefix`, from `aws s3 ls --recursive` (which exits 1, saying
    /// nothing, when it finds none).
    fn names(&self, prefix: &str) -> Vec<String> {
        let args = ["s3", "ls", "--recursive", &self.remote(prefix)];
        let out = run(&mut self.command(&args));
        if out.status.code() == Some(1) && out.stdout.is_empty() && out.stderr.is_empty() {
            return Vec::new();
        }
        let listed = self.ok(&args);
        // "2026-12-05 06:13:34     300000 name with spaces"
        let mut names: Vec<String> = listed
            .lines()
            .filter_map(|l| l.get(19..))
            .filter_map(|rest| rest.trim_start().split_once(' ').map(|(_, n)| n))
            .map(str::to_owned)
            .collect();
        names.sort();
        names
    }
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, data).unwrap();
}

/// Up with `cp`, down again, byte for byte; the object's B2 SHA-1 is the file's.
fn cp_round_trip(aws: &Aws, name: &str, data: &[u8]) -> Output {
    let up = aws.local("up.bin");
    let down = aws.local("down.bin");
    write(&up, data);
    aws.ok(&["s3", "cp", up.to_str().unwrap(), &aws.remote(name)]);
    aws.ok(&["s3", "cp", &aws.remote(name), down.to_str().unwrap()]);
    let back = std::fs::read(&down).unwrap();
    assert_eq!(back.len(), data.len(), "{name}: size");
    assert_eq!(sha1_hex(&back), sha1_hex(data), "{name}: bytes");
    run_ok(&mut aws.command(&[
        "s3api",
        "head-object",
        "--bucket",
        &aws.bucket,
        "--key",
        name,
    ]))
}

#[test]
fn awscli_cp_ls_sync_rm_round_trip() {
    let Some(aws) = Aws::start("awscli-round-trip") else {
        return;
    };
    let listed = aws.ok(&["s3", "ls"]);
    assert!(listed.contains("awscli-round-trip"), "{listed}");
    let data = pseudo_random(1_500_000, 11);
    let head = stdout_of(&cp_round_trip(&aws, "cp/data.bin", &data));
    assert!(head.contains("\"ContentLength\": 1500000"), "{head}");

    let folder = aws.local("folder");
    write(&folder.join("a.txt"), b"alpha\n");
    write(&folder.join("deep/er/b.bin"), &pseudo_random(70_000, 12));
    write(&folder.join("empty.txt"), b"");
    aws.ok(&["s3", "sync", folder.to_str().unwrap(), &aws.remote("sync")]);
    assert_eq!(
        aws.names("sync/"),
        ["sync/a.txt", "sync/deep/er/b.bin", "sync/empty.txt"]
    );
    // A second sync has nothing to send.
    let again = aws.ok(&["s3", "sync", folder.to_str().unwrap(), &aws.remote("sync")]);
    assert!(!again.contains("upload:"), "{again}");
    let back = aws.local("back");
    aws.ok(&["s3", "sync", &aws.remote("sync"), back.to_str().unwrap()]);
    for name in ["a.txt", "deep/er/b.bin", "empty.txt"] {
        assert_eq!(
            std::fs::read(back.join(name)).unwrap(),
            std::fs::read(folder.join(name)).unwrap(),
            "{name}"
        );
    }

    aws.ok(&["s3", "rm", &aws.remote("cp/data.bin")]);
    assert!(aws.names("cp/").is_empty());
    aws.ok(&["s3", "rm", "--recursive", &aws.remote("sync/deep")]);
    assert_eq!(aws.names("sync/"), ["sync/a.txt", "sync/empty.txt"]);
    let missing = run(&mut aws.command(&["s3", "cp", &aws.remote("cp/data.bin"), "-"]));
    assert!(!missing.status.success(), "a removed object is gone");
}

#[test]
fn awscli_names_with_spaces_and_unicode() {
    let Some(aws) = Aws::start("awscli-names") else {
        return;
    };
    let names = [
        "with space/file name.txt",
        "ünïcödé/日本語 ファイル.bin",
        "plus+and&amp=/x%20y.txt",
    ];
    for (i, name) in names.iter().enumerate() {
        cp_round_trip(&aws, name, &pseudo_random(10_000 + i, 20 + i as u64));
    }
    let mut want: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    want.sort();
    assert_eq!(aws.names(""), want);
    aws.ok(&["s3", "rm", &aws.remote(names[1])]);
    assert_eq!(aws.names("ünïcödé/"), Vec::<String>::new());
}

/// 20 MiB: past the CLI's 8 MiB threshold, so it is sent as an S3 multipart upload.
#[test]
fn awscli_twenty_mib_file_goes_up_in_parts() {
    let Some(aws) = Aws::start("awscli-large") else {
        return;
    };
    let data = pseudo_random(20 * 1024 * 1024, 30);
    let head = stdout_of(&cp_round_trip(&aws, "large/twenty.bin", &data));
    assert!(head.contains("\"ContentLength\": 20971520"), "{head}");
    // Stored as one B2 large file (B2 keeps no whole-file SHA-1 for one sent in parts).
    let versions = block_on(async {
        let api = Api::authorize(&aws.served.url).await;
        let bucket_id = api.bucket_id(&aws.bucket).await;
        api.ok(
            "b2_list_file_versions",
            serde_json::json!({"bucketId": bucket_id, "prefix": "large/"}),
        )
        .await
    });
    let files = versions["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{versions}");
    assert_eq!(files[0]["contentLength"], 20_971_520, "{versions}");
    assert_eq!(files[0]["contentSha1"], "none", "{versions}");
}
