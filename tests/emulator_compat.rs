//! Local B2 behaviours that the official clients (b2 CLI / b2sdk, rclone) exposed, each
//! checked over raw HTTP so that it holds even where those tools are not installed.

mod common;

use serde_json::json;

/// b2_delete_file_version on an unfinished large file acts as b2_cancel_large_file
/// (B2 docs); `rclone cleanup` removes stale unfinished uploads this way.
#[tokio::test]
async fn delete_file_version_cancels_an_unfinished_large_file() {
    let local = common::start().await;
    let bucket = local.create_bucket("unfinished-bkt", "allPrivate").await;
    let (status, started) = local
        .api(
            "b2_start_large_file",
            json!({"bucketId": bucket.as_str(), "fileName": "stale.bin", "contentType": "b2/x-auto"}),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    let file_id = started["fileId"].as_str().expect("fileId").to_owned();
    let (status, part_url) = local
        .api("b2_get_upload_part_url", json!({"fileId": file_id}))
        .await;
    assert_eq!(status, 200, "{part_url}");

    let (status, deleted) = local
        .api(
            "b2_delete_file_version",
            json!({"fileName": "stale.bin", "fileId": file_id}),
        )
        .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted, json!({"fileId": file_id, "fileName": "stale.bin"}));

    let (status, unfinished) = local
        .api(
            "b2_list_unfinished_large_files",
            json!({"bucketId": bucket.as_str()}),
        )
        .await;
    assert_eq!(status, 200, "{unfinished}");
    assert_eq!(unfinished["files"], json!([]));
    let (status, versions) = local
        .api(
            "b2_list_file_versions",
            json!({"bucketId": bucket.as_str()}),
        )
        .await;
    assert_eq!(status, 200, "{versions}");
    assert_eq!(versions["files"], json!([]));
    // The part upload URL of a cancelled file no longer takes parts.
    let resp = reqwest::Client::new()
        .post(part_url["uploadUrl"].as_str().expect("uploadUrl"))
        .header(
            "Authorization",
            part_url["authorizationToken"].as_str().expect("token"),
        )
        .header("X-Bz-Part-Number", "1")
        .header(
            "X-Bz-Content-Sha1",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
        )
        .body("abc")
        .send()
        .await
        .expect("upload part");
    assert!(resp.status().is_client_error(), "{}", resp.status());
    // A second delete of the same id finds nothing.
    let (status, again) = local
        .api(
            "b2_delete_file_version",
            json!({"fileName": "stale.bin", "fileId": file_id}),
        )
        .await;
    assert_eq!(
        (status, again["code"].clone()),
        (400, json!("file_not_present"))
    );
}
