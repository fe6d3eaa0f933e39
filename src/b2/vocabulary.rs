//! Names B2 defines that both the client side and the local B2 check against: key
//! capabilities (§9.4, §2.22) and CORS rule operations and limits (§3.4). Data only.

/// Every capability `b2_create_key` accepts and the master key holds, grouped: keys,
/// buckets, files.
pub const ALL_CAPABILITIES: [&str; 26] = [
    "listKeys",
    "writeKeys",
    "deleteKeys",
    "listAllBucketNames",
    "listBuckets",
    "readBuckets",
    "writeBuckets",
    "deleteBuckets",
    "readBucketRetentions",
    "writeBucketRetentions",
    "readBucketEncryption",
    "writeBucketEncryption",
    "readBucketNotifications",
    "writeBucketNotifications",
    "readBucketReplications",
    "writeBucketReplications",
    "listFiles",
    "readFiles",
    "shareFiles",
    "writeFiles",
    "deleteFiles",
    "readFileLegalHolds",
    "writeFileLegalHolds",
    "readFileRetentions",
    "writeFileRetentions",
    "bypassGovernance",
];

/// Capabilities a bucket-restricted key may hold (§2.22).
pub const BUCKET_LEVEL: [&str; 19] = [
    "listAllBucketNames",
    "listBuckets",
    "readBuckets",
    "readBucketEncryption",
    "writeBucketEncryption",
    "readBucketNotifications",
    "writeBucketNotifications",
    "readBucketRetentions",
    "writeBucketRetentions",
    "listFiles",
    "readFiles",
    "shareFiles",
    "writeFiles",
    "deleteFiles",
    "readFileLegalHolds",
    "writeFileLegalHolds",
    "readFileRetentions",
    "writeFileRetentions",
    "bypassGovernance",
];

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
    }
}
