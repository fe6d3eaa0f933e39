//! Names B2 defines that both the client side and the local B2 check against: key
//! capabilities (§9.4, §2.22) and CORS rule operations and limits (§3.4). Data only.

/// Which keys may hold a capability: only keys for the whole account, or bucket-restricted
/// keys too (§2.22).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Account,
    Bucket,
}

/// Every capability `b2_create_key` accepts and the master key holds, grouped: keys,
/// buckets, files.
const CAPABILITIES: [(&str, Scope); 26] = [
    ("listKeys", Scope::Account),
    ("writeKeys", Scope::Account),
    ("deleteKeys", Scope::Account),
    ("listAllBucketNames", Scope::Bucket),
    ("listBuckets", Scope::Bucket),
    ("readBuckets", Scope::Bucket),
    ("writeBuckets", Scope::Account),
    ("deleteBuckets", Scope::Account),
    ("readBucketRetentions", Scope::Bucket),
    ("writeBucketRetentions", Scope::Bucket),
    ("readBucketEncryption", Scope::Bucket),
    ("writeBucketEncryption", Scope::Bucket),
    ("readBucketNotifications", Scope::Bucket),
    ("writeBucketNotifications", Scope::Bucket),
    ("readBucketReplications", Scope::Account),
    ("writeBucketReplications", Scope::Account),
    ("listFiles", Scope::Bucket),
    ("readFiles", Scope::Bucket),
    ("shareFiles", Scope::Bucket),
    ("writeFiles", Scope::Bucket),
    ("deleteFiles", Scope::Bucket),
    ("readFileLegalHolds", Scope::Bucket),
    ("writeFileLegalHolds", Scope::Bucket),
    ("readFileRetentions", Scope::Bucket),
    ("writeFileRetentions", Scope::Bucket),
    ("bypassGovernance", Scope::Bucket),
];

/// The names of [`CAPABILITIES`] (of `Bucket` scope only, with `bucket_level`); `N` must
/// be their number, which the compiler checks.
const fn names<const N: usize>(bucket_level: bool) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < CAPABILITIES.len() {
        let (name, scope) = CAPABILITIES[i];
        if !bucket_level || matches!(scope, Scope::Bucket) {
            out[n] = name;
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "wrong capability count");
    out
}

/// Every capability, in the order of [`CAPABILITIES`].
pub const ALL_CAPABILITIES: [&str; 26] = names(false);

/// Capabilities a bucket-restricted key may hold (§2.22).
pub const BUCKET_LEVEL: [&str; 19] = names(true);

/// True for a capability name B2 knows.
pub fn is_capability(cap: &str) -> bool {
    ALL_CAPABILITIES.contains(&cap)
}

/// True for capabilities a key restricted to buckets may hold.
pub fn is_bucket_level(cap: &str) -> bool {
    BUCKET_LEVEL.contains(&cap)
}

/// Operations a CORS rule may allow.
pub const CORS_OPERATIONS: [&str; 9] = [
    "b2_download_file_by_name",
    "b2_download_file_by_id",
    "b2_upload_file",
    "b2_upload_part",
    "s3_delete",
    "s3_get",
    "s3_head",
    "s3_post",
    "s3_put",
];

/// CORS rules per bucket.
pub const MAX_CORS_RULES: usize = 100;

/// The longest `maxAgeSeconds` of a CORS rule (one day).
pub const MAX_CORS_AGE_SECS: u64 = 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_level_capabilities_are_capabilities() {
        assert!(BUCKET_LEVEL.iter().all(|cap| is_capability(cap)));
        assert!(!is_bucket_level("writeKeys"));
        assert!(!is_capability("readEverything"));
        assert_eq!(ALL_CAPABILITIES[0], "listKeys");
        assert_eq!(BUCKET_LEVEL[0], "listAllBucketNames");
    }
}
