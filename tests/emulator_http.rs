//! The local B2 server over raw HTTP: shapes, round trips, listing pages, errors, faults,
//! persistence and the demo seed. Shapes are compared with the recorded real responses
//! in `../shared/b2-recordings/`, which must be present.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use b2tui::emulator::{self, Config, Emulator};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
mod common;

use common::raw::{Session, authorize_raw, encode, key_paths, sha1_hex, start};
use common::{recordings, wait};

// ---------------------------------------------------------------- recordings

#[test]
#[should_panic(expected = "cannot read the B2 recording")]
fn shape_checks_fail_without_their_recording() {
    recordings::bodies("no-such-recording.yaml", "b2_list_buckets", 200);
}

#[test]
#[should_panic(expected = "no recorded 200 answer to b2_no_such_call")]
fn shape_checks_fail_without_a_recorded_answer() {
    recordings::first("file.yaml", "b2_no_such_call", 200);
}

/// Every field of the first recorded answer exists in ours (we may add fields).
fn assert_shape_like_recording(file: &str, endpoint: &str, ours: &Value) {
    let recorded = recordings::first(file, endpoint, 200);
    let mut mine = BTreeSet::new();
    key_paths(ours, "", &mut mine);
    let mut theirs = BTreeSet::new();
    key_paths(&recorded, "", &mut theirs);
    let missing: Vec<_> = theirs.difference(&mine).collect();
    assert!(
        missing.is_empty(),
        "{endpoint}: fields missing compared with the recording: {missing:?}\nours: {ours}"
    );
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn authorize_shapes_per_version() {
    let emu = emulator::spawn(Config::default(), "127.0.0.1:0")
        .await
        .unwrap();
    for version in [1u8, 2] {
        let (status, v) =
            authorize_raw(&emu.url, &emu.master_key_id, &emu.master_key, version).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["apiUrl"], json!(emu.url));
        assert_eq!(v["downloadUrl"], json!(emu.url));
        assert_eq!(v["minimumPartSize"], json!(100_000_000));
        assert_eq!(v["absoluteMinimumPartSize"], json!(5_000_000));
        assert!(
            v["allowed"]["capabilities"]
                .as_array()
                .unwrap()
                .contains(&json!("writeKeys"))
        );
        assert!(v["allowed"]["bucketId"].is_null());
        assert_shape_like_recording("auth_account.yaml", "b2_authorize_account", &v);
    }
    let (_, v3) = authorize_raw(&emu.url, &emu.master_key_id, &emu.master_key, 3).await;
    let storage = &v3["apiInfo"]["storageApi"];
    assert_eq!(storage["apiUrl"], json!(emu.url));
    assert_eq!(storage["infoType"], json!("storageApi"));
    assert!(storage["bucketId"].is_null() && storage["namePrefix"].is_null());
    assert!(storage["capabilities"].as_array().unwrap().len() >= 24);
    assert!(storage["s3ApiUrl"].is_string());
    assert!(v3["applicationKeyExpirationTimestamp"].is_null());
    assert_eq!(v3["accountId"].as_str().unwrap().len(), 12);

    let (_, v4) = authorize_raw(&emu.url, &emu.master_key_id, &emu.master_key, 4).await;
    let storage = &v4["apiInfo"]["storageApi"];
    assert!(storage["allowed"]["buckets"].is_null());
    assert!(storage["allowed"]["capabilities"].is_array());
    assert!(storage.get("bucketId").is_none());

    // The account id works as the master key id.
    let account = v3["accountId"].as_str().unwrap();
    let (status, _) = authorize_raw(&emu.url, account, &emu.master_key, 3).await;
    assert_eq!(status, StatusCode::OK);
    let (status, bad) = authorize_raw(&emu.url, &emu.master_key_id, "wrong", 3).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad["status"], json!(401));

    // POST works as well as GET.
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", emu.master_key_id, emu.master_key));
    let resp = reqwest::Client::new()
        .post(format!("{}/b2api/v3/b2_authorize_account", emu.url))
        .header("Authorization", format!("Basic {basic}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn upload_list_download_round_trip() {
    let (_emu, s) = start().await;
    let bucket = s.create_bucket("round-trip", "allPrivate").await;
    let data = b"hello, local B2\n";
    let name = "dir/h\u{e9}llo w+rld.txt";
    let (status, up) = s
        .upload_with(
            &bucket,
            name,
            data,
            &[
                ("X-Bz-Info-src_last_modified_millis", "1700000000000"),
                ("X-Bz-Info-Author", "J%C3%B6rg+M"),
                ("X-Bz-Info-b2-content-disposition", "attachment"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!(up["action"], json!("upload"));
    assert_eq!(up["fileName"], json!(name));
    assert_eq!(up["contentSha1"], json!(sha1_hex(data)));
    assert_eq!(up["contentType"], json!("text/plain"));
    assert_eq!(up["contentLength"], json!(data.len()));
    assert_eq!(up["fileInfo"]["author"], json!("Jörg M"));
    let file_id = up["fileId"].as_str().unwrap().to_string();
    assert!(file_id.starts_with(&format!("4_z{bucket}_f1")), "{file_id}");
    assert_shape_like_recording("file.yaml", "b2_upload_file", &up);

    let info = s.ok("b2_get_file_info", json!({"fileId": file_id})).await;
    assert_eq!(info, up);

    let names = s
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_eq!(names["files"].as_array().unwrap().len(), 1);
    assert_eq!(names["files"][0]["fileId"], json!(file_id));
    assert!(names["nextFileName"].is_null());
    assert_shape_like_recording("file.yaml", "b2_list_file_names", &names);
    let versions = s
        .ok("b2_list_file_versions", json!({"bucketId": bucket}))
        .await;
    assert_shape_like_recording("file.yaml", "b2_list_file_versions", &versions);

    // v1 listings carry `size` too.
    let (_, v1) = s
        .call_v(1, "b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_eq!(v1["files"][0]["size"], json!(data.len()));

    let resp = s
        .download(&format!("/file/round-trip/{}", encode(name)))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert_eq!(h["x-bz-file-id"], file_id.as_str());
    assert_eq!(h["x-bz-content-sha1"], sha1_hex(data).as_str());
    assert_eq!(h["content-disposition"], "attachment");
    assert!(h.get("x-bz-info-b2-content-disposition").is_none());
    assert_eq!(h["x-bz-info-src_last_modified_millis"], "1700000000000");
    assert_eq!(
        h["x-bz-upload-timestamp"],
        up["uploadTimestamp"].to_string().as_str()
    );
    let raw_name = h["x-bz-file-name"].to_str().unwrap().replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&raw_name)
        .decode_utf8()
        .unwrap();
    assert_eq!(decoded, name);
    let body = resp.bytes().await.unwrap();
    assert_eq!(&body[..], data);

    // Minimal form with `+` as space, and by id (GET query and POST JSON).
    let resp = s
        .download("/file/round-trip/dir/h%C3%A9llo+w%2Brld.txt")
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = s
        .download(&format!(
            "/b2api/v3/b2_download_file_by_id?fileId={file_id}"
        ))
        .await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), data);
    let resp = s
        .http
        .post(format!("{}/b2api/v2/b2_download_file_by_id", s.url))
        .header("Authorization", &s.token)
        .json(&json!({"fileId": file_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), data);

    // Token in the query string; HEAD gives headers only.
    let resp = reqwest::get(format!(
        "{}/file/round-trip/{}?Authorization={}",
        s.url,
        encode(name),
        s.token
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = s
        .http
        .head(format!("{}/file/round-trip/{}", s.url, encode(name)))
        .header("Authorization", &s.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-length"],
        data.len().to_string().as_str()
    );
    assert!(resp.bytes().await.unwrap().is_empty());

    // Private bucket without a token → 401; unknown names → 404.
    let resp = reqwest::get(format!("{}/file/round-trip/{}", s.url, encode(name)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = s.download("/file/round-trip/nope.txt").await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], json!("not_found"));

    // Public buckets need no token.
    let public = s.create_bucket("public-one", "allPublic").await;
    s.upload(&public, "index.html", b"<h1>hi</h1>").await;
    let resp = reqwest::get(format!("{}/file/public-one/index.html", s.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/html");

    // hex_digits_at_end and GET-style JSON calls.
    let (url, token) = s.upload_url(&bucket).await;
    let mut body = b"tail-checked".to_vec();
    body.extend_from_slice(sha1_hex(b"tail-checked").as_bytes());
    let resp = s
        .http
        .post(url)
        .header("Authorization", token)
        .header("X-Bz-File-Name", "tail.bin")
        .header("Content-Type", "application/octet-stream")
        .header("X-Bz-Content-Sha1", "hex_digits_at_end")
        .body(body)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["contentLength"], json!(12), "{v}");
    assert_eq!(v["contentSha1"], json!(sha1_hex(b"tail-checked")));
    let resp = s
        .http
        .get(format!(
            "{}/b2api/v3/b2_list_file_names?bucketId={bucket}&maxFileCount=1",
            s.url
        ))
        .header("Authorization", &s.token)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["files"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["nextFileName"], json!("tail.bin"));
}

#[tokio::test]
async fn ranges_and_errors() {
    let (emu, s) = start().await;
    let bucket = s.create_bucket("errors-bucket", "allPrivate").await;
    s.upload(&bucket, "ten.txt", b"Some text\n").await;

    let resp = s
        .http
        .get(format!("{}/file/errors-bucket/ten.txt", s.url))
        .header("Authorization", &s.token)
        .header("Range", "bytes=5-8")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], "bytes 5-8/10");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"text");
    let resp = s
        .http
        .get(format!("{}/file/errors-bucket/ten.txt", s.url))
        .header("Authorization", &s.token)
        .header("Range", "bytes=10-20")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], json!("range_not_satisfiable"));

    let code = |v: &Value| v["code"].as_str().unwrap_or_default().to_string();
    let list = json!({"bucketId": bucket, "maxFileCount": 10_001});
    let (status, v) = s.call("b2_list_file_names", list).await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "out_of_range".into())
    );
    assert_eq!(v["status"], json!(400));
    let (status, v) = s
        .call(
            "b2_list_file_names",
            json!({"bucketId": bucket, "maxFileCount": -1}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "out_of_range".into())
    );
    let (status, v) = s
        .call(
            "b2_list_file_names",
            json!({"bucketId": bucket, "maxFileCount": "x"}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let (status, v) = s
        .call(
            "b2_list_file_names",
            json!({"bucketId": "000000000099aaaaaaaaaaaa"}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "bad_bucket_id".into())
    );
    let (status, v) = s
        .call(
            "b2_list_file_versions",
            json!({"bucketId": bucket, "startFileId": "4_zx_f1"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, v) = s
        .call(
            "b2_list_file_versions",
            json!({"bucketId": bucket, "startFileName": "a", "startFileId": "4_zx_f1"}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "invalid_file_id".into())
    );
    let (status, v) = s.call("b2_get_file_info", json!({"fileId": format!("4_z{bucket}_f1000000000000999_d20260101_m000000_c000_v0001000_t0999")})).await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let (status, v) = s.call("b2_create_bucket", json!({"accountId": s.account_id, "bucketName": "errors-bucket", "bucketType": "allPrivate"})).await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "duplicate_bucket_name".into())
    );
    let (status, v) = s
        .call(
            "b2_create_bucket",
            json!({"accountId": s.account_id, "bucketName": "x", "bucketType": "allPrivate"}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let (status, v) = s
        .call(
            "b2_delete_bucket",
            json!({"accountId": s.account_id, "bucketId": bucket}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (
            StatusCode::BAD_REQUEST,
            "cannot_delete_non_empty_bucket".into()
        )
    );

    // Bucket revision: update bumps it; a stale ifRevisionIs conflicts.
    let b = s
        .ok(
            "b2_list_buckets",
            json!({"accountId": s.account_id, "bucketName": "errors-bucket"}),
        )
        .await;
    let rev = b["buckets"][0]["revision"].as_i64().unwrap();
    assert_shape_like_recording("buckets.yaml", "b2_list_buckets", &b);
    let upd = s.ok("b2_update_bucket", json!({"accountId": s.account_id, "bucketId": bucket, "bucketType": "allPublic", "ifRevisionIs": rev})).await;
    assert_eq!(upd["revision"], json!(rev + 1));
    assert_eq!(upd["bucketType"], json!("allPublic"));
    let (status, v) = s
        .call(
            "b2_update_bucket",
            json!({"accountId": s.account_id, "bucketId": bucket, "ifRevisionIs": rev}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::CONFLICT, "conflict".into())
    );
    let (status, v) = s
        .call(
            "b2_list_buckets",
            json!({"accountId": s.account_id, "bucketTypes": ["all", "allPrivate"]}),
        )
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );

    // Upload errors: bad name, SHA-1 mismatch, missing headers.
    let (status, v) = s.upload_with(&bucket, "a//b", b"x", &[]).await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let (url, token) = s.upload_url(&bucket).await;
    let resp = s
        .http
        .post(&url)
        .header("Authorization", &token)
        .header("X-Bz-File-Name", "bad-sha.txt")
        .header("Content-Type", "text/plain")
        .header("X-Bz-Content-Sha1", sha1_hex(b"other"))
        .body("content")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), "bad_request");
    let resp = s
        .http
        .post(&url)
        .header("Authorization", "nonsense")
        .header("X-Bz-File-Name", "x")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // Tokens: unknown, missing, expired by the admin hook and by the clock.
    let bad = s.with_token("not-a-token");
    let (status, v) = bad
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::UNAUTHORIZED, "bad_auth_token".into())
    );
    let resp = s
        .http
        .post(format!("{}/b2api/v3/b2_list_buckets", s.url))
        .json(&json!({"accountId": s.account_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = s.admin_raw("expire_tokens", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = s
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::UNAUTHORIZED, "expired_auth_token".into())
    );
    let s2 = Session::master(&emu).await;
    s2.ok("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    s2.admin_raw("advance_clock", json!({"seconds": 25 * 3600}))
        .await;
    let (status, v) = s2
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::UNAUTHORIZED, "expired_auth_token".into())
    );
    let s3 = Session::master(&emu).await;

    // Routing errors.
    let (status, v) = s3.call("b2_no_such_call", json!({})).await;
    assert_eq!(
        (status, code(&v)),
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    let resp = s3
        .http
        .put(format!("{}/b2api/v3/b2_list_buckets", s3.url))
        .header("Authorization", &s3.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let resp = s3
        .http
        .post(format!("{}/b2api/v3/b2_list_buckets", s3.url))
        .header("Authorization", &s3.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(code(&v), "bad_json");
    let (status, v) = s3.call("b2_list_file_names", json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().contains("bucketId"), "{v}");
}

#[tokio::test]
async fn one_upload_at_a_time_per_token() {
    let (_emu, s) = start().await;
    let bucket = s.create_bucket("concurrent", "allPrivate").await;
    let (url, token) = s.upload_url(&bucket).await;
    let data = vec![7u8; 64 * 1024];
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let first = {
        let req = s
            .http
            .post(&url)
            .header("Authorization", &token)
            .header("X-Bz-File-Name", "slow.bin")
            .header("Content-Type", "application/octet-stream")
            .header("X-Bz-Content-Sha1", sha1_hex(&data))
            .header("Content-Length", data.len().to_string())
            .body(reqwest::Body::wrap_stream(stream));
        tokio::spawn(req.send())
    };
    tx.send(Ok(data[..1024].to_vec())).await.unwrap();
    // Wait until the first upload holds the token. A probe with an invalid file name
    // stores nothing: it is refused for its name while the token is free, and with
    // auth_token_limit (checked first) once the first upload holds it.
    wait::until_async(
        Duration::from_secs(10),
        "the first upload to hold its token",
        || async {
            let probe = s
                .http
                .post(&url)
                .header("Authorization", &token)
                .header("X-Bz-File-Name", "probe//name")
                .body("")
                .send()
                .await
                .unwrap();
            let v: Value = probe.json().await.unwrap();
            (v["code"] == "auth_token_limit").then_some(())
        },
    )
    .await;
    let resp = s
        .http
        .post(&url)
        .header("Authorization", &token)
        .header("X-Bz-File-Name", "second.txt")
        .header("Content-Type", "text/plain")
        .header("X-Bz-Content-Sha1", sha1_hex(b"2"))
        .body("2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], json!("auth_token_limit"));
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("more than one upload using auth token")
    );
    tx.send(Ok(data[1024..].to_vec())).await.unwrap();
    drop(tx);
    let resp = first.await.unwrap().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Sequential reuse of the token works once the first upload is done.
    let resp = s
        .http
        .post(&url)
        .header("Authorization", &token)
        .header("X-Bz-File-Name", "third.txt")
        .header("Content-Type", "text/plain")
        .header("X-Bz-Content-Sha1", sha1_hex(b"3"))
        .body("3")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn hide_unhide_and_delete_versions() {
    let (_emu, s) = start().await;
    let bucket = s.create_bucket("hiding", "allPrivate").await;
    let v1 = s.upload(&bucket, "doc.txt", b"one").await;
    let v2 = s.upload(&bucket, "doc.txt", b"two").await;
    let hide = s
        .ok(
            "b2_hide_file",
            json!({"bucketId": bucket, "fileName": "doc.txt"}),
        )
        .await;
    assert_eq!(hide["action"], json!("hide"));
    assert_eq!(hide["contentType"], json!("application/x-bz-hide-marker"));
    assert!(hide.get("fileRetention").is_none());
    assert_shape_like_recording("file.yaml", "b2_hide_file", &hide);
    let (status, v) = s
        .call(
            "b2_hide_file",
            json!({"bucketId": bucket, "fileName": "doc.txt"}),
        )
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("already_hidden"))
    );
    let (status, v) = s
        .call(
            "b2_hide_file",
            json!({"bucketId": bucket, "fileName": "none.txt"}),
        )
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("no_such_file"))
    );

    let names = s
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert!(names["files"].as_array().unwrap().is_empty());
    assert_eq!(
        s.download("/file/hiding/doc.txt").await.status(),
        StatusCode::NOT_FOUND
    );
    let versions = s
        .ok("b2_list_file_versions", json!({"bucketId": bucket}))
        .await;
    let actions: Vec<_> = versions["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["action"].clone())
        .collect();
    assert_eq!(
        actions,
        vec![json!("hide"), json!("upload"), json!("upload")]
    );

    // Unhide = delete the hide marker.
    let del = s
        .ok(
            "b2_delete_file_version",
            json!({"fileName": "doc.txt", "fileId": hide["fileId"]}),
        )
        .await;
    assert_eq!(
        del,
        json!({"fileId": hide["fileId"], "fileName": "doc.txt"})
    );
    let resp = s.download("/file/hiding/doc.txt").await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"two");
    // Deleting the newest makes the older current.
    s.ok(
        "b2_delete_file_version",
        json!({"fileName": "doc.txt", "fileId": v2["fileId"]}),
    )
    .await;
    let resp = s.download("/file/hiding/doc.txt").await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"one");
    let (status, v) = s
        .call(
            "b2_delete_file_version",
            json!({"fileName": "doc.txt", "fileId": v2["fileId"]}),
        )
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("file_not_present"))
    );
    let (status, _) = s
        .call(
            "b2_delete_file_version",
            json!({"fileName": "other.txt", "fileId": v1["fileId"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

// ---------------------------------------------------------------- listing model

/// An independent model of a bucket: name → versions newest first (action, fileId).
type Model = BTreeMap<String, Vec<(String, String)>>;

/// (fileName, action, fileId or "") as the listing should show it.
type Row = (String, String, String);

fn expected_names(model: &Model, prefix: &str, delimiter: Option<&str>) -> Vec<Row> {
    let visible = |name: &str| model[name][0].0 == "upload";
    let mut out: Vec<Row> = Vec::new();
    for name in model.keys().filter(|n| n.starts_with(prefix)) {
        let rest = &name[prefix.len()..];
        if let Some(d) = delimiter
            && let Some(at) = rest.find(d)
        {
            let folder = format!("{prefix}{}", &rest[..at + d.len()]);
            let any = model.keys().any(|n| n.starts_with(&folder) && visible(n));
            if any && out.last().is_none_or(|r| r.0 != folder) {
                out.push((folder, "folder".into(), String::new()));
            }
            continue;
        }
        if visible(name) {
            out.push((name.clone(), "upload".into(), model[name][0].1.clone()));
        }
    }
    out
}

fn expected_versions(model: &Model, prefix: &str, delimiter: Option<&str>) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for (name, versions) in model.iter().filter(|(n, _)| n.starts_with(prefix)) {
        let rest = &name[prefix.len()..];
        if let Some(d) = delimiter
            && let Some(at) = rest.find(d)
        {
            let folder = format!("{prefix}{}", &rest[..at + d.len()]);
            if out.last().is_none_or(|r| r.0 != folder) {
                out.push((folder, "folder".into(), String::new()));
            }
            continue;
        }
        for (action, id) in versions {
            out.push((name.clone(), action.clone(), id.clone()));
        }
    }
    out
}

fn rows(files: &Value) -> Vec<Row> {
    files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["fileName"].as_str().unwrap().to_string(),
                f["action"].as_str().unwrap().to_string(),
                f["fileId"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Pages through a listing with `page` entries per call; checks every page's size.
async fn page_through(
    s: &Session,
    bucket: &str,
    versions: bool,
    prefix: &str,
    delimiter: Option<&str>,
    page: usize,
) -> Vec<Row> {
    let endpoint = if versions {
        "b2_list_file_versions"
    } else {
        "b2_list_file_names"
    };
    let mut all = Vec::new();
    let mut start_name: Option<String> = None;
    let mut start_id: Option<String> = None;
    for _ in 0..1000 {
        let mut body = json!({"bucketId": bucket, "maxFileCount": page, "prefix": prefix});
        if let Some(d) = delimiter {
            body["delimiter"] = json!(d);
        }
        if let Some(n) = &start_name {
            body["startFileName"] = json!(n);
        }
        if let Some(id) = &start_id {
            body["startFileId"] = json!(id);
        }
        let v = s.ok(endpoint, body).await;
        let got = rows(&v["files"]);
        assert!(got.len() <= page, "page larger than maxFileCount");
        all.extend(got.clone());
        match v["nextFileName"].as_str() {
            None => return all,
            Some(next) => {
                assert_eq!(got.len(), page, "short page before the end");
                start_name = Some(next.to_string());
                start_id = v
                    .get("nextFileId")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
        }
    }
    panic!("listing did not end");
}

#[tokio::test]
async fn listing_pages_match_model() {
    let (_emu, s) = start().await;
    let bucket = s.create_bucket("listing", "allPrivate").await;
    let names = [
        "a",
        "a b",
        "a+b",
        "a-b",
        "a.b",
        "a/b",
        "a/b/c",
        "a/c/d",
        "a/c/e",
        "a0",
        "a/z",
        "b/é/x",
        "b/z",
        "é/x",
        "日本/語.txt",
        "z",
        "hidden/only.txt",
        "mixed/gone.txt",
        "mixed/kept.txt",
        "a/\u{10400}",
        "a/~",
    ];
    let mut model: Model = BTreeMap::new();
    for (i, name) in names.iter().enumerate() {
        let up = s
            .upload(&bucket, name, format!("content {i}").as_bytes())
            .await;
        model
            .entry(name.to_string())
            .or_default()
            .insert(0, ("upload".into(), up["fileId"].as_str().unwrap().into()));
    }
    for name in ["a.b", "a/c/d", "z"] {
        let up = s.upload(&bucket, name, b"second version").await;
        model
            .get_mut(name)
            .unwrap()
            .insert(0, ("upload".into(), up["fileId"].as_str().unwrap().into()));
    }
    for name in ["a-b", "hidden/only.txt", "mixed/gone.txt"] {
        let hide = s
            .ok(
                "b2_hide_file",
                json!({"bucketId": bucket, "fileName": name}),
            )
            .await;
        model
            .get_mut(name)
            .unwrap()
            .insert(0, ("hide".into(), hide["fileId"].as_str().unwrap().into()));
    }
    for (prefix, delimiter) in [
        ("", None),
        ("", Some("/")),
        ("a/", Some("/")),
        ("a", None),
        ("b/", None),
        ("mixed/", Some("/")),
    ] {
        let want_names = expected_names(&model, prefix, delimiter);
        let want_versions = expected_versions(&model, prefix, delimiter);
        for page in [1, 2, 3, 7, 1000] {
            let got = page_through(&s, &bucket, false, prefix, delimiter, page).await;
            assert_eq!(
                got, want_names,
                "names prefix={prefix:?} delimiter={delimiter:?} page={page}"
            );
            let got = page_through(&s, &bucket, true, prefix, delimiter, page).await;
            assert_eq!(
                got, want_versions,
                "versions prefix={prefix:?} delimiter={delimiter:?} page={page}"
            );
        }
    }
    // A folder whose names are all hidden is not shown.
    let root = expected_names(&model, "", Some("/"));
    assert!(!root.iter().any(|r| r.0 == "hidden/"));
    assert!(root.iter().any(|r| r.0 == "mixed/"));
    // startFileName is inclusive.
    let v = s
        .ok(
            "b2_list_file_names",
            json!({"bucketId": bucket, "startFileName": "a0", "maxFileCount": 1}),
        )
        .await;
    assert_eq!(v["files"][0]["fileName"], json!("a0"));
}

#[tokio::test]
async fn fault_injection_hooks() {
    let (_emu, s) = start().await;
    let (status, v) = s
        .admin_raw("fail_next", json!({"count": 2, "status": 503, "code": "service_unavailable", "message": "busy", "retryAfterSeconds": 1, "endpoint": "b2_list_buckets"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let bucket = s.create_bucket("faults-bucket", "allPrivate").await;
    for _ in 0..2 {
        let resp = s
            .http
            .post(format!("{}/b2api/v3/b2_list_buckets", s.url))
            .header("Authorization", &s.token)
            .json(&json!({"accountId": s.account_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()["retry-after"], "1");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(
            v,
            json!({"status": 503, "code": "service_unavailable", "message": "busy"})
        );
    }
    s.ok("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    let stats: Value = s
        .http
        .get(format!("{}/b2tui-admin/v1/stats", s.url))
        .basic_auth(&s.key_id, Some(&s.key))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["calls"]["b2_list_buckets"], json!(3));
    assert_eq!(stats["calls"]["b2_create_bucket"], json!(1));

    // fail_some_uploads: every 2nd upload with the header fails with 503.
    let mut outcomes = Vec::new();
    for i in 0..4 {
        let (status, _) = s
            .upload_with(
                &bucket,
                &format!("f{i}"),
                b"x",
                &[("X-Bz-Test-Mode", "fail_some_uploads")],
            )
            .await;
        outcomes.push(status.as_u16());
    }
    assert_eq!(outcomes, vec![200, 503, 200, 503]);
    let (status, v) = s
        .upload_with(
            &bucket,
            "cap",
            b"x",
            &[("X-Bz-Test-Mode", "force_cap_exceeded")],
        )
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::FORBIDDEN, json!("storage_cap_exceeded"))
    );
    let mut codes = Vec::new();
    for _ in 0..2 {
        let resp = s
            .http
            .post(format!("{}/b2api/v3/b2_list_buckets", s.url))
            .header("Authorization", &s.token)
            .header("X-Bz-Test-Mode", "expire_some_account_authorization_tokens")
            .json(&json!({"accountId": s.account_id}))
            .send()
            .await
            .unwrap();
        let v: Value = resp.json().await.unwrap();
        codes.push(v["code"].as_str().map(str::to_string));
    }
    assert_eq!(codes, vec![None, Some("expired_auth_token".to_string())]);

    // Admin endpoints need the master key.
    let resp = s
        .http
        .post(format!("{}/b2tui-admin/v1/expire_tokens", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = s
        .http
        .post(format!("{}/b2tui-admin/v1/expire_tokens", s.url))
        .basic_auth(&s.key_id, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // Random faults from the config.
    let config = Config {
        faults: emulator::Faults {
            rate_429: 1.0,
            retry_after_secs: 7,
            rate_503: 0.0,
        },
        ..Config::default()
    };
    let emu = emulator::spawn(config, "127.0.0.1:0").await.unwrap();
    let (status, _) = authorize_raw(&emu.url, &emu.master_key_id, &emu.master_key, 3).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn large_files_and_keys_and_copies() {
    let config = Config {
        absolute_minimum_part_size: 5,
        ..Config::default()
    };
    let emu = emulator::spawn(config, "127.0.0.1:0").await.unwrap();
    let s = Session::master(&emu).await;
    let bucket = s.create_bucket("large-files", "allPrivate").await;
    let part1 = b"hello ".to_vec();
    let part2 = b"world".to_vec();
    let whole = [part1.clone(), part2.clone()].concat();
    let start = s
        .ok("b2_start_large_file", json!({"bucketId": bucket, "fileName": "big.txt", "contentType": "b2/x-auto", "fileInfo": {"large_file_sha1": sha1_hex(&whole)}}))
        .await;
    assert_eq!(start["action"], json!("start"));
    assert_eq!(start["contentSha1"], json!("none"));
    let file_id = start["fileId"].as_str().unwrap().to_string();
    assert!(file_id.contains("_f2"), "{file_id}");
    assert_shape_like_recording("large_file.yaml", "b2_start_large_file", &start);
    let unfinished = s
        .ok(
            "b2_list_unfinished_large_files",
            json!({"bucketId": bucket}),
        )
        .await;
    assert_eq!(unfinished["files"][0]["fileId"], json!(file_id));
    let names = s
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert!(names["files"].as_array().unwrap().is_empty());
    let versions = s
        .ok("b2_list_file_versions", json!({"bucketId": bucket}))
        .await;
    assert_eq!(versions["files"][0]["action"], json!("start"));

    let part_url = s
        .ok("b2_get_upload_part_url", json!({"fileId": file_id}))
        .await;
    for (n, data) in [(1, &part1), (2, &part2)] {
        let resp = s
            .http
            .post(part_url["uploadUrl"].as_str().unwrap())
            .header(
                "Authorization",
                part_url["authorizationToken"].as_str().unwrap(),
            )
            .header("X-Bz-Part-Number", n.to_string())
            .header("X-Bz-Content-Sha1", sha1_hex(data))
            .body(data.clone())
            .send()
            .await
            .unwrap();
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["partNumber"], json!(n), "{v}");
        assert_shape_like_recording("large_file.yaml", "b2_upload_part", &v);
    }
    let parts = s
        .ok(
            "b2_list_parts",
            json!({"fileId": file_id, "maxPartCount": 1}),
        )
        .await;
    assert_eq!(parts["nextPartNumber"], json!(2));
    let (status, v) = s
        .call(
            "b2_finish_large_file",
            json!({"fileId": file_id, "partSha1Array": [sha1_hex(&part1)]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, v) = s
        .call(
            "b2_finish_large_file",
            json!({"fileId": file_id, "partSha1Array": [sha1_hex(&part1), sha1_hex(b"x")]}),
        )
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("part_sha1_mismatch"))
    );
    let done = s
        .ok(
            "b2_finish_large_file",
            json!({"fileId": file_id, "partSha1Array": [sha1_hex(&part1), sha1_hex(&part2)]}),
        )
        .await;
    assert_eq!(done["action"], json!("upload"));
    assert_eq!(done["contentLength"], json!(11));
    assert_eq!(done["contentType"], json!("text/plain"));
    let resp = s.download("/file/large-files/big.txt").await;
    assert_eq!(resp.headers()["x-bz-content-sha1"], "none");
    assert_eq!(
        resp.headers()["x-bz-info-large_file_sha1"],
        sha1_hex(&whole).as_str()
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &whole[..]);
    let resp = s
        .http
        .get(format!("{}/file/large-files/big.txt", s.url))
        .header("Authorization", &s.token)
        .header("Range", "bytes=4-7")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"o wo");

    // Cancel.
    let other = s.ok("b2_start_large_file", json!({"bucketId": bucket, "fileName": "gone.bin", "contentType": "application/octet-stream"})).await;
    let cancel = s
        .ok("b2_cancel_large_file", json!({"fileId": other["fileId"]}))
        .await;
    assert_eq!(cancel["fileName"], json!("gone.bin"));
    let (status, v) = s
        .call("b2_cancel_large_file", json!({"fileId": "bad-id"}))
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("bad_request"))
    );

    // Copies: whole, ranged, with REPLACE.
    let copy = s
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": file_id, "fileName": "copy.txt"}),
        )
        .await;
    assert_eq!(copy["action"], json!("copy"));
    assert_eq!(copy["contentSha1"], json!(sha1_hex(&whole)));
    let ranged = s.ok("b2_copy_file", json!({"sourceFileId": copy["fileId"], "fileName": "ranged.txt", "range": "bytes=0-4", "metadataDirective": "REPLACE", "contentType": "text/x-test", "fileInfo": {"k": "v"}})).await;
    assert_eq!(ranged["contentLength"], json!(5));
    assert_eq!(ranged["fileInfo"], json!({"k": "v"}));
    let resp = s.download("/file/large-files/ranged.txt").await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"hello");
    let listed = s
        .ok(
            "b2_list_file_names",
            json!({"bucketId": bucket, "prefix": "copy"}),
        )
        .await;
    assert_eq!(listed["files"][0]["action"], json!("upload"));

    // Keys: restricted key, scope checks, paging, delete.
    let other_bucket = s.create_bucket("large-other", "allPrivate").await;
    let key = s
        .ok("b2_create_key", json!({"accountId": s.account_id, "keyName": "reader", "capabilities": ["listBuckets", "listFiles", "readFiles"], "bucketId": bucket, "namePrefix": "big"}))
        .await;
    assert!(key["applicationKey"].is_string());
    assert_eq!(key["bucketId"], json!(bucket));
    let (status, auth) = authorize_raw(
        &s.url,
        key["applicationKeyId"].as_str().unwrap(),
        key["applicationKey"].as_str().unwrap(),
        3,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        auth["apiInfo"]["storageApi"]["bucketName"],
        json!("large-files")
    );
    assert_eq!(auth["apiInfo"]["storageApi"]["namePrefix"], json!("big"));
    let r = Session::new(
        &s.url,
        key["applicationKeyId"].as_str().unwrap(),
        key["applicationKey"].as_str().unwrap(),
    )
    .await;
    let (status, v) = r
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(
        (status, v["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthorized"))
    );
    let v = r
        .ok(
            "b2_list_buckets",
            json!({"accountId": s.account_id, "bucketId": bucket}),
        )
        .await;
    assert_eq!(v["buckets"].as_array().unwrap().len(), 1);
    let (status, _) = r
        .call(
            "b2_list_file_names",
            json!({"bucketId": other_bucket, "prefix": "big"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = r
        .call("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    r.ok(
        "b2_list_file_names",
        json!({"bucketId": bucket, "prefix": "big"}),
    )
    .await;
    assert_eq!(
        r.download("/file/large-files/big.txt").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        r.download("/file/large-files/copy.txt").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = r
        .call(
            "b2_create_key",
            json!({"accountId": s.account_id, "keyName": "x", "capabilities": ["listFiles"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.call("b2_create_key", json!({"accountId": s.account_id, "keyName": "bad", "capabilities": ["writeKeys"], "bucketId": bucket})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    s.ok("b2_create_key", json!({"accountId": s.account_id, "keyName": "second", "capabilities": ["listFiles"], "validDurationInSeconds": 60})).await;
    let page1 = s
        .ok(
            "b2_list_keys",
            json!({"accountId": s.account_id, "maxKeyCount": 1}),
        )
        .await;
    assert_eq!(page1["keys"].as_array().unwrap().len(), 1);
    let next = page1["nextApplicationKeyId"].as_str().unwrap();
    let page2 = s
        .ok(
            "b2_list_keys",
            json!({"accountId": s.account_id, "maxKeyCount": 1, "startApplicationKeyId": next}),
        )
        .await;
    assert_eq!(page2["keys"][0]["applicationKeyId"], json!(next));
    assert!(page2["nextApplicationKeyId"].is_null());
    assert!(page2["keys"][0]["expirationTimestamp"].is_i64());
    let deleted = s
        .ok(
            "b2_delete_key",
            json!({"applicationKeyId": key["applicationKeyId"]}),
        )
        .await;
    assert!(deleted.get("applicationKey").is_none());
    let (status, _) = r
        .call(
            "b2_list_file_names",
            json!({"bucketId": bucket, "prefix": "big"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = authorize_raw(
        &s.url,
        key["applicationKeyId"].as_str().unwrap(),
        key["applicationKey"].as_str().unwrap(),
        3,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn data_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        master_key_id: "0012aaaabbbbccccddddeeee".into(),
        master_key: "K001persistentsecretkey12345678".into(),
        data_dir: Some(dir.path().to_path_buf()),
        ..Config::default()
    };
    let emu = emulator::spawn(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let s = Session::master(&emu).await;
    let bucket = s.create_bucket("durable", "allPrivate").await;
    let up = s.upload(&bucket, "keep/me.txt", b"still here").await;
    emu.shutdown().await;

    let emu = emulator::spawn(config, "127.0.0.1:0").await.unwrap();
    let s2 = Session::master(&emu).await;
    assert_eq!(s2.account_id, s.account_id);
    let names = s2
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_eq!(names["files"][0]["fileId"], up["fileId"]);
    let resp = s2.download("/file/durable/keep/me.txt").await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"still here");
    // New ids keep counting up rather than repeating.
    let up2 = s2.upload(&bucket, "keep/me.txt", b"again").await;
    assert_ne!(up2["fileId"], up["fileId"]);
    assert!(dir.path().join("meta.sqlite3").exists());
}

/// The demo's big parts: 50,000 logs in 5 full pages, then the end; the large file whole,
/// matching its large_file_sha1.
async fn check_demo_backups(s: &Session, backups: &str) {
    let mut start: Option<String> = None;
    let mut total = 0;
    let mut last = String::new();
    for page in 0..5 {
        let mut body = json!({"bucketId": backups, "prefix": "logs/2026/", "maxFileCount": 10_000});
        if let Some(n) = &start {
            body["startFileName"] = json!(n);
        }
        let t = std::time::Instant::now();
        let v = s.ok("b2_list_file_names", body).await;
        eprintln!("page {page}: {:?}", t.elapsed());
        let files = v["files"].as_array().unwrap();
        assert_eq!(files.len(), 10_000);
        for f in files {
            let name = f["fileName"].as_str().unwrap().to_string();
            assert!(name > last, "order broken at {name}");
            last = name;
        }
        total += files.len();
        start = v["nextFileName"].as_str().map(str::to_string);
        assert_eq!(start.is_none(), page == 4, "page {page}");
    }
    assert_eq!(total, 50_000);
    assert_eq!(last, "logs/2026/app-50000.log");

    let resp = s
        .download("/file/demo-backups/backups/disk-image.bin")
        .await;
    assert_eq!(resp.headers()["x-bz-content-sha1"], "none");
    let expected = resp.headers()["x-bz-info-large_file_sha1"]
        .to_str()
        .unwrap()
        .to_string();
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), 16_234_567);
    assert_eq!(sha1_hex(&bytes), expected);
}

/// `--demo` without a kept store serves its buckets at once and fills the big folder and
/// the large file in the background: they all arrive, complete.
#[tokio::test]
async fn demo_seeded_in_background_fills_in() {
    let config = Config::default();
    let (key_id, key) = (config.master_key_id.clone(), config.master_key.clone());
    let server = emulator::spawn_demo(config, "127.0.0.1:0").await.unwrap();
    let s = Session::new(&server.url, &key_id, &key).await;
    let buckets = s
        .ok("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    let backups = buckets["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucketName"] == json!("demo-backups"))
        .unwrap()["bucketId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(buckets["buckets"].as_array().unwrap().len(), 3);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let v = s
            .ok(
                "b2_list_file_names",
                json!({"bucketId": backups, "startFileName": "logs/2026/app-50000.log", "maxFileCount": 1}),
            )
            .await;
        if v["files"][0]["fileName"] == json!("logs/2026/app-50000.log") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the demo's logs never all arrived"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    check_demo_backups(&s, &backups).await;
    server.shutdown().await;
}

#[tokio::test]
async fn demo_seed_lists_and_downloads() {
    let config = Config::default();
    let (key_id, key) = (config.master_key_id.clone(), config.master_key.clone());
    let emu = Emulator::open(config).unwrap();
    let started = std::time::Instant::now();
    emulator::seed::demo(emu.store()).unwrap();
    eprintln!("seeded in {:?}", started.elapsed());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(emu.serve(listener, async move {
        let _ = rx.await;
    }));
    let s = Session::new(&url, &key_id, &key).await;

    let buckets = s
        .ok("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    let names: Vec<_> = buckets["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucketName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        vec!["demo-backups", "demo-photos", "demo-public-site"]
    );
    let id_of = |name: &str| {
        buckets["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["bucketName"] == json!(name))
            .unwrap()["bucketId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let backups = id_of("demo-backups");
    let photos = id_of("demo-photos");

    check_demo_backups(&s, &backups).await;

    let v = s
        .ok(
            "b2_list_file_names",
            json!({"bucketId": backups, "prefix": "logs/", "delimiter": "/"}),
        )
        .await;
    assert_eq!(
        rows(&v["files"]),
        vec![(
            "logs/2026/".to_string(),
            "folder".to_string(),
            String::new()
        )]
    );
    assert!(v["nextFileName"].is_null());
    let v = s
        .ok(
            "b2_list_file_names",
            json!({"bucketId": backups, "delimiter": "/"}),
        )
        .await;
    let top: Vec<_> = rows(&v["files"]).into_iter().map(|r| r.0).collect();
    assert_eq!(top, vec!["backups/", "logs/"]);
    let v = s
        .ok(
            "b2_list_file_versions",
            json!({"bucketId": backups, "prefix": "logs/", "delimiter": "/", "maxFileCount": 1}),
        )
        .await;
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert!(v["nextFileName"].is_null(), "{}", v["nextFileName"]);

    // Versions, hidden files, non-ASCII names.
    let v = s
        .ok(
            "b2_list_file_versions",
            json!({"bucketId": photos, "prefix": "docs/report.txt"}),
        )
        .await;
    assert_eq!(v["files"].as_array().unwrap().len(), 3);
    let resp = s.download("/file/demo-photos/docs/report.txt").await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"Report, final.\n");
    assert_eq!(
        s.download("/file/demo-photos/docs/old-notes.txt")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    for name in [
        "photos/été/crème brûlée.jpg",
        "日本語/ファイル.txt",
        "docs/meeting notes.txt",
        "trips/2025/alps/notes.txt",
    ] {
        let resp = s
            .download(&format!("/file/demo-photos/{}", encode(name)))
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
        let sha = resp.headers()["x-bz-content-sha1"]
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(sha1_hex(&resp.bytes().await.unwrap()), sha, "{name}");
    }
    let v = s
        .ok(
            "b2_list_file_names",
            json!({"bucketId": photos, "prefix": "trips/", "delimiter": "/"}),
        )
        .await;
    let folders: Vec<_> = rows(&v["files"]).into_iter().map(|r| r.0).collect();
    assert_eq!(folders, vec!["trips/2024/", "trips/2025/"]);
    let resp = reqwest::get(format!("{url}/file/demo-public-site/index.html"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Seeding again is a no-op.
    let _ = tx.send(());
    server.await.unwrap().unwrap();
}
