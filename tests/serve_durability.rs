//! The `b2tui serve` binary as a process: its first stdout line, SIGTERM, which master key
//! it uses, and what survives `kill -9` in the middle of concurrent uploads with `--data`.

#![allow(clippy::unwrap_used)]

mod served;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use served::{Api, Served, authorize_status, pseudo_random, sha1_hex, wait};

#[test]
fn first_line_sigterm_and_chosen_keys() {
    let served = Served::start_raw(&["--key-id", "flagkeyid0001", "--key", "flagsecret"], &[]);
    let port = served
        .url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: listening on {}", served.url));
    assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{}", served.url);
    assert_eq!(
        authorize_status(&served.url, "flagkeyid0001", "flagsecret"),
        200
    );
    assert_eq!(authorize_status(&served.url, "flagkeyid0001", "wrong"), 401);
    let (status, rest) = served.terminate();
    assert!(status.success(), "SIGTERM should exit 0, got {status}");
    assert!(rest.is_empty(), "a chosen key is never printed: {rest:?}");

    // Environment keys are used when no flags are given, and flags win over them.
    let env = [
        ("B2_APPLICATION_KEY_ID", "envkeyid0001"),
        ("B2_APPLICATION_KEY", "envsecret"),
    ];
    let served = Served::start_raw(&[], &env);
    assert_eq!(
        authorize_status(&served.url, "envkeyid0001", "envsecret"),
        200
    );
    let served_flags =
        Served::start_raw(&["--key-id", "flagkeyid0002", "--key", "flagsecret2"], &env);
    assert_eq!(
        authorize_status(&served_flags.url, "flagkeyid0002", "flagsecret2"),
        200
    );
    assert_eq!(
        authorize_status(&served_flags.url, "envkeyid0001", "envsecret"),
        401
    );
    for s in [served, served_flags] {
        let (status, rest) = s.terminate();
        assert!(status.success(), "{status}");
        assert!(rest.is_empty(), "a chosen key is never printed: {rest:?}");
    }
}

#[test]
fn generated_key_is_printed() {
    let served = Served::start_raw(&[], &[]);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while lines.len() < 2 && Instant::now() < deadline {
        if let Ok(line) = served.stdout.recv_timeout(Duration::from_millis(100)) {
            lines.push(line);
        }
    }
    assert_eq!(lines.len(), 2, "{lines:?}");
    let id = lines[0].strip_prefix("master key id: ").unwrap().trim();
    let key = lines[1].strip_prefix("master key:").unwrap().trim();
    assert!(!id.is_empty() && !key.is_empty(), "{lines:?}");
    assert_eq!(authorize_status(&served.url, id, key), 200);
    let (status, _) = served.terminate();
    assert!(status.success(), "{status}");
}

/// One upload the client sent; `acked` once it read the 200 answer.
#[derive(Clone, Debug)]
struct Sent {
    sha1: String,
    len: usize,
    acked: bool,
}

async fn upload(api: &Api, bucket_id: &str, name: &str, data: Vec<u8>) -> Result<Value, String> {
    let (status, url) = api
        .call("b2_get_upload_url", json!({"bucketId": bucket_id}))
        .await
        .map_err(|e| e.to_string())?;
    if status != 200 {
        return Err(format!("get_upload_url: {status} {url}"));
    }
    let resp = api
        .http
        .post(url["uploadUrl"].as_str().unwrap())
        .header("Authorization", url["authorizationToken"].as_str().unwrap())
        .header("X-Bz-File-Name", name)
        .header("Content-Type", "b2/x-auto")
        .header("X-Bz-Content-Sha1", sha1_hex(&data))
        .body(data)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.map_err(|e| e.to_string())?;
    if status == 200 {
        Ok(body)
    } else {
        Err(format!("upload: {status} {body}"))
    }
}

/// Starts an upload that sends its headers and half its body, then stalls: never acked.
async fn stalled_upload(api: &Api, bucket_id: &str, name: &str) -> std::net::TcpStream {
    let url = api
        .ok("b2_get_upload_url", json!({"bucketId": bucket_id}))
        .await;
    let upload_url = url["uploadUrl"].as_str().unwrap();
    let rest = upload_url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let data = pseudo_random(100_000, 99);
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\nX-Bz-File-Name: {name}\r\n\
         Content-Type: b2/x-auto\r\nX-Bz-Content-Sha1: {}\r\nContent-Length: {}\r\n\r\n",
        url["authorizationToken"].as_str().unwrap(),
        sha1_hex(&data),
        data.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&data[..data.len() / 2]).unwrap();
    stream.flush().unwrap();
    stream
}

async fn upload_part(api: &Api, file_id: &str, number: u32, data: &[u8]) {
    let url = api
        .ok("b2_get_upload_part_url", json!({"fileId": file_id}))
        .await;
    let resp = api
        .http
        .post(url["uploadUrl"].as_str().unwrap())
        .header("Authorization", url["authorizationToken"].as_str().unwrap())
        .header("X-Bz-Part-Number", number.to_string())
        .header("X-Bz-Content-Sha1", sha1_hex(data))
        .body(data.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "part {number}");
}

async fn download(api: &Api, file_id: &str) -> (Vec<u8>, String) {
    let resp = api
        .http
        .get(format!(
            "{}/b2api/v3/b2_download_file_by_id?fileId={file_id}",
            api.download_url
        ))
        .header("Authorization", &api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "download {file_id}");
    let sha1 = resp
        .headers()
        .get("x-bz-content-sha1")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    (resp.bytes().await.unwrap().to_vec(), sha1)
}

const PART: usize = 100_000;

#[test]
fn kill_9_during_uploads_keeps_every_acknowledged_file() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap().to_owned();
    let args = [
        "--data",
        dir.as_str(),
        "--min-part-size",
        "100000",
        "--recommended-part-size",
        "100000",
    ];
    let served = Served::start(&args);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let api = runtime.block_on(Api::authorize(&served.url));
    let bucket_id = runtime
        .block_on(api.ok(
            "b2_create_bucket",
            json!({"accountId": api.account_id, "bucketName": "durable-bkt", "bucketType": "allPrivate"}),
        ))["bucketId"]
        .as_str()
        .unwrap()
        .to_owned();

    // A large file with its first part, left unfinished across the crash.
    let part1 = pseudo_random(PART, 1000);
    let part2 = pseudo_random(PART / 2, 1001);
    let large_id = runtime.block_on(async {
        let started = api
            .ok(
                "b2_start_large_file",
                json!({"bucketId": bucket_id, "fileName": "large/unfinished.bin",
                       "contentType": "application/octet-stream"}),
            )
            .await;
        let id = started["fileId"].as_str().unwrap().to_owned();
        upload_part(&api, &id, 1, &part1).await;
        id
    });
    let _stalled: Vec<std::net::TcpStream> = runtime.block_on(async {
        let mut streams = Vec::new();
        for i in 0..3 {
            streams.push(stalled_upload(&api, &bucket_id, &format!("stalled/{i}.bin")).await);
        }
        streams
    });

    // Uploaders run until the server disappears under them.
    let sent: Arc<Mutex<BTreeMap<String, Sent>>> = Arc::default();
    let mut tasks = Vec::new();
    for worker in 0..6u64 {
        let (api, bucket_id, sent) = (api.clone(), bucket_id.clone(), Arc::clone(&sent));
        tasks.push(runtime.spawn(async move {
            for i in 0..10_000u64 {
                let name = format!("w{worker}/file-{i:05}.bin");
                let len =
                    50_000 + usize::try_from((worker * 7919 + i * 104_729) % 400_000).unwrap();
                let bytes = pseudo_random(len, worker * 100_000 + i);
                let entry = Sent {
                    sha1: sha1_hex(&bytes),
                    len,
                    acked: false,
                };
                sent.lock().unwrap().insert(name.clone(), entry);
                match upload(&api, &bucket_id, &name, bytes).await {
                    Ok(v) => {
                        assert_eq!(v["fileName"], name.as_str());
                        sent.lock().unwrap().get_mut(&name).unwrap().acked = true;
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    wait::until(Duration::from_secs(60), "30 acknowledged uploads", || {
        (sent.lock().unwrap().values().filter(|s| s.acked).count() >= 30).then_some(())
    });
    served.kill_9();
    for task in tasks {
        runtime.block_on(task).unwrap();
    }
    let sent = sent.lock().unwrap().clone();
    let acked: BTreeSet<&String> = sent
        .iter()
        .filter(|(_, s)| s.acked)
        .map(|(n, _)| n)
        .collect();

    let leftovers = |path: &std::path::Path| std::fs::read_dir(path).unwrap().count();
    let temp_dir = data.path().join("blobs").join("tmp");
    assert!(
        leftovers(&temp_dir) > 0,
        "the stalled uploads should have left temp files"
    );

    // Same data folder, new process; what the crash cut short is swept away.
    let served = Served::start(&args);
    assert_eq!(leftovers(&temp_dir), 0, "temp files of cut uploads remain");
    let api = runtime.block_on(Api::authorize(&served.url));
    let listed = runtime.block_on(api.ok(
        "b2_list_file_names",
        json!({"bucketId": bucket_id, "maxFileCount": 10_000}),
    ));
    let listed: BTreeMap<String, Value> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["fileName"].as_str().unwrap().to_owned(), f.clone()))
        .collect();
    for name in &acked {
        assert!(
            listed.contains_key(*name),
            "acknowledged {name} lost by kill -9"
        );
    }
    let mut in_flight_kept = 0;
    for (name, file) in &listed {
        // Only an upload in flight at the kill may be listed unacknowledged (its answer
        // was lost); a stalled, half-sent one never.
        let sent = sent
            .get(name)
            .unwrap_or_else(|| panic!("{name} listed but never completely sent"));
        if !sent.acked {
            in_flight_kept += 1;
        }
        assert_eq!(file["contentSha1"], sent.sha1.as_str(), "{name}");
        assert_eq!(file["contentLength"], sent.len, "{name}");
        let (bytes, sha1) = runtime.block_on(download(&api, file["fileId"].as_str().unwrap()));
        assert_eq!(sha1, sent.sha1, "{name}");
        assert_eq!(sha1_hex(&bytes), sent.sha1, "{name}");
    }
    assert!(
        in_flight_kept <= 6,
        "{in_flight_kept} unacknowledged uploads listed"
    );
    eprintln!(
        "kill -9 with {} acknowledged and {} in-flight uploads; {in_flight_kept} of those kept",
        acked.len(),
        sent.len() - acked.len()
    );

    // The unfinished large file takes its last part and finishes.
    runtime.block_on(async {
        let unfinished = api
            .ok(
                "b2_list_unfinished_large_files",
                json!({"bucketId": bucket_id}),
            )
            .await;
        assert_eq!(unfinished["files"][0]["fileId"], large_id.as_str());
        let parts = api.ok("b2_list_parts", json!({"fileId": large_id})).await;
        assert_eq!(parts["parts"][0]["contentSha1"], sha1_hex(&part1));
        upload_part(&api, &large_id, 2, &part2).await;
        let finished = api
            .ok(
                "b2_finish_large_file",
                json!({"fileId": large_id, "partSha1Array": [sha1_hex(&part1), sha1_hex(&part2)]}),
            )
            .await;
        assert_eq!(finished["contentLength"], PART + PART / 2);
        let (bytes, _) = download(&api, &large_id).await;
        let mut want = part1.clone();
        want.extend_from_slice(&part2);
        assert!(bytes == want, "finished large file content");
    });
    let (status, _) = served.terminate();
    assert!(status.success(), "{status}");
}
