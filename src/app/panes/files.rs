//! Files pane state: one folder of one bucket (delimiter `/`), loaded page by page, with
//! an optional filter over the loaded names. No drawing and no I/O here.

use tui_input::Input;

use super::{Cursor, Motion};
use crate::b2::{BucketId, FileVersion};
use crate::worker::RequestId;

/// Load ahead while fewer than this many loaded names lie below the cursor.
pub const LOAD_AHEAD: usize = 5_000;

/// The bucket a pane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRef {
    pub id: BucketId,
    pub name: String,
}

/// One row of the files pane.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Row<'a> {
    /// `..`: up one level.
    Parent,
    /// A folder (`action: folder`, name ends with `/`) or a file.
    Entry(&'a FileVersion),
}

/// The `/` filter line.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub input: Input,
    /// True while the user types into the line.
    pub editing: bool,
}

impl Filter {
    /// True while the line is shown: being typed, or kept with some text.
    pub fn is_active(&self) -> bool {
        self.editing || !self.input.value().is_empty()
    }
}

/// A folder listing.
#[derive(Clone, Debug, Default)]
pub struct FilesPane {
    pub bucket: Option<BucketRef>,
    /// The folder shown: "" (bucket root) or a prefix ending with `/`.
    pub prefix: String,
    /// Loaded entries, in B2's order (folders and files interleaved by name).
    pub entries: Vec<FileVersion>,
    /// `nextFileName` of the last page; None once the folder is fully loaded.
    pub next: Option<String>,
    /// The `ListFiles` request in flight.
    pub pending: Option<RequestId>,
    /// A page failed: stop loading ahead until the user refreshes.
    pub stalled: bool,
    pub cursor: Cursor,
    pub filter: Filter,
    /// Entry indices passing the filter; None when there is no filter.
    matches: Option<Vec<usize>>,
    /// Select this name when it arrives (the folder we came up from, or the refreshed row).
    reselect: Option<String>,
    /// The folder a prefix-restricted key cannot go above ("" for other keys); kept
    /// across folders.
    pub floor: String,
    /// The folder is not listed: the key lacks this capability (`listFiles`).
    pub unlisted: Option<&'static str>,
}

impl FilesPane {
    /// Starts showing `prefix` of `bucket`; the caller sends the returned request.
    pub fn open(&mut self, bucket: BucketRef, prefix: String, req: RequestId) {
        *self = Self {
            bucket: Some(bucket),
            prefix,
            pending: Some(req),
            floor: std::mem::take(&mut self.floor),
            ..Self::default()
        };
    }

    /// An empty pane whose folders cannot go above `floor` (a prefix-restricted key).
    pub fn with_floor(floor: String) -> Self {
        Self {
            floor,
            ..Self::default()
        }
    }

    /// Shows `prefix` of `bucket` without listing it: the key may not list files.
    pub fn open_unlisted(&mut self, bucket: BucketRef, prefix: String) {
        *self = Self {
            bucket: Some(bucket),
            prefix,
            floor: std::mem::take(&mut self.floor),
            unlisted: Some("listFiles"),
            ..Self::default()
        };
    }

    /// Selects `name` once the page holding it arrives (a path typed to a file).
    pub fn select_when_loaded(&mut self, name: String) {
        self.reselect = Some(name);
    }

    /// Reloads the same folder from its first page, trying to keep the selected name.
    pub fn reload(&mut self, req: RequestId) {
        let keep = self.selected_name().map(str::to_owned);
        let filter = std::mem::take(&mut self.filter);
        if let Some(bucket) = self.bucket.clone() {
            let prefix = std::mem::take(&mut self.prefix);
            self.open(bucket, prefix, req);
            self.filter = filter;
            self.refilter();
            self.reselect = keep;
        }
    }

    /// Leaves the folder for its parent, selecting the folder we left once it loads.
    /// Returns false at the bucket root.
    pub fn go_up(&mut self, req: RequestId) -> bool {
        if self.prefix.len() <= self.floor.len() {
            return false;
        }
        let Some(bucket) = self.bucket.clone() else {
            return false;
        };
        let left = self.prefix.clone();
        self.open(bucket, parent_prefix(&left).to_owned(), req);
        self.reselect = Some(left);
        true
    }

    /// Takes one page if it answers the request in flight; returns false for a stale page.
    pub fn on_page(
        &mut self,
        req: RequestId,
        entries: Vec<FileVersion>,
        next: Option<String>,
        height: usize,
    ) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.pending = None;
        let first_new = self.entries.len();
        self.entries.extend(entries);
        self.next = next;
        if let Some(m) = self.matches.as_mut() {
            let needle = self.filter.input.value().to_lowercase();
            m.extend((first_new..self.entries.len()).filter(|&i| {
                display_name(&self.entries[i], &self.prefix)
                    .to_lowercase()
                    .contains(&needle)
            }));
        }
        if let Some(name) = self.reselect.clone()
            && let Some(i) = self.entries[first_new..]
                .iter()
                .position(|e| e.file_name == name)
            && let Some(row) = self.row_of_entry(first_new + i)
        {
            self.reselect = None;
            self.cursor.select(row, height);
        }
        if self.next.is_none() {
            self.reselect = None;
        }
        true
    }

    /// True while a folder was opened and its first page has not arrived: the rows on
    /// screen are not the ones keys typed now are meant for.
    pub fn is_awaiting_first_page(&self) -> bool {
        self.bucket.is_some() && self.pending.is_some() && self.entries.is_empty()
    }

    /// A request failed: stop waiting, and stop loading ahead.
    pub fn on_failed(&mut self, req: RequestId) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.pending = None;
        self.stalled = true;
        true
    }

    /// The `startFileName` of the next page to ask for: only while nothing is in flight,
    /// there is more, and fewer than [`LOAD_AHEAD`] loaded names lie below the cursor.
    pub fn next_page_start(&self) -> Option<&str> {
        if self.pending.is_some() || self.stalled || self.bucket.is_none() {
            return None;
        }
        let next = self.next.as_deref()?;
        let below = self
            .entries
            .len()
            .saturating_sub(self.cursor_entry_position());
        (below < LOAD_AHEAD).then_some(next)
    }

    /// Marks a next-page request as in flight.
    pub fn set_pending(&mut self, req: RequestId) {
        self.pending = Some(req);
    }

    /// The loaded entry the cursor is on (or the closest one before it), as an index into
    /// `entries`; the parent row counts as 0.
    fn cursor_entry_position(&self) -> usize {
        let row = self.cursor.selected.saturating_sub(self.parent_rows());
        match &self.matches {
            None => row,
            Some(m) => m
                .get(row)
                .copied()
                .unwrap_or(m.last().map_or(0, |&i| i + 1)),
        }
    }

    fn parent_rows(&self) -> usize {
        usize::from(self.prefix.len() > self.floor.len())
    }

    /// Rows shown: `..` (when inside a folder) plus the entries passing the filter.
    pub fn row_count(&self) -> usize {
        self.parent_rows() + self.matches.as_ref().map_or(self.entries.len(), Vec::len)
    }

    /// The row at `index`.
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let parent = self.parent_rows();
        if index < parent {
            return Some(Row::Parent);
        }
        let i = index - parent;
        let entry = match &self.matches {
            None => self.entries.get(i),
            Some(m) => m.get(i).and_then(|&j| self.entries.get(j)),
        };
        entry.map(Row::Entry)
    }

    fn row_of_entry(&self, entry: usize) -> Option<usize> {
        let pos = match &self.matches {
            None => Some(entry),
            Some(m) => m.iter().position(|&j| j == entry),
        };
        pos.map(|p| p + self.parent_rows())
    }

    /// The row under the cursor.
    pub fn selected(&self) -> Option<Row<'_>> {
        self.row(self.cursor.selected)
    }

    /// The full name of the selected entry.
    pub fn selected_name(&self) -> Option<&str> {
        match self.selected()? {
            Row::Entry(e) => Some(&e.file_name),
            Row::Parent => None,
        }
    }

    /// The selected file (not folder, not `..`).
    pub fn selected_file(&self) -> Option<&FileVersion> {
        match self.selected()? {
            Row::Entry(e) if !e.is_folder() => Some(e),
            _ => None,
        }
    }

    /// Moves the selection; returns whether it changed.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) -> bool {
        let len = self.row_count();
        self.cursor.apply(motion, len, page)
    }

    /// Recomputes the rows after the filter text changed and puts the cursor on the first
    /// match.
    pub fn refilter(&mut self) {
        let needle = self.filter.input.value().to_lowercase();
        self.matches = if needle.is_empty() {
            None
        } else {
            Some(
                self.entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| {
                        display_name(e, &self.prefix)
                            .to_lowercase()
                            .contains(&needle)
                    })
                    .map(|(i, _)| i)
                    .collect(),
            )
        };
        let first = if self.row_count() > self.parent_rows() {
            self.parent_rows()
        } else {
            0
        };
        self.cursor = Cursor {
            selected: first,
            offset: 0,
        };
    }

    /// Drops the filter, keeping the cursor on the same entry.
    pub fn clear_filter(&mut self, height: usize) {
        let keep = self.selected_name().map(str::to_owned);
        self.filter = Filter::default();
        self.matches = None;
        let row = keep
            .and_then(|name| self.entries.iter().position(|e| e.file_name == name))
            .and_then(|i| self.row_of_entry(i))
            .unwrap_or(0);
        self.cursor.select(row, height);
    }

    /// Number of entries passing the filter (all loaded entries without one).
    pub fn match_count(&self) -> usize {
        self.matches.as_ref().map_or(self.entries.len(), Vec::len)
    }
}

/// The name shown in the list: the part after the folder prefix (`2025/` for a folder
/// `trips/2025/` inside `trips/`).
pub fn display_name<'a>(entry: &'a FileVersion, prefix: &str) -> &'a str {
    entry
        .file_name
        .strip_prefix(prefix)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&entry.file_name)
}

/// `a/b/` → `a/`; `a/` → ``.
pub fn parent_prefix(prefix: &str) -> &str {
    let trimmed = prefix.strip_suffix('/').unwrap_or(prefix);
    match trimmed.rfind('/') {
        Some(i) => &prefix[..=i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_prefixes() {
        assert_eq!(parent_prefix("a/b/"), "a/");
        assert_eq!(parent_prefix("a/"), "");
        assert_eq!(parent_prefix(""), "");
        assert_eq!(parent_prefix("a//"), "a/");
    }
}
