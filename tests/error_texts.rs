//! Error texts that say what happened and what to do: an endpoint that refuses the
//! connection, a name that does not resolve, TLS to a plain HTTP server, a server that
//! drops the connection, a server that is not a B2 API, and a call refused for a missing
//! capability, through the client, the worker and the app's dialog; deleting a version
//! under Object Lock retention, in the app against the local B2.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use b2tui::app::{App, Focus, Modal, Msg};
use b2tui::b2::{
    B2Client, B2Error, BucketId, ClientOptions, CreateKeyRequest, Credentials,
    ListFileNamesRequest, RetryPolicy, UploadMeta,
};
use b2tui::worker::{self, Command, Failure, RequestId, WorkerEvent, listing};
use bytes::Bytes;
use common::app::Drive;
use crossterm::event::KeyCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One try, so a connection failure comes back at once.
fn one_try() -> ClientOptions {
    ClientOptions {
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        connect_timeout: Duration::from_secs(5),
        ..ClientOptions::default()
    }
}

async fn authorize_err(endpoint: &str) -> B2Error {
    let creds = Credentials::new("0012345", "K001notarealsecret");
    B2Client::authorize_with(endpoint, creds, one_try())
        .await
        .expect_err("this endpoint cannot authorize")
}

/// A port on which nothing listens.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A server that answers every request with `response` (raw HTTP), then closes.
async fn answering(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(response.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_refused_connection_names_the_url_the_call_and_the_cause() {
    let port = closed_port().await;
    let e = authorize_err(&format!("http://127.0.0.1:{port}")).await;
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach http://127.0.0.1:{port} (b2_authorize_account): connection refused \
             (is the server running?)"
        )
    );
    assert!(e.is_retryable(), "a refused connection is still retried");
    let f = Failure::from(&e);
    assert!(matches!(f, Failure::Network(_)), "{f:?}");
    assert!(!e.to_string().contains("error sending request"), "{e}");
}

#[tokio::test]
async fn an_unresolvable_name_says_dns() {
    let e = authorize_err("http://b2tui-no-such-host.invalid").await;
    let text = e.to_string();
    assert!(
        text.starts_with(
            "cannot reach http://b2tui-no-such-host.invalid (b2_authorize_account): \
             name not resolved (DNS): b2tui-no-such-host.invalid"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_server_says_tls() {
    let local = common::start().await;
    let https = local.server.url.replace("http://", "https://");
    let e = authorize_err(&https).await;
    let text = e.to_string();
    let origin = https.trim_end_matches('/');
    assert_eq!(
        text,
        format!(
            "cannot reach {origin} (b2_authorize_account): TLS failed: the server does not \
             speak TLS (an http:// URL?)"
        )
    );
}

#[tokio::test]
async fn a_dropped_connection_says_so() {
    let url = answering("").await;
    let e = authorize_err(&url).await;
    assert_eq!(
        e.to_string(),
        format!(
            "cannot reach {url} (b2_authorize_account): the server closed the connection \
             before answering"
        )
    );
}

#[tokio::test]
async fn a_web_server_is_not_a_b2_api() {
    let url = answering(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: 22\r\nConnection: close\r\n\r\n<html>not here</html>\n",
    )
    .await;
    let e = authorize_err(&url).await;
    assert_eq!(
        e.to_string(),
        format!(
            "{url}/ does not look like a B2 API: b2_authorize_account answered 404 Not Found \
             (text/html), not B2's JSON; check --endpoint"
        )
    );
    assert!(!e.is_retryable(), "a wrong endpoint is not tried again");
    assert!(matches!(Failure::from(&e), Failure::NotB2(_)));

    // Another JSON service answering authorization is not B2 either.
    let url = answering(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\
         Connection: close\r\n\r\n{\"status\":\"ok\"}",
    )
    .await;
    let e = authorize_err(&url).await;
    assert_eq!(
        e.to_string(),
        format!(
            "{url}/ does not look like a B2 API: b2_authorize_account answered 200 OK \
             (application/json), not B2's JSON; check --endpoint"
        )
    );

    // A 200 that is not JSON is not B2 either.
    let url = answering(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 14\r\n\
         Connection: close\r\n\r\n<html>hi</html",
    )
    .await;
    let e = authorize_err(&url).await;
    assert_eq!(
        e.to_string(),
        format!(
            "{url}/ does not look like a B2 API: b2_authorize_account answered 200 OK \
             (text/html), not B2's JSON; check --endpoint"
        )
    );
}

#[tokio::test]
async fn a_call_refused_for_a_missing_capability_names_it() {
    let local = common::start().await;
    let bucket = local.create_bucket("errors-nolist", "allPrivate").await;
    let client = local
        .key_client(&CreateKeyRequest {
            key_name: "no-list".into(),
            capabilities: vec!["readFiles".into(), "writeFiles".into()],
            bucket_ids: vec![bucket.clone()],
            name_prefix: None,
            valid_duration_secs: None,
        })
        .await;

    // The client names the call and the capability it needs.
    let e = client
        .list_file_names(&ListFileNamesRequest {
            bucket_id: bucket.clone(),
            ..ListFileNamesRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.call(), Some("b2_list_file_names"));
    assert_eq!(e.code(), Some("unauthorized"));
    let text = e.to_string();
    assert!(
        text.starts_with("b2_list_file_names refused: unauthorized (401)"),
        "{text}"
    );
    assert!(
        text.contains("lacks the listFiles capability that b2_list_file_names needs"),
        "{text}"
    );

    // The worker hands it to the app with the call, and the dialog says what to grant.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cmd = Command::ListFiles {
        req: RequestId(7),
        bucket,
        prefix: String::new(),
        start: None,
    };
    listing::execute(&client, cmd, &tx).await;
    drop(tx);
    let Some(WorkerEvent::RequestFailed { error, .. }) = rx.recv().await else {
        panic!("the listing fails");
    };
    assert_eq!(error.call(), Some("b2_list_file_names"));
    assert!(error.is_denied());
    let Modal::Error { message, .. } = Modal::listing_error("files", &error) else {
        panic!("an error dialog");
    };
    assert!(
        message.starts_with("B2 answered unauthorized to b2_list_file_names: "),
        "{message}"
    );
    assert!(message.contains("Grant listFiles"), "{message}");
}

/// Sends `cmds` to the worker and feeds its events (and a tick after each) back into the
/// app until `done(app)`.
async fn run_until(
    app: &mut App,
    cmds: Vec<Command>,
    tx: &mpsc::UnboundedSender<Command>,
    rx: &mut mpsc::UnboundedReceiver<WorkerEvent>,
    done: impl Fn(&App) -> bool,
) {
    for c in cmds {
        tx.send(c).unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done(app) {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("worker alive");
        let mut more = app.send(Msg::Worker(ev));
        more.extend(app.send(Msg::Tick {
            now: std::time::Instant::now(),
        }));
        for c in more {
            tx.send(c).unwrap();
        }
    }
}

/// A lock-enabled bucket holding `locked.txt` under governance retention until the
/// returned time (ms).
async fn locked_version(local: &common::Local) -> (BucketId, i64) {
    let (status, body) = local
        .api(
            "b2_create_bucket",
            json!({"accountId": local.client.account_id(), "bucketName": "errors-locked",
                   "bucketType": "allPrivate", "fileLockEnabled": true}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let bucket = BucketId(body["bucketId"].as_str().unwrap().to_owned());
    let meta = UploadMeta {
        file_name: "locked.txt".into(),
        ..UploadMeta::default()
    };
    let v = local
        .client
        .upload_bytes(&bucket, &meta, Bytes::from_static(b"kept"))
        .await
        .unwrap();
    let until = chrono::Utc::now().timestamp_millis() + 30 * 86_400_000;
    let (status, body) = local
        .api(
            "b2_update_file_retention",
            json!({"fileName": "locked.txt", "fileId": v.file_id.unwrap(),
                   "fileRetention": {"mode": "governance", "retainUntilTimestamp": until}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    (bucket, until)
}

/// Opens the only bucket in the app, selects `locked.txt`, waits for its versions, and
/// deletes the newest (`D`, `y`); the report dialog's text.
async fn delete_in_the_app(client: B2Client) -> String {
    let (tx, cmd_rx) = mpsc::unbounded_channel();
    let (evt_tx, mut rx) = mpsc::unbounded_channel();
    let _worker = worker::spawn(client, cmd_rx, evt_tx);
    let mut app = common::app::app();
    let start = app.begin();
    run_until(&mut app, start, &tx, &mut rx, |a| {
        !a.buckets.buckets.is_empty()
    })
    .await;
    let open = app.send(common::app::code(KeyCode::Enter));
    run_until(&mut app, open, &tx, &mut rx, |a| a.versions.loaded).await;
    assert_eq!(app.versions.versions.len(), 1);
    app.send(common::app::code(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Versions);
    app.send(common::app::key('D'));
    let delete = app.send(common::app::key('y'));
    run_until(&mut app, delete, &tx, &mut rx, |a| {
        matches!(a.modals.last(), Some(Modal::Error { .. }))
    })
    .await;
    let Some(Modal::Error { message, .. }) = app.modals.last() else {
        unreachable!()
    };
    message.clone()
}

#[tokio::test]
async fn deleting_a_version_under_retention_says_until_when() {
    let local = common::start().await;
    let (_, until) = locked_version(&local).await;
    let message = delete_in_the_app(local.client.clone()).await;
    let date = chrono::DateTime::from_timestamp_millis(until)
        .unwrap()
        .format("%Y-%m-%d %H:%M UTC");
    assert!(
        message.contains(&format!("locked.txt: retention until {date} (governance)")),
        "{message}"
    );
    assert!(message.contains("bypassGovernance"), "{message}");
    assert!(!message.contains("lacks"), "not a capability: {message}");
}

#[tokio::test]
async fn a_key_that_cannot_read_retention_hears_both_possible_causes() {
    let local = common::start().await;
    let (bucket, _) = locked_version(&local).await;
    let client = local
        .key_client(&CreateKeyRequest {
            key_name: "no-retention-read".into(),
            capabilities: ["listBuckets", "listFiles", "readFiles", "deleteFiles"]
                .map(str::to_owned)
                .to_vec(),
            bucket_ids: vec![bucket],
            name_prefix: None,
            valid_duration_secs: None,
        })
        .await;
    let message = delete_in_the_app(client).await;
    assert!(message.contains("locked.txt: unauthorized"), "{message}");
    assert!(
        message.contains("may be under Object Lock retention or a legal hold"),
        "{message}"
    );
    assert!(message.contains("deleteFiles"), "{message}");
    assert!(message.contains("bypassGovernance"), "{message}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    // Accepts connections and reads, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            open.push(sock);
        }
    });
    let creds = Credentials::new("0012345", "K001notarealsecret");
    let options = ClientOptions {
        read_timeout: Duration::from_millis(300),
        ..one_try()
    };
    let call = B2Client::authorize_with(&url, creds, options);
    let e = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call hung instead of timing out")
        .expect_err("nothing answers");
    assert_eq!(
        e.to_string(),
        format!("cannot reach {url} (b2_authorize_account): timed out")
    );
    assert!(e.is_retryable());
}
