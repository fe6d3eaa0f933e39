//! boto3 (pinned, from PyPI) against the real `b2tui serve` binary through the
//! S3-compatible API, on the same store as the Native API: objects byte for byte, ranges,
//! listings, deletes as hide markers, presigned URLs, and B2's S3 key rules. Each test has
//! its own server. A missing boto3 fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use served::s3::scenario;

fn check(name: &str) {
    scenario("boto3_check.py", name);
}

#[test]
fn boto3_objects_round_trip_through_both_apis() {
    check("objects");
}

#[test]
fn boto3_key_rules_as_b2() {
    check("keys");
}

#[test]
fn boto3_clock_skew_and_presigned_expiry() {
    check("clock");
}
