//! Wire types of the B2 Native API as the client sees them (v3 shapes, camelCase).
//! Pure data: no I/O here. Unknown fields are ignored so newer servers stay readable.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as B2 sent it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
    };
}

id_newtype!(
    /// A bucket's id (opaque).
    BucketId
);
id_newtype!(
    /// A file version's id (opaque).
    FileId
);
id_newtype!(
    /// An account id (opaque).
    AccountId
);

/// `b2_authorize_account` (v3) response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeResponse {
    pub account_id: AccountId,
    pub authorization_token: String,
    #[serde(default)]
    pub application_key_expiration_timestamp: Option<i64>,
    pub api_info: ApiInfo,
}

/// The `apiInfo` object of the authorize response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiInfo {
    pub storage_api: StorageApi,
}

/// Where to send calls, and what the key may do. v4 puts the key's scope in `allowed`
/// (buckets as a list); v3 put it directly here (one `bucketId`); both are read.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageApi {
    pub api_url: String,
    pub download_url: String,
    #[serde(default)]
    pub s3_api_url: Option<String>,
    pub absolute_minimum_part_size: u64,
    pub recommended_part_size: u64,
    #[serde(default)]
    pub allowed: Option<Allowed>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub bucket_id: Option<BucketId>,
    #[serde(default)]
    pub bucket_name: Option<String>,
    #[serde(default)]
    pub name_prefix: Option<String>,
}

/// v4 `storageApi.allowed`: the key's capabilities, buckets (None = all) and name prefix.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allowed {
    #[serde(default)]
    pub buckets: Option<Vec<AllowedBucket>>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    pub name_prefix: Option<String>,
}

/// One bucket a key is restricted to; `name` is None once the bucket was deleted.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct AllowedBucket {
    pub id: BucketId,
    #[serde(default)]
    pub name: Option<String>,
}

/// A bucket as `b2_list_buckets` returns it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    pub account_id: AccountId,
    pub bucket_id: BucketId,
    pub bucket_name: String,
    pub bucket_type: String,
    #[serde(default)]
    pub bucket_info: BTreeMap<String, String>,
    #[serde(default)]
    pub cors_rules: Vec<serde_json::Value>,
    #[serde(default)]
    pub lifecycle_rules: Vec<LifecycleRule>,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub revision: u64,
}

impl Bucket {
    /// A bucket known only by id and name (a restricted key without `listBuckets`);
    /// its type is unknown (empty).
    pub fn named(account_id: AccountId, bucket_id: BucketId, bucket_name: String) -> Self {
        Self {
            account_id,
            bucket_id,
            bucket_name,
            bucket_type: String::new(),
            bucket_info: BTreeMap::new(),
            cors_rules: Vec::new(),
            lifecycle_rules: Vec::new(),
            options: Vec::new(),
            revision: 0,
        }
    }
}

/// One lifecycle rule of a bucket.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleRule {
    pub file_name_prefix: String,
    #[serde(default)]
    pub days_from_uploading_to_hiding: Option<u32>,
    #[serde(default)]
    pub days_from_hiding_to_deleting: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_from_starting_to_canceling_unfinished_large_files: Option<u32>,
}

/// `b2_list_buckets` request.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListBucketsRequest {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_id: Option<BucketId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
}

/// `b2_list_buckets` response.
#[derive(Clone, Debug, Deserialize)]
pub struct ListBucketsResponse {
    pub buckets: Vec<Bucket>,
}

/// What a file version entry stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileAction {
    /// A stored file (also a finished large file).
    Upload,
    /// A hide marker.
    Hide,
    /// An unfinished large file.
    Start,
    /// A virtual folder from a delimiter listing.
    Folder,
    /// A server-side copy (some servers answer `b2_copy_file` with it).
    Copy,
    /// Anything newer than this client.
    #[serde(other)]
    Unknown,
}

/// A file version (also a hide marker or folder entry), §3.1.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileVersion {
    #[serde(default)]
    pub account_id: Option<AccountId>,
    pub action: FileAction,
    #[serde(default)]
    pub bucket_id: Option<BucketId>,
    #[serde(default)]
    pub content_length: u64,
    #[serde(default)]
    pub content_sha1: Option<String>,
    #[serde(default)]
    pub content_md5: Option<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub file_id: Option<FileId>,
    #[serde(default)]
    pub file_info: BTreeMap<String, String>,
    pub file_name: String,
    #[serde(default)]
    pub upload_timestamp: i64,
    /// Cloud Replication: `pending`, `completed`, `failed` or `replica` (B2 may upper-case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_status: Option<super::replication::ReplicationStatus>,
}

impl FileVersion {
    /// True for a virtual folder entry (`name/`).
    pub fn is_folder(&self) -> bool {
        self.action == FileAction::Folder
    }

    /// The SHA-1 to verify a download against: `contentSha1`, else `large_file_sha1`.
    pub fn expected_sha1(&self) -> Option<&str> {
        match self.content_sha1.as_deref() {
            Some(s) if s.len() == 40 => Some(s),
            Some(s) if s.starts_with("unverified:") => Some(&s["unverified:".len()..]),
            _ => self.file_info.get("large_file_sha1").map(String::as_str),
        }
    }
}

/// `b2_list_file_names` request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFileNamesRequest {
    pub bucket_id: BucketId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_file_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

impl ListFileNamesRequest {
    /// The same listing as `b2_list_file_versions` (every version, not the newest).
    pub fn into_versions(self) -> ListFileVersionsRequest {
        ListFileVersionsRequest {
            bucket_id: self.bucket_id,
            start_file_name: self.start_file_name,
            start_file_id: None,
            max_file_count: self.max_file_count,
            prefix: self.prefix,
            delimiter: self.delimiter,
        }
    }
}

/// One page of a file listing (`b2_list_file_names`, `b2_list_file_versions`,
/// `b2_list_unfinished_large_files`) with B2's continuation; absent fields stay `None`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilesPage<T = FileVersion> {
    pub files: Vec<T>,
    #[serde(default)]
    pub next_file_name: Option<String>,
    #[serde(default)]
    pub next_file_id: Option<FileId>,
}

/// `b2_list_file_names` response (`nextFileName` only).
pub type ListFileNamesResponse = FilesPage;

/// `b2_list_file_versions` request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFileVersionsRequest {
    pub bucket_id: BucketId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_file_id: Option<FileId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_file_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// `b2_list_file_versions` response.
pub type ListFileVersionsResponse = FilesPage;

/// `b2_get_upload_url` response (also usable for `b2_get_upload_part_url`).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadUrl {
    #[serde(default)]
    pub bucket_id: Option<BucketId>,
    pub upload_url: String,
    pub authorization_token: String,
}

/// The answer of `b2_delete_file_version`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedFileVersion {
    pub file_id: FileId,
    pub file_name: String,
}

/// What to upload with `b2_upload_file`, besides the bytes.
#[derive(Clone, Debug, Default)]
pub struct UploadMeta {
    /// The file name (not encoded; the client encodes it).
    pub file_name: String,
    /// MIME type; `None` sends `b2/x-auto`.
    pub content_type: Option<String>,
    /// Custom file info (`X-Bz-Info-*`), not encoded.
    pub file_info: BTreeMap<String, String>,
    /// Test mode header to send (`X-Bz-Test-Mode`), for resilience tests.
    pub test_mode: Option<String>,
}

/// `b2_start_large_file` request.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartLargeFileRequest {
    pub bucket_id: BucketId,
    pub file_name: String,
    /// MIME type or `b2/x-auto`.
    pub content_type: String,
    /// Custom file info (plain, not encoded): `large_file_sha1`, `src_last_modified_millis`…
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub file_info: BTreeMap<String, String>,
}

/// `b2_get_upload_part_url` response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadPartUrl {
    pub file_id: FileId,
    pub upload_url: String,
    pub authorization_token: String,
}

/// A part of a large file (`b2_upload_part`, `b2_list_parts`), §3.3.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    pub file_id: FileId,
    pub part_number: u32,
    pub content_length: u64,
    pub content_sha1: String,
    #[serde(default)]
    pub upload_timestamp: i64,
}

/// `b2_list_parts` response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPartsResponse {
    pub parts: Vec<Part>,
    #[serde(default)]
    pub next_part_number: Option<u32>,
}

/// `b2_list_unfinished_large_files` response (`nextFileId` only).
pub type ListUnfinishedLargeFilesResponse = FilesPage;

/// `b2_cancel_large_file` response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelledLargeFile {
    pub file_id: FileId,
    pub file_name: String,
}
