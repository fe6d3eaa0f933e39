//! File versions: uploads, hide markers and started large files, one row each.
//! Order everywhere is (name as bytes, upload_ts desc, seq desc); ids never decide order.

use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Map, Value};

use super::locks::FileLock;
use super::{Db, parse_json};
use crate::emulator::blobs::Segment;
use crate::emulator::error::ApiError;
use crate::emulator::ids;
use crate::emulator::sse::Sse;

/// SHA-1 and MD5 of empty content: what B2 reports for hide markers.
pub const EMPTY_SHA1: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
pub const EMPTY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";
pub const HIDE_MARKER_TYPE: &str = "application/x-bz-hide-marker";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Upload,
    Hide,
    Start,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Upload => "upload",
            Action::Hide => "hide",
            Action::Start => "start",
        }
    }

    fn parse(text: &str) -> Action {
        match text {
            "hide" => Action::Hide,
            "start" => Action::Start,
            _ => Action::Upload,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    pub seq: i64,
    pub file_id: String,
    pub bucket_id: String,
    pub name: String,
    pub action: Action,
    pub upload_ts: i64,
    pub size: u64,
    /// Hex digest, `unverified:<hex>`, or None for large files ("none").
    pub sha1: Option<String>,
    pub md5: Option<String>,
    pub content_type: String,
    pub info: Map<String, Value>,
    /// Blob key of a small file; large files read their parts.
    pub blob: Option<String>,
    pub large: bool,
    /// Retention and legal hold (Object Lock).
    pub lock: FileLock,
    /// Server-side encryption (of a large file: that of its start).
    pub sse: Sse,
    /// Cloud Replication status: `pending`, `completed`, `failed`, `replica` or None.
    pub replication: Option<String>,
}

/// A version to insert; the id comes from the file counter.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub bucket_id: String,
    pub name: String,
    pub action: Action,
    pub upload_ts: i64,
    pub size: u64,
    pub sha1: Option<String>,
    pub md5: Option<String>,
    pub content_type: String,
    pub info: Map<String, Value>,
    pub blob: Option<String>,
    pub large: bool,
    pub sse: Sse,
}

impl NewVersion {
    /// An unfinished large file (b2_start_large_file, CreateMultipartUpload): no bytes
    /// until its parts are finished.
    pub fn large_start(
        bucket_id: String,
        name: String,
        upload_ts: i64,
        content_type: String,
        info: Map<String, Value>,
        sse: Sse,
    ) -> NewVersion {
        NewVersion {
            bucket_id,
            name,
            action: Action::Start,
            upload_ts,
            size: 0,
            sha1: None,
            md5: None,
            content_type,
            info,
            blob: None,
            large: true,
            sse,
        }
    }
}

pub(super) const COLUMNS: &str = "seq, file_id, bucket_id, name, action, upload_ts, size, sha1, \
                                  md5, content_type, info, blob, large, \
                                  retention_mode, retain_until, legal_hold, sse_mode, sse_key_md5, \
                                  replication_status";

pub(super) fn from_row(row: &Row) -> rusqlite::Result<VersionRow> {
    let info = match parse_json(&row.get::<_, String>(10)?) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    Ok(VersionRow {
        seq: row.get(0)?,
        file_id: row.get(1)?,
        bucket_id: row.get(2)?,
        name: row.get(3)?,
        action: Action::parse(&row.get::<_, String>(4)?),
        upload_ts: row.get(5)?,
        size: u64::try_from(row.get::<_, i64>(6)?).unwrap_or(0),
        sha1: row.get(7)?,
        md5: row.get(8)?,
        content_type: row.get(9)?,
        info,
        blob: row.get(11)?,
        large: row.get(12)?,
        lock: FileLock {
            mode: row.get(13)?,
            retain_until: row.get(14)?,
            legal_hold: row.get(15)?,
        },
        sse: Sse::from_columns(row.get_ref(16)?.as_str_or_null()?, row.get(17)?),
        replication: row.get(18)?,
    })
}

impl Db<'_> {
    pub fn insert_version(&self, new: NewVersion) -> Result<VersionRow, ApiError> {
        let counter = self.reserve("file", 1)?;
        self.insert_version_with_counter(new, counter)
    }

    /// Inserts with a counter reserved by the caller (bulk seeding reserves a block).
    pub fn insert_version_with_counter(
        &self,
        new: NewVersion,
        counter: u64,
    ) -> Result<VersionRow, ApiError> {
        let file_id = ids::file_id(&new.bucket_id, new.large, counter, new.upload_ts);
        let info_text = Value::Object(new.info.clone()).to_string();
        let (sse_mode, sse_key_md5) = new.sse.to_columns();
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO versions (file_id, bucket_id, name, action, upload_ts, size, sha1, md5,
                content_type, info, blob, large, sse_mode, sse_key_md5)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        stmt.execute(params![
            file_id,
            new.bucket_id,
            new.name,
            new.action.as_str(),
            new.upload_ts,
            i64::try_from(new.size).unwrap_or(i64::MAX),
            new.sha1,
            new.md5,
            new.content_type,
            info_text,
            new.blob,
            new.large,
            sse_mode,
            sse_key_md5
        ])?;
        Ok(VersionRow {
            seq: self.conn.last_insert_rowid(),
            file_id,
            bucket_id: new.bucket_id,
            name: new.name,
            action: new.action,
            upload_ts: new.upload_ts,
            size: new.size,
            sha1: new.sha1,
            md5: new.md5,
            content_type: new.content_type,
            info: new.info,
            blob: new.blob,
            large: new.large,
            lock: FileLock::default(),
            sse: new.sse,
            replication: None,
        })
    }

    pub fn version(&self, file_id: &str) -> Result<Option<VersionRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM versions WHERE file_id = ?1"
        ))?;
        Ok(stmt.query_row([file_id], from_row).optional()?)
    }

    /// The newest version of `name` that is not an unfinished large file.
    pub fn newest_version(
        &self,
        bucket_id: &str,
        name: &str,
    ) -> Result<Option<VersionRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND name = ?2 AND action != 'start'
             ORDER BY upload_ts DESC, seq DESC LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(params![bucket_id, name], from_row)
            .optional()?)
    }

    /// Adds a hide marker on the current upload of `name` (b2_hide_file).
    pub fn hide_file(&self, bucket_id: &str, name: &str, now: i64) -> Result<VersionRow, ApiError> {
        let bad = |code: &str, message: String| {
            ApiError::new(axum::http::StatusCode::BAD_REQUEST, code, message)
        };
        match self.newest_version(bucket_id, name)? {
            None => return Err(bad("no_such_file", format!("File not present: {name}"))),
            Some(v) if v.action == Action::Hide => {
                return Err(bad(
                    "already_hidden",
                    format!("File already hidden: {name}"),
                ));
            }
            Some(_) => {}
        }
        self.insert_version(NewVersion {
            bucket_id: bucket_id.to_string(),
            name: name.to_string(),
            action: Action::Hide,
            upload_ts: now,
            size: 0,
            sha1: Some(EMPTY_SHA1.to_string()),
            md5: Some(EMPTY_MD5.to_string()),
            content_type: HIDE_MARKER_TYPE.to_string(),
            info: Map::new(),
            blob: None,
            large: false,
            sse: Sse::None,
        })
    }

    /// Removes one version (b2_delete_file_version). On an unfinished large file this
    /// acts as b2_cancel_large_file (B2 docs), which `rclone cleanup` relies on.
    pub fn delete_version(&self, file_id: &str, name: &str) -> Result<VersionRow, ApiError> {
        let row = self.version(file_id)?.filter(|v| v.name == name);
        let Some(row) = row else {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "file_not_present",
                format!("File not present: {name} {file_id}"),
            ));
        };
        self.conn
            .execute("DELETE FROM versions WHERE seq = ?1", [row.seq])?;
        if row.large {
            self.conn
                .execute("DELETE FROM parts WHERE file_id = ?1", [file_id])?;
        }
        if row.action == Action::Start {
            self.conn.execute(
                "DELETE FROM tokens WHERE kind = 'part' AND target = ?1",
                [file_id],
            )?;
        }
        Ok(row)
    }

    /// The pieces of content of a version, in order.
    pub fn segments(&self, version: &VersionRow) -> Result<Vec<Segment>, ApiError> {
        if !version.large {
            return Ok(version
                .blob
                .iter()
                .map(|key| Segment {
                    key: key.clone(),
                    len: version.size,
                })
                .collect());
        }
        Ok(self
            .parts(&version.file_id, 1, u32::MAX)?
            .into_iter()
            .map(|p| Segment {
                key: p.blob,
                len: p.size,
            })
            .collect())
    }
}
