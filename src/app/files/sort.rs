//! The files pane's sort (`o`): by name, size or upload time, either way. Sorting is an
//! index permutation over the loaded entries (the entries keep B2's order), so it is
//! instant and new pages merge into it.

use std::cmp::Ordering;

use crate::app::panes::entries::{Entries, Listed};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Name,
    Size,
    Time,
}

/// A sort order; the default (names ascending) is B2's own and needs no permutation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// The next order of `o`: name ↑, name ↓, size ↓, size ↑, time ↓ (newest first),
    /// time ↑, back to name ↑.
    pub fn cycle(self) -> Self {
        let (key, descending) = match (self.key, self.descending) {
            (SortKey::Name, false) => (SortKey::Name, true),
            (SortKey::Name, true) => (SortKey::Size, true),
            (SortKey::Size, true) => (SortKey::Size, false),
            (SortKey::Size, false) => (SortKey::Time, true),
            (SortKey::Time, true) => (SortKey::Time, false),
            (SortKey::Time, false) => (SortKey::Name, false),
        };
        Self { key, descending }
    }

    /// True for B2's order.
    pub fn is_natural(self) -> bool {
        self == Self::default()
    }

    /// `name ↑`, `size ↓`, ...
    pub fn label(self) -> String {
        let key = match self.key {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Time => "time",
        };
        format!("{key} {}", if self.descending { '↓' } else { '↑' })
    }

    /// The order of two entries. Folders come first when sorting by size or time (they
    /// have neither), by name among themselves; equal sizes or times go by name.
    pub fn compare(self, a: &Listed<'_>, b: &Listed<'_>) -> Ordering {
        let by_name = || a.file_name.cmp(b.file_name);
        let ord = match self.key {
            SortKey::Name => by_name(),
            SortKey::Size | SortKey::Time => match (a.is_folder(), b.is_folder()) {
                (true, true) => return by_name(),
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                (false, false) if self.key == SortKey::Size => {
                    a.content_length.cmp(&b.content_length)
                }
                (false, false) => a.upload_timestamp.cmp(&b.upload_timestamp),
            },
        };
        let ord = if self.descending { ord.reverse() } else { ord };
        ord.then_with(by_name)
    }

    /// The entry indices in this order; None for B2's order.
    pub fn permutation(self, entries: &Entries) -> Option<Vec<usize>> {
        if self.is_natural() {
            return None;
        }
        let listed: Vec<Listed<'_>> = entries.iter().collect();
        let mut order: Vec<usize> = (0..listed.len()).collect();
        order.sort_unstable_by(|&i, &j| self.compare(&listed[i], &listed[j]));
        Some(order)
    }

    /// Merges the entries from `first_new` on (just appended) into `order`.
    pub fn merge(self, order: &mut Vec<usize>, entries: &Entries, first_new: usize) {
        let mut new: Vec<usize> = (first_new..entries.len()).collect();
        if new.is_empty() {
            return;
        }
        let entries: Vec<Listed<'_>> = entries.iter().collect();
        new.sort_unstable_by(|&i, &j| self.compare(&entries[i], &entries[j]));
        let old = std::mem::take(order);
        order.reserve(old.len() + new.len());
        let (mut a, mut b) = (old.into_iter().peekable(), new.into_iter().peekable());
        loop {
            let take_old = match (a.peek(), b.peek()) {
                (Some(&i), Some(&j)) => self.compare(&entries[i], &entries[j]) != Ordering::Greater,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            order.extend(if take_old { a.next() } else { b.next() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::b2::{FileAction, FileVersion};

    fn store(page: &[FileVersion]) -> Entries {
        let mut e = Entries::default();
        e.push_back(page.to_vec());
        e
    }

    fn file(name: &str, size: u64, time: i64) -> FileVersion {
        FileVersion {
            account_id: None,
            action: if name.ends_with('/') {
                FileAction::Folder
            } else {
                FileAction::Upload
            },
            bucket_id: None,
            content_length: size,
            content_sha1: None,
            content_md5: None,
            content_type: None,
            file_id: None,
            file_info: Default::default(),
            file_name: name.to_owned(),
            upload_timestamp: time,
            replication_status: None,
        }
    }

    fn names(order: &[usize], entries: &Entries) -> Vec<String> {
        order
            .iter()
            .map(|&i| entries.get(i).unwrap().file_name.to_owned())
            .collect()
    }

    #[test]
    fn every_order_of_the_cycle() {
        let entries = store(&[
            file("a", 30, 2),
            file("b/", 0, 0),
            file("c", 10, 3),
            file("d", 20, 1),
        ]);
        let mut sort = Sort::default();
        assert_eq!(sort.permutation(&entries), None);
        let expected = [
            ("name ↓", vec!["d", "c", "b/", "a"]),
            ("size ↓", vec!["b/", "a", "d", "c"]),
            ("size ↑", vec!["b/", "c", "d", "a"]),
            ("time ↓", vec!["b/", "c", "a", "d"]),
            ("time ↑", vec!["b/", "d", "a", "c"]),
        ];
        for (label, want) in expected {
            sort = sort.cycle();
            assert_eq!(sort.label(), label);
            let order = sort.permutation(&entries).expect("a permutation");
            assert_eq!(names(&order, &entries), want, "{label}");
        }
        assert!(sort.cycle().is_natural());
    }

    #[test]
    fn new_pages_merge_in_place() {
        let all: Vec<FileVersion> = (0..50)
            .map(|i| file(&format!("f{i:03}"), (i * 37) % 11, i as i64))
            .collect();
        let sort = Sort {
            key: SortKey::Size,
            descending: true,
        };
        let mut entries = store(&all[..20]);
        let mut order = sort.permutation(&entries).unwrap();
        entries.push_back(all[20..].to_vec());
        sort.merge(&mut order, &entries, 20);
        assert_eq!(order, sort.permutation(&entries).unwrap());
        entries.push_back(vec![file("zz", 99, 0)]);
        sort.merge(&mut order, &entries, 50);
        assert_eq!(names(&order[..1], &entries), ["zz"]);
    }
}
