//! `b2tui serve --seed-bulk BUCKET:PREFIX:COUNT`: the real binary seeds its store before
//! listening, and the client lists exactly the named one-byte files in a private bucket.

#![allow(clippy::unwrap_used)]

mod served;

use std::process::{Command, Stdio};

use b2tui::b2::{
    B2Client, ClientOptions, Credentials, FileVersion, ListFileNamesRequest, paginate,
};
use futures::TryStreamExt;
use served::{KEY, KEY_ID, Served, block_on};

async fn client(url: &str) -> B2Client {
    B2Client::authorize_with(url, Credentials::new(KEY_ID, KEY), ClientOptions::default())
        .await
        .unwrap()
}

/// Every current file of `bucket` (by name), recursively.
async fn all_files(client: &B2Client, bucket: &str) -> Vec<FileVersion> {
    let buckets = client.list_buckets().await.unwrap();
    let b = buckets.iter().find(|b| b.bucket_name == bucket).unwrap();
    let req = ListFileNamesRequest {
        bucket_id: b.bucket_id.clone(),
        max_file_count: Some(1000),
        ..ListFileNamesRequest::default()
    };
    let pages: Vec<_> = paginate::file_names(client.clone(), req)
        .try_collect()
        .await
        .unwrap();
    pages.into_iter().flatten().collect()
}

#[test]
fn seeds_named_one_byte_files_into_private_buckets() {
    let served = Served::start(&[
        "--seed-bulk",
        "bulk-seeded:big/:2500",
        "--seed-bulk",
        "bulk-seeded:other/deep/:3",
        "--seed-bulk",
        "bulk-second::2",
    ]);
    block_on(async {
        let client = client(&served.url).await;
        let buckets = client.list_buckets().await.unwrap();
        let names: Vec<_> = buckets.iter().map(|b| b.bucket_name.as_str()).collect();
        assert_eq!(names, ["bulk-second", "bulk-seeded"]);
        assert!(buckets.iter().all(|b| b.bucket_type == "allPrivate"));

        let files = all_files(&client, "bulk-seeded").await;
        let expected: Vec<String> = (0..2500)
            .map(|i| format!("big/n{i:07}.dat"))
            .chain((0..3).map(|i| format!("other/deep/n{i:07}.dat")))
            .collect();
        let got: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(got, expected);
        assert!(files.iter().all(|f| f.content_length == 1), "one byte each");

        let second = all_files(&client, "bulk-second").await;
        let got: Vec<&str> = second.iter().map(|f| f.file_name.as_str()).collect();
        assert_eq!(got, ["n0000000.dat", "n0000001.dat"]);
    });
    let err = served.stderr();
    assert!(
        err.contains("seeded 2500 files big/n0000000.dat.. into new bucket bulk-seeded"),
        "{err}"
    );
    assert!(err.contains("into existing bucket bulk-seeded"), "{err}");
}

#[test]
fn a_kept_store_is_not_seeded_twice() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let args = ["--data", dir, "--seed-bulk", "bulk-kept:k/:40"];
    let count = |served: &Served| {
        block_on(async {
            all_files(&client(&served.url).await, "bulk-kept")
                .await
                .len()
        })
    };
    let first = Served::start(&args);
    assert_eq!(count(&first), 40);
    let _ = first.terminate();
    let again = Served::start(&args);
    assert_eq!(count(&again), 40, "a second start adds no versions");
    assert!(
        again.stderr().contains("nothing inserted"),
        "{}",
        again.stderr()
    );
}

#[test]
fn bad_specs_are_refused_naming_the_problem() {
    let cases = [
        ("no-colons", "BUCKET:PREFIX:COUNT"),
        ("bulk-bad:big/", "no COUNT"),
        ("bulk-bad:big/:lots", "COUNT \"lots\" is not a whole number"),
        ("bulk-bad:big/:20000000", "7 digits"),
        ("b2-reserved:big/:5", "reserved"),
        ("bulk-bad:/big/:5", "PREFIX \"/big/\""),
    ];
    for (spec, says) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_b2tui"))
            .args(["serve", "--listen", "127.0.0.1:0", "--seed-bulk", spec])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{spec} was accepted");
        assert!(err.contains(says), "{spec}: {err}");
        assert!(!err.contains("panicked"), "{spec}: {err}");
        assert!(
            String::from_utf8_lossy(&out.stdout).is_empty(),
            "{spec}: never listens"
        );
    }
}
