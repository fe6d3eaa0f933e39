//! boto3 (pinned, from PyPI) against the real `b2tui serve` binary: the bucket-level S3
//! operations -- ListObjects V1 and ListObjectVersions with paging, DeleteObjects,
//! CreateBucket and DeleteBucket, ACLs, bucket encryption, Object Lock -- and
//! virtual-hosted requests with `--s3-host`. Each test has its own server. A missing boto3
//! fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use served::s3::{scenario, scenario_with};

fn check(name: &str) {
    scenario("buckets_check.py", name);
}

#[test]
fn boto3_lists_objects_v1_and_versions_with_paging() {
    scenario("listing_check.py", "listing");
}

#[test]
fn boto3_delete_objects_judges_each_key() {
    scenario("listing_check.py", "delete_objects");
}

#[test]
fn boto3_creates_deletes_and_configures_buckets() {
    check("buckets");
}

#[test]
fn boto3_object_lock_retention_and_legal_hold() {
    check("lock");
}

#[test]
fn boto3_virtual_hosted_requests() {
    scenario_with(
        "buckets_check.py",
        "virtual_hosted",
        &["--s3-host", "s3.localhost"],
    );
}
