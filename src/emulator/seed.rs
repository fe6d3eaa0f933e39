//! Demo data inserted straight into the store (no HTTP): three buckets, nested folders,
//! several versions, a hidden file, non-ASCII names, a finished large file and 50,000 log
//! names sharing one blob. Timestamps are fixed (from 2026-01-01 UTC) so listings are stable.

pub mod bulk;

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use crate::emulator::blobs::Digests;
use crate::emulator::error::ApiError;
use crate::emulator::sse::Sse;
use crate::emulator::store::{Action, Db, NewBucket, NewVersion, PartRow};
use crate::emulator::{EmulatorError, Store};

/// 2026-01-01T00:00:00Z in milliseconds.
pub const SEED_EPOCH_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;
/// Names under `logs/2026/` in demo-backups.
pub const LOG_COUNT: usize = 50_000;
/// Part sizes of `backups/disk-image.bin`.
const LARGE_PARTS: [usize; 4] = [5_000_000, 5_000_000, 5_000_000, 1_234_567];

/// Seeds the demo data; does nothing if the demo buckets already exist.
pub fn demo(store: &Store) -> Result<(), EmulatorError> {
    if demo_first(store)? {
        demo_rest(store)?;
    }
    Ok(())
}

/// The demo's three buckets and small files, what its first screens show. True when it
/// seeded them; false when the store already holds the demo.
pub fn demo_first(store: &Store) -> Result<bool, EmulatorError> {
    Ok(store.with(|db| {
        if db.bucket_by_name("demo-photos")?.is_some() {
            return Ok(false);
        }
        let seeder = Seeder { store, db };
        seeder.photos()?;
        seeder.backups()?;
        seeder.public_site()?;
        Ok(true)
    })?)
}

/// The rest of the demo after [`demo_first`]: the large file and the 50,000 logs, in short
/// transactions, so that a server already answering is never held up for long.
pub fn demo_rest(store: &Store) -> Result<(), EmulatorError> {
    let bucket_id = store.with(|db| {
        db.bucket_by_name("demo-backups")?
            .map(|b| b.bucket_id)
            .ok_or_else(|| ApiError::internal("demo-backups is missing"))
    })?;
    let t = SEED_EPOCH_MS;
    let parts = large_parts(store)?;
    store.with(|db| Seeder { store, db }.large_file(&bucket_id, t + 2 * DAY_MS, parts))?;
    let content = b"2026-01-04T00:00:00Z INFO service started\n";
    let (blob, digests) = store.blobs().put(content)?;
    let first = store.with(|db| db.reserve("file", LOG_COUNT as u64))?;
    let shared = Shared {
        bucket_id: &bucket_id,
        blob: &blob,
        digests: &digests,
        ts: t + 3 * DAY_MS,
        first,
    };
    let name = |i: usize| format!("logs/2026/app-{:05}.log", i + 1);
    for start in (0..LOG_COUNT).step_by(LOG_CHUNK) {
        let end = (start + LOG_CHUNK).min(LOG_COUNT);
        store.with(|db| Seeder { store, db }.insert_many(&shared, start..end, &name))?;
    }
    Ok(())
}

/// Logs inserted per transaction by [`demo_rest`].
const LOG_CHUNK: usize = 5_000;

/// Inserts `count` small files `{prefix}{i:08}.dat` (one shared blob) into `bucket_name`,
/// creating the bucket if needed, in one transaction: for benchmarks of big buckets.
pub fn bulk(
    store: &Store,
    bucket_name: &str,
    prefix: &str,
    count: usize,
) -> Result<(), EmulatorError> {
    store.with(|db| {
        let seeder = Seeder { store, db };
        let bucket_id = match db.bucket_by_name(bucket_name)? {
            Some(b) => b.bucket_id,
            None => seeder.bucket(bucket_name, "allPrivate")?,
        };
        seeder.many(&bucket_id, b"bulk\n", count, SEED_EPOCH_MS, |i| {
            format!("{prefix}{i:08}.dat")
        })
    })?;
    Ok(())
}

/// What the small files of one run share (see [`Seeder::many`]).
struct Shared<'a> {
    bucket_id: &'a str,
    blob: &'a str,
    digests: &'a Digests,
    ts: i64,
    first: u64,
}

/// The demo large file's parts, stored as blobs: the whole file's SHA-1 and, per part,
/// its number, blob and digests.
struct LargeParts {
    whole: String,
    parts: Vec<(usize, String, Digests)>,
}

/// Writes the demo large file's parts as blobs (outside any transaction).
fn large_parts(store: &Store) -> Result<LargeParts, EmulatorError> {
    let mut whole = Sha1::new();
    let mut parts = Vec::new();
    for (index, len) in LARGE_PARTS.iter().enumerate() {
        let bytes = part_bytes(index, *len);
        whole.update(&bytes);
        let (blob, digests) = store.blobs().put(&bytes)?;
        parts.push((index + 1, blob, digests));
    }
    Ok(LargeParts {
        whole: hex::encode(whole.finalize()),
        parts,
    })
}

struct Seeder<'a> {
    store: &'a Store,
    db: &'a Db<'a>,
}

fn info(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

/// Deterministic filler bytes for a part.
fn part_bytes(part: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 31 + i / 4096 + part * 17) % 251) as u8)
        .collect()
}

impl Seeder<'_> {
    fn bucket(&self, name: &str, bucket_type: &str) -> Result<String, ApiError> {
        // Seeding happens as a store opens, before any server clock runs.
        let row = self.db.create_bucket(
            NewBucket {
                name: name.to_string(),
                bucket_type: bucket_type.to_string(),
                ..NewBucket::default()
            },
            crate::emulator::clock::real_ms(),
        )?;
        Ok(row.bucket_id)
    }

    /// One small file version with `content`.
    fn file(
        &self,
        bucket_id: &str,
        name: &str,
        content: &[u8],
        ts: i64,
        content_type: &str,
    ) -> Result<(), ApiError> {
        let (blob, digests) = self.store.blobs().put(content)?;
        let mtime = (ts - 3_600_000).to_string();
        self.db.insert_version(NewVersion {
            bucket_id: bucket_id.to_string(),
            name: name.to_string(),
            action: Action::Upload,
            upload_ts: ts,
            size: digests.len,
            sha1: Some(digests.sha1),
            md5: Some(digests.md5),
            content_type: content_type.to_string(),
            info: info(&[("src_last_modified_millis", &mtime)]),
            blob: Some(blob),
            large: false,
            sse: Sse::B2,
        })?;
        Ok(())
    }

    fn photos(&self) -> Result<(), ApiError> {
        let b = self.bucket("demo-photos", "allPrivate")?;
        let t = SEED_EPOCH_MS;
        let jpeg = "image/jpeg";
        let text = "text/plain";
        self.file(
            &b,
            "README.txt",
            b"Demo photos bucket of the b2tui local server.\n",
            t,
            text,
        )?;
        self.file(
            &b,
            "trips/2025/alps/day1-summit.jpg",
            b"\xff\xd8\xff\xe0 summit",
            t + DAY_MS,
            jpeg,
        )?;
        self.file(
            &b,
            "trips/2025/alps/day2-lake.jpg",
            b"\xff\xd8\xff\xe0 lake",
            t + DAY_MS + 60_000,
            jpeg,
        )?;
        self.file(
            &b,
            "trips/2025/alps/notes.txt",
            b"Day 1: summit. Day 2: lake.\n",
            t + DAY_MS + 120_000,
            text,
        )?;
        self.file(
            &b,
            "trips/2025/rome/colosseum.jpg",
            b"\xff\xd8\xff\xe0 colosseum",
            t + 2 * DAY_MS,
            jpeg,
        )?;
        self.file(
            &b,
            "trips/2024/paris/eiffel.jpg",
            b"\xff\xd8\xff\xe0 eiffel",
            t + 3 * DAY_MS,
            jpeg,
        )?;
        self.file(
            &b,
            "trips/2024/paris/louvre.jpg",
            b"\xff\xd8\xff\xe0 louvre",
            t + 3 * DAY_MS + 1000,
            jpeg,
        )?;
        self.file(
            &b,
            "photos/été/crème brûlée.jpg",
            b"\xff\xd8\xff\xe0 dessert",
            t + 4 * DAY_MS,
            jpeg,
        )?;
        self.file(
            &b,
            "photos/été/plage.jpg",
            b"\xff\xd8\xff\xe0 plage",
            t + 4 * DAY_MS + 1000,
            jpeg,
        )?;
        self.file(
            &b,
            "日本語/ファイル.txt",
            "こんにちは、世界\n".as_bytes(),
            t + 5 * DAY_MS,
            text,
        )?;
        for (i, body) in [
            "Report, first draft.\n",
            "Report, second draft with numbers.\n",
            "Report, final.\n",
        ]
        .iter()
        .enumerate()
        {
            let ts = t + (6 + 2 * i as i64) * DAY_MS;
            self.file(&b, "docs/report.txt", body.as_bytes(), ts, text)?;
        }
        self.file(
            &b,
            "docs/meeting notes.txt",
            b"Agenda: lifecycle rules.\n",
            t + 7 * DAY_MS,
            text,
        )?;
        self.file(
            &b,
            "docs/old-notes.txt",
            b"Notes nobody needs.\n",
            t + 8 * DAY_MS,
            text,
        )?;
        self.db
            .hide_file(&b, "docs/old-notes.txt", t + 9 * DAY_MS)?;
        Ok(())
    }

    fn backups(&self) -> Result<(), ApiError> {
        let b = self.bucket("demo-backups", "allPrivate")?;
        let t = SEED_EPOCH_MS;
        self.file(
            &b,
            "backups/db-2026-01-01.sql",
            b"-- database dump\nSELECT 1;\n",
            t + DAY_MS,
            "application/sql",
        )?;
        Ok(())
    }

    /// `backups/disk-image.bin`: a finished large file of the parts [`large_parts`] stored.
    fn large_file(&self, bucket_id: &str, ts: i64, stored: LargeParts) -> Result<(), ApiError> {
        let name = "backups/disk-image.bin";
        let LargeParts { whole, parts } = stored;
        let large_sha1 = whole;
        let started = self.db.insert_version(NewVersion {
            bucket_id: bucket_id.to_string(),
            name: name.to_string(),
            action: Action::Start,
            upload_ts: ts,
            size: 0,
            sha1: None,
            md5: None,
            content_type: "application/octet-stream".to_string(),
            info: info(&[
                ("large_file_sha1", &large_sha1),
                ("src_last_modified_millis", &(ts - DAY_MS).to_string()),
            ]),
            blob: None,
            large: true,
            sse: Sse::B2,
        })?;
        let mut sha1s = Vec::new();
        for (number, blob, digests) in parts {
            sha1s.push(digests.sha1.clone());
            self.db.put_part(&PartRow {
                file_id: started.file_id.clone(),
                part_number: u32::try_from(number).unwrap_or(1),
                size: digests.len,
                sha1: digests.sha1,
                md5: digests.md5,
                blob,
                upload_ts: ts + i64::try_from(number).unwrap_or(0) * 1000,
            })?;
        }
        let min_part = LARGE_PARTS.iter().min().map_or(0, |m| *m as u64);
        self.db
            .finish_large_file(&started.file_id, &sha1s, min_part)?;
        Ok(())
    }

    /// `count` small files named by `name`, one second apart, sharing one blob.
    fn many(
        &self,
        bucket_id: &str,
        content: &[u8],
        count: usize,
        ts: i64,
        name: impl Fn(usize) -> String,
    ) -> Result<(), ApiError> {
        let (blob, digests) = self.store.blobs().put(content)?;
        let first = self.db.reserve("file", count as u64)?;
        let shared = Shared {
            bucket_id,
            blob: &blob,
            digests: &digests,
            ts,
            first,
        };
        self.insert_many(&shared, 0..count, &name)
    }

    /// Files `range` of a run of small files sharing one blob (see [`Seeder::many`]).
    fn insert_many(
        &self,
        shared: &Shared,
        range: std::ops::Range<usize>,
        name: &impl Fn(usize) -> String,
    ) -> Result<(), ApiError> {
        for i in range {
            let new = NewVersion {
                bucket_id: shared.bucket_id.to_string(),
                name: name(i),
                action: Action::Upload,
                upload_ts: shared.ts + i as i64 * 1000,
                size: shared.digests.len,
                sha1: Some(shared.digests.sha1.clone()),
                md5: Some(shared.digests.md5.clone()),
                content_type: "text/plain".to_string(),
                info: Map::new(),
                blob: Some(shared.blob.to_owned()),
                large: false,
                sse: Sse::B2,
            };
            self.db
                .insert_version_with_counter(new, shared.first + i as u64)?;
        }
        Ok(())
    }

    fn public_site(&self) -> Result<(), ApiError> {
        let b = self.bucket("demo-public-site", "allPublic")?;
        let t = SEED_EPOCH_MS + 10 * DAY_MS;
        self.file(
            &b,
            "index.html",
            b"<!doctype html><title>Demo</title><h1>Hello from B2</h1>\n",
            t,
            "text/html",
        )?;
        self.file(
            &b,
            "css/site.css",
            b"body { font-family: sans-serif; }\n",
            t + 1000,
            "text/css",
        )?;
        self.file(
            &b,
            "img/logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            t + 2000,
            "image/svg+xml",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_bytes_are_deterministic() {
        assert_eq!(part_bytes(1, 100), part_bytes(1, 100));
        assert_ne!(part_bytes(0, 100), part_bytes(1, 100));
    }
}
