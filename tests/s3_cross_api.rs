//! One object, two APIs, on the real `b2tui serve`: a b2 CLI upload reads back with boto3,
//! boto3 and `aws s3 cp` puts download with the b2 CLI, byte for byte and with B2's SHA-1,
//! all with one "S3-compatible" key. A missing tool fails unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::path::{Path, PathBuf};
use std::process::Command;

use served::s3::{bucket_and_key, check_on};
use served::{Served, pseudo_random, run_ok, sha1_hex, stdout_of};

const BUCKET: &str = "cross-api";

struct Cross {
    served: Served,
    b2: PathBuf,
    key_id: String,
    key: String,
    dir: tempfile::TempDir,
}

impl Cross {
    fn start() -> Option<Cross> {
        let b2 = served::b2_cli()?;
        let served = Served::start(&[]);
        let (key_id, key) = bucket_and_key(&served, BUCKET);
        Some(Cross {
            served,
            b2,
            key_id,
            key,
            dir: tempfile::tempdir().unwrap(),
        })
    }

    /// `b2 ARGS` with the key, on the server, failing the test unless it exits 0.
    fn b2(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(&self.b2);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("B2_ENVIRONMENT", &self.served.url)
            .env("B2_ACCOUNT_INFO", self.dir.path().join("account.sqlite"))
            .env("B2_APPLICATION_KEY_ID", &self.key_id)
            .env("B2_APPLICATION_KEY", &self.key)
            .env("NO_COLOR", "1");
        stdout_of(&run_ok(&mut cmd))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Downloads `name` with the b2 CLI: its bytes, and the SHA-1 B2 keeps for it.
    fn b2_download(&self, name: &str) -> (Vec<u8>, String) {
        let out = self.path("b2-down.bin");
        let uri = format!("b2://{BUCKET}/{name}");
        self.b2(&["file", "download", "--quiet", &uri, out.to_str().unwrap()]);
        let info: serde_json::Value =
            serde_json::from_str(&self.b2(&["file", "info", &uri])).unwrap();
        let sha1 = info["contentSha1"].as_str().unwrap_or_default().to_owned();
        (std::fs::read(out).unwrap(), sha1)
    }

    /// A boto3 scenario of snippets_check.py with the key, on `name` and `file`.
    fn boto3(&self, scenario: &str, name: &str, file: &Path) {
        let Some(python) = served::s3::python() else {
            return;
        };
        check_on(
            &python,
            &self.served,
            "snippets_check.py",
            scenario,
            &[
                &self.key_id,
                &self.key,
                BUCKET,
                name,
                file.to_str().unwrap(),
            ],
        );
    }
}

#[test]
fn a_b2_cli_upload_reads_back_through_boto3() {
    let Some(cross) = Cross::start() else { return };
    let data = pseudo_random(1_300_000, 41);
    let file = cross.path("from-b2.bin");
    std::fs::write(&file, &data).unwrap();
    let name = "cross/from b2 cli ü.bin";
    let up = cross.b2(&[
        "file",
        "upload",
        "--quiet",
        BUCKET,
        file.to_str().unwrap(),
        name,
    ]);
    let up: serde_json::Value = serde_json::from_str(&up).unwrap();
    assert_eq!(up["contentSha1"], sha1_hex(&data), "{up}");
    cross.boto3("get", name, &file);
}

#[test]
fn a_boto3_put_downloads_with_the_b2_cli() {
    let Some(cross) = Cross::start() else { return };
    if served::s3::python().is_none() {
        return;
    }
    let data = pseudo_random(900_000, 42);
    let file = cross.path("from-boto3.bin");
    std::fs::write(&file, &data).unwrap();
    let name = "cross/from boto3 ü.bin";
    cross.boto3("put", name, &file);
    let (back, sha1) = cross.b2_download(name);
    assert_eq!(back.len(), data.len());
    assert_eq!(sha1_hex(&back), sha1_hex(&data), "bytes");
    assert_eq!(sha1, sha1_hex(&data), "the SHA-1 B2 keeps");
}

#[test]
fn an_aws_cli_copy_downloads_with_the_b2_cli() {
    let Some(cross) = Cross::start() else { return };
    let Some(aws) = served::aws_cli() else { return };
    let data = pseudo_random(2_100_000, 43);
    let file = cross.path("from-aws.bin");
    std::fs::write(&file, &data).unwrap();
    let name = "cross/from aws ü.bin";
    run_ok(
        served::aws_command(&aws, cross.dir.path())
            .env("AWS_ACCESS_KEY_ID", &cross.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &cross.key)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .args(["--endpoint-url", &cross.served.url, "s3", "cp"])
            .arg(&file)
            .arg(format!("s3://{BUCKET}/{name}")),
    );
    let (back, sha1) = cross.b2_download(name);
    assert_eq!(sha1_hex(&back), sha1_hex(&data), "bytes");
    assert_eq!(sha1, sha1_hex(&data), "the SHA-1 B2 keeps");
}
