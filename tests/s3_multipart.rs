//! Object writes through the S3-compatible API of the real `b2tui serve` binary, with
//! boto3 (pinned) and hand-signed requests: multipart uploads as B2 large files (seen
//! through the Native API), UploadPartCopy, CopyObject, conditional reads and aws-chunked
//! bodies (signed chunk by chunk, or unsigned with a checksum trailer). Each test has its
//! own server. A missing boto3 fails the test unless B2TUI_SKIP_COMPAT=1.

#![allow(clippy::unwrap_used)]

mod served;

use served::s3::scenario;

fn check(name: &str) {
    scenario("multipart_check.py", name);
}

#[test]
fn multipart_upload_is_a_b2_large_file() {
    check("multipart");
}

#[test]
fn multipart_listings_page_and_abort_cancels() {
    check("listing");
}

#[test]
fn multipart_errors_and_upload_part_copy() {
    check("errors");
}

#[test]
fn copy_object_directives_conditions_and_keys() {
    check("copy");
}

#[test]
fn conditional_reads_304_and_412() {
    check("conditional");
}

#[test]
fn streaming_bodies_signed_chunks_and_trailers() {
    scenario("streaming_check.py", "streaming");
}
