//! Speed of the local B2 against the machine's own limits: a 10,000-name page from a bucket
//! of 1,000,000 files, and a 1 GiB upload and download, beside loopback, SHA-1 and disk
//! throughput measured the same way. Run: `cargo bench --bench local_b2`
//! (`BENCH_FILES=200000 BENCH_SIZE_MB=256` for a quicker run).

use std::io::Write as _;
use std::time::{Duration, Instant};

use b2tui::emulator::{self, Config, Emulator};
use bytes::Bytes;
use futures::StreamExt as _;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const CHUNK: usize = 8 << 20;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mb_s(bytes: usize, took: Duration) -> f64 {
    bytes as f64 / 1e6 / took.as_secs_f64()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

struct Api {
    http: reqwest::Client,
    url: String,
    token: String,
    account: String,
}

impl Api {
    async fn call(&self, name: &str, body: Value) -> Value {
        let resp = self
            .http
            .post(format!("{}/b2api/v3/{name}", self.url))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await
            .expect("request");
        assert!(resp.status().is_success(), "{name}: {}", resp.status());
        resp.json().await.expect("json")
    }
}

/// The content of the big file: one pseudo-random chunk repeated.
fn chunk() -> Bytes {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let v: Vec<u8> = (0..CHUNK)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    Bytes::from(v)
}

fn body(chunk: &Bytes, size: usize) -> reqwest::Body {
    let chunk = chunk.clone();
    let n = size / CHUNK;
    reqwest::Body::wrap_stream(futures::stream::iter(
        (0..n).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    ))
}

async fn loopback_limit(chunk: &Bytes, size: usize) -> Duration {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let sink = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.expect("accept");
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0usize;
        loop {
            let n = sock.read(&mut buf).await.expect("read");
            if n == 0 {
                break total;
            }
            total += n;
        }
    });
    let started = Instant::now();
    let mut sock = tokio::net::TcpStream::connect(addr).await.expect("connect");
    for _ in 0..size / CHUNK {
        sock.write_all(chunk).await.expect("write");
    }
    sock.shutdown().await.expect("shutdown");
    let got = sink.await.expect("sink");
    assert_eq!(got, size / CHUNK * CHUNK);
    started.elapsed()
}

fn disk_limit(dir: &std::path::Path, chunk: &Bytes, size: usize) -> Duration {
    let path = dir.join("disk-probe");
    let started = Instant::now();
    let mut f = std::fs::File::create(&path).expect("create");
    for _ in 0..size / CHUNK {
        f.write_all(chunk).expect("write");
    }
    f.sync_all().expect("fsync");
    let took = started.elapsed();
    let _ = std::fs::remove_file(path);
    took
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let files = env_usize("BENCH_FILES", 1_000_000);
    let size = env_usize("BENCH_SIZE_MB", 1024) << 20;
    let size = size / CHUNK * CHUNK;
    let dir = tempfile::tempdir_in(std::env::temp_dir()).expect("temp dir");
    let config = Config {
        data_dir: Some(dir.path().to_path_buf()),
        ..Config::default()
    };
    let (key_id, key) = (config.master_key_id.clone(), config.master_key.clone());

    let emu = Emulator::open(config).expect("open");
    let started = Instant::now();
    emulator::seed::bulk(emu.store(), "bench-big", "data/", files).expect("bulk insert");
    println!(
        "inserted {files} names in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(emu.serve(listener, async move {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    let auth: Value = http
        .get(format!("{url}/b2api/v3/b2_authorize_account"))
        .basic_auth(&key_id, Some(&key))
        .send()
        .await
        .expect("authorize")
        .json()
        .await
        .expect("json");
    let api = Api {
        http,
        url,
        token: auth["authorizationToken"]
            .as_str()
            .expect("token")
            .to_owned(),
        account: auth["accountId"].as_str().expect("account").to_owned(),
    };
    let buckets = api
        .call(
            "b2_list_buckets",
            json!({"accountId": api.account, "bucketName": "bench-big"}),
        )
        .await;
    let bucket = buckets["buckets"][0]["bucketId"]
        .as_str()
        .expect("bucket")
        .to_owned();

    println!("\n10,000-name pages from a bucket of {files} files (median of 5, over HTTP):");
    let middle = format!("data/{:08}.dat", files / 2);
    let cases = [
        (
            "b2_list_file_names from the start",
            "b2_list_file_names",
            json!({}),
        ),
        (
            "b2_list_file_names from the middle",
            "b2_list_file_names",
            json!({"startFileName": middle}),
        ),
        (
            "b2_list_file_names with delimiter",
            "b2_list_file_names",
            json!({"prefix": "data/", "delimiter": "/"}),
        ),
        (
            "b2_list_file_versions from the middle",
            "b2_list_file_versions",
            json!({"startFileName": middle}),
        ),
    ];
    for (label, call, extra) in cases {
        let mut times = Vec::new();
        for _ in 0..5 {
            let mut body = json!({"bucketId": bucket, "maxFileCount": 10_000});
            for (k, v) in extra.as_object().expect("object") {
                body[k] = v.clone();
            }
            let t = Instant::now();
            let page = api.call(call, body).await;
            times.push(t.elapsed());
            assert_eq!(
                page["files"].as_array().map(Vec::len),
                Some(10_000),
                "{label}"
            );
        }
        println!(
            "  {label:<40} {:>7.1} ms",
            median(times).as_secs_f64() * 1e3
        );
    }

    let chunk = chunk();
    let mut h = Sha1::new();
    let t = Instant::now();
    for _ in 0..size / CHUNK {
        h.update(&chunk);
    }
    let sha1 = hex::encode(h.finalize());
    let sha1_time = t.elapsed();
    let loop_time = loopback_limit(&chunk, size).await;
    let disk_time = disk_limit(dir.path(), &chunk, size);

    let up = api
        .call("b2_get_upload_url", json!({"bucketId": bucket}))
        .await;
    let t = Instant::now();
    let resp = api
        .http
        .post(up["uploadUrl"].as_str().expect("url"))
        .header(
            "Authorization",
            up["authorizationToken"].as_str().expect("token"),
        )
        .header("X-Bz-File-Name", "big.bin")
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", size)
        .header("X-Bz-Content-Sha1", &sha1)
        .body(body(&chunk, size))
        .send()
        .await
        .expect("upload");
    assert!(resp.status().is_success(), "upload: {}", resp.status());
    let upload_time = t.elapsed();
    let file: Value = resp.json().await.expect("json");
    let file_id = file["fileId"].as_str().expect("id").to_owned();

    let t = Instant::now();
    let resp = api
        .http
        .get(format!(
            "{}/b2api/v3/b2_download_file_by_id?fileId={file_id}",
            api.url
        ))
        .header("Authorization", &api.token)
        .send()
        .await
        .expect("download");
    let mut stream = resp.bytes_stream();
    let mut got = 0usize;
    while let Some(piece) = stream.next().await {
        got += piece.expect("body").len();
    }
    let download_time = t.elapsed();
    assert_eq!(got, size);

    let mb = size >> 20;
    println!("\n{mb} MiB file (MB/s, higher is better):");
    println!(
        "  machine: SHA-1 (one core)       {:>8.0}",
        mb_s(size, sha1_time)
    );
    println!(
        "  machine: loopback TCP           {:>8.0}",
        mb_s(size, loop_time)
    );
    println!(
        "  machine: disk write + fsync     {:>8.0}",
        mb_s(size, disk_time)
    );
    println!(
        "  local B2: upload (SHA-1 + fsync){:>8.0}",
        mb_s(size, upload_time)
    );
    println!(
        "  local B2: download              {:>8.0}",
        mb_s(size, download_time)
    );
    let _ = stop.send(());
    let _ = server.await;
}
