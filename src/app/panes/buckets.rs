//! Buckets pane state: the account's buckets and the selection.

use super::{Cursor, Motion};
use crate::b2::Bucket;
use crate::worker::RequestId;

/// The list of buckets.
#[derive(Clone, Debug, Default)]
pub struct BucketsPane {
    pub buckets: Vec<Bucket>,
    pub cursor: Cursor,
    /// The `ListBuckets` request in flight.
    pub pending: Option<RequestId>,
    /// True once a listing arrived (so "no buckets" can be told from "not yet").
    pub loaded: bool,
}

impl BucketsPane {
    /// The bucket under the cursor.
    pub fn selected(&self) -> Option<&Bucket> {
        self.buckets.get(self.cursor.selected)
    }

    /// Moves the selection.
    pub fn move_cursor(&mut self, motion: Motion, page: usize) -> bool {
        self.cursor.apply(motion, self.buckets.len(), page)
    }

    /// Takes a listing, keeping the selection on the same bucket name when it still exists.
    pub fn set_buckets(&mut self, buckets: Vec<Bucket>, height: usize) {
        let keep = self.selected().map(|b| b.bucket_name.clone());
        self.buckets = buckets;
        self.pending = None;
        self.loaded = true;
        let row = keep
            .and_then(|name| self.buckets.iter().position(|b| b.bucket_name == name))
            .unwrap_or(0);
        self.cursor.select(row, height);
        self.cursor.clamp(self.buckets.len());
    }
}
