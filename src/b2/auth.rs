//! Credentials and the session that `b2_authorize_account` yields. Secrets never reach a
//! `Debug` print or a log: both types redact them.

use std::fmt;

use super::types::{AccountId, AllowedBucket, AuthorizeResponse, BucketId};

/// An application key id and its secret.
#[derive(Clone)]
pub struct Credentials {
    pub key_id: String,
    key: String,
}

impl Credentials {
    /// Wraps a key id and its secret.
    pub fn new(key_id: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            key: key.into(),
        }
    }

    /// Reads `B2_APPLICATION_KEY_ID` and `B2_APPLICATION_KEY` (the `b2` CLI's names).
    pub fn from_env() -> Option<Self> {
        let id = std::env::var("B2_APPLICATION_KEY_ID")
            .ok()
            .filter(|s| !s.is_empty())?;
        let key = std::env::var("B2_APPLICATION_KEY")
            .ok()
            .filter(|s| !s.is_empty())?;
        Some(Self::new(id, key))
    }

    /// The secret itself: only for handing to a server being configured, never to print.
    pub fn secret(&self) -> &str {
        &self.key
    }

    /// The `Authorization: Basic …` value for `b2_authorize_account`.
    pub(crate) fn basic_auth(&self) -> String {
        use base64::Engine as _;
        let raw = format!("{}:{}", self.key_id, self.key);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key_id", &self.key_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// What an authorization grants: where to call and what the key may do.
#[derive(Clone)]
pub struct Session {
    pub account_id: AccountId,
    pub(crate) token: String,
    pub api_url: String,
    pub download_url: String,
    pub s3_api_url: Option<String>,
    pub recommended_part_size: u64,
    pub absolute_minimum_part_size: u64,
    pub capabilities: Vec<String>,
    /// The buckets the key is restricted to; None = every bucket of the account.
    pub allowed_buckets: Option<Vec<AllowedBucket>>,
    /// The key's one bucket, when it is restricted to exactly one.
    pub bucket_id: Option<BucketId>,
    pub bucket_name: Option<String>,
    pub name_prefix: Option<String>,
    pub key_expiration: Option<i64>,
}

impl Session {
    /// Reads the authorize answer: v4's `allowed`, else v3's fields beside it.
    pub fn from_response(r: AuthorizeResponse) -> Self {
        let s = r.api_info.storage_api;
        let (capabilities, allowed_buckets, name_prefix) = match s.allowed {
            Some(a) => (
                if a.capabilities.is_empty() {
                    s.capabilities
                } else {
                    a.capabilities
                },
                a.buckets,
                a.name_prefix.or(s.name_prefix),
            ),
            None => (
                s.capabilities,
                s.bucket_id.map(|id| {
                    vec![AllowedBucket {
                        id,
                        name: s.bucket_name,
                    }]
                }),
                s.name_prefix,
            ),
        };
        let one = match allowed_buckets.as_deref() {
            Some([only]) => Some(only.clone()),
            _ => None,
        };
        Self {
            account_id: r.account_id,
            token: r.authorization_token,
            api_url: s.api_url.trim_end_matches('/').to_owned(),
            download_url: s.download_url.trim_end_matches('/').to_owned(),
            s3_api_url: s.s3_api_url,
            recommended_part_size: s.recommended_part_size,
            absolute_minimum_part_size: s.absolute_minimum_part_size,
            capabilities,
            bucket_id: one.as_ref().map(|b| b.id.clone()),
            bucket_name: one.and_then(|b| b.name),
            allowed_buckets,
            name_prefix: name_prefix.filter(|p| !p.is_empty()),
            key_expiration: r.application_key_expiration_timestamp,
        }
    }

    /// `prefix` narrowed to the key's name prefix: a listing of a folder above the key's
    /// prefix (`docs/` for `docs/rep`) lists only what the key may see, so it is never
    /// refused. None when the key has no prefix and none was asked.
    pub fn scoped_prefix(&self, prefix: Option<&str>) -> Option<String> {
        let asked = prefix.unwrap_or("");
        match &self.name_prefix {
            Some(key) if key.starts_with(asked) => Some(key.clone()),
            _ => prefix.map(str::to_owned),
        }
    }

    /// True when the key holds this capability.
    pub fn has_capability(&self, cap: &str) -> bool {
        self.capabilities.iter().any(|c| c == cap)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("account_id", &self.account_id)
            .field("token", &"<redacted>")
            .field("api_url", &self.api_url)
            .field("download_url", &self.download_url)
            .field("capabilities", &self.capabilities)
            .field("bucket_id", &self.bucket_id)
            .field("name_prefix", &self.name_prefix)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::new("0012ab", "K001verysecretvalue");
        let shown = format!("{c:?}");
        assert!(!shown.contains("verysecret"), "{shown}");
        assert!(c.basic_auth().starts_with("Basic "));
    }
}
