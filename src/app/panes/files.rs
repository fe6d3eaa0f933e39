//! Files pane state: one folder of one bucket (delimiter `/`), loaded page by page, with
//! an optional filter and sort over the loaded names. The loaded names are a window of the
//! folder: from its top, or from a name jumped to (`head`), growing forward as the cursor
//! moves down and backward (by a seek) when it moves up past the first. No drawing and no
//! I/O here.

use tui_input::Input;

use super::entries::{Entries, Listed};
use super::{Cursor, Motion};
use crate::app::files::find::{LowerNames, Needle};
use crate::app::files::sort::Sort;
use crate::b2::{BucketId, FileVersion};
use crate::worker::RequestId;

/// Load ahead while fewer than this many loaded names lie below the cursor.
pub const LOAD_AHEAD: usize = 5_000;

/// At most this many names stay loaded while the cursor walks a folder in B2's order:
/// pages far behind the cursor are dropped (and listed again on return), so memory stays
/// the same at any folder size. A sorted view or "sort the whole folder" keeps them all.
pub const WINDOW: usize = 100_000;

/// A reload far down a folder lists from at most this many names above the cursor.
const RELOAD_ABOVE: usize = 200;

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
    Entry(Listed<'a>),
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
    pub entries: Entries,
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
    /// Some: the loaded names are a window starting at this name (a jump); the names
    /// before it are not loaded. None: they start at the folder's first name.
    pub head: Option<String>,
    /// What the request in flight seeks, when it is not the next page.
    pub seeking: Option<Seek>,
    /// The user moved up past the first loaded name: load the names before it.
    want_earlier: bool,
    /// Select the first name at or after this once the page arrives (a jump).
    select_from: Option<String>,
    /// The order rows are shown in.
    pub sort: Sort,
    /// Entry indices in `sort` order; None for B2's order.
    order: Option<Vec<usize>>,
    /// The filter text `matches` was computed for.
    needle: Needle,
    /// The entries' shown names, lowercased, for the filter (kept as entries arrive).
    lower: LowerNames,
    /// Names listed start with `prefix` + this (a filter asked of the server); "" for all.
    pub server_prefix: String,
    /// Loading the whole folder (to sort all of it): no load-ahead limit.
    pub load_all: bool,
    /// The last move was `G`: another `G` seeks the folder's real end.
    pub bottom_pressed: bool,
    /// Names kept loaded while browsing in B2's order (0: [`WINDOW`]); kept across folders.
    pub window: usize,
}

/// A seek in flight (`Command::ListFilesBefore`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seek {
    /// The names before the first loaded one, to prepend.
    Earlier,
    /// The folder's last names, replacing the window.
    End,
}

impl FilesPane {
    /// Starts showing `prefix` of `bucket`; the caller sends the returned request.
    pub fn open(&mut self, bucket: BucketRef, prefix: String, req: RequestId) {
        *self = Self {
            entries: Entries::for_bucket(bucket.id.as_str()),
            bucket: Some(bucket),
            prefix,
            pending: Some(req),
            floor: std::mem::take(&mut self.floor),
            sort: self.sort,
            window: self.window,
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

    /// Starts showing `prefix` of `bucket` from `start` (a name or its beginning, in full:
    /// `prefix` + typed), selecting the first name at or after it; the caller sends a
    /// listing from `start`.
    pub fn open_at(&mut self, bucket: BucketRef, prefix: String, start: String, req: RequestId) {
        self.open(bucket, prefix, req);
        self.select_from = Some(start.clone());
        self.head = Some(start);
    }

    /// Starts showing the last names of `prefix`; the caller sends the seek for them.
    pub fn open_end(&mut self, bucket: BucketRef, prefix: String, req: RequestId) {
        self.open(bucket, prefix.clone(), req);
        self.head = Some(prefix);
        self.seeking = Some(Seek::End);
    }

    /// Starts listing only the names of the folder that begin with `text` (the filter
    /// asked of the server), keeping the filter line.
    pub fn open_server_prefix(&mut self, text: String, req: RequestId) {
        let Some(bucket) = self.bucket.clone() else {
            return;
        };
        let filter = std::mem::take(&mut self.filter);
        let (sort, prefix) = (self.sort, std::mem::take(&mut self.prefix));
        self.open(bucket, prefix, req);
        self.filter = filter;
        self.filter.editing = false;
        self.sort = sort;
        self.server_prefix = text;
        self.refilter();
    }

    /// The prefix names are listed with: the folder, plus a server filter's text.
    pub fn list_prefix(&self) -> String {
        format!("{}{}", self.prefix, self.server_prefix)
    }

    /// Shows `prefix` of `bucket` without listing it: the key may not list files.
    pub fn open_unlisted(&mut self, bucket: BucketRef, prefix: String) {
        *self = Self {
            bucket: Some(bucket),
            prefix,
            floor: std::mem::take(&mut self.floor),
            unlisted: Some("listFiles"),
            window: self.window,
            ..Self::default()
        };
    }

    /// Selects `name` once the page holding it arrives (a path typed to a file).
    pub fn select_when_loaded(&mut self, name: String) {
        self.reselect = Some(name);
    }

    /// Reloads the same folder, trying to keep the selected name: from its first page, or
    /// in a window from the window's first name (`head` stays; the listing starts there).
    pub fn reload(&mut self, req: RequestId) {
        let keep = self.selected_name().map(str::to_owned);
        let filter = std::mem::take(&mut self.filter);
        if let Some(bucket) = self.bucket.clone() {
            let prefix = std::mem::take(&mut self.prefix);
            let sort = self.sort;
            let head = self.reload_start();
            self.open(bucket, prefix, req);
            self.sort = sort;
            self.head = head;
            self.filter = filter;
            self.refilter();
            self.reselect = keep;
        }
    }

    /// Where a reload lists from: in B2's order, far down or in a window, the first name on
    /// screen (the rows above are listed again when the cursor goes there); else the
    /// window's first name, or the folder's top (None).
    fn reload_start(&self) -> Option<String> {
        let pos = self.cursor_entry_position();
        let far = self.head.is_some() || pos > LOAD_AHEAD;
        if far && self.sort.is_natural() && self.matches.is_none() {
            // `offset` is only a hint of the screen's first row: at most a screenful.
            let above = (self.cursor.selected - self.cursor.offset.min(self.cursor.selected))
                .min(RELOAD_ABOVE);
            let first_shown = pos.saturating_sub(above);
            if let Some(e) = self.entries.get(first_shown) {
                return Some(e.file_name.to_owned());
            }
        }
        match (&self.head, self.entries.first()) {
            (Some(_), Some(first)) => Some(first.file_name.to_owned()),
            (head, _) => head.clone(),
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
    /// The answer to a seek carries in `next` the start point it reached.
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
        if let Some(seek) = self.seeking.take() {
            self.on_seek(seek, entries, next, height);
            return true;
        }
        let first_new = self.entries.len();
        self.entries.push_back(entries);
        self.next = next;
        self.on_appended(first_new);
        if let Some(from) = self.select_from.take() {
            let at = self
                .entries
                .iter_from(first_new)
                .position(|e| e.file_name >= from.as_str())
                .unwrap_or(0);
            if let Some(row) = self.row_of_entry(first_new + at) {
                self.cursor.select(row, height);
            }
        }
        if let Some(name) = self.reselect.clone()
            && let Some(i) = self
                .entries
                .iter_from(first_new)
                .position(|e| e.file_name == name)
            && let Some(row) = self.row_of_entry(first_new + i)
        {
            self.reselect = None;
            self.cursor.select(row, height);
        }
        if self.next.is_none() {
            self.reselect = None;
        }
        self.trim(height);
        true
    }

    /// Brings the sort and the filter up to date with the entries from `first_new` on.
    fn on_appended(&mut self, first_new: usize) {
        for e in self.entries.iter_from(first_new) {
            self.lower.push(display_name(&e, &self.prefix));
        }
        if self.load_all && self.order.is_some() {
            // Sorted once the whole folder is in (`finish_load_all`).
            return;
        }
        if let Some(order) = self.order.as_mut() {
            self.sort.merge(order, &self.entries, first_new);
            if self.matches.is_some() {
                self.matches = Some(self.filtered(self.base()));
            }
        } else if self.matches.is_some() {
            let found = self.filtered(first_new..self.entries.len());
            self.matches.get_or_insert_default().extend(found);
        }
    }

    /// A seek's answer: names before the window (prepended), or the folder's last names.
    fn on_seek(
        &mut self,
        seek: Seek,
        entries: Vec<FileVersion>,
        start: Option<String>,
        height: usize,
    ) {
        match seek {
            Seek::End => {
                self.entries.replace(entries);
                self.lower = LowerNames::default();
                self.head = start;
                self.next = None;
                self.rebuild_view();
                let last = self.row_count().saturating_sub(1);
                self.cursor = Cursor::default();
                self.cursor.select(last, height);
            }
            Seek::Earlier => {
                let keep = self.selected_name().map(str::to_owned);
                let mut entries = entries;
                if let Some(first) = self.entries.first() {
                    entries.retain(|e| e.file_name.as_str() < first.file_name);
                }
                let added = entries.len();
                self.entries.push_front(entries);
                self.lower = LowerNames::default();
                self.head = start;
                self.rebuild_view();
                let row = keep
                    .and_then(|name| self.entries.position(&name))
                    .and_then(|i| self.row_of_entry(i))
                    .unwrap_or(0);
                // The user moved up past the first name: go on to the name before it.
                let row = if added > 0 {
                    row.saturating_sub(1)
                } else {
                    row
                };
                self.cursor.select(row, height);
                self.trim(height);
            }
        }
    }

    /// Drops loaded pages far from the cursor once more than [`WINDOW`] names are loaded
    /// (in B2's order only): the first pages become names before the window (`head`), the
    /// last ones names after it (`next`), both listed again when the cursor comes back.
    /// The cursor stays on its name, at the same height on screen.
    fn trim(&mut self, height: usize) {
        let window = if self.window == 0 {
            WINDOW
        } else {
            self.window
        };
        if self.entries.len() <= window || !self.sort.is_natural() || self.load_all {
            return;
        }
        let keep = self.selected_name().map(str::to_owned);
        let on_screen = self.cursor.selected.saturating_sub(self.cursor.offset);
        let mut at = self.cursor_entry_position();
        let mut dropped = false;
        while self.entries.len() > window && self.entries.front_block_len() + LOAD_AHEAD <= at {
            at -= self.entries.drop_front();
            dropped = true;
            self.head = self.entries.first().map(|e| e.file_name.to_owned());
        }
        while self.entries.len() > window
            && self.entries.len() - self.entries.back_block_len() >= at + LOAD_AHEAD
        {
            self.next = self.entries.drop_back();
            dropped = true;
        }
        if !dropped {
            return;
        }
        self.lower = LowerNames::default();
        self.rebuild_view();
        let row = keep
            .and_then(|name| self.entries.position(&name))
            .and_then(|i| self.row_of_entry(i))
            .unwrap_or(0);
        self.cursor = Cursor {
            selected: row,
            offset: row.saturating_sub(on_screen),
        };
        self.cursor.select(row, height);
    }

    /// The sort permutation and the filter's matches, computed again from all entries.
    fn rebuild_view(&mut self) {
        self.sync_lower();
        self.order = self.sort.permutation(&self.entries);
        if self.matches.is_some() {
            self.matches = Some(self.filtered(self.base()));
        }
    }

    /// Lowercases the names again when they are not those of the entries.
    fn sync_lower(&mut self) {
        if self.lower.len() != self.entries.len() {
            self.lower = LowerNames::default();
            for e in self.entries.iter() {
                self.lower.push(display_name(&e, &self.prefix));
            }
        }
    }

    /// The entry indices in display order, before the filter.
    fn base(&self) -> Box<dyn Iterator<Item = usize> + '_> {
        match &self.order {
            Some(order) => Box::new(order.iter().copied()),
            None => Box::new(0..self.entries.len()),
        }
    }

    /// The indices from `indices` whose shown name holds the filter text.
    fn filtered(&self, indices: impl Iterator<Item = usize>) -> Vec<usize> {
        indices
            .filter(|&i| self.needle.matches_lower(self.lower.get(i)))
            .collect()
    }

    /// True while a folder was opened and its first page has not arrived: the rows on
    /// screen are not the ones keys typed now are meant for.
    pub fn is_awaiting_first_page(&self) -> bool {
        self.bucket.is_some() && self.pending.is_some() && self.entries.is_empty()
    }

    /// Notes that the cursor tried to move above the first loaded name of a window; the
    /// next [`Self::earlier_start`] asks for the names before it.
    pub fn note_top_reached(&mut self) {
        if self.head.is_some() && self.cursor.selected == 0 && self.sort.is_natural() {
            self.want_earlier = true;
        }
    }

    /// The name to seek before, when the names before the window are wanted and nothing
    /// is in flight; marks the seek as in flight under `req`.
    pub fn take_earlier_seek(&mut self, req: RequestId) -> Option<String> {
        if !self.want_earlier || self.pending.is_some() || self.stalled || self.head.is_none() {
            return None;
        }
        self.want_earlier = false;
        let before = match self.entries.first() {
            Some(e) => e.file_name.to_owned(),
            None => self.head.clone()?,
        };
        self.pending = Some(req);
        self.seeking = Some(Seek::Earlier);
        Some(before)
    }

    /// Changes the order rows are shown in, keeping the cursor on the same entry.
    pub fn set_sort(&mut self, sort: Sort, height: usize) {
        let keep = self.selected_name().map(str::to_owned);
        self.sort = sort;
        self.rebuild_view();
        let row = keep
            .and_then(|name| self.entries.position(&name))
            .and_then(|i| self.row_of_entry(i))
            .unwrap_or(0);
        self.cursor.select(row, height);
    }

    /// The whole folder is loaded (or loading stopped): sorts all of it.
    pub fn finish_load_all(&mut self, height: usize) {
        self.load_all = false;
        self.set_sort(self.sort, height);
    }

    /// A request failed: stop waiting, and stop loading ahead.
    pub fn on_failed(&mut self, req: RequestId) -> bool {
        if self.pending != Some(req) {
            return false;
        }
        self.pending = None;
        self.seeking = None;
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
        (self.load_all || below < LOAD_AHEAD).then_some(next)
    }

    /// Marks a next-page request as in flight.
    pub fn set_pending(&mut self, req: RequestId) {
        self.pending = Some(req);
    }

    /// The loaded entry the cursor is on (or the closest one before it), as an index into
    /// `entries`; the parent row counts as 0.
    fn cursor_entry_position(&self) -> usize {
        let row = self.cursor.selected.saturating_sub(self.parent_rows());
        if self.order.is_some() {
            // Sorted rows are in no relation to the listing: how far down the rows the
            // cursor is stands for how far down the names.
            let rows = self.rows_index().map_or(0, <[usize]>::len).max(1);
            return row.saturating_mul(self.entries.len()) / rows;
        }
        match &self.matches {
            None => row,
            Some(m) => m
                .get(row)
                .copied()
                .unwrap_or(m.last().map_or(0, |&i| i + 1)),
        }
    }

    /// `..` is the first row inside a folder, unless the rows are a window (jumped to)
    /// whose first row is the first loaded name.
    fn parent_rows(&self) -> usize {
        usize::from(self.head.is_none() && self.prefix.len() > self.floor.len())
    }

    /// The entry indices shown, in order, when not simply all entries in B2's order.
    fn rows_index(&self) -> Option<&[usize]> {
        self.matches.as_deref().or(self.order.as_deref())
    }

    /// Rows shown: `..` (when inside a folder) plus the entries passing the filter.
    pub fn row_count(&self) -> usize {
        self.parent_rows() + self.rows_index().map_or(self.entries.len(), <[usize]>::len)
    }

    /// The row at `index`.
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let parent = self.parent_rows();
        if index < parent {
            return Some(Row::Parent);
        }
        let i = index - parent;
        let entry = match self.rows_index() {
            None => self.entries.get(i),
            Some(m) => m.get(i).and_then(|&j| self.entries.get(j)),
        };
        entry.map(Row::Entry)
    }

    fn row_of_entry(&self, entry: usize) -> Option<usize> {
        let pos = match self.rows_index() {
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
            Row::Entry(e) => Some(e.file_name),
            Row::Parent => None,
        }
    }

    /// The selected file (not folder, not `..`).
    pub fn selected_file(&self) -> Option<Listed<'_>> {
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
    /// match. When the text only grew, the new matches are sought among the old ones.
    pub fn refilter(&mut self) {
        self.sync_lower();
        let needle = Needle::new(self.filter.input.value());
        self.matches = if needle.is_empty() {
            None
        } else if let Some(old) = self.matches.take()
            && needle.narrows(&self.needle)
            // Many old matches in B2's order: one search of the buffer is quicker.
            && (self.order.is_some() || old.len() < self.entries.len() / 4)
        {
            let mut kept = old;
            kept.retain(|&i| needle.matches_lower(self.lower.get(i)));
            Some(kept)
        } else if self.order.is_none() {
            Some(self.lower.find_all(&needle))
        } else {
            let base = self.base();
            Some(
                base.filter(|&i| needle.matches_lower(self.lower.get(i)))
                    .collect(),
            )
        };
        self.needle = needle;
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
        self.needle = Needle::default();
        let row = keep
            .and_then(|name| self.entries.position(&name))
            .and_then(|i| self.row_of_entry(i))
            .unwrap_or(0);
        self.cursor.select(row, height);
    }

    /// Number of entries passing the filter (all loaded entries without one).
    pub fn match_count(&self) -> usize {
        self.matches.as_ref().map_or(self.entries.len(), Vec::len)
    }

    /// True when the loaded names are not the whole folder (more after, or before them).
    pub fn is_partial(&self) -> bool {
        self.next.is_some() || self.head.is_some()
    }
}

/// The name shown in the list: the part after the folder prefix (`2025/` for a folder
/// `trips/2025/` inside `trips/`).
pub fn display_name<'a>(entry: &Listed<'a>, prefix: &str) -> &'a str {
    entry
        .file_name
        .strip_prefix(prefix)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(entry.file_name)
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
