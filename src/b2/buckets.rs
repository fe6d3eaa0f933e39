//! Bucket administration calls: the full bucket object (encryption, Object Lock),
//! `b2_create_bucket`, `b2_update_bucket` (with `ifRevisionIs`), `b2_delete_bucket`,
//! `b2_get_download_authorization`, and listings that carry Object Lock state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::B2Client;
use super::error::B2Error;
use super::types::{
    Bucket, BucketId, FileVersion, LifecycleRule, ListBucketsRequest, ListFileVersionsRequest,
};

/// A value B2 only shows to keys with the matching read capability (§3.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Readable<T> {
    #[serde(default)]
    pub is_client_authorized_to_read: bool,
    #[serde(default)]
    pub value: Option<T>,
}

/// Server-side encryption setting (§3.6); `mode: None` means none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Encryption {
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub algorithm: Option<String>,
}

/// A retention period: `duration` in `unit` (`days` or `years`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct RetentionPeriod {
    pub duration: u32,
    pub unit: String,
}

/// A bucket's default retention: mode `governance`/`compliance`, or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct DefaultRetention {
    pub mode: Option<String>,
    pub period: Option<RetentionPeriod>,
}

/// `fileLockConfiguration.value`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileLockConfig {
    #[serde(default)]
    pub is_file_lock_enabled: bool,
    #[serde(default)]
    pub default_retention: Option<DefaultRetention>,
}

/// The whole bucket object (§3.2), as the settings view needs it: the listing shape plus
/// encryption and Object Lock. Reads through to the [`Bucket`] fields.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketSettings {
    #[serde(flatten)]
    pub bucket: Bucket,
    #[serde(default)]
    pub default_server_side_encryption: Option<Readable<Encryption>>,
    #[serde(default)]
    pub file_lock_configuration: Option<Readable<FileLockConfig>>,
    #[serde(default)]
    pub replication_configuration: Option<Readable<super::replication::ReplicationConfig>>,
}

impl std::ops::Deref for BucketSettings {
    type Target = Bucket;

    fn deref(&self) -> &Bucket {
        &self.bucket
    }
}

impl std::ops::DerefMut for BucketSettings {
    fn deref_mut(&mut self) -> &mut Bucket {
        &mut self.bucket
    }
}

impl BucketSettings {
    /// The listing shape of the same bucket.
    pub fn to_bucket(&self) -> Bucket {
        self.bucket.clone()
    }

    /// True when Object Lock is on (as far as the key may see).
    pub fn is_file_lock_enabled(&self) -> bool {
        self.file_lock_configuration
            .as_ref()
            .and_then(|r| r.value.as_ref())
            .is_some_and(|v| v.is_file_lock_enabled)
    }
}

/// `b2_create_bucket` request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBucketRequest {
    pub account_id: String,
    pub bucket_name: String,
    pub bucket_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_server_side_encryption: Option<Encryption>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub file_lock_enabled: bool,
}

/// `b2_update_bucket` request: every field given replaces the stored value.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateBucketRequest {
    pub account_id: String,
    pub bucket_id: BucketId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_info: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cors_rules: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_rules: Option<Vec<LifecycleRule>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_retention: Option<DefaultRetention>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_lock_enabled: Option<bool>,
    /// Replaces the whole replication configuration (both sides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_configuration: Option<super::replication::ReplicationConfig>,
    /// Only update when the stored revision is still this one (else 409 `conflict`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_revision_is: Option<u64>,
}

/// `b2_get_download_authorization` answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadAuthorization {
    pub bucket_id: BucketId,
    pub file_name_prefix: String,
    pub authorization_token: String,
}

/// File retention of one version (§2.27).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRetention {
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub retain_until_timestamp: Option<i64>,
}

/// A listed version with its Object Lock state.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockedVersion {
    #[serde(flatten)]
    pub version: FileVersion,
    #[serde(default)]
    pub file_retention: Option<Readable<FileRetention>>,
    #[serde(default)]
    pub legal_hold: Option<Readable<String>>,
}

impl LockedVersion {
    /// Retention end, when a mode is set.
    pub fn retain_until(&self) -> Option<i64> {
        let r = self.file_retention.as_ref()?.value.as_ref()?;
        r.mode.as_ref()?;
        r.retain_until_timestamp
    }

    /// True under legal hold.
    pub fn is_held(&self) -> bool {
        self.legal_hold
            .as_ref()
            .and_then(|h| h.value.as_deref())
            .is_some_and(|v| v == "on")
    }
}

/// A `b2_list_file_versions` page with Object Lock state.
pub type LockedVersionsPage = super::types::FilesPage<LockedVersion>;

#[derive(Deserialize)]
struct BucketList {
    buckets: Vec<BucketSettings>,
}

impl B2Client {
    /// The current state of one bucket (`b2_list_buckets` filtered by `bucketId`).
    pub async fn get_bucket(&self, bucket_id: &BucketId) -> Result<BucketSettings, B2Error> {
        let req = ListBucketsRequest {
            account_id: self.account_id(),
            bucket_id: Some(bucket_id.clone()),
            bucket_name: None,
        };
        let list: BucketList = self.call("list_buckets", &req).await?;
        list.buckets.into_iter().next().ok_or_else(|| B2Error::Api {
            status: 400,
            code: "bad_bucket_id".into(),
            message: format!("bucket {bucket_id} no longer exists"),
            retry_after: None,
            call: Some("b2_list_buckets"),
        })
    }

    /// `b2_create_bucket`.
    pub async fn create_bucket(
        &self,
        req: &CreateBucketRequest,
    ) -> Result<BucketSettings, B2Error> {
        self.call("create_bucket", req).await
    }

    /// `b2_update_bucket`; a stale `ifRevisionIs` fails with 409 `conflict`.
    pub async fn update_bucket(
        &self,
        req: &UpdateBucketRequest,
    ) -> Result<BucketSettings, B2Error> {
        self.call("update_bucket", req).await
    }

    /// `b2_delete_bucket`: only an empty bucket (else 400 `cannot_delete_non_empty_bucket`).
    pub async fn delete_bucket(&self, bucket_id: &BucketId) -> Result<BucketSettings, B2Error> {
        let body = serde_json::json!({ "accountId": self.account_id(), "bucketId": bucket_id });
        self.call("delete_bucket", &body).await
    }

    /// `b2_get_download_authorization` for names starting with `prefix`.
    pub async fn get_download_authorization(
        &self,
        bucket_id: &BucketId,
        prefix: &str,
        valid_seconds: u32,
    ) -> Result<DownloadAuthorization, B2Error> {
        let body = serde_json::json!({
            "bucketId": bucket_id,
            "fileNamePrefix": prefix,
            "validDurationInSeconds": valid_seconds,
        });
        self.call("get_download_authorization", &body).await
    }

    /// `b2_list_file_versions`, one page, with retention and legal hold of each version.
    pub async fn list_locked_versions(
        &self,
        req: &ListFileVersionsRequest,
    ) -> Result<LockedVersionsPage, B2Error> {
        self.call("list_file_versions", req).await
    }
}
