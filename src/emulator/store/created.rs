//! When each bucket was created, for S3's ListBuckets `CreationDate` (the Native API
//! does not show it). Kept beside the buckets table so its rows stay as they are. Buckets
//! of a store older than this table get, once, the upload time of their earliest file
//! version, or the time of the migration when they hold none.

use rusqlite::{Connection, OptionalExtension, params};

use super::Db;
use crate::emulator::clock::real_ms;
use crate::emulator::error::ApiError;

/// Creates the table and dates the buckets that have no creation time yet.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS bucket_created (
            bucket_id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);",
    )?;
    conn.execute(
        "INSERT INTO bucket_created (bucket_id, created_ms)
         SELECT b.bucket_id, COALESCE(
             (SELECT MIN(v.upload_ts) FROM versions v WHERE v.bucket_id = b.bucket_id), ?1)
         FROM buckets b
         WHERE b.bucket_id NOT IN (SELECT bucket_id FROM bucket_created)",
        params![real_ms()],
    )?;
    Ok(())
}

impl Db<'_> {
    /// Records that `bucket_id` was created at `now` (ms since the epoch).
    pub(super) fn note_bucket_created(&self, bucket_id: &str, now: i64) -> Result<(), ApiError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO bucket_created (bucket_id, created_ms) VALUES (?1, ?2)",
            params![bucket_id, now],
        )?;
        Ok(())
    }

    /// Forgets the creation time of a deleted bucket.
    pub(super) fn forget_bucket_created(&self, bucket_id: &str) -> Result<(), ApiError> {
        self.conn.execute(
            "DELETE FROM bucket_created WHERE bucket_id = ?1",
            [bucket_id],
        )?;
        Ok(())
    }

    /// When `bucket_id` was created (ms since the epoch); 0 when unknown.
    pub fn bucket_created_ms(&self, bucket_id: &str) -> Result<i64, ApiError> {
        Ok(self
            .conn
            .query_row(
                "SELECT created_ms FROM bucket_created WHERE bucket_id = ?1",
                [bucket_id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn existing_buckets_are_dated_by_their_first_file_or_the_migration() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE buckets (bucket_id TEXT PRIMARY KEY);
             CREATE TABLE versions (bucket_id TEXT, upload_ts INTEGER);
             INSERT INTO buckets VALUES ('with-files'), ('empty');
             INSERT INTO versions VALUES ('with-files', 5000), ('with-files', 3000);",
        )
        .unwrap();
        let before = real_ms();
        migrate(&conn).unwrap();
        migrate(&conn).unwrap();
        let created = |id: &str| -> i64 {
            conn.query_row(
                "SELECT created_ms FROM bucket_created WHERE bucket_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(created("with-files"), 3000);
        assert!(created("empty") >= before);
    }
}
