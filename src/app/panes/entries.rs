//! The files pane's loaded names, stored compactly: one block per listed page (names and
//! file ids end to end in one string, fixed-size records beside them), so a loaded name
//! costs about 140 bytes instead of a whole `FileVersion`, and far pages drop as blocks.
//! Only what the pane shows or acts on is kept; no drawing and no I/O here.

use std::collections::VecDeque;

use crate::b2::{FileAction, FileId, FileVersion};

/// One loaded name, borrowed from [`Entries`]: what the pane shows and acts on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Listed<'a> {
    pub file_name: &'a str,
    pub action: FileAction,
    pub content_length: u64,
    pub upload_timestamp: i64,
    /// The file id, less the bucket's common `4_z<bucketId>_` beginning when `short_id`.
    id: &'a str,
    id_prefix: &'a str,
    short_id: bool,
    sha1: Option<&'a [u8; 20]>,
    /// `src_last_modified_millis`, when the upload gave it.
    modified: Option<i64>,
}

impl Listed<'_> {
    /// True for a virtual folder entry (`name/`).
    pub fn is_folder(&self) -> bool {
        self.action == FileAction::Folder
    }

    /// The version's file id (folders have none).
    pub fn file_id(&self) -> Option<FileId> {
        match (self.id.is_empty(), self.short_id) {
            (true, _) => None,
            (false, true) => Some(FileId(format!("{}{}", self.id_prefix, self.id))),
            (false, false) => Some(FileId(self.id.to_owned())),
        }
    }

    /// The version as B2 listed it, with what the pane keeps: name, id, action, size,
    /// upload time, the SHA-1 to verify a download against and the local modification time.
    pub fn to_version(&self) -> FileVersion {
        let mut file_info = std::collections::BTreeMap::new();
        if let Some(ms) = self.modified {
            file_info.insert("src_last_modified_millis".to_owned(), ms.to_string());
        }
        FileVersion {
            account_id: None,
            action: self.action,
            bucket_id: None,
            content_length: self.content_length,
            content_sha1: self.sha1.map(hex::encode),
            content_md5: None,
            content_type: None,
            file_id: self.file_id(),
            file_info,
            file_name: self.file_name.to_owned(),
            upload_timestamp: self.upload_timestamp,
            replication_status: None,
        }
    }
}

/// The fixed-size part of one loaded name; its strings live in the block's `text`.
#[derive(Clone, Debug)]
struct Rec {
    /// End of the name in `text` (it starts where the previous record's id ends).
    name_end: u32,
    /// End of the (possibly shortened) file id in `text`.
    id_end: u32,
    content_length: u64,
    upload_timestamp: i64,
    /// `src_last_modified_millis`, or `i64::MIN` for none.
    modified: i64,
    sha1: [u8; 20],
    action: FileAction,
    /// Bit 0: `sha1` holds a value; bit 1: the id is shortened.
    flags: u8,
}

const HAS_SHA1: u8 = 1;
const SHORT_ID: u8 = 2;

/// One listed page: its names and ids end to end, and a record per name.
#[derive(Clone, Debug, Default)]
struct Block {
    text: String,
    recs: Vec<Rec>,
}

impl Block {
    fn new(versions: Vec<FileVersion>, id_prefix: &str) -> Self {
        let text_len: usize = versions
            .iter()
            .map(|v| v.file_name.len() + v.file_id.as_ref().map_or(0, |id| id.0.len()))
            .sum();
        let mut block = Block {
            text: String::with_capacity(text_len),
            recs: Vec::with_capacity(versions.len()),
        };
        for v in versions {
            block.push(&v, id_prefix);
        }
        block.text.shrink_to_fit();
        block
    }

    fn push(&mut self, v: &FileVersion, id_prefix: &str) {
        self.text.push_str(&v.file_name);
        let name_end = offset(self.text.len());
        let id = v.file_id.as_ref().map_or("", |id| id.as_str());
        let short = (!id_prefix.is_empty())
            .then(|| id.strip_prefix(id_prefix))
            .flatten();
        self.text.push_str(short.unwrap_or(id));
        let sha1 = v.expected_sha1().and_then(parse_sha1);
        let modified = v
            .file_info
            .get("src_last_modified_millis")
            .and_then(|m| m.parse::<i64>().ok());
        self.recs.push(Rec {
            name_end,
            id_end: offset(self.text.len()),
            content_length: v.content_length,
            upload_timestamp: v.upload_timestamp,
            modified: modified.unwrap_or(i64::MIN),
            sha1: sha1.unwrap_or_default(),
            action: v.action,
            flags: if sha1.is_some() { HAS_SHA1 } else { 0 }
                | if short.is_some() { SHORT_ID } else { 0 },
        });
    }

    fn get<'a>(&'a self, i: usize, id_prefix: &'a str) -> Listed<'a> {
        let r = &self.recs[i];
        let start = if i == 0 {
            0
        } else {
            self.recs[i - 1].id_end as usize
        };
        Listed {
            file_name: &self.text[start..r.name_end as usize],
            action: r.action,
            content_length: r.content_length,
            upload_timestamp: r.upload_timestamp,
            id: &self.text[r.name_end as usize..r.id_end as usize],
            id_prefix,
            short_id: r.flags & SHORT_ID != 0,
            sha1: (r.flags & HAS_SHA1 != 0).then_some(&r.sha1),
            modified: (r.modified != i64::MIN).then_some(r.modified),
        }
    }

    fn bytes(&self) -> usize {
        self.text.capacity() + self.recs.capacity() * std::mem::size_of::<Rec>()
    }
}

/// A block's text stays far below 4 GiB (a page is at most 10,000 names of at most 1,024
/// bytes plus their ids).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

fn parse_sha1(hex_text: &str) -> Option<[u8; 20]> {
    let mut out = [0u8; 20];
    hex::decode_to_slice(hex_text, &mut out).ok()?;
    Some(out)
}

/// The loaded names of a folder, in B2's order, as blocks of pages.
#[derive(Clone, Debug, Default)]
pub struct Entries {
    blocks: VecDeque<Block>,
    /// `ends[b]`: the number of names in blocks `0..=b`.
    ends: Vec<usize>,
    /// The beginning every file id of the bucket shares (`4_z<bucketId>_`), kept once.
    id_prefix: String,
}

impl Entries {
    /// An empty store for the files of the bucket with this id.
    pub fn for_bucket(bucket_id: &str) -> Self {
        Self {
            id_prefix: if bucket_id.is_empty() {
                String::new()
            } else {
                format!("4_z{bucket_id}_")
            },
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name at `i`, in B2's order.
    pub fn get(&self, i: usize) -> Option<Listed<'_>> {
        let b = self.ends.partition_point(|&end| end <= i);
        let block = self.blocks.get(b)?;
        let start = if b == 0 { 0 } else { self.ends[b - 1] };
        Some(block.get(i - start, &self.id_prefix))
    }

    pub fn first(&self) -> Option<Listed<'_>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<Listed<'_>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> impl Iterator<Item = Listed<'_>> + '_ {
        let prefix = self.id_prefix.as_str();
        self.blocks
            .iter()
            .flat_map(move |b| (0..b.recs.len()).map(move |i| b.get(i, prefix)))
    }

    /// The names from index `from` on.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = Listed<'_>> + '_ {
        let first = self.ends.partition_point(|&end| end <= from);
        let skip = from - if first == 0 { 0 } else { self.ends[first - 1] };
        let prefix = self.id_prefix.as_str();
        self.blocks
            .iter()
            .skip(first)
            .flat_map(move |b| (0..b.recs.len()).map(move |i| b.get(i, prefix)))
            .skip(skip)
    }

    /// The index of the name `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.iter().position(|e| e.file_name == name)
    }

    /// Adds a page after the loaded names.
    pub fn push_back(&mut self, page: Vec<FileVersion>) {
        if page.is_empty() {
            return;
        }
        self.blocks.push_back(Block::new(page, &self.id_prefix));
        self.reindex();
    }

    /// Adds names before the loaded ones.
    pub fn push_front(&mut self, page: Vec<FileVersion>) {
        if page.is_empty() {
            return;
        }
        self.blocks.push_front(Block::new(page, &self.id_prefix));
        self.reindex();
    }

    /// Replaces every loaded name with `page`.
    pub fn replace(&mut self, page: Vec<FileVersion>) {
        self.blocks.clear();
        self.push_back(page);
    }

    /// Number of names in the first block, the one [`Self::drop_front`] would drop.
    pub fn front_block_len(&self) -> usize {
        self.blocks.front().map_or(0, |b| b.recs.len())
    }

    /// Number of names in the last block, the one [`Self::drop_back`] would drop.
    pub fn back_block_len(&self) -> usize {
        self.blocks.back().map_or(0, |b| b.recs.len())
    }

    /// Drops the first block (the earliest loaded page); returns how many names went.
    pub fn drop_front(&mut self) -> usize {
        let n = self.blocks.pop_front().map_or(0, |b| b.recs.len());
        self.reindex();
        n
    }

    /// Drops the last block; returns its first name (where listing resumes to get it back).
    pub fn drop_back(&mut self) -> Option<String> {
        let block = self.blocks.pop_back()?;
        let first = (!block.recs.is_empty()).then(|| block.get(0, "").file_name.to_owned());
        self.reindex();
        first
    }

    /// Bytes held (capacities, not lengths), for the memory accounting.
    pub fn bytes(&self) -> usize {
        let blocks: usize = self.blocks.iter().map(Block::bytes).sum();
        blocks
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.id_prefix.capacity()
    }

    fn reindex(&mut self) {
        self.ends.clear();
        let mut total = 0;
        for b in &self.blocks {
            total += b.recs.len();
            self.ends.push(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKET: &str = "0000000000016f2a9c3d1b07";

    fn version(name: &str, n: u64) -> FileVersion {
        let folder = name.ends_with('/');
        let mut file_info = std::collections::BTreeMap::new();
        if !folder {
            file_info.insert("src_last_modified_millis".into(), (n * 7).to_string());
        }
        FileVersion {
            account_id: None,
            action: if folder {
                FileAction::Folder
            } else {
                FileAction::Upload
            },
            bucket_id: None,
            content_length: n,
            content_sha1: (!folder).then(|| format!("{n:040x}")),
            content_md5: None,
            content_type: Some("application/octet-stream".into()),
            file_id: (!folder).then(|| {
                FileId(format!(
                    "4_z{BUCKET}_f1{n:015x}_d20251124_m160000_c000_v0001000_t{:04}",
                    n % 10_000
                ))
            }),
            file_info,
            file_name: name.to_owned(),
            upload_timestamp: 1_764_000_000_000 + n as i64,
            replication_status: None,
        }
    }

    fn page(from: u64, count: u64) -> Vec<FileVersion> {
        (from..from + count)
            .map(|n| version(&format!("big/n{n:07}.dat"), n))
            .collect()
    }

    #[test]
    fn a_name_comes_back_as_it_was_listed() {
        let mut e = Entries::for_bucket(BUCKET);
        let mut listed = vec![version("big/a/", 0)];
        listed.extend(page(1, 3));
        e.push_back(listed.clone());
        let mut other = version("big/z.dat", 9);
        other.file_id = Some(FileId("4_zotherbucket_f100_x".into()));
        other.content_sha1 = Some("none".into());
        other
            .file_info
            .insert("large_file_sha1".into(), format!("{:040x}", 77));
        e.push_back(vec![other.clone()]);
        assert_eq!(e.len(), 5);
        for (i, v) in listed.iter().enumerate() {
            let got = e.get(i).unwrap();
            assert_eq!(got.file_name, v.file_name);
            assert_eq!(got.file_id(), v.file_id);
            assert_eq!(got.is_folder(), v.is_folder());
            let back = got.to_version();
            assert_eq!(back.expected_sha1(), v.expected_sha1());
            assert_eq!(back.content_length, v.content_length);
            assert_eq!(back.upload_timestamp, v.upload_timestamp);
            assert_eq!(
                back.file_info.get("src_last_modified_millis"),
                v.file_info.get("src_last_modified_millis")
            );
        }
        // An id of another shape is kept whole; a large file's SHA-1 is the one to verify.
        let got = e.get(4).unwrap();
        assert_eq!(got.file_id(), other.file_id);
        assert_eq!(got.to_version().expected_sha1(), other.expected_sha1());
        assert!(e.get(5).is_none());
        let from: Vec<_> = e.iter_from(3).map(|l| l.file_name).collect();
        assert_eq!(from, ["big/n0000003.dat", "big/z.dat"]);
        assert_eq!(e.position("big/n0000002.dat"), Some(2));
    }

    #[test]
    fn blocks_drop_from_either_end() {
        let mut e = Entries::for_bucket(BUCKET);
        e.push_back(page(1000, 1000));
        e.push_back(page(2000, 1000));
        e.push_front(page(0, 1000));
        assert_eq!(e.len(), 3000);
        assert_eq!(e.get(0).unwrap().file_name, "big/n0000000.dat");
        assert_eq!(e.get(1999).unwrap().file_name, "big/n0001999.dat");
        assert_eq!(e.drop_front(), 1000);
        assert_eq!(e.first().unwrap().file_name, "big/n0001000.dat");
        assert_eq!(e.drop_back().as_deref(), Some("big/n0002000.dat"));
        assert_eq!(e.len(), 1000);
        assert_eq!(e.last().unwrap().file_name, "big/n0001999.dat");
        let names: Vec<_> = e.iter().map(|l| l.file_name.to_owned()).collect();
        assert_eq!(names.len(), 1000);
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }

    /// The memory a loaded name costs, for names like those of a bulk folder.
    #[test]
    fn a_loaded_name_costs_under_150_bytes() {
        let mut e = Entries::for_bucket(BUCKET);
        for p in 0..100 {
            e.push_back(page(p * 1000, 1000));
        }
        let per_name = e.bytes() / e.len();
        assert!(per_name <= 150, "{per_name} bytes a name");
        // What the same names cost as listed.
        let listed = std::mem::size_of::<FileVersion>();
        assert!(per_name * 2 < listed + 100, "{per_name} vs {listed}");
    }
}
