//! The local B2 server over raw HTTP: multi-bucket keys (v4), default and customer
//! server-side encryption, cut download bodies and the admin clock.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use b2tui::emulator::{self, Config};
use reqwest::StatusCode;
use serde_json::{Value, json};

mod common;

use common::raw::{Session, admin_request, authorize_raw, customer_key, spawn, sse_c_headers};

// ---------------------------------------------------------------- multi-bucket keys

const FILE_CAPS: [&str; 4] = ["listBuckets", "listFiles", "readFiles", "writeFiles"];

#[tokio::test]
async fn multi_bucket_keys_on_v4() {
    let emu = spawn().await;
    let m4 = Session::master_v(&emu, 4).await;
    let a = m4.create_private_bucket("multi-a").await;
    let b = m4.create_private_bucket("multi-b").await;
    let c = m4.create_private_bucket("multi-c").await;

    // Unknown bucket and account-level capabilities are refused.
    let (status, err) = m4
        .call(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "bad", "capabilities": FILE_CAPS,
                   "bucketIds": [a, "0000000000000000deadbeef"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let (status, err) = m4
        .call(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "bad", "capabilities": ["writeKeys"],
                   "bucketIds": [a, b]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");

    let created = m4
        .ok(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "two", "capabilities": FILE_CAPS,
                   "bucketIds": [a, b]}),
        )
        .await;
    assert_eq!(created["bucketIds"], json!([a, b]));
    assert!(created.get("bucketId").is_none(), "{created}");
    let key_id = created["applicationKeyId"].as_str().unwrap();
    let secret = created["applicationKey"].as_str().unwrap();

    // v4 authorize names both buckets; older versions cannot describe the key.
    let (status, auth) = authorize_raw(&emu.url, key_id, secret, 4).await;
    assert_eq!(status, StatusCode::OK, "{auth}");
    assert_eq!(
        auth["apiInfo"]["storageApi"]["allowed"]["buckets"],
        json!([{"id": a, "name": "multi-a"}, {"id": b, "name": "multi-b"}])
    );
    for version in 1..=3 {
        let (status, err) = authorize_raw(&emu.url, key_id, secret, version).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "v{version}: {err}");
        assert_eq!(err["code"], "unsupported", "v{version}");
    }

    // Every call is checked against the key's buckets.
    let k = Session::new_v(&emu.url, key_id, secret, 4).await;
    k.upload(&a, "in-a.txt", b"a").await;
    k.upload(&b, "in-b.txt", b"b").await;
    let (status, err) = k.try_upload_with(&c, "in-c.txt", b"c", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    let (status, _) = k.call("b2_list_file_names", json!({"bucketId": c})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let listed = k.ok("b2_list_file_names", json!({"bucketId": b})).await;
    assert_eq!(listed["files"][0]["fileName"], "in-b.txt");
    assert_eq!(k.download("/file/multi-a/in-a.txt").await.status(), 200);
    m4.upload(&c, "secret.txt", b"no").await;
    assert_eq!(k.download("/file/multi-c/secret.txt").await.status(), 401);
    let buckets = k
        .ok("b2_list_buckets", json!({"accountId": k.account_id}))
        .await;
    let names: Vec<&str> = buckets["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucketName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["multi-a", "multi-b"]);
    let (status, _) = k
        .call(
            "b2_list_buckets",
            json!({"accountId": k.account_id, "bucketName": "multi-c"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Listing: v4 shows every key (bucketIds null when unrestricted), v3 hides the
    // multi-bucket one.
    m4.ok(
        "b2_create_key",
        json!({"accountId": m4.account_id, "keyName": "all", "capabilities": FILE_CAPS}),
    )
    .await;
    m4.ok(
        "b2_create_key",
        json!({"accountId": m4.account_id, "keyName": "one", "capabilities": FILE_CAPS,
               "bucketIds": [c]}),
    )
    .await;
    let v4 = m4
        .ok("b2_list_keys", json!({"accountId": m4.account_id}))
        .await;
    let shapes: Vec<(String, Value)> = v4["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["keyName"].as_str().unwrap().to_string(),
                k["bucketIds"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shapes,
        [
            ("two".to_string(), json!([a, b])),
            ("all".to_string(), Value::Null),
            ("one".to_string(), json!([c])),
        ]
    );
    let (_, v3) = m4
        .call_v(3, "b2_list_keys", json!({"accountId": m4.account_id}))
        .await;
    let v3_shapes: Vec<(&str, &Value)> = v3["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["keyName"].as_str().unwrap(), &k["bucketId"]))
        .collect();
    assert_eq!(v3_shapes, [("all", &Value::Null), ("one", &json!(c))]);

    // A deleted bucket keeps its id in the key, with a null name.
    let d = m4.create_private_bucket("multi-d").await;
    let created = m4
        .ok(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "ad", "capabilities": FILE_CAPS,
                   "bucketIds": [a, d]}),
        )
        .await;
    m4.ok(
        "b2_delete_bucket",
        json!({"accountId": m4.account_id, "bucketId": d}),
    )
    .await;
    let (status, auth) = authorize_raw(
        &emu.url,
        created["applicationKeyId"].as_str().unwrap(),
        created["applicationKey"].as_str().unwrap(),
        4,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{auth}");
    assert_eq!(
        auth["apiInfo"]["storageApi"]["allowed"]["buckets"],
        json!([{"id": a, "name": "multi-a"}, {"id": d, "name": null}])
    );
}

/// A store written before multi-bucket keys (no `bucket_ids` column) still opens, and
/// its single-bucket keys keep their restriction.
#[tokio::test]
async fn stores_without_multi_bucket_column_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..Config::default()
    };
    let emu = emulator::spawn(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let m = Session::master_v(&emu, 3).await;
    let a = m.create_private_bucket("olden-a").await;
    let b = m.create_private_bucket("olden-b").await;
    let created = m
        .ok(
            "b2_create_key",
            json!({"accountId": m.account_id, "keyName": "old", "capabilities": FILE_CAPS,
                   "bucketId": a}),
        )
        .await;
    emu.shutdown().await;
    {
        let conn = rusqlite::Connection::open(dir.path().join("meta.sqlite3")).unwrap();
        conn.execute_batch("ALTER TABLE keys DROP COLUMN bucket_ids;")
            .unwrap();
    }
    let emu = emulator::spawn(config, "127.0.0.1:0").await.unwrap();
    let key_id = created["applicationKeyId"].as_str().unwrap();
    let secret = created["applicationKey"].as_str().unwrap();
    let k = Session::new_v(&emu.url, key_id, secret, 3).await;
    k.upload(&a, "x.txt", b"x").await;
    let (status, _) = k.try_upload_with(&b, "x.txt", b"x", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, auth) = authorize_raw(&emu.url, key_id, secret, 4).await;
    assert_eq!(
        auth["apiInfo"]["storageApi"]["allowed"]["buckets"],
        json!([{"id": a, "name": "olden-a"}])
    );
}

// ---------------------------------------------------------------- encryption

#[tokio::test]
async fn new_buckets_and_uploads_default_to_sse_b2() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 3).await;
    let bucket = m
        .ok(
            "b2_create_bucket",
            json!({"accountId": m.account_id, "bucketName": "sse-default", "bucketType": "allPrivate"}),
        )
        .await;
    assert_eq!(
        bucket["defaultServerSideEncryption"],
        json!({"isClientAuthorizedToRead": true, "value": {"algorithm": "AES256", "mode": "SSE-B2"}})
    );
    let id = bucket["bucketId"].as_str().unwrap();
    let up = m.upload(id, "a.txt", b"hello").await;
    let b2 = json!({"algorithm": "AES256", "mode": "SSE-B2"});
    assert_eq!(up["serverSideEncryption"], b2);
    let listed = m.ok("b2_list_file_names", json!({"bucketId": id})).await;
    assert_eq!(listed["files"][0]["serverSideEncryption"], b2);
    let resp = m.download("/file/sse-default/a.txt").await;
    assert_eq!(resp.headers()["x-bz-server-side-encryption"], "AES256");

    // A bucket without default encryption stores plain versions unless asked.
    let plain = m
        .ok(
            "b2_create_bucket",
            json!({"accountId": m.account_id, "bucketName": "sse-plain", "bucketType": "allPrivate",
                   "defaultServerSideEncryption": {"mode": "none"}}),
        )
        .await;
    let plain_id = plain["bucketId"].as_str().unwrap();
    let up = m.upload(plain_id, "p.txt", b"plain").await;
    assert_eq!(
        up["serverSideEncryption"],
        json!({"algorithm": null, "mode": null})
    );
    let resp = m.download("/file/sse-plain/p.txt").await;
    assert!(resp.headers().get("x-bz-server-side-encryption").is_none());
    let (status, up) = m
        .try_upload_with(
            plain_id,
            "asked.txt",
            b"asked",
            &[("X-Bz-Server-Side-Encryption", "AES256")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{up}");
    assert_eq!(up["serverSideEncryption"], b2);
    // Copies follow the destination bucket's default.
    let copy = m
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": up["fileId"], "fileName": "copied.txt",
                   "destinationBucketId": id}),
        )
        .await;
    assert_eq!(copy["serverSideEncryption"], b2);

    // Without readBucketEncryption the bucket default is withheld.
    let key = m
        .ok(
            "b2_create_key",
            json!({"accountId": m.account_id, "keyName": "no-enc",
                   "capabilities": ["listBuckets", "readFiles"]}),
        )
        .await;
    let k = Session::new_v(
        &emu.url,
        key["applicationKeyId"].as_str().unwrap(),
        key["applicationKey"].as_str().unwrap(),
        3,
    )
    .await;
    let buckets = k
        .ok(
            "b2_list_buckets",
            json!({"accountId": k.account_id, "bucketName": "sse-default"}),
        )
        .await;
    assert_eq!(
        buckets["buckets"][0]["defaultServerSideEncryption"],
        json!({"isClientAuthorizedToRead": false, "value": null})
    );
}

#[tokio::test]
async fn sse_c_needs_the_same_key_to_read_or_copy() {
    let emu = spawn().await;
    let m = Session::master_v(&emu, 3).await;
    let id = m.create_private_bucket("sse-customer").await;
    let (key, md5) = customer_key(1);
    let (other_key, other_md5) = customer_key(2);
    let (status, up) = m
        .try_upload_with(&id, "c.txt", b"secret", &sse_c_headers(&key, &md5))
        .await;
    assert_eq!(status, StatusCode::OK, "{up}");
    let expected = json!({"algorithm": "AES256", "customerKeyMd5": md5, "mode": "SSE-C"});
    assert_eq!(up["serverSideEncryption"], expected);
    assert!(!up.to_string().contains(&key));
    let info = m
        .ok("b2_get_file_info", json!({"fileId": up["fileId"]}))
        .await;
    assert_eq!(info["serverSideEncryption"], expected);

    // A key whose MD5 does not match it is refused at upload.
    let (status, err) = m
        .try_upload_with(&id, "bad.txt", b"x", &sse_c_headers(&key, &other_md5))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");

    // Reading: the right key works; a missing key is 400 bad_request, a wrong one 403
    // access_denied.
    let resp = m
        .download_with("/file/sse-customer/c.txt", &sse_c_headers(&key, &md5))
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["x-bz-server-side-encryption-customer-key-md5"],
        md5.as_str()
    );
    assert_eq!(
        resp.headers()["x-bz-server-side-encryption-customer-algorithm"],
        "AES256"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"secret");
    for (extra, status, code) in [
        (
            sse_c_headers(&other_key, &other_md5).to_vec(),
            403,
            "access_denied",
        ),
        (Vec::new(), 400, "bad_request"),
    ] {
        let resp = m.download_with("/file/sse-customer/c.txt", &extra).await;
        assert_eq!(resp.status(), status);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], code);
    }

    // Copying needs the source key; the copy takes the destination setting.
    let (status, err) = m
        .call(
            "b2_copy_file",
            json!({"sourceFileId": up["fileId"], "fileName": "copy.txt"}),
        )
        .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{err}"
    );
    let copy = m
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": up["fileId"], "fileName": "copy.txt",
                   "sourceServerSideEncryption": {"mode": "SSE-C", "algorithm": "AES256",
                                                  "customerKey": key, "customerKeyMd5": md5},
                   "destinationServerSideEncryption": {"mode": "SSE-C", "algorithm": "AES256",
                                                       "customerKey": other_key,
                                                       "customerKeyMd5": other_md5}}),
        )
        .await;
    assert_eq!(
        copy["serverSideEncryption"],
        json!({"algorithm": "AES256", "customerKeyMd5": other_md5, "mode": "SSE-C"})
    );
    let resp = m
        .download_with(
            "/file/sse-customer/copy.txt",
            &sse_c_headers(&other_key, &other_md5),
        )
        .await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"secret");
}

/// Versions written before per-version encryption (no columns) still open and read as
/// unencrypted.
#[tokio::test]
async fn stores_without_encryption_columns_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..Config::default()
    };
    let emu = emulator::spawn(config.clone(), "127.0.0.1:0")
        .await
        .unwrap();
    let m = Session::master_v(&emu, 3).await;
    let id = m.create_private_bucket("olden-sse").await;
    m.upload(&id, "old.txt", b"old").await;
    emu.shutdown().await;
    {
        let conn = rusqlite::Connection::open(dir.path().join("meta.sqlite3")).unwrap();
        conn.execute_batch(
            "ALTER TABLE versions DROP COLUMN sse_mode; ALTER TABLE versions DROP COLUMN sse_key_md5;",
        )
        .unwrap();
    }
    let emu = emulator::spawn(config, "127.0.0.1:0").await.unwrap();
    let m = Session::master_v(&emu, 3).await;
    let listed = m.ok("b2_list_file_names", json!({"bucketId": id})).await;
    assert_eq!(
        listed["files"][0]["serverSideEncryption"],
        json!({"algorithm": null, "mode": null})
    );
    let up = m.upload(&id, "new.txt", b"new").await;
    assert_eq!(up["serverSideEncryption"]["mode"], "SSE-B2");
}

// ---------------------------------------------------------------- admin hooks

#[tokio::test]
async fn cut_download_bodies_then_resume_with_a_range() {
    use futures::StreamExt as _;
    let emu = spawn().await;
    let m = Session::master_v(&emu, 3).await;
    let id = m.create_private_bucket("cut-downloads").await;
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let up = m.upload(&id, "big.bin", &data).await;
    let by_id = format!(
        "/b2api/v3/b2_download_file_by_id?fileId={}",
        up["fileId"].as_str().unwrap()
    );

    // Not for other endpoints.
    let (status, _) = admin_request(
        &emu,
        reqwest::Method::POST,
        "fail_next",
        json!({"cutAfterBytes": 10, "endpoint": "b2_list_buckets"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for path in [by_id.clone(), "/file/cut-downloads/big.bin".to_string()] {
        let (status, armed) = admin_request(
            &emu,
            reqwest::Method::POST,
            "fail_next",
            json!({"cutAfterBytes": 1000}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{armed}");
        // Other calls are not affected.
        m.ok("b2_list_file_names", json!({"bucketId": id})).await;
        let resp = m.download(&path).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.content_length(), Some(300_000));
        let mut got = Vec::new();
        let mut failed = false;
        let mut stream = resp.bytes_stream();
        while let Some(piece) = stream.next().await {
            match piece {
                Ok(bytes) => got.extend_from_slice(&bytes),
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        assert!(failed, "{path}: the body must end in an error");
        assert_eq!(got, data[..1000], "{path}");
        // The client resumes where the cut happened.
        let rest = m.download_with(&path, &[("Range", "bytes=1000-")]).await;
        assert_eq!(rest.status(), 206);
        assert_eq!(rest.bytes().await.unwrap().as_ref(), &data[1000..]);
    }
    // Each cut was used once.
    let whole = m.download(&by_id).await;
    assert_eq!(whole.bytes().await.unwrap().len(), 300_000);
}

#[tokio::test]
async fn admin_now_reads_the_server_clock() {
    let emu = spawn().await;
    let (status, before) = admin_request(&emu, reqwest::Method::GET, "now", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let before = before["now"].as_i64().unwrap();
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((before - wall).abs() < 60_000, "{before} vs {wall}");
    admin_request(
        &emu,
        reqwest::Method::POST,
        "advance_clock",
        json!({"seconds": 3600}),
    )
    .await;
    let (_, after) = admin_request(&emu, reqwest::Method::GET, "now", json!({})).await;
    assert!(after["now"].as_i64().unwrap() >= before + 3_600_000);
    let (status, _) = admin_request(&emu, reqwest::Method::POST, "now", json!({})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let resp = reqwest::Client::new()
        .get(format!("{}/b2tui-admin/v1/now", emu.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
