//! Bucket rows: create, read, update (with revision), delete, list.

use rusqlite::{OptionalExtension, Row, params};
use serde_json::Value;

use super::{Db, json_text, parse_json};
use crate::emulator::error::ApiError;
use crate::emulator::ids;

#[derive(Debug, Clone, PartialEq)]
pub struct BucketRow {
    pub bucket_id: String,
    pub name: String,
    pub bucket_type: String,
    pub info: Value,
    pub cors: Value,
    pub lifecycle: Value,
    /// `{"mode","algorithm"}` as stored; nulls when unencrypted.
    pub sse: Value,
    pub file_lock: bool,
    /// `{"mode","period"}`.
    pub default_retention: Value,
    pub revision: i64,
    /// `{asReplicationSource, asReplicationDestination}` as stored, or null.
    pub replication: Value,
}

impl BucketRow {
    pub fn is_public(&self) -> bool {
        self.bucket_type == "allPublic"
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewBucket {
    pub name: String,
    pub bucket_type: String,
    pub info: Option<Value>,
    pub cors: Option<Value>,
    pub lifecycle: Option<Value>,
    pub sse: Option<Value>,
    pub file_lock: bool,
    pub replication: Option<Value>,
}

/// Fields of `b2_update_bucket`; `None` = unchanged.
#[derive(Debug, Clone, Default)]
pub struct BucketUpdate {
    pub bucket_type: Option<String>,
    pub info: Option<Value>,
    pub cors: Option<Value>,
    pub lifecycle: Option<Value>,
    pub sse: Option<Value>,
    pub file_lock: Option<bool>,
    pub default_retention: Option<Value>,
    pub if_revision_is: Option<i64>,
    pub replication: Option<Value>,
}

const COLUMNS: &str = "bucket_id, name, bucket_type, info, cors, lifecycle, sse, file_lock, \
                       default_retention, revision, replication";

fn from_row(row: &Row) -> rusqlite::Result<BucketRow> {
    Ok(BucketRow {
        bucket_id: row.get(0)?,
        name: row.get(1)?,
        bucket_type: row.get(2)?,
        info: parse_json(&row.get::<_, String>(3)?),
        cors: parse_json(&row.get::<_, String>(4)?),
        lifecycle: parse_json(&row.get::<_, String>(5)?),
        sse: parse_json(&row.get::<_, String>(6)?),
        file_lock: row.get(7)?,
        default_retention: parse_json(&row.get::<_, String>(8)?),
        revision: row.get(9)?,
        replication: parse_json(&row.get::<_, String>(10)?),
    })
}

/// New buckets encrypt with SSE-B2 unless told otherwise (B2's default since 2026-09-14).
fn default_encryption() -> Value {
    serde_json::json!({"algorithm": "AES256", "mode": "SSE-B2"})
}

impl Db<'_> {
    /// Stores a new bucket, created at `now` (ms since the epoch).
    pub fn create_bucket(&self, new: NewBucket, now: i64) -> Result<BucketRow, ApiError> {
        let taken: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM buckets WHERE name = ?1", [&new.name], |r| {
                r.get(0)
            })
            .optional()?;
        if taken.is_some() {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "duplicate_bucket_name",
                "Bucket name is already in use.",
            ));
        }
        let counter = self.reserve("bucket", 1)?;
        let row = BucketRow {
            bucket_id: ids::bucket_id(self.account_id, counter),
            name: new.name,
            bucket_type: new.bucket_type,
            info: new.info.unwrap_or_else(|| serde_json::json!({})),
            cors: new.cors.unwrap_or_else(|| serde_json::json!([])),
            lifecycle: new.lifecycle.unwrap_or_else(|| serde_json::json!([])),
            sse: new.sse.unwrap_or_else(default_encryption),
            file_lock: new.file_lock,
            default_retention: serde_json::json!({"mode": null, "period": null}),
            revision: 1,
            replication: new.replication.unwrap_or(Value::Null),
        };
        self.save_bucket(&row)?;
        self.note_bucket_created(&row.bucket_id, now)?;
        Ok(row)
    }

    /// Writes `row` whole: a new bucket, or every column of a stored one but its name.
    fn save_bucket(&self, row: &BucketRow) -> Result<(), ApiError> {
        self.conn.execute(
            &format!(
                "INSERT INTO buckets ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT(bucket_id) DO UPDATE SET bucket_type = ?3, info = ?4, cors = ?5,
                    lifecycle = ?6, sse = ?7, file_lock = ?8, default_retention = ?9,
                    revision = ?10, replication = ?11"
            ),
            params![
                row.bucket_id,
                row.name,
                row.bucket_type,
                json_text(&row.info),
                json_text(&row.cors),
                json_text(&row.lifecycle),
                json_text(&row.sse),
                row.file_lock,
                json_text(&row.default_retention),
                row.revision,
                json_text(&row.replication)
            ],
        )?;
        Ok(())
    }

    pub fn bucket(&self, bucket_id: &str) -> Result<Option<BucketRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM buckets WHERE bucket_id = ?1"
        ))?;
        Ok(stmt.query_row([bucket_id], from_row).optional()?)
    }

    /// The bucket, or 400 `bad_bucket_id`.
    pub fn require_bucket(&self, bucket_id: &str) -> Result<BucketRow, ApiError> {
        self.bucket(bucket_id)?
            .ok_or_else(|| ApiError::bad_bucket_id(bucket_id))
    }

    pub fn bucket_by_name(&self, name: &str) -> Result<Option<BucketRow>, ApiError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM buckets WHERE name = ?1"))?;
        Ok(stmt.query_row([name], from_row).optional()?)
    }

    /// All buckets sorted by name.
    pub fn buckets(&self) -> Result<Vec<BucketRow>, ApiError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM buckets ORDER BY name"))?;
        let rows = stmt
            .query_map([], from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn update_bucket(
        &self,
        bucket_id: &str,
        update: BucketUpdate,
    ) -> Result<BucketRow, ApiError> {
        let mut row = self.require_bucket(bucket_id)?;
        if let Some(expected) = update.if_revision_is
            && expected != row.revision
        {
            return Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "conflict",
                "simultaneous updates to bucket",
            ));
        }
        if let Some(t) = update.bucket_type {
            row.bucket_type = t;
        }
        if let Some(v) = update.info {
            row.info = v;
        }
        if let Some(v) = update.cors {
            row.cors = v;
        }
        if let Some(v) = update.lifecycle {
            row.lifecycle = v;
        }
        if let Some(v) = update.sse {
            row.sse = v;
        }
        if let Some(v) = update.replication {
            row.replication = v;
        }
        if let Some(lock) = update.file_lock {
            if lock && !row.file_lock && super::replication::is_source(&row.replication) {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "source_replication_conflict",
                    "Turning on file lock for an existing bucket having source replication \
                     configuration is not allowed.",
                ));
            }
            if !lock && row.file_lock {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "file_lock_conflict",
                    "file lock cannot be disabled once enabled",
                ));
            }
            row.file_lock = lock;
        }
        if let Some(v) = update.default_retention {
            if !row.file_lock {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "bucket_missing_file_lock",
                    "The bucket is not file lock enabled",
                ));
            }
            row.default_retention = v;
        }
        row.revision += 1;
        self.save_bucket(&row)?;
        Ok(row)
    }

    /// Deletes an empty bucket (no versions and no unfinished large files).
    pub fn delete_bucket(&self, bucket_id: &str) -> Result<BucketRow, ApiError> {
        let row = self.require_bucket(bucket_id)?;
        let any: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM versions WHERE bucket_id = ?1 LIMIT 1",
                [bucket_id],
                |r| r.get(0),
            )
            .optional()?;
        if any.is_some() {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "cannot_delete_non_empty_bucket",
                format!("Cannot delete non-empty bucket {}", row.name),
            ));
        }
        self.conn
            .execute("DELETE FROM buckets WHERE bucket_id = ?1", [bucket_id])?;
        self.forget_bucket_created(bucket_id)?;
        self.conn.execute(
            "DELETE FROM tokens WHERE kind = 'upload' AND target = ?1",
            [bucket_id],
        )?;
        Ok(row)
    }
}
