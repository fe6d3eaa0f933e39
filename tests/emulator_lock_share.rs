//! The local B2 over raw HTTP: Object Lock (bucket and file retention, legal hold),
//! b2_get_download_authorization, b2_copy_part, malformed requests, and token lifetime.
//! Shapes are compared with the recorded real responses in `../shared/b2-recordings/`,
//! which must be present.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::Duration;

use b2tui::emulator::{Config, RunningEmulator};
use serde_json::{Value, json};

mod common;

use common::raw::{Session, admin, answer, assert_error, key_paths, sha1_hex, start, start_with};
use common::{recordings, wait};

const DAY_MS: i64 = 86_400_000;

/// The emulator's clock, in ms.
async fn server_now(emu: &RunningEmulator) -> i64 {
    admin(emu, "advance_clock", json!({"seconds": 0})).await["now"]
        .as_i64()
        .unwrap()
}

// ---------------------------------------------------------------- recordings

/// Our answer has exactly the fields of the first recorded answer of `endpoint`.
fn assert_same_shape(file: &str, endpoint: &str, status: u16, ours: &Value) {
    let theirs = recordings::first(file, endpoint, status);
    let (mut mine, mut real) = (BTreeSet::new(), BTreeSet::new());
    key_paths(ours, "", &mut mine);
    key_paths(&theirs, "", &mut real);
    assert_eq!(
        mine, real,
        "{endpoint}: fields differ from the recording\nours: {ours}\nreal: {theirs}"
    );
}

// ---------------------------------------------------------------- Object Lock: buckets

#[tokio::test]
async fn bucket_file_lock_settings() {
    let (_emu, master) = start().await;
    let created = master
        .ok(
            "b2_create_bucket",
            json!({"accountId": master.account_id, "bucketName": "locked-one",
                   "bucketType": "allPrivate", "fileLockEnabled": true}),
        )
        .await;
    assert_eq!(
        created["fileLockConfiguration"],
        json!({"isClientAuthorizedToRead": true,
               "value": {"defaultRetention": {"mode": null, "period": null}, "isFileLockEnabled": true}})
    );
    let locked = created["bucketId"].as_str().unwrap().to_string();
    let plain = master
        .create_lock_bucket("plain-one", "allPrivate", false)
        .await;

    // Creating a lock bucket needs writeBucketRetentions.
    let no_retention = master
        .key_session(&["writeBuckets", "listBuckets"], None, None)
        .await;
    let refused = no_retention
        .call(
            "b2_create_bucket",
            json!({"accountId": master.account_id, "bucketName": "locked-two",
                   "bucketType": "allPrivate", "fileLockEnabled": true}),
        )
        .await;
    assert_error(&refused, 401, "unauthorized");
    // ... but not an ordinary one; and that key does not see lock settings.
    let ordinary = no_retention
        .ok(
            "b2_create_bucket",
            json!({"accountId": master.account_id, "bucketName": "plain-two",
                   "bucketType": "allPrivate"}),
        )
        .await;
    assert_eq!(
        ordinary["fileLockConfiguration"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );
    let listed = no_retention
        .ok(
            "b2_list_buckets",
            json!({"accountId": master.account_id, "bucketName": "locked-one"}),
        )
        .await;
    assert_eq!(
        listed["buckets"][0]["fileLockConfiguration"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );
    let update = |bucket: &str, extra: Value| {
        let mut body = json!({"accountId": master.account_id, "bucketId": bucket});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let refused = no_retention
        .call(
            "b2_update_bucket",
            update(
                &locked,
                json!({"defaultRetention": {"mode": "governance", "period": {"duration": 1, "unit": "days"}}}),
            ),
        )
        .await;
    assert_error(&refused, 401, "unauthorized");

    // Default retention needs a lock bucket.
    let missing = master
        .call(
            "b2_update_bucket",
            update(
                &plain,
                json!({"defaultRetention": {"mode": "governance", "period": {"duration": 1, "unit": "days"}}}),
            ),
        )
        .await;
    assert_error(&missing, 400, "bucket_missing_file_lock");
    for bad in [
        json!({"mode": "governance", "period": {"duration": 1, "unit": "weeks"}}),
        json!({"mode": "governance", "period": {"duration": 0, "unit": "days"}}),
        json!({"mode": "eternal", "period": {"duration": 1, "unit": "days"}}),
        json!({"mode": "compliance"}),
        json!("governance"),
    ] {
        let got = master
            .call(
                "b2_update_bucket",
                update(&locked, json!({"defaultRetention": bad})),
            )
            .await;
        assert_error(&got, 400, "bad_request");
    }
    let set = master
        .ok(
            "b2_update_bucket",
            update(
                &locked,
                json!({"defaultRetention": {"mode": "compliance", "period": {"duration": 2, "unit": "years"}}}),
            ),
        )
        .await;
    assert_eq!(
        set["fileLockConfiguration"]["value"]["defaultRetention"],
        json!({"mode": "compliance", "period": {"duration": 2, "unit": "years"}})
    );
    assert_eq!(set["revision"], 2);

    // Enabling later works, in the same call as a default retention; it is irreversible.
    let enabled = master
        .ok(
            "b2_update_bucket",
            update(
                &plain,
                json!({"fileLockEnabled": true,
                       "defaultRetention": {"mode": "governance", "period": {"duration": 3, "unit": "days"}}}),
            ),
        )
        .await;
    assert_eq!(
        enabled["fileLockConfiguration"]["value"],
        json!({"defaultRetention": {"mode": "governance", "period": {"duration": 3, "unit": "days"}},
               "isFileLockEnabled": true})
    );
    let conflict = master
        .call(
            "b2_update_bucket",
            update(&plain, json!({"fileLockEnabled": false})),
        )
        .await;
    assert_error(&conflict, 400, "file_lock_conflict");
    let again = master
        .ok(
            "b2_update_bucket",
            update(&plain, json!({"fileLockEnabled": true})),
        )
        .await;
    assert_eq!(
        again["fileLockConfiguration"]["value"]["isFileLockEnabled"],
        true
    );
}

// ---------------------------------------------------------------- Object Lock: files

#[tokio::test]
async fn upload_lock_headers_json_and_download_headers() {
    let (emu, master) = start().await;
    let locked = master
        .create_lock_bucket("locked-files", "allPrivate", true)
        .await;
    let plain = master
        .create_lock_bucket("plain-files", "allPrivate", false)
        .await;
    let until = server_now(&emu).await + DAY_MS;
    let until_text = until.to_string();
    let lock_headers = [
        ("X-Bz-File-Retention-Mode", "governance"),
        (
            "X-Bz-File-Retention-Retain-Until-Timestamp",
            until_text.as_str(),
        ),
        ("X-Bz-File-Legal-Hold", "on"),
    ];
    let file = master
        .upload_text(&locked, "held.txt", b"held", &lock_headers)
        .await;
    assert_eq!(
        file["fileRetention"],
        json!({"isClientAuthorizedToRead": true,
               "value": {"mode": "governance", "retainUntilTimestamp": until}})
    );
    assert_eq!(
        file["legalHold"],
        json!({"isClientAuthorizedToRead": true, "value": "on"})
    );
    let file_id = file["fileId"].as_str().unwrap().to_string();
    assert_eq!(
        master
            .ok("b2_get_file_info", json!({"fileId": file_id}))
            .await["fileRetention"]["value"]["mode"],
        "governance"
    );

    // Lock headers on an ordinary bucket, and malformed ones.
    let missing = master
        .upload_raw(&plain, "x.txt", b"x", &lock_headers)
        .await;
    assert_error(&missing, 400, "bucket_missing_file_lock");
    let missing = master
        .upload_raw(&plain, "x.txt", b"x", &[("X-Bz-File-Legal-Hold", "off")])
        .await;
    assert_error(&missing, 400, "bucket_missing_file_lock");
    let past = (until - 2 * DAY_MS).to_string();
    for bad in [
        vec![("X-Bz-File-Retention-Mode", "governance")],
        vec![(
            "X-Bz-File-Retention-Retain-Until-Timestamp",
            until_text.as_str(),
        )],
        vec![
            ("X-Bz-File-Retention-Mode", "forever"),
            (
                "X-Bz-File-Retention-Retain-Until-Timestamp",
                until_text.as_str(),
            ),
        ],
        vec![
            ("X-Bz-File-Retention-Mode", "governance"),
            ("X-Bz-File-Retention-Retain-Until-Timestamp", "tomorrow"),
        ],
        vec![("X-Bz-File-Legal-Hold", "maybe")],
    ] {
        let got = master.upload_raw(&locked, "bad.txt", b"x", &bad).await;
        assert_error(&got, 400, "bad_request");
    }
    let in_past = [
        ("X-Bz-File-Retention-Mode", "governance"),
        ("X-Bz-File-Retention-Retain-Until-Timestamp", past.as_str()),
    ];
    let got = master.upload_raw(&locked, "bad.txt", b"x", &in_past).await;
    assert_error(&got, 400, "retain_until_timestamp_must_be_in_future");

    // The master key reads every lock header.
    let resp = master
        .get("/file/locked-files/held.txt", Some(&master.token))
        .await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["x-bz-file-retention-mode"], "governance");
    assert_eq!(
        h["x-bz-file-retention-retain-until-timestamp"],
        until_text.as_str()
    );
    assert_eq!(h["x-bz-file-legal-hold"], "on");
    assert!(h.get("x-bz-client-unauthorized-to-read").is_none());

    // A key without readFileRetentions / readFileLegalHolds sees neither.
    let reader = master
        .key_session(&["listFiles", "readFiles"], None, None)
        .await;
    let info = reader
        .ok("b2_get_file_info", json!({"fileId": file_id}))
        .await;
    assert_eq!(
        info["fileRetention"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );
    assert_eq!(
        info["legalHold"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );
    let listed = reader
        .ok("b2_list_file_names", json!({"bucketId": locked}))
        .await;
    assert_eq!(
        listed["files"][0]["fileRetention"]["isClientAuthorizedToRead"],
        false
    );
    let resp = reader
        .get("/file/locked-files/held.txt", Some(&reader.token))
        .await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert!(h.get("x-bz-file-retention-mode").is_none());
    assert!(h.get("x-bz-file-legal-hold").is_none());
    let withheld: BTreeSet<&str> = h["x-bz-client-unauthorized-to-read"]
        .to_str()
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(
        withheld,
        BTreeSet::from([
            "X-Bz-File-Retention-Mode",
            "X-Bz-File-Retention-Retain-Until-Timestamp",
            "X-Bz-File-Legal-Hold"
        ])
    );
    // One capability of the two: only the other is withheld.
    let half = master
        .key_session(&["readFiles", "readFileLegalHolds"], None, None)
        .await;
    let resp = half
        .get(
            &format!("/b2api/v3/b2_download_file_by_id?fileId={file_id}"),
            Some(&half.token),
        )
        .await;
    assert_eq!(resp.headers()["x-bz-file-legal-hold"], "on");
    assert_eq!(
        resp.headers()["x-bz-client-unauthorized-to-read"],
        "X-Bz-File-Retention-Mode,X-Bz-File-Retention-Retain-Until-Timestamp"
    );
    // Ordinary buckets send no lock headers at all.
    master.upload_text(&plain, "plain.txt", b"p", &[]).await;
    let resp = reader
        .get("/file/plain-files/plain.txt", Some(&reader.token))
        .await;
    assert!(
        resp.headers()
            .get("x-bz-client-unauthorized-to-read")
            .is_none()
    );

    // Object-Lock buckets allow only 2,048 bytes of name and info headers (§9.3).
    let info = "v".repeat(2100);
    let got = master
        .upload_raw(
            &locked,
            "big-info.txt",
            b"i",
            &[("X-Bz-Info-note", info.as_str())],
        )
        .await;
    assert_error(&got, 400, "bad_request");
    assert!(
        got.1["message"].as_str().unwrap().contains("2048"),
        "{}",
        got.1
    );
    master
        .upload_text(
            &plain,
            "big-info.txt",
            b"i",
            &[("X-Bz-Info-note", info.as_str())],
        )
        .await;

    // Writing lock settings needs the write capabilities.
    let writer = master
        .key_session(&["writeFiles", "readFiles"], None, None)
        .await;
    let got = writer
        .upload_raw(&locked, "w.txt", b"w", &lock_headers[..2])
        .await;
    assert_error(&got, 401, "unauthorized");
    let got = writer
        .upload_raw(&locked, "w.txt", b"w", &lock_headers[2..])
        .await;
    assert_error(&got, 401, "unauthorized");
    let plain_upload = writer.upload_text(&locked, "w.txt", b"w", &[]).await;
    assert_eq!(
        plain_upload["fileRetention"]["isClientAuthorizedToRead"],
        false
    );
}

#[tokio::test]
async fn default_retention_applies_to_new_files() {
    let (_emu, master) = start_with(Config {
        absolute_minimum_part_size: 1,
        ..Config::default()
    })
    .await;
    let locked = master
        .create_lock_bucket("default-locked", "allPrivate", true)
        .await;
    master
        .ok(
            "b2_update_bucket",
            json!({"accountId": master.account_id, "bucketId": locked,
                   "defaultRetention": {"mode": "governance", "period": {"duration": 1, "unit": "days"}}}),
        )
        .await;
    let file = master.upload_text(&locked, "auto.txt", b"auto", &[]).await;
    let ts = file["uploadTimestamp"].as_i64().unwrap();
    assert_eq!(
        file["fileRetention"]["value"],
        json!({"mode": "governance", "retainUntilTimestamp": ts + DAY_MS})
    );
    assert_eq!(file["legalHold"]["value"], Value::Null);

    // Explicit settings win over the default: large files and copies too.
    let until = ts + 3 * DAY_MS;
    let started = master
        .ok(
            "b2_start_large_file",
            json!({"bucketId": locked, "fileName": "big.bin", "contentType": "b2/x-auto",
                   "fileRetention": {"mode": "compliance", "retainUntilTimestamp": until},
                   "legalHold": "off"}),
        )
        .await;
    assert_eq!(
        started["fileRetention"]["value"],
        json!({"mode": "compliance", "retainUntilTimestamp": until})
    );
    assert_eq!(started["legalHold"]["value"], "off");
    let large_id = started["fileId"].as_str().unwrap().to_string();
    let part_url = master
        .ok("b2_get_upload_part_url", json!({"fileId": large_id}))
        .await;
    // A large file has at least 2 parts.
    for (number, part) in [("1", b"part"), ("2", b"tail")] {
        let resp = master
            .http
            .post(part_url["uploadUrl"].as_str().unwrap())
            .header(
                "Authorization",
                part_url["authorizationToken"].as_str().unwrap(),
            )
            .header("X-Bz-Part-Number", number)
            .header("X-Bz-Content-Sha1", sha1_hex(part))
            .body(part.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let finished = master
        .ok(
            "b2_finish_large_file",
            json!({"fileId": large_id, "partSha1Array": [sha1_hex(b"part"), sha1_hex(b"tail")]}),
        )
        .await;
    assert_eq!(finished["fileRetention"]["value"]["mode"], "compliance");
    assert_eq!(finished["legalHold"]["value"], "off");

    let copy = master
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": file["fileId"], "fileName": "copy.txt", "legalHold": "on"}),
        )
        .await;
    let copy_ts = copy["uploadTimestamp"].as_i64().unwrap();
    assert_eq!(copy["legalHold"]["value"], "on");
    assert_eq!(
        copy["fileRetention"]["value"]["retainUntilTimestamp"],
        copy_ts + DAY_MS
    );
    let plain = master
        .create_lock_bucket("default-plain", "allPrivate", false)
        .await;
    let got = master
        .call(
            "b2_copy_file",
            json!({"sourceFileId": file["fileId"], "fileName": "copy.txt",
                   "destinationBucketId": plain, "legalHold": "on"}),
        )
        .await;
    assert_error(&got, 400, "bucket_missing_file_lock");
    let got = master
        .call(
            "b2_start_large_file",
            json!({"bucketId": plain, "fileName": "big.bin", "contentType": "b2/x-auto",
                   "fileRetention": {"mode": "governance", "retainUntilTimestamp": until}}),
        )
        .await;
    assert_error(&got, 400, "bucket_missing_file_lock");
    let got = master
        .call(
            "b2_start_large_file",
            json!({"bucketId": locked, "fileName": "big.bin", "contentType": "b2/x-auto",
                   "fileRetention": {"mode": "governance"}}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    // An ordinary bucket's files keep the recorded "no retention" value.
    let plain_file = master.upload_text(&plain, "p.txt", b"p", &[]).await;
    assert_eq!(
        plain_file["fileRetention"],
        json!({"isClientAuthorizedToRead": true, "value": {"mode": null, "retainUntilTimestamp": null}})
    );
    assert_eq!(
        plain_file["legalHold"],
        json!({"isClientAuthorizedToRead": true, "value": null})
    );
}

#[tokio::test]
async fn retention_and_legal_hold_updates_and_deletes() {
    let (emu, master) = start().await;
    let locked = master
        .create_lock_bucket("lock-updates", "allPrivate", true)
        .await;
    let plain = master
        .create_lock_bucket("lock-plain", "allPrivate", false)
        .await;
    let now = server_now(&emu).await;
    let gov_until = now + DAY_MS;
    let file = master
        .upload_text(
            &locked,
            "gov.txt",
            b"gov",
            &[
                ("X-Bz-File-Retention-Mode", "governance"),
                (
                    "X-Bz-File-Retention-Retain-Until-Timestamp",
                    &gov_until.to_string(),
                ),
            ],
        )
        .await;
    let gov = json!({"fileId": file["fileId"], "fileName": "gov.txt"});
    let with = |base: &Value, extra: Value| {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    // Legal hold blocks deletion even with bypassGovernance.
    let held = master
        .ok(
            "b2_update_file_legal_hold",
            with(&gov, json!({"legalHold": "on"})),
        )
        .await;
    assert_eq!(held, with(&gov, json!({"legalHold": "on"})));
    assert_same_shape("file.yaml", "b2_update_file_legal_hold", 200, &held);
    let denied = master
        .call(
            "b2_delete_file_version",
            with(&gov, json!({"bypassGovernance": true})),
        )
        .await;
    assert_error(&denied, 401, "unauthorized");
    assert_eq!(denied.1["message"], "Access Denied");
    master
        .ok(
            "b2_update_file_legal_hold",
            with(&gov, json!({"legalHold": "off"})),
        )
        .await;
    let got = master
        .call(
            "b2_update_file_legal_hold",
            with(&gov, json!({"legalHold": "yes"})),
        )
        .await;
    assert_error(&got, 400, "bad_request");

    // Governance: deleting needs bypassGovernance:true and the capability.
    let denied = master.call("b2_delete_file_version", gov.clone()).await;
    assert_error(&denied, 401, "unauthorized");
    assert_eq!(denied.1["message"], "Access Denied");
    let deleter = master
        .key_session(&["deleteFiles", "writeFileRetentions"], None, None)
        .await;
    let denied = deleter
        .call(
            "b2_delete_file_version",
            with(&gov, json!({"bypassGovernance": true})),
        )
        .await;
    assert_error(&denied, 401, "unauthorized");
    // Shortening or removing governance retention is the same.
    let shorter = json!({"mode": "governance", "retainUntilTimestamp": gov_until - 1000});
    let denied = master
        .call(
            "b2_update_file_retention",
            with(&gov, json!({"fileRetention": shorter})),
        )
        .await;
    assert_error(&denied, 403, "access_denied");
    let denied = deleter
        .call(
            "b2_update_file_retention",
            with(
                &gov,
                json!({"fileRetention": shorter, "bypassGovernance": true}),
            ),
        )
        .await;
    assert_error(&denied, 403, "access_denied");
    let updated = master
        .ok(
            "b2_update_file_retention",
            with(
                &gov,
                json!({"fileRetention": shorter, "bypassGovernance": true}),
            ),
        )
        .await;
    assert_eq!(updated, with(&gov, json!({"fileRetention": shorter})));
    assert_same_shape("file.yaml", "b2_update_file_retention", 200, &updated);
    // Extending needs no bypass, even from a key without bypassGovernance.
    let longer = json!({"mode": "governance", "retainUntilTimestamp": gov_until + DAY_MS});
    deleter
        .ok(
            "b2_update_file_retention",
            with(&gov, json!({"fileRetention": longer})),
        )
        .await;
    let info = master
        .ok("b2_get_file_info", json!({"fileId": file["fileId"]}))
        .await;
    assert_eq!(info["fileRetention"]["value"], longer);
    master
        .ok(
            "b2_delete_file_version",
            with(&gov, json!({"bypassGovernance": true})),
        )
        .await;

    // Compliance: only extending is allowed; nothing deletes it before expiry.
    let comp_until = now + 3_600_000;
    let file = master
        .upload_text(
            &locked,
            "comp.txt",
            b"comp",
            &[
                ("X-Bz-File-Retention-Mode", "compliance"),
                (
                    "X-Bz-File-Retention-Retain-Until-Timestamp",
                    &comp_until.to_string(),
                ),
            ],
        )
        .await;
    let comp = json!({"fileId": file["fileId"], "fileName": "comp.txt"});
    let denied = master
        .call(
            "b2_delete_file_version",
            with(&comp, json!({"bypassGovernance": true})),
        )
        .await;
    assert_error(&denied, 401, "unauthorized");
    for weaker in [
        json!({"mode": "compliance", "retainUntilTimestamp": comp_until - 1}),
        json!({"mode": "governance", "retainUntilTimestamp": comp_until + DAY_MS}),
        json!({"mode": null, "retainUntilTimestamp": null}),
    ] {
        let denied = master
            .call(
                "b2_update_file_retention",
                with(
                    &comp,
                    json!({"fileRetention": weaker, "bypassGovernance": true}),
                ),
            )
            .await;
        assert_error(&denied, 403, "access_denied");
    }
    let extended = json!({"mode": "compliance", "retainUntilTimestamp": comp_until + 1000});
    master
        .ok(
            "b2_update_file_retention",
            with(&comp, json!({"fileRetention": extended})),
        )
        .await;
    // Once the retention has expired (by the emulator clock) the version can go.
    admin(&emu, "advance_clock", json!({"seconds": 3602})).await;
    master.ok("b2_delete_file_version", comp.clone()).await;

    // Bad retention requests.
    let file = master.upload_text(&locked, "free.txt", b"free", &[]).await;
    let free = json!({"fileId": file["fileId"], "fileName": "free.txt"});
    let future = server_now(&emu).await + DAY_MS;
    for bad in [
        json!({}),
        json!({"fileRetention": "governance"}),
        json!({"fileRetention": {"mode": "governance"}}),
        json!({"fileRetention": {"mode": "forever", "retainUntilTimestamp": future}}),
        json!({"fileRetention": {"mode": "governance", "retainUntilTimestamp": "soon"}}),
    ] {
        let got = master
            .call("b2_update_file_retention", with(&free, bad))
            .await;
        assert_error(&got, 400, "bad_request");
    }
    let past = json!({"fileRetention": {"mode": "governance", "retainUntilTimestamp": 5}});
    let got = master
        .call("b2_update_file_retention", with(&free, past))
        .await;
    assert_error(&got, 400, "retain_until_timestamp_must_be_in_future");
    let wrong_name = master
        .call(
            "b2_update_file_retention",
            json!({"fileId": file["fileId"], "fileName": "other.txt",
                   "fileRetention": {"mode": "governance", "retainUntilTimestamp": future}}),
        )
        .await;
    assert_error(&wrong_name, 400, "file_not_present");
    let no_cap = master
        .key_session(&["readFiles", "writeFileLegalHolds"], None, None)
        .await;
    let got = no_cap
        .call(
            "b2_update_file_retention",
            with(
                &free,
                json!({"fileRetention": {"mode": "governance", "retainUntilTimestamp": future}}),
            ),
        )
        .await;
    assert_error(&got, 401, "unauthorized");
    let no_cap = master
        .key_session(&["readFiles", "writeFileRetentions"], None, None)
        .await;
    let got = no_cap
        .call(
            "b2_update_file_legal_hold",
            with(&free, json!({"legalHold": "on"})),
        )
        .await;
    assert_error(&got, 401, "unauthorized");

    // Ordinary buckets: as recorded, 400 bucket_missing_file_lock.
    let file = master.upload_text(&plain, "plain.txt", b"plain", &[]).await;
    let plain_file = json!({"fileId": file["fileId"], "fileName": "plain.txt"});
    let got = master
        .call(
            "b2_update_file_legal_hold",
            with(&plain_file, json!({"legalHold": "on"})),
        )
        .await;
    assert_error(&got, 400, "bucket_missing_file_lock");
    assert_eq!(
        got.1,
        recordings::first("file.yaml", "b2_update_file_legal_hold", 400)
    );
    let got = master
        .call(
            "b2_update_file_retention",
            with(
                &plain_file,
                json!({"fileRetention": {"mode": "governance", "retainUntilTimestamp": future}}),
            ),
        )
        .await;
    assert_error(&got, 400, "bucket_missing_file_lock");
    master.ok("b2_delete_file_version", plain_file).await;
}

// ---------------------------------------------------------------- download authorization

#[tokio::test]
async fn download_authorization_tokens() {
    let (emu, master) = start().await;
    let bucket = master
        .create_lock_bucket("shared-stuff", "allPrivate", false)
        .await;
    let other = master
        .create_lock_bucket("other-stuff", "allPrivate", false)
        .await;
    for name in ["pub/a.txt", "pub/b c.txt", "priv/c.txt"] {
        master
            .upload_text(&bucket, name, name.as_bytes(), &[])
            .await;
    }
    master.upload_text(&other, "pub/a.txt", b"other", &[]).await;

    let auth = master
        .ok(
            "b2_get_download_authorization",
            json!({"bucketId": bucket, "fileNamePrefix": "pub/", "validDurationInSeconds": 60}),
        )
        .await;
    assert_eq!(auth["bucketId"], bucket.as_str());
    assert_eq!(auth["fileNamePrefix"], "pub/");
    assert_same_shape("file.yaml", "b2_get_download_authorization", 200, &auth);
    let token = auth["authorizationToken"].as_str().unwrap().to_string();

    let resp = master
        .get("/file/shared-stuff/pub/a.txt", Some(&token))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "pub/a.txt");
    let resp = master
        .get(
            &format!("/file/shared-stuff/pub/b%20c.txt?Authorization={token}"),
            None,
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.unwrap(), "pub/b c.txt");
    // Outside the prefix, another bucket, by id, and API calls are refused.
    let got = answer(
        master
            .get("/file/shared-stuff/priv/c.txt", Some(&token))
            .await,
    )
    .await;
    assert_error(&got, 401, "unauthorized");
    let got = answer(
        master
            .get("/file/other-stuff/pub/a.txt", Some(&token))
            .await,
    )
    .await;
    assert_error(&got, 401, "unauthorized");
    let listed = master
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    let file_id = listed["files"][0]["fileId"].as_str().unwrap().to_string();
    let got = answer(
        master
            .get(
                &format!("/b2api/v3/b2_download_file_by_id?fileId={file_id}"),
                Some(&token),
            )
            .await,
    )
    .await;
    assert_eq!(got.0, 401, "{}", got.1);
    let as_api = master.with_token(&token);
    let got = as_api
        .call("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_eq!(got.0, 401, "{}", got.1);
    // No token at all: a private bucket refuses.
    let got = answer(master.get("/file/shared-stuff/pub/a.txt", None).await).await;
    assert_eq!(got.0, 401, "{}", got.1);

    // Baked-in b2* values must be repeated identically.
    let auth = master
        .ok(
            "b2_get_download_authorization",
            json!({"bucketId": bucket, "fileNamePrefix": "pub/a", "validDurationInSeconds": 60,
                   "b2ContentDisposition": "attachment; filename=\"a.txt\""}),
        )
        .await;
    let baked = auth["authorizationToken"].as_str().unwrap().to_string();
    let got = answer(
        master
            .get("/file/shared-stuff/pub/a.txt", Some(&baked))
            .await,
    )
    .await;
    assert_error(&got, 401, "unauthorized");
    let got = answer(
        master
            .get(
                "/file/shared-stuff/pub/a.txt?b2ContentDisposition=inline",
                Some(&baked),
            )
            .await,
    )
    .await;
    assert_error(&got, 401, "unauthorized");
    let resp = master
        .get(
            "/file/shared-stuff/pub/a.txt?b2ContentDisposition=attachment%3B%20filename%3D%22a.txt%22",
            Some(&baked),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-disposition"],
        "attachment; filename=\"a.txt\""
    );

    // Tokens expire by the emulator clock.
    admin(&emu, "advance_clock", json!({"seconds": 61})).await;
    let got = answer(
        master
            .get("/file/shared-stuff/pub/a.txt", Some(&token))
            .await,
    )
    .await;
    assert_error(&got, 401, "expired_auth_token");

    // Duration and field checks.
    #[rustfmt::skip]
    let table = [
        (json!({"bucketId": bucket, "fileNamePrefix": "", "validDurationInSeconds": 0}), "bad_request"),
        (json!({"bucketId": bucket, "fileNamePrefix": "", "validDurationInSeconds": 604_801}), "bad_request"),
        (json!({"bucketId": bucket, "fileNamePrefix": ""}), "bad_request"),
        (json!({"bucketId": bucket, "validDurationInSeconds": 10}), "bad_request"),
        (json!({"bucketId": bucket, "fileNamePrefix": "", "validDurationInSeconds": "soon"}), "bad_request"),
        (json!({"bucketId": bucket, "fileNamePrefix": "", "validDurationInSeconds": 10, "b2CacheControl": "a\u{1}b"}), "bad_request"),
        (json!({"bucketId": "000000000099aaaaaaaaaaaa", "fileNamePrefix": "", "validDurationInSeconds": 10}), "bad_bucket_id"),
    ];
    for (body, code) in table {
        let got = master.call("b2_get_download_authorization", body).await;
        assert_error(&got, 400, code);
    }
    let week = master
        .ok(
            "b2_get_download_authorization",
            json!({"bucketId": bucket, "fileNamePrefix": "", "validDurationInSeconds": 604_800}),
        )
        .await;
    let whole = week["authorizationToken"].as_str().unwrap();
    let resp = master
        .get("/file/shared-stuff/priv/c.txt", Some(whole))
        .await;
    assert_eq!(resp.status(), 200);

    // shareFiles is needed, and the key's name prefix bounds the grant.
    let no_share = master
        .key_session(&["readFiles", "listFiles"], None, None)
        .await;
    let got = no_share
        .call(
            "b2_get_download_authorization",
            json!({"bucketId": bucket, "fileNamePrefix": "pub/", "validDurationInSeconds": 60}),
        )
        .await;
    assert_error(&got, 401, "unauthorized");
    let sharer = master
        .key_session(&["shareFiles"], Some(&bucket), Some("pub/"))
        .await;
    for prefix in ["priv/", "", "pu"] {
        let got = sharer
            .call(
                "b2_get_download_authorization",
                json!({"bucketId": bucket, "fileNamePrefix": prefix, "validDurationInSeconds": 60}),
            )
            .await;
        assert_error(&got, 401, "unauthorized");
    }
    let got = sharer
        .call(
            "b2_get_download_authorization",
            json!({"bucketId": other, "fileNamePrefix": "pub/", "validDurationInSeconds": 60}),
        )
        .await;
    assert_error(&got, 401, "unauthorized");
    let narrow = sharer
        .ok(
            "b2_get_download_authorization",
            json!({"bucketId": bucket, "fileNamePrefix": "pub/b", "validDurationInSeconds": 60}),
        )
        .await;
    let narrow = narrow["authorizationToken"].as_str().unwrap();
    assert_eq!(
        master
            .get("/file/shared-stuff/pub/b%20c.txt", Some(narrow))
            .await
            .status(),
        200
    );
    assert_eq!(
        master
            .get("/file/shared-stuff/pub/a.txt", Some(narrow))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn download_query_overrides_replace_headers() {
    let (_emu, master) = start().await;
    let bucket = master
        .create_lock_bucket("override-me", "allPublic", false)
        .await;
    master
        .upload_text(
            &bucket,
            "doc.txt",
            b"doc",
            &[("X-Bz-Info-b2-content-disposition", "inline")],
        )
        .await;
    let resp = master.get("/file/override-me/doc.txt", None).await;
    assert_eq!(resp.headers()["content-disposition"], "inline");
    let resp = master
        .get(
            "/file/override-me/doc.txt?b2ContentDisposition=attachment&b2ContentType=text%2Fx-test\
             &b2CacheControl=max-age%3D5&b2ContentLanguage=de&b2Expires=0&b2ContentEncoding=identity",
            Some(&master.token),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-disposition"], "attachment");
    assert_eq!(h["content-type"], "text/x-test");
    assert_eq!(h["cache-control"], "max-age=5");
    assert_eq!(h["content-language"], "de");
    assert_eq!(h["expires"], "0");
    assert_eq!(h["content-encoding"], "identity");
    let got = answer(
        master
            .get(
                "/file/override-me/doc.txt?b2CacheControl=a%0Ab",
                Some(&master.token),
            )
            .await,
    )
    .await;
    assert_error(&got, 400, "bad_request");
}

// ---------------------------------------------------------------- copy_part

#[tokio::test]
async fn copy_part_builds_large_files() {
    let (_emu, master) = start_with(Config {
        absolute_minimum_part_size: 1,
        ..Config::default()
    })
    .await;
    let private = master
        .create_lock_bucket("copy-private", "allPrivate", false)
        .await;
    let public = master
        .create_lock_bucket("copy-public", "allPublic", false)
        .await;
    let source = master
        .upload_text(&private, "src.txt", b"0123456789", &[])
        .await;
    let public_source = master.upload_text(&public, "pub.txt", b"abcdef", &[]).await;
    let started = master
        .ok(
            "b2_start_large_file",
            json!({"bucketId": private, "fileName": "joined.bin", "contentType": "application/octet-stream"}),
        )
        .await;
    let large_id = started["fileId"].as_str().unwrap().to_string();

    let whole = master
        .ok(
            "b2_copy_part",
            json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 1}),
        )
        .await;
    assert_same_shape("large_file.yaml", "b2_copy_part", 200, &whole);
    assert_eq!(whole["contentLength"], 10);
    assert_eq!(whole["contentSha1"], sha1_hex(b"0123456789"));
    assert_eq!(whole["contentMd5"], source["contentMd5"]);
    assert_eq!(whole["fileId"], large_id.as_str());
    assert_eq!(whole["partNumber"], 1);
    let ranged = master
        .ok(
            "b2_copy_part",
            json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 2,
                   "range": "bytes=2-5"}),
        )
        .await;
    assert_eq!(ranged["contentLength"], 4);
    assert_eq!(ranged["contentSha1"], sha1_hex(b"2345"));

    // A key with writeFiles but not readFiles copies only from public buckets.
    let writer = master.key_session(&["writeFiles"], None, None).await;
    let got = writer
        .call(
            "b2_copy_part",
            json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 3}),
        )
        .await;
    assert_error(&got, 401, "unauthorized");
    let third = writer
        .ok(
            "b2_copy_part",
            json!({"sourceFileId": public_source["fileId"], "largeFileId": large_id,
                   "partNumber": 3, "range": "bytes=4-5"}),
        )
        .await;
    assert_eq!(third["contentSha1"], sha1_hex(b"ef"));
    let reader = master.key_session(&["readFiles"], None, None).await;
    let got = reader
        .call(
            "b2_copy_part",
            json!({"sourceFileId": public_source["fileId"], "largeFileId": large_id, "partNumber": 4}),
        )
        .await;
    assert_error(&got, 401, "unauthorized");

    // Malformed requests.
    let hide = master
        .ok(
            "b2_hide_file",
            json!({"bucketId": public, "fileName": "pub.txt"}),
        )
        .await;
    let unknown_large = large_id.replace("_f2", "_f2f");
    #[rustfmt::skip]
    let table = [
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 0}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 10_001}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": "one"}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 1.5}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id}), 400, "bad_request"),
        (json!({"largeFileId": large_id, "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": "bad-id", "largeFileId": large_id, "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": "bad-id", "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": unknown_large, "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": hide["fileId"], "largeFileId": large_id, "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": source["fileId"], "partNumber": 4}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 4, "range": "2-5"}), 400, "bad_request"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 4, "range": "bytes=5-2"}), 416, "range_not_satisfiable"),
        (json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 4, "range": "bytes=0-10"}), 416, "range_not_satisfiable"),
    ];
    for (body, status, code) in table {
        let got = master.call("b2_copy_part", body.clone()).await;
        assert_error(&got, status, code);
        assert!(
            !got.1["message"].as_str().unwrap().is_empty(),
            "{body}: empty message"
        );
    }

    let parts = master
        .ok("b2_list_parts", json!({"fileId": large_id}))
        .await;
    assert_eq!(parts["parts"].as_array().unwrap().len(), 3);
    let finished = master
        .ok(
            "b2_finish_large_file",
            json!({"fileId": large_id, "partSha1Array": [
                sha1_hex(b"0123456789"), sha1_hex(b"2345"), sha1_hex(b"ef")]}),
        )
        .await;
    assert_eq!(finished["contentLength"], 16);
    let resp = master
        .get("/file/copy-private/joined.bin", Some(&master.token))
        .await;
    assert_eq!(resp.text().await.unwrap(), "01234567892345ef");
    // A finished file is no longer a target.
    let got = master
        .call(
            "b2_copy_part",
            json!({"sourceFileId": source["fileId"], "largeFileId": large_id, "partNumber": 4}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    // The large file can itself be a (ranged) source, across part boundaries.
    let copy = master
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": large_id, "fileName": "slice.txt", "range": "bytes=8-11"}),
        )
        .await;
    assert_eq!(copy["contentLength"], 4);
    assert_eq!(copy["contentSha1"], sha1_hex(b"8923"));
}

// ---------------------------------------------------------------- bad input

/// JSON calls with malformed input: every one is a 400 with the expected code and a
/// message naming the problem.
#[tokio::test]
async fn malformed_json_calls_are_400s() {
    let (_emu, master) = start().await;
    let bucket = master
        .create_lock_bucket("bad-input", "allPrivate", false)
        .await;
    let file = master.upload_text(&bucket, "f.txt", b"f", &[]).await;
    let file_id = file["fileId"].as_str().unwrap().to_string();
    let unknown_file = file_id.replace("_f1", "_f1f");
    let unknown_bucket = "0000000000ffaaaaaaaaaaaa";
    let started = master
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "big.bin", "contentType": "text/plain"}),
        )
        .await;
    let started_id = started["fileId"].as_str().unwrap().to_string();
    let account = master.account_id.clone();
    let long_name = "a".repeat(1025);
    let long_segment = format!("d/{}", "s".repeat(251));
    #[rustfmt::skip]
    let rows: Vec<(&str, Value, u16, &str, &str)> = vec![
        // Missing and wrong-typed fields.
        ("b2_list_file_names", json!({}), 400, "bad_request", "bucketId"),
        ("b2_list_file_names", json!({"bucketId": 7}), 400, "bad_request", "bucketId"),
        ("b2_get_file_info", json!({}), 400, "bad_request", "fileId"),
        ("b2_get_file_info", json!({"fileId": ["x"]}), 400, "bad_request", "fileId"),
        ("b2_hide_file", json!({"bucketId": bucket}), 400, "bad_request", "fileName"),
        ("b2_create_bucket", json!({"accountId": account, "bucketName": "new-bucket"}), 400, "bad_request", "bucketType"),
        ("b2_create_bucket", json!({"accountId": account, "bucketName": "new-bucket", "bucketType": "allWeird"}), 400, "bad_request", "bucketType"),
        ("b2_create_bucket", json!({"accountId": account, "bucketName": "new-bucket", "bucketType": "allPrivate", "fileLockEnabled": "sure"}), 400, "bad_request", "fileLockEnabled"),
        ("b2_create_bucket", json!({"accountId": account, "bucketName": "x", "bucketType": "allPrivate"}), 400, "bad_request", "bucketName"),
        ("b2_update_bucket", json!({"accountId": account, "bucketId": bucket, "ifRevisionIs": "one"}), 400, "bad_request", "ifRevisionIs"),
        ("b2_update_bucket", json!({"accountId": account, "bucketId": bucket, "bucketInfo": [1]}), 400, "bad_request", "bucketInfo"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin"}), 400, "bad_request", "contentType"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": [1]}), 400, "bad_request", "fileInfo"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": {"bad key": "v"}}), 400, "bad_request", "fileInfo"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": {"b2-unknown": "v"}}), 400, "bad_request", "b2-"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": {"k": 5}}), 400, "bad_request", "string"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": (0..11).map(|i| (format!("k{i}"), json!("v"))).collect::<serde_json::Map<_, _>>()}), 400, "bad_request", "too many"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "fileInfo": {"big": "v".repeat(7000)}}), 400, "bad_request", "too large"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text\u{1}plain"}), 400, "bad_request", "contentType"),
        ("b2_finish_large_file", json!({"fileId": "bad-id", "partSha1Array": []}), 400, "bad_request", "fileId"),
        ("b2_finish_large_file", json!({"fileId": file_id, "partSha1Array": "x"}), 400, "bad_request", "fileId"),
        ("b2_cancel_large_file", json!({"fileId": "bad-id"}), 400, "bad_request", "Invalid fileId: bad-id"),
        ("b2_list_parts", json!({"fileId": "bad-id"}), 400, "bad_request", "fileId"),
        ("b2_get_upload_part_url", json!({"fileId": unknown_file}), 400, "bad_request", "fileId"),
        // Bad names (§9.2).
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": ""}), 400, "bad_request", "empty"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": long_name}), 400, "bad_request", "1024"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": "a\u{1}b"}), 400, "bad_request", "control"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": "a\u{7f}b"}), 400, "bad_request", "control"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": "/lead"}), 400, "bad_request", "'/'"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": "trail/"}), 400, "bad_request", "'/'"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": "a//b"}), 400, "bad_request", "'//'"),
        ("b2_hide_file", json!({"bucketId": bucket, "fileName": long_segment}), 400, "bad_request", "250"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "x//y", "contentType": "text/plain"}), 400, "bad_request", "fileName"),
        ("b2_copy_file", json!({"sourceFileId": file_id, "fileName": "/abs"}), 400, "bad_request", "fileName"),
        // Unknown ids.
        ("b2_get_file_info", json!({"fileId": unknown_file}), 404, "not_found", "not present"),
        ("b2_get_file_info", json!({"fileId": "nonsense"}), 400, "bad_request", "fileId"),
        ("b2_list_file_names", json!({"bucketId": unknown_bucket}), 400, "bad_bucket_id", unknown_bucket),
        ("b2_get_upload_url", json!({"bucketId": unknown_bucket}), 400, "bad_bucket_id", unknown_bucket),
        ("b2_delete_bucket", json!({"accountId": account, "bucketId": unknown_bucket}), 400, "bad_bucket_id", unknown_bucket),
        ("b2_delete_key", json!({"applicationKeyId": "003nosuchkey"}), 400, "bad_request", "003nosuchkey"),
        ("b2_delete_file_version", json!({"fileId": unknown_file, "fileName": "f.txt"}), 400, "file_not_present", "f.txt"),
        ("b2_delete_file_version", json!({"fileId": file_id, "fileName": "other.txt"}), 400, "file_not_present", "other.txt"),
        ("b2_delete_file_version", json!({"fileId": "bad-id", "fileName": "f.txt"}), 400, "bad_request", "Invalid fileId: bad-id"),
        ("b2_delete_file_version", json!({"fileId": file_id, "fileName": "f.txt", "bypassGovernance": "perhaps"}), 400, "bad_request", "bypassGovernance"),
        ("b2_start_large_file", json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "text/plain", "customUploadTimestamp": -5}), 400, "bad_request", "customUploadTimestamp"),
        ("b2_copy_file", json!({"sourceFileId": unknown_file, "fileName": "c.txt"}), 400, "bad_request", "sourceFileId"),
        ("b2_copy_file", json!({"sourceFileId": file_id, "fileName": "c.txt", "destinationBucketId": unknown_bucket}), 400, "bad_bucket_id", unknown_bucket),
        // Counts.
        ("b2_list_file_names", json!({"bucketId": bucket, "maxFileCount": -1}), 400, "out_of_range", "maxFileCount"),
        ("b2_list_file_names", json!({"bucketId": bucket, "maxFileCount": 10_001}), 400, "out_of_range", "maxFileCount"),
        ("b2_list_file_versions", json!({"bucketId": bucket, "maxFileCount": 1e30}), 400, "bad_request", "maxFileCount"),
        ("b2_list_file_versions", json!({"bucketId": bucket, "maxFileCount": "many"}), 400, "bad_request", "maxFileCount"),
        ("b2_list_unfinished_large_files", json!({"bucketId": bucket, "maxFileCount": 101}), 400, "out_of_range", "maxFileCount"),
        ("b2_list_keys", json!({"accountId": account, "maxKeyCount": 10_001}), 400, "out_of_range", "maxKeyCount"),
        ("b2_list_parts", json!({"fileId": started_id, "maxPartCount": -5}), 400, "out_of_range", "maxPartCount"),
        ("b2_list_parts", json!({"fileId": started_id, "maxPartCount": 1001}), 400, "out_of_range", "maxPartCount"),
        ("b2_list_parts", json!({"fileId": started_id, "startPartNumber": 0}), 400, "bad_request", "startPartNumber"),
        ("b2_list_parts", json!({"fileId": started_id, "startPartNumber": 10_001}), 400, "bad_request", "startPartNumber"),
        ("b2_list_parts", json!({"fileId": file_id}), 400, "bad_request", "fileId"),
        ("b2_finish_large_file", json!({"fileId": started_id, "partSha1Array": [sha1_hex(b"x")]}), 400, "bad_request", "at least 2 parts"),
        ("b2_finish_large_file", json!({"fileId": started_id, "partSha1Array": [sha1_hex(b"x"), sha1_hex(b"y")]}), 400, "missing_part", "1"),
        ("b2_finish_large_file", json!({"fileId": started_id, "partSha1Array": [1]}), 400, "bad_request", "partSha1Array"),
        ("b2_finish_large_file", json!({"fileId": started_id}), 400, "bad_request", "partSha1Array"),
        // Bucket types.
        ("b2_list_buckets", json!({"accountId": account, "bucketTypes": ["bogus"]}), 400, "bad_request", "bogus"),
        ("b2_list_buckets", json!({"accountId": account, "bucketTypes": []}), 400, "bad_request", "bucketTypes"),
        ("b2_list_buckets", json!({"accountId": account, "bucketTypes": ["all", "allPublic"]}), 400, "bad_request", "all"),
        ("b2_list_buckets", json!({"accountId": account, "bucketTypes": "allPublic,"}), 200, "", ""),
        ("b2_list_buckets", json!({"accountId": account, "bucketTypes": [5]}), 400, "bad_request", "bucketTypes"),
        // Keys.
        ("b2_create_key", json!({"accountId": account, "keyName": "k", "capabilities": ["flyAway"]}), 400, "bad_request", "flyAway"),
        ("b2_create_key", json!({"accountId": account, "keyName": "k", "capabilities": []}), 400, "bad_request", "capabilities"),
        ("b2_create_key", json!({"accountId": account, "keyName": "bad name", "capabilities": ["listFiles"]}), 400, "bad_request", "keyName"),
        ("b2_create_key", json!({"accountId": account, "keyName": "k", "capabilities": ["listFiles"], "validDurationInSeconds": 0}), 400, "bad_request", "validDurationInSeconds"),
    ];
    for (endpoint, body, status, code, needle) in rows {
        let (got_status, got) = master.call(endpoint, body.clone()).await;
        assert_eq!(got_status, status, "{endpoint} {body}: {got}");
        if status == 200 {
            continue;
        }
        assert_eq!(got["code"], code, "{endpoint} {body}: {got}");
        let message = got["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{endpoint} {body}: message {message:?} does not name {needle:?}"
        );
    }

    // Bodies that are not JSON objects.
    for raw in ["{", "[1,2]", "\"text\"", "{\"bucketId\": }", "\u{feff}{}"] {
        let resp = master
            .http
            .post(format!("{}/b2api/v3/b2_list_file_names", master.url))
            .header("Authorization", &master.token)
            .header("Content-Type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let got = answer(resp).await;
        assert_error(&got, 400, "bad_json");
    }
    // Query strings: bad percent-encoding, and GET with the same fields.
    let got = answer(
        master
            .get(
                &format!("/b2api/v3/b2_list_file_names?bucketId=%ZZ{bucket}"),
                Some(&master.token),
            )
            .await,
    )
    .await;
    assert_error(&got, 400, "bad_request");
    let got = answer(
        master
            .get(
                &format!("/b2api/v3/b2_list_file_names?bucketId={bucket}&maxFileCount=-3"),
                Some(&master.token),
            )
            .await,
    )
    .await;
    assert_error(&got, 400, "out_of_range");
    let got = answer(
        master
            .get(
                "/b2api/v3/b2_download_file_by_id?fileId=%E8%87",
                Some(&master.token),
            )
            .await,
    )
    .await;
    assert_error(&got, 400, "bad_request");
    let got = answer(
        master
            .get("/file/bad-input/f%G1.txt", Some(&master.token))
            .await,
    )
    .await;
    assert_error(&got, 400, "bad_request");
}

/// Uploads with malformed names and headers: 400s naming the problem.
#[tokio::test]
async fn malformed_uploads_are_400s() {
    let (_emu, master) = start().await;
    let bucket = master
        .create_lock_bucket("bad-uploads", "allPrivate", false)
        .await;
    let long = "a".repeat(1025);
    let segment = format!("d/{}", "s".repeat(251));
    let many: Vec<(String, String)> = (0..11)
        .map(|i| (format!("X-Bz-Info-k{i}"), "v".to_string()))
        .collect();
    let big = "v".repeat(7000);
    let long_key = format!("X-Bz-Info-{}", "k".repeat(51));
    type Headers<'a> = Vec<(&'a str, &'a str)>;
    #[rustfmt::skip]
    let cases: Vec<(&str, Headers, &str)> = vec![
        ("", vec![], "empty"),
        (&long, vec![], "1024"),
        ("a%01b", vec![], "control"),
        ("a%7Fb", vec![], "control"),
        ("/lead", vec![], "'/'"),
        ("trail/", vec![], "'/'"),
        ("a//b", vec![], "'//'"),
        (&segment, vec![], "250"),
        ("bad%G1", vec![], "percent"),
        ("bad%E8%87", vec![], "UTF-8"),
        ("bad%4", vec![], "percent"),
        ("ok.txt", many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(), "too many"),
        ("ok.txt", vec![("X-Bz-Info-big", big.as_str())], "too large"),
        ("ok.txt", vec![("X-Bz-Info-b2-bogus", "v")], "b2-"),
        ("ok.txt", vec![(long_key.as_str(), "v")], "fileInfo key"),
        ("ok.txt", vec![("X-Bz-Info-k", "%ZZ")], "percent"),
        ("ok.txt", vec![("Content-Disposition", "inline")], "content-disposition"),
        ("ok.txt", vec![("X-Bz-Custom-Upload-Timestamp", "yesterday")], "Timestamp"),
        ("ok.txt", vec![("X-Bz-Custom-Upload-Timestamp", "-1")], "Timestamp"),
        ("ok.txt", vec![("X-Bz-Custom-Upload-Timestamp", "99999999999999")], "future"),
    ];
    for (name, headers, needle) in cases {
        let got = master.upload_raw(&bucket, name, b"data", &headers).await;
        assert_eq!(got.0, 400, "{name:.40} {headers:.80?}: {}", got.1);
        assert_eq!(got.1["code"], "bad_request", "{name:.40}: {}", got.1);
        let message = got.1["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{name:.40} {headers:.80?}: message {message:?} does not name {needle:?}"
        );
    }
    // Exactly ten info headers are fine.
    let ten: Vec<(String, String)> = (0..10)
        .map(|i| (format!("X-Bz-Info-k{i}"), "v".to_string()))
        .collect();
    let ten: Vec<(&str, &str)> = ten.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (status, body) = master.upload_raw(&bucket, "ten.txt", b"data", &ten).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["fileInfo"].as_object().unwrap().len(), 10);

    // Part numbers on b2_upload_part.
    let started = master
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "parts.bin", "contentType": "text/plain"}),
        )
        .await;
    let part_url = master
        .ok(
            "b2_get_upload_part_url",
            json!({"fileId": started["fileId"]}),
        )
        .await;
    for number in ["0", "10001", "one", "-1", ""] {
        let resp = master
            .http
            .post(part_url["uploadUrl"].as_str().unwrap())
            .header(
                "Authorization",
                part_url["authorizationToken"].as_str().unwrap(),
            )
            .header("X-Bz-Part-Number", number)
            .header("X-Bz-Content-Sha1", sha1_hex(b"p"))
            .body(b"p".to_vec())
            .send()
            .await
            .unwrap();
        let got = answer(resp).await;
        assert_error(&got, 400, "bad_request");
        assert!(
            got.1["message"].as_str().unwrap().contains("Part-Number"),
            "{number}: {}",
            got.1
        );
    }
}

// ---------------------------------------------------------------- token lifetime

#[tokio::test]
async fn token_lifetime_follows_the_emulator_clock() {
    let (emu, master) = start_with(Config {
        token_lifetime: Duration::from_secs(60),
        ..Config::default()
    })
    .await;
    let bucket = master
        .create_lock_bucket("short-lived", "allPrivate", false)
        .await;
    let upload = master
        .ok("b2_get_upload_url", json!({"bucketId": bucket}))
        .await;
    admin(&emu, "advance_clock", json!({"seconds": 59})).await;
    master
        .ok("b2_list_buckets", json!({"accountId": master.account_id}))
        .await;
    admin(&emu, "advance_clock", json!({"seconds": 2})).await;
    let got = master
        .call("b2_list_buckets", json!({"accountId": master.account_id}))
        .await;
    assert_error(&got, 401, "expired_auth_token");
    let resp = master
        .http
        .post(upload["uploadUrl"].as_str().unwrap())
        .header(
            "Authorization",
            upload["authorizationToken"].as_str().unwrap(),
        )
        .header("X-Bz-File-Name", "late.txt")
        .header("Content-Type", "text/plain")
        .header("X-Bz-Content-Sha1", sha1_hex(b"late"))
        .body(b"late".to_vec())
        .send()
        .await
        .unwrap();
    assert_error(&answer(resp).await, 401, "expired_auth_token");
    // A fresh authorization works again.
    let again = Session::master(&emu).await;
    again
        .ok("b2_list_buckets", json!({"accountId": again.account_id}))
        .await;
}

/// `b2tui serve --token-lifetime N`: the real binary, with the clock moved by the admin hook.
#[tokio::test]
async fn serve_flag_token_lifetime_end_to_end() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let (key_id, key) = ("0012servetest0000000000a", "K001servetestsecret");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_b2tui"))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--key-id",
            key_id,
            "--key",
            key,
            "--token-lifetime",
            "30",
        ])
        .env_remove("B2_APPLICATION_KEY_ID")
        .env_remove("B2_APPLICATION_KEY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let (token, account_id) = wait::until_async(
        Duration::from_secs(10),
        "b2tui serve to answer authorize",
        || async {
            let resp = http
                .get(format!("{url}/b2api/v3/b2_authorize_account"))
                .basic_auth(key_id, Some(key))
                .send()
                .await
                .ok()
                .filter(|resp| resp.status() == 200)?;
            let auth: Value = resp.json().await.unwrap();
            Some((
                auth["authorizationToken"].as_str().unwrap().to_string(),
                auth["accountId"].as_str().unwrap().to_string(),
            ))
        },
    )
    .await;
    let list = |token: String| {
        let http = http.clone();
        let url = url.clone();
        let account_id = account_id.clone();
        async move {
            answer(
                http.post(format!("{url}/b2api/v3/b2_list_buckets"))
                    .header("Authorization", token)
                    .json(&json!({"accountId": account_id}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    assert_eq!(list(token.clone()).await.0, 200);
    let resp = http
        .post(format!("{url}/b2tui-admin/v1/advance_clock"))
        .basic_auth(key_id, Some(key))
        .json(&json!({"seconds": 31}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_error(&list(token).await, 401, "expired_auth_token");
    child.start_kill().unwrap();
    let _ = child.wait().await;
}

#[tokio::test]
async fn lifecycle_never_deletes_locked_versions() {
    let (emu, master) = start().await;
    let bucket = master
        .create_lock_bucket("locked-rules", "allPrivate", true)
        .await;
    let now = server_now(&emu).await;
    let until = (now + 30 * DAY_MS).to_string();
    let retained = [
        ("X-Bz-File-Retention-Mode", "governance"),
        ("X-Bz-File-Retention-Retain-Until-Timestamp", until.as_str()),
    ];
    master
        .upload_text(&bucket, "kept.txt", b"old retained", &retained)
        .await;
    master.upload_text(&bucket, "kept.txt", b"new", &[]).await;
    master
        .upload_text(
            &bucket,
            "held.txt",
            b"old held",
            &[("X-Bz-File-Legal-Hold", "on")],
        )
        .await;
    master.upload_text(&bucket, "held.txt", b"new", &[]).await;
    master
        .upload_text(&bucket, "free.txt", b"old free", &[])
        .await;
    master.upload_text(&bucket, "free.txt", b"new", &[]).await;
    master
        .ok(
            "b2_update_bucket",
            json!({"accountId": master.account_id, "bucketId": bucket,
                   "lifecycleRules": [{"fileNamePrefix": "", "daysFromHidingToDeleting": 1,
                                       "daysFromUploadingToHiding": null}]}),
        )
        .await;
    admin(&emu, "advance_clock", json!({"seconds": 3 * 86_400})).await;
    let master = Session::master(&emu).await; // the old token expired with the clock
    let listed = master
        .ok(
            "b2_list_file_versions",
            json!({"bucketId": bucket, "maxFileCount": 100}),
        )
        .await;
    let names: Vec<&str> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fileName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["free.txt", "held.txt", "held.txt", "kept.txt", "kept.txt"],
        "the unlocked old version goes, retained and held ones stay"
    );
}
