//! Application keys against the local B2: each preset and restriction, then authorizing
//! with the new key and checking its limits hold; paging of a long key list; validation
//! by the form and by the server.

mod common;

use b2tui::app::keys::caps::Preset;
use b2tui::app::keys::form::{check_key_name, parse_lifetime};
use b2tui::b2::{B2Client, BucketId, CreateKeyRequest, CreatedKey, Credentials, UploadMeta};
use b2tui::worker::{KeyCommand, KeysEvent, RequestId, WorkerEvent, keys};
use bytes::Bytes;
use tokio::sync::mpsc;

fn request(
    name: &str,
    preset: Preset,
    buckets: &[&BucketId],
    prefix: Option<&str>,
) -> CreateKeyRequest {
    CreateKeyRequest {
        key_name: name.to_owned(),
        capabilities: preset
            .capabilities()
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        bucket_ids: buckets.iter().map(|b| (*b).clone()).collect(),
        name_prefix: prefix.map(str::to_owned),
        valid_duration_secs: Some(3_600),
    }
}

async fn login(local: &common::Local, key: &CreatedKey) -> B2Client {
    local.login(key).await
}

async fn put(client: &B2Client, bucket: &BucketId, name: &str) -> Result<(), String> {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    client
        .upload_bytes(bucket, &meta, Bytes::from_static(b"x"))
        .await
        .map(|_| ())
        .map_err(|e| e.code().unwrap_or("?").to_owned())
}

#[tokio::test]
async fn read_only_bucket_key_reads_but_cannot_write_or_leave_its_bucket() {
    let local = common::start().await;
    let photos = local.create_bucket("keys-photos", "allPrivate").await;
    let other = local.create_bucket("keys-other", "allPrivate").await;
    put(&local.client, &photos, "a.txt").await.expect("seed");
    let key = local
        .client
        .create_key(&request("reader", Preset::ReadOnly, &[&photos], None))
        .await
        .expect("create");
    assert_eq!(key.key.bucket_ids(), vec![photos.clone()]);
    assert!(key.key.expiration_timestamp.is_some());
    let c = login(&local, &key).await;
    assert_eq!(c.session().bucket_id.as_ref(), Some(&photos));
    assert_eq!(c.list_buckets().await.expect("own bucket").len(), 1);
    let listed = c
        .list_file_names(&b2tui::b2::ListFileNamesRequest {
            bucket_id: photos.clone(),
            start_file_name: None,
            max_file_count: None,
            prefix: None,
            delimiter: None,
        })
        .await
        .expect("list");
    assert_eq!(listed.files.len(), 1);
    assert_eq!(
        put(&c, &photos, "b.txt").await,
        Err("unauthorized".to_owned())
    );
    assert_eq!(
        put(&c, &other, "b.txt").await,
        Err("unauthorized".to_owned())
    );
    let err = c.list_keys(3, None, 10).await.expect_err("no listKeys");
    assert_eq!(
        (err.status(), err.code()),
        (Some(401), Some("unauthorized"))
    );
}

#[tokio::test]
async fn write_only_and_prefix_keys_stay_inside_their_prefix() {
    let local = common::start().await;
    let b = local.create_bucket("keys-prefix", "allPrivate").await;
    let key = local
        .client
        .create_key(&request("ha-backup", Preset::WriteOnly, &[&b], Some("ha/")))
        .await
        .expect("create");
    let c = login(&local, &key).await;
    assert_eq!(c.session().name_prefix.as_deref(), Some("ha/"));
    put(&c, &b, "ha/backup.tar")
        .await
        .expect("inside the prefix");
    assert_eq!(put(&c, &b, "other/x").await, Err("unauthorized".to_owned()));
    let read = c
        .download_file_by_name("keys-prefix", "ha/backup.tar", None)
        .await;
    assert_eq!(
        read.err().and_then(|e| e.status()),
        Some(401),
        "no readFiles"
    );
}

#[tokio::test]
async fn each_preset_creates_a_working_key() {
    let local = common::start().await;
    let b = local.create_bucket("keys-presets", "allPrivate").await;
    for preset in [
        Preset::ReadOnly,
        Preset::WriteOnly,
        Preset::ReadAndWrite,
        Preset::BucketFull,
        Preset::S3Compatible,
    ] {
        let name = preset.label().replace(' ', "-").replace("S3", "s3");
        let key = local
            .client
            .create_key(&request(&name, preset, &[&b], None))
            .await
            .unwrap_or_else(|e| panic!("{preset:?}: {e}"));
        let c = login(&local, &key).await;
        let caps = &c.session().capabilities;
        assert_eq!(caps.len(), preset.capabilities().len(), "{preset:?}");
        let writes = put(&c, &b, &format!("{name}.txt")).await;
        assert_eq!(
            writes.is_ok(),
            preset.capabilities().contains(&"writeFiles"),
            "{preset:?}"
        );
    }
    // An unrestricted read-and-write key reaches every bucket; a key with writeKeys can
    // create keys itself.
    let mut all = request("everything", Preset::ReadAndWrite, &[], None);
    all.capabilities.push("writeKeys".to_owned());
    let key = local.client.create_key(&all).await.expect("unrestricted");
    let c = login(&local, &key).await;
    assert!(c.session().bucket_id.is_none());
    put(&c, &b, "any.txt").await.expect("write anywhere");
    c.create_key(&request("child", Preset::ReadOnly, &[], None))
        .await
        .expect("a key with writeKeys creates narrower keys");
}

#[tokio::test]
async fn several_buckets_go_through_v4_bucket_ids() {
    let local = common::start().await;
    let a = local.create_bucket("keys-multi-a", "allPrivate").await;
    let b = local.create_bucket("keys-multi-b", "allPrivate").await;
    let two = local
        .client
        .create_key(&request("two", Preset::ReadOnly, &[&a, &b], None))
        .await
        .expect("a key for two buckets");
    assert_eq!(two.key.bucket_ids(), vec![a.clone(), b.clone()]);
    assert!(local.calls("b2_create_key").await >= 1);
    // The v4 listing reads `bucketIds`.
    local
        .client
        .create_key(&request("one", Preset::ReadOnly, &[&a], None))
        .await
        .expect("one bucket");
    let v4 = local.client.list_keys(4, None, 10).await.expect("v4 list");
    let mut listed: Vec<_> = v4.keys.iter().map(|k| k.bucket_ids()).collect();
    listed.sort();
    let mut expected = vec![vec![a.clone()], vec![a, b]];
    expected.sort();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn a_long_key_list_pages_in_the_worker() {
    let local = common::start().await;
    for i in 0..250 {
        local
            .client
            .create_key(&request(&format!("k{i:03}"), Preset::ReadOnly, &[], None))
            .await
            .expect("create");
    }
    let p1 = local.client.list_keys(3, None, 100).await.expect("page 1");
    assert_eq!(p1.keys.len(), 100);
    let p2 = local
        .client
        .list_keys(3, p1.next_application_key_id.as_deref(), 100)
        .await
        .expect("page 2");
    let p3 = local
        .client
        .list_keys(3, p2.next_application_key_id.as_deref(), 100)
        .await
        .expect("page 3");
    assert_eq!((p2.keys.len(), p3.keys.len()), (100, 50));
    assert!(p3.next_application_key_id.is_none());

    let (tx, mut rx) = mpsc::unbounded_channel();
    keys::execute(
        &local.client,
        KeyCommand::ListKeys { req: RequestId(3) },
        &tx,
    )
    .await;
    drop(tx);
    let mut pages = Vec::new();
    while let Some(WorkerEvent::Keys(KeysEvent::KeysListed { keys, done, .. })) = rx.recv().await {
        pages.push((keys.len(), done));
    }
    // v3 pages, then the v4 listing (which on the local B2 repeats them; the app merges).
    assert_eq!(
        pages,
        [
            (100, false),
            (100, false),
            (50, false),
            (100, false),
            (100, false),
            (50, true)
        ]
    );
}

#[tokio::test]
async fn validation_by_the_form_and_by_the_server() {
    // What the form stops before anything is sent.
    assert!(check_key_name("bad name").is_err());
    assert!(check_key_name(&"x".repeat(101)).is_err());
    assert!(parse_lifetime("1000d").is_err());
    assert!(parse_lifetime("0s").is_err());

    // What the server says when the same mistakes reach it.
    let local = common::start().await;
    let b = local.create_bucket("keys-invalid", "allPrivate").await;
    let c = &local.client;
    let cases: Vec<(CreateKeyRequest, u16, &str)> = vec![
        (
            request("bad name", Preset::ReadOnly, &[], None),
            400,
            "bad_request",
        ),
        (
            request(&"x".repeat(101), Preset::ReadOnly, &[], None),
            400,
            "bad_request",
        ),
        (
            CreateKeyRequest {
                valid_duration_secs: Some(0),
                ..request("zero", Preset::ReadOnly, &[], None)
            },
            400,
            "bad_request",
        ),
        (
            CreateKeyRequest {
                valid_duration_secs: Some(86_400_001),
                ..request("long", Preset::ReadOnly, &[], None)
            },
            400,
            "bad_request",
        ),
        (
            CreateKeyRequest {
                capabilities: vec!["listKeys".to_owned()],
                ..request("scoped", Preset::ReadOnly, &[&b], None)
            },
            400,
            "bad_request",
        ),
        (
            CreateKeyRequest {
                capabilities: Vec::new(),
                ..request("empty", Preset::ReadOnly, &[], None)
            },
            400,
            "bad_request",
        ),
    ];
    for (req, status, code) in cases {
        let err = c.create_key(&req).await.expect_err(&req.key_name);
        assert_eq!(
            (err.status(), err.code()),
            (Some(status), Some(code)),
            "{}",
            req.key_name
        );
    }
    // A key cannot grant what it lacks: 401 unauthorized.
    let reader = c
        .create_key(&CreateKeyRequest {
            capabilities: vec!["writeKeys".to_owned(), "listFiles".to_owned()],
            ..request("limited", Preset::Custom, &[], None)
        })
        .await
        .expect("create");
    let limited = login(&local, &reader).await;
    let err = limited
        .create_key(&request("more", Preset::ReadOnly, &[], None))
        .await
        .expect_err("cannot grant readFiles");
    assert_eq!(
        (err.status(), err.code()),
        (Some(401), Some("unauthorized"))
    );
}

#[tokio::test]
async fn deleting_a_key_stops_it_at_once() {
    let local = common::start().await;
    let b = local.create_bucket("keys-delete", "allPrivate").await;
    let key = local
        .client
        .create_key(&request("doomed", Preset::ReadAndWrite, &[&b], None))
        .await
        .expect("create");
    let c = login(&local, &key).await;
    put(&c, &b, "x").await.expect("works before");
    let deleted = local
        .client
        .delete_key(&key.key.application_key_id)
        .await
        .expect("delete");
    assert_eq!(deleted.key_name, "doomed");
    assert!(put(&c, &b, "y").await.is_err());
    let again = B2Client::authorize_with(
        &local.server.url,
        Credentials::new(&key.key.application_key_id, key.secret.expose()),
        common::fast_retry(),
    )
    .await
    .expect_err("deleted key cannot authorize");
    assert_eq!(again.status(), Some(401));
    assert!(!format!("{key:?} {again:?}").contains(key.secret.expose()));
}
