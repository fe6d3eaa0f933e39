//! Event notifications (§5): the event types, the rule shape stored per bucket, matching
//! of a change against rules, and (in `events/`) rule validation and webhook delivery.
//!
//! Flow: a handler (or a lifecycle pass) that changes a bucket calls
//! `Db::record_event` inside its own transaction, so the event is queued in SQLite exactly
//! when the change commits. `delivery::run` (a background task of `Emulator::serve`) and
//! the admin call `deliver_events` POST queued events to the rules' webhooks.

pub mod delivery;
pub mod rules;

use serde::{Deserialize, Serialize};

/// An event the local B2 raises. `b2:ObjectCreated:Replica`, `:MultipartReplica` and
/// `b2:MultipartUploadCreated:LiveRead` are valid in rules but never raised here (no
/// replication, no S3 Live Read); `b2_start_large_file` raises nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Upload,
    MultipartUpload,
    Copy,
    Delete,
    LifecycleDelete,
    Hide,
    LifecycleHide,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Upload => "b2:ObjectCreated:Upload",
            EventType::MultipartUpload => "b2:ObjectCreated:MultipartUpload",
            EventType::Copy => "b2:ObjectCreated:Copy",
            EventType::Delete => "b2:ObjectDeleted:Delete",
            EventType::LifecycleDelete => "b2:ObjectDeleted:LifecycleRule",
            EventType::Hide => "b2:HideMarkerCreated:Hide",
            EventType::LifecycleHide => "b2:HideMarkerCreated:LifecycleRule",
        }
    }

    /// Whether the payload carries `objectSize` (not for hide markers and deletions).
    pub fn has_size(self) -> bool {
        matches!(
            self,
            EventType::Upload | EventType::MultipartUpload | EventType::Copy
        )
    }
}

/// Whether a rule's event type pattern (`b2:Category:Name` or `b2:Category:*`) covers
/// `event`.
pub fn pattern_matches(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => event.starts_with(stem),
        None => pattern == event,
    }
}

/// One header sent with every webhook call of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomHeader {
    pub name: String,
    pub value: String,
}

/// Where a rule's events go. Unset optional fields are echoed as `null` (§14.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub target_type: String,
    pub url: String,
    pub custom_headers: Option<Vec<CustomHeader>>,
    pub hmac_sha256_signing_secret: Option<String>,
    pub max_events_per_batch: u32,
}

/// A validated event notification rule, as stored and echoed (without the suspension
/// state, which the store keeps beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationRule {
    pub name: String,
    pub event_types: Vec<String>,
    pub object_name_prefix: String,
    pub is_enabled: bool,
    pub target_configuration: Target,
}

impl NotificationRule {
    /// Whether an event of `event_type` on `object_name` is for this rule (enabled state
    /// and suspension are checked by the caller).
    pub fn matches(&self, event_type: EventType, object_name: &str) -> bool {
        object_name.starts_with(&self.object_name_prefix)
            && self
                .event_types
                .iter()
                .any(|p| pattern_matches(p, event_type.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_covers_its_category_only() {
        assert!(pattern_matches(
            "b2:ObjectCreated:*",
            "b2:ObjectCreated:MultipartUpload"
        ));
        assert!(!pattern_matches(
            "b2:ObjectCreated:*",
            "b2:ObjectDeleted:Delete"
        ));
        assert!(pattern_matches(
            "b2:HideMarkerCreated:Hide",
            "b2:HideMarkerCreated:Hide"
        ));
        assert!(!pattern_matches(
            "b2:HideMarkerCreated:Hide",
            "b2:HideMarkerCreated:LifecycleRule"
        ));
    }
}
