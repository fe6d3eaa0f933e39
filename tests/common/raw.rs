//! Raw HTTP against a local B2: an authorized [`Session`] with JSON calls, uploads and
//! downloads, admin calls with the master key, and the small encoders they need.

// Helpers unwrap; a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use b2tui::emulator::{self, Config, RunningEmulator};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

pub fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

/// Percent-encodes every byte but unreserved ones and `/`.
pub fn encode(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Dotted paths of every object key in `value` (array items as `[]`).
pub fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let path = format!("{prefix}.{k}");
                out.insert(path.clone());
                key_paths(v, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// An HTTP Basic authorization header value.
pub fn basic(key_id: &str, key: &str) -> String {
    let raw = format!("{key_id}:{key}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// b2_authorize_account on API `version`: its status and JSON body.
pub async fn authorize_raw(url: &str, key_id: &str, key: &str, version: u8) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{url}/b2api/v{version}/b2_authorize_account"))
        .header("Authorization", basic(key_id, key))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

/// Status and body of a response; a body that is not JSON comes back as a string.
pub async fn answer(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Asserts a B2 error answer: status, code, and a body whose `status` agrees.
#[track_caller]
pub fn assert_error<S: Copy + Into<u16>>(got: &(S, Value), status: u16, code: &str) {
    let (got_status, body) = got;
    let got_status: u16 = (*got_status).into();
    assert_eq!(got_status, status, "status of {body}");
    assert_eq!(body["code"], code, "code of {body}");
    assert_eq!(body["status"], status, "body status of {body}");
    assert!(
        body["message"].as_str().is_some(),
        "error without message: {body}"
    );
}

/// A 32-byte SSE-C customer key made of `byte`: (the key, its MD5), both base64.
pub fn customer_key(byte: u8) -> (String, String) {
    use md5::Digest as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let raw = [byte; 32];
    (engine.encode(raw), engine.encode(md5::Md5::digest(raw)))
}

/// The three `X-Bz-Server-Side-Encryption-Customer-*` headers for a customer key.
pub fn sse_c_headers<'a>(key: &'a str, md5: &'a str) -> [(&'static str, &'a str); 3] {
    [
        ("X-Bz-Server-Side-Encryption-Customer-Algorithm", "AES256"),
        ("X-Bz-Server-Side-Encryption-Customer-Key", key),
        ("X-Bz-Server-Side-Encryption-Customer-Key-Md5", md5),
    ]
}

/// Admin call with the master key; asserts a success status.
pub async fn admin(emu: &RunningEmulator, op: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/b2tui-admin/v1/{op}", emu.url))
        .basic_auth(&emu.master_key_id, Some(&emu.master_key))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "admin {op}");
    resp.json().await.unwrap()
}

/// Admin call with the master key and any method: its status and JSON body.
pub async fn admin_request(
    emu: &RunningEmulator,
    method: reqwest::Method,
    op: &str,
    body: Value,
) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .request(method, format!("{}/b2tui-admin/v1/{op}", emu.url))
        .basic_auth(&emu.master_key_id, Some(&emu.master_key))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

/// A local B2 on a free loopback port.
pub async fn spawn_with(config: Config) -> RunningEmulator {
    emulator::spawn(config, "127.0.0.1:0").await.unwrap()
}

pub async fn spawn() -> RunningEmulator {
    spawn_with(Config::default()).await
}

/// A local B2 and a session of its master key.
pub async fn start() -> (RunningEmulator, Session) {
    start_with(Config::default()).await
}

pub async fn start_with(config: Config) -> (RunningEmulator, Session) {
    let emu = spawn_with(config).await;
    let session = Session::master(&emu).await;
    (emu, session)
}

/// An authorized session of one key on one API version.
pub struct Session {
    pub http: reqwest::Client,
    pub url: String,
    pub token: String,
    pub account_id: String,
    pub key_id: String,
    pub key: String,
    /// The API version of [`Session::call`].
    pub version: u8,
    /// A server this session keeps running, when it owns one.
    server: Option<RunningEmulator>,
}

impl Session {
    /// Authorizes on v3.
    pub async fn new(url: &str, key_id: &str, key: &str) -> Session {
        Session::new_v(url, key_id, key, 3).await
    }

    pub async fn new_v(url: &str, key_id: &str, key: &str, version: u8) -> Session {
        let (status, auth) = authorize_raw(url, key_id, key, version).await;
        assert_eq!(status, StatusCode::OK, "{auth}");
        Session {
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            url: url.to_string(),
            token: auth["authorizationToken"].as_str().unwrap().to_string(),
            account_id: auth["accountId"].as_str().unwrap().to_string(),
            key_id: key_id.to_string(),
            key: key.to_string(),
            version,
            server: None,
        }
    }

    /// The master key's session on v3.
    pub async fn master(emu: &RunningEmulator) -> Session {
        Session::new(&emu.url, &emu.master_key_id, &emu.master_key).await
    }

    pub async fn master_v(emu: &RunningEmulator, version: u8) -> Session {
        Session::new_v(&emu.url, &emu.master_key_id, &emu.master_key, version).await
    }

    /// This session, keeping `emu` running as long as it lives.
    pub fn owning(mut self, emu: RunningEmulator) -> Session {
        self.server = Some(emu);
        self
    }

    /// The same account and key with another token.
    pub fn with_token(&self, token: &str) -> Session {
        Session {
            http: self.http.clone(),
            url: self.url.clone(),
            token: token.to_string(),
            account_id: self.account_id.clone(),
            key_id: self.key_id.clone(),
            key: self.key.clone(),
            version: self.version,
            server: None,
        }
    }

    /// JSON call on API `version`; a body that is not JSON comes back as a string.
    pub async fn call_v(&self, version: u8, endpoint: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/b2api/v{version}/{endpoint}", self.url))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn call(&self, endpoint: &str, body: Value) -> (StatusCode, Value) {
        self.call_v(self.version, endpoint, body).await
    }

    /// A call that must answer 200.
    pub async fn ok(&self, endpoint: &str, body: Value) -> Value {
        let (status, value) = self.call(endpoint, body).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {value}");
        value
    }

    pub async fn create_bucket(&self, name: &str, bucket_type: &str) -> String {
        let bucket = self
            .ok(
                "b2_create_bucket",
                json!({"accountId": self.account_id, "bucketName": name, "bucketType": bucket_type}),
            )
            .await;
        bucket["bucketId"].as_str().unwrap().to_string()
    }

    pub async fn create_private_bucket(&self, name: &str) -> String {
        self.create_bucket(name, "allPrivate").await
    }

    /// Creates a bucket with `fileLockEnabled` always sent.
    pub async fn create_lock_bucket(&self, name: &str, bucket_type: &str, lock: bool) -> String {
        let bucket = self
            .ok(
                "b2_create_bucket",
                json!({"accountId": self.account_id, "bucketName": name,
                       "bucketType": bucket_type, "fileLockEnabled": lock}),
            )
            .await;
        bucket["bucketId"].as_str().unwrap().to_string()
    }

    /// An upload URL and its token; the call must answer 200.
    pub async fn upload_url(&self, bucket_id: &str) -> (String, String) {
        let v = self
            .ok("b2_get_upload_url", json!({"bucketId": bucket_id}))
            .await;
        (
            v["uploadUrl"].as_str().unwrap().to_string(),
            v["authorizationToken"].as_str().unwrap().to_string(),
        )
    }

    fn upload_request(
        &self,
        url: &str,
        token: &str,
        name_header: &str,
        content_type: &str,
        data: &[u8],
        extra: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .post(url)
            .header("Authorization", token)
            .header("X-Bz-File-Name", name_header)
            .header("Content-Type", content_type)
            .header("X-Bz-Content-Sha1", sha1_hex(data));
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req.body(data.to_vec())
    }

    /// Uploads `data` as `name` (percent-encoded here, type `b2/x-auto`) with extra headers;
    /// the answer must be JSON.
    pub async fn upload_with(
        &self,
        bucket_id: &str,
        name: &str,
        data: &[u8],
        extra: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (url, token) = self.upload_url(bucket_id).await;
        let resp = self
            .upload_request(&url, &token, &encode(name), "b2/x-auto", data, extra)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }

    /// [`Session::upload_with`] without extra headers; must answer 200.
    pub async fn upload(&self, bucket_id: &str, name: &str, data: &[u8]) -> Value {
        let (status, v) = self.upload_with(bucket_id, name, data, &[]).await;
        assert_eq!(status, StatusCode::OK, "upload {name}: {v}");
        v
    }

    /// Uploads `data` as `encoded_name` (sent as given, type `text/plain`) with extra
    /// headers; a body that is not JSON comes back as a string.
    pub async fn upload_raw(
        &self,
        bucket_id: &str,
        encoded_name: &str,
        data: &[u8],
        extra: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (url, token) = self.upload_url(bucket_id).await;
        let resp = self
            .upload_request(&url, &token, encoded_name, "text/plain", data, extra)
            .send()
            .await
            .unwrap();
        let (status, v) = answer(resp).await;
        (StatusCode::from_u16(status).unwrap(), v)
    }

    /// [`Session::upload_raw`] of `name` percent-encoded; must answer 200.
    pub async fn upload_text(
        &self,
        bucket_id: &str,
        name: &str,
        data: &[u8],
        extra: &[(&str, &str)],
    ) -> Value {
        let (status, v) = self.upload_raw(bucket_id, &encode(name), data, extra).await;
        assert_eq!(status, 200, "upload {name}: {v}");
        v
    }

    /// Uploads `data` as `name` (sent as given, type `text/plain`) with extra headers; a
    /// refused b2_get_upload_url comes back as the answer. The answer must be JSON.
    pub async fn try_upload_with(
        &self,
        bucket_id: &str,
        name: &str,
        data: &[u8],
        extra: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let (status, v) = self
            .call("b2_get_upload_url", json!({"bucketId": bucket_id}))
            .await;
        if status != StatusCode::OK {
            return (status, v);
        }
        let resp = self
            .upload_request(
                v["uploadUrl"].as_str().unwrap(),
                v["authorizationToken"].as_str().unwrap(),
                name,
                "text/plain",
                data,
                extra,
            )
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }

    /// GET on the server with this session's token.
    pub async fn download(&self, path: &str) -> reqwest::Response {
        self.download_with(path, &[]).await
    }

    /// GET on the server with this session's token and extra headers.
    pub async fn download_with(&self, path: &str, extra: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self
            .http
            .get(format!("{}{path}", self.url))
            .header("Authorization", &self.token);
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    /// GET on the server with an optional token in the header.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            req = req.header("Authorization", token);
        }
        req.send().await.unwrap()
    }

    /// A new key with `capabilities` (and restrictions), authorized.
    pub async fn key_session(
        &self,
        capabilities: &[&str],
        bucket_id: Option<&str>,
        name_prefix: Option<&str>,
    ) -> Session {
        let key = self
            .ok(
                "b2_create_key",
                json!({"accountId": self.account_id, "keyName": "limited",
                       "capabilities": capabilities, "bucketId": bucket_id,
                       "namePrefix": name_prefix}),
            )
            .await;
        Session::new(
            &self.url,
            key["applicationKeyId"].as_str().unwrap(),
            key["applicationKey"].as_str().unwrap(),
        )
        .await
    }

    /// Admin call with this session's key: its status and JSON body.
    pub async fn admin_raw(&self, op: &str, body: Value) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/b2tui-admin/v1/{op}", self.url))
            .basic_auth(&self.key_id, Some(&self.key))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }

    /// Admin call with this session's key; must answer 200.
    pub async fn admin(&self, op: &str, body: Value) -> Value {
        let (status, v) = self.admin_raw(op, body).await;
        assert_eq!(status, StatusCode::OK, "admin {op}: {v}");
        v
    }
}
