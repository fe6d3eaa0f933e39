//! Large uploads against the local B2 over HTTP: the whole-file SHA-1 and the part SHA-1s
//! come from one read of the file, parts go up with their SHA-1 in the header, and an
//! unfinished upload cut the same way is resumed from the SHA-1s of that read.

mod common;
mod transfer_support;

use b2tui::b2::{StartLargeFileRequest, UploadBody};
use bytes::Bytes;
use sha1::{Digest, Sha1};
use transfer_support::*;

/// The even cut the engine makes with `small_parts()` (three streams, 200 kB parts): the
/// number of parts rounded up to a multiple of the streams, the file shared evenly.
fn even_cut(size: u64) -> u64 {
    let streams = 3;
    let count = size.div_ceil(PART).div_ceil(streams) * streams;
    size.div_ceil(count).max(MIN_PART)
}

#[tokio::test]
async fn a_large_upload_stores_parts_and_whole_file_sha1s_from_one_read() {
    let local = local_b2().await;
    let bucket = bucket(&local, "oneread").await;
    let (engine, _events) = engine(&local);
    let src = tempfile::tempdir().unwrap();
    // Sizes around the chunk the file is read in (1 MiB) and not a multiple of the parts.
    for (i, size) in [(1usize << 20) + 1, 3 * PART as usize + 5, 2_500_000]
        .into_iter()
        .enumerate()
    {
        let data = pattern(size, 40 + i as u8);
        let path = src.path().join(format!("f{i}.bin"));
        std::fs::write(&path, &data).unwrap();
        let parts_before = local.calls("b2_upload_part").await;
        let id = engine.upload_file(path, bucket.clone(), format!("f{i}.bin"));
        wait_done(&engine, id).await;
        let cut = even_cut(size as u64);
        assert_eq!(
            local.calls("b2_upload_part").await - parts_before,
            size.div_ceil(cut as usize) as u64,
            "{size}: each part once"
        );
        let files = local
            .client
            .list_file_names(&b2tui::b2::ListFileNamesRequest {
                bucket_id: bucket.id.clone(),
                start_file_name: Some(format!("f{i}.bin")),
                max_file_count: Some(1),
                prefix: None,
                delimiter: None,
            })
            .await
            .unwrap()
            .files;
        let whole = hex::encode(Sha1::digest(&data));
        let id = files[0].file_id.clone().unwrap();
        let dl = local.client.download_file_by_id(&id, None).await.unwrap();
        assert_eq!(dl.info.expected_sha1().as_deref(), Some(whole.as_str()));
        assert!(dl.bytes().await.unwrap() == data, "{size}: same bytes");
    }
}

#[tokio::test]
async fn resumes_an_upload_cut_evenly_from_the_sha1s_of_the_first_read() {
    let local = local_b2().await;
    let bucket = bucket(&local, "evenresume").await;
    let src = tempfile::tempdir().unwrap();
    let data = pattern(5 * PART as usize + 777, 21);
    let path = src.path().join("big.bin");
    std::fs::write(&path, &data).unwrap();
    let whole = hex::encode(Sha1::digest(&data));
    let cut = even_cut(data.len() as u64) as usize;
    assert_ne!(
        cut as u64, PART,
        "the even cut differs from the recommended size"
    );

    // An earlier run got parts 1 and 3 of the same cut up; part 2 went up with other bytes.
    let c = &local.client;
    let started = c
        .start_large_file(&StartLargeFileRequest {
            bucket_id: bucket.id.clone(),
            file_name: "big.bin".into(),
            content_type: "b2/x-auto".into(),
            file_info: [
                ("large_file_sha1".to_owned(), whole.clone()),
                ("src_size".to_owned(), data.len().to_string()),
            ]
            .into(),
        })
        .await
        .unwrap();
    let file_id = started.file_id.unwrap();
    let url = c.get_upload_part_url(&file_id).await.unwrap();
    for n in [1usize, 3] {
        let range = (n - 1) * cut..n * cut;
        let body = UploadBody::Bytes(Bytes::copy_from_slice(&data[range]));
        c.upload_part(&url, n as u32, body).await.unwrap();
    }
    let other = vec![7u8; cut];
    c.upload_part(&url, 2, UploadBody::Bytes(Bytes::from(other)))
        .await
        .unwrap();

    let parts_before = local.calls("b2_upload_part").await;
    let (engine, _events) = engine(&local);
    let id = engine.upload_file(path, bucket.clone(), "big.bin".into());
    wait_done(&engine, id).await;
    let total = data.len().div_ceil(cut) as u64;
    assert_eq!(
        local.calls("b2_upload_part").await - parts_before,
        total - 2,
        "every part but 1 and 3 (2 again: its bytes differ)"
    );
    let dl = c.download_file_by_id(&file_id, None).await.unwrap();
    assert_eq!(dl.info.expected_sha1().as_deref(), Some(whole.as_str()));
    assert!(dl.bytes().await.unwrap() == data);
}
