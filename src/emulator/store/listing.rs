//! b2_list_file_names and b2_list_file_versions. Both walk the (bucket, name, upload_ts desc,
//! seq desc) index from a cursor, so a page costs O(page), not O(bucket): names seek once per
//! name, and a folder (delimiter) is skipped by seeking to the successor of its prefix.

use std::ops::ControlFlow;

use rusqlite::params;

use super::Db;
use super::files::{Action, COLUMNS, VersionRow, from_row};
use crate::emulator::error::ApiError;
use crate::emulator::names::successor;

#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub bucket_id: String,
    pub start_name: Option<String>,
    pub start_file_id: Option<String>,
    pub prefix: String,
    pub delimiter: Option<String>,
    /// Entries per page, folders included (already validated, 1..=10,000).
    pub max: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Version(Box<VersionRow>),
    /// A virtual folder: the common prefix up to and including the delimiter.
    Folder(String),
}

impl Entry {
    pub fn name(&self) -> &str {
        match self {
            Entry::Version(v) => &v.name,
            Entry::Folder(f) => f,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub entries: Vec<Entry>,
    pub next_name: Option<String>,
    pub next_file_id: Option<String>,
}

/// Where a scan resumes.
#[derive(Debug, Clone)]
enum Cursor {
    /// Names >= this.
    From(String),
    /// Names > this.
    After(String),
    /// Versions of `name` not newer than (ts, seq), then names > `name`.
    At {
        name: String,
        ts: i64,
        seq: i64,
    },
    End,
}

/// The first point at or after `start` that can hold names with `prefix`.
fn first_cursor(start: Option<&str>, prefix: &str) -> Cursor {
    match start {
        Some(s) if s > prefix => Cursor::From(s.to_string()),
        _ => Cursor::From(prefix.to_string()),
    }
}

/// Just past everything that starts with `folder`.
fn past(folder: &str) -> Cursor {
    successor(folder).map(Cursor::From).unwrap_or(Cursor::End)
}

/// The folder `name` falls in below `prefix`, if the rest of the name holds the delimiter.
fn folder_of(name: &str, prefix: &str, delimiter: Option<&str>) -> Option<String> {
    let delimiter = delimiter.filter(|d| !d.is_empty())?;
    let rest = name.get(prefix.len()..)?;
    let at = rest.find(delimiter)?;
    Some(name[..prefix.len() + at + delimiter.len()].to_string())
}

/// Rows of one name older than its newest that a names scan reads past before it seeks to
/// the next name instead (a name with thousands of versions costs one seek, not a scan).
const SKIP_BEFORE_SEEK: usize = 16;

impl Db<'_> {
    /// b2_list_file_names: one streaming scan of the index per run of plain names; a folder
    /// (delimiter) ends the scan and the next one starts past it.
    pub fn list_names(&self, req: &ListRequest) -> Result<ListPage, ApiError> {
        let mut cursor = first_cursor(req.start_name.as_deref(), &req.prefix);
        let mut entries: Vec<Entry> = Vec::new();
        let mut next_name: Option<String> = None;
        loop {
            let mut resume: Option<Cursor> = None;
            // The name whose newest version this scan has already judged.
            let mut judged: Option<String> = None;
            let mut skipped = 0;
            // A folder whose names are being checked for one that is visible.
            let mut pending_folder: Option<String> = None;
            let mut emit = |entry: Entry, entries: &mut Vec<Entry>| {
                if entries.len() >= req.max {
                    next_name = Some(entry.name().to_string());
                    false
                } else {
                    entries.push(entry);
                    true
                }
            };
            let _ = self.scan_versions(&req.bucket_id, &cursor, |row| {
                if !row.name.starts_with(&req.prefix) {
                    return ControlFlow::Break(());
                }
                if row.action == Action::Start {
                    return ControlFlow::Continue(());
                }
                if judged.as_deref() == Some(row.name.as_str()) {
                    skipped += 1;
                    if skipped > SKIP_BEFORE_SEEK {
                        resume = Some(Cursor::After(row.name));
                        return ControlFlow::Break(());
                    }
                    return ControlFlow::Continue(());
                }
                skipped = 0;
                judged = Some(row.name.clone());
                if pending_folder
                    .as_ref()
                    .is_some_and(|f| !row.name.starts_with(f.as_str()))
                {
                    // Everything under that folder is hidden: no entry for it.
                    pending_folder = None;
                }
                let folder = match pending_folder.take() {
                    Some(f) => Some(f),
                    None => folder_of(&row.name, &req.prefix, req.delimiter.as_deref()),
                };
                match folder {
                    Some(f) if row.action == Action::Upload => {
                        // The folder is listed once; the next scan starts past it.
                        let after = past(&f);
                        if emit(Entry::Folder(f), &mut entries) {
                            resume = Some(after);
                        }
                        ControlFlow::Break(())
                    }
                    Some(f) => {
                        pending_folder = Some(f);
                        ControlFlow::Continue(())
                    }
                    None if row.action == Action::Upload => {
                        if emit(Entry::Version(Box::new(row)), &mut entries) {
                            ControlFlow::Continue(())
                        } else {
                            ControlFlow::Break(())
                        }
                    }
                    None => ControlFlow::Continue(()),
                }
            })?;
            if next_name.is_some() {
                break;
            }
            match resume {
                Some(c) => cursor = c,
                None => break,
            }
        }
        Ok(ListPage {
            entries,
            next_name,
            next_file_id: None,
        })
    }

    pub fn list_versions(&self, req: &ListRequest) -> Result<ListPage, ApiError> {
        let mut cursor = match (&req.start_name, &req.start_file_id) {
            (Some(name), Some(file_id)) => {
                let start = self
                    .version(file_id)?
                    .filter(|v| v.bucket_id == req.bucket_id && v.name == *name)
                    .ok_or_else(|| {
                        ApiError::new(
                            axum::http::StatusCode::BAD_REQUEST,
                            "invalid_file_id",
                            format!("Invalid startFileId: {file_id}"),
                        )
                    })?;
                if start.name.as_str() < req.prefix.as_str() {
                    Cursor::From(req.prefix.clone())
                } else {
                    Cursor::At {
                        name: start.name,
                        ts: start.upload_ts,
                        seq: start.seq,
                    }
                }
            }
            (start, _) => first_cursor(start.as_deref(), &req.prefix),
        };
        let mut entries: Vec<Entry> = Vec::new();
        let mut next: Option<Entry> = None;
        loop {
            let mut resume = None;
            let flow = self.scan_versions(&req.bucket_id, &cursor, |row| {
                if !row.name.starts_with(&req.prefix) {
                    return ControlFlow::Break(());
                }
                let folder = folder_of(&row.name, &req.prefix, req.delimiter.as_deref());
                let entry = match &folder {
                    Some(f) => Entry::Folder(f.clone()),
                    None => Entry::Version(Box::new(row)),
                };
                if entries.len() >= req.max {
                    next = Some(entry);
                    return ControlFlow::Break(());
                }
                entries.push(entry);
                match folder {
                    Some(f) => {
                        resume = Some(past(&f));
                        ControlFlow::Break(())
                    }
                    None => ControlFlow::Continue(()),
                }
            })?;
            cursor = match (resume, flow, &cursor) {
                (Some(resume), _, _) => resume,
                (None, ControlFlow::Continue(()), Cursor::At { name, .. }) => {
                    Cursor::After(name.clone())
                }
                _ => break,
            };
        }
        let (next_name, next_file_id) = match next {
            Some(Entry::Version(v)) => (Some(v.name), Some(v.file_id)),
            Some(Entry::Folder(f)) => (Some(f), None),
            None => (None, None),
        };
        Ok(ListPage {
            entries,
            next_name,
            next_file_id,
        })
    }

    /// Visits versions in listing order from `cursor` until `visit` breaks or rows run out;
    /// returns Continue when the rows ran out.
    fn scan_versions(
        &self,
        bucket_id: &str,
        cursor: &Cursor,
        mut visit: impl FnMut(VersionRow) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, ApiError> {
        let mut run =
            |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<ControlFlow<()>, ApiError> {
                let mut stmt = self.conn.prepare_cached(sql)?;
                let mut rows = stmt.query(params)?;
                while let Some(row) = rows.next()? {
                    if visit(from_row(row)?).is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                }
                Ok(ControlFlow::Continue(()))
            };
        match cursor {
            Cursor::From(name) => run(
                &format!(
                    "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND name >= ?2
                     ORDER BY name, upload_ts DESC, seq DESC"
                ),
                params![bucket_id, name],
            ),
            Cursor::After(name) => run(
                &format!(
                    "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND name > ?2
                     ORDER BY name, upload_ts DESC, seq DESC"
                ),
                params![bucket_id, name],
            ),
            Cursor::At { name, ts, seq } => run(
                &format!(
                    "SELECT {COLUMNS} FROM versions WHERE bucket_id = ?1 AND name = ?2
                     AND (upload_ts < ?3 OR (upload_ts = ?3 AND seq <= ?4))
                     ORDER BY upload_ts DESC, seq DESC"
                ),
                params![bucket_id, name, ts, seq],
            ),
            Cursor::End => Ok(ControlFlow::Continue(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders() {
        assert_eq!(folder_of("a/b/c", "", Some("/")).as_deref(), Some("a/"));
        assert_eq!(folder_of("a/b/c", "a/", Some("/")).as_deref(), Some("a/b/"));
        assert_eq!(folder_of("a/b", "a/", Some("/")), None);
        assert_eq!(folder_of("a/b", "", None), None);
    }
}
