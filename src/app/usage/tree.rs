//! Per-folder totals of one scan: a tree of folders only (never files), each node with
//! the totals of everything below it and of the files directly in it.

use std::collections::BTreeMap;

use crate::worker::usage::Totals;

/// One folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// Everything below this folder.
    pub total: Totals,
    /// The files directly in it.
    pub own: Totals,
    /// Subfolder segment (`name/`) → node index.
    pub children: BTreeMap<Box<str>, usize>,
}

/// The folders under a scan's prefix; node 0 is the prefix itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree {
            nodes: vec![Node::default()],
        }
    }
}

/// `a/b/` → `["a/", "b/"]`.
fn segments(folder: &str) -> impl Iterator<Item = &str> {
    folder.split_inclusive('/').filter(|s| !s.is_empty())
}

impl Tree {
    /// Adds `t` to `folder` (relative: `""` or `a/b/`) and every folder above it.
    pub fn add(&mut self, folder: &str, t: &Totals) {
        let mut at = 0;
        self.nodes[0].total.add(t);
        for seg in segments(folder) {
            let next = match self.nodes[at].children.get(seg) {
                Some(&i) => i,
                None => {
                    let i = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[at].children.insert(seg.into(), i);
                    i
                }
            };
            at = next;
            self.nodes[at].total.add(t);
        }
        self.nodes[at].own.add(t);
    }

    /// The node of `folder` (relative), if the scan has seen it.
    pub fn node(&self, folder: &str) -> Option<&Node> {
        let mut at = 0;
        for seg in segments(folder) {
            at = *self.nodes[at].children.get(seg)?;
        }
        self.nodes.get(at)
    }

    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    pub fn node_at(&self, index: usize) -> &Node {
        &self.nodes[index]
    }

    /// Folders held.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.root().total.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(n: u64, bytes: u64) -> Totals {
        Totals {
            current_files: n,
            current_bytes: bytes,
            ..Totals::default()
        }
    }

    #[test]
    fn totals_add_up_the_tree() {
        let mut t = Tree::default();
        t.add("", &files(1, 10));
        t.add("a/b/", &files(2, 20));
        t.add("a/", &files(3, 30));
        t.add("a/b/", &files(1, 5));
        assert_eq!(t.root().total, files(7, 65));
        assert_eq!(t.root().own, files(1, 10));
        assert_eq!(t.node("a/").unwrap().total, files(6, 55));
        assert_eq!(t.node("a/").unwrap().own, files(3, 30));
        assert_eq!(t.node("a/b/").unwrap().total, files(3, 25));
        assert!(t.node("c/").is_none());
        assert_eq!(t.len(), 3, "folders only");
    }
}
