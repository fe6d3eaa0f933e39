//! The B2 client against the local B2 over real HTTP: every call of the walking skeleton,
//! paging across page boundaries, error mapping, retries and re-authorization.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use b2tui::b2::{
    B2Client, BucketId, ClientOptions, Credentials, FileAction, ListFileNamesRequest,
    ListFileVersionsRequest, Range, RetryPolicy, UploadMeta, paginate,
};
use bytes::Bytes;
use futures::TryStreamExt;
use serde_json::json;
use sha1::{Digest, Sha1};

fn meta(name: &str) -> UploadMeta {
    UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    }
}

async fn put(c: &B2Client, bucket: &BucketId, name: &str, body: &str) -> b2tui::b2::FileVersion {
    c.upload_bytes(bucket, &meta(name), Bytes::from(body.to_owned()))
        .await
        .expect("upload")
}

#[tokio::test]
async fn authorizes_and_rejects_a_wrong_key() {
    let local = common::start().await;
    let s = local.client.session();
    assert!(!s.account_id.0.is_empty());
    assert!(s.has_capability("listBuckets"));
    assert!(s.api_url.starts_with("http://127.0.0.1:"));
    assert!(s.recommended_part_size >= s.absolute_minimum_part_size);

    let wrong = Credentials::new(&local.server.master_key_id, "not-the-key");
    let err = B2Client::authorize_with(&local.server.url, wrong, common::fast_retry())
        .await
        .expect_err("wrong key must fail");
    // As B2: a well-formed key id with a wrong key is 401 unauthorized.
    assert_eq!(err.code(), Some("unauthorized"));
    assert_eq!(err.status(), Some(401));
    assert!(!format!("{err:?}").contains(&local.server.master_key));
}

#[tokio::test]
async fn lists_buckets_sorted_by_name() {
    let local = common::start().await;
    for name in ["zeta-bucket", "alpha-bucket", "mid-bucket"] {
        local.create_bucket(name, "allPrivate").await;
    }
    let names: Vec<_> = local
        .client
        .list_buckets()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.bucket_name)
        .collect();
    assert_eq!(names, ["alpha-bucket", "mid-bucket", "zeta-bucket"]);
}

#[tokio::test]
async fn upload_info_and_download_round_trip() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("round-trip", "allPrivate").await;
    let name = "dossier/été 2026/crème+brûlée #1.txt";
    let body = "the quick brown fox\n".repeat(1000);
    let mut m = meta(name);
    m.file_info
        .insert("src_last_modified_millis".into(), "1700000000000".into());
    m.file_info.insert("note".into(), "a/b c+d é".into());
    let up = c
        .upload_bytes(&bucket, &m, Bytes::from(body.clone()))
        .await
        .unwrap();
    let sha1 = hex::encode(Sha1::digest(body.as_bytes()));
    assert_eq!(up.file_name, name);
    assert_eq!(up.action, FileAction::Upload);
    assert_eq!(up.content_length, body.len() as u64);
    assert_eq!(up.content_sha1.as_deref(), Some(sha1.as_str()));
    assert_eq!(
        up.content_type.as_deref(),
        Some("text/plain"),
        "b2/x-auto from the extension"
    );

    let id = up.file_id.clone().unwrap();
    let info = c.get_file_info(&id).await.unwrap();
    assert_eq!(
        info.file_info.get("note").map(String::as_str),
        Some("a/b c+d é")
    );
    assert_eq!(info.file_name, name);

    let by_id = c.download_file_by_id(&id, None).await.unwrap();
    assert_eq!(by_id.info.file_name, name);
    assert_eq!(by_id.info.expected_sha1().as_deref(), Some(sha1.as_str()));
    assert_eq!(by_id.bytes().await.unwrap(), body.as_bytes());

    let by_name = c
        .download_file_by_name("round-trip", name, None)
        .await
        .unwrap();
    assert_eq!(by_name.info.file_id.as_ref(), Some(&id));
    assert_eq!(
        by_name.info.file_info.get("note").map(String::as_str),
        Some("a/b c+d é")
    );
    assert_eq!(by_name.bytes().await.unwrap(), body.as_bytes());

    let part = c
        .download_file_by_id(&id, Some(Range { start: 4, end: 8 }))
        .await
        .unwrap();
    assert_eq!(part.bytes().await.unwrap(), &body.as_bytes()[4..=8]);

    let past_end = Range {
        start: 10_000_000,
        end: 10_000_010,
    };
    let err = c
        .download_file_by_id(&id, Some(past_end))
        .await
        .err()
        .unwrap();
    assert_eq!(
        (err.status(), err.code()),
        (Some(416), Some("range_not_satisfiable"))
    );
}

#[tokio::test]
async fn versions_hide_and_errors() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("versions-here", "allPrivate").await;
    let v1 = put(c, &bucket, "a.txt", "one").await;
    let v2 = put(c, &bucket, "a.txt", "two two").await;
    put(c, &bucket, "a.txt.bak", "other").await;
    let hidden = c.hide_file(&bucket, "a.txt").await.unwrap();
    assert_eq!(hidden.action, FileAction::Hide);

    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        prefix: Some("a.txt".into()),
        start_file_name: Some("a.txt".into()),
        max_file_count: Some(1000),
        ..Default::default()
    };
    let page = c.list_file_versions(&req).await.unwrap();
    let seen: Vec<_> = page
        .files
        .iter()
        .map(|f| (f.file_name.as_str(), f.action, f.file_id.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("a.txt", FileAction::Hide, hidden.file_id.clone()),
            ("a.txt", FileAction::Upload, v2.file_id.clone()),
            ("a.txt", FileAction::Upload, v1.file_id.clone()),
            (
                "a.txt.bak",
                FileAction::Upload,
                page.files[3].file_id.clone()
            ),
        ]
    );

    // Hidden: gone from names and from download by name.
    let names = c
        .list_file_names(&ListFileNamesRequest {
            bucket_id: bucket.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let listed: Vec<_> = names.files.iter().map(|f| f.file_name.as_str()).collect();
    assert_eq!(listed, ["a.txt.bak"]);
    let err = c
        .download_file_by_name("versions-here", "a.txt", None)
        .await
        .err()
        .unwrap();
    assert_eq!((err.status(), err.code()), (Some(404), Some("not_found")));

    // Deleting the hide marker unhides; the newest upload is current again.
    c.delete_file_version("a.txt", hidden.file_id.as_ref().unwrap())
        .await
        .unwrap();
    let back = c
        .download_file_by_name("versions-here", "a.txt", None)
        .await
        .unwrap();
    assert_eq!(back.bytes().await.unwrap(), "two two".as_bytes());

    let err = c
        .get_file_info(&"4_zdoesnotexist_f1000_d20260101".into())
        .await
        .err()
        .unwrap();
    assert!(matches!(err.status(), Some(400 | 404)), "{err}");
    let too_many = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(10_001),
        ..Default::default()
    };
    let err = c.list_file_names(&too_many).await.err().unwrap();
    assert_eq!(
        (err.status(), err.code()),
        (Some(400), Some("out_of_range"))
    );
    let err = c
        .list_file_names(&ListFileNamesRequest {
            bucket_id: "nope".into(),
            ..Default::default()
        })
        .await
        .err()
        .unwrap();
    assert_eq!(err.status(), Some(400));
    assert!(
        matches!(err.code(), Some("bad_bucket_id" | "invalid_bucket_id")),
        "{err}"
    );
}

/// The names of a delimiter listing, computed independently of any server.
fn expected_listing(names: &[String], prefix: &str, delimiter: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut sorted: Vec<&String> = names.iter().filter(|n| n.starts_with(prefix)).collect();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    sorted.dedup();
    for n in sorted {
        let entry = match delimiter {
            Some(d) => match n[prefix.len()..].find(d) {
                Some(i) => n[..prefix.len() + i + d.len()].to_owned(),
                None => n.clone(),
            },
            None => n.clone(),
        };
        if out.last() != Some(&entry) {
            out.push(entry);
        }
    }
    out
}

#[tokio::test]
async fn pages_names_across_boundaries_with_and_without_delimiter() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("paging-bucket", "allPrivate").await;
    let mut names: Vec<String> = Vec::new();
    for d in ["a", "a-b", "a.b", "b", "é", "z"] {
        for i in 0..4 {
            names.push(format!("{d}/f{i}.txt"));
        }
        names.push(format!("{d}/sub/deep/x.txt"));
    }
    names.extend(["a", "a-", "a0", "top.txt", "日本"].map(String::from));
    for n in &names {
        put(c, &bucket, n, n).await;
    }
    put(c, &bucket, "a/f0.txt", "second version").await;
    for (prefix, delimiter) in [
        ("", None),
        ("", Some("/")),
        ("a/", Some("/")),
        ("a", Some("/")),
    ] {
        let expected = expected_listing(&names, prefix, delimiter);
        for page_size in [1u32, 2, 3, 7, 1000] {
            let req = ListFileNamesRequest {
                bucket_id: bucket.clone(),
                prefix: Some(prefix.into()),
                delimiter: delimiter.map(str::to_owned),
                max_file_count: Some(page_size),
                ..Default::default()
            };
            let pages: Vec<Vec<_>> = paginate::file_names(c.clone(), req)
                .map_ok(|page| page.items)
                .try_collect()
                .await
                .unwrap();
            assert!(pages.iter().all(|p| p.len() <= page_size as usize));
            let got: Vec<String> = pages.into_iter().flatten().map(|f| f.file_name).collect();
            assert_eq!(
                got, expected,
                "prefix {prefix:?} delimiter {delimiter:?} page {page_size}"
            );
        }
    }

    // Versions: every version, name order then newest first, across pages of 2.
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(2),
        ..Default::default()
    };
    let all: Vec<_> = paginate::file_versions(c.clone(), req)
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(all.len(), names.len() + 1);
    let a0: Vec<_> = all.iter().filter(|f| f.file_name == "a/f0.txt").collect();
    assert_eq!(a0.len(), 2);
    assert!(a0[0].upload_timestamp >= a0[1].upload_timestamp);
    assert_eq!(a0[0].content_length, "second version".len() as u64);
    let order: Vec<&str> = all.iter().map(|f| f.file_name.as_str()).collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    assert_eq!(order, sorted);
}

#[tokio::test]
async fn retries_503_and_honours_retry_after() {
    let local = common::start().await;
    let c = &local.client;
    local
        .admin(
            "fail_next",
            json!({"count": 2, "status": 503, "code": "service_unavailable",
        "message": "injected", "endpoint": "b2_list_buckets"}),
        )
        .await;
    let before = local.calls("b2_list_buckets").await;
    c.list_buckets().await.expect("succeeds after two 503s");
    assert_eq!(local.calls("b2_list_buckets").await - before, 3);

    local
        .admin(
            "fail_next",
            json!({"count": 1, "status": 429, "code": "too_many_requests",
        "message": "slow down", "retryAfterSeconds": 1, "endpoint": "b2_list_buckets"}),
        )
        .await;
    let started = Instant::now();
    c.list_buckets().await.expect("succeeds after a 429");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );

    // Bounded: as many failures as attempts → the error comes back.
    local
        .admin(
            "fail_next",
            json!({"count": 4, "status": 500, "code": "internal_error",
        "message": "down", "endpoint": "b2_list_buckets"}),
        )
        .await;
    let before = local.calls("b2_list_buckets").await;
    let err = c.list_buckets().await.expect_err("gives up");
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        local.calls("b2_list_buckets").await - before,
        4,
        "max_attempts tries"
    );

    // 400 is never retried.
    local
        .admin(
            "fail_next",
            json!({"count": 3, "status": 400, "code": "bad_request",
        "message": "no", "endpoint": "b2_list_buckets"}),
        )
        .await;
    let before = local.calls("b2_list_buckets").await;
    let err = c.list_buckets().await.expect_err("400 is final");
    assert_eq!(err.code(), Some("bad_request"));
    assert_eq!(local.calls("b2_list_buckets").await - before, 1);
}

#[tokio::test]
async fn reauthorizes_once_on_expired_token() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("reauth-bucket", "allPrivate").await;
    let auths = local.calls("b2_authorize_account").await;
    local.admin("expire_tokens", json!({})).await;
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        ..Default::default()
    };
    c.list_file_names(&req)
        .await
        .expect("re-authorized and retried");
    assert_eq!(local.calls("b2_authorize_account").await, auths + 1);

    // Test mode on every call: half of them see an expired token; all still succeed.
    let creds = Credentials::new(&local.server.master_key_id, &local.server.master_key);
    let opts = ClientOptions {
        test_mode: Some("expire_some_account_authorization_tokens".into()),
        ..common::fast_retry()
    };
    let flaky = B2Client::authorize_with(&local.server.url, creds, opts)
        .await
        .unwrap();
    for _ in 0..6 {
        flaky
            .list_file_names(&req)
            .await
            .expect("every call survives");
    }
}

#[tokio::test]
async fn uploads_survive_failing_upload_urls() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("flaky-uploads", "allPrivate").await;
    let mut expected = BTreeMap::new();
    for i in 0..8 {
        let name = format!("f{i}.bin");
        let body = format!("payload {i}").repeat(100);
        let m = UploadMeta {
            test_mode: Some("fail_some_uploads".into()),
            ..meta(&name)
        };
        c.upload_bytes(&bucket, &m, Bytes::from(body.clone()))
            .await
            .expect("upload retried");
        expected.insert(name, body);
    }
    assert!(
        local.calls("b2_get_upload_url").await > 8,
        "fresh upload URLs were taken"
    );
    for (name, body) in expected {
        let got = c
            .download_file_by_name("flaky-uploads", &name, None)
            .await
            .unwrap();
        assert_eq!(got.bytes().await.unwrap(), body.as_bytes());
    }
    let err = c
        .upload_bytes(
            &bucket,
            &UploadMeta {
                test_mode: Some("force_cap_exceeded".into()),
                ..meta("capped")
            },
            Bytes::from_static(b"x"),
        )
        .await
        .expect_err("cap exceeded is final");
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn retry_policy_is_bounded_in_time() {
    let local = common::start_with(
        b2tui::emulator::Config::default(),
        ClientOptions {
            retry: RetryPolicy {
                max_attempts: 100,
                initial_backoff: Duration::from_millis(50),
                max_backoff: Duration::from_millis(100),
                max_elapsed: Duration::from_millis(600),
            },
            ..ClientOptions::default()
        },
    )
    .await;
    local
        .admin(
            "fail_next",
            json!({"count": 1000, "status": 503, "code": "service_unavailable",
        "message": "down", "endpoint": "b2_list_buckets"}),
        )
        .await;
    let started = Instant::now();
    local.client.list_buckets().await.expect_err("gives up");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn names_skip_hidden_folders_and_deep_histories_on_every_page_size() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("hidden-folders", "allPrivate").await;
    for _ in 0..40 {
        put(c, &bucket, "many.txt", "v").await;
    }
    for name in [
        "gone/a", "gone/b", "half/a", "half/b", "half/c", "keep/x", "z.txt",
    ] {
        put(c, &bucket, name, name).await;
    }
    for name in ["gone/a", "gone/b", "half/a", "half/b"] {
        c.hide_file(&bucket, name).await.unwrap();
    }
    // A folder holding only an unfinished large file is not listed either.
    let (status, body) = local
        .api(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "pending/big.bin", "contentType": "b2/x-auto"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (delimiter, expected) in [
        (Some("/"), vec!["half/", "keep/", "many.txt", "z.txt"]),
        (None, vec!["half/c", "keep/x", "many.txt", "z.txt"]),
    ] {
        for page_size in [1u32, 2, 3, 100] {
            let req = ListFileNamesRequest {
                bucket_id: bucket.clone(),
                delimiter: delimiter.map(str::to_owned),
                max_file_count: Some(page_size),
                ..Default::default()
            };
            let got: Vec<String> = paginate::file_names(c.clone(), req)
                .try_collect::<Vec<_>>()
                .await
                .unwrap()
                .into_iter()
                .flatten()
                .map(|f| f.file_name)
                .collect();
            assert_eq!(got, expected, "delimiter {delimiter:?} page {page_size}");
        }
    }
}

#[tokio::test]
async fn survives_a_server_that_randomly_answers_503_and_429() {
    let config = b2tui::emulator::Config {
        faults: b2tui::emulator::Faults {
            rate_429: 0.15,
            retry_after_secs: 0,
            rate_503: 0.15,
        },
        ..b2tui::emulator::Config::default()
    };
    let mut options = common::fast_retry();
    options.retry.max_attempts = 12;
    let local = common::start_with(config, options).await;
    let c = &local.client;
    let bucket = local
        .create_bucket_retrying("flaky-server", "allPrivate")
        .await;
    for i in 0..15 {
        let name = format!("f{i}");
        put(c, &bucket, &name, &name).await;
        let got = c
            .download_file_by_name("flaky-server", &name, None)
            .await
            .unwrap();
        assert_eq!(got.bytes().await.unwrap(), name.as_bytes());
    }
    let req = ListFileNamesRequest {
        bucket_id: bucket,
        max_file_count: Some(4),
        ..Default::default()
    };
    let pages: Vec<Vec<_>> = paginate::file_names(c.clone(), req)
        .map_ok(|page| page.items)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(Vec::len).sum::<usize>(), 15);
}

#[tokio::test]
async fn cors_rules_are_validated_as_b2_documents_them() {
    let local = common::start().await;
    let account = local.client.account_id();
    let good = json!({"corsRuleName": "downloadFromAnyOrigin", "allowedOrigins": ["https"],
        "allowedOperations": ["b2_download_file_by_name"], "allowedHeaders": ["range"],
        "exposeHeaders": ["x-bz-content-sha1"], "maxAgeSeconds": 3600});
    let (status, body) = local
        .api(
            "b2_create_bucket",
            json!({"accountId": account, "bucketName": "cors-ok", "bucketType": "allPublic",
                   "corsRules": [good]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["corsRules"][0]["corsRuleName"],
        "downloadFromAnyOrigin"
    );
    let with = |patch: serde_json::Value| {
        let mut rule = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            rule[k] = v.clone();
        }
        rule
    };
    let cases = [
        (
            json!([with(json!({"corsRuleName": "short"}))]),
            "corsRuleName",
        ),
        (
            json!([with(json!({"corsRuleName": "b2-reserved"}))]),
            "reserved",
        ),
        (
            json!([with(json!({"corsRuleName": "bad name!"}))]),
            "corsRuleName",
        ),
        (json!([good.clone(), good.clone()]), "duplicate"),
        (
            json!([with(json!({"allowedOrigins": []}))]),
            "allowedOrigins",
        ),
        (
            json!([with(json!({"allowedOrigins": ["*", "https"]}))]),
            "only origin",
        ),
        (
            json!([with(json!({"allowedOrigins": ["ftp://x.com"]}))]),
            "origin",
        ),
        (
            json!([with(json!({"allowedOperations": ["s3_copy"]}))]),
            "operation",
        ),
        (
            json!([with(json!({"maxAgeSeconds": 86_401}))]),
            "maxAgeSeconds",
        ),
        (
            json!([with(json!({"maxAgeSeconds": null}))]),
            "maxAgeSeconds",
        ),
        (json!("not an array"), "corsRules"),
    ];
    for (i, (rules, needle)) in cases.into_iter().enumerate() {
        let (status, body) = local
            .api(
                "b2_create_bucket",
                json!({"accountId": account, "bucketName": format!("cors-bad-{i}"),
                       "bucketType": "allPrivate", "corsRules": rules}),
            )
            .await;
        assert_eq!(status, 400, "case {i}: {body}");
        assert_eq!(body["code"], "bad_request", "case {i}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "case {i}: {message:?} should name {needle:?}"
        );
    }
}

#[tokio::test]
async fn paging_streams_cover_unfinished_files_parts_keys_and_stop_early() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("paged-streams", "allPrivate").await;

    // 120 unfinished large files: two pages of b2_list_unfinished_large_files (100 a page).
    let mut started = Vec::new();
    for i in 0..120 {
        let f = c
            .start_large_file(&b2tui::b2::StartLargeFileRequest {
                bucket_id: bucket.clone(),
                file_name: format!("big/{i:03}.bin"),
                content_type: "b2/x-auto".into(),
                file_info: BTreeMap::new(),
            })
            .await
            .unwrap();
        started.push(f.file_id.unwrap());
    }
    let pages: Vec<_> = paginate::unfinished_large_files(c.clone(), bucket.clone(), None)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(!pages[0].is_last() && pages[1].is_last());
    let listed: Vec<_> = pages
        .into_iter()
        .flatten()
        .filter_map(|f| f.file_id)
        .collect();
    assert_eq!(listed.len(), 120);
    let under = paginate::unfinished_large_files(c.clone(), bucket.clone(), Some("big/11".into()))
        .map_ok(|p| p.items)
        .try_concat()
        .await
        .unwrap();
    assert_eq!(under.len(), 10, "the name prefix is kept on every page");

    // Parts of one of them.
    let file_id = started[0].clone();
    for n in 1..=3u32 {
        let url = c.get_upload_part_url(&file_id).await.unwrap();
        let body = b2tui::b2::UploadBody::Bytes(Bytes::from(vec![n as u8; 10]));
        c.upload_part(&url, n, body).await.unwrap();
    }
    let parts: Vec<u32> = paginate::parts(c.clone(), file_id)
        .map_ok(|p| p.items)
        .try_concat()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.part_number)
        .collect();
    assert_eq!(parts, [1, 2, 3]);

    // Keys, two a page: every key once, the last page says so.
    for i in 0..5 {
        c.create_key(&b2tui::b2::CreateKeyRequest {
            key_name: format!("paged-{i}"),
            capabilities: vec!["listFiles".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    }
    let pages: Vec<_> = paginate::keys(c.clone(), 3, 2).try_collect().await.unwrap();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    assert!(pages.iter().all(|p| p.items.len() <= 2));
    assert!(pages.last().unwrap().is_last());
    let names: Vec<String> = pages.into_iter().flatten().map(|k| k.key_name).collect();
    for i in 0..5 {
        assert_eq!(
            names.iter().filter(|n| **n == format!("paged-{i}")).count(),
            1
        );
    }

    // Versions (plain and with lock state) carry their cursor; a consumer that stops after
    // one page makes exactly one call.
    for i in 0..6 {
        put(c, &bucket, &format!("v/{}", i % 2), "x").await;
    }
    let req = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        prefix: Some("v/".into()),
        max_file_count: Some(4),
        ..Default::default()
    };
    let before = local.calls("b2_list_file_versions").await;
    let mut pages = std::pin::pin!(paginate::file_versions(c.clone(), req.clone()));
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 4);
    let cursor = first.next.clone().expect("more to come");
    assert_eq!(cursor.file_name, "v/1");
    assert!(cursor.file_id.is_some());
    assert_eq!(local.calls("b2_list_file_versions").await - before, 1);
    let locked: Vec<_> = paginate::locked_versions(c.clone(), req)
        .map_ok(|p| p.items)
        .try_concat()
        .await
        .unwrap();
    assert_eq!(locked.len(), 6);
    assert!(locked.iter().all(|v| !v.is_held()));
}
