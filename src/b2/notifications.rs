//! Event notification rules (§2.29, §5.1) and Object Lock on single versions (§2.27,
//! §2.28): wire types and `b2_get/set_bucket_notification_rules`, `b2_update_file_retention`,
//! `b2_update_file_legal_hold`, and `b2_get_file_info` with the lock fields.

use serde::{Deserialize, Serialize};

use super::buckets::{FileRetention, LockedVersion};
use super::client::B2Client;
use super::error::B2Error;
use super::types::{BucketId, FileId};

/// Every event type B2 documents (§5), wildcards first within a category.
pub const EVENT_TYPES: [&str; 14] = [
    "b2:ObjectCreated:*",
    "b2:ObjectCreated:Upload",
    "b2:ObjectCreated:MultipartUpload",
    "b2:ObjectCreated:Copy",
    "b2:ObjectCreated:Replica",
    "b2:ObjectCreated:MultipartReplica",
    "b2:ObjectDeleted:*",
    "b2:ObjectDeleted:Delete",
    "b2:ObjectDeleted:LifecycleRule",
    "b2:HideMarkerCreated:*",
    "b2:HideMarkerCreated:Hide",
    "b2:HideMarkerCreated:LifecycleRule",
    "b2:MultipartUploadCreated:*",
    "b2:MultipartUploadCreated:LiveRead",
];

/// One custom header sent with each webhook call.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct CustomHeader {
    pub name: String,
    pub value: String,
}

/// Where events go: always a webhook.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetConfiguration {
    pub target_type: String,
    pub url: String,
    /// B2 echoes `null` when unset (§14.7).
    #[serde(default)]
    pub custom_headers: Option<Vec<CustomHeader>>,
    #[serde(default)]
    pub hmac_sha256_signing_secret: Option<String>,
    /// 1–50; b2-sdk-java places it here (§5.1 notes the conflict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_events_per_batch: Option<u32>,
}

/// One event notification rule.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRule {
    pub name: String,
    pub event_types: Vec<String>,
    #[serde(default)]
    pub object_name_prefix: String,
    pub is_enabled: bool,
    /// Set by B2 when deliveries keep failing; ignored in set requests, so never sent.
    #[serde(default, skip_serializing)]
    pub is_suspended: bool,
    #[serde(default, skip_serializing)]
    pub suspension_reason: String,
    pub target_configuration: TargetConfiguration,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct RulesBody {
    bucket_id: BucketId,
    event_notification_rules: Vec<NotificationRule>,
}

/// `b2_update_file_retention` / `b2_update_file_legal_hold` answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileLockAnswer {
    pub file_id: FileId,
    pub file_name: String,
    #[serde(default)]
    pub file_retention: Option<FileRetention>,
    #[serde(default)]
    pub legal_hold: Option<String>,
}

impl B2Client {
    /// `b2_get_bucket_notification_rules` (needs readBucketNotifications).
    pub async fn get_bucket_notification_rules(
        &self,
        bucket_id: &BucketId,
    ) -> Result<Vec<NotificationRule>, B2Error> {
        let body = serde_json::json!({ "bucketId": bucket_id });
        let answer: RulesBody = self.call("get_bucket_notification_rules", &body).await?;
        Ok(answer.event_notification_rules)
    }

    /// `b2_set_bucket_notification_rules`: replaces every rule of the bucket.
    pub async fn set_bucket_notification_rules(
        &self,
        bucket_id: &BucketId,
        rules: &[NotificationRule],
    ) -> Result<Vec<NotificationRule>, B2Error> {
        let body = RulesBody {
            bucket_id: bucket_id.clone(),
            event_notification_rules: rules.to_vec(),
        };
        let answer: RulesBody = self.call("set_bucket_notification_rules", &body).await?;
        Ok(answer.event_notification_rules)
    }

    /// `b2_get_file_info` with the version's retention and legal hold.
    pub async fn get_locked_file_info(&self, file_id: &FileId) -> Result<LockedVersion, B2Error> {
        self.call("get_file_info", &serde_json::json!({ "fileId": file_id }))
            .await
    }

    /// `b2_update_file_retention`; shortening or removing governance needs `bypass`.
    pub async fn update_file_retention(
        &self,
        file_id: &FileId,
        file_name: &str,
        retention: &FileRetention,
        bypass_governance: bool,
    ) -> Result<FileLockAnswer, B2Error> {
        let mut body = serde_json::json!({
            "fileId": file_id,
            "fileName": file_name,
            "fileRetention": retention,
        });
        if bypass_governance {
            body["bypassGovernance"] = serde_json::Value::Bool(true);
        }
        self.call("update_file_retention", &body).await
    }

    /// `b2_update_file_legal_hold` with `on` or `off`.
    pub async fn update_file_legal_hold(
        &self,
        file_id: &FileId,
        file_name: &str,
        on: bool,
    ) -> Result<FileLockAnswer, B2Error> {
        let body = serde_json::json!({
            "fileId": file_id,
            "fileName": file_name,
            "legalHold": if on { "on" } else { "off" },
        });
        self.call("update_file_legal_hold", &body).await
    }
}

/// A signing secret: 32 letters and digits from `random` bytes (rejection-sampled, so
/// each character is equally likely). Returns None when `random` runs out.
pub fn signing_secret(random: impl IntoIterator<Item = u8>) -> Option<String> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(32);
    for b in random {
        // 248 = 4 × 62: bytes above it would favour the first letters.
        if b < 248 {
            out.push(char::from(ALPHABET[usize::from(b % 62)]));
            if out.len() == 32 {
                return Some(out);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_32_alphanumerics() {
        let s = signing_secret((0..=255u8).cycle()).expect("enough bytes");
        assert_eq!(s.len(), 32);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(signing_secret([250u8; 40]).is_none());
    }

    #[test]
    fn suspension_is_read_but_never_sent() {
        let rule: NotificationRule = serde_json::from_value(serde_json::json!({
            "name": "hook-one", "eventTypes": ["b2:ObjectCreated:*"], "objectNamePrefix": "",
            "isEnabled": true, "isSuspended": true, "suspensionReason": "connection refused",
            "targetConfiguration": {"targetType": "webhook", "url": "https://h.example/x",
                "customHeaders": null, "hmacSha256SigningSecret": null}
        }))
        .expect("rule");
        assert!(rule.is_suspended);
        let sent = serde_json::to_value(&rule).expect("json");
        assert!(sent.get("isSuspended").is_none());
    }
}
