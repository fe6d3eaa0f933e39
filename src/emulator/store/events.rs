//! Event notification rules of buckets, with their delivery state (consecutive failures,
//! next retry, suspension), and the durable queue of events waiting for delivery.
//! Retry times are wall-clock milliseconds, not the server clock that `advance_clock` moves.

use rusqlite::{Row, params};
use serde_json::{Map, Value, json};
use sha1::{Digest, Sha1};

use super::Db;
use super::files::VersionRow;
use crate::emulator::error::ApiError;
use crate::emulator::events::{EventType, NotificationRule};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS notification_rules (
    bucket_id TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL,
    rule TEXT NOT NULL, is_enabled INTEGER NOT NULL,
    is_suspended INTEGER NOT NULL DEFAULT 0, suspension_reason TEXT NOT NULL DEFAULT '',
    failures INTEGER NOT NULL DEFAULT 0, retry_at_ms INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket_id, name));
CREATE TABLE IF NOT EXISTS event_queue (
    seq INTEGER PRIMARY KEY, bucket_id TEXT NOT NULL, rule_name TEXT NOT NULL,
    event TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS event_queue_by_rule ON event_queue (bucket_id, rule_name, seq);
";

/// A stored rule and its delivery state.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleState {
    pub bucket_id: String,
    pub rule: NotificationRule,
    pub is_suspended: bool,
    pub suspension_reason: String,
    /// Consecutive failed deliveries.
    pub failures: u32,
    /// Wall-clock ms before which the next delivery is not tried (0 = now).
    pub retry_at_ms: i64,
}

/// Queued events of one rule, oldest first, as `(queue seq, event JSON)`.
#[derive(Debug, Clone)]
pub struct PendingRule {
    pub state: RuleState,
    pub events: Vec<(i64, Value)>,
}

/// What a failed delivery did to its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(i64),
    Suspended,
}

const RULE_COLUMNS: &str =
    "bucket_id, rule, is_suspended, suspension_reason, failures, retry_at_ms";

fn rule_from_row(row: &Row) -> rusqlite::Result<Option<RuleState>> {
    let text: String = row.get(1)?;
    let Ok(rule) = serde_json::from_str::<NotificationRule>(&text) else {
        return Ok(None);
    };
    Ok(Some(RuleState {
        bucket_id: row.get(0)?,
        rule,
        is_suspended: row.get(2)?,
        suspension_reason: row.get(3)?,
        failures: u32::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
        retry_at_ms: row.get(5)?,
    }))
}

impl Db<'_> {
    /// The rules of a bucket in the order they were set.
    pub fn notification_rules(&self, bucket_id: &str) -> Result<Vec<RuleState>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RULE_COLUMNS} FROM notification_rules WHERE bucket_id = ?1 ORDER BY position"
        ))?;
        let rows = stmt
            .query_map([bucket_id], rule_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows.into_iter().flatten().collect())
    }

    fn notification_rule(
        &self,
        bucket_id: &str,
        name: &str,
    ) -> Result<Option<RuleState>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {RULE_COLUMNS} FROM notification_rules WHERE bucket_id = ?1 AND name = ?2"
        ))?;
        let mut rows = stmt.query_map(params![bucket_id, name], rule_from_row)?;
        Ok(rows.next().transpose()?.flatten())
    }

    /// Replaces every rule of a bucket. Rules come back unsuspended with no failures;
    /// queued events of rules that are gone or disabled are dropped.
    pub fn set_notification_rules(
        &self,
        bucket_id: &str,
        rules: &[NotificationRule],
    ) -> Result<(), ApiError> {
        self.conn.execute(
            "DELETE FROM notification_rules WHERE bucket_id = ?1",
            [bucket_id],
        )?;
        for (position, rule) in rules.iter().enumerate() {
            let text = serde_json::to_string(rule)
                .map_err(|err| ApiError::internal(format!("cannot store rule: {err}")))?;
            self.conn.execute(
                "INSERT INTO notification_rules (bucket_id, name, position, rule, is_enabled)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    bucket_id,
                    rule.name,
                    i64::try_from(position).unwrap_or(0),
                    text,
                    rule.is_enabled
                ],
            )?;
        }
        self.conn.execute(
            "DELETE FROM event_queue WHERE bucket_id = ?1 AND rule_name NOT IN
                (SELECT name FROM notification_rules WHERE bucket_id = ?1 AND is_enabled = 1)",
            [bucket_id],
        )?;
        Ok(())
    }

    /// Queues one event per enabled, unsuspended rule of the version's bucket that matches
    /// its type and name. Call it in the transaction that makes the change.
    pub fn record_event(
        &self,
        event_type: EventType,
        version: &VersionRow,
        now: i64,
    ) -> Result<usize, ApiError> {
        let rules: Vec<RuleState> = {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {RULE_COLUMNS} FROM notification_rules
                 WHERE bucket_id = ?1 AND is_enabled = 1 AND is_suspended = 0 ORDER BY position"
            ))?;
            let rows = stmt
                .query_map([&version.bucket_id], rule_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .flatten()
                .filter(|r| r.rule.matches(event_type, &version.name))
                .collect()
        };
        if rules.is_empty() {
            return Ok(0);
        }
        let bucket_name = self
            .bucket(&version.bucket_id)?
            .map(|b| b.name)
            .unwrap_or_default();
        let first = self.reserve("event", rules.len() as u64)?;
        for (offset, state) in rules.iter().enumerate() {
            let counter = first + offset as u64;
            let digest = Sha1::digest(format!("{}:event:{counter}", self.account_id).as_bytes());
            let mut event = Map::new();
            event.insert("accountId".into(), json!(self.account_id));
            event.insert("bucketId".into(), json!(version.bucket_id));
            event.insert("bucketName".into(), json!(bucket_name));
            event.insert("eventId".into(), json!(hex::encode(digest)));
            event.insert("eventTimestamp".into(), json!(now));
            event.insert("eventType".into(), json!(event_type.as_str()));
            event.insert("eventVersion".into(), json!(1));
            event.insert("matchedRuleName".into(), json!(state.rule.name));
            event.insert("objectName".into(), json!(version.name));
            if event_type.has_size() {
                event.insert("objectSize".into(), json!(version.size));
            }
            event.insert("objectVersionId".into(), json!(version.file_id));
            self.conn.execute(
                "INSERT INTO event_queue (bucket_id, rule_name, event) VALUES (?1, ?2, ?3)",
                params![
                    version.bucket_id,
                    state.rule.name,
                    Value::Object(event).to_string()
                ],
            )?;
        }
        self.events_ready.notify_one();
        Ok(rules.len())
    }

    /// Queued events grouped by rule, for rules whose retry time has come (every rule when
    /// `force`). Events of rules that no longer exist, are disabled or are suspended are
    /// dropped here.
    pub fn pending_events(&self, wall_ms: i64, force: bool) -> Result<Vec<PendingRule>, ApiError> {
        let queued: Vec<(i64, String, String, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT seq, bucket_id, rule_name, event FROM event_queue
                 ORDER BY bucket_id, rule_name, seq",
            )?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?
        };
        let mut out: Vec<PendingRule> = Vec::new();
        let mut dropped: Vec<(String, String)> = Vec::new();
        for (seq, bucket_id, rule_name, event) in queued {
            if let Some(last) = out.last_mut()
                && last.state.bucket_id == bucket_id
                && last.state.rule.name == rule_name
            {
                last.events
                    .push((seq, serde_json::from_str(&event).unwrap_or_default()));
                continue;
            }
            if dropped.last() == Some(&(bucket_id.clone(), rule_name.clone())) {
                continue;
            }
            let state = self.notification_rule(&bucket_id, &rule_name)?;
            match state {
                Some(s) if s.rule.is_enabled && !s.is_suspended => {
                    if force || s.retry_at_ms <= wall_ms {
                        out.push(PendingRule {
                            state: s,
                            events: vec![(seq, serde_json::from_str(&event).unwrap_or_default())],
                        });
                    } else {
                        // Not due yet: skip the rest of this rule's events.
                        dropped.push((bucket_id, rule_name));
                    }
                }
                _ => {
                    self.drop_events(&bucket_id, &rule_name)?;
                    dropped.push((bucket_id, rule_name));
                }
            }
        }
        Ok(out)
    }

    fn drop_events(&self, bucket_id: &str, rule_name: &str) -> Result<(), ApiError> {
        self.conn.execute(
            "DELETE FROM event_queue WHERE bucket_id = ?1 AND rule_name = ?2",
            params![bucket_id, rule_name],
        )?;
        Ok(())
    }

    /// Removes delivered events and clears the rule's failure count.
    pub fn events_delivered(
        &self,
        bucket_id: &str,
        rule_name: &str,
        seqs: &[i64],
    ) -> Result<(), ApiError> {
        let mut stmt = self
            .conn
            .prepare_cached("DELETE FROM event_queue WHERE seq = ?1")?;
        for seq in seqs {
            stmt.execute([seq])?;
        }
        self.conn.execute(
            "UPDATE notification_rules SET failures = 0, retry_at_ms = 0
             WHERE bucket_id = ?1 AND name = ?2",
            params![bucket_id, rule_name],
        )?;
        Ok(())
    }

    /// Counts a failed delivery. The next try waits `retry_base_ms` × 2^(failures−1)
    /// (at most 64 × base); after `max_failures` failures in a row the rule is suspended
    /// with `reason` and its queued events are dropped.
    pub fn event_delivery_failed(
        &self,
        bucket_id: &str,
        rule_name: &str,
        reason: &str,
        wall_ms: i64,
        retry_base_ms: i64,
        max_failures: u32,
    ) -> Result<AfterFailure, ApiError> {
        let Some(state) = self.notification_rule(bucket_id, rule_name)? else {
            self.drop_events(bucket_id, rule_name)?;
            return Ok(AfterFailure::Suspended);
        };
        let failures = state.failures.saturating_add(1);
        if failures >= max_failures {
            let message = format!("{reason} ({failures} deliveries in a row failed)");
            self.conn.execute(
                "UPDATE notification_rules SET failures = ?3, is_suspended = 1,
                    suspension_reason = ?4, retry_at_ms = 0 WHERE bucket_id = ?1 AND name = ?2",
                params![bucket_id, rule_name, failures, message],
            )?;
            self.drop_events(bucket_id, rule_name)?;
            return Ok(AfterFailure::Suspended);
        }
        let factor = 1i64 << (failures - 1).min(6);
        let retry_at = wall_ms.saturating_add(retry_base_ms.saturating_mul(factor));
        self.conn.execute(
            "UPDATE notification_rules SET failures = ?3, retry_at_ms = ?4
             WHERE bucket_id = ?1 AND name = ?2",
            params![bucket_id, rule_name, failures, retry_at],
        )?;
        Ok(AfterFailure::RetryAt(retry_at))
    }

    /// The earliest wall-clock retry time among rules with queued events.
    pub fn next_event_retry(&self) -> Result<Option<i64>, ApiError> {
        let next: Option<i64> = self.conn.query_row(
            "SELECT MIN(r.retry_at_ms) FROM notification_rules r WHERE EXISTS
                (SELECT 1 FROM event_queue q WHERE q.bucket_id = r.bucket_id AND q.rule_name = r.name)",
            [],
            |r| r.get(0),
        )?;
        Ok(next)
    }

    /// How many events wait for delivery.
    pub fn queued_events(&self) -> Result<u64, ApiError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM event_queue", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
