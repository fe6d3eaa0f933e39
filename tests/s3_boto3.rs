//! boto3 (pinned, from PyPI) against the real `b2tui serve` binary through the
//! S3-compatible API, on the same store as the Native API: objects byte for byte, ranges,
//! listings, deletes as hide markers, presigned URLs, and B2's S3 key rules. Each test has
//! its own server. A missing boto3 fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use std::path::PathBuf;
use std::process::Command;

use b2tui::app::keys::caps::Preset;
use served::{KEY, KEY_ID, SKIP_ENV, Served, run};

/// The boto3 release these tests are written against.
const BOTO3: &str = "1.35.99";

/// A `python3` on PATH that imports boto3 at the pinned version.
fn python() -> Option<PathBuf> {
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&dirs) {
        let candidate = dir.join("python3");
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
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        eprintln!("skipped: boto3 {BOTO3} is not installed ({SKIP_ENV}=1)");
        return None;
    }
    panic!(
        "boto3 {BOTO3} is not installed; install it with `pip install boto3=={BOTO3}` \
         (scripts/test does), or set {SKIP_ENV}=1 to skip this test"
    );
}

/// Runs one scenario of `tests/s3/boto3_check.py` against a fresh server.
fn scenario(name: &str) {
    let Some(python) = python() else { return };
    let served = Served::start(&[]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/s3/boto3_check.py");
    let caps = Preset::S3Compatible.capabilities().join(",");
    let out = run(Command::new(python)
        .arg(script)
        .args([name, &served.url, KEY_ID, KEY, &caps]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim_end().ends_with(&format!("ok {name}")),
        "boto3 scenario {name} failed:\nstdout:\n{stdout}\nstderr:\n{}\nserver:\n{}",
        String::from_utf8_lossy(&out.stderr),
        served.stderr()
    );
}

#[test]
fn boto3_objects_round_trip_through_both_apis() {
    scenario("objects");
}

#[test]
fn boto3_key_rules_as_b2() {
    scenario("keys");
}

#[test]
fn boto3_clock_skew_and_presigned_expiry() {
    scenario("clock");
}
