//! Application keys: `b2_create_key`, `b2_list_keys`, `b2_delete_key` and their wire types.
//! The secret from `b2_create_key` is a [`Secret`], whose `Debug` never shows it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::client::B2Client;
use super::error::B2Error;
use super::types::{AccountId, BucketId};

/// `maxKeyCount` the worker asks for per `b2_list_keys` page.
pub const KEYS_PAGE_SIZE: u32 = 100;

/// B2's longest allowed key lifetime is under 1000 days (`validDurationInSeconds`).
pub const MAX_KEY_LIFETIME_SECS: u64 = 1000 * 86_400;

/// Text that must never reach a log, a panic message or a `Debug` print.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself: only for the one place that shows or copies it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An application key as `b2_list_keys`/`b2_delete_key` return it (no secret). Reads both
/// the v3 `bucketId` and the v4 `bucketIds` shapes into `bucket_ids`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationKey {
    pub application_key_id: String,
    pub key_name: String,
    #[serde(default)]
    pub account_id: Option<AccountId>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default, rename = "bucketId")]
    bucket_id_v3: Option<BucketId>,
    #[serde(default, rename = "bucketIds")]
    bucket_ids_v4: Option<Vec<BucketId>>,
    #[serde(default)]
    pub name_prefix: Option<String>,
    /// Milliseconds since the epoch; None = never expires.
    #[serde(default)]
    pub expiration_timestamp: Option<i64>,
    #[serde(default)]
    pub options: Vec<String>,
}

impl ApplicationKey {
    /// A key from its parts (fixtures, tests).
    pub fn new(id: &str, name: &str, capabilities: &[&str], buckets: &[&str]) -> Self {
        Self {
            application_key_id: id.to_owned(),
            key_name: name.to_owned(),
            account_id: None,
            capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
            bucket_id_v3: None,
            bucket_ids_v4: Some(buckets.iter().map(|b| BucketId::from(*b)).collect()),
            name_prefix: None,
            expiration_timestamp: None,
            options: Vec::new(),
        }
    }

    /// The buckets the key is restricted to; empty = every bucket of the account.
    pub fn bucket_ids(&self) -> Vec<BucketId> {
        match (&self.bucket_ids_v4, &self.bucket_id_v3) {
            (Some(ids), _) if !ids.is_empty() => ids.clone(),
            (_, Some(id)) => vec![id.clone()],
            _ => Vec::new(),
        }
    }

    /// The name prefix restriction, None when empty or absent.
    pub fn prefix(&self) -> Option<&str> {
        self.name_prefix.as_deref().filter(|p| !p.is_empty())
    }

    /// True when the key holds `cap`.
    pub fn has(&self, cap: &str) -> bool {
        self.capabilities.iter().any(|c| c == cap)
    }
}

/// A key just created: the key and its secret, which B2 returns only this once.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: ApplicationKey,
    #[serde(rename = "applicationKey")]
    pub secret: Secret,
}

/// What to create (`b2_create_key`). More than one bucket needs the v4 API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateKeyRequest {
    pub key_name: String,
    pub capabilities: Vec<String>,
    pub bucket_ids: Vec<BucketId>,
    pub name_prefix: Option<String>,
    pub valid_duration_secs: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateKeyBody<'a> {
    account_id: &'a str,
    key_name: &'a str,
    capabilities: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_id: Option<&'a BucketId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_ids: Option<&'a [BucketId]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name_prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_duration_in_seconds: Option<u64>,
}

/// One page of `b2_list_keys`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListKeysResponse {
    pub keys: Vec<ApplicationKey>,
    #[serde(default)]
    pub next_application_key_id: Option<String>,
}

impl B2Client {
    /// `b2_create_key`: v3 with `bucketId` for zero or one bucket, v4 with `bucketIds` for
    /// several (§2.26).
    pub async fn create_key(&self, req: &CreateKeyRequest) -> Result<CreatedKey, B2Error> {
        let account_id = self.account_id();
        let several = req.bucket_ids.len() > 1;
        let body = CreateKeyBody {
            account_id: &account_id,
            key_name: &req.key_name,
            capabilities: &req.capabilities,
            bucket_id: if several {
                None
            } else {
                req.bucket_ids.first()
            },
            bucket_ids: several.then_some(req.bucket_ids.as_slice()),
            name_prefix: req.name_prefix.as_deref().filter(|p| !p.is_empty()),
            valid_duration_in_seconds: req.valid_duration_secs,
        };
        let version = if several { 4 } else { 3 };
        self.call_version(version, "create_key", &body).await
    }

    /// `b2_list_keys`: one page from `start` (inclusive), on API `version` (3 lists single-
    /// and no-bucket keys, 4 also multi-bucket ones).
    pub async fn list_keys(
        &self,
        version: u8,
        start: Option<&str>,
        max: u32,
    ) -> Result<ListKeysResponse, B2Error> {
        let body = serde_json::json!({
            "accountId": self.account_id(),
            "maxKeyCount": max,
            "startApplicationKeyId": start,
        });
        self.call_version(version, "list_keys", &body).await
    }

    /// `b2_delete_key`: returns the deleted key.
    pub async fn delete_key(&self, key_id: &str) -> Result<ApplicationKey, B2Error> {
        let body = serde_json::json!({ "applicationKeyId": key_id });
        self.call("delete_key", &body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_bucket_shapes_and_hides_the_secret() {
        let v3: CreatedKey = serde_json::from_str(
            r#"{"applicationKeyId":"k1","keyName":"n","capabilities":["listFiles"],
                "bucketId":"b1","namePrefix":null,"expirationTimestamp":null,
                "applicationKey":"K003topsecret"}"#,
        )
        .unwrap();
        assert_eq!(v3.key.bucket_ids(), vec![BucketId::from("b1")]);
        assert_eq!(v3.secret.expose(), "K003topsecret");
        assert!(!format!("{v3:?}").contains("topsecret"));
        let v4: ApplicationKey = serde_json::from_str(
            r#"{"applicationKeyId":"k2","keyName":"n","bucketIds":["a","b"],"namePrefix":""}"#,
        )
        .unwrap();
        assert_eq!(v4.bucket_ids().len(), 2);
        assert_eq!(v4.prefix(), None);
        let all: ApplicationKey =
            serde_json::from_str(r#"{"applicationKeyId":"k3","keyName":"n","bucketIds":[]}"#)
                .unwrap();
        assert!(all.bucket_ids().is_empty());
    }
}
