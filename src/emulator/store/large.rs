//! Large files: parts of started files, finishing and cancelling, unfinished listings.

use axum::http::StatusCode;
use rusqlite::{Row, params};

use super::Db;
use super::files::{Action, COLUMNS, VersionRow, from_row};
use crate::emulator::error::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct PartRow {
    pub file_id: String,
    pub part_number: u32,
    pub size: u64,
    pub sha1: String,
    pub md5: String,
    pub blob: String,
    pub upload_ts: i64,
}

fn part_from_row(row: &Row) -> rusqlite::Result<PartRow> {
    Ok(PartRow {
        file_id: row.get(0)?,
        part_number: row.get(1)?,
        size: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
        sha1: row.get(3)?,
        md5: row.get(4)?,
        blob: row.get(5)?,
        upload_ts: row.get(6)?,
    })
}

fn bad(code: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

impl Db<'_> {
    /// The started (unfinished) large file with this id, or 400 `bad_request`.
    pub fn started_file(&self, file_id: &str) -> Result<VersionRow, ApiError> {
        self.version(file_id)?
            .filter(|v| v.action == Action::Start)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid fileId: {file_id}")))
    }

    /// Stores a part; the same part number again replaces the earlier one.
    pub fn put_part(&self, part: &PartRow) -> Result<(), ApiError> {
        self.started_file(&part.file_id)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO parts (file_id, part_number, size, sha1, md5, blob, upload_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                part.file_id,
                part.part_number,
                i64::try_from(part.size).unwrap_or(i64::MAX),
                part.sha1,
                part.md5,
                part.blob,
                part.upload_ts
            ],
        )?;
        Ok(())
    }

    /// Up to `max` parts from `start` on, by part number.
    pub fn parts(&self, file_id: &str, start: u32, max: u32) -> Result<Vec<PartRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT file_id, part_number, size, sha1, md5, blob, upload_ts FROM parts
             WHERE file_id = ?1 AND part_number >= ?2 ORDER BY part_number LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![file_id, start, max], part_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Turns a started file into an upload once its parts match `sha1s` (part 1 first).
    pub fn finish_large_file(
        &self,
        file_id: &str,
        sha1s: &[String],
        min_part_size: u64,
    ) -> Result<VersionRow, ApiError> {
        let version = self.started_file(file_id)?;
        let parts = self.parts(file_id, 1, u32::MAX)?;
        if sha1s.len() < 2 {
            return Err(ApiError::bad_request(
                "large files must have at least 2 parts",
            ));
        }
        for (index, expected) in sha1s.iter().enumerate() {
            let number = index + 1;
            let Some(part) = parts.iter().find(|p| p.part_number as usize == number) else {
                return Err(bad(
                    "missing_part",
                    format!("Part number {number} has not been uploaded"),
                ));
            };
            if !part.sha1.eq_ignore_ascii_case(expected) {
                return Err(bad(
                    "part_sha1_mismatch",
                    format!("Part number {number} has SHA1 {} not {expected}", part.sha1),
                ));
            }
            if number < sha1s.len() && part.size < min_part_size {
                return Err(ApiError::bad_request(format!(
                    "Part number {number} is smaller than the minimum part size {min_part_size}"
                )));
            }
        }
        if let Some(extra) = parts.iter().find(|p| p.part_number as usize > sha1s.len()) {
            return Err(ApiError::bad_request(format!(
                "Part number {} was uploaded but is not in partSha1Array",
                extra.part_number
            )));
        }
        self.mark_finished(version, &parts)
    }

    /// Makes a started file an upload of its `parts` (the finished large file): its
    /// size is theirs and its ETag the multipart one.
    pub(super) fn mark_finished(
        &self,
        mut version: VersionRow,
        parts: &[PartRow],
    ) -> Result<VersionRow, ApiError> {
        let total: u64 = parts.iter().map(|p| p.size).sum();
        self.conn.execute(
            "UPDATE versions SET action = 'upload', size = ?2 WHERE file_id = ?1",
            params![version.file_id, i64::try_from(total).unwrap_or(i64::MAX)],
        )?;
        version.md5 = Some(self.set_multipart_etag(&version.file_id, parts)?);
        version.action = Action::Upload;
        version.size = total;
        Ok(version)
    }

    /// Removes a started file and its parts.
    pub fn cancel_large_file(&self, file_id: &str) -> Result<VersionRow, ApiError> {
        let version = self.started_file(file_id)?;
        self.conn
            .execute("DELETE FROM parts WHERE file_id = ?1", [file_id])?;
        self.conn
            .execute("DELETE FROM versions WHERE seq = ?1", [version.seq])?;
        self.conn.execute(
            "DELETE FROM tokens WHERE kind = 'part' AND target = ?1",
            [file_id],
        )?;
        Ok(version)
    }

    /// Started files of a bucket in start order, from `start_seq` on, at most `limit`.
    pub fn unfinished_files(
        &self,
        bucket_id: &str,
        name_prefix: &str,
        start_seq: i64,
        limit: usize,
    ) -> Result<Vec<VersionRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND action = 'start' AND seq >= ?2
             ORDER BY seq"
        ))?;
        let mut out = Vec::new();
        for row in stmt.query_map(params![bucket_id, start_seq], from_row)? {
            let row = row?;
            if row.name.starts_with(name_prefix) {
                out.push(row);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}
