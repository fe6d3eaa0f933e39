//! Property tests of the client's response decoding, seeded with the answers recorded from
//! B2 in `../shared/b2-recordings/`: a small HTTP server answers the real `B2Client` with
//! those answers changed (fields set to anything or removed, statuses, headers and bodies
//! replaced), for authorization, listings, file info, upload URLs and downloads, and the
//! JSON decoding of every answer type is run on the same bodies. Whatever comes back, the
//! client answers with a value or a `B2Error` it can print, and never panics.
//! `PROPTEST_CASES` sets the cases per target (a long run: `scripts/fuzz-long.sh`).

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use b2tui::b2::{
    self, B2Client, B2Error, BucketId, ClientOptions, Credentials, FileId, ListFileNamesRequest,
    RetryPolicy,
};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::{Map, Value, json};

fn config(quick: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(quick);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------ recorded answers

/// One recorded answer: status, headers, body text.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn recorded_answers() -> &'static [Answer] {
    static ANSWERS: OnceLock<Vec<Answer>> = OnceLock::new();
    ANSWERS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/b2-recordings");
        let mut out = Vec::new();
        for file in [
            "auth_account.yaml",
            "bad_auth_account.yaml",
            "buckets.yaml",
            "delete_file.yaml",
            "file.yaml",
            "large_file.yaml",
        ] {
            let text = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("the recorded B2 exchanges are needed: {file}: {e}"));
            let mut current: Option<Answer> = None;
            let mut header: Option<String> = None;
            for line in text.lines().map(str::trim) {
                if line == "- Response:" {
                    current = Some(Answer {
                        status: 0,
                        headers: Vec::new(),
                        body: String::new(),
                    });
                } else if line == "- Request:" || line == "---" {
                    current = None;
                } else if let Some(answer) = current.as_mut() {
                    if let Some(s) = line.strip_prefix("status: ") {
                        answer.status = s.trim().parse().unwrap_or(0);
                    } else if let Some(b) = line.strip_prefix("body: ") {
                        answer.body = serde_json::from_str(b).unwrap_or_else(|_| b.to_owned());
                        out.push(answer.clone());
                        current = None;
                    } else if let Some(v) = line.strip_prefix("- ") {
                        if let Some(name) = &header {
                            let v = v.trim_matches('"').to_owned();
                            answer.headers.push((name.clone(), v));
                        }
                    } else if let Some(name) = line.strip_suffix(':') {
                        header = Some(name.to_owned());
                    }
                }
            }
        }
        assert!(out.len() >= 40, "too few recorded answers: {}", out.len());
        out
    })
}

fn field_names() -> Vec<String> {
    let mut names = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    walk(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    for a in recorded_answers() {
        if let Ok(v) = serde_json::from_str::<Value>(&a.body) {
            walk(&v, &mut names);
        }
    }
    names.extend(
        [
            "apiInfo",
            "storageApi",
            "allowed",
            "buckets",
            "files",
            "nextFileName",
        ]
        .map(str::to_owned),
    );
    names.sort();
    names.dedup();
    names
}

// ------------------------------------------------------------------ a scripted server

/// What the server answers next (the authorization call is always answered well).
#[derive(Clone, Debug, Default)]
struct Script {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

struct Fake {
    runtime: tokio::runtime::Runtime,
    url: String,
    script: Arc<Mutex<Script>>,
    client: B2Client,
}

fn authorize_answer(url: &str) -> Value {
    json!({
        "accountId": "acc", "authorizationToken": "tok",
        "apiInfo": {"storageApi": {
            "apiUrl": url, "downloadUrl": url, "s3ApiUrl": url,
            "absoluteMinimumPartSize": 5_000_000, "recommendedPartSize": 100_000_000,
            "allowed": {"buckets": null, "capabilities": ["listBuckets", "listFiles", "readFiles"],
                        "namePrefix": null}}},
        "applicationKeyExpirationTimestamp": null,
    })
}

fn options() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            max_elapsed: Duration::from_secs(5),
        },
        ..ClientOptions::default()
    }
}

fn fake() -> &'static Fake {
    static FAKE: OnceLock<Fake> = OnceLock::new();
    FAKE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let script = Arc::new(Mutex::new(Script::default()));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (answer_url, answer_script) = (url.clone(), Arc::clone(&script));
        let app = Router::new().fallback(move |request: Request| {
            let (url, script) = (answer_url.clone(), Arc::clone(&answer_script));
            async move {
                if request.uri().path().ends_with("/b2_authorize_account") {
                    return Response::new(Body::from(authorize_answer(&url).to_string()));
                }
                let script = script.lock().unwrap().clone();
                let mut response = Response::new(Body::from(script.body));
                *response.status_mut() = axum::http::StatusCode::from_u16(script.status)
                    .unwrap_or(axum::http::StatusCode::OK);
                for (k, v) in script.headers {
                    if let (Ok(k), Ok(v)) = (
                        axum::http::HeaderName::try_from(k.as_str()),
                        axum::http::HeaderValue::from_bytes(&v),
                    ) {
                        response.headers_mut().append(k, v);
                    }
                }
                response
            }
        });
        runtime.spawn(async move { axum::serve(listener, app).await });
        let client = runtime
            .block_on(B2Client::authorize_with(
                &url,
                Credentials::new("id", "key"),
                options(),
            ))
            .unwrap();
        Fake {
            runtime,
            url,
            script,
            client,
        }
    })
}

// ------------------------------------------------------------------ strategies

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,20}".prop_map(Value::from),
        "[0-9a-f]{40}".prop_map(Value::from),
        Just(Value::from("unverified:")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(field_names()), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Sets or removes fields anywhere in `value`, `changes` times.
fn mutate(value: &mut Value, path: &[usize], replacement: Option<Value>, key: &str) {
    match value {
        Value::Object(map) => {
            if path.is_empty() || map.is_empty() {
                match replacement {
                    Some(v) => {
                        map.insert(key.to_owned(), v);
                    }
                    None => {
                        map.remove(key);
                    }
                }
                return;
            }
            let i = path[0] % map.len();
            let k = map.keys().nth(i).cloned().unwrap();
            mutate(map.get_mut(&k).unwrap(), &path[1..], replacement, key);
        }
        Value::Array(items) if !items.is_empty() && !path.is_empty() => {
            let i = path[0] % items.len();
            mutate(&mut items[i], &path[1..], replacement, key);
        }
        other => {
            if let Some(v) = replacement {
                *other = v;
            }
        }
    }
}

#[derive(Clone, Debug)]
struct Mutation {
    path: Vec<usize>,
    key: String,
    replacement: Option<Value>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        prop::collection::vec(0usize..8, 0..4),
        prop::sample::select(field_names()),
        prop::option::weighted(0.7, json_value()),
    )
        .prop_map(|(path, key, replacement)| Mutation {
            path,
            key,
            replacement,
        })
}

/// A recorded answer, its JSON body changed (or replaced by bytes), maybe another status.
fn changed_answer(
    index: usize,
    mutations: &[Mutation],
    status: Option<u16>,
    junk: Option<Vec<u8>>,
) -> Script {
    let answers = recorded_answers();
    let answer = &answers[index % answers.len()];
    let body = match (junk, serde_json::from_str::<Value>(&answer.body)) {
        (Some(junk), _) => junk,
        (None, Ok(mut v)) => {
            for m in mutations {
                mutate(&mut v, &m.path, m.replacement.clone(), &m.key);
            }
            v.to_string().into_bytes()
        }
        (None, Err(_)) => answer.body.clone().into_bytes(),
    };
    Script {
        status: status.unwrap_or(answer.status),
        headers: answer
            .headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("content-length"))
            .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
            .collect(),
        body,
    }
}

/// Decodes `body` as every answer type the client reads; none may panic.
fn decode_everything(body: &[u8]) {
    fn try_as<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
        serde_json::from_slice(body).ok()
    }
    if let Some(auth) = try_as::<b2::AuthorizeResponse>(body) {
        let session = b2::Session::from_response(auth);
        let _ = session.has_capability("listFiles");
        let _ = session.scoped_prefix(Some("a/"));
    }
    if let Some(v) = try_as::<b2::FileVersion>(body) {
        let _ = (v.is_folder(), v.expected_sha1());
    }
    if let Some(page) = try_as::<b2::FilesPage>(body) {
        for v in &page.files {
            let _ = v.expected_sha1();
        }
    }
    let _ = try_as::<b2::ListBucketsResponse>(body);
    let _ = try_as::<b2::Bucket>(body);
    let _ = try_as::<b2::UploadUrl>(body);
    let _ = try_as::<b2::UploadPartUrl>(body);
    let _ = try_as::<b2::Part>(body);
    let _ = try_as::<b2::ListPartsResponse>(body);
    let _ = try_as::<b2::DeletedFileVersion>(body);
    let _ = try_as::<b2::CancelledLargeFile>(body);
    let _ = try_as::<b2::ListKeysResponse>(body);
    let _ = try_as::<b2::CreatedKey>(body);
    if let Some(key) = try_as::<b2::ApplicationKey>(body) {
        let _ = (key.bucket_ids(), key.prefix(), key.has("listFiles"));
    }
    if let Some(settings) = try_as::<b2::buckets::BucketSettings>(body) {
        let _ = (settings.to_bucket(), settings.is_file_lock_enabled());
    }
    if let Some(locked) = try_as::<b2::buckets::LockedVersion>(body) {
        let _ = (locked.retain_until(), locked.is_held());
    }
    let _ = try_as::<b2::buckets::DownloadAuthorization>(body);
    let _ = try_as::<b2::buckets::FileRetention>(body);
}

/// A client error must print, name its code and advice, without panicking.
fn use_error(err: &B2Error) {
    let _ = (
        err.to_string(),
        format!("{err:?}"),
        err.code(),
        err.status(),
        err.advice(),
    );
    let _ = (
        err.is_retryable(),
        err.is_expired_auth(),
        err.needs_new_upload_url(),
    );
    let _ = (err.is_resumable(), err.retry_after());
}

// ------------------------------------------------------------------ targets

proptest! {
    #![proptest_config(config(256))]

    /// Every answer type decodes any changed recorded body without panicking.
    #[test]
    fn answer_types_decode_changed_bodies(
        index in 0usize..1000,
        mutations in prop::collection::vec(mutation(), 0..5),
        junk in prop::option::weighted(0.1, prop::collection::vec(any::<u8>(), 0..80)),
        status in prop_oneof![Just(200u16), 400u16..600, 0u16..1000],
    ) {
        let script = changed_answer(index, &mutations, None, junk);
        decode_everything(&script.body);
        use_error(&B2Error::from_response(status, &script.body, Some(Duration::from_secs(1))));
    }

    /// The real client reading changed answers over HTTP: a value or a printable error.
    #[test]
    fn client_calls_read_changed_answers(
        index in 0usize..1000,
        mutations in prop::collection::vec(mutation(), 0..4),
        status in prop::option::weighted(0.3, prop_oneof![200u16..=206, 400u16..=503]),
        junk in prop::option::weighted(0.05, prop::collection::vec(any::<u8>(), 0..80)),
        call in 0usize..6,
    ) {
        let f = fake();
        let script = changed_answer(index, &mutations, status, junk);
        *f.script.lock().unwrap() = script;
        let client = &f.client;
        let bucket = BucketId("b".to_owned());
        let outcome: Result<(), B2Error> = f.runtime.block_on(async {
            match call {
                0 => client.list_buckets().await.map(|_| ()),
                1 => client
                    .list_file_names(&ListFileNamesRequest { bucket_id: bucket, ..Default::default() })
                    .await
                    .map(|_| ()),
                2 => client.get_file_info(&FileId("f".to_owned())).await.map(|_| ()),
                3 => client.get_upload_url(&bucket).await.map(|_| ()),
                4 => {
                    let download = client.download_file_by_name("b", "a/file.txt", None).await?;
                    let _ = download.info.expected_sha1();
                    download.bytes().await.map(|_| ())
                }
                _ => {
                    let download = client.download_file_by_id(&FileId("f".to_owned()), None).await?;
                    download.bytes().await.map(|_| ())
                }
            }
        });
        if let Err(err) = &outcome {
            use_error(err);
        }
        prop_assert!(!f.url.is_empty());
    }

    /// Authorization answers changed: a session or a printable error.
    #[test]
    fn authorization_answers(
        mutations in prop::collection::vec(mutation(), 0..5),
    ) {
        let mut answer = authorize_answer("http://127.0.0.1:9");
        for m in &mutations {
            mutate(&mut answer, &m.path, m.replacement.clone(), &m.key);
        }
        let body = answer.to_string().into_bytes();
        decode_everything(&body);
        if let Ok(auth) = serde_json::from_slice::<b2::AuthorizeResponse>(&body) {
            let session = b2::Session::from_response(auth);
            let _ = session.has_capability("writeFiles");
        }
    }

    /// Percent-decoding of names and info values never panics, and undoes encoding.
    #[test]
    fn name_decoding(text in ".{0,40}", raw in "(%[0-9A-Fa-f]{0,2}|[^%]){0,20}") {
        prop_assert_eq!(b2::encode::decode(&b2::encode::encode_name(&text)), text.clone());
        prop_assert_eq!(b2::encode::decode(&b2::encode::encode_value(&text)), text);
        let _ = b2::encode::decode(&raw);
    }
}

#[test]
fn recorded_answers_decode_as_recorded() {
    // The seeds are meaningful: the recorded file versions decode as file versions.
    let versions = recorded_answers()
        .iter()
        .filter(|a| a.status == 200)
        .filter_map(|a| serde_json::from_str::<Map<String, Value>>(&a.body).ok())
        .filter(|m| m.contains_key("fileName") && m.contains_key("action"))
        .filter(|m| serde_json::from_value::<b2::FileVersion>(Value::Object(m.clone())).is_ok())
        .count();
    assert!(versions >= 5, "{versions}");
}
