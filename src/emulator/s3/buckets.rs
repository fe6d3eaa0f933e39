//! Service and bucket operations: ListBuckets, HeadBucket, GetBucketLocation,
//! GetBucketVersioning and ListObjectsV2.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::xml::{self, NAMESPACE, element};
use super::{S3Error, S3Request, bucket_named};
use crate::emulator::State;
use crate::emulator::store::{Entry, ListRequest};

/// `/`: ListBuckets. A bucket-restricted key also needs `listAllBucketNames`, as on B2,
/// and then sees every bucket's name.
pub async fn service(state: &Arc<State>, request: S3Request) -> Result<Response, S3Error> {
    if request.method != Method::GET {
        return Err(S3Error::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        ));
    }
    let key = request.key;
    if !key.has("listBuckets") || (key.buckets.is_some() && !key.has("listAllBucketNames")) {
        return Err(S3Error::access_denied("not entitled"));
    }
    let account = state.store.account_id().to_string();
    let buckets = state.db(|db, _| db.buckets()).await?;
    let mut body = format!("<ListAllMyBucketsResult xmlns=\"{NAMESPACE}\"><Owner>");
    body.push_str(&element("ID", &account));
    body.push_str(&element("DisplayName", ""));
    body.push_str("</Owner><Buckets>");
    for bucket in buckets {
        body.push_str("<Bucket>");
        body.push_str(&element("Name", &bucket.name));
        // B2 keeps no creation time for S3; the epoch stands in, as a constant.
        body.push_str(&element("CreationDate", &xml::iso_time(0)));
        body.push_str("</Bucket>");
    }
    body.push_str("</Buckets></ListAllMyBucketsResult>");
    Ok(xml::ok(body))
}

/// `/bucket`: the bucket operations of this version of the API.
pub async fn bucket(
    state: &Arc<State>,
    request: S3Request,
    _body: Body,
) -> Result<Response, S3Error> {
    let name = request.bucket.clone().unwrap_or_default();
    let found = state.db(move |db, _| Ok(bucket_named(db, &name))).await??;
    let method = request.method.clone();
    if method == Method::HEAD {
        if !request.key.allows_bucket(&found.bucket_id) {
            return Err(S3Error::access_denied("not entitled"));
        }
        return Ok(Response::new(Body::empty()));
    }
    if method != Method::GET {
        return Err(S3Error::not_implemented(
            "this bucket operation is not supported by the local B2 yet",
        ));
    }
    if request.has_query("uploads") {
        return super::uploads::list_uploads(state, request, found).await;
    }
    if request.has_query("location") {
        request.require("listBuckets", &found, None)?;
        // Empty, as S3 answers for its default region.
        return Ok(xml::ok(format!(
            "<LocationConstraint xmlns=\"{NAMESPACE}\"></LocationConstraint>"
        )));
    }
    if request.has_query("versioning") {
        request.require("listBuckets", &found, None)?;
        return Ok(xml::ok(format!(
            "<VersioningConfiguration xmlns=\"{NAMESPACE}\"><Status>Enabled</Status></VersioningConfiguration>"
        )));
    }
    if request.query("list-type").as_deref() == Some("2") {
        return list_v2(state, request, found).await;
    }
    Err(S3Error::not_implemented(
        "this bucket operation is not supported by the local B2 yet (ListObjectsV2 is)",
    ))
}

async fn list_v2(
    state: &Arc<State>,
    request: S3Request,
    found: crate::emulator::store::BucketRow,
) -> Result<Response, S3Error> {
    let prefix = request.query("prefix").unwrap_or_default();
    let delimiter = request.query("delimiter").filter(|d| !d.is_empty());
    let url = request.query("encoding-type").as_deref() == Some("url");
    let start_after = request.query("start-after").filter(|s| !s.is_empty());
    let token = request.query("continuation-token");
    let max_keys: usize = match request.query("max-keys") {
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| S3Error::bad_request("InvalidArgument", "max-keys must be a number"))?
            .min(1000),
        None => 1000,
    };
    request.require("listFiles", &found, None)?;
    if let Some(restricted) = &request.key.name_prefix
        && !prefix.starts_with(restricted.as_str())
    {
        return Err(S3Error::access_denied("not entitled"));
    }
    // The token is the next name to list, so listing resumes there.
    let start_name = match &token {
        Some(token) => Some(
            URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|raw| String::from_utf8(raw).ok())
                .ok_or_else(|| {
                    S3Error::bad_request("InvalidArgument", "The continuation token is not valid.")
                })?,
        ),
        // Names hold no control characters, so this is the first name after it.
        None => start_after.as_ref().map(|s| format!("{s}\u{0}")),
    };
    let page = if max_keys == 0 {
        None
    } else {
        let list = ListRequest {
            bucket_id: found.bucket_id.clone(),
            start_name,
            start_file_id: None,
            prefix: prefix.clone(),
            delimiter: delimiter.clone(),
            max: max_keys,
        };
        Some(state.db(move |db, _| db.list_names(&list)).await?)
    };
    let mut body = format!("<ListBucketResult xmlns=\"{NAMESPACE}\">");
    body.push_str(&element("Name", &found.name));
    body.push_str(&element("Prefix", &xml::listed(&prefix, url)));
    if let Some(d) = &delimiter {
        body.push_str(&element("Delimiter", &xml::listed(d, url)));
    }
    if let Some(s) = &start_after {
        body.push_str(&element("StartAfter", &xml::listed(s, url)));
    }
    if let Some(t) = &token {
        body.push_str(&element("ContinuationToken", t));
    }
    if url {
        body.push_str(&element("EncodingType", "url"));
    }
    body.push_str(&element("MaxKeys", &max_keys.to_string()));
    let (entries, next) = page.map_or((Vec::new(), None), |p| (p.entries, p.next_name));
    body.push_str(&element("KeyCount", &entries.len().to_string()));
    body.push_str(&element("IsTruncated", &next.is_some().to_string()));
    if let Some(next) = next {
        body.push_str(&element(
            "NextContinuationToken",
            &URL_SAFE_NO_PAD.encode(next.as_bytes()),
        ));
    }
    for entry in entries {
        match entry {
            Entry::Version(v) => {
                body.push_str("<Contents>");
                body.push_str(&element("Key", &xml::listed(&v.name, url)));
                body.push_str(&element("LastModified", &xml::iso_time(v.upload_ts)));
                body.push_str(&element("ETag", &super::objects::etag(&v)));
                body.push_str(&element("Size", &v.size.to_string()));
                body.push_str(&element("StorageClass", "STANDARD"));
                body.push_str("</Contents>");
            }
            Entry::Folder(f) => {
                body.push_str("<CommonPrefixes>");
                body.push_str(&element("Prefix", &xml::listed(&f, url)));
                body.push_str("</CommonPrefixes>");
            }
        }
    }
    body.push_str("</ListBucketResult>");
    Ok(xml::ok(body))
}
