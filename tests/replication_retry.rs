//! Cloud Replication after a failure: a failed copy is tried again after its delay, and at
//! once when the destination's key mapping is fixed, until the source says `completed`;
//! and SSE-C files are copied as stored, readable at the destination with the same key.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use reqwest::StatusCode;
use serde_json::{Value, json};

mod common;

use common::raw::{Session, admin, customer_key, sse_c_headers};
use common::replication::{
    DEST_CAPS, deliver, find, key, pair, pair_that_cannot_write, rule, set_replication, spawn,
    versions,
};

fn status_of(files: &[Value], name: &str) -> String {
    find(files, name, "upload")["replicationStatus"]
        .as_str()
        .unwrap_or("(none)")
        .to_string()
}

#[tokio::test]
async fn a_failed_copy_is_tried_again_and_heals_when_the_mapping_is_fixed() {
    let (emu, m, p) = pair_that_cannot_write().await;
    m.upload(&p.src, "a.txt", b"replicate me").await;

    let first = deliver(&emu).await;
    assert_eq!(
        (first["failed"].clone(), first["retrying"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(status_of(&versions(&m, &p.src).await, "a.txt"), "failed");

    // Not due yet: nothing is tried.
    let early = deliver(&emu).await;
    assert_eq!(early["failed"], 0, "{early}");
    assert_eq!(early["replicated"], 0, "{early}");
    assert_eq!(early["retrying"], 1, "{early}");

    // A minute later the copy is tried again (and fails again: the key still cannot write).
    admin(&emu, "advance_clock", json!({"seconds": 61})).await;
    let again = deliver(&emu).await;
    assert_eq!(again["failed"], 1, "{again}");
    assert_eq!(again["retrying"], 1, "{again}");

    // Mapping the source key to a key that can write makes the failed copy due at once.
    let (writer, writer_secret) = key(&m, "repl-writer", &p.dst, &DEST_CAPS).await;
    let (status, v) = set_replication(
        &m,
        &p.dst,
        json!({"asReplicationDestination":
               {"sourceToDestinationKeyMapping": {&p.src_key: &writer}}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let healed = deliver(&emu).await;
    assert_eq!(healed["replicated"], 1, "{healed}");
    assert_eq!(healed["retrying"], 0, "{healed}");
    assert_eq!(status_of(&versions(&m, &p.src).await, "a.txt"), "completed");
    let dst = Session::new_v(&emu.url, &writer, &writer_secret, 4).await;
    let resp = dst.download("/file/repl-dest/a.txt").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"replicate me");
}

#[tokio::test]
async fn sse_c_files_replicate_as_stored_and_read_with_the_same_key() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(&emu, &m, &DEST_CAPS, vec![rule("r", "", "")]).await;
    let (secret, md5) = customer_key(9);
    let up = m
        .upload_text(
            &p.src,
            "sealed.txt",
            b"sealed bytes",
            &sse_c_headers(&secret, &md5),
        )
        .await;
    assert_eq!(up["replicationStatus"], "pending", "{up}");

    let report = deliver(&emu).await;
    assert_eq!(report["replicated"], 1, "{report}");
    assert_eq!(
        status_of(&versions(&m, &p.src).await, "sealed.txt"),
        "completed"
    );
    let replicas = versions(&m, &p.dst).await;
    let replica = find(&replicas, "sealed.txt", "upload");
    assert_eq!(replica["replicationStatus"], "replica");
    assert_eq!(
        replica["serverSideEncryption"]["mode"], "SSE-C",
        "{replica}"
    );
    assert_eq!(
        replica["serverSideEncryption"]["customerKeyMd5"],
        md5.as_str()
    );

    let path = "/file/repl-dest/sealed.txt";
    let without = p.dst_session.download(path).await;
    assert_eq!(without.status(), StatusCode::BAD_REQUEST);
    let (other, other_md5) = customer_key(10);
    let wrong = p
        .dst_session
        .download_with(path, &sse_c_headers(&other, &other_md5))
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let with = p
        .dst_session
        .download_with(path, &sse_c_headers(&secret, &md5))
        .await;
    assert_eq!(with.status(), StatusCode::OK);
    assert_eq!(with.bytes().await.unwrap().as_ref(), b"sealed bytes");
}
