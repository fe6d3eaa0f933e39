//! Bucket settings against the local B2: the lifecycle simulation agrees with what the
//! server's own lifecycle passes do when its clock moves forward day by day; revision
//! conflicts; create/delete with what is left; share links.

mod common;

use std::collections::BTreeMap;

use b2tui::b2::buckets::{CreateBucketRequest, UpdateBucketRequest};
use b2tui::b2::{
    B2Client, BucketId, Credentials, FileAction, LifecycleRule, ListFileVersionsRequest, UploadMeta,
};
use b2tui::lifecycle_sim::{EntryKind, SimReport};
use b2tui::worker::settings::{BucketContents, SettingsCommand, SettingsEvent, ShareLink};
use b2tui::worker::{Command, RequestId, WorkerEvent, listing};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

async fn run(client: &B2Client, cmd: SettingsCommand) -> Vec<WorkerEvent> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    listing::execute(client, Command::Settings(cmd), &tx).await;
    drop(tx);
    let mut out = Vec::new();
    while let Some(e) = rx.recv().await {
        out.push(e);
    }
    out
}

fn last_settings(events: Vec<WorkerEvent>) -> SettingsEvent {
    match events.into_iter().last() {
        Some(WorkerEvent::Settings(ev)) => *ev,
        other => panic!("expected a settings event, got {other:?}"),
    }
}

async fn put(client: &B2Client, bucket: &BucketId, name: &str, size: usize) -> String {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    let v = client
        .upload_bytes(bucket, &meta, Bytes::from(vec![b'x'; size]))
        .await
        .expect("upload");
    v.file_id.expect("file id").0
}

fn rule(
    prefix: &str,
    hide: Option<u32>,
    delete: Option<u32>,
    cancel: Option<u32>,
) -> LifecycleRule {
    LifecycleRule {
        file_name_prefix: prefix.into(),
        days_from_uploading_to_hiding: hide,
        days_from_hiding_to_deleting: delete,
        days_from_starting_to_canceling_unfinished_large_files: cancel,
    }
}

/// Every entry of the bucket as (name, kind), sorted, plus the ids of stored uploads.
async fn state(local: &common::Local, bucket: &BucketId) -> (Vec<(String, String)>, Vec<String>) {
    let mut request = ListFileVersionsRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(1000),
        ..ListFileVersionsRequest::default()
    };
    let mut entries = Vec::new();
    let mut uploads = Vec::new();
    loop {
        let page = local
            .client
            .list_file_versions(&request)
            .await
            .expect("list");
        for v in page.files {
            let kind = match v.action {
                FileAction::Hide => "hide",
                FileAction::Start => continue,
                _ => {
                    uploads.push(v.file_id.clone().expect("id").0);
                    "upload"
                }
            };
            entries.push((v.file_name, kind.to_owned()));
        }
        match page.next_file_name {
            Some(n) => {
                request.start_file_name = Some(n);
                request.start_file_id = page.next_file_id;
            }
            None => break,
        }
    }
    let unfinished = local
        .client
        .list_unfinished_large_files(bucket, None, None)
        .await
        .expect("unfinished");
    for f in unfinished.files {
        entries.push((f.file_name, "unfinished".to_owned()));
    }
    entries.sort();
    uploads.sort();
    (entries, uploads)
}

fn predicted(report: &SimReport) -> (Vec<(String, String)>, Vec<String>) {
    let mut entries = Vec::new();
    let mut uploads = Vec::new();
    for e in &report.remaining {
        let kind = match e.kind {
            EntryKind::Upload => {
                uploads.push(e.file_id.clone());
                "upload"
            }
            EntryKind::Hide => "hide",
            EntryKind::Unfinished => "unfinished",
        };
        entries.push((e.name.clone(), kind.to_owned()));
    }
    entries.sort();
    uploads.sort();
    (entries, uploads)
}

/// Moves the server clock; returns the lifecycle pass's report.
async fn advance(local: &common::Local, seconds: i64) -> Value {
    local
        .admin("advance_clock", json!({ "seconds": seconds }))
        .await
}

#[tokio::test]
async fn simulation_agrees_with_the_local_b2_moving_its_clock() {
    let local = common::start().await;
    let c = &local.client;
    let created = c
        .create_bucket(&CreateBucketRequest {
            account_id: c.account_id(),
            bucket_name: "sim-agrees".into(),
            bucket_type: "allPrivate".into(),
            default_server_side_encryption: None,
            file_lock_enabled: true,
        })
        .await
        .expect("create");
    let bucket = created.bucket_id.clone();
    // The raw token of `local.api` expires once the clock moves a day: lock calls first.
    let held_name = "keep/x.bin";
    let held_id = put(c, &bucket, held_name, 64).await;
    let (status, body) = local
        .api(
            "b2_update_file_legal_hold",
            json!({"fileName": held_name, "fileId": held_id, "legalHold": "on"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = local
        .api(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "big/part.iso", "contentType": "b2/x-auto"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // A generated history: uploads, new versions and hides spread over ~9 days, with steps
    // that never line up with whole days.
    let names = [
        "logs/a.log",
        "logs/b.log",
        "keep/x.bin",
        "keep/y.bin",
        "other/z",
    ];
    for step in 0..24usize {
        let name = names[(step * 7 + step / 3) % names.len()];
        if step % 5 == 4 {
            let _ = c.hide_file(&bucket, name).await;
        } else {
            put(c, &bucket, name, 100 + step * 10).await;
        }
        advance(&local, [25_980, 37_020, 13_260][step % 3]).await;
    }
    advance(&local, 30_000).await;

    // The server's time, read before any rule exists (advance_clock also runs a pass).
    let now = advance(&local, 0).await["now"].as_i64().expect("now");
    let rules = vec![
        rule("logs/", Some(2), Some(1), None),
        rule("keep/", None, Some(3), None),
        rule("big/", None, None, Some(2)),
    ];
    let stored = c
        .update_bucket(&UpdateBucketRequest {
            account_id: c.account_id(),
            bucket_id: bucket.clone(),
            lifecycle_rules: Some(rules.clone()),
            if_revision_is: Some(created.revision),
            ..UpdateBucketRequest::default()
        })
        .await
        .expect("rules stored");
    assert_eq!(stored.lifecycle_rules, rules);

    let days = 6;
    let events = run(
        c,
        SettingsCommand::SimulateLifecycle {
            req: RequestId(1),
            bucket: bucket.clone(),
            rules,
            days,
            now: Some(now),
        },
    )
    .await;
    assert!(
        events.iter().any(|e| matches!(e, WorkerEvent::Settings(s) if matches!(**s, SettingsEvent::SimulationProgressed { .. }))),
        "progress is reported while listing"
    );
    let SettingsEvent::SimulationFinished { report, .. } = last_settings(events) else {
        panic!("no simulation result");
    };
    assert!(
        report.hidden > 0 && report.deleted > 0 && report.cancelled == 1,
        "{report:?}"
    );

    let mut done = BTreeMap::from([("hidden", 0), ("deleted", 0), ("canceled", 0)]);
    for _ in 0..days {
        let pass = advance(&local, 86_400).await;
        for (k, v) in done.iter_mut() {
            *v += pass["lifecycle"][*k].as_u64().expect("count");
        }
    }
    assert_eq!(done["hidden"], report.hidden as u64, "hidden");
    assert_eq!(done["deleted"], report.deleted as u64, "deleted");
    assert_eq!(done["canceled"], report.cancelled as u64, "cancelled");
    assert_eq!(state(&local, &bucket).await, predicted(&report));
    let (_, uploads) = state(&local, &bucket).await;
    assert!(
        uploads.contains(&held_id),
        "the version under legal hold stays"
    );
}

async fn second_client(local: &common::Local) -> B2Client {
    let creds = Credentials::new(&local.server.master_key_id, &local.server.master_key);
    B2Client::authorize_with(&local.server.url, creds, common::fast_retry())
        .await
        .expect("second client")
}

#[tokio::test]
async fn a_stale_revision_is_reported_as_a_conflict_with_the_current_bucket() {
    let local = common::start().await;
    let bucket = local.create_bucket("conflicted", "allPrivate").await;
    let mine = local.client.get_bucket(&bucket).await.expect("read");
    let other = second_client(&local).await;
    let theirs = other
        .update_bucket(&UpdateBucketRequest {
            account_id: other.account_id(),
            bucket_id: bucket.clone(),
            lifecycle_rules: Some(vec![rule("tmp/", None, Some(1), None)]),
            if_revision_is: Some(mine.revision),
            ..UpdateBucketRequest::default()
        })
        .await
        .expect("their update");
    assert_eq!(theirs.revision, mine.revision + 1);
    let update = UpdateBucketRequest {
        account_id: local.client.account_id(),
        bucket_id: bucket.clone(),
        lifecycle_rules: Some(vec![rule("", None, Some(30), None)]),
        if_revision_is: Some(mine.revision),
        ..UpdateBucketRequest::default()
    };
    let err = local.client.update_bucket(&update).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(409), Some("conflict")));
    let ev = last_settings(
        run(
            &local.client,
            SettingsCommand::UpdateBucket {
                req: RequestId(3),
                update,
            },
        )
        .await,
    );
    let SettingsEvent::BucketConflict { req, current } = ev else {
        panic!("expected a conflict, got {ev:?}");
    };
    assert_eq!(req, RequestId(3));
    assert_eq!(current.revision, theirs.revision);
    assert_eq!(
        current.lifecycle_rules, theirs.lifecycle_rules,
        "nothing was overwritten"
    );
}

#[tokio::test]
async fn delete_counts_what_is_left_and_deletes_only_empty_buckets() {
    let local = common::start().await;
    let c = &local.client;
    let ev = last_settings(
        run(
            c,
            SettingsCommand::CreateBucket {
                req: RequestId(1),
                create: CreateBucketRequest {
                    account_id: c.account_id(),
                    bucket_name: "to-delete-1".into(),
                    bucket_type: "allPublic".into(),
                    ..CreateBucketRequest::default()
                },
            },
        )
        .await,
    );
    let SettingsEvent::BucketCreated { bucket, .. } = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(bucket.bucket_type, "allPublic");
    let id = bucket.bucket_id.clone();
    let dup = run(
        c,
        SettingsCommand::CreateBucket {
            req: RequestId(2),
            create: CreateBucketRequest {
                account_id: c.account_id(),
                bucket_name: "to-delete-1".into(),
                bucket_type: "allPrivate".into(),
                ..CreateBucketRequest::default()
            },
        },
    )
    .await;
    assert!(
        matches!(&dup[0], WorkerEvent::RequestFailed { error, .. } if error.code() == Some("duplicate_bucket_name"))
    );

    let v1 = put(c, &id, "a.txt", 3).await;
    put(c, &id, "a.txt", 4).await;
    c.hide_file(&id, "a.txt").await.expect("hide");
    local
        .api(
            "b2_start_large_file",
            json!({"bucketId": id, "fileName": "big", "contentType": "b2/x-auto"}),
        )
        .await;
    let inspect = |req| SettingsCommand::InspectBucket {
        req: RequestId(req),
        bucket: id.clone(),
    };
    let ev = last_settings(run(c, inspect(3)).await);
    assert_eq!(
        ev,
        SettingsEvent::BucketInspected {
            req: RequestId(3),
            contents: BucketContents {
                versions: 2,
                hide_markers: 1,
                unfinished: 1
            }
        }
    );
    let refused = run(
        c,
        SettingsCommand::DeleteBucket {
            req: RequestId(4),
            bucket: id.clone(),
        },
    )
    .await;
    assert!(
        matches!(&refused[0], WorkerEvent::RequestFailed { error, .. } if error.code() == Some("cannot_delete_non_empty_bucket"))
    );

    // Empty it, then the delete goes through.
    let (_, all) = state(&local, &id).await;
    assert!(all.contains(&v1));
    let mut request = ListFileVersionsRequest {
        bucket_id: id.clone(),
        ..Default::default()
    };
    request.max_file_count = Some(100);
    for v in c.list_file_versions(&request).await.expect("list").files {
        if v.action != FileAction::Start {
            c.delete_file_version(&v.file_name, v.file_id.as_ref().expect("id"))
                .await
                .expect("delete");
        }
    }
    for f in c
        .list_unfinished_large_files(&id, None, None)
        .await
        .expect("unfinished")
        .files
    {
        local
            .api("b2_cancel_large_file", json!({"fileId": f.file_id}))
            .await;
    }
    let ev = last_settings(run(c, inspect(5)).await);
    assert!(matches!(ev, SettingsEvent::BucketInspected { contents, .. } if contents.is_empty()));
    let ev = last_settings(
        run(
            c,
            SettingsCommand::DeleteBucket {
                req: RequestId(6),
                bucket: id.clone(),
            },
        )
        .await,
    );
    assert_eq!(
        ev,
        SettingsEvent::BucketDeleted {
            req: RequestId(6),
            bucket_name: "to-delete-1".into()
        }
    );
}

#[tokio::test]
async fn share_links_open_exactly_their_prefix() {
    let local = common::start().await;
    let c = &local.client;
    let bucket = local.create_bucket("share-private", "allPrivate").await;
    put(c, &bucket, "docs/a b.txt", 5).await;
    put(c, &bucket, "secret.txt", 5).await;
    let ev = last_settings(
        run(
            c,
            SettingsCommand::ShareLink {
                req: RequestId(1),
                bucket: bucket.clone(),
                bucket_name: "share-private".into(),
                prefix: "docs/".into(),
                is_folder: true,
                is_public: false,
                valid_seconds: 3600,
            },
        )
        .await,
    );
    let SettingsEvent::ShareLinkReady { link, .. } = ev else {
        panic!("{ev:?}")
    };
    let ShareLink {
        url,
        pattern,
        prefix,
        valid_until,
        ..
    } = link;
    assert_eq!(prefix, "docs/");
    assert!(valid_until.is_some());
    let http = reqwest::Client::new();
    // The link given for a folder opens (its first file), and so does the pattern.
    let ok = http.get(&url).send().await.expect("get");
    assert_eq!(ok.status().as_u16(), 200, "{url}");
    let pattern = pattern.expect("a folder's pattern");
    let (base, token) = pattern.split_once("{name}?").expect("pattern");
    assert!(base.ends_with("/docs/"), "{base}");
    let file_url = format!("{base}a%20b.txt?{token}");
    let ok = http.get(&file_url).send().await.expect("get");
    assert_eq!(ok.status().as_u16(), 200, "{file_url}");
    // The bare prefix is no page on B2.
    let folder = http
        .get(format!("{base}?{token}"))
        .send()
        .await
        .expect("get");
    assert_eq!(folder.status().as_u16(), 404, "a folder has no page");
    let outside = format!("{}secret.txt?{token}", base.trim_end_matches("docs/"));
    let refused = http.get(&outside).send().await.expect("get");
    assert_eq!(refused.status().as_u16(), 401, "{outside}");

    let public = local.create_bucket("share-public", "allPublic").await;
    put(c, &public, "site/index.html", 5).await;
    let ev = last_settings(
        run(
            c,
            SettingsCommand::ShareLink {
                req: RequestId(2),
                bucket: public,
                bucket_name: "share-public".into(),
                prefix: "site/index.html".into(),
                is_folder: false,
                is_public: true,
                valid_seconds: 0,
            },
        )
        .await,
    );
    let SettingsEvent::ShareLinkReady { link, .. } = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(
        link.url,
        format!("{}/file/share-public/site/index.html", local.server.url)
    );
    assert_eq!(link.valid_until, None);
    let plain = http.get(&link.url).send().await.expect("get");
    assert_eq!(plain.status().as_u16(), 200);
}
