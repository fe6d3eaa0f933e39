//! The local B2 answers exactly as B2 does, over HTTP: a wrong key, a missing capability,
//! SSE-C reads without or with the wrong key, Object Lock refusals, a past retain-until
//! time, a one-part large file, any content type string, counts below 1, empty strings as
//! values, and `bucketIds: []` in v4 b2_create_key.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use b2tui::b2::{B2Client, Credentials, ListFileNamesRequest};
use reqwest::StatusCode;
use serde_json::{Value, json};

mod common;

use common::raw::{
    Session, admin, assert_error, basic, customer_key, sha1_hex, sse_c_headers, start,
};

const SSE_C_MISSING: &str = "The object was stored using a form of Server Side Encryption. \
The correct parameters must be provided to retrieve the object.";

async fn server_now(emu: &b2tui::emulator::RunningEmulator) -> i64 {
    admin(emu, "advance_clock", json!({"seconds": 0})).await["now"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_and_a_malformed_header_bad_auth_token() {
    let (emu, _) = start().await;
    let http = reqwest::Client::new();
    let authorize = |value: String| {
        let req = http
            .get(format!("{}/b2api/v3/b2_authorize_account", emu.url))
            .header("Authorization", value);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    let wrong = authorize(basic(
        &emu.master_key_id,
        "K001wrongwrongwrongwrongwrongwro",
    ))
    .await;
    assert_error(&wrong, 401, "unauthorized");
    let unknown = authorize(basic("0012aaaaaaaaaaaaaaaaaaaa", "K001whatever")).await;
    assert_error(&unknown, 401, "unauthorized");
    for malformed in ["Basic !!!not-base64", "Basic bm9jb2xvbg==", "Bearer abc"] {
        let got = authorize(malformed.to_owned()).await;
        assert_error(&got, 401, "bad_auth_token");
    }
    // The client explains a wrong key by itself.
    let err = B2Client::authorize_with(
        &emu.url,
        Credentials::new(&emu.master_key_id, "K001wrongwrongwrongwrongwrongwro"),
        common::fast_retry(),
    )
    .await
    .expect_err("a wrong key fails");
    assert_eq!(err.code(), Some("unauthorized"));
    assert!(err.to_string().contains("key id or key is wrong"), "{err}");
}

#[tokio::test]
async fn a_missing_capability_is_a_bare_unauthorized_that_the_client_explains() {
    let (emu, m) = start().await;
    let bucket = m.create_private_bucket("caps-answers").await;
    let reader = m
        .key_session(&["listBuckets", "readFiles"], None, None)
        .await;
    let got = reader
        .call("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    assert_error(&got, 401, "unauthorized");
    assert_eq!(got.1["message"], "unauthorized");
    let got = reader
        .call("b2_get_upload_url", json!({"bucketId": bucket}))
        .await;
    assert_error(&got, 401, "unauthorized");
    assert_eq!(got.1["message"], "unauthorized");

    let client = B2Client::authorize_with(
        &emu.url,
        Credentials::new(&reader.key_id, &reader.key),
        common::fast_retry(),
    )
    .await
    .unwrap();
    let err = client
        .list_file_names(&ListFileNamesRequest {
            bucket_id: b2tui::b2::BucketId(bucket.clone()),
            ..ListFileNamesRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("unauthorized"));
    let text = err.to_string();
    assert!(
        text.contains("lacks the listFiles capability that b2_list_file_names needs"),
        "{text}"
    );
}

fn sse_c_json(key: &str, md5: &str) -> Value {
    json!({"mode": "SSE-C", "algorithm": "AES256", "customerKey": key, "customerKeyMd5": md5})
}

#[tokio::test]
async fn sse_c_reads_without_the_key_are_bad_requests_and_with_another_key_access_denied() {
    let (_emu, m) = start().await;
    let bucket = m.create_private_bucket("sse-answers").await;
    let (key, md5) = customer_key(7);
    let (other, other_md5) = customer_key(8);
    let up = m
        .upload_text(
            &bucket,
            "secret.txt",
            b"secret bytes",
            &sse_c_headers(&key, &md5),
        )
        .await;
    let id = up["fileId"].as_str().unwrap().to_owned();

    let by_name = "/file/sse-answers/secret.txt";
    let by_id = format!("/b2api/v3/b2_download_file_by_id?fileId={id}");
    for path in [by_name, by_id.as_str()] {
        let (status, body) = common::raw::answer(m.download(path).await).await;
        assert_error(&(status, body.clone()), 400, "bad_request");
        assert_eq!(body["message"], SSE_C_MISSING, "{path}");
        let resp = m
            .download_with(path, &sse_c_headers(&other, &other_md5))
            .await;
        let got = common::raw::answer(resp).await;
        assert_error(&got, 403, "access_denied");
        let resp = m.download_with(path, &sse_c_headers(&key, &md5)).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), b"secret bytes");
    }

    // b2_copy_file and b2_copy_part: the same answers for the source key.
    let got = m
        .call(
            "b2_copy_file",
            json!({"sourceFileId": id, "fileName": "c.txt"}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    assert_eq!(got.1["message"], SSE_C_MISSING);
    let got = m
        .call(
            "b2_copy_file",
            json!({"sourceFileId": id, "fileName": "c.txt",
                   "sourceServerSideEncryption": sse_c_json(&other, &other_md5)}),
        )
        .await;
    assert_error(&got, 403, "access_denied");
    let copied = m
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": id, "fileName": "c.txt",
                   "sourceServerSideEncryption": sse_c_json(&key, &md5)}),
        )
        .await;
    assert_eq!(copied["contentLength"], 12);
    let large = m
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "big.bin", "contentType": "b2/x-auto"}),
        )
        .await;
    let large_id = large["fileId"].as_str().unwrap();
    let got = m
        .call(
            "b2_copy_part",
            json!({"sourceFileId": id, "largeFileId": large_id, "partNumber": 1}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    assert_eq!(got.1["message"], SSE_C_MISSING);
    let got = m
        .call(
            "b2_copy_part",
            json!({"sourceFileId": id, "largeFileId": large_id, "partNumber": 1,
                   "sourceServerSideEncryption": sse_c_json(&other, &other_md5)}),
        )
        .await;
    assert_error(&got, 403, "access_denied");
}

#[tokio::test]
async fn retention_refusals_and_past_retain_until_times() {
    let (emu, m) = start().await;
    let locked = m
        .create_lock_bucket("lock-answers", "allPrivate", true)
        .await;
    let now = server_now(&emu).await;
    let until = now + 3_600_000;
    let up = m
        .upload_text(
            &locked,
            "gov.txt",
            b"gov",
            &[
                ("X-Bz-File-Retention-Mode", "governance"),
                (
                    "X-Bz-File-Retention-Retain-Until-Timestamp",
                    &until.to_string(),
                ),
            ],
        )
        .await;
    let target = |extra: Value| {
        let mut body = json!({"fileId": up["fileId"], "fileName": "gov.txt"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let shorter = json!({"mode": "governance", "retainUntilTimestamp": until - 60_000});
    let none = json!({"mode": null, "retainUntilTimestamp": null});
    for retention in [&shorter, &none] {
        // Without bypassGovernance: 403 access_denied.
        let got = m
            .call(
                "b2_update_file_retention",
                target(json!({"fileRetention": retention})),
            )
            .await;
        assert_error(&got, 403, "access_denied");
    }
    // With bypassGovernance but from a key without that capability: 403 too.
    let writer = m
        .key_session(&["writeFileRetentions", "readFiles"], None, None)
        .await;
    let got = writer
        .call(
            "b2_update_file_retention",
            target(json!({"fileRetention": shorter, "bypassGovernance": true})),
        )
        .await;
    assert_error(&got, 403, "access_denied");
    // Deleting the locked version stays 401 unauthorized "Access Denied".
    let got = m.call("b2_delete_file_version", target(json!({}))).await;
    assert_error(&got, 401, "unauthorized");
    assert_eq!(got.1["message"], "Access Denied");
    // The owner with bypassGovernance may shorten it.
    m.ok(
        "b2_update_file_retention",
        target(json!({"fileRetention": shorter, "bypassGovernance": true})),
    )
    .await;

    // A retain-until time in the past, in b2_update_file_retention and at upload.
    let past = json!({"mode": "governance", "retainUntilTimestamp": now - 1000});
    let got = m
        .call(
            "b2_update_file_retention",
            target(json!({"fileRetention": past})),
        )
        .await;
    assert_error(&got, 400, "retain_until_timestamp_must_be_in_future");
    assert_eq!(
        got.1["message"],
        "The retainUntilTimestamp must be in future"
    );
    let got = m
        .upload_raw(
            &locked,
            "past.txt",
            b"past",
            &[
                ("X-Bz-File-Retention-Mode", "governance"),
                (
                    "X-Bz-File-Retention-Retain-Until-Timestamp",
                    &(now - 1000).to_string(),
                ),
            ],
        )
        .await;
    assert_error(&got, 400, "retain_until_timestamp_must_be_in_future");
}

#[tokio::test]
async fn large_files_need_two_parts() {
    let (_emu, m) = start().await;
    let bucket = m.create_private_bucket("parts-answers").await;
    let start_large = |name: &'static str| {
        m.ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": name, "contentType": "b2/x-auto"}),
        )
    };
    let one = start_large("one.bin").await;
    let one_id = one["fileId"].as_str().unwrap().to_owned();
    let part = vec![b'p'; 5_000_000];
    let sha1 = upload_part(&m, &one_id, 1, &part).await;
    for parts in [json!([sha1]), json!([])] {
        let got = m
            .call(
                "b2_finish_large_file",
                json!({"fileId": one_id, "partSha1Array": parts}),
            )
            .await;
        assert_error(&got, 400, "bad_request");
        assert_eq!(got.1["message"], "large files must have at least 2 parts");
    }
    // A second part makes it a valid large file.
    let sha2 = upload_part(&m, &one_id, 2, b"tail").await;
    let done = m
        .ok(
            "b2_finish_large_file",
            json!({"fileId": one_id, "partSha1Array": [sha1, sha2]}),
        )
        .await;
    assert_eq!(done["contentLength"], 5_000_004);
}

async fn upload_part(m: &Session, file_id: &str, number: u32, data: &[u8]) -> String {
    let url = m
        .ok("b2_get_upload_part_url", json!({"fileId": file_id}))
        .await;
    let sha1 = sha1_hex(data);
    let resp = m
        .http
        .post(url["uploadUrl"].as_str().unwrap())
        .header("Authorization", url["authorizationToken"].as_str().unwrap())
        .header("X-Bz-Part-Number", number.to_string())
        .header("X-Bz-Content-Sha1", &sha1)
        .body(data.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    sha1
}

#[tokio::test]
async fn any_content_type_string_is_stored_as_given() {
    let (_emu, m) = start().await;
    let bucket = m.create_private_bucket("types-answers").await;
    let (url, token) = m.upload_url(&bucket).await;
    for (name, given, stored) in [
        ("a.txt", "arbitrarystring", "arbitrarystring"),
        ("b.txt", "text plain; odd", "text plain; odd"),
        ("c.html", "b2/x-auto", "text/html"),
        (
            "d.bin",
            "application/x-custom+weird",
            "application/x-custom+weird",
        ),
    ] {
        let resp = m
            .http
            .post(&url)
            .header("Authorization", &token)
            .header("X-Bz-File-Name", name)
            .header("Content-Type", given)
            .header("X-Bz-Content-Sha1", sha1_hex(b"x"))
            .body("x")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{given}");
        let up: Value = resp.json().await.unwrap();
        assert_eq!(up["contentType"], stored);
        let info = m
            .ok("b2_get_file_info", json!({"fileId": up["fileId"]}))
            .await;
        assert_eq!(info["contentType"], stored);
        let resp = m.download(&format!("/file/types-answers/{name}")).await;
        assert_eq!(resp.headers()["content-type"], stored);
    }
    let large = m
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "l.bin", "contentType": "arbitrarystring"}),
        )
        .await;
    assert_eq!(large["contentType"], "arbitrarystring");
}

#[tokio::test]
async fn counts_below_one_are_out_of_range() {
    let (_emu, m) = start().await;
    let bucket = m.create_private_bucket("counts-answers").await;
    for count in [json!(0), json!(-1), json!("0")] {
        for endpoint in [
            "b2_list_file_names",
            "b2_list_file_versions",
            "b2_list_unfinished_large_files",
        ] {
            let got = m
                .call(endpoint, json!({"bucketId": bucket, "maxFileCount": count}))
                .await;
            assert_error(&got, 400, "out_of_range");
        }
    }
    let got = m
        .call(
            "b2_list_file_names",
            json!({"bucketId": bucket, "maxFileCount": 1}),
        )
        .await;
    assert_eq!(got.0, StatusCode::OK);
    let got = m
        .call(
            "b2_list_keys",
            json!({"accountId": m.account_id, "maxKeyCount": 0}),
        )
        .await;
    assert_error(&got, 400, "out_of_range");
}

#[tokio::test]
async fn empty_strings_are_values_not_absence() {
    let (_emu, m) = start().await;
    let bucket = m.create_private_bucket("empty-answers").await;
    let before = m
        .ok(
            "b2_list_buckets",
            json!({"accountId": m.account_id, "bucketId": bucket}),
        )
        .await;
    let revision = before["buckets"][0]["revision"].clone();
    // ifRevisionIs "" must not make the update unconditional.
    let got = m
        .call(
            "b2_update_bucket",
            json!({"accountId": m.account_id, "bucketId": bucket,
                   "bucketType": "allPublic", "ifRevisionIs": ""}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    let after = m
        .ok(
            "b2_list_buckets",
            json!({"accountId": m.account_id, "bucketId": bucket}),
        )
        .await;
    assert_eq!(after["buckets"][0]["bucketType"], "allPrivate");
    assert_eq!(after["buckets"][0]["revision"], revision);

    // validDurationInSeconds "" must not make a key that never expires.
    let keys_before = key_count(&m).await;
    let got = m
        .call(
            "b2_create_key",
            json!({"accountId": m.account_id, "keyName": "forever",
                   "capabilities": ["listBuckets"], "validDurationInSeconds": ""}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    for (field, value) in [
        ("maxFileCount", json!("")),
        ("delimiter", json!("")),
        ("startFileName", json!(5)),
    ] {
        let mut body = json!({"bucketId": bucket});
        body[field] = value;
        let got = m.call("b2_list_file_names", body).await;
        assert_error(&got, 400, "bad_request");
    }
    let got = m
        .call(
            "b2_delete_file_version",
            json!({"fileId": "4_z0_f0_d0_m0_c000_v0_t0", "fileName": "x",
                   "bypassGovernance": ""}),
        )
        .await;
    assert_eq!(got.0, StatusCode::BAD_REQUEST, "{}", got.1);
    assert_eq!(key_count(&m).await, keys_before);
}

async fn key_count(m: &Session) -> usize {
    m.ok("b2_list_keys", json!({"accountId": m.account_id}))
        .await["keys"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn an_empty_bucket_list_never_makes_a_key_for_every_bucket() {
    let (emu, _) = start().await;
    let m4 = Session::master_v(&emu, 4).await;
    let bucket = m4.create_private_bucket("keys-answers").await;
    let keys_before = key_count(&m4).await;
    for ids in [json!([]), json!(""), json!([""])] {
        let got = m4
            .call(
                "b2_create_key",
                json!({"accountId": m4.account_id, "keyName": "narrow",
                       "capabilities": ["listBuckets", "listFiles"], "bucketIds": ids}),
            )
            .await;
        assert_error(&got, 400, "bad_request");
    }
    let m3 = Session::master_v(&emu, 3).await;
    let got = m3
        .call(
            "b2_create_key",
            json!({"accountId": m3.account_id, "keyName": "narrow",
                   "capabilities": ["listBuckets"], "bucketId": ""}),
        )
        .await;
    assert_error(&got, 400, "bad_request");
    assert_eq!(key_count(&m4).await, keys_before);
    // Absent bucketIds: every bucket; one id: that bucket.
    let all = m4
        .ok(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "all",
                   "capabilities": ["listBuckets"]}),
        )
        .await;
    assert!(all["bucketIds"].is_null(), "{all}");
    let one = m4
        .ok(
            "b2_create_key",
            json!({"accountId": m4.account_id, "keyName": "one",
                   "capabilities": ["listBuckets"], "bucketIds": [bucket]}),
        )
        .await;
    assert_eq!(one["bucketIds"], json!([bucket]));
}
