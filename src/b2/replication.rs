//! B2 Cloud Replication settings of a bucket (`replicationConfiguration`, §7): the source
//! side (the key B2 reads with and the rules) and the destination side (which destination
//! key writes for which source key). Sent whole with `b2_update_bucket`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Lowest and highest rule priority B2 accepts.
pub const MIN_PRIORITY: u32 = 1;
pub const MAX_PRIORITY: u32 = 2_147_483_647;
/// The priority b2 tools give a first rule.
pub const DEFAULT_PRIORITY: u32 = 128;
/// Rules a source bucket may have on B2.
pub const MAX_RULES: usize = 2;

/// `replicationConfiguration.value`: either side may be absent (null).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationConfig {
    #[serde(default)]
    pub as_replication_source: Option<ReplicationSource>,
    #[serde(default)]
    pub as_replication_destination: Option<ReplicationDestination>,
}

/// This bucket as a replication source.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationSource {
    /// The key (of this account, with `readFiles` here) replication reads with.
    #[serde(default)]
    pub source_application_key_id: String,
    #[serde(default)]
    pub replication_rules: Vec<ReplicationRule>,
}

/// One replication rule.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationRule {
    pub replication_rule_name: String,
    pub destination_bucket_id: String,
    #[serde(default)]
    pub file_name_prefix: String,
    #[serde(default = "default_priority")]
    pub priority: u32,
    #[serde(default)]
    pub is_enabled: bool,
    #[serde(default)]
    pub include_existing_files: bool,
}

fn default_priority() -> u32 {
    DEFAULT_PRIORITY
}

/// This bucket as a replication destination.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationDestination {
    /// Source key id → the key of this account that writes the replicas here.
    #[serde(default)]
    pub source_to_destination_key_mapping: BTreeMap<String, String>,
}

impl ReplicationConfig {
    /// The source rules (none when the bucket is not a source).
    pub fn rules(&self) -> &[ReplicationRule] {
        self.as_replication_source
            .as_ref()
            .map(|s| s.replication_rules.as_slice())
            .unwrap_or_default()
    }

    /// The source key id, if the bucket is a source.
    pub fn source_key(&self) -> Option<&str> {
        self.as_replication_source
            .as_ref()
            .map(|s| s.source_application_key_id.as_str())
            .filter(|k| !k.is_empty())
    }
}

/// `replicationStatus` of a file version (B2 sends lower case; any case is read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReplicationStatus {
    Pending,
    Completed,
    Failed,
    Replica,
    /// A value this version does not know.
    Unknown,
}

impl<'de> Deserialize<'de> for ReplicationStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.to_ascii_lowercase().as_str() {
            "pending" => ReplicationStatus::Pending,
            "completed" => ReplicationStatus::Completed,
            "failed" => ReplicationStatus::Failed,
            "replica" => ReplicationStatus::Replica,
            _ => ReplicationStatus::Unknown,
        })
    }
}

impl ReplicationStatus {
    /// Four cells for the versions pane.
    pub fn short(self) -> &'static str {
        match self {
            ReplicationStatus::Pending => "pend",
            ReplicationStatus::Completed => "done",
            ReplicationStatus::Failed => "FAIL",
            ReplicationStatus::Replica => "repl",
            ReplicationStatus::Unknown => "?",
        }
    }

    /// What it means, for the version details.
    pub fn describe(self) -> &'static str {
        match self {
            ReplicationStatus::Pending => "pending (waiting to be copied)",
            ReplicationStatus::Completed => "completed (copied to every destination)",
            ReplicationStatus::Failed => "failed (the destination key could not write)",
            ReplicationStatus::Replica => "replica (a copy made by replication)",
            ReplicationStatus::Unknown => "unknown",
        }
    }
}

/// True for a valid rule name: 1 to 64 letters, digits, `-` or `_`.
pub fn valid_rule_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_b2_shape_and_writes_it_back() {
        let text = r#"{"asReplicationSource":{"replicationRules":[{"destinationBucketId":"d",
            "fileNamePrefix":"","includeExistingFiles":true,"isEnabled":true,"priority":1,
            "replicationRuleName":"r"}],"sourceApplicationKeyId":"k"},
            "asReplicationDestination":null}"#;
        let config: ReplicationConfig = serde_json::from_str(text).unwrap_or_default();
        assert_eq!(config.rules().len(), 1);
        assert_eq!(config.source_key(), Some("k"));
        let back = serde_json::to_value(&config).unwrap_or_default();
        assert_eq!(back["asReplicationDestination"], serde_json::Value::Null);
        assert_eq!(
            back["asReplicationSource"]["replicationRules"][0]["priority"],
            1
        );
        assert!(valid_rule_name("a-b_1") && !valid_rule_name("a b"));
        let status: Vec<ReplicationStatus> =
            serde_json::from_str(r#"["PENDING","completed","replica","new"]"#).unwrap_or_default();
        assert_eq!(
            status,
            [
                ReplicationStatus::Pending,
                ReplicationStatus::Completed,
                ReplicationStatus::Replica,
                ReplicationStatus::Unknown
            ]
        );
    }
}
