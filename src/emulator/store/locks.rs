//! Object Lock state of file versions (retention, legal hold) and the download
//! authorizations issued by b2_get_download_authorization. The migration here also adds
//! the per-version encryption columns.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

use super::{Db, parse_json};
use crate::emulator::error::ApiError;

/// Retention and legal hold of one version; all None when never set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileLock {
    /// `governance` or `compliance`.
    pub mode: Option<String>,
    pub retain_until: Option<i64>,
    /// `on` or `off`.
    pub legal_hold: Option<String>,
}

impl FileLock {
    /// Retention that still protects the version at `now`.
    pub fn active_mode(&self, now: i64) -> Option<&str> {
        match (&self.mode, self.retain_until) {
            (Some(mode), Some(until)) if until > now => Some(mode.as_str()),
            _ => None,
        }
    }

    pub fn is_held(&self) -> bool {
        self.legal_hold.as_deref() == Some("on")
    }
}

/// What a download authorization token allows.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadGrant {
    pub bucket_id: String,
    pub prefix: String,
    /// `b2ContentDisposition` etc. baked into the token; downloads must repeat them.
    pub overrides: Map<String, Value>,
}

/// Adds what Object Lock and download authorizations need to an existing schema.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS download_grants (
            token TEXT PRIMARY KEY, bucket_id TEXT NOT NULL, prefix TEXT NOT NULL,
            overrides TEXT NOT NULL);",
    )?;
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('versions')")?;
    let columns = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    for (column, kind) in [
        ("retention_mode", "TEXT"),
        ("retain_until", "INTEGER"),
        ("legal_hold", "TEXT"),
        // Server-side encryption: `SSE-B2`, `SSE-C` (with the key's MD5) or NULL (none).
        ("sse_mode", "TEXT"),
        ("sse_key_md5", "TEXT"),
    ] {
        if !columns.iter().any(|c| c == column) {
            conn.execute_batch(&format!("ALTER TABLE versions ADD COLUMN {column} {kind};"))?;
        }
    }
    Ok(())
}

impl Db<'_> {
    /// Replaces the lock state of a version.
    pub fn set_file_lock(&self, file_id: &str, lock: &FileLock) -> Result<(), ApiError> {
        self.conn.execute(
            "UPDATE versions SET retention_mode = ?2, retain_until = ?3, legal_hold = ?4
             WHERE file_id = ?1",
            params![file_id, lock.mode, lock.retain_until, lock.legal_hold],
        )?;
        Ok(())
    }

    /// Gives a version just written the lock resolved for it (when it differs from what
    /// the version was stored with).
    pub fn apply_lock(&self, row: &mut super::VersionRow, lock: FileLock) -> Result<(), ApiError> {
        if lock != row.lock {
            self.set_file_lock(&row.file_id, &lock)?;
            row.lock = lock;
        }
        Ok(())
    }

    /// Records the grant of a download authorization token issued with `issue_token`.
    pub fn put_download_grant(&self, token: &str, grant: &DownloadGrant) -> Result<(), ApiError> {
        self.conn.execute(
            "INSERT INTO download_grants (token, bucket_id, prefix, overrides)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                token,
                grant.bucket_id,
                grant.prefix,
                Value::Object(grant.overrides.clone()).to_string()
            ],
        )?;
        Ok(())
    }

    pub fn download_grant(&self, token: &str) -> Result<Option<DownloadGrant>, ApiError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT bucket_id, prefix, overrides FROM download_grants WHERE token = ?1",
        )?;
        Ok(stmt
            .query_row([token], |r| {
                let overrides = match parse_json(&r.get::<_, String>(2)?) {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                Ok(DownloadGrant {
                    bucket_id: r.get(0)?,
                    prefix: r.get(1)?,
                    overrides,
                })
            })
            .optional()?)
    }
}
