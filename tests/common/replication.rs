//! Cloud Replication helpers: a local B2 that delivers only when told to, keys, rules, a
//! wired source/destination pair, listings and the admin flush.

use b2tui::emulator::{self, Config};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::raw::{Session, admin, spawn_with};

/// A local B2 that copies only when told to (`deliver_replication`).
pub fn manual() -> Config {
    Config {
        replication_interval: None,
        ..Config::default()
    }
}

pub async fn spawn() -> emulator::RunningEmulator {
    spawn_with(manual()).await
}

pub const SOURCE_CAPS: [&str; 4] = [
    "listFiles",
    "readFiles",
    "readFileLegalHolds",
    "readFileRetentions",
];
pub const DEST_CAPS: [&str; 6] = [
    "listFiles",
    "readFiles",
    "writeFiles",
    "deleteFiles",
    "writeFileLegalHolds",
    "writeFileRetentions",
];

/// Creates a key for `bucket` with `caps`; its id and secret.
pub async fn key(m: &Session, name: &str, bucket: &str, caps: &[&str]) -> (String, String) {
    let created = m
        .ok(
            "b2_create_key",
            json!({"accountId": m.account_id, "keyName": name, "capabilities": caps,
                   "bucketIds": [bucket]}),
        )
        .await;
    (
        created["applicationKeyId"]
            .as_str()
            .expect("key id")
            .to_string(),
        created["applicationKey"]
            .as_str()
            .expect("key secret")
            .to_string(),
    )
}

pub fn rule(name: &str, dest: &str, prefix: &str) -> Value {
    json!({"replicationRuleName": name, "destinationBucketId": dest, "fileNamePrefix": prefix,
           "priority": 1, "isEnabled": true, "includeExistingFiles": false})
}

pub async fn set_replication(m: &Session, bucket: &str, config: Value) -> (StatusCode, Value) {
    m.call(
        "b2_update_bucket",
        json!({"accountId": m.account_id, "bucketId": bucket, "replicationConfiguration": config}),
    )
    .await
}

/// A source and a destination bucket wired with two keys: `(src, dst, src_key, dst_key
/// session)`. The destination key has `dest_caps`.
pub struct Pair {
    pub src: String,
    pub dst: String,
    pub src_key: String,
    pub dst_session: Session,
}

pub async fn pair(
    emu: &emulator::RunningEmulator,
    m: &Session,
    dest_caps: &[&str],
    rules: Vec<Value>,
) -> Pair {
    let src = m.create_private_bucket("repl-source").await;
    let dst = m.create_private_bucket("repl-dest").await;
    let (src_key, _) = key(m, "repl-src", &src, &SOURCE_CAPS).await;
    let (dst_key, dst_secret) = key(m, "repl-dst", &dst, dest_caps).await;
    let (status, v) = set_replication(
        m,
        &dst,
        json!({"asReplicationDestination": {"sourceToDestinationKeyMapping": {&src_key: &dst_key}}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|mut r| {
            r["destinationBucketId"] = json!(dst);
            r
        })
        .collect();
    let (status, v) = set_replication(
        m,
        &src,
        json!({"asReplicationSource": {"sourceApplicationKeyId": &src_key,
                                       "replicationRules": rules}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let dst_session = Session::new_v(&emu.url, &dst_key, &dst_secret, 4).await;
    Pair {
        src,
        dst,
        src_key,
        dst_session,
    }
}

pub async fn versions(s: &Session, bucket: &str) -> Vec<Value> {
    let v = s
        .ok(
            "b2_list_file_versions",
            json!({"bucketId": bucket, "maxFileCount": 1000}),
        )
        .await;
    v["files"].as_array().expect("files").clone()
}

pub fn find<'a>(files: &'a [Value], name: &str, action: &str) -> &'a Value {
    files
        .iter()
        .find(|f| f["fileName"] == name && f["action"] == action)
        .unwrap_or_else(|| panic!("no {action} of {name} in {files:?}"))
}

pub async fn deliver(emu: &emulator::RunningEmulator) -> Value {
    admin(emu, "deliver_replication", json!({})).await["replication"].clone()
}

/// A fresh local B2 (delivering when told), its master session (v4) and a pair whose
/// destination key can only read, so every copy into it fails.
pub async fn pair_that_cannot_write() -> (emulator::RunningEmulator, Session, Pair) {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 4).await;
    let p = pair(
        &emu,
        &m,
        &["listFiles", "readFiles"],
        vec![rule("ro", "", "")],
    )
    .await;
    (emu, m, p)
}
