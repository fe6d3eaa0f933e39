//! ListMultipartUploads (`GET /bucket?uploads`): unfinished B2 large files by key, then
//! start order, from `key-marker`/`upload-id-marker` on, optionally grouped into common
//! prefixes at a `delimiter`.

use std::sync::Arc;

use axum::response::Response;

use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request};
use crate::emulator::State;
use crate::emulator::store::{Action, BucketRow};

/// Rows read from the store at a time while grouping by a delimiter.
const BATCH: usize = 1000;

/// A non-negative count parameter, at most `max` (and `max` when absent).
pub(super) fn count(request: &S3Request, name: &str, max: usize) -> Result<usize, S3Error> {
    match request.query(name) {
        None => Ok(max),
        Some(text) => text
            .trim()
            .parse::<usize>()
            .map(|n| n.min(max))
            .map_err(|_| {
                S3Error::bad_request("InvalidArgument", &format!("{name} must be a number"))
            }),
    }
}

pub(super) fn owner(account: &str, tag: &str) -> String {
    format!(
        "<{tag}>{}{}</{tag}>",
        element("ID", account),
        element("DisplayName", "")
    )
}

/// One entry of the listing: an upload's key, id and start time, or a common prefix.
enum Listed {
    Upload {
        key: String,
        id: String,
        started: i64,
    },
    Prefix(String),
}

/// What to list, all owned so it can go to the store thread.
struct Query {
    bucket_id: String,
    prefix: String,
    delimiter: Option<String>,
    key_marker: String,
    id_marker: Option<String>,
    max: usize,
}

/// Up to `max + 1` entries after the markers (one more tells that the listing goes on).
fn entries(
    db: &crate::emulator::store::Db,
    q: &Query,
) -> Result<Vec<Listed>, crate::emulator::error::ApiError> {
    let mut after_seq = match &q.id_marker {
        Some(id) => db
            .version(id)?
            .filter(|v| v.action == Action::Start && v.name == q.key_marker)
            .map(|v| v.seq),
        None => None,
    };
    let mut after_name = q.key_marker.clone();
    let mut out: Vec<Listed> = Vec::new();
    loop {
        let batch = db.uploads_by_name(&q.bucket_id, &q.prefix, &after_name, after_seq, BATCH)?;
        let full = batch.len() == BATCH;
        if let Some(last) = batch.last() {
            after_name = last.name.clone();
            after_seq = Some(last.seq);
        }
        for row in batch {
            let common = q.delimiter.as_ref().and_then(|d| {
                let rest = row.name.get(q.prefix.len()..)?;
                rest.find(d.as_str())
                    .map(|at| row.name[..q.prefix.len() + at + d.len()].to_string())
            });
            match common {
                // The prefix a previous page ended with, or the one just listed.
                Some(common)
                    if common == q.key_marker
                        || matches!(out.last(), Some(Listed::Prefix(p)) if *p == common) => {}
                Some(common) => out.push(Listed::Prefix(common)),
                None => out.push(Listed::Upload {
                    key: row.name,
                    id: row.file_id,
                    started: row.upload_ts,
                }),
            }
            if out.len() > q.max {
                return Ok(out);
            }
        }
        if !full {
            return Ok(out);
        }
    }
}

/// `GET /bucket?uploads`.
pub async fn list_uploads(
    state: &Arc<State>,
    request: S3Request,
    bucket: BucketRow,
) -> Result<Response, S3Error> {
    request.require("listFiles", &bucket, None)?;
    let prefix = request.query("prefix").unwrap_or_default();
    if let Some(restricted) = &request.key.name_prefix
        && !prefix.starts_with(restricted.as_str())
    {
        return Err(S3Error::access_denied("not entitled"));
    }
    let key_marker = request.query("key-marker").unwrap_or_default();
    let query = Query {
        bucket_id: bucket.bucket_id.clone(),
        prefix: prefix.clone(),
        delimiter: request.query("delimiter").filter(|d| !d.is_empty()),
        id_marker: request
            .query("upload-id-marker")
            .filter(|m| !m.is_empty() && !key_marker.is_empty()),
        key_marker,
        max: count(&request, "max-uploads", 1000)?,
    };
    let url = request.query("encoding-type").as_deref() == Some("url");
    let (mut listed, query) = state
        .db(move |db, _| Ok((entries(db, &query)?, query)))
        .await?;
    let truncated = listed.len() > query.max;
    listed.truncate(query.max);
    let account = state.store.account_id().to_string();
    let text = |t: &str| xml::listed(t, url);
    let mut body = format!("<ListMultipartUploadsResult xmlns=\"{NAMESPACE}\">");
    body.push_str(&element("Bucket", &bucket.name));
    body.push_str(&element("KeyMarker", &text(&query.key_marker)));
    body.push_str(&element(
        "UploadIdMarker",
        query.id_marker.as_deref().unwrap_or(""),
    ));
    match listed.last().filter(|_| truncated) {
        Some(Listed::Upload { key, id, .. }) => {
            body.push_str(&element("NextKeyMarker", &text(key)));
            body.push_str(&element("NextUploadIdMarker", id));
        }
        Some(Listed::Prefix(last)) => {
            body.push_str(&element("NextKeyMarker", &text(last)));
        }
        None => {}
    }
    body.push_str(&element("Prefix", &text(&query.prefix)));
    if let Some(d) = &query.delimiter {
        body.push_str(&element("Delimiter", &text(d)));
    }
    if url {
        body.push_str(&element("EncodingType", "url"));
    }
    body.push_str(&element("MaxUploads", &query.max.to_string()));
    body.push_str(&element("IsTruncated", &truncated.to_string()));
    for entry in &listed {
        match entry {
            Listed::Upload { key, id, started } => {
                body.push_str("<Upload>");
                body.push_str(&element("Key", &text(key)));
                body.push_str(&element("UploadId", id));
                body.push_str(&owner(&account, "Initiator"));
                body.push_str(&owner(&account, "Owner"));
                body.push_str(&element("StorageClass", "STANDARD"));
                body.push_str(&element("Initiated", &xml::iso_time(*started)));
                body.push_str("</Upload>");
            }
            Listed::Prefix(common) => {
                body.push_str("<CommonPrefixes>");
                body.push_str(&element("Prefix", &text(common)));
                body.push_str("</CommonPrefixes>");
            }
        }
    }
    body.push_str("</ListMultipartUploadsResult>");
    Ok(xml::ok(body))
}
