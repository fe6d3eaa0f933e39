//! Rendered previews of this session by file id (a version's bytes never change), bounded
//! by their total weight: the least recently used go first.

use std::sync::Arc;

use super::Body;
use crate::b2::FileId;

/// Weight kept at most (rendered lines and decoded images).
pub const MAX_WEIGHT: usize = 64 * 1024 * 1024;

/// Least recently used first.
#[derive(Debug, Default)]
pub struct Cache {
    entries: Vec<(FileId, Arc<Body>, usize)>,
    weight: usize,
}

impl Cache {
    /// The preview of `id`, now the most recently used.
    pub fn get(&mut self, id: &FileId) -> Option<Arc<Body>> {
        let i = self.entries.iter().position(|(k, _, _)| k == id)?;
        let entry = self.entries.remove(i);
        let body = entry.1.clone();
        self.entries.push(entry);
        Some(body)
    }

    /// Keeps `body` for `id`, dropping the least recently used beyond the bound. A body
    /// heavier than the whole bound is not kept.
    pub fn put(&mut self, id: FileId, body: Arc<Body>) {
        let w = body.weight();
        if let Some(i) = self.entries.iter().position(|(k, _, _)| *k == id) {
            let (_, _, old) = self.entries.remove(i);
            self.weight -= old;
        }
        if w > MAX_WEIGHT {
            return;
        }
        while self.weight + w > MAX_WEIGHT && !self.entries.is_empty() {
            let (_, _, old) = self.entries.remove(0);
            self.weight -= old;
        }
        self.weight += w;
        self.entries.push((id, body, w));
    }

    /// Entries and their total weight.
    pub fn usage(&self) -> (usize, usize) {
        (self.entries.len(), self.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(bytes: usize) -> Arc<Body> {
        Arc::new(Body::message(&"x".repeat(bytes)))
    }

    #[test]
    fn the_least_recently_used_go_first() {
        let mut c = Cache::default();
        let big = MAX_WEIGHT / 3;
        c.put(FileId("a".into()), body(big));
        c.put(FileId("b".into()), body(big));
        assert!(c.get(&FileId("a".into())).is_some());
        c.put(FileId("c".into()), body(big));
        assert_eq!(c.usage().0, 2);
        assert!(
            c.get(&FileId("b".into())).is_none(),
            "b was the least recently used"
        );
        assert!(c.get(&FileId("a".into())).is_some());
        c.put(FileId("huge".into()), body(MAX_WEIGHT + 1));
        assert!(c.get(&FileId("huge".into())).is_none());
        assert!(c.usage().1 <= MAX_WEIGHT);
    }
}
