//! ListObjects (V1, `marker`) and ListObjectsV2 (`continuation-token`, `start-after`): one
//! core reads the bucket's current names through b2_list_file_names' store walk and writes
//! `<Contents>` and `<CommonPrefixes>`; the two versions differ only in how a page is
//! resumed and named. Needs `listFiles`; a key with a name prefix lists only below it.

use std::sync::Arc;

use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::names::successor;
use crate::emulator::store::{BucketRow, Entry, ListRequest};

/// What both versions ask: prefix, delimiter, page size and URL encoding.
pub struct Query {
    pub prefix: String,
    pub delimiter: Option<String>,
    pub max_keys: usize,
    pub url: bool,
}

impl Query {
    /// Reads the common parameters and checks the key may list there.
    pub fn read(request: &S3Request, bucket: &BucketRow) -> Result<Query, S3Error> {
        let prefix = request.query("prefix").unwrap_or_default();
        let max_keys = match request.query("max-keys") {
            Some(text) => text
                .parse::<usize>()
                .map_err(|_| S3Error::bad_request("InvalidArgument", "max-keys must be a number"))?
                .min(1000),
            None => 1000,
        };
        request.require("listFiles", bucket, None)?;
        if let Some(restricted) = &request.key.name_prefix
            && !prefix.starts_with(restricted.as_str())
        {
            return Err(S3Error::access_denied("not entitled"));
        }
        Ok(Query {
            prefix,
            delimiter: request.query("delimiter").filter(|d| !d.is_empty()),
            max_keys,
            url: request.query("encoding-type").as_deref() == Some("url"),
        })
    }

    /// Where a listing resumes after `marker` (a key, or a common prefix whose names are
    /// all skipped).
    pub fn after(&self, marker: &str) -> Option<String> {
        match &self.delimiter {
            Some(d) if marker.ends_with(d.as_str()) && marker.len() > self.prefix.len() => {
                successor(marker)
            }
            // Names hold no control characters, so this is the first name after it.
            _ => Some(format!("{marker}\u{0}")),
        }
    }
}

/// One page of current names from `start` (inclusive); None when `max_keys` is 0.
async fn page(
    state: &Arc<State>,
    bucket: &BucketRow,
    query: &Query,
    start: Option<String>,
) -> Result<(Vec<Entry>, Option<String>), S3Error> {
    if query.max_keys == 0 {
        return Ok((Vec::new(), None));
    }
    let list = ListRequest {
        bucket_id: bucket.bucket_id.clone(),
        start_name: start,
        start_file_id: None,
        prefix: query.prefix.clone(),
        delimiter: query.delimiter.clone(),
        max: query.max_keys,
    };
    let page = state.db(move |db, _| db.list_names(&list)).await?;
    Ok((page.entries, page.next_name))
}

/// `<Contents>` and `<CommonPrefixes>` of `entries`.
fn entries_xml(entries: &[Entry], url: bool) -> String {
    let mut body = String::new();
    for entry in entries {
        match entry {
            Entry::Version(v) => {
                body.push_str("<Contents>");
                body.push_str(&element("Key", &xml::listed(&v.name, url)));
                body.push_str(&element("LastModified", &xml::iso_time(v.upload_ts)));
                body.push_str(&element("ETag", &super::objects::etag(v)));
                body.push_str(&element("Size", &v.size.to_string()));
                body.push_str(&element("StorageClass", "STANDARD"));
                body.push_str("</Contents>");
            }
            Entry::Folder(f) => {
                body.push_str("<CommonPrefixes>");
                body.push_str(&element("Prefix", &xml::listed(f, url)));
                body.push_str("</CommonPrefixes>");
            }
        }
    }
    body
}

/// The head shared by both answers: Name, Prefix, Delimiter.
fn head(bucket: &BucketRow, query: &Query) -> String {
    let mut body = format!("<ListBucketResult xmlns=\"{NAMESPACE}\">");
    body.push_str(&element("Name", &bucket.name));
    body.push_str(&element("Prefix", &xml::listed(&query.prefix, query.url)));
    if let Some(d) = &query.delimiter {
        body.push_str(&element("Delimiter", &xml::listed(d, query.url)));
    }
    body
}

/// `GET /bucket` (ListObjects V1): `marker` is the last key (or common prefix) seen;
/// `NextMarker` is given when a delimiter is, as S3 does.
pub async fn list_v1(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
) -> Result<Response, S3Error> {
    let query = Query::read(&request, &bucket)?;
    let marker = request.query("marker").filter(|m| !m.is_empty());
    let start = marker.as_deref().and_then(|m| query.after(m));
    if marker.is_some() && start.is_none() {
        return Ok(xml::ok(finish_v1(&bucket, &query, marker, &[], None)));
    }
    let (entries, next) = page(state, &bucket, &query, start).await?;
    let truncated = next.is_some().then(|| {
        entries
            .last()
            .map(|e| e.name().to_string())
            .unwrap_or_default()
    });
    Ok(xml::ok(finish_v1(
        &bucket, &query, marker, &entries, truncated,
    )))
}

fn finish_v1(
    bucket: &BucketRow,
    query: &Query,
    marker: Option<String>,
    entries: &[Entry],
    next_marker: Option<String>,
) -> String {
    let mut body = head(bucket, query);
    body.push_str(&element(
        "Marker",
        &xml::listed(marker.as_deref().unwrap_or_default(), query.url),
    ));
    if let Some(next) = next_marker.as_ref().filter(|_| query.delimiter.is_some()) {
        body.push_str(&element("NextMarker", &xml::listed(next, query.url)));
    }
    if query.url {
        body.push_str(&element("EncodingType", "url"));
    }
    body.push_str(&element("MaxKeys", &query.max_keys.to_string()));
    body.push_str(&element("IsTruncated", &next_marker.is_some().to_string()));
    body.push_str(&entries_xml(entries, query.url));
    body.push_str("</ListBucketResult>");
    body
}

/// `GET /bucket?list-type=2`: the continuation token is the next name to list.
pub async fn list_v2(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
) -> Result<Response, S3Error> {
    let query = Query::read(&request, &bucket)?;
    let start_after = request.query("start-after").filter(|s| !s.is_empty());
    let token = request.query("continuation-token");
    let start = match &token {
        Some(token) => Some(
            URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .ok_or_else(|| {
                    S3Error::bad_request("InvalidArgument", "The continuation token is not valid.")
                })?,
        ),
        None => start_after.as_deref().and_then(|s| query.after(s)),
    };
    let (entries, next) = page(state, &bucket, &query, start).await?;
    let mut body = head(&bucket, &query);
    if let Some(s) = &start_after {
        body.push_str(&element("StartAfter", &xml::listed(s, query.url)));
    }
    if let Some(t) = &token {
        body.push_str(&element("ContinuationToken", t));
    }
    if query.url {
        body.push_str(&element("EncodingType", "url"));
    }
    body.push_str(&element("MaxKeys", &query.max_keys.to_string()));
    body.push_str(&element("KeyCount", &entries.len().to_string()));
    body.push_str(&element("IsTruncated", &next.is_some().to_string()));
    if let Some(next) = next {
        body.push_str(&element(
            "NextContinuationToken",
            &URL_SAFE_NO_PAD.encode(next.as_bytes()),
        ));
    }
    body.push_str(&entries_xml(&entries, query.url));
    body.push_str("</ListBucketResult>");
    Ok(xml::ok(body))
}
