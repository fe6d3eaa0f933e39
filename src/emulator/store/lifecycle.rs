//! Queries of the lifecycle pass (`emulator::lifecycle`).

use rusqlite::params;

use super::Db;
use super::files::{COLUMNS, VersionRow, from_row};
use crate::emulator::error::ApiError;

impl Db<'_> {
    /// Every upload and hide marker of a bucket whose name starts with `prefix`, in listing
    /// order (name, newest first); unfinished large files are left out.
    pub fn versions_with_prefix(
        &self,
        bucket_id: &str,
        prefix: &str,
    ) -> Result<Vec<VersionRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM versions
             WHERE bucket_id = ?1 AND name >= ?2 AND action != 'start'
             ORDER BY name, upload_ts DESC, seq DESC"
        ))?;
        let mut out = Vec::new();
        for row in stmt.query_map(params![bucket_id, prefix], from_row)? {
            let row = row?;
            if !row.name.starts_with(prefix) {
                break;
            }
            out.push(row);
        }
        Ok(out)
    }
}
