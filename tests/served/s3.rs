//! Python S3 check scripts (`tests/s3/*.py`, boto3 pinned) run against a fresh server.

use std::path::PathBuf;
use std::process::Command;

use b2tui::app::keys::caps::Preset;

use super::{Api, KEY, KEY_ID, Served, run};

/// The boto3 release the check scripts are written against.
pub const BOTO3: &str = "1.35.99";

/// A `python3` on PATH that imports boto3 at the pinned version, or None when it is
/// missing and skipping is allowed.
pub fn python() -> Option<PathBuf> {
    for candidate in super::candidates("python3", &[]) {
        let Ok(out) = Command::new(&candidate)
            .args(["-c", "import boto3; print(boto3.__version__)"])
            .output()
        else {
            continue;
        };
        if out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == BOTO3 {
            return Some(candidate);
        }
    }
    super::missing(
        &format!("boto3 {BOTO3}"),
        &format!("pip install boto3=={BOTO3}"),
    )
}

/// Runs scenario `name` of `tests/s3/{script}` against a fresh server started with
/// `serve_args`; keys it creates get the "S3-compatible" preset's capabilities.
pub fn scenario_with(script: &str, name: &str, serve_args: &[&str]) {
    let Some(python) = python() else { return };
    let served = Served::start(serve_args);
    check_on(&python, &served, script, name, &[]);
}

/// [`scenario_with`] on a server with no extra flags.
pub fn scenario(script: &str, name: &str) {
    scenario_with(script, name, &[]);
}

/// Runs scenario `name` of `tests/s3/{script}` against the running `served`, with `extra`
/// arguments after the usual ones; fails the test unless it says `ok NAME`.
pub fn check_on(
    python: &std::path::Path,
    served: &Served,
    script: &str,
    name: &str,
    extra: &[&str],
) {
    let path = format!("{}/tests/s3/{script}", env!("CARGO_MANIFEST_DIR"));
    let caps = Preset::S3Compatible.capabilities().join(",");
    let out = run(Command::new(python)
        .arg(path)
        .args([name, &served.url, KEY_ID, KEY, &caps])
        .args(extra));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim_end().ends_with(&format!("ok {name}")),
        "{script} scenario {name} failed:\nstdout:\n{stdout}\nstderr:\n{}\nserver:\n{}",
        String::from_utf8_lossy(&out.stderr),
        served.stderr()
    );
}

/// Creates `bucket` on `served` and a key restricted to it with the "S3-compatible"
/// preset's capabilities; its id and secret.
pub fn bucket_and_key(served: &Served, bucket: &str) -> (String, String) {
    super::block_on(async {
        let api = Api::authorize(&served.url).await;
        let made = private_bucket(&api, bucket).await;
        let key = api
            .ok(
                "b2_create_key",
                serde_json::json!({
                    "accountId": api.account_id,
                    "keyName": "s3-preset",
                    "capabilities": Preset::S3Compatible.capabilities(),
                    "bucketId": made["bucketId"],
                }),
            )
            .await;
        let text = |field: &str| {
            key[field]
                .as_str()
                .unwrap_or_else(|| panic!("no {field} in {key}"))
                .to_owned()
        };
        (text("applicationKeyId"), text("applicationKey"))
    })
}

/// Creates the private bucket `name` through the Native API; b2_create_bucket's answer.
pub async fn private_bucket(api: &Api, name: &str) -> serde_json::Value {
    api.ok(
        "b2_create_bucket",
        serde_json::json!({
            "accountId": api.account_id,
            "bucketName": name,
            "bucketType": "allPrivate",
        }),
    )
    .await
}
