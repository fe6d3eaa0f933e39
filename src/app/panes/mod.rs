//! Pane state (no drawing): buckets, files, versions, and the cursor they share.

pub mod buckets;
pub mod entries;
pub mod files;
pub mod versions;

pub use buckets::BucketsPane;
pub use entries::Listed;
pub use files::{FilesPane, Row};
pub use versions::VersionsPane;

/// A cursor movement in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// Selection and scroll position of a list. `offset` is the first visible row; drawing
/// re-derives it with [`Cursor::visible_offset`] for the real height, so it is only a hint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves within `len` rows, `page` rows per page; returns whether the selection changed.
    pub fn apply(&mut self, motion: Motion, len: usize, page: usize) -> bool {
        let before = self.selected;
        let last = len.saturating_sub(1);
        let page = page.max(1);
        self.selected = match motion {
            Motion::Up => self.selected.saturating_sub(1),
            Motion::Down => (self.selected + 1).min(last),
            Motion::PageUp => self.selected.saturating_sub(page),
            Motion::PageDown => (self.selected + page).min(last),
            Motion::Top => 0,
            Motion::Bottom => last,
        };
        self.scroll_into_view(page);
        self.selected != before
    }

    /// Selects `row`, scrolling so it is visible in `height` rows.
    pub fn select(&mut self, row: usize, height: usize) {
        self.selected = row;
        self.scroll_into_view(height);
    }

    /// Keeps the selection inside `len` rows.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }

    fn scroll_into_view(&mut self, height: usize) {
        self.offset = self.visible_offset(height);
    }

    /// The first row to draw so that the selection is visible in `height` rows, moving the
    /// stored offset as little as possible.
    pub fn visible_offset(&self, height: usize) -> usize {
        let height = height.max(1);
        if self.selected < self.offset {
            self.selected
        } else if self.selected >= self.offset + height {
            self.selected + 1 - height
        } else {
            self.offset
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_moves_and_scrolls() {
        let mut c = Cursor::default();
        assert!(!c.apply(Motion::Up, 10, 4));
        // (motion, then selected and offset) over 10 rows, 4 visible.
        let steps = [
            (Motion::PageDown, 4, 1),
            (Motion::Bottom, 9, 6),
            (Motion::Up, 8, 6),
            (Motion::PageUp, 4, 4),
            (Motion::Top, 0, 0),
        ];
        for (motion, selected, offset) in steps {
            assert!(c.apply(motion, 10, 4), "{motion:?} moves");
            assert_eq!(c, Cursor { selected, offset }, "after {motion:?}");
        }
        c.apply(Motion::Down, 0, 4);
        assert_eq!(c.selected, 0);
    }
}
