//! Lifecycle rules and event notifications of the local B2, over raw HTTP: rule validation,
//! lifecycle passes driven by `advance_clock` checked against an independently computed
//! expectation, and webhook delivery to receivers running inside the test on loopback.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use b2tui::emulator::Config;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

mod common;

use common::raw::{self, Session, sha1_hex};

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
const DAY_MS: i64 = 86_400_000;

async fn start_with(config: Config) -> Session {
    let (emu, session) = raw::start_with(config).await;
    session.owning(emu)
}

/// Tokens outlive the simulated months that lifecycle tests move the clock through.
fn config() -> Config {
    Config {
        token_lifetime: Duration::from_secs(10 * 365 * 24 * 3600),
        ..Config::default()
    }
}

async fn start() -> Session {
    start_with(config()).await
}

impl Session {
    async fn call_with(&self, token: &str, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/b2api/v3/{endpoint}", self.url))
            .header("Authorization", token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// Expects a 400 with `code`.
    async fn rejects(&self, endpoint: &str, body: Value, code: &str) {
        let (status, value) = self.call(endpoint, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{endpoint} {body}: {value}"
        );
        assert_eq!(value["code"], code, "{endpoint} {body}: {value}");
    }

    async fn hide(&self, bucket_id: &str, name: &str) -> Value {
        self.ok(
            "b2_hide_file",
            json!({"bucketId": bucket_id, "fileName": name}),
        )
        .await
    }

    async fn versions(&self, bucket_id: &str) -> Vec<Value> {
        let v = self
            .ok(
                "b2_list_file_versions",
                json!({"bucketId": bucket_id, "maxFileCount": 10000}),
            )
            .await;
        v["files"].as_array().unwrap().clone()
    }

    async fn unfinished(&self, bucket_id: &str) -> Vec<String> {
        let v = self
            .ok(
                "b2_list_unfinished_large_files",
                json!({"bucketId": bucket_id}),
            )
            .await;
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fileName"].as_str().unwrap().to_string())
            .collect()
    }

    /// Moves the server clock (the server then runs its lifecycle pass); the new time.
    async fn advance(&self, seconds: i64) -> i64 {
        let v = self
            .admin("advance_clock", json!({"seconds": seconds}))
            .await;
        v["now"].as_i64().unwrap()
    }

    async fn deliver(&self) -> Value {
        self.admin("deliver_events", json!({})).await
    }

    async fn set_lifecycle(&self, bucket_id: &str, rules: Value) -> (StatusCode, Value) {
        self.call(
            "b2_update_bucket",
            json!({"accountId": self.account_id, "bucketId": bucket_id, "lifecycleRules": rules}),
        )
        .await
    }

    async fn set_rules(&self, bucket_id: &str, rules: Value) -> (StatusCode, Value) {
        self.call(
            "b2_set_bucket_notification_rules",
            json!({"bucketId": bucket_id, "eventNotificationRules": rules}),
        )
        .await
    }

    async fn get_rules(&self, bucket_id: &str) -> Value {
        let resp = self
            .http
            .get(format!(
                "{}/b2api/v3/b2_get_bucket_notification_rules?bucketId={bucket_id}",
                self.url
            ))
            .header("Authorization", &self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json().await.unwrap()
    }

    /// A key with only `capabilities`, authorized; its account token.
    async fn token_with(&self, capabilities: &[&str]) -> String {
        let key = self
            .ok(
                "b2_create_key",
                json!({"accountId": self.account_id, "keyName": "limited", "capabilities": capabilities}),
            )
            .await;
        let auth: Value = self
            .http
            .get(format!("{}/b2api/v3/b2_authorize_account", self.url))
            .basic_auth(
                key["applicationKeyId"].as_str().unwrap(),
                Some(key["applicationKey"].as_str().unwrap()),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        auth["authorizationToken"].as_str().unwrap().to_string()
    }
}

// ---------------------------------------------------------------- lifecycle: validation

#[tokio::test]
async fn lifecycle_rule_validation() {
    let s = start().await;
    let bucket = s.create_private_bucket("lifecycle-check").await;
    let good = json!([{"fileNamePrefix": "logs/", "daysFromHidingToDeleting": 1}]);
    let (status, v) = s.set_lifecycle(&bucket, good.clone()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let revision = v["revision"].as_i64().unwrap();

    let rejected = [
        json!([{"fileNamePrefix": "a/", "daysFromHidingToDeleting": 0}]),
        json!([{"fileNamePrefix": "a/", "daysFromUploadingToHiding": -3}]),
        json!([{"fileNamePrefix": "a/", "daysFromUploadingToHiding": "3"}]),
        json!([{"fileNamePrefix": "a/", "daysFromUploadingToHiding": 1.5}]),
        json!([{"fileNamePrefix": "a/", "daysFromStartingToCancelingUnfinishedLargeFiles": 0}]),
        json!([{"fileNamePrefix": "a/", "daysFromHidingToDeleting": null, "daysFromUploadingToHiding": null}]),
        json!([{"fileNamePrefix": "a/"}]),
        json!([{"daysFromHidingToDeleting": 1}]),
        json!([{"fileNamePrefix": 7, "daysFromHidingToDeleting": 1}]),
        json!([
            {"fileNamePrefix": "photos/", "daysFromHidingToDeleting": 1},
            {"fileNamePrefix": "photos/kittens/", "daysFromHidingToDeleting": 2}
        ]),
        json!([
            {"fileNamePrefix": "photos/kittens/", "daysFromHidingToDeleting": 1},
            {"fileNamePrefix": "photos/", "daysFromHidingToDeleting": 2}
        ]),
        json!([
            {"fileNamePrefix": "same/", "daysFromHidingToDeleting": 1},
            {"fileNamePrefix": "same/", "daysFromUploadingToHiding": 2}
        ]),
        json!([
            {"fileNamePrefix": "", "daysFromHidingToDeleting": 1},
            {"fileNamePrefix": "x/", "daysFromHidingToDeleting": 2}
        ]),
        json!("not a list"),
    ];
    for rules in rejected {
        let (status, v) = s.set_lifecycle(&bucket, rules.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{rules} was accepted: {v}");
        assert_eq!(v["code"], "bad_request", "{rules}: {v}");
    }
    let many = |n: usize| {
        Value::Array(
            (0..n)
                .map(|i| json!({"fileNamePrefix": format!("p{i:03}/"), "daysFromHidingToDeleting": 1}))
                .collect(),
        )
    };
    let (status, v) = s.set_lifecycle(&bucket, many(101)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "101 rules accepted: {v}");

    // Nothing rejected changed the bucket.
    let buckets = s
        .ok(
            "b2_list_buckets",
            json!({"accountId": s.account_id, "bucketId": bucket}),
        )
        .await;
    assert_eq!(buckets["buckets"][0]["revision"].as_i64(), Some(revision));
    assert_eq!(
        buckets["buckets"][0]["lifecycleRules"][0]["fileNamePrefix"],
        "logs/"
    );

    let (status, v) = s.set_lifecycle(&bucket, many(100)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["lifecycleRules"].as_array().unwrap().len(), 100);
    let cancel_only =
        json!([{"fileNamePrefix": "", "daysFromStartingToCancelingUnfinishedLargeFiles": 2}]);
    let (status, v) = s.set_lifecycle(&bucket, cancel_only).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["lifecycleRules"][0]["daysFromStartingToCancelingUnfinishedLargeFiles"],
        2
    );
}

// ---------------------------------------------------------------- lifecycle: behaviour

/// One version as the test knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    name: String,
    id: String,
    action: String,
    ts: i64,
    /// Order of creation (breaks timestamp ties like the server's insertion order).
    seq: usize,
}

struct LifeRule {
    prefix: &'static str,
    hide_days: Option<i64>,
    delete_days: Option<i64>,
}

/// The expected state after one lifecycle pass at `now`, computed from the rules' wording:
/// returns the surviving known versions and the names that get a new hide marker.
fn expect_pass(known: &[Known], rules: &[LifeRule], now: i64) -> (Vec<Known>, BTreeSet<String>) {
    let mut by_name: BTreeMap<&str, Vec<&Known>> = BTreeMap::new();
    for v in known {
        by_name.entry(&v.name).or_default().push(v);
    }
    let mut survivors = Vec::new();
    let mut new_markers = BTreeSet::new();
    for (name, mut versions) in by_name {
        // Newest first.
        versions.sort_by(|a, b| b.ts.cmp(&a.ts).then(b.seq.cmp(&a.seq)));
        let Some(rule) = rules.iter().find(|r| name.starts_with(r.prefix)) else {
            survivors.extend(versions.into_iter().cloned());
            continue;
        };
        // Time at which each version stopped being the newest; None = still newest.
        let mut hidden_at: Vec<Option<i64>> = (0..versions.len())
            .map(|i| {
                if i == 0 {
                    None
                } else {
                    Some(versions[i - 1].ts)
                }
            })
            .collect();
        if let Some(days) = rule.hide_days
            && versions[0].action == "upload"
            && now - versions[0].ts >= days * DAY_MS
        {
            new_markers.insert(name.to_string());
            hidden_at[0] = Some(now);
        }
        let mut kept: Vec<&Known> = Vec::new();
        for (i, v) in versions.iter().enumerate() {
            let expired = match (rule.delete_days, hidden_at[i]) {
                (Some(days), Some(at)) => now - at >= days * DAY_MS,
                _ => false,
            };
            if !expired {
                kept.push(v);
            }
        }
        // A newest hide marker with nothing left below it goes once it is old enough.
        if let Some(days) = rule.delete_days
            && !new_markers.contains(name)
            && kept.len() == 1
            && kept[0].action == "hide"
            && std::ptr::eq(kept[0], versions[0])
            && now - kept[0].ts >= days * DAY_MS
        {
            kept.clear();
        }
        survivors.extend(kept.into_iter().cloned());
    }
    (survivors, new_markers)
}

/// Small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn known_of(file: &Value, seq: usize) -> Known {
    Known {
        name: file["fileName"].as_str().unwrap().to_string(),
        id: file["fileId"].as_str().unwrap().to_string(),
        action: file["action"].as_str().unwrap().to_string(),
        ts: file["uploadTimestamp"].as_i64().unwrap(),
        seq,
    }
}

/// Compares the server's versions with the expectation; adopts the new hide markers (the
/// server chose their ids and timestamps) into `known`.
async fn check_pass(
    s: &Session,
    bucket: &str,
    known: &mut Vec<Known>,
    rules: &[LifeRule],
    now: i64,
    pass: usize,
) {
    let (survivors, new_markers) = expect_pass(known, rules, now);
    let listed = s.versions(bucket).await;
    let expected_ids: BTreeSet<&str> = survivors.iter().map(|k| k.id.as_str()).collect();
    let old_ids: BTreeSet<&str> = known.iter().map(|k| k.id.as_str()).collect();
    let listed_known: BTreeSet<&str> = listed
        .iter()
        .map(|f| f["fileId"].as_str().unwrap())
        .filter(|id| old_ids.contains(id))
        .collect();
    assert_eq!(
        listed_known, expected_ids,
        "pass {pass}: surviving versions differ"
    );
    let mut created = BTreeSet::new();
    let mut next_seq = known.iter().map(|k| k.seq).max().unwrap_or(0) + 1;
    let mut adopted = Vec::new();
    for f in &listed {
        if old_ids.contains(f["fileId"].as_str().unwrap()) {
            continue;
        }
        assert_eq!(
            f["action"], "hide",
            "pass {pass}: unexpected new version {f}"
        );
        let ts = f["uploadTimestamp"].as_i64().unwrap();
        assert!(
            ts <= now && now - ts < 60_000,
            "pass {pass}: marker time {ts}"
        );
        created.insert(f["fileName"].as_str().unwrap().to_string());
        adopted.push(known_of(f, next_seq));
        next_seq += 1;
    }
    assert_eq!(created, new_markers, "pass {pass}: new hide markers differ");
    *known = survivors;
    known.extend(adopted);
}

#[tokio::test]
async fn lifecycle_generated_history_matches_expectation() {
    let s = start().await;
    let bucket = s.create_private_bucket("lifecycle-history").await;
    let names = [
        "logs/a", "logs/b", "logs/c", "logs/d", "logs/e", "keep/a", "keep/b", "keep/c", "other/a",
        "other/b",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let mut known: Vec<Known> = Vec::new();
    // A history spread over about ten days, with no rules yet (passes change nothing).
    for step in 0..70 {
        let name = names[usize::try_from(rng.below(names.len() as u64)).unwrap()];
        let newest_is_upload = known
            .iter()
            .filter(|k| k.name == name)
            .max_by_key(|k| (k.ts, k.seq))
            .is_some_and(|k| k.action == "upload");
        match rng.below(4) {
            0 if newest_is_upload => {
                let marker = s.hide(&bucket, name).await;
                known.push(known_of(&marker, known.len()));
            }
            0..=2 => {
                let data = format!("{name} version {step}");
                let file = s.upload(&bucket, name, data.as_bytes()).await;
                known.push(known_of(&file, known.len()));
            }
            _ => {
                let hours = i64::try_from(rng.below(30)).unwrap() + 1;
                s.advance(hours * HOUR).await;
            }
        }
    }
    assert_eq!(s.versions(&bucket).await.len(), known.len());
    let rules = [
        LifeRule {
            prefix: "logs/",
            hide_days: Some(3),
            delete_days: Some(2),
        },
        LifeRule {
            prefix: "keep/",
            hide_days: None,
            delete_days: Some(1),
        },
    ];
    let (status, v) = s
        .set_lifecycle(
            &bucket,
            json!([
                {"fileNamePrefix": "logs/", "daysFromUploadingToHiding": 3, "daysFromHidingToDeleting": 2},
                {"fileNamePrefix": "keep/", "daysFromUploadingToHiding": null, "daysFromHidingToDeleting": 1}
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // Half-hour offsets keep every comparison away from an exact day boundary.
    let mut total_deleted = 0;
    for (pass, seconds) in [
        (1, 30 * 60),
        (2, 2 * DAY + HOUR),
        (3, 3 * DAY),
        (4, 5 * DAY),
    ] {
        let before = known.len();
        let now = s.advance(seconds).await;
        check_pass(&s, &bucket, &mut known, &rules, now, pass).await;
        total_deleted += before.saturating_sub(known.len());
    }
    assert!(total_deleted > 0, "the history never exercised deletion");
    // Names without a rule keep every version.
    let others = s
        .versions(&bucket)
        .await
        .iter()
        .filter(|f| f["fileName"].as_str().unwrap().starts_with("other/"))
        .count();
    assert!(others > 0);
    // After all that time only the rule-free names and keep/ current uploads are left.
    for f in s.versions(&bucket).await {
        let name = f["fileName"].as_str().unwrap();
        assert!(
            !name.starts_with("logs/"),
            "logs/ should be empty by now: {f}"
        );
    }
}

#[tokio::test]
async fn lifecycle_cancels_unfinished_large_files() {
    let s = start().await;
    let bucket = s.create_private_bucket("lifecycle-large").await;
    for name in ["tmp/one", "tmp/two", "data/three"] {
        s.ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": name, "contentType": "b2/x-auto"}),
        )
        .await;
    }
    let (status, v) = s
        .set_lifecycle(
            &bucket,
            json!([{"fileNamePrefix": "tmp/", "daysFromStartingToCancelingUnfinishedLargeFiles": 1}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    s.advance(23 * HOUR).await;
    assert_eq!(s.unfinished(&bucket).await.len(), 3, "cancelled too early");
    let v = s.admin("advance_clock", json!({"seconds": 2 * HOUR})).await;
    assert_eq!(v["lifecycle"]["canceled"], 2, "{v}");
    assert_eq!(s.unfinished(&bucket).await, vec!["data/three".to_string()]);
}

fn names_and_actions(files: &[Value]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| {
            (
                f["fileName"].as_str().unwrap().to_string(),
                f["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn lifecycle_preset_keep_only_the_last_version() {
    let s = start().await;
    let bucket = s.create_private_bucket("preset-last").await;
    s.upload(&bucket, "doc.txt", b"one").await;
    s.advance(HOUR).await;
    s.upload(&bucket, "doc.txt", b"two").await;
    s.advance(HOUR).await;
    let newest = s.upload(&bucket, "doc.txt", b"three").await;
    s.upload(&bucket, "gone.txt", b"bye").await;
    s.advance(HOUR).await;
    s.hide(&bucket, "gone.txt").await;
    let (status, v) = s
        .set_lifecycle(
            &bucket,
            json!([{"fileNamePrefix": "", "daysFromUploadingToHiding": null, "daysFromHidingToDeleting": 1}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");

    // 20 h later: "one" stopped being current 22 h ago, nothing is a day past yet.
    s.advance(20 * HOUR).await;
    assert_eq!(s.versions(&bucket).await.len(), 5);
    // 4.5 h more: "one" and "two" were replaced 26.5 h and 25.5 h ago; gone.txt's upload was
    // hidden 24.5 h ago, and its marker, then alone and a day old, goes with it.
    s.advance(4 * HOUR + 30 * 60).await;
    let files = s.versions(&bucket).await;
    assert_eq!(
        names_and_actions(&files),
        vec![("doc.txt".to_string(), "upload".to_string())]
    );
    assert_eq!(files[0]["fileId"], newest["fileId"]);
    // The current version stays however long we wait.
    s.advance(30 * DAY).await;
    assert_eq!(s.versions(&bucket).await.len(), 1);
}

#[tokio::test]
async fn lifecycle_preset_keep_prior_versions_for_days() {
    let s = start().await;
    let bucket = s.create_private_bucket("preset-prior").await;
    let v1 = s.upload(&bucket, "report.pdf", b"v1").await;
    s.advance(3 * DAY).await;
    let v2 = s.upload(&bucket, "report.pdf", b"v2").await;
    s.advance(2 * DAY).await;
    let v3 = s.upload(&bucket, "report.pdf", b"v3").await;
    let (status, v) = s
        .set_lifecycle(
            &bucket,
            json!([{"fileNamePrefix": "", "daysFromUploadingToHiding": null, "daysFromHidingToDeleting": 7}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let ids = |files: Vec<Value>| -> Vec<String> {
        files
            .iter()
            .map(|f| f["fileId"].as_str().unwrap().to_string())
            .collect()
    };
    let id = |v: &Value| v["fileId"].as_str().unwrap().to_string();

    // Day 9 + 12 h: v1 was replaced on day 3 (6.5 days ago): kept.
    s.advance(4 * DAY + 12 * HOUR).await;
    assert_eq!(
        ids(s.versions(&bucket).await),
        vec![id(&v3), id(&v2), id(&v1)]
    );
    // Day 10 + 12 h: v1 replaced 7.5 days ago: deleted; v2 replaced on day 5: kept.
    s.advance(DAY).await;
    assert_eq!(ids(s.versions(&bucket).await), vec![id(&v3), id(&v2)]);
    // Day 12 + 12 h: v2 replaced 7.5 days ago: deleted. v3 is current: kept.
    s.advance(2 * DAY).await;
    assert_eq!(ids(s.versions(&bucket).await), vec![id(&v3)]);
    // run_lifecycle without moving the clock changes nothing more.
    let v = s.admin("run_lifecycle", json!({})).await;
    assert_eq!(
        v["lifecycle"],
        json!({"hidden": 0, "deleted": 0, "canceled": 0})
    );
}

#[test]
fn expectation_model_sanity() {
    // A hidden file: upload at 0, marker at 1 day; delete after 1 day.
    let known = vec![
        Known {
            name: "f".into(),
            id: "u".into(),
            action: "upload".into(),
            ts: 0,
            seq: 0,
        },
        Known {
            name: "f".into(),
            id: "h".into(),
            action: "hide".into(),
            ts: DAY_MS,
            seq: 1,
        },
    ];
    let rules = [LifeRule {
        prefix: "",
        hide_days: None,
        delete_days: Some(1),
    }];
    let (left, markers) = expect_pass(&known, &rules, DAY_MS + DAY_MS / 2);
    assert_eq!(left.len(), 2);
    assert!(markers.is_empty());
    let (left, _) = expect_pass(&known, &rules, 2 * DAY_MS);
    assert!(left.is_empty());
}

// ---------------------------------------------------------------- notifications: rules

fn full_rule() -> Value {
    json!({
        "name": "uploads-to-hook",
        "eventTypes": ["b2:ObjectCreated:*", "b2:HideMarkerCreated:Hide"],
        "objectNamePrefix": "incoming/",
        "isEnabled": true,
        "isSuspended": true,
        "suspensionReason": "ignored",
        "targetConfiguration": {
            "targetType": "webhook",
            "url": "https://localhost:9/b2",
            "customHeaders": [{"name": "X-My-Header", "value": "abc"}],
            "hmacSha256SigningSecret": "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
            "maxEventsPerBatch": 5
        }
    })
}

fn minimal_rule(name: &str) -> Value {
    json!({
        "name": name,
        "eventTypes": ["b2:ObjectDeleted:*"],
        "objectNamePrefix": "",
        "isEnabled": false,
        "targetConfiguration": {"targetType": "webhook", "url": "https://localhost:9/other"}
    })
}

#[tokio::test]
async fn notification_rules_round_trip() {
    let s = start().await;
    let bucket = s.create_private_bucket("notify-rules").await;
    let empty = s.get_rules(&bucket).await;
    assert_eq!(
        empty,
        json!({"bucketId": bucket, "eventNotificationRules": []})
    );

    let (status, set) = s
        .set_rules(&bucket, json!([full_rule(), minimal_rule("second-rule")]))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let expected = json!({
        "bucketId": bucket,
        "eventNotificationRules": [
            {
                "name": "uploads-to-hook",
                "eventTypes": ["b2:ObjectCreated:*", "b2:HideMarkerCreated:Hide"],
                "objectNamePrefix": "incoming/",
                "isEnabled": true,
                "isSuspended": false,
                "suspensionReason": "",
                "targetConfiguration": {
                    "targetType": "webhook",
                    "url": "https://localhost:9/b2",
                    "customHeaders": [{"name": "X-My-Header", "value": "abc"}],
                    "hmacSha256SigningSecret": "AbCdEfGhIjKlMnOpQrStUvWxYz012345",
                    "maxEventsPerBatch": 5
                }
            },
            {
                "name": "second-rule",
                "eventTypes": ["b2:ObjectDeleted:*"],
                "objectNamePrefix": "",
                "isEnabled": false,
                "isSuspended": false,
                "suspensionReason": "",
                "targetConfiguration": {
                    "targetType": "webhook",
                    "url": "https://localhost:9/other",
                    "customHeaders": null,
                    "hmacSha256SigningSecret": null,
                    "maxEventsPerBatch": 1
                }
            }
        ]
    });
    assert_eq!(set, expected);
    assert_eq!(s.get_rules(&bucket).await, expected);

    // maxEventsPerBatch on the rule itself is accepted and echoed in targetConfiguration.
    let mut on_rule = minimal_rule("batch-on-rule");
    on_rule["maxEventsPerBatch"] = json!(7);
    let (status, v) = s.set_rules(&bucket, json!([on_rule])).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["eventNotificationRules"][0]["targetConfiguration"]["maxEventsPerBatch"],
        7
    );

    // Set replaces everything; [] clears.
    let (status, v) = s.set_rules(&bucket, json!([])).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["eventNotificationRules"], json!([]));
    assert_eq!(
        s.get_rules(&bucket).await["eventNotificationRules"],
        json!([])
    );

    // Capabilities: reading needs readBucketNotifications, writing writeBucketNotifications.
    let reader = s.token_with(&["readBucketNotifications"]).await;
    let (status, _) = s
        .call_with(
            &reader,
            "b2_get_bucket_notification_rules",
            json!({"bucketId": bucket}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = s
        .call_with(
            &reader,
            "b2_set_bucket_notification_rules",
            json!({"bucketId": bucket, "eventNotificationRules": []}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    assert_eq!(v["code"], "unauthorized");
    let writer = s.token_with(&["writeBucketNotifications"]).await;
    let (status, v) = s
        .call_with(
            &writer,
            "b2_get_bucket_notification_rules",
            json!({"bucketId": bucket}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{v}");
    let (status, v) = s
        .call(
            "b2_get_bucket_notification_rules",
            json!({"bucketId": "000000000000aaaaaaaaaaaa"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn notification_rule_validation_errors() {
    let s = start().await;
    let bucket = s.create_private_bucket("notify-invalid").await;
    let (status, v) = s.set_rules(&bucket, json!([full_rule()])).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    let with = |path: &[&str], value: Value| {
        let mut rule = full_rule();
        let mut at = &mut rule;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        let last = path[path.len() - 1];
        if value.is_null() {
            at.as_object_mut().unwrap().remove(last);
        } else {
            at[last] = value;
        }
        json!([rule])
    };
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"name": format!("X-H{i}"), "value": "v"}))
        .collect();
    let cases = [
        (with(&["eventTypes"], json!([])), "event_types_empty"),
        (with(&["eventTypes"], Value::Null), "event_types_empty"),
        (
            with(&["eventTypes"], json!(["b2:ObjectCreated:Nope"])),
            "event_type_invalid",
        ),
        (
            with(&["eventTypes"], json!(["ObjectCreated:Upload"])),
            "event_type_invalid",
        ),
        (with(&["eventTypes"], json!([17])), "event_type_invalid"),
        (
            with(&["eventTypes"], json!(["b2:Bogus:*"])),
            "event_type_categories",
        ),
        (
            with(
                &["eventTypes"],
                json!(["b2:ObjectCreated:*", "b2:ObjectCreated:Upload"]),
            ),
            "event_type_overlap",
        ),
        (
            with(
                &["eventTypes"],
                json!(["b2:ObjectDeleted:Delete", "b2:ObjectDeleted:Delete"]),
            ),
            "event_type_overlap",
        ),
        (with(&["name"], json!("short")), "bad_request"),
        (with(&["name"], json!("has_underscore")), "bad_request"),
        (with(&["name"], json!("x".repeat(64))), "bad_request"),
        (with(&["name"], Value::Null), "bad_request"),
        (with(&["isEnabled"], Value::Null), "bad_request"),
        (with(&["isEnabled"], json!("yes")), "bad_request"),
        (with(&["objectNamePrefix"], json!(5)), "bad_request"),
        (with(&["targetConfiguration"], Value::Null), "bad_request"),
        (
            with(&["targetConfiguration", "targetType"], json!("sqs")),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "url"],
                json!("http://hooks.example.com/b2"),
            ),
            "bad_request",
        ),
        (
            with(&["targetConfiguration", "url"], json!("not a url")),
            "bad_request",
        ),
        (
            with(&["targetConfiguration", "url"], Value::Null),
            "bad_request",
        ),
        (
            with(&["targetConfiguration", "customHeaders"], json!(eleven)),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "customHeaders"],
                json!([{"name": "X-Bz-Anything", "value": "v"}]),
            ),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "customHeaders"],
                json!([{"name": "bad header", "value": "v"}]),
            ),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "customHeaders"],
                json!([{"name": "X-Big", "value": "v".repeat(2100)}]),
            ),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "hmacSha256SigningSecret"],
                json!("AbCdEfGhIjKlMnOpQrStUvWxYz01234"),
            ),
            "bad_request",
        ),
        (
            with(
                &["targetConfiguration", "hmacSha256SigningSecret"],
                json!("AbCdEfGhIjKlMnOpQrStUvWxYz01234!"),
            ),
            "bad_request",
        ),
        (
            with(&["targetConfiguration", "maxEventsPerBatch"], json!(0)),
            "bad_request",
        ),
        (
            with(&["targetConfiguration", "maxEventsPerBatch"], json!(51)),
            "bad_request",
        ),
        (json!([full_rule(), full_rule()]), "bad_request"),
        (json!({"not": "a list"}), "bad_request"),
        (
            Value::Array(
                (0..26)
                    .map(|i| minimal_rule(&format!("rule-{i:02}")))
                    .collect(),
            ),
            "bad_request",
        ),
    ];
    for (rules, code) in cases {
        s.rejects(
            "b2_set_bucket_notification_rules",
            json!({"bucketId": bucket, "eventNotificationRules": rules}),
            code,
        )
        .await;
    }
    s.rejects(
        "b2_set_bucket_notification_rules",
        json!({"bucketId": bucket}),
        "bad_request",
    )
    .await;
    // 25 rules and local http URLs are fine.
    let mut rules: Vec<Value> = (0..25)
        .map(|i| minimal_rule(&format!("rule-{i:02}")))
        .collect();
    rules[0]["targetConfiguration"]["url"] = json!("http://127.0.0.1:9/hook");
    rules[1]["targetConfiguration"]["url"] = json!("http://localhost:9/hook");
    let (status, v) = s.set_rules(&bucket, Value::Array(rules)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["eventNotificationRules"].as_array().unwrap().len(), 25);
}

// ---------------------------------------------------------------- notifications: delivery

#[derive(Debug, Clone)]
struct Hit {
    path: String,
    headers: HeaderMap,
    body: Bytes,
    status: u16,
}

struct ReceiverState {
    hits: Mutex<Vec<Hit>>,
    status: AtomicU16,
}

/// A webhook receiver on 127.0.0.1 answering every POST with the current status.
struct Receiver {
    url: String,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

async fn hook(
    State(state): State<Arc<ReceiverState>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> AxumStatus {
    let status = state.status.load(Ordering::SeqCst);
    state.hits.lock().unwrap().push(Hit {
        path: uri.path().to_string(),
        headers,
        body,
        status,
    });
    AxumStatus::from_u16(status).unwrap()
}

impl Receiver {
    async fn start() -> Receiver {
        let state = Arc::new(ReceiverState {
            hits: Mutex::new(Vec::new()),
            status: AtomicU16::new(200),
        });
        let app = axum::Router::new()
            .route("/{*path}", axum::routing::post(hook))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver { url, state, task }
    }

    fn answer(&self, status: u16) {
        self.state.status.store(status, Ordering::SeqCst);
    }

    fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().unwrap().clone()
    }

    /// Events of every POST answered with 2xx, in arrival order.
    fn events(&self) -> Vec<Value> {
        self.hits()
            .iter()
            .filter(|h| h.status < 300)
            .flat_map(|h| {
                let v: Value = serde_json::from_slice(&h.body).unwrap();
                v["events"].as_array().unwrap().clone()
            })
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn hook_rule(name: &str, types: &[&str], prefix: &str, url: &str) -> Value {
    json!({
        "name": name,
        "eventTypes": types,
        "objectNamePrefix": prefix,
        "isEnabled": true,
        "targetConfiguration": {"targetType": "webhook", "url": url}
    })
}

const SECRET: &str = "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe";

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn events_are_delivered_signed_with_headers() {
    let s = start().await;
    let receiver = Receiver::start().await;
    let bucket = s.create_private_bucket("notify-deliver").await;
    let mut rule = hook_rule(
        "everything-incoming",
        &[
            "b2:ObjectCreated:*",
            "b2:ObjectDeleted:*",
            "b2:HideMarkerCreated:*",
        ],
        "in/",
        &format!("{}/hook", receiver.url),
    );
    rule["targetConfiguration"]["hmacSha256SigningSecret"] = json!(SECRET);
    rule["targetConfiguration"]["customHeaders"] = json!([{"name": "X-Custom-One", "value": "first"}, {"name": "X-Custom-Two", "value": "second value"}]);
    let (status, v) = s.set_rules(&bucket, json!([rule])).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    let up = s.upload(&bucket, "in/a.txt", b"hello events").await;
    s.upload(&bucket, "out/b.txt", b"not watched").await;
    let copy = s
        .ok(
            "b2_copy_file",
            json!({"sourceFileId": up["fileId"], "fileName": "in/copy.txt"}),
        )
        .await;
    let marker = s.hide(&bucket, "in/a.txt").await;
    s.ok(
        "b2_delete_file_version",
        json!({"fileName": "in/a.txt", "fileId": marker["fileId"]}),
    )
    .await;
    let start = s
        .ok(
            "b2_start_large_file",
            json!({"bucketId": bucket, "fileName": "in/big.bin", "contentType": "b2/x-auto"}),
        )
        .await;
    let part_url = s
        .ok("b2_get_upload_part_url", json!({"fileId": start["fileId"]}))
        .await;
    // A large file has at least 2 parts; only the last may be below the minimum size.
    let first = vec![b'a'; 5_000_000];
    let last = b"one small part is allowed to be the last".to_vec();
    for (number, part) in [(1, &first), (2, &last)] {
        let resp = s
            .http
            .post(part_url["uploadUrl"].as_str().unwrap())
            .header(
                "Authorization",
                part_url["authorizationToken"].as_str().unwrap(),
            )
            .header("X-Bz-Part-Number", number.to_string())
            .header("X-Bz-Content-Sha1", sha1_hex(part))
            .body(part.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let big = s
        .ok(
            "b2_finish_large_file",
            json!({"fileId": start["fileId"],
                   "partSha1Array": [sha1_hex(&first), sha1_hex(&last)]}),
        )
        .await;

    let v = s.deliver().await;
    assert_eq!(v["queued"], 0, "{v}");
    let hits = receiver.hits();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(hit.path, "/hook");
        assert_eq!(hit.headers["x-custom-one"], "first");
        assert_eq!(hit.headers["x-custom-two"], "second value");
        assert_eq!(hit.headers["content-type"], "application/json");
        let signature = hit.headers["x-bz-event-notification-signature"]
            .to_str()
            .unwrap();
        assert_eq!(signature, format!("v1={}", hmac_hex(SECRET, &hit.body)));
        assert_ne!(signature, format!("v1={}", hmac_hex("wrong", &hit.body)));
        // Default batch size 1.
        let body: Value = serde_json::from_slice(&hit.body).unwrap();
        assert_eq!(body["events"].as_array().unwrap().len(), 1);
    }
    let events = receiver.events();
    let summary: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["eventType"].as_str().unwrap().to_string(),
                e["objectName"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("b2:ObjectCreated:Upload", "in/a.txt"),
        ("b2:ObjectCreated:Copy", "in/copy.txt"),
        ("b2:HideMarkerCreated:Hide", "in/a.txt"),
        ("b2:ObjectDeleted:Delete", "in/a.txt"),
        ("b2:ObjectCreated:MultipartUpload", "in/big.bin"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(summary, expected);
    let ids: BTreeSet<&str> = events
        .iter()
        .map(|e| e["eventId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), events.len(), "eventIds must be unique");
    let versions = [&up, &copy, &marker, &marker, &big];
    for (event, version) in events.iter().zip(versions) {
        assert_eq!(event["accountId"], s.account_id.as_str());
        assert_eq!(event["bucketId"], bucket.as_str());
        assert_eq!(event["bucketName"], "notify-deliver");
        assert_eq!(event["eventVersion"], 1);
        assert_eq!(event["matchedRuleName"], "everything-incoming");
        assert_eq!(event["objectVersionId"], version["fileId"]);
        assert!(
            event["eventTimestamp"].as_i64().unwrap() >= up["uploadTimestamp"].as_i64().unwrap()
        );
        let created = event["eventType"]
            .as_str()
            .unwrap()
            .starts_with("b2:ObjectCreated:");
        assert_eq!(event.get("objectSize").is_some(), created, "{event}");
    }
    assert_eq!(events[0]["objectSize"], 12);
    assert_eq!(events[4]["objectSize"], first.len() + last.len());
}

#[tokio::test]
async fn events_are_batched_and_retried_after_failures() {
    let config = Config {
        // Long enough that only deliver_events retries within the test.
        event_retry_base: Duration::from_secs(600),
        ..config()
    };
    let s = start_with(config).await;
    let receiver = Receiver::start().await;
    let bucket = s.create_private_bucket("notify-batch").await;
    let mut rule = hook_rule(
        "batched-uploads",
        &["b2:ObjectCreated:Upload"],
        "",
        &format!("{}/batch", receiver.url),
    );
    rule["targetConfiguration"]["maxEventsPerBatch"] = json!(3);
    let (status, v) = s.set_rules(&bucket, json!([rule])).await;
    assert_eq!(status, StatusCode::OK, "{v}");

    receiver.answer(503);
    s.upload(&bucket, "f0", b"0").await;
    let v = s.deliver().await;
    assert_eq!(v["queued"], 1, "a failed event stays queued: {v}");
    assert!(receiver.hits().iter().all(|h| h.status == 503));
    for i in 1..7 {
        s.upload(&bucket, &format!("f{i}"), b"x").await;
    }
    receiver.answer(200);
    let v = s.deliver().await;
    assert_eq!(v["queued"], 0, "{v}");
    assert_eq!(v["delivery"]["delivered"], 7, "{v}");
    let sizes: Vec<usize> = receiver
        .hits()
        .iter()
        .filter(|h| h.status == 200)
        .map(|h| {
            let body: Value = serde_json::from_slice(&h.body).unwrap();
            body["events"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, vec![3, 3, 1]);
    let names: Vec<String> = receiver
        .events()
        .iter()
        .map(|e| e["objectName"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..7).map(|i| format!("f{i}")).collect();
    assert_eq!(names, expected);
    // No signature header without a secret.
    assert!(
        receiver
            .hits()
            .iter()
            .all(|h| !h.headers.contains_key("x-bz-event-notification-signature"))
    );
    let rules = s.get_rules(&bucket).await;
    assert_eq!(rules["eventNotificationRules"][0]["isSuspended"], false);
}

#[tokio::test]
async fn failing_webhook_suspends_the_rule() {
    let config = Config {
        event_retry_base: Duration::from_millis(50),
        ..config()
    };
    let s = start_with(config).await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let bucket = s.create_private_bucket("notify-suspend").await;
    let rule = hook_rule(
        "always-failing",
        &["b2:ObjectCreated:*"],
        "",
        &format!("{}/fail", receiver.url),
    );
    let (status, v) = s.set_rules(&bucket, json!([rule.clone()])).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    s.upload(&bucket, "one.txt", b"1").await;

    let mut suspended = Value::Null;
    for _ in 0..10 {
        s.deliver().await;
        let rules = s.get_rules(&bucket).await;
        if rules["eventNotificationRules"][0]["isSuspended"] == true {
            suspended = rules["eventNotificationRules"][0].clone();
            break;
        }
    }
    assert_eq!(suspended["isSuspended"], true, "never suspended");
    let reason = suspended["suspensionReason"].as_str().unwrap();
    assert!(reason.contains("HTTP 500"), "{reason}");
    assert!(reason.contains("5 deliveries"), "{reason}");
    let attempts = receiver.hits().len();
    assert_eq!(attempts, 5, "suspended after five failures in a row");

    // Suspended: nothing is queued or sent.
    s.upload(&bucket, "two.txt", b"2").await;
    let v = s.deliver().await;
    assert_eq!(v["queued"], 0, "{v}");
    assert_eq!(receiver.hits().len(), attempts);

    // Setting the rules again clears the suspension (isSuspended in the request is ignored).
    receiver.answer(200);
    let mut again = rule;
    again["isSuspended"] = json!(true);
    let (status, v) = s.set_rules(&bucket, json!([again])).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["eventNotificationRules"][0]["isSuspended"], false);
    assert_eq!(v["eventNotificationRules"][0]["suspensionReason"], "");
    s.upload(&bucket, "three.txt", b"3").await;
    s.deliver().await;
    let delivered: Vec<Value> = receiver.events();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["objectName"], "three.txt");
}

#[tokio::test]
async fn unreachable_webhook_is_a_failure_too() {
    let config = Config {
        event_retry_base: Duration::from_secs(600),
        ..config()
    };
    let s = start_with(config).await;
    // A port nobody listens on: bind, note it, close.
    let port = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap().port()
    };
    let bucket = s.create_private_bucket("notify-unreachable").await;
    let rule = hook_rule(
        "nobody-home",
        &["b2:ObjectCreated:Upload"],
        "",
        &format!("http://127.0.0.1:{port}/hook"),
    );
    s.set_rules(&bucket, json!([rule])).await;
    s.upload(&bucket, "x", b"x").await;
    let mut suspended = 0;
    for _ in 0..6 {
        let report = s.deliver().await;
        suspended += report["delivery"]["suspended"].as_u64().unwrap();
    }
    assert_eq!(suspended, 1);
    let rules = s.get_rules(&bucket).await;
    let rule = &rules["eventNotificationRules"][0];
    assert_eq!(rule["isSuspended"], true);
    assert!(
        rule["suspensionReason"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{rule}"
    );
}

#[tokio::test]
async fn only_matching_enabled_rules_get_events() {
    let s = start().await;
    let receiver = Receiver::start().await;
    let bucket = s.create_private_bucket("notify-match").await;
    let other = s.create_private_bucket("notify-match-other").await;
    let mut disabled = hook_rule(
        "disabled-rule",
        &["b2:ObjectCreated:*", "b2:HideMarkerCreated:*"],
        "",
        &format!("{}/disabled", receiver.url),
    );
    disabled["isEnabled"] = json!(false);
    let uploads_only = hook_rule(
        "match-uploads",
        &["b2:ObjectCreated:Upload"],
        "match/",
        &format!("{}/uploads", receiver.url),
    );
    let deletes = hook_rule(
        "match-deletes",
        &["b2:ObjectDeleted:Delete"],
        "match/",
        &format!("{}/deletes", receiver.url),
    );
    let (status, v) = s
        .set_rules(&bucket, json!([disabled, uploads_only, deletes]))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");

    s.upload(&bucket, "elsewhere/x", b"x").await;
    let hidden = s.upload(&bucket, "match/hidden", b"h").await;
    s.hide(&bucket, "match/hidden").await;
    s.upload(&other, "match/other-bucket", b"o").await;
    s.ok(
        "b2_copy_file",
        json!({"sourceFileId": hidden["fileId"], "fileName": "match/copied"}),
    )
    .await;
    let wanted = s.upload(&bucket, "match/wanted", b"w").await;
    s.deliver().await;

    let hits = receiver.hits();
    assert!(
        hits.iter().all(|h| h.path != "/disabled"),
        "disabled rule got events"
    );
    assert!(
        hits.iter().all(|h| h.path != "/deletes"),
        "no deletion happened"
    );
    let events = receiver.events();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["objectName"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["match/hidden", "match/wanted"]);
    assert_eq!(events[1]["objectVersionId"], wanted["fileId"]);
    assert!(
        events
            .iter()
            .all(|e| e["matchedRuleName"] == "match-uploads")
    );
    let v = s.deliver().await;
    assert_eq!(v["delivery"]["batches"], 0, "nothing left to send: {v}");
}

#[tokio::test]
async fn lifecycle_actions_raise_events() {
    let s = start().await;
    let receiver = Receiver::start().await;
    let bucket = s.create_private_bucket("notify-lifecycle").await;
    let rule = hook_rule(
        "lifecycle-events",
        &[
            "b2:HideMarkerCreated:LifecycleRule",
            "b2:ObjectDeleted:LifecycleRule",
        ],
        "",
        &format!("{}/lifecycle", receiver.url),
    );
    s.set_rules(&bucket, json!([rule])).await;
    let file = s.upload(&bucket, "tmp/old.log", b"log").await;
    let (status, v) = s
        .set_lifecycle(
            &bucket,
            json!([{"fileNamePrefix": "tmp/", "daysFromUploadingToHiding": 1, "daysFromHidingToDeleting": 1}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let v = s
        .admin("advance_clock", json!({"seconds": DAY + HOUR}))
        .await;
    assert_eq!(v["lifecycle"]["hidden"], 1, "{v}");
    s.deliver().await;
    let events = receiver.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["eventType"], "b2:HideMarkerCreated:LifecycleRule");
    assert_eq!(events[0]["objectName"], "tmp/old.log");
    assert!(events[0].get("objectSize").is_none());
    let marker_id = events[0]["objectVersionId"].clone();

    let v = s
        .admin("advance_clock", json!({"seconds": DAY + HOUR}))
        .await;
    assert_eq!(v["lifecycle"]["deleted"], 2, "{v}");
    s.deliver().await;
    let events = receiver.events();
    assert_eq!(events.len(), 3, "{events:?}");
    let deleted: BTreeSet<String> = events[1..]
        .iter()
        .map(|e| {
            assert_eq!(e["eventType"], "b2:ObjectDeleted:LifecycleRule");
            e["objectVersionId"].as_str().unwrap().to_string()
        })
        .collect();
    let expected: BTreeSet<String> = [
        file["fileId"].as_str().unwrap().to_string(),
        marker_id.as_str().unwrap().to_string(),
    ]
    .into_iter()
    .collect();
    assert_eq!(deleted, expected);
    assert!(s.versions(&bucket).await.is_empty());
}
