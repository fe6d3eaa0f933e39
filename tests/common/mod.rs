//! Shared test helpers: a local B2 on a free loopback port, a client authorized on it,
//! and raw admin calls (fault injection, clock, call counts).
#![allow(dead_code)]

pub mod app;
pub mod live;
pub mod raw;
pub mod recordings;
pub mod replication;
pub mod wait;

use std::time::Duration;

use b2tui::b2::{
    B2Client, Bucket, BucketId, ClientOptions, CreateKeyRequest, CreatedKey, Credentials,
    RetryPolicy,
};
use b2tui::emulator::{self, RunningEmulator};
use serde_json::{Value, json};

pub struct Local {
    pub server: RunningEmulator,
    pub client: B2Client,
    /// An account token of the master key, taken with a raw authorize call.
    pub token: String,
}

/// Retries fast enough for tests, still exponential.
pub fn fast_retry() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
            max_elapsed: Duration::from_secs(20),
        },
        ..ClientOptions::default()
    }
}

/// Starts an in-memory local B2 and authorizes a client with its master key.
pub async fn start() -> Local {
    start_with(emulator::Config::default(), fast_retry()).await
}

pub async fn start_with(config: emulator::Config, options: ClientOptions) -> Local {
    let server = emulator::spawn(config, "127.0.0.1:0")
        .await
        .expect("local B2 starts");
    let creds = Credentials::new(&server.master_key_id, &server.master_key);
    let client = B2Client::authorize_with(&server.url, creds, options)
        .await
        .expect("authorize");
    // Raw authorize, tried again while a fault-injecting server refuses it.
    let mut token = None;
    for _ in 0..50 {
        let resp = reqwest::Client::new()
            .get(format!("{}/b2api/v3/b2_authorize_account", server.url))
            .basic_auth(&server.master_key_id, Some(&server.master_key))
            .send()
            .await
            .expect("raw authorize");
        if resp.status().is_success() {
            let auth: Value = resp.json().await.expect("authorize json");
            token = auth["authorizationToken"].as_str().map(str::to_owned);
            break;
        }
    }
    let token = token.expect("the local B2 authorizes its master key");
    Local {
        server,
        client,
        token,
    }
}

impl Local {
    /// Raw JSON call on the API, with the client's current token.
    pub async fn api(&self, name: &str, body: Value) -> (u16, Value) {
        let resp = reqwest::Client::new()
            .post(format!("{}/b2api/v3/{name}", self.server.url))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn create_bucket(&self, name: &str, kind: &str) -> BucketId {
        let (status, body) = self
            .api(
                "b2_create_bucket",
                json!({"accountId": self.client.account_id(), "bucketName": name, "bucketType": kind}),
            )
            .await;
        assert_eq!(status, 200, "create bucket {name}: {body}");
        let bucket: Bucket = serde_json::from_value(body).expect("bucket shape");
        bucket.bucket_id
    }

    /// Creates a bucket on a server that injects random faults: tries until it answers.
    pub async fn create_bucket_retrying(&self, name: &str, kind: &str) -> BucketId {
        for _ in 0..50 {
            let (status, body) = self
                .api(
                    "b2_create_bucket",
                    json!({"accountId": self.client.account_id(), "bucketName": name, "bucketType": kind}),
                )
                .await;
            if status == 200 {
                let bucket: Bucket = serde_json::from_value(body).expect("bucket shape");
                return bucket.bucket_id;
            }
        }
        panic!("bucket {name} could not be created")
    }

    /// Admin call with the master key (fault injection, clock, stats).
    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let resp = reqwest::Client::new()
            .post(format!("{}/b2tui-admin/v1/{path}", self.server.url))
            .basic_auth(&self.server.master_key_id, Some(&self.server.master_key))
            .json(&body)
            .send()
            .await
            .expect("admin request");
        assert!(
            resp.status().is_success(),
            "admin {path}: {}",
            resp.status()
        );
        resp.json().await.unwrap_or(Value::Null)
    }

    /// A client authorized with `key`, a key created on this local B2.
    pub async fn login(&self, key: &CreatedKey) -> B2Client {
        let creds = Credentials::new(&key.key.application_key_id, key.secret.expose());
        B2Client::authorize_with(&self.server.url, creds, fast_retry())
            .await
            .expect("the new key authorizes")
    }

    /// A new key made as `req` says (with the master key), and a client authorized with it.
    pub async fn key_client(&self, req: &CreateKeyRequest) -> B2Client {
        let key = self.client.create_key(req).await.expect("create key");
        self.login(&key).await
    }

    /// How many times the local B2 has answered `endpoint` so far.
    pub async fn calls(&self, endpoint: &str) -> u64 {
        let resp = reqwest::Client::new()
            .get(format!("{}/b2tui-admin/v1/stats", self.server.url))
            .basic_auth(&self.server.master_key_id, Some(&self.server.master_key))
            .send()
            .await
            .expect("stats");
        let v: Value = resp.json().await.expect("stats json");
        v["calls"][endpoint].as_u64().unwrap_or(0)
    }
}
