//! `b2tui serve --seed-bulk BUCKET:PREFIX:COUNT`: many one-byte files inserted straight
//! into the store (one transaction, one shared blob) before the server listens, as test
//! data at scale: `PREFIX` + `n` + the index zero-padded to 7 digits + `.dat`.

use std::fmt;
use std::str::FromStr;

use super::{SEED_EPOCH_MS, Seeder};
use crate::emulator::names::{validate_bucket_name, validate_file_name};
use crate::emulator::{EmulatorError, Store};

/// The most files one spec can name: the index has 7 digits.
pub const MAX_COUNT: u64 = 10_000_000;
/// The content of every bulk file.
const CONTENT: &[u8] = b"x";

/// One `BUCKET:PREFIX:COUNT` spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSpec {
    pub bucket: String,
    pub prefix: String,
    pub count: u64,
}

impl BulkSpec {
    /// The name of file `index`: `{prefix}n{index:07}.dat`.
    pub fn name(&self, index: u64) -> String {
        file_name(&self.prefix, index)
    }
}

fn file_name(prefix: &str, index: u64) -> String {
    format!("{prefix}n{index:07}.dat")
}

impl fmt::Display for BulkSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.bucket, self.prefix, self.count)
    }
}

impl FromStr for BulkSpec {
    type Err = String;

    /// `BUCKET:PREFIX:COUNT`; the prefix may be empty and may itself hold `:`.
    fn from_str(spec: &str) -> Result<BulkSpec, String> {
        let shape = "expected BUCKET:PREFIX:COUNT, e.g. bulk-bucket:big/:1000000";
        let (bucket, rest) = spec
            .split_once(':')
            .ok_or_else(|| format!("no ':' ({shape})"))?;
        let (prefix, count) = rest
            .rsplit_once(':')
            .ok_or_else(|| format!("no COUNT ({shape})"))?;
        validate_bucket_name(bucket).map_err(|e| format!("bucket: {}", e.message))?;
        let count: u64 = count
            .trim()
            .parse()
            .map_err(|_| format!("COUNT {count:?} is not a whole number from 0 to {MAX_COUNT}"))?;
        if count > MAX_COUNT {
            return Err(format!(
                "COUNT {count} is more than {MAX_COUNT} (the index has 7 digits)"
            ));
        }
        validate_file_name(&file_name(prefix, 0))
            .map_err(|e| format!("PREFIX {prefix:?}: {}", e.message))?;
        Ok(BulkSpec {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            count,
        })
    }
}

/// What [`seed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// The files were inserted; `bucket_created` when the bucket was new.
    Inserted { bucket_created: bool },
    /// The first name was already there (a kept `--data` store): nothing inserted.
    AlreadyThere,
}

/// Creates the bucket (private) if missing and inserts the spec's files, in one
/// transaction. A store that already holds the spec's first name is left as it is, so a
/// kept `--data` folder can be served again with the same flags.
pub fn seed(store: &Store, spec: &BulkSpec) -> Result<Seeded, EmulatorError> {
    let seeded = store.with(|db| {
        let seeder = Seeder { store, db };
        let (bucket_id, bucket_created) = match db.bucket_by_name(&spec.bucket)? {
            Some(b) => (b.bucket_id, false),
            None => (seeder.bucket(&spec.bucket, "allPrivate")?, true),
        };
        if spec.count > 0 && db.newest_version(&bucket_id, &spec.name(0))?.is_some() {
            return Ok(Seeded::AlreadyThere);
        }
        let count = usize::try_from(spec.count).unwrap_or(usize::MAX);
        seeder.many(&bucket_id, CONTENT, count, SEED_EPOCH_MS, |i| {
            file_name(&spec.prefix, i as u64)
        })?;
        Ok(Seeded::Inserted { bucket_created })
    })?;
    Ok(seeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<BulkSpec, String> {
        s.parse()
    }

    #[test]
    fn parses_bucket_prefix_count() {
        let spec = parse("bulk-bucket:big/:1000").unwrap();
        assert_eq!(spec.bucket, "bulk-bucket");
        assert_eq!(spec.prefix, "big/");
        assert_eq!(spec.count, 1000);
        assert_eq!(spec.name(0), "big/n0000000.dat");
        assert_eq!(spec.name(999), "big/n0000999.dat");
        assert_eq!(spec.to_string(), "bulk-bucket:big/:1000");
    }

    #[test]
    fn prefix_may_be_empty_or_hold_colons() {
        assert_eq!(parse("bulk-bucket::5").unwrap().prefix, "");
        assert_eq!(parse("bulk-bucket:a:b/:5").unwrap().prefix, "a:b/");
    }

    #[test]
    fn bad_specs_name_the_problem() {
        let err = parse("nobucket").unwrap_err();
        assert!(err.contains("BUCKET:PREFIX:COUNT"), "{err}");
        let err = parse("bulk-bucket:big/").unwrap_err();
        assert!(err.contains("no COUNT"), "{err}");
        let err = parse("bulk-bucket:big/:many").unwrap_err();
        assert!(err.contains("COUNT \"many\""), "{err}");
        let err = parse("bulk-bucket:big/:-1").unwrap_err();
        assert!(err.contains("COUNT \"-1\""), "{err}");
        let err = parse("bulk-bucket:big/:10000001").unwrap_err();
        assert!(err.contains("7 digits"), "{err}");
        let err = parse("b_x:big/:5").unwrap_err();
        assert!(err.contains("bucket"), "{err}");
        let err = parse("bulk-bucket:/big/:5").unwrap_err();
        assert!(err.contains("PREFIX \"/big/\""), "{err}");
        let err = parse("bulk-bucket:a//b/:5").unwrap_err();
        assert!(err.contains("PREFIX"), "{err}");
    }
}
