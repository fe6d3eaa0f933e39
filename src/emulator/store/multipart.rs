//! What S3 multipart uploads need of large files beyond the Native API: finishing with
//! the parts a client chose (the others dropped, the chosen renumbered 1..N so the
//! result is an ordinary B2 large file), the multipart ETag kept in the version's `md5`
//! column (never shown as a large file's contentMd5 by the Native API), and started
//! files listed by name for ListMultipartUploads.

use md5::{Digest, Md5};
use rusqlite::params;

use super::Db;
use super::files::{COLUMNS, VersionRow, from_row};
use super::large::PartRow;
use crate::emulator::error::ApiError;

/// `<MD5 of the parts' binary MD5s>-<count>`, the ETag S3 gives a multipart object.
pub fn multipart_etag(parts: &[PartRow]) -> String {
    let mut md5 = Md5::new();
    for part in parts {
        md5.update(hex::decode(&part.md5).unwrap_or_default());
    }
    format!("{}-{}", hex::encode(md5.finalize()), parts.len())
}

impl Db<'_> {
    /// Stores the multipart ETag of a large file just finished from `parts`.
    pub(super) fn set_multipart_etag(
        &self,
        file_id: &str,
        parts: &[PartRow],
    ) -> Result<String, ApiError> {
        let etag = multipart_etag(parts);
        self.conn.execute(
            "UPDATE versions SET md5 = ?2 WHERE file_id = ?1",
            params![file_id, etag],
        )?;
        Ok(etag)
    }

    /// Finishes a started file from the parts numbered `chosen` (ascending, all present):
    /// other parts are removed and the chosen ones become parts 1..N.
    pub fn finish_with_parts(&self, file_id: &str, chosen: &[u32]) -> Result<VersionRow, ApiError> {
        let version = self.started_file(file_id)?;
        let all = self.parts(file_id, 1, u32::MAX)?;
        for part in all.iter().filter(|p| !chosen.contains(&p.part_number)) {
            self.conn.execute(
                "DELETE FROM parts WHERE file_id = ?1 AND part_number = ?2",
                params![file_id, part.part_number],
            )?;
        }
        // Through negative numbers, so no renumbered part meets one not yet moved.
        self.conn.execute(
            "UPDATE parts SET part_number = -part_number WHERE file_id = ?1",
            [file_id],
        )?;
        for (index, number) in chosen.iter().enumerate() {
            self.conn.execute(
                "UPDATE parts SET part_number = ?3 WHERE file_id = ?1 AND part_number = ?2",
                params![file_id, -i64::from(*number), index as i64 + 1],
            )?;
        }
        let parts = self.parts(file_id, 1, u32::MAX)?;
        self.mark_finished(version, &parts)
    }

    /// Started files of a bucket whose names start with `prefix`, by name and then start
    /// order, after (`key_marker`, the upload started as `after_seq`) — or after every
    /// upload of `key_marker` when `after_seq` is None; at most `limit`.
    pub fn uploads_by_name(
        &self,
        bucket_id: &str,
        prefix: &str,
        key_marker: &str,
        after_seq: Option<i64>,
        limit: usize,
    ) -> Result<Vec<VersionRow>, ApiError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND action = 'start'
               AND (name > ?2 OR (name = ?2 AND seq > ?3))
               AND substr(name, 1, length(?4)) = ?4
             ORDER BY name, seq LIMIT ?5"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    bucket_id,
                    key_marker,
                    after_seq.unwrap_or(i64::MAX),
                    prefix,
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
