//! boto3 (pinned) and plain unsigned HTTP against the real `b2tui serve` binary: what S3
//! object writes and reads offer beyond the basics — SSE-B2 and SSE-C, Object Lock given on
//! writes and the bucket's default retention, `If-None-Match` / `If-Match` writes, reads of
//! one part, public buckets read without a signature, and ListBuckets' CreationDate. Each
//! test has its own server. A missing boto3 fails the test unless B2TUI_SKIP_COMPAT=1.

mod served;

use served::s3::scenario_with;

/// Parts as small as a byte, so multipart checks stay small.
const SMALL_PARTS: &[&str] = &["--min-part-size", "1"];

fn check(name: &str) {
    scenario_with("objects2_check.py", name, SMALL_PARTS);
}

#[test]
fn s3_server_side_encryption_b2_and_customer_keys() {
    check("sse");
}

#[test]
fn s3_object_lock_on_writes_and_default_retention() {
    check("lock");
}

#[test]
fn s3_conditional_puts_and_completes() {
    check("conditional");
}

#[test]
fn s3_reads_of_one_part() {
    check("parts");
}

#[test]
fn s3_public_buckets_read_without_a_signature() {
    scenario_with(
        "objects2_check.py",
        "public",
        &["--s3-host", "s3.localhost"],
    );
}

#[test]
fn s3_list_buckets_creation_date() {
    check("created");
}
