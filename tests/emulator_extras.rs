//! The local B2 server over raw HTTP: multi-bucket keys (v4), default and customer
//! server-side encryption, cut download bodies and the admin clock.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use b2tui::emulator::{self, Config, RunningEmulator};
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

fn sha1_hex(data: &[u8]) -> String {
    hex::encode(Sha1::digest(data))
}

fn basic(key_id: &str, key: &str) -> String {
    let raw = format!("{key_id}:{key}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

async fn authorize(url: &str, key_id: &str, key: &str, version: u8) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .get(format!("{url}/b2api/v{version}/b2_authorize_account"))
        .header("Authorization", basic(key_id, key))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

/// An account token on one API version.
struct Api {
    http: reqwest::Client,
    url: String,
    token: String,
    account_id: String,
    version: u8,
}

impl Api {
    async fn new(url: &str, key_id: &str, key: &str, version: u8) -> Api {
        let (status, auth) = authorize(url, key_id, key, version).await;
        assert_eq!(status, StatusCode::OK, "{auth}");
        Api {
            http: reqwest::Client::new(),
            url: url.to_string(),
            token: auth["authorizationToken"].as_str().unwrap().to_string(),
            account_id: auth["accountId"].as_str().unwrap().to_string(),
            version,
        }
    }

    async fn master(emu: &RunningEmulator, version: u8) -> Api {
        Api::new(&emu.url, &emu.master_key_id, &emu.master_key, version).await
    }

    async fn call_v(&self, version: u8, endpoint: &str, body: Value) -> (StatusCode, Value) {
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

    async fn call(&self, endpoint: &str, body: Value) -> (StatusCode, Value) {
        self.call_v(self.version, endpoint, body).await
    }

    async fn ok(&self, endpoint: &str, body: Value) -> Value {
        let (status, value) = self.call(endpoint, body).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {value}");
        value
    }

    async fn create_bucket(&self, name: &str) -> String {
        let bucket = self
            .ok(
                "b2_create_bucket",
                json!({"accountId": self.account_id, "bucketName": name, "bucketType": "allPrivate"}),
            )
            .await;
        bucket["bucketId"].as_str().unwrap().to_string()
    }

    async fn upload_with(
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
        let mut req = self
            .http
            .post(v["uploadUrl"].as_str().unwrap())
            .header("Authorization", v["authorizationToken"].as_str().unwrap())
            .header("X-Bz-File-Name", name)
            .header("Content-Type", "text/plain")
            .header("X-Bz-Content-Sha1", sha1_hex(data));
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.body(data.to_vec()).send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap())
    }

    async fn upload(&self, bucket_id: &str, name: &str, data: &[u8]) -> Value {
        let (status, v) = self.upload_with(bucket_id, name, data, &[]).await;
        assert_eq!(status, StatusCode::OK, "upload {name}: {v}");
        v
    }

    async fn get(&self, path: &str, extra: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self
            .http
            .get(format!("{}{path}", self.url))
            .header("Authorization", &self.token);
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }
}

async fn start() -> RunningEmulator {
    emulator::spawn(Config::default(), "127.0.0.1:0")
        .await
        .unwrap()
}

// ---------------------------------------------------------------- multi-bucket keys

const FILE_CAPS: [&str; 4] = ["listBuckets", "listFiles", "readFiles", "writeFiles"];

#[tokio::test]
async fn multi_bucket_keys_on_v4() {
    let emu = start().await;
    let m4 = Api::master(&emu, 4).await;
    let a = m4.create_bucket("multi-a").await;
    let b = m4.create_bucket("multi-b").await;
    let c = m4.create_bucket("multi-c").await;

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
    let (status, auth) = authorize(&emu.url, key_id, secret, 4).await;
    assert_eq!(status, StatusCode::OK, "{auth}");
    assert_eq!(
        auth["apiInfo"]["storageApi"]["allowed"]["buckets"],
        json!([{"id": a, "name": "multi-a"}, {"id": b, "name": "multi-b"}])
    );
    for version in 1..=3 {
        let (status, err) = authorize(&emu.url, key_id, secret, version).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "v{version}: {err}");
        assert_eq!(err["code"], "unsupported", "v{version}");
    }

    // Every call is checked against the key's buckets.
    let k = Api::new(&emu.url, key_id, secret, 4).await;
    k.upload(&a, "in-a.txt", b"a").await;
    k.upload(&b, "in-b.txt", b"b").await;
    let (status, err) = k.upload_with(&c, "in-c.txt", b"c", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{err}");
    let (status, _) = k.call("b2_list_file_names", json!({"bucketId": c})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let listed = k.ok("b2_list_file_names", json!({"bucketId": b})).await;
    assert_eq!(listed["files"][0]["fileName"], "in-b.txt");
    assert_eq!(k.get("/file/multi-a/in-a.txt", &[]).await.status(), 200);
    m4.upload(&c, "secret.txt", b"no").await;
    assert_eq!(k.get("/file/multi-c/secret.txt", &[]).await.status(), 401);
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
    let d = m4.create_bucket("multi-d").await;
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
    let (status, auth) = authorize(
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
    let m = Api::master(&emu, 3).await;
    let a = m.create_bucket("olden-a").await;
    let b = m.create_bucket("olden-b").await;
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
    let k = Api::new(&emu.url, key_id, secret, 3).await;
    k.upload(&a, "x.txt", b"x").await;
    let (status, _) = k.upload_with(&b, "x.txt", b"x", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, auth) = authorize(&emu.url, key_id, secret, 4).await;
    assert_eq!(
        auth["apiInfo"]["storageApi"]["allowed"]["buckets"],
        json!([{"id": a, "name": "olden-a"}])
    );
}
