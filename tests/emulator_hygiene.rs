//! The local B2's HTTP layer over raw sockets: an upload answered before its body was read
//! leaves the connection usable (or closes it cleanly), a stalled body is answered 408 and
//! frees its upload URL, requests the HTTP layer cannot read get B2 JSON errors, idle and
//! surplus connections are bounded, and the admin clock stops at year 9999.

// Helpers outside `#[test]` functions unwrap too; a failed unwrap is a failed test here.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use b2tui::emulator::{Config, HttpLimits};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;

use common::raw::{Session, assert_error, sha1_hex, start_with};

/// Longest any single answer may take here.
const ANSWER_WAIT: Duration = Duration::from_secs(10);

fn config(body_timeout: Duration, idle_timeout: Duration, max_connections: usize) -> Config {
    Config {
        http: HttpLimits {
            body_timeout,
            idle_timeout,
            max_connections,
            ..HttpLimits::default()
        },
        ..Config::default()
    }
}

/// One HTTP response read off a socket.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Value,
}

impl Answer {
    fn closes(&self) -> bool {
        self.head
            .to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n")
    }
}

async fn connect(url: &str) -> TcpStream {
    let addr = url.strip_prefix("http://").unwrap();
    TcpStream::connect(addr).await.unwrap()
}

/// Reads one response (head, then a `Content-Length` body) within [`ANSWER_WAIT`].
async fn read_answer(socket: &mut TcpStream) -> Answer {
    tokio::time::timeout(ANSWER_WAIT, async {
        let mut buf = Vec::new();
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(
                n > 0,
                "closed before an answer: {:?}",
                String::from_utf8_lossy(&buf)
            );
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8(buf[..head_end].to_vec()).unwrap();
        let status: u16 = head[9..12].parse().unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().unwrap())
            })
            .expect("content-length");
        let mut body = buf[head_end..].to_vec();
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed inside the body");
            body.extend_from_slice(&chunk[..n]);
        }
        let body = serde_json::from_slice(&body[..length]).unwrap_or(Value::Null);
        Answer { status, head, body }
    })
    .await
    .expect("an answer in time")
}

/// Waits for the server to close `socket` (EOF, not a reset) within [`ANSWER_WAIT`].
async fn closed_cleanly(socket: &mut TcpStream) {
    let mut rest = Vec::new();
    let read = tokio::time::timeout(ANSWER_WAIT, socket.read_to_end(&mut rest)).await;
    let read = read.expect("the server closes the connection");
    assert!(read.is_ok(), "closed with an error: {read:?}");
}

fn upload_head(path: &str, host: &str, token: &str, name: &str, len: usize, sha1: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\
         X-Bz-File-Name: {name}\r\nContent-Type: text/plain\r\nX-Bz-Content-Sha1: {sha1}\r\n\
         Content-Length: {len}\r\n\r\n"
    )
}

fn call_request(host: &str, token: &str, endpoint: &str, body: &Value) -> String {
    let body = body.to_string();
    format!(
        "POST /b2api/v3/{endpoint} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// (path, host) of an upload URL.
fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    (format!("/{path}"), host.to_string())
}

#[tokio::test]
async fn early_answers_keep_the_connection_and_stalled_bodies_time_out() {
    // A body timeout long enough that a loaded machine still tries the second upload
    // while the stalled one holds the URL.
    let (emu, s) = start_with(config(
        Duration::from_secs(5),
        Duration::from_secs(120),
        1024,
    ))
    .await;
    let bucket = s.create_private_bucket("hygiene").await;
    let (url, token) = s.upload_url(&bucket).await;
    let (path, host) = split_url(&url);

    // An upload that declares 1000 bytes, sends 3, then stalls: it holds the upload URL.
    let mut stalled = connect(&emu.url).await;
    let head = upload_head(&path, &host, &token, "stalled.txt", 1000, "do_not_verify");
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(b"abc").await.unwrap();

    // Meanwhile another upload on that URL is answered at once (auth_token_limit), before
    // its body was read; the body is discarded and the same connection answers next.
    let mut other = connect(&emu.url).await;
    let data = vec![b'x'; 64 * 1024];
    let head = upload_head(
        &path,
        &host,
        &token,
        "other.txt",
        data.len(),
        &sha1_hex(&data),
    );
    let started = Instant::now();
    let mut answer = None;
    // The stalled upload may not have claimed the URL yet: try until it has (it keeps it
    // for the body timeout from then on).
    while started.elapsed() < Duration::from_secs(8) {
        other.write_all(head.as_bytes()).await.unwrap();
        other.write_all(&data).await.unwrap();
        let got = read_answer(&mut other).await;
        if got.status == 400 {
            answer = Some(got);
            break;
        }
        assert_eq!(got.status, 200, "{got:?}");
    }
    let answer = answer.expect("a second upload on a busy URL is refused");
    assert_error(
        &(answer.status, answer.body.clone()),
        400,
        "auth_token_limit",
    );
    assert!(
        !answer.closes(),
        "a small unread body is drained: {}",
        answer.head
    );
    let list = call_request(
        &host,
        &s.token,
        "b2_list_buckets",
        &json!({"accountId": s.account_id}),
    );
    other.write_all(list.as_bytes()).await.unwrap();
    let next = read_answer(&mut other).await;
    assert_eq!(next.status, 200, "{next:?}");
    assert!(next.body["buckets"].is_array());

    // The stalled body is answered 408 request_timeout within the body timeout.
    let waited = Instant::now();
    let timed_out = read_answer(&mut stalled).await;
    assert_error(
        &(timed_out.status, timed_out.body.clone()),
        408,
        "request_timeout",
    );
    assert!(timed_out.closes(), "{}", timed_out.head);
    assert!(waited.elapsed() < Duration::from_secs(8));
    closed_cleanly(&mut stalled).await;

    // The upload URL is free again: an upload to it succeeds.
    let resp = s
        .http
        .post(&url)
        .header("Authorization", &token)
        .header("X-Bz-File-Name", "after.txt")
        .header("Content-Type", "text/plain")
        .header("X-Bz-Content-Sha1", sha1_hex(b"after"))
        .body("after")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let names = s
        .ok("b2_list_file_names", json!({"bucketId": bucket}))
        .await;
    let names: Vec<_> = names["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fileName"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"after.txt".to_owned()), "{names:?}");
    assert!(!names.contains(&"stalled.txt".to_owned()), "{names:?}");
}

#[tokio::test]
async fn a_refused_big_upload_is_answered_and_closed_cleanly() {
    let (emu, s) = start_with(Config::default()).await;
    let bucket = s.create_private_bucket("hygiene-big").await;
    let (url, _) = s.upload_url(&bucket).await;
    let (path, host) = split_url(&url);
    // A wrong token: 401 before a byte of the 8 MiB body is read. The client writes it all
    // (as HTTP clients do) and must then read the answer, not a reset.
    let data = vec![b'y'; 8 * 1024 * 1024];
    let head = upload_head(
        &path,
        &host,
        "not-a-token",
        "big.bin",
        data.len(),
        &sha1_hex(&data),
    );
    let socket = connect(&emu.url).await;
    let (mut reader, mut writer) = socket.into_split();
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(&data).await?;
        writer.flush().await
    });
    let mut joined = Vec::new();
    let answer = tokio::time::timeout(ANSWER_WAIT, async {
        let mut chunk = [0u8; 4096];
        loop {
            let n = reader.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            joined.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8(joined).unwrap()
    })
    .await
    .expect("answer and close in time");
    let written = writing.await.unwrap();
    assert!(
        written.is_ok(),
        "the client could send its whole body: {written:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_error(&(401u16, body), 401, "bad_auth_token");
}

#[tokio::test]
async fn http_level_errors_have_b2_json_bodies() {
    let (emu, s) = start_with(Config::default()).await;
    let host = emu.url.strip_prefix("http://").unwrap().to_owned();
    let huge = "a".repeat(80 * 1024);
    let cases = [
        (
            "malformed Content-Length",
            format!(
                "POST /b2api/v3/b2_list_buckets HTTP/1.1\r\nHost: {host}\r\nContent-Length: 12abc\r\n\r\n"
            ),
            400,
        ),
        (
            "control byte in a header",
            format!(
                "GET /b2api/v3/b2_list_buckets HTTP/1.1\r\nHost: {host}\r\nX-Bz-Info-a: b\x01c\r\n\r\n"
            ),
            400,
        ),
        (
            "two Content-Lengths",
            format!(
                "POST /b2api/v3/b2_list_buckets HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"
            ),
            400,
        ),
        (
            "a head too large",
            format!(
                "GET /b2api/v3/b2_list_buckets HTTP/1.1\r\nHost: {host}\r\nX-Big: {huge}\r\n\r\n"
            ),
            431,
        ),
        (
            "a request line that is not HTTP",
            "GARBAGE\r\n\r\n".to_owned(),
            400,
        ),
    ];
    for (what, request, status) in cases {
        let mut socket = connect(&emu.url).await;
        // The server may answer and close before taking all of a huge head.
        let _ = socket.write_all(request.as_bytes()).await;
        let answer = read_answer(&mut socket).await;
        assert_eq!(answer.status, status, "{what}: {answer:?}");
        assert_error(&(answer.status, answer.body.clone()), status, "bad_request");
        assert!(
            answer.head.contains("application/json"),
            "{what}: {}",
            answer.head
        );
        assert!(answer.closes(), "{what}: {}", answer.head);
    }
    // The server still answers normally.
    let (status, _) = s
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn idle_and_surplus_connections_are_bounded() {
    let (emu, s) = start_with(config(Duration::from_secs(60), Duration::from_secs(1), 2)).await;
    let host = emu.url.strip_prefix("http://").unwrap().to_owned();
    // An idle keep-alive connection is closed after the idle timeout.
    let mut idle = connect(&emu.url).await;
    let list = call_request(
        &host,
        &s.token,
        "b2_list_buckets",
        &json!({"accountId": s.account_id}),
    );
    idle.write_all(list.as_bytes()).await.unwrap();
    assert_eq!(read_answer(&mut idle).await.status, 200);
    let waited = Instant::now();
    closed_cleanly(&mut idle).await;
    assert!(
        waited.elapsed() >= Duration::from_millis(500),
        "closed too early"
    );

    // With two connections open, a third waits until one of them closes.
    let mut first = connect(&emu.url).await;
    let mut second = connect(&emu.url).await;
    for socket in [&mut first, &mut second] {
        socket.write_all(list.as_bytes()).await.unwrap();
        assert_eq!(read_answer(socket).await.status, 200);
    }
    let mut third = connect(&emu.url).await;
    third.write_all(list.as_bytes()).await.unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(400), third.read(&mut byte)).await;
    assert!(early.is_err(), "a third connection was served at once");
    drop(first);
    assert_eq!(read_answer(&mut third).await.status, 200);
}

#[tokio::test]
async fn the_clock_stops_at_year_9999() {
    let (emu, s) = start_with(Config::default()).await;
    let admin = |seconds: i64| {
        let url = format!("{}/b2tui-admin/v1/advance_clock", emu.url);
        let (id, key) = (emu.master_key_id.clone(), emu.master_key.clone());
        async move {
            let resp = reqwest::Client::new()
                .post(url)
                .basic_auth(id, Some(key))
                .json(&json!({"seconds": seconds}))
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    for seconds in [i64::MAX, 300_000_000_000] {
        let got = admin(seconds).await;
        assert_error(&got, 400, "bad_request");
        assert!(
            got.1["message"].as_str().unwrap().contains("9999"),
            "{}",
            got.1
        );
    }
    // Tokens still work, and a big but allowed move is taken.
    let (status, _) = s
        .call("b2_list_buckets", json!({"accountId": s.account_id}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, moved) = admin(100 * 365 * 86_400).await;
    assert_eq!(status, 200, "{moved}");
    let fresh = Session::master(&emu).await;
    let (status, _) = fresh
        .call("b2_list_buckets", json!({"accountId": fresh.account_id}))
        .await;
    assert_eq!(status, StatusCode::OK);
}
