//! Property tests of the local B2's request parsing over HTTP, seeded with the recorded
//! B2 exchanges in `../shared/b2-recordings/`: JSON bodies of every recorded call (mutated
//! field by field), upload headers (`X-Bz-*`, content types, SHA-1s), percent-encoded
//! file names (upload, download, listing), `Range` headers and query strings. Whatever
//! comes in, the answer is never a 500 and every error is B2 JSON (`status` = the HTTP
//! status, a `code`, a `message`). `PROPTEST_CASES` sets the cases per target (a long run:
//! `scripts/fuzz-long.sh`).

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use b2tui::emulator::{self, Config, RunningEmulator};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

/// Cases per target: `PROPTEST_CASES`, else a quick run.
fn config(quick: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(quick);
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------ recorded exchanges

/// One recorded request: endpoint (last path segment of the call), request body.
#[derive(Clone, Debug)]
struct Recorded {
    endpoint: String,
    body: Map<String, Value>,
}

fn recorded_calls() -> &'static [Recorded] {
    static CALLS: OnceLock<Vec<Recorded>> = OnceLock::new();
    CALLS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/b2-recordings");
        let mut out = Vec::new();
        for file in [
            "auth_account.yaml",
            "buckets.yaml",
            "delete_file.yaml",
            "file.yaml",
            "large_file.yaml",
        ] {
            let text = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("the recorded B2 exchanges are needed: {file}: {e}"));
            let mut endpoint = None;
            for line in text.lines().map(str::trim) {
                if line == "- Response:" {
                    endpoint = None;
                } else if let Some(url) = line.strip_prefix("url: ") {
                    let url = url.trim_matches('"');
                    endpoint = url
                        .split("/b2api/v2/")
                        .nth(1)
                        .map(|rest| rest.split(['/', '?']).next().unwrap_or_default().to_owned());
                } else if let (Some(name), Some(body)) = (&endpoint, line.strip_prefix("body: ")) {
                    let text: String = serde_json::from_str(body).unwrap_or_default();
                    if let Ok(Value::Object(map)) = serde_json::from_str(&text) {
                        out.push(Recorded {
                            endpoint: name.clone(),
                            body: map,
                        });
                    }
                    endpoint = None;
                }
            }
        }
        assert!(
            out.len() >= 20,
            "too few recorded JSON calls: {}",
            out.len()
        );
        out
    })
}

fn field_names() -> Vec<String> {
    let mut names: Vec<String> = recorded_calls()
        .iter()
        .flat_map(|c| c.body.keys().cloned())
        .chain(
            [
                "maxFileCount",
                "startFileName",
                "startFileId",
                "prefix",
                "delimiter",
                "bucketIds",
                "ifRevisionIs",
                "validDurationInSeconds",
                "bypassGovernance",
                "metadataDirective",
                "range",
                "destinationServerSideEncryption",
                "sourceServerSideEncryption",
                "maxPartCount",
                "startPartNumber",
                "bucketTypes",
                "lifecycleRules",
                "corsRules",
                "defaultRetention",
                "eventNotificationRules",
            ]
            .map(str::to_owned),
        )
        .collect();
    names.sort();
    names.dedup();
    names
}

// ------------------------------------------------------------------ the server

struct Fixture {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningEmulator>,
    url: String,
    token: String,
    account_id: String,
    bucket_id: String,
    file_ids: Vec<String>,
    http: reqwest::Client,
}

const CONTENT: &[u8; 1000] = &[b'r'; 1000];

impl Fixture {
    /// A local B2 (in memory, removed when the fixture drops) with a bucket, a file and an
    /// unfinished large file.
    fn start() -> Fixture {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = Config {
            absolute_minimum_part_size: 1,
            ..Config::default()
        };
        let server = runtime
            .block_on(emulator::spawn(config, "127.0.0.1:0"))
            .unwrap();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let mut fixture = Fixture {
            url: server.url.clone(),
            server: Some(server),
            runtime,
            token: String::new(),
            account_id: String::new(),
            bucket_id: String::new(),
            file_ids: Vec::new(),
            http,
        };
        fixture.prepare();
        fixture
    }

    fn prepare(&mut self) {
        let server = self.server.as_ref().unwrap();
        let (id, key) = (server.master_key_id.clone(), server.master_key.clone());
        let auth: Value = self.runtime.block_on(async {
            self.http
                .get(format!("{}/b2api/v3/b2_authorize_account", self.url))
                .basic_auth(id, Some(key))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        self.token = auth["authorizationToken"].as_str().unwrap().to_owned();
        self.account_id = auth["accountId"].as_str().unwrap().to_owned();
        let bucket = self.call(
            "b2_create_bucket",
            &json!({"accountId": self.account_id, "bucketName": "fuzz-bucket",
                    "bucketType": "allPrivate"}),
        );
        self.bucket_id = bucket.1["bucketId"].as_str().unwrap().to_owned();
        let (status, up) = self.upload("seed/range.bin", CONTENT, &[]);
        assert_eq!(status, 200, "{up}");
        self.file_ids
            .push(up["fileId"].as_str().unwrap().to_owned());
        let large = self.call(
            "b2_start_large_file",
            &json!({"bucketId": self.bucket_id, "fileName": "seed/large.bin",
                    "contentType": "b2/x-auto"}),
        );
        self.file_ids
            .push(large.1["fileId"].as_str().unwrap().to_owned());
    }

    fn call(&self, endpoint: &str, body: &Value) -> (u16, Value) {
        self.post_raw(3, endpoint, body.to_string().into_bytes())
    }

    fn post_raw(&self, version: u8, endpoint: &str, body: Vec<u8>) -> (u16, Value) {
        let url = format!("{}/b2api/v{version}/{endpoint}", self.url);
        self.runtime.block_on(async {
            let resp = self
                .http
                .post(url)
                .header("Authorization", &self.token)
                .body(body)
                .send()
                .await
                .unwrap();
            read(resp).await
        })
    }

    fn get(&self, path_and_query: &str, headers: &[(String, Vec<u8>)]) -> reqwest::Response {
        let url = format!("{}{path_and_query}", self.url);
        self.runtime.block_on(async {
            let mut req = self.http.get(url).header("Authorization", &self.token);
            for (k, v) in headers {
                req = req.header(k.as_str(), v.as_slice());
            }
            req.send().await.unwrap()
        })
    }

    fn upload(&self, encoded_name: &str, data: &[u8], extra: &[(String, Vec<u8>)]) -> (u16, Value) {
        let (_, target) = self.call("b2_get_upload_url", &json!({"bucketId": self.bucket_id}));
        let url = target["uploadUrl"].as_str().unwrap().to_owned();
        let token = target["authorizationToken"].as_str().unwrap().to_owned();
        let sha1 = hex::encode(Sha1::digest(data));
        self.runtime.block_on(async {
            let mut req = self
                .http
                .post(url)
                .header("Authorization", token)
                .header("X-Bz-File-Name", encoded_name)
                .header("Content-Type", "b2/x-auto")
                .header("X-Bz-Content-Sha1", sha1);
            for (k, v) in extra {
                req = req.header(k.as_str(), v.as_slice());
            }
            read(req.body(data.to_vec()).send().await.unwrap()).await
        })
    }
}

impl Drop for Fixture {
    /// Stops the server inside its runtime, which removes its files.
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// No 500 (nor other 5xx), and an error is B2 JSON whose `status` is the HTTP status.
fn check_answer(what: &str, status: u16, body: &Value) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "{what}: {status} {body}");
    if status >= 400 {
        prop_assert_eq!(&body["status"], &json!(status), "{}: {}", what, body);
        prop_assert!(
            body["code"].as_str().is_some_and(|c| !c.is_empty()),
            "{what}: {body}"
        );
        prop_assert!(body["message"].is_string(), "{what}: {body}");
    }
    Ok(())
}

// ------------------------------------------------------------------ strategies

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("b2/x-auto".to_owned()),
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("allPrivate".to_owned()),
        "[ -~]{0,24}",
        ".{0,24}",
        "[a-z/%0-9A-F.]{0,16}",
        (0usize..1200).prop_map(|n| "n".repeat(n)),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..3).prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(field_names()), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a recorded body.
#[derive(Clone, Debug)]
enum Change {
    Set(String, Value),
    Remove(String),
    Keep,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (prop::sample::select(field_names()), json_value()).prop_map(|(k, v)| Change::Set(k, v)),
        prop::sample::select(field_names()).prop_map(Change::Remove),
        Just(Change::Keep),
    ]
}

/// A recorded call with its ids pointed at this server, then changed.
fn mutated_call(f: &Fixture, index: usize, changes: &[Change], file: usize) -> (String, Value) {
    let calls = recorded_calls();
    let call = &calls[index % calls.len()];
    let destructive = matches!(call.endpoint.as_str(), "b2_delete_bucket" | "b2_delete_key");
    let mut body = call.body.clone();
    if !destructive {
        for (k, v) in body.iter_mut() {
            match k.as_str() {
                "accountId" => *v = json!(f.account_id),
                "bucketId" | "destinationBucketId" => *v = json!(f.bucket_id),
                "fileId" | "sourceFileId" | "largeFileId" => {
                    *v = json!(f.file_ids[file % f.file_ids.len()]);
                }
                _ => {}
            }
        }
    }
    for c in changes {
        match c {
            Change::Set(k, v) => {
                body.insert(k.clone(), v.clone());
            }
            Change::Remove(k) => {
                body.remove(k);
            }
            Change::Keep => {}
        }
    }
    (call.endpoint.clone(), Value::Object(body))
}

/// Header value bytes an HTTP client can send: visible ASCII, space, tab, bytes >= 0x80.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        text().prop_map(String::into_bytes),
        prop::collection::vec(
            prop_oneof![Just(b'\t'), 0x20u8..0x7f, 0x80u8..=0xff, Just(b'%')],
            0..40
        ),
    ]
    .prop_map(|mut v| {
        // Control bytes cannot be sent as a header value (the raw-socket tests cover them).
        v.retain(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f));
        // Leading or trailing whitespace is trimmed by clients; keep it inside.
        while v.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.remove(0);
        }
        while v.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.pop();
        }
        v
    })
}

fn upload_header() -> impl Strategy<Value = (String, Vec<u8>)> {
    let names = prop::sample::select(vec![
        "X-Bz-Info-src_last_modified_millis",
        "X-Bz-Info-b2-content-disposition",
        "X-Bz-Info-b2-expires",
        "X-Bz-Info-b2-cache-control",
        "X-Bz-Info-any-thing",
        "X-Bz-Content-Sha1",
        "Content-Type",
        "X-Bz-File-Retention-Mode",
        "X-Bz-File-Retention-Retain-Until-Timestamp",
        "X-Bz-File-Legal-Hold",
        "X-Bz-Server-Side-Encryption",
        "X-Bz-Server-Side-Encryption-Customer-Algorithm",
        "X-Bz-Server-Side-Encryption-Customer-Key",
        "X-Bz-Server-Side-Encryption-Customer-Key-Md5",
        "X-Bz-Custom-Upload-Timestamp",
        "X-Bz-Test-Mode",
        "Range",
    ]);
    (names.prop_map(str::to_owned), header_bytes())
}

/// Percent-encodes every byte but unreserved ones and `/`.
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ------------------------------------------------------------------ targets

/// Runs `test` on the cases of `strategy` (see [`config`]); a failure fails the test with
/// the smallest failing input.
fn run<S: Strategy>(strategy: &S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let mut runner = proptest::test_runner::TestRunner::new(config(256));
    if let Err(err) = runner.run(strategy, test) {
        panic!("{err}");
    }
}

/// Recorded JSON calls with fields set to anything, removed, or replaced by junk.
#[test]
fn json_bodies_of_recorded_calls() {
    let fixture = Fixture::start();
    let f = &fixture;
    let strategy = (
        0usize..1000,
        prop::collection::vec(change(), 0..4),
        0usize..4,
        1u8..=4,
        prop::option::weighted(0.1, prop::collection::vec(any::<u8>(), 0..64)),
    );
    run(&strategy, |(index, changes, file, version, junk)| {
        let (endpoint, body) = mutated_call(f, index, &changes, file);
        let bytes = junk.unwrap_or_else(|| body.to_string().into_bytes());
        let (status, answer) = f.post_raw(version, &endpoint, bytes);
        check_answer(&format!("{endpoint} {body}"), status, &answer)?;
        Ok(())
    });
}

/// Uploads with arbitrary `X-Bz-*`, content type and SHA-1 headers, and names.
#[test]
fn upload_headers() {
    let fixture = Fixture::start();
    let f = &fixture;
    let strategy = (header_bytes(), prop::collection::vec(upload_header(), 0..5));
    run(&strategy, |(name, headers)| {
        let name = String::from_utf8_lossy(&name).replace(['\u{FFFD}'], "%");
        let (status, answer) = f.upload(&name, b"data", &headers);
        check_answer(&format!("upload {name:?} {headers:?}"), status, &answer)?;
        Ok(())
    });
}

/// Any name, percent-encoded: refused as B2 JSON, or stored, listed and downloaded
/// under exactly that name.
#[test]
fn percent_encoded_names_round_trip() {
    let fixture = Fixture::start();
    let f = &fixture;
    let strategy = (prop_oneof![
        ".{1,30}",
        "[ -~]{1,30}",
        "(%[0-9A-Fa-f]{0,2}|[a-z/ +]){1,12}"
    ],);
    run(&strategy, |(name,)| {
        let name = format!("n/{name}");
        // One content for every name: the store keeps one blob for it, however long the run.
        let (status, up) = f.upload(&encode(&name), b"name", &[]);
        check_answer(&format!("upload {name:?}"), status, &up)?;
        if status == 200 {
            prop_assert_eq!(up["fileName"].as_str(), Some(name.as_str()));
            // A URL's `.` and `..` segments (also as `%2E`) are resolved by every URL
            // client before the request is sent: such a name is read by id.
            let dotted = name
                .split('/')
                .any(|s| s.eq_ignore_ascii_case(".") || s == ".." || s.eq_ignore_ascii_case("%2e"));
            let path = if dotted {
                format!(
                    "/b2api/v3/b2_download_file_by_id?fileId={}",
                    up["fileId"].as_str().unwrap()
                )
            } else {
                format!("/file/fuzz-bucket/{}", encode(&name))
            };
            let resp = f.get(&path, &[]);
            prop_assert_eq!(resp.status().as_u16(), 200, "download {:?}", name);
            let header = resp.headers()["x-bz-file-name"]
                .to_str()
                .unwrap()
                .to_owned();
            prop_assert_eq!(b2tui::b2::encode::decode(&header), name.clone());
            let body = f.runtime.block_on(resp.bytes()).unwrap();
            prop_assert_eq!(body.as_ref(), b"name");
            let (status, listed) = f.call(
                "b2_list_file_names",
                &json!({"bucketId": f.bucket_id, "startFileName": name, "maxFileCount": 1}),
            );
            prop_assert_eq!(status, 200);
            prop_assert_eq!(listed["files"][0]["fileName"].as_str(), Some(name.as_str()));
        }
        // The same text as a raw download path: never a 500.
        let resp = f.get(
            &format!(
                "/file/fuzz-bucket/{}",
                name.replace(['?', '#'], "_").replace(' ', "%20")
            ),
            &[],
        );
        let status = resp.status().as_u16();
        let (_, body) = f.runtime.block_on(read(resp));
        check_answer(&format!("download {name:?}"), status, &body)?;
        Ok(())
    });
}

/// Range headers: 206 with exactly the asked bytes, 200, or a B2 error.
#[test]
fn range_headers() {
    let fixture = Fixture::start();
    let f = &fixture;
    let strategy = (
        prop_oneof![
            (prop::option::of(0u64..1200), prop::option::of(0u64..1200)).prop_map(
                |(a, b)| format!(
                    "bytes={}-{}",
                    a.map(|a| a.to_string()).unwrap_or_default(),
                    b.map(|b| b.to_string()).unwrap_or_default()
                )
            ),
            "bytes=[0-9, -]{0,12}",
            "[ -~]{0,20}",
            (any::<u64>(), any::<u64>()).prop_map(|(a, b)| format!("bytes={a}-{b}")),
        ],
        any::<bool>(),
    );
    run(&strategy, |(range, by_id)| {
        let path = if by_id {
            format!("/b2api/v3/b2_download_file_by_id?fileId={}", f.file_ids[0])
        } else {
            "/file/fuzz-bucket/seed/range.bin".to_owned()
        };
        let resp = f.get(&path, &[("Range".to_owned(), range.clone().into_bytes())]);
        let status = resp.status().as_u16();
        let content_range = resp
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = f.runtime.block_on(resp.bytes()).unwrap();
        match status {
            200 => prop_assert_eq!(bytes.as_ref(), &CONTENT[..]),
            206 => {
                let content_range = content_range.unwrap();
                let span = content_range
                    .strip_prefix("bytes ")
                    .unwrap()
                    .split('/')
                    .next()
                    .unwrap();
                let (a, b) = span.split_once('-').unwrap();
                let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
                prop_assert!(a <= b && b < CONTENT.len(), "{range}: {content_range}");
                prop_assert_eq!(bytes.as_ref(), &CONTENT[a..=b]);
            }
            _ => {
                let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                check_answer(&format!("range {range:?}"), status, &body)?;
            }
        }
        Ok(())
    });
}

/// File names and prefixes in JSON calls, and query strings of GET calls.
#[test]
fn file_names_and_query_strings() {
    let fixture = Fixture::start();
    let f = &fixture;
    let strategy = (
        prop_oneof![
            ".{0,40}",
            (0usize..1100).prop_map(|n| "x".repeat(n)),
            "[\\x00-\\x1f\\x7f/]{0,5}"
        ],
        "[ -~]{0,40}",
    );
    run(&strategy, |(name, query)| {
        let name = format!("h/{name}");
        for (endpoint, body) in [
            (
                "b2_start_large_file",
                json!({"bucketId": f.bucket_id, "fileName": name, "contentType": "b2/x-auto"}),
            ),
            (
                "b2_hide_file",
                json!({"bucketId": f.bucket_id, "fileName": name}),
            ),
            (
                "b2_list_file_names",
                json!({"bucketId": f.bucket_id, "prefix": name, "startFileName": name}),
            ),
            (
                "b2_get_download_authorization",
                json!({"bucketId": f.bucket_id, "fileNamePrefix": name, "validDurationInSeconds": 60}),
            ),
        ] {
            let (status, answer) = f.call(endpoint, &body);
            check_answer(&format!("{endpoint} {name:?}"), status, &answer)?;
        }
        let resp = f.get(
            &format!(
                "/b2api/v3/b2_list_file_names?bucketId={}&{}",
                f.bucket_id,
                query.replace(['#', ' '], "_")
            ),
            &[],
        );
        let status = resp.status().as_u16();
        let (_, body) = f.runtime.block_on(read(resp));
        check_answer(&format!("query {query:?}"), status, &body)?;
        Ok(())
    });
}
