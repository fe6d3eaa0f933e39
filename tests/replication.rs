//! Cloud Replication in the local B2 over HTTP: configuration (validation, echo, the read
//! and write capabilities), copies of uploads, copies, large files and hides into the
//! destination bucket with the destination key, the statuses on both sides, a destination
//! key that cannot write, existing files, and durability across a restart.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use b2tui::emulator::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

mod common;

use common::raw::{Session, admin, assert_error, sha1_hex, spawn_with};
use common::replication::{
    DEST_CAPS, SOURCE_CAPS, deliver, find, key, manual, pair, pair_that_cannot_write, rule,
    set_replication, spawn, versions,
};

#[tokio::test]
async fn uploads_copies_and_hides_replicate_with_statuses() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("to-dest", "", "docs/")]).await;

    // The configuration is echoed on both buckets.
    let listed = m
        .ok("b2_list_buckets", json!({"accountId": m.account_id}))
        .await;
    let src_bucket = listed["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucketId"] == p.src)
        .unwrap();
    let config = &src_bucket["replicationConfiguration"];
    assert_eq!(config["isClientAuthorizedToRead"], true);
    assert_eq!(
        config["value"]["asReplicationSource"]["replicationRules"][0],
        json!({"destinationBucketId": p.dst, "fileNamePrefix": "docs/", "includeExistingFiles": false,
               "isEnabled": true, "priority": 1, "replicationRuleName": "to-dest"})
    );
    assert_eq!(
        config["value"]["asReplicationSource"]["sourceApplicationKeyId"],
        p.src_key
    );
    assert_eq!(config["value"]["asReplicationDestination"], Value::Null);

    // An upload under the prefix is pending; one outside has no status.
    let data: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let (status, up) = m
        .upload_with(
            &p.src,
            "docs/report.bin",
            &data,
            &[("X-Bz-Info-author", "ann")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!(up["replicationStatus"], "pending", "{up}");
    let other = m.upload(&p.src, "misc/other.txt", b"not replicated").await;
    assert!(other.get("replicationStatus").is_none(), "{other}");
    let copied = m
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": up["fileId"], "fileName": "docs/copy.bin"}),
        )
        .await;
    assert_eq!(copied["replicationStatus"], "pending", "{copied}");

    let report = deliver(&emu).await;
    assert_eq!(report["replicated"], 2, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["queued"], 0, "{report}");

    let src_files = versions(&m, &p.src).await;
    assert_eq!(
        find(&src_files, "docs/report.bin", "upload")["replicationStatus"],
        "completed"
    );
    assert_eq!(
        find(&src_files, "docs/copy.bin", "upload")["replicationStatus"],
        "completed"
    );
    assert!(
        find(&src_files, "misc/other.txt", "upload")
            .get("replicationStatus")
            .is_none()
    );

    // The destination key sees the replicas: same name, content, type, info, timestamp.
    let dst_files = versions(&p.dst_session, &p.dst).await;
    assert_eq!(dst_files.len(), 2, "{dst_files:?}");
    let replica = find(&dst_files, "docs/report.bin", "upload");
    assert_eq!(replica["replicationStatus"], "replica");
    assert_ne!(replica["fileId"], up["fileId"]);
    assert_eq!(replica["bucketId"], p.dst);
    for field in [
        "contentSha1",
        "contentLength",
        "contentType",
        "fileInfo",
        "uploadTimestamp",
    ] {
        assert_eq!(replica[field], up[field], "{field}");
    }

    let resp = p
        .dst_session
        .download("/file/repl-dest/docs/report.bin")
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-bz-replication-status"], "replica");
    assert_eq!(resp.headers()["x-bz-info-author"], "ann");
    let body = resp.bytes().await.unwrap();
    assert_eq!(sha1_hex(&body), sha1_hex(&data));
    assert_eq!(body.as_ref(), data.as_slice());
    let resp = m.download("/file/repl-source/docs/report.bin").await;
    assert_eq!(resp.headers()["x-bz-replication-status"], "completed");
    let resp = m.download("/file/repl-source/misc/other.txt").await;
    assert!(resp.headers().get("x-bz-replication-status").is_none());

    // A hide marker replicates as a hide marker; deleting a version does not replicate.
    let hidden = m
        .ok(
            "b2_hide_file",
            json!({"bucketId": p.src, "fileName": "docs/report.bin"}),
        )
        .await;
    assert_eq!(hidden["replicationStatus"], "pending");
    m.ok(
        "b2_delete_file_version",
        json!({"fileId": copied["fileId"], "fileName": "docs/copy.bin"}),
    )
    .await;
    let report = deliver(&emu).await;
    assert_eq!(report["replicated"], 1, "{report}");
    let dst_files = versions(&p.dst_session, &p.dst).await;
    let marker = find(&dst_files, "docs/report.bin", "hide");
    assert_eq!(marker["replicationStatus"], "replica");
    assert_eq!(marker["uploadTimestamp"], hidden["uploadTimestamp"]);
    find(&dst_files, "docs/copy.bin", "upload");
    let src_files = versions(&m, &p.src).await;
    assert_eq!(
        find(&src_files, "docs/report.bin", "hide")["replicationStatus"],
        "completed"
    );

    // The replica itself is not replicated again, and the queue is empty.
    assert_eq!(deliver(&emu).await["replicated"], 0);
}

#[tokio::test]
async fn large_files_replicate_byte_for_byte() {
    let config = Config {
        absolute_minimum_part_size: 5,
        recommended_part_size: 5,
        ..manual()
    };
    let emu = spawn_with(config).await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("all", "", "")]).await;
    let started = m
        .ok(
            "b2_start_large_file",
            json!({"bucketId": p.src, "fileName": "big.bin", "contentType": "application/octet-stream"}),
        )
        .await;
    let file_id = started["fileId"].as_str().unwrap();
    let parts: [&[u8]; 2] = [b"first-part-", b"second"];
    let mut sha1s = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let url = m
            .ok("b2_get_upload_part_url", json!({"fileId": file_id}))
            .await;
        let resp = m
            .http
            .post(url["uploadUrl"].as_str().unwrap())
            .header("Authorization", url["authorizationToken"].as_str().unwrap())
            .header("X-Bz-Part-Number", (i + 1).to_string())
            .header("X-Bz-Content-Sha1", sha1_hex(part))
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        sha1s.push(sha1_hex(part));
    }
    let finished = m
        .ok(
            "b2_finish_large_file",
            json!({"fileId": file_id, "partSha1Array": sha1s}),
        )
        .await;
    assert_eq!(finished["replicationStatus"], "pending");
    assert_eq!(deliver(&emu).await["replicated"], 1);
    let resp = p.dst_session.download("/file/repl-dest/big.bin").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"first-part-second");
}

#[tokio::test]
async fn a_destination_key_that_cannot_write_fails_the_copy() {
    let (emu, m, p) = pair_that_cannot_write().await;
    let up = m.upload(&p.src, "a.txt", b"a").await;
    assert_eq!(up["replicationStatus"], "pending");
    let report = deliver(&emu).await;
    assert_eq!(report["failed"], 1, "{report}");
    assert_eq!(report["replicated"], 0, "{report}");
    let src_files = versions(&m, &p.src).await;
    assert_eq!(
        find(&src_files, "a.txt", "upload")["replicationStatus"],
        "failed"
    );
    assert!(versions(&m, &p.dst).await.is_empty());
    let resp = m.download("/file/repl-source/a.txt").await;
    assert_eq!(resp.headers()["x-bz-replication-status"], "failed");
}

#[tokio::test]
async fn existing_files_replicate_when_the_rule_includes_them() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 4).await;
    let src = m.create_private_bucket("old-source").await;
    let dst = m.create_private_bucket("old-dest").await;
    m.upload(&src, "before.txt", b"uploaded before the rule")
        .await;
    m.upload(&src, "skip/x.txt", b"outside the prefix").await;
    let (src_key, _) = key(&m, "s", &src, &SOURCE_CAPS).await;
    let (dst_key, _) = key(&m, "d", &dst, &DEST_CAPS).await;
    let (status, v) = set_replication(
        &m,
        &dst,
        json!({"asReplicationDestination": {"sourceToDestinationKeyMapping": {&src_key: &dst_key}}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let mut r = rule("old", &dst, "b");
    r["includeExistingFiles"] = json!(true);
    let (status, v) = set_replication(
        &m,
        &src,
        json!({"asReplicationSource": {"sourceApplicationKeyId": src_key, "replicationRules": [r]}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let src_files = versions(&m, &src).await;
    assert_eq!(
        find(&src_files, "before.txt", "upload")["replicationStatus"],
        "pending"
    );
    assert_eq!(deliver(&emu).await["replicated"], 1);
    let dst_files = versions(&m, &dst).await;
    assert_eq!(dst_files.len(), 1, "{dst_files:?}");
    assert_eq!(dst_files[0]["fileName"], "before.txt");
    assert_eq!(dst_files[0]["replicationStatus"], "replica");
}

#[tokio::test]
async fn configurations_are_validated_as_b2_does() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 4).await;
    let src = m.create_private_bucket("v-source").await;
    let dst = m.create_private_bucket("v-dest").await;
    let (src_key, _) = key(&m, "s", &src, &SOURCE_CAPS).await;
    let (dst_only, _) = key(&m, "d", &dst, &DEST_CAPS).await;
    let (no_read, _) = key(&m, "nr", &src, &["listFiles"]).await;
    let source = |rules: Value| json!({"asReplicationSource": {"sourceApplicationKeyId": src_key, "replicationRules": rules}});
    let bad = |mut r: Value, field: &str, value: Value| {
        r[field] = value;
        source(json!([r]))
    };
    let good = rule("ok", &dst, "");
    for config in [
        bad(good.clone(), "replicationRuleName", json!("has space")),
        bad(good.clone(), "replicationRuleName", json!("x".repeat(65))),
        bad(good.clone(), "priority", json!(0)),
        bad(good.clone(), "priority", json!(2_147_483_648_i64)),
        bad(good.clone(), "isEnabled", json!("yes")),
        bad(
            good.clone(),
            "destinationBucketId",
            json!("0000000000000000deadbeef"),
        ),
        bad(good.clone(), "destinationBucketId", json!(src)),
        source(json!([good.clone(), good.clone()])),
        source(json!([
            rule("a", &dst, "a"),
            rule("b", &dst, "b"),
            rule("c", &dst, "c")
        ])),
        json!({"asReplicationSource": {"sourceApplicationKeyId": "nosuchkey", "replicationRules": []}}),
        json!({"asReplicationSource": {"sourceApplicationKeyId": no_read, "replicationRules": []}}),
        json!({"asReplicationSource": {"sourceApplicationKeyId": dst_only, "replicationRules": []}}),
        json!({"asReplicationDestination": {"sourceToDestinationKeyMapping": {"x": "nosuchkey"}}}),
        json!({"asReplicationDestination": {"sourceToDestinationKeyMapping": {"x": dst_only}}}),
        json!({"somethingElse": {}}),
        json!([1]),
    ] {
        let got = set_replication(&m, &src, config.clone()).await;
        assert_eq!(got.0, StatusCode::BAD_REQUEST, "{config}: {}", got.1);
        assert_eq!(got.1["code"], "bad_request", "{config}");
    }
    let (status, v) = set_replication(&m, &src, source(json!([good.clone()]))).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["revision"], 2);

    // Object Lock: a source cannot turn it on; a locked source needs a locked destination.
    let got = m
        .call(
            "b2_update_bucket",
            json!({"accountId": m.account_id, "bucketId": src, "fileLockEnabled": true}),
        )
        .await;
    assert_error(&got, 400, "source_replication_conflict");
    let locked = m.create_lock_bucket("v-locked", "allPrivate", true).await;
    let (locked_key, _) = key(&m, "l", &locked, &SOURCE_CAPS).await;
    let got = set_replication(
        &m,
        &locked,
        json!({"asReplicationSource": {"sourceApplicationKeyId": locked_key,
                                       "replicationRules": [rule("l", &dst, "")]}}),
    )
    .await;
    assert_error(&got, 400, "source_replication_conflict");

    // Writing needs writeBucketReplications; reading needs readBucketReplications.
    let (k, secret) = {
        let created = m
            .ok(
                "b2_create_key",
                json!({"accountId": m.account_id, "keyName": "buckets",
                       "capabilities": ["listBuckets", "writeBuckets"]}),
            )
            .await;
        (
            created["applicationKeyId"].as_str().unwrap().to_string(),
            created["applicationKey"].as_str().unwrap().to_string(),
        )
    };
    let plain = Session::new_v(&emu.url, &k, &secret, 4).await;
    let cleared = json!({"asReplicationSource": null, "asReplicationDestination": null});
    let got = set_replication(&plain, &src, cleared.clone()).await;
    assert_eq!(got.0, StatusCode::UNAUTHORIZED, "{}", got.1);
    let listed = plain
        .ok(
            "b2_list_buckets",
            json!({"accountId": m.account_id, "bucketId": src}),
        )
        .await;
    assert_eq!(
        listed["buckets"][0]["replicationConfiguration"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );

    // Both sides null clears the configuration.
    let (status, v) = set_replication(&m, &src, cleared).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["replicationConfiguration"]["value"], Value::Null);
}

#[tokio::test]
async fn the_queue_and_configuration_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(data.path().to_path_buf()),
        ..manual()
    };
    let emu = spawn_with(config.clone()).await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("keep", "", "")]).await;
    let up = m.upload(&p.src, "kept.txt", b"kept").await;
    assert_eq!(up["replicationStatus"], "pending");
    emu.shutdown().await;

    let emu = spawn_with(config).await;
    let m = Session::master_v(&emu, 4).await;
    let bucket = m
        .ok(
            "b2_list_buckets",
            json!({"accountId": m.account_id, "bucketId": p.src}),
        )
        .await;
    assert_eq!(
        bucket["buckets"][0]["replicationConfiguration"]["value"]["asReplicationSource"]["replicationRules"]
            [0]["replicationRuleName"],
        "keep"
    );
    assert_eq!(deliver(&emu).await["replicated"], 1);
    let dst_files = versions(&m, &p.dst).await;
    assert_eq!(
        find(&dst_files, "kept.txt", "upload")["replicationStatus"],
        "replica"
    );
    let src_files = versions(&m, &p.src).await;
    assert_eq!(
        find(&src_files, "kept.txt", "upload")["replicationStatus"],
        "completed"
    );
}

#[tokio::test]
async fn the_background_task_copies_without_the_admin_call() {
    let emu = spawn_with(Config {
        replication_interval: Some(std::time::Duration::from_millis(50)),
        ..Config::default()
    })
    .await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("auto", "", "")]).await;
    m.upload(&p.src, "auto.txt", b"auto").await;
    let dst = p.dst.clone();
    common::wait::until_async(std::time::Duration::from_secs(10), "the replica", || {
        let m = &m;
        let dst = dst.clone();
        async move { (versions(m, &dst).await.len() == 1).then_some(()) }
    })
    .await;
}

#[tokio::test]
async fn a_hide_by_a_lifecycle_rule_replicates() {
    // Tokens that outlive the two days the clock moves on.
    let emu = spawn_with(Config {
        token_lifetime: std::time::Duration::from_secs(10 * 86_400),
        ..manual()
    })
    .await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("all", "", "")]).await;
    m.upload(&p.src, "logs/old.txt", b"old").await;
    assert_eq!(deliver(&emu).await["replicated"], 1);
    let (status, v) = m
        .call(
            "b2_update_bucket",
            json!({"accountId": m.account_id, "bucketId": p.src, "lifecycleRules": [
                {"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 1,
                 "daysFromHidingToDeleting": null}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    admin(&emu, "advance_clock", json!({"seconds": 2 * 86_400})).await;
    let src_files = versions(&m, &p.src).await;
    assert_eq!(
        find(&src_files, "logs/old.txt", "hide")["replicationStatus"],
        "pending",
        "the rule hid the file and queued the hide"
    );
    let report = deliver(&emu).await;
    assert_eq!(report["replicated"], 1, "{report}");
    let dst_files = versions(&p.dst_session, &p.dst).await;
    assert_eq!(
        find(&dst_files, "logs/old.txt", "hide")["replicationStatus"],
        "replica"
    );
}
