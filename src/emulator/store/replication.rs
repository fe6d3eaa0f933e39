//! Cloud Replication in the store: the replication status of versions, the durable queue
//! of versions waiting to be copied to a destination bucket, and the copy itself.
//!
//! A new upload, copy, finished large file or hide marker in a bucket with an enabled rule
//! whose prefix matches gets status `pending` and one queue row per destination bucket (of
//! the rules matching it, the one with the highest priority). A delivery copies each queued
//! version into its destination bucket with the destination key mapped to the source key:
//! same name, action, content, content type, info, upload timestamp and encryption; the
//! replica gets status `replica` and is not replicated further. When that key is missing,
//! expired, lacks `writeFiles`, is restricted to other buckets or to another prefix, the
//! item fails and the source version's status becomes `failed`; once every destination has
//! its copy it becomes `completed`. A failed item is tried again later (after 1 minute,
//! then doubling up to an hour, for as long as its version exists), and at once when the
//! destination bucket's configuration changes or the admin call flushes the queue, so
//! fixing the key mapping heals the failures. Deleting versions is not replicated, as on
//! B2. A file encrypted with SSE-C is copied as stored: the replica is read with the same
//! customer key (of which only the MD5 is ever kept).

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::Value;

use super::Db;
use super::buckets::BucketRow;
use super::files::{Action, NewVersion, VersionRow};
use crate::emulator::error::ApiError;

/// Adds the replication columns and queue to an existing schema.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has_column = |table: &str, column: &str| -> rusqlite::Result<bool> {
        let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(names.iter().any(|n| n == column))
    };
    if !has_column("buckets", "replication")? {
        conn.execute_batch(
            "ALTER TABLE buckets ADD COLUMN replication TEXT NOT NULL DEFAULT 'null';",
        )?;
    }
    if !has_column("versions", "replication_status")? {
        conn.execute_batch("ALTER TABLE versions ADD COLUMN replication_status TEXT;")?;
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS replication_queue (
            seq INTEGER PRIMARY KEY, source_file_id TEXT NOT NULL, rule_name TEXT NOT NULL,
            dest_bucket_id TEXT NOT NULL, source_key_id TEXT NOT NULL, state TEXT NOT NULL,
            reason TEXT, UNIQUE (source_file_id, dest_bucket_id));",
    )?;
    if !has_column("replication_queue", "attempts")? {
        conn.execute_batch(
            "ALTER TABLE replication_queue ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE replication_queue ADD COLUMN next_try INTEGER NOT NULL DEFAULT 0;",
        )?;
    }
    Ok(())
}

/// How long a failed item waits before its next try: 1 minute after the first failure,
/// doubling up to an hour.
pub fn retry_delay_ms(attempts: u32) -> i64 {
    const MINUTE: i64 = 60_000;
    (MINUTE << attempts.saturating_sub(1).min(6)).min(60 * MINUTE)
}

/// Whether a stored replication configuration makes its bucket a replication source.
pub fn is_source(config: &Value) -> bool {
    config
        .get("asReplicationSource")
        .is_some_and(Value::is_object)
}

/// One rule of a stored source configuration.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceRule {
    pub name: String,
    pub destination: String,
    pub prefix: String,
    pub priority: i64,
    pub enabled: bool,
    pub existing: bool,
}

/// The source key and rules of a stored configuration (none when not a source).
pub(crate) fn source_rules(config: &Value) -> Option<(String, Vec<SourceRule>)> {
    let source = config.get("asReplicationSource")?;
    let key = source.get("sourceApplicationKeyId")?.as_str()?.to_string();
    let rules = source
        .get("replicationRules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .map(|r| SourceRule {
                    name: text(r, "replicationRuleName"),
                    destination: text(r, "destinationBucketId"),
                    prefix: text(r, "fileNamePrefix"),
                    priority: r.get("priority").and_then(Value::as_i64).unwrap_or(0),
                    enabled: r.get("isEnabled").and_then(Value::as_bool).unwrap_or(false),
                    existing: r
                        .get("includeExistingFiles")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    Some((key, rules))
}

fn text(value: &Value, field: &str) -> String {
    value
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The enabled rules that apply to `name`: per destination bucket, the one with the highest
/// priority among those whose prefix matches.
fn rules_for<'r>(rules: &'r [SourceRule], name: &str) -> Vec<&'r SourceRule> {
    let mut chosen: Vec<&SourceRule> = Vec::new();
    for rule in rules
        .iter()
        .filter(|r| r.enabled && name.starts_with(&r.prefix))
    {
        match chosen
            .iter_mut()
            .find(|c| c.destination == rule.destination)
        {
            Some(current) if current.priority < rule.priority => *current = rule,
            Some(_) => {}
            None => chosen.push(rule),
        }
    }
    chosen
}

fn replicable(version: &VersionRow) -> bool {
    version.action != Action::Start && version.replication.as_deref() != Some("replica")
}

/// What a delivery pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeliveryReport {
    pub replicated: u64,
    pub failed: u64,
    /// Items still queued after the pass.
    pub queued: u64,
    /// Failed items waiting for their next try.
    pub retrying: u64,
}

/// A queue row being delivered.
struct Item {
    seq: i64,
    source_file_id: String,
    dest_bucket_id: String,
    source_key_id: String,
    attempts: u32,
}

impl Db<'_> {
    /// Queues a new version of a replication source for its destinations and marks it
    /// `pending`. Call it in the transaction that stores the version.
    pub fn replicate_new(&self, version: &mut VersionRow) -> Result<(), ApiError> {
        if !replicable(version) {
            return Ok(());
        }
        let Some(bucket) = self.bucket(&version.bucket_id)? else {
            return Ok(());
        };
        let Some((key, rules)) = source_rules(&bucket.replication) else {
            return Ok(());
        };
        let matching = rules_for(&rules, &version.name);
        if matching.is_empty() {
            return Ok(());
        }
        for rule in matching {
            self.enqueue(&version.file_id, rule, &key)?;
        }
        self.set_replication_status(&version.file_id, Some("pending"))?;
        version.replication = Some("pending".into());
        Ok(())
    }

    fn enqueue(&self, file_id: &str, rule: &SourceRule, key: &str) -> Result<(), ApiError> {
        self.conn.execute(
            "INSERT INTO replication_queue
                (source_file_id, rule_name, dest_bucket_id, source_key_id, state)
             VALUES (?1, ?2, ?3, ?4, 'queued')
             ON CONFLICT (source_file_id, dest_bucket_id) DO NOTHING",
            params![file_id, rule.name, rule.destination, key],
        )?;
        Ok(())
    }

    fn set_replication_status(&self, file_id: &str, status: Option<&str>) -> Result<(), ApiError> {
        self.conn.execute(
            "UPDATE versions SET replication_status = ?2 WHERE file_id = ?1",
            params![file_id, status],
        )?;
        Ok(())
    }

    /// After a bucket's replication configuration changed from `before`: queues the existing
    /// versions for each enabled rule with `includeExistingFiles` that is new (or newly
    /// enabled, or newly including existing files). Returns how many were queued.
    pub fn replicate_existing(&self, bucket: &BucketRow, before: &Value) -> Result<u64, ApiError> {
        let Some((key, rules)) = source_rules(&bucket.replication) else {
            return Ok(0);
        };
        let old = source_rules(before).map(|(_, r)| r).unwrap_or_default();
        let mut queued = 0;
        for rule in rules.iter().filter(|r| r.enabled && r.existing) {
            let known = old
                .iter()
                .any(|o| o.name == rule.name && o.enabled && o.existing);
            if known {
                continue;
            }
            let versions: Vec<VersionRow> = {
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT {} FROM versions WHERE bucket_id = ?1 AND action != 'start'
                     AND substr(name, 1, length(?2)) = ?2 ORDER BY seq",
                    super::files::COLUMNS
                ))?;
                stmt.query_map(
                    params![bucket.bucket_id, rule.prefix],
                    super::files::from_row,
                )?
                .collect::<Result<Vec<_>, _>>()?
            };
            for version in versions.iter().filter(|v| replicable(v)) {
                self.enqueue(&version.file_id, rule, &key)?;
                if version.replication.is_none()
                    || version.replication.as_deref() == Some("completed")
                {
                    self.set_replication_status(&version.file_id, Some("pending"))?;
                }
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Items waiting to be delivered.
    pub fn queued_replications(&self) -> Result<u64, ApiError> {
        self.replications_in("queued")
    }

    /// Failed items waiting for their next try.
    pub fn retrying_replications(&self) -> Result<u64, ApiError> {
        self.replications_in("failed")
    }

    fn replications_in(&self, state: &str) -> Result<u64, ApiError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM replication_queue WHERE state = ?1",
            [state],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Makes failed items due now: all of them, or those for `dest_bucket_id`.
    pub fn retry_replications_now(&self, dest_bucket_id: Option<&str>) -> Result<(), ApiError> {
        self.conn.execute(
            "UPDATE replication_queue SET next_try = 0
             WHERE state = 'failed' AND (?1 IS NULL OR dest_bucket_id = ?1)",
            [dest_bucket_id],
        )?;
        Ok(())
    }

    /// Delivers up to `limit` items, oldest first: queued ones and failed ones whose next
    /// try is due.
    pub fn deliver_replication(&self, now: i64, limit: u32) -> Result<DeliveryReport, ApiError> {
        let items: Vec<Item> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT seq, source_file_id, dest_bucket_id, source_key_id, attempts
                 FROM replication_queue
                 WHERE state = 'queued' OR (state = 'failed' AND next_try <= ?2)
                 ORDER BY seq LIMIT ?1",
            )?;
            stmt.query_map(params![limit, now], |r| {
                Ok(Item {
                    seq: r.get(0)?,
                    source_file_id: r.get(1)?,
                    dest_bucket_id: r.get(2)?,
                    source_key_id: r.get(3)?,
                    attempts: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?
        };
        let mut report = DeliveryReport::default();
        for item in items {
            let Some(source) = self.version(&item.source_file_id)? else {
                // The version was deleted before its turn: nothing to copy.
                self.conn
                    .execute("DELETE FROM replication_queue WHERE seq = ?1", [item.seq])?;
                continue;
            };
            match self.copy_to_destination(&source, &item, now)? {
                Ok(()) => {
                    self.conn
                        .execute("DELETE FROM replication_queue WHERE seq = ?1", [item.seq])?;
                    report.replicated += 1;
                }
                Err(reason) => {
                    let attempts = item.attempts.saturating_add(1);
                    self.conn.execute(
                        "UPDATE replication_queue SET state = 'failed', reason = ?2,
                            attempts = ?3, next_try = ?4 WHERE seq = ?1",
                        params![item.seq, reason, attempts, now + retry_delay_ms(attempts)],
                    )?;
                    report.failed += 1;
                }
            }
            self.update_source_status(&source.file_id)?;
        }
        report.queued = self.queued_replications()?;
        report.retrying = self.retrying_replications()?;
        Ok(report)
    }

    /// `failed` if any destination failed, `pending` while any is queued, else `completed`.
    fn update_source_status(&self, file_id: &str) -> Result<(), ApiError> {
        let states: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT state FROM replication_queue WHERE source_file_id = ?1")?;
            stmt.query_map([file_id], |r| r.get(0))?
                .collect::<Result<Vec<_>, _>>()?
        };
        let status = if states.iter().any(|s| s == "failed") {
            "failed"
        } else if states.is_empty() {
            "completed"
        } else {
            "pending"
        };
        self.set_replication_status(file_id, Some(status))
    }

    /// Why the copy cannot be made (the item fails), or the copy made.
    fn copy_to_destination(
        &self,
        source: &VersionRow,
        item: &Item,
        now: i64,
    ) -> Result<Result<(), String>, ApiError> {
        let Some(dest) = self.bucket(&item.dest_bucket_id)? else {
            return Ok(Err("the destination bucket no longer exists".into()));
        };
        let mapped = dest
            .replication
            .get("asReplicationDestination")
            .and_then(|d| d.get("sourceToDestinationKeyMapping"))
            .and_then(|m| m.get(&item.source_key_id))
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(key_id) = mapped else {
            return Ok(Err(
                "the destination bucket maps no key to the source key".into()
            ));
        };
        let Some(key) = self.key(&key_id)? else {
            return Ok(Err(format!("destination key {key_id} no longer exists")));
        };
        if key.expires_ms.is_some_and(|at| at <= now) {
            return Ok(Err(format!("destination key {key_id} has expired")));
        }
        if !key.has("writeFiles") {
            return Ok(Err(format!("destination key {key_id} lacks writeFiles")));
        }
        if !key.allows_bucket(&dest.bucket_id) {
            return Ok(Err(format!(
                "destination key {key_id} is restricted to other buckets"
            )));
        }
        if let Some(prefix) = &key.name_prefix
            && !source.name.starts_with(prefix.as_str())
        {
            return Ok(Err(format!(
                "destination key {key_id} is restricted to names starting {prefix:?}"
            )));
        }
        let replica = self.insert_version(NewVersion {
            bucket_id: dest.bucket_id.clone(),
            name: source.name.clone(),
            action: source.action,
            upload_ts: source.upload_ts,
            size: source.size,
            sha1: source.sha1.clone(),
            md5: source.md5.clone(),
            content_type: source.content_type.clone(),
            info: source.info.clone(),
            blob: source.blob.clone(),
            large: source.large,
            sse: source.sse.clone(),
        })?;
        if source.large {
            self.conn.execute(
                "INSERT INTO parts (file_id, part_number, size, sha1, md5, blob, upload_ts)
                 SELECT ?2, part_number, size, sha1, md5, blob, upload_ts
                 FROM parts WHERE file_id = ?1",
                params![source.file_id, replica.file_id],
            )?;
        }
        if dest.file_lock && source.lock != replica.lock {
            self.set_file_lock(&replica.file_id, &source.lock)?;
        }
        self.set_replication_status(&replica.file_id, Some("replica"))?;
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, dest: &str, prefix: &str, priority: i64, enabled: bool) -> SourceRule {
        SourceRule {
            name: name.into(),
            destination: dest.into(),
            prefix: prefix.into(),
            priority,
            enabled,
            existing: false,
        }
    }

    #[test]
    fn retries_back_off_from_a_minute_to_an_hour() {
        let minutes: Vec<i64> = (1..=9).map(|n| retry_delay_ms(n) / 60_000).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(retry_delay_ms(u32::MAX), 60 * 60_000);
    }

    #[test]
    fn highest_priority_matching_rule_per_destination() {
        let rules = vec![
            rule("a", "d1", "", 1, true),
            rule("b", "d1", "x/", 9, true),
            rule("c", "d2", "y/", 5, true),
            rule("d", "d3", "", 5, false),
        ];
        let names: Vec<&str> = rules_for(&rules, "x/1")
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["b"]);
        let names: Vec<&str> = rules_for(&rules, "y/1")
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["a", "c"]);
    }
}
