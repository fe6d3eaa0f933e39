//! What a key reaches (buckets, prefixes, rights) and where two keys can write to the same
//! place. Pure functions over the loaded key list; the keys view draws their results.

use std::collections::HashMap;

use crate::b2::{ApplicationKey, BucketId};

/// How close a key is to its expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    Never,
    Valid,
    /// Expires within [`SOON_MS`].
    Soon,
    Expired,
}

/// "Expiring soon" means within 7 days.
pub const SOON_MS: i64 = 7 * 86_400_000;

/// The expiry state of `expires` (ms) at `now` (ms; None = not known yet → never "soon").
pub fn expiry(expires: Option<i64>, now: Option<i64>) -> Expiry {
    match (expires, now) {
        (None, _) => Expiry::Never,
        (Some(_), None) => Expiry::Valid,
        (Some(e), Some(n)) if e <= n => Expiry::Expired,
        (Some(e), Some(n)) if e - n <= SOON_MS => Expiry::Soon,
        _ => Expiry::Valid,
    }
}

/// One place a key reaches: a bucket (None = every bucket), a prefix ("" = all names), and
/// the file rights it has there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    pub bucket: Option<BucketId>,
    pub prefix: String,
    pub rights: Vec<&'static str>,
}

/// The file rights of a key, as verbs.
pub fn rights(key: &ApplicationKey) -> Vec<&'static str> {
    [
        ("listFiles", "list"),
        ("readFiles", "read"),
        ("writeFiles", "write"),
        ("deleteFiles", "delete"),
        ("shareFiles", "share"),
        ("writeFileRetentions", "lock"),
        ("bypassGovernance", "bypass-governance"),
    ]
    .iter()
    .filter(|(cap, _)| key.has(cap))
    .map(|(_, verb)| *verb)
    .collect()
}

/// Where `key` reaches, one entry per bucket (or one for "every bucket").
pub fn reach(key: &ApplicationKey) -> Vec<Reach> {
    let prefix = key.prefix().unwrap_or("").to_owned();
    let rights = rights(key);
    let buckets = key.bucket_ids();
    if buckets.is_empty() {
        return vec![Reach {
            bucket: None,
            prefix,
            rights,
        }];
    }
    buckets
        .into_iter()
        .map(|b| Reach {
            bucket: Some(b),
            prefix: prefix.clone(),
            rights: rights.clone(),
        })
        .collect()
}

/// Two keys that can both write to the same bucket under overlapping prefixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlap {
    pub first: String,
    pub second: String,
    /// The shared bucket; None when both keys reach every bucket.
    pub bucket: Option<BucketId>,
    /// The narrower of the two prefixes: where both write.
    pub prefix: String,
}

fn can_write(key: &ApplicationKey) -> bool {
    key.has("writeFiles")
}

/// The buckets two keys share: Some(empty) = every bucket, None = no bucket in common.
fn shared_buckets(a: &ApplicationKey, b: &ApplicationKey) -> Option<Vec<Option<BucketId>>> {
    let (ba, bb) = (a.bucket_ids(), b.bucket_ids());
    let shared: Vec<Option<BucketId>> = match (ba.is_empty(), bb.is_empty()) {
        (true, true) => vec![None],
        (true, false) => bb.into_iter().map(Some).collect(),
        (false, true) => ba.into_iter().map(Some).collect(),
        (false, false) => ba
            .into_iter()
            .filter(|x| bb.contains(x))
            .map(Some)
            .collect(),
    };
    (!shared.is_empty()).then_some(shared)
}

/// Every pair of keys (by position in `keys`) that can write to the same names: both hold
/// `writeFiles`, they share a bucket, and one prefix starts with the other.
pub fn write_overlaps(keys: &[ApplicationKey]) -> Vec<Overlap> {
    let mut out = Vec::new();
    for (i, a) in keys.iter().enumerate().filter(|(_, k)| can_write(k)) {
        for b in keys[i + 1..].iter().filter(|k| can_write(k)) {
            let (pa, pb) = (a.prefix().unwrap_or(""), b.prefix().unwrap_or(""));
            let prefix = if pa.starts_with(pb) {
                pa
            } else if pb.starts_with(pa) {
                pb
            } else {
                continue;
            };
            for bucket in shared_buckets(a, b).unwrap_or_default() {
                out.push(Overlap {
                    first: a.application_key_id.clone(),
                    second: b.application_key_id.clone(),
                    bucket,
                    prefix: prefix.to_owned(),
                });
            }
        }
    }
    out
}

/// The overlaps that involve `key_id`, as (other key id, bucket, prefix).
pub fn overlaps_of<'a>(
    key_id: &str,
    overlaps: &'a [Overlap],
) -> impl Iterator<Item = (&'a str, &'a Option<BucketId>, &'a str)> {
    let key_id = key_id.to_owned();
    overlaps.iter().filter_map(move |o| {
        let other = if o.first == key_id {
            &o.second
        } else if o.second == key_id {
            &o.first
        } else {
            return None;
        };
        Some((other.as_str(), &o.bucket, o.prefix.as_str()))
    })
}

/// A bucket's name for display: its name when known, else its id.
pub fn bucket_label(bucket: Option<&BucketId>, names: &HashMap<BucketId, String>) -> String {
    match bucket {
        None => "every bucket".to_owned(),
        Some(id) => names.get(id).cloned().unwrap_or_else(|| id.0.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, caps: &[&str], buckets: &[&str], prefix: &str) -> ApplicationKey {
        let mut k = ApplicationKey::new(id, id, caps, buckets);
        k.name_prefix = Some(prefix.to_owned());
        k
    }

    #[test]
    fn expiry_states() {
        let day = 86_400_000;
        assert_eq!(expiry(None, Some(0)), Expiry::Never);
        assert_eq!(expiry(Some(10), None), Expiry::Valid);
        assert_eq!(expiry(Some(10), Some(10)), Expiry::Expired);
        assert_eq!(expiry(Some(7 * day), Some(0)), Expiry::Soon);
        assert_eq!(expiry(Some(8 * day), Some(0)), Expiry::Valid);
    }

    #[test]
    fn reach_lists_each_bucket_with_rights() {
        let k = key(
            "a",
            &["listFiles", "readFiles", "writeFiles"],
            &["b1", "b2"],
            "x/",
        );
        let r = reach(&k);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].bucket, Some(BucketId::from("b2")));
        assert_eq!(r[0].prefix, "x/");
        assert_eq!(r[0].rights, ["list", "read", "write"]);
        let all = reach(&key("m", &["readFiles"], &[], ""));
        assert_eq!(all[0].bucket, None);
    }

    #[test]
    fn overlapping_writers_are_found() {
        let keys = vec![
            key("ha", &["writeFiles"], &["b1"], "backups/"),
            key("mage", &["writeFiles"], &["b1"], "backups/ha/"),
            key("reader", &["readFiles"], &["b1"], ""),
            key("other-bucket", &["writeFiles"], &["b2"], ""),
            key("other-prefix", &["writeFiles"], &["b1"], "logs/"),
            key("everything", &["writeFiles"], &[], ""),
        ];
        let o = write_overlaps(&keys);
        let pairs: Vec<(&str, &str, &str)> = o
            .iter()
            .map(|o| (o.first.as_str(), o.second.as_str(), o.prefix.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("ha", "mage", "backups/ha/"),
                ("ha", "everything", "backups/"),
                ("mage", "everything", "backups/ha/"),
                ("other-bucket", "everything", ""),
                ("other-prefix", "everything", "logs/"),
            ]
        );
        assert!(!pairs.iter().any(|p| p.0 == "reader" || p.1 == "reader"));
        assert_eq!(overlaps_of("mage", &o).count(), 2);
        assert_eq!(o[1].bucket, Some(BucketId::from("b1")));
    }
}
