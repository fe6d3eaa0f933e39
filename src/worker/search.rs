//! Search the bucket: every name under a folder (`b2_list_file_names` without a delimiter,
//! 10,000 names a call) matched against a pattern as the pages arrive. Only the matches are
//! kept (up to a limit) and counted; progress goes to the app in batches, at most every
//! [`BATCH_EVERY`], with the names scanned and the time taken. A scan stops at once when it
//! is cancelled (the call in flight is dropped) or when the app is gone.
//!
//! Patterns ([`NamePattern::parse`]), matched against the name below the folder searched:
//! - `re:TEXT`: a regular expression (Rust `regex` syntax), found anywhere in the name;
//! - `glob:TEXT`, or text holding `*`, `?` or `[`: a glob over the whole name; `*` and `?`
//!   stay within one folder level, `**` crosses levels; a glob without `/` is matched
//!   against the last segment (`*.jpg` finds `a/b/c.jpg`);
//! - anything else: a substring, case-insensitive unless it holds an upper-case letter.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use memchr::memmem;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::{RequestId, WorkerEvent};
use crate::b2::{B2Client, BucketId, FileId, FileVersion, ListFileNamesRequest, paginate};

/// Names per call: B2's largest page (one class C transaction per 1,000 names either way).
pub const SEARCH_PAGE_SIZE: u32 = 10_000;

/// Progress is sent at most this often (and once at the end).
pub const BATCH_EVERY: Duration = Duration::from_millis(100);

/// A search request from the app.
#[derive(Clone, Debug, PartialEq)]
pub enum SearchCommand {
    /// Scan every name under `prefix` for `pattern` (as typed, see [`NamePattern::parse`]),
    /// keeping at most `limit` matches.
    Start {
        req: RequestId,
        bucket: BucketId,
        prefix: String,
        pattern: String,
        limit: usize,
    },
    /// Stop the scan `req`; what it found so far stays with the app.
    Cancel { req: RequestId },
}

impl SearchCommand {
    pub fn req(&self) -> RequestId {
        match self {
            Self::Start { req, .. } | Self::Cancel { req } => *req,
        }
    }
}

/// One match: what the results list shows and a download or hide needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub name: String,
    pub file_id: Option<FileId>,
    pub size: u64,
    pub uploaded: i64,
    /// The SHA-1 a download is checked against (`contentSha1` or `large_file_sha1`).
    pub sha1: Option<String>,
}

impl SearchHit {
    fn of(v: &FileVersion) -> Self {
        Self {
            name: v.file_name.clone(),
            file_id: v.file_id.clone(),
            size: v.content_length,
            uploaded: v.upload_timestamp,
            sha1: v.expected_sha1().map(str::to_owned),
        }
    }

    /// The listed version this hit stands for (for a download of exactly that version).
    pub fn to_version(&self) -> FileVersion {
        FileVersion {
            account_id: None,
            action: crate::b2::FileAction::Upload,
            bucket_id: None,
            content_length: self.size,
            content_sha1: self.sha1.clone(),
            content_md5: None,
            content_type: None,
            file_id: self.file_id.clone(),
            file_info: Default::default(),
            file_name: self.name.clone(),
            upload_timestamp: self.uploaded,
        }
    }
}

/// How a scan ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchEnd {
    /// Every name was scanned.
    Done,
    /// Stopped by the user.
    Cancelled,
}

/// A batch of progress: the new matches since the last batch and the counters so far.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchProgress {
    pub req: RequestId,
    /// Names scanned so far.
    pub scanned: u64,
    /// Matches so far, kept or not.
    pub matched: u64,
    /// Time since the scan started.
    pub elapsed: Duration,
    /// Matches kept since the last batch (none once the limit is reached).
    pub hits: Vec<SearchHit>,
    /// Set on the last batch.
    pub end: Option<SearchEnd>,
}

/// The scans running, by request, so a `Cancel` reaches its scan.
#[derive(Clone, Debug, Default)]
pub struct Searches(Arc<Mutex<HashMap<RequestId, CancellationToken>>>);

impl Searches {
    /// The token of `req`, made if needed (a cancel may arrive before its start).
    fn token(&self, req: RequestId) -> CancellationToken {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(req).or_default().clone()
    }

    fn forget(&self, req: RequestId) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&req);
    }
}

/// What kind of pattern the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternKind {
    Substring,
    Glob,
    Regex,
}

impl PatternKind {
    pub fn label(self) -> &'static str {
        match self {
            PatternKind::Substring => "substring",
            PatternKind::Glob => "glob",
            PatternKind::Regex => "regex",
        }
    }
}

#[derive(Clone, Debug)]
enum Matcher {
    /// Case-sensitive substring.
    Bytes(Box<memmem::Finder<'static>>),
    /// A regex over the text (regexes, case-insensitive substrings).
    Regex(regex::Regex),
    /// A compiled glob; `base` = matched against the last segment only.
    Glob { re: regex::bytes::Regex, base: bool },
}

/// A compiled name pattern.
#[derive(Clone, Debug)]
pub struct NamePattern {
    kind: PatternKind,
    matcher: Matcher,
}

impl NamePattern {
    /// Reads a typed pattern (see the module documentation); the error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(re) = text.strip_prefix("re:") {
            return Self::regex(re);
        }
        if let Some(glob) = text.strip_prefix("glob:") {
            return Self::glob(glob);
        }
        if text.contains(['*', '?', '[']) {
            return Self::glob(text);
        }
        Self::substring(text)
    }

    pub fn kind(&self) -> PatternKind {
        self.kind
    }

    fn regex(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a regular expression after re:".to_owned());
        }
        let re = regex::Regex::new(text).map_err(|e| format!("invalid regex: {}", brief(&e)))?;
        Ok(Self {
            kind: PatternKind::Regex,
            matcher: Matcher::Regex(re),
        })
    }

    fn glob(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a glob after glob:".to_owned());
        }
        let glob = globset::GlobBuilder::new(text)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| format!("invalid glob: {}", e.kind()))?;
        let re = regex::bytes::Regex::new(glob.regex())
            .map_err(|e| format!("invalid glob: {}", brief(&e)))?;
        Ok(Self {
            kind: PatternKind::Glob,
            matcher: Matcher::Glob {
                re,
                base: !text.contains('/'),
            },
        })
    }

    fn substring(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("type a name or part of one (re: for a regex, * ? [ ] for a glob)".into());
        }
        let matcher = if text.chars().any(char::is_uppercase) {
            Matcher::Bytes(Box::new(memmem::Finder::new(text.as_bytes()).into_owned()))
        } else {
            let re = regex::RegexBuilder::new(&regex::escape(text))
                .case_insensitive(true)
                .build()
                .map_err(|e| format!("invalid text: {}", brief(&e)))?;
            Matcher::Regex(re)
        };
        Ok(Self {
            kind: PatternKind::Substring,
            matcher,
        })
    }

    /// True when `name` (below the folder searched) matches. Allocates nothing.
    pub fn is_match(&self, name: &str) -> bool {
        match &self.matcher {
            Matcher::Bytes(f) => f.find(name.as_bytes()).is_some(),
            Matcher::Regex(re) => re.is_match(name),
            Matcher::Glob { re, base } => {
                let subject = if *base {
                    name.rsplit('/').next().unwrap_or(name)
                } else {
                    name
                };
                re.is_match(subject.as_bytes())
            }
        }
    }
}

/// The last line of a regex error (the reason, without the pattern echoed above it).
fn brief(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_owned()
}

/// Runs one search command, reporting through `tx`.
pub async fn execute(
    client: &B2Client,
    searches: &Searches,
    cmd: SearchCommand,
    tx: &UnboundedSender<WorkerEvent>,
) {
    match cmd {
        SearchCommand::Cancel { req } => searches.token(req).cancel(),
        SearchCommand::Start {
            req,
            bucket,
            prefix,
            pattern,
            limit,
        } => {
            let token = searches.token(req);
            scan(client, &token, req, bucket, prefix, &pattern, limit, tx).await;
            searches.forget(req);
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn scan(
    client: &B2Client,
    token: &CancellationToken,
    req: RequestId,
    bucket: BucketId,
    prefix: String,
    pattern: &str,
    limit: usize,
    tx: &UnboundedSender<WorkerEvent>,
) {
    let pattern = match NamePattern::parse(pattern) {
        Ok(p) => p,
        Err(e) => {
            let error = super::Failure::Local(e);
            let _ = tx.send(WorkerEvent::RequestFailed { req, error });
            return;
        }
    };
    let started = Instant::now();
    let request = ListFileNamesRequest {
        bucket_id: bucket,
        start_file_name: None,
        max_file_count: Some(SEARCH_PAGE_SIZE),
        prefix: Some(prefix.clone()),
        delimiter: None,
    };
    let mut pages = std::pin::pin!(paginate::file_names(client.clone(), request));
    let mut batch = SearchProgress {
        req,
        scanned: 0,
        matched: 0,
        elapsed: Duration::ZERO,
        hits: Vec::new(),
        end: None,
    };
    let mut kept = 0usize;
    let mut last_sent = started;
    loop {
        let page = tokio::select! {
            biased;
            () = token.cancelled() => {
                batch.end = Some(SearchEnd::Cancelled);
                break;
            }
            page = pages.try_next() => page,
        };
        let page = match page {
            Ok(Some(page)) => page,
            Ok(None) => {
                batch.end = Some(SearchEnd::Done);
                break;
            }
            Err(e) => {
                let _ = tx.send(WorkerEvent::Search(batch));
                let _ = tx.send(WorkerEvent::failed(req, &e));
                return;
            }
        };
        batch.scanned += page.items.len() as u64;
        for v in &page.items {
            let below = v.file_name.get(prefix.len()..).unwrap_or(&v.file_name);
            if v.action == crate::b2::FileAction::Upload && pattern.is_match(below) {
                batch.matched += 1;
                if kept < limit {
                    kept += 1;
                    batch.hits.push(SearchHit::of(v));
                }
            }
        }
        if last_sent.elapsed() >= BATCH_EVERY {
            last_sent = Instant::now();
            batch.elapsed = started.elapsed();
            let next = SearchProgress {
                hits: Vec::new(),
                ..batch.clone_counters()
            };
            let full = std::mem::replace(&mut batch, next);
            if tx.send(WorkerEvent::Search(full)).is_err() {
                return;
            }
        }
    }
    batch.elapsed = started.elapsed();
    let _ = tx.send(WorkerEvent::Search(batch));
}

impl SearchProgress {
    /// The counters without the hits.
    fn clone_counters(&self) -> Self {
        Self {
            req: self.req,
            scanned: self.scanned,
            matched: self.matched,
            elapsed: self.elapsed,
            hits: Vec::new(),
            end: self.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_kind_of_pattern() {
        let p = |t| NamePattern::parse(t).expect("valid");
        assert_eq!(p("report").kind(), PatternKind::Substring);
        assert_eq!(p("*.jpg").kind(), PatternKind::Glob);
        assert_eq!(p("glob:a").kind(), PatternKind::Glob);
        assert_eq!(p("re:^a").kind(), PatternKind::Regex);
    }

    #[test]
    fn substrings_are_smart_case() {
        let lower = NamePattern::parse("report").expect("valid");
        assert!(lower.is_match("docs/Report.txt"));
        let upper = NamePattern::parse("Report").expect("valid");
        assert!(upper.is_match("docs/Report.txt"));
        assert!(!upper.is_match("docs/report.txt"));
    }

    #[test]
    fn globs_without_a_slash_match_the_last_segment() {
        let g = NamePattern::parse("*.jpg").expect("valid");
        assert!(g.is_match("a/b/c.jpg"));
        assert!(!g.is_match("a/b.jpg/c.txt"));
        let deep = NamePattern::parse("a/*/c.jpg").expect("valid");
        assert!(deep.is_match("a/b/c.jpg"));
        assert!(!deep.is_match("a/b/x/c.jpg"));
        assert!(
            NamePattern::parse("a/**/c.jpg")
                .expect("valid")
                .is_match("a/b/x/c.jpg")
        );
    }

    #[test]
    fn bad_patterns_are_named() {
        let e = NamePattern::parse("re:(unclosed").expect_err("invalid");
        assert!(e.starts_with("invalid regex:"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = NamePattern::parse("a[").expect_err("invalid");
        assert!(e.starts_with("invalid glob:"), "{e}");
        assert!(NamePattern::parse("").is_err());
        assert!(NamePattern::parse("re:").is_err());
    }
}
