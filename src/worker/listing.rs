//! Listing commands: buckets, one folder page, the page before a name (by seeking), and all
//! versions of one name.
//! Each function sends its results as `WorkerEvent`s; none of them retries (the client does)
//! or pages by hand (`b2::paginate` does).

use futures::TryStreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::{Command, RequestId, WorkerEvent};
use crate::b2::{
    B2Client, B2Error, BucketId, FileVersion, ListFileNamesRequest, ListFileVersionsRequest,
    paginate,
};

/// Names per `b2_list_file_names` / `b2_list_file_versions` call: one billed transaction.
pub const PAGE_SIZE: u32 = 1000;

/// Runs one command to completion, reporting through `tx`. A closed channel means the app
/// is gone, so send errors are ignored.
pub async fn execute(client: &B2Client, cmd: Command, tx: &UnboundedSender<WorkerEvent>) {
    match cmd {
        Command::ListBuckets { req } => {
            let evt = match client.list_buckets().await {
                Ok(mut buckets) => {
                    buckets.sort_by(|a, b| a.bucket_name.cmp(&b.bucket_name));
                    WorkerEvent::BucketsListed { req, buckets }
                }
                Err(e) => WorkerEvent::failed(req, &e),
            };
            let _ = tx.send(evt);
        }
        Command::ListFiles {
            req,
            bucket,
            prefix,
            start,
        } => {
            let _ = tx.send(list_files_page(client, req, bucket, prefix, start).await);
        }
        Command::ListVersions {
            req,
            bucket,
            file_name,
        } => list_versions(client, req, bucket, file_name, tx).await,
        Command::ListFilesBefore {
            req,
            bucket,
            prefix,
            before,
        } => {
            let evt = match list_files_before(client, bucket, prefix, before.as_deref()).await {
                Ok(found) => WorkerEvent::FilesListed {
                    req,
                    entries: found.entries,
                    next: found.start,
                },
                Err(e) => WorkerEvent::failed(req, &e),
            };
            let _ = tx.send(evt);
        }
        Command::Keys(_)
        | Command::Transfer(_)
        | Command::Search(_)
        | Command::Usage(_)
        | Command::Actions(_)
        | Command::Preview(_) => {}
        Command::Restore(cmd) => super::restore::execute(client, cmd, tx).await,
        Command::Settings(cmd) => super::settings::execute(client, cmd, tx).await,
    }
}

/// `b2_list_file_names` with delimiter `/`: one page of a folder.
async fn list_files_page(
    client: &B2Client,
    req: RequestId,
    bucket: BucketId,
    prefix: String,
    start: Option<String>,
) -> WorkerEvent {
    let request = ListFileNamesRequest {
        bucket_id: bucket,
        start_file_name: start,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(prefix),
        delimiter: Some("/".to_owned()),
    };
    match client.list_file_names(&request).await {
        Ok(resp) => WorkerEvent::FilesListed {
            req,
            entries: resp.files,
            next: resp.next_file_name,
        },
        Err(e) => WorkerEvent::failed(req, &e),
    }
}

/// Seeking gives up narrowing after this many probes and takes the best page found.
const MAX_PROBES: usize = 24;

/// A seek is content with a page holding at least this many names before the target.
const MIN_BEFORE: usize = PAGE_SIZE as usize / 4;

/// What [`list_files_before`] found: the names in `[start, before)`, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Before {
    /// None: the folder's first name is among `entries`.
    pub start: Option<String>,
    pub entries: Vec<FileVersion>,
}

/// The names of folder `prefix` that come just before `before` (None: the folder's last
/// names), without listing the folder from its top. B2 lists only forward, so this seeks:
/// one page from the top (enough for a small folder), then pages from points of the name
/// space between what is known to lie before and the target, narrowing like a bisection
/// (each probe that does not reach the target moves the low end past its page; each that
/// does moves the high end to its start) until a page from a start point holds at least
/// [`MIN_BEFORE`] names before the target and reaches it. A handful of calls on any size.
pub async fn list_files_before(
    client: &B2Client,
    bucket: BucketId,
    prefix: String,
    before: Option<&str>,
) -> Result<Before, B2Error> {
    let page = |start: Option<String>| {
        let request = ListFileNamesRequest {
            bucket_id: bucket.clone(),
            start_file_name: start,
            max_file_count: Some(PAGE_SIZE),
            prefix: Some(prefix.clone()),
            delimiter: Some("/".to_owned()),
        };
        async move { client.list_file_names(&request).await }
    };
    // The part of a page before the target, when the page reaches the target (holds it,
    // or ends right before it); else where the next page starts, and the page.
    let reaching = |mut files: Vec<FileVersion>, next: Option<String>| {
        let reaches = match before {
            None => next.is_none(),
            Some(b) => {
                next.as_deref().is_none_or(|n| n >= b)
                    || files.last().is_some_and(|f| f.file_name.as_str() >= b)
            }
        };
        if let Some(b) = before {
            files.retain(|f| f.file_name.as_str() < b);
        }
        if reaches {
            Ok(files)
        } else {
            Err((next, files))
        }
    };
    let first = page(None).await?;
    // The characters names use (after the folder): probes are made of them, so a probe
    // between `n00024` and `n00025` is `n000247`, not a character no name holds.
    let mut alphabet: Vec<char> = first
        .files
        .iter()
        .flat_map(|f| f.file_name.get(prefix.len()..).unwrap_or("").chars())
        .collect();
    alphabet.sort_unstable();
    alphabet.dedup();
    // The last page that ended before the target, at `lo`: its names run on into the
    // page listed from `lo`.
    let (mut lo, mut below) = match reaching(first.files, first.next_file_name) {
        Ok(entries) => {
            return Ok(Before {
                start: None,
                entries,
            });
        }
        Err((next, entries)) => (
            next.unwrap_or_default(),
            Some(Before {
                start: None,
                entries,
            }),
        ),
    };
    let mut best: Option<Before> = None;
    let mut hi = match before {
        Some(b) => b.to_owned(),
        None => {
            // The end: bound it by the successors of the beginnings of `lo` (`n00001000`
            // gives `o`, `n1`, `n01`, ... decreasing): a binary search finds the longest
            // beginning whose successor starts no name.
            let rest: Vec<char> = lo.get(prefix.len()..).unwrap_or("").chars().collect();
            let successors: Vec<String> = (0..rest.len())
                .filter_map(|k| {
                    let next = alphabet.iter().copied().find(|&a| a > rest[k])?;
                    let head: String = rest[..k].iter().collect();
                    Some(format!("{prefix}{head}{next}"))
                })
                .collect();
            let mut hi = format!("{prefix}\u{10FFFF}");
            let (mut a, mut b) = (0, successors.len());
            while a < b {
                let m = (a + b) / 2;
                let at = successors[m].clone();
                let resp = page(Some(at.clone())).await?;
                match (resp.files.is_empty(), resp.next_file_name) {
                    (true, _) => {
                        hi = at;
                        a = m + 1;
                    }
                    (false, None) => {
                        // This page holds the end.
                        let found = Before {
                            start: Some(at.clone()),
                            entries: resp.files,
                        };
                        if found.entries.len() >= MIN_BEFORE {
                            return Ok(found);
                        }
                        best = Some(found);
                        hi = at;
                        break;
                    }
                    (false, Some(next)) => {
                        if next > lo {
                            lo = next;
                        }
                        b = m;
                    }
                }
            }
            hi
        }
    };
    for _ in 0..MAX_PROBES {
        let Some(mid) = midpoint_in(&lo, &hi, &alphabet).or_else(|| midpoint(&lo, &hi)) else {
            break;
        };
        let resp = page(Some(mid.clone())).await?;
        match reaching(resp.files, resp.next_file_name) {
            Ok(entries) => {
                let enough = entries.len() >= MIN_BEFORE;
                best = Some(Before {
                    start: Some(mid.clone()),
                    entries,
                });
                if enough {
                    break;
                }
                hi = mid;
            }
            Err((next, entries)) => match next {
                Some(next) if next > lo => {
                    lo = next;
                    below = Some(Before {
                        start: Some(mid),
                        entries,
                    });
                }
                _ => break,
            },
        }
    }
    if let Some(found) = best {
        if found.entries.len() >= MIN_BEFORE {
            return Ok(found);
        }
        // Only a few names lie between the closest probes and the target (the name space
        // there is too narrow to split): the page from `lo`, after the page that ended
        // there, gives a useful stretch.
        if let Some(below) = below
            && let Ok(mut entries) = {
                let resp = page(Some(lo.clone())).await?;
                reaching(resp.files, resp.next_file_name)
            }
            && entries.len() >= found.entries.len()
        {
            let mut run = below.entries;
            run.append(&mut entries);
            return Ok(Before {
                start: below.start,
                entries: run,
            });
        }
        return Ok(found);
    }
    // Narrowing failed (names the midpoints cannot split): walk forward from the low end,
    // keeping the last page's worth.
    let mut start = lo;
    let mut kept: std::collections::VecDeque<FileVersion> = Default::default();
    loop {
        let resp = page(Some(start.clone())).await?;
        let next = resp.next_file_name.clone();
        let (done, files) = match reaching(resp.files, resp.next_file_name) {
            Ok(files) => (true, files),
            // A page wholly before the target: kept, the target may be on the next.
            Err((_, files)) => (false, files),
        };
        kept.extend(files);
        while kept.len() > PAGE_SIZE as usize {
            kept.pop_front();
        }
        match next {
            Some(n) if !done => start = n,
            _ => {
                let start = kept.front().map(|f| f.file_name.clone());
                return Ok(Before {
                    start,
                    entries: kept.into(),
                });
            }
        }
    }
}

/// Code points below a space are not in file names; a digit of the name space is a code
/// point from the space up, plus 0 for "the name ended". Between two ASCII names only the
/// printable ASCII characters count, so the middle is not a character no name uses.
const UNICODE_BASE: u128 = 0x11_0000 - 0x1F;
const ASCII_BASE: u128 = 0x80 - 0x1F;
const DIGITS: usize = 6;

fn digit(c: Option<char>) -> u128 {
    c.map_or(0, |c| u128::from(u32::from(c).saturating_sub(0x1F)))
}

fn from_digit(d: u128) -> Option<char> {
    let v = u32::try_from(d + 0x1F).ok()?;
    char::from_u32(v).or_else(|| char::from_u32(0xE000))
}

/// A name strictly between `lo` and `hi` made of the characters of `alphabet` (and of
/// `lo` and `hi`), near the middle of the names of that alphabet between them; None when
/// they are too close to split that way.
pub fn midpoint_in(lo: &str, hi: &str, alphabet: &[char]) -> Option<String> {
    if lo >= hi {
        return None;
    }
    let common = common_len(lo, hi);
    let (lo_rest, hi_rest) = (&lo[common..], &hi[common..]);
    let mut chars: Vec<char> = alphabet
        .iter()
        .copied()
        .chain(lo_rest.chars().take(DIGITS))
        .chain(hi_rest.chars().take(DIGITS))
        .filter(|&c| c >= ' ')
        .collect();
    chars.sort_unstable();
    chars.dedup();
    let base = chars.len() as u128 + 1;
    let digit = |c: Option<char>| {
        c.map_or(Some(0), |c| {
            chars.binary_search(&c).ok().map(|i| i as u128 + 1)
        })
    };
    let char_of = |d: u128| chars.get(usize::try_from(d - 1).ok()?).copied();
    middle(lo, hi, common, base, digit, char_of)
}

/// A name strictly between `lo` and `hi` (in B2's order: UTF-8 bytes, the same as code
/// points), near the middle of the names that could lie between them; None when they are
/// too close to split.
pub fn midpoint(lo: &str, hi: &str) -> Option<String> {
    if lo >= hi {
        return None;
    }
    let common = common_len(lo, hi);
    let (lo_rest, hi_rest) = (&lo[common..], &hi[common..]);
    let printable = |s: &str| {
        s.chars()
            .take(DIGITS)
            .all(|c| (' '..='\u{7F}').contains(&c))
    };
    let base = if printable(lo_rest) && printable(hi_rest) {
        ASCII_BASE
    } else {
        UNICODE_BASE
    };
    middle(lo, hi, common, base, |c| Some(digit(c)), from_digit)
}

/// Bytes of the longest common beginning of `lo` and `hi` (on a character boundary).
fn common_len(lo: &str, hi: &str) -> usize {
    lo.char_indices()
        .zip(hi.chars())
        .find(|((_, a), b)| a != b)
        .map_or(lo.len().min(hi.len()), |((i, _), _)| i)
}

/// The name halfway between `lo` and `hi` after their common `common` bytes: the rests
/// read as `DIGITS`-digit numbers in `base` (`digit` reads a character, 0 for "the name
/// ended"), the middle number written back with `char_of`; None when the rests are
/// adjacent numbers or a character cannot be read or written.
fn middle(
    lo: &str,
    hi: &str,
    common: usize,
    base: u128,
    digit: impl Fn(Option<char>) -> Option<u128>,
    char_of: impl Fn(u128) -> Option<char>,
) -> Option<String> {
    let number = |s: &str| {
        let mut chars = s.chars();
        (0..DIGITS).try_fold(0u128, |n, _| {
            n.checked_mul(base)?.checked_add(digit(chars.next())?)
        })
    };
    let (a, b) = (number(&lo[common..])?, number(&hi[common..])?);
    if b <= a + 1 {
        return None;
    }
    let mut m = a + (b - a) / 2;
    let mut digits = [0u128; DIGITS];
    for d in digits.iter_mut().rev() {
        *d = m % base;
        m /= base;
    }
    let used = digits.iter().rposition(|&d| d != 0).map_or(0, |i| i + 1);
    let mut out = lo[..common].to_owned();
    for &d in &digits[..used] {
        // A 0 inside the name cannot be written: the smallest character stands for it.
        out.push(char_of(d.max(1))?);
    }
    (lo < out.as_str() && out.as_str() < hi).then_some(out)
}

/// `b2_list_file_versions` from `startFileName = prefix = name`: every version of `name`,
/// newest first. The prefix also matches longer names (`a.txt` → `a.txt.bak`), so the scan
/// stops at the first entry with another name.
async fn list_versions(
    client: &B2Client,
    req: RequestId,
    bucket: BucketId,
    file_name: String,
    tx: &UnboundedSender<WorkerEvent>,
) {
    let request = ListFileVersionsRequest {
        bucket_id: bucket,
        start_file_name: Some(file_name.clone()),
        start_file_id: None,
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(file_name.clone()),
        delimiter: None,
    };
    let mut pages = std::pin::pin!(paginate::file_versions(client.clone(), request));
    loop {
        let page = match pages.try_next().await {
            Ok(Some(page)) => page,
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(WorkerEvent::failed(req, &e));
                return;
            }
        };
        let total = page.items.len();
        let versions: Vec<_> = page
            .items
            .into_iter()
            .take_while(|v| v.file_name == file_name)
            .collect();
        let other_name_seen = versions.len() < total;
        // The next page is fetched only while it can still hold this name.
        let done = other_name_seen || page.next.is_none_or(|c| c.file_name != file_name);
        let sent = tx.send(WorkerEvent::VersionsListed {
            req,
            versions,
            done,
        });
        if sent.is_err() || done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{midpoint, midpoint_in};

    #[test]
    fn midpoints_lie_strictly_between() {
        let pairs = [
            ("big/", "big/n0990000.dat"),
            ("big/n0001000.dat", "big/n0990000.dat"),
            ("a", "b"),
            ("a", "a0"),
            ("a/", "a-b"),
            ("", "z"),
            ("dé", "dü"),
            ("x\u{10FFFE}", "y"),
        ];
        for (lo, hi) in pairs {
            let (l, h) = if lo < hi { (lo, hi) } else { (hi, lo) };
            let m = midpoint(l, h).unwrap_or_else(|| panic!("{l:?}..{h:?} splits"));
            assert!(l < m.as_str() && m.as_str() < h, "{l:?} < {m:?} < {h:?}");
        }
        assert_eq!(midpoint("b", "a"), None);
        assert_eq!(midpoint("a", "a"), None);
        assert_eq!(
            midpoint("a", "a "),
            None,
            "nothing fits between a name and its successor"
        );
    }

    #[test]
    fn midpoints_in_the_names_alphabet_interpolate() {
        let alphabet: Vec<char> = "0123456789.datn".chars().collect();
        let m = midpoint_in("big/n00024001.dat", "big/n00025001.dat", &alphabet).unwrap();
        assert!(
            m.starts_with("big/n00024") && m.as_str() > "big/n00024001.dat",
            "{m}"
        );
        assert!(m.as_bytes()[10].is_ascii_digit(), "a digit follows: {m}");
        let pairs = [
            ("a/", "a-b"),
            ("a", "a0"),
            ("dé", "dü"),
            ("big/n0", "big/\u{7F}"),
        ];
        for (lo, hi) in pairs {
            let (l, h) = if lo < hi { (lo, hi) } else { (hi, lo) };
            if let Some(m) = midpoint_in(l, h, &alphabet) {
                assert!(l < m.as_str() && m.as_str() < h, "{l:?} < {m:?} < {h:?}");
            }
        }
    }

    #[test]
    fn midpoints_split_decimal_names_near_their_middle() {
        let m = midpoint("big/n00000000.dat", "big/n00990000.dat").unwrap();
        assert!(m.starts_with("big/n004"), "{m}");
    }
}
