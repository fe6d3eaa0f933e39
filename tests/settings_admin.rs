//! Bucket settings against the local B2: notification rules through the client and the
//! worker (round trip, generated secret, suspension after failed deliveries), Object Lock
//! (default retention, turning it on, a version's legal hold and retention, delete refused
//! while held), and CORS / bucket info updates with revision conflicts.

mod common;

use std::collections::BTreeMap;

use b2tui::b2::buckets::{
    CreateBucketRequest, DefaultRetention, FileRetention, RetentionPeriod, UpdateBucketRequest,
};
use b2tui::b2::notifications::{CustomHeader, NotificationRule, TargetConfiguration};
use b2tui::b2::{B2Client, BucketId, FileId, UploadMeta};
use b2tui::worker::settings::{LockChange, SettingsCommand, SettingsEvent};
use b2tui::worker::{Command, RequestId, WorkerEvent, listing};
use bytes::Bytes;
use serde_json::json;
use tokio::sync::mpsc;

async fn run(client: &B2Client, cmd: SettingsCommand) -> WorkerEvent {
    let (tx, mut rx) = mpsc::unbounded_channel();
    listing::execute(client, Command::Settings(cmd), &tx).await;
    drop(tx);
    let mut last = None;
    while let Some(e) = rx.recv().await {
        last = Some(e);
    }
    last.expect("an answer")
}

fn settings(ev: WorkerEvent) -> SettingsEvent {
    match ev {
        WorkerEvent::Settings(ev) => *ev,
        other => panic!("expected a settings event, got {other:?}"),
    }
}

fn hook(name: &str, url: &str) -> NotificationRule {
    NotificationRule {
        name: name.to_owned(),
        event_types: vec!["b2:ObjectCreated:*".to_owned()],
        object_name_prefix: "in/".to_owned(),
        is_enabled: true,
        is_suspended: false,
        suspension_reason: String::new(),
        target_configuration: TargetConfiguration {
            target_type: "webhook".to_owned(),
            url: url.to_owned(),
            custom_headers: Some(vec![CustomHeader {
                name: "X-Team".to_owned(),
                value: "ops".to_owned(),
            }]),
            hmac_sha256_signing_secret: None,
            max_events_per_batch: Some(5),
        },
    }
}

async fn put(client: &B2Client, bucket: &BucketId, name: &str) -> FileId {
    let meta = UploadMeta {
        file_name: name.to_owned(),
        ..UploadMeta::default()
    };
    let v = client
        .upload_bytes(bucket, &meta, Bytes::from_static(b"hello"))
        .await
        .expect("upload");
    v.file_id.expect("file id")
}

#[tokio::test]
async fn notification_rules_round_trip_with_a_generated_secret() {
    let local = common::start().await;
    let bucket = local.create_bucket("notify-round", "allPrivate").await;
    let rules = vec![hook("uploads-hook", "https://hooks.example.com/b2")];
    let ev = run(
        &local.client,
        SettingsCommand::SetNotificationRules {
            req: RequestId(1),
            bucket: bucket.clone(),
            rules: rules.clone(),
            generate_secret_for: Some("uploads-hook".to_owned()),
        },
    )
    .await;
    let SettingsEvent::NotificationRulesSaved {
        rules: saved,
        generated: Some((name, secret)),
        ..
    } = settings(ev)
    else {
        panic!("saved with a secret");
    };
    assert_eq!(name, "uploads-hook");
    assert_eq!(secret.len(), 32);
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()));
    let mut expected = rules[0].clone();
    expected.target_configuration.hmac_sha256_signing_secret = Some(secret.clone());
    assert_eq!(saved, vec![expected.clone()]);

    let ev = run(
        &local.client,
        SettingsCommand::LoadNotificationRules {
            req: RequestId(2),
            bucket: bucket.clone(),
        },
    )
    .await;
    let SettingsEvent::NotificationRulesLoaded { rules: loaded, .. } = settings(ev) else {
        panic!("loaded");
    };
    assert_eq!(loaded, vec![expected]);

    // Replacing with an empty list clears them.
    let cleared = local
        .client
        .set_bucket_notification_rules(&bucket, &[])
        .await
        .expect("clear");
    assert!(cleared.is_empty());
}

#[tokio::test]
async fn b2_refuses_what_the_form_refuses() {
    let local = common::start().await;
    let bucket = local.create_bucket("notify-refuse", "allPrivate").await;
    let mut overlap = hook("overlapping", "https://h.example.com/");
    overlap
        .event_types
        .push("b2:ObjectCreated:Upload".to_owned());
    let err = local
        .client
        .set_bucket_notification_rules(&bucket, &[overlap])
        .await
        .expect_err("overlap refused");
    assert_eq!(err.code(), Some("event_type_overlap"));
    let plain_http = hook("plain-http", "http://example.com/hook");
    assert!(
        local
            .client
            .set_bucket_notification_rules(&bucket, &[plain_http])
            .await
            .is_err()
    );
}

#[tokio::test]
async fn failing_webhook_gets_suspended_with_a_reason() {
    let local = common::start().await;
    let bucket = local.create_bucket("notify-suspend", "allPrivate").await;
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/hook");
    local
        .client
        .set_bucket_notification_rules(&bucket, &[hook("closed-port", &url)])
        .await
        .expect("set");
    for i in 0..3 {
        put(&local.client, &bucket, &format!("in/file-{i}.txt")).await;
    }
    let mut suspended = None;
    for _ in 0..20 {
        local.admin("deliver_events", json!({})).await;
        let rules = local
            .client
            .get_bucket_notification_rules(&bucket)
            .await
            .expect("get");
        if rules[0].is_suspended {
            suspended = Some(rules[0].clone());
            break;
        }
    }
    let rule = suspended.expect("suspended after repeated failures");
    let reason = rule.suspension_reason;
    assert!(!reason.is_empty(), "a reason is given");

    // The app shows it with its reason, in the warning colour.
    let ev = run(
        &local.client,
        SettingsCommand::LoadNotificationRules {
            req: RequestId(1),
            bucket,
        },
    )
    .await;
    let SettingsEvent::NotificationRulesLoaded { rules, .. } = settings(ev) else {
        panic!("loaded");
    };
    assert!(rules[0].is_suspended);
}

#[tokio::test]
async fn object_lock_default_retention_and_enabling() {
    let local = common::start().await;
    let plain = local.create_bucket("lock-later", "allPrivate").await;
    let account = local.client.account_id();
    let update = |bucket: &BucketId, revision: u64| UpdateBucketRequest {
        account_id: account.clone(),
        bucket_id: bucket.clone(),
        if_revision_is: Some(revision),
        ..UpdateBucketRequest::default()
    };
    // A default retention on a bucket without Object Lock: as B2 says it.
    let b = local.client.get_bucket(&plain).await.expect("get");
    let mut req = update(&plain, b.revision);
    req.default_retention = Some(DefaultRetention {
        mode: Some("governance".into()),
        period: Some(RetentionPeriod {
            duration: 7,
            unit: "days".into(),
        }),
    });
    let err = local.client.update_bucket(&req).await.expect_err("refused");
    assert_eq!(err.code(), Some("bucket_missing_file_lock"));

    // Turn it on (what the confirm sends), then set and clear the default.
    let mut on = update(&plain, b.revision);
    on.file_lock_enabled = Some(true);
    let b = local.client.update_bucket(&on).await.expect("enable");
    assert!(b.is_file_lock_enabled());
    req.if_revision_is = Some(b.revision);
    let b = local.client.update_bucket(&req).await.expect("retention");
    let value = b
        .file_lock_configuration
        .clone()
        .and_then(|c| c.value)
        .and_then(|v| v.default_retention)
        .expect("shown");
    assert_eq!(value.mode.as_deref(), Some("governance"));
    assert_eq!(
        value.period.map(|p| (p.duration, p.unit)),
        Some((7, "days".into()))
    );
    let mut clear = update(&plain, b.revision);
    clear.default_retention = Some(DefaultRetention::default());
    let b = local.client.update_bucket(&clear).await.expect("clear");
    let value = b
        .file_lock_configuration
        .and_then(|c| c.value)
        .and_then(|v| v.default_retention);
    assert!(value.as_ref().is_none_or(|r| r.mode.is_none()), "{value:?}");
}

#[tokio::test]
async fn version_legal_hold_and_retention() {
    let local = common::start().await;
    let created = local
        .client
        .create_bucket(&CreateBucketRequest {
            account_id: local.client.account_id(),
            bucket_name: "locked-versions".into(),
            bucket_type: "allPrivate".into(),
            default_server_side_encryption: None,
            file_lock_enabled: true,
        })
        .await
        .expect("create");
    let bucket = created.bucket_id.clone();
    let id = put(&local.client, &bucket, "contract.pdf").await;
    let change = |req: u64, change: LockChange| SettingsCommand::ChangeVersionLock {
        req: RequestId(req),
        file_id: id.clone(),
        file_name: "contract.pdf".into(),
        change,
    };
    let held = |ev: WorkerEvent| match settings(ev) {
        SettingsEvent::VersionLockLoaded { version, .. } => *version,
        other => panic!("expected the lock state, got {other:?}"),
    };
    let v = held(run(&local.client, change(1, LockChange::LegalHold(true))).await);
    assert!(v.is_held());
    let err = local
        .client
        .delete_file_version("contract.pdf", &id)
        .await
        .expect_err("delete refused while held");
    assert!(
        err.status().is_some_and(|s| s == 401 || s == 403),
        "{err:?}"
    );
    let v = held(run(&local.client, change(2, LockChange::LegalHold(false))).await);
    assert!(!v.is_held());

    let until = chrono::Utc::now().timestamp_millis() + 3 * 86_400_000;
    let retention = FileRetention {
        mode: Some("governance".into()),
        retain_until_timestamp: Some(until),
    };
    let v = held(
        run(
            &local.client,
            change(
                3,
                LockChange::Retention {
                    retention,
                    bypass_governance: false,
                },
            ),
        )
        .await,
    );
    assert_eq!(v.retain_until(), Some(until));
    // Removing governance retention without the bypass: B2's error comes back as is.
    let ev = run(
        &local.client,
        change(
            4,
            LockChange::Retention {
                retention: FileRetention::default(),
                bypass_governance: false,
            },
        ),
    )
    .await;
    assert!(
        matches!(ev, WorkerEvent::RequestFailed { .. }),
        "refused: {ev:?}"
    );
    let v = held(
        run(
            &local.client,
            change(
                5,
                LockChange::Retention {
                    retention: FileRetention::default(),
                    bypass_governance: true,
                },
            ),
        )
        .await,
    );
    assert_eq!(v.retain_until(), None);
    local
        .client
        .delete_file_version("contract.pdf", &id)
        .await
        .expect("deletable once released");
}

#[tokio::test]
async fn cors_and_bucket_info_updates_with_revision_conflict() {
    let local = common::start().await;
    let bucket = local.create_bucket("cors-info", "allPrivate").await;
    let b = local.client.get_bucket(&bucket).await.expect("get");
    let cors = b2tui::app::settings::json::validate_cors(
        r#"[{"corsRuleName":"downloads","allowedOrigins":["https://app.example.com"],
            "allowedOperations":["b2_download_file_by_name","s3_get"],"maxAgeSeconds":3600}]"#,
    )
    .expect("valid");
    let update = UpdateBucketRequest {
        account_id: local.client.account_id(),
        bucket_id: bucket.clone(),
        cors_rules: Some(cors.clone()),
        if_revision_is: Some(b.revision),
        ..UpdateBucketRequest::default()
    };
    let ev = run(
        &local.client,
        SettingsCommand::UpdateBucket {
            req: RequestId(1),
            update: update.clone(),
        },
    )
    .await;
    let SettingsEvent::BucketUpdated { bucket: after, .. } = settings(ev) else {
        panic!("updated");
    };
    assert_eq!(after.cors_rules, cors);

    // The same base revision again: 409, reported with the bucket as it is now.
    let info = BTreeMap::from([("owner".to_owned(), "ops".to_owned())]);
    let stale = UpdateBucketRequest {
        cors_rules: None,
        bucket_info: Some(info.clone()),
        ..update
    };
    let ev = run(
        &local.client,
        SettingsCommand::UpdateBucket {
            req: RequestId(2),
            update: stale.clone(),
        },
    )
    .await;
    let SettingsEvent::BucketConflict { current, .. } = settings(ev) else {
        panic!("conflict");
    };
    assert_eq!(current.revision, after.revision);
    let fresh = UpdateBucketRequest {
        if_revision_is: Some(current.revision),
        ..stale
    };
    let b = local.client.update_bucket(&fresh).await.expect("update");
    assert_eq!(b.bucket_info, info);
    assert_eq!(b.cors_rules, cors, "CORS untouched by the info update");
}
